// The embedded store behind Durable Object storage (ctx.storage): one SQLite database per object,
// <state dir>/do/<worker>/<class>/<id>.sqlite, opened once per process (src/storage/sqlite.js:
// WAL, busy timeout), and a shared index of alarms, <state dir>/do/alarms.sqlite, so that a server
// finds the alarms that are due after a restart.
//
// As in Workers (SQLite-backed objects, `new_sqlite_classes`):
//  - the key-value API keeps its data in a table of the object's own database, _cf_KV (key TEXT
//    PRIMARY KEY, value BLOB), created on first use. Keys sort by their UTF-8 bytes (SQLite's
//    BINARY collation compares the stored UTF-8); values are V8-serialized (structured clone,
//    with V8's header, as Workers writes them);
//  - the alarm lives in _cf_METADATA (key 1: milliseconds since the epoch), also created on use;
//  - the SQL API runs the worker's SQL against the same database, through an authorizer: no
//    ATTACH/DETACH (nor VACUUM), no temporary objects, no BEGIN/COMMIT/SAVEPOINT (the JavaScript
//    transaction APIs are the transactions), no name starting with _cf_, a fixed list of SQL
//    functions and of PRAGMAs, virtual tables only for FTS5; defensive mode;
//  - limits: strings, BLOBs and rows of at most 2,000,000 bytes (so a key and its serialized
//    value together), statements of 100,000 bytes, 100 bound parameters, 100 columns, 32 function
//    arguments, LIKE patterns of 50 bytes, 5 terms in a compound SELECT.
//
// Transactions: every mutating method joins the transaction open on the connection, or runs in a
// transaction of its own. The runtime (host-ops/durable-object-storage.js) opens one with begin()
// at the first write of a turn and commits it when the turn ends, which groups a turn's writes
// atomically; explicit transactions are savepoints inside it. A commit brings the shared alarm
// index up to date: an alarm moved earlier is indexed before the object's commit, one moved later
// or deleted after it, so the index is never later than the object's own record (a stale earlier
// entry is corrected when getAlarm() reads the object's record, as a scheduler does before it
// runs an alarm).
import v8 from 'node:v8';
import path from 'node:path';
import { openDatabase } from './sqlite.js';
import { parameters, sqliteDetail } from './d1-store.js';
import { ConnectionAuthorizer, numbersOf, positionalArgs, restrictConnection, sqlAuthorizer, SHARED_FUNCTIONS } from './sql-policy.js';

export const DO_LIMITS = Object.freeze({
  valueBytes: 2_000_000, // strings, BLOBs and rows: a key and its serialized value together
  statementBytes: 100_000,
  boundParameters: 100,
  columns: 100,
  functionArguments: 32,
  likePatternBytes: 50,
  compoundSelect: 5,
  keysPerCall: 128, // get([...]), put({...}), delete([...])
});

// Prepared statements kept per object, by SQL text; longer texts are not kept.
const STATEMENT_CACHE_SIZE = 128;
const CACHEABLE_SQL_LENGTH = 10_000;
// Object databases kept open at once: beyond this, the least recently used idle ones are closed.
const MAX_OPEN_OBJECTS = 256;

const NO_STATEMENT = 'SQL code did not contain a statement.';
const WRONG_BINDINGS = 'Wrong number of parameter bindings for SQL query.';
const MULTI_PARAMETERS = 'When executing multiple SQL statements in a single call, only the last statement can have parameters.';
const TRANSACTION_STATEMENT =
  'To execute a transaction, please use the state.storage.transaction() or state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements. The JavaScript API is safer because it will automatically roll back on exceptions, and because it interacts correctly with Durable Objects\' automatic atomic write coalescing.';
export const DELETE_ALL_IN_TRANSACTION = 'Cannot call deleteAll() within a transaction';
const NESTED_ROLLBACK = 'Cannot roll back an outer transaction while a nested transaction is still running.';

// ---- what the authorizer lets through ----

