// Runs checks inside a real worker isolate and brings their outcomes back to the test.
// In the worker, `check(name, fn)` records fn's (awaited) return value, or the error it threw
// as { name, message, code, ctor, isError, isDOMException }. Values must be JSON-serializable.
import assert from 'node:assert/strict';
import { startWorker } from '../helpers/worker.js';

// The source of `results` and check() for the top of a worker's module: what fn returns goes
// through `encode`, what it throws through `describeError` (both given as source text).
export function checkPrelude(describeError, encode = '(value) => value') {
  return `
const results = {};
const describeError = ${describeError};
const encode = ${encode};
async function check(name, fn) {
  try {
    const value = await fn();
    results[name] = { value: value === undefined ? '<undefined>' : encode(value) };
  } catch (e) {
    results[name] = { error: describeError(e) };
  }
}
`;
}

const PRELUDE = checkPrelude(`(e) => ({
  ctor: e?.constructor?.name ?? typeof e, name: e?.name, message: e?.message, code: e?.code,
  isError: e instanceof Error, isDOMException: e instanceof DOMException,
})`);

// `source` is the body of the worker's fetch handler (with `request`, `env` and `ctx` in scope),
// made of check() calls; `worker` holds startWorker's options (env, stateDir, ...). `prelude`,
// the top of the worker's module, defines `results` and check() (a test may bring its own, with
// imports and its own way of recording values and errors). Returns { results, logs } once the
// handler finished.
export async function runChecks(source, { init, path = '/', worker: options, prelude = PRELUDE } = {}) {
  const worker = await startWorker(`${prelude}
export default {
  async fetch(request, env, ctx) {
    ${source}
    return new Response(JSON.stringify(results), { headers: { 'content-type': 'application/json' } });
  },
};`, options);
  try {
    const res = await worker.fetch(path, init);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`worker failed (${res.status}): ${text} ${JSON.stringify(worker.logs)}`);
    return { results: JSON.parse(text), logs: worker.logs };
  } finally {
    await worker.dispose();
  }
}

// The value a check returned (undefined is carried as '<undefined>'); fails if it threw.
export function value(results, name) {
  const r = results[name];
  assert.ok(r, `no check named ${name}`);
  if (r.error) assert.fail(`${name} threw ${JSON.stringify(r.error)}`);
  return r.value === '<undefined>' ? undefined : r.value;
}

// The error a check threw; fails if it returned.
export function error(results, name) {
  const r = results[name];
  assert.ok(r, `no check named ${name}`);
  assert.ok(r.error, `${name} did not throw (returned ${JSON.stringify(r.value)})`);
  return r.error;
}

// Asserts a check threw what `nodeThrows()` throws in Node: an error of the isolate (for a
// prelude whose describeError records `own: e instanceof Error`, and `ctor`) of the same class,
// with the same message and the same `fields`.
export function assertSameError(results, name, nodeThrows, fields = ['code']) {
  const e = error(results, name);
  let expected;
  try {
    nodeThrows();
  } catch (err) {
    expected = err;
  }
  assert.ok(expected, `Node does not throw for ${name}`);
  assert.equal(e.own, true, `${name}: not an Error of the isolate`);
  assert.equal(e.ctor, expected.constructor.name, `${name}: ${JSON.stringify(e)}`);
  assert.equal(e.message, expected.message, name);
  for (const field of fields) assert.equal(e[field], expected[field], `${name}: ${field}`);
}

// Asserts a check threw a TypeError (the isolate's own), optionally with this message.
export function assertTypeError(results, name, message) {
  const e = error(results, name);
  assert.equal(e.ctor, 'TypeError', `${name}: ${JSON.stringify(e)}`);
  assert.equal(e.isError, true);
  if (message !== undefined) assert.equal(e.message, message);
}

// Asserts a check threw a DOMException with this name (and legacy code, when given).
export function assertDOMException(results, name, exceptionName, code) {
  const e = error(results, name);
  assert.equal(e.isDOMException, true, `${name}: ${JSON.stringify(e)}`);
  assert.equal(e.name, exceptionName);
  if (code !== undefined) assert.equal(e.code, code);
}
