// The modules Workers has only as stubs (child_process, cluster, dgram, http2, inspector,
// readline, repl, trace_events, v8, vm, wasi, worker_threads): they import, their inert parts
// answer as workerd's do, and whatever would need processes, threads, sockets, a debugger or
// a second JavaScript context throws ERR_METHOD_NOT_IMPLEMENTED, with workerd's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNodeChecks, value, error, bundleProject } from './node-checks.js';
import { startWorker } from '../helpers/worker.js';

const MODULES = ['child_process', 'cluster', 'dgram', 'http2', 'inspector', 'inspector/promises', 'readline', 'readline/promises', 'repl', 'trace_events', 'v8', 'vm', 'wasi', 'worker_threads'];

test('every stub module imports, with and without the node: prefix', async () => {
  const imports = MODULES.map((name, i) => `import m${i} from 'node:${name}'; import b${i} from '${name}';`).join('\n');
  const { results } = await runNodeChecks({
    imports,
    body: `await check('imported', () => [${MODULES.map((_, i) => `[typeof m${i}, m${i} === b${i}]`).join(', ')}]);`,
  });
  assert.deepEqual(value(results, 'imported'), MODULES.map(() => ['object', true]));
});

test('what would need the host throws ERR_METHOD_NOT_IMPLEMENTED', async () => {
  const { results } = await runNodeChecks({
    imports: `
      import { spawn, exec, execSync, fork, spawnSync, ChildProcess } from 'node:child_process';
      import cluster from 'node:cluster';
      import { createServer, connect } from 'node:http2';
      import { Session } from 'node:inspector';
      import { start } from 'node:repl';
      import { serialize, setFlagsFromString } from 'node:v8';
      import { Script, runInNewContext, createContext, compileFunction } from 'node:vm';
      import { WASI } from 'node:wasi';
      import { Worker, BroadcastChannel } from 'node:worker_threads';`,
    body: `
      const attempts = {
        spawn: () => spawn('ls'), exec: () => exec('ls'), execSync: () => execSync('ls'), fork: () => fork('x.js'), spawnSync: () => spawnSync('ls'),
        ChildProcess: () => new ChildProcess(), clusterFork: () => cluster.fork(), http2Server: () => createServer(), http2Connect: () => connect('https://x'),
        Session: () => new Session(), replStart: () => start(), serialize: () => serialize({}), setFlags: () => setFlagsFromString('--allow-natives-syntax'),
        Script: () => new Script('1 + 1'), runInNewContext: () => runInNewContext('process'), createContext: () => createContext({}),
        compileFunction: () => compileFunction('return 1'), WASI: () => new WASI({ version: 'preview1' }), Worker: () => new Worker('x.js'),
        BroadcastChannel: () => new BroadcastChannel('c'),
      };
      for (const [name, attempt] of Object.entries(attempts)) await check(name, attempt);
    `,
  });
  const messages = {
    spawn: 'child_process.spawn', exec: 'child_process.exec', execSync: 'child_process.execSync', fork: 'child_process.fork', spawnSync: 'child_process.spawnSync',
    ChildProcess: 'child_process.ChildProcess',
    // One object serves every stub module (see unsupported.js): its fork is child_process'.
    clusterFork: 'child_process.fork', http2Server: 'http2.createServer', http2Connect: 'http2.connect', Session: 'Session',
    replStart: 'start', serialize: 'serialize', setFlags: 'setFlagsFromString', Script: 'Script', runInNewContext: 'createContext', createContext: 'createContext',
    compileFunction: 'compileFunction', WASI: 'WASI', Worker: 'Worker', BroadcastChannel: 'BroadcastChannel',
  };
  for (const [name, method] of Object.entries(messages)) {
    assert.deepEqual(error(results, name), { ctor: 'Error', name: 'Error', message: `The ${method} method is not implemented`, code: 'ERR_METHOD_NOT_IMPLEMENTED', isError: true }, name);
  }
});

