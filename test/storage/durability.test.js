// Durability and sharing: `kill -9` of a server in the middle of a stream of writes loses none
// that were acknowledged, and two servers on one state directory see each other's writes. Real
// `outpost dev` processes, real clients, a real state directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDev } from '../helpers/dev-process.js';

// POST /<store>/<n> writes record n with body <n>; GET /<store>/<n> answers it, or 404.
const WORKER = `
export default {
  async fetch(request, env) {
    const [, store, n] = new URL(request.url).pathname.split('/');
    const write = request.method === 'POST';
    const body = write ? await request.text() : null;
    if (store === 'kv') {
      if (write) await env.KV.put('record:' + n, body);
      else {
        const value = await env.KV.get('record:' + n);
        return value === null ? new Response('missing', { status: 404 }) : new Response(value);
      }
    }
    return new Response('ok');
  },
};
`;

const CONFIG = `name = "crash"
main = "index.js"
compatibility_date = "2026-08-04"

[[kv_namespaces]]
binding = "KV"
id = "records"
`;

function project() {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-crash-'));
  writeFileSync(path.join(dir, 'index.js'), WORKER);
  writeFileSync(path.join(dir, 'wrangler.toml'), CONFIG);
  return dir;
}

// Writes records through `clients` concurrent loops until the server dies; returns the numbers
// of the records whose write was acknowledged (a 200 with body "ok").
async function writeUntilKilled(url, store, clients, killAfterAcks, kill) {
  const acknowledged = [];
  let next = 0;
  let killed = false;
  const loop = async () => {
    while (!killed) {
      const n = next++;
      try {
        const res = await fetch(`${url}/${store}/${n}`, { method: 'POST', body: String(n) });
        if (res.status === 200 && (await res.text()) === 'ok') acknowledged.push(n);
      } catch {
        // The server died with this write in flight: it was never acknowledged.
        return;
      }
      if (acknowledged.length === killAfterAcks && !killed) {
        killed = true;
        kill();
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return { acknowledged, attempted: next };
}

for (const store of ['kv']) {
  test(`${store}: every write acknowledged before kill -9 is there after a restart`, async () => {
    const dir = project();
    const first = startDev([], dir);
    const [, url] = await first.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
    const exited = once(first.child, 'exit');
    const { acknowledged, attempted } = await writeUntilKilled(url, store, 8, 300, () => first.child.kill('SIGKILL'));
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');
    assert.ok(acknowledged.length >= 300, `only ${acknowledged.length} writes were acknowledged`);
    assert.ok(attempted > acknowledged.length, 'the kill landed in the middle of the stream of writes');

    const second = startDev([], dir);
    try {
      const [, url2] = await second.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
      const missing = [];
      for (const n of acknowledged) {
        const res = await fetch(`${url2}/${store}/${n}`);
        const text = await res.text();
        if (res.status !== 200 || text !== String(n)) missing.push(n);
      }
      assert.deepEqual(missing, [], `acknowledged writes lost after kill -9`);
    } finally {
      second.child.kill('SIGKILL');
    }
  });
}

for (const store of ['kv']) {
  test(`${store}: two servers on one state directory, writing at once, see all of each other's writes`, async () => {
    const dir = project();
    const servers = [startDev([], dir), startDev([], dir)];
    try {
      const urls = await Promise.all(servers.map(async (server) => (await server.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/))[1]));
      const total = 400;
      const writes = Array.from({ length: total }, (_, n) => fetch(`${urls[n % 2]}/${store}/${n}`, { method: 'POST', body: String(n) }).then((res) => res.text()));
      assert.deepEqual(new Set(await Promise.all(writes)), new Set(['ok']));
      for (const url of urls) {
        const reads = await Promise.all(Array.from({ length: total }, (_, n) => fetch(`${url}/${store}/${n}`).then((res) => res.text())));
        assert.deepEqual(reads, Array.from({ length: total }, (_, n) => String(n)));
      }
    } finally {
      for (const server of servers) server.child.kill('SIGKILL');
    }
  });
}

// A producer and consumer of the same queue. The consumer logs each message it finishes; with
// HOLD = "1" it holds every message numbered 10 or more for a minute before finishing it.
const QUEUE_WORKER = `
export default {
  async fetch(request, env) {
    const [from, to] = new URL(request.url).pathname.split('/').slice(2).map(Number);
    await env.JOBS.sendBatch(Array.from({ length: to - from }, (_, i) => ({ body: from + i })));
    return new Response('ok');
  },
  async queue(batch, env) {
    for (const message of batch.messages) {
      if (env.HOLD === '1' && message.body >= 10) await new Promise((resolve) => setTimeout(resolve, 60_000));
      console.log('finished ' + message.body);
    }
  },
};
`;

test('queues: a consumer killed mid-batch has the batch redelivered after a restart; acknowledged messages never come back', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-crash-queue-'));
  writeFileSync(path.join(dir, 'index.js'), QUEUE_WORKER);
  writeFileSync(path.join(dir, 'wrangler.toml'), 'name = "jobs"\nmain = "index.js"\n\n[vars]\nHOLD = "0"\n\n[[queues.producers]]\nqueue = "jobs"\nbinding = "JOBS"\n\n[[queues.consumers]]\nqueue = "jobs"\nmax_batch_size = 5\nmax_batch_timeout = 0\n');
  const first = startDev(['--var', 'HOLD:1'], dir);
  const [, url] = await first.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
  await fetch(`${url}/send/0/10`);
  await first.waitFor(/finished 9/);
  await first.waitFor(/QUEUE jobs 5\/5 acked[^\n]*\n[\s\S]*QUEUE jobs 5\/5 acked/);
  await fetch(`${url}/send/10/20`);
  // Wait until the held batches are in flight, then kill the process.
  await sleep(300);
  const exited = once(first.child, 'exit');
  first.child.kill('SIGKILL');
  await exited;
  assert.doesNotMatch(first.output, /finished 1[0-9]/);

  const second = startDev([], dir);
  try {
    // (Deliveries may start before the server prints that it is ready.)
    const finished = () => new Set([...second.output.matchAll(/finished (\d+)/g)].map((m) => Number(m[1])));
    const deadline = Date.now() + 15_000;
    while (finished().size < 10 && Date.now() < deadline) await sleep(50);
    assert.deepEqual([...finished()].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => 10 + i));
    await sleep(300);
    assert.doesNotMatch(second.output, /finished [0-9]\b/, 'acknowledged messages were delivered again');
  } finally {
    second.child.kill('SIGKILL');
  }
});
