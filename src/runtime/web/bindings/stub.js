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
let valuesExports = null;
const values = () => (valuesExports ??= require('../rpc-values.js'));

const PROPERTY = Object.freeze({ kind: 'property' });
const PROMISE = Object.freeze({ kind: 'promise' });
const stubRecords = new WeakMap(); // stub -> { kind: 'stub', handle, target }

// Proxies wrap a function so that they can be called: a new one for each, bound from one of
// these, whose prototype (which a bound function takes from the function it binds, and a proxy
// without a getPrototypeOf trap shows as its own) tells which kind of proxy it is. An RPC call
// then needs no weak map entry, which the garbage collector would pay for.
const PROPERTY_PROTOTYPE = Object.create(Function.prototype);
const PROMISE_PROTOTYPE = Object.create(Function.prototype);
const propertyFunction = Object.setPrototypeOf(function () {}, PROPERTY_PROTOTYPE);
const promiseFunction = Object.setPrototypeOf(function () {}, PROMISE_PROTOTYPE);
const bind = Function.prototype.call.bind(Function.prototype.bind);

// What `value` is to RPC, if it is one of the proxies made here.
export function referenceOf(value) {
  if (typeof value !== 'function') return undefined;
  const prototype = Object.getPrototypeOf(value);
  if (prototype === PROPERTY_PROTOTYPE) return PROPERTY;
  if (prototype === PROMISE_PROTOTYPE) return PROMISE;
  return stubRecords.get(value);
}

const THENABLE = new Set(['then', 'catch', 'finally']);

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
      let member = members.get(name);
      if (member === undefined) members.set(name, (member = property(target, [name])));
      return member;
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
    outcome = await hostAsync(op, ...route, path, args === null ? null : values().encodeArguments(args));
  } catch (err) {
    throw asDataCloneError(err);
  }
  if (!outcome[0]) throw rebuildError(outcome[1]);
  return values().decodeResult(outcome[1]);
}

// The proxies' handlers are objects of these classes, which hold what each proxy stands for
// (rather than closures made for each one).
class PropertyHandler {
  constructor(target, path) {
    this.target = target;
    this.path = path;
  }

  get(_, name) {
    if (THENABLE.has(name)) {
      return (...callbacks) => {
        const read = this.target(this.path, null);
        return read[name](...callbacks);
      };
    }
    if (typeof name === 'symbol') return undefined;
    return property(this.target, [...this.path, name]);
  }

  apply(_, thisArg, args) {
    return rpcPromise(this.target(this.path, args));
  }
}

function property(target, path) {
  return new Proxy(bind(propertyFunction), new PropertyHandler(target, path));
}

// A call's result, and a target for calls on it once it arrives (promise pipelining).
class PromiseHandler {
  constructor(promise) {
    this.promise = promise;
  }

  get(_, name) {
    const { promise } = this;
    if (THENABLE.has(name)) return promise[name].bind(promise);
    if (name === Symbol.dispose) {
      return () => {
        promise.then((value) => value?.[Symbol.dispose]?.(), () => {});
      };
    }
    if (typeof name === 'symbol') return undefined;
    return property((path, args) => this.pipeline(path, args), [name]);
  }

  apply(_, thisArg, args) {
    return rpcPromise(this.pipeline([], args));
  }

  pipeline(path, args) {
    return this.promise.then((value) => values().invokePath(value, path, args));
  }
}

// A thenable for a call's result that is also a target for calls on that result once it arrives,
// and disposes it (the stubs it brought) when disposed.
function rpcPromise(promise) {
  return new Proxy(bind(promiseFunction), new PromiseHandler(promise));
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
  const stub = new Proxy(function () {}, {
    get(_, name) {
      if (name === 'dup') return () => dup(handle);
      if (name === Symbol.dispose) return () => dispose(handle);
      // Awaiting a stub gives the stub.
      if (typeof name === 'symbol' || name === 'then') return undefined;
      return property(target, [name]);
    },
    apply: (_, thisArg, args) => rpcPromise(target([], args)),
  });
  stubRecords.set(stub, { kind: 'stub', handle, target });
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
  return stubRecords.get(stub).target(path, args);
}
