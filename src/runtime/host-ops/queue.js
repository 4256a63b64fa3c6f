// Queue producers' host side: messages are encoded for storage (a "v8" body is serialized here,
// with the host's V8 serializer, from the structured clone the isolate handed over), checked
// against Queues' limits and committed before the call returns.
import v8 from 'node:v8';
import { openQueueStore, QUEUE_LIMITS } from '../../storage/queue-store.js';

function encode(contentType, payload) {
  switch (contentType) {
    case 'json':
    case 'text':
      if (typeof payload !== 'string') throw new TypeError('Invalid queue message.');
      return Buffer.from(payload, 'utf8');
    case 'bytes':
      if (!(payload instanceof Uint8Array)) throw new TypeError('Invalid queue message.');
      return payload;
    case 'v8':
      return v8.serialize(payload);
    default:
      throw new TypeError(`Unsupported queue message content type: ${contentType}`);
  }
}

// messages: [[contentType, payload, delaySeconds | null], ...]; method: 'send' | 'sendBatch'.
function queueSend(host, binding, messages, method) {
  const { queueName, deliveryDelay } = host.binding(binding, 'queue');
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > QUEUE_LIMITS.batchMessages) {
    throw new TypeError('Invalid queue batch.');
  }
  const verb = method === 'sendBatch' ? 'sendBatch' : 'send';
  let total = 0;
  const rows = messages.map(([contentType, payload, delay]) => {
    const body = encode(contentType, payload);
    if (body.byteLength > QUEUE_LIMITS.messageBytes) {
      throw new Error(`Queue ${verb} failed: message length of ${body.byteLength} bytes exceeds limit of ${QUEUE_LIMITS.messageBytes}`);
    }
    total += body.byteLength;
    const delaySeconds = delay ?? deliveryDelay ?? 0;
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > QUEUE_LIMITS.maxDelaySeconds) throw new RangeError('Invalid queue delay.');
    return { body, contentType, delaySeconds };
  });
  if (total > QUEUE_LIMITS.batchBytes) {
    throw new Error(`Queue sendBatch failed: batch size of ${total} bytes exceeds limit of ${QUEUE_LIMITS.batchBytes}`);
  }
  openQueueStore(host.spec.stateDir).send(queueName, rows);
}

export const ops = { queueSend };
