// node:assert and node:assert/strict: the assertions, their AssertionErrors and messages
// (checked against Node's own for the same failures).
import { test } from 'node:test';
import assert from 'node:assert';
import { runNodeChecks, value, error } from './node-checks.js';

// Failing assertions, as source run both here and in the worker.
const FAILURES = [
  "a.strictEqual(1, 2)", "a.strictEqual('hello world', 'hello there')", "a.strictEqual({ a: 1 }, { a: 1 })", "a.strictEqual([1, 2], [1, 3])",
  "a.deepStrictEqual({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] })", "a.deepStrictEqual({ a: 1 }, { a: '1' })", "a.deepEqual({ a: 1 }, { a: 2 })",
  "a.notStrictEqual(1, 1)", "a.notDeepStrictEqual({ a: 1 }, { a: 1 })", "a.notDeepEqual([1], [1])", "a.equal(1, 2)", "a.notEqual(1, 1)",
  "a.ok(false)", "a.ok()", "a.ok(0, 'custom message')", "a.fail()", "a.fail('boom')", "a.throws(() => {})", "a.throws(() => {}, TypeError)",
  "a.throws(() => { throw new Error('x'); }, TypeError)", "a.throws(() => { throw new Error('x'); }, /y/)", "a.throws(() => { throw new Error('x'); }, { message: 'y' })",
  "a.throws(() => { throw new Error('x'); }, (e) => false)", "a.doesNotThrow(() => { throw new Error('x'); })", "a.match('abc', /x/)",
  "a.doesNotMatch('abc', /b/)", "a.match(1, /x/)", "a.ifError(new Error('bad'))", "a.strictEqual(1)", "a.throws(() => { throw new Error('x'); }, 'x')",
  "a.strict.equal(1, '1')", "a.strict.deepEqual({ a: 1 }, { a: '1' })", "a.deepStrictEqual(new Set([1]), new Set([2]))", "a.throws('notfn')",
  "a.strictEqual(-0, 0)", "a.deepStrictEqual(new Map([[1, 'a']]), new Map([[1, 'b']]))", "a.notStrictEqual({}, {}) || a.notStrictEqual(NaN, NaN)",
  "a.deepStrictEqual([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 9])",
  "a.deepStrictEqual(Object.fromEntries(Array.from({ length: 20 }, (_, i) => ['k' + i, i])), Object.fromEntries(Array.from({ length: 20 }, (_, i) => ['k' + i, i === 10 ? -1 : i])))",
  "a.deepStrictEqual(Array.from({ length: 30 }, (_, i) => i), Array.from({ length: 30 }, (_, i) => (i === 3 || i === 25 ? -i : i)))",
  "a.deepStrictEqual({ a: [1, 2], b: 'x' }, { a: [1, 2, 3], b: 'y' })",
  "a.deepEqual('x'.repeat(600), 'y')",
];

function describe(fn) {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return { name: e.name, code: e.code, message: e.message, generatedMessage: e.generatedMessage, operator: e.operator, isAssertionError: e instanceof assert.AssertionError };
  }
}

test('failing assertions throw AssertionErrors with Node\'s properties and messages', async () => {
  const { results } = await runNodeChecks({
    imports: `import a, { AssertionError } from 'node:assert';`,
    body: `
      const describe = (fn) => { try { fn(); return 'no error'; } catch (e) { return { name: e.name, code: e.code, message: e.message, generatedMessage: e.generatedMessage, operator: e.operator, isAssertionError: e instanceof AssertionError }; } };
      await check('failures', () => [${FAILURES.map((f) => `describe(() => ${f})`).join(', ')}]);
    `,
  });
  const a = assert;
  const expected = FAILURES.map((f) => describe(() => new Function('a', f)(a)));
  const actual = value(results, 'failures');
  for (let i = 0; i < FAILURES.length; i++) {
    // Node reads the source of a failing a.ok(expression) to quote it; a worker has no source to
    // read, and Node's own fallback message applies ("false == true").
    if (FAILURES[i] === 'a.ok(false)') {
      assert.equal(actual[i].message, 'false == true');
      continue;
    }
    assert.deepEqual(actual[i], JSON.parse(JSON.stringify(expected[i])), FAILURES[i]);
  }
});

