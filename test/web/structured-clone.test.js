import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertDOMException, assertTypeError } from './run-checks.js';

let results;
before(async () => {
  ({ results } = await runChecks(`
    await check('primitives', () => [structuredClone(1), structuredClone('s'), structuredClone(null), structuredClone(true), structuredClone(undefined) === undefined, Object.is(structuredClone(-0), -0), Number.isNaN(structuredClone(NaN)), structuredClone(10n ** 20n) === 10n ** 20n]);
    await check('wrappers', () => [new Number(1), new String('s'), new Boolean(false), Object(5n)].map((w) => { const c = structuredClone(w); return [typeof c, c !== w, String(c.valueOf())]; }));
    await check('date', () => { const d = new Date(12345); const c = structuredClone(d); return [c instanceof Date, c !== d, c.getTime()]; });
    await check('regexp', () => { const r = /a+b/gi; r.lastIndex = 3; r.extra = 1; const c = structuredClone(r); return [c instanceof RegExp, c.source, c.flags, c.lastIndex, c.extra]; });
    await check('arrayBuffer', () => { const b = new Uint8Array([1, 2]).buffer; const c = structuredClone(b); new Uint8Array(b)[0] = 9; return [c instanceof ArrayBuffer, [...new Uint8Array(c)]]; });
    await check('views', () => {
      const buf = new ArrayBuffer(16);
      const u8 = new Uint8Array(buf, 4, 4);
      const f64 = new Float64Array(buf, 8, 1);
      const dv = new DataView(buf, 2, 6);
      u8.set([1, 2, 3, 4]);
      const [a, b, c] = structuredClone([u8, f64, dv]);
      return [a.constructor.name, a.byteOffset, a.length, [...a], b.constructor.name, b.byteOffset, c.constructor.name, c.byteOffset, c.byteLength, a.buffer === b.buffer && b.buffer === c.buffer, a.buffer !== buf];
    });
    await check('allTypedArrays', () => [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array].map((T) => structuredClone(new T(2)).constructor === T));
    await check('transfer', () => {
      const buf = new Uint8Array([5, 6]).buffer;
      const view = new Uint8Array(buf);
      const c = structuredClone({ view }, { transfer: [buf] });
      return [buf.byteLength, buf.detached, [...c.view]];
    });
    await check('transferNotInValue', () => { const buf = new ArrayBuffer(4); structuredClone(1, { transfer: [buf] }); return buf.detached; });
    await check('transferDuplicate', () => { const buf = new ArrayBuffer(1); return structuredClone(buf, { transfer: [buf, buf] }); });
    await check('transferDetached', () => { const buf = new ArrayBuffer(1); buf.transfer(); return structuredClone(1, { transfer: [buf] }); });
    await check('transferNonTransferable', () => structuredClone(1, { transfer: [{}] }));
    await check('mapSet', () => {
      const key = { k: 1 };
      const m = new Map([[key, 'v'], ['x', key]]);
      const c = structuredClone({ m, s: new Set([1, key]) });
      const [k2] = c.m.keys();
      return [c.m instanceof Map, c.m.get(k2), c.m.get('x') === k2, k2 !== key, c.s instanceof Set, c.s.has(k2), c.s.size];
    });
    await check('errors', () => {
      const e = new RangeError('out', { cause: { why: 'x' } });
      e.extra = 1;
      const c = structuredClone(e);
      const custom = Object.assign(new Error('m'), { name: 'CustomError' });
      const cc = structuredClone(custom);
      return [c instanceof RangeError, c.name, c.message, c.cause, c.stack === e.stack, c.extra, cc.name, cc instanceof Error, Object.hasOwn(c, 'message'), Object.getOwnPropertyDescriptor(c, 'message').enumerable];
    });
    await check('errorTypes', () => [EvalError, ReferenceError, SyntaxError, TypeError, URIError].map((E) => structuredClone(new E('x')) instanceof E));
    await check('domException', () => { const c = structuredClone(new DOMException('m', 'AbortError')); return [c instanceof DOMException, c.name, c.message, c.code]; });
    await check('blobFile', async () => {
      const b = structuredClone(new Blob(['abc'], { type: 'text/plain' }));
      const f = structuredClone(new File(['de'], 'f.txt', { type: 'x/y', lastModified: 7 }));
      return [b instanceof Blob, b.type, await b.text(), f instanceof File, f.name, f.type, f.lastModified, await f.text()];
    });
    await check('arrays', () => {
      const a = [1, , 3];
      a.prop = 'p';
      const c = structuredClone(a);
      return [Array.isArray(c), c.length, 1 in c, c[2], c.prop];
    });
    await check('objects', () => {
      class Point { constructor() { this.x = 1; } get y() { return 2; } }
      const sym = Symbol('s');
      const o = { a: 1, nested: { b: [2] }, [sym]: 3, get g() { return 'got'; } };
      Object.defineProperty(o, 'hidden', { value: 1, enumerable: false });
      const c = structuredClone(o);
      const p = structuredClone(new Point());
      return [c.a, c.nested.b[0], sym in c, c.g, Object.getOwnPropertyDescriptor(c, 'g').value, 'hidden' in c, Object.getPrototypeOf(p) === Object.prototype, p.x, p.y];
    });
    await check('cycles', () => {
      const o = { name: 'root' };
      o.self = o;
      o.list = [o, { back: o }];
      const shared = { s: 1 };
      o.pair = [shared, shared];
      const c = structuredClone(o);
      return [c !== o, c.self === c, c.list[0] === c, c.list[1].back === c, c.pair[0] === c.pair[1], c.pair[0] !== shared];
    });
    await check('function', () => structuredClone(() => 1));
    await check('symbol', () => structuredClone(Symbol('x')));
    await check('nestedFunction', () => structuredClone({ f() {} }));
    await check('weakMap', () => structuredClone(new WeakMap()));
    await check('weakSet', () => structuredClone(new WeakSet()));
    await check('promise', () => structuredClone(Promise.resolve()));
    await check('platformObject', () => structuredClone(new Headers()));
    await check('noArgs', () => structuredClone());
    await check('sharedArrayBuffer', () => structuredClone(new SharedArrayBuffer(4)));
    await check('shrunkTypedArray', () => { const buf = new ArrayBuffer(8, { maxByteLength: 16 }); const view = new Int16Array(buf, 4, 2); buf.resize(6); return structuredClone(view); });
    await check('shrunkDataView', () => { const buf = new ArrayBuffer(8, { maxByteLength: 16 }); const view = new DataView(buf, 6); buf.resize(2); return structuredClone(view); });
    await check('shrunkTransferred', () => { const buf = new ArrayBuffer(8, { maxByteLength: 16 }); const view = new Uint8Array(buf, 4); buf.resize(2); return structuredClone(view, { transfer: [buf] }); });
    await check('lengthTracking', () => {
      const buf = new ArrayBuffer(8, { maxByteLength: 64 });
      const [tracking, fixed, dv] = structuredClone([new Uint16Array(buf, 2), new Uint8Array(buf, 0, 4), new DataView(buf, 4)], { transfer: [buf] });
      tracking.buffer.resize(20);
      return [tracking.length, fixed.length, dv.byteLength, tracking.buffer.maxByteLength];
    });
  `));
});

