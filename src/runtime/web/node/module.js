// node:module as Workers has it: createRequire() returns a require() for the built-in node:*
// modules (with or without the prefix); builtinModules and isBuiltin() list them; the loader
// internals are unimplemented. A worker's own modules and packages are bundled, so require()
// finds nothing else: any other specifier fails with MODULE_NOT_FOUND. Everything it returns
// is the isolate's own module object; nothing of the host's module system is reachable.
import { ERR_INVALID_ARG_VALUE, ERR_METHOD_NOT_IMPLEMENTED, ERR_INVALID_ARG_TYPE } from './_errors.js';

export const builtinModules = Object.freeze([
  '_http_agent', '_http_client', '_http_common', '_http_incoming', '_http_outgoing', '_http_server', '_stream_duplex',
  '_stream_passthrough', '_stream_readable', '_stream_transform', '_stream_wrap', '_stream_writable', '_tls_common',
  '_tls_wrap', 'assert', 'assert/strict', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console', 'constants',
  'crypto', 'dgram', 'diagnostics_channel', 'dns', 'dns/promises', 'domain', 'events', 'fs', 'fs/promises', 'http',
  'http2', 'https', 'inspector', 'inspector/promises', 'module', 'net', 'os', 'path', 'path/posix', 'path/win32',
  'perf_hooks', 'process', 'punycode', 'querystring', 'readline', 'readline/promises', 'repl', 'stream',
  'stream/consumers', 'stream/promises', 'stream/web', 'string_decoder', 'sys', 'timers', 'timers/promises', 'tls',
  'trace_events', 'tty', 'url', 'util', 'util/types', 'v8', 'vm', 'wasi', 'worker_threads', 'zlib',
]);

// Built-in modules Node only knows with the node: prefix.
const PREFIX_ONLY = new Set(['sea', 'sqlite', 'test', 'test/reporters']);

export function isBuiltin(specifier) {
  if (typeof specifier !== 'string') return false;
  if (specifier.startsWith('node:')) {
    const name = specifier.slice(5);
    return builtinModules.includes(name) || PREFIX_ONLY.has(name);
  }
  return builtinModules.includes(specifier);
}

function moduleNotFound(id, from) {
  const err = new Error(`Cannot find module '${id}'\nRequire stack:\n- ${from}`);
  err.code = 'MODULE_NOT_FOUND';
  err.requireStack = [from];
  return err;
}

function loadBuiltin(id) {
  const name = id.startsWith('node:') ? id.slice(5) : id;
  const module = require('./registry.js').nodeModule(name);
  return module === null ? null : module.default;
}

export function createRequire(path) {
  const from = path instanceof URL ? path.href : `${path}`;
  if (typeof path !== 'string' && !(path instanceof URL)) {
    throw ERR_INVALID_ARG_VALUE('filename', path, 'must be a file URL object, file URL string, or absolute path string');
  }
  if (!from.startsWith('/') && !from.startsWith('file:')) {
    throw ERR_INVALID_ARG_VALUE('filename', from, 'must be a file URL object, file URL string, or absolute path string');
  }
  const requireFn = function require(id) {
    if (typeof id !== 'string') throw ERR_INVALID_ARG_TYPE('id', 'string', id);
    if (id === '') throw ERR_INVALID_ARG_VALUE('id', id, 'must be a non-empty string');
    const module = isBuiltin(id) ? loadBuiltin(id) : null;
    if (module === null || module === undefined) throw moduleNotFound(id, from);
    return module;
  };
  requireFn.resolve = function resolve(id) {
    if (typeof id !== 'string') throw ERR_INVALID_ARG_TYPE('request', 'string', id);
    if (isBuiltin(id) && loadBuiltin(id) !== null) return id;
    throw moduleNotFound(id, from);
  };
  requireFn.resolve.paths = function paths(id) {
    return isBuiltin(id) ? null : [];
  };
  requireFn.cache = { __proto__: null };
  requireFn.extensions = _extensions;
  requireFn.main = undefined;
  return requireFn;
}

const notImplemented = (name) => () => {
  throw ERR_METHOD_NOT_IMPLEMENTED(name);
};

export const _extensions = {
  '.js': notImplemented('module._extensions.js'),
  '.json': notImplemented('module._extensions.json'),
  '.node': notImplemented('module._extensions.node'),
};
export const _cache = { __proto__: null };
export const _pathCache = { __proto__: null };
export const globalPaths = [];
export const constants = Object.freeze({
  __proto__: null,
  compileCacheStatus: Object.freeze({ __proto__: null, FAILED: 0, ENABLED: 1, ALREADY_ENABLED: 2, DISABLED: 3 }),
});

export function enableCompileCache() {}
export function getCompileCacheDir() {
  return undefined;
}
export function flushCompileCache() {}
export function getSourceMapsSupport() {
  return Object.freeze({ __proto__: null, enabled: false, nodeModules: false, generatedCode: false });
}
export const register = notImplemented('module.register');
export const runMain = notImplemented('module.runMain');
export const syncBuiltinESMExports = notImplemented('module.syncBuiltinESMExports');
export const wrap = notImplemented('module.wrap');
export const _debug = notImplemented('module._debug');
export const _findPath = notImplemented('module._findPath');
export const _initPaths = notImplemented('module._initPaths');
export const _load = notImplemented('module._load');
export const _preloadModules = notImplemented('module._preloadModules');
export const _resolveFilename = notImplemented('module._resolveFilename');
export const _resolveLookupPaths = notImplemented('module._resolveLookupPaths');
export const _nodeModulePaths = notImplemented('module._nodeModulePaths');
export const findSourceMap = notImplemented('module.findSourceMap');
export const findPackageJSON = notImplemented('module.findPackageJSON');
export const setSourceMapsSupport = notImplemented('module.setSourceMapsSupport');
export const stripTypeScriptTypes = notImplemented('module.stripTypeScriptTypes');

export function SourceMap() {
  throw ERR_METHOD_NOT_IMPLEMENTED('module.SourceMap');
}

export function Module() {
  throw ERR_METHOD_NOT_IMPLEMENTED('module.Module');
}

const statics = {
  register, constants, enableCompileCache, findPackageJSON, flushCompileCache, getCompileCacheDir, stripTypeScriptTypes,
  findSourceMap, SourceMap, getSourceMapsSupport, setSourceMapsSupport, createRequire, builtinModules, globalPaths,
  isBuiltin, runMain, syncBuiltinESMExports, wrap, _cache, _debug, _extensions, _findPath, _initPaths, _load,
  _pathCache, _preloadModules, _resolveFilename, _resolveLookupPaths, _nodeModulePaths, Module,
};
for (const [name, value] of Object.entries(statics)) {
  Object.defineProperty(Module, name, { value, writable: true, enumerable: true, configurable: true });
}

export default Module;
