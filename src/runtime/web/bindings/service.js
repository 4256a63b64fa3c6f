// A service binding (`[[services]]`): `fetch()` sends a request to the other worker as an HTTP
// request would arrive, without a socket; any other method name is an RPC call to its
// WorkerEntrypoint. Arguments and results are structured-cloned (functions, streams and RpcTarget
// instances do not cross; see the README).
import { hostAsync, rebuildError, asDataCloneError } from '../internal/bridge.js';
import { sendRequest } from '../fetch.js';
import { Request } from '../request.js';

const kCreate = Symbol('create');

export class Fetcher {
  constructor(token) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
  }
}
Object.defineProperty(Fetcher.prototype, Symbol.toStringTag, { value: 'Fetcher', configurable: true });

async function call(binding, method, args) {
  let outcome;
  try {
    outcome = await hostAsync('serviceCall', binding, method, args);
  } catch (err) {
    throw asDataCloneError(err);
  }
  const [ok, value, wasUndefined] = outcome;
  // An exception of the callee: its class and message (and a DOMException's name).
  if (!ok) throw rebuildError(value[0] === 'DOMException' ? value : [value[0], value[1]]);
  return wasUndefined ? undefined : value;
}

export function createService(binding) {
  const fetch = (input, init = undefined) => sendRequest(new Request(input, init), ['service', binding]);
  const connect = () => {
    throw new Error('connect() over a service binding is not supported.');
  };
  const methods = new Map();
  return new Proxy(new Fetcher(kCreate), {
    get(target, property) {
      // Symbols and Object.prototype's names (toString, valueOf, ...) are the object's own.
      if (typeof property === 'symbol' || property in Object.prototype) return Reflect.get(target, property);
      if (property === 'fetch') return fetch;
      if (property === 'connect') return connect;
      // Not a method: awaiting the binding must not make an RPC call.
      if (property === 'then' || property === 'constructor') return undefined;
      if (!methods.has(property)) methods.set(property, (...args) => call(binding, property, args));
      return methods.get(property);
    },
    has(target, property) {
      return property === 'fetch' || property === 'connect' || Reflect.has(target, property);
    },
  });
}
