// URLPattern inside a real isolate. Besides the standard's own examples, a table of patterns is
// run both in the isolate and through Node's native URLPattern (a separate implementation of the
// same standard), and the two must agree.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError } from './run-checks.js';

const COMPONENTS = ['protocol', 'username', 'password', 'hostname', 'port', 'pathname', 'search', 'hash'];

// [constructor arguments, input to test() and exec()]; some rows are invalid patterns.
const TABLE = [
  [['https://example.com/books/:id'], 'https://example.com/books/123'],
  [[{ pathname: '/books/:id' }], 'https://example.com/books'],
  [['/books/:id(\\d+)', 'https://example.com'], 'https://example.com/books/abc'],
  [['https://*.example.com/*'], 'https://api.example.com/v1/users?x=1#top'],
  [['https://example.com/:category/*'], 'https://example.com/shoes/red/42'],
  [[{ hostname: '{*.}?example.com' }], 'https://example.com/'],
  [[{ hostname: '{*.}?example.com' }], 'https://www.example.com/'],
  [[{ pathname: '/product/:type(shoes|hats)?' }], 'https://x.test/product'],
  [[{ pathname: '/product/:type(shoes|hats)?' }], 'https://x.test/product/hats'],
  [[{ pathname: '/files/:path+' }], 'https://x.test/files/a/b/c'],
  [[{ pathname: '/files/:path*' }], 'https://x.test/files'],
  [[{ pathname: '/Books/:id' }], 'https://example.com/books/7'],
  [['/Books/:id', 'https://example.com', { ignoreCase: true }], 'https://example.com/BOOKS/7'],
  [[{ search: 'q=:term&page=:n' }], 'https://x.test/?q=cats&page=2'],
  [[{ hash: 'section-:n' }], 'https://x.test/doc#section-4'],
  [['http://user::pass@example.com:8080/*'], 'http://user:secret@example.com:8080/a'],
  [[{ port: '(80|8080)' }], 'http://example.com:8080/'],
  [[{ protocol: 'http{s}?' }], 'https://example.com/'],
  [['https://example.com:443/'], 'https://example.com/'],
  [[{ pathname: '/café/:x' }], 'https://x.test/caf%C3%A9/1'],
  [[{ hostname: 'EXAMPLE.com' }], 'https://example.com/'],
  [[{ pathname: '/:a/:b?' }], 'https://x.test/one'],
  [['data\\:foo*'], 'data:foobar'],
  [[{ pathname: '*.jpg' }], 'https://x.test/img/cat.jpg'],
  [['https://example.com/books/:id'], { pathname: '/books/5', protocol: 'https', hostname: 'example.com' }],
  [[{ hostname: '[\\:\\:1]' }], 'https://[::1]/'],
  [['https://[::1]:8080/*'], 'https://[::1]:8080/x'],
  [[{ pathname: '/((a))' }], 'https://x.test/a'],
  [['books/:id', 'https://example.com/base/'], 'https://example.com/base/books/1'],
];

// Same shape on both sides: components, hasRegExpGroups, test(), exec() without `inputs`.
function describe(URLPattern, [args, input]) {
  let pattern;
  try {
    pattern = new URLPattern(...args);
  } catch (e) {
    return { error: e.constructor.name };
  }
  const match = pattern.exec(input);
  return {
    components: COMPONENTS.map((c) => pattern[c]),
    hasRegExpGroups: pattern.hasRegExpGroups,
    test: pattern.test(input),
    exec: match && Object.fromEntries(COMPONENTS.map((c) => [c, match[c]])),
  };
}

