// Runs check() calls inside a real worker that may import node:* modules, and brings their
// outcomes back to the test (the node:* counterpart of test/web/run-checks.js).
// In the worker, `check(name, fn)` records fn's (awaited) return value, or the error it threw as
// { name, message, code, ctor, isError }. Values must be JSON-serializable.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startWorker } from '../helpers/worker.js';
import { loadConfig } from '../../src/config/load.js';
import { bundleWorker } from '../../src/bundle/bundle.js';

export { value, error } from '../web/run-checks.js';

const PRELUDE = `
const results = {};
const describeError = (e) => ({
  ctor: e?.constructor?.name ?? typeof e, name: e?.name, message: e?.message, code: e?.code, isError: e instanceof Error,
});
async function check(name, fn) {
  try {
    const value = await fn();
    results[name] = { value: value === undefined ? '<undefined>' : value };
  } catch (e) {
    results[name] = { error: describeError(e) };
  }
}
`;

// `imports`: import statements for the module's top; `body`: the fetch handler's body, made of
// `await check(...)` calls (`request`, `env` and `ctx` in scope); `init` is the request's fetch
// options. Returns { results, logs }.
export async function runNodeChecks({ imports = '', body, worker: options = {}, path: requestPath = '/', init = undefined }) {
  const worker = await startWorker(`${imports}\n${PRELUDE}
export default {
  async fetch(request, env, ctx) {
    ${body}
    return new Response(JSON.stringify(results), { headers: { 'content-type': 'application/json' } });
  },
};`, options);
  try {
    const res = await worker.fetch(requestPath, init);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`worker failed (${res.status}): ${text} ${JSON.stringify(worker.logs)}`);
    return { results: JSON.parse(text), logs: worker.logs };
  } finally {
    await worker.dispose();
  }
}

// Writes a worker project into test/.tmp (so that npm packages resolve from the repository's
// node_modules), bundles it as `outpost dev` would, and removes the project again.
export async function bundleProject(files, toml = '') {
  const root = path.join(process.cwd(), 'test', '.tmp');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(path.join(root, 'node-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  writeFileSync(path.join(dir, 'wrangler.toml'), `name = "node-test"\nmain = "src/index.js"\ncompatibility_date = "2026-08-04"\n${toml}`);
  try {
    return await bundleWorker(loadConfig({ cwd: dir }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
