// ctx.storage through real workers: the key-value API (async and ctx.storage.kv), its argument
// checks and errors, write coalescing and commit at the end of a turn, transactions and
// transactionSync, the SQL API and its cursors, alarms, deleteAll, persistence across restarts,
// and a turn whose isolate dies leaving nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { startWorker, temporaryStateDir } from '../helpers/worker.js';
import { objectFile, nextAlarms, getAlarm } from '../../src/storage/durable-object-store.js';

const BINDINGS = { STORE: { type: 'durable-object', className: 'Store', scriptName: null } };

// A worker whose object Store runs `body` (with `s` = ctx.storage, `sql`, `attempt(name, fn)`
// recording a result or [error class, message] in `out`) for each request to /<anything>.
const worker = (body, extra = '') => `import { DurableObject } from 'cloudflare:workers';
export class Store extends DurableObject {
  async run(path) {
    const s = this.ctx.storage;
    const sql = s.sql;
    const out = {};
    const attempt = async (name, fn) => {
      try { out[name] = await fn(); } catch (e) { out[name] = { error: [e.constructor.name, e.name, e.message] }; }
    };
    ${body}
    return out;
  }
  async alarm() {}
  ${extra}
}
export default { async fetch(request, env) {
  const url = new URL(request.url);
  const stub = env.STORE.get(env.STORE.idFromName(url.searchParams.get('id') ?? 'one'));
  return Response.json(await stub.run(url.pathname));
} };`;

async function run(body, { stateDir = temporaryStateDir(), path = '/', extra = '', limits } = {}) {
  const w = await startWorker(worker(body, extra), { env: { bindings: BINDINGS }, stateDir, limits });
  try {
    const response = await w.fetch(path);
    const text = await response.text();
    assert.equal(response.status, 200, text);
    return JSON.parse(text);
  } finally {
    await w.dispose();
  }
}

test('get/put/delete/list: values are structured clones, keys in UTF-8 order, Maps for many', async () => {
  const out = await run(`
    await s.put('map', new Map([['k', new Set([1, 2])]]));
    await s.put({ b: 2, a: 1, '😀': 'smile', '\\uffff': 'last bmp', skipped: undefined });
    await attempt('map', async () => { const m = await s.get('map'); return [m instanceof Map, [...m.get('k')]]; });
    await attempt('date', async () => { await s.put('when', new Date(5)); const d = await s.get('when'); return [d instanceof Date, d.getTime()]; });
    await attempt('bytes', async () => { await s.put('bytes', new Uint8Array([1, 2, 3])); const b = await s.get('bytes'); return [b.constructor.name, [...b]]; });
    await attempt('nullValue', async () => { await s.put('nil', null); return [await s.get('nil'), await s.get('missing')]; });
    await attempt('many', async () => { const m = await s.get(['😀', 'a', 'nope', 'b']); return [m instanceof Map, [...m]]; });
    await attempt('listKeys', async () => [...(await s.list())].map(([k]) => k));
    await attempt('listPrefix', async () => [...(await s.list({ prefix: 'b' }))]);
    await attempt('listOptions', async () => [...(await s.list({ start: 'a', end: 'map', reverse: true, limit: 2 }))].map(([k]) => k));
    await attempt('startAfter', async () => [...(await s.list({ startAfter: 'map', limit: 1 }))].map(([k]) => k));
    await attempt('deleteOne', async () => [await s.delete('a'), await s.delete('a')]);
    await attempt('deleteMany', async () => s.delete(['b', 'map', 'zzz']));
    await attempt('numberKey', async () => { await s.put(42, 'answer'); return s.get('42'); });
    await attempt('kv', () => { s.kv.put('sync', { v: 1 }); return [s.kv.get('sync'), s.kv.delete('sync'), s.kv.get('sync'), [...s.kv.list({ prefix: 'ni' })]]; });
  `);
  assert.deepEqual(out.map, [true, [1, 2]]);
  assert.deepEqual(out.date, [true, 5]);
  assert.deepEqual(out.bytes, ['Uint8Array', [1, 2, 3]]);
  assert.deepEqual(out.nullValue, [null, null]);
  assert.deepEqual(out.many, [true, [['a', 1], ['b', 2], ['😀', 'smile']]]);
  assert.deepEqual(out.listKeys, ['a', 'b', 'bytes', 'map', 'nil', 'when', '\uffff', '😀']);
  assert.deepEqual(out.listPrefix, [['b', 2], ['bytes', { 0: 1, 1: 2, 2: 3 }]]);
  assert.deepEqual(out.listOptions, ['bytes', 'b']);
  assert.deepEqual(out.startAfter, ['nil']);
  assert.deepEqual(out.deleteOne, [true, false]);
  assert.equal(out.deleteMany, 2);
  assert.equal(out.numberKey, 'answer');
  assert.deepEqual(out.kv, [{ v: 1 }, true, null, [['nil', null]]]);
});

