// The Durable Object store (src/storage/durable-object-store.js) on its own: the key-value API
// over _cf_KV (structured clone, UTF-8 key order, list options, limits), transactions and
// savepoints, alarms and their shared index, deleteAll, and the SQL API with Workers'
// restrictions and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeAll } from '../../src/storage/sqlite.js';
import {
  openObjectStorage,
  objectFile,
  setAlarm,
  getAlarm,
  nextAlarms,
  earliestAlarm,
  deleteAlarmIf,
  deleteAllStorage,
  onAlarmChange,
  closeObjectStorages,
  serializeValue,
  moveClassAlarms,
} from '../../src/storage/durable-object-store.js';

const ID = 'a'.repeat(64);
let counter = 0;
function fresh() {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'outpost-do-store-'));
  const id = `${ID.slice(0, 60)}${String(counter++).padStart(4, '0')}`;
  return { stateDir, id, store: openObjectStorage(stateDir, 'worker', 'Counter', id) };
}

function reopen() {
  closeObjectStorages();
  closeAll();
}

const throwsMessage = (fn, pattern) => assert.throws(fn, (err) => {
  assert.match(err.message, pattern);
  return true;
});

test('one file per object under do/<worker>/<class>/<id>.sqlite; odd names are escaped', () => {
  const { stateDir, id, store } = fresh();
  store.put('k', 1);
  assert.equal(store.identity.file, path.join(stateDir, 'do', 'worker', 'Counter', `${id}.sqlite`));
  assert.ok(existsSync(store.identity.file));
  assert.equal(objectFile(stateDir, '../x', 'A/B', '.'), path.join(stateDir, 'do', '..%2Fx'.replace('..', '%2E%2E'), 'A%2FB', '%2E.sqlite'));
  assert.equal(objectFile(stateDir, '', 'C', 'i'), path.join(stateDir, 'do', '%', 'C', 'i.sqlite'));
});

test('values are structured clones: they come back as they went in, and survive a restart', () => {
  const { stateDir, id, store } = fresh();
  const circular = { name: 'loop' };
  circular.self = circular;
  const values = {
    number: -0,
    nan: NaN,
    big: 2n ** 70n,
    text: 'héllo 😀',
    nil: null,
    bool: false,
    date: new Date(1234567890123),
    regexp: /a+b/gi,
    map: new Map([[1, { deep: [1, 2] }], ['k', new Set(['x'])]]),
    bytes: new Uint8Array([1, 2, 255]),
    floats: new Float64Array([1.5, -2]),
    buffer: new Uint8Array([9, 8]).buffer,
    sparse: [1, , 3], // eslint-disable-line no-sparse-arrays
    nested: { u: undefined, a: [{ b: 'c' }] },
    error: new RangeError('bad range'),
    circular,
  };
  for (const [key, value] of Object.entries(values)) store.put(key, value);
  reopen();
  const again = openObjectStorage(stateDir, 'worker', 'Counter', id);
  for (const [key, value] of Object.entries(values)) {
    const back = again.get(key);
    if (key === 'error') {
      assert.ok(back instanceof RangeError);
      assert.equal(back.message, 'bad range');
    } else if (key === 'circular') {
      assert.equal(back.self, back);
      assert.equal(back.name, 'loop');
    } else {
      assert.deepStrictEqual(back, value, key);
    }
  }
  assert.ok(Object.hasOwn(again.get('nested'), 'u'));
  assert.equal(again.get('missing'), undefined);
  assert.equal(again.get('nil'), null);
});

test('uncloneable values fail with a DataCloneError and store nothing', () => {
  const { store } = fresh();
  assert.throws(() => store.put('f', { f() {} }), (err) => err instanceof DOMException && err.name === 'DataCloneError' && /could not be cloned/.test(err.message));
  assert.throws(() => store.putMany([['a', 1], ['b', () => 1]]), { name: 'DataCloneError' });
  assert.equal(store.get('a'), undefined);
  assert.throws(() => serializeValue(Symbol('s')), { name: 'DataCloneError' });
});

