// URL and URLSearchParams (URL Standard). Parsing and setters run in the host's standard
// parser; the parsed components are cached here so reading them never leaves the isolate.
import { hostCall } from './internal/bridge.js';
import { encodeUtf8, decodeUtf8 } from './encoding.js';
import { definePairIterable } from './pair-iterator.js';

// Component order of the host's answers.
const HREF = 0, ORIGIN = 1, PROTOCOL = 2, USERNAME = 3, PASSWORD = 4, HOST = 5, HOSTNAME = 6, PORT = 7, PATHNAME = 8, SEARCH = 9, HASH = 10;

// Recent parses, so the same URL string (a request's url, parsed again by the handler, or the
// same route on every request) costs no host call. Component arrays are never mutated, so they
// can be shared between URL objects.
const PARSE_CACHE_SIZE = 128;
const parsed = new Map();

function remember(key, components) {
  if (parsed.size >= PARSE_CACHE_SIZE) parsed.delete(parsed.keys().next().value);
  parsed.set(key, components);
}

function parse(url, base) {
  const input = String(url);
  const key = base === undefined ? input : `${input}\u0000${String(base)}`;
  let components = parsed.get(key);
  if (components !== undefined) return components;
  components = base === undefined ? hostCall('urlParse', input) : hostCall('urlParse', input, String(base));
  remember(key, components);
  // Parsing a serialized URL gives the same URL back, so its href is known too.
  if (components !== null && components[HREF] !== key) remember(components[HREF], components);
  return components;
}

// --- application/x-www-form-urlencoded ----------------------------------------------------

function percentDecode(s) {
  if (!s.includes('%')) return s;
  const bytes = encodeUtf8(s);
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[n++] = (hexValue(bytes[i + 1]) << 4) | hexValue(bytes[i + 2]);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return decodeUtf8(out.subarray(0, n), { stripBOM: false });
}

const isHex = (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
const hexValue = (b) => (b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x57);

export function parseUrlEncoded(input) {
  const list = [];
  for (const sequence of input.split('&')) {
    if (sequence === '') continue;
    const eq = sequence.indexOf('=');
    const name = eq === -1 ? sequence : sequence.slice(0, eq);
    const value = eq === -1 ? '' : sequence.slice(eq + 1);
    list.push([percentDecode(name.replaceAll('+', ' ')), percentDecode(value.replaceAll('+', ' '))]);
  }
  return list;
}

const HEX = Array.from({ length: 256 }, (_, i) => '%' + i.toString(16).toUpperCase().padStart(2, '0'));

function serializeComponent(s) {
  if (/^[A-Za-z0-9*\-._]*$/.test(s)) return s;
  let out = '';
  for (const b of encodeUtf8(s)) {
    if (b === 0x20) out += '+';
    else if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2a || b === 0x2d || b === 0x2e || b === 0x5f) {
      out += String.fromCharCode(b);
    } else out += HEX[b];
  }
  return out;
}

function serializeUrlEncoded(list) {
  return list.map(([name, value]) => `${serializeComponent(name)}=${serializeComponent(value)}`).join('&');
}

// A USVString conversion: lone surrogates become U+FFFD.
const toUSV = (value) => String(value).toWellFormed();

// --- URLSearchParams ----------------------------------------------------------------------

// Lets URL reach a params object's list and owner without exposing them.
let paramsAccess;

export class URLSearchParams {
  #list = [];
  #url = null;

