// R2Bucket as Workers has it: head, get, put, delete, list, createMultipartUpload and
// resumeMultipartUpload, with R2Object, R2ObjectBody, R2Checksums and R2MultipartUpload.
// Arguments are converted and checked here, with Workers' errors (every error of an asynchronous
// method is a rejection); what R2 decides (limits, checksums, conditions, ranges, multipart rules)
// is decided by the host, whose errors read as R2's: "put: <message> (<code>)".
//
// Bodies never cross whole unless they already are whole: a ReadableStream is pumped to the host
// as it is read, and an object's body is read from the host as the worker reads it.
import { hostAsync, hostCall } from '../internal/bridge.js';
import { isReadableStream, pumpToHost, hostReadable } from '../streams.js';
import { Headers } from '../headers.js';
import { Blob, blobBytes, blobFromBytes } from '../blob.js';
import { TextDecoder } from '../encoding.js';
import { concatBytes } from '../internal/bytes.js';

const kCreate = Symbol('create');
const USED_MESSAGE = 'Body has already been used. It can only be used once. Use tee() first if you need to read it twice.';
const VALUE_TYPES = 'ReadableStream or ArrayBuffer or ArrayBufferView or string or Blob';
const MAX_PART_NUMBER = 10000;

// ---- argument conversion, as Workers' bindings layer does it ----

const notOfType = (method, owner, index, type) =>
  new TypeError(`Failed to execute '${method}' on '${owner}': parameter ${index} is not of type '${type}'.`);
const badField = (field, struct, type) =>
  new TypeError(`Incorrect type for the '${field}' field on '${struct}': the provided value is not of type '${type}'.`);

const isObject = (value) => value !== null && (typeof value === 'object' || typeof value === 'function');

// A string parameter: anything is converted, but it must be passed. Lone surrogates become
// U+FFFD, as they do on the way to R2.
function stringArg(args, index, method, owner = 'R2Bucket') {
  if (args.length < index) throw notOfType(method, owner, index, 'string');
  return String(args[index - 1]).toWellFormed();
}

// An integer parameter (a part number): converted, NaN and infinities are 0.
function integerOf(value) {
  const n = Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

// An options dictionary: undefined and null are "none", anything else must be an object.
function dictionary(value, method, index, struct) {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw notOfType(method, 'R2Bucket', index, struct);
  return value;
}

// Bytes that cross to the host as they are: crossing copies a view's whole buffer, so a view of
// part of one (or of shared memory) is copied out first.
function forHost(bytes) {
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole ? bytes : bytes.slice();
}

function bytesOf(value) {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)) return new Uint8Array(value);
  return null;
}

// A value to store: { body } (a string, bytes or null) or { stream }.
function valueOf(value, method, owner, nullable) {
  if (value === null || value === undefined) {
    if (nullable) return { body: null, stream: null };
    throw notOfType(method, owner, 2, VALUE_TYPES);
  }
  if (typeof value === 'string') return { body: value, stream: null };
  if (isReadableStream(value)) {
    if (value.locked) throw new TypeError('This ReadableStream is currently locked to a reader.');
    if (value._disturbed === true) throw new TypeError('This ReadableStream is disturbed (has already been read from), and cannot be used as a body.');
    return { body: null, stream: value };
  }
  if (value instanceof Blob) return { body: forHost(blobBytes(value)), stream: null };
  const bytes = bytesOf(value);
  if (bytes !== null) return { body: forHost(bytes), stream: null };
  throw notOfType(method, owner, 2, VALUE_TYPES);
}

const HEX = /^[0-9a-f]*$/i;
const HASHES = [['md5', 'MD5', 16], ['sha1', 'SHA-1', 20], ['sha256', 'SHA-256', 32], ['sha384', 'SHA-384', 48], ['sha512', 'SHA-512', 64]];

