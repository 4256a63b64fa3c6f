// The Body mixin shared by Request and Response (Fetch Standard): body extraction, lazy body
// streams and the consuming methods. A body keeps its original source (string, bytes, Blob or
// stream) and only builds a ReadableStream when someone asks for `body`, so the common cases
// (text in, text out; bytes handed to the host) never go through a stream at all.
import { streams, isReadableStream } from './streams.js';
import { kBodySource } from './internal/symbols.js';
import { appendHeaderIfAbsent } from './headers.js';
import { Blob, blobBytes, blobFromBytes } from './blob.js';
import { FormData, generateBoundary, serializeMultipart, multipartBoundary, parseMultipart } from './form-data.js';
import { URLSearchParams, parseUrlEncoded } from './url.js';
import { TextDecoder, encodeUtf8, decodeUtf8 } from './encoding.js';
import { concatBytes } from './internal/bytes.js';

const USED_MESSAGE = 'Body has already been used. It can only be used once. Use tee() first if you need to read it twice.';

// The polyfill marks a stream disturbed once it has been read from or cancelled.
const isDisturbed = (stream) => stream._disturbed === true;

// Fetch's "extract a body": returns { source, type } where source is a string, a Uint8Array,
// a Blob or a ReadableStream and type the default Content-Type (or null).
export function extractBody(object) {
  if (typeof object === 'string') return { source: object, type: 'text/plain;charset=UTF-8' };
  if (isReadableStream(object)) {
    if (isDisturbed(object)) {
      throw new TypeError('This ReadableStream is disturbed (has already been read from), and cannot be used as a body.');
    }
    if (object.locked) throw new TypeError('This ReadableStream is currently locked to a reader and cannot be used as a body.');
    return { source: object, type: null };
  }
  if (object instanceof Blob) return { source: object, type: object.type || null };
  if (object instanceof URLSearchParams) {
    return { source: object.toString(), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  }
  if (object instanceof FormData) {
    const boundary = generateBoundary();
    return { source: serializeMultipart(object, boundary), type: `multipart/form-data; boundary=${boundary}` };
  }
  // Buffers are used in place rather than copied, as Workers does.
  if (ArrayBuffer.isView(object)) return { source: new Uint8Array(object.buffer, object.byteOffset, object.byteLength), type: null };
  if (object instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && object instanceof SharedArrayBuffer)) {
    return { source: new Uint8Array(object), type: null };
  }
  // Workers also takes async iterables (async generators in particular) as stream bodies.
  if (object !== null && typeof object === 'object' && typeof object[Symbol.asyncIterator] === 'function') {
    return { source: streams().ReadableStream.from(object), type: null };
  }
  return { source: String(object), type: 'text/plain;charset=UTF-8' };
}

// A stream that yields `bytes` (which it takes ownership of) as one chunk.
function bytesStream(bytes) {
  return new (streams().ReadableStream)({
    type: 'bytes',
    pull(controller) {
      if (bytes !== null && bytes.byteLength > 0) controller.enqueue(bytes);
      bytes = null;
      controller.close();
      controller.byobRequest?.respond(0);
    },
  });
}

// What `body` shows once the body was read without a stream: empty and disturbed.
function usedStream() {
  const stream = new (streams().ReadableStream)({ type: 'bytes' });
  stream.cancel();
  return stream;
}

function toChunkBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError('This ReadableStream did not return bytes.');
}

async function readAllBytes(stream) {
  const reader = stream.getReader();
  const chunks = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(toChunkBytes(value));
  }
  // A single chunk that owns its whole buffer is handed over as is.
  if (chunks.length === 1 && chunks[0].byteOffset === 0 && chunks[0].byteLength === chunks[0].buffer.byteLength) return chunks[0];
  return concatBytes(chunks);
}

async function readAllText(stream) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(toChunkBytes(value), { stream: true });
  }
  return text + decoder.decode();
}

let bodyAccess;

export class Body {
  #source = null;
  #stream = null;
  // Read directly from the source, without a stream.
  #consumed = false;

