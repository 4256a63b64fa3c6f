// WebIDL pair iterators (for `iterable<K, V>` interfaces: Headers, URLSearchParams, FormData).
// They are live: each step re-reads the target's current pairs at the next index.

const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
const iteratorState = new WeakMap();

// Returns a factory `(getPairs, kind) => iterator`, kind being 'entries', 'keys' or 'values'.
function createPairIterator(interfaceName) {
  const proto = Object.create(IteratorPrototype, {
    next: {
      value: function next() {
        const state = iteratorState.get(this);
        if (!state) throw new TypeError('Illegal invocation');
        const pairs = state.getPairs();
        if (state.index >= pairs.length) return { value: undefined, done: true };
        const [name, value] = pairs[state.index++];
        const result = state.kind === 'keys' ? name : state.kind === 'values' ? value : [name, value];
        return { value: result, done: false };
      },
      writable: true,
      enumerable: true,
      configurable: true,
    },
    [Symbol.toStringTag]: { value: `${interfaceName} Iterator`, configurable: true },
  });
  return (getPairs, kind) => {
    const it = Object.create(proto);
    iteratorState.set(it, { getPairs, kind, index: 0 });
    return it;
  };
}

// Adds entries/keys/values/forEach/@@iterator to an interface's prototype. `pairsOf(obj)`
// returns the object's current pairs and must throw for foreign receivers.
export function definePairIterable(Ctor, pairsOf) {
  const make = createPairIterator(Ctor.name);
  const methods = {
    entries() {
      pairsOf(this);
      return make(() => pairsOf(this), 'entries');
    },
    keys() {
      pairsOf(this);
      return make(() => pairsOf(this), 'keys');
    },
    values() {
      pairsOf(this);
      return make(() => pairsOf(this), 'values');
    },
    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') {
        throw new TypeError(`Failed to execute 'forEach' on '${Ctor.name}': parameter 1 is not of type 'Function'.`);
      }
      let pairs = pairsOf(this);
      for (let i = 0; i < pairs.length; i++) {
        const [name, value] = pairs[i];
        callback.call(thisArg, value, name, this);
        pairs = pairsOf(this);
      }
    },
  };
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(Ctor.prototype, name, { value: fn, writable: true, enumerable: true, configurable: true });
  }
  Object.defineProperty(Ctor.prototype, Symbol.iterator, { value: methods.entries, writable: true, configurable: true });
}
