// crypto.subtle for workers, performed by Node's Web Crypto. Keys never leave the host: each
// IsolateHost keeps its own table, and its isolate refers to a key by a handle that means
// nothing to any other isolate. Algorithms arrive normalised and checked by the isolate.
import { createHash } from 'node:crypto';

const { subtle } = globalThis.crypto;

function keyFor(host, handle) {
  const key = host.cryptoKeys?.get(handle);
  if (!key) throw new TypeError('Not a CryptoKey of this worker.');
  return key;
}

// What the isolate learns of a key: [handle, type, extractable, algorithm, usages].
function describe(host, key) {
  host.cryptoKeys ??= new Map();
  const handle = host.nextId++;
  host.cryptoKeys.set(handle, key);
  return [handle, key.type, key.extractable, structuredClone(key.algorithm), [...key.usages]];
}

// ECDH and X25519 name their peer's public key inside the algorithm.
function withKeys(host, algorithm) {
  return algorithm.public === undefined ? algorithm : { ...algorithm, public: keyFor(host, algorithm.public) };
}

// Each operation resolves its handles before its first await: a key the isolate releases while
// the operation runs is still the one used.
function run(host, callId, work) {
  host.completeWith(callId, work());
}

const bytes = (buffer) => new Uint8Array(buffer);

export function subtleDigest(host, callId, name, data) {
  run(host, callId, async () => (name === 'MD5' ? bytes(createHash('md5').update(data).digest()) : bytes(await subtle.digest(name, data))));
}

export function subtleEncrypt(host, callId, algorithm, handle, data) {
  run(host, callId, async () => bytes(await subtle.encrypt(algorithm, keyFor(host, handle), data)));
}

export function subtleDecrypt(host, callId, algorithm, handle, data) {
  run(host, callId, async () => bytes(await subtle.decrypt(algorithm, keyFor(host, handle), data)));
}

export function subtleSign(host, callId, algorithm, handle, data) {
  run(host, callId, async () => bytes(await subtle.sign(algorithm, keyFor(host, handle), data)));
}

export function subtleVerify(host, callId, algorithm, handle, signature, data) {
  run(host, callId, async () => subtle.verify(algorithm, keyFor(host, handle), signature, data));
}

// RSA key generation runs on the thread pool, outside the worker's CPU accounting: its cost grows
// with the fourth power of the modulus, so the modulus is bounded.
const MAX_RSA_MODULUS_BITS = 8192;

export function subtleGenerateKey(host, callId, algorithm, extractable, usages) {
  if (typeof algorithm?.modulusLength === 'number' && !(algorithm.modulusLength <= MAX_RSA_MODULUS_BITS)) {
    throw new DOMException(`RSA modulus length must be at most ${MAX_RSA_MODULUS_BITS} bits.`, 'NotSupportedError');
  }
  run(host, callId, async () => {
    const result = await subtle.generateKey(algorithm, extractable, usages);
    if (!result.privateKey) return describe(host, result);
    return { publicKey: describe(host, result.publicKey), privateKey: describe(host, result.privateKey) };
  });
}

export function subtleImportKey(host, callId, format, keyData, algorithm, extractable, usages) {
  run(host, callId, async () => describe(host, await subtle.importKey(format, keyData, algorithm, extractable, usages)));
}

export function subtleExportKey(host, callId, format, handle) {
  run(host, callId, async () => {
    const exported = await subtle.exportKey(format, keyFor(host, handle));
    return format === 'jwk' ? exported : bytes(exported);
  });
}

export function subtleDeriveBits(host, callId, algorithm, handle, length) {
  run(host, callId, async () => bytes(await subtle.deriveBits(withKeys(host, algorithm), keyFor(host, handle), length)));
}

export function subtleDeriveKey(host, callId, algorithm, handle, derivedKeyType, extractable, usages) {
  run(host, callId, async () => describe(host, await subtle.deriveKey(withKeys(host, algorithm), keyFor(host, handle), derivedKeyType, extractable, usages)));
}

export function subtleWrapKey(host, callId, format, handle, wrappingHandle, algorithm) {
  run(host, callId, async () => bytes(await subtle.wrapKey(format, keyFor(host, handle), keyFor(host, wrappingHandle), algorithm)));
}

export function subtleUnwrapKey(host, callId, format, wrappedKey, handle, algorithm, keyAlgorithm, extractable, usages) {
  run(host, callId, async () => describe(host, await subtle.unwrapKey(format, wrappedKey, keyFor(host, handle), algorithm, keyAlgorithm, extractable, usages)));
}

// The isolate lets go of keys whose CryptoKey it garbage-collected.
export function subtleRelease(host, handles) {
  for (const handle of handles) host.cryptoKeys?.delete(handle);
}
