// The Cache API's host side: what Cloudflare's cache decides for Workers (whether a response may
// be stored and for how long, conditional and range requests on match) over the embedded store.
// Entries are keyed by worker name, cache (default or named) and URL, so a worker only ever
// reaches its own caches. A worker without a state directory has a cache that stores nothing,
// as the Workers preview does.
import { randomUUID } from 'node:crypto';
import { openCacheStore } from '../../storage/cache-store.js';
import { Source } from './streams.js';
import { joinHeaders, splitHeaders } from '../web/internal/protocol.js';

// Edge TTL by status when a response has neither Cache-Control freshness nor Expires; other
// statuses are not cached (Cloudflare's defaults).
const DEFAULT_TTL_S = { 200: 7200, 206: 7200, 301: 7200, 302: 1200, 303: 1200, 404: 180, 410: 180 };
const CHUNK = 64 * 1024;
// Recomputed for every response served from the cache.
const DERIVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'cf-cache-status']);

function storeOf(host) {
  return host.spec.stateDir ? openCacheStore(host.spec.stateDir) : null;
}

const keyOf = (host, cache, url) => ({ worker: host.spec.name ?? '', cache, url });

// Header lists as [name, value] pairs with lowercase names; `list` is flat [name, value, ...].
function pairs(list) {
  const out = [];
  for (let i = 0; i < list.length; i += 2) out.push([list[i].toLowerCase(), list[i + 1]]);
  return out;
}

function headerValue(headerPairs, name) {
  const values = headerPairs.filter(([n]) => n === name).map(([, v]) => v);
  return values.length === 0 ? null : values.join(', ');
}

// Cache-Control directives: lowercase name -> argument (unquoted), or true without one.
function parseCacheControl(value) {
  const directives = new Map();
  for (const [, name, arg] of (value ?? '').matchAll(/([^\s=,]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^,]*))?/g)) {
    let parsed = true;
    if (arg !== undefined) parsed = arg.startsWith('"') ? arg.slice(1, -1).replace(/\\(.)/g, '$1') : arg.trim();
    if (!directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), parsed);
  }
  return directives;
}

const fieldNames = (arg) => (arg === true ? [] : arg.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));

// How long a response stays fresh, in ms (0 or less: it is not stored).
function freshness(directives, headerPairs, status, now) {
  const age = (Number(headerValue(headerPairs, 'age')) || 0) * 1000;
  for (const name of ['s-maxage', 'max-age']) {
    if (directives.has(name)) {
      const seconds = directives.get(name);
      return /^\d+$/.test(seconds) ? Number(seconds) * 1000 - age : 0;
    }
  }
  const expires = headerValue(headerPairs, 'expires');
  if (expires !== null) {
    // An Expires that does not parse (such as "0") means already expired.
    const at = Date.parse(expires);
    const date = Date.parse(headerValue(headerPairs, 'date') ?? '');
    return Number.isNaN(at) ? 0 : at - (Number.isNaN(date) ? now : date) - age;
  }
  return (DEFAULT_TTL_S[status] ?? 0) * 1000 - age;
}

// Whether a response may be stored, as Cloudflare's cache decides with Origin Cache Control on:
// { expires, headers (to store) }, or null.
function storagePolicy(status, headerList, requestHeaderList) {
  const now = Date.now();
  const headerPairs = pairs(headerList);
  const directives = parseCacheControl(headerValue(headerPairs, 'cache-control'));
  if (directives.has('no-store') || directives.get('private') === true) return null;
  // no-cache asks for revalidation with the origin before every use, which cache.match() never does.
  const noCache = directives.get('no-cache');
  if (noCache === true) return null;
  if (noCache !== undefined && fieldNames(noCache).some((name) => headerValue(headerPairs, name) !== null)) return null;
  // private=<fields>: the response is stored without those fields (private=Set-Cookie is how a
  // response that sets cookies can be cached at all).
  const stripped = new Set([...DERIVED_HEADERS, ...(directives.has('private') ? fieldNames(directives.get('private')) : [])]);
  const kept = headerPairs.filter(([name]) => !stripped.has(name));
  if (headerValue(kept, 'set-cookie') !== null) return null;
  const authorized = headerValue(pairs(requestHeaderList), 'authorization') !== null;
  if (authorized && !['public', 'must-revalidate', 's-maxage'].some((name) => directives.has(name))) return null;
  const ttl = freshness(directives, headerPairs, status, now);
  if (!(ttl > 0)) return null;
  return { expires: now + ttl, headers: kept.flat() };
}

