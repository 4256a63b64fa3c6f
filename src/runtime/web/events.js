// Event, EventTarget and CustomEvent (DOM Standard), for targets without a tree: dispatch only
// ever reaches the target itself, so there are no capturing or bubbling parents.
import { DOMException } from './dom-exception.js';

// Event internals are kept here rather than in private fields so EventTarget can reach them.
const state = new WeakMap();

function internals(event) {
  const s = state.get(event);
  if (!s) throw new TypeError('Illegal invocation');
  return s;
}

const now = () => globalThis.performance?.now() ?? Date.now();

// isTrusted is an own property of every event ([LegacyUnforgeable]), all sharing this getter.
const isTrustedGetter = Object.getOwnPropertyDescriptor({
  get isTrusted() {
    return internals(this).trusted;
  },
}, 'isTrusted').get;

export class Event {
  constructor(type, init = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
    state.set(this, {
      type: String(type),
      bubbles: Boolean(init?.bubbles),
      cancelable: Boolean(init?.cancelable),
      composed: Boolean(init?.composed),
      target: null,
      currentTarget: null,
      phase: 0,
      stopPropagation: false,
      stopImmediate: false,
      canceled: false,
      inPassiveListener: false,
      dispatching: false,
      trusted: false,
      timeStamp: now(),
    });
    Object.defineProperty(this, 'isTrusted', { get: isTrustedGetter, enumerable: true });
  }

  get type() {
    return internals(this).type;
  }
  get target() {
    return internals(this).target;
  }
  get srcElement() {
    return internals(this).target;
  }
  get currentTarget() {
    return internals(this).currentTarget;
  }
  get eventPhase() {
    return internals(this).phase;
  }
  get bubbles() {
    return internals(this).bubbles;
  }
  get cancelable() {
    return internals(this).cancelable;
  }
  get composed() {
    return internals(this).composed;
  }
  get defaultPrevented() {
    return internals(this).canceled;
  }
  get timeStamp() {
    return internals(this).timeStamp;
  }
  get cancelBubble() {
    return internals(this).stopPropagation;
  }
  set cancelBubble(value) {
    if (value) internals(this).stopPropagation = true;
  }
  get returnValue() {
    return !internals(this).canceled;
  }
  set returnValue(value) {
    if (!value) this.preventDefault();
  }

  composedPath() {
    const s = internals(this);
    return s.currentTarget ? [s.currentTarget] : [];
  }

  stopPropagation() {
    internals(this).stopPropagation = true;
  }

  stopImmediatePropagation() {
    const s = internals(this);
    s.stopPropagation = true;
    s.stopImmediate = true;
  }

  preventDefault() {
    const s = internals(this);
    if (s.cancelable && !s.inPassiveListener) s.canceled = true;
  }

  initEvent(type, bubbles = false, cancelable = false) {
    const s = internals(this);
    if (arguments.length === 0) throw new TypeError("Failed to execute 'initEvent' on 'Event': 1 argument required, but only 0 present.");
    if (s.dispatching) return;
    Object.assign(s, {
      type: String(type), bubbles: Boolean(bubbles), cancelable: Boolean(cancelable),
      target: null, stopPropagation: false, stopImmediate: false, canceled: false,
    });
  }
}

// An event the platform itself fires (as opposed to one a script constructs), for which
// isTrusted is true: an Event, or an `EventType` made with `init`.
export function trustedEvent(type, init = undefined, EventType = Event) {
  const event = new EventType(type, init);
  internals(event).trusted = true;
  return event;
}

const PHASES = { NONE: 0, CAPTURING_PHASE: 1, AT_TARGET: 2, BUBBLING_PHASE: 3 };
for (const [name, value] of Object.entries(PHASES)) {
  Object.defineProperty(Event, name, { value, enumerable: true });
  Object.defineProperty(Event.prototype, name, { value, enumerable: true });
}
Object.defineProperty(Event.prototype, Symbol.toStringTag, { value: 'Event', configurable: true });

export class CustomEvent extends Event {
  #detail;
  constructor(type, init = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'CustomEvent': 1 argument required, but only 0 present.");
    super(type, init);
    this.#detail = init?.detail ?? null;
  }
  get detail() {
    return this.#detail;
  }
  initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'initCustomEvent' on 'CustomEvent': 1 argument required, but only 0 present.");
    if (internals(this).dispatching) return;
    this.initEvent(type, bubbles, cancelable);
    this.#detail = detail;
  }
}
Object.defineProperty(CustomEvent.prototype, Symbol.toStringTag, { value: 'CustomEvent', configurable: true });

function flattenOptions(options) {
  if (typeof options === 'boolean') return { capture: options };
  if (options === null || typeof options !== 'object') return { capture: false };
  return options;
}

// Exceptions thrown by listeners are reported, never propagated to dispatchEvent's caller.
function report(err) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(err);
  else console.error(err);
}

const listenerLists = new WeakMap();

export class EventTarget {
  constructor() {
    listenerLists.set(this, new Map());
  }

