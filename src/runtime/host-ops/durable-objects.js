// Durable Object namespaces' host side: ids, and calls from stubs. An object lives in the isolate
// of the worker that exports its class (the binding's script_name, or the worker itself); the
// call is delivered there as an event of that worker.
import { createHash, randomBytes } from 'node:crypto';
import { callEvent } from './rpc.js';

const tagOf = (namespace) => createHash('sha256').update(namespace).digest('hex').slice(0, 8);

// kind 'name': the id for a name (the same every time); 'unique': a new random id; 'string': the
// id `value` checked to be one of this namespace.
function doId(host, binding, kind, value) {
  const { namespace } = host.objectTarget(binding);
  const tag = tagOf(namespace);
  if (kind === 'name') return createHash('sha256').update(`${namespace}\0${value}`).digest('hex').slice(0, 56) + tag;
  if (kind === 'unique') return randomBytes(28).toString('hex') + tag;
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) throw new TypeError('Invalid Durable Object ID: must be 64 hex digits');
  if (value.slice(56) !== tag) throw new TypeError('Durable Object ID is not valid for this namespace.');
  return value;
}

// An RPC call (or, `args` null, a read) at `path` of the object, from a stub; delivered as an
// event of the object, which may live in this very isolate (see rpc.js).
function doCall(host, callId, binding, id, name, path, args) {
  if (typeof id !== 'string') throw new TypeError('Invalid Durable Object call.');
  doId(host, binding, 'string', id);
  const { worker, className } = host.objectTarget(binding);
  callEvent(host, callId, path, args, (receive) => worker.objectRpc(className, id, name, path, receive));
}

export const ops = { doId, doCall };
