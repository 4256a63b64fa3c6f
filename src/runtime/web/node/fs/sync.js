// The synchronous API of node:fs over the virtual file system. (In Workers every file system
// operation is synchronous; the callback and promise APIs run these.)
import {
  FileNode, DirNode, LinkNode, OpenFile, MAX_FILE_SIZE,
  absolutePath, lookup, listDir, isDirEmpty, addEntry, removeEntry, isAncestor, dirPath,
  contentOf, writeBytes, resize, readDevice, writeDevice, register, fileOf, close,
} from './vfs.js';
import { uvError, systemError, nodeError, invalidArgValue, invalidArgType, outOfRange, kValidation } from './errors.js';
import {
  O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW,
  toPath, isFd, toFd, toFlags, toMode, toOptions, validateEncoding, validateInteger, validateBoolean,
  validateFunction, validateObject, toPosition, isArrayBufferView, bytesOf, dataBytes, validateBufferArray, toTimeMs,
  rangeOptions, validateReadRange,
} from './args.js';
import { statsOf, direntType, Dirent, Dir, encodeName } from './stats.js';
import { Buffer, cwd } from './deps.js';

export const F_OK = 0;
export const R_OK = 4;
export const W_OK = 2;
export const X_OK = 1;
export const COPYFILE_EXCL = 1;
export const COPYFILE_FICLONE = 2;
export const COPYFILE_FICLONE_FORCE = 4;

// ---- lookups ----

// Looks a path (a string) up for `syscall`; errors name `errorPath` (and `dest`).
function resolve(path, syscall, follow = true, errorPath = path, dest = undefined) {
  const fail = (code) => uvError(code, syscall, errorPath, dest);
  const found = lookup(absolutePath(path, cwd(), syscall, errorPath, dest), follow, fail);
  found.fail = fail;
  return found;
}

// The node at `path`, which must exist.
function existing(path, syscall, follow = true, errorPath = path, dest = undefined) {
  const found = resolve(path, syscall, follow, errorPath, dest);
  if (found.node === null) throw found.fail('ENOENT');
  if (found.trailingSlash && found.node.kind !== 'dir') throw found.fail('ENOTDIR');
  return found;
}

const toBuffer = (bytes) => Buffer().from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function encodeResult(text, encoding) {
  if (encoding === 'buffer') return Buffer().from(text);
  if (!encoding || encoding === 'utf8' || encoding === 'utf-8') return text;
  return Buffer().from(text).toString(encoding);
}

// ---- open files ----

// Opens `path` (a string) as open(2) would with `flags`; the file is not given a descriptor.
export function openFile(path, flags, syscall = 'open') {
  const exclusive = (flags & O_CREAT) !== 0 && (flags & O_EXCL) !== 0;
  const { node, dir, name, trailingSlash, fail } = resolve(path, syscall, !exclusive && !(flags & O_NOFOLLOW));
  const access = flags & 3;
  const readable = access === O_RDONLY || access === O_RDWR;
  const writable = access === O_WRONLY || access === O_RDWR;
  let target = node;
  if (target !== null) {
    if (exclusive) throw fail('EEXIST');
    if (target.kind === 'symlink') throw fail('ELOOP');
    if (trailingSlash && target.kind !== 'dir') throw fail('ENOTDIR');
    if (target.kind === 'dir') {
      if (writable) throw fail('EISDIR');
    } else if (flags & O_DIRECTORY) {
      throw fail('ENOTDIR');
    }
    if (target.kind === 'file' && writable) {
      if (!target.writable) throw fail('EPERM');
      if (flags & O_TRUNC) resize(target, 0, syscall);
    }
  } else {
    if (!(flags & O_CREAT)) throw fail('ENOENT');
    if (trailingSlash) throw fail('EISDIR');
    if (!dir.writable) throw fail('EPERM');
    target = new FileNode(dir.dev, true);
    addEntry(dir, name, target);
  }
  return new OpenFile(target, readable, writable, (flags & O_APPEND) !== 0, path);
}

function fileContent(file) {
  if (file.node.bundleName !== null) {
    file.bytes ??= contentOf(file.node);
    return file.bytes;
  }
  return contentOf(file.node);
}

// Reads into `target` at `position` (-1: the file's position, which then moves on).
export function readAt(file, target, position) {
  if (!file.readable) throw uvError('EBADF', 'read');
  const node = file.node;
  if (node.kind === 'dir') throw uvError('EISDIR', 'read');
  let count;
  if (node.kind === 'file') {
    const at = position === -1 ? file.position : position;
    const content = fileContent(file);
    count = Math.max(0, Math.min(target.byteLength, content.byteLength - at));
    if (count > 0) target.set(content.subarray(at, at + count));
  } else {
    count = readDevice(node, target);
  }
  if (position === -1) file.position += count;
  return count;
}

