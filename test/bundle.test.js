import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { BundleError, bundleWorker } from '../src/bundle/bundle.js';
import { globToRegExp, matchRule, parseRules } from '../src/bundle/rules.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/bundle/', import.meta.url));
const fixtureConfig = (name, options = {}) => loadConfig({ cwd: path.join(FIXTURES, name), ...options });

// The smallest valid WebAssembly module: magic number and version 1.
const WASM = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

const tempDirs = [];
after(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A temporary worker from { relativePath: content }; returns its loaded config. */
function tempWorker(files, { toml = '', env } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-bundle-'));
  tempDirs.push(dir);
  const all = {
    'wrangler.toml': `name = "t"\nmain = "src/index.js"\ncompatibility_date = "2024-09-23"\n${toml}\n`,
    ...files,
  };
  for (const [name, content] of Object.entries(all)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return loadConfig({ cwd: dir, env });
}

/** Imports a single-module ESM bundle into Node. */
async function importBundle(result) {
  assert.equal(result.modules.length, 1, 'only self-contained bundles can be imported directly');
  const code = result.modules[0].content;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

async function assertBundleError(promise, ...patterns) {
  let error;
  await assert.rejects(promise, (err) => {
    error = err;
    return err instanceof BundleError;
  });
  for (const pattern of patterns) assert.match(error.message, pattern);
  return error;
}

const sha1 = (bytes) => createHash('sha1').update(bytes).digest('hex');

describe('bundling JavaScript and TypeScript', () => {
  test('a TypeScript worker bundles, with define applied, and runs', async () => {
    const config = fixtureConfig('ts-worker');
    const result = await bundleWorker(config);
    assert.equal(result.format, 'modules');
    assert.equal(result.mainModule, 'index.js');
    assert.deepEqual(result.modules.map((m) => [m.name, m.type]), [['index.js', 'esm']]);
    assert.doesNotMatch(result.modules[0].content, /__VERSION__|interface Greeting/);

    const worker = await importBundle(result);
    const response = await worker.default.fetch(new Request('http://x/?name=Outpost'));
    assert.deepEqual(await response.json(), { text: 'Hello, Outpost!', version: '1.2.3', debug: false });
  });

  test('source maps are parsed, relative to rootDir, with sources content, and map back to the .ts file', async () => {
    const config = fixtureConfig('ts-worker');
    const result = await bundleWorker(config);
    const map = result.sourceMaps['index.js'];
    assert.equal(map.version, 3);
    assert.equal(map.file, 'index.js');
    assert.deepEqual([...map.sources].sort(), ['src/greet.ts', 'src/index.ts']);
    const source = readFileSync(path.join(config.rootDir, 'src/index.ts'), 'utf8');
    assert.equal(map.sourcesContent[map.sources.indexOf('src/index.ts')], source);

    // The generated `throw` maps back to its line in src/index.ts.
    const generated = result.modules[0].content.split('\n');
    const genLine = generated.findIndex((l) => l.includes('boom from the worker'));
    const entry = new SourceMap(map).findEntry(genLine, generated[genLine].indexOf('throw'));
    assert.equal(entry.originalSource, 'src/index.ts');
    assert.equal(entry.originalLine, source.split('\n').findIndex((l) => l.includes('boom from the worker')));
  });

  test('watchFiles lists every input file as an absolute path', async () => {
    const config = fixtureConfig('ts-worker');
    const result = await bundleWorker(config);
    assert.deepEqual([...result.watchFiles].sort(), [
      path.join(config.rootDir, 'src/greet.ts'),
      path.join(config.rootDir, 'src/index.ts'),
    ]);
  });

  test('sizes are reported', async () => {
    const result = await bundleWorker(fixtureConfig('ts-worker'));
    assert.equal(result.sizeBytes, Buffer.byteLength(result.modules[0].content));
    assert.ok(result.gzipSizeBytes > 0 && result.gzipSizeBytes < result.sizeBytes + 100);
  });

  test('a service-worker script is detected, bundled as a classic script, and runs', async () => {
    const result = await bundleWorker(fixtureConfig('service-worker'));
    assert.equal(result.format, 'service-worker');
    assert.equal(result.mainModule, 'worker.js');
    assert.equal(result.modules.length, 1);
    const code = result.modules[0].content;
    assert.doesNotMatch(code, /^\s*(import|export)\b/m, 'no module syntax in a classic script');

    let listener;
    new Function('addEventListener', code)((type, fn) => {
      assert.equal(type, 'fetch');
      listener = fn;
    });
    let responded;
    listener({ request: new Request('http://x/hello'), respondWith: (r) => (responded = r) });
    assert.equal(await (await responded).text(), 'service worker saw /hello');
    assert.ok(result.sourceMaps['worker.js'].sources.includes('helper.js'));
  });

  test('a service-worker script cannot import wasm/text/data modules', async () => {
    const config = tempWorker({
      'src/index.js': 'import text from "./hello.txt";\naddEventListener("fetch", (e) => e.respondWith(new Response(text)));\n',
      'src/hello.txt': 'hi',
    });
    await assertBundleError(bundleWorker(config), /service-worker format/, /src\/hello\.txt/, /export default/);
  });
});

describe('npm dependencies resolve from node_modules', () => {
  test('a Hono app bundles and serves requests', async () => {
    const config = fixtureConfig('hono-app');
    const result = await bundleWorker(config);
    assert.equal(result.format, 'modules');
    assert.ok(result.watchFiles.some((f) => f.includes(`${path.sep}node_modules${path.sep}hono${path.sep}`)));

    const app = (await importBundle(result)).default;
    const home = await app.fetch(new Request('http://x/'));
    assert.equal(await home.text(), 'Hello from Hono');
    const user = await app.fetch(new Request('http://x/users/42'));
    assert.deepEqual(await user.json(), { id: '42' });
  });

  test('an itty-router app bundles and serves requests', async () => {
    const result = await bundleWorker(fixtureConfig('itty-app'));
    const worker = (await importBundle(result)).default;
    const home = await worker.fetch(new Request('http://x/'));
    assert.equal(await home.json(), 'Hello from itty', 'AutoRouter formats results as JSON');
    const item = await worker.fetch(new Request('http://x/items/7'));
    assert.deepEqual(await item.json(), { item: '7' });
  });

  test('cloudflare:*, node:* and bare Node builtins stay external', async () => {
    const config = tempWorker({
      'src/index.js': [
        'import { DurableObject } from "cloudflare:workers";',
        'import { Buffer } from "node:buffer";',
        'import { EventEmitter } from "events";',
        'import { readFile } from "fs/promises";',
        'export default { DurableObject, Buffer, EventEmitter, readFile };',
      ].join('\n'),
    });
    const code = (await bundleWorker(config)).modules[0].content;
    for (const specifier of ['cloudflare:workers', 'node:buffer', 'events', 'fs/promises']) {
      assert.match(code, new RegExp(`from "${specifier}"`), specifier);
    }
  });
});

describe('module rules', () => {
  const files = {
    'src/index.js': [
      'import text from "./assets/hello.txt";',
      'import page from "./assets/page.html";',
      'import query from "./assets/schema.sql";',
      'import bytes from "./assets/blob.bin";',
      'import wasm from "./assets/add.wasm";',
      'import wasm2 from "./assets/add.wasm?module";',
      'export default { text, page, query, bytes, wasm, wasm2 };',
    ].join('\n'),
    'src/assets/hello.txt': 'hello text',
    'src/assets/page.html': '<h1>page</h1>',
    'src/assets/schema.sql': 'SELECT 1;',
    'src/assets/blob.bin': Uint8Array.from([1, 2, 3]),
    'src/assets/add.wasm': WASM,
  };

  test('default rules keep text, data and wasm imports as separate modules named <sha1>-<basename>', async () => {
    const result = await bundleWorker(tempWorker(files));
    const byName = Object.fromEntries(result.modules.map((m) => [m.name, m]));
    const expected = [
      [`${sha1('hello text')}-hello.txt`, 'text', 'hello text'],
      [`${sha1('<h1>page</h1>')}-page.html`, 'text', '<h1>page</h1>'],
      [`${sha1('SELECT 1;')}-schema.sql`, 'text', 'SELECT 1;'],
      [`${sha1(Uint8Array.from([1, 2, 3]))}-blob.bin`, 'data', Uint8Array.from([1, 2, 3])],
      [`${sha1(WASM)}-add.wasm`, 'compiled-wasm', WASM],
    ];
    for (const [name, type, content] of expected) {
      assert.ok(byName[name], `module ${name}`);
      assert.equal(byName[name].type, type);
      assert.deepEqual(byName[name].content, content);
      assert.match(result.modules[0].content, new RegExp(`from "\\./${name.replace('.', '\\.')}"`));
    }
    assert.equal(result.modules.length, 6, 'the ?module import is the same wasm module');
    assert.ok(new WebAssembly.Module(byName[`${sha1(WASM)}-add.wasm`].content) instanceof WebAssembly.Module);
    assert.ok(result.watchFiles.includes(path.join(path.dirname(result.watchFiles[0]), 'assets/add.wasm')));
  });

  test('preserve_file_names names modules by their path under base_dir', async () => {
    const result = await bundleWorker(tempWorker(files, { toml: 'preserve_file_names = true' }));
    const names = result.modules.map((m) => m.name).sort();
    assert.deepEqual(names, ['assets/add.wasm', 'assets/blob.bin', 'assets/hello.txt', 'assets/page.html', 'assets/schema.sql', 'index.js']);
    assert.match(result.modules[0].content, /from "\.\/assets\/hello\.txt"/);
  });

  test('user rules take precedence over the defaults', async () => {
    const config = tempWorker(
      { 'src/index.js': 'import t from "./a.txt";\nimport m from "./b.md";\nexport default { t, m };', 'src/a.txt': 'A', 'src/b.md': 'B' },
      { toml: '[[rules]]\ntype = "Data"\nglobs = ["**/*.txt"]\n[[rules]]\ntype = "Text"\nglobs = ["**/*.md"]\nfallthrough = true' },
    );
    const result = await bundleWorker(config);
    const types = Object.fromEntries(result.modules.slice(1).map((m) => [path.extname(m.name), m.type]));
    assert.deepEqual(types, { '.txt': 'data', '.md': 'text' });
  });

  test('a rule without fallthrough removes later rules of its type (wrangler semantics)', async () => {
    const config = tempWorker(
      { 'src/index.js': 'import t from "./a.txt";\nexport default { t };', 'src/a.txt': 'A' },
      { toml: '[[rules]]\ntype = "Text"\nglobs = ["**/*.md"]' },
    );
    await assertBundleError(bundleWorker(config), /a\.txt matched a module rule/, /fallthrough = true/);
  });

  test('parseRules order, fallthrough and warnings', () => {
    const parsed = parseRules([{ type: 'Text', globs: ['**/*.md'], fallthrough: true }, { type: 'Data', globs: ['**/*.dat'] }]);
    assert.deepEqual(parsed.rules.map((r) => r.type), ['Text', 'Data', 'Text', 'CompiledWasm']);
    assert.deepEqual(parsed.removedRules.map((r) => r.globs), [['**/*.bin']]);
    assert.equal(parsed.warnings.length, 1);
    assert.match(parsed.warnings[0], /^The module rule \{"type":"Data","globs":\["\*\*\/\*\.dat"\]\} does not have a fallback/);
    assert.equal(matchRule(parsed.rules, './x/notes.md').type, 'Text');
    assert.equal(matchRule(parsed.rules, 'page.html').type, 'Text');
    assert.equal(matchRule(parsed.rules, 'x.bin'), undefined);
  });

  test('globs: ** spans directories, * stays within one, ? is literal', () => {
    const any = globToRegExp('**/*.txt');
    for (const p of ['a.txt', './a.txt', '../x/a.txt', 'a/b/c.txt']) assert.ok(any.test(p), p);
    assert.ok(!any.test('a.txt.bak'));
    const one = globToRegExp('lang/*.js');
    assert.ok(one.test('lang/en.js'));
    assert.ok(!one.test('lang/sub/en.js'));
    assert.ok(globToRegExp('**/*.wasm?module').test('./a.wasm?module'));
    assert.ok(!globToRegExp('**/*.wasm?module').test('./a.wasmXmodule'));
  });

  test('find_additional_modules keeps matching imports as separate modules when bundling', async () => {
    const config = tempWorker(
      {
        'src/index.js': [
          'export default {',
          '  async fetch(request) {',
          '    const fixed = await import("./lang/en.js");',
          '    const lang = new URL(request.url).searchParams.get("lang");',
          '    const chosen = await import(`./lang/${lang}.js`);',
          '    return new Response(fixed.hello + chosen.hello);',
          '  },',
          '};',
        ].join('\n'),
        'src/lang/en.js': 'export const hello = "hello";',
        'src/lang/fr.js': 'export const hello = "bonjour";',
      },
      { toml: 'find_additional_modules = true\n[[rules]]\ntype = "ESModule"\nglobs = ["lang/*.js"]' },
    );
    const result = await bundleWorker(config);
    assert.deepEqual(result.modules.map((m) => [m.name, m.type]), [['index.js', 'esm'], ['lang/en.js', 'esm'], ['lang/fr.js', 'esm']]);
    assert.match(result.modules[0].content, /import\("\.\/lang\/en\.js"\)/);
    assert.match(result.modules[0].content, /import\("\.\/lang\/fr\.js"\)/, 'template-literal imports reach the found modules too');
    assert.doesNotMatch(result.modules[0].content, /bonjour|"hello"/);
  });
});

describe('no_bundle', () => {
  test('the entry and rule-matched files under base_dir load as-is, one module each', async () => {
    const config = fixtureConfig('no-bundle');
    assert.equal(config.findAdditionalModules, true);
    const result = await bundleWorker(config);
    assert.equal(result.format, 'modules');
    assert.equal(result.mainModule, 'index.js');
    assert.deepEqual(result.modules.map((m) => [m.name, m.type]), [
      ['index.js', 'esm'],
      ['data/greeting.txt', 'text'],
      ['data/notes.md', 'text'],
      ['lib/legacy.cjs', 'commonjs'],
      ['lib/util.js', 'esm'],
    ]);
    const src = path.join(config.rootDir, 'src');
    assert.equal(result.modules[0].content, readFileSync(path.join(src, 'index.js'), 'utf8'), 'not transformed');
    assert.equal(result.modules[1].content, 'hello from a text module\n');
    assert.ok(!result.modules.some((m) => m.name.endsWith('.csv')), 'files no rule matches are left out');
    assert.deepEqual(result.watchFiles, result.modules.map((m) => path.join(src, m.name)));
  });

  test('data and wasm files are bytes; a service worker gets no extra modules', async () => {
    const config = tempWorker(
      { 'src/index.js': 'export default {};', 'src/m.wasm': WASM, 'src/d.bin': Uint8Array.from([9]) },
      { toml: 'no_bundle = true' },
    );
    const result = await bundleWorker(config);
    assert.deepEqual(result.modules.slice(1).map((m) => [m.name, m.type, m.content]), [
      ['d.bin', 'data', Uint8Array.from([9])],
      ['m.wasm', 'compiled-wasm', WASM],
    ]);

    const classic = tempWorker({ 'src/index.js': 'addEventListener("fetch", () => {});', 'src/x.txt': 'x' }, { toml: 'no_bundle = true' });
    const classicResult = await bundleWorker(classic);
    assert.equal(classicResult.format, 'service-worker');
    assert.deepEqual(classicResult.modules.map((m) => m.type), ['script']);
  });

  test('modules keep source maps their files link to', async () => {
    const map = { version: 3, sources: ['../orig.ts'], names: [], mappings: 'AAAA' };
    const config = tempWorker(
      { 'src/index.js': 'export default {};\n//# sourceMappingURL=index.js.map\n', 'src/index.js.map': JSON.stringify(map) },
      { toml: 'no_bundle = true' },
    );
    assert.deepEqual((await bundleWorker(config)).sourceMaps, { 'index.js': map });
  });

  test('TypeScript cannot be loaded without bundling', async () => {
    const config = fixtureConfig('ts-worker', { noBundle: true });
    await assertBundleError(bundleWorker(config), /src\/index\.ts needs compiling/);
  });
});

describe('errors', () => {
  test('a syntax error names file:line:column', async () => {
    await assertBundleError(
      bundleWorker(fixtureConfig('syntax-error')),
      /^Build failed with 1 error:/,
      /src\/index\.js:3:14/,
      /Unexpected ";"/,
    );
  });

  test('an unresolved import names the import and where it is', async () => {
    const config = tempWorker({ 'src/index.js': 'export default {};\nimport missing from "no-such-package";\n' });
    const error = await assertBundleError(bundleWorker(config), /Could not resolve "no-such-package"/, /src\/index\.js:2:20/);
    assert.equal(error.messages.length, 1);
  });

  test('a syntax error in no_bundle mode is reported the same way', async () => {
    const config = tempWorker({ 'src/index.js': 'export default {\n  fetch( {\n};\n' }, { toml: 'no_bundle = true' });
    await assertBundleError(bundleWorker(config), /src\/index\.js:\d+:\d+/);
  });

  test('an oversize bundle is rejected with both sizes', async () => {
    const config = fixtureConfig('ts-worker');
    await assertBundleError(
      bundleWorker(config, { maxGzipBytes: 100 }),
      /Worker is too large: [\d.]+ (B|KiB) gzipped \([\d.]+ (B|KiB) uncompressed\) exceeds the limit of 100 B gzipped/,
    );
  });

  test('Durable Object classes must be exported by the entry point', async () => {
    const toml = '[durable_objects]\nbindings = [{ name = "COUNTER", class_name = "Counter" }]';
    const missing = tempWorker({ 'src/index.js': 'export default {};' }, { toml });
    await assertBundleError(bundleWorker(missing), /not exported in your entrypoint file: Counter/);

    const present = tempWorker({ 'src/index.js': 'export class Counter {}\nexport default {};' }, { toml });
    assert.deepEqual((await bundleWorker(present)).exports.sort(), ['Counter', 'default']);
  });
});

test('outDir receives the modules and source maps', async () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'outpost-out-'));
  tempDirs.push(outDir);
  const result = await bundleWorker(fixtureConfig('ts-worker'), { outDir });
  assert.equal(readFileSync(path.join(outDir, 'index.js'), 'utf8'), result.modules[0].content);
  assert.ok(existsSync(path.join(outDir, 'index.js.map')));
});
