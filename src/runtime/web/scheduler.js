// The `scheduler` global. Of the WICG Scheduling APIs Workers implements only wait(): a promise
// that resolves after a delay, as setTimeout would call back, and that an AbortSignal can cancel.
import { setTimeout, clearTimeout } from './timers.js';
import { AbortSignal } from './abort.js';

const kCreate = Symbol('create');

class Scheduler {
  constructor(token) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
  }

  wait(delay, options = undefined) {
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      return Promise.reject(new TypeError("Failed to execute 'wait' on 'Scheduler': member signal is not of type 'AbortSignal'."));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(id);
        reject(signal.reason);
      };
      const id = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
Object.defineProperty(Scheduler.prototype, Symbol.toStringTag, { value: 'Scheduler', configurable: true });

export const scheduler = new Scheduler(kCreate);
