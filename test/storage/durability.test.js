// Durability and sharing: `kill -9` of a server in the middle of a stream of writes loses none
// that were acknowledged, and two servers on one state directory see each other's writes. Real
// `outpost dev` processes, real clients, a real state directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
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
