// node:crypto inside real workers, compared with Node's own crypto run here: the same digests,
// ciphertexts, signatures and key encodings, Node's errors (class, code, message) for bad input,
// and only the isolate's own objects coming back (nothing of the host leaks in).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startWorker } from '../helpers/worker.js';
import { assertSameError as sameError, checkPrelude, runChecks, value, error as thrown } from '../web/run-checks.js';
import { buildProject, project, wranglerToml } from '../helpers/project.js';
import { IsolateHost } from '../../src/runtime/isolate-host.js';
import { DEFAULT_LIMITS } from '../../src/runtime/worker.js';

// Runs `body` (check() calls, with `crypto`, `Buffer` and the JSON fixtures `FIX` in scope)
// inside a worker's fetch handler; returns { name: { value } | { error } }.
const HEADER = `import crypto from 'node:crypto';
import * as named from 'node:crypto';
const Buffer = globalThis.Buffer ?? crypto.createHash('md5').digest().constructor;
${checkPrelude(`(e) => ({
  ctor: e?.constructor?.name ?? typeof e, message: e?.message, code: e?.code, own: e instanceof Error,
  keys: e !== null && typeof e === 'object' ? Object.keys(e).sort() : [], reason: e?.reason, library: e?.library,
})`, `(value) => {
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex'), ctor: value.constructor.name };
  if (value instanceof ArrayBuffer) return { arrayBuffer: Buffer.from(value).toString('hex') };
  if (typeof value === 'bigint') return { bigint: value.toString() };
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}`)}`;

// Runs `body` (check() calls, with the fixtures as FIX) in a worker's fetch handler: the results.
async function inWorker(body, fixtures = {}, options = {}) {
  const { results } = await runChecks(`const FIX = ${JSON.stringify(fixtures)};\n${body}`, { prelude: HEADER, worker: options });
  return results;
}

const hex = (buffer) => Buffer.from(buffer).toString('hex');
const bytesOf = (v) => Buffer.from(v.bytes, 'hex');

// ---- fixtures, made by Node ----

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = crypto.generateKeyPairSync('ed25519');
const x = crypto.generateKeyPairSync('x25519');
const pem = (key, type) => key.export({ type, format: 'pem' });
const KEYS = {
  rsaPrivatePkcs8: pem(rsa.privateKey, 'pkcs8'),
  rsaPrivatePkcs1: pem(rsa.privateKey, 'pkcs1'),
  rsaPublicSpki: pem(rsa.publicKey, 'spki'),
  rsaPublicPkcs1: pem(rsa.publicKey, 'pkcs1'),
  rsaPrivateDer: rsa.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  rsaPublicJwk: rsa.publicKey.export({ format: 'jwk' }),
  rsaPrivateJwk: rsa.privateKey.export({ format: 'jwk' }),
  rsaEncrypted: rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'top secret' }),
  ecPrivate: pem(ec.privateKey, 'pkcs8'),
  ecPrivateSec1: pem(ec.privateKey, 'sec1'),
  ecPublic: pem(ec.publicKey, 'spki'),
  ecPublicJwk: ec.publicKey.export({ format: 'jwk' }),
  edPrivate: pem(ed.privateKey, 'pkcs8'),
  edPublic: pem(ed.publicKey, 'spki'),
  xPrivate: pem(x.privateKey, 'pkcs8'),
  xPublic: pem(x.publicKey, 'spki'),
};