test('passing assertions, throws/rejects validation forms, and the module shapes', async () => {
  const { results } = await runNodeChecks({
    imports: `import assert, { AssertionError, strictEqual, CallTracker } from 'node:assert'; import bare from 'assert'; import strict, { equal as strictEq } from 'node:assert/strict'; import strictBare from 'assert/strict';`,
    body: `
      await check('module', () => [typeof assert, bare === assert, assert.strict === strict, strictBare === strict, strict.strict === strict, strictEq === assert.strictEqual, strictEqual === assert.strictEqual, assert.AssertionError === AssertionError, strict.equal === assert.strictEqual, strict.deepEqual === assert.deepStrictEqual]);
      await check('passing', async () => {
        assert(true); assert.ok('x'); assert.equal(1, '1'); assert.notEqual(1, 2); assert.strictEqual(NaN, NaN);
        assert.deepEqual({ a: [1, '2'] }, { a: [1, 2] }); assert.deepStrictEqual(new Map([[{ k: 1 }, new Set([1])]]), new Map([[{ k: 1 }, new Set([1])]]));
        assert.notDeepStrictEqual({ a: 1 }, { a: '1' }); assert.partialDeepStrictEqual({ a: 1, b: 2, c: [1, 2, 3] }, { a: 1, c: [1, 3] });
        assert.throws(() => { throw new TypeError('bad value'); }, TypeError);
        assert.throws(() => { throw new TypeError('bad value'); }, /bad/);
        assert.throws(() => { throw new TypeError('bad value'); }, { name: 'TypeError', message: /value/ });
        assert.throws(() => { throw new TypeError('bad value'); }, (e) => e instanceof TypeError);
        assert.doesNotThrow(() => 1);
        await assert.rejects(Promise.reject(new Error('r')), /r/);
        await assert.rejects(async () => { throw new RangeError('x'); }, RangeError);
        await assert.doesNotReject(Promise.resolve(1));
        assert.match('abc', /b/); assert.doesNotMatch('abc', /x/); assert.ifError(null); assert.ifError(undefined);
        return 'all passed';
      });
      await check('rejectsFail', async () => { try { await assert.rejects(Promise.resolve()); } catch (e) { return [e.message, e.operator]; } });
      await check('rejectsNotPromise', async () => { try { await assert.rejects(() => 5); } catch (e) { return e.code; } });
      await check('customError', () => { const err = new TypeError('mine'); try { assert.ok(false, err); } catch (e) { return e === err; } });
      await check('errorProps', () => { const e = new AssertionError({ actual: 1, expected: 2, operator: 'strictEqual' }); return [e.name, e.code, e.actual, e.expected, e.operator, e.generatedMessage, String(e).startsWith('AssertionError [ERR_ASSERTION]: Expected values'), e instanceof Error]; });
      await check('partialFail', () => assert.partialDeepStrictEqual({ a: 1 }, { a: 2 }));
      await check('callTracker', () => { const tracker = new CallTracker(); const fn = tracker.calls(() => 'x', 2); fn(); const report = tracker.report(); try { tracker.verify(); } catch (e) { return [report.length, report[0].message, e.message]; } });
    `,
  });
  assert.deepEqual(value(results, 'module'), ['function', true, true, true, true, true, true, true, true, true]);
  assert.equal(value(results, 'passing'), 'all passed');
  assert.deepEqual(value(results, 'rejectsFail'), ['Missing expected rejection.', 'rejects']);
  assert.equal(value(results, 'rejectsNotPromise'), 'ERR_INVALID_RETURN_VALUE');
  assert.equal(value(results, 'customError'), true);
  assert.deepEqual(value(results, 'errorProps'), ['AssertionError', 'ERR_ASSERTION', 1, 2, 'strictEqual', true, true, true]);
  assert.equal(error(results, 'partialFail').code, 'ERR_ASSERTION');
  const tracker = value(results, 'callTracker');
  assert.equal(tracker[0], 1);
  assert.equal(tracker[1], 'Expected the calls function to be executed 2 time(s) but was executed 1 time(s).');
  assert.equal(tracker[2], tracker[1]);
});
