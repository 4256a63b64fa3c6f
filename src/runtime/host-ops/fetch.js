// Outbound fetch() from a worker, performed by Node's fetch. Each call is a subrequest of the
// invocation that made it, counted against its limit.
import { Readable } from 'node:stream';
import { Source } from './streams.js';
import { joinHeaders, splitHeaders } from '../web/internal/protocol.js';

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function fetchStart(host, method, url, headers, redirect, body, sinkId) {
  const invocation = host.current;
  invocation.subrequests += 1;
  if (invocation.subrequests > host.limits.subrequests) throw new Error('Too many subrequests.');
  if (!/^https?:$/.test(new URL(url).protocol)) throw new TypeError(`Fetch API cannot load: ${url}`);

  const list = splitHeaders(headers);
  const pairs = [];
  for (let i = 0; i < list.length; i += 2) pairs.push([list[i], list[i + 1]]);
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
      const hasBody = res.body !== null && !NULL_BODY_STATUSES.has(res.status) && pending.method !== 'HEAD';
      const sourceId = hasBody ? host.addSource(new Source(Readable.fromWeb(res.body)), invocation) : 0;
      if (!hasBody) res.body?.cancel().catch(() => {});
      return [res.status, res.statusText, joinHeaders(headers), res.url, res.redirected, sourceId];
    },
    (err) => {
      if (err?.name === 'AbortError') throw err;
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
