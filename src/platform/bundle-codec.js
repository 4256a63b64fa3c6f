// A bundle as JSON, to upload it and to store it: binary modules (wasm, data) as base64.
import { BundleError } from '../bundle/errors.js';

const MODULE_TYPES = new Set(['esm', 'script', 'commonjs', 'text', 'data', 'compiled-wasm']);

export function encodeBundle({ format, mainModule, modules, sourceMaps = {}, exports = [] }) {
  return {
    format,
    mainModule,
    modules: modules.map(({ name, type, content }) => (typeof content === 'string'
      ? { name, type, content }
      : { name, type, base64: Buffer.from(content.buffer ?? content, content.byteOffset, content.byteLength).toString('base64') })),
    sourceMaps,
    exports,
  };
}

// The bundle the runtime loads; an upload of the wrong shape fails with a BundleError.
export function decodeBundle(json) {
  const fail = (what) => {
    throw new BundleError(`The uploaded bundle is malformed: ${what}.`);
  };
  if (!json || typeof json !== 'object') fail('expected an object');
  if (json.format !== 'modules' && json.format !== 'service-worker') fail('"format" must be "modules" or "service-worker"');
  if (!Array.isArray(json.modules) || json.modules.length === 0) fail('"modules" must be a non-empty array');
  const modules = json.modules.map((module) => {
    if (!module || typeof module.name !== 'string' || !MODULE_TYPES.has(module.type)) fail('each module needs a "name" and a known "type"');
    if (typeof module.content === 'string') return { name: module.name, type: module.type, content: module.content };
    if (typeof module.base64 === 'string') return { name: module.name, type: module.type, content: Buffer.from(module.base64, 'base64') };
    return fail(`module "${module.name}" has no content`);
  });
  if (!modules.some((module) => module.name === json.mainModule)) fail('"mainModule" must name one of the modules');
  const sourceMaps = json.sourceMaps && typeof json.sourceMaps === 'object' ? json.sourceMaps : {};
  return { format: json.format, mainModule: json.mainModule, modules, sourceMaps, exports: Array.isArray(json.exports) ? json.exports : [] };
}
