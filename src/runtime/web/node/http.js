// node:http as Workers has it: the client (request, get, ClientRequest, IncomingMessage, Agent) is
// a wrapper around the isolate's fetch(), so it only works inside a handler and counts as a
// subrequest; the request body is sent once end() is called, redirects are not followed (the 3xx
// response is delivered, as Node delivers it), and the Connection, Content-Length,
// Transfer-Encoding and Host headers are left to fetch(). Informational (1xx) responses, trailers,
// 'socket', 'upgrade', 'continue' and 'information' events are not supported, as in Workers.
//
// The server side (createServer, Server, ServerResponse) routes requests by the port given to
// listen(), which is only a key: it needs `httpServerHandler` from cloudflare:node to receive
// requests (see `Server` below).

const peer = (load, name, fallback) => {
  const module = load();
  return module?.[name] ?? module?.default?.[name] ?? fallback()[name];
};
const Readable = peer(() => require('./stream.js'), 'Readable', () => require('@jspm/core/nodelibs/stream'));
const Writable = peer(() => require('./stream.js'), 'Writable', () => require('@jspm/core/nodelibs/stream'));
const Buffer = peer(() => require('./buffer.js'), 'Buffer', () => require('@jspm/core/nodelibs/buffer'));
const EventEmitter = peer(() => require('./events.js'), 'EventEmitter', () => require('@jspm/core/nodelibs/events'));

export const METHODS = [
  'ACL', 'BIND', 'CHECKOUT', 'CONNECT', 'COPY', 'DELETE', 'GET', 'HEAD', 'LINK', 'LOCK', 'M-SEARCH', 'MERGE', 'MKACTIVITY',
  'MKCALENDAR', 'MKCOL', 'MOVE', 'NOTIFY', 'OPTIONS', 'PATCH', 'POST', 'PROPFIND', 'PROPPATCH', 'PURGE', 'PUT', 'QUERY',
  'REBIND', 'REPORT', 'SEARCH', 'SOURCE', 'SUBSCRIBE', 'TRACE', 'UNBIND', 'UNLINK', 'UNLOCK', 'UNSUBSCRIBE',
];

export const STATUS_CODES = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content', 205: 'Reset Content',
  206: 'Partial Content', 207: 'Multi-Status', 208: 'Already Reported', 226: 'IM Used',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 305: 'Use Proxy',
  307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone',
  411: 'Length Required', 412: 'Precondition Failed', 413: 'Payload Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable', 417: 'Expectation Failed', 418: "I'm a Teapot", 421: 'Misdirected Request',
  422: 'Unprocessable Entity', 423: 'Locked', 424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required',
  428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported', 506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected',
  509: 'Bandwidth Limit Exceeded', 510: 'Not Extended', 511: 'Network Authentication Required',
};

export const maxHeaderSize = 16384;

const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
// Left to fetch(), as Workers leaves them.
const MANAGED = new Set(['connection', 'content-length', 'transfer-encoding', 'host', 'keep-alive', 'expect']);

function nodeError(Base, code, message) {
  const err = new Base(message);
  err.code = code;
  return err;
}

