// Which deployed worker serves a request, from its host and path: a custom domain, else the most
// specific matching route, else `<name>.<base domain>` for workers with workers_dev on.
//
// Route patterns are Cloudflare's: `host/path`, an optional scheme, a wildcard only at the start
// of the host (`*.example.com`, `*example.com`) and at the end of the path (`/api/*`).

export class RouteError extends Error {
  constructor(message) {
    super(message);
    this.name = 'RouteError';
  }
}

const HOST = /^(\*?)([a-z0-9.-]*)$/;

// { scheme, hostWildcard, host, path, pathWildcard } of a route pattern; throws a RouteError.
export function parseRoutePattern(pattern) {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > 1024) throw new RouteError(`Invalid route pattern ${JSON.stringify(pattern)}: expected host/path`);
  let rest = pattern.trim().toLowerCase();
  let scheme = null;
  const schemeMatch = /^(https?):\/\//.exec(rest);
  if (schemeMatch) {
    scheme = schemeMatch[1];
    rest = rest.slice(schemeMatch[0].length);
  }
  const slash = rest.indexOf('/');
  const hostPart = slash === -1 ? rest : rest.slice(0, slash);
  const pathPart = slash === -1 ? '/*' : rest.slice(slash);
  const host = HOST.exec(hostPart);
  if (!host || host[2].length === 0 || host[2].includes('*')) throw new RouteError(`Invalid route pattern "${pattern}": the host may only start with a wildcard ("*.example.com/*")`);
  if (pathPart.includes('?')) throw new RouteError(`Invalid route pattern "${pattern}": query strings are not allowed`);
  const pathWildcard = pathPart.endsWith('*');
  const path = pathWildcard ? pathPart.slice(0, -1) : pathPart;
  if (path.includes('*')) throw new RouteError(`Invalid route pattern "${pattern}": a wildcard is only allowed at the end of the path`);
  return { scheme, hostWildcard: host[1] === '*', host: host[2], path, pathWildcard };
}

// A custom domain is a host name alone.
export function parseCustomDomain(pattern) {
  const host = typeof pattern === 'string' ? pattern.trim().toLowerCase() : '';
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(host)) {
    throw new RouteError(`Invalid custom domain ${JSON.stringify(pattern)}: expected a host name such as "shop.example.com", without a path or wildcard`);
  }
  return host;
}

// wrangler's route entries (strings, or { pattern, zone_name?, zone_id?, custom_domain? }) as
// { pattern, customDomain }.
export function routeEntries(routes) {
  return routes.map((route) => (typeof route === 'string' ? { pattern: route, customDomain: false } : { pattern: route.pattern, customDomain: route.custom_domain === true }));
}

// How specific a matching route is: an exact host beats a wildcard one, a longer host suffix a
// shorter one, then a longer path.
const specificity = (route) => [route.hostWildcard ? 0 : 1, route.host.length, route.pathWildcard ? 0 : 1, route.path.length];

function compareSpecificity(a, b) {
  const x = specificity(a);
  const y = specificity(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return y[i] - x[i];
  return 0;
}

export class Router {
  // baseDomain: workers are reachable at `<name>.<baseDomain>`.
  constructor(baseDomain) {
    this.baseDomain = baseDomain.toLowerCase();
    this.domains = new Map(); // host -> worker
    this.routes = []; // parsed patterns with .worker, most specific first
    this.byName = new Set(); // workers reachable by name
  }

  // workers: [{ name, routes: routeEntries(...), workersDev }]. Patterns were checked at deploy.
  update(workers) {
    this.domains.clear();
    this.byName.clear();
    const routes = [];
    for (const worker of workers) {
      for (const route of worker.routes) {
        if (route.customDomain) this.domains.set(parseCustomDomain(route.pattern), worker.name);
        else routes.push({ ...parseRoutePattern(route.pattern), worker: worker.name });
      }
      if (worker.workersDev) this.byName.add(worker.name);
    }
    this.routes = routes.sort(compareSpecificity);
  }

  // The worker's name for a request, or null.
  resolve(hostHeader, target, scheme = 'http') {
    const host = stripPort(hostHeader ?? '').toLowerCase();
    const domain = this.domains.get(host);
    if (domain) return domain;
    const pathname = target.split('?', 1)[0];
    for (const route of this.routes) {
      if (route.scheme && route.scheme !== scheme) continue;
      if (route.hostWildcard ? !host.endsWith(route.host) : host !== route.host) continue;
      if (route.pathWildcard ? pathname.startsWith(route.path) : pathname === route.path) return route.worker;
    }
    const suffix = `.${this.baseDomain}`;
    if (host.endsWith(suffix)) {
      const name = host.slice(0, -suffix.length);
      if (this.byName.has(name)) return name;
    }
    return null;
  }
}

function stripPort(host) {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
