// The first examples of the Workers guide this project was started from, run unmodified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../helpers/worker.js';
import { buildProject, project, wranglerToml } from '../helpers/project.js';

const FIVE_MINUTE_PROOF = `// worker.js - A complete API that runs globally
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    
    if (url.pathname === "/api/hello") {
      return Response.json({ 
        message: "Hello from the edge!",
        location: request.cf?.city || "Unknown",
        latency: "< 50ms worldwide"
      });
    }
    
    return new Response("Not found", { status: 404 });
  }
};
`;

const FIRST_WORKER_TS = `// src/index.ts
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const url = new URL(request.url)
    
    if (url.pathname === '/api/hello') {
      return new Response(JSON.stringify({
        message: 'Hello from the edge!',
        location: request.cf?.city,
        timestamp: Date.now()
      }), {
        headers: { 'Content-Type': 'application/json' }
      })
    }
    
    return new Response('Not Found', { status: 404 })
  }
}
`;

async function bundleProject(mainName, source) {
  const dir = project({ [mainName]: source, 'wrangler.toml': wranglerToml({ name: 'seed', main: mainName }) }, 'seed-');
  return (await buildProject(dir)).bundle;
}

test('the 5-minute proof API', async () => {
  const w = await startWorker(await bundleProject('worker.js', FIVE_MINUTE_PROOF), { cf: { city: 'Lisbon' } });
  try {
    const res = await w.fetch('/api/hello');
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { message: 'Hello from the edge!', location: 'Lisbon', latency: '< 50ms worldwide' });
    const missing = await w.fetch('/elsewhere');
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), 'Not found');
  } finally {
    await w.dispose();
  }
});

test('"Your First Worker" in TypeScript', async () => {
  const w = await startWorker(await bundleProject('src/index.ts', FIRST_WORKER_TS));
  try {
    const before = Date.now();
    const res = await w.fetch('/api/hello');
    const body = await res.json();
    assert.equal(body.message, 'Hello from the edge!');
    assert.equal(body.location, 'Austin');
    assert.ok(body.timestamp >= before - 1000 && body.timestamp <= Date.now());
    assert.equal((await w.fetch('/')).status, 404);
  } finally {
    await w.dispose();
  }
});
