// The Node.js modules Workers offers only as stubs, as workerd implements them natively
// (Cloudflare's behaviour today; not unenv's "[unenv] X is not implemented yet!" polyfills):
// child_process, cluster, dgram, http2, inspector (and /promises), readline (and /promises),
// repl, trace_events, v8, vm, wasi and worker_threads import fine, constants and inert helpers
// answer, and whatever would need processes, threads, sockets, a debugger or a second
// JavaScript context throws Node's ERR_METHOD_NOT_IMPLEMENTED ("The child_process.spawn method
// is not implemented"), as in Workers.
//
// One module object serves all of them (the registry maps each name to this file), so its
// exports are the union of theirs; the default export is cluster's object (an EventEmitter)
// carrying them all. Where two modules use one name: `Worker` and `fork` are worker_threads' and
// child_process' (cluster's throw the same error), `constants` holds both vm's and http2's, and
// readline's Interface serves both the callback and the promise form of question().
import { ERR_INVALID_ARG_TYPE, ERR_METHOD_NOT_IMPLEMENTED, nodeError } from './_errors.js';

const { EventEmitter } = require('./events.js');

const notImplemented = (name) =>
  ({
    [name.split('.').pop()]() {
      throw ERR_METHOD_NOT_IMPLEMENTED(name);
    },
  })[name.split('.').pop()];

function notImplementedClass(name) {
  return class {
    constructor() {
      throw ERR_METHOD_NOT_IMPLEMENTED(name);
    }
  };
}

// child_process
export class ChildProcess extends EventEmitter {
  constructor() {
    super();
    throw ERR_METHOD_NOT_IMPLEMENTED('child_process.ChildProcess');
  }
}
export const _forkChild = notImplemented('child_process._forkChild');
export function exec(command) {
  if (typeof command !== 'string') throw ERR_INVALID_ARG_TYPE('command', 'string', command);
  throw ERR_METHOD_NOT_IMPLEMENTED('child_process.exec');
}
export const execFile = notImplemented('child_process.execFile');
export const execFileSync = notImplemented('child_process.execFileSync');
export const execSync = notImplemented('child_process.execSync');
export const fork = notImplemented('child_process.fork');
export const spawn = notImplemented('child_process.spawn');
export function spawnSync(command) {
  if (typeof command !== 'string') throw ERR_INVALID_ARG_TYPE('command', 'string', command);
  throw ERR_METHOD_NOT_IMPLEMENTED('child_process.spawnSync');
}

// cluster
export const SCHED_NONE = 1;
export const SCHED_RR = 2;
export const isMaster = true;
export const isPrimary = true;
export const isWorker = false;
export const schedulingPolicy = SCHED_RR;
export const settings = {};
export const workers = {};
export const disconnect = notImplemented('cluster.disconnect');
export const setupPrimary = notImplemented('cluster.setupPrimary');
export const setupMaster = notImplemented('cluster.setupMaster');
const clusterFork = notImplemented('cluster.fork');

class ClusterWorker extends EventEmitter {
  _connected = false;
  id = 0;

  get process() {
    return globalThis.process;
  }

  get exitedAfterDisconnect() {
    return this._connected;
  }

  isConnected() {
    return this._connected;
  }

  isDead() {
    return true;
  }

  send() {
    return false;
  }

  kill() {
    this._connected = false;
  }

  destroy() {
    this._connected = false;
  }

  disconnect() {
    this._connected = false;
    return this;
  }
}
Object.defineProperty(ClusterWorker, 'name', { value: 'Worker' });

export class Cluster extends EventEmitter {
  Worker = ClusterWorker;
  isMaster = isMaster;
  isPrimary = isPrimary;
  isWorker = isWorker;
  SCHED_NONE = SCHED_NONE;
  SCHED_RR = SCHED_RR;
  schedulingPolicy = SCHED_RR;
  settings = settings;
  workers = workers;

  setupPrimary() {
    setupPrimary();
  }

  setupMaster() {
    setupMaster();
  }

  disconnect() {
    disconnect();
  }

  fork() {
    return clusterFork();
  }
}

