// Blob and File (File API). A blob's bytes are one immutable Uint8Array; slices share it.
import { streams } from './streams.js';
import { encodeUtf8, decodeUtf8 } from './encoding.js';
import { concatBytes } from './internal/bytes.js';

const STREAM_CHUNK = 65536;

let bytesOf;
let wrapBytes;
let setContents;

// A type is kept (lowercased) only if every character is printable ASCII.
function normalizeType(type) {
  return /^[\x20-\x7e]*$/.test(type) ? type.toLowerCase() : '';
}

// A BlobPart: a Blob's bytes (immutable, so shared), a copy of a buffer's bytes (so later
// changes to it do not show through), or a string.
function convertBlobPart(part) {
  if (part instanceof Blob) return bytesOf(part);
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer, part.byteOffset, part.byteLength).slice();
  if (part instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && part instanceof SharedArrayBuffer)) {
    return new Uint8Array(part).slice();
  }
  return `${part}`;
}

// WebIDL's sequence<BlobPart> conversion: @@iterator is looked up once and each element is
// converted as the iteration reaches it, so user code sees the same order of effects.
function convertBlobParts(value, interfaceName) {
  const method = value !== null && (typeof value === 'object' || typeof value === 'function') ? value[Symbol.iterator] : undefined;
  if (typeof method !== 'function') {
    throw new TypeError(`Failed to construct '${interfaceName}': The provided value cannot be converted to a sequence.`);
  }
  const iterator = method.call(value);
  const next = iterator.next;
  const parts = [];
  for (;;) {
    const step = next.call(iterator);
    if (step === null || typeof step !== 'object') throw new TypeError('Iterator result is not an object.');
    if (step.done) return parts;
    parts.push(convertBlobPart(step.value));
  }
}

// BlobPropertyBag (and FilePropertyBag, with lastModified): members are read in lexicographic
// order, as WebIDL converts dictionaries.
function convertPropertyBag(options, interfaceName, withLastModified) {
  if (options !== undefined && options !== null && typeof options !== 'object' && typeof options !== 'function') {
    throw new TypeError(`Failed to construct '${interfaceName}': The provided value is not of type '${interfaceName}PropertyBag'.`);
  }
  const endingsValue = options?.endings;
  const endings = endingsValue === undefined ? 'transparent' : `${endingsValue}`;
  if (endings !== 'transparent' && endings !== 'native') {
    throw new TypeError(`Failed to construct '${interfaceName}': The provided value '${endings}' is not a valid enum value of type EndingType.`);
  }
  const lastModified = withLastModified ? options?.lastModified : undefined;
  const lastModifiedTime = lastModified === undefined ? Date.now() : Math.trunc(Number(lastModified)) || 0;
  const typeValue = options?.type;
  const type = typeValue === undefined ? '' : normalizeType(`${typeValue}`);
  return { endings, lastModified: lastModifiedTime, type };
}

// The bytes of converted parts; strings are encoded here, once the endings option is known.
function joinParts(parts, endings) {
  const chunks = parts.map((part) => {
    if (typeof part !== 'string') return part;
    return encodeUtf8(endings === 'native' ? part.replace(/\r\n?/g, '\n') : part);
  });
  return chunks.length === 1 ? chunks[0] : concatBytes(chunks);
}

export class Blob {
  #bytes = new Uint8Array(0);
  #type = '';

  constructor(blobParts = undefined, options = undefined) {
    const parts = blobParts === undefined ? [] : convertBlobParts(blobParts, 'Blob');
    const { endings, type } = convertPropertyBag(options, 'Blob', false);
    this.#bytes = joinParts(parts, endings);
    this.#type = type;
  }

  static {
    bytesOf = (blob) => blob.#bytes;
    wrapBytes = (bytes, type) => {
      const blob = new Blob([], { type });
      blob.#bytes = bytes;
      return blob;
    };
    setContents = (blob, bytes, type) => {
      blob.#bytes = bytes;
      blob.#type = type;
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

  // Arguments are converted in order (bits, name, options) before the blob is made.
  constructor(fileBits, fileName, options = undefined) {
    if (arguments.length < 2) {
      throw new TypeError(`Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`);
    }
    const parts = convertBlobParts(fileBits, 'File');
    const name = `${fileName}`.toWellFormed();
    const { endings, lastModified, type } = convertPropertyBag(options, 'File', true);
    super();
    setContents(this, joinParts(parts, endings), type);
    this.#name = name;
    this.#lastModified = lastModified;
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
