// Durable Objects through real workers: ids, stubs (fetch and RPC), one live instance per id
// whichever worker calls it, in-memory state between events, blockConcurrencyWhile, and the
// errors of a wrong id, a missing class or a constructor that throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from '../../src/runtime/worker.js';
import { moduleBundle, startWorker } from '../helpers/worker.js';

const OBJECTS = `import { DurableObject } from 'cloudflare:workers';
export class Counter extends DurableObject {
  count = 0;
  constructor(ctx, env) {
    super(ctx, env);
    this.ready = false;
    ctx.blockConcurrencyWhile(async () => { await new Promise((resolve) => setTimeout(resolve, 20)); this.ready = true; });
  }
  async fetch(request) {
    this.count++;
    return Response.json({ id: this.ctx.id.toString(), name: this.ctx.id.name ?? null, count: this.count, ready: this.ready, method: request.method, body: await request.text() });
  }
  increment(by = 1) { this.count += by; return this.count; }
  async slowIncrement() { const before = this.count; await new Promise((resolve) => setTimeout(resolve, 1)); this.count = before + 1; return this.count; }
  env() { return typeof this.env.NAME; }
  fail() { throw new RangeError('object failure'); }
}
export class Plain { fetch() { return new Response('plain object'); } hello() { return 'hi'; } }
let attempts = 0;
export class Fragile extends DurableObject {
  constructor(ctx, env) { super(ctx, env); attempts++; if (attempts === 1) throw new Error('constructor failed once'); }
  attempts() { return attempts; }
}
export default { fetch: () => new Response('objects worker') };`;

const BINDINGS = {
  COUNTER: { type: 'durable-object', className: 'Counter', scriptName: null },
  PLAIN: { type: 'durable-object', className: 'Plain', scriptName: null },
  FRAGILE: { type: 'durable-object', className: 'Fragile', scriptName: null },
  MISSING: { type: 'durable-object', className: 'Missing', scriptName: null },
};

async function run(body) {
  const w = await startWorker(`${OBJECTS.replace("export default { fetch: () => new Response('objects worker') };", '')}
    export default { async fetch(request, env) {
      const out = {};
      const attempt = async (name, fn) => { try { out[name] = await fn(); } catch (e) { out[name] = { error: [e.constructor.name, e.message] }; } };
      ${body}
      return Response.json(out);
    } };`, { env: { bindings: BINDINGS, vars: { NAME: 'x' } } });
  try {
    return await (await w.fetch('/')).json();
  } finally {
    await w.dispose();
  }
}

test('ids: idFromName is stable and carries its name, newUniqueId is new, idFromString checks the namespace', async () => {
  const out = await run(`
    const a = env.COUNTER.idFromName('alpha');
    await attempt('hex', () => /^[0-9a-f]{64}$/.test(a.toString()));
    await attempt('stable', () => a.equals(env.COUNTER.idFromName('alpha')) && !a.equals(env.COUNTER.idFromName('beta')));
    await attempt('name', () => [a.name, env.COUNTER.newUniqueId().name, env.COUNTER.idFromString(a.toString()).name]);
    await attempt('unique', () => env.COUNTER.newUniqueId().toString() !== env.COUNTER.newUniqueId().toString());
    await attempt('roundTrip', () => env.COUNTER.idFromString(a.toString()).equals(a));
    await attempt('json', () => JSON.stringify({ a }) === JSON.stringify({ a: a.toString() }));
    await attempt('short', () => env.COUNTER.idFromString('abc'));
    await attempt('otherNamespace', () => env.PLAIN.idFromString(a.toString()));
    await attempt('otherGet', () => env.PLAIN.get(a));
    await attempt('notAnId', () => env.COUNTER.get('alpha'));
    await attempt('tags', () => [String(env.COUNTER), String(a), String(env.COUNTER.get(a))]);
  `);
  assert.equal(out.hex, true);
  assert.equal(out.stable, true);
  // (JSON carries the undefined names of ids not made from a name as null.)
  assert.deepEqual(out.name, ['alpha', null, null]);
  assert.equal(out.unique, true);
  assert.equal(out.roundTrip, true);
  assert.equal(out.json, true);
  assert.deepEqual(out.short, { error: ['TypeError', 'Invalid Durable Object ID: must be 64 hex digits'] });
  assert.deepEqual(out.otherNamespace, { error: ['TypeError', 'Durable Object ID is not valid for this namespace.'] });
  assert.deepEqual(out.otherGet, { error: ['TypeError', 'Durable Object ID is not valid for this namespace.'] });
  assert.equal(out.notAnId.error[0], 'TypeError');
  assert.equal(out.tags[0], '[object DurableObjectNamespace]');
  assert.equal(out.tags[2], '[object DurableObjectStub]');
});

