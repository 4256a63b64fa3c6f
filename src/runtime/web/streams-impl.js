// The WHATWG reference implementation of streams. Only ever loaded through streams() in
// streams.js, so an isolate that never touches a stream never builds it.
export * from 'web-streams-polyfill';
