import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks } from './run-checks.js';

// Each console.log call below is one expected line, in order.
const CASES = [
  ['"plain string", 1, true, null, undefined', 'plain string 1 true null undefined'],
  ['"%s=%d", "a", 42', 'a=42'],
  ['"%i|%f|%d", "42.9px", "1.5e1", "x"', '42|15|NaN'],
  ['"%s %s", 5n, Symbol("s")', '5n Symbol(s)'],
  ['"%d %i %d", 7n, -0, -0', '7n 0 -0'],
  ['"%j", { a: [1, "x"] }', '{"a":[1,"x"]}'],
  ['"%j", circular', '[Circular]'],
  ['"%o", { a: { b: 1 } }', '{ a: { b: 1 } }'],
  ['"%O", { a: 1 }', '{ a: 1 }'],
  ['"%c styled %c", "color: red", "x"', ' styled '],
  ['"100%% %s", "done", "extra", 1', '100% done extra 1'],
  ['"%s"', '%s'],
  ['"%s and %s", "one"', 'one and %s'],
  ['{ a: 1, "b-c": "str", nested: { deep: { deeper: { deepest: 1 } } } }', "{ a: 1, 'b-c': 'str', nested: { deep: { deeper: [Object] } } }"],
  ['["a", 1, [2, [3, [4, [5]]]]]', "[ 'a', 1, [ 2, [ 3, [Array] ] ] ]"],
  ['[1, , 3, , , 6]', '[ 1, <1 empty item>, 3, <2 empty items>, 6 ]'],
  ['"it\'s", ["it\'s", "q\\"", "nl\\n"]', 'it\'s [ "it\'s", \'q"\', \'nl\\n\' ]'],
  ['new Map([["k", { v: 1 }]]), new Set([1, "two"])', "Map(1) { 'k' => { v: 1 } } Set(2) { 1, 'two' }"],
  ['new Date(0), /re/gi', '1970-01-01T00:00:00.000Z /re/gi'],
  ['new Uint8Array([1, 2, 3]), []', 'Uint8Array(3) [ 1, 2, 3 ] []'],
  ['new Foo(), Object.create(null), {}', 'Foo { x: 1 } [Object: null prototype] {} {}'],
  ['function named() {}, () => {}, Foo', '[Function: named] [Function (anonymous)] [class Foo]'],
  ['circular', "<ref *1> { name: 'loop', self: [Circular *1] }"],
  ['[undefined, null, -0, 1n, Symbol.iterator]', '[ undefined, null, -0, 1n, Symbol(Symbol.iterator) ]'],
  ['new Number(3), new String("s")', "[Number: 3] [String: 's']"],
];

let logs;
before(async () => {
  ({ logs } = await runChecks(`
    class Foo { constructor() { this.x = 1; } }
    const circular = { name: 'loop' };
    circular.self = circular;
    ${CASES.map(([args]) => `console.log(${args});`).join('\n    ')}
    function thrower() { return new TypeError('bad thing'); }
    console.log(thrower());
    console.log({ err: new RangeError('inner') });
    console.error('to stderr', { level: 'error' });
    console.log({ long: 'x'.repeat(60), other: 'y'.repeat(30) });
  `));
});

test('console arguments are formatted like util.format', () => {
  const lines = logs.slice(0, CASES.length).map((l) => l.message);
  assert.deepEqual(lines, CASES.map(([, expected]) => expected));
});

test('errors print their stack', () => {
  const message = logs[CASES.length].message;
  assert.match(message, /^TypeError: bad thing\n\s+at thrower/);
  assert.match(logs[CASES.length + 1].message, /^\{\n {2}err: RangeError: inner\n {6}at /);
});

test('console.error and long objects', () => {
  assert.equal(logs[CASES.length + 2].message, "to stderr { level: 'error' }");
  assert.equal(logs[CASES.length + 2].level, 'error');
  assert.equal(logs[CASES.length + 3].message, `{\n  long: '${'x'.repeat(60)}',\n  other: '${'y'.repeat(30)}'\n}`);
});
