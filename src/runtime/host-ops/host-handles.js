// What the host sides of node:crypto and node:zlib (node-crypto.js, node-zlib.js) share: Node's
// errors cross back to the isolate as values (errorValue, guarded), and the objects they hold
// for an isolate (keys, hashes, zlib engines, ...) live in a table of its IsolateHost, where the
// isolate refers to them by handles that mean nothing to any other isolate (HandleTable). The
// isolate's half is src/runtime/web/node/_host-handles.js.

// Marks the values crossing that are not plain data ({ [TAG]: 'err', v: ... }, ...).
export const TAG = 'outpost:tag';

const ERROR_CLASSES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError']);

// Errors cross as a value, not through the bridge's own error path, so that the isolate can
// rebuild them with their class, code and other details (OpenSSL's, zlib's errno).
export function errorValue(err) {
  const name = ERROR_CLASSES.has(err?.constructor?.name) ? err.constructor.name : 'Error';
  const props = {};
  if (err !== null && typeof err === 'object') {
    for (const key of Object.keys(err)) {
      const value = err[key];
      if (['string', 'number', 'boolean'].includes(typeof value)) props[key] = value;
      else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) props[key] = [...value];
    }
  }
  return { [TAG]: 'err', v: [name, String(err?.message ?? err), props] };
}

// A host op that returns what it throws as an error value.
export function guarded(fn) {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      return errorValue(err);
    }
  };
}

// The objects of one kind held for each isolate, by handle: a Map kept on its IsolateHost as
// host[property]. `get` throws a TypeError(`missing`) for a handle it does not hold;
// `onRelease(host, object)` is called for each object released.
export class HandleTable {
  #property;
  #missing;
  #onRelease;

  constructor(property, { missing, onRelease = () => {} }) {
    this.#property = property;
    this.#missing = missing;
    this.#onRelease = onRelease;
  }

  // The isolate's Map (handle -> object).
  of(host) {
    host[this.#property] ??= new Map();
    return host[this.#property];
  }

  get(host, id) {
    const found = typeof id === 'number' ? this.of(host).get(id) : undefined;
    if (!found) throw new TypeError(this.#missing);
    return found;
  }

  release(host, id) {
    const objects = this.of(host);
    const found = objects.get(id);
    if (!found) return;
    this.#onRelease(host, found);
    objects.delete(id);
  }

  // The host op by which the isolate lets go of handles ([id, ...]): objects it
  // garbage-collected, closed or finished with.
  get releaseOp() {
    return (host, ids) => {
      if (!Array.isArray(ids)) return;
      for (const id of ids) this.release(host, id);
    };
  }
}
