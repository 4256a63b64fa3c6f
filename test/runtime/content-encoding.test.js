// Content-Encoding as Workers applies it: a Response's gzip or br body is compressed on its way to
// the client (encodeBody "automatic") or sent as given ("manual"); a subrequest's is decoded unless
// the request says encodeResponseBody "manual"; between workers a body reaches the caller as the
// two sides' settings say. Read here with node:http and node:zlib, not fetch's own decoding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { brotliDecompressSync, gunzipSync, gzipSync, createGunzip } from 'node:zlib';
import { Worker } from '../../src/runtime/worker.js';
import { moduleBundle, startWorker } from '../helpers/worker.js';

const TEXT = 'compress me '.repeat(500);
const PRECOMPRESSED = gzipSync('already gzip');

// A request with node:http: { status, headers, body } with the body's raw bytes.
function get(url, { method = 'GET', headers = { 'accept-encoding': 'gzip, br' } } = {}) {
  return new Promise((resolve, reject) => {
    http.request(url, { method, headers }, async (res) => {
      const chunks = [];
      for await (const chunk of res) chunks.push(chunk);
      resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) });
    }).on('error', reject).end();
  });
}

const WORKER = `export default { async fetch(request) {
  const { pathname, searchParams } = new URL(request.url);
  const coding = searchParams.get('coding');
  const text = ${JSON.stringify(TEXT)};
  const precompressed = new Uint8Array([${[...PRECOMPRESSED]}]);
  switch (pathname) {
    case '/text': return new Response(text, { headers: { 'content-encoding': coding, 'content-length': String(text.length) } });
    case '/stream': return new Response(new Blob([text]).stream(), { headers: { 'content-encoding': coding } });
    case '/manual': return new Response(precompressed, { encodeBody: 'manual', headers: { 'content-encoding': 'gzip', 'content-length': String(precompressed.length) } });
    case '/manual-rewrapped': {
      const original = new Response(precompressed, { encodeBody: 'manual', headers: { 'content-encoding': 'gzip' } });
      const rewrapped = new Response(original.body, original);
      rewrapped.headers.set('x-rewrapped', String(rewrapped.encodeBody));
      return rewrapped;
    }
    case '/no-content': return new Response(null, { status: Number(searchParams.get('status')), headers: { 'content-encoding': 'gzip' } });
    case '/fetched': return fetch('${'${ORIGIN}'}');
    case '/fetched-manual': return fetch('${'${ORIGIN}'}', { encodeResponseBody: 'manual' });
    case '/read-fetched': {
      const auto = await fetch('${'${ORIGIN}'}');
      const manual = await fetch(new Request('${'${ORIGIN}'}', { encodeResponseBody: 'manual' }));
      return Response.json({
        auto: [auto.headers.get('content-encoding'), await auto.text()],
        manual: [manual.headers.get('content-encoding'), [...new Uint8Array(await manual.arrayBuffer())]],
      });
    }
    // Each chunk of the request body goes out as soon as it arrives.
    case '/echo': return new Response(request.body, { headers: { 'content-encoding': 'gzip' } });
    case '/invalid': {
      const errors = [];
      for (const make of [() => new Response('x', { encodeBody: 'gzip' }), () => new Request('http://x', { encodeResponseBody: 'none' })]) {
        try { make(); } catch (e) { errors.push([e.constructor.name, e.message]); }
      }
      return Response.json({ errors, readBack: [new Response('x', { encodeBody: 'manual' }).encodeBody, new Request('http://x', { encodeResponseBody: 'manual' }).encodeResponseBody] });
    }
  }
  return new Response('not found', { status: 404 });
} };`;

