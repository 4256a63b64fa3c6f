// Child process: raw node:http servers answering "Hello World!" in node's cluster mode, one per
// core (or BENCH_PROCESSES), the peer of a multi-process `outpost serve`. Prints
// "LISTENING <port>" once every worker listens; stops on SIGTERM.
import cluster from 'node:cluster';
import http from 'node:http';
import os from 'node:os';

const processes = Number(process.env.BENCH_PROCESSES) || os.availableParallelism();

if (cluster.isPrimary) {
  // Port 0 in every worker: the primary hands them all the same port.
  let listening = 0;
  for (let i = 0; i < processes; i++) {
    cluster.fork().on('message', ({ port }) => {
      listening += 1;
      if (listening === processes) console.log(`LISTENING ${port}`);
    });
  }
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers)) worker.kill();
    process.exit(0);
  });
} else {
  const BODY = Buffer.from('Hello World!');
  const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8', 'content-length': BODY.length });
    res.end(BODY);
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}
