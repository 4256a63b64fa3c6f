// Builds what the runtime loads from a worker's normalized config (see
// src/config/load.js): one bundled main module plus any separate modules, or,
// with no_bundle, the worker's files as they are.
import { mkdir, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { BundleError, formatMessages, toBundleError } from './errors.js';
import { createModuleCollector } from './collector.js';
import { ADDITIONAL_MODULES_NEED_ESM, findAdditionalModules } from './modules.js';
import { bundleless } from './no-bundle.js';
import { parseRules } from './rules.js';

export { BundleError };

export const DEFAULT_MAX_GZIP_BYTES = 10 * 1024 * 1024;

// What wrangler passes to esbuild for workers.
const CONDITIONS = ['workerd', 'worker', 'browser'];
const MAIN_FIELDS = ['browser', 'module', 'main'];
const TARGET = 'es2024';
// Left for the runtime to provide. esbuild treats a bare name as covering its
// subpaths too ("fs" also matches "fs/promises").
const EXTERNALS = [
  'cloudflare:*',
  'node:*',
  '__STATIC_CONTENT_MANIFEST',
  ...new Set(builtinModules.map((name) => name.split('/')[0])),
];

/**
 * @param {object} config the object returned by loadConfig() (only the fields
 *   used here are needed: main, rootDir, rules, noBundle, findAdditionalModules,
 *   baseDir, preserveFileNames, define, alias, minify, keepNames, tsconfig,
 *   jsxFactory, jsxFragment, durableObjects, configPath)
 * @param {object} [options]
 * @param {string} [options.outDir] also write the modules (and .map files) there
 * @param {number} [options.maxGzipBytes] size limit, default 10 MiB
 * @param {string} [options.nodeEnv] value of process.env.NODE_ENV in the bundle
 * @returns {Promise<{format, mainModule, modules, sourceMaps, watchFiles, sizeBytes, gzipSizeBytes, exports, warnings}>}
 *   `exports` lists the main module's export names; `warnings` holds formatted
 *   esbuild warnings and module rule warnings (nothing is printed).
 */
export async function bundleWorker(config, options = {}) {
  const input = normalizeInput(config);
  const result = input.noBundle ? await bundleless(input) : await bundled(input, options);
  checkUniqueNames(result.modules);
  checkDurableObjectExports(input, result);

  const sizes = checkBundleSize(result.modules, options.maxGzipBytes);
  const output = { ...result, ...sizes };
  if (options.outDir) await writeOutput(output, path.resolve(options.outDir));
  return output;
}

function normalizeInput(config) {
  if (!config?.main) throw new BundleError('Cannot bundle: the config has no entry point ("main").');
  const main = path.resolve(config.main);
  return {
    ...config,
    main,
    rootDir: config.rootDir ?? path.dirname(main),
    baseDir: config.baseDir ?? path.dirname(main),
    rules: config.rules ?? [],
    define: config.define ?? {},
    durableObjects: config.durableObjects ?? [],
  };
}

// Node.js compatibility: `require("fs")` or `require("node:fs")` in bundled code (npm packages
// written as CommonJS) becomes an import of the runtime's node:fs, whose default export is what
// require() returns in Node. (esbuild would otherwise leave a require() that fails at run time.)
const NODE_BUILTIN = new RegExp(`^(node:)?(${builtinModules.filter((name) => !name.startsWith('_')).map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`);

// The runtime's modules (cloudflare:*, node:*) imported with import(): isolates cannot load
// modules on demand, so the import becomes a static one, taken when the promise is asked for
// (npm packages such as pg load cloudflare:sockets this way).
const RUNTIME_MODULE = new RegExp(`^(cloudflare:.+|node:.+|${builtinModules.filter((name) => !name.startsWith('_')).map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`);

function dynamicRuntimeImportPlugin() {
  return {
    name: 'outpost-dynamic-runtime-import',
    setup(build) {
      build.onResolve({ filter: RUNTIME_MODULE }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        return { path: args.path, namespace: 'outpost-dynamic-import' };
      });
      build.onLoad({ filter: /.*/, namespace: 'outpost-dynamic-import' }, (args) => {
        const specifier = JSON.stringify(/^(cloudflare|node):/.test(args.path) ? args.path : `node:${args.path}`);
        return { contents: `export * from ${specifier};\nexport { default } from ${specifier};\n`, loader: 'js' };
      });
    },
  };
}

