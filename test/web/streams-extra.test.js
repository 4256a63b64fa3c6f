// TextEncoderStream, TextDecoderStream, IdentityTransformStream, FixedLengthStream and
// crypto.DigestStream.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startWorker } from '../helpers/worker.js';
import { runChecks, value, error, assertTypeError, assertDOMException } from './run-checks.js';

let results;
before(async () => {
  ({ results } = await runChecks(`
    const bytes = (...b) => new Uint8Array(b);
    const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
    // Writes chunks into a transform and collects what its readable side produces, chunk by chunk.
    const run = async (transform, chunks) => {
      const writer = transform.writable.getWriter();
      const written = (async () => { for (const c of chunks) await writer.write(c); await writer.close(); })();
      written.catch(() => {});
      const out = [];
      for await (const chunk of transform.readable) out.push(chunk);
      await written;
      return out;
    };
    const codePoints = (s) => [...s].map((c) => c.codePointAt(0).toString(16));

    // --- TextEncoderStream ---
    await check('encodeSplitPair', async () => (await run(new TextEncoderStream(), ['a\\ud83d', '\\ude00b', '', 'é'])).map((c) => [...c]));
    await check('encodeLoneLeads', async () => (await run(new TextEncoderStream(), ['\\ud83d', 'x', '\\ud83d'])).map((c) => [...c]));
    await check('encodeLeadAcrossEmpty', async () => (await run(new TextEncoderStream(), ['\\ud83d', '', '\\ude00'])).map((c) => [...c]));
    await check('encodeConverts', async () => (await run(new TextEncoderStream(), [42, { toString: () => '€' }])).map((c) => [c.constructor.name, ...c]));
    await check('encodeSymbol', () => run(new TextEncoderStream(), [Symbol('x')]));
    await check('encoderShape', () => { const s = new TextEncoderStream(); return [s.encoding, s instanceof TransformStream, TextEncoderStream.name]; });

    // --- TextDecoderStream ---
    await check('decodeSplit', async () => run(new TextDecoderStream(), [bytes(0x61, 0xe2), bytes(0x82), bytes(0xac, 0xf0), bytes(0x9f, 0x98), bytes(0x80)]));
    await check('decodeBom', async () => [
      (await run(new TextDecoderStream(), [bytes(0xef, 0xbb), bytes(0xbf, 0x61)])).join(''),
      codePoints((await run(new TextDecoderStream('utf-8', { ignoreBOM: true }), [bytes(0xef, 0xbb, 0xbf, 0x61)])).join('')),
    ]);
    await check('decodeTruncated', async () => (await run(new TextDecoderStream(), [bytes(0x61, 0xe2, 0x82)])).map(codePoints));
    await check('decodeFatal', () => run(new TextDecoderStream('utf-8', { fatal: true }), [bytes(0x61), bytes(0xff)]));
    await check('decodeFatalTruncated', () => run(new TextDecoderStream('utf-8', { fatal: true }), [bytes(0xe2, 0x82)]));
    await check('decodeUtf16', async () => run(new TextDecoderStream('utf-16le'), [bytes(0x61), bytes(0x00, 0x3d, 0xd8), bytes(0x00), bytes(0xde)]));
    await check('decodeNotBytes', () => run(new TextDecoderStream(), ['text']));
    await check('decodeBadLabel', () => new TextDecoderStream('nope'));
    await check('decoderShape', () => {
      const s = new TextDecoderStream('UTF-16', { fatal: true });
      return [s.encoding, s.fatal, s.ignoreBOM, s instanceof TransformStream, TextDecoderStream.name];
    });
    await check('textPipeline', async () => {
      const source = new ReadableStream({ start(c) { for (const b of [0xc3, 0xa9, 0x74, 0xc3, 0xa9, 0x20, 0xe2, 0x98, 0x83]) c.enqueue(bytes(b)); c.close(); } });
      const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } });
      return [...new Uint8Array(await new Response(source.pipeThrough(new TextDecoderStream()).pipeThrough(upper).pipeThrough(new TextEncoderStream())).arrayBuffer())];
    });

    // --- IdentityTransformStream ---
    await check('identityTypes', async () => {
      const buffer = bytes(1, 2, 3, 4).buffer;
      return (await run(new IdentityTransformStream(), [buffer, new DataView(buffer, 1, 2), new Uint16Array(buffer, 2, 1), new Uint8Array(0)])).map((c) => [c.constructor.name, ...c]);
    });
    await check('identityCopies', async () => {
      const s = new IdentityTransformStream();
      const data = bytes(1, 2, 3);
      const writer = s.writable.getWriter();
      const reader = s.readable.getReader();
      const read = reader.read();
      await writer.write(data);
      data[0] = 9;
      return [...(await read).value];
    });
    await check('identityNotBytes', async () => {
      const s = new IdentityTransformStream();
      const writer = s.writable.getWriter();
      const write = writer.write('text').then(() => 'written', (e) => [e.constructor.name, e.message]);
      const read = s.readable.getReader().read().then(() => 'read', (e) => e.constructor.name);
      return [await write, await read];
    });
    await check('identityRendezvous', async () => {
      const s = new IdentityTransformStream();
      const order = [];
      const writer = s.writable.getWriter();
      const reader = s.readable.getReader();
      const write = writer.write(bytes(1, 2)).then(() => order.push('written'));
      await Promise.resolve();
      await Promise.resolve();
      order.push('reading');
      const { value } = await reader.read();
      await write;
      return [order, [...value]];
    });
    await check('identityByob', async () => {
      const s = new IdentityTransformStream();
      const writer = s.writable.getWriter();
      (async () => { await writer.write(bytes(1, 2, 3, 4, 5)); await writer.close(); })();
      const reader = s.readable.getReader({ mode: 'byob' });
      const parts = [];
      for (;;) {
        const { done, value } = await reader.read(new Uint8Array(2));
        if (done) break;
        parts.push([...value]);
      }
      return parts;
    });
    await check('identityCancel', async () => {
      const s = new IdentityTransformStream();
      const writer = s.writable.getWriter();
      const write = writer.write(bytes(1)).catch((e) => 'rejected ' + e);
      await s.readable.cancel('gone');
      return [await write, await writer.closed.catch((e) => 'closed ' + e)];
    });
    await check('identityAbort', async () => {
      const s = new IdentityTransformStream();
      const reader = s.readable.getReader();
      const read = reader.read().catch((e) => 'rejected ' + e);
      await s.writable.abort('stop');
      return await read;
    });
    await check('identityAsBody', async () => {
      const { readable, writable } = new IdentityTransformStream();
      const writer = writable.getWriter();
      (async () => { for (const w of ['one ', 'two ', 'three']) await writer.write(new TextEncoder().encode(w)); await writer.close(); })();
      return new Response(readable).text();
    });
    await check('identityPipe', async () => {
      const source = new ReadableStream({ start(c) { for (let i = 0; i < 50; i++) c.enqueue(new Uint8Array(1000).fill(i)); c.close(); } });
      const out = new Uint8Array(await new Response(source.pipeThrough(new IdentityTransformStream({ highWaterMark: 4096 }))).arrayBuffer());
      return [out.length, out[0], out[49999]];
    });
    await check('identityShape', () => {
      const s = new IdentityTransformStream();
      return [s instanceof TransformStream, s.readable instanceof ReadableStream, s.writable instanceof WritableStream, s.readable === s.readable, IdentityTransformStream.name];
    });

    // --- FixedLengthStream ---
    await check('fixedExact', async () => (await run(new FixedLengthStream(5), [bytes(1, 2), bytes(3, 4, 5)])).map((c) => [...c]));
    await check('fixedBigInt', async () => (await run(new FixedLengthStream(2n), [bytes(1, 2)])).length);
    await check('fixedEmpty', async () => (await run(new FixedLengthStream(0), [])).length);
    await check('fixedTooMany', async () => {
      const s = new FixedLengthStream(3);
      const writer = s.writable.getWriter();
      const reader = s.readable.getReader();
      const first = reader.read();
      await writer.write(bytes(1, 2));
      const second = await writer.write(bytes(3, 4)).then(() => 'written', (e) => [e.constructor.name, e.message]);
      const read = await reader.read().then(() => 'read', (e) => [e.constructor.name, e.message]);
      return [[...(await first).value], second, read];
    });
    await check('fixedTooFew', async () => {
      const s = new FixedLengthStream(3);
      const writer = s.writable.getWriter();
      const reader = s.readable.getReader();
      const first = reader.read();
      await writer.write(bytes(1, 2));
      const closed = await writer.close().then(() => 'closed', (e) => [e.constructor.name, e.message]);
      const read = await reader.read().then(() => 'read', (e) => [e.constructor.name, e.message]);
      return [[...(await first).value], closed, read];
    });
    await check('fixedTooFewBody', () => {
      const { readable, writable } = new FixedLengthStream(10);
      const writer = writable.getWriter();
      writer.write(bytes(1)).catch(() => {});
      writer.close().catch(() => {});
      return new Response(readable).arrayBuffer();
    });
    for (const bad of ['-1', '1.5', '2 ** 53', 'NaN', "'x'", '-1n']) {
      await check('fixedBad ' + bad, () => new FixedLengthStream(eval(bad)));
    }
    await check('fixedShape', () => { const s = new FixedLengthStream(1); return [s instanceof IdentityTransformStream, s instanceof TransformStream, FixedLengthStream.name]; });

    // --- crypto.DigestStream ---
    const digestOf = async (algorithm, chunks) => {
      const stream = new crypto.DigestStream(algorithm);
      const writer = stream.getWriter();
      for (const c of chunks) await writer.write(c);
      await writer.close();
      const digest = await stream.digest;
      return [digest instanceof ArrayBuffer, hex(digest), stream.bytesWritten];
    };
    for (const algorithm of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'MD5']) {
      await check('digest ' + algorithm, () => digestOf(algorithm, [new TextEncoder().encode('a'), bytes(0x62).buffer, 'c']));
    }
    await check('digestEmpty', () => digestOf({ name: 'sha-256' }, []));
    await check('digestViews', async () => {
      const buffer = new TextEncoder().encode('xxabcxx').buffer;
      return (await digestOf('md5', [new DataView(buffer, 2, 1), new Uint8Array(buffer, 3, 2)]))[1];
    });
    await check('digestUnknown', () => new crypto.DigestStream('SHA-3'));
    await check('digestNotBytes', async () => {
      const stream = new crypto.DigestStream('SHA-256');
      const writer = stream.getWriter();
      const write = await writer.write(42).then(() => 'written', (e) => [e.constructor.name, e.message]);
      const digest = await stream.digest.then(() => 'digest', (e) => e.constructor.name);
      return [write, digest];
    });
    await check('digestAbort', async () => {
      const stream = new crypto.DigestStream('SHA-256');
      await stream.abort('stopped');
      return stream.digest.then(() => 'resolved', (e) => e);
    });
    await check('digestShape', () => {
      const stream = new crypto.DigestStream('SHA-1');
      return [stream instanceof WritableStream, crypto.DigestStream.name, stream.digest === stream.digest, stream.bytesWritten];
    });
  `));
});

