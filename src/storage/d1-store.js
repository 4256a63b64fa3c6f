// The embedded store behind D1 bindings and `outpost d1`: one SQLite file per database, at
// <state dir>/d1/<database id>.sqlite, opened once per process (src/storage/sqlite.js: WAL, busy
// timeout) and restricted to what D1 allows a worker to do.
//
// What D1 allows, as Cloudflare's runtime enforces it (an authorizer over every statement as it
// is prepared, and SQLite's own limits):
//  - one database: no ATTACH or DETACH (so no VACUUM or VACUUM INTO either, which attach), no
//    temporary tables, no load_extension(), no virtual tables but FTS5;
//  - a fixed list of SQL functions and of PRAGMAs (foreign_keys, defer_foreign_keys, table_info,
//    ...; nothing that changes how or where the file is written);
//  - no BEGIN, COMMIT, ROLLBACK or SAVEPOINT: batch() and exec() are the transactions;
//  - limits: 100 bound parameters, statements of at most 100,000 bytes, strings, BLOBs and rows
//    of at most 2,000,000 bytes, 100 columns, 32 function arguments, LIKE patterns of 50 bytes;
//  - foreign keys enforced (PRAGMA defer_foreign_keys works within a batch, exec or migration);
//  - defensive mode (the schema cannot be written directly).
//
// Consistency and durability: every call is atomic (one statement in autocommit, a batch, an
// exec or a multi-statement query in one IMMEDIATE transaction) and committed to the write-ahead
// log before it returns, so an acknowledged write survives the process being killed. Several
// processes may use the same file; SQLite serialises their writes (see sqlite.js).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { storeOpener } from './sqlite.js';
import { ConnectionAuthorizer, numbersOf, positionalArgs, restrictConnection, sqlAuthorizer, SHARED_FUNCTIONS } from './sql-policy.js';

export const D1_LIMITS = Object.freeze({
  boundParameters: 100,
  statementBytes: 100_000,
  valueBytes: 2_000_000,
  columns: 100,
  functionArguments: 32,
  likePatternBytes: 50,
});

// Prepared statements kept per database, by SQL text; longer texts are not kept.
const STATEMENT_CACHE_SIZE = 256;
const CACHEABLE_SQL_LENGTH = 10_000;

// The `served_by` of every result's meta.
export const SERVED_BY = 'outpost-d1';

// A D1 error: `code` is D1's prefix (D1_ERROR, D1_EXEC_ERROR, ...), `detail` what follows it.
export class D1Error extends Error {
  constructor(code, detail) {
    super(`${code}: ${detail}`);
    this.name = 'D1Error';
    this.code = code;
    this.detail = detail;
  }
}

const PRIMARY_CODES = {
  1: 'SQLITE_ERROR', 2: 'SQLITE_INTERNAL', 3: 'SQLITE_PERM', 4: 'SQLITE_ABORT', 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM', 8: 'SQLITE_READONLY', 9: 'SQLITE_INTERRUPT', 10: 'SQLITE_IOERR', 11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND', 13: 'SQLITE_FULL', 14: 'SQLITE_CANTOPEN', 15: 'SQLITE_PROTOCOL', 16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA', 18: 'SQLITE_TOOBIG', 19: 'SQLITE_CONSTRAINT', 20: 'SQLITE_MISMATCH', 21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS', 23: 'SQLITE_AUTH', 24: 'SQLITE_FORMAT', 25: 'SQLITE_RANGE', 26: 'SQLITE_NOTADB',
};

const WRONG_BINDINGS = 'Wrong number of parameter bindings for SQL query.';
const NO_STATEMENTS = 'No SQL statements detected.';

// What D1 reports for a SQLite failure: "<SQLite's message>: SQLITE_<primary code>".
export function sqliteDetail(err) {
  if (typeof err?.errcode === 'number') return `${err.message}: ${PRIMARY_CODES[err.errcode & 0xff] ?? `SQLITE_UNKNOWN_ERROR_CODE(${err.errcode})`}`;
  if (err?.code === 'ERR_INVALID_ARG_VALUE' && /no statements/.test(err.message)) return NO_STATEMENTS;
  return String(err?.message ?? err);
}

