// `outpost <command>`: dispatches to one module per command group.
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';

const COMMANDS = {
  dev: () => import('./dev.js'),
  kv: () => import('./kv.js'),
  d1: () => import('./d1.js'),
  r2: () => import('./r2.js'),
  queues: () => import('./queues.js'),
};

const HELP = `Usage: outpost <command> [options]

Commands:
  outpost dev [script]   Run a worker locally, reloading on changes
  outpost kv ...         Manage KV namespaces and keys (local state)
  outpost d1 ...         Manage D1 databases, run SQL and migrations (local state)
  outpost r2 ...         Manage R2 buckets and objects (local state)
  outpost queues ...     Manage queues and consumers, see queue depths (local state)

Run "outpost <command> --help" for a command's options.
`;

export async function main(argv) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (command === '--version' || command === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`${pkg.version}\n`);
    return;
  }
  const load = COMMANDS[command];
  if (!load) {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
    process.exitCode = 1;
    return;
  }
  try {
    const module = await load();
    await module.run(rest);
  } catch (err) {
    if (err instanceof UsageError || ['ConfigError', 'BundleError', 'StoreError'].includes(err?.name)) {
      process.stderr.write(`✘ ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
