// The other node:* modules node:fs is built on, each loaded on first use: most of node:fs needs
// none of them (a Buffer is only made when one is returned), and a worker that only reads a file
// should not pay for streams. They are required, not imported, so each stays the one instance the
// isolate has (node:buffer's Buffer is the Buffer node:fs returns).
//
// While a module of src/runtime/web/node is still a placeholder, its @jspm/core implementation is
// used directly (the same module node:buffer and node:stream are built on).

let buffer = null;
let stream = null;
let events = null;
let processModule;

function pick(module, name) {
  return module?.[name] ?? module?.default?.[name];
}

// A class of one of the node:* modules, unless that module is not there yet (or fails to load).
function own(load, name) {
  try {
    const value = pick(load(), name);
    return typeof value === 'function' && value.prototype ? value : undefined;
  } catch {
    return undefined;
  }
}

export function Buffer() {
  if (buffer === null) buffer = own(() => require('../buffer.js'), 'Buffer') ?? require('@jspm/core/nodelibs/buffer').Buffer;
  return buffer;
}

// { Readable, Writable } of node:stream.
export function streams() {
  if (stream === null) {
    const Readable = own(() => require('../stream.js'), 'Readable');
    const Writable = own(() => require('../stream.js'), 'Writable');
    if (Readable && Writable) stream = { Readable, Writable };
    else {
      const jspm = require('@jspm/core/nodelibs/stream');
      stream = { Readable: jspm.Readable, Writable: jspm.Writable };
    }
  }
  return stream;
}

export function EventEmitter() {
  if (events === null) events = own(() => require('../events.js'), 'EventEmitter') ?? require('@jspm/core/nodelibs/events').EventEmitter;
  return events;
}

// process.cwd(), which relative paths are resolved against: "/bundle" in Workers.
export function cwd() {
  if (processModule === undefined) {
    try {
      processModule = require('../registry.js').nodeModule('process')?.default ?? null;
    } catch {
      processModule = null;
    }
  }
  const value = typeof processModule?.cwd === 'function' ? processModule.cwd() : undefined;
  return typeof value === 'string' && value.startsWith('/') ? value : '/bundle';
}