export function validateHeaderName(name) {
  if (typeof name !== 'string' || !name || !TOKEN.test(name)) {
    throw nodeError(TypeError, 'ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${name}"]`);
  }
}

export function validateHeaderValue(name, value) {
  if (value === undefined) throw nodeError(TypeError, 'ERR_HTTP_INVALID_HEADER_VALUE', `Invalid value "${value}" for header "${name}"`);
  if (INVALID_VALUE.test(String(value))) throw nodeError(TypeError, 'ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
}

// Node's view of a Headers object: lower-case names, set-cookie as an array, duplicates joined.
function nodeHeaders(headers) {
  const result = Object.create(null);
  const raw = [];
  for (const [name, value] of headers) {
    if (name === 'set-cookie') continue;
    result[name] = value;
    raw.push(name, value);
  }
  const cookies = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
  if (cookies.length > 0) {
    result['set-cookie'] = cookies;
    for (const cookie of cookies) raw.push('set-cookie', cookie);
  }
  return [result, raw];
}

export class IncomingMessage extends Readable {
  #reader = null;
  #reading = false;
  constructor(socket = null) {
    super();
    this.socket = socket;
    this.httpVersionMajor = 1;
    this.httpVersionMinor = 1;
    this.httpVersion = '1.1';
    this.complete = false;
    this.headers = {};
    this.rawHeaders = [];
    this.trailers = {};
    this.rawTrailers = [];
    this.aborted = false;
    this.upgrade = false;
    this.url = '';
    this.method = null;
    this.statusCode = null;
    this.statusMessage = null;
  }

  // Takes its status, headers and body from a fetch() Response or a Request.
  _outpostFrom(message, body) {
    [this.headers, this.rawHeaders] = nodeHeaders(message.headers);
    this.#reader = body ? body.getReader() : null;
  }

  get headersDistinct() {
    const result = Object.create(null);
    for (const [name, value] of Object.entries(this.headers)) result[name] = Array.isArray(value) ? value : [value];
    return result;
  }
  get trailersDistinct() {
    return {};
  }
  get connection() {
    return this.socket;
  }

  _read() {
    if (this.#reading) return;
    if (!this.#reader) {
      this.complete = true;
      this.push(null);
      return;
    }
    this.#reading = true;
    this.#reader.read().then(
      ({ done, value }) => {
        this.#reading = false;
        if (done) {
          this.complete = true;
          this.push(null);
        } else if (this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))) {
          this._read();
        }
      },
      (err) => {
        this.#reading = false;
        this.destroy(err);
      },
    );
  }

  _destroy(err, callback) {
    if (!this.readableEnded) this.aborted = true;
    this.#reader?.cancel().catch(() => {});
    callback(err);
  }

  setTimeout(ms, callback) {
    if (callback) this.once('timeout', callback);
    return this;
  }
}

// The headers of an outgoing message, keeping the case each name was first set with.
class OutgoingMessage extends Writable {
  constructor() {
    // Finishing the body does not end the exchange: the response is still to come.
    super({ autoDestroy: false, emitClose: false });
  }
  _headers = new Map(); // lower-case name -> [name, value]
  headersSent = false;
  sendDate = false;
  finished = false;

  setHeader(name, value) {
    if (this.headersSent) throw nodeError(Error, 'ERR_HTTP_HEADERS_SENT', 'Cannot set headers after they are sent to the client');
    validateHeaderName(name);
    validateHeaderValue(name, value);
    this._headers.set(name.toLowerCase(), [name, value]);
    return this;
  }
  appendHeader(name, value) {
    const existing = this.getHeader(name);
    if (existing === undefined) return this.setHeader(name, value);
    const list = [...(Array.isArray(existing) ? existing : [existing]), ...(Array.isArray(value) ? value : [value])];
    return this.setHeader(name, list);
  }
  setHeaders(headers) {
    for (const [name, value] of headers instanceof Map || headers instanceof Headers ? headers : Object.entries(headers)) this.setHeader(name, value);
    return this;
  }
  getHeader(name) {
    return this._headers.get(String(name).toLowerCase())?.[1];
  }
  getHeaders() {
    const result = Object.create(null);
    for (const [key, [, value]] of this._headers) result[key] = value;
    return result;
  }
  getHeaderNames() {
    return [...this._headers.keys()];
  }
  getRawHeaderNames() {
    return [...this._headers.values()].map(([name]) => name);
  }
  hasHeader(name) {
    return this._headers.has(String(name).toLowerCase());
  }
  removeHeader(name) {
    if (this.headersSent) throw nodeError(Error, 'ERR_HTTP_HEADERS_SENT', 'Cannot remove headers after they are sent to the client');
    this._headers.delete(String(name).toLowerCase());
  }
  flushHeaders() {}
  // The headers as a Headers object for fetch() or a Response.
  _outpostHeaders(skipManaged) {
    const headers = new Headers();
    for (const [key, [name, value]] of this._headers) {
      if (skipManaged && MANAGED.has(key)) continue;
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, String(item));
    }
    return headers;
  }
}
export { OutgoingMessage };

function toBytes(chunk, encoding) {
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding);
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "chunk" argument must be of type string or an instance of Buffer or Uint8Array.');
}

