// The Cache API through real workers: caches.default and caches.open(), persisted in a state
// directory (SQLite for entries, one file per body), isolated per worker and per cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, statSync, writeFileSync, utimesSync, existsSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { startWorker } from '../helpers/worker.js';
import { openCacheStore } from '../../src/storage/cache-store.js';

// /put, /match and /delete act on key https://cache.test<key> of caches.default, or of
// caches.open(<cache>); /put stores the request body with the status and headers given as query
// parameters, /match passes the incoming request's headers on to cache.match().
const SERVER = `
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const q = url.searchParams;
    const cache = q.has('cache') ? await caches.open(q.get('cache')) : caches.default;
    const key = 'https://cache.test' + (q.get('key') ?? '/k');
    if (url.pathname === '/put') {
      const response = new Response(request.body, { status: Number(q.get('status') ?? 200), headers: JSON.parse(q.get('headers') ?? '{}') });
      await cache.put(key, response);
      return new Response('stored');
    }
    if (url.pathname === '/match') {
      const hit = await cache.match(new Request(key, { headers: request.headers }));
      return hit ?? new Response(null, { status: 599, statusText: 'Miss' });
    }
    if (url.pathname === '/delete') return new Response(String(await cache.delete(key)));
    return new Response('no route', { status: 400 });
  },
};`;

const dirs = [];
function stateDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-cache-'));
  dirs.push(dir);
  return dir;
}
const bodyFiles = (dir) => readdirSync(path.join(dir, 'cache', 'bodies'));

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// One worker serving SERVER for most tests, on its own state directory.
let server;
let serverDir;
before(async () => {
  serverDir = stateDir();
  server = await startWorker(SERVER, { stateDir: serverDir });
});
after(() => server.dispose());

const query = (params) => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
async function put(w, params, body = 'body') {
  const res = await w.fetch(`/put?${query(params)}`, { method: 'POST', body });
  assert.equal(res.status, 200, await res.clone().text());
  return res.text();
}
const match = (w, params, headers = {}) => w.fetch(`/match?${query(params)}`, { headers });
const del = async (w, params) => (await w.fetch(`/delete?${query(params)}`)).text();

test('put, match and delete round trip', async () => {
  await put(server, { key: '/round', headers: { 'content-type': 'text/plain', 'x-custom': 'yes' } }, 'hello cache');
  const hit = await match(server, { key: '/round' });
  assert.equal(hit.status, 200);
  assert.equal(await hit.text(), 'hello cache');
  assert.equal(hit.headers.get('x-custom'), 'yes');
  assert.equal(hit.headers.get('content-type'), 'text/plain');
  assert.equal(hit.headers.get('cf-cache-status'), 'HIT');
  assert.equal(hit.headers.get('content-length'), '11');
  assert.equal(await del(server, { key: '/round' }), 'true');
  assert.equal((await match(server, { key: '/round' })).status, 599);
  assert.equal(await del(server, { key: '/round' }), 'false');
});

test('a put replaces the entry and its body file', async () => {
  await put(server, { key: '/replace' }, 'first');
  const before = bodyFiles(serverDir).length;
  await put(server, { key: '/replace' }, 'second');
  assert.equal(await (await match(server, { key: '/replace' })).text(), 'second');
  assert.equal(bodyFiles(serverDir).length, before);
  await del(server, { key: '/replace' });
});