let results;
before(async () => {
  ({ results } = await runChecks(`
    const COMPONENTS = ${JSON.stringify(COMPONENTS)};
    ${describe.toString()}
    await check('lazy', () => typeof Object.getOwnPropertyDescriptor(globalThis, 'URLPattern').get);
    await check('surface', () => [typeof URLPattern, URLPattern.name, URLPattern.prototype[Symbol.toStringTag],
      Object.prototype.toString.call(new URLPattern()), 'compareComponent' in URLPattern,
      new URLPattern() instanceof URLPattern, Object.getOwnPropertyDescriptor(globalThis, 'URLPattern').enumerable]);
    await check('books', () => {
      const p = new URLPattern({ pathname: '/books/:id' });
      const m = p.exec('https://example.com/books/123');
      return [p.test('https://example.com/books/123'), p.test('https://example.com/books'), m.pathname, m.inputs, p.exec('https://example.com/')];
    });
    await check('string', () => {
      const p = new URLPattern('https://example.com/books/:id');
      return [p.protocol, p.username, p.password, p.hostname, p.port, p.pathname, p.search, p.hash, p.hasRegExpGroups];
    });
    await check('baseURL', () => {
      const p = new URLPattern('/books/:id(\\\\d+)', 'https://example.com');
      const m = p.exec('/books/42', 'https://example.com');
      return [p.hostname, p.pathname, p.hasRegExpGroups, m.inputs, m.pathname.groups, p.test('https://example.com/books/x')];
    });
    await check('ignoreCase', () => [
      new URLPattern({ pathname: '/Books' }).test('https://x.test/books'),
      new URLPattern({ pathname: '/Books' }, { ignoreCase: true }).test('https://x.test/books'),
      new URLPattern('/Books', 'https://x.test', { ignoreCase: true }).test('https://x.test/BOOKS'),
    ]);
    await check('wildcards', () => {
      const m = new URLPattern('https://*.example.com/*').exec('https://api.example.com/v1/users');
      return [m.hostname.groups, m.pathname.groups];
    });
    await check('init input', () => new URLPattern({ pathname: '/a/:x' }).exec({ pathname: '/a/1' }).pathname.groups);
    await check('unnamed', () => new URLPattern({ pathname: '/(\\\\d+)/:rest*' }).exec('https://x.test/7/a/b').pathname.groups);
    await check('optional unmatched', () => 'b' in new URLPattern({ pathname: '/:a/:b?' }).exec('https://x.test/one').pathname.groups);
    await check('invalid input', () => [new URLPattern({ pathname: '/*' }).test('not a url'), new URLPattern({ pathname: '/*' }).exec('not a url')]);
    await check('relative without base', () => new URLPattern('/books/:id'));
    await check('bad regexp', () => new URLPattern({ pathname: '/(' }));
    await check('duplicate name', () => new URLPattern({ pathname: '/:id/:id' }));
    await check('base with init', () => new URLPattern({ pathname: '/x' }, 'https://example.com'));
    await check('bad protocol', () => new URLPattern({ protocol: 'ht tp' }));
    await check('table', () => ${JSON.stringify(TABLE)}.map((row) => describe(URLPattern, row)));
  `));
});

test('URLPattern is a lazily built global class', () => {
  assert.equal(value(results, 'lazy'), 'function');
  assert.deepEqual(value(results, 'surface'), ['function', 'URLPattern', 'URLPattern', '[object URLPattern]', false, true, false]);
});

test('the standard examples match and capture groups', () => {
  assert.deepEqual(value(results, 'books'), [
    true, false, { input: '/books/123', groups: { id: '123' } }, ['https://example.com/books/123'], null,
  ]);
  assert.deepEqual(value(results, 'string'), ['https', '*', '*', 'example.com', '', '/books/:id', '*', '*', false]);
  assert.deepEqual(value(results, 'baseURL'), [
    'example.com', '/books/:id(\\d+)', true, ['/books/42', 'https://example.com'], { id: '42' }, false,
  ]);
  assert.deepEqual(value(results, 'wildcards'), [{ 0: 'api' }, { 0: 'v1/users' }]);
  assert.deepEqual(value(results, 'init input'), { x: '1' });
  assert.deepEqual(value(results, 'unnamed'), { 0: '7', rest: 'a/b' });
  assert.equal(value(results, 'optional unmatched'), true);
});

test('ignoreCase applies to pathname matching', () => {
  assert.deepEqual(value(results, 'ignoreCase'), [false, true, true]);
});

test('an input that is not a URL does not match', () => {
  assert.deepEqual(value(results, 'invalid input'), [false, null]);
});

test('invalid patterns throw TypeError', () => {
  for (const name of ['relative without base', 'bad regexp', 'duplicate name', 'base with init', 'bad protocol']) {
    assertTypeError(results, name);
  }
});

test('results agree with an independent implementation of the standard', () => {
  const inIsolate = value(results, 'table');
  assert.deepEqual(inIsolate.filter((r) => r.error), [{ error: 'TypeError' }, { error: 'TypeError' }]);
  TABLE.forEach((row, i) => {
    assert.deepEqual(inIsolate[i], JSON.parse(JSON.stringify(describe(URLPattern, row))), JSON.stringify(row));
  });
});
