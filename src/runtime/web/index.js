// Entry point of the prelude: the Web platform every worker isolate starts with.
// `boot` receives the single host function, installs the globals and returns the one function
// through which the host enters the isolate from then on.
import { installHost, hostCall, complete } from './internal/bridge.js';
import { setClock, installFrozenDate, Performance } from './internal/clock.js';
import { Entry } from './internal/protocol.js';
import { streams } from './streams.js';
import { defineLazy } from './internal/lazy.js';
import { setNodeSettings } from './internal/node-settings.js';
import { setTimeout, setInterval, clearTimeout, clearInterval, fireTimer } from './timers.js';
import { fetch } from './fetch.js';
import { Headers } from './headers.js';
import { Request } from './request.js';
import { Response } from './response.js';
import { URL, URLSearchParams } from './url.js';
import { TextEncoder, TextDecoder } from './encoding.js';
import { atob, btoa } from './base64.js';
import { Event, EventTarget, CustomEvent } from './events.js';
import { AbortController, AbortSignal } from './abort.js';
import { DOMException } from './dom-exception.js';
import { Blob, File } from './blob.js';
import { FormData } from './form-data.js';
import { Crypto } from './crypto.js';
import { createConsole } from './console.js';
import { createWorkersModule } from './workers-module.js';
import { dispatchFetch, setEnv, getEnv, setMainExports, describeError, waitUntilCurrent } from './dispatch.js';

function define(target, values) {
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  }
}

function reportError(error) {
  hostCall('uncaught', 0, describeError(error), 'reportError');
}

function queueMicrotask(callback) {
  if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function.');
  Promise.resolve().then(callback).catch(reportError);
}

class Navigator {
  get userAgent() {
    return 'Cloudflare-Workers';
  }
  get hardwareConcurrency() {
    return 1;
  }
  // enable_navigator_language (on from 2025-05-19): always "en" for now.
  get language() {
    return 'en';
  }
}

Object.defineProperty(Navigator.prototype, Symbol.toStringTag, { value: 'Navigator', configurable: true });

function installGlobals(global) {
  // V8 flags are process-wide: a host started with --expose-gc would otherwise hand every worker
  // a way to force collections. (V8 makes that property non-configurable, so it is emptied.)
  if ('gc' in global) global.gc = undefined;
  installFrozenDate(global);
  define(global, {
    Headers, Request, Response, fetch,
    URL, URLSearchParams,
    TextEncoder, TextDecoder, atob, btoa,
    Event, EventTarget, CustomEvent, AbortController, AbortSignal, DOMException,
    Blob, File, FormData,
    queueMicrotask, reportError,
    setTimeout, setInterval, clearTimeout, clearInterval,
    crypto: new Crypto(),
    Crypto,
    console: createConsole(),
    performance: new Performance(),
    navigator: new Navigator(),
    Navigator,
    self: global,
  });
  installGlobalEventTarget(global);
  installLazyGlobals(global);
  // Atomics.wait would block the thread that runs every worker of this process.
  define(global.Atomics, {
    wait() {
      throw new TypeError('Atomics.wait cannot be called in this context');
    },
  });
}

// The global scope is an EventTarget, as Workers' ServiceWorkerGlobalScope is: its listeners get
// the events of the worker's handlers (a service-worker script's 'fetch', ...) and of the scope
// itself ('unhandledrejection', ...). Its methods are also own properties bound to it, since
// scripts call them bare: `addEventListener('fetch', ...)`.
function installGlobalEventTarget(global) {
  Object.setPrototypeOf(global, EventTarget.prototype);
  // Its own class's tag, not the inherited 'EventTarget'.
  Object.defineProperty(global, Symbol.toStringTag, { value: 'ServiceWorkerGlobalScope', configurable: true });
  const { prototype } = EventTarget;
  define(global, {
    addEventListener(type, listener, options) {
      return prototype.addEventListener.call(global, type, listener, options);
    },
    removeEventListener(type, listener, options) {
      return prototype.removeEventListener.call(global, type, listener, options);
    },
    dispatchEvent(event) {
      return prototype.dispatchEvent.call(global, event);
    },
  });
}

