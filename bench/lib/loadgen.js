// Child process: drives one target with autocannon (keep-alive connections), a warm-up run first,
// and prints the measured run's figures as one JSON line.
// Usage: node loadgen.js '{"url":..., "connections":50, "warmupSeconds":2, "durationSeconds":8, "headers":{}}'
import autocannon from 'autocannon';

const { url, connections, warmupSeconds, durationSeconds, headers = {} } = JSON.parse(process.argv[2]);

async function hammer(seconds) {
  return autocannon({ url, connections, pipelining: 1, duration: seconds, timeout: 10, headers });
}

if (warmupSeconds > 0) await hammer(warmupSeconds);
const result = await hammer(durationSeconds);
console.log(JSON.stringify({
  rps: result.requests.total / (result.duration || durationSeconds),
  rpsAverage: result.requests.average,
  total: result.requests.total,
  seconds: result.duration,
  latencyP50: result.latency.p50,
  latencyP99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  bytesPerRequest: result.requests.total ? result.throughput.total / result.requests.total : 0,
}));
