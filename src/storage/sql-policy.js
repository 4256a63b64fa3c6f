// What a worker's SQL may do against the SQLite databases of D1 (src/storage/d1-store.js) and of
// Durable Objects (src/storage/durable-object-store.js): both follow Workers' SQLite rules, an
// authorizer over every statement as it is prepared:
//  - one database: no ATTACH or DETACH (so no VACUUM either), no temporary objects, no
//    transactions or savepoints in SQL (the JavaScript APIs are the transactions);
//  - no name starting with _cf_ (the runtime's own tables);
//  - a fixed list of SQL functions and of PRAGMAs; virtual tables only for FTS5.
// Each store passes in what differs: its functions, how it reads a PRAGMA's number, and what it
// records about the statement being prepared. Also here: the connection's limits and defensive
// mode (restrictConnection), and how values cross as Workers hands them over (numbersOf,
// positionalArgs).
import { constants as C } from 'node:sqlite';

// SQL functions both offer (core, date, aggregate, window, math, JSON, FTS5, and those ALTER
// TABLE runs internally). Not load_extension(), and nothing that reveals how SQLite was built.
export const SHARED_FUNCTIONS = Object.freeze([
  'abs', 'changes', 'char', 'coalesce', 'concat', 'concat_ws', 'format', 'glob', 'hex', 'ifnull', 'iif', 'instr',
  'last_insert_rowid', 'length', 'like', 'likelihood', 'likely', 'lower', 'ltrim', 'nullif', 'octet_length',
  'printf', 'quote', 'random', 'randomblob', 'replace', 'round', 'rtrim', 'sign', 'soundex', 'substr', 'substring',
  'total_changes', 'trim', 'typeof', 'unhex', 'unicode', 'unlikely', 'upper', 'zeroblob',
  'date', 'time', 'datetime', 'julianday', 'unixepoch', 'strftime', 'timediff', 'current_date', 'current_time',
  'current_timestamp',
  'avg', 'count', 'group_concat', 'max', 'min', 'string_agg', 'sum', 'total',
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value',
  'last_value', 'nth_value',
  'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'ceil', 'ceiling', 'cos', 'cosh', 'degrees', 'exp',
  'floor', 'ln', 'log', 'log10', 'log2', 'mod', 'pi', 'pow', 'power', 'radians', 'sin', 'sinh', 'sqrt', 'tan',
  'tanh', 'trunc',
  'json', 'json_array', 'json_array_length', 'json_extract', '->', '->>', 'json_insert', 'json_object', 'json_patch',
  'json_remove', 'json_replace', 'json_set', 'json_type', 'json_valid', 'json_quote', 'json_group_array',
  'json_group_object', 'json_each', 'json_tree',
  'match', 'highlight', 'bm25', 'snippet',
  'sqlite_rename_column', 'sqlite_rename_table', 'sqlite_rename_test', 'sqlite_drop_column', 'sqlite_rename_quotefix',
]);

