// The embedded store behind R2 buckets: per bucket, one SQLite database of object metadata and one
// file per object body (or per part of a multipart object), under <state dir>/r2/<bucket>/. The
// R2 binding and `outpost r2` both go through it, and several processes may share a bucket: SQLite
// serialises the writers, and a body file is never changed once written (a replaced object gets a
// new file), so a reader holding one open is never disturbed.
//
// Durability: a body is written and fsynced (file and directory) before the row that names it
// commits, so an acknowledged put survives the process being killed, and a crash mid-upload leaves
// at worst an unreferenced file, which a later sweep removes: never a row without its body.
//
// What R2 decides (key and size limits, checksums, conditional operations, ranges, the multipart
// rules) is decided here, with R2's errors: `<operation>: <message> (<code>)`.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, existsSync, rmSync, statSync } from 'node:fs';
import { open, readdir, stat, unlink } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { storeOpener, writeTransaction } from './sqlite.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const R2_LIMITS = Object.freeze({
  keyBytes: 1024,
  // Custom metadata: the UTF-8 bytes of every key and value together.
  metadataBytes: 8192,
  // One request (a put, or one part): 5 MiB less than 5 GiB.
  uploadBytes: 5 * GiB - 5 * MiB,
  // A whole object (multipart): 5 GiB less than 5 TiB.
  objectBytes: 5 * 1024 * GiB - 5 * GiB,
  minPartBytes: 5 * MiB,
  maxPartNumber: 10000,
  listLimit: 1000,
  deleteKeys: 1000,
});

export const STORAGE_CLASSES = Object.freeze(['Standard', 'InfrequentAccess']);

// Unreferenced body files older than this are left over from a crash or a failed write (a write
// in progress keeps touching its file, so it is never this old).
const ORPHAN_AGE_MS = 60 * 60 * 1000;
// Multipart uploads not completed within this are aborted, as R2's default lifecycle rule does;
// finished uploads are forgotten after it too.
const UPLOAD_EXPIRY_MS = 7 * 24 * 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
const READ_CHUNK = 64 * 1024;
// Part files a multipart read opens up front; the rest are opened as the read reaches them.
const OPEN_AHEAD = 64;

