// Helpers shared by the benchmarks: worker bundles and requests, child processes, statistics,
// the node:sqlite peer and tables.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));

export const HELLO_SOURCE = 'export default { fetch() { return new Response("Hello World!") } }';

// A one-module bundle in the shape the bundler produces.
export function moduleBundle(source) {
  return { format: 'modules', mainModule: 'index.js', modules: [{ name: 'index.js', type: 'esm', content: source }], sourceMaps: {} };
}

export const GET_REQUEST = Object.freeze({ method: 'GET', url: 'http://localhost/', headers: [], cf: {}, body: null });

// A GET request for `pathAndQuery` ("/user?id=1"), as worker.fetch() takes it.
export const workerRequest = (pathAndQuery) => ({ ...GET_REQUEST, url: `http://localhost${pathAndQuery}` });

// Reads a worker response body (null, string, Buffer or Readable) to the end.
export async function readBody(body) {
  if (body === null || body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (Buffer.isBuffer(body)) return body;
  const chunks = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// The body of a worker's answer to `request` (a request, or a path and query for workerRequest)
// as text; throws, naming the worker `what`, unless the answer is a 200.
export async function fetchText(worker, request, what = 'worker') {
  const res = await worker.fetch(typeof request === 'string' ? workerRequest(request) : request);
  const text = (await readBody(res.body)).toString();
  if (res.status !== 200) throw new Error(`${what} failed: ${res.status} ${text.slice(0, 500)}`);
  return text;
}

// True when `importMetaUrl` is the script node was started with.
export function isMain(importMetaUrl) {
  return process.argv[1] !== undefined && fileURLToPath(importMetaUrl) === process.argv[1];
}

export function envNumber(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// Nearest-rank percentile of an ascending array.
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

// Latencies (ms) summed up: p50, p99, max, mean, and how many a second they make one after another.
export function latencyStats(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  const total = sorted.reduce((a, b) => a + b, 0);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1), mean: total / sorted.length, perSecond: sorted.length / (total / 1000) };
}

// The median of some numbers (the upper one of an even count).
export const median = (values) => Float64Array.from(values).sort()[Math.floor(values.length / 2)];

// The storage benchmarks' peer: a node:sqlite database in `dir` with the stores' settings.
export function peerDatabase(dir) {
  const db = new DatabaseSync(path.join(dir, 'peer.sqlite'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  return db;
}

export function fmt(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (typeof value !== 'number') return String(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// Prints rows (arrays of cells) under a header, columns padded; numbers-like cells right-aligned.
export function printTable(title, header, rows) {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const numeric = (s) => /^[-+]?[\d,.]+( ?[a-zA-Z/%]+)?x?$/.test(s) || s === 'n/a';
  const line = (row) => row.map((cell, i) => (i > 0 && numeric(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(title ? `\n${title}` : '');
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
}

// CPU pinning: with taskset and at least 2 CPUs, the server under test gets CPU 1 and the load
// generator CPU 0, so that neither steals the other's core. BENCH_NO_PIN=1 turns it off.
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));
export const PINNING = Boolean(TASKSET) && os.availableParallelism() >= 2 && !process.env.BENCH_NO_PIN;

export function pinned(cpu, command, args) {
  return PINNING ? [TASKSET, ['-c', String(cpu), command, ...args]] : [command, args];
}

// Spawns a child and resolves once `ready(line)` returns a value for a line of its stdout.
// Rejects when the child exits first or nothing is ready within timeoutMs.
export function spawnReady(command, args, { ready, timeoutMs = 20_000, env, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env, cwd });
    let stdout = '';
    let stderr = '';
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        child.kill('SIGKILL');
        err.message += stderr ? `\n${stderr.trim().slice(-2000)}` : '';
        reject(err);
      } else resolve({ child, value, stderr: () => stderr });
    };
    const timer = setTimeout(() => finish(new Error(`${command} was not ready within ${timeoutMs} ms`)), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (data) => {
      stdout += data;
      let newline;
      while ((newline = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, newline);
        stdout = stdout.slice(newline + 1);
        const value = ready(line);
        if (value !== undefined) finish(null, value);
      }
    });
    child.stderr.on('data', (data) => {
      stderr = (stderr + data).slice(-20_000);
    });
    child.on('error', (err) => finish(err));
    child.on('exit', (code, signal) => finish(new Error(`${command} exited (${signal ?? code}) before it was ready`)));
  });
}

// Runs a child to completion and returns its stdout; rejects on a non-zero exit or a timeout.
export function runChild(command, args, { timeoutMs = 120_000, env, cwd, echoStderr = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env, cwd });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (data) => { stdout += data; });
    child.stderr.on('data', (data) => {
      stderr = (stderr + data).slice(-20_000);
      if (echoStderr) process.stderr.write(data);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} exited (${signal ?? code})\n${stderr.trim().slice(-4000)}`));
    });
  });
}

// Stops a child we started and waits for it to go.
export async function stopChild(child, graceMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

// Last JSON line of a child's stdout.
export function lastJson(stdout) {
  const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'));
  if (lines.length === 0) throw new Error(`no JSON result in output:\n${stdout.slice(-2000)}`);
  return JSON.parse(lines.at(-1));
}
