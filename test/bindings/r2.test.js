// The R2 binding through real workers: env.BUCKET backed by <state dir>/r2/<bucket>/ (SQLite for
// metadata, one file per body or part). Each route of SERVER runs one scenario inside the worker
// and answers with what it observed; the tests check that against R2's documented behaviour.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorker, temporaryStateDir } from '../helpers/worker.js';
import { MiB, peakRssGrowth, streamUpload } from '../helpers/large-bodies.js';
import { openR2Bucket } from '../../src/storage/r2-store.js';

const BINDINGS = { BUCKET: { type: 'r2', bucketName: 'b' } };
const md5 = (data) => createHash('md5').update(data).digest('hex');
const hash = (algorithm, data) => createHash(algorithm).update(data).digest('hex');

// Routes: /<scenario>?key=... Each answers JSON. `attempt` turns a rejection into
// { error: constructor name, message } so that tests can check Workers' error classes and texts.
const SERVER = `
const attempt = async (fn) => {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { error: e?.constructor?.name, message: e?.message };
  }
};
const describe = (o) => o === null ? null : {
  key: o.key, version: o.version, size: o.size, etag: o.etag, httpEtag: o.httpEtag,
  checksums: o.checksums.toJSON(), uploaded: o.uploaded instanceof Date ? o.uploaded.getTime() : 'not a Date',
  httpMetadata: o.httpMetadata === undefined ? 'undefined' : { ...o.httpMetadata, cacheExpiry: o.httpMetadata.cacheExpiry?.getTime() },
  customMetadata: o.customMetadata === undefined ? 'undefined' : o.customMetadata,
  range: o.range ?? 'undefined', storageClass: o.storageClass, hasBody: 'body' in o, tag: Object.prototype.toString.call(o),
};
const text = async (o) => o === null ? null : 'body' in o ? await o.text() : 'no body';
const json = (value) => Response.json(value);

const routes = {
  // Stores the request body under ?key (streamed), with ?meta as put() options when given.
  async upload(request, env, q) {
    const options = q.has('meta') ? JSON.parse(q.get('meta')) : undefined;
    return json(await attempt(async () => describe(await env.BUCKET.put(q.get('key'), request.body, options))));
  },
  // Streams the object's body back, with its HTTP metadata as headers.
  async download(request, env, q) {
    const object = await env.BUCKET.get(q.get('key'));
    if (object === null) return new Response('missing', { status: 404 });
    const headers = new Headers();
    object.writeHttpMetadata(headers);
    headers.set('etag', object.httpEtag);
    return new Response(object.body, { headers });
  },
  async remove(request, env, q) {
    await env.BUCKET.delete(q.get('key'));
    return json({ ok: 'deleted' });
  },
  async head(request, env, q) {
    return json(await attempt(async () => describe(await env.BUCKET.head(q.get('key')))));
  },

  async roundTrip(request, env) {
    const put = await env.BUCKET.put('greeting', 'hello, R2');
    const head = await env.BUCKET.head('greeting');
    const got = await env.BUCKET.get('greeting');
    const before = got.bodyUsed;
    const body = await got.text();
    const after = got.bodyUsed;
    const again = await attempt(() => got.text());
    return json({
      put: describe(put), head: describe(head), get: describe(got), body, before, after, again,
      md5IsBuffer: got.checksums.md5 instanceof ArrayBuffer, md5Length: got.checksums.md5.byteLength, sha1: got.checksums.sha1 ?? 'undefined',
      keys: Object.keys(put), json: JSON.parse(JSON.stringify(put)), missing: await env.BUCKET.get('no such key'),
      missingHead: await env.BUCKET.head('no such key'),
    });
  },

  async valueTypes(request, env) {
    const bytes = new TextEncoder().encode('0123456789');
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('stre'));
        controller.enqueue(new TextEncoder().encode('amed'));
        controller.close();
      },
    });
    await env.BUCKET.put('t/string', 'text');
    await env.BUCKET.put('t/arraybuffer', bytes.buffer);
    await env.BUCKET.put('t/view', bytes.subarray(2, 5));
    await env.BUCKET.put('t/dataview', new DataView(bytes.buffer, 7, 3));
    await env.BUCKET.put('t/blob', new Blob(['bl', 'ob'], { type: 'text/x-blob' }));
    await env.BUCKET.put('t/stream', stream);
    await env.BUCKET.put('t/null', null);
    await env.BUCKET.put('t/undefined');
    const out = {};
    for (const name of ['string', 'arraybuffer', 'view', 'dataview', 'blob', 'stream', 'null', 'undefined']) {
      const object = await env.BUCKET.get('t/' + name);
      out[name] = [await object.text(), object.size, object.httpMetadata];
    }
    const blob = await (await env.BUCKET.get('t/blob')).blob();
    const buffer = await (await env.BUCKET.get('t/arraybuffer')).arrayBuffer();
    const parsed = await (await env.BUCKET.put('t/json', '{"a":[1,2]}'), env.BUCKET.get('t/json')).then((o) => o.json());
    return json({
      out, blobType: blob.type, blobSize: blob.size, buffer: buffer instanceof ArrayBuffer ? buffer.byteLength : 'not a buffer', parsed,
      number: await attempt(() => env.BUCKET.put('t/bad', 42)),
      object: await attempt(() => env.BUCKET.put('t/bad', { a: 1 })),
      noKey: await attempt(() => env.BUCKET.put()),
      coercedKey: (await env.BUCKET.put(42, 'n')).key,
      usedStream: await attempt(async () => {
        const used = new ReadableStream({ pull(c) { c.enqueue(new Uint8Array([1])); c.close(); } });
        const reader = used.getReader();
        return env.BUCKET.put('t/bad', used);
      }),
      notBytes: await attempt(() => env.BUCKET.put('t/bad', new ReadableStream({ start(c) { c.enqueue('a string'); c.close(); } }))),
      badLeftNothing: await env.BUCKET.head('t/bad'),
    });
  },

  async metadata(request, env) {
    const expiry = new Date('Fri, 24 Feb 2023 00:00:00 GMT');
    const put = await env.BUCKET.put('m/object', 'value', {
      httpMetadata: {
        contentType: 'text/plain', contentLanguage: 'en-GB', contentDisposition: 'attachment; filename="value.txt"',
        contentEncoding: 'gzip', cacheControl: 'max-age=3600', cacheExpiry: expiry, somethingElse: 'ignored',
      },
      customMetadata: { author: 'me', n: 42 },
    });
    const got = await env.BUCKET.get('m/object');
    const headers = new Headers({ 'x-kept': 'yes' });
    const written = got.writeHttpMetadata(headers);
    const fromHeaders = await env.BUCKET.put('m/headers', 'x', {
      httpMetadata: new Headers({ 'content-type': 'image/png', 'cache-control': 'no-cache', expires: expiry.toUTCString(), 'x-other': '1' }),
    });
    return json({
      put: describe(put), got: describe(got), headers: [...headers], written: written === undefined ? 'undefined' : written,
      fromHeaders: describe(fromHeaders),
      badHttp: await attempt(() => env.BUCKET.put('m/bad', 'x', { httpMetadata: 42 })),
      badCustom: await attempt(() => env.BUCKET.put('m/bad', 'x', { customMetadata: 42 })),
      badExpiry: await attempt(() => env.BUCKET.put('m/bad', 'x', { httpMetadata: { cacheExpiry: 'tomorrow' } })),
      badOptions: await attempt(() => env.BUCKET.put('m/bad', 'x', 42)),
      badStorageClass: await attempt(() => env.BUCKET.put('m/bad', 'x', { storageClass: 'Glacier' })),
      infrequent: (await env.BUCKET.put('m/ia', 'x', { storageClass: 'InfrequentAccess' })).storageClass,
      badWrite: await attempt(async () => got.writeHttpMetadata({})),
    });
  },

  async checksums(request, env) {
    const value = 'value';
    const given = JSON.parse(new URL(request.url).searchParams.get('given'));
    const out = {};
    for (const [algorithm, hex] of Object.entries(given)) {
      const good = await attempt(async () => (await env.BUCKET.put('c/' + algorithm, value, { [algorithm]: hex })).checksums.toJSON());
      const binary = await attempt(async () => {
        const bytes = new Uint8Array(hex.length / 2).map((_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
        return (await env.BUCKET.put('c/' + algorithm, value, { [algorithm]: bytes.buffer })).checksums.toJSON();
      });
      const upper = await attempt(async () => (await env.BUCKET.put('c/' + algorithm, value, { [algorithm]: hex.toUpperCase() })).checksums.toJSON());
      const wrongHex = hex.replace(/^./, hex[0] === '0' ? '1' : '0');
      const bad = await attempt(() => env.BUCKET.put('c/' + algorithm, 'other value', { [algorithm]: wrongHex }));
      const kept = await (await env.BUCKET.get('c/' + algorithm)).text();
      const shortHex = await attempt(() => env.BUCKET.put('c/x', value, { [algorithm]: hex.slice(2) }));
      const notHex = await attempt(() => env.BUCKET.put('c/x', value, { [algorithm]: 'z'.repeat(hex.length) }));
      const shortBytes = await attempt(() => env.BUCKET.put('c/x', value, { [algorithm]: new Uint8Array(3) }));
      const wrongType = await attempt(() => env.BUCKET.put('c/x', value, { [algorithm]: 42 }));
      out[algorithm] = { good, binary, upper, bad, kept, wrongHex, shortHex, notHex, shortBytes, wrongType };
    }
    out.multiple = await attempt(() => env.BUCKET.put('c/x', value, { md5: given.md5, sha1: given.sha1 }));
    out.leftNothing = await env.BUCKET.head('c/x');
    return json(out);
  },

  async conditionalPut(request, env) {
    const first = await env.BUCKET.put('cond', '1');
    const etag = first.etag;
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 60_000);
    const results = {};
    const tryPut = async (name, onlyIf) => {
      results[name] = await attempt(async () => {
        const stored = await env.BUCKET.put('cond', name, { onlyIf });
        const now = await (await env.BUCKET.get('cond')).text();
        if (stored !== null) await env.BUCKET.put('cond', '1');
        return { stored: stored !== null, now };
      });
    };
    await tryPut('etagMatches', { etagMatches: etag });
    await tryPut('etagMatchesOther', { etagMatches: 'abc' });
    await tryPut('etagMatchesWildcard', { etagMatches: '*' });
    await tryPut('etagDoesNotMatch', { etagDoesNotMatch: etag });
    await tryPut('etagDoesNotMatchOther', { etagDoesNotMatch: 'abc' });
    await tryPut('uploadedBeforeFuture', { uploadedBefore: future });
    await tryPut('uploadedBeforePast', { uploadedBefore: past });
    await tryPut('uploadedAfterPast', { uploadedAfter: past });
    await tryPut('uploadedAfterFuture', { uploadedAfter: future });
    await tryPut('ifMatchHeader', new Headers({ 'if-match': '"' + etag + '"' }));
    await tryPut('ifMatchHeaderList', new Headers({ 'if-match': '"nope", "' + etag + '"' }));
    await tryPut('ifMatchWeakHeader', new Headers({ 'if-match': 'W/"' + etag + '"' }));
    await tryPut('ifNoneMatchWeakHeader', new Headers({ 'if-none-match': 'W/"' + etag + '"' }));
    await tryPut('ifNoneMatchStar', new Headers({ 'if-none-match': '*' }));
    await tryPut('ifUnmodifiedSincePast', new Headers({ 'if-unmodified-since': past.toUTCString() }));
    await tryPut('quoted', { etagMatches: '"' + etag + '"' });
    await tryPut('badHeader', new Headers({ 'if-match': '"abc" "def"' }));
    await tryPut('unclosed', new Headers({ 'if-match': '"abc' }));
    await tryPut('badDate', { uploadedBefore: 'yesterday' });
    await tryPut('badOnlyIf', 42);
    // Create-only: succeeds for a new key, not for an existing one.
    const created = await env.BUCKET.put('cond/new', 'n', { onlyIf: { etagDoesNotMatch: '*' } });
    const again = await env.BUCKET.put('cond/new', 'm', { onlyIf: { etagDoesNotMatch: '*' } });
    const missingMatch = await env.BUCKET.put('cond/absent', 'x', { onlyIf: { etagMatches: etag } });
    return json({ results, created: created !== null, again, missingMatch, absent: await env.BUCKET.head('cond/absent') });
  },

  async conditionalGet(request, env) {
    const { etag } = await env.BUCKET.put('cget', 'value');
    const get = async (onlyIf) => describe(await env.BUCKET.get('cget', { onlyIf }));
    return json({
      match: await get({ etagMatches: etag }),
      noMatch: await get({ etagMatches: 'other' }),
      notModified: await get(new Headers({ 'if-none-match': '"' + etag + '"' })),
      modifiedSince: await get(new Headers({ 'if-modified-since': new Date(Date.now() + 5000).toUTCString() })),
      unmodifiedSince: await get(new Headers({ 'if-unmodified-since': new Date(Date.now() + 5000).toUTCString() })),
      // If-Match wins over a failing If-Unmodified-Since (RFC 9110).
      matchBeatsDate: await get({ etagMatches: etag, uploadedBefore: new Date(Date.now() - 60_000) }),
    });
  },

  async ranges(request, env) {
    await env.BUCKET.put('r', 'abcdefghijklmnopqrstuvwxyz');
    const read = async (range) => attempt(async () => {
      const object = await env.BUCKET.get('r', { range });
      return [await object.text(), object.range, object.size];
    });
    const header = (value) => new Headers(value === null ? {} : { range: value });
    return json({
      offset: await read({ offset: 23 }),
      length: await read({ length: 3 }),
      both: await read({ offset: 1, length: 3 }),
      longLength: await read({ offset: 20, length: 100 }),
      suffix: await read({ suffix: 4 }),
      longSuffix: await read({ suffix: 100 }),
      headerBoth: await read(header('bytes=3-6')),
      headerFrom: await read(header('bytes=20-')),
      headerSuffix: await read(header('bytes=-5')),
      headerMany: await read(header('bytes=0-1, 5-6')),
      headerNone: await read(header(null)),
      headerGarbage: await read(header('pages=1-2')),
      offsetTooFar: await read({ offset: 26 }),
      zeroLength: await read({ length: 0 }),
      zeroSuffix: await read({ suffix: 0 }),
      headerTooFar: await read(header('bytes=30-')),
      negative: await read({ offset: -1 }),
      fraction: await read({ length: 1.5 }),
      negativeSuffix: await read({ suffix: -2 }),
      suffixAndOffset: await read({ suffix: 2, offset: 1 }),
      notARange: await read(7),
      empty: await (async () => {
        await env.BUCKET.put('r/empty', '');
        const object = await env.BUCKET.get('r/empty');
        return [await object.text(), object.range, object.size];
      })(),
    });
  },

  async deletes(request, env) {
    for (const key of ['d/1', 'd/2', 'd/3', 'd/4']) await env.BUCKET.put(key, key);
    const single = await env.BUCKET.delete('d/1');
    await env.BUCKET.delete(['d/2', 'd/none', 'd/3']);
    await env.BUCKET.delete('d/none');
    const remaining = (await env.BUCKET.list({ prefix: 'd/' })).objects.map((o) => o.key);
    const tooMany = await attempt(() => env.BUCKET.delete(Array.from({ length: 1001 }, (_, i) => 'd/' + i)));
    const longKey = await attempt(() => env.BUCKET.delete(['d/4', 'x'.repeat(1025)]));
    return json({ single: single === undefined ? 'undefined' : single, remaining, tooMany, longKey, stillThere: (await env.BUCKET.head('d/4')) !== null });
  },

  async listing(request, env) {
    const keys = ['dir0/file0', 'dir0/file1', 'dir0/sub0/file2', 'dir0/sub0/file3', 'dir1/file4', 'file5', 'file6'];
    for (const key of keys) await env.BUCKET.put('l/' + key, key, { httpMetadata: { contentType: 'text/' + key.length }, customMetadata: { k: key } });
    const names = (result) => ({ objects: result.objects.map((o) => o.key), prefixes: result.delimitedPrefixes, truncated: result.truncated, cursor: typeof result.cursor });
    const pages = [];
    let cursor;
    do {
      const page = await env.BUCKET.list({ prefix: 'l/', limit: 3, cursor });
      pages.push(page.objects.map((o) => o.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    const plain = await env.BUCKET.list({ prefix: 'l/dir0/', limit: 1 });
    const included = await env.BUCKET.list({ prefix: 'l/file5', include: ['httpMetadata', 'customMetadata'] });
    const httpOnly = await env.BUCKET.list({ prefix: 'l/file5', include: ['httpMetadata'] });
    return json({
      all: names(await env.BUCKET.list({ prefix: 'l/' })),
      delimited: names(await env.BUCKET.list({ prefix: 'l/', delimiter: '/' })),
      delimitedSub: names(await env.BUCKET.list({ prefix: 'l/dir0/', delimiter: '/' })),
      delimitedNoSlash: names(await env.BUCKET.list({ prefix: 'l/dir0', delimiter: '/' })),
      delimitedLimited: names(await env.BUCKET.list({ prefix: 'l/dir0/', delimiter: '/', limit: 2 })),
      emptyDelimiter: names(await env.BUCKET.list({ prefix: 'l/dir1', delimiter: '' })),
      startAfter: names(await env.BUCKET.list({ prefix: 'l/', startAfter: 'l/dir1/file4' })),
      startAfterPartial: names(await env.BUCKET.list({ prefix: 'l/', startAfter: 'l/dir0/s', limit: 2 })),
      pages,
      plainMetadata: [plain.objects[0].httpMetadata === undefined, plain.objects[0].customMetadata === undefined, plain.objects[0].range === undefined],
      included: describe(included.objects[0]),
      httpOnly: describe(httpOnly.objects[0]),
      writeUnknown: await attempt(async () => plain.objects[0].writeHttpMetadata(new Headers())),
      zero: await attempt(() => env.BUCKET.list({ limit: 0 })),
      over: await attempt(() => env.BUCKET.list({ limit: 1001 })),
      badPrefix: await attempt(() => env.BUCKET.list({ prefix: 5 })),
      badInclude: await attempt(() => env.BUCKET.list({ include: ['everything'] })),
      noMatch: names(await env.BUCKET.list({ prefix: 'nothing here/' })),
    });
  },

  async byteOrder(request, env) {
    // UTF-8 byte order, not UTF-16 order: U+FFFD sorts before U+1F600 in UTF-8, after it in UTF-16.
    for (const key of ['o/\\u{1F600}', 'o/\\uFFFD', 'o/z', 'o/\\u00e9', 'o/Z', 'o/']) await env.BUCKET.put(key, 'x');
    return json((await env.BUCKET.list({ prefix: 'o/' })).objects.map((o) => [...o.key.slice(2)].map((c) => c.codePointAt(0))));
  },

  async keys(request, env) {
    const max = 'k'.repeat(1024);
    const over = 'k'.repeat(1025);
    const wide = '\\u00e9'.repeat(513); // 1026 UTF-8 bytes in 513 UTF-16 units
    return json({
      max: (await env.BUCKET.put(max, 'x')).key.length,
      empty: await attempt(async () => { await env.BUCKET.put('', 'empty key'); return [(await env.BUCKET.head('')).key, await (await env.BUCKET.get('')).text()]; }),
      put: await attempt(() => env.BUCKET.put(over, 'x')),
      wide: await attempt(() => env.BUCKET.put(wide, 'x')),
      get: await attempt(() => env.BUCKET.get(over)),
      head: await attempt(() => env.BUCKET.head(over)),
      del: await attempt(() => env.BUCKET.delete(over)),
      multipart: await attempt(() => env.BUCKET.createMultipartUpload(over)),
      loneSurrogate: (await env.BUCKET.put('s/\\uD800', 'x')).key.codePointAt(2),
      noArgs: await attempt(() => env.BUCKET.get()),
    });
  },

  async metadataSize(request, env) {
    const fits = { a: 'x'.repeat(8191) };
    const tooBig = { ab: 'x'.repeat(8191) };
    const wide = { k: '\\u00e9'.repeat(4096) }; // 1 + 8192 bytes
    return json({
      fits: await attempt(async () => (await env.BUCKET.put('meta', 'v', { customMetadata: fits })).size),
      tooBig: await attempt(() => env.BUCKET.put('meta', 'v', { customMetadata: tooBig })),
      wide: await attempt(() => env.BUCKET.put('meta', 'v', { customMetadata: wide })),
      multipart: await attempt(() => env.BUCKET.createMultipartUpload('meta', { customMetadata: tooBig })),
    });
  },

  // Multipart: ?step=create | part | complete | abort | state, the upload resumed by id across requests.
  async multipart(request, env, q) {
    const key = q.get('key');
    const step = q.get('step');
    if (step === 'create') {
      const upload = await env.BUCKET.createMultipartUpload(key, { httpMetadata: { contentType: 'text/plain' }, customMetadata: { multi: 'part' } });
      return json({ key: upload.key, uploadId: upload.uploadId, tag: Object.prototype.toString.call(upload) });
    }
    const upload = env.BUCKET.resumeMultipartUpload(key, q.get('uploadId'));
    if (step === 'part') {
      const size = Number(q.get('size'));
      const fill = q.get('fill');
      const value = q.get('stream') ? request.body : fill.repeat(size);
      return json(await attempt(() => upload.uploadPart(Number(q.get('part')), value)));
    }
    if (step === 'complete') return json(await attempt(async () => describe(await upload.complete(JSON.parse(q.get('parts'))))));
    if (step === 'abort') return json(await attempt(async () => (await upload.abort()) ?? 'undefined'));
    return json({ error: 'no step' });
  },

  async multipartArguments(request, env) {
    const upload = await env.BUCKET.createMultipartUpload('ma');
    return json({
      zero: await attempt(() => upload.uploadPart(0, 'x')),
      tooHigh: await attempt(() => upload.uploadPart(10001, 'x')),
      string: await attempt(() => upload.uploadPart('-42', 'x')),
      nan: await attempt(() => upload.uploadPart(NaN, 'x')),
      noArgs: await attempt(() => upload.uploadPart()),
      noValue: await attempt(() => upload.uploadPart(1)),
      nullValue: await attempt(() => upload.uploadPart(1, null)),
      numberValue: await attempt(() => upload.uploadPart(1, 42)),
      completeBadNumber: await attempt(() => upload.complete([{ partNumber: 0, etag: 'x' }])),
      completeNotArray: await attempt(() => upload.complete(42)),
      resumeNoId: await attempt(async () => env.BUCKET.resumeMultipartUpload('ma')),
      resumeCoerces: (() => { const u = env.BUCKET.resumeMultipartUpload(1, 2); return [u.key, u.uploadId]; })(),
      badOptions: await attempt(() => env.BUCKET.createMultipartUpload('ma', 42)),
    });
  },

  async concurrentPuts(request, env) {
    const writes = Array.from({ length: 20 }, (_, i) => env.BUCKET.put('same', 'version ' + i));
    const stored = await Promise.all(writes);
    const final = await env.BUCKET.get('same');
    return json({ versions: new Set(stored.map((o) => o.version)).size, finalText: await final.text(), finalVersion: final.version, lastVersions: stored.map((o) => o.version) });
  },

  async readAfterDelete(request, env) {
    await env.BUCKET.put('rad', 'still readable after delete');
    const object = await env.BUCKET.get('rad');
    await env.BUCKET.delete('rad');
    await env.BUCKET.put('rad', 'a new version');
    return json({ old: await object.text(), now: await (await env.BUCKET.get('rad')).text() });
  },
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const route = routes[url.pathname.slice(1)];
    if (!route) return new Response('no route', { status: 404 });
    return route(request, env, url.searchParams);
  },
};`;