test('TextEncoderStream encodes chunks, joining surrogate pairs split across them', () => {
  assert.deepEqual(value(results, 'encodeSplitPair'), [[0x61], [0xf0, 0x9f, 0x98, 0x80, 0x62], [0xc3, 0xa9]]);
  assert.deepEqual(value(results, 'encodeLoneLeads'), [[0xef, 0xbf, 0xbd, 0x78], [0xef, 0xbf, 0xbd]]);
  assert.deepEqual(value(results, 'encodeLeadAcrossEmpty'), [[0xf0, 0x9f, 0x98, 0x80]]);
  assert.deepEqual(value(results, 'encodeConverts'), [['Uint8Array', 0x34, 0x32], ['Uint8Array', 0xe2, 0x82, 0xac]]);
  assertTypeError(results, 'encodeSymbol');
  assert.deepEqual(value(results, 'encoderShape'), ['utf-8', true, 'TextEncoderStream']);
});

test('TextDecoderStream keeps partial characters across chunks', () => {
  assert.deepEqual(value(results, 'decodeSplit'), ['a', '€', '😀']);
  assert.deepEqual(value(results, 'decodeUtf16'), ['a', '😀']);
  assert.deepEqual(value(results, 'decodeTruncated'), [['61'], ['fffd']]);
  assert.deepEqual(value(results, 'decodeBom'), ['a', ['feff', '61']]);
  assert.deepEqual(value(results, 'textPipeline'), [...Buffer.from('ÉTÉ ☃')]);
});

