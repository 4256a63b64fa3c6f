// node:async_hooks: AsyncLocalStorage and AsyncResource, plus the inert createHook,
// executionAsyncId, triggerAsyncId, executionAsyncResource and asyncWrapProviders Workers has.
//
// A store set by run() is seen by the synchronous call and by everything it schedules: `await`,
// promise reactions, timers, queueMicrotask, process.nextTick (see _async-context.js).
// AsyncResource, AsyncLocalStorage.bind and .snapshot() carry a frame explicitly. As in Workers,
// enterWith() and disable() throw.
import { validateFunction, ERR_INVALID_ARG_TYPE } from './_errors.js';

const context = require('./_async-context.js');

// Installed as the module loads, before the worker's code runs: references to setTimeout or
// then() that the worker keeps are the ones that carry the store.
context.install();

function withValue(frame, storage, value) {
  const next = new Map(frame ?? []);
  next.set(storage, value);
  return next;
}

function withoutValue(frame, storage) {
  if (frame === null || !frame.has(storage)) return frame;
  const next = new Map(frame);
  next.delete(storage);
  return next.size === 0 ? null : next;
}

function notImplemented(method) {
  return new Error(`asyncLocalStorage.${method}() is not implemented`);
}

export class AsyncLocalStorage {
  #defaultValue;
  #name;

  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw ERR_INVALID_ARG_TYPE('options', 'Object', options);
    this.#defaultValue = options.defaultValue;
    this.#name = options.name === undefined ? '' : `${options.name}`;
  }

  get name() {
    return this.#name;
  }

  static bind(fn) {
    validateFunction(fn, 'fn');
    return AsyncResource.bind(fn);
  }

  static snapshot() {
    const frame = context.getFrame();
    return function runInAsyncScope(fn, ...args) {
      return context.runInFrame(frame, fn, this, args);
    };
  }

  disable() {
    throw notImplemented('disable');
  }

  getStore() {
    const frame = context.getFrame();
    if (frame === null || !frame.has(this)) return this.#defaultValue;
    return frame.get(this);
  }

  enterWith() {
    throw notImplemented('enterWith');
  }

  run(store, callback, ...args) {
    return context.runInFrame(withValue(context.getFrame(), this, store), callback, undefined, args);
  }

  exit(callback, ...args) {
    return context.runInFrame(withoutValue(context.getFrame(), this), callback, undefined, args);
  }
}

let nextAsyncId = 1;

export class AsyncResource {
  #frame;
  #asyncId;
  #triggerAsyncId;

  constructor(type, options = {}) {
    if (typeof type !== 'string') throw ERR_INVALID_ARG_TYPE('type', 'string', type);
    this.#frame = context.getFrame();
    this.#asyncId = nextAsyncId++;
    this.#triggerAsyncId = typeof options === 'number' ? options : (options?.triggerAsyncId ?? 0);
  }

  runInAsyncScope(fn, thisArg, ...args) {
    return context.runInFrame(this.#frame, fn, thisArg, args);
  }

  emitDestroy() {
    return this;
  }

  asyncId() {
    return this.#asyncId;
  }

  triggerAsyncId() {
    return this.#triggerAsyncId;
  }

  bind(fn, thisArg = undefined) {
    validateFunction(fn, 'fn');
    const resource = this;
    const bound = function (...args) {
      return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    };
    Object.defineProperties(bound, {
      length: { value: fn.length, configurable: true },
      asyncResource: { value: this, configurable: true, enumerable: true, writable: true },
    });
    return bound;
  }

  static bind(fn, type = undefined, thisArg = undefined) {
    type = type || fn.name || 'bound-anonymous-fn';
    return new AsyncResource(type).bind(fn, thisArg);
  }
}

class AsyncHook {
  enable() {
    return this;
  }

  disable() {
    return this;
  }
}

export function createHook() {
  return new AsyncHook();
}

export function executionAsyncId() {
  return 0;
}

export function triggerAsyncId() {
  return 0;
}

export function executionAsyncResource() {
  return Object.create(null);
}

export const asyncWrapProviders = Object.freeze({ __proto__: null, NONE: 0 });

export default {
  AsyncLocalStorage, AsyncResource, asyncWrapProviders, createHook, executionAsyncId, executionAsyncResource, triggerAsyncId,
};
