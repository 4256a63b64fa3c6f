// Compatibility dates and flags decide whether a worker has Node.js compatibility, as in Workers:
// the globals, node:* imports (with and without the prefix), require() in bundled CommonJS code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveCompatibility } from '../../src/config/compat.js';
import { loadConfig } from '../../src/config/load.js';
import { startWorker, NO_NODE_COMPAT } from '../helpers/worker.js';
import { buildProject, project, wranglerToml } from '../helpers/project.js';

test('nodejs_compat is on from 2026-08-04, opt-in before, and no_nodejs_compat turns it off', () => {
  assert.equal(resolveCompatibility('2026-08-04').nodejsCompat, true);
  assert.equal(resolveCompatibility('2026-08-03').nodejsCompat, false);
  assert.equal(resolveCompatibility('2024-01-01', ['nodejs_compat']).nodejsCompat, true);
  assert.equal(resolveCompatibility('2024-01-01', ['nodejs_compat_v2']).nodejsCompat, true);
  assert.equal(resolveCompatibility('2026-09-01', ['no_nodejs_compat', 'no_nodejs_compat_v2']).nodejsCompat, false);
  // nodejs_als alone gives AsyncLocalStorage without the rest.
  assert.deepEqual(
    (({ nodejsCompat, nodejsAls }) => [nodejsCompat, nodejsAls])(resolveCompatibility('2024-01-01', ['nodejs_als'])),
    [false, true],
  );
  // process.env is populated by default from 2025-04-01 (with Node.js compatibility on).
  assert.equal(resolveCompatibility('2025-03-31', ['nodejs_compat']).populateProcessEnv, false);
  assert.equal(resolveCompatibility('2025-04-01', ['nodejs_compat']).populateProcessEnv, true);
  assert.equal(resolveCompatibility('2024-01-01', ['nodejs_compat', 'nodejs_compat_populate_process_env']).populateProcessEnv, true);
  assert.equal(resolveCompatibility('2026-09-01', ['nodejs_compat_do_not_populate_process_env']).populateProcessEnv, false);
});

test('unknown and contradictory flags warn', () => {
  assert.match(resolveCompatibility('2026-09-01', ['no_such_flag']).warnings[0], /Unknown compatibility flag "no_such_flag"/);
  assert.match(resolveCompatibility('2026-09-01', ['response_json']).warnings[0], /Unknown compatibility flag "response_json"/);
  // Behaviours Outpost always has, and flags that only matter on Cloudflare's network, are accepted.
  assert.deepEqual(resolveCompatibility('2020-01-01', ['streams_enable_constructors', 'minimal_subrequests', 'global_fetch_strictly_public']).warnings, []);
  // Turning off a behaviour Outpost always has cannot be honoured.
  assert.deepEqual(resolveCompatibility('2026-09-01', ['no_global_navigator', 'formdata_parser_converts_files_to_strings']).warnings, [
    'The compatibility flag "no_global_navigator" is not supported: Outpost always has the behaviour of "global_navigator". It is ignored.',
    'The compatibility flag "formdata_parser_converts_files_to_strings" is not supported: Outpost always has the behaviour of "formdata_parser_supports_files". It is ignored.',
  ]);
  const contradiction = resolveCompatibility('2024-01-01', ['no_nodejs_compat', 'nodejs_compat']);
  assert.equal(contradiction.nodejsCompat, false);
  assert.match(contradiction.warnings[0], /contradict each other; "no_nodejs_compat" wins/);
});

test('the config carries the resolved compatibility and its warnings', () => {
  const dir = project({
    'index.js': 'export default {}',
    'wrangler.toml': wranglerToml({ name: 'c', main: 'index.js', date: '2025-01-01', extra: 'compatibility_flags = ["nodejs_compat", "made_up"]\n' }),
  }, 'compat-');
  const config = loadConfig({ cwd: dir });
  assert.equal(config.compatibility.nodejsCompat, true);
  assert.equal(config.compatibility.populateProcessEnv, false);
  assert.ok(config.warnings.some((w) => /wrangler\.toml: Unknown compatibility flag "made_up"/.test(w)));
});

test('with Node.js compatibility, node:* modules import with and without the prefix', async () => {
  const w = await startWorker(`import path, { join } from 'node:path'; import bare from 'path'; import posix from 'node:path/posix';
    export default { fetch() { return Response.json([join('/a', 'b', '../c'), path === bare, typeof posix.join, typeof global, global === globalThis]); } }`);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), ['/a/c', true, 'function', 'object', true]);
  } finally {
    await w.dispose();
  }
});

test('without it, node:* imports fail as Workers fails them and the Node globals are absent', async () => {
  await assert.rejects(startWorker(`import path from 'node:path'; export default { fetch() { return new Response(path.sep); } }`, { compat: NO_NODE_COMPAT }), /No such module "node:path"/);
  const w = await startWorker(`export default { fetch() { return Response.json([typeof global, typeof process, typeof Buffer, typeof setImmediate]); } }`, { compat: NO_NODE_COMPAT });
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), ['undefined', 'undefined', 'undefined', 'undefined']);
  } finally {
    await w.dispose();
  }
});

test('an unknown node: module fails at load with its name', async () => {
  await assert.rejects(startWorker(`import x from 'node:no-such-module'; export default { fetch() { return new Response(String(x)); } }`), /No such module "node:no-such-module"/);
});

test('require() of Node modules in bundled CommonJS code resolves to the runtime modules', async () => {
  const { bundle } = await buildProject(project({
    'src/lib.cjs': `const path = require('path');\nconst prefixed = require('node:path');\nmodule.exports = { joined: path.join('a', 'b'), same: path === prefixed, lazy: () => require('path').sep };\n`,
    'src/index.js': `import lib from './lib.cjs';\nexport default { fetch() { return Response.json({ joined: lib.joined, same: lib.same, sep: lib.lazy() }); } };\n`,
    'wrangler.toml': wranglerToml({ name: 'node-require', date: '2026-09-01' }),
  }, 'node-require-'));
  const w = await startWorker(bundle);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), { joined: 'a/b', same: true, sep: '/' });
  } finally {
    await w.dispose();
  }
});

test('import() of runtime modules in bundled code works (isolates cannot load modules on demand)', async () => {
  const { bundle } = await buildProject(project({
    'src/index.js': `export default { async fetch() {
    const sockets = await import('cloudflare:sockets');
    const prefixed = await import('node:path');
    const bare = await import('path');
    return Response.json([typeof sockets.connect, prefixed.join('a', 'b'), bare.default === prefixed.default]);
  } };\n`,
    'wrangler.toml': wranglerToml({ name: 'dynamic-import', date: '2026-09-01' }),
  }, 'dynamic-import-'));
  const w = await startWorker(bundle);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), ['function', 'a/b', true]);
  } finally {
    await w.dispose();
  }
});
