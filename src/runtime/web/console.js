// console.* inside the worker: each call is formatted here and handed to the host as one line.
import { hostCall } from './internal/bridge.js';

export function createConsole() {
  const counts = new Map();
  const timers = new Map();
  let indent = '';
  // The formatter is built on the first log line; many workers never log.
  const emit = (level, args) => hostCall('log', level, indent + require('./inspect.js').formatLogArgs(args).replaceAll('\n', `\n${indent}`));

  return {
    log: (...args) => emit('log', args),
    info: (...args) => emit('info', args),
    debug: (...args) => emit('debug', args),
    warn: (...args) => emit('warn', args),
    error: (...args) => emit('error', args),
    dir: (value) => emit('log', [value]),
    trace: (...args) => emit('log', ['Trace:', ...args, `\n${new Error().stack.split('\n').slice(2).join('\n')}`]),
    assert: (condition, ...args) => {
      if (!condition) emit('error', ['Assertion failed' + (args.length ? ':' : ''), ...args]);
    },
    table: (data) => emit('log', [data]),
    count: (label = 'default') => {
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      emit('log', [`${label}: ${n}`]);
    },
    countReset: (label = 'default') => counts.delete(label),
    time: (label = 'default') => timers.set(label, Date.now()),
    timeLog: (label = 'default', ...args) => emit('log', [`${label}: ${Date.now() - (timers.get(label) ?? Date.now())}ms`, ...args]),
    timeEnd: (label = 'default') => {
      emit('log', [`${label}: ${Date.now() - (timers.get(label) ?? Date.now())}ms`]);
      timers.delete(label);
    },
    group: (...args) => {
      if (args.length) emit('log', args);
      indent += '  ';
    },
    groupCollapsed: (...args) => {
      if (args.length) emit('log', args);
      indent += '  ';
    },
    groupEnd: () => {
      indent = indent.slice(2);
    },
  };
}
