// Timers, console, crypto randomness and the other globals the runtime itself provides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../helpers/worker.js';

test('setTimeout, setInterval, clearTimeout, clearInterval and queueMicrotask', async () => {
  const w = await startWorker(`export default { async fetch() {
    const order = [];
    await new Promise((resolve) => {
      const cancelled = setTimeout(() => order.push('cancelled'), 10);
      clearTimeout(cancelled);
      let ticks = 0;
      const interval = setInterval(() => { order.push('tick' + ++ticks); if (ticks === 3) { clearInterval(interval); resolve(); } }, 5);
      setTimeout((a, b) => order.push('args ' + a + b), 1, 'x', 'y');
      queueMicrotask(() => order.push('micro'));
    });
    return Response.json({ order, id: typeof setTimeout(() => {}, 0) });
  } };`);
  try {
    const out = await (await w.fetch('/')).json();
    assert.deepEqual(out.order, ['micro', 'args xy', 'tick1', 'tick2', 'tick3']);
    assert.equal(out.id, 'number');
  } finally {
    await w.dispose();
  }
});

test('console methods reach the log with their level', async () => {
  const w = await startWorker(`export default { fetch() {
    console.log('plain', 1, { a: [1, 2] });
    console.info('info');
    console.warn('careful');
    console.error(new TypeError('bad thing'));
    console.debug('details');
    return new Response('ok');
  } };`);
  try {
    await (await w.fetch('/')).text();
    const byLevel = Object.fromEntries(w.logs.map((l) => [l.level, l.message]));
    assert.match(byLevel.log, /^plain 1 \{ a: \[ 1, 2 \] \}$/);
    assert.equal(byLevel.info, 'info');
    assert.equal(byLevel.warn, 'careful');
    assert.match(byLevel.error, /^TypeError: bad thing/);
    assert.equal(byLevel.debug, 'details');
  } finally {
    await w.dispose();
  }
});

test('crypto.getRandomValues and randomUUID', async () => {
  const w = await startWorker(`export default { fetch() {
    const a = crypto.getRandomValues(new Uint8Array(32));
    const b = crypto.getRandomValues(new Uint32Array(4));
    let quota, type;
    try { crypto.getRandomValues(new Uint8Array(65537)); } catch (e) { quota = e.name; }
    try { crypto.getRandomValues(new Float64Array(2)); } catch (e) { type = e.name; }
    const uuids = new Set(Array.from({ length: 100 }, () => crypto.randomUUID()));
    return Response.json({ nonZero: a.some((x) => x !== 0), same: a === crypto.getRandomValues(a), b: b.length, quota, type, uuids: [...uuids] });
  } };`);
  try {
    const out = await (await w.fetch('/')).json();
    assert.equal(out.nonZero, true);
    assert.equal(out.same, true);
    assert.equal(out.quota, 'QuotaExceededError');
    assert.equal(out.type, 'TypeMismatchError');
    assert.equal(out.uuids.length, 100);
    for (const id of out.uuids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  } finally {
    await w.dispose();
  }
});

test('navigator (global_navigator, enable_navigator_language), performance, self and structuredClone', async () => {
  const w = await startWorker(`export default { fetch() {
    const original = { d: new Date(0), m: new Map([[1, { deep: true }]]), bytes: new Uint8Array([1, 2]) };
    original.self = original;
    const copy = structuredClone(original);
    return Response.json({
      ua: navigator.userAgent, language: navigator.language, origin: performance.timeOrigin, perf: typeof performance.now(), self: self === globalThis,
      clone: [copy !== original, copy.self === copy, copy.d instanceof Date, copy.m.get(1).deep, copy.bytes[1]],
    });
  } };`);
  try {
    const out = await (await w.fetch('/')).json();
    assert.equal(out.ua, 'Cloudflare-Workers');
    assert.equal(out.language, 'en');
    assert.equal(out.perf, 'number');
    assert.equal(out.self, true);
    assert.deepEqual(out.clone, [true, true, true, true, 2]);
  } finally {
    await w.dispose();
  }
});
