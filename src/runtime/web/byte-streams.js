// Workers' byte-only identity streams, IdentityTransformStream and FixedLengthStream, and the
// helpers the other byte streams share. Their writable side accepts only bytes; their readable
// side is a byte stream (BYOB reads work). As in Workers, a write completes once a reader has
// taken its bytes.
import { streams } from './streams.js';
import { kExpectedLength } from './internal/symbols.js';

// Loaded lazily (see index.js), so building the streams here costs nothing up front.
const { ReadableStream, WritableStream, TransformStream } = streams();

export const NOT_BYTES = 'This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.';

// A Uint8Array over the bytes of an ArrayBuffer or view (not a copy), or null for anything else.
export function bytesOf(chunk) {
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && chunk instanceof SharedArrayBuffer)) {
    return new Uint8Array(chunk);
  }
  return null;
}

// Bytes ready to hand to the host. Crossing copies a view's whole buffer (and would share a
// SharedArrayBuffer), so anything but an unshared buffer viewed entirely is copied out first.
export function forHost(bytes) {
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole ? bytes : bytes.slice();
}

const TOO_MANY = 'Attempt to write too many bytes through a FixedLengthStream.';
const TOO_FEW = 'FixedLengthStream did not see all expected bytes before close().';

// A writable and a readable byte stream joined by a one-chunk rendezvous: a write waits until the
// readable's reader pulls, then hands its bytes over. `expectedLength` (a number, or undefined)
// makes it a fixed-length pipe.
function bytePipe(highWaterMark, expectedLength) {
  let readableController;
  let writableController;
  let pending = null; // the write waiting for a reader: { bytes, resolve, reject }
  let wanted = null; // resolves the pull waiting for a write
  let remaining = expectedLength;

  const wake = () => {
    const resolve = wanted;
    wanted = null;
    resolve?.();
  };
  const deliver = () => {
    readableController.enqueue(pending.bytes);
    pending.resolve();
    pending = null;
  };
  const fail = (error) => {
    readableController.error(error);
    wake();
    return error;
  };

  const readable = new ReadableStream(
    {
      type: 'bytes',
      start(controller) {
        readableController = controller;
      },
      pull() {
        if (pending) return deliver();
        return new Promise((resolve) => {
          wanted = resolve;
        });
      },
      cancel(reason) {
        writableController.error(reason);
        pending?.reject(reason);
        pending = null;
        wake();
      },
    },
    { highWaterMark: 0 },
  );

  const writable = new WritableStream(
    {
      start(controller) {
        writableController = controller;
      },
      write(chunk) {
        const bytes = bytesOf(chunk);
        if (!bytes) throw fail(new TypeError(NOT_BYTES));
        if (remaining !== undefined) {
          if (bytes.byteLength > remaining) throw fail(new TypeError(TOO_MANY));
          remaining -= bytes.byteLength;
        }
        if (bytes.byteLength === 0) return undefined;
        return new Promise((resolve, reject) => {
          // A copy: the writer may reuse its buffer once the write completes.
          pending = { bytes: bytes.slice(), resolve, reject };
          if (wanted) {
            deliver();
            wake();
          }
        });
      },
      close() {
        if (remaining > 0) throw fail(new TypeError(TOO_FEW));
        readableController.close();
        // A BYOB read left pending by close must still be answered.
        readableController.byobRequest?.respond(0);
        wake();
      },
      abort(reason) {
        fail(reason);
      },
    },
    // Counted in bytes. At least 1: a writable that is always over its mark never lets pipeTo()
    // write at all.
    { highWaterMark: Math.max(1, highWaterMark), size: (chunk) => bytesOf(chunk)?.byteLength ?? 0 },
  );

  return { readable, writable };
}

function toHighWaterMark(queuingStrategy) {
  const value = queuingStrategy?.highWaterMark;
  return value === undefined ? 0 : Number(value);
}

// Lets FixedLengthStream hand its length to the IdentityTransformStream constructor without
// making that a public argument.
const kFixedLength = Symbol('fixedLength');

export class IdentityTransformStream extends TransformStream {
  #readable;
  #writable;

  constructor(queuingStrategy = undefined, fixed = undefined) {
    // The TransformStream made by super() only gives this class its identity; both sides are
    // replaced by a byte pipe.
    super();
    const length = fixed?.[kFixedLength];
    let highWaterMark = toHighWaterMark(queuingStrategy);
    if (length !== undefined) highWaterMark = Math.min(highWaterMark, length);
    const { readable, writable } = bytePipe(highWaterMark, length);
    if (length !== undefined) Object.defineProperty(readable, kExpectedLength, { value: length });
    this.#readable = readable;
    this.#writable = writable;
  }

  get readable() {
    return this.#readable;
  }

  get writable() {
    return this.#writable;
  }
}

function toExpectedLength(value) {
  const length = typeof value === 'bigint' ? value : Number(value);
  const valid = typeof length === 'bigint'
    ? length >= 0n && length <= BigInt(Number.MAX_SAFE_INTEGER)
    : Number.isInteger(length) && length >= 0 && length <= Number.MAX_SAFE_INTEGER;
  if (!valid) throw new TypeError('FixedLengthStream requires an integer expected length less than 2^53.');
  return Number(length);
}

export class FixedLengthStream extends IdentityTransformStream {
  constructor(expectedLength, queuingStrategy = undefined) {
    super(queuingStrategy, { [kFixedLength]: toExpectedLength(expectedLength) });
  }
}

Object.defineProperty(IdentityTransformStream.prototype, Symbol.toStringTag, { value: 'IdentityTransformStream', configurable: true });
Object.defineProperty(FixedLengthStream.prototype, Symbol.toStringTag, { value: 'FixedLengthStream', configurable: true });
