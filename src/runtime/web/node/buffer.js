// node:buffer. The Buffer class is @jspm/core's (feross/buffer, a Uint8Array subclass), shared
// with the node:stream and node:string_decoder implementations, and completed here to behave as
// Node's (and so Workers') does: the base64url encoding everywhere an encoding is taken, Node's
// error codes for unknown encodings, copy/equals accepting any Uint8Array, odd-length hex,
// Buffer.copyBytesFrom, the lower-case "Uint" aliases, and Node's inspect output
// (<Buffer 68 69>). The module adds what node:buffer exports besides: constants, atob/btoa,
// Blob/File, isUtf8/isAscii, transcode.
import * as jspmBuffer from '@jspm/core/nodelibs/buffer';
import { decodeUtf8, encodeUtf8 } from '../encoding.js';
import { base64ToBytes, bytesToBase64 } from '../base64.js';
import { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE, ERR_UNKNOWN_ENCODING, nodeError } from './_errors.js';

export const Buffer = jspmBuffer.Buffer;
const proto = Buffer.prototype;
const patched = Symbol.for('outpost.node.buffer.patched');

export const kMaxLength = 2 ** 32;
export const kStringMaxLength = 2 ** 29 - 24;
export const constants = Object.freeze({ MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength });
export let INSPECT_MAX_BYTES = 50;

// Node's encoding names, lower-cased, to the name this implementation takes.
const ENCODINGS = {
  utf8: 'utf8', 'utf-8': 'utf8', hex: 'hex', base64: 'base64', base64url: 'base64url', ascii: 'ascii',
  latin1: 'latin1', binary: 'latin1', ucs2: 'utf16le', 'ucs-2': 'utf16le', utf16le: 'utf16le', 'utf-16le': 'utf16le',
};

// The canonical name of `encoding` (undefined and null mean utf8), or throws Node's error.
export function normalizeEncoding(encoding) {
  if (encoding === undefined || encoding === null || encoding === '') return 'utf8';
  const name = ENCODINGS[encoding] ?? ENCODINGS[String(encoding).toLowerCase()];
  if (name === undefined) throw ERR_UNKNOWN_ENCODING(encoding);
  return name;
}

const isBase64 = (encoding) => encoding === 'base64' || encoding === 'base64url';

function isUint8Array(value) {
  return value instanceof Uint8Array;
}

