// R2 throughput and memory: one object of BENCH_R2_MB MiB (default 100) put and then read back
// through a real `outpost dev` server over HTTP (a worker doing `env.BUCKET.put(key,
// request.body)` and `new Response((await env.BUCKET.get(key)).body)`), in MiB/s; against the same
// bytes streamed to a plain Node http server that pipes them into a file and back out of it, in
// the same run. Both servers are child processes, so that the RSS measured is the server's own:
// the Outpost server's peak RSS during each transfer (VmHWM after `echo 5 > clear_refs`, or VmRSS
// sampled every 10 ms where that reset does not work) is compared with its idle RSS, and must
// stay under idle + 100 MiB (reported, never failed). The bench process streams the upload from a
// generator and hashes the download as it arrives: it never holds the object.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { ROOT_DIR, envNumber, fmt, isMain, printTable, spawnReady, stopChild } from './lib/common.js';

const MiB = 1024 * 1024;
const CHUNK = MiB;
const RSS_BOUND_MIB = 100;
const KEY = 'bench/object.bin';

const WORKER = `export default {
  async fetch(request, env) {
    const key = decodeURIComponent(new URL(request.url).pathname.slice(1));
    if (request.method === 'PUT') {
      const object = await env.BUCKET.put(key, request.body);
      return new Response(String(object.size));
    }
    const object = await env.BUCKET.get(key);
    if (object === null) return new Response('no such object', { status: 404 });
    return new Response(object.body);
  },
};
`;

const CONFIG = `name = "r2-bench"
main = "index.js"
compatibility_date = "2025-01-01"

[[r2_buckets]]
binding = "BUCKET"
bucket_name = "bench"
`;

// ---- the peer: a plain Node http server storing the body in a file ----

// `node bench/r2.js --peer-server <dir>`: PUT /<key> pipes the request into <dir>/<n>.bin (fsynced
// before the response, as the R2 store fsyncs its body files), GET /<key> pipes the file back.
async function servePeer(dir) {
  const files = new Map();
  let count = 0;
  const server = http.createServer(async (req, res) => {
    try {
      if (req.method === 'PUT') {
        const file = path.join(dir, `${count++}.bin`);
        await pipeline(req, createWriteStream(file, { flush: true }));
        files.set(req.url, file);
        res.end('stored');
      } else {
        const file = files.get(req.url);
        if (!file) return void res.writeHead(404).end('no such object');
        await pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), res);
      }
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(String(err.message));
      else res.destroy(err);
    }
  });
  server.listen(0, '127.0.0.1', () => console.log(`Ready on http://127.0.0.1:${server.address().port}`));
  process.once('SIGTERM', () => process.exit(0));
}

// ---- the client side (this process) ----

// The object, generated chunk by chunk: a random MiB with the chunk's index in its first bytes.
function objectChunks(base, total) {
  return Readable.from((function* generate() {
    for (let offset = 0, index = 0; offset < total; offset += CHUNK, index++) {
      const chunk = Buffer.from(base.subarray(0, Math.min(CHUNK, total - offset)));
      chunk.writeUInt32LE(index, 0);
      yield chunk;
    }
  })(), { objectMode: false });
}

function expectedSha256(base, total) {
  const hash = createHash('sha256');
  for (let offset = 0, index = 0; offset < total; offset += CHUNK, index++) {
    const chunk = Buffer.from(base.subarray(0, Math.min(CHUNK, total - offset)));
    chunk.writeUInt32LE(index, 0);
    hash.update(chunk);
  }
  return hash.digest('hex');
}

const agent = new http.Agent({ keepAlive: false });

// PUTs `total` bytes streamed from `source`; resolves with the response text once it has ended.
function put(origin, key, source, total) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}/${key}`, { method: 'PUT', agent, headers: { 'content-length': total, 'content-type': 'application/octet-stream' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (data) => { text += data; });
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`PUT ${key}: ${res.statusCode} ${text.slice(0, 500)}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    pipeline(source, req).catch(reject);
  });
}

// GETs `key`, reading the body to the end; resolves with { bytes, sha256 }.
function get(origin, key) {
  return new Promise((resolve, reject) => {
    http.get(`${origin}/${key}`, { agent }, async (res) => {
      try {
        const hash = createHash('sha256');
        let bytes = 0;
        for await (const chunk of res) {
          bytes += chunk.length;
          hash.update(chunk);
        }
        if (res.statusCode !== 200) throw new Error(`GET ${key}: ${res.statusCode}`);
        resolve({ bytes, sha256: hash.digest('hex') });
      } catch (err) {
        reject(err);
      }
    }).on('error', reject);
  });
}

// ---- the server's memory, from /proc ----

function statusKiB(pid, field) {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

const rssMiB = (pid) => statusKiB(pid, 'VmRSS') / 1024;
const hwmMiB = (pid) => statusKiB(pid, 'VmHWM') / 1024;

// Resets the peak RSS (VmHWM) to the current RSS; true when that took effect.
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    return false;
  }
  return hwmMiB(pid) <= rssMiB(pid) + 1;
}

