// The async context behind AsyncLocalStorage and AsyncResource: the current frame (a Map from
// storage to store, or null) and the means to carry it into callbacks.
//
// V8 carries such a context through `await` only for an embedder that sets its "continuation-
// preserved embedder data" from C++, which isolated-vm does not expose. So the frame is carried
// by the callbacks JavaScript registers: those of setTimeout, setInterval, queueMicrotask and
// promise reactions (then, and the catch and finally built on it) run in the frame current when
// they were registered, and so does the then() of a thenable that Promise.resolve adopts. A
// worker that uses node:async_hooks has its `await`s compiled to such reactions when it loads
// (src/runtime/async-lowering.js). Nothing is wrapped until node:async_hooks loads.
//
// Frames are only entered for a call and left when it returns, so between two callbacks the
// frame is always null: a callback registered outside any frame needs no wrapping.

let current = null;
let installed = false;

export function getFrame() {
  return current;
}

export function runInFrame(frame, fn, thisArg, args) {
  const previous = current;
  current = frame;
  try {
    return Reflect.apply(fn, thisArg, args);
  } finally {
    current = previous;
  }
}

// `fn` bound to the current frame (fn itself when there is none).
export function wrapCurrent(fn) {
  const frame = current;
  if (frame === null) return fn;
  return function bound(...args) {
    return runInFrame(frame, fn, this, args);
  };
}

// A promise reaction in `frame` (wrapCurrent's, for the one argument reactions take: `await`
// runs through these, so they are kept lean).
function reaction(frame, fn) {
  return (value) => {
    const previous = current;
    current = frame;
    try {
      return fn(value);
    } finally {
      current = previous;
    }
  };
}

const NativePromise = Promise;
const nativeThen = Promise.prototype.then;
const nativeResolve = Promise.resolve;

function redefine(target, name, value) {
  const descriptor = Object.getOwnPropertyDescriptor(target, name);
  if (!descriptor || !descriptor.configurable) return;
  Object.defineProperty(target, name, { ...descriptor, value });
}

function keepShape(wrapper, original) {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  return wrapper;
}

// Wraps the first argument of global function `name` when it is a callback.
function wrapCallbackOf(global, name) {
  const original = global[name];
  if (typeof original !== 'function') return;
  redefine(global, name, keepShape(function (callback, ...rest) {
    return Reflect.apply(original, this, [typeof callback === 'function' ? wrapCurrent(callback) : callback, ...rest]);
  }, original));
}

// Promise.resolve(thenable) as the language defines it (then read at once, called one microtask
// later with the new promise's resolving functions), the call made in the current frame.
function adoptThenable(thenable) {
  const frame = current;
  return new NativePromise((resolve, reject) => {
    const then = thenable.then;
    if (typeof then !== 'function') {
      resolve(thenable);
      return;
    }
    Reflect.apply(nativeThen, Reflect.apply(nativeResolve, NativePromise, []), [() => {
      try {
        runInFrame(frame, then, thenable, [resolve, reject]);
      } catch (err) {
        reject(err);
      }
    }]);
  });
}

export function install() {
  if (installed) return;
  installed = true;
  const global = globalThis;
  for (const name of ['setTimeout', 'setInterval', 'queueMicrotask']) wrapCallbackOf(global, name);
  redefine(Promise.prototype, 'then', keepShape(function then(onFulfilled, onRejected) {
    if (current === null) return Reflect.apply(nativeThen, this, [onFulfilled, onRejected]);
    return Reflect.apply(nativeThen, this, [
      typeof onFulfilled === 'function' ? reaction(current, onFulfilled) : onFulfilled,
      typeof onRejected === 'function' ? reaction(current, onRejected) : onRejected,
    ]);
  }, nativeThen));
  // `await` of a thenable that is not a promise (a query builder, say) adopts it this way.
  redefine(Promise, 'resolve', keepShape(function resolve(value) {
    const foreign = current !== null && this === NativePromise && value !== null
      && (typeof value === 'object' || typeof value === 'function') && !(value instanceof NativePromise);
    return foreign ? adoptThenable(value) : Reflect.apply(nativeResolve, this, [value]);
  }, nativeResolve));
}
