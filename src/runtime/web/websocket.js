// WebSocketPair and WebSocket as Workers has them, with their events (MessageEvent, CloseEvent,
// ErrorEvent).
//
// The two ends of a pair talk to each other inside the isolate until one end is returned in a 101
// response; from then on the other end talks to the real client through a host connection. An
// outgoing WebSocket (fetch() with `Upgrade: websocket`, or `new WebSocket(url)`) has a host
// connection from the start. Events from a host connection are pulled one at a time
// (`wsReceive`), each one a turn of the event that accepted the socket. A socket a Durable Object
// accepts with ctx.acceptWebSocket() (hibernatable) gets its host connection at once, and its
// events go to the object's handler methods instead (durable-object-websockets.js).
import { Event, EventTarget, defineEventHandler, trustedEvent } from './events.js';
import { DOMException } from './dom-exception.js';
import { asDataCloneError, hostAsync, hostCall } from './internal/bridge.js';
import { headersFromText, headersToText } from './internal/header-list.js';
import { TextEncoder } from './encoding.js';
import { Headers } from './headers.js';
import { Response, setFetchedFrom } from './response.js';
import { hostReadable } from './streams.js';
import { URL } from './url.js';
import { waitUntilCurrent } from './dispatch.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const NOT_ACCEPTED = 'You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.';
const CONSTRUCTOR_ERROR = 'WebSocket Constructor: ';
const MAX_REASON_BYTES = 123; // a close frame's payload is at most 125 bytes, 2 of them the code

const encoder = new TextEncoder();

// The ports of the many message events that carry none (every event the platform fires).
const NO_PORTS = Object.freeze([]);

// A message event the platform fires, carrying `data` as is: an init's `data: undefined` would
// become null, a message of undefined must not.
export let trustedMessageEvent;

export class MessageEvent extends Event {
  #data;
  #origin;
  #lastEventId;
  #source;
  #ports;
  constructor(type, init = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'MessageEvent': 1 argument required, but only 0 present.");
    super(type, init);
    this.#data = init?.data ?? null;
    this.#origin = String(init?.origin ?? '');
    this.#lastEventId = String(init?.lastEventId ?? '');
    this.#source = init?.source ?? null;
    this.#ports = init?.ports === undefined ? NO_PORTS : Object.freeze([...init.ports]);
  }
  get data() {
    return this.#data;
  }
  get origin() {
    return this.#origin;
  }
  get lastEventId() {
    return this.#lastEventId;
  }
  get source() {
    return this.#source;
  }
  get ports() {
    return this.#ports;
  }

  static {
    trustedMessageEvent = (type, data) => {
      const event = trustedEvent(type, undefined, MessageEvent);
      event.#data = data;
      return event;
    };
  }
}
Object.defineProperty(MessageEvent.prototype, Symbol.toStringTag, { value: 'MessageEvent', configurable: true });

export class CloseEvent extends Event {
  #code;
  #reason;
  #wasClean;
  constructor(type, init = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'CloseEvent': 1 argument required, but only 0 present.");
    super(type, init);
    this.#code = Number(init?.code ?? 0);
    this.#reason = String(init?.reason ?? '');
    this.#wasClean = Boolean(init?.wasClean);
  }
  get code() {
    return this.#code;
  }
  get reason() {
    return this.#reason;
  }
  get wasClean() {
    return this.#wasClean;
  }
}
Object.defineProperty(CloseEvent.prototype, Symbol.toStringTag, { value: 'CloseEvent', configurable: true });

export class ErrorEvent extends Event {
  #init;
  constructor(type, init = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'ErrorEvent': 1 argument required, but only 0 present.");
    super(type, init);
    this.#init = {
      message: String(init?.message ?? ''),
      filename: String(init?.filename ?? ''),
      lineno: Number(init?.lineno ?? 0),
      colno: Number(init?.colno ?? 0),
      error: init?.error,
    };
  }
  get message() {
    return this.#init.message;
  }
  get filename() {
    return this.#init.filename;
  }
  get lineno() {
    return this.#init.lineno;
  }
  get colno() {
    return this.#init.colno;
  }
  get error() {
    return this.#init.error;
  }
}
Object.defineProperty(ErrorEvent.prototype, Symbol.toStringTag, { value: 'ErrorEvent', configurable: true });

