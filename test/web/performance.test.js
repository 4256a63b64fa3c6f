// The performance timeline (User Timing Level 3, Performance Timeline) that
// enable_global_performance_classes brings: marks, measures, the entry lists, observers, the
// compatibility gating and the bound on the timeline's buffers.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { resolveCompatibility } from '../../src/config/compat.js';
import { NO_NODE_COMPAT, startWorker } from '../helpers/worker.js';
import { runChecks, value, assertTypeError, assertDOMException } from './run-checks.js';

const BUFFER_LIMIT = 10_000;

let results;
before(async () => {
  ({ results } = await runChecks(`
    const plain = (entry) => JSON.parse(JSON.stringify(entry));
    const reset = () => { performance.clearMarks(); performance.clearMeasures(); };

    await check('mark defaults', () => {
      const mark = performance.mark('a');
      return [mark instanceof PerformanceMark, mark instanceof PerformanceEntry, mark.name, mark.entryType, mark.startTime === Date.now(), mark.duration, mark.detail];
    });
    await check('mark options', () => {
      const detail = { nested: [1, 2] };
      const mark = performance.mark('b', { startTime: 12.5, detail });
      return [mark.startTime, mark.detail, mark.detail !== detail, mark.detail === mark.detail, plain(mark)];
    });
    await check('mark name is converted', () => performance.mark(42).name);
    await check('mark named as a PerformanceTiming attribute (allowed outside a window)', () => performance.mark('navigationStart').name);
    await check('mark without a name', () => performance.mark());
    await check('mark with a symbol name', () => performance.mark(Symbol('s')));
    await check('mark with a negative startTime', () => performance.mark('x', { startTime: -1 }));
    await check('mark with a NaN startTime', () => performance.mark('x', { startTime: NaN }));
    await check('mark with options not a dictionary', () => performance.mark('x', 5));
    await check('mark with an uncloneable detail', () => performance.mark('x', { detail: () => {} }));
    await check('PerformanceMark constructor stays off the timeline', () => {
      const mark = new PerformanceMark('constructed', { startTime: 3 });
      return [mark.name, mark.startTime, performance.getEntriesByName('constructed').length];
    });
    reset();

    // Marks at fixed times: a at 10, b at 30, a again at 20 (the latest 'a' is the one measured from).
    performance.mark('a', { startTime: 10 });
    performance.mark('b', { startTime: 30 });
    performance.mark('a', { startTime: 20 });
    const measured = (...args) => { const m = performance.measure(...args); return [m.name, m.entryType, m.startTime, m.duration, m.detail]; };
    const now = Date.now();
    await check('measure(name)', () => { const m = performance.measure('all'); return [m.startTime, m.duration === now]; });
    await check('measure(name, start)', () => { const m = performance.measure('from a', 'a'); return [m.startTime, m.duration === now - 20]; });
    await check('measure(name, start, end)', () => measured('a to b', 'a', 'b'));
    await check('measure(name, undefined, end)', () => measured('to b', undefined, 'b'));
    await check('measure backwards', () => measured('b to a', 'b', 'a'));
    await check('measure { start, end }', () => measured('opts', { start: 'a', end: 30, detail: { why: 'test' } }));
    await check('measure { start, duration }', () => measured('opts', { start: 5, duration: 7 }));
    await check('measure { duration, end }', () => measured('opts', { duration: 4, end: 'b' }));
    await check('measure { start }', () => { const m = performance.measure('opts', { start: 'b' }); return [m.startTime, m.duration === now - 30]; });
    await check('measure { end }', () => measured('opts', { end: 'b' }));
    await check('measure toJSON', () => plain(performance.measure('json', { start: 1, end: 2, detail: [1] })));
    await check('measure without a name', () => performance.measure());
    await check('measure from a missing mark', () => performance.measure('m', 'missing'));
    await check('measure to a missing mark', () => performance.measure('m', 'a', 'missing'));
    await check('measure from a PerformanceTiming attribute', () => performance.measure('m', 'navigationStart'));
    await check('measure with options and an end mark', () => performance.measure('m', { start: 'a' }, 'b'));
    await check('measure with a detail alone', () => performance.measure('m', { detail: 1 }));
    await check('measure with a duration alone', () => performance.measure('m', { duration: 1 }));
    await check('measure with start, end and duration', () => performance.measure('m', { start: 1, end: 2, duration: 1 }));
    await check('measure with a negative start', () => performance.measure('m', { start: -1 }));
    await check('measure with a negative duration', () => performance.measure('m', { start: 1, duration: -1 }));
    await check('measure with an infinite end', () => performance.measure('m', { end: Infinity }));
    await check('measure with an empty options object', () => { const m = performance.measure('empty', {}); return [m.startTime, m.duration === now]; });

    await check('getEntries, by startTime', () => performance.getEntries().map((e) => [e.entryType, e.name, e.startTime]).slice(0, 6));
    await check('getEntriesByName', () => [
      performance.getEntriesByName('a').map((e) => e.startTime),
      performance.getEntriesByName('opts', 'measure').length,
      performance.getEntriesByName('opts', 'mark').length,
    ]);
    await check('getEntriesByType', () => [performance.getEntriesByType('mark').map((e) => e.name), performance.getEntriesByType('resource'), performance.getEntriesByType('nope')]);
    await check('getEntriesByName without a name', () => performance.getEntriesByName());
    await check('clearMarks(name) keeps measures of that name', () => {
      performance.mark('opts');
      performance.clearMarks('opts');
      return [performance.getEntriesByName('opts', 'mark').length, performance.getEntriesByName('opts', 'measure').length];
    });
    await check('clearMarks()', () => { performance.clearMarks(); return [performance.getEntriesByType('mark').length, performance.getEntriesByType('measure').length > 0]; });
    await check('clearMeasures(name) and clearMeasures()', () => {
      performance.clearMeasures('opts');
      const left = performance.getEntriesByName('opts').length;
      performance.clearMeasures();
      return [left, performance.getEntries().length];
    });

    await check('performance', () => [
      performance.toJSON(), JSON.stringify(performance), performance.timeOrigin, performance instanceof Performance,
      performance instanceof EventTarget, typeof performance.addEventListener, Object.prototype.toString.call(performance),
    ]);
    await check('new Performance()', () => new Performance());
    await check('new PerformanceEntry()', () => new PerformanceEntry());
    await check('new PerformanceMeasure()', () => new PerformanceMeasure());
    await check('new PerformanceObserverEntryList()', () => new PerformanceObserverEntryList());
    await check('new PerformanceResourceTiming()', () => new PerformanceResourceTiming());
    await check('class relations', () => [
      Object.getPrototypeOf(PerformanceMark) === PerformanceEntry, Object.getPrototypeOf(PerformanceMeasure) === PerformanceEntry,
      Object.getPrototypeOf(PerformanceResourceTiming) === PerformanceEntry,
      performance.mark.length, performance.measure.length, performance.getEntriesByName.length,
    ]);
    reset();

    // Observers.
    await check('observer callback', async () => {
      const calls = [];
      const observer = new PerformanceObserver(function (list, self, options) {
        calls.push([this === observer, self === observer, list instanceof PerformanceObserverEntryList, list.getEntries().map((e) => e.name), options]);
      });
      observer.observe({ type: 'mark' });
      performance.mark('o1', { startTime: 5 });
      performance.mark('o2', { startTime: 1 });
      performance.measure('not observed', 'o2', 'o1');
      const synchronously = calls.length;
      await scheduler.wait(0);
      performance.mark('o3');
      await scheduler.wait(0);
      observer.disconnect();
      performance.mark('after disconnect');
      await scheduler.wait(0);
      return [synchronously, calls];
    });
    await check('observer entryTypes and the entry list', async () => {
      let seen;
      const observer = new PerformanceObserver((list) => {
        seen = [list.getEntries().map((e) => e.name), list.getEntriesByType('measure').map((e) => e.name), list.getEntriesByName('p1').map((e) => e.entryType), list.getEntriesByName('p1', 'measure')];
      });
      observer.observe({ entryTypes: ['measure', 'mark', 'unsupported'] });
      performance.mark('p1', { startTime: 2 });
      performance.measure('m1', { start: 1, end: 3 });
      await scheduler.wait(0);
      observer.disconnect();
      return seen;
    });
    reset();
    await check('observer buffered, droppedEntriesCount once, takeRecords', async () => {
      const calls = [];
      const observer = new PerformanceObserver((list, self, options) => calls.push([list.getEntries().map((e) => e.name), options]));
      observer.observe({ type: 'mark', buffered: true });
      performance.mark('later');
      await scheduler.wait(0);
      performance.mark('taken');
      const taken = observer.takeRecords().map((e) => e.name);
      performance.mark('last');
      await scheduler.wait(0);
      observer.disconnect();
      return [calls, taken];
    });
    await check('observers are called even when one throws', async () => {
      const calls = [];
      const throwing = new PerformanceObserver(() => { calls.push('throwing'); throw new Error('observer failed'); });
      const other = new PerformanceObserver(() => calls.push('other'));
      throwing.observe({ type: 'mark' });
      other.observe({ type: 'mark' });
      performance.mark('x');
      await scheduler.wait(0);
      throwing.disconnect();
      other.disconnect();
      return calls;
    });
    await check('unsupported type is ignored', async () => {
      let called = false;
      const observer = new PerformanceObserver(() => { called = true; });
      observer.observe({ type: 'resource', buffered: true });
      performance.mark('y');
      await scheduler.wait(0);
      return called;
    });
    await check('supportedEntryTypes', () => [PerformanceObserver.supportedEntryTypes, Object.isFrozen(PerformanceObserver.supportedEntryTypes), PerformanceObserver.supportedEntryTypes === PerformanceObserver.supportedEntryTypes]);
    await check('new PerformanceObserver()', () => new PerformanceObserver());
    await check('new PerformanceObserver(not a function)', () => new PerformanceObserver({}));
    const observer = new PerformanceObserver(() => {});
    await check('observe() without a type', () => observer.observe());
    await check('observe() with entryTypes and type', () => observer.observe({ entryTypes: ['mark'], type: 'mark' }));
    await check('observe() with entryTypes and buffered', () => observer.observe({ entryTypes: ['mark'], buffered: false }));
    await check('observe() switching from type to entryTypes', () => { observer.observe({ type: 'mark' }); observer.observe({ entryTypes: ['mark'] }); });
    observer.disconnect();
    reset();

    // The bound: the latest ${BUFFER_LIMIT} marks are kept.
    await check('buffer limit', async () => {
      for (let i = 0; i < ${BUFFER_LIMIT} + 5; i++) performance.mark('loop ' + i);
      const marks = performance.getEntriesByType('mark');
      const measure = performance.measure('latest', 'loop ${BUFFER_LIMIT + 4}');
      let dropped;
      const observer = new PerformanceObserver((list, self, options) => { dropped = options.droppedEntriesCount; });
      observer.observe({ type: 'mark', buffered: true });
      await scheduler.wait(0);
      observer.disconnect();
      return [marks.length, marks[0].name, marks.at(-1).name, measure.duration, dropped];
    });
  `));
});

