// `outpost d1`: D1 databases of the project's state directory, as `wrangler d1 ... --local`
// manages them: create and list databases, run SQL, apply migrations, export as SQL.
// Databases are the files <state dir>/d1/<database_id>.sqlite that `outpost dev` uses; names
// given to `create` are recorded in <state dir>/d1/databases.json. With --remote, the commands act
// on a server's state directory (remote.js).
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parse, UsageError } from './args.js';
import { STATE_OPTIONS, STATE_USAGE, loadProject, findConfigEntry } from './state.js';
import { runRemote } from './remote.js';
import { StoreError, closeAll } from '../storage/sqlite.js';
import { D1Error, d1Directory, databaseFile, databaseFiles, openD1Database, quoteName, sizeOnDisk, sqlLiteral, SERVED_BY } from '../storage/d1-store.js';

const USAGE = `Usage: outpost d1 <command> [options]

Commands:
  outpost d1 create <name>                            Create a database; prints the [[d1_databases]] entry to add
  outpost d1 list                                     List the databases of the state directory
  outpost d1 execute <database>                       Run SQL: --command <sql> or --file <path>
  outpost d1 export <database> --output <path>        Write the database as SQL text
  outpost d1 migrations create <database> <message>   Create a new migration file
  outpost d1 migrations list <database>               List the migrations not applied yet
  outpost d1 migrations apply <database>              Apply the migrations not applied yet, in order

<database> is a database_name or binding from the config (or a name given to "outpost d1 create").

Options:
      --json               (list, execute) Print JSON
      --command <sql>      (execute) SQL to run
      --file <path>        (execute) File of SQL to run
      --output <path>      (export) File to write
      --no-schema          (export) Only the rows
      --no-data            (export) Only the schema
      --table <name>       (export) Only this table (repeatable)
      --binding <name>     (create) Binding name for the printed entry (default: DB)
      --local              Use the local state (the default; accepted for wrangler compatibility)
      --remote             Act on the server at OUTPOST_API_URL (token: OUTPOST_API_TOKEN); migrations
                           create still makes its file here
${STATE_USAGE}
  -h, --help               Show this help
`;

const OPTIONS = {
  ...STATE_OPTIONS,
  json: { type: 'boolean' },
  command: { type: 'string' },
  file: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'no-schema': { type: 'boolean' },
  'no-data': { type: 'boolean' },
  table: { type: 'string', multiple: true },
  binding: { type: 'string' },
  local: { type: 'boolean' },
  remote: { type: 'boolean' },
  preview: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  force: { type: 'boolean' },
};

const DEFAULT_MIGRATIONS_TABLE = 'd1_migrations';
const PROGRESS_INTERVAL_MS = 1000;

const info = (message) => process.stderr.write(`${message}\n`);

// ---- the names of databases made with `create` ----

const registryFile = (stateDir) => path.join(d1Directory(stateDir), 'databases.json');

function readRegistry(stateDir) {
  const file = registryFile(stateDir);
  if (!existsSync(file)) return [];
  try {
    const list = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(list) ? list.filter((entry) => entry && typeof entry.uuid === 'string' && typeof entry.name === 'string') : [];
  } catch {
    throw new StoreError(`${file} is not valid JSON; fix or remove it.`);
  }
}

