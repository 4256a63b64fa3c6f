import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError, error } from './run-checks.js';

const USED = 'Body has already been used. It can only be used once. Use tee() first if you need to read it twice.';

let results;
before(async () => {
  ({ results } = await runChecks(`
    const ct = (body) => new Response(body).headers.get('content-type');
    const streamOf = (...chunks) => new ReadableStream({ start(c) { for (const x of chunks) c.enqueue(x); c.close(); } });
    await check('contentTypes', () => [
      ct('x'), ct(new URLSearchParams('a=1')), ct(new Blob(['x'], { type: 'Image/PNG' })), ct(new Blob(['x'])),
      ct(new Uint8Array(1)), ct(new ArrayBuffer(1)), ct(streamOf()), ct(null), ct(undefined),
      new Response('x', { headers: { 'Content-Type': 'custom/type' } }).headers.get('content-type'),
    ]);
    await check('formDataType', () => /^multipart\\/form-data; boundary=.+$/.test(ct(new FormData())));
    await check('texts', async () => [
      await new Response('héllo').text(), await new Response(new URLSearchParams({ a: 'b c' })).text(),
      await new Response(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69])).text(), await new Response(new Blob(['blob'])).text(),
      await new Response(streamOf(new Uint8Array([0xe2, 0x82]), new Uint8Array([0xac]))).text(), await new Response(null).text(),
      await new Response(new DataView(new Uint8Array([0x61, 0x62, 0x63]).buffer, 1)).text(), await new Response(42).text(),
    ]);
    await check('arrayBuffer', async () => {
      const src = new Uint8Array([1, 2, 3]);
      const ab = await new Response(src).arrayBuffer();
      src[0] = 9;
      return [ab instanceof ArrayBuffer, [...new Uint8Array(ab)], (await new Response(null).arrayBuffer()).byteLength,
        [...new Uint8Array(await new Response(streamOf(new Uint8Array([1]), new Uint8Array([2, 3]))).arrayBuffer())]];
    });
    await check('bytes', async () => { const b = await new Response('ab').bytes(); return [b instanceof Uint8Array, [...b]]; });
    await check('json', async () => new Response('{"a":[1,2]}').json());
    await check('badJson', () => new Response('{').json());
    await check('blob', async () => { const b = await new Response('xyz', { headers: { 'content-type': 'Text/Plain' } }).blob(); return [b instanceof Blob, b.size, b.type, await b.text()]; });
    await check('bodyUsed', async () => {
      const r = new Response('x');
      const before = r.bodyUsed;
      await r.text();
      return [before, r.bodyUsed, new Response(null).bodyUsed];
    });
    await check('usedTwice', async () => { const r = new Response('x'); await r.text(); return r.text(); });
    await check('usedAfterArrayBuffer', async () => { const r = new Response('x'); await r.arrayBuffer(); return r.json(); });
    await check('usedAfterStreamRead', async () => { const r = new Response('abc'); const reader = r.body.getReader(); await reader.read(); reader.releaseLock(); return [r.bodyUsed, await r.text().catch((e) => e.message)]; });
    await check('lockedBody', async () => { const r = new Response('abc'); r.body.getReader(); return [r.bodyUsed, await r.text().catch((e) => e.constructor.name)]; });
    await check('bodyStream', async () => {
      const r = new Response('héllo');
      const s = r.body;
      const chunks = [];
      for await (const c of s) chunks.push(...c);
      return [s === r.body, s instanceof ReadableStream, new TextDecoder().decode(new Uint8Array(chunks)), r.bodyUsed, new Response().body, new Response(null).body];
    });
    await check('bodyAfterText', async () => { const r = new Response('x'); await r.text(); const s = r.body; return [s instanceof ReadableStream, s.locked, r.bodyUsed]; });
    await check('streamSource', async () => { const s = streamOf(new Uint8Array([104, 105])); const r = new Response(s); return [r.body === s, await r.text()]; });
    await check('disturbedStream', async () => { const s = streamOf(new Uint8Array([1])); await s.getReader().read(); return new Response(s); });
    await check('lockedStream', () => { const s = streamOf(); s.getReader(); return new Response(s); });
    await check('nonByteChunks', () => new Response(streamOf('text')).text());
    await check('asyncIterable', async () => new Response((async function* () { yield new TextEncoder().encode('a'); yield new TextEncoder().encode('b'); })()).text());
    await check('formDataMultipart', async () => {
      const fd = new FormData();
      fd.append('a', '1');
      fd.append('f', new Blob(['content'], { type: 'text/csv' }), 'data.csv');
      const parsed = await new Response(fd).formData();
      const f = parsed.get('f');
      return [parsed.get('a'), f instanceof File, f.name, f.type, await f.text()];
    });
    await check('formDataUrlencoded', async () => {
      const parsed = await new Response('a=1&b=x+y&a=%E2%82%AC', { headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' } }).formData();
      return [...parsed];
    });
    await check('formDataNoType', () => new Response('a=1').formData().then(() => 'no', (e) => [e.constructor.name, e.message]).then(() => new Response('a=1', { headers: { 'content-type': '' } }).formData()));
    await check('formDataWrongType', () => new Request('http://x', { method: 'POST', body: 'a=1', headers: { 'content-type': 'text/plain' } }).formData());
    await check('formDataBadMultipart', () => new Response('garbage', { headers: { 'content-type': 'multipart/form-data; boundary=zzz' } }).formData());
    await check('cloneIndependent', async () => {
      const r = new Response(streamOf(new Uint8Array([1, 2]), new Uint8Array([3])));
      const c = r.clone();
      return [[...new Uint8Array(await r.arrayBuffer())], [...new Uint8Array(await c.arrayBuffer())], r.bodyUsed, c.bodyUsed];
    });
    await check('cloneText', async () => { const r = new Response('same'); const c = r.clone(); return [await c.text(), await r.text()]; });
    await check('cloneUsed', async () => { const r = new Response('x'); await r.text(); return r.clone(); });
  `));
});

