// node:util and node:util/types. inspect and format are checked against Node's own output for
// the same values, built from the same source in both places.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { runNodeChecks, value, error } from './node-checks.js';

// Values built identically here and in the worker (a function body returning an array).
const VALUES = `
  class Foo { constructor() { this.a = 1; } }
  class Bar extends Foo {}
  const circular = { name: 'c' }; circular.self = circular; circular.list = [circular];
  const sparse = [1, , 3]; sparse.length = 6;
  const extra = [1, 2]; extra.key = 'x';
  const err = new TypeError('bad thing'); err.code = 'E_BAD';
  return [
    1, -0, 1n, 'str', "it's", 'multi\\nline', Symbol('s'), undefined, null, true, NaN, -Infinity,
    [1, 2, 3], [], {}, { a: 1, 'b-c': 2 }, new Foo(), new Bar(), Object.create(null),
    Object.assign(Object.create(null), { x: 1 }), circular, sparse, extra,
    new Map([['a', 1], [{ k: 1 }, [1, 2]]]), new Set([1, 'two']), new Map(), new Set(),
    new Uint8Array([1, 2, 3]), new Float64Array(2),
    { a: { b: { c: { d: { e: 1 } } } } }, function named() {}, () => {}, async function af() {}, function* gen() {},
    class K {}, class L extends Foo {}, new Date(0), new Date(NaN), /re/gi, new Number(3), new String('ab'), new Boolean(false),
    Object(1n), new WeakMap(), new WeakSet(), { get g() { return 1; }, set s(v) {}, get gs() { return 1; }, set gs(v) {} },
    Array.from({ length: 30 }, (_, i) => i * 100), Array.from({ length: 120 }, (_, i) => i),
    Array.from({ length: 10 }, (_, i) => 'item' + i), { long: 'x'.repeat(120) }, [[1, [2, [3, [4, [5]]]]]],
    Object.assign(() => {}, { prop: 1 }), Array(5),
    { a: 'a'.repeat(30), b: 'b'.repeat(30), c: 'c'.repeat(30) }, { fn() {}, arrow: () => 1 },
    new (class Special extends Map {})([[1, 2]]), [undefined, null], { 'key with space': 1, 123: 2, $d: 3 },
    err.code, [new Error('in array').message], { nested: { map: new Map([[1, { deep: [1, { x: 1 }] }]]) } },
  ];
`;

const OPTIONS = [
  [{ a: { b: { c: { d: 1 } } } }, { depth: 0 }], [{ a: { b: { c: { d: 1 } } } }, { depth: Infinity }], [{ a: 1, b: [1, 2] }, { compact: false }],
  [{ b: 2, a: 1, c: { z: 1, y: 2 } }, { sorted: true }], [[1, 2, 3, 4], { maxArrayLength: 2 }], ['x'.repeat(20), { maxStringLength: 5 }],
  [1234567.891, { numericSeparator: true }], [{ a: [1, 2] }, { compact: true }], [[1, 2, 3], { showHidden: true }], [{ a: 1 }, { breakLength: 3 }],
  [{ s: 'x', n: 1 }, { colors: true }],
];

