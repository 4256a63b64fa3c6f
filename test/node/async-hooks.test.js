// node:async_hooks (AsyncLocalStorage, AsyncResource) and node:diagnostics_channel.
//
// The store follows synchronous calls, `await` (however deep, in async functions, async
// generators and for-await loops), promise reactions, timers, queueMicrotask and nextTick, as in
// Workers; concurrent requests never see each other's stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNodeChecks, value, error, bundleProject } from './node-checks.js';
import { startWorker, moduleBundle, NO_NODE_COMPAT } from '../helpers/worker.js';
import { lowerAsyncForContext } from '../../src/runtime/async-lowering.js';
import { DEFAULT_COMPAT } from '../../src/runtime/worker.js';

const IMPORTS = `import { AsyncLocalStorage, AsyncResource, createHook, executionAsyncId, triggerAsyncId, executionAsyncResource, asyncWrapProviders } from 'node:async_hooks'; import bare from 'async_hooks'; const als = new AsyncLocalStorage(); const other = new AsyncLocalStorage(); const sleep = (ms) => new Promise((r) => setTimeout(r, ms)); const savedSetTimeout = setTimeout;`;

test('AsyncLocalStorage: run, exit, nesting, defaultValue, several storages; enterWith and disable throw as in Workers', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('module', () => [bare.AsyncLocalStorage === AsyncLocalStorage, typeof AsyncResource, typeof createHook({}).enable, executionAsyncId(), triggerAsyncId(), typeof executionAsyncResource(), asyncWrapProviders.NONE]);
      await check('sync', () => [als.getStore(), als.run('a', () => als.getStore()), als.getStore(), als.run('a', (x, y) => x + y, 1, 2), als.run('a', () => als.exit(() => als.getStore())), als.run('a', () => als.run('b', () => als.getStore()))]);
      await check('independent', () => als.run(1, () => other.run(2, () => [als.getStore(), other.getStore(), als.exit(() => other.getStore())])));
      await check('throwRestores', () => { try { als.run('x', () => { throw new Error('boom'); }); } catch { return als.getStore() ?? 'restored'; } });
      await check('defaultValue', () => { const d = new AsyncLocalStorage({ defaultValue: 'default', name: 'named' }); return [d.getStore(), d.run('set', () => d.getStore()), d.name]; });
      await check('enterWith', () => als.run('kept', () => als.enterWith('new')));
      await check('disable', () => als.run('kept', () => als.disable()));
      await check('afterRefusals', () => als.run('kept', () => { try { als.enterWith('new'); } catch {} try { als.disable(); } catch {} return als.getStore(); }));
      await check('runNotFunction', () => als.run('x', 'not a function'));
      await check('bindNotFunction', () => AsyncLocalStorage.bind(42));
      await check('resourceType', () => new AsyncResource(42));
    `,
  });
  assert.deepEqual(value(results, 'module'), [true, 'function', 'function', 0, 0, 'object', 0]);
  assert.deepEqual(value(results, 'sync'), [null, 'a', null, 3, null, 'b']);
  assert.deepEqual(value(results, 'independent'), [1, 2, 2]);
  assert.equal(value(results, 'throwRestores'), 'restored');
  assert.deepEqual(value(results, 'defaultValue'), ['default', 'set', 'named']);
  assert.deepEqual(error(results, 'enterWith'), { ctor: 'Error', name: 'Error', message: 'asyncLocalStorage.enterWith() is not implemented', isError: true });
  assert.equal(error(results, 'disable').message, 'asyncLocalStorage.disable() is not implemented');
  assert.equal(value(results, 'afterRefusals'), 'kept');
  assert.equal(error(results, 'runNotFunction').ctor, 'TypeError');
  assert.equal(error(results, 'bindNotFunction').code, 'ERR_INVALID_ARG_TYPE');
  assert.equal(error(results, 'resourceType').code, 'ERR_INVALID_ARG_TYPE');
});

test('the store is kept across await, however deep, and into every callback scheduled inside run()', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('await', () => als.run('awaited', async () => { const seen = [als.getStore()]; await null; seen.push(als.getStore()); await 1; await sleep(1); seen.push(als.getStore()); for (let i = 0; i < 50; i++) await i; seen.push(als.getStore()); return seen; }));
      await check('nested', () => { const depth = async (n) => { if (n === 0) return als.getStore(); await null; return depth(n - 1); }; return als.run('deep', () => depth(20)); });
      await check('callee', () => { const read = async () => { await sleep(1); return als.getStore(); }; return als.run('outer', async () => [await read(), await other.run('other', read), await als.run('inner', read), als.getStore()]); });
      await check('generators', () => als.run('gen', async () => { async function* g() { yield als.getStore(); await sleep(1); yield als.getStore(); } const seen = []; for await (const v of g()) seen.push(v); for await (const v of [Promise.resolve(1), 2]) seen.push([v, als.getStore()]); return seen; }));
      await check('rejection', () => als.run('caught', async () => { try { await Promise.reject(new Error('no')); } catch { await null; return als.getStore(); } }));
      await check('thenable', () => als.run('adopted', async () => { const thenable = { then(resolve) { resolve(als.getStore()); } }; return [await thenable, await Promise.resolve(thenable), await Promise.all([thenable, sleep(1).then(() => als.getStore())])]; }));
      await check('throwingThenable', () => als.run('x', async () => { try { await { then() { throw new TypeError('bad then'); } }; } catch (e) { return [e.message, als.getStore()]; } }));
      await check('asyncExit', () => als.run('set', async () => [await als.exit(async () => { await null; return als.getStore() ?? 'none'; }), als.getStore()]));
      await check('setTimeout', () => als.run('timeout', () => new Promise((r) => setTimeout(() => r(als.getStore()), 1))));
      await check('savedSetTimeout', () => als.run('saved', () => new Promise((r) => savedSetTimeout(() => r(als.getStore()), 1))));
      await check('setInterval', () => als.run('interval', () => new Promise((r) => { const i = setInterval(() => { clearInterval(i); r(als.getStore()); }, 1); })));
      await check('setImmediate', () => als.run('immediate', () => new Promise((r) => setImmediate(() => r(als.getStore())))));
      await check('queueMicrotask', () => als.run('microtask', () => new Promise((r) => queueMicrotask(() => r(als.getStore())))));
      await check('nextTick', () => als.run('tick', () => new Promise((r) => process.nextTick(() => r(als.getStore())))));
      await check('then', () => als.run('then', () => Promise.resolve().then(() => als.getStore())));
      await check('catchFinally', async () => { let inFinally; const caught = await als.run('chain', () => Promise.reject(new Error()).catch(() => als.getStore()).finally(() => { inFinally = als.getStore(); })); return [caught, inFinally]; });
      await check('io', () => als.run('io', async () => { await new Response('x').text(); await scheduler.wait(1); return als.getStore(); }));
      await check('afterRun', async () => { const pending = als.run('inside', () => sleep(1)); await pending; return als.getStore() ?? 'none'; });
      await check('listeners', () => { const target = new EventTarget(); let seen; target.addEventListener('x', () => { seen = als.getStore(); }); const bound = als.run('bound', () => AsyncLocalStorage.bind(() => seen = als.getStore())); const t2 = new EventTarget(); t2.addEventListener('x', bound); als.run('dispatcher', () => target.dispatchEvent(new Event('x'))); const first = seen; als.run('dispatcher', () => t2.dispatchEvent(new Event('x'))); return [first, seen]; });
    `,
  });
  assert.deepEqual(value(results, 'await'), ['awaited', 'awaited', 'awaited', 'awaited']);
  assert.equal(value(results, 'nested'), 'deep');
  assert.deepEqual(value(results, 'callee'), ['outer', 'outer', 'inner', 'outer']);
  assert.deepEqual(value(results, 'generators'), ['gen', 'gen', [1, 'gen'], [2, 'gen']]);
  assert.equal(value(results, 'rejection'), 'caught');
  assert.deepEqual(value(results, 'thenable'), ['adopted', 'adopted', ['adopted', 'adopted']]);
  assert.deepEqual(value(results, 'throwingThenable'), ['bad then', 'x']);
  assert.deepEqual(value(results, 'asyncExit'), ['none', 'set']);
  for (const [name, expected] of [['setTimeout', 'timeout'], ['savedSetTimeout', 'saved'], ['setInterval', 'interval'], ['setImmediate', 'immediate'], ['queueMicrotask', 'microtask'], ['nextTick', 'tick'], ['then', 'then'], ['io', 'io']]) {
    assert.equal(value(results, name), expected, name);
  }
  assert.deepEqual(value(results, 'catchFinally'), ['chain', 'chain']);
  assert.equal(value(results, 'afterRun'), 'none');
  assert.deepEqual(value(results, 'listeners'), ['dispatcher', 'bound']);
});

