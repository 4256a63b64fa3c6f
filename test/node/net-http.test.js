// node:net, node:tls, node:dns and node:http(s) inside workers: sockets over cloudflare:sockets,
// the host's resolver, and the HTTP client over fetch(), against real servers on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { once } from 'node:events';
import { startWorker } from '../helpers/worker.js';

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

async function run(source, options = {}) {
  const w = await startWorker(source, options);
  try {
    const res = await w.fetch(options.path ?? '/');
    const text = await res.text();
    assert.equal(res.status, 200, `${text}\n${JSON.stringify(w.logs)}`);
    return JSON.parse(text);
  } finally {
    await w.dispose();
  }
}

test('node:net: connect() and new Socket().connect() talk to a TCP server; net.Socket is a Duplex', async () => {
  const server = net.createServer((socket) => {
    socket.once('data', (d) => socket.end(`you said ${d}`));
  });
  const port = await listen(server);
  try {
    const body = await run(`import net from 'node:net';
      function talk(socket, message) {
        return new Promise((resolve, reject) => {
          let data = '';
          const events = [];
          socket.on('connect', () => { events.push('connect'); socket.write(message); });
          socket.on('ready', () => events.push('ready'));
          socket.on('data', (chunk) => (data += chunk));
          socket.on('end', () => events.push('end'));
          socket.on('error', reject);
          socket.on('close', (hadError) => resolve({ data, events, hadError, read: socket.bytesRead, written: socket.bytesWritten, remote: [socket.remoteAddress, socket.remotePort, socket.remoteFamily] }));
        });
      }
      export default { async fetch() {
        const a = await talk(net.connect(${port}, '127.0.0.1'), 'hello');
        const socket = new net.Socket();
        const pending = talk(socket, 'again');
        const state = [socket.pending, socket.readyState];
        socket.connect({ port: ${port}, host: '127.0.0.1' });
        const b = await pending;
        return Response.json({ a, b, state, duplex: typeof socket.pipe === 'function' && typeof socket.write === 'function', createConnection: net.createConnection === net.connect });
      } }`);
    assert.deepEqual(body.a, { data: 'you said hello', events: ['connect', 'ready', 'end'], hadError: false, read: 14, written: 5, remote: ['127.0.0.1', port, 'IPv4'] });
    assert.equal(body.b.data, 'you said again');
    assert.deepEqual(body.state, [true, 'closed']);
    assert.equal(body.duplex, true);
    assert.equal(body.createConnection, true);
  } finally {
    server.close();
  }
});

test('node:net: a refused connection emits error then close; createServer throws as in Workers', async () => {
  const probe = net.createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  const body = await run(`import net from 'node:net';
    export default { async fetch() {
      const outcome = await new Promise((resolve) => {
        const events = [];
        const socket = net.connect({ port: ${port}, host: '127.0.0.1' });
        socket.on('error', (e) => events.push('error: ' + e.message));
        socket.on('close', (hadError) => resolve([...events, 'close ' + hadError]));
      });
      const attempts = [() => net.createServer(), () => new net.Server(), () => net.connect(70000, 'x')].map((f) => {
        try { f(); return 'ok'; } catch (e) { return e.code + ': ' + e.message; }
      });
      return Response.json({ outcome, attempts });
    } }`);
  assert.deepEqual(body.outcome, ['error: proxy request failed, cannot connect to the specified address', 'close true']);
  assert.deepEqual(body.attempts, [
    'ERR_METHOD_NOT_IMPLEMENTED: The createServer() method is not implemented',
    'ERR_METHOD_NOT_IMPLEMENTED: The Server method is not implemented',
    'ERR_SOCKET_BAD_PORT: Port should be >= 0 and < 65536. Received type number (70000).',
  ]);
});

test('node:net: isIP, isIPv4, isIPv6, SocketAddress and BlockList', async () => {
  const body = await run(`import { isIP, isIPv4, isIPv6, SocketAddress, BlockList } from 'node:net';
    export default { fetch() {
      const inputs = ['127.0.0.1', '256.1.1.1', '::1', '::', '2001:db8::1', 'fe80::1%eth0', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8', '1::2::3', 'example.com', '', '01.2.3.4'];
      const list = new BlockList();
      list.addAddress('10.0.0.1');
      list.addRange('192.168.0.10', '192.168.0.20');
      list.addSubnet('2001:db8::', 32, 'ipv6');
      const address = SocketAddress.parse('[::1]:8080');
      return Response.json({
        ip: inputs.map(isIP), v4: inputs.map(isIPv4), v6: inputs.map(isIPv6),
        blocked: ['10.0.0.1', '10.0.0.2', '192.168.0.15', '192.168.0.21'].map((a) => list.check(a)),
        blocked6: [list.check('2001:db8:1::5', 'ipv6'), list.check('2001:db9::1', 'ipv6')],
        rules: list.rules,
        address: address.toJSON(),
      });
    } }`);
  assert.deepEqual(body.ip, [4, 0, 6, 6, 6, 6, 6, 6, 0, 0, 0, 0]);
  assert.deepEqual(body.v4, [true, false, false, false, false, false, false, false, false, false, false, false]);
  assert.deepEqual(body.v6, [false, false, true, true, true, true, true, true, false, false, false, false]);
  assert.deepEqual(body.blocked, [true, false, true, false]);
  assert.deepEqual(body.blocked6, [true, false]);
  assert.deepEqual(body.rules, ['Subnet: IPv6 2001:db8::/32', 'Range: IPv4 192.168.0.10-192.168.0.20', 'Address: IPv4 10.0.0.1']);
  assert.deepEqual(body.address, { address: '::1', port: 8080, family: 'ipv6', flowlabel: 0 });
});