test('util.inspect renders values as Node does', async () => {
  const { results } = await runNodeChecks({
    imports: `import util, { inspect } from 'node:util'; import sys from 'sys';`,
    body: `
      const values = (() => { ${VALUES} })();
      const options = ${util.inspect(OPTIONS, { depth: Infinity, maxArrayLength: Infinity, breakLength: Infinity })};
      await check('values', () => values.map((v) => inspect(v)));
      await check('options', () => options.map(([v, o]) => inspect(v, o)));
      await check('module', () => [sys === util, util.inspect === inspect, inspect.custom === Symbol.for('nodejs.util.inspect.custom'), typeof inspect.defaultOptions, inspect.colors.red, inspect.styles.string]);
      await check('custom', () => [inspect({ [inspect.custom]: () => 'CUSTOM' }), inspect({ inner: { [inspect.custom]: (depth, opts, insp) => ['depth', depth, typeof opts.stylize, insp === inspect] } })]);
      await check('legacyArgs', () => inspect({ a: { b: { c: {} } } }, false, 0));
      // Where Node 24 (this test's host) renders differently from Node 22 (whose output Workers has).
      await check('node22', () => [inspect({ a: 1, [Symbol('k')]: 3 }), inspect({ [Symbol.toStringTag]: 'Tagged', v: 1 }), inspect(new ArrayBuffer(4)), inspect(new DataView(new ArrayBuffer(2)))]);
      await check('errors', () => { const err = new TypeError('bad thing'); err.code = 'E_BAD'; const withCause = new Error('outer', { cause: new Error('inner') }); return [inspect(err), inspect({ err }), inspect(withCause), inspect(new AggregateError([new Error('a')], 'agg'))]; });
    `,
  });
  const hostValues = new Function(VALUES)();
  assert.deepEqual(value(results, 'values'), hostValues.map((v) => util.inspect(v)));
  assert.deepEqual(value(results, 'options'), OPTIONS.map(([v, o]) => util.inspect(v, o)));
  assert.deepEqual(value(results, 'module'), [true, true, true, 'object', [31, 39], 'green']);
  assert.deepEqual(value(results, 'custom'), ['CUSTOM', "{ inner: [ 'depth', 1, 'function', true ] }"]);
  assert.equal(value(results, 'legacyArgs'), '{ a: [Object] }');
  assert.deepEqual(value(results, 'node22'), [
    '{ a: 1, [Symbol(k)]: 3 }',
    "{ v: 1, [Symbol(Symbol.toStringTag)]: 'Tagged' }",
    'ArrayBuffer { [Uint8Contents]: <00 00 00 00>, byteLength: 4 }',
    'DataView {\n  byteLength: 2,\n  byteOffset: 0,\n  buffer: ArrayBuffer { [Uint8Contents]: <00 00>, byteLength: 2 }\n}',
  ]);
  const [err, wrapped, withCause, aggregate] = value(results, 'errors');
  assert.match(err, /^TypeError: bad thing\n    at .*index\.js:\d+:\d+\)?\n[\s\S]* \{\n  code: 'E_BAD'\n\}$/);
  assert.match(wrapped, /^\{\n  err: TypeError: bad thing\n      at [\s\S]*\{\n    code: 'E_BAD'\n  \}\n\}$/);
  assert.match(withCause, /^Error: outer\n[\s\S]* \{\n  \[cause\]: Error: inner\n[\s\S]*\n\}$/);
  assert.match(aggregate, /^AggregateError: agg\n[\s\S]* \{\n  \[errors\]: \[\n    Error: a\n[\s\S]*\n  \]\n\}$/);
  assert.doesNotMatch(err, /node:internal|\/src\/runtime\//);
});

test('util.format and formatWithOptions substitute as Node does', async () => {
  const FORMATS = `[
    ['%s %d %i %f %j %%', 'a', 42, '3.9', '1.5', { x: 1 }], ['%s', { a: 1 }], ['%s', [1, 2]], ['%s', 5n], ['%s', -0], ['%s', null],
    ['%s', Symbol('z')], ['%s', new Date(0)], ['%s', { toString() { return 'custom'; } }], ['%d', '0x10'], ['%d', 1n], ['%i', 3.9],
    ['%o', { a: [1] }], ['%O', { a: 1 }], ['a', 'b', 1, { c: 2 }], [{ a: 1 }, 'x'], ['%s %s', 'only'], ['%c css', 'color: red'],
    ['100%'], ['%x %s', 'y'], [], ['%j', (() => { const c = {}; c.c = c; return c; })()], ['%s:%s', 'a', 'b', 'extra', 4],
  ]`;
  const { results } = await runNodeChecks({
    imports: `import { format, formatWithOptions } from 'node:util';`,
    body: `
      const formats = ${FORMATS};
      await check('format', () => formats.map((args) => format(...args)));
      await check('withOptions', () => [formatWithOptions({ colors: true }, '%O', { a: 1 }), formatWithOptions({ compact: false }, { a: 1 })]);
      await check('badOptions', () => formatWithOptions(null, 'x'));
    `,
  });
  const formats = new Function(`return ${FORMATS}`)();
  assert.deepEqual(value(results, 'format'), formats.map((args) => util.format(...args)));
  assert.deepEqual(value(results, 'withOptions'), [util.formatWithOptions({ colors: true }, '%O', { a: 1 }), util.formatWithOptions({ compact: false }, { a: 1 })]);
  assert.equal(error(results, 'badOptions').code, 'ERR_INVALID_ARG_TYPE');
});

