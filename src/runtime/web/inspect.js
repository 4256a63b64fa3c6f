// Formatting of console.* arguments the way Node's util.format/util.inspect (and so workerd's
// console) render them: printf-style substitutions, then every other argument inspected, with
// strings printed raw at the top level.

const DEFAULT_DEPTH = 2;
const BREAK_LENGTH = 72;
const MAX_ITEMS = 100;
const INSPECT_CUSTOM = Symbol.for('nodejs.util.inspect.custom');

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const ESCAPES = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\\': '\\\\' };

function quote(s) {
  const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes('`') && !s.includes('${') ? '`' : "'";
  const escaped = s.replace(/[\n\t\r\b\f\v\\]|[\x00-\x1f\x7f]/g, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
  return q + (q === "'" ? escaped.replaceAll("'", "\\'") : escaped) + q;
}

function formatKey(key) {
  if (typeof key === 'symbol') return `[${key.toString()}]`;
  return IDENTIFIER.test(key) ? key : quote(key);
}

function formatPrimitive(value) {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    default:
      return String(value);
  }
}

function functionLabel(fn) {
  const source = Function.prototype.toString.call(fn);
  if (source.startsWith('class')) {
    const parent = Object.getPrototypeOf(fn);
    return `[class ${fn.name || '(anonymous)'}${parent && parent !== Function.prototype && parent.name ? ` extends ${parent.name}` : ''}]`;
  }
  const kind = fn[Symbol.toStringTag] ?? 'Function';
  return `[${kind}${fn.name ? `: ${fn.name}` : ' (anonymous)'}]`;
}

function constructorName(obj) {
  let proto = Object.getPrototypeOf(obj);
  while (proto) {
    const desc = Object.getOwnPropertyDescriptor(proto, 'constructor');
    if (desc && typeof desc.value === 'function' && desc.value.name) return desc.value.name;
    proto = Object.getPrototypeOf(proto);
  }
  return null;
}

// The "Name [Tag] " prefix, or "[Object: null prototype] ".
function prefix(obj, fallback, size) {
  const name = constructorName(obj);
  const tag = obj[Symbol.toStringTag];
  let out = name === null ? `[${fallback}: null prototype]` : name;
  if (size !== undefined) out += `(${size})`;
  if (typeof tag === 'string' && tag !== '' && tag !== name) out += ` [${tag}]`;
  return out;
}

// Joins rendered entries on one line if short enough, else one per line.
function wrap(open, entries, close, indent) {
  if (entries.length === 0) return `${open}${close}`;
  const oneLine = `${open} ${entries.join(', ')} ${close}`;
  if (oneLine.length + indent.length <= BREAK_LENGTH && !entries.some((e) => e.includes('\n'))) return oneLine;
  const pad = `${indent}  `;
  return `${open}\n${pad}${entries.join(`,\n${pad}`)}\n${indent}${close}`;
}

class Inspector {
  constructor(depth) {
    this.depth = depth;
    this.seen = [];
    this.circular = new Map();
  }

