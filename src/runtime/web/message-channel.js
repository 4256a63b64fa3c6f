// MessageChannel and MessagePort as Workers has them: the two ports of a channel talk to each
// other inside this isolate only. A message is copied as structuredClone() copies it, when it is
// posted, and delivered in a microtask: within the event that posts it (or that starts the port).
//
// As Workers documents: transfer lists are not supported, a port cannot be sent in a message,
// a 'message' listener that throws turns the delivery into a 'messageerror' event (carrying the
// error), and closing either port closes both, firing 'close' at each.
import { EventTarget, defineEventHandler, dispatchPropagating, trustedEvent } from './events.js';

// Extensions of their own, shared with the globals of the same names.
const { trustedMessageEvent } = require('./websocket.js');
const { structuredClone } = require('./structured-clone.js');

const kCreate = Symbol('create');

let entangle;

export class MessagePort extends EventTarget {
  #peer = null;
  // Messages received before the port was started; null once it is.
  #held = [];
  #closed = false;

  static {
    entangle = (a, b) => {
      a.#peer = b;
      b.#peer = a;
    };
  }

  constructor(token) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    super();
  }

  postMessage(message, transfer = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'postMessage' on 'MessagePort': 1 argument required, but only 0 present.");
    if (transferList(transfer).length > 0) throw new Error('Transfer list is not supported');
    // Cloned even when nobody will receive it: an uncloneable message throws all the same.
    const data = structuredClone(message);
    this.#peer?.#receive(data);
  }

  // As in Workers (not HTML): a 'message' listener starts the port, as assigning onmessage does.
  addEventListener(...args) {
    super.addEventListener(...args);
    if (String(args[0]) === 'message' && args[1] !== null && args[1] !== undefined) this.start();
  }

  start() {
    if (this.#held === null || this.#closed) return;
    const held = this.#held;
    this.#held = null;
    for (const data of held) this.#schedule(data);
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#held = null;
    const peer = this.#peer;
    this.#peer = null;
    peer?.close();
    this.dispatchEvent(trustedEvent('close'));
  }

  #receive(data) {
    if (this.#closed) return;
    if (this.#held === null) this.#schedule(data);
    else this.#held.push(data);
  }

  // Messages already scheduled are delivered even if the port closes first, as in Workers.
  #schedule(data) {
    Promise.resolve().then(() => {
      try {
        dispatchPropagating(this, trustedMessageEvent('message', data));
      } catch (error) {
        this.dispatchEvent(trustedMessageEvent('messageerror', error));
      }
    });
  }
}
defineEventHandler(MessagePort.prototype, 'message', (port) => port.start());
defineEventHandler(MessagePort.prototype, 'messageerror');
defineEventHandler(MessagePort.prototype, 'close');
Object.defineProperty(MessagePort.prototype, Symbol.toStringTag, { value: 'MessagePort', configurable: true });

// postMessage(message, transfer) or postMessage(message, { transfer }): the list, as an array.
function transferList(options) {
  if (options === undefined || options === null) return [];
  if (typeof options !== 'object' && typeof options !== 'function') {
    throw new TypeError("Failed to execute 'postMessage' on 'MessagePort': The provided value is not of type '(sequence<object> or StructuredSerializeOptions)'.");
  }
  return [...(typeof options[Symbol.iterator] === 'function' ? options : (options.transfer ?? []))];
}

export class MessageChannel {
  #port1 = new MessagePort(kCreate);
  #port2 = new MessagePort(kCreate);
  constructor() {
    entangle(this.#port1, this.#port2);
  }
  get port1() {
    return this.#port1;
  }
  get port2() {
    return this.#port2;
  }
}
Object.defineProperty(MessageChannel.prototype, Symbol.toStringTag, { value: 'MessageChannel', configurable: true });
