// What the commands that act on a server share: its address and token (OUTPOST_API_URL and
// OUTPOST_API_TOKEN), JSON calls with the server's errors as usage errors, and the worker a
// command is about.
import { UsageError } from './args.js';
import { loadConfig, findConfigFile } from '../config/load.js';

export function apiSettings(env = process.env) {
  const url = env.OUTPOST_API_URL;
  const token = env.OUTPOST_API_TOKEN;
  if (!url || !token) throw new UsageError('Set OUTPOST_API_URL and OUTPOST_API_TOKEN to the server\'s API address and a token (printed by `outpost serve`).');
  return { url: url.replace(/\/+$/, ''), token };
}

// Calls the API: resolves with the parsed JSON answer, or throws a UsageError with its message.
export async function callApi(method, apiPath, body) {
  const { url, token } = apiSettings();
  let response;
  try {
    response = await fetch(`${url}${apiPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new UsageError(`Cannot reach the server at ${url}: ${err.cause?.message ?? err.message}`);
  }
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`The server answered ${response.status} with something that is not JSON.`);
  }
  if (!response.ok) throw new UsageError(json.error ?? `The server answered ${response.status}.`);
  return json;
}

export const workerPath = (name) => `/api/workers/${encodeURIComponent(name)}`;

// The options naming the worker: --name, else the config's name.
export const WORKER_OPTIONS = {
  name: { type: 'string' },
  config: { type: 'string', short: 'c' },
  env: { type: 'string', short: 'e' },
};

export const WORKER_USAGE = `      --name <worker>     The worker (default: "name" in the config)
  -c, --config <path>     wrangler.toml, wrangler.json or wrangler.jsonc (default: found in the current directory)
  -e, --env <name>        Use the [env.<name>] section of the config`;

export function workerName(values, positional) {
  const given = positional ?? values.name;
  if (given) return given;
  const configPath = values.config ?? findConfigFile(process.cwd());
  const config = configPath ? loadConfig({ configPath, env: values.env, needsEntry: false }) : null;
  if (!config?.name) throw new UsageError('Name the worker with --name, or run this in a folder whose config has a "name".');
  return config.name;
}
