// node:crypto's host side: the isolate's node:crypto (src/runtime/web/node/crypto.js) is a thin
// layer over Node's own crypto module, which runs here. Arguments cross as plain data and are
// rebuilt for Node (see fromIsolate), so Node itself validates them and throws its own errors,
// which go back with their class, message and code. Stateful objects (hashes, ciphers, keys,
// Diffie-Hellman) stay on the host, in a table of this IsolateHost only (host.nodeCrypto): the
// isolate refers to them by numbers that mean nothing to any other isolate.
//
// Only the functions and methods listed here can be reached, and only with the algorithms
// Workers supports (its node:crypto is built on BoringSSL, which lacks much of what OpenSSL
// has). The work one call may ask for is bounded: it runs synchronously on this thread, inside
// the worker's turn, so its CPU time is charged to the worker, but nothing can interrupt it.
import crypto from 'node:crypto';
import { guarded, HandleTable, TAG } from './host-handles.js';

const { KeyObject } = crypto;

// ---- what Workers supports ----

// Digests, by lower-case name (Node accepts any case). BoringSSL has no SHA-3, SHAKE, BLAKE2,
// RIPEMD or SM3; MD4 is listed by Workers but missing from the host's OpenSSL 3.
const HASHES = new Set([
  'md5', 'md5-sha1', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512-224', 'sha512-256',
  'rsa-md5', 'rsa-sha1', 'rsa-sha224', 'rsa-sha256', 'rsa-sha384', 'rsa-sha512', 'dsa-sha', 'dsa-sha1', 'ecdsa-with-sha1',
]);

// Ciphers (no ChaCha20-Poly1305, CCM, OCB, CFB or the legacy ciphers: Workers has none of them).
const CIPHERS = new Set([
  'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-ctr', 'aes-192-ctr', 'aes-256-ctr',
  'aes-128-ecb', 'aes-192-ecb', 'aes-256-ecb', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm',
  'aes-128-ofb', 'aes-192-ofb', 'aes-256-ofb', 'aes128', 'aes192', 'aes256',
  'des-ede', 'des-ede-cbc', 'des-ede3-cbc', 'des3',
]);

const CURVES = new Set(['secp224r1', 'prime256v1', 'secp384r1', 'secp521r1', 'p-224', 'p-256', 'p-384', 'p-521', 'secp256r1']);

const KEY_PAIR_TYPES = new Set(['rsa', 'rsa-pss', 'dsa', 'ec', 'ed25519', 'x25519', 'dh']);

// ---- bounds on the work of one call ----

// Workers refuses PBKDF2 derivations longer than this (its Web Crypto does too).
const PBKDF2_MAX_ITERATIONS = 100_000;
// Hash-block computations one PBKDF2 call may ask for: (output blocks) × iterations.
const PBKDF2_MAX_WORK = 4_000_000;
// scrypt: N × r × p (its time), and the memory it may use.
const SCRYPT_MAX_WORK = 2 ** 22;
const SCRYPT_MAX_MEMORY = 128 * 1024 * 1024;
// Generated moduli and primes: generation time grows with about the fourth power of the size
// (and safe primes are far slower still), and the host's thread waits for it.
const MAX_RSA_BITS = 4096;
const MAX_DSA_BITS = 3072;
const MAX_GENERATED_PRIME_BITS = 4096;
const MAX_GENERATED_SAFE_PRIME_BITS = 1024;
const MAX_CHECKED_PRIME_BITS = 8192;
const MAX_PRIME_CHECKS = 64;
// Live objects (keys, hashes, ciphers, ...) of one isolate, and the bytes of secret keys among
// them, so that a worker cannot make the host grow without bound.
const MAX_OBJECTS = 65_536;
const MAX_SECRET_BYTES = 64 * 1024 * 1024;
// Updates one ncDigest call may carry.
const MAX_UPDATES = 4096;

// ---- errors ----

function nodeError(Ctor, code, message) {
  const error = new Ctor(message);
  if (code) error.code = code;
  return error;
}

// ---- the table ----

const objects = new HandleTable('nodeCrypto', {
  missing: 'Not a node:crypto object of this worker.',
  onRelease(host, found) {
    if (found.secretBytes) host.nodeCryptoSecretBytes -= found.secretBytes;
  },
});

