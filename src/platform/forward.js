// Requests one server process hands to another (the worker's home, see placement.js): over HTTP
// on 127.0.0.1, with the client's address in a header that the receiving side trusts
// only with the server's own secret, so no outside client can claim another address.
import http from 'node:http';
import net from 'node:net';
import { pipeline } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { clientAddress } from '../server/cf.js';

const FORWARDED_FOR = 'x-outpost-forwarded-for';
const FORWARD_SECRET = 'x-outpost-forward-secret';

const agent = new http.Agent({ keepAlive: true });

// fallback(req, res): serves a GET or HEAD without a body that could not be handed over (safe to
// serve elsewhere: nothing else about it has happened).
export function forwarder({ port, secret, fallback }) {
  const extraHeaders = (req) => [FORWARDED_FOR, clientAddress(req.socket), FORWARD_SECRET, secret];
  return {
    port,
    request(req, res) {
      const retriable = (req.method === 'GET' || req.method === 'HEAD') && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
      const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: [...req.rawHeaders, ...extraHeaders(req)], agent }, (answer) => {
        res.writeHead(answer.statusCode, answer.statusMessage, answer.rawHeaders);
        pipeline(answer, res, () => {});
      });
      upstream.on('error', (err) => {
        // The other process is gone (it died, or is restarting): nothing was answered yet.
        if (retriable && !res.headersSent && ['ECONNREFUSED', 'ECONNRESET'].includes(err.code) && !res.destroyed) fallback(req, res);
        else if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('The server process hosting this worker is not reachable.\n');
        else res.destroy();
      });
      res.on('close', () => upstream.destroy());
      pipeline(req, upstream, () => {});
    },
    // An upgrade (WebSocket) request: the raw connection is relayed both ways.
    upgrade(req, socket, head) {
      const upstream = net.connect(port, '127.0.0.1');
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      const raw = [...req.rawHeaders, ...extraHeaders(req)];
      for (let i = 0; i < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      const close = () => {
        socket.destroy();
        upstream.destroy();
      };
      upstream.on('error', close);
      socket.on('error', close);
      socket.pipe(upstream).pipe(socket);
    },
  };
}

// On the receiving side, before the request is served: takes the forwarded client address when
// the secret is right, and drops both headers so the worker never sees them.
export function acceptForwarded(req, secret) {
  // Node builds req.headers lazily from the raw list's original length: build it before that
  // list shrinks.
  const headers = req.headers;
  const raw = req.rawHeaders;
  let address = null;
  let trusted = null;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    const name = raw[i].toLowerCase();
    if (name !== FORWARDED_FOR && name !== FORWARD_SECRET) continue;
    // The forwarding process appends its pair last: any earlier one is the client's own.
    if (name === FORWARDED_FOR) address ??= raw[i + 1];
    else trusted ??= raw[i + 1].length === secret.length && timingSafeEqual(Buffer.from(raw[i + 1]), Buffer.from(secret));
    raw.splice(i, 2);
  }
  delete headers[FORWARDED_FOR];
  delete headers[FORWARD_SECRET];
  if (trusted && address) req.forwardedFor = address;
}
