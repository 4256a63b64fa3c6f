// RPC over service bindings: the call is delivered to the other worker as an event of its own
// (charged to it), and its result (or error) completes the caller's promise. Arguments and
// results cross as structured clones.
function serviceCall(host, callId, binding, method, args) {
  const { entrypoint } = host.binding(binding, 'service');
  if (typeof method !== 'string' || !Array.isArray(args)) throw new TypeError('Invalid RPC call.');
  const target = host.service(binding);
  // Delivered after the current turn (a delivery never enters an isolate from inside its turn).
  host.completeWith(callId, Promise.resolve().then(() => target.rpc(entrypoint ?? null, method, args)).then(({ outcome }) => outcome));
}

export const ops = { serviceCall };