function asBuffer(view) {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

if (!proto[patched]) {
  Object.defineProperty(proto, patched, { value: true });
  const original = {
    from: Buffer.from,
    alloc: Buffer.alloc,
    byteLength: Buffer.byteLength,
    toString: proto.toString,
    write: proto.write,
    fill: proto.fill,
    indexOf: proto.indexOf,
    lastIndexOf: proto.lastIndexOf,
  };

  const define = (target, name, value) => Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });

  define(Buffer, 'isEncoding', function isEncoding(encoding) {
    return typeof encoding === 'string' && encoding.length !== 0 && ENCODINGS[encoding.toLowerCase()] !== undefined;
  });

  define(Buffer, 'from', function from(value, encodingOrOffset, length) {
    if (typeof value === 'string') {
      const encoding = normalizeEncoding(encodingOrOffset);
      if (encoding === 'hex' && value.length % 2 === 1) value = value.slice(0, -1);
      // UTF-8 by the platform's encoder and base64 by V8's (much faster than feross/buffer's),
      // wrapped without a copy.
      if (encoding === 'utf8' || isBase64(encoding)) {
        const bytes = encoding === 'utf8' ? encodeUtf8(value) : base64ToBytes(value, encoding === 'base64url');
        return original.from.call(this, bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      return original.from.call(this, value, encoding);
    }
    if (typeof value === 'number') throw ERR_INVALID_ARG_TYPE('first argument', ['string', 'Buffer', 'ArrayBuffer', 'Array', 'Array-like Object'], value);
    if (value === null || value === undefined) throw ERR_INVALID_ARG_TYPE('first argument', ['string', 'Buffer', 'ArrayBuffer', 'Array', 'Array-like Object'], value);
    return original.from.call(this, value, encodingOrOffset, length);
  });

  define(Buffer, 'alloc', function alloc(size, fill, encoding) {
    if (typeof size !== 'number') throw ERR_INVALID_ARG_TYPE('size', 'number', size);
    if (!(size >= 0 && size <= kMaxLength)) throw ERR_OUT_OF_RANGE('size', `>= 0 && <= ${kMaxLength}`, size);
    if (fill !== undefined && fill !== 0 && size > 0) return Buffer.allocUnsafe(size).fill(fill, encoding);
    return original.alloc.call(this, size);
  });

  define(Buffer, 'byteLength', function byteLength(string, encoding) {
    if (typeof string !== 'string') {
      if (ArrayBuffer.isView(string) || string instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && string instanceof SharedArrayBuffer)) return string.byteLength;
      throw ERR_INVALID_ARG_TYPE('string', ['string', 'Buffer', 'ArrayBuffer'], string);
    }
    let name;
    try {
      name = normalizeEncoding(encoding);
    } catch {
      name = 'utf8';
    }
    if (isBase64(name)) {
      let n = string.length;
      while (n > 0 && string.charCodeAt(n - 1) === 0x3d) n--;
      return (n * 3) >>> 2;
    }
    if (name === 'hex') return string.length >>> 1;
    return original.byteLength.call(this, string, name);
  });

  define(Buffer, 'copyBytesFrom', function copyBytesFrom(view, offset = 0, length = undefined) {
    if (!ArrayBuffer.isView(view) || view instanceof DataView) throw ERR_INVALID_ARG_TYPE('view', ['TypedArray'], view);
    const elementSize = view.BYTES_PER_ELEMENT;
    if (typeof offset !== 'number' || offset < 0) throw ERR_OUT_OF_RANGE('offset', '>= 0', offset);
    if (length !== undefined && (typeof length !== 'number' || length < 0)) throw ERR_OUT_OF_RANGE('length', '>= 0', length);
    if (offset >= view.length) return Buffer.alloc(0);
    const end = length === undefined ? view.length : Math.min(view.length, offset + length);
    const bytes = new Uint8Array(view.buffer, view.byteOffset + offset * elementSize, (end - offset) * elementSize);
    return Buffer.from(bytes);
  });

  // UTF-8 is decoded as Node decodes it (each maximal invalid subsequence becomes one U+FFFD,
  // a BOM is kept), by the runtime's WHATWG decoder.
  const utf8Slice = (buf, start, end) => {
    const length = buf.length;
    start = start === undefined || start < 0 ? 0 : Math.trunc(start) || 0;
    end = end === undefined || end > length ? length : Math.trunc(end) || 0;
    if (end <= start) return '';
    return decodeUtf8(Uint8Array.prototype.subarray.call(buf, start, end), { stripBOM: false });
  };

  define(proto, 'toString', function toString(encoding, start, end) {
    if (arguments.length === 0) return utf8Slice(this);
    const name = normalizeEncoding(encoding);
    if (name === 'utf8') return utf8Slice(this, start, end);
    if (isBase64(name)) {
      const length = this.length;
      const from = start === undefined || start < 0 ? 0 : Math.trunc(start) || 0;
      const to = end === undefined || end > length ? length : Math.trunc(end) || 0;
      return bytesToBase64(Uint8Array.prototype.subarray.call(this, from, Math.max(from, to)), name === 'base64url');
    }
    return original.toString.call(this, name, start, end);
  });

  define(proto, 'write', function write(string, offset, length, encoding) {
    if (typeof string !== 'string') throw ERR_INVALID_ARG_TYPE('argument', 'string', string);
    if (typeof offset === 'string') {
      encoding = offset;
      offset = 0;
      length = this.length;
    } else if (typeof length === 'string') {
      encoding = length;
      length = undefined;
    }
    offset = offset === undefined ? 0 : offset;
    if (typeof offset !== 'number' || offset < 0 || offset > this.length) throw ERR_OUT_OF_RANGE('offset', `>= 0 && <= ${this.length}`, offset);
    const remaining = this.length - offset;
    if (length === undefined) {
      length = remaining;
    } else {
      if (typeof length !== 'number' || length < 0 || length > this.length) throw ERR_OUT_OF_RANGE('length', `>= 0 && <= ${this.length}`, length);
      length = Math.min(length, remaining);
    }
    const name = normalizeEncoding(encoding);
    if (isBase64(name)) {
      const bytes = base64ToBytes(string, name === 'base64url');
      const count = Math.min(bytes.length, length);
      Uint8Array.prototype.set.call(this, bytes.subarray(0, count), offset);
      return count;
    }
    if (name === 'hex') {
      if (string.length % 2 === 1) string = string.slice(0, -1);
      length = Math.min(length, string.length / 2);
    }
    return original.write.call(this, string, offset, length, name);
  });

  define(proto, 'fill', function fill(value, offset, end, encoding) {
    if (typeof value === 'string') {
      if (typeof offset === 'string') {
        encoding = offset;
        offset = 0;
        end = this.length;
      } else if (typeof end === 'string') {
        encoding = end;
        end = this.length;
      }
      const name = normalizeEncoding(encoding);
      if (name !== 'utf8' || value.length !== 1 || value.charCodeAt(0) >= 128) {
        const bytes = Buffer.from(value, name);
        if (bytes.length === 0) {
          if (value.length === 0) return original.fill.call(this, 0, offset, end);
          throw ERR_INVALID_ARG_VALUE('value', value);
        }
        return original.fill.call(this, bytes, offset, end);
      }
      return original.fill.call(this, value, offset, end, 'utf8');
    }
    if (isUint8Array(value) && !Buffer.isBuffer(value)) value = asBuffer(value);
    return original.fill.call(this, value, offset, end);
  });

  for (const name of ['indexOf', 'lastIndexOf']) {
    define(proto, name, function (value, byteOffset, encoding) {
      if (typeof byteOffset === 'string') {
        encoding = byteOffset;
        byteOffset = undefined;
      }
      if (typeof value === 'string') value = Buffer.from(value, normalizeEncoding(encoding));
      else if (isUint8Array(value) && !Buffer.isBuffer(value)) value = asBuffer(value);
      return original[name].call(this, value, byteOffset);
    });
  }
  define(proto, 'includes', function includes(value, byteOffset, encoding) {
    return this.indexOf(value, byteOffset, encoding) !== -1;
  });

  define(proto, 'equals', function equals(otherBuffer) {
    if (!isUint8Array(otherBuffer)) throw ERR_INVALID_ARG_TYPE('otherBuffer', ['Buffer', 'Uint8Array'], otherBuffer);
    if (this === otherBuffer) return true;
    if (this.byteLength !== otherBuffer.byteLength) return false;
    for (let i = 0; i < this.length; i++) if (this[i] !== otherBuffer[i]) return false;
    return true;
  });

  define(proto, 'copy', function copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
    if (!isUint8Array(target)) throw ERR_INVALID_ARG_TYPE('target', ['Buffer', 'Uint8Array'], target);
    targetStart = toInteger(targetStart, 'targetStart');
    sourceStart = toInteger(sourceStart, 'sourceStart');
    sourceEnd = sourceEnd === undefined ? this.length : toInteger(sourceEnd, 'sourceEnd');
    if (targetStart < 0) throw ERR_OUT_OF_RANGE('targetStart', '>= 0', targetStart);
    if (sourceStart < 0 || sourceStart > this.length) throw ERR_OUT_OF_RANGE('sourceStart', `>= 0 && <= ${this.length}`, sourceStart);
    if (sourceEnd < 0) throw ERR_OUT_OF_RANGE('sourceEnd', '>= 0', sourceEnd);
    if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
    sourceEnd = Math.min(sourceEnd, this.length);
    const count = Math.min(sourceEnd - sourceStart, target.length - targetStart);
    Uint8Array.prototype.set.call(target, Uint8Array.prototype.subarray.call(this, sourceStart, sourceStart + count), targetStart);
    return count;
  });

  for (const [alias, name] of [['readBigUint64LE', 'readBigUInt64LE'], ['readBigUint64BE', 'readBigUInt64BE'], ['writeBigUint64LE', 'writeBigUInt64LE'], ['writeBigUint64BE', 'writeBigUInt64BE']]) {
    if (proto[alias] === undefined && typeof proto[name] === 'function') define(proto, alias, proto[name]);
  }

  // Node's per-encoding methods, which npm packages (busboy, ...) call directly.
  for (const encoding of ['utf8', 'latin1', 'ascii', 'hex', 'base64', 'base64url', 'ucs2']) {
    define(proto, `${encoding}Slice`, function slice(start = 0, end = this.length) {
      return this.toString(encoding, start, end);
    });
    define(proto, `${encoding}Write`, function write(string, offset = 0, length = this.length - offset) {
      return this.write(string, offset, length, encoding);
    });
  }

  define(proto, 'toLocaleString', proto.toString);
  define(proto, 'inspect', inspectBuffer);
  define(proto, Symbol.for('nodejs.util.inspect.custom'), inspectBuffer);
}