// What is left to read of an open file (all of it, for a file just opened).
export function readRest(file) {
  if (!file.readable) throw uvError('EBADF', 'read');
  const node = file.node;
  if (node.kind === 'dir') throw uvError('EISDIR', 'read');
  if (node.kind !== 'file') return new Uint8Array(0); // devices: their size is 0, as in Workers
  const content = fileContent(file);
  const start = file.position;
  if (start >= content.byteLength) return new Uint8Array(0);
  file.position = content.byteLength;
  if (node.bundleName !== null) {
    file.bytes = null;
    return start === 0 ? content : content.subarray(start);
  }
  return content.slice(start);
}

// Writes `bytes` at `position` (-1: the file's position, which then moves on).
export function writeAt(file, bytes, position) {
  if (!file.writable) throw uvError('EBADF', 'write');
  const node = file.node;
  if (node.kind === 'dir') throw uvError('EISDIR', 'write');
  if (node.kind !== 'file') return writeDevice(node, bytes, 'write');
  if (!node.writable) throw uvError('EPERM', 'write');
  const at = file.append ? node.size : position === -1 ? file.position : position;
  const count = writeBytes(node, bytes, at);
  if (position === -1 || file.append) file.position = at + count;
  return count;
}

// ---- open, close, read, write ----

export function openSync(path, flags, mode) {
  const p = toPath(path);
  const f = toFlags(flags);
  toMode(mode, 'mode', 0o666);
  return register(openFile(p, f));
}

export function closeSync(fd) {
  close(toFd(fd));
}

export function readSync(fd, buffer, offsetOrOptions, length, position) {
  const file = fileOf(toFd(fd), 'read');
  if (!isArrayBufferView(buffer)) throw invalidArgType('buffer', 'an instance of Buffer, TypedArray, or DataView', buffer);
  let offset = offsetOrOptions;
  if ((offsetOrOptions === undefined && length === undefined) || (offsetOrOptions !== null && typeof offsetOrOptions === 'object')) {
    [offset, length, position] = rangeOptions(offsetOrOptions ?? {}, buffer);
  }
  if (offset == null) offset = 0;
  else validateInteger(offset, 'offset', 0);
  length |= 0;
  if (length === 0) return 0;
  validateReadRange(buffer, offset, length);
  return readAt(file, bytesOf(buffer).subarray(offset, offset + length), toPosition(position));
}

export function readvSync(fd, buffers, position = null) {
  const file = fileOf(toFd(fd), 'read');
  validateBufferArray(buffers);
  let at = toPosition(position);
  let total = 0;
  for (const buffer of buffers) {
    const view = bytesOf(buffer);
    const count = readAt(file, view, at);
    total += count;
    if (at !== -1) at += count;
    if (count < view.byteLength) break;
  }
  return total;
}

// writeSync's arguments as [bytes, position].
export function writeArguments(buffer, offsetOrOptions, length, position) {
  if (isArrayBufferView(buffer)) {
    let offset = offsetOrOptions;
    if (offsetOrOptions !== null && typeof offsetOrOptions === 'object') {
      [offset, length, position] = rangeOptions(offsetOrOptions, buffer);
    }
    if (offset == null) offset = 0;
    else validateInteger(offset, 'offset', 0);
    if (typeof length !== 'number') length = buffer.byteLength - offset;
    if (offset > buffer.byteLength) throw outOfRange('offset', `<= ${buffer.byteLength}`, offset);
    if (length > buffer.byteLength - offset) throw outOfRange('length', `<= ${buffer.byteLength - offset}`, length);
    if (length < 0) throw outOfRange('length', '>= 0', length);
    validateInteger(length, 'length', 0, 2147483647);
    return [bytesOf(buffer).subarray(offset, offset + length), typeof position === 'number' || typeof position === 'bigint' ? toPosition(position) : -1];
  }
  if (typeof buffer !== 'string') throw invalidArgType('buffer', 'of type string or an instance of Buffer, TypedArray, or DataView', buffer);
  const encoding = typeof length === 'string' ? length : 'utf8';
  validateEncoding(encoding, false);
  const at = typeof offsetOrOptions === 'number' || typeof offsetOrOptions === 'bigint' ? toPosition(offsetOrOptions) : -1;
  return [bytesOf(Buffer().from(buffer, encoding)), at];
}