let server;
after(async () => {
  await server?.dispose();
  if (server) rmSync(server.stateDir, { recursive: true, force: true });
});
before(async () => {
  server = await startWorker(SERVER, { env: { bindings: BINDINGS } });
});

async function call(route, params = {}, init = undefined) {
  const res = await server.fetch(`/${route}?${new URLSearchParams(params)}`, init);
  const body = await res.text();
  assert.equal(res.status, 200, body);
  return JSON.parse(body);
}

const blobFiles = (stateDir, bucket = 'b') => readdirSync(path.join(stateDir, 'r2', bucket, 'blobs'));
const within = (ms, of, epsilon = 10_000) => Math.abs(ms - of) < epsilon;

test('put, head and get return R2 objects with R2\'s fields', async () => {
  const start = Date.now();
  const r = await call('roundTrip');
  const etag = md5('hello, R2');
  for (const object of [r.put, r.head, r.get]) {
    assert.equal(object.key, 'greeting');
    assert.match(object.version, /^[0-9a-f]{32}$/);
    assert.equal(object.size, 9);
    assert.equal(object.etag, etag);
    assert.equal(object.httpEtag, `"${etag}"`);
    assert.deepEqual(object.checksums, { md5: etag });
    assert.ok(within(object.uploaded, start), 'uploaded is a Date close to now');
    assert.deepEqual(object.httpMetadata, {});
    assert.deepEqual(object.customMetadata, {});
    assert.equal(object.storageClass, 'Standard');
  }
  assert.equal(r.put.version, r.get.version);
  assert.equal(r.put.range, 'undefined');
  assert.deepEqual(r.head.range, { offset: 0, length: 9 });
  assert.deepEqual(r.get.range, { offset: 0, length: 9 });
  assert.equal(r.put.tag, '[object R2Object]');
  assert.equal(r.head.hasBody, false);
  assert.equal(r.get.tag, '[object R2ObjectBody]');
  assert.equal(r.get.hasBody, true);
  assert.equal(r.body, 'hello, R2');
  assert.equal(r.before, false);
  assert.equal(r.after, true);
  assert.deepEqual(r.again, { error: 'TypeError', message: 'Body has already been used. It can only be used once. Use tee() first if you need to read it twice.' });
  assert.equal(r.md5IsBuffer, true);
  assert.equal(r.md5Length, 16);
  assert.equal(r.sha1, 'undefined');
  // The fields are the object's own, so JSON.stringify (Response.json) shows them.
  for (const field of ['key', 'version', 'size', 'etag', 'httpEtag', 'checksums', 'uploaded', 'httpMetadata', 'customMetadata', 'storageClass']) {
    assert.ok(r.keys.includes(field), field);
  }
  assert.equal(r.json.checksums.md5, etag);
  assert.equal(r.missing, null);
  assert.equal(r.missingHead, null);
});

