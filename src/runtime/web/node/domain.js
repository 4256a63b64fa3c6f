// node:domain as Workers has it: importable, inert. Domains neither catch errors nor follow
// async work; run() and bind() call through.
const { EventEmitter } = require('./events.js');

EventEmitter.usingDomains = false;

export class Domain extends EventEmitter {
  members = undefined;

  _errorHandler(err) {
    throw err;
  }

  enter() {}

  exit() {}

  add() {}

  remove() {}

  run(fn, ...args) {
    this.enter();
    const ret = Reflect.apply(fn, this, args);
    this.exit();
    return ret;
  }

  intercept(cb) {
    return cb;
  }

  bind(cb) {
    return cb;
  }
}

export function createDomain() {
  return new Domain();
}

export const create = createDomain;
export const active = null;

export default { Domain, active, createDomain, create };
