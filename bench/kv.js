// KV throughput: get and put operations per second from inside a worker (one request running a
// loop of awaited calls), against the same operations done directly on node:sqlite from Node in
// the same run (same table shape, same WAL settings). BENCH_KV_OPS (default 20000) per loop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from '../src/runtime/worker.js';
import { openKvStore } from '../src/storage/kv-store.js';
import { envNumber, fetchText, fmt, isMain, moduleBundle, peerDatabase, printTable } from './lib/common.js';

const KEYS = 10_000;
const VALUE = 'v'.repeat(100);

const WORKER = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n'));
    let bytes = 0;
    if (url.searchParams.get('op') === 'get') {
      for (let i = 0; i < n; i++) bytes += (await env.KV.get('key' + (i * 7919) % ${KEYS})).length;
    } else {
      for (let i = 0; i < n; i++) await env.KV.put('put' + (i % ${KEYS}), '${VALUE}');
    }
    return new Response(String(bytes));
  },
};`;

async function timeWorker(worker, op, n) {
  await fetchText(worker, `/?op=${op}&n=100`); // warm-up
  const started = performance.now();
  const body = await fetchText(worker, `/?op=${op}&n=${n}`);
  if (op === 'get' && Number(body) !== n * VALUE.length) throw new Error(`worker read ${body} bytes, expected ${n * VALUE.length}`);
  return performance.now() - started;
}

function timeNode(dir, n) {
  const db = peerDatabase(dir);
  db.exec('CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID');
  const put = db.prepare('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)');
  const get = db.prepare('SELECT value FROM kv WHERE key = ?');
  const value = Buffer.from(VALUE);
  db.exec('BEGIN');
  for (let i = 0; i < KEYS; i++) put.run(`key${i}`, value);
  db.exec('COMMIT');
  const decoder = new TextDecoder();
  let started = performance.now();
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += decoder.decode(get.get(`key${(i * 7919) % KEYS}`).value).length;
  const getMs = performance.now() - started;
  if (bytes !== n * VALUE.length) throw new Error('peer read the wrong values');
  started = performance.now();
  for (let i = 0; i < n; i++) put.run(`put${i % KEYS}`, Buffer.from(VALUE));
  const putMs = performance.now() - started;
  db.close();
  return { getMs, putMs };
}

export async function run() {
  const n = envNumber('BENCH_KV_OPS', 20_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-kv-'));
  try {
    openKvStore(dir).putMany('bench', Array.from({ length: KEYS }, (_, i) => ({ key: `key${i}`, value: Buffer.from(VALUE), expiration: null, metadata: null })));
    // One request makes n calls: the per-invocation limit on storage calls is raised to fit.
    const worker = new Worker({ name: 'kv', bundle: moduleBundle(WORKER), env: { bindings: { KV: { type: 'kv', namespaceId: 'bench' } } }, limits: { subrequests: n + 1000 }, stateDir: dir, log: () => {} }).start();
    let workerGetMs;
    let workerPutMs;
    try {
      workerGetMs = await timeWorker(worker, 'get', n);
      workerPutMs = await timeWorker(worker, 'put', n);
    } finally {
      worker.dispose();
    }
    const node = timeNode(dir, n);
    const opsPerSecond = (ms) => n / (ms / 1000);
    console.log(`kv: ${n} operations per loop, ${KEYS} keys of ${VALUE.length} bytes`);
    printTable('kv: operations per second', ['operation', 'worker (Outpost)', 'node:sqlite', 'worker / node:sqlite'], [
      ['get', fmt(opsPerSecond(workerGetMs), 0), fmt(opsPerSecond(node.getMs), 0), `${fmt(node.getMs / workerGetMs)}x`],
      ['put', fmt(opsPerSecond(workerPutMs), 0), fmt(opsPerSecond(node.putMs), 0), `${fmt(node.putMs / workerPutMs)}x`],
    ]);
    return {
      name: 'kv',
      figures: { n, workerGetMs, workerPutMs, ...node },
      summary: [
        { metric: 'get ops/s (worker)', value: fmt(opsPerSecond(workerGetMs), 0) },
        { metric: 'get worker / node:sqlite', value: `${fmt(node.getMs / workerGetMs)}x` },
        { metric: 'put ops/s (worker)', value: fmt(opsPerSecond(workerPutMs), 0) },
        { metric: 'put worker / node:sqlite', value: `${fmt(node.putMs / workerPutMs)}x` },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await run();
