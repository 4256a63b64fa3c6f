// Node's deep equality (util.isDeepStrictEqual, assert.deepEqual/deepStrictEqual): the same
// rules for prototypes, own enumerable keys and symbols, boxed primitives, dates, regular
// expressions, errors, typed arrays and buffers, Maps and Sets (with object keys matched
// structurally) and cycles.
const types = require('./util-types.js');

const kNoIterator = 0;
const kIsArray = 1;
const kIsSet = 2;
const kIsMap = 3;

const NUMERIC_KEY = /^(0|[1-9][0-9]*)$/;

function isIndexKey(key) {
  return typeof key === 'string' && NUMERIC_KEY.test(key) && Number(key) < 2 ** 32 - 1;
}

// Own enumerable non-index keys (and, unless skipSymbols, enumerable symbols).
function getOwnNonIndexProperties(value, skipSymbols) {
  const keys = Object.keys(value).filter((key) => !isIndexKey(key));
  if (!skipSymbols) {
    for (const symbol of Object.getOwnPropertySymbols(value)) {
      if (Object.prototype.propertyIsEnumerable.call(value, symbol)) keys.push(symbol);
    }
  }
  return keys;
}

function areSimilarRegExps(a, b) {
  return a.source === b.source && a.flags === b.flags && a.lastIndex === b.lastIndex;
}

function areSimilarFloatArrays(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  for (let offset = 0; offset < a.length; offset++) {
    if (a[offset] !== b[offset]) return false;
  }
  return true;
}

