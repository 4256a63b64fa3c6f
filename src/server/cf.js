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

export function buildCf(req, overrides) {
  const cf = { ...DEFAULT_CF, ...overrides };
  cf.httpProtocol = `HTTP/${req.httpVersion}`;
  cf.tlsVersion = req.socket.encrypted ? req.socket.getProtocol?.() ?? '' : '';
  cf.tlsCipher = req.socket.encrypted ? req.socket.getCipher?.()?.name ?? '' : '';
  cf.clientAcceptEncoding = req.headers['accept-encoding'] ?? '';
  return cf;
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
export function edgeHeaders(req, cf) {
  const ip = clientAddress(req.socket);
  return [
    'cf-connecting-ip', ip,
    'cf-ipcountry', cf.country,
    'cf-ray', `${nextRayId()}-${cf.colo}`,
    'cf-visitor', JSON.stringify({ scheme: req.socket.encrypted ? 'https' : 'http' }),
    'x-forwarded-proto', req.socket.encrypted ? 'https' : 'http',
    'x-real-ip', ip,
  ];
}

const EDGE_HEADER_NAMES = new Set(['cf-connecting-ip', 'cf-ipcountry', 'cf-ray', 'cf-visitor', 'x-forwarded-proto', 'x-real-ip']);

export function isEdgeHeader(name) {
  return EDGE_HEADER_NAMES.has(name.toLowerCase());
}
