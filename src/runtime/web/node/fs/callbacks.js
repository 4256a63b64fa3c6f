// The callback API of node:fs. As in Workers, the work is done at once (synchronously) and the
// callback is called afterwards, from a microtask. Bad arguments throw at the call, as in Node.js.
import * as sync from './sync.js';
import { readAt, writeArguments, writeAt } from './sync.js';
import { fileOf } from './vfs.js';
import { kValidation, invalidArgType } from './errors.js';
import { toFd, validateInteger, validateObject, toPosition, isArrayBufferView, bytesOf, rangeOptions, validateReadRange } from './args.js';
import { Buffer } from './deps.js';
import * as promises from './promises.js';

function takeCallback(args, arity) {
  const callback = args.length > 0 ? args[args.length - 1] : undefined;
  if (typeof callback !== 'function') throw invalidArgType('cb', 'of type function', args.length >= arity ? callback : undefined);
  args.pop();
  return callback;
}

// Runs `work()` now; calls back with its outcome (`deliver(callback, result)`) from a microtask.
function run(callback, work, deliver = (cb, result) => cb(null, result)) {
  let result;
  try {
    result = work();
  } catch (err) {
    if (err?.[kValidation]) throw err;
    queueMicrotask(() => callback(err));
    return;
  }
  queueMicrotask(() => deliver(callback, result));
}

function settle(callback, promise, deliver = (cb, result) => cb(null, result)) {
  promise.then((result) => deliver(callback, result), (err) => callback(err));
}

const noResult = (cb) => cb(null);

// A callback function over sync function `fn` taking up to `arity` arguments before the callback.
function wrap(fn, arity, deliver) {
  return function (...args) {
    const callback = takeCallback(args, arity + 1);
    run(callback, () => fn(...args), deliver);
  };
}

export const access = wrap(sync.accessSync, 2, noResult);
export const appendFile = wrap(sync.appendFileSync, 3, noResult);
export const chmod = wrap(sync.chmodSync, 2, noResult);
export const chown = wrap(sync.chownSync, 3, noResult);
export const copyFile = wrap(sync.copyFileSync, 3, noResult);
export const fchmod = wrap(sync.fchmodSync, 2, noResult);
export const fchown = wrap(sync.fchownSync, 3, noResult);
export const fdatasync = wrap(sync.fdatasyncSync, 1, noResult);
export const fstat = wrap(sync.fstatSync, 2);
export const fsync = wrap(sync.fsyncSync, 1, noResult);
export const ftruncate = wrap(sync.ftruncateSync, 2, noResult);
export const futimes = wrap(sync.futimesSync, 3, noResult);
export const lchmod = wrap(sync.lchmodSync, 2, noResult);
export const lchown = wrap(sync.lchownSync, 3, noResult);
export const link = wrap(sync.linkSync, 2, noResult);
export const lstat = wrap(sync.lstatSync, 2);
export const lutimes = wrap(sync.lutimesSync, 3, noResult);
export const mkdir = wrap(sync.mkdirSync, 2);
export const mkdtemp = wrap(sync.mkdtempSync, 2);
export const open = wrap(sync.openSync, 3);
export const opendir = wrap(sync.opendirSync, 2);
export const readdir = wrap(sync.readdirSync, 2);
export const readFile = wrap(sync.readFileSync, 2);
export const readlink = wrap(sync.readlinkSync, 2);
export const realpath = wrap(sync.realpathSync, 2);
realpath.native = wrap(sync.realpathSync.native, 2);
export const rename = wrap(sync.renameSync, 2, noResult);
export const rm = wrap(sync.rmSync, 2, noResult);
export const rmdir = wrap(sync.rmdirSync, 2, noResult);
export const stat = wrap(sync.statSync, 2);
export const statfs = wrap(sync.statfsSync, 2);
export const symlink = wrap(sync.symlinkSync, 3, noResult);
export const truncate = wrap(sync.truncateSync, 2, noResult);
export const unlink = wrap(sync.unlinkSync, 1, noResult);
export const utimes = wrap(sync.utimesSync, 3, noResult);
export const writeFile = wrap(sync.writeFileSync, 3, noResult);

export function close(fd, callback = () => {}) {
  if (typeof callback !== 'function') throw invalidArgType('cb', 'of type function', callback);
  toFd(fd);
  run(callback, () => sync.closeSync(fd), noResult);
}

export function exists(path, callback) {
  if (typeof callback !== 'function') throw invalidArgType('cb', 'of type function', callback);
  queueMicrotask(() => callback(sync.existsSync(path)));
}

// fs.read(fd, buffer, offset, length, position, cb), fs.read(fd, buffer, options, cb),
// fs.read(fd, options, cb) and fs.read(fd, cb).
export function read(fd, ...args) {
  const callback = takeCallback(args, 5);
  toFd(fd);
  let [buffer, offset, length, position] = args;
  if (!isArrayBufferView(buffer)) {
    if (buffer != null) validateObject(buffer, 'options');
    const options = buffer ?? {};
    buffer = options.buffer ?? Buffer().alloc(16384);
    [offset, length, position] = rangeOptions(options, buffer);
  } else if (offset !== null && typeof offset === 'object') {
    [offset, length, position] = rangeOptions(offset, buffer);
  }
  if (offset == null) offset = 0;
  else validateInteger(offset, 'offset', 0);
  length |= 0;
  if (length === 0) {
    queueMicrotask(() => callback(null, 0, buffer));
    return;
  }
  validateReadRange(buffer, offset, length);
  const at = toPosition(position);
  run(callback, () => readAt(fileOf(fd, 'read'), bytesOf(buffer).subarray(offset, offset + length), at), (cb, count) => cb(null, count, buffer));
}

export function readv(fd, buffers, ...args) {
  const callback = takeCallback(args, 2);
  run(callback, () => sync.readvSync(fd, buffers, args[0]), (cb, count) => cb(null, count, buffers));
}

export function write(fd, buffer, ...args) {
  const callback = takeCallback(args, 4);
  toFd(fd);
  const [bytes, at] = writeArguments(buffer, ...args);
  run(callback, () => writeAt(fileOf(fd, 'write'), bytes, at), (cb, count) => cb(null, count, buffer));
}

export function writev(fd, buffers, ...args) {
  const callback = takeCallback(args, 2);
  run(callback, () => sync.writevSync(fd, buffers, args[0]), (cb, count) => cb(null, count, buffers));
}

export function cp(src, dest, ...args) {
  const callback = takeCallback(args, 2);
  settle(callback, promises.cp(src, dest, args[0]));
}

export function watch() {
  return sync.watch();
}

export function watchFile() {
  return sync.watch();
}

export function unwatchFile() {
  return sync.watch();
}

export function glob() {
  return sync.watch();
}

export function openAsBlob(path, options) {
  return promises.openAsBlob(path, options);
}