function concat(chunks) {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export class Agent extends EventEmitter {
  constructor(options = {}) {
    super();
    this.options = { ...options };
    this.defaultPort = options.defaultPort ?? 80;
    this.protocol = options.protocol ?? 'http:';
    this.keepAlive = Boolean(options.keepAlive);
    this.keepAliveMsecs = options.keepAliveMsecs ?? 1000;
    this.maxSockets = options.maxSockets ?? Infinity;
    this.maxFreeSockets = options.maxFreeSockets ?? 256;
    this.maxTotalSockets = options.maxTotalSockets ?? Infinity;
    this.totalSocketCount = 0;
    this.requests = Object.create(null);
    this.sockets = Object.create(null);
    this.freeSockets = Object.create(null);
  }
  getName(options = {}) {
    return `${options.host ?? 'localhost'}:${options.port ?? ''}:${options.localAddress ?? ''}${options.family ? `:${options.family}` : ''}`;
  }
  createConnection() {
    throw nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The createConnection method is not implemented');
  }
  keepSocketAlive() {
    return false;
  }
  reuseSocket() {}
  destroy() {}
}
export const globalAgent = new Agent();

// [URL, options] of request()'s overloads: (url[, options][, cb]) and (options[, cb]).
function requestTarget(input, options, defaultProtocol) {
  let base = {};
  if (typeof input === 'string' || input instanceof URL) {
    const url = new URL(String(input));
    base = {
      protocol: url.protocol,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
    };
  } else if (input && typeof input === 'object') {
    options = input;
  }
  const merged = { ...base, ...(options ?? {}) };
  const protocol = merged.protocol ?? merged.agent?.protocol ?? defaultProtocol;
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw nodeError(TypeError, 'ERR_INVALID_PROTOCOL', `Protocol "${protocol}" not supported. Expected "${defaultProtocol}"`);
  }
  let hostname = merged.hostname ?? (merged.host ? String(merged.host).replace(/:\d+$/, '') : 'localhost');
  if (hostname.includes(':') && !hostname.startsWith('[')) hostname = `[${hostname}]`;
  const port = merged.port ? `:${merged.port}` : '';
  const path = merged.path ?? '/';
  if (/[\u0000-\u0020]/.test(path)) throw nodeError(TypeError, 'ERR_UNESCAPED_CHARACTERS', 'Request path contains unescaped characters');
  return [new URL(`${protocol}//${hostname}${port}${path.startsWith('/') ? path : `/${path}`}`), merged];
}

export class ClientRequest extends OutgoingMessage {
  #url;
  #chunks = [];
  #controller = new AbortController();
  #timer = null;