test('keys sort by their UTF-8 bytes; getMany omits missing keys and sorts', () => {
  const { store } = fresh();
  // UTF-16 order would put 😀 (D83D...) before \uffff; UTF-8 puts it after.
  const keys = ['b', 'a', 'B', 'é', '\uffff', '😀', 'a\0b', 'a\0', ''];
  for (const key of keys) store.put(key, key.length);
  const order = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual(store.list().map(([key]) => key), order);
  assert.deepEqual(order.slice(-2), ['\uffff', '😀']);
  assert.deepEqual(store.getMany(['😀', 'zz', 'a', 'a', '\uffff']).map(([key]) => key), ['a', '\uffff', '😀']);
  assert.equal(store.get('a\0b'), 3);
  assert.equal(store.get(''), 0);
});

test('list: start, startAfter, end, prefix, reverse and limit combine as in Workers', () => {
  const { store } = fresh();
  for (const key of ['a', 'ab', 'abc', 'abd', 'ac', 'b', 'é1', 'é2', 'ê']) store.put(key, key);
  const keys = (options) => store.list(options).map(([key]) => key);
  assert.deepEqual(keys({ start: 'ab' }), ['ab', 'abc', 'abd', 'ac', 'b', 'é1', 'é2', 'ê']);
  assert.deepEqual(keys({ startAfter: 'ab' }), ['abc', 'abd', 'ac', 'b', 'é1', 'é2', 'ê']);
  assert.deepEqual(keys({ end: 'ac' }), ['a', 'ab', 'abc', 'abd']);
  assert.deepEqual(keys({ prefix: 'ab' }), ['ab', 'abc', 'abd']);
  assert.deepEqual(keys({ prefix: 'é' }), ['é1', 'é2']);
  assert.deepEqual(keys({ prefix: 'ab', reverse: true }), ['abd', 'abc', 'ab']);
  assert.deepEqual(keys({ prefix: 'a', limit: 2 }), ['a', 'ab']);
  assert.deepEqual(keys({ prefix: 'a', limit: 2, reverse: true }), ['ac', 'abd']);
  assert.deepEqual(keys({ start: 'abc', end: 'b', reverse: true }), ['ac', 'abd', 'abc']);
  assert.deepEqual(keys({ prefix: 'ab', start: 'abc' }), ['abc', 'abd']);
  assert.deepEqual(keys({ prefix: 'ab', start: 'b' }), []);
  assert.deepEqual(keys({ prefix: 'ab', end: 'abd' }), ['ab', 'abc']);
  assert.deepEqual(keys({ start: 'b', end: 'a' }), []);
  assert.deepEqual(keys({ prefix: 'zzz' }), []);
  assert.deepEqual(store.list({ prefix: 'abc' }), [['abc', 'abc']]);
});

test('delete returns whether the key existed; deleteMany counts the keys that did', () => {
  const { store } = fresh();
  assert.equal(store.delete('nothing'), false);
  store.putMany([['a', 1], ['b', 2], ['c', 3]]);
  assert.equal(store.delete('a'), true);
  assert.equal(store.delete('a'), false);
  assert.equal(store.deleteMany(['b', 'b', 'c', 'd']), 2);
  assert.deepEqual(store.list(), []);
});

test('a key and its value together may take 2 MB (SQLite\'s row limit); beyond, SQLITE_TOOBIG and nothing stored', () => {
  const { store } = fresh();
  store.put('big', new Uint8Array(1_900_000));
  assert.equal(store.get('big').byteLength, 1_900_000);
  store.put('long-key'.repeat(1000), 1);
  throwsMessage(() => store.put('huge', new Uint8Array(2_000_001)), /^string or blob too big: SQLITE_TOOBIG$/);
  throwsMessage(() => store.putMany([['ok', 1], ['huge', 'x'.repeat(2_100_000)]]), /SQLITE_TOOBIG/);
  assert.equal(store.get('huge'), undefined);
  assert.equal(store.get('ok'), undefined);
});