test('concurrent requests, suspended at the same time, each keep their own store', async () => {
  const w = await startWorker(`import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage();
const COUNT = 6;
let arrived = 0;
// Waits (on a timer, which keeps the event alive) until every request has arrived.
async function meet() {
  arrived++;
  while (arrived < COUNT) await new Promise((resolve) => setTimeout(resolve, 1));
}
export default {
  async fetch(request) {
    const id = new URL(request.url).searchParams.get('id');
    if (id === 'none') {
      await meet();
      return Response.json([als.getStore() ?? 'none']);
    }
    return als.run({ id }, async () => {
      const seen = [];
      await meet();
      for (let i = 0; i < 5; i++) {
        seen.push(als.getStore().id);
        await new Promise((resolve) => setTimeout(resolve, i));
        seen.push(als.getStore().id);
        await null;
      }
      return Response.json(seen);
    });
  },
};`);
  try {
    const ids = ['a', 'b', 'c', 'd', 'e', 'none'];
    const answers = await Promise.all(ids.map(async (id) => (await w.fetch(`/?id=${id}`)).json()));
    answers.forEach((seen, i) => {
      if (ids[i] === 'none') assert.deepEqual(seen, ['none']);
      else assert.deepEqual(seen, Array(10).fill(ids[i]), `request ${ids[i]}`);
    });
  } finally {
    await w.dispose();
  }
});

