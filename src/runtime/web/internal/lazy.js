// Properties whose value is built on first access, then kept as a plain data property. Used for
// the globals most workers never touch, so a new isolate does not build them (workerd defines
// many of its globals lazily in the same way).
export function defineLazy(target, name, build) {
  const settle = (value) => {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
    return value;
  };
  Object.defineProperty(target, name, {
    configurable: true,
    enumerable: false,
    get: () => settle(build()),
    set: settle,
  });
}

// A JSON value parsed only when first read (request.cf: many handlers never look at it).
export class LazyJson {
  #text;
  constructor(text) {
    this.#text = text;
  }
  parse() {
    return JSON.parse(this.#text);
  }
}