function areSimilarTypedArrays(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function areEqualArrayBuffers(a, b) {
  return a.byteLength === b.byteLength && areSimilarTypedArrays(new Uint8Array(a), new Uint8Array(b));
}

function isEqualBoxedPrimitive(a, b) {
  if (types.isNumberObject(a)) return types.isNumberObject(b) && Object.is(Number.prototype.valueOf.call(a), Number.prototype.valueOf.call(b));
  if (types.isStringObject(a)) return types.isStringObject(b) && String.prototype.valueOf.call(a) === String.prototype.valueOf.call(b);
  if (types.isBooleanObject(a)) return types.isBooleanObject(b) && Boolean.prototype.valueOf.call(a) === Boolean.prototype.valueOf.call(b);
  if (types.isBigIntObject(a)) return types.isBigIntObject(b) && BigInt.prototype.valueOf.call(a) === BigInt.prototype.valueOf.call(b);
  if (types.isSymbolObject(a)) return types.isSymbolObject(b) && Symbol.prototype.valueOf.call(a) === Symbol.prototype.valueOf.call(b);
  return false;
}

function isError(value) {
  return types.isNativeError(value) || value instanceof Error;
}

function innerDeepEqual(val1, val2, strict, memos) {
  if (val1 === val2) {
    if (val1 !== 0) return true;
    return strict ? Object.is(val1, val2) : true;
  }
  if (strict) {
    if (typeof val1 !== 'object') return typeof val1 === 'number' && Number.isNaN(val1) && Number.isNaN(val2);
    if (typeof val2 !== 'object' || val1 === null || val2 === null) return false;
    if (Object.getPrototypeOf(val1) !== Object.getPrototypeOf(val2)) return false;
  } else {
    if (val1 === null || typeof val1 !== 'object') {
      if (val2 === null || typeof val2 !== 'object') {
        // eslint-disable-next-line eqeqeq
        return val1 == val2 || (Number.isNaN(val1) && Number.isNaN(val2));
      }
      return false;
    }
    if (val2 === null || typeof val2 !== 'object') return false;
  }
  const val1Tag = Object.prototype.toString.call(val1);
  const val2Tag = Object.prototype.toString.call(val2);
  if (val1Tag !== val2Tag) return false;

  if (Array.isArray(val1)) {
    if (!Array.isArray(val2) || val1.length !== val2.length) return false;
    const keys1 = getOwnNonIndexProperties(val1, !strict);
    const keys2 = getOwnNonIndexProperties(val2, !strict);
    if (keys1.length !== keys2.length) return false;
    return keyCheck(val1, val2, strict, memos, kIsArray, keys1);
  }
  if (val1Tag === '[object Object]' && !types.isBoxedPrimitive(val1) && !types.isDate(val1) && !types.isRegExp(val1) && !isError(val1)) {
    if (types.isBoxedPrimitive(val2) || types.isDate(val2) || types.isRegExp(val2) || isError(val2)) return false;
    return keyCheck(val1, val2, strict, memos, kNoIterator);
  }
  if (types.isDate(val1)) {
    if (!types.isDate(val2) || Date.prototype.getTime.call(val1) !== Date.prototype.getTime.call(val2)) return false;
  } else if (types.isRegExp(val1)) {
    if (!types.isRegExp(val2) || !areSimilarRegExps(val1, val2)) return false;
  } else if (isError(val1)) {
    if (!isError(val2) || val1.message !== val2.message || val1.name !== val2.name) return false;
    const hasCause1 = Object.hasOwn(val1, 'cause');
    if (hasCause1 !== Object.hasOwn(val2, 'cause') || (hasCause1 && !innerDeepEqual(val1.cause, val2.cause, strict, memos))) return false;
    const hasErrors1 = Object.hasOwn(val1, 'errors');
    if (hasErrors1 !== Object.hasOwn(val2, 'errors') || (hasErrors1 && !innerDeepEqual(val1.errors, val2.errors, strict, memos))) return false;
  } else if (types.isArrayBufferView(val1)) {
    if (!types.isArrayBufferView(val2)) return false;
    if (!strict && (types.isFloat32Array(val1) || types.isFloat64Array(val1))) {
      if (!areSimilarFloatArrays(val1, val2)) return false;
    } else if (!areSimilarTypedArrays(val1, val2)) {
      return false;
    }
    const keys1 = getOwnNonIndexProperties(val1, !strict);
    const keys2 = getOwnNonIndexProperties(val2, !strict);
    if (keys1.length !== keys2.length) return false;
    return keyCheck(val1, val2, strict, memos, kNoIterator, keys1);
  } else if (types.isSet(val1)) {
    if (!types.isSet(val2) || val1.size !== val2.size) return false;
    return keyCheck(val1, val2, strict, memos, kIsSet);
  } else if (types.isMap(val1)) {
    if (!types.isMap(val2) || val1.size !== val2.size) return false;
    return keyCheck(val1, val2, strict, memos, kIsMap);
  } else if (types.isAnyArrayBuffer(val1)) {
    if (!types.isAnyArrayBuffer(val2) || !areEqualArrayBuffers(val1, val2)) return false;
  } else if (types.isBoxedPrimitive(val1)) {
    if (!isEqualBoxedPrimitive(val1, val2)) return false;
  } else if (
    Array.isArray(val2) || types.isArrayBufferView(val2) || types.isSet(val2) || types.isMap(val2) || types.isDate(val2) ||
    types.isRegExp(val2) || types.isAnyArrayBuffer(val2) || types.isBoxedPrimitive(val2) || isError(val2)
  ) {
    return false;
  } else if (types.isWeakMap(val1) || types.isWeakSet(val1) || types.isPromise(val1)) {
    // Their contents cannot be compared: only the same object is equal.
    return false;
  }
  return keyCheck(val1, val2, strict, memos, kNoIterator);
}

function getEnumerables(val, keys) {
  return keys.filter((k) => Object.prototype.propertyIsEnumerable.call(val, k));
}

function keyCheck(val1, val2, strict, memos, iterationType, aKeys) {
  const fromArguments = aKeys === undefined;
  if (fromArguments) {
    aKeys = Object.keys(val1);
    const bKeys = Object.keys(val2);
    if (aKeys.length !== bKeys.length) return false;
  }
  for (let i = 0; i < aKeys.length; i++) {
    if (!Object.prototype.propertyIsEnumerable.call(val2, aKeys[i])) return false;
  }
  if (strict && fromArguments) {
    const symbolKeysA = Object.getOwnPropertySymbols(val1);
    if (symbolKeysA.length !== 0) {
      let count = 0;
      for (const key of symbolKeysA) {
        if (Object.prototype.propertyIsEnumerable.call(val1, key)) {
          if (!Object.prototype.propertyIsEnumerable.call(val2, key)) return false;
          aKeys.push(key);
          count++;
        } else if (Object.prototype.propertyIsEnumerable.call(val2, key)) {
          return false;
        }
      }
      const symbolKeysB = Object.getOwnPropertySymbols(val2);
      if (symbolKeysA.length !== symbolKeysB.length && getEnumerables(val2, symbolKeysB).length !== count) return false;
    } else {
      const symbolKeysB = Object.getOwnPropertySymbols(val2);
      if (symbolKeysB.length !== 0 && getEnumerables(val2, symbolKeysB).length !== 0) return false;
    }
  }
  if (aKeys.length === 0 && (iterationType === kNoIterator || (iterationType === kIsArray && val1.length === 0) || val1.size === 0)) {
    return true;
  }
  if (memos === undefined) {
    memos = { val1: new Map(), val2: new Map(), position: 0 };
  } else {
    const val2MemoA = memos.val1.get(val1);
    if (val2MemoA !== undefined) {
      const val2MemoB = memos.val2.get(val2);
      if (val2MemoB !== undefined) return val2MemoA === val2MemoB;
    }
    memos.position++;
  }
  memos.val1.set(val1, memos.position);
  memos.val2.set(val2, memos.position);
  const areEq = objEquiv(val1, val2, strict, aKeys, memos, iterationType);
  memos.val1.delete(val1);
  memos.val2.delete(val2);
  return areEq;
}

function setHasEqualElement(set, val1, strict, memo) {
  for (const val2 of set) {
    if (innerDeepEqual(val1, val2, strict, memo)) {
      set.delete(val2);
      return true;
    }
  }
  return false;
}

// A primitive that could loosely equal `prim` in the other collection: null for undefined,
// undefined for null, true when the comparison decides by itself, false when nothing can match.
function findLooseMatchingPrimitives(prim) {
  switch (typeof prim) {
    case 'undefined':
      return null;
    case 'object':
      return undefined;
    case 'symbol':
      return false;
    case 'string':
      prim = +prim;
    // falls through
    case 'number':
      if (Number.isNaN(prim)) return false;
      break;
    default:
      break;
  }
  return true;
}

function setMightHaveLoosePrim(a, b, prim) {
  const altValue = findLooseMatchingPrimitives(prim);
  if (altValue != null) return altValue;
  return b.has(altValue) && !a.has(altValue);
}

function mapMightHaveLoosePrim(a, b, prim, item, memo) {
  const altValue = findLooseMatchingPrimitives(prim);
  if (altValue != null) return altValue;
  const curB = b.get(altValue);
  if ((curB === undefined && !b.has(altValue)) || !innerDeepEqual(item, curB, false, memo)) return false;
  return !a.has(altValue) && innerDeepEqual(item, curB, false, memo);
}

function setEquiv(a, b, strict, memo) {
  let set = null;
  for (const val of a) {
    if (typeof val === 'object' && val !== null) {
      if (set === null) set = new Set();
      set.add(val);
    } else if (!b.has(val)) {
      if (strict) return false;
      if (!setMightHaveLoosePrim(a, b, val)) return false;
      if (set === null) set = new Set();
      set.add(val);
    }
  }
  if (set !== null) {
    for (const val of b) {
      if (typeof val === 'object' && val !== null) {
        if (!setHasEqualElement(set, val, strict, memo)) return false;
      } else if (!strict && !a.has(val) && !setHasEqualElement(set, val, strict, memo)) {
        return false;
      }
    }
    return set.size === 0;
  }
  return true;
}

function mapHasEqualEntry(set, map, key1, item1, strict, memo) {
  for (const key2 of set) {
    if (innerDeepEqual(key1, key2, strict, memo) && innerDeepEqual(item1, map.get(key2), strict, memo)) {
      set.delete(key2);
      return true;
    }
  }
  return false;
}

function mapEquiv(a, b, strict, memo) {
  let set = null;
  for (const [key, item1] of a) {
    if (typeof key === 'object' && key !== null) {
      if (set === null) set = new Set();
      set.add(key);
    } else {
      const item2 = b.get(key);
      if ((item2 === undefined && !b.has(key)) || !innerDeepEqual(item1, item2, strict, memo)) {
        if (strict) return false;
        if (!mapMightHaveLoosePrim(a, b, key, item1, memo)) return false;
        if (set === null) set = new Set();
        set.add(key);
      }
    }
  }
  if (set !== null) {
    for (const [key, item] of b) {
      if (typeof key === 'object' && key !== null) {
        if (!mapHasEqualEntry(set, a, key, item, strict, memo)) return false;
      } else if (!strict && (!a.has(key) || !innerDeepEqual(a.get(key), item, false, memo)) && !mapHasEqualEntry(set, a, key, item, false, memo)) {
        return false;
      }
    }
    return set.size === 0;
  }
  return true;
}

function objEquiv(a, b, strict, keys, memos, iterationType) {
  let i = 0;
  if (iterationType === kIsSet) {
    if (!setEquiv(a, b, strict, memos)) return false;
  } else if (iterationType === kIsMap) {
    if (!mapEquiv(a, b, strict, memos)) return false;
  } else if (iterationType === kIsArray) {
    for (; i < a.length; i++) {
      if (Object.hasOwn(a, i)) {
        if (!Object.hasOwn(b, i) || !innerDeepEqual(a[i], b[i], strict, memos)) return false;
      } else if (Object.hasOwn(b, i)) {
        return false;
      } else {
        const keysA = Object.keys(a);
        for (; i < keysA.length; i++) {
          const key = keysA[i];
          if (!Object.hasOwn(b, key) || !innerDeepEqual(a[key], b[key], strict, memos)) return false;
        }
        return keysA.length === Object.keys(b).length;
      }
    }
  }
  for (i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (!innerDeepEqual(a[key], b[key], strict, memos)) return false;
  }
  return true;
}

export function isDeepEqual(val1, val2) {
  return innerDeepEqual(val1, val2, false);
}

export function isDeepStrictEqual(val1, val2) {
  return innerDeepEqual(val1, val2, true);
}

// assert.partialDeepStrictEqual: every key, element and entry of `expected` is in `actual`.
export function isPartialStrictEqual(actual, expected, memos = new Set()) {
  if (expected === null || typeof expected !== 'object') return innerDeepEqual(actual, expected, true);
  if (actual === null || typeof actual !== 'object') return false;
  if (memos.has(expected)) return true;
  memos.add(expected);
  try {
    if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) return false;
    if (types.isMap(expected)) {
      if (!types.isMap(actual)) return false;
      for (const [key, value] of expected) {
        if (!actual.has(key) || !isPartialStrictEqual(actual.get(key), value, memos)) return false;
      }
      return true;
    }
    if (types.isSet(expected)) {
      if (!types.isSet(actual)) return false;
      for (const value of expected) {
        if (actual.has(value)) continue;
        if (typeof value !== 'object' || value === null) return false;
        let found = false;
        for (const candidate of actual) {
          if (isPartialStrictEqual(candidate, value, new Set(memos))) {
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return false;
      let from = 0;
      for (const value of expected) {
        let found = false;
        for (; from < actual.length; from++) {
          if (isPartialStrictEqual(actual[from], value, new Set(memos))) {
            found = true;
            from++;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    if (types.isDate(expected) || types.isRegExp(expected) || types.isBoxedPrimitive(expected) || types.isArrayBufferView(expected) || types.isAnyArrayBuffer(expected) || isError(expected)) {
      return innerDeepEqual(actual, expected, true);
    }
    for (const key of Reflect.ownKeys(expected)) {
      if (!Object.prototype.propertyIsEnumerable.call(expected, key)) continue;
      if (!Object.hasOwn(actual, key) || !isPartialStrictEqual(actual[key], expected[key], memos)) return false;
    }
    return true;
  } finally {
    memos.delete(expected);
  }
}
