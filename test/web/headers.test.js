import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertTypeError } from './run-checks.js';

let results;
before(async () => {
  ({ results } = await runChecks(`
    await check('record', () => [...new Headers({ 'X-B': '2', 'x-a': '1' })]);
    await check('sequence', () => [...new Headers([['B', '1'], ['a', '2'], ['b', '3']])]);
    await check('fromHeaders', () => { const h = new Headers([['set-cookie', 'a=1'], ['set-cookie', 'b=2']]); return new Headers(h).getSetCookie(); });
    await check('badPair', () => new Headers([['a', 'b', 'c']]));
    await check('badInit', () => new Headers('a: b'));
    await check('nullInit', () => new Headers(null));
    await check('replacedIterator', () => {
      const h = new Headers({ a: '1' });
      h[Symbol.iterator] = function* () { yield ['b', '2']; };
      return [...new Headers(h)];
    });
    await check('badName', () => new Headers().append('bad name', 'x'));
    await check('badNameColon', () => new Headers({ 'a:b': 'x' }));
    await check('badNameNonAscii', () => new Headers().set('é', 'x'));
    await check('badValueLF', () => new Headers().append('a', 'x\\ny'));
    await check('badValueNUL', () => new Headers().append('a', 'x\\0y'));
    await check('trim', () => new Headers({ a: ' \\t v a l \\r\\n' }).get('a'));
    await check('caseInsensitive', () => { const h = new Headers({ 'Content-Type': 'text/html' }); return [h.get('CONTENT-TYPE'), h.has('content-type'), h.has('Content-Length')]; });
    await check('getMissing', () => new Headers().get('x'));
    await check('combined', () => { const h = new Headers(); h.append('Accept', 'a'); h.append('accept', 'b'); return h.get('accept'); });
    await check('set', () => { const h = new Headers([['a', '1'], ['b', '2'], ['a', '3']]); h.set('A', '4'); return [...h]; });
    await check('delete', () => { const h = new Headers([['a', '1'], ['b', '2'], ['a', '3']]); h.delete('A'); return [...h]; });
    await check('setCookie', () => {
      const h = new Headers();
      h.append('Set-Cookie', 'a=1; Path=/');
      h.append('x', '1');
      h.append('set-cookie', 'b=2');
      return { entries: [...h], get: h.get('set-cookie'), list: h.getSetCookie(), none: new Headers().getSetCookie() };
    });
    await check('sorted', () => [...new Headers([['c', '1'], ['A', '2'], ['b-', '3'], ['b', '4']]).keys()]);
    await check('values', () => [...new Headers([['b', '1'], ['a', '2']]).values()]);
    await check('liveIterator', () => {
      const h = new Headers([['a', '1'], ['c', '3']]);
      const it = h.entries();
      const first = it.next().value;
      h.append('b', '2');
      h.delete('c');
      const second = it.next().value;
      return [first, second, it.next().done];
    });
    await check('iteratorProto', () => {
      const it = new Headers()[Symbol.iterator]();
      return [Object.prototype.toString.call(it), typeof it[Symbol.iterator], Headers.prototype[Symbol.iterator] === Headers.prototype.entries];
    });
    await check('forEach', () => {
      const h = new Headers([['b', '2'], ['a', '1']]);
      const seen = [];
      const self = {};
      h.forEach(function (v, k, obj) { seen.push([v, k, obj === h, this === self]); }, self);
      return seen;
    });
    await check('immutable', () => Response.redirect('http://example.com/', 302).headers.set('a', 'b'));
    await check('immutableError', () => Response.error().headers.append('a', 'b'));
    await check('immutableDelete', () => Response.error().headers.delete('a'));
    await check('immutableRead', () => Response.redirect('http://example.com/x', 301).headers.get('location'));
    await check('requestHeadersMutable', () => { const r = new Request('http://x/', { headers: { host: 'h', cookie: 'c' } }); r.headers.set('Connection', 'close'); return [...r.headers]; });
    await check('names', () => [Headers.name, Object.prototype.toString.call(new Headers())]);
    await check('missingArgs', () => new Headers().get());
    await check('unicodeValue', () => new Headers({ a: 'café' }).get('a'));
  `));
});

test('constructs from records, sequences and other Headers', () => {
  assert.deepEqual(value(results, 'record'), [['x-a', '1'], ['x-b', '2']]);
  assert.deepEqual(value(results, 'sequence'), [['a', '2'], ['b', '1, 3']]);
  assert.deepEqual(value(results, 'fromHeaders'), ['a=1', 'b=2']);
  assertTypeError(results, 'badPair');
  assertTypeError(results, 'badInit');
});

test('null is not a valid init; a Headers whose iterator was replaced is read through it', () => {
  assertTypeError(results, 'nullInit');
  assert.deepEqual(value(results, 'replacedIterator'), [['b', '2']]);
});

test('validates names and values', () => {
  assertTypeError(results, 'badName');
  assertTypeError(results, 'badNameColon');
  assertTypeError(results, 'badNameNonAscii');
  assertTypeError(results, 'badValueLF');
  assertTypeError(results, 'badValueNUL');
  assertTypeError(results, 'missingArgs');
});

test('normalises values by trimming HTTP whitespace', () => {
  assert.equal(value(results, 'trim'), 'v a l');
  assert.equal(value(results, 'unicodeValue'), 'café');
});

test('looks names up case-insensitively and combines values', () => {
  assert.deepEqual(value(results, 'caseInsensitive'), ['text/html', true, false]);
  assert.equal(value(results, 'getMissing'), null);
  assert.equal(value(results, 'combined'), 'a, b');
});

test('set replaces the first entry and removes the rest; delete removes all', () => {
  assert.deepEqual(value(results, 'set'), [['a', '4'], ['b', '2']]);
  assert.deepEqual(value(results, 'delete'), [['b', '2']]);
});

test('keeps Set-Cookie values apart', () => {
  assert.deepEqual(value(results, 'setCookie'), {
    entries: [['set-cookie', 'a=1; Path=/'], ['set-cookie', 'b=2'], ['x', '1']],
    get: 'a=1; Path=/, b=2',
    list: ['a=1; Path=/', 'b=2'],
    none: [],
  });
});

test('iterates sorted, lowercased names', () => {
  assert.deepEqual(value(results, 'sorted'), ['a', 'b', 'b-', 'c']);
  assert.deepEqual(value(results, 'values'), ['2', '1']);
});

test('iterators are live', () => {
  assert.deepEqual(value(results, 'liveIterator'), [['a', '1'], ['b', '2'], true]);
  assert.deepEqual(value(results, 'iteratorProto'), ['[object Headers Iterator]', 'function', true]);
});

test('forEach passes value, name and the object, with thisArg', () => {
  assert.deepEqual(value(results, 'forEach'), [['1', 'a', true, true], ['2', 'b', true, true]]);
});

test('immutable headers reject changes but can be read', () => {
  assertTypeError(results, 'immutable', "Can't modify immutable headers.");
  assertTypeError(results, 'immutableError');
  assertTypeError(results, 'immutableDelete');
  assert.equal(value(results, 'immutableRead'), 'http://example.com/x');
});

test('has no forbidden header names (server runtime)', () => {
  assert.deepEqual(value(results, 'requestHeadersMutable'), [['connection', 'close'], ['cookie', 'c'], ['host', 'h']]);
});

test('is named Headers', () => {
  assert.deepEqual(value(results, 'names'), ['Headers', '[object Headers]']);
});
