// crypto.subtle. Arguments are converted and algorithms normalised here, as the Web Crypto spec
// describes; the cryptography itself runs on the host, which keeps every key. A CryptoKey in the
// isolate is only a handle to a key of this isolate's host, plus a copy of its public attributes.
import { hostAsync, hostCall } from './internal/bridge.js';
import { DOMException } from './dom-exception.js';

// ---- conversions (WebIDL) ----

const isBufferSource = (value) => value instanceof ArrayBuffer || ArrayBuffer.isView(value);

// A BufferSource argument is type-checked when the method is called, but its bytes are copied
// only after the algorithm is normalised (whose getters may still change or detach them).
function bufferSource(value, what) {
  if (value instanceof ArrayBuffer || (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer)) return value;
  throw new TypeError(`${what} must be an ArrayBuffer or ArrayBufferView.`);
}

// The spec's "get a copy of the bytes held by": a detached buffer holds none.
function copyBytes(source) {
  const buffer = source instanceof ArrayBuffer ? source : source.buffer;
  if (buffer.detached) return new Uint8Array(0);
  if (source instanceof ArrayBuffer) return new Uint8Array(source.slice(0));
  return new Uint8Array(buffer, source.byteOffset, source.byteLength).slice();
}

function toArrayBuffer(bytes) {
  const { buffer, byteOffset, byteLength } = bytes;
  return byteOffset === 0 && byteLength === buffer.byteLength ? buffer : buffer.slice(byteOffset, byteOffset + byteLength);
}

// [EnforceRange] integer types.
function enforceRange(value, max, what) {
  const n = +value;
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number.`);
  const i = Math.trunc(n);
  if (i < 0 || i > max) throw new TypeError(`${what} is outside the range 0 to ${max}.`);
  return i;
}

function toSequence(value, what) {
  if (value === null || typeof value !== 'object' || typeof value[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what} must be a sequence.`);
  }
  return [...value];
}

const FORMATS = ['raw', 'spki', 'pkcs8', 'jwk'];
const USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'deriveKey', 'deriveBits', 'wrapKey', 'unwrapKey'];

function keyFormat(value) {
  const format = `${value}`;
  if (!FORMATS.includes(format)) throw new TypeError(`'${format}' is not a valid key format.`);
  return format;
}

function keyUsages(value) {
  return toSequence(value, 'keyUsages').map((usage) => {
    const name = `${usage}`;
    if (!USAGES.includes(name)) throw new TypeError(`'${name}' is not a valid key usage.`);
    return name;
  });
}

