// WebSocket messages echoed through a Durable Object, in one run, against a plain Node `ws` echo
// server (the peer). Targets, each serving BENCH_WS_CONNECTIONS (default 50) clients on 127.0.0.1:
//   node         - a `ws` WebSocketServer echoing every message (the ceiling for a Node server)
//   worker       - a worker accepting the server end of a WebSocketPair itself (no object)
//   do-accept    - the worker forwards the upgrade to one Durable Object (stub.fetch()), which
//                  accept()s the socket and echoes from a message listener
//   do-hibernate - the same object with the Hibernation API: ctx.acceptWebSocket() and
//                  webSocketMessage(), each message an event of the object
// The servers run in this process (Outpost behind createHttpServer, as `outpost dev` serves it);
// the clients in a child process (bench/lib/ws-loadgen.js), each keeping BENCH_WS_WINDOW
// (default 10) messages of 32 bytes in flight, for a 1 s warm-up then BENCH_WS_SECONDS (default
// 5) measured. Figures: echoes/s and round-trip p50/p99, and the ratio to the Node peer.
import { once } from 'node:events';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { Worker } from '../src/runtime/worker.js';
import { createHttpServer } from '../src/server/http.js';
import { BENCH_DIR, envNumber, fmt, isMain, lastJson, moduleBundle, printTable, runChild } from './lib/common.js';

const MESSAGE_BYTES = 32;
const WARMUP_SECONDS = 1;

const SOURCE = `import { DurableObject } from 'cloudflare:workers';
export class Echo extends DurableObject {
  fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    if (new URL(request.url).pathname === '/do-hibernate') {
      this.ctx.acceptWebSocket(server);
    } else {
      server.accept();
      server.addEventListener('message', (event) => server.send(event.data));
    }
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage(ws, message) {
    ws.send(message);
  }
}
export default {
  fetch(request, env) {
    if (new URL(request.url).pathname !== '/worker') return env.ECHO.getByName('bench').fetch(request);
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener('message', (event) => server.send(event.data));
    return new Response(null, { status: 101, webSocket: client });
  },
};`;

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `ws://127.0.0.1:${server.address().port}`;
}

async function load(url, options) {
  const args = [path.join(BENCH_DIR, 'lib', 'ws-loadgen.js'), JSON.stringify({ url, size: MESSAGE_BYTES, warmupSeconds: WARMUP_SECONDS, ...options })];
  const { stdout } = await runChild(process.execPath, args, { timeoutMs: (options.durationSeconds + WARMUP_SECONDS) * 1000 + 60_000 });
  const result = lastJson(stdout);
  if (result.mismatches > 0 || result.echoes === 0) throw new Error(`${url}: ${result.echoes} echoes, ${result.mismatches} wrong`);
  return result;
}

async function timeNode(options) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  try {
    return await load(`ws://127.0.0.1:${wss.address().port}/`, options);
  } finally {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  }
}

// Each Outpost target gets a new worker (so the object starts fresh) behind its own server.
async function timeOutpost(pathname, options) {
  const worker = new Worker({
    name: 'websocket-bench',
    bundle: moduleBundle(SOURCE),
    env: { bindings: { ECHO: { type: 'durable-object', className: 'Echo', scriptName: null } } },
    log: (level, message) => {
      if (level === 'error') console.error(message);
    },
  }).start();
  const server = createHttpServer({ worker: () => worker });
  try {
    return await load(`${await listen(server)}${pathname}`, options);
  } finally {
    server.closeAllConnections();
    server.close();
    worker.dispose();
  }
}

export async function run() {
  const options = {
    connections: envNumber('BENCH_WS_CONNECTIONS', 50),
    window: envNumber('BENCH_WS_WINDOW', 10),
    durationSeconds: envNumber('BENCH_WS_SECONDS', 5),
  };
  console.log(`websocket-do: ${options.connections} clients, ${options.window} messages of ${MESSAGE_BYTES} bytes in flight each, ${WARMUP_SECONDS} s warm-up + ${options.durationSeconds} s measured per target; servers in this process, clients in a child process`);
  const node = await timeNode(options);
  const results = { node };
  for (const target of ['worker', 'do-accept', 'do-hibernate']) results[target] = await timeOutpost(`/${target}`, options);

  const ratio = (r) => `${fmt(r.perSecond / node.perSecond, 2)}x`;
  const rows = [
    ['Node ws echo server (peer)', node],
    ['worker: WebSocketPair, accept()', results.worker],
    ['Durable Object via stub.fetch(): accept()', results['do-accept']],
    ['Durable Object via stub.fetch(): acceptWebSocket() + webSocketMessage()', results['do-hibernate']],
  ];
  printTable('websocket-do: echoed messages', ['', 'messages/s', 'p50 ms', 'p99 ms', 'messages/s / Node'],
    rows.map(([label, r]) => [label, fmt(r.perSecond, 0), fmt(r.p50, 2), fmt(r.p99, 2), ratio(r)]));

  return {
    name: 'websocket-do',
    figures: { ...options, messageBytes: MESSAGE_BYTES, results },
    summary: [
      { metric: 'Node ws echo messages/s', value: fmt(node.perSecond, 0) },
      { metric: 'DO (hibernation) echo messages/s', value: fmt(results['do-hibernate'].perSecond, 0) },
      { metric: 'DO (hibernation) / Node ws', value: ratio(results['do-hibernate']) },
      { metric: 'DO (accept()) / Node ws', value: ratio(results['do-accept']) },
      { metric: 'worker (no object) / Node ws', value: ratio(results.worker) },
    ],
  };
}

if (isMain(import.meta.url)) await run();
