import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError, error } from './run-checks.js';

let results;
before(async () => {
  ({ results } = await runChecks(`
    const describe = (r) => r instanceof DOMException ? ['DOMException', r.name, r.code, r.message !== ''] : r;
    await check('initial', () => { const c = new AbortController(); return [c.signal.aborted, c.signal.reason === undefined, c.signal === c.signal, c.signal instanceof EventTarget]; });
    await check('abortDefault', () => {
      const c = new AbortController();
      const events = [];
      c.signal.addEventListener('abort', (e) => events.push(['listener', e.type, e.isTrusted, c.signal.aborted]));
      c.signal.onabort = (e) => events.push(['onabort', e.target === c.signal]);
      c.abort();
      c.abort('again');
      return [c.signal.aborted, describe(c.signal.reason), events];
    });
    await check('abortReason', () => { const c = new AbortController(); const reason = { why: 1 }; c.abort(reason); return c.signal.reason === reason; });
    await check('throwIfAborted', () => { const c = new AbortController(); c.abort(new RangeError('stop')); c.signal.throwIfAborted(); });
    await check('throwIfAbortedNot', () => new AbortController().signal.throwIfAborted());
    await check('staticAbort', () => { const s = AbortSignal.abort(); return [s.aborted, describe(s.reason), AbortSignal.abort(7).reason]; });
    await check('constructor', () => new AbortSignal());
    await check('timeout', async () => {
      const s = AbortSignal.timeout(5);
      const before = s.aborted;
      const fired = await new Promise((resolve) => s.addEventListener('abort', () => resolve(true)));
      return [before, fired, s.aborted, describe(s.reason)];
    });
    await check('timeoutBad', () => AbortSignal.timeout(-1));
    await check('any', () => {
      const a = new AbortController();
      const b = new AbortController();
      const any = AbortSignal.any([a.signal, b.signal]);
      const nested = AbortSignal.any([any]);
      const order = [];
      any.addEventListener('abort', () => order.push('any'));
      nested.addEventListener('abort', () => order.push('nested'));
      b.signal.addEventListener('abort', () => order.push('b'));
      const before = any.aborted;
      b.abort('B');
      a.abort('A');
      return [before, any.aborted, any.reason, nested.aborted, nested.reason, order];
    });
    await check('anyAlreadyAborted', () => { const s = AbortSignal.any([new AbortController().signal, AbortSignal.abort('x')]); return [s.aborted, s.reason]; });
    await check('anyEmpty', () => AbortSignal.any([]).aborted);
    await check('anyBad', () => AbortSignal.any([{}]));
    await check('onabortNull', () => { const c = new AbortController(); let n = 0; c.signal.onabort = () => n++; c.signal.onabort = null; c.abort(); return [n, c.signal.onabort]; });
    await check('names', () => [AbortController.name, AbortSignal.name, Object.prototype.toString.call(new AbortController().signal)]);
  `));
});

test('a controller starts with an unaborted signal', () => {
  assert.deepEqual(value(results, 'initial'), [false, true, true, true]);
  assertTypeError(results, 'constructor');
});

test('abort() sets the reason (AbortError by default) and fires abort once', () => {
  assert.deepEqual(value(results, 'abortDefault'), [true, ['DOMException', 'AbortError', 20, true], [['listener', 'abort', true, true], ['onabort', true]]]);
  assert.equal(value(results, 'abortReason'), true);
});

test('throwIfAborted throws the reason', () => {
  const e = error(results, 'throwIfAborted');
  assert.equal(e.ctor, 'RangeError');
  assert.equal(e.message, 'stop');
  assert.equal(value(results, 'throwIfAbortedNot'), undefined);
});

test('AbortSignal.abort()', () => {
  assert.deepEqual(value(results, 'staticAbort'), [true, ['DOMException', 'AbortError', 20, true], 7]);
});

test('AbortSignal.timeout() aborts with TimeoutError', () => {
  assert.deepEqual(value(results, 'timeout'), [false, true, true, ['DOMException', 'TimeoutError', 23, true]]);
  assertTypeError(results, 'timeoutBad');
});

test('AbortSignal.any() follows the first source to abort', () => {
  assert.deepEqual(value(results, 'any'), [false, true, 'B', true, 'B', ['b', 'any', 'nested']]);
  assert.deepEqual(value(results, 'anyAlreadyAborted'), [true, 'x']);
  assert.equal(value(results, 'anyEmpty'), false);
  assertTypeError(results, 'anyBad');
});

test('onabort can be cleared', () => {
  assert.deepEqual(value(results, 'onabortNull'), [0, null]);
  assert.deepEqual(value(results, 'names'), ['AbortController', 'AbortSignal', '[object AbortSignal]']);
});
