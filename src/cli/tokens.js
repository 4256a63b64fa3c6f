// `outpost tokens`: the server's API tokens (needs a token with the admin scope).
import { parse, UsageError } from './args.js';
import { logInfo } from './log.js';
import { callApi } from './api-client.js';

const USAGE = `Usage: outpost tokens <command> [options]

Commands:
  outpost tokens create --name <name> --scope <scope> [--scope ...] [--worker <name> ...]
                               A new token (printed once); scopes: read, deploy, secrets, admin;
                               with --worker it acts on those workers only
  outpost tokens list          Tokens (never their values)
  outpost tokens revoke <id>   Deletes a token
`;

const OPTIONS = { name: { type: 'string' }, scope: { type: 'string', multiple: true }, worker: { type: 'string', multiple: true } };

export async function run(argv) {
  const { values, positionals } = parse(argv, OPTIONS, USAGE);
  const [command, argument] = positionals;
  switch (command) {
    case 'create': {
      const { id, token } = await callApi('POST', '/api/tokens', { name: values.name ?? 'token', scopes: values.scope ?? [], workers: values.worker ?? null });
      logInfo(`Token ${id} (shown once): ${token}`);
      return;
    }
    case 'list':
      logInfo(JSON.stringify(await callApi('GET', '/api/tokens'), null, 2));
      return;
    case 'revoke':
      if (!argument) throw new UsageError(`Name the token's id.\n\n${USAGE}`);
      await callApi('DELETE', `/api/tokens/${encodeURIComponent(argument)}`);
      logInfo(`Revoked ${argument}`);
      return;
    default:
      throw new UsageError(command ? `Unknown tokens command "${command}".\n\n${USAGE}` : USAGE);
  }
}
