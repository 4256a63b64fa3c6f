// Calls between workers, in one process: a caller worker with a service binding (RPC to a
// WorkerEntrypoint of a second worker) and a Durable Object binding (objects of that second
// worker), both in-process `Worker`s wired with `services`, timed from the host.
//  1. Service-binding RPC: a loop of BENCH_RPC_CALLS (default 5000) sequential
//     `await env.SVC.add(i, 1)` in one caller request (calls/s, µs per call; the median of 3
//     requests), and the same with a callback, `await env.SVC.callBack((x) => x + 1, i)` (the
//     function crosses as a stub, called back into the caller, then released); then p50/p99 of BENCH_RPC_CALLS single calls, one `worker.fetch` per call
//     making one RPC, against the same caller's fetch making a direct function call instead (the
//     peer: a direct function call in one worker). The single calls of all variants (this one
//     and those of 2.) are interleaved, one of each per round, after 500 rounds of warm-up.
//  2. Durable Object round trips: `stub.fetch()` (body read) and RPC `stub.increment()` to one
//     object, single calls (p50/p99) and a loop in one request (calls/s), against the
//     service-binding RPC figures.
//  3. Durable Object storage: BENCH_RPC_STORAGE_OPS (default 1000) sequential
//     `await this.ctx.storage.put(k, v)`, then as many `get`s, inside the object (ops/s; the
//     median of 5 requests, less the median of the same request with an empty loop), against
//     node:sqlite inserts and selects on a table of the same shape with the same WAL settings:
//     one commit per insert (autocommit), and all inserts in one transaction (how Outpost
//     commits a turn's writes).
// WebSocket messages through an object are measured by websocket-do.js.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { Worker } from '../src/runtime/worker.js';
import { envNumber, fetchText, fmt, isMain, latencyStats, median, moduleBundle, peerDatabase, printTable, workerRequest } from './lib/common.js';

const WARMUP = 500;
const STORAGE_REPEATS = 5;
const LOOP_REPEATS = 3;
const VALUE = 'v'.repeat(100);

// The callee: an RPC entrypoint (default export) and the object class.
const BACKEND = `import { WorkerEntrypoint, DurableObject } from 'cloudflare:workers';
export default class Backend extends WorkerEntrypoint {
  add(a, b) { return a + b; }
  callBack(fn, x) { return fn(x); }
}
export class Counter extends DurableObject {
  count = 0;
  async fetch(request) { this.count++; return new Response(String(this.count)); }
  increment() { this.count++; return this.count; }
  async put(n, prefix) {
    const storage = this.ctx.storage;
    for (let i = 0; i < n; i++) await storage.put(prefix + i, ${JSON.stringify(VALUE)});
    return n;
  }
  async get(n, prefix) {
    const storage = this.ctx.storage;
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += (await storage.get(prefix + i)).length;
    return bytes;
  }
}`;

// The caller: one path per measurement.
const CALLER = `function add(a, b) { return a + b; }
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n') ?? 1);
    const stub = env.OBJ.getByName('bench');
    switch (url.pathname) {
      case '/rpc': return new Response(String(await env.SVC.add(n, 1)));
      case '/direct': return new Response(String(await add(n, 1)));
      case '/do-fetch': return new Response(await (await stub.fetch('https://object/')).text());
      case '/do-rpc': return new Response(String(await stub.increment()));
      case '/rpc-loop': {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += await env.SVC.add(i, 1);
        return new Response(String(sum));
      }
      case '/rpc-callback-loop': {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += await env.SVC.callBack((x) => x + 1, i);
        return new Response(String(sum));
      }
      case '/do-fetch-loop': {
        let last = 0;
        for (let i = 0; i < n; i++) last = Number(await (await stub.fetch('https://object/')).text());
        return new Response(String(last));
      }
      case '/do-rpc-loop': {
        let last = 0;
        for (let i = 0; i < n; i++) last = await stub.increment();
        return new Response(String(last));
      }
      case '/do-put': return new Response(String(await stub.put(n, 'k')));
      case '/do-get': return new Response(String(await stub.get(n, 'k')));
      default: return new Response('not found', { status: 404 });
    }
  },
};`;

async function timeOne(worker, req) {
  const started = performance.now();
  const text = await fetchText(worker, req);
  return { ms: performance.now() - started, text };
}

