// node:querystring: Node's parse (null-prototype result, repeated keys as arrays, '+' as space,
// lenient decoding, maxKeys), stringify (arrays repeated, non-finite numbers and other types as
// empty values), escape/unescape/unescapeBuffer, and the decode/encode aliases.
const { Buffer } = require('./buffer.js');

function isHex(c) {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function hexValue(c) {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

// Percent-decodes leniently into bytes: malformed escapes stay as they are.
export function unescapeBuffer(s, decodeSpaces = false) {
  s = String(s);
  const out = Buffer.allocUnsafe(s.length * 3);
  let outIndex = 0;
  for (let index = 0; index < s.length; index++) {
    const c = s.charCodeAt(index);
    if (c === 37 && index + 2 < s.length && isHex(s.charCodeAt(index + 1)) && isHex(s.charCodeAt(index + 2))) {
      out[outIndex++] = hexValue(s.charCodeAt(index + 1)) * 16 + hexValue(s.charCodeAt(index + 2));
      index += 2;
    } else if (c === 43 && decodeSpaces) {
      out[outIndex++] = 32;
    } else if (c < 0x80) {
      out[outIndex++] = c;
    } else {
      const bytes = Buffer.from(s[index] + (c >= 0xd800 && c <= 0xdbff && index + 1 < s.length ? s[++index] : ''));
      for (const b of bytes) out[outIndex++] = b;
    }
  }
  return out.subarray(0, outIndex);
}

export function unescape(s, decodeSpaces = false) {
  try {
    return decodeURIComponent(s);
  } catch {
    return unescapeBuffer(s, decodeSpaces).toString();
  }
}

export function escape(str) {
  if (typeof str !== 'string') {
    if (typeof str === 'object') str = String(str);
    else str += '';
  }
  try {
    return encodeURIComponent(str);
  } catch {
    const err = new URIError('URI malformed');
    err.code = 'ERR_INVALID_URI';
    throw err;
  }
}

function encodeStringified(v, encode) {
  if (typeof v === 'string') return v.length ? encode(v) : '';
  if (typeof v === 'number' && Number.isFinite(v)) return Math.abs(v) < 1e21 ? `${v}` : encode(`${v}`);
  if (typeof v === 'bigint') return `${v}`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return '';
}

export function stringify(obj, sep = '&', eq = '=', options = undefined) {
  sep ||= '&';
  eq ||= '=';
  let encode = escape;
  if (options && typeof options.encodeURIComponent === 'function') encode = options.encodeURIComponent;
  if (obj === null || typeof obj !== 'object') return '';
  let fields = '';
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    const ks = `${encodeStringified(k, encode)}${eq}`;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      if (fields) fields += sep;
      for (let j = 0; j < v.length; ++j) {
        if (j) fields += sep;
        fields += ks + encodeStringified(v[j], encode);
      }
    } else {
      if (fields) fields += sep;
      fields += ks + encodeStringified(v, encode);
    }
  }
  return fields;
}

function decodeStr(s, decoder) {
  try {
    return decoder(s);
  } catch {
    return unescape(s, true);
  }
}

export function parse(qs, sep = '&', eq = '=', options = undefined) {
  const obj = { __proto__: null };
  if (typeof qs !== 'string' || qs.length === 0) return obj;
  sep = sep ? String(sep) : '&';
  eq = eq ? String(eq) : '=';
  let maxKeys = 1000;
  if (options && typeof options.maxKeys === 'number') maxKeys = options.maxKeys > 0 ? options.maxKeys : Infinity;
  const decode = options && typeof options.decodeURIComponent === 'function' ? options.decodeURIComponent : unescape;
  let pairs = qs.split(sep);
  if (pairs.length > maxKeys) pairs = pairs.slice(0, maxKeys);
  for (const pair of pairs) {
    if (pair.length === 0) continue;
    const idx = pair.indexOf(eq);
    let key = idx >= 0 ? pair.slice(0, idx) : pair;
    let value = idx >= 0 ? pair.slice(idx + eq.length) : '';
    if (key.includes('+')) key = key.replace(/\+/g, ' ');
    if (value.includes('+')) value = value.replace(/\+/g, ' ');
    key = decodeStr(key, decode);
    value = decodeStr(value, decode);
    if (Object.hasOwn(obj, key)) {
      const current = obj[key];
      if (Array.isArray(current)) current.push(value);
      else obj[key] = [current, value];
    } else {
      obj[key] = value;
    }
  }
  return obj;
}

export const decode = parse;
export const encode = stringify;

export default { unescapeBuffer, unescape, escape, stringify, encode, parse, decode };