// The Workers SQLite rules (sql-policy.js), with the SQL functions Durable Objects offer: the
// shared ones and more of SQLite's (if, unistr, median and percentiles, JSONB, fts5()). A
// statement that writes (as PRAGMA optimize does, with an argument or not), or a PRAGMA given an
// argument, writes; PRAGMA foreign_keys is noted apart (see exec()), and so is an attempt at a
// transaction in SQL (see #prepare).
const allowed = sqlAuthorizer({
  functions: [
    ...SHARED_FUNCTIONS,
    'if', 'unistr', 'unistr_quote',
    'median', 'percentile', 'percentile_cont', 'percentile_disc',
    'jsonb', 'jsonb_array', 'json_error_position', 'jsonb_extract', 'jsonb_insert', 'jsonb_object', 'jsonb_patch',
    'json_pretty', 'jsonb_remove', 'jsonb_replace', 'jsonb_set', 'jsonb_group_array', 'jsonb_group_object',
    'fts5', 'fts5_source_id',
  ],
  optionalNumber: /^(-?\d+|0x[0-9a-f]+)$/i,
  onWrite(context) {
    context.writes = true;
  },
  onPragma(context, name, given) {
    if (!given && name !== 'optimize') return;
    if (name === 'foreign_keys') context.foreignKeys = true;
    else context.writes = true;
  },
  onTransaction(context) {
    context.transaction = true;
  },
});

const isSpace = (c) => c === 32 || (c >= 9 && c <= 13);
function skipSpaces(sql, i) {
  while (i < sql.length && isSpace(sql.charCodeAt(i))) i += 1;
  return i;
}

// ---- values ----

function serialize(value) {
  const serializer = new v8.Serializer();
  serializer.writeHeader();
  serializer.writeValue(value);
  return serializer.releaseBuffer();
}

function deserialize(bytes) {
  const deserializer = new v8.Deserializer(bytes);
  deserializer.readHeader();
  return deserializer.readValue();
}

// A value as the key-value API stores it: its structured clone, serialized.
export function serializeValue(value) {
  try {
    return serialize(value);
  } catch (err) {
    throw new DOMException(String(err?.message ?? err), 'DataCloneError');
  }
}

export const deserializeValue = deserialize;

// A bound SQL value as SQLite gets it: numbers are REALs (SQLite gives INTEGER columns integers),
// strings TEXT, bytes BLOBs, null NULL.
function bindable(value) {
  if (value === null || typeof value === 'number' || typeof value === 'string' || value instanceof Uint8Array) return value;
  throw new TypeError('Invalid SQL binding value.');
}

// A SQLite failure as Workers reports it: "<SQLite's message>[ at offset N]: SQLITE_<code>".
function sqlError(err, text = null) {
  if (err?.code === 'ERR_INVALID_ARG_VALUE' && /no statements/.test(err.message)) return new SqlError(NO_STATEMENT);
  if (err?.name === 'SqlError' || (typeof err?.errcode !== 'number' && (err instanceof TypeError || err instanceof RangeError))) return err;
  let message = sqliteDetail(err);
  // A syntax error names the token it stopped at: its offset is given when the token is found
  // only once in the statement.
  const near = text !== null && /^near "([^"]*)": syntax error: /.exec(message);
  if (near && near[1] !== '') {
    const at = text.indexOf(near[1]);
    if (at >= 0 && text.indexOf(near[1], at + 1) < 0) {
      message = message.replace(': syntax error: ', `: syntax error at offset ${Buffer.byteLength(text.slice(0, at))}: `);
    }
  }
  return new SqlError(message);
}

// Errors of the SQL API and of the store cross to the isolate as plain Errors.
export class SqlError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SqlError';
  }
}

// ---- files ----