test('mark() records a PerformanceMark at the frozen clock, with a cloned detail', () => {
  assert.deepEqual(value(results, 'mark defaults'), [true, true, 'a', 'mark', true, 0, null]);
  const [startTime, detail, cloned, stable, json] = value(results, 'mark options');
  assert.deepEqual([startTime, detail, cloned, stable], [12.5, { nested: [1, 2] }, true, true]);
  assert.deepEqual(json, { name: 'b', entryType: 'mark', startTime: 12.5, duration: 0, detail: { nested: [1, 2] } });
  assert.equal(value(results, 'mark name is converted'), '42');
  assert.equal(value(results, 'mark named as a PerformanceTiming attribute (allowed outside a window)'), 'navigationStart');
  assert.deepEqual(value(results, 'PerformanceMark constructor stays off the timeline'), ['constructed', 3, 0]);
});

test('mark() errors', () => {
  assertTypeError(results, 'mark without a name', "Failed to execute 'mark': 1 argument required, but only 0 present.");
  assertTypeError(results, 'mark with a symbol name');
  assertTypeError(results, 'mark with a negative startTime', "'startTime' cannot have a negative value.");
  assertTypeError(results, 'mark with a NaN startTime', "'startTime' is not a finite floating-point value.");
  assertTypeError(results, 'mark with options not a dictionary');
  assertDOMException(results, 'mark with an uncloneable detail', 'DataCloneError');
});

