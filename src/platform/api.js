// The control API of `outpost serve`: JSON over HTTP, every call authorised by a bearer token.
// A token has scopes (read, deploy, secrets, admin) and may be limited to some workers; a call it
// may not make gets 401 (no or unknown token) or 403 (not allowed), with nothing said about what
// exists.
import { WebSocketServer } from 'ws';
import { hashToken, TOKEN_SCOPES } from './control-store.js';
import { configFromUpload } from '../config/load.js';
import { decodeBundle } from './bundle-codec.js';
import { parseRoutePattern, parseCustomDomain, routeEntries, RouteError } from './router.js';
import { ensureResources } from './resources.js';
import { deployedWorker } from './worker-pool.js';
import { openSecrets } from './secret-box.js';
import { checkBundleSize } from '../bundle/bundle.js';
import { parseCron, CronError } from '../scheduler/cron.js';
import { applyMigrations, MigrationError } from '../storage/durable-object-migrations.js';
import { openQueueStore } from '../storage/queue-store.js';
import { renderPrometheus } from './metrics.js';
import { TailSession } from './tail.js';
import { storageCommand, runStorageCommand, StorageRequestError } from './storage.js';

export const WORKER_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
const MAX_SECRET_BYTES = 5 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const forbidden = () => new ApiError(403, 'This token may not do that.');