test('bad input: Workers\' errors, as rejections, and nothing stored', async () => {
  const out = await run(`
    await attempt('undefinedValue', () => s.put('k', undefined));
    await attempt('noKey', () => s.get());
    await attempt('function', () => s.put('f', { f() {} }));
    await attempt('entriesFunction', () => s.put({ good: 1, bad: () => 1 }));
    await attempt('afterFailures', async () => [await s.get('f'), await s.get('good')]);
    await attempt('tooManyGet', () => s.get(Array.from({ length: 129 }, (_, i) => 'k' + i)));
    await attempt('tooManyPut', () => s.put(Object.fromEntries(Array.from({ length: 129 }, (_, i) => ['k' + i, i]))));
    await attempt('tooManyDelete', () => s.delete(Array.from({ length: 129 }, (_, i) => 'k' + i)));
    await attempt('both', () => s.list({ start: 'a', startAfter: 'b' }));
    await attempt('limit', () => s.list({ limit: 0 }));
    await attempt('putShape', () => s.put({ a: 1 }, 5));
    await attempt('tooBig', () => s.put('big', 'x'.repeat(2_100_000)));
    await attempt('bigOk', async () => { await s.put('big', new Uint8Array(1_000_000)); return (await s.get('big')).byteLength; });
    await attempt('synchronousThrow', () => { let threw = false; try { s.put('k', undefined).catch(() => {}); } catch { threw = true; } return threw; });
  `);
  assert.deepEqual(out.undefinedValue, { error: ['TypeError', 'TypeError', 'put() called with undefined value.'] });
  assert.equal(out.noKey.error[0], 'TypeError');
  assert.deepEqual(out.function.error.slice(0, 2), ['DOMException', 'DataCloneError']);
  assert.match(out.function.error[2], /could not be cloned/);
  assert.equal(out.entriesFunction.error[1], 'DataCloneError');
  assert.deepEqual(out.afterFailures, [null, null]);
  assert.deepEqual(out.tooManyGet, { error: ['RangeError', 'RangeError', 'Maximum number of key value pairs is 128. 129 pairs were provided.'] });
  assert.equal(out.tooManyPut.error[0], 'RangeError');
  assert.equal(out.tooManyDelete.error[0], 'RangeError');
  assert.deepEqual(out.both, { error: ['TypeError', 'TypeError', 'list() cannot be called with both start and startAfter values.'] });
  assert.deepEqual(out.limit, { error: ['TypeError', 'TypeError', 'List limit must be positive.'] });
  assert.equal(out.putShape.error[0], 'TypeError');
  assert.deepEqual(out.tooBig, { error: ['Error', 'Error', 'string or blob too big: SQLITE_TOOBIG'] });
  assert.equal(out.bigOk, 1_000_000);
  assert.equal(out.synchronousThrow, false);
});

