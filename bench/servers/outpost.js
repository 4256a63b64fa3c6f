// Child process: Outpost serving the hello worker through createHttpServer on 127.0.0.1.
// Prints "LISTENING <port>" once ready; stops on SIGTERM.
import { Worker } from '../../src/runtime/worker.js';
import { createHttpServer } from '../../src/server/http.js';
import { HELLO_SOURCE, moduleBundle } from '../lib/common.js';

const worker = new Worker({
  name: 'hello',
  bundle: moduleBundle(HELLO_SOURCE),
  env: { vars: {}, secrets: {} },
  limits: {},
  log: (level, message) => process.stderr.write(`[${level}] ${message}\n`),
}).start();
const server = createHttpServer({ worker: () => worker, dev: false });
server.listen(0, '127.0.0.1', () => {
  console.log(`LISTENING ${server.address().port}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  worker.dispose();
  process.exit(0);
});
