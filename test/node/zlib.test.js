// node:zlib inside real workers, compared with Node's own zlib run here: the same compressed
// bytes, the same round trips through the streaming classes, and Node's errors (class, code,
// errno, message) for bad input and options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { assertSameError, checkPrelude, runChecks, value } from '../web/run-checks.js';

const HEADER = `import zlib from 'node:zlib';
import * as named from 'node:zlib';
const Buffer = globalThis.Buffer ?? zlib.gzipSync('').constructor;
${checkPrelude(`(e) => ({
  ctor: e?.constructor?.name ?? typeof e, message: e?.message, code: e?.code, errno: e?.errno, own: e instanceof Error,
})`, `(value) => {
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'), ctor: value.constructor.name };
  if (Array.isArray(value)) return value.map(encode);
  return value;
}`)}
const collect = (stream) => new Promise((resolve, reject) => { const chunks = []; stream.on('data', (c) => chunks.push(c)); stream.on('end', () => resolve(Buffer.concat(chunks))); stream.on('error', reject); });
const promisify = (fn) => (...args) => new Promise((resolve, reject) => fn(...args, (err, out) => (err ? reject(err) : resolve(out))));
`;

// Runs `body` (check() calls, with the fixtures as FIX) in a worker's fetch handler: the results.
async function inWorker(body, fixtures = {}, options = {}) {
  const { results } = await runChecks(`const FIX = ${JSON.stringify(fixtures)};\n${body}`, { prelude: HEADER, worker: options });
  return results;
}

const bytes = (buffer) => ({ bytes: Buffer.from(buffer).toString('base64'), ctor: 'Buffer' });
const decoded = (v) => Buffer.from(v.bytes, 'base64');

// Node's error for the same call: class, message, code and errno.
const sameError = (results, name, nodeThrows) => assertSameError(results, name, nodeThrows, ['code', 'errno']);

const TEXT = 'Outpost runs Workers code unmodified. '.repeat(200);
const MODES = [
  ['deflateSync', 'inflateSync'], ['gzipSync', 'gunzipSync'], ['deflateRawSync', 'inflateRawSync'],
  ['brotliCompressSync', 'brotliDecompressSync'], ['gzipSync', 'unzipSync'], ['deflateSync', 'unzipSync'],
];

test('nodejs_zlib: the synchronous functions compress exactly as Node does, with options', async () => {
  const dictionary = 'Outpost runs Workers code';
  const r = await inWorker(`
    for (const [compress, decompress] of FIX.modes) {
      await check(compress, () => zlib[compress](FIX.text));
      await check(compress + ':' + decompress, () => zlib[decompress](zlib[compress](Buffer.from(FIX.text))).toString());
    }
    await check('level', () => [0, 1, 9].map((level) => zlib.deflateSync(FIX.text, { level })));
    await check('windowBits', () => zlib.deflateRawSync(FIX.text, { windowBits: 9, memLevel: 1, strategy: zlib.constants.Z_HUFFMAN_ONLY }));
    await check('dictionary', () => { const c = zlib.deflateSync(FIX.text, { dictionary: Buffer.from(FIX.dictionary) }); return [c, zlib.inflateSync(c, { dictionary: Buffer.from(FIX.dictionary) }).length]; });
    await check('brotliParams', () => zlib.brotliCompressSync(FIX.text, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } }));
    await check('inputs', () => [zlib.gzipSync(new Uint16Array([1, 2, 3])), zlib.gzipSync(new ArrayBuffer(4)), zlib.gzipSync(new DataView(new ArrayBuffer(3)))]);
    await check('truncated', () => zlib.inflateSync(zlib.deflateSync(FIX.text).subarray(0, 50), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString());
    await check('chunkSize', () => zlib.gunzipSync(zlib.gzipSync(FIX.text), { chunkSize: 64 }).length);
    await check('maxOutputLength', () => zlib.inflateSync(zlib.deflateSync(FIX.text), { maxOutputLength: 100 }));
    await check('badData', () => zlib.gunzipSync(Buffer.from('not gzip data')));
    await check('badBrotli', () => zlib.brotliDecompressSync(Buffer.from('not brotli data')));
    await check('needDict', () => zlib.inflateSync(zlib.deflateSync('abc', { dictionary: Buffer.from('abc') })));
    await check('badInput', () => zlib.deflateSync(5));
    await check('badLevel', () => zlib.deflateSync('x', { level: 42 }));
    await check('badWindow', () => zlib.deflateSync('x', { windowBits: 3 }));
    await check('badOptions', () => zlib.gzipSync('x', { chunkSize: 8 }));
  `, { modes: MODES, text: TEXT, dictionary });
  for (const [compress, decompress] of MODES) {
    assert.deepEqual(value(r, compress), bytes(zlib[compress](TEXT)), compress);
    assert.equal(value(r, `${compress}:${decompress}`), TEXT, decompress);
  }
  assert.deepEqual(value(r, 'level'), [0, 1, 9].map((level) => bytes(zlib.deflateSync(TEXT, { level }))));
  assert.deepEqual(value(r, 'windowBits'), bytes(zlib.deflateRawSync(TEXT, { windowBits: 9, memLevel: 1, strategy: zlib.constants.Z_HUFFMAN_ONLY })));
  assert.deepEqual(value(r, 'dictionary'), [bytes(zlib.deflateSync(TEXT, { dictionary: Buffer.from(dictionary) })), TEXT.length]);
  assert.deepEqual(value(r, 'brotliParams'), bytes(zlib.brotliCompressSync(TEXT, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } })));
  assert.deepEqual(value(r, 'inputs'), [bytes(zlib.gzipSync(new Uint16Array([1, 2, 3]))), bytes(zlib.gzipSync(new ArrayBuffer(4))), bytes(zlib.gzipSync(new DataView(new ArrayBuffer(3))))]);
  assert.equal(value(r, 'truncated'), zlib.inflateSync(zlib.deflateSync(TEXT).subarray(0, 50), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString());
  assert.equal(value(r, 'chunkSize'), TEXT.length);
  sameError(r, 'maxOutputLength', () => zlib.inflateSync(zlib.deflateSync(TEXT), { maxOutputLength: 100 }));
  sameError(r, 'badData', () => zlib.gunzipSync(Buffer.from('not gzip data')));
  sameError(r, 'badBrotli', () => zlib.brotliDecompressSync(Buffer.from('not brotli data')));
  sameError(r, 'needDict', () => zlib.inflateSync(zlib.deflateSync('abc', { dictionary: Buffer.from('abc') })));
  sameError(r, 'badInput', () => zlib.deflateSync(5));
  sameError(r, 'badLevel', () => zlib.deflateSync('x', { level: 42 }));
  sameError(r, 'badWindow', () => zlib.deflateSync('x', { windowBits: 3 }));
  sameError(r, 'badOptions', () => zlib.gzipSync('x', { chunkSize: 8 }));
});