// dgram: sockets that can be made but never send or receive, as in Workers.
export function Socket(type, callback) {
  if (!new.target) return new Socket(type, callback);
  EventEmitter.call(this);
  if (typeof type === 'string') type = { type };
  if (type === null || typeof type !== 'object') throw ERR_INVALID_ARG_TYPE('type', 'Object', type);
  if (callback !== undefined && typeof callback !== 'function') throw ERR_INVALID_ARG_TYPE('callback', 'Function', callback);
  return this;
}
Object.setPrototypeOf(Socket.prototype, EventEmitter.prototype);
Object.setPrototypeOf(Socket, EventEmitter);
const returnThis = function () {
  return this;
};
const nothing = () => {};
Object.assign(Socket.prototype, {
  bind: returnThis, connect: nothing, disconnect: nothing, sendto: nothing, send: nothing, close: returnThis,
  address: () => ({}), remoteAddress: () => ({}), setBroadcast: nothing, setTTL: nothing, setMulticastTTL: nothing,
  setMulticastLoopback: nothing, setMulticastInterface: nothing, addMembership: nothing, dropMembership: nothing,
  addSourceSpecificMembership: nothing, dropSourceSpecificMembership: nothing, ref: returnThis, unref: returnThis,
  setRecvBufferSize: nothing, setSendBufferSize: nothing, getRecvBufferSize: () => 0, getSendBufferSize: () => 0,
  getSendQueueSize: () => 0, getSendQueueCount: () => 0,
  [Symbol.asyncDispose]: async () => {},
});
export function createSocket(type, callback) {
  return new Socket(type, callback);
}

