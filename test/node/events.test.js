// node:events: Node's EventEmitter (listeners, once, prepend, removal events, error handling,
// errorMonitor, captureRejections, max-listener warnings) and its static helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNodeChecks, value, error } from './node-checks.js';

const IMPORTS = `import EventEmitter, { once, on, getEventListeners, getMaxListeners, setMaxListeners, errorMonitor, captureRejectionSymbol, addAbortListener, EventEmitterAsyncResource, listenerCount } from 'node:events'; import bare from 'events'; import { inspect } from 'node:util'; import { Readable } from 'node:stream';`;

test('EventEmitter: the module, listeners in order, once, prepend, removal and the events about them', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('module', () => [typeof EventEmitter, bare === EventEmitter, EventEmitter.EventEmitter === EventEmitter, EventEmitter.once === once, EventEmitter.on === on, EventEmitter.defaultMaxListeners, typeof EventEmitterAsyncResource]);
      await check('order', () => {
        const e = new EventEmitter();
        const log = [];
        e.on('x', (a) => log.push('on ' + a));
        e.prependListener('x', (a) => log.push('prepend ' + a));
        e.once('x', (a) => log.push('once ' + a));
        e.prependOnceListener('x', (a) => log.push('prependOnce ' + a));
        const r1 = e.emit('x', 1);
        e.emit('x', 2);
        return [log, r1, e.emit('nothing'), e.listenerCount('x'), e.eventNames()];
      });
      await check('meta', () => {
        const e = new EventEmitter();
        const log = [];
        e.on('newListener', (name) => log.push('new ' + name));
        e.on('removeListener', (name) => log.push('removed ' + name));
        const f = () => {};
        e.on('a', f);
        e.once('b', f);
        e.off('a', f);
        e.removeAllListeners('b');
        return [log, e.listeners('a').length];
      });
      await check('rawListeners', () => { const e = new EventEmitter(); const f = () => 'r'; e.once('a', f); return [e.listeners('a')[0] === f, e.rawListeners('a')[0] === f, e.rawListeners('a')[0].listener === f, listenerCount(e, 'a')]; });
      await check('thisAndArgs', () => { const e = new EventEmitter(); let seen; e.on('a', function (...args) { seen = [this === e, args]; }); e.emit('a', 1, 'b', null); return seen; });
      await check('subclass', () => { class Bus extends EventEmitter { constructor() { super(); this.n = 0; this.on('inc', () => this.n++); } } const b = new Bus(); b.emit('inc'); b.emit('inc'); return [b.n, b instanceof EventEmitter]; });
      await check('legacyInherit', () => { function Old() { EventEmitter.call(this); } Object.setPrototypeOf(Old.prototype, EventEmitter.prototype); const o = new Old(); let hit = false; o.on('x', () => { hit = true; }); o.emit('x'); return hit; });
      await check('inspect', () => inspect(new EventEmitter()));
      await check('streamsAreEmitters', () => [new Readable() instanceof EventEmitter, typeof Readable.prototype.emit]);
    `,
  });
  assert.deepEqual(value(results, 'module'), ['function', true, true, true, true, 10, 'function']);
  assert.deepEqual(value(results, 'order'), [['prependOnce 1', 'prepend 1', 'on 1', 'once 1', 'prepend 2', 'on 2'], true, false, 2, ['x']]);
  assert.deepEqual(value(results, 'meta'), [['new removeListener', 'new a', 'new b', 'removed a', 'removed b'], 0]);
  assert.deepEqual(value(results, 'rawListeners'), [true, false, true, 1]);
  assert.deepEqual(value(results, 'thisAndArgs'), [true, [1, 'b', null]]);
  assert.deepEqual(value(results, 'subclass'), [2, true]);
  assert.equal(value(results, 'legacyInherit'), true);
  assert.equal(value(results, 'inspect'), 'EventEmitter {\n  _events: [Object: null prototype] {},\n  _eventsCount: 0,\n  _maxListeners: undefined,\n  [Symbol(shapeMode)]: false,\n  [Symbol(kCapture)]: false\n}');
  assert.deepEqual(value(results, 'streamsAreEmitters'), [true, 'function']);
});

test('errors: an unhandled error throws, errorMonitor sees it first, captureRejections routes rejections', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('throwsError', () => new EventEmitter().emit('error', new TypeError('bad')));
      await check('throwsValue', () => new EventEmitter().emit('error', { code: 42 }));
      await check('handled', () => { const e = new EventEmitter(); let got; e.on('error', (err) => { got = err.message; }); e.emit('error', new Error('handled')); return got; });
      await check('monitor', () => { const e = new EventEmitter(); const log = []; e.on(errorMonitor, (err) => log.push('monitor ' + err.message)); try { e.emit('error', new Error('x')); } catch (err) { log.push('thrown ' + err.message); } return log; });
      await check('capture', async () => {
        const e = new EventEmitter({ captureRejections: true });
        const seen = [];
        e.on('error', (err) => seen.push(err.message));
        e.on('job', async () => { throw new Error('async failure'); });
        e.emit('job');
        const custom = new EventEmitter({ captureRejections: true });
        custom[captureRejectionSymbol] = (err, name, ...args) => seen.push(['custom', err.message, name, args]);
        custom.on('evt', () => Promise.reject(new Error('rejected')));
        custom.emit('evt', 1, 2);
        await new Promise((r) => setTimeout(r, 1));
        return seen;
      });
      await check('noCapture', async () => { const e = new EventEmitter(); let count = 0; e.on('error', () => count++); e.on('job', () => Promise.resolve()); e.emit('job'); await null; return count; });
      await check('badListener', () => new EventEmitter().on('x', 5));
      await check('badCapture', () => new EventEmitter({ captureRejections: 'yes' }));
    `,
  });
  assert.deepEqual(error(results, 'throwsError'), { ctor: 'TypeError', name: 'TypeError', message: 'bad', isError: true });
  assert.deepEqual(error(results, 'throwsValue'), { ctor: 'Error', name: 'Error', message: 'Unhandled error. ({ code: 42 })', code: 'ERR_UNHANDLED_ERROR', isError: true });
  assert.equal(value(results, 'handled'), 'handled');
  assert.deepEqual(value(results, 'monitor'), ['monitor x', 'thrown x']);
  assert.deepEqual(value(results, 'capture'), ['async failure', ['custom', 'rejected', 'evt', [1, 2]]]);
  assert.equal(value(results, 'noCapture'), 0);
  assert.equal(error(results, 'badListener').code, 'ERR_INVALID_ARG_TYPE');
  assert.equal(error(results, 'badCapture').code, 'ERR_INVALID_ARG_TYPE');
});

