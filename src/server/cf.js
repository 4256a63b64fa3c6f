// request.cf and the CF-* headers a Worker sees on an incoming request. There is no edge network
// in front of a self-hosted server, so the location fields are configurable defaults.
import { randomBytes } from 'node:crypto';

export const DEFAULT_CF = Object.freeze({
  colo: 'LOC',
  country: 'US',
  city: 'Austin',
  continent: 'NA',
  region: 'Texas',
  regionCode: 'TX',
  postalCode: '78701',
  metroCode: '635',
  latitude: '30.27130',
  longitude: '-97.74260',
  timezone: 'America/Chicago',
  asn: 0,
  asOrganization: 'Outpost',
  clientTcpRtt: 0,
  requestPriority: '',
  edgeRequestKeepAliveStatus: 1,
  verifiedBotCategory: '',
});

// The client's address as Workers reports it: IPv4-mapped IPv6 unwrapped.
export function clientAddress(socket) {
  const address = socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

// Returns a function giving each request's `request.cf` as JSON text. Only a few fields depend on
// the request (protocol, TLS, Accept-Encoding), so the text is built once per combination of them.
export function cfBuilder(overrides = {}) {
  const base = { ...DEFAULT_CF, ...overrides };
  const texts = new Map();
  const build = (req) => {
    const tls = req.socket.encrypted === true;
    const fields = {
      httpProtocol: `HTTP/${req.httpVersion}`,
      tlsVersion: tls ? req.socket.getProtocol?.() ?? '' : '',
      tlsCipher: tls ? req.socket.getCipher?.()?.name ?? '' : '',
      clientAcceptEncoding: req.headers['accept-encoding'] ?? '',
    };
    const key = `${fields.httpProtocol}|${fields.tlsVersion}|${fields.tlsCipher}|${fields.clientAcceptEncoding}`;
    let text = texts.get(key);
    if (text === undefined) {
      if (texts.size >= 256) texts.clear();
      text = JSON.stringify({ ...base, ...fields });
      texts.set(key, text);
    }
    return text;
  };
  build.base = base;
  return build;
}

// Ray ids only need to be unique: a random per-process prefix and a counter, which spares a
// call into the CSPRNG on every request.
const rayPrefix = randomBytes(4).toString('hex');
let rayCounter = 0;

function nextRayId() {
  rayCounter = (rayCounter + 1) % 0x100000000;
  return rayPrefix + rayCounter.toString(16).padStart(8, '0');
}

// Headers Cloudflare adds in front of every Worker. Replaces any the client sent itself.
// A request forwarded by another process of the server carries its client's address as
// `req.forwardedFor`.
export function edgeHeaders(req, { country, colo }) {
  const ip = req.forwardedFor ?? clientAddress(req.socket);
  return [
    'cf-connecting-ip', ip,
    'cf-ipcountry', country,
    'cf-ray', `${nextRayId()}-${colo}`,
    'cf-visitor', req.socket.encrypted ? '{"scheme":"https"}' : '{"scheme":"http"}',
    'x-forwarded-proto', req.socket.encrypted ? 'https' : 'http',
    'x-real-ip', ip,
  ];
}

const EDGE_HEADER_NAMES = new Set(['cf-connecting-ip', 'cf-ipcountry', 'cf-ray', 'cf-visitor', 'x-forwarded-proto', 'x-real-ip']);

export function isEdgeHeader(name) {
  return EDGE_HEADER_NAMES.has(name.toLowerCase());
}
