// `--remote` on the storage commands (kv, d1, r2, queues): the command runs on the server at
// OUTPOST_API_URL (`POST /api/storage`), on its state directory, with the same verbs and flags.
// The command line goes with the config (its environment applied, so that bindings resolve as
// they do here), the files its arguments name and, when the command reads it, standard input;
// what the command prints, its exit code and the files it writes come back.
//
// Each command module describes its command lines in a REMOTE object, which the server reads too
// (src/platform/storage.js):
//   options                    its parseArgs options
//   words(positionals)         how many leading positionals name the command ("key put": 2)
//   reads                      the commands that only read (a token with the read scope runs them)
//   files(command)             the arguments that name files: [{ option } or { argument }, with
//                              output: true for a file the command writes]; `argument` counts the
//                              positionals after the command's words
//   stdin(command, values)     (optional) whether the command reads standard input
//   migrations(command, args, config)  (optional) the migration files it reads: [{ name, content }]
import { readFileSync, writeFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { UsageError } from './args.js';
import { apiSettings, callApi } from './api-client.js';
import { projectConfig } from './state.js';

// The options that are not sent: -c and -e (the config is read here, and sent with -e applied),
// --persist-to (a local directory) and --remote itself.
export const LOCAL_OPTIONS = ['config', 'env', 'persist-to', 'remote'];

// The command words of a parsed command line, and its file arguments: [{ path, output, replace(to) }]
// (replace() puts another path in their place in `values` or `positionals`).
export function describeCommand(spec, values, positionals) {
  const words = spec.words(positionals);
  const command = positionals.slice(0, words).join(' ');
  const files = spec.files(command).flatMap(({ option, argument, output = false }) => {
    const index = words + argument;
    const file = option === undefined ? positionals[index] : values[option];
    if (file === undefined) return [];
    const replace = (to) => {
      if (option === undefined) positionals[index] = to;
      else values[option] = to;
    };
    return [{ path: file, output, replace }];
  });
  return { command, words, files };
}

// The command line that parses back to `values` and `positionals`: the command's words, each
// option as --name=value, then the other positionals after "--" (so that none reads as an option).
export function commandLine(values, positionals, words) {
  const options = Object.entries(values).flatMap(([name, value]) => [value].flat().map((item) => (item === true ? `--${name}` : `--${name}=${item}`)));
  return [...positionals.slice(0, words), ...options, '--', ...positionals.slice(words)];
}

function readInput(file) {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}

function writeOutput(file, content) {
  try {
    writeFileSync(file, content);
  } catch (err) {
    throw new UsageError(`Cannot write ${file}: ${err.code === 'ENOENT' ? 'no such directory' : err.message}`);
  }
}

const encoded = (files) => files.map(({ name, content }) => ({ name, base64: content.toString('base64') }));

// Runs `outpost <group> ...` (kv, d1, r2 or queues), parsed by its module as `values` and
// `positionals`, on the server.
export async function runRemote(group, spec, { values, positionals }) {
  if (values['persist-to'] !== undefined) throw new UsageError('--persist-to names a local state directory; it cannot be used with --remote.');
  apiSettings(); // without a server to ask, fails before reading files and standard input
  const config = projectConfig(values);
  const { command, words, files } = describeCommand(spec, values, positionals);
  const sent = Object.fromEntries(Object.entries(values).filter(([option]) => !LOCAL_OPTIONS.includes(option)));
  const migrations = spec.migrations?.(command, positionals.slice(words), config);
  const answer = await callApi('POST', '/api/storage', {
    command: group,
    args: commandLine(sent, positionals, words),
    config: config?.raw ?? null,
    configPath: config?.configPath ?? null,
    files: encoded(files.filter((file) => !file.output).map((file) => ({ name: file.path, content: readInput(file.path) }))),
    migrations: migrations ? encoded(migrations) : null,
    stdin: spec.stdin?.(command, values) ? (await buffer(process.stdin)).toString('base64') : null,
  });
  // Only the files this command line names as outputs are written, whatever the answer holds.
  for (const file of files) {
    const written = file.output && answer.files.find((returned) => returned.name === file.path);
    if (written) writeOutput(file.path, Buffer.from(written.base64, 'base64'));
  }
  for (const { stream, base64 } of answer.output) (stream === 'stderr' ? process.stderr : process.stdout).write(Buffer.from(base64, 'base64'));
  process.exitCode = answer.code;
}
