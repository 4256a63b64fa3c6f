// Internal slots shared between the platform's own modules. Symbols (not Symbol.for) so user code
// cannot reach them.

// On a Request/Response: the body's original source when it is a string or bytes that were never
// read, letting the runtime hand it to the host in one copy instead of streaming it.
export const kBodySource = Symbol('bodySource');

// On the readable side of a FixedLengthStream: the number of bytes it will carry, so that a body
// made of it can be sent with a Content-Length.
export const kExpectedLength = Symbol('expectedLength');
