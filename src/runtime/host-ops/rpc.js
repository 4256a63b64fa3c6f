// RPC between the workers of this process, host side: calls, their replies, and capabilities.
//
// A capability is one stub, held by an event of one isolate (its holder), for an object that an
// event of some isolate exported (a function or an RpcTarget, which stays in the exporter's table
// under an export id). Every stub sent is a capability of its own; once no capability refers to
// an exported object, its isolate is told to release it. The capabilities an event holds are
// released when it ends; those for objects it exported stop working when it ends.
//
// Calls are answered through replies. Everything is delivered into an isolate after the current
// turn: a delivery never enters an isolate from inside one of its own turns.
import { Source, Sink } from './streams.js';

const capabilities = new Map(); // capId -> { exporter, exportId, holder, live }; exporter and holder: { host, invocation }
const exportCounts = new WeakMap(); // IsolateHost -> Map(exportId -> capabilities referring to it)
const heldBy = new WeakMap(); // invocation -> Set of the capIds it holds
const exportedBy = new WeakMap(); // invocation -> Set of the capIds for objects it exported
const writablesOf = new WeakMap(); // invocation -> Set of the sinks behind the WritableStreams it received
const replies = new Map(); // replyId -> { caller, callee, resolve, reject }
const owedBy = new WeakMap(); // invocation -> Set of the replyIds of calls on objects it exported
let nextId = 1;

const DISPOSED = 'RPC stub used after being disposed.';
const CANCELED = 'The destination execution context for this RPC was canceled while the call was still running.';

