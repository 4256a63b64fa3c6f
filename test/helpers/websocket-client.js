// A real WebSocket client (the `ws` package) whose messages are queued for a test to take in
// order: `next()` resolves with the next one (text, or an array of bytes), `closed` with the
// close code and reason, `opened` once the handshake completed.
import { once } from 'node:events';
import { WebSocket } from 'ws';

export function connect(url, path = '/', options = {}) {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + path, options);
  const messages = [];
  const waiters = [];
  ws.on('message', (data, isBinary) => {
    const message = isBinary ? [...data] : data.toString();
    if (waiters.length > 0) waiters.shift()(message);
    else messages.push(message);
  });
  ws.on('error', () => {});
  ws.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.next = () => (messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiters.push(resolve)));
  ws.opened = once(ws, 'open');
  ws.opened.catch(() => {}); // awaited only by tests that expect the handshake to succeed
  return ws;
}
