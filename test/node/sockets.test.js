// cloudflare:sockets against real servers on 127.0.0.1: a TCP echo server, servers that close,
// half-close, stream or read slowly, and TLS servers with a self-signed certificate (which
// Workers refuses, as it verifies certificates) or one signed by a CA the runtime's process
// trusts through NODE_EXTRA_CA_CERTS (in a child process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorker } from '../helpers/worker.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

// A TCP server running `onSocket` for each connection; `connections` records what each saw.
async function tcpServer(onSocket) {
  const connections = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const record = { data: '', ended: false, end: Promise.withResolvers(), closed: Promise.withResolvers() };
    connections.push(record);
    socket.on('data', (d) => (record.data += d.toString('latin1')));
    socket.on('end', () => {
      record.ended = true;
      record.end.resolve();
    });
    socket.on('close', () => record.closed.resolve());
    socket.on('error', () => {});
    onSocket(socket, record);
  });
  const port = await listen(server);
  return { server, port, connections, close: () => server.close() };
}

const echo = (socket) => socket.pipe(socket);

async function withWorker(source, options, fn) {
  const w = await startWorker(source, options);
  try {
    return await fn(w);
  } finally {
    await w.dispose();
  }
}

test('connect() echoes bytes through readable and writable; opened tells the address', async () => {
  const { port, close } = await tcpServer(echo);
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      export default { async fetch() {
        const socket = connect({ hostname: '127.0.0.1', port: ${port} });
        const info = await socket.opened;
        const writer = socket.writable.getWriter();
        await writer.write(new TextEncoder().encode('hello '));
        await writer.write(new TextEncoder().encode('world'));
        const reader = socket.readable.getReader();
        let text = '';
        while (text.length < 11) text += new TextDecoder().decode((await reader.read()).value);
        await socket.close();
        await socket.closed;
        return Response.json({ info, text, secureTransport: socket.secureTransport, upgraded: socket.upgraded, tag: Object.prototype.toString.call(socket) });
      } }`, {}, async (w) => {
      assert.deepEqual(await (await w.fetch('/')).json(), {
        info: { remoteAddress: `127.0.0.1:${port}`, localAddress: null },
        text: 'hello world',
        secureTransport: 'off',
        upgraded: false,
        tag: '[object Socket]',
      });
    });
  } finally {
    close();
  }
});

test('addresses as "host:port" strings, and the errors Workers gives for bad ones', async () => {
  const { port, close } = await tcpServer(echo);
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      const attempt = (...args) => { try { connect(...args); return 'ok'; } catch (e) { return e.constructor.name + ': ' + e.message; } };
      export default { async fetch() {
        const socket = connect('localhost:${port}');
        const info = await socket.opened;
        await socket.close();
        return Response.json({ info, errors: [
          attempt('localhost'),
          attempt('bad host:80'),
          attempt({ hostname: 'example.com' }),
          attempt({ hostname: 'x', port: 1 }, { secureTransport: 'maybe' }),
          attempt(),
        ] });
      } }`, {}, async (w) => {
      const body = await (await w.fetch('/')).json();
      assert.deepEqual(body.info, { remoteAddress: `localhost:${port}`, localAddress: null });
      assert.deepEqual(body.errors, [
        'TypeError: Specified address is missing port.',
        'TypeError: Specified address could not be parsed.',
        "TypeError: Incorrect type for the 'port' field on 'SocketAddress': the provided value is not of type 'integer'.",
        'TypeError: Unsupported value in secureTransport socket option: maybe',
        "TypeError: Failed to execute 'connect' on 'Sockets': 1 argument required, but only 0 present.",
      ]);
    });
  } finally {
    close();
  }
});

test('a refused connection rejects opened and closed; reads end and writes fail', async () => {
  const probe = net.createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve)); // nothing listens there now
  await withWorker(`import { connect } from 'cloudflare:sockets';
    const outcome = (p) => p.then(() => 'resolved', (e) => e.constructor.name + ': ' + e.message);
    export default { async fetch() {
      const socket = connect({ hostname: '127.0.0.1', port: ${port} });
      const opened = await outcome(socket.opened);
      const closed = await outcome(socket.closed);
      const read = await socket.readable.getReader().read();
      const write = await outcome(socket.writable.getWriter().write(new Uint8Array([1])));
      const web = connect({ hostname: '127.0.0.1', port: 80 });
      return Response.json({ opened, closed, done: read.done, write, web: await outcome(web.opened) });
    } }`, {}, async (w) => {
    const body = await (await w.fetch('/')).json();
    assert.equal(body.opened, 'Error: proxy request failed, cannot connect to the specified address');
    assert.equal(body.closed, body.opened);
    assert.equal(body.done, true);
    assert.equal(body.write, body.opened);
    assert.match(body.web, /^Error: proxy request failed, cannot connect to the specified address\. It looks like you might be trying to connect to a HTTP-based service/);
  });
});

