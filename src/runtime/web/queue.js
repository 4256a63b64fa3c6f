// The queue event: `queue(batch, env, ctx)` of a module worker or a WorkerEntrypoint, or
// `addEventListener("queue", ...)` in a service-worker script. Each message can be acked or
// retried on its own, or the whole batch at once; the first decision for a message stands, as
// in Workers (later contradicting calls only log a warning).
import { hostCall } from './internal/bridge.js';
import { Event } from './events.js';
import { dispatchHandlerEvent } from './dispatch.js';

const kCreate = Symbol('create');
const MAX_DELAY_SECONDS = 43_200;

// A retry's delay in seconds, or null for the consumer's retry_delay.
function retryDelay(options) {
  if (options === undefined || options === null || options.delaySeconds === undefined) return null;
  const delay = Number(options.delaySeconds);
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
    throw new RangeError(`delaySeconds must be a whole number of seconds between 0 and ${MAX_DELAY_SECONDS}, got ${options.delaySeconds}.`);
  }
  return delay;
}

const warn = (message) => hostCall('log', 'warn', message);

// What the handler decided, for the host: explicit acks and retries per message id, and the
// batch-wide decision.
class Decisions {
  ackAll = false;
  retryAll = false;
  retryAllDelay = null;
  acks = new Set();
  retries = new Map(); // id -> delay seconds | null

  ack(id) {
    if (this.ackAll) return;
    if (this.retryAll) return warn(`Received a call to ack() on message ${id} after retryAll() was already called. Calling ack() on a message after calling retryAll() has no effect.`);
    if (this.retries.has(id)) return warn(`Received a call to ack() on message ${id} after retry() was already called. Calling ack() on a message after calling retry() has no effect.`);
    this.acks.add(id);
  }

  retry(id, delay) {
    if (this.retryAll) return;
    if (this.ackAll) return warn(`Received a call to retry() on message ${id} after ackAll() was already called. Calling retry() on a message after calling ackAll() has no effect.`);
    if (this.acks.has(id)) return warn(`Received a call to retry() on message ${id} after ack() was already called. Calling retry() on a message after calling ack() has no effect.`);
    if (!this.retries.has(id)) this.retries.set(id, delay);
  }

  setAckAll() {
    if (this.retryAll) return warn('Received a call to ackAll() after retryAll() was already called. Calling ackAll() after calling retryAll() has no effect.');
    this.ackAll = true;
  }

  setRetryAll(delay) {
    if (this.ackAll) return warn('Received a call to retryAll() after ackAll() was already called. Calling retryAll() after calling ackAll() has no effect.');
    if (!this.retryAll) this.retryAllDelay = delay;
    this.retryAll = true;
  }

  // [handler succeeded, ackAll, retryAll, retryAll delay, acked ids, [[retried id, delay], ...]]
  report(ok) {
    return [ok, this.ackAll, this.retryAll, this.retryAllDelay, [...this.acks], [...this.retries]];
  }
}

export class Message {
  #id;
  #timestamp;
  #body;
  #attempts;
  #decisions;

  constructor(token, id, timestamp, body, attempts, decisions) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#id = id;
    this.#timestamp = new Date(timestamp);
    this.#body = body;
    this.#attempts = attempts;
    this.#decisions = decisions;
  }

  get id() {
    return this.#id;
  }

  get timestamp() {
    return this.#timestamp;
  }

  get body() {
    return this.#body;
  }

  get attempts() {
    return this.#attempts;
  }

  ack() {
    this.#decisions.ack(this.#id);
  }

  retry(options = undefined) {
    this.#decisions.retry(this.#id, retryDelay(options));
  }
}
Object.defineProperty(Message.prototype, Symbol.toStringTag, { value: 'Message', configurable: true });

export class MessageBatch {
  #queue;
  #messages;
  #decisions;

  constructor(token, queue, messages, decisions) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#queue = queue;
    this.#messages = Object.freeze(messages);
    this.#decisions = decisions;
  }

  get queue() {
    return this.#queue;
  }

  get messages() {
    return this.#messages;
  }

  ackAll() {
    this.#decisions.setAckAll();
  }

  retryAll(options = undefined) {
    this.#decisions.setRetryAll(retryDelay(options));
  }
}
Object.defineProperty(MessageBatch.prototype, Symbol.toStringTag, { value: 'MessageBatch', configurable: true });

export class QueueEvent extends Event {
  #batch;
  #invocation;

  constructor(token, batch, invocation) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    super('queue');
    this.#batch = batch;
    this.#invocation = invocation;
  }

  get queue() {
    return this.#batch.queue;
  }

  get messages() {
    return this.#batch.messages;
  }

  ackAll() {
    this.#batch.ackAll();
  }

  retryAll(options = undefined) {
    this.#batch.retryAll(options);
  }

  waitUntil(promise) {
    this.#invocation.waitUntil(promise);
  }
}

// A message body as sent: JSON text, text, bytes, or (v8) the value itself.
function decodeBody(contentType, body) {
  switch (contentType) {
    case 'json':
      return JSON.parse(body);
    case 'bytes':
      return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
    default:
      return body;
  }
}

// Entered by the host with a batch of messages: [[id, timestamp ms, contentType, body,
// attempts], ...]. The decisions are reported once the handler and its waitUntil() work settled.
export function dispatchQueue(id, queueName, rows) {
  const decisions = new Decisions();
  dispatchHandlerEvent(id, 'queue', (invocation) => {
    const messages = rows.map(([messageId, timestamp, contentType, body, attempts]) =>
      new Message(kCreate, messageId, timestamp, decodeBody(contentType, body), attempts, decisions));
    const batch = new MessageBatch(kCreate, queueName, messages, decisions);
    return [batch, () => new QueueEvent(kCreate, batch, invocation)];
  }, (ok) => decisions.report(ok));
}
