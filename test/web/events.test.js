import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError, assertDOMException } from './run-checks.js';
import { startWorker } from '../helpers/worker.js';

let results;
let logs;
before(async () => {
  ({ results, logs } = await runChecks(`
    await check('eventDefaults', () => {
      const e = new Event('x');
      return [e.type, e.bubbles, e.cancelable, e.composed, e.defaultPrevented, e.isTrusted, e.eventPhase, e.target, e.currentTarget, typeof e.timeStamp, e.returnValue, e.cancelBubble];
    });
    await check('eventInit', () => { const e = new Event('y', { bubbles: true, cancelable: true, composed: true }); return [e.bubbles, e.cancelable, e.composed]; });
    await check('eventNoArgs', () => new Event());
    await check('phases', () => [Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE, new Event('x').AT_TARGET]);
    await check('preventDefault', () => {
      const a = new Event('x', { cancelable: true });
      a.preventDefault();
      const b = new Event('x');
      b.preventDefault();
      const c = new Event('x', { cancelable: true });
      c.returnValue = false;
      return [a.defaultPrevented, b.defaultPrevented, c.defaultPrevented];
    });
    await check('dispatch', () => {
      const t = new EventTarget();
      const seen = [];
      t.addEventListener('x', function (e) { seen.push(['fn', this === t, e.target === t, e.currentTarget === t, e.eventPhase]); });
      t.addEventListener('x', { handleEvent(e) { seen.push(['obj', this !== t]); } });
      const e = new Event('x', { cancelable: true });
      const ret = t.dispatchEvent(e);
      return [seen, ret, e.eventPhase, e.currentTarget, e.target === t];
    });
    await check('dispatchReturnsFalseWhenCanceled', () => {
      const t = new EventTarget();
      t.addEventListener('x', (e) => e.preventDefault());
      return [t.dispatchEvent(new Event('x', { cancelable: true })), t.dispatchEvent(new Event('x'))];
    });
    await check('duplicates', () => {
      const t = new EventTarget();
      let n = 0;
      const fn = () => n++;
      t.addEventListener('x', fn);
      t.addEventListener('x', fn);
      t.addEventListener('x', fn, { capture: true });
      t.dispatchEvent(new Event('x'));
      t.removeEventListener('x', fn);
      t.dispatchEvent(new Event('x'));
      t.removeEventListener('x', fn, true);
      t.dispatchEvent(new Event('x'));
      return n;
    });
    await check('captureFirst', () => {
      const t = new EventTarget();
      const order = [];
      t.addEventListener('x', () => order.push('bubble'));
      t.addEventListener('x', () => order.push('capture'), true);
      t.dispatchEvent(new Event('x'));
      return order;
    });
    await check('once', () => {
      const t = new EventTarget();
      let n = 0;
      t.addEventListener('x', () => n++, { once: true });
      t.dispatchEvent(new Event('x'));
      t.dispatchEvent(new Event('x'));
      return n;
    });
    await check('passive', () => {
      const t = new EventTarget();
      t.addEventListener('x', (e) => e.preventDefault(), { passive: true });
      const e = new Event('x', { cancelable: true });
      return [t.dispatchEvent(e), e.defaultPrevented];
    });
    await check('signal', () => {
      const t = new EventTarget();
      const c = new AbortController();
      let n = 0;
      t.addEventListener('x', () => n++, { signal: c.signal });
      t.dispatchEvent(new Event('x'));
      c.abort();
      t.dispatchEvent(new Event('x'));
      t.addEventListener('x', () => n++, { signal: AbortSignal.abort() });
      t.dispatchEvent(new Event('x'));
      return n;
    });
    await check('badSignal', () => new EventTarget().addEventListener('x', () => {}, { signal: {} }));
    await check('stopImmediate', () => {
      const t = new EventTarget();
      const order = [];
      t.addEventListener('x', (e) => { order.push(1); e.stopImmediatePropagation(); });
      t.addEventListener('x', () => order.push(2));
      t.dispatchEvent(new Event('x'));
      return order;
    });
    await check('stopPropagationAtTarget', () => {
      const t = new EventTarget();
      const order = [];
      t.addEventListener('x', (e) => { order.push(1); e.stopPropagation(); });
      t.addEventListener('x', () => order.push(2));
      const e = new Event('x');
      t.dispatchEvent(e);
      return [order, e.cancelBubble];
    });
    await check('addedDuringDispatch', () => {
      const t = new EventTarget();
      const order = [];
      t.addEventListener('x', () => { order.push('a'); t.addEventListener('x', () => order.push('late')); });
      t.dispatchEvent(new Event('x'));
      return order;
    });
    await check('removedDuringDispatch', () => {
      const t = new EventTarget();
      const order = [];
      const b = () => order.push('b');
      t.addEventListener('x', () => { order.push('a'); t.removeEventListener('x', b); });
      t.addEventListener('x', b);
      t.dispatchEvent(new Event('x'));
      return order;
    });
    await check('listenerThrows', () => {
      const t = new EventTarget();
      const order = [];
      t.addEventListener('x', () => { throw new Error('listener failed'); });
      t.addEventListener('x', () => order.push('after'));
      return [t.dispatchEvent(new Event('x')), order];
    });
    await check('redispatch', () => {
      const t = new EventTarget();
      let inner;
      t.addEventListener('x', (e) => { try { t.dispatchEvent(e); } catch (err) { inner = [err.name, err instanceof DOMException]; } });
      t.dispatchEvent(new Event('x'));
      return inner;
    });
    await check('dispatchNonEvent', () => new EventTarget().dispatchEvent({ type: 'x' }));
    await check('nullListener', () => { const t = new EventTarget(); t.addEventListener('x', null); t.removeEventListener('x', null); return t.dispatchEvent(new Event('x')); });
    await check('subclass', () => {
      class Emitter extends EventTarget {}
      const t = new Emitter();
      let got;
      t.addEventListener('ping', (e) => { got = e.type; });
      t.dispatchEvent(new Event('ping'));
      return [got, t instanceof EventTarget];
    });
    await check('customEvent', () => {
      const t = new EventTarget();
      let detail;
      t.addEventListener('c', (e) => { detail = e.detail; });
      t.dispatchEvent(new CustomEvent('c', { detail: { a: 1 } }));
      const plain = new CustomEvent('c');
      return [detail, plain.detail, plain instanceof Event, CustomEvent.name];
    });
    await check('names', () => [Event.name, EventTarget.name, Object.prototype.toString.call(new Event('x')), Object.prototype.toString.call(new EventTarget())]);
    await check('isTrustedOwn', () => {
      const a = Object.getOwnPropertyDescriptor(new Event('x'), 'isTrusted');
      const b = Object.getOwnPropertyDescriptor(new CustomEvent('y'), 'isTrusted');
      const c = new AbortController();
      let trusted;
      c.signal.addEventListener('abort', (e) => { trusted = e.isTrusted; });
      c.abort();
      return [typeof a.get, a.get === b.get, a.configurable, 'isTrusted' in Event.prototype, a.get.call(new Event('z')), trusted];
    });
    await check('optionsReadForNullListener', () => {
      const read = [];
      const options = { get capture() { read.push('capture'); }, get once() { read.push('once'); }, get passive() { read.push('passive'); }, get signal() { read.push('signal'); } };
      new EventTarget().addEventListener('x', null, options);
      return read;
    });
    await check('initEventNoArgs', () => new Event('x').initEvent());
    await check('initCustomEventNoArgs', () => new CustomEvent('x').initCustomEvent());
    await check('stopBeforeDispatch', () => {
      const t = new EventTarget();
      let calls = 0;
      t.addEventListener('x', () => calls++);
      const stopped = new Event('x');
      stopped.stopPropagation();
      t.dispatchEvent(stopped);
      const stoppedImmediately = new Event('x');
      stoppedImmediately.stopImmediatePropagation();
      t.dispatchEvent(stoppedImmediately);
      return [calls, stopped.cancelBubble, stoppedImmediately.cancelBubble];
    });
    await check('stopInCaptureListener', () => {
      const t = new EventTarget();
      const order = [];
      t.addEventListener('x', () => order.push('bubble'));
      t.addEventListener('x', (e) => { order.push('capture'); e.stopPropagation(); }, true);
      t.dispatchEvent(new Event('x'));
      return order;
    });
    // The global scope (ServiceWorkerGlobalScope in Workers) is an EventTarget.
    await check('globalIsEventTarget', () => [
      globalThis instanceof EventTarget, Object.getPrototypeOf(globalThis) === EventTarget.prototype,
      Object.prototype.toString.call(globalThis), typeof dispatchEvent, dispatchEvent.name, removeEventListener.name,
    ]);
    await check('globalDispatch', () => {
      const seen = [];
      const listener = function (e) { seen.push([this === globalThis, e.target === globalThis, e.currentTarget === globalThis, e.type]); };
      // Called bare, as scripts do, and through globalThis.
      addEventListener('custom', listener);
      globalThis.addEventListener('custom', { handleEvent(e) { seen.push(['object', e.type]); } }, { once: true });
      const returned = dispatchEvent(new Event('custom', { cancelable: true }));
      removeEventListener('custom', listener);
      globalThis.dispatchEvent(new Event('custom'));
      return [seen, returned];
    });
    await check('globalDispatchCanceled', () => {
      const cancel = (e) => e.preventDefault();
      addEventListener('cancel-me', cancel);
      const result = EventTarget.prototype.dispatchEvent.call(globalThis, new Event('cancel-me', { cancelable: true }));
      removeEventListener('cancel-me', cancel);
      return result;
    });
    await check('globalDispatchNonEvent', () => dispatchEvent({ type: 'custom' }));
    await check('globalListenerThrows', () => {
      const after = [];
      const thrower = () => { throw new Error('global listener failed'); };
      const next = () => after.push('after');
      addEventListener('boom', thrower);
      addEventListener('boom', next);
      dispatchEvent(new Event('boom'));
      removeEventListener('boom', thrower);
      removeEventListener('boom', next);
      return after;
    });
  `));
});