test('promisify (with util.promisify.custom and the global timers), callbackify, inherits, deprecate', async () => {
  const { results } = await runNodeChecks({
    imports: `import util, { promisify, callbackify, inherits, deprecate } from 'node:util';`,
    body: `
      await check('promisify', async () => {
        function double(x, cb) { cb(null, x * 2); }
        function fails(cb) { cb(new Error('nope')); }
        const custom = () => {};
        custom[promisify.custom] = (v) => Promise.resolve('custom ' + v);
        let failure;
        try { await promisify(fails)(); } catch (e) { failure = e.message; }
        return [await promisify(double)(21), failure, await promisify(custom)('v'), promisify(custom) === custom[promisify.custom], promisify.custom === Symbol.for('nodejs.util.promisify.custom'), await promisify(setTimeout)(1, 'later'), await promisify(setImmediate)('soon')];
      });
      await check('promisifyThis', async () => { const obj = { v: 5, get(cb) { cb(null, this.v); } }; return promisify(obj.get).call(obj); });
      await check('notFunction', () => promisify(5));
      await check('callbackify', async () => {
        const ok = await new Promise((r) => callbackify(async (x) => x + 1)(1, (err, v) => r([err, v])));
        const bad = await new Promise((r) => callbackify(async () => { throw new Error('e'); })((err) => r(err.message)));
        const falsy = await new Promise((r) => callbackify(() => Promise.reject(0))((err) => r([err.code, err.reason])));
        return [ok, bad, falsy, callbackify(async function named() {}).name];
      });
      await check('inherits', () => { function A() {} A.prototype.hi = function () { return 'hi'; }; function B() { A.call(this); } inherits(B, A); return [new B().hi(), B.super_ === A, new B() instanceof A]; });
      await check('inheritsBad', () => inherits(function () {}, null));
      await check('deprecate', async () => {
        const warnings = [];
        process.on('warning', (w) => warnings.push([w.name, w.code, w.message]));
        const f = deprecate((x) => x * 2, 'f() is deprecated', 'DEP_OUTPOST_1');
        const g = deprecate(() => 'g', 'g() is deprecated', 'DEP_OUTPOST_1');
        const results = [f(1), f(2), g()];
        await new Promise((r) => setTimeout(r, 1));
        return [results, warnings];
      });
    `,
  });
  assert.deepEqual(value(results, 'promisify'), [42, 'nope', 'custom v', true, true, 'later', 'soon']);
  assert.equal(value(results, 'promisifyThis'), 5);
  assert.equal(error(results, 'notFunction').code, 'ERR_INVALID_ARG_TYPE');
  assert.deepEqual(value(results, 'callbackify'), [[null, 2], 'e', ['ERR_FALSY_VALUE_REJECTION', 0], 'namedCallbackified']);
  assert.deepEqual(value(results, 'inherits'), ['hi', true, true]);
  assert.equal(error(results, 'inheritsBad').code, 'ERR_INVALID_ARG_TYPE');
  assert.deepEqual(value(results, 'deprecate'), [[2, 4, 'g'], [['DeprecationWarning', 'DEP_OUTPOST_1', 'f() is deprecated']]]);
});

