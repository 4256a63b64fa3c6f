// The only way out of the isolate: one synchronous host function, installed once at boot.
// Values crossing it are copied (strings, numbers, arrays, plain objects, Uint8Array);
// no host object or host prototype is ever handed in.
//
// Synchronous ops return their value directly. Asynchronous ops take a call id; the host
// answers later by entering the isolate through `complete(id, ok, value)`.

import { HOST_ERROR as kHostError } from './protocol.js';

let host = null;
const pending = new Map();
let nextCallId = 1;

export function installHost(fn) {
  host = fn;
}

// Errors from the host arrive as [name, message] and are rebuilt here, so user code only ever
// sees errors of this isolate's own classes, with no host stack.
export function rebuildError(detail) {
  const [name, message] = detail;
  const Ctor = globalThis[name];
  if (name === 'DOMException' || (typeof Ctor === 'function' && Ctor.prototype instanceof Error) || name === 'Error') {
    if (name === 'DOMException') return new globalThis.DOMException(message, detail[2] ?? 'Error');
    return new Ctor(message);
  }
  const err = new Error(message);
  err.name = name;
  return err;
}

// Fixed parameters, not a spread: a spread goes through Array.prototype[Symbol.iterator], which a
// worker can replace to rewrite the arguments after they were checked. (The host validates what
// it relies on all the same.) Nine are enough for every operation.
export function hostCall(op, a, b, c, d, e, f, g, h, i) {
  const result = host(op, a, b, c, d, e, f, g, h, i);
  if (result !== null && typeof result === 'object' && !ArrayBuffer.isView(result) && result[kHostError]) {
    throw rebuildError(result[kHostError]);
  }
  return result;
}

// A value the host could not receive because structured clone cannot copy it (a function, ...)
// fails as Workers reports it: a DataCloneError. Other errors pass through.
export function asDataCloneError(err) {
  if (err instanceof TypeError && / could not be cloned\.$/.test(err.message)) return new globalThis.DOMException(err.message, 'DataCloneError');
  return err;
}

export function hostAsync(op, ...args) {
  const id = nextCallId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    try {
      hostCall(op, id, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7]);
    } catch (err) {
      pending.delete(id);
      reject(err);
    }
  });
}

// Entered from the host when an asynchronous op finishes.
export function complete(id, ok, value) {
  const call = pending.get(id);
  if (!call) return;
  pending.delete(id);
  if (ok) call.resolve(value);
  else call.reject(rebuildError(value));
}

