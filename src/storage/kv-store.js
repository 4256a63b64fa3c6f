// The embedded store behind KV namespaces: one SQLite database, <state dir>/kv/kv.sqlite, holding
// every namespace's entries. Values live in the database itself (at most 25 MiB each, which
// SQLite stores comfortably), so a put is one transaction and is never half-visible.
//
// Keys sort by their UTF-8 bytes (SQLite's BINARY collation compares the stored UTF-8), which is
// the order KV lists them in. Expiration is in seconds since the epoch, as KV has it; an expired
// entry is invisible at once and removed by a background sweep.
import path from 'node:path';
import { storeOpener, writeTransaction } from './sqlite.js';

export const KV_LIMITS = Object.freeze({
  keyBytes: 512,
  valueBytes: 25 * 1024 * 1024,
  metadataBytes: 1024,
  minExpirationTtl: 60,
  listLimit: 1000,
  bulkGetKeys: 100,
});

const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_BATCH = 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS namespaces (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL -- ms since the epoch
);
CREATE TABLE IF NOT EXISTS entries (
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  expiration INTEGER, -- seconds since the epoch, or NULL
  metadata TEXT, -- JSON, or NULL
  PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_expiration ON entries (expiration) WHERE expiration IS NOT NULL;
`;

const nowSeconds = () => Date.now() / 1000;
const LIVE = '(expiration IS NULL OR expiration > ?)';

// The store of state directory `stateDir`, opened once per process.
export const openKvStore = storeOpener((stateDir) => path.join(stateDir, 'kv', 'kv.sqlite'), (db) => new KvStore(db));

class KvStore {
  constructor(db) {
    this.db = db;
    db.exec(SCHEMA);
    this.statements = {
      get: db.prepare(`SELECT value, metadata FROM entries WHERE namespace = ? AND key = ? AND ${LIVE}`),
      put: db.prepare('INSERT OR REPLACE INTO entries (namespace, key, value, expiration, metadata) VALUES (?, ?, ?, ?, ?)'),
      delete: db.prepare('DELETE FROM entries WHERE namespace = ? AND key = ?'),
      // Keys from `after` (exclusive) with `prefix`: the prefix is matched with a range on the
      // key rather than LIKE, whose wildcards and case folding do not suit byte-exact keys.
      list: db.prepare(`SELECT key, expiration, metadata FROM entries
        WHERE namespace = ? AND key > ? AND substr(key, 1, length(?)) = ? AND ${LIVE}
        ORDER BY key LIMIT ?`),
      // WITHOUT ROWID: expired entries are deleted by key.
      sweep: db.prepare(`DELETE FROM entries WHERE (namespace, key) IN
        (SELECT namespace, key FROM entries WHERE expiration <= ? LIMIT ${SWEEP_BATCH})`),
      namespaces: db.prepare(`SELECT id, title, created FROM namespaces
        UNION SELECT DISTINCT namespace, namespace, NULL FROM entries WHERE namespace NOT IN (SELECT id FROM namespaces)
        ORDER BY title`),
      namespaceByTitle: db.prepare('SELECT id, title, created FROM namespaces WHERE title = ?'),
      namespaceById: db.prepare('SELECT id, title, created FROM namespaces WHERE id = ?'),
      createNamespace: db.prepare('INSERT INTO namespaces (id, title, created) VALUES (?, ?, ?)'),
      deleteNamespace: db.prepare('DELETE FROM namespaces WHERE id = ?'),
      deleteEntries: db.prepare('DELETE FROM entries WHERE namespace = ?'),
    };
    this.sweeper = setInterval(() => {
      if (db.isOpen) this.sweep();
      else clearInterval(this.sweeper);
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  // { value: Uint8Array, metadata: JSON text | null } or null.
  get(namespace, key) {
    return this.statements.get.get(namespace, key, nowSeconds()) ?? null;
  }

  // value: a string or bytes; expiration: seconds since the epoch or null; metadata: JSON text or null.
  put(namespace, key, value, expiration, metadata) {
    this.statements.put.run(namespace, key, value, expiration, metadata);
  }

  // Several puts in one transaction (the CLI's bulk put): all or none.
  putMany(namespace, entries) {
    writeTransaction(this.db, () => {
      for (const { key, value, expiration, metadata } of entries) this.put(namespace, key, value, expiration, metadata);
    });
  }

  delete(namespace, key) {
    this.statements.delete.run(namespace, key);
  }

  deleteMany(namespace, keys) {
    writeTransaction(this.db, () => {
      for (const key of keys) this.delete(namespace, key);
    });
  }

  // Up to `limit` live keys with `prefix`, after key `after` ('' for the first page):
  // { keys: [{ name, expiration, metadata }], more }.
  list(namespace, { prefix = '', after = '', limit = KV_LIMITS.listLimit }) {
    const rows = this.statements.list.all(namespace, after, prefix, prefix, nowSeconds(), limit + 1);
    const more = rows.length > limit;
    if (more) rows.length = limit;
    return { keys: rows.map((row) => ({ name: row.key, expiration: row.expiration, metadata: row.metadata })), more };
  }

  // Removes expired entries; returns how many.
  sweep() {
    let removed = 0;
    for (;;) {
      const { changes } = this.statements.sweep.run(nowSeconds());
      removed += Number(changes);
      if (changes < SWEEP_BATCH) return removed;
    }
  }

  // ---- namespaces (the CLI's `kv namespace ...`) ----

  // Every namespace: those created by title, and those that only exist because a binding wrote
  // to them (their title is their id).
  namespaces() {
    return this.statements.namespaces.all().map((row) => ({ id: row.id, title: row.title, created: row.created }));
  }

  namespaceByTitle(title) {
    return this.statements.namespaceByTitle.get(title) ?? null;
  }

  namespaceById(id) {
    return this.statements.namespaceById.get(id) ?? null;
  }

  createNamespace(id, title) {
    this.statements.createNamespace.run(id, title, Date.now());
  }

  // Removes a namespace and everything in it.
  deleteNamespace(id) {
    writeTransaction(this.db, () => {
      this.statements.deleteEntries.run(id);
      this.statements.deleteNamespace.run(id);
    });
  }
}
