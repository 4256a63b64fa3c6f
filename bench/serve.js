// `outpost serve`, with one serving process per core:
//   1. hello-world requests/s of a deployed worker against raw node:http in cluster mode on the
//      same number of processes (autocannon in its own process, same connections);
//   2. deploy-to-live: an API upload with deploy=true, until it answered (live on every process);
//   3. a Zipf load over many deployed workers: the share of requests that met a cold isolate and
//      the share handed to the worker's home process; the server's resident memory per deployed
//      worker and per resident isolate (each worker is warm in one process, busy ones in all).
// Environment: BENCH_DURATION (s, 8), BENCH_WARMUP (s, 2), BENCH_CONNECTIONS (50),
// BENCH_SERVE_WORKERS (2000), BENCH_ZIPF_REQUESTS (20000), BENCH_PROCESSES (cores).
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { BENCH_DIR, ROOT_DIR, HELLO_SOURCE, envNumber, fmt, isMain, lastJson, median, percentile, printTable, runChild, spawnReady, stopChild } from './lib/common.js';

const PROCESSES = envNumber('BENCH_PROCESSES', os.availableParallelism());
const bundleOf = (source) => ({ format: 'modules', mainModule: 'index.js', modules: [{ name: 'index.js', type: 'esm', content: source }] });