const d1Failure = (err, code = 'D1_ERROR') => (err instanceof D1Error ? err : new D1Error(code, sqliteDetail(err)));

// ---- what the authorizer lets through ----

// The Workers SQLite rules (sql-policy.js), with the SQL functions D1 offers: the shared ones,
// max_scalar and min_scalar. A statement that writes, or a PRAGMA given an argument, is not
// read-only; PRAGMA foreign_keys = ... is undone after the statement outside a transaction (see
// #execute).
const allowed = sqlAuthorizer({
  functions: [...SHARED_FUNCTIONS, 'max_scalar', 'min_scalar'],
  onWrite(context) {
    context.readonly = false;
  },
  onPragma(context, name, given) {
    if (!given) return;
    context.readonly = false;
    if (name === 'foreign_keys') context.resetsForeignKeys = true;
  },
});

// ---- reading SQL text without parsing it ----

const isSpace = (c) => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c) => c >= 48 && c <= 57;
const isIdChar = (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;

// The index of the next character of `sql` from `i` that is not whitespace, a comment or (with
// `semicolons`) a semicolon.
export function skipBlank(sql, i = 0, semicolons = true) {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c) || (semicolons && c === 59)) i += 1;
    else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf('\n', i + 2);
      i = end < 0 ? n : end + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else break;
  }
  return i;
}

const isBlank = (sql, i = 0) => skipBlank(sql, i) >= sql.length;

function skipQuoted(sql, i, quote) {
  for (let j = i + 1; ; j += 2) {
    j = sql.indexOf(quote, j);
    if (j < 0) return sql.length;
    if (sql[j + 1] !== quote) return j + 1;
  }
}

// The parameters of one statement as SQLite numbers them: { count (the highest index, which is
// what must be bound), named: [[name, index], ...] } for :name, @name and $name parameters.
export function parameters(sql) {
  let count = 0;
  const named = new Map();
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 39 || c === 34 || c === 96) i = skipQuoted(sql, i, sql[i]); // ' " `
    else if (c === 91) { // [identifier]
      const end = sql.indexOf(']', i + 1);
      i = end < 0 ? n : end + 1;
    } else if ((c === 45 && sql.charCodeAt(i + 1) === 45) || (c === 47 && sql.charCodeAt(i + 1) === 42)) i = skipBlank(sql, i, false);
    else if (c === 63) { // ?NNN or ?
      let j = i + 1;
      while (j < n && isDigit(sql.charCodeAt(j))) j += 1;
      count = j > i + 1 ? Math.max(count, Number(sql.slice(i + 1, j))) : count + 1;
      i = j;
    } else if (c === 58 || c === 64 || c === 36 || c === 35) { // : @ $ #
      let j = i + 1;
      while (j < n && isIdChar(sql.charCodeAt(j))) j += 1;
      if (j > i + 1) {
        const name = sql.slice(i, j);
        if (!named.has(name)) named.set(name, ++count);
      }
      i = Math.max(j, i + 1);
    } else if (isIdChar(c)) { // a word or a number: may contain $ and digits, never starts a parameter
      let j = i + 1;
      while (j < n && (isIdChar(sql.charCodeAt(j)) || sql.charCodeAt(j) === 46)) j += 1;
      i = j;
    } else i += 1;
  }
  return { count, named: [...named] };
}

// The 1-based line of `sql` at index `at`, and that line's text.
function lineAt(sql, at) {
  let line = 1;
  let start = 0;
  for (let i = sql.indexOf('\n'); i >= 0 && i < at; i = sql.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  const end = sql.indexOf('\n', start);
  return { line, text: sql.slice(start, end < 0 ? sql.length : end).replace(/\r$/, '') };
}

// The index of the first `;` from `i` that ends a statement as far as quotes and comments tell
// (the end of a CREATE TRIGGER is found by asking SQLite), or sql.length.
function nextSemicolon(sql, i) {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 59) return i;
    if (c === 39 || c === 34 || c === 96) i = skipQuoted(sql, i, sql[i]);
    else if (c === 91) {
      const end = sql.indexOf(']', i + 1);
      i = end < 0 ? n : end + 1;
    } else if ((c === 45 && sql.charCodeAt(i + 1) === 45) || (c === 47 && sql.charCodeAt(i + 1) === 42)) i = skipBlank(sql, i, false);
    else i += 1;
  }
  return n;
}