export function writeSync(fd, buffer, offsetOrOptions, length, position) {
  const file = fileOf(toFd(fd), 'write');
  const [bytes, at] = writeArguments(buffer, offsetOrOptions, length, position);
  return writeAt(file, bytes, at);
}

export function writevSync(fd, buffers, position = null) {
  const file = fileOf(toFd(fd), 'write');
  validateBufferArray(buffers);
  let at = toPosition(position);
  let total = 0;
  for (const buffer of buffers) {
    const count = writeAt(file, bytesOf(buffer), at);
    total += count;
    if (at !== -1) at += count;
  }
  return total;
}

// ---- whole files ----

export function readFileSync(path, options) {
  const { encoding, flag } = toOptions(options, { encoding: null, flag: 'r' });
  validateEncoding(encoding);
  const flags = toFlags(flag, 'r');
  const bytes = isFd(path) ? readRest(fileOf(toFd(path), 'read')) : readRest(openFile(toPath(path), flags));
  const buffer = toBuffer(bytes);
  return encoding && encoding !== 'buffer' ? buffer.toString(encoding) : buffer;
}

export function writeFileSync(path, data, options) {
  const { encoding, flag, mode, flush } = toOptions(options, { encoding: 'utf8', mode: 0o666, flag: 'w', flush: false });
  validateEncoding(encoding, false);
  toMode(mode, 'mode', 0o666);
  if (flush !== undefined) validateBoolean(flush, 'flush');
  const bytes = dataBytes(data, encoding);
  const file = isFd(path) ? fileOf(toFd(path), 'write') : openFile(toPath(path), toFlags(flag, 'w'));
  writeAt(file, bytes, -1);
}

export function appendFileSync(path, data, options) {
  writeFileSync(path, data, toOptions(options, { encoding: 'utf8', mode: 0o666, flag: 'a' }));
}

export function truncateSync(path, len = 0) {
  if (isFd(path)) return ftruncateSync(path, len);
  const p = toPath(path);
  if (len === undefined || len === null) len = 0;
  validateInteger(len, 'len');
  const file = openFile(p, O_RDWR);
  truncateOpen(file, Math.max(0, len), 'ftruncate');
  return undefined;
}

function truncateOpen(file, len, syscall) {
  const node = file.node;
  if (!file.writable || node.kind !== 'file') {
    if (node.kind === 'device') return;
    throw uvError('EINVAL', syscall);
  }
  if (!node.writable) throw uvError('EPERM', syscall);
  if (len > MAX_FILE_SIZE) throw uvError('EFBIG', syscall);
  resize(node, len, syscall);
}

export function ftruncateSync(fd, len = 0) {
  const file = fileOf(toFd(fd), 'ftruncate');
  if (len === undefined || len === null) len = 0;
  validateInteger(len, 'len');
  truncateOpen(file, Math.max(0, len), 'ftruncate');
}

// ---- file descriptors ----

export function fstatSync(fd, options) {
  const file = fileOf(toFd(fd), 'fstat');
  return statsOf(file.node, Boolean(options?.bigint));
}

export function fsyncSync(fd) {
  fileOf(toFd(fd), 'fsync');
}

export function fdatasyncSync(fd) {
  fileOf(toFd(fd), 'fdatasync');
}

export function fchmodSync(fd, mode) {
  const file = fileOf(toFd(fd), 'fchmod');
  toMode(mode, 'mode');
  if (file.node.kind === 'file' && !file.node.writable) throw uvError('EPERM', 'fchmod');
}

export function fchownSync(fd, uid, gid) {
  const file = fileOf(toFd(fd), 'fchown');
  validateInteger(uid, 'uid', -1, 4294967295);
  validateInteger(gid, 'gid', -1, 4294967295);
  if (file.node.kind === 'file' && !file.node.writable) throw uvError('EPERM', 'fchown');
}

function setTimes(node, atimeMs, mtimeMs, syscall, path) {
  if (node.kind === 'device') return;
  if (!node.writable) throw uvError('EPERM', syscall, path);
  node.atimeMs = atimeMs;
  node.mtimeMs = mtimeMs;
}

export function futimesSync(fd, atime, mtime) {
  const file = fileOf(toFd(fd), 'futime');
  setTimes(file.node, toTimeMs(atime), toTimeMs(mtime), 'futime');
}

// ---- metadata ----

function statWith(path, options, syscall, follow) {
  const p = toPath(path);
  const throwIfNoEntry = options?.throwIfNoEntry ?? true;
  try {
    return statsOf(existing(p, syscall, follow).node, Boolean(options?.bigint));
  } catch (err) {
    if (!throwIfNoEntry && (err.code === 'ENOENT' || err.code === 'ENOTDIR') && err.syscall === syscall) return undefined;
    throw err;
  }
}

