// The deployed workers of one server process: for each, the Worker of every version its current
// deployment names, picked per request by the deployment's percentages. Every process knows every
// worker; the isolates of those it keeps warm (see placement.js) are started before they take
// traffic, the others' on their first event. Switching deployments swaps one reference, so no
// request sees a mix; the versions it replaces finish their requests and are dropped afterwards.
// Idle isolates are evicted, least recently used first, when the process's isolates together
// exceed a memory budget.
import { Worker } from '../runtime/worker.js';
import { bindingsFromConfig } from '../runtime/bindings.js';
import { configFromUpload } from '../config/load.js';
import { decodeBundle } from './bundle-codec.js';
import { routeEntries } from './router.js';
import { openSecrets } from './secret-box.js';

// How long a replaced version lives on once its last request ended (for its waitUntil() work).
const RETIRE_GRACE_MS = 30_000;

// A deployed worker's Worker, from its normalized config and decoded bundle.
export function deployedWorker(name, config, bundle, { secrets, stateDir, log, services, deniedPorts }) {
  return new Worker({
    name,
    bundle,
    env: { vars: config.vars, secrets, bindings: bindingsFromConfig(config) },
    limits: { cpuMs: config.limits.cpuMs, subrequests: config.limits.subrequests },
    log,
    stateDir,
    compat: config.compatibility,
    services,
    deniedPorts,
  });
}

class VersionHandle {
  constructor(versionId, worker) {
    this.versionId = versionId;
    this.worker = worker;
    this.inflight = 0;
    this.lastUsed = 0;
    this.resident = false; // its isolate is started
    this.retired = false;
    this.disposeTimer = null;
  }

  // Drops the isolate once nothing runs on it any more.
  retire() {
    this.retired = true;
    if (this.inflight === 0) this.#scheduleDispose();
  }

  begin() {
    this.inflight += 1;
    this.lastUsed = performance.now();
  }

  // Idle time counts from the end of the last event, so a copy is not dropped right after a long one.
  end() {
    this.inflight -= 1;
    this.lastUsed = performance.now();
    if (this.retired && this.inflight === 0) this.#scheduleDispose();
  }

  start() {
    this.worker.start();
    this.resident = true;
    this.lastUsed = performance.now();
  }

  // Drops the isolate of a handle that serves nothing now; its next event starts it again.
  evict() {
    this.worker.dispose();
    this.resident = false;
  }

  #scheduleDispose() {
    clearTimeout(this.disposeTimer);
    this.disposeTimer = setTimeout(() => this.worker.dispose(), RETIRE_GRACE_MS);
    this.disposeTimer.unref();
  }
}

export class WorkerPool {
  // store: ControlStore; secretBox: SecretBox; stateDir: the bindings' data; log(worker, level,
  // message); memoryBudgetBytes: evict idle isolates above it; deniedPorts: the server's ports.
  constructor({ store, secretBox, stateDir, log, memoryBudgetBytes = Infinity, deniedPorts = [] }) {
    this.store = store;
    this.secretBox = secretBox;
    this.stateDir = stateDir;
    this.log = log;
    this.memoryBudgetBytes = memoryBudgetBytes;
    this.deniedPorts = deniedPorts;
    this.deployed = new Map(); // name -> { deploymentId, config, handles: [{ handle, percentage }] }
    this.counters = { coldStarts: 0, evictions: 0 };
    this.evictionTimer = Number.isFinite(memoryBudgetBytes) ? setInterval(() => this.evictOverBudget(), 1000).unref() : null;
  }

  // Loads (or reloads) the current deployment of `name`. Its versions' isolates are started before
  // they take traffic when `warm(config)` says this process keeps the worker warm, or when the
  // previous deployment's were. Returns the deployment id now live, or null when the worker has
  // none (it is then unloaded). A version that fails to start leaves the previous deployment
  // serving.
  load(name, { warm }) {
    const deployment = this.store.currentDeployment(name);
    if (!deployment) {
      this.unload(name);
      return null;
    }
    const secrets = openSecrets(this.store, this.secretBox, name);
    const services = (other) => this.pick(other)?.worker ?? null;
    const built = deployment.versions.map(({ id, percentage }) => {
      const version = this.store.version(name, id);
      if (!version) throw new Error(`Version ${id} of ${name} does not exist.`);
      const log = (level, message, invocation) => this.log(name, level, message, invocation);
      const config = configFromUpload(version.config, `${name}@${version.id}`);
      const worker = deployedWorker(name, config, decodeBundle(version.bundle), { secrets, stateDir: this.stateDir, log, services, deniedPorts: this.deniedPorts });
      return { config, handle: new VersionHandle(id, worker), percentage };
    });
    const previous = this.deployed.get(name);
    // The config of the version with the largest share decides routes and triggers.
    const main = built.reduce((a, b) => (b.percentage > a.percentage ? b : a));
    if (this.isResident(name) || warm(main.config)) {
      try {
        for (const { handle } of built) handle.start();
      } catch (err) {
        for (const { handle } of built) handle.worker.dispose();
        throw err;
      }
    }
    this.deployed.set(name, { deploymentId: deployment.id, config: main.config, handles: built.map(({ handle, percentage }) => ({ handle, percentage })) });
    for (const { handle } of previous?.handles ?? []) handle.retire();
    return deployment.id;
  }

