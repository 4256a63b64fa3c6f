// Nothing of Node or of the host may be reachable from inside a worker, nor another worker's
// globals. Each probe runs inside a real isolate and reports what it could reach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startWorker, NO_NODE_COMPAT } from '../helpers/worker.js';

const PROBES = `
const makeProbes = (request, env, ctx) => ({
  process: () => typeof process,
  require: () => typeof require,
  module: () => typeof module,
  Buffer: () => typeof Buffer,
  globalProcessViaFunction: () => { try { return Function('return typeof process')(); } catch (e) { return e.name; } },
  constructorOfRequest: () => request.constructor.constructor('return typeof process')(),
  constructorOfHeaders: () => request.headers.constructor.constructor('return typeof require')(),
  constructorOfCf: () => request.cf.constructor.constructor('return typeof process')(),
  constructorOfEnv: () => typeof env.constructor.constructor('return this.process')(),
  constructorOfCtx: () => ctx.constructor.constructor('return typeof process')(),
  constructorOfWaitUntil: () => ctx.waitUntil.constructor('return typeof process')(),
  constructorOfBody: () => request.body === null ? 'undefined' : request.body.constructor.constructor('return typeof process')(),
  protoOfCf: () => Object.getPrototypeOf(request.cf) === Object.prototype,
  protoOfHeadersEntries: () => Object.getPrototypeOf([...request.headers][0]) === Array.prototype,
  prepareStackTrace: () => {
    let seen = 'none';
    Error.prepareStackTrace = (err, frames) => { seen = frames.map((f) => typeof f.getThis === 'function' ? typeof f.getThis() : 'n/a').join(','); return 'x'; };
    try { null.x; } catch (e) { e.stack; }
    delete Error.prepareStackTrace;
    return seen.includes('process') ? 'leak' : 'ok';
  },
  globalNames: () => Object.getOwnPropertyNames(globalThis).filter((n) => /^(process|require|module|exports|__dirname|__filename|global|Buffer|setImmediate|__outpost.*)$/.test(n)).join(','),
  callbackFromHost: async () => {
    // Errors from host operations must be this isolate's own errors.
    try { new URL('not a url'); } catch (e) { return [e instanceof TypeError, e.constructor === TypeError, e.constructor.constructor('return typeof process')()].join(','); }
  },
});
`;

let worker;
before(async () => {
  worker = await startWorker(`${PROBES}
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const out = {};
    for (const [name, probe] of Object.entries(makeProbes(request, env, ctx))) {
      try { out[name] = await probe(); } catch (e) { out[name] = 'threw ' + e.name + ': ' + e.message; }
    }
    if (url.pathname === '/import') {
      for (const spec of ['node:fs', 'fs', 'node:child_process', 'isolated-vm', '/etc/passwd', 'file:///etc/passwd']) {
        try { await import(spec); out[spec] = 'imported'; } catch (e) { out[spec] = 'threw ' + e.name; }
      }
    }
    return Response.json(out);
  },
};`, { env: { vars: { SOME_VAR: 'x' } }, compat: NO_NODE_COMPAT });
});
after(() => worker.dispose());

// (Without Node.js compatibility; with it, see test/node/escape.test.js.)
test('no Node global is reachable, directly or through constructor chains', async () => {
  const out = await (await worker.fetch('/')).json();
  for (const name of ['process', 'require', 'module', 'Buffer', 'globalProcessViaFunction', 'constructorOfRequest', 'constructorOfHeaders', 'constructorOfCf', 'constructorOfCtx', 'constructorOfWaitUntil', 'constructorOfBody']) {
    assert.equal(out[name], 'undefined', `${name}: ${out[name]}`);
  }
  assert.equal(out.constructorOfEnv, 'undefined');
  assert.equal(out.protoOfCf, true, 'request.cf is an object of the isolate');
  assert.equal(out.protoOfHeadersEntries, true);
  assert.equal(out.prepareStackTrace, 'ok');
  assert.equal(out.globalNames, '');
  assert.equal(out.callbackFromHost, 'true,true,undefined');
});

test('import() of Node modules, host packages and files fails', async () => {
  const out = await (await worker.fetch('/import')).json();
  for (const spec of ['node:fs', 'fs', 'node:child_process', 'isolated-vm', '/etc/passwd', 'file:///etc/passwd']) {
    assert.match(out[spec], /^threw /, `${spec}: ${out[spec]}`);
  }
});

