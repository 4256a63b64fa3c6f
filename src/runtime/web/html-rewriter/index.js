// HTMLRewriter, Workers' streaming HTML rewriter (which is lol-html underneath, whose behaviour
// this follows). transform() returns a Response whose body is rewritten as the original body
// streams in: each chunk is tokenized, handlers run on what it completed (async ones awaited, in
// order) and the output goes out before the next chunk is read. Only a markup construct cut by a
// chunk boundary is held back. Loaded on first use of the HTMLRewriter global (see ../index.js).
import { streams } from '../streams.js';
import { Response } from '../response.js';
import { TextDecoder, encodeUtf8 } from '../encoding.js';
import { Tokenizer } from './tokenizer.js';
import { parseSelector } from './selector.js';
import { Element, EndTag, Text, Comment, Doctype, DocumentEnd, mutations, serialize, retire } from './content.js';

function readHandlers(handlers, names, type, method) {
  if (handlers === null || (typeof handlers !== 'object' && typeof handlers !== 'function')) {
    throw new TypeError(`Failed to execute '${method}' on 'HTMLRewriter': parameter ${method === 'on' ? 2 : 1} is not of type '${type}'.`);
  }
  // Read once, as Workers converts the handlers object; they are called with it as `this`.
  const registration = { thisArg: handlers };
  for (const name of names) {
    const handler = handlers[name];
    if (handler !== undefined && typeof handler !== 'function') {
      throw new TypeError(`Incorrect type for the '${name}' field on '${type}': the provided value is not of type 'function'.`);
    }
    registration[name] = handler ?? null;
  }
  return registration;
}

export class HTMLRewriter {
  #registrations = [];

  on(selector, handlers) {
    const match = parseSelector(String(selector));
    const registration = readHandlers(handlers, ['element', 'comments', 'text'], 'ElementContentHandlers', 'on');
    this.#registrations.push({ ...registration, match, doctype: null, end: null, order: this.#registrations.length });
    return this;
  }

  onDocument(handlers) {
    const registration = readHandlers(handlers, ['doctype', 'comments', 'text', 'end'], 'DocumentContentHandlers', 'onDocument');
    this.#registrations.push({ ...registration, match: null, element: null, order: this.#registrations.length });
    return this;
  }

