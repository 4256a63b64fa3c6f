// `outpost tail`: a deployed worker's requests, logs and exceptions as they happen.
import WebSocket from 'ws';
import { parse, UsageError } from './args.js';
import { logInfo, logError } from './log.js';
import { apiSettings, workerPath, workerName, WORKER_OPTIONS, WORKER_USAGE } from './api-client.js';

const USAGE = `Usage: outpost tail [worker] [options]

Options:
${WORKER_USAGE}
      --format <pretty|json>   Output format (default: pretty)
      --status <ok|error|canceled>   Only events with this outcome (repeatable)
      --method <METHOD>        Only requests with this method (repeatable)
      --search <text>          Only events whose URL, logs or exceptions contain the text
      --sampling-rate <0..1>   Share of events to show (default 1)
  -h, --help                   Show this help
`;

const OPTIONS = {
  ...WORKER_OPTIONS,
  format: { type: 'string' },
  status: { type: 'string', multiple: true },
  method: { type: 'string', multiple: true },
  search: { type: 'string' },
  'sampling-rate': { type: 'string' },
};

const OUTCOMES = { ok: 'Ok', exception: 'Exception Thrown', exceededCpu: 'Exceeded CPU Limit', exceededMemory: 'Exceeded Memory', canceled: 'Canceled' };

function pretty(event) {
  const when = new Date(event.eventTimestamp).toLocaleString();
  const request = event.event?.request;
  const lines = request ? [`${request.method} ${request.url} - ${OUTCOMES[event.outcome] ?? event.outcome} @ ${when}`] : [];
  for (const line of event.logs) lines.push(`  (${line.level}) ${line.message.join(' ')}`);
  for (const exception of event.exceptions) lines.push(`  ✘ ${exception.name}: ${exception.message}`);
  return lines.join('\n');
}

export async function run(argv) {
  const { values, positionals } = parse(argv, OPTIONS, USAGE);
  const format = values.format ?? 'pretty';
  if (format !== 'pretty' && format !== 'json') throw new UsageError(`--format expects pretty or json, got ${format}`);
  const name = workerName(values, positionals[0]);
  const { url, token } = apiSettings();
  const query = new URLSearchParams();
  for (const status of values.status ?? []) query.append('status', status);
  for (const method of values.method ?? []) query.append('method', method);
  if (values.search) query.set('search', values.search);
  if (values['sampling-rate']) query.set('sampling_rate', values['sampling-rate']);
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${workerPath(name)}/tail?${query}`, { headers: { authorization: `Bearer ${token}` } });
  await new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => reject(new UsageError(`The server refused to tail "${name}" (${res.statusCode} ${res.statusMessage}).`)));
    ws.on('error', (err) => reject(new UsageError(`Cannot reach the server at ${url}: ${err.message}`)));
    ws.on('open', resolve);
  });
  if (format === 'pretty') process.stderr.write(`Connected to ${name}, waiting for logs...\n`);
  ws.on('message', (data) => {
    const event = JSON.parse(data.toString());
    logInfo(format === 'json' ? JSON.stringify(event) : pretty(event));
  });
  ws.on('close', () => {
    logError('The server closed the tail.');
    process.exit(1);
  });
  process.once('SIGINT', () => {
    ws.removeAllListeners('close');
    ws.close();
    process.exit(0);
  });
}
