// Child process: a raw node:http server answering "Hello World!" on 127.0.0.1, the baseline.
// Prints "LISTENING <port>" once ready; stops on SIGTERM.
import http from 'node:http';

const BODY = Buffer.from('Hello World!');
const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8', 'content-length': BODY.length });
  res.end(BODY);
});
server.listen(0, '127.0.0.1', () => {
  console.log(`LISTENING ${server.address().port}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  process.exit(0);
});
