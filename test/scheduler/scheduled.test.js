// The scheduled event through real workers: the dev server's on-demand trigger, every worker
// format, and the cron scheduler firing handlers by expression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { moduleBundle, startWorker } from '../helpers/worker.js';
import { startDev } from '../helpers/dev-process.js';
import { Worker } from '../../src/runtime/worker.js';
import { CronScheduler } from '../../src/scheduler/cron-scheduler.js';

const RECORDER = `export default {
  fetch: () => new Response('fetch handler'),
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 20)).then(() => console.log('background done')));
    console.log(JSON.stringify({ cron: controller.cron, scheduledTime: controller.scheduledTime, type: controller.type, tag: String(controller), env: env.NAME, noRetry: typeof controller.noRetry }));
    if (controller.cron === 'fail') throw new Error('scheduled failure');
  },
};`;

test('GET /cdn-cgi/handler/scheduled runs the scheduled handler with the cron and time asked for', async () => {
  const w = await startWorker(RECORDER, { env: { vars: { NAME: 'recorder' } } });
  try {
    const res = await w.fetch('/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*&time=1700000000000');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Ran scheduled event');
    const ran = JSON.parse(w.logs.find((l) => l.message.startsWith('{')).message);
    assert.deepEqual(ran, { cron: '*/5 * * * *', scheduledTime: 1700000000000, type: 'scheduled', tag: '[object ScheduledController]', env: 'recorder', noRetry: 'function' });
    assert.ok(w.logs.some((l) => l.message === 'background done'), 'the response waits for waitUntil() work');

    // wrangler's older route, and the defaults: no cron, the current time.
    const before = Date.now();
    assert.equal((await w.fetch('/__scheduled')).status, 200);
    const second = JSON.parse(w.logs.filter((l) => l.message.startsWith('{'))[1].message);
    assert.equal(second.cron, '');
    assert.ok(second.scheduledTime >= before && second.scheduledTime <= Date.now());

    // Other paths still reach fetch.
    assert.equal(await (await w.fetch('/cdn-cgi/handler/scheduledx')).text(), 'fetch handler');
    assert.equal((await w.fetch('/cdn-cgi/handler/scheduled?time=soon')).status, 400);
  } finally {
    await w.dispose();
  }
});

test('a scheduled handler that throws answers 500, logs its stack, and the worker keeps serving', async () => {
  const w = await startWorker(RECORDER);
  try {
    const res = await w.fetch('/cdn-cgi/handler/scheduled?cron=fail');
    assert.equal(res.status, 500);
    const logged = w.logs.find((l) => l.level === 'error');
    assert.match(logged.message, /Error: scheduled failure\n\s+at Object\.scheduled \(index\.js:\d+:\d+\)/);
    assert.equal(await (await w.fetch('/')).text(), 'fetch handler');
  } finally {
    await w.dispose();
  }
});

test('outside development the trigger route is the worker\'s own path', async () => {
  const w = await startWorker(RECORDER, { dev: false });
  try {
    assert.equal(await (await w.fetch('/cdn-cgi/handler/scheduled')).text(), 'fetch handler');
  } finally {
    await w.dispose();
  }
});

test('service-worker scripts, WorkerEntrypoint classes, and workers without a scheduled handler', async () => {
  const sw = await startWorker(`addEventListener('scheduled', (event) => {
    event.waitUntil(Promise.resolve().then(() => console.log('sw ' + event.cron + ' ' + event.scheduledTime + ' ' + event.type)));
  });`, { format: 'service-worker' });
  try {
    assert.equal((await sw.fetch('/__scheduled?cron=sw&time=5')).status, 200);
    assert.ok(sw.logs.some((l) => l.message === 'sw sw 5 scheduled'), JSON.stringify(sw.logs));
  } finally {
    await sw.dispose();
  }
  const entry = await startWorker(`import { WorkerEntrypoint } from 'cloudflare:workers';
    export default class extends WorkerEntrypoint { async scheduled(controller) { console.log('class ' + controller.cron + ' ' + typeof this.ctx.waitUntil); } }`);
  try {
    assert.equal((await entry.fetch('/__scheduled?cron=c')).status, 200);
    assert.ok(entry.logs.some((l) => l.message === 'class c function'));
  } finally {
    await entry.dispose();
  }
  const none = await startWorker(`export default { fetch: () => new Response('only fetch') }`);
  try {
    assert.equal((await none.fetch('/__scheduled')).status, 500);
    assert.ok(none.logs.some((l) => /Handler does not export a scheduled\(\) function\./.test(l.message)));
  } finally {
    await none.dispose();
  }
});

test('controller.noRetry() is reported with the outcome', async () => {
  const worker = new Worker({ name: 'w', bundle: moduleBundle('export default { scheduled(controller) { controller.noRetry(); throw new Error("x"); } }'), log: () => {} }).start();
  try {
    const { outcome } = await worker.scheduled('* * * * *', 0);
    assert.deepEqual(outcome, [false, true]);
  } finally {
    worker.dispose();
  }
});

test('the cron scheduler fires the handlers whose expressions match, at the minute, in UTC', async () => {
  const runs = [];
  const worker = new Worker({ name: 'crons', bundle: moduleBundle('export default { scheduled(controller) { console.log(controller.cron + " " + controller.scheduledTime); } }'), log: (level, message) => runs.push(message) }).start();
  // A clock running 300 ms before 10:00 UTC on a Monday, 2 January 2023.
  const target = Date.UTC(2023, 0, 2, 10, 0);
  const offset = target - 300 - Date.now();
  const reports = [];
  const scheduler = new CronScheduler({
    crons: ['* * * * *', '0 10 * * MON', '0 11 * * *', '*/2 * * * *', '0 10 2 1 *', '0 10 * * SUN'],
    worker: () => worker,
    onRun: (report) => reports.push(report),
    now: () => Date.now() + offset,
  }).start();
  try {
    const deadline = Date.now() + 3000;
    while (reports.length < 4 && Date.now() < deadline) await sleep(20);
    await sleep(200);
    assert.deepEqual(runs.sort(), [`* * * * * ${target}`, `*/2 * * * * ${target}`, `0 10 * * MON ${target}`, `0 10 2 1 * ${target}`].sort());
    assert.ok(reports.every((r) => r.ok && r.scheduledTime === target));
  } finally {
    scheduler.close();
    worker.dispose();
  }
});

test('a bad cron expression stops outpost dev with an error naming it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-cron-'));
  writeFileSync(path.join(dir, 'index.js'), 'export default { scheduled() {} }');
  writeFileSync(path.join(dir, 'wrangler.toml'), 'name = "crons"\nmain = "index.js"\n\n[triggers]\ncrons = ["*/5 * * * *", "61 * * * *"]\n');
  const dev = startDev([], dir);
  const [code] = await new Promise((resolve) => dev.child.on('exit', (...args) => resolve(args)));
  assert.equal(code, 1);
  assert.match(dev.output, /wrangler\.toml: \[triggers\] crons: .*"61 \* \* \* \*"/);
});
