// no_bundle: the worker's files are loaded as they are, each its own module.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { BundleError, toBundleError } from './errors.js';
import { ADDITIONAL_MODULES_NEED_ESM, findAdditionalModules, readModule, relativeModuleName } from './modules.js';
import {
  DEFAULT_MODULE_RULES,
  NO_BUNDLE_JS_RULES,
  RULE_TYPE_TO_MODULE_TYPE,
  matchRule,
  parseRules,
} from './rules.js';

const NEEDS_COMPILING = /\.(?:[cm]?tsx?|jsx)$/i;

/** Same result shape as bundleWorker's bundled mode, without running a bundler. */
export async function bundleless(input) {
  const { main, baseDir, rootDir } = input;
  if (NEEDS_COMPILING.test(main)) {
    throw new BundleError(
      `${path.relative(rootDir, main)} needs compiling (TypeScript or JSX), which no_bundle skips. ` +
        'Remove no_bundle, or point "main" at the compiled JavaScript.',
    );
  }
  const mainModule = relativeModuleName(baseDir, main);
  if (!mainModule) {
    throw new BundleError(`The entry point ${main} is outside base_dir (${baseDir}); module names are relative to base_dir.`);
  }

  const parsedRules = parseRules(input.rules, [...DEFAULT_MODULE_RULES, ...NO_BUNDLE_JS_RULES]);
  const exports = await entryExports(input);
  const format = exports.length > 0 ? 'modules' : 'service-worker';
  const mainType = format === 'modules' ? moduleTypeOf(parsedRules, mainModule) : 'script';
  const entry = { name: mainModule, type: mainType, content: await readModule(main, 'text'), filePath: main };
  const additional = await additionalModules(input, parsedRules, format);

  const modules = [entry, ...additional];
  return {
    format,
    mainModule,
    modules: modules.map(({ name, type, content }) => ({ name, type, content })),
    sourceMaps: existingSourceMaps(modules),
    watchFiles: modules.map((m) => m.filePath),
    exports,
    warnings: parsedRules.warnings,
  };
}

function moduleTypeOf(parsedRules, name) {
  const rule = matchRule(parsedRules.rules, name);
  const type = rule ? RULE_TYPE_TO_MODULE_TYPE[rule.type] : 'esm';
  if (type !== 'esm' && type !== 'commonjs') {
    throw new BundleError(`The entry point "${name}" matches a ${rule.type} module rule; it must be JavaScript.`);
  }
  return type;
}

async function additionalModules(input, parsedRules, format) {
  if (!input.findAdditionalModules) return [];
  if (format === 'service-worker') {
    // wrangler only allows additional modules next to an ES module entry point.
    if (input.raw?.find_additional_modules === true) {
      throw new BundleError(ADDITIONAL_MODULES_NEED_ESM);
    }
    return [];
  }
  const exclude = new Set([input.main, input.configPath].filter(Boolean));
  return findAdditionalModules({ baseDir: input.baseDir, parsedRules, exclude });
}

/** The entry file's own export names (no bundling), as wrangler uses to guess the format. */
async function entryExports(input) {
  try {
    const result = await esbuild.build({
      entryPoints: [input.main],
      bundle: false,
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: input.rootDir,
      outdir: input.rootDir,
      allowOverwrite: true,
      platform: 'neutral',
      loader: { '.js': 'jsx', '.mjs': 'jsx', '.cjs': 'jsx' },
    });
    const entry = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
    return entry.exports;
  } catch (err) {
    throw await toBundleError(err);
  }
}

/** Source maps the files already point at with a `//# sourceMappingURL=` comment. */
function existingSourceMaps(modules) {
  const maps = {};
  for (const m of modules) {
    if (typeof m.content !== 'string' || (m.type !== 'esm' && m.type !== 'commonjs' && m.type !== 'script')) continue;
    const map = readLinkedSourceMap(m.filePath, m.content);
    if (map) maps[m.name] = map;
  }
  return maps;
}

function readLinkedSourceMap(file, code) {
  const match = /\/\/[#@] sourceMappingURL=(\S+)\s*$/.exec(code);
  if (!match) return null;
  const url = match[1];
  try {
    const inline = /^data:application\/json(?:;charset=[^;,]+)?;base64,(.*)$/.exec(url);
    if (inline) return JSON.parse(Buffer.from(inline[1], 'base64').toString('utf8'));
    const mapFile = path.resolve(path.dirname(file), decodeURIComponent(url));
    return existsSync(mapFile) ? JSON.parse(readFileSync(mapFile, 'utf8')) : null;
  } catch {
    return null; // a broken map should not stop the worker from loading
  }
}
