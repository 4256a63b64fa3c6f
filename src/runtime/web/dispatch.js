// Delivers events from the host to the worker's handlers and sends the results back: the fetch
// event for both module workers (`export default { fetch }`, or a WorkerEntrypoint class) and
// service-worker scripts (`addEventListener("fetch", ...)`), the execution context, and the
// response body pump. The scheduled and queue events (scheduled.js, queue.js) use the same
// invocations and handler lookup, through dispatchHandlerEvent.
import { hostCall } from './internal/bridge.js';
import { kBodySource, kExpectedLength } from './internal/symbols.js';
import { hostReadable, pumpToHost } from './streams.js';
import { createIncomingRequest } from './request.js';
import { Response, encodeBodyOf } from './response.js';
import { headersToText } from './internal/header-list.js';
import { joinHeaders, splitHeaders } from './internal/protocol.js';
import { LazyJson } from './internal/lazy.js';
import { Event, dispatchPropagating } from './events.js';
import { WorkerEntrypoint } from './workers-module.js';
import { forgetTimer } from './timers.js';
import { eventEnded } from './node/fs/event-end.js';

let mainExports = null;
let env = {};
const live = new Map(); // invocation id -> Invocation, while it runs

export function setEnv(value) {
  env = value;
}

export function getEnv() {
  return env;
}

export function setMainExports(namespace) {
  mainExports = namespace;
}

// The main module's export `name` (its default export for null).
export function mainExport(name) {
  return mainExports?.[name ?? 'default'];
}

export function describeError(err) {
  if (err instanceof Error || (err && typeof err === 'object' && 'message' in err)) {
    return [String(err.name ?? 'Error'), String(err.message), String(err.stack ?? '')];
  }
  return ['Error', String(err), ''];
}

