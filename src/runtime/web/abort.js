// AbortController and AbortSignal (DOM Standard).
import { DOMException } from './dom-exception.js';
import { EventTarget, defineEventHandler, trustedEvent } from './events.js';

// Guards the constructor: only this module creates signals.
let creating = false;

export class AbortSignal extends EventTarget {
  #aborted = false;
  #reason = undefined;
  // AbortSignal.any() links: a dependent signal follows its sources. Dependents are held weakly
  // so a long-lived source does not keep every derived signal alive.
  #dependent = false;
  #sources = [];
  #dependents = new Set();

  constructor() {
    if (!creating) throw new TypeError('Illegal constructor');
    super();
  }

  get aborted() {
    return this.#aborted;
  }

  get reason() {
    return this.#reason;
  }

  throwIfAborted() {
    if (this.#aborted) throw this.#reason;
  }

  static abort(reason = undefined) {
    const signal = createSignal();
    signal.#aborted = true;
    signal.#reason = reason === undefined ? abortError() : reason;
    return signal;
  }

  static timeout(milliseconds) {
    const ms = Number(milliseconds);
    if (!Number.isFinite(ms) || ms < 0 || ms > Number.MAX_SAFE_INTEGER) {
      throw new TypeError(`Failed to execute 'timeout' on 'AbortSignal': Value is outside the 'unsigned long long' value range.`);
    }
    const signal = createSignal();
    globalThis.setTimeout(() => {
      signal.#abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, Math.trunc(ms));
    return signal;
  }

  static any(signals) {
    if (signals === null || typeof signals !== 'object' || typeof signals[Symbol.iterator] !== 'function') {
      throw new TypeError("Failed to execute 'any' on 'AbortSignal': The provided value cannot be converted to a sequence.");
    }
    const list = [...signals];
    for (const s of list) {
      if (!(s instanceof AbortSignal)) throw new TypeError("Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.");
    }
    const result = createSignal();
    const already = list.find((s) => s.#aborted);
    if (already) {
      result.#aborted = true;
      result.#reason = already.#reason;
      return result;
    }
    result.#dependent = true;
    for (const s of list) {
      for (const source of s.#dependent ? s.#sources : [s]) {
        if (result.#sources.includes(source)) continue;
        result.#sources.push(source);
        source.#dependents.add(new WeakRef(result));
      }
    }
    return result;
  }

  // Signal abort: set the reason on this signal and every not-yet-aborted dependent, then fire
  // "abort" on each, in that order.
  #abort(reason) {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? abortError() : reason;
    const dependents = [];
    for (const ref of this.#dependents) {
      const d = ref.deref();
      if (d && !d.#aborted) {
        d.#aborted = true;
        d.#reason = this.#reason;
        dependents.push(d);
      }
    }
    this.#dependents.clear();
    this.dispatchEvent(trustedEvent('abort'));
    for (const d of dependents) d.dispatchEvent(trustedEvent('abort'));
  }

  static signalAbort(signal, reason) {
    signal.#abort(reason);
  }
}
defineEventHandler(AbortSignal.prototype, 'abort');
Object.defineProperty(AbortSignal.prototype, Symbol.toStringTag, { value: 'AbortSignal', configurable: true });

// Reached through AbortController only; not part of the public class.
const signalAbort = AbortSignal.signalAbort;
delete AbortSignal.signalAbort;

function createSignal() {
  creating = true;
  try {
    return new AbortSignal();
  } finally {
    creating = false;
  }
}

function abortError() {
  return new DOMException('The operation was aborted', 'AbortError');
}

export class AbortController {
  #signal = createSignal();

  get signal() {
    return this.#signal;
  }

  abort(reason = undefined) {
    signalAbort(this.#signal, reason);
  }
}
Object.defineProperty(AbortController.prototype, Symbol.toStringTag, { value: 'AbortController', configurable: true });
