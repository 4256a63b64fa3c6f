// The Web Crypto global. Random bytes come from the host's CSPRNG.
import { hostCall } from './internal/bridge.js';
import { DOMException } from './dom-exception.js';
import { defineLazy } from './internal/lazy.js';

const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];

function getRandomValues(array) {
  if (!INTEGER_ARRAYS.some((Type) => array instanceof Type)) {
    throw new DOMException("The data argument must be an integer-type TypedArray", 'TypeMismatchError');
  }
  if (array.byteLength > 65536) {
    throw new DOMException(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`, 'QuotaExceededError');
  }
  const bytes = hostCall('randomBytes', array.byteLength);
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(bytes);
  return array;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function randomUUID() {
  const b = hostCall('randomBytes', 16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return `${HEX[b[0]]}${HEX[b[1]]}${HEX[b[2]]}${HEX[b[3]]}-${HEX[b[4]]}${HEX[b[5]]}-${HEX[b[6]]}${HEX[b[7]]}-${HEX[b[8]]}${HEX[b[9]]}-${HEX[b[10]]}${HEX[b[11]]}${HEX[b[12]]}${HEX[b[13]]}${HEX[b[14]]}${HEX[b[15]]}`;
}

export class Crypto {
  get subtle() {
    // Built on first use: most workers never call crypto.subtle.
    return require('./subtle.js').subtle;
  }
  getRandomValues(array) {
    return getRandomValues(array);
  }
  randomUUID() {
    return randomUUID();
  }
}

// Workers' crypto.DigestStream, reached through the crypto object.
defineLazy(Crypto.prototype, 'DigestStream', () => require('./digest-stream.js').DigestStream);

Object.defineProperty(Crypto.prototype, Symbol.toStringTag, { value: 'Crypto', configurable: true });
