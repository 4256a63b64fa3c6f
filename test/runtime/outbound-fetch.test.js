// fetch() from inside a worker goes through the host: real sockets to a real server on 127.0.0.1,
// streaming in both directions, redirects, aborts and failures as Workers reports them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { startWorker } from '../helpers/worker.js';

let upstream;
let origin;
const seen = [];
const COMPRESSED = { gzip: gzipSync('decoded from gzip'), br: brotliCompressSync('decoded from br'), deflate: deflateSync('left as deflate') };

before(async () => {
  upstream = http.createServer(async (req, res) => {
    const path = req.url.split('?')[0];
    let body = '';
    if (path !== '/echo') for await (const chunk of req) body += chunk;
    seen.push({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body });
    const redirect = /^\/redirect\/(\d+)\?to=(.*)$/.exec(req.url);
    const compressed = /^\/compressed\/(\w+)$/.exec(req.url);
    if (redirect) {
      res.writeHead(Number(redirect[1]), { location: decodeURIComponent(redirect[2]) }).end('moved');
    } else if (compressed) {
      res.writeHead(200, { 'content-encoding': compressed[1], 'content-length': COMPRESSED[compressed[1]].length }).end(COMPRESSED[compressed[1]]);
    } else if (path === '/echo') {
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', 'x-upstream': 'yes' });
      req.pipe(res);
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/target' }).end();
    } else if (path === '/target') {
      res.end('arrived');
    } else if (req.url === '/drip') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 3; i++) {
        res.write(`part ${i}\n`);
        await new Promise((r) => setTimeout(r, 50));
      }
      res.end();
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 2000);
    } else if (req.url === '/brotli') {
      res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync('decoded from brotli'));
    } else if (req.url === '/no-content') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end('missing');
    }
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  origin = `http://127.0.0.1:${upstream.address().port}`;
});

after(() => {
  upstream.closeAllConnections();
  upstream.close();
});

test('GET and POST with headers and bodies', async () => {
  const w = await startWorker(`export default { async fetch() {
    const a = await fetch('${origin}/target', { headers: { 'x-from': 'worker' } });
    const b = await fetch('${origin}/echo', { method: 'POST', body: JSON.stringify({ n: 1 }), headers: { 'content-type': 'application/json' } });
    return Response.json({ a: [a.status, a.ok, await a.text(), a.url], b: [b.status, b.headers.get('x-upstream'), await b.json()] });
  } };`);
  try {
    const out = await (await w.fetch('/')).json();
    assert.deepEqual(out.a, [200, true, 'arrived', `${origin}/target`]);
    assert.deepEqual(out.b, [200, 'yes', { n: 1 }]);
    assert.equal(seen.find((s) => s.url === '/target').headers['x-from'], 'worker');
  } finally {
    await w.dispose();
  }
});

test('redirect modes: follow, manual, error', async () => {
  const w = await startWorker(`export default { async fetch() {
    const follow = await fetch('${origin}/redirect');
    const manual = await fetch('${origin}/redirect', { redirect: 'manual' });
    let error;
    try { await fetch('${origin}/redirect', { redirect: 'error' }); } catch (e) { error = e.constructor.name; }
    return Response.json({ follow: [follow.status, follow.redirected, await follow.text()], manual: [manual.status, manual.headers.get('location')], error });
  } };`);
  try {
    const out = await (await w.fetch('/')).json();
    assert.deepEqual(out.follow, [200, true, 'arrived']);
    assert.deepEqual(out.manual, [302, '/target']);
    assert.equal(out.error, 'TypeError');
  } finally {
    await w.dispose();
  }
});

test('streaming upload from a ReadableStream and streaming download passed through', async () => {
  const w = await startWorker(`export default { async fetch(request) {
    if (new URL(request.url).pathname === '/drip') return fetch('${origin}/drip');
    const body = new ReadableStream({
      i: 0,
      pull(controller) {
        if (this.i === 3) return controller.close();
        controller.enqueue(new TextEncoder().encode('chunk' + this.i++ + ';'));
      },
    });
    const res = await fetch('${origin}/echo', { method: 'PUT', body, duplex: 'half' });
    return new Response(await res.text());
  } };`);
  try {
    assert.equal(await (await w.fetch('/')).text(), 'chunk0;chunk1;chunk2;');
    const res = await w.fetch('/drip');
    const reader = res.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.equal(first, 'part 0\n');
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    assert.equal(rest, 'part 1\npart 2\n');
  } finally {
    await w.dispose();
  }
});

