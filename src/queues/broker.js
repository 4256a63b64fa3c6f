// Delivers queue messages to consumer workers, as Cloudflare Queues does: in batches of up to
// max_batch_size, sent when a batch is full or when its oldest message has waited
// max_batch_timeout, whichever comes first; retried (after retry_delay, or the delay the
// consumer asked for) until max_retries is used up, then moved to the dead-letter queue or
// dropped. Messages live in the queue store (storage/queue-store.js), so producers and consumers
// may be different workers in different processes; a consumer process polls for what others sent.
import v8 from 'node:v8';
import { openQueueStore } from '../storage/queue-store.js';

// Consumer settings: defaults and limits as Cloudflare has them.
export const CONSUMER_DEFAULTS = Object.freeze({
  maxBatchSize: 10, // max 100
  maxBatchTimeout: 5, // seconds, max 60
  maxRetries: 3, // max 100
  deadLetterQueue: null,
  retryDelay: 0, // seconds
  maxConcurrency: 10, // batches of one queue in flight at once
});

// Messages sent by other processes are noticed within this time.
const POLL_MS = 250;
// Leases of consumers that died are given up this often.
const ABANDONED_CHECK_MS = 5000;
// A batch's lease outlasts the longest a queue event may run (15 minutes).
const LEASE_MS = 16 * 60_000;

// [[queues.consumers]] entries (wrangler's keys) → the broker's settings.
export function consumerSettings(entry) {
  return {
    queue: entry.queue,
    maxBatchSize: entry.max_batch_size ?? CONSUMER_DEFAULTS.maxBatchSize,
    maxBatchTimeout: entry.max_batch_timeout ?? CONSUMER_DEFAULTS.maxBatchTimeout,
    maxRetries: entry.max_retries ?? CONSUMER_DEFAULTS.maxRetries,
    deadLetterQueue: entry.dead_letter_queue ?? CONSUMER_DEFAULTS.deadLetterQueue,
    retryDelay: entry.retry_delay ?? CONSUMER_DEFAULTS.retryDelay,
    maxConcurrency: entry.max_concurrency ?? CONSUMER_DEFAULTS.maxConcurrency,
  };
}

