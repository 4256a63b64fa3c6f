// One serving process of `outpost serve` (a cluster worker): the HTTP ingress on the shared port,
// the deployed workers' isolates, and what the primary asks for over IPC (load a deployment,
// tail a worker, report metrics). Each worker is kept warm in its home process (placement.js);
// the others forward its requests there over 127.0.0.1, or start a copy of their own while it is
// hot. Process 0 is the anchor: it also runs every worker's cron triggers, queue consumers and
// alarms, and is the home of the workers that use Durable Objects, so each object has one
// instance on the server.
import { once } from 'node:events';
import { ControlStore } from './control-store.js';
import { SecretBox } from './secret-box.js';
import { WorkerPool } from './worker-pool.js';
import { Router } from './router.js';
import { RequestMetrics } from './metrics.js';
import { Placement, Heat, ANCHOR_INDEX, COOL_MS } from './placement.js';
import { forwarder, acceptForwarded } from './forward.js';
import { createHttpServer } from '../server/http.js';
import { startBackground } from '../scheduler/background.js';
import { WorkerError } from '../runtime/worker.js';
import { logWorker, logScheduledRun, logQueueBatch, logAlarmRun } from '../cli/log.js';

// As Cloudflare's default plans: larger request bodies are refused.
const MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;
// How many isolates a process starts in one go when workers move to it, between requests.
const WARM_BATCH = 16;

// Whether a worker with this config must run in the anchor, given the workers that already do:
// one that exports or binds Durable Objects, or reaches an anchored worker through a service
// binding (its calls would otherwise meet another copy).
function needsAnchor(config, anchored) {
  return config.durableObjects.length > 0 || config.migrations.length > 0 || config.services.some((service) => anchored.has(service.service));
}