// http2
const http2Constants = {
  NGHTTP2_ERR_FRAME_SIZE_ERROR: -522, NGHTTP2_SESSION_SERVER: 0, NGHTTP2_SESSION_CLIENT: 1,
  NGHTTP2_STREAM_STATE_IDLE: 1, NGHTTP2_STREAM_STATE_OPEN: 2, NGHTTP2_STREAM_STATE_RESERVED_LOCAL: 3,
  NGHTTP2_STREAM_STATE_RESERVED_REMOTE: 4, NGHTTP2_STREAM_STATE_HALF_CLOSED_LOCAL: 5,
  NGHTTP2_STREAM_STATE_HALF_CLOSED_REMOTE: 6, NGHTTP2_STREAM_STATE_CLOSED: 7, NGHTTP2_FLAG_NONE: 0,
  NGHTTP2_FLAG_END_STREAM: 1, NGHTTP2_FLAG_END_HEADERS: 4, NGHTTP2_FLAG_ACK: 1, NGHTTP2_FLAG_PADDED: 8,
  NGHTTP2_FLAG_PRIORITY: 32, DEFAULT_SETTINGS_HEADER_TABLE_SIZE: 4096, DEFAULT_SETTINGS_ENABLE_PUSH: 1,
  DEFAULT_SETTINGS_MAX_CONCURRENT_STREAMS: 4294967295, DEFAULT_SETTINGS_INITIAL_WINDOW_SIZE: 65535,
  DEFAULT_SETTINGS_MAX_FRAME_SIZE: 16384, DEFAULT_SETTINGS_MAX_HEADER_LIST_SIZE: 65535,
  DEFAULT_SETTINGS_ENABLE_CONNECT_PROTOCOL: 0, MAX_MAX_FRAME_SIZE: 16777215, MIN_MAX_FRAME_SIZE: 16384,
  MAX_INITIAL_WINDOW_SIZE: 2147483647, NGHTTP2_SETTINGS_HEADER_TABLE_SIZE: 1, NGHTTP2_SETTINGS_ENABLE_PUSH: 2,
  NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS: 3, NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE: 4,
  NGHTTP2_SETTINGS_MAX_FRAME_SIZE: 5, NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE: 6,
  NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL: 8, PADDING_STRATEGY_NONE: 0, PADDING_STRATEGY_ALIGNED: 1,
  PADDING_STRATEGY_MAX: 2, PADDING_STRATEGY_CALLBACK: 1, NGHTTP2_NO_ERROR: 0, NGHTTP2_PROTOCOL_ERROR: 1,
  NGHTTP2_INTERNAL_ERROR: 2, NGHTTP2_FLOW_CONTROL_ERROR: 3, NGHTTP2_SETTINGS_TIMEOUT: 4, NGHTTP2_STREAM_CLOSED: 5,
  NGHTTP2_FRAME_SIZE_ERROR: 6, NGHTTP2_REFUSED_STREAM: 7, NGHTTP2_CANCEL: 8, NGHTTP2_COMPRESSION_ERROR: 9,
  NGHTTP2_CONNECT_ERROR: 10, NGHTTP2_ENHANCE_YOUR_CALM: 11, NGHTTP2_INADEQUATE_SECURITY: 12,
  NGHTTP2_HTTP_1_1_REQUIRED: 13, NGHTTP2_DEFAULT_WEIGHT: 16, HTTP2_HEADER_STATUS: ":status",
  HTTP2_HEADER_METHOD: ":method", HTTP2_HEADER_AUTHORITY: ":authority", HTTP2_HEADER_SCHEME: ":scheme",
  HTTP2_HEADER_PATH: ":path", HTTP2_HEADER_PROTOCOL: ":protocol", HTTP2_HEADER_ACCEPT_ENCODING: "accept-encoding",
  HTTP2_HEADER_ACCEPT_LANGUAGE: "accept-language", HTTP2_HEADER_ACCEPT_RANGES: "accept-ranges",
  HTTP2_HEADER_ACCEPT: "accept", HTTP2_HEADER_ACCESS_CONTROL_ALLOW_CREDENTIALS: "access-control-allow-credentials",
  HTTP2_HEADER_ACCESS_CONTROL_ALLOW_HEADERS: "access-control-allow-headers",
  HTTP2_HEADER_ACCESS_CONTROL_ALLOW_METHODS: "access-control-allow-methods",
  HTTP2_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN: "access-control-allow-origin",
  HTTP2_HEADER_ACCESS_CONTROL_EXPOSE_HEADERS: "access-control-expose-headers",
  HTTP2_HEADER_ACCESS_CONTROL_REQUEST_HEADERS: "access-control-request-headers",
  HTTP2_HEADER_ACCESS_CONTROL_REQUEST_METHOD: "access-control-request-method", HTTP2_HEADER_AGE: "age",
  HTTP2_HEADER_AUTHORIZATION: "authorization", HTTP2_HEADER_CACHE_CONTROL: "cache-control",
  HTTP2_HEADER_CONNECTION: "connection", HTTP2_HEADER_CONTENT_DISPOSITION: "content-disposition",
  HTTP2_HEADER_CONTENT_ENCODING: "content-encoding", HTTP2_HEADER_CONTENT_LENGTH: "content-length",
  HTTP2_HEADER_CONTENT_TYPE: "content-type", HTTP2_HEADER_COOKIE: "cookie", HTTP2_HEADER_DATE: "date",
  HTTP2_HEADER_ETAG: "etag", HTTP2_HEADER_FORWARDED: "forwarded", HTTP2_HEADER_HOST: "host",
  HTTP2_HEADER_IF_MODIFIED_SINCE: "if-modified-since", HTTP2_HEADER_IF_NONE_MATCH: "if-none-match",
  HTTP2_HEADER_IF_RANGE: "if-range", HTTP2_HEADER_LAST_MODIFIED: "last-modified", HTTP2_HEADER_LINK: "link",
  HTTP2_HEADER_LOCATION: "location", HTTP2_HEADER_RANGE: "range", HTTP2_HEADER_REFERER: "referer",
  HTTP2_HEADER_SERVER: "server", HTTP2_HEADER_SET_COOKIE: "set-cookie",
  HTTP2_HEADER_STRICT_TRANSPORT_SECURITY: "strict-transport-security",
  HTTP2_HEADER_TRANSFER_ENCODING: "transfer-encoding", HTTP2_HEADER_TE: "te",
  HTTP2_HEADER_UPGRADE_INSECURE_REQUESTS: "upgrade-insecure-requests", HTTP2_HEADER_UPGRADE: "upgrade",
  HTTP2_HEADER_USER_AGENT: "user-agent", HTTP2_HEADER_VARY: "vary",
  HTTP2_HEADER_X_CONTENT_TYPE_OPTIONS: "x-content-type-options", HTTP2_HEADER_X_FRAME_OPTIONS: "x-frame-options",
  HTTP2_HEADER_KEEP_ALIVE: "keep-alive", HTTP2_HEADER_PROXY_CONNECTION: "proxy-connection",
  HTTP2_HEADER_X_XSS_PROTECTION: "x-xss-protection", HTTP2_HEADER_ALT_SVC: "alt-svc",
  HTTP2_HEADER_CONTENT_SECURITY_POLICY: "content-security-policy", HTTP2_HEADER_EARLY_DATA: "early-data",
  HTTP2_HEADER_EXPECT_CT: "expect-ct", HTTP2_HEADER_ORIGIN: "origin", HTTP2_HEADER_PURPOSE: "purpose",
  HTTP2_HEADER_TIMING_ALLOW_ORIGIN: "timing-allow-origin", HTTP2_HEADER_X_FORWARDED_FOR: "x-forwarded-for",
  HTTP2_HEADER_PRIORITY: "priority", HTTP2_HEADER_ACCEPT_CHARSET: "accept-charset",
  HTTP2_HEADER_ACCESS_CONTROL_MAX_AGE: "access-control-max-age", HTTP2_HEADER_ALLOW: "allow",
  HTTP2_HEADER_CONTENT_LANGUAGE: "content-language", HTTP2_HEADER_CONTENT_LOCATION: "content-location",
  HTTP2_HEADER_CONTENT_MD5: "content-md5", HTTP2_HEADER_CONTENT_RANGE: "content-range", HTTP2_HEADER_DNT: "dnt",
  HTTP2_HEADER_EXPECT: "expect", HTTP2_HEADER_EXPIRES: "expires", HTTP2_HEADER_FROM: "from",
  HTTP2_HEADER_IF_MATCH: "if-match", HTTP2_HEADER_IF_UNMODIFIED_SINCE: "if-unmodified-since",
  HTTP2_HEADER_MAX_FORWARDS: "max-forwards", HTTP2_HEADER_PREFER: "prefer",
  HTTP2_HEADER_PROXY_AUTHENTICATE: "proxy-authenticate", HTTP2_HEADER_PROXY_AUTHORIZATION: "proxy-authorization",
  HTTP2_HEADER_REFRESH: "refresh", HTTP2_HEADER_RETRY_AFTER: "retry-after", HTTP2_HEADER_TRAILER: "trailer",
  HTTP2_HEADER_TK: "tk", HTTP2_HEADER_VIA: "via", HTTP2_HEADER_WARNING: "warning",
  HTTP2_HEADER_WWW_AUTHENTICATE: "www-authenticate", HTTP2_HEADER_HTTP2_SETTINGS: "http2-settings",
  HTTP2_METHOD_ACL: "ACL", HTTP2_METHOD_BASELINE_CONTROL: "BASELINE-CONTROL", HTTP2_METHOD_BIND: "BIND",
  HTTP2_METHOD_CHECKIN: "CHECKIN", HTTP2_METHOD_CHECKOUT: "CHECKOUT", HTTP2_METHOD_CONNECT: "CONNECT",
  HTTP2_METHOD_COPY: "COPY", HTTP2_METHOD_DELETE: "DELETE", HTTP2_METHOD_GET: "GET", HTTP2_METHOD_HEAD: "HEAD",
  HTTP2_METHOD_LABEL: "LABEL", HTTP2_METHOD_LINK: "LINK", HTTP2_METHOD_LOCK: "LOCK", HTTP2_METHOD_MERGE: "MERGE",
  HTTP2_METHOD_MKACTIVITY: "MKACTIVITY", HTTP2_METHOD_MKCALENDAR: "MKCALENDAR", HTTP2_METHOD_MKCOL: "MKCOL",
  HTTP2_METHOD_MKREDIRECTREF: "MKREDIRECTREF", HTTP2_METHOD_MKWORKSPACE: "MKWORKSPACE", HTTP2_METHOD_MOVE: "MOVE",
  HTTP2_METHOD_OPTIONS: "OPTIONS", HTTP2_METHOD_ORDERPATCH: "ORDERPATCH", HTTP2_METHOD_PATCH: "PATCH",
  HTTP2_METHOD_POST: "POST", HTTP2_METHOD_PRI: "PRI", HTTP2_METHOD_PROPFIND: "PROPFIND",
  HTTP2_METHOD_PROPPATCH: "PROPPATCH", HTTP2_METHOD_PUT: "PUT", HTTP2_METHOD_REBIND: "REBIND",
  HTTP2_METHOD_REPORT: "REPORT", HTTP2_METHOD_SEARCH: "SEARCH", HTTP2_METHOD_TRACE: "TRACE",
  HTTP2_METHOD_UNBIND: "UNBIND", HTTP2_METHOD_UNCHECKOUT: "UNCHECKOUT", HTTP2_METHOD_UNLINK: "UNLINK",
  HTTP2_METHOD_UNLOCK: "UNLOCK", HTTP2_METHOD_UPDATE: "UPDATE", HTTP2_METHOD_UPDATEREDIRECTREF: "UPDATEREDIRECTREF",
  HTTP2_METHOD_VERSION_CONTROL: "VERSION-CONTROL", HTTP_STATUS_CONTINUE: 100, HTTP_STATUS_SWITCHING_PROTOCOLS: 101,
  HTTP_STATUS_PROCESSING: 102, HTTP_STATUS_EARLY_HINTS: 103, HTTP_STATUS_OK: 200, HTTP_STATUS_CREATED: 201,
  HTTP_STATUS_ACCEPTED: 202, HTTP_STATUS_NON_AUTHORITATIVE_INFORMATION: 203, HTTP_STATUS_NO_CONTENT: 204,
  HTTP_STATUS_RESET_CONTENT: 205, HTTP_STATUS_PARTIAL_CONTENT: 206, HTTP_STATUS_MULTI_STATUS: 207,
  HTTP_STATUS_ALREADY_REPORTED: 208, HTTP_STATUS_IM_USED: 226, HTTP_STATUS_MULTIPLE_CHOICES: 300,
  HTTP_STATUS_MOVED_PERMANENTLY: 301, HTTP_STATUS_FOUND: 302, HTTP_STATUS_SEE_OTHER: 303,
  HTTP_STATUS_NOT_MODIFIED: 304, HTTP_STATUS_USE_PROXY: 305, HTTP_STATUS_TEMPORARY_REDIRECT: 307,
  HTTP_STATUS_PERMANENT_REDIRECT: 308, HTTP_STATUS_BAD_REQUEST: 400, HTTP_STATUS_UNAUTHORIZED: 401,
  HTTP_STATUS_PAYMENT_REQUIRED: 402, HTTP_STATUS_FORBIDDEN: 403, HTTP_STATUS_NOT_FOUND: 404,
  HTTP_STATUS_METHOD_NOT_ALLOWED: 405, HTTP_STATUS_NOT_ACCEPTABLE: 406,
  HTTP_STATUS_PROXY_AUTHENTICATION_REQUIRED: 407, HTTP_STATUS_REQUEST_TIMEOUT: 408, HTTP_STATUS_CONFLICT: 409,
  HTTP_STATUS_GONE: 410, HTTP_STATUS_LENGTH_REQUIRED: 411, HTTP_STATUS_PRECONDITION_FAILED: 412,
  HTTP_STATUS_PAYLOAD_TOO_LARGE: 413, HTTP_STATUS_URI_TOO_LONG: 414, HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE: 415,
  HTTP_STATUS_RANGE_NOT_SATISFIABLE: 416, HTTP_STATUS_EXPECTATION_FAILED: 417, HTTP_STATUS_TEAPOT: 418,
  HTTP_STATUS_MISDIRECTED_REQUEST: 421, HTTP_STATUS_UNPROCESSABLE_ENTITY: 422, HTTP_STATUS_LOCKED: 423,
  HTTP_STATUS_FAILED_DEPENDENCY: 424, HTTP_STATUS_TOO_EARLY: 425, HTTP_STATUS_UPGRADE_REQUIRED: 426,
  HTTP_STATUS_PRECONDITION_REQUIRED: 428, HTTP_STATUS_TOO_MANY_REQUESTS: 429,
  HTTP_STATUS_REQUEST_HEADER_FIELDS_TOO_LARGE: 431, HTTP_STATUS_UNAVAILABLE_FOR_LEGAL_REASONS: 451,
  HTTP_STATUS_INTERNAL_SERVER_ERROR: 500, HTTP_STATUS_NOT_IMPLEMENTED: 501, HTTP_STATUS_BAD_GATEWAY: 502,
  HTTP_STATUS_SERVICE_UNAVAILABLE: 503, HTTP_STATUS_GATEWAY_TIMEOUT: 504,
  HTTP_STATUS_HTTP_VERSION_NOT_SUPPORTED: 505, HTTP_STATUS_VARIANT_ALSO_NEGOTIATES: 506,
  HTTP_STATUS_INSUFFICIENT_STORAGE: 507, HTTP_STATUS_LOOP_DETECTED: 508, HTTP_STATUS_BANDWIDTH_LIMIT_EXCEEDED: 509,
  HTTP_STATUS_NOT_EXTENDED: 510, HTTP_STATUS_NETWORK_AUTHENTICATION_REQUIRED: 511,
};
export const createSecureServer = notImplemented('http2.createSecureServer');
export const createServer = notImplemented('http2.createServer');
export const connect = notImplemented('http2.connect');
export const performServerHandshake = notImplemented('http2.performServerHandshake');
export const Http2ServerRequest = notImplementedClass('http2.Http2ServerRequest');
export const Http2ServerResponse = notImplementedClass('http2.Http2ServerResponse');
export function getDefaultSettings() {
  return Object.create({
    headerTableSize: 4096, enablePush: true, initialWindowSize: 65535, maxFrameSize: 16384,
    maxConcurrentStreams: 4294967295, maxHeaderSize: 65535, maxHeaderListSize: 65535, enableConnectProtocol: false,
  });
}
export function getPackedSettings() {
  return require('./buffer.js').Buffer.alloc(0);
}
export function getUnpackedSettings() {
  return {};
}
export const sensitiveHeaders = Symbol('nodejs.http2.sensitiveHeaders');

