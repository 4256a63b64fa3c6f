// Command-line parsing shared by the commands, on node:util's parseArgs.
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parse(argv, options, usage) {
  try {
    const parsed = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
    if (parsed.values.help) {
      process.stdout.write(usage);
      process.exit(0);
    }
    return parsed;
  } catch (err) {
    if (err.code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(`${err.message}\n\n${usage}`);
    throw err;
  }
}