test('the callback forms (and promisified ones) deliver results and data errors to the callback', async () => {
  const r = await inWorker(`
    await check('gzip', () => promisify(zlib.gzip)(FIX.text));
    await check('options', () => promisify(zlib.deflate)(FIX.text, { level: 1 }));
    await check('roundTrip', async () => (await promisify(zlib.brotliDecompress)(await promisify(zlib.brotliCompress)(FIX.text))).toString() === FIX.text);
    await check('unzip', async () => (await promisify(zlib.unzip)(zlib.deflateRawSync('raw?'))) );
    await check('dataError', () => new Promise((resolve) => zlib.inflate(Buffer.from('zzzz'), (err, out) => resolve([err.message, err.code, err.errno, out]))));
    await check('async', () => { let sync = true; let during; zlib.gzip('x', () => { during = sync; }); sync = false; return new Promise((resolve) => setTimeout(() => resolve(during), 1)); });
    await check('noCallback', () => zlib.gzip('x'));
    await check('badInput', () => zlib.gzip(5, () => {}));
    await check('badOption', () => zlib.gzip('x', { level: 99 }, () => {}));
  `, { text: TEXT });
  assert.deepEqual(value(r, 'gzip'), bytes(zlib.gzipSync(TEXT)));
  assert.deepEqual(value(r, 'options'), bytes(zlib.deflateSync(TEXT, { level: 1 })));
  assert.equal(value(r, 'roundTrip'), true);
  const unzipFails = (() => { try { zlib.unzipSync(zlib.deflateRawSync('raw?')); return null; } catch (e) { return e; } })();
  assert.equal(unzipFails.code, 'Z_DATA_ERROR');
  assert.equal(r.unzip.error.code, 'Z_DATA_ERROR');
  assert.deepEqual(value(r, 'dataError'), ['incorrect header check', 'Z_DATA_ERROR', -3, null]);
  assert.equal(value(r, 'async'), false, 'the callback runs after the call returns');
  sameError(r, 'noCallback', () => zlib.gzip('x'));
  sameError(r, 'badInput', () => zlib.gzip(5, () => {}));
  sameError(r, 'badOption', () => zlib.gzip('x', { level: 99 }, () => {}));
});

