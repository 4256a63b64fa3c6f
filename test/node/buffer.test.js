// node:buffer and the Buffer global, checked against Node's own Buffer where they must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNodeChecks, value, error, bundleProject } from './node-checks.js';
import { startWorker } from '../helpers/worker.js';

const SAMPLE = 'héllo wörld €😀';
const ENCODINGS = ['utf8', 'utf-8', 'hex', 'base64', 'base64url', 'latin1', 'binary', 'ascii', 'ucs2', 'utf16le'];

test('Buffer is a global, the same class as node:buffer and buffer export, and a Uint8Array', async () => {
  const { results } = await runNodeChecks({
    imports: `import { Buffer as B1 } from 'node:buffer'; import bufferModule from 'buffer'; import { Buffer as B3 } from 'buffer';`,
    body: `
      await check('same', () => [typeof Buffer, B1 === Buffer, bufferModule.Buffer === Buffer, B3 === Buffer]);
      await check('uint8', () => { const b = Buffer.from('ab'); return [b instanceof Uint8Array, b instanceof Buffer, Buffer.isBuffer(b), Buffer.isBuffer(new Uint8Array(2)), Object.prototype.toString.call(b)]; });
      await check('statics', () => [typeof Buffer.alloc, typeof Buffer.allocUnsafe, typeof Buffer.allocUnsafeSlow, typeof Buffer.from, typeof Buffer.concat, typeof Buffer.compare, typeof Buffer.byteLength, typeof Buffer.isEncoding, typeof Buffer.copyBytesFrom, Buffer.poolSize]);
    `,
  });
  assert.deepEqual(value(results, 'same'), ['function', true, true, true]);
  assert.deepEqual(value(results, 'uint8'), [true, true, true, false, '[object Uint8Array]']);
  assert.deepEqual(value(results, 'statics'), ['function', 'function', 'function', 'function', 'function', 'function', 'function', 'function', 'function', 8192]);
});

test('every encoding encodes and decodes as Node does', async () => {
  const { results } = await runNodeChecks({
    body: `
      const sample = ${JSON.stringify(SAMPLE)};
      const encodings = ${JSON.stringify(ENCODINGS)};
      await check('toString', () => encodings.map((e) => Buffer.from(sample).toString(e)));
      await check('from', () => encodings.map((e) => Array.from(Buffer.from(Buffer.from(sample).toString(e), e))));
      await check('byteLength', () => encodings.map((e) => Buffer.byteLength(Buffer.from(sample).toString(e), e)));
      await check('isEncoding', () => [...encodings, 'UTF8', 'Base64URL', 'nope', '', 5].map((e) => Buffer.isEncoding(e)));
      await check('lenient', () => [Array.from(Buffer.from('aGV sbG8=\\n', 'base64')), Array.from(Buffer.from('-_-_', 'base64')), Array.from(Buffer.from('+/+/', 'base64url')), Array.from(Buffer.from('abc', 'hex')), Array.from(Buffer.from('zz11', 'hex'))]);
      await check('invalidUtf8', () => [[0xe4, 0xbd], [0xff, 0x41], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xef, 0xbb, 0xbf, 0x41], [0xc0, 0xaf]].map((b) => Buffer.from(b).toString()));
      await check('partial', () => [Buffer.from(sample).toString('utf8', 1, 4), Buffer.from(sample).toString('hex', 2), Buffer.from(sample).toString('base64url', 0, 5)]);
    `,
  });
  const bytes = Buffer.from(SAMPLE);
  assert.deepEqual(value(results, 'toString'), ENCODINGS.map((e) => bytes.toString(e)));
  assert.deepEqual(value(results, 'from'), ENCODINGS.map((e) => Array.from(Buffer.from(bytes.toString(e), e))));
  assert.deepEqual(value(results, 'byteLength'), ENCODINGS.map((e) => Buffer.byteLength(bytes.toString(e), e)));
  assert.deepEqual(value(results, 'isEncoding'), [...ENCODINGS, 'UTF8', 'Base64URL', 'nope', '', 5].map((e) => Buffer.isEncoding(e)));
  assert.deepEqual(value(results, 'lenient'), [
    Array.from(Buffer.from('aGV sbG8=\n', 'base64')), Array.from(Buffer.from('-_-_', 'base64')), Array.from(Buffer.from('+/+/', 'base64url')),
    Array.from(Buffer.from('abc', 'hex')), Array.from(Buffer.from('zz11', 'hex')),
  ]);
  assert.deepEqual(value(results, 'invalidUtf8'), [[0xe4, 0xbd], [0xff, 0x41], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xef, 0xbb, 0xbf, 0x41], [0xc0, 0xaf]].map((b) => Buffer.from(b).toString()));
  assert.deepEqual(value(results, 'partial'), [bytes.toString('utf8', 1, 4), bytes.toString('hex', 2), bytes.toString('base64url', 0, 5)]);
});

