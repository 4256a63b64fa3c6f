// `outpost serve` and the commands that deploy to it, end to end: a real server (its primary and
// serving processes), the real CLI, real HTTP requests.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { startServe, runCli, serverDirs } from '../helpers/serve-process.js';
import { project, wranglerToml } from '../helpers/project.js';
import { until } from '../helpers/until.js';
import { Placement, COOL_MS } from '../../src/platform/placement.js';

const SECRET_VALUE = 'hunter2-correct-horse-battery-staple';

function versionedWorker(name, label, extra = '') {
  return project({
    'wrangler.toml': wranglerToml({ name, extra }),
    'src/index.js': `export default {
      async fetch(request, env) {
        const url = new URL(request.url);
        if (url.pathname === '/secret') return new Response(env.API_KEY === ${JSON.stringify(SECRET_VALUE)} ? 'secret ok' : 'no secret');
        if (url.pathname === '/log') { console.log('tail me', url.searchParams.get('n')); return new Response('logged'); }
        if (url.pathname === '/throw') throw new Error('boom from ' + ${JSON.stringify(label)});
        return new Response(${JSON.stringify(label)} + ' ' + url.hostname + url.pathname);
      },
    };\n`,
  });
}

// Writes every file under `dir` into one string (to look for plaintext secrets).
// The server's /metrics text, and one unlabelled value from it.
async function metricsText(server) {
  return (await fetch(`${server.api}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
}

function metricValue(text, name) {
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  assert.ok(match, `no ${name} in the metrics`);
  return Number(match[1]);
}

// A worker name starting with `prefix` whose home is process `index` of `count` (placement.js).
function nameAt(prefix, index, count = 2) {
  const placement = new Placement(0, count);
  for (let i = 0; ; i++) if (placement.home(`${prefix}-${i}`, false) === index) return `${prefix}-${i}`;
}

// Uploads and deploys a one-module worker through the API.
async function deployModule(server, name, content, config = {}) {
  const bundle = { format: 'modules', mainModule: 'index.js', modules: [{ name: 'index.js', type: 'esm', content }] };
  const uploaded = await server.call('POST', `/api/workers/${name}/versions`, { config: { compatibility_date: '2026-08-04', ...config }, bundle, deploy: true });
  assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
}

function allBytes(dir) {
  let text = '';
  for (const entry of readdirSync(dir, { recursive: true })) {
    const file = path.join(dir, entry);
    if (statSync(file).isFile()) text += readFileSync(file).toString('latin1');
  }
  return text;
}

describe('outpost serve with one process', () => {
  let server;
  before(async () => {
    server = await startServe({ processes: 1 });
  });
  after(() => server?.stop());

  test('deploy makes the worker live at <name>.localhost; unknown hosts get a 404', async () => {
    const dir = versionedWorker('alpha', 'v1');
    const deployed = await server.cli(['deploy'], { cwd: dir });
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /Deployed alpha/);
    assert.match(deployed.stdout, /Current Version ID: [0-9a-f-]{36}/);
    const answer = await server.request('alpha.localhost', '/hi');
    assert.equal(answer.status, 200);
    assert.equal(answer.text, 'v1 alpha.localhost/hi');
    assert.equal((await server.request('nobody.localhost')).status, 404);
    assert.equal((await server.request('localhost')).status, 404);
  });

  test('the API refuses missing, unknown and under-scoped tokens without saying what exists', async () => {
    assert.equal((await server.call('GET', '/api/workers', undefined, null)).status, 401);
    assert.equal((await server.call('GET', '/api/workers', undefined, 'opt_not-a-token')).status, 401);
    const created = await server.call('POST', '/api/tokens', { name: 'reader', scopes: ['read'], workers: ['alpha'] });
    assert.equal(created.status, 200);
    const reader = created.body.token;
    assert.equal((await server.call('GET', '/api/workers/alpha/versions', undefined, reader)).status, 200);
    // Another worker, existing or not: the same 403.
    assert.deepEqual(await server.call('GET', '/api/workers/ghost/versions', undefined, reader), await server.call('GET', '/api/workers/other/versions', undefined, reader));
    assert.equal((await server.call('GET', '/api/workers/ghost/versions', undefined, reader)).status, 403);
    assert.equal((await server.call('POST', '/api/workers/alpha/rollback', {}, reader)).status, 403);
    assert.equal((await server.call('GET', '/api/tokens', undefined, reader)).status, 403);
    const list = await server.call('GET', '/api/workers', undefined, reader);
    assert.deepEqual(list.body.map((w) => w.name), ['alpha']);
    // Tokens are stored hashed: the listing never shows them.
    const tokens = await server.call('GET', '/api/tokens');
    assert.ok(!JSON.stringify(tokens.body).includes(reader));
    assert.ok(!allBytes(server.dirs.dataDir).includes(reader));
    assert.equal((await server.call('DELETE', `/api/tokens/${created.body.id}`)).status, 200);
    assert.equal((await server.call('GET', '/api/workers/alpha/versions', undefined, reader)).status, 401);
  });

  test('secrets reach the worker, are encrypted at rest and never appear in output or API answers', async () => {
    const dir = versionedWorker('alpha', 'v1');
    const put = await server.cli(['secret', 'put', 'API_KEY'], { cwd: dir, input: `${SECRET_VALUE}\n` });
    assert.equal(put.code, 0, put.stderr);
    assert.equal((await server.request('alpha.localhost', '/secret')).text, 'secret ok');
    const list = await server.cli(['secret', 'list'], { cwd: dir });
    assert.match(list.stdout, /API_KEY/);
    for (const text of [put.stdout, put.stderr, list.stdout, server.output, JSON.stringify((await server.call('GET', '/api/workers/alpha')).body)]) {
      assert.ok(!text.includes(SECRET_VALUE), 'the secret was printed');
    }
    assert.ok(!allBytes(server.dirs.dataDir).includes(SECRET_VALUE), 'the secret is stored in clear');
    const bad = await server.call('PUT', '/api/workers/alpha/secrets', { secrets: { '1BAD': 'x' } });
    assert.equal(bad.status, 400);
    const tooBig = await server.call('PUT', '/api/workers/alpha/secrets', { secrets: { BIG: 'x'.repeat(6000) } });
    assert.equal(tooBig.status, 400);
  });

  test('versions: upload without deploying, split traffic, roll back', async () => {
    const v2 = await server.cli(['versions', 'upload'], { cwd: versionedWorker('alpha', 'v2') });
    assert.equal(v2.code, 0, v2.stderr);
    const v2Id = /Worker Version ID: (\S+)/.exec(v2.stdout)[1];
    assert.equal((await server.request('alpha.localhost', '/')).text, 'v1 alpha.localhost/');
    const listed = JSON.parse((await server.cli(['versions', 'list', '--name', 'alpha', '--json'])).stdout);
    assert.equal(listed.length, 2);
    const v1Id = listed.find((v) => v.id !== v2Id).id;

    const split = await server.cli(['versions', 'deploy', `${v1Id}@50`, `${v2Id}@50`, '--name', 'alpha']);
    assert.equal(split.code, 0, split.stderr);
    const seen = new Set();
    for (let i = 0; i < 200 && seen.size < 2; i++) seen.add((await server.request('alpha.localhost', '/')).text.split(' ')[0]);
    assert.deepEqual([...seen].sort(), ['v1', 'v2']);

    const bad = await server.cli(['versions', 'deploy', `${v1Id}@50`, `${v2Id}@40`, '--name', 'alpha']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /add up to 90/);

    assert.equal((await server.cli(['versions', 'deploy', v2Id, '--name', 'alpha'])).code, 0);
    assert.equal((await server.request('alpha.localhost', '/')).text, 'v2 alpha.localhost/');
    const rolledBack = await server.cli(['rollback', v1Id, '--name', 'alpha']);
    assert.equal(rolledBack.code, 0, rolledBack.stderr);
    assert.equal((await server.request('alpha.localhost', '/')).text, 'v1 alpha.localhost/');
    const deployments = JSON.parse((await server.cli(['deployments', 'list', '--name', 'alpha', '--json'])).stdout);
    assert.equal(deployments[0].versions[0].id, v1Id);
    assert.ok(deployments.length >= 4);
  });

  test('a bundle that fails to start is refused and the live version keeps serving', async () => {
    const broken = project({ 'wrangler.toml': wranglerToml({ name: 'alpha' }), 'src/index.js': 'throw new Error("broken at startup");\nexport default {};\n' });
    const result = await server.cli(['deploy'], { cwd: broken });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /failed to start.*broken at startup/);
    assert.equal((await server.request('alpha.localhost', '/')).text, 'v1 alpha.localhost/');
  });

  test('bad uploads: invalid names, malformed JSON, bad routes and crons are refused with 400', async () => {
    const bundle = { format: 'modules', mainModule: 'index.js', modules: [{ name: 'index.js', type: 'esm', content: 'export default { fetch() { return new Response("x") } }' }] };
    assert.equal((await server.call('POST', '/api/workers/Bad_Name!/versions', { config: {}, bundle })).status, 400);
    const raw = await fetch(`${server.api}/api/workers/beta/versions`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: '{not json' });
    assert.equal(raw.status, 400);
    const badRoute = await server.call('POST', '/api/workers/beta/versions', { config: { routes: ['example.com/a*b'] }, bundle });
    assert.equal(badRoute.status, 400);
    assert.match(badRoute.body.error, /wildcard/);
    const badCron = await server.call('POST', '/api/workers/beta/versions', { config: { triggers: { crons: ['61 * * * *'] } }, bundle });
    assert.equal(badCron.status, 400);
    const badBundle = await server.call('POST', '/api/workers/beta/versions', { config: {}, bundle: { format: 'modules', modules: [] } });
    assert.equal(badBundle.status, 400);
    // Random bytes do not compress: 11 MiB of them are over the 10 MiB gzipped limit.
    const { randomBytes } = await import('node:crypto');
    const huge = { ...bundle, modules: [...bundle.modules, { name: 'big.bin', type: 'data', base64: randomBytes(11 * 1024 * 1024).toString('base64') }] };
    const tooLarge = await server.call('POST', '/api/workers/beta/versions', { config: {}, bundle: huge });
    assert.equal(tooLarge.status, 400);
    assert.match(tooLarge.body.error, /Worker is too large: .* exceeds the limit of 10\.00 MiB gzipped/);
    const badConfig = await server.call('POST', '/api/workers/beta/versions', { config: { vars: 'nope' }, bundle });
    assert.equal(badConfig.status, 400);
    assert.equal((await server.call('GET', '/api/workers/beta')).status, 404);
    const unset = await runCli(['deploy'], { cwd: versionedWorker('beta', 'v1'), env: { OUTPOST_API_URL: '', OUTPOST_API_TOKEN: '' } });
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /Set OUTPOST_API_URL and OUTPOST_API_TOKEN/);
    const wrongToken = await server.cli(['deploy'], { cwd: versionedWorker('beta', 'v1'), token: 'opt_wrong' });
    assert.equal(wrongToken.code, 1);
    assert.match(wrongToken.stderr, /valid API token is required/);
  });

  test('routes and custom domains pick the most specific worker; a taken route is refused', async () => {
    const wide = versionedWorker('wide', 'wide', 'routes = ["*.example.com/*"]\n');
    const api = versionedWorker('narrow', 'narrow', 'routes = [{ pattern = "shop.example.com/api/*", zone_name = "example.com" }, { pattern = "exact.test", custom_domain = true }]\n');
    assert.equal((await server.cli(['deploy'], { cwd: wide })).code, 0);
    assert.equal((await server.cli(['deploy'], { cwd: api })).code, 0);
    assert.equal((await server.request('shop.example.com', '/api/items')).text, 'narrow shop.example.com/api/items');
    assert.equal((await server.request('shop.example.com', '/about')).text, 'wide shop.example.com/about');
    assert.equal((await server.request('exact.test', '/anything')).text, 'narrow exact.test/anything');
    // A worker with routes is not at its name's host unless workers_dev says so.
    assert.equal((await server.request('wide.localhost', '/')).status, 404);
    const thief = await server.cli(['deploy'], { cwd: versionedWorker('thief', 'thief', 'routes = ["*.example.com/*"]\n') });
    assert.notEqual(thief.code, 0);
    assert.match(thief.stderr, /already served by another worker/);
  });

  test('tail streams the request with its console output, filtered by a search', async () => {
    const { default: WebSocket } = await import('ws');
    const events = [];
    const ws = new WebSocket(`${server.api.replace('http', 'ws')}/api/workers/alpha/tail?search=tail+me`, { headers: { authorization: `Bearer ${server.token}` } });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    ws.on('message', (data) => events.push(JSON.parse(data)));
    // The tail is registered with the serving processes asynchronously.
    await until(async () => {
      await server.request('alpha.localhost', '/log?n=1');
      return events.length > 0;
    }, 10_000, 'a tail event');
    const event = events[0];
    assert.equal(event.scriptName, 'alpha');
    assert.equal(event.outcome, 'ok');
    assert.equal(event.event.request.method, 'GET');
    assert.equal(event.event.response.status, 200);
    assert.deepEqual(event.logs[0].message, ['tail me 1']);
    // The search filter drops events without the text.
    await server.request('alpha.localhost', '/');
    await server.request('alpha.localhost', '/log?n=2');
    await until(() => events.some((e) => e.logs[0]?.message[0] === 'tail me 2'), 10_000, 'the second event');
    assert.ok(events.every((e) => e.event.request.url.includes('/log')));
    ws.close();
    const refused = new WebSocket(`${server.api.replace('http', 'ws')}/api/workers/alpha/tail`);
    const status = await new Promise((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode)));
    assert.equal(status, 401);
  });

  test('request bodies over 100 MiB are refused', async () => {
    const { createConnection } = await import('node:net');
    const socket = createConnection(server.port, '127.0.0.1');
    socket.write(`POST / HTTP/1.1\r\nHost: alpha.localhost\r\nContent-Length: ${200 * 1024 * 1024}\r\n\r\n`);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (answer += chunk));
    await new Promise((resolve) => socket.on('close', resolve));
    assert.match(answer, /^HTTP\/1.1 413 /);
  });

  test('metrics and health', async () => {
    const health = await fetch(`${server.api}/healthz`);
    assert.equal(health.status, 200);
    await server.request('alpha.localhost', '/throw');
    const metrics = await fetch(`${server.api}/metrics`, { headers: { authorization: `Bearer ${server.token}` } });
    const text = await metrics.text();
    assert.match(text, /outpost_requests_total\{worker="alpha",status="2xx"\} \d+/);
    assert.match(text, /outpost_errors_total\{worker="alpha"\} [1-9]/);
    assert.match(text, /outpost_request_cpu_ms_bucket\{worker="alpha",le="\+Inf"\} \d+/);
    assert.match(text, /outpost_isolates_resident [1-9]/);
    assert.equal((await fetch(`${server.api}/metrics`)).status, 401);
  });

  test('delete removes the worker', async () => {
    const result = await server.cli(['delete', 'wide']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await server.request('shop.example.com', '/about')).status, 404);
    assert.equal((await server.call('GET', '/api/workers/wide')).status, 404);
  });
});

describe('outpost serve with two processes', () => {
  let server;
  const env = { OUTPOST_API_TOKEN: 'opt_fixed-token-for-automation', OUTPOST_SECRETS_KEY: 'a'.repeat(64) };
  // Fewer requests than this for one worker never make it hot, however fast they come.
  const HOT = 40;
  before(async () => {
    server = await startServe({ processes: 2, env, args: ['--hot-requests', String(HOT)] });
  });
  after(() => server?.stop());

  // Requests on new connections, so that both processes get some.
  const fresh = (host, target, options) => server.request(host, target, options);

  test('each worker is kept warm in one process, which serves it whichever process takes the connection', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `placed-${i}`);
    for (const name of names) {
      const bundle = { format: 'modules', mainModule: 'index.js', modules: [{ name: 'index.js', type: 'esm', content: 'let served = 0;\nexport default { fetch() { served += 1; return new Response(String(served)); } };\n' }] };
      const uploaded = await server.call('POST', `/api/workers/${name}/versions`, { config: { compatibility_date: '2026-08-04' }, bundle, deploy: true });
      assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
    }
    // Started at deploy, once each: no request waits for an isolate.
    const before = await metricsText(server);
    assert.equal(metricValue(before, 'outpost_isolates_resident'), names.length);
    for (const name of names) {
      const counts = [];
      for (let i = 0; i < 8; i++) counts.push(Number((await fresh(`${name}.localhost`, '/')).text));
      assert.deepEqual(counts, [1, 2, 3, 4, 5, 6, 7, 8], name);
    }
    const after = await metricsText(server);
    assert.equal(metricValue(after, 'outpost_isolates_resident'), names.length);
    assert.equal(metricValue(after, 'outpost_cold_starts_total'), 0);
    // About half the connections reach the other process, which hands them over.
    assert.ok(metricValue(after, 'outpost_forwarded_requests_total') > 0);
  });

  test('a worker is served by one isolate until it is hot, then by both processes; a redeploy under load fails no request', async () => {
    const counter = (label) => project({
      'wrangler.toml': wranglerToml({ name: 'count' }),
      'src/index.js': `let served = 0;\nexport default { fetch() { served += 1; return new Response(${JSON.stringify(label)} + ' ' + served); } };\n`,
    });
    assert.equal((await server.cli(['deploy'], { cwd: counter('v1') })).code, 0);
    // Whichever process takes the connection, the worker's home process serves it.
    const counts = [];
    for (let i = 0; i < HOT; i++) counts.push(Number((await fresh('count.localhost', '/')).text.split(' ')[1]));
    assert.deepEqual(counts, Array.from({ length: HOT }, (_, i) => i + 1));
    const residentBefore = metricValue(await metricsText(server), 'outpost_isolates_resident');
    // Hot: the other process starts its own copy, and counts are seen twice.
    const seenCounts = new Set(counts);
    await until(async () => {
      for (let i = 0; i < 20; i++) {
        const count = Number((await fresh('count.localhost', '/')).text.split(' ')[1]);
        if (seenCounts.has(count)) return true;
        seenCounts.add(count);
      }
      return false;
    }, 15_000, 'a second isolate');
    assert.equal(metricValue(await metricsText(server), 'outpost_isolates_resident'), residentBefore + 1);

    let stop = false;
    const failures = [];
    const seen = [];
    const load = (async () => {
      while (!stop) {
        try {
          const answer = await fresh('count.localhost', '/');
          if (answer.status !== 200) failures.push(answer.status);
          seen.push(answer.text.split(' ')[0]);
        } catch (err) {
          failures.push(err.message);
        }
      }
    })();
    for (const label of ['v2', 'v3', 'v4']) {
      const deployed = await server.cli(['deploy'], { cwd: counter(label) });
      assert.equal(deployed.code, 0, deployed.stderr);
      // Live on every process once deploy returned.
      for (let i = 0; i < 6; i++) assert.equal((await fresh('count.localhost', '/')).text.split(' ')[0], label);
    }
    stop = true;
    await load;
    assert.deepEqual(failures, []);
    assert.ok(seen.length > 10);
  });

  test('a client cannot claim another address through a request that is handed over', async () => {
    const name = nameAt('address', 1);
    await deployModule(server, name, "export default { fetch(request) { return new Response(request.headers.get('cf-connecting-ip')); } };\n");
    // Half the connections reach process 0, which hands them to process 1.
    for (let i = 0; i < 10; i++) {
      const answer = await fresh(`${name}.localhost`, '/', { headers: { 'x-outpost-forwarded-for': '203.0.113.9' } });
      assert.equal(answer.text, '127.0.0.1');
    }
  });

  test('a worker reached through a service binding is warm where its caller is at home', async () => {
    const callee = nameAt('callee', 1);
    const caller = nameAt('caller', 0);
    await deployModule(server, callee, "export default { fetch() { return new Response('from the callee'); } };\n");
    await deployModule(server, caller, 'export default { fetch(request, env) { return env.CALLEE.fetch(request); } };\n', { services: [{ binding: 'CALLEE', service: callee }] });
    const coldStarts = metricValue(await metricsText(server), 'outpost_cold_starts_total');
    for (let i = 0; i < 6; i++) assert.equal((await fresh(`${caller}.localhost`, '/')).text, 'from the callee');
    assert.equal(metricValue(await metricsText(server), 'outpost_cold_starts_total'), coldStarts);
  });

  test('a Durable Object has one instance whichever process takes the request', async () => {
    const dir = project({
      'wrangler.toml': wranglerToml({ name: 'objects', extra: '[[durable_objects.bindings]]\nname = "COUNTER"\nclass_name = "Counter"\n\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Counter"]\n' }),
      'src/index.js': `import { DurableObject } from 'cloudflare:workers';
        export class Counter extends DurableObject {
          hits = 0;
          async fetch(request) {
            if (request.headers.get('upgrade') === 'websocket') {
              const [client, server] = Object.values(new WebSocketPair());
              this.ctx.acceptWebSocket(server);
              return new Response(null, { status: 101, webSocket: client });
            }
            if (request.method === 'POST') return new Response(\`\${(await request.text()).length} from \${request.headers.get('cf-connecting-ip')}\`);
            this.hits += 1;
            return new Response(String(this.hits));
          }
          webSocketMessage(ws, message) { ws.send(\`echo \${message} \${this.hits}\`); }
        }
        export default { fetch(request, env) { return env.COUNTER.getByName('one').fetch(request); } };\n`,
    });
    const deployed = await server.cli(['deploy'], { cwd: dir });
    assert.equal(deployed.code, 0, deployed.stderr);
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(Number((await fresh('objects.localhost', '/')).text));
    // In-memory state of one instance: 1, 2, 3, ... with no repeats.
    assert.deepEqual(answers, answers.map((_, i) => i + 1));

    // Whichever process takes them, request bodies, the client's address and WebSockets reach
    // the one instance.
    const { default: WebSocket } = await import('ws');
    for (let i = 0; i < 6; i++) {
      const posted = await new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/', headers: { host: 'objects.localhost' }, agent: false }, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end('x'.repeat(100_000));
      });
      assert.equal(posted, '100000 from 127.0.0.1');
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`, { headers: { host: 'objects.localhost' } });
      await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
      ws.send(`hi${i}`);
      assert.equal(String(await new Promise((resolve) => ws.once('message', resolve))), `echo hi${i} 30`);
      ws.close();
    }
  });

  test('queue batches are consumed once, whichever process the messages were sent from', async () => {
    const dir = project({
      'wrangler.toml': wranglerToml({ name: 'jobs', extra: `[[queues.producers]]\nbinding = "JOBS"\nqueue = "jobs"\n\n[[queues.consumers]]\nqueue = "jobs"\nmax_batch_size = 5\nmax_batch_timeout = 0\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "jobs"\ndatabase_id = "jobs-db"\n` }),
      'src/index.js': `export default {
        async fetch(request, env) {
          await env.DB.exec('CREATE TABLE IF NOT EXISTS done (n INTEGER)');
          const url = new URL(request.url);
          if (url.pathname === '/count') return Response.json(await env.DB.prepare('SELECT count(*) AS total, count(DISTINCT n) AS distinctN FROM done').first());
          await env.JOBS.send({ n: Number(url.searchParams.get('n')) });
          return new Response('sent');
        },
        async queue(batch, env) {
          await env.DB.exec('CREATE TABLE IF NOT EXISTS done (n INTEGER)');
          for (const message of batch.messages) await env.DB.prepare('INSERT INTO done VALUES (?)').bind(message.body.n).run();
          console.log('consumed', batch.messages.length);
        },
      };\n`,
    });
    const deployed = await server.cli(['deploy'], { cwd: dir });
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /Created queue "jobs"/);
    assert.match(deployed.stdout, /Created d1 database "jobs"/);
    // The batches are tailed like requests, with their logs.
    const { default: WebSocket } = await import('ws');
    const tail = new WebSocket(`${server.api.replace('http', 'ws')}/api/workers/jobs/tail`, { headers: { authorization: `Bearer ${server.token}` } });
    const batches = [];
    tail.on('message', (data) => {
      const event = JSON.parse(data);
      if (!event.event?.request) batches.push(event);
    });
    await new Promise((resolve, reject) => tail.on('open', resolve).on('error', reject));
    for (let n = 0; n < 20; n++) assert.equal((await fresh('jobs.localhost', `/?n=${n}`)).text, 'sent');
    let count;
    await until(async () => {
      count = JSON.parse((await fresh('jobs.localhost', '/count')).text);
      return count.total >= 20;
    }, 15_000, 'twenty messages consumed');
    assert.deepEqual(count, { total: 20, distinctN: 20 });
    await until(() => batches.reduce((sum, event) => sum + Number(event.logs[0]?.message[0].split(' ')[1] ?? 0), 0) === 20, 10_000, 'the batches in the tail');
    for (const event of batches) {
      assert.equal(event.outcome, 'ok');
      assert.equal(event.event.queue, 'jobs');
      assert.match(event.logs[0].message[0], /^consumed \d+$/);
    }
    tail.close();
  });

  test('a serving process that dies is started again and serves the current deployment', async () => {
    // The primary's children that run serve-entry.js (esbuild's service is one too).
    const servingProcesses = () => execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(server.pid)], { encoding: 'utf8' })
      .split('\n').filter((line) => line.includes('serve-entry.js')).map((line) => Number(line.trim().split(' ')[0]));
    const children = servingProcesses();
    assert.equal(children.length, 2);
    process.kill(children[0], 'SIGKILL');
    // A connection node's cluster handed to the process as it died is never answered (the
    // primary waits for an acknowledgement that cannot come): such a request times out.
    await until(async () => (await server.request('count.localhost', '/', { timeoutMs: 2000 }).catch(() => ({ text: '' }))).text.startsWith('v4'), 15_000, 'requests served');
    await until(() => /Serving process \d exited \(SIGKILL\); starting it again/.test(server.output), 15_000, 'the restart message');
    await until(() => servingProcesses().length === 2, 15_000, 'two serving processes');
    for (let i = 0; i < 10; i++) assert.equal((await fresh('count.localhost', '/')).text.split(' ')[0], 'v4');
  });

  test('a restart keeps workers, versions, secrets and routes', async () => {
    const dir = versionedWorker('keeper', 'kept', 'routes = [{ pattern = "kept.test", custom_domain = true }]\n');
    assert.equal((await server.cli(['deploy'], { cwd: dir })).code, 0);
    assert.equal((await server.cli(['secret', 'put', 'API_KEY', '--name', 'keeper'], { input: SECRET_VALUE })).code, 0);
    await server.stop();
    server = await startServe({ dirs: server.dirs, processes: 2, env });
    assert.equal((await server.request('kept.test', '/secret')).text, 'secret ok');
    assert.equal((await server.request('count.localhost', '/')).text.split(' ')[0], 'v4');
    const versions = JSON.parse((await server.cli(['versions', 'list', '--name', 'count', '--json'])).stdout);
    assert.equal(versions.length, 4);
    assert.equal(JSON.parse((await server.request('jobs.localhost', '/count')).text).total, 20);
  });

  test('a server started with another secrets key refuses to serve secrets it cannot read', async () => {
    await server.stop();
    const other = await startServe({ dirs: server.dirs, processes: 1, env: { ...env, OUTPOST_SECRETS_KEY: 'b'.repeat(64) } });
    try {
      assert.match(other.output, /keeper.*cannot be decrypted/);
      assert.equal((await other.request('kept.test', '/secret')).status, 404);
    } finally {
      await other.stop();
    }
  });
});

// Isolates outside a worker's home are dropped once idle for COOL_MS (checked every few seconds):
// these tests wait that long, side by side.
describe('outpost serve: isolates outside a worker\'s home', { concurrency: true, timeout: 3 * COOL_MS }, () => {
  let server;
  const env = { OUTPOST_API_TOKEN: 'opt_fixed-token-for-automation', OUTPOST_SECRETS_KEY: 'a'.repeat(64) };
  before(async () => {
    server = await startServe({ processes: 2, env });
  });
  after(() => server?.stop());
  const longerThanIdle = () => new Promise((resolve) => setTimeout(resolve, COOL_MS + 10_000));

  // A WebSocket to `host` on one connection; reply(text) sends text and resolves with the answer
  // (or how the socket closed, or that none came).
  async function openSocket(host) {
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`, { headers: { host } });
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    ws.on('error', () => {});
    const reply = (text) => {
      ws.send(text);
      return new Promise((resolve) => {
        ws.once('message', (data) => resolve(String(data)));
        ws.once('close', (code) => resolve(`closed ${code}`));
        setTimeout(() => resolve('no answer'), 10_000);
      });
    };
    return { ws, reply };
  }

  test('a worker reached through a service binding is not dropped while a call to it is open', async () => {
    const callee = nameAt('socket-callee', 1);
    const caller = nameAt('socket-caller', 0);
    await deployModule(server, callee, `export default {
      fetch() {
        const [client, server] = Object.values(new WebSocketPair());
        server.accept();
        server.addEventListener('message', (event) => server.send('echo ' + event.data));
        return new Response(null, { status: 101, webSocket: client });
      },
    };\n`);
    await deployModule(server, caller, 'export default { fetch(request, env) { return env.CALLEE.fetch(request); } };\n', { services: [{ binding: 'CALLEE', service: callee }] });
    const { ws, reply } = await openSocket(`${caller}.localhost`);
    assert.equal(await reply('one'), 'echo one');
    await longerThanIdle();
    assert.equal(await reply('two'), 'echo two');
    ws.close();
  });

  test('a queue batch that runs longer than the idle time is not dropped under it', async () => {
    const name = nameAt('slow-jobs', 1);
    await deployModule(server, name, `export default {
      async fetch(request, env) {
        await env.JOBS.send('job');
        return new Response('sent');
      },
      async queue(batch) {
        await new Promise((resolve) => setTimeout(resolve, ${COOL_MS + 10_000}));
        console.log('done');
      },
    };\n`, { queues: { producers: [{ binding: 'JOBS', queue: 'slow-jobs' }], consumers: [{ queue: 'slow-jobs', max_batch_size: 1, max_batch_timeout: 0, max_retries: 0 }] } });
    const { default: WebSocket } = await import('ws');
    const tail = new WebSocket(`${server.api.replace('http', 'ws')}/api/workers/${name}/tail`, { headers: { authorization: `Bearer ${server.token}` } });
    const batches = [];
    tail.on('message', (data) => {
      const event = JSON.parse(data);
      if (event.event?.queue) batches.push(event);
    });
    await new Promise((resolve, reject) => tail.on('open', resolve).on('error', reject));
    // The batch runs in process 0 (the anchor), away from the worker's home.
    assert.equal((await server.request(`${name}.localhost`, '/')).text, 'sent');
    await until(() => batches.length > 0, COOL_MS + 40_000, 'the batch in the tail');
    assert.equal(batches[0].outcome, 'ok');
    assert.equal(batches[0].logs[0]?.message[0], 'done');
    tail.close();
  });
});