test('an aborted fetch rejects with the signal reason; a refused connection is a TypeError', async () => {
  const w = await startWorker(`export default { async fetch() {
    const controller = new AbortController();
    const pending = fetch('${origin}/slow', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    let aborted, refused, timedOut;
    try { await pending; } catch (e) { aborted = e.name; }
    try { await fetch('http://127.0.0.1:1/'); } catch (e) { refused = e.constructor.name; }
    try { await fetch('${origin}/slow', { signal: AbortSignal.timeout(30) }); } catch (e) { timedOut = e.name; }
    const empty = await fetch('${origin}/no-content');
    return Response.json({ aborted, refused, timedOut, empty: [empty.status, empty.body] });
  } };`);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), { aborted: 'AbortError', refused: 'TypeError', timedOut: 'TimeoutError', empty: [204, null] });
  } finally {
    await w.dispose();
  }
});

test('only http and https URLs can be fetched (fetch_refuses_unknown_protocols)', async () => {
  const w = await startWorker(`export default { async fetch() {
    const out = [];
    for (const url of ['file:///etc/passwd', 'data:text/plain,hi', 'ftp://127.0.0.1/']) {
      try { await fetch(url); out.push('fetched'); } catch (e) { out.push(e.constructor.name); }
    }
    return Response.json(out);
  } };`);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), ['TypeError', 'TypeError', 'TypeError']);
  } finally {
    await w.dispose();
  }
});

test('allow_custom_ports, brotli_content_encoding, cache_option_enabled: the given port is used, br bodies are decoded, no-store and no-cache ask caches to revalidate', async () => {
  const w = await startWorker(`export default { async fetch() {
    const brotli = await fetch('${origin}/brotli');
    for (const cache of ['no-store', 'no-cache']) await (await fetch('${origin}/target?' + cache, { cache })).text();
    await (await fetch(new Request('${origin}/target?own', { cache: 'no-store', headers: { 'cache-control': 'max-age=0' } }))).text();
    return Response.json([brotli.headers.get('content-encoding'), await brotli.text()]);
  } };`);
  try {
    // The upstream listens on a port of its own, not 80.
    assert.deepEqual(await (await w.fetch('/')).json(), ['br', 'decoded from brotli']);
    const sent = (query) => seen.find((r) => r.url === `/target?${query}`).headers;
    for (const query of ['no-store', 'no-cache']) assert.deepEqual([sent(query).pragma, sent(query)['cache-control']], ['no-cache', 'no-cache']);
    assert.deepEqual([sent('own').pragma, sent('own')['cache-control']], ['no-cache', 'max-age=0']);
  } finally {
    await w.dispose();
  }
});

// The headers an upstream received, as [lowercased name, value] pairs in the order they came.
const received = (url) => {
  const raw = seen.find((s) => s.url === url).rawHeaders;
  const pairs = [];
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i].toLowerCase(), raw[i + 1]]);
  return pairs;
};

test('a subrequest carries the worker\'s headers only: no User-Agent, Accept or other defaults, and br, gzip accepted', async () => {
  const w = await startWorker(`export default { async fetch() {
    await (await fetch('${origin}/target?bare')).text();
    const deleted = await (await fetch('${origin}/echo?deleted', { method: 'DELETE', body: 'gone' })).text();
    await (await fetch('${origin}/target?empty-post', { method: 'POST' })).text();
    return new Response(deleted);
  } };`);
  try {
    assert.equal(await (await w.fetch('/')).text(), 'gone');
    const host = ['host', origin.slice('http://'.length)];
    assert.deepEqual(received('/target?bare'), [host, ['accept-encoding', 'br, gzip'], ['connection', 'keep-alive']]);
    assert.deepEqual(received('/echo?deleted').filter(([name]) => name === 'content-length'), [['content-length', '4']]);
    assert.deepEqual(received('/target?empty-post'), [host, ['content-length', '0'], ['accept-encoding', 'br, gzip'], ['connection', 'keep-alive']]);
  } finally {
    await w.dispose();
  }
});

test('headers the worker sets are sent as set, the defaults of other runtimes included, in the order its Headers gives them', async () => {
  const w = await startWorker(`export default { async fetch() {
    const headers = new Headers({ 'X-Second': '2', 'User-Agent': 'node', 'Accept': '*/*', 'Accept-Encoding': 'identity' });
    headers.append('x-first', 'a');
    headers.append('X-First', 'b');
    await (await fetch('${origin}/target?explicit', { headers })).text();
    return new Response('ok');
  } };`);
  try {
    await (await w.fetch('/')).text();
    assert.deepEqual(received('/target?explicit'), [
      ['host', origin.slice('http://'.length)],
      ['accept', '*/*'],
      ['accept-encoding', 'identity'],
      ['user-agent', 'node'],
      ['x-first', 'a, b'],
      ['x-second', '2'],
      ['connection', 'keep-alive'],
    ]);
  } finally {
    await w.dispose();
  }
});

