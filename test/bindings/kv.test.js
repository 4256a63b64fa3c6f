// KV namespaces through real workers: every method and option, Workers' errors for bad input,
// persistence in the state directory, and isolation between namespaces and workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { moduleBundle, startWorker, temporaryStateDir } from '../helpers/worker.js';
import { runChecks, value, error, assertTypeError } from '../web/run-checks.js';
import { openKvStore } from '../../src/storage/kv-store.js';
import { Worker } from '../../src/runtime/worker.js';

const KV = { KV: { type: 'kv', namespaceId: 'ns-main' } };
const withKv = (stateDir = temporaryStateDir(), bindings = KV) => ({ worker: { env: { bindings }, stateDir } });

function assertKvError(results, name, message) {
  const e = error(results, name);
  assert.equal(e.ctor, 'Error', `${name}: ${JSON.stringify(e)}`);
  assert.equal(e.message, message);
}

test('get and put: text, json, arrayBuffer and stream, with every value type', async () => {
  const { results } = await runChecks(`
    await env.KV.put('text', 'héllo');
    await env.KV.put('json', JSON.stringify({ a: [1, 2] }));
    await env.KV.put('buffer', new Uint8Array([0, 1, 254, 255]).buffer);
    await env.KV.put('view', new Uint16Array([1, 2]).subarray(1));
    await env.KV.put('stream', new Blob(['streamed ', 'value']).stream());
    await env.KV.put('empty', '');
    await env.KV.put('number', 42);
    await check('text', () => env.KV.get('text'));
    await check('textType', () => env.KV.get('text', 'text'));
    await check('json', () => env.KV.get('json', 'json'));
    await check('jsonOption', () => env.KV.get('json', { type: 'json', cacheTtl: 60 }));
    await check('buffer', async () => { const b = await env.KV.get('buffer', 'arrayBuffer'); return [b instanceof ArrayBuffer, [...new Uint8Array(b)]]; });
    await check('view', async () => [...new Uint8Array(await env.KV.get('view', 'arrayBuffer'))]);
    await check('stream', async () => { const s = await env.KV.get('stream', 'stream'); return [s instanceof ReadableStream, await new Response(s).text()]; });
    await check('streamOfBytes', async () => new Response(await env.KV.get('buffer', { type: 'stream' })).arrayBuffer().then((b) => b.byteLength));
    await check('empty', () => env.KV.get('empty'));
    await check('number', () => env.KV.get('number'));
    await check('missing', () => env.KV.get('missing'));
    await check('missingJson', () => env.KV.get('missing', 'json'));
    await check('notJson', () => env.KV.get('text', 'json'));
  `, withKv());
  assert.equal(value(results, 'text'), 'héllo');
  assert.equal(value(results, 'textType'), 'héllo');
  assert.deepEqual(value(results, 'json'), { a: [1, 2] });
  assert.deepEqual(value(results, 'jsonOption'), { a: [1, 2] });
  assert.deepEqual(value(results, 'buffer'), [true, [0, 1, 254, 255]]);
  assert.deepEqual(value(results, 'view'), [2, 0]);
  assert.deepEqual(value(results, 'stream'), [true, 'streamed value']);
  assert.equal(value(results, 'streamOfBytes'), 4);
  assert.equal(value(results, 'empty'), '');
  assert.equal(value(results, 'number'), '42');
  assert.equal(value(results, 'missing'), null);
  assert.equal(value(results, 'missingJson'), null);
  assert.equal(error(results, 'notJson').ctor, 'SyntaxError');
});

test('a put copies its buffer: changing it afterwards does not change the stored value', async () => {
  const { results } = await runChecks(`
    const bytes = new Uint8Array([1, 2, 3]);
    const pending = env.KV.put('k', bytes);
    bytes[0] = 9;
    await pending;
    await check('stored', async () => [...new Uint8Array(await env.KV.get('k', 'arrayBuffer'))]);
  `, withKv());
  assert.deepEqual(value(results, 'stored'), [1, 2, 3]);
});