test('measure() in its three forms', () => {
  assert.deepEqual(value(results, 'measure(name)'), [0, true]);
  assert.deepEqual(value(results, 'measure(name, start)'), [20, true]);
  assert.deepEqual(value(results, 'measure(name, start, end)'), ['a to b', 'measure', 20, 10, null]);
  assert.deepEqual(value(results, 'measure(name, undefined, end)'), ['to b', 'measure', 0, 30, null]);
  assert.deepEqual(value(results, 'measure backwards'), ['b to a', 'measure', 30, -10, null]);
  assert.deepEqual(value(results, 'measure { start, end }'), ['opts', 'measure', 20, 10, { why: 'test' }]);
  assert.deepEqual(value(results, 'measure { start, duration }'), ['opts', 'measure', 5, 7, null]);
  assert.deepEqual(value(results, 'measure { duration, end }'), ['opts', 'measure', 26, 4, null]);
  assert.deepEqual(value(results, 'measure { start }'), [30, true]);
  assert.deepEqual(value(results, 'measure { end }'), ['opts', 'measure', 0, 30, null]);
  assert.deepEqual(value(results, 'measure with an empty options object'), [0, true]);
  assert.deepEqual(value(results, 'measure toJSON'), { name: 'json', entryType: 'measure', startTime: 1, duration: 1, detail: [1] });
});

