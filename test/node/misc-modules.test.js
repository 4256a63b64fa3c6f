// node:os, node:tty, node:constants, node:console, node:perf_hooks, node:module and node:domain:
// Workers' values and behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNodeChecks, value, error } from './node-checks.js';

test('os reports Workers\' stub machine and nothing of the host', async () => {
  const { results } = await runNodeChecks({
    imports: `import os, { platform, EOL, constants } from 'node:os'; import bare from 'os';`,
    body: `
      await check('values', () => ({ same: bare === os && platform === os.platform, platform: os.platform(), arch: os.arch(), type: os.type(), release: os.release(), version: os.version(), machine: os.machine(), hostname: os.hostname(), homedir: os.homedir(), tmpdir: os.tmpdir(), cpus: os.cpus(), parallelism: os.availableParallelism(), totalmem: os.totalmem(), freemem: os.freemem(), loadavg: os.loadavg(), uptime: os.uptime(), interfaces: os.networkInterfaces(), user: os.userInfo(), endianness: os.endianness(), eol: EOL, devNull: os.devNull, priority: os.getPriority() }));
      await check('constants', () => [constants.signals.SIGTERM, constants.errno.ENOENT, constants.priority.PRIORITY_HIGH, constants.dlopen.RTLD_NOW, Object.isFrozen(constants)]);
      await check('badEncoding', () => os.userInfo({ encoding: 'nope' }));
    `,
  });
  assert.deepEqual(value(results, 'values'), {
    same: true, platform: 'linux', arch: 'x64', type: 'Linux', release: '', version: '', machine: 'x86_64', hostname: 'localhost', homedir: '/tmp/',
    tmpdir: '/tmp/', cpus: [], parallelism: 1, totalmem: 0, freemem: 0, loadavg: [0, 0, 0], uptime: 0, interfaces: {}, user: {}, endianness: 'LE',
    eol: '\n', devNull: '/dev/null', priority: 0,
  });
  assert.deepEqual(value(results, 'constants'), [15, 2, -14, 2, true]);
  assert.equal(error(results, 'badEncoding').code, 'ERR_INVALID_ARG_VALUE');
});

test('tty has no terminal; constants holds os, fs and crypto constants', async () => {
  const { results } = await runNodeChecks({
    imports: `import tty, { isatty, WriteStream, ReadStream } from 'node:tty'; import constants, { O_CREAT, SIGKILL } from 'node:constants'; import bareConstants from 'constants';`,
    body: `
      await check('tty', () => { const w = new WriteStream(1); const r = new ReadStream(0); return [isatty(0), isatty(1), tty.isatty(2), w.isTTY, w.hasColors(), w.getColorDepth(), w.getWindowSize(), r.isTTY, r.setRawMode(true).isRaw, w.fd]; });
      await check('constants', () => [bareConstants === constants, O_CREAT, SIGKILL, constants.ENOENT, constants.S_IFDIR, constants.RSA_PKCS1_PADDING, constants.TLS1_3_VERSION, constants.RTLD_LAZY, Object.keys(constants).length > 200]);
    `,
  });
  assert.deepEqual(value(results, 'tty'), [false, false, false, true, false, 8, [0, 0], false, true, 1]);
  assert.deepEqual(value(results, 'constants'), [true, 64, 9, 2, 16384, 1, 772, 1, true]);
});

test('console is the global console; its Console writes to the streams it is given', async () => {
  const { results, logs } = await runNodeChecks({
    imports: `import consoleModule, { log, Console } from 'node:console'; import bare from 'console';`,
    body: `
      await check('module', () => [consoleModule === console, bare === console, typeof console.Console, console.Console === Console, typeof log]);
      await check('log', () => { log('via named export %d', 1); return 'logged'; });
      await check('Console', () => {
        const out = []; const err = [];
        const c = new Console({ stdout: { write: (s) => out.push(s) }, stderr: { write: (s) => err.push(s) } });
        c.log('a %s', 'b'); c.info({ x: [1] }); c.warn('warned'); c.error(new Error('e').message); c.group('g'); c.log('indented'); c.groupEnd(); c.count(); c.count(); c.assert(false, 'nope'); c.dir({ d: 1 });
        const legacy = new Console({ write: (s) => out.push('legacy ' + s) }); legacy.log('x');
        return [out, err];
      });
      await check('badStream', () => new Console({ stdout: {} }));
    `,
  });
  assert.deepEqual(value(results, 'module'), [true, true, 'function', true, 'function']);
  assert.ok(logs.some((l) => l.message === 'via named export 1'));
  assert.deepEqual(value(results, 'Console'), [['a b\n', '{ x: [ 1 ] }\n', 'g\n', '  indented\n', 'default: 1\n', 'default: 2\n', '{ d: 1 }\n', 'legacy x\n'], ['warned\n', 'e\n', 'Assertion failed: nope\n']]);
  assert.equal(error(results, 'badStream').code, 'ERR_INVALID_ARG_VALUE');
});