test('getWithMetadata, metadata of every JSON type, and put replacing value and metadata', async () => {
  const { results } = await runChecks(`
    await env.KV.put('obj', 'v1', { metadata: { role: 'admin', n: 1 } });
    await env.KV.put('num', 'v', { metadata: 123 });
    await env.KV.put('str', 'v', { metadata: 'note' });
    await env.KV.put('plain', 'v');
    await check('obj', () => env.KV.getWithMetadata('obj'));
    await check('num', () => env.KV.getWithMetadata('num'));
    await check('str', () => env.KV.getWithMetadata('str', 'text'));
    await check('plain', () => env.KV.getWithMetadata('plain'));
    await check('missing', () => env.KV.getWithMetadata('nope'));
    await check('json', () => env.KV.getWithMetadata('obj', { type: 'arrayBuffer' }).then((r) => [r.value.byteLength, r.metadata]));
    await env.KV.put('obj', 'v2');
    await check('replaced', () => env.KV.getWithMetadata('obj'));
  `, withKv());
  assert.deepEqual(value(results, 'obj'), { value: 'v1', metadata: { role: 'admin', n: 1 }, cacheStatus: null });
  assert.deepEqual(value(results, 'num'), { value: 'v', metadata: 123, cacheStatus: null });
  assert.deepEqual(value(results, 'str'), { value: 'v', metadata: 'note', cacheStatus: null });
  assert.deepEqual(value(results, 'plain'), { value: 'v', metadata: null, cacheStatus: null });
  assert.deepEqual(value(results, 'missing'), { value: null, metadata: null, cacheStatus: null });
  assert.deepEqual(value(results, 'json'), [2, { role: 'admin', n: 1 }]);
  assert.deepEqual(value(results, 'replaced'), { value: 'v2', metadata: null, cacheStatus: null });
});

test('bulk get: a Map of up to 100 keys, text or json, with or without metadata', async () => {
  const { results } = await runChecks(`
    await env.KV.put('a', '{"n":1}', { metadata: { m: 'a' } });
    await env.KV.put('b', '2');
    await env.KV.put('plain', 'not json');
    const entries = (map) => [map instanceof Map, [...map]];
    await check('text', async () => entries(await env.KV.get(['a', 'b', 'missing'])));
    await check('json', async () => entries(await env.KV.get(['a', 'b'], 'json')));
    await check('jsonOption', async () => entries(await env.KV.get(['a'], { type: 'json' })));
    await check('metadata', async () => entries(await env.KV.getWithMetadata(['a', 'b', 'missing'])));
    await check('notJson', () => env.KV.get(['a', 'plain'], 'json'));
    await check('stream', () => env.KV.get(['a'], 'stream'));
    await check('invalidType', () => env.KV.get(['a'], { type: 'invalid' }));
    await check('none', () => env.KV.get([]));
    await check('tooMany', () => env.KV.get(Array.from({ length: 101 }, (_, i) => 'k' + i)));
    await check('hundred', async () => (await env.KV.get(Array.from({ length: 100 }, (_, i) => 'k' + i))).size);
    await check('illegal', () => env.KV.get(['.']));
    await check('long', () => env.KV.get(['x'.repeat(513)]));
  `, withKv());
  assert.deepEqual(value(results, 'text'), [true, [['a', '{"n":1}'], ['b', '2'], ['missing', null]]]);
  assert.deepEqual(value(results, 'json'), [true, [['a', { n: 1 }], ['b', 2]]]);
  assert.deepEqual(value(results, 'jsonOption'), [true, [['a', { n: 1 }]]]);
  assert.deepEqual(value(results, 'metadata'), [true, [['a', { value: '{"n":1}', metadata: { m: 'a' } }], ['b', { value: '2', metadata: null }], ['missing', null]]]);
  assertKvError(results, 'notJson', 'KV GET_BULK failed: 400 At least one of the requested keys corresponds to a non-json value');
  assertKvError(results, 'stream', 'KV GET_BULK failed: 400 "stream" is not a valid type. Use "json" or "text"');
  assertKvError(results, 'invalidType', 'KV GET_BULK failed: 400 "invalid" is not a valid type. Use "json" or "text"');
  assertKvError(results, 'none', 'KV GET_BULK failed: 400 You must request a minimum of 1 key');
  assertKvError(results, 'tooMany', 'KV GET_BULK failed: 400 You can request a maximum of 100 keys');
  assert.equal(value(results, 'hundred'), 100);
  assertKvError(results, 'illegal', 'KV GET_BULK failed: 400 Key name . is not legal');
  assertKvError(results, 'long', 'KV GET_BULK failed: 414 Encoded length of 513 is too long');
});

