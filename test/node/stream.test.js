// node:stream (and stream/promises, stream/web, stream/consumers): Node's stream classes and
// utilities in a worker, and the adapters to and from the Web streams the runtime speaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNodeChecks, value, error, bundleProject } from './node-checks.js';
import { startWorker } from '../helpers/worker.js';

const IMPORTS = `
import stream, { Readable, Writable, Duplex, Transform, PassThrough, pipeline, finished, Stream, addAbortSignal, compose, duplexPair, isReadable, getDefaultHighWaterMark } from 'node:stream';
import bare from 'stream';
import { pipeline as pipelineP, finished as finishedP } from 'node:stream/promises';
import * as web from 'node:stream/web';
import { text, json, buffer, arrayBuffer, blob } from 'node:stream/consumers';
import { EventEmitter } from 'node:events';
`;

test('the module: Stream with the classes on it, the same from node:stream and stream', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('module', () => [typeof stream, stream === Stream, bare === stream, stream.Readable === Readable, stream.promises.pipeline === pipelineP, typeof stream.finished, typeof compose, typeof addAbortSignal, getDefaultHighWaterMark(false), getDefaultHighWaterMark(true)]);
      await check('hierarchy', () => [new Readable() instanceof Stream, new Readable() instanceof EventEmitter, new Transform() instanceof Duplex, new PassThrough() instanceof Transform, new Duplex() instanceof Readable]);
      await check('web', () => [web.ReadableStream === ReadableStream, web.WritableStream === WritableStream, web.TransformStream === TransformStream, web.TextEncoderStream === TextEncoderStream, web.CompressionStream === CompressionStream, typeof web.ByteLengthQueuingStrategy, web.default.ReadableStream === ReadableStream]);
    `,
  });
  assert.deepEqual(value(results, 'module'), ['function', true, true, true, true, 'function', 'function', 'function', 65536, 16]);
  assert.deepEqual(value(results, 'hierarchy'), [true, true, true, true, true]);
  assert.deepEqual(value(results, 'web'), [true, true, true, true, true, 'function', true]);
});

test('Readable, Writable, Transform and pipeline move data with backpressure and report errors', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('pipeline', async () => {
        const out = [];
        const upper = new Transform({ transform(chunk, enc, cb) { cb(null, chunk.toString().toUpperCase()); } });
        const sink = new Writable({ write(chunk, enc, cb) { out.push(chunk.toString()); cb(); } });
        await pipelineP(Readable.from(['a', 'b', 'c']), upper, sink);
        return out;
      });
      await check('pipelineCallback', async () => new Promise((resolve) => {
        const source = new Readable({ read() { this.destroy(new Error('source failed')); } });
        pipeline(source, new PassThrough(), new Writable({ write(c, e, cb) { cb(); } }), (err) => resolve([err?.message, source.destroyed]));
      }));
      await check('asyncGenerators', async () => {
        const seen = [];
        await pipelineP(async function* () { yield 'x'; yield 'y'; }, async function* (src) { for await (const c of src) yield c + '!'; }, async function (src) { for await (const c of src) seen.push(String(c)); });
        return seen;
      });
      await check('backpressure', async () => {
        let reads = 0;
        const r = new Readable({ highWaterMark: 4, read() { reads++; this.push(Buffer.alloc(2)); if (reads === 10) this.push(null); } });
        const w = new Writable({ highWaterMark: 2, write(c, e, cb) { setTimeout(cb, 1); } });
        const writeResult = w.write(Buffer.alloc(4));
        await pipelineP(r, w);
        return [writeResult, reads, w.writableFinished];
      });
      await check('objectMode', async () => {
        const r = new Readable({ objectMode: true, read() {} });
        r.push({ id: 1 }); r.push({ id: 2 }); r.push(null);
        return [await r.toArray(), await Readable.from([1, 2, 3, 4]).filter((x) => x % 2 === 0).map((x) => x * 10).toArray()];
      });
      await check('events', async () => {
        const log = [];
        const r = new Readable({ read() {} });
        r.on('data', (c) => log.push('data ' + c));
        r.on('end', () => log.push('end'));
        r.on('close', () => log.push('close'));
        r.push('1'); r.push('2'); r.push(null);
        await new Promise((res) => finished(r, res));
        await new Promise((res) => setTimeout(res, 1));
        return log;
      });
      await check('encoding', async () => { const r = Readable.from([Buffer.from([0xe2, 0x82]), Buffer.from([0xac, 0x41])]); r.setEncoding('utf8'); let s = ''; for await (const c of r) s += c; return s; });
      await check('writeAfterEnd', async () => { const w = new Writable({ write(c, e, cb) { cb(); } }); w.end(); return new Promise((resolve) => w.write('x', (err) => resolve([err.code, err.message]))); });
      await check('destroyed', async () => { const r = new Readable({ read() {} }); const p = finishedP(r); r.destroy(new Error('gone')); try { await p; } catch (e) { return [e.message, r.destroyed, isReadable(r)]; } });
      await check('abortSignal', async () => { const ac = new AbortController(); const r = addAbortSignal(ac.signal, new Readable({ read() {} })); ac.abort(); try { for await (const c of r) {} } catch (e) { return e.name; } });
      await check('duplexPair', async () => { const [a, b] = duplexPair(); a.write('ping'); const [chunk] = await new Promise((r) => b.once('data', (...args) => r(args))); return String(chunk); });
      await check('compose', async () => { const s = compose(new Transform({ transform(c, e, cb) { cb(null, c + 'a'); } }), new Transform({ transform(c, e, cb) { cb(null, c + 'b'); } })); s.end('x'); return String((await s.toArray())[0]); });
    `,
  });
  assert.deepEqual(value(results, 'pipeline'), ['A', 'B', 'C']);
  assert.deepEqual(value(results, 'pipelineCallback'), ['source failed', true]);
  assert.deepEqual(value(results, 'asyncGenerators'), ['x!', 'y!']);
  assert.deepEqual(value(results, 'backpressure'), [false, 10, true]);
  assert.deepEqual(value(results, 'objectMode'), [[{ id: 1 }, { id: 2 }], [20, 40]]);
  assert.deepEqual(value(results, 'events'), ['data 1', 'data 2', 'end', 'close']);
  assert.equal(value(results, 'encoding'), '€A');
  assert.deepEqual(value(results, 'writeAfterEnd'), ['ERR_STREAM_WRITE_AFTER_END', 'write after end']);
  assert.deepEqual(value(results, 'destroyed'), ['gone', true, false]);
  assert.equal(value(results, 'abortSignal'), 'AbortError');
  assert.equal(value(results, 'duplexPair'), 'ping');
  assert.equal(value(results, 'compose'), 'xab');
});

