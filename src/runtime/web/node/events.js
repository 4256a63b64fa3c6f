// node:events: Node's EventEmitter, with captureRejections, errorMonitor, the static once()/on()
// helpers (on() is an async iterator), getEventListeners/getMaxListeners/setMaxListeners,
// addAbortListener and EventEmitterAsyncResource.
//
// The emitter methods are installed on the prototype of @jspm/core's EventEmitter, which the
// node:stream implementation extends: streams are EventEmitters of this module (instanceof
// holds) and behave as these methods say. This module's constructor shares that prototype and
// takes Node's options ({ captureRejections }).
import * as jspmEvents from '@jspm/core/nodelibs/events';
import {
  AbortError, ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, nodeError, validateAbortSignal, validateBoolean,
  validateFunction, validateNumber, validateObject,
} from './_errors.js';

const kCapture = Symbol('kCapture');
const kShapeMode = Symbol('shapeMode');
const kRejection = Symbol.for('nodejs.rejection');
const kErrorMonitor = Symbol('events.errorMonitor');
const kMaxEventTargetListeners = Symbol('events.maxEventTargetListeners');
const kMaxEventTargetListenersWarned = Symbol('events.maxEventTargetListenersWarned');
const kFirstEventParam = Symbol('nodejs.kFirstEventParam');

const JspmEventEmitter = jspmEvents.EventEmitter;
// EventEmitter.defaultMaxListeners lives on @jspm/core's EventEmitter (which defines it
// unconfigurably), so both constructors read and set the same value.
const defaultMaxListenersOf = () => JspmEventEmitter.defaultMaxListeners;
// Max listeners set on EventTargets, which have no place of their own for it.
const eventTargetMaxListeners = new WeakMap();

function inspect(value, options) {
  return require('./_inspect.js').inspect(value, options);
}

// Workers' process.nextTick is a microtask.
function nextTick(fn, ...args) {
  queueMicrotask(() => fn(...args));
}

export function EventEmitter(opts) {
  EventEmitter.init.call(this, opts);
}

const proto = JspmEventEmitter.prototype;
EventEmitter.prototype = proto;
Object.defineProperty(proto, 'constructor', { value: EventEmitter, writable: true, configurable: true, enumerable: false });
Object.defineProperty(proto, kCapture, { value: false, writable: true, enumerable: false });
proto._events = undefined;
proto._eventsCount = 0;
proto._maxListeners = undefined;

function init(opts) {
  if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
    this._events = { __proto__: null };
    this._eventsCount = 0;
    this[kShapeMode] = false;
  } else {
    this[kShapeMode] = true;
  }
  this._maxListeners = this._maxListeners || undefined;
  if (opts?.captureRejections) {
    validateBoolean(opts.captureRejections, 'options.captureRejections');
    this[kCapture] = Boolean(opts.captureRejections);
  } else {
    this[kCapture] = EventEmitter.prototype[kCapture];
  }
}

function checkListener(listener) {
  validateFunction(listener, 'listener');
}

function getMaxListenersOf(that) {
  if (that._maxListeners === undefined) return defaultMaxListenersOf();
  return that._maxListeners;
}

function addCatch(that, promise, type, args) {
  if (!that[kCapture]) return;
  try {
    const then = promise.then;
    if (typeof then === 'function') {
      then.call(promise, undefined, (err) => nextTick(emitUnhandledRejectionOrErr, that, err, type, args));
    }
  } catch (err) {
    that.emit('error', err);
  }
}

function emitUnhandledRejectionOrErr(ee, err, type, args) {
  if (typeof ee[kRejection] === 'function') {
    ee[kRejection](err, type, ...args);
  } else {
    const prev = ee[kCapture];
    try {
      ee[kCapture] = false;
      ee.emit('error', err);
    } finally {
      ee[kCapture] = prev;
    }
  }
}

function arrayClone(arr) {
  switch (arr.length) {
    case 2:
      return [arr[0], arr[1]];
    case 3:
      return [arr[0], arr[1], arr[2]];
    default:
      return arr.slice();
  }
}

function unwrapListeners(arr) {
  const ret = arrayClone(arr);
  for (let i = 0; i < ret.length; ++i) {
    const orig = ret[i].listener;
    if (typeof orig === 'function') ret[i] = orig;
  }
  return ret;
}

