// WebSockets as Workers has them: WebSocketPair and WebSocket inside the isolate, a 101 response
// completing the handshake with a real client (the `ws` library here), outgoing WebSockets from
// the worker, limits, and the event staying alive while its socket is open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import { startWorker } from '../helpers/worker.js';
import { runChecks, value, error, assertTypeError } from './run-checks.js';
import { until } from '../helpers/until.js';
import { connect } from '../helpers/websocket-client.js';

const SEED = `export default { async fetch(request, env) {
  if (request.headers.get('Upgrade') === 'websocket') {
    const pair = new WebSocketPair(); const [client, server] = Object.values(pair);
    handleWebSocket(server, env);
    return new Response(null, { status: 101, webSocket: client });
  }
  return new Response('Expected WebSocket', { status: 400 });
} };
async function handleWebSocket(ws, env) { ws.accept(); ws.addEventListener('message', async (event) => { const data = JSON.parse(event.data); await env.CONNECTIONS.broadcast(data); }); }`;

// A worker answering every upgrade with the server end of a pair, set up by `setup(server, request)`.
const serving = (setup) => `export default { async fetch(request) {
  if (request.headers.get('Upgrade') !== 'websocket') return new Response('plain ' + new URL(request.url).pathname);
  const [client, server] = Object.values(new WebSocketPair());
  await (${setup})(server, request);
  return new Response(null, { status: 101, webSocket: client });
} };`;

const ECHO = serving(`(server) => {
  server.accept();
  server.addEventListener('message', (e) => {
    if (typeof e.data === 'string') server.send('echo:' + e.data);
    else server.send(new Uint8Array(e.data).map((b) => b * 2));
  });
  server.addEventListener('close', (e) => console.log('close', e.code, e.reason, e.wasClean, server.readyState));
}`);

const logged = (w, pattern) => w.logs.some((l) => pattern.test(l.message));

test('the seed example runs unmodified: the handshake completes, the missing binding fails the listener', async () => {
  const w = await startWorker(SEED);
  try {
    assert.equal((await w.fetch('/')).status, 400);
    const ws = connect(w.url);
    await ws.opened;
    ws.send(JSON.stringify({ hello: 1 }));
    await until(() => logged(w, /Cannot read properties of undefined \(reading 'broadcast'\)/));
    ws.terminate();
  } finally {
    await w.dispose();
  }
});

test('the seed example with env.CONNECTIONS.broadcast as an echo', async () => {
  // Same shape; only the binding, which has no counterpart here, is a stub answering the sender.
  const variant = SEED.replace(
    'handleWebSocket(server, env);',
    'handleWebSocket(server, { ...env, CONNECTIONS: { broadcast: async (data) => server.send(JSON.stringify({ broadcast: data })) } });',
  );
  const w = await startWorker(variant);
  try {
    const ws = connect(w.url);
    await ws.opened;
    ws.send(JSON.stringify({ n: 1 }));
    ws.send(JSON.stringify({ n: 2 }));
    assert.deepEqual(JSON.parse(await ws.next()), { broadcast: { n: 1 } });
    assert.deepEqual(JSON.parse(await ws.next()), { broadcast: { n: 2 } });
    ws.close();
    assert.equal((await ws.closed).code, 1005);
  } finally {
    await w.dispose();
  }
});

test('text and binary messages both ways; a binary message arrives as an ArrayBuffer', async () => {
  const w = await startWorker(serving(`(server) => {
    server.accept();
    server.addEventListener('message', (e) => {
      if (typeof e.data === 'string') return server.send('echo:' + e.data);
      server.send(JSON.stringify([e.data instanceof ArrayBuffer, e.data.byteLength]));
      server.send(new Uint8Array(e.data).map((b) => b * 2));
      server.send(new Uint16Array([0x0201]).buffer);
      server.send(new DataView(new Uint8Array([9, 8, 7]).buffer, 1, 2));
    });
  }`));
  try {
    const ws = connect(w.url);
    await ws.opened;
    ws.send('hi');
    assert.equal(await ws.next(), 'echo:hi');
    ws.send('héllo ✓');
    assert.equal(await ws.next(), 'echo:héllo ✓');
    ws.send(Buffer.from([1, 2, 3]));
    assert.equal(await ws.next(), '[true,3]');
    assert.deepEqual(await ws.next(), [2, 4, 6]);
    assert.deepEqual(await ws.next(), [1, 2]);
    assert.deepEqual(await ws.next(), [8, 7]);
    ws.close(1000);
    await ws.closed;
  } finally {
    await w.dispose();
  }
});

