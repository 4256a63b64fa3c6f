// node:stream: Node's streams (Readable, Writable, Duplex, Transform, PassThrough, pipeline,
// finished, compose, addAbortSignal, Readable.from and the stream operators) from @jspm/core's
// build of readable-stream 4 (Node's own implementation), over this runtime's Buffer and
// EventEmitter. Added here: the Web streams adapters (Readable/Writable/Duplex .fromWeb and
// .toWeb, which that build leaves unimplemented) and duplexPair.
//
// That implementation schedules its callbacks with @jspm/core's process.nextTick. Until the
// prelude builder maps @jspm/core's process shim to node:process (_jspm-process.js), that is a
// zero-delay timer rather than Workers' microtask: stream events then come one timer turn later
// than in Workers, and (timers being available only while an event is handled) streams flow
// only while an event is handled, not at global scope.
import * as jspmStream from '@jspm/core/nodelibs/stream';
import { ERR_INVALID_ARG_TYPE } from './_errors.js';

// Buffer and EventEmitter completed as Node has them, before any stream uses them.
const { Buffer } = require('./buffer.js');
require('./events.js');

export const Stream = jspmStream.Stream;
export const { Readable, Writable, Duplex, Transform, PassThrough } = jspmStream;
export const pipeline = Stream.pipeline;
export const finished = Stream.finished;
export const compose = Stream.compose;
export const addAbortSignal = Stream.addAbortSignal;
export const destroy = Stream.destroy;
export const isDestroyed = Stream.isDestroyed;
export const isDisturbed = Stream.isDisturbed;
export const isErrored = Stream.isErrored;
export const isReadable = Stream.isReadable;
export const isWritable = Stream.isWritable;
// Node 22's default for byte streams (64 KiB; readable-stream still has Node 18's 16 KiB).
Stream.setDefaultHighWaterMark(false, 65536);

export const getDefaultHighWaterMark = Stream.getDefaultHighWaterMark;
export const setDefaultHighWaterMark = Stream.setDefaultHighWaterMark;
export const promises = Stream.promises;

export function _isUint8Array(value) {
  return value instanceof Uint8Array;
}

