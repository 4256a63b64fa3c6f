// D1 point-select latency: `env.DB.prepare('SELECT * FROM users WHERE id = ?').bind(id).first()`
// in a worker whose fetch runs that one query for the id in the request URL, on a table of 1e5
// rows; BENCH_D1_QUERIES (default 20000) `worker.fetch` calls timed one by one from the host
// (request in, body read) give p50 / p99 and queries/s. Against the same prepared SELECT on the
// same table in a separate node:sqlite file (same WAL settings), timed per call in the same run.
// A second row runs the query in a loop of BENCH_D1_QUERIES inside one worker request
// (throughput), against the same loop on node:sqlite. For reference, the same worker's fetch
// without a query is timed too: what a request costs before D1 is reached. The worker's API
// request limit ([limits] subrequests, 1000 by default) is raised so that the loop may run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from '../src/runtime/worker.js';
import { envNumber, fetchText, fmt, isMain, latencyStats, moduleBundle, peerDatabase, printTable, workerRequest } from './lib/common.js';

const ROWS = 100_000;
const WARMUP = 2000;
const SELECT = 'SELECT * FROM users WHERE id = ?';
const CREATE = 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)';
// All rows in one statement.
const INSERT = `INSERT INTO users (id, name, email)
  WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
  SELECT i, 'user ' || i, 'user' || i || '@example.com' FROM seq`;

// The i-th id asked for: spread over the table, the same sequence everywhere.
const idOf = (i) => ((i * 7919) % ROWS) + 1;

const WORKER = `const idOf = ${idOf.toString().replace('ROWS', String(ROWS))};
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/user': {
        const user = await env.DB.prepare(${JSON.stringify(SELECT)}).bind(Number(url.searchParams.get('id'))).first();
        return new Response(user === null ? 'null' : user.email);
      }
      case '/loop': {
        const n = Number(url.searchParams.get('n'));
        let found = 0;
        for (let i = 0; i < n; i++) {
          const user = await env.DB.prepare(${JSON.stringify(SELECT)}).bind(idOf(i)).first();
          if (user !== null && user.id === idOf(i)) found++;
        }
        return new Response(String(found));
      }
      case '/setup': {
        await env.DB.prepare(${JSON.stringify(CREATE)}).run();
        const { meta } = await env.DB.prepare(${JSON.stringify(INSERT)}).bind(${ROWS}).run();
        return new Response(String(meta.changes));
      }
      default:
        return new Response('ok');
    }
  },
};`;

// Per-call latencies (ms) of `n` worker.fetch calls built by `requestFor(i)`, each checked.
async function timeCalls(worker, n, requestFor, check) {
  const latencies = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const req = requestFor(i);
    const started = performance.now();
    const text = await fetchText(worker, req);
    latencies[i] = performance.now() - started;
    check(text, i);
  }
  return latencies;
}

const emailOf = (id) => `user${id}@example.com`;

function checkUser(text, i) {
  if (text !== emailOf(idOf(i))) throw new Error(`row ${idOf(i)}: got ${text.slice(0, 200)}`);
}

async function timeWorker(dir, n) {
  const worker = new Worker({
    name: 'd1',
    bundle: moduleBundle(WORKER),
    env: { bindings: { DB: { type: 'd1', databaseId: 'bench', databaseName: 'bench' } } },
    // Each D1 call counts as an API request, 1000 per invocation by default ([limits]
    // subrequests): the loop needs n of them in one request.
    limits: { subrequests: Math.max(n, WARMUP) + 10 },
    stateDir: dir,
    log: () => {},
  }).start();
  try {
    let started = performance.now();
    const inserted = Number(await fetchText(worker, '/setup'));
    const setupMs = performance.now() - started;
    if (inserted !== ROWS) throw new Error(`setup inserted ${inserted} rows, expected ${ROWS}`);

    const userRequest = (i) => workerRequest(`/user?id=${idOf(i)}`);
    await timeCalls(worker, WARMUP, userRequest, checkUser);
    const point = latencyStats(await timeCalls(worker, n, userRequest, checkUser));

    const plain = workerRequest('/');
    await timeCalls(worker, WARMUP, () => plain, () => {});
    const bare = latencyStats(await timeCalls(worker, n, () => plain, () => {}));

    await fetchText(worker, `/loop?n=${WARMUP}`);
    started = performance.now();
    const found = Number(await fetchText(worker, `/loop?n=${n}`));
    const loopMs = performance.now() - started;
    if (found !== n) throw new Error(`the loop found ${found} rows, expected ${n}`);
    return { setupMs, point, bare, loopQps: n / (loopMs / 1000) };
  } finally {
    worker.dispose();
  }
}

