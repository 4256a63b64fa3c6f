// crypto.DigestStream (Workers): a WritableStream that hashes what is written to it, on the host,
// and resolves `digest` with the hash as an ArrayBuffer once it is closed.
import { streams } from './streams.js';
import { hostCall } from './internal/bridge.js';
import { DOMException } from './dom-exception.js';
import { encodeUtf8 } from './encoding.js';
import { bytesOf, forHost } from './byte-streams.js';

// Loaded lazily (see index.js), so building the streams here costs nothing up front.
const { WritableStream } = streams();

const ALGORITHMS = new Set(['sha-1', 'sha-256', 'sha-384', 'sha-512', 'md5']);

// A WebCrypto algorithm identifier (a name, or an object with one), matched case-insensitively.
function algorithmName(algorithm) {
  const name = `${typeof algorithm === 'object' && algorithm !== null ? algorithm.name : algorithm}`.toLowerCase();
  if (!ALGORITHMS.has(name)) throw new DOMException('Unrecognized or unimplemented digest algorithm requested.', 'NotSupportedError');
  return name;
}

export class DigestStream extends WritableStream {
  #digest;
  #bytesWritten;

  constructor(algorithm) {
    const id = hostCall('hashCreate', algorithmName(algorithm));
    const { promise, resolve, reject } = Promise.withResolvers();
    // Nobody has to look at the digest of a stream that failed.
    promise.catch(() => {});
    const fail = (reason) => {
      hostCall('streamHandleClose', id);
      reject(reason);
    };
    let written = 0;
    super({
      write(chunk) {
        const bytes = typeof chunk === 'string' ? encodeUtf8(chunk) : bytesOf(chunk);
        if (!bytes) {
          const error = new TypeError('DigestStream is a byte stream but received an object of non-ArrayBuffer/ArrayBufferView/string type on its writable side.');
          fail(error);
          throw error;
        }
        if (bytes.byteLength === 0) return;
        hostCall('hashUpdate', id, forHost(bytes));
        written += bytes.byteLength;
      },
      close() {
        resolve(hostCall('hashDigest', id).buffer);
      },
      abort: fail,
    });
    this.#digest = promise;
    this.#bytesWritten = () => written;
  }

  get digest() {
    return this.#digest;
  }

  get bytesWritten() {
    return this.#bytesWritten();
  }
}

Object.defineProperty(DigestStream.prototype, Symbol.toStringTag, { value: 'DigestStream', configurable: true });
