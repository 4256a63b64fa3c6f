// D1 examples as users write them, run unmodified: built by the bundler from a project whose
// wrangler.toml declares the database, with the schema applied by `outpost d1`, served through a
// real worker on the project's state directory.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { bindingsFromConfig } from '../../src/runtime/bindings.js';
import { startWorker } from '../helpers/worker.js';
import { buildProject, project as writeProject, wranglerToml } from '../helpers/project.js';

const BIN = new URL('../../bin/outpost.js', import.meta.url).pathname;
const dirs = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// A project in a temp dir inside the repo (so that npm packages resolve), built as `outpost dev`
// builds it; `setupSql` is applied with `outpost d1 execute` before the worker starts.
async function project(files, { toml = '', setupSql } = {}) {
  const dir = writeProject({
    ...files,
    'wrangler.toml': wranglerToml({ name: 'seed', date: '2024-09-23', extra: `${toml}
[[d1_databases]]
binding = "DB"
database_name = "seed-db"
database_id = "4d6a0f5c-9a8e-4c1b-a3c2-6f1d2e3b4a59"
` }),
  }, 'd1-seed-');
  dirs.push(dir);
  if (setupSql) {
    execFileSync(process.execPath, ['--no-node-snapshot', BIN, 'd1', 'execute', 'DB', '--command', setupSql], { cwd: dir, stdio: 'pipe' });
  }
  const { config, bundle } = await buildProject(dir);
  return startWorker(bundle, {
    env: { bindings: bindingsFromConfig(config) },
    stateDir: path.join(dir, '.outpost', 'state'),
  });
}

const ITTY_API = `import { Router } from 'itty-router';

const router = Router();

router.get('/api/users', async (request, env) => {
  const users = await env.DB.prepare('SELECT * FROM users').all();
  return Response.json(users.results);
});

router.post('/api/users', async (request, env) => {
  const user = await request.json();
  const result = await env.DB.prepare(
    'INSERT INTO users (name, email) VALUES (?, ?)'
  ).bind(user.name, user.email).run();

  return Response.json({ id: result.meta.last_row_id });
});

router.get('/api/users/:id', async (request, env) => {
  const user = await env.DB.prepare(
    'SELECT * FROM users WHERE id = ?'
  ).bind(request.params.id).first();

  return user ? Response.json(user) : new Response('Not Found', { status: 404 });
});

export default {
  fetch: router.handle
};
`;

// The example is written against itty-router 4, whose routers have `handle`.
test('an itty-router REST API on D1', async () => {
  const w = await project({ 'src/index.js': ITTY_API }, {
    toml: '[alias]\n"itty-router" = "itty-router-v4"\n',
    setupSql: 'CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT UNIQUE);',
  });
  try {
    assert.deepEqual(await (await w.fetch('/api/users')).json(), []);
    const post = (user) => w.fetch('/api/users', { method: 'POST', body: JSON.stringify(user), headers: { 'content-type': 'application/json' } });
    assert.deepEqual(await (await post({ name: 'Ada Lovelace', email: 'ada@example.com' })).json(), { id: 1 });
    assert.deepEqual(await (await post({ name: 'Grace Hopper', email: 'grace@example.com' })).json(), { id: 2 });
    assert.deepEqual(await (await w.fetch('/api/users/2')).json(), { id: 2, name: 'Grace Hopper', email: 'grace@example.com' });
    const missing = await w.fetch('/api/users/99');
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), 'Not Found');
    assert.deepEqual(await (await w.fetch('/api/users')).json(), [
      { id: 1, name: 'Ada Lovelace', email: 'ada@example.com' },
      { id: 2, name: 'Grace Hopper', email: 'grace@example.com' },
    ]);
    // A duplicate email: the router has no error handler, so the D1 error fails the request.
    const duplicate = await post({ name: 'Ada again', email: 'ada@example.com' });
    assert.equal(duplicate.status, 500);
    assert.match(await duplicate.text(), /D1_ERROR: UNIQUE constraint failed: users\.email: SQLITE_CONSTRAINT/);
    // A missing field binds undefined, which D1 refuses.
    const incomplete = await post({ name: 'No email' });
    assert.equal(incomplete.status, 500);
    assert.match(await incomplete.text(), /D1_TYPE_ERROR: Type &#39;undefined&#39; not supported for value &#39;undefined&#39;|D1_TYPE_ERROR: Type 'undefined' not supported/);
    assert.equal((await (await w.fetch('/api/users')).json()).length, 2);
  } finally {
    await w.dispose();
  }
});

const SCHEMA_EXAMPLE = `const schema = \`
  CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    content TEXT,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
  );
  CREATE INDEX idx_created ON articles(created_at);
\`

export default {
  async fetch(request, env) {
    await env.DB.exec(schema);
    const recent = await env.DB.prepare(
      'SELECT * FROM articles ORDER BY created_at DESC LIMIT ?'
    ).bind(10).all();
    return Response.json(recent.results);
  }
}
`;

// The schema is created by the first request. The second runs CREATE INDEX idx_created again,
// without IF NOT EXISTS: SQLite refuses it, so exec() rejects with D1_EXEC_ERROR and the request
// fails, as it does on D1 (exec() is not idempotent unless its statements are).
test('the schema example: exec() of a multi-line schema, then a query with a bound LIMIT', async () => {
  const w = await project({ 'src/index.js': SCHEMA_EXAMPLE });
  try {
    const first = await w.fetch('/');
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), []);
    const second = await w.fetch('/');
    assert.equal(second.status, 500);
    const expected = 'D1_EXEC_ERROR: Error in line 7:   CREATE INDEX idx_created ON articles(created_at);: index idx_created already exists: SQLITE_ERROR';
    assert.ok(w.logs.some((log) => log.level === 'error' && log.message.includes(expected)), JSON.stringify(w.logs));
    // The table the first request created is there, with its index.
    execFileSync(process.execPath, ['--no-node-snapshot', BIN, 'd1', 'execute', 'seed-db', '--command', "INSERT INTO articles (title, content) VALUES ('Hello', 'World')"], { cwd: path.dirname(path.dirname(w.stateDir)), stdio: 'pipe' });
    const indexes = JSON.parse(execFileSync(process.execPath, ['--no-node-snapshot', BIN, 'd1', 'execute', 'DB', '--json', '--command', "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'articles'"], { cwd: path.dirname(path.dirname(w.stateDir)), encoding: 'utf8' }));
    assert.deepEqual(indexes[0].results, [{ name: 'idx_created' }]);
    const third = await w.fetch('/');
    assert.equal(third.status, 500, 'every later request fails the same way');
  } finally {
    await w.dispose();
  }
});

test('the schema example with IF NOT EXISTS on the index serves every request', async () => {
  const w = await project({ 'src/index.js': SCHEMA_EXAMPLE.replace('CREATE INDEX idx_created', 'CREATE INDEX IF NOT EXISTS idx_created') });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await w.fetch('/');
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), []);
    }
  } finally {
    await w.dispose();
  }
});

test('a boolean bound to a query: .bind(true) matches rows stored as 1', async () => {
  const w = await project({
    'src/index.js': `export default {
  async fetch(request, env) {
    const { results } = await env.DB.prepare('SELECT * FROM users WHERE active = ?').bind(true).all();
    return Response.json(results);
  },
};
`,
  }, {
    setupSql: `CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);
INSERT INTO users (name, active) VALUES ('on', 1), ('off', 0), ('unknown', NULL);`,
  });
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), [{ id: 1, name: 'on', active: 1 }]);
  } finally {
    await w.dispose();
  }
});