test('port 25 is refused, and so are the ports the server denies on its own addresses', async () => {
  const { port, close, connections } = await tcpServer(echo);
  try {
    const w = await startWorker(`import { connect } from 'cloudflare:sockets';
      const outcome = (p) => p.then(() => 'open', (e) => e.message);
      export default { async fetch(request) {
        const host = new URL(request.url).searchParams.get('host');
        const port = Number(new URL(request.url).searchParams.get('port'));
        const socket = connect({ hostname: host, port });
        const result = await outcome(socket.opened);
        await socket.close();
        return new Response(result);
      } }`);
    try {
      assert.equal(await (await w.fetch('/?host=127.0.0.1&port=25')).text(), 'Connections to port 25 are prohibited');
      assert.equal(await (await w.fetch(`/?host=127.0.0.1&port=${port}`)).text(), 'open');
      // The server lists its own listening ports (spec.deniedPorts): names and literal addresses
      // of this machine are refused on them.
      w.worker.spec.deniedPorts = [port];
      for (const host of ['127.0.0.1', 'localhost', '127.0.0.2']) {
        assert.equal(await (await w.fetch(`/?host=${host}&port=${port}`)).text(), 'proxy request failed, cannot connect to the specified address', host);
      }
      assert.equal(connections.length, 1);
    } finally {
      await w.dispose();
    }
  } finally {
    close();
  }
});

test('connect() at global scope is refused as Workers refuses I/O there', async () => {
  const w = await startWorker(`import { connect } from 'cloudflare:sockets';
    let failure;
    try { connect('127.0.0.1:9'); } catch (e) { failure = e.message; }
    export default { fetch() { return new Response(failure); } }`);
  try {
    assert.match(await (await w.fetch('/')).text(), /^Disallowed operation called within global scope/);
  } finally {
    await w.dispose();
  }
});

test('each connection is a subrequest, counted against the limit', async () => {
  const { port, close } = await tcpServer(echo);
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      export default { async fetch() {
        const sockets = [];
        try {
          for (let i = 0; i < 5; i++) sockets.push(connect({ hostname: '127.0.0.1', port: ${port} }));
        } catch (e) {
          await Promise.all(sockets.map((s) => s.close()));
          return new Response(sockets.length + ' ' + e.message);
        }
        return new Response('no limit');
      } }`, { limits: { subrequests: 3 } }, async (w) => {
      assert.equal(await (await w.fetch('/')).text(), '3 Too many subrequests.');
    });
  } finally {
    close();
  }
});

test('the server closing: the readable ends, the write side follows and closed resolves', async () => {
  const { port, close, connections } = await tcpServer((socket) => socket.end('bye'));
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      export default { async fetch() {
        const socket = connect({ hostname: '127.0.0.1', port: ${port} });
        const text = await new Response(socket.readable).text();
        await socket.closed;
        const write = await socket.writable.getWriter().write(new Uint8Array([1])).then(() => 'ok', (e) => e.message);
        return Response.json({ text, write });
      } }`, {}, async (w) => {
      assert.deepEqual(await (await w.fetch('/')).json(), { text: 'bye', write: 'This WritableStream has been closed.' });
      await connections[0].closed.promise;
      assert.equal(connections[0].ended, true);
    });
  } finally {
    close();
  }
});