// A self-signed P-256 certificate (openssl req -x509), for X509Certificate.
const CERT = `-----BEGIN CERTIFICATE-----
MIIB8DCCAZWgAwIBAgIUf35umN8hgaN2OW8MqGTGrbgsY+MwCgYIKoZIzj0EAwIw
LTEUMBIGA1UEAwwLZXhhbXBsZS5jb20xFTATBgNVBAoMDE91dHBvc3QgVGVzdDAg
Fw0yNjExMjMxNDEzMTVaGA8yMTI2MTAzMDE0MTMxNVowLTEUMBIGA1UEAwwLZXhh
bXBsZS5jb20xFTATBgNVBAoMDE91dHBvc3QgVGVzdDBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABKUy2POFDlfVcrBadcbqZJfkgFehYaf+jTqcZ5h04ryVgFYAplQH
14qJ9buhat1h26OloFOLtxoFmqHSVfoA6IijgZAwgY0wHQYDVR0OBBYEFN2ptQ6V
tfzyCtML60Cfpp8adJvrMB8GA1UdIwQYMBaAFN2ptQ6VtfzyCtML60Cfpp8adJvr
MA8GA1UdEwEB/wQFMAMBAf8wOgYDVR0RBDMwMYILZXhhbXBsZS5jb22CDSouZXhh
bXBsZS5vcmeHBH8AAAGBDWFAZXhhbXBsZS5jb20wCgYIKoZIzj0EAwIDSQAwRgIh
AK08TUCucxvvCAyZQDq7GWa1HPstOdC+grP2nYc18W7DAiEAnlRdP1bIRjF3XWMH
TU65l5X3jOnFBE0R3P4HTWcIbUI=
-----END CERTIFICATE-----
`;
const CERT_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQglc282QxUNo78PYW0
RL9M2sJzN+hANJh7H0IMliMepTWhRANCAASlMtjzhQ5X1XKwWnXG6mSX5IBXoWGn
/o06nGeYdOK8lYBWAKZUB9eKifW7oWrdYdujpaBTi7caBZqh0lX6AOiI
-----END PRIVATE KEY-----
`;

// ---- hashes and HMAC ----

const DIGESTS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512-256', 'md5-sha1', 'RSA-SHA256', 'SHA256'];
const BIG = 'x'.repeat(100_000) + 'é';

test('createHash: every digest Workers has, in every output encoding, as Node computes it', async () => {
  const r = await inWorker(`
    for (const alg of FIX.digests) {
      await check(alg + ':hex', () => crypto.createHash(alg).update('abc').digest('hex'));
      await check(alg + ':multi', () => crypto.createHash(alg).update('héllo ').update(Buffer.from('wörld')).update(new Uint16Array([1, 2, 3])).digest('base64'));
      await check(alg + ':buffer', () => crypto.createHash(alg).update('').digest());
    }
    await check('encodings', () => ['hex', 'base64', 'base64url', 'latin1', 'binary'].map((e) => crypto.createHash('sha256').update('data').digest(e)));
    await check('inputEncodings', () => [crypto.createHash('sha1').update('616263', 'hex').digest('hex'), crypto.createHash('sha1').update('YWJj', 'base64').digest('hex'), crypto.createHash('sha1').update('\\u00e9', 'latin1').digest('hex')]);
    await check('big', () => crypto.createHash('sha256').update(FIX.big).update(FIX.big).digest('hex'));
    await check('copy', () => { const h = crypto.createHash('sha256').update('one'); const c = h.copy(); const big = crypto.createHash('sha1').update(FIX.big); const bigCopy = big.copy(); return [h.update('two').digest('hex'), c.digest('hex'), big.digest('hex'), bigCopy.update('z').digest('hex')]; });
    await check('oneShot', () => [crypto.hash('sha1', 'abc'), crypto.hash('sha256', Buffer.from('abc'), 'base64'), crypto.hash('md5', 'abc', 'buffer')]);
    await check('constructor', () => [crypto.Hash('sha1').update('a').digest('hex'), new crypto.Hash('sha1').update('a').digest('hex'), crypto.createHash('sha1') instanceof crypto.Hash]);
    await check('getHashes', () => crypto.getHashes());
  `, { digests: DIGESTS, big: BIG });
  for (const alg of DIGESTS) {
    assert.equal(value(r, `${alg}:hex`), crypto.createHash(alg).update('abc').digest('hex'), alg);
    assert.equal(value(r, `${alg}:multi`), crypto.createHash(alg).update('héllo ').update(Buffer.from('wörld')).update(new Uint16Array([1, 2, 3])).digest('base64'), alg);
    assert.deepEqual(value(r, `${alg}:buffer`), { bytes: crypto.createHash(alg).update('').digest('hex'), ctor: 'Buffer' }, alg);
  }
  assert.deepEqual(value(r, 'encodings'), ['hex', 'base64', 'base64url', 'latin1', 'binary'].map((e) => crypto.createHash('sha256').update('data').digest(e)));
  assert.deepEqual(value(r, 'inputEncodings'), [crypto.createHash('sha1').update('616263', 'hex').digest('hex'), crypto.createHash('sha1').update('YWJj', 'base64').digest('hex'), crypto.createHash('sha1').update('\u00e9', 'latin1').digest('hex')]);
  assert.equal(value(r, 'big'), crypto.createHash('sha256').update(BIG).update(BIG).digest('hex'));
  assert.deepEqual(value(r, 'copy'), [
    crypto.createHash('sha256').update('onetwo').digest('hex'), crypto.createHash('sha256').update('one').digest('hex'),
    crypto.createHash('sha1').update(BIG).digest('hex'), crypto.createHash('sha1').update(BIG).update('z').digest('hex'),
  ]);
  assert.deepEqual(value(r, 'oneShot'), [crypto.hash('sha1', 'abc'), crypto.hash('sha256', 'abc', 'base64'), { bytes: crypto.hash('md5', 'abc'), ctor: 'Buffer' }]);
  const sha1a = crypto.createHash('sha1').update('a').digest('hex');
  assert.deepEqual(value(r, 'constructor'), [sha1a, sha1a, true]);
  const hashes = value(r, 'getHashes');
  for (const name of ['md5', 'sha1', 'sha256', 'sha512', 'RSA-SHA256']) assert.ok(hashes.includes(name), name);
  assert.ok(!hashes.includes('sha3-256'), 'Workers (BoringSSL) has no SHA-3');
});

test('createHmac: keys as strings, bytes and KeyObjects, as Node computes them', async () => {
  const r = await inWorker(`
    for (const alg of ['md5', 'sha1', 'sha256', 'sha384', 'sha512']) {
      await check(alg, () => crypto.createHmac(alg, 'secret').update('message').digest('hex'));
    }
    await check('keys', () => [
      crypto.createHmac('sha256', Buffer.from('0b0b0b', 'hex')).update('Hi There').digest('base64'),
      crypto.createHmac('sha256', new Uint8Array(200).fill(7)).update('long key').digest('hex'),
      crypto.createHmac('sha256', '').update('').digest('hex'),
      crypto.createHmac('sha256', crypto.createSecretKey(Buffer.from('k3y'))).update('obj').digest('hex'),
      crypto.createHmac('sha256', new ArrayBuffer(4)).update('ab').digest('hex'),
      crypto.createHmac('sha256', 'a2V5', { encoding: 'base64' }).update('enc').digest('hex'),
      crypto.createHmac('sha512', 'k').update(FIX.big).digest('base64url'),
    ]);
    await check('keyReused', () => { const key = Buffer.from('abcd'); const h = crypto.createHmac('sha1', key); key.fill(0); return h.update('x').digest('hex'); });
    await check('streamed', () => new Promise((resolve, reject) => { const h = crypto.createHmac('sha256', 'k'); h.on('readable', () => { const d = h.read(); if (d) resolve(d.toString('hex')); }); h.on('error', reject); h.write('par'); h.end('ts'); }));
  `, { big: BIG });
  for (const alg of ['md5', 'sha1', 'sha256', 'sha384', 'sha512']) {
    assert.equal(value(r, alg), crypto.createHmac(alg, 'secret').update('message').digest('hex'), alg);
  }
  assert.deepEqual(value(r, 'keys'), [
    crypto.createHmac('sha256', Buffer.from('0b0b0b', 'hex')).update('Hi There').digest('base64'),
    crypto.createHmac('sha256', new Uint8Array(200).fill(7)).update('long key').digest('hex'),
    crypto.createHmac('sha256', '').update('').digest('hex'),
    crypto.createHmac('sha256', Buffer.from('k3y')).update('obj').digest('hex'),
    crypto.createHmac('sha256', new ArrayBuffer(4)).update('ab').digest('hex'),
    crypto.createHmac('sha256', 'a2V5', { encoding: 'base64' }).update('enc').digest('hex'),
    crypto.createHmac('sha512', 'k').update(BIG).digest('base64url'),
  ]);
  assert.equal(value(r, 'keyReused'), crypto.createHmac('sha1', 'abcd').update('x').digest('hex'));
  assert.equal(value(r, 'streamed'), crypto.createHmac('sha256', 'k').update('parts').digest('hex'));
});

test('hashes and HMACs fail as Node fails them, and as Workers does for digests it lacks', async () => {
  const r = await inWorker(`
    await check('unknown', () => crypto.createHash('nope'));
    await check('sha3', () => crypto.createHash('sha3-256'));
    await check('algType', () => crypto.createHash(5));
    await check('dataType', () => crypto.createHash('sha256').update(5));
    await check('dataTypeObject', () => crypto.createHash('sha256').update({}));
    await check('twice', () => { const h = crypto.createHash('sha256'); h.digest(); return h.digest(); });
    await check('updateAfter', () => { const h = crypto.createHash('sha256'); h.digest(); return h.update('x'); });
    await check('copyAfter', () => { const h = crypto.createHash('sha256'); h.digest(); return h.copy(); });
    await check('hmacTwice', () => { const h = crypto.createHmac('sha256', 'k'); h.digest(); return [h.digest('hex'), h.digest()]; });
    await check('hmacUnknown', () => crypto.createHmac('nope', 'k'));
    await check('hmacKeyType', () => crypto.createHmac('sha256', 5));
    await check('hmacPublicKey', () => crypto.createHmac('sha256', crypto.createPublicKey(FIX.ecPublic)));
    await check('hashUnknown', () => crypto.hash('nope', 'x'));
    await check('oddHex', () => crypto.createHash('sha1').update('abc', 'hex'));
    await check('hmacEncoding', () => crypto.createHmac('sha256', 'k', { encoding: 'nope' }));
    await check('secretEncoding', () => crypto.createSecretKey('x', 'nope'));
    await check('digestEncoding', () => crypto.createHash('sha1').update('x').digest('nope'));
  `, KEYS);
  sameError(r, 'unknown', () => crypto.createHash('nope'));
  sameError(r, 'sha3', () => crypto.createHash('nope'));
  sameError(r, 'algType', () => crypto.createHash(5));
  sameError(r, 'dataType', () => crypto.createHash('sha256').update(5));
  sameError(r, 'dataTypeObject', () => crypto.createHash('sha256').update({}));
  sameError(r, 'twice', () => { const h = crypto.createHash('sha256'); h.digest(); h.digest(); });
  sameError(r, 'updateAfter', () => { const h = crypto.createHash('sha256'); h.digest(); h.update('x'); });
  sameError(r, 'copyAfter', () => { const h = crypto.createHash('sha256'); h.digest(); h.copy(); });
  assert.deepEqual(value(r, 'hmacTwice'), ['', { bytes: '', ctor: 'Buffer' }]);
  sameError(r, 'hmacUnknown', () => crypto.createHmac('nope', 'k'));
  sameError(r, 'hmacKeyType', () => crypto.createHmac('sha256', 5));
  sameError(r, 'hmacPublicKey', () => crypto.createHmac('sha256', ec.publicKey));
  sameError(r, 'hashUnknown', () => crypto.hash('nope', 'x'));
  sameError(r, 'oddHex', () => crypto.createHash('sha1').update('abc', 'hex'));
  sameError(r, 'hmacEncoding', () => crypto.createHmac('sha256', 'k', { encoding: 'nope' }));
  sameError(r, 'secretEncoding', () => crypto.createSecretKey('x', 'nope'));
  assert.deepEqual(value(r, 'digestEncoding'), { bytes: crypto.createHash('sha1').update('x').digest('hex'), ctor: 'Buffer' });
});

// ---- random ----

test('random values: randomBytes, randomFill, randomInt, randomUUID, getRandomValues', async () => {
  const r = await inWorker(`
    await check('bytes', () => [crypto.randomBytes(0).length, crypto.randomBytes(16).length, crypto.randomBytes(100000).length, Buffer.isBuffer(crypto.randomBytes(1))]);
    await check('distinct', () => crypto.randomBytes(16).toString('hex') !== crypto.randomBytes(16).toString('hex'));
    await check('spread', () => new Set(crypto.randomBytes(70000)).size);
    await check('callback', () => new Promise((resolve, reject) => crypto.randomBytes(24, (err, buf) => (err ? reject(err) : resolve(buf.length)))));
    await check('fillSync', () => { const a = new Uint8Array(32); crypto.randomFillSync(a, 8, 16); return [a.slice(0, 8).every((b) => b === 0), a.slice(24).every((b) => b === 0), a.slice(8, 24).some((b) => b !== 0)]; });
    await check('fillTyped', () => { const a = new Uint32Array(4); crypto.randomFillSync(a, 1, 2); return [a[0], a[3], a[1] !== 0 || a[2] !== 0]; });
    await check('fillArrayBuffer', () => new Uint8Array(crypto.randomFillSync(new ArrayBuffer(8))).some((b) => b !== 0));
    await check('fill', () => new Promise((resolve) => crypto.randomFill(new Uint8Array(8), (err, buf) => resolve([err, buf.length]))));
    await check('int', () => { const seen = new Set(); for (let i = 0; i < 400; i++) seen.add(crypto.randomInt(3, 7)); return [...seen].sort(); });
    await check('intOneArg', () => { for (let i = 0; i < 100; i++) { const n = crypto.randomInt(2); if (n !== 0 && n !== 1) return n; } return 'ok'; });
    await check('intCallback', () => new Promise((resolve) => crypto.randomInt(10, (err, n) => resolve(n >= 0 && n < 10))));
    await check('uuid', () => crypto.randomUUID());
    await check('getRandomValues', () => crypto.getRandomValues(new Uint8Array(4)).length);
    await check('sizeNegative', () => crypto.randomBytes(-1));
    await check('sizeType', () => crypto.randomBytes('10'));
    await check('callbackType', () => crypto.randomBytes(1, 'nope'));
    await check('intRange', () => crypto.randomInt(5, 1));
    await check('intType', () => crypto.randomInt(1.5));
    await check('fillType', () => crypto.randomFillSync('nope'));
    await check('fillOffset', () => crypto.randomFillSync(new Uint8Array(4), 5));
  `);
  assert.deepEqual(value(r, 'bytes'), [0, 16, 100000, true]);
  assert.equal(value(r, 'distinct'), true);
  assert.ok(value(r, 'spread') > 250);
  assert.equal(value(r, 'callback'), 24);
  assert.deepEqual(value(r, 'fillSync'), [true, true, true]);
  assert.deepEqual(value(r, 'fillTyped'), [0, 0, true]);
  assert.equal(value(r, 'fillArrayBuffer'), true);
  assert.deepEqual(value(r, 'fill'), [null, 8]);
  assert.deepEqual(value(r, 'int'), [3, 4, 5, 6]);
  assert.equal(value(r, 'intOneArg'), 'ok');
  assert.equal(value(r, 'intCallback'), true);
  assert.match(value(r, 'uuid'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(value(r, 'getRandomValues'), 4);
  sameError(r, 'sizeNegative', () => crypto.randomBytes(-1));
  sameError(r, 'sizeType', () => crypto.randomBytes('10'));
  sameError(r, 'callbackType', () => crypto.randomBytes(1, 'nope'));
  sameError(r, 'intRange', () => crypto.randomInt(5, 1));
  sameError(r, 'intType', () => crypto.randomInt(1.5));
  sameError(r, 'fillType', () => crypto.randomFillSync('nope'));
  sameError(r, 'fillOffset', () => crypto.randomFillSync(new Uint8Array(4), 5));
});

test('random values cannot be generated at global scope, as in Workers', async () => {
  await assert.rejects(
    startWorker(`import { randomBytes } from 'node:crypto'; const early = randomBytes(8); export default { fetch() { return new Response('x'); } };`),
    /Disallowed operation called within global scope/,
  );
});

// ---- key derivation ----

test('pbkdf2, scrypt and hkdf derive what Node derives', async () => {
  const r = await inWorker(`
    for (const digest of ['sha1', 'sha256', 'sha512']) await check('pbkdf2:' + digest, () => crypto.pbkdf2Sync('password', 'salt', 4096, 40, digest).toString('hex'));
    await check('pbkdf2Bytes', () => crypto.pbkdf2Sync(Buffer.from([1, 2, 3]), new Uint8Array([4, 5]), 1, 64, 'sha384').toString('base64'));
    await check('pbkdf2Callback', () => new Promise((resolve, reject) => crypto.pbkdf2('pw', 'salt', 1000, 32, 'sha256', (err, key) => (err ? reject(err) : resolve(key.toString('hex'))))));
    await check('scrypt', () => crypto.scryptSync('password', 'NaCl', 64, { N: 1024, r: 8, p: 16 }).toString('hex'));
    await check('scryptDefault', () => crypto.scryptSync('pw', 'salt', 32).toString('hex'));
    await check('scryptCallback', () => new Promise((resolve, reject) => crypto.scrypt('pw', 'salt', 16, { cost: 2048 }, (err, key) => (err ? reject(err) : resolve(key.toString('hex'))))));
    await check('hkdf', () => crypto.hkdfSync('sha256', 'ikm', 'salt', 'info', 42));
    await check('hkdfKeyObject', () => crypto.hkdfSync('sha512', crypto.createSecretKey(Buffer.from('ikm')), Buffer.alloc(0), '', 16));
    await check('hkdfCallback', () => new Promise((resolve, reject) => crypto.hkdf('sha1', 'ikm', 'salt', 'info', 20, (err, key) => (err ? reject(err) : resolve(key)))));
    await check('pbkdf2Limit', () => crypto.pbkdf2Sync('pw', 'salt', 100001, 32, 'sha256'));
    await check('pbkdf2Digest', () => crypto.pbkdf2Sync('pw', 'salt', 1, 32, 'nope'));
    await check('pbkdf2NoDigest', () => crypto.pbkdf2Sync('pw', 'salt', 1, 32));
    await check('pbkdf2Keylen', () => crypto.pbkdf2Sync('pw', 'salt', 1, -1, 'sha256'));
    await check('pbkdf2Iterations', () => crypto.pbkdf2Sync('pw', 'salt', 0, 1, 'sha256'));
    await check('pbkdf2NoCallback', () => crypto.pbkdf2('pw', 'salt', 1, 1, 'sha256'));
    await check('scryptParams', () => crypto.scryptSync('pw', 'salt', 16, { N: 3 }));
    await check('scryptCost', () => crypto.scryptSync('pw', 'salt', 16, { N: 2 ** 20, r: 8, p: 4, maxmem: 2 ** 40 }));
    await check('hkdfLength', () => crypto.hkdfSync('sha256', 'a', 'b', 'c', 100000));
  `);
  for (const digest of ['sha1', 'sha256', 'sha512']) {
    assert.equal(value(r, `pbkdf2:${digest}`), crypto.pbkdf2Sync('password', 'salt', 4096, 40, digest).toString('hex'));
  }
  assert.equal(value(r, 'pbkdf2Bytes'), crypto.pbkdf2Sync(Buffer.from([1, 2, 3]), new Uint8Array([4, 5]), 1, 64, 'sha384').toString('base64'));
  assert.equal(value(r, 'pbkdf2Callback'), crypto.pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256').toString('hex'));
  assert.equal(value(r, 'scrypt'), crypto.scryptSync('password', 'NaCl', 64, { N: 1024, r: 8, p: 16 }).toString('hex'));
  assert.equal(value(r, 'scryptDefault'), crypto.scryptSync('pw', 'salt', 32).toString('hex'));
  assert.equal(value(r, 'scryptCallback'), crypto.scryptSync('pw', 'salt', 16, { cost: 2048 }).toString('hex'));
  assert.deepEqual(value(r, 'hkdf'), { arrayBuffer: hex(crypto.hkdfSync('sha256', 'ikm', 'salt', 'info', 42)) });
  assert.deepEqual(value(r, 'hkdfKeyObject'), { arrayBuffer: hex(crypto.hkdfSync('sha512', 'ikm', Buffer.alloc(0), '', 16)) });
  assert.deepEqual(value(r, 'hkdfCallback'), { arrayBuffer: hex(crypto.hkdfSync('sha1', 'ikm', 'salt', 'info', 20)) });
  // Workers' limit on PBKDF2 iterations.
  const limit = thrown(r, 'pbkdf2Limit');
  assert.equal(limit.ctor, 'RangeError');
  assert.match(limit.message, /iteration counts above 100000 are not supported/);
  sameError(r, 'pbkdf2Digest', () => crypto.pbkdf2Sync('pw', 'salt', 1, 32, 'nope'));
  sameError(r, 'pbkdf2NoDigest', () => crypto.pbkdf2Sync('pw', 'salt', 1, 32));
  sameError(r, 'pbkdf2Keylen', () => crypto.pbkdf2Sync('pw', 'salt', 1, -1, 'sha256'));
  sameError(r, 'pbkdf2Iterations', () => crypto.pbkdf2Sync('pw', 'salt', 0, 1, 'sha256'));
  sameError(r, 'pbkdf2NoCallback', () => crypto.pbkdf2('pw', 'salt', 1, 1, 'sha256'));
  sameError(r, 'scryptParams', () => crypto.scryptSync('pw', 'salt', 16, { N: 3 }));
  assert.equal(thrown(r, 'scryptCost').code, 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS');
  sameError(r, 'hkdfLength', () => crypto.hkdfSync('sha256', 'a', 'b', 'c', 100000));
});

// ---- ciphers ----

const CIPHER_CASES = [
  ['aes-128-cbc', 16, 16], ['aes-192-cbc', 24, 16], ['aes-256-cbc', 32, 16], ['aes-128-ctr', 16, 16], ['aes-256-ctr', 32, 16],
  ['aes-128-ecb', 16, 0], ['aes-256-ecb', 32, 0], ['aes-128-ofb', 16, 16], ['aes-256-ofb', 32, 16], ['des-ede3-cbc', 24, 8],
];

test('createCipheriv/createDecipheriv: AES (CBC, CTR, ECB, OFB, GCM) as Node encrypts and decrypts', async () => {
  const material = (len, seed) => Buffer.alloc(len, seed).toString('hex');
  const fixtures = {
    cases: CIPHER_CASES.map(([alg, keyLen, ivLen]) => [alg, material(keyLen, 1), ivLen ? material(ivLen, 2) : null]),
    plaintext: 'The quick brown fox jumps over the lazy dog. '.repeat(3),
  };
  const r = await inWorker(`
    for (const [alg, key, iv] of FIX.cases) {
      const k = Buffer.from(key, 'hex');
      const v = iv === null ? null : Buffer.from(iv, 'hex');
      await check(alg, () => { const c = crypto.createCipheriv(alg, k, v); return c.update(FIX.plaintext, 'utf8', 'hex') + c.final('hex'); });
      await check(alg + ':decrypt', () => { const c = crypto.createCipheriv(alg, k, v); const ct = Buffer.concat([c.update(Buffer.from(FIX.plaintext)), c.final()]); const d = crypto.createDecipheriv(alg, k, v); return d.update(ct, undefined, 'utf8') + d.final('utf8'); });
    }
    await check('gcm', () => {
      const c = crypto.createCipheriv('aes-256-gcm', Buffer.alloc(32, 3), Buffer.alloc(12, 4));
      c.setAAD(Buffer.from('header'));
      const ct = Buffer.concat([c.update('secret message'), c.final()]);
      return [ct.toString('hex'), c.getAuthTag().toString('hex'), c.getAuthTag().toString('hex')];
    });
    await check('gcmShortTag', () => { const c = crypto.createCipheriv('aes-128-gcm', Buffer.alloc(16, 3), Buffer.alloc(12, 4), { authTagLength: 8 }); c.update('x'); c.final(); return c.getAuthTag().toString('hex'); });
    await check('gcmDecrypt', () => {
      const d = crypto.createDecipheriv('aes-256-gcm', Buffer.alloc(32, 3), Buffer.alloc(12, 4));
      d.setAAD(Buffer.from('header'));
      d.setAuthTag(Buffer.from(FIX.tag, 'hex'));
      return d.update(FIX.gcmCiphertext, 'hex', 'utf8') + d.final('utf8');
    });
    await check('noPadding', () => { const c = crypto.createCipheriv('aes-128-cbc', Buffer.alloc(16), Buffer.alloc(16)); c.setAutoPadding(false); return Buffer.concat([c.update(Buffer.alloc(32, 9)), c.final()]).toString('hex'); });
    await check('keyObject', () => { const c = crypto.createCipheriv('aes-128-ctr', crypto.createSecretKey(Buffer.alloc(16, 1)), Buffer.alloc(16, 2)); return c.update('abc', 'utf8', 'base64') + c.final('base64'); });
    await check('stream', () => new Promise((resolve, reject) => { const c = crypto.createCipheriv('aes-128-cbc', Buffer.alloc(16, 1), Buffer.alloc(16, 2)); const out = []; c.on('data', (d) => out.push(d)); c.on('end', () => resolve(Buffer.concat(out).toString('hex'))); c.on('error', reject); c.write('chunk one, '); c.write(Buffer.from('chunk two')); c.end(); }));
    await check('getCiphers', () => crypto.getCiphers());
    await check('cipherInfo', () => [crypto.getCipherInfo('aes-256-gcm'), crypto.getCipherInfo('chacha20-poly1305')]);
  `, { ...fixtures, ...(() => {
    const c = crypto.createCipheriv('aes-256-gcm', Buffer.alloc(32, 3), Buffer.alloc(12, 4));
    c.setAAD(Buffer.from('header'));
    const ct = Buffer.concat([c.update('from node'), c.final()]);
    return { gcmCiphertext: ct.toString('hex'), tag: c.getAuthTag().toString('hex') };
  })() });
  for (const [alg, keyLen, ivLen] of CIPHER_CASES) {
    const c = crypto.createCipheriv(alg, Buffer.alloc(keyLen, 1), ivLen ? Buffer.alloc(ivLen, 2) : null);
    assert.equal(value(r, alg), c.update(fixtures.plaintext, 'utf8', 'hex') + c.final('hex'), alg);
    assert.equal(value(r, `${alg}:decrypt`), fixtures.plaintext, alg);
  }
  const c = crypto.createCipheriv('aes-256-gcm', Buffer.alloc(32, 3), Buffer.alloc(12, 4));
  c.setAAD(Buffer.from('header'));
  const ct = Buffer.concat([c.update('secret message'), c.final()]);
  assert.deepEqual(value(r, 'gcm'), [ct.toString('hex'), c.getAuthTag().toString('hex'), c.getAuthTag().toString('hex')]);
  const short = crypto.createCipheriv('aes-128-gcm', Buffer.alloc(16, 3), Buffer.alloc(12, 4), { authTagLength: 8 });
  short.update('x');
  short.final();
  assert.equal(value(r, 'gcmShortTag'), short.getAuthTag().toString('hex'));
  assert.equal(value(r, 'gcmDecrypt'), 'from node');
  const np = crypto.createCipheriv('aes-128-cbc', Buffer.alloc(16), Buffer.alloc(16));
  np.setAutoPadding(false);
  assert.equal(value(r, 'noPadding'), Buffer.concat([np.update(Buffer.alloc(32, 9)), np.final()]).toString('hex'));
  const ko = crypto.createCipheriv('aes-128-ctr', Buffer.alloc(16, 1), Buffer.alloc(16, 2));
  assert.equal(value(r, 'keyObject'), ko.update('abc', 'utf8', 'base64') + ko.final('base64'));
  const st = crypto.createCipheriv('aes-128-cbc', Buffer.alloc(16, 1), Buffer.alloc(16, 2));
  assert.equal(value(r, 'stream'), Buffer.concat([st.update('chunk one, chunk two'), st.final()]).toString('hex'));
  const ciphers = value(r, 'getCiphers');
  assert.ok(ciphers.includes('aes-256-gcm') && ciphers.includes('aes-128-cbc'));
  assert.ok(!ciphers.includes('chacha20-poly1305'), 'Workers has no ChaCha20-Poly1305');
  assert.deepEqual(value(r, 'cipherInfo'), [crypto.getCipherInfo('aes-256-gcm'), null]);
});

test('ciphers fail as Node fails them: keys, IVs, padding, authentication, state', async () => {
  const r = await inWorker(`
    const key = Buffer.alloc(16), iv = Buffer.alloc(16);
    await check('keyLength', () => crypto.createCipheriv('aes-128-cbc', Buffer.alloc(15), iv));
    await check('ivLength', () => crypto.createCipheriv('aes-128-cbc', key, Buffer.alloc(15)));
    await check('ivMissing', () => crypto.createCipheriv('aes-128-cbc', key, null));
    await check('keyType', () => crypto.createCipheriv('aes-128-cbc', 5, iv));
    await check('ivType', () => crypto.createCipheriv('aes-128-cbc', key, 5));
    await check('unknown', () => crypto.createCipheriv('nope', key, iv));
    await check('chacha', () => crypto.createCipheriv('chacha20-poly1305', Buffer.alloc(32), Buffer.alloc(12)));
    await check('dataType', () => crypto.createCipheriv('aes-128-cbc', key, iv).update(5));
    await check('oddHex', () => crypto.createCipheriv('aes-128-cbc', key, iv).update('abc', 'hex'));
    await check('outputEncoding', () => crypto.createCipheriv('aes-128-cbc', key, iv).update('abc', 'utf8', 'nope'));
    await check('badDecrypt', () => { const d = crypto.createDecipheriv('aes-128-cbc', key, iv); d.update(Buffer.alloc(16, 1)); return d.final(); });
    await check('wrongBlock', () => { const d = crypto.createDecipheriv('aes-128-cbc', key, iv); d.update(Buffer.alloc(5)); return d.final(); });
    await check('authFail', () => { const d = crypto.createDecipheriv('aes-128-gcm', key, Buffer.alloc(12)); d.setAuthTag(Buffer.alloc(16)); d.update(Buffer.alloc(5)); return d.final(); });
    await check('authFailThenFinal', () => { const d = crypto.createDecipheriv('aes-128-gcm', key, Buffer.alloc(12)); d.setAuthTag(Buffer.alloc(16)); try { d.final(); } catch {} return d.final(); });
    await check('tagLength', () => crypto.createDecipheriv('aes-128-gcm', key, Buffer.alloc(12)).setAuthTag(Buffer.alloc(3)));
    await check('tagBeforeFinal', () => crypto.createCipheriv('aes-128-gcm', key, Buffer.alloc(12)).getAuthTag());
    await check('updateAfterFinal', () => { const c = crypto.createCipheriv('aes-128-cbc', key, iv); c.final(); return c.update('x'); });
    await check('finalTwice', () => { const c = crypto.createCipheriv('aes-128-cbc', key, iv); c.final(); return c.final(); });
    await check('aadAfterFinal', () => { const c = crypto.createCipheriv('aes-128-gcm', key, Buffer.alloc(12)); c.final(); return c.setAAD(Buffer.alloc(1)); });
    await check('setTagAfterFinal', () => { const d = crypto.createDecipheriv('aes-128-gcm', key, Buffer.alloc(12)); d.setAuthTag(Buffer.alloc(16)); try { d.final(); } catch {} return d.setAuthTag(Buffer.alloc(16)); });
  `);
  const key = Buffer.alloc(16);
  const iv = Buffer.alloc(16);
  sameError(r, 'keyLength', () => crypto.createCipheriv('aes-128-cbc', Buffer.alloc(15), iv));
  sameError(r, 'ivLength', () => crypto.createCipheriv('aes-128-cbc', key, Buffer.alloc(15)));
  sameError(r, 'ivMissing', () => crypto.createCipheriv('aes-128-cbc', key, null));
  sameError(r, 'keyType', () => crypto.createCipheriv('aes-128-cbc', 5, iv));
  sameError(r, 'ivType', () => crypto.createCipheriv('aes-128-cbc', key, 5));
  sameError(r, 'unknown', () => crypto.createCipheriv('nope', key, iv));
  sameError(r, 'chacha', () => crypto.createCipheriv('nope', key, iv));
  sameError(r, 'dataType', () => crypto.createCipheriv('aes-128-cbc', key, iv).update(5));
  sameError(r, 'oddHex', () => crypto.createCipheriv('aes-128-cbc', key, iv).update('abc', 'hex'));
  sameError(r, 'outputEncoding', () => crypto.createCipheriv('aes-128-cbc', key, iv).update('abc', 'utf8', 'nope'));
  const bad = thrown(r, 'badDecrypt');
  assert.equal(bad.code, 'ERR_OSSL_BAD_DECRYPT');
  assert.equal(bad.reason, 'bad decrypt');
  sameError(r, 'wrongBlock', () => { const d = crypto.createDecipheriv('aes-128-cbc', key, iv); d.update(Buffer.alloc(5)); d.final(); });
  sameError(r, 'authFail', () => { const d = crypto.createDecipheriv('aes-128-gcm', key, Buffer.alloc(12)); d.setAuthTag(Buffer.alloc(16)); d.update(Buffer.alloc(5)); d.final(); });
  sameError(r, 'authFailThenFinal', () => { const d = crypto.createDecipheriv('aes-128-gcm', key, Buffer.alloc(12)); d.setAuthTag(Buffer.alloc(16)); try { d.final(); } catch {} d.final(); });
  sameError(r, 'tagLength', () => crypto.createDecipheriv('aes-128-gcm', key, Buffer.alloc(12)).setAuthTag(Buffer.alloc(3)));
  sameError(r, 'tagBeforeFinal', () => crypto.createCipheriv('aes-128-gcm', key, Buffer.alloc(12)).getAuthTag());
  sameError(r, 'updateAfterFinal', () => { const c = crypto.createCipheriv('aes-128-cbc', key, iv); c.final(); c.update('x'); });
  sameError(r, 'finalTwice', () => { const c = crypto.createCipheriv('aes-128-cbc', key, iv); c.final(); c.final(); });
  sameError(r, 'aadAfterFinal', () => { const c = crypto.createCipheriv('aes-128-gcm', key, Buffer.alloc(12)); c.final(); c.setAAD(Buffer.alloc(1)); });
  sameError(r, 'setTagAfterFinal', () => { const d = crypto.createDecipheriv('aes-128-gcm', key, Buffer.alloc(12)); d.setAuthTag(Buffer.alloc(16)); try { d.final(); } catch {} d.setAuthTag(Buffer.alloc(16)); });
});

// ---- keys ----

test('KeyObjects: import from PEM, DER and JWK; export; details; equals', async () => {
  const r = await inWorker(`
    const rsaPriv = crypto.createPrivateKey(FIX.rsaPrivatePkcs8);
    await check('rsaPrivate', () => [rsaPriv.type, rsaPriv.asymmetricKeyType, rsaPriv.asymmetricKeyDetails, rsaPriv instanceof crypto.KeyObject, Object.prototype.toString.call(rsaPriv)]);
    await check('rsaExports', () => [rsaPriv.export({ type: 'pkcs1', format: 'pem' }), rsaPriv.export({ type: 'pkcs8', format: 'der' }).toString('base64'), rsaPriv.export({ format: 'jwk' })]);
    await check('rsaFromPkcs1', () => crypto.createPrivateKey(FIX.rsaPrivatePkcs1).equals(rsaPriv));
    await check('rsaFromDer', () => crypto.createPrivateKey({ key: Buffer.from(FIX.rsaPrivateDer, 'base64'), format: 'der', type: 'pkcs8' }).equals(rsaPriv));
    await check('rsaFromJwk', () => crypto.createPrivateKey({ key: FIX.rsaPrivateJwk, format: 'jwk' }).equals(rsaPriv));
    await check('rsaPublicFromPrivate', () => { const pub = crypto.createPublicKey(rsaPriv); return [pub.type, pub.export({ type: 'spki', format: 'pem' }), pub.equals(crypto.createPublicKey(FIX.rsaPublicPkcs1)), pub.equals(rsaPriv)]; });
    await check('rsaPublicJwk', () => crypto.createPublicKey({ key: FIX.rsaPublicJwk, format: 'jwk' }).export({ type: 'pkcs1', format: 'pem' }));
    await check('encrypted', () => crypto.createPrivateKey({ key: FIX.rsaEncrypted, passphrase: 'top secret' }).equals(rsaPriv));
    await check('encryptedExport', () => { const pem = rsaPriv.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: Buffer.from('pw') }); return crypto.createPrivateKey({ key: pem, passphrase: 'pw' }).equals(rsaPriv); });
    await check('wrongPassphrase', () => crypto.createPrivateKey({ key: FIX.rsaEncrypted, passphrase: 'wrong' }));
    await check('ec', () => { const k = crypto.createPrivateKey(FIX.ecPrivateSec1); return [k.asymmetricKeyType, k.asymmetricKeyDetails, k.export({ format: 'jwk' }), crypto.createPublicKey(FIX.ecPublic).export({ format: 'jwk' })]; });
    await check('ecJwk', () => crypto.createPublicKey({ key: FIX.ecPublicJwk, format: 'jwk' }).export({ type: 'spki', format: 'der' }).toString('hex'));
    await check('ed25519', () => { const k = crypto.createPrivateKey(FIX.edPrivate); return [k.asymmetricKeyType, k.asymmetricKeyDetails, k.export({ format: 'jwk' }), crypto.createPublicKey(k).export({ type: 'spki', format: 'pem' })]; });
    await check('secret', () => { const k = crypto.createSecretKey(Buffer.from('00112233', 'hex')); return [k.type, k.symmetricKeySize, k.asymmetricKeyType, k.export(), k.export({ format: 'jwk' }), k.equals(crypto.createSecretKey('ABEiMw', 'base64url')), k.equals(crypto.createSecretKey(Buffer.from('00112234', 'hex')))]; });
    await check('garbage', () => crypto.createPrivateKey('garbage'));
    await check('jwkBad', () => crypto.createPrivateKey({ key: { kty: 'OCT' }, format: 'jwk' }));
    await check('jwkType', () => crypto.createPrivateKey({ key: 'x', format: 'jwk' }));
    await check('publicAsPrivate', () => crypto.createPrivateKey(FIX.ecPublic));
    await check('secretType', () => crypto.createSecretKey(5));
    await check('equalsType', () => rsaPriv.equals('nope'));
    await check('exportSecretAsPem', () => crypto.createSecretKey(Buffer.alloc(4)).export({ format: 'pem' }));
    await check('newKeyObject', () => new crypto.KeyObject('secret', {}));
  `, KEYS);
  const priv = rsa.privateKey;
  assert.deepEqual(value(r, 'rsaPrivate'), ['private', 'rsa', { modulusLength: 2048, publicExponent: { bigint: '65537' } }, true, '[object KeyObject]']);
  assert.deepEqual(value(r, 'rsaExports'), [priv.export({ type: 'pkcs1', format: 'pem' }), priv.export({ type: 'pkcs8', format: 'der' }).toString('base64'), priv.export({ format: 'jwk' })]);
  for (const name of ['rsaFromPkcs1', 'rsaFromDer', 'rsaFromJwk', 'encrypted', 'encryptedExport']) assert.equal(value(r, name), true, name);
  assert.deepEqual(value(r, 'rsaPublicFromPrivate'), ['public', rsa.publicKey.export({ type: 'spki', format: 'pem' }), true, false]);
  assert.equal(value(r, 'rsaPublicJwk'), KEYS.rsaPublicPkcs1);
  sameError(r, 'wrongPassphrase', () => crypto.createPrivateKey({ key: KEYS.rsaEncrypted, passphrase: 'wrong' }));
  assert.deepEqual(value(r, 'ec'), ['ec', { namedCurve: 'prime256v1' }, ec.privateKey.export({ format: 'jwk' }), ec.publicKey.export({ format: 'jwk' })]);
  assert.equal(value(r, 'ecJwk'), ec.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'));
  assert.deepEqual(value(r, 'ed25519'), ['ed25519', {}, ed.privateKey.export({ format: 'jwk' }), KEYS.edPublic]);
  assert.deepEqual(value(r, 'secret'), ['secret', 4, null, { bytes: '00112233', ctor: 'Buffer' }, { kty: 'oct', k: 'ABEiMw' }, true, false]);
  sameError(r, 'garbage', () => crypto.createPrivateKey('garbage'));
  sameError(r, 'jwkBad', () => crypto.createPrivateKey({ key: { kty: 'OCT' }, format: 'jwk' }));
  sameError(r, 'jwkType', () => crypto.createPrivateKey({ key: 'x', format: 'jwk' }));
  sameError(r, 'publicAsPrivate', () => crypto.createPrivateKey(KEYS.ecPublic));
  sameError(r, 'secretType', () => crypto.createSecretKey(5));
  sameError(r, 'equalsType', () => priv.equals('nope'));
  sameError(r, 'exportSecretAsPem', () => crypto.createSecretKey(Buffer.alloc(4)).export({ format: 'pem' }));
  assert.equal(thrown(r, 'newKeyObject').ctor, 'TypeError');
});

test('key generation: key pairs (RSA, RSA-PSS, EC, Ed25519, X25519) and secret keys, sync and with callbacks', async () => {
  const r = await inWorker(`
    await check('rsa', () => { const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 }); return [publicKey.type, privateKey.type, privateKey.asymmetricKeyDetails]; });
    await check('rsaEncoded', () => { const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } }); return [publicKey.slice(0, 26), Buffer.isBuffer(privateKey), crypto.createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' }).asymmetricKeyType]; });
    await check('rsaPss', () => crypto.generateKeyPairSync('rsa-pss', { modulusLength: 1024, hashAlgorithm: 'sha256', saltLength: 16 }).privateKey.asymmetricKeyDetails);
    await check('ec', () => ['P-256', 'prime256v1', 'P-384', 'secp521r1'].map((namedCurve) => crypto.generateKeyPairSync('ec', { namedCurve }).publicKey.asymmetricKeyDetails.namedCurve));
    await check('ed25519', () => { const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519'); return [publicKey.asymmetricKeyType, crypto.verify(null, Buffer.from('m'), publicKey, crypto.sign(null, Buffer.from('m'), privateKey))]; });
    await check('x25519', () => { const a = crypto.generateKeyPairSync('x25519'); const b = crypto.generateKeyPairSync('x25519'); return crypto.diffieHellman({ privateKey: a.privateKey, publicKey: b.publicKey }).equals(crypto.diffieHellman({ privateKey: b.privateKey, publicKey: a.publicKey })); });
    await check('callback', () => new Promise((resolve, reject) => crypto.generateKeyPair('ec', { namedCurve: 'P-256' }, (err, pub, priv) => (err ? reject(err) : resolve([pub.type, priv.type])))));
    await check('secretKeys', () => [crypto.generateKeySync('hmac', { length: 512 }).symmetricKeySize, crypto.generateKeySync('aes', { length: 256 }).symmetricKeySize]);
    await check('secretCallback', () => new Promise((resolve) => crypto.generateKey('aes', { length: 128 }, (err, key) => resolve([err, key.symmetricKeySize]))));
    await check('badType', () => crypto.generateKeyPairSync('nope', {}));
    await check('noModulus', () => crypto.generateKeyPairSync('rsa', {}));
    await check('badCurve', () => crypto.generateKeyPairSync('ec', { namedCurve: 'nope' }));
    await check('secp256k1', () => crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }));
    await check('ed448', () => crypto.generateKeyPairSync('ed448'));
    await check('hugeRsa', () => crypto.generateKeyPairSync('rsa', { modulusLength: 16384 }));
    await check('aesLength', () => crypto.generateKeySync('aes', { length: 3 }));
    await check('callbackMissing', () => crypto.generateKeyPair('ec', { namedCurve: 'P-256' }));
  `);
  assert.deepEqual(value(r, 'rsa'), ['public', 'private', { modulusLength: 1024, publicExponent: { bigint: '3' } }]);
  assert.deepEqual(value(r, 'rsaEncoded'), ['-----BEGIN PUBLIC KEY-----', true, 'rsa']);
  assert.deepEqual(value(r, 'rsaPss'), { modulusLength: 1024, publicExponent: { bigint: '65537' }, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256', saltLength: 16 });
  assert.deepEqual(value(r, 'ec'), ['prime256v1', 'prime256v1', 'secp384r1', 'secp521r1']);
  assert.deepEqual(value(r, 'ed25519'), ['ed25519', true]);
  assert.equal(value(r, 'x25519'), true);
  assert.deepEqual(value(r, 'callback'), ['public', 'private']);
  assert.deepEqual(value(r, 'secretKeys'), [64, 32]);
  assert.deepEqual(value(r, 'secretCallback'), [null, 16]);
  sameError(r, 'badType', () => crypto.generateKeyPairSync('nope', {}));
  sameError(r, 'noModulus', () => crypto.generateKeyPairSync('rsa', {}));
  sameError(r, 'badCurve', () => crypto.generateKeyPairSync('ec', { namedCurve: 'nope' }));
  // Workers' BoringSSL has neither secp256k1 nor Ed448.
  sameError(r, 'secp256k1', () => crypto.generateKeyPairSync('ec', { namedCurve: 'nope' }));
  assert.deepEqual([thrown(r, 'ed448').code, thrown(r, 'ed448').message], ['ERR_INVALID_ARG_VALUE', "The argument 'type' must be a supported key type. Received 'ed448'"]);
  assert.equal(thrown(r, 'hugeRsa').code, 'ERR_OUT_OF_RANGE');
  sameError(r, 'aesLength', () => crypto.generateKeySync('aes', { length: 3 }));
  sameError(r, 'callbackMissing', () => crypto.generateKeyPair('ec', { namedCurve: 'P-256' }));
});

// ---- signatures ----

test('sign/verify and createSign/createVerify: RSA, RSA-PSS, ECDSA and Ed25519, checked against Node both ways', async () => {
  const data = 'message to sign';
  const nodeSigs = {
    rsa: crypto.sign('sha256', Buffer.from(data), rsa.privateKey).toString('base64'),
    pss: crypto.sign('sha256', Buffer.from(data), { key: rsa.privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64'),
    ecdsa: crypto.sign('sha384', Buffer.from(data), ec.privateKey).toString('base64'),
    p1363: crypto.sign('sha256', Buffer.from(data), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64'),
    ed: crypto.sign(null, Buffer.from(data), ed.privateKey).toString('base64'),
  };
  const r = await inWorker(`
    const data = Buffer.from(${JSON.stringify(data)});
    const rsaPriv = crypto.createPrivateKey(FIX.rsaPrivatePkcs8);
    await check('rsa', () => crypto.sign('sha256', data, rsaPriv).toString('base64'));
    await check('rsaPem', () => crypto.sign('RSA-SHA256', data, FIX.rsaPrivatePkcs1).toString('base64'));
    await check('pss', () => crypto.sign('sha256', data, { key: FIX.rsaPrivatePkcs8, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64'));
    await check('ecdsa', () => crypto.sign('sha384', data, FIX.ecPrivate).toString('base64'));
    await check('p1363', () => crypto.sign('sha256', data, { key: FIX.ecPrivate, dsaEncoding: 'ieee-p1363' }).toString('base64'));
    await check('ed', () => crypto.sign(null, data, FIX.edPrivate).toString('base64'));
    await check('verifyNode', () => [
      crypto.verify('sha256', data, FIX.rsaPublicSpki, Buffer.from(FIX.sigs.rsa, 'base64')),
      crypto.verify('sha256', data, { key: FIX.rsaPublicPkcs1, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(FIX.sigs.pss, 'base64')),
      crypto.verify('sha384', data, crypto.createPublicKey(FIX.ecPublic), Buffer.from(FIX.sigs.ecdsa, 'base64')),
      crypto.verify('sha256', data, { key: FIX.ecPublic, dsaEncoding: 'ieee-p1363' }, Buffer.from(FIX.sigs.p1363, 'base64')),
      crypto.verify(null, data, FIX.edPublic, Buffer.from(FIX.sigs.ed, 'base64')),
      crypto.verify('sha256', Buffer.from('tampered'), FIX.rsaPublicSpki, Buffer.from(FIX.sigs.rsa, 'base64')),
    ]);
    await check('createSign', () => { const s = crypto.createSign('SHA256'); s.update('message '); s.update('to sign'); return s.sign(rsaPriv, 'hex'); });
    await check('createVerify', () => { const v = crypto.createVerify('RSA-SHA256'); v.write('message to'); v.end(' sign'); return v.verify(FIX.rsaPublicSpki, FIX.sigs.rsa, 'base64'); });
    await check('signCallback', () => new Promise((resolve, reject) => crypto.sign('sha256', data, rsaPriv, (err, sig) => (err ? reject(err) : resolve(sig.toString('base64'))))));
    await check('verifyCallback', () => new Promise((resolve, reject) => crypto.verify(null, data, FIX.edPublic, Buffer.from(FIX.sigs.ed, 'base64'), (err, ok) => (err ? reject(err) : resolve(ok)))));
    await check('signBadDigest', () => crypto.sign('nope', data, rsaPriv));
    await check('signWithPublic', () => crypto.sign('sha256', data, FIX.rsaPublicSpki));
    await check('signWithSecret', () => crypto.sign('sha256', data, crypto.createSecretKey(Buffer.alloc(5))));
    await check('signNoKey', () => crypto.createSign('sha256').update('x').sign());
    await check('signTwice', () => { const s = crypto.createSign('sha256'); s.update('x'); s.sign(rsaPriv); return s.sign(rsaPriv); });
    await check('createSignUnknown', () => crypto.createSign('nope'));
    await check('edWithDigest', () => { const s = crypto.createSign('sha256'); s.update('x'); return s.sign(FIX.edPrivate); });
  `, { ...KEYS, sigs: nodeSigs });
  const verifyWith = (sig, key, alg = 'sha256') => crypto.verify(alg, Buffer.from(data), key, Buffer.from(sig, 'base64'));
  assert.equal(value(r, 'rsa'), nodeSigs.rsa, 'RSA PKCS#1 v1.5 signatures are deterministic');
  assert.equal(value(r, 'rsaPem'), nodeSigs.rsa);
  assert.equal(verifyWith(value(r, 'pss'), { key: rsa.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }), true);
  assert.equal(verifyWith(value(r, 'ecdsa'), ec.publicKey, 'sha384'), true);
  assert.equal(verifyWith(value(r, 'p1363'), { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }), true);
  assert.equal(Buffer.from(value(r, 'p1363'), 'base64').length, 64);
  assert.equal(value(r, 'ed'), nodeSigs.ed, 'Ed25519 signatures are deterministic');
  assert.deepEqual(value(r, 'verifyNode'), [true, true, true, true, true, false]);
  assert.equal(value(r, 'createSign'), crypto.createSign('SHA256').update(data).sign(rsa.privateKey, 'hex'));
  assert.equal(value(r, 'createVerify'), true);
  assert.equal(value(r, 'signCallback'), nodeSigs.rsa);
  assert.equal(value(r, 'verifyCallback'), true);
  sameError(r, 'signBadDigest', () => crypto.sign('nope', Buffer.from(data), rsa.privateKey));
  sameError(r, 'signWithPublic', () => crypto.sign('sha256', Buffer.from(data), KEYS.rsaPublicSpki));
  sameError(r, 'signWithSecret', () => crypto.sign('sha256', Buffer.from(data), crypto.createSecretKey(Buffer.alloc(5))));
  sameError(r, 'signNoKey', () => crypto.createSign('sha256').update('x').sign());
  sameError(r, 'signTwice', () => { const s = crypto.createSign('sha256'); s.update('x'); s.sign(rsa.privateKey); s.sign(rsa.privateKey); });
  sameError(r, 'createSignUnknown', () => crypto.createSign('nope'));
  sameError(r, 'edWithDigest', () => { const s = crypto.createSign('sha256'); s.update('x'); s.sign(KEYS.edPrivate); });
});

test('publicEncrypt/privateDecrypt and privateEncrypt/publicDecrypt interoperate with Node', async () => {
  const oaep = crypto.publicEncrypt({ key: rsa.publicKey, oaepHash: 'sha256' }, Buffer.from('for the worker')).toString('base64');
  const signedByNode = crypto.privateEncrypt(rsa.privateKey, Buffer.from('from node')).toString('base64');
  const r = await inWorker(`
    await check('oaep', () => crypto.publicEncrypt({ key: FIX.rsaPublicSpki, oaepHash: 'sha256' }, Buffer.from('for node')).toString('base64'));
    await check('pkcs1', () => crypto.publicEncrypt({ key: FIX.rsaPublicSpki, padding: crypto.constants.RSA_PKCS1_PADDING }, 'pkcs1 text').toString('base64'));
    await check('decrypt', () => crypto.privateDecrypt({ key: FIX.rsaPrivatePkcs8, oaepHash: 'sha256' }, Buffer.from(FIX.oaep, 'base64')).toString());
    await check('privateEncrypt', () => crypto.privateEncrypt(crypto.createPrivateKey(FIX.rsaPrivatePkcs8), Buffer.from('from worker')).toString('base64'));
    await check('publicDecrypt', () => crypto.publicDecrypt(FIX.rsaPublicSpki, Buffer.from(FIX.signedByNode, 'base64')).toString());
    await check('wrongKey', () => crypto.privateDecrypt(FIX.ecPrivate, Buffer.alloc(256)));
    await check('garbled', () => crypto.privateDecrypt(FIX.rsaPrivatePkcs8, Buffer.alloc(256, 1)));
  `, { ...KEYS, oaep, signedByNode });
  assert.equal(crypto.privateDecrypt({ key: rsa.privateKey, oaepHash: 'sha256' }, Buffer.from(value(r, 'oaep'), 'base64')).toString(), 'for node');
  assert.equal(crypto.privateDecrypt({ key: rsa.privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(value(r, 'pkcs1'), 'base64')).toString(), 'pkcs1 text');
  assert.equal(value(r, 'decrypt'), 'for the worker');
  assert.equal(crypto.publicDecrypt(rsa.publicKey, Buffer.from(value(r, 'privateEncrypt'), 'base64')).toString(), 'from worker');
  assert.equal(value(r, 'publicDecrypt'), 'from node');
  sameError(r, 'wrongKey', () => crypto.privateDecrypt(KEYS.ecPrivate, Buffer.alloc(256)));
  assert.match(thrown(r, 'garbled').code, /^ERR_OSSL_/);
});

// ---- key agreement ----

test('ECDH, Diffie-Hellman groups and diffieHellman() agree on secrets with Node', async () => {
  const nodeEcdh = crypto.createECDH('prime256v1');
  nodeEcdh.generateKeys();
  const nodeDh = crypto.getDiffieHellman('modp14');
  nodeDh.generateKeys();
  const nodeX = crypto.generateKeyPairSync('x25519');
  const r = await inWorker(`
    await check('ecdh', () => { const e = crypto.createECDH('prime256v1'); const pub = e.generateKeys('hex', 'compressed'); return [pub, e.computeSecret(FIX.ecdhPublic, 'hex', 'hex'), e.getPrivateKey('hex'), e.getPublicKey('base64')]; });
    await check('ecdhSetPrivate', () => { const e = crypto.createECDH('secp384r1'); const r = e.setPrivateKey(Buffer.alloc(48, 1)); return [r === e, e.getPublicKey('hex')]; });
    await check('convert', () => crypto.ECDH.convertKey(FIX.ecdhPublic, 'prime256v1', 'hex', 'hex', 'compressed'));
    await check('dh', () => { const d = crypto.getDiffieHellman('modp14'); d.generateKeys(); return [d.computeSecret(FIX.dhPublic, 'hex', 'hex'), d.getPublicKey('hex'), d.verifyError, d.getPrime('hex') === FIX.dhPrime, d.getGenerator('hex')]; });
    await check('dhCustom', () => { const d = crypto.createDiffieHellman(FIX.dhPrime, 'hex', 2); const k = d.generateKeys(); return [d.getGenerator('hex'), k.length, typeof d.verifyError]; });
    await check('x25519', () => { const mine = crypto.generateKeyPairSync('x25519'); return [crypto.diffieHellman({ privateKey: mine.privateKey, publicKey: crypto.createPublicKey(FIX.xPublic) }).toString('hex'), mine.publicKey.export({ type: 'spki', format: 'pem' })]; });
    await check('badCurve', () => crypto.createECDH('nope'));
    await check('k1', () => crypto.createECDH('secp256k1'));
    await check('badPublic', () => crypto.createECDH('prime256v1').computeSecret(Buffer.alloc(3)));
    await check('curves', () => crypto.getCurves());
  `, { ecdhPublic: nodeEcdh.getPublicKey('hex'), dhPublic: nodeDh.getPublicKey('hex'), dhPrime: nodeDh.getPrime('hex'), xPublic: KEYS.xPublic });
  const [ecdhPub, ecdhSecret, ecdhPriv] = value(r, 'ecdh');
  assert.equal(nodeEcdh.computeSecret(ecdhPub, 'hex', 'hex'), ecdhSecret);
  const check384 = crypto.createECDH('secp384r1');
  check384.setPrivateKey(Buffer.alloc(48, 1));
  assert.deepEqual(value(r, 'ecdhSetPrivate'), [true, check384.getPublicKey('hex')]);
  assert.ok(ecdhPriv.length === 64);
  assert.equal(value(r, 'convert'), crypto.ECDH.convertKey(nodeEcdh.getPublicKey('hex'), 'prime256v1', 'hex', 'hex', 'compressed'));
  const [dhSecret, dhPub, verifyError, samePrime, generator] = value(r, 'dh');
  assert.equal(nodeDh.computeSecret(dhPub, 'hex', 'hex'), dhSecret);
  assert.deepEqual([verifyError, samePrime, generator], [0, true, '02']);
  assert.deepEqual(value(r, 'dhCustom').slice(0, 3), ['02', 256, 'number']);
  const [xSecret, xPub] = value(r, 'x25519');
  assert.equal(crypto.diffieHellman({ privateKey: x.privateKey, publicKey: crypto.createPublicKey(xPub) }).toString('hex'), xSecret);
  sameError(r, 'badCurve', () => crypto.createECDH('nope'));
  sameError(r, 'k1', () => crypto.createECDH('nope'));
  sameError(r, 'badPublic', () => crypto.createECDH('prime256v1').computeSecret(Buffer.alloc(3)));
  assert.deepEqual(value(r, 'curves'), ['secp224r1', 'prime256v1', 'secp384r1', 'secp521r1']);
});

// ---- the rest of the module ----

test('timingSafeEqual, constants, primes, X509Certificate, webcrypto and the module surface', async () => {
  const r = await inWorker(`
    await check('tse', () => [crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abc')), crypto.timingSafeEqual(new Uint8Array([1]), new Uint8Array([2])), crypto.timingSafeEqual(new ArrayBuffer(2), new Uint16Array(1))]);
    await check('tseLength', () => crypto.timingSafeEqual(Buffer.alloc(1), Buffer.alloc(2)));
    await check('tseType', () => crypto.timingSafeEqual('a', 'b'));
    await check('constants', () => [crypto.constants.RSA_PKCS1_OAEP_PADDING, crypto.constants.RSA_PKCS1_PSS_PADDING, crypto.constants.POINT_CONVERSION_COMPRESSED]);
    await check('primes', () => { const p = crypto.generatePrimeSync(64, { bigint: true }); return [typeof p, crypto.checkPrimeSync(p), crypto.checkPrimeSync(15n), crypto.generatePrimeSync(32) instanceof ArrayBuffer]; });
    await check('primeCallback', () => new Promise((resolve) => crypto.checkPrime(13n, (err, prime) => resolve([err, prime]))));
    await check('x509', () => { const c = new crypto.X509Certificate(FIX.cert); return [c.subject, c.issuer, c.subjectAltName, c.fingerprint256, c.serialNumber, c.validFrom, c.validToDate.toISOString(), c.ca, c.checkHost('example.com'), c.checkHost('nope.test'), c.checkHost('a.example.org'), c.checkIP('127.0.0.1'), c.checkEmail('a@example.com'), c.checkIssued(c), c.verify(c.publicKey), c.publicKey.asymmetricKeyType, c.checkPrivateKey(crypto.createPrivateKey(FIX.certKey)), c.raw.length, c.toString() === FIX.cert, c.toJSON() === FIX.cert]; });
    await check('x509Bad', () => new crypto.X509Certificate('not a certificate'));
    await check('webcrypto', async () => [crypto.webcrypto === globalThis.crypto, crypto.subtle === globalThis.crypto.subtle, Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc'))).toString('hex'), typeof crypto.getRandomValues(new Uint32Array(1))[0]]);
    await check('misc', () => [crypto.getFips(), crypto.secureHeapUsed(), typeof named.createHash, named.default === crypto, typeof named.KeyObject, typeof crypto.Certificate.verifySpkac]);
    await check('setFips', () => crypto.setFips(true));
  `, { cert: CERT, certKey: CERT_KEY });
  assert.deepEqual(value(r, 'tse'), [true, false, true]);
  sameError(r, 'tseLength', () => crypto.timingSafeEqual(Buffer.alloc(1), Buffer.alloc(2)));
  sameError(r, 'tseType', () => crypto.timingSafeEqual('a', 'b'));
  assert.deepEqual(value(r, 'constants'), [crypto.constants.RSA_PKCS1_OAEP_PADDING, crypto.constants.RSA_PKCS1_PSS_PADDING, crypto.constants.POINT_CONVERSION_COMPRESSED]);
  assert.deepEqual(value(r, 'primes'), ['bigint', true, false, true]);
  assert.deepEqual(value(r, 'primeCallback'), [null, true]);
  const cert = new crypto.X509Certificate(CERT);
  assert.deepEqual(value(r, 'x509'), [
    cert.subject, cert.issuer, cert.subjectAltName, cert.fingerprint256, cert.serialNumber, cert.validFrom, cert.validToDate.toISOString(), true,
    cert.checkHost('example.com'), null, cert.checkHost('a.example.org'), cert.checkIP('127.0.0.1'), cert.checkEmail('a@example.com'),
    true, true, 'ec', true, cert.raw.length, true, true,
  ]);
  sameError(r, 'x509Bad', () => new crypto.X509Certificate('not a certificate'));
  assert.deepEqual(value(r, 'webcrypto'), [true, true, crypto.createHash('sha256').update('abc').digest('hex'), 'number']);
  assert.deepEqual(value(r, 'misc'), [true, { total: 0, used: 0, utilization: 0, min: 0 }, 'function', true, 'function', 'function']);
  assert.equal(thrown(r, 'setFips').code, 'ERR_METHOD_NOT_IMPLEMENTED');
});

// ---- streams ----

test('Hash, Hmac, Cipheriv and Sign work as Node streams (write/end/read, pipe, pipeline)', async () => {
  const r = await inWorker(`
    await check('writeRead', () => { const h = crypto.createHash('sha256'); h.write('ab'); h.end('c'); return h.read().toString('hex'); });
    await check('setEncoding', () => new Promise((resolve, reject) => { const h = crypto.createHash('sha1'); h.setEncoding('hex'); h.on('data', resolve); h.on('error', reject); h.end('abc'); }));
    await check('decipherPipe', () => new Promise((resolve, reject) => {
      const c = crypto.createCipheriv('aes-128-ctr', Buffer.alloc(16, 1), Buffer.alloc(16, 2));
      const d = crypto.createDecipheriv('aes-128-ctr', Buffer.alloc(16, 1), Buffer.alloc(16, 2));
      const out = [];
      c.pipe(d);
      d.on('data', (chunk) => out.push(chunk));
      d.on('end', () => resolve(Buffer.concat(out).toString()));
      d.on('error', reject);
      for (let i = 0; i < 20; i++) c.write('line ' + i + '\\n');
      c.end();
    }));
    await check('cipherStreamError', () => new Promise((resolve) => { const d = crypto.createDecipheriv('aes-128-cbc', Buffer.alloc(16), Buffer.alloc(16)); d.on('error', (e) => resolve(e.code)); d.on('data', () => {}); d.end(Buffer.alloc(16, 1)); }));
    await check('signWritable', () => { const s = crypto.createSign('sha256'); s.write('a'); s.end('b'); return crypto.verify('sha256', Buffer.from('ab'), FIX.ecPublic, s.sign(FIX.ecPrivate)); });
  `, KEYS);
  assert.equal(value(r, 'writeRead'), crypto.createHash('sha256').update('abc').digest('hex'));
  assert.equal(value(r, 'setEncoding'), crypto.createHash('sha1').update('abc').digest('hex'));
  assert.equal(value(r, 'decipherPipe'), Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join(''));
  assert.equal(value(r, 'cipherStreamError'), 'ERR_OSSL_BAD_DECRYPT');
  assert.equal(value(r, 'signWritable'), true);
});

// ---- isolation ----

test('nothing of the host comes back: results, errors and keys are the isolate\'s own', async () => {
  const r = await inWorker(`
    const probe = (v) => v.constructor.constructor !== Function;
    await check('buffer', () => { const d = crypto.createHash('sha256').digest(); return [Object.getPrototypeOf(d) === Buffer.prototype, d instanceof Uint8Array, probe(d), d.buffer.byteLength]; });
    await check('error', () => { try { crypto.createCipheriv('aes-128-cbc', Buffer.alloc(3), Buffer.alloc(16)); } catch (e) { return [e instanceof RangeError, e.constructor === RangeError, probe(e), Object.getPrototypeOf(e) === RangeError.prototype]; } });
    await check('key', () => { const k = crypto.createSecretKey(Buffer.alloc(8)); return [Object.keys(k), Object.getOwnPropertySymbols(k).length, JSON.stringify(k), probe(k)]; });
    await check('jwk', () => { const j = crypto.createSecretKey(Buffer.alloc(8)).export({ format: 'jwk' }); return [Object.getPrototypeOf(j) === Object.prototype, probe(j)]; });
    await check('forgedKey', () => crypto.createHmac('sha256', Object.create(crypto.KeyObject.prototype)));
    await check('forgedTag', () => crypto.createHmac('sha256', { 'outpost:tag': 'key', v: 1 }).update('x').digest('hex'));
  `);
  assert.deepEqual(value(r, 'buffer'), [true, true, false, 32]);
  assert.deepEqual(value(r, 'error'), [true, true, false, true]);
  assert.deepEqual(value(r, 'key'), [[], 0, '{}', false]);
  assert.deepEqual(value(r, 'jwk'), [true, false]);
  assert.equal(thrown(r, 'forgedKey').code, 'ERR_INVALID_ARG_TYPE');
  // A plain object imitating the wire format names nothing of another worker: at worst one of
  // this worker's own objects, and here none.
  assert.equal(thrown(r, 'forgedTag').code, 'ERR_INVALID_ARG_TYPE');
});

test('host objects are released: after digest/final, and once the isolate drops them', async () => {
  const spec = {
    name: 'release',
    bundle: {
      format: 'modules',
      mainModule: 'index.js',
      sourceMaps: {},
      modules: [{
        name: 'index.js',
        type: 'esm',
        content: `import crypto from 'node:crypto';
const kept = [];
export default { fetch(request) {
  const url = new URL(request.url);
  if (url.pathname === '/finished') {
    for (let i = 0; i < 300; i++) {
      crypto.createHash('sha1').update(Buffer.alloc(100000)).digest();
      const c = crypto.createCipheriv('aes-128-cbc', Buffer.alloc(16), Buffer.alloc(16)); c.update('x'); c.final();
      const s = crypto.createSign('sha256'); s.update('x');
    }
  }
  if (url.pathname === '/keep') for (let i = 0; i < 10; i++) kept.push(crypto.createSecretKey(Buffer.alloc(16, i)));
  if (url.pathname === '/drop') for (let i = 0; i < 300; i++) crypto.createSecretKey(Buffer.alloc(16, i));
  // Memory pressure, so that the isolate's collector runs a full collection.
  if (url.pathname === '/garbage') { let junk = []; for (let i = 0; i < 48; i++) junk.push(new Array(131072).fill(i)); junk = null; }
  return new Response(String(kept.length));
} };`.replace("import crypto from 'node:crypto';", "import crypto from 'node:crypto';\nconst Buffer = globalThis.Buffer ?? crypto.createHash('md5').digest().constructor;"),
      }],
    },
    env: { vars: {}, secrets: {}, bindings: {} },
    limits: { ...DEFAULT_LIMITS },
    stateDir: null,
  };
  const host = new IsolateHost(spec, { log: () => {}, error: () => {} });
  host.start();
  const get = async (path) => {
    const res = await host.fetch({ method: 'GET', url: `http://localhost${path}`, headers: [], cf: {}, body: null });
    return res.body;
  };
  try {
    await get('/finished');
    // Finished hashes and ciphers are gone at once; unfinished signers wait for the collector.
    assert.ok((host.nodeCrypto?.size ?? 0) <= 300, `host objects left: ${host.nodeCrypto?.size}`);
    await get('/keep');
    for (let i = 0; i < 5; i++) {
      await get('/drop');
      await get('/garbage');
    }
    await get('/drop');
    // 1,800 keys were dropped and 10 kept: the dropped ones are released as new ones are made.
    assert.ok(host.nodeCrypto.size < 700, `host objects left: ${host.nodeCrypto.size}`);
    assert.equal(await get('/keep'), '20');
  } finally {
    host.dispose();
  }
});

test('one worker cannot reach another\'s keys: handles are per isolate', async () => {
  const source = `import crypto from 'node:crypto';
const Buffer = globalThis.Buffer ?? crypto.createHash('md5').digest().constructor;
let key;
export default { fetch(request) {
  key ??= crypto.createSecretKey(Buffer.from(new URL(request.url).searchParams.get('k')));
  const results = [];
  // Try every small handle number through the wire format: none is another worker's key.
  for (let v = 0; v < 2000; v++) {
    try { results.push(crypto.createHmac('sha256', { 'outpost:tag': 'key', v }).update('x').digest('hex')); } catch {}
  }
  return Response.json({ mine: crypto.createHmac('sha256', key).update('x').digest('hex'), forged: results });
} };`;
  const a = await startWorker(source);
  const b = await startWorker(source);
  try {
    const fromA = await (await a.fetch('/?k=alpha')).json();
    const fromB = await (await b.fetch('/?k=bravo')).json();
    const alpha = crypto.createHmac('sha256', 'alpha').update('x').digest('hex');
    const bravo = crypto.createHmac('sha256', 'bravo').update('x').digest('hex');
    assert.equal(fromA.mine, alpha);
    assert.equal(fromB.mine, bravo);
    assert.ok(!fromB.forged.includes(alpha), "worker B reached worker A's key");
    assert.ok(!fromA.forged.includes(bravo), "worker A reached worker B's key");
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

// ---- npm packages, bundled ----

test('jsonwebtoken (HS256, RS256) and bcryptjs run unmodified in a bundled worker', async () => {
  const { default: jwt } = await import('jsonwebtoken');
  const { default: bcrypt } = await import('bcryptjs');
  const payload = { sub: 'user-1', admin: true, iat: 1700000000 };
  const secret = 'shared secret';
  const fixtures = {
    payload,
    secret,
    privateKey: KEYS.rsaPrivatePkcs8,
    publicKey: KEYS.rsaPublicSpki,
    hs256: jwt.sign(payload, secret, { algorithm: 'HS256' }),
    rs256: jwt.sign(payload, KEYS.rsaPrivatePkcs8, { algorithm: 'RS256' }),
    bcryptHash: bcrypt.hashSync('correct horse', 4),
  };
  const { bundle } = await buildProject(project({
    'fixtures.js': `export default ${JSON.stringify(fixtures)};\n`,
    'index.js': `import jwt from 'jsonwebtoken';
import bcrypt from 'bcryptjs';
import FIX from './fixtures.js';
const attempt = (fn) => { try { return fn(); } catch (e) { return { name: e.name, message: e.message }; } };
export default {
  async fetch() {
    const hs256 = jwt.sign(FIX.payload, FIX.secret, { algorithm: 'HS256' });
    const rs256 = jwt.sign(FIX.payload, FIX.privateKey, { algorithm: 'RS256' });
    const hash = bcrypt.hashSync('correct horse', 4);
    return Response.json({
      hs256,
      rs256,
      verifiedHs: jwt.verify(FIX.hs256, FIX.secret, { ignoreExpiration: true }),
      verifiedRs: jwt.verify(FIX.rs256, FIX.publicKey, { algorithms: ['RS256'], ignoreExpiration: true }),
      badSignature: attempt(() => jwt.verify(FIX.hs256, 'wrong secret')),
      wrongKey: attempt(() => jwt.verify(FIX.rs256, FIX.secret)),
      decoded: jwt.decode(FIX.rs256, { complete: true }).header,
      bcryptOwn: [hash.slice(0, 7), bcrypt.compareSync('correct horse', hash), bcrypt.compareSync('wrong', hash)],
      bcryptNode: [bcrypt.compareSync('correct horse', FIX.bcryptHash), await bcrypt.compare('nope', FIX.bcryptHash)],
      bcryptAsync: await bcrypt.hash('async', await bcrypt.genSalt(4)),
    });
  },
};
`,
    'wrangler.toml': wranglerToml({ name: 'crypto-libs', main: 'index.js', date: '2026-09-01' }),
  }, 'node-crypto-libs-'));
  const worker = await startWorker(bundle);
  try {
    const res = await worker.fetch('/');
    const text = await res.text();
    assert.equal(res.status, 200, `${text} ${JSON.stringify(worker.logs)}`);
    const out = JSON.parse(text);
    assert.equal(out.hs256, fixtures.hs256, 'HS256 tokens are deterministic');
    assert.equal(out.rs256, fixtures.rs256, 'RS256 (PKCS#1 v1.5) tokens are deterministic');
    assert.deepEqual(out.verifiedHs, payload);
    assert.deepEqual(out.verifiedRs, payload);
    assert.deepEqual(out.badSignature, { name: 'JsonWebTokenError', message: 'invalid signature' });
    assert.equal(out.wrongKey.name, 'JsonWebTokenError');
    assert.deepEqual(out.decoded, { alg: 'RS256', typ: 'JWT' });
    assert.deepEqual(out.bcryptOwn, ['$2b$04$', true, false]);
    assert.deepEqual(out.bcryptNode, [true, false]);
    assert.equal(bcrypt.compareSync('async', out.bcryptAsync), true);
  } finally {
    await worker.dispose();
  }
});

test('host-side crypto work is charged to the worker\'s CPU time', async () => {
  // Each pbkdf2Sync call runs on the host, synchronously, inside the worker's turn.
  const worker = await startWorker(`import crypto from 'node:crypto';
export default { fetch() { for (let i = 0; i < 20; i++) crypto.pbkdf2Sync('pw', 'salt', 100000, 64, 'sha512'); return new Response('done'); } };`, { limits: { cpuMs: 50 } });
  try {
    await (await worker.fetch('/')).text();
    assert.ok(worker.logs.some((entry) => entry.message === 'Worker exceeded CPU time limit.'), JSON.stringify(worker.logs));
  } finally {
    await worker.dispose();
  }
});
