// node:tls as Workers has it: connect() and TLSSocket over cloudflare:sockets (secureTransport
// "on", or startTls() when upgrading a node:net socket given as `options.socket`),
// checkServerIdentity, createSecureContext. The certificate is always verified against the
// host's trust store (as Workers verifies it): `rejectUnauthorized: false`, `ca`, `cert` and `key`
// change nothing. Servers are not supported: createServer() and new Server() throw.
const net = () => require('./net.js');
const internals = () => net().Socket[Symbol.for('outpost.net.internals')];

function notImplemented(name) {
  const err = new Error(`The ${name} method is not implemented`);
  err.code = 'ERR_METHOD_NOT_IMPLEMENTED';
  return err;
}

let TLSSocketClass = null;

// TLSSocket extends node:net's Socket, which is itself built on first use.
function tlsSocketClass() {
  if (TLSSocketClass) return TLSSocketClass;
  const { kAttach, kUpgrade } = internals();
  TLSSocketClass = class TLSSocket extends net().Socket {
    constructor(socket = undefined, options = {}) {
      super(options);
      this.encrypted = true;
      this.authorized = false;
      this.authorizationError = null;
      this.alpnProtocol = false;
      this.servername = options?.servername ?? null;
      // Wrapping a connected node:net socket: the connection is upgraded where it is.
      if (socket instanceof net().Socket) {
        const [upgraded, host, port] = socket[kUpgrade](this.servername ?? options?.host ?? socket.remoteAddress);
        this.setHostAndPort(host, port);
        this[kAttach](upgraded);
      }
    }
    setHostAndPort(host, port) {
      this._outpostHost = host;
      this._outpostPort = port;
    }
    get remoteAddress() {
      return super.remoteAddress ?? this._outpostHost;
    }
    get remotePort() {
      return super.remotePort ?? this._outpostPort;
    }
    getPeerCertificate() {
      return {};
    }
    getCertificate() {
      return {};
    }
    getProtocol() {
      return null;
    }
    getCipher() {
      return null;
    }
    getSession() {
      return undefined;
    }
    isSessionReused() {
      return false;
    }
    getEphemeralKeyInfo() {
      return {};
    }
    getFinished() {
      return undefined;
    }
    getPeerFinished() {
      return undefined;
    }
    getSharedSigalgs() {
      return [];
    }
    exportKeyingMaterial() {
      throw notImplemented('TLSSocket.exportKeyingMaterial()');
    }
    setMaxSendFragment() {
      return true;
    }
    renegotiate() {
      throw notImplemented('TLSSocket.renegotiate()');
    }
    disableRenegotiation() {}
    enableTrace() {}
  };
  return TLSSocketClass;
}

// tls.connect(options[, cb]), (port[, host][, options][, cb]).
export function connect(...args) {
  let options;
  let callback;
  if (args[0] !== null && typeof args[0] === 'object') {
    options = { ...args[0] };
    callback = args.find((a) => typeof a === 'function');
  } else {
    options = { port: args[0] };
    let i = 1;
    if (typeof args[i] === 'string') options.host = args[i++];
    if (args[i] !== null && typeof args[i] === 'object') options = { ...args[i++], ...options };
    callback = typeof args[i] === 'function' ? args[i] : undefined;
  }
  const TLSSocket = tlsSocketClass();
  if (options.socket) {
    const socket = new TLSSocket(options.socket, options);
    if (callback) socket.once('secureConnect', callback);
    return socket;
  }
  const socket = new TLSSocket(undefined, options);
  socket.connect({ host: options.host, port: options.port, timeout: options.timeout }, callback);
  return socket;
}

// Node's hostname check against a certificate's subject and subjectaltname.
export function checkServerIdentity(hostname, cert) {
  const subject = cert?.subject ?? {};
  const names = String(cert?.subjectaltname ?? '').split(/,\s*/).filter(Boolean);
  const dns = names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4).toLowerCase());
  const ips = names.filter((n) => n.startsWith('IP Address:')).map((n) => n.slice(11));
  const host = String(hostname).toLowerCase().replace(/\.$/, '');
  const matches = (pattern) => {
    if (pattern === host) return true;
    if (!pattern.startsWith('*.')) return false;
    const rest = pattern.slice(1);
    return host.endsWith(rest) && !host.slice(0, -rest.length).includes('.');
  };
  let ok;
  let reason;
  if (net().isIP(host)) {
    ok = ips.includes(host);
    reason = `IP: ${hostname} is not in the cert's list: ${ips.join(', ')}`;
  } else if (dns.length > 0) {
    ok = dns.some(matches);
    reason = `Host: ${hostname}. is not in the cert's altnames: ${names.join(', ')}`;
  } else {
    const cn = subject.CN;
    ok = Array.isArray(cn) ? cn.some((c) => matches(String(c).toLowerCase())) : cn !== undefined && matches(String(cn).toLowerCase());
    reason = cn === undefined ? 'Cert does not contain a DNS name' : `Host: ${hostname}. is not cert's CN: ${cn}`;
  }
  if (ok) return undefined;
  const err = new Error(`Hostname/IP does not match certificate's altnames: ${reason}`);
  err.code = 'ERR_TLS_CERT_ALTNAME_INVALID';
  err.reason = reason;
  err.host = hostname;
  err.cert = cert;
  return err;
}

export class SecureContext {
  constructor(options = {}) {
    this.context = { options };
  }
}

export function createSecureContext(options = {}) {
  return new SecureContext(options);
}

export function createServer() {
  throw notImplemented('createServer()');
}

export class Server {
  constructor() {
    throw notImplemented('Server');
  }
}

export function getCiphers() {
  return ['aes128-gcm-sha256', 'aes128-sha', 'aes128-sha256', 'aes256-gcm-sha384', 'aes256-sha', 'aes256-sha256', 'chacha20-poly1305-sha256', 'ecdhe-ecdsa-aes128-gcm-sha256', 'ecdhe-ecdsa-aes256-gcm-sha384', 'ecdhe-ecdsa-chacha20-poly1305', 'ecdhe-rsa-aes128-gcm-sha256', 'ecdhe-rsa-aes256-gcm-sha384', 'ecdhe-rsa-chacha20-poly1305', 'tls_aes_128_gcm_sha256', 'tls_aes_256_gcm_sha384', 'tls_chacha20_poly1305_sha256'];
}

export function convertALPNProtocols(protocols, out) {
  const list = Array.isArray(protocols) ? protocols : [];
  const bytes = [];
  for (const p of list) {
    const encoded = new TextEncoder().encode(String(p));
    bytes.push(encoded.length, ...encoded);
  }
  if (out) out.ALPNProtocols = new Uint8Array(bytes);
}

export const CLIENT_RENEG_LIMIT = 3;
export const CLIENT_RENEG_WINDOW = 600;
export const DEFAULT_CIPHERS = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384';
export const DEFAULT_ECDH_CURVE = 'auto';
export const DEFAULT_MIN_VERSION = 'TLSv1.2';
export const DEFAULT_MAX_VERSION = 'TLSv1.3';
export const rootCertificates = Object.freeze([]);

export const TLSSocket = tlsSocketClass();

const api = {
  CLIENT_RENEG_LIMIT,
  CLIENT_RENEG_WINDOW,
  DEFAULT_CIPHERS,
  DEFAULT_ECDH_CURVE,
  DEFAULT_MAX_VERSION,
  DEFAULT_MIN_VERSION,
  SecureContext,
  Server,
  TLSSocket,
  checkServerIdentity,
  connect,
  convertALPNProtocols,
  createSecureContext,
  createServer,
  getCiphers,
  rootCertificates,
};
export default api;
