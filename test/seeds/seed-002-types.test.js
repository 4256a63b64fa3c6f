// The Marathon guide's service-binding split with its shared TypeScript interface: the sign-up
// worker (Hono, `Bindings` typed with the interface) and the email worker (a WorkerEntrypoint with
// `send`) in a monorepo, the interface file at its root as the guide's `../../worker-email-types`
// import expects. The TypeScript compiler checks the sources against @cloudflare/workers-types
// with no diagnostics; the same files, unmodified, run as two workers of one `outpost dev`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { startDev } from '../helpers/dev-process.js';
import { project } from '../helpers/project.js';

// The shared type definition file, as the guide writes it.
const TYPES = `export interface WorkerEmail {
fetch(request: Request): Promise<Response>;
send(email: string, firstName: string): Promise<Response>;
}
`;

// The sign-up worker: the guide's import, `Bindings` and routes. The routes read
// c.env.DATABASE_URL, so the worker's `Bindings` declares it beside WORKER_EMAIL; `insertData` (the
// database write of the guide's first part) logs instead. The last route, beyond the guide, answers
// with the text of the Response that `send` returns over RPC.
const SIGN_UP = `import { Hono } from "hono";
import type { WorkerEmail } from "../../worker-email-types";

type Bindings = {
WORKER_EMAIL: WorkerEmail;
DATABASE_URL: string;
};

const app = new Hono<{ Bindings: Bindings }>();

async function insertData(firstName: string, lastName: string, email: string, address: string, distance: string, databaseUrl: string) {
  console.log(\`stored \${firstName} \${lastName} <\${email}> (\${distance}) in \${databaseUrl}\`);
}

app.post("/api/marathon-sequential", async (c) => {
const { firstName, lastName, email, address, distance } = await c.req.json();
await insertData(
firstName,
lastName,
email,
address,
distance,
c.env.DATABASE_URL
);
// using rpc
await c.env.WORKER_EMAIL.send(email, firstName);
return c.text("Thanks for registering for our Marathon", 200);
});

app.post("/api/marathon-wait-until", async (c) => {
const { firstName, lastName, email, address, distance } = await c.req.json();
//using rpc
c.executionCtx.waitUntil(c.env.WORKER_EMAIL.send(email, firstName));
await insertData(
firstName,
lastName,
email,
address,
distance,
c.env.DATABASE_URL
);
return c.text("Thanks for registering for our Marathon", 200);
});

app.post("/api/marathon-fetch", async (c) => {
const { firstName, email } = await c.req.json();
// using fetch
const res = await c.env.WORKER_EMAIL.fetch(
new Request("https://worker-email/send", {
method: "POST",
headers: { "Content-Type": "application/json" },
body: JSON.stringify({ email, firstName })
})
);
return c.text(await res.text(), 200);
});

app.post("/api/confirmation", async (c) => {
const { firstName, email } = await c.req.json();
const res = await c.env.WORKER_EMAIL.send(email, firstName);
return new Response(await res.text(), { status: res.status });
});

export default app;
`;

// The email worker: the guide's class extending WorkerEntrypoint, implementing `send` (its RPC
// method) and `fetch` (the route the fetch example posts to). The service binding names no
// entrypoint, so the class is the default export too.
const EMAIL = `import { WorkerEntrypoint } from "cloudflare:workers";

export class WorkerEmail extends WorkerEntrypoint {
  async send(email: string, firstName: string): Promise<Response> {
    console.log(\`email to \${firstName} <\${email}>\`);
    return new Response(\`Confirmation sent to \${firstName} <\${email}>\`, { status: 202 });
  }

  async fetch(request: Request): Promise<Response> {
    const { email, firstName } = await request.json<{ email: string; firstName: string }>();
    await this.send(email, firstName);
    return new Response(\`fetched mail for \${firstName}\`);
  }
}

export default WorkerEmail;
`;

// The email worker checked against the shared interface: its class, and the typed binding
// workers-types derives from it (\`Service<WorkerEmail>\`), both provide what the interface names.
const CONFORMS = (worker) => `import type { WorkerEmail as Contract } from "../worker-email-types";
import type { WorkerEmail } from "../${worker}/src/index";

export function asContract(worker: WorkerEmail): Contract {
  return worker;
}

export function bindingAsContract(binding: Service<WorkerEmail>): Contract {
  return binding;
}
`;

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: 'esnext',
    module: 'esnext',
    moduleResolution: 'bundler',
    lib: ['esnext'],
    types: ['@cloudflare/workers-types'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
  include: ['**/*.ts'],
}, null, 2);

// Variants that must not type-check: the sign-up worker calling `send` without the first name, and
// an email worker whose `send` resolves to nothing (as the queue consumer of the same guide writes
// it), checked against the interface as above.
const MISSING_ARGUMENT = SIGN_UP.replace('await c.env.WORKER_EMAIL.send(email, firstName);', 'await c.env.WORKER_EMAIL.send(email);');
const VOID_SEND = EMAIL
  .replace('async send(email: string, firstName: string): Promise<Response> {', 'async send(email: string, firstName: string) {')
  .replace('    return new Response(`Confirmation sent to ${firstName} <${email}>`, { status: 202 });\n', '');

