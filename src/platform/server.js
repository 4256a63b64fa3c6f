// `outpost serve`'s primary process: the control API, and one serving process per core (node's
// cluster shares the ingress port between them). A deployment is live once every serving process
// has switched to it (and started its isolates where it keeps the worker warm); a serving process
// that dies is started again and loads everything from the data directory. The processes learn
// from here which of them are up, to spread the workers' homes over them (placement.js).
import cluster from 'node:cluster';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ControlStore, TOKEN_SCOPES } from './control-store.js';
import { SecretBox, loadSecretKey } from './secret-box.js';
import { createApiHandler } from './api.js';

const ENTRY = fileURLToPath(new URL('./serve-entry.js', import.meta.url));
// How long a serving process may take to load a deployment before the deploy fails.
const LOAD_TIMEOUT_MS = 60_000;
// How long a serving process may take to stop before it is killed.
const SHUTDOWN_TIMEOUT_MS = 5_000;

// A process that forwards more requests per second than this for one worker starts its own copy.
export const DEFAULT_HOT_REQUESTS_PER_SECOND = 20;

// options: { dataDir, port, apiPort, ip, baseDomain, processes, memoryBudgetMb,
// hotRequestsPerSecond, keyFile, cf, log: { info(message), error(message) } }. Resolves once everything listens, with
// { apiUrl, ingressPort, processes, close() }.
export async function startServer(options) {
  const dataDir = path.resolve(options.dataDir);
  const stateDir = path.join(dataDir, 'state');
  const store = new ControlStore(dataDir);
  const { key, source: keySource, created: keyCreated } = loadSecretKey({ keyFile: options.keyFile, dataDir });
  const secretBox = new SecretBox(key);
  const log = options.log;
  if (keyCreated) log.info(`Created a secrets key in ${keySource}; keep it safe: secrets cannot be read without it.`);

  if (process.env.OUTPOST_API_TOKEN) store.adoptToken(process.env.OUTPOST_API_TOKEN, { name: 'OUTPOST_API_TOKEN', scopes: [...TOKEN_SCOPES] });
  else if (store.tokenCount() === 0) {
    // Shown at once: should start-up fail later, the token is not lost.
    const { token } = store.createToken({ name: 'first', scopes: [...TOKEN_SCOPES] });
    log.info(`First API token (shown once): ${token}`);
  }

  const processCount = Math.max(1, options.processes ?? os.availableParallelism());
  const forwardSecret = randomBytes(24).toString('hex');
  const pending = new Map(); // message id -> { resolve, reject, timer }
  const children = new Array(processCount).fill(null);
  const internalPorts = new Array(processCount).fill(null); // of the processes that are up
  let listeningPort = null;
  let closing = false;
  let started = false; // every serving process has been ready once
  let api = null;

  const init = (index) => ({
    type: 'init', index, processCount, peerPorts: internalPorts, dataDir, stateDir, port: options.port, ip: options.ip, baseDomain: options.baseDomain,
    memoryBudgetBytes: options.memoryBudgetMb ? options.memoryBudgetMb * 1024 * 1024 : Infinity,
    hotRequestsPerSecond: options.hotRequestsPerSecond ?? DEFAULT_HOT_REQUESTS_PER_SECOND,
    secretKey: key.toString('hex'), forwardSecret, cf: options.cf ?? {},
  });

  // Asks one process and waits for its answer (a message with the same id).
  const ask = (child, message) => new Promise((resolve, reject) => {
    const id = randomUUID();
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error('A serving process did not answer in time.'));
    }, LOAD_TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer, child });
    child.send({ ...message, id });
  });

  const onMessage = (index, message) => {
    if (message.type === 'tail') {
      api.tailEvent(message.worker, message.event);
      return;
    }
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    waiting.resolve(message);
  };

  // Once all have started, every change in which processes are up is told to all of them.
  const broadcastPeers = () => {
    if (!started) return;
    for (const child of children) if (child?.ready && child.isConnected()) child.send({ type: 'peers', ports: internalPorts });
  };

  const tailing = new Set();
  const fork = (index) => new Promise((resolve, reject) => {
    cluster.setupPrimary({ exec: ENTRY, args: [], silent: false });
    const child = cluster.fork();
    children[index] = child;
    // A message sent as it dies fails with an error event; its exit is handled below.
    child.on('error', () => {});
    child.on('message', (message) => {
      if (message.type === 'failed') {
        failure = message.message;
        return;
      }
      if (message.type === 'booted') {
        child.send(init(index));
        return;
      }
      if (message.type === 'ready') {
        child.ready = true;
        // Deployments made while it started: its own loading may have read them or not.
        for (const name of child.reloads ?? []) child.send({ type: 'load', name, id: null });
        listeningPort = message.port;
        internalPorts[index] = message.internalPort;
        broadcastPeers();
        for (const name of tailing) child.send({ type: 'tail', name, on: true });
        resolve(child);
        return;
      }
      onMessage(index, message);
    });
    let failure = null;
    child.once('exit', (code, signal) => {
      for (const [id, waiting] of pending) {
        if (waiting.child !== child) continue;
        pending.delete(id);
        clearTimeout(waiting.timer);
        waiting.reject(new Error('A serving process exited while loading.'));
      }
      if (closing) return;
      if (children[index] === child) {
        children[index] = null;
        internalPorts[index] = null;
        broadcastPeers();
      }
      // During the server's own start-up a process that cannot start stops it, with the reason.
      if (!started) {
        reject(new Error(failure ?? `Serving process ${index} exited during start-up (${signal ?? `code ${code}`}).`));
        return;
      }
      log.error(`Serving process ${index} exited (${signal ?? `code ${code}`})${failure ? `: ${failure}` : ''}; starting it again.`);
      // A moment's pause, so that a cause that persists does not make a busy loop.
      setTimeout(() => fork(index).catch((err) => log.error(err.message)), child.ready ? 0 : 1000).unref();
    });
  });

  const stopChildren = () => {
    closing = true;
    for (const child of children) child?.process.kill();
  };
  // The anchor first: the others know its port from the start.
  try {
    await fork(0);
    await Promise.all(children.slice(1).map((_, i) => fork(i + 1)));
  } catch (err) {
    stopChildren();
    throw err;
  }
  started = true;
  broadcastPeers();

  const server = {
    store,
    secretBox,
    stateDir,
    // Every process loads the worker's current deployment (or drops it); resolves when all that
    // serve have. A process still starting loads it once ready.
    async deploy(name) {
      for (const child of children) if (child && !child.ready) (child.reloads ??= new Set()).add(name);
      const answers = await Promise.all(children.filter((child) => child?.ready).map((child) => ask(child, { type: 'load', name })));
      const failed = answers.find((answer) => answer.error);
      if (failed) throw new Error(`A serving process could not load "${name}": ${failed.error}`);
    },
    tail(name, on) {
      if (on) tailing.add(name);
      else tailing.delete(name);
      for (const child of children) if (child?.ready && child.isConnected()) child.send({ type: 'tail', name, on });
    },
    async metrics() {
      const answers = await Promise.all(children.filter((child) => child?.ready).map((child) => ask(child, { type: 'metrics' })));
      return answers.map((answer) => answer.snapshot);
    },
    logError: (err) => log.error(String(err?.stack ?? err)),
  };
  api = createApiHandler(server);
  const apiServer = http.createServer((req, res) => api.handle(req, res));
  apiServer.on('upgrade', (req, socket, head) => api.upgrade(req, socket, head));
  apiServer.listen(options.apiPort, options.ip);
  try {
    await once(apiServer, 'listening');
  } catch (err) {
    stopChildren();
    throw new Error(`Cannot listen on ${options.ip}:${options.apiPort} for the API: ${err.code ?? err.message}`);
  }

  const address = apiServer.address();
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    apiUrl: `http://${host}:${address.port}`,
    ingressPort: listeningPort,
    processes: processCount,
    async close() {
      closing = true;
      apiServer.close();
      apiServer.closeAllConnections();
      await Promise.all(children.filter(Boolean).map((child) => {
        const exited = once(child, 'exit');
        // One still starting has no listener for the message yet.
        if (child.ready && child.isConnected()) child.send({ type: 'shutdown' });
        else child.process.kill();
        // One that does not finish in time is killed.
        const timer = setTimeout(() => child.process.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
        return exited.finally(() => clearTimeout(timer));
      }));
    },
  };
}
