// workerd from npm, installed on demand into bench/.peers (not a dependency of the project), and
// a minimal capnp config serving one worker on a 127.0.0.1 port.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './common.js';

export const PEERS_DIR = path.join(BENCH_DIR, '.peers');

function candidates() {
  const modules = path.join(PEERS_DIR, 'node_modules');
  const found = [];
  const scoped = path.join(modules, '@cloudflare');
  if (existsSync(scoped)) {
    for (const name of readdirSync(scoped)) {
      if (name.startsWith('workerd-')) found.push(path.join(scoped, name, 'bin', 'workerd'));
    }
  }
  found.push(path.join(modules, 'workerd', 'bin', 'workerd'));
  return found.filter((p) => existsSync(p));
}

function version(binary) {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

function findBinary() {
  for (const binary of candidates()) {
    const v = version(binary);
    if (v) return { binary, version: v };
  }
  return null;
}

// Returns { binary, version } or { unavailable: reason }. Installs workerd when it is missing.
export function ensureWorkerd({ log = console.log } = {}) {
  let found = findBinary();
  if (found) return found;
  mkdirSync(PEERS_DIR, { recursive: true });
  log(`installing workerd into ${path.relative(process.cwd(), PEERS_DIR) || PEERS_DIR} ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', PEERS_DIR, 'workerd'], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (result.error || result.status !== 0) {
    const detail = (result.error?.message ?? result.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    return { unavailable: `npm install workerd failed: ${detail || `exit ${result.status}`}` };
  }
  found = findBinary();
  return found ?? { unavailable: 'workerd installed but its binary does not run on this machine' };
}

// Writes a config serving `source` (an ES module) as the only worker on 127.0.0.1:port.
export function writeConfig(dir, { source, port, compatibilityDate = '2025-01-01' }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.js'), source);
  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .helloWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const helloWorker :Workerd.Worker = (
  modules = [ (name = "index.js", esModule = embed "index.js") ],
  compatibilityDate = "${compatibilityDate}",
);
`;
  const file = path.join(dir, 'config.capnp');
  writeFileSync(file, config);
  return file;
}
