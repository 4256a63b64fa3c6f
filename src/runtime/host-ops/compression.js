// Stateful byte transforms the isolate's streams run on the host: zlib for CompressionStream and
// DecompressionStream, incremental hashes for crypto.DigestStream. Each lives in the isolate's
// handle table (host.streamHandles) until its stream finishes, errors or is cancelled, or the
// isolate is disposed.
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
// Always a fresh Uint8Array, never a view into a larger (pooled) host buffer.
import { concatBytes } from '../web/internal/bytes.js';

const COMPRESSORS = new Map([['gzip', zlib.createGzip], ['deflate', zlib.createDeflate], ['deflate-raw', zlib.createDeflateRaw]]);
const DECOMPRESSORS = new Map([['gzip', zlib.createGunzip], ['deflate', zlib.createInflate], ['deflate-raw', zlib.createInflateRaw]]);
// Output one write may produce before the stream fails: a worker's memory limit, so a small
// compressed input cannot make the host allocate without bound (a decompression bomb).
const MAX_OUTPUT_PER_WRITE = 128 * 1024 * 1024;

const HASHES = new Map([['sha-1', 'sha1'], ['sha-256', 'sha256'], ['sha-384', 'sha384'], ['sha-512', 'sha512'], ['md5', 'md5']]);

function table(host) {
  host.streamHandles ??= new Map();
  return host.streamHandles;
}

// A handle belongs to the event that created it and is closed when that event ends, so streams
// a worker abandons cannot pile up on the host.
function add(host, handle) {
  const id = host.nextId++;
  table(host).set(id, handle);
  host.current?.resources.push(['streamHandles', id]);
  return id;
}

function get(host, id) {
  const handle = table(host).get(id);
  if (!handle) throw new TypeError('This stream has already been closed.');
  return handle;
}

function release(host, id) {
  table(host).get(id)?.close();
  table(host).delete(id);
}

// The errors Workers reports, whatever zlib said.
function zlibError(err, decompress) {
  if (!decompress) return new TypeError('Compression failed.');
  if (err?.code === 'ERR_TRAILING_JUNK_AFTER_STREAM_END') return new TypeError('Trailing bytes after end of compressed data');
  if (err?.code === 'Z_BUF_ERROR') return new TypeError('Called close() on a decompression stream with incomplete data');
  return new TypeError('Decompression failed.');
}

// A Node zlib stream driven one operation at a time: write() and end() resolve with
// { output, error }: all the output produced so far, and the message to fail the stream with
// after it (or null). Output is collected from 'data' events rather than read on demand,
// because zlib stops producing while its readable buffer is full and a write would never finish.
class ZlibHandle {
  #stream;
  #decompress;
  #chunks = [];
  #length = 0;
  #failure = null;
  #waiter = null;

  constructor(stream, decompress) {
    this.#stream = stream;
    this.#decompress = decompress;
    stream.on('data', (chunk) => {
      this.#chunks.push(chunk);
      this.#length += chunk.byteLength;
      if (this.#length > MAX_OUTPUT_PER_WRITE) {
        this.#chunks = [];
        this.#fail(new TypeError('Decompressed data exceeds the memory limit.'));
        stream.destroy();
      }
    });
    stream.on('error', (err) => this.#onError(err));
    stream.on('end', () => this.#settle());
  }

  // Starts one operation; resolves or rejects when zlib is done with it.
  #run(start) {
    if (this.#failure) return Promise.reject(this.#failure);
    const done = new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
    start();
    return done;
  }

  #takeOutput() {
    const output = concatBytes(this.#chunks);
    this.#chunks = [];
    this.#length = 0;
    return output;
  }

  #settle() {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.resolve({ output: this.#takeOutput(), error: null });
  }

  // Bytes after the end of the compressed data fail the stream, but what was decompressed
  // before them still reaches the reader first.
  #onError(err) {
    const error = zlibError(err, this.#decompress);
    if (err?.code !== 'ERR_TRAILING_JUNK_AFTER_STREAM_END') {
      this.#fail(error);
      return;
    }
    this.#failure ??= error;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.resolve({ output: this.#takeOutput(), error: error.message });
  }

  #fail(error) {
    this.#failure ??= error;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.reject(this.#failure);
  }

  write(bytes) {
    return this.#run(() => {
      this.#stream.write(bytes, (err) => (err ? this.#onError(err) : this.#settle()));
    });
  }

  // Finishes the stream; resolves once zlib has emitted everything.
  end() {
    return this.#run(() => this.#stream.end());
  }

  close() {
    this.#stream.destroy();
    this.#fail(new TypeError('The stream was closed.'));
  }
}

class HashHandle {
  constructor(name) {
    this.hash = createHash(name);
  }
  close() {}
}

// ---- ops ----

export function zlibCreate(host, format, decompress) {
  const create = (decompress ? DECOMPRESSORS : COMPRESSORS).get(format);
  if (!create) throw new TypeError("The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.");
  // rejectGarbageAfterEnd: any byte after the end of the compressed data (including a second
  // gzip member) is an error, as the Compression Streams standard and Workers require.
  return add(host, new ZlibHandle(decompress ? create({ rejectGarbageAfterEnd: true }) : create(), decompress));
}

export function zlibWrite(host, callId, id, bytes) {
  const result = get(host, id).write(bytes);
  host.completeWith(callId, result.then(
    (answer) => {
      if (answer.error !== null) release(host, id);
      return answer;
    },
    (err) => {
      release(host, id);
      throw err;
    },
  ));
}

export function zlibEnd(host, callId, id) {
  const output = get(host, id).end();
  host.completeWith(callId, output.finally(() => release(host, id)));
}

export function hashCreate(host, algorithm) {
  const name = HASHES.get(algorithm);
  if (!name) throw new TypeError(`Unsupported digest algorithm: ${algorithm}`);
  return add(host, new HashHandle(name));
}

export function hashUpdate(host, id, bytes) {
  get(host, id).hash.update(bytes);
}

export function hashDigest(host, id) {
  const digest = get(host, id).hash.digest();
  release(host, id);
  return concatBytes([digest]);
}

export function streamHandleClose(host, id) {
  release(host, id);
}

// Everything the isolate still holds, when it is disposed.
export function closeStreamHandles(host) {
  for (const handle of host.streamHandles?.values() ?? []) handle.close();
  host.streamHandles?.clear();
}