test('Event defaults and init', () => {
  assert.deepEqual(value(results, 'eventDefaults'), ['x', false, false, false, false, false, 0, null, null, 'number', true, false]);
  assert.deepEqual(value(results, 'eventInit'), [true, true, true]);
  assertTypeError(results, 'eventNoArgs');
  assert.deepEqual(value(results, 'phases'), [0, 1, 2, 3, 2]);
});

test('preventDefault only affects cancelable events', () => {
  assert.deepEqual(value(results, 'preventDefault'), [true, false, true]);
  assert.deepEqual(value(results, 'dispatchReturnsFalseWhenCanceled'), [false, true]);
});

test('dispatch calls functions and handleEvent objects at the target', () => {
  assert.deepEqual(value(results, 'dispatch'), [[['fn', true, true, true, 2], ['obj', true]], true, 0, null, true]);
});

test('listeners are unique per type, callback and capture', () => {
  assert.equal(value(results, 'duplicates'), 3);
  assert.deepEqual(value(results, 'captureFirst'), ['capture', 'bubble']);
});

test('once, passive and signal options', () => {
  assert.equal(value(results, 'once'), 1);
  assert.deepEqual(value(results, 'passive'), [true, false]);
  assert.equal(value(results, 'signal'), 1);
  assertTypeError(results, 'badSignal');
});