test('util.types and isDeepStrictEqual agree with Node; brand checks ignore Symbol.toStringTag', async () => {
  const SAMPLES = `[
    new Date(), /x/, new Map(), new Set(), new WeakMap(), new WeakSet(), new ArrayBuffer(1), new DataView(new ArrayBuffer(1)),
    new Uint8Array(1), new Float32Array(1), new BigInt64Array(1), Promise.resolve(), new Error('e'), new TypeError('t'),
    Object(1), Object('s'), Object(true), Object(1n), Object(Symbol()), async () => {}, function* () {}, async function* () {},
    (function* () {})(), new Map().keys(), new Set().values(), (function () { return arguments; })(), {}, [], 1, 'x',
    { [Symbol.toStringTag]: 'Date' }, Object.create(Map.prototype),
  ]`;
  const CHECKS = ['isDate', 'isRegExp', 'isMap', 'isSet', 'isWeakMap', 'isWeakSet', 'isArrayBuffer', 'isAnyArrayBuffer', 'isDataView', 'isArrayBufferView', 'isTypedArray', 'isUint8Array', 'isFloat32Array', 'isBigInt64Array', 'isPromise', 'isNativeError', 'isNumberObject', 'isStringObject', 'isBooleanObject', 'isBigIntObject', 'isSymbolObject', 'isBoxedPrimitive', 'isAsyncFunction', 'isGeneratorFunction', 'isGeneratorObject', 'isMapIterator', 'isSetIterator', 'isArgumentsObject', 'isProxy', 'isExternal'];
  const PAIRS = `[
    [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }], [{ a: 1 }, { a: '1' }], [new Set([1, { a: 2 }]), new Set([{ a: 2 }, 1])],
    [new Map([[{ k: 1 }, 'v']]), new Map([[{ k: 1 }, 'v']])], [new Date(1), new Date(1)], [/a/g, /a/i], [0, -0], [NaN, NaN],
    [new Uint8Array([1]), new Int8Array([1])], [Object.create(null), {}], [new Error('x'), new Error('x')], [[1, , 3], [1, undefined, 3]],
    [Buffer.from('a'), new Uint8Array([97])], [{ [Symbol.for('s')]: 1 }, { [Symbol.for('s')]: 1 }], [new Number(1), new Number(2)],
  ]`;
  const { results } = await runNodeChecks({
    imports: `import { types, isDeepStrictEqual } from 'node:util'; import typesModule from 'node:util/types'; import * as named from 'node:util/types';`,
    body: `
      const samples = ${SAMPLES};
      const checks = ${JSON.stringify(CHECKS)};
      await check('types', () => checks.map((name) => samples.map((s) => types[name](s))));
      await check('module', () => [types === typesModule, named.isDate === types.isDate, typeof types.isKeyObject, typeof types.isCryptoKey]);
      await check('deep', () => ${PAIRS}.map(([a, b]) => isDeepStrictEqual(a, b)));
    `,
  });
  const samples = new Function(`return ${SAMPLES}`)();
  assert.deepEqual(value(results, 'types'), CHECKS.map((name) => samples.map((s) => util.types[name](s))));
  assert.deepEqual(value(results, 'module'), [true, true, 'function', 'function']);
  // Buffer vs Uint8Array: Node's own Buffer has a different prototype, so compare with Node on the rest.
  const pairs = new Function(`return ${PAIRS}`)();
  assert.deepEqual(value(results, 'deep'), pairs.map(([a, b]) => util.isDeepStrictEqual(a, b)));
});