test('put takes strings, buffers, views, Blobs, streams and null; refuses other types', async () => {
  const r = await call('valueTypes');
  assert.deepEqual(r.out.string, ['text', 4, {}]);
  assert.deepEqual(r.out.arraybuffer, ['0123456789', 10, {}]);
  assert.deepEqual(r.out.view, ['234', 3, {}]);
  assert.deepEqual(r.out.dataview, ['789', 3, {}]);
  // A Blob's type does not become the object's Content-Type, as in Workers.
  assert.deepEqual(r.out.blob, ['blob', 4, {}]);
  assert.deepEqual(r.out.stream, ['streamed', 8, {}]);
  assert.deepEqual(r.out.null, ['', 0, {}]);
  assert.deepEqual(r.out.undefined, ['', 0, {}]);
  assert.equal(r.blobType, '');
  assert.equal(r.blobSize, 4);
  assert.equal(r.buffer, 10);
  assert.deepEqual(r.parsed, { a: [1, 2] });
  const typeError = { error: 'TypeError', message: "Failed to execute 'put' on 'R2Bucket': parameter 2 is not of type 'ReadableStream or ArrayBuffer or ArrayBufferView or string or Blob'." };
  assert.deepEqual(r.number, typeError);
  assert.deepEqual(r.object, typeError);
  assert.deepEqual(r.noKey, { error: 'TypeError', message: "Failed to execute 'put' on 'R2Bucket': parameter 1 is not of type 'string'." });
  assert.equal(r.coercedKey, '42');
  assert.equal(r.usedStream.error, 'TypeError');
  assert.equal(r.notBytes.error, 'TypeError');
  assert.equal(r.badLeftNothing, null);
});