function monorepo() {
  assert.notEqual(MISSING_ARGUMENT, SIGN_UP);
  assert.notEqual(VOID_SEND, EMAIL);
  return project({
    'tsconfig.json': TSCONFIG,
    'worker-email-types.ts': TYPES,
    'worker-sign-up/src/index.ts': SIGN_UP,
    'worker-sign-up/wrangler.toml': 'name = "worker-sign-up"\nmain = "src/index.ts"\nservices = [\n{ binding = "WORKER_EMAIL", service = "worker-email" }\n]\n\n[vars]\nDATABASE_URL = "postgres://db/marathon"\n',
    'worker-email/src/index.ts': EMAIL,
    'worker-email/wrangler.toml': 'name = "worker-email"\nmain = "src/index.ts"\n',
    'checks/conforms.ts': CONFORMS('worker-email'),
    'broken-sign-up-missing-argument/src/index.ts': MISSING_ARGUMENT,
    'broken-email-void-send/src/index.ts': VOID_SEND,
    'checks/void-send-conforms.ts': CONFORMS('broken-email-void-send'),
  }, 'seed-002-');
}

// Type-checks the project in `dir` with its tsconfig.json as one program; returns the files it
// read (relative to dir) and its diagnostics as { file (relative to dir, '' for global ones),
// line, code, message }.
function typeCheck(dir) {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } };
  const config = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, host);
  assert.deepEqual(config.errors, []);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const files = program.getSourceFiles().map((file) => path.relative(dir, file.fileName));
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file ? path.relative(dir, d.file.fileName) : '',
    line: d.file ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
  return { files, diagnostics };
}

const lineOf = (source, text) => source.split('\n').findIndex((line) => line.includes(text)) + 1;

test('the shared-interface pattern type-checks against @cloudflare/workers-types; a broken call or worker does not', () => {
  const dir = monorepo();
  const { files, diagnostics } = typeCheck(dir);
  for (const file of ['worker-email-types.ts', 'worker-sign-up/src/index.ts', 'worker-email/src/index.ts', 'checks/conforms.ts']) assert.ok(files.includes(file), file);
  assert.ok(files.some((file) => file.endsWith('node_modules/@cloudflare/workers-types/index.d.ts')));
  assert.ok(files.some((file) => /node_modules\/hono\//.test(file)));
  const show = (list) => list.map((d) => `${d.file}:${d.line} TS${d.code} ${d.message}`).join('\n');
  const byFile = (prefix) => diagnostics.filter((d) => d.file.startsWith(prefix));

  // The guide's files, and the email worker against the interface: nothing to report.
  const clean = diagnostics.filter((d) => !d.file.startsWith('broken-') && d.file !== 'checks/void-send-conforms.ts');
  assert.equal(show(clean), '');

  // `send(email)`: the interface wants the first name too.
  const missing = byFile('broken-sign-up-missing-argument/');
  assert.deepEqual(missing.map(({ line, code }) => ({ line, code })), [{ line: lineOf(MISSING_ARGUMENT, 'WORKER_EMAIL.send(email);'), code: 2554 }], show(missing));
  assert.match(missing[0].message, /Expected 2 arguments, but got 1/);

  // A `send` that resolves to nothing is not the interface's: both the class and its binding fail.
  const voidSend = byFile('checks/void-send-conforms.ts');
  assert.deepEqual(voidSend.map(({ line, code }) => ({ line, code })), [{ line: lineOf(CONFORMS(''), 'return worker;'), code: 2322 }, { line: lineOf(CONFORMS(''), 'return binding;'), code: 2322 }], show(voidSend));
  for (const d of voidSend) {
    assert.match(d.message, /The types returned by 'send\(\.\.\.\)' are incompatible/);
    assert.match(d.message, /Type 'void' is not assignable to type 'Response'/);
  }
  assert.equal(show(byFile('broken-email-void-send/')), '');
});

test('the same TypeScript files run unmodified: sign-up calls the email worker over RPC and fetch in one outpost dev', async () => {
  const dir = monorepo();
  const signUp = path.join(dir, 'worker-sign-up');
  const dev = startDev(['-c', path.join(signUp, 'wrangler.toml'), '-c', path.join(dir, 'worker-email/wrangler.toml')], signUp);
  try {
    const [, url] = await dev.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
    assert.match(dev.output, /Workers: worker-sign-up, worker-email \(HTTP goes to worker-sign-up\)/);
    const runner = (firstName) => ({ firstName, lastName: 'Runner', email: `${firstName.toLowerCase()}@example.com`, address: 'Main St 1', distance: '42k' });
    const post = async (route, body) => {
      const res = await fetch(`${url}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return [res.status, await res.text()];
    };

    assert.deepEqual(await post('/api/marathon-sequential', runner('Ada')), [200, 'Thanks for registering for our Marathon']);
    await dev.waitFor(/stored Ada Runner <ada@example\.com> \(42k\) in postgres:\/\/db\/marathon/);
    await dev.waitFor(/email to Ada <ada@example\.com>/);

    assert.deepEqual(await post('/api/marathon-wait-until', runner('Bo')), [200, 'Thanks for registering for our Marathon']);
    await dev.waitFor(/email to Bo <bo@example\.com>/);

    assert.deepEqual(await post('/api/marathon-fetch', runner('Cy')), [200, 'fetched mail for Cy']);
    await dev.waitFor(/email to Cy <cy@example\.com>/);

    // The Response `send` returns reaches the sign-up worker, status and body.
    assert.deepEqual(await post('/api/confirmation', runner('Di')), [202, 'Confirmation sent to Di <di@example.com>']);

    // Editing the email worker reloads it alone; the binding reaches the new version.
    writeFileSync(path.join(dir, 'worker-email/src/index.ts'), EMAIL.replace('email to', 'v2 email to'));
    await dev.waitFor(/Reloaded in \d+ ms \(worker-email\)/);
    await post('/api/marathon-sequential', runner('Eve'));
    await dev.waitFor(/v2 email to Eve/);
    assert.doesNotMatch(dev.output, /Reloaded in \d+ ms \(worker-sign-up\)/);
  } finally {
    dev.child.kill('SIGKILL');
  }
});
