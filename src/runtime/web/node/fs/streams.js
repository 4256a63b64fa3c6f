// fs.ReadStream and fs.WriteStream: Node streams over file descriptors of the virtual file
// system. node:stream is loaded when the first one is made (importing node:fs does not need it):
// the classes are plain constructors whose prototypes are linked to Readable/Writable then.
import { streams, Buffer } from './deps.js';
import { openFile, readAt, writeAt } from './sync.js';
import { register, fileOf, close } from './vfs.js';
import { toPath, toFlags, toMode, toOptions, validateInteger, validateBoolean, bytesOf } from './args.js';
import { outOfRange, abortError } from './errors.js';

let linked = false;
const kClosed = Symbol('closed');

function link() {
  if (linked) return;
  const { Readable, Writable } = streams();
  Object.setPrototypeOf(ReadStream.prototype, Readable.prototype);
  Object.setPrototypeOf(ReadStream, Readable);
  Object.setPrototypeOf(WriteStream.prototype, Writable.prototype);
  Object.setPrototypeOf(WriteStream, Writable);
  linked = true;
}

// A FileHandle given as the `fd` option: its descriptor is used, and it is closed with the stream.
function descriptorOf(fd) {
  if (fd !== null && typeof fd === 'object' && typeof fd.fd === 'number') return [fd.fd, fd];
  return [fd, null];
}

function setUp(stream, path, options, defaultFlags) {
  const [fd, handle] = descriptorOf(options.fd ?? null);
  stream.fd = null;
  stream.path = fd === null ? toPath(path) : undefined;
  stream.flags = options.flags === undefined ? defaultFlags : options.flags;
  stream.mode = options.mode === undefined ? 0o666 : toMode(options.mode, 'mode');
  stream.autoClose = options.autoClose === undefined ? true : options.autoClose;
  stream._handle = handle;
  stream.once('close', () => {
    stream[kClosed] = true;
  });
  const flags = toFlags(stream.flags);
  if (options.start !== undefined) validateInteger(options.start, 'start', 0);
  stream.start = options.start;
  stream.pos = options.start;
  if (options.signal !== undefined) {
    const { signal } = options;
    if (signal.aborted) queueMicrotask(() => stream.destroy(abortError(signal)));
    else signal.addEventListener('abort', () => stream.destroy(abortError(signal)), { once: true });
  }
  if (fd !== null) {
    stream.fd = fd;
    return;
  }
  try {
    stream.fd = register(openFile(stream.path, flags));
  } catch (err) {
    queueMicrotask(() => stream.destroy(err));
    return;
  }
  queueMicrotask(() => {
    if (stream.destroyed) return;
    stream.emit('open', stream.fd);
    stream.emit('ready');
  });
}

function closeDescriptor(stream, err, callback) {
  const { fd } = stream;
  stream.fd = null;
  if (fd === null || !stream.autoClose) return callback(err);
  if (stream._handle !== null) {
    stream._handle.close().then(() => callback(err), (closeErr) => callback(err || closeErr));
    return undefined;
  }
  try {
    close(fd);
  } catch (closeErr) {
    return callback(err || closeErr);
  }
  return callback(err);
}

function closeStream(stream, callback) {
  if (typeof callback === 'function') {
    if (stream[kClosed]) queueMicrotask(callback);
    else stream.once('close', () => callback());
  }
}

export function ReadStream(path, options) {
  if (!new.target) return new ReadStream(path, options);
  link();
  options = toOptions(options, {});
  const { Readable } = streams();
  const self = Reflect.construct(Readable, [{
    highWaterMark: options.highWaterMark ?? 64 * 1024,
    encoding: options.encoding ?? null,
    emitClose: options.emitClose ?? true,
    autoDestroy: options.autoClose ?? true,
  }], new.target);
  self.bytesRead = 0;
  let end = options.end;
  if (end === undefined || end === Infinity) end = Infinity;
  else validateInteger(end, 'end', 0);
  if (options.start !== undefined && options.start > end) throw outOfRange('start', `<= "end" (here: ${end})`, options.start);
  self.end = end;
  setUp(self, path, options, 'r');
  return self;
}

