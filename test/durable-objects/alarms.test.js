// Durable Object alarms delivered by the alarm scheduler: on time, with retries after a failure,
// and an alarm set again by its handler standing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from '../../src/runtime/worker.js';
import { AlarmScheduler } from '../../src/scheduler/alarm-scheduler.js';
import { moduleBundle, temporaryStateDir } from '../helpers/worker.js';
import { until } from '../helpers/until.js';

const SOURCE = `import { DurableObject } from 'cloudflare:workers';
export class Timer extends DurableObject {
  async arm(ms) { await this.ctx.storage.setAlarm(Date.now() + ms); return this.ctx.storage.getAlarm(); }
  async fired() { return (await this.ctx.storage.get('fired')) ?? []; }
  async alarm(info) {
    const fired = (await this.ctx.storage.get('fired')) ?? [];
    fired.push(info.retryCount);
    await this.ctx.storage.put('fired', fired);
    const mode = await this.ctx.storage.get('mode');
    if (mode === 'fail-once' && info.retryCount === 0) throw new Error('first attempt fails');
    if (mode === 'again' && fired.length === 1) await this.ctx.storage.setAlarm(Date.now() + 50);
  }
  async setMode(mode) { await this.ctx.storage.put('mode', mode); }
}
export default { fetch: () => new Response('timers') };`;

async function setup() {
  const stateDir = temporaryStateDir();
  const runs = [];
  const worker = new Worker({ name: 'timers', stateDir, bundle: moduleBundle(SOURCE), env: { bindings: { T: { type: 'durable-object', className: 'Timer', scriptName: null } } }, log: () => {} }).start();
  const scheduler = new AlarmScheduler({ stateDir, workerName: 'timers', worker: () => worker, onRun: (run) => runs.push(run) }).start();
  // A caller worker: the stub calls go through the namespace like a worker's would.
  const caller = new Worker({ name: 'timers', stateDir, bundle: moduleBundle(`export default { async fetch(request, env) {
    const [op, name, arg] = new URL(request.url).pathname.slice(1).split('/');
    const stub = env.T.getByName(name);
    return Response.json((await stub[op](arg === undefined ? undefined : isNaN(Number(arg)) ? arg : Number(arg))) ?? null);
  } };`), env: { bindings: { T: { type: 'durable-object', className: 'Timer', scriptName: 'timers' } } }, services: () => worker, log: () => {} }).start();
  const call = async (path) => {
    const res = await caller.fetch({ method: 'GET', url: `http://x/${path}`, headers: [], cf: {}, body: null });
    const chunks = [];
    if (res.body && typeof res.body !== 'string' && !Buffer.isBuffer(res.body)) for await (const c of res.body) chunks.push(c);
    return JSON.parse(typeof res.body === 'string' ? res.body : Buffer.isBuffer(res.body) ? res.body.toString() : Buffer.concat(chunks).toString());
  };
  return { call, runs, close: () => { scheduler.close(); caller.dispose(); worker.dispose(); } };
}

test('an alarm runs its handler when due, once', async () => {
  const { call, runs, close } = await setup();
  try {
    const at = await call('arm/a/200');
    assert.ok(at > Date.now());
    assert.deepEqual(await call('fired/a'), []);
    await until(async () => (await call('fired/a')).length === 1);
    await sleep(400);
    assert.deepEqual(await call('fired/a'), [0]);
    assert.equal(runs.filter((r) => r.ok).length, 1);
  } finally {
    close();
  }
});

test('a failing alarm is retried with retryCount; one set again by its handler stands', async () => {
  const { call, close } = await setup();
  try {
    await call('setMode/b/fail-once');
    await call('arm/b/10');
    await until(async () => (await call('fired/b')).length === 2, 8000);
    assert.deepEqual(await call('fired/b'), [0, 1]);
    await call('setMode/c/again');
    await call('arm/c/10');
    await until(async () => (await call('fired/c')).length === 2);
    assert.deepEqual(await call('fired/c'), [0, 0]);
  } finally {
    close();
  }
});
