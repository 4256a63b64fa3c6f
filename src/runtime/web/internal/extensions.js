// Parts of the platform that most workers never use (HTMLRewriter, crypto.subtle, the streams
// implementation, ...) are not in the prelude at all: each is a separate script the host
// compiles into the isolate the first time it is required. Until then it costs the isolate
// nothing, not even its source text.
import { hostCall } from './bridge.js';

let coreModules = null;
const loaded = new Map();

// The prelude's own modules, by path relative to src/runtime/web, for extensions to import.
export function setCoreModules(modules) {
  coreModules = modules;
}

function requireFromExtension(path) {
  return coreModules[path] ?? extension(path);
}

// The exports of extension `path` (relative to src/runtime/web, e.g. "./subtle.js").
export function extension(path) {
  let exports = loaded.get(path);
  if (exports === undefined) {
    const factory = hostCall('extension', path);
    const module = { exports: {} };
    factory(module, requireFromExtension);
    exports = module.exports;
    loaded.set(path, exports);
  }
  return exports;
}