test('delete removes a key, and deleting a missing key is fine', async () => {
  const { results } = await runChecks(`
    await env.KV.put('k', 'v');
    await check('deleted', () => env.KV.delete('k'));
    await check('after', () => env.KV.get('k'));
    await check('again', () => env.KV.delete('k'));
  `, withKv());
  assert.equal(value(results, 'deleted'), undefined);
  assert.equal(value(results, 'after'), null);
  assert.equal(value(results, 'again'), undefined);
});

test('list: byte order, prefix, limit, cursor pages, expiration and metadata', async () => {
  const { results } = await runChecks(`
    // Byte order of UTF-8: 'B' < 'a' < 'z' < 'é' (0xC3 0xA9) < '😀' (0xF0 ...).
    for (const key of ['é', 'a', 'z', 'B', '😀', 'section1:b', 'section1:a', 'section2:a', 'key\\\\_%1', 'key\\\\a']) await env.KV.put(key, 'v');
    await env.KV.put('meta', 'v', { metadata: { m: 1 }, expirationTtl: 3600 });
    const names = (r) => r.keys.map((k) => k.name);
    await check('all', async () => { const r = await env.KV.list(); return [names(r), r.list_complete, 'cursor' in r, r.cacheStatus]; });
    await check('prefix', async () => names(await env.KV.list({ prefix: 'section1:' })));
    await check('likeChars', async () => names(await env.KV.list({ prefix: 'key\\\\_%' })));
    await check('meta', async () => (await env.KV.list({ prefix: 'meta' })).keys[0]);
    await check('pages', async () => {
      const pages = [];
      let cursor;
      do {
        const page = await env.KV.list({ prefix: 'section', limit: 2, cursor });
        pages.push([names(page), page.list_complete, typeof page.cursor]);
        cursor = page.cursor;
      } while (cursor);
      return pages;
    });
    await check('limitZero', async () => names(await env.KV.list({ limit: 0 })).length);
    await check('limitFraction', async () => names(await env.KV.list({ limit: 1.9 })));
    await check('tooMany', () => env.KV.list({ limit: 1001 }));
    await check('badCursor', () => env.KV.list({ cursor: '%%%' }));
  `, withKv());
  const [all, complete, hasCursor, cacheStatus] = value(results, 'all');
  assert.deepEqual(all, ['B', 'a', 'key\\_%1', 'key\\a', 'meta', 'section1:a', 'section1:b', 'section2:a', 'z', 'é', '😀']);
  assert.equal(complete, true);
  assert.equal(hasCursor, false);
  assert.equal(cacheStatus, null);
  assert.deepEqual(value(results, 'prefix'), ['section1:a', 'section1:b']);
  assert.deepEqual(value(results, 'likeChars'), ['key\\_%1']);
  const meta = value(results, 'meta');
  assert.equal(meta.name, 'meta');
  assert.deepEqual(meta.metadata, { m: 1 });
  assert.ok(Math.abs(meta.expiration - (Date.now() / 1000 + 3600)) < 10, `expiration ${meta.expiration}`);
  assert.deepEqual(value(results, 'pages'), [
    [['section1:a', 'section1:b'], false, 'string'],
    [['section2:a'], true, 'undefined'],
  ]);
  assert.equal(value(results, 'limitZero'), 11);
  assert.deepEqual(value(results, 'limitFraction'), ['B']);
  assertKvError(results, 'tooMany', 'KV GET failed: 400 Invalid key_count_limit of 1001. Please specify integer less than 1000.');
  assertKvError(results, 'badCursor', 'KV GET failed: 400 Invalid cursor');
});

test('list pages through more than 1000 keys', async () => {
  const stateDir = temporaryStateDir();
  const store = openKvStore(stateDir);
  store.putMany('ns-main', Array.from({ length: 2500 }, (_, i) => ({ key: `k${String(i).padStart(5, '0')}`, value: 'v', expiration: null, metadata: null })));
  const { results } = await runChecks(`
    await check('pages', async () => {
      const sizes = [];
      let cursor;
      do {
        const page = await env.KV.list({ cursor });
        sizes.push(page.keys.length);
        cursor = page.cursor;
      } while (cursor);
      return sizes;
    });
  `, withKv(stateDir));
  assert.deepEqual(value(results, 'pages'), [1000, 1000, 500]);
});

