// CompressionStream and DecompressionStream (Compression Streams standard) for the formats
// Workers accepts. zlib runs on the host: each stream holds a host handle, sends it every chunk
// and enqueues whatever output comes back.
import { streams } from './streams.js';
import { hostAsync, hostCall } from './internal/bridge.js';
import { NOT_BYTES, bytesOf, forHost } from './byte-streams.js';

// Loaded lazily (see index.js), so building the streams here costs nothing up front.
const { TransformStream } = streams();

const FORMATS = new Set(['gzip', 'deflate', 'deflate-raw']);

function zlibTransformer(format, decompress) {
  const name = `${format}`;
  if (!FORMATS.has(name)) throw new TypeError("The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.");
  const id = hostCall('zlibCreate', name, decompress);
  // The host drops the handle itself when an operation fails and after the end; otherwise it is
  // released here.
  const release = () => hostCall('streamHandleClose', id);
  return {
    async transform(chunk, controller) {
      const bytes = bytesOf(chunk);
      // A BufferSource: memory shared with another thread is not one.
      if (!bytes || !(bytes.buffer instanceof ArrayBuffer)) {
        release();
        throw new TypeError(NOT_BYTES);
      }
      if (bytes.byteLength === 0) return;
      enqueueResult(controller, await hostAsync('zlibWrite', id, forHost(bytes)));
    },
    async flush(controller) {
      enqueueResult(controller, await hostAsync('zlibEnd', id));
    },
    cancel() {
      release();
    },
  };
}

// The host answers each operation with its output and, when the data went on past the end of
// the compressed stream, the error to fail with once that output is enqueued.
function enqueueResult(controller, { output, error }) {
  if (output.byteLength > 0) controller.enqueue(output);
  if (error !== null) throw new TypeError(error);
}

export class CompressionStream extends TransformStream {
  constructor(format) {
    super(zlibTransformer(format, false));
  }
}

export class DecompressionStream extends TransformStream {
  constructor(format) {
    super(zlibTransformer(format, true));
  }
}

Object.defineProperty(CompressionStream.prototype, Symbol.toStringTag, { value: 'CompressionStream', configurable: true });
Object.defineProperty(DecompressionStream.prototype, Symbol.toStringTag, { value: 'DecompressionStream', configurable: true });
