// What node:crypto and node:zlib (crypto.js, zlib.js) share as thin layers over Node's own
// modules on the host (src/runtime/host-ops/node-crypto.js, node-zlib.js): arguments cross as
// plain data (hostEncoder), Node's errors come back as values and are rebuilt here with their
// class, message and code (rebuildError), and the host's stateful objects are held by handles,
// released on the host when their object here is garbage-collected (LiveHandles).
//
// Imported, not required: each of the two modules has its own copy (see src/runtime/prelude.js).
import { hostCall } from '../internal/bridge.js';

// ---- Buffer and streams, from their own modules ----

let BufferClass = null;
export function bufferClass() {
  BufferClass ??= require('./buffer.js').Buffer;
  return BufferClass;
}

export const streamModule = () => require('./stream.js');

export function toBuffer(bytes) {
  return bufferClass().from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ---- errors ----

// Marks the values crossing that are not plain data (see TAG in host-ops/host-handles.js).
export const TAG = 'outpost:tag';
const ERROR_CLASSES = { Error, TypeError, RangeError, SyntaxError };

// An error as Node makes them: `code` set, and a stack that starts "TypeError [CODE]: ...".
export function withCode(error, Ctor, code) {
  error.name = `${Ctor.name} [${code}]`;
  // eslint-disable-next-line no-unused-expressions
  error.stack;
  delete error.name;
  return error;
}

export function makeError(Ctor, code, message) {
  const error = new Ctor(message);
  if (code === undefined) return error;
  error.code = code;
  return withCode(error, Ctor, code);
}

// Node's description of a value in its argument errors ("Received ...").
export function describeReceived(value) {
  if (value === null || value === undefined) return ` Received ${value}`;
  if (typeof value === 'function') return ` Received function ${value.name}`;
  if (typeof value === 'object') {
    const name = value.constructor?.name;
    return typeof name === 'string' && name !== '' ? ` Received an instance of ${name}` : ` Received ${String(value)}`;
  }
  let shown = typeof value === 'string' ? value : typeof value === 'bigint' ? `${value}n` : String(value);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  if (typeof value === 'string') shown = `'${shown}'`;
  return ` Received type ${typeof value} (${shown})`;
}

// ERR_INVALID_ARG_TYPE: 'The "name" argument must be <expected>. Received ...'.
export function invalidArgType(name, expected, value) {
  const what = name.includes('.') ? 'property' : 'argument';
  return makeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" ${what} must be ${expected}.${describeReceived(value)}`);
}

export function validateFunction(value, name) {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
}

// An error the host sent back as [class name, message, own properties], rebuilt. Its stack names
// its code ("TypeError [CODE]: ...") when `codeInStack(props)` says Node's would.
export function rebuildError([name, message, props], codeInStack) {
  const Ctor = ERROR_CLASSES[name] ?? Error;
  const error = new Ctor(message);
  if (props) Object.assign(error, props);
  return typeof props?.code === 'string' && codeInStack(props) ? withCode(error, Ctor, props.code) : error;
}

// ---- values crossing to the host ----

// How deep a value crosses: deeper objects cross as stand-ins.
export const MAX_DEPTH = 8;

export const isAnyArrayBuffer = (value) => value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer);

// The bytes of a view, as a Uint8Array that crosses without dragging the rest of its buffer.
export function viewBytes(view) {
  const whole = view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return whole ? bytes : bytes.slice();
}

function constructorName(value) {
  try {
    const name = value.constructor?.name;
    return typeof name === 'string' ? name : 'Object';
  } catch {
    return 'Object';
  }
}

// toHost(value): a value as the host rebuilds it for Node (see fromIsolate in
// host-ops/node-crypto.js). `special(value, depth)` is asked first about every object that is not
// bytes: what it returns (a tagged value, such as a handle) crosses instead when it is not
// undefined, and it may throw for a value that must not cross.
export function hostEncoder(special = () => undefined) {
  return function toHost(value, depth = 0) {
    switch (typeof value) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'undefined':
        return value;
      case 'bigint':
        return { [TAG]: 'big', v: value.toString() };
      case 'symbol':
        return { [TAG]: 'sym', name: value.description ?? '' };
      case 'function':
        return { [TAG]: 'fn', name: typeof value.name === 'string' ? value.name : '' };
      default:
        break;
    }
    if (value === null) return null;
    if (ArrayBuffer.isView(value)) {
      if (value instanceof Uint8Array) return viewBytes(value);
      return { [TAG]: 'view', type: value instanceof DataView ? 'DataView' : constructorName(value), v: viewBytes(value) };
    }
    if (isAnyArrayBuffer(value)) return { [TAG]: 'ab', v: new Uint8Array(value.slice(0)) };
    const tagged = special(value, depth);
    if (tagged !== undefined) return tagged;
    if (depth >= MAX_DEPTH) return { [TAG]: 'inst', name: 'Object' };
    if (Array.isArray(value)) return value.map((item) => toHost(item, depth + 1));
    const proto = Object.getPrototypeOf(value);
    // (An object of the worker's that looks like a tagged value is just an object.)
    if ((proto !== Object.prototype && proto !== null) || Object.hasOwn(value, TAG)) return { [TAG]: 'inst', name: constructorName(value) };
    const out = {};
    for (const key of Object.keys(value)) out[key] = toHost(value[key], depth + 1);
    return out;
  };
}

// ---- host objects and their lifetimes ----

// The objects here whose host side is still alive, by handle. Those garbage-collected here are
// released on the host from time to time, through host op `releaseOp` (given a list of handles),
// so a worker that drops its objects does not grow the host: whenever `minimum`, or twice as
// many as the last sweep left alive, are tracked.
export class LiveHandles {
  #live = new Map();
  #releaseOp;
  #minimum;
  #sweepAt;

  constructor(releaseOp, minimum) {
    this.#releaseOp = releaseOp;
    this.#minimum = minimum;
    this.#sweepAt = minimum;
  }

  // Releases on the host the handles of objects collected here; returns how many.
  #sweep() {
    const dead = [];
    for (const [id, ref] of this.#live) {
      if (ref.deref() === undefined) {
        this.#live.delete(id);
        dead.push(id);
      }
    }
    if (dead.length) hostCall(this.#releaseOp, dead);
    this.#sweepAt = Math.max(this.#minimum, this.#live.size * 2);
    return dead.length;
  }

  // What `create()` (a host call making a new object) returns. When the host refuses it for lack
  // of room (a RangeError: it holds as many as it allows), the objects collected here since the
  // last sweep are released and it is asked once more: a worker that drops its objects is never
  // refused for them.
  withRoom(create) {
    try {
      return create();
    } catch (err) {
      if (!(err instanceof RangeError) || this.#sweep() === 0) throw err;
      return create();
    }
  }

  track(object, id) {
    this.#live.set(id, new WeakRef(object));
    if (this.#live.size >= this.#sweepAt) this.#sweep();
  }

  // Forgets a handle finished with on the host already (a terminal method succeeded); true when
  // it was tracked.
  untrack(id) {
    return this.#live.delete(id);
  }

  // Releases a handle on the host now, unless it was released already.
  release(id) {
    if (this.#live.delete(id)) hostCall(this.#releaseOp, [id]);
  }
}
