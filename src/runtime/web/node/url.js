// node:url: URL and URLSearchParams are the isolate's globals; the legacy API (parse, format,
// resolve, resolveObject, Url) is Node's, from @jspm/core; fileURLToPath/pathToFileURL follow
// Node's POSIX rules (and Windows rules with { windows: true }); domainToASCII/domainToUnicode,
// urlToHttpOptions.
import * as legacy from '@jspm/core/nodelibs/url';
import * as punycode from '@jspm/core/nodelibs/punycode';
import { ERR_INVALID_ARG_TYPE, nodeError } from './_errors.js';

export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;
export const { Url, parse, resolve, resolveObject } = legacy;

function isURL(value) {
  return value instanceof URL || (value !== null && typeof value === 'object' && typeof value.href === 'string' && typeof value.protocol === 'string' && value.auth === undefined && value.path === undefined);
}

// url.format: legacy url objects and strings as Node formats them; WHATWG URLs with Node's
// options ({ auth, fragment, search, unicode }).
export function format(urlObject, options = undefined) {
  if (urlObject instanceof URL) {
    if (options !== undefined && (options === null || typeof options !== 'object')) throw ERR_INVALID_ARG_TYPE('options', 'Object', options);
    const { auth = true, fragment = true, search = true, unicode = false } = options ?? {};
    let out = `${urlObject.protocol}`;
    const hasHost = urlObject.host !== '' || urlObject.protocol === 'file:';
    if (hasHost) out += '//';
    if (auth && (urlObject.username || urlObject.password)) {
      out += urlObject.username;
      if (urlObject.password) out += `:${urlObject.password}`;
      out += '@';
    }
    out += unicode ? domainToUnicode(urlObject.hostname) + (urlObject.port ? `:${urlObject.port}` : '') : urlObject.host;
    out += urlObject.pathname;
    if (search) out += urlObject.search;
    if (fragment) out += urlObject.hash;
    return out;
  }
  return legacy.format(urlObject);
}

export function domainToASCII(domain) {
  if (arguments.length < 1) throw require('./_errors.js').ERR_MISSING_ARGS('domain');
  domain = `${domain}`;
  if (domain === '') return '';
  try {
    return new URL(`ws://${domain}`).hostname;
  } catch {
    return '';
  }
}

export function domainToUnicode(domain) {
  if (arguments.length < 1) throw require('./_errors.js').ERR_MISSING_ARGS('domain');
  const ascii = domainToASCII(domain);
  if (ascii === '' && `${domain}` !== '') return '';
  return ascii
    .split('.')
    .map((label) => {
      if (!label.startsWith('xn--')) return label;
      try {
        return punycode.decode(label.slice(4));
      } catch {
        return label;
      }
    })
    .join('.');
}

function getPathFromURLPosix(url) {
  if (url.hostname !== '') {
    throw nodeError(TypeError, 'ERR_INVALID_FILE_URL_HOST', 'File URL host must be "localhost" or empty on linux');
  }
  const pathname = url.pathname;
  for (let n = 0; n < pathname.length; n++) {
    if (pathname[n] === '%') {
      const third = pathname.codePointAt(n + 2) | 0x20;
      if (pathname[n + 1] === '2' && third === 102) {
        throw nodeError(TypeError, 'ERR_INVALID_FILE_URL_PATH', 'File URL path must not include encoded / characters');
      }
    }
  }
  return decodeURIComponent(pathname);
}

