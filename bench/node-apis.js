// Node API throughput inside a worker: MB/s of crypto.createHash('sha256').update(buf).digest()
// over 64 KiB buffers, and of Buffer operations (Buffer.from(string, 'utf8'), toString('base64'),
// Buffer.from(string, 'base64'), Buffer.concat), each run in one request (after a warm-up request)
// and timed from the host around it, against the same code run in plain Node in the same process.
// BENCH_NODE_APIS_MB (default 64) MiB per operation.
import { Worker } from '../src/runtime/worker.js';
import { envNumber, fetchText, fmt, isMain, moduleBundle, printTable } from './lib/common.js';

const CHUNK = 64 * 1024;

// The measured code, the same text in the worker and in Node: runs `op` over `mb` MiB and returns
// { n, bytes, sink }. Time does not advance inside a worker while its code runs (as on Workers),
// so the worker's runs are timed from the host around one request each.
const MEASURE = `function measure(op, mb, createHash, Buffer) {
  const n = Math.max(1, Math.round((mb * 1024 * 1024) / ${CHUNK}));
  const buf = Buffer.alloc(${CHUNK});
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 31 + 7) & 0xff;
  const text = 'héllo wörld, ünïcode € '.repeat(Math.ceil(${CHUNK} / 26)).slice(0, ${CHUNK} / 2);
  const b64 = buf.toString('base64');
  const parts = Array.from({ length: 16 }, (_, i) => buf.subarray(i * ${CHUNK / 16}, (i + 1) * ${CHUNK / 16}));
  let sink = 0;
  if (op === 'sha256') for (let i = 0; i < n; i++) sink += createHash('sha256').update(buf).digest()[0];
  else if (op === 'fromUtf8') for (let i = 0; i < n; i++) sink += Buffer.from(text, 'utf8').length;
  else if (op === 'toBase64') for (let i = 0; i < n; i++) sink += buf.toString('base64').length;
  else if (op === 'fromBase64') for (let i = 0; i < n; i++) sink += Buffer.from(b64, 'base64').length;
  else if (op === 'concat') for (let i = 0; i < n; i++) sink += Buffer.concat(parts).length;
  else throw new Error('unknown op ' + op);
  return { n, bytes: n * (op === 'fromUtf8' ? Buffer.byteLength(text, 'utf8') : ${CHUNK}), sink };
}`;

const WORKER = `import { createHash } from 'node:crypto';
import { Buffer } from 'node:buffer';
${MEASURE}
export default {
  fetch(request) {
    const params = new URL(request.url).searchParams;
    return Response.json(measure(params.get('op'), Number(params.get('mb')), createHash, Buffer));
  },
};`;

const OPS = [
  ['sha256', "createHash('sha256').update(64 KiB).digest()"],
  ['fromUtf8', "Buffer.from(string, 'utf8')"],
  ['toBase64', "buf.toString('base64') (64 KiB)"],
  ['fromBase64', "Buffer.from(base64, 'base64') (64 KiB)"],
  ['concat', 'Buffer.concat(16 × 4 KiB)'],
];

export async function run() {
  const mb = envNumber('BENCH_NODE_APIS_MB', 64);
  const worker = new Worker({ name: 'node-apis', bundle: moduleBundle(WORKER), limits: { cpuMs: 600_000 }, log: () => {} }).start();
  const timed = async (fn) => {
    const started = performance.now();
    const result = await fn();
    return { ...result, ms: performance.now() - started };
  };
  const inWorker = {};
  try {
    for (const [op] of OPS) {
      await fetchText(worker, `/?op=${op}&mb=2`); // warm-up
      inWorker[op] = await timed(async () => JSON.parse(await fetchText(worker, `/?op=${op}&mb=${mb}`)));
    }
  } finally {
    worker.dispose();
  }
  const { createHash } = await import('node:crypto');
  const measure = new Function(`return (${MEASURE})`)();
  const inNode = {};
  for (const [op] of OPS) {
    measure(op, 2, createHash, Buffer); // warm-up
    inNode[op] = await timed(() => measure(op, mb, createHash, Buffer));
  }
  const mbps = (r) => r.bytes / (1024 * 1024) / (r.ms / 1000);
  const figures = Object.fromEntries(OPS.map(([op]) => [op, { workerMBps: mbps(inWorker[op]), nodeMBps: mbps(inNode[op]), ratio: mbps(inWorker[op]) / mbps(inNode[op]) }]));
  const n = inNode.sha256.n;
  console.log(`node-apis: ${mb} MiB per operation (${n} iterations of 64 KiB), worker timed around one request per operation`);
  printTable('node-apis: MiB/s', ['operation', 'worker (Outpost)', 'Node', 'worker / Node'],
    OPS.map(([op, label]) => [label, fmt(figures[op].workerMBps, 0), fmt(figures[op].nodeMBps, 0), `${fmt(figures[op].ratio)}x`]));
  return {
    name: 'node-apis',
    figures: { mb, ...figures },
    summary: OPS.flatMap(([op]) => [
      { metric: `${op} MiB/s (worker)`, value: fmt(figures[op].workerMBps, 0) },
      { metric: `${op} worker / Node`, value: `${fmt(figures[op].ratio)}x` },
    ]),
  };
}

if (isMain(import.meta.url)) await run();
