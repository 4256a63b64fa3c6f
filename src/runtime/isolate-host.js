// One V8 isolate running one worker, driven synchronously from the thread that owns it.
//
// Everything the worker does happens in "turns": the host enters the isolate (a request, an I/O
// completion, a timer), the isolate runs until its microtasks drain, and control returns. Each
// turn is charged to the invocation it belongs to, measured as real thread CPU time; a turn that
// never returns is cut off by a wall-clock timeout set to the invocation's remaining budget.
// When a limit is crossed the whole isolate is thrown away; a new one is made for the next event.
import { randomFillSync } from 'node:crypto';
import ivm from 'isolated-vm';
import { getPrelude, compileExtension, PRELUDE_FILENAME } from './prelude.js';
import { getWatchdog } from './watchdog.js';
import { Entry, HOST_ERROR, joinHeaders, splitHeaders } from './web/internal/protocol.js';
import { WorkerError, cpuExceeded, memoryExceeded, workerRestarted } from './errors.js';
import { StackMapper } from './source-maps.js';
import { loadModules } from './modules.js';
import { Source } from './host-ops/streams.js';
import * as streamOps from './host-ops/streams.js';
import * as timerOps from './host-ops/timers.js';
import * as fetchOps from './host-ops/fetch.js';
import * as urlOps from './host-ops/url.js';
import * as encodingOps from './host-ops/encoding.js';
import * as compressionOps from './host-ops/compression.js';
import * as subtleOps from './host-ops/subtle.js';
import * as cacheOps from './host-ops/cache.js';
import * as webSocketOps from './host-ops/websocket.js';
import * as kvOps from './host-ops/kv.js';
import * as d1Ops from './host-ops/d1.js';
import * as r2Ops from './host-ops/r2.js';
import * as queueOps from './host-ops/queue.js';
import * as serviceOps from './host-ops/service.js';
import * as rpcOps from './host-ops/rpc.js';
import * as fsOps from './host-ops/fs.js';
import * as socketOps from './host-ops/sockets.js';
import * as objectOps from './host-ops/durable-objects.js';
import * as doStorageOps from './host-ops/durable-object-storage.js';
import * as objectSocketOps from './host-ops/durable-object-websockets.js';
import * as nodeCryptoOps from './host-ops/node-crypto.js';
import * as nodeZlibOps from './host-ops/node-zlib.js';
import { bindingTypes } from './bindings.js';

const GLOBAL_SCOPE_IO =
  'Disallowed operation called within global scope. Asynchronous I/O (ex: fetch() or connect()), setting a timeout, and generating random values are not allowed within global scope. To fix this error, perform this operation within a handler. https://developers.cloudflare.com/workers/runtime-apis/handlers/';

const ENDED_EVENT_IO =
  'Cannot perform I/O on behalf of a request that has already finished: its response was sent and its waitUntil() work settled. Use ctx.waitUntil() to keep it alive.';

const COPY = Object.freeze({ copy: true });
const DEADLINE_GRID_MS = 1000;

// A Durable Object without events for this long is evicted (Workers: 10 to 70 seconds).
const OBJECT_IDLE_MS = 30_000;

// What a worker with today's compatibility date gets (see config/compat.js).
export const DEFAULT_COMPAT = Object.freeze({ nodejsCompat: true, nodejsAls: true, populateProcessEnv: true, globalMessageChannel: true, globalPerformanceClasses: true });

// How long background work (ctx.waitUntil) may run after the response, as in Workers.
const WAIT_UNTIL_LIMIT_MS = 30_000;
// How long a scheduled or queue event may run, its waitUntil() work included (wall time), as in Workers.
const BACKGROUND_EVENT_LIMIT_MS = 15 * 60_000;

const ERROR_NAMES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'DOMException']);

// A host error as the isolate rebuilds it: [class, message], plus the name of a DOMException.
function errorDetail(err) {
  if (err instanceof DOMException) return ['DOMException', String(err.message), err.name];
  return [ERROR_NAMES.has(err?.name) ? err.name : 'Error', String(err?.message ?? err)];
}