// inspector (and inspector/promises)
export class Session extends EventEmitter {
  constructor() {
    super();
    throw ERR_METHOD_NOT_IMPLEMENTED('Session');
  }
}
export function close() {}
const inspectorNoop = () => {};
export const console = Object.fromEntries(
  ['debug', 'error', 'info', 'log', 'warn', 'dir', 'dirxml', 'table', 'trace', 'group', 'groupCollapsed', 'groupEnd', 'clear', 'count', 'countReset', 'assert', 'profile', 'profileEnd', 'time', 'timeLog', 'timeStamp'].map((name) => [name, inspectorNoop]),
);
export function open() {
  return {
    [Symbol.dispose]() {
      return Promise.resolve();
    },
  };
}
export function url() {
  return undefined;
}
export function waitForDebugger() {}
export const Network = Object.fromEntries(
  ['requestWillBeSent', 'dataReceived', 'dataSent', 'responseReceived', 'loadingFinished', 'loadingFailed', 'webSocketCreated', 'webSocketHandshakeResponseReceived', 'webSocketClosed'].map((name) => [name, notImplemented(`Network.${name}`)]),
);

// readline (and readline/promises): interfaces that read nothing, as in Workers.
export class Interface extends EventEmitter {
  terminal = false;
  line = '';
  cursor = 0;