// What send() accepts: a buffer source is sent as binary, anything else as text (WebIDL's
// conversion of the union). Binary data is copied: the sender may reuse its buffer.
function toMessage(message) {
  if (typeof message === 'string') return message;
  if (message instanceof ArrayBuffer) return new Uint8Array(message.slice(0));
  if (ArrayBuffer.isView(message)) return new Uint8Array(message.buffer, message.byteOffset, message.byteLength).slice();
  return String(message);
}

// A message event's data: text stays a string, binary becomes an ArrayBuffer of its own.
function messageData(data) {
  if (typeof data === 'string') return data;
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return data.buffer;
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
}

function validCloseCode(code) {
  return code >= 1000 && code < 5000 && code !== 1004 && code !== 1005 && code !== 1006 && code !== 1015;
}

// RFC 6455 subprotocol tokens.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function protocolList(protocols) {
  if (protocols === undefined) return [];
  if (typeof protocols === 'string') {
    if (!TOKEN.test(protocols)) throw new DOMException(`${CONSTRUCTOR_ERROR}The protocol header token is invalid.`, 'SyntaxError');
    return [protocols];
  }
  const list = [...protocols].map(String);
  if (list.length === 0) throw new DOMException(`${CONSTRUCTOR_ERROR}The protocols array cannot be empty.`, 'SyntaxError');
  if (!list.every((p) => TOKEN.test(p))) throw new DOMException(`${CONSTRUCTOR_ERROR}One of the protocol header tokens is invalid.`, 'SyntaxError');
  if (new Set(list).size !== list.length) throw new DOMException(`${CONSTRUCTOR_ERROR}The protocols header cannot have repeating values.`, 'SyntaxError');
  return list;
}

let internalConstruction = false;
// Reach into WebSocket's private state for the pair, responses and fetch(); set in its static block.
let pairUp;
let handOut;
let hostBacked;

// What the WebSocket Hibernation API (durable-object-websockets.js) does to a socket; set in
// WebSocket's static block.
export const hibernation = {};

export class WebSocket extends EventTarget {
  #url = null;
  #protocol = null;
  #extensions = null;
  #peer = null; // the other end of the pair, while both are in this isolate
  #hostId = 0; // the host connection, once there is one
  #connecting = false; // made by `new WebSocket(url)` and not connected yet
  #accepted = false;
  #released = false; // handed out in a response
  #closedOutgoing = false; // close() was called
  #closedIncoming = false; // the peer's close (or the connection's end) was delivered
  #failed = false;
  #waiting = []; // events for this end that arrived before accept()
  #hibernatable = false; // accepted with ctx.acceptWebSocket()
  #attachment = null; // { value }: a clone of what serializeAttachment() was given (the host keeps a hibernatable socket's)

