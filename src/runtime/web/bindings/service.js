// A service binding (`[[services]]`): `fetch()` sends a request to the other worker as an HTTP
// request would arrive, without a socket; any other name is a member of its WorkerEntrypoint,
// reached over RPC (see stub.js and rpc-values.js).
import { sendRequest } from '../fetch.js';
import { Request } from '../request.js';

const kCreate = Symbol('create');

export class Fetcher {
  constructor(token) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
  }
}
Object.defineProperty(Fetcher.prototype, Symbol.toStringTag, { value: 'Fetcher', configurable: true });

export function createService(binding) {
  // Required, not imported: the platform's parts that use it share one instance (see prelude.js).
  const { rpcProxy, hostTarget } = require('./stub.js');
  return rpcProxy(new Fetcher(kCreate), {
    fetch: (input, init = undefined) => sendRequest(new Request(input, init), ['service', binding]),
    connect: () => {
      throw new Error('connect() over a service binding is not supported.');
    },
  }, hostTarget('serviceCall', binding));
}