function add(host, kind, object, secretBytes = 0) {
  const table = objects.of(host);
  if (table.size >= MAX_OBJECTS) throw new RangeError('Too many live node:crypto objects in this worker.');
  if (secretBytes > 0) {
    const total = (host.nodeCryptoSecretBytes ?? 0) + secretBytes;
    if (total > MAX_SECRET_BYTES) throw new RangeError('The secret keys of this worker exceed the size limit.');
    host.nodeCryptoSecretBytes = total;
  }
  const id = host.nextId++;
  table.set(id, { kind, object, secretBytes });
  return id;
}

const entry = (host, id) => objects.get(host, id);
const release = (host, id) => objects.release(host, id);

// ---- values crossing ----

const MAX_DEPTH = 8;
const TYPED_ARRAYS = new Map([Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array].map((T) => [T.name, T]));

// Stand-ins for values that cannot cross (functions, class instances, symbols), so that Node's
// "Received ..." in its errors still names what the worker passed.
function standIn(kind, name) {
  const label = typeof name === 'string' ? name.slice(0, 100) : '';
  if (kind === 'fn') return { [label]: function () {} }[label];
  if (kind === 'sym') return Symbol(label);
  const Named = { [label || 'Object']: class {} }[label || 'Object'];
  return new Named();
}

function bytesArg(value) {
  if (!(value instanceof Uint8Array)) throw new TypeError('Invalid bytes.');
  return value;
}

