// node:zlib's host side: Node's zlib does the work (src/runtime/web/node/zlib.js is the isolate's
// half). The one-shot functions (gzipSync and the callback forms the isolate builds on them) run
// synchronously inside the worker's turn, so their CPU time is charged to it. The streaming
// classes run as Node's do, on the thread pool, one chunk per asynchronous operation; their
// engines live in a table of this IsolateHost only (host.nodeZlib) until the isolate closes them,
// drops them (garbage collection) or is disposed.
//
// Workers' zlib has deflate, gzip and brotli, not zstd. Output is bounded by the worker's
// memory limit, so that a small input cannot make the host allocate without bound.
import zlib from 'node:zlib';
import { errorValue, guarded, HandleTable } from './host-handles.js';
import { fromIsolate, toIsolate } from './node-crypto.js';

const SYNC = {
  deflate: zlib.deflateSync,
  inflate: zlib.inflateSync,
  gzip: zlib.gzipSync,
  gunzip: zlib.gunzipSync,
  deflateRaw: zlib.deflateRawSync,
  inflateRaw: zlib.inflateRawSync,
  unzip: zlib.unzipSync,
  brotliCompress: zlib.brotliCompressSync,
  brotliDecompress: zlib.brotliDecompressSync,
};

const CREATE = {
  deflate: zlib.createDeflate,
  inflate: zlib.createInflate,
  gzip: zlib.createGzip,
  gunzip: zlib.createGunzip,
  deflateRaw: zlib.createDeflateRaw,
  inflateRaw: zlib.createInflateRaw,
  unzip: zlib.createUnzip,
  brotliCompress: zlib.createBrotliCompress,
  brotliDecompress: zlib.createBrotliDecompress,
};

// Streams one isolate may hold open at once (a brotli encoder's window alone can be 16 MiB).
const MAX_STREAMS = 256;
const DEFAULT_MEMORY_MB = 128;

const outputLimit = (host) => (host.limits?.memoryMb ?? DEFAULT_MEMORY_MB) * 1024 * 1024;

// The isolate's engines (EngineHandles), by handle.
const streams = new HandleTable('nodeZlib', {
  missing: 'This zlib stream has been closed.',
  onRelease: (host, stream) => stream.close(),
});

const streamOf = (host, id) => streams.get(host, id);

// The options with maxOutputLength no larger than the worker's memory.
function boundedOptions(host, options) {
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) return options;
  const limit = outputLimit(host);
  const requested = options?.maxOutputLength;
  const maxOutputLength = typeof requested === 'number' && requested >= 1 ? Math.min(requested, limit) : requested === undefined ? limit : requested;
  return { ...options, maxOutputLength };
}

const isFlag = (value) => Number.isInteger(value) && value >= 0 && value <= 5;

// A Node zlib engine driven one chunk at a time. Its readable side is bypassed: the output it
// pushes is collected here and handed back with the operation that produced it.
class EngineHandle {
  #engine;
  #limit;
  #chunks = [];
  #size = 0;
  #ended = false;
  #failure = null;
  #waiter = null;

  constructor(engine, limit) {
    this.#engine = engine;
    this.#limit = limit;
    engine.push = (chunk) => {
      if (chunk === null) {
        this.#ended = true;
        return false;
      }
      this.#size += chunk.byteLength;
      if (this.#size > this.#limit) {
        this.#fail(Object.assign(new RangeError(`Cannot create a Buffer larger than ${this.#limit} bytes`), { code: 'ERR_BUFFER_TOO_LARGE' }));
        engine.destroy();
        return false;
      }
      this.#chunks.push(chunk);
      return true;
    };
    engine.on('error', (err) => this.#fail(err));
  }

  get engine() {
    return this.#engine;
  }

  #fail(error) {
    this.#failure ??= error;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.reject(this.#failure);
  }

  // Resolves with [output, bytesWritten, ended] once zlib has processed `bytes`.
  process(bytes, flushFlag) {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#waiter) return Promise.reject(new Error('A zlib operation is already in progress.'));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#engine._processChunk(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), flushFlag, () => {
        const waiter = this.#waiter;
        this.#waiter = null;
        if (!waiter) return;
        if (this.#failure) {
          waiter.reject(this.#failure);
          return;
        }
        const output = Buffer.concat(this.#chunks, this.#size);
        this.#chunks = [];
        this.#size = 0;
        waiter.resolve([output, this.#engine.bytesWritten, this.#ended]);
      });
    });
  }

  close() {
    this.#engine.destroy();
    this.#fail(new Error('zlib binding closed'));
  }
}

// The outcome of an asynchronous op, as a value: errors keep their code and errno.
function settle(host, callId, promise) {
  host.completeWith(callId, promise.then((value) => toIsolate(host, value), (err) => errorValue(err)));
}

export const ops = {
  // One-shot (de)compression of `data`.
  nzSync: guarded((host, mode, data, options) => {
    if (typeof mode !== 'string' || !Object.hasOwn(SYNC, mode)) throw new TypeError(`Unknown zlib function: ${mode}`);
    const result = SYNC[mode](fromIsolate(host, data), boundedOptions(host, fromIsolate(host, options)));
    return toIsolate(host, Buffer.isBuffer(result) ? result : result.buffer);
  }),
  nzCrc32: guarded((host, data, value) => zlib.crc32(fromIsolate(host, data), fromIsolate(host, value))),
  // A streaming engine: [id, its settings].
  nzCreate: guarded((host, mode, options) => {
    if (typeof mode !== 'string' || !Object.hasOwn(CREATE, mode)) throw new TypeError(`Unknown zlib class: ${mode}`);
    if (streams.of(host).size >= MAX_STREAMS) throw new RangeError('Too many open zlib streams in this worker.');
    const engine = CREATE[mode](fromIsolate(host, options));
    const id = host.nextId++;
    streams.of(host).set(id, new EngineHandle(engine, outputLimit(host)));
    return [id, {
      chunkSize: engine._chunkSize,
      flush: engine._defaultFlushFlag,
      finishFlush: engine._finishFlushFlag,
      fullFlush: engine._defaultFullFlushFlag,
      level: engine._level ?? null,
      strategy: engine._strategy ?? null,
    }];
  }),
  // Processes one chunk with `flushFlag`; completes with [output, bytesWritten, ended].
  nzWrite(host, callId, id, bytes, flushFlag) {
    let promise;
    try {
      if (!(bytes instanceof Uint8Array) || !isFlag(flushFlag)) throw new TypeError('Invalid zlib write.');
      promise = streamOf(host, id).process(bytes, flushFlag);
    } catch (err) {
      promise = Promise.reject(err);
    }
    settle(host, callId, promise);
  },
  // Changes a deflate stream's level and strategy (after the isolate flushed it).
  nzParams: guarded((host, id, level, strategy) => {
    const { engine } = streamOf(host, id);
    if (!Number.isInteger(level) || !Number.isInteger(strategy)) throw new TypeError('Invalid zlib params.');
    engine._handle.params(level, strategy);
    engine._level = level;
    engine._strategy = strategy;
    return null;
  }),
  nzReset: guarded((host, id) => {
    streamOf(host, id).engine.reset();
    return null;
  }),
  // Closes streams the isolate ended, destroyed or garbage-collected.
  nzClose: streams.releaseOp,
};
