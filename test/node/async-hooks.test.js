// node:async_hooks (AsyncLocalStorage, AsyncResource) and node:diagnostics_channel.
//
// What the store follows here, and what it does not: it is kept through synchronous calls and
// into the callbacks of setTimeout, setInterval, setImmediate, queueMicrotask and promise
// then/catch/finally; it is NOT kept across `await` (V8 exposes no hook for that continuation
// to JavaScript). The tests pin both down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNodeChecks, value } from './node-checks.js';
import { startWorker, NO_NODE_COMPAT } from '../helpers/worker.js';

const IMPORTS = `import { AsyncLocalStorage, AsyncResource, createHook, executionAsyncId, triggerAsyncId, executionAsyncResource, asyncWrapProviders } from 'node:async_hooks'; import bare from 'async_hooks'; const als = new AsyncLocalStorage(); const other = new AsyncLocalStorage();`;

test('AsyncLocalStorage: run, exit, nesting, enterWith, defaultValue, several storages', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('module', () => [bare.AsyncLocalStorage === AsyncLocalStorage, typeof AsyncResource, typeof createHook({}).enable, executionAsyncId(), triggerAsyncId(), typeof executionAsyncResource(), asyncWrapProviders.NONE]);
      await check('sync', () => [als.getStore(), als.run('a', () => als.getStore()), als.getStore(), als.run('a', (x, y) => x + y, 1, 2), als.run('a', () => als.exit(() => als.getStore())), als.run('a', () => als.run('b', () => als.getStore()))]);
      await check('independent', () => als.run(1, () => other.run(2, () => [als.getStore(), other.getStore(), als.exit(() => other.getStore())])));
      await check('throwRestores', () => { try { als.run('x', () => { throw new Error('boom'); }); } catch { return als.getStore() ?? 'restored'; } });
      await check('enterWith', async () => { const seen = []; als.run(0, () => { als.enterWith(5); seen.push(als.getStore()); }); seen.push(als.getStore() ?? 'none'); als.enterWith(7); seen.push(als.getStore()); await null; seen.push(als.getStore() ?? 'none'); return seen; });
      await check('defaultValue', () => { const d = new AsyncLocalStorage({ defaultValue: 'default', name: 'named' }); return [d.getStore(), d.run('set', () => d.getStore()), d.name]; });
      await check('disable', () => als.run('on', () => { als.disable(); return als.getStore() ?? 'disabled'; }));
    `,
  });
  assert.deepEqual(value(results, 'module'), [true, 'function', 'function', 0, 0, 'object', 0]);
  assert.deepEqual(value(results, 'sync'), [null, 'a', null, 3, null, 'b']);
  assert.deepEqual(value(results, 'independent'), [1, 2, 2]);
  assert.equal(value(results, 'throwRestores'), 'restored');
  assert.deepEqual(value(results, 'enterWith'), [5, 'none', 7, 'none']);
  assert.deepEqual(value(results, 'defaultValue'), ['default', 'set', 'named']);
  assert.equal(value(results, 'disable'), 'disabled');
});

test('the store follows timers, microtasks and promise reactions, but not await', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('setTimeout', () => als.run('timeout', () => new Promise((r) => setTimeout(() => r(als.getStore()), 1))));
      await check('setInterval', () => als.run('interval', () => new Promise((r) => { const i = setInterval(() => { clearInterval(i); r(als.getStore()); }, 1); })));
      await check('setImmediate', () => als.run('immediate', () => new Promise((r) => setImmediate(() => r(als.getStore())))));
      await check('queueMicrotask', () => als.run('microtask', () => new Promise((r) => queueMicrotask(() => r(als.getStore())))));
      await check('nextTick', () => als.run('tick', () => new Promise((r) => process.nextTick(() => r(als.getStore())))));
      await check('then', () => als.run('then', () => Promise.resolve().then(() => als.getStore())));
      await check('catchFinally', async () => { let inFinally; const caught = await als.run('chain', () => Promise.reject(new Error()).catch(() => als.getStore()).finally(() => { inFinally = als.getStore(); })); return [caught, inFinally]; });
      await check('fetchThen', () => als.run('io', () => Promise.resolve(new Response('x').text()).then(() => als.getStore())));
      await check('isolation', async () => { const a = als.run('A', () => new Promise((r) => setTimeout(() => r(als.getStore()), 2))); const b = als.run('B', () => new Promise((r) => setTimeout(() => r(als.getStore()), 1))); return [await a, await b, als.getStore() ?? 'none']; });
      await check('await', () => als.run('awaited', async () => { const before = als.getStore(); await null; return [before, als.getStore() ?? 'lost after await']; }));
    `,
  });
  for (const [name, expected] of [['setTimeout', 'timeout'], ['setInterval', 'interval'], ['setImmediate', 'immediate'], ['queueMicrotask', 'microtask'], ['nextTick', 'tick'], ['then', 'then'], ['fetchThen', 'io']]) {
    assert.equal(value(results, name), expected, name);
  }
  assert.deepEqual(value(results, 'catchFinally'), ['chain', 'chain']);
  assert.deepEqual(value(results, 'isolation'), ['A', 'B', 'none']);
  assert.deepEqual(value(results, 'await'), ['awaited', 'lost after await']);
});

