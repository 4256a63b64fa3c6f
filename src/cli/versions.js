// `outpost versions`: a worker's versions on the server; upload one without deploying it, or
// deploy one or two of them (a percentage split).
import { parse, UsageError } from './args.js';
import { logInfo } from './log.js';
import { callApi, workerPath, workerName, WORKER_OPTIONS, WORKER_USAGE } from './api-client.js';
import { uploadWorker, UPLOAD_OPTIONS } from './deploy.js';

const USAGE = `Usage: outpost versions <command> [options]

Commands:
  outpost versions list                          The worker's versions, newest first
  outpost versions view <version-id>             One version: its config and modules
  outpost versions upload [script]               Bundle and upload a version without deploying it
  outpost versions deploy <id>[@<pct>] [<id>@<pct>]
                                                 Deploy one version, or split traffic between two
                                                 (percentages adding up to 100)

Options:
${WORKER_USAGE}
      --message <text>    A note kept with the version or deployment
      --json              Print JSON
  -h, --help              Show this help
`;

const OPTIONS = { ...WORKER_OPTIONS, ...UPLOAD_OPTIONS, json: { type: 'boolean' } };

// "id" or "id@pct" (the percentage of the only version defaults to 100).
function parseSplit(args) {
  if (args.length === 0 || args.length > 2) throw new UsageError(`Name one or two versions.\n\n${USAGE}`);
  const versions = args.map((arg) => {
    const [id, pct] = arg.split('@');
    const percentage = pct === undefined ? (args.length === 1 ? 100 : NaN) : Number(pct.replace(/%$/, ''));
    if (!id || !Number.isFinite(percentage)) throw new UsageError(`Expected <version-id>@<percentage>, got "${arg}"`);
    return { id, percentage };
  });
  return versions;
}

export async function run(argv) {
  const { values, positionals } = parse(argv, OPTIONS, USAGE);
  const [command, ...args] = positionals;
  const print = (value, text) => logInfo(values.json ? JSON.stringify(value, null, 2) : text);
  switch (command) {
    case 'list': {
      const versions = await callApi('GET', `${workerPath(workerName(values))}/versions`);
      print(versions, versions.map((v) => `${v.id}  #${v.number}  ${v.created}${v.message ? `  ${v.message}` : ''}`).join('\n'));
      return;
    }
    case 'view': {
      if (!args[0]) throw new UsageError(`Name the version to view.\n\n${USAGE}`);
      const version = await callApi('GET', `${workerPath(workerName(values))}/versions/${encodeURIComponent(args[0])}`);
      print(version, `Version ID: ${version.id}\nNumber: ${version.number}\nCreated: ${version.created}\nMessage: ${version.message ?? '-'}\nModules: ${version.modules.map((m) => `${m.name} (${m.type})`).join(', ')}`);
      return;
    }
    case 'upload': {
      const result = await uploadWorker(values, args, { deploy: false });
      if (result) logInfo(`Worker Version ID: ${result.version.id}`);
      return;
    }
    case 'deploy': {
      const deployment = await callApi('POST', `${workerPath(workerName(values))}/deployments`, { versions: parseSplit(args), message: values.message });
      print(deployment, `Deployed ${deployment.worker}: ${deployment.versions.map((v) => `${v.percentage}% ${v.id}`).join(', ')}`);
      return;
    }
    default:
      throw new UsageError(command ? `Unknown versions command "${command}".\n\n${USAGE}` : USAGE);
  }
}
