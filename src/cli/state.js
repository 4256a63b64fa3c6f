// What the storage commands (kv, d1, r2) share: the project they act on and its state directory.
// Like wrangler's local mode, they work on the same data `outpost dev` uses: the state directory
// next to the config (`.outpost/state`), or the one given with --persist-to; with --remote, a
// server's (remote.js).
import path from 'node:path';
import { loadConfig, findConfigFile } from '../config/load.js';
import { UsageError } from './args.js';

// The options every storage command takes.
export const STATE_OPTIONS = {
  config: { type: 'string', short: 'c' },
  env: { type: 'string', short: 'e' },
  'persist-to': { type: 'string' },
};

export const STATE_USAGE = `  -c, --config <path>    wrangler.toml, wrangler.json or wrangler.jsonc (default: found in the current directory)
  -e, --env <name>       Use the [env.<name>] section of the config
      --persist-to <dir> State directory (default: .outpost/state next to the config)`;

// Set when a server runs a command for `--remote` (src/platform/storage-entry.js): the project is
// then the config the client sent and the server's state directory, whatever the options say.
let serverProject = null;

export function actOnServer(project) {
  serverProject = project;
}

// { config (null without a config file), stateDir, remote } for parsed option values.
export function loadProject(values, cwd = process.cwd()) {
  if (serverProject) return serverProject;
  const config = projectConfig(values, cwd);
  const stateDir = values['persist-to']
    ? path.resolve(cwd, values['persist-to'])
    : path.join(config?.rootDir ?? cwd, '.outpost', 'state');
  return { config, stateDir, remote: false };
}

// The config of -c/--config (default: found from `cwd`) with -e/--env applied, or null.
export function projectConfig(values, cwd = process.cwd()) {
  const configPath = values.config ?? findConfigFile(cwd);
  return configPath ? loadConfig({ configPath, cwd, env: values.env, needsEntry: false }) : null;
}

// The config entry of `list` (e.g. config.d1Databases) whose `field` (e.g. 'binding') is `value`,
// or a usage error naming what exists.
export function findConfigEntry(config, list, field, value, what) {
  const entries = config?.[list] ?? [];
  const found = entries.find((entry) => entry[field] === value);
  if (found) return found;
  const known = entries.map((entry) => entry[field]).filter(Boolean);
  const where = config ? config.configPath : 'the current directory (no config file found)';
  throw new UsageError(`No ${what} "${value}" in ${where}.${known.length > 0 ? ` Known: ${known.join(', ')}.` : ''}`);
}
