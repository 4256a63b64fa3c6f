// util.MIMEType and util.MIMEParams: MIME types parsed and serialized as the WHATWG MIME
// Sniffing standard says, with Node's ERR_INVALID_MIME_SYNTAX errors.
import { nodeError } from './_errors.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const QUOTED_STRING_TOKEN = /^[\t\u0020-\u007E\u0080-\u00FF]*$/;
const WHITESPACE = /[\r\n\t ]/;

function invalidMimeSyntax(production, str, invalidIndex) {
  const at = invalidIndex !== -1 ? ` at ${invalidIndex}` : '';
  return nodeError(TypeError, 'ERR_INVALID_MIME_SYNTAX', `The MIME syntax for a ${production} in "${str}" is invalid${at}`);
}

function trimHttpWhitespace(str) {
  return str.replace(/^[\r\n\t ]+|[\r\n\t ]+$/g, '');
}

function firstInvalid(str, pattern) {
  for (let i = 0; i < str.length; i++) if (!pattern.test(str[i])) return i;
  return -1;
}

function parseParams(input, position, params) {
  const length = input.length;
  while (position < length) {
    position++;
    while (position < length && WHITESPACE.test(input[position])) position++;
    let nameEnd = position;
    while (nameEnd < length && input[nameEnd] !== ';' && input[nameEnd] !== '=') nameEnd++;
    const name = input.slice(position, nameEnd).toLowerCase();
    position = nameEnd;
    if (position < length && input[position] === ';') continue;
    position++;
    if (position > length) break;
    let value = '';
    if (input[position] === '"') {
      position++;
      for (;;) {
        while (position < length && input[position] !== '"' && input[position] !== '\\') value += input[position++];
        if (position >= length) break;
        const char = input[position++];
        if (char === '\\') {
          if (position >= length) {
            value += '\\';
            break;
          }
          value += input[position++];
        } else {
          break;
        }
      }
      while (position < length && input[position] !== ';') position++;
    } else {
      let valueEnd = position;
      while (valueEnd < length && input[valueEnd] !== ';') valueEnd++;
      value = input.slice(position, valueEnd).replace(/[\r\n\t ]+$/, '');
      position = valueEnd;
      if (value === '') continue;
    }
    if (name !== '' && TOKEN.test(name) && QUOTED_STRING_TOKEN.test(value) && !params.has(name)) params.set(name, value);
  }
}

function encode(value) {
  if (value.length > 0 && TOKEN.test(value)) return value;
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

let paramsData;

export class MIMEParams {
  #data = new Map();

  static {
    paramsData = (params) => params.#data;
  }

  delete(name) {
    this.#data.delete(name);
  }

  get(name) {
    return this.#data.has(name) ? this.#data.get(name) : null;
  }

  has(name) {
    return this.#data.has(name);
  }

  set(name, value) {
    name = `${name}`;
    value = `${value}`;
    const invalidName = firstInvalid(name, /[!#$%&'*+\-.^_`|~A-Za-z0-9]/);
    if (name.length === 0 || invalidName !== -1) throw invalidMimeSyntax('parameter name', name, invalidName);
    const invalidValue = firstInvalid(value, /[\t\u0020-\u007E\u0080-\u00FF]/);
    if (invalidValue !== -1) throw invalidMimeSyntax('parameter value', value, invalidValue);
    this.#data.set(name, value);
  }

  *entries() {
    yield* this.#data.entries();
  }

  *keys() {
    yield* this.#data.keys();
  }

  *values() {
    yield* this.#data.values();
  }

  toString() {
    let out = '';
    for (const [name, value] of this.#data) out += `${out ? ';' : ''}${name}=${encode(value)}`;
    return out;
  }

  toJSON() {
    return this.toString();
  }

  [Symbol.iterator]() {
    return this.entries();
  }
}
Object.defineProperty(MIMEParams.prototype, Symbol.toStringTag, { value: 'MIMEParams', configurable: true });


export class MIMEType {
  #type;
  #subtype;
  #params;

  constructor(string) {
    string = `${string}`;
    const input = trimHttpWhitespace(string);
    const slash = input.indexOf('/');
    const type = (slash === -1 ? input : input.slice(0, slash)).toLowerCase();
    if (slash === -1 || type.length === 0 || !TOKEN.test(type)) {
      throw invalidMimeSyntax('type', string, type.length === 0 ? -1 : firstInvalid(type, /[!#$%&'*+\-.^_`|~A-Za-z0-9]/));
    }
    let end = input.indexOf(';', slash + 1);
    if (end === -1) end = input.length;
    const subtype = input.slice(slash + 1, end).replace(/[\r\n\t ]+$/, '').toLowerCase();
    if (subtype.length === 0 || !TOKEN.test(subtype)) {
      const invalid = subtype.length === 0 ? -1 : slash + 1 + firstInvalid(subtype, /[!#$%&'*+\-.^_`|~A-Za-z0-9]/);
      throw invalidMimeSyntax('subtype', string, invalid);
    }
    this.#type = type;
    this.#subtype = subtype;
    this.#params = new MIMEParams();
    parseParams(input, end, paramsData(this.#params));
  }

  get type() {
    return this.#type;
  }

  set type(value) {
    value = `${value}`;
    if (value.length === 0 || !TOKEN.test(value)) throw invalidMimeSyntax('type', value, firstInvalid(value, /[!#$%&'*+\-.^_`|~A-Za-z0-9]/));
    this.#type = value.toLowerCase();
  }

  get subtype() {
    return this.#subtype;
  }

  set subtype(value) {
    value = `${value}`;
    if (value.length === 0 || !TOKEN.test(value)) throw invalidMimeSyntax('subtype', value, firstInvalid(value, /[!#$%&'*+\-.^_`|~A-Za-z0-9]/));
    this.#subtype = value.toLowerCase();
  }

  get essence() {
    return `${this.#type}/${this.#subtype}`;
  }

  get params() {
    return this.#params;
  }

  toString() {
    const params = this.#params.toString();
    return `${this.essence}${params ? `;${params}` : ''}`;
  }

  toJSON() {
    return this.toString();
  }
}
Object.defineProperty(MIMEType.prototype, Symbol.toStringTag, { value: 'MIMEType', configurable: true });

