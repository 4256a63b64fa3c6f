import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError, error } from './run-checks.js';
import { moduleBundle } from '../helpers/worker.js';
import { IsolateHost } from '../../src/runtime/isolate-host.js';
import * as encodingOps from '../../src/runtime/host-ops/encoding.js';

const { MAX_STREAMING_DECODERS } = encodingOps;

let results;
before(async () => {
  ({ results } = await runChecks(`
    const bytes = (...b) => new Uint8Array(b);
    const dec = (input, label, opts) => new TextDecoder(label, opts).decode(input);
    await check('encode', () => [...new TextEncoder().encode('aé€😀')]);
    await check('encodeLoneSurrogate', () => [...new TextEncoder().encode('\\ud800x\\udc00')]);
    await check('encodeDefault', () => [new TextEncoder().encode().length, new TextEncoder().encoding, new TextEncoder().encode('a') instanceof Uint8Array]);
    await check('encodeInto', () => {
      const out = new Uint8Array(5);
      const r = new TextEncoder().encodeInto('a€😀', out);
      return [r.read, r.written, [...out]];
    });
    await check('encodeIntoFull', () => { const out = new Uint8Array(8); const r = new TextEncoder().encodeInto('ab😀', out); return [r.read, r.written]; });
    await check('encodeIntoBadTarget', () => new TextEncoder().encodeInto('a', new Uint16Array(2)));
    await check('decodeUtf8', () => dec(bytes(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)));
    await check('decodeBuffers', () => {
      const buf = new Uint8Array([0x78, 0x61, 0x62, 0x79]).buffer;
      return [dec(buf), dec(new DataView(buf, 1, 2)), dec(new Uint8Array(buf, 2)), new TextDecoder().decode()];
    });
    await check('replacement', () => [
      dec(bytes(0xff)), dec(bytes(0xc3)), dec(bytes(0xe2, 0x82)), dec(bytes(0xe2, 0x82, 0x41)),
      dec(bytes(0xf0, 0x9f, 0x98)), dec(bytes(0xed, 0xa0, 0x80)), dec(bytes(0xc0, 0xaf)), dec(bytes(0xf4, 0x90, 0x80, 0x80)),
      dec(bytes(0x80, 0x80)),
    ].map((s) => [...s].map((c) => c.codePointAt(0).toString(16))));
    await check('fatal', () => new TextDecoder('utf-8', { fatal: true }).decode(bytes(0x61, 0xff)));
    await check('fatalTruncated', () => new TextDecoder('utf-8', { fatal: true }).decode(bytes(0xe2, 0x82)));
    await check('fatalOk', () => new TextDecoder('utf-8', { fatal: true }).decode(bytes(0x61)));
    await check('bom', () => [dec(bytes(0xef, 0xbb, 0xbf, 0x61)), dec(bytes(0xef, 0xbb, 0xbf, 0x61), 'utf-8', { ignoreBOM: true }).length, dec(bytes(0x61, 0xef, 0xbb, 0xbf)).length]);
    await check('streaming', () => {
      const d = new TextDecoder();
      const parts = [bytes(0xef, 0xbb), bytes(0xbf, 0xe2), bytes(0x82), bytes(0xac, 0xf0, 0x9f), bytes(0x98, 0x80)];
      const out = parts.map((p) => d.decode(p, { stream: true }));
      out.push(d.decode());
      return out;
    });
    await check('streamingFlushTruncated', () => { const d = new TextDecoder(); return [d.decode(bytes(0xe2), { stream: true }), d.decode(bytes(0x82)), d.decode(bytes(0x41))]; });
    await check('streamingBomOnce', () => { const d = new TextDecoder(); return [d.decode(bytes(0xef, 0xbb, 0xbf), { stream: true }), d.decode(bytes(0xef, 0xbb, 0xbf, 0x61), { stream: true }).length]; });
    await check('labels', () => ['UTF8', ' unicode-1-1-utf-8 ', 'utf-16', 'UTF-16LE', 'latin1', 'ascii', 'sjis', 'utf-16be', 'gbk'].map((l) => new TextDecoder(l).encoding));
    await check('badLabel', () => new TextDecoder('no-such-encoding'));
    await check('replacementLabel', () => new TextDecoder('replacement'));
    await check('attributes', () => { const d = new TextDecoder('utf-8', { fatal: 1, ignoreBOM: 'yes' }); return [d.encoding, d.fatal, d.ignoreBOM, new TextDecoder().fatal]; });
    await check('utf16le', () => [
      dec(bytes(0xff, 0xfe, 0x61, 0x00, 0x3d, 0xd8, 0x00, 0xde), 'utf-16le'),
      [...dec(bytes(0x00, 0xd8, 0x61, 0x00), 'utf-16le')].map((c) => c.codePointAt(0).toString(16)),
      [...dec(bytes(0x61), 'utf-16le')].map((c) => c.codePointAt(0).toString(16)),
    ]);
    await check('utf16leStreaming', () => { const d = new TextDecoder('utf-16le'); return [d.decode(bytes(0x3d), { stream: true }), d.decode(bytes(0xd8, 0x00), { stream: true }), d.decode(bytes(0xde))]; });
    await check('utf16leFatal', () => new TextDecoder('utf-16le', { fatal: true }).decode(bytes(0x00, 0xdc)));
    await check('legacy', () => [dec(bytes(0x80, 0xe9), 'windows-1252'), dec(bytes(0x82, 0xa0), 'shift_jis'), dec(bytes(0x00, 0x61), 'utf-16be')]);
    await check('legacyFatal', () => new TextDecoder('shift_jis', { fatal: true }).decode(bytes(0x82)));
    await check('decodeBadInput', () => new TextDecoder().decode('text'));
    await check('names', () => [TextEncoder.name, TextDecoder.name, Object.prototype.toString.call(new TextDecoder())]);
    const codes = (s) => [...s].map((c) => c.codePointAt(0).toString(16));
    await check('labelWhitespace', () => ['\\t\\n\\f\\r utf-8 \\r\\n', ' Latin1\\f'].map((l) => new TextDecoder(l).encoding));
    await check('labelNonAsciiSpace', () => ['\\u00a0utf-8', 'utf-8\\u000b', '\\u2028utf-8', 'utf-8\\u0000'].map((l) => {
      try { new TextDecoder(l); return 'accepted'; } catch (e) { return e.constructor.name; }
    }));
    await check('labelTable', () => ['iso-8859-16', 'KOI8-RU', 'x-user-defined', 'unicodeFFFE', 'ms932', 'csiso88598i', 'x-mac-ukrainian'].map((l) => new TextDecoder(l).encoding));
    await check('singleByte', () => [
      codes(dec(bytes(0x80, 0x81, 0x9f, 0xff), 'windows-1252')),
      codes(dec(bytes(0xae, 0xbe), 'koi8-u')),
      codes(dec(bytes(0xa1, 0xa4), 'iso-8859-16')),
      codes(dec(bytes(0x41, 0x80, 0xff), 'x-user-defined')),
      codes(dec(bytes(0xdb, 0x41), 'windows-874')),
    ]);
    await check('singleByteFatal', () => new TextDecoder('windows-1253', { fatal: true }).decode(bytes(0xaa)));
    await check('singleByteFatalOk', () => codes(new TextDecoder('windows-1255', { fatal: true }).decode(bytes(0xca))));
    await check('singleByteKeepsBom', () => codes(dec(bytes(0xef, 0xbb, 0xbf), 'windows-1252')));
    await check('utf16be', () => {
      const d = new TextDecoder('utf-16be');
      const parts = [bytes(0xfe), bytes(0xff, 0x00), bytes(0x61, 0xd8), bytes(0x3d, 0xde), bytes(0x00, 0x00)];
      return [...parts.map((p) => d.decode(p, { stream: true })), codes(d.decode())];
    });
    await check('utf16beFatal', () => new TextDecoder('utf-16be', { fatal: true }).decode(bytes(0xdc, 0x00)));
    // What each call of a stream returns when every byte is a chunk of its own, then the end.
    const byteByByte = (label, input) => {
      const d = new TextDecoder(label);
      return [...input.map((b) => d.decode(bytes(b), { stream: true })), d.decode()];
    };
    await check('cjkSplit', () => ({
      shift_jis: byteByByte('shift_jis', [0x82, 0xa0, 0x41]),
      eucJp: byteByByte('euc-jp', [0x8f, 0xa2, 0xaf, 0xa4, 0xa2]),
      gb18030: byteByByte('gb18030', [0x95, 0x32, 0x82, 0x36, 0x81, 0x30, 0x81, 0x30]),
      gbk: byteByByte('gbk', [0xc4, 0xe3]),
      big5: byteByByte('big5', [0xa4, 0x40, 0xa4, 0x41]),
      eucKr: byteByByte('euc-kr', [0xb0, 0xa1, 0x41]),
      iso2022jp: byteByByte('iso-2022-jp', [0x1b, 0x24, 0x42, 0x24, 0x22, 0x1b, 0x28, 0x42, 0x41]),
    }));
    await check('iso2022jpEscapeCarried', () => {
      const d = new TextDecoder('iso-2022-jp');
      return [d.decode(bytes(0x1b, 0x24, 0x42), { stream: true }), d.decode(bytes(0x24, 0x22), { stream: true }), d.decode(bytes(0x24, 0x24))];
    });
    await check('cjkTruncated', () => {
      const sjis = new TextDecoder('shift_jis');
      const gb = new TextDecoder('gb18030');
      return [sjis.decode(bytes(0x82), { stream: true }), sjis.decode(), gb.decode(bytes(0x81, 0x30), { stream: true }), gb.decode(bytes(0x81))].map(codes);
    });
    const fatalSjis = new TextDecoder('shift_jis', { fatal: true });
    await check('cjkFatalStart', () => fatalSjis.decode(bytes(0x82), { stream: true }));
    await check('cjkFatalTruncated', () => fatalSjis.decode());
    await check('cjkFatalAfterTruncated', () => [fatalSjis.decode(bytes(0x82), { stream: true }), fatalSjis.decode(bytes(0xa0))]);
    await check('cjkFatalMidStream', () => [fatalSjis.decode(bytes(0x82), { stream: true }), fatalSjis.decode(bytes(0x20), { stream: true })]);
    // The error ended the stream: the next call starts afresh, with no lead byte pending.
    await check('cjkFatalAfterMidStream', () => fatalSjis.decode(bytes(0xa0)));
    await check('cjkFatalReset', () => fatalSjis.decode(bytes(0x41)));
    await check('cjkReused', () => {
      const d = new TextDecoder('iso-2022-jp');
      const first = [d.decode(bytes(0x1b, 0x24, 0x42, 0x24), { stream: true }), d.decode(bytes(0x22))];
      // A finished stream leaves no escape state: these bytes are ASCII again.
      const oneShot = d.decode(bytes(0x24, 0x22));
      const second = [d.decode(bytes(0x1b, 0x24), { stream: true }), d.decode(bytes(0x42, 0x24, 0x24), { stream: true }), d.decode()];
      return [first, oneShot, second];
    });
    const pipeDecoded = async (label, options, parts) => {
      const source = new ReadableStream({ start(controller) { for (const part of parts) controller.enqueue(bytes(...part)); controller.close(); } });
      const chunks = [];
      for await (const chunk of source.pipeThrough(new TextDecoderStream(label, options))) chunks.push(chunk);
      return chunks.map(codes);
    };
    await check('cjkDecoderStream', () => pipeDecoded('shift_jis', undefined, [[0x82], [0xa0, 0x82], [0xa2, 0x82]]));
    await check('cjkDecoderStreamGb18030', () => pipeDecoded('gb18030', undefined, [[0x95, 0x32], [0x82], [0x36, 0x41]]));
    await check('cjkDecoderStreamFatal', () => pipeDecoded('euc-jp', { fatal: true }, [[0xa4, 0xa2, 0x8f], [0xa2]]));
  `));
});

