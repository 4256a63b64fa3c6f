// Worker projects written for a test, each in a new directory under test/.tmp: inside the
// repository, so that their npm imports (hono, itty-router, ...) resolve from its node_modules.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.js';
import { bundleWorker } from '../../src/bundle/bundle.js';

const ROOT = fileURLToPath(new URL('../.tmp/', import.meta.url));

// Writes `files` ({ 'src/index.ts': source, 'wrangler.toml': ..., ... }; directories are made as
// needed) into a new directory test/.tmp/<prefix>XXXXXX, and returns its path.
export function project(files, prefix = 'project-') {
  mkdirSync(ROOT, { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, prefix));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

// A wrangler.toml naming the worker, its main module and its compatibility date, followed by
// `extra` (bindings, flags, ...).
export function wranglerToml({ name, main = 'src/index.js', date = '2026-08-04', extra = '' }) {
  return `name = "${name}"\nmain = "${main}"\ncompatibility_date = "${date}"\n${extra}`;
}

// The project in `dir`, configured and bundled as `outpost dev` does it: { config, bundle }.
export async function buildProject(dir) {
  const config = loadConfig({ cwd: dir });
  return { config, bundle: await bundleWorker(config) };
}
