// node:console: the global console (require('console') === console, as in Node and Workers),
// its methods as named exports, and a working Console class that writes formatted lines to the
// streams it is given (Workers' Console throws; writing is what Node does).
import { ERR_INVALID_ARG_VALUE, ERR_METHOD_NOT_IMPLEMENTED } from './_errors.js';

const globalConsole = globalThis.console;
const noop = () => {};
const method = (name) => (typeof globalConsole[name] === 'function' ? globalConsole[name].bind(globalConsole) : noop);

function formatWithOptions(options, ...args) {
  return require('./_inspect.js').formatWithOptions(options, ...args);
}

export function Console(options, stderr, ignoreErrors) {
  if (!new.target) return Reflect.construct(Console, [options, stderr, ignoreErrors]);
  if (!options || typeof options.write === 'function') options = { stdout: options, stderr, ignoreErrors };
  const { stdout, stderr: err = stdout, inspectOptions = {}, groupIndentation = 2 } = options;
  if (!stdout || typeof stdout.write !== 'function') throw ERR_INVALID_ARG_VALUE('stdout', stdout, 'is not a writable stream');
  if (!err || typeof err.write !== 'function') throw ERR_INVALID_ARG_VALUE('stderr', err, 'is not a writable stream');
  let indent = '';
  const counts = new Map();
  const timers = new Map();
  const write = (stream, args) => {
    const text = formatWithOptions(inspectOptions, ...args);
    const lines = indent ? text.replaceAll('\n', `\n${indent}`) : text;
    try {
      stream.write(`${indent}${lines}\n`);
    } catch {
      // Errors writing to the streams are ignored, as with ignoreErrors (the default).
    }
  };
  const elapsed = (label) => `${label}: ${Date.now() - timers.get(label)}ms`;
  Object.assign(this, {
    log: (...args) => write(stdout, args),
    info: (...args) => write(stdout, args),
    debug: (...args) => write(stdout, args),
    dirxml: (...args) => write(stdout, args),
    warn: (...args) => write(err, args),
    error: (...args) => write(err, args),
    trace: (...args) => write(err, [`Trace: ${formatWithOptions(inspectOptions, ...args)}\n${new Error().stack.split('\n').slice(2).join('\n')}`]),
    dir: (value, opts) => write(stdout, [require('./_inspect.js').inspect(value, { ...inspectOptions, ...opts })]),
    assert: (condition, ...args) => {
      if (!condition) write(err, args.length ? [`Assertion failed: ${formatWithOptions(inspectOptions, ...args)}`] : ['Assertion failed']);
    },
    count: (label = 'default') => {
      label = `${label}`;
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      write(stdout, [`${label}: ${n}`]);
    },
    countReset: (label = 'default') => counts.delete(`${label}`),
    time: (label = 'default') => {
      timers.set(`${label}`, Date.now());
    },
    timeLog: (label = 'default', ...args) => {
      label = `${label}`;
      if (timers.has(label)) write(stdout, [elapsed(label), ...args]);
    },
    timeEnd: (label = 'default') => {
      label = `${label}`;
      if (timers.has(label)) {
        write(stdout, [elapsed(label)]);
        timers.delete(label);
      }
    },
    group: (...args) => {
      if (args.length) write(stdout, args);
      indent += ' '.repeat(groupIndentation);
    },
    groupCollapsed: (...args) => {
      if (args.length) write(stdout, args);
      indent += ' '.repeat(groupIndentation);
    },
    groupEnd: () => {
      indent = indent.slice(0, Math.max(0, indent.length - groupIndentation));
    },
    table: (data) => write(stdout, [data]),
    clear: noop,
    profile: noop,
    profileEnd: noop,
    timeStamp: noop,
  });
  return this;
}

export function context() {
  throw ERR_METHOD_NOT_IMPLEMENTED('Console.context');
}

export function createTask() {
  throw ERR_METHOD_NOT_IMPLEMENTED('Console.createTask');
}

for (const [name, value] of Object.entries({ Console, context, createTask })) {
  if (!Object.hasOwn(globalConsole, name)) {
    Object.defineProperty(globalConsole, name, { value, writable: true, configurable: true, enumerable: false });
  }
}

export const log = method('log');
export const info = method('info');
export const debug = method('debug');
export const warn = method('warn');
export const error = method('error');
export const dir = method('dir');
export const time = method('time');
export const timeEnd = method('timeEnd');
export const timeLog = method('timeLog');
export const trace = method('trace');
export const assert = method('assert');
export const clear = method('clear');
export const count = method('count');
export const countReset = method('countReset');
export const group = method('group');
export const groupEnd = method('groupEnd');
export const table = method('table');
export const dirxml = method('dirxml');
export const groupCollapsed = method('groupCollapsed');
export const profile = method('profile');
export const profileEnd = method('profileEnd');
export const timeStamp = method('timeStamp');

export default globalConsole;