test("one worker cannot see another worker's globals", async () => {
  const a = await startWorker(`globalThis.secretOfA = 'a-secret';
export default { fetch() { return new Response(String(globalThis.secretOfA)); } };`);
  const b = await startWorker(`export default { fetch() { return new Response(typeof globalThis.secretOfA + ' ' + Object.keys(globalThis).join(',')); } };`);
  try {
    assert.equal(await (await a.fetch('/')).text(), 'a-secret');
    assert.equal(await (await b.fetch('/')).text(), 'undefined ');
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

test('errors thrown by the platform carry no host stack frames', async () => {
  const w = await startWorker(`export default { async fetch() {
    const stacks = [];
    try { new URL('::'); } catch (e) { stacks.push(e.stack); }
    try { new Response(null, { status: 1000 }); } catch (e) { stacks.push(e.stack); }
    try { await fetch('ftp://example.com/'); } catch (e) { stacks.push(e.stack); }
    return new Response(stacks.join('\\n---\\n'));
  } };`);
  try {
    const text = await (await w.fetch('/')).text();
    assert.doesNotMatch(text, /node:internal|isolated-vm|\/src\/runtime\/(?!web)|host-ops/);
  } finally {
    await w.dispose();
  }
});

test('V8 flags of the host process expose nothing inside workers', async () => {
  const { execFileSync } = await import('node:child_process');
  const script = `
    import { Worker } from ${JSON.stringify(new URL('../../src/runtime/worker.js', import.meta.url).href)};
    const bundle = { format: 'modules', mainModule: 'index.js', sourceMaps: {}, modules: [{ name: 'index.js', type: 'esm',
      content: 'export default { fetch() { return new Response(typeof gc + " " + typeof globalThis.gc); } }' }] };
    const worker = new Worker({ name: 'flags', bundle }).start();
    const res = await worker.fetch({ method: 'GET', url: 'http://x/', headers: [], cf: {}, body: null });
    process.stdout.write(res.body.toString());
    worker.dispose();
  `;
  const out = execFileSync(process.execPath, ['--no-node-snapshot', '--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(out, 'undefined undefined');
});

test('bytes handed to a worker carry nothing of the host buffers they were sliced from', async () => {
  const w = await startWorker(`export default { async fetch(request) {
    const views = [];
    for await (const chunk of request.body) views.push([chunk.byteLength, chunk.buffer.byteLength, chunk.byteOffset]);
    return Response.json(views);
  } };`);
  try {
    for (const body of ['small body', 'x'.repeat(100_000)]) {
      const views = await (await w.fetch('/', { method: 'POST', body })).json();
      for (const [length, bufferLength, offset] of views) {
        assert.equal(bufferLength, length);
        assert.equal(offset, 0);
      }
    }
  } finally {
    await w.dispose();
  }
});

test('patched intrinsics cannot rewrite what a host operation receives', async () => {
  const w = await startWorker(`export default { fetch() {
    const original = Array.prototype[Symbol.iterator];
    Array.prototype[Symbol.iterator] = function* () { for (const v of original.call(this)) yield v === 13 ? 2 ** 31 - 1 : v; };
    let out;
    try { out = String(crypto.getRandomValues(new Uint8Array(13)).length); } catch (e) { out = e.name; }
    Array.prototype[Symbol.iterator] = original;
    return new Response(out);
  } };`);
  try {
    assert.equal(await (await w.fetch('/')).text(), '13');
  } finally {
    await w.dispose();
  }
});

test('asynchronous work cannot be started at global scope, where no event would pay for it', async () => {
  const w = await startWorker(`let outcome = 'pending';
crypto.subtle.digest('SHA-256', new Uint8Array(1)).then(() => { outcome = 'ran'; }, (e) => { outcome = e.message; });
export default { fetch() { return new Response(outcome); } };`);
  try {
    assert.match(await (await w.fetch('/')).text(), /^Disallowed operation called within global scope/);
  } finally {
    await w.dispose();
  }
});

test('a Host header cannot reshape the URL the worker sees', async () => {
  const w = await startWorker(`export default { fetch(request) { return new Response(new URL(request.url).pathname); } };`);
  try {
    const { port } = new URL(w.url);
    for (const host of ['example.com/admin?', 'x#', 'user:pw@example.com']) {
      const status = await new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/public', headers: { host } }, (res) => { res.resume(); resolve(res.statusCode); });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 400, host);
    }
    assert.equal(await (await w.fetch('/public')).text(), '/public');
  } finally {
    await w.dispose();
  }
});
