// The Durable Object instances living in this isolate (the isolate of the worker that exports
// their class): one per id, made on the first event for it, kept until the host evicts it after
// a while without events. Events for an object wait while it is inside blockConcurrencyWhile().
// The WebSocket Hibernation API (ctx.acceptWebSocket() and the handlers its events go to) is in
// durable-object-websockets.js.
//
// An object is named by a handle the host gives it: "<className>\n<id hex>\n<name>"; the first
// two parts are its identity (an id reached without its name is the same object).
import { Invocation, answerFetch, incomingRequest, mainExport, getEnv, reportOutcome } from './dispatch.js';
import { DurableObject } from './workers-module.js';
import { serveRpcEvent } from './rpc.js';
import { DurableObjectId } from './durable-object-id.js';

const instances = new Map(); // "<className>\n<id>" -> Entry

const kCreate = Symbol('create');
const hibernationApi = () => require('./durable-object-websockets.js');

// ctx of a Durable Object.
export class DurableObjectState {
  #entry;
  #storage = null;

  constructor(token, entry) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#entry = entry;
  }

  get id() {
    return this.#entry.id;
  }

  get storage() {
    const entry = this.#entry;
    this.#storage ??= require('./durable-object-storage.js').createStorage(entry.handle, {
      // An asynchronous transaction keeps other events out until it ends.
      blockConcurrencyWhile: (callback) => this.blockConcurrencyWhile(callback),
      canSetAlarm: () => entry.instance === null || typeof entry.instance.alarm === 'function',
    });
    return this.#storage;
  }

  // Extends the event being handled now.
  waitUntil(promise) {
    this.#entry.currentInvocation?.waitUntil(promise);
  }

  // No other event reaches the object until `callback`'s promise settles; a rejection resets
  // the object (its next event builds a new instance), as in Workers.
  blockConcurrencyWhile(callback) {
    const entry = this.#entry;
    let result;
    try {
      result = Promise.resolve(callback());
    } catch (err) {
      result = Promise.reject(err);
    }
    const gate = result.then(() => undefined, () => {
      instances.delete(entry.handle);
    });
    entry.gate = Promise.all([entry.gate, gate]).then(() => undefined);
    return result;
  }

  abort(reason) {
    instances.delete(this.#entry.handle);
    throw reason instanceof Error ? reason : new Error(String(reason ?? 'The Durable Object was aborted.'));
  }

  acceptWebSocket(ws, tags = undefined) {
    hibernationApi().acceptWebSocket(this.#entry, ws, tags);
  }

  getWebSockets(tag = undefined) {
    return hibernationApi().getWebSockets(this.#entry, tag);
  }

  getTags(ws) {
    return hibernationApi().getTags(ws);
  }

  setWebSocketAutoResponse(pair = undefined) {
    hibernationApi().setWebSocketAutoResponse(this.#entry, pair);
  }

  getWebSocketAutoResponse() {
    return hibernationApi().getWebSocketAutoResponse(this.#entry);
  }

  getWebSocketAutoResponseTimestamp(ws) {
    return hibernationApi().getWebSocketAutoResponseTimestamp(ws);
  }

  setHibernatableWebSocketEventTimeout(timeoutMs = undefined) {
    hibernationApi().setEventTimeout(this.#entry, timeoutMs);
  }

  getHibernatableWebSocketEventTimeout() {
    return hibernationApi().getEventTimeout(this.#entry);
  }
}
Object.defineProperty(DurableObjectState.prototype, Symbol.toStringTag, { value: 'DurableObjectState', configurable: true });

const keyOf = (handle) => handle.split('\n', 2).join('\n');

class Entry {
  constructor(handle) {
    const [className, id, name] = handle.split('\n');
    this.handle = keyOf(handle);
    this.className = className;
    this.id = new DurableObjectId(id, name === '' ? undefined : name);
    this.gate = Promise.resolve();
    this.instance = null;
    this.currentInvocation = null;
    this.webSockets = new Map(); // connection id -> WebSocket: the hibernatable sockets as this instance sees them
  }

  // The instance, built by the first event; a constructor that throws fails that event and the
  // next one tries again.
  build() {
    if (this.instance) return this.instance;
    const Class = mainExport(this.className);
    if (typeof Class !== 'function') throw new Error(`The Durable Object class "${this.className}" is not exported by the worker.`);
    this.instance = new Class(new DurableObjectState(kCreate, this), getEnv());
    return this.instance;
  }
}

function entryOf(handle) {
  let entry = instances.get(keyOf(handle));
  if (!entry) {
    entry = new Entry(handle);
    instances.set(entry.handle, entry);
  }
  return entry;
}

// Runs `event(instance)` for the object once its gate is open (a constructor may close it again
// with blockConcurrencyWhile()).
function whenOpen(entry, invocation, event) {
  return entry.gate.then(() => {
    try {
      entry.build();
    } catch (err) {
      instances.delete(entry.handle);
      throw err;
    }
    return entry.gate;
  }).then(() => {
    entry.currentInvocation = invocation;
    return event(entry.instance);
  });
}

export function dispatchObjectFetch(id, handle, method, url, headers, sourceId) {
  const invocation = new Invocation(id);
  const entry = entryOf(handle);
  const request = incomingRequest(method, url, headers, '{}', sourceId);
  answerFetch(invocation, whenOpen(entry, invocation, (instance) => {
    if (typeof instance.fetch !== 'function') throw new TypeError('Handler does not export a fetch() function.');
    return instance.fetch(request);
  }));
}

export function dispatchObjectRpc(id, handle, path, args, replyId) {
  const invocation = new Invocation(id);
  const entry = entryOf(handle);
  serveRpcEvent(invocation, () => whenOpen(entry, invocation, (instance) => {
    if (!(instance instanceof DurableObject)) {
      throw new TypeError('The receiving Durable Object does not support RPC, because its class was not declared with `extends DurableObject`.');
    }
    return instance;
  }), path, args, replyId);
}

// An alarm: `alarm({ retryCount, isRetry })`; reports [succeeded].
export function dispatchObjectAlarm(id, handle, retryCount) {
  const invocation = new Invocation(id);
  const entry = entryOf(handle);
  const result = whenOpen(entry, invocation, (instance) => {
    if (typeof instance.alarm !== 'function') throw new TypeError('The Durable Object has an alarm set but no alarm() handler.');
    return instance.alarm({ retryCount, isRetry: retryCount > 0 });
  });
  reportOutcome(invocation, result, 'alarm', (ok) => [ok]);
}

// An event of one of the object's hibernatable WebSockets, for its webSocketMessage,
// webSocketClose or webSocketError method; reports [succeeded].
export function dispatchObjectWebSocket(id, handle, socketId, closedOutgoing, event) {
  const invocation = new Invocation(id);
  const entry = entryOf(handle);
  const result = whenOpen(entry, invocation, (instance) => hibernationApi().deliver(entry, instance, socketId, closedOutgoing, event));
  reportOutcome(invocation, result, 'webSocket', (ok) => [ok]);
}

// The host evicts an idle object: its next event builds a new instance from storage.
export function evictObject(handle) {
  instances.delete(keyOf(handle));
}
