// `outpost dev`: serve a worker on 127.0.0.1, rebuilding and reloading it when its files change.
import { watch } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { parse, UsageError } from './args.js';
import { logRequest, logWorker, logInfo, logWarning, logError, logScheduledRun, logQueueBatch } from './log.js';
import { loadConfig } from '../config/load.js';
import { bundleWorker } from '../bundle/bundle.js';
import { Worker } from '../runtime/worker.js';
import { bindingsFromConfig } from '../runtime/bindings.js';
import { CronScheduler } from '../scheduler/cron-scheduler.js';
import { CronError } from '../scheduler/cron.js';
import { QueueBroker, consumerSettings } from '../queues/broker.js';
import { createHttpServer } from '../server/http.js';

const USAGE = `Usage: outpost dev [script] [options]

Options:
  -c, --config <path>    wrangler.toml, wrangler.json or wrangler.jsonc (default: found in the current directory)
  -e, --env <name>       Use the [env.<name>] section of the config
      --port <n>         Port to listen on (default: dev.port from config, else 8787)
      --ip <address>     Address to listen on (default: 127.0.0.1)
      --var <KEY:VALUE>  Add or override a var (repeatable)
      --no-bundle        Load the worker's modules as they are, without bundling
      --cf <json>        Override fields of request.cf, e.g. '{"country":"DE"}'
      --persist-to <dir> State directory (default: .outpost/state next to the config)
  -h, --help             Show this help
`;

const OPTIONS = {
  config: { type: 'string', short: 'c', multiple: true },
  env: { type: 'string', short: 'e' },
  port: { type: 'string' },
  ip: { type: 'string' },
  var: { type: 'string', multiple: true },
  'no-bundle': { type: 'boolean' },
  cf: { type: 'string' },
  'persist-to': { type: 'string' },
};

function parseVars(list = []) {
  const vars = {};
  for (const item of list) {
    const at = item.indexOf(':');
    if (at <= 0) throw new UsageError(`--var expects KEY:VALUE, got "${item}"`);
    vars[item.slice(0, at)] = item.slice(at + 1);
  }
  return vars;
}

function parseCf(text) {
  if (!text) return {};
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {}
  throw new UsageError(`--cf expects a JSON object, got ${text}`);
}

// Loads config and bundle and starts an isolate: everything that a file change redoes.
async function build(options) {
  const config = loadConfig(options);
  for (const warning of config.warnings) logWarning(warning);
  const bundle = await bundleWorker(config);
  const stateDir = options.persistTo ?? path.join(config.rootDir, '.outpost', 'state');
  const worker = new Worker({
    name: config.name,
    bundle,
    env: { vars: { ...config.vars, ...options.vars }, secrets: config.secrets, bindings: bindingsFromConfig(config) },
    limits: { cpuMs: config.limits?.cpuMs, subrequests: config.limits?.subrequests },
    log: logWorker,
    stateDir,
  });
  // Cron expressions are checked before the worker starts: a wrong one stops this build.
  let scheduler;
  try {
    scheduler = new CronScheduler({ crons: config.triggers.crons, worker: () => worker, onRun: logScheduledRun });
  } catch (err) {
    if (err instanceof CronError) throw new UsageError(`${config.configPath ?? 'config'}: [triggers] crons: ${err.message}`);
    throw err;
  }
  worker.start();
  return { config, bundle, worker, stateDir, scheduler };
}

// The worker's cron triggers and queue consumers (those of its config, and those added to the
// state with \`outpost queues consumer add\` for a script of its name), until `close()`.
function startBackground({ config, worker, stateDir, scheduler }) {
  scheduler.start();
  const broker = new QueueBroker({ stateDir, log: logWorker, onBatch: logQueueBatch });
  const fromState = broker.store.consumers()
    .filter((consumer) => consumer.script === config.name && !config.queues.consumers.some((c) => c.queue === consumer.queue))
    .map((consumer) => ({ ...consumer.settings, queue: consumer.queue }));
  for (const entry of [...config.queues.consumers, ...fromState]) broker.addConsumer(consumerSettings(entry), () => worker);
  return {
    close() {
      scheduler.close();
      broker.close();
    },
  };
}

export async function run(argv) {
  const { values, positionals } = parse(argv, OPTIONS, USAGE);
  if ((values.config?.length ?? 0) > 1) throw new UsageError('Running several workers in one dev server is not supported yet.');
  const options = {
    configPath: values.config?.[0],
    cwd: process.cwd(),
    env: values.env,
    noBundle: values['no-bundle'] || undefined,
    main: positionals[0] ? path.resolve(positionals[0]) : undefined,
    vars: parseVars(values.var),
    persistTo: values['persist-to'] ? path.resolve(values['persist-to']) : undefined,
  };
  const cf = parseCf(values.cf);

  let current = await build(options);
  let background = startBackground(current);
  let building = Promise.resolve();
  const reload = async () => {
    const started = performance.now();
    try {
      const next = await build(options);
      const previous = current;
      current = next;
      background.close();
      background = startBackground(next);
      watcher.update(next);
      // Requests already running on the old isolate finish there; it is dropped once idle.
      setTimeout(() => previous.worker.dispose(), 30_000).unref();
      logInfo(`Reloaded in ${Math.round(performance.now() - started)} ms`);
    } catch (err) {
      logError(err.message);
      logInfo('Still serving the previous version; fix the error and save again.');
    }
  };
  // One rebuild at a time; a change during a rebuild triggers one more after it.
  const watcher = new FileWatcher(() => {
    building = building.then(reload);
  });
  watcher.update(current);

  const server = createHttpServer({ worker: () => current.worker, dev: true, cf, onRequest: logRequest });
  const port = Number(values.port ?? current.config.dev?.port ?? 8787);
  // Only an ip written in the config counts; Outpost's default is the loopback address.
  const ip = values.ip ?? current.config.raw.dev?.ip ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port expects a port number, got ${values.port}`);
  server.listen(port, ip);
  await once(server, 'listening');
  const shownHost = ip.includes(':') ? `[${ip}]` : ip;
  logInfo(`Ready on http://${shownHost}:${server.address().port}`);

  const stop = () => {
    background.close();
    watcher.close();
    server.close();
    server.closeAllConnections();
    current.worker.dispose();
    // isolated-vm finishes tearing isolates down on its own threads; exiting in the middle of
    // that can crash the process, so leave it a moment.
    setTimeout(() => process.exit(0), 300);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Watches the directories holding the worker's inputs (its bundle's sources, the config and
// .dev.vars) and calls `onChange` once per burst of changes to any of those files.
class FileWatcher {
  constructor(onChange) {
    this.onChange = onChange;
    this.watchers = new Map();
    this.files = new Set();
    this.timer = null;
  }

  update({ config, bundle }) {
    const root = config.rootDir;
    this.files = new Set([
      ...bundle.watchFiles.filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`)),
      config.configPath,
      path.join(root, '.dev.vars'),
      path.join(root, '.env'),
    ].map((file) => path.resolve(file)));
    const dirs = new Set([...this.files].map((file) => path.dirname(file)));
    for (const [dir, watcher] of this.watchers) {
      if (!dirs.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        this.watchers.set(dir, watch(dir, (_event, name) => this.#changed(path.join(dir, name ?? ''))));
      } catch {
        // A directory that does not exist (yet) is simply not watched.
      }
    }
  }

  #changed(file) {
    if (!this.files.has(file) && !path.basename(file).startsWith('.dev.vars')) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onChange(), 25);
  }

  close() {
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
  }
}
