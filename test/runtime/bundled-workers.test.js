// Workers as users write them — TypeScript, npm dependencies, module rules — built by the
// bundler and run in real isolates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../helpers/worker.js';
import { buildProject, project, wranglerToml } from '../helpers/project.js';

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const ADD_WASM = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11]);

// Writes a worker project (under test/.tmp, so npm packages resolve) and builds it.
const build = (files, toml = '') => buildProject(project({ ...files, 'wrangler.toml': wranglerToml({ name: 't', main: 'src/index.ts', extra: toml }) }, 'worker-'));

test('TypeScript with text, data and wasm modules; stack traces name the .ts file and line', async () => {
  const { bundle } = await build({
    'src/index.ts': `import greeting from './greeting.txt';
import data from './blob.bin';
import addModule from './add.wasm';

interface Env { NAME: string }

function fail(): never {
  throw new Error('typed failure');
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (new URL(request.url).pathname === '/throw') fail();
    const instance = await WebAssembly.instantiate(addModule);
    const add = instance.exports.add as (a: number, b: number) => number;
    return Response.json({ greeting, bytes: [...new Uint8Array(data)], sum: add(2, 3), isModule: addModule instanceof WebAssembly.Module });
  },
};
`,
    'src/greeting.txt': 'hello text',
    'src/blob.bin': Buffer.from([1, 2, 255]),
    'src/add.wasm': ADD_WASM,
  });
  const w = await startWorker(bundle);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), { greeting: 'hello text', bytes: [1, 2, 255], sum: 5, isModule: true });
    const res = await w.fetch('/throw');
    assert.equal(res.status, 500);
    const page = await res.text();
    assert.match(page, /Error: typed failure/);
    assert.match(page, /src\/index\.ts:8:9/);
  } finally {
    await w.dispose();
  }
});

test('a Hono app from node_modules', async () => {
  const { bundle } = await build({
    'src/index.ts': `import { Hono } from 'hono';
const app = new Hono<{ Bindings: { WHO: string } }>();
app.get('/api/hello/:name', (c) => c.json({ hello: c.req.param('name'), who: c.env.WHO }));
app.post('/echo', async (c) => c.text(await c.req.text()));
export default app;
`,
  });
  const w = await startWorker(bundle, { env: { vars: { WHO: 'hono' } } });
  try {
    assert.deepEqual(await (await w.fetch('/api/hello/ada')).json(), { hello: 'ada', who: 'hono' });
    assert.equal(await (await w.fetch('/echo', { method: 'POST', body: 'round trip' })).text(), 'round trip');
    assert.equal((await w.fetch('/missing')).status, 404);
  } finally {
    await w.dispose();
  }
});

test('an itty-router app from node_modules', async () => {
  const { bundle } = await build({
    'src/index.ts': `import { Router } from 'itty-router';
const router = Router();
router.get('/api/users/:id', (request) => Response.json({ id: request.params.id }));
router.all('*', () => new Response('Not Found', { status: 404 }));
export default { fetch: router.fetch };
`,
  });
  const w = await startWorker(bundle);
  try {
    assert.deepEqual(await (await w.fetch('/api/users/42')).json(), { id: '42' });
    assert.equal((await w.fetch('/nope')).status, 404);
  } finally {
    await w.dispose();
  }
});

// Written against itty-router 4 (whose routers have `handle`), as older Workers code is.
test('an itty-router 4 app exporting { fetch: router.handle }', async () => {
  const { bundle } = await build({
    'src/index.ts': `import { Router } from 'itty-router';
const router = Router();
router.get('/api/users/:id', (request) => Response.json({ id: request.params.id }));
router.all('*', () => new Response('Not Found', { status: 404 }));
export default { fetch: router.handle };
`,
  }, '[alias]\n"itty-router" = "itty-router-v4"\n');
  const w = await startWorker(bundle);
  try {
    assert.deepEqual(await (await w.fetch('/api/users/7')).json(), { id: '7' });
    assert.equal((await w.fetch('/nope')).status, 404);
  } finally {
    await w.dispose();
  }
});

test('export_commonjs_default: importing a CommonJS module gives its module.exports as the default export', async () => {
  const w = await startWorker({
    format: 'modules',
    mainModule: 'index.js',
    modules: [
      { name: 'index.js', type: 'esm', content: "import lib from './lib.js'; export default { fetch: () => Response.json([lib.answer, Object.keys(lib)]) };" },
      { name: 'lib.js', type: 'commonjs', content: 'module.exports = { answer: 42 };' },
    ],
    sourceMaps: {},
  });
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), [42, ['answer']]);
  } finally {
    await w.dispose();
  }
});