test('writes are committed when the turn ends, before the response leaves; 100 concurrent increments make 100', async () => {
  const stateDir = temporaryStateDir();
  const w = await startWorker(`import { DurableObject } from 'cloudflare:workers';
    export class Store extends DurableObject {
      async inc() { const n = (await this.ctx.storage.get('n')) ?? 0; this.ctx.storage.put('n', n + 1); return n + 1; }
      unawaited() { this.ctx.storage.put('a', 1); this.ctx.storage.put('b', 2); this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1)'); return 'done'; }
      async thenFail() { this.ctx.storage.put('before-throw', true); throw new Error('handler failed'); }
    }
    export default { async fetch(request, env) {
      const stub = env.STORE.get(env.STORE.idFromName('counter'));
      const path = new URL(request.url).pathname;
      if (path === '/inc') return Response.json(await Promise.all(Array.from({ length: 100 }, () => stub.inc())));
      if (path === '/unawaited') return new Response(await stub.unawaited());
      try { await stub.thenFail(); } catch (e) { return new Response(e.message); }
    } };`, { env: { bindings: BINDINGS }, stateDir });
  try {
    const counts = await (await w.fetch('/inc')).json();
    assert.deepEqual([...counts].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i + 1));
    assert.equal(await (await w.fetch('/unawaited')).text(), 'done');
    assert.equal(await (await w.fetch('/fail')).text(), 'handler failed');
    // Another connection sees only committed data: everything the turns wrote is there.
    const dir = path.dirname(objectFile(stateDir, 'test', 'Store', 'x'));
    const [file] = readdirSync(dir).filter((name) => name.endsWith('.sqlite'));
    const db = new DatabaseSync(path.join(dir, file), { readOnly: true });
    try {
      const keys = db.prepare('SELECT key FROM _cf_KV ORDER BY key').all().map((row) => row.key);
      assert.deepEqual(keys, ['a', 'b', 'before-throw', 'n']);
      assert.deepEqual(db.prepare('SELECT count(*) AS n FROM t').get().n, 1);
    } finally {
      db.close();
    }
  } finally {
    await w.dispose();
  }
});

test('transaction(): commits, rolls back on throw or txn.rollback(), nests; deleteAll is refused inside', async () => {
  const out = await run(`
    await s.put('v', 0);
    await attempt('commit', async () => [await s.transaction(async (txn) => { await txn.put('v', 1); s.sql.exec('CREATE TABLE IF NOT EXISTS t (x)'); return 'result'; }), await s.get('v')]);
    await attempt('throws', () => s.transaction(async (txn) => { await txn.put('v', 2); s.sql.exec('INSERT INTO t VALUES (1)'); throw new RangeError('txn failure'); }));
    await attempt('afterThrow', async () => [await s.get('v'), sql.exec('SELECT count(*) AS n FROM t').one().n]);
    await attempt('rollback', async () => { await s.transaction(async (txn) => { await s.put('v', 3); txn.rollback(); txn.rollback(); }); return s.get('v'); });
    await attempt('usedAfterRollback', () => s.transaction(async (txn) => { txn.rollback(); await txn.get('v'); }));
    let leaked;
    await s.transaction(async (txn) => { leaked = txn; });
    await attempt('usedAfterCommit', () => leaked.put('v', 9));
    await attempt('nested', async () => {
      await s.transaction(async (txn) => {
        await s.put('v', 6);
        await s.transaction(async () => { await s.put('v', 7); await new Promise((r) => setTimeout(r, 1)); });
        if ((await s.get('v')) !== 7) throw new Error('nested write not seen');
        txn.rollback();
      });
      return s.get('v');
    });
    await attempt('deleteAllInTxn', () => s.transaction((txn) => txn.deleteAll()));
    await attempt('storageDeleteAllInTxn', () => s.transaction(() => s.deleteAll()));
    await attempt('alarmInTxn', async () => { await s.transaction(async (txn) => { await txn.setAlarm(Date.now() + 60_000); txn.rollback(); }); return s.getAlarm(); });
  `);
  assert.deepEqual(out.commit, ['result', 1]);
  assert.deepEqual(out.throws, { error: ['RangeError', 'RangeError', 'txn failure'] });
  assert.deepEqual(out.afterThrow, [1, 0]);
  assert.equal(out.rollback, 1);
  assert.deepEqual(out.usedAfterRollback, { error: ['Error', 'Error', 'Cannot get on rolled back transaction'] });
  assert.match(out.usedAfterCommit.error[2], /^Cannot call put on transaction that has already committed/);
  assert.equal(out.nested, 1);
  assert.deepEqual(out.deleteAllInTxn, { error: ['Error', 'Error', 'Cannot call deleteAll() within a transaction'] });
  assert.deepEqual(out.storageDeleteAllInTxn, { error: ['Error', 'Error', 'Cannot call deleteAll() within a transaction'] });
  assert.equal(out.alarmInTxn, null);
});

