// node:timers/promises: setTimeout/setImmediate resolving with a value, setInterval as an
// async iterator, and scheduler.wait()/yield(), all cancellable through an AbortSignal
// (rejecting with Node's AbortError).
import { AbortError, ERR_INVALID_ARG_TYPE, validateAbortSignal, validateBoolean, validateObject } from './_errors.js';

function timers() {
  return require('./timers.js');
}

function validateOptions(options) {
  validateObject(options, 'options');
  const { signal, ref = true } = options;
  validateAbortSignal(signal, 'options.signal');
  validateBoolean(ref, 'options.ref');
  return signal;
}

function abortError(signal) {
  return new AbortError(undefined, { cause: signal?.reason });
}

function cancellable(signal, start, stop) {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      stop(handle);
      reject(abortError(signal));
    };
    const handle = start((value) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function setTimeout(delay = 1, value = undefined, options = {}) {
  let signal;
  try {
    if (delay !== undefined && typeof delay !== 'number') throw ERR_INVALID_ARG_TYPE('delay', 'number', delay);
    signal = validateOptions(options);
  } catch (err) {
    return Promise.reject(err);
  }
  return cancellable(signal, (done) => timers().setTimeout(() => done(value), delay), (t) => timers().clearTimeout(t));
}

export function setImmediate(value = undefined, options = {}) {
  let signal;
  try {
    signal = validateOptions(options);
  } catch (err) {
    return Promise.reject(err);
  }
  return cancellable(signal, (done) => timers().setImmediate(() => done(value)), (i) => timers().clearImmediate(i));
}

export async function* setInterval(delay = 1, value = undefined, options = {}) {
  if (delay !== undefined && typeof delay !== 'number') throw ERR_INVALID_ARG_TYPE('delay', 'number', delay);
  const signal = validateOptions(options);
  if (signal?.aborted) throw abortError(signal);
  let onAbort;
  let interval;
  try {
    let notYielded = 0;
    let callback;
    interval = timers().setInterval(() => {
      notYielded++;
      if (callback) {
        callback();
        callback = undefined;
      }
    }, delay);
    if (signal) {
      onAbort = () => {
        timers().clearInterval(interval);
        if (callback) {
          callback(Promise.reject(abortError(signal)));
          callback = undefined;
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }
    while (!signal?.aborted) {
      if (notYielded === 0) {
        // eslint-disable-next-line no-await-in-loop
        await new Promise((resolve) => {
          callback = resolve;
        });
      }
      for (; notYielded > 0; notYielded--) {
        yield value;
      }
    }
    throw abortError(signal);
  } finally {
    timers().clearInterval(interval);
    signal?.removeEventListener('abort', onAbort);
  }
}

export const scheduler = {
  wait(delay, options = undefined) {
    return setTimeout(delay, undefined, options ?? {});
  },
  yield() {
    return setImmediate();
  },
};

export default { setTimeout, setImmediate, setInterval, scheduler };