test('allowHalfOpen: the worker ends its side and still reads the answer; the peer half-closes and the worker still writes', async () => {
  // Answers with the upper-cased request once the worker ended its side.
  const upper = await tcpServer((socket, record) => socket.on('end', () => socket.end(record.data.toUpperCase())));
  // Half-closes at once, then echoes what it is sent after that into its log.
  const early = await tcpServer((socket) => socket.end('early'));
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      export default { async fetch() {
        const a = connect({ hostname: '127.0.0.1', port: ${upper.port} }, { allowHalfOpen: true });
        const writer = a.writable.getWriter();
        await writer.write(new TextEncoder().encode('shout'));
        await writer.close();
        const answer = await new Response(a.readable).text();
        await a.closed;

        const b = connect({ hostname: '127.0.0.1', port: ${early.port} }, { allowHalfOpen: true });
        const first = await new Response(b.readable).text();
        const w2 = b.writable.getWriter();
        await w2.write(new TextEncoder().encode('still here'));
        await w2.close();
        await b.closed;
        return Response.json({ answer, first });
      } }`, {}, async (w) => {
      assert.deepEqual(await (await w.fetch('/')).json(), { answer: 'SHOUT', first: 'early' });
      await early.connections[0].closed.promise;
      assert.equal(early.connections[0].data, 'still here');
    });
  } finally {
    upper.close();
    early.close();
  }
});

test('close() from the worker ends the connection for the server; pending writes go out first', async () => {
  const { port, close, connections } = await tcpServer(() => {});
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      export default { async fetch() {
        const socket = connect({ hostname: '127.0.0.1', port: ${port} });
        const writer = socket.writable.getWriter();
        writer.write(new TextEncoder().encode('last words'));
        await socket.close();
        const read = await socket.readable.getReader().read();
        const write = await writer.write(new Uint8Array([1])).then(() => 'ok', (e) => e.message);
        return Response.json({ done: read.done, write });
      } }`, {}, async (w) => {
      assert.deepEqual(await (await w.fetch('/')).json(), { done: true, write: 'This WritableStream has been closed.' });
      await connections[0].end.promise;
      assert.equal(connections[0].data, 'last words');
    });
  } finally {
    close();
  }
});

test('many sockets in parallel, each with its own conversation', async () => {
  const { port, close, connections } = await tcpServer(echo);
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      async function talk(i) {
        const socket = connect({ hostname: '127.0.0.1', port: ${port} });
        const writer = socket.writable.getWriter();
        const message = 'socket ' + i + ';';
        await writer.write(new TextEncoder().encode(message));
        const reader = socket.readable.getReader();
        let text = '';
        while (text.length < message.length) text += new TextDecoder().decode((await reader.read()).value);
        await socket.close();
        return text === message;
      }
      export default { async fetch() {
        const results = await Promise.all(Array.from({ length: 60 }, (_, i) => talk(i)));
        return new Response(String(results.filter(Boolean).length));
      } }`, {}, async (w) => {
      assert.equal(await (await w.fetch('/')).text(), '60');
      assert.equal(connections.length, 60);
      await Promise.all(connections.map((c) => c.closed.promise));
    });
  } finally {
    close();
  }
});

test('a socket streams megabytes both ways with backpressure, and its readable can be the response body', async () => {
  const SIZE = 8 * 1024 * 1024;
  // Sends SIZE bytes of a pattern, then ends.
  const source = await tcpServer((socket) => {
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = i % 251;
    let sent = 0;
    const pump = () => {
      while (sent < SIZE) {
        sent += chunk.length;
        if (!socket.write(chunk)) return socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
  });
  // Reads slowly, counting bytes, and answers with the count when the worker ends its side.
  const sink = await tcpServer((socket) => {
    let count = 0;
    socket.removeAllListeners('data');
    socket.on('data', (d) => {
      count += d.length;
      socket.pause();
      setTimeout(() => socket.resume(), 1);
    });
    socket.on('end', () => socket.end(String(count)));
  });
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      export default { async fetch(request) {
        if (new URL(request.url).pathname === '/download') {
          return new Response(connect({ hostname: '127.0.0.1', port: ${source.port} }).readable);
        }
        const socket = connect({ hostname: '127.0.0.1', port: ${sink.port} }, { allowHalfOpen: true });
        const writer = socket.writable.getWriter();
        const chunk = new Uint8Array(256 * 1024);
        for (let sent = 0; sent < ${SIZE}; sent += chunk.length) await writer.write(chunk);
        await writer.close();
        return new Response(await new Response(socket.readable).text());
      } }`, {}, async (w) => {
      const body = new Uint8Array(await (await w.fetch('/download')).arrayBuffer());
      assert.equal(body.length, SIZE);
      assert.ok(body.every((b, i) => b === (i % (64 * 1024)) % 251));
      assert.equal(await (await w.fetch('/upload')).text(), String(SIZE));
    });
  } finally {
    source.close();
    sink.close();
  }
});

