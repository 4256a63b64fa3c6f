// The host side of the WebSocket Hibernation API of Durable Objects (ctx.acceptWebSocket() and the
// rest), and the attachments of every WebSocket (serializeAttachment()).
//
// A socket accepted with ctx.acceptWebSocket() belongs to its object, not to the event that
// accepted it: its connection is made at once (it gets its client when the other end of the pair
// is returned in a 101) and stays open while the object's instance is evicted. Its events (each
// message, then its close or error) are taken here one at a time and delivered as events of the
// object, to its webSocketMessage / webSocketClose / webSocketError methods; an event for an
// evicted object builds a new instance first. A message equal to the object's auto-response
// request is answered here, without an event. Tags, attachments and auto-response times are kept
// here, so they outlive the instance.
import { Connection, addConnection } from './websocket.js';
import { serializeValue, deserializeValue } from '../../storage/durable-object-store.js';

// Workers' limits.
const MAX_SOCKETS = 32_768;
const MAX_TAGS = 10;
const MAX_TAG_BYTES = 256;
const MAX_ATTACHMENT_BYTES = 16_384;
const MAX_AUTO_RESPONSE_BYTES = 2048;
const MAX_EVENT_TIMEOUT_MS = 604_800_000;

// One object's hibernation state, kept on its record in the IsolateHost (which keeps the record,
// through evictions, while the object has sockets).
class Hibernation {
  constructor() {
    this.name = null; // the name the object was reached by: ctx.id.name of an instance built for an event
    this.sockets = new Map(); // connection id -> HibernatableSocket, in the order accepted
    this.autoResponse = null; // [request, response]
    this.eventTimeoutMs = null;
  }
}

class HibernatableSocket {
  constructor(object, connection, tags) {
    this.object = object;
    this.connection = connection;
    this.tags = tags;
    this.attachment = null; // serialized
    this.autoResponseAt = null; // ms since the epoch
  }
}

const bySocket = new WeakMap(); // host -> Map(connection id -> HibernatableSocket)

function socketsOf(host) {
  let sockets = bySocket.get(host);
  if (!sockets) {
    sockets = new Map();
    bySocket.set(host, sockets);
  }
  return sockets;
}

// The record of the object `handle` names ("<className>\n<id>"), which lives in this isolate.
function objectOf(host, handle) {
  const object = typeof handle === 'string' ? host.objects.get(handle) : undefined;
  if (!object) throw new TypeError('This Durable Object is not running here.');
  return object;
}

function hibernationOf(host, handle) {
  const object = objectOf(host, handle);
  object.hibernation ??= new Hibernation();
  return object.hibernation;
}

const utf8Length = (text) => Buffer.byteLength(text, 'utf8');

// ctx.acceptWebSocket(): the connection of a new hibernatable socket of object `handle` (reached
// as `name`); the isolate checked the socket and the tags and reports Workers' errors. A socket
// not handed to a client by the time the accepting event ends is closed.
function doWsAccept(host, handle, name, tags) {
  if (!Array.isArray(tags) || tags.length > MAX_TAGS || !tags.every((tag) => typeof tag === 'string' && utf8Length(tag) <= MAX_TAG_BYTES)) {
    throw new TypeError('Invalid WebSocket tags.');
  }
  const hibernation = hibernationOf(host, handle);
  hibernation.name ??= name;
  if (hibernation.sockets.size >= MAX_SOCKETS) throw new Error(`only ${MAX_SOCKETS} websockets can be accepted on a single Durable Object instance`);
  const connection = new Connection(host, null);
  const id = addConnection(host, connection);
  const socket = new HibernatableSocket(host.objects.get(handle), connection, tags);
  hibernation.sockets.set(id, socket);
  socketsOf(host).set(id, socket);
  // The accepting event is one of the object's running events (not necessarily the one this turn
  // is charged to: an object's events run each other's continuations), so all of them may end
  // before the socket is known to be unused.
  const running = [...host.invocations.values()].filter((invocation) => invocation.objectKey === handle);
  Promise.all(running.map((invocation) => invocation.settled.promise)).then(() => {
    if (!connection.responded) connection.terminate();
  });
  deliverEvents(host, id, socket);
  return id;
}

