// esbuild plugin that keeps rule-matched imports (wasm, text, data, and modules
// found by find_additional_modules) out of the bundle as separate modules.
import path from 'node:path';
import { RULE_TYPE_TO_MODULE_TYPE, isJavaScriptRule, matchRule } from './rules.js';
import { hashedModuleName, readModule, relativeModuleName, removedRuleMessage } from './modules.js';

// Marks our own nested build.resolve() calls so the hook does not recurse.
const NESTED = Symbol('outpost-collector-nested');

/**
 * @param {object} options
 * @param {{rules: object[], removedRules: object[]}} options.parsedRules from parseRules()
 * @param {string} options.baseDir module names are relative to this directory
 * @param {boolean} options.preserveFileNames name modules by path instead of content hash
 * @param {Map<string, object>} [options.foundModules] absolute path -> module found on disk
 * Returns { plugin, modules } where `modules` (a Map by name) fills up during the build.
 */
export function createModuleCollector({ parsedRules, baseDir, preserveFileNames, foundModules = new Map() }) {
  const modules = new Map();
  // JavaScript is bundled by esbuild; JS rules only matter for modules found on
  // disk, which the build marks external by absolute path (see bundle.js).
  const rules = parsedRules.rules.filter((rule) => !isJavaScriptRule(rule));
  const removed = parsedRules.removedRules.filter((rule) => !isJavaScriptRule(rule));

  const moduleName = (file, content) => {
    const relative = preserveFileNames ? relativeModuleName(baseDir, file) : null;
    return relative ?? hashedModuleName(file, content);
  };

  const plugin = {
    name: 'outpost-module-collector',
    setup(build) {
      const sources = [...rules, ...removed].flatMap((rule) => rule.regexps.map((re) => `(?:${re.source})`));
      if (sources.length === 0) return;
      build.onResolve({ filter: new RegExp(sources.join('|')) }, async (args) => {
        if (args.pluginData?.[NESTED]) return undefined;
        const rule = matchRule(rules, args.path);
        if (!rule) {
          const removedRule = matchRule(removed, args.path);
          return removedRule ? { errors: [{ text: removedRuleMessage(args.path, removedRule) }] } : undefined;
        }

        const resolved = await resolveFile(build, args);
        if (resolved.errors) return resolved;
        const file = resolved.path;
        const found = foundModules.get(file);
        if (found) return { path: `./${found.name}`, external: true };

        const type = RULE_TYPE_TO_MODULE_TYPE[rule.type];
        let content;
        try {
          content = await readModule(file, type);
        } catch (err) {
          return { errors: [{ text: `Could not read "${args.path}" (${file}): ${err.code ?? err.message}` }] };
        }
        const name = moduleName(file, content);
        modules.set(name, { name, type, content, filePath: file });
        return { path: `./${name}`, external: true, watchFiles: [file] };
      });
    },
  };
  return { plugin, modules };
}

/** Absolute path of an import, resolving bare package paths with esbuild's resolver. */
async function resolveFile(build, args) {
  const specifier = args.path.replace(/\?module$/, '');
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
    return { path: path.resolve(args.resolveDir, specifier) };
  }
  const result = await build.resolve(specifier, {
    kind: args.kind,
    importer: args.importer,
    resolveDir: args.resolveDir,
    pluginData: { [NESTED]: true },
  });
  return result.errors.length > 0 ? { errors: result.errors } : { path: result.path };
}