test('the handshake carries the subprotocol and headers of the worker\'s 101', async () => {
  const w = await startWorker(`export default { fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.send('offered ' + request.headers.get('sec-websocket-protocol'));
    return new Response(null, { status: 101, webSocket: client, headers: { 'Sec-WebSocket-Protocol': 'chat', 'x-hello': 'there' } });
  } };`);
  try {
    const chat = new WebSocket(w.url.replace('http', 'ws'), ['v2', 'chat']);
    const upgraded = once(chat, 'upgrade');
    const message = once(chat, 'message');
    const [response] = await upgraded;
    assert.equal(response.headers['x-hello'], 'there');
    assert.equal(response.headers['sec-websocket-protocol'], 'chat');
    assert.equal((await message)[0].toString(), 'offered v2,chat');
    assert.equal(chat.protocol, 'chat');
    chat.close();
    await once(chat, 'close');
  } finally {
    await w.dispose();
  }
});

test('a close from the client reaches the worker with its code and reason; the socket is closed at once', async () => {
  const w = await startWorker(ECHO);
  try {
    const ws = connect(w.url);
    await ws.opened;
    ws.close(4001, 'bye');
    // The worker's reply carries the same code.
    assert.deepEqual(await ws.closed, { code: 4001, reason: 'bye' });
    await until(() => logged(w, /^close/));
    assert.ok(logged(w, /^close 4001 bye true 3$/), JSON.stringify(w.logs));
    // The event ended with the socket: its log entry is written.
    await until(() => w.requests.length === 1);
    assert.equal(w.requests[0].status, 101);
  } finally {
    await w.dispose();
  }
});

test('a close from the worker reaches the client; the worker sees the reply', async () => {
  const w = await startWorker(serving(`(server) => {
    server.accept();
    server.addEventListener('message', (e) => {
      if (e.data === 'no code') server.close();
      else server.close(4002, 'done: ' + e.data);
      console.log('after close', server.readyState);
    });
    server.addEventListener('close', (e) => console.log('close', e.code, e.reason, e.wasClean, server.readyState));
  }`));
  try {
    const ws = connect(w.url);
    await ws.opened;
    ws.send('x');
    assert.deepEqual(await ws.closed, { code: 4002, reason: 'done: x' });
    await until(() => logged(w, /^close/));
    assert.ok(logged(w, /^after close 2$/));
    assert.ok(logged(w, /^close 4002 done: x true 3$/), JSON.stringify(w.logs));

    const bare = connect(w.url);
    await bare.opened;
    bare.send('no code');
    assert.deepEqual(await bare.closed, { code: 1005, reason: '' });
  } finally {
    await w.dispose();
  }
});

test('a client that disconnects is a close event 1006 in the worker, and the event ends', async () => {
  const w = await startWorker(ECHO);
  try {
    const ws = connect(w.url);
    await ws.opened;
    ws.send('ping');
    assert.equal(await ws.next(), 'echo:ping');
    ws.terminate();
    await until(() => logged(w, /^close/));
    assert.ok(logged(w, /^close 1006 WebSocket disconnected without sending Close frame\. false 3$/), JSON.stringify(w.logs));
    await until(() => w.requests.length === 1);
    assert.equal(w.requests[0].aborted, true);
  } finally {
    await w.dispose();
  }
});

