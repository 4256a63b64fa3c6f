// `outpost r2`, run as a user runs it: a separate process in a project directory, on the same
// state a running worker uses.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes, createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorker } from '../helpers/worker.js';

const OUTPOST = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'outpost.js');
const MiB = 1024 * 1024;

const dirs = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function project(toml = null) {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-r2-cli-'));
  dirs.push(dir);
  if (toml !== null) writeFileSync(path.join(dir, 'wrangler.toml'), toml);
  return dir;
}

// Runs `outpost r2 <args>` in `cwd`; resolves with { code, stdout (Buffer), stderr }.
function r2(cwd, args, { input = null } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', OUTPOST, 'r2', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    if (input !== null) child.stdin.end(input);
    else child.stdin.end();
  });
}

const ok = (result) => {
  assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
  return result;
};

const stateOf = (dir) => path.join(dir, '.outpost', 'state');

test('bucket create, list and delete', async () => {
  const dir = project();
  const created = ok(await r2(dir, ['bucket', 'create', 'photos']));
  assert.match(created.stderr, /Created bucket 'photos'/);
  assert.match(created.stdout.toString(), /\[\[r2_buckets\]\]\nbinding = "PHOTOS"\nbucket_name = "photos"/);
  assert.ok(existsSync(path.join(stateOf(dir), 'r2', 'photos', 'r2.sqlite')));
  ok(await r2(dir, ['bucket', 'create', 'my-other-bucket', '--local']));

  const listed = ok(await r2(dir, ['bucket', 'list']));
  const text = listed.stdout.toString();
  assert.match(text, /name: +my-other-bucket\ncreation_date: +\d{4}-\d\d-\d\dT/);
  assert.ok(text.indexOf('my-other-bucket') < text.indexOf('photos'), 'sorted by name');

  const again = await r2(dir, ['bucket', 'create', 'photos']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /✘ A bucket named "photos" already exists\./);
  for (const bad of ['Photos', 'ab', 'has_underscore', 'ends-with-hyphen-', 'x'.repeat(64)]) {
    const refused = await r2(dir, ['bucket', 'create', bad]);
    assert.equal(refused.code, 1, bad);
    assert.match(refused.stderr, /is invalid\. Bucket names must begin and end with an alphanumeric character/);
  }

  ok(await r2(dir, ['bucket', 'delete', 'my-other-bucket']));
  assert.doesNotMatch(ok(await r2(dir, ['bucket', 'list'])).stdout.toString(), /my-other-bucket/);
  const missing = await r2(dir, ['bucket', 'delete', 'my-other-bucket']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /The bucket "my-other-bucket" does not exist/);
});

test('a bucket with objects is not deleted', async () => {
  const dir = project();
  ok(await r2(dir, ['bucket', 'create', 'full']));
  ok(await r2(dir, ['object', 'put', 'full/a/b.txt', '--pipe'], { input: 'content' }));
  const refused = await r2(dir, ['bucket', 'delete', 'full']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /is not empty/);
  assert.equal(ok(await r2(dir, ['object', 'get', 'full/a/b.txt', '--pipe'])).stdout.toString(), 'content');
  ok(await r2(dir, ['object', 'delete', 'full/a/b.txt']));
  ok(await r2(dir, ['bucket', 'delete', 'full']));
  assert.equal(existsSync(path.join(stateOf(dir), 'r2', 'full')), false);
});

test('object put and get with files, pipes and HTTP metadata; large transfers report progress', async () => {
  const dir = project();
  ok(await r2(dir, ['bucket', 'create', 'data']));
  const big = randomBytes(12 * MiB);
  writeFileSync(path.join(dir, 'big.bin'), big);
  const put = ok(await r2(dir, ['object', 'put', 'data/nested/big.bin', '--file', 'big.bin', '--content-type', 'application/x-test', '--cc', 'max-age=60']));
  assert.match(put.stderr, /Creating object "nested\/big\.bin" in bucket "data"\./);
  assert.match(put.stderr, /Uploaded 12\.0 MiB of 12\.0 MiB \(100%\), done\./);
  assert.match(put.stderr, new RegExp(`etag ${createHash('md5').update(big).digest('hex')}`));

  const got = ok(await r2(dir, ['object', 'get', 'data/nested/big.bin', '--file', 'copy.bin']));
  assert.ok(readFileSync(path.join(dir, 'copy.bin')).equals(big));
  assert.match(got.stderr, /Downloaded 12\.0 MiB of 12\.0 MiB \(100%\), done\./);
  const piped = ok(await r2(dir, ['object', 'get', 'data/nested/big.bin', '--pipe']));
  assert.ok(piped.stdout.equals(big));

  // A small object: no progress lines.
  const small = ok(await r2(dir, ['object', 'put', 'data/small', '--pipe'], { input: 'tiny' }));
  assert.equal(small.stderr, '');
  assert.equal(ok(await r2(dir, ['object', 'get', 'data/small'])).stdout.toString(), 'tiny');

  // What the CLI stored is what a worker's binding reads, metadata included.
  const w = await startWorker(`export default { async fetch(request, env) {
    const object = await env.BUCKET.get('nested/big.bin');
    const headers = new Headers();
    object.writeHttpMetadata(headers);
    return Response.json({ size: object.size, headers: [...headers] });
  } };`, { env: { bindings: { BUCKET: { type: 'r2', bucketName: 'data' } } }, stateDir: stateOf(dir) });
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), { size: big.length, headers: [['cache-control', 'max-age=60'], ['content-type', 'application/x-test']] });
  } finally {
    await w.dispose();
  }
});