// BEGIN / COMMIT / END (TRANSACTION) at `i`: the length of the statement, for scripts that wrap
// themselves in a transaction (a `sqlite3 .dump`); 0 if there is none.
const TRANSACTION_CONTROL = /^(?:BEGIN(?:\s+(?:DEFERRED|IMMEDIATE|EXCLUSIVE))?(?:\s+TRANSACTION)?|(?:COMMIT|END)(?:\s+TRANSACTION)?)\s*(?:;|$)/i;
function transactionControlAt(sql, i) {
  const match = TRANSACTION_CONTROL.exec(sql.slice(i, i + 64));
  return match ? match[0].length : 0;
}

// ---- values ----

// A bound value as SQLite gets it. D1 sends parameters as JSON: whole numbers are INTEGERs,
// others REALs, and NaN and the infinities become NULL.
function bindable(value) {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return BigInt(value);
    return value;
  }
  return value;
}

export const Mode = Object.freeze({ ALL: 0, FIRST: 1 });

// ---- the database ----

// A statement result: { columns, rows (arrays; integers as numbers, BLOBs as Uint8Array), meta }.
// meta: { duration, changes, lastRowId, changedDb, sizeAfter, rowsRead, rowsWritten }.
export class D1Database {
  #db;
  #auth = new ConnectionAuthorizer(allowed); // the authorizer, and what it learns of a worker's statement
  #cache = new Map();
  #internal;
  #state;
  #transactionDepth = 0;