test('transactionSync(): returns the result, rolls back SQL and key-value writes when it throws, nests', async () => {
  const out = await run(`
    sql.exec('CREATE TABLE items (i INTEGER)');
    await attempt('result', () => s.transactionSync(() => { sql.exec('INSERT INTO items VALUES (1)'); return 'some data'; }));
    await attempt('throws', () => s.transactionSync(() => { sql.exec('INSERT INTO items VALUES (2)'); s.kv.put('k', 1); sql.exec('SELECT * FROM misspelled'); }));
    await attempt('after', () => [sql.exec('SELECT i FROM items').raw().toArray(), s.kv.get('k') ?? null]);
    await attempt('nested', () => s.transactionSync(() => {
      sql.exec('UPDATE items SET i = 10');
      try { s.transactionSync(() => { sql.exec('UPDATE items SET i = 20'); throw new Error('inner'); }); } catch {}
      return sql.exec('SELECT i FROM items').one().i;
    }));
  `);
  assert.equal(out.result, 'some data');
  assert.deepEqual(out.throws, { error: ['Error', 'Error', 'no such table: misspelled: SQLITE_ERROR'] });
  assert.deepEqual(out.after, [[[1]], null]);
  assert.equal(out.nested, 10);
});

test('SQL API: cursors (next, iteration, toArray, one, raw, columnNames, row counts), BLOBs, errors', async () => {
  const out = await run(`
    sql.exec(\`CREATE TABLE artist (artistid INTEGER PRIMARY KEY, artistname TEXT, photo BLOB);
      INSERT INTO artist (artistid, artistname) VALUES (123, 'Alice'), (456, 'Bob'), (789, 'Charlie');\`);
    await attempt('iterate', () => [...sql.exec('SELECT artistid, artistname FROM artist ORDER BY artistid')]);
    await attempt('next', () => { const c = sql.exec('SELECT artistname AS n FROM artist ORDER BY n'); return [c.next(), c.rowsRead, c.raw().next(), c.toArray(), c.next(), c.rowsRead]; });
    await attempt('one', () => sql.exec('SELECT * FROM artist WHERE artistname = ?', 'Alice').one());
    await attempt('oneMany', () => sql.exec('SELECT * FROM artist').one());
    await attempt('oneNone', () => sql.exec('SELECT * FROM artist WHERE 0').one());
    await attempt('columns', () => { const c = sql.exec('SELECT * FROM artist a, artist b WHERE a.artistid = 123 AND b.artistid = 456'); return [c.columnNames, c.raw().toArray()]; });
    await attempt('written', () => { const c = sql.exec('UPDATE artist SET photo = ? WHERE artistid > ?', new Uint8Array([1, 2, 255]), 200); return [c.rowsWritten, c.columnNames]; });
    await attempt('blob', () => { const b = sql.exec('SELECT photo FROM artist WHERE artistid = 456').one().photo; return [b instanceof ArrayBuffer, [...new Uint8Array(b)]]; });
    await attempt('bindings', () => sql.exec('SELECT ? AS a, ? AS b, ? AS c, ? AS d', null, undefined, 1.5, new ArrayBuffer(2)).raw().toArray().map((r) => r.map((v) => v instanceof ArrayBuffer ? 'buffer' : v)));
    await attempt('multi', () => sql.exec('CREATE TABLE m (x); INSERT INTO m VALUES (1); SELECT x FROM m').toArray());
    await attempt('prepared', () => { const st = sql.prepare('SELECT ? * 2 AS d'); return [st(2).one().d, st(5).one().d]; });
    await attempt('size', () => sql.databaseSize > 0 && sql.databaseSize % 4096 === 0);
    await attempt('syntax', () => sql.exec('SELECT ;'));
    await attempt('bindCount', () => sql.exec('SELECT ?'));
    await attempt('begin', () => sql.exec('BEGIN TRANSACTION'));
    await attempt('hidden', async () => { await s.put('x', 1); return sql.exec('SELECT * FROM _cf_KV').toArray(); });
    await attempt('empty', () => sql.exec(''));
    await attempt('iteratorProtocol', () => { const c = sql.exec('SELECT 1 AS one'); return [c[Symbol.iterator]() === c, Object.prototype.toString.call(c), Object.prototype.toString.call(sql), Object.prototype.toString.call(s)]; });
  `);
  assert.deepEqual(out.iterate, [{ artistid: 123, artistname: 'Alice' }, { artistid: 456, artistname: 'Bob' }, { artistid: 789, artistname: 'Charlie' }]);
  assert.deepEqual(out.next, [{ done: false, value: { n: 'Alice' } }, 2, { done: false, value: ['Bob'] }, [{ n: 'Charlie' }], { done: true }, 3]);
  assert.deepEqual(out.one, { artistid: 123, artistname: 'Alice', photo: null });
  assert.deepEqual(out.oneMany, { error: ['Error', 'Error', 'Expected exactly one result from SQL query, but got multiple results.'] });
  assert.deepEqual(out.oneNone, { error: ['Error', 'Error', 'Expected exactly one result from SQL query, but got no results.'] });
  assert.deepEqual(out.columns, [['artistid', 'artistname', 'photo', 'artistid', 'artistname', 'photo'], [[123, 'Alice', null, 456, 'Bob', null]]]);
  assert.deepEqual(out.written, [2, []]);
  assert.deepEqual(out.blob, [true, [1, 2, 255]]);
  assert.deepEqual(out.bindings, [[null, null, 1.5, 'buffer']]);
  assert.deepEqual(out.multi, [{ x: 1 }]);
  assert.deepEqual(out.prepared, [4, 10]);
  assert.equal(out.size, true);
  assert.deepEqual(out.syntax, { error: ['Error', 'Error', 'near ";": syntax error at offset 7: SQLITE_ERROR'] });
  assert.deepEqual(out.bindCount, { error: ['Error', 'Error', 'Wrong number of parameter bindings for SQL query.'] });
  assert.match(out.begin.error[2], /^To execute a transaction, please use the state\.storage\.transaction\(\) or state\.storage\.transactionSync\(\) APIs/);
  assert.deepEqual(out.hidden, { error: ['Error', 'Error', 'access to _cf_KV.key is prohibited: SQLITE_AUTH'] });
  assert.deepEqual(out.empty, { error: ['Error', 'Error', 'SQL code did not contain a statement.'] });
  assert.deepEqual(out.iteratorProtocol, [true, '[object SqlStorageCursor]', '[object SqlStorage]', '[object DurableObjectStorage]']);
});