async function timeWorkers(dir, n, storageOps) {
  const limits = { subrequests: Math.max(n, storageOps * 2, WARMUP) + 1000 };
  const backend = new Worker({ name: 'backend', bundle: moduleBundle(BACKEND), limits, stateDir: dir, log: () => {} }).start();
  const caller = new Worker({
    name: 'caller',
    bundle: moduleBundle(CALLER),
    env: {
      bindings: {
        SVC: { type: 'service', service: 'backend', entrypoint: null },
        OBJ: { type: 'durable-object', className: 'Counter', scriptName: 'backend' },
      },
    },
    // RPC and object calls count against the invocation's API request limit in loops of n.
    limits,
    stateDir: dir,
    services: (name) => (name === 'backend' ? backend : null),
    log: () => {},
  }).start();
  try {
    const expectNumber = (expected) => (text) => {
      if (text !== String(expected)) throw new Error(`expected ${expected}, got ${text.slice(0, 200)}`);
    };
    // The four variants are interleaved (one call of each per round), so that noise from the
    // machine and from the garbage collector falls on all of them alike.
    const variants = [
      ['direct', '/direct?n=41', expectNumber(42)],
      ['rpc', '/rpc?n=41', expectNumber(42)],
      ['doRpc', '/do-rpc', () => {}],
      ['doFetch', '/do-fetch', () => {}],
    ].map(([key, pathname, check]) => ({ key, req: workerRequest(pathname), check, latencies: new Float64Array(n) }));
    for (let i = 0; i < WARMUP; i++) {
      for (const v of variants) v.check(await fetchText(caller, v.req));
    }
    for (let i = 0; i < n; i++) {
      for (const v of variants) {
        const started = performance.now();
        const text = await fetchText(caller, v.req);
        v.latencies[i] = performance.now() - started;
        v.check(text);
      }
    }
    const single = Object.fromEntries(variants.map((v) => [v.key, latencyStats(v.latencies)]));

    // Loops: the median of LOOP_REPEATS requests.
    const loops = {};
    const loopSum = (n * (n + 1)) / 2;
    for (const [key, pathname] of [['rpc', '/rpc-loop'], ['rpcCallback', '/rpc-callback-loop'], ['doRpc', '/do-rpc-loop'], ['doFetch', '/do-fetch-loop']]) {
      await fetchText(caller, workerRequest(`${pathname}?n=${WARMUP}`));
      const runs = [];
      for (let r = 0; r < LOOP_REPEATS; r++) {
        const { ms, text } = await timeOne(caller, workerRequest(`${pathname}?n=${n}`));
        if (key.startsWith('rpc') && Number(text) !== loopSum) throw new Error(`the RPC loop summed ${text}, expected ${loopSum}`);
        runs.push(ms);
      }
      const ms = median(runs);
      loops[key] = { ms, cps: n / (ms / 1000), msPerCall: ms / n };
    }

    // Storage: median of STORAGE_REPEATS requests, less the median of the same request with no
    // operation (caller fetch + one RPC to the object).
    const storage = {};
    for (const op of ['put', 'get']) {
      const expected = op === 'put' ? storageOps : storageOps * VALUE.length;
      await fetchText(caller, workerRequest(`/do-${op}?n=${storageOps}`));
      const full = [];
      const empty = [];
      for (let r = 0; r < STORAGE_REPEATS; r++) {
        const { ms, text } = await timeOne(caller, workerRequest(`/do-${op}?n=${storageOps}`));
        if (Number(text) !== expected) throw new Error(`storage ${op} returned ${text}, expected ${expected}`);
        full.push(ms);
        empty.push((await timeOne(caller, workerRequest(`/do-${op}?n=0`))).ms);
      }
      const ms = Math.max(median(full) - median(empty), 1e-6);
      storage[op] = { ms, overheadMs: median(empty), ops: storageOps / (ms / 1000) };
    }
    return { single, loops, storage };
  } finally {
    caller.dispose();
    backend.dispose();
  }
}

// node:sqlite with the store's settings and the key-value table's shape: inserts of the same
// serialized value, one commit each and all in one transaction, then point selects.
function timeNode(dir, n) {
  const db = peerDatabase(dir);
  try {
    db.exec('CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID');
    const put = db.prepare('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)');
    const get = db.prepare('SELECT value FROM kv WHERE key = ?');
    const serialize = (value) => {
      const s = new v8.Serializer();
      s.writeHeader();
      s.writeValue(value);
      return s.releaseBuffer();
    };
    const deserialize = (bytes) => {
      const d = new v8.Deserializer(bytes);
      d.readHeader();
      return d.readValue();
    };
    const autocommit = () => {
      for (let i = 0; i < n; i++) put.run(`k${i}`, serialize(VALUE));
    };
    const oneTransaction = () => {
      db.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < n; i++) put.run(`k${i}`, serialize(VALUE));
      db.exec('COMMIT');
    };
    const select = () => {
      let bytes = 0;
      for (let i = 0; i < n; i++) bytes += deserialize(get.get(`k${i}`).value).length;
      if (bytes !== n * VALUE.length) throw new Error('the peer read the wrong values');
    };
    const time = (fn) => {
      fn(); // warm-up
      const runs = [];
      for (let r = 0; r < STORAGE_REPEATS; r++) {
        const started = performance.now();
        fn();
        runs.push(performance.now() - started);
      }
      const ms = median(runs);
      return { ms, ops: n / (ms / 1000) };
    };
    return { autocommit: time(autocommit), oneTransaction: time(oneTransaction), select: time(select) };
  } finally {
    db.close();
  }
}