  constructor(db, file) {
    this.#db = db;
    this.file = file;
    restrictConnection(db, D1_LIMITS, this.#auth);
    this.#auth.trusted(() => {
      db.exec('PRAGMA foreign_keys = ON');
      this.#internal = {
        stats: db.prepare('SELECT total_changes(), last_insert_rowid(), page_count * page_size FROM pragma_page_count, pragma_page_size'),
        begin: db.prepare('BEGIN IMMEDIATE'),
        commit: db.prepare('COMMIT'),
        rollback: db.prepare('ROLLBACK'),
        foreignKeysOn: db.prepare('PRAGMA foreign_keys = ON'),
        schemaVersion: db.prepare('PRAGMA schema_version'),
      };
      const { stats, schemaVersion } = this.#internal;
      stats.setReturnArrays(true);
      stats.setReadBigInts(true);
      schemaVersion.setReturnArrays(true);
    });
    const [total, rowId, size] = this.#stats();
    this.#state = { total, rowId, size };
  }

  // False once the connection was closed (sqlite.js closeAll()).
  get isOpen() {
    return this.#db.isOpen;
  }

  // ---- internal state ----

  // The schema cookie, which every schema change (by any connection) moves on.
  #schemaVersion() {
    return this.#auth.trusted(() => this.#internal.schemaVersion.get()[0]);
  }

  // [total changes, last insert rowid, size in bytes] of the connection now.
  #stats() {
    const [total, rowId, size] = this.#auth.trusted(() => this.#internal.stats.all()[0]);
    return [Number(total), Number(rowId), Number(size)];
  }

  // ---- statements ----

  // Prepares the first statement of `sql` (from `offset`) as a worker's: { stmt, end (where the
  // statement ends in sql), readonly, resetsForeignKeys, params }.
  #prepare(sql, offset = 0) {
    const text = offset === 0 ? sql : sql.slice(offset);
    // SQLite measures the whole text it is given against the limit, as D1 does.
    if (text.length > D1_LIMITS.statementBytes / 3 && Buffer.byteLength(text) > D1_LIMITS.statementBytes) {
      throw new D1Error('D1_ERROR', 'statement too long: SQLITE_TOOBIG');
    }
    const context = { readonly: true, resetsForeignKeys: false };
    this.#auth.context = context;
    let stmt;
    try {
      stmt = this.#db.prepare(text);
    } finally {
      this.#auth.context = null;
    }
    stmt.setReadBigInts(true);
    stmt.setReturnArrays(true);
    const source = stmt.sourceSQL;
    return { stmt, end: offset + source.length, readonly: context.readonly, resetsForeignKeys: context.resetsForeignKeys, params: parameters(source) };
  }

  // The same for the next statement of a long script: SQLite is given the text up to the next
  // semicolon (and more while that is an incomplete statement, as inside a trigger), never the
  // whole rest of the script.
  #prepareNext(sql, offset) {
    for (let end = nextSemicolon(sql, offset); ; end = nextSemicolon(sql, end + 1)) {
      const piece = end >= sql.length ? sql.slice(offset) : sql.slice(offset, end + 1);
      try {
        const entry = this.#prepare(piece);
        entry.end += offset;
        return entry;
      } catch (err) {
        if (end < sql.length && err?.errcode === 1 && err.message === 'incomplete input') continue;
        throw err;
      }
    }
  }

  // The cached statement for `sql` when it holds exactly one statement, else { multi: its first }.
  #single(sql) {
    let entry = this.#cache.get(sql);
    if (entry) {
      this.#cache.delete(sql);
      this.#cache.set(sql, entry);
      return entry;
    }
    if (isBlank(sql)) throw new D1Error('D1_ERROR', NO_STATEMENTS);
    entry = this.#prepare(sql);
    if (!isBlank(sql, entry.end)) return { multi: entry };
    if (sql.length <= CACHEABLE_SQL_LENGTH) {
      this.#cache.set(sql, entry);
      if (this.#cache.size > STATEMENT_CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value);
    }
    return entry;
  }

  // Runs a prepared entry with D1's positional `values`; returns a statement result.
  #execute(entry, values, mode) {
    const { stmt, params } = entry;
    if (values.length !== params.count) throw new D1Error('D1_ERROR', WRONG_BINDINGS);
    // The column names of a statement change only with the schema (SELECT * after ALTER TABLE):
    // they are kept with the schema version they were read under, and read again unless that
    // version held from before this execution to after it.
    const before = this.#schemaVersion();
    const started = performance.now();
    let rows;
    try {
      const args = positionalArgs(values.map(bindable), params.named);
      if (mode === Mode.FIRST) {
        const first = stmt.get(...args);
        rows = first === undefined ? [] : [first];
      } else {
        rows = stmt.all(...args);
      }
    } catch (err) {
      if (err?.errcode === 25) throw new D1Error('D1_ERROR', WRONG_BINDINGS); // SQLITE_RANGE
      throw d1Failure(err);
    } finally {
      if (entry.resetsForeignKeys && !this.#db.isTransaction) this.#auth.trusted(() => this.#internal.foreignKeysOn.run());
    }
    const duration = performance.now() - started;
    if (before !== entry.columnsVersion || this.#schemaVersion() !== before) {
      entry.columns = stmt.columns().map((column) => column.name);
      entry.columnsVersion = this.#schemaVersion() === before ? before : undefined;
    }
    return { columns: entry.columns, rows: numbersOf(rows), meta: this.#meta(entry.readonly, duration, rows.length) };
  }

  #meta(readonly, duration, rowCount) {
    const state = this.#state;
    if (readonly) {
      return { duration, changes: 0, lastRowId: state.rowId, changedDb: false, sizeAfter: state.size, rowsRead: rowCount, rowsWritten: 0 };
    }
    const [total, rowId, size] = this.#stats();
    const changes = total - state.total;
    const changedDb = changes !== 0 || rowId !== state.rowId || size !== state.size;
    this.#state = { total, rowId, size };
    return { duration, changes, lastRowId: rowId, changedDb, sizeAfter: size, rowsRead: rowCount || changes, rowsWritten: changes };
  }

  // Runs `fn` in one IMMEDIATE transaction (or in the one already open), rolling back if it throws.
  #transaction(fn) {
    if (this.#transactionDepth > 0) return fn();
    try {
      this.#auth.trusted(() => this.#internal.begin.run());
    } catch (err) {
      throw d1Failure(err);
    }
    this.#transactionDepth = 1;
    try {
      const result = fn();
      try {
        this.#auth.trusted(() => this.#internal.commit.run());
      } catch (err) {
        throw d1Failure(err);
      }
      return result;
    } catch (err) {
      if (this.#db.isTransaction) this.#auth.trusted(() => this.#internal.rollback.run());
      throw err;
    } finally {
      this.#transactionDepth = 0;
    }
  }

  // Several statements in one text, as D1 runs a query that holds more than one: each runs in
  // turn, only the last may have parameters, and the last one's rows are the result.
  #executeMulti(sql, first, values, mode) {
    return this.#transaction(() => {
      const total = { duration: 0, changes: 0, changedDb: false, rowsRead: 0, rowsWritten: 0 };
      const add = (meta) => {
        total.duration += meta.duration;
        total.changes += meta.changes;
        total.changedDb ||= meta.changedDb;
        total.rowsRead += meta.rowsRead;
        total.rowsWritten += meta.rowsWritten;
      };
      let entry = first;
      for (;;) {
        if (isBlank(sql, entry.end)) {
          const result = this.#execute(entry, values, mode);
          add(result.meta);
          result.meta = { ...result.meta, ...total };
          return result;
        }
        if (entry.params.count > 0) {
          throw new D1Error('D1_ERROR', 'When executing multiple SQL statements in a single call, only the last statement can have parameters.');
        }
        add(this.#execute(entry, [], Mode.ALL).meta);
        entry = this.#prepareOrFail(sql, entry.end);
      }
    });
  }

  #prepareOrFail(sql, offset) {
    try {
      return this.#prepareNext(sql, offset);
    } catch (err) {
      throw d1Failure(err);
    }
  }

  // One query of a worker: `sql` with positional `values` (null, numbers, strings, Uint8Array).
  query(sql, values = [], mode = Mode.ALL) {
    let entry;
    try {
      entry = this.#single(sql);
    } catch (err) {
      throw d1Failure(err);
    }
    if (entry.multi) return this.#executeMulti(sql, entry.multi, values, mode);
    return this.#execute(entry, values, mode);
  }

  // Statements [[sql, values], ...] in one transaction: all results, or the first failure (and
  // nothing written).
  batch(statements) {
    if (statements.length === 0) throw new D1Error('D1_ERROR', NO_STATEMENTS);
    return this.#transaction(() => statements.map(([sql, values]) => this.query(sql, values)));
  }

  // The next statement of an exec() text. D1's binding sends exec() text line by line, each line
  // a statement, so statements may be separated by line breaks alone; SQLite reads statements up
  // to their semicolons, across lines. The next statement is SQLite's reading when it parses, and
  // otherwise, when it is a syntax error spanning several lines, its first lines that do parse
  // as a statement (exec() is one transaction: if what follows then fails, nothing is kept).
  #prepareExecStatement(sql, offset) {
    try {
      return this.#prepareNext(sql, offset);
    } catch (err) {
      if (err?.errcode !== 1 || !/syntax error$/.test(err.message)) throw err;
      const end = nextSemicolon(sql, offset);
      for (let line = sql.indexOf('\n', offset); line >= 0 && line < end; line = sql.indexOf('\n', line + 1)) {
        if (isBlank(sql.slice(offset, line))) continue;
        let entry;
        try {
          entry = this.#prepare(sql.slice(offset, line));
        } catch {
          continue;
        }
        entry.end += offset;
        return entry;
      }
      throw err;
    }
  }

  // D1's exec(): every statement of `text` in turn, in one transaction; { count, duration }.
  // A failure names the line its statement starts on: "D1_EXEC_ERROR: Error in line N: ...".
  exec(text) {
    const sql = text.trim();
    let count = 0;
    let duration = 0;
    const fail = (at, detail) => {
      const { line, text: lineText } = lineAt(sql, at);
      return new D1Error('D1_EXEC_ERROR', `Error in line ${line}: ${lineText}: ${detail}`);
    };
    if (isBlank(sql)) throw fail(0, NO_STATEMENTS);
    let last = skipBlank(sql);
    try {
      this.#transaction(() => {
        for (let offset = last; offset < sql.length; offset = skipBlank(sql, offset)) {
          last = offset;
          const entry = this.#prepareExecStatement(sql, offset);
          duration += this.#execute(entry, [], Mode.ALL).meta.duration;
          count += 1;
          offset = entry.end;
        }
      });
    } catch (err) {
      // The statement that failed, or the last one when the commit did (deferred foreign keys).
      throw fail(last, d1Failure(err).detail);
    }
    return { count, duration };
  }

  // A script run by `outpost d1 execute` or a migration, in one transaction (or in the one
  // `transaction()` opened): each statement in turn, its result handed to `onResult(result)`.
  // BEGIN/COMMIT statements (as a `sqlite3 .dump` has) are skipped and reported through
  // `onSkip(line)`. Returns the number of statements run. A failure is a
  // D1Error('D1_ERROR', 'Error in line N: <that line>: <reason>').
  runScript(sql, { onResult = () => {}, onSkip = () => {} } = {}) {
    let count = 0;
    this.#transaction(() => {
      for (let offset = skipBlank(sql); offset < sql.length; offset = skipBlank(sql, offset)) {
        const skip = transactionControlAt(sql, offset);
        if (skip > 0) {
          onSkip(lineAt(sql, offset).line);
          offset += skip;
          continue;
        }
        let entry;
        let result;
        try {
          entry = this.#prepareNext(sql, offset);
          result = this.#execute(entry, [], Mode.ALL);
        } catch (err) {
          const { line, text } = lineAt(sql, offset);
          throw new D1Error('D1_ERROR', `Error in line ${line}: ${text.trim()}: ${d1Failure(err).detail}`);
        }
        count += 1;
        offset = entry.end;
        onResult(result, offset);
      }
    });
    return count;
  }

  // The database as one SQLite file image.
  dump() {
    try {
      return this.#auth.trusted(() => this.#db.serialize());
    } catch (err) {
      throw d1Failure(err, 'D1_DUMP_ERROR');
    }
  }

  // ---- for the CLI: the database as its owner sees it ----

  // Runs `sql` with this module's own rights (no authorizer): row arrays, integers as BigInt.
  internalAll(sql, ...values) {
    return this.#auth.trusted(() => {
      const stmt = this.#db.prepare(sql);
      stmt.setReturnArrays(true);
      stmt.setReadBigInts(true);
      return stmt.all(...values);
    });
  }

  // The rows of `sql` one at a time, with this module's own rights: arrays, integers as BigInt.
  *internalIterate(sql) {
    const iterator = this.#auth.trusted(() => {
      const stmt = this.#db.prepare(sql);
      stmt.setReturnArrays(true);
      stmt.setReadBigInts(true);
      return stmt.iterate();
    });
    try {
      for (;;) {
        const next = this.#auth.trusted(() => iterator.next());
        if (next.done) return;
        yield next.value;
      }
    } finally {
      iterator.return();
    }
  }

  // Runs `fn` in one transaction (scripts run by runScript inside it join it).
  transaction(fn) {
    return this.#transaction(fn);
  }

  // The user tables: [{ name, type ('table' or 'virtual'), withoutRowid }],
  // without SQLite's and D1's own tables and without the shadow tables of virtual tables.
  tables() {
    return this.internalAll(`SELECT name, type, wr FROM pragma_table_list
      WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'`)
      .map(([name, type, wr]) => ({ name, type, withoutRowid: wr === 1n }));
  }

  // Writes the database as SQL text through `write(text)`, in the form `wrangler d1 export`
  // gives: its tables (unless `noSchema`), their rows (unless `noData`), then indexes, triggers
  // and views; only for the tables named in `tables` when it is not empty.
  // `onProgress(table, rows)` is called as rows are written.
  exportSql(write, { noSchema = false, noData = false, tables = [], onProgress = () => {} } = {}) {
    const only = tables.length > 0 ? new Set(tables) : null;
    const userTables = this.tables().filter((t) => !only || only.has(t.name));
    if (only) {
      const missing = [...only].filter((name) => !userTables.some((t) => t.name === name));
      if (missing.length > 0) throw new D1Error('D1_ERROR', `No such table: ${missing.join(', ')}`);
    }
    const wanted = new Set(userTables.map((t) => t.name));
    const schema = this.internalAll(`SELECT type, name, tbl_name, sql FROM sqlite_schema
      WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY rowid`);
    write('PRAGMA defer_foreign_keys=TRUE;\n');
    if (!noSchema) {
      for (const [type, name, , sql] of schema) {
        if (type === 'table' && wanted.has(name)) write(`${sql};\n`);
      }
    }
    if (!noData) {
      for (const { name, type, withoutRowid } of userTables) {
        const columns = this.internalAll('SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0', name).map(([column]) => quoteName(column));
        const head = `INSERT INTO ${quoteName(name)} (${columns.join(',')}) VALUES(`;
        const order = type === 'table' && !withoutRowid ? ' ORDER BY rowid' : '';
        let count = 0;
        let chunk = '';
        for (const row of this.internalIterate(`SELECT ${columns.join(',')} FROM ${quoteName(name)}${order}`)) {
          chunk += `${head}${row.map(sqlLiteral).join(',')});\n`;
          count += 1;
          if (chunk.length >= 65536) {
            write(chunk);
            chunk = '';
            onProgress(name, count);
          }
        }
        if (chunk) write(chunk);
        onProgress(name, count);
      }
      // AUTOINCREMENT counters, which rows alone do not restore (ids of deleted rows stay used).
      if (this.internalAll("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'").length > 0) {
        const sequences = this.internalAll('SELECT name, seq FROM sqlite_sequence').filter(([name]) => wanted.has(name));
        if (sequences.length > 0) {
          write(`DELETE FROM sqlite_sequence WHERE name IN (${sequences.map(([name]) => sqlLiteral(name)).join(',')});\n`);
          for (const [name, seq] of sequences) write(`INSERT INTO sqlite_sequence VALUES(${sqlLiteral(name)},${sqlLiteral(seq)});\n`);
        }
      }
    }
    if (!noSchema) {
      for (const [type, , table, sql] of schema) {
        if (type === 'table') continue;
        if (type === 'view' ? only !== null : !wanted.has(table)) continue;
        write(`${sql};\n`);
      }
    }
  }
}