  static {
    bodyAccess = {
      init(target, extracted, headers) {
        if (extracted === null) return;
        target.#source = extracted.source;
        if (isReadableStream(extracted.source)) target.#stream = extracted.source;
        if (extracted.type !== null) appendHeaderIfAbsent(headers, 'content-type', extracted.type);
      },
      // The source as it would be extracted again, for moving or sharing a body.
      take(from) {
        if (from.#source === null) return null;
        if (from.bodyUsed) throw new TypeError('Cannot reconstruct a Request with a used body.');
        const taken = { source: from.#stream ?? from.#source, type: null };
        from.#consumed = true;
        from.#stream = null;
        return taken;
      },
      clone(from) {
        if (from.#source === null) return null;
        if (from.bodyUsed || from.#stream?.locked) throw new TypeError(USED_MESSAGE);
        // A buffered source is immutable here, so both bodies can share it.
        if (!isReadableStream(from.#source)) return { source: from.#source, type: null };
        const [a, b] = from.#stream.tee();
        from.#source = from.#stream = a;
        return { source: b, type: null };
      },
    };
  }

  get body() {
    if (this.#source === null) return null;
    if (this.#stream === null) {
      const source = this.#source;
      if (this.#consumed) this.#stream = usedStream();
      else if (typeof source === 'string') this.#stream = bytesStream(encodeUtf8(source));
      // The stream gets its own copy: a byte stream detaches what it is given.
      else if (source instanceof Uint8Array) this.#stream = bytesStream(source.slice());
      else this.#stream = source.stream();
    }
    return this.#stream;
  }

  get bodyUsed() {
    if (this.#source === null) return false;
    return this.#consumed || (this.#stream !== null && isDisturbed(this.#stream));
  }

  // The unread string or bytes behind this body, for sending it to the host in one copy.
  get [kBodySource]() {
    const source = this.#source;
    if (source === null || this.#consumed) return undefined;
    if (this.#stream !== null && (this.#stream.locked || isDisturbed(this.#stream))) return undefined;
    if (typeof source === 'string' || source instanceof Uint8Array) return source;
    if (source instanceof Blob) return blobBytes(source);
    return undefined;
  }

  // Starts consuming: returns the source to read directly, or the stream to drain.
  #begin() {
    if (this.bodyUsed || this.#stream?.locked) throw new TypeError(USED_MESSAGE);
    if (this.#stream !== null) return { stream: this.#stream };
    this.#consumed = true;
    return { direct: this.#source };
  }

  async #bytes() {
    if (this.#source === null) return new Uint8Array(0);
    const { stream, direct } = this.#begin();
    if (stream) return readAllBytes(stream);
    if (typeof direct === 'string') return encodeUtf8(direct);
    // Copied: the caller owns the result, and the source may be the user's own buffer.
    if (direct instanceof Uint8Array) return direct.slice();
    return blobBytes(direct).slice();
  }

  async arrayBuffer() {
    const bytes = await this.#bytes();
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  }

  async bytes() {
    return this.#bytes();
  }

  async text() {
    if (this.#source === null) return '';
    const { stream, direct } = this.#begin();
    if (stream) return readAllText(stream);
    if (typeof direct === 'string') return direct;
    return decodeUtf8(direct instanceof Uint8Array ? direct : blobBytes(direct));
  }

  async json() {
    return JSON.parse(await this.text());
  }

  async blob() {
    const bytes = await this.#bytes();
    return blobFromBytes(bytes, this.headers.get('content-type') ?? '');
  }

  async formData() {
    const contentType = this.headers.get('content-type');
    if (contentType === null) throw new TypeError('Parsing a Body as FormData requires a Content-Type header.');
    const boundary = multipartBoundary(contentType);
    if (boundary !== null) return parseMultipart(await this.#bytes(), boundary);
    const essence = contentType.split(';')[0].trim().toLowerCase();
    if (essence === 'application/x-www-form-urlencoded') {
      const form = new FormData();
      for (const [name, value] of parseUrlEncoded(await this.text())) form.append(name, value);
      return form;
    }
    throw new TypeError('Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded');
  }
}

// Sets up a new Request's or Response's body from an extracted body (or null), adding the
// default Content-Type to `headers` when none is set.
export function initBody(target, extracted, headers) {
  bodyAccess.init(target, extracted, headers);
}

// Moves a body out of `from` (which becomes used), for `new Request(request)`.
export function takeBody(from) {
  return bodyAccess.take(from);
}

// A second, independent reading of `from`'s body, for clone().
export function cloneBody(from) {
  return bodyAccess.clone(from);
}