export function _uint8ArrayToBuffer(chunk) {
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export function _isArrayBufferView(value) {
  return ArrayBuffer.isView(value);
}

function isReadableStream(value) {
  return value !== null && typeof value === 'object' && typeof value.getReader === 'function' && typeof value.pipeTo === 'function';
}

function isWritableStream(value) {
  return value !== null && typeof value === 'object' && typeof value.getWriter === 'function' && typeof value.abort === 'function';
}

// A ReadableStream fed by a Node Readable, with backpressure: the Readable is paused while the
// stream's queue is full.
function readableToWeb(streamReadable, options = {}) {
  if (typeof streamReadable?._readableState !== 'object') throw ERR_INVALID_ARG_TYPE('streamReadable', 'stream.Readable', streamReadable);
  const objectMode = streamReadable.readableObjectMode;
  const highWaterMark = options?.strategy?.highWaterMark ?? (objectMode ? 16 : 65536);
  const size = options?.strategy?.size ?? (objectMode ? () => 1 : (chunk) => chunk.byteLength);
  let controller;
  let closed = false;
  const onData = (chunk) => {
    if (Buffer.isBuffer(chunk) && !objectMode) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    controller.enqueue(chunk);
    if (controller.desiredSize <= 0) streamReadable.pause();
  };
  const cleanup = finished(streamReadable, (error) => {
    cleanup();
    if (error?.code === 'ERR_STREAM_PREMATURE_CLOSE') error = new (require('./_errors.js').AbortError)(undefined, { cause: error });
    streamReadable.off('data', onData);
    if (closed) return;
    closed = true;
    if (error) controller.error(error);
    else controller.close();
  });
  streamReadable.on('data', onData);
  return new ReadableStream(
    {
      start(c) {
        controller = c;
        if (streamReadable.destroyed && !closed) {
          closed = true;
          controller.close();
        }
      },
      pull() {
        streamReadable.resume();
      },
      cancel(reason) {
        closed = true;
        destroy(streamReadable, reason);
      },
    },
    { highWaterMark, size },
  );
}

function readableFromWeb(readableStream, options = {}) {
  if (!isReadableStream(readableStream)) throw ERR_INVALID_ARG_TYPE('readableStream', 'ReadableStream', readableStream);
  const { highWaterMark, encoding, objectMode = false, signal } = options ?? {};
  const reader = readableStream.getReader();
  let closed = false;
  reader.closed.then(
    () => {
      closed = true;
    },
    (error) => {
      closed = true;
      readable.destroy(error);
    },
  );
  const readable = new Readable({
    objectMode,
    highWaterMark,
    encoding,
    signal,
    read() {
      reader.read().then(
        (chunk) => {
          if (chunk.done) {
            readable.push(null);
          } else {
            let value = chunk.value;
            if (!objectMode && !(value instanceof Uint8Array)) {
              readable.destroy(ERR_INVALID_ARG_TYPE('chunk', ['Buffer', 'Uint8Array'], value));
              return;
            }
            if (!objectMode) value = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
            readable.push(value);
          }
        },
        (error) => readable.destroy(error),
      );
    },
    destroy(error, callback) {
      const done = () => callback(error);
      if (!closed) reader.cancel(error).then(done, done);
      else done();
    },
  });
  return readable;
}

function writableToWeb(streamWritable) {
  if (typeof streamWritable?._writableState !== 'object') throw ERR_INVALID_ARG_TYPE('streamWritable', 'stream.Writable', streamWritable);
  let controller;
  let backpressure = null;
  let closed = null;
  streamWritable.on('drain', () => {
    backpressure?.resolve();
    backpressure = null;
  });
  finished(streamWritable, (error) => {
    if (error) {
      backpressure?.reject(error);
      controller?.error(error);
      closed?.reject(error);
    } else {
      closed?.resolve();
    }
    backpressure = null;
  });
  const deferred = () => {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  return new WritableStream(
    {
      start(c) {
        controller = c;
      },
      write(chunk) {
        if (streamWritable.writableNeedDrain || !streamWritable.write(chunk)) {
          backpressure = deferred();
          return backpressure.promise;
        }
        return undefined;
      },
      abort(reason) {
        destroy(streamWritable, reason);
      },
      close() {
        if (closed === null && !streamWritable.writableFinished) {
          closed = deferred();
          streamWritable.end();
          return closed.promise;
        }
        return undefined;
      },
    },
    { highWaterMark: streamWritable.writableHighWaterMark, size: streamWritable.writableObjectMode ? () => 1 : (chunk) => chunk?.byteLength ?? 1 },
  );
}

function writableFromWeb(writableStream, options = {}) {
  if (!isWritableStream(writableStream)) throw ERR_INVALID_ARG_TYPE('writableStream', 'WritableStream', writableStream);
  const { highWaterMark, decodeStrings = true, objectMode = false, signal } = options ?? {};
  const writer = writableStream.getWriter();
  let closed = false;
  const writable = new Writable({
    highWaterMark,
    objectMode,
    decodeStrings,
    signal,
    write(chunk, encoding, callback) {
      if (Buffer.isBuffer(chunk)) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      writer.ready.then(() => writer.write(chunk)).then(() => callback(), (error) => callback(error));
    },
    writev(chunks, callback) {
      writer.ready
        .then(() => Promise.all(chunks.map(({ chunk }) => writer.write(Buffer.isBuffer(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) : chunk))))
        .then(() => callback(), (error) => callback(error));
    },
    final(callback) {
      if (closed) {
        callback();
        return;
      }
      writer.close().then(() => callback(), (error) => callback(error));
    },
    destroy(error, callback) {
      const done = () => callback(error);
      if (!closed) writer.abort(error).then(done, done);
      else done();
    },
  });
  writer.closed.then(
    () => {
      closed = true;
    },
    (error) => {
      closed = true;
      writable.destroy(error);
    },
  );
  return writable;
}

function duplexFromWeb(pair, options = {}) {
  if (pair === null || typeof pair !== 'object') throw ERR_INVALID_ARG_TYPE('pair', 'ReadableWritablePair', pair);
  const { readable: readableStream, writable: writableStream } = pair;
  if (!isReadableStream(readableStream)) throw ERR_INVALID_ARG_TYPE('pair.readable', 'ReadableStream', readableStream);
  if (!isWritableStream(writableStream)) throw ERR_INVALID_ARG_TYPE('pair.writable', 'WritableStream', writableStream);
  const { allowHalfOpen = true, objectMode = false, decodeStrings = true, encoding, highWaterMark, signal } = options ?? {};
  const readable = readableFromWeb(readableStream, { objectMode });
  const writable = writableFromWeb(writableStream, { objectMode, decodeStrings });
  const duplex = new Duplex({
    allowHalfOpen,
    objectMode,
    decodeStrings,
    encoding,
    highWaterMark,
    signal,
    read() {
      readable.resume();
    },
    write(chunk, chunkEncoding, callback) {
      writable.write(chunk, chunkEncoding, callback);
    },
    final(callback) {
      writable.end(callback);
    },
    destroy(error, callback) {
      readable.destroy(error);
      writable.destroy(error);
      callback(error);
    },
  });
  readable.on('data', (chunk) => {
    if (!duplex.push(chunk)) readable.pause();
  });
  readable.on('end', () => duplex.push(null));
  readable.on('error', (error) => duplex.destroy(error));
  writable.on('error', (error) => duplex.destroy(error));
  return duplex;
}

function duplexToWeb(duplex) {
  return { readable: readableToWeb(duplex), writable: writableToWeb(duplex) };
}

Readable.fromWeb = readableFromWeb;
Readable.toWeb = readableToWeb;
Writable.fromWeb = writableFromWeb;
Writable.toWeb = writableToWeb;
Duplex.fromWeb = duplexFromWeb;
Duplex.toWeb = duplexToWeb;

// Two Duplexes connected to each other: what is written to one is read from the other.
export function duplexPair(options = undefined) {
  const sides = [];
  const make = (index) => new Duplex({
    ...options,
    read() {
      const other = sides[1 - index];
      const callback = other.pendingCallback;
      if (callback) {
        other.pendingCallback = null;
        callback();
      }
    },
    write(chunk, encoding, callback) {
      const other = sides[1 - index];
      if (chunk.length === 0 && !options?.objectMode) {
        queueMicrotask(callback);
      } else if (other.push(chunk)) {
        callback();
      } else {
        sides[index].pendingCallback = callback;
      }
    },
    final(callback) {
      sides[1 - index].push(null);
      callback();
    },
  });
  sides.push(make(0), make(1));
  return sides;
}
Stream.duplexPair = duplexPair;
Stream._isUint8Array = _isUint8Array;
Stream._uint8ArrayToBuffer = _uint8ArrayToBuffer;
Stream._isArrayBufferView = _isArrayBufferView;

export default Stream;
