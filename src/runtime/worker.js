// The runtime's public face: one Worker, backed by an isolate that is replaced transparently when
// a limit kills it. Knows nothing of HTTP servers or config files.
import path from 'node:path';
import { IsolateHost } from './isolate-host.js';
import { WorkerError } from './errors.js';

export { WorkerError };

export const DEFAULT_LIMITS = Object.freeze({
  cpuMs: 30_000, // [limits] cpu_ms
  memoryMb: 128,
  subrequests: 1000, // [limits] subrequests
  startupMs: 1000, // CPU for the global scope
});

export class Worker {
  #host = null;

  // bundle: the bundler's output; env: { vars, secrets, bindings (see bindings.js) }; limits:
  // overrides of DEFAULT_LIMITS; log(level, message): console output and errors of this worker;
  // stateDir: where its persistent state (the Cache API's entries, the storage bindings' data)
  // lives; without one the cache stores nothing and storage bindings cannot be given.
  constructor({ name, bundle, env = {}, limits = {}, log = () => {}, stateDir = null }) {
    this.name = name;
    const bindings = env.bindings ?? {};
    if (Object.keys(bindings).length > 0 && stateDir === null) {
      throw new WorkerError('startup', 'Storage bindings need a state directory to keep their data in.');
    }
    this.spec = {
      name,
      bundle,
      env: { vars: env.vars ?? {}, secrets: env.secrets ?? {}, bindings },
      limits: { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v != null)) },
      stateDir: stateDir === null ? null : path.resolve(stateDir),
    };
    this.log = log;
    this.restarts = 0;
  }

  // Starts the isolate now so that startup errors surface here. Throws a WorkerError.
  start() {
    this.#live();
    return this;
  }

  #live() {
    if (this.#host && !this.#host.dead) return this.#host;
    if (this.#host) this.restarts += 1;
    const host = new IsolateHost(this.spec, {
      log: this.log,
      error: (error) => this.log('error', formatError(error)),
    });
    host.start();
    this.#host = host;
    return host;
  }

  // request: { method, url (a serialized absolute URL), headers (flat [name, value, ...]),
  // cf (object or JSON text), body (Readable | null) }.
  // Resolves with { status, statusText, headers, body (null | string | Buffer | Readable), invocation }.
  fetch(request) {
    return this.#run((host) => host.fetch(request));
  }

  // A cron trigger: resolves with { outcome: [succeeded, noRetry], invocation } (see IsolateHost).
  scheduled(cron, scheduledTime) {
    return this.#run((host) => host.scheduled(cron, scheduledTime));
  }

  // A batch of queue messages: resolves with { outcome, invocation } (see IsolateHost).
  queue(queueName, messages) {
    return this.#run((host) => host.queue(queueName, messages));
  }

  #run(deliver) {
    let host;
    try {
      host = this.#live();
    } catch (err) {
      return Promise.reject(err);
    }
    return deliver(host);
  }

  // Resident heap of the isolate, for memory accounting.
  heapStatistics() {
    return this.#host && !this.#host.dead ? this.#host.isolate.getHeapStatisticsSync() : null;
  }

  dispose() {
    this.#host?.dispose();
    this.#host = null;
  }
}

// One log entry for a failed event: the source-mapped stack of an uncaught error, or the limit hit.
export function formatError(error) {
  if (!(error instanceof WorkerError)) return String(error?.stack ?? error);
  return error.workerStack ? `Uncaught ${error.workerStack}` : error.message;
}
