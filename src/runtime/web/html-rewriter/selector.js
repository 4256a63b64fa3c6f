// The CSS selectors HTMLRewriter supports (lol-html's subset): `*`, type, `#id`, `.class`,
// attribute selectors with the `=`, `~=`, `^=`, `$=`, `*=` and `|=` operators and the `i`/`s`
// flags, `:first-child`, `:nth-child()`, `:first-of-type`, `:nth-of-type()`, `:not()`, and the
// descendant and child combinators, in comma-separated lists. Anything else is a TypeError with
// lol-html's message. Elements are matched as the tokenizer describes them (its `el` records).
import { HTML_NS } from './tokenizer.js';

const fail = (message) => {
  throw new TypeError(`Parser error: ${message}`);
};

// Attributes whose values HTML compares case-insensitively in selectors (HTML Standard, §4.16.2).
const CASE_INSENSITIVE_VALUES = new Set([
  'accept', 'accept-charset', 'align', 'alink', 'axis', 'bgcolor', 'charset', 'checked', 'clear', 'codetype',
  'color', 'compact', 'declare', 'defer', 'dir', 'direction', 'disabled', 'enctype', 'face', 'frame', 'hreflang',
  'http-equiv', 'lang', 'language', 'link', 'media', 'method', 'multiple', 'nohref', 'noresize', 'noshade', 'nowrap',
  'readonly', 'rel', 'rev', 'rules', 'scope', 'scrolling', 'selected', 'shape', 'target', 'text', 'type', 'valign',
  'valuetype', 'vlink',
]);

