// `.dev.vars` / `.env` files: dotenv syntax, read the way wrangler reads them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ASSIGNMENT = /^\s*(?:export\s+)?([\w.-]+)\s*(?:=|:(?=\s))[ \t]*/;
const QUOTES = ['"', "'", '`'];

/**
 * Parses dotenv text into an object of strings, with the same rules as the
 * `dotenv` package wrangler uses:
 * - `KEY=value`, `KEY: value`, optional `export ` prefix; later keys win
 * - `#` starts a comment (in an unquoted value too, even without a space before it)
 * - values in '...', "..." or `...` may span lines; only "..." expands \n and \r
 * - unquoted values are trimmed
 */
export function parseDotenv(text) {
  const src = String(text).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const result = {};
  let pos = 0;
  while (pos < src.length) {
    const lineEnd = indexOrEnd(src, '\n', pos);
    const line = src.slice(pos, lineEnd);
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      pos = lineEnd + 1;
      continue;
    }
    const [prefix, key] = match;
    const valueStart = pos + prefix.length;
    const quoted = readQuoted(src, valueStart);
    if (quoted) {
      result[key] = quoted.value;
      pos = quoted.end + 1;
    } else {
      result[key] = stripComment(line.slice(prefix.length)).trim();
      pos = lineEnd + 1;
    }
  }
  return result;
}

/**
 * Reads a quoted value starting at `start`. Returns { value, end } where `end` is
 * the end of the line holding the closing quote, or null when the value is not a
 * well-formed quoted value (then dotenv treats the line as unquoted).
 */
function readQuoted(src, start) {
  const quote = src[start];
  if (!QUOTES.includes(quote)) return null;
  let i = start + 1;
  while (i < src.length) {
    if (src[i] === '\\' && src[i + 1] === quote) {
      i += 2;
      continue;
    }
    if (src[i] === quote) break;
    i++;
  }
  if (i >= src.length) return null; // never closed
  const lineEnd = indexOrEnd(src, '\n', i);
  // After the closing quote only blanks or a comment may follow.
  if (!/^\s*(#.*)?$/.test(src.slice(i + 1, lineEnd))) return null;
  let value = src.slice(start + 1, i);
  if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  return { value, end: lineEnd };
}

function stripComment(value) {
  const hash = value.indexOf('#');
  return hash === -1 ? value : value.slice(0, hash);
}

function indexOrEnd(text, char, from) {
  const i = text.indexOf(char, from);
  return i === -1 ? text.length : i;
}

/**
 * Finds the local secrets for a worker whose config lives in `dir`, following
 * wrangler's rules:
 * 1. `.dev.vars.<env>` if an environment is selected and the file exists, else `.dev.vars`
 *    (when `.dev.vars.<env>` exists, `.dev.vars` is ignored entirely);
 * 2. only when neither exists: `.env`, `.env.local`, `.env.<env>`, `.env.<env>.local`,
 *    merged with later files overriding earlier ones. Setting
 *    CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV=false turns this second step off.
 * Returns { secrets, files } where `files` lists the files that were read.
 */
export function loadDevSecrets(dir, envName, processEnv = process.env) {
  const devVars = [envName && `.dev.vars.${envName}`, '.dev.vars']
    .filter(Boolean)
    .map((name) => path.join(dir, name))
    .find((file) => existsSync(file));
  if (devVars) return { secrets: parseDotenv(readFileSync(devVars, 'utf8')), files: [devVars] };

  if (processEnv.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV === 'false') return { secrets: {}, files: [] };

  const names = ['.env', '.env.local'];
  if (envName) names.push(`.env.${envName}`, `.env.${envName}.local`);
  const secrets = {};
  const files = [];
  for (const name of names) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    Object.assign(secrets, parseDotenv(readFileSync(file, 'utf8')));
    files.push(file);
  }
  return { secrets, files };
}
