// TextEncoder and TextDecoder (Encoding Standard). UTF-8 and UTF-16 are decoded here, with
// streaming and error handling exactly as the standard's decoders specify; the other encodings and
// their labels are in encoding-legacy.js, loaded the first time a decoder asks for one (their
// tables would otherwise sit in every isolate).

const UTF8_LABELS = new Set(['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8']);
const BOM_ENCODINGS = new Set(['utf-8', 'utf-16le', 'utf-16be']);
const legacy = () => require('./encoding-legacy.js');

// --- UTF-8 encoding -----------------------------------------------------------------------

// UTF-8 bytes of a string; lone surrogates become U+FFFD, as a USVString conversion would.
export function encodeUtf8(input) {
  const s = String(input);
  const length = s.length;
  let size = 0;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) size += 1;
    else if (c < 0x800) size += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < length && isTrail(s.charCodeAt(i + 1))) {
      size += 4;
      i++;
    } else size += 3;
  }
  const out = new Uint8Array(size);
  writeUtf8(s, out, 0, length);
  return out;
}

const isTrail = (c) => c >= 0xdc00 && c <= 0xdfff;

// Writes code points of s[from..] into out while they fit whole; returns [read, written].
function writeUtf8(s, out, from, to) {
  let i = from;
  let j = 0;
  const cap = out.length;
  while (i < to) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (j >= cap) break;
      out[j++] = c;
      i++;
      continue;
    }
    let units = 1;
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < to ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && isTrail(next)) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        units = 2;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x800) {
      if (j + 2 > cap) break;
      out[j++] = 0xc0 | (c >> 6);
    } else if (c < 0x10000) {
      if (j + 3 > cap) break;
      out[j++] = 0xe0 | (c >> 12);
      out[j++] = 0x80 | ((c >> 6) & 0x3f);
    } else {
      if (j + 4 > cap) break;
      out[j++] = 0xf0 | (c >> 18);
      out[j++] = 0x80 | ((c >> 12) & 0x3f);
      out[j++] = 0x80 | ((c >> 6) & 0x3f);
    }
    out[j++] = 0x80 | (c & 0x3f);
    i += units;
  }
  return [i - from, j];
}

// --- Decoders -----------------------------------------------------------------------------

// Collects UTF-16 code units and turns them into a string in bounded slices.
export class StringSink {
  constructor() {
    this.buf = new Uint16Array(0x2000);
    this.n = 0;
    this.out = '';
  }
  push(unit) {
    if (this.n === this.buf.length) this.flush();
    this.buf[this.n++] = unit;
  }
  pushCodePoint(cp) {
    if (cp > 0xffff) {
      cp -= 0x10000;
      this.push(0xd800 | (cp >> 10));
      this.push(0xdc00 | (cp & 0x3ff));
    } else {
      this.push(cp);
    }
  }
  flush() {
    if (this.n > 0) this.out += String.fromCharCode.apply(null, this.buf.subarray(0, this.n));
    this.n = 0;
  }
  result() {
    this.flush();
    return this.out;
  }
}

export function decodeError(encoding) {
  return new TypeError(`The encoded data was not valid for encoding ${encoding}`);
}

class Utf8Decoder {
  constructor(fatal) {
    this.fatal = fatal;
    this.reset();
  }
  reset() {
    this.cp = 0;
    this.needed = 0;
    this.seen = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
  }
  error(sink) {
    if (this.fatal) {
      this.reset();
      throw decodeError('utf-8');
    }
    sink.push(0xfffd);
  }
  decode(bytes, flush) {
    const sink = new StringSink();
    const length = bytes.length;
    let i = 0;
    while (i < length) {
      const b = bytes[i];
      if (this.needed === 0) {
        // Runs of ASCII are copied straight through.
        if (b < 0x80) {
          let end = i + 1;
          while (end < length && bytes[end] < 0x80 && end - i < 0x2000) end++;
          sink.flush();
          sink.out += String.fromCharCode.apply(null, bytes.subarray(i, end));
          i = end;
          continue;
        }
        if (b >= 0xc2 && b <= 0xdf) {
          this.needed = 1;
          this.cp = b & 0x1f;
        } else if (b >= 0xe0 && b <= 0xef) {
          if (b === 0xe0) this.lower = 0xa0;
          if (b === 0xed) this.upper = 0x9f;
          this.needed = 2;
          this.cp = b & 0xf;
        } else if (b >= 0xf0 && b <= 0xf4) {
          if (b === 0xf0) this.lower = 0x90;
          if (b === 0xf4) this.upper = 0x8f;
          this.needed = 3;
          this.cp = b & 0x7;
        } else {
          this.error(sink);
        }
        i++;
        continue;
      }
      if (b < this.lower || b > this.upper) {
        // The byte ends the broken sequence and is then processed again on its own.
        this.reset();
        this.error(sink);
        continue;
      }
      this.lower = 0x80;
      this.upper = 0xbf;
      this.cp = (this.cp << 6) | (b & 0x3f);
      i++;
      if (++this.seen === this.needed) {
        sink.pushCodePoint(this.cp);
        this.reset();
      }
    }
    if (flush && this.needed !== 0) {
      this.reset();
      this.error(sink);
    }
    return sink.result();
  }
}