  addEventListener(type, callback, options = undefined) {
    const lists = targetLists(this);
    // Every option is read (in dictionary order) before a null callback makes this a no-op.
    const opts = flattenOptions(options);
    const capture = Boolean(opts.capture);
    const once = Boolean(opts.once);
    const passive = Boolean(opts.passive);
    const signal = opts.signal;
    if (signal !== undefined && !isAbortSignal(signal)) {
      throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': member signal is not of type AbortSignal.");
    }
    if (callback === null || callback === undefined) return;
    if (typeof callback !== 'function' && typeof callback !== 'object') {
      throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': The callback provided as parameter 2 is not an object.");
    }
    if (signal?.aborted) return;
    type = String(type);
    let list = lists.get(type);
    if (!list) lists.set(type, (list = []));
    if (list.some((l) => l.callback === callback && l.capture === capture)) return;
    const listener = { callback, capture, once, passive, removed: false };
    list.push(listener);
    if (signal) {
      signal.addEventListener('abort', () => this.removeEventListener(type, callback, { capture }), { once: true });
    }
  }

  removeEventListener(type, callback, options = undefined) {
    const lists = targetLists(this);
    const capture = Boolean(flattenOptions(options).capture);
    const list = lists.get(String(type));
    if (!list) return;
    const at = list.findIndex((l) => l.callback === callback && l.capture === capture);
    if (at >= 0) {
      list[at].removed = true;
      list.splice(at, 1);
    }
  }

  dispatchEvent(event) {
    dispatch(this, event, report);
    return !internals(event).canceled;
  }
}
Object.defineProperty(EventTarget.prototype, Symbol.toStringTag, { value: 'EventTarget', configurable: true });

// Dispatches `event` at `target`; `onListenerError(err)` handles what a listener throws, and ends
// the dispatch by rethrowing it. Returns how many listeners were called.
function dispatch(target, event, onListenerError) {
  const lists = targetLists(target);
  const s = state.get(event);
  if (!s) throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
  if (s.dispatching) {
    throw new DOMException("Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched.", 'InvalidStateError');
  }
  s.dispatching = true;
  s.target = target;
  s.currentTarget = target;
  s.phase = PHASES.AT_TARGET;
  // Listeners added during dispatch are not invoked: work on a snapshot.
  const snapshot = [...(lists.get(s.type) ?? [])];
  // At the target, capturing listeners run before non-capturing ones. With no path to
  // propagate along, only stopImmediatePropagation() keeps further listeners from running.
  const ordered = [...snapshot.filter((l) => l.capture), ...snapshot.filter((l) => !l.capture)];
  let called = 0;
  try {
    for (const listener of ordered) {
      if (s.stopImmediate) break;
      if (listener.removed) continue;
      if (listener.once) target.removeEventListener(s.type, listener.callback, { capture: listener.capture });
      called += 1;
      invoke(target, listener, event, s, onListenerError);
    }
  } finally {
    s.dispatching = false;
    s.phase = PHASES.NONE;
    s.currentTarget = null;
    s.stopPropagation = false;
    s.stopImmediate = false;
  }
  return called;
}

const rethrow = (err) => {
  throw err;
};

// Dispatches the platform's own events whose listeners' exceptions are not reported but end the
// dispatch and reach the caller (a service-worker fetch listener's, a MessagePort's). Returns how
// many listeners were called.
export function dispatchPropagating(target, event) {
  return dispatch(target, event, rethrow);
}

function targetLists(target) {
  let lists = listenerLists.get(target);
  if (!lists) {
    // A subclass instance whose constructor ran before ours, or EventTarget.prototype methods
    // called on a plain object (user code sometimes mixes them in).
    if (target === null || (typeof target !== 'object' && typeof target !== 'function')) throw new TypeError('Illegal invocation');
    listenerLists.set(target, (lists = new Map()));
  }
  return lists;
}

function invoke(target, listener, event, s, onError) {
  if (listener.passive) s.inPassiveListener = true;
  try {
    const { callback } = listener;
    if (typeof callback === 'function') {
      callback.call(target, event);
    } else {
      const handleEvent = callback.handleEvent;
      if (typeof handleEvent !== 'function') throw new TypeError("'handleEvent' property of the event listener is not callable.");
      handleEvent.call(callback, event);
    }
  } catch (err) {
    onError(err);
  } finally {
    s.inPassiveListener = false;
  }
}

function isAbortSignal(value) {
  return value !== null && typeof value === 'object' && typeof value.aborted === 'boolean' && typeof value.addEventListener === 'function';
}

// `on<type>` event handler attributes: the handler occupies one listener slot, registered on
// first assignment and kept in place when replaced, as HTML specifies. `onAssign(target)`, if
// given, runs whenever a handler (not null) is assigned.
export function defineEventHandler(proto, type, onAssign = null) {
  const handlers = new WeakMap();
  Object.defineProperty(proto, `on${type}`, {
    configurable: true,
    enumerable: true,
    get() {
      return handlers.get(this)?.value ?? null;
    },
    set(value) {
      const fn = typeof value === 'function' || (value !== null && typeof value === 'object') ? value : null;
      let slot = handlers.get(this);
      if (!slot) {
        if (fn === null) return;
        slot = {
          value: fn,
          listener: (event) => {
            const handler = slot.value;
            if (typeof handler !== 'function') return;
            const result = handler.call(this, event);
            if (result === false) event.preventDefault();
          },
        };
        handlers.set(this, slot);
        this.addEventListener(type, slot.listener);
      } else if (fn === null) {
        this.removeEventListener(type, slot.listener);
        handlers.delete(this);
      } else {
        slot.value = fn;
      }
      if (fn !== null) onAssign?.(this);
    },
  });
}
