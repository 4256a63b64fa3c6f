// The WebSocket Hibernation API of Durable Objects: ctx.acceptWebSocket(), getWebSockets(),
// getTags(), the auto-response and the event timeout, and the delivery of a hibernatable socket's
// events to the object's webSocketMessage / webSocketClose / webSocketError methods.
//
// A socket accepted this way belongs to the object on the host (host-ops/durable-object-websockets.js),
// which keeps it open while the object's instance is evicted, along with its tags, attachment and
// auto-response time. The WebSocket objects here are an instance's view of those sockets (in its
// entry, by connection id): an instance built after an eviction gets new ones.
import { hostCall } from './internal/bridge.js';
import { TextEncoder } from './encoding.js';

// Required, not imported: the isolate's one instance of that extension (one WebSocket class).
const { WebSocket, hibernation } = require('./websocket.js');

// Workers' limits.
const MAX_TAGS = 10;
const MAX_TAG_LENGTH = 256;
const MAX_AUTO_RESPONSE_BYTES = 2048;
const MAX_EVENT_TIMEOUT_MS = 604_800_000;

const encoder = new TextEncoder();
const byteLength = (text) => encoder.encode(text).byteLength;

// What setWebSocketAutoResponse() takes: a message to answer, and the answer.
export class WebSocketRequestResponsePair {
  #request;
  #response;
  constructor(request, response) {
    if (arguments.length < 2) throw new TypeError(`Failed to construct 'WebSocketRequestResponsePair': 2 arguments required, but only ${arguments.length} present.`);
    this.#request = String(request);
    this.#response = String(response);
  }
  get request() {
    return this.#request;
  }
  get response() {
    return this.#response;
  }
}
Object.defineProperty(WebSocketRequestResponsePair.prototype, Symbol.toStringTag, { value: 'WebSocketRequestResponsePair', configurable: true });

function requireSocket(method, ws) {
  if (!(ws instanceof WebSocket)) throw new TypeError(`Failed to execute '${method}' on 'DurableObjectState': parameter 1 is not of type 'WebSocket'.`);
}

// The socket of connection `id` as the entry's instance sees it.
function socketOf(entry, id, closedOutgoing) {
  let socket = entry.webSockets.get(id);
  if (!socket) {
    socket = hibernation.wake(id, closedOutgoing);
    entry.webSockets.set(id, socket);
  }
  return socket;
}

// Tags as Workers takes them: strings, duplicates dropped, at most 10 of at most 256 bytes (checked
// in that order, tag by tag).
function tagList(tags) {
  if (tags === undefined) return [];
  if (tags === null || typeof tags !== 'object' || typeof tags[Symbol.iterator] !== 'function') {
    throw new TypeError("Failed to execute 'acceptWebSocket' on 'DurableObjectState': parameter 2 is not of type 'Array'.");
  }
  const distinct = new Set();
  for (const value of tags) {
    const tag = String(value);
    if (distinct.size >= MAX_TAGS) throw new Error(`a Hibernatable WebSocket cannot have more than ${MAX_TAGS} tags`);
    if (byteLength(tag) > MAX_TAG_LENGTH) throw new Error(`"${tag}" is longer than the max tag length (${MAX_TAG_LENGTH} characters).`);
    distinct.add(tag);
  }
  return [...distinct];
}

export function acceptWebSocket(entry, ws, tags) {
  requireSocket('acceptWebSocket', ws);
  hibernation.accept(ws, () => hostCall('doWsAccept', entry.handle, entry.id.name ?? null, tagList(tags)));
  entry.webSockets.set(hibernation.idOf(ws), ws);
}

export function getWebSockets(entry, tag) {
  const list = hostCall('doWsList', entry.handle, tag === undefined ? null : String(tag));
  return list.map(([id, closedOutgoing]) => socketOf(entry, id, closedOutgoing));
}

export function getTags(ws) {
  requireSocket('getTags', ws);
  const id = hibernation.idOf(ws);
  if (id === 0) {
    throw new Error(hibernation.isAccepted(ws) ? 'only hibernatable websockets can have tags.' : "you must call 'acceptWebSocket()' before attempting to access the tags of a WebSocket.");
  }
  return hostCall('doWsTags', id);
}

// `pair` undefined removes the auto-response.
export function setWebSocketAutoResponse(entry, pair) {
  if (pair === undefined) {
    hostCall('doWsSetAutoResponse', entry.handle, null, null);
    return;
  }
  if (!(pair instanceof WebSocketRequestResponsePair)) {
    throw new TypeError("Failed to execute 'setWebSocketAutoResponse' on 'DurableObjectState': parameter 1 is not of type 'WebSocketRequestResponsePair'.");
  }
  for (const [what, text] of [['Request', pair.request], ['Response', pair.response]]) {
    const size = byteLength(text);
    if (size > MAX_AUTO_RESPONSE_BYTES) {
      throw new RangeError(`${what} cannot be larger than ${MAX_AUTO_RESPONSE_BYTES} bytes. A ${what.toLowerCase()} of size ${size} was provided.`);
    }
  }
  hostCall('doWsSetAutoResponse', entry.handle, pair.request, pair.response);
}

export function getWebSocketAutoResponse(entry) {
  const pair = hostCall('doWsAutoResponse', entry.handle);
  return pair === null ? null : new WebSocketRequestResponsePair(pair[0], pair[1]);
}

// When the socket last answered with the auto-response, or null.
export function getWebSocketAutoResponseTimestamp(ws) {
  requireSocket('getWebSocketAutoResponseTimestamp', ws);
  const id = hibernation.idOf(ws);
  const time = id === 0 ? null : hostCall('doWsAutoResponseTime', id);
  return time === null ? null : new Date(time);
}

// Undefined or 0 removes the timeout.
export function setEventTimeout(entry, timeoutMs) {
  const ms = timeoutMs === undefined ? 0 : Math.trunc(Number(timeoutMs));
  if (!(ms >= 0)) throw new TypeError("Failed to execute 'setHibernatableWebSocketEventTimeout' on 'DurableObjectState': parameter 1 is not of type 'integer'.");
  if (ms > MAX_EVENT_TIMEOUT_MS) throw new Error(`Event timeout should not exceed ${MAX_EVENT_TIMEOUT_MS} ms.`);
  hostCall('doWsSetEventTimeout', entry.handle, ms === 0 ? null : ms);
}

export function getEventTimeout(entry) {
  return hostCall('doWsEventTimeout', entry.handle);
}

// Calls the instance's handler for an event of socket `id` (a missing handler drops the event, as
// in Workers). After its close or error, once the handler settled, the socket is gone.
export function deliver(entry, instance, id, closedOutgoing, event) {
  const [method, args] = hibernation.event(socketOf(entry, id, closedOutgoing), event);
  const result = typeof instance[method] === 'function' ? instance[method](...args) : undefined;
  if (event[0] === 'message') return result;
  return Promise.resolve(result).finally(() => entry.webSockets.delete(id));
}