export const quoteName = (name) => `"${String(name).replaceAll('"', '""')}"`;

// A value as an SQL literal that reads back as the same value and storage class.
export function sqlLiteral(value) {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NULL';
    if (!Number.isFinite(value)) return value > 0 ? '9e999' : '-9e999';
    const text = String(value);
    return /[.eE]/.test(text) ? text : `${text}.0`;
  }
  if (value instanceof Uint8Array) return `X'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex').toUpperCase()}'`;
  return `'${String(value).replaceAll("'", "''")}'`;
}

// ---- files ----

// The file name of database `databaseId`: the id itself when it is a plain name, else the id
// with every other character escaped (so that no id can name a path outside the directory).
export function databaseFileName(databaseId) {
  const id = String(databaseId);
  if (/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/.test(id)) return `${id}.sqlite`;
  return `${encodeURIComponent(id).replace(/[!'()*.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).slice(0, 240)}.sqlite`;
}

export const d1Directory = (stateDir) => path.join(path.resolve(stateDir), 'd1');
export const databaseFile = (stateDir, databaseId) => path.join(d1Directory(stateDir), databaseFileName(databaseId));

// Database `databaseId` of state directory `stateDir`, opened once per process (created when it
// does not exist). Throws a StoreError when the file cannot be opened as a database.
export const openD1Database = storeOpener(databaseFile, (db, stateDir, databaseId) => new D1Database(db, databaseFile(stateDir, databaseId)));

// The ids of the databases that have a file in `stateDir`, with their sizes: [{ id, file, size }].
export function databaseFiles(stateDir) {
  const dir = d1Directory(stateDir);
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.sqlite')) continue;
    const file = path.join(dir, name);
    let id = name.slice(0, -'.sqlite'.length);
    try {
      id = decodeURIComponent(id);
    } catch {}
    found.push({ id, file, size: sizeOnDisk(file) });
  }
  return found;
}

// The bytes a database takes: its file and its write-ahead log.
export function sizeOnDisk(file) {
  let size = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      size += statSync(f).size;
    } catch {}
  }
  return size;
}
