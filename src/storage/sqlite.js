// What every embedded store shares: SQLite files opened once per process, in WAL mode so that
// several Outpost processes (a server and the CLI, or two servers) can use one state directory.
//
// Durability: a transaction is committed to the write-ahead log before the call that made it
// returns, so a process that is killed (kill -9) loses nothing it acknowledged. With
// synchronous=NORMAL the log is not fsynced on every commit: a power loss may drop the last
// transactions (SQLite's documented trade-off; the database itself stays consistent).
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const open = new Map();

// How long a writer waits for another process's write lock before failing with SQLITE_BUSY.
const BUSY_TIMEOUT_MS = 5000;
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

export class StoreError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'StoreError';
  }
}

// The database at `file`, opened once per process and kept open. `setup(db)` runs once, after
// the pragmas (create tables and prepare statements there). A file that is not a database, or is
// damaged, fails with an error naming it; nothing is changed in it.
export function openDatabase(file, setup = () => {}) {
  const resolved = path.resolve(file);
  let entry = open.get(resolved);
  // A database closed since (a bucket removed by the CLI) is opened afresh.
  if (!entry?.db.isOpen) {
    mkdirSync(path.dirname(resolved), { recursive: true });
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (;;) {
      let db;
      try {
        db = new DatabaseSync(resolved, { timeout: BUSY_TIMEOUT_MS });
        db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
        entry = { db, extra: setup(db) };
        break;
      } catch (err) {
        db?.close();
        // Two processes opening a new database at once: switching it to WAL takes a lock that
        // SQLite's busy handler does not wait for, so the loser tries again.
        if (/database is locked/.test(err.message) && Date.now() < deadline) {
          Atomics.wait(SLEEPER, 0, 0, 10);
          continue;
        }
        throw new StoreError(`Cannot open ${resolved}: ${err.message}. The file was left as it is; move it away to start empty.`, { cause: err });
      }
    }
    open.set(resolved, entry);
  }
  return entry;
}

// A function giving the store of a state directory (and more arguments: a database id, a
// bucket): `fileOf(...args)` names its database, `create(db, ...args)` builds the store around it
// once per process. Stores are looked up by their arguments before any path work, since storage
// bindings ask for theirs on every call.
export function storeOpener(fileOf, create) {
  const entries = new Map();
  return (...args) => {
    const key = args.length === 1 ? args[0] : args.join('\0');
    let entry = entries.get(key);
    if (!entry?.db.isOpen) {
      entry = openDatabase(fileOf(...args), (db) => create(db, ...args));
      entries.set(key, entry);
    }
    return entry.extra;
  };
}

// Runs `fn` in one write transaction (BEGIN IMMEDIATE: the write lock is taken at once, so two
// processes never deadlock upgrading read locks). Rolls back if `fn` throws.
export function writeTransaction(db, fn) {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

// Closes every database this process opened (tests and the CLI, before exiting).
export function closeAll() {
  for (const { db } of open.values()) {
    if (db.isOpen) db.close();
  }
  open.clear();
}
