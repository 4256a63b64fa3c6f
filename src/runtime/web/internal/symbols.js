// Internal slots shared between the platform's own modules. Symbols (not Symbol.for) so user code
// cannot reach them.

// On a Request/Response: the body's original source when it is a string or bytes that were never
// read, letting the runtime hand it to the host in one copy instead of streaming it.
export const kBodySource = Symbol('bodySource');
