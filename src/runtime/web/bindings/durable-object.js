// A Durable Object namespace binding (`[[durable_objects.bindings]]`): ids (idFromName,
// newUniqueId, idFromString) and stubs. A stub's fetch() reaches the object as a request would;
// any other name is a member of the object's class (which extends DurableObject), over RPC.
// Ids carry a tag of their namespace in their last 8 hex digits, so an id of another class is
// refused, as Workers refuses it.
import { hostCall } from '../internal/bridge.js';
import { sendRequest } from '../fetch.js';
import { Request } from '../request.js';
import { DurableObjectId } from '../durable-object-id.js';

const kCreate = Symbol('create');

export class DurableObjectNamespace {
  #binding;

  constructor(token, binding) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
    this.#binding = binding;
  }

  idFromName(name) {
    const text = String(name);
    return new DurableObjectId(hostCall('doId', this.#binding, 'name', text), text);
  }

  newUniqueId(options = undefined) {
    return new DurableObjectId(hostCall('doId', this.#binding, 'unique', options?.jurisdiction ?? null));
  }

  idFromString(hex) {
    return new DurableObjectId(hostCall('doId', this.#binding, 'string', String(hex)));
  }

  get(id, options = undefined) {
    if (!(id instanceof DurableObjectId)) throw new TypeError("Failed to execute 'get' on 'DurableObjectNamespace': parameter 1 is not of type 'DurableObjectId'.");
    // An id from another namespace is refused here rather than at the first call.
    hostCall('doId', this.#binding, 'string', id.toString());
    return createStub(this.#binding, id);
  }

  getByName(name, options = undefined) {
    return this.get(this.idFromName(name), options);
  }

  jurisdiction() {
    return this;
  }
}
Object.defineProperty(DurableObjectNamespace.prototype, Symbol.toStringTag, { value: 'DurableObjectNamespace', configurable: true });

export class DurableObjectStub {
  constructor(token) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
  }
}
Object.defineProperty(DurableObjectStub.prototype, Symbol.toStringTag, { value: 'DurableObjectStub', configurable: true });

function createStub(binding, id) {
  // Required, not imported: the platform's parts that use it share one instance (see prelude.js).
  const { rpcProxy, hostTarget } = require('./stub.js');
  const route = ['object', binding, id.toString(), id.name ?? null];
  return rpcProxy(new DurableObjectStub(kCreate), {
    fetch: (input, init = undefined) => sendRequest(new Request(input, init), route),
    id,
    name: id.name,
  }, hostTarget('doCall', binding, id.toString(), id.name ?? null));
}

export function createDurableObjectNamespace(binding) {
  return new DurableObjectNamespace(kCreate, binding);
}
