import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError, error } from './run-checks.js';

let results;
before(async () => {
  ({ results } = await runChecks(`
    await check('incoming', async () => [request.method, new URL(request.url).pathname, request.headers.get('x-test'), await request.text(), request instanceof Request]);
    await check('defaults', () => {
      const r = new Request('https://example.com/a?b#c');
      return [r.method, r.url, [...r.headers], r.body, r.bodyUsed, r.redirect, r.cf === undefined, r.signal instanceof AbortSignal, r.signal.aborted, r.integrity, r.keepalive, r.cache === undefined];
    });
    await check('urlNormalised', () => [new Request('HTTP://EXAMPLE.com:80/a/../b').url, new Request(new URL('http://h/x')).url]);
    await check('relativeUrl', () => new Request('/relative'));
    await check('methods', () => ['get', 'Post', 'put', 'delete', 'head', 'options', 'patch', 'CUSTOM'].map((m) => new Request('http://x', { method: m }).method));
    await check('forbiddenConnect', () => new Request('http://x', { method: 'connect' }));
    await check('forbiddenTrace', () => new Request('http://x', { method: 'TRACE' }));
    await check('forbiddenTrack', () => new Request('http://x', { method: 'track' }));
    await check('invalidMethod', () => new Request('http://x', { method: 'bad method' }));
    await check('getWithBody', () => new Request('http://x', { body: 'x' }));
    await check('headWithBody', () => new Request('http://x', { method: 'HEAD', body: 'x' }));
    await check('bodyAndHeaders', async () => {
      const r = new Request('http://x', { method: 'POST', body: 'payload', headers: [['X-A', '1']] });
      return [r.headers.get('x-a'), r.headers.get('content-type'), await r.text()];
    });
    await check('redirect', () => [new Request('http://x', { redirect: 'manual' }).redirect, new Request('http://x', { redirect: 'follow' }).redirect]);
    await check('redirectError', () => new Request('http://x', { redirect: 'error' }));
    await check('cf', () => { const cf = { cacheTtl: 5 }; const r = new Request('http://x', { cf }); return [r.cf === cf, new Request(r).cf === cf, r.clone().cf === cf]; });
    await check('signal', () => {
      const c = new AbortController();
      const r = new Request('http://x', { signal: c.signal });
      const copy = new Request(r);
      return [r.signal === c.signal, copy.signal === c.signal, new Request(r, { signal: null }).signal === c.signal];
    });
    await check('badSignal', () => new Request('http://x', { signal: {} }));
    await check('cache', () => ['no-store', 'no-cache'].map((c) => new Request('http://x', { cache: c }).cache));
    await check('cacheUnsupported', () => new Request('http://x', { cache: 'force-cache' }));
    await check('mode', () => new Request('http://x', { mode: 'cors' }));
    await check('credentials', () => new Request('http://x', { credentials: 'include' }));
    await check('undefinedMembers', () => new Request('http://x', { mode: undefined, credentials: undefined, referrer: undefined }).method);
    await check('noCorsAccessors', () => ['mode', 'credentials', 'referrer', 'referrerPolicy'].map((k) => k in Request.prototype));
    await check('integrity', () => new Request('http://x', { integrity: 'sha256-abc' }));
    await check('duplex', async () => {
      const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('s')); c.close(); } });
      return new Request('http://x', { method: 'POST', body: stream, duplex: 'half' }).text();
    });
    await check('fromRequest', async () => {
      const a = new Request('http://x/a', { method: 'PUT', body: 'data', headers: { 'x-a': '1' }, redirect: 'manual' });
      const b = new Request(a);
      return [b.url, b.method, b.redirect, b.headers.get('x-a'), a.bodyUsed, await b.text()];
    });
    await check('fromRequestOverrides', async () => {
      const a = new Request('http://x/a', { method: 'POST', body: 'old', headers: { 'x-a': '1' } });
      const b = new Request(a, { method: 'PATCH', body: 'new', headers: { 'x-b': '2' } });
      return [b.method, b.headers.get('x-a'), b.headers.get('x-b'), a.bodyUsed, await b.text(), await a.text()];
    });
    await check('fromUsedRequest', async () => { const a = new Request('http://x', { method: 'POST', body: 'x' }); await a.text(); return new Request(a); });
    await check('headersCopied', () => { const a = new Request('http://x', { headers: { 'x-a': '1' } }); const b = new Request(a); b.headers.set('x-a', '2'); return [a.headers.get('x-a'), b.headers.get('x-a')]; });
    await check('clone', async () => {
      const a = new Request('http://x/c', { method: 'POST', body: 'twice', headers: { 'x-c': '3' } });
      const b = a.clone();
      b.headers.set('x-c', '4');
      return [b.url, b.method, await a.text(), await b.text(), a.headers.get('x-c')];
    });
    await check('cloneUsed', async () => { const a = new Request('http://x', { method: 'POST', body: 'x' }); await a.text(); return a.clone(); });
    await check('noArgs', () => new Request());
    await check('names', () => [Request.name, Object.prototype.toString.call(new Request('http://x'))]);
  `, { init: { method: 'POST', body: 'incoming body', headers: { 'x-test': 'yes' } }, path: '/in?x=1' }));
});

