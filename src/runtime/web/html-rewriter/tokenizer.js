// A streaming HTML tokenizer for HTMLRewriter. It takes the document as strings in any pieces
// and returns, per piece, the tokens it could complete: text as it arrives (never held back
// except a possible markup start at the end), start and end tags, comments, doctypes. Like
// lol-html it does no tree construction: it only keeps the stack of open elements (an end tag
// closes up to the nearest open element of its name; void elements and self-closing foreign
// elements are never open), which is enough to tell raw text elements, foreign content (SVG,
// MathML) and the ancestors and sibling positions selectors need. Character references are left
// as they are.

export const HTML_NS = 'http://www.w3.org/1999/xhtml';
export const SVG_NS = 'http://www.w3.org/2000/svg';
export const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

const VOID = new Set([
  'area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'hr', 'img', 'input', 'keygen', 'link', 'meta',
  'param', 'source', 'track', 'wbr',
]);
// Content models of HTML elements whose content is not markup (scripting is taken as enabled).
const DATA = 0;
const RCDATA = 1;
const RAWTEXT = 2;
const PLAINTEXT = 3;
const TEXT_MODES = new Map([
  ['title', RCDATA], ['textarea', RCDATA],
  ['script', RAWTEXT], ['style', RAWTEXT], ['xmp', RAWTEXT], ['iframe', RAWTEXT], ['noembed', RAWTEXT],
  ['noframes', RAWTEXT], ['noscript', RAWTEXT],
  ['plaintext', PLAINTEXT],
]);
// HTML start tags that end foreign content (HTML Standard, "in foreign content").
const BREAKOUT = new Set([
  'b', 'big', 'blockquote', 'body', 'br', 'center', 'code', 'dd', 'div', 'dl', 'dt', 'em', 'embed', 'h1', 'h2', 'h3',
  'h4', 'h5', 'h6', 'head', 'hr', 'i', 'img', 'li', 'listing', 'menu', 'meta', 'nobr', 'ol', 'p', 'pre', 'ruby', 's',
  'small', 'span', 'strong', 'strike', 'sub', 'sup', 'table', 'tt', 'u', 'ul', 'var',
]);
// Foreign elements whose children are HTML again.
const SVG_HTML_CHILDREN = new Set(['foreignobject', 'desc', 'title']);
const MATHML_HTML_CHILDREN = new Set(['mi', 'mo', 'mn', 'ms', 'mtext']);

