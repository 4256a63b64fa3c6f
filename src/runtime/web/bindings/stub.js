// What service-binding Fetchers and Durable Object stubs share: a Proxy on which fixed
// properties (fetch, ...) are the object's own and any other name is an RPC method, and the
// way an RPC call's outcome becomes its result or its error.
import { hostAsync, rebuildError, asDataCloneError } from '../internal/bridge.js';

// `target` (the stub's class instance) with `fixed` properties ({ name: value }) and every other
// string property an RPC method calling `call(method, args)`.
export function rpcProxy(target, fixed, call) {
  const methods = new Map();
  return new Proxy(target, {
    get(object, property) {
      // Symbols and Object.prototype's names (toString, valueOf, ...) are the object's own.
      if (typeof property === 'symbol' || property in Object.prototype) return Reflect.get(object, property);
      if (Object.hasOwn(fixed, property)) return fixed[property];
      // Not a method: awaiting a stub must not make an RPC call.
      if (property === 'then' || property === 'constructor') return undefined;
      if (!methods.has(property)) methods.set(property, (...args) => call(property, args));
      return methods.get(property);
    },
    has(object, property) {
      return Object.hasOwn(fixed, property) || Reflect.has(object, property);
    },
  });
}

// Makes the RPC host call `op` with `args`; resolves with the callee's result, or rejects with
// its exception (its class and message, and a DOMException's name).
export async function rpcCall(op, ...args) {
  let outcome;
  try {
    outcome = await hostAsync(op, ...args);
  } catch (err) {
    throw asDataCloneError(err);
  }
  const [ok, value, wasUndefined] = outcome;
  if (!ok) throw rebuildError(value[0] === 'DOMException' ? value : [value[0], value[1]]);
  return wasUndefined ? undefined : value;
}