class Utf16Decoder {
  constructor(fatal, bigEndian) {
    this.fatal = fatal;
    this.bigEndian = bigEndian;
    this.reset();
  }
  reset() {
    this.leadByte = -1;
    this.leadSurrogate = -1;
  }
  error(sink) {
    if (this.fatal) {
      this.reset();
      throw decodeError(this.bigEndian ? 'utf-16be' : 'utf-16le');
    }
    sink.push(0xfffd);
  }
  unit(cu, sink) {
    if (this.leadSurrogate !== -1) {
      const lead = this.leadSurrogate;
      this.leadSurrogate = -1;
      if (isTrail(cu)) {
        sink.push(lead);
        sink.push(cu);
        return;
      }
      this.error(sink);
    }
    if (cu >= 0xd800 && cu <= 0xdbff) this.leadSurrogate = cu;
    else if (isTrail(cu)) this.error(sink);
    else sink.push(cu);
  }
  decode(bytes, flush) {
    const sink = new StringSink();
    for (let i = 0; i < bytes.length; i++) {
      if (this.leadByte === -1) {
        this.leadByte = bytes[i];
      } else {
        const cu = this.bigEndian ? (this.leadByte << 8) | bytes[i] : this.leadByte | (bytes[i] << 8);
        this.leadByte = -1;
        this.unit(cu, sink);
      }
    }
    if (flush && (this.leadByte !== -1 || this.leadSurrogate !== -1)) {
      this.reset();
      this.error(sink);
    }
    return sink.result();
  }
}

function createDecoder(encoding, fatal) {
  if (encoding === 'utf-8') return new Utf8Decoder(fatal);
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return new Utf16Decoder(fatal, encoding === 'utf-16be');
  return legacy().createLegacyDecoder(encoding, fatal);
}

// UTF-8 decode (with or without BOM removal) of a complete byte sequence, replacing errors.
export function decodeUtf8(bytes, { stripBOM = true } = {}) {
  const text = new Utf8Decoder(false).decode(bytes, true);
  return stripBOM && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// --- TextEncoder / TextDecoder ------------------------------------------------------------

export class TextEncoder {
  get encoding() {
    return 'utf-8';
  }

  encode(input = '') {
    return encodeUtf8(input);
  }

  encodeInto(source, destination) {
    if (!(destination instanceof Uint8Array)) {
      throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
    }
    const s = String(source);
    const [read, written] = writeUtf8(s, destination, 0, s.length);
    return { read, written };
  }
}
Object.defineProperty(TextEncoder.prototype, Symbol.toStringTag, { value: 'TextEncoder', configurable: true });

// Labels match case-insensitively once ASCII whitespace around them is stripped.
function resolveEncoding(label) {
  const text = `${label}`;
  const key = text.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase());
  const name = UTF8_LABELS.has(key) ? 'utf-8' : legacy().encodingOfLabel(key);
  if (name === undefined) {
    throw new RangeError(`Failed to construct 'TextDecoder': The encoding label provided ('${text}') is invalid.`);
  }
  return name;
}

function toBytes(input) {
  if (input === undefined) return new Uint8Array(0);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && input instanceof SharedArrayBuffer)) {
    return new Uint8Array(input);
  }
  throw new TypeError("Failed to execute 'decode' on 'TextDecoder': The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.");
}

export class TextDecoder {
  #encoding;
  #fatal;
  #ignoreBOM;
  #decoder = null;
  #bomSeen = false;
  #streaming = false;

  constructor(label = 'utf-8', options = undefined) {
    this.#encoding = resolveEncoding(label);
    this.#fatal = Boolean(options?.fatal);
    this.#ignoreBOM = Boolean(options?.ignoreBOM);
  }

  get encoding() {
    return this.#encoding;
  }
  get fatal() {
    return this.#fatal;
  }
  get ignoreBOM() {
    return this.#ignoreBOM;
  }

  decode(input = undefined, options = undefined) {
    const bytes = toBytes(input);
    const stream = Boolean(options?.stream);
    if (!this.#streaming) {
      this.#decoder = null;
      this.#bomSeen = false;
    }
    this.#streaming = stream;
    this.#decoder ??= createDecoder(this.#encoding, this.#fatal);
    let text;
    try {
      text = this.#decoder.decode(bytes, !stream);
    } catch (err) {
      this.#streaming = false;
      throw err;
    }
    // Only the UTF encodings have a byte order mark to strip.
    if (!this.#ignoreBOM && !this.#bomSeen && text.length > 0 && BOM_ENCODINGS.has(this.#encoding)) {
      this.#bomSeen = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }
}
Object.defineProperty(TextDecoder.prototype, Symbol.toStringTag, { value: 'TextDecoder', configurable: true });
