// cloudflare:sockets: connect() and the Socket it returns, as Workers has them.
//
// A socket's bytes live on the host (host-ops/sockets.js): `readable` pulls them one chunk at a
// time, `writable` hands each chunk over and waits when the host socket is full. `opened` and
// `closed` are host completions. A socket made by startTls() learns its host connection only once
// the old socket's pending writes are flushed, so every host call goes through `#handle`.
import { hostAsync, hostCall } from './internal/bridge.js';
import { streams } from './streams.js';
import { URL } from './url.js';

const SECURE_TRANSPORTS = new Set(['off', 'on', 'starttls']);
const STARTTLS_ONLY = "The `secureTransport` socket option must be set to 'starttls' for startTls to be used.";
const WRITE_CLOSED = 'This WritableStream has been closed.';
const noop = () => {};

let constructing = false;

// What workerd accepts as a host: letters, digits and - . _ [ ] : (IPv6), at most 255 characters.
const VALID_HOST = /^[A-Za-z0-9\-._[\]:]{1,255}$/;

// [address as written, hostname, port] of connect()'s first argument.
function parseAddress(address) {
  if (typeof address === 'string' || address instanceof String) {
    const text = String(address);
    const url = URL.parse(`fake://${text}`);
    if (url === null) throw new TypeError('Specified address could not be parsed.');
    if (url.hostname === '') throw new TypeError('Specified address is missing hostname.');
    if (url.port === '') throw new TypeError('Specified address is missing port.');
    if (!VALID_HOST.test(text)) throw new TypeError('Specified address is empty string, contains unsupported characters or is too long.');
    return [text, url.hostname, Number(url.port)];
  }
  if (address === null || typeof address !== 'object') {
    throw new TypeError("Failed to execute 'connect' on 'Sockets': parameter 1 is not of type 'string or SocketAddress'.");
  }
  const { hostname, port } = address;
  if (typeof hostname !== 'string') {
    throw new TypeError("Incorrect type for the 'hostname' field on 'SocketAddress': the provided value is not of type 'string'.");
  }
  const number = Number(port);
  if (port === undefined || !Number.isFinite(number)) {
    throw new TypeError("Incorrect type for the 'port' field on 'SocketAddress': the provided value is not of type 'integer'.");
  }
  const text = `${hostname}:${Math.trunc(number)}`;
  if (!VALID_HOST.test(text) || hostname === '') {
    throw new TypeError('Specified address is empty string, contains unsupported characters or is too long.');
  }
  if (number < 0 || number > 65535) throw new TypeError('Specified address could not be parsed.');
  return [text, hostname, Math.trunc(number)];
}

function parseOptions(options) {
  if (options === undefined || options === null) return { secureTransport: 'off', allowHalfOpen: false, highWaterMark: undefined };
  if (typeof options !== 'object') throw new TypeError("Failed to execute 'connect' on 'Sockets': parameter 2 is not of type 'SocketOptions'.");
  const secureTransport = options.secureTransport === undefined ? 'off' : String(options.secureTransport);
  if (!SECURE_TRANSPORTS.has(secureTransport)) throw new TypeError(`Unsupported value in secureTransport socket option: ${secureTransport}`);
  const highWaterMark = options.highWaterMark === undefined ? undefined : Number(options.highWaterMark);
  return { secureTransport, allowHalfOpen: Boolean(options.allowHalfOpen), highWaterMark };
}

const bare = (hostname) => (hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname);

export class Socket {
  #handle; // Promise of { id, sourceId }
  #domain; // the hostname startTls() verifies by default
  #secureTransport;
  #allowHalfOpen;
  #readable;
  #writable;
  #readController = null;
  #writeController = null;
  #opened;
  #closed = Promise.withResolvers();
  #upgraded = false;
  #tlsStarted = false;
  #closing = null;
  #readDone = false; // the readable was closed, cancelled or detached
  #writeDone = false; // the write side was closed (by the worker, by EOF or by close())
  #writes = 0;
  #inflight = null;

  constructor(handle, domain, { secureTransport, allowHalfOpen, highWaterMark }) {
    if (!constructing) throw new TypeError('Illegal constructor');
    this.#handle = handle;
    this.#domain = domain;
    this.#secureTransport = secureTransport;
    this.#allowHalfOpen = allowHalfOpen;
    handle.catch(noop);
    this.#closed.promise.catch(noop);
    this.#opened = handle.then(({ id }) => hostAsync('socketOpened', id)).then(([remoteAddress, localAddress]) => ({ remoteAddress, localAddress }));
    this.#opened.catch((err) => this.#failed(err));
    handle.then(({ id }) => hostAsync('socketClosed', id)).then(
      () => this.#closed.resolve(),
      (err) => this.#closed.reject(err),
    );
    this.#readable = this.#makeReadable();
    this.#writable = this.#makeWritable(highWaterMark);
  }

  get readable() {
    return this.#readable;
  }
  get writable() {
    return this.#writable;
  }
  get opened() {
    return this.#opened;
  }
  get closed() {
    return this.#closed.promise;
  }
  get upgraded() {
    return this.#upgraded;
  }
  get secureTransport() {
    return this.#secureTransport;
  }