test('only workers that use node:async_hooks are compiled for it, with source maps to the original lines', async () => {
  const plain = moduleBundle('export default { async fetch() { await null; return new Response("x"); } };');
  assert.equal(lowerAsyncForContext(plain, DEFAULT_COMPAT, assert.fail), plain);
  const als = moduleBundle('export default { fetch() { return process.getBuiltinModule("node:async_hooks") && new Response("x"); } };');
  assert.equal(lowerAsyncForContext(als, { ...DEFAULT_COMPAT, nodejsCompat: false, nodejsAls: false }, assert.fail), als);
  assert.notEqual(lowerAsyncForContext(als, DEFAULT_COMPAT, assert.fail), als);

  const w = await startWorker(`import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage();
async function fail() {
  await null;
  throw new Error('failed in ' + als.getStore());
}
export default { fetch() { return als.run('ctx', fail); } };`);
  try {
    assert.equal((await w.fetch('/')).status, 500);
    assert.match(w.logs.find((l) => l.level === 'error').message, /^Uncaught Error: failed in ctx\n\s+at .*index\.js:5:9/);
  } finally {
    await w.dispose();
  }

  // A bundle's own source map leads on to the file that threw.
  const bundle = await bundleProject({
    'src/index.js': `import { AsyncLocalStorage } from 'node:async_hooks';\nimport { fail } from './lib.js';\nconst als = new AsyncLocalStorage();\nexport default { fetch() { return als.run('bundled', () => fail(als)); } };\n`,
    'src/lib.js': `export async function fail(als) {\n  await null;\n  await null;\n  throw new Error('in ' + als.getStore());\n}\n`,
  });
  const b = await startWorker(bundle);
  try {
    assert.equal((await b.fetch('/')).status, 500);
    assert.match(b.logs.find((l) => l.level === 'error').message, /^Uncaught Error: in bundled\n\s+at .*src\/lib\.js:4:9/);
  } finally {
    await b.dispose();
  }
});

test('a module with top-level await keeps native await, with a warning', async () => {
  const w = await startWorker(`import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage();
const ready = await Promise.resolve('ready');
export default { fetch() { return als.run(ready, async () => { const before = als.getStore(); await null; return Response.json([before, als.getStore() ?? 'lost']); }); } };`);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), ['ready', 'lost']);
    assert.deepEqual(w.logs.filter((l) => l.level === 'warn').map((l) => l.message), ['index.js uses top-level await, so its code runs unchanged: an AsyncLocalStorage store set in it is lost after an `await`.']);
  } finally {
    await w.dispose();
  }
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
  const w = await startWorker(`import { AsyncLocalStorage } from 'node:async_hooks';\nconst als = new AsyncLocalStorage();\nexport default { fetch() { return als.run(1, async () => { await new Promise((r) => setTimeout(r, 1)); return Response.json([als.getStore(), typeof process, typeof Buffer]); }); } };`, { compat: { ...NO_NODE_COMPAT, nodejsAls: true } });
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
