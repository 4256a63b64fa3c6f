// node:crypto, as Workers has it. The cryptography is Node's own, on the host
// (src/runtime/host-ops/node-crypto.js): arguments cross as plain data, so Node validates them
// and its errors come back with their class, message and code. Keys, hashes, ciphers and the
// other stateful objects stay on the host; an object here holds a handle to one, released when
// the object is finished with (digest(), final(), ...) or garbage-collected.
//
// Hash, Hmac, Cipheriv and Decipheriv are stream.Transforms and Sign and Verify stream.Writables,
// as in Node, but node:stream is only loaded once one is used as a stream (see LazyStream).
import { hostCall } from '../internal/bridge.js';
import {
  bufferClass, describeReceived, hostEncoder, invalidArgType, isAnyArrayBuffer, LiveHandles, makeError, MAX_DEPTH,
  rebuildError, streamModule, TAG, toBuffer, validateFunction,
} from './_host-handles.js';

// ---- errors ----

function outOfRange(name, range, value) {
  return makeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${formatNumber(value)}`);
}

function formatNumber(value) {
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) < 1000) return String(value);
  const digits = String(Math.abs(value));
  let out = '';
  for (let i = digits.length; i > 0; i -= 3) out = `${digits.slice(Math.max(0, i - 3), i)}${out ? `_${out}` : ''}`;
  return `${value < 0 ? '-' : ''}${out}`;
}

function validateObject(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidArgType(name, 'of type object', value);
}

function notSupported(what) {
  return makeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', `The ${what} method is not implemented`);
}

// (OpenSSL's errors carry a code too, but Node's stack for them names none.)
const rebuildCryptoError = (value) => rebuildError(value, (props) => props.library === undefined);

// ---- values crossing to the host and back ----

let keyHandleOf = () => undefined;
const isCryptoKey = (value) => typeof globalThis.CryptoKey === 'function' && value instanceof globalThis.CryptoKey;

// A value as the host rebuilds it for Node: KeyObjects and X509Certificates cross as their
// handles; a CryptoKey cannot cross.
const toHost = hostEncoder((value, depth) => {
  const handle = keyHandleOf(value);
  if (handle !== undefined) return { [TAG]: 'key', v: handle };
  const state = states.get(value);
  if (state !== undefined && value instanceof X509Certificate) return { [TAG]: 'obj', v: state.id };
  if (depth < MAX_DEPTH && !Array.isArray(value) && isCryptoKey(value)) {
    throw makeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'A CryptoKey cannot be used with node:crypto in this runtime: use a KeyObject (crypto.createSecretKey, createPublicKey or createPrivateKey).');
  }
  return undefined;
});

let makeKeyObject;
// What a host method returns when it returned its own object.
const kThis = Symbol('kThis');
const objectMakers = {};

// A host result as Node would have returned it: bytes become Buffers, handles objects.
function fromHost(value) {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return toBuffer(value);
  if (Array.isArray(value)) return value.map(fromHost);
  switch (value[TAG]) {
    case undefined:
      break;
    case 'err':
      throw rebuildCryptoError(value.v);
    case 'ab':
      return value.v.buffer;
    case 'big':
      return BigInt(value.v);
    case 'key':
      return makeKeyObject(value.v);
    case 'obj':
      return objectMakers[value.kind](value.v);
    case 'this':
      return kThis;
    default:
      return undefined;
  }
  const out = {};
  for (const key of Object.keys(value)) out[key] = fromHost(value[key]);
  return out;
}

// Nine arguments at most cross the bridge; ours pack theirs into one array.
function hostArgs(args) {
  const list = [];
  for (let i = 0; i < args.length; i++) list.push(toHost(args[i]));
  return list;
}

function call(name, ...args) {
  return fromHost(hostCall('ncCall', name, hostArgs(args)));
}

// ---- host objects and their lifetimes ----

// Objects whose host side is still alive, by handle.
const handles = new LiveHandles('ncRelease', 256);
const track = (object, id) => handles.track(object, id);
// Finished with on the host already (a terminal method succeeded).
const untrack = (id) => handles.untrack(id);

function newObject(kind, args) {
  const result = hostCall('ncNew', kind, hostArgs(args));
  if (result !== null && typeof result === 'object' && !Array.isArray(result)) fromHost(result);
  return result;
}

function method(id, name, args) {
  return fromHost(hostCall('ncMethod', id, name, hostArgs(args)));
}

// Node's errors for invalid arguments, which its asynchronous variants throw at once; the
// others (OpenSSL's, failed operations) go to the callback.
const isArgumentError = (err) => typeof err?.code === 'string' && err.code.startsWith('ERR_') && !err.code.startsWith('ERR_OSSL') && err.code !== 'ERR_CRYPTO_OPERATION_FAILED';

// Runs `work` now (on the host, charged to this worker) and hands its outcome to `callback`
// asynchronously, as Node's asynchronous variants do.
function later(callback, work) {
  validateFunction(callback, 'callback');
  let result;
  try {
    result = work();
  } catch (err) {
    if (isArgumentError(err)) throw err;
    queueMicrotask(() => callback(err));
    return;
  }
  queueMicrotask(() => (Array.isArray(result) ? callback(null, ...result) : callback(null, result)));
}

// ---- lazily built streams ----

// Node's LazyTransform, without loading node:stream up front: until an object is first used as
// a stream, its prototype chain ends in stubs; the first stream method called (on any object)
// links the base to stream.Transform (or Writable), and each object builds its stream state the
// first time it is needed, from the options it was created with.
const STREAM_METHODS = [
  'on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'off', 'removeListener', 'removeAllListeners',
  'emit', 'listeners', 'rawListeners', 'listenerCount', 'eventNames', 'setMaxListeners', 'getMaxListeners',
  'write', 'end', 'cork', 'uncork', 'setDefaultEncoding', 'pipe', 'unpipe', 'read', 'push', 'unshift', 'pause',
  'resume', 'isPaused', 'setEncoding', 'destroy', 'wrap', 'iterator', 'map', 'filter', 'forEach', 'toArray', 'compose',
];
const STREAM_GETTERS = [
  'readable', 'writable', 'destroyed', 'closed', 'errored', 'readableEnded', 'readableFlowing', 'readableLength',
  'readableHighWaterMark', 'readableObjectMode', 'readableEncoding', 'readableAborted', 'readableDidRead',
  'writableEnded', 'writableFinished', 'writableLength', 'writableHighWaterMark', 'writableObjectMode',
  'writableCorked', 'writableNeedDrain', 'writableAborted', '_events', '_eventsCount', '_maxListeners',
];
const STATE_PROPS = ['_readableState', '_writableState', '_transformState'];
const kInit = Symbol('kInit');

function lazyStreamBase(baseName) {
  function LazyStream(options) {
    this._options = options;
  }
  let linked = false;
  const link = () => {
    if (linked) return;
    linked = true;
    const Base = streamModule()[baseName];
    for (const name of [...STREAM_METHODS, Symbol.asyncIterator, ...STREAM_GETTERS]) delete LazyStream.prototype[name];
    Object.setPrototypeOf(LazyStream.prototype, Base.prototype);
    for (const prop of STATE_PROPS) {
      Object.defineProperty(LazyStream.prototype, prop, {
        configurable: true,
        enumerable: false,
        get() {
          if (this[kInit]) return undefined;
          this[kInit] = true;
          Base.call(this, this._options);
          return Object.hasOwn(this, prop) ? this[prop] : undefined;
        },
        set(value) {
          Object.defineProperty(this, prop, { value, writable: true, configurable: true, enumerable: true });
        },
      });
    }
  };
  for (const name of [...STREAM_METHODS, Symbol.asyncIterator]) {
    Object.defineProperty(LazyStream.prototype, name, {
      configurable: true,
      writable: true,
      value: function (...args) {
        link();
        return this[name](...args);
      },
    });
  }
  for (const name of STREAM_GETTERS) {
    Object.defineProperty(LazyStream.prototype, name, {
      configurable: true,
      get() {
        link();
        return this[name];
      },
      set(value) {
        link();
        this[name] = value;
      },
    });
  }
  return LazyStream;
}

const LazyTransform = lazyStreamBase('Transform');
const LazyWritable = lazyStreamBase('Writable');

function inherit(Ctor, Base) {
  Object.setPrototypeOf(Ctor.prototype, Base.prototype);
  Object.setPrototypeOf(Ctor, Base);
}

// The private state of the objects below.
const states = new WeakMap();

function stateOf(object, Ctor) {
  const state = states.get(object);
  if (!state || !(object instanceof Ctor)) throw makeError(TypeError, 'ERR_INVALID_THIS', `Value of "this" must be of type ${Ctor.name}`);
  return state;
}

function bind(object, id) {
  states.set(object, { id, done: false, lazy: null });
  track(object, id);
}

function finish(state) {
  state.done = true;
  untrack(state.id);
}

const kFromHandle = Symbol('kFromHandle');

// ---- Hash and Hmac ----

// A hash or HMAC of a digest Workers has, fed only bytes and UTF-8 text, cannot fail until it is
// digested: such an object gathers its input here and makes, feeds and digests its host object in
// a single call then (most hashes are made, updated once and digested at once). Past
// LAZY_MAX_BYTES of input, or when anything else is asked of it, it gets its host object.
const LAZY_DIGESTS = new Set([
  'md5', 'md5-sha1', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512-224', 'sha512-256',
  'rsa-md5', 'rsa-sha1', 'rsa-sha224', 'rsa-sha256', 'rsa-sha384', 'rsa-sha512', 'dsa-sha', 'dsa-sha1', 'ecdsa-with-sha1',
]);
const LAZY_MAX_BYTES = 64 * 1024;
const LAZY_MAX_UPDATES = 256;
const UTF8 = new Set([undefined, 'utf8', 'utf-8', 'UTF8', 'UTF-8']);

const hashFinalized = () => makeError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
const invalidData = (data) => invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data);

function lazyState(kind, args) {
  return { id: 0, done: false, lazy: { kind, args, updates: [], size: 0 } };
}

// Gives a lazy object its host object, fed what it gathered.
function materialize(object, state) {
  const { kind, args, updates } = state.lazy;
  state.lazy = null;
  state.id = newObject(kind, args);
  track(object, state.id);
  for (const [data, encoding] of updates) method(state.id, 'update', [data, encoding]);
}

function digestUpdate(object, Ctor, data, encoding) {
  const state = stateOf(object, Ctor);
  if (state.done) throw hashFinalized();
  const lazy = state.lazy;
  if (lazy !== null) {
    if (typeof data === 'string' ? UTF8.has(encoding) : ArrayBuffer.isView(data)) {
      const item = typeof data === 'string' ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
      lazy.updates.push([item, undefined]);
      lazy.size += typeof data === 'string' ? data.length * 3 : data.byteLength;
      if (lazy.size > LAZY_MAX_BYTES || lazy.updates.length > LAZY_MAX_UPDATES) materialize(object, state);
      return object;
    }
    if (typeof data !== 'string') throw invalidData(data);
    materialize(object, state);
  }
  method(state.id, 'update', [data, encoding]);
  return object;
}

function digestFinal(state, outputEncoding) {
  const lazy = state.lazy;
  if (lazy === null) {
    const result = method(state.id, 'digest', [outputEncoding]);
    finish(state);
    return result;
  }
  const result = fromHost(hostCall('ncDigest', lazy.kind, hostArgs(lazy.args), lazy.updates, outputEncoding));
  state.lazy = null;
  state.done = true;
  return result;
}

function Hash(algorithm, options) {
  if (!new.target) return new Hash(algorithm, options);
  LazyTransform.call(this, algorithm === kFromHandle ? undefined : options);
  if (algorithm === kFromHandle) {
    bind(this, options);
  } else if (typeof algorithm === 'string' && LAZY_DIGESTS.has(algorithm.toLowerCase()) && (options === null || typeof options !== 'object' || options.outputLength === undefined)) {
    states.set(this, lazyState('Hash', [algorithm]));
  } else {
    bind(this, newObject('Hash', [algorithm, hashOptions(options)]));
  }
}
inherit(Hash, LazyTransform);

function hashOptions(options) {
  return options !== null && typeof options === 'object' ? { outputLength: options.outputLength } : undefined;
}

objectMakers.Hash = (id) => new Hash(kFromHandle, id);

Hash.prototype.copy = function copy(options) {
  const state = stateOf(this, Hash);
  if (state.done) throw hashFinalized();
  if (state.lazy !== null && (options === null || typeof options !== 'object' || options.outputLength === undefined)) {
    const copied = new Hash(state.lazy.args[0]);
    const target = states.get(copied).lazy;
    target.updates = state.lazy.updates.slice();
    target.size = state.lazy.size;
    return copied;
  }
  if (state.lazy !== null) materialize(this, state);
  return method(state.id, 'copy', [hashOptions(options)]);
};

Hash.prototype.update = function update(data, encoding) {
  return digestUpdate(this, Hash, data, encoding);
};

Hash.prototype.digest = function digest(outputEncoding) {
  const state = stateOf(this, Hash);
  if (state.done) throw hashFinalized();
  return digestFinal(state, outputEncoding);
};

Hash.prototype._transform = function _transform(chunk, encoding, callback) {
  this.update(chunk, encoding);
  callback();
};

Hash.prototype._flush = function _flush(callback) {
  this.push(this.digest());
  callback();
};

// A key for later, its bytes copied now: the caller may reuse its buffer.
function snapshot(key) {
  if (typeof key === 'string') return key;
  if (isAnyArrayBuffer(key)) return key.slice(0);
  return new Uint8Array(key.buffer, key.byteOffset, key.byteLength).slice();
}

const isLazyKey = (key) => typeof key === 'string' || ArrayBuffer.isView(key) || isAnyArrayBuffer(key);

function Hmac(hmac, key, options) {
  if (!new.target) return new Hmac(hmac, key, options);
  LazyTransform.call(this, options);
  const noEncoding = options === null || typeof options !== 'object' || options.encoding === undefined;
  if (typeof hmac === 'string' && LAZY_DIGESTS.has(hmac.toLowerCase()) && isLazyKey(key) && noEncoding) {
    // The key is copied now: the caller may reuse its buffer.
    states.set(this, lazyState('Hmac', [hmac, snapshot(key)]));
  } else {
    bind(this, newObject('Hmac', [hmac, key, options !== null && typeof options === 'object' ? { encoding: options.encoding } : undefined]));
  }
}
inherit(Hmac, LazyTransform);

Hmac.prototype.update = function update(data, encoding) {
  return digestUpdate(this, Hmac, data, encoding);
};

Hmac.prototype.digest = function digest(outputEncoding) {
  const state = stateOf(this, Hmac);
  if (state.done) {
    const empty = bufferClass().alloc(0);
    return outputEncoding === undefined || outputEncoding === 'buffer' ? empty : empty.toString(outputEncoding);
  }
  return digestFinal(state, outputEncoding);
};

Hmac.prototype._transform = Hash.prototype._transform;
Hmac.prototype._flush = Hash.prototype._flush;

function createHash(algorithm, options) {
  return new Hash(algorithm, options);
}

function createHmac(hmac, key, options) {
  return new Hmac(hmac, key, options);
}

// crypto.hash(): one-shot, hex by default.
function hash(algorithm, data, outputEncoding) {
  return call('hash', algorithm, data, outputEncoding);
}

// ---- ciphers ----

const invalidState = (operation) => makeError(Error, 'ERR_CRYPTO_INVALID_STATE', operation ? `Invalid state for operation ${operation}` : 'Invalid state');

function cipherOptions(options) {
  return options !== null && typeof options === 'object' ? { authTagLength: options.authTagLength } : options;
}

function makeCipherClass(kind, extra) {
  function CipherClass(algorithm, key, iv, options) {
    if (!new.target) return new CipherClass(algorithm, key, iv, options);
    const id = newObject(kind, [algorithm, key, iv, cipherOptions(options)]);
    LazyTransform.call(this, options);
    bind(this, id);
  }
  Object.defineProperty(CipherClass, 'name', { value: kind });
  inherit(CipherClass, LazyTransform);

  CipherClass.prototype.update = function update(data, inputEncoding, outputEncoding) {
    const state = stateOf(this, CipherClass);
    if (state.done) throw new Error('Trying to add data in unsupported state');
    return method(state.id, 'update', [data, inputEncoding, outputEncoding]);
  };

  CipherClass.prototype.final = function final(outputEncoding) {
    const state = stateOf(this, CipherClass);
    if (state.done) throw invalidState();
    const result = method(state.id, 'final', [outputEncoding]);
    finish(state);
    if (kind !== 'Cipheriv') return result;
    state.authTag = result[1];
    return result[0];
  };

  CipherClass.prototype.setAAD = function setAAD(buffer, options) {
    const state = stateOf(this, CipherClass);
    if (state.done) throw invalidState('setAAD');
    method(state.id, 'setAAD', [buffer, options]);
    return this;
  };

  CipherClass.prototype.setAutoPadding = function setAutoPadding(autoPadding) {
    const state = stateOf(this, CipherClass);
    if (state.done) throw invalidState('setAutoPadding');
    method(state.id, 'setAutoPadding', [autoPadding]);
    return this;
  };

  CipherClass.prototype._transform = function _transform(chunk, encoding, callback) {
    this.push(this.update(chunk, encoding));
    callback();
  };

  CipherClass.prototype._flush = function _flush(callback) {
    try {
      this.push(this.final());
    } catch (err) {
      callback(err);
      return;
    }
    callback();
  };

  extra(CipherClass);
  return CipherClass;
}

const Cipheriv = makeCipherClass('Cipheriv', (Cipher) => {
  Cipher.prototype.getAuthTag = function getAuthTag() {
    const state = stateOf(this, Cipher);
    if (state.done) {
      if (state.authTag) return state.authTag;
      throw invalidState('getAuthTag');
    }
    return method(state.id, 'getAuthTag', []);
  };
});

const Decipheriv = makeCipherClass('Decipheriv', (Decipher) => {
  Decipher.prototype.setAuthTag = function setAuthTag(tagbuf, encoding) {
    const state = stateOf(this, Decipher);
    if (state.done) throw invalidState('setAuthTag');
    method(state.id, 'setAuthTag', [tagbuf, encoding]);
    return this;
  };
});

function createCipheriv(algorithm, key, iv, options) {
  return new Cipheriv(algorithm, key, iv, options);
}

function createDecipheriv(algorithm, key, iv, options) {
  return new Decipheriv(algorithm, key, iv, options);
}

// ---- Sign and Verify ----

const notInitialised = () => makeError(Error, 'ERR_CRYPTO_INVALID_STATE', 'Not initialised');

function makeSignClass(kind, finalName) {
  function SignClass(algorithm, options) {
    if (!new.target) return new SignClass(algorithm, options);
    const id = newObject(kind, [algorithm]);
    LazyWritable.call(this, options);
    bind(this, id);
  }
  Object.defineProperty(SignClass, 'name', { value: kind });
  inherit(SignClass, LazyWritable);

  SignClass.prototype.update = function update(data, encoding) {
    const state = stateOf(this, SignClass);
    if (state.done) throw notInitialised();
    method(state.id, 'update', [data, encoding]);
    return this;
  };

  SignClass.prototype[finalName] = function (...args) {
    const state = stateOf(this, SignClass);
    if (state.done) throw notInitialised();
    const result = method(state.id, finalName, args);
    finish(state);
    return result;
  };
  Object.defineProperty(SignClass.prototype[finalName], 'name', { value: finalName });

  SignClass.prototype._write = function _write(chunk, encoding, callback) {
    this.update(chunk, encoding);
    callback();
  };
  return SignClass;
}

const Sign = makeSignClass('Sign', 'sign');
const Verify = makeSignClass('Verify', 'verify');

function createSign(algorithm, options) {
  return new Sign(algorithm, options);
}

function createVerify(algorithm, options) {
  return new Verify(algorithm, options);
}

function sign(algorithm, data, key, callback) {
  if (callback !== undefined) return later(callback, () => call('sign', algorithm, data, key));
  return call('sign', algorithm, data, key);
}

function verify(algorithm, data, key, signature, callback) {
  if (callback !== undefined) return later(callback, () => call('verify', algorithm, data, key, signature));
  return call('verify', algorithm, data, key, signature);
}

const publicEncrypt = (key, buffer) => call('publicEncrypt', key, buffer);
const publicDecrypt = (key, buffer) => call('publicDecrypt', key, buffer);
const privateEncrypt = (key, buffer) => call('privateEncrypt', key, buffer);
const privateDecrypt = (key, buffer) => call('privateDecrypt', key, buffer);

// ---- keys ----

const kKeyToken = Symbol('kKeyToken');
let keyDetails;
let keyAsymmetricType;
let keySymmetricSize;

class KeyObject {
  #id;
  #type;
  #asymmetricKeyType;
  #details;
  #symmetricKeySize;

  constructor(type, handle) {
    if (type !== 'secret' && type !== 'public' && type !== 'private') {
      throw makeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'type' is invalid. Received ${describeReceived(type).slice(10)}`);
    }
    if (handle === null || typeof handle !== 'object' || handle.token !== kKeyToken) throw invalidArgType('handle', 'of type object', handle);
    const [id, , asymmetricKeyType, details, symmetricKeySize] = handle.description;
    this.#id = id;
    this.#type = type;
    this.#asymmetricKeyType = asymmetricKeyType ?? undefined;
    this.#details = details;
    this.#symmetricKeySize = symmetricKeySize ?? undefined;
    track(this, id);
  }

  static from(key) {
    if (!isCryptoKey(key)) throw invalidArgType('key', 'an instance of CryptoKey', key);
    throw makeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'KeyObject.from() is not supported by this runtime: a CryptoKey cannot be turned into a KeyObject.');
  }

  get type() {
    return this.#type;
  }

  export(options) {
    return method(this.#id, 'export', [options]);
  }

  equals(otherKeyObject) {
    return method(this.#id, 'equals', [otherKeyObject]);
  }

  toCryptoKey() {
    throw makeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'KeyObject.prototype.toCryptoKey() is not supported by this runtime.');
  }

  static {
    keyHandleOf = (value) => (value !== null && typeof value === 'object' && #id in value ? value.#id : undefined);
    keyDetails = (key) => key.#details;
    keyAsymmetricType = (key) => key.#asymmetricKeyType;
    keySymmetricSize = (key) => key.#symmetricKeySize;
  }
}
Object.defineProperty(KeyObject.prototype, Symbol.toStringTag, { value: 'KeyObject', configurable: true });

class SecretKeyObject extends KeyObject {
  constructor(handle) {
    super('secret', handle);
  }

  get symmetricKeySize() {
    return keySymmetricSize(this);
  }
}

class AsymmetricKeyObject extends KeyObject {
  #details;

  get asymmetricKeyType() {
    return keyAsymmetricType(this);
  }

  get asymmetricKeyDetails() {
    if (!['rsa', 'rsa-pss', 'dsa', 'ec'].includes(keyAsymmetricType(this))) return {};
    this.#details ??= fromHost(keyDetails(this));
    return this.#details;
  }
}

class PublicKeyObject extends AsymmetricKeyObject {
  constructor(handle) {
    super('public', handle);
  }
}

class PrivateKeyObject extends AsymmetricKeyObject {
  constructor(handle) {
    super('private', handle);
  }
}

makeKeyObject = (description) => {
  const handle = { token: kKeyToken, description };
  switch (description[1]) {
    case 'secret':
      return new SecretKeyObject(handle);
    case 'public':
      return new PublicKeyObject(handle);
    default:
      return new PrivateKeyObject(handle);
  }
};

const createSecretKey = (key, encoding) => call('createSecretKey', key, encoding);
const createPublicKey = (key) => call('createPublicKey', key);
const createPrivateKey = (key) => call('createPrivateKey', key);

function generateKeySync(type, options) {
  return call('generateKeySync', type, options);
}

function generateKey(type, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  validateFunction(callback, 'callback');
  later(callback, () => generateKeySync(type, options));
}

function generateKeyPairSync(type, options) {
  return call('generateKeyPairSync', type, options);
}

function generateKeyPair(type, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  validateFunction(callback, 'callback');
  later(callback, () => {
    const { publicKey, privateKey } = generateKeyPairSync(type, options);
    return [publicKey, privateKey];
  });
}

// ---- key derivation ----

function pbkdf2Sync(password, salt, iterations, keylen, digest) {
  return call('pbkdf2Sync', password, salt, iterations, keylen, digest);
}

function pbkdf2(password, salt, iterations, keylen, digest, callback) {
  if (typeof digest === 'function') {
    callback = digest;
    digest = undefined;
  }
  later(callback, () => pbkdf2Sync(password, salt, iterations, keylen, digest));
}

function scryptSync(password, salt, keylen, options) {
  return call('scryptSync', password, salt, keylen, options);
}

function scrypt(password, salt, keylen, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  later(callback, () => scryptSync(password, salt, keylen, options));
}

function hkdfSync(digest, ikm, salt, info, keylen) {
  return call('hkdfSync', digest, ikm, salt, info, keylen);
}

function hkdf(digest, ikm, salt, info, keylen, callback) {
  later(callback, () => hkdfSync(digest, ikm, salt, info, keylen));
}

// ---- Diffie-Hellman ----

function makeDhClass(kind, methods) {
  function DhClass(...args) {
    if (!new.target) return new DhClass(...args);
    const [id, verifyError] = newObject(kind, args);
    bind(this, id);
    Object.defineProperty(this, 'verifyError', { value: verifyError, enumerable: true, configurable: true });
  }
  Object.defineProperty(DhClass, 'name', { value: kind });
  for (const name of methods) {
    Object.defineProperty(DhClass.prototype, name, {
      configurable: true,
      writable: true,
      value: {
        [name](...args) {
          const result = method(stateOf(this, DhClass).id, name, args);
          return result === kThis ? this : result;
        },
      }[name],
    });
  }
  return DhClass;
}

const DH_METHODS = ['generateKeys', 'computeSecret', 'getPrime', 'getGenerator', 'getPublicKey', 'getPrivateKey'];
const DiffieHellman = makeDhClass('DiffieHellman', [...DH_METHODS, 'setPublicKey', 'setPrivateKey']);
const DiffieHellmanGroup = makeDhClass('DiffieHellmanGroup', DH_METHODS);

function ECDH(curve) {
  if (!new.target) return new ECDH(curve);
  bind(this, newObject('ECDH', [curve]));
}
for (const name of ['generateKeys', 'computeSecret', 'getPublicKey', 'getPrivateKey', 'setPublicKey', 'setPrivateKey']) {
  Object.defineProperty(ECDH.prototype, name, {
    configurable: true,
    writable: true,
    value: {
      [name](...args) {
        const result = method(stateOf(this, ECDH).id, name, args);
        return result === kThis ? this : result;
      },
    }[name],
  });
}
ECDH.convertKey = function convertKey(key, curve, inputEncoding, outputEncoding, format) {
  return call('convertECDHKey', key, curve, inputEncoding, outputEncoding, format);
};

const createDiffieHellman = (...args) => new DiffieHellman(...args);
const getDiffieHellman = (name) => new DiffieHellmanGroup(name);
const createDiffieHellmanGroup = getDiffieHellman;
const createECDH = (curve) => new ECDH(curve);
const diffieHellman = (options) => call('diffieHellman', options);

// ---- random ----

const MAX_RANDOM_CALL = 65536;

// Fills `bytes` (a Uint8Array) from the host's CSPRNG. At global scope Workers refuses, and so
// does the host.
function fillRandom(bytes) {
  for (let at = 0; at < bytes.byteLength; at += MAX_RANDOM_CALL) {
    const size = Math.min(MAX_RANDOM_CALL, bytes.byteLength - at);
    bytes.set(hostCall('randomBytes', size), at);
  }
  return bytes;
}

const MAX_BUFFER_SIZE = 2 ** 31 - 1;

function validateSize(size, name, max) {
  if (typeof size !== 'number') throw invalidArgType(name, 'of type number', size);
  if (!(size >= 0 && size <= max) || Number.isNaN(size)) throw outOfRange(name, `>= 0 && <= ${max}`, size);
}

function randomBytes(size, callback) {
  validateSize(size, 'size', MAX_BUFFER_SIZE);
  if (callback !== undefined) validateFunction(callback, 'callback');
  const buffer = bufferClass().alloc(Math.floor(size));
  fillRandom(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  if (callback === undefined) return buffer;
  queueMicrotask(() => callback(null, buffer));
  return undefined;
}

function randomFillArgs(buf, offset, size) {
  if (!ArrayBuffer.isView(buf) && !isAnyArrayBuffer(buf)) {
    throw invalidArgType('buf', 'an instance of ArrayBuffer or ArrayBufferView', buf);
  }
  const bytes = isAnyArrayBuffer(buf) ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const elementSize = buf.BYTES_PER_ELEMENT ?? 1;
  const length = bytes.byteLength;
  if (typeof offset !== 'number') throw invalidArgType('offset', 'of type number', offset);
  offset *= elementSize;
  if (!(offset >= 0 && offset <= length) || !Number.isInteger(offset)) throw outOfRange('offset', `>= 0 && <= ${length}`, offset);
  if (size === undefined) size = length - offset;
  else {
    if (typeof size !== 'number') throw invalidArgType('size', 'of type number', size);
    size *= elementSize;
    if (!(size >= 0 && size <= length - offset) || !Number.isInteger(size)) throw outOfRange('size', `>= 0 && <= ${length - offset}`, size);
  }
  return bytes.subarray(offset, offset + size);
}

function randomFillSync(buf, offset = 0, size) {
  fillRandom(randomFillArgs(buf, offset, size));
  return buf;
}

function randomFill(buf, offset, size, callback) {
  if (typeof offset === 'function') {
    callback = offset;
    offset = 0;
    size = undefined;
  } else if (typeof size === 'function') {
    callback = size;
    size = undefined;
  }
  validateFunction(callback, 'callback');
  fillRandom(randomFillArgs(buf, offset ?? 0, size));
  queueMicrotask(() => callback(null, buf));
}

// Node's randomInt: a uniform integer in [min, max), by rejection sampling over 48-bit values.
const RAND_MAX = 0xffff_ffff_ffff;

function randomInt(min, max, callback) {
  const minNotSpecified = typeof max === 'undefined' || typeof max === 'function';
  if (minNotSpecified) {
    callback = max;
    max = min;
    min = 0;
  }
  const isSync = typeof callback === 'undefined';
  if (!isSync) validateFunction(callback, 'callback');
  if (!Number.isSafeInteger(min)) throw invalidArgType('min', 'a safe integer', min);
  if (!Number.isSafeInteger(max)) throw invalidArgType('max', 'a safe integer', max);
  if (max <= min) {
    throw makeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "max" is out of range. It must be greater than the value of "min" (${min}). Received ${max}`);
  }
  const range = max - min;
  if (!(range <= RAND_MAX)) {
    throw makeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "max - min" is out of range. It must be <= ${RAND_MAX}. Received ${range}`);
  }
  const randLimit = RAND_MAX - (RAND_MAX % range);
  const six = new Uint8Array(6);
  let n;
  do {
    fillRandom(six);
    n = six[0] * 2 ** 40 + six[1] * 2 ** 32 + six[2] * 2 ** 24 + six[3] * 2 ** 16 + six[4] * 2 ** 8 + six[5];
  } while (n >= randLimit);
  const result = min + (n % range);
  if (isSync) return result;
  queueMicrotask(() => callback(null, result));
  return undefined;
}

function randomUUID(options) {
  if (options !== undefined) validateObject(options, 'options');
  return globalThis.crypto.randomUUID();
}

function getRandomValues(array) {
  return globalThis.crypto.getRandomValues(array);
}

function generatePrimeSync(size, options) {
  return call('generatePrimeSync', size, options);
}

function generatePrime(size, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  later(callback, () => generatePrimeSync(size, options));
}

function checkPrimeSync(candidate, options) {
  return call('checkPrimeSync', candidate, options);
}

function checkPrime(candidate, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  later(callback, () => checkPrimeSync(candidate, options));
}

// ---- certificates ----

const kFields = Symbol('kFields');

class X509Certificate {
  constructor(buffer) {
    const [id, fields] = newObject('X509Certificate', [buffer]);
    states.set(this, { id, done: false });
    track(this, id);
    const values = fromHost(fields);
    for (const name of ['validFromDate', 'validToDate']) {
      if (typeof fields[name] === 'number') values[name] = new Date(fields[name]);
    }
    this[kFields] = values;
  }

  #call(name, args) {
    return method(stateOf(this, X509Certificate).id, name, args);
  }

  checkHost(name, options) {
    return this.#call('checkHost', [name, options]);
  }

  checkEmail(email, options) {
    return this.#call('checkEmail', [email, options]);
  }

  checkIP(ip) {
    return this.#call('checkIP', [ip]);
  }

  checkIssued(otherCert) {
    return this.#call('checkIssued', [otherCert]);
  }

  checkPrivateKey(privateKey) {
    return this.#call('checkPrivateKey', [privateKey]);
  }

  verify(publicKey) {
    return this.#call('verify', [publicKey]);
  }

  toString() {
    return this.#call('toString', []);
  }

  toJSON() {
    return this.#call('toJSON', []);
  }

  toLegacyObject() {
    return this.#call('toLegacyObject', []);
  }
}