test('messages sent before accept() are queued and delivered after it', async () => {
  // The worker sends before the handshake is done, and accepts only later: what the client sent
  // meanwhile waits.
  const w = await startWorker(serving(`(server) => {
    const [a, b] = Object.values(new WebSocketPair());
    a.accept();
    a.send('one'); a.send('two');
    const seen = [];
    b.addEventListener('message', (e) => seen.push(e.data));
    b.accept();
    setTimeout(() => {
      server.accept();
      server.send('pair saw ' + JSON.stringify(seen));
      server.addEventListener('message', (e) => server.send('late:' + e.data));
    }, 200);
  }`));
  try {
    const ws = connect(w.url);
    await ws.opened;
    ws.send('1');
    ws.send('2');
    assert.equal(await ws.next(), 'pair saw ["one","two"]');
    assert.equal(await ws.next(), 'late:1');
    assert.equal(await ws.next(), 'late:2');
    ws.close();
    await ws.closed;
  } finally {
    await w.dispose();
  }

  const early = await startWorker(serving(`(server) => { server.accept(); server.send('before the handshake'); server.close(4000, 'early'); }`));
  try {
    const ws = connect(early.url);
    assert.equal(await ws.next(), 'before the handshake');
    assert.deepEqual(await ws.closed, { code: 4000, reason: 'early' });
  } finally {
    await early.dispose();
  }
});

test('a pair inside the isolate: events only after accept(), closes answered, readyState', async () => {
  const { results } = await runChecks(`
    const tick = () => new Promise((r) => setTimeout(r, 5));
    await check('pair', async () => {
      const pair = new WebSocketPair();
      const [a, b] = pair;
      const log = [];
      a.addEventListener('message', (e) => log.push('a:' + e.data));
      b.onmessage = (e) => log.push('b:' + (typeof e.data === 'string' ? e.data : new Uint8Array(e.data).join()));
      b.addEventListener('close', (e) => log.push('b closed ' + e.code + ' ' + e.reason + ' ' + e.wasClean + ' ' + b.readyState));
      a.addEventListener('close', (e) => log.push('a closed ' + e.code + ' ' + e.reason + ' ' + a.readyState));
      a.accept();
      a.send('x');
      a.send(new Uint8Array([1, 2]));
      await tick();
      log.push('before accept ' + log.length);
      b.accept();
      b.send('y');
      await tick();
      a.close(3000, 'over');
      log.push('closing ' + a.readyState);
      await tick();
      return { log, keys: Object.keys(pair), same: pair[0] === a && Object.values(pair)[1] === b, states: [a.readyState, b.readyState] };
    });
    await check('shape', () => {
      const [s] = new WebSocketPair();
      return [s.readyState, WebSocket.OPEN, WebSocket.READY_STATE_CLOSED, s.CLOSING, s.url, s instanceof EventTarget,
        Object.prototype.toString.call(s), Object.prototype.toString.call(new WebSocketPair()),
        new MessageEvent('message', { data: 'd' }).data, new CloseEvent('close', { code: 1000, reason: 'r', wasClean: true }).reason,
        new ErrorEvent('error', { message: 'm' }).message];
    });
  `);
  const pair = value(results, 'pair');
  assert.deepEqual(pair.log, [
    'before accept 0', 'b:x', 'b:1,2', 'a:y', 'closing 2', 'b closed 3000 over true 3', 'a closed 3000 over 3',
  ]);
  assert.deepEqual(pair.keys, ['0', '1']);
  assert.equal(pair.same, true);
  assert.deepEqual(pair.states, [3, 3]);
  assert.deepEqual(value(results, 'shape'), [1, 1, 3, 2, null, true, '[object WebSocket]', '[object WebSocketPair]', 'd', 'r', 'm']);
});