const methods = {
  setMaxListeners(n) {
    validateNumber(n, 'setMaxListeners', 0);
    this._maxListeners = n;
    return this;
  },

  getMaxListeners() {
    return getMaxListenersOf(this);
  },

  emit(type, ...args) {
    let doError = type === 'error';
    const events = this._events;
    if (events !== undefined) {
      if (doError && events[kErrorMonitor] !== undefined) this.emit(kErrorMonitor, ...args);
      doError = doError && events.error === undefined;
    } else if (!doError) {
      return false;
    }
    if (doError) {
      const er = args.length > 0 ? args[0] : undefined;
      if (er instanceof Error) throw er;
      let stringified;
      try {
        stringified = inspect(er);
      } catch {
        stringified = er;
      }
      const err = nodeError(Error, 'ERR_UNHANDLED_ERROR', `Unhandled error. (${stringified})`);
      err.context = er;
      throw err;
    }
    const handler = events[type];
    if (handler === undefined) return false;
    if (typeof handler === 'function') {
      const result = Reflect.apply(handler, this, args);
      if (result !== undefined && result !== null) addCatch(this, result, type, args);
    } else {
      const len = handler.length;
      const listeners = arrayClone(handler);
      for (let i = 0; i < len; ++i) {
        const result = Reflect.apply(listeners[i], this, args);
        if (result !== undefined && result !== null) addCatch(this, result, type, args);
      }
    }
    return true;
  },

  addListener(type, listener) {
    return addListener(this, type, listener, false);
  },

  prependListener(type, listener) {
    return addListener(this, type, listener, true);
  },

  once(type, listener) {
    checkListener(listener);
    this.on(type, onceWrap(this, type, listener));
    return this;
  },

  prependOnceListener(type, listener) {
    checkListener(listener);
    this.prependListener(type, onceWrap(this, type, listener));
    return this;
  },

  removeListener(type, listener) {
    checkListener(listener);
    const events = this._events;
    if (events === undefined) return this;
    const list = events[type];
    if (list === undefined) return this;
    if (list === listener || list.listener === listener) {
      this._eventsCount -= 1;
      if (this[kShapeMode]) {
        events[type] = undefined;
      } else if (this._eventsCount === 0) {
        this._events = { __proto__: null };
      } else {
        delete events[type];
        if (events.removeListener) this.emit('removeListener', type, list.listener || listener);
      }
    } else if (typeof list !== 'function') {
      let position = -1;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === listener || list[i].listener === listener) {
          position = i;
          break;
        }
      }
      if (position < 0) return this;
      if (position === 0) list.shift();
      else list.splice(position, 1);
      if (list.length === 1) events[type] = list[0];
      if (events.removeListener !== undefined) this.emit('removeListener', type, listener);
    }
    return this;
  },

  removeAllListeners(type) {
    const events = this._events;
    if (events === undefined) return this;
    if (events.removeListener === undefined) {
      if (arguments.length === 0) {
        this._events = { __proto__: null };
        this._eventsCount = 0;
      } else if (events[type] !== undefined) {
        if (--this._eventsCount === 0) this._events = { __proto__: null };
        else delete events[type];
      }
      this[kShapeMode] = false;
      return this;
    }
    if (arguments.length === 0) {
      for (const key of Reflect.ownKeys(events)) {
        if (key === 'removeListener') continue;
        this.removeAllListeners(key);
      }
      this.removeAllListeners('removeListener');
      this._events = { __proto__: null };
      this._eventsCount = 0;
      this[kShapeMode] = false;
      return this;
    }
    const listeners = events[type];
    if (typeof listeners === 'function') {
      this.removeListener(type, listeners);
    } else if (listeners !== undefined) {
      for (let i = listeners.length - 1; i >= 0; i--) this.removeListener(type, listeners[i]);
    }
    return this;
  },

  listeners(type) {
    return listenersOf(this, type, true);
  },

  rawListeners(type) {
    return listenersOf(this, type, false);
  },

  listenerCount(eventName, listener) {
    const events = this._events;
    if (events !== undefined) {
      const evlistener = events[eventName];
      if (typeof evlistener === 'function') {
        if (listener != null) return listener === evlistener || listener === evlistener.listener ? 1 : 0;
        return 1;
      }
      if (evlistener !== undefined) {
        if (listener != null) {
          let matching = 0;
          for (const l of evlistener) if (l === listener || l.listener === listener) matching++;
          return matching;
        }
        return evlistener.length;
      }
    }
    return 0;
  },

  eventNames() {
    return this._eventsCount > 0 ? Reflect.ownKeys(this._events) : [];
  },
};
methods.on = methods.addListener;
methods.off = methods.removeListener;

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: true });
}
Object.defineProperty(proto, kRejection, { value: undefined, writable: true, configurable: true, enumerable: false });

