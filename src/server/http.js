// HTTP ingress: turns Node's requests into worker fetch events and streams the responses back.
import http from 'node:http';
import { pipeline, Readable, Transform } from 'node:stream';
import { cfBuilder, edgeHeaders, isEdgeHeader } from './cf.js';
import { errorResponse } from './error-page.js';
import { acceptWebSocket, responseOnSocket } from './websocket.js';
import { contentCoding, encoder, withoutHeader } from '../runtime/host-ops/subrequest.js';

const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

function hasBody(req) {
  if (BODYLESS_METHODS.has(req.method)) return false;
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

// Recently seen request URLs and their serialization: the same URL arriving again is the common
// case, and parsing is a good part of what a hello-world request costs the host.
const URL_CACHE_SIZE = 512;
const serializedUrls = new Map();

// The request's URL, serialized as the worker will see it, or null when the Host header or the
// request target cannot make a valid URL.
// A Host header is a host name or address and an optional port: anything else could reshape the
// URL (a path, a fragment, credentials) the worker routes on.
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function requestUrl(req) {
  const host = req.headers.host ?? 'localhost';
  if (!HOST_HEADER.test(host) || !req.url.startsWith('/')) return null;
  const raw = `${req.socket.encrypted ? 'https' : 'http'}://${host}${req.url}`;
  let href = serializedUrls.get(raw);
  if (href !== undefined) return href;
  try {
    href = new URL(raw).href;
  } catch {
    href = null;
  }
  if (serializedUrls.size >= URL_CACHE_SIZE) serializedUrls.delete(serializedUrls.keys().next().value);
  serializedUrls.set(raw, href);
  return href;
}

function requestHeaders(req, cf) {
  const headers = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (!isEdgeHeader(raw[i])) headers.push(raw[i], raw[i + 1]);
  }
  headers.push(...edgeHeaders(req, cf));
  return headers;
}

// options:
//   worker(req, res) -> the Worker serving this request, or null (404)
//   dev              -> show stacks on error pages
//   cf               -> overrides of request.cf's defaults
//   onRequest(entry, req) -> optional; { method, path, status, wallMs, cpuMs, aborted, invocation,
//                       error } once each response ended
//   divert(req)      -> optional; a handler { request(req, res), upgrade(req, socket, head) } that
//                       takes the request instead (a server forwarding it elsewhere), or null
//   maxBodyBytes     -> optional; a larger request body gets a 413 (or, streamed without a
//                       length, is cut off there)
export function createHttpServer({ worker: pickWorker, dev = false, cf: cfOverrides = {}, onRequest = null, divert = () => null, maxBodyBytes = Infinity }) {
  const cfFor = cfBuilder(cfOverrides);
  const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, async (req, res) => {
    const diverted = divert(req);
    if (diverted) {
      diverted.request(req, res);
      return;
    }
    const worker = pickWorker(req, res);
    if (!worker) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('No worker is configured for this host.\n');
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
      res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end(`Payload Too Large: request bodies are limited to ${maxBodyBytes} bytes.\n`);
      return;
    }
    const url = requestUrl(req);
    if (url === null) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request: invalid Host header or request target.\n');
      return;
    }
    if (dev && isScheduledTrigger(req.url)) {
      runScheduled(worker, url, res);
      return;
    }
    let result = null;
    let failure = null;
    if (onRequest) {
      const started = performance.now();
      res.on('close', () => {
        const invocation = result?.invocation ?? null;
        onRequest({ method: req.method, path: req.url, url, status: res.statusCode, wallMs: performance.now() - started, cpuMs: invocation?.cpuMs ?? 0, aborted: !res.writableFinished, invocation, error: failure }, req);
      });
    }
    try {
      result = await worker.fetch({
        method: req.method,
        url,
        headers: requestHeaders(req, cfFor.base),
        cf: cfFor(req),
        body: hasBody(req) ? limited(req, maxBodyBytes) : null,
      });
      if (result.webSocket) acceptWebSocket(req, res, result);
      else writeResponse(req, res, result);
    } catch (error) {
      failure = error;
      // A response whose headers Node refused still has a body the worker is writing into.
      result?.body?.destroy?.();
      const page = errorResponse(error, { dev });
      if (res.headersSent) res.destroy();
      else res.writeHead(page.status, page.headers).end(page.body);
    }
  });
  // An upgrade request goes to the worker like any other; its answer is written on the raw socket,
  // and only a 101 with a WebSocket completes the handshake.
  server.on('upgrade', (req, socket, head) => {
    const diverted = divert(req);
    if (diverted) diverted.upgrade(req, socket, head);
    else server.emit('request', req, responseOnSocket(req, socket, head));
  });
  // Malformed HTTP never reaches a worker.
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy(err);
  });
  return server;
}

