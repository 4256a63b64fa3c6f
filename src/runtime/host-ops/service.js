// RPC over service bindings: the call is delivered to the other worker as an event of its own
// (charged to it), and its reply completes the caller's promise (see rpc.js).
import { callEvent } from './rpc.js';

// A call (or, `args` null, a read) at `path` of the binding's WorkerEntrypoint.
function serviceCall(host, callId, binding, path, args) {
  const { entrypoint } = host.binding(binding, 'service');
  const target = host.service(binding);
  callEvent(host, callId, path, args, (receive) => target.rpc(entrypoint ?? null, path, receive));
}

export const ops = { serviceCall };
