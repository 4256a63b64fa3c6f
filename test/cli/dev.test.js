// `outpost dev` as a user runs it: a real child process, a real port, real file edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDev } from '../helpers/dev-process.js';

const EXAMPLE = new URL('../../examples/hello', import.meta.url).pathname;

function copyExample() {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-dev-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

test('serves the example, logs requests and console output, reloads on change, survives syntax errors', async () => {
  const dir = copyExample();
  const dev = startDev(['-c', path.join(dir, 'wrangler.toml')], dir);
  try {
    const [, url] = await dev.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
    const res = await fetch(`${url}/api/hello`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).message, 'Hello from the edge!');
    await dev.waitFor(/GET \/api\/hello 200 [\d.]+ ms \(cpu [\d.]+ ms\)/);

    const source = path.join(dir, 'src/index.js');
    writeFileSync(source, `export default { fetch() { console.log('handled v2'); return new Response('v2'); } };\n`);
    await dev.waitFor(/Reloaded in \d+ ms/);
    assert.equal(await (await fetch(url)).text(), 'v2');
    await dev.waitFor(/handled v2/);

    writeFileSync(source, `export default { fetch() { return new Response('broken' } };\n`);
    await dev.waitFor(/index\.js:1:\d+/);
    assert.equal(await (await fetch(url)).text(), 'v2', 'the previous version keeps serving');

    writeFileSync(source, `export default { fetch() { return new Response('v3'); } };\n`);
    await dev.waitFor(/Reloaded in \d+ ms/);
    assert.equal(await (await fetch(url)).text(), 'v3');
  } finally {
    dev.stop();
  }
});

test('finds wrangler.toml in the current directory', async () => {
  const dir = copyExample();
  const dev = startDev([], dir);
  try {
    const [, url] = await dev.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
    assert.equal((await fetch(`${url}/nope`)).status, 404);
  } finally {
    dev.stop();
  }
});

test('an invalid config stops with an error naming the file and key', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-dev-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src/index.js'), 'export default { fetch() { return new Response("x") } }');
  writeFileSync(path.join(dir, 'wrangler.toml'), 'name = "bad"\nmain = "src/index.js"\ncompatibility_date = 20240101\n');
  const dev = startDev([], dir);
  const [code] = await new Promise((resolve) => dev.child.on('exit', (...a) => resolve(a)));
  assert.equal(code, 1);
  assert.match(dev.output, /wrangler\.toml/);
  assert.match(dev.output, /compatibility_date/);
});

test('a worker that throws at startup is reported and dev keeps waiting for a fix', async () => {
  const dir = copyExample();
  const source = path.join(dir, 'src/index.js');
  const dev = startDev([], dir);
  try {
    const [, url] = await dev.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
    writeFileSync(source, `throw new Error('boom at startup');\nexport default {};\n`);
    await dev.waitFor(/boom at startup/);
    assert.equal((await fetch(`${url}/api/hello`)).status, 200);
  } finally {
    dev.stop();
  }
});
