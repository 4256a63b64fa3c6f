// Headers (Fetch Standard), with Workers' behaviour where it differs: no forbidden header
// names (a server runtime sends what it is told) and values may hold any character but NUL,
// CR and LF (Workers sends non-Latin-1 text as UTF-8 instead of rejecting it).
import { definePairIterable } from './pair-iterator.js';

// RFC 9110 token characters.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Leading and trailing HTTP whitespace (tab, LF, CR, space).
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;
// A value that needs trimming or is invalid (most are neither, and are taken as they are).
const NOT_NORMAL = /^[\t\n\r ]|[\t\n\r ]$|[\0\r\n]/;

function normalizeName(name) {
  const s = String(name);
  if (!TOKEN.test(s)) throw new TypeError('Invalid header name.');
  return s.toLowerCase();
}

function normalizeValue(value) {
  const s = String(value);
  if (!NOT_NORMAL.test(s)) return s;
  const trimmed = s.replace(EDGE_WHITESPACE, '');
  if (FORBIDDEN_IN_VALUE.test(trimmed)) throw new TypeError('Invalid header value.');
  return trimmed;
}

let internal;

export class Headers {
  // [lowercased name, value] in insertion order.
  #list = [];
  // "immutable" or "none". The Fetch Standard's "request" and "response" guards only filter
  // forbidden names, which Workers does not have, so they behave as "none".
  #guard = 'none';
  // The sorted and combined pairs, recomputed after a change.
  #sorted = null;

  constructor(init = undefined) {
    if (init === undefined) return;
    if (init === null || (typeof init !== 'object' && typeof init !== 'function')) {
      throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
    }
    // Another Headers is copied directly, unless its iterator was replaced: then, like any
    // iterable, it is read through that iterator.
    if (#list in init && init[Symbol.iterator] === Headers.prototype[Symbol.iterator]) {
      this.#list = init.#list.map(([n, v]) => [n, v]);
    } else if (typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        if (pair === null || typeof pair !== 'object' || typeof pair[Symbol.iterator] !== 'function') {
          throw new TypeError("Failed to construct 'Headers': The provided value cannot be converted to a sequence.");
        }
        const items = [...pair];
        if (items.length !== 2) {
          throw new TypeError('To initialize a Headers object from a sequence, each inner sequence must have exactly two elements.');
        }
        this.append(items[0], items[1]);
      }
    } else {
      for (const key of Reflect.ownKeys(init)) {
        if (typeof key !== 'string') continue;
        if (Reflect.getOwnPropertyDescriptor(init, key)?.enumerable) this.append(key, init[key]);
      }
    }
  }

  static {
    internal = {
      setGuard(headers, guard) {
        headers.#guard = guard;
      },
      clone(headers) {
        const copy = new Headers(headers);
        copy.#guard = headers.#guard;
        return copy;
      },
      pairs(headers) {
        return headers.#pairs();
      },
      appendIfAbsent(headers, name, value) {
        for (const [k] of headers.#list) if (k === name) return;
        headers.#add(name, normalizeValue(value));
      },
    };
  }

  #checkGuard() {
    if (this.#guard === 'immutable') throw new TypeError("Can't modify immutable headers.");
  }

  append(name, value) {
    requireArgs(arguments, 2, 'append');
    this.#add(normalizeName(name), normalizeValue(value));
  }

  #add(name, value) {
    this.#checkGuard();
    this.#list.push([name, value]);
    this.#sorted = null;
  }

  delete(name) {
    requireArgs(arguments, 1, 'delete');
    const n = normalizeName(name);
    this.#checkGuard();
    if (!this.#list.some(([k]) => k === n)) return;
    this.#list = this.#list.filter(([k]) => k !== n);
    this.#sorted = null;
  }

  get(name) {
    requireArgs(arguments, 1, 'get');
    const n = normalizeName(name);
    let result = null;
    for (const [k, v] of this.#list) {
      if (k === n) result = result === null ? v : `${result}, ${v}`;
    }
    return result;
  }

  getSetCookie() {
    return this.#list.filter(([k]) => k === 'set-cookie').map(([, v]) => v);
  }

  // Workers' older, non-standard spelling of getSetCookie().
  getAll(name) {
    if (String(name).toLowerCase() !== 'set-cookie') {
      throw new TypeError('getAll() can only be used with the header name "Set-Cookie".');
    }
    return this.getSetCookie();
  }

  has(name) {
    requireArgs(arguments, 1, 'has');
    const n = normalizeName(name);
    return this.#list.some(([k]) => k === n);
  }

  set(name, value) {
    requireArgs(arguments, 2, 'set');
    const n = normalizeName(name);
    const v = normalizeValue(value);
    this.#checkGuard();
    const at = this.#list.findIndex(([k]) => k === n);
    if (at === -1) this.#list.push([n, v]);
    else {
      this.#list[at] = [n, v];
      this.#list = this.#list.filter(([k], i) => i <= at || k !== n);
    }
    this.#sorted = null;
  }

  // Sort-and-combine: names in code unit order, values of one name joined with ", " except
  // Set-Cookie, whose values stay separate. (The sort is stable: a name's values stay in order.)
  #pairs() {
    if (this.#sorted) return this.#sorted;
    const out = [];
    for (const [name, value] of this.#list.toSorted(byName)) {
      const last = out.length > 0 ? out[out.length - 1] : null;
      if (last !== null && last[0] === name && name !== 'set-cookie') last[1] = `${last[1]}, ${value}`;
      else out.push([name, value]);
    }
    this.#sorted = out;
    return out;
  }
}
definePairIterable(Headers, (headers) => internal.pairs(headers));
Object.defineProperty(Headers.prototype, Symbol.toStringTag, { value: 'Headers', configurable: true });

const byName = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function requireArgs(args, count, method) {
  if (args.length < count) {
    throw new TypeError(`Failed to execute '${method}' on 'Headers': ${count} argument${count > 1 ? 's' : ''} required, but only ${args.length} present.`);
  }
}

// Sets a Headers object's guard: "immutable" (incoming requests, Response.redirect() and
// Response.error()), or "request", "response", "none".
export function setHeadersGuard(headers, guard) {
  internal.setGuard(headers, guard);
}

// A copy of `headers` with the same guard, as Request and Response clone() need.
export function cloneHeaders(headers) {
  return internal.clone(headers);
}

// The sorted and combined [name, value] pairs, as iteration gives them.
export function headerPairs(headers) {
  return internal.pairs(headers);
}

// Appends header `name` (given in lowercase) unless there is one: a default of the runtime's.
export function appendHeaderIfAbsent(headers, name, value) {
  internal.appendIfAbsent(headers, name, value);
}
