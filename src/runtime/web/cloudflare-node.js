// cloudflare:node: serving a worker's requests with a node:http server, as Workers does.
//   import { httpServerHandler } from 'cloudflare:node';
//   createServer(app).listen(8080);
//   export default httpServerHandler({ port: 8080 });

function serverHandle() {
  return require('./node/http.js').Server[Symbol.for('outpost.http.handle')];
}

// The Response the node:http server listening on `port` gives for `request`.
export function handleAsNodeRequest(port, request) {
  return serverHandle()(port, request);
}

// A handler (`export default`) whose fetch() hands every request to the server listening on
// `options.port` (or to `server`, a node:http Server that listens).
export function httpServerHandler(options) {
  const portOf = () => {
    const port = typeof options?.address === 'function' ? options.address()?.port : options?.port;
    if (!Number.isInteger(Number(port))) throw new TypeError('httpServerHandler() needs { port } or a node:http Server that listens.');
    return Number(port);
  };
  return { fetch: (request) => handleAsNodeRequest(portOf(), request) };
}
