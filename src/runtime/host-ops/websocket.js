// The real connections behind a worker's WebSockets, made with the `ws` library: the client of a
// 101 response (its handshake is completed by src/server/websocket.js), or an outgoing connection
// opened by fetch() with `Upgrade: websocket` or `new WebSocket(url)`. A 101 answered by another
// isolate of this process (a Durable Object, or a worker behind a service binding) reaches its
// caller through an in-process pair of sockets joining a connection of each isolate.
//
// The isolate pulls incoming events one at a time (wsReceive); a connection whose events pile up
// unread is paused, so a client that floods a busy worker is not buffered without bound. Each
// connection belongs to the event that made it and is cut when that event ends, except those of
// sockets a Durable Object accepted for hibernation, which belong to the object
// (durable-object-websockets.js).
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { WorkerError } from '../errors.js';
import { Source } from './streams.js';
import { joinHeaders, splitHeaders } from '../web/internal/protocol.js';

// Workers refuses received messages over 1 MiB, closing the connection with 1009.
export const MAX_MESSAGE_BYTES = 1024 * 1024;
// Unread incoming data above which the connection stops being read.
const QUEUE_LIMIT_BYTES = 1024 * 1024;
const QUEUE_LIMIT_MESSAGES = 256;

const DISCONNECTED = 'WebSocket disconnected without sending Close frame.';
const NOT_AN_UPGRADE = 'TypeError: Worker tried to return a WebSocket in a response to a request which did not contain the header "Upgrade: websocket".';
// Set by the handshake itself; everything else the worker put on its request goes out with it.
const HANDSHAKE_HEADERS = new Set(['upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol']);

function errorMessage(err) {
  if (err?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return `Message is too large: the limit is ${MAX_MESSAGE_BYTES} bytes.`;
  return String(err?.message ?? err);
}

// One connection as the isolate sees it. Events are ['message', string | Uint8Array],
// ['close', code, reason, wasClean] or ['error', message]; the last two end it. `owner`: the
// invocation whose end cuts it (null for a connection that belongs to a Durable Object).
export class Connection {
  constructor(host, owner) {
    this.host = host;
    this.owner = owner;
    this.ws = null;
    this.outbox = []; // what the worker sent before the connection was open
    this.queue = []; // [event, bytes] not taken by the isolate yet
    this.queuedBytes = 0;
    this.reader = null; // resolves the isolate's pending wsReceive
    this.receiving = false;
    this.ended = false;
    this.closedOutgoing = false; // the worker called close()
    this.responded = false; // handed to a 101 response
    this.done = Promise.withResolvers();
    this.proxied = null; // the outgoing connection a 101 response hands to its client
    owner?.settled.promise.then(() => this.terminate());
  }

  // The connection is open: events start flowing and what was sent meanwhile goes out.
  attach(ws) {
    this.ws = ws;
    // Its event ended (or the isolate went away) during the handshake.
    if (this.ended) {
      ws.terminate();
      return;
    }
    if (this.proxied) {
      this.#proxy(ws, this.proxied);
      return;
    }
    ws.on('message', (data, isBinary) => {
      // A copy: `data` may be a view into a buffer shared with other connections.
      this.#push(['message', isBinary ? new Uint8Array(data) : data.toString()], data.length);
    });
    ws.on('error', (err) => this.#end(['error', errorMessage(err)]));
    ws.on('close', (code, reason) => {
      this.#end(code === 1006 ? ['close', 1006, DISCONNECTED, false] : ['close', code, reason.toString(), true]);
    });
    for (const [kind, a, b] of this.outbox.splice(0)) {
      if (kind === 'message') this.send(a);
      else this.close(a, b);
    }
  }

  // The client of a 101 response whose WebSocket came from fetch(): frames are relayed as they
  // are, and a close on either side closes the other.
  #proxy(client, upstream) {
    const relay = (from, to) => {
      from.on('message', (data, isBinary) => to.send(data, { binary: isBinary }));
      from.on('close', (code, reason) => {
        if (code === 1006) to.terminate();
        else closeWith(to, code, reason.toString());
        this.#end(['close', code, reason.toString(), code !== 1006]);
      });
      // (A LocalSocket passes the error on to its peer.)
      from.on('error', (err) => to.terminate(err));
    };
    upstream.handOver(client);
    relay(client, upstream.ws);
    relay(upstream.ws, client);
  }

  // This outgoing connection now feeds `client` directly, starting with what it received before
  // (its close included).
  handOver(client) {
    this.ended = true;
    this.done.resolve();
    this.ws.removeAllListeners('message').removeAllListeners('close').removeAllListeners('error');
    for (const [[kind, a, b]] of this.queue.splice(0)) {
      if (kind === 'message') client.send(a, { binary: typeof a !== 'string' });
      else if (kind === 'close' && a !== 1006) closeWith(client, a, b);
    }
    if (this.ws.readyState !== WebSocket.OPEN && client.readyState === WebSocket.OPEN) client.terminate();
    this.ws.resume();
  }

  #push(event, bytes) {
    if (this.reader) {
      const reader = this.reader;
      this.reader = null;
      reader(event);
      if (this.ended) this.#finish();
      return;
    }
    this.queue.push([event, bytes]);
    this.queuedBytes += bytes;
    if (this.queuedBytes >= QUEUE_LIMIT_BYTES || this.queue.length >= QUEUE_LIMIT_MESSAGES) this.ws?.pause();
  }

  #end(event) {
    if (this.ended) return;
    this.ended = true;
    this.#push(event, 0);
    if (!this.receiving) this.#finish();
  }

  // After the isolate has taken the last event: the completion of wsDone must come after that
  // of the wsReceive that carried it, so it waits for the next round of the event loop.
  #finish() {
    setImmediate(() => this.done.resolve());
  }

  receive() {
    this.receiving = true;
    if (this.queue.length === 0) return new Promise((resolve) => (this.reader = resolve));
    const [event, bytes] = this.queue.shift();
    this.queuedBytes -= bytes;
    if (this.queue.length === 0) this.ws?.resume();
    if (this.ended && this.queue.length === 0) this.#finish();
    return Promise.resolve(event);
  }

  send(data) {
    if (this.ended) return;
    if (!this.ws) this.outbox.push(['message', data]);
    else this.ws.send(data, { binary: typeof data !== 'string' });
  }

  close(code, reason) {
    this.closedOutgoing = true;
    if (this.ended) return;
    if (!this.ws) this.outbox.push(['close', code, reason]);
    else closeWith(this.ws, code, reason);
  }

  // Cuts the connection (its event ended, or the isolate is gone).
  terminate() {
    if (this.ws) this.ws.terminate();
    else this.#end(['close', 1006, DISCONNECTED, false]);
    this.proxied?.ws.terminate();
  }

  // The client went away before the handshake could complete.
  abort() {
    this.#end(['close', 1006, DISCONNECTED, false]);
  }

  // The 101 answered a request that was not a WebSocket handshake: the event fails as it does in
  // Workers. Returns the error for the client's error page.
  refuse() {
    const error = new WorkerError('exception', NOT_AN_UPGRADE, { stack: NOT_AN_UPGRADE });
    this.host.hooks.error(error, 'fetch');
    this.abort();
    return error;
  }
}