export async function run() {
  const n = envNumber('BENCH_RPC_CALLS', 5000);
  const storageOps = envNumber('BENCH_RPC_STORAGE_OPS', 1000);
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-rpc-'));
  try {
    const { single, loops, storage } = await timeWorkers(dir, n, storageOps);
    const node = timeNode(dir, storageOps);
    const us = (ms) => fmt(ms * 1000, 1);
    const ratio = (a, b) => `${fmt(a / b, a / b < 1 ? 2 : 1)}x`;
    console.log(`rpc: two in-process workers (caller → backend); ${n} calls per measurement (single calls interleaved, after ${WARMUP} warm-up rounds; loops: median of ${LOOP_REPEATS}); storage: ${storageOps} operations, median of ${STORAGE_REPEATS}`);

    printTable(`rpc: ${n} sequential calls in one caller request (timed from the host around the request)`,
      ['', 'calls/s', 'µs per call', 'calls/s / service RPC'], [
        ['service binding RPC: await env.SVC.add(i, 1)', fmt(loops.rpc.cps, 0), us(loops.rpc.msPerCall), ''],
        ['with a callback: await env.SVC.callBack((x) => x + 1, i)', fmt(loops.rpcCallback.cps, 0), us(loops.rpcCallback.msPerCall), ratio(loops.rpcCallback.cps, loops.rpc.cps)],
        ['Durable Object RPC: await stub.increment()', fmt(loops.doRpc.cps, 0), us(loops.doRpc.msPerCall), ratio(loops.doRpc.cps, loops.rpc.cps)],
        ['Durable Object fetch: await stub.fetch() + text()', fmt(loops.doFetch.cps, 0), us(loops.doFetch.msPerCall), ratio(loops.doFetch.cps, loops.rpc.cps)],
      ]);

    printTable('rpc: single calls, one worker.fetch per call, timed per call from the host',
      ['', 'p50 µs', 'p99 µs', 'calls/s', 'p50 / direct', 'p50 / service RPC'], [
        ['direct function call in one worker (peer)', us(single.direct.p50), us(single.direct.p99), fmt(single.direct.perSecond, 0), '1.0x', ''],
        ['service binding RPC', us(single.rpc.p50), us(single.rpc.p99), fmt(single.rpc.perSecond, 0), ratio(single.rpc.p50, single.direct.p50), '1.0x'],
        ['Durable Object RPC (stub.increment())', us(single.doRpc.p50), us(single.doRpc.p99), fmt(single.doRpc.perSecond, 0), ratio(single.doRpc.p50, single.direct.p50), ratio(single.doRpc.p50, single.rpc.p50)],
        ['Durable Object fetch (stub.fetch())', us(single.doFetch.p50), us(single.doFetch.p99), fmt(single.doFetch.perSecond, 0), ratio(single.doFetch.p50, single.direct.p50), ratio(single.doFetch.p50, single.rpc.p50)],
        ['service RPC minus direct (p50, p99 differences)', us(single.rpc.p50 - single.direct.p50), us(single.rpc.p99 - single.direct.p99), '', '', ''],
      ]);

    printTable(`rpc: Durable Object storage, ${storageOps} sequential awaited operations inside the object (ops/s)`,
      ['', 'worker (Outpost)', 'node:sqlite', 'worker / node:sqlite'], [
        ['put vs INSERT, one commit each', fmt(storage.put.ops, 0), fmt(node.autocommit.ops, 0), ratio(storage.put.ops, node.autocommit.ops)],
        ['put vs INSERT, one transaction', fmt(storage.put.ops, 0), fmt(node.oneTransaction.ops, 0), ratio(storage.put.ops, node.oneTransaction.ops)],
        ['get vs SELECT', fmt(storage.get.ops, 0), fmt(node.select.ops, 0), ratio(storage.get.ops, node.select.ops)],
      ]);
    console.log(`(request overhead subtracted from the worker figures: put ${us(storage.put.overheadMs)} µs, get ${us(storage.get.overheadMs)} µs;`);
    console.log(' Outpost commits the writes of a turn in one transaction: the loop of puts is one commit, as in the second row; values V8-serialized on both sides.)');

    return {
      name: 'rpc',
      figures: { n, storageOps, single, loops, storage, node },
      summary: [
        { metric: 'service RPC calls/s (loop in one request)', value: fmt(loops.rpc.cps, 0) },
        { metric: 'service RPC µs per call (loop)', value: `${us(loops.rpc.msPerCall)} µs` },
        { metric: 'single RPC p50 / direct call p50', value: ratio(single.rpc.p50, single.direct.p50) },
        { metric: 'single RPC p99 / direct call p99', value: ratio(single.rpc.p99, single.direct.p99) },
        { metric: 'DO RPC p50 / service RPC p50', value: ratio(single.doRpc.p50, single.rpc.p50) },
        { metric: 'DO fetch p50 / service RPC p50', value: ratio(single.doFetch.p50, single.rpc.p50) },
        { metric: 'DO storage put ops/s', value: fmt(storage.put.ops, 0) },
        { metric: 'DO put / node:sqlite INSERT, one commit each', value: ratio(storage.put.ops, node.autocommit.ops) },
        { metric: 'DO put / node:sqlite INSERT, one transaction', value: ratio(storage.put.ops, node.oneTransaction.ops) },
        { metric: 'DO storage get ops/s', value: fmt(storage.get.ops, 0) },
        { metric: 'DO get / node:sqlite SELECT', value: ratio(storage.get.ops, node.select.ops) },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await run();
