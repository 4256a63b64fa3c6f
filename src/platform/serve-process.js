// One serving process of `outpost serve` (a cluster worker): the HTTP ingress on the shared port,
// the deployed workers' isolates, and what the primary asks for over IPC (load a deployment,
// tail a worker, report metrics). Process 0 is the anchor: it also runs every worker's cron
// triggers, queue consumers and alarms, and hosts the workers that use Durable Objects (the
// others forward their requests to it), so each object has one instance on the server.
import { once } from 'node:events';
import { ControlStore } from './control-store.js';
import { SecretBox } from './secret-box.js';
import { WorkerPool } from './worker-pool.js';
import { Router } from './router.js';
import { RequestMetrics } from './metrics.js';
import { forwarder, acceptForwarded } from './forward.js';
import { createHttpServer } from '../server/http.js';
import { startBackground } from '../scheduler/background.js';
import { WorkerError } from '../runtime/worker.js';
import { logWorker, logScheduledRun, logQueueBatch, logAlarmRun } from '../cli/log.js';

// As Cloudflare's default plans: larger request bodies are refused.
const MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;

// Workers that must run in the anchor: those that export or bind Durable Objects, and those that
// reach such a worker through a service binding (their calls would otherwise meet another copy).
export function anchoredWorkers(pool) {
  const anchored = new Set();
  for (const name of pool.names()) {
    const config = pool.configOf(name);
    if (config.durableObjects.length > 0 || config.migrations.length > 0) anchored.add(name);
    for (const binding of config.durableObjects) if (binding.script_name) anchored.add(binding.script_name);
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const name of pool.names()) {
      if (anchored.has(name)) continue;
      if (pool.configOf(name).services.some((service) => anchored.has(service.service))) {
        anchored.add(name);
        grew = true;
      }
    }
  }
  return anchored;
}

function outcomeOf({ error, aborted }) {
  if (error instanceof WorkerError) return { cpu: 'exceededCpu', memory: 'exceededMemory' }[error.kind] ?? 'exception';
  if (error) return 'exception';
  return aborted ? 'canceled' : 'ok';
}

// One event of a tail, in the shape of Cloudflare's: the logs the invocation collected while it
// was tailed, and its exception.
function tailEvent(name, { outcome, event, invocation, error, wallMs, cpuMs }) {
  return {
    scriptName: name,
    outcome,
    eventTimestamp: Date.now() - Math.round(wallMs),
    event,
    logs: invocation?.tailLogs ?? [],
    exceptions: error ? [{ name: error.name === 'WorkerError' ? 'Error' : error.name, message: error.message, timestamp: Date.now() }] : [],
    wallTime: Math.round(wallMs),
    cpuTime: Math.round(cpuMs),
  };
}

