// `outpost kv` as a user runs it: a real child process on a real project directory, and the
// same data read back by a real worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startWorker } from '../helpers/worker.js';

const BIN = new URL('../../bin/outpost.js', import.meta.url).pathname;
const run = promisify(execFile);

function project() {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-kv-cli-'));
  writeFileSync(path.join(dir, 'wrangler.toml'), `name = "kv-cli"\nmain = "index.js"\n\n[[kv_namespaces]]\nbinding = "CACHE"\nid = "cache-id"\npreview_id = "cache-preview"\n`);
  writeFileSync(path.join(dir, 'index.js'), 'export default {}');
  return dir;
}

// Runs `outpost kv ...` in `cwd`: { code, stdout, stderr }.
async function kv(cwd, ...args) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'kv', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'buffer' });
    return { code: 0, stdout: stdout.toString(), stderr: stderr.toString(), bytes: stdout };
  } catch (err) {
    return { code: err.code, stdout: err.stdout.toString(), stderr: err.stderr.toString() };
  }
}

test('namespace create, list and delete', async () => {
  const dir = project();
  const created = await kv(dir, 'namespace', 'create', 'sessions');
  assert.equal(created.code, 0, created.stderr);
  const id = /id = "([0-9a-f]{32})"/.exec(created.stdout)?.[1];
  assert.ok(id, created.stdout);
  assert.match(created.stdout, /\[\[kv_namespaces\]\]\nbinding = "SESSIONS"/);
  const again = await kv(dir, 'namespace', 'create', 'sessions');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists/);
  assert.deepEqual(JSON.parse((await kv(dir, 'namespace', 'list')).stdout), [{ id, title: 'sessions' }]);
  assert.equal((await kv(dir, 'key', 'put', 'k', 'v', '--namespace-id', id)).code, 0);
  assert.equal((await kv(dir, 'namespace', 'delete', '--namespace-id', id)).code, 0);
  assert.deepEqual(JSON.parse((await kv(dir, 'namespace', 'list')).stdout), []);
  assert.equal((await kv(dir, 'key', 'get', 'k', '--namespace-id', id)).code, 1, 'its keys went with it');
});

test('key put, get, list and delete, by binding or by id, seen by a worker on the same state', async () => {
  const dir = project();
  assert.equal((await kv(dir, 'key', 'put', 'greeting', 'héllo', '--binding', 'CACHE', '--metadata', '{"by":"cli"}', '--ttl', '3600')).code, 0);
  const file = path.join(dir, 'blob.bin');
  writeFileSync(file, Buffer.from([0, 1, 2, 255]));
  assert.equal((await kv(dir, 'key', 'put', 'blob', '--path', file, '--namespace-id', 'cache-id')).code, 0);
  assert.equal((await kv(dir, 'key', 'get', 'greeting', '--binding', 'CACHE', '--text')).stdout, 'héllo');
  assert.deepEqual([...(await kv(dir, 'key', 'get', 'blob', '--binding', 'CACHE')).bytes], [0, 1, 2, 255]);
  const listed = JSON.parse((await kv(dir, 'key', 'list', '--binding', 'CACHE')).stdout);
  assert.deepEqual(listed.map((k) => k.name), ['blob', 'greeting']);
  assert.deepEqual(listed[1].metadata, { by: 'cli' });
  assert.ok(listed[1].expiration > Date.now() / 1000 + 3500);
  assert.deepEqual(JSON.parse((await kv(dir, 'key', 'list', '--binding', 'CACHE', '--prefix', 'gr')).stdout).map((k) => k.name), ['greeting']);

  // A worker bound to the same namespace, on the project's default state directory.
  const worker = await startWorker(`export default { async fetch(request, env) { return Response.json(await env.CACHE.getWithMetadata('greeting')); } }`, {
    env: { bindings: { CACHE: { type: 'kv', namespaceId: 'cache-id' } } },
    stateDir: path.join(dir, '.outpost', 'state'),
  });
  try {
    assert.deepEqual(await (await worker.fetch('/')).json(), { value: 'héllo', metadata: { by: 'cli' }, cacheStatus: null });
  } finally {
    await worker.dispose();
  }

  assert.equal((await kv(dir, 'key', 'put', 'p', 'preview value', '--binding', 'CACHE', '--preview')).code, 0);
  assert.equal((await kv(dir, 'key', 'get', 'p', '--namespace-id', 'cache-preview', '--text')).stdout, 'preview value');
  assert.equal((await kv(dir, 'key', 'delete', 'greeting', '--binding', 'CACHE')).code, 0);
  const missing = await kv(dir, 'key', 'get', 'greeting', '--binding', 'CACHE');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Value not found for "greeting"/);
});

