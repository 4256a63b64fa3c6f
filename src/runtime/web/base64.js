// atob() and btoa() (HTML Standard), using forgiving-base64 decoding.
import { DOMException } from './dom-exception.js';

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