test('node:tls: connect() refuses a certificate the host does not trust', async () => {
  const { createServer } = await import('node:tls');
  const { execFileSync, spawnSync } = await import('node:child_process');
  if (spawnSync('openssl', ['version']).status !== 0) return;
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '2', '-subj', '/CN=localhost'], { cwd: dir, stdio: 'pipe' });
  const server = createServer({ key: readFileSync(path.join(dir, 'k.pem')), cert: readFileSync(path.join(dir, 'c.pem')) }, (s) => s.end('secret'));
  server.on('tlsClientError', () => {});
  const port = await listen(server);
  try {
    const body = await run(`import tls from 'node:tls'; import net from 'node:net';
      export default { async fetch() {
        const events = await new Promise((resolve) => {
          const seen = [];
          const socket = tls.connect({ host: 'localhost', port: ${port}, rejectUnauthorized: false }, () => seen.push('secureConnect'));
          socket.on('error', (e) => seen.push('error: ' + e.message));
          socket.on('close', () => resolve(seen));
        });
        return Response.json({ events, isSocket: new tls.TLSSocket() instanceof net.Socket, identity: String(tls.checkServerIdentity('a.example.com', { subjectaltname: 'DNS:*.example.com' })), mismatch: tls.checkServerIdentity('b.test', { subjectaltname: 'DNS:a.test' })?.code });
      } }`);
    assert.equal(body.events.length, 1);
    assert.match(body.events[0], /^error: TLS peer's certificate is not trusted; reason = self[- ]signed certificate/);
    assert.equal(body.isSocket, true);
    assert.equal(body.identity, 'undefined');
    assert.equal(body.mismatch, 'ERR_TLS_CERT_ALTNAME_INVALID');
  } finally {
    server.close();
  }
});

test('node:dns: lookup and the promise API through the host resolver, with Node-shaped errors', async () => {
  const body = await run(`import dns from 'node:dns'; import dnsPromises from 'node:dns/promises';
    export default { async fetch() {
      const callback = await new Promise((resolve) => dns.lookup('localhost', { family: 4 }, (err, address, family) => resolve([err, address, family])));
      const all = await dnsPromises.lookup('localhost', { all: true, family: 4 });
      const literal = await dnsPromises.lookup('::1');
      const missing = await dnsPromises.lookup('no-such-host.invalid').catch((e) => [e.code, e.syscall, e.hostname, e.message]);
      const resolved = await dnsPromises.resolve4('no-such-host.invalid').catch((e) => [e.code, e.syscall]);
      const thrown = [() => dns.lookup(42, () => {}), () => dns.lookupService('127.0.0.1', 22, () => {}), () => dns.setDefaultResultOrder('random')].map((f) => {
        try { f(); return 'ok'; } catch (e) { return (e.code ?? e.name) + ': ' + e.message; }
      });
      return Response.json({ callback, all, literal, missing, resolved: resolved[1], thrown, same: dns.promises === dnsPromises, servers: dns.getServers().length, constants: [dns.NOTFOUND, dns.ADDRCONFIG] });
    } }`);
  assert.deepEqual(body.callback, [null, '127.0.0.1', 4]);
  assert.deepEqual(body.all, [{ address: '127.0.0.1', family: 4 }]);
  assert.deepEqual(body.literal, { address: '::1', family: 6 });
  assert.deepEqual(body.missing, ['ENOTFOUND', 'getaddrinfo', 'no-such-host.invalid', 'getaddrinfo ENOTFOUND no-such-host.invalid']);
  assert.equal(body.resolved, 'queryA');
  assert.deepEqual(body.thrown, [
    'ERR_INVALID_ARG_TYPE: The "hostname" argument must be of type string. Received type number (42)',
    'Error: Not implemented',
    "ERR_INVALID_ARG_VALUE: The argument 'dnsOrder' is invalid. Received 'random'",
  ]);
  assert.equal(body.same, true);
  assert.equal(body.servers, 4);
  assert.deepEqual(body.constants, ['ENOTFOUND', 1024]);
});

test('node:dns: each query is a subrequest, and none can be made at global scope', async () => {
  const body = await run(`import dns from 'node:dns/promises';
    let global;
    try { await dns.lookup('localhost'); global = 'allowed'; } catch (e) { global = e.message; }
    export default { async fetch() {
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await dns.lookup('localhost').then(() => 'ok', (e) => e.message));
      return Response.json({ global, results });
    } }`, { limits: { subrequests: 2 } });
  assert.match(body.global, /^Disallowed operation called within global scope/);
  assert.deepEqual(body.results, ['ok', 'ok', 'Too many subrequests.']);
});