test('HTTP and custom metadata are stored, returned and written as headers', async () => {
  const r = await call('metadata');
  const expiry = Date.parse('Fri, 24 Feb 2023 00:00:00 GMT');
  const http = {
    contentType: 'text/plain', contentLanguage: 'en-GB', contentDisposition: 'attachment; filename="value.txt"',
    contentEncoding: 'gzip', cacheControl: 'max-age=3600', cacheExpiry: expiry,
  };
  assert.deepEqual(r.put.httpMetadata, http);
  assert.deepEqual(r.got.httpMetadata, http);
  assert.deepEqual(r.got.customMetadata, { author: 'me', n: '42' });
  assert.equal(r.written, 'undefined');
  assert.deepEqual(Object.fromEntries(r.headers), {
    'x-kept': 'yes', 'content-type': 'text/plain', 'content-language': 'en-GB', 'content-disposition': 'attachment; filename="value.txt"',
    'content-encoding': 'gzip', 'cache-control': 'max-age=3600', expires: 'Fri, 24 Feb 2023 00:00:00 GMT',
  });
  assert.deepEqual(r.fromHeaders.httpMetadata, { contentType: 'image/png', cacheControl: 'no-cache', cacheExpiry: expiry });
  assert.deepEqual(r.badHttp, { error: 'TypeError', message: "Incorrect type for the 'httpMetadata' field on 'PutOptions': the provided value is not of type 'HttpMetadata or Headers'." });
  assert.deepEqual(r.badCustom, { error: 'TypeError', message: "Incorrect type for the 'customMetadata' field on 'PutOptions': the provided value is not of type 'object'." });
  assert.deepEqual(r.badExpiry, { error: 'TypeError', message: "Incorrect type for the 'cacheExpiry' field on 'HttpMetadata': the provided value is not of type 'date'." });
  assert.deepEqual(r.badOptions, { error: 'TypeError', message: "Failed to execute 'put' on 'R2Bucket': parameter 3 is not of type 'PutOptions'." });
  assert.equal(r.badStorageClass.error, 'Error');
  assert.match(r.badStorageClass.message, /^put: The storage class you specified is not valid\..* \(10029\)$/);
  assert.equal(r.infrequent, 'InfrequentAccess');
  assert.deepEqual(r.badWrite, { error: 'TypeError', message: "Failed to execute 'writeHttpMetadata' on 'R2Object': parameter 1 is not of type 'Headers'." });
});

test('checksums are verified, stored and refused with R2\'s errors', async () => {
  const given = Object.fromEntries(['md5', 'sha1', 'sha256', 'sha384', 'sha512'].map((a) => [a, hash(a, 'value')]));
  const names = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
  const bytes = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
  const r = await call('checksums', { given: JSON.stringify(given) });
  for (const [algorithm, hex] of Object.entries(given)) {
    const name = names[algorithm];
    const o = r[algorithm];
    const expected = algorithm === 'md5' ? { md5: hex } : { md5: given.md5, [algorithm]: hex };
    assert.deepEqual(o.good, { ok: expected }, algorithm);
    assert.deepEqual(o.binary, { ok: expected }, algorithm);
    assert.deepEqual(o.upper, { ok: expected }, `${algorithm}: stored in lowercase`);
    assert.deepEqual(o.bad, {
      error: 'Error',
      message: `put: The ${name} checksum you specified did not match what we received.\nYou provided a ${name} checksum with value: ${o.wrongHex}\nActual ${name} was: ${hash(algorithm, 'other value')} (10037)`,
    });
    assert.equal(o.kept, 'value', 'a put with a wrong checksum leaves the object as it was');
    assert.deepEqual(o.shortHex, { error: 'TypeError', message: `${name} is ${bytes[algorithm] * 2} hex characters, not ${bytes[algorithm] * 2 - 2}` });
    assert.deepEqual(o.notHex, { error: 'TypeError', message: `Provided ${name} wasn't a valid hex string` });
    assert.deepEqual(o.shortBytes, { error: 'TypeError', message: `${name} is ${bytes[algorithm]} bytes, not 3` });
    assert.equal(o.wrongType.error, 'TypeError');
  }
  assert.deepEqual(r.multiple, { error: 'TypeError', message: 'You cannot specify multiple hashing algorithms.' });
  assert.equal(r.leftNothing, null);
});

