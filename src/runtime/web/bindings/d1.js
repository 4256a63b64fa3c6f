export function createD1Database(name) {
  throw new Error(`D1 binding "${name}": not built yet.`);
}
