// `outpost dev` as a child process, the way a user runs it.
import { spawn } from 'node:child_process';

const BIN = new URL('../../bin/outpost.js', import.meta.url).pathname;

// Starts `outpost dev` and collects its output. `waitFor(re)` resolves when the output after the
// previous match contains a match of `re`.
export function startDev(args, cwd) {
  return startCli(['dev', '--port', '0', ...args], { cwd });
}

// Starts `outpost <args>` (a long-running command) with `env` added to the environment.
export function startCli(args, { cwd, env = {} } = {}) {
  // Started the way bin/outpost.js re-executes itself, so that signals reach the server itself.
  const child = spawn(process.execPath, ['--no-node-snapshot', BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
  let output = '';
  let cursor = 0;
  let waiter = null;
  const check = () => {
    if (!waiter) return;
    const match = output.slice(cursor).match(waiter.re);
    if (!match) return;
    cursor += match.index + match[0].length;
    const { resolve } = waiter;
    waiter = null;
    resolve(match);
  };
  const onData = (chunk) => {
    output += chunk;
    check();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    child,
    get output() {
      return output;
    },
    waitFor(re, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        waiter = { re, resolve };
        check();
        setTimeout(() => reject(new Error(`timed out waiting for ${re}; output:\n${output}`)), timeoutMs).unref();
      });
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}
