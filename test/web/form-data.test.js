import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError } from './run-checks.js';

let results;
before(async () => {
  ({ results } = await runChecks(`
    const show = (v) => typeof v === 'string' ? v : [v.constructor.name, v.name, v.type, v.size];
    await check('methods', () => {
      const fd = new FormData();
      fd.append('a', '1');
      fd.append('b', '2');
      fd.append('a', '3');
      const r = [fd.get('a'), fd.getAll('a'), fd.get('zz'), fd.has('b'), fd.has('c')];
      fd.set('a', '4');
      r.push([...fd]);
      fd.set('c', '5');
      fd.delete('b');
      r.push([...fd]);
      return r;
    });
    await check('blobBecomesFile', () => {
      const fd = new FormData();
      fd.append('blob', new Blob(['xy'], { type: 'text/plain' }));
      fd.append('named', new Blob(['z']), 'z.bin');
      const file = new File(['f'], 'orig.txt', { lastModified: 5 });
      fd.append('file', file);
      fd.append('renamed', file, 'new.txt');
      fd.set('setblob', new Blob([]));
      return [show(fd.get('blob')), show(fd.get('named')), fd.get('file') === file, show(fd.get('renamed')), fd.get('renamed').lastModified, show(fd.get('setblob'))];
    });
    await check('stringValues', () => { const fd = new FormData(); fd.append('n', 12); fd.append('o', { toString: () => 'obj' }); fd.append('\\ud800', 'x'); return [...fd]; });
    await check('filenameNeedsBlob', () => new FormData().append('a', 'text', 'name.txt'));
    await check('missingArgs', () => new FormData().append('a'));
    await check('formArg', () => new FormData({}));
    await check('iteration', () => {
      const fd = new FormData();
      fd.append('a', '1');
      fd.append('b', '2');
      const it = fd.entries();
      it.next();
      fd.append('c', '3');
      const seen = [];
      fd.forEach((v, k, obj) => seen.push([k, v, obj === fd]));
      return [[...it], [...fd.keys()], [...fd.values()], seen, Object.prototype.toString.call(fd.keys()), FormData.prototype[Symbol.iterator] === FormData.prototype.entries];
    });
    await check('serialise', async () => {
      const fd = new FormData();
      fd.append('field', 'line1\\nline2\\rline3');
      fd.append('quo"te\\n', 'v');
      fd.append('up', new Blob(['file body'], { type: 'text/x-demo' }), 'a"b\\r.txt');
      fd.append('bin', new Blob([new Uint8Array([0, 255])]));
      const res = new Response(fd);
      const type = res.headers.get('content-type');
      const boundary = type.slice(type.indexOf('boundary=') + 9);
      const text = await res.text();
      return [text.split(boundary).join('BOUNDARY'), boundary.length > 0];
    });
    await check('roundTrip', async () => {
      const fd = new FormData();
      fd.append('text', 'héllo\\r\\nworld');
      fd.append('file', new File([new Uint8Array([1, 2, 3, 0xff])], 'bytes.bin', { type: 'application/octet-stream' }));
      fd.append('empty', '');
      const parsed = await new Request('http://x', { method: 'POST', body: fd }).formData();
      const f = parsed.get('file');
      return [parsed.get('text'), f.name, f.type, [...new Uint8Array(await f.arrayBuffer())], parsed.get('empty'), [...parsed.keys()]];
    });
    await check('parseHandwritten', async () => {
      const body = [
        'preamble', '--XyZ', 'Content-Disposition: form-data; name="a"', '', 'value a', '--XyZ',
        'content-disposition: form-data; name="f"; filename="plain.txt"; filename*=UTF-8\\'\\'%E2%82%AC.txt', 'Content-Type: text/plain', '', 'file text',
        '--XyZ', 'Content-Disposition: form-data; name="nofile"; filename="n.txt"', '', 'x', '--XyZ--', 'epilogue',
      ].join('\\r\\n');
      const fd = await new Response(body, { headers: { 'content-type': 'multipart/form-data; boundary="XyZ"' } }).formData();
      return [fd.get('a'), fd.get('f').name, fd.get('f').type, await fd.get('f').text(), fd.get('nofile').type];
    });
    await check('parseMissingName', () => new Response('--b\\r\\nContent-Disposition: form-data\\r\\n\\r\\nx\\r\\n--b--', { headers: { 'content-type': 'multipart/form-data; boundary=b' } }).formData());
    await check('parseUnterminated', () => new Response('--b\\r\\nContent-Disposition: form-data; name="a"\\r\\n\\r\\nx', { headers: { 'content-type': 'multipart/form-data; boundary=b' } }).formData());
    await check('names', () => [FormData.name, Object.prototype.toString.call(new FormData())]);
  `));
});

test('append, set, get, getAll, has, delete', () => {
  assert.deepEqual(value(results, 'methods'), ['1', ['1', '3'], null, true, false, [['a', '4'], ['b', '2']], [['a', '4'], ['c', '5']]]);
});

test('Blob values become Files named "blob" unless named', () => {
  assert.deepEqual(value(results, 'blobBecomesFile'), [
    ['File', 'blob', 'text/plain', 2], ['File', 'z.bin', '', 1], true, ['File', 'new.txt', '', 1], 5, ['File', 'blob', '', 0],
  ]);
});

test('other values become strings; bad arguments throw TypeError', () => {
  assert.deepEqual(value(results, 'stringValues'), [['n', '12'], ['o', 'obj'], ['\ufffd', 'x']]);
  assertTypeError(results, 'filenameNeedsBlob');
  assertTypeError(results, 'missingArgs');
  assertTypeError(results, 'formArg');
});

test('iteration is live', () => {
  assert.deepEqual(value(results, 'iteration'), [
    [['b', '2'], ['c', '3']], ['a', 'b', 'c'], ['1', '2', '3'], [['a', '1', true], ['b', '2', true], ['c', '3', true]], '[object FormData Iterator]', true,
  ]);
});

test('multipart/form-data serialisation escapes names and normalises newlines', () => {
  const [text, hasBoundary] = value(results, 'serialise');
  assert.equal(hasBoundary, true);
  assert.equal(text, [
    '--BOUNDARY', 'Content-Disposition: form-data; name="field"', '', 'line1\r\nline2\r\nline3',
    '--BOUNDARY', 'Content-Disposition: form-data; name="quo%22te%0D%0A"', '', 'v',
    '--BOUNDARY', 'Content-Disposition: form-data; name="up"; filename="a%22b%0D.txt"', 'Content-Type: text/x-demo', '', 'file body',
    '--BOUNDARY', 'Content-Disposition: form-data; name="bin"; filename="blob"', 'Content-Type: application/octet-stream', '', '\u0000\ufffd',
    '--BOUNDARY--', '',
  ].join('\r\n'));
});

test('multipart/form-data parsing; file fields become Files (formdata_parser_supports_files)', () => {
  assert.deepEqual(value(results, 'roundTrip'), ['héllo\r\nworld', 'bytes.bin', 'application/octet-stream', [1, 2, 3, 255], '', ['text', 'file', 'empty']]);
  assert.deepEqual(value(results, 'parseHandwritten'), ['value a', '€.txt', 'text/plain', 'file text', 'text/plain']);
  assertTypeError(results, 'parseMissingName');
  assertTypeError(results, 'parseUnterminated');
  assert.deepEqual(value(results, 'names'), ['FormData', '[object FormData]']);
});
