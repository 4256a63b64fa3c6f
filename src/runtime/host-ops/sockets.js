// Outbound TCP for cloudflare:sockets (and node:net / node:tls on top of it), and the host resolver
// for node:dns.
//
// Each connection is a Node socket (node:net, or node:tls for secureTransport "on" and after
// startTls()) owned by the event that opened it: it is destroyed when that event ends, as Workers
// cancels a request's I/O when its context goes away. Bytes flow with backpressure both ways: the
// isolate pulls what the socket received one chunk at a time (a source: the socket stops reading
// from the kernel while nothing is pulled), and a write the socket cannot take yet makes the
// isolate wait for 'drain'. Opening a connection is a subrequest, counted against the limit.
//
// Refused as Workers refuses them: port 25, and (a self-hosting addition) ports the server lists
// in `host.spec.deniedPorts` when the address is this machine's own (loopback, unspecified or one
// of its interfaces), so a worker cannot reach the server it runs in, or anything else the
// operator keeps away from it. Any other address is allowed: unlike Workers, the machine's own
// network is the point of a self-hosted runtime.
import net from 'node:net';
import tls from 'node:tls';
import dns from 'node:dns';
import { networkInterfaces } from 'node:os';

const PORT_25 = 'Connections to port 25 are prohibited';
const PROXY_FAILED = 'proxy request failed, cannot connect to the specified address';
const HTTP_HINT = '. It looks like you might be trying to connect to a HTTP-based service — consider using fetch instead';
const LOST = 'Network connection lost.';
const DENIED = Symbol('denied');

// Node's certificate verification failures, reported as workerd reports them.
const CERT_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|ERR_SSL|ERR_TLS/;

// The Error for a connection that could not be made (the isolate rebuilds it from [name, message]).
function connectFailure(err, port) {
  if (err?.[DENIED] === 'port25') return new Error(PORT_25);
  if (CERT_ERRORS.test(String(err?.code ?? ''))) return new Error(`TLS peer's certificate is not trusted; reason = ${err.message}`);
  return new Error(PROXY_FAILED + (port === 80 || port === 443 ? HTTP_HINT : ''));
}

function isOwnAddress(address) {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (net.isIPv4(plain) && (plain.startsWith('127.') || plain === '0.0.0.0')) return true;
  if (plain === '::1' || plain === '::') return true;
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) if (entry.address === plain) return true;
  }
  return false;
}

// dns.lookup with the deny list applied to every address the name resolves to.
function guardedLookup(denied, port) {
  return (hostname, options, callback) => {
    dns.lookup(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      const list = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
      if (list.some((ip) => denied.has(port) && isOwnAddress(ip))) return callback(deniedError('port'));
      callback(null, address, family);
    });
  };
}

function deniedError(kind) {
  const err = new Error(kind === 'port25' ? PORT_25 : PROXY_FAILED);
  err[DENIED] = kind;
  return err;
}

// One connection as the isolate sees it.
class Connection {
  constructor(host, owner, { address, port, secure }) {
    this.host = host;
    this.address = address;
    this.port = port;
    this.secure = secure;
    this.socket = null;
    this.isOpen = false;
    this.failure = null; // the Error the connection failed with, before it opened
    this.opened = Promise.withResolvers();
    this.closed = Promise.withResolvers();
    this.opened.promise.catch(() => {});
    this.closed.promise.catch(() => {});
    this.readEnded = false;
    this.readError = null;
    this.waker = null; // wakes a pending read
    this.detached = false; // upgraded to TLS: this connection no longer owns the socket
    this.listeners = [];
    owner?.settled.promise.then(() => this.destroy());
  }

  attach(socket, openEvent) {
    this.socket = socket;
    const on = (event, fn) => {
      socket.on(event, fn);
      this.listeners.push([event, fn]);
    };
    on(openEvent, () => {
      this.isOpen = true;
      this.opened.resolve([this.address, null]);
    });
    on('readable', () => this.#wake());
    on('end', () => {
      this.readEnded = true;
      this.#wake();
    });
    on('error', (err) => {
      if (!this.isOpen) this.fail(connectFailure(err, this.port));
      else this.readError = err;
      this.#wake();
    });
    on('close', () => {
      this.readEnded = true;
      this.#wake();
      this.closed.resolve(null);
    });
  }

  fail(error) {
    if (this.failure) return;
    this.failure = error;
    this.opened.reject(error);
    this.closed.reject(error);
    this.readEnded = true;
    this.#wake();
    this.socket?.destroy();
  }

  #wake() {
    const waker = this.waker;
    this.waker = null;
    waker?.();
  }

