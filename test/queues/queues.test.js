// Queues through real workers: producers sending every content type, and the broker delivering
// batches to consumer workers with Cloudflare's batching, retry and dead-letter rules, on a real
// queue store in a temporary state directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import { Worker } from '../../src/runtime/worker.js';
import { QueueBroker, consumerSettings } from '../../src/queues/broker.js';
import { openQueueStore } from '../../src/storage/queue-store.js';
import { moduleBundle, temporaryStateDir } from '../helpers/worker.js';
import { runChecks, value, error, assertTypeError } from '../web/run-checks.js';
import { until } from '../helpers/until.js';

const GET = { method: 'GET', url: 'http://localhost/', headers: [], cf: {}, body: null };
const PRODUCER = { Q: { type: 'queue', queueName: 'jobs', deliveryDelay: null } };

// A worker on `stateDir` that records every message it is given (console.log of JSON) and
// handles it as `handler` (source of an async function (message, batch) run per message).
function consumerWorker(stateDir, handler = 'async () => {}', extra = '') {
  const logs = [];
  const worker = new Worker({
    name: 'consumer',
    stateDir,
    env: { bindings: PRODUCER },
    log: (level, message) => logs.push({ level, message }),
    bundle: moduleBundle(`
      const handle = ${handler};
      export default {
        async fetch(request, env) {
          const body = await request.json();
          await env.Q.sendBatch(body.map((b) => ({ body: b })));
          return new Response('sent');
        },
        async queue(batch, env, ctx) {
          for (const message of batch.messages) {
            console.log(JSON.stringify({ queue: batch.queue, id: message.id, body: message.body, attempts: message.attempts }));
          }
          for (const message of batch.messages) await handle(message, batch);
          ${extra}
        },
      };`),
  }).start();
  const deliveries = () => logs.filter((l) => l.level === 'log').map((l) => JSON.parse(l.message));
  return { worker, logs, deliveries };
}


async function send(worker, bodies) {
  const res = await worker.fetch({ ...GET, method: 'POST', headers: ['content-type', 'application/json'], body: Readable.from([JSON.stringify(bodies)]) });
  assert.equal(res.status, 200);
}

function startBroker(stateDir, worker, settings) {
  const batches = [];
  const logs = [];
  const broker = new QueueBroker({ stateDir, log: (level, message) => logs.push({ level, message }), onBatch: (batch) => batches.push(batch) });
  broker.addConsumer(consumerSettings({ queue: 'jobs', ...settings }), () => worker);
  return { broker, batches, logs };
}

test('send and sendBatch carry every content type, JSON by default (queues_json_messages); the consumer gets the values back', async () => {
  const stateDir = temporaryStateDir();
  const { worker, deliveries } = consumerWorker(stateDir);
  const producer = new Worker({
    name: 'producer',
    stateDir,
    env: { bindings: PRODUCER },
    bundle: moduleBundle(`export default { async fetch(request, env) {
      const cyclic = { name: 'cyclic' }; cyclic.self = cyclic;
      await env.Q.send({ kind: 'v8', when: new Date(0), map: new Map([['a', 1]]), set: new Set([1]), big: 10n, cyclic }, { contentType: 'v8' });
      await env.Q.send('plain', { contentType: 'text' });
      await env.Q.send({ kind: 'json' }, { contentType: 'json' });
      await env.Q.send(new Uint8Array([1, 2, 255]), { contentType: 'bytes' });
      await env.Q.sendBatch([{ body: 'a', contentType: 'text' }, { body: [1, 2], contentType: 'JSON' }]);
      await env.Q.send({ kind: 'default', when: new Date(0) });
      return new Response('ok');
    } }`),
    log: () => {},
  }).start();
  const seen = [];
  const broker = new QueueBroker({ stateDir });
  // A consumer that reports the types it received.
  const typed = new Worker({
    name: 'typed',
    stateDir,
    bundle: moduleBundle(`export default { async queue(batch) {
      for (const m of batch.messages) {
        const b = m.body;
        console.log(JSON.stringify({
          type: Object.prototype.toString.call(b),
          detail: b instanceof ArrayBuffer ? [...new Uint8Array(b)]
            : typeof b === 'object' && b !== null && b.kind === 'v8' ? [b.when instanceof Date, b.map.get('a'), b.set.has(1), typeof b.big, b.cyclic.self === b.cyclic]
            : b,
          timestamp: m.timestamp instanceof Date, id: /^[0-9a-f]{32}$/.test(m.id), attempts: m.attempts,
        }));
      }
    } }`),
    log: (level, message) => seen.push(JSON.parse(message)),
  }).start();
  try {
    assert.equal((await producer.fetch(GET)).status, 200);
    broker.addConsumer(consumerSettings({ queue: 'jobs', max_batch_size: 7, max_batch_timeout: 0 }), () => typed);
    await until(() => seen.length === 7, 10_000, 'seven messages');
    assert.deepEqual(seen.map((s) => [s.type, s.detail]), [
      ['[object Object]', [true, 1, true, 'bigint', true]],
      ['[object String]', 'plain'],
      ['[object Object]', { kind: 'json' }],
      ['[object ArrayBuffer]', [1, 2, 255]],
      ['[object String]', 'a'],
      ['[object Array]', [1, 2]],
      ['[object Object]', { kind: 'default', when: '1970-01-01T00:00:00.000Z' }],
    ]);
    assert.ok(seen.every((s) => s.timestamp && s.id && s.attempts === 1));
  } finally {
    broker.close();
    for (const w of [producer, typed, worker]) w.dispose();
  }
  assert.equal(deliveries().length, 0);
});