const UPLOAD_IN_PROGRESS = 0;
const UPLOAD_COMPLETED = 1;
const UPLOAD_ABORTED = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bucket (
  name TEXT NOT NULL,
  created INTEGER NOT NULL -- ms since the epoch
);
CREATE TABLE IF NOT EXISTS objects (
  key BLOB PRIMARY KEY, -- UTF-8: BLOBs compare bytewise, which is the order R2 lists keys in
  version TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  uploaded INTEGER NOT NULL, -- ms since the epoch
  checksums TEXT NOT NULL, -- JSON { md5, sha1, ... } as hex
  http_metadata TEXT NOT NULL, -- JSON, cacheExpiry in ms
  custom_metadata TEXT NOT NULL, -- JSON
  storage_class TEXT NOT NULL,
  blob TEXT, -- body file under blobs/, or NULL for a multipart object
  upload_id TEXT -- a multipart object: the upload whose parts are its body
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS uploads (
  upload_id TEXT PRIMARY KEY,
  key BLOB NOT NULL,
  http_metadata TEXT NOT NULL,
  custom_metadata TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  state INTEGER NOT NULL, -- 0 in progress, 1 completed, 2 aborted
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS parts (
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  blob TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  md5 TEXT NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS parts_blob ON parts (blob);
CREATE INDEX IF NOT EXISTS objects_blob ON objects (blob) WHERE blob IS NOT NULL;
`;

// ---- errors ----

// An error as R2 reports it to a Worker: a plain Error whose message ends with R2's code.
export class R2Error extends Error {
  constructor(operation, message, code) {
    super(`${operation}: ${message} (${code})`);
    this.code = code;
  }
}
// Rebuilt in an isolate as an Error, as Workers throws it.
Object.defineProperty(R2Error.prototype, 'name', { value: 'Error' });

const ERRORS = {
  internal: ['We encountered an internal error. Please try again.', 10001],
  invalidObjectName: ['The specified object name is not valid.', 10020],
  entityTooLarge: ['Your proposed upload exceeds the maximum allowed object size.', 100100],
  entityTooSmall: ['Your proposed upload is smaller than the minimum allowed object size.', 10011],
  metadataTooLarge: ['Your metadata headers exceed the maximum allowed metadata size.', 10012],
  invalidMaxKeys: ['MaxKeys params must be positive integer <= 1000.', 10022],
  noSuchUpload: ['The specified multipart upload does not exist.', 10024],
  invalidPart: ['One or more of the specified parts could not be found.', 10025],
  invalidRange: ['The requested range is not satisfiable', 10039],
  badUpload: ['There was a problem with the multipart upload.', 10048],
  tooManyKeys: [`You can delete at most ${R2_LIMITS.deleteKeys} keys at once.`, 10029],
  invalidStorageClass: [`The storage class you specified is not valid. It must be one of: ${STORAGE_CLASSES.join(', ')}.`, 10029],
};

function r2Error(operation, which) {
  const [message, code] = ERRORS[which];
  return new R2Error(operation, message, code);
}

const DIGESTS = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
export const CHECKSUM_ALGORITHMS = Object.freeze(Object.keys(DIGESTS));

function badDigest(operation, algorithm, provided, actual) {
  const name = DIGESTS[algorithm];
  return new R2Error(operation, [
    `The ${name} checksum you specified did not match what we received.`,
    `You provided a ${name} checksum with value: ${provided}`,
    `Actual ${name} was: ${actual}`,
  ].join('\n'), 10037);
}

// ---- keys, names and directories ----

const utf8 = (text) => Buffer.from(text, 'utf8');
const fromUtf8 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

function checkKey(operation, key) {
  if (typeof key !== 'string') throw new TypeError('An R2 key must be a string.');
  if (Buffer.byteLength(key, 'utf8') > R2_LIMITS.keyBytes) throw r2Error(operation, 'invalidObjectName');
}

// The smallest byte string greater than every string that starts with `bytes` (null: none).
// UTF-8 never contains 0xff, so incrementing the last byte never carries.
function upperBound(bytes) {
  if (bytes.length === 0) return null;
  const bound = Buffer.from(bytes);
  bound[bound.length - 1] += 1;
  return bound;
}

// The smallest byte string greater than `bytes`.
const successor = (bytes) => Buffer.concat([bytes, Buffer.from([0])]);

// Bucket names map to directory names: the characters R2 allows stay as they are, anything else
// (possible in a hand-written config) is percent-encoded so that no name can leave r2/.
export function bucketDirName(name) {
  return Array.from(name, (char) => (/[a-z0-9_-]/i.test(char) ? char : [...utf8(char)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''))).join('');
}

function bucketNameOf(dirName) {
  try {
    return decodeURIComponent(dirName);
  } catch {
    return dirName;
  }
}

export const r2Dir = (stateDir) => path.resolve(stateDir, 'r2');
export const bucketDir = (stateDir, name) => path.join(r2Dir(stateDir), bucketDirName(name));
const databaseFile = (dir) => path.join(dir, 'r2.sqlite');

// R2's rule for bucket names (what `wrangler r2 bucket create` accepts).
export function validBucketName(name) {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name);
}

// The buckets under `stateDir`: [{ name, dir }], by name.
export function listBuckets(stateDir) {
  const root = r2Dir(stateDir);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(databaseFile(path.join(root, entry.name))))
    .map((entry) => ({ name: bucketNameOf(entry.name), dir: path.join(root, entry.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function bucketExists(stateDir, name) {
  return existsSync(databaseFile(bucketDir(stateDir, name)));
}

// The bucket `name` of `stateDir`, created on first use and opened once per process.
// (Its blobs directory is made when the bucket's database is opened, not on every call.)
export const openR2Bucket = storeOpener((stateDir, name) => databaseFile(bucketDir(stateDir, name)), (db, stateDir, name) => {
  const dir = bucketDir(stateDir, name);
  mkdirSync(path.join(dir, 'blobs'), { recursive: true });
  return new R2BucketStore(db, dir, name);
});

// Removes bucket `name` and everything in it (the caller checks that it is empty, as R2 wants).
// The bucket must not be in use by a running worker.
export function removeBucket(stateDir, name) {
  const dir = bucketDir(stateDir, name);
  openR2Bucket(stateDir, name).close();
  rmSync(dir, { recursive: true, force: true });
}

// ---- conditions and ranges ----

// `onlyIf` as the binding hands it over: { etagMatches, etagDoesNotMatch: [{ type: 'strong' |
// 'weak' | 'wildcard', value }], uploadedBefore, uploadedAfter (ms), secondsGranularity }.
// Whether it holds for `object` ({ etag, uploaded } or null), as R2 evaluates it (RFC 9110's
// precedence: a matching If-Match overrides If-Unmodified-Since, a passing If-None-Match
// overrides If-Modified-Since).
export function conditionHolds(condition, object) {
  if (!condition) return true;
  const { etagMatches, etagDoesNotMatch, uploadedBefore, uploadedAfter, secondsGranularity } = condition;
  if (!object) return etagMatches === undefined && uploadedAfter === undefined;
  const includes = (list, weakComparison) =>
    list.some((tag) => tag.type === 'wildcard' || (tag.value === object.etag && (tag.type === 'strong' || weakComparison)));
  const time = secondsGranularity ? (ms) => Math.floor(ms / 1000) * 1000 : (ms) => ms;
  const ifMatch = etagMatches === undefined || includes(etagMatches, false);
  const ifNoneMatch = etagDoesNotMatch === undefined || !includes(etagDoesNotMatch, true);
  const modified = time(object.uploaded);
  const ifModifiedSince = uploadedAfter === undefined || time(uploadedAfter) < modified || (etagDoesNotMatch !== undefined && ifNoneMatch);
  const ifUnmodifiedSince = uploadedBefore === undefined || modified < time(uploadedBefore) || (etagMatches !== undefined && ifMatch);
  return ifMatch && ifNoneMatch && ifModifiedSince && ifUnmodifiedSince;
}

// A Range header's single byte range over `size` bytes as { offset, length }; null when the
// header is not one valid byte range (the whole object is then returned, as R2 does).
function rangeFromHeader(operation, header, size) {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Math.min(Number(match[2]), size);
    if (suffix === 0) throw r2Error(operation, 'invalidRange');
    return { offset: size - suffix, length: suffix };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return null;
  if (start >= size) throw r2Error(operation, 'invalidRange');
  return { offset: start, length: end - start + 1 };
}

// { offset, length } of the bytes a get returns; `range` is { offset, length, suffix } (each a
// non-negative integer or undefined), `rangeHeader` a Range header's value.
function resolveRange(operation, { range, rangeHeader }, size) {
  if (typeof rangeHeader === 'string') return rangeFromHeader(operation, rangeHeader, size) ?? { offset: 0, length: size };
  if (!range) return { offset: 0, length: size };
  let { offset, length } = range;
  if (range.suffix !== undefined) {
    if (range.suffix <= 0) throw r2Error(operation, 'invalidRange');
    length = Math.min(range.suffix, size);
    offset = size - length;
  }
  offset ??= 0;
  length ??= size - offset;
  if (offset < 0 || offset >= size || length <= 0) {
    // An empty object has one satisfiable read: all of it.
    if (size === 0 && offset === 0 && range.length === undefined && range.suffix === undefined) return { offset: 0, length: 0 };
    throw r2Error(operation, 'invalidRange');
  }
  return { offset, length: Math.min(length, size - offset) };
}

// ---- metadata ----

function metadataSize(customMetadata) {
  let bytes = 0;
  for (const [name, value] of Object.entries(customMetadata)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

const HTTP_FIELDS = ['contentType', 'contentLanguage', 'contentDisposition', 'contentEncoding', 'cacheControl'];

// Only the fields R2 keeps, of the types it keeps them as.
function cleanHttpMetadata(httpMetadata) {
  const clean = {};
  if (httpMetadata === null || typeof httpMetadata !== 'object') return clean;
  for (const field of HTTP_FIELDS) {
    if (typeof httpMetadata[field] === 'string') clean[field] = httpMetadata[field];
  }
  if (Number.isFinite(httpMetadata.cacheExpiry)) clean.cacheExpiry = httpMetadata.cacheExpiry;
  return clean;
}

function cleanCustomMetadata(customMetadata) {
  const clean = {};
  if (customMetadata === null || typeof customMetadata !== 'object') return clean;
  for (const [name, value] of Object.entries(customMetadata)) clean[name] = String(value);
  return clean;
}

function checkMetadata(operation, { customMetadata, storageClass }) {
  if (metadataSize(customMetadata) > R2_LIMITS.metadataBytes) throw r2Error(operation, 'metadataTooLarge');
  if (!STORAGE_CLASSES.includes(storageClass)) throw r2Error(operation, 'invalidStorageClass');
}

// An object row as the binding and the CLI see it: { key, version, size, etag, uploaded (ms),
// checksums { md5, ... as hex }, httpMetadata, customMetadata, storageClass }, with the metadata
// left out unless `include` asks for it.
function objectOf(row, include = { http: true, custom: true }) {
  const object = {
    key: fromUtf8(row.key),
    version: row.version,
    size: row.size,
    etag: row.etag,
    uploaded: row.uploaded,
    checksums: JSON.parse(row.checksums),
    storageClass: row.storage_class,
  };
  if (include.http) object.httpMetadata = JSON.parse(row.http_metadata);
  if (include.custom) object.customMetadata = JSON.parse(row.custom_metadata);
  return object;
}

const newVersion = () => randomBytes(16).toString('hex');
const newUploadId = () => randomBytes(48).toString('base64url');
const newPartEtag = () => randomBytes(16).toString('hex');
const newBlobName = () => `${Date.now().toString(36)}-${randomBytes(12).toString('hex')}`;

const ignoreMissing = (err) => {
  if (err?.code !== 'ENOENT') throw err;
};

// ---- bodies ----

// `source` (null, a string, bytes, or a Node Readable) as a Readable.
function readableOf(source) {
  if (source !== null && typeof source === 'object' && typeof source.pipe === 'function') return source;
  if (source === null || source === undefined) return Readable.from([]);
  const bytes = typeof source === 'string' ? utf8(source) : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  return Readable.from(bytes.length > 0 ? [bytes] : []);
}

// An object's body (or a range of it) read from its files, a chunk at a time: an async iterable
// of Buffers with destroy(). `segments` are { file, start, end, handle? } in order; a handle
// opened ahead is used and closed, others are opened when the read reaches them.
export class ObjectBody {
  #segments;
  #handle = null;
  #position = null;
  #done = false;

  constructor(segments) {
    this.#segments = segments;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async next() {
    while (!this.#done && this.#segments.length > 0) {
      const segment = this.#segments[0];
      if (this.#handle === null) {
        try {
          this.#handle = segment.handle ?? (await open(segment.file, 'r'));
        } catch (err) {
          if (err?.code === 'ENOENT') throw new Error('The object was replaced or deleted while it was being read.');
          throw err;
        }
        segment.handle = null;
        this.#position = segment.start;
      }
      if (this.#position >= segment.end) {
        await this.#closeHandle();
        this.#segments.shift();
        continue;
      }
      const length = Math.min(READ_CHUNK, segment.end - this.#position);
      const buffer = Buffer.allocUnsafeSlow(length);
      const { bytesRead } = await this.#handle.read(buffer, 0, length, this.#position);
      if (bytesRead === 0) throw new Error('An R2 body file is shorter than recorded.');
      this.#position += bytesRead;
      return { done: false, value: bytesRead === length ? buffer : buffer.subarray(0, bytesRead) };
    }
    this.destroy();
    return { done: true, value: undefined };
  }

  async return() {
    this.destroy();
    return { done: true, value: undefined };
  }

  async #closeHandle() {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => {});
  }

  destroy() {
    if (this.#done) return;
    this.#done = true;
    this.#closeHandle();
    for (const segment of this.#segments) segment.handle?.close().catch(() => {});
    this.#segments = [];
  }
}

// ---- the store ----

export class R2BucketStore {
  constructor(db, dir, name) {
    this.db = db;
    this.dir = dir;
    this.name = name;
    this.blobs = path.join(dir, 'blobs');
    // R2's limits; a test may lower the upload size, which no test can reach for real.
    this.limits = R2_LIMITS;
    db.exec(SCHEMA);
    const s = (sql) => db.prepare(sql);
    const columns = 'key, version, size, etag, uploaded, checksums, http_metadata, custom_metadata, storage_class, blob, upload_id';
    this.statements = {
      bucket: s('SELECT name, created FROM bucket LIMIT 1'),
      setBucket: s('INSERT INTO bucket (name, created) VALUES (?, ?)'),
      object: s(`SELECT ${columns} FROM objects WHERE key = ?`),
      upsert: s(`INSERT OR REPLACE INTO objects (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      deleteObject: s('DELETE FROM objects WHERE key = ? RETURNING blob, upload_id'),
      // key >= ?1, key < ?2 (unless NULL), LIMIT ?3.
      list: s(`SELECT ${columns} FROM objects WHERE key >= ?1 AND (?2 IS NULL OR key < ?2) ORDER BY key LIMIT ?3`),
      count: s('SELECT count(*) AS n FROM objects'),
      upload: s('SELECT upload_id, key, http_metadata, custom_metadata, storage_class, state, created FROM uploads WHERE upload_id = ?'),
      createUpload: s(`INSERT INTO uploads (upload_id, key, http_metadata, custom_metadata, storage_class, state, created)
        VALUES (?, ?, ?, ?, ?, ${UPLOAD_IN_PROGRESS}, ?)`),
      setUploadState: s('UPDATE uploads SET state = ? WHERE upload_id = ?'),
      part: s('SELECT blob FROM parts WHERE upload_id = ? AND part_number = ?'),
      upsertPart: s('INSERT OR REPLACE INTO parts (upload_id, part_number, blob, size, etag, md5) VALUES (?, ?, ?, ?, ?, ?)'),
      parts: s('SELECT part_number, blob, size, etag, md5 FROM parts WHERE upload_id = ? ORDER BY part_number'),
      deletePart: s('DELETE FROM parts WHERE upload_id = ? AND part_number = ? RETURNING blob'),
      deleteParts: s('DELETE FROM parts WHERE upload_id = ? RETURNING blob'),
      staleUploads: s(`SELECT upload_id, state FROM uploads WHERE created < ?`),
      deleteUpload: s('DELETE FROM uploads WHERE upload_id = ?'),
      uploadInUse: s('SELECT 1 FROM objects WHERE upload_id = ? LIMIT 1'),
      referenced: s('SELECT EXISTS (SELECT 1 FROM objects WHERE blob = ?1) OR EXISTS (SELECT 1 FROM parts WHERE blob = ?1) AS used'),
    };
    writeTransaction(db, () => {
      if (!this.statements.bucket.get()) this.statements.setBucket.run(name, Date.now());
    });
    this.sweep().catch(() => {});
    this.sweeper = setInterval(() => {
      if (db.isOpen) this.sweep().catch(() => {});
      else clearInterval(this.sweeper);
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  get created() {
    return this.statements.bucket.get()?.created ?? null;
  }

  close() {
    clearInterval(this.sweeper);
    if (this.db.isOpen) this.db.close();
  }

  isEmpty() {
    return this.statements.count.get().n === 0;
  }

  #file(blob) {
    return path.join(this.blobs, blob);
  }

  async #unlink(blobs) {
    await Promise.all(blobs.filter(Boolean).map((blob) => unlink(this.#file(blob)).catch(ignoreMissing)));
  }

  // Writes `source` to a new body file, hashing it with `algorithms` and refusing more than
  // `maxBytes`. Resolves with { blob, size, digests: { algorithm: hex } } once the file and its
  // directory entry are on disk; on failure the file is removed and `source` destroyed.
  async #writeBody(operation, source, algorithms, maxBytes) {
    const blob = newBlobName();
    const file = this.#file(blob);
    const hashes = algorithms.map((algorithm) => [algorithm, createHash(algorithm)]);
    let size = 0;
    const meter = new Transform({
      transform(chunk, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) return callback(r2Error(operation, 'entityTooLarge'));
        for (const [, hash] of hashes) hash.update(chunk);
        callback(null, chunk);
      },
    });
    const input = readableOf(source);
    try {
      // `flush` fsyncs the file before the stream reports that it finished.
      await pipeline(input, meter, createWriteStream(file, { flags: 'wx', flush: true }));
      await this.#syncDirectory();
    } catch (err) {
      input.destroy();
      await this.#unlink([blob]);
      throw err;
    }
    return { blob, size, digests: Object.fromEntries(hashes.map(([algorithm, hash]) => [algorithm, hash.digest('hex')])) };
  }

  // Makes new directory entries in blobs/ durable (a file's own fsync does not cover its name).
  async #syncDirectory() {
    let handle;
    try {
      handle = await open(this.blobs, 'r');
      await handle.sync();
    } catch (err) {
      // Some platforms cannot open or sync a directory; the file itself is synced all the same.
      if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes(err?.code)) throw err;
    } finally {
      await handle?.close();
    }
  }

  // Inside the write transaction that will refer to `blob`: the sweep removes unreferenced files
  // only while holding the write lock, so a file still here now stays until the commit makes it
  // referenced. (Only an upload that stalled for longer than ORPHAN_AGE_MS can lose its file.)
  #checkWritten(blob) {
    if (!existsSync(this.#file(blob))) throw new Error('The upload took too long: its body was removed as abandoned. Try again.');
  }

  // The blob files of the object in `row` (its own, or its upload's parts), removing the parts'
  // rows. Runs inside a write transaction.
  #releaseObject(row) {
    if (!row) return [];
    if (row.blob !== null) return [row.blob];
    return this.statements.deleteParts.all(row.upload_id).map((part) => part.blob);
  }

  // ---- operations ----

  head(key) {
    checkKey('head', key);
    const row = this.statements.object.get(utf8(key));
    if (!row) return null;
    return { ...objectOf(row), range: { offset: 0, length: row.size } };
  }

  // options: { range, rangeHeader, onlyIf } (see resolveRange and conditionHolds). Resolves with
  // { object, body: ObjectBody } (object.range is the range returned), { object, body: null }
  // when onlyIf does not hold, or null when there is no such object.
  async get(key, options = {}) {
    checkKey('get', key);
    // A concurrent put or delete may remove the files between reading the row and opening them;
    // the row is then read again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = this.statements.object.get(utf8(key));
      if (!row) return null;
      const object = objectOf(row);
      if (!conditionHolds(options.onlyIf, row)) return { object: { ...object, range: { offset: 0, length: row.size } }, body: null };
      const range = resolveRange('get', options, row.size);
      object.range = range;
      const segments = this.#segmentsOf(row, range);
      if (segments === null) continue;
      try {
        for (const segment of segments.slice(0, OPEN_AHEAD)) segment.handle = await open(segment.file, 'r');
      } catch (err) {
        for (const segment of segments) await segment.handle?.close();
        ignoreMissing(err);
        continue;
      }
      return { object, body: new ObjectBody(segments) };
    }
    throw r2Error('get', 'internal');
  }

  // The file segments holding `range` of the object in `row` (null: its parts changed meanwhile).
  #segmentsOf(row, { offset, length }) {
    const end = offset + length;
    if (row.blob !== null) return [{ file: this.#file(row.blob), start: offset, end }];
    const segments = [];
    let at = 0;
    const parts = this.statements.parts.all(row.upload_id);
    if (parts.reduce((sum, part) => sum + part.size, 0) !== row.size) return null;
    for (const part of parts) {
      const partEnd = at + part.size;
      if (partEnd > offset && at < end) {
        segments.push({ file: this.#file(part.blob), start: Math.max(offset, at) - at, end: Math.min(end, partEnd) - at });
      }
      at = partEnd;
    }
    return segments;
  }

  // Stores `source` (null, a string, bytes or a Readable, which is consumed) under `key`.
  // options: { httpMetadata, customMetadata, checksums: { algorithm: hex } (at most one besides
  // md5), onlyIf, storageClass }. Resolves with the new object, or null when onlyIf does not hold.
  async put(key, source, options = {}) {
    const metadata = {
      httpMetadata: cleanHttpMetadata(options.httpMetadata),
      customMetadata: cleanCustomMetadata(options.customMetadata),
      storageClass: options.storageClass ?? 'Standard',
    };
    const expected = Object.entries(options.checksums ?? {}).filter(([algorithm, hex]) => CHECKSUM_ALGORITHMS.includes(algorithm) && typeof hex === 'string');
    try {
      checkKey('put', key);
      checkMetadata('put', metadata);
      // Checked before the upload too, so that a put bound to fail does not write its body first.
      if (!conditionHolds(options.onlyIf, this.statements.object.get(utf8(key)))) {
        readableOf(source).destroy();
        return null;
      }
    } catch (err) {
      readableOf(source).destroy();
      throw err;
    }
    const algorithms = ['md5', ...expected.map(([algorithm]) => algorithm).filter((algorithm) => algorithm !== 'md5')];
    const { blob, size, digests } = await this.#writeBody('put', source, algorithms, this.limits.uploadBytes);
    const checksums = { md5: digests.md5 };
    for (const [algorithm, hex] of expected) {
      if (hex.toLowerCase() !== digests[algorithm]) {
        await this.#unlink([blob]);
        throw badDigest('put', algorithm, hex, digests[algorithm]);
      }
      checksums[algorithm] = digests[algorithm];
    }
    const row = {
      key: utf8(key), version: newVersion(), size, etag: digests.md5, uploaded: Date.now(), checksums: JSON.stringify(checksums),
      http_metadata: JSON.stringify(metadata.httpMetadata), custom_metadata: JSON.stringify(metadata.customMetadata),
      storage_class: metadata.storageClass, blob, upload_id: null,
    };
    let released;
    try {
      released = writeTransaction(this.db, () => {
        this.#checkWritten(blob);
        const previous = this.statements.object.get(row.key);
        if (!conditionHolds(options.onlyIf, previous)) return null;
        this.#upsert(row);
        return this.#releaseObject(previous);
      });
    } catch (err) {
      await this.#unlink([blob]);
      throw err;
    }
    if (released === null) {
      await this.#unlink([blob]);
      return null;
    }
    await this.#unlink(released);
    return objectOf(row);
  }

  #upsert(row) {
    this.statements.upsert.run(row.key, row.version, row.size, row.etag, row.uploaded, row.checksums,
      row.http_metadata, row.custom_metadata, row.storage_class, row.blob, row.upload_id);
  }

  // Deletes `keys` (a key or an array of at most 1000); missing keys are skipped.
  async delete(keys) {
    const list = Array.isArray(keys) ? keys : [keys];
    if (list.length > R2_LIMITS.deleteKeys) throw r2Error('delete', 'tooManyKeys');
    for (const key of list) checkKey('delete', key);
    const released = writeTransaction(this.db, () => list.flatMap((key) => this.#releaseObject(this.statements.deleteObject.get(utf8(key)))));
    await this.#unlink(released);
  }

  // options: { prefix, delimiter, cursor, startAfter, limit, include: { http, custom } }.
  // Returns { objects, truncated, cursor (when truncated), delimitedPrefixes }; the limit counts
  // objects and delimited prefixes together.
  list(options = {}) {
    const limit = options.limit ?? R2_LIMITS.listLimit;
    if (!Number.isInteger(limit) || limit < 1 || limit > R2_LIMITS.listLimit) throw r2Error('list', 'invalidMaxKeys');
    const prefix = options.prefix ?? '';
    const delimiter = options.delimiter || null;
    const include = options.include ?? { http: false, custom: false };
    const prefixBytes = utf8(prefix);
    const upper = upperBound(prefixBytes);
    let from = prefixBytes;
    const raise = (bound) => {
      if (Buffer.compare(bound, from) > 0) from = bound;
    };
    if (options.startAfter !== undefined) raise(successor(utf8(options.startAfter)));
    if (options.cursor) raise(Buffer.from(options.cursor, 'base64url'));

    const objects = [];
    const delimitedPrefixes = [];
    let count = 0;
    scan: while (count < limit) {
      const rows = this.statements.list.all(from, upper, limit - count + 1);
      if (rows.length === 0) break;
      for (const row of rows) {
        const key = fromUtf8(row.key);
        const at = delimiter === null ? -1 : key.indexOf(delimiter, prefix.length);
        if (at >= 0) {
          // Everything under this delimited prefix is one entry: skip past all of it.
          const group = key.slice(0, at + delimiter.length);
          delimitedPrefixes.push(group);
          count += 1;
          from = upperBound(utf8(group));
          continue scan;
        }
        objects.push(objectOf(row, include));
        count += 1;
        from = successor(Buffer.from(row.key));
        if (count === limit) break scan;
      }
    }
    const truncated = count === limit && this.statements.list.all(from, upper, 1).length > 0;
    const result = { objects, truncated, delimitedPrefixes };
    if (truncated) result.cursor = from.toString('base64url');
    return result;
  }

  // ---- multipart uploads ----

  // options: { httpMetadata, customMetadata, storageClass }. Returns the upload id.
  createMultipartUpload(key, options = {}) {
    checkKey('createMultipartUpload', key);
    const metadata = {
      httpMetadata: cleanHttpMetadata(options.httpMetadata),
      customMetadata: cleanCustomMetadata(options.customMetadata),
      storageClass: options.storageClass ?? 'Standard',
    };
    checkMetadata('createMultipartUpload', metadata);
    const uploadId = newUploadId();
    this.statements.createUpload.run(uploadId, utf8(key), JSON.stringify(metadata.httpMetadata),
      JSON.stringify(metadata.customMetadata), metadata.storageClass, Date.now());
    return uploadId;
  }

  // The upload `uploadId` of `key` when it is in progress, else null.
  #uploadInProgress(key, uploadId) {
    const upload = this.statements.upload.get(String(uploadId));
    if (!upload || Buffer.compare(Buffer.from(upload.key), utf8(key)) !== 0 || upload.state !== UPLOAD_IN_PROGRESS) return null;
    return upload;
  }

  // Stores part `partNumber` (1..10000) of an upload; resolves with the part's etag.
  async uploadPart(key, uploadId, partNumber, source) {
    try {
      checkKey('uploadPart', key);
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > R2_LIMITS.maxPartNumber) {
        throw new TypeError(`Part number must be between 1 and ${R2_LIMITS.maxPartNumber} (inclusive). Actual value was: ${partNumber}`);
      }
      if (!this.#uploadInProgress(key, uploadId)) throw r2Error('uploadPart', 'noSuchUpload');
    } catch (err) {
      readableOf(source).destroy();
      throw err;
    }
    const { blob, size, digests } = await this.#writeBody('uploadPart', source, ['md5'], this.limits.uploadBytes);
    const etag = newPartEtag();
    let released;
    try {
      released = writeTransaction(this.db, () => {
        if (!this.#uploadInProgress(key, uploadId)) throw r2Error('uploadPart', 'noSuchUpload');
        this.#checkWritten(blob);
        const previous = this.statements.part.get(uploadId, partNumber);
        this.statements.upsertPart.run(uploadId, partNumber, blob, size, etag, digests.md5);
        return previous ? [previous.blob] : [];
      });
    } catch (err) {
      await this.#unlink([blob]);
      throw err;
    }
    await this.#unlink(released);
    return etag;
  }

  // Makes the object `key` from `parts` ([{ partNumber, etag }]) of the upload, replacing any
  // object there. Returns the object.
  async completeMultipartUpload(key, uploadId, parts) {
    const operation = 'completeMultipartUpload';
    checkKey(operation, key);
    const { row, released } = writeTransaction(this.db, () => {
      const upload = this.statements.upload.get(String(uploadId));
      if (!upload || Buffer.compare(Buffer.from(upload.key), utf8(key)) !== 0) throw r2Error(operation, 'internal');
      if (upload.state !== UPLOAD_IN_PROGRESS) throw r2Error(operation, 'noSuchUpload');
      const numbers = new Set();
      for (const { partNumber } of parts) {
        if (numbers.has(partNumber)) throw r2Error(operation, 'internal');
        numbers.add(partNumber);
      }
      const uploaded = new Map(this.statements.parts.all(uploadId).map((part) => [part.part_number, part]));
      const chosen = parts.map(({ partNumber, etag }) => {
        const part = uploaded.get(partNumber);
        if (!part || part.etag !== etag) throw r2Error(operation, 'invalidPart');
        return part;
      });
      // All but the last part (in the order given) must be large enough...
      if (chosen.slice(0, -1).some((part) => part.size < R2_LIMITS.minPartBytes)) throw r2Error(operation, 'entityTooSmall');
      // ...and, in part number order, all but the last the same size, the last no larger.
      const ordered = [...chosen].sort((a, b) => a.part_number - b.part_number);
      const partSize = ordered.length > 1 ? ordered[0].size : undefined;
      for (const part of ordered.slice(0, -1)) {
        if (part.size < R2_LIMITS.minPartBytes || part.size !== partSize) throw r2Error(operation, 'badUpload');
      }
      if (partSize !== undefined && ordered.at(-1).size > partSize) throw r2Error(operation, 'badUpload');
      const size = ordered.reduce((sum, part) => sum + part.size, 0);
      if (size > R2_LIMITS.objectBytes) throw r2Error(operation, 'entityTooLarge');

      const md5 = createHash('md5');
      for (const part of ordered) md5.update(Buffer.from(part.md5, 'hex'));
      const object = {
        key: utf8(key), version: newVersion(), size, etag: `${md5.digest('hex')}-${ordered.length}`, uploaded: Date.now(),
        checksums: '{}', http_metadata: upload.http_metadata, custom_metadata: upload.custom_metadata,
        storage_class: upload.storage_class, blob: null, upload_id: uploadId,
      };
      const previous = this.statements.object.get(object.key);
      const freed = this.#releaseObject(previous);
      // Parts uploaded but not chosen are dropped.
      for (const number of uploaded.keys()) {
        if (!numbers.has(number)) freed.push(this.statements.deletePart.get(uploadId, number).blob);
      }
      this.#upsert(object);
      this.statements.setUploadState.run(UPLOAD_COMPLETED, uploadId);
      return { row: object, released: freed };
    });
    await this.#unlink(released);
    return objectOf(row);
  }

  // Aborts an upload, removing its parts; aborting a finished upload does nothing.
  async abortMultipartUpload(key, uploadId) {
    const operation = 'abortMultipartUpload';
    checkKey(operation, key);
    const released = writeTransaction(this.db, () => {
      const upload = this.statements.upload.get(String(uploadId));
      if (!upload || Buffer.compare(Buffer.from(upload.key), utf8(key)) !== 0) throw r2Error(operation, 'internal');
      if (upload.state !== UPLOAD_IN_PROGRESS) return [];
      this.statements.setUploadState.run(UPLOAD_ABORTED, uploadId);
      return this.statements.deleteParts.all(uploadId).map((part) => part.blob);
    });
    await this.#unlink(released);
  }

  // ---- housekeeping ----

  // Aborts multipart uploads left in progress for a week, forgets old finished ones, and removes
  // body files nothing refers to (left by a crash or a failed write).
  async sweep({ orphanAgeMs = ORPHAN_AGE_MS, uploadExpiryMs = UPLOAD_EXPIRY_MS } = {}) {
    if (!this.db.isOpen) return;
    const released = writeTransaction(this.db, () => {
      const freed = [];
      for (const { upload_id: uploadId, state } of this.statements.staleUploads.all(Date.now() - uploadExpiryMs)) {
        if (state === UPLOAD_IN_PROGRESS) {
          freed.push(...this.statements.deleteParts.all(uploadId).map((part) => part.blob));
          this.statements.deleteUpload.run(uploadId);
        } else if (!this.statements.uploadInUse.get(uploadId)) {
          this.statements.deleteUpload.run(uploadId);
        }
      }
      return freed;
    });
    await this.#unlink(released);
    const cutoff = Date.now() - orphanAgeMs;
    const old = [];
    for (const name of await readdir(this.blobs).catch(() => [])) {
      const info = await stat(this.#file(name)).catch(() => null);
      if (info && info.mtimeMs < cutoff) old.push(name);
    }
    if (old.length === 0 || !this.db.isOpen) return;
    // Checked and removed under the write lock, which a put takes to refer to its file (see
    // #checkWritten): a file is never removed between that check and the commit. The age is
    // checked again, as a slow write may have touched its file since it was listed.
    writeTransaction(this.db, () => {
      for (const name of old) {
        if (this.statements.referenced.get(name).used) continue;
        const info = statSync(this.#file(name), { throwIfNoEntry: false });
        if (info && info.mtimeMs < cutoff) rmSync(this.#file(name), { force: true });
      }
    });
  }
}