  unload(name) {
    const previous = this.deployed.get(name);
    this.deployed.delete(name);
    for (const { handle } of previous?.handles ?? []) handle.retire();
  }

  // Loads every deployed worker without starting any isolate (see warm()).
  loadAll() {
    const failures = [];
    for (const name of this.store.workerNames()) {
      try {
        this.load(name, { warm: () => false });
      } catch (err) {
        failures.push({ name, error: err });
      }
    }
    return failures;
  }

  // The version handle that serves the next event of `name` (by the deployment's percentages),
  // or null. Marks an evicted isolate as coming back (a cold start).
  pick(name) {
    const entry = this.deployed.get(name);
    if (!entry) return null;
    let chosen = entry.handles[0].handle;
    if (entry.handles.length > 1) {
      let roll = Math.random() * 100;
      for (const { handle, percentage } of entry.handles) {
        chosen = handle;
        roll -= percentage;
        if (roll < 0) break;
      }
    }
    if (!chosen.resident) {
      chosen.resident = true;
      this.counters.coldStarts += 1;
    }
    chosen.lastUsed = performance.now();
    return chosen;
  }

  // Starts the isolates of `name` that are not running (throws a WorkerError if one cannot start).
  warm(name) {
    for (const { handle } of this.deployed.get(name)?.handles ?? []) if (!handle.resident) handle.start();
  }

  isResident(name) {
    return this.deployed.get(name)?.handles.some(({ handle }) => handle.resident) ?? false;
  }

  // Drops the isolates that have been idle for `idleMs`, of the workers `keep(name)` does not keep
  // warm. Returns how many were dropped.
  cool(idleMs, keep) {
    const now = performance.now();
    let dropped = 0;
    for (const [name, { handles }] of this.deployed) {
      if (keep(name)) continue;
      for (const { handle } of handles) {
        if (!handle.resident || handle.inflight > 0 || now - handle.lastUsed < idleMs) continue;
        handle.evict();
        dropped += 1;
      }
    }
    return dropped;
  }

  // [{ name, routes, workersDev }] for the router.
  routing() {
    return [...this.deployed].map(([name, { config }]) => ({
      name,
      routes: routeEntries(config.routes),
      // As wrangler: a worker with routes is not on its name's host unless workers_dev says so.
      workersDev: config.workersDev ?? config.routes.length === 0,
    }));
  }

  configOf(name) {
    return this.deployed.get(name)?.config ?? null;
  }

  names() {
    return [...this.deployed.keys()];
  }

  // Resident isolates and their heap, for the metrics.
  residentStats() {
    let isolates = 0;
    let bytes = 0;
    for (const { handles } of this.deployed.values()) {
      for (const { handle } of handles) {
        const stats = handle.resident ? handle.worker.heapStatistics() : null;
        if (!stats) continue;
        isolates += 1;
        bytes += stats.total_heap_size + stats.externally_allocated_size;
      }
    }
    return { isolates, bytes };
  }

  // Evicts idle isolates, least recently used first, until the process is under its budget.
  evictOverBudget() {
    const live = [];
    let total = 0;
    for (const { handles } of this.deployed.values()) {
      for (const { handle } of handles) {
        const stats = handle.resident ? handle.worker.heapStatistics() : null;
        if (!stats) continue;
        const bytes = stats.total_heap_size + stats.externally_allocated_size;
        total += bytes;
        live.push({ handle, bytes });
      }
    }
    if (total <= this.memoryBudgetBytes) return;
    live.sort((a, b) => a.handle.lastUsed - b.handle.lastUsed);
    for (const { handle, bytes } of live) {
      if (total <= this.memoryBudgetBytes) break;
      if (handle.inflight > 0) continue;
      handle.evict();
      this.counters.evictions += 1;
      total -= bytes;
    }
  }

  close() {
    clearInterval(this.evictionTimer);
    for (const name of this.names()) {
      for (const { handle } of this.deployed.get(name).handles) handle.worker.dispose();
    }
    this.deployed.clear();
  }
}
