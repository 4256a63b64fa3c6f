// Starts a real worker behind a real HTTP server on 127.0.0.1 for a test.
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from '../../src/runtime/worker.js';
import { createHttpServer } from '../../src/server/http.js';

// source: an ES module (or service-worker script with { format: 'service-worker' }), or a full
// bundle { format, mainModule, modules, sourceMaps }. stateDir: the Worker's state directory
// (none by default; a new temporary one when `env.bindings` has storage bindings).
// compat: the worker's compatibility ({ nodejsCompat, nodejsAls, populateProcessEnv }; default:
// today's, Node.js compatibility on). NO_NODE_COMPAT turns it off.
export const NO_NODE_COMPAT = Object.freeze({ nodejsCompat: false, nodejsAls: false, populateProcessEnv: false });

export async function startWorker(source, { format = 'modules', env, limits, cf, dev = true, name = 'test', stateDir, compat } = {}) {
  const bundle = typeof source === 'string' ? moduleBundle(source, format) : source;
  const logs = [];
  if (stateDir === undefined && Object.keys(env?.bindings ?? {}).length > 0) stateDir = temporaryStateDir();
  const worker = new Worker({ name, bundle, env, limits, stateDir, compat, log: (level, message) => logs.push({ level, message }) }).start();
  const requests = [];
  const server = createHttpServer({ worker: () => worker, dev, cf, onRequest: (entry) => requests.push(entry) });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    worker,
    stateDir,
    logs,
    requests,
    fetch: (path = '/', init) => fetch(new URL(path, url), init),
    async dispose() {
      server.closeAllConnections();
      server.close();
      worker.dispose();
    },
  };
}

// A bundle of one module, index.js, holding `source`.
export function moduleBundle(source, format = 'modules') {
  return { format, mainModule: 'index.js', modules: [{ name: 'index.js', type: 'esm', content: source }], sourceMaps: {} };
}

export function temporaryStateDir() {
  return mkdtempSync(path.join(tmpdir(), 'outpost-state-'));
}