test('producer errors: content types, sizes, batch limits, delays and uncloneable values', async () => {
  const { results } = await runChecks(`
    await check('undefinedBody', () => env.Q.send(undefined));
    await check('badType', () => env.Q.send('x', { contentType: 'xml' }));
    await check('textNotString', () => env.Q.send(1, { contentType: 'text' }));
    await check('bytesNotView', () => env.Q.send('x', { contentType: 'bytes' }));
    await check('tooBig', () => env.Q.send(new Uint8Array(128001), { contentType: 'bytes' }));
    await check('maxSize', () => env.Q.send(new Uint8Array(128000), { contentType: 'bytes' }));
    await check('emptyBatch', () => env.Q.sendBatch([]));
    await check('notIterable', () => env.Q.sendBatch(5));
    await check('batchCount', () => env.Q.sendBatch(Array.from({ length: 101 }, () => ({ body: 1 }))));
    await check('batchBytes', () => env.Q.sendBatch(Array.from({ length: 3 }, () => ({ body: new Uint8Array(100000), contentType: 'bytes' }))));
    await check('batchUndefined', () => env.Q.sendBatch([{ body: 1 }, { body: undefined }]));
    await check('delay', () => env.Q.send('x', { delaySeconds: 43201 }));
    await check('negativeDelay', () => env.Q.send('x', { delaySeconds: -1 }));
    await check('function', () => env.Q.send({ f() {} }, { contentType: 'v8' }));
    await check('rejectsNotThrows', () => { let threw = false; let p; try { p = env.Q.send(undefined); } catch { threw = true; } p?.catch(() => {}); return threw; });
  `, { worker: { env: { bindings: PRODUCER } } });
  assertTypeError(results, 'undefinedBody', 'Message body cannot be undefined');
  assertTypeError(results, 'badType', 'Unsupported queue message content type: xml');
  assertTypeError(results, 'textNotString', 'Content Type "text" requires a value of type string, but received: number');
  assertTypeError(results, 'bytesNotView', 'Content Type "bytes" requires a value of type ArrayBufferView, but received: string');
  assert.equal(error(results, 'tooBig').message, 'Queue send failed: message length of 128001 bytes exceeds limit of 128000');
  assert.equal(value(results, 'maxSize'), undefined);
  assertTypeError(results, 'emptyBatch', 'sendBatch() requires at least one message');
  assert.equal(error(results, 'notIterable').ctor, 'TypeError');
  assert.equal(error(results, 'batchCount').message, 'Queue sendBatch failed: batch message count of 101 exceeds limit of 100');
  assert.equal(error(results, 'batchBytes').message, 'Queue sendBatch failed: batch size of 300000 bytes exceeds limit of 256000');
  assertTypeError(results, 'batchUndefined', 'Message body cannot be undefined');
  assert.match(error(results, 'delay').message, /delaySeconds must be a whole number of seconds between 0 and 43200/);
  assert.match(error(results, 'negativeDelay').message, /delaySeconds/);
  const clone = error(results, 'function');
  assert.equal(clone.isDOMException, true);
  assert.equal(clone.name, 'DataCloneError');
  assert.equal(value(results, 'rejectsNotThrows'), false);
});