test('the CLI and a running worker share a bucket', async () => {
  const dir = project();
  const w = await startWorker(`export default { async fetch(request, env) {
    const key = new URL(request.url).pathname.slice(1);
    if (request.method === 'PUT') return Response.json(await env.BUCKET.put(key, request.body));
    const object = await env.BUCKET.get(key);
    return object ? new Response(object.body) : new Response('missing', { status: 404 });
  } };`, { env: { bindings: { BUCKET: { type: 'r2', bucketName: 'shared' } } }, stateDir: stateOf(dir) });
  try {
    assert.equal((await w.fetch('/from-worker', { method: 'PUT', body: 'written by the worker' })).status, 200);
    assert.equal(ok(await r2(dir, ['object', 'get', 'shared/from-worker', '--pipe'])).stdout.toString(), 'written by the worker');
    ok(await r2(dir, ['object', 'put', 'shared/from-cli', '--pipe'], { input: 'written by the CLI' }));
    assert.equal(await (await w.fetch('/from-cli')).text(), 'written by the CLI');
    ok(await r2(dir, ['object', 'put', 'shared/from-worker', '--pipe'], { input: 'replaced by the CLI' }));
    assert.equal(await (await w.fetch('/from-worker')).text(), 'replaced by the CLI');
    ok(await r2(dir, ['object', 'delete', 'shared/from-cli']));
    assert.equal((await w.fetch('/from-cli')).status, 404);
    // Replaced and deleted bodies are removed from disk.
    assert.equal(readdirSync(path.join(stateOf(dir), 'r2', 'shared', 'blobs')).length, 1);
  } finally {
    await w.dispose();
  }
});

test('buckets named in the config need no create; --persist-to and --config are honoured', async () => {
  const dir = project('name = "app"\nmain = "src/index.js"\ncompatibility_date = "2026-08-04"\n\n[[r2_buckets]]\nbinding = "ASSETS"\nbucket_name = "assets"\n');
  ok(await r2(dir, ['object', 'put', 'assets/logo.svg', '--pipe', '--ct', 'image/svg+xml'], { input: '<svg/>' }));
  assert.ok(existsSync(path.join(stateOf(dir), 'r2', 'assets', 'r2.sqlite')));
  const unknown = await r2(dir, ['object', 'put', 'typo/logo.svg', '--pipe'], { input: 'x' });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /The bucket "typo" does not exist\. Create it with: outpost r2 bucket create typo/);

  const elsewhere = path.join(dir, 'elsewhere');
  ok(await r2(dir, ['bucket', 'create', 'other', '--persist-to', elsewhere]));
  assert.ok(existsSync(path.join(elsewhere, 'r2', 'other', 'r2.sqlite')));
  assert.doesNotMatch(ok(await r2(dir, ['bucket', 'list'])).stdout.toString(), /other/);

  const sub = path.join(dir, 'sub');
  mkdirSync(sub);
  const viaConfig = ok(await r2(sub, ['object', 'get', 'assets/logo.svg', '--pipe', '--config', path.join(dir, 'wrangler.toml')]));
  assert.equal(viaConfig.stdout.toString(), '<svg/>');
});

test('bad input: missing arguments, bad paths, R2\'s limits, --remote, corrupt state', async () => {
  const dir = project();
  ok(await r2(dir, ['bucket', 'create', 'bk1']));
  const fails = async (args, pattern, options) => {
    const result = await r2(dir, args, options);
    assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, pattern);
  };
  await fails(['bucket', 'create'], /Missing the bucket name/);
  await fails(['nonsense'], /Unknown command "outpost r2 nonsense"/);
  await fails(['object', 'put', 'no-slash', '--pipe'], /must be <bucket>\/<key>/, { input: 'x' });
  await fails(['object', 'put', 'bk1/', '--pipe'], /must be <bucket>\/<key>/, { input: 'x' });
  await fails(['object', 'put', 'bk1/key'], /either --file <path> or --pipe/);
  await fails(['object', 'put', 'bk1/key', '--file', 'nope.bin'], /Cannot read "nope\.bin"/);
  await fails(['object', 'put', `bk1/${'k'.repeat(1025)}`, '--pipe'], /✘ put: The specified object name is not valid\. \(10020\)/, { input: 'x' });
  await fails(['object', 'get', 'bk1/missing', '--pipe'], /The object "missing" does not exist in bucket "bk1"/);
  await fails(['object', 'put', 'bk1/key', '--pipe', '--expires', 'someday'], /--expires must be a date/, { input: 'x' });
  await fails(['object', 'put', 'bk1/key', '--pipe', '--storage-class', 'Glacier'], /storage class must be Standard or InfrequentAccess/, { input: 'x' });
  await fails(['object', 'get', 'bk1/key', '--remote'], /Set OUTPOST_API_URL and OUTPOST_API_TOKEN/);
  await fails(['object', 'put', 'bk1/key', '--pipe', '--bogus'], /Unknown option '--bogus'/, { input: 'x' });
  assert.equal(readdirSync(path.join(stateOf(dir), 'r2', 'bk1', 'blobs')).length, 0, 'refused uploads leave no files');

  // A damaged database is reported, not overwritten.
  const file = path.join(stateOf(dir), 'r2', 'broken', 'r2.sqlite');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'garbage, not a database');
  await fails(['object', 'get', 'broken/key', '--pipe'], /✘ Cannot open .*r2\.sqlite: .*The file was left as it is; move it away to start empty\./);
  assert.equal(readFileSync(file, 'utf8'), 'garbage, not a database');
});