// ---- match: conditional and range requests ----

const opaqueTag = (tag) => tag.trim().replace(/^W\//, '');

function notModified(requestPairs, headerPairs) {
  const ifNoneMatch = headerValue(requestPairs, 'if-none-match');
  const etag = headerValue(headerPairs, 'etag');
  if (ifNoneMatch !== null) {
    if (etag === null) return false;
    return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => opaqueTag(tag) === opaqueTag(etag));
  }
  const since = Date.parse(headerValue(requestPairs, 'if-modified-since') ?? '');
  const modified = Date.parse(headerValue(headerPairs, 'last-modified') ?? '');
  return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
}

// A Range header against a body of `size` bytes: [[start, end), ...], 'unsatisfiable', or null
// when it is not a valid byte range request (the whole body is then served).
function parseRange(value, size) {
  const match = /^\s*bytes\s*=\s*(.+)$/i.exec(value);
  if (!match) return null;
  const ranges = [];
  for (const spec of match[1].split(',')) {
    const parts = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(spec);
    if (!parts || (parts[1] === '' && parts[2] === '')) return null;
    if (parts[1] === '') {
      const suffix = Number(parts[2]);
      if (suffix > 0 && size > 0) ranges.push([Math.max(0, size - suffix), size]);
      continue;
    }
    const start = Number(parts[1]);
    if (parts[2] !== '' && Number(parts[2]) < start) return null;
    const last = parts[2] === '' ? size - 1 : Math.min(Number(parts[2]), size - 1);
    if (start < size) ranges.push([start, last + 1]);
  }
  return ranges.length === 0 ? 'unsatisfiable' : ranges;
}

// What cache.match() answers for a stored entry: { status, statusText, headers (pairs), parts }
// where parts (null for no body) are byte arrays and [start, end) ranges of the body file.
function answer(entry, requestPairs) {
  const stored = pairs(entry.headers);
  const hit = ['cf-cache-status', 'HIT'];
  const whole = { status: entry.status, statusText: entry.statusText, headers: [...stored, ['content-length', String(entry.size)], hit], parts: [[0, entry.size]] };
  if (entry.status !== 200) return whole;
  if (notModified(requestPairs, stored)) {
    const headers = stored.filter(([name]) => !name.startsWith('content-') || name === 'content-location');
    return { status: 304, statusText: 'Not Modified', headers: [...headers, hit], parts: null };
  }
  const range = headerValue(requestPairs, 'range');
  const ranges = range === null ? null : parseRange(range, entry.size);
  if (ranges === null) return whole;
  if (ranges === 'unsatisfiable') {
    return { status: 416, statusText: 'Range Not Satisfiable', headers: [...stored, ['content-range', `bytes */${entry.size}`], ['content-length', '0'], hit], parts: null };
  }
  const contentRange = ([start, end]) => `bytes ${start}-${end - 1}/${entry.size}`;
  if (ranges.length === 1) {
    const [[start, end]] = ranges;
    return {
      status: 206,
      statusText: 'Partial Content',
      headers: [...stored, ['content-range', contentRange(ranges[0])], ['content-length', String(end - start)], hit],
      parts: ranges,
    };
  }
  // Several ranges: a multipart/byteranges body, each part with its own Content-Range.
  const boundary = randomUUID().replaceAll('-', '');
  const type = headerValue(stored, 'content-type');
  const encoder = new TextEncoder();
  const parts = [];
  for (const [i, range] of ranges.entries()) {
    const head = `${i === 0 ? '' : '\r\n'}--${boundary}\r\n${type === null ? '' : `Content-Type: ${type}\r\n`}Content-Range: ${contentRange(range)}\r\n\r\n`;
    parts.push(encoder.encode(head), range);
  }
  parts.push(encoder.encode(`\r\n--${boundary}--\r\n`));
  const length = parts.reduce((sum, part) => sum + (part instanceof Uint8Array ? part.byteLength : part[1] - part[0]), 0);
  const headers = stored.filter(([name]) => name !== 'content-type');
  headers.push(['content-type', `multipart/byteranges; boundary=${boundary}`], ['content-length', String(length)], hit);
  return { status: 206, statusText: 'Partial Content', headers, parts };
}

