// fs.Stats (and the BigInt kind), fs.Dirent and fs.Dir, shaped as Node.js has them.
import { S_IFMT, S_IFREG, S_IFDIR, S_IFCHR, S_IFLNK } from './vfs.js';
import { dirClosed, invalidArgType } from './errors.js';
import { Buffer } from './deps.js';

const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;
const S_IFSOCK = 0o140000;

export const UV_DIRENT_UNKNOWN = 0;
export const UV_DIRENT_FILE = 1;
export const UV_DIRENT_DIR = 2;
export const UV_DIRENT_LINK = 3;
export const UV_DIRENT_CHAR = 6;

function modeOf(node) {
  switch (node.kind) {
    case 'file':
      return S_IFREG | (node.writable ? 0o666 : 0o444);
    case 'dir':
      return S_IFDIR | (node.writable ? 0o777 : 0o555);
    case 'symlink':
      return S_IFLNK | 0o777;
    default:
      return S_IFCHR | 0o666;
  }
}

function sizeOf(node) {
  if (node.kind === 'file') return node.size;
  if (node.kind === 'symlink') return new TextEncoder().encode(node.target).byteLength;
  return 0;
}

const dateOf = (ms) => new Date(Math.round(Number(ms)));

class StatsBase {
  isDirectory() {
    return this._checkModeProperty(S_IFDIR);
  }
  isFile() {
    return this._checkModeProperty(S_IFREG);
  }
  isBlockDevice() {
    return this._checkModeProperty(S_IFBLK);
  }
  isCharacterDevice() {
    return this._checkModeProperty(S_IFCHR);
  }
  isSymbolicLink() {
    return this._checkModeProperty(S_IFLNK);
  }
  isFIFO() {
    return this._checkModeProperty(S_IFIFO);
  }
  isSocket() {
    return this._checkModeProperty(S_IFSOCK);
  }
}

// The time stamps as Dates are made when first read, as in Node.js.
function defineDates(proto) {
  for (const name of ['atime', 'mtime', 'ctime', 'birthtime']) {
    Object.defineProperty(proto, name, {
      get() {
        const value = dateOf(this[`${name}Ms`]);
        Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
        return value;
      },
      set(value) {
        Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
      },
      enumerable: false,
      configurable: true,
    });
  }
}

export class Stats extends StatsBase {
  constructor(dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeMs, mtimeMs, ctimeMs, birthtimeMs) {
    super();
    this.dev = dev;
    this.mode = mode;
    this.nlink = nlink;
    this.uid = uid;
    this.gid = gid;
    this.rdev = rdev;
    this.blksize = blksize;
    this.ino = ino;
    this.size = size;
    this.blocks = blocks;
    this.atimeMs = atimeMs;
    this.mtimeMs = mtimeMs;
    this.ctimeMs = ctimeMs;
    this.birthtimeMs = birthtimeMs;
  }
  _checkModeProperty(property) {
    return (this.mode & S_IFMT) === property;
  }
}
defineDates(Stats.prototype);

export class BigIntStats extends StatsBase {
  constructor(dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeNs, mtimeNs, ctimeNs, birthtimeNs) {
    super();
    this.dev = dev;
    this.mode = mode;
    this.nlink = nlink;
    this.uid = uid;
    this.gid = gid;
    this.rdev = rdev;
    this.blksize = blksize;
    this.ino = ino;
    this.size = size;
    this.blocks = blocks;
    this.atimeMs = atimeNs / 1000000n;
    this.mtimeMs = mtimeNs / 1000000n;
    this.ctimeMs = ctimeNs / 1000000n;
    this.birthtimeMs = birthtimeNs / 1000000n;
    this.atimeNs = atimeNs;
    this.mtimeNs = mtimeNs;
    this.ctimeNs = ctimeNs;
    this.birthtimeNs = birthtimeNs;
  }
  _checkModeProperty(property) {
    return (this.mode & BigInt(S_IFMT)) === BigInt(property);
  }
}
defineDates(BigIntStats.prototype);
Object.defineProperty(BigIntStats.prototype, 'bigint', { value: true, enumerable: false });

