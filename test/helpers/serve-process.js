// `outpost serve` as a child process on a data directory of its own, and the CLI commands that
// act on it (deploy, secret, versions, ...), run the way a user runs them.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCli } from './dev-process.js';

const BIN = fileURLToPath(new URL('../../bin/outpost.js', import.meta.url));
const TMP = fileURLToPath(new URL('../.tmp/', import.meta.url));

// A new directory for a server's data and one (outside it) for its secrets key.
export function serverDirs() {
  mkdirSync(TMP, { recursive: true });
  const root = mkdtempSync(path.join(TMP, 'serve-'));
  return { dataDir: path.join(root, 'data'), configHome: path.join(root, 'config') };
}

// Starts `outpost serve` and waits until it is ready: { api, port, token, output, stop(), cli }.
// `token` is the first token it printed (or env.OUTPOST_API_TOKEN).
export async function startServe({ dirs = serverDirs(), processes = 1, env = {}, args = [] } = {}) {
  const server = startCli(['serve', '--data', dirs.dataDir, '--port', '0', '--api-port', '0', '--processes', String(processes), ...args], { env: { XDG_CONFIG_HOME: dirs.configHome, ...env } });
  const printed = env.OUTPOST_API_TOKEN ? null : (await server.waitFor(/First API token \(shown once\): (\S+)/, 30_000))[1];
  const api = (await server.waitFor(/API on (http:\/\/\S+)/, 30_000))[1];
  const port = Number((await server.waitFor(/Ready on http:\/\/[\d.]+:(\d+)/, 30_000))[1]);
  const token = printed ?? env.OUTPOST_API_TOKEN;
  return {
    dirs,
    pid: server.child.pid,
    api,
    port,
    token,
    get output() {
      return server.output;
    },
    // Stops the server and resolves once it has exited.
    stop() {
      if (server.child.exitCode !== null) return Promise.resolve();
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.stop();
      return exited;
    },
    // Runs `outpost <args>` against this server: { code, stdout, stderr }.
    cli(args, { cwd, input, token: asToken = token } = {}) {
      return runCli(args, { cwd, input, env: { OUTPOST_API_URL: api, OUTPOST_API_TOKEN: asToken } });
    },
    // A JSON API call: { status, body }.
    async call(method, apiPath, body, asToken = token) {
      const response = await fetch(`${api}${apiPath}`, { method, headers: asToken ? { authorization: `Bearer ${asToken}` } : {}, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: response.status, body: json ?? text };
    },
    // A GET to the ingress with the given Host header (fetch() cannot set one) and `headers`, on a
    // new connection: { status, text }. Fails after `timeoutMs` without an answer.
    request(host, target = '/', { timeoutMs = 30_000, headers = {} } = {}) {
      return new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: target, headers: { ...headers, host }, agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode, text }));
        });
        req.on('error', reject);
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${host}${target} in ${timeoutMs} ms`)));
      });
    },
  };
}

export function runCli(args, { cwd, input, env = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
