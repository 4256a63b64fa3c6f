// Reads wrangler.toml / wrangler.json / wrangler.jsonc into a plain object.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { ConfigError } from './errors.js';

/** 'toml' | 'json' | 'jsonc', from the file extension. */
export function configFormat(file) {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.toml') return 'toml';
  if (ext === '.jsonc') return 'jsonc';
  if (ext === '.json') return 'json';
  throw new ConfigError(
    `${path.basename(file)}: unsupported configuration file type "${ext || '(none)'}"; ` +
      'expected wrangler.toml, wrangler.json or wrangler.jsonc',
    { file },
  );
}

/**
 * Parses configuration text. `label` is how the file is named in messages.
 * Syntax errors become a ConfigError pointing at label:line:column.
 */
export function parseConfigText(text, format, label) {
  const raw = format === 'toml' ? parseTomlText(text, label) : parseJsonText(text, label);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${label}: the configuration must be an object (a table of keys), got ${describeType(raw)}`, { file: label });
  }
  return raw;
}

export function readConfigFile(file, label) {
  const format = configFormat(file);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = err.code === 'ENOENT' ? 'file not found' : err.message;
    throw new ConfigError(`${label}: could not read configuration file (${reason})`, { file: label });
  }
  return parseConfigText(text.replace(/^\uFEFF/, ''), format, label);
}

function parseTomlText(text, label) {
  try {
    return toPlainObjects(parseToml(text));
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    // smol-toml's message starts with a summary line followed by a code frame.
    const [summary, ...frame] = err.message.split('\n');
    const reason = summary.replace(/^Invalid TOML document:\s*/, '');
    const where = `${label}:${err.line}:${err.column}`;
    throw new ConfigError(`${where}: TOML syntax error: ${reason}\n${frame.join('\n')}`.trimEnd(), { file: label });
  }
}

function parseJsonText(text, label) {
  const errors = [];
  // wrangler reads both .json and .jsonc with a JSONC parser (comments allowed).
  const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const { error, offset } = errors[0];
    const { line, column } = lineColumn(text, offset);
    throw new ConfigError(`${label}:${line}:${column}: JSON syntax error: ${printParseErrorCode(error)}`, { file: label });
  }
  return value;
}

/** smol-toml builds tables with a null prototype; the rest of Outpost expects ordinary objects. */
function toPlainObjects(value) {
  if (Array.isArray(value)) return value.map(toPlainObjects);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const plain = {};
  for (const [key, el] of Object.entries(value)) plain[key] = toPlainObjects(el);
  return plain;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function describeType(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
