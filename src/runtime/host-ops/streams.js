// Byte streams crossing the isolate boundary.
// A source is a host stream the isolate reads from (request bodies, fetch responses); a sink is a
// host Readable the isolate writes into (response bodies, fetch uploads). Both belong to the
// invocation that created them and are torn down with it.
import { Readable } from 'node:stream';

const asBytes = (chunk) => (typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));

export class Source {
  // `drainOnCancel`: for an incoming request body, whose socket also carries the response:
  // cancelling reads and discards the rest instead of destroying the connection.
  constructor(stream, { drainOnCancel = false } = {}) {
    this.stream = stream;
    this.drainOnCancel = drainOnCancel;
    this.iterator = drainOnCancel ? stream.iterator({ destroyOnReturn: false }) : stream[Symbol.asyncIterator]();
  }
  read() {
    return this.iterator.next().then(({ done, value }) => (done ? null : asBytes(value)));
  }
  cancel() {
    if (this.drainOnCancel) {
      this.iterator.return().catch(() => {}).finally(() => this.stream.resume());
    } else if (typeof this.stream.destroy === 'function') {
      this.stream.destroy();
    } else {
      this.iterator.return?.().catch(() => {});
    }
  }
}

export class Sink {
  constructor() {
    this.closed = false;
    this.drainWaiter = null;
    this.readable = new Readable({
      read: () => this.#wake('ok'),
      destroy: (err, callback) => {
        this.closed = true;
        this.#wake('closed');
        callback(err);
      },
    });
    // The worker can fail its body before the server starts piping it; the failure then reaches
    // the client through the pipeline (as a cut-off response), never as an unhandled error.
    this.readable.on('error', () => {});
  }
  #wake(state) {
    const waiter = this.drainWaiter;
    this.drainWaiter = null;
    waiter?.(state);
  }
  write(chunk) {
    if (this.closed) return 'closed';
    return this.readable.push(chunk) ? 'ok' : 'full';
  }
  drain() {
    if (this.closed) return Promise.resolve('closed');
    if (this.readable.readableLength < this.readable.readableHighWaterMark) return Promise.resolve('ok');
    return new Promise((resolve) => {
      this.drainWaiter = resolve;
    });
  }
  end(error) {
    if (this.closed) return;
    this.closed = true;
    if (error) this.readable.destroy(new Error(`${error[0]}: ${error[1]}`));
    else this.readable.push(null);
  }
}

export function sourceRead(host, callId, id) {
  const source = host.sources.get(id);
  if (!source) return host.completeLater(callId, true, null);
  host.completeWith(callId, source.read().then(
    (chunk) => {
      if (chunk === null) host.sources.delete(id);
      return chunk;
    },
    () => {
      throw new TypeError('Network connection lost.');
    },
  ));
}

export function sourceCancel(host, id) {
  host.sources.get(id)?.cancel();
  host.sources.delete(id);
}

export function sinkCreate(host) {
  return host.addSink(new Sink());
}

export function sinkWrite(host, id, chunk) {
  const sink = host.sinks.get(id);
  return sink ? sink.write(chunk) : 'closed';
}

export function sinkDrain(host, callId, id) {
  const sink = host.sinks.get(id);
  host.completeWith(callId, sink ? sink.drain() : Promise.resolve('closed'));
}

export function sinkEnd(host, id, error) {
  host.sinks.get(id)?.end(error);
  host.sinks.delete(id);
}
