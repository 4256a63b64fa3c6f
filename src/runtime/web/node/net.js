// node:net as Workers has it: net.Socket (and connect/createConnection) over cloudflare:sockets,
// isIP/isIPv4/isIPv6, SocketAddress and BlockList. Servers are not supported: createServer() and
// new Server() throw, as in Workers.
//
// The stream classes come from node:stream (src/runtime/web/node/stream.js, shared with the
// worker's own imports); @jspm/core's build, which that module wraps, stands in while it is absent.

// Another node:* module (or the platform's cloudflare:sockets), as the same instance the worker gets.
const peer = (load, name, fallback) => {
  const module = load();
  return module?.[name] ?? module?.default?.[name] ?? fallback()[name];
};
const Duplex = peer(() => require('./stream.js'), 'Duplex', () => require('@jspm/core/nodelibs/stream'));
const Buffer = peer(() => require('./buffer.js'), 'Buffer', () => require('@jspm/core/nodelibs/buffer'));
const EventEmitter = peer(() => require('./events.js'), 'EventEmitter', () => require('@jspm/core/nodelibs/events'));
const sockets = () => require('../sockets.js');

const kConnect = Symbol('connect');
const kAttach = Symbol('attach');
const kUpgrade = Symbol('upgrade');

function nodeError(Base, code, message) {
  const err = new Base(message);
  err.code = code;
  return err;
}

function notImplemented(name) {
  return nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', `The ${name} method is not implemented`);
}

// ---- addresses ----

const V4_PART = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const V4 = `(?:${V4_PART}\\.){3}${V4_PART}`;
const IPV4 = new RegExp(`^${V4}$`);
const V6_GROUP = '(?:[0-9a-fA-F]{1,4})';
const IPV6 = new RegExp(
  '^(?:' +
    `(?:${V6_GROUP}:){7}(?:${V6_GROUP}|:)|` +
    `(?:${V6_GROUP}:){6}(?:${V4}|:${V6_GROUP}|:)|` +
    `(?:${V6_GROUP}:){5}(?::${V4}|(?::${V6_GROUP}){1,2}|:)|` +
    `(?:${V6_GROUP}:){4}(?:(?::${V6_GROUP}){0,1}:${V4}|(?::${V6_GROUP}){1,3}|:)|` +
    `(?:${V6_GROUP}:){3}(?:(?::${V6_GROUP}){0,2}:${V4}|(?::${V6_GROUP}){1,4}|:)|` +
    `(?:${V6_GROUP}:){2}(?:(?::${V6_GROUP}){0,3}:${V4}|(?::${V6_GROUP}){1,5}|:)|` +
    `(?:${V6_GROUP}:){1}(?:(?::${V6_GROUP}){0,4}:${V4}|(?::${V6_GROUP}){1,6}|:)|` +
    `(?::(?:(?::${V6_GROUP}){0,5}:${V4}|(?::${V6_GROUP}){1,7}|:))` +
    ')(?:%[0-9a-zA-Z-.:]{1,})?$',
);

export function isIPv4(input) {
  return IPV4.test(String(input));
}
export function isIPv6(input) {
  return IPV6.test(String(input));
}
export function isIP(input) {
  if (isIPv4(input)) return 4;
  if (isIPv6(input)) return 6;
  return 0;
}

// An address as 16 bytes (IPv4 as IPv4-mapped IPv6), for BlockList.
function toBytes(address, family) {
  if (family === 'ipv4') return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, ...address.split('.').map(Number)];
  let text = address.split('%')[0];
  let tail = [];
  const v4 = text.match(new RegExp(`(${V4})$`));
  if (v4) {
    tail = v4[1].split('.').map(Number);
    text = `${text.slice(0, -v4[1].length)}0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, null];
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const groups = rest === null ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes = groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function familyOf(address, family) {
  const f = String(family ?? 'ipv4').toLowerCase();
  if (f !== 'ipv4' && f !== 'ipv6') throw nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'family' must be one of: 'ipv4', 'ipv6'. Received '${family}'`);
  if ((f === 'ipv4' && !isIPv4(address)) || (f === 'ipv6' && !isIPv6(address))) {
    throw nodeError(TypeError, 'ERR_INVALID_ADDRESS', `Invalid address: ${address}`);
  }
  return f;
}