  constructor(url, protocols = undefined) {
    super();
    if (internalConstruction) return;
    if (arguments.length === 0) throw new TypeError("Failed to construct 'WebSocket': 1 argument required, but only 0 present.");
    const parsed = URL.parse(String(url));
    if (parsed === null) throw new DOMException(`${CONSTRUCTOR_ERROR}The url is invalid.`, 'SyntaxError');
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new DOMException(`${CONSTRUCTOR_ERROR}The url scheme must be ws or wss.`, 'SyntaxError');
    }
    if (String(url).includes('#')) throw new DOMException(`${CONSTRUCTOR_ERROR}The url fragment must be empty.`, 'SyntaxError');
    const headers = new Headers();
    const list = protocolList(protocols);
    if (list.length > 0) headers.set('sec-websocket-protocol', list.join(', '));
    this.#url = String(url);
    this.#protocol = '';
    this.#extensions = '';
    this.#connecting = true;
    this.#connect(parsed.href, headersToText(headers));
  }

  static {
    pairUp = (a, b) => {
      a.#peer = b;
      b.#peer = a;
    };
    handOut = (socket, invocationId, status, statusText, headers) => socket.#handOut(invocationId, status, statusText, headers);
    hostBacked = (id) => {
      const socket = createEnd();
      socket.#hostId = id;
      return socket;
    };
    Object.assign(hibernation, {
      // ctx.acceptWebSocket(socket): refused as Workers refuses it, else `register()` (the
      // object's host side) gives the socket its connection.
      accept(socket, register) {
        if (socket.#accepted) throw new Error('Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`');
        const peer = socket.#peer;
        if (!peer || peer.#accepted || peer.#released) {
          throw new Error('Cannot call `acceptWebSocket()` on this WebSocket because its pair has already been accepted or used in a Response.');
        }
        socket.#hostId = register();
        socket.#hibernatable = true;
        socket.#accepted = true;
      },
      // The socket of connection `id`, accepted before the object was evicted.
      wake(id, closedOutgoing) {
        const socket = createEnd();
        socket.#hostId = id;
        socket.#hibernatable = true;
        socket.#accepted = true;
        socket.#closedOutgoing = closedOutgoing;
        return socket;
      },
      // The connection of a hibernatable socket, else 0.
      idOf: (socket) => (socket.#hibernatable ? socket.#hostId : 0),
      isAccepted: (socket) => socket.#accepted,
      // [the handler method an incoming event goes to, its arguments]; the socket's state follows
      // the event.
      event(socket, [kind, a, b, c]) {
        if (kind === 'message') return ['webSocketMessage', [socket, messageData(a)]];
        if (kind === 'close') {
          socket.#closedIncoming = true;
          return ['webSocketClose', [socket, a, b, c]];
        }
        socket.#failed = true;
        return ['webSocketError', [socket, new Error(a)]];
      },
    });
  }

  get url() {
    return this.#url;
  }
  get protocol() {
    return this.#protocol;
  }
  get extensions() {
    return this.#extensions;
  }
  get readyState() {
    if (this.#connecting) return CONNECTING;
    // A received close is answered at once (as Workers does since web_socket_auto_reply_to_close).
    if (this.#failed || this.#closedIncoming) return CLOSED;
    return this.#closedOutgoing ? CLOSING : OPEN;
  }

  accept() {
    if (this.#connecting) throw new TypeError("Websockets obtained from the 'new WebSocket()' constructor cannot call accept");
    if (this.#released) throw new TypeError("Can't accept() WebSocket that was already used in a response.");
    if (this.#hibernatable) throw new TypeError("Can't accept() WebSocket after enabling hibernation.");
    if (this.#peer?.#hibernatable) {
      throw new TypeError("Can't accept() a WebSocket whose other end was accepted with acceptWebSocket(): return it in a Response instead.");
    }
    if (this.#accepted) return;
    this.#accepted = true;
    if (this.#hostId) {
      // An outgoing connection keeps the event that accepted it alive while it is open.
      try {
        waitUntilCurrent(hostAsync('wsDone', this.#hostId));
      } catch {
        // Accepted outside any event: nothing to extend.
      }
      this.#receive();
    } else {
      for (const event of this.#waiting.splice(0)) this.#schedule(event);
    }
  }

  send(message) {
    if (this.#closedOutgoing) throw new TypeError("Can't call WebSocket send() after close().");
    // Once the connection is gone, or the socket was handed out, messages are dropped (as the
    // standard says for a closed socket).
    if (this.#released || this.#failed || this.#closedIncoming) return;
    if (!this.#accepted) throw new TypeError(NOT_ACCEPTED);
    this.#transmit(['message', toMessage(message)]);
  }

  close(code = undefined, reason = undefined) {
    if (this.#connecting) {
      // Abandons the connection attempt; #connect closes it if it still succeeds.
      this.#connecting = false;
      this.#closedOutgoing = true;
      this.#closedIncoming = true;
      return;
    }
    if (this.#closedOutgoing || this.#released || this.#failed || this.#closedIncoming) return;
    if (!this.#accepted) throw new TypeError(NOT_ACCEPTED);
    if (code !== undefined) {
      code = Math.trunc(Number(code)) || 0;
      if (!validCloseCode(code)) throw new TypeError(`Invalid WebSocket close code: ${code}.`);
    }
    if (reason !== undefined) {
      if (code === undefined) throw new TypeError('If you specify a WebSocket close reason, you must also specify a code.');
      reason = String(reason);
      if (encoder.encode(reason).byteLength > MAX_REASON_BYTES) {
        throw new TypeError(`The WebSocket close reason must be at most ${MAX_REASON_BYTES} bytes long.`);
      }
    }
    this.#closedOutgoing = true;
    // 1005 ("no status") goes on the wire as a close frame without a code.
    this.#transmit(['close', code ?? 1005, reason ?? '']);
  }

  // Keeps a structured clone of `value` with the socket (at most 16 KiB serialized, which the host
  // checks); for a hibernatable socket, on the host, where it outlives the object's eviction.
  serializeAttachment(value) {
    try {
      hostCall('wsAttach', hibernation.idOf(this), value);
    } catch (err) {
      throw asDataCloneError(err);
    }
    if (!this.#hibernatable) this.#attachment = { value: require('./structured-clone.js').structuredClone(value) };
  }

  // A new copy of what serializeAttachment() was given last, or null.
  deserializeAttachment() {
    if (this.#hibernatable) return hostCall('wsAttachment', this.#hostId);
    return this.#attachment === null ? null : require('./structured-clone.js').structuredClone(this.#attachment.value);
  }

  // Sends an outgoing event to wherever the other side is now.
  #transmit(event) {
    if (this.#hostId) {
      if (event[0] === 'message') hostCall('wsSend', this.#hostId, event[1]);
      else hostCall('wsClose', this.#hostId, event[1], event[2]);
    } else {
      this.#peer?.#deliver(event);
    }
  }

  // An event from the other end of the pair: dispatched once this end is accepted.
  #deliver(event) {
    if (this.#accepted) this.#schedule(event);
    else this.#waiting.push(event);
  }

  // Pair events are dispatched from a microtask, never from inside the sender's send().
  #schedule(event) {
    queueMicrotask(() => this.#dispatch(event));
  }

  // Dispatches one incoming event; false once nothing more can come.
  #dispatch([kind, a, b, c]) {
    if (kind === 'message') {
      this.dispatchEvent(new MessageEvent('message', { data: messageData(a) }));
      return true;
    }
    if (kind === 'close') {
      this.#closedIncoming = true;
      // The reply to a close from the pair's other end: host connections reply on their own.
      if (!this.#closedOutgoing && !this.#hostId) this.#peer?.#deliver(['close', a, b, true]);
      this.dispatchEvent(new CloseEvent('close', { code: a, reason: b, wasClean: c ?? true }));
      return false;
    }
    this.#failed = true;
    this.dispatchEvent(new ErrorEvent('error', { message: a, error: new Error(a) }));
    return false;
  }

  async #receive() {
    let more = true;
    while (more) more = this.#dispatch(await hostAsync('wsReceive', this.#hostId));
  }

  // The end of a pair whose other end was just handed out: from now on its other side is the
  // host connection `id`. What this end sent before goes out first.
  #link(id, sent) {
    this.#peer = null;
    this.#hostId = id;
    for (const event of sent) this.#transmit(event);
    if (this.#accepted) this.#receive();
  }

  #handOut(invocationId, status, statusText, headers) {
    if (this.#connecting || this.#url !== null) {
      throw new TypeError("Can't return WebSocket in a Response if it was created with `new WebSocket()`");
    }
    if (this.#released) throw new TypeError("Can't return WebSocket that was already used in a response.");
    if (this.#hibernatable) throw new TypeError("Can't return WebSocket in a Response after calling acceptWebSocket().");
    if (this.#accepted) throw new TypeError("Can't return WebSocket in a Response after calling accept().");
    // A socket from fetch() is proxied to the client by the host; a pair's end is replaced by a
    // host connection its other end talks to: the one a hibernatable other end already has.
    const peer = this.#peer;
    const accepted = peer?.#hibernatable ? peer.#hostId : 0;
    const id = hostCall('wsRespond', invocationId, status, statusText, headers, this.#hostId, accepted);
    if (id === 0) return Promise.resolve();
    this.#released = true;
    this.#peer = null;
    if (accepted) {
      // The connection belongs to the object, which may be evicted meanwhile: the event ends now.
      peer.#peer = null;
      return Promise.resolve();
    }
    peer?.#link(id, this.#waiting.splice(0));
    return hostAsync('wsDone', id);
  }

  async #connect(url, headers) {
    let result;
    try {
      result = await hostAsync('wsFetch', url, headers);
    } catch (err) {
      this.#connectFailed(err);
      return;
    }
    const [status, , responseHeaders, id, sourceId] = result;
    if (status !== 101) {
      if (sourceId) hostCall('sourceCancel', sourceId);
      this.#connectFailed(new TypeError(`Failed to establish the WebSocket connection: expected server to reply with HTTP status code 101 (switching protocols), but received ${status} instead.`));
      return;
    }
    if (!this.#connecting) {
      // close() was called while connecting.
      hostCall('wsClose', id, 1000, '');
      return;
    }
    const handshake = headersFromText(responseHeaders);
    this.#connecting = false;
    this.#hostId = id;
    this.#protocol = handshake.get('sec-websocket-protocol');
    this.#extensions = handshake.get('sec-websocket-extensions');
    this.accept();
    this.dispatchEvent(new Event('open'));
  }

  #connectFailed(err) {
    if (!this.#connecting) return;
    this.#connecting = false;
    this.#failed = true;
    this.#closedIncoming = true;
    this.dispatchEvent(new ErrorEvent('error', { message: err.message, error: err }));
    this.dispatchEvent(new CloseEvent('close', { code: 1006, reason: 'Failed to establish websocket connection', wasClean: false }));
  }
}

for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
  for (const key of [name, `READY_STATE_${name}`]) {
    Object.defineProperty(WebSocket, key, { value, enumerable: true });
    Object.defineProperty(WebSocket.prototype, key, { value, enumerable: true });
  }
}
for (const type of ['open', 'message', 'close', 'error']) defineEventHandler(WebSocket.prototype, type);
Object.defineProperty(WebSocket.prototype, Symbol.toStringTag, { value: 'WebSocket', configurable: true });

function createEnd() {
  internalConstruction = true;
  try {
    return new WebSocket();
  } finally {
    internalConstruction = false;
  }
}

export class WebSocketPair {
  constructor() {
    const client = createEnd();
    const server = createEnd();
    pairUp(client, server);
    Object.defineProperty(this, 0, { value: client, enumerable: true });
    Object.defineProperty(this, 1, { value: server, enumerable: true });
  }
  *[Symbol.iterator]() {
    yield this[0];
    yield this[1];
  }
}
Object.defineProperty(WebSocketPair.prototype, Symbol.toStringTag, { value: 'WebSocketPair', configurable: true });


// The WebSocket branch of a fetch event's answer: hands the socket to the host and returns a
// promise that settles once its connection is over (the event lasts until then).
export function respondWithWebSocket(invocationId, response, headers) {
  const socket = response.webSocket;
  if (!(socket instanceof WebSocket)) {
    throw new TypeError("Incorrect type for the 'webSocket' field on 'ResponseInit': the provided value is not of type 'WebSocket'.");
  }
  return handOut(socket, invocationId, response.status, response.statusText, headers);
}

// The response to a request routed to a worker or Durable Object of this process, answered with
// a 101 and a WebSocket: `id` is the host connection the caller's end has.
export function webSocketResponse(status, statusText, headers, id) {
  return new Response(null, { status, statusText, headers, webSocket: hostBacked(id) });
}

// fetch() of a request with `Upgrade: websocket`: a 101 response carries the connection in
// `webSocket` (to accept(), or to return to the client); any other answer is a plain response.
export async function fetchWebSocket(request) {
  const [status, statusText, headers, id, sourceId] = await hostAsync('wsFetch', request.url, headersToText(request.headers));
  const init = { status, statusText, headers: headersFromText(headers) };
  const response = id ? webSocketResponse(status, statusText, init.headers, id) : new Response(sourceId ? hostReadable(sourceId) : null, init);
  setFetchedFrom(response, request.url, false);
  return response;
}
