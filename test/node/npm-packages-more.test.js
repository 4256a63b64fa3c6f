// More npm packages as workers use them, bundled unmodified from node_modules and run in real
// isolates: axios (its fetch adapter, against a real local HTTP server) and busboy (parsing a
// multipart/form-data request body fed from the request's stream).
//
// axios is pinned to 1.19.x: from 1.20.0 its fetch adapter passes browser defaults to every
// Request (mode: 'cors', referrer, referrerPolicy, ...), which the Workers Request constructor
// rejects ("The 'mode' field on 'RequestInitializerDict' is not implemented.", axios/axios#11192),
// in Outpost exactly as in workerd.
//
// busboy calls Node's undocumented Buffer.prototype.latin1Slice / utf8Slice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { bundleProject } from './node-checks.js';
import { startWorker } from '../helpers/worker.js';

test('axios with its fetch adapter: GET and POST with JSON to a local HTTP server', async () => {
  const seen = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString();
    seen.push({ method: req.method, url: req.url, contentType: req.headers['content-type'] ?? null, custom: req.headers['x-custom'] ?? null, body });
    if (req.method === 'GET' && req.url === '/items?page=2') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-served-by': 'test' });
      res.end(JSON.stringify({ items: [1, 2, 3], page: 2 }));
    } else if (req.method === 'POST' && req.url === '/items') {
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', location: '/items/7' });
      res.end(JSON.stringify({ id: 7, received: JSON.parse(body) }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${server.address().port}`;
  const bundle = await bundleProject({
    'src/index.js': `
import axios from 'axios';

export default {
  async fetch(request) {
    const origin = new URL(request.url).searchParams.get('origin');
    const api = axios.create({ adapter: 'fetch', baseURL: origin, headers: { 'x-custom': 'outpost' } });
    const got = await api.get('/items', { params: { page: 2 } });
    const posted = await api.post('/items', { name: 'widget', tags: ['a', 'b'] });
    let missing;
    try {
      await api.get('/nope');
    } catch (err) {
      missing = { isAxiosError: axios.isAxiosError(err), status: err.response?.status, data: err.response?.data, message: err.message };
    }
    return Response.json({
      get: { status: got.status, data: got.data, contentType: got.headers['content-type'], servedBy: got.headers['x-served-by'] },
      post: { status: posted.status, data: posted.data, location: posted.headers.get('location') },
      missing,
    });
  },
};
`,
  });
  const w = await startWorker(bundle);
  try {
    const res = await w.fetch(`/?origin=${encodeURIComponent(origin)}`);
    assert.equal(res.status, 200, `${await res.clone().text()} ${JSON.stringify(w.logs)}`);
    const body = await res.json();
    assert.deepEqual(body.get, { status: 200, data: { items: [1, 2, 3], page: 2 }, contentType: 'application/json', servedBy: 'test' });
    assert.deepEqual(body.post, { status: 201, data: { id: 7, received: { name: 'widget', tags: ['a', 'b'] } }, location: '/items/7' });
    assert.deepEqual(body.missing, { isAxiosError: true, status: 404, data: { error: 'not found' }, message: 'Request failed with status code 404' });
    assert.equal(seen.length, 3);
    assert.deepEqual(seen[0], { method: 'GET', url: '/items?page=2', contentType: null, custom: 'outpost', body: '' });
    assert.equal(seen[1].method, 'POST');
    assert.match(seen[1].contentType, /^application\/json/);
    assert.equal(seen[1].custom, 'outpost');
    assert.deepEqual(JSON.parse(seen[1].body), { name: 'widget', tags: ['a', 'b'] });
  } finally {
    await w.dispose();
    server.closeAllConnections();
    server.close();
  }
});

test('busboy parses a multipart/form-data request body (a file and a field) fed from the request stream', async () => {
  const bundle = await bundleProject({
    'src/index.js': `
import busboy from 'busboy';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';

function parse(request, feed) {
  return new Promise((resolve, reject) => {
    const bb = busboy({ headers: Object.fromEntries(request.headers) });
    const fields = {};
    const files = [];
    bb.on('field', (name, value, info) => { fields[name] = { value, mimeType: info.mimeType }; });
    bb.on('file', (name, stream, info) => {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const data = Buffer.concat(chunks);
        files.push({ name, filename: info.filename, mimeType: info.mimeType, size: data.length, sha256: createHash('sha256').update(data).digest('hex'), head: data.subarray(0, 11).toString() });
      });
    });
    bb.on('close', () => resolve({ fields, files }));
    bb.on('error', reject);
    feed(bb);
  });
}

export default {
  async fetch(request) {
    const mode = new URL(request.url).searchParams.get('mode');
    const result = await parse(request, mode === 'chunks'
      ? async (bb) => {
          const reader = request.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            bb.write(value);
          }
          bb.end();
        }
      : (bb) => Readable.fromWeb(request.body).pipe(bb));
    return Response.json(result);
  },
};
`,
  });
  const fileBytes = Buffer.alloc(200_000);
  for (let i = 0; i < fileBytes.length; i++) fileBytes[i] = (i * 31 + 7) & 0xff;
  fileBytes.write('hello file!', 0);
  const { createHash } = await import('node:crypto');
  const sha256 = createHash('sha256').update(fileBytes).digest('hex');
  const w = await startWorker(bundle);
  try {
    for (const mode of ['fromWeb', 'chunks']) {
      const form = new FormData();
      form.append('title', 'Grüße, world');
      form.append('upload', new Blob([fileBytes], { type: 'application/octet-stream' }), 'data.bin');
      const res = await w.fetch(`/?mode=${mode}`, { method: 'POST', body: form });
      assert.equal(res.status, 200, `${mode}: ${await res.clone().text()} ${JSON.stringify(w.logs)}`);
      assert.deepEqual(await res.json(), {
        fields: { title: { value: 'Grüße, world', mimeType: 'text/plain' } },
        files: [{ name: 'upload', filename: 'data.bin', mimeType: 'application/octet-stream', size: fileBytes.length, sha256, head: 'hello file!' }],
      }, mode);
    }
  } finally {
    await w.dispose();
  }
});