// The operations the isolate may ask of the host. Each takes the IsolateHost first.
const OPS = {
  sourceRead: streamOps.sourceRead,
  sourceCancel: streamOps.sourceCancel,
  sinkCreate: streamOps.sinkCreate,
  sinkWrite: streamOps.sinkWrite,
  sinkDrain: streamOps.sinkDrain,
  sinkEnd: streamOps.sinkEnd,
  timerSet: timerOps.timerSet,
  timerClear: timerOps.timerClear,
  fetchStart: fetchOps.fetchStart,
  fetchResult: fetchOps.fetchResult,
  fetchAbort: fetchOps.fetchAbort,
  urlParse: urlOps.urlParse,
  urlSet: urlOps.urlSet,
  textDecode: encodingOps.textDecode,
  textDecoderOpen: encodingOps.textDecoderOpen,
  textDecodeChunk: encodingOps.textDecodeChunk,
  textDecoderRelease: encodingOps.textDecoderRelease,
  zlibCreate: compressionOps.zlibCreate,
  zlibWrite: compressionOps.zlibWrite,
  zlibEnd: compressionOps.zlibEnd,
  hashCreate: compressionOps.hashCreate,
  hashUpdate: compressionOps.hashUpdate,
  hashDigest: compressionOps.hashDigest,
  streamHandleClose: compressionOps.streamHandleClose,
  subtleDigest: subtleOps.subtleDigest,
  subtleEncrypt: subtleOps.subtleEncrypt,
  subtleDecrypt: subtleOps.subtleDecrypt,
  subtleSign: subtleOps.subtleSign,
  subtleVerify: subtleOps.subtleVerify,
  subtleGenerateKey: subtleOps.subtleGenerateKey,
  subtleImportKey: subtleOps.subtleImportKey,
  subtleExportKey: subtleOps.subtleExportKey,
  subtleDeriveBits: subtleOps.subtleDeriveBits,
  subtleDeriveKey: subtleOps.subtleDeriveKey,
  subtleWrapKey: subtleOps.subtleWrapKey,
  subtleUnwrapKey: subtleOps.subtleUnwrapKey,
  subtleRelease: subtleOps.subtleRelease,
  cachePut: cacheOps.cachePut,
  cacheMatch: cacheOps.cacheMatch,
  cacheDelete: cacheOps.cacheDelete,
  // A 101 response is answered here rather than by `respond`: the event lasts as long as its
  // WebSocket does, not the 30 s of background work a response leaves it.
  wsRespond: webSocketOps.wsRespond,
  wsFetch: webSocketOps.wsFetch,
  wsSend: webSocketOps.wsSend,
  wsClose: webSocketOps.wsClose,
  wsReceive: webSocketOps.wsReceive,
  wsDone: webSocketOps.wsDone,
  randomBytes: (_host, length) => {
    // getRandomValues' own quota, checked again here: the isolate side is the worker's to tamper with.
    if (!Number.isInteger(length) || length < 0 || length > 65536) throw new RangeError('Invalid random byte count.');
    return randomFillSync(new Uint8Array(length));
  },
  // The invocation lets a server attribute the line to the request that logged it (tail).
  log: (host, level, message) => host.hooks.log(level, message, host.current),
  moduleData: (host, name) => host.moduleData(name),
  // A part of the platform loaded on first use: compiled into this isolate, its function handed back.
  extension: (host, name) => compileExtension(host.isolate, host.context, name).derefInto(),
  currentInvocation: (host) => host.current?.id ?? 0,
  respond: (host, id, status, statusText, headers, body, streaming, finished, encodeBody) => host.respond(id, status, statusText, headers, body, streaming, finished, encodeBody),
  uncaught: (host, id, detail, phase) => host.uncaught(id, detail, phase),
  settled: (host, id) => host.finish(id),
  passThroughOnException: (host, id) => {
    const invocation = host.invocations.get(id);
    if (invocation) invocation.passThrough = true;
  },
  // The storage bindings: every op of theirs is I/O, so each needs an event.
  ...kvOps.ops,
  ...d1Ops.ops,
  ...r2Ops.ops,
  ...queueOps.ops,
  ...serviceOps.ops,
  ...rpcOps.ops,
  ...fsOps.ops,
  ...socketOps.ops,
  ...objectOps.ops,
  ...doStorageOps.ops,
  ...objectSocketOps.ops,
  ...nodeCryptoOps.ops,
  ...nodeZlibOps.ops,
  // The result of a scheduled or queue event, reported once its handler and waitUntil() work settled.
  eventOutcome: (host, id, outcome) => {
    const invocation = host.invocations.get(id);
    if (invocation) invocation.outcome = outcome;
  },
};