export function statsOf(node, bigint = false) {
  const size = sizeOf(node);
  const fields = [node.dev, modeOf(node), node.nlink, 0, 0, 0, 4096, node.ino, size, Math.ceil(size / 512)];
  if (!bigint) return new Stats(...fields, node.atimeMs, node.mtimeMs, node.ctimeMs, node.birthtimeMs);
  const ns = (ms) => BigInt(Math.round(ms * 1e6));
  return new BigIntStats(...fields.map((v) => BigInt(v)), ns(node.atimeMs), ns(node.mtimeMs), ns(node.ctimeMs), ns(node.birthtimeMs));
}

export function direntType(node) {
  switch (node?.kind) {
    case 'file':
      return UV_DIRENT_FILE;
    case 'dir':
      return UV_DIRENT_DIR;
    case 'symlink':
      return UV_DIRENT_LINK;
    case 'device':
      return UV_DIRENT_CHAR;
    default:
      return UV_DIRENT_UNKNOWN;
  }
}

const kType = Symbol('type');

export class Dirent {
  constructor(name, type, parentPath) {
    this.name = name;
    this.parentPath = parentPath;
    this[kType] = type;
  }
  isDirectory() {
    return this[kType] === UV_DIRENT_DIR;
  }
  isFile() {
    return this[kType] === UV_DIRENT_FILE;
  }
  isBlockDevice() {
    return this[kType] === 7;
  }
  isCharacterDevice() {
    return this[kType] === UV_DIRENT_CHAR;
  }
  isSymbolicLink() {
    return this[kType] === UV_DIRENT_LINK;
  }
  isFIFO() {
    return this[kType] === 4;
  }
  isSocket() {
    return this[kType] === 5;
  }
}

// A name as readdir() returns it: a string, or a Buffer for the 'buffer' encoding.
export function encodeName(name, encoding) {
  if (encoding === 'buffer') return Buffer().from(name);
  if (!encoding || encoding === 'utf8' || encoding === 'utf-8') return name;
  return Buffer().from(name).toString(encoding);
}

const kEntries = Symbol('entries');
const kClosed = Symbol('closed');
const kPath = Symbol('path');
const kEncoding = Symbol('encoding');

// An open directory (fs.opendir): its entries are taken when it is opened.
export class Dir {
  constructor(path, entries, encoding) {
    this[kPath] = path;
    this[kEntries] = entries; // [name, type, parentPath]
    this[kEncoding] = encoding;
    this[kClosed] = false;
  }

  get path() {
    return this[kPath];
  }

  readSync() {
    if (this[kClosed]) throw dirClosed();
    const entry = this[kEntries].shift();
    if (entry === undefined) return null;
    return new Dirent(encodeName(entry[0], this[kEncoding]), entry[1], entry[2]);
  }

  read(callback) {
    if (callback !== undefined) {
      if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
      let result;
      try {
        result = this.readSync();
      } catch (err) {
        queueMicrotask(() => callback(err));
        return undefined;
      }
      queueMicrotask(() => callback(null, result));
      return undefined;
    }
    try {
      return Promise.resolve(this.readSync());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  closeSync() {
    if (this[kClosed]) throw dirClosed();
    this[kClosed] = true;
    this[kEntries] = [];
  }

  close(callback) {
    if (callback !== undefined) {
      if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
      try {
        this.closeSync();
      } catch (err) {
        queueMicrotask(() => callback(err));
        return undefined;
      }
      queueMicrotask(() => callback(null));
      return undefined;
    }
    try {
      this.closeSync();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async *entries() {
    try {
      for (;;) {
        const entry = this.readSync();
        if (entry === null) break;
        yield entry;
      }
    } finally {
      if (!this[kClosed]) this.closeSync();
    }
  }

  [Symbol.asyncIterator]() {
    return this.entries();
  }

  async [Symbol.asyncDispose]() {
    if (!this[kClosed]) this.closeSync();
  }

  [Symbol.dispose]() {
    if (!this[kClosed]) this.closeSync();
  }
}
