// The Cache API as Workers has it: `caches.default` and `caches.open(name)`, each a Cache with
// put/match/delete. Argument checks happen here, with Workers' TypeErrors; what may be stored,
// for how long, and how a match answers conditional and range requests is decided by the host,
// which keeps entries per worker and per cache.
import { hostAsync, hostCall } from './internal/bridge.js';
import { hostReadable, pumpToHost } from './streams.js';
import { Request } from './request.js';
import { Response } from './response.js';
import { takeBody } from './body.js';
import { Blob, blobBytes } from './blob.js';
import { encodeUtf8 } from './encoding.js';
import { headersFromText, headersToText } from './internal/header-list.js';

const kCreate = Symbol('create');
const MAX_CACHE_NAME_BYTES = 1024;
const USED_MESSAGE = 'Body has already been used. It can only be used once. Use tee() first if you need to read it twice.';

// Cache keys are Requests; a string or URL is taken as the URL of a GET request.
const toRequest = (input) => (input instanceof Request ? input : new Request(input));

const ignoresMethod = (options) => options !== undefined && options !== null && Boolean(options.ignoreMethod);

export class Cache {
  #name;

  constructor(token, name) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#name = name;
  }

  async put(request, response) {
    if (!(response instanceof Response)) throw new TypeError("Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.");
    if (response.type === 'error') throw new TypeError('Cache is unable to store an error response');
    const key = toRequest(request);
    if (key.method !== 'GET') throw new TypeError('Cannot cache response to non-GET request.');
    if (response.status === 206) throw new TypeError('Cannot cache response to a range request (206 Partial Content).');
    if (response.headers.get('vary')?.includes('*')) throw new TypeError("Cannot cache response with 'Vary: *' header.");
    if (response.webSocket !== null) throw new TypeError('Cannot cache WebSocket upgrade response.');
    // Workers silently drops 304s: caching one would answer later unconditional requests with it.
    if (response.status === 304) return undefined;
    if (response.bodyUsed) throw new TypeError(USED_MESSAGE);

    // The body is taken now, as in Workers: the response reads as used once put() returns.
    const taken = takeBody(response);
    let body = null;
    let stream = null;
    if (taken !== null) {
      const { source } = taken;
      if (typeof source === 'string' || source instanceof Uint8Array) body = source;
      else if (source instanceof Blob) body = blobBytes(source);
      else if (source.locked) throw new TypeError(USED_MESSAGE);
      else stream = source;
    }
    const sinkId = stream ? hostCall('sinkCreate') : 0;
    const stored = hostAsync('cachePut', this.#name, key.url, headersToText(key.headers),
      response.status, response.statusText, headersToText(response.headers), body, sinkId);
    // Both are awaited so that a failed put has been cleaned up when it rejects; a failure of
    // the body stream itself is the one reported.
    const outcomes = await Promise.allSettled([stream && pumpToHost(stream, sinkId), stored]);
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return undefined;
  }

  async match(request, options = undefined) {
    const key = toRequest(request);
    if (key.method !== 'GET' && !ignoresMethod(options)) return undefined;
    const found = await hostAsync('cacheMatch', this.#name, key.url, headersToText(key.headers));
    if (found === null) return undefined;
    const [status, statusText, headers, sourceId] = found;
    return new Response(sourceId ? hostReadable(sourceId) : null, { status, statusText, headers: headersFromText(headers) });
  }

  async delete(request, options = undefined) {
    const key = toRequest(request);
    if (key.method !== 'GET' && !ignoresMethod(options)) return false;
    return hostAsync('cacheDelete', this.#name, key.url);
  }
}
Object.defineProperty(Cache.prototype, Symbol.toStringTag, { value: 'Cache', configurable: true });

export class CacheStorage {
  #default = null;

  constructor(token) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
  }

  get default() {
    this.#default ??= new Cache(kCreate, null);
    return this.#default;
  }

  async open(cacheName) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'open' on 'CacheStorage': parameter 1 is not of type 'string'.");
    const name = String(cacheName);
    if (encodeUtf8(name).byteLength >= MAX_CACHE_NAME_BYTES) throw new TypeError('Cache name is too long.');
    return new Cache(kCreate, name);
  }
}
Object.defineProperty(CacheStorage.prototype, Symbol.toStringTag, { value: 'CacheStorage', configurable: true });

export const caches = new CacheStorage(kCreate);
