// The async context behind AsyncLocalStorage and AsyncResource: the current frame (a Map from
// storage to store, or null) and the means to carry it into callbacks.
//
// V8 carries such a context through `await` only with embedder support ("continuation-preserved
// embedder data") that JavaScript cannot reach, so here the frame follows only what can be seen
// from JavaScript: synchronous calls, and the callbacks of setTimeout, setInterval,
// queueMicrotask, setImmediate and promise reactions registered with then/catch/finally. Those
// are wrapped from the moment a frame is first entered (until then nothing is patched). The
// continuation after an `await` runs outside any frame.

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

// Replaces the current frame until the synchronous code that asked for it has run: the frame is
// dropped before the next queued callback (it is never carried into another event's work).
export function enterFrame(frame) {
  install();
  current = frame;
  const entered = frame;
  // Scheduled with the unwrapped then: this reaction must not run inside the frame it ends.
  Reflect.apply(nativeThen, Promise.resolve(), [() => {
    if (current === entered) current = null;
  }]);
}

// `fn` bound to the current frame (fn itself when there is none).
export function wrapCurrent(fn) {
  const frame = current;
  if (frame === null) return fn;
  return function bound(...args) {
    return runInFrame(frame, fn, this, args);
  };
}

const nativeThen = Promise.prototype.then;

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

// Wraps the callbacks of the global timers, queueMicrotask and Promise.prototype.then (which
// catch and finally call) so that they run in the frame current when they were registered.
export function install() {
  if (installed) return;
  installed = true;
  const global = globalThis;
  const { setTimeout, setInterval, queueMicrotask } = global;

  if (typeof setTimeout === 'function') {
    redefine(global, 'setTimeout', keepShape(function (callback, ...rest) {
      return Reflect.apply(setTimeout, this, [typeof callback === 'function' ? wrapCurrent(callback) : callback, ...rest]);
    }, setTimeout));
  }
  if (typeof setInterval === 'function') {
    redefine(global, 'setInterval', keepShape(function (callback, ...rest) {
      return Reflect.apply(setInterval, this, [typeof callback === 'function' ? wrapCurrent(callback) : callback, ...rest]);
    }, setInterval));
  }
  if (typeof queueMicrotask === 'function') {
    redefine(global, 'queueMicrotask', keepShape(function (callback) {
      return Reflect.apply(queueMicrotask, this, [typeof callback === 'function' ? wrapCurrent(callback) : callback]);
    }, queueMicrotask));
  }
  redefine(Promise.prototype, 'then', keepShape(function then(onFulfilled, onRejected) {
    if (current === null) return Reflect.apply(nativeThen, this, [onFulfilled, onRejected]);
    return Reflect.apply(nativeThen, this, [
      typeof onFulfilled === 'function' ? wrapCurrent(onFulfilled) : onFulfilled,
      typeof onRejected === 'function' ? wrapCurrent(onRejected) : onRejected,
    ]);
  }, nativeThen));
}
