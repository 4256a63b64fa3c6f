// Builds the in-isolate Web platform (src/runtime/web) once per process: the prelude, one
// classic script every isolate starts with, and the extensions, scripts compiled into an
// isolate only when its worker first needs them. V8's code cache is kept for each, so an isolate
// skips parsing and compiling them.
//
// What is an extension is decided by the code itself: a `require('./x.js')` in the platform's
// sources marks x.js (with what only it imports) as loaded on demand; `import` marks a module
// as part of whatever imports it.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import ivm from 'isolated-vm';
import * as esbuild from 'esbuild';

const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));
// The Node.js module implementations node:* modules are built on (@jspm/core: ESM builds of the
// browserify family). Each of its files is an extension of its own, so the chunks its modules share
// (one Buffer class, one EventEmitter) exist once per isolate.
const NODELIBS_DIR = path.dirname(fileURLToPath(import.meta.resolve('@jspm/core/nodelibs/@empty'))) + path.sep + 'browser' + path.sep;
const ENTRY = path.join(WEB_DIR, 'index.js');
const EXTENSIONS_MODULE = path.join(WEB_DIR, 'internal/extensions.js');
export const PRELUDE_FILENAME = 'outpost:prelude';
// The bundle's exports are held in this variable, scoped to a wrapping function whose result
// (the script's completion value) is `boot`, so nothing of it is left on the global object.
const EXPORTS = '__outpostPrelude';

const COMMON_OPTIONS = {
  bundle: true,
  write: false,
  platform: 'neutral',
  target: 'es2024',
  // Minified: the source of every script loaded stays resident in the isolate.
  minifySyntax: true,
  minifyWhitespace: true,
  minifyIdentifiers: true,
  keepNames: true, // class and function names are observable (Headers.name === 'Headers')
  legalComments: 'none',
  mainFields: ['module', 'main'],
  metafile: true,
};

// "./x.js" for a file of src/runtime/web: how modules are named across scripts.
const webPath = (file) => `./${path.relative(WEB_DIR, file).split(path.sep).join('/')}`;
const isNodelibsFile = (file) => file.startsWith(NODELIBS_DIR);

// @jspm/core's process is a browser shim (nextTick on timers, an empty env): its modules get
// Outpost's node:process instead, through ./node/_jspm-process.js.
const processChunks = new Map();
function isNodelibsProcessChunk(file) {
  if (!processChunks.has(file)) {
    const text = readFileSync(file, 'utf8');
    processChunks.set(file, text.includes('export { process as p }') && text.includes('is not supported by JSPM core'));
  }
  return processChunks.get(file);
}
const isWebFile = (file) => file.startsWith(WEB_DIR) || isNodelibsFile(file);