function getPathFromURLWin32(url) {
  const hostname = url.hostname;
  let pathname = url.pathname;
  for (let n = 0; n < pathname.length; n++) {
    if (pathname[n] === '%') {
      const third = pathname.codePointAt(n + 2) | 0x20;
      if ((pathname[n + 1] === '2' && third === 102) || (pathname[n + 1] === '5' && third === 99)) {
        throw nodeError(TypeError, 'ERR_INVALID_FILE_URL_PATH', 'File URL path must not include encoded \\ or / characters');
      }
    }
  }
  pathname = pathname.replace(/\//g, '\\');
  pathname = decodeURIComponent(pathname);
  if (hostname !== '') return `\\\\${domainToUnicode(hostname)}${pathname}`;
  const letter = pathname.codePointAt(1) | 0x20;
  const sep = pathname[2];
  if (letter < 97 || letter > 122 || sep !== ':') {
    throw nodeError(TypeError, 'ERR_INVALID_FILE_URL_PATH', 'File URL path must be absolute');
  }
  return pathname.slice(1);
}

export function fileURLToPath(path, options = undefined) {
  const windows = options?.windows ?? false;
  if (typeof path === 'string') {
    path = new URL(path);
  } else if (!isURL(path)) {
    throw ERR_INVALID_ARG_TYPE('path', ['string', 'URL'], path);
  }
  if (path.protocol !== 'file:') throw nodeError(TypeError, 'ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file');
  return windows ? getPathFromURLWin32(path) : getPathFromURLPosix(path);
}

function encodePathChars(filepath, windows) {
  if (filepath.includes('%')) filepath = filepath.replace(/%/g, '%25');
  if (!windows && filepath.includes('\\')) filepath = filepath.replace(/\\/g, '%5C');
  if (filepath.includes('\n')) filepath = filepath.replace(/\n/g, '%0A');
  if (filepath.includes('\r')) filepath = filepath.replace(/\r/g, '%0D');
  if (filepath.includes('\t')) filepath = filepath.replace(/\t/g, '%09');
  return filepath;
}

export function pathToFileURL(filepath, options = undefined) {
  if (typeof filepath !== 'string') throw ERR_INVALID_ARG_TYPE('path', 'string', filepath);
  const windows = options?.windows ?? false;
  const path = require('./path.js');
  if (windows && filepath.startsWith('\\\\')) {
    const outURL = new URL('file://');
    const isExtendedUNC = filepath.startsWith('\\\\?\\UNC\\');
    const prefixLength = isExtendedUNC ? 8 : 2;
    const hostnameEndIndex = filepath.indexOf('\\', prefixLength);
    if (hostnameEndIndex === -1) {
      throw require('./_errors.js').ERR_INVALID_ARG_VALUE('path', filepath, 'Missing UNC resource path');
    }
    if (hostnameEndIndex === 2) {
      throw require('./_errors.js').ERR_INVALID_ARG_VALUE('path', filepath, 'Empty UNC servername');
    }
    const hostname = filepath.slice(prefixLength, hostnameEndIndex);
    outURL.hostname = domainToASCII(hostname);
    outURL.pathname = encodePathChars(filepath.slice(hostnameEndIndex).replace(/\\/g, '/'), windows);
    return outURL;
  }
  let resolved = windows ? path.win32.resolve(filepath) : path.posix.resolve(filepath);
  const last = filepath.charCodeAt(filepath.length - 1);
  if ((last === 47 || (windows && last === 92)) && resolved[resolved.length - 1] !== (windows ? '\\' : '/')) resolved += '/';
  if (windows) resolved = resolved.replace(/\\/g, '/');
  resolved = encodePathChars(resolved, windows);
  if (resolved.includes('?')) resolved = resolved.replace(/\?/g, '%3F');
  if (resolved.includes('#')) resolved = resolved.replace(/#/g, '%23');
  return new URL(`file://${windows && !resolved.startsWith('/') ? '/' : ''}${resolved}`);
}

export function urlToHttpOptions(url) {
  const { hostname, pathname, port, username, password, search } = url;
  const options = {
    __proto__: null,
    ...url,
    protocol: url.protocol,
    hostname: hostname && hostname[0] === '[' ? hostname.slice(1, -1) : hostname,
    hash: url.hash,
    search,
    pathname,
    path: `${pathname || ''}${search || ''}`,
    href: url.href,
  };
  if (port !== '') options.port = Number(port);
  if (username || password) options.auth = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  return options;
}

export default {
  URL, URLSearchParams, Url, parse, format, resolve, resolveObject, domainToASCII, domainToUnicode, fileURLToPath,
  pathToFileURL, urlToHttpOptions,
};