  getPrompt() {
    return '';
  }

  setPrompt() {}

  prompt() {}

  // question(query, callback) answers '' through the callback; question(query[, options])
  // (readline/promises) resolves to ''.
  question(query, optionsOrCallback, callback) {
    if (typeof optionsOrCallback === 'function') {
      optionsOrCallback('');
      return undefined;
    }
    if (typeof callback === 'function') {
      callback('');
      return undefined;
    }
    return Promise.resolve('');
  }

  pause() {
    return this;
  }

  resume() {
    return this;
  }

  close() {}

  write() {}

  getCursorPos() {
    return { rows: 0, cols: 0 };
  }

  [Symbol.dispose]() {
    this.close();
  }

  async [Symbol.asyncDispose]() {
    this.close();
  }

  async *[Symbol.asyncIterator]() {
    yield '';
  }
}
export function createInterface() {
  return new Interface();
}
function callbackResult(callback) {
  if (typeof callback === 'function') queueMicrotask(() => callback(null));
  return true;
}
export function clearLine(stream, dir, callback) {
  return callbackResult(callback);
}
export function clearScreenDown(stream, callback) {
  return callbackResult(callback);
}
export function cursorTo(stream, x, y, callback) {
  return callbackResult(typeof y === 'function' ? y : callback);
}
export function moveCursor(stream, dx, dy, callback) {
  return callbackResult(callback);
}
export function emitKeypressEvents() {}
export class Readline {
  constructor(stream) {
    this.stream = stream;
  }