test('the streaming classes are Transform streams: pipe, flush, params, reset, errors', async () => {
  const r = await inWorker(`
    await check('gzipStream', async () => { const g = zlib.createGzip({ level: 6 }); const done = collect(g); g.write(FIX.text.slice(0, 1000)); g.write(Buffer.from(FIX.text.slice(1000))); g.end(); return zlib.gunzipSync(await done).toString() === FIX.text; });
    await check('pipe', async () => { const d = zlib.createDeflate(); const i = zlib.createInflate(); d.pipe(i); const done = collect(i); for (let n = 0; n < 100; n++) d.write('block ' + n + ' '); d.end(); return (await done).toString().split(' ').length; });
    await check('brotliStream', async () => { const c = zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }); const dd = zlib.createBrotliDecompress(); c.pipe(dd); const done = collect(dd); c.end(FIX.text); return (await done).toString() === FIX.text; });
    await check('rawStream', async () => { const c = zlib.createDeflateRaw(); const done = collect(c); c.end(FIX.text); return zlib.inflateRawSync(await done).toString() === FIX.text; });
    await check('unzipStream', async () => { const u = zlib.createUnzip(); const done = collect(u); u.end(zlib.gzipSync('gz')); return (await done).toString(); });
    await check('sameBytes', async () => { const g = zlib.createDeflate({ level: 9 }); const done = collect(g); g.end(FIX.text); return await done; });
    await check('chunkSize', async () => { const i = zlib.createInflate({ chunkSize: 1024 }); const sizes = []; i.on('data', (c) => sizes.push(c.length)); const end = new Promise((resolve) => i.on('end', resolve)); i.end(zlib.deflateSync(FIX.text)); await end; return [Math.max(...sizes), sizes.reduce((a, b) => a + b, 0)]; });
    await check('flush', () => new Promise((resolve) => { const d = zlib.createDeflate(); const out = []; d.on('data', (c) => out.push(c)); d.write('partial'); d.flush(() => resolve(zlib.inflateSync(Buffer.concat(out), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString())); }));
    await check('params', () => new Promise((resolve, reject) => { const d = zlib.createDeflate({ level: 1 }); const done = collect(d); d.write(FIX.text); d.params(9, zlib.constants.Z_DEFAULT_STRATEGY, () => { d.end(FIX.text); done.then((out) => resolve([zlib.inflateSync(out).length, d._level]), reject); }); }));
    await check('paramsRange', () => zlib.createDeflate().params(10, 0, () => {}));
    await check('reset', () => new Promise((resolve) => { const g = zlib.createDeflate(); g.on('data', () => {}); g.write('abc', () => resolve(g.reset())); }));
    await check('resetDuringWrite', () => { const g = zlib.createDeflate(); g.write('abc'); return g.reset(); });
    await check('bytesWritten', async () => { const g = zlib.createGzip(); const done = collect(g); g.end(Buffer.alloc(5000)); await done; return g.bytesWritten; });
    await check('streamError', () => new Promise((resolve) => { const g = zlib.createGunzip(); g.on('error', (e) => resolve([e.message, e.code, e.errno, e instanceof Error])); g.on('data', () => {}); g.end(Buffer.from('definitely not gzip')); }));
    await check('close', () => new Promise((resolve) => { const g = zlib.createGzip(); g.close(() => resolve(g.destroyed)); }));
    await check('classes', () => [new zlib.Gzip() instanceof zlib.Gzip, zlib.Gunzip() instanceof zlib.Gunzip, typeof zlib.createGzip().pipe, typeof zlib.createGzip().on, zlib.createBrotliCompress().params]);
    await check('badOption', () => zlib.createGzip({ level: 20 }));
    await check('badChunk', () => zlib.createInflate({ chunkSize: 1 }));
    await check('asyncIteration', async () => { const g = zlib.createGzip(); g.end('iterate me'); const parts = []; for await (const part of g) parts.push(part); return zlib.gunzipSync(Buffer.concat(parts)).toString(); });
  `, { text: TEXT });
  assert.equal(value(r, 'gzipStream'), true);
  assert.equal(value(r, 'pipe'), 201);
  assert.equal(value(r, 'brotliStream'), true);
  assert.equal(value(r, 'rawStream'), true);
  assert.equal(value(r, 'unzipStream'), 'gz');
  assert.deepEqual(value(r, 'sameBytes'), bytes(zlib.deflateSync(TEXT, { level: 9 })));
  assert.deepEqual(value(r, 'chunkSize'), [1024, TEXT.length]);
  assert.equal(value(r, 'flush'), 'partial');
  assert.deepEqual(value(r, 'params'), [TEXT.length * 2, 9]);
  sameError(r, 'paramsRange', () => zlib.createDeflate().params(10, 0, () => {}));
  assert.equal(value(r, 'reset'), undefined);
  sameError(r, 'resetDuringWrite', () => { const g = zlib.createDeflate(); g.write('abc'); g.reset(); });
  assert.equal(value(r, 'bytesWritten'), 5000);
  assert.deepEqual(value(r, 'streamError'), ['incorrect header check', 'Z_DATA_ERROR', -3, true]);
  assert.equal(value(r, 'close'), true);
  assert.deepEqual(value(r, 'classes'), [true, true, 'function', 'function', null]);
  sameError(r, 'badOption', () => zlib.createGzip({ level: 20 }));
  sameError(r, 'badChunk', () => zlib.createInflate({ chunkSize: 1 }));
  assert.equal(value(r, 'asyncIteration'), 'iterate me');
});