test('perf_hooks gives the global performance; module gives a require for the built-in modules', async () => {
  const { results } = await runNodeChecks({
    imports: `import perfHooks, { performance as perf, constants, monitorEventLoopDelay } from 'node:perf_hooks'; import Module, { createRequire, builtinModules, isBuiltin } from 'node:module'; import bare from 'module'; import path from 'node:path'; import events from 'node:events';`,
    body: `
      await check('perf', () => [perf === performance, perfHooks.performance === performance, typeof perf.now(), constants.NODE_PERFORMANCE_GC_MAJOR, typeof perfHooks.createHistogram]);
      await check('perfUnimplemented', () => monitorEventLoopDelay());
      await check('require', () => {
        const require = createRequire('/bundle/worker.js');
        const fromUrl = createRequire(new URL('file:///bundle/worker.js'));
        return [require('path') === path, require('node:path') === path, require('events') === events, fromUrl('sys') === require('util'), require.resolve('path'), require.resolve('node:path'), typeof require.cache, require('assert/strict') === require('assert').strict, require('timers/promises') === require('timers').promises];
      });
      await check('missing', () => createRequire('/bundle/x.js')('left-pad'));
      await check('relative', () => createRequire('/bundle/x.js')('./other.js'));
      await check('badBase', () => createRequire('not/absolute'));
      await check('builtins', () => [bare === Module, typeof Module, Module.createRequire === createRequire, builtinModules.includes('fs'), builtinModules.includes('node:fs'), isBuiltin('fs'), isBuiltin('node:fs'), isBuiltin('node:test'), isBuiltin('test'), isBuiltin('left-pad'), Object.isFrozen(builtinModules)]);
      await check('unimplemented', () => Module.register('x'));
    `,
  });
  assert.deepEqual(value(results, 'perf'), [true, true, 'number', 4, 'function']);
  assert.equal(error(results, 'perfUnimplemented').code, 'ERR_METHOD_NOT_IMPLEMENTED');
  assert.deepEqual(value(results, 'require'), [true, true, true, true, 'path', 'node:path', 'object', true, true]);
  assert.deepEqual(error(results, 'missing'), { ctor: 'Error', name: 'Error', message: "Cannot find module 'left-pad'\nRequire stack:\n- /bundle/x.js", code: 'MODULE_NOT_FOUND', isError: true });
  assert.equal(error(results, 'relative').code, 'MODULE_NOT_FOUND');
  assert.equal(error(results, 'badBase').code, 'ERR_INVALID_ARG_VALUE');
  assert.deepEqual(value(results, 'builtins'), [true, 'function', true, true, false, true, true, true, false, false, true]);
  assert.equal(error(results, 'unimplemented').code, 'ERR_METHOD_NOT_IMPLEMENTED');
});

test('domain is inert, as in Workers', async () => {
  const { results } = await runNodeChecks({
    imports: `import domain, { Domain, create, active } from 'node:domain'; import { EventEmitter } from 'node:events';`,
    body: `
      await check('domain', () => { const d = create(); const f = () => 1; return [d instanceof Domain, d instanceof EventEmitter, d.run((a) => a + 1, 1), d.bind(f) === f, d.intercept(f) === f, active, domain.active, typeof domain.createDomain]; });
      await check('errorsStillThrow', () => create().run(() => { throw new Error('not caught by the domain'); }));
    `,
  });
  assert.deepEqual(value(results, 'domain'), [true, true, 2, true, true, null, null, 'function']);
  assert.equal(error(results, 'errorsStillThrow').message, 'not caught by the domain');
});
