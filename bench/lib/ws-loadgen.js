// Child process: WebSocket echo load on one target. Opens `connections` clients to `url`, each
// keeping `window` text messages of `size` bytes in flight (a new one sent for each echo
// received), for a warm-up then a measured run; prints the measured run's figures as one JSON line:
// echoes/s and the round-trip time of each message (echoes come back in order per connection).
// Usage: node ws-loadgen.js '{"url":"ws://...","connections":50,"window":10,"size":32,"warmupSeconds":1,"durationSeconds":5}'
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { percentile } from './common.js';

const { url, connections, window, size, warmupSeconds, durationSeconds } = JSON.parse(process.argv[2]);
const payload = 'x'.repeat(size);

let measuring = false;
let sending = true;
let echoes = 0;
let mismatches = 0;
const latencies = [];

async function client() {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await once(ws, 'open');
  const sentAt = [];
  const send = () => {
    sentAt.push(performance.now());
    ws.send(payload);
  };
  ws.on('message', (data) => {
    const started = sentAt.shift();
    if (data.length !== size) mismatches += 1;
    if (measuring) {
      echoes += 1;
      latencies.push(performance.now() - started);
    }
    if (sending) send();
  });
  for (let i = 0; i < window; i++) send();
  return ws;
}

const clients = await Promise.all(Array.from({ length: connections }, client));
await new Promise((resolve) => setTimeout(resolve, warmupSeconds * 1000));
measuring = true;
const started = performance.now();
await new Promise((resolve) => setTimeout(resolve, durationSeconds * 1000));
measuring = false;
sending = false;
const seconds = (performance.now() - started) / 1000;
for (const ws of clients) ws.terminate();

const sorted = Float64Array.from(latencies).sort();
console.log(JSON.stringify({ echoes, seconds, perSecond: echoes / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mismatches }));
