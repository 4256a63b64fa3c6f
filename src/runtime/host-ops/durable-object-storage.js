// Durable Object storage's host side (ctx.storage): every operation runs synchronously against
// the object's own SQLite database (src/storage/durable-object-store.js) and is done when the
// call returns, so the isolate's promises resolve at once.
//
// Writes are grouped by turn: the first write of a turn opens a transaction on the object's
// database, and it is committed when the turn ends (endTurn(), which the runtime calls after each
// turn; failing that, a microtask queued with the first write, which runs once the turn has
// returned and before anything the turn resolved on the host side, such as its response, is
// acted on). So a turn's writes, awaited or not, are atomic, and are committed before the
// response or message that follows them leaves. Explicit transactions (transaction(),
// transactionSync()) are savepoints in that transaction. A turn of an isolate that died is
// rolled back rather than committed.
//
// The isolate names its object by the handle the runtime gave it; host.durableObject(handle)
// says which object of which worker that is (and fails for an object not live in this isolate).
// The isolate checks arguments and produces Workers' errors; the checks here keep a tampered
// isolate from storing what Workers would refuse.
import {
  openObjectStorage,
  DO_LIMITS,
  DELETE_ALL_IN_TRANSACTION,
} from '../../storage/durable-object-store.js';

const pending = new WeakMap(); // host -> { stores: Set<ObjectStorage>, scheduled }

const isKey = (key) => typeof key === 'string';

function checkKey(key) {
  if (!isKey(key)) throw new TypeError('Durable Object storage keys must be strings.');
  return key;
}

function checkKeys(keys) {
  if (!Array.isArray(keys) || !keys.every(isKey)) throw new TypeError('Durable Object storage keys must be strings.');
  if (keys.length > DO_LIMITS.keysPerCall) {
    throw new RangeError(`Maximum number of key value pairs is ${DO_LIMITS.keysPerCall}. ${keys.length} pairs were provided.`);
  }
  return keys;
}

function pendingOf(host) {
  let state = pending.get(host);
  if (!state) {
    state = { stores: new Set(), scheduled: false };
    pending.set(host, state);
  }
  return state;
}

// A transaction left open by another host (an isolate that died mid-turn, or mid-transaction) is
// rolled back before this one touches the object.
function claim(host, store) {
  const owner = store.owner;
  if (owner === null || owner === host) return;
  pending.get(owner)?.stores.delete(store);
  if (store.inTransaction) store.rollback();
  store.owner = null;
}

// The storage of the object `handle` names, for an operation of `host`.
function storageOf(host, handle) {
  if (typeof handle !== 'string') throw new TypeError('Invalid Durable Object handle.');
  const { stateDir, workerName, className, id } = host.durableObject(handle);
  const store = openObjectStorage(stateDir, workerName, className, id);
  claim(host, store);
  return store;
}

// Marks the object as written in this turn: its transaction is opened now and committed when
// the turn ends.
function writing(host, store) {
  store.begin();
  store.owner = host;
  const state = pendingOf(host);
  state.stores.add(store);
  if (!state.scheduled) {
    state.scheduled = true;
    queueMicrotask(() => endTurn(host));
  }
}

// Commits the transactions `host`'s turn opened (or rolls them back if its isolate died).
// Objects inside an explicit transaction that spans turns stay open until it ends. Call after
// every turn; harmless when there is nothing to commit. Throws the first failed commit (its
// writes are lost: the object should be reset, as Workers does when a write fails).
export function endTurn(host) {
  const state = pending.get(host);
  if (!state) return;
  state.scheduled = false;
  if (state.stores.size === 0) return;
  let failure = null;
  for (const store of [...state.stores]) {
    if (store.isOpen && store.inTransaction && store.depth > 0 && !host.dead) continue;
    state.stores.delete(store);
    if (!store.isOpen || !store.inTransaction || store.owner !== host) continue;
    if (host.dead) {
      store.rollback();
      continue;
    }
    try {
      store.commit();
    } catch (err) {
      failure ??= err;
      host.hooks?.log?.('error', `Durable Object storage: a write of ${store.identity.className} ${store.identity.id} could not be committed: ${err.message}`);
    }
  }
  if (failure) throw failure;
}

// Rolls back what `host`'s current turn wrote and not yet committed, for one object (`handle`)
// or for all of them (ctx.abort(), or an isolate being thrown away).
export function abandon(host, handle = null) {
  const state = pending.get(host);
  if (!state) return;
  let key = null;
  if (handle !== null) {
    const { stateDir, workerName, className, id } = host.durableObject(handle);
    key = openObjectStorage(stateDir, workerName, className, id);
  }
  for (const store of [...state.stores]) {
    if (key !== null && store !== key) continue;
    state.stores.delete(store);
    if (store.isOpen && store.inTransaction && store.owner === host) store.rollback();
  }
}

// ---- the key-value API ----

// [value] or null: the value itself may be null or undefined.
function dosGet(host, handle, key) {
  const value = storageOf(host, handle).get(checkKey(key));
  return value === undefined ? null : [value];
}

// [[key, value], ...] for the keys that exist, in key order.
function dosGetMany(host, handle, keys) {
  return storageOf(host, handle).getMany(checkKeys(keys));
}