test('crc32, constants, codes and the module surface match Node (less zstd, which Workers lacks)', async () => {
  const r = await inWorker(`
    await check('crc32', () => [zlib.crc32('hello'), zlib.crc32(Buffer.from('world'), zlib.crc32('hello ')), zlib.crc32(new Uint8Array(0)), zlib.crc32('')]);
    await check('crc32Type', () => zlib.crc32(5));
    await check('constants', () => JSON.stringify(zlib.constants));
    await check('codes', () => JSON.stringify(zlib.codes));
    await check('legacy', () => [zlib.Z_NO_FLUSH, zlib.Z_BEST_COMPRESSION, zlib.Z_DEFAULT_CHUNK, Object.keys(zlib).includes('Z_NO_FLUSH')]);
    await check('surface', () => [Object.keys(named).sort(), named.default === zlib, typeof zlib.zstdCompressSync]);
  `);
  assert.deepEqual(value(r, 'crc32'), [zlib.crc32('hello'), zlib.crc32('hello world'), 0, 0]);
  sameError(r, 'crc32Type', () => zlib.crc32(5));
  const withoutZstd = Object.fromEntries(Object.entries(zlib.constants).filter(([name]) => !name.startsWith('ZSTD')));
  assert.deepEqual(JSON.parse(value(r, 'constants')), JSON.parse(JSON.stringify(withoutZstd)));
  assert.deepEqual(JSON.parse(value(r, 'codes')), JSON.parse(JSON.stringify(zlib.codes)));
  assert.deepEqual(value(r, 'legacy'), [0, 9, 16384, false]);
  const [names, sameDefault, zstd] = value(r, 'surface');
  const nodeNames = Object.keys(zlib).filter((name) => !/zstd/i.test(name));
  assert.deepEqual(names, [...nodeNames, 'default'].sort());
  assert.equal(sameDefault, true);
  assert.equal(zstd, 'undefined');
});

test('decompression output is bounded by the worker\'s memory limit, for the sync and streaming forms', async () => {
  const bomb = zlib.gzipSync(Buffer.alloc(40 * 1024 * 1024)).toString('base64');
  const r = await inWorker(`
    const bomb = Buffer.from(FIX.bomb, 'base64');
    await check('sync', () => zlib.gunzipSync(bomb).length);
    await check('callback', () => new Promise((resolve) => zlib.gunzip(bomb, (err) => resolve([err?.code, err?.constructor.name]))));
    await check('stream', () => new Promise((resolve) => { const g = zlib.createGunzip(); g.on('error', (e) => resolve([e.code, e.constructor.name])); g.on('data', () => {}); g.end(bomb); }));
  `, { bomb }, { limits: { memoryMb: 16 } });
  const e = r.sync.error;
  assert.equal(e.code, 'ERR_BUFFER_TOO_LARGE');
  assert.equal(e.ctor, 'RangeError');
  assert.deepEqual(value(r, 'callback'), ['ERR_BUFFER_TOO_LARGE', 'RangeError']);
  assert.deepEqual(value(r, 'stream'), ['ERR_BUFFER_TOO_LARGE', 'RangeError']);
});

test('zlib results and errors are the isolate\'s own objects', async () => {
  const r = await inWorker(`
    const probe = (v) => v.constructor.constructor !== Function;
    await check('buffer', () => { const out = zlib.gzipSync('x'); return [Object.getPrototypeOf(out) === Buffer.prototype, probe(out), out.buffer.byteLength === out.length]; });
    await check('error', () => { try { zlib.inflateSync(Buffer.from('bad')); } catch (e) { return [e.constructor === Error, probe(e)]; } });
  `);
  assert.deepEqual(value(r, 'buffer'), [true, false, true]);
  assert.deepEqual(value(r, 'error'), [true, false]);
});
