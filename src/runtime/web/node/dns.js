// node:dns, answered by the host's resolver (host-ops/sockets.js): lookup() through
// getaddrinfo (so /etc/hosts applies), resolve*() and reverse() through the host's DNS servers.
// Each query is a subrequest, as Workers counts its DNS-over-HTTPS queries. As in Workers,
// lookupService() and resolveAny() throw "Not implemented", setServers() changes nothing and
// getServers() names Cloudflare's resolvers. Callbacks are called asynchronously; the promise
// API is `dns.promises` (also node:dns/promises).
import { hostAsync } from '../internal/bridge.js';

export const NODATA = 'ENODATA';
export const FORMERR = 'EFORMERR';
export const SERVFAIL = 'ESERVFAIL';
export const NOTFOUND = 'ENOTFOUND';
export const NOTIMP = 'ENOTIMP';
export const REFUSED = 'EREFUSED';
export const BADQUERY = 'EBADQUERY';
export const BADNAME = 'EBADNAME';
export const BADFAMILY = 'EBADFAMILY';
export const BADRESP = 'EBADRESP';
export const CONNREFUSED = 'ECONNREFUSED';
export const TIMEOUT = 'ETIMEOUT';
export const EOF = 'EOF';
export const FILE = 'EFILE';
export const NOMEM = 'ENOMEM';
export const DESTRUCTION = 'EDESTRUCTION';
export const BADSTR = 'EBADSTR';
export const BADFLAGS = 'EBADFLAGS';
export const NONAME = 'ENONAME';
export const BADHINTS = 'EBADHINTS';
export const NOTINITIALIZED = 'ENOTINITIALIZED';
export const LOADIPHLPAPI = 'ELOADIPHLPAPI';
export const ADDRGETNETWORKPARAMS = 'EADDRGETNETWORKPARAMS';
export const CANCELLED = 'ECANCELLED';
export const ADDRCONFIG = 1024;
export const V4MAPPED = 2048;
export const ALL = 256;

const ORDERS = ['verbatim', 'ipv4first', 'ipv6first'];
let defaultOrder = 'verbatim';

function typeError(code, message) {
  const err = new TypeError(message);
  err.code = code;
  return err;
}

function describe(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name}`;
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return `type ${typeof value} (${typeof value === 'string' ? `'${value}'` : String(value)})`;
}

function validateString(value, name) {
  if (typeof value !== 'string') throw typeError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type string. Received ${describe(value)}`);
}