test('expiration: expired entries are invisible to get and list, and swept from the store', async () => {
  const stateDir = temporaryStateDir();
  const store = openKvStore(stateDir);
  const past = Math.floor(Date.now() / 1000) - 1;
  store.put('ns-main', 'old', Buffer.from('gone'), past, '{"m":1}');
  store.put('ns-main', 'live', Buffer.from('here'), past + 3600, null);
  const { results } = await runChecks(`
    await check('old', () => env.KV.get('old'));
    await check('oldMeta', () => env.KV.getWithMetadata('old'));
    await check('bulk', async () => [...await env.KV.get(['old', 'live'])]);
    await check('list', async () => (await env.KV.list()).keys.map((k) => k.name));
    await check('ttl', async () => { await env.KV.put('ttl', 'v', { expirationTtl: 60 }); return (await env.KV.list({ prefix: 'ttl' })).keys[0].expiration; });
    await check('at', async () => { const at = Math.floor(Date.now() / 1000) + 120; await env.KV.put('at', 'v', { expiration: at }); return [(await env.KV.list({ prefix: 'at' })).keys[0].expiration, at]; });
    await check('both', async () => { await env.KV.put('both', 'v', { expiration: 1, expirationTtl: 600 }); return (await env.KV.list({ prefix: 'both' })).keys[0].expiration; });
  `, withKv(stateDir));
  assert.equal(value(results, 'old'), null);
  assert.deepEqual(value(results, 'oldMeta'), { value: null, metadata: null, cacheStatus: null });
  assert.deepEqual(value(results, 'bulk'), [['old', null], ['live', 'here']]);
  assert.deepEqual(value(results, 'list'), ['live']);
  const now = Date.now() / 1000;
  assert.ok(Math.abs(value(results, 'ttl') - (now + 60)) < 5);
  const [stored, asked] = value(results, 'at');
  assert.equal(stored, asked);
  assert.ok(Math.abs(value(results, 'both') - (now + 600)) < 5, 'expirationTtl wins over expiration');
  assert.equal(store.sweep(), 1);
  assert.equal(store.db.prepare("SELECT count(*) AS n FROM entries WHERE key = 'old'").get().n, 0);
});

