// atob() and btoa() (HTML Standard), using forgiving-base64 decoding; and the base64 of bytes
// that node:buffer uses.
import { DOMException } from './dom-exception.js';

// V8's own conversions, taken before any worker code runs. Node 24's V8 has them only behind a
// flag (set by the host, see prelude.js) and unfinished (no setFromBase64 or setFromHex, bugs at
// the edges): such a set stays off the worker's globals.
const nativeToBase64 = Uint8Array.prototype.toBase64;
const nativeFromBase64 = Uint8Array.fromBase64;
if (typeof Uint8Array.prototype.setFromBase64 !== 'function') {
  delete Uint8Array.prototype.toBase64;
  delete Uint8Array.prototype.toHex;
  delete Uint8Array.fromBase64;
  delete Uint8Array.fromHex;
}
const BASE64URL = Object.freeze({ alphabet: 'base64url' });
const BASE64URL_UNPADDED = Object.freeze({ alphabet: 'base64url', omitPadding: true });
// Whether V8 encodes a view as if it began where its buffer begins (Node 24's does); found out
// on first use.
let ignoresOffset;

// Base64 (padded) or base64url (unpadded, as Node writes it) of a Uint8Array.
export function bytesToBase64(bytes, url) {
  ignoresOffset ??= Reflect.apply(nativeToBase64, new Uint8Array([0, 255]).subarray(1), []) !== '/w==';
  const view = ignoresOffset && bytes.byteOffset !== 0 ? new Uint8Array(bytes) : bytes;
  return Reflect.apply(nativeToBase64, view, url ? [BASE64URL_UNPADDED] : []);
}

// The bytes of base64 or base64url text, decoded as Node (and Workers) decode either: a
// character above U+00FF counts as its low byte, both alphabets are read, any other character is
// skipped, decoding ends at the first "=" and a last lone character is dropped. Well-formed text
// is decoded as it is; anything else is first reduced to what Node reads of it.
export function base64ToBytes(text, url) {
  try {
    return nativeFromBase64(text, url ? BASE64URL : undefined);
  } catch {
    const latin1 = text.replace(/[^\0-\xff]/g, (c) => String.fromCharCode(c.charCodeAt(0) & 0xff));
    const end = latin1.indexOf('=');
    let clean = (end === -1 ? latin1 : latin1.slice(0, end)).replace(/[^A-Za-z0-9+/_-]+/g, '').replace(/[-_]/g, (c) => (c === '-' ? '+' : '/'));
    if (clean.length % 4 === 1) clean = clean.slice(0, -1);
    return nativeFromBase64(clean);
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const ASCII_WHITESPACE = /[\t\n\f\r ]/g;

function requireArgument(args, name) {
  if (args.length === 0) throw new TypeError(`Failed to execute '${name}': 1 argument required, but only 0 present.`);
}

export function atob(data) {
  requireArgument(arguments, 'atob');
  let input = String(data).replace(ASCII_WHITESPACE, '');
  if (input.length % 4 === 0) {
    if (input.endsWith('==')) input = input.slice(0, -2);
    else if (input.endsWith('=')) input = input.slice(0, -1);
  }
  if (input.length % 4 === 1) throw invalid();
  const out = [];
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    const v = c < 128 ? DECODE[c] : -1;
    if (v < 0) throw invalid();
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return binaryString(out);
}

export function btoa(data) {
  requireArgument(arguments, 'btoa');
  const input = String(data);
  let out = '';
  let i = 0;
  for (; i + 2 < input.length; i += 3) {
    const n = (byteAt(input, i) << 16) | (byteAt(input, i + 1) << 8) | byteAt(input, i + 2);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = input.length - i;
  if (rest === 1) {
    const n = byteAt(input, i) << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (byteAt(input, i) << 16) | (byteAt(input, i + 1) << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + '=';
  }
  return out;
}

function byteAt(s, i) {
  const c = s.charCodeAt(i);
  if (c > 0xff) throw new DOMException('The string to be encoded contains characters outside of the Latin1 range.', 'InvalidCharacterError');
  return c;
}

function invalid() {
  return new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
}

// String.fromCharCode in slices, to stay under the engine's argument count limit.
function binaryString(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode.apply(null, bytes.slice(i, i + 0x2000));
  return s;
}
