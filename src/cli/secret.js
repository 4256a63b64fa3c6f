// `outpost secret`: a worker's secrets on the server. Values are read from standard input (or a
// prompt that does not echo), sent to the server and never printed.
import { readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { parse, UsageError } from './args.js';
import { logInfo } from './log.js';
import { callApi, workerPath, workerName, WORKER_OPTIONS, WORKER_USAGE } from './api-client.js';
import { parseDotenv } from '../config/dotenv.js';

const USAGE = `Usage: outpost secret <command> [options]

Commands:
  outpost secret put <NAME>      Set a secret; its value is read from standard input, or asked for
  outpost secret list            The secrets' names (never their values)
  outpost secret delete <NAME>   Remove a secret
  outpost secret bulk <file>     Set several: a JSON object { "NAME": "value" } or a .env file

The worker serves with the change once the command returns.

Options:
${WORKER_USAGE}
  -h, --help              Show this help
`;

// Reads a value without echoing it when standard input is a terminal.
async function readValue(name) {
  if (!process.stdin.isTTY) return (await text(process.stdin)).replace(/\r?\n$/, '');
  process.stdout.write(`Enter a secret value for ${name}: `);
  process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  let value = '';
  for await (const chunk of process.stdin) {
    for (const char of chunk) {
      if (char === '\r' || char === '\n') {
        process.stdin.setRawMode(false);
        process.stdin.pause();
        process.stdout.write('\n');
        return value;
      }
      if (char === '\u0003') process.exit(130);
      if (char === '\u007f') value = value.slice(0, -1);
      else value += char;
    }
  }
  return value;
}

function readBulk(file) {
  let content;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${err.message}`);
  }
  try {
    const json = JSON.parse(content);
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`${file}: expected a JSON object of secret names and values.`);
    return json;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    return parseDotenv(content);
  }
}

export async function run(argv) {
  const { values, positionals } = parse(argv, WORKER_OPTIONS, USAGE);
  const [command, argument] = positionals;
  const name = () => workerName(values);
  switch (command) {
    case 'put': {
      if (!argument) throw new UsageError(`Name the secret.\n\n${USAGE}`);
      const worker = name();
      await callApi('PUT', `${workerPath(worker)}/secrets`, { secrets: { [argument]: await readValue(argument) } });
      logInfo(`Success! Uploaded secret ${argument} of ${worker}`);
      return;
    }
    case 'list':
      logInfo(JSON.stringify(await callApi('GET', `${workerPath(name())}/secrets`), null, 2));
      return;
    case 'delete': {
      if (!argument) throw new UsageError(`Name the secret.\n\n${USAGE}`);
      const worker = name();
      await callApi('DELETE', `${workerPath(worker)}/secrets/${encodeURIComponent(argument)}`);
      logInfo(`Success! Deleted secret ${argument} of ${worker}`);
      return;
    }
    case 'bulk': {
      if (!argument) throw new UsageError(`Name the file.\n\n${USAGE}`);
      const worker = name();
      const { updated } = await callApi('PUT', `${workerPath(worker)}/secrets`, { secrets: readBulk(argument) });
      logInfo(`Success! ${updated.length} secret${updated.length === 1 ? '' : 's'} of ${worker} uploaded`);
      return;
    }
    default:
      throw new UsageError(command ? `Unknown secret command "${command}".\n\n${USAGE}` : USAGE);
  }
}