function validateFunction(value, name) {
  if (typeof value !== 'function') throw typeError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type function. Received ${describe(value)}`);
}

function invalidValue(name, value) {
  return typeError('ERR_INVALID_ARG_VALUE', `The argument '${name}' is invalid. Received ${typeof value === 'string' ? `'${value}'` : String(value)}`);
}

// Node's DNS error: "<syscall> <code> <hostname>".
function dnsError(code, syscall, hostname) {
  const err = new Error(`${syscall} ${code}${hostname ? ` ${hostname}` : ''}`);
  err.code = code;
  err.syscall = syscall;
  if (hostname) err.hostname = hostname;
  if (syscall === 'getaddrinfo') err.errno = { ENOTFOUND: -3008, EAI_AGAIN: -3001, EAI_FAIL: -3007, ENODATA: -3008 }[code];
  return err;
}

async function answer(promise, hostname) {
  const [status, value, syscall] = await promise;
  if (status === 'error') throw dnsError(value, syscall, hostname);
  return value;
}

const isIP = (value) => require('./net.js').isIP(value);

function lookupOptions(options) {
  let family = 0;
  let all = false;
  let order = defaultOrder;
  if (typeof options === 'number') {
    if (![0, 4, 6].includes(options)) throw typeError('ERR_INVALID_ARG_VALUE', `The argument 'family' must be one of: 0, 4, 6. Received ${options}`);
    family = options;
  } else if (options !== undefined && options !== null) {
    if (typeof options !== 'object') throw typeError('ERR_INVALID_ARG_TYPE', `The "options" argument must be one of type integer or object. Received ${describe(options)}`);
    if (options.family !== undefined && options.family !== null) {
      family = { IPv4: 4, IPv6: 6 }[options.family] ?? options.family;
      if (![0, 4, 6].includes(family)) throw typeError('ERR_INVALID_ARG_VALUE', `The property 'options.family' must be one of: 0, 4, 6. Received ${String(options.family)}`);
    }
    if (options.all !== undefined) all = Boolean(options.all);
    if (options.verbatim !== undefined) order = options.verbatim ? 'verbatim' : 'ipv4first';
    if (options.order !== undefined) {
      if (!ORDERS.includes(options.order)) throw invalidValue('options.order', options.order);
      order = options.order;
    }
  }
  return { family, all, order };
}

// The promise form of lookup(): { address, family }, or a list of them with `all`.
async function lookupAsync(hostname, { family, all, order }) {
  if (!hostname) return all ? [] : { address: null, family: family === 6 ? 6 : 4 };
  const literal = isIP(hostname);
  if (literal) return all ? [{ address: hostname, family: literal }] : { address: hostname, family: literal };
  let list = (await answer(hostAsync('dnsLookup', hostname, family), hostname)).map(([address, f]) => ({ address, family: f }));
  if (order === 'ipv4first') list = [...list.filter((e) => e.family === 4), ...list.filter((e) => e.family !== 4)];
  if (order === 'ipv6first') list = [...list.filter((e) => e.family === 6), ...list.filter((e) => e.family !== 6)];
  if (list.length === 0) throw dnsError(NOTFOUND, 'getaddrinfo', hostname);
  return all ? list : list[0];
}

export function lookup(hostname, options, callback) {
  if (hostname) validateString(hostname, 'hostname');
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  validateFunction(callback, 'callback');
  const parsed = lookupOptions(options);
  lookupAsync(hostname, parsed).then(
    (result) => (parsed.all ? callback(null, result) : callback(null, result.address, result.family)),
    (err) => callback(err),
  );
  return {};
}

export function lookupService() {
  throw new Error('Not implemented');
}

const RESOLVERS = {
  resolve4: 'A',
  resolve6: 'AAAA',
  resolveCaa: 'CAA',
  resolveCname: 'CNAME',
  resolveMx: 'MX',
  resolveNaptr: 'NAPTR',
  resolveNs: 'NS',
  resolvePtr: 'PTR',
  resolveSoa: 'SOA',
  resolveSrv: 'SRV',
  resolveTxt: 'TXT',
};

function resolveAsync(name, rrtype, ttl = false) {
  validateString(name, 'name');
  if (rrtype === 'ANY') return Promise.reject(new Error('Not implemented'));
  if (!Object.values(RESOLVERS).includes(rrtype)) throw invalidValue('rrtype', rrtype);
  return answer(hostAsync('dnsResolve', name, rrtype, ttl), name);
}

function reverseAsync(ip) {
  validateString(ip, 'ip');
  return answer(hostAsync('dnsReverse', ip), ip);
}

// callback(err, result) after the promise settles.
function withCallback(promise, callback) {
  promise.then((value) => callback(null, value), (err) => callback(err));
  return {};
}

function callbackForm(rrtype) {
  return function (name, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = undefined;
    }
    validateFunction(callback, 'callback');
    return withCallback(resolveAsync(name, rrtype, Boolean(options?.ttl)), callback);
  };
}

export const resolve4 = callbackForm('A');
export const resolve6 = callbackForm('AAAA');
export const resolveCaa = callbackForm('CAA');
export const resolveCname = callbackForm('CNAME');
export const resolveMx = callbackForm('MX');
export const resolveNaptr = callbackForm('NAPTR');
export const resolveNs = callbackForm('NS');
export const resolvePtr = callbackForm('PTR');
export const resolveSoa = callbackForm('SOA');
export const resolveSrv = callbackForm('SRV');
export const resolveTxt = callbackForm('TXT');

export function resolveAny() {
  throw new Error('Not implemented');
}

export function resolve(name, rrtype, callback) {
  if (typeof rrtype === 'function') {
    callback = rrtype;
    rrtype = 'A';
  }
  validateFunction(callback, 'callback');
  if (rrtype === 'ANY') resolveAny();
  return withCallback(resolveAsync(name, rrtype === undefined ? 'A' : String(rrtype)), callback);
}

export function reverse(ip, callback) {
  validateFunction(callback, 'callback');
  return withCallback(reverseAsync(ip), callback);
}

export function getServers() {
  return ['1.1.1.1', '2606:4700:4700::1111', '1.0.0.1', '2606:4700:4700::1001'];
}

export function setServers(servers) {
  if (!Array.isArray(servers)) throw typeError('ERR_INVALID_ARG_TYPE', `The "servers" argument must be an instance of Array. Received ${describe(servers)}`);
}

export function setDefaultResultOrder(order) {
  if (!ORDERS.includes(order)) throw invalidValue('dnsOrder', order);
  defaultOrder = order;
}

export function getDefaultResultOrder() {
  return defaultOrder;
}

// The promise API (node:dns/promises).
function promiseForm(rrtype) {
  return (name, options) => resolveAsync(name, rrtype, Boolean(options?.ttl));
}

// What both resolvers (callback and promise) have, as Node's ResolverBase.
class ResolverBase {
  getServers() {
    return getServers();
  }
  setServers(servers) {
    setServers(servers);
  }
  setLocalAddress() {}
  cancel() {}
}

class PromiseResolver extends ResolverBase {
  constructor() {
    super();
    for (const [method, rrtype] of Object.entries(RESOLVERS)) this[method] = promiseForm(rrtype);
  }
  resolve(name, rrtype = 'A') {
    return resolveAsync(name, String(rrtype));
  }
  resolveAny() {
    return Promise.reject(new Error('Not implemented'));
  }
  reverse(ip) {
    return reverseAsync(ip);
  }
}

const constants = {
  NODATA, FORMERR, SERVFAIL, NOTFOUND, NOTIMP, REFUSED, BADQUERY, BADNAME, BADFAMILY, BADRESP, CONNREFUSED, TIMEOUT, EOF, FILE,
  NOMEM, DESTRUCTION, BADSTR, BADFLAGS, NONAME, BADHINTS, NOTINITIALIZED, LOADIPHLPAPI, ADDRGETNETWORKPARAMS, CANCELLED,
};

const defaultPromiseResolver = new PromiseResolver();

export const promises = {
  ...constants,
  Resolver: PromiseResolver,
  lookup(hostname, options) {
    try {
      if (hostname) validateString(hostname, 'hostname');
      return lookupAsync(hostname, lookupOptions(options));
    } catch (err) {
      return Promise.reject(err);
    }
  },
  lookupService() {
    return Promise.reject(new Error('Not implemented'));
  },
  resolve: (name, rrtype) => defaultPromiseResolver.resolve(name, rrtype),
  resolveAny: () => defaultPromiseResolver.resolveAny(),
  reverse: (ip) => reverseAsync(ip),
  getServers,
  setServers,
  getDefaultResultOrder,
  setDefaultResultOrder,
};
for (const method of Object.keys(RESOLVERS)) promises[method] = defaultPromiseResolver[method];

export class Resolver extends ResolverBase {
  constructor() {
    super();
    for (const [method, rrtype] of Object.entries(RESOLVERS)) this[method] = callbackForm(rrtype);
  }
  resolve(name, rrtype, callback) {
    return resolve(name, rrtype, callback);
  }
  resolveAny() {
    return resolveAny();
  }
  reverse(ip, callback) {
    return reverse(ip, callback);
  }
}

export default {
  ...constants,
  ADDRCONFIG,
  ALL,
  V4MAPPED,
  Resolver,
  getDefaultResultOrder,
  getServers,
  lookup,
  lookupService,
  promises,
  resolve,
  resolve4,
  resolve6,
  resolveAny,
  resolveCaa,
  resolveCname,
  resolveMx,
  resolveNaptr,
  resolveNs,
  resolvePtr,
  resolveSoa,
  resolveSrv,
  resolveTxt,
  reverse,
  setDefaultResultOrder,
  setServers,
};