for (const name of [
  'ca', 'fingerprint', 'fingerprint256', 'fingerprint512', 'infoAccess', 'issuer', 'keyUsage', 'publicKey', 'raw',
  'serialNumber', 'subject', 'subjectAltName', 'validFrom', 'validTo', 'validFromDate', 'validToDate',
  'signatureAlgorithm', 'signatureAlgorithmOid',
]) {
  Object.defineProperty(X509Certificate.prototype, name, {
    configurable: true,
    enumerable: false,
    get() {
      stateOf(this, X509Certificate);
      return this[kFields][name];
    },
  });
}
Object.defineProperty(X509Certificate.prototype, 'issuerCertificate', { configurable: true, get: () => undefined });

// Node's SPKAC helpers: static methods, and the same as methods of (legacy) instances.
function Certificate() {
  if (!new.target) return new Certificate();
}
for (const name of ['exportChallenge', 'exportPublicKey', 'verifySpkac']) {
  const fn = { [name]: (spkac, encoding) => call(`Certificate.${name}`, spkac, encoding) }[name];
  Certificate[name] = fn;
  Certificate.prototype[name] = fn;
}

// ---- misc ----

function timingSafeEqual(buf1, buf2) {
  for (const [name, value] of [['buf1', buf1], ['buf2', buf2]]) {
    if (!ArrayBuffer.isView(value) && !isAnyArrayBuffer(value)) {
      throw makeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" argument must be an instance of ArrayBuffer, Buffer, TypedArray, or DataView.`);
    }
  }
  const a = isAnyArrayBuffer(buf1) ? new Uint8Array(buf1) : new Uint8Array(buf1.buffer, buf1.byteOffset, buf1.byteLength);
  const b = isAnyArrayBuffer(buf2) ? new Uint8Array(buf2) : new Uint8Array(buf2.buffer, buf2.byteOffset, buf2.byteLength);
  if (a.byteLength !== b.byteLength) throw makeError(RangeError, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'Input buffers must have the same byte length');
  let difference = 0;
  for (let i = 0; i < a.byteLength; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

// What Workers' node:crypto lists (BoringSSL), less what this runtime's host lacks (md4).
const HASHES = [
  'md5', 'md5-sha1', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512-256',
  'RSA-MD5', 'RSA-SHA1', 'RSA-SHA224', 'RSA-SHA256', 'RSA-SHA384', 'RSA-SHA512', 'DSA-SHA', 'DSA-SHA1', 'ecdsa-with-SHA1',
];
const CIPHERS = [
  'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-ctr', 'aes-192-ctr', 'aes-256-ctr',
  'aes-128-ecb', 'aes-192-ecb', 'aes-256-ecb', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm',
  'aes-128-ofb', 'aes-192-ofb', 'aes-256-ofb', 'des-ede', 'des-ede-cbc', 'des-ede3-cbc',
];
const CURVES = ['secp224r1', 'prime256v1', 'secp384r1', 'secp521r1'];

const getHashes = () => HASHES.slice();
const getCiphers = () => CIPHERS.slice();
const getCurves = () => CURVES.slice();
const getCipherInfo = (nameOrNid, options) => call('getCipherInfo', nameOrNid, options);

// Workers' BoringSSL is a FIPS build.
const getFips = () => true;
function setFips() {
  throw notSupported('setFips');
}
function setEngine() {
  throw notSupported('setEngine');
}
const secureHeapUsed = () => ({ total: 0, used: 0, utilization: 0, min: 0 });

const constants = Object.freeze({
  OPENSSL_VERSION_NUMBER: 0,
  SSL_OP_ALL: 2147485776,
  SSL_OP_NO_SSLv2: 0,
  SSL_OP_NO_SSLv3: 33554432,
  SSL_OP_NO_TLSv1: 67108864,
  SSL_OP_NO_TLSv1_1: 268435456,
  SSL_OP_NO_TLSv1_2: 134217728,
  SSL_OP_NO_TLSv1_3: 536870912,
  DH_CHECK_P_NOT_SAFE_PRIME: 2,
  DH_CHECK_P_NOT_PRIME: 1,
  DH_UNABLE_TO_CHECK_GENERATOR: 4,
  DH_NOT_SUITABLE_GENERATOR: 8,
  RSA_PKCS1_PADDING: 1,
  RSA_NO_PADDING: 3,
  RSA_PKCS1_OAEP_PADDING: 4,
  RSA_X931_PADDING: 5,
  RSA_PKCS1_PSS_PADDING: 6,
  RSA_PSS_SALTLEN_DIGEST: -1,
  RSA_PSS_SALTLEN_MAX_SIGN: -2,
  RSA_PSS_SALTLEN_AUTO: -2,
  TLS1_VERSION: 769,
  TLS1_1_VERSION: 770,
  TLS1_2_VERSION: 771,
  TLS1_3_VERSION: 772,
  POINT_CONVERSION_COMPRESSED: 2,
  POINT_CONVERSION_UNCOMPRESSED: 4,
  POINT_CONVERSION_HYBRID: 6,
});

// The isolate's own Web Crypto (crypto.subtle runs on the host too).
const webcrypto = globalThis.crypto;
const subtle = webcrypto.subtle;

const api = {
  // Hash and HMAC
  Hash, Hmac, createHash, createHmac, hash, getHashes,
  // Ciphers
  Cipheriv, Decipheriv, createCipheriv, createDecipheriv, getCiphers, getCipherInfo,
  publicEncrypt, publicDecrypt, privateEncrypt, privateDecrypt,
  // Signatures
  Sign, Verify, createSign, createVerify, sign, verify,
  // Keys
  KeyObject, createSecretKey, createPublicKey, createPrivateKey,
  generateKey, generateKeySync, generateKeyPair, generateKeyPairSync,
  // Key derivation
  pbkdf2, pbkdf2Sync, scrypt, scryptSync, hkdf, hkdfSync,
  // Diffie-Hellman
  DiffieHellman, DiffieHellmanGroup, ECDH, createDiffieHellman, createDiffieHellmanGroup, getDiffieHellman, createECDH,
  diffieHellman, getCurves,
  // Random
  randomBytes, randomFill, randomFillSync, randomInt, randomUUID, getRandomValues,
  generatePrime, generatePrimeSync, checkPrime, checkPrimeSync,
  // Certificates
  Certificate, X509Certificate,
  // Misc
  timingSafeEqual, getFips, setFips, setEngine, secureHeapUsed, constants,
  webcrypto, subtle,
};

Object.defineProperty(api, 'fips', { get: getFips, set: setFips, enumerable: false, configurable: true });
// Node's old aliases.
Object.defineProperty(api, 'prng', { value: randomBytes, enumerable: false, configurable: true, writable: true });
Object.defineProperty(api, 'pseudoRandomBytes', { value: randomBytes, enumerable: false, configurable: true, writable: true });
Object.defineProperty(api, 'rng', { value: randomBytes, enumerable: false, configurable: true, writable: true });

export default api;
export {
  Hash, Hmac, createHash, createHmac, hash, getHashes,
  Cipheriv, Decipheriv, createCipheriv, createDecipheriv, getCiphers, getCipherInfo,
  publicEncrypt, publicDecrypt, privateEncrypt, privateDecrypt,
  Sign, Verify, createSign, createVerify, sign, verify,
  KeyObject, createSecretKey, createPublicKey, createPrivateKey,
  generateKey, generateKeySync, generateKeyPair, generateKeyPairSync,
  pbkdf2, pbkdf2Sync, scrypt, scryptSync, hkdf, hkdfSync,
  DiffieHellman, DiffieHellmanGroup, ECDH, createDiffieHellman, createDiffieHellmanGroup, getDiffieHellman, createECDH,
  diffieHellman, getCurves,
  randomBytes, randomFill, randomFillSync, randomInt, randomUUID, getRandomValues,
  generatePrime, generatePrimeSync, checkPrime, checkPrimeSync,
  Certificate, X509Certificate,
  timingSafeEqual, getFips, setFips, setEngine, secureHeapUsed, constants,
  webcrypto, subtle,
};
