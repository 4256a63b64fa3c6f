// Limits are enforced per worker: going over one fails that request (and recycles that worker's
// isolate) with the error Workers users know, and nothing else is disturbed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { startWorker } from '../helpers/worker.js';

const COUNTER = `let hits = 0;`;

test('a CPU-bound loop over cpu_ms gets 503 and only that isolate is recycled', async () => {
  const busy = await startWorker(`${COUNTER}
export default { fetch(request) {
  hits++;
  if (new URL(request.url).pathname === '/spin') { for (;;) {} }
  return new Response('hits=' + hits);
} };`, { limits: { cpuMs: 100 } });
  const bystander = await startWorker(`${COUNTER} export default { fetch() { hits++; return new Response('hits=' + hits); } };`);
  try {
    assert.equal(await (await bystander.fetch('/')).text(), 'hits=1');
    assert.equal(await (await busy.fetch('/')).text(), 'hits=1');
    const res = await busy.fetch('/spin');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /Worker exceeded CPU time limit/);
    // The isolate was replaced: module state starts again.
    assert.equal(await (await busy.fetch('/')).text(), 'hits=1');
    assert.equal(busy.worker.restarts, 1);
    assert.equal(await (await bystander.fetch('/')).text(), 'hits=2');
    assert.ok(busy.logs.some((l) => l.level === 'error' && /CPU time limit/.test(l.message)));
  } finally {
    await busy.dispose();
    await bystander.dispose();
  }
});

// The first turns of a new isolate are bounded by isolated-vm's own timeout; later ones by the
// watchdog thread. Both must stop a loop.
test('a loop in the very first request of a new worker is stopped too', async () => {
  const w = await startWorker(`export default { fetch() { for (;;) {} } };`, { limits: { cpuMs: 100 } });
  try {
    const res = await w.fetch('/');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /Worker exceeded CPU time limit/);
  } finally {
    await w.dispose();
  }
});

test('CPU spent across many turns adds up to the limit', async () => {
  const w = await startWorker(`export default { async fetch() {
    let x = 0;
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 1e7; j++) x += j % 7;   // several ms of CPU each turn
      await new Promise((r) => setTimeout(r, 0));
    }
    return new Response('finished');
  } };`, { limits: { cpuMs: 50 } });
  try {
    const res = await w.fetch('/');
    // No single turn comes near 50 ms, so only the sum can have crossed the limit.
    assert.equal(res.status, 503);
    assert.match(await res.text(), /CPU time limit/);
  } finally {
    await w.dispose();
  }
});

test('allocating without end kills only that isolate; the request gets 503', async () => {
  const hog = await startWorker(`export default { fetch(request) {
    if (new URL(request.url).pathname === '/hog') { const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random())); }
    return new Response('fine');
  } };`, { limits: { memoryMb: 32 } });
  const bystander = await startWorker(`let n = 0; export default { fetch() { return new Response(String(++n)); } };`);
  try {
    assert.equal(await (await bystander.fetch('/')).text(), '1');
    const res = await hog.fetch('/hog');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /memory limit/);
    assert.equal(await (await hog.fetch('/')).text(), 'fine');
    assert.equal(await (await bystander.fetch('/')).text(), '2');
  } finally {
    await hog.dispose();
    await bystander.dispose();
  }
});

test('the subrequest after the limit throws "Too many subrequests."', async () => {
  const upstream = http.createServer((req, res) => res.end('up'));
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const target = `http://127.0.0.1:${upstream.address().port}/`;
  const w = await startWorker(`export default { async fetch() {
    const results = [];
    for (let i = 0; i < 4; i++) {
      try { results.push(await (await fetch(${JSON.stringify(target)})).text()); }
      catch (e) { results.push(e.constructor.name + ': ' + e.message); }
    }
    return Response.json(results);
  } };`, { limits: { subrequests: 3 } });
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), ['up', 'up', 'up', 'Error: Too many subrequests.']);
    // The count is per invocation.
    assert.deepEqual(await (await w.fetch('/')).json(), ['up', 'up', 'up', 'Error: Too many subrequests.']);
  } finally {
    await w.dispose();
    upstream.close();
  }
});

test('global scope that runs too long fails to start with a clear error', async () => {
  await assert.rejects(
    startWorker(`for (;;) {} export default { fetch() { return new Response('never'); } };`),
    (err) => err.kind === 'startup' && /startup exceeded CPU time limit/.test(err.message),
  );
});

test('I/O at global scope is refused as in Workers', async () => {
  await assert.rejects(
    startWorker(`setTimeout(() => {}, 10); export default { fetch() { return new Response('x'); } };`),
    (err) => err.kind === 'startup' && /Disallowed operation called within global scope/.test(err.message),
  );
});

test('Date.now() does not advance during computation, only across I/O', async () => {
  const w = await startWorker(`export default { async fetch() {
    const t0 = Date.now(), p0 = performance.now();
    let x = 0; for (let i = 0; i < 3e7; i++) x += i;
    const t1 = Date.now(), p1 = performance.now();
    await new Promise((r) => setTimeout(r, 20));
    const t2 = Date.now();
    return Response.json({ same: t1 - t0, samePerf: p1 - p0, advanced: t2 - t0, dateObj: new Date().getTime() === t2 });
  } };`);
  try {
    const out = await (await w.fetch('/')).json();
    assert.equal(out.same, 0);
    assert.equal(out.samePerf, 0);
    assert.ok(out.advanced >= 20, `advanced ${out.advanced}`);
    assert.equal(out.dateObj, true);
  } finally {
    await w.dispose();
  }
});