// Globals built on first access (esbuild turns each require into a lazily run initializer).
const STREAM_CLASSES = [
  'ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader', 'ReadableStreamDefaultController',
  'ReadableByteStreamController', 'ReadableStreamBYOBRequest', 'WritableStream', 'WritableStreamDefaultWriter',
  'WritableStreamDefaultController', 'TransformStream', 'TransformStreamDefaultController',
  'ByteLengthQueuingStrategy', 'CountQueuingStrategy',
];
// Each module's loader, then the globals it exports. (One loader per module: every function
// literal costs each isolate its own closure.)
const LAZY_MODULES = [
  [() => require('./encoding-streams.js'), 'TextEncoderStream', 'TextDecoderStream'],
  [() => require('./compression.js'), 'CompressionStream', 'DecompressionStream'],
  [() => require('./byte-streams.js'), 'IdentityTransformStream', 'FixedLengthStream'],
  [() => require('./subtle.js'), 'SubtleCrypto', 'CryptoKey'],
  [() => require('./structured-clone.js'), 'structuredClone'],
  [() => require('./html-rewriter/index.js'), 'HTMLRewriter'],
  [() => require('./cache.js'), 'caches', 'Cache', 'CacheStorage'],
  [() => require('./url-pattern.js'), 'URLPattern'],
  [() => require('./rejection.js'), 'PromiseRejectionEvent'],
  [() => require('./scheduler.js'), 'scheduler'],
  [() => require('./websocket.js'), 'WebSocket', 'WebSocketPair', 'MessageEvent', 'CloseEvent', 'ErrorEvent'],
  [() => require('./durable-object-websockets.js'), 'WebSocketRequestResponsePair'],
];
// With expose_global_message_channel (on from 2025-08-15).
const MESSAGE_CHANNEL_MODULE = [() => require('./message-channel.js'), 'MessageChannel', 'MessagePort'];
// With enable_global_performance_classes: the performance timeline (performance.js), loaded on
// first use. A lazy property as defineLazy makes it costs every isolate about 1 KB, so these are
// made cheaper: each class is a global accessor whose getter and setter are one bound function,
// and performance's methods are answered by a proxy under Performance.prototype, which the
// module, once loaded, replaces with EventTarget.prototype.
const PERFORMANCE_GLOBALS = [
  'Performance', 'PerformanceEntry', 'PerformanceMark', 'PerformanceMeasure', 'PerformanceObserver',
  'PerformanceObserverEntryList', 'PerformanceResourceTiming',
];
const TIMELINE_METHODS = ['mark', 'measure', 'getEntries', 'getEntriesByName', 'getEntriesByType', 'clearMarks', 'clearMeasures', 'toJSON'];

function installPerformanceTimeline(global) {
  const timeline = () => require('./performance.js');
  for (const name of PERFORMANCE_GLOBALS) {
    const access = settleGlobal.bind(global, name, timeline);
    Object.defineProperty(global, name, { get: access, set: access, configurable: true });
  }
  Object.setPrototypeOf(Performance.prototype, new Proxy(Object.create(EventTarget.prototype), {
    has: (target, key) => TIMELINE_METHODS.includes(key) || Reflect.has(target, key),
    get: (target, key, receiver) => (TIMELINE_METHODS.includes(key) ? (timeline(), receiver[key]) : Reflect.get(target, key, receiver)),
  }));
}

// Getter (given no value) and setter of the lazy global `name`: either makes it a data property.
function settleGlobal(name, load, ...value) {
  define(this, { [name]: value.length === 0 ? load()[name] : value[0] });
  return this[name];
}

// Storage bindings, by type: each class is loaded only by workers that have such a binding.
const BINDINGS = {
  kv: (name) => require('./bindings/kv.js').createKvNamespace(name),
  d1: (name) => require('./bindings/d1.js').createD1Database(name),
  r2: (name) => require('./bindings/r2.js').createR2Bucket(name),
  queue: (name) => require('./bindings/queue.js').createQueue(name),
  service: (name) => require('./bindings/service.js').createService(name),
  'durable-object': (name) => require('./bindings/durable-object.js').createDurableObjectNamespace(name),
};

function installLazyGlobals(global) {
  for (const name of STREAM_CLASSES) defineLazy(global, name, () => streams()[name]);
  for (const module of LAZY_MODULES) installLazyModule(global, module);
}

function installLazyModule(global, [load, ...names]) {
  for (const name of names) defineLazy(global, name, () => load()[name]);
}

// Node.js compatibility (nodejs_compat): the globals Workers then has. Each is built on first use.
function installNodeGlobals(global, compat) {
  const node = () => require('./node/registry.js');
  setNodeSettings(compat);
  define(global, { global });
  defineLazy(global, 'Buffer', () => node().nodeModule('buffer').Buffer);
  defineLazy(global, 'process', () => node().nodeModule('process').default);
  defineLazy(global, 'setImmediate', () => node().nodeModule('timers').setImmediate);
  defineLazy(global, 'clearImmediate', () => node().nodeModule('timers').clearImmediate);
}