Object.defineProperty(ReadStream.prototype, 'pending', {
  get() {
    return this.fd === null;
  },
  configurable: true,
});

ReadStream.prototype._read = function _read(size) {
  if (this.fd === null || this.destroyed) return;
  const at = this.pos !== undefined ? this.pos : this.bytesRead + (this.start ?? 0);
  const n = this.end === Infinity ? size : Math.min(this.end - at + 1, size);
  if (n <= 0) {
    this.push(null);
    return;
  }
  let count;
  const buffer = Buffer().allocUnsafe(n);
  try {
    count = readAt(fileOf(this.fd, 'read'), bytesOf(buffer), this.pos === undefined ? -1 : this.pos);
  } catch (err) {
    this.destroy(err);
    return;
  }
  if (this.pos !== undefined) this.pos += count;
  this.bytesRead += count;
  if (count === 0) this.push(null);
  else this.push(count === n ? buffer : buffer.subarray(0, count));
};

ReadStream.prototype._destroy = function _destroy(err, callback) {
  closeDescriptor(this, err, callback);
};

ReadStream.prototype.close = function closeReadStream(callback) {
  closeStream(this, callback);
  this.destroy();
};

export function WriteStream(path, options) {
  if (!new.target) return new WriteStream(path, options);
  link();
  options = toOptions(options, {});
  if (options.flush !== undefined) validateBoolean(options.flush, 'options.flush');
  const { Writable } = streams();
  const self = Reflect.construct(Writable, [{
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    decodeStrings: true,
    defaultEncoding: options.encoding ?? 'utf8',
    emitClose: options.emitClose ?? true,
    autoDestroy: options.autoClose ?? true,
  }], new.target);
  self.bytesWritten = 0;
  setUp(self, path, options, 'w');
  return self;
}

Object.defineProperty(WriteStream.prototype, 'pending', {
  get() {
    return this.fd === null;
  },
  configurable: true,
});

function writeChunk(stream, bytes) {
  const count = writeAt(fileOf(stream.fd, 'write'), bytes, stream.pos === undefined ? -1 : stream.pos);
  if (stream.pos !== undefined) stream.pos += count;
  stream.bytesWritten += count;
}

WriteStream.prototype._write = function _write(chunk, encoding, callback) {
  if (this.fd === null) return callback(new Error('The stream has no open file'));
  try {
    writeChunk(this, typeof chunk === 'string' ? bytesOf(Buffer().from(chunk, encoding)) : bytesOf(chunk));
  } catch (err) {
    return callback(err);
  }
  return callback();
};

WriteStream.prototype._writev = function _writev(chunks, callback) {
  if (this.fd === null) return callback(new Error('The stream has no open file'));
  try {
    for (const { chunk, encoding } of chunks) writeChunk(this, typeof chunk === 'string' ? bytesOf(Buffer().from(chunk, encoding)) : bytesOf(chunk));
  } catch (err) {
    return callback(err);
  }
  return callback();
};

WriteStream.prototype._final = function _final(callback) {
  callback();
};

WriteStream.prototype._destroy = function _destroy(err, callback) {
  closeDescriptor(this, err, callback);
};

WriteStream.prototype.close = function closeWriteStream(callback) {
  if (typeof callback === 'function') {
    if (this[kClosed]) {
      queueMicrotask(callback);
      return;
    }
    this.once('close', () => callback());
  }
  if (!this.autoClose) this.once('finish', () => this.destroy());
  this.end();
};

WriteStream.prototype.destroySoon = function destroySoon(...args) {
  return this.end(...args);
};

export function createReadStream(path, options) {
  return new ReadStream(path, options);
}

export function createWriteStream(path, options) {
  return new WriteStream(path, options);
}
