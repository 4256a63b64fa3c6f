import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value, assertDOMException, assertTypeError } from './run-checks.js';

let results;
before(async () => {
  ({ results } = await runChecks(`
    await check('btoa', () => [btoa(''), btoa('f'), btoa('fo'), btoa('foo'), btoa('foob'), btoa('\\xff\\xfe\\x00'), btoa(12), btoa(null)]);
    await check('btoaWide', () => btoa('€'));
    await check('atob', () => [atob(''), atob('Zg=='), atob('Zm8='), atob('Zm9v'), atob('Zm9vYg'), atob('//4A').split('').map((c) => c.charCodeAt(0))]);
    await check('atobWhitespace', () => atob(' Zm\\t9v\\nYm\\f Fy\\r'));
    await check('atobBadLength', () => atob('Zm9vY'));
    await check('atobBadChar', () => atob('Zm9v!'));
    await check('atobBadPadding', () => atob('Zg=a'));
    await check('atobTooMuchPadding', () => atob('Zg==='));
    await check('atobPaddingMidway', () => atob('Zg==Zg=='));
    await check('atobNonAscii', () => atob('Zm9vé'));
    await check('atobUnpaddedBits', () => [atob('Zh'), atob('Zh==')]);
    await check('atobNoArgs', () => atob());
    await check('roundTrip', () => { let s = ''; for (let i = 0; i < 256; i++) s += String.fromCharCode(i); return atob(btoa(s)) === s; });
  `));
});

test('btoa encodes Latin-1 strings', () => {
  assert.deepEqual(value(results, 'btoa'), ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', '//4A', 'MTI=', 'bnVsbA==']);
  assertDOMException(results, 'btoaWide', 'InvalidCharacterError', 5);
});

test('atob decodes forgiving base64', () => {
  assert.deepEqual(value(results, 'atob'), ['', 'f', 'fo', 'foo', 'foob', [0xff, 0xfe, 0]]);
  assert.equal(value(results, 'atobWhitespace'), 'foobar');
  assert.deepEqual(value(results, 'atobUnpaddedBits'), ['f', 'f']);
  assert.equal(value(results, 'roundTrip'), true);
});

test('atob rejects malformed input with InvalidCharacterError', () => {
  for (const name of ['atobBadLength', 'atobBadChar', 'atobBadPadding', 'atobTooMuchPadding', 'atobPaddingMidway', 'atobNonAscii']) {
    assertDOMException(results, name, 'InvalidCharacterError', 5);
  }
  assertTypeError(results, 'atobNoArgs');
});
