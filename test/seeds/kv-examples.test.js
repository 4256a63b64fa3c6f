// The guide's KV examples, run unmodified through real workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindingsFromConfig } from '../../src/runtime/bindings.js';
import { startWorker } from '../helpers/worker.js';
import { buildProject, project, wranglerToml } from '../helpers/project.js';

// The rate limiter from "Real-World Patterns", verbatim, mounted on an itty-router app of the
// same guide (itty-router 4, whose routers have `handle`).
const RATE_LIMITED_API = `import { Router } from 'itty-router'

interface Env {
  KV: KVNamespace
}

const router = Router()

async function rateLimit(request: Request, env: Env) {
  const ip = request.headers.get('CF-Connecting-IP')
  const key = \`rate_limit:\${ip}\`
  
  const current = await env.KV.get(key)
  const count = current ? parseInt(current) + 1 : 1
  
  if (count > 100) { // 100 requests per hour
    return new Response('Rate limit exceeded', { status: 429 })
  }
  
  await env.KV.put(key, count.toString(), { 
    expirationTtl: 3600 
  })
}

router.all('*', rateLimit)

router.get('/api/hello', () => Response.json({ hello: 'world' }))

export default {
  fetch: router.handle
}
`;

test('the KV rate limiter lets 100 requests an hour through, then answers 429', async () => {
  const { config, bundle } = await buildProject(project({
    'src/index.ts': RATE_LIMITED_API,
    'wrangler.toml': wranglerToml({
      name: 'seed-kv',
      main: 'src/index.ts',
      extra: '[alias]\n"itty-router" = "itty-router-v4"\n\n[[kv_namespaces]]\nbinding = "KV"\nid = "rate-limits"\n',
    }),
  }, 'seed-kv-'));
  const w = await startWorker(bundle, { env: { bindings: bindingsFromConfig(config) } });
  try {
    for (let i = 1; i <= 100; i++) {
      const res = await w.fetch('/api/hello');
      assert.equal(res.status, 200, `request ${i}`);
      assert.deepEqual(await res.json(), { hello: 'world' });
    }
    const limited = await w.fetch('/api/hello');
    assert.equal(limited.status, 429);
    assert.equal(await limited.text(), 'Rate limit exceeded');
    // A client cannot reset its counter by claiming another address: CF-Connecting-IP is the
    // connection's, as on Cloudflare.
    const spoofed = await w.fetch('/api/hello', { headers: { 'CF-Connecting-IP': '203.0.113.9' } });
    assert.equal(spoofed.status, 429);
  } finally {
    await w.dispose();
  }
  // The counter is stored with its hour-long expiry.
  const { openKvStore } = await import('../../src/storage/kv-store.js');
  const { keys } = openKvStore(w.stateDir).list('rate-limits', {});
  const counter = keys.find((key) => key.name === 'rate_limit:127.0.0.1');
  assert.ok(counter, JSON.stringify(keys));
  assert.ok(Math.abs(counter.expiration - (Date.now() / 1000 + 3600)) < 60);
  assert.equal(Buffer.from(openKvStore(w.stateDir).get('rate-limits', 'rate_limit:127.0.0.1').value).toString(), '100');
});