// The workers that must run in the anchor.
export function anchoredWorkers(pool) {
  const anchored = new Set();
  for (const name of pool.names()) {
    const config = pool.configOf(name);
    if (needsAnchor(config, anchored)) anchored.add(name);
    for (const binding of config.durableObjects) if (binding.script_name) anchored.add(binding.script_name);
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const name of pool.names()) {
      if (anchored.has(name) || !needsAnchor(pool.configOf(name), anchored)) continue;
      anchored.add(name);
      grew = true;
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
  const { index, processCount, dataDir, stateDir, port, ip, baseDomain, memoryBudgetBytes, hotRequestsPerSecond, peerPorts, secretKey, forwardSecret, cf } = init;
  const isAnchor = index === ANCHOR_INDEX;
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
  const placement = new Placement(index, processCount);
  const heat = new Heat(hotRequestsPerSecond);
  let anchored = new Set();
  let callers = new Map(); // worker -> the workers that reach it through service bindings
  let peers = []; // index -> the forwarder to that process, or null while it is down
  let forwarded = 0; // requests handed to their worker's home
  const background = new Map(); // worker -> its background work (anchor only)

  // Routing and anchoring follow the set of deployed workers; recomputed once per change.
  const reroute = () => {
    router.update(pool.routing());
    anchored = anchoredWorkers(pool);
    callers = new Map();
    for (const name of pool.names()) for (const { service } of pool.configOf(name).services) callers.set(service, [...(callers.get(service) ?? []), name]);
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
    // Each run is in flight on its isolate, which is then not dropped under it (a worker at home
    // elsewhere runs here only for its runs).
    const worker = () => {
      const handle = pool.pick(name);
      if (!handle) return null;
      const run = (event) => (...args) => {
        handle.begin();
        return handle.worker[event](...args).finally(() => handle.end());
      };
      return { scheduled: run('scheduled'), queue: run('queue'), objectAlarm: run('objectAlarm') };
    };
    background.set(name, startBackground({ config: { ...config, name }, stateDir, worker, log: backgroundLog }));
  };
  // A service binding runs its worker in the caller's process: there, it is kept while a caller
  // is (a call may still be open, a stream or a WebSocket).
  const calledHere = (name) => callers.get(name)?.some((caller) => pool.isResident(caller)) ?? false;
  const keptWarm = (name) => placement.isHome(name, anchored.has(name)) || heat.isHot(name) || calledHere(name);
  const keptNow = () => new Set(pool.names().filter(keptWarm));
  // Starts the isolates of the workers kept warm here now but not `before` (those the memory budget
  // evicted stay so), a few at a time between requests, after those still waiting.
  let rehoming = null;
  const waiting = [];
  const rehome = (before) => {
    waiting.push(...pool.names().filter((name) => !before.has(name) && keptWarm(name) && !pool.isResident(name)));
    const next = () => {
      for (const name of waiting.splice(0, WARM_BATCH)) if (keptWarm(name)) warm(name);
      rehoming = waiting.length > 0 ? setImmediate(next) : null;
    };
    if (!rehoming) next();
  };
  const warm = (name) => {
    try {
      pool.warm(name);
    } catch (err) {
      logWorker('error', `[${name}] could not start: ${err.message}`);
      return;
    }
    // The workers its service bindings reach run here too: they start with it.
    for (const { service } of pool.configOf(name)?.services ?? []) if (!pool.isResident(service)) warm(service);
  };
  // Hot copies are started outside the request that found the worker hot.
  const warming = new Set();
  const warmSoon = (name) => {
    if (warming.has(name)) return;
    warming.add(name);
    setImmediate(() => {
      warming.delete(name);
      warm(name);
    });
  };
  const coolTimer = setInterval(() => {
    heat.sweep();
    pool.cool(COOL_MS, keptWarm);
  }, COOL_MS / 6).unref();

  // At start-up, with every process assumed up: the workers at home here are warm before the
  // port takes traffic.
  for (const { name, error } of pool.loadAll()) logWorker('error', `[${name}] not loaded: ${error.message}`);
  for (const name of pool.names()) restartBackground(name);
  reroute();
  for (const name of pool.names()) if (placement.isHome(name, anchored.has(name))) warm(name);

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
  const unavailable = {
    request: (req, res) => res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('The server process hosting this worker is restarting.\n'),
    upgrade: (req, socket) => socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'),
  };
  // This process's own port for requests other processes forward: always served here.
  const internal = createHttpServer(options);
  internal.prependListener('request', (req) => acceptForwarded(req, forwardSecret));
  internal.prependListener('upgrade', (req) => acceptForwarded(req, forwardSecret));
  // Exclusive: not a handle shared through the cluster's primary, which a port 0 would be.
  internal.listen({ port: 0, host: '127.0.0.1', exclusive: true });
  await once(internal, 'listening');
  deniedPorts.push(internal.address().port);
  // When a process cannot be reached, a request without a body is served here after all (but
  // never one for Durable Objects, which must not get a second instance here).
  const serveHere = (req, res) => {
    if (anchored.has(routed.get(req))) return unavailable.request(req, res);
    req.servedHere = true;
    server.emit('request', req, res);
  };
  // The internal ports of the other processes (null for one that is down): where to forward.
  const connectPeers = (ports) => {
    peers = ports.map((peerPort, i) => {
      if (peerPort === null || i === index) return null;
      if (!deniedPorts.includes(peerPort)) deniedPorts.push(peerPort);
      return peers[i]?.port === peerPort ? peers[i] : forwarder({ port: peerPort, secret: forwardSecret, fallback: serveHere });
    });
  };
  // Those known now; the primary tells of changes once every process has started.
  connectPeers(peerPorts);

  const server = createHttpServer({
    ...options,
    // A request for a worker at home elsewhere goes there, unless it is hot and has a copy here.
    divert(req) {
      if (req.servedHere) return null;
      const name = resolve(req);
      if (name === null) return null;
      const isAnchored = anchored.has(name);
      const home = placement.home(name, isAnchored);
      if (home === index) return null;
      if (!isAnchored && heat.note(name)) {
        if (pool.isResident(name)) return null;
        warmSoon(name);
      }
      const peer = peers[home];
      if (peer) {
        forwarded += 1;
        return peer;
      }
      // Objects must not get a second instance here while the anchor restarts.
      return isAnchored ? unavailable : null;
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

  onMessage = (message) => {
    switch (message.type) {
      // The processes that are up changed: the workers' homes are spread over them.
      case 'peers': {
        connectPeers(message.ports);
        const before = keptNow();
        placement.setLive(message.ports.flatMap((peerPort, i) => (peerPort !== null || i === index ? [i] : [])));
        rehome(before);
        break;
      }
      case 'load': {
        let reply;
        try {
          const before = keptNow();
          const deploymentId = pool.load(message.name, { warm: (config) => placement.isHome(message.name, anchored.has(message.name) || needsAnchor(config, anchored)) || calledHere(message.name) });
          reroute();
          restartBackground(message.name);
          // Workers whose home moved to the anchor with this deployment, or that it now calls.
          rehome(before);
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
        send({ type: 'metrics', id: message.id, snapshot: { requests: metrics.snapshot(), isolates, heapBytes: bytes, forwarded, ...pool.counters } });
        break;
      }
      case 'shutdown':
        for (const work of background.values()) work.close();
        clearInterval(coolTimer);
        clearImmediate(rehoming);
        server.close();
        server.closeAllConnections();
        internal.close();
        internal.closeAllConnections();
        pool.close();
        setTimeout(() => process.exit(0), 300);
        break;
    }
  };
  for (const message of early) onMessage(message);
  send({ type: 'ready', index, port: server.address().port, internalPort: internal.address().port });
}
