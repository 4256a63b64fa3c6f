// `outpost d1` as a user runs it: a real child process in a project directory, working on the
// same state directory `outpost dev` uses.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startWorker } from '../helpers/worker.js';

const BIN = new URL('../../bin/outpost.js', import.meta.url).pathname;
const DB_ID = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

const dirs = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function projectDir({ toml = '' } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-d1-cli-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'wrangler.toml'), `name = "cli"
main = "src/index.js"
compatibility_date = "2024-09-23"

[[d1_databases]]
binding = "DB"
database_name = "app-db"
database_id = "${DB_ID}"
${toml}`);
  return dir;
}

// Runs `outpost d1 ...args` in `cwd`: { code, stdout, stderr }.
async function d1(cwd, ...args) {
  const child = spawn(process.execPath, ['--no-node-snapshot', BIN, 'd1', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const [code] = await once(child, 'exit');
  return { code, stdout, stderr };
}

async function ok(cwd, ...args) {
  const result = await d1(cwd, ...args);
  assert.equal(result.code, 0, `outpost d1 ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

async function query(cwd, sql) {
  return JSON.parse((await ok(cwd, 'execute', 'DB', '--json', '--command', sql)).stdout);
}

test('create prints the [[d1_databases]] entry with a new id, and list shows it with the config\'s databases', async () => {
  const dir = projectDir();
  const { stdout } = await ok(dir, 'create', 'my-new-db');
  const id = /database_id = "([0-9a-f-]{36})"/.exec(stdout)?.[1];
  assert.ok(id, stdout);
  assert.match(stdout, /\[\[d1_databases\]\]\nbinding = "MY_NEW_DB"\ndatabase_name = "my-new-db"\ndatabase_id = "[0-9a-f-]{36}"\n/);
  assert.match(stdout, /Add it to wrangler\.toml/);
  assert.ok(existsSync(path.join(dir, '.outpost', 'state', 'd1', `${id}.sqlite`)));

  const duplicate = await d1(dir, 'create', 'my-new-db');
  assert.equal(duplicate.code, 1);
  assert.match(duplicate.stderr, /A D1 database named "my-new-db" already exists/);
  const bad = await d1(dir, 'create', 'no/slashes');
  assert.equal(bad.code, 1);

  const listed = JSON.parse((await ok(dir, 'list', '--json')).stdout);
  const byName = Object.fromEntries(listed.map((db) => [db.name, db]));
  assert.equal(byName['my-new-db'].uuid, id);
  assert.match(byName['my-new-db'].created_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(byName['my-new-db'].num_tables, 0);
  assert.equal(byName['app-db'].uuid, DB_ID);
  assert.equal(byName['app-db'].binding, 'DB');
  const table = (await ok(dir, 'list')).stdout;
  assert.match(table, /│ uuid +│ name +│/);
  assert.match(table, new RegExp(`│ ${id} │ my-new-db │`));

  // A database made by `create` can be used by name before it is in the config.
  await ok(dir, 'execute', 'my-new-db', '--command', 'CREATE TABLE t (v)');
  assert.equal(JSON.parse((await ok(dir, 'list', '--json')).stdout).find((db) => db.name === 'my-new-db').num_tables, 1);

  // With a wrangler.json config, the entry is printed as JSON.
  const jsonDir = mkdtempSync(path.join(tmpdir(), 'outpost-d1-cli-'));
  dirs.push(jsonDir);
  writeFileSync(path.join(jsonDir, 'wrangler.json'), JSON.stringify({ name: 'j', main: 'src/index.js', compatibility_date: '2024-09-23' }));
  const printed = (await ok(jsonDir, 'create', 'jsondb', '--binding', 'STORE')).stdout;
  const entry = JSON.parse(printed.slice(printed.indexOf('{'))).d1_databases[0];
  assert.equal(entry.binding, 'STORE');
  assert.equal(entry.database_name, 'jsondb');
  assert.match(entry.database_id, /^[0-9a-f-]{36}$/);
});

test('execute --command: results as tables, or as JSON like wrangler; by binding or database_name', async () => {
  const dir = projectDir();
  const created = await ok(dir, 'execute', 'DB', '--local', '--command', `CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, data BLOB);
INSERT INTO items (name, price, data) VALUES ('pen', 1.5, x'00ff'), ('ink', NULL, NULL);`);
  assert.match(created.stderr, /Executing on local database app-db \(0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9\)/);
  assert.match(created.stderr, /2 commands executed successfully/);
  const { stdout } = await ok(dir, 'execute', 'app-db', '--command', 'SELECT id, name, price, data FROM items ORDER BY id; SELECT count(*) AS n FROM items');
  assert.equal(stdout, `┌────┬──────┬───────┬─────────┐
│ id │ name │ price │ data    │
├────┼──────┼───────┼─────────┤
│ 1  │ pen  │ 1.5   │ [0,255] │
│ 2  │ ink  │ null  │ null    │
└────┴──────┴───────┴─────────┘
┌───┐
│ n │
├───┤
│ 2 │
└───┘
`);
  const json = await query(dir, 'SELECT id, name, price, data FROM items ORDER BY id');
  assert.equal(json.length, 1);
  assert.equal(json[0].success, true);
  assert.deepEqual(json[0].results, [
    { id: 1, name: 'pen', price: 1.5, data: [0, 255] },
    { id: 2, name: 'ink', price: null, data: null },
  ]);
  assert.equal(json[0].meta.rows_read, 2);
  const write = await query(dir, "UPDATE items SET price = 2 WHERE name = 'ink'");
  assert.deepEqual(write[0].results, []);
  assert.equal(write[0].meta.changes, 1);
  assert.equal(write[0].meta.changed_db, true);
});

test('execute: errors and refusals exit with status 1 and a clear message', async () => {
  const dir = projectDir();
  const missing = await d1(dir, 'execute', 'DB', '--command', 'SELECT * FROM nope');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /✘ Error in line 1: SELECT \* FROM nope: no such table: nope: SQLITE_ERROR/);
  const secondLine = await d1(dir, 'execute', 'DB', '--command', 'CREATE TABLE a (v);\nINSERT INTO a VALUES (1);\nINSERT INTO nope VALUES (1);');
  assert.equal(secondLine.code, 1);
  assert.match(secondLine.stderr, /Error in line 3: INSERT INTO nope VALUES \(1\);: no such table: nope/);
  // The failed script left nothing behind: it ran in one transaction.
  assert.match((await d1(dir, 'execute', 'DB', '--command', 'SELECT * FROM a')).stderr, /no such table: a/);
  const remote = await d1(dir, 'execute', 'DB', '--remote', '--command', 'SELECT 1');
  assert.equal(remote.code, 1);
  assert.match(remote.stderr, /Set OUTPOST_API_URL and OUTPOST_API_TOKEN/, 'without a server to act on');
  const neither = await d1(dir, 'execute', 'DB');
  assert.equal(neither.code, 1);
  assert.match(neither.stderr, /Give either --command or --file/);
  const unknown = await d1(dir, 'execute', 'OTHER', '--command', 'SELECT 1');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /No D1 database .*"OTHER".*Known: DB/);
  const noFile = await d1(dir, 'execute', 'DB', '--file', 'missing.sql');
  assert.equal(noFile.code, 1);
  assert.match(noFile.stderr, /Cannot read .*missing\.sql: no such file/);
  const attach = await d1(dir, 'execute', 'DB', '--command', "ATTACH '/etc/passwd' AS p");
  assert.equal(attach.code, 1);
  assert.match(attach.stderr, /not authorized: SQLITE_AUTH/);
  const badFlag = await d1(dir, 'execute', 'DB', '--bogus');
  assert.equal(badFlag.code, 1);
  assert.match(badFlag.stderr, /Unknown option '--bogus'/);
  const badCommand = await d1(dir, 'frobnicate');
  assert.equal(badCommand.code, 1);
  assert.match(badCommand.stderr, /Unknown command "d1 frobnicate"/);
});

test('execute --file: a large file runs in one transaction with progress on stderr; BEGIN/COMMIT are skipped', async () => {
  const dir = projectDir();
  const lines = ['PRAGMA foreign_keys=OFF;', 'BEGIN TRANSACTION;', 'CREATE TABLE big (id INTEGER PRIMARY KEY, body TEXT);'];
  const rows = 60_000;
  for (let i = 1; i <= rows; i++) lines.push(`INSERT INTO big VALUES(${i},'row ${i}; with a semicolon and ''quotes''');`);
  lines.push('COMMIT;');
  writeFileSync(path.join(dir, 'big.sql'), lines.join('\n'));
  const run = await ok(dir, 'execute', 'DB', '--file', 'big.sql');
  assert.match(run.stderr, /Skipped the transaction statement on line 2/);
  assert.match(run.stderr, /Skipped the transaction statement on line 60004/);
  assert.match(run.stderr, /60002 commands executed successfully/);
  const [{ results }] = await query(dir, "SELECT count(*) AS n, max(body) AS last FROM big WHERE body LIKE 'row %'");
  assert.equal(results[0].n, rows);

  // A file that fails part way leaves nothing of itself behind.
  writeFileSync(path.join(dir, 'bad.sql'), `${lines.slice(3, 1003).join('\n').replaceAll('INSERT INTO big VALUES(', 'INSERT INTO big VALUES(1000000+')}\nINSERT INTO big VALUES(1, 'duplicate');\n`);
  const bad = await d1(dir, 'execute', 'DB', '--file', 'bad.sql');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Error in line 1001: INSERT INTO big VALUES\(1, 'duplicate'\);: UNIQUE constraint failed: big\.id: SQLITE_CONSTRAINT/);
  assert.equal((await query(dir, 'SELECT count(*) AS n FROM big'))[0].results[0].n, rows);
});

test('progress: long files report how far they are on stderr', async () => {
  const dir = projectDir();
  // Statements slow enough that the run takes a few seconds.
  const slow = "INSERT INTO p SELECT count(*) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) SELECT i FROM n);";
  writeFileSync(path.join(dir, 'slow.sql'), ["CREATE TABLE p (v);", ...Array(60).fill(slow)].join('\n'));
  const run = await ok(dir, 'execute', 'DB', '--file', 'slow.sql');
  assert.match(run.stderr, /🌀 \d+ statements executed \(\d+% of slow\.sql\)/);
});

test('migrations: create numbers files, list shows unapplied ones, apply runs them in order and records them', async () => {
  const dir = projectDir();
  const first = await ok(dir, 'migrations', 'create', 'DB', 'create users');
  assert.match(first.stdout, /Successfully created Migration '0000_create_users\.sql'/);
  await ok(dir, 'migrations', 'create', 'app-db', 'add posts');
  const migrations = path.join(dir, 'migrations');
  assert.deepEqual(readdirSync(migrations), ['0000_create_users.sql', '0001_add_posts.sql']);
  assert.match(readFileSync(path.join(migrations, '0000_create_users.sql'), 'utf8'), /^-- Migration number: 0000 \t \d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
  writeFileSync(path.join(migrations, '0000_create_users.sql'), `CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
INSERT INTO users (name) VALUES ('first');
`, { flag: 'a' });
  // defer_foreign_keys lasts for the migration's transaction: a post may come before its author.
  writeFileSync(path.join(migrations, '0001_add_posts.sql'), `CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), title TEXT);
PRAGMA defer_foreign_keys = on;
INSERT INTO posts (user_id, title) VALUES (2, 'before its author');
INSERT INTO users (id, name) VALUES (2, 'second');
`, { flag: 'a' });

  const listed = await ok(dir, 'migrations', 'list', 'DB');
  assert.match(listed.stdout, /Migrations to be applied:/);
  assert.match(listed.stdout, /│ 0000_create_users\.sql │\n│ 0001_add_posts\.sql +│/);

  const applied = await ok(dir, 'migrations', 'apply', 'DB', '--local');
  assert.match(applied.stderr, /Applying 2 migrations/);
  assert.match(applied.stderr, /1\/2 0000_create_users\.sql/);
  assert.match(applied.stdout, /│ 0000_create_users\.sql │ ✅ +│\n│ 0001_add_posts\.sql +│ ✅ +│/);
  const recorded = await query(dir, 'SELECT id, name, applied_at FROM d1_migrations ORDER BY id');
  assert.deepEqual(recorded[0].results.map((r) => [r.id, r.name]), [[1, '0000_create_users.sql'], [2, '0001_add_posts.sql']]);
  assert.match(recorded[0].results[0].applied_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.deepEqual((await query(dir, 'SELECT title FROM posts'))[0].results, [{ title: 'before its author' }]);
  assert.deepEqual((await query(dir, 'SELECT name FROM users ORDER BY id'))[0].results, [{ name: 'first' }, { name: 'second' }]);

  assert.match((await ok(dir, 'migrations', 'list', 'DB')).stdout, /No migrations to apply!/);
  assert.match((await ok(dir, 'migrations', 'apply', 'DB')).stdout, /No migrations to apply!/);
  const third = await ok(dir, 'migrations', 'create', 'DB', 'third');
  assert.match(third.stdout, /0002_third\.sql/);
});

test('migrations apply: a failing migration stops with its error, is rolled back, and leaves earlier ones applied', async () => {
  const dir = projectDir({ toml: 'migrations_dir = "db/migrations"\nmigrations_table = "schema_history"\n' });
  const migrations = path.join(dir, 'db', 'migrations');
  mkdirSync(migrations, { recursive: true });
  writeFileSync(path.join(migrations, '0001_one.sql'), 'CREATE TABLE one (v);\nINSERT INTO one VALUES (1);\n');
  writeFileSync(path.join(migrations, '0002_two.sql'), 'CREATE TABLE two (v);\nINSERT INTO two VALUES (2);\nINSERT INTO missing VALUES (3);\n');
  writeFileSync(path.join(migrations, '0003_three.sql'), 'CREATE TABLE three (v);\n');
  writeFileSync(path.join(migrations, '0010_ten.sql'), 'CREATE TABLE ten (v);\n');
  const failed = await d1(dir, 'migrations', 'apply', 'DB');
  assert.equal(failed.code, 1);
  assert.match(failed.stdout, /│ 0001_one\.sql +│ ✅ +│\n│ 0002_two\.sql +│ ❌ +│\n│ 0003_three\.sql +│ 🕒 +│\n│ 0010_ten\.sql +│ 🕒 +│/);
  assert.match(failed.stderr, /Migration 0002_two\.sql failed, and was rolled back \(earlier migrations stay applied\): Error in line 3: INSERT INTO missing VALUES \(3\);: no such table: missing: SQLITE_ERROR/);
  const tables = (await query(dir, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"))[0].results.map((r) => r.name);
  assert.deepEqual(tables, ['one', 'schema_history']);
  assert.deepEqual((await query(dir, 'SELECT name FROM schema_history'))[0].results, [{ name: '0001_one.sql' }]);
  assert.match((await ok(dir, 'migrations', 'list', 'DB')).stdout, /0002_two\.sql[\s\S]*0003_three\.sql[\s\S]*0010_ten\.sql/);

  writeFileSync(path.join(migrations, '0002_two.sql'), 'CREATE TABLE two (v);\nINSERT INTO two VALUES (2);\n');
  await ok(dir, 'migrations', 'apply', 'DB');
  assert.deepEqual((await query(dir, 'SELECT name FROM schema_history ORDER BY id'))[0].results.map((r) => r.name), ['0001_one.sql', '0002_two.sql', '0003_three.sql', '0010_ten.sql']);
  const noDir = projectDir();
  const none = await d1(noDir, 'migrations', 'apply', 'DB');
  assert.equal(none.code, 1);
  assert.match(none.stderr, /No migrations present at .*migrations/);
});

test('export: SQL text of the schema and the rows that imports back to the same database', async () => {
  const dir = projectDir();
  await ok(dir, 'execute', 'DB', '--command', `CREATE TABLE authors (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);
CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), title TEXT, price REAL, cover BLOB, meta ANY);
CREATE INDEX books_by_author ON books(author_id);
CREATE VIEW titles AS SELECT title FROM books;
CREATE TRIGGER books_title AFTER INSERT ON books BEGIN UPDATE books SET title = trim(title) WHERE id = NEW.id; END;
INSERT INTO authors (name) VALUES ('Ada'), ('Zoë ''Z'' O''Brien'), ('deleted');
DELETE FROM authors WHERE name = 'deleted';
INSERT INTO books VALUES (1, 2, 'Line one
line two', 3.0, x'DEADBEEF', 1.5), (2, 1, 'Plain', NULL, NULL, 'text'), (3, 1, 'Big', 1e300, x'', 9007199254740993);`);
  const out = path.join(dir, 'export.sql');
  const exported = await ok(dir, 'export', 'DB', '--output', out);
  assert.match(exported.stderr, /Exported \d+ bytes to .*export\.sql/);
  const sql = readFileSync(out, 'utf8');
  assert.match(sql, /^PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE authors/);
  assert.match(sql, /INSERT INTO "authors" \("id","name"\) VALUES\(2,'Zoë ''Z'' O''Brien'\);/);
  assert.match(sql, /INSERT INTO "books" \("id","author_id","title","price","cover","meta"\) VALUES\(1,2,'Line one\nline two',3\.0,X'DEADBEEF',1\.5\);/);
  assert.ok(sql.indexOf('CREATE INDEX books_by_author') > sql.lastIndexOf('INSERT INTO "books"'), 'indexes come after the rows');
  assert.match(sql, /INSERT INTO sqlite_sequence VALUES\('authors',3\);/);

  const schemaOnly = readAfter(await ok(dir, 'export', 'DB', '--output', path.join(dir, 'schema.sql'), '--no-data'), path.join(dir, 'schema.sql'));
  assert.doesNotMatch(schemaOnly, /INSERT INTO/);
  assert.match(schemaOnly, /CREATE TRIGGER books_title/);
  const dataOnly = readAfter(await ok(dir, 'export', 'DB', '--output', path.join(dir, 'data.sql'), '--no-schema', '--table', 'authors'), path.join(dir, 'data.sql'));
  assert.doesNotMatch(dataOnly, /CREATE|books/);
  assert.match(dataOnly, /INSERT INTO "authors"/);
  const both = await d1(dir, 'export', 'DB', '--output', path.join(dir, 'x.sql'), '--no-data', '--no-schema');
  assert.equal(both.code, 1);
  const missingTable = await d1(dir, 'export', 'DB', '--output', path.join(dir, 'y.sql'), '--table', 'nope');
  assert.equal(missingTable.code, 1);
  assert.match(missingTable.stderr, /No such table: nope/);
  assert.equal(existsSync(path.join(dir, 'y.sql')), false);

  // Imported into a new database, the export gives the same rows, types and counters.
  await ok(dir, 'create', 'copy');
  await ok(dir, 'execute', 'copy', '--file', out);
  const dump = async (name) => JSON.parse((await ok(dir, 'execute', name, '--json', '--command',
    `SELECT id, author_id, title, price, typeof(price) AS pt, hex(cover) AS cover, meta, typeof(meta) AS mt FROM books ORDER BY id;
     SELECT * FROM authors ORDER BY id; SELECT * FROM sqlite_sequence; SELECT * FROM titles ORDER BY title;
     SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)).stdout).map((r) => r.results);
  const original = await dump('DB');
  assert.equal(original.length, 5);
  assert.deepEqual(original[0][2], { id: 3, author_id: 1, title: 'Big', price: 1e300, pt: 'real', cover: '', meta: 9007199254740992, mt: 'integer' });
  assert.deepEqual(await dump('copy'), original);
  await ok(dir, 'execute', 'copy', '--command', "INSERT INTO authors (name) VALUES ('next')");
  assert.deepEqual((JSON.parse((await ok(dir, 'execute', 'copy', '--json', '--command', "SELECT id FROM authors WHERE name = 'next'")).stdout))[0].results, [{ id: 4 }]);
});

function readAfter(_result, file) {
  return readFileSync(file, 'utf8');
}

test('the CLI and a running worker share the database in the state directory', async () => {
  const dir = projectDir();
  await ok(dir, 'execute', 'DB', '--command', "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('from the CLI')");
  const w = await startWorker(`export default {
    async fetch(request, env) {
      if (new URL(request.url).pathname === '/first') return Response.json(await env.DB.prepare('SELECT * FROM notes').first());
      if (request.method === 'POST') await env.DB.prepare('INSERT INTO notes VALUES (?)').bind(await request.text()).run();
      return Response.json((await env.DB.prepare('SELECT body FROM notes ORDER BY rowid').raw()).flat());
    },
  };`, { env: { bindings: { DB: { type: 'd1', databaseId: DB_ID, databaseName: 'app-db' } } }, stateDir: path.join(dir, '.outpost', 'state') });
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), ['from the CLI']);
    assert.deepEqual(await (await w.fetch('/', { method: 'POST', body: 'from the worker' })).json(), ['from the CLI', 'from the worker']);
    await ok(dir, 'execute', 'DB', '--command', "INSERT INTO notes VALUES ('CLI again')");
    assert.deepEqual(await (await w.fetch('/')).json(), ['from the CLI', 'from the worker', 'CLI again']);
    assert.deepEqual((await query(dir, 'SELECT count(*) AS n FROM notes'))[0].results, [{ n: 3 }]);
    // A schema change made by the CLI reaches the worker's cached statements.
    assert.deepEqual(await (await w.fetch('/first')).json(), { body: 'from the CLI' });
    await ok(dir, 'execute', 'DB', '--command', "ALTER TABLE notes ADD COLUMN lang TEXT DEFAULT 'en'");
    assert.deepEqual(await (await w.fetch('/first')).json(), { body: 'from the CLI', lang: 'en' });
    await ok(dir, 'execute', 'DB', '--command', 'ALTER TABLE notes RENAME COLUMN body TO text');
    assert.deepEqual(await (await w.fetch('/first')).json(), { text: 'from the CLI', lang: 'en' });
  } finally {
    await w.dispose();
  }
});

test('--persist-to and --config choose the state directory and the project', async () => {
  const dir = projectDir();
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'outpost-d1-state-'));
  dirs.push(elsewhere);
  const cwd = mkdtempSync(path.join(tmpdir(), 'outpost-d1-cwd-'));
  dirs.push(cwd);
  await ok(cwd, 'execute', 'DB', '-c', path.join(dir, 'wrangler.toml'), '--persist-to', elsewhere, '--command', 'CREATE TABLE here (v)');
  assert.ok(existsSync(path.join(elsewhere, 'd1', `${DB_ID}.sqlite`)));
  assert.equal(existsSync(path.join(dir, '.outpost')), false);
  const help = await ok(dir, '--help');
  assert.match(help.stdout, /outpost d1 migrations apply <database>/);
  assert.match(help.stdout, /--persist-to <dir>/);
});
