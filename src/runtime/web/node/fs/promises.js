// node:fs/promises (fs.promises): the same operations, settled as promises, and FileHandle.
import * as sync from './sync.js';
import { openFile, readAt, readRest, writeAt, writeArguments, cpOptions, cpCheck, cpEntry } from './sync.js';
import { fileOf, close } from './vfs.js';
import { fileClosed, abortError, invalidArgType, unsupported } from './errors.js';
import {
  toPath, toFlags, toOptions, validateEncoding, validateInteger, validateObject, toPosition,
  isArrayBufferView, bytesOf, dataBytes, validateBufferArray, rangeOptions, validateReadRange,
} from './args.js';
import { statsOf } from './stats.js';
import { Buffer, EventEmitter } from './deps.js';
import { ReadStream, WriteStream } from './streams.js';
import { constants } from './constants.js';

function checkAborted(signal) {
  if (signal?.aborted) throw abortError(signal);
}

const toBuffer = (bytes) => Buffer().from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

// The arguments of read() as [target bytes, offset, length, position], as Node reads them.
function readArguments(bufferOrOptions, offset, length, position) {
  let buffer = bufferOrOptions;
  if (!isArrayBufferView(buffer)) {
    if (bufferOrOptions != null) validateObject(bufferOrOptions, 'options');
    const options = bufferOrOptions ?? {};
    buffer = options.buffer ?? Buffer().alloc(16384);
    if (!isArrayBufferView(buffer)) throw invalidArgType('buffer', 'an instance of Buffer, TypedArray, or DataView', buffer);
    [offset, length, position] = rangeOptions(options, buffer);
  }
  if (offset !== null && typeof offset === 'object') {
    [offset, length, position] = rangeOptions(offset, buffer);
  }
  if (offset == null) offset = 0;
  else validateInteger(offset, 'offset', 0);
  length ??= buffer.byteLength - offset;
  if (length !== 0) validateReadRange(buffer, offset, length);
  return [buffer, offset, length, toPosition(position)];
}

// Chunks of data for writeFile: a string or bytes, or an (async) iterable or stream of them.
async function* chunksOf(data, encoding) {
  if (typeof data === 'string' || isArrayBufferView(data)) {
    yield dataBytes(data, encoding);
    return;
  }
  if (data == null || (typeof data[Symbol.asyncIterator] !== 'function' && typeof data[Symbol.iterator] !== 'function')) {
    throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data);
  }
  for await (const chunk of data) yield dataBytes(chunk, encoding, 'data');
}

async function writeAll(file, data, encoding, signal) {
  for await (const bytes of chunksOf(data, encoding)) {
    checkAborted(signal);
    writeAt(file, bytes, -1);
  }
}

let FileHandleClass = null;