function setIn(map, key) {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function countsOf(host) {
  let counts = exportCounts.get(host);
  if (!counts) exportCounts.set(host, (counts = new Map()));
  return counts;
}

const ended = (party) => party.host.dead !== null || party.invocation.finished;

function addCapability(exporter, exportId, holder) {
  const id = nextId++;
  const live = !ended(exporter);
  capabilities.set(id, { exporter, exportId, holder, live });
  setIn(heldBy, holder.invocation).add(id);
  if (live) {
    setIn(exportedBy, exporter.invocation).add(id);
    const counts = countsOf(exporter.host);
    counts.set(exportId, (counts.get(exportId) ?? 0) + 1);
    // The holder may call into the exporter at any time: its isolate is not idle meanwhile.
    exporter.host.pendingOps += 1;
  }
  return id;
}

function releaseCapability(id) {
  const capability = capabilities.get(id);
  if (!capability) return;
  capabilities.delete(id);
  heldBy.get(capability.holder.invocation)?.delete(id);
  if (!capability.live) return;
  capability.live = false;
  const { exporter, exportId } = capability;
  exportedBy.get(exporter.invocation)?.delete(id);
  const counts = countsOf(exporter.host);
  const left = counts.get(exportId) - 1;
  if (left > 0) counts.set(exportId, left);
  else counts.delete(exportId);
  Promise.resolve().then(() => {
    // Counted until now, so that the exporter's isolate is not taken for idle before it hears.
    exporter.host.pendingOps -= 1;
    if (left === 0 && !ended(exporter)) exporter.host.capRelease(exporter.invocation, exportId);
  });
}

function heldCapability(host, id) {
  const capability = capabilities.get(id);
  if (!capability || capability.holder.host !== host) throw new Error(DISPOSED);
  return capability;
}

// ---- values ----

// Takes a payload [tree, specials] (see web/rpc-values.js) out of `from`; `give(to)` makes it the
// payload `to` receives (its stubs held by `to`), `discard()` drops it undelivered.
function transfer(payload, from) {
  if (!Array.isArray(payload) || payload.length !== 2) throw new TypeError('Invalid RPC value.');
  const [tree, specials] = payload;
  if (specials === null) return { give: () => payload, discard() {} };
  if (!Array.isArray(specials)) throw new TypeError('Invalid RPC value.');
  const moves = specials.map((entry) => take(entry, from));
  let given = false;
  return {
    give(to) {
      given = true;
      return [tree, moves.map((move) => move.give(to))];
    },
    discard() {
      if (!given) for (const move of moves) move.discard?.();
    },
  };
}

function take(entry, from) {
  if (!Array.isArray(entry)) throw new TypeError('Invalid RPC value.');
  const [kind, id] = entry;
  switch (kind) {
    case 'export':
      if (!Number.isInteger(id)) throw new TypeError('Invalid RPC value.');
      return {
        give: (to) => ['cap', addCapability(from, id, to)],
        discard: () => Promise.resolve().then(() => !ended(from) && from.host.capRelease(from.invocation, id)),
      };
    case 'cap': {
      const { exporter, exportId } = heldCapability(from.host, id);
      return { give: (to) => ['cap', addCapability(exporter, exportId, to)] };
    }
    case 'readable': {
      // The sender keeps writing into its sink; the recipient reads what it receives.
      const sink = from.host.sinks.get(id);
      if (!sink) throw new TypeError('Invalid RPC value.');
      return {
        give: (to) => ['readable', to.host.addSource(new Source(sink.readable), to.invocation)],
        discard: () => sink.readable.destroy(),
      };
    }
    case 'writable': {
      // The sender reads the pipe `id` is the sink of (writablePipe); the recipient writes into it.
      const sink = from.host.sinks.get(id);
      if (!sink) throw new TypeError('Invalid RPC value.');
      return {
        give(to) {
          from.host.sinks.delete(id);
          setIn(writablesOf, to.invocation).add(sink);
          return ['writable', to.host.addSink(sink, to.invocation)];
        },
        discard: () => sink.end(['Error', 'The RPC call did not reach its recipient.']),
      };
    }
    default:
      return { give: () => entry };
  }
}

// ---- calls and replies ----

function openReply(caller, callee = null) {
  const id = nextId++;
  const { promise, resolve, reject } = Promise.withResolvers();
  replies.set(id, { caller, callee, resolve, reject });
  if (callee) setIn(owedBy, callee.invocation).add(id);
  return { id, promise };
}

// Reply `id`, no longer open (or undefined).
function takeReply(id) {
  const reply = replies.get(id);
  if (!reply) return undefined;
  replies.delete(id);
  if (reply.callee) owedBy.get(reply.callee.invocation)?.delete(id);
  return reply;
}

function failReply(id, err) {
  takeReply(id)?.reject(err);
}

function checkCall(path, args) {
  if (!Array.isArray(path) || !path.every((name) => typeof name === 'string') || (args !== null && !Array.isArray(args))) {
    throw new TypeError('Invalid RPC call.');
  }
}

// A call (or, with `args` null, a property read) at `path` of another worker's entrypoint or
// object, made by the current event of `host`: `deliver(receive)` delivers it as an event of that
// worker, where `receive(calleeHost, invocation)` gives [arguments, reply id] as it receives them.
export function callEvent(host, callId, path, args, deliver) {
  checkCall(path, args);
  const caller = { host, invocation: host.current };
  const payload = args === null ? null : transfer(args, caller);
  const reply = openReply(caller);
  host.completeWith(callId, reply.promise);
  Promise.resolve()
    .then(() => deliver((calleeHost, invocation) => [payload?.give({ host: calleeHost, invocation }) ?? null, reply.id]))
    .then(
      () => replies.has(reply.id) && failReply(reply.id, new Error('The RPC call ended without a result.')),
      (err) => {
        payload?.discard();
        failReply(reply.id, err);
      },
    );
}

// A call on a stub: delivered as a turn of the event that exported the object.
function capCall(host, callId, capId, path, args) {
  checkCall(path, args);
  const { exporter, exportId } = heldCapability(host, capId);
  const caller = { host, invocation: host.current };
  const payload = args === null ? null : transfer(args, caller);
  const reply = openReply(caller, exporter);
  host.completeWith(callId, reply.promise);
  Promise.resolve().then(() => {
    if (ended(exporter)) {
      payload?.discard();
      failReply(reply.id, exporter.host.dead ?? new Error(CANCELED));
      return;
    }
    exporter.host.capCall(exporter.invocation, exportId, path, payload?.give(exporter) ?? null, reply.id);
  });
}

// The callee's outcome: (true, a payload's tree and specials) or (false, error detail, null).
// `finishId`: the RPC event that answered, when the reply also ends it (nothing else keeps it); its
// cancelled timers are returned, as `settled` returns them.
function rpcReply(host, replyId, ok, value, specials, finishId) {
  deliverReply(host, replyId, ok, value, specials);
  return finishId ? host.finish(finishId) : null;
}

// Resolves the reply with the outcome as its caller receives it: [true, payload] or [false, error
// detail].
function deliverReply(host, replyId, ok, value, specials) {
  if (typeof ok !== 'boolean') throw new TypeError('Invalid RPC outcome.');
  const reply = replies.get(replyId);
  // Plain data (no specials), or an error, is delivered as it is.
  const payload = ok && specials !== null ? transfer([value, specials], { host, invocation: host.current }) : null;
  takeReply(replyId);
  if (!reply || ended(reply.caller)) {
    payload?.discard();
    return;
  }
  if (payload) reply.resolve([true, payload.give(reply.caller)]);
  else reply.resolve(ok ? [true, [value, null]] : [false, value]);
}

// A pipe for a WritableStream being sent: [sink id, source id].
function writablePipe(host) {
  const sink = new Sink();
  return [host.addSink(sink), host.addSource(new Source(sink.readable))];
}

function rpcRelease(host, capId) {
  if (capabilities.get(capId)?.holder.host === host) releaseCapability(capId);
}

// The event `invocation` of `host` ended (or its isolate died): its stubs are released, stubs for
// its objects stop working, and calls into it that it did not answer fail.
export function endInvocation(host, invocation) {
  for (const id of [...(heldBy.get(invocation) ?? [])]) releaseCapability(id);
  heldBy.delete(invocation);
  for (const id of exportedBy.get(invocation) ?? []) {
    const capability = capabilities.get(id);
    capability.live = false;
    host.pendingOps -= 1;
    countsOf(host).delete(capability.exportId);
  }
  exportedBy.delete(invocation);
  // Unlike a response body, a WritableStream received over RPC ends with the event.
  for (const sink of writablesOf.get(invocation) ?? []) sink.end(['Error', 'The WritableStream was not closed before the event that received it ended.']);
  writablesOf.delete(invocation);
  for (const id of [...(owedBy.get(invocation) ?? [])]) failReply(id, host.dead ?? new Error(CANCELED));
  owedBy.delete(invocation);
}

export const ops = { capCall, rpcReply, rpcRelease, writablePipe };
