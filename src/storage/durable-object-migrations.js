// Durable Object migrations ([[migrations]] tag, new_classes, new_sqlite_classes, renamed_classes,
// deleted_classes), applied to a worker's objects in the state directory once each, in order: a
// renamed class keeps its objects' storage under its new name, a deleted class loses it. The tags
// applied so far are recorded in <state dir>/do/<worker>/migrations.json.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { doDirectory, pathSegment, moveClassAlarms, closeObjectStorages } from './durable-object-store.js';

export class MigrationError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MigrationError';
  }
}

// The classes the migrations leave, checking that each step makes sense: a class is created
// once, and only existing classes are renamed or deleted.
export function migratedClasses(migrations) {
  const classes = new Set();
  const tags = new Set();
  for (const [i, migration] of migrations.entries()) {
    const where = `[[migrations]] #${i + 1}${migration.tag ? ` (tag "${migration.tag}")` : ''}`;
    if (tags.has(migration.tag)) throw new MigrationError(`${where}: the tag "${migration.tag}" is used twice.`);
    tags.add(migration.tag);
    for (const name of [...(migration.new_classes ?? []), ...(migration.new_sqlite_classes ?? [])]) {
      if (classes.has(name)) throw new MigrationError(`${where}: the class "${name}" is created again; it already exists.`);
      classes.add(name);
    }
    for (const { from, to } of migration.renamed_classes ?? []) {
      if (!classes.has(from)) throw new MigrationError(`${where}: cannot rename the class "${from}": no earlier migration creates it.`);
      if (classes.has(to)) throw new MigrationError(`${where}: cannot rename "${from}" to "${to}": "${to}" already exists.`);
      classes.delete(from);
      classes.add(to);
    }
    for (const name of migration.deleted_classes ?? []) {
      if (!classes.has(name)) throw new MigrationError(`${where}: cannot delete the class "${name}": no earlier migration creates it.`);
      classes.delete(name);
    }
  }
  return classes;
}

// Applies the migrations not applied yet to `workerName`'s objects; returns the tags applied now.
export function applyMigrations(stateDir, workerName, migrations) {
  migratedClasses(migrations);
  const root = path.join(doDirectory(stateDir), pathSegment(workerName));
  const record = path.join(root, 'migrations.json');
  const applied = existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : [];
  const appliedNow = [];
  for (const migration of migrations) {
    if (applied.includes(migration.tag)) continue;
    // Files are moved: no database of this worker's objects may stay open meanwhile.
    closeObjectStorages();
    for (const { from, to } of migration.renamed_classes ?? []) {
      const source = path.join(root, pathSegment(from));
      if (existsSync(source)) renameSync(source, path.join(root, pathSegment(to)));
      moveClassAlarms(stateDir, workerName, from, to);
    }
    for (const name of migration.deleted_classes ?? []) {
      rmSync(path.join(root, pathSegment(name)), { recursive: true, force: true });
      moveClassAlarms(stateDir, workerName, name, null);
    }
    applied.push(migration.tag);
    appliedNow.push(migration.tag);
    mkdirSync(root, { recursive: true });
    writeFileSync(record, JSON.stringify(applied));
  }
  return appliedNow;
}
