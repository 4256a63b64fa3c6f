// `outpost dev`: serve a worker on 127.0.0.1, rebuilding and reloading it when its files change.
import { watch } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { parse, UsageError } from './args.js';
import { logRequest, logWorker, logInfo, logWarning, logError, logScheduledRun, logQueueBatch, logAlarmRun } from './log.js';
import { loadConfig } from '../config/load.js';
import { bundleWorker } from '../bundle/bundle.js';
import { Worker } from '../runtime/worker.js';
import { bindingsFromConfig } from '../runtime/bindings.js';
import { CronError, parseCron } from '../scheduler/cron.js';
import { startBackground } from '../scheduler/background.js';
import { applyMigrations, MigrationError } from '../storage/durable-object-migrations.js';
import { createHttpServer } from '../server/http.js';

const USAGE = `Usage: outpost dev [script] [options]

Options:
  -c, --config <path>    wrangler.toml, wrangler.json or wrangler.jsonc (default: found in the current directory);
                         repeat it to run several workers: the first receives HTTP, the others are
                         reached through service bindings by their names
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
  try {
    const applied = applyMigrations(stateDir, config.name ?? 'worker', config.migrations);
    if (applied.length > 0) logInfo(`Applied Durable Object migrations: ${applied.join(', ')}`);
  } catch (err) {
    if (err instanceof MigrationError) throw new UsageError(`${config.configPath ?? 'config'}: ${err.message}`);
    throw err;
  }
  const worker = new Worker({
    name: config.name,
    bundle,
    env: { vars: { ...config.vars, ...options.vars }, secrets: config.secrets, bindings: bindingsFromConfig(config) },
    limits: { cpuMs: config.limits?.cpuMs, subrequests: config.limits?.subrequests },
    log: logWorker,
    stateDir,
    compat: config.compatibility,
    services: options.services,
    deniedPorts: options.deniedPorts,
  });
  // Cron expressions are checked before the worker starts: a wrong one stops this build.
  try {
    config.triggers.crons.forEach(parseCron);
  } catch (err) {
    if (err instanceof CronError) throw new UsageError(`${config.configPath ?? 'config'}: [triggers] crons: ${err.message}`);
    throw err;
  }
  worker.start();
  return { config, bundle, worker, stateDir };
}

const DEV_LOG = { worker: logWorker, scheduled: logScheduledRun, queue: logQueueBatch, alarm: logAlarmRun };

export async function run(argv) {
  const { values, positionals } = parse(argv, OPTIONS, USAGE);
  const configPaths = values.config?.length ? values.config : [undefined];
  const common = {
    cwd: process.cwd(),
    env: values.env,
    noBundle: values['no-bundle'] || undefined,
    vars: parseVars(values.var),
    persistTo: values['persist-to'] ? path.resolve(values['persist-to']) : undefined,
  };
  const cf = parseCf(values.cf);
  // Workers' sockets may not connect back to this server (filled in once it listens).
  const deniedPorts = [];

  // One slot per worker; service bindings and queue producers reach the others by name.
  const byName = new Map();
  const services = (name) => byName.get(name)?.current.worker ?? null;
  const slots = [];
  for (const [i, configPath] of configPaths.entries()) {
    // A script given on the command line is the first worker's entry point.
    const options = { ...common, configPath, main: i === 0 && positionals[0] ? path.resolve(positionals[0]) : undefined, services, deniedPorts };
    const slot = new WorkerSlot(options, await build(options));
    const name = slot.current.config.name;
    if (configPaths.length > 1 && !name) throw new UsageError(`${slot.current.config.configPath}: every worker of a dev server with several workers needs a "name".`);
    if (byName.has(name)) throw new UsageError(`Two of the configs define a worker named "${name}"; names must be unique.`);
    byName.set(name, slot);
    slots.push(slot);
  }
  for (const slot of slots) slot.startWatching();

  // The first worker receives HTTP.
  const first = slots[0];
  const server = createHttpServer({ worker: () => first.current.worker, dev: true, cf, onRequest: logRequest });
  const port = Number(values.port ?? first.current.config.dev?.port ?? 8787);
  // Only an ip written in the config counts; Outpost's default is the loopback address.
  const ip = values.ip ?? first.current.config.raw.dev?.ip ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port expects a port number, got ${values.port}`);
  server.listen(port, ip);
  await once(server, 'listening');
  deniedPorts.push(server.address().port);
  const shownHost = ip.includes(':') ? `[${ip}]` : ip;
  if (slots.length > 1) logInfo(`Workers: ${slots.map((slot) => slot.current.config.name).join(', ')} (HTTP goes to ${first.current.config.name})`);
  logInfo(`Ready on http://${shownHost}:${server.address().port}`);

  const stop = () => {
    for (const slot of slots) slot.close();
    server.close();
    server.closeAllConnections();
    // isolated-vm finishes tearing isolates down on its own threads; exiting in the middle of
    // that can crash the process, so leave it a moment.
    setTimeout(() => process.exit(0), 300);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// One worker of the dev server: its current build, its cron triggers and queue consumers, and the
// watcher that rebuilds it (only it) when its files change.
class WorkerSlot {
  constructor(options, built) {
    this.options = options;
    this.current = built;
    this.background = startBackground({ ...built, worker: () => built.worker, log: DEV_LOG });
    this.building = Promise.resolve();
    // One rebuild at a time; a change during a rebuild triggers one more after it.
    this.watcher = new FileWatcher(() => {
      this.building = this.building.then(() => this.#reload());
    });
  }

  startWatching() {
    this.watcher.update(this.current);
  }

  async #reload() {
    const started = performance.now();
    try {
      const next = await build(this.options);
      if (next.config.name !== this.current.config.name) throw new UsageError(`The worker's name changed from "${this.current.config.name}" to "${next.config.name}"; restart outpost dev to rename it.`);
      const previous = this.current;
      this.current = next;
      this.background.close();
      this.background = startBackground({ ...next, worker: () => next.worker, log: DEV_LOG });
      this.watcher.update(next);
      // Requests already running on the old isolate finish there; it is dropped once idle.
      setTimeout(() => previous.worker.dispose(), 30_000).unref();
      logInfo(`Reloaded in ${Math.round(performance.now() - started)} ms${next.config.name ? ` (${next.config.name})` : ''}`);
    } catch (err) {
      logError(err.message);
      logInfo('Still serving the previous version; fix the error and save again.');
    }
  }

  close() {
    this.background.close();
    this.watcher.close();
    this.current.worker.dispose();
  }
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
