// D1 databases through real workers: D1's API and result shapes, its errors for bad input, what
// SQLite may and may not do from a worker, persistence, isolation between bindings, and several
// processes sharing one database file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startWorker } from '../helpers/worker.js';
import { runChecks, value, error } from '../web/run-checks.js';
import { openD1Database, databaseFile } from '../../src/storage/d1-store.js';

const dirs = [];
function stateDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-d1-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const D1 = (databaseId = 'db-main') => ({ type: 'd1', databaseId, databaseName: 'main-db' });
const withD1 = (dir = stateDir(), bindings = { DB: D1() }) => ({ worker: { env: { bindings }, stateDir: dir } });

function assertD1Error(results, name, message) {
  const e = error(results, name);
  assert.equal(e.ctor, 'Error', `${name}: ${JSON.stringify(e)}`);
  if (message instanceof RegExp) assert.match(e.message, message);
  else assert.equal(e.message, message);
}

const SCHEMA = `
  await env.DB.exec(\`CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT UNIQUE,
    score REAL,
    active INTEGER,
    avatar BLOB
  );\`);
`;

test('prepare, bind, all, first, run and raw: D1 result shapes, meta, BLOBs as byte arrays', async () => {
  const { results } = await runChecks(`${SCHEMA}
    await check('insert', () => env.DB.prepare('INSERT INTO users (name, email, score, active, avatar) VALUES (?, ?, ?, ?, ?)')
      .bind('Ada', 'ada@example.com', 9.5, true, new Uint8Array([0, 1, 255])).run());
    await check('insertReturning', () => env.DB.prepare('INSERT INTO users (name, active) VALUES (?, ?) RETURNING id, name').bind('Bob', false).first());
    await check('all', () => env.DB.prepare('SELECT * FROM users ORDER BY id').all());
    await check('run', () => env.DB.prepare('SELECT id FROM users ORDER BY id').run());
    await check('first', () => env.DB.prepare('SELECT * FROM users ORDER BY id').first());
    await check('firstColumn', () => env.DB.prepare('SELECT name FROM users WHERE id = ?').bind(2).first('name'));
    await check('firstNone', () => env.DB.prepare('SELECT * FROM users WHERE id = ?').bind(99).first());
    await check('firstNoneColumn', () => env.DB.prepare('SELECT * FROM users WHERE id = ?').bind(99).first('name'));
    await check('firstNull', () => env.DB.prepare('SELECT avatar FROM users WHERE id = 2').first('avatar'));
    await check('raw', () => env.DB.prepare('SELECT id, name FROM users ORDER BY id').raw());
    await check('rawNames', () => env.DB.prepare('SELECT id, name FROM users ORDER BY id').raw({ columnNames: true }));
    await check('rawNamesEmpty', () => env.DB.prepare('SELECT id, name FROM users WHERE 0').raw({ columnNames: true }));
    await check('active', () => env.DB.prepare('SELECT name FROM users WHERE active = ?').bind(true).all().then((r) => r.results));
    await check('types', () => env.DB.prepare('SELECT ? AS i, typeof(?) AS it, ? AS r, typeof(?) AS rt, ? AS s, ? AS n, ? AS inf').bind(7, 7, 1.25, 1.25, 'héllo 🌍', null, Infinity).first());
    await check('sameColumnTwice', () => env.DB.prepare('SELECT 1 AS a, 2 AS a').raw());
    await check('update', () => env.DB.prepare('UPDATE users SET score = score + 1 WHERE id = ?').bind(1).run().then((r) => r.meta));
  `, withD1());
  const insert = value(results, 'insert');
  assert.equal(insert.success, true);
  assert.deepEqual(insert.results, []);
  assert.deepEqual(Object.keys(insert), ['success', 'meta', 'results']);
  assert.equal(insert.meta.changes, 1);
  assert.equal(insert.meta.last_row_id, 1);
  assert.equal(insert.meta.changed_db, true);
  assert.equal(insert.meta.rows_written, 1);
  assert.equal(insert.meta.served_by, 'outpost-d1');
  assert.ok(insert.meta.size_after >= 4096);
  assert.ok(insert.meta.duration >= 0);
  assert.deepEqual(value(results, 'insertReturning'), { id: 2, name: 'Bob' });
  const all = value(results, 'all');
  assert.deepEqual(all.results, [
    { id: 1, name: 'Ada', email: 'ada@example.com', score: 9.5, active: 1, avatar: [0, 1, 255] },
    { id: 2, name: 'Bob', email: null, score: null, active: 0, avatar: null },
  ]);
  assert.equal(all.meta.changes, 0);
  assert.equal(all.meta.changed_db, false);
  assert.equal(all.meta.rows_read, 2);
  assert.equal(all.meta.rows_written, 0);
  assert.deepEqual(value(results, 'run').results, [{ id: 1 }, { id: 2 }]);
  assert.equal(value(results, 'first').name, 'Ada');
  assert.equal(value(results, 'firstColumn'), 'Bob');
  assert.equal(value(results, 'firstNone'), null);
  assert.equal(value(results, 'firstNoneColumn'), null);
  assert.equal(value(results, 'firstNull'), null);
  assert.deepEqual(value(results, 'raw'), [[1, 'Ada'], [2, 'Bob']]);
  assert.deepEqual(value(results, 'rawNames'), [['id', 'name'], [1, 'Ada'], [2, 'Bob']]);
  assert.deepEqual(value(results, 'rawNamesEmpty'), [['id', 'name']]);
  assert.deepEqual(value(results, 'active'), [{ name: 'Ada' }]);
  // D1 sends parameters as JSON: whole numbers are INTEGERs, and infinities become NULL.
  assert.deepEqual(value(results, 'types'), { i: 7, it: 'integer', r: 1.25, rt: 'real', s: 'héllo 🌍', n: null, inf: null });
  assert.deepEqual(value(results, 'sameColumnTwice'), [[1, 2]]);
  const update = value(results, 'update');
  assert.equal(update.changes, 1);
  assert.equal(update.rows_written, 1);
});