  clearLine() {
    return this;
  }

  clearScreenDown() {
    return this;
  }

  cursorTo() {
    return this;
  }

  moveCursor() {
    return this;
  }

  async commit() {}

  rollback() {
    return this;
  }
}
export const promises = { Interface, Readline, createInterface };

// repl
export function writer() {
  throw ERR_METHOD_NOT_IMPLEMENTED('writer');
}
writer.options = {
  showHidden: false, depth: 2, colors: true, customInspect: true, showProxy: true, maxArrayLength: 100,
  maxStringLength: 10000, breakLength: 80, compact: 3, sorted: false, getters: false, numericSeparator: false,
};
export const start = notImplemented('start');
export class Recoverable extends SyntaxError {
  constructor(err) {
    super();
    this.err = err;
  }
}
export class REPLServer extends Interface {
  constructor() {
    super();
    throw ERR_METHOD_NOT_IMPLEMENTED('REPLServer');
  }
}
export const REPL_MODE_SLOPPY = Symbol('repl-sloppy');
export const REPL_MODE_STRICT = Symbol('repl-strict');
export const builtinModules = [
  'assert', 'assert/strict', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console', 'constants', 'crypto',
  'dgram', 'diagnostics_channel', 'dns', 'dns/promises', 'domain', 'events', 'fs', 'fs/promises', 'http', 'http2',
  'https', 'inspector', 'inspector/promises', 'module', 'net', 'os', 'path', 'path/posix', 'path/win32', 'perf_hooks',
  'process', 'punycode', 'querystring', 'readline', 'readline/promises', 'repl', 'stream', 'stream/consumers',
  'stream/promises', 'stream/web', 'string_decoder', 'sys', 'timers', 'timers/promises', 'tls', 'trace_events', 'tty',
  'url', 'util', 'util/types', 'v8', 'vm', 'wasi', 'worker_threads', 'zlib',
];
export const _builtinLibs = builtinModules;