test('primitives and wrapper objects', () => {
  assert.deepEqual(value(results, 'primitives'), [1, 's', null, true, true, true, true, true]);
  assert.deepEqual(value(results, 'wrappers'), [['object', true, '1'], ['object', true, 's'], ['object', true, 'false'], ['object', true, '5']]);
});

test('Date and RegExp (lastIndex reset)', () => {
  assert.deepEqual(value(results, 'date'), [true, true, 12345]);
  const [isRegExp, source, flags, lastIndex] = value(results, 'regexp');
  assert.deepEqual([isRegExp, source, flags, lastIndex], [true, 'a+b', 'gi', 0]);
});

test('ArrayBuffers are copied; views keep sharing one copied buffer', () => {
  assert.deepEqual(value(results, 'arrayBuffer'), [true, [1, 2]]);
  assert.deepEqual(value(results, 'views'), ['Uint8Array', 4, 4, [1, 2, 3, 4], 'Float64Array', 8, 'DataView', 2, 6, true, true]);
  assert.ok(value(results, 'allTypedArrays').every(Boolean));
});

test('transfer detaches the listed buffers', () => {
  assert.deepEqual(value(results, 'transfer'), [0, true, [5, 6]]);
  assert.equal(value(results, 'transferNotInValue'), true);
  assertDOMException(results, 'transferDuplicate', 'DataCloneError', 25);
  assertDOMException(results, 'transferDetached', 'DataCloneError', 25);
  assertDOMException(results, 'transferNonTransferable', 'DataCloneError', 25);
});

test('Map and Set', () => {
  assert.deepEqual(value(results, 'mapSet'), [true, 'v', true, true, true, true, 2]);
});

test('errors keep type, message, stack and cause', () => {
  const [isRangeError, name, message, cause, sameStack, extra, customName, customIsError, ownMessage, messageEnumerable] = value(results, 'errors');
  assert.deepEqual([isRangeError, name, message, cause, sameStack, extra, customName, customIsError, ownMessage, messageEnumerable], [true, 'RangeError', 'out', { why: 'x' }, true, null, 'Error', true, true, false]);
  assert.ok(value(results, 'errorTypes').every(Boolean));
  assert.deepEqual(value(results, 'domException'), [true, 'AbortError', 'm', 20]);
});

test('Blob and File', () => {
  assert.deepEqual(value(results, 'blobFile'), [true, 'text/plain', 'abc', true, 'f.txt', 'x/y', 7, 'de']);
});

test('arrays keep holes and extra properties; objects copy own enumerable string keys', () => {
  assert.deepEqual(value(results, 'arrays'), [true, 3, false, 3, 'p']);
  assert.deepEqual(value(results, 'objects'), [1, 2, false, 'got', 'got', false, true, 1, undefined].map((v) => (v === undefined ? null : v)));
});

test('cycles and shared references are preserved', () => {
  assert.deepEqual(value(results, 'cycles'), [true, true, true, true, true, true]);
});

test('uncloneable values throw DataCloneError', () => {
  for (const name of ['function', 'symbol', 'nestedFunction', 'weakMap', 'weakSet', 'promise', 'platformObject']) {
    assertDOMException(results, name, 'DataCloneError', 25);
  }
  assertTypeError(results, 'noArgs');
});

test('SharedArrayBuffers and views whose buffer shrank under them throw DataCloneError', () => {
  for (const name of ['sharedArrayBuffer', 'shrunkTypedArray', 'shrunkDataView', 'shrunkTransferred']) {
    assertDOMException(results, name, 'DataCloneError', 25);
  }
});

test('a view reaching the end of a resizable buffer keeps following its length', () => {
  assert.deepEqual(value(results, 'lengthTracking'), [9, 4, 16, 64]);
});
