#!/usr/bin/env node
// Outpost runs on Node 24 with V8's startup snapshot off (isolated-vm needs both). When started
// any other way (an older system Node, or without the flag), run again under the Node 24 that
// `npm install` put in node_modules.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const FLAG = '--no-node-snapshot';
const major = Number(process.versions.node.split('.')[0]);

if (major >= 24 && process.execArgv.includes(FLAG)) {
  const { main } = await import('../src/cli/main.js');
  await main(process.argv.slice(2));
} else {
  const node = major >= 24 ? process.execPath : createRequire(import.meta.url).resolve('node/bin/node');
  const child = spawn(node, [FLAG, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}