// trace_events
class Tracing {
  #categories;
  #enabled = false;

  constructor(categories) {
    this.#categories = categories;
  }

  enable() {
    this.#enabled = true;
  }

  disable() {
    this.#enabled = false;
  }

  get enabled() {
    return this.#enabled;
  }

  get categories() {
    return this.#categories.join(',');
  }
}
export function createTracing(options) {
  if (options === null || typeof options !== 'object') throw ERR_INVALID_ARG_TYPE('options', 'Object', options);
  const { categories } = options;
  if (!Array.isArray(categories) || categories.some((c) => typeof c !== 'string')) throw ERR_INVALID_ARG_TYPE('options.categories', 'string[]', categories);
  if (categories.length <= 0) throw nodeError(TypeError, 'ERR_TRACE_EVENTS_CATEGORY_REQUIRED', 'At least one category is required');
  return new Tracing(categories);
}
export function getEnabledCategories() {
  return undefined;
}

// v8
export function cachedDataVersionTag() {
  return 0;
}
export const writeHeapSnapshot = notImplemented('writeHeapSnapshot');
export const getHeapSnapshot = notImplemented('getHeapSnapshot');
export const setFlagsFromString = notImplemented('setFlagsFromString');
export const isStringOneByteRepresentation = notImplemented('isStringOneByteRepresentation');
export function getHeapStatistics() {
  return {
    total_heap_size: 0, total_heap_size_executable: 0, total_physical_size: 0, total_available_size: 0,
    used_heap_size: 0, heap_size_limit: 0, malloced_memory: 0, peak_malloced_memory: 0, does_zap_garbage: 0,
    number_of_native_contexts: 0, number_of_detached_contexts: 0, total_global_handles_size: 0,
    used_global_handles_size: 0, external_memory: 0, total_allocated_bytes: 0,
  };
}
export function getHeapSpaceStatistics() {
  return [];
}
export function getHeapCodeStatistics() {
  return { code_and_metadata_size: 0, bytecode_and_metadata_size: 0, external_script_source_size: 0, cpu_profiler_metadata_size: 0 };
}
export function getCppHeapStatistics(type = 'detailed') {
  return { committed_size_bytes: 0, resident_size_bytes: 0, used_size_bytes: 0, space_statistics: [], type_names: [], detail_level: type };
}
export const setHeapSnapshotNearHeapLimit = notImplemented('setHeapSnapshotNearHeapLimit');
export const Serializer = notImplementedClass('Serializer');
export const Deserializer = notImplementedClass('Deserializer');
export const DefaultSerializer = notImplementedClass('DefaultSerializer');
export const DefaultDeserializer = notImplementedClass('DefaultDeserializer');
export const serialize = notImplemented('serialize');
export const deserialize = notImplemented('deserialize');
export class GCProfiler {
  start() {
    throw ERR_METHOD_NOT_IMPLEMENTED('GCProfiler.start');
  }

  stop() {
    throw ERR_METHOD_NOT_IMPLEMENTED('GCProfiler.stop');
  }
}
export const promiseHooks = {
  createHook: notImplemented('promiseHooks.createHook'),
  onInit: notImplemented('promiseHooks.onInit'),
  onBefore: notImplemented('promiseHooks.onBefore'),
  onAfter: notImplemented('promiseHooks.onAfter'),
  onSettled: notImplemented('promiseHooks.onSettled'),
};
export const queryObjects = notImplemented('queryObjects');
export const takeCoverage = notImplemented('takeCoverage');
export const stopCoverage = notImplemented('stopCoverage');
export const startupSnapshot = {
  addSerializeCallback: notImplemented('startupSnapshot.addSerializeCallback'),
  addDeserializeCallback: notImplemented('startupSnapshot.addDeserializeCallback'),
  setDeserializeMainFunction: notImplemented('startupSnapshot.setDeserializeMainFunction'),
  isBuildingSnapshot: () => false,
};

