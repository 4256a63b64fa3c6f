// D1 bindings as Workers has them: D1Database (prepare, batch, exec, withSession, dump), its
// prepared statements (bind, first, all, run, raw) and sessions. Values are checked and converted
// here, with D1's errors; the SQL runs on the host, against the database the binding stands for
// (the isolate only knows the binding's name). Queries are synchronous host calls; the results
// cross as column names and row arrays and are shaped into D1's objects here.
import { hostCall } from '../internal/bridge.js';

const kCreate = Symbol('create');
const FIRST_PRIMARY = 'first-primary';
const FIRST_UNCONSTRAINED = 'first-unconstrained';
const SERVED_BY = 'outpost-d1';
const Mode = { ALL: 0, FIRST: 1 };

// D1's errors are Errors whose message starts with their code ("D1_ERROR: ...") and whose cause
// is an Error holding the rest of the message.
function d1Error(code, detail, causeMessage = detail) {
  return new Error(`${code}: ${detail}`, { cause: new Error(causeMessage) });
}

// A host error for a D1 failure arrives with its message only; its cause is restored here.
function withCause(err) {
  if (err instanceof Error && err.cause === undefined) {
    const match = /^D1_[A-Z_]+: ([\s\S]*)$/.exec(err.message);
    if (match) {
      Object.defineProperty(err, 'cause', { value: new Error(match[1]), writable: true, configurable: true, enumerable: false });
    }
  }
  return err;
}

function call(op, a, b, c, d) {
  try {
    return hostCall(op, a, b, c, d);
  } catch (err) {
    throw withCause(err);
  }
}

// ---- values ----

// A bound value as it crosses to the host (null, number, string, Uint8Array), converted the way
// D1's binding converts it: booleans are 1 and 0, ArrayBuffers, views and arrays of bytes are
// BLOBs; anything else is D1_TYPE_ERROR.
function toValue(value) {
  const type = typeof value;
  if (type === 'number' || type === 'string') return value;
  if (type === 'boolean') return value ? 1 : 0;
  if (type === 'object') {
    if (value === null) return null;
    if (Array.isArray(value) && value.every((b) => typeof b === 'number' && b >= 0 && b < 256)) return Uint8Array.from(value);
    if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
    if (value instanceof DataView) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    // D1 takes a view's elements, one byte each (as Array.from(view) gives them).
    if (ArrayBuffer.isView(value)) return Uint8Array.from(Array.from(value));
  }
  throw d1Error('D1_TYPE_ERROR', `Type '${type}' not supported for value '${value}'`);
}

// A cell as D1 returns it: BLOBs as arrays of byte values.
const cellOf = (value) => (value instanceof Uint8Array ? Array.from(value) : value);

function objectOf(columns, row) {
  const object = {};
  for (let i = 0; i < columns.length; i++) {
    const name = columns[i];
    if (name === '__proto__') Object.defineProperty(object, name, { value: cellOf(row[i]), writable: true, enumerable: true, configurable: true });
    else object[name] = cellOf(row[i]);
  }
  return object;
}

function metaOf([duration, changes, lastRowId, changedDb, sizeAfter, rowsRead, rowsWritten]) {
  return {
    served_by: SERVED_BY,
    served_by_primary: true,
    timings: { sql_duration_ms: duration },
    duration,
    changes,
    last_row_id: lastRowId,
    changed_db: changedDb,
    size_after: sizeAfter,
    rows_read: rowsRead,
    rows_written: rowsWritten,
    total_attempts: 1,
  };
}

// A D1Result: { success, meta, results } with rows as objects.
function resultOf([columns, rows, meta]) {
  return { success: true, meta: metaOf(meta), results: rows.map((row) => objectOf(columns, row)) };
}

// ---- bookmarks ----

// Sessions on one local database are always consistent; bookmarks still move forward, and sort
// in the order they were handed out, as D1's do.
let bookmarkSequence = 0;
function nextBookmark() {
  bookmarkSequence += 1;
  return `${Date.now().toString(16).padStart(12, '0')}-${bookmarkSequence.toString(16).padStart(8, '0')}-00000000-00000000000000000000000000000000`;
}

// ---- classes ----

let statementParts;
let isStatement;
let sessionQuery;
let sessionExec;
let sessionDump;

export class D1PreparedStatement {
  #session;
  #sql;
  #values;

