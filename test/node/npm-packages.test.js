// npm packages as workers use them, bundled from node_modules and run in real isolates:
// uuid, nanoid, zod, dayjs and cookie, and CommonJS code that requires Node's built-in
// modules by their bare and node: names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleProject } from './node-checks.js';
import { startWorker } from '../helpers/worker.js';
import { v5 as uuidv5 } from 'uuid';

test('uuid, nanoid, zod, dayjs and cookie work in a bundled worker', async () => {
  const bundle = await bundleProject({
    'src/index.js': `
import { v4 as uuidv4, v5 as uuidv5, v7 as uuidv7, validate, version } from 'uuid';
import { nanoid, customAlphabet } from 'nanoid';
import { z } from 'zod';
import dayjs from 'dayjs';
import { parseCookie, stringifySetCookie } from 'cookie';

const User = z.object({ name: z.string().min(2), age: z.number().int().positive(), email: z.string().email().optional() });

export default {
  async fetch(request) {
    const id = uuidv4();
    const named = uuidv5('hello', uuidv5.URL);
    const ordered = uuidv7();
    const good = User.safeParse(await request.json());
    const bad = User.safeParse({ name: 'x', age: -1 });
    const date = dayjs('2024-02-29T12:00:00Z');
    const cookies = parseCookie(request.headers.get('cookie') ?? '');
    return Response.json({
      uuid: [validate(id), version(id), named, version(ordered)],
      nanoid: [nanoid().length, /^[A-Za-z0-9_-]+$/.test(nanoid()), customAlphabet('ab', 8)().replace(/[ab]/g, '')],
      zod: [good.success, good.data, bad.success, bad.error.issues.map((i) => i.path.join('.')).sort()],
      dayjs: [date.add(1, 'year').format('YYYY-MM-DD'), date.isValid(), dayjs('nope').isValid(), date.startOf('month').toISOString()],
      cookie: [{ ...cookies }, stringifySetCookie({ name: 'session', value: 'a b', httpOnly: true, maxAge: 60, path: '/' })],
    });
  },
};
`,
  });
  const w = await startWorker(bundle);
  try {
    const res = await w.fetch('/', { method: 'POST', body: JSON.stringify({ name: 'Ada', age: 36 }), headers: { cookie: 'theme=dark; session=abc%20def' } });
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json();
    assert.deepEqual(body.uuid, [true, 4, uuidv5('hello', uuidv5.URL), 7]);
    assert.deepEqual(body.nanoid, [21, true, '']);
    assert.deepEqual(body.zod, [true, { name: 'Ada', age: 36 }, false, ['age', 'name']]);
    assert.deepEqual(body.dayjs, ['2025-02-28', true, false, '2024-02-01T00:00:00.000Z']);
    assert.deepEqual(body.cookie, [{ theme: 'dark', session: 'abc def' }, 'session=a%20b; Max-Age=60; Path=/; HttpOnly']);
  } finally {
    await w.dispose();
  }
});

test('CommonJS code requiring Node built-ins by bare and node: names, as npm packages do', async () => {
  const bundle = await bundleProject({
    'src/legacy.cjs': `
'use strict';
const EventEmitter = require('events');
const util = require('util');
const { Buffer } = require('buffer');
const { StringDecoder } = require('string_decoder');
const path = require('node:path');
const url = require('url');
const qs = require('querystring');
const assert = require('assert');
const { Transform, pipeline } = require('stream');
const { promisify } = require('node:util');
const crypto = globalThis.crypto;

function Emitter() { EventEmitter.call(this); }
util.inherits(Emitter, EventEmitter);

module.exports = {
  run(done) {
    const e = new Emitter();
    const seen = [];
    e.on('data', (d) => seen.push(d));
    e.emit('data', util.format('%s=%d', 'x', 1));
    const decoder = new StringDecoder('utf8');
    const euro = Buffer.from('€');
    const text = decoder.write(euro.subarray(0, 1)) + decoder.end(euro.subarray(1));
    assert.deepStrictEqual({ a: [1] }, { a: [1] });
    const upper = new Transform({ transform(chunk, enc, cb) { cb(null, String(chunk).toUpperCase()); } });
    const chunks = [];
    upper.on('data', (c) => chunks.push(String(c)));
    pipeline(require('stream').Readable.from(['abc']), upper, (err) => {
      done(err, {
        seen, text, joined: path.join('/a', '..', 'b'), host: url.parse('http://h.com/p?q=1').host, qs: qs.stringify({ a: [1, 2] }),
        promisified: typeof promisify(setTimeout), stream: chunks.join(''), inherits: e instanceof EventEmitter, random: typeof crypto.randomUUID(),
      });
    });
  },
};
`,
    'src/index.js': `import legacy from './legacy.cjs';\nexport default { fetch() { return new Promise((resolve, reject) => legacy.run((err, result) => (err ? reject(err) : resolve(Response.json(result))))); } };\n`,
  });
  const w = await startWorker(bundle);
  try {
    const res = await w.fetch('/');
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), {
      seen: ['x=1'], text: '€', joined: '/b', host: 'h.com', qs: 'a=1&a=2', promisified: 'function', stream: 'ABC', inherits: true, random: 'string',
    });
  } finally {
    await w.dispose();
  }
});

const MODULES = [
  'assert', 'assert/strict', 'async_hooks', 'buffer', 'console', 'constants', 'diagnostics_channel', 'domain', 'events', 'module', 'os', 'path',
  'path/posix', 'path/win32', 'perf_hooks', 'process', 'punycode', 'querystring', 'stream', 'stream/consumers', 'stream/promises', 'stream/web',
  'string_decoder', 'sys', 'timers', 'timers/promises', 'tty', 'url', 'util', 'util/types', 'child_process', 'cluster', 'dgram', 'http2',
  'inspector', 'readline', 'repl', 'trace_events', 'v8', 'vm', 'wasi', 'worker_threads',
];

test('require() of every module, by bare and node: name, gives the default export of its import', async () => {
  const bundle = await bundleProject({
    'src/all.cjs': `module.exports = {\n${MODULES.map((m) => `  ${JSON.stringify(m)}: [require(${JSON.stringify(m)}), require(${JSON.stringify(`node:${m}`)})],`).join('\n')}\n};\n`,
    'src/index.js': `${MODULES.map((m, i) => `import m${i} from ${JSON.stringify(`node:${m}`)};`).join('\n')}
import required from './all.cjs';
const imported = [${MODULES.map((_, i) => `m${i}`).join(', ')}];
export default { fetch() { return Response.json(Object.entries(required).map(([name, [bare, prefixed]], i) => [name, bare === prefixed, bare === imported[i], typeof bare])); } };
`,
  });
  const w = await startWorker(bundle);
  try {
    const rows = await (await w.fetch('/')).json();
    assert.deepEqual(rows.map(([name]) => name), MODULES);
    for (const [name, samePrefixed, sameAsImport, type] of rows) {
      assert.ok(samePrefixed && sameAsImport, name);
      assert.ok(type === 'object' || type === 'function', `${name}: ${type}`);
    }
  } finally {
    await w.dispose();
  }
});