  constructor(input, options = undefined, callback = undefined, defaultProtocol = 'http:') {
    if (typeof options === 'function') {
      callback = options;
      options = undefined;
    }
    super();
    const [url, merged] = requestTarget(input, options, defaultProtocol);
    this.#url = url;
    const method = String(merged.method ?? 'GET').toUpperCase();
    if (!TOKEN.test(method)) throw nodeError(TypeError, 'ERR_INVALID_HTTP_TOKEN', `Method must be a valid HTTP token ["${merged.method}"]`);
    this.method = method;
    this.path = `${url.pathname}${url.search}`;
    this.host = url.hostname;
    this.protocol = url.protocol;
    this.agent = merged.agent === false ? new Agent() : merged.agent ?? globalAgent;
    this.aborted = false;
    this.reusedSocket = false;
    this.maxHeadersCount = null;
    this.socket = null;
    this.res = null;
    for (const unsupported of ['createConnection', 'lookup', 'socketPath', 'insecureHTTPParser', 'maxHeaderSize']) {
      if (merged[unsupported] !== undefined) throw nodeError(Error, 'ERR_OPTION_NOT_IMPLEMENTED', `The ${unsupported} option is not implemented`);
    }
    const headers = merged.headers ?? {};
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) this.appendHeader(headers[i], headers[i + 1]);
    } else {
      for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    }
    const auth = merged.auth ?? (url.username ? `${url.username}:${url.password}` : undefined);
    if (auth && !this.hasHeader('authorization')) this.setHeader('Authorization', `Basic ${btoa(auth)}`);
    if (merged.signal) {
      if (merged.signal.aborted) queueMicrotask(() => this.destroy(merged.signal.reason));
      else merged.signal.addEventListener('abort', () => this.destroy(merged.signal.reason), { once: true });
    }
    if (merged.timeout) this.setTimeout(merged.timeout);
    if (callback) this.once('response', callback);
  }

  _write(chunk, encoding, callback) {
    this.#chunks.push(toBytes(chunk, encoding));
    callback();
  }

  _final(callback) {
    this.headersSent = true;
    this.finished = true;
    const body = this.#chunks.length === 0 || this.method === 'GET' || this.method === 'HEAD' ? undefined : concat(this.#chunks);
    let pending;
    try {
      pending = fetch(this.#url, { method: this.method, headers: this._outpostHeaders(true), body, redirect: 'manual', signal: this.#controller.signal });
    } catch (err) {
      callback(err);
      return;
    }
    callback();
    pending.then(
      (response) => {
        this.#clearTimer();
        if (this.destroyed) {
          response.body?.cancel().catch(() => {});
          return;
        }
        const res = new IncomingMessage(null);
        res.statusCode = response.status;
        res.statusMessage = response.statusText || STATUS_CODES[response.status] || '';
        res.url = '';
        res.req = this;
        res._outpostFrom(response, response.body);
        this.res = res;
        if (!this.emit('response', res)) res.resume();
        res.once('end', () => this.emit('close'));
      },
      (err) => {
        this.#clearTimer();
        if (!this.destroyed) this.destroy(err);
      },
    );
  }

  _destroy(err, callback) {
    this.#clearTimer();
    if (!this.res?.complete) this.#controller.abort(err ?? undefined);
    if (this.res && !this.res.complete) this.res.destroy(err ?? nodeError(Error, 'ECONNRESET', 'aborted'));
    callback(err);
  }

  abort() {
    if (this.aborted) return;
    this.aborted = true;
    queueMicrotask(() => this.emit('abort'));
    this.destroy();
  }

  setTimeout(ms, callback) {
    if (callback) this.once('timeout', callback);
    this.#clearTimer();
    if (ms > 0) this.#timer = setTimeout(() => this.emit('timeout'), ms);
    return this;
  }

  #clearTimer() {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  setNoDelay() {}
  setSocketKeepAlive() {}
}

export function request(input, options, callback) {
  return new ClientRequest(input, options, callback, 'http:');
}

export function get(input, options, callback) {
  const req = request(input, options, callback);
  req.end();
  return req;
}

// ---- the server side ----

const servers = new Map(); // port -> Server
let nextPort = 40000;

export class ServerResponse extends OutgoingMessage {
  #chunks = [];
  #stream = null; // the body's writer, once it streams
  #respond;
  constructor(req, respond) {
    super();
    this.req = req;
    this.statusCode = 200;
    this.statusMessage = undefined;
    this.sendDate = true;
    this.#respond = respond;
  }
  writeHead(statusCode, statusMessage, headers) {
    if (typeof statusMessage !== 'string') [headers, statusMessage] = [statusMessage, undefined];
    this.statusCode = statusCode;
    if (statusMessage !== undefined) this.statusMessage = statusMessage;
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) this.appendHeader(headers[i], headers[i + 1]);
    } else if (headers) {
      for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    }
    return this;
  }
  writeContinue() {
    throw nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The writeContinue method is not implemented');
  }
  writeEarlyHints() {
    throw nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The writeEarlyHints method is not implemented');
  }
  assignSocket() {
    throw nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The assignSocket method is not implemented');
  }
  detachSocket() {
    throw nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The detachSocket method is not implemented');
  }
  // The Response starts streaming at the first write that is not the last.
  #start(streaming) {
    this.headersSent = true;
    const init = { status: this.statusCode, statusText: this.statusMessage ?? STATUS_CODES[this.statusCode] ?? '', headers: this._outpostHeaders(true) };
    const nullBody = [204, 205, 304].includes(this.statusCode) || this.req?.method === 'HEAD';
    if (streaming && !nullBody) {
      const { readable, writable } = new TransformStream();
      this.#stream = writable.getWriter();
      this.#respond(new Response(readable, init));
    } else {
      this.#respond(new Response(nullBody ? null : concat(this.#chunks), init));
    }
  }
  _write(chunk, encoding, callback) {
    const bytes = toBytes(chunk, encoding);
    if (!this.headersSent) this.#start(true);
    if (!this.#stream) {
      callback();
      return;
    }
    this.#stream.write(bytes).then(() => callback(), callback);
  }
  _final(callback) {
    this.finished = true;
    if (!this.headersSent) this.#start(false);
    if (!this.#stream) {
      callback();
      return;
    }
    this.#stream.close().then(() => callback(), callback);
  }
  _destroy(err, callback) {
    if (!this.headersSent) this.#respond(null, err ?? new Error('The response was destroyed before it was sent.'));
    else this.#stream?.abort(err).catch(() => {});
    callback(err);
  }
}