// Calls to the storage bindings. Workers counts them per invocation, as API requests.
const API_REQUESTS = new Set([...Object.keys(kvOps.ops), ...Object.keys(d1Ops.ops), ...Object.keys(r2Ops.ops), ...Object.keys(queueOps.ops)]);

// Entries whose arguments are not all strings and numbers, copied with V8's serializer.
const COPIED_ENTRIES = new Set([Entry.COMPLETE, Entry.QUEUE, Entry.RPC, Entry.OBJECT_RPC, Entry.OBJECT_WEBSOCKET, Entry.CAP_CALL]);

// Ops that only make sense while an event is being handled; at global scope Workers refuses them.
const NEED_EVENT = new Set(['fetchStart', 'timerSet', 'randomBytes', 'sinkCreate', 'cachePut', 'cacheMatch', 'cacheDelete', 'wsFetch', 'serviceCall', 'capCall', 'writablePipe', ...socketOps.NEED_EVENT, 'doId', 'doCall', ...API_REQUESTS]);

// One event being handled: its CPU, its subrequests and everything it holds on the host.
class Invocation {
  constructor(id) {
    this.id = id;
    this.cpuUs = 0;
    this.subrequests = 0;
    this.apiRequests = 0; // calls to storage bindings
    this.passThrough = false;
    this.outcome = null; // what a scheduled or queue event reported
    this.objectKey = null; // the Durable Object the event is for, if any
    this.responded = false;
    this.finished = false;
    this.response = Promise.withResolvers();
    this.settled = Promise.withResolvers();
    this.resources = []; // [table name, id] pairs released when the invocation ends
  }
  get cpuMs() {
    return this.cpuUs / 1000;
  }
}

export class IsolateHost {
  // spec: { name, bundle, env: { vars, secrets, bindings }, compat: { nodejsCompat, nodejsAls,
  // populateProcessEnv, globalMessageChannel, globalPerformanceClasses }, limits: { cpuMs,
  // memoryMb, subrequests, startupMs }, stateDir }
  // hooks: { log(level, message), error(WorkerError, phase) }
  constructor(spec, hooks) {
    this.spec = spec;
    this.hooks = hooks;
    this.limits = spec.limits;
    this.sources = new Map();
    this.sinks = new Map();
    this.fetches = new Map();
    this.timers = new Map();
    this.invocations = new Map();
    // "<className>\n<id>" -> { className, id, active, lastActive, evicted, hibernation }: live Durable
    // Objects, and evicted ones that keep hibernatable WebSockets (host-ops/durable-object-websockets.js)
    this.objects = new Map();
    this.nextId = 1;
    this.pendingOps = 0; // asynchronous host operations not yet completed, for hang detection
    this.current = null;
    this.dead = null;
    this.stacks = new StackMapper(spec.bundle.sourceMaps);
    this.modulesByName = new Map(spec.bundle.modules.map((m) => [m.name, m]));
  }

