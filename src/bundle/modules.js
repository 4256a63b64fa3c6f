// Separate (non-inlined) modules: finding them on disk, naming them, reading them.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { BundleError } from './errors.js';
import { RULE_TYPE_TO_MODULE_TYPE, matchRule } from './rules.js';

// Never descend into these when searching base_dir for modules.
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.wrangler', '.outpost']);
// Local secrets must never become modules, whatever the rules say.
const SECRET_FILE = /^\.(dev\.vars|env)(\.|$)/;

/** Posix path of `file` relative to `dir`, or null when `file` is outside `dir`. */
export function relativeModuleName(dir, file) {
  const relative = path.relative(dir, file);
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return relative.split(path.sep).join('/');
}

/** wrangler's name for an imported non-JS module: `<sha1 of content>-<basename>`. */
export function hashedModuleName(file, content) {
  const hash = createHash('sha1').update(content).digest('hex');
  return `${hash}-${path.basename(file)}`;
}

/** Reads a file as the content type its module type needs (text or bytes). */
export async function readModule(file, type) {
  const bytes = await readFile(file);
  if (type === 'esm' || type === 'commonjs' || type === 'text') return bytes.toString('utf8');
  return new Uint8Array(bytes); // a copy, detached from Buffer's shared pool
}

/** wrangler's error for find_additional_modules next to a service-worker script. */
export const ADDITIONAL_MODULES_NEED_ESM =
  '`find_additional_modules` can only be used with an ES module entrypoint.\n' +
  'Remove `find_additional_modules = true` from your configuration, or migrate to the ES module Worker format.';

/** Error text when a file matches only a rule that an earlier rule of its type removed. */
export function removedRuleMessage(file, rule) {
  const { regexps: _regexps, ...plain } = rule;
  return (
    `The file ${file} matched a module rule in your configuration (${JSON.stringify(plain)}), ` +
    'but was ignored because a previous rule with the same type was not marked as `fallthrough = true`.'
  );
}

/**
 * Every file under `baseDir` matching a rule, as modules named by their path
 * relative to `baseDir`. `exclude` holds absolute paths to leave out (the entry
 * point, the config file).
 */
export async function findAdditionalModules({ baseDir, parsedRules, exclude = new Set() }) {
  const modules = [];
  for await (const file of walk(baseDir)) {
    if (exclude.has(file)) continue;
    const name = relativeModuleName(baseDir, file);
    const rule = matchRule(parsedRules.rules, name);
    if (!rule) {
      const removed = matchRule(parsedRules.removedRules, name);
      if (removed) throw new BundleError(removedRuleMessage(name, removed));
      continue;
    }
    const type = RULE_TYPE_TO_MODULE_TYPE[rule.type];
    modules.push({ name, type, content: await readModule(file, type), filePath: file });
  }
  return modules;
}

async function* walk(dir) {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* walk(full);
    } else if (entry.isFile() && !SECRET_FILE.test(entry.name)) {
      yield full;
    }
  }
}