test('stubs: fetch and RPC reach one instance per id, which keeps its state between events', async () => {
  const out = await run(`
    const stub = env.COUNTER.getByName('alpha');
    await attempt('first', async () => (await stub.fetch('https://object/x', { method: 'POST', body: 'hello' })).json());
    await attempt('second', async () => (await env.COUNTER.get(env.COUNTER.idFromName('alpha')).fetch('https://object/x')).json());
    await attempt('rpc', () => stub.increment(10));
    await attempt('byString', () => env.COUNTER.get(env.COUNTER.idFromString(env.COUNTER.idFromName('alpha').toString())).increment());
    await attempt('other', () => env.COUNTER.getByName('beta').increment());
    await attempt('env', () => stub.env());
    await attempt('error', () => stub.fail());
    await attempt('missingMethod', () => stub.nope());
    await attempt('concurrent', async () => Math.max(...await Promise.all(Array.from({ length: 100 }, () => env.COUNTER.getByName('gamma').slowIncrement()))));
  `);
  assert.deepEqual(out.first, { id: out.first.id, name: 'alpha', count: 1, ready: true, method: 'POST', body: 'hello' });
  assert.equal(out.second.count, 2);
  assert.equal(out.second.id, out.first.id);
  assert.equal(out.rpc, 12);
  assert.equal(out.byString, 13);
  assert.equal(out.other, 1);
  assert.equal(out.env, 'string');
  assert.deepEqual(out.error, { error: ['RangeError', 'object failure'] });
  assert.deepEqual(out.missingMethod, { error: ['TypeError', 'The RPC receiver does not implement the method "nope".'] });
  // Without storage, in-memory read-modify-write across an await can interleave; the instance is
  // still one: every call saw the same object.
  assert.ok(out.concurrent >= 1 && out.concurrent <= 100);
});

test('a class without extends DurableObject serves fetch but not RPC; a missing class and a failing constructor are clear errors', async () => {
  const out = await run(`
    await attempt('plainFetch', async () => (await env.PLAIN.getByName('p').fetch('https://object/')).text());
    await attempt('plainRpc', () => env.PLAIN.getByName('p').hello());
    await attempt('missing', () => env.MISSING.getByName('m').anything());
    await attempt('missingFetch', async () => (await env.MISSING.getByName('m').fetch('https://object/')).status);
    await attempt('fragileFirst', () => env.FRAGILE.getByName('f').attempts());
    await attempt('fragileSecond', () => env.FRAGILE.getByName('f').attempts());
    await attempt('throwingFetch', async () => (await env.FRAGILE.getByName('t').fetch('https://object/')).status);
  `);
  assert.equal(out.plainFetch, 'plain object');
  assert.deepEqual(out.plainRpc, { error: ['TypeError', 'The receiving Durable Object does not support RPC, because its class was not declared with `extends DurableObject`.'] });
  assert.deepEqual(out.missing, { error: ['Error', 'The Durable Object class "Missing" is not exported by the worker.'] });
  assert.deepEqual(out.missingFetch, { error: ['Error', 'The Durable Object class "Missing" is not exported by the worker.'] });
  // An object whose fetch() throws: the caller's fetch() rejects with that error.
  assert.deepEqual(out.throwingFetch, { error: ['TypeError', 'Handler does not export a fetch() function.'] });
  assert.deepEqual(out.fragileFirst, { error: ['Error', 'constructor failed once'] });
  assert.equal(out.fragileSecond, 2);
});

test('objects of another worker (script_name) live in that worker: one instance whoever calls', async () => {
  const host = new Worker({ name: 'objects', bundle: moduleBundle(OBJECTS), log: () => {} }).start();
  const callers = [];
  try {
    for (let i = 0; i < 2; i++) {
      const caller = await startWorker(`export default { async fetch(request, env) { return new Response(String(await env.C.getByName('shared').increment())); } };`, {
        env: { bindings: { C: { type: 'durable-object', className: 'Counter', scriptName: 'objects' } } },
      });
      caller.worker.services = (name) => (name === 'objects' ? host : null);
      callers.push(caller);
    }
    const counts = [];
    for (const caller of [...callers, ...callers]) counts.push(Number(await (await caller.fetch('/')).text()));
    assert.deepEqual(counts, [1, 2, 3, 4]);
  } finally {
    for (const caller of callers) await caller.dispose();
    host.dispose();
  }
});

test('durable_object_fetch_requires_full_url, fetcher_no_get_put_delete: a stub fetches full URLs only; get() is an RPC call, not a fetch', async () => {
  const out = await run(`
    const stub = env.COUNTER.getByName('urls');
    await attempt('relative', () => stub.fetch('/path'));
    await attempt('full', async () => (await (await stub.fetch('https://object/path')).json()).method);
    await attempt('get', () => stub.get('https://object/path'));
  `);
  assert.deepEqual(out.relative, { error: ['TypeError', 'Invalid URL: /path'] });
  assert.equal(out.full, 'GET');
  assert.equal(out.get.error[0], 'TypeError');
  assert.match(out.get.error[1], /does not implement "get"|get/);
});
