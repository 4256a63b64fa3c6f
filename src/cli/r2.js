// `outpost r2`: R2 buckets and objects in the local state (or a server's, with --remote), with
// wrangler's verbs and flags. It goes through the same store as the R2 binding, so it can run
// while `outpost dev` serves the same state directory.
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, UsageError } from './args.js';
import { STATE_OPTIONS, STATE_USAGE, loadProject } from './state.js';
import { runRemote } from './remote.js';
import {
  openR2Bucket, listBuckets, bucketExists, removeBucket, validBucketName, R2Error, R2_LIMITS, STORAGE_CLASSES,
} from '../storage/r2-store.js';

const USAGE = `Usage:
  outpost r2 bucket create <name>                 Create a bucket and print its config entry
  outpost r2 bucket list                          List buckets
  outpost r2 bucket delete <name>                 Delete an empty bucket
  outpost r2 object put <bucket>/<key> (--file FILE | --pipe) [metadata options]
  outpost r2 object get <bucket>/<key> [--file FILE | --pipe]
  outpost r2 object delete <bucket>/<key>

Options:
  -f, --file <path>              The file to upload, or to download into (get without --file writes to stdout)
  -p, --pipe                     Upload from stdin / download to stdout, without status messages
                                 (large transfers still report progress on stderr)
      --content-type, --ct <t>   Content-Type to store with the object
      --content-disposition, --cd <v>
      --content-encoding, --ce <v>
      --content-language, --cl <v>
      --cache-control, --cc <v>
      --expires <date>           The object's cache expiry (a date Date.parse reads)
  -s, --storage-class <class>    The object's storage class: ${STORAGE_CLASSES.join(' or ')} (bucket create checks and ignores it)
      --local                    Use the local state (the default; accepted for wrangler compatibility)
      --remote                   Act on the server at OUTPOST_API_URL (token: OUTPOST_API_TOKEN)
${STATE_USAGE}
  -h, --help                     Show this help
`;

const OPTIONS = {
  ...STATE_OPTIONS,
  file: { type: 'string', short: 'f' },
  pipe: { type: 'boolean', short: 'p' },
  'content-type': { type: 'string' },
  ct: { type: 'string' },
  'content-disposition': { type: 'string' },
  cd: { type: 'string' },
  'content-encoding': { type: 'string' },
  ce: { type: 'string' },
  'content-language': { type: 'string' },
  cl: { type: 'string' },
  'cache-control': { type: 'string' },
  cc: { type: 'string' },
  expires: { type: 'string' },
  'storage-class': { type: 'string', short: 's' },
  local: { type: 'boolean' },
  remote: { type: 'boolean' },
};

// What --remote sends to the server (remote.js): the file to put, and standard input for --pipe;
// the file of get comes back.
export const REMOTE = {
  options: OPTIONS,
  words: () => 2,
  reads: ['bucket list', 'object get'],
  files: (command) => [{ option: 'file', output: command === 'object get' }],
  stdin: (command, values) => command === 'object put' && values.pipe === true,
};

const MiB = 1024 * 1024;
// Transfers at least this large report their progress on stderr.
const PROGRESS_FROM_BYTES = 4 * MiB;
const PROGRESS_EVERY_MS = 250;

export async function run(argv) {
  const { values, positionals } = parse(argv, OPTIONS, USAGE);
  if (values.remote) return runRemote('r2', REMOTE, { values, positionals });
  const [group, verb, ...args] = positionals;
  const command = COMMANDS[`${group} ${verb}`];
  if (!command) throw new UsageError(`Unknown command "outpost r2 ${positionals.join(' ')}".\n\n${USAGE}`);
  const project = loadProject(values);
  try {
    await command({ values, args, project });
  } catch (err) {
    // R2's own refusals (a key too long, a metadata limit...) are the user's to fix, not crashes.
    if (err instanceof R2Error) throw new UsageError(err.message);
    throw err;
  }
}

const say = (text) => process.stderr.write(`${text}\n`);
const print = (text) => process.stdout.write(`${text}\n`);

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MiB) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  return `${(bytes / (1024 * MiB)).toFixed(2)} GiB`;
}

// A pass-through that reports how far a transfer of `total` bytes (null: unknown) has got, on
// stderr: a line every so often once it is large, and a last one when it ends. On a terminal the
// line is rewritten in place.
function progressMeter(label, total) {
  const tty = process.stderr.isTTY;
  let done = 0;
  let lastShown = 0;
  let shown = false;
  const show = (final) => {
    const of = total === null ? '' : ` of ${formatBytes(total)} (${total === 0 ? 100 : Math.floor((done / total) * 100)}%)`;
    const line = `${label} ${formatBytes(done)}${of}${final ? ', done.' : ''}`;
    process.stderr.write(tty ? `\r${line}${final ? '\n' : ''}` : `${line}\n`);
    shown = true;
  };
  const large = () => (total ?? done) >= PROGRESS_FROM_BYTES;
  return new Transform({
    transform(chunk, _encoding, callback) {
      done += chunk.length;
      const now = Date.now();
      if (large() && now - lastShown >= PROGRESS_EVERY_MS) {
        lastShown = now;
        show(false);
      }
      callback(null, chunk);
    },
    flush(callback) {
      if (shown || large()) show(true);
      callback();
    },
  });
}

// "bucket/some/key" as { bucket, key }.
function objectPath(arg) {
  if (!arg) throw new UsageError('Missing the object path: <bucket>/<key>');
  const slash = arg.indexOf('/');
  if (slash <= 0 || slash === arg.length - 1) throw new UsageError(`The object path must be <bucket>/<key>; got "${arg}".`);
  return { bucket: arg.slice(0, slash), key: arg.slice(slash + 1) };
}

