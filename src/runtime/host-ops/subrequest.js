// A worker's subrequest to the network, sent as Workers sends it. The origin receives the worker's
// own headers and only what HTTP needs besides (Host, the body's framing, Connection): no
// User-Agent, Accept or other defaults of a browser's fetch(). Without an Accept-Encoding of the
// worker's, the codings Workers decodes are asked for. Redirects are followed as workerd follows
// them, and gzip and br bodies are decoded while the response keeps its Content-Encoding header
// (unless the request's encodeResponseBody is "manual"). The codings are also applied where a
// response leaves a worker (server/http.js, and fetch.js between workers).
import http from 'node:http';
import https from 'node:https';
import { Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';

export const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// The Fetch Standard's limit, which workerd keeps.
const MAX_REDIRECTS = 20;
// Workers encodes and decodes exactly these Content-Encoding values (brotli_content_encoding,
// always on here); a body with any other (deflate, a list of codings) passes as it is. Encoders
// flush each chunk written, so a streamed body goes out as the worker writes it.
const CODINGS = new Map([
  ['gzip', { encoder: () => zlib.createGzip({ flush: zlib.constants.Z_SYNC_FLUSH }), decoder: () => zlib.createGunzip() }],
  // Compressed while it is sent: a quality for speed, not brotli's slow maximum (its default).
  ['br', {
    encoder: () => zlib.createBrotliCompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
    decoder: () => zlib.createBrotliDecompress(),
  }],
]);
const DEFAULT_ACCEPT_ENCODING = 'br, gzip';

/**
 * `headers`: the worker's [name, value] pairs, lowercased. `body`: a Readable is a one-time body,
 * which a redirect cannot send again. `encodeResponseBody`: 'manual' leaves a gzip or br body as
 * it was sent.
 * @param {{ method: string, url: string, headers: [string, string][], body: null | string | Uint8Array | Readable,
 *   redirect: 'follow' | 'manual', signal: AbortSignal, encodeResponseBody?: 'automatic' | 'manual' }} request
 * @returns {Promise<{ status: number, statusText: string, headers: [string, string][], url: string,
 *   redirected: boolean, body: Readable | null }>}
 */
export async function sendSubrequest({ method, url, headers, body, redirect, signal, encodeResponseBody = 'automatic' }) {
  let hop = { method, url: new URL(url), headers, body };
  for (let redirects = 0; ; redirects++) {
    const response = await exchange(hop, signal);
    const location = response.headers.location;
    if (redirect === 'manual' || !REDIRECT_STATUSES.has(response.statusCode) || location === undefined) {
      return fetchedResponse(response, hop, redirects > 0, encodeResponseBody);
    }
    response.resume();
    hop = redirectedHop(hop, response.statusCode, location, redirects);
  }
}

function exchange(hop, signal) {
  const { method, url, body } = hop;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method, headers: wireHeaders(hop), signal });
    request.on('response', resolve);
    request.on('error', reject);
    if (body instanceof Readable) pipeline(body, request, () => {});
    else if (body === null) request.end();
    else request.end(body);
  });
}

// A flat [name, value, ...] list, which Node sends as it is, adding only Connection.
function wireHeaders({ method, url, headers, body }) {
  const has = (name) => headers.some(([headerName]) => headerName === name);
  const list = has('host') ? [] : ['host', url.host];
  for (const [name, value] of headers) list.push(name, value);
  if (!has('content-length') && !has('transfer-encoding')) list.push(...bodyFraming(method, body));
  if (!has('accept-encoding')) list.push('accept-encoding', DEFAULT_ACCEPT_ENCODING);
  return list;
}

// As workerd's HTTP client frames a body: its length when known (0 for none, but nothing on a GET
// or HEAD), chunks for a stream.
function bodyFraming(method, body) {
  if (body instanceof Readable) return ['transfer-encoding', 'chunked'];
  if (body !== null) return ['content-length', String(Buffer.byteLength(body))];
  return method === 'GET' || method === 'HEAD' ? [] : ['content-length', '0'];
}

// The next request of a followed redirect, as workerd makes it (handleHttpRedirectResponse).
function redirectedHop(hop, status, location, redirects) {
  const url = URL.parse(location, hop.url);
  if (url === null) throw new TypeError('Invalid Location header; unable to follow redirect.');
  if (redirects >= MAX_REDIRECTS) throw new TypeError('Too many redirects.');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`Fetch API cannot load: ${url.href}`);
  if (status !== 303 && hop.body instanceof Readable) {
    throw new TypeError('A request with a one-time-use body (it was initialized from a stream, not a buffer) encountered a redirect requiring the body to be retransmitted. To avoid this error in the future, construct this request from a buffer-like body initializer.');
  }
  // Credentials stay with their origin; the other headers go along unchanged.
  const headers = url.origin === hop.url.origin ? hop.headers : hop.headers.filter(([name]) => name !== 'authorization');
  const becomesGet = ((status === 301 || status === 302) && hop.method === 'POST') || (status === 303 && hop.method !== 'HEAD');
  return becomesGet ? { method: 'GET', url, headers, body: null } : { ...hop, url, headers };
}

function fetchedResponse(response, hop, redirected, encodeResponseBody) {
  const headers = [];
  const raw = response.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.push([raw[i], raw[i + 1]]);
  const hasBody = hop.method !== 'HEAD' && !NULL_BODY_STATUSES.has(response.statusCode);
  if (!hasBody) response.resume();
  const url = new URL(hop.url);
  url.hash = '';
  const coding = hasBody && encodeResponseBody !== 'manual' ? CODINGS.get(response.headers['content-encoding']) : undefined;
  const body = coding ? pipeline(response, coding.decoder(), () => {}) : hasBody ? response : null;
  return { status: response.statusCode, statusText: response.statusMessage, headers, url: url.href, redirected, body };
}

// The coding Workers applies to a body with `headers` (a flat [name, value, ...] list, names in
// lowercase): 'gzip', 'br', or undefined for none.
export function contentCoding(headers) {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === 'content-encoding') return CODINGS.has(headers[i + 1]) ? headers[i + 1] : undefined;
  }
  return undefined;
}

// A zlib stream encoding, or decoding, content coding `coding` (a contentCoding() result).
export const encoder = (coding) => CODINGS.get(coding).encoder();
export const decoder = (coding) => CODINGS.get(coding).decoder();

// A flat header list without header `name` (in lowercase).
export function withoutHeader(headers, name) {
  const kept = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] !== name) kept.push(headers[i], headers[i + 1]);
  }
  return kept;
}
