// Queues: throughput and delivery latency through real workers and the broker, in one process.
//
// 1. Throughput: a producer worker sends BENCH_QUEUE_MESSAGES (default 20000) JSON messages with
//    `sendBatch` of 100 per call, BENCH_QUEUE_CALLS (default 10) calls per request, the requests
//    made one after another from the host (with an event-loop turn between them, as an HTTP server
//    would have); a consumer worker (a different Worker on the same state dir) gets them from a
//    QueueBroker with max_batch_size = 100, max_batch_timeout = 0 (max_concurrency left at its
//    default, 10). Three runs, each on its own queue:
//      - send only: no consumer; sends/s of the producer alone (messages committed per second);
//      - drain: the consumer is attached to that backlog of N messages; messages acked per second;
//      - end to end: the consumer is attached first, then the producer sends; messages/s from the
//        first send to the last ack (acks as the broker's onBatch callback reports them).
//    Against node:sqlite in the same run: the same number of messages (same JSON bodies) inserted
//    into a plain table in transactions of 100, then read back and deleted 100 per transaction
//    (same WAL / synchronous=NORMAL settings): what the storage alone costs.
// 2. Delivery latency at low load: BENCH_QUEUE_LATENCY_MESSAGES (default 200) messages sent one at
//    a time, one every 20 ms (one `send` per producer request), consumed with max_batch_size = 1,
//    max_batch_timeout = 0. Timed on the host with performance.now(): from just before the
//    producer's worker.fetch to the consumer's handler running (its console.log reaches the
//    host's log callback synchronously), and to the broker recording the ack (onBatch).
//    Producer and consumer are in the same process: the broker is woken as soon as a send
//    commits. Messages sent by another process are only noticed by the broker's poll (every
//    250 ms), which this benchmark does not measure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from '../src/runtime/worker.js';
import { QueueBroker, consumerSettings, CONSUMER_DEFAULTS } from '../src/queues/broker.js';
import { envNumber, fetchText, fmt, isMain, latencyStats, moduleBundle, peerDatabase, printTable } from './lib/common.js';

const BATCH = 100; // messages per sendBatch (Queues' limit)
const PAD = 'x'.repeat(64); // each body is {"i":…,"pad":"xxx…"}, about 80 bytes of JSON
const LATENCY_INTERVAL_MS = 20;

