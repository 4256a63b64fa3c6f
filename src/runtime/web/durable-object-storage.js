// ctx.storage of a Durable Object, as Workers has it for SQLite-backed objects:
// DurableObjectStorage (the asynchronous key-value API, transactions, alarms, deleteAll, sync),
// its `kv` (the synchronous key-value API) and `sql` (SqlStorage, whose exec() gives a
// SqlStorageCursor). Every operation is a synchronous host call against the object's own
// database, so the promises of the asynchronous API are settled at once; the host groups the
// writes of a turn in one transaction, committed when the turn ends (write coalescing, and the
// output gate's guarantee that a write is stored before the response that follows it leaves).
//
// Values are structured-cloned (a value that cannot be cloned fails with a DataCloneError and
// nothing is stored); keys are strings, ordered by their UTF-8 bytes.
import { hostCall, asDataCloneError } from './internal/bridge.js';

const kCreate = Symbol('create');
const kEnd = Symbol('end');
const MAX_KEYS = 128;

const PUT_SHAPES = 'put() may only be called with a single key-value pair and optional options as put(key, value, options) or with multiple key-value pairs and optional options as put(entries, options)';

function call(op, a, b, c, d) {
  try {
    return hostCall(op, a, b, c, d);
  } catch (err) {
    throw asDataCloneError(err);
  }
}

// A key as Workers reads it: strings as they are, other values converted to strings.
function keyOf(method, value) {
  if (typeof value === 'string') return value;
  if (value === undefined || typeof value === 'symbol') {
    throw new TypeError(`Failed to execute '${method}' on 'DurableObjectStorage': parameter 1 is not of type 'string'.`);
  }
  return String(value);
}

function keysOf(method, list) {
  const keys = Array.from(list, (key) => keyOf(method, key));
  checkCount(keys.length);
  return keys;
}

function checkCount(count) {
  if (count > MAX_KEYS) throw new RangeError(`Maximum number of key value pairs is ${MAX_KEYS}. ${count} pairs were provided.`);
}

function checkOptions(method, options) {
  if (options !== undefined && options !== null && typeof options !== 'object') {
    throw new TypeError(`Failed to execute '${method}' on 'DurableObjectStorage': options must be an object.`);
  }
}

// list()'s options as the host takes them: [start, startAfter, end, prefix, reverse, limit].
function listOptions(options) {
  checkOptions('list', options);
  const given = options ?? {};
  const text = (value) => (value === undefined || value === null ? null : String(value));
  const start = text(given.start);
  const startAfter = text(given.startAfter);
  if (start !== null && startAfter !== null) throw new TypeError('list() cannot be called with both start and startAfter values.');
  let limit = null;
  if (given.limit !== undefined && given.limit !== null) {
    const asked = Math.floor(Number(given.limit));
    if (!(asked > 0)) throw new TypeError('List limit must be positive.');
    limit = Math.min(asked, Number.MAX_SAFE_INTEGER);
  }
  return [start, startAfter, text(given.end), text(given.prefix), Boolean(given.reverse), limit];
}

// setAlarm()'s time in ms since the epoch.
function alarmTime(scheduledTime) {
  let time;
  if (scheduledTime instanceof Date) time = scheduledTime.getTime();
  else if (typeof scheduledTime === 'number') time = scheduledTime;
  else throw new TypeError("Failed to execute 'setAlarm' on 'DurableObjectStorage': parameter 1 is not of type 'Date or number'.");
  if (!(time > 0)) throw new TypeError('setAlarm() cannot be called with an alarm time <= 0');
  return time;
}

// ---- the operations, shared by the storage and its transactions ----

class Operations {
  constructor(handle, options) {
    this.handle = handle;
    this.canSetAlarm = typeof options?.canSetAlarm === 'function' ? options.canSetAlarm : null;
    this.blockConcurrencyWhile = typeof options?.blockConcurrencyWhile === 'function' ? options.blockConcurrencyWhile : null;
  }

  get(keyOrKeys, options) {
    checkOptions('get', options);
    if (Array.isArray(keyOrKeys)) return new Map(call('dosGetMany', this.handle, keysOf('get', keyOrKeys)));
    const found = call('dosGet', this.handle, keyOf('get', keyOrKeys));
    return found === null ? undefined : found[0];
  }

