// `outpost queues` as a user runs it, on a real state directory, with a real `outpost dev`
// consuming through a consumer added from the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openQueueStore } from '../../src/storage/queue-store.js';
import { startDev } from '../helpers/dev-process.js';

const BIN = new URL('../../bin/outpost.js', import.meta.url).pathname;
const run = promisify(execFile);

async function queues(cwd, ...args) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--no-node-snapshot', BIN, 'queues', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function project() {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-queues-cli-'));
  writeFileSync(path.join(dir, 'wrangler.toml'), 'name = "mailer"\nmain = "index.js"\n');
  writeFileSync(path.join(dir, 'index.js'), 'export default { async queue(batch) { for (const m of batch.messages) console.log("mailed " + m.body); } }');
  return dir;
}

test('create, list, info and delete show what is in each queue', async () => {
  const dir = project();
  const created = await queues(dir, 'create', 'emails');
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /\[\[queues\.producers\]\]\nqueue = "emails"\nbinding = "EMAILS"/);
  assert.match((await queues(dir, 'create', 'emails')).stderr, /already exists/);

  const store = openQueueStore(path.join(dir, '.outpost', 'state'));
  store.send('emails', [
    { body: Buffer.from('1'), contentType: 'json', delaySeconds: 0 },
    { body: Buffer.from('2'), contentType: 'json', delaySeconds: 0 },
    { body: Buffer.from('3'), contentType: 'json', delaySeconds: 600 },
  ]);
  store.lease('emails', 1, 60_000);
  const listed = JSON.parse((await queues(dir, 'list', '--json')).stdout);
  assert.deepEqual(listed.map(({ name, ready, delayed, inFlight, deadLettered }) => ({ name, ready, delayed, inFlight, deadLettered })),
    [{ name: 'emails', ready: 1, delayed: 1, inFlight: 1, deadLettered: 0 }]);
  const info = await queues(dir, 'info', 'emails');
  assert.match(info.stdout, /queue\s+ready\s+delayed\s+in flight\s+dead-lettered\nemails\s+1\s+1\s+1\s+0/);
  assert.equal((await queues(dir, 'delete', 'emails')).code, 0);
  assert.equal((await queues(dir, 'list')).stdout, 'No queues.\n');
  assert.match((await queues(dir, 'info', 'emails')).stderr, /No queue named "emails"/);
});

test('a consumer added from the command line is used by outpost dev for that worker', async () => {
  const dir = project();
  const added = await queues(dir, 'consumer', 'add', 'emails', 'mailer', '--batch-size', '2', '--batch-timeout', '0', '--message-retries', '1', '--dead-letter-queue', 'emails-dlq');
  assert.equal(added.code, 0, added.stderr);
  assert.match((await queues(dir, 'info', 'emails')).stdout, /consumer: mailer \{"max_batch_size":2,"max_batch_timeout":0,"max_retries":1,"dead_letter_queue":"emails-dlq"\}/);
  openQueueStore(path.join(dir, '.outpost', 'state')).send('emails', [1, 2, 3].map((n) => ({ body: Buffer.from(String(n)), contentType: 'json', delaySeconds: 0 })));
  const dev = startDev([], dir);
  try {
    await dev.waitFor(/QUEUE emails 2\/2 acked/);
    await dev.waitFor(/QUEUE emails 1\/1 acked/);
    for (const n of [1, 2, 3]) assert.match(dev.output, new RegExp(`mailed ${n}`));
  } finally {
    dev.child.kill('SIGKILL');
  }
  assert.equal((await queues(dir, 'consumer', 'remove', 'emails', 'mailer')).code, 0);
  assert.match((await queues(dir, 'consumer', 'remove', 'emails', 'mailer')).stderr, /has no consumer "mailer"/);
});

test('bad input: clear errors', async () => {
  const dir = project();
  const cases = [
    [['create', 'Bad_Name'], /lowercase letters, digits and dashes/],
    [['create'], /Missing the queue name/],
    [['consumer', 'add', 'q'], /Missing the script/],
    [['consumer', 'add', 'q', 'w', '--batch-size', '101'], /--batch-size must be an integer from 1 to 100, got 101/],
    [['consumer', 'add', 'q', 'w', '--batch-timeout', '61'], /--batch-timeout must be a number from 0 to 60/],
    [['consumer', 'add', 'q', 'w', '--message-retries', 'x'], /--message-retries must be an integer/],
    [['delete', 'missing'], /No queue named "missing"/],
    [['list', '--remote'], /Set OUTPOST_API_URL and OUTPOST_API_TOKEN/],
    [['frobnicate'], /Unknown command "outpost queues frobnicate"/],
  ];
  for (const [args, message] of cases) {
    const result = await queues(dir, ...args);
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, message, args.join(' '));
  }
});
