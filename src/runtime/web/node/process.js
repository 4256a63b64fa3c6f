// node:process as Workers has it (workerd's "process v2"): an EventEmitter that describes a
// small Linux x64 machine running Node 22 in /bundle, with nothing of the real host in it.
//
// - env: the worker's string vars and secrets when the compatibility date (or
//   nodejs_compat_populate_process_env) says so, else empty; values are coerced to strings.
// - nextTick(fn, ...args) queues a microtask, as in Workers (not Node's separate tick queue).
// - hrtime()/hrtime.bigint() read the isolate's clock, which only moves between turns (I/O,
//   timers), so two readings within one computation are equal. uptime() is 0, as in Workers.
// - exit(code): inside an event, the event fails with Workers' message ("The Node.js
//   process.exit(1) API was called. Canceling the request."); at global scope it is ignored
//   with a warning, as in Workers.
// - cwd() is '/bundle'; chdir() moves within the directories Workers' file system has.
// - binding, dlopen, kill, ref/unref, report, resourceUsage, ... are undefined, as in Workers.
import { nodeSettings } from '../internal/node-settings.js';
import { hostCall } from '../internal/bridge.js';
import {
  ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE, nodeError, validateFunction, validateString,
} from './_errors.js';

const { EventEmitter } = require('./events.js');

const NODE_VERSION = '22.19.0';
const VERSION_KEYS = [
  'node', 'v8', 'modules', 'zlib', 'brotli', 'zstd', 'ares', 'napi', 'llhttp', 'nghttp2', 'acorn', 'ada', 'simdutf',
  'nbytes', 'ncrypto', 'uvwasi', 'uv', 'openssl', 'sqlite', 'icu', 'undici', 'simdjson', 'unicode', 'cldr', 'tz',
  'cjs_module_lexer', 'amaro', 'merve',
];

export const versions = Object.fromEntries(VERSION_KEYS.map((key) => [key, key === 'node' ? NODE_VERSION : '']));
export const version = `v${NODE_VERSION}`;
export const title = 'workerd';
export const argv = ['workerd'];
export const argv0 = 'workerd';
export const execArgv = [];
export const arch = 'x64';
export const platform = 'linux';
export const config = { target_defaults: {}, variables: {} };
export const pid = 1;
export const ppid = 0;
export const allowedNodeEnvironmentFlags = new Set();
export const features = Object.freeze({ cached_builtins: true, debug: false, inspector: false, require_module: false, tls: true });

// Whether a var round-trips through JSON without losing anything (plain objects and arrays of
// JSON values, no cycles), as workerd decides which non-string vars process.env shows.
function isJsonSerializable(value, seen = new Set()) {
  switch (typeof value) {
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'object': {
      if (value === null) return true;
      if (seen.has(value)) return false;
      seen.add(value);
      const proto = Object.getPrototypeOf(value);
      if (proto === Object.prototype) return Object.values(value).every((v) => isJsonSerializable(v, seen));
      if (proto === Array.prototype) return value.every((v) => isJsonSerializable(v, seen));
      return false;
    }
    default:
      return false;
  }
}

// process.env: a plain object behind a proxy that keeps every value a string, as Node's does.
// String vars appear as they are; other JSON-representable vars as their JSON, as in workerd.
function createEnv(initial) {
  const target = {};
  for (const [key, value] of Object.entries(initial ?? {})) {
    if (typeof value === 'string') target[key] = value;
    else if (isJsonSerializable(value)) target[key] = JSON.stringify(value);
  }
  return new Proxy(target, {
    set(obj, prop, value) {
      if (typeof prop === 'symbol' || typeof value === 'symbol') throw new TypeError('Cannot convert a symbol value to a string');
      return Reflect.set(obj, prop, `${value}`);
    },
    defineProperty(obj, prop, descriptor) {
      if (descriptor === null || typeof descriptor !== 'object') throw ERR_INVALID_ARG_TYPE('descriptor', 'Object', descriptor);
      if ('get' in descriptor || 'set' in descriptor) throw ERR_INVALID_ARG_VALUE('descriptor', descriptor, 'process.env value must not have getter/setter');
      if (!descriptor.configurable) throw ERR_INVALID_ARG_VALUE('descriptor.configurable', descriptor, 'process.env value must be configurable');
      if (!descriptor.enumerable) throw ERR_INVALID_ARG_VALUE('descriptor.enumerable', descriptor, 'process.env value must be enumerable');
      if (!descriptor.writable) throw ERR_INVALID_ARG_VALUE('descriptor.writable', descriptor, 'process.env value must be writable');
      if (!('value' in descriptor)) throw ERR_INVALID_ARG_VALUE('descriptor.value', descriptor, 'process.env value must be specified explicitly');
      if (typeof prop === 'symbol' || typeof descriptor.value === 'symbol') throw new TypeError('Cannot convert a symbol value to a string');
      return Reflect.defineProperty(obj, prop, { value: `${descriptor.value}`, writable: true, enumerable: true, configurable: true });
    },
  });
}