test('alarms: setAlarm/getAlarm/deleteAlarm, times in the past mean now, and the shared index', async () => {
  const stateDir = temporaryStateDir();
  const out = await run(`
    await attempt('none', () => s.getAlarm());
    await attempt('set', async () => { await s.setAlarm(4102444800000); return s.getAlarm(); });
    await attempt('date', async () => { await s.setAlarm(new Date(4102444800500)); return s.getAlarm(); });
    await attempt('zero', () => s.setAlarm(0));
    await attempt('string', () => s.setAlarm('soon'));
    await attempt('past', async () => { const before = Date.now(); await s.setAlarm(1); const t = await s.getAlarm(); return t >= before && t < before + 5000; });
    await attempt('later', () => s.setAlarm(4102444801000));
  `, { stateDir });
  assert.equal(out.none, null);
  assert.equal(out.set, 4102444800000);
  assert.equal(out.date, 4102444800500);
  assert.deepEqual(out.zero, { error: ['TypeError', 'TypeError', 'setAlarm() cannot be called with an alarm time <= 0'] });
  assert.equal(out.string.error[0], 'TypeError');
  assert.equal(out.past, true);
  const due = nextAlarms(stateDir, 'test', Infinity);
  assert.equal(due.length, 1);
  assert.equal(due[0].className, 'Store');
  assert.equal(due[0].time, 4102444801000);
  assert.equal(getAlarm(stateDir, 'test', 'Store', due[0].id), 4102444801000);
  const deleted = await run('await s.deleteAlarm(); out.after = await s.getAlarm();', { stateDir });
  assert.equal(deleted.after, null);
  assert.deepEqual(nextAlarms(stateDir, 'test', Infinity), []);
});

