// `outpost queues`: queues and their consumers in the local state (or a server's, with --remote),
// with wrangler's verbs and flags, and what is in each queue.
import { parse, UsageError } from './args.js';
import { STATE_OPTIONS, STATE_USAGE, loadProject } from './state.js';
import { runRemote } from './remote.js';
import { openQueueStore } from '../storage/queue-store.js';

const USAGE = `Usage:
  outpost queues create <name>                       Create a queue
  outpost queues list [--json]                       Queues with their ready, delayed, in-flight and dead-lettered counts
  outpost queues info <name> [--json]                One queue: its counts and consumers
  outpost queues delete <name>                       Delete a queue and every message in it
  outpost queues consumer add <queue> <script> [--batch-size N] [--batch-timeout S] [--message-retries N]
                              [--dead-letter-queue Q] [--max-concurrency N] [--retry-delay-secs S]
  outpost queues consumer remove <queue> <script>

A consumer added here is used by \`outpost dev\` for the worker named <script> (its config's own
[[queues.consumers]] take precedence for the same queue).

Options:
      --json                 Print JSON
      --local                Use the local state (the default; accepted for wrangler compatibility)
      --remote               Act on the server at OUTPOST_API_URL (token: OUTPOST_API_TOKEN)
${STATE_USAGE}
  -h, --help                 Show this help
`;

const OPTIONS = {
  ...STATE_OPTIONS,
  json: { type: 'boolean' },
  local: { type: 'boolean' },
  remote: { type: 'boolean' },
  'batch-size': { type: 'string' },
  'batch-timeout': { type: 'string' },
  'message-retries': { type: 'string' },
  'dead-letter-queue': { type: 'string' },
  'max-concurrency': { type: 'string' },
  'retry-delay-secs': { type: 'string' },
};

// What --remote sends to the server (remote.js): the command line alone.
export const REMOTE = {
  options: OPTIONS,
  words: ([verb]) => (verb === 'consumer' ? 2 : 1),
  reads: ['list', 'info'],
  files: () => [],
};

// Consumer flags → [[queues.consumers]] keys, with Cloudflare's limits.
const CONSUMER_FLAGS = [
  ['batch-size', 'max_batch_size', 1, 100, true],
  ['batch-timeout', 'max_batch_timeout', 0, 60, false],
  ['message-retries', 'max_retries', 0, 100, true],
  ['max-concurrency', 'max_concurrency', 1, 250, true],
  ['retry-delay-secs', 'retry_delay', 0, 43_200, true],
];

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export async function run(argv) {
  const { values, positionals } = parse(argv, OPTIONS, USAGE);
  if (values.remote) return runRemote('queues', REMOTE, { values, positionals });
  const [verb, ...args] = positionals;
  const command = verb === 'consumer' ? CONSUMER_COMMANDS[args.shift()] : COMMANDS[verb];
  if (!command) throw new UsageError(`Unknown command "outpost queues ${positionals.join(' ')}".\n\n${USAGE}`);
  const { stateDir } = loadProject(values);
  await command({ values, args, store: openQueueStore(stateDir) });
}

function queueName(name) {
  if (!name) throw new UsageError('Missing the queue name.');
  if (!NAME.test(name)) throw new UsageError(`A queue name is 1-63 lowercase letters, digits and dashes, starting with a letter or digit; got "${name}".`);
  return name;
}

const print = (text) => process.stdout.write(`${text}\n`);

function table(rows) {
  const header = ['queue', 'ready', 'delayed', 'in flight', 'dead-lettered'];
  const lines = [header, ...rows.map((q) => [q.name, q.ready, q.delayed, q.inFlight, q.deadLettered].map(String))];
  const widths = header.map((_, i) => Math.max(...lines.map((line) => line[i].length)));
  return lines.map((line) => line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

function describe({ name, created, ready, delayed, inFlight, deadLettered }) {
  return { name, created: new Date(created).toISOString(), ready, delayed, inFlight, deadLettered };
}

const COMMANDS = {
  create: ({ args: [name], store }) => {
    if (!store.createQueue(queueName(name))) throw new UsageError(`A queue named "${name}" already exists.`);
    print(`Created queue "${name}".\nAdd it to your config:\n\n[[queues.producers]]\nqueue = "${name}"\nbinding = "${name.toUpperCase().replaceAll('-', '_')}"\n\n[[queues.consumers]]\nqueue = "${name}"`);
  },
  list: ({ values, store }) => {
    const queues = store.queues();
    if (values.json) print(JSON.stringify(queues.map(describe), null, 2));
    else print(queues.length === 0 ? 'No queues.' : table(queues));
  },
  info: ({ values, args: [name], store }) => {
    const queue = store.queue(queueName(name));
    if (!queue) throw new UsageError(`No queue named "${name}".`);
    const consumers = store.consumers().filter((consumer) => consumer.queue === name);
    if (values.json) {
      print(JSON.stringify({ ...describe(queue), consumers }, null, 2));
      return;
    }
    print(table([queue]));
    print(`created: ${describe(queue).created}`);
    print(consumers.length === 0 ? 'consumers added with `outpost queues consumer add`: none' : consumers.map((c) => `consumer: ${c.script} ${JSON.stringify(c.settings)}`).join('\n'));
  },
  delete: ({ args: [name], store }) => {
    if (!store.deleteQueue(queueName(name))) throw new UsageError(`No queue named "${name}".`);
    print(`Deleted queue "${name}" and its messages.`);
  },
};

const CONSUMER_COMMANDS = {
  add: ({ values, args: [queue, script], store }) => {
    queueName(queue);
    if (!script) throw new UsageError('Missing the script (worker) name: outpost queues consumer add <queue> <script>');
    const settings = {};
    for (const [flag, key, min, max, integer] of CONSUMER_FLAGS) {
      if (values[flag] === undefined) continue;
      const number = Number(values[flag]);
      if (!(integer ? Number.isInteger(number) : Number.isFinite(number)) || number < min || number > max) {
        throw new UsageError(`--${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${values[flag]}`);
      }
      settings[key] = number;
    }
    if (values['dead-letter-queue'] !== undefined) settings.dead_letter_queue = queueName(values['dead-letter-queue']);
    store.createQueue(queue);
    store.addConsumer(queue, script, settings);
    print(`Added consumer "${script}" to queue "${queue}".`);
  },
  remove: ({ args: [queue, script], store }) => {
    if (!store.removeConsumer(queueName(queue), script)) throw new UsageError(`Queue "${queue}" has no consumer "${script}".`);
    print(`Removed consumer "${script}" from queue "${queue}".`);
  },
};