test('node:http: request() and get() over fetch(): status, headers, streamed bodies, errors', async () => {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/elsewhere' });
        res.end();
        return;
      }
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (let i = 0; i < 64; i++) res.write(Buffer.alloc(16 * 1024, i));
        res.end();
        return;
      }
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(201, 'Made', { 'x-method': req.method, 'x-echo': req.headers['x-test'] ?? '' });
      res.end(`${req.method} ${req.url} ${body}`);
    });
  });
  const port = await listen(server);
  try {
    const body = await run(`import http from 'node:http';
      const collect = (res) => new Promise((resolve) => { let text = ''; let length = 0; res.on('data', (c) => { text += c.toString(); length += c.length; }); res.on('end', () => resolve({ text, length })); });
      export default { async fetch() {
        const posted = await new Promise((resolve, reject) => {
          const req = http.request({ hostname: '127.0.0.1', port: ${port}, path: '/form?x=1', method: 'POST', headers: { 'X-Test': 'yes' } }, async (res) => {
            resolve({ status: res.statusCode, message: res.statusMessage, headers: { method: res.headers['x-method'], echo: res.headers['x-echo'], cookies: res.headers['set-cookie'] }, body: (await collect(res)).text, incoming: res instanceof http.IncomingMessage });
          });
          req.on('error', reject);
          req.write('part one, ');
          req.end('part two');
        });
        const got = await new Promise((resolve, reject) => http.get('http://127.0.0.1:${port}/plain', async (res) => resolve((await collect(res)).text)).on('error', reject));
        const redirect = await new Promise((resolve) => http.get('http://127.0.0.1:${port}/redirect', (res) => { res.resume(); resolve([res.statusCode, res.headers.location]); }));
        const big = await new Promise((resolve) => http.get('http://127.0.0.1:${port}/big', async (res) => resolve((await collect(res)).length)));
        const refused = await new Promise((resolve) => http.get('http://127.0.0.1:1/', () => resolve('response')).on('error', (e) => resolve(e.message)));
        const thrown = [() => http.request('ftp://x/'), () => http.request({ method: 'BAD METHOD' }), () => http.request({ createConnection() {} })].map((f) => { try { f(); return 'ok'; } catch (e) { return e.code; } });
        return Response.json({ posted, got, redirect, big, refused, thrown, codes: [http.STATUS_CODES[404], http.METHODS.includes('PATCH')] });
      } }`);
    assert.deepEqual(body.posted, {
      status: 201,
      message: 'Made',
      headers: { method: 'POST', echo: 'yes', cookies: ['a=1', 'b=2'] },
      body: 'POST /form?x=1 part one, part two',
      incoming: true,
    });
    assert.equal(body.got, 'GET /plain ');
    assert.deepEqual(body.redirect, [302, '/elsewhere']);
    assert.equal(body.big, 64 * 16 * 1024);
    assert.match(body.refused, /fetch failed|Network connection lost/);
    assert.deepEqual(body.thrown, ['ERR_INVALID_PROTOCOL', 'ERR_INVALID_HTTP_TOKEN', 'ERR_OPTION_NOT_IMPLEMENTED']);
    assert.deepEqual(body.codes, ['Not Found', true]);
  } finally {
    server.close();
  }
});

test('node:http: a createServer() server answers through cloudflare:node\'s httpServerHandler', async () => {
  const source = `import http from 'node:http';
    import { httpServerHandler } from 'cloudflare:node';
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/stream') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('one ');
          setTimeout(() => res.end('two'), 5);
          return;
        }
        res.writeHead(202, { 'x-seen': req.headers['x-seen'] ?? '' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body, local: req.socket.localPort }));
      });
    });
    server.listen(8080);
    export default httpServerHandler({ port: 8080 });`;
  let w = await startWorker(source);
  try {
    const res = await w.fetch('/path?q=1', { method: 'POST', body: 'payload', headers: { 'x-seen': 'yes' } });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('x-seen'), 'yes');
    assert.deepEqual(await res.json(), { method: 'POST', url: '/path?q=1', body: 'payload', local: 8080 });
  } finally {
    await w.dispose();
  }
  w = await startWorker(source);
  try {
    assert.equal(await (await w.fetch('/stream')).text(), 'one two');
  } finally {
    await w.dispose();
  }
});

test('node:https: get() verifies certificates through fetch(); the https agent defaults to port 443', async () => {
  const body = await run(`import https from 'node:https';
    export default { async fetch() {
      const outcome = await new Promise((resolve) => https.get('https://127.0.0.1:1/', () => resolve('response')).on('error', (e) => resolve('error')));
      return Response.json({ outcome, port: https.globalAgent.defaultPort, protocol: new https.Agent().protocol });
    } }`);
  assert.deepEqual(body, { outcome: 'error', port: 443, protocol: 'https:' });
});
