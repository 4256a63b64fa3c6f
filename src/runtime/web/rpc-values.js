// The values RPC carries between workers, and what of an object RPC exposes.
//
// Arguments and results cross as a payload [tree, specials]: `tree` is a copy of the value that
// the host copies as it copies any data, except that whatever cannot be copied is replaced by a
// marker { [MARK]: index } into `specials`:
//   ['export', exportId]  a function or RpcTarget of this isolate, which crosses as a stub
//   ['cap', capId]        a stub this isolate holds, forwarded (the recipient gets its own)
//   ['readable', id]      a ReadableStream: a host sink here, a host source on arrival
//   ['writable', id]      a WritableStream: fed here from a host pipe whose sink goes across
//   ['headers', text] / ['request', ...] / ['response', ...]  HTTP types, bodies streamed
//   ['object', entries]   a plain object that has the marker's key of its own
// The host translates the first four (see host-ops/rpc.js); `specials` is null when there is
// nothing to translate, so plain data crosses with no second walk.
//
// Exported objects stay in this isolate's table until every stub for them is disposed, or the
// event that exported them ends. An RPC event (the callee of a call on a binding) lasts as long
// as stubs of its objects are held elsewhere.
import { hostCall } from './internal/bridge.js';
import { DOMException } from './dom-exception.js';
import { RpcTarget, WorkerEntrypoint, DurableObject } from './workers-module.js';
import { isReadableStream, isWritableStream, hostReadable, hostWritable, pumpToHost } from './streams.js';
import { Request } from './request.js';
import { Response } from './response.js';
import { Headers } from './headers.js';
import { headersFromText, headersToText } from './internal/header-list.js';
import { kBodySource } from './internal/symbols.js';
import { currentEvent, describeError } from './dispatch.js';

// Required, not imported: the platform's parts that use it share one instance (see prelude.js).
let stubExports = null;
const stubModule = () => (stubExports ??= require('./bindings/stub.js'));

const MARK = '__outpost_rpc__';

// Data the host copies as it is (V8's structured serialization handles these natively).
const LEAVES = [ArrayBuffer, DataView, Date, RegExp, Error, Boolean, Number, String, BigInt];
const isLeaf = (value) => ArrayBuffer.isView(value) || LEAVES.some((Ctor) => value instanceof Ctor);

function notSerializable(value) {
  const type = typeof value === 'object' ? (Object.getPrototypeOf(value)?.constructor?.name ?? 'Object') : typeof value;
  return new DOMException(`Could not serialize object of type "${type}". This type does not support serialization.`, 'DataCloneError');
}

// ---- objects this isolate exported ----

const exported = new Map(); // exportId -> { value, invocation, released }
const exportsOf = new WeakMap(); // invocation -> Set of its exportIds
let nextExportId = 1;

function exportValue(value) {
  const invocation = currentEvent();
  if (!invocation) throw new Error('RPC stubs can only be sent while an event is being handled.');
  const id = nextExportId++;
  const released = Promise.withResolvers();
  exported.set(id, { value, invocation, released });
  if (invocation.servesRpc) invocation.waitUntil(released.promise);
  if (!exportsOf.has(invocation)) {
    exportsOf.set(invocation, new Set());
    invocation.onClose(() => {
      for (const exportId of exportsOf.get(invocation)) releaseExport(exportId);
    });
  }
  exportsOf.get(invocation).add(id);
  return id;
}

export function exportedValue(exportId) {
  return exported.get(exportId)?.value;
}

// The last stub for an exported object was disposed (or its event ended): an RpcTarget's
// disposer runs now.
export function releaseExport(exportId) {
  const entry = exported.get(exportId);
  if (!entry) return;
  exported.delete(exportId);
  exportsOf.get(entry.invocation).delete(exportId);
  entry.released.resolve();
  const { value } = entry;
  if (value instanceof RpcTarget && typeof value[Symbol.dispose] === 'function') {
    // A disposer's failure is the target's own: reported as uncaught, never to the stub's holder.
    Promise.resolve().then(() => value[Symbol.dispose]()).catch((err) => hostCall('uncaught', entry.invocation.id, describeError(err), 'dispose'));
  }
}

// ---- encoding ----

const isPrimitive = (value) => value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol');

export function encode(value) {
  // A primitive needs no copy of its own: the host copies it as it is.
  if (isPrimitive(value)) return [value, null];
  const state = { memory: new Map(), specials: null };
  const tree = encodeValue(value, state);
  return [tree, state.specials];
}

// A call's arguments (an array made for the call): all primitives, the common case, they cross
// as they are.
export function encodeArguments(args) {
  for (let i = 0; i < args.length; i++) if (!isPrimitive(args[i])) return encode(args);
  return [args, null];
}

function special(state, entry) {
  state.specials ??= [];
  state.specials.push(entry);
  return { [MARK]: state.specials.length - 1 };
}

// `copy` is what `value` encodes to, wherever else it appears in the same value.
function remember(state, value, copy) {
  state.memory.set(value, copy);
  return copy;
}