test('put onlyIf: conditions from objects and Headers decide whether it stores', async () => {
  const r = await call('conditionalPut');
  const stored = (name) => r.results[name].ok?.stored;
  assert.equal(stored('etagMatches'), true);
  assert.equal(stored('etagMatchesOther'), false);
  assert.equal(r.results.etagMatchesOther.ok.now, '1', 'a put whose condition fails changes nothing');
  assert.equal(stored('etagMatchesWildcard'), true);
  assert.equal(stored('etagDoesNotMatch'), false);
  assert.equal(stored('etagDoesNotMatchOther'), true);
  assert.equal(stored('uploadedBeforeFuture'), true);
  assert.equal(stored('uploadedBeforePast'), false);
  assert.equal(stored('uploadedAfterPast'), true);
  assert.equal(stored('uploadedAfterFuture'), false);
  assert.equal(stored('ifMatchHeader'), true);
  assert.equal(stored('ifMatchHeaderList'), true);
  // If-Match compares strongly, If-None-Match weakly.
  assert.equal(stored('ifMatchWeakHeader'), false);
  assert.equal(stored('ifNoneMatchWeakHeader'), false);
  assert.equal(stored('ifNoneMatchStar'), false);
  assert.equal(stored('ifUnmodifiedSincePast'), false);
  assert.equal(r.results.quoted.error, 'TypeError');
  assert.match(r.results.quoted.message, /^Conditional ETag should not be wrapped in quotes \("[0-9a-f]{32}"\)\.$/);
  assert.deepEqual(r.results.badHeader, { error: 'Error', message: 'Comma was expected to separate etags. Encountered a double quote character \'"\' instead. This would otherwise indicate the start of a new strong etag.' });
  assert.deepEqual(r.results.unclosed, { error: 'Error', message: 'Unclosed double quote for Etag' });
  assert.deepEqual(r.results.badDate, { error: 'TypeError', message: "Incorrect type for the 'uploadedBefore' field on 'Conditional': the provided value is not of type 'date'." });
  assert.deepEqual(r.results.badOnlyIf, { error: 'TypeError', message: "Incorrect type for the 'onlyIf' field on 'PutOptions': the provided value is not of type 'Conditional or Headers'." });
  assert.equal(r.created, true);
  assert.equal(r.again, null);
  assert.equal(r.missingMatch, null);
  assert.equal(r.absent, null);
});

test('get onlyIf: a failed condition returns the object without a body', async () => {
  const r = await call('conditionalGet');
  assert.equal(r.match.hasBody, true);
  assert.equal(r.noMatch.hasBody, false);
  assert.equal(r.noMatch.tag, '[object R2Object]');
  assert.equal(r.noMatch.key, 'cget');
  assert.equal(r.noMatch.size, 5);
  assert.equal(r.notModified.hasBody, false);
  assert.equal(r.modifiedSince.hasBody, false);
  assert.equal(r.unmodifiedSince.hasBody, true);
  assert.equal(r.matchBeatsDate.hasBody, true);
});

test('ranged reads: offset, length, suffix and Range headers; unsatisfiable and invalid ranges', async () => {
  const r = await call('ranges');
  assert.deepEqual(r.offset.ok, ['xyz', { offset: 23, length: 3 }, 26]);
  assert.deepEqual(r.length.ok, ['abc', { offset: 0, length: 3 }, 26]);
  assert.deepEqual(r.both.ok, ['bcd', { offset: 1, length: 3 }, 26]);
  assert.deepEqual(r.longLength.ok, ['uvwxyz', { offset: 20, length: 6 }, 26]);
  assert.deepEqual(r.suffix.ok, ['wxyz', { offset: 22, length: 4 }, 26]);
  assert.deepEqual(r.longSuffix.ok, ['abcdefghijklmnopqrstuvwxyz', { offset: 0, length: 26 }, 26]);
  assert.deepEqual(r.headerBoth.ok, ['defg', { offset: 3, length: 4 }, 26]);
  assert.deepEqual(r.headerFrom.ok, ['uvwxyz', { offset: 20, length: 6 }, 26]);
  assert.deepEqual(r.headerSuffix.ok, ['vwxyz', { offset: 21, length: 5 }, 26]);
  assert.deepEqual(r.headerMany.ok, ['abcdefghijklmnopqrstuvwxyz', { offset: 0, length: 26 }, 26]);
  assert.deepEqual(r.headerNone.ok, ['abcdefghijklmnopqrstuvwxyz', { offset: 0, length: 26 }, 26]);
  assert.deepEqual(r.headerGarbage.ok, ['abcdefghijklmnopqrstuvwxyz', { offset: 0, length: 26 }, 26]);
  const unsatisfiable = { error: 'Error', message: 'get: The requested range is not satisfiable (10039)' };
  assert.deepEqual(r.offsetTooFar, unsatisfiable);
  assert.deepEqual(r.zeroLength, unsatisfiable);
  assert.deepEqual(r.zeroSuffix, unsatisfiable);
  assert.deepEqual(r.headerTooFar, unsatisfiable);
  assert.deepEqual(r.negative, { error: 'RangeError', message: 'Invalid range. Starting offset (-1) must be greater than or equal to 0.' });
  assert.deepEqual(r.fraction, { error: 'RangeError', message: 'Invalid range. Length (1.5) must be an integer, not floating point.' });
  assert.deepEqual(r.negativeSuffix, { error: 'RangeError', message: 'Invalid suffix. Suffix (-2) must be greater than or equal to 0.' });
  assert.deepEqual(r.suffixAndOffset, { error: 'TypeError', message: 'Suffix is incompatible with offset.' });
  assert.deepEqual(r.notARange, { error: 'TypeError', message: "Incorrect type for the 'range' field on 'GetOptions': the provided value is not of type 'Range or Headers'." });
  assert.deepEqual(r.empty, ['', { offset: 0, length: 0 }, 0]);
});

test('delete removes one key or many, skips missing ones and refuses more than 1000', async () => {
  const r = await call('deletes');
  assert.equal(r.single, 'undefined');
  assert.deepEqual(r.remaining, ['d/4']);
  assert.equal(r.tooMany.error, 'Error');
  assert.match(r.tooMany.message, /^delete: .*1000.* \(10029\)$/);
  assert.deepEqual(r.longKey, { error: 'Error', message: 'delete: The specified object name is not valid. (10020)' });
  assert.equal(r.stillThere, true, 'a refused batch deletes nothing');
});

