// Hello-world requests/s over keep-alive HTTP/1.1, in one run, of:
//   outpost - the hello worker in an isolate behind createHttpServer
//   node    - a raw node:http server returning "Hello World!" (the ceiling for a Node server)
//   workerd - workerd from npm serving the same worker (skipped when it cannot be installed)
// Each server runs in its own child process, and so does the load generator (autocannon).
// Environment: BENCH_DURATION (s, default 8), BENCH_WARMUP (s, 2), BENCH_CONNECTIONS (50).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BENCH_DIR, HELLO_SOURCE, PINNING, envNumber, fmt, isMain, lastJson, pinned, printTable, runChild, spawnReady, stopChild,
} from './lib/common.js';
import { ensureWorkerd, writeConfig } from './lib/workerd.js';

const NODE_ARGS = ['--no-node-snapshot'];
const SERVER_CPU = 1;
const LOAD_CPU = 0;

const listening = (line) => {
  const match = /^LISTENING (\d+)$/.exec(line.trim());
  return match ? Number(match[1]) : undefined;
};

async function startNodeChild(script) {
  const [command, args] = pinned(SERVER_CPU, process.execPath, [...NODE_ARGS, path.join(BENCH_DIR, 'servers', script)]);
  const { child, value: port } = await spawnReady(command, args, { ready: listening });
  return { child, url: `http://127.0.0.1:${port}/` };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, child, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before serving`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      const text = await res.text();
      if (res.ok) return text;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`not serving ${url} within ${timeoutMs} ms`);
}

async function startWorkerd(binary) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-workerd-'));
  const port = await freePort();
  const config = writeConfig(dir, { source: HELLO_SOURCE, port });
  const [command, args] = pinned(SERVER_CPU, binary, ['serve', config]);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(url, child);
  } catch (err) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    err.message = `workerd: ${err.message}${stderr ? `\n${stderr.trim()}` : ''}`;
    throw err;
  }
  return { child, url, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function load(url, options) {
  const [command, args] = pinned(LOAD_CPU, process.execPath, [path.join(BENCH_DIR, 'lib', 'loadgen.js'), JSON.stringify({ url, ...options })]);
  const timeoutMs = (options.warmupSeconds + options.durationSeconds) * 1000 + 60_000;
  const { stdout } = await runChild(command, args, { timeoutMs });
  return lastJson(stdout);
}

async function measure(name, start, options) {
  let server;
  try {
    server = await start();
    const body = await (await fetch(server.url)).text();
    if (body !== 'Hello World!') throw new Error(`${name} answered ${JSON.stringify(body.slice(0, 100))}`);
    process.stdout.write(`  ${name}: ${options.warmupSeconds}s warm-up + ${options.durationSeconds}s ... `);
    const result = await load(server.url, options);
    console.log(`${fmt(result.rps, 0)} req/s`);
    return { name, ...result };
  } finally {
    if (server) await stopChild(server.child);
    server?.cleanup?.();
  }
}

export async function run() {
  const options = {
    connections: envNumber('BENCH_CONNECTIONS', 50),
    warmupSeconds: envNumber('BENCH_WARMUP', 2),
    durationSeconds: envNumber('BENCH_DURATION', 8),
  };
  console.log(`http-hello: ${options.connections} keep-alive connections, autocannon in its own process` +
    (PINNING ? `, server pinned to CPU ${SERVER_CPU}, load generator to CPU ${LOAD_CPU}` : ', no CPU pinning'));

  const workerd = ensureWorkerd({ log: (m) => console.log(`  ${m}`) });
  const targets = [
    ['outpost', () => startNodeChild('outpost.js')],
    ['node', () => startNodeChild('node.js')],
  ];
  if (workerd.binary) targets.push([`workerd`, () => startWorkerd(workerd.binary)]);
  else console.log(`  workerd unavailable: ${workerd.unavailable}`);

  const results = {};
  for (const [name, start] of targets) {
    try {
      results[name] = await measure(name, start, options);
    } catch (err) {
      console.log(`\n  ${name} failed: ${err.message}`);
      results[name] = { name, error: err.message.split('\n')[0] };
    }
  }

  const rps = (name) => results[name]?.rps ?? null;
  const ratio = (a, b) => (rps(a) && rps(b) ? rps(a) / rps(b) : null);
  const figures = {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    pinned: PINNING,
    outpostRps: rps('outpost'),
    nodeRps: rps('node'),
    workerdRps: rps('workerd'),
    workerdVersion: workerd.version ?? null,
    workerdUnavailable: workerd.unavailable ?? null,
    outpostVsNode: ratio('outpost', 'node'),
    outpostVsWorkerd: ratio('outpost', 'workerd'),
    details: results,
  };

  printTable('http-hello: requests/s', ['target', 'req/s', 'p50 ms', 'p99 ms', 'bytes/req', 'non-2xx', 'errors'],
    ['outpost', 'node', 'workerd'].map((name) => {
      const r = results[name];
      if (!r) return [name, 'unavailable', '', '', '', '', ''];
      if (r.error) return [name, 'failed', '', '', '', '', ''];
      return [name === 'workerd' ? `workerd ${workerd.version?.replace(/^workerd /, '') ?? ''}` : name,
        fmt(r.rps, 0), fmt(r.latencyP50, 0), fmt(r.latencyP99, 0), fmt(r.bytesPerRequest, 0), r.non2xx, r.errors + r.timeouts];
    }));
  printTable('http-hello: ratios', ['ratio', 'value', 'target', 'met'], [
    ['outpost / node', figures.outpostVsNode === null ? 'n/a' : `${fmt(figures.outpostVsNode)}x`, '>= 0.50x', met(figures.outpostVsNode, 0.5)],
    ['outpost / workerd', figures.outpostVsWorkerd === null ? 'n/a' : `${fmt(figures.outpostVsWorkerd)}x`, '>= 1.50x', met(figures.outpostVsWorkerd, 1.5)],
  ]);

  return {
    name: 'http-hello',
    figures,
    summary: [
      { metric: 'outpost req/s', value: fmt(figures.outpostRps, 0) },
      { metric: 'node req/s', value: fmt(figures.nodeRps, 0) },
      { metric: 'workerd req/s', value: figures.workerdRps === null ? 'unavailable' : fmt(figures.workerdRps, 0) },
      { metric: 'outpost / node', value: ratioText(figures.outpostVsNode), target: '>= 0.50x', met: met(figures.outpostVsNode, 0.5) },
      { metric: 'outpost / workerd', value: ratioText(figures.outpostVsWorkerd), target: '>= 1.50x', met: met(figures.outpostVsWorkerd, 1.5) },
    ],
  };
}

function ratioText(value) {
  return value === null ? 'n/a' : `${fmt(value)}x`;
}

function met(value, target) {
  if (value === null) return 'n/a';
  return value >= target ? 'yes' : 'NO';
}

if (isMain(import.meta.url)) await run();