  format(value, level, indent) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return formatPrimitive(value);
    if (this.seen.includes(value)) {
      if (!this.circular.has(value)) this.circular.set(value, this.circular.size + 1);
      return `[Circular *${this.circular.get(value)}]`;
    }
    const custom = value[INSPECT_CUSTOM];
    if (typeof custom === 'function') {
      const result = custom.call(value, this.depth - level, { depth: this.depth }, (v) => new Inspector(this.depth).format(v, 0, ''));
      if (result !== value) return typeof result === 'string' ? result : this.format(result, level, indent);
    }
    this.seen.push(value);
    let out;
    try {
      out = this.formatObject(value, level, indent);
    } finally {
      this.seen.pop();
    }
    const ref = this.circular.get(value);
    return ref === undefined ? out : `<ref *${ref}> ${out}`;
  }

  // Own enumerable string keys (minus `skip`) and own enumerable symbols, as "key: value".
  properties(obj, level, indent, skip = () => false) {
    const out = [];
    for (const key of Reflect.ownKeys(obj)) {
      if (typeof key === 'string' && skip(key)) continue;
      const desc = Object.getOwnPropertyDescriptor(obj, key);
      if (!desc.enumerable) continue;
      const rendered = 'value' in desc ? this.format(desc.value, level + 1, `${indent}  `) : desc.set ? (desc.get ? '[Getter/Setter]' : '[Setter]') : '[Getter]';
      out.push(`${formatKey(key)}: ${rendered}`);
    }
    return out;
  }

  formatObject(value, level, indent) {
    if (typeof value === 'function') {
      const label = functionLabel(value);
      const props = this.properties(value, level, indent, (k) => k === 'prototype');
      return props.length ? `${label} ${wrap('{', props, '}', indent)}` : label;
    }
    if (value instanceof Error) return this.formatError(value, level, indent);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof RegExp) return String(value);
    for (const [Wrapper, label] of [[Number, 'Number'], [String, 'String'], [Boolean, 'Boolean'], [BigInt, 'BigInt'], [Symbol, 'Symbol']]) {
      if (value instanceof Wrapper) return `[${label}: ${formatPrimitive(Wrapper.prototype.valueOf.call(value))}]`;
    }
    if (value instanceof Promise) return `${prefix(value, 'Promise')} { <unknown> }`;
    if (value instanceof WeakMap || value instanceof WeakSet) return `${prefix(value, 'Object')} { <items unknown> }`;

    const isArray = Array.isArray(value);
    const isTyped = ArrayBuffer.isView(value) && !(value instanceof DataView);
    if (level > this.depth) {
      return isArray ? '[Array]' : `[${constructorName(value) ?? 'Object'}]`;
    }
    const inner = `${indent}  `;
    if (isArray || isTyped) {
      const items = [];
      let holes = 0;
      const length = value.length;
      const flushHoles = () => {
        if (holes) items.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
        holes = 0;
      };
      const shown = Math.min(length, MAX_ITEMS);
      for (let i = 0; i < shown; i++) {
        if (!isTyped && !Object.hasOwn(value, i)) {
          holes++;
          continue;
        }
        flushHoles();
        items.push(this.format(value[i], level + 1, inner));
      }
      flushHoles();
      if (length > MAX_ITEMS) items.push(`... ${length - MAX_ITEMS} more item${length - MAX_ITEMS > 1 ? 's' : ''}`);
      const extra = isArray ? this.properties(value, level, indent, (k) => /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < 2 ** 32 - 1) : [];
      const head = isArray ? (constructorName(value) === 'Array' ? '' : `${prefix(value, 'Array', length)} `) : `${prefix(value, 'Object', length)} `;
      return head + wrap('[', [...items, ...extra], ']', indent);
    }
    if (value instanceof ArrayBuffer) {
      const bytes = [...new Uint8Array(value, 0, Math.min(value.byteLength, 50))].map((b) => b.toString(16).padStart(2, '0'));
      const more = value.byteLength > 50 ? ` ... ${value.byteLength - 50} more bytes` : '';
      return wrap(`${prefix(value, 'ArrayBuffer')} {`, [`[Uint8Contents]: <${bytes.join(' ')}${more}>`, `byteLength: ${value.byteLength}`], '}', indent);
    }
    if (value instanceof Map) {
      const entries = [...value].map(([k, v]) => `${this.format(k, level + 1, inner)} => ${this.format(v, level + 1, inner)}`);
      return wrap(`${prefix(value, 'Map', value.size)} {`, [...entries, ...this.properties(value, level, indent)], '}', indent);
    }
    if (value instanceof Set) {
      const entries = [...value].map((v) => this.format(v, level + 1, inner));
      return wrap(`${prefix(value, 'Set', value.size)} {`, [...entries, ...this.properties(value, level, indent)], '}', indent);
    }
    const props = [...this.platformState(value, level, indent), ...this.properties(value, level, indent)];
    const name = constructorName(value);
    const tag = value[Symbol.toStringTag];
    const head = name === 'Object' && (tag === undefined || tag === 'Object') ? '' : `${prefix(value, 'Object')} `;
    return head + wrap('{', props, '}', indent);
  }

  // Platform objects keep their state in private fields: show their accessors (or, for
  // iterable ones like Headers, their entries) instead of an empty `{}`.
  platformState(value, level, indent) {
    const proto = Object.getPrototypeOf(value);
    if (!proto || !Object.hasOwn(proto, Symbol.toStringTag) || proto[Symbol.toStringTag] !== constructorName(value)) return [];
    if (typeof value.entries === 'function' && typeof value[Symbol.iterator] === 'function') {
      return [...value.entries()].map(([k, v]) => `${formatKey(String(k))}: ${this.format(v, level + 1, `${indent}  `)}`);
    }
    const out = [];
    for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const key of Object.getOwnPropertyNames(p)) {
        const desc = Object.getOwnPropertyDescriptor(p, key);
        if (!desc.get || out.some((e) => e.key === key)) continue;
        try {
          out.push({ key, text: `${formatKey(key)}: ${this.format(desc.get.call(value), level + 1, `${indent}  `)}` });
        } catch {
          // An accessor that does not apply to this object (or throws) is left out.
        }
      }
    }
    return out.map((e) => e.text);
  }

  formatError(err, level, indent) {
    let stack = typeof err.stack === 'string' && err.stack !== '' ? err.stack : Error.prototype.toString.call(err);
    if (level > 0) stack = stack.split('\n').join(`\n${indent}`);
    const props = this.properties(err, level, indent, (k) => k === 'stack' || k === 'message');
    if (Object.hasOwn(err, 'cause') && !Object.getOwnPropertyDescriptor(err, 'cause').enumerable) {
      props.push(`[cause]: ${this.format(err.cause, level + 1, `${indent}  `)}`);
    }
    return props.length ? wrap(`${stack} {`, props, '}', indent) : stack;
  }
}

