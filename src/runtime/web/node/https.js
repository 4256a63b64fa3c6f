// node:https: node:http's client with https: as the default protocol (fetch() verifies the
// certificate; the agent's TLS options change nothing), and its server side (see http.js).
const http = () => require('./http.js');

export const Agent = class Agent extends http().Agent {
  constructor(options = {}) {
    super({ defaultPort: 443, protocol: 'https:', ...options });
  }
};
export const globalAgent = new Agent();

export function request(input, options, callback) {
  return new (http().ClientRequest)(input, options, callback, 'https:');
}

export function get(input, options, callback) {
  const req = request(input, options, callback);
  req.end();
  return req;
}

export const Server = http().Server;

export function createServer(options, requestListener) {
  return new Server(options, requestListener);
}

export default { Agent, Server, createServer, get, globalAgent, request };