// A Node.js HTTP server inside the worker: listen(port) registers it under `port`, a routing key
// only; cloudflare:node's httpServerHandler({ port }) / handleAsNodeRequest(port, request) hand it
// requests (that module is not part of this runtime yet).
export class Server extends EventEmitter {
  #port = null;
  constructor(options, requestListener) {
    super();
    if (typeof options === 'function') requestListener = options;
    if (requestListener) this.on('request', requestListener);
    this.listening = false;
    this.timeout = 0;
    this.keepAliveTimeout = 5000;
    this.headersTimeout = 60000;
    this.requestTimeout = 300000;
    this.maxHeadersCount = null;
  }
  listen(...args) {
    const callback = args.find((a) => typeof a === 'function');
    let port = typeof args[0] === 'object' && args[0] !== null ? args[0].port : args[0];
    if (typeof port !== 'number' && typeof port !== 'string') port = 0;
    port = Number(port) || 0;
    if (port === 0) {
      while (servers.has(nextPort)) nextPort += 1;
      port = nextPort++;
    }
    if (servers.has(port)) throw nodeError(Error, 'ERR_SERVER_ALREADY_LISTEN', `Listen method has been called more than once without closing.`);
    this.#port = port;
    servers.set(port, this);
    this.listening = true;
    if (callback) this.once('listening', callback);
    queueMicrotask(() => this.emit('listening'));
    return this;
  }
  address() {
    return this.#port === null ? null : { port: this.#port, family: 'IPv4', address: '127.0.0.1' };
  }
  close(callback) {
    if (this.#port !== null) servers.delete(this.#port);
    this.#port = null;
    this.listening = false;
    queueMicrotask(() => {
      this.emit('close');
      callback?.();
    });
    return this;
  }
  closeAllConnections() {
    throw nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The closeAllConnections method is not implemented');
  }
  closeIdleConnections() {
    throw nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The closeIdleConnections method is not implemented');
  }
  setTimeout(ms, callback) {
    this.timeout = ms;
    if (callback) this.on('timeout', callback);
    return this;
  }
  [Symbol.asyncDispose]() {
    return new Promise((resolve) => this.close(resolve));
  }

  // A Request delivered to this server; resolves with the Response its handler writes.
  _outpostHandle(request) {
    const { promise, resolve, reject } = Promise.withResolvers();
    const url = new URL(request.url);
    const req = new IncomingMessage({
      encrypted: url.protocol === 'https:', remoteFamily: 'IPv4', remoteAddress: '127.0.0.1', remotePort: 32768 + Math.floor(Math.random() * 32768),
      localAddress: request.headers.get('host') ?? '127.0.0.1', localPort: this.#port, destroy: () => req.destroy(),
    });
    req.method = request.method;
    req.url = `${url.pathname}${url.search}`;
    req.cloudflare = { cf: request.cf };
    req._outpostFrom(request, request.body);
    const res = new ServerResponse(req, (response, err) => (err ? reject(err) : resolve(response)));
    this.emit('request', req, res);
    return promise;
  }
}

export function createServer(options, requestListener) {
  return new Server(options, requestListener);
}

// How cloudflare:node reaches the servers: the Response `port`'s server gives `request`.
function handleAsNodeRequest(port, request) {
  const server = servers.get(Number(port));
  if (!server) throw new Error(`No server is listening on port ${port}`);
  return server._outpostHandle(request);
}
Object.defineProperty(Server, Symbol.for('outpost.http.handle'), { value: handleAsNodeRequest });

export function setMaxIdleHTTPParsers() {}

export default {
  Agent,
  ClientRequest,
  IncomingMessage,
  METHODS,
  OutgoingMessage,
  STATUS_CODES,
  Server,
  ServerResponse,
  createServer,
  get,
  globalAgent,
  maxHeaderSize,
  request,
  setMaxIdleHTTPParsers,
  validateHeaderName,
  validateHeaderValue,
};