function encodeValue(value, state) {
  if (typeof value === 'symbol') throw notSerializable(value);
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  if (state.memory.has(value)) return state.memory.get(value);

  const reference = stubModule().referenceOf(value);
  if (reference?.kind === 'stub') {
    if (reference.handle.disposed) throw new Error('RPC stub used after being disposed.');
    return remember(state, value, special(state, ['cap', reference.handle.capability.id]));
  }
  if (reference) throw new DOMException(`Could not serialize object of type "${reference.kind === 'promise' ? 'JsRpcPromise' : 'JsRpcProperty'}". This type does not support serialization.`, 'DataCloneError');
  if (typeof value === 'function' || value instanceof RpcTarget) return remember(state, value, special(state, ['export', exportValue(value)]));

  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype) {
    const entries = Object.keys(value).map((key) => [key, value[key]]);
    // Own properties are read (getters run) before anything is copied, as structured clone does.
    if (Object.hasOwn(value, MARK)) {
      const escaped = remember(state, value, special(state, ['object', null]));
      state.specials[escaped[MARK]][1] = entries.map(([key, v]) => [key, encodeValue(v, state)]);
      return escaped;
    }
    const copy = remember(state, value, {});
    for (const [key, v] of entries) copy[key] = encodeValue(v, state);
    return copy;
  }
  if (Array.isArray(value)) {
    const copy = remember(state, value, new Array(value.length));
    for (const key of Object.keys(value)) copy[key] = encodeValue(value[key], state);
    return copy;
  }
  if (value instanceof Map) {
    const copy = remember(state, value, new Map());
    for (const [k, v] of [...value]) copy.set(encodeValue(k, state), encodeValue(v, state));
    return copy;
  }
  if (value instanceof Set) {
    const copy = remember(state, value, new Set());
    for (const v of [...value]) copy.add(encodeValue(v, state));
    return copy;
  }
  if (isReadableStream(value)) return remember(state, value, special(state, ['readable', sendReadable(value)]));
  if (isWritableStream(value)) return remember(state, value, special(state, ['writable', sendWritable(value)]));
  if (value instanceof Headers) return remember(state, value, special(state, ['headers', headersToText(value)]));
  if (value instanceof Request) {
    const body = encodeBody(value, state);
    return remember(state, value, special(state, ['request', value.method, value.url, headersToText(value.headers), value.redirect, body]));
  }
  if (value instanceof Response) {
    if (value.webSocket !== null) throw notSerializable(value.webSocket);
    const body = encodeBody(value, state);
    return remember(state, value, special(state, ['response', value.status, value.statusText, headersToText(value.headers), body]));
  }
  if (isLeaf(value)) return value;
  // Instances of other classes: structured clone would drop their class, which Workers refuses.
  throw notSerializable(value);
}

// Ownership of a stream passes to the recipient. A ReadableStream is pumped into a host sink, and
// a WritableStream fed from a host pipe the recipient writes into, for as long as the sending
// event lasts.
function sendReadable(stream) {
  if (stream.locked) throw new TypeError('The ReadableStream has been locked to a reader.');
  const sinkId = hostCall('sinkCreate');
  currentEvent().waitUntil(pumpToHost(stream, sinkId).catch(() => {}));
  return sinkId;
}

function sendWritable(stream) {
  if (stream.locked) throw new TypeError('The WritableStream has been locked to a writer.');
  const [sinkId, sourceId] = hostCall('writablePipe');
  currentEvent().waitUntil(hostReadable(sourceId).pipeTo(stream).catch(() => {}));
  return sinkId;
}

// A body already in memory crosses as its bytes; a streamed one as a stream.
function encodeBody(message, state) {
  if (message.bodyUsed) throw new TypeError('Body has already been used. It can only be used once. Use tee() first if you need to read it twice.');
  const source = message[kBodySource];
  if (source !== undefined) return source;
  return message.body === null ? null : encodeValue(message.body, state);
}

// ---- decoding ----

const NO_STUBS = Object.freeze([]);

// Returns { value, stubs }: the stubs made for it, for whoever decides how long they live.
export function decode([tree, specials]) {
  if (specials === null) return { value: tree, stubs: NO_STUBS };
  const made = [];
  const values = [];
  const resolve = (node) => replaceMarkers(node, values, new Set());
  for (const entry of specials) values.push(decodeSpecial(entry, resolve, made));
  return { value: resolve(tree), stubs: made };
}

function decodeSpecial(entry, resolve, made) {
  switch (entry[0]) {
    case 'cap': {
      const stub = stubModule().stubFor(entry[1]);
      made.push(stub);
      return stub;
    }
    case 'readable':
      return hostReadable(entry[1]);
    case 'writable':
      return hostWritable(entry[1]);
    case 'headers':
      return headersFromText(entry[1]);
    case 'request': {
      const [, method, url, headers, redirect, body] = entry;
      return new Request(url, { method, headers: headersFromText(headers), redirect, body: resolve(body), duplex: 'half' });
    }
    case 'response': {
      const [, status, statusText, headers, body] = entry;
      return new Response(resolve(body), { status, statusText, headers: headersFromText(headers) });
    }
    case 'object':
      return Object.fromEntries(entry[1].map(([key, v]) => [key, resolve(v)]));
    default:
      throw new TypeError(`Invalid RPC value: ${entry[0]}.`);
  }
}