function nodeRequirePlugin() {
  return {
    name: 'outpost-node-require',
    setup(build) {
      build.onResolve({ filter: NODE_BUILTIN }, (args) => {
        if (args.kind !== 'require-call') return undefined;
        return { path: args.path.replace(/^node:/, ''), namespace: 'outpost-node-require' };
      });
      build.onLoad({ filter: /.*/, namespace: 'outpost-node-require' }, (args) => ({
        contents: `import builtin from ${JSON.stringify(`node:${args.path}`)};\nmodule.exports = builtin;\n`,
        loader: 'js',
      }));
    },
  };
}

// ---------------------------------------------------------------------------
// Bundled mode

async function bundled(input, options) {
  const parsedRules = parseRules(input.rules);
  const foundModules = await discoverModules(input, parsedRules);

  let collector = newCollector(input, parsedRules, foundModules);
  let build = await runEsbuild(input, options, 'esm', collector.plugin, foundModules);
  let entryOutput = findEntryOutput(build, input.rootDir);
  const format = entryOutput.exports.length > 0 ? 'modules' : 'service-worker';

  if (format === 'service-worker') {
    assertNoModuleImports(input, collector, foundModules);
    // Service workers are classic scripts: rebuild without ESM syntax.
    collector = newCollector(input, parsedRules, foundModules);
    build = await runEsbuild(input, options, 'iife', collector.plugin, foundModules);
    entryOutput = findEntryOutput(build, input.rootDir);
  }

  const mainModule = `${path.parse(input.main).name}.js`;
  const mainType = format === 'modules' ? 'esm' : 'script';
  const extra = [...foundModules.values(), ...collector.modules.values()];
  const modules = [
    { name: mainModule, type: mainType, content: entryOutput.code.text },
    ...extra.map(({ name, type, content }) => ({ name, type, content })),
  ];
  const map = sourceMapFor(entryOutput, mainModule, input);

  return {
    format,
    mainModule,
    modules,
    sourceMaps: { [mainModule]: map },
    watchFiles: unique([...inputFiles(build.metafile, input.rootDir), ...extra.map((m) => m.filePath)]),
    exports: entryOutput.exports,
    warnings: [...parsedRules.warnings, ...(await formatMessages(build.warnings, 'warning'))],
  };
}

function newCollector(input, parsedRules, foundModules) {
  return createModuleCollector({
    parsedRules,
    baseDir: input.baseDir,
    preserveFileNames: input.preserveFileNames ?? false,
    foundModules,
  });
}

/** With find_additional_modules, every rule-matched file under base_dir is a module. */
async function discoverModules(input, parsedRules) {
  if (!input.findAdditionalModules) return new Map();
  const exclude = new Set([input.main, input.configPath].filter(Boolean));
  const found = await findAdditionalModules({ baseDir: input.baseDir, parsedRules, exclude });
  return new Map(found.map((m) => [m.filePath, m]));
}

/**
 * The output is placed in base_dir, the root of the module namespace, so that
 * imports of found modules are written relative to it (`./lang/en.js`).
 * Nothing is written to disk.
 */
async function runEsbuild(input, options, format, collectorPlugin, foundModules) {
  try {
    return await esbuild.build({
      entryPoints: [input.main],
      bundle: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: input.rootDir,
      outdir: input.baseDir,
      entryNames: path.parse(input.main).name,
      allowOverwrite: true,
      format,
      platform: 'neutral',
      target: TARGET,
      conditions: CONDITIONS,
      mainFields: MAIN_FIELDS,
      // Found modules are external by absolute path: unlike plugins, this also
      // covers esbuild's expansion of template-literal imports (import(`./lang/${x}.js`)).
      external: [...EXTERNALS, ...foundModules.keys()],
      loader: { '.js': 'jsx', '.mjs': 'jsx', '.cjs': 'jsx' },
      sourcemap: 'external',
      sourcesContent: true,
      minify: input.minify ?? false,
      keepNames: input.keepNames ?? true,
      define: {
        'process.env.NODE_ENV': JSON.stringify(options.nodeEnv ?? process.env.NODE_ENV ?? 'production'),
        ...input.define,
      },
      ...(Object.keys(input.alias ?? {}).length > 0 && { alias: input.alias }),
      ...(input.tsconfig && { tsconfig: input.tsconfig }),
      ...(input.jsxFactory && { jsxFactory: input.jsxFactory }),
      ...(input.jsxFragment && { jsxFragment: input.jsxFragment }),
      plugins: input.compatibility?.nodejsCompat === false
        ? [dynamicRuntimeImportPlugin(), collectorPlugin]
        : [nodeRequirePlugin(), dynamicRuntimeImportPlugin(), collectorPlugin],
    });
  } catch (err) {
    throw await toBundleError(err);
  }
}