  // Creates the isolate, loads the platform and the worker's modules and runs its global scope.
  // Throws a WorkerError of kind 'startup' when the worker cannot start.
  start() {
    const prelude = getPrelude();
    this.isolate = new ivm.Isolate({ memoryLimit: this.limits.memoryMb });
    this.context = this.isolate.createContextSync();
    const script = this.isolate.compileScriptSync(prelude.code, { filename: PRELUDE_FILENAME, cachedData: prelude.cachedData });
    const boot = script.runSync(this.context, { release: true, reference: true });
    this.entry = boot.applySync(undefined, [new ivm.Callback(this.#onHostCall)], { result: { reference: true } });
    boot.release();

    const before = process.threadCpuUsage();
    try {
      const { vars, secrets, bindings } = this.spec.env;
      const env = { vars, secrets, bindings: bindingTypes(bindings ?? {}), compat: this.spec.compat ?? DEFAULT_COMPAT };
      this.entry.applySync(undefined, [Date.now(), Entry.ENV, env, this.spec.bundle.format], { arguments: { copy: true } });
      const main = loadModules(this, this.limits.startupMs);
      this.entry.applySync(undefined, [Date.now(), Entry.MAIN, main ? main.namespace.derefInto() : null], { timeout: this.limits.startupMs });
    } catch (err) {
      const failure = this.#startupFailure(err);
      this.dispose();
      throw failure;
    }
    const used = process.threadCpuUsage(before);
    if (used.user + used.system > this.limits.startupMs * 1000) {
      this.dispose();
      throw new WorkerError('startup', 'Script startup exceeded CPU time limit.', { status: 503 });
    }
  }

  #startupFailure(err) {
    if (this.isolate.isDisposed) return new WorkerError('startup', 'Script startup exceeded memory limits.', { status: 503 });
    if (/timed out/.test(err?.message)) return new WorkerError('startup', 'Script startup exceeded CPU time limit.', { status: 503 });
    const stack = this.stacks.map(err?.stack ?? String(err));
    return new WorkerError('startup', `Uncaught ${err?.name ?? 'Error'}: ${err?.message ?? err}`, { stack });
  }

  // Delivers an HTTP request (`cf`: an object, or its JSON text). Resolves with { status,
  // statusText, headers, body, invocation } where body is null, a string, a Buffer or a Readable;
  // rejects with a WorkerError.
  fetch({ method, url, headers, cf, body }) {
    if (this.dead) return Promise.reject(this.dead);
    const invocation = this.#newInvocation();
    const sourceId = body ? this.#own(invocation, 'sources', new Source(body, { drainOnCancel: true })) : 0;
    // request.cf crosses as JSON text: one string is far cheaper to copy than an object, and the
    // isolate only parses it if the handler reads request.cf.
    const cfJson = typeof cf === 'string' ? cf : JSON.stringify(cf ?? {});
    this.#enter(invocation, Entry.FETCH, invocation.id, method, url, joinHeaders(headers), cfJson, sourceId);
    return invocation.response.promise;
  }

  // A cron trigger firing: resolves with { outcome: [handler succeeded, noRetry], invocation }
  // once the handler and its waitUntil() work settled.
  scheduled(cron, scheduledTime) {
    return this.#runEvent(Entry.SCHEDULED, [cron, scheduledTime]);
  }

  // A batch of queue messages ([[id, timestamp, contentType, body, attempts], ...]): resolves with
  // { outcome: [handler succeeded, ackAll, retryAll, retryAll delay, acked ids, [[retried id,
  // delay]]], invocation } once the handler and its waitUntil() work settled.
  queue(queueName, messages) {
    return this.#runEvent(Entry.QUEUE, [queueName, messages]);
  }

  // An RPC call over a service binding, at `path` of the WorkerEntrypoint `entrypoint` (null: the
  // default export): `receive(host, invocation)` gives its [arguments, reply id] as the event
  // receives them. The result goes to the reply (host-ops/rpc.js); resolves with { invocation }
  // once the event ended.
  rpc(entrypoint, path, receive) {
    return this.#runEvent(Entry.RPC, (invocation) => [entrypoint, path, ...receive(this, invocation)]);
  }

  // A call on an object this isolate exported (a stub of it is held elsewhere), as a turn of the
  // event that exported it; answered through reply `replyId`.
  capCall(invocation, exportId, path, args, replyId) {
    this.#enter(invocation, Entry.CAP_CALL, exportId, path, args, replyId);
  }

  // No stub refers to the exported object any more.
  capRelease(invocation, exportId) {
    this.#enter(invocation, Entry.CAP_RELEASE, exportId);
  }

  // ---- Durable Objects living in this isolate ----

  // A request for the object `id` of class `className` (a request as fetch() takes it).
  objectFetch(className, id, name, { method, url, headers, body }) {
    return this.#objectEvent(className, id, (invocation, handle) => {
      const sourceId = body ? this.#own(invocation, 'sources', new Source(body)) : 0;
      this.#enter(invocation, Entry.OBJECT_FETCH, invocation.id, handle, method, url, joinHeaders(headers), sourceId);
      return invocation.response.promise;
    }, name);
  }

  // An RPC call on the object, as rpc() makes one on an entrypoint.
  objectRpc(className, id, name, path, receive) {
    return this.#objectEvent(className, id, (invocation, handle) => this.#runEvent(Entry.OBJECT_RPC, [handle, path, ...receive(this, invocation)], invocation), name);
  }

  // The object's alarm: resolves with { outcome: [succeeded], invocation }.
  objectAlarm(className, id, retryCount) {
    return this.#objectEvent(className, id, (invocation, handle) => this.#runEvent(Entry.OBJECT_ALARM, [handle, retryCount], invocation), null);
  }

  // An event of the object's hibernatable WebSocket `socketId` (['message', data], ['close', code,
  // reason, wasClean] or ['error', message]): resolves with { outcome: [succeeded], invocation }
  // once its handler settled.
  objectWebSocket(className, id, name, socketId, closedOutgoing, event) {
    return this.#objectEvent(className, id, (invocation, handle) => this.#runEvent(Entry.OBJECT_WEBSOCKET, [handle, socketId, closedOutgoing, event], invocation), name);
  }

