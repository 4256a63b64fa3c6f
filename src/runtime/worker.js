// The runtime's public face: one Worker, backed by an isolate that is replaced transparently when
// a limit kills it. Knows nothing of HTTP servers or config files.
import path from 'node:path';
import { IsolateHost, DEFAULT_COMPAT } from './isolate-host.js';
import { WorkerError } from './errors.js';
import { lowerAsyncForContext } from './async-lowering.js';

export { WorkerError, DEFAULT_COMPAT };

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
  // lives; without one the cache stores nothing and storage bindings cannot be given. compat:
  // { nodejsCompat, nodejsAls, populateProcessEnv, globalMessageChannel, globalPerformanceClasses
  // (these two: today's when left out) }
  // from its compatibility date and flags.
  // services(workerName): the Worker of that name its service bindings reach, or null.
  // deniedPorts: ports of this machine that sockets may not connect to (the server's own; the
  // array may be filled in later, once the server listens).
  constructor({ name, bundle, env = {}, limits = {}, log = () => {}, stateDir = null, compat = DEFAULT_COMPAT, services = () => null, deniedPorts = [] }) {
    this.name = name;
    const bindings = env.bindings ?? {};
    if (Object.values(bindings).some((binding) => !['service', 'durable-object'].includes(binding.type)) && stateDir === null) {
      throw new WorkerError('startup', 'Storage bindings need a state directory to keep their data in.');
    }
    this.spec = {
      name,
      bundle: lowerAsyncForContext(bundle, compat, (message) => log('warn', message)),
      env: { vars: env.vars ?? {}, secrets: env.secrets ?? {}, bindings },
      compat: {
        nodejsCompat: compat.nodejsCompat, nodejsAls: compat.nodejsAls, populateProcessEnv: compat.populateProcessEnv,
        globalMessageChannel: compat.globalMessageChannel ?? DEFAULT_COMPAT.globalMessageChannel,
        globalPerformanceClasses: compat.globalPerformanceClasses ?? DEFAULT_COMPAT.globalPerformanceClasses,
      },
      limits: { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v != null)) },
      stateDir: stateDir === null ? null : path.resolve(stateDir),
      deniedPorts,
    };
    this.log = log;
    this.services = services;
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
      service: (workerName) => this.services(workerName),
      worker: () => this,
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

  // An RPC call from a service binding (see IsolateHost).
  rpc(entrypoint, path, receive) {
    return this.#run((host) => host.rpc(entrypoint, path, receive));
  }

  // Events for the Durable Object `id` of class `className` this worker exports (see IsolateHost).
  objectFetch(className, id, name, request) {
    return this.#run((host) => host.objectFetch(className, id, name, request));
  }

  objectRpc(className, id, name, path, receive) {
    return this.#run((host) => host.objectRpc(className, id, name, path, receive));
  }

  objectAlarm(className, id, retryCount) {
    return this.#run((host) => host.objectAlarm(className, id, retryCount));
  }

  // Evicts this worker's Durable Objects that have had no event for `idleMs` (the runtime does so
  // after 30 s on its own); returns how many were evicted.
  evictObjects(idleMs) {
    return this.#host && !this.#host.dead ? this.#host.evictObjects(idleMs) : 0;
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
