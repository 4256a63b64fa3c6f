// What `outpost serve` keeps about its workers, in `<data>/control.sqlite`: API tokens (hashed),
// workers, their versions (bundle and config), deployments (which versions serve, and in what
// shares) and secrets (encrypted by a SecretBox). Every process of a server opens the same file.
import { randomUUID, createHash, randomBytes } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';
import path from 'node:path';
import { openDatabase, writeTransaction } from '../storage/sqlite.js';

export const TOKEN_SCOPES = Object.freeze(['deploy', 'read', 'secrets', 'admin']);

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL, workers TEXT, created INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS workers (name TEXT PRIMARY KEY, created INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS versions (
    id TEXT PRIMARY KEY, worker TEXT NOT NULL, number INTEGER NOT NULL, created INTEGER NOT NULL,
    message TEXT, config TEXT NOT NULL, bundle BLOB NOT NULL, UNIQUE (worker, number));
  CREATE TABLE IF NOT EXISTS deployments (
    id TEXT PRIMARY KEY, worker TEXT NOT NULL, created INTEGER NOT NULL, message TEXT,
    versions TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS deployments_by_worker ON deployments (worker, created);
  CREATE TABLE IF NOT EXISTS secrets (
    worker TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (worker, name));
`;

// Tokens are 32 random bytes: a plain SHA-256 is enough to store them (no dictionary to guess from).
export const hashToken = (token) => createHash('sha256').update(token).digest('hex');

export class ControlStore {
  constructor(dataDir) {
    this.file = path.join(path.resolve(dataDir), 'control.sqlite');
    this.db = openDatabase(this.file, (db) => db.exec(SCHEMA)).db;
  }

  // ---- tokens

  // A new token: { id, token } (the token itself is shown once and never stored).
  createToken({ name, scopes, workers = null }) {
    const id = randomUUID();
    const token = `opt_${randomBytes(32).toString('base64url')}`;
    this.db.prepare('INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, name, hashToken(token), JSON.stringify(scopes), workers ? JSON.stringify(workers) : null, Date.now());
    return { id, token };
  }

  // Stores a token given from outside (the server's environment) unless it is known already.
  adoptToken(token, { name, scopes }) {
    if (this.tokenByHash(hashToken(token))) return;
    this.db.prepare('INSERT INTO tokens VALUES (?, ?, ?, ?, NULL, ?)').run(randomUUID(), name, hashToken(token), JSON.stringify(scopes), Date.now());
  }

  tokenCount() {
    return this.db.prepare('SELECT count(*) AS n FROM tokens').get().n;
  }

  tokenByHash(hash) {
    const row = this.db.prepare('SELECT * FROM tokens WHERE hash = ?').get(hash);
    return row ? describeToken(row) : null;
  }

  tokens() {
    return this.db.prepare('SELECT * FROM tokens ORDER BY created').all().map(describeToken);
  }

  deleteToken(id) {
    return this.db.prepare('DELETE FROM tokens WHERE id = ?').run(id).changes > 0;
  }

  // ---- workers and versions

  workerNames() {
    return this.db.prepare('SELECT name FROM workers ORDER BY name').all().map((row) => row.name);
  }

  hasWorker(name) {
    return this.db.prepare('SELECT 1 FROM workers WHERE name = ?').get(name) !== undefined;
  }

  // Adds a version (the worker too if it is new): { id, number, created }.
  addVersion(worker, { config, bundle, message = null }) {
    return writeTransaction(this.db, () => {
      this.db.prepare('INSERT OR IGNORE INTO workers VALUES (?, ?)').run(worker, Date.now());
      const number = this.db.prepare('SELECT coalesce(max(number), 0) + 1 AS n FROM versions WHERE worker = ?').get(worker).n;
      const version = { id: randomUUID(), number, created: Date.now() };
      this.db.prepare('INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(version.id, worker, number, version.created, message, JSON.stringify(config), gzipSync(JSON.stringify(bundle)));
      return version;
    });
  }

  // Versions of a worker, newest first, without their bundles.
  versions(worker) {
    return this.db.prepare('SELECT id, worker, number, created, message FROM versions WHERE worker = ? ORDER BY number DESC').all(worker).map(describeVersion);
  }

  // One version with its config and bundle, or null.
  version(worker, id) {
    const row = this.db.prepare('SELECT * FROM versions WHERE worker = ? AND id = ?').get(worker, id);
    if (!row) return null;
    return { ...describeVersion(row), config: JSON.parse(row.config), bundle: JSON.parse(gunzipSync(row.bundle)) };
  }

  // The config of one version alone (no bundle to decompress), or null.
  versionConfig(worker, id) {
    const row = this.db.prepare('SELECT config FROM versions WHERE worker = ? AND id = ?').get(worker, id);
    return row ? JSON.parse(row.config) : null;
  }

  // ---- deployments

  // versions: [{ id, percentage }] adding up to 100.
  addDeployment(worker, versions, message = null) {
    const deployment = { id: randomUUID(), worker, created: Date.now(), message, versions };
    this.db.prepare('INSERT INTO deployments VALUES (?, ?, ?, ?, ?)').run(deployment.id, worker, deployment.created, message, JSON.stringify(versions));
    return deployment;
  }

  // Drops a deployment that never went live.
  deleteDeployment(id) {
    this.db.prepare('DELETE FROM deployments WHERE id = ?').run(id);
  }

  deployments(worker) {
    return this.db.prepare('SELECT * FROM deployments WHERE worker = ? ORDER BY created DESC, rowid DESC').all(worker).map(describeDeployment);
  }

  currentDeployment(worker) {
    const row = this.db.prepare('SELECT * FROM deployments WHERE worker = ? ORDER BY created DESC, rowid DESC LIMIT 1').get(worker);
    return row ? describeDeployment(row) : null;
  }

  deleteWorker(name) {
    return writeTransaction(this.db, () => {
      for (const table of ['versions', 'deployments', 'secrets']) this.db.prepare(`DELETE FROM ${table} WHERE worker = ?`).run(name);
      return this.db.prepare('DELETE FROM workers WHERE name = ?').run(name).changes > 0;
    });
  }

  // ---- secrets (values are ciphertext; the store never sees them in clear)

  putSecrets(worker, entries) {
    writeTransaction(this.db, () => {
      this.db.prepare('INSERT OR IGNORE INTO workers VALUES (?, ?)').run(worker, Date.now());
      const put = this.db.prepare('INSERT OR REPLACE INTO secrets VALUES (?, ?, ?)');
      for (const [name, sealed] of entries) put.run(worker, name, sealed);
    });
  }

  secretNames(worker) {
    return this.db.prepare('SELECT name FROM secrets WHERE worker = ? ORDER BY name').all(worker).map((row) => row.name);
  }

  sealedSecrets(worker) {
    return this.db.prepare('SELECT name, value FROM secrets WHERE worker = ?').all(worker);
  }

  deleteSecret(worker, name) {
    return this.db.prepare('DELETE FROM secrets WHERE worker = ? AND name = ?').run(worker, name).changes > 0;
  }
}

function describeToken(row) {
  return { id: row.id, name: row.name, hash: row.hash, scopes: JSON.parse(row.scopes), workers: row.workers ? JSON.parse(row.workers) : null, created: new Date(row.created).toISOString() };
}

function describeVersion(row) {
  return { id: row.id, worker: row.worker, number: row.number, created: new Date(row.created).toISOString(), message: row.message };
}

function describeDeployment(row) {
  return { id: row.id, worker: row.worker, created: new Date(row.created).toISOString(), message: row.message, versions: JSON.parse(row.versions) };
}