export class SocketAddress {
  #address;
  #port;
  #family;
  #flowlabel;
  constructor(options = {}) {
    const family = String(options.family ?? 'ipv4').toLowerCase();
    this.#family = family;
    this.#address = options.address ?? (family === 'ipv6' ? '::' : '127.0.0.1');
    familyOf(this.#address, family);
    this.#port = Number(options.port ?? 0);
    this.#flowlabel = Number(options.flowlabel ?? 0);
  }
  get address() {
    return this.#address;
  }
  get port() {
    return this.#port;
  }
  get family() {
    return this.#family;
  }
  get flowlabel() {
    return this.#flowlabel;
  }
  toJSON() {
    return { address: this.#address, port: this.#port, family: this.#family, flowlabel: this.#flowlabel };
  }
  static isSocketAddress(value) {
    return value instanceof SocketAddress;
  }
  static parse(input) {
    const url = URL.parse(`http://${input}`);
    if (url === null) return undefined;
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (!isIP(host)) return undefined;
    return new SocketAddress({ address: host, port: Number(url.port || 0), family: isIPv6(host) ? 'ipv6' : 'ipv4' });
  }
}

const compare = (a, b) => {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
};

export class BlockList {
  #rules = [];
  addAddress(address, family = 'ipv4') {
    if (address instanceof SocketAddress) [address, family] = [address.address, address.family];
    const f = familyOf(address, family);
    this.#rules.push({ text: `Address: ${f === 'ipv4' ? 'IPv4' : 'IPv6'} ${address}`, test: (b) => compare(b, toBytes(address, f)) === 0 });
  }
  addRange(start, end, family = 'ipv4') {
    if (start instanceof SocketAddress) [start, family] = [start.address, start.family];
    if (end instanceof SocketAddress) end = end.address;
    const f = familyOf(start, family);
    familyOf(end, f);
    const [low, high] = [toBytes(start, f), toBytes(end, f)];
    if (compare(low, high) > 0) throw nodeError(RangeError, 'ERR_INVALID_ARG_VALUE', `The argument 'start' must come before end. Received '${start}'`);
    this.#rules.push({ text: `Range: ${f === 'ipv4' ? 'IPv4' : 'IPv6'} ${start}-${end}`, test: (b) => compare(b, low) >= 0 && compare(b, high) <= 0 });
  }
  addSubnet(network, prefix, family = 'ipv4') {
    if (network instanceof SocketAddress) [network, family] = [network.address, network.family];
    const f = familyOf(network, family);
    const bits = Number(prefix) + (f === 'ipv4' ? 96 : 0);
    const base = toBytes(network, f);
    this.#rules.push({
      text: `Subnet: ${f === 'ipv4' ? 'IPv4' : 'IPv6'} ${network}/${prefix}`,
      test: (b) => {
        for (let i = 0; i < bits; i++) {
          const byte = i >> 3;
          const mask = 0x80 >> (i & 7);
          if ((b[byte] & mask) !== (base[byte] & mask)) return false;
        }
        return true;
      },
    });
  }
  check(address, family = 'ipv4') {
    if (address instanceof SocketAddress) [address, family] = [address.address, address.family];
    let f;
    try {
      f = familyOf(address, family);
    } catch {
      return false;
    }
    const bytes = toBytes(address, f);
    return this.#rules.some((rule) => rule.test(bytes));
  }
  get rules() {
    return this.#rules.map((rule) => rule.text).reverse();
  }
  static isBlockList(value) {
    return value instanceof BlockList;
  }
}

// ---- sockets ----

function validatePort(port) {
  const number = typeof port === 'string' && port.trim() !== '' ? Number(port) : port;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 65535) {
    throw nodeError(RangeError, 'ERR_SOCKET_BAD_PORT', `Port should be >= 0 and < 65536. Received ${typeof port === 'number' ? `type number (${port})` : `type ${typeof port} ('${port}')`}.`);
  }
  return number;
}

// [options, callback] from connect()'s overloads: (options[, cb]), (port[, host][, cb]), (path[, cb]).
function normalizeConnectArgs(args) {
  let [first, second, third] = args;
  let options;
  if (first !== null && typeof first === 'object') {
    options = { ...first };
    third = second;
  } else if (typeof first === 'string' && Number.isNaN(Number(first))) {
    options = { path: first };
    third = second;
  } else {
    options = { port: first };
    if (typeof second === 'string') options.host = second;
    else third = second;
  }
  const callback = typeof third === 'function' ? third : undefined;
  return [options, callback];
}

