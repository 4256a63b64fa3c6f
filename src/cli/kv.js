// `outpost kv`: KV namespaces and keys in the local state (or a server's, with --remote), with
// wrangler's verbs and flags.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, UsageError } from './args.js';
import { STATE_OPTIONS, STATE_USAGE, loadProject, findConfigEntry } from './state.js';
import { runRemote } from './remote.js';
import { openKvStore, KV_LIMITS } from '../storage/kv-store.js';

const USAGE = `Usage:
  outpost kv namespace create <name>                Create a namespace and print its config entry
  outpost kv namespace list                         List namespaces (JSON)
  outpost kv namespace delete (--binding B | --namespace-id ID)
  outpost kv key put <key> [value] (--binding B | --namespace-id ID) [--path FILE] [--ttl S] [--expiration T] [--metadata JSON]
  outpost kv key get <key> (--binding B | --namespace-id ID) [--text]
  outpost kv key delete <key> (--binding B | --namespace-id ID)
  outpost kv key list (--binding B | --namespace-id ID) [--prefix P]
  outpost kv bulk put <file.json> (--binding B | --namespace-id ID)
  outpost kv bulk delete <file.json> (--binding B | --namespace-id ID)

Options:
      --binding <name>       A binding of [[kv_namespaces]] in the config
      --namespace-id <id>    A namespace id
      --preview              Use the binding's preview_id
      --local                Use the local state (the default; accepted for wrangler compatibility)
      --remote               Act on the server at OUTPOST_API_URL (token: OUTPOST_API_TOKEN)
  -f, --force                Accepted for wrangler compatibility (bulk delete never asks)
${STATE_USAGE}
  -h, --help                 Show this help
`;

const OPTIONS = {
  ...STATE_OPTIONS,
  binding: { type: 'string' },
  'namespace-id': { type: 'string' },
  preview: { type: 'boolean' },
  local: { type: 'boolean' },
  remote: { type: 'boolean' },
  path: { type: 'string' },
  ttl: { type: 'string' },
  expiration: { type: 'string' },
  metadata: { type: 'string' },
  text: { type: 'boolean' },
  prefix: { type: 'string' },
  force: { type: 'boolean', short: 'f' },
};

// What --remote sends to the server (remote.js): the files of --path and of bulk put and delete.
export const REMOTE = {
  options: OPTIONS,
  words: () => 2,
  reads: ['namespace list', 'key get', 'key list'],
  files: (command) => [{ option: 'path' }, ...(command.startsWith('bulk ') ? [{ argument: 0 }] : [])],
};

const PROGRESS_EVERY = 10_000;

export async function run(argv) {
  const { values, positionals } = parse(argv, OPTIONS, USAGE);
  if (values.remote) return runRemote('kv', REMOTE, { values, positionals });
  const [group, verb, ...args] = positionals;
  const command = COMMANDS[`${group} ${verb}`];
  if (!command) throw new UsageError(`Unknown command "outpost kv ${positionals.join(' ')}".\n\n${USAGE}`);
  const project = loadProject(values);
  const store = openKvStore(project.stateDir);
  await command({ values, args, project, store });
}

// The namespace id the options point at: --namespace-id, or the id of --binding in the config.
function namespaceId({ values, project }) {
  if (values['namespace-id'] && values.binding) throw new UsageError('Give either --binding or --namespace-id, not both.');
  if (values['namespace-id']) return values['namespace-id'];
  if (!values.binding) throw new UsageError('Say which namespace: --binding <name> or --namespace-id <id>.');
  const entry = findConfigEntry(project.config, 'kvNamespaces', 'binding', values.binding, 'KV binding');
  if (values.preview) {
    if (!entry.preview_id) throw new UsageError(`The KV binding "${values.binding}" has no preview_id.`);
    return entry.preview_id;
  }
  return entry.id;
}