async function startServer(dataDir) {
  const state = {};
  const { child } = await spawnReady(process.execPath, ['--no-node-snapshot', path.join(ROOT_DIR, 'bin', 'outpost.js'), 'serve', '--data', dataDir, '--port', '0', '--api-port', '0', '--processes', String(PROCESSES)], {
    env: { ...process.env, NO_COLOR: '1', OUTPOST_API_TOKEN: 'opt_bench', OUTPOST_SECRETS_KEY: '0'.repeat(64) },
    timeoutMs: 60_000,
    ready(line) {
      const api = /API on (\S+)/.exec(line);
      if (api) state.api = api[1];
      const ready = /Ready on http:\/\/[\d.]+:(\d+)/.exec(line);
      return ready ? Number(ready[1]) : undefined;
    },
  }).then(({ child, value }) => {
    state.port = value;
    return { child };
  });
  const call = async (method, apiPath, body) => {
    const response = await fetch(`${state.api}${apiPath}`, { method, headers: { authorization: 'Bearer opt_bench' }, body: body && JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${text}`);
    return text;
  };
  return { child, port: state.port, call };
}

// Resident memory of a process and its children, in bytes.
function treeRss(pid) {
  const out = execFileSync('ps', ['-o', 'pid=,ppid=,rss=', '-A'], { encoding: 'utf8' });
  const rows = out.trim().split('\n').map((line) => line.trim().split(/\s+/).map(Number));
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, parent] of rows) if (tree.has(parent) && !tree.has(p)) tree.add(p) && (grew = true);
  }
  return rows.filter(([p]) => tree.has(p)).reduce((sum, [, , rss]) => sum + rss * 1024, 0);
}

const metric = (text, name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);

async function autocannon(url, headers, options) {
  const { stdout } = await runChild(process.execPath, [path.join(BENCH_DIR, 'lib', 'loadgen.js'), JSON.stringify({ url, headers, ...options })], { timeoutMs: (options.warmupSeconds + options.durationSeconds) * 1000 + 60_000 });
  return lastJson(stdout);
}

async function requestsPerSecond(options) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-serve-'));
  let server;
  let peer;
  try {
    server = await startServer(dataDir);
    await server.call('POST', '/api/workers/hello/versions', { config: { compatibility_date: '2026-08-04' }, bundle: bundleOf(HELLO_SOURCE), deploy: true });
    process.stdout.write(`  outpost serve (${PROCESSES} processes): ${options.warmupSeconds}s warm-up + ${options.durationSeconds}s ... `);
    const outpost = await autocannon(`http://127.0.0.1:${server.port}/`, { host: 'hello.localhost' }, options);
    console.log(`${fmt(outpost.rps, 0)} req/s`);
    await stopChild(server.child);
    server = null;
    const started = await spawnReady(process.execPath, [path.join(BENCH_DIR, 'servers', 'node-cluster.js')], { env: { ...process.env, BENCH_PROCESSES: String(PROCESSES) }, ready: (line) => /^LISTENING (\d+)$/.exec(line)?.[1] });
    peer = started.child;
    process.stdout.write(`  node cluster (${PROCESSES} processes): ... `);
    const node = await autocannon(`http://127.0.0.1:${started.value}/`, {}, options);
    console.log(`${fmt(node.rps, 0)} req/s`);
    return { outpost, node };
  } finally {
    if (server) await stopChild(server.child);
    if (peer) await stopChild(peer);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Zipf-distributed worker indexes (exponent 1), from a fixed seed.
function zipfSampler(n) {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cumulative[k] = total += 1 / (k + 1);
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

async function manyWorkers(workerCount, requestCount) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-serve-'));
  let server;
  try {
    server = await startServer(dataDir);
    const rssBefore = treeRss(server.child.pid);
    const deployMs = [];
    process.stdout.write(`  deploying ${workerCount} workers ... `);
    for (let i = 0; i < workerCount; i++) {
      const started = performance.now();
      await server.call('POST', `/api/workers/w${i}/versions`, { config: { compatibility_date: '2026-08-04' }, bundle: bundleOf(`export default { fetch() { return new Response("w${i}") } }`), deploy: true });
      deployMs.push(performance.now() - started);
    }
    console.log('done');
    const rssAfter = treeRss(server.child.pid);
    const before = await server.call('GET', '/metrics');
    const residentDeployed = metric(before, 'outpost_isolates_resident');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const next = zipfSampler(workerCount);
    let wrong = 0;
    const one = (i) => new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: `w${i}.localhost` }, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          if (text !== `w${i}`) wrong += 1;
          resolve();
        });
      }).on('error', reject);
    });
    process.stdout.write(`  ${requestCount} Zipf requests ... `);
    let sent = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (sent < requestCount) {
        sent += 1;
        await one(next());
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    console.log(`${fmt(requestCount / seconds, 0)} req/s`);
    agent.destroy();
    const after = await server.call('GET', '/metrics');
    const resident = metric(after, 'outpost_isolates_resident');
    const counted = (name) => (metric(after, name) - metric(before, name)) / requestCount;
    deployMs.sort((a, b) => a - b);
    return {
      workerCount,
      requestCount,
      wrong,
      coldShare: counted('outpost_cold_starts_total'),
      forwardedShare: counted('outpost_forwarded_requests_total'),
      residentDeployed,
      resident,
      bytesPerWorker: (rssAfter - rssBefore) / workerCount,
      bytesPerResident: (rssAfter - rssBefore) / residentDeployed,
      heapPerResident: metric(before, 'outpost_isolate_heap_bytes') / residentDeployed,
      deployP50: median(deployMs),
      deployP99: percentile(deployMs, 99),
    };
  } finally {
    if (server) await stopChild(server.child, 10_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run() {
  const options = { connections: envNumber('BENCH_CONNECTIONS', 50), warmupSeconds: envNumber('BENCH_WARMUP', 2), durationSeconds: envNumber('BENCH_DURATION', 8) };
  console.log(`serve: ${PROCESSES} serving processes; load generators share the machine's cores`);
  const { outpost, node } = await requestsPerSecond(options);
  const many = await manyWorkers(envNumber('BENCH_SERVE_WORKERS', 2000), envNumber('BENCH_ZIPF_REQUESTS', 20000));
  const ratio = outpost.rps / node.rps;
  const mib = (bytes) => `${fmt(bytes / 1024 / 1024)} MiB`;
  printTable('serve', ['metric', 'value'], [
    ['outpost serve req/s', fmt(outpost.rps, 0)],
    ['node cluster req/s', fmt(node.rps, 0)],
    ['outpost / node cluster', `${fmt(ratio)}x`],
    ['deploy-to-live p50 / p99', `${fmt(many.deployP50, 1)} / ${fmt(many.deployP99, 1)} ms (with ${many.workerCount} workers deployed)`],
    ['cold requests (Zipf)', `${fmt(many.coldShare * 100, 3)}% of ${many.requestCount} over ${many.workerCount} workers (${many.wrong} wrong answers)`],
    ['requests handed to the home process (Zipf)', `${fmt(many.forwardedShare * 100, 1)}%`],
    ['resident isolates after deploy / after the Zipf load', `${many.residentDeployed} / ${many.resident}`],
    ['RSS per deployed worker', mib(many.bytesPerWorker)],
    ['RSS per resident isolate', mib(many.bytesPerResident)],
    ['heap per resident isolate', mib(many.heapPerResident)],
  ]);
  return {
    name: 'serve',
    figures: { processes: PROCESSES, outpostRps: outpost.rps, nodeClusterRps: node.rps, ratio, ...many },
    summary: [
      { metric: 'outpost serve / node cluster', value: `${fmt(ratio)}x` },
      { metric: 'deploy-to-live p50', value: `${fmt(many.deployP50, 1)} ms` },
      { metric: 'cold requests (Zipf)', value: `${fmt(many.coldShare * 100, 3)}%`, target: '< 0.1%', met: many.coldShare < 0.001 ? 'yes' : 'NO' },
      { metric: 'RSS per deployed worker', value: mib(many.bytesPerWorker) },
      { metric: 'RSS per resident isolate', value: mib(many.bytesPerResident) },
    ],
  };
}

if (isMain(import.meta.url)) await run();