test('toWeb/fromWeb connect Node streams with Web streams, Responses and request bodies', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('readableToWeb', async () => {
        const bytes = new Readable({ read() {} });
        bytes.push(Buffer.from('ab')); bytes.push(Buffer.from('cd')); bytes.push(null);
        const rs = Readable.toWeb(bytes);
        const parts = [];
        for await (const c of rs) parts.push([c.constructor.name, new TextDecoder().decode(c)]);
        const objects = [];
        for await (const c of Readable.toWeb(Readable.from([{ n: 1 }, 'two']))) objects.push(c);
        return [rs instanceof ReadableStream, [...new Set(parts.map(([type]) => type))], parts.map(([, t]) => t).join(''), objects];
      });
      await check('readableToResponse', async () => new Response(Readable.toWeb(Readable.from([Buffer.from('streamed '), Buffer.from('body')]))).text());
      await check('readableFromWeb', async () => { const r = Readable.fromWeb(new Response('from a response').body); return [r instanceof Readable, await text(r)]; });
      await check('readableFromWebObjects', async () => Readable.fromWeb(new ReadableStream({ start(c) { c.enqueue({ a: 1 }); c.close(); } }), { objectMode: true }).toArray());
      await check('readableFromRequestBody', async () => text(Readable.fromWeb(request.body)));
      await check('writableToWeb', async () => { const parts = []; const ws = Writable.toWeb(new Writable({ write(c, e, cb) { parts.push(c.toString()); cb(); } })); await new Response('web to node').body.pipeTo(ws); return parts.join(''); });
      await check('writableFromWeb', async () => { const chunks = []; const w = Writable.fromWeb(new WritableStream({ write(c) { chunks.push(new TextDecoder().decode(c)); } })); w.write('x'); w.end('y'); await finishedP(w); return chunks; });
      await check('duplexFromWeb', async () => { const d = Duplex.fromWeb(new TextEncoderStream(), { encoding: 'utf8', decodeStrings: false }); d.end('hé'); const parts = []; for await (const c of d) parts.push(c); return parts.join(''); });
      await check('duplexToWeb', async () => { const { readable, writable } = Duplex.toWeb(new PassThrough()); const w = writable.getWriter(); w.write(new TextEncoder().encode('round')); w.close(); return new Response(readable).text(); });
    `,
    init: { method: 'POST', body: 'posted body' },
  });
  assert.deepEqual(value(results, 'readableToWeb'), [true, ['Uint8Array'], 'abcd', [{ n: 1 }, 'two']]);
  assert.equal(value(results, 'readableToResponse'), 'streamed body');
  assert.deepEqual(value(results, 'readableFromWeb'), [true, 'from a response']);
  assert.deepEqual(value(results, 'readableFromWebObjects'), [{ a: 1 }]);
  assert.equal(value(results, 'readableFromRequestBody'), 'posted body');
  assert.equal(value(results, 'writableToWeb'), 'web to node');
  assert.deepEqual(value(results, 'writableFromWeb'), ['x', 'y']);
  assert.equal(value(results, 'duplexFromWeb'), 'hé');
  assert.equal(value(results, 'duplexToWeb'), 'round');
});

test('stream/consumers read Node streams, Web streams and async iterables whole', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('consumers', async () => [
        await text(Readable.from(['a', 'b'])),
        await json(Readable.from(['{"x":', '[1,2]}'])),
        Array.from(await buffer(Readable.from([Buffer.from([1]), Buffer.from([2, 3])]))),
        (await arrayBuffer(new Response('abc').body)).byteLength,
        (await blob(Readable.from([Buffer.from('blob')]))).size,
        await text((async function* () { yield new TextEncoder().encode('€'.slice(0)); yield 'x'; })()),
        Buffer.isBuffer(await buffer(new Response('q').body)),
      ]);
      await check('badJson', async () => json(Readable.from(['{'])));
    `,
  });
  assert.deepEqual(value(results, 'consumers'), ['ab', { x: [1, 2] }, [1, 2, 3], 3, 4, '€x', true]);
  assert.equal(error(results, 'badJson').ctor, 'SyntaxError');
});

test('a worker answers with a Node stream turned into a Web stream; bundled CommonJS requires stream', async () => {
  const bundle = await bundleProject({
    'src/lib.cjs': `const { Readable, Transform } = require('stream');\nconst Stream = require('node:stream');\nconst { promisify } = require('util');\nmodule.exports = { same: Stream.Readable === Readable && typeof promisify(Stream.finished) === 'function', make() { return Readable.from(['one ', 'two ', 'three']).pipe(new Transform({ transform(c, e, cb) { cb(null, String(c).toUpperCase()); } })); }, Readable };\n`,
    'src/index.js': `import lib from './lib.cjs';\nexport default { fetch(request) { if (new URL(request.url).pathname === '/same') return Response.json(lib.same); return new Response(lib.Readable.toWeb(lib.make())); } };\n`,
  });
  const w = await startWorker(bundle);
  try {
    assert.equal(await (await w.fetch('/same')).json(), true);
    const res = await w.fetch('/');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ONE TWO THREE');
  } finally {
    await w.dispose();
  }
});
