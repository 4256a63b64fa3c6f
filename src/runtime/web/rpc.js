// The receiving side of RPC over service bindings: `env.SVC.method(...args)` in one worker calls
// `method` on a new instance of the other worker's WorkerEntrypoint class (its default export, or
// the named export the binding's `entrypoint` names), with `this.env` and `this.ctx`. Arguments and
// the result are structured-cloned by the host; an exception arrives with its class and message.
import { hostCall } from './internal/bridge.js';
import { Invocation, mainExport, getEnv, describeError } from './dispatch.js';
import { WorkerEntrypoint } from './workers-module.js';

// Methods that are never callable over RPC (they exist on every object, or are the runtime's).
const RESERVED = new Set(['constructor', 'fetch', 'connect', 'then', 'dup', 'toString', 'valueOf', 'toJSON']);

function receiver(entrypoint, invocation) {
  const exported = mainExport(entrypoint);
  const name = entrypoint ?? 'default';
  if (exported === undefined) throw new TypeError(`The worker has no entrypoint named "${name}".`);
  if (typeof exported !== 'function' || !(exported.prototype instanceof WorkerEntrypoint)) {
    throw new TypeError(`The entrypoint "${name}" does not support RPC: it must be a class that extends WorkerEntrypoint.`);
  }
  return new exported(invocation.context, getEnv());
}

// Entered by the host; reports [true, result] or [false, [name, message, stack]] once the
// method's promise and the event's waitUntil() work settled.
export function dispatchRpc(id, entrypoint, method, args) {
  const invocation = new Invocation(id);
  callMethod(invocation, () => receiver(entrypoint, invocation), WorkerEntrypoint, method, args);
}

// Calls `method` with `args` on the object `getInstance()` returns (or resolves to): only methods
// of its class and its ancestors below `base` are callable. Reports the outcome as dispatchRpc does.
export function callMethod(invocation, getInstance, base, method, args) {
  let result;
  try {
    result = Promise.resolve(getInstance()).then((instance) => invoke(instance, base, method, args));
  } catch (err) {
    result = Promise.reject(err);
  }
  report(invocation, result);
}

function invoke(instance, base, method, args) {
  let fn = null;
  for (let proto = Object.getPrototypeOf(instance); proto && proto !== base.prototype; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, method);
    if (descriptor) {
      fn = typeof descriptor.value === 'function' ? descriptor.value : null;
      break;
    }
  }
  if (RESERVED.has(method) || fn === null) throw new TypeError(`The RPC receiver does not implement the method "${method}".`);
  return fn.apply(instance, args);
}

function report(invocation, result) {
  const { id } = invocation;
  let outcome;
  Promise.resolve(result).then(
    (value) => {
      outcome = [true, value === undefined ? null : value, value === undefined];
    },
    (err) => {
      outcome = [false, describeError(err)];
    },
  ).then(() => invocation.settle(() => {
    try {
      hostCall('eventOutcome', id, outcome);
    } catch (err) {
      // The result could not be cloned (a function, a class instance with private state, ...).
      hostCall('eventOutcome', id, [false, ['DOMException', String(err?.message ?? err), 'DataCloneError']]);
    }
  }));
}
