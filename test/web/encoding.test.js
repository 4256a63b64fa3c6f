import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError, error } from './run-checks.js';

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
