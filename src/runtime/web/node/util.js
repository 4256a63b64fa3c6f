// node:util: inspect/format (Node's rendering), promisify (util.promisify.custom honoured, and
// the global setTimeout/setImmediate promisified as in Node), callbackify, inherits, deprecate,
// debuglog (NODE_DEBUG read from process.env), isDeepStrictEqual, types, parseArgs, parseEnv,
// MIMEType/MIMEParams, styleText, aborted, the TextEncoder/TextDecoder globals and the legacy
// is* predicates.
import {
  ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE, nodeError, validateAbortSignal, validateFunction, validateString,
} from './_errors.js';
import { parseArgs } from './_parse-args.js';
import { MIMEType, MIMEParams } from './_mime.js';

const inspectModule = require('./_inspect.js');
const typesModule = require('./util-types.js');

export const inspect = inspectModule.inspect;
export const format = inspectModule.format;
export const formatWithOptions = inspectModule.formatWithOptions;
export const stripVTControlCharacters = inspectModule.stripVTControlCharacters;
export const types = typesModule.default;
export const TextEncoder = globalThis.TextEncoder;
export const TextDecoder = globalThis.TextDecoder;

export function isDeepStrictEqual(a, b) {
  return require('./_comparisons.js').isDeepStrictEqual(a, b);
}

const kCustomPromisifiedSymbol = Symbol.for('nodejs.util.promisify.custom');
const kCustomPromisifyArgsSymbol = Symbol.for('outpost.util.promisify.customArgs');