export function statSync(path, options) {
  return statWith(path, options, 'stat', true);
}

export function lstatSync(path, options) {
  return statWith(path, options, 'lstat', false);
}

export function statfsSync(path, options) {
  toPath(path);
  const bigint = Boolean(options?.bigint);
  const zero = bigint ? 0n : 0;
  return { type: zero, bsize: zero, blocks: zero, bfree: zero, bavail: zero, files: zero, ffree: zero };
}

export function accessSync(path, mode = F_OK) {
  const p = toPath(path);
  if (mode === undefined || mode === null) mode = F_OK;
  if (typeof mode !== 'number') throw Object.assign(nodeError('ERR_INVALID_ARG_TYPE', 'mode must be int32 or null/undefined', TypeError), { [kValidation]: true });
  if (!Number.isInteger(mode) || mode < 0 || mode > 7) throw nodeError('ERR_OUT_OF_RANGE', 'mode is out of range: >= 0 && <= 7', RangeError);
  const { node, fail } = existing(p, 'access');
  if (mode & W_OK && !node.writable) throw fail('EACCES');
  if (mode & X_OK && node.kind !== 'dir') throw fail('EACCES');
}

export function existsSync(path) {
  try {
    const p = toPath(path);
    const { node, trailingSlash } = resolve(p, 'access');
    return node !== null && (!trailingSlash || node.kind === 'dir');
  } catch {
    return false;
  }
}

export function chmodSync(path, mode) {
  const p = toPath(path);
  toMode(mode, 'mode');
  const { node, fail } = existing(p, 'chmod');
  if (!node.writable && node.kind !== 'device') throw fail('EPERM');
}

export function lchmodSync(path, mode) {
  const p = toPath(path);
  toMode(mode, 'mode');
  const { node, fail } = existing(p, 'lchmod', false);
  if (!node.writable && node.kind !== 'device') throw fail('EPERM');
}

function chownWith(path, uid, gid, syscall, follow) {
  const p = toPath(path);
  validateInteger(uid, 'uid', -1, 4294967295);
  validateInteger(gid, 'gid', -1, 4294967295);
  const { node, fail } = existing(p, syscall, follow);
  if (!node.writable && node.kind !== 'device') throw fail('EPERM');
}

export function chownSync(path, uid, gid) {
  chownWith(path, uid, gid, 'chown', true);
}

export function lchownSync(path, uid, gid) {
  chownWith(path, uid, gid, 'lchown', false);
}

export function utimesSync(path, atime, mtime) {
  const p = toPath(path);
  const a = toTimeMs(atime);
  const m = toTimeMs(mtime);
  setTimes(existing(p, 'utime').node, a, m, 'utime', p);
}

export function lutimesSync(path, atime, mtime) {
  const p = toPath(path);
  const a = toTimeMs(atime);
  const m = toTimeMs(mtime);
  setTimes(existing(p, 'lutime', false).node, a, m, 'lutime', p);
}

// ---- directories ----

function dirname(path) {
  const trimmed = path.replace(/\/+$/, '');
  const at = trimmed.lastIndexOf('/');
  if (at === -1) return '.';
  if (at === 0) return '/';
  return trimmed.slice(0, at);
}

export function mkdirSync(path, options) {
  const p = toPath(path);
  let recursive = false;
  if (typeof options === 'number' || typeof options === 'string') toMode(options, 'mode');
  else if (options != null) {
    if (options.recursive !== undefined) recursive = validateBoolean(options.recursive, 'options.recursive');
    if (options.mode !== undefined) toMode(options.mode, 'mode');
  }
  if (!recursive) {
    const { node, dir, name, fail } = resolve(p, 'mkdir', false);
    if (node !== null) throw fail('EEXIST');
    if (!dir.writable) throw fail('EPERM');
    addEntry(dir, name, new DirNode(dir.dev, true, dir, name));
    return undefined;
  }
  // mkdir -p: creates what is missing, returning the first directory made (as Node names it).
  const fail = (code) => uvError(code, 'mkdir', p);
  const absolute = absolutePath(p, cwd(), 'mkdir');
  const parts = absolute.split('/').filter((x) => x !== '' && x !== '.');
  let made = 0;
  for (let i = 1; i <= parts.length; i++) {
    const prefix = `/${parts.slice(0, i).join('/')}`;
    const { node, dir, name } = lookup(prefix, true, fail);
    if (node === null) {
      if (!dir.writable) throw fail('EPERM');
      addEntry(dir, name, new DirNode(dir.dev, true, dir, name));
      made++;
    } else if (node.kind !== 'dir') {
      throw fail(i === parts.length && made === 0 ? 'EEXIST' : 'ENOTDIR');
    }
  }
  if (made === 0) return undefined;
  let first = p.replace(/(.)\/+$/, '$1');
  for (let i = 1; i < made; i++) first = dirname(first);
  return first;
}

