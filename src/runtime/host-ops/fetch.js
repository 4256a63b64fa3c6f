// Outbound fetch() from a worker, performed by Node's fetch. Each call is a subrequest of the
// invocation that made it, counted against its limit.
import { Readable } from 'node:stream';
import { Source } from './streams.js';
import * as objectOps from './durable-objects.js';
import { joinConnection } from './websocket.js';
import { joinHeaders, splitHeaders } from '../web/internal/protocol.js';

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

// `route`: where to send the request instead of the network: ['service', binding] (another
// worker) or ['object', binding, id, name] (a Durable Object).
export function fetchStart(host, method, url, headers, redirect, body, sinkId, route) {
  const invocation = host.current;
  invocation.subrequests += 1;
  if (invocation.subrequests > host.limits.subrequests) throw new Error('Too many subrequests.');
  if (!/^https?:$/.test(new URL(url).protocol)) throw new TypeError(`Fetch API cannot load: ${url}`);
  if (route) return workerFetch(host, route, method, url, headers, body, sinkId);

  const pairs = pairsOf(splitHeaders(headers));
  const controller = new AbortController();
  let requestBody = body;
  if (sinkId) {
    requestBody = Readable.toWeb(host.sinks.get(sinkId).readable);
  }
  const response = fetch(url, {
    method,
    headers: pairs,
    redirect,
    body: requestBody ?? undefined,
    duplex: 'half',
    signal: controller.signal,
  });
  response.catch(() => {});
  return host.addFetch({ response, controller, method });
}

// A request to a worker or a Durable Object of this process, delivered as the HTTP server
// delivers one (with no socket); its answer is given the shape of a fetch() response. A 101 with a
// WebSocket becomes { status, statusText, headers, webSocketId }: a connection of this isolate
// joined to the answering one's.
function workerFetch(host, route, method, url, headers, body, sinkId) {
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
    const resultBody = result.body === null || typeof result.body === 'string' || Buffer.isBuffer(result.body) ? result.body : Readable.toWeb(result.body);
    const nullBody = NULL_BODY_STATUSES.has(result.status) || method === 'HEAD';
    return new Response(nullBody ? null : resultBody, { status: result.status, statusText: result.statusText, headers: pairsOf(result.headers) });
  });
  response.catch(() => {});
  return host.addFetch({ response, controller, method });
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
      const headers = [];
      for (const [name, value] of res.headers) headers.push(name, value);
      if (res.webSocketId) return [res.status, res.statusText, joinHeaders(headers), '', false, 0, res.webSocketId];
      const hasBody = res.body !== null && !NULL_BODY_STATUSES.has(res.status) && pending.method !== 'HEAD';
      const sourceId = hasBody ? host.addSource(new Source(Readable.fromWeb(res.body)), invocation) : 0;
      if (!hasBody) res.body?.cancel().catch(() => {});
      return [res.status, res.statusText, joinHeaders(headers), res.url, res.redirected, sourceId];
    },
    (err) => {
      if (err?.name === 'AbortError' || err?.routed) throw err;
      throw new TypeError(describeFetchFailure(err));
    },
  ));
}

export function fetchAbort(host, fetchId, reason) {
  host.fetches.get(fetchId)?.controller.abort(reason[1]);
}

function describeFetchFailure(err) {
  const cause = err?.cause;
  if (cause?.code === 'ECONNREFUSED') return 'Network connection lost.';
  if (err?.message === 'fetch failed' && cause?.message) return `fetch failed: ${cause.message}`;
  return err?.message ?? 'fetch failed';
}