test('list: prefixes, delimiters, cursors, startAfter, include and limits', async () => {
  const r = await call('listing');
  const all = ['l/dir0/file0', 'l/dir0/file1', 'l/dir0/sub0/file2', 'l/dir0/sub0/file3', 'l/dir1/file4', 'l/file5', 'l/file6'];
  assert.deepEqual(r.all, { objects: all, prefixes: [], truncated: false, cursor: 'undefined' });
  assert.deepEqual(r.delimited, { objects: ['l/file5', 'l/file6'], prefixes: ['l/dir0/', 'l/dir1/'], truncated: false, cursor: 'undefined' });
  assert.deepEqual(r.delimitedSub, { objects: ['l/dir0/file0', 'l/dir0/file1'], prefixes: ['l/dir0/sub0/'], truncated: false, cursor: 'undefined' });
  assert.deepEqual(r.delimitedNoSlash, { objects: [], prefixes: ['l/dir0/'], truncated: false, cursor: 'undefined' });
  // The limit counts objects and delimited prefixes together.
  assert.deepEqual(r.delimitedLimited, { objects: ['l/dir0/file0', 'l/dir0/file1'], prefixes: [], truncated: true, cursor: 'string' });
  assert.deepEqual(r.emptyDelimiter.objects, ['l/dir1/file4']);
  assert.deepEqual(r.startAfter.objects, ['l/file5', 'l/file6']);
  assert.deepEqual(r.startAfterPartial, { objects: ['l/dir0/sub0/file2', 'l/dir0/sub0/file3'], prefixes: [], truncated: true, cursor: 'string' });
  assert.deepEqual(r.pages, [all.slice(0, 3), all.slice(3, 6), all.slice(6)]);
  assert.deepEqual(r.plainMetadata, [true, true, true], 'without include, listed objects carry no metadata (and no range)');
  assert.deepEqual(r.included.httpMetadata, { contentType: 'text/5' });
  assert.deepEqual(r.included.customMetadata, { k: 'file5' });
  assert.deepEqual(r.httpOnly.httpMetadata, { contentType: 'text/5' });
  assert.equal(r.httpOnly.customMetadata, 'undefined');
  assert.deepEqual(r.writeUnknown, { error: 'TypeError', message: "HTTP metadata unknown for key `l/dir0/file0`. Did you forget to add 'httpMetadata' to `include` when listing?" });
  const maxKeys = { error: 'Error', message: 'list: MaxKeys params must be positive integer <= 1000. (10022)' };
  assert.deepEqual(r.zero, maxKeys);
  assert.deepEqual(r.over, maxKeys);
  assert.deepEqual(r.badPrefix, { error: 'TypeError', message: "Incorrect type for the 'prefix' field on 'ListOptions': the provided value is not of type 'string'." });
  assert.deepEqual(r.badInclude, { error: 'RangeError', message: 'Unsupported include value everything' });
  assert.deepEqual(r.noMatch, { objects: [], prefixes: [], truncated: false, cursor: 'undefined' });
});

test('keys list in UTF-8 byte order', async () => {
  assert.deepEqual(await call('byteOrder'), [[], [0x5a], [0x7a], [0xe9], [0xfffd], [0x1f600]]);
});

test('keys: up to 1024 UTF-8 bytes, the empty key allowed, longer ones refused by every operation', async () => {
  const r = await call('keys');
  assert.equal(r.max, 1024);
  assert.deepEqual(r.empty.ok, ['', 'empty key']);
  for (const [field, operation] of [['put', 'put'], ['wide', 'put'], ['get', 'get'], ['head', 'head'], ['del', 'delete'], ['multipart', 'createMultipartUpload']]) {
    assert.deepEqual(r[field], { error: 'Error', message: `${operation}: The specified object name is not valid. (10020)` }, field);
  }
  assert.equal(r.loneSurrogate, 0xfffd);
  assert.deepEqual(r.noArgs, { error: 'TypeError', message: "Failed to execute 'get' on 'R2Bucket': parameter 1 is not of type 'string'." });
});

test('custom metadata is limited to 8192 bytes', async () => {
  const r = await call('metadataSize');
  assert.deepEqual(r.fits, { ok: 1 });
  const tooLarge = (operation) => ({ error: 'Error', message: `${operation}: Your metadata headers exceed the maximum allowed metadata size. (10012)` });
  assert.deepEqual(r.tooBig, tooLarge('put'));
  assert.deepEqual(r.wide, tooLarge('put'));
  assert.deepEqual(r.multipart, tooLarge('createMultipartUpload'));
});

// ---- multipart ----

const PART = 5 * MiB;
const mp = (params, init) => call('multipart', params, init);
const etagOf = (md5s) => `${createHash('md5').update(Buffer.concat(md5s.map((h) => Buffer.from(h, 'hex')))).digest('hex')}-${md5s.length}`;

test('multipart: parts uploaded across requests become one object; its etag is the MD5 of the parts\' MD5s', async () => {
  const key = 'big/object';
  const { uploadId, key: uploadKey, tag } = await mp({ step: 'create', key });
  assert.equal(uploadKey, key);
  assert.equal(tag, '[object R2MultipartUpload]');
  assert.ok(uploadId.length > 20);
  // The last part goes first and streams from the request; parts may come in any order.
  const tail = 'tail of the object';
  const p3 = await mp({ step: 'part', key, uploadId, part: 3, stream: 1 }, { method: 'POST', body: tail });
  const p1 = await mp({ step: 'part', key, uploadId, part: 1, size: PART, fill: 'a' });
  const p2 = await mp({ step: 'part', key, uploadId, part: 2, size: PART, fill: 'b' });
  for (const [part, number] of [[p1, 1], [p2, 2], [p3, 3]]) {
    assert.equal(part.ok.partNumber, number);
    assert.equal(typeof part.ok.etag, 'string');
  }
  assert.equal((await call('head', { key })).ok, null, 'an upload in progress is not an object yet');
  const parts = [p1.ok, p2.ok, p3.ok];
  const done = await mp({ step: 'complete', key, uploadId, parts: JSON.stringify(parts) });
  const size = 2 * PART + tail.length;
  assert.equal(done.ok.size, size);
  assert.equal(done.ok.etag, etagOf([md5('a'.repeat(PART)), md5('b'.repeat(PART)), md5(tail)]));
  assert.deepEqual(done.ok.checksums, {});
  assert.deepEqual(done.ok.httpMetadata, { contentType: 'text/plain' });
  assert.deepEqual(done.ok.customMetadata, { multi: 'part' });
  const res = await server.fetch(`/download?key=${encodeURIComponent(key)}`);
  assert.equal(res.headers.get('content-type'), 'text/plain');
  assert.equal(res.headers.get('etag'), `"${done.ok.etag}"`);
  const body = Buffer.from(await res.arrayBuffer());
  assert.equal(body.length, size);
  assert.equal(body.subarray(0, PART).toString(), 'a'.repeat(PART));
  assert.equal(body.subarray(PART, 2 * PART).toString(), 'b'.repeat(PART));
  assert.equal(body.subarray(2 * PART).toString(), tail);
  // Completing again, or aborting after completion.
  assert.deepEqual(await mp({ step: 'complete', key, uploadId, parts: JSON.stringify(parts) }),
    { error: 'Error', message: 'completeMultipartUpload: The specified multipart upload does not exist. (10024)' });
  assert.deepEqual(await mp({ step: 'abort', key, uploadId }), { ok: 'undefined' });
  assert.equal((await call('head', { key })).ok.size, size, 'aborting a completed upload keeps its object');
  // Overwriting a multipart object with a plain put removes its part files.
  const before = blobFiles(server.stateDir).length;
  await call('upload', { key }, { method: 'PUT', body: 'small now' });
  assert.equal(blobFiles(server.stateDir).length, before - 3 + 1);
});

test('multipart: ranged reads span parts', async () => {
  const key = 'ranged/multipart';
  const { uploadId } = await mp({ step: 'create', key });
  const p1 = (await mp({ step: 'part', key, uploadId, part: 1, size: PART, fill: 'x' })).ok;
  const p2 = (await mp({ step: 'part', key, uploadId, part: 2, size: 10, fill: 'y' })).ok;
  await mp({ step: 'complete', key, uploadId, parts: JSON.stringify([p1, p2]) });
  // Read through another worker sharing the state directory.
  const reader = await startWorker(`export default { async fetch(request, env) {
    const read = async (range) => { const o = await env.BUCKET.get('${key}', { range }); return [await o.text(), o.range]; };
    return Response.json([await read({ offset: ${PART} - 3, length: 6 }), await read({ suffix: 12 }), await read({ offset: ${PART} + 8 })]);
  } };`, { env: { bindings: BINDINGS }, stateDir: server.stateDir });
  try {
    assert.deepEqual(await (await reader.fetch('/')).json(), [
      ['xxxyyy', { offset: PART - 3, length: 6 }],
      ['xxyyyyyyyyyy', { offset: PART - 2, length: 12 }],
      ['yy', { offset: PART + 8, length: 2 }],
    ]);
  } finally {
    await reader.dispose();
  }
});

