// node:zlib, as Workers has it (deflate, gzip and brotli; no zstd). Node's zlib does the work on
// the host (src/runtime/host-ops/node-zlib.js): the synchronous functions in one host call each,
// the streaming classes one asynchronous host operation per chunk, as Node runs them on its
// thread pool. Arguments cross as plain data, so Node validates them and its errors come back
// with their class, message, code and errno.
import { hostAsync, hostCall } from '../internal/bridge.js';
import {
  bufferClass, hostEncoder, invalidArgType, isAnyArrayBuffer, LiveHandles, makeError, rebuildError, streamModule, TAG,
  toBuffer, validateFunction, viewBytes,
} from './_host-handles.js';

// ---- errors and values crossing ----

// Node's stack names the code of its own errors (ERR_*), not that of zlib's (Z_DATA_ERROR, ...).
const rebuildZlibError = (value) => rebuildError(value, (props) => props.code.startsWith('ERR_'));

// A value as the host rebuilds it for Node (see fromIsolate in host-ops/node-crypto.js).
const toHost = hostEncoder();

// A host result: bytes become Buffers, an error value is thrown.
function fromHost(value) {
  if (value instanceof Uint8Array) return toBuffer(value);
  if (value !== null && typeof value === 'object' && value[TAG] === 'err') throw rebuildZlibError(value.v);
  return value;
}

// ---- constants ----

const constants = Object.freeze({
  Z_NO_FLUSH: 0, Z_PARTIAL_FLUSH: 1, Z_SYNC_FLUSH: 2, Z_FULL_FLUSH: 3, Z_FINISH: 4, Z_BLOCK: 5,
  Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2, Z_DATA_ERROR: -3,
  Z_MEM_ERROR: -4, Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6,
  Z_NO_COMPRESSION: 0, Z_BEST_SPEED: 1, Z_BEST_COMPRESSION: 9, Z_DEFAULT_COMPRESSION: -1,
  Z_FILTERED: 1, Z_HUFFMAN_ONLY: 2, Z_RLE: 3, Z_FIXED: 4, Z_DEFAULT_STRATEGY: 0, ZLIB_VERNUM: 4897,
  DEFLATE: 1, INFLATE: 2, GZIP: 3, GUNZIP: 4, DEFLATERAW: 5, INFLATERAW: 6, UNZIP: 7, BROTLI_DECODE: 8, BROTLI_ENCODE: 9,
  Z_MIN_WINDOWBITS: 8, Z_MAX_WINDOWBITS: 15, Z_DEFAULT_WINDOWBITS: 15, Z_MIN_CHUNK: 64, Z_MAX_CHUNK: Infinity,
  Z_DEFAULT_CHUNK: 16384, Z_MIN_MEMLEVEL: 1, Z_MAX_MEMLEVEL: 9, Z_DEFAULT_MEMLEVEL: 8, Z_MIN_LEVEL: -1,
  Z_MAX_LEVEL: 9, Z_DEFAULT_LEVEL: -1,
  BROTLI_OPERATION_PROCESS: 0, BROTLI_OPERATION_FLUSH: 1, BROTLI_OPERATION_FINISH: 2, BROTLI_OPERATION_EMIT_METADATA: 3,
  BROTLI_PARAM_MODE: 0, BROTLI_MODE_GENERIC: 0, BROTLI_MODE_TEXT: 1, BROTLI_MODE_FONT: 2, BROTLI_DEFAULT_MODE: 0,
  BROTLI_PARAM_QUALITY: 1, BROTLI_MIN_QUALITY: 0, BROTLI_MAX_QUALITY: 11, BROTLI_DEFAULT_QUALITY: 11,
  BROTLI_PARAM_LGWIN: 2, BROTLI_MIN_WINDOW_BITS: 10, BROTLI_MAX_WINDOW_BITS: 24, BROTLI_LARGE_MAX_WINDOW_BITS: 30,
  BROTLI_DEFAULT_WINDOW: 22, BROTLI_PARAM_LGBLOCK: 3, BROTLI_MIN_INPUT_BLOCK_BITS: 16, BROTLI_MAX_INPUT_BLOCK_BITS: 24,
  BROTLI_PARAM_DISABLE_LITERAL_CONTEXT_MODELING: 4, BROTLI_PARAM_SIZE_HINT: 5, BROTLI_PARAM_LARGE_WINDOW: 6,
  BROTLI_PARAM_NPOSTFIX: 7, BROTLI_PARAM_NDIRECT: 8,
  BROTLI_DECODER_RESULT_ERROR: 0, BROTLI_DECODER_RESULT_SUCCESS: 1, BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT: 2,
  BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT: 3, BROTLI_DECODER_PARAM_DISABLE_RING_BUFFER_REALLOCATION: 0,
  BROTLI_DECODER_PARAM_LARGE_WINDOW: 1, BROTLI_DECODER_NO_ERROR: 0, BROTLI_DECODER_SUCCESS: 1,
  BROTLI_DECODER_NEEDS_MORE_INPUT: 2, BROTLI_DECODER_NEEDS_MORE_OUTPUT: 3,
  BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_NIBBLE: -1, BROTLI_DECODER_ERROR_FORMAT_RESERVED: -2,
  BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_META_NIBBLE: -3, BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_ALPHABET: -4,
  BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_SAME: -5, BROTLI_DECODER_ERROR_FORMAT_CL_SPACE: -6,
  BROTLI_DECODER_ERROR_FORMAT_HUFFMAN_SPACE: -7, BROTLI_DECODER_ERROR_FORMAT_CONTEXT_MAP_REPEAT: -8,
  BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_1: -9, BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_2: -10,
  BROTLI_DECODER_ERROR_FORMAT_TRANSFORM: -11, BROTLI_DECODER_ERROR_FORMAT_DICTIONARY: -12,
  BROTLI_DECODER_ERROR_FORMAT_WINDOW_BITS: -13, BROTLI_DECODER_ERROR_FORMAT_PADDING_1: -14,
  BROTLI_DECODER_ERROR_FORMAT_PADDING_2: -15, BROTLI_DECODER_ERROR_FORMAT_DISTANCE: -16,
  BROTLI_DECODER_ERROR_DICTIONARY_NOT_SET: -19, BROTLI_DECODER_ERROR_INVALID_ARGUMENTS: -20,
  BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES: -21, BROTLI_DECODER_ERROR_ALLOC_TREE_GROUPS: -22,
  BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MAP: -25, BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_1: -26,
  BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_2: -27, BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES: -30,
  BROTLI_DECODER_ERROR_UNREACHABLE: -31,
});