test('measure() errors', () => {
  assertTypeError(results, 'measure without a name', "Failed to execute 'measure': 1 argument required, but only 0 present.");
  assertDOMException(results, 'measure from a missing mark', 'SyntaxError');
  assert.equal(results['measure from a missing mark'].error.message, "The mark 'missing' does not exist.");
  assertDOMException(results, 'measure to a missing mark', 'SyntaxError');
  assertTypeError(results, 'measure from a PerformanceTiming attribute', "'navigationStart' is a PerformanceTiming attribute, which only a window has.");
  assertTypeError(results, 'measure with options and an end mark');
  assertTypeError(results, 'measure with a detail alone');
  assertTypeError(results, 'measure with a duration alone');
  assertTypeError(results, 'measure with start, end and duration');
  assertTypeError(results, 'measure with a negative start', "'start' cannot have a negative value.");
  assertTypeError(results, 'measure with a negative duration', "'duration' cannot have a negative value.");
  assertTypeError(results, 'measure with an infinite end', "'end' is not a finite floating-point value.");
});

test('entry lists are sorted by startTime; clearMarks and clearMeasures by name or all', () => {
  assert.deepEqual(value(results, 'getEntries, by startTime'), [
    ['measure', 'all', 0], ['measure', 'to b', 0], ['measure', 'opts', 0], ['measure', 'empty', 0],
    ['measure', 'json', 1], ['measure', 'opts', 5],
  ]);
  assert.deepEqual(value(results, 'getEntriesByName'), [[10, 20], 5, 0]);
  assert.deepEqual(value(results, 'getEntriesByType'), [['a', 'a', 'b'], [], []]);
  assertTypeError(results, 'getEntriesByName without a name');
  assert.deepEqual(value(results, 'clearMarks(name) keeps measures of that name'), [0, 5]);
  assert.deepEqual(value(results, 'clearMarks()'), [0, true]);
  assert.deepEqual(value(results, 'clearMeasures(name) and clearMeasures()'), [0, 0]);
});

test('performance and the Performance* classes', () => {
  assert.deepEqual(value(results, 'performance'), [{ timeOrigin: 0 }, '{"timeOrigin":0}', 0, true, true, 'function', '[object Performance]']);
  for (const name of ['new Performance()', 'new PerformanceEntry()', 'new PerformanceMeasure()', 'new PerformanceObserverEntryList()', 'new PerformanceResourceTiming()']) {
    assertTypeError(results, name, 'Illegal constructor');
  }
  assert.deepEqual(value(results, 'class relations'), [true, true, true, 1, 1, 1]);
});

test('PerformanceObserver: asynchronous callbacks with the entries of its types', () => {
  const [synchronously, calls] = value(results, 'observer callback');
  assert.equal(synchronously, 0);
  assert.deepEqual(calls, [
    [true, true, true, ['o2', 'o1'], { droppedEntriesCount: 0 }],
    [true, true, true, ['o3'], {}],
  ]);
  assert.deepEqual(value(results, 'observer entryTypes and the entry list'), [['m1', 'p1'], ['m1'], ['mark'], []]);
  assert.deepEqual(value(results, 'observer buffered, droppedEntriesCount once, takeRecords'), [
    [[['later'], { droppedEntriesCount: 0 }], [['last'], {}]],
    ['taken'],
  ]);
  assert.deepEqual(value(results, 'observers are called even when one throws'), ['throwing', 'other']);
  assert.equal(value(results, 'unsupported type is ignored'), false);
  assert.deepEqual(value(results, 'supportedEntryTypes'), [['mark', 'measure'], true, true]);
});

test('PerformanceObserver errors', () => {
  assertTypeError(results, 'new PerformanceObserver()');
  assertTypeError(results, 'new PerformanceObserver(not a function)');
  assertTypeError(results, 'observe() without a type');
  assertTypeError(results, 'observe() with entryTypes and type');
  assertTypeError(results, 'observe() with entryTypes and buffered');
  assertDOMException(results, 'observe() switching from type to entryTypes', 'InvalidModificationError');
});

