// Service bindings between real workers: fetch() without a socket, RPC to WorkerEntrypoint
// classes with cloned arguments and results, errors with their class, and several workers in one
// `outpost dev` (the guide's sign-up and email workers are in test/seeds/seed-002-types.test.js).
// Stubs, streams and pipelining are in rpc-stubs.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from '../../src/runtime/worker.js';
import { moduleBundle, startWorker } from '../helpers/worker.js';
import { startDev } from '../helpers/dev-process.js';
import { project } from '../helpers/project.js';

const BACKEND = `import { WorkerEntrypoint } from 'cloudflare:workers';
export default class Backend extends WorkerEntrypoint {
  async fetch(request) {
    const body = await request.text();
    return new Response('backend saw ' + request.method + ' ' + new URL(request.url).pathname + ' ' + body + ' ' + request.headers.get('x-a'), { status: 201, headers: { 'x-b': 'yes' } });
  }
  add(a, b) { return a + b; }
  async describe(value) { return { type: Object.prototype.toString.call(value), env: this.env.GREETING, ctx: typeof this.ctx.waitUntil, echo: value }; }
  boom() { throw new RangeError('out of range'); }
  nothing() {}
  giveInstance() { return new (class Thing {})(); }
  get notAMethod() { return 1; }
}
export class Admin extends WorkerEntrypoint {
  whoami() { return 'admin entrypoint'; }
}
export const plain = { hello() { return 'plain'; } };`;

async function pair(bindings, callerSource = null) {
  const logs = [];
  const backend = new Worker({ name: 'backend', bundle: moduleBundle(BACKEND), env: { vars: { GREETING: 'hello' } }, log: (level, message) => logs.push(message) }).start();
  const caller = await startWorker(callerSource ?? `export default { async fetch(request, env) { return run(env); } };`, { env: { bindings } });
  caller.worker.services = (name) => (name === 'backend' ? backend : null);
  return { backend, caller, logs, async dispose() { await caller.dispose(); backend.dispose(); } };
}

const CHECKS = `
async function run(env) {
  const out = {};
  const attempt = async (name, fn) => { try { out[name] = await fn(); } catch (e) { out[name] = { error: [e.constructor.name, e.name, e.message] }; } };
  await attempt('fetch', async () => { const r = await env.B.fetch('https://backend/path?q=1', { method: 'POST', body: 'payload', headers: { 'x-a': 'a' } }); return [r.status, r.headers.get('x-b'), await r.text()]; });
  await attempt('fetchRequest', async () => (await env.B.fetch(new Request('https://backend/r'))).text());
  await attempt('add', () => env.B.add(2, 40));
  await attempt('clone', async () => { const d = await env.B.describe({ when: new Date(7), map: new Map([['k', 1]]), bytes: new Uint8Array([1, 2]) }); return [d.type, d.env, d.ctx, d.echo.when instanceof Date, d.echo.when.getTime(), d.echo.map.get('k'), [...d.echo.bytes]]; });
  await attempt('boom', () => env.B.boom());
  await attempt('missing', () => env.B.noSuchMethod());
  await attempt('getter', () => env.B.notAMethod());
  await attempt('nothing', async () => [await env.B.nothing()].length + ':' + typeof (await env.B.nothing()));
  await attempt('instanceArg', () => env.B.describe(new (class Point {})()));
  await attempt('instanceResult', () => env.B.giveInstance());
  await attempt('tag', () => [String(env.B), 'fetch' in env.B, typeof env.B.then]);
  return Response.json(out);
}`;