test('the incoming request is a Request with its body', () => {
  assert.deepEqual(value(results, 'incoming'), ['POST', '/in', 'yes', 'incoming body', true]);
});

test('defaults', () => {
  assert.deepEqual(value(results, 'defaults'), ['GET', 'https://example.com/a?b#c', [], null, false, 'follow', true, true, false, '', false, true]);
});

test('the URL is parsed and serialised; relative URLs are rejected', () => {
  assert.deepEqual(value(results, 'urlNormalised'), ['http://example.com/b', 'http://h/x']);
  assertTypeError(results, 'relativeUrl');
  assertTypeError(results, 'noArgs');
});

test('methods are normalised, patch included (upper_case_all_http_methods); forbidden and invalid methods throw TypeError', () => {
  assert.deepEqual(value(results, 'methods'), ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CUSTOM']);
  for (const name of ['forbiddenConnect', 'forbiddenTrace', 'forbiddenTrack', 'invalidMethod']) assertTypeError(results, name);
});

test('GET and HEAD requests cannot have a body', () => {
  assertTypeError(results, 'getWithBody', 'Request with a GET or HEAD method cannot have a body.');
  assertTypeError(results, 'headWithBody');
  assert.deepEqual(value(results, 'bodyAndHeaders'), ['1', 'text/plain;charset=UTF-8', 'payload']);
  assert.equal(value(results, 'duplex'), 's');
});

test('redirect is "follow" or "manual"', () => {
  assert.deepEqual(value(results, 'redirect'), ['manual', 'follow']);
  assertTypeError(results, 'redirectError');
});

test('cf is kept as given', () => {
  assert.deepEqual(value(results, 'cf'), [true, true, true]);
});

test('signal is the one given', () => {
  assert.deepEqual(value(results, 'signal'), [true, true, false]);
  assertTypeError(results, 'badSignal');
});

test('Workers init members: cache (cache_option_enabled, cache_no_cache_enabled), mode, credentials, integrity', () => {
  assert.deepEqual(value(results, 'cache'), ['no-store', 'no-cache']);
  assertTypeError(results, 'cacheUnsupported', 'Unsupported cache mode: force-cache');
  assert.equal(error(results, 'mode').message, "The 'mode' field on 'RequestInitializerDict' is not implemented.");
  assert.equal(error(results, 'credentials').message, "The 'credentials' field on 'RequestInitializerDict' is not implemented.");
  assert.equal(value(results, 'undefinedMembers'), 'GET');
  assert.deepEqual(value(results, 'noCorsAccessors'), [false, false, false, false]);
  assertTypeError(results, 'integrity');
});

test('new Request(request) takes over its body', () => {
  assert.deepEqual(value(results, 'fromRequest'), ['http://x/a', 'PUT', 'manual', '1', true, 'data']);
  assert.deepEqual(value(results, 'fromRequestOverrides'), ['PATCH', null, '2', false, 'new', 'old']);
  assertTypeError(results, 'fromUsedRequest');
  assert.deepEqual(value(results, 'headersCopied'), ['1', '2']);
});

test('clone()', () => {
  assert.deepEqual(value(results, 'clone'), ['http://x/c', 'POST', 'twice', 'twice', '3']);
  assertTypeError(results, 'cloneUsed');
  assert.deepEqual(value(results, 'names'), ['Request', '[object Request]']);
});