function timeNode(dir, n) {
  const db = peerDatabase(dir);
  try {
    db.exec(CREATE);
    let started = performance.now();
    const { changes } = db.prepare(INSERT).run(ROWS);
    const setupMs = performance.now() - started;
    if (changes !== ROWS) throw new Error(`peer inserted ${changes} rows`);
    const select = db.prepare(SELECT);
    const query = (i) => {
      const user = select.get(idOf(i));
      if (user?.email !== emailOf(idOf(i))) throw new Error(`peer row ${idOf(i)}: ${JSON.stringify(user)}`);
    };

    for (let i = 0; i < WARMUP; i++) query(i);
    const latencies = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      const user = select.get(idOf(i));
      latencies[i] = performance.now() - started;
      if (user?.email !== emailOf(idOf(i))) throw new Error(`peer row ${idOf(i)}: ${JSON.stringify(user)}`);
    }
    const point = latencyStats(latencies);

    started = performance.now();
    let found = 0;
    for (let i = 0; i < n; i++) {
      const user = select.get(idOf(i));
      if (user !== undefined && user.id === idOf(i)) found++;
    }
    const loopMs = performance.now() - started;
    if (found !== n) throw new Error(`the peer loop found ${found} rows`);
    return { setupMs, point, loopQps: n / (loopMs / 1000) };
  } finally {
    db.close();
  }
}

export async function run() {
  const n = envNumber('BENCH_D1_QUERIES', 20_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-d1-'));
  try {
    const worker = await timeWorker(dir, n);
    const node = timeNode(dir, n);
    const us = (ms) => fmt(ms * 1000, 1);
    const ratio = (a, b) => `${fmt(a / b, a / b < 1 ? 2 : 1)}x`;
    console.log(`d1: ${fmt(ROWS, 0)} rows (inserted in one statement: worker ${fmt(worker.setupMs, 0)} ms, node:sqlite ${fmt(node.setupMs, 0)} ms); ${n} queries after ${WARMUP} warm-up; ${SELECT}`);
    printTable('d1: point select, one worker.fetch per query, timed per call from the host (µs)',
      ['', 'p50 µs', 'p99 µs', 'queries/s'], [
        ['worker (Outpost D1)', us(worker.point.p50), us(worker.point.p99), fmt(worker.point.perSecond, 0)],
        ['node:sqlite', us(node.point.p50), us(node.point.p99), fmt(node.point.perSecond, 0)],
        ['worker / node:sqlite', ratio(worker.point.p50, node.point.p50), ratio(worker.point.p99, node.point.p99), ratio(worker.point.perSecond, node.point.perSecond)],
        ['(worker fetch, no query)', us(worker.bare.p50), us(worker.bare.p99), fmt(worker.bare.perSecond, 0)],
      ]);
    printTable(`d1: point select in a loop of ${n} (one worker request; node:sqlite loop)`,
      ['', 'queries/s', 'worker / node:sqlite'], [
        ['worker (Outpost D1)', fmt(worker.loopQps, 0), ratio(worker.loopQps, node.loopQps)],
        ['node:sqlite', fmt(node.loopQps, 0), ''],
      ]);
    return {
      name: 'd1',
      figures: { n, rows: ROWS, worker, node },
      summary: [
        { metric: 'point select p50 (worker.fetch)', value: `${us(worker.point.p50)} µs` },
        { metric: 'point select p99 (worker.fetch)', value: `${us(worker.point.p99)} µs` },
        { metric: 'p50 worker / node:sqlite', value: ratio(worker.point.p50, node.point.p50) },
        { metric: 'queries/s in one request', value: fmt(worker.loopQps, 0) },
        { metric: 'loop queries/s worker / node:sqlite', value: ratio(worker.loopQps, node.loopQps) },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await run();