test('stopImmediatePropagation stops the remaining listeners', () => {
  assert.deepEqual(value(results, 'stopImmediate'), [1]);
  assert.deepEqual(value(results, 'stopPropagationAtTarget'), [[1, 2], false]);
});

test('the listener list is fixed when dispatch starts, but removals apply', () => {
  assert.deepEqual(value(results, 'addedDuringDispatch'), ['a']);
  assert.deepEqual(value(results, 'removedDuringDispatch'), ['a']);
});

test('a throwing listener is reported and does not stop dispatch', () => {
  assert.deepEqual(value(results, 'listenerThrows'), [true, ['after']]);
  assert.ok(logs.some((l) => l.message.includes('listener failed')), JSON.stringify(logs));
});

test('dispatching an event twice at once throws InvalidStateError', () => {
  assert.deepEqual(value(results, 'redispatch'), ['InvalidStateError', true]);
  assertTypeError(results, 'dispatchNonEvent');
  assert.equal(value(results, 'nullListener'), true);
});

test('EventTarget subclasses and CustomEvent', () => {
  assert.deepEqual(value(results, 'subclass'), ['ping', true]);
  assert.deepEqual(value(results, 'customEvent'), [{ a: 1 }, null, true, 'CustomEvent']);
  assert.deepEqual(value(results, 'names'), ['Event', 'EventTarget', '[object Event]', '[object EventTarget]']);
});