  // The next chunk the peer sent, or null at its end (or once reading was given up).
  async read() {
    for (;;) {
      if (this.detached || this.failure) return null;
      const chunk = this.socket?.read() ?? null;
      if (chunk !== null) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (this.readError) throw this.readError;
      if (this.readEnded) return null;
      await new Promise((resolve) => (this.waker = resolve));
    }
  }

  // The isolate gave up reading: what still arrives is discarded.
  cancelRead() {
    this.readEnded = true;
    this.#wake();
    if (!this.socket || this.detached) return;
    this.socket.removeAllListeners('readable');
    this.socket.resume();
    if (this.socket.writableEnded) this.socket.destroy();
  }

  write(bytes) {
    this.#checkWritable();
    return this.socket.write(bytes) ? 'ok' : 'full';
  }

  drain() {
    this.#checkWritable();
    const socket = this.socket;
    if (!socket.writableNeedDrain) return Promise.resolve('ok');
    return new Promise((resolve, reject) => {
      const done = () => {
        socket.off('drain', done).off('close', done);
        if (socket.writableNeedDrain || socket.destroyed) reject(new Error(LOST));
        else resolve('ok');
      };
      socket.on('drain', done).on('close', done);
    });
  }

  // Ends the write side once everything written is flushed.
  end() {
    this.#checkWritable();
    const socket = this.socket;
    if (socket.writableFinished) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const done = () => {
        socket.off('finish', done).off('close', done);
        if (socket.writableFinished) resolve(null);
        else reject(new Error(LOST));
      };
      socket.on('finish', done).on('close', done);
      socket.end();
    });
  }

  #checkWritable() {
    if (this.failure) throw this.failure;
    if (this.detached) throw new TypeError('This WritableStream has been closed.');
    if (!this.socket || this.socket.destroyed || this.socket.writableEnded) throw new Error(LOST);
  }

  destroy() {
    if (!this.socket) this.fail(new Error(LOST));
    else if (!this.detached) this.socket.destroy();
  }

  // startTls(): hands the socket over to a new TLS connection and lets go of it.
  detach() {
    this.detached = true;
    for (const [event, fn] of this.listeners) this.socket.off(event, fn);
    this.listeners = [];
    this.#wake();
    this.closed.resolve(null);
    const socket = this.socket;
    // Errors of the raw socket now reach the TLS socket; this one must not crash the process.
    socket.on('error', () => {});
    return socket;
  }
}

// The source the isolate pulls a connection's bytes from (see host-ops/streams.js).
class ConnectionSource {
  constructor(connection) {
    this.connection = connection;
  }
  read() {
    return this.connection.read();
  }
  cancel() {
    this.connection.cancelRead();
  }
}

function connections(host) {
  host.tcpConnections ??= new Map();
  return host.tcpConnections;
}

function register(host, connection) {
  const id = host.nextId++;
  connections(host).set(id, connection);
  connection.closed.promise.then(
    () => connections(host).delete(id),
    () => connections(host).delete(id),
  );
  const sourceId = host.addSource(new ConnectionSource(connection));
  return [id, sourceId];
}

function connection(host, id) {
  const found = connections(host).get(id);
  if (!found) throw new Error(LOST);
  return found;
}

function countSubrequest(host) {
  const invocation = host.current;
  invocation.subrequests += 1;
  if (invocation.subrequests > host.limits.subrequests) throw new Error('Too many subrequests.');
}

// connect(): `hostname` (brackets removed from an IPv6 address) and `port` were validated by the
// isolate; `address` is how the worker wrote them. Returns [connection id, source id].
export function socketConnect(host, address, hostname, port, secureTransport, _allowHalfOpen) {
  countSubrequest(host);
  if (typeof hostname !== 'string' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError('Specified address could not be parsed.');
  }
  const secure = secureTransport === 'on';
  const conn = new Connection(host, host.current, { address: String(address), port, secure });
  const ids = register(host, conn);
  if (port === 25) {
    conn.fail(new Error(PORT_25));
    return ids;
  }
  const denied = new Set(Array.isArray(host.spec.deniedPorts) ? host.spec.deniedPorts : []);
  if (net.isIP(hostname) && denied.has(port) && isOwnAddress(hostname)) {
    conn.fail(new Error(PROXY_FAILED));
    return ids;
  }
  // Sockets stay half-open on the host: whether the write side follows the read side's end is
  // the isolate's choice (allowHalfOpen), made after what it queued is written.
  const options = { host: hostname, port, allowHalfOpen: true, lookup: guardedLookup(denied, port) };
  const socket = secure
    ? tls.connect({ ...options, servername: net.isIP(hostname) ? undefined : hostname })
    : net.connect(options);
  conn.attach(socket, secure ? 'secureConnect' : 'connect');
  return ids;
}