  #makeReadable() {
    const { ReadableStream } = streams();
    return new ReadableStream(
      {
        type: 'bytes',
        start: (controller) => {
          this.#readController = controller;
        },
        pull: async (controller) => {
          if (this.#readDone) return;
          const { sourceId } = await this.#handle;
          const chunk = await hostAsync('sourceRead', sourceId);
          if (this.#readDone) return;
          if (chunk === null) {
            this.#readDone = true;
            controller.close();
            controller.byobRequest?.respond(0);
            if (!this.#allowHalfOpen) this.#closeWriteSide();
          } else if (chunk.byteLength > 0) {
            controller.enqueue(chunk);
          }
        },
        cancel: () => {
          this.#readDone = true;
          this.#handle.then(({ sourceId }) => hostCall('sourceCancel', sourceId), noop);
        },
      },
      { highWaterMark: 0 },
    );
  }

  #makeWritable(highWaterMark) {
    const { WritableStream } = streams();
    const strategy = highWaterMark === undefined ? undefined : { highWaterMark, size: (chunk) => chunk?.byteLength ?? 1 };
    return new WritableStream(
      {
        start: (controller) => {
          this.#writeController = controller;
        },
        write: (chunk) => {
          this.#writes += 1;
          this.#inflight = this.#write(chunk);
          return this.#inflight;
        },
        close: () => this.#endWrites(),
        abort: () => {
          this.#writeDone = true;
          this.#handle.then(({ id }) => hostAsync('socketEnd', id)).catch(noop);
        },
      },
      strategy,
    );
  }

  async #write(chunk) {
    if (!ArrayBuffer.isView(chunk) && !(chunk instanceof ArrayBuffer)) {
      throw new TypeError('This WritableStream only supports writing byte types.');
    }
    if (this.#writeDone) throw new TypeError(WRITE_CLOSED);
    const bytes = chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes.byteLength === 0) return;
    const { id } = await this.#handle;
    // A write waits for the connection, as in Workers: a failed one fails it.
    await this.#opened;
    if (this.#writeDone) throw new TypeError(WRITE_CLOSED);
    if (hostCall('socketWrite', id, bytes) === 'full') await hostAsync('socketDrain', id);
  }

  async #endWrites() {
    if (this.#writeDone) return;
    this.#writeDone = true;
    const { id } = await this.#handle;
    await this.#opened;
    await hostAsync('socketEnd', id);
  }

  // Resolves once every chunk queued on the writable has been handed to the host.
  async #flush() {
    let seen;
    do {
      seen = this.#writes;
      await this.#inflight?.catch(noop);
      for (let i = 0; i < 4; i++) await null;
    } while (seen !== this.#writes);
  }

  // The read side ended and the socket is not half-open: the write side follows once flushed.
  async #closeWriteSide() {
    try {
      await this.#flush();
      await this.#endWrites();
      this.#writeController?.error(new TypeError(WRITE_CLOSED));
      this.#closed.resolve();
    } catch (err) {
      this.#closed.reject(err);
    }
  }

  // The connection could not be made: the streams are torn down and `closed` rejects (the host
  // rejects it too).
  #failed(err) {
    this.#readDone = true;
    this.#writeDone = true;
    try {
      this.#readController?.close();
      this.#readController?.byobRequest?.respond(0);
    } catch {
      // Already closed.
    }
    this.#writeController?.error(err);
    this.#closed.reject(err);
  }

  // Both streams are forcibly closed once the connection attempt is over and pending writes were
  // flushed; resolves then (also when the connection had failed, whose `closed` rejects).
  close() {
    this.#closing ??= this.#opened.then(noop, noop).then(async () => {
      await this.#flush();
      this.#shutStreams(new TypeError(WRITE_CLOSED));
      const { id } = await this.#handle;
      hostCall('socketClose', id);
      this.#closed.resolve();
    }).catch((err) => this.#closed.reject(err));
    return this.#closing;
  }

  #shutStreams(writeError) {
    if (!this.#readDone) {
      this.#readDone = true;
      try {
        this.#readController?.close();
        this.#readController?.byobRequest?.respond(0);
      } catch {
        // Already closed or errored.
      }
    }
    this.#writeDone = true;
    this.#writeController?.error(writeError);
  }

  startTls(options = undefined) {
    if (this.#secureTransport === 'on') throw new TypeError('Cannot startTls on a TLS socket.');
    if (this.#tlsStarted) throw new TypeError('startTls can only be called once.');
    if (this.#secureTransport !== 'starttls') throw new TypeError(STARTTLS_ONLY);
    this.#tlsStarted = true;
    const expected = options?.expectedServerHostname;
    const hostname = expected === undefined || expected === null ? this.#domain : String(expected);
    const handle = this.#flush().then(async () => {
      const { id } = await this.#handle;
      const [newId, sourceId] = hostCall('socketStartTls', id, hostname);
      this.#upgraded = true;
      this.#shutStreams(new TypeError(WRITE_CLOSED));
      this.#closed.resolve();
      return { id: newId, sourceId };
    });
    return createSocket(handle, this.#domain, { secureTransport: 'on', allowHalfOpen: this.#allowHalfOpen, highWaterMark: undefined });
  }
}
Object.defineProperty(Socket.prototype, Symbol.toStringTag, { value: 'Socket', configurable: true });

function createSocket(handle, domain, options) {
  constructing = true;
  try {
    return new Socket(handle, domain, options);
  } finally {
    constructing = false;
  }
}

export function connect(address, options = undefined) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'connect' on 'Sockets': 1 argument required, but only 0 present.");
  const [text, hostname, port] = parseAddress(address);
  const parsed = parseOptions(options);
  const [id, sourceId] = hostCall('socketConnect', text, bare(hostname), port, parsed.secureTransport, parsed.allowHalfOpen);
  return createSocket(Promise.resolve({ id, sourceId }), bare(hostname), parsed);
}

export default { connect };
