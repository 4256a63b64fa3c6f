// FormData (XMLHttpRequest Standard) and its multipart/form-data serialization (HTML Standard)
// and parsing (Fetch Standard), used by Request and Response bodies.
import { Blob, File, blobBytes } from './blob.js';
import { encodeUtf8, decodeUtf8 } from './encoding.js';
import { definePairIterable } from './pair-iterator.js';
import { concatBytes } from './internal/bytes.js';

const toUSV = (value) => String(value).toWellFormed();

// An entry's value: strings stay strings; a Blob becomes a File, named "blob" unless a name is
// given or it already is a File.
function entryValue(value, filename, argCount, method) {
  if (value instanceof Blob) {
    if (value instanceof File && filename === undefined) return value;
    const name = filename !== undefined ? toUSV(filename) : value instanceof File ? value.name : 'blob';
    const options = { type: value.type };
    if (value instanceof File) options.lastModified = value.lastModified;
    return new File([value], name, options);
  }
  if (argCount > 2) throw new TypeError(`Failed to execute '${method}' on 'FormData': parameter 2 is not of type 'Blob'.`);
  return toUSV(value);
}

let entriesOf;

export class FormData {
  #entries = [];

  constructor(form = undefined) {
    if (form !== undefined) throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
  }

  static {
    entriesOf = (fd) => fd.#entries;
  }

  append(name, value, filename = undefined) {
    requireArgs(arguments, 2, 'append');
    this.#entries.push([toUSV(name), entryValue(value, filename, arguments.length, 'append')]);
  }

  delete(name) {
    requireArgs(arguments, 1, 'delete');
    name = toUSV(name);
    this.#entries = this.#entries.filter(([n]) => n !== name);
  }

  get(name) {
    requireArgs(arguments, 1, 'get');
    name = toUSV(name);
    const entry = this.#entries.find(([n]) => n === name);
    return entry ? entry[1] : null;
  }

  getAll(name) {
    requireArgs(arguments, 1, 'getAll');
    name = toUSV(name);
    return this.#entries.filter(([n]) => n === name).map(([, v]) => v);
  }

  has(name) {
    requireArgs(arguments, 1, 'has');
    name = toUSV(name);
    return this.#entries.some(([n]) => n === name);
  }

  set(name, value, filename = undefined) {
    requireArgs(arguments, 2, 'set');
    name = toUSV(name);
    const entry = [name, entryValue(value, filename, arguments.length, 'set')];
    const at = this.#entries.findIndex(([n]) => n === name);
    if (at === -1) this.#entries.push(entry);
    else {
      this.#entries[at] = entry;
      this.#entries = this.#entries.filter(([n], i) => i <= at || n !== name);
    }
  }
}
definePairIterable(FormData, (fd) => entriesOf(fd));
Object.defineProperty(FormData.prototype, Symbol.toStringTag, { value: 'FormData', configurable: true });

function requireArgs(args, count, method) {
  if (args.length < count) {
    throw new TypeError(`Failed to execute '${method}' on 'FormData': ${count} argument${count > 1 ? 's' : ''} required, but only ${args.length} present.`);
  }
}

// --- Serialization ------------------------------------------------------------------------

// A random boundary of 32 hex digits. Not a secret, so Math.random is enough.
export function generateBoundary() {
  let s = '';
  for (let i = 0; i < 4; i++) s += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return s;
}

// Lone CR or LF become CRLF, as the HTML encoding algorithm does for names and string values.
const normalizeNewlines = (s) => s.replace(/\r\n|\r|\n/g, '\r\n');
// Names and filenames inside the quoted Content-Disposition parameters.
const escapeQuoted = (s) => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');

