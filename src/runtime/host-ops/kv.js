// KV namespaces' host side, over the embedded store. The isolate names a binding; which
// namespace that is stays here. The isolate has already checked every argument and produced
// Workers' error messages; the checks here only keep a tampered isolate from storing what KV
// would refuse.
import { openKvStore, KV_LIMITS } from '../../storage/kv-store.js';

const decoder = new TextDecoder();
const byteLength = (text) => Buffer.byteLength(text, 'utf8');

function namespaceOf(host, binding) {
  return host.binding(binding, 'kv').namespaceId;
}

function checkKey(key) {
  if (typeof key !== 'string' || key === '' || key === '.' || key === '..' || (key.length * 3 > KV_LIMITS.keyBytes && byteLength(key) > KV_LIMITS.keyBytes)) {
    throw new TypeError('Invalid KV key.');
  }
}

function checkEntry(key, value, expiration, metadata) {
  checkKey(key);
  const size = typeof value === 'string' ? byteLength(value) : value?.byteLength;
  if (!(size <= KV_LIMITS.valueBytes)) throw new RangeError('Invalid KV value.');
  if (expiration !== null && !Number.isFinite(expiration)) throw new TypeError('Invalid KV expiration.');
  if (metadata !== null && (typeof metadata !== 'string' || byteLength(metadata) > KV_LIMITS.metadataBytes)) {
    throw new RangeError('Invalid KV metadata.');
  }
}

// The value (text when `asText`, else bytes) or null; with `withMetadata`, [value, metadata
// JSON | null] or null. (A lone string or byte array crosses to the isolate far more cheaply
// than an array holding it.)
function kvGet(host, binding, key, asText, withMetadata) {
  checkKey(key);
  const entry = openKvStore(host.spec.stateDir).get(namespaceOf(host, binding), key);
  if (!entry) return null;
  const value = asText ? decoder.decode(entry.value) : entry.value;
  return withMetadata ? [value, entry.metadata] : value;
}

// For each key, [text, metadata JSON | null] or null.
function kvGetBulk(host, binding, keys) {
  if (!Array.isArray(keys) || keys.length > KV_LIMITS.bulkGetKeys) throw new TypeError('Invalid KV keys.');
  const store = openKvStore(host.spec.stateDir);
  const namespace = namespaceOf(host, binding);
  let total = 0;
  return keys.map((key) => {
    checkKey(key);
    const entry = store.get(namespace, key);
    if (!entry) return null;
    total += entry.value.byteLength;
    if (total > KV_LIMITS.valueBytes) throw new Error('KV GET_BULK failed: 413 Total size of request exceeds the limit of 25MB');
    return [decoder.decode(entry.value), entry.metadata];
  });
}

// value: a string or bytes; expiration: seconds since the epoch or null.
function kvPut(host, binding, key, value, expiration, metadata) {
  checkEntry(key, value, expiration, metadata);
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  openKvStore(host.spec.stateDir).put(namespaceOf(host, binding), key, bytes, expiration, metadata);
}

// A value streamed by the isolate into sink `sinkId`: read whole (KV values are at most 25 MiB),
// then stored. An oversized stream is still read to its end, so the error names its length.
function kvPutStream(host, callId, binding, key, sinkId, expiration, metadata) {
  const sink = host.sinks.get(sinkId);
  const stored = (async () => {
    checkEntry(key, '', expiration, metadata);
    const namespace = namespaceOf(host, binding);
    if (!sink) throw new TypeError('Invalid KV value stream.');
    const chunks = [];
    let length = 0;
    for await (const chunk of sink.readable) {
      length += chunk.byteLength;
      if (length <= KV_LIMITS.valueBytes) chunks.push(chunk);
    }
    if (length > KV_LIMITS.valueBytes) {
      throw new Error(`KV PUT failed: 413 Value length of ${length} exceeds limit of ${KV_LIMITS.valueBytes}.`);
    }
    openKvStore(host.spec.stateDir).put(namespace, key, Buffer.concat(chunks, length), expiration, metadata);
    return null;
  })();
  // A put that failed before reading the stream must not leave the isolate's pump waiting.
  host.completeWith(callId, stored.catch((err) => {
    sink?.readable.resume();
    throw err;
  }));
}

function kvDelete(host, binding, key) {
  checkKey(key);
  openKvStore(host.spec.stateDir).delete(namespaceOf(host, binding), key);
}

// [[name, expiration | null, metadata JSON | null], ...] and whether more keys follow.
function kvList(host, binding, prefix, after, limit) {
  if (typeof prefix !== 'string' || typeof after !== 'string' || !Number.isInteger(limit) || limit < 1 || limit > KV_LIMITS.listLimit) {
    throw new TypeError('Invalid KV list options.');
  }
  const { keys, more } = openKvStore(host.spec.stateDir).list(namespaceOf(host, binding), { prefix, after, limit });
  return [keys.map(({ name, expiration, metadata }) => [name, expiration, metadata]), more];
}

export const ops = { kvGet, kvGetBulk, kvPut, kvPutStream, kvDelete, kvList };