// startTls(): the connection continues over TLS as a new connection; the old one is done.
export function socketStartTls(host, id, expectedHostname) {
  const old = connection(host, id);
  if (old.failure) throw old.failure;
  const raw = old.detach();
  const servername = String(expectedHostname);
  const conn = new Connection(host, host.current, { address: old.address, port: old.port, secure: true });
  const ids = register(host, conn);
  const socket = tls.connect({ socket: raw, servername: net.isIP(servername) ? undefined : servername, host: servername, allowHalfOpen: true });
  conn.attach(socket, 'secureConnect');
  return ids;
}

// Completes with [remoteAddress, localAddress] once connected, or the connection's failure.
export function socketOpened(host, callId, id) {
  host.completeWith(callId, connection(host, id).opened.promise);
}

// Completes once the connection is closed (either side, or its event ended).
export function socketClosed(host, callId, id) {
  const found = connections(host).get(id);
  host.completeWith(callId, found ? found.closed.promise : Promise.resolve(null));
}

export function socketWrite(host, id, bytes) {
  return connection(host, id).write(bytes);
}

export function socketDrain(host, callId, id) {
  host.completeWith(callId, Promise.try(() => connection(host, id).drain()));
}

export function socketEnd(host, callId, id) {
  host.completeWith(callId, Promise.try(() => connection(host, id).end()));
}

// close(): both directions, at once.
export function socketClose(host, id) {
  connections(host).get(id)?.destroy();
}

// ---- node:dns, through the host's resolver ----

// Failures complete as values (['error', code, syscall]) so the isolate can rebuild Node's errors.
function dnsAnswer(promise, syscall) {
  return promise.then(
    (value) => ['ok', value],
    (err) => ['error', String(err?.code ?? 'ESERVFAIL'), String(err?.syscall ?? syscall)],
  );
}

const RRTYPES = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SRV', 'TXT']);

// getaddrinfo: [[address, family], ...].
export function dnsLookup(host, callId, hostname, family) {
  countSubrequest(host);
  const lookup = dns.promises.lookup(String(hostname), { family: [0, 4, 6].includes(family) ? family : 0, all: true, order: 'verbatim' });
  host.completeWith(callId, dnsAnswer(lookup.then((list) => list.map(({ address, family: f }) => [address, f])), 'getaddrinfo'));
}

// resolve4/resolve6 (with TTLs when `ttl`), or any other record type.
export function dnsResolve(host, callId, name, rrtype, ttl) {
  countSubrequest(host);
  if (!RRTYPES.has(rrtype)) throw new TypeError(`Unknown DNS record type: ${rrtype}`);
  const resolver = new dns.promises.Resolver();
  const syscall = `query${rrtype[0]}${rrtype.slice(1).toLowerCase()}`;
  let query;
  if (rrtype === 'A') query = resolver.resolve4(String(name), { ttl: Boolean(ttl) });
  else if (rrtype === 'AAAA') query = resolver.resolve6(String(name), { ttl: Boolean(ttl) });
  else query = resolver.resolve(String(name), rrtype);
  host.completeWith(callId, dnsAnswer(query, syscall));
}

export function dnsReverse(host, callId, ip) {
  countSubrequest(host);
  host.completeWith(callId, dnsAnswer(new dns.promises.Resolver().reverse(String(ip)), 'getHostByAddr'));
}

export const ops = {
  socketConnect,
  socketStartTls,
  socketOpened,
  socketClosed,
  socketWrite,
  socketDrain,
  socketEnd,
  socketClose,
  dnsLookup,
  dnsResolve,
  dnsReverse,
};

// Refused at global scope (and once the event ended), as Workers refuses them.
export const NEED_EVENT = ['socketConnect', 'socketStartTls', 'dnsLookup', 'dnsResolve', 'dnsReverse'];