test('a batch goes out when it is full, or when its oldest message has waited max_batch_timeout', async () => {
  const stateDir = temporaryStateDir();
  const { worker, deliveries } = consumerWorker(stateDir);
  await send(worker, Array.from({ length: 25 }, (_, i) => i));
  const started = Date.now();
  const { broker, batches } = startBroker(stateDir, worker, { max_batch_size: 10, max_batch_timeout: 1 });
  try {
    await until(() => batches.length === 2, 5000, 'two full batches');
    assert.ok(Date.now() - started < 900, 'full batches do not wait for the timeout');
    assert.deepEqual(batches.map((b) => b.size), [10, 10]);
    await until(() => batches.length === 3, 5000, 'the partial batch');
    assert.ok(Date.now() - started >= 900, `the partial batch waited for the timeout (${Date.now() - started} ms)`);
    assert.equal(batches[2].size, 5);
    assert.deepEqual(deliveries().map((d) => d.body), Array.from({ length: 25 }, (_, i) => i));
    // Everything was acknowledged: the queue is empty.
    assert.deepEqual(openQueueStore(stateDir).queue('jobs'), { ...openQueueStore(stateDir).queue('jobs'), ready: 0, delayed: 0, inFlight: 0 });
  } finally {
    broker.close();
    worker.dispose();
  }
});

test('a delayed message is not delivered before its delay', async () => {
  const stateDir = temporaryStateDir();
  const { worker, deliveries } = consumerWorker(stateDir);
  const producer = new Worker({
    name: 'delayed', stateDir, env: { bindings: { Q: { type: 'queue', queueName: 'jobs', deliveryDelay: null } } }, log: () => {},
    bundle: moduleBundle(`export default { async fetch(request, env) {
      await env.Q.send('late', { delaySeconds: 2 });
      await env.Q.sendBatch([{ body: 'batch-late' }], { delaySeconds: 2 });
      await env.Q.send('now');
      return new Response('ok');
    } }`),
  }).start();
  const sent = Date.now();
  await producer.fetch(GET);
  const { broker } = startBroker(stateDir, worker, { max_batch_size: 1, max_batch_timeout: 0 });
  try {
    await until(() => deliveries().length === 1, 3000, 'the undelayed message');
    assert.equal(deliveries()[0].body, 'now');
    await until(() => deliveries().length === 3, 5000, 'the delayed messages');
    assert.ok(Date.now() - sent >= 2000, 'not before their delay');
    assert.deepEqual(deliveries().slice(1).map((d) => d.body).sort(), ['batch-late', 'late']);
  } finally {
    broker.close();
    producer.dispose();
    worker.dispose();
  }
});

test('an exception retries every message not acked; explicit acks are never redelivered', async () => {
  const stateDir = temporaryStateDir();
  // Acks 'a'; throws on the first attempt of the batch.
  const { worker, deliveries } = consumerWorker(stateDir,
    `async (message) => { if (message.body === 'a') message.ack(); }`,
    `if (batch.messages[0].attempts === 1) throw new Error('first attempt fails');`);
  await send(worker, ['a', 'b', 'c']);
  const { broker, batches } = startBroker(stateDir, worker, { max_batch_size: 3, max_batch_timeout: 0 });
  try {
    await until(() => batches.length === 2, 5000, 'the retried batch');
    const [first, second] = [deliveries().slice(0, 3), deliveries().slice(3)];
    assert.deepEqual(first.map((d) => [d.body, d.attempts]), [['a', 1], ['b', 1], ['c', 1]]);
    assert.deepEqual(second.map((d) => [d.body, d.attempts]), [['b', 2], ['c', 2]]);
    assert.deepEqual([batches[0].acked, batches[0].retried, batches[1].acked], [1, 2, 2]);
    await sleep(300);
    assert.equal(deliveries().length, 5, 'nothing more arrives');
  } finally {
    broker.close();
    worker.dispose();
  }
});