const isSpace = (c) => c === ' ' || c === '\n' || c === '\t' || c === '\f' || c === '\r';
const isAlpha = (c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const lower = (s) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
const COMMENT_END = /--!?>/g;
const DOCTYPE_IDS = /^\s*([^\s>]+)?\s*(?:(public|system)\s*(?:"([^"]*)"|'([^']*)')?\s*(?:"([^"]*)"|'([^']*)')?)?/i;

// Tokens: { type: 'text', text, last, parent }, { type: 'startTag', el, rawName, selfClosing,
// canHaveContent, raw }, { type: 'endTag', name, rawName, el, raw, parent }, { type: 'comment',
// text, raw, parent }, { type: 'doctype', name, publicId, systemId, raw, parent } and
// { type: 'raw', raw, parent } for markup passed through untouched. An element record `el` is
// { name, ns, attrs: [{ name, value, raw }], index, typeIndex, parent, ... }; `parent` is the
// innermost open element (or the document record, whose name is null) when the token came.
export class Tokenizer {
  #buffer = '';
  #mode = DATA;
  #rawTextEnd = ''; // the end tag name that ends the current RCDATA/RAWTEXT element
  #document = { name: null, parent: null, childNs: HTML_NS, children: 0, types: null };
  #open = [];
  #text = '';
  #inText = false;
  #tokens = [];

  get document() {
    return this.#document;
  }

  write(chunk) {
    this.#buffer += chunk;
    this.#run(false);
    if (this.#text !== '') this.#emitText(false);
    return this.#take();
  }

  end() {
    this.#run(true);
    this.#endText();
    return this.#take();
  }

  #take() {
    const tokens = this.#tokens;
    this.#tokens = [];
    return tokens;
  }

  #current() {
    return this.#open.at(-1) ?? this.#document;
  }

  #addText(text) {
    this.#text += text;
  }

  #emitText(last) {
    this.#tokens.push({ type: 'text', text: this.#text, last, parent: this.#current() });
    this.#inText = !last;
    this.#text = '';
  }

  // Ends the current text node: lol-html reports its last chunk separately, with no text.
  #endText() {
    if (this.#text !== '') this.#emitText(false);
    if (this.#inText) this.#emitText(true);
  }

  #push(token) {
    this.#endText();
    token.parent ??= this.#current();
    this.#tokens.push(token);
  }

  #run(final) {
    const buf = this.#buffer;
    let pos = 0;
    while (pos < buf.length) {
      let next;
      if (this.#mode === PLAINTEXT) {
        this.#addText(buf.slice(pos));
        next = buf.length;
      } else if (this.#mode !== DATA) {
        next = this.#rawText(buf, pos);
      } else {
        const lt = buf.indexOf('<', pos);
        if (lt === -1) {
          this.#addText(buf.slice(pos));
          next = buf.length;
        } else {
          if (lt > pos) this.#addText(buf.slice(pos, lt));
          next = this.#markup(buf, lt);
          if (next === -1) next = lt;
        }
      }
      if (next === pos) {
        if (!final) break;
        // The input ended inside markup: it goes out as it came.
        if (this.#mode === DATA) this.#push({ type: 'raw', raw: buf.slice(pos) });
        else this.#addText(buf.slice(pos));
        next = buf.length;
      }
      pos = next;
    }
    this.#buffer = buf.slice(pos);
  }

  // Text of an RCDATA or RAWTEXT element, up to (not including) its end tag.
  #rawText(buf, pos) {
    const name = this.#rawTextEnd;
    for (let i = pos; ;) {
      const lt = buf.indexOf('<', i);
      if (lt === -1) {
        this.#addText(buf.slice(pos));
        return buf.length;
      }
      const end = lt + 2 + name.length;
      const candidate = lower(buf.slice(lt + 1, Math.min(end, buf.length)));
      if (end >= buf.length) {
        // Possibly the start of the end tag: wait for the rest.
        if (`/${name}`.startsWith(candidate)) {
          this.#addText(buf.slice(pos, lt));
          return lt;
        }
      } else if (candidate === `/${name}` && (isSpace(buf[end]) || buf[end] === '/' || buf[end] === '>')) {
        this.#addText(buf.slice(pos, lt));
        this.#mode = DATA;
        return lt;
      }
      i = lt + 1;
    }
  }

  // Markup starting with the `<` at `lt`: returns where it ends, or -1 if more input is needed.
  #markup(buf, lt) {
    const c = buf[lt + 1];
    if (c === undefined) return -1;
    if (isAlpha(c)) return this.#tag(buf, lt, false);
    if (c === '!') return this.#declaration(buf, lt);
    if (c === '/') {
      const d = buf[lt + 2];
      if (d === undefined) return -1;
      if (isAlpha(d)) return this.#tag(buf, lt, true);
      if (d === '>') {
        this.#push({ type: 'raw', raw: '</>' });
        return lt + 3;
      }
      return this.#bogusComment(buf, lt, lt + 2);
    }
    if (c === '?') return this.#bogusComment(buf, lt, lt + 1);
    this.#addText('<');
    return lt + 1;
  }

  #declaration(buf, lt) {
    const rest = buf.slice(lt + 2, lt + 9);
    if (rest.startsWith('--')) return this.#comment(buf, lt);
    const upper = rest.toUpperCase();
    const foreign = this.#current().childNs !== HTML_NS;
    // Too little input yet to tell a comment, doctype or CDATA section from a bogus comment.
    if (rest.length < 7 && ('--'.startsWith(rest) || 'DOCTYPE'.startsWith(upper) || (foreign && '[CDATA['.startsWith(rest)))) {
      return -1;
    }
    if (upper === 'DOCTYPE') {
      const gt = buf.indexOf('>', lt + 9);
      if (gt === -1) return -1;
      const [, name, keyword, q1, q2, q3, q4] = DOCTYPE_IDS.exec(buf.slice(lt + 9, gt));
      const first = q1 ?? q2 ?? null;
      const isPublic = keyword?.toLowerCase() === 'public';
      this.#push({
        type: 'doctype',
        name: name === undefined ? null : lower(name),
        publicId: isPublic ? first : null,
        systemId: isPublic ? (q3 ?? q4 ?? null) : first,
        raw: buf.slice(lt, gt + 1),
      });
      return gt + 1;
    }
    if (foreign && rest === '[CDATA[') {
      const end = buf.indexOf(']]>', lt + 9);
      if (end === -1) return -1;
      this.#push({ type: 'raw', raw: buf.slice(lt, end + 3) });
      return end + 3;
    }
    return this.#bogusComment(buf, lt, lt + 2);
  }

  #comment(buf, lt) {
    const start = lt + 4;
    let textEnd;
    let end;
    // `<!-->` and `<!--->` are (abruptly closed) empty comments.
    if (buf[start] === '>') {
      textEnd = start;
      end = start + 1;
    } else if (buf[start] === '-' && buf[start + 1] === '>') {
      textEnd = start;
      end = start + 2;
    } else {
      if (buf.length < start + 2) return -1;
      COMMENT_END.lastIndex = start;
      const match = COMMENT_END.exec(buf);
      if (match === null) return -1;
      textEnd = match.index;
      end = match.index + match[0].length;
    }
    this.#push({ type: 'comment', text: buf.slice(start, textEnd), raw: buf.slice(lt, end) });
    return end;
  }

  #bogusComment(buf, lt, start) {
    const gt = buf.indexOf('>', start);
    if (gt === -1) return -1;
    this.#push({ type: 'comment', text: buf.slice(start, gt), raw: buf.slice(lt, gt + 1) });
    return gt + 1;
  }

  // A start or end tag, with its attributes as the HTML Standard's tokenizer splits them.
  #tag(buf, lt, isEnd) {
    const len = buf.length;
    let i = lt + (isEnd ? 2 : 1);
    const nameStart = i;
    while (i < len && !isSpace(buf[i]) && buf[i] !== '/' && buf[i] !== '>') i++;
    if (i >= len) return -1;
    const rawName = buf.slice(nameStart, i);
    const attrs = [];
    let selfClosing = false;
    for (;;) {
      while (i < len && isSpace(buf[i])) i++;
      if (i >= len) return -1;
      const c = buf[i];
      if (c === '>') {
        i++;
        break;
      }
      if (c === '/') {
        if (i + 1 >= len) return -1;
        i++;
        if (buf[i] === '>') {
          selfClosing = true;
          i++;
          break;
        }
        continue;
      }
      // A leading `=` belongs to the name.
      const attrStart = i++;
      while (i < len && !isSpace(buf[i]) && buf[i] !== '/' && buf[i] !== '>' && buf[i] !== '=') i++;
      if (i >= len) return -1;
      const name = buf.slice(attrStart, i);
      let j = i;
      while (j < len && isSpace(buf[j])) j++;
      if (j >= len) return -1;
      let value = '';
      if (buf[j] === '=') {
        j++;
        while (j < len && isSpace(buf[j])) j++;
        if (j >= len) return -1;
        const q = buf[j];
        if (q === '"' || q === "'") {
          const close = buf.indexOf(q, j + 1);
          if (close === -1) return -1;
          value = buf.slice(j + 1, close);
          i = close + 1;
        } else {
          let k = j;
          while (k < len && !isSpace(buf[k]) && buf[k] !== '>') k++;
          if (k >= len) return -1;
          value = buf.slice(j, k);
          i = k;
        }
      }
      attrs.push({ name: lower(name), value, raw: buf.slice(attrStart, i) });
    }
    const raw = buf.slice(lt, i);
    if (isEnd) this.#endTag(lower(rawName), rawName, raw);
    else this.#startTag(lower(rawName), rawName, attrs, selfClosing, raw);
    return i;
  }

  #startTag(name, rawName, attrs, selfClosing, raw) {
    this.#endText();
    let parent = this.#current();
    let ns;
    if (parent.childNs === HTML_NS) {
      ns = name === 'svg' ? SVG_NS : name === 'math' ? MATHML_NS : HTML_NS;
    } else if (BREAKOUT.has(name) || (name === 'font' && attrs.some((a) => a.name === 'color' || a.name === 'face' || a.name === 'size'))) {
      // Leaves foreign content: the foreign elements still open are closed implicitly.
      while (this.#current().childNs !== HTML_NS) this.#open.pop();
      parent = this.#current();
      ns = HTML_NS;
    } else {
      ns = parent.childNs;
    }
    let childNs = ns;
    if (ns === SVG_NS && SVG_HTML_CHILDREN.has(name)) childNs = HTML_NS;
    else if (ns === MATHML_NS && MATHML_HTML_CHILDREN.has(name)) childNs = HTML_NS;
    const canHaveContent = ns === HTML_NS ? !VOID.has(name) : !selfClosing;

    parent.children++;
    parent.types ??= new Map();
    const typeIndex = (parent.types.get(name) ?? 0) + 1;
    parent.types.set(name, typeIndex);
    const el = { name, ns, attrs, index: parent.children, typeIndex, parent, childNs, children: 0, types: null };
    this.#push({ type: 'startTag', el, rawName, selfClosing, canHaveContent, raw, parent });
    if (!canHaveContent) return;
    this.#open.push(el);
    if (ns === HTML_NS) {
      const mode = TEXT_MODES.get(name);
      if (mode !== undefined) {
        this.#mode = mode;
        this.#rawTextEnd = name;
      }
    }
  }

  #endTag(name, rawName, raw) {
    this.#endText();
    const token = { type: 'endTag', name, rawName, el: null, raw, parent: this.#current() };
    const index = this.#open.findLastIndex((el) => el.name === name);
    if (index !== -1) {
      token.el = this.#open[index];
      this.#open.length = index;
    }
    this.#push(token);
  }
}
