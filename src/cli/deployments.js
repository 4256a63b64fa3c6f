// `outpost deployments list`, `outpost rollback` and `outpost delete`: a worker's deployments on
// the server.
import { parse, UsageError } from './args.js';
import { logInfo } from './log.js';
import { callApi, workerPath, workerName, WORKER_OPTIONS, WORKER_USAGE } from './api-client.js';

const describe = (deployment) => `${deployment.id}  ${deployment.created}  ${deployment.versions.map((v) => `${v.percentage}% ${v.id}`).join(', ')}${deployment.message ? `  ${deployment.message}` : ''}`;

export async function run(argv) {
  const usage = `Usage: outpost deployments list [options]\n\nThe worker's deployments, newest (the live one) first.\n\nOptions:\n${WORKER_USAGE}\n      --json              Print JSON\n`;
  const { values, positionals } = parse(argv, { ...WORKER_OPTIONS, json: { type: 'boolean' } }, usage);
  if (positionals[0] !== 'list') throw new UsageError(usage);
  const deployments = await callApi('GET', `${workerPath(workerName(values))}/deployments`);
  logInfo(values.json ? JSON.stringify(deployments, null, 2) : deployments.map(describe).join('\n'));
}

export async function rollback(argv) {
  const usage = `Usage: outpost rollback [version-id] [options]\n\nDeploys an earlier version (default: the one the previous deployment served).\n\nOptions:\n${WORKER_USAGE}\n      --message <text>    A note kept with the deployment\n`;
  const { values, positionals } = parse(argv, { ...WORKER_OPTIONS, message: { type: 'string' } }, usage);
  const deployment = await callApi('POST', `${workerPath(workerName(values))}/rollback`, { version: positionals[0] ?? null, message: values.message });
  logInfo(`Rolled back: ${describe(deployment)}`);
}

export async function remove(argv) {
  const usage = `Usage: outpost delete [name] [options]\n\nDeletes the worker from the server: its versions, deployments and secrets (not its storage).\n\nOptions:\n${WORKER_USAGE}\n`;
  const { values, positionals } = parse(argv, WORKER_OPTIONS, usage);
  const name = workerName(values, positionals[0]);
  await callApi('DELETE', workerPath(name));
  logInfo(`Deleted ${name}`);
}