function inspect(value, { depth = DEFAULT_DEPTH } = {}) {
  return new Inspector(depth).format(value, 0, '');
}

// %s: strings as they are; objects without their own toString inspected shallowly.
function formatString(arg) {
  if (typeof arg === 'bigint') return `${arg}n`;
  if (typeof arg === 'symbol') return arg.toString();
  if (Object.is(arg, -0)) return '-0';
  if (arg !== null && typeof arg === 'object') {
    const hasOwnToString = arg instanceof Error || (typeof arg.toString === 'function' && arg.toString !== Object.prototype.toString && arg.toString !== Array.prototype.toString);
    if (!hasOwnToString) return inspect(arg, { depth: 0 });
  }
  return String(arg);
}

function formatNumber(arg, parse) {
  if (typeof arg === 'bigint') return `${arg}n`;
  if (typeof arg === 'symbol') return 'NaN';
  return formatPrimitive(parse(arg));
}

function formatJson(arg) {
  try {
    return JSON.stringify(arg);
  } catch (err) {
    if (err instanceof TypeError && /circular/i.test(err.message)) return '[Circular]';
    throw err;
  }
}

export function formatLogArgs(args) {
  const parts = [];
  let rest = 0;
  if (typeof args[0] === 'string' && args.length > 1 && args[0].includes('%')) {
    let next = 1;
    const template = args[0].replace(/%([sdifjoOc%])/g, (match, spec) => {
      if (spec === '%') return '%';
      if (next >= args.length) return match;
      const arg = args[next++];
      switch (spec) {
        case 's':
          return formatString(arg);
        case 'd':
          return formatNumber(arg, Number);
        case 'i':
          return formatNumber(arg, (v) => parseInt(v, 10));
        case 'f':
          return formatNumber(arg, (v) => parseFloat(v));
        case 'j':
          return formatJson(arg);
        case 'o':
          return inspect(arg, { depth: 4 });
        case 'O':
          return inspect(arg);
        default:
          // %c takes a CSS argument, meaningless outside a browser.
          return '';
      }
    });
    parts.push(template);
    rest = next;
  }
  for (let i = rest; i < args.length; i++) {
    parts.push(typeof args[i] === 'string' ? args[i] : inspect(args[i]));
  }
  return parts.join(' ');
}