const codes = Object.freeze({
  Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2, Z_DATA_ERROR: -3,
  Z_MEM_ERROR: -4, Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6,
  0: 'Z_OK', 1: 'Z_STREAM_END', 2: 'Z_NEED_DICT', '-1': 'Z_ERRNO', '-2': 'Z_STREAM_ERROR', '-3': 'Z_DATA_ERROR',
  '-4': 'Z_MEM_ERROR', '-5': 'Z_BUF_ERROR', '-6': 'Z_VERSION_ERROR',
});

// ---- one-shot functions ----

function runSync(mode, buffer, options) {
  const result = fromHost(hostCall('nzSync', mode, toHost(buffer), toHost(options)));
  // With `info`, Node also returns its engine, which stays on the host here.
  return options !== null && typeof options === 'object' && options.info === true ? { buffer: result, engine: undefined } : result;
}

// Errors of the arguments are thrown; those of the data go to the callback, as in Node.
const DATA_ERRORS = new Set(['ERR_BUFFER_TOO_LARGE', 'ERR_TRAILING_JUNK_AFTER_STREAM_END']);

function runAsync(mode, buffer, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  validateFunction(callback, 'callback');
  // Node writes the input into a stream, which takes strings and views only.
  if (typeof buffer !== 'string' && !ArrayBuffer.isView(buffer) && !isAnyArrayBuffer(buffer)) {
    throw invalidArgType('chunk', 'of type string or an instance of Buffer, TypedArray, or DataView', buffer);
  }
  let result;
  try {
    result = runSync(mode, buffer, options);
  } catch (err) {
    if (typeof err?.code === 'string' && err.code.startsWith('ERR_') && !DATA_ERRORS.has(err.code)) throw err;
    queueMicrotask(() => callback(err));
    return;
  }
  queueMicrotask(() => callback(null, result));
}

const MODES = ['deflate', 'inflate', 'gzip', 'gunzip', 'deflateRaw', 'inflateRaw', 'unzip', 'brotliCompress', 'brotliDecompress'];
const oneShot = {};
for (const mode of MODES) {
  oneShot[mode] = { [mode]: (buffer, options, callback) => runAsync(mode, buffer, options, callback) }[mode];
  oneShot[`${mode}Sync`] = { [`${mode}Sync`]: (buffer, options) => runSync(mode, buffer, options) }[`${mode}Sync`];
}