test('transactions: begin/commit groups writes, rollback undoes them, savepoints nest', () => {
  const { stateDir, id, store } = fresh();
  store.begin();
  store.put('a', 1);
  store.put('b', 2);
  store.rollback();
  assert.equal(store.get('a'), undefined);
  // The _cf_KV table made in the rolled-back transaction is made again.
  store.put('a', 1);
  assert.equal(store.get('a'), 1);

  store.begin();
  store.put('x', 1);
  const outer = store.savepoint();
  store.put('x', 2);
  const inner = store.savepoint();
  store.put('x', 3);
  assert.equal(store.depth, 2);
  throwsMessage(() => store.rollbackTo(outer), /nested transaction is still running/);
  store.rollbackTo(inner);
  assert.equal(store.get('x'), 2);
  store.release(outer);
  assert.equal(store.depth, 0);
  store.commit();
  reopen();
  assert.equal(openObjectStorage(stateDir, 'worker', 'Counter', id).get('x'), 2);
});

test('commit() leaves a transaction alone while an explicit one is open in it', () => {
  const { store } = fresh();
  store.begin();
  const depth = store.savepoint();
  store.put('k', 1);
  store.commit();
  assert.equal(store.inTransaction, true);
  store.release(depth);
  store.commit();
  assert.equal(store.inTransaction, false);
  assert.equal(store.get('k'), 1);
});

test('alarms: kept in the object and in the shared index; the scheduler\'s functions', () => {
  const { stateDir, id, store } = fresh();
  const heard = [];
  const stop = onAlarmChange((change) => heard.push(change));
  try {
    assert.equal(store.getAlarm(), null);
    assert.equal(earliestAlarm(stateDir, 'worker'), null);
    store.setAlarm(5000);
    assert.equal(store.getAlarm(), 5000);
    assert.equal(getAlarm(stateDir, 'worker', 'Counter', id), 5000);
    setAlarm(stateDir, 'worker', 'Other', 'o1', 3000);
    setAlarm(stateDir, 'worker', 'Other', 'o2', 9000);
    setAlarm(stateDir, 'another-worker', 'Other', 'o3', 1000);
    assert.equal(earliestAlarm(stateDir, 'worker'), 3000);
    assert.deepEqual(nextAlarms(stateDir, 'worker', 5000), [{ className: 'Other', id: 'o1', time: 3000 }, { className: 'Counter', id, time: 5000 }]);
    assert.deepEqual(nextAlarms(stateDir, 'another-worker', Infinity), [{ className: 'Other', id: 'o3', time: 1000 }]);

    assert.equal(deleteAlarmIf(stateDir, 'worker', 'Other', 'o1', 2999), false);
    assert.equal(deleteAlarmIf(stateDir, 'worker', 'Other', 'o1', 3000), true);
    assert.equal(getAlarm(stateDir, 'worker', 'Other', 'o1'), null);
    assert.deepEqual(heard.map(({ className, id: which, time }) => [className, which, time]), [
      ['Counter', id, 5000], ['Other', 'o1', 3000], ['Other', 'o2', 9000], ['Other', 'o3', 1000], ['Other', 'o1', null],
    ]);

    // An alarm set in a transaction that is rolled back is not set, nor indexed.
    store.begin();
    store.setAlarm(100);
    store.rollback();
    assert.equal(store.getAlarm(), 5000);
    assert.equal(earliestAlarm(stateDir, 'worker'), 5000);
    // Set in a transaction: indexed once committed.
    store.begin();
    store.setAlarm(200);
    assert.equal(getAlarm(stateDir, 'worker', 'Counter', id), 5000);
    store.commit();
    assert.equal(earliestAlarm(stateDir, 'worker'), 200);
    store.setAlarm(null);
    assert.equal(earliestAlarm(stateDir, 'worker'), 9000);
    reopen();
    assert.equal(getAlarm(stateDir, 'worker', 'Other', 'o2'), 9000);
  } finally {
    stop();
  }
});

