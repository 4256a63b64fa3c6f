// Workers' time semantics: the clock only moves when the isolate is entered from outside (a new
// event, an I/O completion, a timer). During pure computation Date.now() and performance.now()
// stand still, which blunts timing side channels.

let current = 0;

export function setClock(now) {
  current = now;
}

export function now() {
  return current;
}

// The class of the global `performance`: this clock, from a time origin of 0 (the Unix epoch, as in
// Workers). Only that one object is ever made; scripts get "Illegal constructor". Its timeline
// methods (mark, measure, ...) are added by ../performance.js.
let performanceMade = false;
export class Performance {
  constructor() {
    if (performanceMade) throw new TypeError('Illegal constructor');
    performanceMade = true;
  }
  get timeOrigin() {
    return 0;
  }
  now() {
    return current;
  }
}
Object.defineProperty(Performance.prototype, Symbol.toStringTag, { value: 'Performance', configurable: true });

// Replaces Date so that `Date.now()` and `new Date()` read the frozen clock. Dates built from
// explicit arguments behave exactly as before; the prototype is shared so instanceof and
// Object.prototype.toString keep working on every Date.
export function installFrozenDate(global) {
  const RealDate = global.Date;
  function Date(...args) {
    if (!new.target) return new RealDate(current).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [current] : args, new.target);
  }
  Object.defineProperties(Date, {
    prototype: { value: RealDate.prototype, writable: false },
    now: { value: function now() { return current; }, writable: true, configurable: true },
    parse: { value: RealDate.parse, writable: true, configurable: true },
    UTC: { value: RealDate.UTC, writable: true, configurable: true },
    length: { value: 7 },
  });
  Object.defineProperty(RealDate.prototype, 'constructor', { value: Date, writable: true, configurable: true });
  Object.defineProperty(global, 'Date', { value: Date, writable: true, configurable: true });
}
