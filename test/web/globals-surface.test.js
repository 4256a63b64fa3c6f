// The global scope a module worker sees (no nodejs_compat), against what Cloudflare Workers
// documents: the "Web standards" page and the runtime API pages (fetch, streams, encoding,
// Web Crypto, performance (with enable_global_performance_classes), scheduler, console,
// WebSockets, Cache, HTMLRewriter, EventSource, MessageChannel), plus the event and global-scope
// classes the Workers runtime exposes with them.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { NO_NODE_COMPAT } from '../helpers/worker.js';
import { runChecks, value } from './run-checks.js';

// Interface objects: `typeof` is 'function', `name` is the last part of the path and, as WebIDL
// defines (and Workers does for every class it exposes), prototype[Symbol.toStringTag] is too.
const CLASSES = [
  'Headers', 'Request', 'Response', 'URL', 'URLSearchParams', 'URLPattern',
  'TextEncoder', 'TextDecoder', 'TextEncoderStream', 'TextDecoderStream', 'CompressionStream', 'DecompressionStream',
  'ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader', 'ReadableStreamDefaultController',
  'ReadableByteStreamController', 'ReadableStreamBYOBRequest', 'WritableStream', 'WritableStreamDefaultWriter',
  'WritableStreamDefaultController', 'TransformStream', 'TransformStreamDefaultController',
  'ByteLengthQueuingStrategy', 'CountQueuingStrategy', 'IdentityTransformStream', 'FixedLengthStream',
  'Blob', 'File', 'FormData', 'Event', 'EventTarget', 'CustomEvent', 'AbortController', 'AbortSignal', 'DOMException',
  'Crypto', 'SubtleCrypto', 'CryptoKey', 'crypto.DigestStream',
  'WebSocket', 'WebSocketPair', 'WebSocketRequestResponsePair', 'HTMLRewriter', 'Cache', 'CacheStorage', 'EventSource', 'MessageChannel', 'MessagePort',
  'MessageEvent', 'CloseEvent', 'ErrorEvent', 'PromiseRejectionEvent', 'ExtendableEvent', 'FetchEvent', 'ScheduledEvent',
  'Navigator', 'WorkerGlobalScope',
  'Performance', 'PerformanceEntry', 'PerformanceMark', 'PerformanceMeasure', 'PerformanceObserver',
  'PerformanceObserverEntryList', 'PerformanceResourceTiming',
];

// Everything else, with its `typeof` in Workers.
const VALUES = {
  fetch: 'function', atob: 'function', btoa: 'function', queueMicrotask: 'function', structuredClone: 'function',
  reportError: 'function', setTimeout: 'function', clearTimeout: 'function', setInterval: 'function',
  clearInterval: 'function', addEventListener: 'function', removeEventListener: 'function', dispatchEvent: 'function',
  self: 'object', console: 'object', crypto: 'object', performance: 'object', navigator: 'object', scheduler: 'object',
  caches: 'object',
  'crypto.subtle': 'object', 'crypto.getRandomValues': 'function', 'crypto.randomUUID': 'function',
  'performance.now': 'function', 'performance.timeOrigin': 'number', 'performance.toJSON': 'function',
  ...Object.fromEntries(['mark', 'measure', 'getEntries', 'getEntriesByName', 'getEntriesByType', 'clearMarks', 'clearMeasures']
    .map((m) => [`performance.${m}`, 'function'])),
  'PerformanceObserver.supportedEntryTypes': 'object',
  'navigator.userAgent': 'string', 'navigator.sendBeacon': 'function',
  'scheduler.wait': 'function',
  ...Object.fromEntries([
    'log', 'info', 'debug', 'warn', 'error', 'dir', 'dirxml', 'table', 'trace', 'assert', 'clear', 'count', 'countReset',
    'group', 'groupCollapsed', 'groupEnd', 'time', 'timeLog', 'timeEnd', 'timeStamp',
  ].map((m) => [`console.${m}`, 'function'])),
};

// Instances Workers tags with their class's name (Object.prototype.toString shows it).
const INSTANCE_TAGS = {
  crypto: 'Crypto', 'crypto.subtle': 'SubtleCrypto', performance: 'Performance', navigator: 'Navigator', scheduler: 'Scheduler',
};

// Documented by Workers but not built here yet. When one lands, the test fails until its name is
// removed from this list (and the checks above then apply to it).
const EXPECTED_MISSING = new Set([
  // Not scheduled yet.
  'EventSource', 'ExtendableEvent', 'FetchEvent', 'ScheduledEvent',
  'WorkerGlobalScope', 'navigator.sendBeacon',
  'console.dirxml', 'console.clear', 'console.timeStamp',
]);

