// The fetch handler as Workers delivers it: module and service-worker syntax, WorkerEntrypoint
// classes, request.cf and CF-Connecting-IP, ctx.waitUntil, streaming both ways, failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { startWorker } from '../helpers/worker.js';

test('module worker: request, env and ctx', async () => {
  const w = await startWorker(`export default { async fetch(request, env, ctx) {
    return Response.json({
      method: request.method, url: request.url, body: await request.text(),
      header: request.headers.get('x-test'), ip: request.headers.get('cf-connecting-ip'),
      cf: request.cf, env, hasWaitUntil: typeof ctx.waitUntil, hasPass: typeof ctx.passThroughOnException,
    });
  } };`, { env: { vars: { A: 'a', OBJ: { n: 1 } }, secrets: { TOKEN: 's3cret' } }, cf: { country: 'DE', city: 'Berlin' } });
  try {
    const res = await w.fetch('/path?q=1', { method: 'POST', body: 'hello', headers: { 'x-test': 'yes' } });
    const out = await res.json();
    assert.equal(out.method, 'POST');
    assert.equal(out.url, `${w.url}/path?q=1`);
    assert.equal(out.body, 'hello');
    assert.equal(out.header, 'yes');
    assert.equal(out.ip, '127.0.0.1');
    assert.equal(out.cf.country, 'DE');
    assert.equal(out.cf.city, 'Berlin');
    assert.equal(out.cf.httpProtocol, 'HTTP/1.1');
    for (const key of ['colo', 'continent', 'timezone', 'asn', 'tlsVersion']) assert.ok(key in out.cf, key);
    assert.deepEqual(out.env, { A: 'a', OBJ: { n: 1 }, TOKEN: 's3cret' });
    assert.equal(out.hasWaitUntil, 'function');
    assert.equal(out.hasPass, 'function');
  } finally {
    await w.dispose();
  }
});

test('a client cannot forge CF-Connecting-IP', async () => {
  const w = await startWorker(`export default { fetch(r) { return new Response(r.headers.get('cf-connecting-ip')); } };`);
  try {
    assert.equal(await (await w.fetch('/', { headers: { 'CF-Connecting-IP': '6.6.6.6' } })).text(), '127.0.0.1');
  } finally {
    await w.dispose();
  }
});

test('service-worker syntax with respondWith and bindings as globals', async () => {
  const w = await startWorker(`addEventListener('fetch', (event) => {
    event.respondWith(new Response('sw ' + GREETING + ' ' + new URL(event.request.url).pathname));
  });`, { format: 'service-worker', env: { vars: { GREETING: 'hi' } } });
  try {
    assert.equal(await (await w.fetch('/x')).text(), 'sw hi /x');
  } finally {
    await w.dispose();
  }
});

test('default export class extending WorkerEntrypoint', async () => {
  const w = await startWorker(`import { WorkerEntrypoint, env as importedEnv } from 'cloudflare:workers';
export default class extends WorkerEntrypoint {
  async fetch(request) { return new Response(this.env.NAME + ' ' + importedEnv.NAME + ' ' + typeof this.ctx.waitUntil); }
}`, { env: { vars: { NAME: 'entry' } } });
  try {
    assert.equal(await (await w.fetch('/')).text(), 'entry entry function');
  } finally {
    await w.dispose();
  }
});

test('ctx.waitUntil work continues after the response is sent', async () => {
  const upstream = http.createServer((req, res) => { upstream.hits = (upstream.hits ?? 0) + 1; res.end(); });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const w = await startWorker(`export default { fetch(request, env, ctx) {
    ctx.waitUntil(new Promise((r) => setTimeout(r, 50)).then(() => fetch('http://127.0.0.1:${upstream.address().port}/late')));
    return new Response('early');
  } };`);
  try {
    assert.equal(await (await w.fetch('/')).text(), 'early');
    assert.equal(upstream.hits ?? 0, 0);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(upstream.hits, 1);
  } finally {
    await w.dispose();
    upstream.close();
  }
});

test('a failing waitUntil promise is logged and does not affect the response', async () => {
  const w = await startWorker(`export default { fetch(request, env, ctx) {
    ctx.waitUntil(Promise.reject(new Error('background failed')));
    return new Response('ok');
  } };`);
  try {
    assert.equal(await (await w.fetch('/')).text(), 'ok');
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(w.logs.some((l) => l.level === 'error' && /background failed/.test(l.message)), JSON.stringify(w.logs));
  } finally {
    await w.dispose();
  }
});

test('server-sent events arrive as the worker writes them', async () => {
  const w = await startWorker(`export default { fetch(request, env, ctx) {
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    ctx.waitUntil((async () => {
      for (let i = 0; i < 3; i++) {
        await writer.write(encoder.encode('data: Event ' + i + '\\n\\n'));
        await new Promise((r) => setTimeout(r, 100));
      }
      await writer.close();
    })());
    return new Response(readable, { headers: { 'Content-Type': 'text/event-stream' } });
  } };`);
  try {
    const res = await w.fetch('/');
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body.getReader();
    const started = performance.now();
    const first = await reader.read();
    assert.equal(new TextDecoder().decode(first.value), 'data: Event 0\n\n');
    assert.ok(performance.now() - started < 90, 'first event arrived before the worker finished');
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    assert.equal(rest, 'data: Event 1\n\ndata: Event 2\n\n');
  } finally {
    await w.dispose();
  }
});