function toInteger(value, name) {
  const n = Number(value);
  if (Number.isNaN(n)) return 0;
  if (typeof value !== 'number' && typeof value !== 'string' && value !== undefined) throw ERR_INVALID_ARG_TYPE(name, 'number', value);
  return Math.trunc(n);
}

function inspectBuffer(recurseTimes, ctx) {
  const max = INSPECT_MAX_BYTES;
  const actualMax = Math.min(max, this.length);
  const remaining = this.length - max;
  let str = Array.from(Uint8Array.prototype.subarray.call(this, 0, actualMax), (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
  if (ctx) {
    const obj = { __proto__: null };
    let extras = false;
    const keys = ctx.showHidden ? Reflect.ownKeys(this) : Object.keys(this);
    for (const key of keys) {
      if (typeof key === 'string' && /^(0|[1-9][0-9]*)$/.test(key)) continue;
      extras = true;
      obj[key] = this[key];
    }
    if (extras) {
      if (this.length !== 0) str += ', ';
      str += require('./_inspect.js').inspect(obj, { ...ctx, breakLength: Infinity, compact: true }).slice(27, -2);
    }
  }
  return `<${this.constructor.name} ${str}>`;
}

export function SlowBuffer(size) {
  return Buffer.allocUnsafeSlow(size);
}
Object.setPrototypeOf(SlowBuffer.prototype, Uint8Array.prototype);
Object.setPrototypeOf(SlowBuffer, Uint8Array);

export const atob = globalThis.atob;
export const btoa = globalThis.btoa;
export const Blob = globalThis.Blob;
export const File = globalThis.File;

export function resolveObjectURL() {
  return undefined;
}

function bytesOf(input, name) {
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && input instanceof SharedArrayBuffer)) return new Uint8Array(input);
  throw ERR_INVALID_ARG_TYPE(name, ['TypedArray', 'Buffer', 'ArrayBuffer'], input);
}