test('default Content-Type per body type', () => {
  assert.deepEqual(value(results, 'contentTypes'), [
    'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded;charset=UTF-8', 'image/png', null,
    null, null, null, null, null, 'custom/type',
  ]);
  assert.equal(value(results, 'formDataType'), true);
});

test('text() decodes UTF-8 from every kind of source', () => {
  assert.deepEqual(value(results, 'texts'), ['héllo', 'a=b+c', 'hi', 'blob', '€', '', 'bc', '42']);
});

test('arrayBuffer(), bytes(), json(), blob()', () => {
  assert.deepEqual(value(results, 'arrayBuffer'), [true, [1, 2, 3], 0, [1, 2, 3]]);
  assert.deepEqual(value(results, 'bytes'), [true, [97, 98]]);
  assert.deepEqual(value(results, 'json'), { a: [1, 2] });
  assert.equal(error(results, 'badJson').ctor, 'SyntaxError');
  assert.deepEqual(value(results, 'blob'), [true, 3, 'text/plain', 'xyz']);
});

test('a body can be read once', () => {
  assert.deepEqual(value(results, 'bodyUsed'), [false, true, false]);
  assertTypeError(results, 'usedTwice', USED);
  assertTypeError(results, 'usedAfterArrayBuffer', USED);
  assert.deepEqual(value(results, 'usedAfterStreamRead'), [true, USED]);
  assert.deepEqual(value(results, 'lockedBody'), [false, 'TypeError']);
});

test('body is a ReadableStream of the bytes', () => {
  assert.deepEqual(value(results, 'bodyStream'), [true, true, 'héllo', true, null, null]);
  assert.deepEqual(value(results, 'bodyAfterText'), [true, false, true]);
  assert.deepEqual(value(results, 'streamSource'), [true, 'hi']);
  assert.equal(value(results, 'asyncIterable'), 'ab');
});

test('streams that were read from or are locked cannot be bodies', () => {
  assertTypeError(results, 'disturbedStream');
  assertTypeError(results, 'lockedStream');
  assertTypeError(results, 'nonByteChunks');
});

test('formData() parses multipart and urlencoded bodies', () => {
  assert.deepEqual(value(results, 'formDataMultipart'), ['1', true, 'data.csv', 'text/csv', 'content']);
  assert.deepEqual(value(results, 'formDataUrlencoded'), [['a', '1'], ['b', 'x y'], ['a', '€']]);
  assertTypeError(results, 'formDataNoType');
  assertTypeError(results, 'formDataWrongType');
  assertTypeError(results, 'formDataBadMultipart');
});

test('clone() gives an independent copy of the body', () => {
  assert.deepEqual(value(results, 'cloneIndependent'), [[1, 2, 3], [1, 2, 3], true, true]);
  assert.deepEqual(value(results, 'cloneText'), ['same', 'same']);
  assertTypeError(results, 'cloneUsed');
});