// PRAGMAs a worker may use, by the argument they take.
const BOOLEAN = /^(["']?)(true|false|yes|no|on|off|1|0)\1$/i;
const PRAGMAS = {
  table_list: 'none-or-any',
  table_info: 'name',
  table_xinfo: 'name',
  data_version: 'none',
  case_sensitive_like: 'boolean',
  foreign_keys: 'boolean',
  defer_foreign_keys: 'boolean',
  ignore_check_constraints: 'boolean',
  legacy_alter_table: 'boolean',
  recursive_triggers: 'boolean',
  reverse_unordered_selects: 'boolean',
  foreign_key_check: 'optional-name',
  foreign_key_list: 'name',
  index_info: 'name',
  index_list: 'name',
  index_xinfo: 'name',
  quick_check: 'optional-number-or-name',
  optimize: 'optional-number',
};
// PRAGMAs that can be read as table-valued functions (SELECT * FROM pragma_table_info('t')).
const PRAGMA_TABLES = new Set(['table_list', 'table_info', 'table_xinfo', 'foreign_key_list', 'foreign_key_check',
  'index_info', 'index_list', 'index_xinfo']);

// Names a worker may not touch: the runtime keeps its own tables under _cf_.
const allowedName = (name) => typeof name !== 'string' || !/^_cf_/i.test(name);

// The authorizer's decision, `allowed(action, a, b, database, context)` (true: SQLITE_OK, false:
// SQLITE_DENY), for a store that offers `functions` (names, lower case) and reads the argument of
// an 'optional-number' PRAGMA (optimize) with `optionalNumber`. `context` is what the store
// records about the statement being prepared (null when none is); with one, the policy calls
//  - onWrite(context) for an action that writes (before allowing it);
//  - onPragma(context, name, given) for a known PRAGMA (`given`: whether it has an argument),
//    before its argument is checked;
//  - onTransaction(context) for BEGIN, COMMIT, ROLLBACK or SAVEPOINT (always refused).
export function sqlAuthorizer({ functions, optionalNumber = /^-?\d+$/, onWrite = () => {}, onPragma = () => {}, onTransaction = () => {} }) {
  const allowedFunctions = new Set(functions);

  function pragmaAllowed(name, arg, context) {
    const kind = PRAGMAS[name];
    if (!kind) return false;
    const given = arg !== null && arg !== undefined;
    if (context) onPragma(context, name, given);
    switch (kind) {
      case 'none': return !given;
      case 'none-or-any': return true;
      case 'boolean': return !given || BOOLEAN.test(arg);
      case 'name': return given && allowedName(arg);
      case 'optional-name': return !given || allowedName(arg);
      case 'optional-number': return !given || optionalNumber.test(arg);
      case 'optional-number-or-name': return !given || /^\d+$/.test(arg) || allowedName(arg);
      default: return false;
    }
  }

  return function allowed(action, a, b, database, context) {
    if (action === C.SQLITE_ATTACH || action === C.SQLITE_DETACH) return false;
    if (action === C.SQLITE_TRANSACTION || action === C.SQLITE_SAVEPOINT) {
      if (context) onTransaction(context);
      return false;
    }
    if (database === 'temp') return action === C.SQLITE_READ || action === C.SQLITE_UPDATE;
    if (database && database !== 'main') return false;
    const writes = () => {
      if (context) onWrite(context);
      return true;
    };
    switch (action) {
      case C.SQLITE_SELECT:
      case C.SQLITE_RECURSIVE:
        return true;
      case C.SQLITE_READ:
        if (/^pragma_/i.test(a)) return PRAGMA_TABLES.has(a.slice(7).toLowerCase());
        return allowedName(a);
      case C.SQLITE_UPDATE:
      case C.SQLITE_INSERT:
      case C.SQLITE_DELETE:
      case C.SQLITE_CREATE_TABLE:
      case C.SQLITE_DROP_TABLE:
      case C.SQLITE_CREATE_VIEW:
      case C.SQLITE_DROP_VIEW:
      case C.SQLITE_REINDEX:
        return allowedName(a) && writes();
      case C.SQLITE_ANALYZE: // statistics of every table, the runtime's included
        return writes();
      case C.SQLITE_ALTER_TABLE: // a: the database, b: the table
        return allowedName(b) && writes();
      case C.SQLITE_CREATE_INDEX:
      case C.SQLITE_DROP_INDEX:
      case C.SQLITE_CREATE_TRIGGER:
      case C.SQLITE_DROP_TRIGGER:
        return allowedName(a) && allowedName(b) && writes();
      case C.SQLITE_CREATE_VTABLE:
      case C.SQLITE_DROP_VTABLE:
        return /^fts5(vocab)?$/i.test(b ?? '') && allowedName(a) && writes();
      case C.SQLITE_FUNCTION:
        return allowedFunctions.has(String(b).toLowerCase());
      case C.SQLITE_PRAGMA:
        return pragmaAllowed(String(a).toLowerCase(), b, context);
      default:
        // Temporary objects, other virtual tables: refused.
        return false;
    }
  };
}

// The authorizer of one connection. Statements the store runs itself, inside trusted(fn), pass
// unchecked; the others are decided by `allowed` (made by sqlAuthorizer), which records what it
// learns in `context`: the store sets it while it prepares a worker's statement (null otherwise).
export class ConnectionAuthorizer {
  #allowed;
  #trusted = 0; // > 0 while the store runs its own statements
  context = null;

  constructor(allowed) {
    this.#allowed = allowed;
  }

  authorize(action, a, b, database) {
    if (this.#trusted > 0) return C.SQLITE_OK;
    return this.#allowed(action, a, b, database, this.context) ? C.SQLITE_OK : C.SQLITE_DENY;
  }

  // Runs `fn` with the store's own rights.
  trusted(fn) {
    this.#trusted += 1;
    try {
      return fn();
    } finally {
      this.#trusted -= 1;
    }
  }
}

// Puts connection `db` under the rules: SQLite's limits from `limits` ({ valueBytes (strings,
// BLOBs and rows), statementBytes, columns, boundParameters, functionArguments,
// likePatternBytes, compoundSelect (optional) }), no attached databases, defensive mode (the
// schema cannot be written directly), and `authorizer` (a ConnectionAuthorizer).
export function restrictConnection(db, limits, authorizer) {
  const set = db.limits;
  set.length = limits.valueBytes;
  set.sqlLength = limits.statementBytes;
  set.column = limits.columns;
  set.variableNumber = limits.boundParameters;
  set.functionArg = limits.functionArguments;
  set.likePatternLength = limits.likePatternBytes;
  if (limits.compoundSelect !== undefined) set.compoundSelect = limits.compoundSelect;
  set.attach = 0;
  db.enableDefensive(true);
  db.setAuthorizer((action, a, b, database) => authorizer.authorize(action, a, b, database));
}

// Integers are read as BigInt (so that none makes reading fail) and handed out as numbers, as
// Workers does (beyond 2^53 they lose precision there too).
export function numbersOf(rows) {
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      if (typeof row[i] === 'bigint') row[i] = Number(row[i]);
    }
  }
  return rows;
}

// The arguments of node:sqlite's run/all/get for positional `args` of a statement with `named`
// parameters ([[name, index], ...], from parameters() of d1-store.js): node:sqlite binds named
// parameters by name only, Workers binds them by their position. `args` is returned as it is when
// there are none.
export function positionalArgs(args, named) {
  if (named.length === 0) return args;
  const byName = {};
  const positions = new Set();
  for (const [name, index] of named) {
    byName[name] = args[index - 1];
    positions.add(index - 1);
  }
  return [byName, ...args.filter((_, i) => !positions.has(i))];
}