test('a client that disconnects mid-stream: the socket is cancelled and closed', async () => {
  // Trickles data until the other side goes away.
  const { port, close, connections } = await tcpServer((socket) => {
    const timer = setInterval(() => socket.write('tick\n'), 5);
    socket.on('close', () => clearInterval(timer));
  });
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      export default { async fetch() {
        return new Response(connect({ hostname: '127.0.0.1', port: ${port} }).readable);
      } }`, {}, async (w) => {
      const controller = new AbortController();
      const res = await w.fetch('/', { signal: controller.signal });
      const reader = res.body.getReader();
      await reader.read();
      controller.abort();
      await reader.cancel().catch(() => {});
      await connections[0].closed.promise;
    });
  } finally {
    close();
  }
});

test('sockets belong to their event: one left open is closed when the event ends', async () => {
  const { port, close, connections } = await tcpServer(() => {});
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      export default { async fetch(request, env, ctx) {
        const socket = connect({ hostname: '127.0.0.1', port: ${port} });
        await socket.opened;
        // Kept alive while background work runs, then cut.
        ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 100)));
        return new Response('left open');
      } }`, {}, async (w) => {
      assert.equal(await (await w.fetch('/')).text(), 'left open');
      const started = Date.now();
      await connections[0].end.promise;
      assert.ok(Date.now() - started >= 50, 'the socket lived while waitUntil() work ran');
    });
  } finally {
    close();
  }
});

// ---- TLS ----

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

// A CA and a certificate for localhost / 127.0.0.1 signed by it, plus a self-signed one.
function makeCertificates() {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-tls-'));
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Outpost Test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  const read = (name) => readFileSync(path.join(dir, name), 'utf8');
  return { dir, ca: read('ca.pem'), key: read('server.key'), cert: read('server.pem'), selfKey: read('self.key'), selfCert: read('self.pem') };
}