test('AsyncResource and AsyncLocalStorage.bind/snapshot carry a context explicitly', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('resource', () => { const r = als.run('captured', () => new AsyncResource('Job')); return [r.runInAsyncScope((x) => [als.getStore(), x], null, 1), als.getStore() ?? 'outside', typeof r.asyncId(), r.triggerAsyncId(), r.emitDestroy() === r]; });
      await check('bind', () => { const f = als.run('bound', () => AsyncResource.bind(function () { return [als.getStore(), this]; }, 'T', 'thisArg')); const g = als.run('als-bound', () => AsyncLocalStorage.bind(() => als.getStore())); return [f(), g(), typeof f.asyncResource]; });
      await check('snapshot', () => { const run = als.run('snap', () => AsyncLocalStorage.snapshot()); return [run(() => als.getStore()), run((a, b) => a + b, 1, 2)]; });
    `,
  });
  assert.deepEqual(value(results, 'resource'), [['captured', 1], 'outside', 'number', 0, true]);
  assert.deepEqual(value(results, 'bind'), [['bound', 'thisArg'], 'als-bound', 'object']);
  assert.deepEqual(value(results, 'snapshot'), ['snap', 3]);
});

test('EventEmitterAsyncResource emits in the context it was made in', async () => {
  const { results } = await runNodeChecks({
    imports: `${IMPORTS} import { EventEmitterAsyncResource } from 'node:events';`,
    body: `
      await check('emit', () => { const e = als.run('made here', () => new EventEmitterAsyncResource({ name: 'Thing' })); let seen; e.on('x', () => { seen = als.getStore(); }); als.run('emitted here', () => e.emit('x')); return [seen, typeof e.asyncId, e.asyncResource.eventEmitter === e]; });
    `,
  });
  assert.deepEqual(value(results, 'emit'), ['made here', 'number', true]);
});

test('nodejs_als alone gives node:async_hooks without the rest of Node.js compatibility', async () => {
  const w = await startWorker(`import { AsyncLocalStorage } from 'node:async_hooks';\nconst als = new AsyncLocalStorage();\nexport default { fetch() { return Response.json([als.run(1, () => als.getStore()), typeof process, typeof Buffer]); } };`, { compat: { ...NO_NODE_COMPAT, nodejsAls: true } });
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), [1, 'undefined', 'undefined']);
  } finally {
    await w.dispose();
  }
  await assert.rejects(startWorker(`import path from 'node:path';\nexport default { fetch() { return new Response(path.sep); } };`, { compat: { ...NO_NODE_COMPAT, nodejsAls: true } }), /No such module "node:path"/);
});

test('diagnostics_channel: channels, subscribers, stores and tracing channels', async () => {
  const { results, logs } = await runNodeChecks({
    imports: `${IMPORTS} import dc, { channel, subscribe, unsubscribe, hasSubscribers, tracingChannel, Channel } from 'node:diagnostics_channel'; import bareDc from 'diagnostics_channel';`,
    body: `
      await check('channels', () => {
        const seen = [];
        const ch = channel('my-channel');
        const f = (message, name) => seen.push([message, name]);
        const before = [ch.hasSubscribers, hasSubscribers('my-channel')];
        subscribe('my-channel', f);
        ch.publish({ n: 1 });
        const after = [ch.hasSubscribers, hasSubscribers('my-channel'), channel('my-channel') === ch, ch instanceof Channel, ch.name];
        const removed = [unsubscribe('my-channel', f), unsubscribe('my-channel', f)];
        ch.publish({ n: 2 });
        return [before, after, removed, seen, bareDc === dc];
      });
      await check('throwingSubscriber', async () => { const ch = channel('throws'); const seen = []; ch.subscribe(() => { throw new Error('subscriber failed'); }); ch.subscribe((m) => seen.push(m)); ch.publish('still delivered'); await new Promise((r) => setTimeout(r, 1)); return seen; });
      await check('stores', () => { const ch = channel('with-store'); ch.bindStore(als, (data) => ({ wrapped: data.id })); const seen = []; ch.subscribe((m) => seen.push(als.getStore())); const result = ch.runStores({ id: 7 }, (a) => [als.getStore(), a], null, 'arg'); return [result, seen, ch.unbindStore(als), ch.unbindStore(als)]; });
      await check('traceSync', () => {
        const tc = tracingChannel('op');
        const events = [];
        const handlers = { start: (ctx) => events.push('start ' + ctx.arg), end: (ctx) => events.push('end ' + ctx.result), asyncStart() {}, asyncEnd() {}, error: (ctx) => events.push('error ' + ctx.error.message) };
        tc.subscribe(handlers);
        const r = tc.traceSync((x) => x * 2, { arg: 21 }, null, 21);
        try { tc.traceSync(() => { throw new Error('bad'); }, { arg: 'x' }); } catch {}
        const unsubscribed = tc.unsubscribe(handlers);
        return [r, events, unsubscribed, tc.hasSubscribers, tc.start.name];
      });
      await check('tracePromise', async () => { const tc = tracingChannel('async-op'); const events = []; tc.subscribe({ start: () => events.push('start'), end: () => events.push('end'), asyncStart: (c) => events.push('asyncStart ' + c.result), asyncEnd: () => events.push('asyncEnd'), error: () => events.push('error') }); const v = await tc.tracePromise(async () => 'done', {}); return [v, events]; });
      await check('traceCallback', async () => { const tc = tracingChannel('cb-op'); const events = []; tc.subscribe({ start: () => events.push('start'), end: () => events.push('end'), asyncStart: (c) => events.push('asyncStart ' + c.result), asyncEnd: () => events.push('asyncEnd'), error: () => events.push('error') }); const v = await new Promise((resolve) => tc.traceCallback((cb) => setTimeout(() => cb(null, 'cb result'), 1), 0, {}, null, (err, res) => resolve(res))); return [v, events]; });
    `,
  });
  assert.deepEqual(value(results, 'channels'), [[false, false], [true, true, true, true, 'my-channel'], [true, false], [[{ n: 1 }, 'my-channel']], true]);
  assert.deepEqual(value(results, 'throwingSubscriber'), ['still delivered']);
  assert.ok(logs.some((l) => /subscriber failed/.test(l.message)), JSON.stringify(logs));
  assert.deepEqual(value(results, 'stores'), [[{ wrapped: 7 }, 'arg'], [{ wrapped: 7 }], true, false]);
  assert.deepEqual(value(results, 'traceSync'), [42, ['start 21', 'end 42', 'start x', 'error bad', 'end undefined'], true, false, 'tracing:op:start']);
  assert.deepEqual(value(results, 'tracePromise'), ['done', ['start', 'end', 'asyncStart done', 'asyncEnd']]);
  assert.deepEqual(value(results, 'traceCallback'), ['cb result', ['start', 'end', 'asyncStart cb result', 'asyncEnd']]);
});