test('gzip and br bodies are decoded and keep their Content-Encoding and Content-Length; deflate is left as sent', async () => {
  const w = await startWorker(`export default { async fetch() {
    const out = {};
    for (const coding of ['gzip', 'br', 'deflate']) {
      const res = await fetch('${origin}/compressed/' + coding);
      const bytes = new Uint8Array(await res.arrayBuffer());
      out[coding] = [res.headers.get('content-encoding'), res.headers.get('content-length'), coding === 'deflate' ? [...bytes] : new TextDecoder().decode(bytes)];
    }
    return Response.json(out);
  } };`);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), {
      gzip: ['gzip', String(COMPRESSED.gzip.length), 'decoded from gzip'],
      br: ['br', String(COMPRESSED.br.length), 'decoded from br'],
      deflate: ['deflate', String(COMPRESSED.deflate.length), [...COMPRESSED.deflate]],
    });
  } finally {
    await w.dispose();
  }
});

test('a followed redirect sends every hop the same headers; 303 turns a POST into a GET without a body, 307 sends the body again', async () => {
  const hop = (status, to) => `/redirect/${status}?to=${encodeURIComponent(to)}`;
  const w = await startWorker(`export default { async fetch() {
    const plain = await fetch('${origin}${hop(302, '/target?plain')}', { headers: { 'user-agent': 'node', 'x-from': 'worker' } });
    const seeOther = await fetch('${origin}${hop(303, '/target?see-other')}', { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } });
    const temporary = await fetch('${origin}${hop(307, '/target?temporary')}', { method: 'POST', body: 'payload' });
    const results = [];
    for (const res of [plain, seeOther, temporary]) results.push([res.status, res.redirected, res.url, await res.text()]);
    return Response.json(results);
  } };`);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), [
      [200, true, `${origin}/target?plain`, 'arrived'],
      [200, true, `${origin}/target?see-other`, 'arrived'],
      [200, true, `${origin}/target?temporary`, 'arrived'],
    ]);
    const host = ['host', origin.slice('http://'.length)];
    const workerHeaders = [host, ['user-agent', 'node'], ['x-from', 'worker'], ['accept-encoding', 'br, gzip'], ['connection', 'keep-alive']];
    assert.deepEqual(received(hop(302, '/target?plain')), workerHeaders);
    assert.deepEqual(received('/target?plain'), workerHeaders);

    const afterSeeOther = seen.find((s) => s.url === '/target?see-other');
    assert.deepEqual([afterSeeOther.method, afterSeeOther.body], ['GET', '']);
    // workerd keeps the Content-Type of the dropped body.
    assert.deepEqual(received('/target?see-other'), [host, ['content-type', 'text/plain'], ['accept-encoding', 'br, gzip'], ['connection', 'keep-alive']]);

    const afterTemporary = seen.find((s) => s.url === '/target?temporary');
    assert.deepEqual([afterTemporary.method, afterTemporary.body], ['POST', 'payload']);
  } finally {
    await w.dispose();
  }
});

test('a redirect to another origin drops Authorization; one that needs a streamed body again fails', async () => {
  const other = `http://localhost:${upstream.address().port}`;
  const hop = (status, to) => `/redirect/${status}?to=${encodeURIComponent(to)}`;
  const w = await startWorker(`export default { async fetch() {
    await (await fetch('${origin}${hop(302, `${other}/target?cross`)}', { headers: { authorization: 'Bearer secret', 'x-from': 'worker' } })).text();
    const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('once')); c.close(); } });
    let streamed;
    try { await fetch('${origin}${hop(307, '/target?streamed')}', { method: 'PUT', body, duplex: 'half' }); } catch (e) { streamed = [e.constructor.name, e.message]; }
    return Response.json(streamed);
  } };`);
  try {
    const [kind, message] = await (await w.fetch('/')).json();
    assert.equal(kind, 'TypeError');
    assert.match(message, /one-time-use body/);
    assert.deepEqual(received(hop(302, `${other}/target?cross`)).find(([name]) => name === 'authorization'), ['authorization', 'Bearer secret']);
    assert.deepEqual(received('/target?cross'), [['host', other.slice('http://'.length)], ['x-from', 'worker'], ['accept-encoding', 'br, gzip'], ['connection', 'keep-alive']]);
    assert.equal(seen.some((s) => s.url === '/target?streamed'), false);
  } finally {
    await w.dispose();
  }
});