function crc32(data, value = 0) {
  return fromHost(hostCall('nzCrc32', toHost(data), toHost(value)));
}

// ---- streams ----

// Engines whose stream was garbage-collected here are closed on the host from time to time.
const handles = new LiveHandles('nzClose', 64);

const kId = Symbol('kId');
const kFlushFlag = Symbol('kFlushFlag');
const kFlushBuffers = [];
// How much each flush flag flushes: Z_NO_FLUSH < Z_BLOCK < Z_PARTIAL_FLUSH < Z_SYNC_FLUSH < Z_FULL_FLUSH < Z_FINISH.
const FLUSHINESS = [0, 2, 3, 4, 5, 1];

function maxFlush(a, b) {
  return FLUSHINESS[a] > FLUSHINESS[b] ? a : b;
}

function flushBuffer(kind) {
  if (!kFlushBuffers[kind]) {
    kFlushBuffers[kind] = bufferClass().alloc(0);
    kFlushBuffers[kind][kFlushFlag] = kind;
  }
  return kFlushBuffers[kind];
}

// Node's checkRangesOrGetDefault.
function checkRange(value, name, lower, upper, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isFinite(value)) throw makeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be a finite number. Received ${value}`);
  if (value < lower || value > upper) throw makeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be >= ${lower} and <= ${upper}. Received ${value}`);
  return value;
}

// ZlibBase is linked to stream.Transform when the first stream is made.
function ZlibBase(mode, options) {
  const opts = options ?? undefined;
  const [id, settings] = handles.withRoom(() => fromHost(hostCall('nzCreate', mode, toHost(opts))));
  if (!linked) link();
  streamModule().Transform.call(this, { autoDestroy: true, ...(opts !== null && typeof opts === 'object' ? opts : {}) });
  this[kId] = id;
  this._handle = { mode };
  this._chunkSize = settings.chunkSize;
  this._defaultFlushFlag = settings.flush;
  this._finishFlushFlag = settings.finishFlush;
  this._defaultFullFlushFlag = settings.fullFlush;
  this._level = settings.level ?? undefined;
  this._strategy = settings.strategy ?? undefined;
  this._flushBound = mode.startsWith('brotli') ? [0, 3] : [0, 5];
  this.bytesWritten = 0;
  handles.track(this, id);
}

let linked = false;
function link() {
  linked = true;
  Object.setPrototypeOf(ZlibBase.prototype, streamModule().Transform.prototype);
}

ZlibBase.prototype._transform = function _transform(chunk, encoding, callback) {
  let flushFlag = this._defaultFlushFlag;
  if (typeof chunk[kFlushFlag] === 'number') flushFlag = chunk[kFlushFlag];
  if (this.writableEnded && this.writableLength === chunk.byteLength) flushFlag = maxFlush(flushFlag, this._finishFlushFlag);
  const bytes = typeof chunk === 'string' ? bufferClass().from(chunk, encoding) : chunk;
  hostAsync('nzWrite', this[kId], viewBytes(bytes), flushFlag).then(
    (value) => {
      let result;
      try {
        result = fromHost(value);
      } catch (err) {
        callback(err);
        return;
      }
      const [output, bytesWritten, ended] = result;
      this.bytesWritten = bytesWritten;
      for (let at = 0; at < output.byteLength; at += this._chunkSize) {
        this.push(output.subarray(at, Math.min(output.byteLength, at + this._chunkSize)));
      }
      if (ended) this.push(null);
      callback();
    },
    (err) => callback(err),
  );
};

ZlibBase.prototype._flush = function _flush(callback) {
  this._transform(bufferClass().alloc(0), '', callback);
};

ZlibBase.prototype.flush = function flush(kind, callback) {
  if (typeof kind === 'function' || (kind === undefined && !callback)) {
    callback = kind;
    kind = this._defaultFullFlushFlag;
  }
  kind = checkRange(kind, 'kind', this._flushBound[0], this._flushBound[1], this._defaultFullFlushFlag);
  if (this.writableFinished) {
    if (callback) queueMicrotask(callback);
  } else if (this.writableEnded) {
    if (callback) this.once('end', callback);
  } else {
    this.write(flushBuffer(kind), '', callback);
  }
};

ZlibBase.prototype.close = function close(callback) {
  if (callback) streamModule().finished(this, callback);
  this.destroy();
};

ZlibBase.prototype._destroy = function _destroy(err, callback) {
  const id = this[kId];
  handles.release(id);
  this._handle = null;
  callback(err);
};

