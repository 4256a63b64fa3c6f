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
  if (loaded.has(path)) return loaded.get(path);
  const factory = hostCall('extension', path);
  // Registered as soon as the extension sets its exports, before the rest of it runs, so that
  // extensions requiring each other in a cycle get each other's (filling) exports, as in Node.
  const module = {
    get exports() {
      return loaded.get(path);
    },
    set exports(value) {
      loaded.set(path, value);
    },
  };
  module.exports = {};
  factory(module, requireFromExtension);
  return loaded.get(path);
}
