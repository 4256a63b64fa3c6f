// Durable Object migrations: checked in order, applied once, renames keeping storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyMigrations, migratedClasses, MigrationError } from '../../src/storage/durable-object-migrations.js';
import { startDev } from '../helpers/dev-process.js';

test('the classes migrations leave, and the steps that make no sense', () => {
  assert.deepEqual([...migratedClasses([
    { tag: 'v1', new_classes: ['Counter', 'Room'] },
    { tag: 'v2', renamed_classes: [{ from: 'Counter', to: 'Tally' }], new_sqlite_classes: ['Chat'] },
    { tag: 'v3', deleted_classes: ['Room'] },
  ])].sort(), ['Chat', 'Tally']);
  const wrong = [
    [[{ tag: 'v1', renamed_classes: [{ from: 'Ghost', to: 'X' }] }], /cannot rename the class "Ghost": no earlier migration creates it/],
    [[{ tag: 'v1', deleted_classes: ['Ghost'] }], /cannot delete the class "Ghost"/],
    [[{ tag: 'v1', new_classes: ['A'] }, { tag: 'v2', new_classes: ['A'] }], /"A" is created again/],
    [[{ tag: 'v1', new_classes: ['A', 'B'] }, { tag: 'v2', renamed_classes: [{ from: 'A', to: 'B' }] }], /"B" already exists/],
    [[{ tag: 'v1', new_classes: ['A'] }, { tag: 'v1', new_classes: ['B'] }], /tag "v1" is used twice/],
  ];
  for (const [migrations, message] of wrong) assert.throws(() => migratedClasses(migrations), (err) => err instanceof MigrationError && message.test(err.message));
});

test('migrations apply once, in order: a rename keeps the storage, a delete removes it', () => {
  const state = mkdtempSync(path.join(tmpdir(), 'outpost-migrations-'));
  const root = path.join(state, 'do', 'w');
  mkdirSync(path.join(root, 'Counter'), { recursive: true });
  writeFileSync(path.join(root, 'Counter', 'object.sqlite'), 'data');
  mkdirSync(path.join(root, 'Room'), { recursive: true });
  const v1 = [{ tag: 'v1', new_classes: ['Counter', 'Room'] }];
  assert.deepEqual(applyMigrations(state, 'w', v1), ['v1']);
  const v2 = [...v1, { tag: 'v2', renamed_classes: [{ from: 'Counter', to: 'Tally' }], deleted_classes: ['Room'] }];
  assert.deepEqual(applyMigrations(state, 'w', v2), ['v2']);
  assert.equal(readFileSync(path.join(root, 'Tally', 'object.sqlite'), 'utf8'), 'data');
  assert.equal(existsSync(path.join(root, 'Counter')), false);
  assert.equal(existsSync(path.join(root, 'Room')), false);
  assert.deepEqual(applyMigrations(state, 'w', v2), [], 'nothing is applied twice');
});

test('a migration renaming a class that does not exist stops outpost dev with an error naming it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-migrations-dev-'));
  writeFileSync(path.join(dir, 'index.js'), 'export default {}');
  writeFileSync(path.join(dir, 'wrangler.toml'), 'name = "m"\nmain = "index.js"\n\n[[migrations]]\ntag = "v1"\nrenamed_classes = [{ from = "Ghost", to = "Room" }]\n');
  const dev = startDev([], dir);
  const [code] = await new Promise((resolve) => dev.child.on('exit', (...args) => resolve(args)));
  assert.equal(code, 1);
  assert.match(dev.output, /wrangler\.toml: \[\[migrations\]\] #1 \(tag "v1"\): cannot rename the class "Ghost"/);
});