// vm: no second JavaScript context (and no eval of source text) in a worker.
export function isContext(object) {
  if (object === null || typeof object !== 'object') throw ERR_INVALID_ARG_TYPE('object', 'Object', object);
  return false;
}
export class Script {
  constructor() {
    throw ERR_METHOD_NOT_IMPLEMENTED('Script');
  }
}
export function createContext() {
  throw ERR_METHOD_NOT_IMPLEMENTED('createContext');
}
export function createScript(code, options) {
  return new Script(code, options);
}
export function runInContext() {
  throw ERR_METHOD_NOT_IMPLEMENTED('runInContext');
}
export function runInNewContext() {
  throw ERR_METHOD_NOT_IMPLEMENTED('createContext');
}
export function runInThisContext() {
  throw ERR_METHOD_NOT_IMPLEMENTED('Script');
}
export const compileFunction = notImplemented('compileFunction');
export const measureMemory = notImplemented('measureMemory');

// wasi
export class WASI {
  constructor() {
    throw ERR_METHOD_NOT_IMPLEMENTED('WASI');
  }
}

// worker_threads
export const MessageChannel = globalThis.MessageChannel;
export const MessagePort = globalThis.MessagePort;
export const BroadcastChannel = notImplementedClass('BroadcastChannel');
export class Worker extends EventEmitter {
  constructor() {
    super();
    throw ERR_METHOD_NOT_IMPLEMENTED('Worker');
  }
}
const environmentData = new Map();
export function getEnvironmentData(key) {
  return environmentData.get(key);
}
export function setEnvironmentData(key, value) {
  environmentData.set(key, value);
}
export const isMainThread = true;
export function isMarkedAsUntransferable() {
  return false;
}
export function markAsUntransferable() {}
export function markAsUncloneable() {}
export const moveMessagePortToContext = notImplemented('moveMessagePortToContext');
export const parentPort = null;
export function receiveMessageOnPort() {
  return undefined;
}
export const SHARE_ENV = Symbol.for('nodejs.worker_threads.SHARE_ENV');
export const resourceLimits = {};
export const threadId = 0;
export const workerData = null;
export const postMessageToThread = notImplemented('postMessageToThread');
export const isInternalThread = false;

// vm's constants and http2's, in one object.
export const constants = Object.freeze({
  ...http2Constants,
  USE_MAIN_CONTEXT_DEFAULT_LOADER: Symbol('vm_dynamic_import_main_context_default'),
  DONT_CONTEXTIFY: Symbol('vm_context_no_contextify'),
});

// The default export (what require() returns): cluster's Cluster object, which is an
// EventEmitter, carrying every other export too.
const namespace = {
  ChildProcess, _forkChild, exec, execFile, execFileSync, execSync, fork, spawn, spawnSync,
  SCHED_NONE, SCHED_RR, isMaster, isPrimary, isWorker, schedulingPolicy, settings, workers, disconnect, setupPrimary,
  setupMaster, Cluster, Socket, createSocket, createSecureServer, createServer, connect, performServerHandshake,
  Http2ServerRequest, Http2ServerResponse, getDefaultSettings, getPackedSettings, getUnpackedSettings, sensitiveHeaders,
  Session, close, console, open, url, waitForDebugger, Network, Interface, createInterface, clearLine, clearScreenDown,
  cursorTo, moveCursor, emitKeypressEvents, Readline, promises, writer, start, Recoverable, REPLServer,
  REPL_MODE_SLOPPY, REPL_MODE_STRICT, builtinModules, _builtinLibs, createTracing, getEnabledCategories,
  cachedDataVersionTag, writeHeapSnapshot, getHeapSnapshot, setFlagsFromString, isStringOneByteRepresentation,
  getHeapStatistics, getHeapSpaceStatistics, getHeapCodeStatistics, getCppHeapStatistics, setHeapSnapshotNearHeapLimit,
  Serializer, Deserializer, DefaultSerializer, DefaultDeserializer, serialize, deserialize, GCProfiler, promiseHooks,
  queryObjects, takeCoverage, stopCoverage, startupSnapshot, isContext, Script, createContext, createScript,
  runInContext, runInNewContext, runInThisContext, compileFunction, measureMemory, WASI, MessageChannel, MessagePort,
  BroadcastChannel, Worker, getEnvironmentData, setEnvironmentData, isMainThread, isMarkedAsUntransferable,
  markAsUntransferable, markAsUncloneable, moveMessagePortToContext, parentPort, receiveMessageOnPort, SHARE_ENV,
  resourceLimits, threadId, workerData, postMessageToThread, isInternalThread, constants,
};
const cluster = new Cluster();
for (const [name, value] of Object.entries(namespace)) {
  if (name !== 'disconnect' && name !== 'setupPrimary' && name !== 'setupMaster') cluster[name] = value;
}

export default cluster;
