// A queue producer binding (`[[queues.producers]]`): send() and sendBatch(), with Workers'
// content types. Bodies are encoded here for "json" (the default: queues_json_messages), "text"
// and "bytes"; a "v8" body crosses to the host as a structured clone, which the host serializes. A message is
// stored durably before the promise resolves.
import { hostCall, asDataCloneError } from '../internal/bridge.js';

const kCreate = Symbol('create');
const CONTENT_TYPES = ['json', 'text', 'bytes', 'v8'];
const MAX_DELAY_SECONDS = 43_200;
const MAX_BATCH_MESSAGES = 100;

function contentTypeOf(value) {
  if (value === undefined || value === null) return 'json';
  const type = String(value).toLowerCase();
  if (!CONTENT_TYPES.includes(type)) throw new TypeError(`Unsupported queue message content type: ${value}`);
  return type;
}

// The delay in seconds a send asks for, or null for the producer's delivery_delay.
function delayOf(value, method) {
  if (value === undefined || value === null) return null;
  const delay = Number(value);
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
    throw new RangeError(`Queue ${method} failed: delaySeconds must be a whole number of seconds between 0 and ${MAX_DELAY_SECONDS}, got ${value}.`);
  }
  return delay;
}

// [contentType, payload]: JSON text, text, bytes (copied), or the value itself for "v8".
function encode(body, contentType) {
  if (body === undefined) throw new TypeError('Message body cannot be undefined');
  switch (contentType) {
    case 'text':
      if (typeof body !== 'string') throw new TypeError(`Content Type "text" requires a value of type string, but received: ${typeof body}`);
      return body;
    case 'bytes':
      if (!ArrayBuffer.isView(body)) throw new TypeError(`Content Type "bytes" requires a value of type ArrayBufferView, but received: ${typeof body}`);
      return new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    case 'json': {
      const json = JSON.stringify(body);
      if (json === undefined) throw new TypeError(`Content Type "json" requires a value that JSON can represent, but received: ${typeof body}`);
      return json;
    }
    default:
      return body;
  }
}

// Hands `messages` ([[contentType, payload, delay], ...]) to the host. A value structured clone
// cannot copy fails as Workers fails it.
function send(binding, messages, method) {
  try {
    hostCall('queueSend', binding, messages, method);
  } catch (err) {
    throw asDataCloneError(err);
  }
}

export class WorkerQueue {
  #binding;

  constructor(token, binding) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#binding = binding;
  }

  async send(body, options = undefined) {
    const contentType = contentTypeOf(options?.contentType);
    const message = [contentType, encode(body, contentType), delayOf(options?.delaySeconds, 'send')];
    send(this.#binding, [message], 'send');
    return undefined;
  }

  async sendBatch(messages, options = undefined) {
    if (messages === null || messages === undefined || typeof messages[Symbol.iterator] !== 'function') {
      throw new TypeError('sendBatch() requires an iterable of messages');
    }
    const list = Array.from(messages);
    if (list.length === 0) throw new TypeError('sendBatch() requires at least one message');
    if (list.length > MAX_BATCH_MESSAGES) {
      throw new Error(`Queue sendBatch failed: batch message count of ${list.length} exceeds limit of ${MAX_BATCH_MESSAGES}`);
    }
    const batchDelay = delayOf(options?.delaySeconds, 'sendBatch');
    const encoded = list.map((message) => {
      if (message === null || typeof message !== 'object') throw new TypeError('sendBatch() requires messages of the form { body, contentType?, delaySeconds? }');
      const contentType = contentTypeOf(message.contentType);
      return [contentType, encode(message.body, contentType), delayOf(message.delaySeconds, 'sendBatch') ?? batchDelay];
    });
    send(this.#binding, encoded, 'sendBatch');
    return undefined;
  }
}
Object.defineProperty(WorkerQueue.prototype, Symbol.toStringTag, { value: 'WorkerQueue', configurable: true });

export function createQueue(binding) {
  return new WorkerQueue(kCreate, binding);
}