function toHex(bytes) {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function fromHex(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

// The checksum put() was given, as { algorithm: lowercase hex } (at most one).
function checksumsOf(options) {
  const checksums = {};
  let given = false;
  for (const [field, name, size] of HASHES) {
    const value = options[field];
    if (value === undefined) continue;
    if (given) throw new TypeError('You cannot specify multiple hashing algorithms.');
    given = true;
    if (typeof value === 'string') {
      if (value.length !== size * 2) throw new TypeError(`${name} is ${size * 2} hex characters, not ${value.length}`);
      if (!HEX.test(value)) throw new TypeError(`Provided ${name} wasn't a valid hex string`);
      checksums[field] = value.toLowerCase();
      continue;
    }
    const bytes = bytesOf(value);
    if (bytes === null) throw badField(field, 'PutOptions', 'ArrayBuffer or ArrayBufferView or string');
    if (bytes.byteLength !== size) throw new TypeError(`${name} is ${size} bytes, not ${bytes.byteLength}`);
    checksums[field] = toHex(bytes);
  }
  return checksums;
}

function dateField(value, field, struct) {
  if (!(value instanceof Date)) throw badField(field, struct, 'date');
  return value.getTime();
}

// httpMetadata: an object of strings (and cacheExpiry, a Date), or Headers.
function httpMetadataOf(value, struct) {
  if (value === undefined || value === null) return undefined;
  const metadata = {};
  if (value instanceof Headers) {
    for (const [field, header] of [['contentType', 'content-type'], ['contentEncoding', 'content-encoding'],
      ['contentDisposition', 'content-disposition'], ['contentLanguage', 'content-language'], ['cacheControl', 'cache-control']]) {
      const text = value.get(header);
      if (text !== null) metadata[field] = text;
    }
    const expires = value.get('expires');
    if (expires !== null && !Number.isNaN(Date.parse(expires))) metadata.cacheExpiry = Date.parse(expires);
    return metadata;
  }
  if (!isObject(value)) throw badField('httpMetadata', struct, 'HttpMetadata or Headers');
  for (const field of ['contentType', 'contentLanguage', 'contentDisposition', 'contentEncoding', 'cacheControl']) {
    if (value[field] !== undefined) metadata[field] = String(value[field]);
  }
  if (value.cacheExpiry !== undefined) metadata.cacheExpiry = dateField(value.cacheExpiry, 'cacheExpiry', 'HttpMetadata');
  return metadata;
}

function customMetadataOf(value, struct) {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw badField('customMetadata', struct, 'object');
  const metadata = {};
  for (const name of Object.keys(value)) metadata[name] = String(value[name]);
  return metadata;
}

function objectMetadataOf(options, struct) {
  const metadata = {
    httpMetadata: httpMetadataOf(options.httpMetadata, struct),
    customMetadata: customMetadataOf(options.customMetadata, struct),
  };
  if (options.storageClass !== undefined) metadata.storageClass = String(options.storageClass);
  return metadata;
}

// ---- conditions ----

const COMMA_EXPECTED = 'Comma was expected to separate etags. ';

// An If-Match / If-None-Match header as a list of etags, parsed as Workers parses it: a bare
// `*` is a wildcard (and overrides everything else), quoted values are strong etags and W/"..."
// weak ones; anything unquoted is ignored.
function etagsFromHeader(header) {
  const tags = [];
  let rest = header;
  let needComma = false;
  for (;;) {
    const at = (char) => {
      const index = rest.indexOf(char);
      return index === -1 ? Infinity : index;
    };
    const star = at('*');
    const quote = at('"');
    const weak = at('W');
    const comma = at(',');
    if (star === Infinity && quote === Infinity) return tags;
    if (comma < star && comma < quote && comma < weak) {
      rest = rest.slice(comma + 1);
      needComma = false;
      continue;
    }
    if (needComma) {
      const first = Math.min(star, quote, weak);
      if (first === star) throw new Error(`${COMMA_EXPECTED}Encountered a wildcard character '*' instead.`);
      if (first === quote) throw new Error(`${COMMA_EXPECTED}Encountered a double quote character '"' instead. This would otherwise indicate the start of a new strong etag.`);
      throw new Error(`${COMMA_EXPECTED}Encountered a weak quotation character 'W' instead. This would otherwise indicate the start of a new weak etag.`);
    }
    if (star < quote) return [{ type: 'wildcard' }];
    const close = rest.indexOf('"', quote + 1);
    if (close === -1) throw new Error('Unclosed double quote for Etag');
    const value = rest.slice(quote + 1, close);
    if (weak < quote) {
      if (weak + 2 !== quote || rest[weak + 1] !== '/') throw new Error('Weak etags must start with W/ and their value must be quoted');
      tags.push({ type: 'weak', value });
    } else {
      tags.push({ type: 'strong', value });
    }
    rest = rest.slice(close + 1);
    needComma = true;
  }
}

function etagFromField(value, field) {
  if (typeof value !== 'string') throw badField(field, 'Conditional', 'string');
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    throw new TypeError(`Conditional ETag should not be wrapped in quotes (${value}).`);
  }
  return [value === '*' ? { type: 'wildcard' } : { type: 'strong', value }];
}

// onlyIf: a Conditional object or Headers, as the host evaluates it.
function conditionOf(value, struct) {
  if (value === undefined || value === null) return undefined;
  const condition = {};
  if (value instanceof Headers) {
    condition.secondsGranularity = true;
    const ifMatch = value.get('if-match');
    if (ifMatch !== null) condition.etagMatches = etagsFromHeader(ifMatch);
    const ifNoneMatch = value.get('if-none-match');
    if (ifNoneMatch !== null) condition.etagDoesNotMatch = etagsFromHeader(ifNoneMatch);
    const since = Date.parse(value.get('if-modified-since') ?? '');
    if (!Number.isNaN(since)) condition.uploadedAfter = since;
    const unmodifiedSince = Date.parse(value.get('if-unmodified-since') ?? '');
    if (!Number.isNaN(unmodifiedSince)) condition.uploadedBefore = unmodifiedSince;
    return condition;
  }
  if (!isObject(value)) throw badField('onlyIf', struct, 'Conditional or Headers');
  if (value.etagMatches !== undefined) condition.etagMatches = etagFromField(value.etagMatches, 'etagMatches');
  if (value.etagDoesNotMatch !== undefined) condition.etagDoesNotMatch = etagFromField(value.etagDoesNotMatch, 'etagDoesNotMatch');
  if (value.uploadedBefore !== undefined) condition.uploadedBefore = dateField(value.uploadedBefore, 'uploadedBefore', 'Conditional');
  if (value.uploadedAfter !== undefined) condition.uploadedAfter = dateField(value.uploadedAfter, 'uploadedAfter', 'Conditional');
  if (value.secondsGranularity !== undefined) condition.secondsGranularity = Boolean(value.secondsGranularity);
  return condition;
}

// ---- ranges ----

const isWhole = (n) => Number.isInteger(n);

function rangeOf(value) {
  const range = {};
  if (value.offset !== undefined) {
    const offset = Number(value.offset);
    if (!(offset >= 0)) throw new RangeError(`Invalid range. Starting offset (${offset}) must be greater than or equal to 0.`);
    if (!isWhole(offset)) throw new RangeError(`Invalid range. Starting offset (${offset}) must be an integer, not floating point.`);
    range.offset = offset;
  }
  if (value.length !== undefined) {
    const length = Number(value.length);
    if (!(length >= 0)) throw new RangeError(`Invalid range. Length (${length}) must be greater than or equal to 0.`);
    if (!isWhole(length)) throw new RangeError(`Invalid range. Length (${length}) must be an integer, not floating point.`);
    range.length = length;
  }
  if (value.suffix !== undefined) {
    if (value.offset !== undefined) throw new TypeError('Suffix is incompatible with offset.');
    if (value.length !== undefined) throw new TypeError('Suffix is incompatible with length.');
    const suffix = Number(value.suffix);
    if (!(suffix >= 0)) throw new RangeError(`Invalid suffix. Suffix (${suffix}) must be greater than or equal to 0.`);
    if (!isWhole(suffix)) throw new RangeError(`Invalid range. Suffix (${suffix}) must be an integer, not floating point.`);
    range.suffix = suffix;
  }
  return range;
}

function getOptionsOf(options) {
  const converted = {};
  const onlyIf = conditionOf(options.onlyIf, 'GetOptions');
  if (onlyIf !== undefined) converted.onlyIf = onlyIf;
  const { range } = options;
  if (range instanceof Headers) {
    const header = range.get('range');
    if (header !== null) converted.rangeHeader = header;
  } else if (range !== undefined && range !== null) {
    if (!isObject(range)) throw badField('range', 'GetOptions', 'Range or Headers');
    converted.range = rangeOf(range);
  }
  return converted;
}

// ---- results ----

function define(target, values) {
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(target, name, { value, enumerable: true, configurable: true, writable: false });
  }
}