// An argument from the isolate, as Node should see it.
export function fromIsolate(host, value, depth = 0) {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) throw new TypeError('Argument nested too deeply.');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map((item) => fromIsolate(host, item, depth + 1));
  const tag = value[TAG];
  if (tag !== undefined) {
    switch (tag) {
      case 'ab': {
        const bytes = bytesArg(value.v);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      }
      case 'view': {
        const bytes = bytesArg(value.v);
        const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        if (value.type === 'DataView') return new DataView(buffer);
        const Type = TYPED_ARRAYS.get(value.type);
        return Type && buffer.byteLength % Type.BYTES_PER_ELEMENT === 0 ? new Type(buffer) : new Uint8Array(buffer);
      }
      case 'key': {
        const found = entry(host, value.v);
        if (found.kind !== 'KeyObject') throw new TypeError('Not a KeyObject of this worker.');
        return found.object;
      }
      case 'obj':
        return entry(host, value.v).object;
      case 'big':
        return BigInt(String(value.v));
      case 'fn':
      case 'sym':
      case 'inst':
        return standIn(tag, value.name);
      default:
        throw new TypeError('Invalid argument.');
    }
  }
  // Defined, not assigned: a key named "__proto__" stays a plain property.
  const out = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, { value: fromIsolate(host, value[key], depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// Describes a key for the isolate: [id, type, asymmetricKeyType, asymmetricKeyDetails, symmetricKeySize].
function describeKey(host, key) {
  const secretBytes = key.type === 'secret' ? key.symmetricKeySize : 0;
  const id = add(host, 'KeyObject', key, secretBytes);
  if (key.type === 'secret') return [id, 'secret', null, null, key.symmetricKeySize];
  return [id, key.type, key.asymmetricKeyType ?? null, toIsolate(host, key.asymmetricKeyDetails ?? {}), null];
}

// A result of Node's, as the isolate can take it: bytes are fresh Uint8Arrays (never views of
// pooled host memory), keys and other objects become handles.
export function toIsolate(host, value, depth = 0) {
  if (value === null || value === undefined) return value ?? null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return { [TAG]: 'big', v: value.toString() };
    case 'object':
      break;
    default:
      return null;
  }
  if (depth > MAX_DEPTH) return null;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (value instanceof ArrayBuffer) return { [TAG]: 'ab', v: new Uint8Array(value.slice(0)) };
  if (value instanceof KeyObject) return { [TAG]: 'key', v: describeKey(host, value) };
  if (value instanceof crypto.Hash) return { [TAG]: 'obj', kind: 'Hash', v: add(host, 'Hash', value) };
  if (Array.isArray(value)) return value.map((item) => toIsolate(host, item, depth + 1));
  const out = {};
  for (const key of Object.keys(value)) out[key] = toIsolate(host, value[key], depth + 1);
  return out;
}

// ---- checks ----

const lower = (value) => (typeof value === 'string' ? value.toLowerCase() : value);

// `make` builds Node's error for a digest the runtime does not have.
function checkDigest(name, make) {
  if (typeof name === 'string' && !HASHES.has(name.toLowerCase())) throw make(name);
}

const invalidDigest = (name) => nodeError(TypeError, 'ERR_CRYPTO_INVALID_DIGEST', `Invalid digest: ${name}`);

function checkCipher(name) {
  if (typeof name === 'string' && !CIPHERS.has(name.toLowerCase())) throw nodeError(Error, 'ERR_CRYPTO_UNKNOWN_CIPHER', 'Unknown cipher');
}

function checkCurve(name) {
  if (typeof name === 'string' && !CURVES.has(name.toLowerCase())) throw nodeError(TypeError, 'ERR_CRYPTO_INVALID_CURVE', 'Invalid EC curve name');
}

const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

function checkPbkdf2(iterations, keylen, digest) {
  if (!isNumber(iterations) || !isNumber(keylen)) return;
  if (iterations > PBKDF2_MAX_ITERATIONS) {
    throw new RangeError(`Pbkdf2 failed: iteration counts above ${PBKDF2_MAX_ITERATIONS} are not supported (requested ${iterations}).`);
  }
  const blockSize = typeof digest === 'string' && /512|384/.test(digest) ? 64 : 20;
  if (Math.ceil(keylen / blockSize) * iterations > PBKDF2_MAX_WORK) {
    throw new RangeError('Pbkdf2 failed: the requested key length and iteration count exceed the limits of this runtime.');
  }
}

function scryptOptions(options) {
  if (options === null || typeof options !== 'object') return options;
  const N = options.N ?? options.cost ?? 16384;
  const r = options.r ?? options.blockSize ?? 8;
  const p = options.p ?? options.parallelization ?? 1;
  if (isNumber(N) && isNumber(r) && isNumber(p) && N * r * p > SCRYPT_MAX_WORK) {
    throw nodeError(RangeError, 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS', 'Invalid scrypt params: the requested cost exceeds the limits of this runtime.');
  }
  const maxmem = isNumber(options.maxmem) ? Math.min(options.maxmem, SCRYPT_MAX_MEMORY) : options.maxmem;
  return options.maxmem === undefined ? options : { ...options, maxmem };
}

function checkKeyPair(type, options) {
  if (typeof type === 'string' && !KEY_PAIR_TYPES.has(type)) {
    throw nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'type' must be a supported key type. Received '${type}'`);
  }
  if (options === null || typeof options !== 'object') return;
  const bits = options.modulusLength;
  if ((type === 'rsa' || type === 'rsa-pss') && isNumber(bits) && bits > MAX_RSA_BITS) {
    throw nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "options.modulusLength" is out of range. It must be <= ${MAX_RSA_BITS} in this runtime. Received ${bits}`);
  }
  if (type === 'dsa' && isNumber(bits) && bits > MAX_DSA_BITS) {
    throw nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "options.modulusLength" is out of range. It must be <= ${MAX_DSA_BITS} in this runtime. Received ${bits}`);
  }
  if (type === 'ec') checkCurve(options.namedCurve);
  if (type === 'dh' && isNumber(options.primeLength) && options.primeLength > MAX_GENERATED_SAFE_PRIME_BITS) {
    throw nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "options.primeLength" is out of range. It must be <= ${MAX_GENERATED_SAFE_PRIME_BITS} in this runtime. Received ${options.primeLength}`);
  }
  if (type === 'rsa-pss') {
    checkDigest(options.hashAlgorithm ?? options.hash, invalidDigest);
    checkDigest(options.mgf1HashAlgorithm ?? options.mgf1Hash, invalidDigest);
  }
}