// Takes the socket's events one at a time, each delivered once the previous one's handler has
// settled (as Workers does), until its close or error; then the socket is forgotten.
async function deliverEvents(host, id, socket) {
  const { object, connection } = socket;
  const hibernation = object.hibernation;
  for (;;) {
    const event = await connection.receive();
    if (host.dead) break;
    const auto = hibernation.autoResponse;
    if (auto !== null && event[0] === 'message' && event[1] === auto[0]) {
      connection.send(auto[1]);
      socket.autoResponseAt = Date.now();
      continue;
    }
    try {
      await host.objectWebSocket(object.className, object.id, hibernation.name, id, connection.closedOutgoing, event);
    } catch {
      // The isolate died (its log says why), and its sockets with it.
    }
    if (event[0] !== 'message' || host.dead) break;
  }
  hibernation.sockets.delete(id);
  socketsOf(host).delete(id);
}

// ctx.getWebSockets(tag): [[connection id, close() called], ...] of the object's sockets.
function doWsList(host, handle, tag) {
  const sockets = objectOf(host, handle).hibernation?.sockets;
  if (!sockets) return [];
  const list = [];
  for (const [id, socket] of sockets) {
    if (tag === null || socket.tags.includes(tag)) list.push([id, socket.connection.closedOutgoing]);
  }
  return list;
}

function doWsTags(host, id) {
  return socketsOf(host).get(id)?.tags ?? [];
}

// serializeAttachment(): fails for a value too large serialized, else keeps it for hibernatable
// socket `id` (0: another socket, which keeps its own).
function wsAttach(host, id, value) {
  const bytes = serializeValue(value);
  if (bytes.byteLength > MAX_ATTACHMENT_BYTES) {
    // (Workers' message, missing space included.)
    throw new Error(`A WebSocket 'attachment' cannot be larger than ${MAX_ATTACHMENT_BYTES} bytes.'attachment' was ${bytes.byteLength} bytes.`);
  }
  const socket = id ? socketsOf(host).get(id) : undefined;
  if (socket) socket.attachment = bytes;
}

// deserializeAttachment() of hibernatable socket `id`: a new copy of its attachment, or null.
function wsAttachment(host, id) {
  const bytes = socketsOf(host).get(id)?.attachment;
  return bytes ? deserializeValue(bytes) : null;
}

// ctx.setWebSocketAutoResponse(): [request, response], or both null to remove it.
function doWsSetAutoResponse(host, handle, request, response) {
  const unset = request === null && response === null;
  const valid = (text) => typeof text === 'string' && utf8Length(text) <= MAX_AUTO_RESPONSE_BYTES;
  if (!unset && !(valid(request) && valid(response))) throw new TypeError('Invalid WebSocket auto-response.');
  hibernationOf(host, handle).autoResponse = unset ? null : [request, response];
}

function doWsAutoResponse(host, handle) {
  return objectOf(host, handle).hibernation?.autoResponse ?? null;
}

function doWsAutoResponseTime(host, id) {
  return socketsOf(host).get(id)?.autoResponseAt ?? null;
}

// ctx.setHibernatableWebSocketEventTimeout(): kept and given back, not enforced (events are
// bounded by the CPU limit and the 15-minute event limit).
function doWsSetEventTimeout(host, handle, ms) {
  if (ms !== null && !(Number.isInteger(ms) && ms > 0 && ms <= MAX_EVENT_TIMEOUT_MS)) throw new TypeError('Invalid event timeout.');
  hibernationOf(host, handle).eventTimeoutMs = ms;
}

function doWsEventTimeout(host, handle) {
  return objectOf(host, handle).hibernation?.eventTimeoutMs ?? null;
}

export const ops = {
  doWsAccept,
  doWsList,
  doWsTags,
  wsAttach,
  wsAttachment,
  doWsSetAutoResponse,
  doWsAutoResponse,
  doWsAutoResponseTime,
  doWsSetEventTimeout,
  doWsEventTimeout,
};