test('bad keys, options and values fail as Workers fails them, and nothing is stored', async () => {
  const { results } = await runChecks(`
    await check('empty', () => env.KV.get(''));
    await check('dot', () => env.KV.get('.'));
    await check('dotdot', () => env.KV.delete('..'));
    await check('longGet', () => env.KV.get('x'.repeat(513)));
    await check('longPut', () => env.KV.put('é'.repeat(257), 'v'));
    await check('longDelete', () => env.KV.delete('x'.repeat(513)));
    await check('maxKey', async () => { await env.KV.put('x'.repeat(512), 'v'); return env.KV.get('x'.repeat(512)); });
    await check('surrogate', () => env.KV.get('\\ud800'));
    await check('badType', () => env.KV.get('k', 'banana'));
    await check('cacheTtl', () => env.KV.get('k', { cacheTtl: 29 }));
    await check('cacheTtlNaN', () => env.KV.get('k', { cacheTtl: 'soon' }));
    await check('ttl59', () => env.KV.put('k', 'v', { expirationTtl: 59 }));
    await check('ttl0', () => env.KV.put('k', 'v', { expirationTtl: 0 }));
    await check('ttlNaN', () => env.KV.put('k', 'v', { expirationTtl: 'nan' }));
    const now = Math.floor(Date.now() / 1000);
    await check('expirationPast', () => env.KV.put('k', 'v', { expiration: now - 10 }));
    await check('expirationSoon', () => env.KV.put('k', 'v', { expiration: now + 30 }));
    await check('metadata', () => env.KV.put('k', 'v', { metadata: { key: 'x'.repeat(1015) } }));
    await check('metadataMax', () => env.KV.put('meta-max', 'v', { metadata: { key: 'x'.repeat(1014) } }));
    await check('object', () => env.KV.put('k', {}));
    await check('blob', () => env.KV.put('k', new Blob(['x'])));
    await check('detached', () => { const b = new ArrayBuffer(4); structuredClone(b, { transfer: [b] }); return env.KV.put('k', b); });
    await check('big', () => env.KV.put('k', 'x'.repeat(25 * 1024 * 1024 + 1)));
    await check('bigStream', () => env.KV.put('k', new Blob([new Uint8Array(25 * 1024 * 1024 + 1)]).stream()));
    await check('stored', () => env.KV.list().then((r) => r.keys.map((k) => k.name.length)));
    await check('rejectsNotThrows', () => { let threw = false; let p; try { p = env.KV.get(''); } catch { threw = true; } p?.catch(() => {}); return [threw, p instanceof Promise]; });
  `, withKv());
  assertTypeError(results, 'empty', 'Key name cannot be empty.');
  assertTypeError(results, 'dot', '"." is not allowed as a key name.');
  assertTypeError(results, 'dotdot', '".." is not allowed as a key name.');
  assertKvError(results, 'longGet', 'KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.');
  assertKvError(results, 'longPut', 'KV PUT failed: 414 UTF-8 encoded length of 514 exceeds key length limit of 512.');
  assertKvError(results, 'longDelete', 'KV DELETE failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.');
  assert.equal(value(results, 'maxKey'), 'v');
  assertKvError(results, 'surrogate', 'KV GET failed: 400 Could not URL-decode key name');
  assertTypeError(results, 'badType', 'Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".');
  assertKvError(results, 'cacheTtl', 'KV GET failed: 400 Invalid cache_ttl of 29. Cache TTL must be at least 30.');
  assertKvError(results, 'cacheTtlNaN', 'KV GET failed: 400 Invalid cache_ttl of 0. Cache TTL must be at least 30.');
  assertKvError(results, 'ttl59', 'KV PUT failed: 400 Invalid expiration_ttl of 59. Expiration TTL must be at least 60.');
  assertKvError(results, 'ttl0', 'KV PUT failed: 400 Invalid expiration_ttl of 0. Please specify integer greater than 0.');
  assertKvError(results, 'ttlNaN', 'KV PUT failed: 400 Invalid expiration_ttl of 0. Please specify integer greater than 0.');
  assert.match(error(results, 'expirationPast').message, /^KV PUT failed: 400 Invalid expiration of \d+\. Please specify integer greater than the current number of seconds since the UNIX epoch\.$/);
  assert.match(error(results, 'expirationSoon').message, /^KV PUT failed: 400 Invalid expiration of \d+\. Expiration times must be at least 60 seconds in the future\.$/);
  assertKvError(results, 'metadata', 'KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024.');
  assert.equal(value(results, 'metadataMax'), undefined);
  const typesMessage = 'KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.';
  assertTypeError(results, 'object', typesMessage);
  assertTypeError(results, 'blob', typesMessage);
  assertTypeError(results, 'detached', typesMessage);
  assertKvError(results, 'big', 'KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.');
  assertKvError(results, 'bigStream', 'KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.');
  assert.deepEqual(value(results, 'stored'), [8, 512], 'only the valid puts were stored');
  assert.deepEqual(value(results, 'rejectsNotThrows'), [false, true]);
});

test('a 25 MiB value round-trips, as bytes and as a stream', async () => {
  const { results } = await runChecks(`
    const size = 25 * 1024 * 1024;
    const bytes = new Uint8Array(size);
    bytes[0] = 7; bytes[size - 1] = 9;
    await env.KV.put('big', bytes);
    await check('bytes', async () => { const b = new Uint8Array(await env.KV.get('big', 'arrayBuffer')); return [b.byteLength, b[0], b[size - 1]]; });
    await env.KV.put('bigStream', new Blob([bytes]).stream());
    await check('stream', async () => (await new Response(await env.KV.get('bigStream', 'stream')).arrayBuffer()).byteLength);
  `, withKv());
  assert.deepEqual(value(results, 'bytes'), [25 * 1024 * 1024, 7, 9]);
  assert.equal(value(results, 'stream'), 25 * 1024 * 1024);
});

test('a failing value stream fails the put, and nothing is stored', async () => {
  const { results } = await runChecks(`
    const failing = new ReadableStream({ pull(c) { c.error(new RangeError('source broke')); } });
    await check('put', () => env.KV.put('k', failing));
    await check('after', () => env.KV.get('k'));
  `, withKv());
  assert.equal(error(results, 'put').ctor, 'RangeError');
  assert.equal(value(results, 'after'), null);
});

test('a KV call at global scope is refused as Workers refuses I/O there', async () => {
  const worker = await startWorker(`
    import { env } from 'cloudflare:workers';
    let failure = 'none';
    env.KV.get('k').catch((e) => { failure = e.message; });
    export default { fetch: async () => new Response(failure) };
  `, { env: { bindings: KV } });
  try {
    assert.match(await (await worker.fetch('/')).text(), /Disallowed operation called within global scope/);
  } finally {
    await worker.dispose();
  }
});