function checkPrimeSize(size, safe) {
  const max = safe ? MAX_GENERATED_SAFE_PRIME_BITS : MAX_GENERATED_PRIME_BITS;
  if (isNumber(size) && size > max) {
    throw nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "size" is out of range. It must be <= ${max} in this runtime. Received ${size}`);
  }
}

function checkCandidate(candidate) {
  const bits = typeof candidate === 'bigint' ? candidate.toString(2).length : ArrayBuffer.isView(candidate) || candidate instanceof ArrayBuffer ? candidate.byteLength * 8 : 0;
  if (bits > MAX_CHECKED_PRIME_BITS) {
    throw nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The candidate is too large for this runtime (more than ${MAX_CHECKED_PRIME_BITS} bits).`);
  }
}

// The digest a sign()/verify() call or a key's options name.
function checkSignDigest(algorithm) {
  if (algorithm !== null && algorithm !== undefined) checkDigest(algorithm, invalidDigest);
}

// ---- functions ----

// The module functions the isolate may call, each with its checks. Arguments arrive rebuilt.
const FUNCTIONS = {
  hash(algorithm, data, outputEncoding) {
    checkDigest(algorithm, (name) => new Error(`Digest method ${name} is not supported`));
    return crypto.hash(algorithm, data, outputEncoding);
  },
  pbkdf2Sync(password, salt, iterations, keylen, digest) {
    checkPbkdf2(iterations, keylen, digest);
    checkDigest(digest, invalidDigest);
    return crypto.pbkdf2Sync(password, salt, iterations, keylen, digest);
  },
  scryptSync(password, salt, keylen, options) {
    return crypto.scryptSync(password, salt, keylen, scryptOptions(options));
  },
  hkdfSync(digest, ikm, salt, info, keylen) {
    checkDigest(digest, invalidDigest);
    return crypto.hkdfSync(digest, ikm, salt, info, keylen);
  },
  createSecretKey: (key, encoding) => crypto.createSecretKey(key, encoding),
  createPublicKey: (key) => crypto.createPublicKey(key),
  createPrivateKey: (key) => crypto.createPrivateKey(key),
  generateKeySync(type, options) {
    if (isNumber(options?.length) && options.length > MAX_SECRET_BYTES * 8) {
      throw nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "options.length" is out of range. It must be <= ${MAX_SECRET_BYTES * 8} in this runtime. Received ${options.length}`);
    }
    return crypto.generateKeySync(type, options);
  },
  generateKeyPairSync(type, options) {
    checkKeyPair(type, options);
    return crypto.generateKeyPairSync(type, options);
  },
  sign(algorithm, data, key) {
    checkSignDigest(algorithm);
    return crypto.sign(algorithm, data, key);
  },
  verify(algorithm, data, key, signature) {
    checkSignDigest(algorithm);
    return crypto.verify(algorithm, data, key, signature);
  },
  publicEncrypt: (key, buffer) => crypto.publicEncrypt(key, buffer),
  publicDecrypt: (key, buffer) => crypto.publicDecrypt(key, buffer),
  privateEncrypt: (key, buffer) => crypto.privateEncrypt(key, buffer),
  privateDecrypt: (key, buffer) => crypto.privateDecrypt(key, buffer),
  diffieHellman: (options) => crypto.diffieHellman(options),
  getCipherInfo(nameOrNid, options) {
    if (typeof nameOrNid === 'string' && !CIPHERS.has(nameOrNid.toLowerCase())) return undefined;
    const info = crypto.getCipherInfo(nameOrNid, options);
    if (info === undefined || typeof nameOrNid === 'string') return info;
    // By NID: OpenSSL names the AES-GCM ciphers id-aesNNN-gcm.
    return CIPHERS.has(info.name.toLowerCase()) || /^id-aes\d+-gcm$/.test(info.name) ? info : undefined;
  },
  generatePrimeSync(size, options) {
    checkPrimeSize(size, options?.safe === true);
    return crypto.generatePrimeSync(size, options);
  },
  checkPrimeSync(candidate, options) {
    checkCandidate(candidate);
    if (isNumber(options?.checks) && options.checks > MAX_PRIME_CHECKS) {
      throw nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "options.checks" is out of range. It must be <= ${MAX_PRIME_CHECKS} in this runtime. Received ${options.checks}`);
    }
    return crypto.checkPrimeSync(candidate, options);
  },
  'Certificate.exportChallenge': (spkac, encoding) => crypto.Certificate.exportChallenge(spkac, encoding),
  'Certificate.exportPublicKey': (spkac, encoding) => crypto.Certificate.exportPublicKey(spkac, encoding),
  'Certificate.verifySpkac': (spkac, encoding) => crypto.Certificate.verifySpkac(spkac, encoding),
  convertECDHKey(key, curve, inputEncoding, outputEncoding, format) {
    checkCurve(curve);
    return crypto.ECDH.convertKey(key, curve, inputEncoding, outputEncoding, format);
  },
};