export class R2Checksums {
  constructor(token, hexes) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    const values = {};
    for (const [field] of HASHES) values[field] = typeof hexes[field] === 'string' ? fromHex(hexes[field]).buffer : undefined;
    define(this, values);
  }

  // The checksums present, as hex.
  toJSON() {
    const json = {};
    for (const [field] of HASHES) {
      if (this[field] !== undefined) json[field] = toHex(new Uint8Array(this[field]));
    }
    return json;
  }
}
Object.defineProperty(R2Checksums.prototype, Symbol.toStringTag, { value: 'R2Checksums', configurable: true });

function httpMetadataFromHost(metadata) {
  if (metadata === undefined) return undefined;
  const { cacheExpiry, ...strings } = metadata;
  return cacheExpiry === undefined ? strings : { ...strings, cacheExpiry: new Date(cacheExpiry) };
}

const HEADER_OF = [['contentType', 'content-type'], ['contentLanguage', 'content-language'], ['contentDisposition', 'content-disposition'],
  ['contentEncoding', 'content-encoding'], ['cacheControl', 'cache-control']];

export class R2Object {
  constructor(token, meta) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    define(this, {
      key: meta.key,
      version: meta.version,
      size: meta.size,
      etag: meta.etag,
      httpEtag: `"${meta.etag}"`,
      checksums: new R2Checksums(kCreate, meta.checksums ?? {}),
      uploaded: new Date(meta.uploaded),
      httpMetadata: httpMetadataFromHost(meta.httpMetadata),
      customMetadata: meta.customMetadata === undefined ? undefined : { ...meta.customMetadata },
      range: meta.range === undefined ? undefined : { offset: meta.range.offset, length: meta.range.length },
      storageClass: meta.storageClass,
      ssecKeyMd5: undefined,
    });
  }

  // Sets the object's HTTP metadata as headers on `headers`.
  writeHttpMetadata(headers) {
    if (!(headers instanceof Headers)) throw notOfType('writeHttpMetadata', 'R2Object', 1, 'Headers');
    const metadata = this.httpMetadata;
    if (metadata === undefined) {
      throw new TypeError(`HTTP metadata unknown for key \`${this.key}\`. Did you forget to add 'httpMetadata' to \`include\` when listing?`);
    }
    for (const [field, header] of HEADER_OF) {
      if (metadata[field] !== undefined) headers.set(header, metadata[field]);
    }
    if (metadata.cacheExpiry !== undefined) headers.set('expires', metadata.cacheExpiry.toUTCString());
  }
}
Object.defineProperty(R2Object.prototype, Symbol.toStringTag, { value: 'R2Object', configurable: true });