// A worker, class or id as a path segment: plain names as they are, anything else escaped (so
// that no name can reach outside its directory); the empty name is "%".
export function pathSegment(name) {
  const text = String(name);
  if (text === '') return '%';
  if (/^[A-Za-z0-9_$-][A-Za-z0-9._$-]{0,199}$/.test(text)) return text;
  return encodeURIComponent(text).replace(/[!'()*.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).slice(0, 240);
}

export const doDirectory = (stateDir) => path.join(path.resolve(stateDir), 'do');

export function objectFile(stateDir, workerName, className, id) {
  return path.join(doDirectory(stateDir), pathSegment(workerName), pathSegment(className), `${pathSegment(id)}.sqlite`);
}

// ---- the alarm index ----

const ALARM_SCHEMA = `
CREATE TABLE IF NOT EXISTS alarms (
  worker TEXT NOT NULL,
  class TEXT NOT NULL,
  id TEXT NOT NULL,
  time INTEGER NOT NULL, -- ms since the epoch
  PRIMARY KEY (worker, class, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alarms_by_time ON alarms (worker, time);
`;

class AlarmIndex {
  constructor(db) {
    this.db = db;
    db.exec(ALARM_SCHEMA);
    this.statements = {
      get: db.prepare('SELECT time FROM alarms WHERE worker = ? AND class = ? AND id = ?'),
      set: db.prepare('INSERT OR REPLACE INTO alarms (worker, class, id, time) VALUES (?, ?, ?, ?)'),
      delete: db.prepare('DELETE FROM alarms WHERE worker = ? AND class = ? AND id = ?'),
      due: db.prepare('SELECT class, id, time FROM alarms WHERE worker = ? AND time <= ? ORDER BY time, class, id'),
      earliest: db.prepare('SELECT min(time) AS time FROM alarms WHERE worker = ?'),
      renameClass: db.prepare('UPDATE OR REPLACE alarms SET class = ? WHERE worker = ? AND class = ?'),
      deleteClass: db.prepare('DELETE FROM alarms WHERE worker = ? AND class = ?'),
    };
  }

  get(worker, className, id) {
    return this.statements.get.get(worker, className, id)?.time ?? null;
  }

  set(worker, className, id, time) {
    if (time === null) this.statements.delete.run(worker, className, id);
    else this.statements.set.run(worker, className, id, time);
  }

  due(worker, untilMs) {
    return this.statements.due.all(worker, untilMs).map(({ class: className, id, time }) => ({ className, id, time }));
  }

  earliest(worker) {
    return this.statements.earliest.get(worker)?.time ?? null;
  }
}

const alarmIndexes = new Map();
function alarmIndex(stateDir) {
  const key = path.resolve(stateDir);
  let index = alarmIndexes.get(key);
  if (!index?.db.isOpen) {
    index = openDatabase(path.join(doDirectory(stateDir), 'alarms.sqlite'), (db) => new AlarmIndex(db)).extra;
    alarmIndexes.set(key, index);
  }
  return index;
}

// Listeners told of every committed change of an object's alarm (the alarm scheduler).
const alarmListeners = new Set();

// `listener({ stateDir, workerName, className, id, time })` after each committed change of an
// alarm (time: ms since the epoch, or null when deleted). Returns a function that unsubscribes.
export function onAlarmChange(listener) {
  alarmListeners.add(listener);
  return () => alarmListeners.delete(listener);
}

// ---- one object's database ----

export class ObjectStorage {
  #db;
  #auth = new ConnectionAuthorizer(allowed); // the authorizer, and what it learns of a worker's statement
  #cache = new Map();
  #internal = new Map(); // internal statements, by SQL text
  #hasKv; // whether _cf_KV exists (undefined: not known)
  #hasMeta; // whether _cf_METADATA exists
  #savepoints = 0; // depth of the explicit transactions (savepoints) open
  #committedAlarm; // the alarm as committed (and indexed)

  constructor(db, identity) {
    this.#db = db;
    this.identity = identity; // { stateDir, workerName, className, id, file }
    this.lastUsed = 0;
    // Who opened the open transaction (the runtime's isolate host): a transaction of an owner
    // that has died (`owner.dead`) is rolled back before anyone else uses the object.
    this.owner = null;
    restrictConnection(db, DO_LIMITS, this.#auth);
    this.#auth.trusted(() => db.exec('PRAGMA foreign_keys = ON'));
    this.#committedAlarm = this.#readAlarm();
  }

  get isOpen() {
    return this.#db.isOpen;
  }

  close() {
    if (this.#db.isOpen) this.#db.close();
  }

  // ---- internal statements ----

  // An internal statement (prepared and run with this module's own rights).
  #run(sql, method, ...args) {
    return this.#auth.trusted(() => {
      let stmt = this.#internal.get(sql);
      if (!stmt) {
        stmt = this.#db.prepare(sql);
        this.#internal.set(sql, stmt);
      }
      return stmt[method](...args);
    });
  }

  #exec(sql) {
    this.#auth.trusted(() => this.#db.exec(sql));
  }

  // ---- transactions ----

  get inTransaction() {
    return this.#db.isTransaction;
  }

  // The depth of explicit transactions (savepoints) open.
  get depth() {
    return this.#savepoints;
  }

  // Opens the transaction later operations join (until commit() or rollback()); true when it was
  // not open yet.
  begin() {
    if (this.#db.isTransaction) return false;
    this.#exec('BEGIN IMMEDIATE');
    this.#savepoints = 0;
    return true;
  }

  // Commits the open transaction (unless explicit transactions are still open in it), then
  // brings the alarm index up to date. A failed commit rolls back and throws.
  commit() {
    if (!this.#db.isTransaction || this.#savepoints > 0) return;
    const alarm = this.#readAlarm();
    const before = this.#committedAlarm;
    if (alarm !== before && alarm !== null && (before === null || alarm < before)) this.#indexAlarm(alarm);
    try {
      this.#exec('COMMIT');
    } catch (err) {
      this.rollback();
      throw sqlError(err);
    }
    this.owner = null;
    this.#alarmCommitted(alarm);
  }

  // Abandons the open transaction and everything written in it.
  rollback() {
    if (this.#db.isTransaction) this.#exec('ROLLBACK');
    this.#savepoints = 0;
    this.owner = null;
    this.#forgetTables();
  }

  // Rolls back a transaction its owner left behind when it died.
  reclaim() {
    if (this.owner?.dead && this.#db.isTransaction) this.rollback();
  }

  // Opens an explicit transaction (a savepoint in the open transaction, which is opened if need
  // be); returns its depth (1 for the outermost).
  savepoint() {
    this.begin();
    const depth = this.#savepoints + 1;
    this.#exec(`SAVEPOINT _cf_savepoint_${depth}`);
    this.#savepoints = depth;
    return depth;
  }

  // Ends explicit transaction `depth` keeping its writes (in the enclosing transaction). Ends
  // the transactions nested in it too; does nothing if it has ended already.
  release(depth) {
    if (!Number.isInteger(depth) || depth < 1 || depth > this.#savepoints) return;
    this.#exec(`RELEASE _cf_savepoint_${depth}`);
    this.#savepoints = depth - 1;
  }

  // Ends explicit transaction `depth` undoing its writes. A transaction nested in it that is
  // still open is an error (rollback() called on an outer transaction) unless `force` (the
  // closure threw: everything in it is undone).
  rollbackTo(depth, { force = false } = {}) {
    if (!Number.isInteger(depth) || depth < 1 || depth > this.#savepoints) return;
    if (depth < this.#savepoints && !force) throw new SqlError(NESTED_ROLLBACK);
    this.#exec(`ROLLBACK TO _cf_savepoint_${depth}`);
    this.#exec(`RELEASE _cf_savepoint_${depth}`);
    this.#savepoints = depth - 1;
    this.#forgetTables();
  }

  // Runs `fn` atomically: in the open transaction (in a savepoint of its own, undone if `fn`
  // throws), or in a transaction of its own (committed when `fn` returns, rolled back if it
  // throws).
  #write(fn) {
    if (this.#db.isTransaction) {
      this.#exec('SAVEPOINT _cf_operation');
      let result;
      try {
        result = fn();
      } catch (err) {
        this.#exec('ROLLBACK TO _cf_operation');
        this.#exec('RELEASE _cf_operation');
        this.#forgetTables();
        throw err;
      }
      this.#exec('RELEASE _cf_operation');
      return result;
    }
    this.begin();
    let result;
    try {
      result = fn();
    } catch (err) {
      this.rollback();
      throw err;
    }
    this.commit();
    return result;
  }

  // ---- internal tables ----

  #forgetTables() {
    this.#hasKv = undefined;
    this.#hasMeta = undefined;
  }

  #tableExists(name) {
    return this.#run('SELECT 1 FROM sqlite_schema WHERE type = \'table\' AND name = ?', 'get', name) !== undefined;
  }

  #kvExists() {
    this.#hasKv ??= this.#tableExists('_cf_KV');
    return this.#hasKv;
  }

  #ensureKv() {
    if (this.#kvExists()) return;
    this.#exec('CREATE TABLE IF NOT EXISTS _cf_KV (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID');
    this.#hasKv = true;
  }

  #metaExists() {
    this.#hasMeta ??= this.#tableExists('_cf_METADATA');
    return this.#hasMeta;
  }

  #ensureMeta() {
    if (this.#metaExists()) return;
    this.#exec('CREATE TABLE IF NOT EXISTS _cf_METADATA (key INTEGER PRIMARY KEY, value BLOB)');
    this.#hasMeta = true;
  }

  // ---- the key-value API ----
  // Keys are strings; values any structured-cloneable value. Sizes are SQLite's to enforce.

  #storeFailure(err) {
    if (err instanceof DOMException || err instanceof TypeError || err instanceof RangeError || err?.name === 'SqlError') return err;
    return sqlError(err);
  }

  // The value stored under `key`, or undefined.
  get(key) {
    if (!this.#kvExists()) return undefined;
    const row = this.#run('SELECT value FROM _cf_KV WHERE key = ?', 'get', key);
    return row === undefined ? undefined : deserialize(row.value);
  }

  // [[key, value], ...] for the keys that exist, in key order (UTF-8 bytes), each once.
  getMany(keys) {
    if (!this.#kvExists()) return [];
    const found = new Map();
    for (const key of keys) {
      if (found.has(key)) continue;
      const row = this.#run('SELECT value FROM _cf_KV WHERE key = ?', 'get', key);
      if (row !== undefined) found.set(key, row.value);
    }
    return [...found].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map(([key, bytes]) => [key, deserialize(bytes)]);
  }

  put(key, value) {
    this.putSerialized([[key, serializeValue(value)]]);
  }

  // entries: [[key, value], ...]; all are stored or none.
  putMany(entries) {
    this.putSerialized(entries.map(([key, value]) => [key, serializeValue(value)]));
  }

  // entries: [[key, serialized value], ...].
  putSerialized(entries) {
    try {
      this.#write(() => {
        this.#ensureKv();
        for (const [key, bytes] of entries) this.#run('INSERT OR REPLACE INTO _cf_KV (key, value) VALUES (?, ?)', 'run', key, bytes);
      });
    } catch (err) {
      throw this.#storeFailure(err);
    }
  }

  // True when the key existed.
  delete(key) {
    return this.deleteMany([key]) > 0;
  }

  // How many of the keys existed.
  deleteMany(keys) {
    if (!this.#kvExists()) return 0;
    return this.#write(() => {
      let count = 0;
      for (const key of keys) count += Number(this.#run('DELETE FROM _cf_KV WHERE key = ?', 'run', key).changes);
      return count;
    });
  }

  // [[key, value], ...] in key order (reversed with `reverse`): keys from `start` (inclusive) or
  // after `startAfter`, before `end`, beginning with `prefix`; at most `limit` of them.
  list({ start, startAfter, end, prefix, reverse = false, limit } = {}) {
    if (!this.#kvExists()) return [];
    const where = [];
    const args = [];
    if (typeof start === 'string') {
      where.push('key >= ?');
      args.push(start);
    }
    if (typeof startAfter === 'string') {
      where.push('key > ?');
      args.push(startAfter);
    }
    if (typeof end === 'string') {
      where.push('key < ?');
      args.push(end);
    }
    if (typeof prefix === 'string' && prefix !== '') {
      // Every key with the prefix sorts from the prefix to before the prefix followed by the
      // byte 0xF5, which no UTF-8 text contains.
      where.push("key >= ? AND key < (? || CAST(x'F5' AS TEXT))");
      args.push(prefix, prefix);
    }
    let sql = `SELECT key, value FROM _cf_KV${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY key${reverse ? ' DESC' : ''}`;
    if (limit !== undefined && limit !== null) {
      sql += ' LIMIT ?';
      args.push(limit);
    }
    return this.#run(sql, 'all', ...args).map(({ key, value }) => [key, deserialize(value)]);
  }

  // ---- alarms ----

  #readAlarm() {
    if (!this.#metaExists()) return null;
    const row = this.#run('SELECT value FROM _cf_METADATA WHERE key = 1', 'get');
    return row === undefined || row.value === null ? null : Number(row.value);
  }

  // The alarm time (ms since the epoch) or null, as this connection sees it.
  getAlarm() {
    return this.#readAlarm();
  }

  // Sets (time: ms since the epoch) or deletes (null) the alarm.
  setAlarm(time) {
    if (time !== null && !Number.isSafeInteger(time)) throw new TypeError('Invalid alarm time.');
    this.#write(() => {
      if (time === null) {
        if (this.#metaExists()) this.#run('DELETE FROM _cf_METADATA WHERE key = 1', 'run');
        return;
      }
      this.#ensureMeta();
      this.#run('INSERT OR REPLACE INTO _cf_METADATA (key, value) VALUES (1, ?)', 'run', time);
    });
  }

  #indexAlarm(time) {
    const { stateDir, workerName, className, id } = this.identity;
    alarmIndex(stateDir).set(workerName, className, id, time);
  }

  // After a commit: the index holds the committed alarm, and listeners hear of a change.
  #alarmCommitted(alarm) {
    const before = this.#committedAlarm;
    this.#committedAlarm = alarm;
    this.syncAlarmIndex();
    if (alarm === before) return;
    const { stateDir, workerName, className, id } = this.identity;
    for (const listener of alarmListeners) {
      try {
        listener({ stateDir, workerName, className, id, time: alarm });
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  // Writes the committed alarm to the shared index if the index says otherwise.
  syncAlarmIndex() {
    const { stateDir, workerName, className, id } = this.identity;
    const index = alarmIndex(stateDir);
    if (index.get(workerName, className, id) !== this.#committedAlarm) index.set(workerName, className, id, this.#committedAlarm);
  }

  // The alarm as last committed (what the index holds).
  get committedAlarm() {
    return this.#committedAlarm;
  }

  // ---- everything ----

  // Deletes everything the object stores: its tables, views, indexes and triggers, its key-value
  // data and (with `deleteAlarm`) its alarm, atomically. Not within an explicit transaction.
  deleteAll({ deleteAlarm = true } = {}) {
    if (this.#savepoints > 0) throw new SqlError(DELETE_ALL_IN_TRANSACTION);
    this.#write(() => {
      const alarm = deleteAlarm ? null : this.#readAlarm();
      this.#exec('PRAGMA defer_foreign_keys = ON');
      const objects = () => this.#run(`SELECT type, name, sql FROM sqlite_schema
        WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND type IN ('table', 'view', 'trigger')
        ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 ELSE 2 END,
          CASE WHEN sql LIKE 'CREATE VIRTUAL TABLE%' THEN 0 ELSE 1 END`, 'all');
      // Dropping a virtual table drops its shadow tables: the list is read again after each.
      for (let batch = objects(); batch.length > 0; batch = objects()) {
        const { type, name } = batch[0];
        this.#exec(`DROP ${type.toUpperCase()} IF EXISTS "${name.replaceAll('"', '""')}"`);
      }
      if (this.#tableExists('sqlite_sequence')) this.#exec('DELETE FROM sqlite_sequence');
      for (const stat of ['sqlite_stat1', 'sqlite_stat4']) {
        if (this.#tableExists(stat)) this.#exec(`DROP TABLE ${stat}`);
      }
      this.#forgetTables();
      if (alarm !== null) {
        this.#ensureMeta();
        this.#run('INSERT OR REPLACE INTO _cf_METADATA (key, value) VALUES (1, ?)', 'run', alarm);
      }
    });
    this.#cache.clear();
  }

  // ---- the SQL API ----

  // The database's size in bytes (its pages in use).
  databaseSize() {
    const row = this.#run('SELECT (SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count) AS pages, (SELECT page_size FROM pragma_page_size) AS size', 'get');
    return Number(row.pages) * Number(row.size);
  }

  // Prepares the first statement of `text` as a worker's: { stmt, length (of the statement in
  // `text`), writes, foreignKeys, params }.
  #prepare(text) {
    const context = { writes: false, foreignKeys: false, transaction: false };
    this.#auth.context = context;
    let stmt;
    try {
      stmt = this.#db.prepare(text);
    } catch (err) {
      if (context.transaction) throw new SqlError(TRANSACTION_STATEMENT);
      throw sqlError(err, text);
    } finally {
      this.#auth.context = null;
    }
    stmt.setReadBigInts(true);
    stmt.setReturnArrays(true);
    const source = stmt.sourceSQL;
    return { stmt, length: source.length, writes: context.writes, foreignKeys: context.foreignKeys, params: parameters(source) };
  }

  #cached(sql) {
    const entry = this.#cache.get(sql);
    if (!entry) return null;
    this.#cache.delete(sql);
    this.#cache.set(sql, entry);
    return entry;
  }

  #remember(sql, entry) {
    if (sql.length > CACHEABLE_SQL_LENGTH) return;
    this.#cache.set(sql, entry);
    if (this.#cache.size > STATEMENT_CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value);
  }

  // Runs prepared `entry` with positional `values`: { columns, rows, rowsRead, rowsWritten }.
  // `onWrite()` is called before a statement that writes.
  #execute(entry, values, onWrite) {
    const { stmt, params } = entry;
    if (values.length !== params.count) throw new SqlError(WRONG_BINDINGS);
    if (entry.writes) onWrite();
    const before = this.#totalChanges();
    let rows;
    try {
      rows = stmt.all(...positionalArgs(values.map(bindable), params.named));
    } catch (err) {
      if (err?.errcode === 25) throw new SqlError(WRONG_BINDINGS); // SQLITE_RANGE
      if (err?.errcode === 23 && /^not authorized/.test(err.message) && /^\s*(begin|commit|end|rollback|savepoint|release)\b/i.test(stmt.sourceSQL)) {
        throw new SqlError(TRANSACTION_STATEMENT);
      }
      throw sqlError(err);
    }
    const written = this.#totalChanges() - before;
    const columns = stmt.columns().map((column) => column.name);
    return { columns, rows: numbersOf(rows), rowsRead: rows.length || written, rowsWritten: written };
  }

  #totalChanges() {
    return Number(this.#run('SELECT total_changes() AS n', 'get').n);
  }

  // A worker's sql.exec(query, ...bindings): every statement of `query` in turn (only the last
  // may have parameters, and its rows are the result): { columns, rows (arrays; integers as
  // numbers, BLOBs as Uint8Array), rowsRead, rowsWritten }. `onWrite()` is called before each
  // statement that writes (the runtime opens the turn's transaction there); without it, a
  // statement that writes outside a transaction commits on its own.
  exec(query, bindings = [], onWrite = () => {}) {
    if (typeof query !== 'string') throw new TypeError('SQL query must be a string.');
    let entry = this.#cached(query);
    if (entry) return this.#execute(entry, bindings, onWrite);
    let offset = 0;
    let rowsRead = 0;
    let rowsWritten = 0;
    for (;;) {
      const text = offset === 0 ? query : query.slice(offset);
      if (text.length === 0) throw new SqlError(NO_STATEMENT);
      entry = this.#prepare(text);
      if (entry.foreignKeys && this.#db.isTransaction && this.#savepoints === 0) {
        // PRAGMA foreign_keys does nothing inside a transaction (SQLite decides so when the
        // statement is compiled): the writes before it are committed first, as they are in
        // Workers by the time such a statement runs, and it is compiled again.
        this.commit();
        entry = this.#prepare(text);
      }
      const next = skipSpaces(text, entry.length);
      if (next >= text.length) {
        if (offset === 0 && !entry.foreignKeys) this.#remember(query, entry);
        const result = this.#execute(entry, bindings, onWrite);
        result.rowsRead += rowsRead;
        result.rowsWritten += rowsWritten;
        return result;
      }
      if (entry.params.count > 0) throw new SqlError(MULTI_PARAMETERS);
      const result = this.#execute(entry, [], onWrite);
      rowsRead += result.rowsRead;
      rowsWritten += result.rowsWritten;
      offset += next;
    }
  }
}