test('TextDecoderStream options, errors and attributes', () => {
  assertTypeError(results, 'decodeFatal', 'The encoded data was not valid for encoding utf-8');
  assertTypeError(results, 'decodeFatalTruncated', 'The encoded data was not valid for encoding utf-8');
  assertTypeError(results, 'decodeNotBytes');
  assert.equal(error(results, 'decodeBadLabel').ctor, 'RangeError');
  assert.deepEqual(value(results, 'decoderShape'), ['utf-16le', true, false, true, 'TextDecoderStream']);
});

test('IdentityTransformStream passes bytes through and refuses anything else', () => {
  assert.deepEqual(value(results, 'identityTypes'), [['Uint8Array', 1, 2, 3, 4], ['Uint8Array', 2, 3], ['Uint8Array', 3, 4]]);
  assert.deepEqual(value(results, 'identityCopies'), [1, 2, 3]);
  assert.deepEqual(value(results, 'identityNotBytes'), [
    ['TypeError', 'This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.'],
    'TypeError',
  ]);
  assert.deepEqual(value(results, 'identityShape'), [true, true, true, true, 'IdentityTransformStream']);
});

test('IdentityTransformStream: writes wait for readers, BYOB reads, cancel, abort, bodies and pipes', () => {
  assert.deepEqual(value(results, 'identityRendezvous'), [['reading', 'written'], [1, 2]]);
  assert.deepEqual(value(results, 'identityByob'), [[1, 2], [3, 4], [5]]);
  assert.deepEqual(value(results, 'identityCancel'), ['rejected gone', 'closed gone']);
  assert.equal(value(results, 'identityAbort'), 'rejected stop');
  assert.equal(value(results, 'identityAsBody'), 'one two three');
  assert.deepEqual(value(results, 'identityPipe'), [50000, 0, 49]);
});