function checkKey(key) {
  if (key === undefined) throw new UsageError('Missing the key.');
  if (key === '' || key === '.' || key === '..') throw new UsageError(`"${key}" is not allowed as a key name.`);
  const length = Buffer.byteLength(key);
  if (length > KV_LIMITS.keyBytes) throw new UsageError(`The key is ${length} bytes long; keys are at most ${KV_LIMITS.keyBytes} bytes.`);
}

function checkValue(key, value) {
  if (value.byteLength > KV_LIMITS.valueBytes) {
    throw new UsageError(`The value of "${key}" is ${value.byteLength} bytes; values are at most ${KV_LIMITS.valueBytes} bytes.`);
  }
}

function metadataJson(value, where) {
  if (value === undefined || value === null) return null;
  let json = value;
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
    } catch {
      throw new UsageError(`${where}: --metadata must be JSON, got ${value}`);
    }
  } else {
    json = JSON.stringify(value);
  }
  if (Buffer.byteLength(json) > KV_LIMITS.metadataBytes) {
    throw new UsageError(`${where}: the metadata is ${Buffer.byteLength(json)} bytes serialised; at most ${KV_LIMITS.metadataBytes} are allowed.`);
  }
  return json;
}

// Seconds since the epoch from a TTL or an absolute expiration (both in seconds), or null.
function expirationOf(ttl, expiration, where) {
  const now = Math.floor(Date.now() / 1000);
  if (ttl !== undefined && ttl !== null) {
    const seconds = Number(ttl);
    if (!Number.isInteger(seconds) || seconds < KV_LIMITS.minExpirationTtl) {
      throw new UsageError(`${where}: the TTL must be a whole number of seconds, at least ${KV_LIMITS.minExpirationTtl}; got ${ttl}`);
    }
    return now + seconds;
  }
  if (expiration !== undefined && expiration !== null) {
    const at = Number(expiration);
    if (!Number.isInteger(at) || at < now + KV_LIMITS.minExpirationTtl) {
      throw new UsageError(`${where}: the expiration must be seconds since the epoch, at least ${KV_LIMITS.minExpirationTtl} s from now; got ${expiration}`);
    }
    return at;
  }
  return null;
}

function readJsonFile(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`Cannot read ${file} as JSON: ${err.message}`);
  }
}

const print = (text) => process.stdout.write(`${text}\n`);
const progress = (text) => process.stderr.write(`${text}\n`);

