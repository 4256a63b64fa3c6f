// node:assert/strict: node:assert's strict mode (equal is strictEqual, deepEqual is
// deepStrictEqual, ...), the same object as require('assert').strict.
const { strict } = require('./assert.js');

export const {
  AssertionError, CallTracker, deepEqual, deepStrictEqual, doesNotMatch, doesNotReject, doesNotThrow, equal, fail,
  ifError, match, notDeepEqual, notDeepStrictEqual, notEqual, notStrictEqual, ok, partialDeepStrictEqual, rejects,
  strictEqual, throws,
} = strict;
export { strict };
export default strict;