test('getAlarm() corrects an index entry the object does not have (left by a crash)', async () => {
  const { stateDir, id } = fresh();
  setAlarm(stateDir, 'worker', 'Counter', id, 7000);
  // What a crash between the index write and the object's commit leaves: an entry the object
  // does not have.
  const { DatabaseSync } = await import('node:sqlite');
  reopen();
  const index = new DatabaseSync(path.join(stateDir, 'do', 'alarms.sqlite'));
  index.prepare('INSERT OR REPLACE INTO alarms VALUES (?, ?, ?, ?)').run('worker', 'Counter', 'ghost', 10);
  index.close();
  assert.deepEqual(nextAlarms(stateDir, 'worker', 7000).map(({ id: which }) => which), ['ghost', id]);
  assert.equal(getAlarm(stateDir, 'worker', 'Counter', 'ghost'), null);
  assert.deepEqual(nextAlarms(stateDir, 'worker', 7000).map(({ id: which }) => which), [id]);
});

test('deleteAll removes tables, views, triggers, FTS tables and key-value data atomically', () => {
  const { stateDir, id, store } = fresh();
  store.put('k', 'v');
  store.setAlarm(4242);
  store.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE child (id INTEGER PRIMARY KEY AUTOINCREMENT, parent REFERENCES parent(id));
    INSERT INTO parent VALUES (1); INSERT INTO child (parent) VALUES (1);
    CREATE INDEX child_parent ON child (parent);
    CREATE VIEW v AS SELECT * FROM child;
    CREATE TRIGGER t AFTER INSERT ON parent BEGIN INSERT INTO child (parent) VALUES (new.id); END;
    CREATE VIRTUAL TABLE docs USING fts5(body);
    INSERT INTO docs VALUES ('hello world');
    ANALYZE;`);
  const sizeBefore = store.databaseSize();
  deleteAllStorage(stateDir, 'worker', 'Counter', id, { deleteAlarm: false });
  assert.equal(store.get('k'), undefined);
  assert.deepEqual(store.exec("SELECT name FROM sqlite_schema WHERE name NOT LIKE '_cf_%'").rows, [['sqlite_sequence']]);
  assert.equal(store.getAlarm(), 4242);
  assert.ok(store.databaseSize() < sizeBefore);
  // Tables can be made again with the same names.
  store.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); INSERT INTO parent VALUES (1)');
  store.deleteAll();
  assert.equal(store.getAlarm(), null);
  assert.equal(earliestAlarm(stateDir, 'worker'), null);
  // Not within an explicit transaction.
  store.begin();
  store.savepoint();
  throwsMessage(() => store.deleteAll(), /^Cannot call deleteAll\(\) within a transaction$/);
  store.rollback();
});

test('SQL: results, types, bindings, multiple statements, cursor counts', () => {
  const { store } = fresh();
  const one = (sql, ...b) => store.exec(sql, b);
  assert.deepEqual(one('SELECT 123 AS n, 1.5 AS f, \'hi\' AS s, x\'ff00\' AS b, NULL AS z'), {
    columns: ['n', 'f', 's', 'b', 'z'], rows: [[123, 1.5, 'hi', new Uint8Array([255, 0]), null]], rowsRead: 1, rowsWritten: 0,
  });
  assert.deepEqual(one('SELECT ? + ? AS sum', 123, 456).rows, [[579]]);
  assert.deepEqual(one('SELECT 9007199254740993 AS big').rows, [[9007199254740992]]);
  const created = one(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
    INSERT INTO t (v) VALUES ('a'), ('b');
    INSERT INTO t (v) VALUES (?) RETURNING id`, 'c');
  assert.deepEqual(created.rows, [[3]]);
  assert.equal(created.rowsWritten, 3);
  assert.deepEqual(one('SELECT id FROM t WHERE v = :v OR v = ?', 'a', 'b').rows, [[1], [2]]);
  const update = one("UPDATE t SET v = 'z' WHERE id > 1");
  assert.equal(update.rowsWritten, 2);
  assert.deepEqual(update.columns, []);
  assert.deepEqual(one('SELECT * FROM t t1, t t2 WHERE t1.id = 1 AND t2.id = 1').columns, ['id', 'v', 'id', 'v']);
  // Numbers bind as REALs; an INTEGER column keeps integers.
  assert.deepEqual(one('SELECT typeof(?) AS t', 1).rows, [['real']]);
  one('INSERT INTO t (id, v) VALUES (?, ?)', 10, null);
  assert.deepEqual(one('SELECT typeof(id), v FROM t WHERE id = 10').rows, [['integer', null]]);
  assert.deepEqual(one("SELECT json_extract('{\"a\":[1,2]}', '$.a[1]') AS j, cos(0) AS c").rows, [[2, 1]]);
});