const JWK_STRINGS = ['kty', 'use', 'alg', 'crv', 'x', 'y', 'd', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

function jsonWebKey(value) {
  const jwk = {};
  for (const name of JWK_STRINGS) {
    if (value[name] !== undefined) jwk[name] = `${value[name]}`;
  }
  if (value.key_ops !== undefined) jwk.key_ops = toSequence(value.key_ops, 'key_ops').map((op) => `${op}`);
  if (value.ext !== undefined) jwk.ext = Boolean(value.ext);
  if (value.oth !== undefined) {
    jwk.oth = toSequence(value.oth, 'oth').map((prime) => {
      const out = {};
      for (const name of ['r', 'd', 't']) if (prime?.[name] !== undefined) out[name] = `${prime[name]}`;
      return out;
    });
  }
  return jwk;
}

// (BufferSource or JsonWebKey), as importKey's keyData.
function keyData(value) {
  if (isBufferSource(value)) return bufferSource(value, 'keyData');
  if (value !== null && typeof value === 'object') return jsonWebKey(value);
  throw new TypeError('keyData must be a BufferSource or a JsonWebKey.');
}

function requireArguments(args, count, method) {
  if (args.length < count) {
    throw new TypeError(`Failed to execute '${method}' on 'SubtleCrypto': ${count} arguments required, but only ${args.length} present.`);
  }
}

// ---- algorithm normalisation ----

// The members of each algorithm parameter dictionary: [type, required].
const PARAMS = {
  none: {},
  RsaHashedKeyGenParams: { modulusLength: ['ulong', true], publicExponent: ['bigint', true], hash: ['hash', true] },
  RsaHashedImportParams: { hash: ['hash', true] },
  RsaPssParams: { saltLength: ['ulong', true] },
  RsaOaepParams: { label: ['bytes', false] },
  EcKeyParams: { namedCurve: ['string', true] },
  EcdsaParams: { hash: ['hash', true] },
  EcdhKeyDeriveParams: { public: ['key', true] },
  AesKeyParams: { length: ['ushort', true] },
  AesCtrParams: { counter: ['bytes', true], length: ['octet', true] },
  AesCbcParams: { iv: ['bytes', true] },
  AesGcmParams: { iv: ['bytes', true], additionalData: ['bytes', false], tagLength: ['octet', false] },
  HmacKeyParams: { hash: ['hash', true], length: ['ulong', false] },
  HkdfParams: { hash: ['hash', true], salt: ['bytes', true], info: ['bytes', true] },
  Pbkdf2Params: { hash: ['hash', true], salt: ['bytes', true], iterations: ['ulong', true] },
};

const AES = ['AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW'];
const RSA = ['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP'];
const each = (names, params) => Object.fromEntries(names.map((name) => [name, params]));

// Which algorithms each operation supports, with their parameter dictionary. NODE-ED25519 is
// Workers' legacy name for Ed25519; MD5 a Workers extension to digest().
const SIGN = { 'RSASSA-PKCS1-v1_5': 'none', 'RSA-PSS': 'RsaPssParams', ECDSA: 'EcdsaParams', Ed25519: 'none', 'NODE-ED25519': 'none', HMAC: 'none' };
const ENCRYPT = { 'RSA-OAEP': 'RsaOaepParams', 'AES-CTR': 'AesCtrParams', 'AES-CBC': 'AesCbcParams', 'AES-GCM': 'AesGcmParams' };
const HASHES = each(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'], 'none');
const REGISTRY = {
  digest: { ...HASHES, MD5: 'none' },
  // The hash member of other algorithms: digest() alone takes MD5.
  hash: HASHES,
  generateKey: {
    ...each(RSA, 'RsaHashedKeyGenParams'), ...each(['ECDSA', 'ECDH', 'NODE-ED25519'], 'EcKeyParams'), ...each(AES, 'AesKeyParams'),
    Ed25519: 'none', X25519: 'none', HMAC: 'HmacKeyParams',
  },
  importKey: {
    ...each(RSA, 'RsaHashedImportParams'), ...each(['ECDSA', 'ECDH', 'NODE-ED25519'], 'EcKeyParams'),
    ...each([...AES, 'Ed25519', 'X25519', 'HKDF', 'PBKDF2'], 'none'), HMAC: 'HmacKeyParams',
  },
  sign: SIGN,
  verify: SIGN,
  encrypt: ENCRYPT,
  decrypt: ENCRYPT,
  wrapKey: { 'AES-KW': 'none' },
  unwrapKey: { 'AES-KW': 'none' },
  deriveBits: { ECDH: 'EcdhKeyDeriveParams', X25519: 'EcdhKeyDeriveParams', HKDF: 'HkdfParams', PBKDF2: 'Pbkdf2Params' },
  getKeyLength: { ...each(AES, 'AesKeyParams'), HMAC: 'HmacKeyParams', HKDF: 'none', PBKDF2: 'none' },
};

function convertMember(type, value, what) {
  switch (type) {
    case 'bytes':
      return copyBytes(bufferSource(value, what));
    case 'bigint':
      if (!(value instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array.`);
      return value.slice();
    case 'hash':
      return { name: normalize(value, 'hash').name };
    case 'key':
      return keyState(value, what).handle;
    case 'string':
      return `${value}`;
    case 'ulong':
      return enforceRange(value, 0xffffffff, what);
    case 'ushort':
      return enforceRange(value, 0xffff, what);
    default: // octet
      return enforceRange(value, 0xff, what);
  }
}

// Normalises `algorithm` for `op` into a plain object the host can take: the canonical name and
// converted parameters (bytes copied, hashes normalised, keys replaced by their handles).
function normalize(algorithm, op) {
  const dict = (typeof algorithm === 'object' && algorithm !== null) || typeof algorithm === 'function' ? algorithm : { name: `${algorithm}` };
  // Each member is read once: a getter may have side effects.
  const rawName = dict.name;
  if (rawName === undefined) throw new TypeError("Algorithm: 'name' is required.");
  const requested = `${rawName}`.toUpperCase();
  const supported = REGISTRY[op];
  const name = Object.keys(supported).find((candidate) => candidate.toUpperCase() === requested);
  if (name === undefined) throw new DOMException(`Unrecognized or unimplemented algorithm: ${rawName}`, 'NotSupportedError');
  const normalized = { name };
  for (const [member, [type, required]] of Object.entries(PARAMS[supported[name]])) {
    const value = dict[member];
    if (value === undefined) {
      if (required) throw new TypeError(`Algorithm ${name}: '${member}' is required.`);
      continue;
    }
    normalized[member] = convertMember(type, value, `${name} ${member}`);
  }
  return normalized;
}

// wrapKey/unwrapKey take any encryption algorithm too.
function normalizeWrap(algorithm, op, fallback) {
  try {
    return normalize(algorithm, op);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotSupportedError') return normalize(algorithm, fallback);
    throw err;
  }
}

// Workers refuses longer PBKDF2 derivations; so does this runtime, whose host would otherwise
// spend CPU time no limit accounts for.
const PBKDF2_MAX_ITERATIONS = 100_000;

function normalizeDerive(algorithm) {
  const normalized = normalize(algorithm, 'deriveBits');
  if (normalized.name === 'PBKDF2' && normalized.iterations > PBKDF2_MAX_ITERATIONS) {
    throw new DOMException(`Pbkdf2 failed: iteration counts above ${PBKDF2_MAX_ITERATIONS} are not supported (requested ${normalized.iterations}).`, 'NotSupportedError');
  }
  return normalized;
}

const LEGACY_ED25519 = 'NODE-ED25519';

function checkLegacyCurve(algorithm) {
  if (algorithm.name === LEGACY_ED25519 && algorithm.namedCurve !== LEGACY_ED25519) {
    throw new DOMException(`EDDSA curve "${algorithm.namedCurve}" isn't supported.`, 'NotSupportedError');
  }
}

const EC_CURVES = ['P-256', 'P-384', 'P-521'];
const AES_LENGTHS = [128, 192, 256];
const RSA_EXPONENTS = [3n, 65537n];
// strict_crypto_checks: imported keys may also use these commonly used safe exponents.
const RSA_IMPORT_EXPONENTS = [3n, 17n, 37n, 65537n];

const bigEndian = (bytes) => bytes.reduce((n, byte) => n * 256n + BigInt(byte), 0n);

// Chromium's limits, which keep key generation from looping: a whole number of bytes, 256 to 16k bits.
function checkModulusLength(bits) {
  if (bits % 8 !== 0 || bits < 256 || bits > 16384) {
    throw new DOMException(`The modulus length must be a multiple of 8 and between 256 and 16k, but ${bits} was requested.`, 'OperationError');
  }
}

// generateKey's checks of the parameters themselves reject at once, as algorithm normalisation
// does; only the usages are checked with the generation, later.
function checkGenerateParams(algorithm) {
  const { name } = algorithm;
  if (AES.includes(name) && !AES_LENGTHS.includes(algorithm.length)) {
    throw new DOMException('AES key length must be 128, 192, or 256 bits.', 'OperationError');
  }
  if ((name === 'ECDSA' || name === 'ECDH') && !EC_CURVES.includes(algorithm.namedCurve)) {
    throw new DOMException(`Unrecognized or unimplemented EC curve "${algorithm.namedCurve}" requested.`, 'NotSupportedError');
  }
  if (RSA.includes(name)) {
    checkModulusLength(algorithm.modulusLength);
    const exponent = bigEndian(algorithm.publicExponent);
    if (!RSA_EXPONENTS.includes(exponent)) throw new DOMException(`The "publicExponent" must be either 3 or 65537, but got ${exponent}.`, 'OperationError');
    // strict_crypto_checks: BoringSSL would otherwise truncate the key.
    if (algorithm.modulusLength % 128 !== 0) throw new DOMException("Can't generate key: RSA key size is required to be a multiple of 128", 'OperationError');
  }
}

// strict_crypto_checks: an imported RSA key is held to the limits of generated ones, with a few
// more exponents allowed.
function checkImportedRsa({ name, modulusLength, publicExponent }) {
  if (!RSA.includes(name)) return;
  checkModulusLength(modulusLength);
  const exponent = bigEndian(publicExponent);
  if (!RSA_IMPORT_EXPONENTS.includes(exponent)) throw new DOMException(`Imported RSA key has invalid publicExponent ${exponent}.`, 'OperationError');
}

// The host only knows the standard name.
function forHost(algorithm) {
  return algorithm.name === LEGACY_ED25519 ? { name: 'Ed25519' } : algorithm;
}

// ---- keys ----

const kCreate = Symbol('CryptoKey');
let keyState;

export class CryptoKey {
  #handle;
  #name;
  #granted;
  #type;
  #extractable;
  #algorithm;
  #usages;

  constructor(token, handle, type, extractable, algorithm, usages) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#handle = handle;
    // The exposed algorithm and usages are the caller's to mutate; checks use private copies.
    this.#name = algorithm.name;
    this.#granted = usages.slice();
    this.#type = type;
    this.#extractable = extractable;
    this.#algorithm = algorithm;
    this.#usages = usages;
  }

  get type() {
    return this.#type;
  }

  get extractable() {
    return this.#extractable;
  }

  get algorithm() {
    return this.#algorithm;
  }

  get usages() {
    return this.#usages;
  }

  static {
    // Only real keys made here carry a handle; look-alike objects fail the brand check.
    keyState = (key, what) => {
      if (typeof key !== 'object' || key === null || !(#handle in key)) throw new TypeError(`${what} is not a CryptoKey.`);
      return { handle: key.#handle, name: key.#name, usages: key.#granted, extractable: key.#extractable };
    };
  }
}

Object.defineProperty(CryptoKey.prototype, Symbol.toStringTag, { value: 'CryptoKey', configurable: true });

// Keys whose CryptoKey was garbage-collected are released on the host from time to time, so a
// worker importing a key per request does not grow the host without bound.
const liveKeys = new Map();
let sweepAt = 256;

function sweep() {
  const dead = [];
  for (const [handle, ref] of liveKeys) {
    if (ref.deref() === undefined) {
      liveKeys.delete(handle);
      dead.push(handle);
    }
  }
  if (dead.length) hostCall('subtleRelease', dead);
  sweepAt = Math.max(256, liveKeys.size * 2);
}

// A CryptoKey for the host's description [handle, type, extractable, algorithm, usages].
function makeKey([handle, type, extractable, algorithm, usages], requested) {
  const shown = requested.name === LEGACY_ED25519 ? { name: LEGACY_ED25519, namedCurve: LEGACY_ED25519 } : algorithm;
  const key = new CryptoKey(kCreate, handle, type, extractable, shown, usages);
  liveKeys.set(handle, new WeakRef(key));
  if (liveKeys.size >= sweepAt) sweep();
  return key;
}

// An imported key is made (so that its handle is released with it) before it is checked.
function importedKey(result, requested) {
  const key = makeKey(result, requested);
  checkImportedRsa(key.algorithm);
  return key;
}

function makeKeys(result, requested) {
  if (Array.isArray(result)) return makeKey(result, requested);
  return { publicKey: makeKey(result.publicKey, requested), privateKey: makeKey(result.privateKey, requested) };
}

// The spec's checks before using a key: same algorithm, and the usage was granted.
function usableKey(key, what, algorithm, usage) {
  const { handle, name, usages } = keyState(key, what);
  if (name !== algorithm.name) {
    throw new DOMException(`Requested algorithm "${algorithm.name}" does not match this CryptoKey's algorithm "${name}".`, 'InvalidAccessError');
  }
  if (!usages.includes(usage)) {
    throw new DOMException(`Requested key usage "${usage}" does not match any usage listed in this CryptoKey.`, 'InvalidAccessError');
  }
  return handle;
}

function extractableKey(key, what) {
  const { handle, name, extractable } = keyState(key, what);
  if (!extractable) throw new DOMException(`Attempt to export non-extractable ${name} key.`, 'InvalidAccessError');
  return handle;
}

// ---- SubtleCrypto ----

export class SubtleCrypto {
  constructor(token) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
  }

  async digest(algorithm, data) {
    requireArguments(arguments, 2, 'digest');
    const source = bufferSource(data, 'data');
    const { name } = normalize(algorithm, 'digest');
    const bytes = copyBytes(source);
    return toArrayBuffer(await hostAsync('subtleDigest', name, bytes));
  }

  async encrypt(algorithm, key, data) {
    requireArguments(arguments, 3, 'encrypt');
    const source = bufferSource(data, 'data');
    const normalized = normalize(algorithm, 'encrypt');
    const bytes = copyBytes(source);
    const handle = usableKey(key, 'key', normalized, 'encrypt');
    return toArrayBuffer(await hostAsync('subtleEncrypt', normalized, handle, bytes));
  }

  async decrypt(algorithm, key, data) {
    requireArguments(arguments, 3, 'decrypt');
    const source = bufferSource(data, 'data');
    const normalized = normalize(algorithm, 'decrypt');
    const bytes = copyBytes(source);
    const handle = usableKey(key, 'key', normalized, 'decrypt');
    return toArrayBuffer(await hostAsync('subtleDecrypt', normalized, handle, bytes));
  }

  async sign(algorithm, key, data) {
    requireArguments(arguments, 3, 'sign');
    const source = bufferSource(data, 'data');
    const normalized = normalize(algorithm, 'sign');
    const bytes = copyBytes(source);
    const handle = usableKey(key, 'key', normalized, 'sign');
    return toArrayBuffer(await hostAsync('subtleSign', forHost(normalized), handle, bytes));
  }

  async verify(algorithm, key, signature, data) {
    requireArguments(arguments, 4, 'verify');
    const signatureSource = bufferSource(signature, 'signature');
    const source = bufferSource(data, 'data');
    const normalized = normalize(algorithm, 'verify');
    const signatureBytes = copyBytes(signatureSource);
    const bytes = copyBytes(source);
    const handle = usableKey(key, 'key', normalized, 'verify');
    return hostAsync('subtleVerify', forHost(normalized), handle, signatureBytes, bytes);
  }

  async generateKey(algorithm, extractable, usages) {
    requireArguments(arguments, 3, 'generateKey');
    const flag = Boolean(extractable);
    const usageList = keyUsages(usages);
    const normalized = normalize(algorithm, 'generateKey');
    checkLegacyCurve(normalized);
    checkGenerateParams(normalized);
    return makeKeys(await hostAsync('subtleGenerateKey', forHost(normalized), flag, usageList), normalized);
  }

  async importKey(format, data, algorithm, extractable, usages) {
    requireArguments(arguments, 5, 'importKey');
    const fmt = keyFormat(format);
    const source = keyData(data);
    const flag = Boolean(extractable);
    const usageList = keyUsages(usages);
    const normalized = normalize(algorithm, 'importKey');
    checkLegacyCurve(normalized);
    const isJwk = !isBufferSource(source);
    if (fmt === 'jwk' && !isJwk) throw new TypeError('keyData must be a JsonWebKey for the jwk format.');
    if (fmt !== 'jwk' && isJwk) throw new TypeError(`keyData must be a BufferSource for the ${fmt} format.`);
    const material = isJwk ? source : copyBytes(source);
    return importedKey(await hostAsync('subtleImportKey', fmt, material, forHost(normalized), flag, usageList), normalized);
  }

  async exportKey(format, key) {
    requireArguments(arguments, 2, 'exportKey');
    const fmt = keyFormat(format);
    const handle = extractableKey(key, 'key');
    const exported = await hostAsync('subtleExportKey', fmt, handle);
    if (fmt !== 'jwk') return toArrayBuffer(exported);
    // Workers labels Ed25519 JWKs "EdDSA", and legacy NODE-ED25519 ones not at all.
    const { name } = keyState(key, 'key');
    if (name === 'Ed25519') exported.alg = 'EdDSA';
    if (name === LEGACY_ED25519) delete exported.alg;
    return exported;
  }

  async deriveBits(algorithm, baseKey, length = null) {
    requireArguments(arguments, 2, 'deriveBits');
    // unsigned long? (no [EnforceRange]): wraps modulo 2^32.
    const bits = length === null || length === undefined ? null : (Math.trunc(+length) || 0) >>> 0;
    const normalized = normalizeDerive(algorithm);
    const handle = usableKey(baseKey, 'baseKey', normalized, 'deriveBits');
    return toArrayBuffer(await hostAsync('subtleDeriveBits', normalized, handle, bits));
  }

  async deriveKey(algorithm, baseKey, derivedKeyType, extractable, usages) {
    requireArguments(arguments, 5, 'deriveKey');
    const flag = Boolean(extractable);
    const usageList = keyUsages(usages);
    const normalized = normalizeDerive(algorithm);
    const derived = { ...normalize(derivedKeyType, 'importKey'), ...normalize(derivedKeyType, 'getKeyLength') };
    const handle = usableKey(baseKey, 'baseKey', normalized, 'deriveKey');
    return makeKey(await hostAsync('subtleDeriveKey', normalized, handle, derived, flag, usageList), derived);
  }

  async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    requireArguments(arguments, 4, 'wrapKey');
    const fmt = keyFormat(format);
    const normalized = normalizeWrap(wrapAlgorithm, 'wrapKey', 'encrypt');
    const wrappingHandle = usableKey(wrappingKey, 'wrappingKey', normalized, 'wrapKey');
    const handle = extractableKey(key, 'key');
    return toArrayBuffer(await hostAsync('subtleWrapKey', fmt, handle, wrappingHandle, normalized));
  }

  async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, usages) {
    requireArguments(arguments, 7, 'unwrapKey');
    const fmt = keyFormat(format);
    const source = bufferSource(wrappedKey, 'wrappedKey');
    const flag = Boolean(extractable);
    const usageList = keyUsages(usages);
    const normalized = normalizeWrap(unwrapAlgorithm, 'unwrapKey', 'decrypt');
    const keyAlgorithm = normalize(unwrappedKeyAlgorithm, 'importKey');
    checkLegacyCurve(keyAlgorithm);
    const bytes = copyBytes(source);
    const handle = usableKey(unwrappingKey, 'unwrappingKey', normalized, 'unwrapKey');
    const result = await hostAsync('subtleUnwrapKey', fmt, bytes, handle, normalized, forHost(keyAlgorithm), flag, usageList);
    return importedKey(result, keyAlgorithm);
  }

  // Workers extension: compares in time that depends only on the length.
  timingSafeEqual(a, b) {
    requireArguments(arguments, 2, 'timingSafeEqual');
    const left = copyBytes(bufferSource(a, 'a'));
    const right = copyBytes(bufferSource(b, 'b'));
    if (left.byteLength !== right.byteLength) throw new TypeError('Input buffers must have the same byte length.');
    let difference = 0;
    for (let i = 0; i < left.byteLength; i++) difference |= left[i] ^ right[i];
    return difference === 0;
  }
}

Object.defineProperty(SubtleCrypto.prototype, Symbol.toStringTag, { value: 'SubtleCrypto', configurable: true });

export const subtle = new SubtleCrypto(kCreate);