// A matched body, read from its open file in chunks, a range at a time. It is registered as a
// source before the entry is found, so that it belongs to the invocation and is closed with it.
class StoredBody {
  #handle = null;
  #parts = [];
  #position = null;
  #closed = false;

  attach(handle, parts) {
    if (this.#closed) handle.close().catch(() => {});
    else [this.#handle, this.#parts] = [handle, parts];
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async next() {
    while (!this.#closed && this.#parts.length > 0) {
      const part = this.#parts[0];
      if (part instanceof Uint8Array) {
        this.#parts.shift();
        return { done: false, value: part };
      }
      const [start, end] = part;
      this.#position ??= start;
      if (this.#position >= end) {
        this.#parts.shift();
        this.#position = null;
        continue;
      }
      const length = Math.min(CHUNK, end - this.#position);
      const { bytesRead, buffer } = await this.#handle.read(Buffer.allocUnsafe(length), 0, length, this.#position);
      if (bytesRead === 0) throw new Error('The cached body is shorter than recorded.');
      this.#position += bytesRead;
      return { done: false, value: buffer.subarray(0, bytesRead) };
    }
    this.destroy();
    return { done: true, value: undefined };
  }

  destroy() {
    if (this.#closed) return;
    this.#closed = true;
    this.#handle?.close().catch(() => {});
  }
}

// ---- operations ----

// cache: null for caches.default, else the name given to caches.open(). Header lists arrive as
// text (protocol.js). body: a string or bytes, or null; sinkId: the sink the isolate streams the
// body into instead (0 if none).
export function cachePut(host, callId, cache, url, requestHeaders, status, statusText, headers, body, sinkId) {
  const sink = sinkId ? host.sinks.get(sinkId) : null;
  const stored = Promise.try(() => {
    const store = storeOf(host);
    const policy = store && storagePolicy(status, splitHeaders(headers), splitHeaders(requestHeaders));
    if (policy) {
      const entry = { status, statusText, headers: policy.headers, expires: policy.expires };
      return store.put(keyOf(host, cache, url), entry, sink ? sink.readable : body);
    }
    // Not stored (Workers' cache answers 413), but the body is still read to its end, as Workers
    // does: cancelling it could cut off the request it streams from.
    sink?.readable.resume();
    return null;
  });
  // A store that failed before taking the body must not leave the isolate's pump waiting.
  host.completeWith(callId, stored.then(() => null, (err) => {
    sink?.readable.resume();
    throw err;
  }));
}

// Resolves with [status, statusText, headers, sourceId] or null.
export function cacheMatch(host, callId, cache, url, requestHeaders) {
  const store = storeOf(host);
  if (!store) return host.completeLater(callId, true, null);
  const body = new StoredBody();
  const sourceId = host.addSource(new Source(body));
  const lookup = async () => {
    const entry = await store.match(keyOf(host, cache, url));
    const response = entry && answer(entry, pairs(splitHeaders(requestHeaders)));
    if (response?.parts) body.attach(entry.handle, response.parts);
    else {
      await entry?.handle.close();
      body.destroy();
      host.sources.delete(sourceId);
    }
    return response && [response.status, response.statusText, joinHeaders(response.headers.flat()), response.parts ? sourceId : 0];
  };
  host.completeWith(callId, lookup().catch((err) => {
    body.destroy();
    host.sources.delete(sourceId);
    throw err;
  }));
}

export function cacheDelete(host, callId, cache, url) {
  const store = storeOf(host);
  if (!store) return host.completeLater(callId, true, false);
  host.completeWith(callId, store.delete(keyOf(host, cache, url)));
}
