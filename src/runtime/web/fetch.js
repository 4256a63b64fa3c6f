// Outbound fetch(): the request is handed to the host, which performs it (counting it as a
// subrequest) and streams the response body back.
import { hostAsync, hostCall } from './internal/bridge.js';
import { kBodySource } from './internal/symbols.js';
import { hostReadable, pumpToHost } from './streams.js';
import { Headers } from './headers.js';
import { Request, encodeResponseBodyOf } from './request.js';
import { Response, setFetchedFrom } from './response.js';
import { headersFromText, headersToText } from './internal/header-list.js';

// cache: 'no-store' and 'no-cache' (cache_option_enabled, cache_no_cache_enabled) ask every cache
// on the way to revalidate; the request's own Headers stay as the worker made them.
const REVALIDATING_MODES = new Set(['no-store', 'no-cache']);
function revalidating(requestHeaders) {
  const headers = new Headers(requestHeaders);
  for (const name of ['pragma', 'cache-control']) if (!headers.has(name)) headers.set(name, 'no-cache');
  return headers;
}

export async function fetch(input, init = undefined) {
  return sendRequest(new Request(input, init), null);
}

// Sends `request` to the network (`route` null), to another worker (['service', binding]) or to
// a Durable Object (['object', binding, id, name]).
export async function sendRequest(request, route) {
  const signal = request.signal;
  signal.throwIfAborted();
  // A WebSocket handshake: a 101 answer carries the connection (response.webSocket), not a body.
  if (route === null && request.headers.get('upgrade')?.toLowerCase() === 'websocket') return require('./websocket.js').fetchWebSocket(request);

  const headers = headersToText(REVALIDATING_MODES.has(request.cache) ? revalidating(request.headers) : request.headers);

  let body = null;
  let sinkId = 0;
  // The source first: reading `body` would build a stream for a body that is already bytes.
  const source = request[kBodySource];
  if (source !== undefined) body = source;
  else if (request.body !== null) sinkId = hostCall('sinkCreate');

  const encodeBody = encodeResponseBodyOf(request);
  const callId = hostCall('fetchStart', request.method, request.url, headers, request.redirect, body, sinkId, route, encodeBody);
  const onAbort = () => hostCall('fetchAbort', callId, [signal.reason?.name ?? 'AbortError', String(signal.reason?.message ?? 'The operation was aborted.')]);
  signal.addEventListener('abort', onAbort, { once: true });
  if (sinkId) pumpToHost(request.body, sinkId).catch(() => {});

  try {
    const [status, statusText, responseHeaders, url, redirected, sourceId, webSocketId] = await hostAsync('fetchResult', callId);
    // A worker or Durable Object of this process may answer with a WebSocket.
    const response = webSocketId
      ? require('./websocket.js').webSocketResponse(status, statusText, headersFromText(responseHeaders), webSocketId)
      // As in Workers, a body fetched with encodeResponseBody "manual" is sent on as it came.
      : new Response(sourceId ? hostReadable(sourceId) : null, { status, statusText, headers: headersFromText(responseHeaders), encodeBody });
    setFetchedFrom(response, url, redirected);
    return response;
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
