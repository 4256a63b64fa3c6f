// Runs web-platform-tests' .any.js files, each in a fresh Outpost worker isolate, and counts the
// subtests that pass. Usage:
//   node --no-node-snapshot tools/wpt/run.js --wpt <wpt checkout> [--json out.json] [--failures]
//     [--filter substr] [--timeout seconds] <path>...
// Each path is a folder or a file relative to the checkout. See tools/wpt/harness.js for the
// testharness.js API the files run against.
import { readFileSync, readdirSync, statSync, existsSync, writeFileSync, createReadStream } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from '../../src/runtime/worker.js';

const HARNESS = readFileSync(fileURLToPath(new URL('./harness.js', import.meta.url)), 'utf8');
// Provided by our harness, never loaded from the checkout.
const PROVIDED = new Set(['/resources/testharness.js', '/resources/testharnessreport.js']);
// The META global= names that include a worker scope; a file without global= runs in one too.
const WORKER_GLOBALS = /^(worker|dedicatedworker|sharedworker|serviceworker|default)(-module)?$/;
const CONTENT_TYPES = { '.js': 'text/javascript', '.json': 'application/json', '.txt': 'text/plain', '.html': 'text/html' };

const USAGE = 'usage: node --no-node-snapshot tools/wpt/run.js --wpt <wpt checkout> [--json out.json] [--failures] [--filter substr] [--timeout seconds] <path>...';

function parseOptions(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { wpt: { type: 'string' }, json: { type: 'string' }, failures: { type: 'boolean', default: false }, filter: { type: 'string' }, timeout: { type: 'string', default: '60' } },
  });
  const timeoutMs = Number(values.timeout) * 1000;
  if (!values.wpt || positionals.length === 0 || !(timeoutMs > 0)) {
    console.error(USAGE);
    process.exit(2);
  }
  return { wpt: path.resolve(values.wpt), json: values.json ?? null, failures: values.failures, filter: values.filter ?? null, timeoutMs, paths: positionals };
}

// The .any.js files under `rel` (a folder or a file), as paths relative to the checkout.
function collect(root, rel) {
  const full = path.join(root, rel);
  if (!existsSync(full)) throw new Error(`no such file or folder in the checkout: ${rel}`);
  if (!statSync(full).isDirectory()) return [rel.split(path.sep).join('/')];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) return collect(root, child);
      return entry.name.endsWith('.any.js') ? [child.split(path.sep).join('/')] : [];
    });
}

// The `// META: key=value` lines at the top of a test file.
function parseMeta(source) {
  const meta = { globals: null, scripts: [], long: false, title: null };
  for (const line of source.split('\n')) {
    const match = /^\/\/\s*META:\s*(\w+)=(.*)$/.exec(line.trim());
    if (!match) {
      if (line.trim() === '' || line.trim().startsWith('//')) continue;
      break;
    }
    const [, key, value] = match;
    if (key === 'global') meta.globals = value.split(',').map((g) => g.trim());
    else if (key === 'script') meta.scripts.push(value.trim());
    else if (key === 'timeout') meta.long = value.trim() === 'long';
    else if (key === 'title') meta.title = value.trim();
  }
  return meta;
}

function runsInWorkers(globals) {
  return globals === null || globals.some((g) => WORKER_GLOBALS.test(g));
}

// The service-worker script for one test file: the harness, then the META scripts and the file in
// one function, so that their top-level declarations share a scope, in order.
function workerScript(root, rel, meta, config) {
  const parts = [];
  for (const script of meta.scripts) {
    const file = script.split('?')[0];
    if (PROVIDED.has(file)) continue;
    const resolved = file.startsWith('/') ? path.join(root, file) : path.join(root, path.dirname(rel), file);
    if (!existsSync(resolved)) return { missing: script };
    parts.push(`// ${script}\n${readFileSync(resolved, 'utf8')}\n;`);
  }
  parts.push(`// ${rel}\n${readFileSync(path.join(root, rel), 'utf8')}\n;`);
  return { source: `${HARNESS}\nwptServe(${JSON.stringify(config)}, function (location) {\n${parts.join('\n')}\n});\n` };
}