test('TextEncoder encodes UTF-8', () => {
  assert.deepEqual(value(results, 'encode'), [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
  assert.deepEqual(value(results, 'encodeLoneSurrogate'), [0xef, 0xbf, 0xbd, 0x78, 0xef, 0xbf, 0xbd]);
  assert.deepEqual(value(results, 'encodeDefault'), [0, 'utf-8', true]);
});

test('encodeInto writes whole code points only', () => {
  assert.deepEqual(value(results, 'encodeInto'), [2, 4, [0x61, 0xe2, 0x82, 0xac, 0]]);
  assert.deepEqual(value(results, 'encodeIntoFull'), [4, 6]);
  assertTypeError(results, 'encodeIntoBadTarget');
});

test('TextDecoder decodes UTF-8 from any buffer source', () => {
  assert.equal(value(results, 'decodeUtf8'), 'aé€😀');
  assert.deepEqual(value(results, 'decodeBuffers'), ['xaby', 'ab', 'by', '']);
  assertTypeError(results, 'decodeBadInput');
});

test('invalid UTF-8 becomes U+FFFD per maximal subpart', () => {
  assert.deepEqual(value(results, 'replacement'), [
    ['fffd'], ['fffd'], ['fffd'], ['fffd', '41'], ['fffd'], ['fffd', 'fffd', 'fffd'], ['fffd', 'fffd'], ['fffd', 'fffd', 'fffd', 'fffd'], ['fffd', 'fffd'],
  ]);
});

test('fatal mode throws TypeError', () => {
  assertTypeError(results, 'fatal');
  assertTypeError(results, 'fatalTruncated');
  assert.equal(value(results, 'fatalOk'), 'a');
});

test('BOM handling', () => {
  assert.deepEqual(value(results, 'bom'), ['a', 2, 2]);
  assert.deepEqual(value(results, 'streamingBomOnce'), ['', 2]);
});

test('streaming decode keeps partial sequences between calls', () => {
  assert.deepEqual(value(results, 'streaming'), ['', '', '', '€', '😀', '']);
  assert.deepEqual(value(results, 'streamingFlushTruncated'), ['', '\ufffd', 'A']);
});

test('labels resolve to encoding names; unknown ones throw RangeError', () => {
  assert.deepEqual(value(results, 'labels'), ['utf-8', 'utf-8', 'utf-16le', 'utf-16le', 'windows-1252', 'windows-1252', 'shift_jis', 'utf-16be', 'gbk']);
  assert.equal(error(results, 'badLabel').ctor, 'RangeError');
  assert.equal(error(results, 'replacementLabel').ctor, 'RangeError');
  assert.deepEqual(value(results, 'attributes'), ['utf-8', true, true, false]);
});

test('UTF-16LE decoding', () => {
  assert.deepEqual(value(results, 'utf16le'), ['a😀', ['fffd', '61'], ['fffd']]);
  assert.deepEqual(value(results, 'utf16leStreaming'), ['', '', '😀']);
  assertTypeError(results, 'utf16leFatal');
});

test('legacy encodings', () => {
  assert.deepEqual(value(results, 'legacy'), ['€é', 'あ', 'a']);
  assertTypeError(results, 'legacyFatal');
});

test('names', () => {
  assert.deepEqual(value(results, 'names'), ['TextEncoder', 'TextDecoder', '[object TextDecoder]']);
});

test('labels lose only ASCII whitespace around them', () => {
  assert.deepEqual(value(results, 'labelWhitespace'), ['utf-8', 'windows-1252']);
  assert.deepEqual(value(results, 'labelNonAsciiSpace'), ['RangeError', 'RangeError', 'RangeError', 'RangeError']);
});

test('every label of the standard names its encoding', () => {
  assert.deepEqual(value(results, 'labelTable'), ['iso-8859-16', 'koi8-u', 'x-user-defined', 'utf-16be', 'shift_jis', 'iso-8859-8-i', 'x-mac-cyrillic']);
});

test('single-byte encodings decode with the standard\'s indexes', () => {
  assert.deepEqual(value(results, 'singleByte'), [
    ['20ac', '81', '178', 'ff'],
    ['45e', '40e'],
    ['104', '20ac'],
    ['41', 'f780', 'f7ff'],
    ['fffd', '41'],
  ]);
  assertTypeError(results, 'singleByteFatal');
  assert.deepEqual(value(results, 'singleByteFatalOk'), ['5ba']);
  assert.deepEqual(value(results, 'singleByteKeepsBom'), ['ef', 'bb', 'bf']);
});

test('UTF-16BE decoding streams, drops a leading BOM and flushes a lone byte as U+FFFD', () => {
  assert.deepEqual(value(results, 'utf16be'), ['', '', 'a', '', '😀', ['fffd']]);
  assertTypeError(results, 'utf16beFatal');
});

test('CJK encodings stream: a character split across calls is decoded once whole', () => {
  assert.deepEqual(value(results, 'cjkSplit'), {
    shift_jis: ['', 'あ', 'A', ''],
    eucJp: ['', '', '˘', '', 'あ', ''],
    gb18030: ['', '', '', '𠀀', '', '', '', '\x80', ''],
    gbk: ['', '你', ''],
    big5: ['', '一', '', '乙', ''],
    eucKr: ['', '가', 'A', ''],
    iso2022jp: ['', '', '', '', 'あ', '', '', '', 'A', ''],
  });
  assert.deepEqual(value(results, 'iso2022jpEscapeCarried'), ['', 'あ', 'い']);
});

test('a CJK stream cut short ends in U+FFFD, or a TypeError when fatal, and the stream ends with the error', () => {
  assert.deepEqual(value(results, 'cjkTruncated'), [[], ['fffd'], [], ['fffd']]);
  assert.equal(value(results, 'cjkFatalStart'), '');
  assertTypeError(results, 'cjkFatalTruncated');
  assert.equal(error(results, 'cjkFatalTruncated').message, 'The encoded data was not valid for encoding shift_jis');
  assert.deepEqual(value(results, 'cjkFatalAfterTruncated'), ['', 'あ']);
  assertTypeError(results, 'cjkFatalMidStream');
  assert.equal(error(results, 'cjkFatalAfterMidStream').message, 'The encoded data was not valid for encoding shift_jis');
  assert.equal(value(results, 'cjkFatalReset'), 'A');
});

test('a CJK decoder starts afresh after a finished stream', () => {
  assert.deepEqual(value(results, 'cjkReused'), [['', 'あ'], '$"', ['', 'い', '']]);
});

test('TextDecoderStream decodes CJK encodings across chunks', () => {
  assert.deepEqual(value(results, 'cjkDecoderStream'), [['3042'], ['3044'], ['fffd']]);
  assert.deepEqual(value(results, 'cjkDecoderStreamGb18030'), [['20000', '41']]);
  assertTypeError(results, 'cjkDecoderStreamFatal');
});

// An IsolateHost running `handler` (the body of an async fetch handler) on each request, and what
// its responses said.
async function withHost(handler, requests, inspect) {
  const host = new IsolateHost({
    name: 'decoders',
    bundle: moduleBundle(`export default { async fetch(request) { ${handler} } };`),
    env: { vars: {}, secrets: {} },
    limits: { cpuMs: 10_000, memoryMb: 128, subrequests: 50, startupMs: 1000 },
  }, { log() {}, error() {} });
  host.start();
  try {
    const replies = [];
    for (const path of requests) {
      const res = await host.fetch({ method: 'GET', url: `http://localhost/${path}`, headers: [], cf: {}, body: null });
      replies.push(String(res.body));
    }
    return inspect(host, replies);
  } finally {
    host.dispose();
  }
}

test('CJK decoding keeps nothing on the host outside a stream', async () => {
  const calls = `const d = new TextDecoder('gbk', { fatal: true });
    d.decode(new Uint8Array([0xc4, 0xe3]));
    d.decode(new Uint8Array([0xc4]), { stream: true });
    d.decode(new Uint8Array([0xe3]));
    d.decode(new Uint8Array([0xc4]), { stream: true });
    try { d.decode(); } catch {}
    return new Response('ok');`;
  await withHost(calls, [''], (host) => assert.equal(host.textDecoders.size, 0));
  // One call on its own, the common case, takes no handle at all.
  await withHost(`new TextDecoder('gbk').decode(new Uint8Array([0xc4, 0xe3])); return new Response('ok');`, [''], (host) => {
    assert.equal(host.textDecoders, undefined);
  });
});

test('a worker holds a bounded number of unfinished CJK streams', async () => {
  const handler = `
    globalThis.held ??= [];
    const start = () => { const d = new TextDecoder('big5'); d.decode(new Uint8Array([0xa4]), { stream: true }); globalThis.held.push(d); };
    if (request.url.endsWith('/fill')) {
      try { for (;;) start(); } catch (e) { return new Response(e.constructor.name + ': ' + e.message + ' ' + globalThis.held.length); }
    }
    // Finishing one stream makes room for another.
    const finished = globalThis.held.pop().decode(new Uint8Array([0x40]));
    start();
    return new Response(finished);`;
  await withHost(handler, ['fill', 'finish'], (host, replies) => {
    assert.deepEqual(replies, [`RangeError: Too many unfinished TextDecoder streams in this worker. ${MAX_STREAMING_DECODERS}`, '一']);
    assert.equal(host.textDecoders.size, MAX_STREAMING_DECODERS);
  });
});

test('the host lets go of the decoders of streams the worker abandoned', async () => {
  // A hundred streams dropped mid-character; then garbage until the isolate has collected every
  // one of them; then a hundred more, whose tracking sweeps the first.
  const handler = `
    const abandon = () => {
      const refs = [];
      for (let i = 0; i < 100; i++) {
        const decoder = new TextDecoder('shift_jis');
        decoder.decode(new Uint8Array([0x82]), { stream: true });
        refs.push(new WeakRef(decoder));
      }
      return refs;
    };
    const dropped = abandon();
    let junk = [];
    for (let turn = 0; dropped.some((ref) => ref.deref() !== undefined); turn++) {
      if (turn === 5000) return new Response('no collection');
      await new Promise((resolve) => setTimeout(resolve, 0));
      junk = turn % 4 === 0 ? [] : [junk, new Array(1_000_000).fill(turn)];
    }
    abandon();
    // A TextDecoderStream cancelled midway ends its stream at once.
    const stream = new TextDecoderStream('gb18030');
    const writer = stream.writable.getWriter();
    writer.write(new Uint8Array([0x81]));
    await writer.abort();
    return new Response('done');`;
  await withHost(handler, [''], (host, replies) => {
    assert.deepEqual(replies, ['done']);
    assert.equal(host.textDecoders.size, 100);
  });
});

test('a worker that fills the bound with streams it then drops is not refused once they are collected', async () => {
  // The bound is reached with streams nobody holds; once the isolate has collected them, opening
  // another releases them on the host instead of failing.
  const handler = `
    let refused = '';
    const dropped = [];
    try {
      for (;;) {
        const decoder = new TextDecoder('big5');
        dropped.push(new WeakRef(decoder));
        decoder.decode(new Uint8Array([0xa4]), { stream: true });
      }
    } catch (e) { refused = e.constructor.name; }
    let junk = [];
    for (let turn = 0; dropped.some((ref) => ref.deref() !== undefined); turn++) {
      if (turn === 5000) return new Response('no collection');
      await new Promise((resolve) => setTimeout(resolve, 0));
      junk = turn % 4 === 0 ? [] : [junk, new Array(1_000_000).fill(turn)];
    }
    const d = new TextDecoder('big5');
    d.decode(new Uint8Array([0xa4]), { stream: true });
    return new Response(refused + ' ' + d.decode(new Uint8Array([0x40])));`;
  await withHost(handler, [''], (host, replies) => {
    assert.deepEqual(replies, ['RangeError 一']);
    assert.ok(host.textDecoders.size < MAX_STREAMING_DECODERS);
  });
});

test('decoder handles mean nothing to another isolate, and the bound counts each isolate apart', () => {
  const a = { nextId: 1 };
  const b = { nextId: 1 };
  const id = encodingOps.textDecoderOpen(a, 'shift_jis', false);
  assert.equal(encodingOps.textDecodeChunk(a, id, new Uint8Array([0x82]), true), '');
  assert.throws(() => encodingOps.textDecodeChunk(b, id, new Uint8Array([0xa0]), false), TypeError);
  assert.equal(encodingOps.textDecodeChunk(a, id, new Uint8Array([0xa0]), false), 'あ');
  assert.throws(() => encodingOps.textDecodeChunk(a, id, new Uint8Array([0xa0]), false), TypeError);
  for (let i = 0; i < encodingOps.MAX_STREAMING_DECODERS; i++) encodingOps.textDecoderOpen(a, 'gbk', false);
  assert.throws(() => encodingOps.textDecoderOpen(a, 'gbk', false), RangeError);
  assert.equal(typeof encodingOps.textDecoderOpen(b, 'gbk', false), 'number');
  encodingOps.textDecoderRelease(a, [...a.textDecoders.keys()]);
  assert.equal(a.textDecoders.size, 0);
});