// Text Node decodes leniently: whitespace, the other alphabet, characters outside either,
// "=" inside or after the data, a last lone character, characters above U+00FF (read as their
// low byte: U+0141 as "A", U+013D as "=").
const BASE64_INPUTS = [
  '', 'YQ', 'YQ=', 'YQ==', 'YQ===', 'Y', 'YR', '=YWJj', 'YW=Jj', 'YQ==YQ==', 'YWJj=ZGVm', 'YWJjZ===', 'Y===',
  ' Y Q = = ', 'YWJj\nZGVm\r\n', 'a$b#c', '-_-_', '+/+/', '-_+/', 'YWJ\u00e9j', 'YWJ\u0100j', 'QUJD\u0000REVG', '😀YWJj',
  '\u0141\u0141\u0141\u0141', 'YW\u013dJj', '\u00c1\u00c1\u00c1\u00c1',
];

test('base64 and base64url as Node reads and writes them', async () => {
  // Deterministic bytes of every length up to 70, and 1 MiB.
  const bytesOf = (n) => Array.from({ length: n }, (_, i) => (i * 151 + n * 7) & 0xff);
  const big = Buffer.from(bytesOf(1 << 20));
  const { results } = await runNodeChecks({
    body: `
      const bytesOf = (n) => Array.from({ length: n }, (_, i) => (i * 151 + n * 7) & 0xff);
      const inputs = ${JSON.stringify(BASE64_INPUTS)};
      const lengths = Array.from({ length: 71 }, (_, n) => n);
      await check('encode', () => lengths.map((n) => [Buffer.from(bytesOf(n)).toString('base64'), Buffer.from(bytesOf(n)).toString('base64url')]));
      await check('roundTrip', () => lengths.every((n) => ['base64', 'base64url'].every((e) => Buffer.from(Buffer.from(bytesOf(n)).toString(e), e).equals(Buffer.from(bytesOf(n))))));
      await check('decode', () => inputs.map((s) => [Buffer.from(s, 'base64').toString('hex'), Buffer.from(s, 'base64url').toString('hex')]));
      await check('big', () => { const b = Buffer.from(bytesOf(1 << 20)); const text = b.toString('base64'); const back = Buffer.from(text, 'base64'); return [text.length, text.slice(-12), back.length, back.equals(b), Buffer.from(b.toString('base64url'), 'base64url').equals(b)]; });
      await check('ranges', () => { const b = Buffer.from(bytesOf(10)); return [b.toString('base64', 2, 7), b.toString('base64url', 3), b.toString('base64', 7, 2), b.toString('base64', -3, 100), b.subarray(4).toString('base64'), b.base64Slice(1, 4), b.base64urlSlice(1, 4)]; });
      await check('write', () => { const b = Buffer.alloc(8, 0xee); return [b.write('YWJjZGVm', 1, 'base64'), b.write('YWJjZGVm', 6, 'base64'), b.write('_-8', 0, 2, 'base64url'), Array.from(b), Buffer.alloc(2).base64Write('YWJj')]; });
      await check('other', () => [Buffer.from('YWJj', 'base64') instanceof Buffer, Buffer.byteLength('YWJjZA==', 'base64'), Buffer.byteLength('YWJjZA', 'base64url'), Array.from(Buffer.alloc(5, 'YWI=', 'base64')), Buffer.from('aGVsbG8', 'BASE64').toString()]);
      await check('builtins', () => [typeof Uint8Array.fromBase64, typeof Uint8Array.prototype.setFromBase64, typeof Uint8Array.prototype.toBase64, typeof Uint8Array.prototype.setFromHex]);
    `,
  });
  const lengths = Array.from({ length: 71 }, (_, n) => n);
  assert.deepEqual(value(results, 'encode'), lengths.map((n) => [Buffer.from(bytesOf(n)).toString('base64'), Buffer.from(bytesOf(n)).toString('base64url')]));
  assert.equal(value(results, 'roundTrip'), true);
  assert.deepEqual(value(results, 'decode'), BASE64_INPUTS.map((s) => [Buffer.from(s, 'base64').toString('hex'), Buffer.from(s, 'base64url').toString('hex')]));
  assert.deepEqual(value(results, 'big'), [big.toString('base64').length, big.toString('base64').slice(-12), big.length, true, true]);
  const b = Buffer.from(bytesOf(10));
  assert.deepEqual(value(results, 'ranges'), [b.toString('base64', 2, 7), b.toString('base64url', 3), b.toString('base64', 7, 2), b.toString('base64', -3, 100), b.subarray(4).toString('base64'), b.base64Slice(1, 4), b.base64urlSlice(1, 4)]);
  const w = Buffer.alloc(8, 0xee);
  assert.deepEqual(value(results, 'write'), [w.write('YWJjZGVm', 1, 'base64'), w.write('YWJjZGVm', 6, 'base64'), w.write('_-8', 0, 2, 'base64url'), Array.from(w), Buffer.alloc(2).base64Write('YWJj')]);
  assert.deepEqual(value(results, 'other'), [true, Buffer.byteLength('YWJjZA==', 'base64'), Buffer.byteLength('YWJjZA', 'base64url'), Array.from(Buffer.alloc(5, 'YWI=', 'base64')), 'hello']);
  // V8's Uint8Array base64 methods are offered to the worker only when V8 has all of them.
  const builtins = value(results, 'builtins');
  assert.ok(builtins.every((t) => t === builtins[0]), JSON.stringify(builtins));
});

