// node:process and the process global: Workers' values (Node 22 on a Linux x64 machine in
// /bundle, nothing of the host), process.env from the worker's vars and secrets, nextTick as a
// microtask, the isolate clock, exit() ending the request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNodeChecks, value, error } from './node-checks.js';
import { startWorker } from '../helpers/worker.js';

const ENV = { vars: { GREETING: 'hello', COUNT: 3, LIST: ['a'] }, secrets: { TOKEN: 's3cret' } };

test('process is a global, node:process, and an EventEmitter describing Workers, not the host', async () => {
  const { results } = await runNodeChecks({
    imports: `import processModule, { version, platform, nextTick as nt, env as envExport } from 'node:process'; import bare from 'process'; import { EventEmitter } from 'node:events';`,
    body: `
      await check('identity', () => [typeof process, processModule === process, bare === process, version === process.version, platform, nt === process.nextTick, envExport === process.env, process instanceof EventEmitter, Object.prototype.toString.call(process), process.constructor.name]);
      await check('values', () => ({ version: process.version, node: process.versions.node, v8: process.versions.v8, platform: process.platform, arch: process.arch, title: process.title, argv: process.argv, argv0: process.argv0, execArgv: process.execArgv, pid: process.pid, ppid: process.ppid, cwd: process.cwd(), features: process.features, memory: process.memoryUsage(), rss: process.memoryUsage.rss(), uptime: process.uptime(), uid: process.getuid(), umask: process.umask() }));
      await check('absent', () => ['binding', 'dlopen', 'kill', 'ref', 'unref', 'report', 'release', 'resourceUsage', 'mainModule', 'execPath', 'channel', 'send', 'exitCode', 'debugPort'].map((k) => typeof process[k]));
      await check('events', () => { const seen = []; const f = (x) => seen.push(x); process.on('custom', f); process.emit('custom', 1); process.off('custom', f); process.emit('custom', 2); process.once('one', f); process.emit('one', 3); process.emit('one', 4); return seen; });
      await check('getBuiltinModule', () => [typeof process.getBuiltinModule('node:path').join, process.getBuiltinModule('events') === EventEmitter, process.getBuiltinModule('isolated-vm'), process.getBuiltinModule('node:nope')]);
    `,
  });
  assert.deepEqual(value(results, 'identity'), ['object', true, true, true, 'linux', true, true, true, '[object process]', 'process']);
  assert.deepEqual(value(results, 'values'), {
    version: 'v22.19.0', node: '22.19.0', v8: '', platform: 'linux', arch: 'x64', title: 'workerd', argv: ['workerd'], argv0: 'workerd',
    execArgv: [], pid: 1, ppid: 0, cwd: '/bundle', features: { cached_builtins: true, debug: false, inspector: false, require_module: false, tls: true },
    memory: { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }, rss: 0, uptime: 0, uid: 0, umask: 18,
  });
  assert.ok(value(results, 'absent').every((t) => t === 'undefined'));
  assert.deepEqual(value(results, 'events'), [1, 3]);
  assert.deepEqual(value(results, 'getBuiltinModule'), ['function', true, null, null]);
});

test('process.env holds the string vars and secrets (populated by default), and only strings', async () => {
  const { results } = await runNodeChecks({
    worker: { env: ENV },
    body: `
      await check('env', () => ({ ...process.env }));
      await check('coerce', () => { process.env.N = 5; process.env.O = { a: 1 }; process.env.U = undefined; const r = [process.env.N, process.env.O, process.env.U]; delete process.env.N; return [...r, 'N' in process.env]; });
      await check('defineGetter', () => Object.defineProperty(process.env, 'G', { get: () => 'x', configurable: true, enumerable: true }));
      await check('bindings', () => typeof env.TOKEN);
    `,
  });
  // String vars and secrets as they are. (Workers also shows JSON vars as JSON text; whether
  // those reach process.env is up to what the runtime hands node:process.)
  const env = value(results, 'env');
  assert.equal(env.GREETING, 'hello');
  assert.equal(env.TOKEN, 's3cret');
  for (const [key, text] of Object.entries(env)) {
    if (key !== 'GREETING' && key !== 'TOKEN') assert.equal(text, JSON.stringify(ENV.vars[key]), key);
  }
  assert.deepEqual(value(results, 'coerce'), ['5', '[object Object]', 'undefined', false]);
  assert.equal(error(results, 'defineGetter').code, 'ERR_INVALID_ARG_VALUE');
  assert.equal(value(results, 'bindings'), 'string');

  const off = await runNodeChecks({
    worker: { env: ENV, compat: { nodejsCompat: true, nodejsAls: true, populateProcessEnv: false } },
    body: `await check('env', () => ({ ...process.env }));`,
  });
  assert.deepEqual(value(off.results, 'env'), {});
});