describe('outpost serve under a memory budget', () => {
  let server;
  before(async () => {
    server = await startServe({ processes: 1, args: ['--memory-budget', '16'] });
  });
  after(() => server?.stop());

  test('idle isolates are evicted least recently used first and come back on their next request', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `budget-${i}`);
    for (const name of names) {
      const bundle = { format: 'modules', mainModule: 'index.js', modules: [{ name: 'index.js', type: 'esm', content: `const filler = new Array(100000).fill('${name}');\nexport default { fetch() { return new Response(filler[0]); } };\n` }] };
      const uploaded = await server.call('POST', `/api/workers/${name}/versions`, { config: { compatibility_date: '2026-08-04' }, bundle, deploy: true });
      assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
    }
    const metric = async (name) => metricValue(await metricsText(server), name);
    await until(async () => (await metric('outpost_evictions_total')) > 0, 10_000, 'an eviction');
    for (const name of names) assert.equal((await server.request(`${name}.localhost`)).text, name);
    assert.ok((await metric('outpost_cold_starts_total')) > 0);
    assert.ok((await metric('outpost_isolate_heap_bytes')) < 40 * 1024 * 1024);
  });

  test('a deploy does not start again the isolates the budget evicted', async () => {
    const resident = async () => metricValue(await metricsText(server), 'outpost_isolates_resident');
    await until(async () => (await resident()) < 8, 10_000, 'evictions');
    const before = await resident();
    await deployModule(server, 'budget-late', "export default { fetch() { return new Response('late'); } };\n");
    // The new worker's isolate, and no other.
    assert.ok((await resident()) <= before + 1, `${await resident()} isolates after the deploy, ${before} before`);
  });
});

