// `outpost serve`: the server that deployed workers run on.
import path from 'node:path';
import os from 'node:os';
import { parse, UsageError } from './args.js';
import { logInfo, logError } from './log.js';
import { startServer, DEFAULT_HOT_REQUESTS_PER_SECOND } from '../platform/server.js';
import { defaultKeyFile } from '../platform/secret-box.js';

const USAGE = `Usage: outpost serve --data <dir> [options]

Options:
      --data <dir>            Data directory: workers, versions, secrets (encrypted) and the bindings' storage
      --port <n>              HTTP port for the workers (default 8787)
      --api-port <n>          Port of the control API, /metrics and /healthz (default 8788)
      --ip <address>          Address to listen on (default 127.0.0.1)
      --base-domain <domain>  Workers answer at <name>.<domain> (default localhost)
      --processes <n>         Serving processes (default: one per core, here ${os.availableParallelism()})
      --memory-budget <MiB>   Evict idle isolates, least recently used first, above this much heap per process
      --hot-requests <n>      A process that forwards more than n requests a second for a worker starts its own copy (default ${DEFAULT_HOT_REQUESTS_PER_SECOND})
      --secrets-key <file>    Key file for secrets at rest (default ${defaultKeyFile()}; OUTPOST_SECRETS_KEY overrides)
  -h, --help                  Show this help
`;

const OPTIONS = {
  data: { type: 'string' },
  port: { type: 'string' },
  'api-port': { type: 'string' },
  ip: { type: 'string' },
  'base-domain': { type: 'string' },
  processes: { type: 'string' },
  'memory-budget': { type: 'string' },
  'hot-requests': { type: 'string' },
  'secrets-key': { type: 'string' },
};

function integer(value, name, { min = 0, max = 65535 } = {}) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} expects a whole number from ${min} to ${max}, got ${value}`);
  return n;
}

export async function run(argv) {
  const { values } = parse(argv, OPTIONS, USAGE);
  if (!values.data) throw new UsageError(`--data <dir> is required.\n\n${USAGE}`);
  const baseDomain = values['base-domain'] ?? 'localhost';
  if (!/^[a-z0-9.-]+$/i.test(baseDomain)) throw new UsageError(`--base-domain expects a domain name, got ${baseDomain}`);
  const server = await startServer({
    dataDir: path.resolve(values.data),
    port: integer(values.port ?? '8787', 'port'),
    apiPort: integer(values['api-port'] ?? '8788', 'api-port'),
    ip: values.ip ?? '127.0.0.1',
    baseDomain,
    processes: values.processes ? integer(values.processes, 'processes', { min: 1, max: 256 }) : undefined,
    memoryBudgetMb: values['memory-budget'] ? integer(values['memory-budget'], 'memory-budget', { min: 16, max: 1 << 20 }) : undefined,
    hotRequestsPerSecond: values['hot-requests'] ? integer(values['hot-requests'], 'hot-requests', { min: 0, max: 1_000_000 }) : undefined,
    keyFile: values['secrets-key'] ? path.resolve(values['secrets-key']) : undefined,
    log: { info: logInfo, error: logError },
  }).catch((err) => {
    // A port that is taken, a key that cannot be read: said in one line, as a usage error is.
    throw new UsageError(err.message);
  });
  logInfo(`API on ${server.apiUrl}`);
  logInfo(`Ready on http://${values.ip ?? '127.0.0.1'}:${server.ingressPort} (${server.processes} process${server.processes === 1 ? '' : 'es'}; workers at <name>.${baseDomain})`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