// Sends a close frame; 1005 means a frame without a code. Codes Workers lets through but the
// protocol reserves (1016-2999) cannot be sent, so those close without a code.
function closeWith(ws, code, reason) {
  if (ws.readyState !== WebSocket.OPEN) return;
  try {
    if (code === 1005) ws.close();
    else ws.close(code, reason);
  } catch {
    ws.close();
  }
}

// One end of a WebSocket joining two connections of this process, with as much of the `ws`
// library's interface as Connection uses. What one end sends reaches the other from a microtask,
// never from inside the call that sent it (a turn of the sending isolate, which may also be the
// receiving one); a close is answered with the same code, as the `ws` library answers one.
class LocalSocket extends EventEmitter {
  readyState = WebSocket.OPEN;
  peer = null;
  #inbox = []; // events from the peer not emitted yet
  #paused = false;
  #scheduled = false;

  send(data, options = undefined) {
    if (this.readyState === WebSocket.OPEN) this.peer.#arrive(['message', data, options?.binary ?? typeof data !== 'string']);
  }

  close(code = 1005, reason = '') {
    if (this.readyState !== WebSocket.OPEN) return;
    this.readyState = WebSocket.CLOSING;
    this.peer.#arrive(['close', code, reason]);
  }

  // Both ends close with 1006 at once, as when a TCP connection drops; what was not emitted is
  // lost. `err`: why, which the other end gets as an 'error' first.
  terminate(err = null) {
    if (this.readyState === WebSocket.CLOSED) return;
    this.readyState = WebSocket.CLOSED;
    this.#inbox.length = 0;
    queueMicrotask(() => this.emit('close', 1006, ''));
    this.peer.#arrive(['abort', err]);
  }

  pause() {
    this.#paused = true;
  }

  resume() {
    this.#paused = false;
    this.#schedule();
  }

  #arrive(event) {
    this.#inbox.push(event);
    this.#schedule();
  }

  #schedule() {
    if (this.#scheduled || this.#paused || this.#inbox.length === 0) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush() {
    while (this.#inbox.length > 0 && !this.#paused && this.readyState !== WebSocket.CLOSED) {
      const [kind, a, b] = this.#inbox.shift();
      if (kind === 'message') {
        this.emit('message', a, b);
        continue;
      }
      // A close (answered unless this end closed first) or an abort ends this end.
      if (kind === 'close' && this.readyState === WebSocket.OPEN) this.peer.#arrive(['close', a, b]);
      this.readyState = WebSocket.CLOSED;
      this.#inbox.length = 0;
      if (kind === 'abort' && a && this.listenerCount('error') > 0) this.emit('error', a);
      if (kind === 'close') this.emit('close', a, b);
      else this.emit('close', 1006, '');
    }
  }
}