function writeRegistry(stateDir, list) {
  const file = registryFile(stateDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(list, null, 2)}\n`);
  renameSync(temporary, file);
}

// ---- which database ----

// The entry of the config's d1_databases with this binding or database_name, if any.
function configDatabase(config, nameOrBinding) {
  const entries = config?.d1Databases ?? [];
  return entries.find((db) => db.binding === nameOrBinding) ?? entries.find((db) => db.database_name === nameOrBinding);
}

// The migrations directory of a config entry (or of a database the config does not name).
const migrationsDirOf = (config, entry) => entry?.migrations_dir ?? path.join(config?.rootDir ?? process.cwd(), 'migrations');

function checkMigrationsDir(dir) {
  if (!existsSync(dir)) throw new UsageError(`No migrations present at ${dir}.`);
  return dir;
}

// { id, name, binding, migrationsDir, migrationsTable } for a database_name or binding of the
// config, or a name recorded by `create`.
function resolveDatabase(project, nameOrBinding) {
  const { config, stateDir } = project;
  const entry = configDatabase(config, nameOrBinding);
  if (entry) {
    return {
      id: entry.database_id,
      name: entry.database_name ?? entry.binding,
      binding: entry.binding,
      migrationsDir: migrationsDirOf(config, entry),
      migrationsTable: entry.migrations_table ?? DEFAULT_MIGRATIONS_TABLE,
    };
  }
  const registered = readRegistry(stateDir).find((db) => db.name === nameOrBinding || db.uuid === nameOrBinding);
  if (registered) {
    return { id: registered.uuid, name: registered.name, binding: null, migrationsDir: migrationsDirOf(config, null), migrationsTable: DEFAULT_MIGRATIONS_TABLE };
  }
  // Fails with the error every storage command gives, naming the bindings that exist.
  findConfigEntry(config, 'd1Databases', 'binding', nameOrBinding, 'D1 database (database_name or binding)');
  throw new UsageError(`No D1 database "${nameOrBinding}".`);
}

function openDatabaseOf(project, database) {
  return openD1Database(project.stateDir, database.id);
}

function refusePreview(values, command) {
  if (values.preview) throw new UsageError(`outpost d1 ${command}: --preview is not available; preview databases exist on Cloudflare only.`);
}

// How messages name a database: on the server (--remote) or in the local state.
const databaseLabel = (project, database) => `${project.remote ? 'remote' : 'local'} database ${database.name} (${database.id})`;

function positional(positionals, index, what, usage) {
  const value = positionals[index];
  if (value === undefined || value === '') throw new UsageError(`Missing ${what}.\n\n${usage}`);
  return value;
}

// ---- output ----

function display(value) {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Uint8Array) return `[${Array.from(value).join(',')}]`;
  return String(value);
}

// Columns a text takes in a terminal: emoji and East Asian wide characters take two.
function displayWidth(text) {
  let width = 0;
  for (const char of text) {
    const cp = char.codePointAt(0);
    if (cp < 32 || (cp >= 0x300 && cp < 0x370) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    width += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2600 && cp <= 0x27bf) || (cp >= 0x2e80 && cp <= 0xa4cf)
      || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xff60) || cp >= 0x1f300 ? 2 : 1;
  }
  return width;
}

// A boxed table, as wrangler prints results.
export function renderTable(columns, rows) {
  const cells = rows.map((row) => row.map(display));
  const widths = columns.map((name, i) => Math.max(displayWidth(String(name)), ...cells.map((row) => displayWidth(row[i]))));
  const line = (left, mid, right) => `${left}${widths.map((w) => '─'.repeat(w + 2)).join(mid)}${right}`;
  const row = (values) => `│${values.map((v, i) => ` ${v}${' '.repeat(widths[i] - displayWidth(v))} `).join('│')}│`;
  const out = [line('┌', '┬', '┐'), row(columns.map(String)), line('├', '┼', '┤'), ...cells.map(row), line('└', '┴', '┘')];
  return `${out.join('\n')}\n`;
}

const jsonCell = (value) => (value instanceof Uint8Array ? Array.from(value) : value);

function resultJson({ columns, rows, meta }) {
  return {
    results: rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, jsonCell(row[i])]))),
    success: true,
    meta: {
      served_by: SERVED_BY,
      duration: meta.duration,
      changes: meta.changes,
      last_row_id: meta.lastRowId,
      changed_db: meta.changedDb,
      size_after: meta.sizeAfter,
      rows_read: meta.rowsRead,
      rows_written: meta.rowsWritten,
    },
  };
}

// Reports progress on stderr at most once a second.
function progress(render) {
  let last = performance.now();
  return (...args) => {
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    info(render(...args));
  };
}

// ---- commands ----

async function create(argv) {
  const usage = 'Usage: outpost d1 create <name> [--binding <name>] [options]\n';
  const { values, positionals } = parse(argv, OPTIONS, usage + USAGE);
  refusePreview(values, 'create');
  const name = positional(positionals, 0, 'database name', usage);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new UsageError(`Database names are 1 to 64 letters, digits, "-" and "_"; got "${name}".`);
  const project = loadProject(values);
  const registry = readRegistry(project.stateDir);
  const existing = registry.find((db) => db.name === name) ?? (project.config?.d1Databases ?? []).find((db) => db.database_name === name);
  if (existing) {
    throw new UsageError(`A D1 database named "${name}" already exists (database_id ${existing.uuid ?? existing.database_id}).`);
  }
  const uuid = randomUUID();
  const createdAt = new Date().toISOString();
  openD1Database(project.stateDir, uuid);
  writeRegistry(project.stateDir, [...registry, { uuid, name, created_at: createdAt }]);

  const taken = new Set((project.config?.d1Databases ?? []).map((db) => db.binding));
  const binding = values.binding ?? (taken.has('DB') ? name.toUpperCase().replace(/[^A-Z0-9_]/g, '_') : 'DB');
  const configName = project.config ? path.basename(project.config.configPath) : 'wrangler.toml';
  const json = /\.jsonc?$/.test(configName);
  process.stdout.write(`✅ Successfully created DB '${name}'\n\nAdd it to ${configName}:\n\n`);
  if (json) {
    process.stdout.write(`${JSON.stringify({ d1_databases: [{ binding, database_name: name, database_id: uuid }] }, null, 2)}\n`);
  } else {
    process.stdout.write(`[[d1_databases]]\nbinding = "${binding}"\ndatabase_name = "${name}"\ndatabase_id = "${uuid}"\n`);
  }
}

async function list(argv) {
  const usage = 'Usage: outpost d1 list [--json] [options]\n';
  const { values } = parse(argv, OPTIONS, usage + USAGE);
  refusePreview(values, 'list');
  const project = loadProject(values);
  const byId = new Map();
  const add = (uuid, fields) => byId.set(uuid, { uuid, name: null, created_at: null, binding: null, ...byId.get(uuid), ...fields });
  for (const db of readRegistry(project.stateDir)) add(db.uuid, { name: db.name, created_at: db.created_at ?? null });
  for (const db of project.config?.d1Databases ?? []) add(db.database_id, { name: db.database_name ?? byId.get(db.database_id)?.name ?? db.binding, binding: db.binding });
  for (const { id } of databaseFiles(project.stateDir)) if (!byId.has(id)) add(id, {});
  const rows = [...byId.values()].map((db) => {
    const file = databaseFile(project.stateDir, db.uuid);
    const exists = existsSync(file);
    let tables = null;
    if (exists) tables = openD1Database(project.stateDir, db.uuid).tables().length;
    return { ...db, num_tables: tables, file_size: exists ? sizeOnDisk(file) : 0 };
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    const where = project.remote ? 'on the server' : `in ${d1Directory(project.stateDir)}`;
    process.stdout.write(`No D1 databases ${where}. Create one with "outpost d1 create <name>".\n`);
    return;
  }
  const columns = ['uuid', 'name', 'binding', 'created_at', 'num_tables', 'file_size'];
  process.stdout.write(renderTable(columns, rows.map((row) => columns.map((c) => (row[c] === null ? '' : row[c])))));
}

async function execute(argv) {
  const usage = 'Usage: outpost d1 execute <database> (--command <sql> | --file <path>) [--json] [options]\n';
  const { values, positionals } = parse(argv, OPTIONS, usage + USAGE);
  refusePreview(values, 'execute');
  const name = positional(positionals, 0, 'database (a database_name or binding)', usage);
  if ((values.command === undefined) === (values.file === undefined)) throw new UsageError(`Give either --command or --file.\n\n${usage}`);
  const project = loadProject(values);
  const database = resolveDatabase(project, name);
  let sql = values.command;
  let source = 'command';
  if (values.file !== undefined) {
    const file = path.resolve(values.file);
    try {
      sql = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    }
    source = path.basename(file);
  }
  if (!values.json) info(`🌀 Executing on ${databaseLabel(project, database)}${project.remote ? '' : ` from ${d1Directory(project.stateDir)}`}:`);
  const db = openDatabaseOf(project, database);
  const started = performance.now();
  const report = progress((count, offset) => `🌀 ${count} statements executed (${Math.floor((offset / sql.length) * 100)}% of ${source})`);
  const withRows = [];
  const total = { duration: 0, changes: 0, lastRowId: 0, changedDb: false, sizeAfter: 0, rowsRead: 0, rowsWritten: 0 };
  let count = 0;
  db.runScript(sql, {
    onSkip: (line) => {
      if (!values.json) info(`▲ Skipped the transaction statement on line ${line}: the whole ${source} runs in one transaction.`);
    },
    onResult: (result, offset) => {
      count += 1;
      if (result.columns.length > 0) withRows.push(result);
      const { meta } = result;
      total.duration += meta.duration;
      total.changes += meta.changes;
      total.rowsRead += meta.rowsRead;
      total.rowsWritten += meta.rowsWritten;
      total.changedDb ||= meta.changedDb;
      total.lastRowId = meta.lastRowId;
      total.sizeAfter = meta.sizeAfter;
      if (!values.json && values.file !== undefined) report(count, offset);
    },
  });
  if (count === 0) throw new UsageError(`No SQL statements in the ${source === 'command' ? 'command' : `file ${source}`}.`);
  if (values.json) {
    const shown = withRows.length > 0 ? withRows : [{ columns: [], rows: [], meta: total }];
    process.stdout.write(`${JSON.stringify(shown.map(resultJson), null, 2)}\n`);
    return;
  }
  info(`🚣 ${count} command${count === 1 ? '' : 's'} executed successfully in ${Math.round(performance.now() - started)} ms.`);
  for (const result of withRows) process.stdout.write(renderTable(result.columns, result.rows));
}

async function exportDatabase(argv) {
  const usage = 'Usage: outpost d1 export <database> --output <path> [--no-schema | --no-data] [--table <name>]... [options]\n';
  const { values, positionals } = parse(argv, OPTIONS, usage + USAGE);
  refusePreview(values, 'export');
  const name = positional(positionals, 0, 'database (a database_name or binding)', usage);
  if (!values.output) throw new UsageError(`Missing --output <path>.\n\n${usage}`);
  if (values['no-schema'] && values['no-data']) throw new UsageError('--no-schema and --no-data together would export nothing.');
  const project = loadProject(values);
  const database = resolveDatabase(project, name);
  const db = openDatabaseOf(project, database);
  const output = path.resolve(values.output);
  // On the server, the file is a copy that the client writes where it was asked to.
  const shown = project.remote ? values.output : output;
  info(`🌀 Exporting ${databaseLabel(project, database)} to ${shown}`);
  const temporary = `${output}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  let bytes = 0;
  try {
    const report = progress((table, rows) => `🌀 ${table}: ${rows} rows`);
    db.exportSql((text) => {
      bytes += writeSync(fd, text);
    }, { noSchema: values['no-schema'], noData: values['no-data'], tables: values.table ?? [], onProgress: report });
    closeSync(fd);
    renameSync(temporary, output);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {}
    rmSync(temporary, { force: true });
    throw err;
  }
  info(`🌀 Exported ${bytes} bytes to ${shown}`);
}

