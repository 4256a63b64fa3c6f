export function createR2Bucket(name) {
  throw new Error(`R2 binding "${name}": not built yet.`);
}