function dosPut(host, handle, key, value) {
  checkKey(key);
  const store = storageOf(host, handle);
  writing(host, store);
  store.put(key, value);
}

// entries: [[key, value], ...].
function dosPutMany(host, handle, entries) {
  if (!Array.isArray(entries) || !entries.every((entry) => Array.isArray(entry) && entry.length === 2 && isKey(entry[0]))) {
    throw new TypeError('Invalid Durable Object storage entries.');
  }
  checkKeys(entries.map(([key]) => key));
  const store = storageOf(host, handle);
  writing(host, store);
  store.putMany(entries);
}

function dosDelete(host, handle, key) {
  checkKey(key);
  const store = storageOf(host, handle);
  writing(host, store);
  return store.delete(key);
}

function dosDeleteMany(host, handle, keys) {
  checkKeys(keys);
  const store = storageOf(host, handle);
  writing(host, store);
  return store.deleteMany(keys);
}

// options: [start, startAfter, end, prefix, reverse, limit], each null when not given.
function dosList(host, handle, options) {
  if (!Array.isArray(options)) throw new TypeError('Invalid list() options.');
  const [start, startAfter, end, prefix, reverse, limit] = options;
  for (const bound of [start, startAfter, end, prefix]) {
    if (bound !== null && !isKey(bound)) throw new TypeError('Invalid list() options.');
  }
  if (limit !== null && !(Number.isSafeInteger(limit) && limit > 0)) throw new TypeError('List limit must be positive.');
  return storageOf(host, handle).list({ start, startAfter, end, prefix, reverse: reverse === true, limit });
}

// deleteAll(): everything, and the alarm too (compatibility dates from 2026-02-24, or the
// delete_all_deletes_alarm flag: compat.deleteAllDeletesAlarm, on unless said otherwise).
function dosDeleteAll(host, handle) {
  const store = storageOf(host, handle);
  if (store.depth > 0) throw new Error(DELETE_ALL_IN_TRANSACTION);
  writing(host, store);
  store.deleteAll({ deleteAlarm: host.spec?.compat?.deleteAllDeletesAlarm ?? true });
}

// ---- alarms ----

// While the object's alarm() handler runs (host.durableObject(handle).runningAlarm: the time of
// the alarm being delivered), that alarm is no longer set, as Workers reports it; one set again
// since is.
function dosGetAlarm(host, handle) {
  const time = storageOf(host, handle).getAlarm();
  const running = host.durableObject(handle).runningAlarm;
  return running !== undefined && running !== null && time === running ? null : time;
}

// time: ms since the epoch (a time in the past means now), or null to delete the alarm.
function dosSetAlarm(host, handle, time) {
  if (time !== null && !(typeof time === 'number' && Number.isFinite(time) && time > 0)) {
    throw new TypeError('setAlarm() cannot be called with an alarm time <= 0');
  }
  const store = storageOf(host, handle);
  writing(host, store);
  store.setAlarm(time === null ? null : Math.max(Math.trunc(time), Date.now()));
}

// ---- transactions ----

// Opens an explicit transaction; returns its depth.
function dosTxnBegin(host, handle) {
  const store = storageOf(host, handle);
  writing(host, store);
  return store.savepoint();
}

function dosTxnCommit(host, handle, depth) {
  const store = storageOf(host, handle);
  writing(host, store);
  store.release(depth);
}

// force: roll back even if transactions nested in it are still open (the closure threw).
function dosTxnRollback(host, handle, depth, force) {
  const store = storageOf(host, handle);
  writing(host, store);
  store.rollbackTo(depth, { force: force === true });
}

// sync(): what was written so far is committed now (unless an explicit transaction is open).
function dosSync(host, handle) {
  const store = storageOf(host, handle);
  if (!store.inTransaction || store.depth > 0) return;
  pending.get(host)?.stores.delete(store);
  store.commit();
}

// ---- SQL ----

// Values as the isolate sends them: null, numbers, strings and Uint8Array (BLOBs).
function checkBindings(bindings) {
  if (!Array.isArray(bindings)) throw new TypeError('Invalid SQL bindings.');
  for (const value of bindings) {
    if (value !== null && typeof value !== 'number' && typeof value !== 'string' && !(value instanceof Uint8Array)) {
      throw new TypeError('Invalid SQL binding value.');
    }
  }
  return bindings;
}

// [columnNames, rows (arrays), rowsRead, rowsWritten].
function dosSql(host, handle, query, bindings) {
  if (typeof query !== 'string') throw new TypeError('SQL query must be a string.');
  checkBindings(bindings);
  const store = storageOf(host, handle);
  const { columns, rows, rowsRead, rowsWritten } = store.exec(query, bindings, () => writing(host, store));
  return [columns, rows, rowsRead, rowsWritten];
}

function dosDatabaseSize(host, handle) {
  return storageOf(host, handle).databaseSize();
}

export const ops = {
  dosGet,
  dosGetMany,
  dosPut,
  dosPutMany,
  dosDelete,
  dosDeleteMany,
  dosList,
  dosDeleteAll,
  dosGetAlarm,
  dosSetAlarm,
  dosTxnBegin,
  dosTxnCommit,
  dosTxnRollback,
  dosSync,
  dosSql,
  dosDatabaseSize,
};