export function isAscii(input) {
  const bytes = bytesOf(input, 'input');
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

// Well-formed UTF-8: no overlong forms, surrogates or code points above U+10FFFF.
export function isUtf8(input) {
  const bytes = bytesOf(input, 'input');
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need;
    let min;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return false;
    }
    if (i + need >= bytes.length) return false;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

const TRANSCODE_ENCODINGS = new Set(['ascii', 'latin1', 'ucs2', 'utf16le', 'utf8', 'binary', 'ucs-2', 'utf-8', 'utf-16le']);

export function transcode(source, fromEncoding, toEncoding) {
  if (!isUint8Array(source)) throw ERR_INVALID_ARG_TYPE('source', ['Buffer', 'Uint8Array'], source);
  if (source.length === 0) return Buffer.alloc(0);
  const from = String(fromEncoding).toLowerCase();
  const to = String(toEncoding).toLowerCase();
  if (!TRANSCODE_ENCODINGS.has(from) || !TRANSCODE_ENCODINGS.has(to)) {
    const err = nodeError(Error, 'U_ILLEGAL_ARGUMENT_ERROR', `Unable to transcode Buffer [U_ILLEGAL_ARGUMENT_ERROR]`);
    err.errno = 1;
    throw err;
  }
  let text = asBuffer(source).toString(normalizeEncoding(from));
  const target = normalizeEncoding(to);
  if (target === 'ascii') text = text.replace(/[^\x00-\x7f]/gu, '?');
  else if (target === 'latin1') text = text.replace(/[^\x00-\xff]/gu, '?');
  return Buffer.from(text, target);
}

const namespace = {
  Buffer, SlowBuffer, INSPECT_MAX_BYTES, kMaxLength, kStringMaxLength, constants, atob, btoa, Blob, File,
  resolveObjectURL, isAscii, isUtf8, transcode,
};
// INSPECT_MAX_BYTES is settable on the module object, as in Node.
Object.defineProperty(namespace, 'INSPECT_MAX_BYTES', {
  enumerable: true,
  configurable: true,
  get() {
    return INSPECT_MAX_BYTES;
  },
  set(value) {
    if (typeof value !== 'number' || value < 0) throw ERR_INVALID_ARG_TYPE('INSPECT_MAX_BYTES', 'number', value);
    INSPECT_MAX_BYTES = value;
  },
});

export default namespace;