test('deleteAll() removes SQL tables and key-value data; the object starts empty', async () => {
  const out = await run(`
    sql.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    await s.put('k', 'v');
    await s.setAlarm(4102444800000);
    s.put('counter', 888);
    await s.deleteAll();
    await attempt('kv', async () => [await s.get('k'), await s.get('counter'), (await s.list()).size]);
    await attempt('tables', () => sql.exec("SELECT name FROM sqlite_schema WHERE name NOT LIKE '\\\\_cf\\\\_%' ESCAPE '\\\\'").toArray());
    await attempt('alarm', () => s.getAlarm());
    await attempt('again', async () => { sql.exec('CREATE TABLE t (x)'); await s.put('k', 2); return s.get('k'); });
  `);
  assert.deepEqual(out.kv, [null, null, 0]);
  assert.deepEqual(out.tables, []);
  assert.equal(out.alarm, null);
  assert.equal(out.again, 2);
});

test('storage persists across restarts of the worker, per object', async () => {
  const stateDir = temporaryStateDir();
  await run(`await s.put('greeting', 'hello'); sql.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\\'kept\\')');`, { stateDir, path: '/?id=a' });
  await run(`await s.put('greeting', 'other');`, { stateDir, path: '/?id=b' });
  const a = await run(`out.greeting = await s.get('greeting'); out.notes = sql.exec('SELECT body FROM notes').toArray();`, { stateDir, path: '/?id=a' });
  const b = await run(`out.greeting = await s.get('greeting');`, { stateDir, path: '/?id=b' });
  assert.deepEqual(a, { greeting: 'hello', notes: [{ body: 'kept' }] });
  assert.deepEqual(b, { greeting: 'other' });
});

test('sync() resolves once written; the turn of an isolate that dies leaves nothing behind', async () => {
  const stateDir = temporaryStateDir();
  const synced = await run(`await s.put('a', 1); out.sync = await s.sync(); out.a = await s.get('a');`, { stateDir });
  assert.deepEqual(synced, { a: 1 });
  const w = await startWorker(`import { DurableObject } from 'cloudflare:workers';
    export class Store extends DurableObject {
      burn() { this.ctx.storage.put('lost', true); this.ctx.storage.sql.exec('CREATE TABLE lost (x)'); const end = Date.now() + 5000; while (Date.now() < end); return 'never'; }
      async read() { return [await this.ctx.storage.get('lost') ?? null, await this.ctx.storage.get('a'), this.ctx.storage.sql.exec("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'lost'").one().n]; }
    }
    export default { async fetch(request, env) {
      const stub = env.STORE.get(env.STORE.idFromName('one'));
      if (new URL(request.url).pathname === '/burn') { try { return new Response(await stub.burn()); } catch (e) { return new Response(e.message, { status: 500 }); } }
      return Response.json(await stub.read());
    } };`, { env: { bindings: BINDINGS }, stateDir, limits: { cpuMs: 200 } });
  try {
    const burned = await w.fetch('/burn');
    await burned.text();
    assert.notEqual(burned.status, 200);
    assert.deepEqual(await (await w.fetch('/read')).json(), [null, 1, 0]);
  } finally {
    await w.dispose();
  }
});