// ---- migrations ----

// The migration files of `dir` (*.sql), in the order of their leading numbers.
function migrationFiles(dir) {
  if (!existsSync(dir)) return [];
  const number = (name) => Number.parseInt(name.split('_')[0], 10);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort((a, b) => (number(a) - number(b)) || (a < b ? -1 : a > b ? 1 : 0));
}

function appliedMigrations(db, table) {
  const exists = db.internalAll("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", table).length > 0;
  if (!exists) return new Set();
  return new Set(db.internalAll(`SELECT name FROM ${quoteName(table)} ORDER BY id`).map(([name]) => name));
}

function checkTableName(table) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new UsageError(`migrations_table must be a plain SQL name, got "${table}".`);
  return table;
}

async function migrationsCreate(argv) {
  const usage = 'Usage: outpost d1 migrations create <database> <message> [options]\n';
  const { values, positionals } = parse(argv, OPTIONS, usage + USAGE);
  const name = positional(positionals, 0, 'database (a database_name or binding)', usage);
  const message = positional(positionals, 1, 'migration message', usage);
  const project = loadProject(values);
  const database = resolveDatabase(project, name);
  const dir = database.migrationsDir;
  mkdirSync(dir, { recursive: true });
  const highest = Math.max(-1, ...migrationFiles(dir).map((file) => Number.parseInt(file.split('_')[0], 10)).filter(Number.isFinite));
  const number = String(highest + 1).padStart(4, '0');
  const slug = message.trim().replaceAll(' ', '_').replace(/[\\/:*?"<>|\0]/g, '_');
  const file = path.join(dir, `${number}_${slug}.sql`);
  writeFileSync(file, `-- Migration number: ${number} \t ${new Date().toISOString()}\n`, { flag: 'wx' });
  process.stdout.write(`✅ Successfully created Migration '${path.basename(file)}'!\n\nThe migration is available for editing here\n${file}\n`);
}

// The project and database of `outpost d1 migrations <command> <database>` (list or apply): a
// local database with a migrations directory.
function migrationsTarget(argv, command) {
  const usage = `Usage: outpost d1 migrations ${command} <database> [options]\n`;
  const { values, positionals } = parse(argv, OPTIONS, usage + USAGE);
  refusePreview(values, `migrations ${command}`);
  const name = positional(positionals, 0, 'database (a database_name or binding)', usage);
  const project = loadProject(values);
  const database = resolveDatabase(project, name);
  checkMigrationsDir(database.migrationsDir);
  return { project, database };
}

// The migration files of `database` that `table` does not record as applied, in order.
function pendingMigrations(db, database, table) {
  const applied = appliedMigrations(db, table);
  return migrationFiles(database.migrationsDir).filter((file) => !applied.has(file));
}

async function migrationsList(argv) {
  const { project, database } = migrationsTarget(argv, 'list');
  const db = openDatabaseOf(project, database);
  const pending = pendingMigrations(db, database, checkTableName(database.migrationsTable));
  if (pending.length === 0) {
    process.stdout.write('✅ No migrations to apply!\n');
    return;
  }
  process.stdout.write(`Migrations to be applied:\n${renderTable(['name'], pending.map((file) => [file]))}`);
}

async function migrationsApply(argv) {
  const { project, database } = migrationsTarget(argv, 'apply');
  const table = checkTableName(database.migrationsTable);
  const db = openDatabaseOf(project, database);
  db.runScript(`CREATE TABLE IF NOT EXISTS ${quoteName(table)} (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT UNIQUE,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
  );`);
  const pending = pendingMigrations(db, database, table);
  if (pending.length === 0) {
    process.stdout.write('✅ No migrations to apply!\n');
    return;
  }
  info(`🌀 Applying ${pending.length} migration${pending.length === 1 ? '' : 's'} to ${databaseLabel(project, database)}:`);
  const status = new Map(pending.map((file) => [file, '🕒']));
  const statusTable = () => renderTable(['name', 'status'], pending.map((file) => [file, status.get(file)]));
  for (const [index, file] of pending.entries()) {
    const sql = readFileSync(path.join(database.migrationsDir, file), 'utf8');
    info(`🌀 ${index + 1}/${pending.length} ${file}`);
    const report = progress((count, offset) => `   ${count} statements (${Math.floor((offset / sql.length) * 100)}%)`);
    let count = 0;
    try {
      db.transaction(() => {
        db.runScript(sql, {
          onSkip: (line) => info(`▲ ${file}: skipped the transaction statement on line ${line}; each migration runs in one transaction.`),
          onResult: (result, offset) => {
            count += 1;
            report(count, offset);
          },
        });
        db.runScript(`INSERT INTO ${quoteName(table)} (name) VALUES (${sqlLiteral(file)});`);
      });
    } catch (err) {
      status.set(file, '❌');
      process.stdout.write(statusTable());
      if (err instanceof D1Error) throw new StoreError(`Migration ${file} failed, and was rolled back (earlier migrations stay applied): ${err.detail}`);
      throw err;
    }
    status.set(file, '✅');
  }
  process.stdout.write(statusTable());
}

const COMMANDS = {
  create,
  list,
  execute,
  export: exportDatabase,
};

const MIGRATIONS = {
  create: migrationsCreate,
  list: migrationsList,
  apply: migrationsApply,
};

// What --remote sends to the server (remote.js): the file of --file, and the migration files for
// migrations list and apply; the file of --output comes back.
export const REMOTE = {
  options: OPTIONS,
  words: ([command]) => (command === 'migrations' ? 2 : 1),
  reads: ['list', 'export', 'migrations list'],
  files: () => [{ option: 'file' }, { option: 'output', output: true }],
  migrations: (command, [name], config) => {
    if ((command !== 'migrations list' && command !== 'migrations apply') || name === undefined) return null;
    const dir = checkMigrationsDir(migrationsDirOf(config, configDatabase(config, name)));
    return migrationFiles(dir).map((file) => ({ name: file, content: readFileSync(path.join(dir, file)) }));
  },
};

export async function run(argv) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  let handler = COMMANDS[command];
  let args = rest;
  if (command === 'migrations') {
    const [sub, ...subRest] = rest;
    handler = MIGRATIONS[sub];
    args = subRest;
    if (!handler) throw new UsageError(`${sub ? `Unknown command "d1 migrations ${sub}"` : 'Missing a migrations command'}: use create, list or apply.\n\n${USAGE}`);
  }
  if (!handler) throw new UsageError(`Unknown command "d1 ${command}".\n\n${USAGE}`);
  // --remote runs the command on the server; migrations create makes a file of the project, here.
  if (handler !== migrationsCreate && args.includes('--remote')) {
    const parsed = parse(argv, OPTIONS, USAGE);
    if (parsed.values.remote) return runRemote('d1', REMOTE, parsed);
  }
  try {
    await handler(args);
  } catch (err) {
    if (err instanceof D1Error) throw new StoreError(err.detail);
    throw err;
  } finally {
    closeAll();
  }
}