test('--persist-to chooses the state directory', async () => {
  const dir = project();
  const state = path.join(dir, 'elsewhere');
  assert.equal((await kv(dir, 'key', 'put', 'k', 'v', '--binding', 'CACHE', '--persist-to', state)).code, 0);
  assert.equal((await kv(dir, 'key', 'get', 'k', '--binding', 'CACHE')).code, 1);
  assert.equal((await kv(dir, 'key', 'get', 'k', '--binding', 'CACHE', '--persist-to', state, '--text')).stdout, 'v');
});

test('bulk put and bulk delete from JSON files, all or nothing', async () => {
  const dir = project();
  const entries = Array.from({ length: 12_000 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
  entries.push({ key: 'bin', value: Buffer.from([1, 2, 3]).toString('base64'), base64: true, metadata: { m: 1 }, expiration_ttl: 120 });
  writeFileSync(path.join(dir, 'put.json'), JSON.stringify(entries));
  const put = await kv(dir, 'bulk', 'put', 'put.json', '--binding', 'CACHE');
  assert.equal(put.code, 0, put.stderr);
  assert.match(put.stderr, /Uploaded 10000 of 12001/, 'long operations show progress');
  assert.deepEqual([...(await kv(dir, 'key', 'get', 'bin', '--binding', 'CACHE')).bytes], [1, 2, 3]);
  assert.equal((await kv(dir, 'key', 'get', 'k11999', '--binding', 'CACHE', '--text')).stdout, 'v11999');

  // One bad entry: nothing of the file is written.
  writeFileSync(path.join(dir, 'bad.json'), JSON.stringify([{ key: 'new1', value: 'x' }, { key: 'new2', value: 'x', expiration_ttl: 10 }]));
  const bad = await kv(dir, 'bulk', 'put', 'bad.json', '--binding', 'CACHE');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad\.json\[1\]: the TTL must be .* at least 60/);
  assert.equal((await kv(dir, 'key', 'get', 'new1', '--binding', 'CACHE')).code, 1);

  writeFileSync(path.join(dir, 'delete.json'), JSON.stringify(['k0', { key: 'k1' }, 'bin']));
  assert.equal((await kv(dir, 'bulk', 'delete', 'delete.json', '--binding', 'CACHE', '--force')).code, 0);
  const left = JSON.parse((await kv(dir, 'key', 'list', '--binding', 'CACHE', '--prefix', 'k1')).stdout);
  assert.equal(left.some((k) => k.name === 'k1'), false);
  assert.equal(left.some((k) => k.name === 'k10'), true);
});

test('bad input: clear errors, nothing changed', async () => {
  const dir = project();
  const cases = [
    [['key', 'get', 'k'], /--binding <name> or --namespace-id <id>/],
    [['key', 'get', 'k', '--binding', 'NOPE'], /No KV binding "NOPE" in .*wrangler\.toml\. Known: CACHE\./],
    [['key', 'get', 'k', '--binding', 'CACHE', '--namespace-id', 'x'], /either --binding or --namespace-id/],
    [['key', 'put', 'x'.repeat(513), 'v', '--binding', 'CACHE'], /keys are at most 512 bytes/],
    [['key', 'put', 'k', 'v', '--binding', 'CACHE', '--ttl', '30'], /at least 60/],
    [['key', 'put', 'k', 'v', '--binding', 'CACHE', '--metadata', '{bad'], /--metadata must be JSON/],
    [['key', 'put', 'k', 'v', '--binding', 'CACHE', '--metadata', JSON.stringify({ a: 'x'.repeat(1100) })], /at most 1024/],
    [['key', 'put', 'k', '--binding', 'CACHE'], /either as an argument or with --path/],
    [['bulk', 'put', 'missing.json', '--binding', 'CACHE'], /Cannot read missing\.json as JSON/],
    [['namespace', 'create', 'bad name'], /letters, digits/],
    [['key', 'list', '--binding', 'CACHE', '--remote'], /Set OUTPOST_API_URL and OUTPOST_API_TOKEN/],
    [['frobnicate', 'now'], /Unknown command "outpost kv frobnicate now"/],
  ];
  for (const [args, message] of cases) {
    const result = await kv(dir, ...args);
    assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}`);
    assert.match(result.stderr, message, args.join(' '));
  }
  assert.deepEqual(JSON.parse((await kv(dir, 'key', 'list', '--binding', 'CACHE')).stdout), []);
});
