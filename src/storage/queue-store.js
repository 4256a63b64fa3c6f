// The embedded store behind Queues: one SQLite database, <state dir>/queues/queues.sqlite, holding
// every queue's messages. A message is committed before send() resolves; a consumer leases a
// batch (so that two consumers, in this process or another, never get the same message at once),
// and a lease whose holder died is given up so the messages are delivered again.
//
// Delivery is at least once: a message leaves the store only when its batch's outcome says so
// (acknowledged, or moved to the dead-letter queue, or dropped after its last retry).
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { storeOpener, writeTransaction } from './sqlite.js';

export const QUEUE_LIMITS = Object.freeze({
  messageBytes: 128_000,
  batchMessages: 100,
  batchBytes: 256_000,
  maxDelaySeconds: 43_200,
});

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queues (
  name TEXT PRIMARY KEY,
  created INTEGER NOT NULL, -- ms since the epoch
  dead_lettered INTEGER NOT NULL DEFAULT 0 -- messages that ran out of retries
);
CREATE TABLE IF NOT EXISTS messages (
  id TEXT PRIMARY KEY, -- 32 hex digits
  queue TEXT NOT NULL,
  body BLOB NOT NULL,
  content_type TEXT NOT NULL, -- json | text | bytes | v8
  timestamp INTEGER NOT NULL, -- when it was sent, ms since the epoch
  visible_at INTEGER NOT NULL, -- not delivered before this (delays, retry delays)
  attempts INTEGER NOT NULL DEFAULT 0, -- deliveries so far
  lease_owner TEXT, -- "<pid>:<process start ms>" of the consumer holding it, or NULL
  lease_until INTEGER -- when an unanswered lease lapses
);
-- Only messages not leased are looked for by delivery.
CREATE INDEX IF NOT EXISTS messages_unleased ON messages (queue, visible_at) WHERE lease_owner IS NULL;
CREATE TABLE IF NOT EXISTS consumers (
  queue TEXT PRIMARY KEY,
  script TEXT NOT NULL,
  settings TEXT NOT NULL -- JSON, in wrangler's [[queues.consumers]] keys
);
`;

// This process, as a lease holder.
export const PROCESS_OWNER = `${process.pid}:${Math.round(performance.timeOrigin)}`;

// The store of state directory `stateDir`, opened once per process.
export const openQueueStore = storeOpener((stateDir) => path.join(stateDir, 'queues', 'queues.sqlite'), (db) => new QueueStore(db));

const newId = () => randomBytes(16).toString('hex');

// Whether the process that took a lease is still running (on this machine).
function ownerAlive(owner) {
  if (owner === PROCESS_OWNER) return true;
  const pid = Number(owner.split(':')[0]);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

class QueueStore extends EventEmitter {
  constructor(db) {
    super();
    this.db = db;
    db.exec(SCHEMA);
    db.exec('DROP INDEX IF EXISTS messages_ready');
    this.statements = {
      ensureQueue: db.prepare('INSERT OR IGNORE INTO queues (name, created) VALUES (?, ?)'),
      insert: db.prepare('INSERT INTO messages (id, queue, body, content_type, timestamp, visible_at) VALUES (?, ?, ?, ?, ?, ?)'),
      lease: db.prepare(`UPDATE messages SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
        WHERE rowid IN (SELECT rowid FROM messages WHERE queue = ? AND visible_at <= ? AND lease_owner IS NULL ORDER BY visible_at, rowid LIMIT ?)
        RETURNING rowid, id, body, content_type, timestamp, attempts`),
      // Counting stops at the batch size: delivery only needs to know whether a batch is full.
      readyCount: db.prepare(`SELECT count(*) AS n FROM
        (SELECT 1 FROM messages WHERE queue = ? AND visible_at <= ? AND lease_owner IS NULL LIMIT ?)`),
      oldestReady: db.prepare('SELECT visible_at AS at FROM messages WHERE queue = ? AND lease_owner IS NULL ORDER BY visible_at LIMIT 1'),
      delete: db.prepare('DELETE FROM messages WHERE id = ? AND lease_owner = ?'),
      release: db.prepare('UPDATE messages SET lease_owner = NULL, lease_until = NULL, visible_at = ? WHERE id = ? AND lease_owner = ?'),
      move: db.prepare('UPDATE messages SET queue = ?, lease_owner = NULL, lease_until = NULL, visible_at = ?, attempts = 0 WHERE id = ? AND lease_owner = ?'),
      countDeadLettered: db.prepare('UPDATE queues SET dead_lettered = dead_lettered + 1 WHERE name = ?'),
      owners: db.prepare('SELECT DISTINCT lease_owner AS owner FROM messages WHERE lease_owner IS NOT NULL'),
      releaseOwner: db.prepare('UPDATE messages SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?'),
      releaseLapsed: db.prepare('UPDATE messages SET lease_owner = NULL, lease_until = NULL WHERE lease_until < ?'),
      queues: db.prepare('SELECT name, created, dead_lettered FROM queues ORDER BY name'),
      queue: db.prepare('SELECT name, created, dead_lettered FROM queues WHERE name = ?'),
      counts: db.prepare(`SELECT
          sum(lease_owner IS NULL AND visible_at <= ?1) AS ready,
          sum(lease_owner IS NULL AND visible_at > ?1) AS delayed,
          sum(lease_owner IS NOT NULL) AS in_flight
        FROM messages WHERE queue = ?2`),
      deleteQueue: db.prepare('DELETE FROM queues WHERE name = ?'),
      deleteMessages: db.prepare('DELETE FROM messages WHERE queue = ?'),
      consumers: db.prepare('SELECT queue, script, settings FROM consumers ORDER BY queue'),
      putConsumer: db.prepare('INSERT OR REPLACE INTO consumers (queue, script, settings) VALUES (?, ?, ?)'),
      deleteConsumer: db.prepare('DELETE FROM consumers WHERE queue = ? AND script = ?'),
    };
    this.setMaxListeners(0);
  }

  // Stores messages ([{ body: bytes, contentType, delaySeconds }]) on `queue` in one transaction;
  // returns their ids. Consumers in this process are woken right after (never from inside the
  // call: the sender may be a worker in the middle of a turn, which a delivery must not enter).
  send(queue, messages) {
    const now = Date.now();
    const ids = writeTransaction(this.db, () => {
      this.statements.ensureQueue.run(queue, now);
      return messages.map(({ body, contentType, delaySeconds }) => {
        const id = newId();
        this.statements.insert.run(id, queue, body, contentType, now, now + delaySeconds * 1000);
        return id;
      });
    });
    this.#wake(queue);
    return ids;
  }

  #wake(queue) {
    setImmediate(() => this.emit('sent', queue));
  }

  // How many messages are ready for delivery now, counting up to `cap`.
  readyCount(queue, cap) {
    return Number(this.statements.readyCount.get(queue, Date.now(), cap).n);
  }

  // When the earliest message not leased became (or becomes) deliverable, in ms; null if none.
  oldestReady(queue) {
    return this.statements.oldestReady.get(queue)?.at ?? null;
  }

  // Leases up to `max` ready messages, oldest first, for `leaseMs`: [{ id, body, contentType,
  // timestamp, attempts }].
  lease(queue, max, leaseMs) {
    const now = Date.now();
    const rows = this.statements.lease.all(PROCESS_OWNER, now + leaseMs, queue, now, max);
    rows.sort((a, b) => a.rowid - b.rowid);
    return rows.map((row) => ({ id: row.id, body: row.body, contentType: row.content_type, timestamp: row.timestamp, attempts: row.attempts }));
  }

  // Settles a leased batch in one transaction. outcome: { acked: [id], retried: [[id, delayMs]],
  // deadLettered: [[id, dlq | null]] } (a null dead-letter queue drops the message).
  settle(queue, { acked = [], retried = [], deadLettered = [] }) {
    const now = Date.now();
    const woken = new Set();
    writeTransaction(this.db, () => {
      for (const id of acked) this.statements.delete.run(id, PROCESS_OWNER);
      for (const [id, delayMs] of retried) this.statements.release.run(now + delayMs, id, PROCESS_OWNER);
      for (const [id, dlq] of deadLettered) {
        this.statements.countDeadLettered.run(queue);
        if (dlq === null) {
          this.statements.delete.run(id, PROCESS_OWNER);
        } else {
          this.statements.ensureQueue.run(dlq, now);
          this.statements.move.run(dlq, now, id, PROCESS_OWNER);
          woken.add(dlq);
        }
      }
    });
    if (retried.length > 0) woken.add(queue);
    for (const name of woken) this.#wake(name);
  }

  // Gives up leases whose holder is no longer running, or that lapsed; returns how many holders
  // were found dead.
  releaseAbandoned() {
    let released = 0;
    writeTransaction(this.db, () => {
      for (const { owner } of this.statements.owners.all()) {
        if (!ownerAlive(owner)) {
          this.statements.releaseOwner.run(owner);
          released += 1;
        }
      }
      this.statements.releaseLapsed.run(Date.now());
    });
    return released;
  }

  // ---- management (the CLI's `queues ...`) ----

  createQueue(name) {
    if (this.statements.queue.get(name)) return false;
    this.statements.ensureQueue.run(name, Date.now());
    return true;
  }

  // [{ name, created, ready, delayed, inFlight, deadLettered }]
  queues() {
    return this.statements.queues.all().map((row) => this.#describe(row));
  }

  queue(name) {
    const row = this.statements.queue.get(name);
    return row ? this.#describe(row) : null;
  }

  #describe({ name, created, dead_lettered }) {
    const counts = this.statements.counts.get(Date.now(), name);
    return {
      name,
      created,
      ready: Number(counts.ready ?? 0),
      delayed: Number(counts.delayed ?? 0),
      inFlight: Number(counts.in_flight ?? 0),
      deadLettered: Number(dead_lettered),
    };
  }

  // Removes a queue and its messages.
  deleteQueue(name) {
    return writeTransaction(this.db, () => {
      this.statements.deleteMessages.run(name);
      return this.statements.deleteQueue.run(name).changes > 0;
    });
  }

  // Consumers added with `outpost queues consumer add`: [{ queue, script, settings }].
  consumers() {
    return this.statements.consumers.all().map((row) => ({ queue: row.queue, script: row.script, settings: JSON.parse(row.settings) }));
  }

  addConsumer(queue, script, settings) {
    this.statements.putConsumer.run(queue, script, JSON.stringify(settings));
  }

  removeConsumer(queue, script) {
    return this.statements.deleteConsumer.run(queue, script).changes > 0;
  }
}