test('SQL errors: as Workers words them', () => {
  const { store } = fresh();
  const fails = (sql, pattern, ...b) => throwsMessage(() => store.exec(sql, b), pattern);
  fails('', /^SQL code did not contain a statement\.$/);
  fails(';', /^SQL code did not contain a statement\.$/);
  fails('SELECT 1; -- trailing comment', /^SQL code did not contain a statement\.$/);
  fails('SELECT ;', /^near ";": syntax error at offset 7: SQLITE_ERROR$/);
  fails('SELECT * FROM nowhere', /^no such table: nowhere: SQLITE_ERROR$/);
  fails('SELECT ?', /^Wrong number of parameter bindings for SQL query\.$/);
  fails('SELECT 1', /^Wrong number of parameter bindings for SQL query\.$/, 1);
  fails('SELECT ?; SELECT 2', /^When executing multiple SQL statements in a single call, only the last statement can have parameters\.$/, 1);
  fails('BEGIN TRANSACTION', /^To execute a transaction, please use the state\.storage\.transaction\(\) or state\.storage\.transactionSync\(\) APIs/);
  fails('SAVEPOINT foo', /please use the state\.storage\.transaction\(\)/);
  fails('COMMIT', /please use the state\.storage\.transaction\(\)/);
  store.put('hidden', 1);
  fails('SELECT * FROM _cf_KV', /^access to _cf_KV\.key is prohibited: SQLITE_AUTH$/);
  fails('DELETE FROM _cf_KV', /^not authorized: SQLITE_AUTH$/);
  fails('DROP TABLE _cf_KV', /not authorized/);
  fails('CREATE TABLE _cf_mine (x)', /^not authorized: SQLITE_AUTH$/);
  fails('PRAGMA table_info(_cf_KV)', /not authorized/);
  fails('PRAGMA hard_heap_limit = 1024', /not authorized/);
  fails('PRAGMA page_size = 8192', /^not authorized: SQLITE_AUTH$/);
  fails('PRAGMA data_version = 5', /not authorized/);
  fails("ATTACH DATABASE 'x.sqlite' AS x", /SQLITE_/);
  fails('VACUUM', /SQLITE_/);
  fails('CREATE TEMP TABLE tempy (x)', /not authorized/);
  fails('SELECT sqlite_version()', /^not authorized to use function: sqlite_version: SQLITE_ERROR$/);
  fails('SELECT load_extension(\'x\')', /not authorized/);
  fails('CREATE VIRTUAL TABLE v USING rtree(id, a, b)', /not authorized/);
  fails('SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6', /too many terms in compound SELECT/);
  store.exec('CREATE TABLE typed (name TEXT)');
  fails("INSERT INTO typed (rowid, name) VALUES ('yeah', 'nah')", /^datatype mismatch: SQLITE_MISMATCH$/);
  fails(`SELECT '${'x'.repeat(100_001)}'`, /SQLITE_TOOBIG/);
  fails("SELECT 1 WHERE 'a' LIKE ?", /SQLITE_/, '%'.repeat(51));
  // What is allowed.
  assert.deepEqual(store.exec('PRAGMA table_info(typed)').rows.map((row) => row[1]), ['name']);
  assert.deepEqual(store.exec('PRAGMA quick_check').rows, [['ok']]);
  store.exec('PRAGMA defer_foreign_keys = on');
  assert.equal(store.exec('SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5').rows.length, 5);
  store.exec('CREATE VIRTUAL TABLE docs USING FtS5(body, tokenize = porter)');
  store.exec("INSERT INTO docs VALUES ('the contents of it'), ('other')");
  assert.deepEqual(store.exec("SELECT body FROM docs WHERE docs MATCH 'content'").rows, [['the contents of it']]);
  assert.ok(store.exec("SELECT name FROM sqlite_schema WHERE name = '_cf_KV'").rows.length === 1);
});