const lower = (s) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
const isSpace = (c) => c === ' ' || c === '\n' || c === '\t' || c === '\f' || c === '\r';
const isNameStart = (c) => c !== undefined && (/[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80);
const isNameChar = (c) => c !== undefined && (/[\w-]/.test(c) || c.charCodeAt(0) >= 0x80);
const splitSpaces = (s) => s.split(/[ \n\t\f\r]+/);

function attributeValue(el, name) {
  for (const attr of el.attrs) if (attr.name === name) return attr.value;
  return null;
}

// Whether position `index` (1-based) is an+b for some n >= 0.
function nth(a, b, index) {
  if (a === 0) return index === b;
  const n = (index - b) / a;
  return Number.isInteger(n) && n >= 0;
}

const AN_B = /^(?:([+-]?\d*)n(?:\s*([+-])\s*(\d+))?|([+-]?\d+))$/;

function parseNth(text) {
  const s = lower(text.trim());
  if (s === 'odd') return [2, 1];
  if (s === 'even') return [2, 0];
  const m = AN_B.exec(s);
  if (m === null) fail('Unexpected token in selector.');
  if (m[4] !== undefined) return [0, Number(m[4])];
  const a = m[1] === '' || m[1] === '+' ? 1 : m[1] === '-' ? -1 : Number(m[1]);
  const b = m[3] === undefined ? 0 : Number(m[2] + m[3]);
  return [a, b];
}

function attributeTest(name, op, value, flag) {
  const test = (el, compare) => {
    const actual = attributeValue(el, name);
    if (actual === null) return false;
    let expected = value;
    let got = actual;
    if (flag === 'i' || (flag === null && el.ns === HTML_NS && CASE_INSENSITIVE_VALUES.has(name))) {
      expected = lower(expected);
      got = lower(got);
    }
    return compare(got, expected);
  };
  switch (op) {
    case null:
      return (el) => attributeValue(el, name) !== null;
    case '=':
      return (el) => test(el, (got, expected) => got === expected);
    case '~=':
      // A list item never is empty or contains whitespace.
      if (value === '' || /[ \n\t\f\r]/.test(value)) return () => false;
      return (el) => test(el, (got, expected) => splitSpaces(got).includes(expected));
    case '|=':
      return (el) => test(el, (got, expected) => got === expected || got.startsWith(`${expected}-`));
    case '^=':
      if (value === '') return () => false;
      return (el) => test(el, (got, expected) => got.startsWith(expected));
    case '$=':
      if (value === '') return () => false;
      return (el) => test(el, (got, expected) => got.endsWith(expected));
    default: // '*='
      if (value === '') return () => false;
      return (el) => test(el, (got, expected) => got.includes(expected));
  }
}

class Parser {
  #s;
  #i = 0;

  constructor(source) {
    this.#s = source;
  }

  #peek(offset = 0) {
    return this.#s[this.#i + offset];
  }

  #skipSpaces() {
    const start = this.#i;
    while (isSpace(this.#peek())) this.#i++;
    return this.#i > start;
  }

  #atEnd() {
    return this.#i >= this.#s.length;
  }

  // A list of complex selectors; `nested` for the argument of :not(), which takes compounds only.
  parseList(nested = false) {
    this.#skipSpaces();
    if (this.#atEnd()) fail('The selector is empty.');
    const list = [];
    for (;;) {
      list.push(nested ? [{ compound: this.#compound(true), combinator: null }] : this.#complex());
      this.#skipSpaces();
      if (this.#peek() !== ',') break;
      this.#i++;
      this.#skipSpaces();
    }
    if (nested ? this.#peek() !== ')' : !this.#atEnd()) fail('Unexpected token in selector.');
    return list;
  }

  // Compounds from the subject (rightmost) leftwards, each with the combinator that relates it to
  // the next one.
  #complex() {
    const parts = [{ compound: this.#compound(false), combinator: null }];
    for (;;) {
      const spaced = this.#skipSpaces();
      const c = this.#peek();
      if (c === undefined || c === ',') break;
      let combinator;
      if (c === '>') {
        this.#i++;
        this.#skipSpaces();
        combinator = '>';
      } else if (c === '+' || c === '~') {
        fail(`Unsupported combinator \`${c}\` in selector.`);
      } else if (spaced) {
        combinator = ' ';
      } else {
        fail('Unexpected token in selector.');
      }
      if (this.#atEnd() || this.#peek() === ',') fail('Dangling combinator in selector.');
      parts.unshift({ compound: this.#compound(false), combinator });
    }
    return parts;
  }

  #compound(inNegation) {
    const tests = [];
    let any = false;
    if (this.#peek() === '*') {
      this.#i++;
      any = true;
    } else {
      const name = this.#ident();
      if (name !== null) {
        const tag = lower(name);
        tests.push((el) => el.name === tag);
        any = true;
      }
    }
    if (this.#peek() === '|') fail('Selectors with explicit namespaces are not supported.');
    for (;;) {
      const c = this.#peek();
      if (c === '#') {
        this.#i++;
        const id = this.#ident();
        if (id === null) fail('Unexpected token in selector.');
        tests.push((el) => attributeValue(el, 'id') === id);
      } else if (c === '.') {
        this.#i++;
        const name = this.#ident();
        if (name === null) fail('Invalid or unescaped class name in selector.');
        tests.push((el) => {
          const classes = attributeValue(el, 'class');
          return classes !== null && splitSpaces(classes).includes(name);
        });
      } else if (c === '[') {
        this.#i++;
        tests.push(this.#attribute());
      } else if (c === ':') {
        this.#i++;
        tests.push(this.#pseudo(inNegation));
      } else {
        break;
      }
      any = true;
    }
    if (!any) fail(this.#atEnd() ? 'Unexpected end of selector.' : 'Unexpected token in selector.');
    return tests;
  }

  #attribute() {
    this.#skipSpaces();
    const rawName = this.#ident();
    if (rawName === null) fail(this.#peek() === '|' ? 'Selectors with explicit namespaces are not supported.' : 'Missing attribute name in attribute selector.');
    if (this.#peek() === '|' && this.#peek(1) !== '=') fail('Selectors with explicit namespaces are not supported.');
    const name = lower(rawName);
    this.#skipSpaces();
    let op = null;
    let value = '';
    let flag = null;
    if (this.#peek() !== ']') {
      const c = this.#peek();
      if (c === '=') {
        op = '=';
        this.#i++;
      } else if ('~|^$*'.includes(c) && this.#peek(1) === '=') {
        op = `${c}=`;
        this.#i += 2;
      } else {
        fail('Unexpected token in the attribute selector.');
      }
      this.#skipSpaces();
      const q = this.#peek();
      if (q === '"' || q === "'") value = this.#string(q);
      else value = this.#ident() ?? fail('Unexpected token in the attribute selector.');
      this.#skipSpaces();
      const f = this.#ident();
      if (f !== null) {
        flag = lower(f);
        if (flag !== 'i' && flag !== 's') fail('Unexpected token in the attribute selector.');
        this.#skipSpaces();
      }
    }
    if (this.#peek() !== ']') fail(this.#atEnd() ? 'Unexpected end of selector.' : 'Unexpected token in the attribute selector.');
    this.#i++;
    return attributeTest(name, op, value, flag);
  }

  #pseudo(inNegation) {
    if (this.#peek() === ':') fail('Unsupported pseudo-class or pseudo-element in selector.');
    const raw = this.#ident();
    if (raw === null) fail('Unexpected token in selector.');
    const name = lower(raw);
    if (this.#peek() !== '(') {
      if (name === 'first-child') return (el) => el.index === 1;
      if (name === 'first-of-type') return (el) => el.typeIndex === 1;
      fail('Unsupported pseudo-class or pseudo-element in selector.');
    }
    this.#i++;
    if (name === 'not') {
      if (inNegation) fail('Nested negation in selector.');
      const list = this.parseList(true);
      this.#i++;
      return (el) => !list.some((parts) => matches(parts, 0, el));
    }
    if (name !== 'nth-child' && name !== 'nth-of-type') fail('Unsupported pseudo-class or pseudo-element in selector.');
    const close = this.#s.indexOf(')', this.#i);
    if (close === -1) fail('Unexpected end of selector.');
    const [a, b] = parseNth(this.#s.slice(this.#i, close));
    this.#i = close + 1;
    return name === 'nth-child' ? (el) => nth(a, b, el.index) : (el) => nth(a, b, el.typeIndex);
  }

  // A CSS identifier (with escapes), or null when none starts here.
  #ident() {
    const start = this.#i;
    let out = '';
    if (this.#peek() === '-') {
      out += '-';
      this.#i++;
    }
    const c = this.#peek();
    if (c === '-') {
      out += '-';
      this.#i++;
    } else if (!isNameStart(c) && c !== '\\') {
      this.#i = start;
      return null;
    }
    for (;;) {
      const d = this.#peek();
      if (isNameChar(d)) {
        out += d;
        this.#i++;
      } else if (d === '\\') {
        out += this.#escape();
      } else {
        return out;
      }
    }
  }

  #escape() {
    this.#i++; // the backslash
    const hex = /^[0-9a-fA-F]{1,6}/.exec(this.#s.slice(this.#i, this.#i + 6));
    if (hex === null) {
      const c = this.#peek();
      if (c === undefined) fail('Unexpected end of selector.');
      this.#i += c.length;
      return c;
    }
    this.#i += hex[0].length;
    if (isSpace(this.#peek())) this.#i++;
    const code = parseInt(hex[0], 16);
    return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
  }

  #string(quote) {
    this.#i++;
    let out = '';
    for (;;) {
      const c = this.#peek();
      if (c === undefined) fail('Unexpected end of selector.');
      if (c === quote) {
        this.#i++;
        return out;
      }
      if (c === '\\') {
        if (this.#peek(1) === '\n') this.#i += 2;
        else out += this.#escape();
      } else {
        out += c;
        this.#i++;
      }
    }
  }
}

function matches(parts, i, el) {
  const { compound, combinator } = parts[i];
  for (const test of compound) if (!test(el)) return false;
  if (i === parts.length - 1) return true;
  // The document record (name null) is nobody's match.
  if (combinator === '>') return el.parent.name !== null && matches(parts, i + 1, el.parent);
  for (let a = el.parent; a.name !== null; a = a.parent) if (matches(parts, i + 1, a)) return true;
  return false;
}

// Parses `source` into a predicate over element records; throws a TypeError for what lol-html
// would refuse.
export function parseSelector(source) {
  const list = new Parser(source).parseList();
  return (el) => list.some((parts) => matches(parts, 0, el));
}
