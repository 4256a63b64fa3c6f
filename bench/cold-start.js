// New-worker cold start: BENCH_COLD_N (default 300) distinct workers, one after another, each with
// its own source (a different constant), timed from `new Worker(...).start()` to the first
// response of `worker.fetch()` with its body read. A first worker, which also pays for building
// the platform prelude once per process, is timed separately and left out of the percentiles.
import { Worker } from '../src/runtime/worker.js';
import { GET_REQUEST, envNumber, fmt, isMain, latencyStats, moduleBundle, printTable, readBody } from './lib/common.js';

const TARGET_P50_MS = 5;

function source(i) {
  return `const GREETING = "Hello World! #${i}";\nexport default { fetch() { return new Response(GREETING) } }\n`;
}

async function coldStart(i) {
  const t0 = performance.now();
  const worker = new Worker({ name: `cold-${i}`, bundle: moduleBundle(source(i)), env: { vars: {}, secrets: {} }, limits: {}, log: () => {} }).start();
  const t1 = performance.now();
  const res = await worker.fetch(GET_REQUEST);
  const body = await readBody(res.body);
  const t2 = performance.now();
  worker.dispose();
  if (res.status !== 200 || body.toString() !== `Hello World! #${i}`) throw new Error(`worker ${i} answered ${res.status} ${body}`);
  return { startMs: t1 - t0, fetchMs: t2 - t1, totalMs: t2 - t0 };
}

export async function run() {
  const n = envNumber('BENCH_COLD_N', 300);
  console.log(`cold-start: ${n} distinct workers, new Worker().start() + first fetch, one after another`);
  const first = await coldStart(-1);
  const samples = [];
  const began = performance.now();
  for (let i = 0; i < n; i++) samples.push(await coldStart(i));
  const wallS = (performance.now() - began) / 1000;

  const stats = (key) => latencyStats(samples.map((s) => s[key]));
  const total = stats('totalMs');
  const start = stats('startMs');
  const fetch = stats('fetchMs');
  printTable(`cold-start: ms per worker (n = ${n}; first worker in process: ${fmt(first.totalMs)} ms)`,
    ['phase', 'p50', 'p99', 'max', 'mean'],
    [
      ['start()', fmt(start.p50), fmt(start.p99), fmt(start.max), fmt(start.mean)],
      ['first fetch', fmt(fetch.p50), fmt(fetch.p99), fmt(fetch.max), fmt(fetch.mean)],
      ['total', fmt(total.p50), fmt(total.p99), fmt(total.max), fmt(total.mean)],
    ]);
  console.log(`target: p50 <= ${TARGET_P50_MS} ms -> ${total.p50 <= TARGET_P50_MS ? 'met' : 'MISSED'} (${fmt(n / wallS, 0)} cold starts/s)`);

  return {
    name: 'cold-start',
    figures: { n, p50Ms: total.p50, p99Ms: total.p99, maxMs: total.max, meanMs: total.mean, startP50Ms: start.p50, fetchP50Ms: fetch.p50, firstMs: first.totalMs, perSecond: n / wallS },
    summary: [
      { metric: 'cold start p50', value: `${fmt(total.p50)} ms`, target: `<= ${TARGET_P50_MS} ms`, met: total.p50 <= TARGET_P50_MS ? 'yes' : 'NO' },
      { metric: 'cold start p99', value: `${fmt(total.p99)} ms` },
    ],
  };
}

if (isMain(import.meta.url)) await run();