function addListener(target, type, listener, prepend) {
  checkListener(listener);
  let events = target._events;
  let existing;
  if (events === undefined) {
    events = target._events = { __proto__: null };
    target._eventsCount = 0;
  } else {
    if (events.newListener !== undefined) {
      target.emit('newListener', type, listener.listener ?? listener);
      events = target._events;
    }
    existing = events[type];
  }
  if (existing === undefined) {
    events[type] = listener;
    ++target._eventsCount;
  } else {
    if (typeof existing === 'function') {
      existing = events[type] = prepend ? [listener, existing] : [existing, listener];
    } else if (prepend) {
      existing.unshift(listener);
    } else {
      existing.push(listener);
    }
    const m = getMaxListenersOf(target);
    if (m > 0 && existing.length > m && !existing.warned) {
      existing.warned = true;
      const w = new Error(
        `Possible EventEmitter memory leak detected. ${existing.length} ${String(type)} listeners added to ${inspect(target, { depth: -1 })}. MaxListeners is ${m}. Use emitter.setMaxListeners() to increase limit`,
      );
      w.name = 'MaxListenersExceededWarning';
      w.emitter = target;
      w.type = type;
      w.count = existing.length;
      require('./process.js').default.emitWarning(w);
    }
  }
  return target;
}

function onceWrapper() {
  if (!this.fired) {
    this.target.removeListener(this.type, this.wrapFn);
    this.fired = true;
    if (arguments.length === 0) return this.listener.call(this.target);
    return this.listener.apply(this.target, arguments);
  }
  return undefined;
}

function onceWrap(target, type, listener) {
  const state = { fired: false, wrapFn: undefined, target, type, listener };
  const wrapped = onceWrapper.bind(state);
  wrapped.listener = listener;
  state.wrapFn = wrapped;
  return wrapped;
}

function listenersOf(target, type, unwrap) {
  const events = target._events;
  if (events === undefined) return [];
  const evlistener = events[type];
  if (evlistener === undefined) return [];
  if (typeof evlistener === 'function') return unwrap ? [evlistener.listener || evlistener] : [evlistener];
  return unwrap ? unwrapListeners(evlistener) : arrayClone(evlistener);
}

function isEventTarget(value) {
  return value !== null && typeof value === 'object' && typeof value.addEventListener === 'function' && typeof value.dispatchEvent === 'function';
}

function addAgnostic(emitter, name, listener, flags) {
  if (typeof emitter.on === 'function') {
    if (flags?.once) emitter.once(name, listener);
    else emitter.on(name, listener);
  } else if (typeof emitter.addEventListener === 'function') {
    emitter.addEventListener(name, listener, flags);
  } else {
    throw ERR_INVALID_ARG_TYPE('emitter', 'EventEmitter', emitter);
  }
}

function removeAgnostic(emitter, name, listener, flags) {
  if (typeof emitter.removeListener === 'function') emitter.removeListener(name, listener);
  else if (typeof emitter.removeEventListener === 'function') emitter.removeEventListener(name, listener, flags);
  else throw ERR_INVALID_ARG_TYPE('emitter', 'EventEmitter', emitter);
}

export async function once(emitter, name, options = {}) {
  validateObject(options, 'options');
  const signal = options?.signal;
  validateAbortSignal(signal, 'options.signal');
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal?.reason });
  return new Promise((resolve, reject) => {
    const errorListener = (err) => {
      emitter.removeListener(name, resolver);
      if (signal != null) removeAgnostic(signal, 'abort', abortListener);
      reject(err);
    };
    const resolver = (...args) => {
      if (typeof emitter.removeListener === 'function') emitter.removeListener('error', errorListener);
      if (signal != null) removeAgnostic(signal, 'abort', abortListener);
      resolve(args);
    };
    addAgnostic(emitter, name, resolver, { once: true });
    if (name !== 'error' && typeof emitter.once === 'function') emitter.once('error', errorListener);
    function abortListener() {
      removeAgnostic(emitter, name, resolver);
      removeAgnostic(emitter, 'error', errorListener);
      reject(new AbortError(undefined, { cause: signal?.reason }));
    }
    if (signal != null) addAgnostic(signal, 'abort', abortListener, { once: true });
  });
}

const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);

function iterResult(value, done) {
  return { value, done };
}