// An origin answering every request with PRECOMPRESSED, and the worker fetching from it.
let upstream;
let w;
before(async () => {
  upstream = http.createServer((req, res) => {
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': PRECOMPRESSED.length }).end(PRECOMPRESSED);
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  w = await startWorker(WORKER.replaceAll('${ORIGIN}', `http://127.0.0.1:${upstream.address().port}`));
});

after(async () => {
  await w.dispose();
  upstream.closeAllConnections();
  upstream.close();
});

test('an automatic gzip or br body is compressed for the client, its Content-Length dropped; a streamed one too', async () => {
  const decode = { gzip: gunzipSync, br: brotliDecompressSync };
  for (const coding of ['gzip', 'br']) {
    for (const path of ['/text', '/stream']) {
      const res = await get(`${w.url}${path}?coding=${coding}`);
      assert.equal(res.headers['content-encoding'], coding, path);
      assert.equal(res.headers['content-length'], undefined, path);
      assert.ok(res.body.length < TEXT.length / 4, `${path} ${coding} is compressed`);
      assert.equal(decode[coding](res.body).toString(), TEXT, path);
    }
  }
});

test('a client that does not accept the coding gets the plain body without Content-Encoding', async () => {
  for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br, gzip;q=0' }]) {
    const res = await get(`${w.url}/text?coding=gzip`, { headers });
    assert.equal(res.headers['content-encoding'], undefined, JSON.stringify(headers));
    assert.equal(res.headers['content-length'], String(TEXT.length));
    assert.equal(res.body.toString(), TEXT);
  }
  const wildcard = await get(`${w.url}/text?coding=br`, { headers: { 'accept-encoding': 'gzip;q=1, *;q=0.5' } });
  assert.equal(brotliDecompressSync(wildcard.body).toString(), TEXT);
});

test('an unknown Content-Encoding or a list of codings passes as it is', async () => {
  for (const coding of ['deflate', 'x-custom', 'gzip, br', 'GZIP']) {
    const res = await get(`${w.url}/text?coding=${encodeURIComponent(coding)}`);
    assert.equal(res.headers['content-encoding'], coding);
    assert.equal(res.headers['content-length'], String(TEXT.length));
    assert.equal(res.body.toString(), TEXT);
  }
});

test('encodeBody "manual" sends the bytes as given, also through new Response(body, response), which keeps it off the object', async () => {
  const manual = await get(`${w.url}/manual`);
  assert.deepEqual([manual.headers['content-encoding'], manual.headers['content-length']], ['gzip', String(PRECOMPRESSED.length)]);
  assert.deepEqual(manual.body, PRECOMPRESSED);
  const rewrapped = await get(`${w.url}/manual-rewrapped`);
  assert.equal(rewrapped.headers['x-rewrapped'], 'undefined');
  assert.deepEqual(rewrapped.body, PRECOMPRESSED);
});

test('HEAD and 204/304 responses carry no body', async () => {
  const head = await get(`${w.url}/text?coding=gzip`, { method: 'HEAD' });
  assert.deepEqual([head.status, head.headers['content-encoding'], head.headers['content-length'], head.body.length], [200, 'gzip', undefined, 0]);
  for (const status of [204, 304]) {
    const res = await get(`${w.url}/no-content?status=${status}`);
    assert.deepEqual([res.status, res.body.length], [status, 0]);
  }
});

test('a streamed body is compressed as it is written: each chunk reaches the client before the next is sent', async () => {
  const req = http.request(`${w.url}/echo`, { method: 'POST', headers: { 'accept-encoding': 'gzip', 'transfer-encoding': 'chunked' } });
  req.write('first;');
  const [res] = await once(req, 'response');
  assert.equal(res.headers['content-encoding'], 'gzip');
  const decoded = res.pipe(createGunzip());
  let seen = '';
  const waitFor = async (text) => {
    while (!seen.endsWith(text)) seen += (await once(decoded, 'data'))[0];
  };
  // The request is still open: only an incremental flush lets these arrive.
  await waitFor('first;');
  req.write('second;');
  await waitFor('second;');
  req.end();
  await once(decoded, 'end');
  assert.equal(seen, 'first;second;');
});

test('encodeResponseBody "manual" gives a subrequest\'s body still compressed; such a response goes on to the client as it came', async () => {
  const read = JSON.parse((await get(`${w.url}/read-fetched`)).body);
  assert.deepEqual(read.auto, ['gzip', 'already gzip']);
  assert.deepEqual(read.manual, ['gzip', [...PRECOMPRESSED]]);
  const manual = await get(`${w.url}/fetched-manual`);
  assert.deepEqual(manual.body, PRECOMPRESSED);
  // Decoded in the worker, compressed again on the way out.
  const auto = await get(`${w.url}/fetched`);
  assert.equal(auto.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(auto.body).toString(), 'already gzip');
});

test('invalid encodeBody and encodeResponseBody values are TypeErrors; neither reads back', async () => {
  const out = JSON.parse((await get(`${w.url}/invalid`)).body);
  assert.deepEqual(out.errors, [['TypeError', 'encodeBody: unexpected value: gzip'], ['TypeError', 'encodeResponseBody: unexpected value: none']]);
  assert.deepEqual(out.readBack, [null, null]);
});

test('between workers a body is encoded and decoded as the callee\'s encodeBody and the caller\'s encodeResponseBody say', async () => {
  const backend = new Worker({ name: 'backend', bundle: moduleBundle(`export default { fetch(request) {
    if (new URL(request.url).pathname === '/manual') {
      return new Response(new Uint8Array([${[...PRECOMPRESSED]}]), { encodeBody: 'manual', headers: { 'content-encoding': 'gzip' } });
    }
    return new Response('plain from backend', { headers: { 'content-encoding': 'gzip', 'content-length': '18' } });
  } };`) }).start();
  const caller = await startWorker(`export default { async fetch(request, env) {
    const read = async (path, init) => {
      const res = await env.B.fetch('https://backend' + path, init);
      return [res.headers.get('content-encoding'), res.headers.get('content-length'), [...new Uint8Array(await res.arrayBuffer())]];
    };
    return Response.json({
      autoAuto: await read('/auto'),
      autoManual: await read('/auto', { encodeResponseBody: 'manual' }),
      manualAuto: await read('/manual'),
      manualManual: await read('/manual', { encodeResponseBody: 'manual' }),
    });
  } };`, { env: { bindings: { B: { type: 'service', service: 'backend', entrypoint: null } } } });
  caller.worker.services = (name) => (name === 'backend' ? backend : null);
  try {
    const out = JSON.parse((await get(caller.url)).body);
    const text = (bytes) => Buffer.from(bytes).toString();
    assert.deepEqual([out.autoAuto[0], out.autoAuto[1], text(out.autoAuto[2])], ['gzip', '18', 'plain from backend']);
    assert.deepEqual([out.autoManual[0], out.autoManual[1], gunzipSync(Buffer.from(out.autoManual[2])).toString()], ['gzip', null, 'plain from backend']);
    assert.equal(text(out.manualAuto[2]), 'already gzip');
    assert.deepEqual(out.manualManual[2], [...PRECOMPRESSED]);
  } finally {
    await caller.dispose();
    backend.dispose();
  }
});
