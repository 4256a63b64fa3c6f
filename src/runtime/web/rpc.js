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
const values = () => require('./rpc-values.js');
const stubModule = () => require('./bindings/stub.js');

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
  answer(replyId, args, (params) => Promise.resolve(getReceiver()).then((root) => values().invokePath(root, path, params))).then(() => invocation.settle());
}

// Entered by the host for a call on a stub of an object this isolate exported.
export function dispatchCapCall(exportId, path, args, replyId) {
  answer(replyId, args, (params) => {
    const target = values().exportedValue(exportId);
    if (target === undefined) throw new Error('RPC stub used after being disposed.');
    return values().invokePath(target, path, params);
  });
}

// Runs `call(decoded arguments)` and replies with its outcome.
function answer(replyId, args, call) {
  const { encode, decode, errorOutcome } = values();
  const params = args === null ? { value: null, stubs: [] } : decode(args);
  let result;
  try {
    result = call(params.value);
  } catch (err) {
    result = Promise.reject(err);
  }
  const reply = (outcome) => {
    try {
      hostCall('rpcReply', replyId, outcome);
    } catch (err) {
      // The host could not copy the result (an object V8 cannot serialize).
      hostCall('rpcReply', replyId, errorOutcome(asDataCloneError(err)));
    }
    // After the reply: a result may forward a stub received as an argument.
    stubModule().disposeStubs(params.stubs);
  };
  return Promise.resolve(result).then(
    (value) => {
      // Encoded and sent in one go: the host takes over the streams it holds before they end.
      let outcome;
      try {
        outcome = [true, encode(value)];
      } catch (err) {
        outcome = errorOutcome(err);
      }
      reply(outcome);
    },
    (err) => reply(errorOutcome(err)),
  );
}