describe('storage commands with --remote', () => {
  let server;
  let dir;
  const STORAGE_TOML = wranglerToml({ name: 'stored', extra: `[[kv_namespaces]]
binding = "CACHE"
id = "cache-id"

[[d1_databases]]
binding = "DB"
database_name = "app-db"
database_id = "app-db-id"
migrations_dir = "db/migrations"

[[r2_buckets]]
binding = "FILES"
bucket_name = "files"

[[queues.producers]]
binding = "JOBS"
queue = "jobs"

[env.staging]
kv_namespaces = [{ binding = "CACHE", id = "staging-cache-id" }]
` });
  before(async () => {
    server = await startServe({ processes: 1 });
    dir = project({
      'wrangler.toml': STORAGE_TOML,
      'src/index.js': `export default {
        async fetch(request, env) {
          const url = new URL(request.url);
          const key = url.searchParams.get('key');
          if (url.pathname === '/kv') return new Response(await env.CACHE.get(key) ?? 'missing');
          if (url.pathname === '/d1') return Response.json((await env.DB.prepare('SELECT name FROM users ORDER BY id').all()).results);
          if (url.pathname === '/r2') return new Response(await (await env.FILES.get(key))?.text() ?? 'missing');
          return new Response('ok');
        },
      };\n`,
      'db/migrations/0001_users.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n',
      'db/migrations/0002_email.sql': 'ALTER TABLE users ADD COLUMN email TEXT;\n',
      'seed.sql': "INSERT INTO users (name) VALUES ('grace');\n",
      'data/bulk.json': JSON.stringify([{ key: 'one', value: '1' }, { key: 'two', value: 'Mg==', base64: true }]),
      'data/value.txt': 'from a file',
    });
    const deployed = await server.cli(['deploy'], { cwd: dir });
    assert.equal(deployed.code, 0, deployed.stderr);
  });
  after(() => server?.stop());

  const ok = (result) => {
    assert.equal(result.code, 0, result.stderr);
    return result;
  };
  const remote = (args, options) => server.cli([...args, '--remote'], { cwd: dir, ...options });

  test('kv: put, get, list and bulk put act on the server, where the worker reads them', async () => {
    assert.match(ok(await remote(['kv', 'key', 'put', 'greeting', 'héllo', '--binding', 'CACHE'])).stdout, /Wrote "greeting"/);
    assert.equal((await server.request('stored.localhost', '/kv?key=greeting')).text, 'héllo');
    ok(await remote(['kv', 'key', 'put', 'file', '--path', 'data/value.txt', '--binding', 'CACHE', '--metadata', '{"from":"cli"}']));
    assert.equal(ok(await remote(['kv', 'key', 'get', 'file', '--binding', 'CACHE'])).stdout, 'from a file');
    assert.match(ok(await remote(['kv', 'bulk', 'put', 'data/bulk.json', '--binding', 'CACHE'])).stdout, /Wrote 2 key-value pairs/);
    assert.equal((await server.request('stored.localhost', '/kv?key=two')).text, '2');
    const listed = JSON.parse(ok(await remote(['kv', 'key', 'list', '--namespace-id', 'cache-id'])).stdout);
    assert.deepEqual(listed.map((key) => key.name), ['file', 'greeting', 'one', 'two']);
    assert.deepEqual(listed[0].metadata, { from: 'cli' });
    // The binding resolves with the environment applied, as it does locally.
    ok(await remote(['kv', 'key', 'put', 'greeting', 'staged', '--binding', 'CACHE', '--env', 'staging']));
    assert.equal(ok(await remote(['kv', 'key', 'get', 'greeting', '--namespace-id', 'staging-cache-id'])).stdout, 'staged');
    assert.equal((await server.request('stored.localhost', '/kv?key=greeting')).text, 'héllo');
    // The same errors and exit codes as locally.
    const missing = await remote(['kv', 'key', 'get', 'nope', '--binding', 'CACHE']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Value not found for "nope"/);
    const unknown = await remote(['kv', 'key', 'get', 'k', '--binding', 'NOPE']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No KV binding "NOPE" in .*wrangler\.toml\. Known: CACHE\./);
    assert.ok(!existsSync(path.join(dir, '.outpost')), 'nothing was written to the local state');
  });

  test('d1: migrations list and apply, execute with --command and --file, export', async () => {
    assert.match(ok(await remote(['d1', 'migrations', 'list', 'DB'])).stdout, /0001_users\.sql[\s\S]*0002_email\.sql/);
    const applied = ok(await remote(['d1', 'migrations', 'apply', 'DB']));
    assert.match(applied.stderr, /Applying 2 migrations to remote database app-db \(app-db-id\)/);
    assert.match(applied.stdout, /0002_email\.sql │ ✅/);
    assert.match(ok(await remote(['d1', 'migrations', 'apply', 'app-db'])).stdout, /No migrations to apply/);

    ok(await remote(['d1', 'execute', 'DB', '--command', "INSERT INTO users (name, email) VALUES ('ada', 'ada@example.com')"]));
    const fromFile = ok(await remote(['d1', 'execute', 'DB', '--file', 'seed.sql']));
    assert.match(fromFile.stderr, /Executing on remote database app-db/);
    const selected = JSON.parse(ok(await remote(['d1', 'execute', 'DB', '--command', 'SELECT name, email FROM users ORDER BY id', '--json'])).stdout);
    assert.deepEqual(selected[0].results, [{ name: 'ada', email: 'ada@example.com' }, { name: 'grace', email: null }]);
    assert.deepEqual(JSON.parse((await server.request('stored.localhost', '/d1')).text), [{ name: 'ada' }, { name: 'grace' }]);
    const failed = await remote(['d1', 'execute', 'DB', '--command', 'SELECT * FROM nope']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /no such table: nope/);

    mkdirSync(path.join(dir, 'dump'));
    ok(await remote(['d1', 'export', 'DB', '--output', 'dump/app.sql', '--table', 'users']));
    const dump = readFileSync(path.join(dir, 'dump', 'app.sql'), 'utf8');
    assert.match(dump, /CREATE TABLE users/);
    assert.match(dump, /'grace'/);
  });

  test('r2: put and get with files and pipes', async () => {
    const bytes = randomBytes(300_000);
    writeFileSync(path.join(dir, 'photo.bin'), bytes);
    ok(await remote(['r2', 'object', 'put', 'files/photos/a.bin', '--file', 'photo.bin', '--content-type', 'image/png']));
    ok(await remote(['r2', 'object', 'get', 'files/photos/a.bin', '--file', 'copy.bin']));
    assert.ok(readFileSync(path.join(dir, 'copy.bin')).equals(bytes));
    ok(await remote(['r2', 'object', 'put', 'files/notes.txt', '--pipe'], { input: 'piped in' }));
    assert.equal((await server.request('stored.localhost', '/r2?key=notes.txt')).text, 'piped in');
    assert.equal(ok(await remote(['r2', 'object', 'get', 'files/notes.txt', '--pipe'])).stdout, 'piped in');
    assert.match(ok(await remote(['r2', 'bucket', 'list'])).stdout, /name: +files/);
  });

  test('queues: list and create', async () => {
    assert.match(ok(await remote(['queues', 'list'])).stdout, /^jobs +0 +0 +0 +0$/m);
    ok(await remote(['queues', 'create', 'extra']));
    assert.deepEqual(JSON.parse(ok(await remote(['queues', 'list', '--json'])).stdout).map((queue) => queue.name), ['extra', 'jobs']);
  });

  test('refused: no or a bad token, local paths, tokens without the scope or limited to workers', async () => {
    const args = ['kv', 'key', 'get', 'greeting', '--binding', 'CACHE'];
    assert.match((await remote(args, { token: '' })).stderr, /Set OUTPOST_API_URL and OUTPOST_API_TOKEN/);
    assert.match((await remote(args, { token: 'opt_wrong' })).stderr, /A valid API token is required/);
    const persist = await remote([...args, '--persist-to', '/etc']);
    assert.equal(persist.code, 1);
    assert.match(persist.stderr, /--persist-to names a local state directory/);

    // Asked directly, the server opens no path the request names.
    const outside = path.join(server.dirs.dataDir, '..', 'written-by-a-request');
    const requests = [
      [{ command: 'kv', args: ['key', 'get', 'greeting', '--namespace-id=cache-id', '--persist-to=/etc'] }, /--persist-to is not accepted/],
      [{ command: 'kv', args: ['key', 'list', '--binding=CACHE', '--config=/etc/wrangler.toml'] }, /--config is not accepted/],
      [{ command: 'd1', args: ['execute', 'DB', '--file=/etc/hostname'] }, /"\/etc\/hostname" that the arguments name was not sent/],
      [{ command: 'kv', args: ['bulk', 'delete', '--namespace-id=cache-id', '--', '/etc/hostname'] }, /was not sent/],
      [{ command: 'd1', args: ['migrations', 'apply', 'DB'], migrations: [{ name: '../escape.sql', base64: '' }] }, /not the name of a migration file/],
      [{ command: 'kv', args: ['key', 'list', '--binding=CACHE'], config: { kv_namespaces: 'nope' } }, /kv_namespaces/],
      [{ command: 'sh', args: [] }, /"command" must be one of/],
    ];
    for (const [body, message] of requests) {
      const answer = await server.call('POST', '/api/storage', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.error, message);
    }
    // An output file comes back under the name asked for; nothing is written there on the server.
    const download = await server.call('POST', '/api/storage', { command: 'r2', args: ['object', 'get', `--file=${outside}`, '--', 'files/notes.txt'] });
    assert.equal(download.status, 200);
    assert.deepEqual(download.body.files.map((file) => [file.name, Buffer.from(file.base64, 'base64').toString()]), [[outside, 'piped in']]);
    assert.ok(!existsSync(outside));

    const reader = (await server.call('POST', '/api/tokens', { name: 'storage-reader', scopes: ['read'] })).body.token;
    assert.equal(ok(await remote(args, { token: reader })).stdout, 'héllo');
    ok(await remote(['d1', 'export', 'DB', '--output', 'dump/read.sql'], { token: reader }));
    for (const write of [['kv', 'key', 'put', 'greeting', 'x', '--binding', 'CACHE'], ['d1', 'execute', 'DB', '--command', 'SELECT 1'], ['queues', 'create', 'more']]) {
      const refused = await remote(write, { token: reader });
      assert.equal(refused.code, 1, write.join(' '));
      assert.match(refused.stderr, /This token may not do that/);
    }
    const limited = (await server.call('POST', '/api/tokens', { name: 'one-worker', scopes: ['deploy'], workers: ['stored'] })).body.token;
    assert.match((await remote(args, { token: limited })).stderr, /This token may not do that/);
    assert.equal((await server.request('stored.localhost', '/kv?key=greeting')).text, 'héllo');
  });
});

test('a port that is taken stops outpost serve with a clear error', async () => {
  const { createServer } = await import('node:net');
  const taken = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => taken.once('listening', resolve));
  const port = String(taken.address().port);
  try {
    const env = { OUTPOST_API_TOKEN: 'opt_port-test', OUTPOST_SECRETS_KEY: 'c'.repeat(64) };
    const ingress = await runCli(['serve', '--data', path.join(serverDirs().dataDir), '--port', port, '--api-port', '0', '--processes', '2'], { env });
    assert.equal(ingress.code, 1);
    assert.match(ingress.stderr, new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
    const api = await runCli(['serve', '--data', path.join(serverDirs().dataDir), '--port', '0', '--api-port', port, '--processes', '1'], { env });
    assert.equal(api.code, 1);
    assert.match(api.stderr, new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port} for the API: EADDRINUSE`));
  } finally {
    taken.close();
  }
});