class ExecutionContext {
  #invocation;
  constructor(invocation) {
    this.#invocation = invocation;
  }
  waitUntil(promise) {
    this.#invocation.waitUntil(promise);
  }
  passThroughOnException() {
    hostCall('passThroughOnException', this.#invocation.id);
  }
  get props() {
    return {};
  }
}

// One event being handled: tracks waitUntil promises and tells the host when all settled.
export class Invocation {
  #closers = [];
  constructor(id) {
    this.id = id;
    this.pending = [];
    this.closed = false;
    // An RPC event also lasts while stubs of the objects it exported are held (see rpc-values.js).
    this.servesRpc = false;
    this.context = new ExecutionContext(this);
    live.set(id, this);
  }
  // `fn` runs when the event ends.
  onClose(fn) {
    this.#closers.push(fn);
  }
  waitUntil(promise) {
    this.pending.push(Promise.resolve(promise).catch((err) => {
      hostCall('uncaught', this.id, describeError(err), 'waitUntil');
    }));
  }
  // The host has ended the event; `cancelledTimers` (or null) are the timers it dropped with it.
  close(cancelledTimers) {
    this.closed = true;
    live.delete(this.id);
    for (const timerId of cancelledTimers ?? []) forgetTimer(timerId);
    eventEnded(this.id);
    for (const fn of this.#closers) fn();
  }
  // `beforeClose`: reports the event's outcome once its waitUntil() work is done too (a queue
  // batch's acks may come from that work).
  async settle(beforeClose = null) {
    if (this.closed) return;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      await Promise.all(batch);
    }
    beforeClose?.();
    this.close(hostCall('settled', this.id));
  }
}

class FetchEvent extends Event {
  #invocation;
  #respondWith = null;
  constructor(request, invocation) {
    super('fetch');
    this.request = request;
    this.#invocation = invocation;
  }
  respondWith(response) {
    if (this.#respondWith) throw new DOMException("FetchEvent.respondWith() has already been called; it can only be called once.", 'InvalidStateError');
    this.#respondWith = Promise.resolve(response);
  }
  waitUntil(promise) {
    this.#invocation.waitUntil(promise);
  }
  passThroughOnException() {
    this.#invocation.context.passThroughOnException();
  }
  get responded() {
    return this.#respondWith;
  }
}

// Calls the worker's handler `name` ('fetch', 'scheduled', 'queue') with `argument`: the
// method of the default export (with env and ctx), of a WorkerEntrypoint instance, or, for a
// service-worker script, every listener of that event type with the event `makeEvent()` builds
// (returned in { event } so the caller can read what the listeners did to it).
export function callHandler(name, invocation, argument, makeEvent) {
  const handler = mainExports?.default;
  if (handler !== undefined) {
    if (typeof handler === 'function' && handler.prototype instanceof WorkerEntrypoint) {
      const instance = new handler(invocation.context, env);
      if (typeof instance[name] !== 'function') throw new Error(`Handler does not export a ${name}() function.`);
      return instance[name](argument);
    }
    if (typeof handler?.[name] !== 'function') throw new Error(`Handler does not export a ${name}() function.`);
    return handler[name](argument, env, invocation.context);
  }
  // A listener's exception fails the event, as a handler's does.
  const event = makeEvent();
  if (dispatchPropagating(globalThis, event) === 0) throw new Error('No event handlers were registered for this event.');
  return { event };
}

// Runs the worker's handler of event `name` ('scheduled', 'queue') as invocation `id`:
// `prepare(invocation)` returns [argument, makeEvent] for callHandler. What it throws, or what the
// handler throws or rejects with, is reported as uncaught and fails the event. Once the handler
// and its waitUntil() work have settled, the host is told the outcome, `outcome(ok)`.
export function dispatchHandlerEvent(id, name, prepare, outcome) {
  const invocation = new Invocation(id);
  let result;
  try {
    const [argument, makeEvent] = prepare(invocation);
    result = callHandler(name, invocation, argument, makeEvent);
  } catch (err) {
    result = Promise.reject(err);
  }
  reportOutcome(invocation, result, name, outcome);
}

// Once `result` (what an event's handler returned) and the event's waitUntil() work settled,
// tells the host the outcome, `outcome(ok)`; a rejection is reported as uncaught in `phase`.
export function reportOutcome(invocation, result, phase, outcome) {
  let ok = true;
  Promise.resolve(result)
    .catch((err) => {
      ok = false;
      hostCall('uncaught', invocation.id, describeError(err), phase);
    })
    .then(() => invocation.settle(() => hostCall('eventOutcome', invocation.id, outcome(ok))));
}

function callFetchHandler(request, invocation) {
  const result = callHandler('fetch', invocation, request, () => new FetchEvent(request, invocation));
  if (mainExports?.default !== undefined) return result;
  if (!result.event.responded) throw new Error('No response was provided: the fetch event listener did not call respondWith().');
  return result.event.responded;
}

// Answers with a response whose body is already bytes (or absent), in one host call. Returns
// false, sending nothing, for a streamed body or a WebSocket.
function respondWithBytes(invocation, response) {
  if (response.webSocket !== null) return false;
  // The source first: reading `body` would build a stream for a body that is already bytes.
  const source = response[kBodySource];
  if (source === undefined && response.body !== null) return false;
  // With no background work pending, responding also ends the event: one host call, not two.
  const finished = invocation.pending.length === 0;
  const cancelledTimers = hostCall('respond', invocation.id, response.status, response.statusText, headersToText(response.headers), source ?? null, 0, finished, encodeBodyOf(response));
  if (finished) invocation.close(cancelledTimers);
  return true;
}

async function sendResponse(invocation, response) {
  if (!(response instanceof Response)) {
    throw new TypeError("Incorrect type for Promise: the Promise did not resolve to 'Response'.");
  }
  if (respondWithBytes(invocation, response)) return;
  const headers = headersToText(response.headers);
  if (response.webSocket !== null) {
    // A WebSocket handshake: the event lasts as long as the connection handed to the client.
    invocation.waitUntil(require('./websocket.js').respondWithWebSocket(invocation.id, response, headers));
    return;
  }
  // A FixedLengthStream body announces its length, so the client gets a Content-Length.
  const length = response.body[kExpectedLength];
  const sent = length !== undefined && !response.headers.has('content-length') ? joinHeaders([...splitHeaders(headers), 'content-length', String(length)]) : headers;
  const sinkId = hostCall('respond', invocation.id, response.status, response.statusText, sent, null, 1, false, encodeBodyOf(response));
  await pumpToHost(response.body, sinkId);
}

// The event running now (the one the host charges this turn to), if any.
export function currentEvent() {
  return live.get(hostCall('currentInvocation'));
}

// `waitUntil` imported from cloudflare:workers: extends whichever event is running now.
export function waitUntilCurrent(promise) {
  const invocation = currentEvent();
  if (!invocation) throw new Error('waitUntil() can only be called while an event is being handled.');
  invocation.waitUntil(promise);
}

// Entered by the host for each incoming HTTP request.
export function dispatchFetch(id, method, url, headers, cfJson, sourceId) {
  const invocation = new Invocation(id);
  let result;
  try {
    result = callFetchHandler(incomingRequest(method, url, headers, cfJson, sourceId), invocation);
  } catch (err) {
    result = Promise.reject(err);
  }
  answerFetch(invocation, result);
}

// An incoming request's Request object (its body read from host source `sourceId`, if any).
export function incomingRequest(method, url, headers, cfJson, sourceId) {
  return createIncomingRequest({
    method,
    url,
    headers,
    cf: new LazyJson(cfJson),
    body: sourceId ? { source: hostReadable(sourceId), type: null } : null,
  });
}

// Sends what a fetch handler returned (a Response, or a promise of one) as the answer to
// `invocation`, then settles it.
export function answerFetch(invocation, result) {
  // A Response returned synchronously is answered without a trip through the promise chain.
  if (result instanceof Response && respondWithBytes(invocation, result)) {
    if (!invocation.closed) invocation.settle();
    return;
  }
  Promise.resolve(result)
    .then((response) => sendResponse(invocation, response))
    .catch((err) => hostCall('uncaught', invocation.id, describeError(err), 'fetch'))
    .then(() => invocation.settle());
}

