// Response (Fetch Standard), shaped like Workers' Response: statuses 200-599 (101 with a
// WebSocket), a default statusText from the status code, and the `cf`, `webSocket` and
// `encodeBody` init members.
import { Body, extractBody, initBody, cloneBody } from './body.js';
import { Headers, cloneHeaders, setHeadersGuard } from './headers.js';
import { URL } from './url.js';

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// HTTP reason phrases (RFC 9110 and the RFCs registering the others).
const REASONS = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content',
  205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status', 208: 'Already Reported', 226: 'IM Used',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Payload Too Large',
  414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 417: 'Expectation Failed',
  418: "I'm a teapot", 421: 'Misdirected Request', 422: 'Unprocessable Entity', 423: 'Locked',
  424: 'Failed Dependency', 426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout', 505: 'HTTP Version Not Supported', 506: 'Variant Also Negotiates',
  507: 'Insufficient Storage', 508: 'Loop Detected', 510: 'Not Extended', 511: 'Network Authentication Required',
};
const CLASS_REASONS = { 2: 'Successful', 3: 'Redirection', 4: 'Client Error', 5: 'Server Error' };

function defaultStatusText(status) {
  return REASONS[status] ?? CLASS_REASONS[Math.floor(status / 100)] ?? '';
}

// RFC 9110 reason-phrase: tab, space, visible ASCII and obs-text.
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

// The value of Response's `encodeBody` or Request's `encodeResponseBody` init member `member`.
export function parseBodyEncoding(member, value) {
  const encoding = String(value);
  if (encoding !== 'automatic' && encoding !== 'manual') throw new TypeError(`${member}: unexpected value: ${encoding}`);
  return encoding;
}

// Set from inside the class: the only writer of a fetched response's url and redirected flag, and
// the reader of encodeBody, which Workers keeps off the JavaScript surface.
let recordFetch;
let readEncodeBody;

export class Response extends Body {
  #status = 200;
  #statusText = null;
  #headers;
  #type = 'default';
  #url = '';
  #redirected = false;
  #cf = undefined;
  #webSocket = null;
  #encodeBody = 'automatic';

  constructor(body = null, init = undefined) {
    if (init !== undefined && init !== null && typeof init !== 'object') {
      throw new TypeError("Failed to construct 'Response': The provided value is not of type 'ResponseInit'.");
    }
    super();
    init ??= {};
    // Each member is read once, as a WebIDL dictionary conversion does.
    const { cf, encodeBody, headers, status, statusText, webSocket } = init;
    if (status !== undefined) this.#status = Math.trunc(Number(status)) || 0;
    if (webSocket !== undefined && webSocket !== null) this.#webSocket = webSocket;
    if (this.#webSocket === null) {
      if (this.#status < 200 || this.#status > 599) {
        throw new RangeError('Responses may only be constructed with status codes in the range 200 to 599, inclusive.');
      }
    } else if (this.#status !== 101) {
      throw new RangeError('Responses with a WebSocket must have status code 101.');
    }
    if (statusText !== undefined) {
      const text = String(statusText);
      if (!REASON_PHRASE.test(text)) throw new TypeError('Invalid statusText');
      this.#statusText = text;
    }
    if (init instanceof Response) this.#encodeBody = init.#encodeBody;
    if (encodeBody !== undefined) this.#encodeBody = parseBodyEncoding('encodeBody', encodeBody);
    if (cf !== undefined) this.#cf = cf;
    this.#headers = new Headers(headers);
    setHeadersGuard(this.#headers, 'response');

    let extracted = null;
    if (body !== null && body !== undefined) {
      extracted = extractBody(body);
      if (NULL_BODY_STATUSES.has(this.#status)) {
        // Workers lets an empty buffered body through as no body at all.
        const source = extracted.source;
        const empty = (typeof source === 'string' || source instanceof Uint8Array) && source.length === 0;
        if (!empty) throw new TypeError('Response with null body status (101, 204, 205, or 304) cannot have a body.');
        extracted = null;
      }
    }
    initBody(this, extracted, this.#headers);
  }

  static {
    recordFetch = (response, url, redirected) => {
      response.#url = url;
      response.#redirected = redirected;
    };
    readEncodeBody = (response) => response.#encodeBody;
  }

  static error() {
    const response = new Response();
    response.#status = 0;
    response.#type = 'error';
    response.#statusText = '';
    setHeadersGuard(response.#headers, 'immutable');
    return response;
  }

  static redirect(url, status = 302) {
    const code = Math.trunc(Number(status)) || 0;
    if (!REDIRECT_STATUSES.has(code)) {
      throw new RangeError(`${status} is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308.`);
    }
    const parsed = URL.parse(String(url));
    if (parsed === null) throw new TypeError(`Unable to parse URL: ${url}`);
    const response = new Response(null, { status: 200, headers: { location: parsed.href } });
    response.#status = code;
    setHeadersGuard(response.#headers, 'immutable');
    return response;
  }

  static json(data, init = undefined) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('The value cannot be converted to JSON.');
    const response = new Response(null, init);
    if (NULL_BODY_STATUSES.has(response.#status)) {
      throw new TypeError('Response with null body status (101, 204, 205, or 304) cannot have a body.');
    }
    if (!response.#headers.has('content-type')) response.#headers.append('content-type', 'application/json');
    initBody(response, { source: text, type: null }, response.#headers);
    return response;
  }

  get type() {
    return this.#type;
  }
  get url() {
    return this.#url;
  }
  get redirected() {
    return this.#redirected;
  }
  get status() {
    return this.#status;
  }
  get ok() {
    return this.#status >= 200 && this.#status <= 299;
  }
  get statusText() {
    return this.#statusText ?? defaultStatusText(this.#status);
  }
  get headers() {
    return this.#headers;
  }
  get webSocket() {
    return this.#webSocket;
  }
  get cf() {
    return this.#cf;
  }

  clone() {
    if (this.#webSocket !== null) throw new TypeError('Cannot clone a response to a WebSocket handshake.');
    const body = cloneBody(this);
    const copy = new Response(null);
    copy.#status = this.#status;
    copy.#statusText = this.#statusText;
    copy.#type = this.#type;
    // Read through the accessors: the runtime marks fetched responses with own url/redirected.
    copy.#url = this.url;
    copy.#redirected = this.redirected;
    copy.#cf = this.#cf;
    copy.#encodeBody = this.#encodeBody;
    copy.#headers = cloneHeaders(this.#headers);
    initBody(copy, body, copy.#headers);
    return copy;
  }
}
Object.defineProperty(Response.prototype, Symbol.toStringTag, { value: 'Response', configurable: true });

// Marks a response as the result of fetch(): its final URL and whether redirects were followed.
export function setFetchedFrom(response, url, redirected) {
  recordFetch(response, url, redirected);
}

// 'automatic' (the runtime applies the body's Content-Encoding when sending it) or 'manual' (the
// body is already encoded).
export function encodeBodyOf(response) {
  return readEncodeBody(response);
}