test('retry() with a delay, retryAll(), ackAll(), and the first decision for a message stands', async () => {
  const stateDir = temporaryStateDir();
  const { worker, deliveries, logs } = consumerWorker(stateDir, `async (message, batch) => {
    if (message.body === 'later' && message.attempts === 1) { message.retry({ delaySeconds: 1 }); message.ack(); }
    if (message.body === 'all' && message.attempts === 1) { batch.retryAll(); batch.ackAll(); }
    if (message.body === 'acked') { batch.ackAll(); message.retry(); }
  }`);
  await send(worker, ['later']);
  const { broker } = startBroker(stateDir, worker, { max_batch_size: 1, max_batch_timeout: 0 });
  try {
    await until(() => deliveries().length === 2, 5000, 'the delayed retry');
    const [first, second] = deliveries();
    assert.deepEqual([first.attempts, second.attempts, second.id === first.id], [1, 2, true]);
    assert.ok(logs.some((l) => l.level === 'warn' && /after retry\(\) was already called/.test(l.message)));
    await send(worker, ['all']);
    await until(() => deliveries().filter((d) => d.body === 'all').length === 2, 5000, 'retryAll');
    assert.ok(logs.some((l) => /Calling ackAll\(\) after calling retryAll\(\) has no effect/.test(l.message)));
    await send(worker, ['acked']);
    await until(() => deliveries().some((d) => d.body === 'acked'), 5000, 'ackAll');
    await sleep(300);
    assert.equal(deliveries().filter((d) => d.body === 'acked').length, 1, 'ackAll wins over a later retry()');
  } finally {
    broker.close();
    worker.dispose();
  }
});

test('a poison message reaches the dead-letter queue after exactly max_retries + 1 attempts', async () => {
  const stateDir = temporaryStateDir();
  const { worker, deliveries } = consumerWorker(stateDir, `async () => { throw new Error('poison'); }`);
  await send(worker, ['poison']);
  const { broker, batches, logs } = startBroker(stateDir, worker, { max_batch_size: 1, max_batch_timeout: 0, max_retries: 2, dead_letter_queue: 'jobs-dlq' });
  const dlqSeen = [];
  const dlqWorker = new Worker({ name: 'dlq', stateDir, bundle: moduleBundle(`export default { async queue(batch) { for (const m of batch.messages) console.log(JSON.stringify([batch.queue, m.body, m.attempts])); } }`), log: (level, message) => dlqSeen.push(JSON.parse(message)) }).start();
  broker.addConsumer(consumerSettings({ queue: 'jobs-dlq', max_batch_timeout: 0 }), () => dlqWorker);
  try {
    await until(() => dlqSeen.length === 1, 10_000, 'the dead-lettered message');
    assert.deepEqual(deliveries().map((d) => d.attempts), [1, 2, 3]);
    assert.deepEqual(dlqSeen, [['jobs-dlq', 'poison', 1]]);
    assert.equal(batches.filter((b) => b.queue === 'jobs').at(-1).deadLettered, 1);
    assert.ok(logs.some((l) => /failed 3 times and was moved to the dead-letter queue jobs-dlq/.test(l.message)));
    assert.equal(openQueueStore(stateDir).queue('jobs').deadLettered, 1);
  } finally {
    broker.close();
    worker.dispose();
    dlqWorker.dispose();
  }
});

test('without a dead-letter queue, a message out of retries is dropped with a log line', async () => {
  const stateDir = temporaryStateDir();
  const { worker, deliveries } = consumerWorker(stateDir, `async () => { throw new Error('poison'); }`);
  await send(worker, ['poison']);
  const { broker, logs } = startBroker(stateDir, worker, { max_batch_size: 1, max_batch_timeout: 0, max_retries: 0 });
  try {
    await until(() => logs.some((l) => /was dropped \(no dead_letter_queue is set\)/.test(l.message)), 5000, 'the drop');
    assert.equal(deliveries().length, 1);
    await sleep(300);
    assert.equal(deliveries().length, 1);
    assert.deepEqual([openQueueStore(stateDir).queue('jobs').ready, openQueueStore(stateDir).queue('jobs').inFlight], [0, 0]);
  } finally {
    broker.close();
    worker.dispose();
  }
});