const TEMP_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function mkdtempSync(prefix, options) {
  const { encoding } = toOptions(options, { encoding: 'utf8' });
  validateEncoding(encoding);
  const p = toPath(prefix, 'prefix');
  for (let attempt = 0; ; attempt++) {
    let suffix = '';
    for (let i = 0; i < 6; i++) suffix += TEMP_CHARS[Math.floor(Math.random() * TEMP_CHARS.length)];
    const path = p + suffix;
    const { node, dir, name } = resolve(path, 'mkdtemp', false, `${p}XXXXXX`);
    if (node !== null) {
      if (attempt < 100) continue;
      throw uvError('EEXIST', 'mkdtemp', `${p}XXXXXX`);
    }
    if (!dir.writable) throw uvError('EPERM', 'mkdtemp', `${p}XXXXXX`);
    addEntry(dir, name, new DirNode(dir.dev, true, dir, name));
    return encodeResult(path, encoding);
  }
}

export function mkdtempDisposableSync(prefix, options) {
  const path = mkdtempSync(prefix, options);
  const remove = () => rmSync(path, { recursive: true, force: true });
  return { path, remove, [Symbol.dispose]: remove };
}

function joinPath(base, name) {
  return base === '' ? name : base.endsWith('/') ? base + name : `${base}/${name}`;
}

// The entries of a directory (its subdirectories' too when `recursive`, breadth first), as
// [relative name, type, parent path].
function directoryEntries(dir, path, recursive) {
  const out = [];
  const queue = [[dir, '', path]];
  while (queue.length > 0) {
    const [at, prefix, parentPath] = queue.shift();
    for (const [name, node] of listDir(at)) {
      out.push([joinPath(prefix, name), direntType(node), parentPath, name]);
      if (recursive && node.kind === 'dir') queue.push([node, joinPath(prefix, name), joinPath(parentPath, name)]);
    }
  }
  return out;
}

function openDirectory(p, syscall, errorPath) {
  const { node, fail } = existing(p, syscall, true, errorPath);
  if (node.kind !== 'dir') throw fail('ENOTDIR');
  return node;
}

export function readdirSync(path, options) {
  const { encoding, withFileTypes, recursive } = toOptions(options, { encoding: 'utf8', withFileTypes: false, recursive: false });
  validateEncoding(encoding);
  validateBoolean(Boolean(withFileTypes), 'options.withFileTypes');
  validateBoolean(recursive, 'options.recursive');
  const p = toPath(path);
  const entries = directoryEntries(openDirectory(p, 'scandir'), p, recursive);
  if (withFileTypes) return entries.map(([, type, parentPath, name]) => new Dirent(encodeName(name, encoding), type, parentPath));
  return entries.map(([name]) => encodeName(name, encoding));
}

export function opendirSync(path, options) {
  const { encoding, bufferSize, recursive } = toOptions(options, { encoding: 'utf8', bufferSize: 32, recursive: false });
  validateEncoding(encoding);
  validateInteger(bufferSize, 'options.bufferSize', 1, 4294967295);
  validateBoolean(recursive, 'options.recursive');
  const p = toPath(path);
  const node = openDirectory(p, 'opendir', null);
  const entries = directoryEntries(node, p, recursive).map(([, type, parentPath, name]) => [name, type, parentPath]);
  return new Dir(p, entries, encoding);
}

// ---- removing ----

export function rmdirSync(path, options) {
  const p = toPath(path);
  if (options?.recursive) {
    validateBoolean(options.recursive, 'options.recursive');
    return rmSync(p, { recursive: true });
  }
  const { node, dir, name, fail } = existing(p, 'rmdir', false);
  if (node.kind !== 'dir') throw fail('ENOTDIR');
  if (name === null) throw fail(node.parent === node ? 'EBUSY' : 'EINVAL');
  if (!dir.writable) throw fail('EPERM');
  if (!isDirEmpty(node)) throw fail('ENOTEMPTY');
  removeEntry(dir, name);
  return undefined;
}

export function unlinkSync(path) {
  const p = toPath(path);
  const { node, dir, name, fail } = existing(p, 'unlink', false);
  if (node.kind === 'dir') throw fail(name === null || !dir.writable ? 'EPERM' : 'EISDIR');
  if (!dir.writable) throw fail('EPERM');
  removeEntry(dir, name);
  node.nlink--;
}

