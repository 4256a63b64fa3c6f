// Loads a worker bundle's modules into its isolate: ES modules compiled as V8 modules, text,
// data and wasm modules as small synthetic modules, and the built-in `cloudflare:*` modules.
// Service-worker scripts are run as one classic script instead.
import path from 'node:path/posix';

// The prelude leaves this function on the global object while modules load, then removes it.
const BUILTIN = 'globalThis.__outpostBuiltin';

const BUILTIN_MODULES = {
  'cloudflare:workers': ['WorkerEntrypoint', 'DurableObject', 'WorkflowEntrypoint', 'RpcTarget', 'env', 'waitUntil'],
  'cloudflare:sockets': ['connect'],
  'cloudflare:node': ['httpServerHandler', 'handleAsNodeRequest'],
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

// A module re-exporting what the prelude's builtin `specifier` holds: `names` as named exports
// and `defaultExport` (an expression over `m`) as the default.
function builtinSource(specifier, names = BUILTIN_MODULES[specifier], defaultExport = 'm') {
  return `const m = ${BUILTIN}(${JSON.stringify(specifier)});\n` +
    names.filter((n) => n !== 'default' && IDENTIFIER.test(n)).map((n) => `export const ${n} = m.${n};`).join('\n') +
    `\nexport default ${defaultExport};\n`;
}

// node:`name` (also reached by its bare name), when the worker has Node.js compatibility.
function nodeSource(host, name) {
  const bare = name.replace(/^node:/, '');
  const names = host.nodeModuleExports(bare);
  return names === null ? null : builtinSource(`node:${bare}`, names, 'm.default');
}

function moduleSource(module) {
  switch (module.type) {
    case 'esm':
      return module.content;
    case 'commonjs':
      return `const module = { exports: {} };\n(function (exports, module) {\n${module.content}\n})(module.exports, module);\nexport default module.exports;\n`;
    case 'text':
    case 'data':
    case 'compiled-wasm':
      return `export default ${BUILTIN}("module", ${JSON.stringify(module.name)});\n`;
    default:
      throw new Error(`Unsupported module type "${module.type}" for ${module.name}`);
  }
}

// Returns the main module (evaluated), or null for a service-worker script.
export function loadModules(host, timeoutMs) {
  const { isolate, context } = host;
  const { format, mainModule, modules } = host.spec.bundle;
  if (format === 'service-worker') {
    const main = modules.find((m) => m.name === mainModule);
    const script = isolate.compileScriptSync(main.content, { filename: main.name });
    script.runSync(context, { timeout: timeoutMs, release: true });
    return null;
  }

  const byName = new Map(modules.map((m) => [m.name, m]));
  const compiled = new Map(); // name -> ivm.Module
  const names = new Map(); // ivm.Module -> name

  const compile = (name) => {
    if (compiled.has(name)) return compiled.get(name);
    let source;
    if (BUILTIN_MODULES[name]) source = builtinSource(name);
    else if (byName.has(name)) source = moduleSource(byName.get(name));
    else source = nodeSource(host, name);
    if (source === null) return null;
    const module = isolate.compileModuleSync(source, { filename: name });
    compiled.set(name, module);
    names.set(module, name);
    return module;
  };

  const resolve = (specifier, referrer) => {
    const from = names.get(referrer) ?? mainModule;
    const candidates = specifier.startsWith('.') || specifier.startsWith('/')
      ? [path.join(path.dirname(from), specifier).replace(/^\//, '')]
      : [specifier];
    for (const name of candidates) {
      const module = compile(name);
      if (module) return module;
    }
    throw new Error(`No such module "${specifier}".\n  imported from "${from}"`);
  };

  const main = compile(mainModule);
  main.instantiateSync(context, resolve);
  main.evaluateSync({ timeout: timeoutMs });
  return main;
}