// A body sent without a length, cut off with an error past `maxBytes` (one with a length was
// checked before it was read).
function limited(req, maxBytes) {
  if (maxBytes === Infinity || req.headers['content-length'] !== undefined) return req;
  let seen = 0;
  const counter = new Transform({
    transform(chunk, _encoding, done) {
      seen += chunk.length;
      done(seen > maxBytes ? new Error(`The request body is larger than ${maxBytes} bytes.`) : null, chunk);
    },
  });
  // An error here also destroys the request: the client's connection is closed.
  return pipeline(req, counter, () => {});
}

// In development, GET /cdn-cgi/handler/scheduled?cron=<expr>&time=<ms> (or wrangler's older
// /__scheduled) runs the scheduled handler on demand.
const isScheduledTrigger = (target) => /^\/(cdn-cgi\/handler\/scheduled|__scheduled)(\?|$)/.test(target);

async function runScheduled(worker, url, res) {
  const params = new URL(url).searchParams;
  const time = params.has('time') ? Number(params.get('time')) : Date.now();
  if (!Number.isFinite(time)) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`time must be milliseconds since the epoch, got ${params.get('time')}\n`);
    return;
  }
  try {
    const { outcome } = await worker.scheduled(params.get('cron') ?? '', time);
    if (outcome?.[0]) res.writeHead(200, { 'content-type': 'text/plain' }).end('Ran scheduled event');
    else res.writeHead(500, { 'content-type': 'text/plain' }).end('The scheduled handler threw an exception; see the log.');
  } catch (error) {
    const page = errorResponse(error, { dev: true });
    res.writeHead(page.status, page.headers).end(page.body);
  }
}

function writeResponse(req, res, { status, statusText, headers, body, encodeBody }) {
  // A body the worker left to the runtime to encode (encodeBody "automatic") with a Content-Encoding
  // Workers applies is compressed, in chunks (the worker's Content-Length was the plain body's), or
  // sent plain, without the header, to a client that does not accept the coding, as Cloudflare's
  // edge does.
  let coding = body !== null && encodeBody !== 'manual' ? contentCoding(headers) : undefined;
  if (coding !== undefined && !acceptsCoding(req.headers['accept-encoding'], coding)) {
    headers = withoutHeader(headers, 'content-encoding');
    coding = undefined;
  }
  if (coding !== undefined) headers = withoutHeader(headers, 'content-length');
  res.writeHead(status, statusText || undefined, headers);
  if (body === null || req.method === 'HEAD') {
    body?.destroy?.();
    res.end();
  } else if (coding !== undefined) {
    pipeline(typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([body]) : body, encoder(coding), res, () => {});
  } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
    res.end(body);
  } else {
    // A client that goes away destroys `res`, which destroys the body and cancels the worker's stream.
    pipeline(body, res, () => {});
  }
}

// Whether a request's Accept-Encoding header lets a response be sent in content coding `coding`:
// named, or matched by "*", with a nonzero weight. A request without the header gets no coding,
// as from Cloudflare's edge.
function acceptsCoding(acceptEncoding, coding) {
  if (acceptEncoding === undefined) return false;
  let wildcard = false;
  for (const element of acceptEncoding.split(',')) {
    const [name, ...params] = element.split(';');
    const weight = params.map((param) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(param)).find(Boolean);
    const accepted = weight === undefined || Number(weight[1]) > 0;
    const token = name.trim().toLowerCase();
    if (token === coding) return accepted;
    if (token === '*') wildcard = accepted;
  }
  return wildcard;
}