  // What storage operations of object `handle` work on; only objects live in this isolate.
  durableObject(handle) {
    const object = typeof handle === 'string' ? this.objects.get(handle.split('\n', 2).join('\n')) : undefined;
    if (!object) throw new TypeError('This Durable Object is not running here.');
    if (!this.spec.stateDir) throw new Error('Durable Object storage needs a state directory.');
    return { stateDir: this.spec.stateDir, workerName: this.spec.name ?? 'worker', className: object.className, id: object.id };
  }

  #objectEvent(className, id, deliver, name) {
    if (this.dead) return Promise.reject(this.dead);
    const key = `${className}\n${id}`;
    let object = this.objects.get(key);
    if (!object) {
      object = { className, id, active: 0, lastActive: 0, evicted: false, hibernation: null };
      this.objects.set(key, object);
      this.#startEvictions();
    }
    object.active += 1;
    object.evicted = false;
    const done = () => {
      object.active -= 1;
      object.lastActive = Date.now();
    };
    const invocation = this.#newInvocation();
    invocation.objectKey = key;
    const result = deliver(invocation, `${key}\n${name ?? ''}`);
    invocation.settled.promise.then(done);
    return result;
  }

  #startEvictions() {
    if (this.evictionTimer) return;
    this.evictionTimer = setInterval(() => this.evictObjects(), OBJECT_IDLE_MS / 3);
    this.evictionTimer.unref();
  }

  // Evicts the objects without an event for `idleMs`: their next event builds a new instance
  // (from storage). An object with hibernatable WebSockets keeps them, and its record, here.
  // Returns how many were evicted.
  evictObjects(idleMs = OBJECT_IDLE_MS) {
    const now = Date.now();
    let evicted = 0;
    for (const [key, object] of this.objects) {
      if (object.active > 0 || now - object.lastActive < idleMs) continue;
      if (!object.hibernation?.sockets.size) this.objects.delete(key);
      if (object.evicted) continue;
      object.evicted = true;
      this.#enter(null, Entry.OBJECT_EVICT, key);
      evicted += 1;
    }
    return evicted;
  }

  // The worker and class a Durable Object binding points at, and its namespace's name.
  objectTarget(name) {
    const { className, scriptName } = this.binding(name, 'durable-object');
    const worker = scriptName ? this.hooks.service?.(scriptName) : this.hooks.worker?.();
    if (!worker) throw new Error(`The Durable Object binding "${name}" points at the worker "${scriptName}", which is not running here.`);
    return { worker, className, namespace: `${scriptName ?? this.spec.name ?? ''}/${className}` };
  }

  // The worker service binding `name` points at (a Worker of this process), or an error naming it.
  service(name) {
    const { service } = this.binding(name, 'service');
    const target = this.hooks.service?.(service);
    if (!target) throw new Error(`The service binding "${name}" points at the worker "${service}", which is not running here.`);
    return target;
  }

  // Rejects with a WorkerError when the isolate dies first, or the event can never end.
  // `invocation`: the one made for it already (Durable Object events), else a new one. `args`: the
  // entry's arguments after the invocation id, or a function of the invocation returning them.
  #runEvent(kind, args, invocation = null) {
    if (this.dead) return Promise.reject(this.dead);
    invocation ??= this.#newInvocation();
    const timer = setTimeout(() => {
      if (invocation.finished) return;
      this.hooks.log('warn', 'The event did not finish within 15 minutes; it was cancelled.');
      this.#answer(invocation, null, new WorkerError('exception', 'The event exceeded its 15-minute time limit.'));
      this.finish(invocation.id);
    }, BACKGROUND_EVENT_LIMIT_MS);
    timer.unref();
    invocation.settled.promise.then(() => {
      clearTimeout(timer);
      this.#answer(invocation, { outcome: invocation.outcome, invocation });
    });
    this.#enter(invocation, kind, invocation.id, ...(typeof args === 'function' ? args(invocation) : args));
    return invocation.response.promise;
  }

  #answer(invocation, value, error = null) {
    if (invocation.responded) return;
    invocation.responded = true;
    if (error) invocation.response.reject(error);
    else invocation.response.resolve(value);
  }

  #newInvocation() {
    const invocation = new Invocation(this.nextId++);
    this.invocations.set(invocation.id, invocation);
    return invocation;
  }

  // ---- turns ----

  // Returns what the entry returned.
  #enter(invocation, kind, ...args) {
    if (this.dead) return undefined;
    const previous = this.current;
    this.current = invocation;
    const before = process.threadCpuUsage();
    const now = Date.now();
    const budgetMs = this.#remainingBudget(invocation);
    const watchdog = getWatchdog();
    const guarded = watchdog.beginTurn(this.isolate, now + budgetMs);
    const kills = watchdog.kills();
    let failure = null;
    let result;
    try {
      // Most entries carry only strings and numbers, which isolated-vm copies directly instead of
      // through V8's serializer.
      result = this.entry.applySync(undefined, [now, kind, ...args], {
        arguments: COPIED_ENTRIES.has(kind) ? COPY : undefined,
        timeout: guarded ? undefined : this.#turnTimeout(budgetMs),
      });
    } catch (err) {
      failure = this.#classify(err, watchdog.kills() !== kills);
      if (failure === null) this.#unhandledRejection(invocation, err);
    } finally {
      if (guarded) watchdog.endTurn();
      this.current = previous;
      const used = process.threadCpuUsage(before);
      if (invocation) {
        invocation.cpuUs += used.user + used.system;
        if (!failure && invocation.cpuUs > this.limits.cpuMs * 1000) failure = cpuExceeded();
      }
    }
    // Only an isolate with live Durable Objects can have storage writes to commit (counted
    // before a death clears them).
    const hasObjects = this.objects.size > 0;
    if (failure) this.#die(failure);
    // Durable Object writes of the turn are committed as it ends (rolled back if it killed the
    // isolate), before anything it answered reaches a client: Workers' output gate.
    if (hasObjects) {
      try {
        doStorageOps.endTurn(this);
      } catch {
        // Logged by the storage; the turn's writes are lost, as when a write fails in Workers.
      }
    }
    if (!failure && this.pendingOps === 0 && this.timers.size === 0) this.#nothingCanHappen();
    return result;
  }

  // No I/O is pending and no timer is set, so no promise in the isolate can ever settle again:
  // events still waiting for a response never get one, as Workers reports it.
  #nothingCanHappen() {
    if (this.invocations.size === 0) return;
    for (const invocation of [...this.invocations.values()]) {
      if (!invocation.responded) {
        invocation.responded = true;
        const error = new WorkerError('exception', 'The script will never generate a response.');
        this.hooks.error(error, 'fetch');
        invocation.response.reject(error);
      }
      this.finish(invocation.id);
    }
  }

  #remainingBudget(invocation) {
    const spentMs = invocation ? invocation.cpuUs / 1000 : 0;
    return Math.max(1, this.limits.cpuMs - spentMs);
  }

  // isolated-vm's timeout for a turn the watchdog cannot guard: the remaining budget, with the
  // deadline rounded up to a whole second. isolated-vm keeps every timeout until its deadline and
  // wakes a timer thread for each distinct one; shared deadlines mean one wakeup a second.
  #turnTimeout(budgetMs) {
    const now = performance.now();
    return Math.ceil(Math.ceil((now + budgetMs) / DEADLINE_GRID_MS) * DEADLINE_GRID_MS - now);
  }

  // A turn that throws has hit a limit, or (with the isolate intact) ended on a promise
  // rejection nothing handled, which is the worker's problem to hear about, not the isolate's end.
  #classify(err, killedByWatchdog) {
    if (killedByWatchdog || /timed out/.test(err?.message)) return cpuExceeded();
    if (this.isolate.isDisposed) return memoryExceeded();
    return null;
  }

  // A turn ended on a promise rejection nothing handled (isolated-vm reports the first of a turn,
  // as a copy: `err`). The worker's unhandledrejection listeners hear of it in a turn of its own;
  // unless one of them called preventDefault(), it is logged as Workers logs it.
  #unhandledRejection(invocation, err) {
    // The error's stack continues into this host's frames past isolated-vm's boundary marker.
    const detail = (err?.stack ?? `${err?.name ?? 'Error'}: ${err?.message ?? err}`).split('\n    at (<isolated-vm boundary>)')[0];
    const reason = err instanceof Error ? ['error', err.name, err.message, detail] : ['value', err];
    queueMicrotask(() => {
      if (this.#enter(invocation, Entry.REJECTION, ...reason) === true) return;
      this.hooks.error(new WorkerError('exception', `Uncaught (in promise) ${err?.message ?? err}`, { stack: `(in promise) ${this.stacks.map(detail)}` }), 'rejection');
    });
  }

  enterTimer(invocation, timerId) {
    this.#enter(invocation, Entry.TIMER, timerId);
  }

  // Finishes asynchronous host call `callId` with the outcome of `promise`, as a new turn of the
  // invocation that made the call.
  completeWith(callId, promise) {
    const invocation = this.current;
    // Asynchronous work needs an event to belong to: its turns are charged to it.
    try {
      this.#requireEvent();
    } catch (err) {
      promise.catch(() => {});
      throw err;
    }
    this.pendingOps += 1;
    promise.then(
      (value) => {
        this.pendingOps -= 1;
        this.#enter(invocation, Entry.COMPLETE, callId, true, value ?? null);
      },
      (err) => {
        this.pendingOps -= 1;
        this.#enter(invocation, Entry.COMPLETE, callId, false, errorDetail(err));
      },
    );
  }

  completeLater(callId, ok, value) {
    this.completeWith(callId, ok ? Promise.resolve(value) : Promise.reject(value));
  }

  // ---- host calls ----

  // Throws Workers' error unless an event is being handled: none at global scope, and none once
  // the current event has ended.
  #requireEvent() {
    if (!this.current) throw new Error(GLOBAL_SCOPE_IO);
    if (this.current.finished) throw new Error(ENDED_EVENT_IO);
  }

  #onHostCall = (op, ...args) => {
    try {
      const fn = OPS[op];
      if (!fn) throw new Error(`Unknown host operation: ${op}`);
      if (NEED_EVENT.has(op)) this.#requireEvent();
      if (API_REQUESTS.has(op)) this.#countApiRequest();
      const result = fn(this, ...args);
      return result === undefined ? null : result;
    } catch (err) {
      return { [HOST_ERROR]: errorDetail(err) };
    }
  };

  // Workers allows 1000 calls to its storage services per invocation on the paid plan; the
  // worker's `subrequests` limit stands for it here.
  #countApiRequest() {
    const invocation = this.current;
    invocation.apiRequests += 1;
    if (invocation.apiRequests > this.limits.subrequests) throw new Error('Too many API requests by single worker invocation.');
  }

  #own(invocation, table, resource) {
    const id = this.nextId++;
    this[table].set(id, resource);
    invocation?.resources.push([table, id]);
    return id;
  }

  // `invocation`: the owner, when the source is made after the call that asked for it returned.
  addSource(source, invocation = this.current) {
    return this.#own(invocation, 'sources', source);
  }

  addSink(sink, invocation = this.current) {
    return this.#own(invocation, 'sinks', sink);
  }

  addFetch(pending) {
    return this.#own(this.current, 'fetches', pending);
  }

  // The binding the worker calls `name`, which must be of `type` ('kv', 'd1', 'r2'): the isolate
  // names bindings, it never says which namespace, database or bucket it means.
  binding(name, type) {
    const binding = this.spec.env.bindings?.[name];
    if (!binding || binding.type !== type) throw new TypeError(`No ${type} binding named "${name}".`);
    return binding;
  }

  // The names node:`name` exports, or null when there is no such module (or Node.js
  // compatibility is off). Asked while the worker's modules load, to build the module.
  nodeModuleExports(name) {
    return this.context.evalClosureSync('return globalThis.__outpostBuiltin("node-exports", $0);', [name], { result: { copy: true } });
  }

  moduleData(name) {
    const module = this.modulesByName.get(name);
    if (!module) throw new Error(`No such module "${name}".`);
    return [module.type, module.content];
  }

  // Answers event `id`. A streaming body returns the sink the isolate writes it into; otherwise,
  // when `finished` (no waitUntil work pending), the event ends here and the timers it left are
  // returned, as `finish` does. `encodeBody` is the Response's: 'manual' when the body is already
  // encoded as its Content-Encoding says.
  respond(id, status, statusText, headers, body, streaming, finished, encodeBody) {
    const invocation = this.invocations.get(id);
    if (!invocation || invocation.responded) return streaming ? 0 : null;
    invocation.responded = true;
    let sinkId = 0;
    let responseBody = null;
    if (streaming) {
      sinkId = this.#own(invocation, 'sinks', new streamOps.Sink());
      responseBody = this.sinks.get(sinkId).readable;
    } else if (body !== null) {
      // A string stays a string: Node then writes headers and body in one go.
      responseBody = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    }
    invocation.response.resolve({ status, statusText, headers: splitHeaders(headers), body: responseBody, encodeBody, invocation });
    if (streaming) return sinkId;
    if (finished) return this.finish(id);
    // A streamed body keeps the event alive for as long as it flows; only work left after a
    // complete response is cut off.
    this.#limitBackgroundWork(invocation);
    return null;
  }

  uncaught(id, [name, message, stack], phase) {
    const invocation = this.invocations.get(id ?? 0) ?? this.current;
    const error = new WorkerError('exception', `${name}: ${message}`, {
      stack: this.stacks.map(stack || `${name}: ${message}`),
      passThrough: invocation?.passThrough ?? false,
    });
    this.hooks.error(error, phase);
    // Only the handler's own failure decides the response; background failures are just logged.
    if (phase === 'fetch' && invocation && !invocation.responded) {
      invocation.responded = true;
      invocation.response.reject(error);
    }
  }

  #limitBackgroundWork(invocation) {
    const timer = setTimeout(() => {
      if (!invocation.finished) {
        this.hooks.log('warn', 'waitUntil() tasks did not complete within the allowed time after the response was sent; they were cancelled.');
        this.finish(invocation.id);
      }
    }, WAIT_UNTIL_LIMIT_MS);
    timer.unref();
    invocation.settled.promise.then(() => clearTimeout(timer));
  }

  // The invocation is over: its response was sent and its waitUntil() work settled. Everything it
  // still holds is released; timers it left behind are cancelled (their ids are returned so the
  // isolate can forget them too).
  finish(id) {
    const invocation = this.invocations.get(id);
    if (!invocation) return null;
    invocation.finished = true;
    this.invocations.delete(id);
    this.#release(invocation);
    rpcOps.endInvocation(this, invocation);
    const cancelled = [];
    // The events of one Durable Object run each other's continuations (all wait on the same
    // object), so a timer one of them set may serve another: it passes to a running event of the
    // same object rather than being cancelled.
    const heir = invocation.objectKey ? [...this.invocations.values()].find((other) => other.objectKey === invocation.objectKey) : undefined;
    for (const [timerId, timer] of this.timers) {
      if (timer.invocation !== invocation) continue;
      if (heir) {
        timer.invocation = heir;
        continue;
      }
      clearTimeout(timer.handle);
      this.timers.delete(timerId);
      cancelled.push(timerId);
    }
    invocation.settled.resolve();
    // null rather than an empty array: a primitive crosses back without serialization.
    return cancelled.length > 0 ? cancelled : null;
  }

  #release(invocation) {
    for (const [table, id] of invocation.resources) {
      const resource = this[table]?.get(id);
      if (!resource) continue;
      // A response body still streaming to the client stays alive until it ends on its own.
      if (table === 'sinks' && !resource.closed) continue;
      if (table === 'sources') resource.cancel();
      if (table === 'fetches') resource.controller.abort();
      if (table === 'streamHandles') resource.close();
      this[table].delete(id);
    }
  }

  // ---- death ----

  #die(error) {
    if (this.dead) return;
    this.hooks.error(error, 'limit');
    this.dispose(error);
  }

  // Tears the isolate down. Events still running fail with `reason`; response bodies still
  // streaming are cut off.
  dispose(reason = workerRestarted()) {
    if (!this.dead) this.dead = reason;
    for (const invocation of this.invocations.values()) {
      if (!invocation.responded) invocation.response.reject(this.dead);
      invocation.responded = true;
      invocation.finished = true;
      invocation.settled.resolve();
      rpcOps.endInvocation(this, invocation);
    }
    for (const sink of this.sinks.values()) sink.end([this.dead.name, this.dead.message]);
    for (const source of this.sources.values()) source.cancel();
    for (const pending of this.fetches.values()) pending.controller.abort();
    for (const timer of this.timers.values()) clearTimeout(timer.handle);
    clearInterval(this.evictionTimer);
    this.objects.clear();
    webSocketOps.terminateAll(this);
    compressionOps.closeStreamHandles(this);
    this.invocations.clear();
    this.sinks.clear();
    this.sources.clear();
    this.fetches.clear();
    this.timers.clear();
    if (this.isolate) getWatchdog().forget(this.isolate);
    if (this.isolate && !this.isolate.isDisposed) {
      try {
        this.isolate.dispose();
      } catch {
        // Disposed concurrently by the watchdog: the outcome is the same.
      }
    }
  }
}