test('TLS with a self-signed certificate is refused, directly and after startTls()', { skip: !hasOpenssl && 'openssl is not installed' }, async () => {
  const certs = makeCertificates();
  const secure = tls.createServer({ key: certs.selfKey, cert: certs.selfCert }, (socket) => socket.pipe(socket));
  secure.on('tlsClientError', () => {});
  const securePort = await listen(secure);
  // Plain first: answers "S" to anything, then switches to TLS (like PostgreSQL's SSLRequest).
  const starttls = net.createServer((socket) => {
    socket.once('data', () => {
      socket.write('S');
      const upgraded = new tls.TLSSocket(socket, { isServer: true, key: certs.selfKey, cert: certs.selfCert });
      upgraded.on('error', () => {});
    });
  });
  const starttlsPort = await listen(starttls);
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      const outcome = (p) => p.then(() => 'open', (e) => e.message);
      export default { async fetch() {
        const direct = connect({ hostname: 'localhost', port: ${securePort} }, { secureTransport: 'on' });
        const plain = connect({ hostname: 'localhost', port: ${starttlsPort} }, { secureTransport: 'starttls' });
        const writer = plain.writable.getWriter();
        await writer.write(new Uint8Array([1]));
        const reader = plain.readable.getReader();
        const answer = new TextDecoder().decode((await reader.read()).value);
        writer.releaseLock();
        reader.releaseLock();
        const upgraded = plain.startTls();
        return Response.json({
          direct: await outcome(direct.opened), directSecure: direct.secureTransport,
          answer, upgraded: await outcome(upgraded.opened), flags: [plain.upgraded, upgraded.secureTransport],
          oldClosed: await outcome(plain.closed),
        });
      } }`, {}, async (w) => {
      const body = await (await w.fetch('/')).json();
      assert.match(body.direct, /^TLS peer's certificate is not trusted; reason = self[- ]signed certificate/);
      assert.equal(body.directSecure, 'on');
      assert.equal(body.answer, 'S');
      assert.match(body.upgraded, /^TLS peer's certificate is not trusted/);
      assert.deepEqual(body.flags, [true, 'on']);
      assert.equal(body.oldClosed, 'open');
    });
  } finally {
    secure.close();
    starttls.close();
  }
});

test('startTls() is only for sockets opened with secureTransport "starttls", and only once', async () => {
  const { port, close } = await tcpServer(echo);
  try {
    await withWorker(`import { connect } from 'cloudflare:sockets';
      const attempt = (f) => { try { f(); return 'ok'; } catch (e) { return e.constructor.name + ': ' + e.message; } };
      export default { async fetch() {
        const off = connect({ hostname: '127.0.0.1', port: ${port} });
        const on = connect({ hostname: '127.0.0.1', port: ${port} }, { secureTransport: 'on' });
        on.opened.catch(() => {});
        const once = connect({ hostname: '127.0.0.1', port: ${port} }, { secureTransport: 'starttls' });
        const next = once.startTls();
        next.opened.catch(() => {});
        const result = [attempt(() => off.startTls()), attempt(() => on.startTls()), attempt(() => once.startTls())];
        await Promise.all([off.close(), on.close(), next.close()]);
        return Response.json(result);
      } }`, {}, async (w) => {
      assert.deepEqual(await (await w.fetch('/')).json(), [
        "TypeError: The `secureTransport` socket option must be set to 'starttls' for startTls to be used.",
        'TypeError: Cannot startTls on a TLS socket.',
        'TypeError: startTls can only be called once.',
      ]);
    });
  } finally {
    close();
  }
});

// With the test CA trusted by the runtime's process (NODE_EXTRA_CA_CERTS, read by Node at start),
// both TLS paths complete and carry data. Runs in a child process to set that variable.
test('TLS to a certificate the host trusts: secureTransport "on" and startTls()', { skip: !hasOpenssl && 'openssl is not installed' }, () => {
  const certs = makeCertificates();
  const script = path.join(certs.dir, 'trusted.mjs');
  writeFileSync(script, `
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { startWorker } from ${JSON.stringify(path.join(ROOT, 'test/helpers/worker.js'))};
const key = readFileSync(${JSON.stringify(path.join(certs.dir, 'server.key'))});
const cert = readFileSync(${JSON.stringify(path.join(certs.dir, 'server.pem'))});
const secure = tls.createServer({ key, cert }, (s) => s.pipe(s));
secure.listen(0, '127.0.0.1'); await once(secure, 'listening');
const starttls = net.createServer((socket) => socket.once('data', () => {
  socket.write('S');
  const up = new tls.TLSSocket(socket, { isServer: true, key, cert });
  up.pipe(up);
}));
starttls.listen(0, '127.0.0.1'); await once(starttls, 'listening');
const w = await startWorker(\`import { connect } from 'cloudflare:sockets';
  async function roundTrip(socket, text) {
    const writer = socket.writable.getWriter();
    await writer.write(new TextEncoder().encode(text));
    const reader = socket.readable.getReader();
    let got = '';
    while (got.length < text.length) got += new TextDecoder().decode((await reader.read()).value);
    writer.releaseLock(); reader.releaseLock();
    return got;
  }
  export default { async fetch() {
    const direct = connect({ hostname: 'localhost', port: \${secure.address().port} }, { secureTransport: 'on' });
    const info = await direct.opened;
    const a = await roundTrip(direct, 'over tls');
    await direct.close();
    const plain = connect({ hostname: '127.0.0.1', port: \${starttls.address().port} }, { secureTransport: 'starttls' });
    const s = await roundTrip(plain, '?');
    const upgraded = plain.startTls();
    await upgraded.opened;
    const b = await roundTrip(upgraded, 'upgraded');
    await upgraded.close();
    return Response.json({ info, a, s, b });
  } }\`);
const res = await w.fetch('/');
console.log(JSON.stringify({ status: res.status, body: await res.text(), logs: w.logs }));
await w.dispose(); secure.close(); starttls.close();
`);
  const child = spawnSync(process.execPath, ['--no-node-snapshot', script], {
    cwd: ROOT,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(certs.dir, 'ca.pem') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1));
  assert.equal(result.status, 200, result.body + JSON.stringify(result.logs));
  const port = JSON.parse(result.body).info.remoteAddress.split(':')[1];
  assert.deepEqual(JSON.parse(result.body), { info: { remoteAddress: `localhost:${port}`, localAddress: null }, a: 'over tls', s: 'S', b: 'upgraded' });
});
