// Request (Fetch Standard), shaped like Workers' Request: `cf`, a `signal` that is the one
// given, `cache` limited to what Workers supports, `encodeResponseBody`, and CORS-only init
// members rejected.
import { Body, extractBody, initBody, takeBody, cloneBody } from './body.js';
import { Headers, cloneHeaders, setHeadersGuard } from './headers.js';
import { URL } from './url.js';
import { parseBodyEncoding } from './response.js';
import { AbortController, AbortSignal } from './abort.js';
import { LazyJson } from './internal/lazy.js';
import { headersFromText } from './internal/header-list.js';

// Marks the runtime's own construction of an incoming request (see createIncomingRequest).
const INCOMING = Symbol('incoming');

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
// Methods Workers recognises and sends uppercased, whatever case they were given in.
const KNOWN_METHODS = new Set([
  'DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'PURGE', 'COPY', 'LOCK', 'MKCOL',
  'MOVE', 'PROPFIND', 'PROPPATCH', 'SEARCH', 'UNLOCK', 'ACL', 'REPORT', 'MKACTIVITY', 'CHECKOUT',
  'MERGE', 'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'QUERY', 'BAN',
]);
const CACHE_MODES = new Set(['no-store', 'no-cache', 'reload']);
// Init members Workers refuses outright: they only make sense for CORS in a browser.
const UNIMPLEMENTED_MEMBERS = ['mode', 'credentials', 'referrer', 'referrerPolicy'];

function normalizeMethod(value) {
  const method = String(value);
  const upper = method.toUpperCase();
  if (!TOKEN.test(method) || FORBIDDEN_METHODS.has(upper)) throw new TypeError(`Invalid HTTP method string: ${method}`);
  return KNOWN_METHODS.has(upper) ? upper : method;
}

function parseRedirect(value) {
  const redirect = String(value).toLowerCase();
  if (redirect !== 'follow' && redirect !== 'manual') {
    throw new TypeError(
      'Invalid redirect value, must be one of "follow" or "manual" ("error" won\'t be implemented since it does not make sense at the edge; use "manual" and check the response status code).',
    );
  }
  return redirect;
}

// Set from inside the class: Workers keeps encodeResponseBody off the JavaScript surface.
let readEncodeResponseBody;

export class Request extends Body {
  #method = 'GET';
  #url;
  #headers;
  #signal = null;
  #redirect = 'follow';
  #cf = undefined;
  #cache = undefined;
  #encodeResponseBody = 'automatic';

  constructor(input, init = undefined) {
    if (input === INCOMING) {
      super();
      // Already validated by the host; headers stay host text until first read.
      ({ method: this.#method, url: this.#url, headers: this.#headers, cf: this.#cf } = init);
      initBody(this, init.body, null);
      return;
    }
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Request': 1 argument required, but only 0 present.");
    if (init !== undefined && init !== null && typeof init !== 'object') {
      throw new TypeError("Failed to construct 'Request': The provided value is not of type 'RequestInit'.");
    }
    super();
    init ??= {};

    let headersInit;
    if (input instanceof Request) {
      this.#url = input.#url;
      this.#method = input.#method;
      this.#redirect = input.#redirect;
      this.#signal = input.#signal;
      this.#cf = input.#cf;
      this.#cache = input.#cache;
      this.#encodeResponseBody = input.#encodeResponseBody;
      headersInit = input.headers;
    } else {
      const url = String(input);
      const parsed = URL.parse(url);
      if (parsed === null) throw new TypeError(`Invalid URL: ${url}`);
      this.#url = parsed.href;
    }

    // Each member is read once, as a WebIDL dictionary conversion does.
    const { body: bodyInit, cache, cf, encodeResponseBody, headers, integrity, method, redirect, signal } = init;
    for (const member of UNIMPLEMENTED_MEMBERS) {
      if (init[member] !== undefined) throw new Error(`The '${member}' field on 'RequestInitializerDict' is not implemented.`);
    }
    if (integrity !== undefined && String(integrity) !== '') {
      throw new TypeError('Subrequest integrity checking is not implemented. The integrity option must be either undefined or an empty string.');
    }
    if (method !== undefined) this.#method = normalizeMethod(method);
    if (headers !== undefined) headersInit = headers;
    if (redirect !== undefined) this.#redirect = parseRedirect(redirect);
    if (cache !== undefined) {
      if (!CACHE_MODES.has(String(cache))) throw new TypeError(`Unsupported cache mode: ${cache}`);
      this.#cache = String(cache);
    }
    if (signal !== undefined) {
      if (signal !== null && !(signal instanceof AbortSignal)) {
        throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal.");
      }
      this.#signal = signal;
    }
    if (cf !== undefined) this.#cf = cf;
    if (encodeResponseBody !== undefined) this.#encodeResponseBody = parseBodyEncoding('encodeResponseBody', encodeResponseBody);

    this.#headers = new Headers(headersInit);
    setHeadersGuard(this.#headers, 'request');

    const hasInitBody = bodyInit !== undefined && bodyInit !== null;
    let body = null;
    if (hasInitBody) body = extractBody(bodyInit);
    // A body given in init (even null) replaces the input request's, which is left untouched.
    else if (bodyInit === undefined && input instanceof Request) body = takeBody(input);

    // Checked only when this constructor set the method or body: a GET request received with
    // a body may still be passed on as it is.
    if ((method !== undefined || hasInitBody) && body !== null && (this.#method === 'GET' || this.#method === 'HEAD')) {
      throw new TypeError('Request with a GET or HEAD method cannot have a body.');
    }
    initBody(this, body, this.#headers);
  }

  static {
    readEncodeResponseBody = (request) => request.#encodeResponseBody;
  }

  get method() {
    return this.#method;
  }
  get url() {
    return this.#url;
  }
  get headers() {
    if (typeof this.#headers === 'string') {
      // Incoming request headers are immutable in Workers; clone the request to change them.
      this.#headers = headersFromText(this.#headers);
      setHeadersGuard(this.#headers, 'immutable');
    }
    return this.#headers;
  }
  get redirect() {
    return this.#redirect;
  }
  // The signal given at construction, or one that never aborts.
  get signal() {
    this.#signal ??= new AbortController().signal;
    return this.#signal;
  }
  get cf() {
    if (this.#cf instanceof LazyJson) this.#cf = this.#cf.parse();
    return this.#cf;
  }
  get cache() {
    return this.#cache;
  }
  get integrity() {
    return '';
  }
  get keepalive() {
    return false;
  }

  clone() {
    const body = cloneBody(this);
    const copy = new Request(this.#url, { method: this.#method, redirect: this.#redirect, cf: this.cf, cache: this.#cache, signal: this.#signal, encodeResponseBody: this.#encodeResponseBody });
    copy.#headers = cloneHeaders(this.headers);
    initBody(copy, body, copy.#headers);
    return copy;
  }
}
Object.defineProperty(Request.prototype, Symbol.toStringTag, { value: 'Request', configurable: true });

// The request a fetch event delivers, built without re-validating what the host already checked:
// `url` is a serialized URL, `headers` the host's header text (see protocol.js), `cf` the request.cf value
// (or a LazyJson of it), `body` an extracted body ({ source, type }) or null.
export function createIncomingRequest(fields) {
  return new Request(INCOMING, fields);
}

// 'automatic' (a fetched gzip or br body is decoded) or 'manual' (it is given as received).
export function encodeResponseBodyOf(request) {
  return readEncodeResponseBody(request);
}