export async function runServeProcess() {
  // Messages are queued from the start (one that arrives with no listener is lost) and handled
  // once this process is ready; the first one holds the settings, sent once asked for.
  const early = [];
  let arrived = null;
  let onMessage = (message) => {
    early.push(message);
    arrived?.();
  };
  process.on('message', (message) => onMessage(message));
  // Without its primary, a serving process has nobody to answer to.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'booted' });
  await new Promise((resolve) => {
    arrived = resolve;
    if (early.length > 0) resolve();
  });
  const init = early.shift();
  const { index, dataDir, stateDir, port, ip, baseDomain, memoryBudgetBytes, secretKey, forwardSecret, cf } = init;
  const isAnchor = index === 0;
  const send = (message) => process.connected && process.send(message);

  const store = new ControlStore(dataDir);
  const tailed = new Set();
  const deniedPorts = [];
  const log = (worker, level, message, invocation) => {
    logWorker(level, `[${worker}] ${message}`);
    if (!tailed.has(worker)) return;
    const line = { level, message: [message], timestamp: Date.now() };
    // A line logged during a request goes out with it; later ones (waitUntil) on their own.
    if (invocation && !invocation.tailSent) (invocation.tailLogs ??= []).push(line);
    else send({ type: 'tail', worker, event: { scriptName: worker, outcome: 'ok', eventTimestamp: line.timestamp, event: null, logs: [line], exceptions: [] } });
  };
  const pool = new WorkerPool({ store, secretBox: new SecretBox(Buffer.from(secretKey, 'hex')), stateDir, log, memoryBudgetBytes, deniedPorts });
  const router = new Router(baseDomain);
  const metrics = new RequestMetrics();
  let anchored = new Set();
  let toAnchor = null; // the forwarder to process 0, in the other processes
  const background = new Map(); // worker -> its background work (anchor only)

  // Routing and anchoring follow the set of deployed workers; recomputed once per change.
  const reroute = () => {
    router.update(pool.routing());
    anchored = anchoredWorkers(pool);
  };
  // The anchor's background work for `name`, started again for its current deployment.
  const restartBackground = (name) => {
    if (!isAnchor) return;
    background.get(name)?.close();
    background.delete(name);
    const config = pool.configOf(name);
    if (!config) return;
    // Each run is logged, and tailed like a request: its event, outcome, logs and exception.
    const tailRun = (run, event) => {
      if (!tailed.has(name)) return;
      if (run.invocation) run.invocation.tailSent = true;
      const outcome = run.ok ? 'ok' : run.error ? outcomeOf({ error: run.error }) : 'exception';
      const { invocation, error } = run;
      send({ type: 'tail', worker: name, event: tailEvent(name, { outcome, event, invocation, error, wallMs: run.wallMs ?? 0, cpuMs: invocation?.cpuMs ?? 0 }) });
    };
    const backgroundLog = {
      worker: (level, message) => log(name, level, message),
      scheduled: (run) => {
        logScheduledRun(run);
        tailRun(run, { cron: run.cron, scheduledTime: run.scheduledTime });
      },
      queue: (batch) => {
        logQueueBatch(batch);
        tailRun({ ...batch, ok: batch.error === null }, { queue: batch.queue, batchSize: batch.size });
      },
      alarm: (run) => {
        logAlarmRun(run);
        tailRun(run, { scheduledTime: Date.now() });
      },
    };
    background.set(name, startBackground({ config: { ...config, name }, stateDir, worker: () => pool.pick(name)?.worker ?? null, log: backgroundLog }));
  };
  for (const { name, error } of pool.loadAll()) logWorker('error', `[${name}] not loaded: ${error.message}`);
  for (const name of pool.names()) restartBackground(name);
  reroute();

  const routed = new WeakMap(); // request -> worker name
  const resolve = (req) => {
    const name = router.resolve(req.headers.host, req.url, req.socket.encrypted ? 'https' : 'http');
    if (name !== null) routed.set(req, name);
    return name;
  };
  const options = {
    cf,
    maxBodyBytes: MAX_REQUEST_BODY_BYTES,
    worker(req, res) {
      const name = routed.get(req) ?? resolve(req);
      const handle = name === null ? null : pool.pick(name);
      if (!handle) return null;
      handle.begin();
      res.on('close', () => handle.end());
      return handle.worker;
    },
    onRequest(entry, req) {
      const name = routed.get(req);
      if (name === undefined) return;
      metrics.record(name, entry);
      if (!tailed.has(name)) return;
      const invocation = entry.invocation;
      if (invocation) invocation.tailSent = true;
      send({
        type: 'tail',
        worker: name,
        event: tailEvent(name, {
          outcome: outcomeOf(entry),
          event: { request: { url: entry.url, method: entry.method }, response: { status: entry.status } },
          invocation,
          error: entry.error,
          wallMs: entry.wallMs,
          cpuMs: entry.cpuMs,
        }),
      });
    },
  };
  const server = createHttpServer({
    ...options,
    divert(req) {
      if (toAnchor === null) return null;
      const name = resolve(req);
      return name !== null && anchored.has(name) ? toAnchor : null;
    },
  });
  server.listen(port, ip);
  try {
    await once(server, 'listening');
  } catch (err) {
    // The port is taken, or the address cannot be had: the primary reports it and stops.
    send({ type: 'failed', message: `Cannot listen on ${ip}:${port}: ${err.code ?? err.message}` });
    process.exit(1);
  }
  deniedPorts.push(server.address().port);

  // The anchor's own port for forwarded requests.
  let internal = null;
  if (isAnchor) {
    internal = createHttpServer(options);
    internal.prependListener('request', (req) => acceptForwarded(req, forwardSecret));
    internal.prependListener('upgrade', (req) => acceptForwarded(req, forwardSecret));
    // Exclusive: not a handle shared through the cluster's primary, which a port 0 would be.
    internal.listen({ port: 0, host: '127.0.0.1', exclusive: true });
    await once(internal, 'listening');
    deniedPorts.push(internal.address().port);
  }

  onMessage = (message) => {
    switch (message.type) {
      case 'anchor':
        toAnchor = forwarder({ port: message.port, secret: forwardSecret });
        deniedPorts.push(message.port);
        break;
      case 'load': {
        let reply;
        try {
          const deploymentId = pool.load(message.name);
          reroute();
          restartBackground(message.name);
          reply = { deploymentId };
        } catch (err) {
          reply = { error: err.message };
        }
        send({ type: 'loaded', id: message.id, ...reply });
        break;
      }
      case 'tail':
        if (message.on) tailed.add(message.name);
        else tailed.delete(message.name);
        break;
      case 'metrics': {
        const { isolates, bytes } = pool.residentStats();
        send({ type: 'metrics', id: message.id, snapshot: { requests: metrics.snapshot(), isolates, heapBytes: bytes, ...pool.counters } });
        break;
      }
      case 'shutdown':
        for (const work of background.values()) work.close();
        server.close();
        server.closeAllConnections();
        internal?.close();
        internal?.closeAllConnections();
        pool.close();
        setTimeout(() => process.exit(0), 300);
        break;
    }
  };
  for (const message of early) onMessage(message);
  send({ type: 'ready', index, port: server.address().port, anchorPort: internal?.address().port ?? null });
}