test('fetch() over a service binding reaches the other worker without a socket; RPC clones values and errors', async () => {
  const { caller, dispose } = await pair({ B: { type: 'service', service: 'backend', entrypoint: null } }, `${CHECKS}\nexport default { fetch(request, env) { return run(env); } };`);
  try {
    const out = await (await caller.fetch('/')).json();
    assert.deepEqual(out.fetch, [201, 'yes', 'backend saw POST /path payload a']);
    assert.equal(out.fetchRequest, 'backend saw GET /r  null');
    assert.equal(out.add, 42);
    assert.deepEqual(out.clone, ['[object Object]', 'hello', 'function', true, 7, 1, [1, 2]]);
    assert.deepEqual(out.boom, { error: ['RangeError', 'RangeError', 'out of range'] });
    assert.deepEqual(out.missing, { error: ['TypeError', 'TypeError', 'The RPC receiver does not implement the method "noSuchMethod".'] });
    assert.deepEqual(out.getter, { error: ['TypeError', 'TypeError', '"notAMethod" is not a function.'] });
    assert.equal(out.nothing, '1:undefined');
    assert.deepEqual(out.instanceArg, { error: ['DOMException', 'DataCloneError', 'Could not serialize object of type "Point". This type does not support serialization.'] });
    assert.deepEqual(out.instanceResult, { error: ['DOMException', 'DataCloneError', 'Could not serialize object of type "Thing". This type does not support serialization.'] });
    assert.deepEqual(out.tag, ['[object Fetcher]', true, 'undefined']);
  } finally {
    await dispose();
  }
});

test('an entrypoint names a WorkerEntrypoint export; RPC needs a WorkerEntrypoint class', async () => {
  const bindings = {
    ADMIN: { type: 'service', service: 'backend', entrypoint: 'Admin' },
    PLAIN: { type: 'service', service: 'backend', entrypoint: 'plain' },
    NONE: { type: 'service', service: 'backend', entrypoint: 'Nope' },
    GONE: { type: 'service', service: 'not-running', entrypoint: null },
  };
  const { caller, dispose } = await pair(bindings, `export default { async fetch(request, env) {
    const out = {};
    for (const [name, call] of Object.entries({ admin: () => env.ADMIN.whoami(), plain: () => env.PLAIN.hello(), none: () => env.NONE.x(), gone: () => env.GONE.x(), goneFetch: () => env.GONE.fetch('https://x/') })) {
      try { out[name] = await call(); } catch (e) { out[name] = e.message; }
    }
    return Response.json(out);
  } };`);
  try {
    const out = await (await caller.fetch('/')).json();
    assert.equal(out.admin, 'admin entrypoint');
    assert.match(out.plain, /entrypoint "plain" does not support RPC: it must be a class that extends WorkerEntrypoint/);
    assert.match(out.none, /no entrypoint named "Nope"/);
    assert.match(out.gone, /points at the worker "not-running", which is not running here/);
    assert.match(out.goneFetch, /not running here/);
  } finally {
    await dispose();
  }
});

test('an RPC call that hits the callee\'s CPU limit fails the call; both workers keep serving', async () => {
  const spinner = new Worker({ name: 'spinner', limits: { cpuMs: 50 }, log: () => {}, bundle: moduleBundle(`import { WorkerEntrypoint } from 'cloudflare:workers';
    export default class extends WorkerEntrypoint { spin() { for (;;); } ok() { return 'ok'; } }`) }).start();
  const caller = await startWorker(`export default { async fetch(request, env) {
    try { await env.S.spin(); return new Response('returned'); } catch (e) { return new Response(e.message + ' | ' + await env.S.ok()); }
  } };`, { env: { bindings: { S: { type: 'service', service: 'spinner', entrypoint: null } } } });
  caller.worker.services = () => spinner;
  try {
    assert.equal(await (await caller.fetch('/')).text(), 'Worker exceeded CPU time limit. | ok');
  } finally {
    await caller.dispose();
    spinner.dispose();
  }
});

test('two configs with the same worker name are refused', async () => {
  const a = project({ 'index.js': 'export default {}', 'wrangler.toml': 'name = "same"\nmain = "index.js"\n' }, 'services-');
  const b = project({ 'index.js': 'export default {}', 'wrangler.toml': 'name = "same"\nmain = "index.js"\n' }, 'services-');
  const dev = startDev(['-c', path.join(a, 'wrangler.toml'), '-c', path.join(b, 'wrangler.toml')], a);
  const [code] = await new Promise((resolve) => dev.child.on('exit', (...args) => resolve(args)));
  assert.equal(code, 1);
  assert.match(dev.output, /define a worker named "same"; names must be unique/);
});
