// PromiseRejectionEvent, and the global scope's unhandledrejection event.
//
// V8 tells only its embedder of rejections nothing handles, and isolated-vm keeps that to itself:
// when a turn ends on such rejections, it reports the first one to the host, as a copy (a
// primitive as it is, an error by its name, message and stack, any other object as an error of
// its own saying so). The host then enters here with that copy. So the event's reason is the
// copy, its promise a stand-in rejected with it, and rejectionhandled (a handler added later)
// is never dispatched.
import { Event, EventTarget } from './events.js';

export class PromiseRejectionEvent extends Event {
  #promise;
  #reason;

  constructor(type, init) {
    if (arguments.length < 2) {
      throw new TypeError(`Failed to construct 'PromiseRejectionEvent': 2 arguments required, but only ${arguments.length} present.`);
    }
    if (init === null || typeof init !== 'object' || init.promise === undefined) {
      throw new TypeError("Failed to construct 'PromiseRejectionEvent': required member promise is undefined.");
    }
    super(type, init);
    this.#promise = init.promise;
    this.#reason = init.reason;
  }

  get promise() {
    return this.#promise;
  }

  get reason() {
    return this.#reason;
  }
}
Object.defineProperty(PromiseRejectionEvent.prototype, Symbol.toStringTag, { value: 'PromiseRejectionEvent', configurable: true });

const ERRORS = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

// The reason as the host passed it: ('error', name, message, stack) or ('value', value).
function reasonOf(kind, a, b, c) {
  if (kind !== 'error') return a;
  const error = new (Object.hasOwn(ERRORS, a) ? ERRORS[a] : Error)(b);
  if (error.name !== a) error.name = a;
  error.stack = c;
  return error;
}

// Dispatches unhandledrejection on the global scope; true when a listener called
// preventDefault() (the host then does not log the rejection).
export function dispatchUnhandledRejection(kind, a, b, c) {
  const reason = reasonOf(kind, a, b, c);
  const promise = Promise.reject(reason);
  promise.catch(() => {});
  const event = new PromiseRejectionEvent('unhandledrejection', { cancelable: true, promise, reason });
  return !EventTarget.prototype.dispatchEvent.call(globalThis, event);
}