// Serves the checkout's files to the workers' fetch() calls.
async function serveCheckout(root) {
  const server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(new URL(req.url, 'http://localhost').pathname));
    if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function bodyText(body) {
  if (body === null || typeof body === 'string') return body ?? '';
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  const chunks = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

// Runs one test file; resolves with { passed, total, failures, error }.
async function runFile(root, rel, port, timeoutMs) {
  const source = readFileSync(path.join(root, rel), 'utf8');
  const meta = parseMeta(source);
  if (!runsInWorkers(meta.globals)) return null;
  const config = {
    base: `http://127.0.0.1:${port}/${rel}`,
    title: meta.title ?? path.basename(rel).split('.')[0],
    subtestTimeoutMs: meta.long ? 30_000 : 10_000,
    // The harness ends the file a little before the runner gives up on the worker.
    fileTimeoutMs: timeoutMs - 2_000,
  };
  const script = workerScript(root, rel, meta, config);
  if (script.missing) return { passed: 0, total: 0, failures: [], error: `missing dependency ${script.missing}` };

  const logs = [];
  let worker;
  let timer;
  try {
    worker = new Worker({
      name: 'wpt',
      bundle: { format: 'service-worker', mainModule: 'test.js', modules: [{ name: 'test.js', type: 'script', content: script.source }], sourceMaps: {} },
      compat: { nodejsCompat: false, nodejsAls: false, populateProcessEnv: false },
      limits: { cpuMs: timeoutMs, memoryMb: 512 },
      log: (level, message) => logs.push(message),
    }).start();
    const response = await Promise.race([
      worker.fetch({ method: 'GET', url: 'http://wpt.test/', headers: [], cf: {}, body: null }),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs); }),
    ]);
    const text = await bodyText(response.body);
    if (response.status !== 200) throw new Error(`the worker answered ${response.status}: ${text.slice(0, 500)}`);
    return summarize(JSON.parse(text));
  } catch (err) {
    const log = logs.length > 0 ? ` (log: ${logs.slice(-3).join(' | ').slice(0, 1000)})` : '';
    return { passed: 0, total: 0, failures: [], error: `${err.message}${log}` };
  } finally {
    clearTimeout(timer);
    worker?.dispose();
  }
}

function summarize({ status, message, tests, loadError }) {
  // A file that failed to load counts every subtest it declared as failed.
  const failures = tests
    .filter((t) => loadError || t.status !== 'PASS')
    .map((t) => ({ name: t.name, message: t.status === 'PASS' ? 'file failed to load' : `${t.status}${t.message ? `: ${t.message}` : ''}` }));
  const result = { passed: tests.length - failures.length, total: tests.length, failures };
  if (status !== 'OK') result.error = `harness ${status}${message ? `: ${message}` : ''}`;
  return result;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const files = [...new Set(options.paths.flatMap((p) => collect(options.wpt, p)))]
    .filter((rel) => options.filter === null || rel.includes(options.filter));
  const server = await serveCheckout(options.wpt);
  const results = {};
  const folders = new Map();
  const grand = { passed: 0, total: 0 };
  try {
    for (const rel of files) {
      const result = await runFile(options.wpt, rel, server.address().port, options.timeoutMs);
      if (result === null) continue;
      results[rel] = result;
      console.log(`${rel}  ${result.passed}/${result.total}${result.error ? `  [${result.error}]` : ''}`);
      if (options.failures) for (const f of result.failures) console.log(`    FAIL ${f.name}: ${f.message}`);
      const folder = rel.split('/')[0];
      const totals = folders.get(folder) ?? { passed: 0, total: 0 };
      folders.set(folder, totals);
      for (const sum of [totals, grand]) {
        sum.passed += result.passed;
        sum.total += result.total;
      }
    }
  } finally {
    server.close();
  }
  console.log('');
  for (const [folder, totals] of folders) console.log(`${folder}/  ${totals.passed}/${totals.total}`);
  console.log(`total  ${grand.passed}/${grand.total}`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
}

await main();
