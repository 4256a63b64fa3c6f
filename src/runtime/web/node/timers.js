// node:timers as Workers has it: setTimeout/setInterval return Timeout objects (ref, unref,
// hasRef, refresh, close, Symbol.toPrimitive giving the numeric id the global functions take),
// built on the global timers; setImmediate returns an Immediate.
//
// Immediates run as a macrotask: every immediate queued before the batch starts runs in one
// timer turn (setTimeout 0 on the host), those queued while it runs in the next, as in Node.
// Like every timer in Workers, they can only be set while an event is handled. ref()/unref()
// are recorded but change nothing: an event ends when its handler and waitUntil() work end.
import { validateFunction } from './_errors.js';

const { wrapCurrent } = require('./_async-context.js');

const kClear = Symbol('clear');

export class Timeout {
  #timer;
  #callback;
  #after;
  #args;
  #isRepeat;
  #isRefed;

  constructor(callback, after = 1, args = [], isRepeat = false, isRefed = true) {
    this.#callback = callback;
    this.#after = after * 1;
    this.#args = args;
    this.#isRepeat = isRepeat;
    this.#isRefed = isRefed;
    this.#timer = this.#start();
  }

  #start() {
    this.#timer = this.#isRepeat
      ? globalThis.setInterval(this.#callback, this.#after, ...this.#args)
      : globalThis.setTimeout(this.#callback, this.#after, ...this.#args);
    return this.#timer;
  }

  [kClear]() {
    if (this.#isRepeat) globalThis.clearInterval(this.#timer);
    else globalThis.clearTimeout(this.#timer);
  }

  refresh() {
    this[kClear]();
    this.#start();
    return this;
  }

  unref() {
    this.#isRefed = false;
    return this;
  }

  ref() {
    this.#isRefed = true;
    return this;
  }

  hasRef() {
    return this.#isRefed;
  }

  close() {
    this[kClear]();
    return this;
  }

  [Symbol.dispose]() {
    this[kClear]();
  }

  [Symbol.toPrimitive]() {
    return this.#timer;
  }
}

export function setTimeout(callback, delay, ...args) {
  validateFunction(callback, 'callback');
  return new Timeout(callback, delay, args, false, true);
}

export function setInterval(callback, repeat, ...args) {
  validateFunction(callback, 'callback');
  return new Timeout(callback, repeat, args, true, true);
}

function clear(timer, globalClear) {
  if (timer instanceof Timeout) timer[kClear]();
  else if (typeof timer === 'number') globalClear(timer);
  else if (typeof timer === 'string' && timer !== '' && !Number.isNaN(Number(timer))) globalClear(Number(timer));
}

export function clearTimeout(timer) {
  clear(timer, globalThis.clearTimeout);
}

export function clearInterval(timer) {
  clear(timer, globalThis.clearInterval);
}

// Immediates.
let queue = [];
let scheduled = null;

export class Immediate {
  #callback;
  #args;
  #isRefed = true;
  #cleared = false;

  constructor(callback, args) {
    // Each immediate runs in the async context it was set in (they run in batches).
    this.#callback = wrapCurrent(callback);
    this.#args = args;
    this._onImmediate = callback;
  }

  ref() {
    this.#isRefed = true;
    return this;
  }

  unref() {
    this.#isRefed = false;
    return this;
  }

  hasRef() {
    return this.#isRefed;
  }

  [Symbol.dispose]() {
    clearImmediate(this);
  }

  [kClear]() {
    this.#cleared = true;
  }

  run() {
    if (this.#cleared) return;
    this.#cleared = true;
    Reflect.apply(this.#callback, this, this.#args);
  }
}

function runImmediates() {
  scheduled = null;
  const batch = queue;
  queue = [];
  for (let i = 0; i < batch.length; i++) {
    try {
      batch[i].run();
    } catch (err) {
      // The rest of the batch runs in a later turn, as Node does after an uncaught exception.
      queue = batch.slice(i + 1).concat(queue);
      if (queue.length > 0) schedule();
      throw err;
    }
  }
}

function schedule() {
  if (scheduled === null) scheduled = globalThis.setTimeout(runImmediates, 0);
}

export function setImmediate(callback, ...args) {
  validateFunction(callback, 'callback');
  const immediate = new Immediate(callback, args);
  schedule();
  queue.push(immediate);
  return immediate;
}

export function clearImmediate(immediate) {
  if (!(immediate instanceof Immediate)) return;
  immediate[kClear]();
  const at = queue.indexOf(immediate);
  if (at !== -1) queue.splice(at, 1);
  if (queue.length === 0 && scheduled !== null) {
    globalThis.clearTimeout(scheduled);
    scheduled = null;
  }
}

// Deprecated Node.js APIs.
export function active(timer) {
  if (timer instanceof Timeout) timer.refresh();
}

export function unenroll(timer) {
  clearTimeout(timer);
}

export function enroll() {
  throw new Error('Not implemented. Please use setTimeout() instead.');
}

export const promises = require('./timers-promises.js').default;

export default {
  setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, active, unenroll, enroll, promises,
};