test('FixedLengthStream carries exactly its declared length', () => {
  assert.deepEqual(value(results, 'fixedExact'), [[1, 2], [3, 4, 5]]);
  assert.equal(value(results, 'fixedBigInt'), 1);
  assert.equal(value(results, 'fixedEmpty'), 0);
  assert.deepEqual(value(results, 'fixedShape'), [true, true, 'FixedLengthStream']);
  for (const bad of ['-1', '1.5', '2 ** 53', 'NaN', "'x'", '-1n']) {
    assertTypeError(results, `fixedBad ${bad}`, 'FixedLengthStream requires an integer expected length less than 2^53.');
  }
});

test('FixedLengthStream errors when more or fewer bytes are written', () => {
  const tooMany = ['TypeError', 'Attempt to write too many bytes through a FixedLengthStream.'];
  const tooFew = ['TypeError', 'FixedLengthStream did not see all expected bytes before close().'];
  assert.deepEqual(value(results, 'fixedTooMany'), [[1, 2], tooMany, tooMany]);
  assert.deepEqual(value(results, 'fixedTooFew'), [[1, 2], tooFew, tooFew]);
  assertTypeError(results, 'fixedTooFewBody', tooFew[1]);
});

test('crypto.DigestStream known answers', () => {
  const abc = {
    'SHA-1': 'a9993e364706816aba3e25717850c26c9cd0d89d',
    'SHA-256': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'SHA-384': 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    'SHA-512': 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    MD5: '900150983cd24fb0d6963f7d28e17f72',
  };
  for (const [algorithm, digest] of Object.entries(abc)) assert.deepEqual(value(results, `digest ${algorithm}`), [true, digest, 3], algorithm);
  assert.deepEqual(value(results, 'digestEmpty'), [true, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 0]);
  assert.equal(value(results, 'digestViews'), abc.MD5);
});

test('crypto.DigestStream errors', () => {
  assertDOMException(results, 'digestUnknown', 'NotSupportedError');
  assert.deepEqual(value(results, 'digestNotBytes'), [
    ['TypeError', 'DigestStream is a byte stream but received an object of non-ArrayBuffer/ArrayBufferView/string type on its writable side.'],
    'TypeError',
  ]);
  assert.equal(value(results, 'digestAbort'), 'stopped');
  assert.deepEqual(value(results, 'digestShape'), [true, 'DigestStream', true, 0]);
});

test('a request body piped into crypto.DigestStream hashes like node:crypto', async () => {
  const w = await startWorker(`export default { async fetch(request) {
    const stream = new crypto.DigestStream('SHA-256');
    await request.body.pipeTo(stream);
    return new Response(new Uint8Array(await stream.digest));
  } };`);
  try {
    const body = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) ^ (i >> 9);
    const res = await w.fetch('/', { method: 'POST', body });
    assert.equal(Buffer.from(await res.arrayBuffer()).toString('hex'), createHash('sha256').update(body).digest('hex'));
  } finally {
    await w.dispose();
  }
});

test('streams_enable_constructors, transformstream_enable_standard_constructor: streams built from JavaScript sources, sinks and transformers', async () => {
  const { results } = await runChecks(`
    await check('readable', async () => {
      const reader = new ReadableStream({ start(c) { c.enqueue('a'); c.enqueue('b'); c.close(); } }).getReader();
      return [(await reader.read()).value, (await reader.read()).value, (await reader.read()).done];
    });
    await check('writable', async () => {
      const written = [];
      const writer = new WritableStream({ write(chunk) { written.push(chunk); } }).getWriter();
      await writer.write('x');
      await writer.close();
      return written;
    });
    await check('transform', async () => {
      const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); }, flush(c) { c.enqueue('!'); } });
      const writer = upper.writable.getWriter();
      writer.write('ab');
      writer.close();
      return new Response(upper.readable.pipeThrough(new TextEncoderStream())).text();
    });
  `);
  assert.deepEqual(value(results, 'readable'), ['a', 'b', true]);
  assert.deepEqual(value(results, 'writable'), ['x']);
  assert.equal(value(results, 'transform'), 'AB!');
});