export function promisify(original) {
  validateFunction(original, 'original');
  if (original === globalThis.setTimeout || original === globalThis.setImmediate) {
    const promises = require('./timers-promises.js');
    return original === globalThis.setTimeout ? promises.setTimeout : promises.setImmediate;
  }
  if (original[kCustomPromisifiedSymbol]) {
    const fn = original[kCustomPromisifiedSymbol];
    validateFunction(fn, 'util.promisify.custom');
    return Object.defineProperty(fn, kCustomPromisifiedSymbol, { value: fn, enumerable: false, writable: false, configurable: true });
  }
  const argumentNames = original[kCustomPromisifyArgsSymbol];
  function fn(...args) {
    return new Promise((resolve, reject) => {
      args.push((err, ...values) => {
        if (err) return reject(err);
        if (argumentNames !== undefined && values.length > 1) {
          const obj = {};
          for (let i = 0; i < argumentNames.length; i++) obj[argumentNames[i]] = values[i];
          return resolve(obj);
        }
        return resolve(values[0]);
      });
      Reflect.apply(original, this, args);
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, kCustomPromisifiedSymbol, { value: fn, enumerable: false, writable: false, configurable: true });
  const descriptors = Object.getOwnPropertyDescriptors(original);
  for (const descriptor of Object.values(descriptors)) Object.setPrototypeOf(descriptor, null);
  return Object.defineProperties(fn, descriptors);
}
promisify.custom = kCustomPromisifiedSymbol;

export function callbackify(original) {
  validateFunction(original, 'original');
  function callbackified(...args) {
    const maybeCb = args.pop();
    validateFunction(maybeCb, 'last argument');
    const cb = maybeCb.bind(this);
    Reflect.apply(original, this, args).then(
      (ret) => queueMicrotask(() => cb(null, ret)),
      (rej) => queueMicrotask(() => {
        if (!rej) {
          const err = nodeError(Error, 'ERR_FALSY_VALUE_REJECTION', 'Promise was rejected with falsy value');
          err.reason = rej;
          rej = err;
        }
        cb(rej);
      }),
    );
  }
  const descriptors = Object.getOwnPropertyDescriptors(original);
  if (typeof descriptors.length?.value === 'number') descriptors.length.value++;
  if (typeof descriptors.name?.value === 'string') descriptors.name.value += 'Callbackified';
  for (const descriptor of Object.values(descriptors)) Object.setPrototypeOf(descriptor, null);
  Object.defineProperties(callbackified, descriptors);
  return callbackified;
}

export function inherits(ctor, superCtor) {
  if (ctor === undefined || ctor === null) throw ERR_INVALID_ARG_TYPE('ctor', 'Function', ctor);
  if (superCtor === undefined || superCtor === null) throw ERR_INVALID_ARG_TYPE('superCtor', 'Function', superCtor);
  if (superCtor.prototype === undefined) throw ERR_INVALID_ARG_TYPE('superCtor.prototype', 'Object', superCtor.prototype);
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

export function _extend(target, source) {
  if (source === null || typeof source !== 'object') return target;
  const keys = Object.keys(source);
  let i = keys.length;
  while (i--) target[keys[i]] = source[keys[i]];
  return target;
}

function processObject() {
  return require('./process.js').default;
}

const codesWarned = new Set();

export function deprecate(fn, msg, code = undefined, { modifyPrototype = true } = {}) {
  validateFunction(fn, 'fn');
  if (code !== undefined) validateString(code, 'code');
  let warned = false;
  function deprecated(...args) {
    const process = processObject();
    if (!process.noDeprecation && !warned) {
      if (process.throwDeprecation) {
        const err = new Error(msg);
        err.name = 'DeprecationWarning';
        if (code !== undefined) err.code = code;
        throw err;
      }
      warned = true;
      if (code !== undefined) {
        if (!codesWarned.has(code)) {
          process.emitWarning(msg, 'DeprecationWarning', code, deprecated);
          codesWarned.add(code);
        }
      } else {
        process.emitWarning(msg, 'DeprecationWarning', deprecated);
      }
    }
    if (new.target) return Reflect.construct(fn, args, new.target);
    return Reflect.apply(fn, this, args);
  }
  if (modifyPrototype) {
    Object.setPrototypeOf(deprecated, fn);
    if (fn.prototype) deprecated.prototype = fn.prototype;
  }
  return deprecated;
}

// debuglog(section): logs to console.error when NODE_DEBUG (in process.env) names the section.
let debugPattern;

function debugEnabled(section) {
  if (debugPattern === undefined) {
    const value = processObject().env.NODE_DEBUG;
    debugPattern = value
      ? new RegExp(`^(${value.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*').replace(/,/g, '$|^')})$`, 'i')
      : null;
  }
  return debugPattern !== null && debugPattern.test(section);
}

export function debuglog(section, cb = undefined) {
  let enabled;
  let logger = (...args) => {
    enabled ??= debugEnabled(section);
    if (typeof cb === 'function') cb(enabled ? logger : noop);
    logger = enabled ? emitDebug : noop;
    logger(...args);
  };
  const upper = String(section).toUpperCase();
  function emitDebug(...args) {
    console.error(format('%s %d: %s', upper, processObject().pid, format(...args)));
  }
  const test = () => {
    enabled ??= debugEnabled(section);
    return enabled;
  };
  const debug = (...args) => logger(...args);
  Object.defineProperty(debug, 'enabled', { get: test, configurable: true, enumerable: true });
  return debug;
}
export const debug = debuglog;

function noop() {}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function log(...args) {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  console.log('%s - %s', `${d.getDate()} ${MONTHS[d.getMonth()]} ${time}`, format(...args));
}

export function toUSVString(string) {
  return String(string).toWellFormed();
}

export function aborted(signal, resource) {
  if (signal === undefined) return Promise.reject(ERR_INVALID_ARG_TYPE('signal', 'AbortSignal', signal));
  try {
    validateAbortSignal(signal, 'signal');
    if (resource === null || (typeof resource !== 'object' && typeof resource !== 'function')) throw ERR_INVALID_ARG_TYPE('resource', 'object', resource);
  } catch (err) {
    return Promise.reject(err);
  }
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export function transferableAbortSignal(signal) {
  if (signal === null || typeof signal !== 'object' || !('aborted' in signal)) throw ERR_INVALID_ARG_TYPE('signal', 'AbortSignal', signal);
  return signal;
}

export function transferableAbortController() {
  return new AbortController();
}

// The common libuv error names, by (negative) errno.
const SYSTEM_ERRORS = [
  [-7, 'E2BIG', 'argument list too long'], [-13, 'EACCES', 'permission denied'], [-98, 'EADDRINUSE', 'address already in use'],
  [-99, 'EADDRNOTAVAIL', 'address not available'], [-97, 'EAFNOSUPPORT', 'address family not supported'],
  [-11, 'EAGAIN', 'resource temporarily unavailable'], [-114, 'EALREADY', 'connection already in progress'],
  [-9, 'EBADF', 'bad file descriptor'], [-16, 'EBUSY', 'resource busy or locked'], [-125, 'ECANCELED', 'operation canceled'],
  [-103, 'ECONNABORTED', 'software caused connection abort'], [-111, 'ECONNREFUSED', 'connection refused'],
  [-104, 'ECONNRESET', 'connection reset by peer'], [-17, 'EEXIST', 'file already exists'], [-14, 'EFAULT', 'bad address in system call argument'],
  [-27, 'EFBIG', 'file too large'], [-113, 'EHOSTUNREACH', 'host is unreachable'], [-4, 'EINTR', 'interrupted system call'],
  [-22, 'EINVAL', 'invalid argument'], [-5, 'EIO', 'i/o error'], [-106, 'EISCONN', 'socket is already connected'],
  [-21, 'EISDIR', 'illegal operation on a directory'], [-40, 'ELOOP', 'too many symbolic links encountered'],
  [-24, 'EMFILE', 'too many open files'], [-90, 'EMSGSIZE', 'message too long'], [-36, 'ENAMETOOLONG', 'name too long'],
  [-100, 'ENETDOWN', 'network is down'], [-101, 'ENETUNREACH', 'network is unreachable'], [-23, 'ENFILE', 'file table overflow'],
  [-105, 'ENOBUFS', 'no buffer space available'], [-19, 'ENODEV', 'no such device'], [-2, 'ENOENT', 'no such file or directory'],
  [-12, 'ENOMEM', 'not enough memory'], [-28, 'ENOSPC', 'no space left on device'], [-38, 'ENOSYS', 'function not implemented'],
  [-107, 'ENOTCONN', 'socket is not connected'], [-20, 'ENOTDIR', 'not a directory'], [-39, 'ENOTEMPTY', 'directory not empty'],
  [-88, 'ENOTSOCK', 'socket operation on non-socket'], [-95, 'ENOTSUP', 'operation not supported on socket'],
  [-1, 'EPERM', 'operation not permitted'], [-32, 'EPIPE', 'broken pipe'], [-71, 'EPROTO', 'protocol error'],
  [-30, 'EROFS', 'read-only file system'], [-29, 'ESPIPE', 'invalid seek'], [-3, 'ESRCH', 'no such process'],
  [-110, 'ETIMEDOUT', 'connection timed out'], [-26, 'ETXTBSY', 'text file is busy'], [-18, 'EXDEV', 'cross-device link not permitted'],
  [-4095, 'EOF', 'end of file'],
];

export function getSystemErrorMap() {
  return new Map(SYSTEM_ERRORS.map(([errno, name, message]) => [errno, [name, message]]));
}

export function getSystemErrorName(err) {
  if (typeof err !== 'number') throw ERR_INVALID_ARG_TYPE('err', 'number', err);
  if (err >= 0 || !Number.isSafeInteger(err)) throw ERR_OUT_OF_RANGE('err', 'a negative integer', err);
  return SYSTEM_ERRORS.find(([errno]) => errno === err)?.[1] ?? `Unknown system error ${err}`;
}

export function getSystemErrorMessage(err) {
  if (typeof err !== 'number') throw ERR_INVALID_ARG_TYPE('err', 'number', err);
  return SYSTEM_ERRORS.find(([errno]) => errno === err)?.[2] ?? `Unknown system error ${err}`;
}

export function _errnoException(err, syscall, original) {
  const name = getSystemErrorName(err);
  const message = original ? `${syscall} ${name} ${original}` : `${syscall} ${name}`;
  const ex = new Error(message);
  ex.errno = err;
  ex.code = name;
  ex.syscall = syscall;
  return ex;
}

export function _exceptionWithHostPort(err, syscall, address, port, additional) {
  let details = port && port > 0 ? `${address}:${port}` : address;
  if (additional) details += ` - Local (${additional})`;
  const ex = _errnoException(err, syscall, details);
  ex.address = address;
  if (port) ex.port = port;
  return ex;
}

// styleText(format, text): ANSI styles from util.inspect.colors. As in Node 22, the styles are
// left out when the stream they are meant for (process.stdout) has no colors, unless
// validateStream is false.
export function styleText(formatArg, text, { validateStream = true, stream = undefined } = {}) {
  validateString(text, 'text');
  const formats = Array.isArray(formatArg) ? formatArg : [formatArg];
  const { colors } = inspect;
  let left = '';
  let right = '';
  for (const key of formats) {
    if (key === 'none') continue;
    const code = colors[key];
    if (code === undefined) throw ERR_INVALID_ARG_VALUE('format', key, `must be one of: ${Object.keys(colors).join(', ')}`);
    left += `\u001b[${code[0]}m`;
    right = `\u001b[${code[1]}m${right}`;
  }
  if (validateStream) {
    const target = stream ?? processObject().stdout;
    if (typeof target?.hasColors !== 'function' || !target.hasColors()) return text;
  }
  return `${left}${text}${right}`;
}

// parseEnv: the contents of a .env file as an object.
export function parseEnv(content) {
  validateString(content, 'content');
  const result = {};
  const lines = content.replace(/\r\n?/g, '\n');
  const LINE = /^[ \t]*(?:export[ \t]+)?([\w.-]+)(?:[ \t]*=[ \t]*?|:[ \t]+?)((?:[ \t]*'(?:\\'|[^'])*'|[ \t]*"(?:\\"|[^"])*"|[ \t]*`(?:\\`|[^`])*`|[^#\n]+)?)[ \t]*(?:#.*)?$/gm;
  let match;
  while ((match = LINE.exec(lines)) !== null) {
    const key = match[1];
    let value = (match[2] || '').trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/, '$2');
    if (quote === '"') value = value.replace(/\\n/g, '\n');
    result[key] = value;
  }
  return result;
}

export { parseArgs, MIMEType, MIMEParams };

// The legacy predicates.
export const isArray = Array.isArray;
export function isBoolean(arg) {
  return typeof arg === 'boolean';
}
export function isNull(arg) {
  return arg === null;
}
export function isNullOrUndefined(arg) {
  return arg === null || arg === undefined;
}
export function isNumber(arg) {
  return typeof arg === 'number';
}
export function isString(arg) {
  return typeof arg === 'string';
}
export function isSymbol(arg) {
  return typeof arg === 'symbol';
}
export function isUndefined(arg) {
  return arg === undefined;
}
export function isRegExp(arg) {
  return typesModule.isRegExp(arg);
}
export function isObject(arg) {
  return arg !== null && typeof arg === 'object';
}
export function isDate(arg) {
  return typesModule.isDate(arg);
}
export function isError(arg) {
  return typesModule.isNativeError(arg) || arg instanceof Error;
}
export function isFunction(arg) {
  return typeof arg === 'function';
}
export function isPrimitive(arg) {
  return arg === null || (typeof arg !== 'object' && typeof arg !== 'function');
}
export function isBuffer(arg) {
  return arg instanceof Uint8Array && arg._isBuffer === true;
}

export default {
  _errnoException, _exceptionWithHostPort, _extend, aborted, callbackify, debug, debuglog, deprecate, format,
  formatWithOptions, getSystemErrorMap, getSystemErrorMessage, getSystemErrorName, inherits, inspect, isArray,
  isBoolean, isBuffer, isDate, isDeepStrictEqual, isError, isFunction, isNull, isNullOrUndefined, isNumber, isObject,
  isPrimitive, isRegExp, isString, isSymbol, isUndefined, log, MIMEParams, MIMEType, parseArgs, parseEnv, promisify,
  stripVTControlCharacters, styleText, TextDecoder, TextEncoder, toUSVString, transferableAbortController,
  transferableAbortSignal, types,
};
