// node-postgres (pg) and postgres.js, unmodified, bundled into workers and talking to the local
// PostgreSQL server over cloudflare:sockets: pg sees navigator.userAgent === 'Cloudflare-Workers'
// and uses pg-cloudflare; postgres.js is resolved through its "workerd" export condition. Skipped
// when no PostgreSQL server listens on 127.0.0.1:5432 (trust authentication, database "test").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startWorker } from '../helpers/worker.js';
import { buildProject, project, wranglerToml } from '../helpers/project.js';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

const reachable = await new Promise((resolve) => {
  const socket = net.connect(PG.port, PG.host);
  socket.once('connect', () => {
    socket.destroy();
    resolve(true);
  });
  socket.once('error', () => resolve(false));
});
const skip = !reachable && 'no PostgreSQL server on 127.0.0.1:5432';

// Both drivers load cloudflare:sockets with a dynamic import(), as Workers allows. Until the
// runtime's module loader supports import() (isolated-vm does not), the bundle's import() of it is
// turned into the equivalent static import here: the drivers' code is otherwise untouched.
function hoistSocketsImport(bundle) {
  for (const module of bundle.modules) {
    if (module.type !== 'esm' || !/import\(\s*["']cloudflare:sockets["']\s*\)/.test(module.content)) continue;
    module.content = `import * as __outpostSockets from "cloudflare:sockets";\n${module.content.replace(/import\(\s*["']cloudflare:sockets["']\s*\)/g, 'Promise.resolve(__outpostSockets)')}`;
  }
  return bundle;
}

async function build(source) {
  const { bundle } = await buildProject(project({ 'src/index.js': source, 'wrangler.toml': wranglerToml({ name: 'pg' }) }, 'pg-'));
  return hoistSocketsImport(bundle);
}

async function call(bundle, pathname = '/') {
  const w = await startWorker(bundle);
  try {
    const res = await w.fetch(pathname);
    const text = await res.text();
    assert.equal(res.status, 200, `${text}\n${JSON.stringify(w.logs)}`);
    return JSON.parse(text);
  } finally {
    await w.dispose();
  }
}

test('pg: connect, parameterized queries, transactions, SQL errors, a pool', { skip }, async () => {
  const bundle = await build(`import pg from 'pg';
    const config = ${JSON.stringify(PG)};
    export default { async fetch() {
      const client = new pg.Client(config);
      await client.connect();
      try {
        const sum = (await client.query('SELECT $1::int + $2::int AS sum, $3::text AS name, $4::jsonb AS doc', [2, 3, 'ada', { a: [1, 2] }])).rows[0];
        await client.query('CREATE TEMP TABLE items (id serial PRIMARY KEY, label text NOT NULL)');
        await client.query('BEGIN');
        await client.query('INSERT INTO items (label) VALUES ($1), ($2)', ['kept', 'also kept']);
        await client.query('COMMIT');
        await client.query('BEGIN');
        await client.query('INSERT INTO items (label) VALUES ($1)', ['rolled back']);
        await client.query('ROLLBACK');
        const labels = (await client.query('SELECT label FROM items ORDER BY id')).rows.map((r) => r.label);
        const error = await client.query('SELEC nonsense').then(() => null, (e) => ({ code: e.code, message: e.message, position: e.position }));
        const violation = await client.query('INSERT INTO items (label) VALUES (NULL)').then(() => null, (e) => e.code);
        const after = (await client.query('SELECT 1 AS ok')).rows[0].ok;
        const big = (await client.query('SELECT repeat($1, 200000) AS s', ['x'])).rows[0].s.length;

        const pool = new pg.Pool({ ...config, max: 3 });
        const doubled = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => pool.query('SELECT $1::int * 2 AS v', [i]).then((r) => r.rows[0].v)));
        const pooled = await pool.connect();
        const inTx = await pooled.query('SELECT txid_current() IS NOT NULL AS ok');
        pooled.release();
        await pool.end();
        return Response.json({ sum, labels, error, violation, after, big, doubled, inTx: inTx.rows[0].ok, ended: pool.ended });
      } finally {
        await client.end();
      }
    } }`);
  const body = await call(bundle);
  assert.deepEqual(body.sum, { sum: 5, name: 'ada', doc: { a: [1, 2] } });
  assert.deepEqual(body.labels, ['kept', 'also kept']);
  assert.equal(body.error.code, '42601');
  assert.match(body.error.message, /syntax error at or near "SELEC"/);
  assert.equal(body.violation, '23502');
  assert.equal(body.after, 1);
  assert.equal(body.big, 200000);
  assert.deepEqual(body.doubled, [2, 4, 6, 8, 10, 12]);
  assert.equal(body.inTx, true);
  assert.equal(body.ended, true);
});

test('pg: a refused connection fails connect() with the socket error', { skip }, async () => {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const port = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
  const bundle = await build(`import pg from 'pg';
    export default { async fetch() {
      const client = new pg.Client({ host: '127.0.0.1', port: ${port}, user: 'postgres', database: 'test' });
      const outcome = await client.connect().then(() => 'connected', (e) => e.message);
      return Response.json({ outcome });
    } }`);
  assert.deepEqual(await call(bundle), { outcome: 'proxy request failed, cannot connect to the specified address' });
});

test('postgres.js: tagged-template queries, a transaction and an error', { skip }, async () => {
  const bundle = await build(`import postgres from 'postgres';
    export default { async fetch() {
      const sql = postgres(${JSON.stringify({ ...PG, username: PG.user, max: 2, fetch_types: false })});
      try {
        const [row] = await sql\`SELECT \${7}::int * 6 AS answer, \${'hi'}::text AS word\`;
        const inside = await sql.begin(async (tx) => {
          const [{ n }] = await tx\`SELECT 40 + 2 AS n\`;
          return n;
        });
        const error = await sql\`SELEC 1\`.then(() => null, (e) => e.code);
        return Response.json({ row, inside, error });
      } finally {
        await sql.end();
      }
    } }`);
  assert.deepEqual(await call(bundle), { row: { answer: 42, word: 'hi' }, inside: 42, error: '42601' });
});
