// DurableObjectId: 64 hex digits, and the name it was made from (idFromName), if any.
export class DurableObjectId {
  #hex;
  #name;

  constructor(hex, name) {
    if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) throw new TypeError('Illegal constructor');
    this.#hex = hex;
    this.#name = name;
  }

  get name() {
    return this.#name;
  }

  toString() {
    return this.#hex;
  }

  toJSON() {
    return this.#hex;
  }

  equals(other) {
    return other instanceof DurableObjectId && other.#hex === this.#hex;
  }
}
Object.defineProperty(DurableObjectId.prototype, Symbol.toStringTag, { value: 'DurableObjectId', configurable: true });