// In the prelude, a required platform file becomes a stub that loads it as an extension.
function preludePlugin(extensions) {
  return {
    name: 'outpost-prelude',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind !== 'require-call') return undefined;
        const file = path.resolve(args.resolveDir, args.path);
        if (!isWebFile(file)) return undefined;
        extensions.add(webPath(file));
        return { path: webPath(file), namespace: 'outpost-extension' };
      });
      build.onLoad({ filter: /.*/, namespace: 'outpost-extension' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(EXTENSIONS_MODULE)}).extension(${JSON.stringify(args.path)});`,
        loader: 'js',
        resolveDir: WEB_DIR,
      }));
    },
  };
}

// In an extension, the prelude's modules (and other extensions) are taken from the isolate, not
// bundled again: one class of Response, one streams implementation.
function extensionPlugin(coreFiles) {
  return {
    name: 'outpost-extension',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const file = path.resolve(args.resolveDir, args.path);
        if (!isWebFile(file)) return undefined;
        if (isNodelibsFile(file) && isNodelibsProcessChunk(file)) return { path: './node/_jspm-process.js', external: true };
        if (coreFiles.has(file) || args.kind === 'require-call' || isNodelibsFile(file)) return { path: webPath(file), external: true };
        return undefined;
      });
      // A node:* module's implementation, imported by package name from src/runtime/web/node.
      build.onResolve({ filter: /^@jspm\/core\// }, async (args) => {
        if (args.pluginData === 'outpost-resolving') return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'outpost-resolving' });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return { path: webPath(resolved.path), external: true };
      });
    },
  };
}

async function buildPrelude() {
  const extensions = new Set();
  const coreFiles = await listCoreFiles();
  const result = await esbuild.build({
    ...COMMON_OPTIONS,
    stdin: { contents: coreEntry(coreFiles), resolveDir: WEB_DIR, sourcefile: 'outpost-prelude-entry.js', loader: 'js' },
    format: 'iife',
    globalName: EXPORTS,
    banner: { js: '(function () {' },
    footer: { js: `return ${EXPORTS}.boot;\n})()` },
    plugins: [preludePlugin(extensions)],
  });
  return { code: result.outputFiles[0].text, coreFiles: new Set(coreFiles), extensions };
}

// The prelude's entry: boot, plus every platform module that is not an extension, registered by
// path so extensions can import them.
function coreEntry(files) {
  const lines = [`export { boot } from './index.js';`, `import { setCoreModules } from './internal/extensions.js';`];
  const names = [];
  files.forEach((file, i) => {
    lines.push(`import * as m${i} from ${JSON.stringify(webPath(file))};`);
    names.push(`${JSON.stringify(webPath(file))}: m${i}`);
  });
  lines.push(`setCoreModules({ ${names.join(', ')} });`);
  return lines.join('\n');
}

// Platform modules that index.js imports statically, directly or not: the prelude's core. Found
// by a first build of index.js alone.
async function listCoreFiles() {
  const result = await esbuild.build({ ...COMMON_OPTIONS, entryPoints: [ENTRY], format: 'iife', plugins: [preludePlugin(new Set())] });
  return Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes(':'))
    .map((input) => path.resolve(input))
    .filter((file) => isWebFile(file) && file !== ENTRY);
}

async function buildExtensions(coreFiles, extensions) {
  const built = new Map();
  const pending = [...extensions];
  while (pending.length > 0) {
    const name = pending.pop();
    if (built.has(name)) continue;
    const required = new Set();
    const result = await esbuild.build({
      ...COMMON_OPTIONS,
      entryPoints: [path.join(WEB_DIR, name)],
      format: 'cjs',
      // A function of (module, require), run by extension() in internal/extensions.js.
      banner: { js: '(function (module, require) {' },
      footer: { js: '})' },
      plugins: [extensionPlugin(coreFiles)],
    });
    for (const output of Object.values(result.metafile.outputs)) {
      for (const imported of output.imports) {
        if (imported.external && !coreFiles.has(path.join(WEB_DIR, imported.path))) required.add(imported.path);
      }
    }
    built.set(name, { code: result.outputFiles[0].text, cachedData: null });
    pending.push(...required);
  }
  return built;
}

// Uint8Array's base64 conversions, which Buffer is built on (see web/base64.js): Node 24's V8
// has them behind this flag. V8 reads it as it makes each context, so it is set before any
// isolate exists.
if (typeof Uint8Array.fromBase64 !== 'function') v8.setFlagsFromString('--js-base-64');

// Built when the runtime is first imported (esbuild's plugins need its asynchronous API), so
// that creating an isolate stays synchronous.
const prelude = await buildAll();

async function buildAll() {
  const { code, coreFiles, extensions } = await buildPrelude();
  const scratch = new ivm.Isolate({ memoryLimit: 64 });
  try {
    const script = scratch.compileScriptSync(code, { filename: PRELUDE_FILENAME, produceCachedData: true });
    const cachedData = script.cachedData;
    script.release();
    return { code, cachedData, extensions: await buildExtensions(coreFiles, extensions) };
  } finally {
    scratch.dispose();
  }
}

// The prelude { code, cachedData, extensions: Map(path -> { code, cachedData }) }. The
// prelude's code cache is produced in a scratch isolate; an extension's the first time it is
// compiled (see compileExtension).
export function getPrelude() {
  return prelude;
}

// Compiles extension `name` into `isolate` and runs it in `context`, returning a reference to
// its (module, require) function.
export function compileExtension(isolate, context, name) {
  const extension = getPrelude().extensions.get(name);
  if (!extension) throw new Error(`No such platform module: ${name}`);
  const options = { filename: `outpost:${name.slice(2)}` };
  if (extension.cachedData) options.cachedData = extension.cachedData;
  else options.produceCachedData = true;
  const script = isolate.compileScriptSync(extension.code, options);
  if (!extension.cachedData && script.cachedData) extension.cachedData = script.cachedData;
  return script.runSync(context, { reference: true, release: true });
}