// ---- opening ----

const stores = new Map(); // file -> ObjectStorage
const byIdentity = new Map(); // "<stateDir>\0<worker>\0<class>\0<id>" -> ObjectStorage (a shortcut)

function closeIdle() {
  if (stores.size <= MAX_OPEN_OBJECTS) return;
  const idle = [...stores.entries()].filter(([, store]) => !store.isOpen || !store.inTransaction).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
  for (const [file, store] of idle.slice(0, stores.size - MAX_OPEN_OBJECTS)) {
    store.close();
    stores.delete(file);
  }
  for (const [key, store] of byIdentity) {
    if (!store.isOpen) byIdentity.delete(key);
  }
}

// The storage of object `id` of class `className` of worker `workerName` (created when it does
// not exist), opened once per process. Throws a StoreError when the file cannot be opened.
export function openObjectStorage(stateDir, workerName, className, id) {
  const key = `${stateDir}\0${workerName}\0${className}\0${id}`;
  let store = byIdentity.get(key);
  if (store?.isOpen) {
    store.lastUsed = performance.now();
    return store;
  }
  const file = objectFile(stateDir, workerName, className, id);
  store = stores.get(file);
  if (!store?.isOpen) {
    const identity = { stateDir: path.resolve(stateDir), workerName: String(workerName), className: String(className), id: String(id), file };
    store = openDatabase(file, (db) => new ObjectStorage(db, identity)).extra;
    stores.set(file, store);
    closeIdle();
  }
  byIdentity.set(key, store);
  store.lastUsed = performance.now();
  return store;
}