// ---- objects ----

function checkDhArgs(sizeOrKey, generator) {
  if (isNumber(sizeOrKey) && sizeOrKey > MAX_GENERATED_SAFE_PRIME_BITS) {
    throw nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "primeLength" is out of range. It must be <= ${MAX_GENERATED_SAFE_PRIME_BITS} in this runtime. Received ${sizeOrKey}`);
  }
  return generator;
}

// How each kind of object is made, and the methods the isolate may call on it. A terminal
// method leaves the object unusable once it succeeded: it is dropped from the table then, and
// the isolate answers later calls as Node does.
const KINDS = {
  Hash: {
    create(algorithm, options) {
      checkDigest(algorithm, () => new Error('Digest method not supported'));
      return crypto.createHash(algorithm, options);
    },
    methods: new Set(['update', 'digest', 'copy']),
    terminal: new Set(['digest']),
  },
  Hmac: {
    create(algorithm, key, options) {
      checkDigest(algorithm, invalidDigest);
      return crypto.createHmac(algorithm, key, options);
    },
    methods: new Set(['update', 'digest']),
    terminal: new Set(['digest']),
  },
  Cipheriv: {
    create(algorithm, key, iv, options) {
      checkCipher(algorithm);
      return crypto.createCipheriv(algorithm, key, iv, options);
    },
    methods: new Set(['update', 'final', 'setAAD', 'setAutoPadding', 'getAuthTag']),
    terminal: new Set(['final']),
  },
  Decipheriv: {
    create(algorithm, key, iv, options) {
      checkCipher(algorithm);
      return crypto.createDecipheriv(algorithm, key, iv, options);
    },
    methods: new Set(['update', 'final', 'setAAD', 'setAutoPadding', 'setAuthTag']),
    terminal: new Set(['final']),
  },
  Sign: {
    create(algorithm, options) {
      checkDigest(algorithm, () => nodeError(TypeError, 'ERR_CRYPTO_INVALID_DIGEST', 'Invalid digest'));
      return crypto.createSign(algorithm, options);
    },
    methods: new Set(['update', 'sign']),
    terminal: new Set(['sign']),
  },
  Verify: {
    create(algorithm, options) {
      checkDigest(algorithm, () => nodeError(TypeError, 'ERR_CRYPTO_INVALID_DIGEST', 'Invalid digest'));
      return crypto.createVerify(algorithm, options);
    },
    methods: new Set(['update', 'verify']),
    terminal: new Set(['verify']),
  },
  DiffieHellman: {
    create(sizeOrKey, keyEncoding, generator, genEncoding) {
      checkDhArgs(sizeOrKey, generator);
      return crypto.createDiffieHellman(sizeOrKey, keyEncoding, generator, genEncoding);
    },
    methods: new Set(['generateKeys', 'computeSecret', 'getPrime', 'getGenerator', 'getPublicKey', 'getPrivateKey', 'setPublicKey', 'setPrivateKey']),
    terminal: new Set(),
  },
  DiffieHellmanGroup: {
    create: (name) => crypto.getDiffieHellman(name),
    methods: new Set(['generateKeys', 'computeSecret', 'getPrime', 'getGenerator', 'getPublicKey', 'getPrivateKey']),
    terminal: new Set(),
  },
  ECDH: {
    create(curve) {
      checkCurve(curve);
      return crypto.createECDH(curve);
    },
    methods: new Set(['generateKeys', 'computeSecret', 'getPublicKey', 'getPrivateKey', 'setPublicKey', 'setPrivateKey']),
    terminal: new Set(),
  },
  X509Certificate: {
    create: (buffer) => new crypto.X509Certificate(buffer),
    methods: new Set(['checkHost', 'checkEmail', 'checkIP', 'checkIssued', 'checkPrivateKey', 'verify', 'toString', 'toJSON', 'toLegacyObject']),
    terminal: new Set(),
  },
  KeyObject: {
    create: null,
    methods: new Set(['export', 'equals']),
    terminal: new Set(),
  },
};

// A method's result, plus what the isolate needs to know afterwards.
function methodResult(host, kind, object, method, result) {
  // getAuthTag() must keep working after final() dropped the cipher: the tag comes back with it.
  if (kind === 'Cipheriv' && method === 'final') {
    let tag = null;
    try {
      tag = object.getAuthTag();
    } catch {
      // Not an AEAD cipher.
    }
    return [toIsolate(host, result), toIsolate(host, tag)];
  }
  // Methods returning `this` say so.
  if (result === object) return { [TAG]: 'this' };
  return toIsolate(host, result);
}

// A certificate's properties, read once: it cannot change.
const CERTIFICATE_FIELDS = [
  'ca', 'fingerprint', 'fingerprint256', 'fingerprint512', 'infoAccess', 'issuer', 'keyUsage', 'publicKey', 'raw',
  'serialNumber', 'subject', 'subjectAltName', 'validFrom', 'validTo', 'signatureAlgorithm', 'signatureAlgorithmOid',
];

function certificateFields(host, certificate) {
  const fields = {};
  for (const name of CERTIFICATE_FIELDS) {
    const value = certificate[name];
    if (value !== undefined) fields[name] = toIsolate(host, value);
  }
  for (const name of ['validFromDate', 'validToDate']) {
    if (certificate[name] instanceof Date) fields[name] = certificate[name].getTime();
  }
  return fields;
}

function args(host, list) {
  if (!Array.isArray(list) || list.length > 8) throw new TypeError('Invalid arguments.');
  return list.map((item) => fromIsolate(host, item));
}

export const ops = {
  // Calls module function `name` with `list`; returns its result as the isolate can take it.
  ncCall: guarded((host, name, list) => {
    if (typeof name !== 'string' || !Object.hasOwn(FUNCTIONS, name)) throw new TypeError(`Unknown node:crypto function: ${name}`);
    return toIsolate(host, FUNCTIONS[name](...args(host, list)));
  }),
  // Makes an object of `kind`; returns its handle and, for Diffie-Hellman, its verifyError.
  ncNew: guarded((host, kind, list) => {
    const spec = typeof kind === 'string' && Object.hasOwn(KINDS, kind) ? KINDS[kind] : null;
    if (!spec?.create) throw new TypeError(`Unknown node:crypto class: ${kind}`);
    const object = spec.create(...args(host, list));
    const id = add(host, kind, object);
    if (kind === 'X509Certificate') return [id, certificateFields(host, object)];
    return kind === 'DiffieHellman' || kind === 'DiffieHellmanGroup' ? [id, object.verifyError] : id;
  }),
  ncMethod: guarded((host, id, method, list) => {
    const { kind, object } = entry(host, id);
    const spec = KINDS[kind];
    if (typeof method !== 'string' || !spec.methods.has(method)) throw new TypeError(`Unknown method: ${method}`);
    const result = object[method](...args(host, list));
    const answer = methodResult(host, kind, object, method, result);
    if (spec.terminal.has(method)) release(host, id);
    return answer;
  }),
  // A hash or HMAC made, fed and digested in one call: [[data, encoding], ...] are its updates.
  ncDigest: guarded((host, kind, list, updates, outputEncoding) => {
    if ((kind !== 'Hash' && kind !== 'Hmac') || !Array.isArray(updates) || updates.length > MAX_UPDATES) throw new TypeError('Invalid digest call.');
    const object = KINDS[kind].create(...args(host, list));
    for (const update of updates) {
      if (!Array.isArray(update)) throw new TypeError('Invalid digest call.');
      object.update(fromIsolate(host, update[0]), update[1]);
    }
    return toIsolate(host, object.digest(outputEncoding));
  }),
  // The isolate lets go of objects it garbage-collected, or finished with.
  ncRelease: objects.releaseOp,
};