export class Socket extends Duplex {
  #cf = null;
  #reader = null;
  #writer = null;
  #reading = false;
  #wantRead = false;
  #host;
  #port;
  #bytesRead = 0;
  #bytesWritten = 0;
  #timeout = 0;
  #timer = null;
  #detached = false; // handed over to a TLSSocket
  #hadError = false;
  #opened = false;

  constructor(options = {}) {
    super({ ...options, allowHalfOpen: Boolean(options?.allowHalfOpen), emitClose: true, autoDestroy: true, decodeStrings: true });
    this.connecting = false;
    this.encrypted = false;
    this.secureTransport = 'starttls';
    // Reading starts with the connection.
    this.on('end', () => this.#touch());
  }

  connect(...args) {
    const [options, callback] = normalizeConnectArgs(args);
    if (options.path !== undefined) throw notImplemented('Socket.connect(path)');
    if (this.#cf || this.connecting) {
      throw nodeError(Error, 'ERR_SOCKET_CONNECTION_TIMEOUT', 'Socket is already connecting or connected.');
    }
    const port = validatePort(options.port);
    const host = options.host === undefined || options.host === null || options.host === '' ? 'localhost' : String(options.host);
    if (callback) this.once(this.encrypted ? 'secureConnect' : 'connect', callback);
    if (options.timeout) this.setTimeout(options.timeout);
    this[kConnect](host, port, options);
    return this;
  }

  [kConnect](host, port, options) {
    this.connecting = true;
    this.#host = host;
    this.#port = port;
    const hostname = isIPv6(host) ? `[${host}]` : host;
    const cf = sockets().connect({ hostname, port }, { secureTransport: this.encrypted && !options?.socket ? 'on' : this.secureTransport, allowHalfOpen: true });
    this[kAttach](cf);
  }

  // Takes over the cloudflare:sockets socket `cf`.
  [kAttach](cf) {
    this.#cf = cf;
    this.connecting = true;
    this.#reader = cf.readable.getReader();
    this.#writer = cf.writable.getWriter();
    this.emit('connectionAttempt', this.#host, this.#port, isIP(this.#host) || 4);
    cf.opened.then(
      () => {
        if (this.destroyed) return;
        this.connecting = false;
        this.#opened = true;
        this.#touch();
        if (this.encrypted) {
          this.authorized = true;
          this.emit('secureConnect');
        }
        this.emit('connect');
        this.emit('ready');
        if (this.#wantRead) this.#pull();
      },
      (err) => this.destroy(err),
    );
  }

  // startTls() for node:tls: the connection continues as `cf`, this socket lets go of it.
  [kUpgrade](servername) {
    if (!this.#cf) throw nodeError(Error, 'ERR_SOCKET_CLOSED', 'Socket is closed');
    this.#detached = true;
    this.#reader.releaseLock();
    this.#writer.releaseLock();
    const upgraded = this.#cf.startTls({ expectedServerHostname: servername });
    this.#cf = null;
    return [upgraded, this.#host, this.#port];
  }

  #pull() {
    if (this.#reading || !this.#reader || this.connecting) {
      this.#wantRead = true;
      return;
    }
    this.#reading = true;
    this.#wantRead = false;
    this.#reader.read().then(
      ({ done, value }) => {
        this.#reading = false;
        if (this.destroyed) return;
        this.#touch();
        if (done) {
          this.push(null);
          return;
        }
        this.#bytesRead += value.byteLength;
        if (this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))) this.#pull();
      },
      (err) => {
        this.#reading = false;
        if (!this.#detached) this.destroy(err);
      },
    );
  }

  _read() {
    this.#pull();
  }

  _write(chunk, encoding, callback) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    if (!this.#writer) {
      callback(nodeError(Error, 'ERR_SOCKET_CLOSED_BEFORE_CONNECTION', 'Socket closed before the connection was established'));
      return;
    }
    this.#writer.write(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).then(
      () => {
        this.#bytesWritten += bytes.byteLength;
        this.#touch();
        callback();
      },
      (err) => callback(err),
    );
  }