/** The entry point's output file, its source map, and its export names. */
function findEntryOutput(build, rootDir) {
  const [outPath, meta] = Object.entries(build.metafile.outputs).find(([, o]) => o.entryPoint !== undefined);
  const codePath = path.resolve(rootDir, outPath); // metafile paths are relative to absWorkingDir
  const code = build.outputFiles.find((f) => f.path === codePath);
  const map = build.outputFiles.find((f) => f.path === `${codePath}.map`);
  return { code, map, exports: meta.exports };
}

/** The parsed source map, with `sources` made relative to rootDir so traces name the user's files. */
function sourceMapFor(entryOutput, mainModule, input) {
  const map = JSON.parse(entryOutput.map.text);
  const outDir = path.dirname(entryOutput.code.path);
  map.file = mainModule;
  map.sources = map.sources.map((source) =>
    path.relative(input.rootDir, path.resolve(outDir, source)).split(path.sep).join('/'),
  );
  return map;
}

function assertNoModuleImports(input, collector, foundModules) {
  const names = [...collector.modules.values()].map((m) => path.relative(input.rootDir, m.filePath));
  if (names.length > 0) {
    throw new BundleError(
      `${path.relative(input.rootDir, input.main)} is a service-worker format script (it has no exports), ` +
        `but it imports files that must be separate modules: ${names.join(', ')}. ` +
        'Module imports of wasm, text and data files need the ES module format: ' +
        'export a default handler, e.g. `export default { fetch(request, env, ctx) { ... } }`.',
    );
  }
  if (foundModules.size > 0) {
    throw new BundleError(ADDITIONAL_MODULES_NEED_ESM);
  }
}

/** Absolute paths of the files esbuild read (only real files, not virtual namespaces). */
function inputFiles(metafile, rootDir) {
  return Object.keys(metafile.inputs)
    .filter((key) => !/^[a-z][\w-]*:/i.test(key))
    .map((key) => path.resolve(rootDir, key));
}

// ---------------------------------------------------------------------------
// Errors, checks, sizes, output

function checkUniqueNames(modules) {
  const seen = new Set();
  for (const { name } of modules) {
    if (seen.has(name)) throw new BundleError(`Two modules would both be named "${name}"; rename one of the files.`);
    seen.add(name);
  }
}

/**
 * wrangler refuses a worker whose Durable Object bindings name a class the
 * worker does not export (unless the class lives in another script).
 */
function checkDurableObjectExports(input, result) {
  if (!result.exports) return;
  const missing = input.durableObjects
    .filter((b) => !b.script_name && !result.exports.includes(b.class_name))
    .map((b) => b.class_name);
  if (missing.length > 0) {
    throw new BundleError(
      `Your Worker depends on the following Durable Objects, which are not exported in your entrypoint file: ` +
        `${missing.join(', ')}.\nExport these classes from ${path.relative(input.rootDir, input.main)}, ` +
        'or set "script_name" on their bindings if they live in another worker.',
    );
  }
}

// { sizeBytes, gzipSizeBytes } of the modules; a BundleError when gzipped they exceed the limit.
export function checkBundleSize(modules, maxGzipBytes = DEFAULT_MAX_GZIP_BYTES) {
  const sizes = measure(modules);
  if (sizes.gzipSizeBytes > maxGzipBytes) {
    throw new BundleError(
      `Worker is too large: ${formatBytes(sizes.gzipSizeBytes)} gzipped (${formatBytes(sizes.sizeBytes)} uncompressed) ` +
        `exceeds the limit of ${formatBytes(maxGzipBytes)} gzipped.`,
    );
  }
  return sizes;
}

function measure(modules) {
  let sizeBytes = 0;
  let gzipSizeBytes = 0;
  for (const { content } of modules) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    sizeBytes += bytes.byteLength;
    gzipSizeBytes += gzipSync(bytes).byteLength;
  }
  return { sizeBytes, gzipSizeBytes };
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(2)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

async function writeOutput(output, outDir) {
  for (const { name, content } of output.modules) {
    const file = path.join(outDir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  for (const [name, map] of Object.entries(output.sourceMaps)) {
    await writeFile(path.join(outDir, `${name}.map`), JSON.stringify(map));
  }
}

function unique(list) {
  return [...new Set(list)];
}
