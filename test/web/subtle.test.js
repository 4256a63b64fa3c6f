import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertDOMException, assertTypeError } from './run-checks.js';
import { moduleBundle, startWorker } from '../helpers/worker.js';
import * as subtleOps from '../../src/runtime/host-ops/subtle.js';
import { IsolateHost } from '../../src/runtime/isolate-host.js';
import { generateKeyPairSync } from 'node:crypto';

const HELPERS = `
  const S = crypto.subtle;
  const enc = (s) => new TextEncoder().encode(s);
  const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
  const unhex = (h) => new Uint8Array(h.match(/../g)?.map((x) => parseInt(x, 16)) ?? []);
  const same = (a, b) => hex(a) === hex(b);
  const rsa = (name, usages) => S.generateKey({ name, modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, usages);
  const aes = (name, length = 128, usages = ['encrypt', 'decrypt']) => S.generateKey({ name, length }, true, usages);
`;

let results;
before(async () => {
  ({ results } = await runChecks(`${HELPERS}
    // ---- digest ----
    await check('digest', async () => Promise.all(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'MD5'].map(async (name) => hex(await S.digest(name, enc('abc'))))));
    await check('digestForms', async () => [
      hex(await S.digest({ name: 'sha-256' }, new ArrayBuffer(0))),
      hex(await S.digest('SHA-256', new DataView(enc('xabcx').buffer, 1, 3))),
      (await S.digest('SHA-256', enc('abc'))) instanceof ArrayBuffer,
    ]);
    await check('digestUnknown', () => S.digest('SHA-3', enc('abc')));
    await check('digestString', () => S.digest('SHA-256', 'abc'));
    await check('digestNoArgs', () => S.digest('SHA-256'));
    await check('digestNoName', () => S.digest({}, enc('abc')));

    // ---- HMAC ----
    await check('hmac', async () => {
      const k1 = await S.importKey('raw', new Uint8Array(20).fill(0x0b), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
      const k2 = await S.importKey('raw', enc('Jefe'), { name: 'HMAC', hash: { name: 'SHA-256' } }, false, ['sign', 'verify']);
      const mac = await S.sign('HMAC', k2, enc('what do ya want for nothing?'));
      return [
        hex(await S.sign('HMAC', k1, enc('Hi There'))), hex(mac),
        await S.verify('HMAC', k2, mac, enc('what do ya want for nothing?')),
        await S.verify('HMAC', k2, mac, enc('what do ya want for nothing!')),
        k1.type, k1.extractable, k1.algorithm, k1.usages,
      ];
    });
    await check('hmacGenerate', async () => {
      const k = await S.generateKey({ name: 'HMAC', hash: 'SHA-512' }, true, ['sign']);
      return [k.algorithm, (await S.exportKey('raw', k)).byteLength];
    });
    await check('hmacNoHash', () => S.importKey('raw', new Uint8Array(16), { name: 'HMAC' }, false, ['sign']));

    // ---- PBKDF2 / HKDF ----
    await check('pbkdf2', async () => {
      const key = await S.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
      const bits = (hash, iterations, length) => S.deriveBits({ name: 'PBKDF2', hash, salt: enc('salt'), iterations }, key, length).then(hex);
      return [await bits('SHA-1', 1, 160), await bits('SHA-1', 2, 160), await bits('SHA-1', 4096, 160), await bits('SHA-256', 1, 256)];
    });
    await check('hkdf', async () => {
      const key = await S.importKey('raw', new Uint8Array(22).fill(0x0b), 'HKDF', false, ['deriveBits']);
      const salt = unhex('000102030405060708090a0b0c');
      const info = unhex('f0f1f2f3f4f5f6f7f8f9');
      return hex(await S.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, 42 * 8));
    });
    await check('hkdfNullLength', async () => {
      const key = await S.importKey('raw', new Uint8Array(16), 'HKDF', false, ['deriveBits']);
      return S.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: new Uint8Array() }, key, null);
    });
    await check('hkdfMissingInfo', async () => {
      const key = await S.importKey('raw', new Uint8Array(16), 'HKDF', false, ['deriveBits']);
      return S.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array() }, key, 128);
    });
    await check('pbkdf2Cap', async () => {
      const key = await S.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveBits']);
      return S.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: enc('salt'), iterations: 100001 }, key, 256);
    });
    await check('pbkdf2Extractable', () => S.importKey('raw', enc('pw'), 'PBKDF2', true, ['deriveBits']));
    await check('deriveKeyPbkdf2', async () => {
      const base = await S.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveKey']);
      const params = { name: 'PBKDF2', hash: 'SHA-256', salt: enc('salt'), iterations: 1000 };
      const k1 = await S.deriveKey(params, base, { name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
      const k2 = await S.deriveKey(params, base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, true, ['sign']);
      const iv = new Uint8Array(12);
      const ct = await S.encrypt({ name: 'AES-GCM', iv }, k1, enc('hi'));
      return [k1.algorithm, k2.algorithm, same(await S.exportKey('raw', k1), await S.deriveBits(params, await S.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveBits']), 256)),
        new TextDecoder().decode(await S.decrypt({ name: 'AES-GCM', iv }, k1, ct))];
    });
    await check('deriveKeyNoLength', async () => {
      const base = await S.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveKey']);
      return S.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: enc('salt'), iterations: 1 }, base, { name: 'AES-GCM' }, true, ['encrypt']);
    });
    await check('deriveKeyUnsupportedType', async () => {
      const base = await S.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveKey']);
      return S.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: enc('salt'), iterations: 1 }, base, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
    });
    await check('deriveWithoutUsage', async () => {
      const base = await S.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveBits']);
      return S.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: enc('salt'), iterations: 1 }, base, { name: 'AES-GCM', length: 128 }, true, ['encrypt']);
    });
    await check('iterationsRange', async () => {
      const base = await S.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveBits']);
      return S.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: enc('salt'), iterations: -1 }, base, 128);
    });

    // ---- AES ----
    await check('aesGcmVectors', async () => {
      const key = await S.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']);
      const iv = new Uint8Array(12);
      return [hex(await S.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(0))), hex(await S.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(16)))];
    });
    await check('aesGcmRoundTrip', async () => {
      const key = await aes('AES-GCM', 256);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const params = { name: 'AES-GCM', iv, additionalData: enc('header'), tagLength: 96 };
      const ct = await S.encrypt(params, key, enc('secret message'));
      return [ct.byteLength, new TextDecoder().decode(await S.decrypt(params, key, ct))];
    });
    await check('aesGcmTampered', async () => {
      const key = await aes('AES-GCM');
      const iv = new Uint8Array(12);
      const ct = new Uint8Array(await S.encrypt({ name: 'AES-GCM', iv }, key, enc('secret')));
      ct[0] ^= 1;
      return S.decrypt({ name: 'AES-GCM', iv }, key, ct);
    });
    await check('aesGcmWrongAad', async () => {
      const key = await aes('AES-GCM');
      const iv = new Uint8Array(12);
      const ct = await S.encrypt({ name: 'AES-GCM', iv, additionalData: enc('a') }, key, enc('secret'));
      return S.decrypt({ name: 'AES-GCM', iv, additionalData: enc('b') }, key, ct);
    });
    await check('aesGcmNoIv', async () => S.encrypt({ name: 'AES-GCM' }, await aes('AES-GCM'), enc('x')));
    await check('aesCbc', async () => {
      const key = await S.importKey('raw', unhex('2b7e151628aed2a6abf7158809cf4f3c'), { name: 'AES-CBC' }, true, ['encrypt', 'decrypt']);
      const iv = unhex('000102030405060708090a0b0c0d0e0f');
      const ct = await S.encrypt({ name: 'AES-CBC', iv }, key, unhex('6bc1bee22e409f96e93d7e117393172a'));
      return [hex(ct).slice(0, 32), ct.byteLength, hex(await S.decrypt({ name: 'AES-CBC', iv }, key, ct))];
    });
    await check('aesCbcBadIv', async () => S.encrypt({ name: 'AES-CBC', iv: new Uint8Array(12) }, await aes('AES-CBC'), enc('x')));
    await check('aesCtr', async () => {
      const key = await S.importKey('raw', unhex('2b7e151628aed2a6abf7158809cf4f3c'), 'AES-CTR', true, ['encrypt', 'decrypt']);
      const params = { name: 'AES-CTR', counter: unhex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'), length: 64 };
      const ct = await S.encrypt(params, key, unhex('6bc1bee22e409f96e93d7e117393172a'));
      return [hex(ct), hex(await S.decrypt(params, key, ct))];
    });
    await check('aesCtrLengthRange', async () => S.encrypt({ name: 'AES-CTR', counter: new Uint8Array(16), length: 256 }, await aes('AES-CTR'), enc('x')));
    await check('aesKw', async () => {
      const kek = await S.importKey('raw', unhex('000102030405060708090a0b0c0d0e0f'), 'AES-KW', false, ['wrapKey', 'unwrapKey']);
      const key = await S.importKey('raw', unhex('00112233445566778899aabbccddeeff'), 'AES-GCM', true, ['encrypt']);
      const wrapped = await S.wrapKey('raw', key, kek, 'AES-KW');
      const back = await S.unwrapKey('raw', wrapped, kek, { name: 'AES-KW' }, 'AES-GCM', true, ['encrypt']);
      return [hex(wrapped), back.algorithm, hex(await S.exportKey('raw', back))];
    });
    await check('aesBadLength', () => S.importKey('raw', new Uint8Array(15), 'AES-GCM', true, ['encrypt']));
    await check('aesBadUsage', () => S.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['sign']));
    await check('aesGenerateBadLength', () => S.generateKey({ name: 'AES-GCM', length: 100 }, true, ['encrypt']));
    await check('unknownUsage', () => S.generateKey({ name: 'AES-GCM', length: 128 }, true, ['frobnicate']));
    await check('usagesNotSequence', () => S.generateKey({ name: 'AES-GCM', length: 128 }, true, 'encrypt'));
    await check('emptyUsages', () => S.generateKey({ name: 'AES-GCM', length: 128 }, true, []));
    await check('wrongAlgorithmForKey', async () => S.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, await aes('AES-GCM'), enc('x')));
    await check('missingUsage', async () => S.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, await aes('AES-GCM', 128, ['encrypt']), new Uint8Array(32)));
    await check('nonExtractable', async () => S.exportKey('raw', await S.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt'])));
    await check('badFormat', async () => S.exportKey('pem', await aes('AES-GCM')));

    // ---- RSA ----
    await check('rsassa', async () => {
      const { publicKey, privateKey } = await rsa('RSASSA-PKCS1-v1_5', ['sign', 'verify']);
      const sig = await S.sign('RSASSA-PKCS1-v1_5', privateKey, enc('m'));
      return [publicKey.type, privateKey.type, publicKey.algorithm.name, publicKey.algorithm.modulusLength, [...publicKey.algorithm.publicExponent], publicKey.algorithm.hash,
        publicKey.usages, privateKey.usages, sig.byteLength,
        await S.verify('RSASSA-PKCS1-v1_5', publicKey, sig, enc('m')), await S.verify('RSASSA-PKCS1-v1_5', publicKey, sig, enc('n'))];
    });
    await check('rsaPss', async () => {
      const { publicKey, privateKey } = await rsa('RSA-PSS', ['sign', 'verify']);
      const sig = await S.sign({ name: 'RSA-PSS', saltLength: 32 }, privateKey, enc('m'));
      return [await S.verify({ name: 'RSA-PSS', saltLength: 32 }, publicKey, sig, enc('m')), await S.verify({ name: 'RSA-PSS', saltLength: 32 }, publicKey, sig, enc('x'))];
    });
    await check('rsaPssNoSalt', async () => S.sign('RSA-PSS', (await rsa('RSA-PSS', ['sign', 'verify'])).privateKey, enc('m')));
    await check('rsaOaep', async () => {
      const { publicKey, privateKey } = await rsa('RSA-OAEP', ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
      const label = enc('label');
      const ct = await S.encrypt({ name: 'RSA-OAEP', label }, publicKey, enc('secret'));
      const key = await aes('AES-CBC', 256);
      const wrapped = await S.wrapKey('raw', key, publicKey, 'RSA-OAEP');
      const back = await S.unwrapKey('raw', wrapped, privateKey, 'RSA-OAEP', 'AES-CBC', true, ['decrypt']);
      return [new TextDecoder().decode(await S.decrypt({ name: 'RSA-OAEP', label }, privateKey, ct)), back.usages, same(await S.exportKey('raw', key), await S.exportKey('raw', back))];
    });
    await check('rsaFormats', async () => {
      const { publicKey, privateKey } = await rsa('RSA-PSS', ['sign', 'verify']);
      const spki = await S.exportKey('spki', publicKey);
      const pkcs8 = await S.exportKey('pkcs8', privateKey);
      const jwk = await S.exportKey('jwk', privateKey);
      const pub = await S.importKey('spki', spki, { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['verify']);
      const priv = await S.importKey('pkcs8', pkcs8, { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['sign']);
      const priv2 = await S.importKey('jwk', jwk, { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['sign']);
      const sig = await S.sign({ name: 'RSA-PSS', saltLength: 0 }, priv2, enc('m'));
      return [jwk.kty, jwk.alg, typeof jwk.d, same(spki, await S.exportKey('spki', pub)), same(pkcs8, await S.exportKey('pkcs8', priv)), await S.verify({ name: 'RSA-PSS', saltLength: 0 }, pub, sig, enc('m'))];
    });
    await check('rsaBadSpki', () => S.importKey('spki', new Uint8Array(16), { name: 'RSA-OAEP', hash: 'SHA-256' }, true, ['encrypt']));

    // ---- EC ----
    await check('ecdsa', async () => {
      const out = [];
      for (const [namedCurve, hash, size] of [['P-256', 'SHA-256', 64], ['P-384', 'SHA-384', 96], ['P-521', 'SHA-512', 132]]) {
        const { publicKey, privateKey } = await S.generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify']);
        const sig = await S.sign({ name: 'ECDSA', hash }, privateKey, enc('m'));
        out.push([publicKey.algorithm, sig.byteLength === size, await S.verify({ name: 'ECDSA', hash }, publicKey, sig, enc('m')), await S.verify({ name: 'ECDSA', hash }, publicKey, sig, enc('x'))]);
      }
      return out;
    });
    await check('ecdsaNoHash', async () => S.sign('ECDSA', (await S.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])).privateKey, enc('m')));
    await check('ecBadCurve', () => S.generateKey({ name: 'ECDSA', namedCurve: 'P-255' }, true, ['sign']));
    await check('ecdsaWithPublicKey', async () => S.sign({ name: 'ECDSA', hash: 'SHA-256' }, (await S.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])).publicKey, enc('m')));
    await check('ecFormats', async () => {
      const { publicKey, privateKey } = await S.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
      const raw = await S.exportKey('raw', publicKey);
      const jwk = await S.exportKey('jwk', privateKey);
      const fromRaw = await S.importKey('raw', raw, { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify']);
      const fromSpki = await S.importKey('spki', await S.exportKey('spki', publicKey), { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify']);
      const fromPkcs8 = await S.importKey('pkcs8', await S.exportKey('pkcs8', privateKey), { name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign']);
      const fromJwk = await S.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign']);
      const sig = await S.sign({ name: 'ECDSA', hash: 'SHA-384' }, fromJwk, enc('m'));
      const sig2 = await S.sign({ name: 'ECDSA', hash: 'SHA-384' }, fromPkcs8, enc('m'));
      return [raw.byteLength, new Uint8Array(raw)[0], jwk.kty, jwk.crv, fromJwk.extractable, same(raw, await S.exportKey('raw', fromSpki)),
        await S.verify({ name: 'ECDSA', hash: 'SHA-384' }, fromRaw, sig, enc('m')), await S.verify({ name: 'ECDSA', hash: 'SHA-384' }, fromSpki, sig2, enc('m'))];
    });
    await check('ecCurveMismatch', async () => {
      const { publicKey } = await S.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
      return S.importKey('spki', await S.exportKey('spki', publicKey), { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify']);
    });
    await check('ecdh', async () => {
      const out = [];
      for (const [namedCurve, bits] of [['P-256', 256], ['P-384', 384], ['P-521', 528]]) {
        const a = await S.generateKey({ name: 'ECDH', namedCurve }, true, ['deriveBits', 'deriveKey']);
        const b = await S.generateKey({ name: 'ECDH', namedCurve }, true, ['deriveBits']);
        const ab = await S.deriveBits({ name: 'ECDH', public: b.publicKey }, a.privateKey, bits);
        const ba = await S.deriveBits({ name: 'ECDH', public: a.publicKey }, b.privateKey, bits);
        out.push([ab.byteLength, same(ab, ba)]);
      }
      const a = await S.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveKey']);
      const b = await S.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveKey']);
      const k1 = await S.deriveKey({ name: 'ECDH', public: b.publicKey }, a.privateKey, { name: 'AES-GCM', length: 256 }, true, ['encrypt']);
      const k2 = await S.deriveKey({ name: 'ECDH', public: a.publicKey }, b.privateKey, { name: 'AES-GCM', length: 256 }, true, ['encrypt']);
      out.push(same(await S.exportKey('raw', k1), await S.exportKey('raw', k2)));
      return out;
    });
    await check('ecdhPrivateAsPeer', async () => {
      const a = await S.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
      return S.deriveBits({ name: 'ECDH', public: a.privateKey }, a.privateKey, 256);
    });
    await check('ecdhFakePeer', async () => {
      const a = await S.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
      return S.deriveBits({ name: 'ECDH', public: { type: 'public', algorithm: { name: 'ECDH', namedCurve: 'P-256' } } }, a.privateKey, 256);
    });
    await check('ecdhCurveMismatch', async () => {
      const a = await S.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
      const b = await S.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, true, ['deriveBits']);
      return S.deriveBits({ name: 'ECDH', public: b.publicKey }, a.privateKey, 256);
    });

    // ---- Ed25519 / X25519 ----
    const ED_PKCS8 = '302e020100300506032b657004220420';
    const X_PKCS8 = '302e020100300506032b656e04220420';
    await check('ed25519Vector', async () => {
      const priv = await S.importKey('pkcs8', unhex(ED_PKCS8 + '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'), 'Ed25519', true, ['sign']);
      const pub = await S.importKey('raw', unhex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'), { name: 'Ed25519' }, true, ['verify']);
      const sig = await S.sign('Ed25519', priv, new Uint8Array(0));
      const jwk = await S.exportKey('jwk', priv);
      return [hex(sig), await S.verify('Ed25519', pub, sig, new Uint8Array(0)), await S.verify('Ed25519', pub, sig, enc('x')), priv.algorithm, jwk.kty, jwk.crv, jwk.alg];
    });
    await check('ed25519Generate', async () => {
      const { publicKey, privateKey } = await S.generateKey('Ed25519', true, ['sign', 'verify']);
      const jwk = await S.exportKey('jwk', privateKey);
      const back = await S.importKey('jwk', jwk, 'Ed25519', true, ['sign']);
      const spkiKey = await S.importKey('spki', await S.exportKey('spki', publicKey), 'Ed25519', true, ['verify']);
      const sig = await S.sign('Ed25519', back, enc('m'));
      return [publicKey.usages, privateKey.usages, await S.verify('Ed25519', spkiKey, sig, enc('m'))];
    });
    await check('nodeEd25519', async () => {
      const alg = { name: 'NODE-ED25519', namedCurve: 'NODE-ED25519' };
      const { publicKey, privateKey } = await S.generateKey(alg, true, ['sign', 'verify']);
      const pub = await S.importKey('raw', await S.exportKey('raw', publicKey), alg, false, ['verify']);
      const sig = await S.sign('NODE-ED25519', privateKey, enc('m'));
      const jwk = await S.exportKey('jwk', privateKey);
      return [publicKey.algorithm, pub.algorithm, await S.verify({ name: 'NODE-ED25519' }, pub, sig, enc('m')), 'alg' in jwk, jwk.crv];
    });
    await check('nodeEd25519NoCurve', () => S.generateKey({ name: 'NODE-ED25519' }, true, ['sign']));
    await check('nodeEd25519WrongCurve', () => S.importKey('raw', new Uint8Array(32), { name: 'NODE-ED25519', namedCurve: 'Ed25519' }, true, ['verify']));
    await check('nodeEd25519AsEd25519', async () => {
      const { privateKey } = await S.generateKey({ name: 'NODE-ED25519', namedCurve: 'NODE-ED25519' }, true, ['sign', 'verify']);
      return S.sign('Ed25519', privateKey, enc('m'));
    });
    await check('x25519Vector', async () => {
      const alice = await S.importKey('pkcs8', unhex(X_PKCS8 + '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'), 'X25519', true, ['deriveBits']);
      const bob = await S.importKey('raw', unhex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'), 'X25519', true, []);
      return [hex(await S.deriveBits({ name: 'X25519', public: bob }, alice, 256)), bob.type, bob.usages, alice.algorithm];
    });
    await check('x25519Agreement', async () => {
      const a = await S.generateKey({ name: 'X25519' }, true, ['deriveBits', 'deriveKey']);
      const b = await S.generateKey({ name: 'X25519' }, false, ['deriveBits', 'deriveKey']);
      const ab = await S.deriveBits({ name: 'X25519', public: b.publicKey }, a.privateKey, null);
      const ba = await S.deriveBits({ name: 'X25519', public: a.publicKey }, b.privateKey);
      const k = await S.deriveKey({ name: 'X25519', public: b.publicKey }, a.privateKey, { name: 'HKDF' }, false, ['deriveBits']);
      const spki = await S.exportKey('spki', b.publicKey);
      const jwk = await S.exportKey('jwk', a.privateKey);
      return [ab.byteLength, same(ab, ba), k.algorithm, new Uint8Array(spki).length, jwk.kty, jwk.crv];
    });
    await check('x25519NotExtractable', async () => S.exportKey('pkcs8', (await S.generateKey({ name: 'X25519' }, false, ['deriveBits'])).privateKey));
    await check('ed448', () => S.generateKey({ name: 'Ed448' }, true, ['sign', 'verify']));

    // ---- formats and wrapping ----
    await check('secretFormats', async () => {
      const key = await aes('AES-CBC', 192);
      const jwk = await S.exportKey('jwk', key);
      const back = await S.importKey('jwk', jwk, 'AES-CBC', true, ['encrypt', 'decrypt']);
      const hmacJwk = await S.exportKey('jwk', await S.importKey('raw', new Uint8Array(32).fill(1), { name: 'HMAC', hash: 'SHA-384' }, true, ['sign']));
      return [jwk.kty, jwk.alg, jwk.ext, jwk.key_ops, same(await S.exportKey('raw', key), await S.exportKey('raw', back)), hmacJwk.alg, hmacJwk.k];
    });
    await check('jwkWithBuffer', () => S.importKey('jwk', new Uint8Array(16), 'AES-GCM', true, ['encrypt']));
    await check('rawWithJwk', () => S.importKey('raw', { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA' }, 'AES-GCM', true, ['encrypt']));
    await check('jwkExtMismatch', () => S.importKey('jwk', { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', ext: false }, 'AES-GCM', true, ['encrypt']));
    await check('wrapJwk', async () => {
      const kek = await aes('AES-GCM', 256, ['wrapKey', 'unwrapKey']);
      const hmac = await S.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
      const iv = new Uint8Array(12);
      const wrapped = await S.wrapKey('jwk', hmac, kek, { name: 'AES-GCM', iv });
      const back = await S.unwrapKey('jwk', wrapped, kek, { name: 'AES-GCM', iv }, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return [back.algorithm, back.extractable, back.usages, same(await S.sign('HMAC', hmac, enc('m')), await S.sign('HMAC', back, enc('m')))];
    });
    await check('wrapNonExtractable', async () => S.wrapKey('raw', await S.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']), await aes('AES-KW', 128, ['wrapKey']), 'AES-KW'));
    await check('wrapWithoutUsage', async () => S.wrapKey('raw', await aes('AES-GCM'), await aes('AES-KW', 128, ['unwrapKey']), 'AES-KW'));
    await check('unwrapTampered', async () => {
      const kek = await aes('AES-KW', 128, ['wrapKey', 'unwrapKey']);
      const wrapped = new Uint8Array(await S.wrapKey('raw', await aes('AES-GCM'), kek, 'AES-KW'));
      wrapped[3] ^= 1;
      return S.unwrapKey('raw', wrapped, kek, 'AES-KW', 'AES-GCM', true, ['encrypt']);
    });

    // ---- the objects themselves ----
    await check('objects', async () => {
      const key = await aes('AES-GCM');
      return [
        crypto.subtle === crypto.subtle, crypto.subtle instanceof SubtleCrypto, key instanceof CryptoKey,
        Object.prototype.toString.call(crypto.subtle), Object.prototype.toString.call(key),
        key.algorithm === key.algorithm, key.usages === key.usages, Object.keys(key).length,
        S.digest('SHA-256', new Uint8Array()) instanceof Promise,
      ];
    });
    await check('usagesCopyIsNotAuthority', async () => {
      const key = await aes('AES-GCM', 128, ['encrypt']);
      key.usages.push('decrypt');
      key.algorithm.name = 'AES-CBC';
      return S.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, new Uint8Array(32));
    });
    await check('newCryptoKey', () => new CryptoKey());
    await check('newSubtleCrypto', () => new SubtleCrypto());
    await check('protoKey', () => S.exportKey('raw', Object.create(CryptoKey.prototype)));
    await check('plainKey', () => S.sign('HMAC', { type: 'secret', extractable: true, algorithm: { name: 'HMAC', hash: { name: 'SHA-256' } }, usages: ['sign'] }, enc('m')));
    await check('getterOnFake', () => Object.getOwnPropertyDescriptor(CryptoKey.prototype, 'type').get.call({}));

    // ---- timingSafeEqual ----
    await check('timingSafeEqual', () => [
      S.timingSafeEqual(enc('abc'), enc('abc')), S.timingSafeEqual(enc('abc'), enc('abd')),
      S.timingSafeEqual(enc('abc').buffer, new DataView(enc('abc').buffer)), S.timingSafeEqual(new ArrayBuffer(0), new Uint8Array(0)),
    ]);
    // ---- when arguments are read and checks fail ----
    // Whether \`call\` rejects before a microtask queued just after it runs: how the spec's
    // synchronous checks (normalisation, generateKey's parameters) tell from later ones.
    const rejectsAtOnce = async (call) => {
      let queued = false;
      const outcome = call().then(() => 'resolved', (e) => [e.name, queued ? 'later' : 'at once']);
      Promise.resolve().then(() => { queued = true; });
      return outcome;
    };
    await check('generateKeyCheckOrder', async () => [
      await rejectsAtOnce(() => S.generateKey({ name: 'AES-GCM', length: 64 }, true, [])),
      await rejectsAtOnce(() => S.generateKey({ name: 'ECDSA', namedCurve: 'P-192' }, true, ['sign'])),
      await rejectsAtOnce(() => S.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([5]), hash: 'SHA-256' }, true, ['sign'])),
      await rejectsAtOnce(() => S.generateKey({ name: 'HMAC', hash: 'MD5' }, true, ['sign'])),
      await rejectsAtOnce(() => S.generateKey({ name: 'AES-GCM', length: 128 }, true, ['sign'])),
      await rejectsAtOnce(() => S.generateKey({ name: 'AES-GCM', length: 128 }, true, [])),
    ]);
    await check('rsaGenerateExponent3', async () => (await S.generateKey({ name: 'RSA-OAEP', modulusLength: 1024, publicExponent: new Uint8Array([3]), hash: 'SHA-1' }, false, ['decrypt'])).privateKey.algorithm.publicExponent);
    await check('hmacMd5Import', () => S.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'MD5' }, false, ['sign']));
    await check('bytesReadAfterNormalising', async () => {
      const data = enc('abc');
      let reads = 0;
      // The name's getter runs before the data is copied; it is read once.
      const changing = { get name() { reads++; data[0] = 0x78; return 'SHA-256'; } };
      const changed = hex(await S.digest(changing, data));
      const detached = enc('abc');
      const emptied = hex(await S.digest({ get name() { detached.buffer.transfer(); return 'SHA-256'; } }, detached));
      return [changed === hex(await S.digest('SHA-256', enc('xbc'))), reads, emptied];
    });
    await check('signatureReadAfterNormalising', async () => {
      const key = await S.importKey('raw', enc('key'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
      const signature = new Uint8Array(await S.sign('HMAC', key, enc('message')));
      const good = signature[0];
      signature[0] ^= 0xff;
      return S.verify({ get name() { signature[0] = good; return 'HMAC'; } }, key, signature, enc('message'));
    });
    await check('timingSafeEqualLengths', () => S.timingSafeEqual(enc('abc'), enc('abcd')));
    await check('timingSafeEqualType', () => S.timingSafeEqual('abc', 'abc'));
  `));
});