  constructor(token, session, sql, values) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#session = session;
    this.#sql = sql;
    this.#values = values;
  }

  static {
    statementParts = (statement) => [statement.#sql, statement.#values];
    isStatement = (value) => value !== null && typeof value === 'object' && #sql in value;
  }

  get statement() {
    return this.#sql;
  }

  get params() {
    return this.#values.map(cellOf);
  }

  bind(...values) {
    return new D1PreparedStatement(kCreate, this.#session, this.#sql, values.map(toValue));
  }

  async first(columnName) {
    const [columns, rows] = sessionQuery(this.#session, this.#sql, this.#values, Mode.FIRST);
    if (rows.length === 0) return null;
    const row = objectOf(columns, rows[0]);
    if (columnName === undefined) return row;
    if (!Object.hasOwn(row, columnName)) throw d1Error('D1_COLUMN_NOTFOUND', `Column not found (${columnName})`, 'Column not found');
    return row[columnName];
  }

  async run() {
    return resultOf(sessionQuery(this.#session, this.#sql, this.#values, Mode.ALL));
  }

  async all() {
    return resultOf(sessionQuery(this.#session, this.#sql, this.#values, Mode.ALL));
  }

  async raw(options = undefined) {
    const [columns, rows] = sessionQuery(this.#session, this.#sql, this.#values, Mode.ALL);
    const raw = rows.map((row) => row.map(cellOf));
    return options?.columnNames ? [columns, ...raw] : raw;
  }
}

export class D1DatabaseSession {
  #name;
  #bookmarkOrConstraint;
  #primary;

  constructor(token, name, bookmarkOrConstraint, primary = false) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    if (!bookmarkOrConstraint) throw new Error('D1_SESSION_ERROR: invalid bookmark or constraint');
    this.#name = name;
    this.#bookmarkOrConstraint = bookmarkOrConstraint;
    this.#primary = primary;
  }

  prepare(query) {
    return new D1PreparedStatement(kCreate, this, String(query), []);
  }

  async batch(statements) {
    if (!Array.isArray(statements)) throw new TypeError('D1_ERROR: batch() expects an array of prepared statements.');
    const parts = statements.map((statement) => {
      if (!isStatement(statement)) throw new TypeError('D1_ERROR: batch() expects an array of prepared statements.');
      return statementParts(statement);
    });
    const answers = call('d1Batch', this.#name, parts);
    this.#advance();
    return answers.map(resultOf);
  }

  // The latest bookmark this session has seen; null before its first query, and always for the
  // database's own (primary) session.
  getBookmark() {
    if (this.#primary) return null;
    const current = this.#bookmarkOrConstraint;
    return current === FIRST_PRIMARY || current === FIRST_UNCONSTRAINED ? null : current;
  }

  static {
    sessionQuery = (session, sql, values, mode) => session.#query(sql, values, mode);
    sessionExec = (session, query) => session.#exec(query);
    sessionDump = (session) => session.#dump();
  }

  #query(sql, values, mode) {
    const answer = call('d1Query', this.#name, sql, values, mode);
    this.#advance();
    return answer;
  }

  #exec(query) {
    const [count, duration] = call('d1Exec', this.#name, query);
    return { count, duration };
  }

  #dump() {
    const bytes = call('d1Dump', this.#name);
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  }

  #advance() {
    if (this.#primary) return;
    const next = nextBookmark();
    const current = this.getBookmark();
    if (current === null || current.localeCompare(next) < 0) this.#bookmarkOrConstraint = next;
  }
}

export class D1Database {
  #name;
  #primary;

  constructor(token, name) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#name = name;
    this.#primary = new D1DatabaseSession(kCreate, name, FIRST_PRIMARY, true);
  }

  prepare(query) {
    return this.#primary.prepare(query);
  }

  async batch(statements) {
    return this.#primary.batch(statements);
  }

  async exec(query) {
    return sessionExec(this.#primary, String(query));
  }

  withSession(constraintOrBookmark = undefined) {
    let value = constraintOrBookmark?.trim();
    if (value === null || value === undefined || value === '') value = FIRST_UNCONSTRAINED;
    return new D1DatabaseSession(kCreate, this.#name, value);
  }

  // Deprecated in D1; here, the database file's bytes.
  async dump() {
    return sessionDump(this.#primary);
  }
}

export function createD1Database(name) {
  return new D1Database(kCreate, name);
}
