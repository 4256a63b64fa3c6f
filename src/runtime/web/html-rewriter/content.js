// The objects HTMLRewriter hands to handlers (Element, EndTag, Text, Comment, Doctype,
// DocumentEnd). Each wraps a piece of the rewriter's state and is only usable while its handler
// runs, as in Workers. Insertions follow lol-html: `before` adds after earlier insertions, `after`
// and `prepend` ahead of them, and text content (the default) is HTML-escaped.
import { isReadableStream } from '../streams.js';
import { Response } from '../response.js';

const INVALID = 'This content token is no longer valid. Content tokens are only valid during the execution of the relevant content handler.';
const live = new WeakMap();

function state(token) {
  const s = live.get(token);
  if (s === undefined) throw new TypeError(INVALID);
  return s;
}

// Ends a token's validity once its handler has returned (or its promise settled).
export function retire(token) {
  live.delete(token);
}

// What gets inserted around or instead of a piece of the document.
export function mutations() {
  return { before: [], after: [], replacement: null, removed: false };
}

export function serialize(mut, self) {
  if (mut === null) return self;
  return mut.before.join('') + (mut.removed ? (mut.replacement ?? '') : self) + mut.after.join('');
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

function content(value, options) {
  if (isReadableStream(value) || value instanceof Response) {
    throw new TypeError('Replacing HTML content using a ReadableStream or Response object is not implemented. You must provide a string.');
  }
  const text = String(value);
  return options?.html ? text : text.replace(/[&<>]/g, (c) => ESCAPES[c]);
}

function before(mut, value, options) {
  mut.before.push(content(value, options));
}
function after(mut, value, options) {
  mut.after.unshift(content(value, options));
}
function replace(mut, value, options) {
  mut.replacement = content(value, options);
  mut.removed = true;
}

const lower = (s) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

function checkTagName(name) {
  if (name === '') throw new TypeError("Parser error: Tag name can't be empty.");
  if (!/^[A-Za-z]/.test(name)) throw new TypeError('Parser error: The first character of the tag name should be an ASCII alphabetical character.');
  const bad = /[ \n\r\t\f/>]/.exec(name);
  if (bad) throw new TypeError(`Parser error: \`${bad[0]}\` character is forbidden in the tag name`);
}

function checkAttributeName(name) {
  if (name === '') throw new TypeError("Parser error: Attribute name can't be empty.");
  const bad = /[ \n\r\t\f/>=]/.exec(name);
  if (bad) throw new TypeError(`Parser error: \`${bad[0]}\` character is forbidden in the attribute name`);
}

// The end tag's share of an element's state, created when first needed.
function endOf(s) {
  s.el.end ??= { mut: mutations(), name: null, handler: null };
  return s.el.end;
}

// Drops the element's content: what the document has between its tags and what was prepended or
// appended so far.
function removeContent(s) {
  s.mut.after = [];
  endOf(s).mut.before = [];
  s.el.removeContent = true;
}

export class Element {
  // `s`: the start tag being rewritten (see startTagState in index.js).
  constructor(s) {
    live.set(this, s);
  }

  get tagName() {
    return state(this).name;
  }
  set tagName(value) {
    const s = state(this);
    const name = String(value);
    checkTagName(name);
    s.name = lower(name);
    s.outName = name;
    s.modified = true;
    if (s.canHaveContent) endOf(s).name = name;
  }

  get attributes() {
    return state(this).attrs.map((a) => [a.name, a.value])[Symbol.iterator]();
  }

  get namespaceURI() {
    return state(this).el.ns;
  }

  get removed() {
    return state(this).mut.removed;
  }

  get selfClosing() {
    return state(this).selfClosing;
  }

  get canHaveContent() {
    return state(this).canHaveContent;
  }

  getAttribute(name) {
    const key = lower(String(name));
    return state(this).attrs.find((a) => a.name === key)?.value ?? null;
  }

  hasAttribute(name) {
    const key = lower(String(name));
    return state(this).attrs.some((a) => a.name === key);
  }

  setAttribute(name, value) {
    const s = state(this);
    const key = lower(String(name));
    checkAttributeName(key);
    const attr = { name: key, value: String(value), raw: null };
    const index = s.attrs.findIndex((a) => a.name === key);
    if (index === -1) s.attrs.push(attr);
    else s.attrs[index] = attr;
    s.modified = true;
    return this;
  }

  removeAttribute(name) {
    const s = state(this);
    const key = lower(String(name));
    const index = s.attrs.findIndex((a) => a.name === key);
    if (index !== -1) {
      s.attrs.splice(index, 1);
      s.modified = true;
    }
    return this;
  }

  before(value, options = undefined) {
    before(state(this).mut, value, options);
    return this;
  }

  after(value, options = undefined) {
    const s = state(this);
    after(s.canHaveContent ? endOf(s).mut : s.mut, value, options);
    return this;
  }

  prepend(value, options = undefined) {
    const s = state(this);
    const text = content(value, options);
    if (s.canHaveContent) s.mut.after.unshift(text);
    return this;
  }

  append(value, options = undefined) {
    const s = state(this);
    const text = content(value, options);
    if (s.canHaveContent) endOf(s).mut.before.push(text);
    return this;
  }

  replace(value, options = undefined) {
    const s = state(this);
    replace(s.mut, value, options);
    if (s.canHaveContent) {
      removeContent(s);
      endOf(s).mut.removed = true;
    }
    return this;
  }

  setInnerContent(value, options = undefined) {
    const s = state(this);
    const text = content(value, options);
    if (s.canHaveContent) {
      removeContent(s);
      s.mut.after.unshift(text);
    }
    return this;
  }

  remove() {
    const s = state(this);
    s.mut.removed = true;
    if (s.canHaveContent) {
      removeContent(s);
      endOf(s).mut.removed = true;
    }
    return this;
  }

  removeAndKeepContent() {
    const s = state(this);
    s.mut.removed = true;
    if (s.canHaveContent) endOf(s).mut.removed = true;
    return this;
  }

  // As in Workers, a later call replaces the handler set by an earlier one.
  onEndTag(handler) {
    const s = state(this);
    if (typeof handler !== 'function') throw new TypeError("Failed to execute 'onEndTag' on 'Element': parameter 1 is not of type 'Function'.");
    if (!s.canHaveContent) throw new TypeError('Parser error: No end tag.');
    endOf(s).handler = handler;
  }
}

export class EndTag {
  // `s`: { name, outName, mut } of the end tag being rewritten.
  constructor(s) {
    live.set(this, s);
  }

  get name() {
    return state(this).name;
  }
  set name(value) {
    const s = state(this);
    s.outName = String(value);
    s.name = lower(s.outName);
  }

  before(value, options = undefined) {
    before(state(this).mut, value, options);
    return this;
  }

  after(value, options = undefined) {
    after(state(this).mut, value, options);
    return this;
  }

  remove() {
    state(this).mut.removed = true;
    return this;
  }
}

// Shared by text chunks and comments: insertion around them, replacement and removal.
const mutators = {
  get removed() {
    return state(this).mut.removed;
  },
  before(value, options = undefined) {
    before(state(this).mut, value, options);
    return this;
  },
  after(value, options = undefined) {
    after(state(this).mut, value, options);
    return this;
  },
  replace(value, options = undefined) {
    replace(state(this).mut, value, options);
    return this;
  },
  remove() {
    state(this).mut.removed = true;
    return this;
  },
};

// A text chunk (`Text` in Workers).
export class Text {
  // `s`: { text, last, mut }.
  constructor(s) {
    live.set(this, s);
  }

  get text() {
    return state(this).text;
  }

  get lastInTextNode() {
    return state(this).last;
  }
}

export class Comment {
  // `s`: { text, modified, mut }.
  constructor(s) {
    live.set(this, s);
  }

  get text() {
    return state(this).text;
  }
  set text(value) {
    const s = state(this);
    const text = String(value);
    if (text.includes('-->')) throw new TypeError("Parser error: Comment text shouldn't contain comment closing sequence (`-->`).");
    s.text = text;
    s.modified = true;
  }
}

for (const target of [Text, Comment]) {
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(mutators))) {
    Object.defineProperty(target.prototype, key, { ...descriptor, enumerable: false });
  }
}

export class Doctype {
  // `s`: the doctype token.
  constructor(s) {
    live.set(this, s);
  }

  get name() {
    return state(this).name;
  }

  get publicId() {
    return state(this).publicId;
  }

  get systemId() {
    return state(this).systemId;
  }
}

export class DocumentEnd {
  // `s`: { mut } whose `after` goes at the very end of the output.
  constructor(s) {
    live.set(this, s);
  }

  append(value, options = undefined) {
    state(this).mut.after.push(content(value, options));
    return this;
  }
}

for (const target of [Element, EndTag, Text, Comment, Doctype, DocumentEnd]) {
  Object.defineProperty(target.prototype, Symbol.toStringTag, { value: target.name, configurable: true });
}
