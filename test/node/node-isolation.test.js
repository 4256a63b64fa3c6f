// Node.js compatibility reaches nothing of the host: node:* modules are the isolate's own
// implementations, and every way out through them (process.binding/dlopen, require() of host
// modules or files, constructor chains, environment, OS details, stacks) leads nowhere.
// Also: the modules are loaded lazily, only when a worker uses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { getPrelude } from '../../src/runtime/prelude.js';
import { runNodeChecks, value } from './node-checks.js';
import { startWorker } from '../helpers/worker.js';

// Which node:* implementations the process has compiled so far (an extension's code cache is
// made the first time an isolate loads it).
function loadedNodeExtensions() {
  return [...getPrelude().extensions].filter(([name, ext]) => name.startsWith('./node/') && ext.cachedData).map(([name]) => name);
}

test('node:* modules load only when a worker uses them, and only what they need', async () => {
  const plain = await startWorker(`export default { fetch() { return new Response(typeof Buffer + typeof process); } };`);
  try {
    assert.equal(await (await plain.fetch('/')).text(), 'functionobject');
    // Asking for the type reads the lazy global's getter, which loads buffer and process: so
    // check what a worker touching nothing Node-specific loads instead.
  } finally {
    await plain.dispose();
  }
  const before = loadedNodeExtensions();
  assert.ok(!before.includes('./node/stream.js') && !before.includes('./node/util.js') && !before.includes('./node/assert.js'), before.join(', '));

  const pathOnly = await startWorker(`import { join } from 'node:path';\nexport default { fetch() { return new Response(join('a', 'b')); } };`);
  try {
    assert.equal(await (await pathOnly.fetch('/')).text(), 'a/b');
  } finally {
    await pathOnly.dispose();
  }
  const afterPath = loadedNodeExtensions();
  assert.ok(afterPath.includes('./node/path.js'));
  assert.ok(!afterPath.includes('./node/stream.js') && !afterPath.includes('./node/util.js') && !afterPath.includes('./node/_inspect.js'), afterPath.join(', '));
});

test('no escape through process, require, constructors, environment or OS details', async () => {
  const hostEnvNames = Object.keys(process.env).filter((k) => !['A', 'TOKEN'].includes(k));
  const { results } = await runNodeChecks({
    worker: { env: { vars: { A: 'a' }, secrets: { TOKEN: 't' } } },
    imports: `import { createRequire } from 'node:module'; import fs from 'node:fs'; import util from 'node:util'; import os from 'node:os'; import v8 from 'node:v8'; import { EventEmitter } from 'node:events'; import { Readable } from 'node:stream';`,
    body: `
      const require = createRequire('/bundle/index.js');
      const attempt = (fn) => { try { const v = fn(); return v === undefined ? 'undefined' : typeof v === 'object' || typeof v === 'function' ? 'reached ' + typeof v : v; } catch (e) { return e.code ?? e.name; } };
      await check('process', () => ['binding', '_linkedBinding', 'dlopen', 'mainModule', 'execPath', 'reallyExit', 'kill', 'report', 'permission', 'openStdin', '_getActiveHandles', 'moduleLoadList'].map((k) => typeof process[k]));
      await check('constructors', () => [
        process.constructor.constructor('return typeof require')(),
        Buffer.constructor('return typeof process.binding')(),
        Object.getPrototypeOf(process).constructor.constructor('return typeof module')(),
        EventEmitter.constructor('return typeof globalThis.__outpostBuiltin')(),
        Readable.constructor('return typeof __dirname')(),
        util.inspect.constructor('return typeof require')(),
      ]);
      await check('require', () => ['/etc/passwd', 'file:///etc/passwd', 'isolated-vm', '../../../src/runtime/worker.js', 'esbuild', '@jspm/core/nodelibs/fs', 'node:sqlite', 'sea'].map((id) => attempt(() => require(id))));
      await check('fsIsTheIsolates', () => [require('fs') === fs, require('node:fs') === fs]);
      await check('childProcess', () => attempt(() => require('child_process').execSync('id')));
      await check('getBuiltinModule', () => [process.getBuiltinModule('isolated-vm'), process.getBuiltinModule('/etc/passwd'), typeof process.getBuiltinModule('module')]);
      await check('env', () => Object.keys(process.env));
      await check('surface', () => ({ inspected: util.inspect(process, { depth: 3, showHidden: true }), os: [os.hostname(), os.homedir(), os.tmpdir(), os.cpus().length, os.totalmem(), JSON.stringify(os.networkInterfaces()), JSON.stringify(os.userInfo())], heap: v8.getHeapStatistics().total_heap_size, cwd: process.cwd(), versions: process.versions }));
      await check('globals', () => Object.getOwnPropertyNames(globalThis).filter((n) => /^(process|require|module|exports|__dirname|__filename|global|Buffer|setImmediate|clearImmediate|__outpost.*)$/.test(n)).sort());
      await check('stack', () => { try { Buffer.from('x').readUInt32LE(5); } catch (e) { return e.stack; } });
    `,
  });
  assert.ok(value(results, 'process').every((t) => t === 'undefined'), JSON.stringify(value(results, 'process')));
  assert.deepEqual(value(results, 'constructors'), ['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  assert.deepEqual(value(results, 'require'), ['MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);
  assert.deepEqual(value(results, 'fsIsTheIsolates'), [true, true]);
  assert.equal(value(results, 'childProcess'), 'ERR_METHOD_NOT_IMPLEMENTED');
  assert.deepEqual(value(results, 'getBuiltinModule'), [null, null, 'function']);
  assert.deepEqual(value(results, 'env'), ['A', 'TOKEN']);
  const surface = JSON.stringify(value(results, 'surface'));
  for (const secret of [process.cwd(), os.hostname(), os.homedir(), os.userInfo().username, process.execPath, process.version, ...hostEnvNames.filter((k) => (process.env[k] ?? '').length > 6).map((k) => process.env[k])]) {
    if (secret && secret !== 'localhost' && secret.length > 3 && !['/tmp', '/tmp/'].includes(secret)) assert.ok(!surface.includes(secret), `the worker saw ${secret}`);
  }
  assert.deepEqual(value(results, 'globals'), ['Buffer', 'clearImmediate', 'global', 'process', 'setImmediate']);
  // Frames name the runtime's own scripts (outpost:...), never a file of the host.
  const stack = value(results, 'stack');
  assert.ok(!stack.includes(process.cwd()), stack);
  assert.doesNotMatch(stack, /node:internal|file:\/\/|\s\/(?:home|usr|work|tmp)\//);
  for (const frame of stack.split('\n').slice(1)) assert.match(frame, /\((outpost:|index\.js)|at (outpost:|index\.js)/, frame);
});
