// The calling side of RPC: service-binding Fetchers, Durable Object stubs and stubs for other
// workers' objects are proxies on which any property name is a remote member.
//
// A "target" is where calls go: `target(path, args)` calls the function at `path` (a list of
// property names) with `args`, or with `args` null reads the value there, and returns a promise
// of the result. Reading `stub.a.b` builds a property (nothing is sent until it is awaited or
// called); calling one sends the call at once and returns an RPC promise, which is also a target
// for calls on its eventual result (promise pipelining: `env.SVC.getCounter().increment()`).
import { hostAsync, hostCall, rebuildError, asDataCloneError } from '../internal/bridge.js';

// Required, not imported: the platform's parts that use it share one instance (see prelude.js).
const values = () => require('../rpc-values.js');

const references = new WeakMap(); // proxy -> { kind: 'stub', handle, target } | { kind: 'promise' | 'property' }

// What `value` is to RPC, if it is one of the proxies made here.
export function referenceOf(value) {
  return references.get(value);
}

const THENABLE = new Set(['then', 'catch', 'finally']);

// Proxies wrap a function so that they can be called.
const callable = () => function rpc() {};

// `object` (a binding's class instance) with `fixed` properties ({ name: value }) and every other
// string property a remote member of `target`.
export function rpcProxy(object, fixed, target) {
  const members = new Map();
  return new Proxy(object, {
    get(o, name) {
      // Symbols and Object.prototype's names (toString, valueOf, ...) are the object's own.
      if (typeof name === 'symbol' || name in Object.prototype) return Reflect.get(o, name);
      if (Object.hasOwn(fixed, name)) return fixed[name];
      // Awaiting a binding must not make an RPC call.
      if (name === 'then') return undefined;
      if (!members.has(name)) members.set(name, property(target, [name]));
      return members.get(name);
    },
    has(o, name) {
      return Object.hasOwn(fixed, name) || Reflect.has(o, name);
    },
  });
}

// The target behind host op `op` with its leading arguments `route` (which binding, which object).
export function hostTarget(op, ...route) {
  return (path, args) => callHost(op, route, path, args);
}

async function callHost(op, route, path, args) {
  let outcome;
  try {
    outcome = await hostAsync(op, ...route, path, args === null ? null : values().encode(args));
  } catch (err) {
    throw asDataCloneError(err);
  }
  if (!outcome[0]) throw rebuildError(outcome[1]);
  return values().decodeResult(outcome[1]);
}

function property(target, path) {
  const proxy = new Proxy(callable(), {
    get(_, name) {
      if (THENABLE.has(name)) {
        return (...callbacks) => {
          const read = target(path, null);
          return read[name](...callbacks);
        };
      }
      if (typeof name === 'symbol') return undefined;
      return property(target, [...path, name]);
    },
    apply: (_, thisArg, args) => rpcPromise(target(path, args)),
  });
  references.set(proxy, { kind: 'property' });
  return proxy;
}

// A thenable for a call's result that is also a target for calls on that result once it arrives,
// and disposes it (the stubs it brought) when disposed.
function rpcPromise(promise) {
  const pipeline = (path, args) => promise.then((value) => values().invokePath(value, path, args));
  const proxy = new Proxy(callable(), {
    get(_, name) {
      if (THENABLE.has(name)) return promise[name].bind(promise);
      if (name === Symbol.dispose) {
        return () => {
          promise.then((value) => value?.[Symbol.dispose]?.(), () => {});
        };
      }
      if (typeof name === 'symbol') return undefined;
      return property(pipeline, [name]);
    },
    apply: (_, thisArg, args) => rpcPromise(pipeline([], args)),
  });
  references.set(proxy, { kind: 'promise' });
  return proxy;
}

// ---- stubs for objects of other workers ----

const DISPOSED = 'RPC stub used after being disposed.';

// A stub for capability `id` (a function or RpcTarget of another worker), which this isolate
// holds until the stub and all its dups are disposed.
export function stubFor(id) {
  return makeStub({ capability: { id, handles: 1 }, disposed: false });
}

function makeStub(handle) {
  const target = (path, args) => (handle.disposed ? Promise.reject(new Error(DISPOSED)) : callHost('capCall', [handle.capability.id], path, args));
  const stub = new Proxy(callable(), {
    get(_, name) {
      if (name === 'dup') return () => dup(handle);
      if (name === Symbol.dispose) return () => dispose(handle);
      // Awaiting a stub gives the stub.
      if (typeof name === 'symbol' || name === 'then') return undefined;
      return property(target, [name]);
    },
    apply: (_, thisArg, args) => rpcPromise(target([], args)),
  });
  references.set(stub, { kind: 'stub', handle, target });
  return stub;
}

function dup(handle) {
  if (handle.disposed) throw new Error(DISPOSED);
  handle.capability.handles += 1;
  return makeStub({ capability: handle.capability, disposed: false });
}

function dispose(handle) {
  if (handle.disposed) return;
  handle.disposed = true;
  handle.capability.handles -= 1;
  if (handle.capability.handles === 0) hostCall('rpcRelease', handle.capability.id);
}

export function disposeStubs(stubs) {
  for (const stub of stubs) stub[Symbol.dispose]();
}

// Continues a call (or read) at `path` on the object `stub` stands for.
export function forwardCall(stub, path, args) {
  return references.get(stub).target(path, args);
}