test('SQL: a statement that writes calls onWrite first (the runtime opens its transaction there)', () => {
  const { store } = fresh();
  let writes = 0;
  const onWrite = () => {
    writes += 1;
    store.begin();
  };
  store.exec('SELECT 1', [], onWrite);
  assert.equal(writes, 0);
  assert.equal(store.inTransaction, false);
  store.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)', [], onWrite);
  assert.equal(writes, 2);
  assert.equal(store.inTransaction, true);
  store.rollback();
  throwsMessage(() => store.exec('SELECT * FROM t'), /no such table/);
  // PRAGMA foreign_keys cannot change inside a transaction: what the turn wrote is committed
  // first, so that it takes effect.
  store.begin();
  store.exec('CREATE TABLE kept (x)');
  store.exec('PRAGMA foreign_keys = OFF', [], onWrite);
  assert.equal(store.inTransaction, false);
  assert.deepEqual(store.exec('PRAGMA foreign_keys').rows, [[0]]);
  assert.deepEqual(store.exec("SELECT count(*) FROM sqlite_schema WHERE name = 'kept'").rows, [[1]]);
  store.exec('PRAGMA foreign_keys = ON');
});

test('databaseSize counts the pages in use', () => {
  const { store } = fresh();
  store.exec('CREATE TABLE a (x)');
  const size = store.databaseSize();
  assert.equal(size % 4096, 0);
  store.exec('CREATE TABLE one_more_page (x)');
  assert.equal(store.databaseSize(), size + 4096);
  store.exec('DROP TABLE one_more_page');
  assert.equal(store.databaseSize(), size);
});

test('an operation that fails inside the open transaction leaves nothing of itself behind', () => {
  const { store } = fresh();
  store.begin();
  store.put('before', 1);
  throwsMessage(() => store.putMany([['a', 1], ['huge', new Uint8Array(2_100_000)]]), /SQLITE_TOOBIG/);
  store.commit();
  assert.deepEqual(store.list().map(([key]) => key), ['before']);
});

test('a transaction whose owner died is rolled back before the scheduler\'s functions use the object', () => {
  const { stateDir, id, store } = fresh();
  const owner = { dead: null };
  store.begin();
  store.owner = owner;
  store.put('uncommitted', 1);
  store.setAlarm(1234);
  owner.dead = new Error('isolate died');
  assert.equal(getAlarm(stateDir, 'worker', 'Counter', id), null);
  assert.equal(store.inTransaction, false);
  assert.equal(store.get('uncommitted'), undefined);
  setAlarm(stateDir, 'worker', 'Counter', id, 99);
  assert.equal(earliestAlarm(stateDir, 'worker'), 99);
});

test('moveClassAlarms: a renamed class keeps its alarms, a deleted one loses them', () => {
  const { stateDir } = fresh();
  setAlarm(stateDir, 'worker', 'Old', 'o1', 10);
  setAlarm(stateDir, 'worker', 'Gone', 'g1', 20);
  moveClassAlarms(stateDir, 'worker', 'Old', 'New');
  moveClassAlarms(stateDir, 'worker', 'Gone', null);
  assert.deepEqual(nextAlarms(stateDir, 'worker', 100), [{ className: 'New', id: 'o1', time: 10 }]);
});
