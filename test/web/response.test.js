import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError, error } from './run-checks.js';

let results;
before(async () => {
  ({ results } = await runChecks(`
    await check('defaults', () => { const r = new Response(); return [r.status, r.statusText, r.ok, r.type, r.url, r.redirected, r.body, [...r.headers], r.webSocket, r.cf === undefined]; });
    await check('init', () => { const r = new Response('x', { status: 404, statusText: 'Nope', headers: { 'x-a': '1' } }); return [r.status, r.statusText, r.ok, r.headers.get('x-a')]; });
    await check('defaultStatusText', () => [201, 299, 301, 418, 503, 599].map((s) => new Response(null, { status: s }).statusText));
    await check('ok', () => [200, 299, 300, 199 + 1].map((s) => new Response(null, { status: s }).ok));
    await check('status199', () => new Response(null, { status: 199 }));
    await check('status600', () => new Response(null, { status: 600 }));
    await check('status0', () => new Response(null, { status: 0 }));
    await check('badStatusText', () => new Response(null, { statusText: 'a\\nb' }));
    await check('nullBodyStatus', () => [204, 205, 304].map((s) => new Response(null, { status: s }).body));
    await check('nullBodyWithBody', () => new Response('x', { status: 204 }));
    await check('nullBodyEmptyString', () => new Response('', { status: 204 }).body);
    await check('json', async () => { const r = Response.json({ a: 1 }); return [r.status, r.headers.get('content-type'), await r.json()]; });
    await check('jsonInit', async () => { const r = Response.json([1], { status: 202, headers: { 'content-type': 'application/vnd+json', 'x-a': '1' } }); return [r.status, r.headers.get('content-type'), r.headers.get('x-a'), await r.text()]; });
    await check('jsonUnserialisable', () => Response.json(undefined));
    await check('jsonNullBodyStatus', () => Response.json({}, { status: 204 }));
    await check('redirect', () => { const r = Response.redirect('http://example.com/a b', 307); return [r.status, r.headers.get('location'), r.body, r.type, r.url, r.redirected]; });
    await check('redirectDefault', () => Response.redirect('http://example.com/').status);
    await check('redirectStatus', () => Response.redirect('http://example.com/', 200));
    await check('redirectUrl', () => Response.redirect('not a url'));
    await check('error', () => { const r = Response.error(); return [r.type, r.status, r.statusText, r.ok, r.body, [...r.headers]]; });
    await check('webSocket', () => { const ws = { fake: true }; const r = new Response(null, { status: 101, webSocket: ws }); return [r.status, r.webSocket === ws]; });
    await check('webSocketNeeds101', () => new Response(null, { webSocket: {} }));
    await check('cloneWebSocket', () => new Response(null, { status: 101, webSocket: {} }).clone());
    await check('status101WithoutWebSocket', () => new Response(null, { status: 101 }));
    await check('encodeBody', () => [new Response('x', { encodeBody: 'manual' }).status, new Response('x', { encodeBody: 'automatic' }).status]);
    await check('encodeBodyBad', () => new Response('x', { encodeBody: 'gzip' }));
    await check('cf', () => { const cf = { a: 1 }; return [new Response(null, { cf }).cf === cf, new Response(null, { cf }).clone().cf === cf]; });
    await check('clone', async () => {
      const r = new Response('body', { status: 201, statusText: 'Made', headers: { 'x-a': '1' } });
      const c = r.clone();
      c.headers.set('x-a', '2');
      return [c.status, c.statusText, await c.text(), await r.text(), r.headers.get('x-a')];
    });
    await check('cloneUsed', async () => { const r = new Response('x'); await r.text(); return r.clone(); });
    await check('responseAsInit', () => { const a = new Response(null, { status: 202, headers: { 'x-a': '1' } }); const b = new Response('y', a); return [b.status, b.headers.get('x-a')]; });
    await check('names', () => [Response.name, Object.prototype.toString.call(new Response())]);
  `));
});

test('defaults', () => {
  assert.deepEqual(value(results, 'defaults'), [200, 'OK', true, 'default', '', false, null, [], null, true]);
  assert.deepEqual(value(results, 'init'), [404, 'Nope', false, '1']);
});

test('statusText defaults to the reason phrase, as in Workers', () => {
  assert.deepEqual(value(results, 'defaultStatusText'), ['Created', 'Successful', 'Moved Permanently', "I'm a teapot", 'Service Unavailable', 'Server Error']);
  assert.deepEqual(value(results, 'ok'), [true, true, false, true]);
});

test('status must be 200-599 and statusText a reason phrase', () => {
  for (const name of ['status199', 'status600', 'status0', 'status101WithoutWebSocket']) assert.equal(error(results, name).ctor, 'RangeError', name);
  assertTypeError(results, 'badStatusText');
});

test('null body statuses', () => {
  assert.deepEqual(value(results, 'nullBodyStatus'), [null, null, null]);
  assertTypeError(results, 'nullBodyWithBody');
  assert.equal(value(results, 'nullBodyEmptyString'), null);
});

test('Response.json()', () => {
  assert.deepEqual(value(results, 'json'), [200, 'application/json', { a: 1 }]);
  assert.deepEqual(value(results, 'jsonInit'), [202, 'application/vnd+json', '1', '[1]']);
  assertTypeError(results, 'jsonUnserialisable');
  assertTypeError(results, 'jsonNullBodyStatus');
});

test('Response.redirect()', () => {
  assert.deepEqual(value(results, 'redirect'), [307, 'http://example.com/a%20b', null, 'default', '', false]);
  assert.equal(value(results, 'redirectDefault'), 302);
  assert.equal(error(results, 'redirectStatus').ctor, 'RangeError');
  assertTypeError(results, 'redirectUrl');
});

test('Response.error()', () => {
  assert.deepEqual(value(results, 'error'), ['error', 0, '', false, null, []]);
});

test('webSocket, encodeBody and cf init members', () => {
  assert.deepEqual(value(results, 'webSocket'), [101, true]);
  assert.equal(error(results, 'webSocketNeeds101').ctor, 'RangeError');
  assertTypeError(results, 'cloneWebSocket');
  assert.deepEqual(value(results, 'encodeBody'), [200, 200]);
  assertTypeError(results, 'encodeBodyBad');
  assert.deepEqual(value(results, 'cf'), [true, true]);
});

test('clone()', () => {
  assert.deepEqual(value(results, 'clone'), [201, 'Made', 'body', 'body', '1']);
  assertTypeError(results, 'cloneUsed');
  assert.deepEqual(value(results, 'responseAsInit'), [202, '1']);
  assert.deepEqual(value(results, 'names'), ['Response', '[object Response]']);
});