export function rmSync(path, options) {
  const p = toPath(path);
  const { force = false, recursive = false, maxRetries = 0, retryDelay = 100 } = options ?? {};
  if (options != null) validateObject(options, 'options');
  validateBoolean(force, 'options.force');
  validateBoolean(recursive, 'options.recursive');
  validateInteger(maxRetries, 'options.maxRetries', 0);
  validateInteger(retryDelay, 'options.retryDelay', 0);
  let found;
  try {
    found = existing(p, 'lstat', false);
  } catch (err) {
    if (force && err.code === 'ENOENT') return;
    throw err;
  }
  const { node, dir, name } = found;
  if (node.kind === 'dir' && !recursive) {
    throw systemError('ERR_FS_EISDIR', 'Path is a directory', { errno: 21, errnoCode: 'EISDIR', syscall: 'rm', path: p, detail: 'is a directory' });
  }
  if (name === null) throw uvError('EBUSY', 'rm', p);
  if (!dir.writable) throw uvError('EPERM', 'rm', p);
  removeEntry(dir, name);
  node.nlink--;
}

// ---- renaming, linking, copying ----

export function renameSync(oldPath, newPath) {
  const from = toPath(oldPath, 'oldPath');
  const to = toPath(newPath, 'newPath');
  const source = existing(from, 'rename', false, from, to);
  const target = resolve(to, 'rename', false, from, to);
  const fail = source.fail;
  if (source.name === null || target.name === null) throw fail('EBUSY');
  if (!source.dir.writable || !target.dir.writable) throw fail('EPERM');
  if (source.dir.dev !== target.dir.dev) throw fail('EXDEV');
  const node = source.node;
  const replaced = target.node;
  if (replaced === node) return;
  if (node.kind === 'dir') {
    if (replaced !== null && replaced.kind !== 'dir') throw fail('ENOTDIR');
    if (replaced !== null && !isDirEmpty(replaced)) throw fail('ENOTEMPTY');
    if (isAncestor(node, target.dir)) throw fail('EINVAL');
  } else {
    if (replaced !== null && replaced.kind === 'dir') throw fail('EISDIR');
    if (target.trailingSlash) throw fail('ENOTDIR');
  }
  removeEntry(source.dir, source.name);
  if (replaced !== null) replaced.nlink--;
  addEntry(target.dir, target.name, node);
}

export function linkSync(existingPath, newPath) {
  const from = toPath(existingPath, 'existingPath');
  const to = toPath(newPath, 'newPath');
  const source = existing(from, 'link', false, from, to);
  const target = resolve(to, 'link', false, from, to);
  const fail = source.fail;
  if (target.node !== null) throw fail('EEXIST');
  if (source.node.kind === 'dir') throw fail('EPERM');
  if (!target.dir.writable) throw fail('EPERM');
  if (source.node.dev !== target.dir.dev) throw fail('EXDEV');
  addEntry(target.dir, target.name, source.node);
  source.node.nlink++;
}

export function symlinkSync(target, path, type) {
  const linkTarget = toPath(target, 'target');
  const p = toPath(path);
  if (type !== undefined && type !== null && type !== 'dir' && type !== 'file' && type !== 'junction') {
    throw invalidArgValue('type', type, "must be one of: 'dir', 'file', 'junction', null, undefined");
  }
  const { node, dir, name, fail } = resolve(p, 'symlink', false, linkTarget, p);
  if (linkTarget.length > 4096) throw fail('ENAMETOOLONG');
  if (node !== null) throw fail('EEXIST');
  if (!dir.writable) throw fail('EPERM');
  addEntry(dir, name, new LinkNode(linkTarget));
}

export function readlinkSync(path, options) {
  const { encoding } = toOptions(options, { encoding: 'utf8' });
  validateEncoding(encoding);
  const p = toPath(path);
  const { node, fail } = existing(p, 'readlink', false);
  if (node.kind !== 'symlink') throw fail('EINVAL');
  return encodeResult(node.target, encoding);
}

function canonicalPath(found) {
  const { node, dir, name } = found;
  if (node.kind === 'dir') return dirPath(node);
  const base = dirPath(dir);
  return base === '/' ? `/${name}` : `${base}/${name}`;
}

