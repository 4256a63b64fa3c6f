// node:string_decoder: decodes a byte stream in pieces without splitting characters. UTF-8
// holds back an incomplete trailing sequence until the next write (invalid bytes become U+FFFD
// as Node decodes them), UTF-16LE an odd byte or a lone high surrogate, base64/base64url the
// bytes short of a 3-byte group; hex, latin1 and ascii need no state.
import { decodeUtf8 } from '../encoding.js';
import { ERR_INVALID_ARG_TYPE } from './_errors.js';

const { Buffer, normalizeEncoding } = require('./buffer.js');

function toBytes(buf) {
  if (buf instanceof Uint8Array) return buf;
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  throw ERR_INVALID_ARG_TYPE('buf', ['Buffer', 'TypedArray', 'DataView'], buf);
}

// How many bytes at the end of `bytes` start a UTF-8 sequence that is still incomplete.
function incompleteUtf8Tail(bytes) {
  const length = bytes.length;
  for (let back = 1; back <= Math.min(3, length); back++) {
    const b = bytes[length - back];
    if ((b & 0xc0) === 0x80) continue;
    const needed = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? (b <= 0xef ? 3 : 0) : b >= 0xc2 ? 2 : 0;
    return needed > back ? back : 0;
  }
  return 0;
}

function concat(a, b) {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export class StringDecoder {
  #pending = new Uint8Array(0);
  #total = 0;

  constructor(encoding = undefined) {
    this.encoding = normalizeEncoding(encoding);
  }

  get lastChar() {
    const out = Buffer.alloc(4);
    out.set(this.#pending.subarray(0, 4));
    return out;
  }

  get lastNeed() {
    return this.#pending.length === 0 ? 0 : this.#total - this.#pending.length;
  }

  get lastTotal() {
    return this.#pending.length === 0 ? 0 : this.#total;
  }

  write(buf) {
    if (typeof buf === 'string') return buf;
    return this.#decode(toBytes(buf), false);
  }

  end(buf = undefined) {
    let text = '';
    if (buf !== undefined && buf !== null) text = this.write(buf);
    return text + this.#decode(new Uint8Array(0), true);
  }

  text(buf, offset) {
    return this.write(toBytes(buf).subarray(offset));
  }

  #decode(bytes, flush) {
    const all = concat(this.#pending, bytes);
    this.#pending = new Uint8Array(0);
    this.#total = 0;
    switch (this.encoding) {
      case 'utf8': {
        const tail = flush ? 0 : incompleteUtf8Tail(all);
        if (tail > 0) {
          this.#pending = all.slice(all.length - tail);
          const lead = this.#pending[0];
          this.#total = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
        }
        return decodeUtf8(all.subarray(0, all.length - tail), { stripBOM: false });
      }
      case 'utf16le': {
        let end = all.length - (all.length % 2);
        if (!flush && end >= 2) {
          const last = all[end - 2] | (all[end - 1] << 8);
          if (last >= 0xd800 && last <= 0xdbff) end -= 2;
        }
        if (!flush && end < all.length) {
          this.#pending = all.slice(end);
          this.#total = this.#pending.length <= 2 ? 2 : 4;
        }
        let text = '';
        for (let i = 0; i + 1 < end; i += 2) text += String.fromCharCode(all[i] | (all[i + 1] << 8));
        return text;
      }
      case 'base64':
      case 'base64url': {
        const end = flush ? all.length : all.length - (all.length % 3);
        if (end < all.length) {
          this.#pending = all.slice(end);
          this.#total = 3;
        }
        return Buffer.from(all.buffer, all.byteOffset, end).toString(this.encoding);
      }
      default:
        return Buffer.from(all.buffer, all.byteOffset, all.byteLength).toString(this.encoding);
    }
  }
}

export default { StringDecoder };
