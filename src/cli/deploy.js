// `outpost deploy`: bundles the worker of the config and uploads it to a server, where it is live
// once this returns.
import { parse, UsageError } from './args.js';
import { logInfo, logWarning } from './log.js';
import { apiSettings, callApi, workerPath } from './api-client.js';
import { loadConfig } from '../config/load.js';
import { bundleWorker } from '../bundle/bundle.js';
import { encodeBundle } from '../platform/bundle-codec.js';

const USAGE = `Usage: outpost deploy [script] [options]

Bundles the worker and uploads it to the server at OUTPOST_API_URL (token: OUTPOST_API_TOKEN),
creating the KV namespaces, D1 databases, R2 buckets and queues it names; returns once the new
version serves on every process of the server.

Options:
  -c, --config <path>    wrangler.toml, wrangler.json or wrangler.jsonc (default: found in the current directory)
  -e, --env <name>       Use the [env.<name>] section of the config
      --name <worker>    Deploy under this name instead of the config's
      --message <text>   A note kept with the version
      --no-bundle        Upload the worker's modules as they are
      --dry-run          Bundle and check, upload nothing
  -h, --help             Show this help
`;

export const UPLOAD_OPTIONS = {
  config: { type: 'string', short: 'c' },
  env: { type: 'string', short: 'e' },
  name: { type: 'string' },
  message: { type: 'string' },
  'no-bundle': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
};

// Bundles the worker of the config and uploads it as a new version (deployed when `deploy`).
// Resolves with the server's answer, or null for a dry run.
export async function uploadWorker(values, positionals, { deploy }) {
  // Where to upload is checked before any bundling (a dry run uploads nothing).
  if (!values['dry-run']) apiSettings();
  const config = loadConfig({ configPath: values.config, env: values.env, noBundle: values['no-bundle'] || undefined, main: positionals[0] });
  for (const warning of config.warnings) logWarning(warning);
  const name = values.name ?? config.name;
  if (!name) throw new UsageError('The worker needs a name: set "name" in the config or pass --name.');
  const started = performance.now();
  const bundle = await bundleWorker(config);
  for (const warning of bundle.warnings) logWarning(warning);
  logInfo(`Total Upload: ${(bundle.sizeBytes / 1024).toFixed(2)} KiB / gzip: ${(bundle.gzipSizeBytes / 1024).toFixed(2)} KiB`);
  if (values['dry-run']) {
    logInfo('--dry-run: exiting now.');
    return null;
  }
  const result = await callApi('POST', `${workerPath(name)}/versions`, { config: { ...config.raw, name }, bundle: encodeBundle(bundle), message: values.message, deploy });
  for (const { type, name: resource } of result.created) logInfo(`Created ${type.replace('_', ' ')} "${resource}"`);
  logInfo(`Uploaded ${name} (${((performance.now() - started) / 1000).toFixed(2)} sec)`);
  return { name, config, ...result };
}

export async function run(argv) {
  const { values, positionals } = parse(argv, UPLOAD_OPTIONS, USAGE);
  const result = await uploadWorker(values, positionals, { deploy: true });
  if (!result) return;
  const { name, config, version } = result;
  logInfo(`Deployed ${name}`);
  for (const route of config.routes) logInfo(`  ${typeof route === 'string' ? route : `${route.pattern}${route.custom_domain ? ' (custom domain)' : ''}`}`);
  if (config.workersDev ?? config.routes.length === 0) logInfo(`  ${name}.<base domain>`);
  for (const cron of config.triggers.crons) logInfo(`  schedule: ${cron}`);
  logInfo(`Current Version ID: ${version.id}`);
}
