// A service binding (`[[services]]`): `fetch()` sends a request to the other worker as an HTTP
// request would arrive, without a socket; any other method name is an RPC call to its
// WorkerEntrypoint. Arguments and results are structured-cloned (functions, streams and RpcTarget
// instances do not cross; see the README).
import { sendRequest } from '../fetch.js';
import { Request } from '../request.js';
import { rpcProxy, rpcCall } from './stub.js';

const kCreate = Symbol('create');

export class Fetcher {
  constructor(token) {
    if (token !== kCreate) throw new TypeError('Illegal constructor');
  }
}
Object.defineProperty(Fetcher.prototype, Symbol.toStringTag, { value: 'Fetcher', configurable: true });

export function createService(binding) {
  return rpcProxy(new Fetcher(kCreate), {
    fetch: (input, init = undefined) => sendRequest(new Request(input, init), ['service', binding]),
    connect: () => {
      throw new Error('connect() over a service binding is not supported.');
    },
  }, (method, args) => rpcCall('serviceCall', binding, method, args));
}
