// Module rules: which imported files stay separate modules, and of which type.
// Semantics follow wrangler's `parseRules` and `glob-to-regexp` (globstar mode).

/** wrangler's default rules, applied after the user's `[[rules]]`. */
export const DEFAULT_MODULE_RULES = [
  { type: 'Text', globs: ['**/*.txt', '**/*.html', '**/*.sql'] },
  { type: 'Data', globs: ['**/*.bin'] },
  { type: 'CompiledWasm', globs: ['**/*.wasm', '**/*.wasm?module'] },
];

/** Extra defaults when nothing is bundled: JavaScript files are modules too. */
export const NO_BUNDLE_JS_RULES = [
  { type: 'ESModule', globs: ['**/*.js', '**/*.mjs'] },
  { type: 'CommonJS', globs: ['**/*.cjs'] },
];

export const RULE_TYPE_TO_MODULE_TYPE = {
  ESModule: 'esm',
  CommonJS: 'commonjs',
  CompiledWasm: 'compiled-wasm',
  Text: 'text',
  Data: 'data',
};

export function isJavaScriptRule(rule) {
  return rule.type === 'ESModule' || rule.type === 'CommonJS';
}

/**
 * Combines user rules with the defaults. For each type, the first rule without
 * `fallthrough = true` closes that type: later rules of the same type (user or
 * default) are removed. Importing a file that only a removed rule matches is an
 * error, as in wrangler.
 * Returns { rules, removedRules, warnings }.
 */
export function parseRules(userRules = [], defaults = DEFAULT_MODULE_RULES) {
  const all = [...userRules, ...defaults];
  const closedBy = new Map(); // type -> index of the rule that closed it
  const rules = [];
  const removedRules = [];
  const ignored = new Map(); // closing index -> ignored rule descriptions
  all.forEach((rule, index) => {
    if (closedBy.has(rule.type)) {
      removedRules.push(rule);
      const closer = closedBy.get(rule.type);
      if (all[closer].fallthrough !== false) {
        const note = `${JSON.stringify(rule)}${index >= userRules.length ? ' (DEFAULT)' : ''}`;
        ignored.set(closer, [...(ignored.get(closer) ?? []), note]);
      }
      return;
    }
    rules.push(rule);
    if (rule.fallthrough !== true) closedBy.set(rule.type, index);
  });

  const warnings = [...ignored].map(
    ([closer, notes]) =>
      `The ${closer >= userRules.length ? 'default ' : ''}module rule ${JSON.stringify(all[closer])} ` +
      `does not have a fallback, the following rules will be ignored:\n ${notes.join('\n ')}\n\n` +
      'Add `fallthrough = true` to rule to allow next rule to be used or `fallthrough = false` to silence this warning',
  );
  return { rules: rules.map(compileRule), removedRules: removedRules.map(compileRule), warnings };
}

function compileRule(rule) {
  return { ...rule, regexps: rule.globs.map(globToRegExp) };
}

/** The first rule (in order) with a glob matching `file`, or undefined. */
export function matchRule(rules, file) {
  return rules.find((rule) => rule.regexps.some((re) => re.test(file)));
}

/**
 * Glob to RegExp like glob-to-regexp with { globstar: true }: `*` matches within
 * one path segment, a `**` segment matches any number of segments, every other
 * character (including `?`, so `**\/*.wasm?module` works) is literal.
 * The source is also valid Go regexp syntax, so it can be an esbuild filter.
 */
export function globToRegExp(glob) {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char !== '*') {
      source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const prev = glob[i - 1];
    let stars = 1;
    while (glob[i + 1] === '*') {
      stars++;
      i++;
    }
    const next = glob[i + 1];
    const isGlobstar = stars > 1 && (prev === undefined || prev === '/') && (next === undefined || next === '/');
    if (isGlobstar) {
      source += '(?:[^/]*(?:/|$))*';
      i++; // the following "/" is part of the globstar
    } else {
      source += '[^/]*';
    }
  }
  return new RegExp(`^${source}$`);
}
