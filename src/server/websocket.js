// WebSocket ingress. An upgrade request is served like any other request, its answer written on
// the raw socket; a 101 response carrying a WebSocket completes the handshake (with the `ws`
// library) and connects the client to the worker's end.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { MAX_MESSAGE_BYTES } from '../runtime/host-ops/websocket.js';

const upgrades = new WeakMap(); // ServerResponse on an upgrade socket -> { socket, head }
const answers = new WeakMap(); // request -> what its handshake takes from the worker's 101

// Written by the handshake itself, never copied from the worker's response.
const HANDSHAKE_HEADERS = new Set(['upgrade', 'connection', 'sec-websocket-accept', 'sec-websocket-protocol', 'sec-websocket-extensions', 'content-length', 'transfer-encoding']);

const server = new WebSocketServer({
  noServer: true,
  clientTracking: false,
  perMessageDeflate: false,
  maxPayload: MAX_MESSAGE_BYTES,
  // The subprotocol is the one the worker's response names, if any.
  handleProtocols: (_offered, req) => answers.get(req)?.protocol ?? false,
});
server.on('headers', (lines, req) => lines.push(...answers.get(req).lines));
// A malformed handshake (no key, wrong version...): the client gets a 400, the worker a disconnect.
server.on('wsClientError', (err, socket, req) => {
  answers.get(req).failed();
  if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${err.message}\n`);
  else socket.destroy();
});

// A response written on the socket of an upgrade request, as if the request were a plain one.
export function responseOnSocket(req, socket, head) {
  // Node drops its own listeners from an upgraded socket; an error must not go unhandled.
  socket.on('error', () => socket.destroy());
  const res = new http.ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket);
  res.on('finish', () => {
    res.detachSocket(socket);
    socket.destroySoon();
  });
  upgrades.set(res, { socket, head });
  return res;
}

// The worker answered with a 101 and a WebSocket (result.webSocket, the host connection).
export function acceptWebSocket(req, res, { headers, webSocket: connection }) {
  const upgrade = upgrades.get(res);
  if (!upgrade || req.headers.upgrade?.toLowerCase() !== 'websocket') throw connection.refuse();
  const { socket, head } = upgrade;
  res.detachSocket(socket);
  res.statusCode = 101;
  // The request log entry is written when the connection is over, on res's 'close'; a clean close
  // is not a client that went away (the log reads that from res.writableFinished).
  const over = (clean) => {
    if (clean) Object.defineProperty(res, 'writableFinished', { value: true });
    res.emit('close');
  };
  if (socket.destroyed || !socket.readable || !socket.writable) {
    connection.abort();
    over(false);
    return;
  }
  const lines = [];
  let protocol;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i].toLowerCase();
    if (name === 'sec-websocket-protocol') protocol = headers[i + 1];
    else if (!HANDSHAKE_HEADERS.has(name)) lines.push(`${headers[i]}: ${headers[i + 1]}`);
  }
  answers.set(req, {
    lines,
    protocol,
    connection,
    failed: () => {
      connection.abort();
      res.statusCode = 400;
      over(false);
    },
  });
  server.handleUpgrade(req, socket, head, (ws) => {
    connection.attach(ws);
    ws.on('close', (code) => over(code !== 1006));
  });
}