async function readAll(stream) {
  const reader = stream.getReader();
  const chunks = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0] : concatBytes(chunks);
}

export class R2ObjectBody extends R2Object {
  #body;

  constructor(token, meta, body) {
    super(token, meta);
    this.#body = body;
  }

  get body() {
    return this.#body;
  }

  get bodyUsed() {
    return this.#body._disturbed === true;
  }

  #take() {
    if (this.bodyUsed || this.#body.locked) throw new TypeError(USED_MESSAGE);
    return readAll(this.#body);
  }

  async arrayBuffer() {
    const bytes = await this.#take();
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  }

  async bytes() {
    return this.#take();
  }

  async text() {
    return new TextDecoder().decode(await this.#take());
  }

  async json() {
    return JSON.parse(await this.text());
  }

  async blob() {
    return blobFromBytes(await this.#take(), this.httpMetadata?.contentType ?? '');
  }
}
Object.defineProperty(R2ObjectBody.prototype, Symbol.toStringTag, { value: 'R2ObjectBody', configurable: true });

// Sends `value` ({ body, stream }) with host op `op`, whose arguments are `args` followed by the
// body and the sink it streams into. Both sides are awaited so that a failed upload has been
// cleaned up when it rejects; a failure of the worker's own stream is the one reported.
async function upload(op, args, { body, stream }) {
  const sinkId = stream ? hostCall('sinkCreate') : 0;
  const stored = hostAsync(op, ...args, body, sinkId);
  const [pumped, result] = await Promise.allSettled([stream && pumpToHost(stream, sinkId), stored]);
  if (pumped.status === 'rejected') throw pumped.reason;
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

function cancelQuietly(stream) {
  if (stream && !stream.locked) stream.cancel(new Error('Stream cancelled because the associated put operation encountered an error.')).catch(() => {});
}

export class R2MultipartUpload {
  #bucket;

  constructor(token, bucket, key, uploadId) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#bucket = bucket;
    define(this, { key, uploadId });
  }

  async uploadPart(partNumber, value) {
    if (arguments.length < 1) throw notOfType('uploadPart', 'R2MultipartUpload', 1, 'integer');
    const number = integerOf(partNumber);
    const converted = valueOf(value, 'uploadPart', 'R2MultipartUpload', false);
    if (number < 1 || number > MAX_PART_NUMBER) {
      cancelQuietly(converted.stream);
      throw new TypeError(`Part number must be between 1 and ${MAX_PART_NUMBER} (inclusive). Actual value was: ${number}`);
    }
    const etag = await upload('r2UploadPart', [this.#bucket, this.key, this.uploadId, number], converted);
    return { partNumber: number, etag };
  }

  async abort() {
    await hostAsync('r2AbortMultipartUpload', this.#bucket, this.key, this.uploadId);
  }

  async complete(uploadedParts) {
    if (uploadedParts === null || typeof uploadedParts !== 'object' || typeof uploadedParts[Symbol.iterator] !== 'function') {
      throw notOfType('complete', 'R2MultipartUpload', 1, 'Array');
    }
    const parts = Array.from(uploadedParts, (part) => {
      if (!isObject(part)) throw notOfType('complete', 'R2MultipartUpload', 1, 'Array');
      const number = integerOf(part.partNumber);
      if (number < 1 || number > MAX_PART_NUMBER) {
        throw new TypeError(`Part number must be between 1 and ${MAX_PART_NUMBER} (inclusive). Actual value was: ${number}`);
      }
      return [number, String(part.etag)];
    });
    return new R2Object(kCreate, await hostAsync('r2CompleteMultipartUpload', this.#bucket, this.key, this.uploadId, parts));
  }
}
Object.defineProperty(R2MultipartUpload.prototype, Symbol.toStringTag, { value: 'R2MultipartUpload', configurable: true });

// ---- the bucket ----

export class R2Bucket {
  #name;

  constructor(token, name) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#name = name;
  }

  async head(key) {
    const name = stringArg(arguments, 1, 'head');
    const meta = await hostAsync('r2Head', this.#name, name);
    return meta === null ? null : new R2Object(kCreate, meta);
  }

  // An R2ObjectBody; an R2Object (no body) when onlyIf does not hold; null when there is none.
  async get(key, options = undefined) {
    const name = stringArg(arguments, 1, 'get');
    const converted = getOptionsOf(dictionary(options, 'get', 2, 'GetOptions'));
    const found = await hostAsync('r2Get', this.#name, name, converted);
    if (found === null) return null;
    const [meta, sourceId] = found;
    return sourceId ? new R2ObjectBody(kCreate, meta, hostReadable(sourceId)) : new R2Object(kCreate, meta);
  }

  // The stored R2Object, or null when onlyIf does not hold.
  async put(key, value, options = undefined) {
    const name = stringArg(arguments, 1, 'put');
    const converted = valueOf(value, 'put', 'R2Bucket', true);
    let sent;
    try {
      const given = dictionary(options, 'put', 3, 'PutOptions');
      sent = { ...objectMetadataOf(given, 'PutOptions'), checksums: checksumsOf(given) };
      const onlyIf = conditionOf(given.onlyIf, 'PutOptions');
      if (onlyIf !== undefined) sent.onlyIf = onlyIf;
    } catch (err) {
      cancelQuietly(converted.stream);
      throw err;
    }
    const meta = await upload('r2Put', [this.#name, name, sent], converted);
    return meta === null ? null : new R2Object(kCreate, meta);
  }

  async delete(keys) {
    if (arguments.length < 1) throw notOfType('delete', 'R2Bucket', 1, 'string or Array');
    const list = Array.isArray(keys) ? keys.map((key) => String(key).toWellFormed()) : [String(keys).toWellFormed()];
    await hostAsync('r2Delete', this.#name, list);
  }

  async list(options = undefined) {
    const given = dictionary(options, 'list', 1, 'ListOptions');
    const sent = {};
    if (given.limit !== undefined) sent.limit = integerOf(given.limit);
    for (const field of ['prefix', 'cursor', 'delimiter', 'startAfter']) {
      if (given[field] === undefined) continue;
      if (typeof given[field] !== 'string') throw badField(field, 'ListOptions', 'string');
      sent[field] = given[field].toWellFormed();
    }
    const include = { http: false, custom: false };
    if (given.include !== undefined) {
      if (given.include === null || typeof given.include !== 'object' || typeof given.include[Symbol.iterator] !== 'function') {
        throw badField('include', 'ListOptions', 'Array');
      }
      for (const value of given.include) {
        if (value === 'httpMetadata') include.http = true;
        else if (value === 'customMetadata') include.custom = true;
        else throw new RangeError(`Unsupported include value ${value}`);
      }
    }
    sent.include = include;
    const listed = await hostAsync('r2List', this.#name, sent);
    const result = {
      objects: listed.objects.map((meta) => new R2Object(kCreate, meta)),
      truncated: listed.truncated,
      delimitedPrefixes: listed.delimitedPrefixes,
    };
    if (listed.truncated) result.cursor = listed.cursor;
    return result;
  }

  async createMultipartUpload(key, options = undefined) {
    const name = stringArg(arguments, 1, 'createMultipartUpload');
    const given = dictionary(options, 'createMultipartUpload', 2, 'MultipartOptions');
    const uploadId = await hostAsync('r2CreateMultipartUpload', this.#name, name, objectMetadataOf(given, 'MultipartOptions'));
    return new R2MultipartUpload(kCreate, this.#name, name, uploadId);
  }

  resumeMultipartUpload(key, uploadId) {
    const name = stringArg(arguments, 1, 'resumeMultipartUpload');
    const id = stringArg(arguments, 2, 'resumeMultipartUpload');
    return new R2MultipartUpload(kCreate, this.#name, name, id);
  }
}
Object.defineProperty(R2Bucket.prototype, Symbol.toStringTag, { value: 'R2Bucket', configurable: true });

// env.<name> for an R2 binding called `name`.
export function createR2Bucket(name) {
  return new R2Bucket(kCreate, name);
}