function localPair() {
  const a = new LocalSocket();
  const b = new LocalSocket();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

function connections(host) {
  host.webSockets ??= new Map();
  return host.webSockets;
}

export function addConnection(host, connection) {
  const id = host.nextId++;
  connections(host).set(id, connection);
  const forget = () => connections(host).delete(id);
  connection.done.promise.then(() => {
    // One the isolate never read from may still be handed to a client (a 101 answered with an
    // object's socket that was closed at once) until its event ends.
    if (connection.receiving || !connection.owner) forget();
    else connection.owner.settled.promise.then(forget);
  });
  return id;
}

// Every connection of `host` is cut (its isolate is going away).
export function terminateAll(host) {
  for (const connection of connections(host).values()) connection.terminate();
}

// The answer to fetch event `invocationId` is a 101 with a WebSocket: the client's connection is
// made once the server has completed the handshake (`result.webSocket.attach(ws)`). `proxiedId`
// is the outgoing connection the response hands over, if it came from fetch(); `acceptedId` the
// connection of the other end of the pair, if a Durable Object accepted it with
// ctx.acceptWebSocket() (that connection, the object's, is the one the client gets). Returns the
// connection's id, or 0 when the event was already answered.
export function wsRespond(host, invocationId, status, statusText, headers, proxiedId, acceptedId) {
  const invocation = host.invocations.get(invocationId);
  if (!invocation || invocation.responded) return 0;
  invocation.responded = true;
  const accepted = acceptedId ? connections(host).get(acceptedId) : undefined;
  const connection = accepted ?? new Connection(host, invocation);
  connection.responded = true;
  if (proxiedId) connection.proxied = connections(host).get(proxiedId) ?? null;
  invocation.response.resolve({ status, statusText, headers: splitHeaders(headers), body: null, webSocket: connection, invocation });
  return accepted ? acceptedId : addConnection(host, connection);
}

// A 101 another isolate of this process answered a request of `host`'s with: that isolate's
// connection (`far`, waiting for its client) is joined through an in-process pair to a new
// connection of `host`, owned by `invocation`. Returns the new connection's id.
export function joinConnection(host, invocation, far) {
  const [near, farEnd] = localPair();
  far.attach(farEnd);
  const connection = new Connection(host, invocation);
  connection.attach(near);
  return addConnection(host, connection);
}

// fetch() of a WebSocket handshake, as a subrequest. Completes with [status, statusText, headers,
// connection id, body source id]: a connection for a 101, a body for any other answer.
export function wsFetch(host, callId, url, headers) {
  const invocation = host.current;
  invocation.subrequests += 1;
  if (invocation.subrequests > host.limits.subrequests) throw new Error('Too many subrequests.');
  const target = new URL(url);
  const scheme = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }[target.protocol];
  if (!scheme) throw new TypeError(`Fetch API cannot load: ${url}`);
  target.protocol = scheme;

  const list = splitHeaders(headers);
  const requestHeaders = {};
  let protocols = [];
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i].toLowerCase();
    if (name === 'sec-websocket-protocol') protocols = list[i + 1].split(',').map((p) => p.trim()).filter(Boolean);
    else if (!HANDSHAKE_HEADERS.has(name)) requestHeaders[name] = list[i + 1];
  }
  const ws = new WebSocket(target, protocols, { headers: requestHeaders, perMessageDeflate: false, maxPayload: MAX_MESSAGE_BYTES });
  const connection = new Connection(host, invocation);
  host.completeWith(callId, new Promise((resolve, reject) => {
    let handshake = null;
    const failed = (err) => reject(new TypeError(err?.code === 'ECONNREFUSED' ? 'Network connection lost.' : `WebSocket connection failed: ${errorMessage(err)}`));
    ws.on('error', failed);
    ws.once('upgrade', (res) => (handshake = res));
    ws.once('open', () => {
      ws.off('error', failed);
      connection.attach(ws);
      resolve([101, handshake.statusMessage ?? '', joinHeaders(handshake.rawHeaders), addConnection(host, connection), 0]);
    });
    // Any other answer is an ordinary response, body included.
    ws.once('unexpected-response', (_req, res) => {
      ws.off('error', failed);
      ws.on('error', () => {});
      resolve([res.statusCode, res.statusMessage ?? '', joinHeaders(res.rawHeaders), 0, host.addSource(new Source(res), invocation)]);
    });
  }));
}

export function wsSend(host, id, data) {
  connections(host).get(id)?.send(data);
}

export function wsClose(host, id, code, reason) {
  connections(host).get(id)?.close(code, reason);
}

export function wsReceive(host, callId, id) {
  const connection = connections(host).get(id);
  host.completeWith(callId, connection ? connection.receive() : Promise.resolve(['close', 1006, DISCONNECTED, false]));
}

// Completes once connection `id` is over and the isolate has taken its last event (or never
// listened). While it is pending the isolate has I/O under way, so an open WebSocket is never
// taken for a worker that can no longer make progress.
export function wsDone(host, callId, id) {
  host.completeWith(callId, connections(host).get(id)?.done.promise ?? Promise.resolve());
}