// A stored body as the consumer's isolate receives it (see web/queue.js).
function decodeBody(contentType, body) {
  if (contentType === 'v8') return v8.deserialize(body);
  if (contentType === 'bytes') return body;
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

export class QueueBroker {
  #consumers = [];
  #abandonedTimer;

  // log(level, message): delivery problems and dropped messages. onBatch({ queue, size, acked,
  // retried, deadLettered, wallMs, cpuMs, invocation, error }): one call per delivered batch.
  constructor({ stateDir, log = () => {}, onBatch = () => {} }) {
    this.store = openQueueStore(stateDir);
    this.log = log;
    this.onBatch = onBatch;
    this.store.releaseAbandoned();
    this.#abandonedTimer = setInterval(() => this.store.releaseAbandoned(), ABANDONED_CHECK_MS);
    this.#abandonedTimer.unref();
  }

  // Starts delivering `settings.queue` to the worker `worker()` returns (looked up for every
  // batch, so a reloaded worker takes over).
  addConsumer(settings, worker) {
    const consumer = new Consumer(this, settings, worker);
    this.#consumers.push(consumer);
    consumer.wake();
    return consumer;
  }

  close() {
    clearInterval(this.#abandonedTimer);
    for (const consumer of this.#consumers) consumer.close();
    this.#consumers = [];
  }
}

class Consumer {
  #timer = null;
  #inFlight = 0;
  #closed = false;
  #onSent;

  constructor(broker, settings, worker) {
    this.broker = broker;
    this.store = broker.store;
    this.settings = settings;
    this.worker = worker;
    this.#onSent = (queue) => {
      if (queue === settings.queue) this.wake();
    };
    this.store.on('sent', this.#onSent);
  }

  close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.store.off('sent', this.#onSent);
  }

  // Delivers every batch that is due now, then sleeps until the next one could be.
  wake() {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = null;
    const { queue, maxBatchSize, maxBatchTimeout, maxConcurrency } = this.settings;
    let wakeAt = Date.now() + POLL_MS;
    while (this.#inFlight < maxConcurrency) {
      const now = Date.now();
      // The earliest message not leased: ready now (since then), or the next to become ready.
      const oldest = this.store.oldestReady(queue);
      if (oldest === null) break;
      if (oldest > now) {
        wakeAt = Math.min(wakeAt, oldest);
        break;
      }
      const due = oldest + maxBatchTimeout * 1000;
      if (now < due && this.store.readyCount(queue, maxBatchSize) < maxBatchSize) {
        wakeAt = Math.min(wakeAt, due);
        break;
      }
      const batch = this.store.lease(queue, maxBatchSize, LEASE_MS);
      if (batch.length === 0) break;
      this.#inFlight += 1;
      this.#deliver(batch).finally(() => {
        this.#inFlight -= 1;
        this.wake();
      });
    }
    if (this.#inFlight < maxConcurrency) {
      this.#timer = setTimeout(() => this.wake(), Math.max(0, wakeAt - Date.now()));
      this.#timer.unref();
    }
  }

  async #deliver(batch) {
    const { queue } = this.settings;
    const started = performance.now();
    let outcome = null;
    let error = null;
    let invocation = null;
    try {
      const rows = batch.map((m) => [m.id, m.timestamp, m.contentType, decodeBody(m.contentType, m.body), m.attempts]);
      const result = await this.worker().queue(queue, rows);
      outcome = result.outcome;
      invocation = result.invocation;
    } catch (err) {
      // The isolate hit a limit or the worker could not start: every message is retried.
      error = err;
    }
    const settled = this.#decide(batch, outcome);
    try {
      this.store.settle(queue, settled);
      for (const [id, dlq] of settled.deadLettered) {
        const attempts = batch.find((message) => message.id === id).attempts;
        const where = dlq === null ? 'dropped (no dead_letter_queue is set)' : `moved to the dead-letter queue ${dlq}`;
        this.broker.log('warn', `Queue ${queue}: message ${id} failed ${attempts} times and was ${where}.`);
      }
    } catch (err) {
      // The leases stay; they are given up when they lapse and the messages come again.
      this.broker.log('error', `Queue ${queue}: could not record the outcome of a batch: ${err.message}`);
    }
    this.broker.onBatch({
      queue, size: batch.length, acked: settled.acked.length, retried: settled.retried.length,
      deadLettered: settled.deadLettered.length, wallMs: performance.now() - started, cpuMs: invocation?.cpuMs ?? 0, invocation, error,
    });
  }

  // What happens to each message of `batch` given the handler's outcome (null when it never
  // reported one): an explicit ack or retry stands; otherwise ackAll/retryAll; otherwise the
  // handler's success acknowledges and its failure retries.
  #decide(batch, outcome) {
    const [ok, ackAll, retryAll, retryAllDelay, acks, retries] = outcome ?? [false, false, false, null, [], []];
    const acked = new Set(acks);
    const retriedDelays = new Map(retries);
    const { maxRetries, deadLetterQueue, retryDelay } = this.settings;
    const result = { acked: [], retried: [], deadLettered: [] };
    for (const message of batch) {
      let retry;
      let delay = null;
      if (acked.has(message.id)) retry = false;
      else if (retriedDelays.has(message.id)) [retry, delay] = [true, retriedDelays.get(message.id)];
      else if (ackAll) retry = false;
      else if (retryAll) [retry, delay] = [true, retryAllDelay];
      else retry = !ok;
      if (!retry) {
        result.acked.push(message.id);
      } else if (message.attempts > maxRetries) {
        result.deadLettered.push([message.id, deadLetterQueue]);
      } else {
        result.retried.push([message.id, (delay ?? retryDelay) * 1000]);
      }
    }
    return result;
  }
}
