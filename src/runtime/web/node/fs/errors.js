// Errors as Node.js makes them: system errors ("ENOENT: no such file or directory, open 'x'",
// with errno, code, syscall, path and dest), argument errors (TypeError [ERR_INVALID_ARG_TYPE]),
// and the few SystemErrors of fs.rm and fs.cp.

// Linux's errno values and libuv's descriptions of them.
const ERRNO = {
  EPERM: [1, 'operation not permitted'],
  ENOENT: [2, 'no such file or directory'],
  EIO: [5, 'i/o error'],
  EBADF: [9, 'bad file descriptor'],
  ENOMEM: [12, 'not enough memory'],
  EACCES: [13, 'permission denied'],
  EBUSY: [16, 'resource busy or locked'],
  EEXIST: [17, 'file already exists'],
  EXDEV: [18, 'cross-device link not permitted'],
  ENOTDIR: [20, 'not a directory'],
  EISDIR: [21, 'illegal operation on a directory'],
  EINVAL: [22, 'invalid argument'],
  EMFILE: [24, 'too many open files'],
  EFBIG: [27, 'file too large'],
  ENOSPC: [28, 'no space left on device'],
  EROFS: [30, 'read-only file system'],
  ENAMETOOLONG: [36, 'name too long'],
  ENOSYS: [38, 'function not implemented'],
  ENOTEMPTY: [39, 'directory not empty'],
  ELOOP: [40, 'too many symbolic links encountered'],
};

// Marks the errors Node.js throws synchronously even from its callback API (bad arguments).
export const kValidation = Symbol('outpost.fs.validation');

// Node puts the code in the stack's first line ("TypeError [ERR_X]: ...") but not in the name.
function withCode(error, code) {
  Object.defineProperty(error, 'code', { value: code, writable: true, enumerable: true, configurable: true });
  const { name } = error;
  error.name = `${name} [${code}]`;
  // eslint-disable-next-line no-unused-expressions
  error.stack; // V8 formats the stack when first read, with the name as it is then
  delete error.name;
  return error;
}

// A system error as libuv reports it: `code` (ENOENT...), the syscall and the path(s) involved.
export function uvError(code, syscall, path, dest) {
  const [errno, description] = ERRNO[code] ?? [0, 'unknown error'];
  let message = `${code}: ${description}, ${syscall}`;
  if (path !== undefined && path !== null) message += ` '${path}'`;
  if (dest !== undefined && dest !== null) message += ` -> '${dest}'`;
  const error = new Error(message);
  error.errno = -errno;
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined && path !== null) error.path = path;
  if (dest !== undefined && dest !== null) error.dest = dest;
  return error;
}

class SystemError extends Error {
  get name() {
    return 'SystemError';
  }
  set name(value) {
    Object.defineProperty(this, 'name', { value, writable: true, enumerable: true, configurable: true });
  }
  toString() {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}

// Node's SystemError: "<prefix>: <syscall> returned <errno name> (<detail>) <path>".
export function systemError(code, prefix, { errno, errnoCode, syscall, path, detail }) {
  const error = new SystemError(`${prefix}: ${syscall} returned ${errnoCode} (${detail}) ${path}`);
  error.code = code;
  error.info = { code: errnoCode, message: detail, path, syscall, errno };
  error.errno = errno;
  error.syscall = syscall;
  error.path = path;
  return error;
}

export function nodeError(code, message, Base = Error) {
  return withCode(new Base(message), code);
}

function validationError(code, message, Base) {
  const error = nodeError(code, message, Base);
  Object.defineProperty(error, kValidation, { value: true });
  return error;
}

// util.inspect's rendering of a primitive, enough for error messages.
export function inspect(value) {
  if (typeof value === 'string') {
    const quote = !value.includes("'") ? "'" : !value.includes('"') ? '"' : !value.includes('`') ? '`' : "'";
    let out = '';
    for (const ch of value) {
      const c = ch.codePointAt(0);
      if (ch === quote || ch === '\\') out += `\\${ch}`;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\t') out += '\\t';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\b') out += '\\b';
      else if (ch === '\f') out += '\\f';
      else if (ch === '\v') out += '\\v';
      else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
      else out += ch;
    }
    return `${quote}${out}${quote}`;
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `[Function: ${value.name || '(anonymous)'}]`;
  if (Object.is(value, -0)) return '-0';
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.map(inspect).join(', ')} ]`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value.subarray(0, 100), (x) => (typeof x === 'bigint' ? `${x}n` : String(x)));
    if (value.length > 100) items.push(`... ${value.length - 100} more items`);
    if (value.constructor?.name === 'Buffer') {
      const hex = Array.from(value.subarray(0, 50), (x) => x.toString(16).padStart(2, '0')).join(' ');
      return `<Buffer ${hex}${value.length > 50 ? ` ... ${value.length - 50} more bytes` : ''}>`;
    }
    return `${value.constructor?.name ?? 'TypedArray'}(${value.length}) ${items.length === 0 ? '[]' : `[ ${items.join(', ')} ]`}`;
  }
  const name = value.constructor?.name;
  return name && name !== 'Object' ? `${name} {}` : '{}';
}

function received(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function' && value.name) return ` Received function ${value.name}`;
  if (typeof value === 'object') {
    if (value.constructor?.name) return ` Received an instance of ${value.constructor.name}`;
    return ` Received ${inspect(value)}`;
  }
  let shown = inspect(value);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${shown})`;
}

const argumentKind = (name) => (name.includes('.') ? 'property' : 'argument');

// `expected`: Node's wording after "must be", e.g. 'of type string or an instance of Buffer or URL'.
export function invalidArgType(name, expected, value) {
  return validationError('ERR_INVALID_ARG_TYPE', `The "${name}" ${argumentKind(name)} must be ${expected}.${received(value)}`, TypeError);
}

export function invalidArgValue(name, value, reason = 'is invalid') {
  return validationError('ERR_INVALID_ARG_VALUE', `The ${argumentKind(name)} '${name}' ${reason}. Received ${inspect(value)}`, TypeError);
}

function withSeparators(text) {
  let out = '';
  let i = text.length;
  const start = text[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) out = `_${text.slice(i - 3, i)}${out}`;
  return `${text.slice(0, i)}${out}`;
}

export function outOfRange(name, range, value) {
  let shown;
  if (Number.isInteger(value) && Math.abs(value) > 2 ** 32) shown = withSeparators(String(value));
  else if (typeof value === 'bigint') {
    shown = String(value);
    if (value > 2n ** 32n || value < -(2n ** 32n)) shown = withSeparators(shown);
    shown += 'n';
  } else shown = inspect(value);
  return validationError('ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`, RangeError);
}

export function urlError(code, message) {
  return validationError(code, message, TypeError);
}

export function unsupported() {
  return nodeError('ERR_UNSUPPORTED_OPERATION', 'The requested operation is unsupported');
}

export function dirClosed() {
  return nodeError('ERR_DIR_CLOSED', 'Directory handle was closed');
}

export function abortError(signal) {
  const error = new Error('The operation was aborted', signal?.reason !== undefined ? { cause: signal.reason } : undefined);
  error.code = 'ABORT_ERR';
  error.name = 'AbortError';
  return error;
}

// A FileHandle used after close().
export function fileClosed(syscall) {
  const error = new Error('file closed');
  error.code = 'EBADF';
  error.syscall = syscall;
  return error;
}