test('errors as Workers reports them: sending unaccepted or after close, bad close codes', async () => {
  const { results } = await runChecks(`
    const fresh = () => { const [s] = new WebSocketPair(); return s; };
    const accepted = () => { const s = fresh(); s.accept(); return s; };
    await check('send unaccepted', () => fresh().send('x'));
    await check('close unaccepted', () => fresh().close());
    await check('send after close', () => { const s = accepted(); s.close(1000); s.send('x'); });
    await check('double close', () => { const s = accepted(); s.close(1000); s.close(1000); return s.readyState; });
    for (const code of [999, 1004, 1005, 1006, 1015, 5000, 'abc']) await check('code ' + code, () => accepted().close(code));
    for (const code of [1000, 1011, 3000, 4999]) await check('ok ' + code, () => accepted().close(code, 'fine'));
    await check('reason without code', () => accepted().close(undefined, 'why'));
    await check('long reason', () => accepted().close(1000, 'x'.repeat(124)));
    await check('accept twice', () => { const s = accepted(); s.accept(); return s.readyState; });
    await check('constructor url', () => new WebSocket('http://example.com'));
    await check('constructor fragment', () => new WebSocket('ws://example.com/#x'));
    await check('constructor protocols', () => new WebSocket('ws://example.com/', ['a', 'a']));
  `);
  assertTypeError(results, 'send unaccepted', 'You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.');
  assertTypeError(results, 'close unaccepted', 'You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.');
  assertTypeError(results, 'send after close', "Can't call WebSocket send() after close().");
  assert.equal(value(results, 'double close'), 2);
  for (const code of [999, 1004, 1005, 1006, 1015, 5000]) assertTypeError(results, `code ${code}`, `Invalid WebSocket close code: ${code}.`);
  assertTypeError(results, 'code abc', 'Invalid WebSocket close code: 0.');
  for (const code of [1000, 1011, 3000, 4999]) value(results, `ok ${code}`);
  assertTypeError(results, 'reason without code', 'If you specify a WebSocket close reason, you must also specify a code.');
  assertTypeError(results, 'long reason');
  assert.equal(value(results, 'accept twice'), 1);
  for (const [name, message] of [
    ['constructor url', 'WebSocket Constructor: The url scheme must be ws or wss.'],
    ['constructor fragment', 'WebSocket Constructor: The url fragment must be empty.'],
    ['constructor protocols', 'WebSocket Constructor: The protocols header cannot have repeating values.'],
  ]) {
    const e = error(results, name);
    assert.deepEqual([e.isDOMException, e.name, e.message], [true, 'SyntaxError', message], name);
  }
});

