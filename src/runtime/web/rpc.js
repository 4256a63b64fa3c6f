// The receiving side of RPC. `env.SVC.method(...args)` in one worker becomes an event here that
// calls `method` on a new instance of this worker's WorkerEntrypoint class (its default export,
// or the named export the binding's `entrypoint` names), with `this.env` and `this.ctx`; a
// Durable Object's calls arrive the same way (durable-objects.js). Calls on stubs of objects this
// worker exported (functions, RpcTargets) run as turns of the event that exported them.
//
// A call reaches a member by a path of property names (`env.SVC.config.get()`), by the rules of
// rpc-values.js; a path with no arguments (null) reads a property. The result, or the exception's
// class and message, goes back as soon as the call settles; stubs received as arguments are
// disposed then, unless the callee kept a dup().
import { hostCall, asDataCloneError } from './internal/bridge.js';
import { Invocation, mainExport, getEnv } from './dispatch.js';
import { WorkerEntrypoint } from './workers-module.js';

// Required, not imported: the platform's parts that use them share one instance (see prelude.js).
let valuesExports = null;
let stubExports = null;
const values = () => (valuesExports ??= require('./rpc-values.js'));
const stubModule = () => (stubExports ??= require('./bindings/stub.js'));

const NO_ARGUMENTS = Object.freeze({ value: null, stubs: Object.freeze([]) });

function receiver(entrypoint, invocation) {
  const exported = mainExport(entrypoint);
  const name = entrypoint ?? 'default';
  if (exported === undefined) throw new TypeError(`The worker has no entrypoint named "${name}".`);
  if (typeof exported !== 'function' || !(exported.prototype instanceof WorkerEntrypoint)) {
    throw new TypeError(`The entrypoint "${name}" does not support RPC: it must be a class that extends WorkerEntrypoint.`);
  }
  return new exported(invocation.context, getEnv());
}

// Entered by the host for a call over a service binding.
export function dispatchRpc(id, entrypoint, path, args, replyId) {
  const invocation = new Invocation(id);
  serveRpcEvent(invocation, () => receiver(entrypoint, invocation), path, args, replyId);
}

// Serves the call at `path` of the object `getReceiver()` returns (or resolves to) as the RPC
// event `invocation`, which then lasts until its waitUntil() work settled and no stub of an object
// it exported is held elsewhere.
export function serveRpcEvent(invocation, getReceiver, path, args, replyId) {
  invocation.servesRpc = true;
  answer(replyId, args, invocation, (params) => Promise.resolve(getReceiver()).then((root) => values().invokePath(root, path, params)));
}

// Entered by the host for a call on a stub of an object this isolate exported.
export function dispatchCapCall(exportId, path, args, replyId) {
  answer(replyId, args, null, (params) => {
    const target = values().exportedValue(exportId);
    if (target === undefined) throw new Error('RPC stub used after being disposed.');
    return values().invokePath(target, path, params);
  });
}

// Runs `call(decoded arguments)` and replies with its outcome. `invocation`: the RPC event the
// call is, if it is one (not a call on an exported object), which is settled once it replied.
function answer(replyId, args, invocation, call) {
  const received = args === null ? NO_ARGUMENTS : values().decode(args);
  let result;
  try {
    result = call(received.value);
  } catch (err) {
    result = Promise.reject(err);
  }
  Promise.resolve(result).then(
    (value) => reply(replyId, received.stubs, invocation, encodeOutcome(value)),
    (err) => reply(replyId, received.stubs, invocation, values().errorOutcome(err)),
  );
}

// An outcome is [true, tree, specials] (the result's payload, see rpc-values.js) or [false, error
// detail, null]. Encoded and sent in one go: the host takes over the streams the value holds
// before they end.
function encodeOutcome(value) {
  try {
    const [tree, specials] = values().encode(value);
    return [true, tree, specials];
  } catch (err) {
    return values().errorOutcome(err);
  }
}

function reply(replyId, receivedStubs, invocation, outcome) {
  // With no waitUntil() work pending (stubs of its objects held elsewhere count as such), the
  // reply also ends the event: one host call, not two.
  const finishing = invocation !== null && !invocation.closed && invocation.pending.length === 0;
  const finishId = finishing ? invocation.id : 0;
  let cancelledTimers;
  try {
    // Spread out, so that a primitive result crosses without V8's serializer.
    cancelledTimers = hostCall('rpcReply', replyId, outcome[0], outcome[1], outcome[2], finishId);
  } catch (err) {
    // The host could not copy the result (an object V8 cannot serialize).
    const [ok, detail, specials] = values().errorOutcome(asDataCloneError(err));
    cancelledTimers = hostCall('rpcReply', replyId, ok, detail, specials, finishId);
  }
  if (finishing) invocation.close(cancelledTimers);
  // After the reply: a result may forward a stub received as an argument.
  stubModule().disposeStubs(receivedStubs);
  if (invocation !== null && !finishing) invocation.settle();
}
