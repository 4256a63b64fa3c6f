// KVNamespace as Workers has it: get (one key or up to 100), getWithMetadata, put, delete, list.
// Arguments are converted and checked here, with Workers' errors; every error is a rejection,
// never a synchronous throw. Storage is the host's (one machine: a read sees every write that was
// acknowledged before it, which is stronger than KV's eventual consistency).
import { hostAsync, hostCall } from '../internal/bridge.js';
import { isReadableStream, streams, pumpToHost } from '../streams.js';
import { encodeUtf8, TextDecoder } from '../encoding.js';
import { atob, btoa } from '../base64.js';

const kCreate = Symbol('create');
const MAX_KEY_BYTES = 512;
const MAX_VALUE_BYTES = 25 * 1024 * 1024;
const MAX_METADATA_BYTES = 1024;
const MIN_TTL = 60;
const MIN_CACHE_TTL = 30;
const MAX_LIST_LIMIT = 1000;
const MAX_BULK_KEYS = 100;
const TYPES = ['text', 'arrayBuffer', 'json', 'stream'];
const PUT_TYPES_MESSAGE = 'KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.';

const failed = (method, status, message) => new Error(`KV ${method} failed: ${status} ${message}`);

// A key as KV reads it (any value is converted to a string), checked as KV checks it.
function keyName(method, value) {
  const key = String(value);
  if (key === '') throw new TypeError('Key name cannot be empty.');
  if (key === '.' || key === '..') throw new TypeError(`"${key}" is not allowed as a key name.`);
  // A UTF-16 code unit is at most 3 bytes of UTF-8: short keys need no encoding to be measured.
  const length = key.length * 3 <= MAX_KEY_BYTES ? 0 : encodeUtf8(key).byteLength;
  if (length > MAX_KEY_BYTES) throw failed(method, 414, `UTF-8 encoded length of ${length} exceeds key length limit of ${MAX_KEY_BYTES}.`);
  // KV keys travel URL-encoded: a lone surrogate has no encoding.
  if (!key.isWellFormed()) throw failed(method, 400, 'Could not URL-decode key name');
  return key;
}

// The keys of a bulk get, checked as the bulk endpoint checks them.
function bulkKeyNames(values) {
  const keys = Array.from(values, (value) => String(value).toWellFormed());
  if (keys.length === 0) throw failed('GET_BULK', 400, 'You must request a minimum of 1 key');
  if (keys.length > MAX_BULK_KEYS) throw failed('GET_BULK', 400, `You can request a maximum of ${MAX_BULK_KEYS} keys`);
  for (const key of keys) {
    if (key === '' || key === '.' || key === '..') throw failed('GET_BULK', 400, `Key name ${key} is not legal`);
    const length = encodeUtf8(key).byteLength;
    if (length > MAX_KEY_BYTES) throw failed('GET_BULK', 414, `Encoded length of ${length} is too long`);
  }
  return keys;
}

// get()'s second argument: a type name, or { type, cacheTtl }.
function getOptions(options) {
  let type = 'text';
  let cacheTtl;
  if (typeof options === 'string') type = options;
  else if (options !== undefined && options !== null) {
    if (options.type !== undefined) type = String(options.type);
    if (options.cacheTtl !== undefined) cacheTtl = options.cacheTtl;
  }
  return { type, cacheTtl };
}

// cacheTtl is accepted and checked; with one machine there is no edge cache for it to tune.
function checkCacheTtl(method, cacheTtl) {
  if (cacheTtl === undefined) return;
  const seconds = Math.trunc(Number(cacheTtl)) || 0;
  if (seconds < MIN_CACHE_TTL) throw failed(method, 400, `Invalid cache_ttl of ${seconds}. Cache TTL must be at least ${MIN_CACHE_TTL}.`);
}

// [key, response type] of a single-key get, checked.
function checkGet(key, options) {
  const name = keyName('GET', key);
  const { type, cacheTtl } = getOptions(options);
  if (!TYPES.includes(type)) throw new TypeError('Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".');
  checkCacheTtl('GET', cacheTtl);
  return [name, type];
}