  transform(response) {
    if (!(response instanceof Response)) {
      throw new TypeError("Failed to execute 'transform' on 'HTMLRewriter': parameter 1 is not of type 'Response'.");
    }
    const input = response.body;
    if (input === null) return response;
    if (response.bodyUsed) throw new TypeError('Body has already been used. It can only be used once. Use tee() first if you need to read it twice.');
    const codec = codecFor(response.headers);
    const reader = input.getReader();
    let controller;
    let finished = false;
    const emit = () => {
      const text = rewriter.take();
      if (text === '' || finished) return false;
      controller.enqueue(codec.encode(text));
      return true;
    };
    const rewriter = new Rewriter(this.#registrations, emit);

    const body = new (streams().ReadableStream)(
      {
        type: 'bytes',
        start(c) {
          controller = c;
        },
        async pull() {
          try {
            // Reads until this pull produced output, so every pull answers its reader.
            for (;;) {
              const { done, value } = await reader.read();
              if (finished) return;
              if (done) {
                await rewriter.write(codec.decode());
                await rewriter.end();
                if (finished) return;
                emit();
                finished = true;
                controller.close();
                controller.byobRequest?.respond(0);
                return;
              }
              if (!(value instanceof Uint8Array)) throw new TypeError('This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.');
              await rewriter.write(codec.decode(value));
              if (emit()) return;
            }
          } catch (error) {
            if (finished) return;
            finished = true;
            controller.error(error);
            reader.cancel(error).catch(() => {});
          }
        },
        cancel(reason) {
          finished = true;
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    const rewritten = new Response(body, response);
    // The rewritten body has a length of its own, not known in advance.
    rewritten.headers.delete('content-length');
    return rewritten;
  }
}

Object.defineProperty(HTMLRewriter.prototype, Symbol.toStringTag, { value: 'HTMLRewriter', configurable: true });

const NOT_ASCII_COMPATIBLE = new Set(['utf-16le', 'utf-16be', 'iso-2022-jp']);

// How the document's bytes become text and back: UTF-8 unless the Content-Type names another
// charset, as in Workers. Other (ASCII-compatible) encodings are carried byte for byte, one
// character per byte, so what is not rewritten comes out exactly as it came in; handlers see
// their non-ASCII bytes as Latin-1, and inserted characters above U+00FF become references.
function codecFor(headers) {
  const charset = /;\s*charset\s*=\s*["']?([^"';\s]+)/i.exec(headers.get('content-type') ?? '')?.[1];
  let encoding = 'utf-8';
  if (charset !== undefined) {
    try {
      encoding = new TextDecoder(charset).encoding;
    } catch {
      throw new TypeError('Parser error: Unknown character encoding has been provided.');
    }
  }
  if (encoding === 'utf-8') {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    return { decode: (bytes) => decoder.decode(bytes, { stream: bytes !== undefined }), encode: encodeUtf8 };
  }
  if (NOT_ASCII_COMPATIBLE.has(encoding)) throw new TypeError('Parser error: Expected ASCII-compatible encoding.');
  return {
    decode(bytes) {
      let text = '';
      for (let i = 0; i < (bytes?.length ?? 0); i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
      return text;
    },
    encode(text) {
      const escaped = text.replace(/[^\0-\xff]/gu, (c) => `&#${c.codePointAt(0)};`);
      const bytes = new Uint8Array(escaped.length);
      for (let i = 0; i < escaped.length; i++) bytes[i] = escaped.charCodeAt(i);
      return bytes;
    },
  };
}

const hidden = (el) => el.inRemoved === true || el.removeContent === true;

function startTagSource(s, token) {
  let out = `<${s.outName ?? token.rawName}`;
  for (const attr of s.attrs) out += ` ${attr.raw ?? `${attr.name}="${attr.value.replaceAll('"', '&quot;')}"`}`;
  // The space keeps the slash out of an unquoted value before it.
  if (s.selfClosing) out += s.attrs.length > 0 ? ' /' : '/';
  return `${out}>`;
}

// One document being rewritten. Output accumulates until take(); `flush` is called before waiting
// on an async handler, so everything before the element it handles reaches the client first.
class Rewriter {
  #tokenizer = new Tokenizer();
  #registrations;
  #selectors;
  #byKind;
  #out = [];
  #flush;

  constructor(registrations, flush) {
    this.#registrations = registrations;
    this.#selectors = registrations.filter((r) => r.match !== null);
    this.#byKind = {};
    for (const kind of ['text', 'comments', 'doctype', 'end']) {
      this.#byKind[kind] = registrations.filter((r) => r.match === null && r[kind] !== null);
    }
    this.#flush = flush;
    // Element content handlers in force: those of the selectors matched by open elements.
    this.#tokenizer.document.active = [];
  }

  take() {
    const text = this.#out.join('');
    this.#out = [];
    return text;
  }

  write(text) {
    return this.#process(this.#tokenizer.write(text));
  }

  async end() {
    await this.#process(this.#tokenizer.end());
    const s = { mut: mutations() };
    for (const r of this.#byKind.end) await this.#call(r.end, r.thisArg, new DocumentEnd(s));
    this.#out.push(s.mut.after.join(''));
  }

  async #process(tokens) {
    for (const token of tokens) {
      const pending = this.#token(token);
      if (pending !== undefined) await pending;
    }
  }

  // Handles a token; returns a promise only if handlers run.
  #token(token) {
    switch (token.type) {
      case 'startTag':
        return this.#startTag(token);
      case 'endTag':
        return this.#endTag(token);
      case 'text':
        return this.#content(token, 'text');
      case 'comment':
        return this.#content(token, 'comments');
      case 'doctype':
        if (this.#byKind.doctype.length > 0) return this.#doctype(token);
        break;
    }
    if (!hidden(token.parent)) this.#out.push(token.raw);
    return undefined;
  }

  async #call(handler, thisArg, unit) {
    try {
      const result = handler.call(thisArg, unit);
      if (typeof result?.then === 'function') {
        this.#flush();
        await result;
      }
    } finally {
      retire(unit);
    }
  }

  #startTag(token) {
    const { el } = token;
    const parent = el.parent;
    el.inRemoved = hidden(parent);
    el.active = parent.active;
    let elementHandlers = null;
    for (const r of this.#selectors) {
      if (!r.match(el)) continue;
      if (r.element !== null) (elementHandlers ??= []).push(r);
      if ((r.text !== null || r.comments !== null) && !el.active.includes(r)) {
        el.active = [...el.active, r].sort((a, b) => a.order - b.order);
      }
    }
    if (elementHandlers === null) {
      if (!el.inRemoved) this.#out.push(token.raw);
      return undefined;
    }
    return this.#element(token, elementHandlers);
  }

  async #element(token, handlers) {
    const { el } = token;
    const s = {
      el, name: el.name, outName: null, attrs: el.attrs.slice(), modified: false,
      selfClosing: token.selfClosing, canHaveContent: token.canHaveContent, mut: mutations(),
    };
    for (const r of handlers) await this.#call(r.element, r.thisArg, new Element(s));
    if (!el.inRemoved) this.#out.push(serialize(s.mut, s.modified ? startTagSource(s, token) : token.raw));
  }

  #endTag(token) {
    const { el } = token;
    // An end tag that closes nothing, or an element nobody touched.
    if (el === null || el.end === undefined) {
      if (!(el === null ? hidden(token.parent) : el.inRemoved)) this.#out.push(token.raw);
      return undefined;
    }
    const s = { name: token.name, outName: el.end.name, mut: el.end.mut };
    if (s.outName !== null) s.name = s.outName.toLowerCase();
    if (el.end.handler === null) {
      this.#writeEndTag(token, s);
      return undefined;
    }
    return this.#call(el.end.handler, undefined, new EndTag(s)).then(() => this.#writeEndTag(token, s));
  }

  #writeEndTag(token, s) {
    if (!token.el.inRemoved) this.#out.push(serialize(s.mut, s.outName === null ? token.raw : `</${s.outName}>`));
  }

  // Text chunks and comments, for the document's handlers and those of enclosing matches.
  #content(token, kind) {
    const { parent } = token;
    const handlers = parent.active.length === 0
      ? this.#byKind[kind]
      : this.#registrations.filter((r) => r[kind] !== null && (r.match === null || parent.active.includes(r)));
    if (handlers.length === 0) {
      if (!hidden(parent)) this.#out.push(kind === 'text' ? token.text : token.raw);
      return undefined;
    }
    return kind === 'text' ? this.#text(token, handlers) : this.#comment(token, handlers);
  }

  async #text(token, handlers) {
    const s = { text: token.text, last: token.last, mut: mutations() };
    for (const r of handlers) await this.#call(r.text, r.thisArg, new Text(s));
    if (!hidden(token.parent)) this.#out.push(serialize(s.mut, s.text));
  }

  async #comment(token, handlers) {
    const s = { text: token.text, modified: false, mut: mutations() };
    for (const r of handlers) await this.#call(r.comments, r.thisArg, new Comment(s));
    if (!hidden(token.parent)) this.#out.push(serialize(s.mut, s.modified ? `<!--${s.text}-->` : token.raw));
  }

  async #doctype(token) {
    for (const r of this.#byKind.doctype) await this.#call(r.doctype, r.thisArg, new Doctype(token));
    if (!hidden(token.parent)) this.#out.push(token.raw);
  }
}
