// structuredClone() (HTML Standard): serialize-then-deserialize done as one recursive copy.
import { DOMException } from './dom-exception.js';
import { Blob, File } from './blob.js';

const ERROR_TYPES = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
// Objects with internal state that the algorithm cannot carry over.
const UNCLONEABLE_CLASSES = [Promise, WeakMap, WeakSet, WeakRef, FinalizationRegistry];
// Platform interfaces (ours and the streams') are not serializable; they are recognised by
// their toStringTag so this module need not import them all.
const PLATFORM_TAGS = new Set([
  'Headers', 'Request', 'Response', 'URL', 'URLSearchParams', 'FormData', 'EventTarget', 'Event',
  'CustomEvent', 'AbortController', 'AbortSignal', 'ReadableStream', 'WritableStream', 'TransformStream',
  'TextEncoder', 'TextDecoder', 'Generator', 'AsyncGenerator', 'MessageChannel', 'MessagePort',
]);

function uncloneable(value) {
  let description;
  if (typeof value === 'symbol') description = value.toString();
  else if (typeof value === 'function') description = `${value.name ? `function ${value.name}` : 'function'}() {}`;
  else description = `#<${value?.[Symbol.toStringTag] ?? value?.constructor?.name ?? 'Object'}>`;
  return new DOMException(`${description} could not be cloned.`, 'DataCloneError');
}

const TYPED_ARRAYS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
];
if (typeof Float16Array === 'function') TYPED_ARRAYS.push(Float16Array);

function viewConstructor(view) {
  if (view instanceof DataView) return DataView;
  return TYPED_ARRAYS.find((Ctor) => view instanceof Ctor);
}

const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype);

// Whether a view's buffer was detached or shrunk from under it: the getters that check its
// bounds throw then (a typed array's own getters quietly answer 0).
function outOfBounds(view, Ctor) {
  try {
    if (Ctor === DataView) void view.byteLength;
    else TypedArrayPrototype.keys.call(view);
    return false;
  } catch {
    return true;
  }
}

// Whether a view follows its resizable buffer's length. JavaScript does not say; a view that
// reaches the end of a resizable buffer is taken as one, as it is when made without a length.
function tracksLength(view, byteOffset) {
  const { buffer } = view;
  return buffer.resizable === true && byteOffset + view.byteLength === buffer.byteLength;
}

function copyBuffer(buffer) {
  if (!buffer.resizable) return buffer.slice(0);
  const copy = new ArrayBuffer(buffer.byteLength, { maxByteLength: buffer.maxByteLength });
  new Uint8Array(copy).set(new Uint8Array(buffer));
  return copy;
}

export function structuredClone(value, options = undefined) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone': 1 argument required, but only 0 present.");
  const memory = new Map();
  const transfer = options?.transfer === undefined ? [] : [...options.transfer];
  for (const [i, buffer] of transfer.entries()) {
    if (!(buffer instanceof ArrayBuffer)) throw new DOMException('Value not transferable', 'DataCloneError');
    if (transfer.indexOf(buffer) !== i) throw new DOMException(`ArrayBuffer at index ${i} is a duplicate of an earlier ArrayBuffer.`, 'DataCloneError');
    if (buffer.detached) throw new DOMException('An ArrayBuffer is detached and could not be cloned.', 'DataCloneError');
  }
  // Transferred buffers are copied like the others and detached only once everything was read:
  // a view met after its buffer still needs its offset and length.
  const result = cloneValue(value, memory);
  for (const buffer of transfer) buffer.transfer();
  return result;
}

function cloneValue(value, memory) {
  if (typeof value === 'symbol' || typeof value === 'function') throw uncloneable(value);
  if (value === null || typeof value !== 'object') return value;
  if (memory.has(value)) return memory.get(value);
  const remember = (copy) => {
    memory.set(value, copy);
    return copy;
  };

  if (value instanceof ArrayBuffer) {
    if (value.detached) throw new DOMException('An ArrayBuffer is detached and could not be cloned.', 'DataCloneError');
    return remember(copyBuffer(value));
  }
  // Sharing memory needs cross-origin isolation, which a worker never has.
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) throw uncloneable(value);
  if (ArrayBuffer.isView(value)) {
    const Ctor = viewConstructor(value);
    if (outOfBounds(value, Ctor)) throw new DOMException('An ArrayBuffer view is out of bounds or detached and could not be cloned.', 'DataCloneError');
    const { byteOffset } = value;
    const length = Ctor === DataView ? value.byteLength : value.length;
    const tracking = tracksLength(value, byteOffset);
    const buffer = cloneValue(value.buffer, memory);
    return remember(tracking ? new Ctor(buffer, byteOffset) : new Ctor(buffer, byteOffset, length));
  }
  if (value instanceof Date) return remember(new Date(value.getTime()));
  if (value instanceof RegExp) return remember(new RegExp(value.source, value.flags));
  for (const Wrapper of [Boolean, Number, String, BigInt]) {
    if (value instanceof Wrapper) return remember(Object(Wrapper.prototype.valueOf.call(value)));
  }
  if (value instanceof Symbol) throw uncloneable(value);
  if (value instanceof DOMException) return remember(new DOMException(value.message, value.name));
  if (value instanceof File) return remember(new File([value], value.name, { type: value.type, lastModified: value.lastModified }));
  if (value instanceof Blob) return remember(new Blob([value], { type: value.type }));
  if (value instanceof Map) {
    const copy = remember(new Map());
    for (const [k, v] of [...value]) copy.set(cloneValue(k, memory), cloneValue(v, memory));
    return copy;
  }
  if (value instanceof Set) {
    const copy = remember(new Set());
    for (const v of [...value]) copy.add(cloneValue(v, memory));
    return copy;
  }
  if (value instanceof Error) return cloneError(value, memory, remember);
  if (UNCLONEABLE_CLASSES.some((Ctor) => value instanceof Ctor) || PLATFORM_TAGS.has(value[Symbol.toStringTag])) {
    throw uncloneable(value);
  }
  const copy = remember(Array.isArray(value) ? new Array(value.length) : {});
  // Own enumerable string keys, read at copy time (getters run); array holes stay holes.
  for (const key of Object.keys(value)) {
    copy[key] = cloneValue(value[key], memory);
  }
  return copy;
}

function cloneError(value, memory, remember) {
  const name = String(value.name);
  const Ctor = Object.hasOwn(ERROR_TYPES, name) ? ERROR_TYPES[name] : Error;
  const copy = remember(Object.create(Ctor.prototype));
  const define = (key, v) => Object.defineProperty(copy, key, { value: v, writable: true, configurable: true });
  const message = Object.getOwnPropertyDescriptor(value, 'message');
  if (message && 'value' in message) define('message', String(message.value));
  if (typeof value.stack === 'string') define('stack', value.stack);
  if (Object.hasOwn(value, 'cause')) define('cause', cloneValue(value.cause, memory));
  return copy;
}