test('keys, options, return values and the documented TypeErrors', async () => {
  const w = await startWorker(`export default { async fetch() {
    const out = {};
    const attempt = async (name, fn) => {
      try { out[name] = await fn(); if (out[name] === undefined) out[name] = '<undefined>'; }
      catch (e) { out[name] = { error: e.constructor.name, message: e.message }; }
    };
    const cache = caches.default;
    await attempt('putResult', () => cache.put(new Request('https://k.test/a'), new Response('A', { headers: { 'x-a': '1' } })));
    await attempt('matchByString', async () => (await cache.match('https://k.test/a'))?.text());
    await attempt('matchByUrl', async () => (await cache.match(new URL('https://k.test/a')))?.text());
    await attempt('matchMissing', () => cache.match('https://k.test/none'));
    await attempt('matchHead', () => cache.match(new Request('https://k.test/a', { method: 'HEAD' })));
    await attempt('matchPostIgnoreMethod', async () => (await cache.match(new Request('https://k.test/a', { method: 'POST' }), { ignoreMethod: true }))?.text());
    await attempt('deletePost', () => cache.delete(new Request('https://k.test/a', { method: 'POST' })));
    await attempt('deletePostIgnoreMethod', () => cache.delete(new Request('https://k.test/a', { method: 'POST' }), { ignoreMethod: true }));
    await attempt('afterDelete', () => cache.match('https://k.test/a'));
    await attempt('putPost', () => cache.put(new Request('https://k.test/p', { method: 'POST' }), new Response('x')));
    await attempt('put206', () => cache.put('https://k.test/p', new Response('x', { status: 206 })));
    await attempt('putVaryStar', () => cache.put('https://k.test/p', new Response('x', { headers: { vary: 'Accept, *' } })));
    await attempt('putError', () => cache.put('https://k.test/p', Response.error()));
    await attempt('putNotResponse', () => cache.put('https://k.test/p', 'text'));
    await attempt('putBadUrl', () => cache.put('/relative', new Response('x')));
    const used = new Response('used');
    await used.text();
    await attempt('putUsedBody', () => cache.put('https://k.test/p', used));
    await attempt('put304', () => cache.put('https://k.test/304', new Response(null, { status: 304 })));
    await attempt('match304', () => cache.match('https://k.test/304'));
    const consumed = new Response('body');
    await cache.put('https://k.test/used', consumed);
    out.bodyUsedAfterPut = consumed.bodyUsed;
    await attempt('openLongName', () => caches.open('x'.repeat(1024)));
    await attempt('newCache', () => new Cache());
    await attempt('newCacheStorage', () => new CacheStorage());
    out.sameDefault = caches.default === caches.default;
    out.types = [caches instanceof CacheStorage, caches.default instanceof Cache, (await caches.open('n')) instanceof Cache];
    out.tags = [String(caches), String(caches.default)];
    return Response.json(out);
  } };`, { stateDir: stateDir() });
  try {
    const out = await (await w.fetch('/')).json();
    const typeError = (message) => ({ error: 'TypeError', message });
    assert.equal(out.putResult, '<undefined>');
    assert.equal(out.matchByString, 'A');
    assert.equal(out.matchByUrl, 'A');
    assert.equal(out.matchMissing, '<undefined>');
    assert.equal(out.matchHead, '<undefined>');
    assert.equal(out.matchPostIgnoreMethod, 'A');
    assert.equal(out.deletePost, false);
    assert.equal(out.deletePostIgnoreMethod, true);
    assert.equal(out.afterDelete, '<undefined>');
    assert.deepEqual(out.putPost, typeError('Cannot cache response to non-GET request.'));
    assert.deepEqual(out.put206, typeError('Cannot cache response to a range request (206 Partial Content).'));
    assert.deepEqual(out.putVaryStar, typeError("Cannot cache response with 'Vary: *' header."));
    assert.deepEqual(out.putError, typeError('Cache is unable to store an error response'));
    assert.equal(out.putNotResponse.error, 'TypeError');
    assert.equal(out.putBadUrl.error, 'TypeError');
    assert.deepEqual(out.putUsedBody, typeError('Body has already been used. It can only be used once. Use tee() first if you need to read it twice.'));
    assert.equal(out.put304, '<undefined>');
    assert.equal(out.match304, '<undefined>');
    assert.equal(out.bodyUsedAfterPut, true);
    assert.deepEqual(out.openLongName, typeError('Cache name is too long.'));
    assert.deepEqual(out.newCache, typeError('Illegal constructor'));
    assert.deepEqual(out.newCacheStorage, typeError('Illegal constructor'));
    assert.equal(out.sameDefault, true);
    assert.deepEqual(out.types, [true, true, true]);
    assert.deepEqual(out.tags, ['[object CacheStorage]', '[object Cache]']);
  } finally {
    await w.dispose();
  }
});