test('alloc, concat, compare, equals, copy, fill, indexOf, write and the numeric readers and writers', async () => {
  const { results } = await runNodeChecks({
    body: `
      const arr = (b) => Array.from(b);
      await check('alloc', () => [arr(Buffer.alloc(3)), arr(Buffer.alloc(5, 'ab')), arr(Buffer.alloc(4, 'aGk=', 'base64')), arr(Buffer.alloc(2, 257)), Buffer.allocUnsafe(4).length]);
      await check('concat', () => [Buffer.concat([Buffer.from('a'), new Uint8Array([98]), Buffer.from('cd')]).toString(), Buffer.concat([Buffer.from('abc')], 2).toString(), Buffer.concat([]).length]);
      await check('compare', () => [Buffer.compare(Buffer.from('a'), Buffer.from('b')), Buffer.compare(Buffer.from('b'), Buffer.from('a')), Buffer.from('abc').compare(Buffer.from('abd')), Buffer.from('x').equals(new Uint8Array([120])), [Buffer.from('b'), Buffer.from('a')].sort(Buffer.compare).map(String)]);
      await check('copy', () => { const t = new Uint8Array(4); const n = Buffer.from('abcdef').copy(t, 1, 2); return [n, arr(t)]; });
      await check('search', () => { const b = Buffer.from('hello world hello'); return [b.indexOf('hello', 1), b.lastIndexOf('hello'), b.includes('wor'), b.indexOf(Buffer.from('o')), b.indexOf(111), b.indexOf('aGVsbG8=', 'base64')]; });
      await check('write', () => { const b = Buffer.alloc(6); return [b.write('hé'), b.write('abcdef', 4), b.write('00ff', 1, 'hex'), arr(b), Buffer.alloc(4).write('abc', 'hex')]; });
      await check('numbers', () => {
        const b = Buffer.alloc(16);
        b.writeUInt32BE(0xdeadbeef, 0); b.writeInt16LE(-2, 4); b.writeUInt8(255, 6); b.writeInt8(-1, 7); b.writeDoubleLE(1.5, 8);
        const c = Buffer.alloc(8); c.writeBigInt64BE(-5n); c.writeUIntLE(0x123456, 0, 3);
        return [b.readUInt32BE(0), b.readUint32LE(0), b.readInt16LE(4), b.readUInt8(6), b.readInt8(7), b.readDoubleLE(8), b.readFloatBE(0), b.readBigUInt64LE(0).toString(), c.readUIntLE(0, 3), c.readBigInt64BE(0).toString(), c.readIntBE(5, 3)];
      });
      await check('outOfBounds', () => Buffer.alloc(2).readUInt32LE(0));
      await check('swap', () => [arr(Buffer.from([1, 2, 3, 4]).swap16()), arr(Buffer.from([1, 2, 3, 4]).swap32())]);
      await check('json', () => [JSON.stringify(Buffer.from([1, 2])), Buffer.from(JSON.parse(JSON.stringify(Buffer.from('hi')))).toString()]);
      await check('copyBytesFrom', () => arr(Buffer.copyBytesFrom(new Uint16Array([1, 2, 3]), 1, 1)));
      await check('arrayBuffer', () => { const ab = new ArrayBuffer(8); const b = Buffer.from(ab, 2, 4); b[0] = 7; return [new Uint8Array(ab)[2], b.length, b.buffer === ab, b.byteOffset]; });
    `,
  });
  const arr = (b) => Array.from(b);
  assert.deepEqual(value(results, 'alloc'), [arr(Buffer.alloc(3)), arr(Buffer.alloc(5, 'ab')), arr(Buffer.alloc(4, 'aGk=', 'base64')), arr(Buffer.alloc(2, 257)), 4]);
  assert.deepEqual(value(results, 'concat'), ['abcd', 'ab', 0]);
  assert.deepEqual(value(results, 'compare'), [-1, 1, -1, true, ['a', 'b']]);
  assert.deepEqual(value(results, 'copy'), [3, [0, 99, 100, 101]]);
  const h = Buffer.from('hello world hello');
  assert.deepEqual(value(results, 'search'), [h.indexOf('hello', 1), h.lastIndexOf('hello'), true, 4, 4, 0]);
  const w = Buffer.alloc(6);
  assert.deepEqual(value(results, 'write'), [w.write('hé'), w.write('abcdef', 4), w.write('00ff', 1, 'hex'), arr(w), Buffer.alloc(4).write('abc', 'hex')]);
  const b = Buffer.alloc(16);
  b.writeUInt32BE(0xdeadbeef, 0); b.writeInt16LE(-2, 4); b.writeUInt8(255, 6); b.writeInt8(-1, 7); b.writeDoubleLE(1.5, 8);
  const c = Buffer.alloc(8); c.writeBigInt64BE(-5n); c.writeUIntLE(0x123456, 0, 3);
  assert.deepEqual(value(results, 'numbers'), [b.readUInt32BE(0), b.readUint32LE(0), b.readInt16LE(4), b.readUInt8(6), b.readInt8(7), b.readDoubleLE(8), b.readFloatBE(0), b.readBigUInt64LE(0).toString(), c.readUIntLE(0, 3), c.readBigInt64BE(0).toString(), c.readIntBE(5, 3)]);
  assert.equal(error(results, 'outOfBounds').ctor, 'RangeError');
  assert.deepEqual(value(results, 'swap'), [[2, 1, 4, 3], [4, 3, 2, 1]]);
  assert.deepEqual(value(results, 'json'), ['{"type":"Buffer","data":[1,2]}', 'hi']);
  assert.deepEqual(value(results, 'copyBytesFrom'), [2, 0]);
  assert.deepEqual(value(results, 'arrayBuffer'), [7, 4, true, 2]);
});

