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
  'TextEncoder', 'TextDecoder', 'Generator', 'AsyncGenerator',
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
  const transferSet = new Set(transfer);
  // Transferred buffers move (detaching the original) when first reached; the rest at the end.
  const result = cloneValue(value, memory, transferSet);
  for (const buffer of transferSet) if (!memory.has(buffer)) buffer.transfer();
  return result;
}

function cloneValue(value, memory, transferSet) {
  if (typeof value === 'symbol' || typeof value === 'function') throw uncloneable(value);
  if (value === null || typeof value !== 'object') return value;
  if (memory.has(value)) return memory.get(value);
  const remember = (copy) => {
    memory.set(value, copy);
    return copy;
  };

  if (value instanceof ArrayBuffer) {
    if (value.detached) throw new DOMException('An ArrayBuffer is detached and could not be cloned.', 'DataCloneError');
    return remember(transferSet.has(value) ? value.transfer() : copyBuffer(value));
  }
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) return remember(value);
  if (ArrayBuffer.isView(value)) {
    const Ctor = viewConstructor(value);
    // Read before the buffer is cloned: transferring it detaches the view.
    const { byteOffset } = value;
    const length = Ctor === DataView ? value.byteLength : value.length;
    const buffer = cloneValue(value.buffer, memory, transferSet);
    return remember(new Ctor(buffer, byteOffset, length));
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
    for (const [k, v] of [...value]) copy.set(cloneValue(k, memory, transferSet), cloneValue(v, memory, transferSet));
    return copy;
  }
  if (value instanceof Set) {
    const copy = remember(new Set());
    for (const v of [...value]) copy.add(cloneValue(v, memory, transferSet));
    return copy;
  }
  if (value instanceof Error) return cloneError(value, memory, transferSet, remember);
  if (UNCLONEABLE_CLASSES.some((Ctor) => value instanceof Ctor) || PLATFORM_TAGS.has(value[Symbol.toStringTag])) {
    throw uncloneable(value);
  }
  const copy = remember(Array.isArray(value) ? new Array(value.length) : {});
  // Own enumerable string keys, read at copy time (getters run); array holes stay holes.
  for (const key of Object.keys(value)) {
    copy[key] = cloneValue(value[key], memory, transferSet);
  }
  return copy;
}

function cloneError(value, memory, transferSet, remember) {
  const name = String(value.name);
  const Ctor = Object.hasOwn(ERROR_TYPES, name) ? ERROR_TYPES[name] : Error;
  const copy = remember(Object.create(Ctor.prototype));
  const define = (key, v) => Object.defineProperty(copy, key, { value: v, writable: true, configurable: true });
  const message = Object.getOwnPropertyDescriptor(value, 'message');
  if (message && 'value' in message) define('message', String(message.value));
  if (typeof value.stack === 'string') define('stack', value.stack);
  if (Object.hasOwn(value, 'cause')) define('cause', cloneValue(value.cause, memory, transferSet));
  return copy;
}