// FileHandle extends EventEmitter (node:events is loaded with the first handle).
function fileHandleClass() {
  if (FileHandleClass !== null) return FileHandleClass;
  const Base = EventEmitter();
  class FileHandle extends Base {
    #fd;
    constructor(fd) {
      super();
      this.#fd = fd;
    }

    get fd() {
      return this.#fd;
    }

    #file(syscall) {
      if (this.#fd === -1) throw fileClosed(syscall);
      return fileOf(this.#fd, syscall);
    }

    async appendFile(data, options) {
      return this.writeFile(data, options);
    }

    async chmod(mode) {
      this.#file('fchmod');
      return sync.fchmodSync(this.#fd, mode);
    }

    async chown(uid, gid) {
      this.#file('fchown');
      return sync.fchownSync(this.#fd, uid, gid);
    }

    async close() {
      if (this.#fd === -1) return;
      const fd = this.#fd;
      this.#fd = -1;
      close(fd);
      this.emit('close');
    }

    async [Symbol.asyncDispose]() {
      return this.close();
    }

    async datasync() {
      this.#file('fdatasync');
    }

    async sync() {
      this.#file('fsync');
    }

    async read(bufferOrOptions, offset, length, position) {
      const file = this.#file('read');
      const [buffer, at, count, pos] = readArguments(bufferOrOptions, offset, length, position);
      if (count === 0) return { bytesRead: 0, buffer };
      const bytesRead = readAt(file, bytesOf(buffer).subarray(at, at + count), pos);
      return { bytesRead, buffer };
    }

    async readv(buffers, position = null) {
      const file = this.#file('read');
      validateBufferArray(buffers);
      let at = toPosition(position);
      let bytesRead = 0;
      for (const buffer of buffers) {
        const view = bytesOf(buffer);
        const count = readAt(file, view, at);
        bytesRead += count;
        if (at !== -1) at += count;
        if (count < view.byteLength) break;
      }
      return { bytesRead, buffers };
    }

    async readFile(options) {
      const { encoding, signal } = toOptions(options, { encoding: null });
      validateEncoding(encoding);
      checkAborted(signal);
      const buffer = toBuffer(readRest(this.#file('readFile')));
      return encoding && encoding !== 'buffer' ? buffer.toString(encoding) : buffer;
    }

    readLines(options) {
      const handle = this;
      const { encoding = 'utf8' } = toOptions(options, { encoding: 'utf8' });
      return {
        // Like readline over a read stream that closes the handle at its end.
        async *[Symbol.asyncIterator]() {
          let text;
          try {
            text = await handle.readFile({ encoding });
          } finally {
            await handle.close();
          }
          const lines = text.split(/\r?\n/);
          if (lines[lines.length - 1] === '') lines.pop();
          yield* lines;
        },
      };
    }

    readableWebStream() {
      const file = this.#file('read');
      return new ReadableStream({
        type: 'bytes',
        pull: (controller) => {
          const chunk = new Uint8Array(65536);
          const count = readAt(file, chunk, -1);
          if (count === 0) {
            controller.close();
            controller.byobRequest?.respond(0);
          } else {
            controller.enqueue(chunk.subarray(0, count));
          }
        },
      });
    }

    async stat(options) {
      return statsOf(this.#file('fstat').node, Boolean(options?.bigint));
    }

    async truncate(len = 0) {
      this.#file('ftruncate');
      return sync.ftruncateSync(this.#fd, len);
    }

    async utimes(atime, mtime) {
      this.#file('futime');
      return sync.futimesSync(this.#fd, atime, mtime);
    }

    async write(buffer, offsetOrOptions, length, position) {
      const file = this.#file('write');
      const [bytes, at] = writeArguments(buffer, offsetOrOptions, length, position);
      if (bytes.byteLength === 0) return { bytesWritten: 0, buffer };
      return { bytesWritten: writeAt(file, bytes, at), buffer };
    }

    async writev(buffers, position = null) {
      const file = this.#file('write');
      validateBufferArray(buffers);
      let at = toPosition(position);
      let bytesWritten = 0;
      for (const buffer of buffers) {
        const count = writeAt(file, bytesOf(buffer), at);
        bytesWritten += count;
        if (at !== -1) at += count;
      }
      return { bytesWritten, buffers };
    }

    async writeFile(data, options) {
      const { encoding, signal } = toOptions(options, { encoding: 'utf8' });
      validateEncoding(encoding, false);
      checkAborted(signal);
      await writeAll(this.#file('write'), data, encoding, signal);
    }

    createReadStream(options) {
      return new ReadStream(undefined, { ...toOptions(options, {}), fd: this });
    }

    createWriteStream(options) {
      return new WriteStream(undefined, { ...toOptions(options, {}), fd: this });
    }
  }
  FileHandleClass = FileHandle;
  return FileHandle;
}

function isFileHandle(value) {
  return FileHandleClass !== null && value instanceof FileHandleClass;
}

// ---- the functions ----

export async function access(path, mode) {
  return sync.accessSync(path, mode);
}

export async function copyFile(src, dest, mode) {
  return sync.copyFileSync(src, dest, mode);
}

// fs.cp, whose filter may return a promise.
export async function cp(src, dest, options) {
  const opts = cpOptions(options);
  const from = toPath(src, 'src');
  const to = toPath(dest, 'dest');
  if (opts.filter && !(await opts.filter(from, to))) return;
  cpCheck(from, to, opts);
  const pending = [[from, to]];
  while (pending.length > 0) {
    const [a, b] = pending.shift();
    if (a !== from && opts.filter && !(await opts.filter(a, b))) continue;
    pending.push(...cpEntry(a, b, opts));
  }
}

export async function open(path, flags, mode) {
  return new (fileHandleClass())(sync.openSync(path, flags, mode));
}

export async function opendir(path, options) {
  return sync.opendirSync(path, options);
}

export async function rename(oldPath, newPath) {
  return sync.renameSync(oldPath, newPath);
}

export async function truncate(path, len = 0) {
  return sync.truncateSync(toPath(path), len);
}

export async function rm(path, options) {
  return sync.rmSync(path, options);
}

export async function rmdir(path, options) {
  return sync.rmdirSync(path, options);
}

export async function mkdir(path, options) {
  return sync.mkdirSync(path, options);
}

export async function readdir(path, options) {
  return sync.readdirSync(path, options);
}

export async function readlink(path, options) {
  return sync.readlinkSync(path, options);
}

export async function symlink(target, path, type) {
  return sync.symlinkSync(target, path, type);
}

export async function lstat(path, options) {
  return sync.lstatSync(path, options);
}

export async function stat(path, options) {
  return sync.statSync(path, options);
}

export async function statfs(path, options) {
  return sync.statfsSync(path, options);
}

export async function link(existingPath, newPath) {
  return sync.linkSync(existingPath, newPath);
}

export async function unlink(path) {
  return sync.unlinkSync(path);
}

export async function chmod(path, mode) {
  return sync.chmodSync(path, mode);
}

export async function lchmod(path, mode) {
  return sync.lchmodSync(path, mode);
}

export async function lchown(path, uid, gid) {
  return sync.lchownSync(path, uid, gid);
}

export async function chown(path, uid, gid) {
  return sync.chownSync(path, uid, gid);
}

export async function utimes(path, atime, mtime) {
  return sync.utimesSync(path, atime, mtime);
}

export async function lutimes(path, atime, mtime) {
  return sync.lutimesSync(path, atime, mtime);
}

export async function realpath(path, options) {
  return sync.realpathSync(path, options);
}

export async function mkdtemp(prefix, options) {
  return sync.mkdtempSync(prefix, options);
}

export async function mkdtempDisposable(prefix, options) {
  const path = sync.mkdtempSync(prefix, options);
  const remove = async () => sync.rmSync(path, { recursive: true, force: true });
  return { path, remove, [Symbol.asyncDispose]: remove };
}

export async function readFile(path, options) {
  const { encoding, flag, signal } = toOptions(options, { encoding: null, flag: 'r' });
  validateEncoding(encoding);
  checkAborted(signal);
  if (isFileHandle(path)) return path.readFile(options);
  const bytes = readRest(openFile(toPath(path), toFlags(flag, 'r')));
  checkAborted(signal);
  const buffer = toBuffer(bytes);
  return encoding && encoding !== 'buffer' ? buffer.toString(encoding) : buffer;
}

export async function writeFile(path, data, options) {
  const { encoding, flag, signal } = toOptions(options, { encoding: 'utf8', mode: 0o666, flag: 'w' });
  validateEncoding(encoding, false);
  checkAborted(signal);
  if (isFileHandle(path)) return path.writeFile(data, options);
  const p = toPath(path);
  if (typeof data === 'string' || isArrayBufferView(data)) return sync.writeFileSync(p, data, options);
  const file = openFile(p, toFlags(flag, 'w'));
  return writeAll(file, data, encoding, signal);
}

export async function appendFile(path, data, options) {
  return writeFile(path, data, toOptions(options, { encoding: 'utf8', mode: 0o666, flag: 'a' }));
}

export function watch() {
  throw unsupported();
}

export async function glob() {
  throw unsupported();
}

export { constants };

// fs.openAsBlob (callback-less, but promise-returning).
export async function openAsBlob(path, options) {
  const { type = '' } = options ?? {};
  const bytes = readRest(openFile(toPath(path), toFlags('r')));
  return new Blob([bytes], { type });
}

export const promises = {
  access, copyFile, cp, glob, open, opendir, rename, truncate, rm, rmdir, mkdir, readdir, readlink,
  symlink, lstat, stat, statfs, link, unlink, chmod, lchmod, lchown, chown, utimes, lutimes, realpath,
  mkdtemp, mkdtempDisposable, writeFile, appendFile, readFile, watch, constants,
};