// The producer: /batch?queue=&from=&calls= sends `calls` sendBatch of 100 JSON messages numbered
// from `from`; /one?queue=&i= sends one.
const PRODUCER = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const queue = env[url.searchParams.get('queue')];
    if (url.pathname === '/one') {
      await queue.send({ i: Number(url.searchParams.get('i')), pad: '${PAD}' }, { contentType: 'json' });
      return new Response('1');
    }
    let i = Number(url.searchParams.get('from'));
    const calls = Number(url.searchParams.get('calls'));
    for (let c = 0; c < calls; c++) {
      const messages = [];
      for (let k = 0; k < ${BATCH}; k++) messages.push({ body: { i: i++, pad: '${PAD}' }, contentType: 'json' });
      await queue.sendBatch(messages);
    }
    return new Response(String(calls * ${BATCH}));
  },
};`;

// The consumer: reads every body (so that each is parsed and checked) and acks by returning; on
// the latency queue it logs the message's number, which reaches the host at once.
const CONSUMER = `export default {
  async queue(batch, env) {
    if (batch.queue === 'latency') {
      for (const m of batch.messages) console.log(String(m.body.i));
      return;
    }
    let bad = 0;
    for (const m of batch.messages) if (typeof m.body.i !== 'number' || m.body.pad.length !== ${PAD.length}) bad++;
    if (bad) throw new Error(bad + ' bad messages');
  },
};`;

const QUEUES = ['warmup', 'backlog', 'e2e', 'latency'];
const bindingName = (queue) => queue.toUpperCase();

// Sends n messages to `queue` in requests of `calls` sendBatch calls; resolves with the time of
// the first send and the producer's total time (ms, performance.now()).
async function produce(producer, queue, n, calls) {
  const started = performance.now();
  for (let from = 0; from < n; from += calls * BATCH) {
    const thisCalls = Math.min(calls, Math.ceil((n - from) / BATCH));
    const sent = Number(await fetchText(producer, `/batch?queue=${bindingName(queue)}&from=${from}&calls=${thisCalls}`, 'producer'));
    if (sent !== thisCalls * BATCH) throw new Error(`producer sent ${sent}`);
    // An HTTP server would give the event loop a turn between two requests: so does this.
    await new Promise(setImmediate);
  }
  return { started, ms: performance.now() - started };
}

// Per-queue tallies of what the broker reports, and a promise for the moment `target` acks are in.
class Tally {
  constructor() {
    this.acked = 0;
    this.retried = 0;
    this.batches = 0;
    this.errors = [];
    this.waiters = [];
    this.last = null;
  }

  add(batch) {
    this.batches += 1;
    this.acked += batch.acked;
    this.retried += batch.retried + batch.deadLettered;
    if (batch.error) this.errors.push(batch.error);
    const now = performance.now();
    this.last = now;
    this.waiters = this.waiters.filter((w) => (this.acked >= w.target ? (w.resolve(now), false) : true));
  }

  // Resolves with performance.now() of the onBatch call that brought the acks to `target` (the
  // last one when they were all in before this was asked).
  acks(target, timeoutMs = 60_000) {
    if (this.acked >= target) return Promise.resolve(this.last);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.acked} of ${target} messages acked after ${timeoutMs} ms (${this.retried} retried; ${this.errors[0]?.message ?? 'no error'})`)), timeoutMs);
      this.waiters.push({ target, resolve: (t) => { clearTimeout(timer); resolve(t); } });
    });
  }
}

function throughputSettings(queue) {
  return consumerSettings({ queue, max_batch_size: BATCH, max_batch_timeout: 0 });
}