// The bucket an object command acts on. It must exist, or be named in the config (a binding
// creates its bucket on first use, so the CLI does too).
function bucketFor({ project }, name) {
  const configured = (project.config?.r2Buckets ?? []).some((entry) => entry.bucket_name === name || entry.preview_bucket_name === name);
  if (!configured && !bucketExists(project.stateDir, name)) {
    throw new UsageError(`The bucket "${name}" does not exist. Create it with: outpost r2 bucket create ${name}`);
  }
  return openR2Bucket(project.stateDir, name);
}

function storageClass(values) {
  const value = values['storage-class'];
  if (value === undefined) return undefined;
  if (!STORAGE_CLASSES.includes(value)) throw new UsageError(`The storage class must be ${STORAGE_CLASSES.join(' or ')}; got "${value}".`);
  return value;
}

function httpMetadata(values) {
  const metadata = {};
  const pick = (field, long, short) => {
    const value = values[long] ?? values[short];
    if (value !== undefined) metadata[field] = value;
  };
  pick('contentType', 'content-type', 'ct');
  pick('contentDisposition', 'content-disposition', 'cd');
  pick('contentEncoding', 'content-encoding', 'ce');
  pick('contentLanguage', 'content-language', 'cl');
  pick('cacheControl', 'cache-control', 'cc');
  if (values.expires !== undefined) {
    const at = Date.parse(values.expires);
    if (Number.isNaN(at)) throw new UsageError(`--expires must be a date; got "${values.expires}".`);
    metadata.cacheExpiry = at;
  }
  return metadata;
}

const COMMANDS = {
  'bucket create': async ({ args: [name], values, project }) => {
    if (!name) throw new UsageError('Missing the bucket name: outpost r2 bucket create <name>');
    if (!validBucketName(name)) {
      throw new UsageError(`The bucket name "${name}" is invalid. Bucket names must begin and end with an alphanumeric character, only contain lowercase letters, numbers, and hyphens, and be between 3 and 63 characters long.`);
    }
    storageClass(values);
    if (bucketExists(project.stateDir, name)) throw new UsageError(`A bucket named "${name}" already exists.`);
    say(`Creating bucket '${name}'...`);
    openR2Bucket(project.stateDir, name);
    say(`✅ Created bucket '${name}'.`);
    print(`Add it to your config:\n\n[[r2_buckets]]\nbinding = "${name.toUpperCase().replaceAll('-', '_')}"\nbucket_name = "${name}"`);
  },

  'bucket list': async ({ project }) => {
    const buckets = listBuckets(project.stateDir);
    if (buckets.length === 0) {
      say('No buckets yet.');
      return;
    }
    print(buckets.map(({ name }) => {
      const created = openR2Bucket(project.stateDir, name).created;
      return `name:           ${name}\ncreation_date:  ${created === null ? 'unknown' : new Date(created).toISOString()}`;
    }).join('\n\n'));
  },

  'bucket delete': async ({ args: [name], project }) => {
    if (!name) throw new UsageError('Missing the bucket name: outpost r2 bucket delete <name>');
    if (!bucketExists(project.stateDir, name)) throw new UsageError(`The bucket "${name}" does not exist.`);
    if (!openR2Bucket(project.stateDir, name).isEmpty()) {
      throw new UsageError(`The bucket you tried to delete ("${name}") is not empty. Delete its objects first. (10008)`);
    }
    say(`Deleting bucket '${name}'...`);
    removeBucket(project.stateDir, name);
    say(`Deleted bucket '${name}'.`);
  },

  'object put': async ({ args: [target], values, project }) => {
    const { bucket, key } = objectPath(target);
    if (Boolean(values.file) === Boolean(values.pipe)) throw new UsageError('Give the object\'s contents with either --file <path> or --pipe (stdin).');
    const metadata = { httpMetadata: httpMetadata(values), storageClass: storageClass(values) };
    let total = null;
    if (values.file) {
      const info = statSync(values.file, { throwIfNoEntry: false });
      if (!info?.isFile()) throw new UsageError(`Cannot read "${values.file}": no such file.`);
      total = info.size;
      if (total > R2_LIMITS.uploadBytes) {
        throw new UsageError(`"${values.file}" is ${formatBytes(total)}; one upload is at most ${formatBytes(R2_LIMITS.uploadBytes)} (R2's limit).`);
      }
    }
    const store = bucketFor({ project }, bucket);
    if (!values.pipe) say(`Creating object "${key}" in bucket "${bucket}".`);
    const input = values.file ? createReadStream(values.file) : process.stdin;
    const meter = progressMeter('Uploaded', total);
    const source = input.pipe(meter);
    input.on('error', (err) => meter.destroy(err));
    const object = await store.put(key, source, metadata);
    if (!values.pipe) say(`Upload complete: ${formatBytes(object.size)}, etag ${object.etag}.`);
  },

  'object get': async ({ args: [target], values, project }) => {
    const { bucket, key } = objectPath(target);
    const store = bucketFor({ project }, bucket);
    const found = await store.get(key);
    if (found === null) throw new UsageError(`The object "${key}" does not exist in bucket "${bucket}".`);
    const quiet = values.pipe || !values.file;
    if (!quiet) say(`Downloading "${key}" from "${bucket}".`);
    const output = values.file ? createWriteStream(values.file) : process.stdout;
    await pipeline(Readable.from(found.body), progressMeter('Downloaded', found.object.size), output);
    if (!quiet) say('Download complete.');
  },

  'object delete': async ({ args: [target], values, project }) => {
    const { bucket, key } = objectPath(target);
    const store = bucketFor({ project }, bucket);
    if (!values.pipe) say(`Deleting object "${key}" from bucket "${bucket}".`);
    await store.delete(key);
    say('Delete complete.');
  },
};
