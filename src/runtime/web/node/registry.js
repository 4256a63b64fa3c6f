// The node:* modules of Node.js compatibility, by bare name, each loaded on first import (every
// module is its own extension: a worker that imports none pays nothing).

// Loaders of the module namespaces: { default: what require() returns, ...named exports }.
const MODULES = {
  'assert': () => require('./assert.js'),
  'assert/strict': () => require('./assert-strict.js'),
  'async_hooks': () => require('./async-hooks.js'),
  'buffer': () => require('./buffer.js'),
  'console': () => require('./console.js'),
  'constants': () => require('./constants.js'),
  'diagnostics_channel': () => require('./diagnostics-channel.js'),
  'domain': () => require('./domain.js'),
  'events': () => require('./events.js'),
  'module': () => require('./module.js'),
  'os': () => require('./os.js'),
  'path': () => require('./path.js'),
  'path/posix': () => require('./path.js'),
  'path/win32': () => require('./path-win32.js'),
  'perf_hooks': () => require('./perf-hooks.js'),
  'process': () => require('./process.js'),
  'punycode': () => require('./punycode.js'),
  'querystring': () => require('./querystring.js'),
  'stream': () => require('./stream.js'),
  'stream/consumers': () => require('./stream-consumers.js'),
  'stream/promises': () => require('./stream-promises.js'),
  'stream/web': () => require('./stream-web.js'),
  'string_decoder': () => require('./string-decoder.js'),
  'timers': () => require('./timers.js'),
  'timers/promises': () => require('./timers-promises.js'),
  'tty': () => require('./tty.js'),
  'url': () => require('./url.js'),
  'util': () => require('./util.js'),
  'sys': () => require('./util.js'),
  'util/types': () => require('./util-types.js'),
  'child_process': () => require('./unsupported.js'),
  'cluster': () => require('./unsupported.js'),
  'dgram': () => require('./unsupported.js'),
  'http2': () => require('./unsupported.js'),
  'inspector': () => require('./unsupported.js'),
  'inspector/promises': () => require('./unsupported.js'),
  'readline': () => require('./unsupported.js'),
  'readline/promises': () => require('./unsupported.js'),
  'repl': () => require('./unsupported.js'),
  'trace_events': () => require('./unsupported.js'),
  'v8': () => require('./unsupported.js'),
  'vm': () => require('./unsupported.js'),
  'wasi': () => require('./unsupported.js'),
  'worker_threads': () => require('./unsupported.js'),
  'crypto': () => require('./crypto.js'),
  'zlib': () => require('./zlib.js'),
  'net': () => require('./net.js'),
  'tls': () => require('./tls.js'),
  'dns': () => require('./dns.js'),
  'dns/promises': () => require('./dns-promises.js'),
  'http': () => require('./http.js'),
  'https': () => require('./https.js'),
  'fs': () => require('./fs.js'),
  'fs/promises': () => require('./fs-promises.js'),
};

const loaded = new Map();


// The namespace of node:`name`, or null if there is no such module.
export function nodeModule(name) {
  let module = loaded.get(name);
  if (module === undefined) {
    const load = Object.hasOwn(MODULES, name) ? MODULES[name] : null;
    module = load === null ? null : load();
    loaded.set(name, module);
  }
  return module;
}