export const env = createEnv(nodeSettings().env);

export function nextTick(callback, ...args) {
  validateFunction(callback, 'callback');
  queueMicrotask(() => callback(...args));
}

export function emitWarning(warning, options = undefined, codeOrCtor = undefined, maybeCtor = undefined) {
  let name = 'Warning';
  let detail;
  let code;
  let ctor;
  if (options !== null && typeof options === 'object' && !Array.isArray(options)) {
    if (options.type) name = options.type;
    if (options.code) code = options.code;
    if (options.detail) detail = options.detail;
    ctor = options.ctor;
  } else if (typeof options === 'string') {
    name = options;
    if (typeof codeOrCtor === 'string') {
      code = codeOrCtor;
      if (typeof maybeCtor === 'function') ctor = maybeCtor;
      else if (maybeCtor !== undefined) throw ERR_INVALID_ARG_TYPE('ctor', 'Function', maybeCtor);
    } else if (typeof codeOrCtor === 'function') {
      ctor = codeOrCtor;
    } else if (codeOrCtor !== undefined) {
      throw ERR_INVALID_ARG_TYPE('ctor', 'Function', codeOrCtor);
    }
  } else if (typeof options === 'function') {
    ctor = options;
  } else if (options !== undefined) {
    throw ERR_INVALID_ARG_TYPE('options', 'Object', options);
  }
  let err;
  if (typeof warning === 'string') {
    err = new Error(warning);
    err.name = name;
  } else if (warning instanceof Error) {
    err = warning;
    if (name && name !== 'Warning') err.name = name;
  } else {
    throw ERR_INVALID_ARG_TYPE('warning', ['Error', 'string'], warning);
  }
  if (code) err.code = code;
  if (detail && typeof detail === 'string') err.detail = detail;
  Error.captureStackTrace?.(err, ctor || emitWarning);
  queueMicrotask(() => process.emit('warning', err));
}

export function exit(code = 0) {
  if (hostCall('currentInvocation') !== 0) {
    const err = new Error(`The Node.js process.exit(${code}) API was called. Canceling the request.`);
    throw err;
  }
  console.warn(`process.exit(...) called without a current request context. Ignoring.`);
}

export function abort() {
  exit(1);
}

export function uptime() {
  return 0;
}

// Workers' hrtime: the isolate clock in nanoseconds (millisecond resolution).
export const hrtime = Object.assign(
  function hrtime(time) {
    if (time !== undefined) {
      if (!Array.isArray(time)) throw ERR_INVALID_ARG_TYPE('time', 'Array', time);
      if (time.length !== 2) throw ERR_OUT_OF_RANGE('time', '2', time.length);
    }
    const nanoTime = BigInt(Date.now()) * 1_000_000n;
    const nanos = nanoTime % 1_000_000_000n;
    let seconds = Number((nanoTime - nanos) / 1_000_000_000n);
    let ns = Number(nanos);
    if (time) {
      seconds -= time[0];
      ns -= time[1];
      if (ns < 0) {
        seconds -= 1;
        ns += 1e9;
      }
    }
    return [seconds, ns];
  },
  {
    bigint: function bigint() {
      return BigInt(Date.now()) * 1_000_000n;
    },
  },
);

// The directories of Workers' virtual file system a worker can be in.
let currentDirectory = '/bundle';

export function cwd() {
  return currentDirectory;
}

function enoent(syscall, path) {
  const err = nodeError(Error, 'ENOENT', `ENOENT: no such file or directory, ${syscall} '${path}'`);
  err.errno = -2;
  err.syscall = syscall;
  err.path = path;
  return err;
}

