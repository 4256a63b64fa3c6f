// node:tty as Workers has it: no terminal (isatty is always false); ReadStream and WriteStream
// exist for code that checks for them, report no TTY and no colors, and write nowhere.
const { EventEmitter } = require('./events.js');

export function isatty() {
  return false;
}

export function ReadStream(fd) {
  if (!new.target) return new ReadStream(fd);
  this.fd = fd;
  this.isRaw = false;
  this.isTTY = false;
  return this;
}

export function WriteStream(fd) {
  if (!new.target) return new WriteStream(fd);
  this.fd = fd;
  this.columns = 0;
  this.rows = 0;
  return this;
}

// (In Workers they extend net.Socket, whose constructor they never call; here they are
// EventEmitters, which keeps node:tty from loading node:net.)
const Base = EventEmitter;
Object.setPrototypeOf(ReadStream.prototype, Base.prototype);
Object.setPrototypeOf(ReadStream, Base);
Object.setPrototypeOf(WriteStream.prototype, Base.prototype);
Object.setPrototypeOf(WriteStream, Base);

ReadStream.prototype.setRawMode = function setRawMode(mode) {
  this.isRaw = Boolean(mode);
  return this;
};

WriteStream.prototype.isTTY = true;
WriteStream.prototype.getColorDepth = function getColorDepth() {
  return 8;
};
WriteStream.prototype.hasColors = function hasColors() {
  return false;
};
WriteStream.prototype._refreshSize = function _refreshSize() {};

function callLast(...args) {
  const callback = args.findLast((arg) => typeof arg === 'function');
  if (callback) callback();
  return false;
}
WriteStream.prototype.cursorTo = function cursorTo(x, y, callback) {
  return callLast(y, callback);
};
WriteStream.prototype.moveCursor = function moveCursor(dx, dy, callback) {
  return callLast(callback);
};
WriteStream.prototype.clearLine = function clearLine(dir, callback) {
  return callLast(callback);
};
WriteStream.prototype.clearScreenDown = function clearScreenDown(callback) {
  return callLast(callback);
};
WriteStream.prototype.getWindowSize = function getWindowSize() {
  return [this.columns ?? 0, this.rows ?? 0];
};

export default { isatty, ReadStream, WriteStream };