test(`the timeline keeps the latest ${BUFFER_LIMIT} marks; observers learn how many were dropped`, () => {
  assert.deepEqual(value(results, 'buffer limit'), [BUFFER_LIMIT, 'loop 5', `loop ${BUFFER_LIMIT + 4}`, 0, 5]);
});

test('a worker that marks and measures on every request stays bounded', async () => {
  const worker = await startWorker(`export default {
    fetch() {
      for (let i = 0; i < 3000; i++) {
        performance.mark('start');
        performance.measure('since start', 'start');
      }
      return Response.json([performance.getEntriesByType('mark').length, performance.getEntriesByType('measure').length]);
    },
  };`);
  try {
    const counts = [];
    for (let i = 0; i < 5; i++) counts.push(await (await worker.fetch('/')).json());
    assert.deepEqual(counts, [[3000, 3000], [6000, 6000], [9000, 9000], [BUFFER_LIMIT, BUFFER_LIMIT], [BUFFER_LIMIT, BUFFER_LIMIT]]);
  } finally {
    await worker.dispose();
  }
});

test('enable_global_performance_classes: with nodejs_compat from 2026-03-17, or by flag; disable_global_performance_classes turns it off', () => {
  const on = (date, flags) => resolveCompatibility(date, flags).globalPerformanceClasses;
  assert.equal(on('2026-03-17'), false);
  assert.equal(on('2026-03-16', ['nodejs_compat']), false);
  assert.equal(on('2026-03-17', ['nodejs_compat']), true);
  assert.equal(on('2026-08-04'), true); // nodejs_compat is on by default from then
  assert.equal(on('2026-08-04', ['no_nodejs_compat', 'no_nodejs_compat_v2']), false);
  assert.equal(on('2024-01-01', ['enable_global_performance_classes']), true);
  assert.equal(on('2026-08-04', ['disable_global_performance_classes']), false);
  for (const flags of [['enable_global_performance_classes'], ['disable_global_performance_classes']]) {
    assert.deepEqual(resolveCompatibility('2026-01-01', flags).warnings, []);
  }
  assert.match(resolveCompatibility('2026-01-01', ['enable_global_performance_classes', 'disable_global_performance_classes']).warnings.join(), /contradict/);
});

test('without the flag performance has only now() and timeOrigin, and the classes are absent', async () => {
  const probe = `export default { fetch() {
    return Response.json([typeof performance.now, typeof performance.timeOrigin, typeof performance.mark, typeof performance.toJSON,
      typeof PerformanceMark, typeof PerformanceObserver, typeof Performance, performance instanceof EventTarget]);
  } };`;
  for (const [globalPerformanceClasses, expected] of [
    [false, ['function', 'number', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', false]],
    [true, ['function', 'number', 'function', 'function', 'function', 'function', 'function', true]],
  ]) {
    const worker = await startWorker(probe, { compat: { ...NO_NODE_COMPAT, globalPerformanceClasses } });
    try {
      assert.deepEqual(await (await worker.fetch('/')).json(), expected, `globalPerformanceClasses: ${globalPerformanceClasses}`);
    } finally {
      await worker.dispose();
    }
  }
});

test('the timeline loads on first use: performance.now() alone does not load it', async () => {
  const worker = await startWorker(`export default { fetch() {
    performance.now();
    const before = [Object.getOwnPropertyDescriptor(globalThis, 'PerformanceMark').get !== undefined, Object.hasOwn(Object.getPrototypeOf(performance), 'mark')];
    performance.mark('x');
    const after = [Object.getOwnPropertyDescriptor(globalThis, 'PerformanceMark').get !== undefined, Object.hasOwn(Object.getPrototypeOf(performance), 'mark')];
    return Response.json([before, after, 'mark' in performance, performance.mark === Performance.prototype.mark]);
  } };`);
  try {
    assert.deepEqual(await (await worker.fetch('/')).json(), [[true, false], [true, true], true, true]);
  } finally {
    await worker.dispose();
  }
});

test('scripts can replace the globals before they are loaded', async () => {
  const worker = await startWorker(`
    globalThis.PerformanceMark = class Replaced {};
    export default { fetch() { return Response.json([PerformanceMark.name, performance.mark('x') instanceof PerformanceEntry]); } };
  `);
  try {
    assert.deepEqual(await (await worker.fetch('/')).json(), ['Replaced', true]);
  } finally {
    await worker.dispose();
  }
});
