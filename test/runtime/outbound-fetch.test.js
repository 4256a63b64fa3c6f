// fetch() from inside a worker goes through the host: real sockets to a real server on 127.0.0.1,
// streaming in both directions, redirects, aborts and failures as Workers reports them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { startWorker } from '../helpers/worker.js';

let upstream;
let origin;
const seen = [];

before(async () => {
  upstream = http.createServer(async (req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    if (req.url === '/echo') {
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', 'x-upstream': 'yes' });
      req.pipe(res);
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/target' }).end();
    } else if (req.url === '/target') {
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

test('only http and https URLs can be fetched', async () => {
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
