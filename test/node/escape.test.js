// With Node.js compatibility on, `process`, `Buffer` and the node:* modules exist in the isolate,
// and none of them may lead to the host: every probe below runs inside a real worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../helpers/worker.js';

const SOURCE = `
import fs from 'node:fs';
import { createRequire } from 'node:module';
import childProcess from 'node:child_process';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import workerThreads from 'node:worker_threads';

export default {
  async fetch(request, env) {
    const out = {};
    const probe = async (name, fn) => { try { out[name] = await fn(); } catch (e) { out[name] = 'threw ' + (e.code ?? e.name); } };
    await probe('processType', () => typeof process);
    await probe('binding', () => typeof process.binding === 'function' ? process.binding('fs') && 'reached' : 'absent');
    await probe('linkedBinding', () => typeof process._linkedBinding === 'function' ? process._linkedBinding('fs') && 'reached' : 'absent');
    await probe('dlopen', () => typeof process.dlopen === 'function' ? process.dlopen({}, '/lib/x.so') && 'reached' : 'absent');
    await probe('mainModule', () => typeof process.mainModule);
    await probe('execPath', () => String(process.execPath ?? ''));
    await probe('envKeys', () => Object.keys(process.env).sort());
    await probe('pid', () => process.pid);
    await probe('processCtor', () => process.constructor.constructor('return typeof require')());
    await probe('bufferCtor', () => Buffer.constructor('return typeof process.binding')());
    await probe('bufferProto', () => Object.getPrototypeOf(Buffer.prototype) === Uint8Array.prototype);
    await probe('requireFs', () => typeof createRequire('/bundle/index.js')('fs').readFileSync);
    await probe('requireHostFile', () => createRequire('/bundle/index.js')('/etc/passwd'));
    await probe('passwd', () => fs.readFileSync('/etc/passwd', 'utf8'));
    await probe('proc', () => fs.readdirSync('/proc'));
    await probe('dotdot', () => fs.readdirSync('/bundle/../../../'));
    await probe('root', () => fs.readdirSync('/').sort());
    await probe('spawn', () => childProcess.spawn('ls'));
    await probe('execSync', () => childProcess.execSync('id'));
    await probe('vm', () => vm.runInNewContext('typeof process'));
    await probe('worker', () => new workerThreads.Worker('x'));
    await probe('heap', () => v8.getHeapStatistics());
    await probe('hostname', () => os.hostname());
    await probe('cwd', () => process.cwd());
    await probe('globalRequire', () => typeof require);
    return Response.json(out);
  },
};`;

test('process, Buffer and node:* modules reach nothing of the host', async () => {
  const w = await startWorker(SOURCE, { env: { vars: { VISIBLE: 'yes', JSON_VAR: { a: 1 } }, secrets: { TOKEN: 's3cret' } } });
  let out;
  try {
    out = await (await w.fetch('/')).json();
  } finally {
    await w.dispose();
  }
  assert.equal(out.processType, 'object');
  for (const name of ['binding', 'linkedBinding', 'dlopen']) assert.ok(out[name] === 'absent' || out[name].startsWith('threw'), `${name}: ${out[name]}`);
  assert.equal(out.mainModule, 'undefined');
  assert.doesNotMatch(out.execPath, /node_modules|\/usr|\/work/);
  // process.env holds the worker's vars and secrets, nothing of the host's environment.
  assert.deepEqual(out.envKeys, ['JSON_VAR', 'TOKEN', 'VISIBLE']);
  assert.notEqual(out.pid, process.pid);
  assert.equal(out.processCtor, 'undefined');
  assert.match(String(out.bufferCtor), /^(undefined|threw)/);
  assert.equal(out.bufferProto, true);
  assert.equal(out.requireFs, 'function');
  assert.match(out.requireHostFile, /^threw/);
  for (const name of ['passwd', 'proc']) assert.equal(out[name], 'threw ENOENT', name);
  assert.ok(!JSON.stringify(out.dotdot).includes('etc'), JSON.stringify(out.dotdot));
  assert.deepEqual(out.root, ['bundle', 'dev', 'tmp']);
  for (const name of ['spawn', 'execSync', 'vm', 'worker']) assert.match(String(out[name]), /^threw/, `${name}: ${JSON.stringify(out[name])}`);
  assert.notEqual(out.hostname, (await import('node:os')).hostname());
  assert.equal(out.cwd, '/bundle');
  assert.equal(out.globalRequire, 'undefined');
});