test('the inert parts answer as in Workers', async () => {
  const { results } = await runNodeChecks({
    imports: `
      import cluster from 'node:cluster';
      import { createSocket } from 'node:dgram';
      import { constants as h2, getDefaultSettings, sensitiveHeaders } from 'node:http2';
      import inspector from 'node:inspector';
      import readline, { createInterface } from 'node:readline';
      import readlinePromises from 'node:readline/promises';
      import { builtinModules } from 'node:repl';
      import { createTracing, getEnabledCategories } from 'node:trace_events';
      import v8 from 'node:v8';
      import vm from 'node:vm';
      import { isMainThread, parentPort, threadId, workerData, getEnvironmentData, setEnvironmentData, SHARE_ENV } from 'node:worker_threads';
      import { EventEmitter } from 'node:events';`,
    body: `
      await check('cluster', () => [cluster.isPrimary, cluster.isMaster, cluster.isWorker, cluster instanceof EventEmitter, cluster.SCHED_RR, cluster.schedulingPolicy, cluster.workers]);
      await check('dgram', () => { const s = createSocket('udp4'); return [s instanceof EventEmitter, s.bind() === s, s.address(), s.close() === s]; });
      await check('http2', () => [h2.HTTP2_HEADER_STATUS, h2.NGHTTP2_CANCEL, getDefaultSettings().maxFrameSize, typeof sensitiveHeaders]);
      await check('inspector', () => [inspector.url(), typeof inspector.console.log, inspector.waitForDebugger(), inspector.close()]);
      await check('readline', async () => { const rl = createInterface({ input: {} }); const answer = await new Promise((r) => rl.question('name? ', r)); const p = await readlinePromises.createInterface({}).question('q'); return [answer, p, rl instanceof EventEmitter, rl.getPrompt(), typeof readline.clearLine]; });
      await check('repl', () => builtinModules.includes('fs'));
      await check('traceEvents', () => { const t = createTracing({ categories: ['node.perf'] }); t.enable(); return [t.enabled, t.categories, getEnabledCategories()]; });
      await check('v8', () => [v8.getHeapStatistics().used_heap_size, v8.cachedDataVersionTag(), v8.getHeapSpaceStatistics(), v8.startupSnapshot.isBuildingSnapshot()]);
      await check('vm', () => [vm.isContext({}), typeof vm.constants.DONT_CONTEXTIFY]);
      await check('workerThreads', () => { setEnvironmentData('k', 'v'); return [isMainThread, parentPort, threadId, workerData, getEnvironmentData('k'), typeof SHARE_ENV]; });
    `,
  });
  assert.deepEqual(value(results, 'cluster'), [true, true, false, true, 2, 2, {}]);
  assert.deepEqual(value(results, 'dgram'), [true, true, {}, true]);
  assert.deepEqual(value(results, 'http2'), [':status', 8, 16384, 'symbol']);
  assert.deepEqual(value(results, 'inspector'), [null, 'function', null, null]);
  assert.deepEqual(value(results, 'readline'), ['', '', true, '', 'function']);
  assert.equal(value(results, 'repl'), true);
  assert.deepEqual(value(results, 'traceEvents'), [true, 'node.perf', null]);
  assert.deepEqual(value(results, 'v8'), [0, 0, [], false]);
  assert.deepEqual(value(results, 'vm'), [false, 'symbol']);
  assert.deepEqual(value(results, 'workerThreads'), [true, null, 0, null, 'v', 'symbol']);
});

test('bundled CommonJS that requires a stub module loads, and fails only when it uses it', async () => {
  const bundle = await bundleProject({
    'src/lib.cjs': `const cp = require('child_process');\nconst { isMainThread } = require('worker_threads');\nmodule.exports = { isMainThread, run() { try { cp.execSync('id'); return 'ran'; } catch (e) { return e.code; } } };\n`,
    'src/index.js': `import lib from './lib.cjs';\nexport default { fetch() { return Response.json([lib.isMainThread, lib.run()]); } };\n`,
  });
  const w = await startWorker(bundle);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), [true, 'ERR_METHOD_NOT_IMPLEMENTED']);
  } finally {
    await w.dispose();
  }
});