test('subarray and slice share memory and stay Buffers', async () => {
  const { results } = await runNodeChecks({
    body: `
      await check('views', () => {
        const b = Buffer.from('hello');
        const s = b.subarray(1, 3);
        const l = b.slice(-2);
        s[0] = 65;
        l[1] = 90;
        return [b.toString(), s.toString(), l.toString(), s instanceof Buffer, Buffer.isBuffer(l), b.subarray(2).byteOffset, typeof s.readUInt8];
      });
      await check('mapFilter', () => { const m = Buffer.from([1, 2]).map((x) => x * 2); return [Buffer.isBuffer(m), Array.from(m), Buffer.isBuffer(Buffer.of(1, 2))]; });
    `,
  });
  assert.deepEqual(value(results, 'views'), ['hAllZ', 'Al', 'lZ', true, true, 2, 'function']);
  assert.deepEqual(value(results, 'mapFilter'), [true, [2, 4], true]);
});

test('inspect output, errors and the rest of node:buffer', async () => {
  const { results } = await runNodeChecks({
    imports: `import { inspect } from 'node:util'; import buffer, { isUtf8, isAscii, transcode, constants, kMaxLength, kStringMaxLength, INSPECT_MAX_BYTES, SlowBuffer, atob as a2, btoa as b2, Blob as B2, File as F2 } from 'node:buffer';`,
    body: `
      await check('inspect', () => { const x = Buffer.from('hi'); x.extra = 1; return [inspect(Buffer.from('hi')), inspect(Buffer.alloc(60)), inspect(x), inspect({ b: Buffer.from([255]) }), inspect(Buffer.alloc(0))]; });
      await check('unknownEncoding', () => Buffer.from('x', 'nope'));
      await check('unknownToString', () => Buffer.from('x').toString('nope'));
      await check('badFrom', () => Buffer.from(5));
      await check('badAlloc', () => Buffer.alloc(-1));
      await check('utf8', () => [isUtf8(Buffer.from('é€')), isUtf8(new Uint8Array([0xc3])), isUtf8(new Uint8Array([0xed, 0xa0, 0x80])), isAscii(Buffer.from('abc')), isAscii(Buffer.from('é'))]);
      await check('transcode', () => [Array.from(transcode(Buffer.from('é€'), 'utf8', 'latin1')), transcode(Buffer.from('hi'), 'utf8', 'ucs2').toString('ucs2')]);
      await check('constants', () => [constants.MAX_LENGTH === kMaxLength, typeof kStringMaxLength, INSPECT_MAX_BYTES, SlowBuffer(3).length, a2 === atob, b2 === btoa, B2 === Blob, F2 === File, typeof buffer.resolveObjectURL]);
    `,
  });
  assert.deepEqual(value(results, 'inspect'), ['<Buffer 68 69>', `<Buffer ${'00 '.repeat(50).trim()} ... 10 more bytes>`, '<Buffer 68 69, extra: 1>', '{ b: <Buffer ff> }', '<Buffer >']);
  for (const name of ['unknownEncoding', 'unknownToString']) {
    assert.deepEqual(error(results, name), { ctor: 'TypeError', name: 'TypeError', message: 'Unknown encoding: nope', code: 'ERR_UNKNOWN_ENCODING', isError: true });
  }
  assert.equal(error(results, 'badFrom').code, 'ERR_INVALID_ARG_TYPE');
  assert.equal(error(results, 'badAlloc').code, 'ERR_OUT_OF_RANGE');
  assert.deepEqual(value(results, 'utf8'), [true, false, false, true, false]);
  assert.deepEqual(value(results, 'transcode'), [[233, 63], 'hi']);
  assert.deepEqual(value(results, 'constants'), [true, 'number', 50, 3, true, true, true, true, 'function']);
});

