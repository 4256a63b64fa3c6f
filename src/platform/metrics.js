// Per-worker request metrics of one process, and their merge into Prometheus' text format.

const BUCKETS_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

function newHistogram() {
  return { counts: new Array(BUCKETS_MS.length).fill(0), sum: 0, count: 0 };
}

function observe(histogram, value) {
  for (let i = 0; i < BUCKETS_MS.length; i++) if (value <= BUCKETS_MS[i]) histogram.counts[i] += 1;
  histogram.sum += value;
  histogram.count += 1;
}

export class RequestMetrics {
  constructor() {
    this.workers = new Map();
  }

  // One finished request of `worker`.
  record(worker, { status, cpuMs, wallMs }) {
    let entry = this.workers.get(worker);
    if (!entry) {
      entry = { requests: {}, errors: 0, cpu: newHistogram(), wall: newHistogram() };
      this.workers.set(worker, entry);
    }
    const statusClass = `${Math.floor(status / 100)}xx`;
    entry.requests[statusClass] = (entry.requests[statusClass] ?? 0) + 1;
    if (status >= 500) entry.errors += 1;
    observe(entry.cpu, cpuMs);
    observe(entry.wall, wallMs);
  }

  // A plain object that crosses process boundaries.
  snapshot() {
    return Object.fromEntries(this.workers);
  }
}

const escapeLabel = (value) => String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

// The text of /metrics from each process's snapshot ({ requests: RequestMetrics snapshot,
// isolates, heapBytes, coldStarts, evictions, forwarded }) and the queues' depths.
export function renderPrometheus(processes, queues = []) {
  const merged = new Map();
  for (const { requests } of processes) {
    for (const [worker, entry] of Object.entries(requests)) {
      const into = merged.get(worker) ?? { requests: {}, errors: 0, cpu: newHistogram(), wall: newHistogram() };
      for (const [statusClass, n] of Object.entries(entry.requests)) into.requests[statusClass] = (into.requests[statusClass] ?? 0) + n;
      into.errors += entry.errors;
      for (const key of ['cpu', 'wall']) {
        entry[key].counts.forEach((n, i) => (into[key].counts[i] += n));
        into[key].sum += entry[key].sum;
        into[key].count += entry[key].count;
      }
      merged.set(worker, into);
    }
  }
  const lines = [];
  const metric = (name, type, help) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  metric('outpost_requests_total', 'counter', 'Requests served, by worker and status class.');
  for (const [worker, entry] of merged) {
    for (const [statusClass, n] of Object.entries(entry.requests)) lines.push(`outpost_requests_total{worker="${escapeLabel(worker)}",status="${statusClass}"} ${n}`);
  }
  metric('outpost_errors_total', 'counter', 'Requests answered with a 5xx status, by worker.');
  for (const [worker, entry] of merged) lines.push(`outpost_errors_total{worker="${escapeLabel(worker)}"} ${entry.errors}`);
  for (const [key, name, help] of [['cpu', 'outpost_request_cpu_ms', 'CPU time per request in milliseconds.'], ['wall', 'outpost_request_wall_ms', 'Wall time per request in milliseconds.']]) {
    metric(name, 'histogram', help);
    for (const [worker, entry] of merged) {
      const label = `worker="${escapeLabel(worker)}"`;
      BUCKETS_MS.forEach((le, i) => lines.push(`${name}_bucket{${label},le="${le}"} ${entry[key].counts[i]}`));
      lines.push(`${name}_bucket{${label},le="+Inf"} ${entry[key].count}`, `${name}_sum{${label}} ${entry[key].sum}`, `${name}_count{${label}} ${entry[key].count}`);
    }
  }
  const total = (field) => processes.reduce((sum, p) => sum + p[field], 0);
  metric('outpost_isolates_resident', 'gauge', 'Worker isolates alive, over all processes.');
  lines.push(`outpost_isolates_resident ${total('isolates')}`);
  metric('outpost_isolate_heap_bytes', 'gauge', 'Heap of the resident isolates, over all processes.');
  lines.push(`outpost_isolate_heap_bytes ${total('heapBytes')}`);
  metric('outpost_cold_starts_total', 'counter', 'Requests that had to start their isolate first (after an eviction, or away from its home).');
  lines.push(`outpost_cold_starts_total ${total('coldStarts')}`);
  metric('outpost_evictions_total', 'counter', 'Idle isolates evicted under the memory budget.');
  lines.push(`outpost_evictions_total ${total('evictions')}`);
  metric('outpost_forwarded_requests_total', 'counter', 'Requests a process handed to the process that keeps their worker warm.');
  lines.push(`outpost_forwarded_requests_total ${total('forwarded')}`);
  metric('outpost_processes', 'gauge', 'Server processes serving requests.');
  lines.push(`outpost_processes ${processes.length}`);
  metric('outpost_queue_messages', 'gauge', 'Messages in each queue, by state.');
  for (const queue of queues) {
    for (const state of ['ready', 'delayed', 'inFlight', 'deadLettered']) {
      lines.push(`outpost_queue_messages{queue="${escapeLabel(queue.name)}",state="${state}"} ${queue[state] ?? 0}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