  constructor(init = '') {
    if (init !== null && typeof init === 'object' || typeof init === 'function') {
      if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          if (pair === null || typeof pair !== 'object' || typeof pair[Symbol.iterator] !== 'function') {
            throw new TypeError("Failed to construct 'URLSearchParams': The provided value cannot be converted to a sequence.");
          }
          const items = [...pair];
          if (items.length !== 2) {
            throw new TypeError("Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements");
          }
          this.#list.push([toUSV(items[0]), toUSV(items[1])]);
        }
      } else {
        // A record: keys that are equal once converted (lone surrogates become U+FFFD) keep the
        // first one's place and the last one's value.
        const record = new Map();
        for (const key of Reflect.ownKeys(init)) {
          if (typeof key !== 'string') continue;
          const desc = Reflect.getOwnPropertyDescriptor(init, key);
          if (desc?.enumerable) record.set(toUSV(key), toUSV(init[key]));
        }
        this.#list = [...record];
      }
    } else {
      let s = toUSV(init);
      if (s.startsWith('?')) s = s.slice(1);
      this.#list = parseUrlEncoded(s);
    }
  }

  static {
    paramsAccess = {
      attach(params, url) {
        params.#url = url;
      },
      list(params) {
        return params.#list;
      },
      replace(params, query) {
        params.#list = parseUrlEncoded(query);
      },
    };
  }

  // Tells the owning URL that the list changed.
  #update() {
    if (this.#url) urlAccess.setQuery(this.#url, serializeUrlEncoded(this.#list));
  }

  get size() {
    return this.#list.length;
  }

  append(name, value) {
    requireArgs(arguments, 2, 'append');
    this.#list.push([toUSV(name), toUSV(value)]);
    this.#update();
  }

  delete(name, value = undefined) {
    requireArgs(arguments, 1, 'delete');
    name = toUSV(name);
    if (value === undefined) this.#list = this.#list.filter(([n]) => n !== name);
    else {
      value = toUSV(value);
      this.#list = this.#list.filter(([n, v]) => n !== name || v !== value);
    }
    this.#update();
  }

  get(name) {
    requireArgs(arguments, 1, 'get');
    name = toUSV(name);
    const pair = this.#list.find(([n]) => n === name);
    return pair ? pair[1] : null;
  }

  getAll(name) {
    requireArgs(arguments, 1, 'getAll');
    name = toUSV(name);
    return this.#list.filter(([n]) => n === name).map(([, v]) => v);
  }

  has(name, value = undefined) {
    requireArgs(arguments, 1, 'has');
    name = toUSV(name);
    if (value === undefined) return this.#list.some(([n]) => n === name);
    value = toUSV(value);
    return this.#list.some(([n, v]) => n === name && v === value);
  }

  set(name, value) {
    requireArgs(arguments, 2, 'set');
    name = toUSV(name);
    value = toUSV(value);
    const at = this.#list.findIndex(([n]) => n === name);
    if (at === -1) this.#list.push([name, value]);
    else {
      this.#list[at][1] = value;
      this.#list = this.#list.filter(([n], i) => i <= at || n !== name);
    }
    this.#update();
  }

  sort() {
    // Array.prototype.sort is stable; names compare by UTF-16 code units.
    this.#list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.#update();
  }

  toString() {
    return serializeUrlEncoded(this.#list);
  }
}
definePairIterable(URLSearchParams, (params) => paramsAccess.list(params));
Object.defineProperty(URLSearchParams.prototype, Symbol.toStringTag, { value: 'URLSearchParams', configurable: true });

function requireArgs(args, count, method) {
  if (args.length < count) {
    throw new TypeError(`Failed to execute '${method}' on 'URLSearchParams': ${count} argument${count > 1 ? 's' : ''} required, but only ${args.length} present.`);
  }
}

// --- URL ----------------------------------------------------------------------------------

let urlAccess;

export class URL {
  #c;
  #params = null;

  constructor(url, base = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'URL': 1 argument required, but only 0 present.");
    const c = parse(url, base);
    if (c === null) throw new TypeError('Invalid URL string.');
    this.#c = c;
  }

  static {
    urlAccess = {
      setQuery(url, query) {
        url.#c = hostCall('urlSet', url.#c[HREF], 'search', query);
      },
    };
  }

  static canParse(url, base = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'canParse' on 'URL': 1 argument required, but only 0 present.");
    return parse(url, base) !== null;
  }

  static parse(url, base = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'parse' on 'URL': 1 argument required, but only 0 present.");
    try {
      return new URL(url, base);
    } catch {
      return null;
    }
  }

  #set(field, value) {
    this.#c = hostCall('urlSet', this.#c[HREF], field, toUSV(value));
  }

  get href() {
    return this.#c[HREF];
  }
  set href(value) {
    const c = parse(toUSV(value));
    if (c === null) throw new TypeError('Invalid URL string.');
    this.#c = c;
    if (this.#params) paramsAccess.replace(this.#params, c[SEARCH].slice(1));
  }
  get origin() {
    return this.#c[ORIGIN];
  }
  get protocol() {
    return this.#c[PROTOCOL];
  }
  set protocol(value) {
    this.#set('protocol', value);
  }
  get username() {
    return this.#c[USERNAME];
  }
  set username(value) {
    this.#set('username', value);
  }
  get password() {
    return this.#c[PASSWORD];
  }
  set password(value) {
    this.#set('password', value);
  }
  get host() {
    return this.#c[HOST];
  }
  set host(value) {
    this.#set('host', value);
  }
  get hostname() {
    return this.#c[HOSTNAME];
  }
  set hostname(value) {
    this.#set('hostname', value);
  }
  get port() {
    return this.#c[PORT];
  }
  set port(value) {
    this.#set('port', value);
  }
  get pathname() {
    return this.#c[PATHNAME];
  }
  set pathname(value) {
    this.#set('pathname', value);
  }
  get search() {
    return this.#c[SEARCH];
  }
  set search(value) {
    this.#set('search', value);
    if (this.#params) paramsAccess.replace(this.#params, this.#c[SEARCH].slice(1));
  }
  get searchParams() {
    if (!this.#params) {
      // Filled from the query as is: a leading "?" inside the query is data, not a prefix.
      this.#params = new URLSearchParams();
      paramsAccess.replace(this.#params, this.#c[SEARCH].slice(1));
      paramsAccess.attach(this.#params, this);
    }
    return this.#params;
  }
  get hash() {
    return this.#c[HASH];
  }
  set hash(value) {
    this.#set('hash', value);
  }

  toString() {
    return this.#c[HREF];
  }
  toJSON() {
    return this.#c[HREF];
  }
}
Object.defineProperty(URL.prototype, Symbol.toStringTag, { value: 'URL', configurable: true });