// Runs `work` and returns [its result, the server's peak RSS in MiB during it]. The peak is
// VmHWM after a reset when `useHwm`, never less than what 10 ms sampling of VmRSS saw.
async function withPeak(pid, useHwm, work) {
  let sampled = rssMiB(pid);
  const sampler = setInterval(() => {
    try {
      sampled = Math.max(sampled, rssMiB(pid));
    } catch {}
  }, 10);
  try {
    const result = await work();
    sampled = Math.max(sampled, rssMiB(pid));
    return [result, useHwm ? Math.max(hwmMiB(pid), sampled) : sampled];
  } finally {
    clearInterval(sampler);
  }
}

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One put and one get of the object on a server at `origin`, each timed from request to the end
// of the response. With `pid`, also the server's idle RSS and its peak RSS during each.
async function transfer(origin, { base, total, sha256, pid = null, useHwm = false }) {
  // Warm-up: a small object through the same paths.
  await put(origin, 'warmup', objectChunks(base, 64 * 1024), 64 * 1024);
  await get(origin, 'warmup');
  await settle(300);
  const idle = pid ? rssMiB(pid) : null;

  if (pid && useHwm) resetPeak(pid);
  let started = performance.now();
  const measure = (work) => (pid ? withPeak(pid, useHwm, work) : work().then((r) => [r, null]));
  const [answer, putPeak] = await measure(() => put(origin, KEY, objectChunks(base, total), total));
  const putMs = performance.now() - started;
  if (answer !== 'stored' && Number(answer) !== total) throw new Error(`the server stored ${answer} bytes, expected ${total}`);

  if (pid && useHwm) resetPeak(pid);
  started = performance.now();
  const [got, getPeak] = await measure(() => get(origin, KEY));
  const getMs = performance.now() - started;
  if (got.bytes !== total) throw new Error(`read back ${got.bytes} bytes, expected ${total}`);
  if (got.sha256 !== sha256) throw new Error(`read back bytes whose SHA-256 is ${got.sha256}, expected ${sha256}`);
  return { putMs, getMs, idle, putPeak, getPeak };
}

export async function run() {
  const mib = envNumber('BENCH_R2_MB', 100);
  const total = Math.round(mib * MiB);
  const base = randomBytes(CHUNK);
  const sha256 = expectedSha256(base, total);
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-r2-'));
  const children = [];
  try {
    writeFileSync(path.join(dir, 'wrangler.toml'), CONFIG);
    writeFileSync(path.join(dir, 'index.js'), WORKER);
    const ready = (line) => line.match(/Ready on (http:\/\/\S+)/)?.[1];
    const env = { ...process.env, NO_COLOR: '1' };

    // Outpost: `outpost dev` started the way bin/outpost.js re-executes itself, so that the pid is
    // the server's own process.
    const outpost = await spawnReady(process.execPath, ['--no-node-snapshot', path.join(ROOT_DIR, 'bin', 'outpost.js'), 'dev', '--port', '0'], { ready, env, cwd: dir });
    children.push(outpost.child);
    const pid = outpost.child.pid;
    const useHwm = resetPeak(pid);
    let worker;
    try {
      worker = await transfer(outpost.value, { base, total, sha256, pid, useHwm });
    } catch (err) {
      err.message += `\nserver stderr: ${outpost.stderr().trim().slice(-2000)}`;
      throw err;
    }
    await stopChild(outpost.child);

    const peerDir = path.join(dir, 'peer');
    mkdirSync(peerDir);
    const peer = await spawnReady(process.execPath, [fileURLToPath(import.meta.url), '--peer-server', peerDir], { ready, env });
    children.push(peer.child);
    const node = await transfer(peer.value, { base, total, sha256, pid: peer.child.pid, useHwm });
    await stopChild(peer.child);

    const rate = (ms) => mib / (ms / 1000);
    console.log(`r2: one ${fmt(mib, 0)} MiB object (${CHUNK / MiB} MiB chunks) put then read back over HTTP on 127.0.0.1; SHA-256 verified`);
    printTable('r2: throughput (MiB/s)', ['operation', 'outpost dev (R2)', 'Node http + fs', 'outpost / Node'], [
      ['put', fmt(rate(worker.putMs), 0), fmt(rate(node.putMs), 0), `${fmt(node.putMs / worker.putMs)}x`],
      ['get', fmt(rate(worker.getMs), 0), fmt(rate(node.getMs), 0), `${fmt(node.getMs / worker.getMs)}x`],
    ]);
    const peak = Math.max(worker.putPeak, worker.getPeak);
    const growth = peak - worker.idle;
    const met = growth < RSS_BOUND_MIB;
    const how = useHwm ? 'VmHWM after clear_refs' : 'VmRSS sampled every 10 ms';
    printTable(`r2: server RSS (MiB; peak = ${how})`, ['server', 'idle', 'peak during put', 'peak during get', 'peak - idle'], [
      ['outpost dev (R2)', fmt(worker.idle, 1), fmt(worker.putPeak, 1), fmt(worker.getPeak, 1), fmt(growth, 1)],
      ['Node http + fs', fmt(node.idle, 1), fmt(node.putPeak, 1), fmt(node.getPeak, 1), fmt(Math.max(node.putPeak, node.getPeak) - node.idle, 1)],
    ]);
    console.log(`requirement: outpost peak < idle + ${RSS_BOUND_MIB} MiB: ${fmt(peak, 1)} < ${fmt(worker.idle + RSS_BOUND_MIB, 1)}: ${met ? 'met' : 'NOT met'}`);
    return {
      name: 'r2',
      figures: { mib, useHwm, worker, node },
      summary: [
        { metric: 'put MiB/s (outpost)', value: fmt(rate(worker.putMs), 0) },
        { metric: 'put outpost / Node http+fs', value: `${fmt(node.putMs / worker.putMs)}x` },
        { metric: 'get MiB/s (outpost)', value: fmt(rate(worker.getMs), 0) },
        { metric: 'get outpost / Node http+fs', value: `${fmt(node.getMs / worker.getMs)}x` },
        { metric: 'server peak RSS - idle', value: `${fmt(growth, 1)} MiB`, target: `< ${RSS_BOUND_MIB} MiB`, met: met ? 'yes' : 'no' },
      ],
    };
  } finally {
    for (const child of children) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  if (process.argv[2] === '--peer-server') await servePeer(process.argv[3]);
  else await run();
}
