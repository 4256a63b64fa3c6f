// scheduler.wait() inside a real isolate.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, error, assertTypeError } from './run-checks.js';

let results;
let logs;
before(async () => {
  ({ results, logs } = await runChecks(`
    const settle = (p) => p.then((v) => ['resolved', v], (e) => ['rejected', e instanceof DOMException ? [e.name, e.code] : e]);
    await check('lazy', () => typeof Object.getOwnPropertyDescriptor(globalThis, 'scheduler').get);
    await check('surface', () => [typeof scheduler, typeof scheduler.wait, Object.prototype.toString.call(scheduler),
      'Scheduler' in globalThis, scheduler === globalThis.scheduler, Object.getOwnPropertyDescriptor(globalThis, 'scheduler').enumerable]);
    await check('constructor', () => new scheduler.constructor());
    await check('waits', async () => {
      const start = Date.now();
      const value = await scheduler.wait(30);
      return [value, Date.now() - start];
    });
    await check('order', async () => {
      const order = [];
      const timer = new Promise((resolve) => setTimeout(() => { order.push('timeout 10'); resolve(); }, 10));
      await Promise.all([scheduler.wait(20).then(() => order.push('wait 20')), scheduler.wait(1).then(() => order.push('wait 1')), timer]);
      return order;
    });
    await check('zero and odd delays', async () => [await scheduler.wait(0), await scheduler.wait(), await scheduler.wait('abc'), await scheduler.wait(-5)]);
    await check('abort', async () => {
      const c = new AbortController();
      const start = Date.now();
      const p = settle(scheduler.wait(10000, { signal: c.signal }));
      setTimeout(() => c.abort(), 5);
      const outcome = await p;
      return [outcome, Date.now() - start < 5000];
    });
    await check('abort reason', async () => {
      const c = new AbortController();
      const p = settle(scheduler.wait(10000, { signal: c.signal }));
      c.abort('stop');
      return p;
    });
    await check('already aborted', () => settle(scheduler.wait(10000, { signal: AbortSignal.abort(new RangeError('no')) })).then(([s, e]) => [s, e.constructor.name, e.message]));
    await check('timeout signal', () => settle(scheduler.wait(10000, { signal: AbortSignal.timeout(5) })));
    await check('signal unaborted', async () => {
      const c = new AbortController();
      const outcome = await settle(scheduler.wait(5, { signal: c.signal }));
      c.abort(); // after the wait settled: nothing may happen
      await scheduler.wait(5);
      return outcome;
    });
    await check('empty options', async () => [await scheduler.wait(1, {}), await scheduler.wait(1, null), await scheduler.wait(1, { signal: undefined })]);
    await check('bad signal', () => scheduler.wait(1, { signal: {} }));
    await check('null signal', () => scheduler.wait(1, { signal: null }));
  `));
});

test('scheduler is a lazily built global object', () => {
  assert.equal(value(results, 'lazy'), 'function');
  assert.deepEqual(value(results, 'surface'), ['object', 'function', '[object Scheduler]', false, true, false]);
  assertTypeError(results, 'constructor', 'Illegal constructor');
});

test('wait(ms) resolves with undefined after ms', () => {
  const [resolved, elapsed] = value(results, 'waits');
  assert.equal(resolved, null); // undefined, carried through JSON
  assert.ok(elapsed >= 29, `waited ${elapsed} ms`);
});

test('waits are ordered with timers by their delay', () => {
  assert.deepEqual(value(results, 'order'), ['wait 1', 'timeout 10', 'wait 20']);
});

test('a missing, negative or non-numeric delay waits 0 ms, as setTimeout does', () => {
  assert.deepEqual(value(results, 'zero and odd delays'), [null, null, null, null]);
});

test('aborting the signal rejects with its reason at once', () => {
  assert.deepEqual(value(results, 'abort'), [['rejected', ['AbortError', 20]], true]);
  assert.deepEqual(value(results, 'abort reason'), ['rejected', 'stop']);
  assert.deepEqual(value(results, 'already aborted'), ['rejected', 'RangeError', 'no']);
  assert.deepEqual(value(results, 'timeout signal'), ['rejected', ['TimeoutError', 23]]);
});

test('a signal aborted after the wait has no effect', () => {
  assert.deepEqual(value(results, 'signal unaborted'), ['resolved', null]);
  assert.deepEqual(logs, []);
});

test('options are optional; a signal must be an AbortSignal', () => {
  assert.deepEqual(value(results, 'empty options'), [null, null, null]);
  assertTypeError(results, 'bad signal');
  assertTypeError(results, 'null signal');
  assert.match(error(results, 'bad signal').message, /AbortSignal/);
});