test('bind: D1 conversions of every value type, D1_TYPE_ERROR for the rest; statements are immutable', async () => {
  const { results } = await runChecks(`
    await env.DB.exec('CREATE TABLE b (v)');
    const roundTrip = async (v) => {
      await env.DB.prepare('DELETE FROM b').run();
      await env.DB.prepare('INSERT INTO b VALUES (?)').bind(v).run();
      return env.DB.prepare('SELECT v, typeof(v) AS t FROM b').first();
    };
    await check('true', () => roundTrip(true));
    await check('false', () => roundTrip(false));
    await check('arrayBuffer', () => roundTrip(new Uint8Array([1, 2, 3]).buffer));
    await check('uint8', () => roundTrip(new Uint8Array([4, 5, 250]).subarray(1)));
    await check('byteArray', () => roundTrip([7, 8, 9]));
    await check('emptyBlob', () => roundTrip(new ArrayBuffer(0)));
    await check('uint16', () => roundTrip(new Uint16Array([1, 258])));
    await check('dataView', () => roundTrip(new DataView(new Uint8Array([6, 7, 8]).buffer, 1)));
    await check('bigNumber', () => roundTrip(2 ** 53 + 2));
    await check('negativeZero', () => roundTrip(-0));
    await check('undefined', () => env.DB.prepare('SELECT ?').bind(undefined));
    await check('object', () => env.DB.prepare('SELECT ?').bind({ a: 1 }));
    await check('bigint', () => env.DB.prepare('SELECT ?').bind(5n));
    await check('notBytes', () => env.DB.prepare('SELECT ?').bind([1, 300]));
    await check('date', () => env.DB.prepare('SELECT ?').bind(new Date(0)));
    await check('function', () => env.DB.prepare('SELECT ?').bind(() => 1));
    await check('typeErrorCause', () => { try { env.DB.prepare('SELECT ?').bind(undefined); } catch (e) { return e.cause?.message; } });
    await check('immutable', async () => {
      const base = env.DB.prepare('SELECT ? AS v');
      const one = base.bind(1);
      const two = one.bind(2);
      return [base.statement, base.params, one.params, two.params, await one.first('v'), await two.first('v')];
    });
    await check('paramsOfBlob', () => env.DB.prepare('SELECT ?').bind(new Uint8Array([1, 2]).buffer).params);
  `, withD1());
  assert.deepEqual(value(results, 'true'), { v: 1, t: 'integer' });
  assert.deepEqual(value(results, 'false'), { v: 0, t: 'integer' });
  assert.deepEqual(value(results, 'arrayBuffer'), { v: [1, 2, 3], t: 'blob' });
  assert.deepEqual(value(results, 'uint8'), { v: [5, 250], t: 'blob' });
  assert.deepEqual(value(results, 'byteArray'), { v: [7, 8, 9], t: 'blob' });
  assert.deepEqual(value(results, 'emptyBlob'), { v: [], t: 'blob' });
  // D1 takes a view's elements (Array.from(view)), one byte each.
  assert.deepEqual(value(results, 'uint16'), { v: [1, 2], t: 'blob' });
  assert.deepEqual(value(results, 'dataView'), { v: [7, 8], t: 'blob' });
  assert.deepEqual(value(results, 'bigNumber'), { v: 2 ** 53 + 2, t: 'integer' });
  assert.deepEqual(value(results, 'negativeZero'), { v: 0, t: 'integer' });
  assertD1Error(results, 'undefined', "D1_TYPE_ERROR: Type 'undefined' not supported for value 'undefined'");
  assertD1Error(results, 'object', "D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'");
  assertD1Error(results, 'bigint', "D1_TYPE_ERROR: Type 'bigint' not supported for value '5'");
  assertD1Error(results, 'notBytes', "D1_TYPE_ERROR: Type 'object' not supported for value '1,300'");
  assertD1Error(results, 'date', /^D1_TYPE_ERROR: Type 'object' not supported for value 'Thu Jan 01 1970/);
  assertD1Error(results, 'function', /^D1_TYPE_ERROR: Type 'function' not supported/);
  assert.equal(value(results, 'typeErrorCause'), "Type 'undefined' not supported for value 'undefined'");
  assert.deepEqual(value(results, 'immutable'), ['SELECT ? AS v', [], [1], [2], 1, 2]);
  assert.deepEqual(value(results, 'paramsOfBlob'), [[1, 2]]);
});

test('parameters: ordered and anonymous, counted as SQLite counts them; the wrong number is D1_ERROR', async () => {
  const { results } = await runChecks(`
    await check('ordered', () => env.DB.prepare('SELECT ?2 AS b, ?1 AS a, ?2 AS again').bind('one', 'two').first());
    await check('mixed', () => env.DB.prepare('SELECT ?3 AS c, ? AS d').bind(1, 2, 3, 4).first());
    await check('notParameters', () => env.DB.prepare("SELECT '?' AS s, 0 AS \\"?\\", 1 AS [?], 2 AS ${'`'}?${'`'}, ? AS p -- ? in a comment\\n /* and ? here */").bind(5).raw());
    await check('named', () => env.DB.prepare('SELECT :x AS x, ? AS y').bind('named', 'anon').first());
    await check('tooFew', () => env.DB.prepare('SELECT ?, ?').bind(1).all());
    await check('tooMany', () => env.DB.prepare('SELECT ?').bind(1, 2).all());
    await check('unbound', () => env.DB.prepare('SELECT ?').all());
    await check('hundred', () => env.DB.prepare('SELECT ' + Array.from({ length: 100 }, (_, i) => '?' + (i + 1)).join(' + ') + ' AS total').bind(...Array.from({ length: 100 }, (_, i) => i)).first('total'));
    await check('over100', () => env.DB.prepare('SELECT ' + Array.from({ length: 101 }, () => '?').join(',')).bind(...Array(101).fill(1)).all());
    await check('index101', () => env.DB.prepare('SELECT ?101').bind(...Array(101).fill(1)).all());
    await check('still works', () => env.DB.prepare('SELECT 1 AS one').first('one'));
  `, withD1());
  assert.deepEqual(value(results, 'ordered'), { b: 'two', a: 'one', again: 'two' });
  assert.deepEqual(value(results, 'mixed'), { c: 3, d: 4 });
  assert.deepEqual(value(results, 'notParameters'), [['?', 0, 1, 2, 5]]);
  assert.deepEqual(value(results, 'named'), { x: 'named', y: 'anon' });
  for (const name of ['tooFew', 'tooMany', 'unbound']) assertD1Error(results, name, 'D1_ERROR: Wrong number of parameter bindings for SQL query.');
  assert.equal(value(results, 'hundred'), 4950);
  assertD1Error(results, 'over100', 'D1_ERROR: too many SQL variables: SQLITE_ERROR');
  assertD1Error(results, 'index101', /^D1_ERROR: variable number must be between \?1 and \?100: SQLITE_ERROR$/);
  assert.equal(value(results, 'still works'), 1);
});

test('SQL errors are D1 errors with a cause, and the worker keeps running', async () => {
  const { results } = await runChecks(`${SCHEMA}
    await env.DB.prepare("INSERT INTO users (name, email) VALUES ('a', 'a@x')").run();
    await check('syntax', () => env.DB.prepare('SELEC * FROM users').all());
    await check('missingTable', () => env.DB.prepare('SELECT * FROM nope').all());
    await check('missingColumn', () => env.DB.prepare('SELECT nope FROM users').all());
    await check('unique', () => env.DB.prepare("INSERT INTO users (name, email) VALUES ('b', 'a@x')").run());
    await check('notNull', () => env.DB.prepare('INSERT INTO users (name) VALUES (NULL)').run());
    await check('empty', () => env.DB.prepare('   -- nothing').all());
    await check('cause', async () => { try { await env.DB.prepare('SELECT * FROM nope').all(); } catch (e) { return [e instanceof Error, e.cause instanceof Error, e.cause.message]; } });
    await check('missingFirstColumn', () => env.DB.prepare('SELECT name FROM users').first('nope'));
    await check('columnCause', async () => { try { await env.DB.prepare('SELECT name FROM users').first('nope'); } catch (e) { return e.cause.message; } });
    await check('after', () => env.DB.prepare('SELECT count(*) AS n FROM users').first('n'));
  `, withD1());
  assertD1Error(results, 'syntax', 'D1_ERROR: near "SELEC": syntax error: SQLITE_ERROR');
  assertD1Error(results, 'missingTable', 'D1_ERROR: no such table: nope: SQLITE_ERROR');
  assertD1Error(results, 'missingColumn', 'D1_ERROR: no such column: nope: SQLITE_ERROR');
  assertD1Error(results, 'unique', 'D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT');
  assertD1Error(results, 'notNull', 'D1_ERROR: NOT NULL constraint failed: users.name: SQLITE_CONSTRAINT');
  assertD1Error(results, 'empty', 'D1_ERROR: No SQL statements detected.');
  assert.deepEqual(value(results, 'cause'), [true, true, 'no such table: nope: SQLITE_ERROR']);
  assertD1Error(results, 'missingFirstColumn', 'D1_COLUMN_NOTFOUND: Column not found (nope)');
  assert.equal(value(results, 'columnCause'), 'Column not found');
  assert.equal(value(results, 'after'), 1);
});

test('batch: results in order, atomic: one failing statement rolls back all and rejects', async () => {
  const { results } = await runChecks(`${SCHEMA}
    const insert = env.DB.prepare('INSERT INTO users (name, email) VALUES (?, ?)');
    await check('ok', () => env.DB.batch([
      insert.bind('a', 'a@x'),
      insert.bind('b', 'b@x'),
      env.DB.prepare('SELECT name FROM users ORDER BY id'),
    ]));
    await check('failing', () => env.DB.batch([
      insert.bind('c', 'c@x'),
      env.DB.prepare('UPDATE users SET name = ? WHERE id = 1').bind('changed'),
      insert.bind('dup', 'a@x'),
      insert.bind('d', 'd@x'),
    ]));
    await check('afterFailing', () => env.DB.prepare('SELECT name FROM users ORDER BY id').raw());
    await check('empty', () => env.DB.batch([]));
    await check('notStatements', () => env.DB.batch([{ statement: 'SELECT 1', params: [] }]));
    await check('notArray', () => env.DB.batch('SELECT 1'));
    await check('badSql', () => env.DB.batch([insert.bind('e', 'e@x'), env.DB.prepare('NOT SQL')]));
    await check('afterBad', () => env.DB.prepare('SELECT count(*) AS n FROM users').first('n'));
    await check('again', () => env.DB.batch([insert.bind('e', 'e@x')]).then((r) => r[0].meta.changes));
  `, withD1());
  const ok = value(results, 'ok');
  assert.equal(ok.length, 3);
  assert.equal(ok[0].meta.last_row_id, 1);
  assert.equal(ok[1].meta.last_row_id, 2);
  assert.deepEqual(ok[2].results, [{ name: 'a' }, { name: 'b' }]);
  assert.ok(ok.every((r) => r.success === true));
  assertD1Error(results, 'failing', 'D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT');
  assert.deepEqual(value(results, 'afterFailing'), [['a'], ['b']]);
  assertD1Error(results, 'empty', 'D1_ERROR: No SQL statements detected.');
  assert.equal(error(results, 'notStatements').ctor, 'TypeError');
  assert.equal(error(results, 'notArray').ctor, 'TypeError');
  assertD1Error(results, 'badSql', 'D1_ERROR: near "NOT": syntax error: SQLITE_ERROR');
  assert.equal(value(results, 'afterBad'), 2);
  assert.equal(value(results, 'again'), 1);
});

test('a worker that throws while building or right after starting a batch leaves the database consistent', async () => {
  const w = await startWorker(`
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/setup') {
      await env.DB.exec('CREATE TABLE t (v INTEGER)');
      return new Response('ok');
    }
    if (pathname === '/throw-building') {
      await env.DB.batch([1, 2, 3].map((v) => {
        if (v === 3) throw new Error('failed while building the batch');
        return env.DB.prepare('INSERT INTO t VALUES (?)').bind(v);
      }));
    }
    if (pathname === '/throw-after') {
      env.DB.batch([env.DB.prepare('INSERT INTO t VALUES (10)'), env.DB.prepare('INSERT INTO t VALUES (11)')]);
      throw new Error('failed after starting a batch');
    }
    if (pathname === '/bad-value') {
      await env.DB.batch([env.DB.prepare('INSERT INTO t VALUES (?)').bind(20), env.DB.prepare('INSERT INTO t VALUES (?)').bind(undefined)]);
    }
    const rows = await env.DB.prepare('SELECT v FROM t ORDER BY v').raw();
    await env.DB.batch([env.DB.prepare('INSERT INTO t VALUES (?)').bind(-1), env.DB.prepare('DELETE FROM t WHERE v = -1')]);
    return Response.json(rows.flat());
  },
};`, { env: { bindings: { DB: D1() } }, stateDir: stateDir() });
  try {
    assert.equal(await (await w.fetch('/setup')).text(), 'ok');
    const building = await w.fetch('/throw-building');
    assert.equal(building.status, 500);
    assert.match(await building.text(), /failed while building the batch/);
    assert.deepEqual(await (await w.fetch('/')).json(), []);
    const afterStart = await w.fetch('/throw-after');
    assert.equal(afterStart.status, 500);
    // The batch was sent before the worker threw: like D1, it ran, whole.
    assert.deepEqual(await (await w.fetch('/')).json(), [10, 11]);
    const badValue = await w.fetch('/bad-value');
    assert.equal(badValue.status, 500);
    assert.match(await badValue.text(), /D1_TYPE_ERROR/);
    assert.deepEqual(await (await w.fetch('/')).json(), [10, 11]);
  } finally {
    await w.dispose();
  }
});

test('exec: multi-line statements, count and duration; D1_EXEC_ERROR names the line; atomic', async () => {
  const { results } = await runChecks(`
    await check('schema', () => env.DB.exec(\`
      CREATE TABLE IF NOT EXISTS articles (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT NOT NULL, -- a comment; with a semicolon
        body TEXT DEFAULT 'a;b'
      );
      CREATE INDEX idx_title ON articles(title);
      INSERT INTO articles (title) VALUES ('one'); INSERT INTO articles (title) VALUES ('two');
      CREATE TRIGGER articles_trim AFTER INSERT ON articles BEGIN
        UPDATE articles SET title = trim(title) WHERE id = NEW.id;
        UPDATE articles SET body = 'x;y' WHERE id = NEW.id AND body IS NULL;
      END;
    \`));
    await check('singleLine', () => env.DB.exec("UPDATE articles SET body = 'b' WHERE id = 1\\nUPDATE articles SET body = 'c' WHERE id = 2"));
    await check('rows', () => env.DB.prepare('SELECT title, body FROM articles ORDER BY id').raw());
    await check('linePrefix', () => env.DB.exec('DELETE FROM articles\\nWHERE id = 1 AND garbage garbage'));
    await check('notDeleted', () => env.DB.prepare('SELECT count(*) AS n FROM articles').first('n'));
    await check('again', () => env.DB.exec(\`
      INSERT INTO articles (title) VALUES ('three');
      CREATE INDEX idx_title ON articles(title);
    \`));
    await check('rolledBack', () => env.DB.prepare('SELECT count(*) AS n FROM articles').first('n'));
    await check('syntax', () => env.DB.exec('SELECT 1;\\nSELEC 2;'));
    await check('incomplete', () => env.DB.exec('CREATE TABLE x ('));
    await check('withParameter', () => env.DB.exec('SELECT ?'));
    await check('empty', () => env.DB.exec('  \\n '));
    await check('cause', async () => { try { await env.DB.exec('SELECT * FROM nope'); } catch (e) { return e.cause.message; } });
    await check('trigger', async () => { await env.DB.prepare("INSERT INTO articles (title) VALUES ('  padded  ')").run(); return env.DB.prepare('SELECT title FROM articles ORDER BY id DESC').first('title'); });
  `, withD1());
  const schema = value(results, 'schema');
  assert.equal(schema.count, 5);
  assert.equal(typeof schema.duration, 'number');
  assert.equal(value(results, 'singleLine').count, 2);
  assert.deepEqual(value(results, 'rows'), [['one', 'b'], ['two', 'c']]);
  // Read line by line as D1 does, the second line is not a statement; exec() keeps nothing.
  assertD1Error(results, 'linePrefix', 'D1_EXEC_ERROR: Error in line 2: WHERE id = 1 AND garbage garbage: near "WHERE": syntax error: SQLITE_ERROR');
  assert.equal(value(results, 'notDeleted'), 2);
  assertD1Error(results, 'again', 'D1_EXEC_ERROR: Error in line 2:       CREATE INDEX idx_title ON articles(title);: index idx_title already exists: SQLITE_ERROR');
  assert.equal(value(results, 'rolledBack'), 2);
  assertD1Error(results, 'syntax', 'D1_EXEC_ERROR: Error in line 2: SELEC 2;: near "SELEC": syntax error: SQLITE_ERROR');
  assertD1Error(results, 'incomplete', 'D1_EXEC_ERROR: Error in line 1: CREATE TABLE x (: incomplete input: SQLITE_ERROR');
  assertD1Error(results, 'withParameter', 'D1_EXEC_ERROR: Error in line 1: SELECT ?: Wrong number of parameter bindings for SQL query.');
  assertD1Error(results, 'empty', 'D1_EXEC_ERROR: Error in line 1: : No SQL statements detected.');
  assert.equal(value(results, 'cause'), 'Error in line 1: SELECT * FROM nope: no such table: nope: SQLITE_ERROR');
  assert.equal(value(results, 'trigger'), 'padded');
});

test('a query of several statements runs them all and answers with the last; only the last may have parameters', async () => {
  const { results } = await runChecks(`
    await check('multi', () => env.DB.prepare('CREATE TABLE m (v); INSERT INTO m VALUES (1); SELECT v FROM m WHERE v = ?').bind(1).all());
    await check('paramsEarly', () => env.DB.prepare('INSERT INTO m VALUES (?); SELECT 1').bind(2).all());
    await check('failsLate', () => env.DB.prepare('INSERT INTO m VALUES (3); SELECT * FROM nope').all());
    await check('rows', () => env.DB.prepare('SELECT v FROM m').raw());
    await check('trailingComment', () => env.DB.prepare('SELECT 1 AS one; -- done').first('one'));
  `, withD1());
  const multi = value(results, 'multi');
  assert.deepEqual(multi.results, [{ v: 1 }]);
  assert.equal(multi.meta.changes, 1);
  assert.equal(multi.meta.changed_db, true);
  assertD1Error(results, 'paramsEarly', 'D1_ERROR: When executing multiple SQL statements in a single call, only the last statement can have parameters.');
  assertD1Error(results, 'failsLate', 'D1_ERROR: no such table: nope: SQLITE_ERROR');
  assert.deepEqual(value(results, 'rows'), [[1]]);
  assert.equal(value(results, 'trailingComment'), 1);
});

test('foreign keys are enforced; PRAGMA defer_foreign_keys works within a batch; foreign_keys = OFF does not last', async () => {
  const { results } = await runChecks(`
    await env.DB.exec('CREATE TABLE parents (id INTEGER PRIMARY KEY)\\nCREATE TABLE children (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parents(id))');
    await check('pragma', () => env.DB.prepare('PRAGMA foreign_keys').first());
    await check('orphan', () => env.DB.prepare('INSERT INTO children VALUES (1, 42)').run());
    await check('outOfOrder', () => env.DB.batch([env.DB.prepare('INSERT INTO children VALUES (1, 7)'), env.DB.prepare('INSERT INTO parents VALUES (7)')]));
    await check('deferred', () => env.DB.batch([
      env.DB.prepare('PRAGMA defer_foreign_keys = on'),
      env.DB.prepare('INSERT INTO children VALUES (1, 7)'),
      env.DB.prepare('INSERT INTO parents VALUES (7)'),
    ]).then((r) => r.length));
    await check('deferredStillChecked', () => env.DB.batch([
      env.DB.prepare('PRAGMA defer_foreign_keys = true'),
      env.DB.prepare('INSERT INTO children VALUES (2, 8)'),
    ]));
    await check('deferredExec', () => env.DB.exec('PRAGMA defer_foreign_keys = on;\\nINSERT INTO children VALUES (5, 77);'));
    await check('deferredExecOk', () => env.DB.exec('PRAGMA defer_foreign_keys = on;\\nINSERT INTO children VALUES (5, 77);\\nINSERT INTO parents VALUES (77);').then((r) => r.count));
    await check('off', () => env.DB.prepare('PRAGMA foreign_keys = OFF').run().then((r) => r.success));
    await check('orphanAfterOff', () => env.DB.prepare('INSERT INTO children VALUES (3, 99)').run());
    await check('rows', () => env.DB.prepare('SELECT id, parent FROM children').raw());
  `, withD1());
  assert.deepEqual(value(results, 'pragma'), { foreign_keys: 1 });
  assertD1Error(results, 'orphan', 'D1_ERROR: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT');
  assertD1Error(results, 'outOfOrder', 'D1_ERROR: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT');
  assert.equal(value(results, 'deferred'), 3);
  assertD1Error(results, 'deferredStillChecked', 'D1_ERROR: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT');
  // The check at commit names the exec's last statement.
  assertD1Error(results, 'deferredExec', 'D1_EXEC_ERROR: Error in line 2: INSERT INTO children VALUES (5, 77);: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT');
  assert.equal(value(results, 'deferredExecOk'), 3);
  assert.equal(value(results, 'off'), true);
  assertD1Error(results, 'orphanAfterOff', 'D1_ERROR: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT');
  assert.deepEqual(value(results, 'rows'), [[1, 7], [5, 77]]);
});

test('a worker cannot leave its database: ATTACH, VACUUM INTO, load_extension, dangerous PRAGMAs are refused', async () => {
  const dir = stateDir();
  const victim = path.join(dir, 'victim.sqlite');
  const into = path.join(dir, 'copy.sqlite');
  const otherFile = databaseFile(dir, 'db-other');
  const { results } = await runChecks(`
    await env.DB.exec('CREATE TABLE mine (v)');
    await env.OTHER.exec("CREATE TABLE secret (v); INSERT INTO secret VALUES ('hidden')");
    const q = (sql) => env.DB.prepare(sql).all();
    await check('attachOther', () => q(${JSON.stringify(`ATTACH DATABASE '${otherFile}' AS other`)}));
    await check('attachNew', () => q(${JSON.stringify(`ATTACH '${victim}' AS v`)}));
    await check('attachPasswd', () => q("ATTACH '/etc/passwd' AS p"));
    await check('attachUri', () => q(${JSON.stringify(`ATTACH 'file:${victim}?mode=rwc' AS u`)}));
    await check('attachExec', () => env.DB.exec(${JSON.stringify(`ATTACH '${victim}' AS v`)}));
    await check('attachBatch', () => env.DB.batch([env.DB.prepare(${JSON.stringify(`ATTACH '${victim}' AS v`)})]));
    await check('detach', () => q('DETACH main'));
    await check('vacuumInto', () => q(${JSON.stringify(`VACUUM INTO '${into}'`)}));
    await check('vacuum', () => q('VACUUM'));
    await check('loadExtension', () => q("SELECT load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')"));
    await check('writableSchema', () => q('PRAGMA writable_schema = 1'));
    await check('journalMode', () => q('PRAGMA journal_mode = DELETE'));
    await check('synchronous', () => q('PRAGMA synchronous = OFF'));
    await check('databaseList', () => q('PRAGMA database_list'));
    await check('databaseListTable', () => q('SELECT * FROM pragma_database_list'));
    await check('tempStore', () => q('PRAGMA temp_store_directory'));
    await check('tempTable', () => q('CREATE TEMP TABLE t (v)'));
    await check('begin', () => q('BEGIN TRANSACTION'));
    await check('savepoint', () => q('SAVEPOINT s'));
    await check('version', () => q('SELECT sqlite_version()'));
    await check('cfTable', () => q('CREATE TABLE _cf_KV (k)'));
    await check('schemaWrite', () => q("UPDATE sqlite_schema SET sql = 'x' WHERE name = 'mine'"));
    await check('otherInvisible', () => q('SELECT * FROM secret'));
    await check('master', () => env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").raw());
    await check('tableInfo', () => env.DB.prepare("SELECT name FROM pragma_table_info('mine')").raw());
    await check('pragmaTableInfo', () => env.DB.prepare('PRAGMA table_info(mine)').all().then((r) => r.results.length));
    await check('otherStillThere', () => env.OTHER.prepare('SELECT v FROM secret').first('v'));
  `, withD1(dir, { DB: D1('db-main'), OTHER: D1('db-other') }));
  for (const name of ['attachOther', 'attachNew', 'attachPasswd', 'attachUri', 'attachBatch', 'detach', 'writableSchema', 'journalMode', 'synchronous', 'databaseList', 'tempStore', 'tempTable', 'begin', 'savepoint', 'cfTable']) {
    assertD1Error(results, name, /^D1_ERROR: not authorized: SQLITE_AUTH$/);
  }
  assertD1Error(results, 'attachExec', /^D1_EXEC_ERROR: Error in line 1: ATTACH .*: not authorized: SQLITE_AUTH$/);
  assertD1Error(results, 'vacuumInto', 'D1_ERROR: authorization denied: SQLITE_AUTH');
  assertD1Error(results, 'vacuum', 'D1_ERROR: authorization denied: SQLITE_AUTH');
  assertD1Error(results, 'loadExtension', 'D1_ERROR: not authorized to use function: load_extension: SQLITE_ERROR');
  assertD1Error(results, 'databaseListTable', /^D1_ERROR: access to pragma_database_list\.\w+ is prohibited: SQLITE_AUTH$/);
  assertD1Error(results, 'version', 'D1_ERROR: not authorized to use function: sqlite_version: SQLITE_ERROR');
  assertD1Error(results, 'schemaWrite', /^D1_ERROR: table sqlite_(schema|master) may not be modified: SQLITE_ERROR$/);
  assertD1Error(results, 'otherInvisible', 'D1_ERROR: no such table: secret: SQLITE_ERROR');
  assert.deepEqual(value(results, 'master'), [['mine']]);
  assert.deepEqual(value(results, 'tableInfo'), [['v']]);
  assert.equal(value(results, 'pragmaTableInfo'), 1);
  assert.equal(value(results, 'otherStillThere'), 'hidden');
  assert.equal(existsSync(victim), false, 'ATTACH created no file');
  assert.equal(existsSync(into), false, 'VACUUM INTO wrote no file');
  // The binding's data is where D1 keeps it: one file per database id.
  assert.equal(existsSync(databaseFile(dir, 'db-main')), true);
  assert.equal(path.dirname(databaseFile(dir, 'db-main')), path.join(dir, 'd1'));
  assert.equal(path.basename(databaseFile(dir, 'db-main')), 'db-main.sqlite');
});

test('database ids that are not plain names stay inside the state directory', async () => {
  const dir = stateDir();
  const { results } = await runChecks(`
    await check('write', async () => { await env.DB.exec('CREATE TABLE t (v)'); return true; });
  `, withD1(dir, { DB: D1('../../escape/../x') }));
  assert.equal(value(results, 'write'), true);
  const file = databaseFile(dir, '../../escape/../x');
  assert.equal(path.dirname(file), path.join(dir, 'd1'));
  assert.equal(existsSync(file), true);
  assert.equal(existsSync(path.join(dir, '..', 'escape')), false);
});

test('limits as D1 has them: 2,000,000-byte values, 100,000-byte statements, 100 columns', async () => {
  const { results } = await runChecks(`
    await env.DB.exec('CREATE TABLE big (v)');
    await check('valueAtLimit', () => env.DB.prepare('INSERT INTO big VALUES (?)').bind('x'.repeat(1_999_900)).run().then((r) => r.success));
    await check('valueOver', () => env.DB.prepare('INSERT INTO big VALUES (?)').bind('x'.repeat(2_000_001)).run());
    await check('blobOver', () => env.DB.prepare('INSERT INTO big VALUES (?)').bind(new Uint8Array(2_000_001)).run());
    await check('grownOver', () => env.DB.prepare("SELECT v || v AS w FROM big").all());
    await check('statementOver', () => env.DB.prepare('SELECT 1 -- ' + 'x'.repeat(100_000)).all());
    await check('statementAtLimit', () => env.DB.prepare('SELECT 1 AS one -- ' + 'x'.repeat(99_000)).first('one'));
    await check('columns', () => env.DB.prepare('CREATE TABLE wide (' + Array.from({ length: 101 }, (_, i) => 'c' + i).join(', ') + ')').run());
    await check('hundredColumns', () => env.DB.prepare('CREATE TABLE wide (' + Array.from({ length: 100 }, (_, i) => 'c' + i).join(', ') + ')').run().then((r) => r.success));
    await check('rows', () => env.DB.prepare('SELECT length(v) AS n FROM big').raw());
  `, withD1());
  assert.equal(value(results, 'valueAtLimit'), true);
  assertD1Error(results, 'valueOver', 'D1_ERROR: string or blob too big: SQLITE_TOOBIG');
  assertD1Error(results, 'blobOver', 'D1_ERROR: string or blob too big: SQLITE_TOOBIG');
  assertD1Error(results, 'grownOver', 'D1_ERROR: string or blob too big: SQLITE_TOOBIG');
  assertD1Error(results, 'statementOver', 'D1_ERROR: statement too long: SQLITE_TOOBIG');
  assert.equal(value(results, 'statementAtLimit'), 1);
  assertD1Error(results, 'columns', 'D1_ERROR: too many columns on wide: SQLITE_ERROR');
  assert.equal(value(results, 'hundredColumns'), true);
  assert.deepEqual(value(results, 'rows'), [[1_999_900]]);
});

test('a cached statement sees schema changes', async () => {
  const { results } = await runChecks(`
    await env.DB.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1)');
    const select = () => env.DB.prepare('SELECT * FROM t').first();
    await check('before', select);
    await env.DB.exec('ALTER TABLE t ADD COLUMN b DEFAULT 2');
    await check('added', select);
    await env.DB.exec('ALTER TABLE t RENAME COLUMN a TO z');
    await check('renamed', select);
    await env.DB.exec('DROP TABLE t');
    await check('dropped', select);
  `, withD1());
  assert.deepEqual(value(results, 'before'), { a: 1 });
  assert.deepEqual(value(results, 'added'), { a: 1, b: 2 });
  assert.deepEqual(value(results, 'renamed'), { z: 1, b: 2 });
  assertD1Error(results, 'dropped', 'D1_ERROR: no such table: t: SQLITE_ERROR');
});

test('withSession, bookmarks and dump', async () => {
  const { results } = await runChecks(`
    await env.DB.exec('CREATE TABLE s (v)');
    await check('session', async () => {
      const session = env.DB.withSession();
      const before = session.getBookmark();
      await session.prepare('INSERT INTO s VALUES (?)').bind(1).run();
      const first = session.getBookmark();
      await session.batch([session.prepare('INSERT INTO s VALUES (2)')]);
      const second = session.getBookmark();
      const rows = await session.prepare('SELECT v FROM s ORDER BY v').raw();
      return [before, typeof first, second > first, rows];
    });
    await check('primary', async () => { const s = env.DB.withSession('first-primary'); await s.prepare('SELECT 1').all(); return [s.getBookmark() !== null]; });
    await check('fromBookmark', () => env.DB.withSession(' some-bookmark ').getBookmark());
    await check('sessionMethods', () => Object.getOwnPropertyNames(Object.getPrototypeOf(env.DB.withSession())).sort());
    await check('databaseMethods', () => Object.getOwnPropertyNames(Object.getPrototypeOf(env.DB)).sort());
    await check('statementMethods', () => Object.getOwnPropertyNames(Object.getPrototypeOf(env.DB.prepare('SELECT 1'))).sort());
    await check('dump', async () => {
      const buffer = await env.DB.dump();
      const bytes = new Uint8Array(buffer);
      return [buffer instanceof ArrayBuffer, new TextDecoder().decode(bytes.subarray(0, 15)), bytes.byteLength % 4096];
    });
  `, withD1());
  assert.deepEqual(value(results, 'session'), [null, 'string', true, [[1], [2]]]);
  assert.deepEqual(value(results, 'primary'), [true]);
  assert.equal(value(results, 'fromBookmark'), 'some-bookmark');
  assert.deepEqual(value(results, 'sessionMethods'), ['batch', 'constructor', 'getBookmark', 'prepare']);
  assert.deepEqual(value(results, 'databaseMethods'), ['batch', 'constructor', 'dump', 'exec', 'prepare', 'withSession']);
  assert.deepEqual(value(results, 'statementMethods'), ['all', 'bind', 'constructor', 'first', 'params', 'raw', 'run', 'statement']);
  assert.deepEqual(value(results, 'dump'), [true, 'SQLite format 3', 0]);
});

test('D1 at global scope is refused as Workers refuses I/O there; each call counts as an API request', async () => {
  const w = await startWorker(`
import { env } from 'cloudflare:workers';
const atGlobalScope = env.DB.prepare('SELECT 1').all().then(() => 'ran', (e) => e.message);
export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === '/global') return new Response(await atGlobalScope);
    let count = 0;
    try {
      for (;;) {
        await env.DB.prepare('SELECT 1').first();
        count += 1;
      }
    } catch (e) {
      return Response.json({ count, message: e.message });
    }
  },
};`, { env: { bindings: { DB: D1() } }, limits: { subrequests: 25 }, stateDir: stateDir() });
  try {
    assert.match(await (await w.fetch('/global')).text(), /^Disallowed operation called within global scope/);
    assert.deepEqual(await (await w.fetch('/')).json(), { count: 25, message: 'Too many API requests by single worker invocation.' });
    // The count is per invocation.
    assert.deepEqual(await (await w.fetch('/')).json(), { count: 25, message: 'Too many API requests by single worker invocation.' });
  } finally {
    await w.dispose();
  }
});

test('data persists in <stateDir>/d1/<databaseId>.sqlite across workers; bindings with the same id share it', async () => {
  const dir = stateDir();
  const first = await runChecks(`
    await env.DB.exec('CREATE TABLE notes (body TEXT)');
    await check('insert', () => env.DB.prepare('INSERT INTO notes VALUES (?)').bind('kept').run().then((r) => r.meta.changes));
  `, withD1(dir, { DB: D1('shared-id') }));
  assert.equal(value(first.results, 'insert'), 1);
  const second = await runChecks(`
    await check('read', () => env.NOTES.prepare('SELECT body FROM notes').first('body'));
  `, withD1(dir, { NOTES: { type: 'd1', databaseId: 'shared-id', databaseName: 'another-name' } }));
  assert.equal(value(second.results, 'read'), 'kept');
  const store = openD1Database(dir, 'shared-id');
  assert.deepEqual(store.query('SELECT body FROM notes').rows, [['kept']]);
  assert.equal(store.file, path.join(dir, 'd1', 'shared-id.sqlite'));
});

test('a corrupt database file gives a clear error, is left intact, and the worker keeps running', async () => {
  const dir = stateDir();
  const file = databaseFile(dir, 'broken');
  mkdirSync(path.dirname(file), { recursive: true });
  const garbage = Buffer.from('this is not a SQLite database, just some bytes '.repeat(200));
  writeFileSync(file, garbage);
  const w = await startWorker(`
export default {
  async fetch(request, env) {
    const db = new URL(request.url).pathname === '/good' ? env.GOOD : env.BROKEN;
    try {
      return Response.json(await db.prepare('SELECT 1 AS one').first());
    } catch (e) {
      return new Response(e.message, { status: 500 });
    }
  },
};`, { env: { bindings: { BROKEN: D1('broken'), GOOD: D1('good') } }, stateDir: dir });
  try {
    for (let i = 0; i < 2; i++) {
      const res = await w.fetch('/broken');
      assert.equal(res.status, 500);
      assert.equal(await res.text(), 'D1_ERROR: cannot open the database of binding BROKEN (file is not a database: SQLITE_NOTADB); the file was left as it is.');
    }
    assert.deepEqual(await (await w.fetch('/good')).json(), { one: 1 });
    assert.ok(readFileSync(file).equals(garbage), 'the corrupt file is unchanged');
    assert.ok(w.logs.some((log) => log.level === 'error' && log.message.includes(file)), 'the log names the file');
  } finally {
    await w.dispose();
  }
});

test('a client that disconnects mid-request or mid-query leaves the database consistent and usable', async () => {
  const w = await startWorker(`
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/setup') {
      await env.DB.exec('CREATE TABLE t (v INTEGER, tag TEXT)');
      return new Response('ok');
    }
    if (pathname === '/slow-writes') {
      for (let i = 0; i < 40; i++) {
        await env.DB.batch([env.DB.prepare('INSERT INTO t VALUES (?, ?)').bind(i, 'a'), env.DB.prepare('INSERT INTO t VALUES (?, ?)').bind(i, 'b')]);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return new Response('done');
    }
    if (pathname === '/slow-query') {
      const row = await env.DB.prepare('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT count(*) AS c FROM n').first();
      return Response.json(row);
    }
    const pairs = await env.DB.prepare("SELECT count(*) AS n FROM t WHERE tag = 'a'").first('n');
    const other = await env.DB.prepare("SELECT count(*) AS n FROM t WHERE tag = 'b'").first('n');
    await env.DB.batch([env.DB.prepare('INSERT INTO t VALUES (-1, ?)').bind('probe'), env.DB.prepare("DELETE FROM t WHERE tag = 'probe'")]);
    return Response.json({ pairs, other });
  },
};`, { env: { bindings: { DB: D1() } }, stateDir: stateDir() });
  try {
    assert.equal(await (await w.fetch('/setup')).text(), 'ok');
    for (const route of ['/slow-writes', '/slow-query']) {
      const controller = new AbortController();
      const pending = w.fetch(route, { signal: controller.signal }).catch((e) => e.name);
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      assert.equal(await pending, 'AbortError');
      const { pairs, other } = await (await w.fetch('/')).json();
      assert.equal(pairs, other, 'every batch is whole');
    }
    // The handler that lost its client still runs to its end.
    let last;
    for (let i = 0; i < 100; i++) {
      last = await (await w.fetch('/')).json();
      if (last.pairs === 40) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(last, { pairs: 40, other: 40 });
    assert.deepEqual(await (await w.fetch('/slow-query')).json(), { c: 3000000 });
  } finally {
    await w.dispose();
  }
});

// A worker in `outpost dev` (another process), with the test process reading the same file.
test('an acknowledged write survives kill -9 of the process; another process sees committed writes', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-d1-dev-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'wrangler.toml'), `name = "kill"
main = "src/index.js"
compatibility_date = "2024-09-23"

[[d1_databases]]
binding = "DB"
database_name = "kill-db"
database_id = "kill-id"
`);
  writeFileSync(path.join(dir, 'src/index.js'), `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/write') {
      await env.DB.exec('CREATE TABLE IF NOT EXISTS acks (n INTEGER)');
      const n = Number(url.searchParams.get('n'));
      await env.DB.batch([env.DB.prepare('INSERT INTO acks VALUES (?)').bind(n), env.DB.prepare('INSERT INTO acks VALUES (?)').bind(-n)]);
      return new Response('acknowledged ' + n);
    }
    return Response.json(await env.DB.prepare('SELECT count(*) AS n FROM acks').first('n'));
  },
};
`);
  const bin = new URL('../../bin/outpost.js', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--no-node-snapshot', bin, 'dev', '--port', '0'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = once(child, 'exit');
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dev did not start:\n${output}`)), 20_000);
      const poll = setInterval(() => {
        const match = /Ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(match[1]);
        }
      }, 20);
    });
    for (let n = 1; n <= 20; n++) {
      assert.equal(await (await fetch(`${url}/write?n=${n}`)).text(), `acknowledged ${n}`);
    }
    // Another process (this one) reads what the dev server committed while it runs.
    const store = openD1Database(path.join(dir, '.outpost', 'state'), 'kill-id');
    assert.equal(Number(store.query('SELECT count(*) AS n FROM acks').rows[0][0]), 40);
    // Writes from this process are seen by the dev server.
    store.query('INSERT INTO acks VALUES (?)', [1000]);
    assert.equal(await (await fetch(`${url}/count`)).json(), 41);
    store.query('DELETE FROM acks WHERE n = ?', [1000]);
    assert.equal(await (await fetch(`${url}/write?n=21`)).text(), 'acknowledged 21');
    child.kill('SIGKILL');
    await exited;
  } finally {
    child.kill('SIGKILL');
  }
  // A fresh process opens the file after the kill and finds every acknowledged write.
  const check = spawn(process.execPath, ['--no-node-snapshot', '--input-type=module', '-e', `
    import { openD1Database } from ${JSON.stringify(new URL('../../src/storage/d1-store.js', import.meta.url).href)};
    const db = openD1Database(${JSON.stringify(path.join(dir, '.outpost', 'state'))}, 'kill-id');
    const rows = db.query('SELECT n FROM acks ORDER BY n').rows.map((r) => r[0]);
    process.stdout.write(JSON.stringify(rows));
  `]);
  let out = '';
  check.stdout.on('data', (chunk) => { out += chunk; });
  check.stderr.on('data', (chunk) => { out += chunk; });
  await once(check, 'exit');
  const expected = Array.from({ length: 21 }, (_, i) => i + 1);
  assert.deepEqual(JSON.parse(out), [...expected.map((n) => -n).reverse(), ...expected]);
});
