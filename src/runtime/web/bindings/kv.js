export function createKvNamespace() {}