test('parseArgs, MIMEType, debuglog, styleText and the smaller helpers', async () => {
  const { results, logs } = await runNodeChecks({
    worker: { env: { vars: { NODE_DEBUG: 'http,my*' } } },
    imports: `import util, { parseArgs, MIMEType, MIMEParams, debuglog, debug, styleText, stripVTControlCharacters, toUSVString, aborted, getSystemErrorName, TextEncoder as TE, TextDecoder as TD, isDeepStrictEqual } from 'node:util';`,
    body: `
      await check('parseArgs', () => parseArgs({ args: ['-vf', 'file.txt', '--name=x', '--', '--not-an-option'], options: { verbose: { type: 'boolean', short: 'v' }, file: { type: 'string', short: 'f' }, name: { type: 'string' }, n: { type: 'string', default: 'def' } }, allowPositionals: true }));
      await check('parseArgsTokens', () => parseArgs({ args: ['--a', 'b'], options: { a: { type: 'string' } }, tokens: true }).tokens);
      await check('parseArgsUnknown', () => parseArgs({ args: ['--nope'], options: {} }));
      await check('parseArgsPositional', () => parseArgs({ args: ['x'], options: {} }));
      await check('mime', () => { const m = new MIMEType('Text/HTML; Charset="utf-8"; q=1'); m.params.set('x', 'a b'); return [m.type, m.subtype, m.essence, m.params.get('charset'), String(m), JSON.stringify({ m }), m.params instanceof MIMEParams]; });
      await check('mimeInvalid', () => new MIMEType('nope'));
      await check('debuglog', () => { const a = debuglog('http'); const b = debuglog('mymodule'); const c = debug('other'); a('GET %s', '/'); b('matched'); c('hidden'); return [a.enabled, b.enabled, c.enabled]; });
      await check('styleText', () => [styleText('red', 'x'), styleText(['bold', 'green'], 'y', { validateStream: false }), stripVTControlCharacters('\\u001b[31mred\\u001b[39m')]);
      await check('styleTextBad', () => styleText('nocolor', 'x'));
      await check('misc', async () => { const ac = new AbortController(); const p = aborted(ac.signal, {}); ac.abort(); await p; return [toUSVString('a\\ud800b'), getSystemErrorName(-2), TE === TextEncoder, TD === TextDecoder, util.isArray([]), util.isBuffer(Buffer.alloc(1)), util.isPrimitive(null), util.isError(new Error()), typeof util.log]; });
    `,
  });
  assert.deepEqual(value(results, 'parseArgs'), { values: { verbose: true, file: 'file.txt', name: 'x', n: 'def' }, positionals: ['--not-an-option'] });
  assert.deepEqual(value(results, 'parseArgsTokens'), [{ kind: 'option', name: 'a', rawName: '--a', index: 0, value: 'b', inlineValue: false }]);
  assert.deepEqual(error(results, 'parseArgsUnknown'), { ctor: 'TypeError', name: 'TypeError', message: "Unknown option '--nope'", code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION', isError: true });
  assert.equal(error(results, 'parseArgsPositional').code, 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL');
  assert.deepEqual(value(results, 'mime'), ['text', 'html', 'text/html', 'utf-8', 'text/html;charset=utf-8;q=1;x="a b"', '{"m":"text/html;charset=utf-8;q=1;x=\\"a b\\""}', true]);
  assert.equal(error(results, 'mimeInvalid').code, 'ERR_INVALID_MIME_SYNTAX');
  assert.deepEqual(value(results, 'debuglog'), [true, true, false]);
  assert.ok(logs.some((l) => l.level === 'error' && l.message === 'HTTP 1: GET /'));
  assert.ok(logs.some((l) => l.message === 'MYMODULE 1: matched'));
  assert.ok(!logs.some((l) => /hidden/.test(l.message)));
  assert.deepEqual(value(results, 'styleText'), ['x', '\u001b[1m\u001b[32my\u001b[39m\u001b[22m', 'red']);
  assert.equal(error(results, 'styleTextBad').code, 'ERR_INVALID_ARG_VALUE');
  assert.deepEqual(value(results, 'misc'), ['a\ufffdb', 'ENOENT', true, true, true, true, true, true, 'function']);
});