test('multipart: R2\'s part rules and errors', async () => {
  const key = 'rules';
  const create = async () => (await mp({ step: 'create', key })).uploadId;
  const part = async (uploadId, number, size, fill = 'p') => (await mp({ step: 'part', key, uploadId, part: number, size, fill })).ok;
  const complete = (uploadId, parts) => mp({ step: 'complete', key, uploadId, parts: JSON.stringify(parts) });
  const error = (operation, message, code) => ({ error: 'Error', message: `${operation}: ${message} (${code})` });

  // All but the last part at least 5 MiB.
  let id = await create();
  let parts = [await part(id, 1, 10), await part(id, 2, 10)];
  assert.deepEqual(await complete(id, parts), error('completeMultipartUpload', 'Your proposed upload is smaller than the minimum allowed object size.', 10011));
  // A single small part is fine.
  assert.equal((await complete(id, parts.slice(0, 1))).ok.size, 10);

  // All but the last the same size, and the last no larger.
  id = await create();
  parts = [await part(id, 1, PART), await part(id, 2, PART + 1), await part(id, 3, 5)];
  assert.deepEqual(await complete(id, parts), error('completeMultipartUpload', 'There was a problem with the multipart upload.', 10048));
  parts[1] = await part(id, 2, PART);
  parts[2] = await part(id, 3, PART + 1);
  assert.deepEqual(await complete(id, parts), error('completeMultipartUpload', 'There was a problem with the multipart upload.', 10048));
  // Missing parts, wrong etags, duplicates.
  assert.deepEqual(await complete(id, [parts[0], { partNumber: 4, etag: parts[1].etag }]), error('completeMultipartUpload', 'One or more of the specified parts could not be found.', 10025));
  assert.deepEqual(await complete(id, [parts[0], { partNumber: 2, etag: 'not the etag' }]), error('completeMultipartUpload', 'One or more of the specified parts could not be found.', 10025));
  assert.deepEqual(await complete(id, [parts[0], parts[0]]), error('completeMultipartUpload', 'We encountered an internal error. Please try again.', 10001));
  // Replacing a part gives it a new etag; the old one no longer completes.
  const replaced = await part(id, 3, 7);
  assert.notEqual(replaced.etag, parts[2].etag);
  assert.deepEqual(await complete(id, [parts[0], parts[1], parts[2]]), error('completeMultipartUpload', 'One or more of the specified parts could not be found.', 10025));
  // Gaps in the part numbers are fine.
  const done = await complete(id, [parts[0], replaced]);
  assert.equal(done.ok.size, PART + 7);

  // Unknown uploads, aborted uploads, a key that does not match the upload.
  assert.deepEqual(await mp({ step: 'part', key, uploadId: 'no-such-upload', part: 1, size: 1, fill: 'x' }), error('uploadPart', 'The specified multipart upload does not exist.', 10024));
  assert.deepEqual(await mp({ step: 'abort', key, uploadId: 'no-such-upload' }), error('abortMultipartUpload', 'We encountered an internal error. Please try again.', 10001));
  assert.deepEqual(await complete('no-such-upload', []), error('completeMultipartUpload', 'We encountered an internal error. Please try again.', 10001));
  id = await create();
  assert.deepEqual(await mp({ step: 'part', key: 'other key', uploadId: id, part: 1, size: 1, fill: 'x' }), error('uploadPart', 'The specified multipart upload does not exist.', 10024));
  const before = blobFiles(server.stateDir).length;
  await part(id, 1, 100);
  await part(id, 2, 100);
  assert.equal(blobFiles(server.stateDir).length, before + 2);
  assert.deepEqual(await mp({ step: 'abort', key, uploadId: id }), { ok: 'undefined' });
  assert.equal(blobFiles(server.stateDir).length, before, 'aborting removes the parts\' files');
  assert.deepEqual(await mp({ step: 'abort', key, uploadId: id }), { ok: 'undefined' }, 'aborting twice is fine');
  assert.deepEqual(await mp({ step: 'part', key, uploadId: id, part: 3, size: 1, fill: 'x' }), error('uploadPart', 'The specified multipart upload does not exist.', 10024));
  assert.deepEqual(await complete(id, []), error('completeMultipartUpload', 'The specified multipart upload does not exist.', 10024));

  // No parts at all: an empty object.
  id = await create();
  const empty = await complete(id, []);
  assert.equal(empty.ok.size, 0);
  assert.equal(empty.ok.etag, 'd41d8cd98f00b204e9800998ecf8427e-0');
});

test('multipart: argument checks', async () => {
  const r = await call('multipartArguments');
  const range = (value) => ({ error: 'TypeError', message: `Part number must be between 1 and 10000 (inclusive). Actual value was: ${value}` });
  assert.deepEqual(r.zero, range(0));
  assert.deepEqual(r.tooHigh, range(10001));
  assert.deepEqual(r.string, range(-42));
  assert.deepEqual(r.nan, range(0));
  assert.deepEqual(r.noArgs, { error: 'TypeError', message: "Failed to execute 'uploadPart' on 'R2MultipartUpload': parameter 1 is not of type 'integer'." });
  const valueType = { error: 'TypeError', message: "Failed to execute 'uploadPart' on 'R2MultipartUpload': parameter 2 is not of type 'ReadableStream or ArrayBuffer or ArrayBufferView or string or Blob'." };
  assert.deepEqual(r.noValue, valueType);
  assert.deepEqual(r.nullValue, valueType);
  assert.deepEqual(r.numberValue, valueType);
  assert.deepEqual(r.completeBadNumber, range(0));
  assert.equal(r.completeNotArray.error, 'TypeError');
  assert.deepEqual(r.resumeNoId, { error: 'TypeError', message: "Failed to execute 'resumeMultipartUpload' on 'R2Bucket': parameter 2 is not of type 'string'." });
  assert.deepEqual(r.resumeCoerces, ['1', '2']);
  assert.deepEqual(r.badOptions, { error: 'TypeError', message: "Failed to execute 'createMultipartUpload' on 'R2Bucket': parameter 2 is not of type 'MultipartOptions'." });
});

// ---- concurrency, streaming and failures ----

