// setTimeout and friends. The host owns the real timers; when one fires it enters the isolate
// through `fireTimer`, which is also the moment the clock advances.
import { hostCall } from './internal/bridge.js';

const timers = new Map();
let nextTimerId = 1;

function schedule(callback, delay, args, repeat) {
  if (typeof callback !== 'function') {
    throw new TypeError('The "callback" argument must be of type function.');
  }
  const id = nextTimerId++;
  const ms = Math.max(0, Math.min(Number(delay) || 0, 2 ** 31 - 1));
  timers.set(id, { callback, args, repeat });
  hostCall('timerSet', id, ms, repeat);
  return id;
}

function cancel(id) {
  const key = typeof id === 'object' && id !== null ? Number(id) : id;
  if (timers.delete(key)) hostCall('timerClear', key);
}

export function setTimeout(callback, delay, ...args) {
  return schedule(callback, delay, args, false);
}

export function setInterval(callback, delay, ...args) {
  return schedule(callback, delay, args, true);
}

export function clearTimeout(id) {
  cancel(id);
}

export const clearInterval = clearTimeout;

export function fireTimer(id) {
  const timer = timers.get(id);
  if (!timer) return;
  if (!timer.repeat) timers.delete(id);
  timer.callback(...timer.args);
}

// The host dropped this isolate's timers for an event that ended.
export function forgetTimer(id) {
  timers.delete(id);
}
