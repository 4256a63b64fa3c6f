// `POST /api/storage`: a storage command (outpost kv, d1, r2 or queues) that a client runs with
// --remote (src/cli/remote.js), run on the server's state directory with the config the client
// sent. It runs in a child process (storage-entry.js), in a new directory holding copies of the
// files the client sent: every argument that names a file names a copy there instead, so the
// command never opens a path the client chose.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configFromUpload } from '../config/load.js';
import { LOCAL_OPTIONS, commandLine, describeCommand } from '../cli/remote.js';
import { REMOTE as kv } from '../cli/kv.js';
import { REMOTE as d1 } from '../cli/d1.js';
import { REMOTE as r2 } from '../cli/r2.js';
import { REMOTE as queues } from '../cli/queues.js';

const ENTRY = fileURLToPath(new URL('./storage-entry.js', import.meta.url));
const COMMANDS = { kv, d1, r2, queues };
// What a command may print and write, together: its answer carries all of it.
const MAX_OUTPUT_BYTES = 100 * 1024 * 1024;
// Where the files of `d1 migrations list|apply` go: with an uploaded config (which names no
// directory of the server), d1.js reads them from migrations/ of its working directory.
const MIGRATIONS_DIR = 'migrations';

export class StorageRequestError extends Error {
  constructor(message, status = 400) {
    super(message);
    this.name = 'StorageRequestError';
    this.status = status;
  }
}

const tooLarge = () => new StorageRequestError(`The command's output is larger than ${MAX_OUTPUT_BYTES} bytes.`, 413);
const isFileList = (list) => Array.isArray(list) && list.every((file) => typeof file?.name === 'string' && typeof file.base64 === 'string');
const decoded = (base64) => Buffer.from(base64, 'base64');

// Checks a request { command, args, config, configPath, files, migrations, stdin } (see remote.js)
// and returns the command to run, with the scope it takes: read for the commands that only read,
// deploy for the others.
export function storageCommand(body) {
  const spec = Object.hasOwn(COMMANDS, body?.command) ? COMMANDS[body.command] : null;
  if (!spec) throw new StorageRequestError(`"command" must be one of: ${Object.keys(COMMANDS).join(', ')}.`);
  if (!Array.isArray(body.args) || body.args.some((arg) => typeof arg !== 'string')) throw new StorageRequestError('"args" must be a list of strings.');
  let parsed;
  try {
    parsed = parseArgs({ args: body.args, options: spec.options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new StorageRequestError(err.message);
  }
  const { values, positionals } = parsed;
  const local = LOCAL_OPTIONS.find((option) => values[option] !== undefined);
  if (local) throw new StorageRequestError(`--${local} is not accepted: the server acts on its own state directory, with the config sent as "config".`);
  const { command, words, files } = describeCommand(spec, values, positionals);

  const sent = body.files ?? [];
  if (!isFileList(sent)) throw new StorageRequestError('"files" must be a list of { name, base64 }.');
  for (const file of files) {
    if (file.output) continue;
    const copy = sent.find(({ name }) => name === file.path);
    if (!copy) throw new StorageRequestError(`The file "${file.path}" that the arguments name was not sent.`);
    file.content = decoded(copy.base64);
  }
  const migrations = body.migrations ?? null;
  if (migrations !== null) {
    if (!isFileList(migrations)) throw new StorageRequestError('"migrations" must be a list of { name, base64 }.');
    const bad = migrations.find(({ name }) => !/^[^./\\\0][^/\\\0]{0,250}\.sql$/.test(name));
    if (bad) throw new StorageRequestError(`"${bad.name}" is not the name of a migration file.`);
  }
  const stdin = body.stdin ?? '';
  if (typeof stdin !== 'string') throw new StorageRequestError('"stdin" must be base64 text.');

  const config = body.config ?? null;
  const configPath = typeof body.configPath === 'string' ? body.configPath.slice(0, 1000) : 'the uploaded config';
  if (config !== null) {
    try {
      configFromUpload(config, configPath);
    } catch (err) {
      if (err.name === 'ConfigError') throw new StorageRequestError(err.message);
      throw err;
    }
  }
  return {
    group: body.command, command, words, values, positionals, files, config, configPath,
    migrations, stdin: decoded(stdin),
    scope: spec.reads.includes(command) ? 'read' : 'deploy',
  };
}

// The name of the copy of a file the client named: its base name when that is a plain one, so
// that the command's messages name the file as the client does.
function copyName(given, taken) {
  const base = path.basename(given);
  let name = /^\w[\w.-]{0,99}$/.test(base) ? base : 'file';
  while (taken.has(name)) name = `_${name}`;
  taken.add(name);
  return name;
}

// Runs a command from storageCommand() on `stateDir`. Resolves with { code, output: [{ stream,
// base64 }] (what it printed, in order), files: [{ name, base64 }] (those it wrote, by the names
// the client gave) }.
export async function runStorageCommand(stateDir, request) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'outpost-storage-'));
  try {
    const dir = path.join(root, 'work');
    mkdirSync(dir);
    const taken = new Set([MIGRATIONS_DIR]);
    const outputs = [];
    for (const file of request.files) {
      const name = copyName(file.path, taken);
      if (file.output) outputs.push({ name, given: file.path });
      else writeFileSync(path.join(dir, name), file.content);
      file.replace(name);
    }
    if (request.migrations) {
      mkdirSync(path.join(dir, MIGRATIONS_DIR));
      for (const { name, base64 } of request.migrations) writeFileSync(path.join(dir, MIGRATIONS_DIR, name), decoded(base64));
    }
    const job = path.join(root, 'job.json');
    writeFileSync(job, JSON.stringify({
      command: request.group,
      args: commandLine(request.values, request.positionals, request.words),
      config: request.config,
      configPath: request.configPath,
      stateDir,
    }));
    const { code, output, bytes } = await runChild(dir, job, request.stdin);

    let room = MAX_OUTPUT_BYTES - bytes;
    const files = [];
    for (const { name, given } of outputs) {
      const file = path.join(dir, name);
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat?.isFile()) continue;
      room -= stat.size;
      if (room < 0) throw tooLarge();
      files.push({ name: given, base64: readFileSync(file).toString('base64') });
    }
    return { code, output: output.map(({ stream, chunks }) => ({ stream, base64: Buffer.concat(chunks).toString('base64') })), files };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// Runs storage-entry.js on `job` in `dir`, with `stdin` as its standard input. Resolves with its
// exit code and what it printed: { code, output: [{ stream, chunks }], bytes }.
async function runChild(dir, job, stdin) {
  // The command needs none of the server's own secrets.
  const env = { ...process.env };
  delete env.OUTPOST_API_TOKEN;
  delete env.OUTPOST_SECRETS_KEY;
  const child = spawn(process.execPath, [...process.execArgv, ENTRY, job], { cwd: dir, env, stdio: 'pipe' });
  const output = [];
  let bytes = 0;
  let overflowed = false;
  const collect = (stream) => (chunk) => {
    bytes += chunk.length;
    if (bytes > MAX_OUTPUT_BYTES) {
      overflowed = true;
      child.kill();
      return;
    }
    const last = output.at(-1);
    if (last?.stream === stream) last.chunks.push(chunk);
    else output.push({ stream, chunks: [chunk] });
  };
  child.stdout.on('data', collect('stdout'));
  child.stderr.on('data', collect('stderr'));
  // A command that does not read its input may be done before it is written.
  child.stdin.on('error', () => {});
  child.stdin.end(stdin);
  const [code] = await once(child, 'close');
  if (overflowed) throw tooLarge();
  return { code: code ?? 1, output, bytes };
}
