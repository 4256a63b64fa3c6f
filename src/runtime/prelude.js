// Builds the in-isolate Web platform (src/runtime/web) into one classic script, once per
// process, and keeps V8's code cache for it so each new isolate skips parsing and compiling.
import { fileURLToPath } from 'node:url';
import ivm from 'isolated-vm';
import * as esbuild from 'esbuild';

const ENTRY = fileURLToPath(new URL('./web/index.js', import.meta.url));
export const PRELUDE_FILENAME = 'outpost:prelude';
// The bundle's exports are held in this variable, scoped to a wrapping function whose result
// (the script's completion value) is `boot`, so nothing of it is left on the global object.
const EXPORTS = '__outpostPrelude';

let built = null;

function build() {
  const result = esbuild.buildSync({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: EXPORTS,
    banner: { js: '(function () {' },
    footer: { js: `return ${EXPORTS}.boot;\n})()` },
    platform: 'neutral',
    target: 'es2024',
    // Minified: the source of the prelude stays resident in every isolate (~90 KiB saved each).
    minifySyntax: true,
    minifyWhitespace: true,
    minifyIdentifiers: true,
    keepNames: true, // class and function names are observable (Headers.name === 'Headers')
    legalComments: 'none',
    mainFields: ['module', 'main'],
  });
  return result.outputFiles[0].text;
}

// The prelude source and its code cache. The cache is produced by compiling in a scratch
// isolate, since V8 only emits it after a compile.
export function getPrelude() {
  if (built) return built;
  const code = build();
  const scratch = new ivm.Isolate({ memoryLimit: 64 });
  try {
    const script = scratch.compileScriptSync(code, { filename: PRELUDE_FILENAME, produceCachedData: true });
    built = { code, cachedData: script.cachedData };
    script.release();
  } finally {
    scratch.dispose();
  }
  return built;
}