test('nextTick is a microtask queued in order with promise reactions, as in Workers', async () => {
  const { results } = await runNodeChecks({
    body: `
      await check('order', async () => {
        const order = [];
        Promise.resolve().then(() => order.push('promise'));
        process.nextTick((a, b) => order.push('tick ' + a + b), 1, 2);
        queueMicrotask(() => order.push('microtask'));
        order.push('sync');
        await new Promise((r) => setTimeout(r, 1));
        return order;
      });
      await check('notFunction', () => process.nextTick(5));
    `,
  });
  assert.deepEqual(value(results, 'order'), ['sync', 'promise', 'tick 12', 'microtask']);
  assert.equal(error(results, 'notFunction').code, 'ERR_INVALID_ARG_TYPE');
});

test('hrtime reads the isolate clock: it stands still during computation and moves across I/O', async () => {
  const { results } = await runNodeChecks({
    body: `
      await check('clock', async () => {
        const a = process.hrtime.bigint();
        let x = 0;
        for (let i = 0; i < 2e6; i++) x += i;
        const b = process.hrtime.bigint();
        const t = process.hrtime();
        await new Promise((r) => setTimeout(r, 20));
        const c = process.hrtime.bigint();
        const diff = process.hrtime(t);
        return [a === b, c - a >= 20000000n, Array.isArray(t) && t.length === 2, diff[0] * 1e3 + diff[1] / 1e6 >= 20, c / 1000000n === BigInt(Date.now())];
      });
      await check('badArg', () => process.hrtime(5));
    `,
  });
  assert.deepEqual(value(results, 'clock'), [true, true, true, true, true]);
  assert.equal(error(results, 'badArg').code, 'ERR_INVALID_ARG_TYPE');
});

test('cwd is /bundle; chdir moves within the file system Workers has', async () => {
  const { results } = await runNodeChecks({
    imports: `import path from 'node:path';`,
    body: `
      await check('chdir', () => { const seen = [process.cwd(), path.resolve('a')]; process.chdir('/tmp'); seen.push(process.cwd(), path.resolve('a')); process.chdir('../bundle/x'); seen.push(process.cwd()); process.chdir('/bundle'); return seen; });
      await check('missing', () => process.chdir('/etc'));
      await check('type', () => process.chdir(1));
    `,
  });
  assert.deepEqual(value(results, 'chdir'), ['/bundle', '/bundle/a', '/tmp', '/tmp/a', '/bundle/x']);
  assert.deepEqual(error(results, 'missing'), { ctor: 'Error', name: 'Error', message: "ENOENT: no such file or directory, chdir '/etc'", code: 'ENOENT', isError: true });
  assert.equal(error(results, 'type').code, 'ERR_INVALID_ARG_TYPE');
});

test('emitWarning emits "warning" on process; stdout and stderr write lines to the log', async () => {
  const { results, logs } = await runNodeChecks({
    body: `
      await check('warning', async () => {
        const seen = [];
        process.on('warning', (w) => seen.push([w.name, w.message, w.code, w instanceof Error]));
        process.emitWarning('careful');
        process.emitWarning('typed', 'MyWarning', 'CODE1');
        process.emitWarning(new Error('an error'), { type: 'Custom' });
        await new Promise((r) => setTimeout(r, 1));
        return seen;
      });
      await check('stdio', () => { process.stdout.write('out line\\npartial'); process.stdout.write(' done\\n'); process.stderr.write(new TextEncoder().encode('err line\\n')); return [process.stdout.isTTY, process.stdout.fd, process.stderr.fd, process.stdin.fd]; });
    `,
  });
  assert.deepEqual(value(results, 'warning'), [['Warning', 'careful', null, true], ['MyWarning', 'typed', 'CODE1', true], ['Custom', 'an error', null, true]]);
  assert.deepEqual(value(results, 'stdio'), [false, 1, 2, 0]);
  assert.ok(logs.some((l) => l.level === 'log' && l.message === 'out line'));
  assert.ok(logs.some((l) => l.level === 'log' && l.message === 'partial done'));
  assert.ok(logs.some((l) => l.level === 'error' && l.message === 'err line'));
});

test('process.exit() inside a request ends it with Workers\' message; at global scope it is ignored', async () => {
  const w = await startWorker(`process.exit(0);\nexport default { fetch() { process.exit(7); return new Response('unreachable'); } };`);
  try {
    const res = await w.fetch('/');
    assert.equal(res.status, 500);
    assert.match(await res.text(), /The Node\.js process\.exit\(7\) API was called\. Canceling the request\./);
    assert.ok(w.logs.some((l) => /process\.exit\(\.\.\.\) called without a current request context\. Ignoring\./.test(l.message)));
  } finally {
    await w.dispose();
  }
});
