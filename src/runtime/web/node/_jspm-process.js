// What @jspm/core's modules import as `process` (the browser shim in its chunk that exports
// `process as p`), when the prelude builder maps that chunk here: Outpost's node:process, so
// that node:stream and the other @jspm/core-based modules use Workers' nextTick (a microtask)
// and see the worker's process.env.
export const p = require('./process.js').default;