// Present, but their prototype (or instance) lacks the toStringTag. Same rule: remove when fixed.
const KNOWN_TAG_GAPS = new Set([]);

// Not globals in a Workers module worker without nodejs_compat (this suite runs without it; the
// Node.js globals are tested in test/node/): browser-only, Node-only or
// CommonJS-only names.
const ABSENT = [
  'window', 'document', 'location', 'XMLHttpRequest', 'localStorage', 'sessionStorage', 'indexedDB',
  'global', 'process', 'Buffer', 'setImmediate', 'clearImmediate', 'require', 'module', 'exports', '__dirname', '__filename',
];

// The language's own globals, from a fresh context of the same V8.
const BUILTINS = vm.runInNewContext('Object.getOwnPropertyNames(globalThis)');

let results;
before(async () => {
  ({ results } = await runChecks(`
    const lookup = (path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), globalThis);
    await check('typeof', () => Object.fromEntries(${JSON.stringify([...CLASSES, ...Object.keys(VALUES)])}.map((p) => [p, typeof lookup(p)])));
    await check('classes', () => Object.fromEntries(${JSON.stringify(CLASSES)}.filter((p) => typeof lookup(p) === 'function').map((p) => {
      const C = lookup(p);
      // Own tags only: an inherited one (TransformStream's) does not count.
      return [p, [C.name, Object.hasOwn(C.prototype, Symbol.toStringTag) ? C.prototype[Symbol.toStringTag] : null]];
    })));
    await check('instances', () => Object.fromEntries(${JSON.stringify(Object.keys(INSTANCE_TAGS))}.map((p) => [p, Object.prototype.toString.call(lookup(p))])));
    await check('self', () => [self === globalThis, crypto.subtle instanceof SubtleCrypto]);
    await check('absent', () => Object.fromEntries(${JSON.stringify(ABSENT)}.map((n) => [n, [typeof globalThis[n], n in globalThis]])));
    // Module scope: CommonJS names are not in scope either.
    await check('module scope', () => [typeof require, typeof module, typeof exports, typeof __dirname, typeof __filename]);
    await check('own names', () => Object.getOwnPropertyNames(globalThis));
  `, { worker: { compat: NO_NODE_COMPAT } }));
});

test('documented globals have the type Workers gives them', () => {
  const types = value(results, 'typeof');
  for (const path of CLASSES) {
    if (!EXPECTED_MISSING.has(path)) assert.equal(types[path], 'function', path);
  }
  for (const [path, type] of Object.entries(VALUES)) {
    if (!EXPECTED_MISSING.has(path)) assert.equal(types[path], type, path);
  }
  assert.deepEqual(value(results, 'self'), [true, true]);
});

test('documented globals not built yet are still missing (update EXPECTED_MISSING when one lands)', () => {
  const types = value(results, 'typeof');
  for (const path of EXPECTED_MISSING) {
    assert.equal(types[path], 'undefined', `${path} exists now: remove it from EXPECTED_MISSING`);
  }
});

test('classes have their name and toStringTag', () => {
  const classes = value(results, 'classes');
  for (const path of CLASSES) {
    if (EXPECTED_MISSING.has(path)) continue;
    const name = path.split('.').at(-1);
    const [actualName, tag] = classes[path];
    assert.equal(actualName, name, `${path}.name`);
    if (KNOWN_TAG_GAPS.has(path)) assert.equal(tag, null, `${path} has its toStringTag now: remove it from KNOWN_TAG_GAPS`);
    else assert.equal(tag, name, `${path}.prototype[Symbol.toStringTag]`);
  }
});

test('object globals are tagged with their class', () => {
  const instances = value(results, 'instances');
  for (const [path, tag] of Object.entries(INSTANCE_TAGS)) {
    if (KNOWN_TAG_GAPS.has(path)) assert.equal(instances[path], '[object Object]', `${path} is tagged now: remove it from KNOWN_TAG_GAPS`);
    else assert.equal(instances[path], `[object ${tag}]`, path);
  }
});

test('globals Workers does not have are absent', () => {
  for (const [name, [type, present]] of Object.entries(value(results, 'absent'))) {
    assert.deepEqual([type, present], ['undefined', false], name);
  }
  assert.deepEqual(value(results, 'module scope'), ['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
});

test('nothing else is on the global object', () => {
  const known = new Set([...BUILTINS, ...CLASSES, ...Object.keys(VALUES)].map((p) => p.split('.')[0]));
  assert.deepEqual(value(results, 'own names').filter((n) => !known.has(n)), []);
});