  _final(callback) {
    if (!this.#writer) {
      callback();
      return;
    }
    this.#writer.close().then(() => callback(), (err) => callback(err));
  }

  _destroy(err, callback) {
    this.#hadError = Boolean(err);
    this.connecting = false;
    this.#clearTimer();
    const cf = this.#cf;
    this.#cf = null;
    if (cf && !this.#detached) cf.close().catch(() => {});
    callback(err);
  }

  // 'close' tells whether the socket ended with an error, as in Node.
  emit(event, ...args) {
    if (event === 'close' && args.length === 0) return super.emit('close', this.#hadError);
    return super.emit(event, ...args);
  }

  // Idle timeout: 'timeout' after `ms` without activity (the socket stays open, as in Node).
  setTimeout(ms, callback) {
    this.#timeout = Number(ms) || 0;
    if (callback) {
      if (this.#timeout === 0) this.off('timeout', callback);
      else this.once('timeout', callback);
    }
    this.#touch();
    return this;
  }

  #touch() {
    this.#clearTimer();
    if (this.#timeout > 0 && !this.destroyed) {
      this.#timer = setTimeout(() => this.emit('timeout'), this.#timeout);
    }
  }

  #clearTimer() {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  get timeout() {
    return this.#timeout || undefined;
  }
  setNoDelay() {
    return this;
  }
  setKeepAlive() {
    return this;
  }
  ref() {
    return this;
  }
  unref() {
    return this;
  }
  address() {
    return {};
  }
  resetAndDestroy() {
    return this.destroy();
  }
  destroySoon() {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }
  // Known once the connection is made (and kept after it closes, as Node keeps it once asked).
  get remoteAddress() {
    return this.#opened ? this.#host : undefined;
  }
  get remotePort() {
    return this.#opened ? this.#port : undefined;
  }
  get remoteFamily() {
    if (!this.#host) return undefined;
    return isIPv6(this.#host) ? 'IPv6' : 'IPv4';
  }
  get localAddress() {
    return undefined;
  }
  get localPort() {
    return undefined;
  }
  get bytesRead() {
    return this.#bytesRead;
  }
  get bytesWritten() {
    return this.#bytesWritten;
  }
  get pending() {
    return !this.#cf || this.connecting;
  }
  get readyState() {
    if (this.connecting) return 'opening';
    if (!this.#cf) return 'closed';
    if (this.readable && this.writable) return 'open';
    if (this.readable && !this.writable) return 'readOnly';
    if (!this.readable && this.writable) return 'writeOnly';
    return 'closed';
  }
  get _handle() {
    return this.#cf ? {} : null;
  }
}
export { Socket as Stream };

export function connect(...args) {
  const [options, callback] = normalizeConnectArgs(args);
  const socket = new Socket(options);
  return socket.connect(options, callback);
}
export const createConnection = connect;

export function createServer() {
  throw notImplemented('createServer()');
}

export class Server extends EventEmitter {
  constructor() {
    super();
    throw notImplemented('Server');
  }
}

let autoSelectFamily = true;
let autoSelectFamilyAttemptTimeout = 250;
export const getDefaultAutoSelectFamily = () => autoSelectFamily;
export const setDefaultAutoSelectFamily = (value) => {
  autoSelectFamily = Boolean(value);
};
export const getDefaultAutoSelectFamilyAttemptTimeout = () => autoSelectFamilyAttemptTimeout;
export const setDefaultAutoSelectFamilyAttemptTimeout = (value) => {
  autoSelectFamilyAttemptTimeout = Math.max(10, Number(value) || 0);
};

// What node:tls builds on, out of the module's exports.
Object.defineProperty(Socket, Symbol.for('outpost.net.internals'), { value: { kConnect, kAttach, kUpgrade, normalizeConnectArgs, validatePort } });

export default {
  BlockList,
  Server,
  Socket,
  SocketAddress,
  Stream: Socket,
  connect,
  createConnection,
  createServer,
  getDefaultAutoSelectFamily,
  getDefaultAutoSelectFamilyAttemptTimeout,
  isIP,
  isIPv4,
  isIPv6,
  setDefaultAutoSelectFamily,
  setDefaultAutoSelectFamilyAttemptTimeout,
};