// Built-in modules, reachable only while the worker's own modules load: cloudflare:workers, the
// worker's text/data/wasm modules, and (with Node.js compatibility) node:* modules, with
// "node-exports" telling the loader which names a node:* module exports.
function installBuiltins(global, compat) {
  const workers = createWorkersModule(getEnv(), waitUntilCurrent);
  const nodeModule = (name) => (compat.nodejsCompat || (compat.nodejsAls && name === 'async_hooks') ? require('./node/registry.js').nodeModule(name) : null);
  define(global, {
    __outpostBuiltin(specifier, name) {
      if (specifier === 'cloudflare:workers') return workers;
      if (specifier === 'cloudflare:sockets') return require('./sockets.js');
      if (specifier === 'cloudflare:node') return require('./cloudflare-node.js');
      if (specifier === 'node-exports') {
        const module = nodeModule(name);
        return module === null ? null : Object.keys(module);
      }
      if (specifier.startsWith('node:')) return nodeModule(specifier.slice(5));
      const [type, content] = hostCall('moduleData', name);
      if (type === 'text') return content;
      if (type === 'data') return content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength);
      return new WebAssembly.Module(content);
    },
  });
}

// process.env as Workers populates it: the worker's vars and secrets (node:process shows a JSON
// var as its JSON text).
function processEnv({ vars, secrets }) {
  return { ...vars, ...secrets };
}

function enter(time, kind, a, b, c, d, e, f) {
  setClock(time);
  try {
    switch (kind) {
      case Entry.COMPLETE:
        return complete(a, b, c);
      case Entry.FETCH:
        return dispatchFetch(a, b, c, d, e, f);
      case Entry.TIMER:
        return fireTimer(a);
      case Entry.ENV: {
        const env = { ...a.vars, ...a.secrets };
        if (a.compat.globalMessageChannel) installLazyModule(globalThis, MESSAGE_CHANNEL_MODULE);
        if (a.compat.globalPerformanceClasses) installPerformanceTimeline(globalThis);
        if (a.compat.nodejsCompat) installNodeGlobals(globalThis, { ...a.compat, env: a.compat.populateProcessEnv ? processEnv(a) : {} });
        for (const [name, type] of Object.entries(a.bindings)) env[name] = BINDINGS[type](name);
        setEnv(env);
        // Service-worker scripts see their bindings as globals.
        if (b === 'service-worker') define(globalThis, env);
        installBuiltins(globalThis, a.compat);
        return undefined;
      }
      case Entry.REJECTION:
        return require('./rejection.js').dispatchUnhandledRejection(a, b, c, d);
      case Entry.SCHEDULED:
        return require('./scheduled.js').dispatchScheduled(a, b, c);
      case Entry.QUEUE:
        return require('./queue.js').dispatchQueue(a, b, c);
      case Entry.RPC:
        return require('./rpc.js').dispatchRpc(a, b, c, d, e);
      case Entry.CAP_CALL:
        return require('./rpc.js').dispatchCapCall(a, b, c, d);
      case Entry.CAP_RELEASE:
        return require('./rpc-values.js').releaseExport(a);
      case Entry.OBJECT_FETCH:
        return require('./durable-objects.js').dispatchObjectFetch(a, b, c, d, e, f);
      case Entry.OBJECT_RPC:
        return require('./durable-objects.js').dispatchObjectRpc(a, b, c, d, e);
      case Entry.OBJECT_ALARM:
        return require('./durable-objects.js').dispatchObjectAlarm(a, b, c);
      case Entry.OBJECT_EVICT:
        return require('./durable-objects.js').evictObject(a);
      case Entry.OBJECT_WEBSOCKET:
        return require('./durable-objects.js').dispatchObjectWebSocket(a, b, c, d, e);
      case Entry.MAIN:
        delete globalThis.__outpostBuiltin;
        return setMainExports(a);
      default:
        throw new Error(`unknown entry ${kind}`);
    }
  } catch (err) {
    if (kind === Entry.MAIN || kind === Entry.ENV) throw err;
    reportError(err);
    return undefined;
  }
}

export function boot(host) {
  installHost(host);
  installGlobals(globalThis);
  return enter;
}