test('concurrent puts to one key: the last to commit wins, no body file is left behind', async () => {
  const dir = temporaryStateDir();
  const w = await startWorker(SERVER, { env: { bindings: BINDINGS }, stateDir: dir });
  try {
    const r = await (await w.fetch('/concurrentPuts')).json();
    assert.equal(r.versions, 20);
    assert.match(r.finalText, /^version \d+$/);
    assert.ok(r.lastVersions.includes(r.finalVersion));
    assert.equal(blobFiles(dir).length, 1);
  } finally {
    await w.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a body being read survives the object being deleted and replaced', async () => {
  assert.deepEqual(await call('readAfterDelete'), { old: 'still readable after delete', now: 'a new version' });
});

test('a 200 MiB upload and download stream through without being buffered', async () => {
  const TOTAL = 200 * MiB;
  const key = 'huge';
  const upload = await peakRssGrowth(async () => {
    const { status, text } = await streamUpload(`${server.url}/upload?key=${key}`, TOTAL);
    assert.equal(status, 200, text);
    assert.equal(JSON.parse(text).ok.size, TOTAL);
  });
  assert.ok(upload < 100, `an upload of ${TOTAL / MiB} MiB grew the server's memory by ${upload.toFixed(1)} MiB`);
  const expected = createHash('md5');
  const chunk = Buffer.alloc(64 * 1024, 7);
  for (let i = 0; i < TOTAL / chunk.length; i++) expected.update(chunk);
  assert.equal((await call('head', { key })).ok.etag, expected.digest('hex'));

  let received = 0;
  const download = await peakRssGrowth(async () => {
    const res = await server.fetch(`/download?key=${key}`);
    for await (const part of res.body) received += part.byteLength;
  });
  assert.equal(received, TOTAL);
  assert.ok(download < 100, `a download of ${TOTAL / MiB} MiB grew the server's memory by ${download.toFixed(1)} MiB`);
  await call('remove', { key });
});

test('a client that disconnects mid-upload leaves nothing half-written; earlier objects stay', async () => {
  const dir = temporaryStateDir();
  const w = await startWorker(SERVER, { env: { bindings: BINDINGS }, stateDir: dir });
  try {
    const first = await (await w.fetch('/upload?key=kept', { method: 'PUT', body: 'earlier object' })).json();
    assert.equal(first.ok.size, 14);
    const before = blobFiles(dir);
    const outcome = await new Promise((resolve) => {
      const req = http.request(`${w.url}/upload?key=cut`, { method: 'PUT', headers: { 'content-length': 50 * MiB } });
      req.on('error', (err) => resolve(err.code));
      req.on('response', () => resolve('answered'));
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = () => {
        while (sent < 8 * MiB) {
          sent += chunk.length;
          if (!req.write(chunk)) return req.once('drain', pump);
        }
        // Give the server time to have written part of the body, then drop the connection.
        setTimeout(() => req.destroy(), 200);
      };
      pump();
    });
    assert.notEqual(outcome, 'answered');
    // The failed upload's file is removed once the server notices.
    for (let i = 0; i < 100 && blobFiles(dir).length !== before.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(blobFiles(dir), before);
    assert.equal((await (await w.fetch('/head?key=cut')).json()).ok, null);
    const kept = await w.fetch('/download?key=kept');
    assert.equal(await kept.text(), 'earlier object');
    // The worker keeps serving.
    assert.equal((await (await w.fetch('/upload?key=after', { method: 'PUT', body: 'fine' })).json()).ok.size, 4);
  } finally {
    await w.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an upload over the size limit is refused while it streams, with R2\'s error, and leaves no file', async () => {
  const dir = temporaryStateDir();
  const w = await startWorker(SERVER, { env: { bindings: BINDINGS }, stateDir: dir });
  // The worker runs in this process, so this is the store its binding uses. 5 GiB less 5 MiB
  // is R2's real limit; it is lowered here so that the test need not write 5 GiB.
  const bucket = openR2Bucket(dir, 'b');
  bucket.limits = { ...bucket.limits, uploadBytes: 1 * MiB };
  try {
    await w.fetch('/upload?key=small', { method: 'PUT', body: 'fits' });
    const { status, text } = await streamUpload(`${w.url}/upload?key=too-big`, 8 * MiB);
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(text), { error: 'Error', message: 'put: Your proposed upload exceeds the maximum allowed object size. (100100)' });
    const { uploadId } = await (await w.fetch('/multipart?step=create&key=parts')).json();
    const part = await w.fetch(`/multipart?step=part&key=parts&uploadId=${encodeURIComponent(uploadId)}&part=1&stream=1`, { method: 'POST', body: Buffer.alloc(2 * MiB) });
    assert.deepEqual(await part.json(), { error: 'Error', message: 'uploadPart: Your proposed upload exceeds the maximum allowed object size. (100100)' });
    assert.equal((await (await w.fetch('/head?key=too-big')).json()).ok, null);
    assert.equal(blobFiles(dir).length, 1, 'only the small object\'s file');
  } finally {
    bucket.limits = { ...bucket.limits, uploadBytes: 5 * 1024 * MiB - 5 * MiB };
    await w.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

// A worker serving SERVER in a separate process, so that it can be killed with SIGKILL.
const HERE = path.dirname(fileURLToPath(import.meta.url));
async function startChild(stateDir) {
  const script = `
    import { startWorker } from ${JSON.stringify(path.join(HERE, '../helpers/worker.js'))};
    const w = await startWorker(${JSON.stringify(SERVER)}, { env: { bindings: ${JSON.stringify(BINDINGS)} }, stateDir: ${JSON.stringify(stateDir)} });
    process.stdout.write(w.url + '\\n');`;
  const child = spawn(process.execPath, ['--no-node-snapshot', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  for await (const data of child.stdout) {
    out += data;
    if (out.includes('\n')) break;
  }
  return { child, url: out.trim() };
}

async function kill(child) {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

test('kill -9: an acknowledged put survives; a put cut off mid-body leaves only an orphan file, swept later', async () => {
  const dir = temporaryStateDir();
  try {
    const { child, url } = await startChild(dir);
    const body = Buffer.alloc(3 * MiB, 'k');
    const res = await fetch(`${url}/upload?key=acknowledged`, { method: 'PUT', body });
    assert.equal((await res.json()).ok.size, body.length);
    // Now a second upload, killed while its body is being written.
    const blobs = path.join(dir, 'r2', 'b', 'blobs');
    const cut = new Promise((resolve) => {
      const req = http.request(`${url}/upload?key=cut-off`, { method: 'PUT', headers: { 'content-length': 64 * MiB } });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      const chunk = Buffer.alloc(64 * 1024, 2);
      let sent = 0;
      const pump = () => {
        while (sent < 16 * MiB) {
          sent += chunk.length;
          if (!req.write(chunk)) return req.once('drain', pump);
        }
      };
      pump();
    });
    for (let i = 0; i < 200 && readdirSync(blobs).length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(readdirSync(blobs).length, 2, 'the second body is being written');
    await kill(child);
    await cut;

    // Another process (this one) opens the bucket afterwards.
    const bucket = openR2Bucket(dir, 'b');
    const found = await bucket.get('acknowledged');
    const chunks = [];
    for await (const chunk of found.body) chunks.push(chunk);
    assert.ok(Buffer.concat(chunks).equals(body));
    assert.equal(bucket.head('cut-off'), null);
    assert.equal(readdirSync(blobs).length, 2, 'the cut-off body is an unreferenced file');
    await bucket.sweep();
    assert.equal(readdirSync(blobs).length, 2, 'a recent file is left alone (it could be a write in progress)');
    await bucket.sweep({ orphanAgeMs: 0 });
    assert.equal(readdirSync(blobs).length, 1, 'the orphan is swept');
    const again = await bucket.get('acknowledged');
    let size = 0;
    for await (const chunk of again.body) size += chunk.length;
    assert.equal(size, body.length, 'the sweep keeps referenced files');

    // A restarted server sees the object.
    const restarted = await startChild(dir);
    try {
      const head = await (await fetch(`${restarted.url}/head?key=acknowledged`)).json();
      assert.equal(head.ok.etag, md5(body));
    } finally {
      await kill(restarted.child);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt metadata file fails operations with a clear error and is left untouched', async () => {
  const dir = temporaryStateDir();
  const file = path.join(dir, 'r2', 'b', 'r2.sqlite');
  mkdirSync(path.dirname(file), { recursive: true });
  const garbage = Buffer.from('this is not an SQLite database, but it is somebody\'s file'.repeat(100));
  writeFileSync(file, garbage);
  const w = await startWorker(SERVER, { env: { bindings: BINDINGS }, stateDir: dir });
  try {
    for (const path of ['/upload?key=x', '/head?key=x']) {
      const r = await (await w.fetch(path, { method: path.startsWith('/upload') ? 'PUT' : 'GET', body: path.startsWith('/upload') ? 'data' : undefined })).json();
      assert.equal(r.error, 'Error');
      assert.match(r.message, /^Cannot open .*r2\.sqlite: .*The file was left as it is; move it away to start empty\.$/);
    }
    assert.ok(readFileSync(file).equals(garbage));
    assert.equal(existsSync(`${file}-wal`), false);
  } finally {
    await w.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('env.BUCKET has R2Bucket\'s methods and no others; other names reach nothing', async () => {
  const w = await startWorker(`export default { async fetch(request, env) {
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(env.BUCKET)).filter((name) => name !== 'constructor').sort();
    return Response.json([String(env.BUCKET), typeof env.OTHER, typeof env.BUCKET.createSignedUrl, methods]);
  } };`, { env: { bindings: BINDINGS } });
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), [
      '[object R2Bucket]', 'undefined', 'undefined',
      ['createMultipartUpload', 'delete', 'get', 'head', 'list', 'put', 'resumeMultipartUpload'],
    ]);
  } finally {
    await w.dispose();
    rmSync(w.stateDir, { recursive: true, force: true });
  }
});