test('a consumer that hits its CPU limit has its batch retried on a fresh isolate', async () => {
  const stateDir = temporaryStateDir();
  const logs = [];
  const worker = new Worker({
    name: 'spinner', stateDir, limits: { cpuMs: 50 }, log: (level, message) => logs.push({ level, message }),
    bundle: moduleBundle(`export default {
      async queue(batch) { for (const m of batch.messages) { console.log('got ' + m.body + ' ' + m.attempts); if (m.body === 'spin' && m.attempts === 1) for (;;); } },
    }`),
  }).start();
  // Put straight into the store: with a 50 ms budget, a producer request could itself hit the
  // limit on a loaded machine.
  openQueueStore(stateDir).send('jobs', [{ body: Buffer.from('"spin"'), contentType: 'json', delaySeconds: 0 }]);
  const { broker, batches } = startBroker(stateDir, worker, { max_batch_size: 1, max_batch_timeout: 0 });
  try {
    await until(() => logs.some((l) => l.message === 'got spin 2'), 10_000, 'the retried batch');
    assert.match(String(batches[0].error?.message), /CPU time limit/);
  } finally {
    broker.close();
    worker.dispose();
  }
});

test('a service-worker script and a WorkerEntrypoint class can consume', async () => {
  const stateDir = temporaryStateDir();
  const store = openQueueStore(stateDir);
  store.send('jobs', [{ body: Buffer.from('"sw"'), contentType: 'json', delaySeconds: 0 }]);
  const seen = [];
  const sw = new Worker({
    name: 'sw', stateDir, log: (level, message) => seen.push(message),
    bundle: moduleBundle(`addEventListener('queue', (event) => { console.log('sw ' + event.queue + ' ' + event.messages[0].body); event.waitUntil(Promise.resolve()); });`, 'service-worker'),
  }).start();
  const { broker } = startBroker(stateDir, sw, { max_batch_timeout: 0 });
  try {
    await until(() => seen.includes('sw jobs sw'), 5000, 'the service worker');
  } finally {
    broker.close();
    sw.dispose();
  }
  store.send('jobs', [{ body: Buffer.from('"class"'), contentType: 'json', delaySeconds: 0 }]);
  const entrypoint = new Worker({
    name: 'entry', stateDir, log: (level, message) => seen.push(message),
    bundle: moduleBundle(`import { WorkerEntrypoint } from 'cloudflare:workers';
      export default class extends WorkerEntrypoint { async queue(batch) { console.log('class ' + batch.messages[0].body + ' ' + typeof this.env); } }`),
  }).start();
  const second = startBroker(stateDir, entrypoint, { max_batch_timeout: 0 });
  try {
    await until(() => seen.includes('class class object'), 5000, 'the entrypoint class');
  } finally {
    second.broker.close();
    entrypoint.dispose();
  }
});

test('a worker without a queue handler fails the batch with a clear error, and the messages stay', async () => {
  const stateDir = temporaryStateDir();
  openQueueStore(stateDir).send('jobs', [{ body: Buffer.from('1'), contentType: 'json', delaySeconds: 0 }]);
  const logs = [];
  const worker = new Worker({ name: 'nohandler', stateDir, bundle: moduleBundle('export default { fetch() { return new Response(); } }'), log: (level, message) => logs.push(message) }).start();
  const { broker, batches } = startBroker(stateDir, worker, { max_batch_timeout: 0, max_retries: 5 });
  try {
    await until(() => batches.length >= 1, 5000, 'a batch');
    assert.ok(logs.some((l) => /Handler does not export a queue\(\) function\./.test(l)), JSON.stringify(logs));
    assert.equal(batches[0].retried, 1);
  } finally {
    broker.close();
    worker.dispose();
  }
});