test('isTrusted is an own property sharing one getter, true only for events the platform fires', () => {
  assert.deepEqual(value(results, 'isTrustedOwn'), ['function', true, false, false, false, true]);
});

test('addEventListener reads every option even when the listener is null', () => {
  assert.deepEqual(value(results, 'optionsReadForNullListener'), ['capture', 'once', 'passive', 'signal']);
});

test('initEvent and initCustomEvent require a type', () => {
  assertTypeError(results, 'initEventNoArgs');
  assertTypeError(results, 'initCustomEventNoArgs');
});

test('with no path to propagate along, only stopImmediatePropagation keeps listeners from running', () => {
  // Dispatch clears both flags when it ends.
  assert.deepEqual(value(results, 'stopBeforeDispatch'), [1, false, false]);
  assert.deepEqual(value(results, 'stopInCaptureListener'), ['capture', 'bubble']);
});

test('the global scope is an EventTarget tagged ServiceWorkerGlobalScope, as in Workers', () => {
  assert.deepEqual(value(results, 'globalIsEventTarget'), [true, true, '[object ServiceWorkerGlobalScope]', 'function', 'dispatchEvent', 'removeEventListener']);
});

test('the global dispatchEvent reaches the global listeners, called bare or not', () => {
  // The second dispatch finds neither the removed listener nor the `once` one.
  assert.deepEqual(value(results, 'globalDispatch'), [[[true, true, true, 'custom'], ['object', 'custom']], true]);
  assert.equal(value(results, 'globalDispatchCanceled'), false);
  assertTypeError(results, 'globalDispatchNonEvent');
  // As on any EventTarget, a listener's exception is reported and the next listener still runs.
  assert.deepEqual(value(results, 'globalListenerThrows'), ['after']);
  assert.ok(logs.some((l) => l.message.includes('global listener failed')), JSON.stringify(logs));
});

// A service-worker script's handlers are listeners of the same global EventTarget.
test('service-worker fetch listeners are global EventTarget listeners', async () => {
  const worker = await startWorker(`
    const order = [];
    addEventListener('fetch', { handleEvent(event) { order.push(['object', event.target === globalThis]); } });
    addEventListener('fetch', (event) => { order.push('once'); }, { once: true });
    addEventListener('fetch', (event) => {
      if (new URL(event.request.url).pathname === '/throw') throw new Error('fetch listener failed');
      event.respondWith(Response.json(order.splice(0)));
      event.stopImmediatePropagation();
    });
    addEventListener('fetch', () => order.push('never'));
    addEventListener('custom', (event) => order.push(event.type));
    dispatchEvent(new Event('custom'));
  `, { format: 'service-worker' });
  try {
    assert.deepEqual(await (await worker.fetch('/')).json(), ['custom', ['object', true], 'once']);
    assert.deepEqual(await (await worker.fetch('/')).json(), [['object', true]]);
    const failed = await worker.fetch('/throw');
    assert.equal(failed.status, 500);
    await failed.arrayBuffer();
  } finally {
    await worker.dispose();
  }
});

test('a service-worker script without a listener for the event fails it', async () => {
  const worker = await startWorker(`addEventListener('scheduled', () => {});`, { format: 'service-worker' });
  try {
    const res = await worker.fetch('/');
    assert.equal(res.status, 500);
    await res.arrayBuffer();
    assert.ok(worker.logs.some((l) => l.message.includes('No event handlers were registered for this event.')), JSON.stringify(worker.logs));
  } finally {
    await worker.dispose();
  }
});