const isMarker = (node) => Object.getPrototypeOf(node) === Object.prototype && Object.hasOwn(node, MARK);

// Puts decoded values in place of their markers, in the tree the host copied in (so in place).
function replaceMarkers(node, values, seen) {
  if (node === null || typeof node !== 'object') return node;
  if (isMarker(node)) return values[node[MARK]];
  if (seen.has(node)) return node;
  seen.add(node);
  if (node instanceof Map) {
    const entries = [...node].map(([k, v]) => [replaceMarkers(k, values, seen), replaceMarkers(v, values, seen)]);
    node.clear();
    for (const [k, v] of entries) node.set(k, v);
  } else if (node instanceof Set) {
    const members = [...node].map((v) => replaceMarkers(v, values, seen));
    node.clear();
    for (const v of members) node.add(v);
  } else if (Array.isArray(node) || Object.getPrototypeOf(node) === Object.prototype) {
    for (const key of Object.keys(node)) node[key] = replaceMarkers(node[key], values, seen);
  }
  return node;
}

// A call's result as its caller sees it: an object gets a disposer that disposes every stub it
// brought (a stub is its own disposer; primitives bring none).
export function decodeResult(payload) {
  const { value, stubs: received } = decode(payload);
  const isObject = (value !== null && typeof value === 'object') || typeof value === 'function';
  if (isObject && stubModule().referenceOf(value) === undefined && Object.isExtensible(value)) {
    Object.defineProperty(value, Symbol.dispose, { value: () => stubModule().disposeStubs(received), configurable: true, writable: true });
  }
  return value;
}

// ---- what RPC exposes ----

const RESERVED = new Set(['constructor', 'dup']);
// Handlers of events, not RPC methods, on WorkerEntrypoint and DurableObject classes.
const EVENT_HANDLERS = new Set(['fetch', 'connect', 'alarm', 'webSocketMessage', 'webSocketClose', 'webSocketError']);

const BASE_CLASSES = [RpcTarget, WorkerEntrypoint, DurableObject];

function baseClassOf(value) {
  for (const Base of BASE_CLASSES) if (value instanceof Base) return Base;
  return null;
}

const notImplemented = (name) => new TypeError(`The RPC receiver does not implement the method "${name}".`);

// Plain data, functions and RpcTarget-like objects can be reached into; other objects cannot.
// Returns the base class (RpcTarget, WorkerEntrypoint or DurableObject) of one that can, null for
// plain data and functions, or undefined for what cannot.
function reachableAs(value) {
  if (typeof value === 'function') return baseClassOf(value);
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) return baseClassOf(value);
  // (Object.prototype's own prototype is null for good: such an object has no base class.)
  if (Object.getPrototypeOf(value) === Object.prototype) return null;
  return baseClassOf(value) ?? undefined;
}

// Member `name` of `object`, reachable as `Base`, as RPC sees it: of an RpcTarget,
// WorkerEntrypoint or DurableObject only what its class declares (methods and accessors, never
// instance properties); of plain data and functions, their own properties.
function member(object, Base, name) {
  if (Base === null) return Object.hasOwn(object, name) ? object[name] : undefined;
  if (RESERVED.has(name) || (Base !== RpcTarget && EVENT_HANDLERS.has(name))) throw notImplemented(name);
  for (let proto = Object.getPrototypeOf(object); proto !== Base.prototype; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor) return descriptor.get ? descriptor.get.call(object) : descriptor.value;
  }
  throw notImplemented(name);
}

// Calls the function at `path` from `root` with `args`, or (args null) reads the value there.
// A stub met on the way takes the rest of the path (a call on another worker's object).
export function invokePath(root, path, args) {
  const { referenceOf, forwardCall } = stubModule();
  let holder;
  let value = root;
  let name = null;
  for (let i = 0; i < path.length; i++) {
    if (referenceOf(value)?.kind === 'stub') return forwardCall(value, path.slice(i), args);
    const Base = reachableAs(value);
    if (Base === undefined) throw notImplemented(name ?? path[i]);
    holder = value;
    name = path[i];
    value = member(value, Base, name);
  }
  if (referenceOf(value)?.kind === 'stub') return forwardCall(value, [], args);
  if (args === null) return value;
  if (typeof value !== 'function') throw new TypeError(name === null ? 'The RPC receiver is not a function.' : `"${name}" is not a function.`);
  return Reflect.apply(value, holder, args);
}

// An exception as an outcome for the caller (see rpc.js): its class and message (a DOMException's
// name too).
export function errorOutcome(err) {
  if (err instanceof DOMException) return [false, ['DOMException', String(err.message), err.name], null];
  if (err instanceof Error || (err !== null && typeof err === 'object' && 'message' in err)) return [false, [String(err.name ?? 'Error'), String(err.message)], null];
  return [false, ['Error', String(err)], null];
}
