// Argument handling as Node.js's fs does it: paths (string, Buffer, file: URL), file descriptors,
// flags, modes, options objects, positions and time stamps, with Node's errors for bad ones.
import { invalidArgType, invalidArgValue, outOfRange, urlError } from './errors.js';
import { Buffer } from './deps.js';

export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_SYNC = 0o4010000;

const PATH_TYPES = 'of type string or an instance of Buffer or URL';
const decoder = new TextDecoder();

function isURL(value) {
  return value != null && typeof value === 'object' && typeof value.href === 'string' && typeof value.protocol === 'string' && value.auth === undefined && value.path === undefined;
}

export function fileURLToPath(url) {
  if (url.protocol !== 'file:') throw urlError('ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file');
  if (url.hostname !== '' && url.hostname !== 'localhost') throw urlError('ERR_INVALID_FILE_URL_HOST', 'File URL host must be "localhost" or empty on linux');
  const pathname = url.pathname;
  for (let i = 0; i < pathname.length - 2; i++) {
    if (pathname[i] === '%' && pathname[i + 1] === '2' && (pathname[i + 2] === 'f' || pathname[i + 2] === 'F')) {
      throw urlError('ERR_INVALID_FILE_URL_PATH', 'File URL path must not include encoded / characters');
    }
  }
  return decodeURIComponent(pathname);
}

// A path argument as a string.
export function toPath(value, name = 'path') {
  let path;
  if (typeof value === 'string') path = value;
  else if (value instanceof Uint8Array) path = decoder.decode(value);
  else if (isURL(value)) path = fileURLToPath(value);
  else throw invalidArgType(name, PATH_TYPES, value);
  if (path.includes('\0')) throw invalidArgValue(name, path, 'must be a string, Uint8Array, or URL without null bytes');
  return path;
}

// A file descriptor where a path or a descriptor is accepted (an int32, as Node.js decides).
export function isFd(value) {
  return typeof value === 'number' && value === (value | 0);
}

export function toFd(value, name = 'fd') {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < 0 || value > 2147483647) throw outOfRange(name, '>= 0 && <= 2147483647', value);
  return value;
}

export function validateInteger(value, name, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  return value;
}

export function validateBoolean(value, name) {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

export function validateFunction(value, name) {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value;
}

export function validateObject(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidArgType(name, 'of type object', value);
  return value;
}

const FLAGS = {
  r: O_RDONLY,
  rs: O_RDONLY | O_SYNC,
  sr: O_RDONLY | O_SYNC,
  'r+': O_RDWR,
  'rs+': O_RDWR | O_SYNC,
  'sr+': O_RDWR | O_SYNC,
  w: O_TRUNC | O_CREAT | O_WRONLY,
  wx: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
  xw: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
  'w+': O_TRUNC | O_CREAT | O_RDWR,
  'wx+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
  'xw+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
  a: O_APPEND | O_CREAT | O_WRONLY,
  ax: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
  xa: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
  as: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
  sa: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
  'a+': O_APPEND | O_CREAT | O_RDWR,
  'ax+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
  'xa+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
  'as+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
  'sa+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
};

export function toFlags(value, fallback = 'r', name = 'flags') {
  if (value == null) value = fallback;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && Object.hasOwn(FLAGS, value)) return FLAGS[value];
  throw invalidArgValue(name, value);
}

export function toMode(value, name, fallback) {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
  }
  if (typeof value === 'string') {
    if (!/^[0-7]+$/.test(value)) throw invalidArgValue(name, value, 'must be a 32-bit unsigned integer or an octal string');
    value = Number.parseInt(value, 8);
  }
  return validateInteger(value, name, 0, 2 ** 32 - 1);
}

// Options given as an encoding string or an object, merged over the defaults.
export function toOptions(options, defaults) {
  if (options == null || typeof options === 'function') return { ...defaults };
  if (typeof options === 'string') return { ...defaults, encoding: options };
  if (typeof options !== 'object') throw invalidArgType('options', 'one of type string or object', options);
  const merged = { ...defaults };
  // Inherited properties (an options object made with a prototype) count as well.
  for (const key in options) if (options[key] !== undefined) merged[key] = options[key];
  return merged;
}

export function validateEncoding(encoding, allowBuffer = true) {
  if (encoding == null) return null;
  if (allowBuffer && encoding === 'buffer') return encoding;
  if (typeof encoding === 'string' && Buffer().isEncoding(encoding)) return encoding;
  throw invalidArgValue('encoding', encoding, 'is invalid encoding');
}

// A position argument: null or -1 (the file's own position) or an offset.
export function toPosition(value, name = 'position') {
  if (value === undefined || value === null) return -1;
  if (typeof value === 'bigint') {
    if (value < -1n || value > 2n ** 63n - 1n) throw outOfRange(name, `>= -1 && <= ${2n ** 63n - 1n}`, value);
    return Number(value);
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
    if (value < -1 || value > Number.MAX_SAFE_INTEGER) throw outOfRange(name, `>= -1 && <= ${Number.MAX_SAFE_INTEGER}`, value);
    return value;
  }
  throw invalidArgType(name, 'of type number or bigint', value);
}

// The offset, length and position a read or write into `buffer` takes from an options object,
// read in the order Node reads them: [offset (0), length (to the end of the buffer), position (null)].
export function rangeOptions(options, buffer) {
  const offset = options.offset ?? 0;
  return [offset, options.length ?? buffer.byteLength - offset, options.position ?? null];
}

// Node's checks of a read of `length` (not 0) bytes into `buffer` at `offset`.
export function validateReadRange(buffer, offset, length) {
  if (buffer.byteLength === 0) throw invalidArgValue('buffer', buffer, 'is empty and cannot be written');
  if (length < 0) throw outOfRange('length', '>= 0', length);
  if (offset + length > buffer.byteLength) throw outOfRange('length', `<= ${buffer.byteLength - offset}`, length);
}

export function isArrayBufferView(value) {
  return ArrayBuffer.isView(value);
}

export function bytesOf(view) {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

// Data for writeFile/appendFile: a string (in `encoding`) or bytes.
export function dataBytes(data, encoding, name = 'data') {
  if (typeof data === 'string') return bytesOf(Buffer().from(data, encoding ?? 'utf8'));
  if (isArrayBufferView(data)) return bytesOf(data);
  throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView', data);
}

export function validateBufferArray(buffers, name = 'buffers') {
  if (!Array.isArray(buffers)) throw invalidArgType(name, 'an ArrayBufferView[]', buffers);
  for (const buffer of buffers) if (!isArrayBufferView(buffer)) throw invalidArgType(name, 'an ArrayBufferView[]', buffers);
  return buffers;
}

// atime/mtime arguments (seconds, numeric strings or Dates) in milliseconds, as Node.js reads them.
export function toTimeMs(time, name = 'time') {
  // eslint-disable-next-line eqeqeq
  if (typeof time === 'string' && +time == time) return +time * 1000;
  if (Number.isFinite(time)) return time < 0 ? Date.now() : time * 1000;
  if (time instanceof Date) return time.getTime();
  throw invalidArgType(name, 'an instance of Date or an Time in seconds', time);
}
