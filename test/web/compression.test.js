// CompressionStream and DecompressionStream: zlib on the host, streams in the isolate.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { IsolateHost } from '../../src/runtime/isolate-host.js';
import { DEFAULT_LIMITS } from '../../src/runtime/worker.js';
import { moduleBundle, startWorker } from '../helpers/worker.js';
import { runChecks, value, assertTypeError } from './run-checks.js';

const FORMATS = {
  gzip: { compress: zlib.gzipSync, decompress: zlib.gunzipSync },
  deflate: { compress: zlib.deflateSync, decompress: zlib.inflateSync },
  'deflate-raw': { compress: zlib.deflateRawSync, decompress: zlib.inflateRawSync },
};

const bytesLiteral = (buffer) => `new Uint8Array(${JSON.stringify([...buffer])})`;

// Pseudo-random bytes: they do not compress, so every chunk produces output.
function noise(length, seed = 1) {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

let results;
before(async () => {
  const gzipA = zlib.gzipSync('a');
  const deflateA = zlib.deflateSync('a');
  ({ results } = await runChecks(`
    const collect = async (readable) => new Uint8Array(await new Response(readable).arrayBuffer());
    const through = (chunks, transform) => {
      const writer = transform.writable.getWriter();
      for (const chunk of chunks) writer.write(chunk).catch(() => {});
      writer.close().catch(() => {});
      return collect(transform.readable);
    };
    const text = 'héllo wörld, ☃ and 😀 '.repeat(200);
    for (const format of ['gzip', 'deflate', 'deflate-raw']) {
      await check('roundTrip ' + format, async () => {
        const input = new TextEncoder().encode(text);
        const compressed = await through([input.subarray(0, 100), input.subarray(100)], new CompressionStream(format));
        const parts = [];
        for (let i = 0; i < compressed.length; i += 7) parts.push(compressed.subarray(i, i + 7));
        const output = await through(parts, new DecompressionStream(format));
        return [compressed.length < input.length, new TextDecoder().decode(output) === text];
      });
    }
    await check('bufferSources', async () => {
      const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
      const compressed = await through([data.buffer, new DataView(data.buffer, 2, 2), new Uint16Array(data.buffer, 4, 2), new Uint8Array(0)], new CompressionStream('deflate'));
      return [...await through([compressed], new DecompressionStream('deflate'))];
    });
    await check('empty', async () => {
      const compressed = await through([], new CompressionStream('gzip'));
      return [compressed.length > 0, (await through([compressed], new DecompressionStream('gzip'))).length];
    });
    await check('badFormat', () => new CompressionStream('br'));
    await check('badFormatDecompress', () => new DecompressionStream('GZIP'));
    await check('noFormat', () => new DecompressionStream());
    await check('notBytes', () => through(['text'], new CompressionStream('gzip')));
    await check('shape', () => {
      const c = new CompressionStream('gzip');
      return [c instanceof TransformStream, c.readable instanceof ReadableStream, c.writable instanceof WritableStream, CompressionStream.name, DecompressionStream.name];
    });
    await check('garbage', () => through([new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])], new DecompressionStream('gzip')));
    await check('truncated', () => through([${bytesLiteral(gzipA.subarray(0, gzipA.length - 3))}], new DecompressionStream('gzip')));
    await check('badChecksum', () => { const b = ${bytesLiteral(gzipA)}; b[b.length - 6] ^= 1; return through([b], new DecompressionStream('gzip')); });
    await check('trailingJunk', () => through([${bytesLiteral(Buffer.concat([gzipA, Buffer.from([1, 2])]))}], new DecompressionStream('gzip')));
    await check('trailingZero', () => through([${bytesLiteral(Buffer.concat([gzipA, Buffer.from([0])]))}], new DecompressionStream('gzip')));
    await check('trailingJunkNextChunk', () => through([${bytesLiteral(gzipA)}, new Uint8Array([0])], new DecompressionStream('gzip')));
    await check('secondMember', () => through([${bytesLiteral(gzipA)}, ${bytesLiteral(gzipA)}], new DecompressionStream('gzip')));
    await check('deflateTrailing', () => through([${bytesLiteral(deflateA)}, new Uint8Array([7])], new DecompressionStream('deflate')));
    await check('wrongFormat', () => through([${bytesLiteral(gzipA)}], new DecompressionStream('deflate')));
    await check('partialOutputThenError', async () => {
      const out = [];
      const ds = new DecompressionStream('gzip');
      const writer = ds.writable.getWriter();
      const good = ${bytesLiteral(zlib.gzipSync('x'.repeat(1000)))};
      writer.write(good).catch(() => {});
      writer.write(new Uint8Array([9, 9, 9])).catch(() => {});
      const reader = ds.readable.getReader();
      try {
        for (;;) { const { done, value } = await reader.read(); if (done) break; out.push(value.length); }
      } catch (e) {
        return [out.reduce((a, b) => a + b, 0), e.constructor.name, e.message];
      }
      return 'no error';
    });
    await check('trailingInSameChunk', async () => {
      const ds = new DecompressionStream('deflate');
      ds.writable.getWriter().write(${bytesLiteral(Buffer.concat([zlib.deflateSync('x'.repeat(1000)), Buffer.from([0])]))}).catch(() => {});
      const reader = ds.readable.getReader();
      const first = await reader.read();
      const second = await reader.read().then(() => 'no error', (e) => [e.constructor.name, e.message]);
      return [first.value.length, second];
    });
    await check('sharedChunk', () => {
      const shared = new Uint8Array(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer, 0, 4);
      return through([shared], new CompressionStream('gzip'));
    });
    await check('backpressure', async () => {
      // Reading the first output chunk must not drain the source: the pipes only pull what they need.
      let produced = 0;
      let x = 7;
      const source = new ReadableStream({
        pull(controller) {
          if (produced === 200) return controller.close();
          const chunk = new Uint8Array(16384);
          for (let i = 0; i < chunk.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; chunk[i] = x >>> 24; }
          produced++;
          controller.enqueue(chunk);
        },
      }, { highWaterMark: 0 });
      const reader = source.pipeThrough(new CompressionStream('gzip')).pipeThrough(new DecompressionStream('gzip')).getReader();
      let first = 0;
      while (first === 0) first = (await reader.read()).value.length;
      const early = produced;
      let total = first;
      for (;;) { const { done, value } = await reader.read(); if (done) break; total += value.length; }
      return [early, produced, total];
    });
  `));
});

test('each format round-trips inside the worker, whatever the chunking', () => {
  for (const format of Object.keys(FORMATS)) assert.deepEqual(value(results, `roundTrip ${format}`), [true, true], format);
  assert.deepEqual(value(results, 'bufferSources'), [1, 2, 3, 4, 5, 6, 7, 8, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(value(results, 'empty'), [true, 0]);
});

test('only gzip, deflate and deflate-raw are accepted', () => {
  const message = "The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.";
  assertTypeError(results, 'badFormat', message);
  assertTypeError(results, 'badFormatDecompress', message);
  assertTypeError(results, 'noFormat', message);
  assert.deepEqual(value(results, 'shape'), [true, true, true, 'CompressionStream', 'DecompressionStream']);
});

test('writing something other than bytes errors the stream', () => {
  assertTypeError(results, 'notBytes');
  // A view of shared memory is not a BufferSource.
  assertTypeError(results, 'sharedChunk');
});

test('corrupt, truncated and over-long input errors the stream with a TypeError (strict_compression_checks)', () => {
  assertTypeError(results, 'garbage', 'Decompression failed.');
  assertTypeError(results, 'badChecksum', 'Decompression failed.');
  assertTypeError(results, 'wrongFormat', 'Decompression failed.');
  assertTypeError(results, 'truncated', 'Called close() on a decompression stream with incomplete data');
  for (const name of ['trailingJunk', 'trailingZero', 'trailingJunkNextChunk', 'secondMember', 'deflateTrailing']) {
    assertTypeError(results, name, 'Trailing bytes after end of compressed data');
  }
  assert.deepEqual(value(results, 'partialOutputThenError'), [1000, 'TypeError', 'Trailing bytes after end of compressed data']);
  // Output before trailing bytes in the same chunk is still read before the stream fails.
  assert.deepEqual(value(results, 'trailingInSameChunk'), [1000, ['TypeError', 'Trailing bytes after end of compressed data']]);
});

test('piped streams apply backpressure instead of draining their source', () => {
  const [early, produced, total] = value(results, 'backpressure');
  assert.ok(early <= 5, `the source produced ${early} chunks before the first output`);
  assert.equal(produced, 200);
  assert.equal(total, 200 * 16384);
});

test('data compressed by Node is decompressed in the worker, and the other way round', async () => {
  const w = await startWorker(`export default { async fetch(request) {
    const [, op, format] = new URL(request.url).pathname.split('/');
    const Stream = op === 'compress' ? CompressionStream : DecompressionStream;
    return new Response(request.body.pipeThrough(new Stream(format)));
  } };`);
  try {
    const input = Buffer.concat([Buffer.from('ünïcödé '.repeat(5000)), noise(100_000)]);
    for (const [format, { compress, decompress }] of Object.entries(FORMATS)) {
      const res = await w.fetch(`/decompress/${format}`, { method: 'POST', body: compress(input) });
      assert.equal(res.status, 200);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(input), `decompress ${format}`);

      const compressed = Buffer.from(await (await w.fetch(`/compress/${format}`, { method: 'POST', body: input })).arrayBuffer());
      assert.ok(compressed.length < input.length);
      assert.ok(decompress(compressed).equals(input), `compress ${format}`);
    }
  } finally {
    await w.dispose();
  }
});

test('a large body piped through CompressionStream then DecompressionStream comes back byte-identical', async () => {
  const w = await startWorker(`export default { fetch(request) {
    return new Response(request.body.pipeThrough(new CompressionStream('gzip')).pipeThrough(new DecompressionStream('gzip')));
  } };`);
  try {
    const input = Buffer.concat([noise(6 * 1024 * 1024, 3), Buffer.alloc(2 * 1024 * 1024, 'a')]);
    const res = await w.fetch('/', { method: 'POST', body: input });
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(input));
  } finally {
    await w.dispose();
  }
});

// The host's handle table, seen from the IsolateHost itself.
test('host handles are released when streams finish, fail or are cancelled, and with their event', async () => {
  const source = `export default { async fetch(request) {
    const path = new URL(request.url).pathname;
    const run = (chunks, stream) => { const w = stream.writable.getWriter(); for (const c of chunks) w.write(c).catch(() => {}); w.close().catch(() => {}); return new Response(stream.readable).arrayBuffer().catch(() => null); };
    if (path === '/finish') await run([new Uint8Array(100)], new CompressionStream('gzip'));
    if (path === '/fail') await run([new Uint8Array(100)], new DecompressionStream('gzip'));
    if (path === '/bad-chunk') await run([42], new CompressionStream('gzip'));
    if (path === '/cancel') { const s = new CompressionStream('deflate'); s.writable.getWriter().write(new Uint8Array(10)).catch(() => {}); await s.readable.cancel('no'); }
    if (path === '/digest') { const d = new crypto.DigestStream('SHA-1'); const w = d.getWriter(); await w.write(new Uint8Array(1)); await w.close(); await d.digest; }
    if (path === '/digest-abort') { const d = new crypto.DigestStream('MD5'); await d.abort('stop'); await d.digest.catch(() => {}); }
    if (path === '/leave') { globalThis.kept = [new CompressionStream('gzip'), new DecompressionStream('deflate-raw'), new crypto.DigestStream('SHA-256')]; }
    return new Response('ok');
  } };`;
  const errors = [];
  const bundle = moduleBundle(source);
  const host = new IsolateHost(
    { name: 'handles', bundle, env: { vars: {}, secrets: {} }, limits: DEFAULT_LIMITS },
    { log() {}, error: (err) => errors.push(err) },
  );
  host.start();
  const open = () => host.streamHandles?.size ?? 0;
  try {
    for (const path of ['/finish', '/fail', '/bad-chunk', '/cancel', '/digest', '/digest-abort']) {
      const res = await host.fetch({ method: 'GET', url: `http://localhost${path}`, headers: [], cf: {}, body: null });
      assert.equal(res.status, 200);
      await res.invocation.settled.promise;
      assert.equal(open(), 0, path);
    }
    // Streams the worker keeps but abandons are closed when the event that made them ends.
    const left = await host.fetch({ method: 'GET', url: 'http://localhost/leave', headers: [], cf: {}, body: null });
    await left.invocation.settled.promise;
    assert.equal(open(), 0);
  } finally {
    host.dispose();
  }
  assert.equal(open(), 0);
  assert.deepEqual(errors, []);
});

test('a decompression bomb fails the stream instead of exhausting the host', async () => {
  // 1 GiB of zeros compresses to about 1 MiB.
  const bomb = zlib.gzipSync(Buffer.alloc(1024 * 1024 * 1024), { level: 9 });
  const w = await startWorker(`export default { async fetch(request) {
    let total = 0;
    const compressed = await request.arrayBuffer();
    try {
      for await (const chunk of new Response(compressed).body.pipeThrough(new DecompressionStream('gzip'))) total += chunk.byteLength;
      return new Response('decompressed ' + total);
    } catch (e) {
      return new Response(e.name + ': ' + e.message);
    }
  } };`);
  try {
    const before = process.memoryUsage.rss();
    const text = await (await w.fetch('/', { method: 'POST', body: bomb })).text();
    assert.equal(text, 'TypeError: Decompressed data exceeds the memory limit.');
    assert.ok(process.memoryUsage.rss() - before < 512 * 1024 * 1024);
  } finally {
    await w.dispose();
  }
});
