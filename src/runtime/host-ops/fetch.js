// Outbound fetch() from a worker, sent as Workers sends it (see subrequest.js). Each call is a
// subrequest of the invocation that made it, counted against its limit.
import { Readable, pipeline } from 'node:stream';
import { Source } from './streams.js';
import * as objectOps from './durable-objects.js';
import { NULL_BODY_STATUSES, contentCoding, decoder, encoder, sendSubrequest, withoutHeader } from './subrequest.js';
import { joinConnection } from './websocket.js';
import { joinHeaders, splitHeaders } from '../web/internal/protocol.js';

// `route`: where to send the request instead of the network: ['service', binding] (another
// worker) or ['object', binding, id, name] (a Durable Object). `encodeResponseBody`: the request's,
// 'manual' to have a gzip or br body as it was sent rather than decoded.
export function fetchStart(host, method, url, headers, redirect, body, sinkId, route, encodeResponseBody) {
  const invocation = host.current;
  invocation.subrequests += 1;
  if (invocation.subrequests > host.limits.subrequests) throw new Error('Too many subrequests.');
  if (!/^https?:$/.test(new URL(url).protocol)) throw new TypeError(`Fetch API cannot load: ${url}`);
  if (route) return workerFetch(host, route, method, url, headers, body, sinkId, encodeResponseBody);

  const controller = new AbortController();
  const response = sendSubrequest({
    method,
    url,
    headers: pairsOf(splitHeaders(headers)),
    body: sinkId ? host.sinks.get(sinkId).readable : body,
    redirect,
    signal: controller.signal,
    encodeResponseBody,
  });
  response.catch(() => {});
  return host.addFetch({ response, controller });
}

// A request to a worker or a Durable Object of this process, delivered as the HTTP server
// delivers one (with no socket); its answer is given the shape of a subrequest's response
// (sendSubrequest's). A 101 with a WebSocket becomes { status, statusText, headers, webSocketId }:
// a connection of this isolate joined to the answering one's.
function workerFetch(host, route, method, url, headers, body, sinkId, encodeResponseBody) {
  const invocation = host.current;
  const controller = new AbortController();
  const requestBody = sinkId ? host.sinks.get(sinkId).readable : body === null ? null : Readable.from([typeof body === 'string' ? body : Buffer.from(body)]);
  const request = { method, url, headers: splitHeaders(headers), cf: {}, body: requestBody };
  const deliver = () => {
    if (route[0] === 'service') return host.service(route[1]).fetch(request);
    const [, binding, id, name] = route;
    objectOps.ops.doId(host, binding, 'string', id);
    const { worker, className } = host.objectTarget(binding);
    return worker.objectFetch(className, id, name, request);
  };
  // Delivered after the current turn: the target may be this very isolate, which a delivery must
  // never enter from inside one of its own turns.
  const response = Promise.resolve().then(deliver).catch((err) => {
    throw calleeError(err);
  }).then((result) => {
    if (result.webSocket) {
      const { status, statusText, headers: resultHeaders, webSocket } = result;
      return { status, statusText, headers: pairsOf(resultHeaders), webSocketId: joinConnection(host, invocation, webSocket) };
    }
    const nullBody = result.body === null || NULL_BODY_STATUSES.has(result.status) || method === 'HEAD';
    const { headers: answerHeaders, body: answerBody } = nullBody ? { headers: result.headers, body: null } : bodyForCaller(result, encodeResponseBody);
    return { status: result.status, statusText: result.statusText ?? '', headers: pairsOf(answerHeaders), url: '', redirected: false, body: answerBody };
  });
  response.catch(() => {});
  return host.addFetch({ response, controller });
}

// A worker's answer to another worker travels as over HTTP: encoded as its Content-Encoding says
// unless the answering worker's Response already holds it encoded (encodeBody "manual"), and
// decoded unless the caller asked for it as sent (encodeResponseBody "manual"). So the body changes
// only when those two differ; an encoded one loses its Content-Length, which was the plain body's.
function bodyForCaller({ headers, body, encodeBody }, encodeResponseBody) {
  const stream = body instanceof Readable ? body : Readable.from([body]);
  const coding = (encodeBody === 'manual') !== (encodeResponseBody === 'manual') ? contentCoding(headers) : undefined;
  if (coding === undefined) return { headers, body: stream };
  if (encodeResponseBody === 'manual') return { headers: withoutHeader(headers, 'content-length'), body: pipeline(stream, encoder(coding), () => {}) };
  return { headers, body: pipeline(stream, decoder(coding), () => {}) };
}

const ERROR_CLASSES = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

// An exception of the worker or object a request was routed to reaches the caller as the same
// kind of error (as Workers propagates it); a limit it hit stays a WorkerError's message.
function calleeError(err) {
  const match = err?.kind === 'exception' && /^(\w+): ([\s\S]*)$/.exec(err.message);
  const error = match && ERROR_CLASSES[match[1]] ? new ERROR_CLASSES[match[1]](match[2]) : new Error(err?.message ?? String(err));
  error.routed = true;
  return error;
}

const pairsOf = (list) => {
  const pairs = [];
  for (let i = 0; i < list.length; i += 2) pairs.push([list[i], list[i + 1]]);
  return pairs;
};

// Completes with [status, statusText, headers, url, redirected, body source id], and for a 101
// with a WebSocket (from a worker or Durable Object of this process) its connection id after them.
export function fetchResult(host, callId, fetchId) {
  const pending = host.fetches.get(fetchId);
  const invocation = host.current;
  // The entry stays until the response arrives, so that an abort can still reach it.
  const settled = () => host.fetches.delete(fetchId);
  pending.response.then(settled, settled);
  host.completeWith(callId, pending.response.then(
    (res) => {
      const headers = res.headers.flat();
      if (res.webSocketId) return [res.status, res.statusText, joinHeaders(headers), '', false, 0, res.webSocketId];
      const sourceId = res.body ? host.addSource(new Source(res.body), invocation) : 0;
      return [res.status, res.statusText, joinHeaders(headers), res.url, res.redirected, sourceId];
    },
    (err) => {
      // A TypeError already says what failed (a redirect that cannot be followed, for one).
      if (err?.name === 'AbortError' || err?.routed || err instanceof TypeError) throw err;
      throw new TypeError(describeFetchFailure(err));
    },
  ));
}

export function fetchAbort(host, fetchId, reason) {
  host.fetches.get(fetchId)?.controller.abort(reason[1]);
}

function describeFetchFailure(err) {
  if (err?.code === 'ECONNREFUSED') return 'Network connection lost.';
  // A failure on each address of a host is an AggregateError with only a code.
  const reason = err?.message || err?.code;
  return reason ? `fetch failed: ${reason}` : 'fetch failed';
}