export function serializeMultipart(formData, boundary) {
  const chunks = [];
  for (const [name, value] of entriesOf(formData)) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(normalizeNewlines(name))}"`;
    if (typeof value === 'string') {
      chunks.push(encodeUtf8(`${head}\r\n\r\n${normalizeNewlines(value)}\r\n`));
    } else {
      head += `; filename="${escapeQuoted(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
      chunks.push(encodeUtf8(head), blobBytes(value), CRLF);
    }
  }
  chunks.push(encodeUtf8(`--${boundary}--\r\n`));
  return concatBytes(chunks);
}

const CRLF = new Uint8Array([13, 10]);

// --- Parsing ------------------------------------------------------------------------------

function indexOfBytes(haystack, needle, from) {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function parseError() {
  return new TypeError('Failed to parse body as FormData.');
}

// Parameters of a header value such as `form-data; name="a"; filename*=UTF-8''b`, keys lowercased.
function parseParameters(value) {
  const params = new Map();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  let m;
  while ((m = re.exec(value)) !== null) {
    const key = m[1].toLowerCase();
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3].trim();
    if (!params.has(key)) params.set(key, raw);
  }
  return params;
}

const unescapeQuoted = (s) => s.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%22/g, '"');

// RFC 8187 extended value: charset'language'percent-encoded.
function decodeExtValue(value) {
  const m = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!m) return null;
  try {
    if (/^utf-8$/i.test(m[1])) return decodeURIComponent(m[2]);
    if (/^iso-8859-1$/i.test(m[1])) return unescape(m[2]);
  } catch {
    return null;
  }
  return null;
}

// The boundary parameter of a multipart/form-data Content-Type, or null.
export function multipartBoundary(contentType) {
  const semi = contentType.indexOf(';');
  const essence = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (essence !== 'multipart/form-data') return null;
  return parseParameters(contentType.slice(semi === -1 ? contentType.length : semi)).get('boundary') ?? null;
}

export function parseMultipart(bytes, boundary) {
  const form = new FormData();
  const delimiter = encodeUtf8(`--${boundary}`);
  const separator = encodeUtf8(`\r\n--${boundary}`);
  let pos = indexOfBytes(bytes, delimiter, 0);
  if (pos === -1 || (pos !== 0 && (bytes[pos - 2] !== 13 || bytes[pos - 1] !== 10))) throw parseError();
  pos += delimiter.length;
  for (;;) {
    if (bytes[pos] === 0x2d && bytes[pos + 1] === 0x2d) return form;
    // Transport padding after a delimiter, then CRLF.
    while (bytes[pos] === 0x20 || bytes[pos] === 0x09) pos++;
    if (bytes[pos] !== 13 || bytes[pos + 1] !== 10) throw parseError();
    pos += 2;
    const headerEnd = indexOfBytes(bytes, encodeUtf8('\r\n\r\n'), pos);
    const emptyHeaders = bytes[pos] === 13 && bytes[pos + 1] === 10;
    if (headerEnd === -1 && !emptyHeaders) throw parseError();
    const headerText = emptyHeaders ? '' : decodeUtf8(bytes.subarray(pos, headerEnd), { stripBOM: false });
    pos = emptyHeaders ? pos + 2 : headerEnd + 4;
    const end = indexOfBytes(bytes, separator, pos);
    if (end === -1) throw parseError();
    addPart(form, headerText, bytes.subarray(pos, end));
    pos = end + separator.length;
  }
}

function addPart(form, headerText, body) {
  let disposition = null;
  let contentType = null;
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) throw parseError();
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (disposition === null || !/^form-data\s*(;|$)/i.test(disposition)) throw parseError();
  const params = parseParameters(disposition.slice(disposition.indexOf(';') === -1 ? disposition.length : disposition.indexOf(';')));
  if (!params.has('name')) throw parseError();
  const name = unescapeQuoted(params.get('name'));
  let filename = params.has('filename*') ? decodeExtValue(params.get('filename*')) : null;
  if (filename === null && params.has('filename')) filename = unescapeQuoted(params.get('filename'));
  if (filename === null) {
    form.append(name, decodeUtf8(body, { stripBOM: false }));
  } else {
    form.append(name, new File([body], filename, { type: contentType ?? 'text/plain' }));
  }
}