const COMMANDS = {
  'namespace create': ({ args: [title], store }) => {
    if (!title) throw new UsageError('Missing the namespace name: outpost kv namespace create <name>');
    if (!/^[A-Za-z0-9_-]+$/.test(title)) throw new UsageError(`A namespace name may contain letters, digits, "-" and "_"; got "${title}".`);
    if (store.namespaceByTitle(title)) throw new UsageError(`A namespace named "${title}" already exists.`);
    const id = randomUUID().replaceAll('-', '');
    store.createNamespace(id, title);
    print(`Created namespace "${title}" with id "${id}".\nAdd it to your config:\n\n[[kv_namespaces]]\nbinding = "${title.toUpperCase().replaceAll('-', '_')}"\nid = "${id}"`);
  },
  'namespace list': ({ store }) => {
    print(JSON.stringify(store.namespaces().map(({ id, title }) => ({ id, title })), null, 2));
  },
  'namespace delete': (context) => {
    const id = namespaceId(context);
    context.store.deleteNamespace(id);
    print(`Deleted namespace ${id} and its keys.`);
  },
  'key put': (context) => {
    const { values, args: [key, value], store } = context;
    checkKey(key);
    if ((value === undefined) === (values.path === undefined)) throw new UsageError('Give the value either as an argument or with --path <file>, not both.');
    const bytes = values.path === undefined ? Buffer.from(value, 'utf8') : readFileSync(values.path);
    checkValue(key, bytes);
    const expiration = expirationOf(values.ttl, values.expiration, key);
    store.put(namespaceId(context), key, bytes, expiration, metadataJson(values.metadata, key));
    print(`Wrote "${key}".`);
  },
  'key get': (context) => {
    const { values, args: [key], store } = context;
    checkKey(key);
    const entry = store.get(namespaceId(context), key);
    if (!entry) {
      progress(`Value not found for "${key}".`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(values.text ? new TextDecoder().decode(entry.value) : entry.value);
  },
  'key delete': (context) => {
    const { args: [key], store } = context;
    checkKey(key);
    store.delete(namespaceId(context), key);
    print(`Deleted "${key}".`);
  },
  'key list': (context) => {
    const { values, store } = context;
    const id = namespaceId(context);
    const keys = [];
    let after = '';
    for (;;) {
      const page = store.list(id, { prefix: values.prefix ?? '', after });
      for (const { name, expiration, metadata } of page.keys) {
        const key = { name };
        if (expiration !== null) key.expiration = expiration;
        if (metadata !== null) key.metadata = JSON.parse(metadata);
        keys.push(key);
      }
      if (!page.more) break;
      after = page.keys.at(-1).name;
    }
    print(JSON.stringify(keys, null, 2));
  },
  // A JSON array of { key, value, expiration?, expiration_ttl?, metadata?, base64? }, written in
  // one transaction: all of it or, when an entry is invalid, none.
  'bulk put': (context) => {
    const { args: [file], store } = context;
    if (!file) throw new UsageError('Missing the JSON file: outpost kv bulk put <file.json>');
    const entries = readJsonFile(file);
    if (!Array.isArray(entries)) throw new UsageError(`${file} must hold a JSON array of { key, value } objects.`);
    const id = namespaceId(context);
    const rows = entries.map((entry, i) => {
      const where = `${file}[${i}]`;
      if (entry === null || typeof entry !== 'object' || typeof entry.key !== 'string' || typeof entry.value !== 'string') {
        throw new UsageError(`${where}: expected { "key": string, "value": string }.`);
      }
      checkKey(entry.key);
      const value = entry.base64 ? Buffer.from(entry.value, 'base64') : Buffer.from(entry.value, 'utf8');
      checkValue(entry.key, value);
      const expiration = expirationOf(entry.expiration_ttl, entry.expiration, where);
      return { key: entry.key, value, expiration, metadata: metadataJson(entry.metadata, where) };
    });
    for (let start = 0; start < rows.length; start += PROGRESS_EVERY) {
      store.putMany(id, rows.slice(start, start + PROGRESS_EVERY));
      if (rows.length > PROGRESS_EVERY) progress(`Uploaded ${Math.min(start + PROGRESS_EVERY, rows.length)} of ${rows.length}`);
    }
    print(`Wrote ${rows.length} key-value pairs.`);
  },
  // A JSON array of key names (or of { key } objects).
  'bulk delete': (context) => {
    const { args: [file], store } = context;
    if (!file) throw new UsageError('Missing the JSON file: outpost kv bulk delete <file.json>');
    const entries = readJsonFile(file);
    if (!Array.isArray(entries)) throw new UsageError(`${file} must hold a JSON array of key names.`);
    const keys = entries.map((entry, i) => {
      const key = typeof entry === 'string' ? entry : entry?.key;
      if (typeof key !== 'string') throw new UsageError(`${file}[${i}]: expected a key name.`);
      checkKey(key);
      return key;
    });
    const id = namespaceId(context);
    for (let start = 0; start < keys.length; start += PROGRESS_EVERY) {
      store.deleteMany(id, keys.slice(start, start + PROGRESS_EVERY));
      if (keys.length > PROGRESS_EVERY) progress(`Deleted ${Math.min(start + PROGRESS_EVERY, keys.length)} of ${keys.length}`);
    }
    print(`Deleted ${keys.length} keys.`);
  },
};