function parseMetadata(json) {
  return json === null ? null : JSON.parse(json);
}

function decodeValue(bytesOrText, type) {
  switch (type) {
    case 'text':
      return bytesOrText;
    case 'json':
      return JSON.parse(bytesOrText);
    case 'arrayBuffer':
      return bytesOrText.buffer.slice(bytesOrText.byteOffset, bytesOrText.byteOffset + bytesOrText.byteLength);
    default: {
      const { ReadableStream } = streams();
      return new ReadableStream({
        type: 'bytes',
        start(controller) {
          if (bytesOrText.byteLength > 0) controller.enqueue(bytesOrText);
          controller.close();
        },
      });
    }
  }
}

// The expiration a put asks for, in seconds since the epoch, or null. expirationTtl wins over
// expiration when both are given, as in Workers.
function expirationOf(options) {
  const now = Date.now() / 1000;
  if (options.expirationTtl !== undefined && options.expirationTtl !== null) {
    const ttl = Math.trunc(Number(options.expirationTtl)) || 0;
    if (ttl <= 0) throw failed('PUT', 400, `Invalid expiration_ttl of ${ttl}. Please specify integer greater than 0.`);
    if (ttl < MIN_TTL) throw failed('PUT', 400, `Invalid expiration_ttl of ${ttl}. Expiration TTL must be at least ${MIN_TTL}.`);
    return Math.floor(now) + ttl;
  }
  if (options.expiration !== undefined && options.expiration !== null) {
    const at = Math.trunc(Number(options.expiration)) || 0;
    if (at <= now) {
      throw failed('PUT', 400, `Invalid expiration of ${at}. Please specify integer greater than the current number of seconds since the UNIX epoch.`);
    }
    if (at < now + MIN_TTL) throw failed('PUT', 400, `Invalid expiration of ${at}. Expiration times must be at least ${MIN_TTL} seconds in the future.`);
    return at;
  }
  return null;
}

function metadataOf(options) {
  if (options.metadata === undefined || options.metadata === null) return null;
  const json = JSON.stringify(options.metadata);
  if (json === undefined) return null;
  const length = encodeUtf8(json).byteLength;
  if (length > MAX_METADATA_BYTES) throw failed('PUT', 413, `Metadata length of ${length} exceeds limit of ${MAX_METADATA_BYTES}.`);
  return json;
}

// A put's value: a string, bytes (copied now, so later changes to the buffer do not reach the
// store), or a ReadableStream.
function valueOf(value) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
  if (isReadableStream(value)) return value;
  const isBuffer = value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer);
  if (!isBuffer && !ArrayBuffer.isView(value)) throw new TypeError(PUT_TYPES_MESSAGE);
  if (isBuffer && value.detached) throw new TypeError(PUT_TYPES_MESSAGE);
  if (!isBuffer && value.buffer.detached) throw new TypeError(PUT_TYPES_MESSAGE);
  return isBuffer ? new Uint8Array(value.slice(0)) : new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
}

const encodeCursor = (key) => btoa(String.fromCharCode(...encodeUtf8(key)));

function decodeCursor(cursor) {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(atob(cursor), (c) => c.charCodeAt(0)));
  } catch {
    throw failed('GET', 400, 'Invalid cursor');
  }
}

export class KVNamespace {
  #binding;