test('data persists in the state directory across workers and restarts', async () => {
  const stateDir = temporaryStateDir();
  const writer = await startWorker(`export default { async fetch(request, env) { await env.KV.put('k', 'persisted', { metadata: { v: 1 } }); return new Response('ok'); } }`, { env: { bindings: KV }, stateDir });
  assert.equal(await (await writer.fetch('/')).text(), 'ok');
  await writer.dispose();
  const reader = await startWorker(`export default { async fetch(request, env) { return Response.json(await env.KV.getWithMetadata('k')); } }`, { env: { bindings: KV }, stateDir, name: 'other-worker' });
  try {
    assert.deepEqual(await (await reader.fetch('/')).json(), { value: 'persisted', metadata: { v: 1 }, cacheStatus: null });
  } finally {
    await reader.dispose();
  }
});

test('namespaces are separate, and a worker reaches only the namespaces it is bound to', async () => {
  const stateDir = temporaryStateDir();
  const bindings = { A: { type: 'kv', namespaceId: 'ns-a' }, B: { type: 'kv', namespaceId: 'ns-b' } };
  const { results } = await runChecks(`
    await env.A.put('k', 'in a');
    await check('a', () => env.A.get('k'));
    await check('b', () => env.B.get('k'));
    await check('listB', async () => (await env.B.list()).keys.length);
    await check('types', () => [String(env.A), Object.keys(env).sort(), typeof env.A.get]);
    // The binding object carries nothing the worker can point at another namespace.
    await check('own', () => [Object.getOwnPropertyNames(env.A), Object.getOwnPropertySymbols(env.A).length]);
    await check('forged', () => Object.getPrototypeOf(env.A).constructor.call({}, undefined, 'ns-b'));
    await check('newNamespace', () => new (Object.getPrototypeOf(env.A).constructor)());
  `, withKv(stateDir, bindings));
  assert.equal(value(results, 'a'), 'in a');
  assert.equal(value(results, 'b'), null);
  assert.equal(value(results, 'listB'), 0);
  assert.deepEqual(value(results, 'types'), ['[object KVNamespace]', ['A', 'B'], 'function']);
  assert.deepEqual(value(results, 'own'), [[], 0]);
  assert.equal(error(results, 'forged').ctor, 'TypeError');
  assertTypeError(results, 'newNamespace', 'Illegal constructor');
  // Another worker bound to ns-b by a different name sees nothing of ns-a.
  const store = openKvStore(stateDir);
  assert.equal(Buffer.from(store.get('ns-a', 'k').value).toString(), 'in a');
  assert.equal(store.get('ns-b', 'k'), null);
});

test('storage bindings need a state directory', () => {
  assert.throws(
    () => new Worker({ name: 'w', bundle: moduleBundle('export default {}'), env: { bindings: KV } }),
    /Storage bindings need a state directory/,
  );
});

test('a corrupt KV database fails the call with a clear error and is left as it was', async () => {
  const stateDir = temporaryStateDir();
  mkdirSync(path.join(stateDir, 'kv'), { recursive: true });
  const file = path.join(stateDir, 'kv', 'kv.sqlite');
  writeFileSync(file, 'this is not a database '.repeat(100));
  const worker = await startWorker(`export default { async fetch(request, env) {
    try { await env.KV.get('k'); return new Response('no error'); } catch (e) { return new Response(e.message, { status: 500 }); }
  } }`, { env: { bindings: KV }, stateDir });
  try {
    const res = await worker.fetch('/');
    assert.equal(res.status, 500);
    const message = await res.text();
    assert.match(message, /kv\.sqlite/);
    assert.match(message, /not a database/);
    // The worker keeps serving.
    assert.equal((await worker.fetch('/')).status, 500);
  } finally {
    await worker.dispose();
  }
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(file, 'utf8'), 'this is not a database '.repeat(100));
});

test('calls count against the invocation\'s limit on API requests, one event at a time', async () => {
  const { results } = await runChecks(`
    for (let i = 0; i < 4; i++) await env.KV.put('k' + i, 'v');
    await check('fifth', () => env.KV.get('k0'));
    await check('sixth', () => env.KV.list());
  `, { worker: { env: { bindings: KV }, limits: { subrequests: 5 } } });
  assert.equal(value(results, 'fifth'), 'v');
  assertKvError(results, 'sixth', 'Too many API requests by single worker invocation.');
});