async function runOutpost(dir, n, calls, latencyN) {
  const bindings = Object.fromEntries(QUEUES.map((q) => [bindingName(q), { type: 'queue', queueName: q, deliveryDelay: null }]));
  const producer = new Worker({
    name: 'producer', bundle: moduleBundle(PRODUCER), env: { bindings }, stateDir: dir, log: () => {},
    // Each sendBatch is a storage call, counted against the invocation's API request limit.
    limits: { subrequests: calls + 10 },
  }).start();
  const received = new Map(); // latency message number -> performance.now() when the handler logged it
  const consumerLogs = [];
  const consumer = new Worker({
    name: 'consumer', bundle: moduleBundle(CONSUMER), stateDir: dir,
    log: (level, message) => {
      if (level === 'log') received.set(Number(message), performance.now());
      else consumerLogs.push(`${level}: ${message}`);
    },
  }).start();
  const tallies = Object.fromEntries(QUEUES.map((q) => [q, new Tally()]));
  const latencyAcks = new Map(); // batch index on the latency queue -> performance.now() of onBatch
  const broker = new QueueBroker({
    stateDir: dir,
    log: (level, message) => consumerLogs.push(`broker ${level}: ${message}`),
    onBatch: (batch) => {
      if (batch.queue === 'latency') latencyAcks.set(tallies.latency.batches, performance.now());
      tallies[batch.queue].add(batch);
    },
  });
  try {
    // Warm-up: the same path end to end, untimed.
    const warmN = Math.min(n, 2000);
    broker.addConsumer(throughputSettings('warmup'), () => consumer);
    await produce(producer, 'warmup', warmN, calls);
    await tallies.warmup.acks(warmN);

    // Send only, then drain that backlog.
    const sendOnly = await produce(producer, 'backlog', n, calls);
    const drainStarted = performance.now();
    broker.addConsumer(throughputSettings('backlog'), () => consumer);
    const drainMs = (await tallies.backlog.acks(n)) - drainStarted;

    // End to end: consumer first, then the producer.
    broker.addConsumer(throughputSettings('e2e'), () => consumer);
    const e2eSend = await produce(producer, 'e2e', n, calls);
    const e2eMs = (await tallies.e2e.acks(n)) - e2eSend.started;

    // Latency: one message every LATENCY_INTERVAL_MS.
    broker.addConsumer(consumerSettings({ queue: 'latency', max_batch_size: 1, max_batch_timeout: 0 }), () => consumer);
    const warmLatency = 20;
    const sentAt = [];
    const sendMs = [];
    const began = performance.now();
    for (let i = 0; i < warmLatency + latencyN; i++) {
      const t0 = performance.now();
      await fetchText(producer, `/one?queue=LATENCY&i=${i}`, 'producer');
      sendMs.push(performance.now() - t0);
      sentAt.push(t0);
      const next = began + (i + 1) * LATENCY_INTERVAL_MS;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await tallies.latency.acks(warmLatency + latencyN, 10_000);
    if (received.size !== warmLatency + latencyN) throw new Error(`the latency consumer logged ${received.size} messages`);
    const toHandler = [];
    const toAck = [];
    for (let i = warmLatency; i < warmLatency + latencyN; i++) {
      toHandler.push(received.get(i) - sentAt[i]);
      // One message per batch, delivered in the order sent: batch k is message k.
      toAck.push(latencyAcks.get(i) - sentAt[i]);
    }

    for (const q of QUEUES) {
      if (tallies[q].retried || tallies[q].errors.length) throw new Error(`queue ${q}: ${tallies[q].retried} retried; ${tallies[q].errors[0]?.message}; ${consumerLogs.slice(0, 3).join(' | ')}`);
    }
    const left = broker.store.queues().filter((q) => q.ready || q.inFlight || q.delayed);
    if (left.length) throw new Error(`messages left over: ${JSON.stringify(left)}`);
    return {
      sendOnlyMs: sendOnly.ms,
      drainMs,
      drainBatches: tallies.backlog.batches,
      e2eMs,
      e2eSendMs: e2eSend.ms,
      e2eBatches: tallies.e2e.batches,
      latency: { toHandler, toAck, sendMs: sendMs.slice(warmLatency) },
    };
  } finally {
    broker.close();
    producer.dispose();
    consumer.dispose();
  }
}

// node:sqlite alone: n messages inserted in transactions of 100, then read back and deleted 100
// per transaction.
function runNode(dir, n) {
  const db = peerDatabase(dir);
  try {
    db.exec('CREATE TABLE messages (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO messages (body) VALUES (?)');
    const oldest = db.prepare(`SELECT id, body FROM messages ORDER BY id LIMIT ${BATCH}`);
    const remove = db.prepare('DELETE FROM messages WHERE id = ?');
    const started = performance.now();
    for (let from = 0; from < n; from += BATCH) {
      db.exec('BEGIN IMMEDIATE');
      for (let i = from; i < Math.min(n, from + BATCH); i++) insert.run(Buffer.from(JSON.stringify({ i, pad: PAD })));
      db.exec('COMMIT');
    }
    const insertMs = performance.now() - started;
    let deleted = 0;
    for (;;) {
      db.exec('BEGIN IMMEDIATE');
      const rows = oldest.all();
      for (const row of rows) {
        if (JSON.parse(Buffer.from(row.body).toString()).pad.length !== PAD.length) throw new Error('peer read a bad body');
        remove.run(row.id);
      }
      db.exec('COMMIT');
      deleted += rows.length;
      if (rows.length === 0) break;
    }
    if (deleted !== n) throw new Error(`peer deleted ${deleted} of ${n}`);
    const totalMs = performance.now() - started;
    return { insertMs, deleteMs: totalMs - insertMs, totalMs };
  } finally {
    db.close();
  }
}

export async function run() {
  const n = Math.ceil(envNumber('BENCH_QUEUE_MESSAGES', 20_000) / BATCH) * BATCH;
  const calls = Math.round(envNumber('BENCH_QUEUE_CALLS', 10));
  const latencyN = Math.round(envNumber('BENCH_QUEUE_LATENCY_MESSAGES', 200));
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-queues-'));
  try {
    const outpost = await runOutpost(dir, n, calls, latencyN);
    const node = runNode(dir, n);
    const perSecond = (ms) => n / (ms / 1000);
    const ratio = (a, b) => `${fmt(a / b, a / b < 1 ? 2 : 1)}x`;
    const nodeRate = perSecond(node.totalMs);
    const e2eRate = perSecond(outpost.e2eMs);
    console.log(`queues: ${fmt(n, 0)} JSON messages of ~${JSON.stringify({ i: 10000, pad: PAD }).length} bytes; sendBatch of ${BATCH}, ${calls} calls per producer request; consumer max_batch_size ${BATCH}, max_batch_timeout 0, max_concurrency ${CONSUMER_DEFAULTS.maxConcurrency}; producer and consumer are two workers in this process`);
    printTable('queues: throughput (messages per second)', ['', 'messages/s', 'ms', 'batches', 'vs node:sqlite'], [
      ['send only (producer, no consumer)', fmt(perSecond(outpost.sendOnlyMs), 0), fmt(outpost.sendOnlyMs, 0), '', ''],
      ['drain a backlog (consumer only)', fmt(perSecond(outpost.drainMs), 0), fmt(outpost.drainMs, 0), outpost.drainBatches, ''],
      ['end to end: first send to last ack', fmt(e2eRate, 0), fmt(outpost.e2eMs, 0), outpost.e2eBatches, ratio(e2eRate, nodeRate)],
      ['  (its producer side: sends/s)', fmt(perSecond(outpost.e2eSendMs), 0), fmt(outpost.e2eSendMs, 0), '', ''],
      ['node:sqlite insert + read + delete, 100/txn', fmt(nodeRate, 0), fmt(node.totalMs, 0), '', ''],
      ['  (insert only)', fmt(perSecond(node.insertMs), 0), fmt(node.insertMs, 0), '', ''],
    ]);
    const handler = latencyStats(outpost.latency.toHandler);
    const ack = latencyStats(outpost.latency.toAck);
    const send = latencyStats(outpost.latency.sendMs);
    console.log(`\nqueues: delivery latency, ${latencyN} messages (after 20 warm-up), one send every ${LATENCY_INTERVAL_MS} ms, max_batch_size 1, max_batch_timeout 0.`);
    console.log('Same-process path: the broker is woken as soon as a send commits. A send from another process is noticed by the broker\'s 250 ms poll instead (not measured here).');
    printTable('', ['from just before the producer request to', 'p50 ms', 'p99 ms', 'max ms'], [
      ['the consumer handler running', fmt(handler.p50, 3), fmt(handler.p99, 3), fmt(handler.max, 3)],
      ['the ack recorded (onBatch)', fmt(ack.p50, 3), fmt(ack.p99, 3), fmt(ack.max, 3)],
      ['(the producer request returning)', fmt(send.p50, 3), fmt(send.p99, 3), fmt(send.max, 3)],
    ]);
    return {
      name: 'queues',
      figures: { n, calls, latencyN, outpost, node },
      summary: [
        { metric: 'end-to-end messages/s (send → ack)', value: fmt(e2eRate, 0) },
        { metric: 'end-to-end / node:sqlite insert+delete', value: ratio(e2eRate, nodeRate) },
        { metric: 'sends/s (producer alone)', value: fmt(perSecond(outpost.sendOnlyMs), 0) },
        { metric: 'backlog drain messages/s', value: fmt(perSecond(outpost.drainMs), 0) },
        { metric: 'delivery latency p50 (same process)', value: `${fmt(handler.p50, 2)} ms` },
        { metric: 'delivery latency p99 (same process)', value: `${fmt(handler.p99, 2)} ms` },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await run();
