// The testharness.js API as web-platform-tests use it, for one test file run in an Outpost worker
// (a service-worker script). tools/wpt/run.js puts this text first in the script, then
// `wptServe(config, load)`, where load() holds the file's META scripts and the file itself.
// Results go back as the JSON answer to the worker's one request. The script is not strict code,
// as the test files are classic scripts.
(() => {
const PASS = 0, FAIL = 1, TIMEOUT = 2, NOTRUN = 3, PRECONDITION_FAILED = 4;
const STATUS_NAMES = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
const INITIAL = 0, STARTED = 1, COMPLETE = 2;

const harness = {
  config: null,
  tests: [],
  promiseQueue: Promise.resolve(),
  doneCalled: false,
  finished: false,
  explicitDone: false,
  allowUncaught: false,
  status: 'OK',
  message: null,
  loadError: false,
  completionCallbacks: [],
  resultCallbacks: [],
  finish: null,
  untitled: 0,
};

function harnessError(message) {
  if (harness.status === 'OK') {
    harness.status = 'ERROR';
    harness.message = message;
  }
}

// --- errors and values --------------------------------------------------------------------------

class AssertionError extends Error {
  get name() {
    return 'AssertionError';
  }
}

class OptionalFeatureUnsupportedError extends AssertionError {
  get name() {
    return 'OptionalFeatureUnsupportedError';
  }
}

// testharness.js's formatting of values in messages: strings quoted, -0 kept, objects named.
function format_value(value, seen = []) {
  switch (typeof value) {
    case 'string':
      return `"${value.replace(/["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
        const escapes = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };
        return escapes[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      })}"`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'object':
      if (value === null) return 'null';
      if (seen.includes(value)) return '[...]';
      if (Array.isArray(value)) return `[${value.map((v) => format_value(v, [...seen, value])).join(', ')}]`;
      break;
    case 'symbol':
      return value.toString();
    case 'undefined':
    case 'boolean':
      return String(value);
  }
  try {
    return `${typeof value} "${String(value)}"`;
  } catch (e) {
    return `${typeof value} [${Object.prototype.toString.call(value)}]`;
  }
}

// SameValue, except that +0 and -0 differ (as in testharness.js's same_value).
function sameValue(x, y) {
  return Object.is(x, y);
}

function assert(condition, fn, description, message) {
  if (!condition) throw new AssertionError(`${fn}: ${description ? `${description} ` : ''}${message}`);
}

// --- assertions ----------------------------------------------------------------------------------

function assert_true(actual, description) {
  assert(actual === true, 'assert_true', description, `expected true got ${format_value(actual)}`);
}

function assert_false(actual, description) {
  assert(actual === false, 'assert_false', description, `expected false got ${format_value(actual)}`);
}

function assert_equals(actual, expected, description) {
  if (typeof actual !== typeof expected) {
    assert(false, 'assert_equals', description,
      `expected (${typeof expected}) ${format_value(expected)} but got (${typeof actual}) ${format_value(actual)}`);
  }
  assert(sameValue(actual, expected), 'assert_equals', description,
    `expected ${format_value(expected)} but got ${format_value(actual)}`);
}

function assert_not_equals(actual, expected, description) {
  assert(!sameValue(actual, expected), 'assert_not_equals', description, `got disallowed value ${format_value(actual)}`);
}

function assert_in_array(actual, expected, description) {
  assert(expected.indexOf(actual) !== -1, 'assert_in_array', description,
    `value ${format_value(actual)} not in array ${format_value(expected)}`);
}

function assert_array_equals(actual, expected, description) {
  assert(typeof actual === 'object' && actual !== null && 'length' in actual, 'assert_array_equals', description,
    `value is ${format_value(actual)}, expected array`);
  assert(actual.length === expected.length, 'assert_array_equals', description,
    `lengths differ, expected array ${format_value(expected)} length ${expected.length}, got ${format_value(actual)} length ${actual.length}`);
  for (let i = 0; i < actual.length; i++) {
    assert(Object.hasOwn(actual, i) === Object.hasOwn(expected, i), 'assert_array_equals', description,
      `expected property ${i} to be ${Object.hasOwn(expected, i) ? 'present' : 'missing'} but was ${Object.hasOwn(actual, i) ? 'present' : 'missing'}`);
    assert(sameValue(actual[i], expected[i]), 'assert_array_equals', description,
      `expected property ${i} to be ${format_value(expected[i])} but got ${format_value(actual[i])} (expected array ${format_value(expected)} got ${format_value(actual)})`);
  }
}

function assert_array_approx_equals(actual, expected, epsilon, description) {
  assert(actual.length === expected.length, 'assert_array_approx_equals', description,
    `lengths differ, expected ${expected.length} got ${actual.length}`);
  for (let i = 0; i < actual.length; i++) {
    assert(typeof actual[i] === 'number', 'assert_array_approx_equals', description,
      `expected property ${i} to be a number but got a ${typeof actual[i]}`);
    assert(Math.abs(actual[i] - expected[i]) <= epsilon, 'assert_array_approx_equals', description,
      `expected property ${i} to be ${format_value(expected[i])} +/- ${epsilon} but got ${format_value(actual[i])}`);
  }
}

function assert_approx_equals(actual, expected, epsilon, description) {
  assert(typeof actual === typeof expected, 'assert_approx_equals', description,
    `expected a ${typeof expected} but got a ${typeof actual}`);
  // Infinities are only equal to themselves: their difference is NaN.
  if (actual === expected) return;
  assert(Math.abs(actual - expected) <= epsilon, 'assert_approx_equals', description,
    `expected ${format_value(expected)} +/- ${epsilon} but got ${format_value(actual)}`);
}

function compareNumbers(fn, test, word) {
  return (actual, expected, description) => {
    assert(typeof actual === typeof expected && (typeof actual === 'number' || typeof actual === 'bigint'), fn, description,
      `expected a number but got a ${typeof actual}`);
    assert(test(actual, expected), fn, description, `expected a number ${word} ${format_value(expected)} but got ${format_value(actual)}`);
  };
}

const assert_less_than = compareNumbers('assert_less_than', (a, e) => a < e, 'less than');
const assert_greater_than = compareNumbers('assert_greater_than', (a, e) => a > e, 'greater than');
const assert_less_than_equal = compareNumbers('assert_less_than_equal', (a, e) => a <= e, 'less than or equal to');
const assert_greater_than_equal = compareNumbers('assert_greater_than_equal', (a, e) => a >= e, 'greater than or equal to');

function assert_between_exclusive(actual, lower, upper, description) {
  assert(typeof actual === 'number', 'assert_between_exclusive', description, `expected a number but got a ${typeof actual}`);
  assert(actual > lower && actual < upper, 'assert_between_exclusive', description,
    `expected a number greater than ${lower} and less than ${upper} but got ${format_value(actual)}`);
}

function assert_between_inclusive(actual, lower, upper, description) {
  assert(typeof actual === 'number', 'assert_between_inclusive', description, `expected a number but got a ${typeof actual}`);
  assert(actual >= lower && actual <= upper, 'assert_between_inclusive', description,
    `expected a number greater than or equal to ${lower} and less than or equal to ${upper} but got ${format_value(actual)}`);
}

function assert_regexp_match(actual, expected, description) {
  assert(expected.test(actual), 'assert_regexp_match', description, `expected ${format_value(expected)} but got ${format_value(actual)}`);
}

function assert_class_string(object, classString, description) {
  const actual = Object.prototype.toString.call(object);
  assert_equals(actual, `[object ${classString}]`, description);
}

function assert_own_property(object, name, description) {
  assert(Object.prototype.hasOwnProperty.call(object, name), 'assert_own_property', description,
    `expected property ${format_value(name)} missing`);
}

function assert_not_own_property(object, name, description) {
  assert(!Object.prototype.hasOwnProperty.call(object, name), 'assert_not_own_property', description,
    `unexpected property ${format_value(name)} is found on object`);
}

// The property exists on the object's prototype chain but not on the object itself.
function assertInherited(fn) {
  return (object, name, description) => {
    assert(typeof object === 'object' || typeof object === 'function', fn, description, 'provided value is not an object');
    assert('hasOwnProperty' in object, fn, description, 'provided value is an object but has no hasOwnProperty method');
    assert(!object.hasOwnProperty(name), fn, description, `property ${format_value(name)} found on object expected in prototype chain`);
    assert(name in object, fn, description, `property ${format_value(name)} not found in prototype chain`);
  };
}

const assert_inherits = assertInherited('assert_inherits');
const assert_idl_attribute = assertInherited('assert_idl_attribute');

function assert_readonly(object, name, description) {
  const initial = object[name];
  try {
    object[name] = `${initial}a`;
    assert(sameValue(object[name], initial), 'assert_readonly', description,
      `changing property ${format_value(name)} succeeded`);
  } finally {
    try {
      object[name] = initial;
    } catch {
      // A readonly property in strict code throws on the restoring write too.
    }
  }
}

function assert_unreached(description) {
  assert(false, 'assert_unreached', description, 'Reached unreachable code');
}

function assert_implements(condition, description) {
  assert(!!condition, 'assert_implements', description, '');
}

function assert_implements_optional(condition, description) {
  if (!condition) throw new OptionalFeatureUnsupportedError(`assert_implements_optional: ${description ?? ''}`);
}

function assert_precondition(condition, description) {
  if (!condition) throw new OptionalFeatureUnsupportedError(`assert_precondition: ${description ?? ''}`);
}

function assert_object_equals(actual, expected, description, seen = []) {
  assert(typeof actual === 'object' && actual !== null, 'assert_object_equals', description, `value is ${format_value(actual)}, expected object`);
  if (seen.includes(actual)) return;
  for (const key of Object.keys(actual)) {
    assert(Object.hasOwn(expected, key), 'assert_object_equals', description, `unexpected property ${format_value(key)}`);
    if (typeof actual[key] === 'object' && actual[key] !== null) {
      assert_object_equals(actual[key], expected[key], description, [...seen, actual]);
    } else {
      assert(sameValue(actual[key], expected[key]), 'assert_object_equals', description,
        `property ${format_value(key)} expected ${format_value(expected[key])} got ${format_value(actual[key])}`);
    }
  }
  for (const key of Object.keys(expected)) {
    assert(Object.hasOwn(actual, key), 'assert_object_equals', description, `expected property ${format_value(key)} missing`);
  }
}

function describeThrown(e) {
  return e instanceof Error || (typeof e === 'object' && e !== null && 'name' in e) ? `${e.name}: ${e.message}` : format_value(e);
}

// Calls func and returns what it threw; fails when it returns.
function thrownBy(fn, func, description) {
  assert(typeof func === 'function', fn, description, `${format_value(func)} is not a function`);
  try {
    func.call(this);
  } catch (e) {
    return e;
  }
  assert(false, fn, description, `${format_value(func)} did not throw`);
}

function checkJsError(fn, constructor, e, description) {
  if (e instanceof AssertionError) throw e;
  assert(typeof e === 'object' && e !== null, fn, description, `threw ${format_value(e)} with type ${typeof e}, not an object`);
  assert(e.constructor === constructor && e.name === constructor.name, fn, description,
    `threw ${describeThrown(e)} (${e.constructor?.name}), expected ${constructor.name}`);
}

function assert_throws_js(constructor, func, description) {
  checkJsError('assert_throws_js', constructor, thrownBy('assert_throws_js', func, description), description);
}

function assert_throws_exactly(exception, func, description) {
  const e = thrownBy('assert_throws_exactly', func, description);
  if (e instanceof AssertionError) throw e;
  assert(sameValue(e, exception), 'assert_throws_exactly', description, `threw ${format_value(e)} but we expected it to throw ${format_value(exception)}`);
}

// DOMException names with their legacy codes (0 for the names that have none), and the legacy
// constant names tests may give instead of a name.
const DOM_CODES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InUseAttributeError: 10,
  InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
  InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20,
  URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
  EncodingError: 0, NotReadableError: 0, UnknownError: 0, ConstraintError: 0, DataError: 0,
  TransactionInactiveError: 0, ReadOnlyError: 0, VersionError: 0, OperationError: 0, NotAllowedError: 0, OptOutError: 0,
};
const DOM_LEGACY_NAMES = {
  INDEX_SIZE_ERR: 'IndexSizeError', HIERARCHY_REQUEST_ERR: 'HierarchyRequestError', WRONG_DOCUMENT_ERR: 'WrongDocumentError',
  INVALID_CHARACTER_ERR: 'InvalidCharacterError', NO_MODIFICATION_ALLOWED_ERR: 'NoModificationAllowedError',
  NOT_FOUND_ERR: 'NotFoundError', NOT_SUPPORTED_ERR: 'NotSupportedError', INUSE_ATTRIBUTE_ERR: 'InUseAttributeError',
  INVALID_STATE_ERR: 'InvalidStateError', SYNTAX_ERR: 'SyntaxError', INVALID_MODIFICATION_ERR: 'InvalidModificationError',
  NAMESPACE_ERR: 'NamespaceError', INVALID_ACCESS_ERR: 'InvalidAccessError', TYPE_MISMATCH_ERR: 'TypeMismatchError',
  SECURITY_ERR: 'SecurityError', NETWORK_ERR: 'NetworkError', ABORT_ERR: 'AbortError', URL_MISMATCH_ERR: 'URLMismatchError',
  QUOTA_EXCEEDED_ERR: 'QuotaExceededError', TIMEOUT_ERR: 'TimeoutError', INVALID_NODE_TYPE_ERR: 'InvalidNodeTypeError',
  DATA_CLONE_ERR: 'DataCloneError',
};

function checkDomError(fn, type, constructor, e, description) {
  if (e instanceof AssertionError) throw e;
  let name;
  if (typeof type === 'number') {
    name = Object.keys(DOM_CODES).find((n) => DOM_CODES[n] === type);
    assert(type !== 0 && name !== undefined, fn, description, `test bug: unknown or ambiguous DOMException code ${type}`);
  } else {
    name = DOM_LEGACY_NAMES[type] ?? type;
    assert(name in DOM_CODES, fn, description, `test bug: unrecognized DOMException name ${format_value(type)}`);
  }
  assert(typeof e === 'object' && e !== null, fn, description, `threw ${format_value(e)} with type ${typeof e}, not an object`);
  assert(e.name === name, fn, description, `threw ${describeThrown(e)} that is not a DOMException ${name}: property "name" is equal to ${format_value(e.name)}, expected ${format_value(name)}`);
  assert(e.code === DOM_CODES[name], fn, description, `threw ${describeThrown(e)}: property "code" is equal to ${format_value(e.code)}, expected ${DOM_CODES[name]}`);
  const expected = constructor ?? ((name === 'QuotaExceededError' && self.QuotaExceededError) || self.DOMException);
  assert(e.constructor === expected, fn, description, `threw an exception from the wrong global or of the wrong class (${e.constructor?.name})`);
}

// assert_throws_dom(type, func, description) or (type, constructor, func, description), the
// second for a DOMException expected from another global.
function assert_throws_dom(type, funcOrConstructor, descriptionOrFunc, maybeDescription) {
  const withConstructor = typeof descriptionOrFunc === 'function';
  const func = withConstructor ? descriptionOrFunc : funcOrConstructor;
  const description = withConstructor ? maybeDescription : descriptionOrFunc;
  const e = thrownBy('assert_throws_dom', func, description);
  checkDomError('assert_throws_dom', type, withConstructor ? funcOrConstructor : null, e, description);
}

// Resolves when `promise` rejects with a reason that passes check; fails the test otherwise.
function promiseRejects(fn, test, promise, description, check) {
  return Promise.resolve(promise).then(
    (value) => test.step(() => assert(false, fn, description, `expected a rejection but the promise fulfilled with ${format_value(value)}`)),
    (reason) => check(reason),
  );
}

function promise_rejects_js(test, constructor, promise, description) {
  return promiseRejects('promise_rejects_js', test, promise, description,
    (e) => checkJsError('promise_rejects_js', constructor, e, description));
}

// promise_rejects_dom(test, type, promise, description) or (test, type, constructor, promise, description).
function promise_rejects_dom(test, type, promiseOrConstructor, descriptionOrPromise, maybeDescription) {
  const withConstructor = typeof promiseOrConstructor === 'function';
  const promise = withConstructor ? descriptionOrPromise : promiseOrConstructor;
  const description = withConstructor ? maybeDescription : descriptionOrPromise;
  return promiseRejects('promise_rejects_dom', test, promise, description,
    (e) => checkDomError('promise_rejects_dom', type, withConstructor ? promiseOrConstructor : null, e, description));
}

function promise_rejects_exactly(test, exception, promise, description) {
  return promiseRejects('promise_rejects_exactly', test, promise, description, (e) => {
    assert(sameValue(e, exception), 'promise_rejects_exactly', description,
      `threw ${format_value(e)} but we expected it to throw ${format_value(exception)}`);
  });
}

// --- tests ---------------------------------------------------------------------------------------

class Test {
  constructor(name, properties = {}) {
    this.name = name;
    this.properties = properties;
    this.phase = INITIAL;
    this.status = NOTRUN;
    this.message = null;
    this.cleanups = [];
    this.timer = null;
    this.onComplete = [];
    harness.tests.push(this);
  }

  // Starts the subtest's own clock: a subtest that does not finish in time times out.
  startClock() {
    if (this.timer !== null || this.phase === COMPLETE) return;
    const ms = this.properties.timeout ?? harness.config.subtestTimeoutMs;
    this.timer = setTimeout(() => this.finish(TIMEOUT, 'Test timed out'), ms);
  }

  // step(func[, thisObject, ...args]): without thisObject, func runs with the test as `this`.
  step(func, ...rest) {
    if (this.phase === COMPLETE) return undefined;
    this.phase = STARTED;
    try {
      return func.apply(rest.length > 0 ? rest[0] : this, rest.slice(1));
    } catch (e) {
      if (this.phase !== COMPLETE) {
        if (e instanceof OptionalFeatureUnsupportedError) this.finish(PRECONDITION_FAILED, e.message);
        else this.finish(FAIL, e instanceof AssertionError ? e.message : describeThrown(e));
      }
      return undefined;
    }
  }

  step_func(func, ...rest) {
    const thisObject = rest.length > 0 ? rest[0] : this;
    return (...args) => this.step(func, thisObject, ...args);
  }

  step_func_done(func, ...rest) {
    const thisObject = rest.length > 0 ? rest[0] : this;
    return (...args) => {
      const value = func ? this.step(func, thisObject, ...args) : undefined;
      this.done();
      return value;
    };
  }

  unreached_func(description) {
    return this.step_func(() => assert_unreached(description));
  }

  step_timeout(func, ms, ...args) {
    return setTimeout(this.step_func(() => func.apply(this, args)), ms);
  }

  // Resolves once cond() is true, polling every `interval` ms; fails the test after `timeout` ms.
  step_wait(cond, description, timeout = 3000, interval = 100) {
    const start = Date.now();
    return new Promise((resolve, reject) => {
      const poll = this.step_func(() => {
        if (cond()) resolve();
        else if (Date.now() - start > timeout) reject(new AssertionError(`step_wait: ${description ?? 'timed out'}`));
        else setTimeout(poll, interval);
      });
      poll();
    });
  }

  step_wait_func(cond, func, description, timeout, interval) {
    return this.step_wait(cond, description, timeout, interval).then(this.step_func(func), (e) => this.step(() => { throw e; }));
  }

  step_wait_func_done(cond, func, description, timeout, interval) {
    return this.step_wait(cond, description, timeout, interval).then(this.step_func_done(func), (e) => this.step(() => { throw e; }));
  }

  add_cleanup(fn) {
    this.cleanups.push(fn);
  }

  force_timeout() {
    this.finish(TIMEOUT, 'Test timed out');
  }

  done() {
    this.finish(PASS, null);
  }

  finish(status, message) {
    if (this.phase === COMPLETE) return;
    this.phase = COMPLETE;
    this.status = status;
    this.message = message;
    clearTimeout(this.timer);
    const pending = [];
    for (const cleanup of this.cleanups) {
      try {
        const value = cleanup();
        if (value && typeof value.then === 'function') pending.push(value);
      } catch (e) {
        harnessError(`Cleanup function for "${this.name}" threw: ${describeThrown(e)}`);
      }
    }
    // The next promise_test waits for this one's asynchronous cleanups.
    Promise.allSettled(pending).then(() => {
      for (const callback of harness.resultCallbacks) callback(this);
      for (const callback of this.onComplete) callback();
      checkAllDone();
    });
  }
}
Test.prototype.PASS = PASS;
Test.prototype.FAIL = FAIL;
Test.prototype.TIMEOUT = TIMEOUT;
Test.prototype.NOTRUN = NOTRUN;
Test.prototype.PRECONDITION_FAILED = PRECONDITION_FAILED;

const seenBodies = new Map();

// A subtest's name as testharness.js derives it: the name given, else the body of an arrow
// function on one line, else the file's title (numbered after the first).
function testName(func, name) {
  if (name) return name;
  const source = typeof func === 'function' ? Function.prototype.toString.call(func) : '';
  const arrow = /^\(\)\s*=>\s*(?:{(.*)}\s*|(.*))$/.exec(source);
  if (arrow && !/[\n\r\u2028\u2029]/.test(source)) {
    const body = (arrow[1] ?? arrow[2]).trim().replace(/^([^;]*)(;\s*)+$/, '$1');
    if (body) {
      const count = seenBodies.get(body) ?? 0;
      seenBodies.set(body, count + 1);
      return count === 0 ? body : `${body} ${count}`;
    }
  }
  const n = harness.untitled++;
  return n === 0 ? harness.config.title : `${harness.config.title} ${n}`;
}

function test(func, name, properties) {
  const t = new Test(testName(func, name), properties);
  const value = t.step(func, t, t);
  if (value !== undefined) {
    harnessError(`Test named "${t.name}" passed a function to \`test\` that returned a value.`);
  }
  if (t.phase === STARTED) t.done();
  return t;
}

function async_test(func, name, properties) {
  if (typeof func !== 'function') {
    properties = name;
    name = func;
    func = null;
  }
  const t = new Test(testName(func, name), properties);
  t.startClock();
  if (func) t.step(func, t, t);
  return t;
}

// promise_tests run one after another, each once the previous one (and its cleanups) completed.
function promise_test(func, name, properties) {
  const t = new Test(testName(func, name), properties);
  harness.promiseQueue = harness.promiseQueue.then(() => new Promise((next) => {
    t.onComplete.push(next);
    if (t.phase === COMPLETE) return next();
    t.startClock();
    const promise = t.step(func, t, t);
    if (t.phase === COMPLETE) return undefined;
    if (!promise || typeof promise.then !== 'function') {
      t.finish(FAIL, `promise_test: test body must return a 'thenable' object (received ${format_value(promise)})`);
      return undefined;
    }
    Promise.resolve(promise).then(
      () => t.done(),
      (reason) => t.step(() => {
        if (reason instanceof AssertionError || reason instanceof OptionalFeatureUnsupportedError) throw reason;
        assert(false, 'promise_test', null, `Unhandled rejection with value: ${describeThrown(reason)}`);
      }),
    );
    return undefined;
  }));
  return t;
}

function promise_setup(func, properties) {
  setup(properties ?? {});
  harness.promiseQueue = harness.promiseQueue.then(() => Promise.resolve().then(func)).catch((e) => {
    harnessError(`promise_setup failed: ${describeThrown(e)}`);
    for (const t of harness.tests) t.finish(NOTRUN, 'promise_setup failed');
  });
}

function setup(funcOrProperties, maybeProperties) {
  const func = typeof funcOrProperties === 'function' ? funcOrProperties : null;
  const properties = (func ? maybeProperties : funcOrProperties) ?? {};
  if (properties.explicit_done) harness.explicitDone = true;
  if (properties.allow_uncaught_exception) harness.allowUncaught = true;
  if (func) {
    try {
      func();
    } catch (e) {
      harnessError(`setup failed: ${describeThrown(e)}`);
      finishHarness();
    }
  }
}

function generate_tests(func, args, properties) {
  for (const [name, ...params] of args) test(function () { func.apply(this, params); }, name, properties);
}

function done() {
  harness.doneCalled = true;
  checkAllDone();
}

function step_timeout(func, ms, ...args) {
  return setTimeout(() => func(...args), ms);
}

function add_completion_callback(callback) {
  harness.completionCallbacks.push(callback);
}

function add_result_callback(callback) {
  harness.resultCallbacks.push(callback);
}

function fetch_json(resource) {
  return fetch(resource).then((response) => response.json());
}

// A worker's file ends once its script ran (testharness.js's worker wrapper calls done()). A file
// that had declared no test by then declares them later and calls done() itself: wait for that.
function loaded() {
  if (harness.tests.length > 0) done();
  else setTimeout(() => { if (harness.tests.length === 0) done(); }, 2000);
}

function checkAllDone() {
  if (harness.doneCalled && harness.tests.every((t) => t.phase === COMPLETE)) finishHarness();
}

function finishHarness() {
  if (harness.finished) return;
  harness.finished = true;
  for (const t of harness.tests) {
    // Subtests that were running (their clock started) time out; those never started did not run.
    if (t.phase !== COMPLETE) t.finish(t.timer !== null ? TIMEOUT : NOTRUN, t.timer !== null ? 'Test timed out' : null);
  }
  for (const callback of harness.completionCallbacks) {
    try {
      callback(harness.tests, { status: harness.status, message: harness.message });
    } catch (e) {
      // Callbacks only produce output for people; they cannot change results.
    }
  }
  harness.finish({
    status: harness.status,
    message: harness.message,
    tests: harness.tests.map((t) => ({ name: t.name, status: STATUS_NAMES[t.status], message: t.message })),
  });
}

self.GLOBAL = {
  isWindow: () => false,
  isWorker: () => true,
  isShadowRealm: () => false,
};

Object.assign(globalThis, {
  AssertionError, OptionalFeatureUnsupportedError, format_value,
  assert_true, assert_false, assert_equals, assert_not_equals, assert_in_array, assert_array_equals,
  assert_array_approx_equals, assert_approx_equals, assert_less_than, assert_greater_than,
  assert_less_than_equal, assert_greater_than_equal, assert_between_exclusive, assert_between_inclusive,
  assert_regexp_match, assert_class_string, assert_own_property, assert_not_own_property, assert_inherits,
  assert_idl_attribute, assert_readonly, assert_unreached, assert_implements, assert_implements_optional,
  assert_precondition, assert_object_equals, assert_throws_js, assert_throws_exactly, assert_throws_dom,
  promise_rejects_js, promise_rejects_dom, promise_rejects_exactly,
  test, async_test, promise_test, promise_setup, setup, generate_tests, done, step_timeout,
  add_completion_callback, add_result_callback, fetch_json, wptServe,
});

// --- running one file ----------------------------------------------------------------------------

// config: { base (the test file's URL on the runner's server), title, subtestTimeoutMs,
// fileTimeoutMs }. load(location) runs the META scripts and the test file.
function wptServe(config, load) {
  harness.config = config;
  // Relative URLs in fetch() resolve against the test file's URL, as in a browser's worker.
  const platformFetch = globalThis.fetch;
  globalThis.fetch = function fetch(input, init) {
    const relative = typeof input === 'string' || input instanceof URL;
    return platformFetch(relative ? new URL(String(input), config.base).href : input, init);
  };
  // Only the test scripts see `location`: a worker's WorkerLocation, which Workers do not have.
  const url = new URL(config.base);
  const location = Object.freeze({
    href: url.href, origin: url.origin, protocol: url.protocol, host: url.host, hostname: url.hostname,
    port: url.port, pathname: url.pathname, search: url.search, hash: url.hash, toString: () => url.href,
  });
  addEventListener('unhandledrejection', (event) => {
    if (!harness.allowUncaught) harnessError(`Unhandled rejection: ${describeThrown(event.reason)}`);
  });
  addEventListener('error', (event) => {
    if (!harness.allowUncaught) harnessError(`Uncaught exception: ${describeThrown(event.error ?? event.message)}`);
  });
  addEventListener('fetch', (event) => {
    const results = new Promise((resolve) => { harness.finish = resolve; });
    setTimeout(() => {
      if (harness.finished) return;
      harness.status = 'TIMEOUT';
      finishHarness();
    }, config.fileTimeoutMs);
    try {
      load.call(globalThis, location);
      if (!harness.explicitDone) loaded();
    } catch (e) {
      harnessError(`Error while loading the test file: ${describeThrown(e)}`);
      harness.loadError = true;
      finishHarness();
    }
    event.respondWith(results.then((r) => new Response(JSON.stringify({ ...r, loadError: harness.loadError }), {
      headers: { 'content-type': 'application/json' },
    })));
  });
}
})();
