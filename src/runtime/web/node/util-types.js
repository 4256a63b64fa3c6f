// node:util/types. Most checks are exact brand checks (a built-in getter or method that only
// works on the real thing), so Symbol.toStringTag cannot fool them. Without V8's internals a
// few are approximations: isPromise and isNativeError accept instances of the built-in classes
// (and isNativeError uses Error.isError when the engine has it), the generator checks read the
// object's tag, isProxy and isExternal are always false.
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const getter = (Ctor, name) => Object.getOwnPropertyDescriptor(Ctor.prototype, name).get;
const arrayBufferByteLength = getter(ArrayBuffer, 'byteLength');
const sharedArrayBufferByteLength = typeof SharedArrayBuffer === 'function' ? getter(SharedArrayBuffer, 'byteLength') : null;
const dataViewByteLength = getter(DataView, 'byteLength');
const mapSize = getter(Map, 'size');
const setSize = getter(Set, 'size');
const regExpSource = getter(RegExp, 'source');
const MapIteratorPrototype = Object.getPrototypeOf(new Map()[Symbol.iterator]());
const SetIteratorPrototype = Object.getPrototypeOf(new Set()[Symbol.iterator]());
const toTag = (value) => Object.prototype.toString.call(value);

function brand(fn, value, ...args) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    fn.call(value, ...args);
    return true;
  } catch {
    return false;
  }
}

function typedArrayName(value) {
  return typedArrayTag.call(value);
}

export function isArrayBuffer(value) {
  return brand(arrayBufferByteLength, value);
}

export function isSharedArrayBuffer(value) {
  return sharedArrayBufferByteLength !== null && brand(sharedArrayBufferByteLength, value);
}

export function isAnyArrayBuffer(value) {
  return isArrayBuffer(value) || isSharedArrayBuffer(value);
}

export function isArrayBufferView(value) {
  return ArrayBuffer.isView(value);
}

export function isDataView(value) {
  return brand(dataViewByteLength, value);
}

export function isTypedArray(value) {
  return typedArrayName(value) !== undefined;
}

const typed = (name) => (value) => typedArrayName(value) === name;
export const isUint8Array = typed('Uint8Array');
export const isUint8ClampedArray = typed('Uint8ClampedArray');
export const isUint16Array = typed('Uint16Array');
export const isUint32Array = typed('Uint32Array');
export const isInt8Array = typed('Int8Array');
export const isInt16Array = typed('Int16Array');
export const isInt32Array = typed('Int32Array');
export const isFloat32Array = typed('Float32Array');
export const isFloat64Array = typed('Float64Array');
export const isBigInt64Array = typed('BigInt64Array');
export const isBigUint64Array = typed('BigUint64Array');

export function isMap(value) {
  return brand(mapSize, value);
}

export function isSet(value) {
  return brand(setSize, value);
}

export function isWeakMap(value) {
  return brand(WeakMap.prototype.has, value, {});
}

export function isWeakSet(value) {
  return brand(WeakSet.prototype.has, value, {});
}

export function isMapIterator(value) {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === MapIteratorPrototype;
}

export function isSetIterator(value) {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === SetIteratorPrototype;
}

export function isDate(value) {
  return brand(Date.prototype.getTime, value);
}

export function isRegExp(value) {
  return value !== RegExp.prototype && brand(regExpSource, value);
}

export function isNumberObject(value) {
  return typeof value === 'object' && brand(Number.prototype.valueOf, value);
}

export function isStringObject(value) {
  return typeof value === 'object' && brand(String.prototype.valueOf, value);
}

export function isBooleanObject(value) {
  return typeof value === 'object' && brand(Boolean.prototype.valueOf, value);
}

export function isBigIntObject(value) {
  return typeof value === 'object' && brand(BigInt.prototype.valueOf, value);
}

export function isSymbolObject(value) {
  return typeof value === 'object' && brand(Symbol.prototype.valueOf, value);
}

export function isBoxedPrimitive(value) {
  return isNumberObject(value) || isStringObject(value) || isBooleanObject(value) || isBigIntObject(value) || isSymbolObject(value);
}

export function isNativeError(value) {
  if (typeof Error.isError === 'function') return Error.isError(value);
  return value instanceof Error || toTag(value) === '[object Error]';
}

export function isPromise(value) {
  return value instanceof Promise;
}

export function isArgumentsObject(value) {
  return value !== null && typeof value === 'object' && toTag(value) === '[object Arguments]' && !(Symbol.toStringTag in value);
}

export function isAsyncFunction(value) {
  const tag = typeof value === 'function' && toTag(value);
  return tag === '[object AsyncFunction]' || tag === '[object AsyncGeneratorFunction]';
}

export function isGeneratorFunction(value) {
  const tag = typeof value === 'function' && toTag(value);
  return tag === '[object GeneratorFunction]' || tag === '[object AsyncGeneratorFunction]';
}

export function isGeneratorObject(value) {
  const tag = value !== null && typeof value === 'object' && toTag(value);
  return tag === '[object Generator]' || tag === '[object AsyncGenerator]';
}

export function isModuleNamespaceObject(value) {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === null && value[Symbol.toStringTag] === 'Module' && Object.isSealed(value);
}

export function isProxy() {
  return false;
}

export function isExternal() {
  return false;
}

export function isCryptoKey(value) {
  return value !== null && typeof value === 'object' && toTag(value) === '[object CryptoKey]';
}

export function isKeyObject(value) {
  return value !== null && typeof value === 'object' && ['SecretKeyObject', 'PublicKeyObject', 'PrivateKeyObject', 'KeyObject'].includes(value.constructor?.name) && typeof value.export === 'function';
}

export default {
  isArrayBuffer, isSharedArrayBuffer, isAnyArrayBuffer, isArrayBufferView, isDataView, isTypedArray, isUint8Array,
  isUint8ClampedArray, isUint16Array, isUint32Array, isInt8Array, isInt16Array, isInt32Array,
  isFloat32Array, isFloat64Array, isBigInt64Array, isBigUint64Array, isMap, isSet, isWeakMap, isWeakSet, isMapIterator,
  isSetIterator, isDate, isRegExp, isNumberObject, isStringObject, isBooleanObject, isBigIntObject, isSymbolObject,
  isBoxedPrimitive, isNativeError, isPromise, isArgumentsObject, isAsyncFunction, isGeneratorFunction,
  isGeneratorObject, isModuleNamespaceObject, isProxy, isExternal, isCryptoKey, isKeyObject,
};
