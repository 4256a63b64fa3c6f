import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, value } from './run-checks.js';

const NAMES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InUseAttributeError: 10,
  InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
  InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20,
  URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
  EncodingError: 0, NotReadableError: 0, UnknownError: 0, ConstraintError: 0, DataError: 0,
  TransactionInactiveError: 0, ReadOnlyError: 0, VersionError: 0, OperationError: 0, NotAllowedError: 0,
  Whatever: 0,
};
const CONSTANTS = [
  'INDEX_SIZE_ERR', 'DOMSTRING_SIZE_ERR', 'HIERARCHY_REQUEST_ERR', 'WRONG_DOCUMENT_ERR', 'INVALID_CHARACTER_ERR',
  'NO_DATA_ALLOWED_ERR', 'NO_MODIFICATION_ALLOWED_ERR', 'NOT_FOUND_ERR', 'NOT_SUPPORTED_ERR', 'INUSE_ATTRIBUTE_ERR',
  'INVALID_STATE_ERR', 'SYNTAX_ERR', 'INVALID_MODIFICATION_ERR', 'NAMESPACE_ERR', 'INVALID_ACCESS_ERR', 'VALIDATION_ERR',
  'TYPE_MISMATCH_ERR', 'SECURITY_ERR', 'NETWORK_ERR', 'ABORT_ERR', 'URL_MISMATCH_ERR', 'QUOTA_EXCEEDED_ERR',
  'TIMEOUT_ERR', 'INVALID_NODE_TYPE_ERR', 'DATA_CLONE_ERR',
];

let results;
before(async () => {
  ({ results } = await runChecks(`
    await check('codes', () => Object.fromEntries(${JSON.stringify(Object.keys(NAMES))}.map((n) => [n, new DOMException('m', n).code])));
    await check('constants', () => ${JSON.stringify(CONSTANTS)}.map((c) => [DOMException[c], DOMException.prototype[c], new DOMException()[c]]));
    await check('defaults', () => { const e = new DOMException(); return [e.name, e.message, e.code]; });
    await check('options', () => { const e = new DOMException('msg', { name: 'AbortError', cause: 'why' }); return [e.name, e.message, e.code, e.cause]; });
    await check('errorChain', () => {
      const e = new DOMException('boom', 'NotFoundError');
      return [e instanceof DOMException, e instanceof Error, Object.getPrototypeOf(DOMException.prototype) === Error.prototype,
        Object.prototype.toString.call(e), String(e), Object.keys(e), Object.hasOwn(e, 'message'), Object.hasOwn(e, 'name')];
    });
    await check('stack', () => {
      function thrower() { throw new DOMException('deep', 'SyntaxError'); }
      try { thrower(); } catch (e) { return [e.stack.split('\\n')[0], e.stack.includes('thrower')]; }
    });
    await check('accessors', () => ['name', 'message', 'code'].map((k) => typeof Object.getOwnPropertyDescriptor(DOMException.prototype, k).get));
    await check('coercion', () => { const e = new DOMException(42, 7); return [e.message, e.name]; });
    await check('name', () => DOMException.name);
  `));
});

test('legacy names map to their codes; others have code 0', () => {
  assert.deepEqual(value(results, 'codes'), NAMES);
});

test('the legacy code constants exist on the interface and its instances', () => {
  assert.deepEqual(value(results, 'constants'), CONSTANTS.map((_, i) => [i + 1, i + 1, i + 1]));
});

test('name, message and code', () => {
  assert.deepEqual(value(results, 'defaults'), ['Error', '', 0]);
  assert.deepEqual(value(results, 'options'), ['AbortError', 'msg', 20, 'why']);
  assert.deepEqual(value(results, 'coercion'), ['42', '7']);
  assert.deepEqual(value(results, 'accessors'), ['function', 'function', 'function']);
});

test('inherits from Error and has a stack', () => {
  assert.deepEqual(value(results, 'errorChain'), [true, true, true, '[object DOMException]', 'NotFoundError: boom', [], false, false]);
  assert.deepEqual(value(results, 'stack'), ['SyntaxError: deep', true]);
  assert.equal(value(results, 'name'), 'DOMException');
});
