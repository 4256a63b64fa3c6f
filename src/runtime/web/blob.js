// Blob and File (File API). A blob's bytes are one immutable Uint8Array; slices share it.
import { streams } from './streams.js';
import { encodeUtf8, decodeUtf8 } from './encoding.js';
import { concatBytes } from './internal/bytes.js';

const STREAM_CHUNK = 65536;

let bytesOf;
let wrapBytes;

// A type is kept (lowercased) only if every character is printable ASCII.
function normalizeType(type) {
  const s = String(type);
  return /^[\x20-\x7e]*$/.test(s) ? s.toLowerCase() : '';
}

const isBuffer = (part) =>
  ArrayBuffer.isView(part) || part instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && part instanceof SharedArrayBuffer);

function partBytes(part, endings) {
  if (part instanceof Blob) return bytesOf(part);
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  if (isBuffer(part)) return new Uint8Array(part);
  let s = String(part);
  if (endings === 'native') s = s.replace(/\r\n?/g, '\n');
  return encodeUtf8(s);
}


export class Blob {
  #bytes;
  #type;

  constructor(blobParts = undefined, options = undefined) {
    if (options !== undefined && options !== null && typeof options !== 'object') {
      throw new TypeError("Failed to construct 'Blob': The provided value is not of type 'BlobPropertyBag'.");
    }
    const endings = options?.endings === undefined ? 'transparent' : String(options.endings);
    if (endings !== 'transparent' && endings !== 'native') {
      throw new TypeError(`Failed to construct 'Blob': The provided value '${endings}' is not a valid enum value of type EndingType.`);
    }
    this.#type = options?.type === undefined ? '' : normalizeType(options.type);
    if (blobParts === undefined) {
      this.#bytes = new Uint8Array(0);
      return;
    }
    if (blobParts === null || typeof blobParts !== 'object' || typeof blobParts[Symbol.iterator] !== 'function') {
      throw new TypeError("Failed to construct 'Blob': The provided value cannot be converted to a sequence.");
    }
    const parts = [...blobParts];
    const chunks = parts.map((part) => partBytes(part, endings));
    // Buffers given by the caller are copied so later changes do not show through; a lone
    // Blob (immutable) or string (freshly encoded) part is used as is.
    if (chunks.length !== 1) this.#bytes = concatBytes(chunks);
    else this.#bytes = isBuffer(parts[0]) ? chunks[0].slice() : chunks[0];
  }

  static {
    bytesOf = (blob) => blob.#bytes;
    wrapBytes = (bytes, type) => {
      const blob = new Blob([], { type });
      blob.#bytes = bytes;
      return blob;
    };
  }

  get size() {
    return this.#bytes.byteLength;
  }

  get type() {
    return this.#type;
  }

  slice(start = undefined, end = undefined, contentType = undefined) {
    const size = this.#bytes.byteLength;
    const from = relativeIndex(start, 0, size);
    const to = relativeIndex(end, size, size);
    return wrapBytes(this.#bytes.subarray(from, Math.max(from, to)), contentType === undefined ? '' : contentType);
  }

  async text() {
    return decodeUtf8(this.#bytes);
  }

  async arrayBuffer() {
    return this.#bytes.slice().buffer;
  }

  async bytes() {
    return this.#bytes.slice();
  }

  stream() {
    const bytes = this.#bytes;
    let offset = 0;
    const { ReadableStream } = streams();
    return new ReadableStream({
      type: 'bytes',
      pull(controller) {
        if (offset >= bytes.byteLength) {
          controller.close();
          controller.byobRequest?.respond(0);
          return;
        }
        // A copy per chunk: a byte stream takes ownership of (detaches) what it is given.
        const chunk = bytes.slice(offset, offset + STREAM_CHUNK);
        offset += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  }
}
Object.defineProperty(Blob.prototype, Symbol.toStringTag, { value: 'Blob', configurable: true });

function relativeIndex(value, fallback, size) {
  if (value === undefined) return fallback;
  let n = Math.trunc(Number(value)) || 0;
  if (n === Infinity) n = size;
  if (n === -Infinity) n = 0;
  return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
}

export class File extends Blob {
  #name;
  #lastModified;

  constructor(fileBits, fileName, options = undefined) {
    if (arguments.length < 2) {
      throw new TypeError(`Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`);
    }
    super(fileBits, options);
    this.#name = String(fileName);
    this.#lastModified = options?.lastModified === undefined ? Date.now() : Math.trunc(Number(options.lastModified)) || 0;
  }

  get name() {
    return this.#name;
  }

  get lastModified() {
    return this.#lastModified;
  }

  get webkitRelativePath() {
    return '';
  }
}
Object.defineProperty(File.prototype, Symbol.toStringTag, { value: 'File', configurable: true });

// The blob's bytes without a copy, for the platform's own readers (bodies, form data, cloning).
// Callers must not modify them.
export function blobBytes(blob) {
  return bytesOf(blob);
}

// A Blob that takes ownership of `bytes` (no copy); the caller must not keep or change them.
export function blobFromBytes(bytes, type) {
  return wrapBytes(bytes, type);
}