function lexicalAbsolute(p) {
  const absolute = p.startsWith('/') ? p : `${cwd()}/${p}`;
  const out = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

// fs.realpathSync walks the path a component at a time, as Node's own (JavaScript) one does, so
// its errors name the same paths: lstat of the first component missing, stat of a link that leads
// nowhere.
export function realpathSync(path, options) {
  const { encoding } = toOptions(options, { encoding: 'utf8' });
  validateEncoding(encoding);
  const pending = lexicalAbsolute(toPath(path)).split('/').filter((x) => x !== '');
  let current = '';
  let links = 0;
  while (pending.length > 0) {
    const base = `${current}/${pending.shift()}`;
    const { node } = existing(base, 'lstat', false);
    if (node.kind !== 'symlink') {
      current = base;
      continue;
    }
    try {
      existing(base, 'stat', true);
    } catch (err) {
      throw err.code === 'ELOOP' || err.code === 'ENOENT' ? uvError(err.code, 'stat', base) : err;
    }
    if (++links > 40) throw uvError('ELOOP', 'stat', base);
    const target = node.target.startsWith('/') ? node.target : `${current}/${node.target}`;
    pending.unshift(...lexicalAbsolute(target).split('/').filter((x) => x !== ''));
    current = '';
  }
  return encodeResult(current === '' ? '/' : current, encoding);
}

realpathSync.native = function realpathSyncNative(path, options) {
  const { encoding } = toOptions(options, { encoding: 'utf8' });
  validateEncoding(encoding);
  const p = toPath(path);
  return encodeResult(canonicalPath(existing(p, 'realpath')), encoding);
};

function copyContent(sourceNode, targetPath, syscall, errorPath, dest, exclusive) {
  const target = resolve(targetPath, syscall, true, errorPath, dest);
  const fail = target.fail;
  if (target.node !== null) {
    if (exclusive) throw fail('EEXIST');
    if (target.node.kind === 'dir') throw fail('EISDIR');
    if (target.node === sourceNode) return;
    if (target.node.kind === 'device') {
      writeDevice(target.node, sourceNode.kind === 'file' ? contentOf(sourceNode) : new Uint8Array(0), syscall, errorPath);
      return;
    }
    if (!target.node.writable) throw fail('EPERM');
    const bytes = sourceNode.kind === 'file' ? contentOf(sourceNode) : new Uint8Array(0);
    resize(target.node, 0, syscall);
    writeBytes(target.node, bytes, 0, syscall);
    return;
  }
  if (target.trailingSlash) throw fail('EISDIR');
  if (!target.dir.writable) throw fail('EPERM');
  const file = new FileNode(target.dir.dev, true);
  if (sourceNode.kind === 'file') writeBytes(file, contentOf(sourceNode), 0, syscall);
  addEntry(target.dir, target.name, file);
}

export function copyFileSync(src, dest, mode = 0) {
  const from = toPath(src, 'src');
  const to = toPath(dest, 'dest');
  if (mode === undefined || mode === null) mode = 0;
  if (typeof mode !== 'number') throw invalidArgType('mode', 'of type number', mode);
  if (!Number.isInteger(mode) || mode < 0 || mode > 7) throw nodeError('ERR_OUT_OF_RANGE', 'mode is out of range: >= 0 && <= 7', RangeError);
  const source = existing(from, 'copyfile', true, from, to);
  if (source.node.kind === 'dir') throw source.fail('EISDIR');
  if (mode & COPYFILE_FICLONE_FORCE) throw source.fail('ENOSYS');
  copyContent(source.node, to, 'copyfile', from, to, (mode & COPYFILE_EXCL) !== 0);
}

// ---- fs.cp ----

function cpError(code, message) {
  return nodeError(code, message);
}

export function cpOptions(options) {
  if (options == null) options = {};
  validateObject(options, 'options');
  const {
    dereference = false, errorOnExist = false, force = true, filter, mode = 0,
    preserveTimestamps = false, recursive = false, verbatimSymlinks = false,
  } = options;
  validateBoolean(dereference, 'options.dereference');
  validateBoolean(errorOnExist, 'options.errorOnExist');
  validateBoolean(force, 'options.force');
  validateBoolean(preserveTimestamps, 'options.preserveTimestamps');
  validateBoolean(recursive, 'options.recursive');
  validateBoolean(verbatimSymlinks, 'options.verbatimSymlinks');
  validateInteger(mode, 'options.mode', 0, 7);
  if (filter !== undefined) validateFunction(filter, 'options.filter');
  return { dereference, errorOnExist, force: force && !(mode & COPYFILE_EXCL), filter, preserveTimestamps, recursive, verbatimSymlinks, exclusive: (mode & COPYFILE_EXCL) !== 0 };
}

// What is at `path`, or { node: null } when it or a directory on the way is missing.
function lookupLoosely(path, follow) {
  try {
    return resolve(path, 'lstat', follow);
  } catch (err) {
    if (err.code === 'ENOENT') return { node: null, dir: null, name: null };
    throw err;
  }
}

// The checks fs.cp makes before copying anything; returns the source's node.
export function cpCheck(from, to, opts) {
  const source = existing(from, 'lstat', opts.dereference);
  const target = lookupLoosely(to, opts.dereference);
  const srcIsDir = source.node.kind === 'dir';
  const shownSrc = srcIsDir ? `${from.replace(/\/+$/, '')}/` : from;
  if (target.node !== null && target.node === source.node) throw cpError('ERR_FS_CP_EINVAL', `src and dest cannot be the same ${from}`);
  if (srcIsDir && !opts.recursive) throw cpError('ERR_FS_EISDIR', `Recursive option not enabled, cannot copy a directory: ${shownSrc}`);
  if (target.node !== null) {
    if (srcIsDir && target.node.kind !== 'dir') throw cpError('ERR_FS_CP_DIR_TO_NON_DIR', `Cannot overwrite non-directory ${to} with directory ${from}`);
    if (!srcIsDir && target.node.kind === 'dir') throw cpError('ERR_FS_CP_NON_DIR_TO_DIR', `Cannot overwrite directory ${to} with non-directory ${from}`);
  }
  if (srcIsDir && target.dir && target.name !== null && isAncestor(source.node, target.dir)) {
    throw cpError('ERR_FS_CP_EINVAL', `Cannot copy ${shownSrc} to a subdirectory of self ${to}`);
  }
  return source.node;
}

// Copies one entry (and, for a directory, what it holds). `filter(src, dest)` decides; for the
// promise API it may be asynchronous, in which case this returns a promise.
export function cpEntry(from, to, opts) {
  const source = existing(from, 'lstat', opts.dereference);
  const node = source.node;
  if (node.kind === 'dir') {
    const target = lookupLoosely(to, true);
    if (target.node === null) mkdirSync(to, { recursive: true });
    else if (target.node.kind !== 'dir') throw cpError('ERR_FS_CP_DIR_TO_NON_DIR', `Cannot overwrite non-directory ${to} with directory ${from}`);
    return listDir(node).map(([name]) => [joinPath(from, name), joinPath(to, name)]);
  }
  if (!existsSync(dirname(to))) mkdirSync(dirname(to), { recursive: true });
  const target = resolve(to, 'lstat', false);
  if (target.node !== null) {
    if (target.node.kind === 'dir') throw cpError('ERR_FS_CP_NON_DIR_TO_DIR', `Cannot overwrite directory ${to} with non-directory ${from}`);
    if (!opts.force) {
      if (opts.errorOnExist) {
        throw systemError('ERR_FS_CP_EEXIST', 'Target already exists', { errno: 17, errnoCode: 'EEXIST', syscall: 'cp', path: to, detail: `${to} already exists` });
      }
      return [];
    }
  }
  if (node.kind === 'symlink') {
    let linkTarget = node.target;
    if (!opts.verbatimSymlinks && !linkTarget.startsWith('/')) linkTarget = lexicalAbsolute(`${dirname(from)}/${linkTarget}`);
    if (target.node !== null) unlinkSync(to);
    symlinkSync(linkTarget, to);
    return [];
  }
  if (target.node !== null && target.node.kind === 'symlink') unlinkSync(to);
  copyContent(node, to, 'cp', to, undefined, false);
  if (opts.preserveTimestamps) {
    const copied = existing(to, 'utime').node;
    if (copied.writable) {
      copied.atimeMs = node.atimeMs;
      copied.mtimeMs = node.mtimeMs;
    }
  }
  return [];
}

export function cpSync(src, dest, options) {
  const opts = cpOptions(options);
  const from = toPath(src, 'src');
  const to = toPath(dest, 'dest');
  if (opts.filter && !opts.filter(from, to)) return;
  cpCheck(from, to, opts);
  const pending = [[from, to]];
  while (pending.length > 0) {
    const [a, b] = pending.shift();
    if (a !== from && opts.filter && !opts.filter(a, b)) continue;
    pending.push(...cpEntry(a, b, opts));
  }
}

// ---- watching (not in Workers) ----

export function watch() {
  throw nodeError('ERR_UNSUPPORTED_OPERATION', 'The requested operation is unsupported');
}

export const watchFile = watch;
export const unwatchFile = watch;

// The numbers fs uses for seconds (Node exposes this helper).
export function _toUnixTimestamp(time, name = 'time') {
  return toTimeMs(time, name) / 1000;
}

