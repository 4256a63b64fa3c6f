// Resident memory per idle worker: RSS of a fresh process (--expose-gc) after one warm-up worker,
// then BENCH_IDLE_N (default 1000) distinct workers started and each having served one request,
// all kept alive. Reports (RSS after - RSS before) / N and the isolates' own heap sizes.
// The measuring runs in a child process so that nothing else lives in its heap.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { GET_REQUEST, envNumber, fmt, isMain, lastJson, moduleBundle, printTable, readBody, runChild } from './lib/common.js';

const TARGET_MIB = 2;
const MIB = 1024 * 1024;

function source(i) {
  return `const GREETING = "Hello World! #${i}";\nexport default { fetch() { return new Response(GREETING) } }\n`;
}

async function collect() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(50);
  }
}

// In the child: load N workers and print the figures as JSON.
async function measure(n) {
  const { Worker } = await import('../src/runtime/worker.js');
  const make = async (i) => {
    const worker = new Worker({ name: `idle-${i}`, bundle: moduleBundle(source(i)), env: { vars: {}, secrets: {} }, limits: {}, log: () => {} }).start();
    const res = await worker.fetch(GET_REQUEST);
    await readBody(res.body);
    if (res.status !== 200) throw new Error(`worker ${i} answered ${res.status}`);
    return worker;
  };
  (await make(-1)).dispose(); // builds the prelude and warms the code paths
  await collect();
  const before = process.memoryUsage();
  const began = performance.now();
  const workers = [];
  for (let i = 0; i < n; i++) workers.push(await make(i));
  const loadS = (performance.now() - began) / 1000;
  await collect();
  const after = process.memoryUsage();
  const heaps = { total: 0, used: 0, physical: 0, external: 0, malloced: 0 };
  for (const worker of workers) {
    const s = worker.heapStatistics();
    if (!s) continue;
    heaps.total += s.total_heap_size;
    heaps.used += s.used_heap_size;
    heaps.physical += s.total_physical_size;
    heaps.external += s.externally_allocated_size;
    heaps.malloced += s.malloced_memory;
  }
  console.log(JSON.stringify({ n, before, after, heaps, loadS, gcExposed: typeof globalThis.gc === 'function' }));
  process.exit(0); // the isolates are not disposed one by one: the process ends with them
}

export async function run() {
  const n = envNumber('BENCH_IDLE_N', 1000);
  console.log(`idle-memory: ${n} started workers that each served one request, measured in a child process with --expose-gc`);
  const { stdout } = await runChild(process.execPath, ['--no-node-snapshot', '--expose-gc', fileURLToPath(import.meta.url), '--child', String(n)], { timeoutMs: 180_000 });
  const r = lastJson(stdout);
  const perWorkerMiB = (r.after.rss - r.before.rss) / n / MIB;
  printTable(`idle-memory: ${n} idle workers (loaded in ${fmt(r.loadS, 1)} s, gc ${r.gcExposed ? 'forced' : 'NOT exposed'})`,
    ['figure', 'value'],
    [
      ['RSS before', `${fmt(r.before.rss / MIB, 1)} MiB`],
      ['RSS after', `${fmt(r.after.rss / MIB, 1)} MiB`],
      ['RSS per worker', `${fmt(perWorkerMiB)} MiB`],
      ['isolate heaps, total size (sum)', `${fmt(r.heaps.total / MIB, 1)} MiB`],
      ['isolate heaps, physical (sum)', `${fmt(r.heaps.physical / MIB, 1)} MiB`],
      ['isolate heaps, used (sum)', `${fmt(r.heaps.used / MIB, 1)} MiB`],
      ['isolate heap per worker (total)', `${fmt(r.heaps.total / n / MIB)} MiB`],
      ['host heap used before -> after', `${fmt(r.before.heapUsed / MIB, 1)} -> ${fmt(r.after.heapUsed / MIB, 1)} MiB`],
    ]);
  console.log(`target: <= ${TARGET_MIB} MiB per worker -> ${perWorkerMiB <= TARGET_MIB ? 'met' : 'MISSED'}`);
  return {
    name: 'idle-memory',
    figures: {
      n,
      rssBeforeMiB: r.before.rss / MIB,
      rssAfterMiB: r.after.rss / MIB,
      perWorkerMiB,
      isolateHeapTotalMiB: r.heaps.total / MIB,
      isolateHeapPhysicalMiB: r.heaps.physical / MIB,
      isolateHeapUsedMiB: r.heaps.used / MIB,
      loadSeconds: r.loadS,
      gcExposed: r.gcExposed,
    },
    summary: [
      { metric: 'RSS per idle worker', value: `${fmt(perWorkerMiB)} MiB`, target: `<= ${TARGET_MIB} MiB`, met: perWorkerMiB <= TARGET_MIB ? 'yes' : 'NO' },
      { metric: `isolate heaps (sum of ${n})`, value: `${fmt(r.heaps.total / MIB, 1)} MiB` },
    ],
  };
}

if (process.argv[2] === '--child') await measure(Number(process.argv[3]));
else if (isMain(import.meta.url)) await run();