export function chdir(directory) {
  validateString(directory, 'directory');
  if (directory.length === 0) throw enoent('chdir', directory);
  const { posix } = require('./path.js');
  const resolved = posix.resolve(currentDirectory, directory);
  const allowed = resolved === '/' || resolved === '/dev' || resolved === '/bundle' || resolved.startsWith('/bundle/') || resolved === '/tmp' || resolved.startsWith('/tmp/');
  if (!allowed) throw enoent('chdir', resolved);
  currentDirectory = resolved;
}

export function umask(mask = undefined) {
  if (mask !== undefined) {
    if (typeof mask === 'string') {
      if (!/^[0-7]+$/.test(mask)) throw ERR_INVALID_ARG_VALUE('mask', mask, 'must be a 32-bit unsigned integer or an octal string');
      mask = Number.parseInt(mask, 8);
    } else if (typeof mask !== 'number') {
      throw ERR_INVALID_ARG_TYPE('mask', 'number', mask);
    }
    if (mask < 0 || mask > 0xffffffff || !Number.isInteger(mask)) throw ERR_INVALID_ARG_VALUE('mask', mask, 'must be a 32-bit unsigned integer or an octal string');
  }
  return 0o22;
}

// No memory figures of the process are given out (they would describe the host).
export const memoryUsage = Object.assign(
  function memoryUsage() {
    return { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  },
  { rss: () => 0 },
);

export function getBuiltinModule(id) {
  validateString(id, 'id');
  const name = id.startsWith('node:') ? id.slice(5) : id;
  const module = require('./registry.js').nodeModule(name);
  return module === null ? undefined : module.default;
}

export function setSourceMapsEnabled() {}

export function getSourceMapsSupport() {
  return { enabled: false, nodeModules: false, generatedCode: false };
}

export function loadEnvFile() {
  throw nodeError(Error, 'ERR_UNSUPPORTED_OPERATION', 'Operation not supported');
}

export function getegid() {
  return 0;
}
export function getgid() {
  return 0;
}
export function getgroups() {
  return [0];
}
export function geteuid() {
  return 0;
}
export function getuid() {
  return 0;
}

function eperm(syscall) {
  const err = nodeError(Error, 'EPERM', `Operation not permitted, ${syscall}`);
  err.syscall = syscall;
  return err;
}
export function setegid(id) {
  if (id !== 0) throw eperm('setegid');
}
export function setgid(id) {
  if (id !== 0) throw eperm('setgid');
}
export function seteuid(id) {
  if (id !== 0) throw eperm('seteuid');
}
export function setuid(id) {
  if (id !== 0) throw eperm('setuid');
}
export function setgroups() {
  throw eperm('setgroups');
}
export function initgroups() {
  throw eperm('initgroups');
}

// stdout/stderr write lines to the worker's log (stdout as log, stderr as error); stdin is
// empty, as `node worker.js < /dev/null` would see it. They are small stream-like emitters
// rather than node:stream instances, so that importing node:process does not load node:stream.
class StdioWriter extends EventEmitter {
  #level;
  #pending = '';
  constructor(fd, level) {
    super();
    this.fd = fd;
    this.#level = level;
    this.isTTY = false;
    this.writable = true;
    this.writableEnded = false;
    this.writableFinished = false;
    this.writableHighWaterMark = 16384;
    this.writableLength = 0;
    this.writableObjectMode = false;
    this.writableCorked = 0;
    this.destroyed = false;
    this._isStdio = true;
  }

  write(chunk, encoding, callback) {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    let text;
    if (typeof chunk === 'string') text = chunk;
    else if (chunk instanceof Uint8Array) text = new TextDecoder().decode(chunk);
    else throw ERR_INVALID_ARG_TYPE('chunk', ['string', 'Buffer', 'Uint8Array'], chunk);
    const lines = (this.#pending + text).split('\n');
    this.#pending = lines.pop();
    for (const line of lines) console[this.#level](line);
    if (typeof callback === 'function') queueMicrotask(() => callback(null));
    return true;
  }

  end(chunk, encoding, callback) {
    if (typeof chunk === 'function') {
      callback = chunk;
      chunk = undefined;
    } else if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
    if (this.#pending !== '') {
      console[this.#level](this.#pending);
      this.#pending = '';
    }
    // The standard streams stay open, as in Node.
    if (typeof callback === 'function') queueMicrotask(() => callback(null));
    return this;
  }

  cork() {}

  uncork() {}

  setDefaultEncoding() {
    return this;
  }

  destroy() {
    return this;
  }

  getColorDepth() {
    return 1;
  }

  hasColors() {
    return false;
  }
}

class StdinReader extends EventEmitter {
  constructor() {
    super();
    this.fd = 0;
    this.isTTY = false;
    this.readable = true;
    this.readableEnded = false;
    this.destroyed = false;
    this.on('newListener', (name) => {
      if ((name === 'data' || name === 'end' || name === 'readable') && !this.readableEnded) {
        this.readableEnded = true;
        this.readable = false;
        queueMicrotask(() => {
          this.emit('end');
          this.emit('close');
        });
      }
    });
  }

  read() {
    return null;
  }

  setEncoding() {
    return this;
  }

  pause() {
    return this;
  }

  resume() {
    return this;
  }

  isPaused() {
    return false;
  }

  pipe(destination) {
    queueMicrotask(() => destination.end?.());
    return destination;
  }

  unpipe() {
    return this;
  }

  destroy() {
    this.destroyed = true;
    return this;
  }

  async *[Symbol.asyncIterator]() {}
}

export const stdout = new StdioWriter(1, 'log');
export const stderr = new StdioWriter(2, 'error');
export const stdin = new StdinReader();

// What Workers leaves undefined.
export const exitCode = undefined;
export const channel = undefined;
export const connected = undefined;
export const binding = undefined;
export const debugPort = undefined;
export const dlopen = undefined;
export const finalization = undefined;
export const getActiveResourcesInfo = undefined;
export const setUncaughtExceptionCaptureCallback = undefined;
export const hasUncaughtExceptionCaptureCallback = undefined;
export const noDeprecation = undefined;
export const permission = undefined;
export const release = undefined;
export const report = undefined;
export const resourceUsage = undefined;
export const send = undefined;
export const traceDeprecation = undefined;
export const throwDeprecation = undefined;
export const sourceMapsEnabled = undefined;
export const threadCpuUsage = undefined;
export const kill = undefined;
export const ref = undefined;
export const unref = undefined;

const processObject = {
  version, versions, title, argv, argv0, execArgv, arch, platform, config, pid, ppid, getegid, getgid, getgroups,
  geteuid, getuid, setegid, setgid, setgroups, seteuid, setuid, initgroups, setSourceMapsEnabled, getSourceMapsSupport,
  nextTick, emitWarning, env, exit, abort, getBuiltinModule, features, allowedNodeEnvironmentFlags, kill, ref, unref,
  chdir, cwd, umask, hrtime, uptime, memoryUsage, loadEnvFile, exitCode, channel, connected, binding, debugPort, dlopen,
  finalization, getActiveResourcesInfo, setUncaughtExceptionCaptureCallback, hasUncaughtExceptionCaptureCallback,
  noDeprecation, permission, release, report, resourceUsage, send, traceDeprecation, throwDeprecation,
  sourceMapsEnabled, stdin, stdout, stderr, threadCpuUsage,
};
// As in Node, process is an instance of a `process` class that extends EventEmitter.
const ProcessPrototype = Object.create(EventEmitter.prototype, {
  constructor: { value: function process() {}, writable: true, enumerable: false, configurable: true },
});
const process = Object.setPrototypeOf(processObject, ProcessPrototype);
EventEmitter.call(process);
Object.defineProperty(process, Symbol.toStringTag, { value: 'process', writable: false, enumerable: false, configurable: true });

// process.on('unhandledRejection') and 'rejectionHandled' listen to the global events of the
// same names, added on first use. As in Node, a rejection that reaches a listener of process is
// handled: it is not logged.
let listeningUnhandled = false;
let listeningHandled = false;
process.on('newListener', (name) => {
  if (name === 'unhandledRejection' && !listeningUnhandled) {
    listeningUnhandled = true;
    globalThis.addEventListener?.('unhandledrejection', (event) => {
      if (process.emit('unhandledRejection', event.reason, event.promise)) event.preventDefault();
    });
  }
  if (name === 'rejectionHandled' && !listeningHandled) {
    listeningHandled = true;
    globalThis.addEventListener?.('rejectionhandled', (event) => process.emit('rejectionHandled', event.promise));
  }
});

export default process;
