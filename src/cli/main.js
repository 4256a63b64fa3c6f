// `outpost <command>`: dispatches to one module per command group.
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';

const COMMANDS = {
  dev: () => import('./dev.js'),
  kv: () => import('./kv.js'),
  d1: () => import('./d1.js'),
  r2: () => import('./r2.js'),
  queues: () => import('./queues.js'),
  serve: () => import('./serve.js'),
  deploy: () => import('./deploy.js'),
  versions: () => import('./versions.js'),
  deployments: () => import('./deployments.js'),
  rollback: () => import('./deployments.js').then((m) => ({ run: m.rollback })),
  delete: () => import('./deployments.js').then((m) => ({ run: m.remove })),
  secret: () => import('./secret.js'),
  tail: () => import('./tail.js'),
  tokens: () => import('./tokens.js'),
};

const HELP = `Usage: outpost <command> [options]

Commands:
  outpost dev [script]   Run a worker locally, reloading on changes
  outpost kv ...         Manage KV namespaces and keys (local state)
  outpost d1 ...         Manage D1 databases, run SQL and migrations (local state)
  outpost r2 ...         Manage R2 buckets and objects (local state)
  outpost queues ...     Manage queues and consumers, see queue depths (local state)
  (with --remote, these act on the state of the server at OUTPOST_API_URL)

  outpost serve          Run a server that deployed workers run on
  outpost deploy         Bundle the worker and make it live on a server
  outpost versions ...   List, view, upload and deploy versions (percentage splits too)
  outpost deployments list
  outpost rollback [id]  Deploy an earlier version
  outpost delete [name]  Remove a worker from the server
  outpost secret ...     Set, list and delete a worker's secrets
  outpost tail [name]    Stream a deployed worker's requests and logs
  outpost tokens ...     Create, list and revoke API tokens
  (these act on the server at OUTPOST_API_URL with OUTPOST_API_TOKEN)

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