// The same, for the functions below (used outside the runtime's turns).
function objectStorage(stateDir, workerName, className, id) {
  const store = openObjectStorage(stateDir, workerName, className, id);
  store.reclaim();
  return store;
}

// ---- what the alarm scheduler calls ----

// Sets (timeMs: ms since the epoch) or deletes (null) the alarm of an object, committed at once
// (or with the transaction open on the object, if any).
export function setAlarm(stateDir, workerName, className, id, timeMs) {
  objectStorage(stateDir, workerName, className, id).setAlarm(timeMs === null ? null : Math.trunc(Number(timeMs)));
}

// The object's alarm (ms since the epoch) or null, read from the object's own database; the
// index is corrected when it says otherwise (a stale entry left by a crash).
export function getAlarm(stateDir, workerName, className, id) {
  const store = objectStorage(stateDir, workerName, className, id);
  if (!store.inTransaction) store.syncAlarmIndex();
  return store.committedAlarm;
}

// Deletes the object's alarm if it is still `timeMs` (after its alarm() handler succeeded: an
// alarm the handler set again stays). True when it was deleted.
export function deleteAlarmIf(stateDir, workerName, className, id, timeMs) {
  const store = objectStorage(stateDir, workerName, className, id);
  if (store.getAlarm() !== timeMs) return false;
  store.setAlarm(null);
  return true;
}

