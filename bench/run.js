// Runs the benchmarks (all, or those named on the command line) and prints a summary.
//   node --no-node-snapshot bench/run.js [http-hello] [cold-start] [idle-memory] [streaming] [kv] [r2] [d1] [queues] [rpc] [node-apis] [serve] [websocket-do]
import { fmt, printTable } from './lib/common.js';

const BENCHMARKS = {
  'http-hello': () => import('./http-hello.js'),
  'cold-start': () => import('./cold-start.js'),
  'idle-memory': () => import('./idle-memory.js'),
  streaming: () => import('./streaming.js'),
  kv: () => import('./kv.js'),
  r2: () => import('./r2.js'),
  d1: () => import('./d1.js'),
  queues: () => import('./queues.js'),
  rpc: () => import('./rpc.js'),
  'node-apis': () => import('./node-apis.js'),
  serve: () => import('./serve.js'),
  'websocket-do': () => import('./websocket-do.js'),
};

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in BENCHMARKS));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}

const selected = names.length ? names : Object.keys(BENCHMARKS);
const results = [];
let failed = false;
const began = performance.now();
for (const name of selected) {
  console.log(`\n=== ${name} ===`);
  try {
    const { run } = await BENCHMARKS[name]();
    results.push(await run());
  } catch (err) {
    failed = true;
    console.error(`${name} failed: ${err.stack ?? err}`);
    results.push({ name, summary: [{ metric: 'error', value: String(err.message ?? err).split('\n')[0] }] });
  }
}

console.log(`\n=== summary (${fmt((performance.now() - began) / 1000, 0)} s, Node ${process.version}) ===`);
printTable('', ['benchmark', 'metric', 'value', 'target', 'met'],
  results.flatMap(({ name, summary }) => summary.map((s) => [name, s.metric, s.value, s.target ?? '', s.met ?? ''])));

// Targets missed are reported, not failed: only a benchmark that could not run fails the run.
process.exitCode = failed ? 1 : 0;