ZlibBase.prototype.reset = function reset() {
  if (!this._handle) throw new Error('zlib binding closed');
  fromHost(hostCall('nzReset', this[kId]));
};

// Deflate-family streams (not brotli) can change level and strategy mid-stream.
function params(level, strategy, callback) {
  checkRange(level, 'level', -1, 9);
  checkRange(strategy, 'strategy', 0, 4);
  if (this._level !== level || this._strategy !== strategy) {
    this.flush(constants.Z_SYNC_FLUSH, () => {
      if (!this._handle) return;
      fromHost(hostCall('nzParams', this[kId], level, strategy));
      if (!this.destroyed) {
        this._level = level;
        this._strategy = strategy;
        if (callback) callback();
      }
    });
  } else if (callback) {
    queueMicrotask(callback);
  }
}

function streamClass(name, mode, zlibFamily) {
  function Class(options) {
    if (!new.target) return new Class(options);
    ZlibBase.call(this, mode, options);
  }
  Object.defineProperty(Class, 'name', { value: name });
  Object.setPrototypeOf(Class.prototype, ZlibBase.prototype);
  if (zlibFamily) Class.prototype.params = params;
  return Class;
}

const Deflate = streamClass('Deflate', 'deflate', true);
const Inflate = streamClass('Inflate', 'inflate', true);
const Gzip = streamClass('Gzip', 'gzip', true);
const Gunzip = streamClass('Gunzip', 'gunzip', true);
const DeflateRaw = streamClass('DeflateRaw', 'deflateRaw', true);
const InflateRaw = streamClass('InflateRaw', 'inflateRaw', true);
const Unzip = streamClass('Unzip', 'unzip', true);
const BrotliCompress = streamClass('BrotliCompress', 'brotliCompress', false);
const BrotliDecompress = streamClass('BrotliDecompress', 'brotliDecompress', false);

const createDeflate = (options) => new Deflate(options);
const createInflate = (options) => new Inflate(options);
const createGzip = (options) => new Gzip(options);
const createGunzip = (options) => new Gunzip(options);
const createDeflateRaw = (options) => new DeflateRaw(options);
const createInflateRaw = (options) => new InflateRaw(options);
const createUnzip = (options) => new Unzip(options);
const createBrotliCompress = (options) => new BrotliCompress(options);
const createBrotliDecompress = (options) => new BrotliDecompress(options);

const {
  deflate, deflateSync, inflate, inflateSync, gzip, gzipSync, gunzip, gunzipSync, deflateRaw, deflateRawSync,
  inflateRaw, inflateRawSync, unzip, unzipSync, brotliCompress, brotliCompressSync, brotliDecompress,
  brotliDecompressSync,
} = oneShot;

const api = {
  crc32,
  Deflate, Inflate, Gzip, Gunzip, DeflateRaw, InflateRaw, Unzip, BrotliCompress, BrotliDecompress,
  deflate, deflateSync, gzip, gzipSync, deflateRaw, deflateRawSync, unzip, unzipSync, inflate, inflateSync,
  gunzip, gunzipSync, inflateRaw, inflateRawSync, brotliCompress, brotliCompressSync, brotliDecompress, brotliDecompressSync,
  createDeflate, createInflate, createDeflateRaw, createInflateRaw, createGzip, createGunzip, createUnzip,
  createBrotliCompress, createBrotliDecompress,
  constants, codes,
};

// Node's legacy top-level constants (not enumerable there either).
for (const name of Object.keys(constants)) {
  if (name.startsWith('Z_') || name === 'ZLIB_VERNUM' || /^(DEFLATE|INFLATE|GZIP|GUNZIP|DEFLATERAW|INFLATERAW|UNZIP)$/.test(name)) {
    Object.defineProperty(api, name, { value: constants[name], enumerable: false, writable: false, configurable: false });
  }
}

export default api;
export {
  crc32,
  Deflate, Inflate, Gzip, Gunzip, DeflateRaw, InflateRaw, Unzip, BrotliCompress, BrotliDecompress,
  deflate, deflateSync, gzip, gzipSync, deflateRaw, deflateRawSync, unzip, unzipSync, inflate, inflateSync,
  gunzip, gunzipSync, inflateRaw, inflateRawSync, brotliCompress, brotliCompressSync, brotliDecompress, brotliDecompressSync,
  createDeflate, createInflate, createDeflateRaw, createInflateRaw, createGzip, createGunzip, createUnzip,
  createBrotliCompress, createBrotliDecompress,
  constants, codes,
};