test('returning an accepted or already used WebSocket fails the request', async () => {
  const w = await startWorker(`let kept;
export default { fetch(request) {
  const [client, server] = Object.values(new WebSocketPair());
  const path = new URL(request.url).pathname;
  if (path === '/accepted') client.accept();
  if (path === '/reused') { if (!kept) { kept = client; return new Response(null, { status: 101, webSocket: client }); } return new Response(null, { status: 101, webSocket: kept }); }
  return new Response(null, { status: 101, webSocket: client });
} };`);
  try {
    const ws = connect(w.url, '/accepted');
    const [, res] = await once(ws, 'unexpected-response');
    assert.equal(res.statusCode, 500);
    await until(() => logged(w, /Can't return WebSocket in a Response after calling accept\(\)\./));

    const first = connect(w.url, '/reused');
    await first.opened;
    const second = connect(w.url, '/reused');
    assert.equal((await once(second, 'unexpected-response'))[1].statusCode, 500);
    await until(() => logged(w, /Can't return WebSocket that was already used in a response\./));
    first.close();
    await first.closed;
  } finally {
    await w.dispose();
  }
});

test('a 101 to a request without Upgrade: websocket is a 500; other answers to an upgrade are plain HTTP', async () => {
  const w = await startWorker(`export default { fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === '/refuse') return new Response('no sockets here', { status: 403, headers: { 'x-why': 'policy' } });
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener('close', (e) => console.log('server end closed', e.code));
    return new Response(null, { status: 101, webSocket: client });
  } };`);
  try {
    const res = await w.fetch('/');
    assert.equal(res.status, 500);
    await res.text();
    assert.ok(logged(w, /Worker tried to return a WebSocket in a response to a request which did not contain the header "Upgrade: websocket"\./));
    await until(() => logged(w, /server end closed 1006/));

    const ws = connect(w.url, '/refuse');
    const [, answer] = await once(ws, 'unexpected-response');
    let body = '';
    for await (const chunk of answer) body += chunk;
    assert.deepEqual([answer.statusCode, answer.headers['x-why'], body], [403, 'policy', 'no sockets here']);
    ws.terminate();
  } finally {
    await w.dispose();
  }
});

test('the event stays alive while its socket is open, and other requests are served meanwhile', async () => {
  const w = await startWorker(serving(`async (server) => {
    server.accept();
    server.addEventListener('message', (e) => {
      // Some CPU per message, charged to this event.
      let x = 0; for (let i = 0; i < 3e6; i++) x += i % 3;
      server.send('got ' + e.data + ' ' + (x > 0));
    });
  }`));
  try {
    const ws = connect(w.url);
    await ws.opened;
    // Nothing pending in the isolate but the socket: no "never generate a response".
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await (await w.fetch('/other')).text(), 'plain /other');
    ws.send('late');
    assert.equal(await ws.next(), 'got late true');
    assert.ok(!logged(w, /never generate a response/));
    assert.equal(w.requests.length, 1); // only /other has ended
    for (let i = 0; i < 5; i++) ws.send(String(i));
    for (let i = 0; i < 5; i++) assert.equal(await ws.next(), `got ${i} true`);
    ws.close(1000);
    await ws.closed;
    await until(() => w.requests.length === 2);
    const entry = w.requests.find((r) => r.status === 101);
    assert.ok(entry.cpuMs > 0, `cpu ${entry.cpuMs}`);
    assert.equal(entry.aborted, false);
  } finally {
    await w.dispose();
  }
});

test('a message over 1 MiB closes the connection with 1009; exactly 1 MiB is accepted', async () => {
  const w = await startWorker(serving(`(server) => {
    server.accept();
    server.addEventListener('message', (e) => server.send('size ' + e.data.byteLength));
    server.addEventListener('error', (e) => console.log('error event', e.message, server.readyState));
  }`));
  try {
    const ws = connect(w.url);
    await ws.opened;
    ws.send(Buffer.alloc(1024 * 1024));
    assert.equal(await ws.next(), `size ${1024 * 1024}`);
    ws.send(Buffer.alloc(1024 * 1024 + 1));
    assert.equal((await ws.closed).code, 1009);
    await until(() => logged(w, /^error event/));
    assert.ok(logged(w, /^error event Message is too large.* 3$/), JSON.stringify(w.logs));
  } finally {
    await w.dispose();
  }
});

test('a client flooding a busy worker gets every message, in order', async () => {
  const w = await startWorker(serving(`(server) => {
    server.accept();
    let count = 0;
    server.addEventListener('message', (e) => {
      let x = 0; for (let i = 0; i < 2e5; i++) x += i;
      if (Number(e.data) !== count) server.send('out of order at ' + count);
      if (++count === 3000) server.send('all ' + count);
    });
  }`));
  try {
    const ws = connect(w.url);
    await ws.opened;
    for (let i = 0; i < 3000; i++) ws.send(String(i));
    assert.equal(await ws.next(), 'all 3000');
    ws.close();
    await ws.closed;
  } finally {
    await w.dispose();
  }
});

let upstream;
let upstreamUrl;
before(async () => {
  const http1 = http.createServer((req, res) => res.end('plain'));
  upstream = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false) });
  http1.on('upgrade', (req, socket, head) => {
    if (req.url === '/refuse') socket.end('HTTP/1.1 426 Upgrade Required\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n\r\nupgrade required');
    else upstream.handleUpgrade(req, socket, head, (ws) => upstream.emit('connection', ws, req));
  });
  upstream.on('connection', (ws, req) => {
    ws.send(`welcome ${req.url} ${req.headers['x-from'] ?? ''}`.trim());
    ws.on('message', (data, isBinary) => {
      if (data.toString() === 'close me') ws.close(4100, 'as asked');
      else ws.send(isBinary ? data : `upstream:${data}`, { binary: isBinary });
    });
  });
  http1.listen(0, '127.0.0.1');
  await once(http1, 'listening');
  upstreamUrl = `127.0.0.1:${http1.address().port}`;
  upstream.http1 = http1;
});
after(() => {
  for (const client of upstream.clients) client.terminate();
  upstream.close();
  upstream.http1.close();
});