test('require("buffer") from bundled CommonJS is the same module', async () => {
  const bundle = await bundleProject({
    'src/lib.cjs': `const { Buffer } = require('buffer');\nconst prefixed = require('node:buffer');\nmodule.exports = { same: Buffer === globalThis.Buffer && prefixed.Buffer === Buffer, hex: Buffer.from('hi').toString('hex') };\n`,
    'src/index.js': `import lib from './lib.cjs';\nexport default { fetch() { return Response.json(lib); } };\n`,
  });
  const w = await startWorker(bundle);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), { same: true, hex: '6869' });
  } finally {
    await w.dispose();
  }
});

test("Node's per-encoding Buffer methods (latin1Slice, utf8Write, ...) that npm packages call", async () => {
  const { results } = await runNodeChecks({
    body: `
      const b = Buffer.from('héllo');
      await check('slices', () => [b.utf8Slice(0, b.length), b.latin1Slice(0, 2), b.hexSlice(0, 2), b.base64Slice(), b.asciiSlice(0, 1)]);
      await check('write', () => { const t = Buffer.alloc(4); const n = t.latin1Write('ab', 1); return [n, [...t]]; });
    `,
  });
  assert.deepEqual(value(results, 'slices'), ['héllo', 'h\u00c3', '68c3', 'aMOpbGxv', 'h']);
  assert.deepEqual(value(results, 'write'), [2, [0, 97, 98, 0]]);
});