test('max listeners: the warning, setMaxListeners/getMaxListeners on emitters and EventTargets', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('warning', async () => {
        const warnings = [];
        process.on('warning', (w) => warnings.push([w.name, w.count, w.type, /Possible EventEmitter memory leak detected\\. 3 x listeners added/.test(w.message)]));
        const e = new EventEmitter();
        e.setMaxListeners(2);
        for (let i = 0; i < 4; i++) e.on('x', () => {});
        await new Promise((r) => setTimeout(r, 1));
        return [warnings, e.getMaxListeners(), getMaxListeners(e)];
      });
      await check('targets', () => { const t = new EventTarget(); const before = getMaxListeners(t); setMaxListeners(5, t); return [before, getMaxListeners(t), getEventListeners(t, 'x')]; });
      await check('default', () => { setMaxListeners(20); const v = [EventEmitter.defaultMaxListeners, new EventEmitter().getMaxListeners()]; EventEmitter.defaultMaxListeners = 10; return v; });
      await check('badDefault', () => { EventEmitter.defaultMaxListeners = -1; });
    `,
  });
  assert.deepEqual(value(results, 'warning'), [[['MaxListenersExceededWarning', 3, 'x', true]], 2, 2]);
  assert.deepEqual(value(results, 'targets'), [10, 5, []]);
  assert.deepEqual(value(results, 'default'), [20, 20]);
  assert.equal(error(results, 'badDefault').code, 'ERR_OUT_OF_RANGE');
});

test('events.once and events.on, with AbortSignals, close events and EventTargets', async () => {
  const { results } = await runNodeChecks({
    imports: IMPORTS,
    body: `
      await check('once', async () => { const e = new EventEmitter(); setTimeout(() => e.emit('ready', 1, 2), 1); return once(e, 'ready'); });
      await check('onceError', async () => { const e = new EventEmitter(); setTimeout(() => e.emit('error', new Error('failed')), 1); try { await once(e, 'ready'); } catch (err) { return [err.message, e.listenerCount('ready'), e.listenerCount('error')]; } });
      await check('onceAbort', async () => { const ac = new AbortController(); const e = new EventEmitter(); const p = once(e, 'never', { signal: ac.signal }); ac.abort('why'); try { await p; } catch (err) { return [err.name, err.code, err.cause, e.listenerCount('never')]; } });
      await check('onceTarget', async () => { const t = new EventTarget(); setTimeout(() => t.dispatchEvent(new Event('go')), 1); const [event] = await once(t, 'go'); return event.type; });
      await check('onIterator', async () => {
        const e = new EventEmitter();
        setTimeout(() => { e.emit('data', 'a'); e.emit('data', 'b', 'c'); e.emit('close'); }, 1);
        const got = [];
        for await (const args of on(e, 'data', { close: ['close'] })) got.push(args);
        return [got, e.listenerCount('data'), e.listenerCount('error')];
      });
      await check('onError', async () => { const e = new EventEmitter(); setTimeout(() => e.emit('error', new Error('stream broke')), 1); try { for await (const x of on(e, 'data')) {} } catch (err) { return err.message; } });
      await check('onAbort', async () => { const ac = new AbortController(); const e = new EventEmitter(); setTimeout(() => ac.abort(), 1); try { for await (const x of on(e, 'data', { signal: ac.signal })) {} } catch (err) { return err.name; } });
      await check('onBreak', async () => { const e = new EventEmitter(); setTimeout(() => e.emit('n', 1), 1); for await (const [n] of on(e, 'n')) { break; } return e.listenerCount('n'); });
      await check('addAbortListener', async () => { const ac = new AbortController(); let hits = 0; const d = addAbortListener(ac.signal, () => hits++); ac.abort(); const aborted = AbortSignal.abort(); addAbortListener(aborted, () => hits++); await null; return [hits, typeof d[Symbol.dispose]]; });
    `,
  });
  assert.deepEqual(value(results, 'once'), [1, 2]);
  assert.deepEqual(value(results, 'onceError'), ['failed', 0, 0]);
  assert.deepEqual(value(results, 'onceAbort'), ['AbortError', 'ABORT_ERR', 'why', 0]);
  assert.equal(value(results, 'onceTarget'), 'go');
  assert.deepEqual(value(results, 'onIterator'), [[['a'], ['b', 'c']], 0, 0]);
  assert.equal(value(results, 'onError'), 'stream broke');
  assert.equal(value(results, 'onAbort'), 'AbortError');
  assert.equal(value(results, 'onBreak'), 0);
  assert.deepEqual(value(results, 'addAbortListener'), [2, 'function']);
});

test('require("events") in bundled CommonJS is the EventEmitter itself', async () => {
  const { bundleProject } = await import('./node-checks.js');
  const { startWorker } = await import('../helpers/worker.js');
  const bundle = await bundleProject({
    'src/lib.cjs': `const EventEmitter = require('events');\nconst { EventEmitter: Named, once } = require('node:events');\nclass Thing extends EventEmitter {}\nmodule.exports = { same: EventEmitter === Named && typeof once === 'function', emits: (() => { const t = new Thing(); let got; t.on('x', (v) => { got = v; }); t.emit('x', 'ok'); return got; })() };\n`,
    'src/index.js': `import lib from './lib.cjs';\nexport default { fetch() { return Response.json(lib); } };\n`,
  });
  const w = await startWorker(bundle);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), { same: true, emits: 'ok' });
  } finally {
    await w.dispose();
  }
});
