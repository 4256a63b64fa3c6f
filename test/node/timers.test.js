// node:timers, node:timers/promises and the setImmediate/clearImmediate globals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNodeChecks, value, error } from './node-checks.js';
import { startWorker } from '../helpers/worker.js';

test('node:timers returns Timeout objects; the global timers keep returning numbers', async () => {
  const { results } = await runNodeChecks({
    imports: `import timers, { setTimeout as st, setInterval as si, clearTimeout as ct, clearInterval as ci, setImmediate as sim, promises } from 'node:timers'; import bare from 'timers'; import timersPromises from 'node:timers/promises';`,
    body: `
      await check('module', () => [bare === timers, timers.setTimeout === st, promises === timersPromises, typeof setTimeout(() => {}, 0), setImmediate === sim, typeof timers.active, typeof timers.unenroll]);
      await check('timeout', async () => {
        const fired = [];
        const t = st((a, b) => fired.push(a + b), 1, 'x', 'y');
        const shape = [t.constructor.name, t.hasRef(), t.unref() === t, t.hasRef(), t.ref().hasRef(), typeof +t, Number.isInteger(+t)];
        await new Promise((r) => setTimeout(r, 5));
        return [shape, fired];
      });
      await check('clear', async () => {
        let fired = 0;
        const a = st(() => fired++, 1); ct(a);
        const b = st(() => fired++, 1); clearTimeout(+b);
        const c = st(() => fired++, 1); c.close();
        const d = st(() => fired++, 1); d[Symbol.dispose]();
        await new Promise((r) => setTimeout(r, 5));
        return fired;
      });
      await check('interval', async () => { let n = 0; const i = si(() => { n++; if (n === 3) ci(i); }, 1); await new Promise((r) => setTimeout(r, 20)); return n; });
      await check('refresh', async () => { let fired = 0; const t = st(() => fired++, 10); await new Promise((r) => setTimeout(r, 5)); t.refresh(); await new Promise((r) => setTimeout(r, 7)); const early = fired; await new Promise((r) => setTimeout(r, 10)); return [early, fired]; });
      await check('badCallback', () => st('code', 1));
    `,
  });
  assert.deepEqual(value(results, 'module'), [true, true, true, 'number', true, 'function', 'function']);
  assert.deepEqual(value(results, 'timeout'), [['Timeout', true, true, false, true, 'number', true], ['xy']]);
  assert.equal(value(results, 'clear'), 0);
  assert.equal(value(results, 'interval'), 3);
  assert.deepEqual(value(results, 'refresh'), [0, 1]);
  assert.equal(error(results, 'badCallback').code, 'ERR_INVALID_ARG_TYPE');
});

test('setImmediate runs after the microtasks, batched, before later timers; clearImmediate cancels', async () => {
  const { results } = await runNodeChecks({
    body: `
      await check('order', async () => {
        const order = [];
        setImmediate((x) => { order.push('immediate ' + x); setImmediate(() => order.push('nested immediate')); }, 1);
        setImmediate(() => order.push('immediate 2'));
        const cancelled = setImmediate(() => order.push('cancelled'));
        clearImmediate(cancelled);
        queueMicrotask(() => order.push('microtask'));
        process.nextTick(() => order.push('tick'));
        await new Promise((r) => setTimeout(r, 10));
        return order;
      });
      await check('shape', () => { const i = setImmediate(() => {}); const r = [i.constructor.name, i.hasRef(), i.unref().hasRef(), typeof i[Symbol.dispose]]; clearImmediate(i); return r; });
      await check('badCallback', () => setImmediate(5));
    `,
  });
  assert.deepEqual(value(results, 'order'), ['microtask', 'tick', 'immediate 1', 'immediate 2', 'nested immediate']);
  assert.deepEqual(value(results, 'shape'), ['Immediate', true, false, 'function']);
  assert.equal(error(results, 'badCallback').code, 'ERR_INVALID_ARG_TYPE');
});

test('timers/promises: setTimeout, setImmediate, setInterval, scheduler.wait and AbortSignals', async () => {
  const { results } = await runNodeChecks({
    imports: `import { setTimeout as sleep, setImmediate as immediate, setInterval as every, scheduler } from 'node:timers/promises'; import bare from 'timers/promises';`,
    body: `
      await check('values', async () => { const t0 = Date.now(); const a = await sleep(10, 'slept'); const waited = Date.now() - t0; return [a, waited >= 10, await immediate('now'), await sleep(), bare.setTimeout === sleep]; });
      await check('interval', async () => { const got = []; for await (const v of every(2, 'tick')) { got.push(v); if (got.length === 3) break; } return got; });
      await check('scheduler', async () => { const t0 = Date.now(); await scheduler.wait(5); await scheduler.yield(); return Date.now() - t0 >= 5; });
      await check('abort', async () => { const ac = new AbortController(); const p = sleep(10000, 'never', { signal: ac.signal }); ac.abort('stop'); try { await p; } catch (e) { return [e.name, e.code, e.cause]; } });
      await check('aborted', async () => { try { await immediate('x', { signal: AbortSignal.abort() }); } catch (e) { return e.code; } });
      await check('intervalAbort', async () => { const ac = new AbortController(); const got = []; try { for await (const v of every(1, 'i', { signal: ac.signal })) { got.push(v); if (got.length === 2) ac.abort(); } } catch (e) { return [got, e.name]; } });
      await check('badDelay', async () => sleep('soon'));
    `,
  });
  assert.deepEqual(value(results, 'values'), ['slept', true, 'now', null, true]);
  assert.deepEqual(value(results, 'interval'), ['tick', 'tick', 'tick']);
  assert.equal(value(results, 'scheduler'), true);
  assert.deepEqual(value(results, 'abort'), ['AbortError', 'ABORT_ERR', 'stop']);
  assert.equal(value(results, 'aborted'), 'ABORT_ERR');
  assert.deepEqual(value(results, 'intervalAbort'), [['i', 'i'], 'AbortError']);
  assert.equal(error(results, 'badDelay').code, 'ERR_INVALID_ARG_TYPE');
});

test('timers, like all of Workers\' timers, cannot be set at global scope', async () => {
  await assert.rejects(startWorker(`setImmediate(() => {});\nexport default { fetch() { return new Response('x'); } };`), /only be performed while handling a request|global scope/i);
});
