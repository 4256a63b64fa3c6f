// R2 buckets' host side, over the embedded store (storage/r2-store.js). The isolate names a
// binding; which bucket that is stays here. The isolate has already converted and checked every
// argument with Workers' errors; what R2 itself decides (limits, checksums, conditions, ranges,
// the multipart rules) is decided by the store. The checks here only make sure that what reaches
// the store has the shape it relies on, whatever a tampered isolate sends.
import { openR2Bucket, CHECKSUM_ALGORITHMS } from '../../storage/r2-store.js';
import { Source } from './streams.js';

function bucketOf(host, binding) {
  return openR2Bucket(host.spec.stateDir, host.binding(binding, 'r2').bucketName);
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isCount = (value) => Number.isSafeInteger(value) && value >= 0;

function invalid(what) {
  return new TypeError(`Invalid R2 ${what}.`);
}

function checkKey(key) {
  if (typeof key !== 'string') throw invalid('key');
  return key;
}

function etagList(list) {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw invalid('condition');
  return list.map((tag) => {
    if (!isObject(tag) || !['strong', 'weak', 'wildcard'].includes(tag.type)) throw invalid('condition');
    if (tag.type === 'wildcard') return { type: 'wildcard' };
    if (typeof tag.value !== 'string') throw invalid('condition');
    return { type: tag.type, value: tag.value };
  });
}

function condition(onlyIf) {
  if (onlyIf === undefined || onlyIf === null) return undefined;
  if (!isObject(onlyIf)) throw invalid('condition');
  const time = (value) => {
    if (value !== undefined && !Number.isFinite(value)) throw invalid('condition');
    return value;
  };
  return {
    etagMatches: etagList(onlyIf.etagMatches),
    etagDoesNotMatch: etagList(onlyIf.etagDoesNotMatch),
    uploadedBefore: time(onlyIf.uploadedBefore),
    uploadedAfter: time(onlyIf.uploadedAfter),
    secondsGranularity: onlyIf.secondsGranularity === true,
  };
}

// httpMetadata, customMetadata and storageClass, for put and createMultipartUpload.
function objectMetadata(options) {
  const { httpMetadata, customMetadata, storageClass } = options;
  if (httpMetadata !== undefined && !isObject(httpMetadata)) throw invalid('httpMetadata');
  if (customMetadata !== undefined && (!isObject(customMetadata) || Object.values(customMetadata).some((v) => typeof v !== 'string'))) {
    throw invalid('customMetadata');
  }
  if (storageClass !== undefined && typeof storageClass !== 'string') throw invalid('storageClass');
  return { httpMetadata, customMetadata, storageClass };
}

function putOptions(options) {
  if (!isObject(options)) throw invalid('options');
  const checksums = options.checksums ?? {};
  if (!isObject(checksums) || Object.entries(checksums).some(([name, hex]) => !CHECKSUM_ALGORITHMS.includes(name) || typeof hex !== 'string')) {
    throw invalid('checksum');
  }
  return { ...objectMetadata(options), checksums, onlyIf: condition(options.onlyIf) };
}

function getOptions(options) {
  if (!isObject(options)) throw invalid('options');
  const { range, rangeHeader } = options;
  if (rangeHeader !== undefined && typeof rangeHeader !== 'string') throw invalid('range');
  if (range !== undefined) {
    if (!isObject(range) || ['offset', 'length', 'suffix'].some((name) => range[name] !== undefined && !isCount(range[name]))) {
      throw invalid('range');
    }
  }
  return { range, rangeHeader, onlyIf: condition(options.onlyIf) };
}

function listOptions(options) {
  if (!isObject(options)) throw invalid('options');
  const { prefix, delimiter, cursor, startAfter, limit, include = {} } = options;
  for (const value of [prefix, delimiter, cursor, startAfter]) {
    if (value !== undefined && typeof value !== 'string') throw invalid('list option');
  }
  if (limit !== undefined && typeof limit !== 'number') throw invalid('list option');
  return { prefix, delimiter, cursor, startAfter, limit, include: { http: include.http === true, custom: include.custom === true } };
}

// The body of a put or part: bytes or text handed over whole, or the sink the isolate streams
// it into (sinkId, 0 if none).
function bodySource(host, body, sinkId) {
  if (sinkId) {
    const sink = host.sinks.get(sinkId);
    if (!sink) throw new Error('The body stream was closed before it could be stored.');
    return sink.readable;
  }
  if (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) throw invalid('value');
  return body;
}

// Completes `callId` with `work()`; if that fails, a body still streaming in is closed so that
// the isolate's pump stops instead of waiting for a reader that will never come.
function upload(host, callId, sinkId, work) {
  const result = Promise.try(work).catch((err) => {
    if (sinkId) host.sinks.get(sinkId)?.readable.destroy();
    throw err;
  });
  host.completeWith(callId, result);
}

// Resolves with the object's metadata, or null.
export function r2Head(host, callId, binding, key) {
  host.completeWith(callId, Promise.try(() => bucketOf(host, binding).head(checkKey(key))));
}

// Resolves with [object, sourceId] (sourceId 0 when onlyIf did not hold), or null.
export function r2Get(host, callId, binding, key, options) {
  const invocation = host.current;
  host.completeWith(callId, Promise.try(async () => {
    const found = await bucketOf(host, binding).get(checkKey(key), getOptions(options));
    if (found === null) return null;
    if (found.body === null) return [found.object, 0];
    if (invocation.finished) {
      found.body.destroy();
      return null;
    }
    // The body belongs to the event that asked for it, and is closed when that ends.
    return [found.object, host.addSource(new Source(found.body), invocation)];
  }));
}

// Resolves with the new object's metadata, or null when onlyIf did not hold.
export function r2Put(host, callId, binding, key, options, body, sinkId) {
  upload(host, callId, sinkId, () => {
    const bucket = bucketOf(host, binding);
    return bucket.put(checkKey(key), bodySource(host, body, sinkId), putOptions(options));
  });
}

export function r2Delete(host, callId, binding, keys) {
  host.completeWith(callId, Promise.try(() => {
    if (!Array.isArray(keys)) throw invalid('keys');
    return bucketOf(host, binding).delete(keys.map(checkKey)).then(() => null);
  }));
}

// Resolves with { objects, truncated, cursor, delimitedPrefixes }.
export function r2List(host, callId, binding, options) {
  host.completeWith(callId, Promise.try(() => bucketOf(host, binding).list(listOptions(options))));
}

// Resolves with the new upload's id.
export function r2CreateMultipartUpload(host, callId, binding, key, options) {
  host.completeWith(callId, Promise.try(() => {
    if (!isObject(options)) throw invalid('options');
    return bucketOf(host, binding).createMultipartUpload(checkKey(key), objectMetadata(options));
  }));
}

// Resolves with the part's etag.
export function r2UploadPart(host, callId, binding, key, uploadId, partNumber, body, sinkId) {
  upload(host, callId, sinkId, () => {
    const bucket = bucketOf(host, binding);
    if (typeof uploadId !== 'string') throw invalid('upload id');
    return bucket.uploadPart(checkKey(key), uploadId, partNumber, bodySource(host, body, sinkId));
  });
}

// parts: [[partNumber, etag], ...]. Resolves with the object's metadata.
export function r2CompleteMultipartUpload(host, callId, binding, key, uploadId, parts) {
  host.completeWith(callId, Promise.try(() => {
    if (typeof uploadId !== 'string' || !Array.isArray(parts)) throw invalid('upload');
    const list = parts.map((part) => {
      if (!Array.isArray(part) || !Number.isInteger(part[0]) || typeof part[1] !== 'string') throw invalid('part');
      return { partNumber: part[0], etag: part[1] };
    });
    return bucketOf(host, binding).completeMultipartUpload(checkKey(key), uploadId, list);
  }));
}

export function r2AbortMultipartUpload(host, callId, binding, key, uploadId) {
  host.completeWith(callId, Promise.try(async () => {
    if (typeof uploadId !== 'string') throw invalid('upload id');
    await bucketOf(host, binding).abortMultipartUpload(checkKey(key), uploadId);
    return null;
  }));
}

// Spread into the host's table of operations; each needs an event.
export const ops = {
  r2Head, r2Get, r2Put, r2Delete, r2List, r2CreateMultipartUpload, r2UploadPart, r2CompleteMultipartUpload, r2AbortMultipartUpload,
};