test('entries persist across a new Worker on the same state directory', async () => {
  const dir = stateDir();
  const first = await startWorker(SERVER, { stateDir: dir, name: 'persisted' });
  await put(first, { key: '/p', cache: 'named', headers: { etag: '"v1"' } }, 'kept');
  await first.dispose();
  const second = await startWorker(SERVER, { stateDir: dir, name: 'persisted' });
  try {
    const hit = await match(second, { key: '/p', cache: 'named' });
    assert.equal(hit.status, 200);
    assert.equal(hit.headers.get('etag'), '"v1"');
    assert.equal(await hit.text(), 'kept');
  } finally {
    await second.dispose();
  }
});

test('another process reads the same store; its sweep removes bodies left by a crash', async () => {
  await put(server, { key: '/shared' }, 'from the worker');
  // A body written before a crash, its entry never committed.
  const orphan = path.join(serverDir, 'cache', 'bodies', 'orphan');
  writeFileSync(orphan, 'lost');
  const hourAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  utimesSync(orphan, hourAgo, hourAgo);
  const storeUrl = new URL('../../src/storage/cache-store.js', import.meta.url).href;
  const script = `
    const { openCacheStore } = await import(${JSON.stringify(storeUrl)});
    const store = openCacheStore(process.argv[1]);
    await store.sweep();
    const entry = await store.match({ worker: 'test', cache: null, url: 'https://cache.test/shared' });
    const text = (await entry.handle.readFile()).toString();
    await entry.handle.close();
    console.log(JSON.stringify([entry.status, entry.size, text]));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, serverDir], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(output), [200, 15, 'from the worker']);
  assert.equal(existsSync(orphan), false);
});

test('the documented pattern: a fetched response stored from ctx.waitUntil, served on the next request', async () => {
  let originHits = 0;
  const origin = http.createServer((req, res) => {
    originHits += 1;
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 's-maxage=60' });
    res.end(`origin ${req.url}`);
  });
  origin.listen(0, '127.0.0.1');
  await once(origin, 'listening');
  const dir = stateDir();
  const w = await startWorker(`export default { async fetch(request, env, ctx) {
    const cache = caches.default;
    let response = await cache.match(request);
    if (!response) {
      response = await fetch('http://127.0.0.1:${origin.address().port}' + new URL(request.url).pathname);
      response = new Response(response.body, response);
      ctx.waitUntil(cache.put(request, response.clone()));
    }
    return response;
  } };`, { stateDir: dir });
  try {
    const first = await w.fetch('/doc');
    assert.equal(first.headers.get('cf-cache-status'), null);
    assert.equal(await first.text(), 'origin /doc');
    // The put finishes after the response: wait for the entry.
    const key = { worker: 'test', cache: null, url: `${w.url}/doc` };
    for (;;) {
      const entry = await openCacheStore(dir).match(key);
      if (entry) {
        await entry.handle.close();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const second = await w.fetch('/doc');
    assert.equal(second.headers.get('cf-cache-status'), 'HIT');
    assert.equal(await second.text(), 'origin /doc');
    assert.equal(originHits, 1);
  } finally {
    await w.dispose();
    origin.close();
  }
});

test('workers and named caches never see each other’s entries', async () => {
  const dir = stateDir();
  const alpha = await startWorker(SERVER, { stateDir: dir, name: 'alpha' });
  const beta = await startWorker(SERVER, { stateDir: dir, name: 'beta' });
  try {
    await put(alpha, { key: '/same' }, 'alpha default');
    await put(alpha, { key: '/same', cache: 'one' }, 'alpha one');
    assert.equal(await (await match(alpha, { key: '/same' })).text(), 'alpha default');
    assert.equal(await (await match(alpha, { key: '/same', cache: 'one' })).text(), 'alpha one');
    assert.equal((await match(alpha, { key: '/same', cache: 'two' })).status, 599);
    // caches.open('default') is a named cache like any other, not caches.default.
    assert.equal((await match(alpha, { key: '/same', cache: 'default' })).status, 599);
    assert.equal((await match(beta, { key: '/same' })).status, 599);
    assert.equal((await match(beta, { key: '/same', cache: 'one' })).status, 599);
    assert.equal(await del(beta, { key: '/same' }), 'false');
    await put(beta, { key: '/same' }, 'beta default');
    assert.equal(await (await match(alpha, { key: '/same' })).text(), 'alpha default');
    assert.equal(await (await match(beta, { key: '/same' })).text(), 'beta default');
  } finally {
    await alpha.dispose();
    await beta.dispose();
  }
});

test('Cache-Control, Expires, Set-Cookie and the default TTLs decide what is stored', async () => {
  const now = Date.now();
  const http = (ms) => new Date(ms).toUTCString();
  const cases = [
    ['no Cache-Control, 200', 200, {}, true],
    ['no Cache-Control, 404', 404, {}, true],
    ['no Cache-Control, 500', 500, {}, false],
    ['no Cache-Control, 201', 201, {}, false],
    ['public', 200, { 'cache-control': 'public' }, true],
    ['max-age', 200, { 'cache-control': 'max-age=60' }, true],
    ['max-age on a 500', 500, { 'cache-control': 'max-age=60' }, true],
    ['max-age=0', 200, { 'cache-control': 'max-age=0' }, false],
    ['s-maxage overrides max-age', 200, { 'cache-control': 'max-age=0, s-maxage=60' }, true],
    ['s-maxage=0 overrides max-age', 200, { 'cache-control': 's-maxage=0, max-age=60' }, false],
    ['no-store', 200, { 'cache-control': 'public, max-age=60, no-store' }, false],
    ['private', 200, { 'cache-control': 'private, max-age=60' }, false],
    ['no-cache', 200, { 'cache-control': 'no-cache' }, false],
    ['no-cache=<absent field>', 200, { 'cache-control': 'no-cache="x-user", max-age=60' }, true],
    ['no-cache=<present field>', 200, { 'cache-control': 'no-cache="x-user", max-age=60', 'x-user': 'me' }, false],
    ['Expires ahead', 200, { expires: http(now + 60_000) }, true],
    ['Expires passed', 200, { expires: http(now - 60_000) }, false],
    ['Expires invalid', 200, { expires: '0' }, false],
    ['max-age overrides Expires', 200, { 'cache-control': 'max-age=60', expires: http(now - 60_000) }, true],
    ['Set-Cookie', 200, { 'set-cookie': 'a=1', 'cache-control': 'max-age=60' }, false],
    ['Set-Cookie with private=Set-Cookie', 200, { 'set-cookie': 'a=1', 'cache-control': 'private=Set-Cookie, max-age=60' }, true],
    ['Set-Cookie with private="set-cookie, x-secret"', 200, { 'set-cookie': 'a=1', 'x-secret': 's', 'cache-control': 'private="set-cookie, x-secret", max-age=60' }, true],
  ];
  for (const [name, status, headers, stored] of cases) {
    const key = `/policy/${encodeURIComponent(name)}`;
    await put(server, { key, status, headers });
    const res = await match(server, { key });
    await res.arrayBuffer();
    assert.equal(res.status === 599 ? false : res.status, stored ? status : false, name);
    if (stored) {
      assert.equal(res.headers.get('set-cookie'), null, name);
      assert.equal(res.headers.get('x-secret'), null, name);
      assert.equal(res.headers.get('cache-control'), headers['cache-control'] ?? null, name);
    }
  }
});

test('a request with Authorization is stored only when the response allows shared caching', async () => {
  const w = await startWorker(`export default { async fetch() {
    const key = (path) => new Request('https://auth.test' + path, { headers: { authorization: 'Bearer x' } });
    const cases = { plain: 'max-age=60', public: 'public, max-age=60', sMaxage: 's-maxage=60', mustRevalidate: 'must-revalidate, max-age=60' };
    const out = {};
    for (const [name, cacheControl] of Object.entries(cases)) {
      await caches.default.put(key('/' + name), new Response(name, { headers: { 'cache-control': cacheControl } }));
      out[name] = (await caches.default.match('https://auth.test/' + name)) !== undefined;
    }
    return Response.json(out);
  } };`, { stateDir: stateDir() });
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), { plain: false, public: true, sMaxage: true, mustRevalidate: true });
  } finally {
    await w.dispose();
  }
});

test('If-None-Match and If-Modified-Since answer 304 Not Modified', async () => {
  const modified = 'Wed, 21 Oct 2015 07:28:00 GMT';
  await put(server, { key: '/cond', headers: { etag: '"abc"', 'last-modified': modified, 'content-type': 'text/plain', 'cache-control': 'max-age=60' } }, 'conditional');
  const status = async (headers) => {
    const res = await match(server, { key: '/cond' }, headers);
    const text = await res.text();
    return [res.status, text, res.headers.get('etag'), res.headers.get('cf-cache-status')];
  };
  assert.deepEqual(await status({ 'if-none-match': '"abc"' }), [304, '', '"abc"', 'HIT']);
  assert.deepEqual(await status({ 'if-none-match': 'W/"abc"' }), [304, '', '"abc"', 'HIT']);
  assert.deepEqual(await status({ 'if-none-match': '"x", "abc"' }), [304, '', '"abc"', 'HIT']);
  assert.deepEqual(await status({ 'if-none-match': '*' }), [304, '', '"abc"', 'HIT']);
  assert.deepEqual(await status({ 'if-none-match': '"other"' }), [200, 'conditional', '"abc"', 'HIT']);
  assert.deepEqual(await status({ 'if-modified-since': modified }), [304, '', '"abc"', 'HIT']);
  assert.deepEqual(await status({ 'if-modified-since': 'Thu, 22 Oct 2015 07:28:00 GMT' }), [304, '', '"abc"', 'HIT']);
  assert.deepEqual(await status({ 'if-modified-since': 'Tue, 20 Oct 2015 07:28:00 GMT' }), [200, 'conditional', '"abc"', 'HIT']);
  // If-None-Match wins over If-Modified-Since.
  assert.deepEqual(await status({ 'if-none-match': '"other"', 'if-modified-since': modified }), [200, 'conditional', '"abc"', 'HIT']);
});

test('Range answers 206 Partial Content, 416 when unsatisfiable', async () => {
  await put(server, { key: '/range', headers: { 'content-type': 'text/plain', 'cache-control': 'max-age=60' } }, 'abcdefghij');
  const ranged = async (range) => {
    const res = await match(server, { key: '/range' }, { range });
    return [res.status, res.headers.get('content-range'), res.headers.get('content-length'), await res.text()];
  };
  assert.deepEqual(await ranged('bytes=2-4'), [206, 'bytes 2-4/10', '3', 'cde']);
  assert.deepEqual(await ranged('bytes=7-'), [206, 'bytes 7-9/10', '3', 'hij']);
  assert.deepEqual(await ranged('bytes=-3'), [206, 'bytes 7-9/10', '3', 'hij']);
  assert.deepEqual(await ranged('bytes=5-100'), [206, 'bytes 5-9/10', '5', 'fghij']);
  assert.deepEqual(await ranged('bytes=20-'), [416, 'bytes */10', '0', '']);
  assert.deepEqual(await ranged('items=1-2'), [200, null, '10', 'abcdefghij']);
  assert.deepEqual(await ranged('bytes=4-2'), [200, null, '10', 'abcdefghij']);

  const res = await match(server, { key: '/range' }, { range: 'bytes=0-1, 8-' });
  assert.equal(res.status, 206);
  const boundary = /^multipart\/byteranges; boundary=(\w+)$/.exec(res.headers.get('content-type'))[1];
  const text = await res.text();
  assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(text));
  assert.equal(text, [
    `--${boundary}`, 'Content-Type: text/plain', 'Content-Range: bytes 0-1/10', '', 'ab',
    `--${boundary}`, 'Content-Type: text/plain', 'Content-Range: bytes 8-9/10', '', 'ij',
    `--${boundary}--`, '',
  ].join('\r\n'));
});

test('entries expire after their TTL and are removed', async () => {
  const dir = stateDir();
  const w = await startWorker(SERVER, { stateDir: dir });
  try {
    await put(w, { key: '/ttl', headers: { 'cache-control': 'max-age=1' } }, 'short-lived');
    await put(w, { key: '/ttl-delete', headers: { 'cache-control': 'max-age=1' } }, 'short-lived');
    assert.equal((await match(w, { key: '/ttl' })).status, 200);
    assert.equal(bodyFiles(dir).length, 2);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await match(w, { key: '/ttl' })).status, 599);
    assert.equal(bodyFiles(dir).length, 1);
    assert.equal(await del(w, { key: '/ttl-delete' }), 'false');
    assert.equal(bodyFiles(dir).length, 0);
  } finally {
    await w.dispose();
  }
});

test('a 20 MiB body streams to disk and back', async () => {
  const size = 20 * 1024 * 1024;
  const chunk = Buffer.alloc(256 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) & 0xff;
  const upload = new ReadableStream({
    sent: 0,
    pull(controller) {
      if (this.sent >= size) return controller.close();
      this.sent += chunk.length;
      controller.enqueue(new Uint8Array(chunk));
    },
  });
  const expected = createHash('sha256');
  for (let sent = 0; sent < size; sent += chunk.length) expected.update(chunk);
  const res = await server.fetch(`/put?${query({ key: '/large' })}`, { method: 'POST', body: upload, duplex: 'half' });
  assert.equal(await res.text(), 'stored');
  const sizes = bodyFiles(serverDir).map((name) => statSync(path.join(serverDir, 'cache', 'bodies', name)).size);
  assert.ok(sizes.includes(size));

  const hit = await match(server, { key: '/large' });
  assert.equal(hit.headers.get('content-length'), String(size));
  const actual = createHash('sha256');
  let received = 0;
  for await (const part of hit.body) {
    actual.update(part);
    received += part.byteLength;
  }
  assert.equal(received, size);
  assert.equal(actual.digest('hex'), expected.digest('hex'));
  await del(server, { key: '/large' });
});

test('a body stream that fails leaves nothing stored', async () => {
  const dir = stateDir();
  const w = await startWorker(`export default { async fetch() {
    let sent = 0;
    const body = new ReadableStream({ pull(c) {
      if (sent++ < 3) c.enqueue(new Uint8Array(1000));
      else c.error(new RangeError('source broke'));
    } });
    let error;
    try { await caches.default.put('https://fail.test/', new Response(body)); } catch (e) { error = e.constructor.name + ': ' + e.message; }
    return Response.json({ error, hit: (await caches.default.match('https://fail.test/')) !== undefined });
  } };`, { stateDir: dir });
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), { error: 'RangeError: source broke', hit: false });
    assert.deepEqual(bodyFiles(dir), []);
  } finally {
    await w.dispose();
  }
});

test('without a state directory the cache stores nothing', async () => {
  const w = await startWorker(`export default { async fetch() {
    await caches.default.put('https://none.test/', new Response('x'));
    return Response.json([await caches.default.match('https://none.test/'), await caches.default.delete('https://none.test/')]);
  } };`);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), [null, false]);
  } finally {
    await w.dispose();
  }
});
