// AsyncLocalStorage keeps its store across `await` in Workers because V8 carries a context into
// promise jobs for an embedder that sets it from C++ ("continuation-preserved embedder data"),
// which isolated-vm does not expose. So a worker that uses node:async_hooks has its async
// functions, async generators and `for await` loops compiled to generators driven by promise
// reactions (esbuild's lowering), which the isolate's async context follows (see
// web/node/_async-context.js). Other workers run their code as it is.
import { Buffer } from 'node:buffer';
import * as esbuild from 'esbuild';

// Any mention counts: an import, require() or process.getBuiltinModule() of node:async_hooks or
// async_hooks.
const USES_ASYNC_HOOKS = /\basync_hooks\b/;
const SCRIPT_TYPES = new Set(['esm', 'commonjs', 'script']);
const LOWERED = Object.freeze({ 'async-await': false, 'async-generator': false, 'for-await': false });
const SOURCE_MAPPING_URL = /\n?\/\/[#@] sourceMappingURL=\S+\s*$/;

// `bundle` (the bundler's output) with its scripts lowered when the worker can import
// node:async_hooks and mentions it; the bundle itself otherwise. `warn(message)` hears of
// modules left as they are.
export function lowerAsyncForContext(bundle, compat, warn) {
  if (!compat.nodejsCompat && !compat.nodejsAls) return bundle;
  const isScript = (module) => SCRIPT_TYPES.has(module.type) && typeof module.content === 'string';
  if (!bundle.modules.some((module) => isScript(module) && USES_ASYNC_HOOKS.test(module.content))) return bundle;
  const sourceMaps = { ...bundle.sourceMaps };
  const modules = bundle.modules.map((module) => {
    const lowered = isScript(module) ? lower(module, bundle.sourceMaps?.[module.name], warn) : null;
    if (lowered === null) return module;
    sourceMaps[module.name] = lowered.map;
    return { ...module, content: lowered.code };
  });
  return { ...bundle, modules, sourceMaps };
}

// The module's code lowered, with a source map leading to its original sources (through its own
// map, if it has one); null when esbuild cannot lower it: a module with top-level await (which
// esbuild cannot keep while lowering the rest), or one that does not parse (V8 then reports the
// error).
function lower(module, map, warn) {
  const inlineMap = map ? `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}` : '';
  try {
    const result = esbuild.transformSync(module.content.replace(SOURCE_MAPPING_URL, '') + inlineMap, {
      loader: 'js',
      supported: LOWERED,
      sourcemap: 'external',
      sourcefile: module.name,
      sourcesContent: false,
      logLevel: 'silent',
    });
    return { code: result.code, map: JSON.parse(result.map) };
  } catch (err) {
    if (err.errors?.some((e) => /top-level await/i.test(e.text))) {
      warn(`${module.name} uses top-level await, so its code runs unchanged: an AsyncLocalStorage store set in it is lost after an \`await\`.`);
    }
    return null;
  }
}
