// The guide's R2 examples, run unmodified through real workers, with the bucket bound from the
// project's wrangler.toml.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { bindingsFromConfig } from '../../src/runtime/bindings.js';
import { openR2Bucket } from '../../src/storage/r2-store.js';
import { startWorker } from '../helpers/worker.js';
import { buildProject, project, wranglerToml } from '../helpers/project.js';

// "Upload to R2" with a presigned-URL endpoint. Workers' R2 binding has no createSignedUrl (and
// `key` is not in scope there), so on Cloudflare the GET path throws: it must here too.
const UPLOAD_OR_SIGN = `export default {
  async fetch(request, env) {
    if (request.method === 'PUT') {
      const key = new URL(request.url).pathname.slice(1);
      await env.BUCKET.put(key, request.body);
      return Response.json({ uploaded: key, size: request.headers.get('Content-Length') })
    }
    const url = await env.BUCKET.createSignedUrl(key, { expiresIn: 3600 })
    return Response.json({ url })
  }
}
`;

// A file upload stored under a timestamped key.
const BLOB_UPLOAD = `export default {
  async fetch(request, env) {
    const file = await request.blob();
    await env.BUCKET.put(\`uploads/\${Date.now()}\`, file)
    return new Response('stored')
  }
}
`;

const dirs = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function r2Project(source) {
  const dir = project({
    'src/index.js': source,
    'wrangler.toml': wranglerToml({ name: 'seed-r2', extra: '\n[[r2_buckets]]\nbinding = "BUCKET"\nbucket_name = "my-bucket"\n' }),
  }, 'seed-r2-');
  dirs.push(dir);
  const { config, bundle } = await buildProject(dir);
  return { bundle, bindings: bindingsFromConfig(config), stateDir: path.join(dir, '.outpost', 'state') };
}

async function readObject(stateDir, key) {
  const found = await openR2Bucket(stateDir, 'my-bucket').get(key);
  if (found === null) return null;
  const chunks = [];
  for await (const chunk of found.body) chunks.push(chunk);
  return { object: found.object, body: Buffer.concat(chunks) };
}

test('upload-or-sign: PUT stores the request body; the GET path fails as on Cloudflare, and the worker keeps serving', async () => {
  const { bundle, bindings, stateDir } = await r2Project(UPLOAD_OR_SIGN);
  const w = await startWorker(bundle, { env: { bindings }, stateDir });
  try {
    const body = randomBytes(256 * 1024);
    const res = await w.fetch('/photos/cat.jpg', { method: 'PUT', body });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { uploaded: 'photos/cat.jpg', size: String(body.length) });
    const stored = await readObject(stateDir, 'photos/cat.jpg');
    assert.ok(stored.body.equals(body));
    assert.equal(stored.object.size, body.length);

    // Read back through the binding, from another worker on the same state.
    const reader = await startWorker(`export default { async fetch(request, env) {
      const object = await env.BUCKET.get('photos/cat.jpg');
      return new Response(object.body, { headers: { etag: object.httpEtag } });
    } };`, { env: { bindings }, stateDir });
    try {
      const got = await reader.fetch('/');
      assert.ok(Buffer.from(await got.arrayBuffer()).equals(body));
      assert.equal(got.headers.get('etag'), `"${stored.object.etag}"`);
    } finally {
      await reader.dispose();
    }

    const signed = await w.fetch('/photos/cat.jpg');
    assert.equal(signed.status, 500);
    await signed.text();
    assert.ok(w.logs.some((entry) => entry.level === 'error' && /ReferenceError: key is not defined/.test(entry.message)), JSON.stringify(w.logs));

    const again = await w.fetch('/second.txt', { method: 'PUT', body: 'still serving' });
    assert.equal(again.status, 200);
    assert.equal((await readObject(stateDir, 'second.txt')).body.toString(), 'still serving');
  } finally {
    await w.dispose();
  }
});

test('blob upload: request.blob() stored under uploads/<timestamp>', async () => {
  const { bundle, bindings, stateDir } = await r2Project(BLOB_UPLOAD);
  const w = await startWorker(bundle, { env: { bindings }, stateDir });
  try {
    const before = Date.now();
    const image = randomBytes(100 * 1024);
    const res = await w.fetch('/', { method: 'POST', body: image, headers: { 'content-type': 'image/png' } });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'stored');
    const { objects } = openR2Bucket(stateDir, 'my-bucket').list({ prefix: 'uploads/' });
    assert.equal(objects.length, 1);
    const stamp = Number(objects[0].key.slice('uploads/'.length));
    assert.ok(stamp >= before - 1000 && stamp <= Date.now() + 1000, objects[0].key);
    const stored = await readObject(stateDir, objects[0].key);
    assert.ok(stored.body.equals(image));
  } finally {
    await w.dispose();
  }
});