test('digest: SHA family and MD5 known answers', () => {
  assert.deepEqual(value(results, 'digest'), [
    'a9993e364706816aba3e25717850c26c9cd0d89d',
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    '900150983cd24fb0d6963f7d28e17f72',
  ]);
  assert.deepEqual(value(results, 'digestForms'), [
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    true,
  ]);
  assertDOMException(results, 'digestUnknown', 'NotSupportedError', 9);
  assertTypeError(results, 'digestString');
  assertTypeError(results, 'digestNoArgs');
  assertTypeError(results, 'digestNoName');
});

test('HMAC: RFC 4231 vectors, verify, generated keys', () => {
  assert.deepEqual(value(results, 'hmac'), [
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    true, false,
    'secret', false, { name: 'HMAC', length: 160, hash: { name: 'SHA-256' } }, ['sign', 'verify'],
  ]);
  assert.deepEqual(value(results, 'hmacGenerate'), [{ name: 'HMAC', length: 1024, hash: { name: 'SHA-512' } }, 128]);
  assertTypeError(results, 'hmacNoHash');
});

test('PBKDF2 and HKDF: RFC 6070 / RFC 5869 vectors, deriveKey', () => {
  assert.deepEqual(value(results, 'pbkdf2'), [
    '0c60c80f961f0e71f3a9b524af6012062fe037a6',
    'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957',
    '4b007901b765489abead49d926f721d065a429c1',
    '120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b',
  ]);
  assert.equal(value(results, 'hkdf'), '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  assertDOMException(results, 'hkdfNullLength', 'OperationError');
  assertTypeError(results, 'hkdfMissingInfo');
  assertDOMException(results, 'pbkdf2Cap', 'NotSupportedError');
  assertDOMException(results, 'pbkdf2Extractable', 'SyntaxError');
  assert.deepEqual(value(results, 'deriveKeyPbkdf2'), [
    { name: 'AES-GCM', length: 256 }, { name: 'HMAC', length: 256, hash: { name: 'SHA-256' } }, true, 'hi',
  ]);
  assertTypeError(results, 'deriveKeyNoLength');
  assertDOMException(results, 'deriveKeyUnsupportedType', 'NotSupportedError');
  assertDOMException(results, 'deriveWithoutUsage', 'InvalidAccessError');
  assertTypeError(results, 'iterationsRange');
});

test('AES: GCM/CBC/CTR/KW known answers, round trips and tamper detection', () => {
  assert.deepEqual(value(results, 'aesGcmVectors'), [
    '58e2fccefa7e3061367f1d57a4e7455a',
    '0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf',
  ]);
  assert.deepEqual(value(results, 'aesGcmRoundTrip'), [14 + 12, 'secret message']);
  assertDOMException(results, 'aesGcmTampered', 'OperationError');
  assertDOMException(results, 'aesGcmWrongAad', 'OperationError');
  assertTypeError(results, 'aesGcmNoIv');
  assert.deepEqual(value(results, 'aesCbc'), ['7649abac8119b246cee98e9b12e9197d', 32, '6bc1bee22e409f96e93d7e117393172a']);
  assertDOMException(results, 'aesCbcBadIv', 'OperationError');
  assert.deepEqual(value(results, 'aesCtr'), ['874d6191b620e3261bef6864990db6ce', '6bc1bee22e409f96e93d7e117393172a']);
  assertTypeError(results, 'aesCtrLengthRange');
  assert.deepEqual(value(results, 'aesKw'), [
    '1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5', { name: 'AES-GCM', length: 128 }, '00112233445566778899aabbccddeeff',
  ]);
});

test('key errors carry the spec names', () => {
  assertDOMException(results, 'aesBadLength', 'DataError');
  assertDOMException(results, 'aesBadUsage', 'SyntaxError');
  assertDOMException(results, 'aesGenerateBadLength', 'OperationError');
  assertTypeError(results, 'unknownUsage');
  assertTypeError(results, 'usagesNotSequence');
  assertDOMException(results, 'emptyUsages', 'SyntaxError');
  assertDOMException(results, 'wrongAlgorithmForKey', 'InvalidAccessError');
  assertDOMException(results, 'missingUsage', 'InvalidAccessError');
  assertDOMException(results, 'nonExtractable', 'InvalidAccessError', 15);
  assertTypeError(results, 'badFormat');
  assertDOMException(results, 'rsaBadSpki', 'DataError');
  assertTypeError(results, 'jwkWithBuffer');
  assertTypeError(results, 'rawWithJwk');
  assertDOMException(results, 'jwkExtMismatch', 'DataError');
});

test('generateKey rejects bad parameters at once, bad usages later; only digest() takes MD5', () => {
  assert.deepEqual(value(results, 'generateKeyCheckOrder'), [
    ['OperationError', 'at once'],
    ['NotSupportedError', 'at once'],
    ['OperationError', 'at once'],
    ['NotSupportedError', 'at once'],
    ['SyntaxError', 'later'],
    ['SyntaxError', 'later'],
  ]);
  assert.deepEqual(value(results, 'rsaGenerateExponent3'), { 0: 3 });
  assertDOMException(results, 'hmacMd5Import', 'NotSupportedError');
});

test('data arguments are copied after the algorithm is normalised', () => {
  assert.deepEqual(value(results, 'bytesReadAfterNormalising'), [
    true, 1, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ]);
  assert.equal(value(results, 'signatureReadAfterNormalising'), true);
});

test('RSA: PKCS#1 v1.5, PSS and OAEP, in every format', () => {
  assert.deepEqual(value(results, 'rsassa'), [
    'public', 'private', 'RSASSA-PKCS1-v1_5', 1024, [1, 0, 1], { name: 'SHA-256' }, ['verify'], ['sign'], 128, true, false,
  ]);
  assert.deepEqual(value(results, 'rsaPss'), [true, false]);
  assertTypeError(results, 'rsaPssNoSalt');
  assert.deepEqual(value(results, 'rsaOaep'), ['secret', ['decrypt'], true]);
  assert.deepEqual(value(results, 'rsaFormats'), ['RSA', 'PS256', 'string', true, true, true]);
});

test('ECDSA and ECDH on P-256, P-384 and P-521', () => {
  assert.deepEqual(value(results, 'ecdsa'), [
    [{ name: 'ECDSA', namedCurve: 'P-256' }, true, true, false],
    [{ name: 'ECDSA', namedCurve: 'P-384' }, true, true, false],
    [{ name: 'ECDSA', namedCurve: 'P-521' }, true, true, false],
  ]);
  assertTypeError(results, 'ecdsaNoHash');
  assertDOMException(results, 'ecBadCurve', 'NotSupportedError');
  assertDOMException(results, 'ecdsaWithPublicKey', 'InvalidAccessError');
  assert.deepEqual(value(results, 'ecFormats'), [97, 4, 'EC', 'P-384', false, true, true, true]);
  assertDOMException(results, 'ecCurveMismatch', 'DataError');
  assert.deepEqual(value(results, 'ecdh'), [[32, true], [48, true], [66, true], true]);
  assertDOMException(results, 'ecdhPrivateAsPeer', 'InvalidAccessError');
  assertTypeError(results, 'ecdhFakePeer');
  assertDOMException(results, 'ecdhCurveMismatch', 'InvalidAccessError');
});

test('Ed25519 (and NODE-ED25519) and X25519', () => {
  assert.deepEqual(value(results, 'ed25519Vector'), [
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    true, false, { name: 'Ed25519' }, 'OKP', 'Ed25519', 'EdDSA',
  ]);
  assert.deepEqual(value(results, 'ed25519Generate'), [['verify'], ['sign'], true]);
  const legacy = { name: 'NODE-ED25519', namedCurve: 'NODE-ED25519' };
  assert.deepEqual(value(results, 'nodeEd25519'), [legacy, legacy, true, false, 'Ed25519']);
  assertTypeError(results, 'nodeEd25519NoCurve');
  assertDOMException(results, 'nodeEd25519WrongCurve', 'NotSupportedError');
  assertDOMException(results, 'nodeEd25519AsEd25519', 'InvalidAccessError');
  assert.deepEqual(value(results, 'x25519Vector'), [
    '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742', 'public', [], { name: 'X25519' },
  ]);
  assert.deepEqual(value(results, 'x25519Agreement'), [32, true, { name: 'HKDF' }, 44, 'OKP', 'X25519']);
  assertDOMException(results, 'x25519NotExtractable', 'InvalidAccessError');
  assertDOMException(results, 'ed448', 'NotSupportedError');
});

test('import/export of secret keys, JWK checks, wrapping', () => {
  assert.deepEqual(value(results, 'secretFormats'), ['oct', 'A192CBC', true, ['encrypt', 'decrypt'], true, 'HS384', 'AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE']);
  assert.deepEqual(value(results, 'wrapJwk'), [{ name: 'HMAC', length: 512, hash: { name: 'SHA-256' } }, false, ['sign'], true]);
  assertDOMException(results, 'wrapNonExtractable', 'InvalidAccessError');
  assertDOMException(results, 'wrapWithoutUsage', 'InvalidAccessError');
  assertDOMException(results, 'unwrapTampered', 'OperationError');
});

test('CryptoKey and SubtleCrypto objects; keys cannot be forged', () => {
  assert.deepEqual(value(results, 'objects'), [true, true, true, '[object SubtleCrypto]', '[object CryptoKey]', true, true, 0, true]);
  assertDOMException(results, 'usagesCopyIsNotAuthority', 'InvalidAccessError');
  assertTypeError(results, 'newCryptoKey', 'Illegal constructor');
  assertTypeError(results, 'newSubtleCrypto', 'Illegal constructor');
  assertTypeError(results, 'protoKey');
  assertTypeError(results, 'plainKey');
  assertTypeError(results, 'getterOnFake');
});

test('timingSafeEqual', () => {
  assert.deepEqual(value(results, 'timingSafeEqual'), [true, false, true, true]);
  assertTypeError(results, 'timingSafeEqualLengths', 'Input buffers must have the same byte length.');
  assertTypeError(results, 'timingSafeEqualType');
});

test("one worker's keys are out of another's reach", async () => {
  const source = (role) => `
    let key;
    export default {
      async fetch() {
        if ('${role}' === 'a') {
          key = await crypto.subtle.importKey('raw', new Uint8Array(16).fill(7), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
          globalThis.sharedKey = key;
          return new Response(String(new Uint8Array(await crypto.subtle.exportKey('raw', key))[0]));
        }
        const seen = typeof globalThis.sharedKey;
        const fakes = [
          Object.create(CryptoKey.prototype),
          { type: 'secret', extractable: true, algorithm: { name: 'HMAC', hash: { name: 'SHA-256' } }, usages: ['sign'] },
          new Proxy({}, { get: () => 1, has: () => true }),
        ];
        const errors = [];
        for (const fake of fakes) {
          try { await crypto.subtle.exportKey('raw', fake); errors.push('exported'); } catch (e) { errors.push(e.name); }
        }
        return Response.json({ seen, errors });
      },
    };`;
  const a = await startWorker(source('a'));
  const b = await startWorker(source('b'));
  try {
    assert.equal(await (await a.fetch('/')).text(), '7');
    assert.deepEqual(await (await b.fetch('/')).json(), { seen: 'undefined', errors: ['TypeError', 'TypeError', 'TypeError'] });
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

test('a key handle means nothing to another isolate host', async () => {
  const hostFor = () => {
    const pending = new Map();
    return { nextId: 1, pending, completeWith: (callId, promise) => pending.set(callId, promise) };
  };
  const a = hostFor();
  const b = hostFor();
  subtleOps.subtleImportKey(a, 1, 'raw', new Uint8Array(16), { name: 'AES-GCM' }, true, ['encrypt']);
  const [handle] = await a.pending.get(1);
  subtleOps.subtleExportKey(a, 2, 'raw', handle);
  assert.equal((await a.pending.get(2)).length, 16);
  subtleOps.subtleExportKey(b, 3, 'raw', handle);
  await assert.rejects(b.pending.get(3), TypeError);
  subtleOps.subtleRelease(a, [handle]);
  subtleOps.subtleExportKey(a, 4, 'raw', handle);
  await assert.rejects(a.pending.get(4), TypeError);
});

test('the host lets go of keys the worker no longer holds', async () => {
  // Garbage alongside the keys makes the isolate collect; the keys it collected are released.
  const content = `export default { async fetch() {
    let junk = [];
    for (let i = 0; i < 2000; i++) {
      await crypto.subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']);
      junk.push(new Array(1000).fill(i));
      if (junk.length > 100) junk = [];
    }
    return new Response('done');
  } };`;
  const host = new IsolateHost({
    name: 'gc',
    bundle: moduleBundle(content),
    env: { vars: {}, secrets: {} },
    limits: { cpuMs: 10_000, memoryMb: 128, subrequests: 50, startupMs: 1000 },
  }, { log() {}, error() {} });
  host.start();
  try {
    for (let i = 0; i < 2; i++) {
      const res = await host.fetch({ method: 'GET', url: 'http://localhost/', headers: [], cf: {}, body: null });
      assert.equal(res.status, 200);
    }
    assert.ok(host.cryptoKeys.size < 4000, `${host.cryptoKeys.size} keys still held`);
  } finally {
    host.dispose();
  }
});

test('strict_crypto_checks: RSA sizes and exponents, generated and imported; ECDH public keys take no usages', async () => {
  const rsaJwk = (publicExponent) => generateKeyPairSync('rsa', { modulusLength: 512, publicExponent }).publicKey.export({ format: 'jwk' });
  const { results } = await runChecks(`
    const generate = (modulusLength) => crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, false, ['sign']);
    const importRsa = (jwk) => crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    await check('notMultipleOf128', () => generate(1000));
    await check('tooShort', () => generate(128));
    await check('multipleOf128', async () => (await generate(640)).publicKey.algorithm.modulusLength);
    await check('exponent17', async () => (await importRsa(${JSON.stringify(rsaJwk(17))})).algorithm.publicExponent[0]);
    await check('exponent5', () => importRsa(${JSON.stringify(rsaJwk(5))}));
    await check('ecdhPublicUsages', async () => {
      const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
      const raw = await crypto.subtle.exportKey('raw', pair.publicKey);
      return crypto.subtle.importKey('raw', raw, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
    });
  `);
  assertDOMException(results, 'notMultipleOf128', 'OperationError');
  assert.equal(results.notMultipleOf128.error.message, "Can't generate key: RSA key size is required to be a multiple of 128");
  assertDOMException(results, 'tooShort', 'OperationError');
  assert.equal(results.tooShort.error.message, 'The modulus length must be a multiple of 8 and between 256 and 16k, but 128 was requested.');
  assert.equal(value(results, 'multipleOf128'), 640);
  assert.equal(value(results, 'exponent17'), 17);
  assertDOMException(results, 'exponent5', 'OperationError');
  assert.equal(results.exponent5.error.message, 'Imported RSA key has invalid publicExponent 5.');
  assertDOMException(results, 'ecdhPublicUsages', 'SyntaxError');
});