  put(keyOrEntries, value, options) {
    if (keyOrEntries !== null && typeof keyOrEntries === 'object') {
      if (value !== undefined && value !== null && typeof value !== 'object') throw new TypeError(PUT_SHAPES);
      // Entries whose value is undefined are left out, as Workers does.
      const entries = Object.entries(keyOrEntries).filter(([, entry]) => entry !== undefined);
      checkCount(entries.length);
      if (entries.length > 0) call('dosPutMany', this.handle, entries);
      return;
    }
    checkOptions('put', options);
    const key = keyOf('put', keyOrEntries);
    if (value === undefined) throw new TypeError('put() called with undefined value.');
    call('dosPut', this.handle, key, value);
  }

  delete(keyOrKeys, options) {
    checkOptions('delete', options);
    if (Array.isArray(keyOrKeys)) return call('dosDeleteMany', this.handle, keysOf('delete', keyOrKeys));
    return call('dosDelete', this.handle, keyOf('delete', keyOrKeys));
  }

  list(options) {
    return new Map(call('dosList', this.handle, listOptions(options)));
  }

  getAlarm(options) {
    checkOptions('getAlarm', options);
    return call('dosGetAlarm', this.handle);
  }

  setAlarm(scheduledTime, options) {
    checkOptions('setAlarm', options);
    const time = alarmTime(scheduledTime);
    if (this.canSetAlarm && !this.canSetAlarm()) {
      throw new TypeError('Your Durable Object class must have an alarm() handler in order to call setAlarm()');
    }
    call('dosSetAlarm', this.handle, time);
  }

  deleteAlarm(options) {
    checkOptions('deleteAlarm', options);
    call('dosSetAlarm', this.handle, null);
  }
}

// A promise settled by `fn`'s outcome (the asynchronous API never throws synchronously).
function settle(fn) {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}

// ---- DurableObjectStorage ----

export class DurableObjectStorage {
  #ops;
  #sql = null;
  #kv = null;