async function readJson(req, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new ApiError(413, `The request body is larger than ${limit} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new ApiError(400, 'The request body is not valid JSON.');
  }
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

// server: { store, secretBox, stateDir, deploy(name) -> Promise (live on every process),
//           unload(name), tail(name, on), metrics() -> Promise<[snapshot]> }
export function createApiHandler(server) {
  const { store } = server;
  const tails = new WebSocketServer({ noServer: true, clientTracking: false });
  const sessions = new Map(); // worker -> Set<TailSession>

  const authenticate = (req) => {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const token = match ? store.tokenByHash(hashToken(match[1])) : null;
    if (!token) throw new ApiError(401, 'A valid API token is required (Authorization: Bearer <token>).');
    return token;
  };
  const allow = (token, scope, worker = null) => {
    const scoped = token.scopes.includes('admin') || token.scopes.includes(scope) || (scope === 'read' && token.scopes.length > 0);
    if (!scoped) throw forbidden();
    if (worker !== null && token.workers && !token.workers.includes(worker)) throw forbidden();
  };
  const existing = (name) => {
    if (!store.hasWorker(name)) throw new ApiError(404, `No worker named "${name}".`);
    return name;
  };

  // Checks an upload, starts it once to prove it loads, stores it: { version, created, warnings }.
  const upload = (name, body) => {
    let config;
    let bundle;
    try {
      config = configFromUpload({ ...body.config, name }, `${name}: config`);
      bundle = decodeBundle(body.bundle);
      // The limit `outpost deploy` checks, checked again: the upload may come from anywhere.
      checkBundleSize(bundle.modules);
      config.triggers.crons.forEach(parseCron);
      for (const route of routeEntries(config.routes)) {
        if (route.customDomain) parseCustomDomain(route.pattern);
        else parseRoutePattern(route.pattern);
      }
    } catch (err) {
      if (err instanceof CronError) throw new ApiError(400, `[triggers] crons: ${err.message}`);
      if (['ConfigError', 'BundleError', 'RouteError'].includes(err.name)) throw new ApiError(400, err.message);
      throw err;
    }
    checkRouteConflicts(name, config);
    const trial = deployedWorker(name, config, bundle, { secrets: openSecrets(store, server.secretBox, name), stateDir: server.stateDir, log: () => {}, services: () => null, deniedPorts: [] });
    try {
      trial.start();
    } catch (err) {
      throw new ApiError(400, `The worker failed to start: ${err.message}`);
    } finally {
      trial.dispose();
    }
    let created;
    try {
      created = ensureResources(server.stateDir, name, config);
      applyMigrations(server.stateDir, name, config.migrations);
    } catch (err) {
      if (err instanceof MigrationError) throw new ApiError(400, err.message);
      throw err;
    }
    const stored = store.addVersion(name, { config: { ...body.config, name }, bundle: body.bundle, message: typeof body.message === 'string' ? body.message.slice(0, 1000) : null });
    return { version: stored, created, warnings: config.warnings };
  };

  // A route another worker already serves is refused, as Cloudflare does.
  const checkRouteConflicts = (name, config) => {
    const mine = new Set(routeEntries(config.routes).map((route) => route.pattern.toLowerCase()));
    for (const other of store.workerNames()) {
      if (other === name) continue;
      const deployment = store.currentDeployment(other);
      if (!deployment) continue;
      for (const { id } of deployment.versions) {
        const config = store.versionConfig(other, id);
        const routes = config.routes ?? (config.route !== undefined ? [config.route] : []);
        for (const route of routeEntries(routes)) {
          if (mine.has(route.pattern.toLowerCase())) throw new ApiError(409, `The route "${route.pattern}" is already served by another worker.`);
        }
      }
    }
  };

  const deploy = async (name, versions, message) => {
    if (!Array.isArray(versions) || versions.length === 0 || versions.length > 2) throw new ApiError(400, 'A deployment names one or two versions.');
    let total = 0;
    for (const entry of versions) {
      if (!entry || typeof entry.id !== 'string' || !store.versionConfig(name, entry.id)) throw new ApiError(400, `No version ${JSON.stringify(entry?.id)} of "${name}".`);
      if (typeof entry.percentage !== 'number' || !(entry.percentage > 0) || entry.percentage > 100) throw new ApiError(400, 'Each version needs a percentage above 0 and at most 100.');
      total += entry.percentage;
    }
    if (Math.abs(total - 100) > 1e-9) throw new ApiError(400, `The percentages add up to ${total}, not 100.`);
    if (new Set(versions.map((entry) => entry.id)).size !== versions.length) throw new ApiError(400, 'A version is named twice.');
    const deployment = store.addDeployment(name, versions.map(({ id, percentage }) => ({ id, percentage })), typeof message === 'string' ? message.slice(0, 1000) : null);
    try {
      await server.deploy(name);
    } catch (err) {
      // Not live everywhere: the previous deployment goes back to every process.
      store.deleteDeployment(deployment.id);
      await server.deploy(name).catch(() => {});
      throw new ApiError(500, `The deployment did not go live, and was undone: ${err.message}`);
    }
    return deployment;
  };

  const routes = [
    ['GET', /^\/api\/workers$/, async (token) => {
      allow(token, 'read');
      const names = store.workerNames().filter((name) => !token.workers || token.workers.includes(name));
      return names.map((name) => ({ name, deployment: store.currentDeployment(name) }));
    }],
    ['GET', /^\/api\/workers\/([^/]+)$/, async (token, [name]) => {
      allow(token, 'read', name);
      existing(name);
      return { name, deployment: store.currentDeployment(name), versions: store.versions(name).length, secrets: store.secretNames(name) };
    }],
    ['DELETE', /^\/api\/workers\/([^/]+)$/, async (token, [name]) => {
      allow(token, 'deploy', name);
      existing(name);
      store.deleteWorker(name);
      await server.deploy(name);
      return { deleted: name };
    }],
    ['POST', /^\/api\/workers\/([^/]+)\/versions$/, async (token, [name], req) => {
      allow(token, 'deploy', name);
      if (!WORKER_NAME.test(name)) throw new ApiError(400, `Invalid worker name "${name}": use 1 to 63 lowercase letters, digits, "-" and "_", starting and ending with a letter or digit.`);
      const body = await readJson(req, MAX_UPLOAD_BYTES);
      const result = upload(name, body);
      if (body.deploy) result.deployment = await deploy(name, [{ id: result.version.id, percentage: 100 }], body.message);
      return result;
    }],
    ['GET', /^\/api\/workers\/([^/]+)\/versions$/, async (token, [name]) => {
      allow(token, 'read', name);
      return store.versions(existing(name));
    }],
    ['GET', /^\/api\/workers\/([^/]+)\/versions\/([^/]+)$/, async (token, [name, id]) => {
      allow(token, 'read', name);
      const version = store.version(existing(name), id);
      if (!version) throw new ApiError(404, `No version ${id} of "${name}".`);
      const { bundle, ...rest } = version;
      return { ...rest, modules: bundle.modules.map((module) => ({ name: module.name, type: module.type })) };
    }],
    ['POST', /^\/api\/workers\/([^/]+)\/deployments$/, async (token, [name], req) => {
      allow(token, 'deploy', name);
      existing(name);
      const body = await readJson(req, MAX_BODY_BYTES);
      return deploy(name, body.versions, body.message);
    }],
    ['GET', /^\/api\/workers\/([^/]+)\/deployments$/, async (token, [name]) => {
      allow(token, 'read', name);
      return store.deployments(existing(name));
    }],
    ['POST', /^\/api\/workers\/([^/]+)\/rollback$/, async (token, [name], req) => {
      allow(token, 'deploy', name);
      existing(name);
      const body = await readJson(req, MAX_BODY_BYTES);
      let target = body.version;
      if (target === undefined || target === null) {
        // The version the deployment before the current one served most.
        const [, previous] = store.deployments(name);
        if (!previous) throw new ApiError(400, `"${name}" has no earlier deployment to roll back to.`);
        target = previous.versions.reduce((a, b) => (b.percentage > a.percentage ? b : a)).id;
      }
      return deploy(name, [{ id: target, percentage: 100 }], body.message ?? `Rollback to ${target}`);
    }],
    ['GET', /^\/api\/workers\/([^/]+)\/secrets$/, async (token, [name]) => {
      allow(token, 'read', name);
      return store.secretNames(name).map((secret) => ({ name: secret, type: 'secret_text' }));
    }],
    ['PUT', /^\/api\/workers\/([^/]+)\/secrets$/, async (token, [name], req) => {
      allow(token, 'secrets', name);
      if (!WORKER_NAME.test(name)) throw new ApiError(400, `Invalid worker name "${name}".`);
      const body = await readJson(req, MAX_BODY_BYTES);
      const entries = Object.entries(body.secrets ?? {});
      if (entries.length === 0) throw new ApiError(400, 'Expected { "secrets": { "NAME": "value", ... } }.');
      for (const [secret, value] of entries) {
        if (!SECRET_NAME.test(secret)) throw new ApiError(400, `Invalid secret name "${secret}": use letters, digits and "_", not starting with a digit.`);
        if (typeof value !== 'string') throw new ApiError(400, `The value of the secret "${secret}" must be a string.`);
        if (Buffer.byteLength(value) > MAX_SECRET_BYTES) throw new ApiError(400, `The secret "${secret}" is larger than 5 KiB.`);
      }
      store.putSecrets(name, entries.map(([secret, value]) => [secret, server.secretBox.seal(value)]));
      // The worker serves with its new secrets once this returns.
      if (store.currentDeployment(name)) await server.deploy(name);
      return { updated: entries.map(([secret]) => secret) };
    }],
    ['DELETE', /^\/api\/workers\/([^/]+)\/secrets\/([^/]+)$/, async (token, [name, secret]) => {
      allow(token, 'secrets', name);
      if (!store.deleteSecret(name, secret)) throw new ApiError(404, `No secret "${secret}" on "${name}".`);
      if (store.currentDeployment(name)) await server.deploy(name);
      return { deleted: secret };
    }],
    // A storage command run with --remote: read scope for those that only read, deploy for others.
    ['POST', /^\/api\/storage$/, async (token, _params, req) => {
      allow(token, 'read');
      // The storage belongs to no one worker: a token limited to some may not use it.
      if (token.workers) throw forbidden();
      const body = await readJson(req, MAX_UPLOAD_BYTES);
      try {
        const command = storageCommand(body);
        allow(token, command.scope);
        return await runStorageCommand(server.stateDir, command);
      } catch (err) {
        if (err instanceof StorageRequestError) throw new ApiError(err.status, err.message);
        throw err;
      }
    }],
    ['GET', /^\/api\/tokens$/, async (token) => {
      allow(token, 'admin');
      return store.tokens().map(({ hash: _hash, ...rest }) => rest);
    }],
    ['POST', /^\/api\/tokens$/, async (token, _params, req) => {
      allow(token, 'admin');
      const body = await readJson(req, MAX_BODY_BYTES);
      const scopes = body.scopes;
      if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some((scope) => !TOKEN_SCOPES.includes(scope))) {
        throw new ApiError(400, `"scopes" must list some of: ${TOKEN_SCOPES.join(', ')}.`);
      }
      const workers = body.workers ?? null;
      if (workers !== null && (!Array.isArray(workers) || workers.some((name) => typeof name !== 'string' || !WORKER_NAME.test(name)))) {
        throw new ApiError(400, '"workers" must be a list of worker names.');
      }
      return store.createToken({ name: typeof body.name === 'string' ? body.name.slice(0, 200) : 'token', scopes, workers });
    }],
    ['DELETE', /^\/api\/tokens\/([^/]+)$/, async (token, [id]) => {
      allow(token, 'admin');
      if (!store.deleteToken(id)) throw new ApiError(404, `No token ${id}.`);
      return { deleted: id };
    }],
  ];

  const handle = async (req, res) => {
    try {
      const url = new URL(req.url, 'http://api');
      if (url.pathname === '/healthz') {
        send(res, 200, { ok: true });
        return;
      }
      const token = authenticate(req);
      if (req.method === 'GET' && url.pathname === '/metrics') {
        allow(token, 'read');
        const text = renderPrometheus(await server.metrics(), openQueueStore(server.stateDir).queues());
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
        return;
      }
      for (const [method, pattern, action] of routes) {
        const match = pattern.exec(url.pathname);
        if (!match || req.method !== method) continue;
        const params = match.slice(1).map(decodeURIComponent);
        send(res, 200, await action(token, params, req));
        return;
      }
      throw new ApiError(404, 'No such API endpoint.');
    } catch (err) {
      if (err instanceof ApiError) send(res, err.status, { error: err.message });
      else {
        send(res, 500, { error: 'Internal error.' });
        server.logError(err);
      }
    }
  };

  // GET /api/workers/<name>/tail as a WebSocket: the worker's events, filtered by the query.
  const upgrade = (req, socket, head) => {
    const refuse = (status, message) => socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    const url = new URL(req.url, 'http://api');
    const match = /^\/api\/workers\/([^/]+)\/tail$/.exec(url.pathname);
    if (!match) return refuse(404, 'Not Found');
    let token;
    const name = decodeURIComponent(match[1]);
    try {
      token = authenticate(req);
      allow(token, 'read', name);
      existing(name);
    } catch (err) {
      return refuse(err.status ?? 500, err.status === 404 ? 'Not Found' : err.status === 401 ? 'Unauthorized' : 'Forbidden');
    }
    let session;
    try {
      session = new TailSession(url.searchParams);
    } catch (err) {
      return refuse(400, 'Bad Request');
    }
    tails.handleUpgrade(req, socket, head, (ws) => {
      session.attach(ws);
      let set = sessions.get(name);
      if (!set) {
        set = new Set();
        sessions.set(name, set);
        server.tail(name, true);
      }
      set.add(session);
      ws.on('close', () => {
        set.delete(session);
        if (set.size === 0) {
          sessions.delete(name);
          server.tail(name, false);
        }
      });
    });
  };

  // A tail event from a serving process.
  const tailEvent = (name, event) => {
    for (const session of sessions.get(name) ?? []) session.offer(event);
  };

  return { handle, upgrade, tailEvent };
}