test('outgoing WebSocket with fetch(): a 101 with response.webSocket, counted as a subrequest', async () => {
  const { results } = await runChecks(`
    const received = (ws) => new Promise((resolve) => ws.addEventListener('message', (e) => resolve(e.data), { once: true }));
    await check('fetch', async () => {
      const res = await fetch('http://${upstreamUrl}/path', { headers: { Upgrade: 'websocket', 'x-from': 'worker' } });
      const ws = res.webSocket;
      ws.accept();
      const welcome = await received(ws);
      ws.send('hi');
      const echoed = await received(ws);
      ws.send(new Uint8Array([5, 6]));
      const binary = new Uint8Array(await received(ws)).join();
      const closed = new Promise((resolve) => ws.addEventListener('close', (e) => resolve([e.code, e.reason, e.wasClean, ws.readyState])));
      ws.send('close me');
      return { status: res.status, hasSocket: ws instanceof WebSocket, welcome, echoed, binary, closed: await closed };
    });
    await check('not upgraded', async () => {
      const res = await fetch('http://${upstreamUrl}/refuse', { headers: { Upgrade: 'websocket' } });
      return [res.status, res.webSocket, await res.text()];
    });
    await check('constructor', async () => {
      const ws = new WebSocket('ws://${upstreamUrl}/ctor', 'chat');
      const states = [ws.readyState];
      await new Promise((resolve) => ws.addEventListener('open', resolve));
      states.push(ws.readyState, ws.protocol, ws.url);
      const welcome = await received(ws);
      ws.close(1000, 'bye');
      states.push(ws.readyState);
      const close = await new Promise((resolve) => ws.addEventListener('close', (e) => resolve(e.code)));
      return [...states, welcome, close, ws.readyState];
    });
    await check('constructor refused', async () => {
      const ws = new WebSocket('ws://${upstreamUrl.replace(/:\d+$/, ':1')}/');
      const events = [];
      ws.onerror = (e) => events.push('error');
      await new Promise((resolve) => ws.addEventListener('close', (e) => { events.push(e.code, e.reason, e.wasClean); resolve(); }));
      return events;
    });
  `);
  assert.deepEqual(value(results, 'fetch'), {
    status: 101, hasSocket: true, welcome: 'welcome /path worker', echoed: 'upstream:hi', binary: '5,6', closed: [4100, 'as asked', true, 3],
  });
  assert.deepEqual(value(results, 'not upgraded'), [426, null, 'upgrade required']);
  assert.deepEqual(value(results, 'constructor'), [0, 1, 'chat', `ws://${upstreamUrl}/ctor`, 2, 'welcome /ctor', 1000, 3]);
  assert.deepEqual(value(results, 'constructor refused'), ['error', 1006, 'Failed to establish websocket connection', false]);
});

test('outgoing WebSockets count against the subrequest limit', async () => {
  const w = await startWorker(`export default { async fetch() {
    await fetch('http://${upstreamUrl}/', { headers: { Upgrade: 'websocket' } });
    try { await fetch('http://${upstreamUrl}/', { headers: { Upgrade: 'websocket' } }); } catch (e) { return new Response(e.message); }
    return new Response('no limit');
  } };`, { limits: { subrequests: 1 } });
  try {
    assert.equal(await (await w.fetch('/')).text(), 'Too many subrequests.');
  } finally {
    await w.dispose();
  }
});

test('a WebSocket from fetch() returned to the client is proxied', async () => {
  const w = await startWorker(`export default { async fetch(request) {
    const res = await fetch('http://${upstreamUrl}/proxied', { headers: { Upgrade: 'websocket' } });
    return new Response(null, { status: 101, webSocket: res.webSocket });
  } };`);
  try {
    const ws = connect(w.url);
    assert.equal(await ws.next(), 'welcome /proxied');
    ws.send('through');
    assert.equal(await ws.next(), 'upstream:through');
    ws.send('close me');
    assert.deepEqual(await ws.closed, { code: 4100, reason: 'as asked' });
    await until(() => w.requests.length === 1);
  } finally {
    await w.dispose();
  }
});

test('a malformed handshake gets a 400 and the worker a disconnect', async () => {
  const w = await startWorker(ECHO);
  try {
    const socket = net.connect(Number(w.url.split(':').at(-1)), '127.0.0.1');
    socket.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    let reply = '';
    for await (const chunk of socket) reply += chunk;
    assert.match(reply, /^HTTP\/1\.1 400 /);
    await until(() => logged(w, /^close 1006/));
  } finally {
    await w.dispose();
  }
});