// The alarms of `workerName`'s objects due by `untilMs`, from the index, earliest first:
// [{ className, id, time }]. Check each with getAlarm() before running it.
export function nextAlarms(stateDir, workerName, untilMs) {
  return alarmIndex(stateDir).due(String(workerName), untilMs);
}

// The earliest alarm of `workerName`'s objects (ms since the epoch), or null.
export function earliestAlarm(stateDir, workerName) {
  return alarmIndex(stateDir).earliest(String(workerName));
}

// Deletes everything the object stores (deleteAll()): SQL data and key-value data, atomically;
// its alarm too unless `deleteAlarm` is false (Workers keeps it for compatibility dates before
// 2026-02-24).
export function deleteAllStorage(stateDir, workerName, className, id, { deleteAlarm = true } = {}) {
  objectStorage(stateDir, workerName, className, id).deleteAll({ deleteAlarm });
}

// For migrations: the alarms of class `from`'s objects become those of class `to` (a renamed
// class), or (to: null) are forgotten (a deleted class). Close the class's objects first.
export function moveClassAlarms(stateDir, workerName, from, to) {
  const index = alarmIndex(stateDir);
  if (to === null) index.statements.deleteClass.run(String(workerName), String(from));
  else index.statements.renameClass.run(String(to), String(workerName), String(from));
}

// Closes every object database this process opened (tests, and before migrations move files).
export function closeObjectStorages() {
  for (const store of stores.values()) store.close();
  stores.clear();
  byIdentity.clear();
}
