// DOMException (WebIDL): an Error subclass whose name, message and code live on the prototype.

// Legacy code constants, in code order (DOMSTRING_SIZE_ERR is 2, and so on).
const CONSTANTS = [
  'INDEX_SIZE_ERR', 'DOMSTRING_SIZE_ERR', 'HIERARCHY_REQUEST_ERR', 'WRONG_DOCUMENT_ERR',
  'INVALID_CHARACTER_ERR', 'NO_DATA_ALLOWED_ERR', 'NO_MODIFICATION_ALLOWED_ERR', 'NOT_FOUND_ERR',
  'NOT_SUPPORTED_ERR', 'INUSE_ATTRIBUTE_ERR', 'INVALID_STATE_ERR', 'SYNTAX_ERR',
  'INVALID_MODIFICATION_ERR', 'NAMESPACE_ERR', 'INVALID_ACCESS_ERR', 'VALIDATION_ERR',
  'TYPE_MISMATCH_ERR', 'SECURITY_ERR', 'NETWORK_ERR', 'ABORT_ERR', 'URL_MISMATCH_ERR',
  'QUOTA_EXCEEDED_ERR', 'TIMEOUT_ERR', 'INVALID_NODE_TYPE_ERR', 'DATA_CLONE_ERR',
];

// Names that map to a legacy code; every other name has code 0.
const CODES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InUseAttributeError: 10,
  InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
  InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19,
  AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23,
  InvalidNodeTypeError: 24, DataCloneError: 25,
};

// V8 writes the stack's first line from own `message` properties only, so the trace is captured
// on a holder and the header is put back from the accessors, lazily like V8's own.
function defineStack(error, ctor) {
  const holder = {};
  Error.captureStackTrace(holder, ctor);
  let override;
  Object.defineProperty(error, 'stack', {
    configurable: true,
    get() {
      if (override !== undefined) return override.value;
      const trace = holder.stack;
      const at = trace.indexOf('\n');
      const message = error.message;
      return (message ? `${error.name}: ${message}` : error.name) + (at === -1 ? '' : trace.slice(at));
    },
    set(value) {
      override = { value };
    },
  });
}

export class DOMException extends Error {
  #name;
  #message;

  constructor(message = '', options = 'Error') {
    // No message passed to Error: `message` must stay a prototype accessor, not an own property.
    super();
    this.#message = String(message);
    if (options !== null && typeof options === 'object') {
      this.#name = options.name === undefined ? 'Error' : String(options.name);
      if ('cause' in options) {
        Object.defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
      }
    } else {
      this.#name = String(options);
    }
    defineStack(this, new.target);
  }

  get name() {
    return this.#name;
  }

  get message() {
    return this.#message;
  }

  get code() {
    return CODES[this.#name] ?? 0;
  }
}

Object.defineProperty(DOMException.prototype, Symbol.toStringTag, { value: 'DOMException', configurable: true });
for (const target of [DOMException, DOMException.prototype]) {
  CONSTANTS.forEach((name, i) => {
    Object.defineProperty(target, name, { value: i + 1, enumerable: true });
  });
}