  constructor(token, binding) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#binding = binding;
  }

  async get(key, options = undefined) {
    if (Array.isArray(key)) return this.#getBulk(key, options, false);
    const [name, type] = checkGet(key, options);
    const found = hostCall('kvGet', this.#binding, name, type === 'text' || type === 'json', false);
    return found === null ? null : decodeValue(found, type);
  }

  async getWithMetadata(key, options = undefined) {
    if (Array.isArray(key)) return this.#getBulk(key, options, true);
    const [name, type] = checkGet(key, options);
    const found = hostCall('kvGet', this.#binding, name, type === 'text' || type === 'json', true);
    if (found === null) return { value: null, metadata: null, cacheStatus: null };
    return { value: decodeValue(found[0], type), metadata: parseMetadata(found[1]), cacheStatus: null };
  }


  // A Map from each key to its value (withMetadata: to { value, metadata }), null where missing.
  async #getBulk(keyList, options, withMetadata) {
    const keys = bulkKeyNames(keyList);
    const { type, cacheTtl } = getOptions(options);
    if (type !== 'text' && type !== 'json') throw failed('GET_BULK', 400, `"${type}" is not a valid type. Use "json" or "text"`);
    checkCacheTtl('GET_BULK', cacheTtl);
    const found = hostCall('kvGetBulk', this.#binding, keys);
    const result = new Map();
    keys.forEach((key, i) => {
      const entry = found[i];
      if (entry === null) {
        result.set(key, null);
        return;
      }
      let value = entry[0];
      if (type === 'json') {
        try {
          value = JSON.parse(value);
        } catch {
          throw failed('GET_BULK', 400, 'At least one of the requested keys corresponds to a non-json value');
        }
      }
      result.set(key, withMetadata ? { value, metadata: parseMetadata(entry[1]) } : value);
    });
    return result;
  }

  async put(key, value, options = undefined) {
    const name = keyName('PUT', key);
    const body = valueOf(value);
    const given = options ?? {};
    const expiration = expirationOf(given);
    const metadata = metadataOf(given);
    if (!isReadableStream(body)) {
      const length = typeof body === 'string' ? encodeUtf8(body).byteLength : body.byteLength;
      if (length > MAX_VALUE_BYTES) throw failed('PUT', 413, `Value length of ${length} exceeds limit of ${MAX_VALUE_BYTES}.`);
      hostCall('kvPut', this.#binding, name, body, expiration, metadata);
      return undefined;
    }
    if (body.locked) throw new TypeError('This ReadableStream is currently locked to a reader.');
    const sinkId = hostCall('sinkCreate');
    const stored = hostAsync('kvPutStream', this.#binding, name, sinkId, expiration, metadata);
    // Both settle before put() does; a failure of the stream itself is the one reported.
    const outcomes = await Promise.allSettled([pumpToHost(body, sinkId), stored]);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return undefined;
  }

  async delete(key) {
    hostCall('kvDelete', this.#binding, keyName('DELETE', key));
    return undefined;
  }

  async list(options = undefined) {
    const given = options ?? {};
    const prefix = given.prefix === undefined || given.prefix === null ? '' : String(given.prefix).toWellFormed();
    let limit = MAX_LIST_LIMIT;
    if (given.limit !== undefined && given.limit !== null) {
      const asked = Math.trunc(Number(given.limit)) || 0;
      if (asked > MAX_LIST_LIMIT) throw failed('GET', 400, `Invalid key_count_limit of ${asked}. Please specify integer less than ${MAX_LIST_LIMIT}.`);
      if (asked > 0) limit = asked;
    }
    const after = given.cursor === undefined || given.cursor === null || given.cursor === '' ? '' : decodeCursor(String(given.cursor));
    const [rows, more] = hostCall('kvList', this.#binding, prefix, after, limit);
    const keys = rows.map(([name, expiration, metadata]) => {
      const key = { name };
      if (expiration !== null) key.expiration = expiration;
      if (metadata !== null) key.metadata = JSON.parse(metadata);
      return key;
    });
    if (!more) return { keys, list_complete: true, cacheStatus: null };
    return { keys, list_complete: false, cursor: encodeCursor(rows.at(-1)[0]), cacheStatus: null };
  }
}
Object.defineProperty(KVNamespace.prototype, Symbol.toStringTag, { value: 'KVNamespace', configurable: true });

export function createKvNamespace(binding) {
  return new KVNamespace(kCreate, binding);
}
