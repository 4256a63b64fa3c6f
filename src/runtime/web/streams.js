// Streams are the WHATWG reference implementation (web-streams-polyfill), built the first time
// anything needs a stream: a worker that only answers with strings and bytes never pays for it
// (about 300 KiB of heap per isolate). This module also holds the two crossings to the host: a
// ReadableStream fed by a host source (incoming request bodies, fetch responses) and a pump that
// drains a ReadableStream into a host sink (outgoing response bodies, fetch uploads), both with
// backpressure.
import { hostAsync, hostCall } from './internal/bridge.js';

let implementation = null;

// The streams classes (ReadableStream, WritableStream, TransformStream, readers, controllers,
// queuing strategies), loaded on first call.
export function streams() {
  // esbuild turns this require of an ES module into a lazily run initializer.
  implementation ??= require('./streams-impl.js');
  return implementation;
}

// Whether `value` is a ReadableStream; never loads the implementation to find out.
export function isReadableStream(value) {
  return implementation !== null && value instanceof implementation.ReadableStream;
}

export function isWritableStream(value) {
  return implementation !== null && value instanceof implementation.WritableStream;
}

// A ReadableStream that pulls chunks from host source `id` one read at a time, so nothing is
// buffered beyond what the reader asked for.
export function hostReadable(id) {
  const { ReadableStream } = streams();
  return new ReadableStream(
    {
      type: 'bytes',
      async pull(controller) {
        const chunk = await hostAsync('sourceRead', id);
        if (chunk === null) {
          controller.close();
          // A BYOB request left pending by close must still be answered.
          controller.byobRequest?.respond(0);
        } else if (chunk.byteLength > 0) {
          controller.enqueue(chunk);
        }
      },
      cancel() {
        hostCall('sourceCancel', id);
      },
    },
    { highWaterMark: 0 },
  );
}

// A WritableStream whose chunks go into host sink `id`, waiting while the sink is full.
export function hostWritable(id) {
  const { WritableStream } = streams();
  return new WritableStream({
    async write(chunk) {
      if (!ArrayBuffer.isView(chunk) && !(chunk instanceof ArrayBuffer)) throw new TypeError('This WritableStream only accepts ArrayBuffer or ArrayBufferView chunks.');
      const bytes = ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) : new Uint8Array(chunk);
      let state = hostCall('sinkWrite', id, bytes);
      if (state === 'full') state = await hostAsync('sinkDrain', id);
      if (state === 'closed') throw new TypeError('The stream this WritableStream writes into was closed.');
    },
    close() {
      hostCall('sinkEnd', id, null);
    },
    abort(reason) {
      hostCall('sinkEnd', id, [reason?.name ?? 'Error', String(reason?.message ?? reason)]);
    },
  });
}

// Writes every chunk of `stream` into host sink `id`. Resolves when the stream ended or the host
// side went away (client disconnected), cancelling the stream in that case.
export async function pumpToHost(stream, id) {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
        throw new TypeError('This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.');
      }
      const bytes = value instanceof Uint8Array ? value : new Uint8Array(ArrayBuffer.isView(value) ? value.buffer : value, value.byteOffset ?? 0, value.byteLength);
      let state = hostCall('sinkWrite', id, bytes);
      if (state === 'full') state = await hostAsync('sinkDrain', id);
      if (state === 'closed') {
        await reader.cancel(new Error('The client disconnected.'));
        return false;
      }
    }
    hostCall('sinkEnd', id, null);
    return true;
  } catch (err) {
    hostCall('sinkEnd', id, [err?.name ?? 'Error', String(err?.message ?? err)]);
    throw err;
  } finally {
    reader.releaseLock();
  }
}