export function on(emitter, event, options = {}) {
  validateObject(options, 'options');
  const signal = options.signal;
  validateAbortSignal(signal, 'options.signal');
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal?.reason });
  const highWatermark = options.highWaterMark ?? options.highWatermark ?? Number.MAX_SAFE_INTEGER;
  validateNumber(highWatermark, 'options.highWaterMark', 1);
  const lowWatermark = options.lowWaterMark ?? options.lowWatermark ?? 1;
  validateNumber(lowWatermark, 'options.lowWaterMark', 1);

  const unconsumedEvents = [];
  const unconsumedPromises = [];
  let paused = false;
  let error = null;
  let finished = false;

  const iterator = Object.setPrototypeOf({
    next() {
      if (unconsumedEvents.length > 0) {
        const value = unconsumedEvents.shift();
        if (paused && unconsumedEvents.length < lowWatermark) {
          emitter.resume();
          paused = false;
        }
        return Promise.resolve(iterResult(value, false));
      }
      if (error) {
        const p = Promise.reject(error);
        error = null;
        return p;
      }
      if (finished) return closeHandler();
      return new Promise((resolve, reject) => unconsumedPromises.push({ resolve, reject }));
    },
    return() {
      return closeHandler();
    },
    throw(err) {
      if (!err || !(err instanceof Error)) throw ERR_INVALID_ARG_TYPE('EventEmitter.AsyncIterator', 'Error', err);
      errorHandler(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  }, AsyncIteratorPrototype);

  const listeners = [];
  const listen = (target, name, fn) => {
    addAgnostic(target, name, fn);
    listeners.push([target, name, fn]);
  };
  listen(emitter, event, options[kFirstEventParam] ? eventHandler : (...args) => eventHandler(args));
  if (event !== 'error' && typeof emitter.on === 'function') listen(emitter, 'error', errorHandler);
  for (const name of options.close ?? []) listen(emitter, name, closeHandler);
  const abortListener = () => errorHandler(new AbortError(undefined, { cause: signal?.reason }));
  if (signal) signal.addEventListener('abort', abortListener, { once: true });

  function removeAll() {
    for (const [target, name, fn] of listeners.splice(0)) removeAgnostic(target, name, fn);
    signal?.removeEventListener('abort', abortListener);
  }

  function eventHandler(value) {
    if (unconsumedPromises.length === 0) {
      unconsumedEvents.push(value);
      if (!paused && unconsumedEvents.length > highWatermark && typeof emitter.pause === 'function') {
        paused = true;
        emitter.pause();
      }
    } else {
      unconsumedPromises.shift().resolve(iterResult(value, false));
    }
  }

  function errorHandler(err) {
    if (unconsumedPromises.length === 0) error = err;
    else unconsumedPromises.shift().reject(err);
    closeHandler();
  }

  function closeHandler() {
    removeAll();
    finished = true;
    const done = iterResult(undefined, true);
    while (unconsumedPromises.length > 0) unconsumedPromises.shift().resolve(done);
    return Promise.resolve(done);
  }

  return iterator;
}

export function getEventListeners(emitterOrTarget, type) {
  if (typeof emitterOrTarget?.listeners === 'function') return emitterOrTarget.listeners(type);
  if (isEventTarget(emitterOrTarget)) {
    // The runtime's EventTarget keeps its listeners out of reach.
    return [];
  }
  throw ERR_INVALID_ARG_TYPE('emitter', ['EventEmitter', 'EventTarget'], emitterOrTarget);
}

export function getMaxListeners(emitterOrTarget) {
  if (typeof emitterOrTarget?.getMaxListeners === 'function') return getMaxListenersOf(emitterOrTarget);
  if (isEventTarget(emitterOrTarget)) return eventTargetMaxListeners.get(emitterOrTarget) ?? defaultMaxListenersOf();
  throw ERR_INVALID_ARG_TYPE('emitter', ['EventEmitter', 'EventTarget'], emitterOrTarget);
}

export function setMaxListeners(n = defaultMaxListenersOf(), ...eventTargets) {
  validateNumber(n, 'n', 0);
  if (eventTargets.length === 0) {
    JspmEventEmitter.defaultMaxListeners = n;
    return;
  }
  for (const target of eventTargets) {
    if (isEventTarget(target)) eventTargetMaxListeners.set(target, n);
    else if (typeof target?.setMaxListeners === 'function') target.setMaxListeners(n);
    else throw ERR_INVALID_ARG_TYPE('eventTargets', ['EventEmitter', 'EventTarget'], target);
  }
}

export function listenerCount(emitter, type) {
  if (typeof emitter.listenerCount === 'function') return emitter.listenerCount(type);
  return methods.listenerCount.call(emitter, type);
}

export function addAbortListener(signal, listener) {
  if (signal === undefined) throw ERR_INVALID_ARG_TYPE('signal', 'AbortSignal', signal);
  validateAbortSignal(signal, 'signal');
  validateFunction(listener, 'listener');
  let removeEventListener;
  if (signal.aborted) {
    queueMicrotask(() => listener());
  } else {
    signal.addEventListener('abort', listener, { once: true });
    removeEventListener = () => signal.removeEventListener('abort', listener);
  }
  return {
    [Symbol.dispose]() {
      removeEventListener?.();
    },
  };
}

const kAsyncResource = Symbol('kAsyncResource');
const kEventEmitter = Symbol('kEventEmitter');
let ReferencingAsyncResource;

// The AsyncResource of an EventEmitterAsyncResource; node:async_hooks loads with the first one.
function referencingAsyncResource(ee, type, options) {
  if (ReferencingAsyncResource === undefined) {
    const { AsyncResource } = require('./async-hooks.js');
    ReferencingAsyncResource = class EventEmitterReferencingAsyncResource extends AsyncResource {
      constructor(emitter, name, opts) {
        super(name, opts);
        this[kEventEmitter] = emitter;
      }

      get eventEmitter() {
        return this[kEventEmitter];
      }
    };
  }
  return new ReferencingAsyncResource(ee, type, options);
}

export class EventEmitterAsyncResource extends EventEmitter {
  constructor(options = undefined) {
    let name;
    if (typeof options === 'string') {
      name = options;
      options = undefined;
    } else {
      if (new.target === EventEmitterAsyncResource) validateString(options?.name, 'options.name');
      name = options?.name || new.target.name;
    }
    super(options);
    this[kAsyncResource] = referencingAsyncResource(this, name, options);
  }

  emit(event, ...args) {
    return this[kAsyncResource].runInAsyncScope(super.emit, this, event, ...args);
  }

  emitDestroy() {
    this[kAsyncResource].emitDestroy();
  }

  get asyncId() {
    return this[kAsyncResource].asyncId();
  }

  get triggerAsyncId() {
    return this[kAsyncResource].triggerAsyncId();
  }

  get asyncResource() {
    return this[kAsyncResource];
  }
}

function validateString(value, name) {
  if (typeof value !== 'string') throw ERR_INVALID_ARG_TYPE(name, 'string', value);
}

export const errorMonitor = kErrorMonitor;
export const captureRejectionSymbol = kRejection;
export const usingDomains = false;

const statics = {
  EventEmitter,
  once,
  on,
  getEventListeners,
  getMaxListeners,
  setMaxListeners,
  listenerCount,
  addAbortListener,
  init,
  errorMonitor: kErrorMonitor,
  captureRejectionSymbol: kRejection,
  kMaxEventTargetListeners,
  kMaxEventTargetListenersWarned,
  usingDomains: false,
};

function defineStatic(target, name, descriptor) {
  const existing = Object.getOwnPropertyDescriptor(target, name);
  if (existing && !existing.configurable) {
    if (existing.writable && 'value' in descriptor) target[name] = descriptor.value;
    return;
  }
  Object.defineProperty(target, name, { enumerable: true, configurable: true, ...descriptor });
}

for (const target of [EventEmitter, JspmEventEmitter]) {
  for (const [name, value] of Object.entries(statics)) defineStatic(target, name, { value, writable: true });
  defineStatic(target, 'defaultMaxListeners', {
    get() {
      return defaultMaxListenersOf();
    },
    set(arg) {
      if (typeof arg !== 'number' || arg < 0 || Number.isNaN(arg)) throw ERR_OUT_OF_RANGE('defaultMaxListeners', 'a non-negative number', arg);
      JspmEventEmitter.defaultMaxListeners = arg;
    },
  });
  defineStatic(target, 'captureRejections', {
    get() {
      return EventEmitter.prototype[kCapture];
    },
    set(value) {
      validateBoolean(value, 'EventEmitter.captureRejections');
      EventEmitter.prototype[kCapture] = value;
    },
  });
  defineStatic(target, 'EventEmitterAsyncResource', { value: EventEmitterAsyncResource, writable: true });
}

const defaultMaxListeners = defaultMaxListenersOf();
export { init, kMaxEventTargetListeners, kMaxEventTargetListenersWarned, defaultMaxListeners };
export default EventEmitter;