test('request bodies stream in: the worker sees chunks before the upload ends', async () => {
  const w = await startWorker(`export default { async fetch(request) {
    let bytes = 0, chunks = 0;
    for await (const chunk of request.body) { bytes += chunk.byteLength; chunks++; }
    return Response.json({ bytes, chunks });
  } };`);
  try {
    const total = 8 * 1024 * 1024;
    const body = new ReadableStream({
      i: 0,
      pull(controller) {
        if (this.i++ >= 128) return controller.close();
        controller.enqueue(new Uint8Array(total / 128));
      },
    });
    const out = await (await w.fetch('/', { method: 'POST', body, duplex: 'half' })).json();
    assert.equal(out.bytes, total);
    assert.ok(out.chunks > 1);
  } finally {
    await w.dispose();
  }
});

test('an uncaught exception is a 500 with a source-mapped stack in dev, and is logged', async () => {
  const w = await startWorker(`export default { fetch() { throw new RangeError('kaboom'); } };`);
  try {
    const res = await w.fetch('/');
    assert.equal(res.status, 500);
    const page = await res.text();
    assert.match(page, /RangeError: kaboom/);
    assert.match(page, /index\.js:1:/);
    assert.ok(w.logs.some((l) => l.level === 'error' && /Uncaught RangeError: kaboom/.test(l.message)));
    assert.equal((await w.fetch('/')).status, 500, 'the worker keeps serving');
  } finally {
    await w.dispose();
  }
});

test('a handler that returns something other than a Response is a 500 naming the problem', async () => {
  const w = await startWorker(`export default { fetch() { return 'not a response'; } };`);
  try {
    const res = await w.fetch('/');
    assert.equal(res.status, 500);
    assert.ok(w.logs.some((l) => /did not resolve to 'Response'/.test(l.message)));
  } finally {
    await w.dispose();
  }
});

test('malformed HTTP gets 400 without reaching the worker', async () => {
  const w = await startWorker(`export default { fetch() { return new Response('x'); } };`);
  try {
    const socket = net.connect(new URL(w.url).port, '127.0.0.1');
    socket.write('GARBAGE / HTTP/9.9\r\n\r\n');
    const [data] = await once(socket, 'data');
    assert.match(data.toString(), /^HTTP\/1\.1 400/);
    socket.destroy();
    assert.equal(w.requests.length, 0);
  } finally {
    await w.dispose();
  }
});

test('a client that disconnects mid-stream cancels the worker stream', async () => {
  const w = await startWorker(`let cancelled = 'no';
export default { fetch(request) {
  if (new URL(request.url).pathname === '/status') return new Response(cancelled);
  let i = 0;
  const stream = new ReadableStream({
    async pull(controller) { await new Promise((r) => setTimeout(r, 5)); controller.enqueue(new TextEncoder().encode('chunk ' + i++ + '\\n')); },
    cancel(reason) { cancelled = 'yes'; },
  });
  return new Response(stream);
} };`);
  try {
    const controller = new AbortController();
    const res = await w.fetch('/', { signal: controller.signal });
    const reader = res.body.getReader();
    await reader.read();
    controller.abort();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await (await w.fetch('/status')).text(), 'yes');
  } finally {
    await w.dispose();
  }
});

test('a handler whose promise can never settle gets a 500 instead of hanging', async () => {
  const w = await startWorker(`export default { fetch() { return new Promise(() => {}); } };`);
  try {
    const res = await w.fetch('/');
    assert.equal(res.status, 500);
    assert.ok(w.logs.some((l) => /will never generate a response/.test(l.message)));
  } finally {
    await w.dispose();
  }
});

test('a response body that errors before it is sent cuts the response off and the server lives on', async () => {
  const w = await startWorker(`export default { fetch(request) {
    if (new URL(request.url).pathname === '/ok') return new Response('still here');
    return new Response(new ReadableStream({ pull(controller) { controller.error(new Error('body failed')); } }));
  } };`);
  try {
    await assert.rejects(async () => {
      const res = await w.fetch('/');
      await res.text();
    });
    assert.equal(await (await w.fetch('/ok')).text(), 'still here');
  } finally {
    await w.dispose();
  }
});

test('an unhandled promise rejection is logged and the worker keeps its state', async () => {
  const w = await startWorker(`let n = 0;
export default { fetch() {
  n++;
  Promise.reject(new Error('nobody catches ' + n));
  return new Response('count ' + n);
} };`);
  try {
    assert.equal(await (await w.fetch('/')).text(), 'count 1');
    assert.equal(await (await w.fetch('/')).text(), 'count 2');
    assert.equal(w.worker.restarts, 0);
    const logged = w.logs.filter((l) => l.level === 'error').map((l) => l.message);
    assert.match(logged[0], /^Uncaught \(in promise\) Error: nobody catches 1\n\s+at Object\.fetch \(index\.js:4:/);
    assert.doesNotMatch(logged.join('\n'), /isolate-host|node:internal|isolated-vm boundary/);
  } finally {
    await w.dispose();
  }
});

test('a request body the worker never reads does not cost the client its response', async () => {
  const w = await startWorker(`export default { fetch() { return new Response('ignored your body'); } };`);
  try {
    for (const size of [5, 1024 * 1024]) {
      const res = await w.fetch('/', { method: 'POST', body: 'x'.repeat(size) });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'ignored your body');
    }
  } finally {
    await w.dispose();
  }
});

test('a FixedLengthStream body is sent with its Content-Length', async () => {
  const w = await startWorker(`export default { fetch() {
    const { readable, writable } = new FixedLengthStream(11);
    const writer = writable.getWriter();
    writer.write(new TextEncoder().encode('hello world'));
    writer.close();
    return new Response(readable);
  } };`);
  try {
    const res = await w.fetch('/');
    assert.equal(res.headers.get('content-length'), '11');
    assert.equal(res.headers.get('transfer-encoding'), null);
    assert.equal(await res.text(), 'hello world');
  } finally {
    await w.dispose();
  }
});
