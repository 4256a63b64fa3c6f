// The embedded store behind the Cache API: one SQLite database of entries (status, headers,
// expiry) and one file per body, under <state dir>/cache/. Several processes may share a state
// directory: SQLite serialises the writers, and a body file is never changed once written (a
// replaced entry gets a new file), so a reader holding one open is never disturbed.
//
// A put writes and syncs its body file before committing the row that names it, so a crash
// leaves at worst an unreferenced file (removed by a later sweep), never a row without its body.
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync, createWriteStream } from 'node:fs';
import { open, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

// Unreferenced body files older than this are left over from a crash or a failed write (an
// unfinished write keeps touching its file, so it is never this old).
const ORPHAN_AGE_MS = 60 * 60 * 1000;
// Expired entries removed per put, so that a put never stalls on a large purge.
const PURGE_BATCH = 64;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  worker TEXT NOT NULL,
  named INTEGER NOT NULL, -- 0: caches.default, 1: caches.open(name)
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  status INTEGER NOT NULL,
  status_text TEXT NOT NULL,
  headers TEXT NOT NULL, -- JSON [name, value, name, value, ...]
  body TEXT NOT NULL, -- file name under bodies/
  size INTEGER NOT NULL,
  expires INTEGER NOT NULL, -- ms since the epoch
  PRIMARY KEY (worker, named, name, url)
);
CREATE INDEX IF NOT EXISTS entries_expires ON entries (expires);
`;

const KEY = 'worker = ? AND named = ? AND name = ? AND url = ?';
const keyParams = ({ worker, cache, url }) => [worker, cache === null ? 0 : 1, cache ?? '', url];

const stores = new Map();

// The store of state directory `stateDir`, opened once per process.
export function openCacheStore(stateDir) {
  const dir = path.resolve(stateDir, 'cache');
  let store = stores.get(dir);
  if (!store) {
    store = new CacheStore(dir);
    stores.set(dir, store);
  }
  return store;
}

const ignoreMissing = (err) => {
  if (err?.code !== 'ENOENT') throw err;
};

// A key is { worker, cache (null for caches.default, else the name given to caches.open), url }.
export class CacheStore {
  constructor(dir) {
    this.bodies = path.join(dir, 'bodies');
    mkdirSync(this.bodies, { recursive: true });
    this.db = new DatabaseSync(path.join(dir, 'cache.sqlite'), { timeout: 5000 });
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    this.db.exec(SCHEMA);
    this.statements = {
      select: this.db.prepare(`SELECT status, status_text, headers, body, size, expires FROM entries WHERE ${KEY}`),
      oldBody: this.db.prepare(`SELECT body FROM entries WHERE ${KEY}`),
      upsert: this.db.prepare(`INSERT OR REPLACE INTO entries
        (worker, named, name, url, status, status_text, headers, body, size, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      delete: this.db.prepare(`DELETE FROM entries WHERE ${KEY} RETURNING body, expires`),
      deleteIfBody: this.db.prepare(`DELETE FROM entries WHERE ${KEY} AND body = ?`),
      purge: this.db.prepare(`DELETE FROM entries WHERE rowid IN
        (SELECT rowid FROM entries WHERE expires <= ? LIMIT ${PURGE_BATCH}) RETURNING body`),
      bodies: this.db.prepare('SELECT body FROM entries'),
    };
    this.sweep().catch(() => {});
  }

  #file(body) {
    return path.join(this.bodies, body);
  }

  #unlink(body) {
    return unlink(this.#file(body)).catch(ignoreMissing);
  }

  // Stores `body` (null, a string, bytes, or a Readable that is consumed) under `key`, replacing
  // any entry there. entry: { status, statusText, headers (flat list), expires (ms) }.
  async put(key, entry, body) {
    const name = randomUUID();
    const file = this.#file(name);
    try {
      // `flush` syncs the file before the stream reports that it finished.
      if (body !== null && typeof body === 'object' && typeof body.pipe === 'function') {
        await pipeline(body, createWriteStream(file, { flush: true }));
      } else {
        await writeFile(file, body ?? '', { flush: true });
      }
    } catch (err) {
      await this.#unlink(name);
      throw err;
    }
    const { size } = await stat(file);
    let previous;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      previous = this.statements.oldBody.get(...keyParams(key))?.body;
      this.statements.upsert.run(...keyParams(key), entry.status, entry.statusText, JSON.stringify(entry.headers), name, size, entry.expires);
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      await this.#unlink(name);
      throw err;
    }
    if (previous !== undefined) await this.#unlink(previous);
    await this.purgeExpired();
  }

  // The live entry under `key` with its body file opened: { status, statusText, headers, size,
  // handle } (the caller closes `handle`), or null. An expired entry is removed.
  async match(key) {
    // A concurrent put or delete may remove the file between reading the row and opening it;
    // the row is then read again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = this.statements.select.get(...keyParams(key));
      if (!row) return null;
      if (row.expires <= Date.now()) {
        this.statements.deleteIfBody.run(...keyParams(key), row.body);
        await this.#unlink(row.body);
        return null;
      }
      let handle;
      try {
        handle = await open(this.#file(row.body), 'r');
      } catch (err) {
        ignoreMissing(err);
        continue;
      }
      return { status: row.status, statusText: row.status_text, headers: JSON.parse(row.headers), size: row.size, handle };
    }
    return null;
  }

  // Removes the entry under `key`; true when a live one was there.
  async delete(key) {
    const row = this.statements.delete.get(...keyParams(key));
    if (!row) return false;
    await this.#unlink(row.body);
    return row.expires > Date.now();
  }

  // Removes a batch of expired entries; returns how many there were.
  async purgeExpired() {
    const rows = this.statements.purge.all(Date.now());
    await Promise.all(rows.map((row) => this.#unlink(row.body)));
    return rows.length;
  }

  // Removes expired entries and body files that no entry refers to.
  async sweep() {
    while ((await this.purgeExpired()) === PURGE_BATCH);
    const cutoff = Date.now() - ORPHAN_AGE_MS;
    const old = [];
    for (const name of await readdir(this.bodies)) {
      const info = await stat(this.#file(name)).catch(() => null);
      if (info && info.mtimeMs < cutoff) old.push(name);
    }
    if (old.length === 0) return;
    const referenced = new Set(this.statements.bodies.all().map((row) => row.body));
    await Promise.all(old.filter((name) => !referenced.has(name)).map((name) => this.#unlink(name)));
  }
}