  constructor(token, handle, options) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#ops = new Operations(handle, options);
  }

  get(keyOrKeys, options = undefined) {
    return settle(() => this.#ops.get(keyOrKeys, options));
  }

  put(keyOrEntries, value = undefined, options = undefined) {
    return settle(() => this.#ops.put(keyOrEntries, value, options));
  }

  delete(keyOrKeys, options = undefined) {
    return settle(() => this.#ops.delete(keyOrKeys, options));
  }

  list(options = undefined) {
    return settle(() => this.#ops.list(options));
  }

  // Everything the object stores: its SQL tables and its key-value data, atomically (and its
  // alarm).
  deleteAll(options = undefined) {
    return settle(() => {
      checkOptions('deleteAll', options);
      call('dosDeleteAll', this.#ops.handle);
    });
  }

  getAlarm(options = undefined) {
    return settle(() => this.#ops.getAlarm(options));
  }

  setAlarm(scheduledTime, options = undefined) {
    return settle(() => this.#ops.setAlarm(scheduledTime, options));
  }

  deleteAlarm(options = undefined) {
    return settle(() => this.#ops.deleteAlarm(options));
  }

  // Resolves once what was written so far is stored.
  sync() {
    return settle(() => {
      call('dosSync', this.#ops.handle);
    });
  }

  // Runs `closure(txn)` in a transaction: committed when its promise resolves, rolled back when
  // it rejects (or when txn.rollback() is called). Operations on the storage itself (and SQL)
  // during the closure are part of the transaction, as with SQLite-backed objects in Workers.
  transaction(closure, options = undefined) {
    return settle(async () => {
      if (typeof closure !== 'function') throw new TypeError("Failed to execute 'transaction' on 'DurableObjectStorage': parameter 1 is not of type 'Function'.");
      const handle = this.#ops.handle;
      const run = async () => {
        const depth = call('dosTxnBegin', handle);
        const txn = new DurableObjectTransaction(kCreate, this.#ops, depth);
        try {
          const value = await closure(txn);
          if (!txn[kEnd]()) call('dosTxnCommit', handle, depth);
          return { ok: true, value };
        } catch (error) {
          if (!txn[kEnd]()) {
            try {
              call('dosTxnRollback', handle, depth, true);
            } catch {
              // The transaction ended already (an enclosing one was rolled back).
            }
          }
          return { ok: false, error };
        }
      };
      // The outcome is carried out of blockConcurrencyWhile(): a failed transaction rejects,
      // it does not reset the object.
      const outcome = this.#ops.blockConcurrencyWhile ? await this.#ops.blockConcurrencyWhile(run) : await run();
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    });
  }

  // Runs `callback()` in a transaction and returns its result; rolls back and rethrows if it
  // throws. The callback must be synchronous (SQL, and the synchronous kv API).
  transactionSync(callback) {
    if (typeof callback !== 'function') throw new TypeError("Failed to execute 'transactionSync' on 'DurableObjectStorage': parameter 1 is not of type 'Function'.");
    const handle = this.#ops.handle;
    const depth = call('dosTxnBegin', handle);
    let result;
    try {
      result = callback();
    } catch (err) {
      call('dosTxnRollback', handle, depth, true);
      throw err;
    }
    call('dosTxnCommit', handle, depth);
    return result;
  }

  get sql() {
    this.#sql ??= new SqlStorage(kCreate, this.#ops.handle);
    return this.#sql;
  }

  get kv() {
    this.#kv ??= new SyncKvStorage(kCreate, this.#ops);
    return this.#kv;
  }

  // Point-in-time recovery keeps 30 days of history in Workers; a local database has none.
  getCurrentBookmark() {
    return Promise.reject(new Error('Point-in-time recovery (bookmarks) is not supported by Outpost.'));
  }

  getBookmarkForTime() {
    return this.getCurrentBookmark();
  }

  onNextSessionRestoreBookmark() {
    return this.getCurrentBookmark();
  }
}
Object.defineProperty(DurableObjectStorage.prototype, Symbol.toStringTag, { value: 'DurableObjectStorage', configurable: true });

// ---- DurableObjectTransaction ----

export class DurableObjectTransaction {
  #ops;
  #depth;
  #rolledBack = false;
  #ended = false;

  constructor(token, ops, depth) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#ops = ops;
    this.#depth = depth;
  }

  #check(op) {
    if (this.#rolledBack) throw new Error(`Cannot ${op} on rolled back transaction`);
    if (this.#ended) throw new Error(`Cannot call ${op} on transaction that has already committed: did you move \`txn\` outside of the closure?`);
  }

  // Ends the transaction object's life; true if it was rolled back.
  [kEnd]() {
    this.#ended = true;
    return this.#rolledBack;
  }

  get(keyOrKeys, options = undefined) {
    return settle(() => {
      this.#check('get');
      return this.#ops.get(keyOrKeys, options);
    });
  }

  put(keyOrEntries, value = undefined, options = undefined) {
    return settle(() => {
      this.#check('put');
      return this.#ops.put(keyOrEntries, value, options);
    });
  }

  delete(keyOrKeys, options = undefined) {
    return settle(() => {
      this.#check('delete');
      return this.#ops.delete(keyOrKeys, options);
    });
  }

  list(options = undefined) {
    return settle(() => {
      this.#check('list');
      return this.#ops.list(options);
    });
  }

  getAlarm(options = undefined) {
    return settle(() => {
      this.#check('getAlarm');
      return this.#ops.getAlarm(options);
    });
  }

  setAlarm(scheduledTime, options = undefined) {
    return settle(() => {
      this.#check('setAlarm');
      return this.#ops.setAlarm(scheduledTime, options);
    });
  }

  deleteAlarm(options = undefined) {
    return settle(() => {
      this.#check('deleteAlarm');
      return this.#ops.deleteAlarm(options);
    });
  }

  deleteAll() {
    return Promise.reject(new Error('Cannot call deleteAll() within a transaction'));
  }

  // Undoes what the transaction wrote; later operations on `txn` fail. Called again, nothing.
  rollback() {
    if (this.#rolledBack) return;
    this.#check('rollback');
    call('dosTxnRollback', this.#ops.handle, this.#depth, false);
    this.#rolledBack = true;
  }
}
Object.defineProperty(DurableObjectTransaction.prototype, Symbol.toStringTag, { value: 'DurableObjectTransaction', configurable: true });

// ---- the synchronous key-value API (ctx.storage.kv) ----

export class SyncKvStorage {
  #ops;

  constructor(token, ops) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#ops = ops;
  }

  get(key) {
    return this.#ops.get(keyOf('get', key));
  }

  put(key, value) {
    if (key !== null && typeof key === 'object') throw new TypeError(`Failed to execute 'put' on 'SyncKvStorage': parameter 1 is not of type 'string'.`);
    this.#ops.put(key, value);
  }

  delete(key) {
    return this.#ops.delete(keyOf('delete', key));
  }

  // An iterator of [key, value] in key order.
  list(options = undefined) {
    return this.#ops.list(options).entries();
  }
}
Object.defineProperty(SyncKvStorage.prototype, Symbol.toStringTag, { value: 'SyncKvStorage', configurable: true });

// ---- the SQL API ----

// A bound value as it crosses to the host (null, number, string, Uint8Array), converted as
// Workers converts it: undefined is NULL, ArrayBuffers and views are BLOBs, anything else that is
// not a number becomes a string.
function bindingOf(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (typeof value === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
  return String(value);
}

// A cell as Workers returns it: BLOBs as ArrayBuffers.
function cellOf(value) {
  if (!(value instanceof Uint8Array)) return value;
  const { buffer, byteOffset, byteLength } = value;
  return byteOffset === 0 && byteLength === buffer.byteLength ? buffer : buffer.slice(byteOffset, byteOffset + byteLength);
}

export class SqlStorage {
  #handle;

  constructor(token, handle) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#handle = handle;
  }

  // Runs every statement of `query` in turn (bindings apply to the last one, whose rows the
  // cursor gives).
  exec(query, ...bindings) {
    const text = typeof query === 'string' ? query : String(query);
    return new SqlStorageCursor(kCreate, call('dosSql', this.#handle, text, bindings.map(bindingOf)));
  }

  // A statement to run several times: statement(...bindings) runs it, as exec() does.
  prepare(query) {
    const text = typeof query === 'string' ? query : String(query);
    const statement = (...bindings) => this.exec(text, ...bindings);
    statement.run = statement;
    return statement;
  }

  get databaseSize() {
    return call('dosDatabaseSize', this.#handle);
  }
}
Object.defineProperty(SqlStorage.prototype, Symbol.toStringTag, { value: 'SqlStorage', configurable: true });

function rowObject(columns, row) {
  const object = {};
  for (let i = 0; i < columns.length; i++) {
    const name = columns[i];
    const value = cellOf(row[i]);
    if (name === '__proto__') Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
    else object[name] = value;
  }
  return object;
}

// The rows of a query, read one at a time as objects (next(), iteration, toArray(), one()) or as
// arrays (raw()); both read from the same position.
export class SqlStorageCursor {
  #columns;
  #rows;
  #index = 0;
  #rowsRead;
  #rowsWritten;

  constructor(token, [columns, rows, rowsRead, rowsWritten]) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#columns = columns;
    this.#rows = rows;
    this.#rowsRead = rowsRead;
    this.#rowsWritten = rowsWritten;
  }

  #nextRow() {
    return this.#index < this.#rows.length ? this.#rows[this.#index++] : null;
  }

  next() {
    const row = this.#nextRow();
    return row === null ? { done: true } : { done: false, value: rowObject(this.#columns, row) };
  }

  toArray() {
    const out = [];
    for (let row = this.#nextRow(); row !== null; row = this.#nextRow()) out.push(rowObject(this.#columns, row));
    return out;
  }

  one() {
    const remaining = this.#rows.length - this.#index;
    if (remaining === 0) throw new Error('Expected exactly one result from SQL query, but got no results.');
    if (remaining > 1) {
      this.#index = this.#rows.length;
      throw new Error('Expected exactly one result from SQL query, but got multiple results.');
    }
    return rowObject(this.#columns, this.#nextRow());
  }

  // An iterator over the same rows as arrays of values.
  raw() {
    const cursor = this;
    const next = () => {
      const row = cursor.#nextRow();
      return row === null ? { done: true } : { done: false, value: row.map(cellOf) };
    };
    return {
      next,
      toArray() {
        const out = [];
        for (let step = next(); !step.done; step = next()) out.push(step.value);
        return out;
      },
      [Symbol.iterator]() {
        return this;
      },
    };
  }

  get columnNames() {
    return [...this.#columns];
  }

  // Rows read so far: the query reads one row ahead of what was handed out, as in Workers.
  get rowsRead() {
    if (this.#index >= this.#rows.length) return this.#rowsRead;
    return Math.min(this.#index + 1, this.#rowsRead);
  }

  get rowsWritten() {
    return this.#rowsWritten;
  }

  [Symbol.iterator]() {
    return this;
  }
}
Object.defineProperty(SqlStorageCursor.prototype, Symbol.toStringTag, { value: 'SqlStorageCursor', configurable: true });

// ctx.storage of the object the runtime calls `handle`. options (all optional):
// blockConcurrencyWhile(fn) — ctx's, so that transaction() keeps other events out while it runs;
// canSetAlarm() — false when the object's class has no alarm() handler (setAlarm() then fails).
export function createStorage(handle, options = undefined) {
  return new DurableObjectStorage(kCreate, handle, options);
}
