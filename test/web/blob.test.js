import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError } from './run-checks.js';

let results;
before(async () => {
  ({ results } = await runChecks(`
    const bytesOf = async (b) => [...new Uint8Array(await b.arrayBuffer())];
    await check('empty', async () => { const b = new Blob(); return [b.size, b.type, await b.text()]; });
    await check('parts', async () => {
      const buf = new Uint8Array([1, 2, 3, 4]);
      const b = new Blob(['a€', buf.buffer, buf.subarray(1, 3), new DataView(buf.buffer, 3, 1), new Blob(['z'])]);
      return [b.size, await bytesOf(b)];
    });
    await check('copiesParts', async () => { const buf = new Uint8Array([1]); const b = new Blob([buf]); buf[0] = 9; return bytesOf(b); });
    await check('stringsAreUSV', async () => bytesOf(new Blob(['\\ud800'])));
    await check('otherPartsStringified', () => new Blob([12, null, { toString: () => 'x' }]).text());
    await check('badParts', () => new Blob('abc'));
    await check('type', () => [new Blob([], { type: 'Text/HTML; Charset=UTF-8' }).type, new Blob([], { type: 'a\\u00e9' }).type, new Blob([], { type: 'a\\x01' }).type]);
    await check('endings', async () => [await new Blob(['a\\r\\nb\\rc\\n'], { endings: 'native' }).text(), await new Blob(['a\\r\\n'], { endings: 'transparent' }).text()]);
    await check('badEndings', () => new Blob([], { endings: 'windows' }));
    await check('slice', async () => {
      const b = new Blob(['0123456789'], { type: 'text/plain' });
      return [
        await b.slice().text(), await b.slice(2).text(), await b.slice(2, 5).text(), await b.slice(-3).text(),
        await b.slice(-3, -1).text(), await b.slice(5, 2).text(), await b.slice(0, 100).text(), await b.slice(-100, 2).text(),
        b.slice().type, b.slice(0, 1, 'Image/PNG').type, b.slice(1, 4).slice(1).size, await b.slice(1, 4).slice(1).text(),
      ];
    });
    await check('reads', async () => {
      const b = new Blob(['\\ufeffhé']);
      const ab = await b.arrayBuffer();
      const u8 = await b.bytes();
      return [await b.text(), ab instanceof ArrayBuffer, ab.byteLength, u8 instanceof Uint8Array, u8.length, (await b.arrayBuffer()) !== ab];
    });
    await check('stream', async () => {
      const big = new Uint8Array(200000).map((_, i) => i % 251);
      const stream = new Blob([big]).stream();
      const reader = stream.getReader();
      let total = 0, ok = true, chunks = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!(value instanceof Uint8Array)) ok = false;
        for (let i = 0; i < value.length; i++) if (value[i] !== (total + i) % 251) ok = false;
        total += value.length;
        chunks++;
      }
      return [stream instanceof ReadableStream, total, ok, chunks > 0];
    });
    await check('file', () => {
      const f = new File(['ab'], 'name.txt', { type: 'Text/Plain', lastModified: 42 });
      return [f.name, f.size, f.type, f.lastModified, f instanceof Blob, f instanceof File, Object.prototype.toString.call(f), File.name, f.webkitRelativePath];
    });
    await check('fileDefaultLastModified', () => { const before = Date.now(); const f = new File([], 'x'); return [typeof f.lastModified, f.lastModified >= before - 1000, f.lastModified <= Date.now() + 1000]; });
    await check('fileNeedsName', () => new File(['x']));
    await check('fileName', () => new File([], 42).name);
    await check('blobName', () => [Blob.name, Object.prototype.toString.call(new Blob())]);
    await check('conversionOrder', () => {
      const seen = [];
      const part = (text) => ({ toString() { seen.push(text); return text; } });
      const options = { get endings() { seen.push('endings'); }, get type() { seen.push('type'); return 'a/b'; } };
      const parts = { get [Symbol.iterator]() { seen.push('iterator'); return function* () { yield part('x'); seen.push('next'); yield part('y'); }; } };
      const b = new Blob(parts, options);
      return [seen, b.size, b.type];
    });
    await check('partsConvertedWhileIterating', async () => {
      const arr = [{ toString() { arr.pop(); return 'kept'; } }, 'dropped'];
      return new Blob(arr).text();
    });
    await check('bufferCopiedWhenReached', async () => {
      const buf = new Uint8Array([0x61]);
      const b = new Blob([buf, { toString() { buf[0] = 0x7a; return 'b'; } }]);
      return b.text();
    });
    await check('functionOptions', () => [new Blob(['x'], function () {}).size, new File(['x'], 'f', function () {}).size]);
    await check('fileConversionOrder', () => {
      const seen = [];
      new File([{ toString() { seen.push('bits'); return ''; } }], { toString() { seen.push('name'); return 'n'; } }, { get type() { seen.push('type'); } });
      return seen;
    });
  `));
});

test('an empty Blob', () => {
  assert.deepEqual(value(results, 'empty'), [0, '', '']);
});

test('takes strings (as UTF-8), buffers, views and blobs', () => {
  assert.deepEqual(value(results, 'parts'), [12, [0x61, 0xe2, 0x82, 0xac, 1, 2, 3, 4, 2, 3, 4, 0x7a]]);
  assert.deepEqual(value(results, 'copiesParts'), [1]);
  assert.deepEqual(value(results, 'stringsAreUSV'), [0xef, 0xbf, 0xbd]);
  assert.equal(value(results, 'otherPartsStringified'), '12nullx');
  assertTypeError(results, 'badParts');
});

test('type is lowercased, or emptied when not printable ASCII', () => {
  assert.deepEqual(value(results, 'type'), ['text/html; charset=utf-8', '', '']);
});

test('endings', () => {
  assert.deepEqual(value(results, 'endings'), ['a\nb\nc\n', 'a\r\n']);
  assertTypeError(results, 'badEndings');
});

test('slice with relative indices and a content type', () => {
  assert.deepEqual(value(results, 'slice'), ['0123456789', '23456789', '234', '789', '78', '', '0123456789', '01', '', 'image/png', 2, '23']);
});

test('text (BOM removed), arrayBuffer and bytes', () => {
  assert.deepEqual(value(results, 'reads'), ['hé', true, 6, true, 6, true]);
});

test('stream yields the bytes as Uint8Array chunks', () => {
  assert.deepEqual(value(results, 'stream'), [true, 200000, true, true]);
});

test('File', () => {
  assert.deepEqual(value(results, 'file'), ['name.txt', 2, 'text/plain', 42, true, true, '[object File]', 'File', '']);
  assert.deepEqual(value(results, 'fileDefaultLastModified'), ['number', true, true]);
  assertTypeError(results, 'fileNeedsName');
  assert.equal(value(results, 'fileName'), '42');
  assert.deepEqual(value(results, 'blobName'), ['Blob', '[object Blob]']);
});

test('blob parts are converted in iteration order, before the options are read', async () => {
  assert.deepEqual(value(results, 'conversionOrder'), [['iterator', 'x', 'next', 'y', 'endings', 'type'], 2, 'a/b']);
  assert.equal(value(results, 'partsConvertedWhileIterating'), 'kept');
  assert.equal(value(results, 'bufferCopiedWhenReached'), 'ab');
  assert.deepEqual(value(results, 'functionOptions'), [1, 1]);
  assert.deepEqual(value(results, 'fileConversionOrder'), ['bits', 'name', 'type']);
});
