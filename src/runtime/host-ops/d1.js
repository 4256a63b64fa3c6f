// The D1 binding's host side: a worker names a binding, the host maps it to a database file of
// the state directory (src/storage/d1-store.js) and runs the SQL there. Queries run
// synchronously (node:sqlite is synchronous, and a point select then costs microseconds rather
// than a turn of the event loop); the isolate wraps the answer in a promise. The time a query
// takes is therefore part of the turn that made it, and counts as the worker's CPU time.
//
// Each call counts as one API request of the invocation (counted by the isolate host).
import { openD1Database, D1Error, Mode, sqliteDetail } from '../../storage/d1-store.js';

// Limits on what crosses from the isolate; D1's own limits are enforced by SQLite.
const MAX_VALUES = 1000;
const MAX_BATCH = 10_000;

// The database behind binding `name`. A file that cannot be opened as a database is reported in
// the worker's log with its path; the worker itself only learns that the binding's database
// cannot be opened.
function databaseOf(host, name) {
  if (typeof name !== 'string') throw new TypeError('Invalid D1 binding name.');
  const binding = host.binding(name, 'd1');
  try {
    return openD1Database(host.spec.stateDir, binding.databaseId);
  } catch (err) {
    if (err?.name !== 'StoreError') throw err;
    host.hooks.log('error', `D1 binding ${name}: ${err.message}`);
    const reason = err.cause ? sqliteDetail(err.cause) : err.message;
    throw new Error(`D1_ERROR: cannot open the database of binding ${name} (${reason}); the file was left as it is.`);
  }
}

function checkSql(sql) {
  if (typeof sql !== 'string') throw new TypeError('D1 expects SQL text.');
  return sql;
}

// Values as the isolate sends them: null, numbers, strings and Uint8Array (BLOBs).
function checkValues(values) {
  if (!Array.isArray(values) || values.length > MAX_VALUES) throw new TypeError('Invalid D1 parameters.');
  for (const value of values) {
    if (value !== null && typeof value !== 'number' && typeof value !== 'string' && !(value instanceof Uint8Array)) {
      throw new TypeError(`D1_TYPE_ERROR: Type '${typeof value}' not supported for value '${String(value)}'`);
    }
  }
  return values;
}

// D1's errors cross as plain Errors with D1's message ("D1_ERROR: ...").
function run(fn) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof D1Error) throw new Error(err.message);
    throw err;
  }
}

// [columns, rows, meta] with meta as [duration, changes, lastRowId, changedDb, sizeAfter,
// rowsRead, rowsWritten]: compact to copy into the isolate, which builds D1's objects.
function answer({ columns, rows, meta }) {
  return [columns, rows, [meta.duration, meta.changes, meta.lastRowId, meta.changedDb, meta.sizeAfter, meta.rowsRead, meta.rowsWritten]];
}

export const ops = {
  // mode: 0 for all rows, 1 for the first row only.
  d1Query(host, name, sql, values, mode) {
    const database = databaseOf(host, name);
    return run(() => answer(database.query(checkSql(sql), checkValues(values), mode === 1 ? Mode.FIRST : Mode.ALL)));
  },
  // statements: [[sql, values], ...], run in one transaction.
  d1Batch(host, name, statements) {
    const database = databaseOf(host, name);
    if (!Array.isArray(statements) || statements.length > MAX_BATCH) throw new TypeError('Invalid D1 batch.');
    const checked = statements.map((statement) => {
      if (!Array.isArray(statement)) throw new TypeError('Invalid D1 batch.');
      return [checkSql(statement[0]), checkValues(statement[1])];
    });
    return run(() => database.batch(checked).map(answer));
  },
  // Resolves to [count, duration].
  d1Exec(host, name, sql) {
    const database = databaseOf(host, name);
    return run(() => {
      const { count, duration } = database.exec(checkSql(sql));
      return [count, duration];
    });
  },
  // The database file's bytes.
  d1Dump(host, name) {
    const database = databaseOf(host, name);
    return run(() => database.dump());
  },
};
