// Loads a worker's wrangler configuration the way wrangler does, and returns a
// normalized, validated object for the rest of Outpost.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.js';
import { readConfigFile } from './parse.js';
import { loadDevSecrets } from './dotenv.js';
import { resolveCompatibility } from './compat.js';
import { KEY_SCHEMAS, isPlainObject, show, t, warnUnexpected } from './schema.js';
import {
  ENVIRONMENT_KEYS,
  INHERITABLE_KEYS,
  KNOWN_TOP_LEVEL_KEYS,
  NON_INHERITABLE_KEYS,
  TOP_LEVEL_ONLY_KEYS,
} from './keys.js';

export { ConfigError };

/** wrangler's lookup order within one directory. */
export const CONFIG_FILE_NAMES = ['wrangler.json', 'wrangler.jsonc', 'wrangler.toml'];

const WORKER_NAME = /^[a-z0-9_][a-z0-9_-]*$/;

/**
 * Loads and validates a wrangler configuration.
 *
 * @param {object} [options]
 * @param {string} [options.configPath] explicit config file (any of the three formats)
 * @param {string} [options.cwd] where to start looking when configPath is not given
 * @param {string} [options.env] name of an `[env.<name>]` section to apply
 * @param {boolean} [options.noBundle] overrides `no_bundle` when set
 * @param {string} [options.main] entry point from the command line: relative to cwd, overrides
 *   `main`, and makes a config file optional (as `wrangler dev path/to/script` does)
 * @returns {object} plain normalized config: { configPath, rootDir, env, name, main,
 *   compatibilityDate, compatibilityFlags, vars, secrets, secretFiles, limits: { cpuMs, subrequests },
 *   rules, noBundle, findAdditionalModules, baseDir, preserveFileNames, define, alias, minify,
 *   keepNames, tsconfig, jsxFactory, jsxFragment, triggers: { crons }, kvNamespaces, d1Databases,
 *   r2Buckets, services, durableObjects, migrations, queues: { producers, consumers }, routes,
 *   workersDev, accountId, dev: { ip, port, inspectorPort, localProtocol, upstreamProtocol, host },
 *   sendMetrics, keepVars, nodeCompat, uploadSourceMaps, observability, logpush, placement, assets,
 *   build: { command, cwd, watchDir }, raw, warnings }. Paths are absolute; binding entries keep
 *   wrangler's snake_case fields.
 * @param {boolean} [options.needsEntry] false for commands that never run the worker (the
 *   storage commands): a config without `main` is then accepted
 * @throws {ConfigError}
 */
export function loadConfig({ configPath, cwd = process.cwd(), env, noBundle, main, needsEntry = true } = {}) {
  cwd = path.resolve(cwd);
  const file = configPath ? path.resolve(cwd, configPath) : findConfigFile(cwd);
  if (!file && !main) {
    throw new ConfigError(
      `No configuration file found in ${cwd} or its parent directories ` +
        `(looked for ${CONFIG_FILE_NAMES.join(', ')})`,
    );
  }
  const label = file ? labelFor(file, cwd) : 'command line';
  const rawConfig = file ? readConfigFile(file, label) : {};
  const ctx = { file: label, errors: [], warnings: [] };

  const envName = env || undefined;
  validateTopLevel(ctx, rawConfig);
  // Without a config file there are no sections to apply; the name still selects .dev.vars.<env>.
  const merged = envName && file ? applyEnvironment(ctx, rawConfig, envName) : withoutEnv(rawConfig);
  if (!main && needsEntry) checkEntryPoint(ctx, merged);
  throwIfErrors(ctx);

  const rootDir = file ? path.dirname(file) : cwd;
  const entry = main ? path.resolve(cwd, main) : undefined;
  const normalized = normalize(ctx, merged, { file, rootDir, envName, noBundle, entry, needsEntry });
  checkBindingNames(ctx, normalized);
  ctx.warnings.push(...normalized.compatibility.warnings.map((warning) => `${ctx.file}: ${warning}`));
  throwIfErrors(ctx);
  return normalized;
}

/**
 * The normalized config of a worker uploaded to a server: `raw` is the config the client
 * loaded, with its environment already applied (its `raw` field). It is validated again here, as
 * it came over the network; nothing is read from disk (no entry point, no .dev.vars).
 * @throws {ConfigError}
 */
export function configFromUpload(raw, label = 'uploaded config') {
  const ctx = { file: label, errors: [], warnings: [] };
  if (!isPlainObject(raw)) throw new ConfigError(`${label}: expected a JSON object, got ${show(raw)}`, { file: label });
  validateTopLevel(ctx, raw);
  throwIfErrors(ctx);
  const normalized = normalize(ctx, withoutEnv(raw), { file: null, rootDir: null, envName: null, noBundle: true, entry: undefined, needsEntry: false });
  checkBindingNames(ctx, normalized);
  throwIfErrors(ctx);
  return normalized;
}

/**
 * Walks up from `dir` looking for a config file; within a directory the order
 * is wrangler.json, wrangler.jsonc, wrangler.toml.
 */
export function findConfigFile(dir) {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(current, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    if (path.dirname(current) === current) return null;
  }
}

function labelFor(file, cwd) {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function throwIfErrors(ctx) {
  if (ctx.errors.length === 0) return;
  const [first, ...rest] = ctx.errors;
  const message = rest.length === 0 ? first : `${first}\n${rest.map((e) => `  - ${e}`).join('\n')}`;
  throw new ConfigError(message, { errors: ctx.errors, file: ctx.file });
}

// ---------------------------------------------------------------------------
// Validation

function validateTopLevel(ctx, raw) {
  warnUnexpected(ctx, 'top-level', Object.keys(raw), KNOWN_TOP_LEVEL_KEYS);
  validateKeys(ctx, raw, '');
  if (raw.env !== undefined) {
    if (!isPlainObject(raw.env)) {
      ctx.errors.push(`${ctx.file}: "env" must be a table of environments, got ${show(raw.env)}`);
    } else {
      for (const [name, section] of Object.entries(raw.env)) {
        if (!isPlainObject(section)) {
          ctx.errors.push(`${ctx.file}: "env.${name}" must be a table, got ${show(section)}`);
        }
      }
    }
  }
}

/** Runs the schema of every present key; `prefix` is '' or 'env.<name>.'. */
function validateKeys(ctx, section, prefix) {
  for (const [key, value] of Object.entries(section)) {
    const check = SCHEMAS[key];
    if (check && value !== undefined) check(ctx, `${prefix}${key}`, value);
  }
  if (section.route !== undefined && section.routes !== undefined) {
    ctx.errors.push(
      `${ctx.file}: "${prefix}route" and "${prefix}routes" cannot both be set; use only "routes" (an array)`,
    );
  }
  if (section.node_compat === true) {
    ctx.warnings.push(
      `"${prefix}node_compat" is no longer supported by wrangler; use the "nodejs_compat" compatibility flag instead (compatibility_flags = ["nodejs_compat"]).`,
    );
  }
}

const NAME_EXPECTED =
  'a worker name made of lowercase letters, digits, dashes and underscores (e.g. "my-worker")';

function validateName(ctx, keyPath, name, derivedFrom) {
  if (typeof name === 'string' && WORKER_NAME.test(name)) return true;
  const origin = derivedFrom ? ` (derived from ${derivedFrom})` : '';
  ctx.errors.push(`${ctx.file}: "${keyPath}" must be ${NAME_EXPECTED}, got ${show(name)}${origin}`);
  return false;
}

export function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

function validateCompatibilityDate(ctx, keyPath, value) {
  const match = typeof value === 'string' && /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) {
    ctx.errors.push(`${ctx.file}: "${keyPath}" must be a date string like "${todayUtc()}", got ${show(value)}`);
    return false;
  }
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    ctx.errors.push(`${ctx.file}: "${keyPath}" must be a real calendar date (YYYY-MM-DD), got ${show(value)}`);
    return false;
  }
  const today = todayUtc();
  if (value > today) {
    ctx.errors.push(
      `${ctx.file}: "${keyPath}" is ${show(value)}: Compatibility date "${value}" is in the future and unsupported ` +
        `(today is ${today} in UTC). Use a date on or before today.`,
    );
    return false;
  }
  return true;
}

/** KEY_SCHEMAS plus the two keys whose format needs more than a type check. */
const SCHEMAS = {
  ...KEY_SCHEMAS,
  name: t.custom(NAME_EXPECTED, validateName),
  compatibility_date: t.custom('a date string (YYYY-MM-DD)', validateCompatibilityDate),
};

// ---------------------------------------------------------------------------
// Environments

function withoutEnv(raw) {
  const { env: _env, ...rest } = raw;
  return rest;
}

/** Overlays `[env.<envName>]` on the top level, with wrangler's inheritance rules. */
function applyEnvironment(ctx, raw, envName) {
  const envs = isPlainObject(raw.env) ? raw.env : {};
  if (!Object.hasOwn(envs, envName)) {
    const defined = Object.keys(envs).map((n) => `"${n}"`);
    const list =
      defined.length > 0 ? `The defined environments are: ${defined.join(', ')}.` : 'This file defines no environments.';
    throw new ConfigError(
      `${ctx.file}: No environment found in configuration with name "${envName}". ${list}\n` +
        `Add an [env.${envName}] section to ${ctx.file} or pick one of the defined environments.`,
      { file: ctx.file },
    );
  }
  const section = envs[envName];
  if (!isPlainObject(section)) return withoutEnv(raw); // already reported by validateTopLevel

  const prefix = `env.${envName}.`;
  warnUnexpected(ctx, `env.${envName}`, Object.keys(section), ENVIRONMENT_KEYS);
  validateKeys(ctx, section, prefix);

  const merged = {};
  for (const key of TOP_LEVEL_ONLY_KEYS) {
    if (key !== 'env' && raw[key] !== undefined) merged[key] = raw[key];
  }
  for (const key of INHERITABLE_KEYS) {
    const value = section[key] !== undefined ? section[key] : raw[key];
    if (value !== undefined) merged[key] = value;
  }
  // `name` is inherited with the environment's name appended (wrangler's legacy environments).
  if (section.name === undefined && typeof raw.name === 'string') {
    merged.name = `${raw.name}-${envName}`;
    if (WORKER_NAME.test(raw.name)) {
      validateName(ctx, 'name', merged.name, `the top-level name and environment "${envName}"`);
    }
  }
  // `route` and `routes` override each other as a pair.
  if (section.route !== undefined || section.routes !== undefined) {
    delete merged.route;
    delete merged.routes;
    if (section.route !== undefined) merged.route = section.route;
    if (section.routes !== undefined) merged.routes = section.routes;
  }
  for (const key of NON_INHERITABLE_KEYS) {
    if (section[key] !== undefined) merged[key] = section[key];
    warnNotInherited(ctx, raw, section, key, envName);
  }
  return merged;
}

/** wrangler's warnings for non-inheritable keys set at the top level but missing from the environment. */
function warnNotInherited(ctx, raw, section, key, envName) {
  if (raw[key] === undefined) return;
  if (section[key] === undefined) {
    ctx.warnings.push(
      `"${key}" exists at the top level, but not on "env.${envName}".\n` +
        `This is not what you probably want, since "${key}" is not inherited by environments.\n` +
        `Please add "${key}" to "env.${envName}".`,
    );
    return;
  }
  if ((key === 'vars' || key === 'define') && isPlainObject(raw[key]) && isPlainObject(section[key])) {
    for (const name of Object.keys(raw[key])) {
      if (!Object.hasOwn(section[key], name)) {
        ctx.warnings.push(
          `"${key}.${name}" exists at the top level, but not on "env.${envName}.${key}".\n` +
            `This is not what you probably want, since "${key}" configuration is not inherited by environments.\n` +
            `Please add "${key}.${name}" to "env.${envName}".`,
        );
      }
    }
  }
}

/** Every name on `env` must mean one thing: a var, a secret or one binding. */
function checkBindingNames(ctx, config) {
  const owners = new Map();
  const claim = (name, owner) => {
    if (typeof name !== 'string') return;
    if (!owners.has(name)) owners.set(name, []);
    owners.get(name).push(owner);
  };
  for (const name of Object.keys(config.vars)) claim(name, 'vars');
  for (const [list, owner] of [
    [config.kvNamespaces, 'kv_namespaces'], [config.d1Databases, 'd1_databases'], [config.r2Buckets, 'r2_buckets'],
    [config.services, 'services'], [config.durableObjects, 'durable_objects.bindings'], [config.queues.producers, 'queues.producers'],
  ]) {
    for (const entry of list) claim(entry.binding ?? entry.name, owner);
  }
  for (const [name, where] of owners) {
    if (where.length > 1) ctx.errors.push(`${ctx.file}: the binding name "${name}" is used more than once (${where.join(', ')}); each name on env must be unique`);
  }
}

/** wrangler needs an entry point to run anything. */
function checkEntryPoint(ctx, merged) {
  if (ctx.errors.length > 0 || merged.main !== undefined) return;
  ctx.errors.push(
    `${ctx.file}: Missing entry-point: The entry-point should be specified via the command line ` +
      '(e.g. `outpost dev path/to/script`) or the `main` config field.',
  );
}

// ---------------------------------------------------------------------------
// Normalization

function normalize(ctx, merged, { file, rootDir, envName, noBundle, entry, needsEntry }) {
  // An uploaded config (rootDir null) has no files of its own.
  const resolve = (p) => (p === undefined || rootDir === null ? undefined : path.resolve(rootDir, p));
  const main = entry ?? resolve(merged.main);
  if (needsEntry && !existsSync(main)) {
    ctx.errors.push(
      entry
        ? `The entry-point file at ${show(path.relative(process.cwd(), entry) || entry)} was not found (looked for ${entry})`
        : `${ctx.file}: "main" points to ${show(merged.main)}, which does not exist (looked for ${main})`,
    );
  }

  const compatibilityDate = merged.compatibility_date ?? defaultCompatibilityDate(ctx, file);
  const isNoBundle = noBundle ?? merged.no_bundle ?? false;
  const { secrets, files: secretFiles } = rootDir === null ? { secrets: {}, files: [] } : loadDevSecrets(rootDir, envName);

  return {
    configPath: file ?? null,
    rootDir,
    env: envName ?? null,
    name: merged.name ?? null,
    main,
    compatibilityDate,
    compatibilityFlags: merged.compatibility_flags ?? [],
    compatibility: resolveCompatibility(compatibilityDate, merged.compatibility_flags ?? []),
    vars: merged.vars ?? {},
    secrets,
    secretFiles,
    limits: {
      cpuMs: merged.limits?.cpu_ms ?? null,
      subrequests: merged.limits?.subrequests ?? null,
    },
    rules: merged.rules ?? [],
    noBundle: isNoBundle,
    // wrangler: defaults to true when not bundling, false otherwise.
    findAdditionalModules: merged.find_additional_modules ?? isNoBundle,
    baseDir: resolve(merged.base_dir) ?? (main ? path.dirname(main) : rootDir),
    preserveFileNames: merged.preserve_file_names ?? false,
    define: merged.define ?? {},
    alias: merged.alias ?? {},
    minify: merged.minify ?? false,
    keepNames: merged.keep_names ?? true,
    tsconfig: resolve(merged.tsconfig) ?? null,
    jsxFactory: merged.jsx_factory ?? 'React.createElement',
    jsxFragment: merged.jsx_fragment ?? 'React.Fragment',
    triggers: { crons: merged.triggers?.crons ?? [] },
    kvNamespaces: merged.kv_namespaces ?? [],
    d1Databases: (merged.d1_databases ?? []).map((db) => ({
      ...db,
      migrations_dir: resolve(db.migrations_dir ?? 'migrations') ?? null,
    })),
    r2Buckets: merged.r2_buckets ?? [],
    services: merged.services ?? [],
    durableObjects: merged.durable_objects?.bindings ?? [],
    migrations: merged.migrations ?? [],
    queues: {
      producers: merged.queues?.producers ?? [],
      consumers: merged.queues?.consumers ?? [],
    },
    routes: merged.routes ?? (merged.route !== undefined ? [merged.route] : []),
    workersDev: merged.workers_dev ?? null,
    accountId: merged.account_id ?? null,
    dev: normalizeDev(merged.dev),
    sendMetrics: merged.send_metrics ?? null,
    keepVars: merged.keep_vars ?? false,
    nodeCompat: merged.node_compat ?? false,
    uploadSourceMaps: merged.upload_source_maps ?? false,
    observability: merged.observability ?? null,
    logpush: merged.logpush ?? null,
    placement: merged.placement ?? null,
    assets: merged.assets
      ? { ...merged.assets, directory: resolve(merged.assets.directory) }
      : null,
    build: rootDir === null ? null : normalizeBuild(merged.build, rootDir),
    raw: merged,
    warnings: ctx.warnings,
  };
}

function defaultCompatibilityDate(ctx, file) {
  const today = todayUtc();
  const where = file ? `your ${path.basename(file)} file` : 'a wrangler configuration file';
  ctx.warnings.push(
    `No compatibility_date was specified. Using today's date: ${today}.\n` +
      `Add one to ${where}: compatibility_date = "${today}"`,
  );
  return today;
}

function normalizeDev(dev = {}) {
  const localProtocol = dev.local_protocol ?? 'http';
  return {
    ip: dev.ip ?? 'localhost',
    port: dev.port ?? null,
    inspectorPort: dev.inspector_port ?? null,
    localProtocol,
    upstreamProtocol: dev.upstream_protocol ?? localProtocol,
    host: dev.host ?? null,
  };
}

function normalizeBuild(build, rootDir) {
  if (!build) return { command: null, cwd: rootDir, watchDir: [] };
  // wrangler only watches (default ./src) when there is a command to re-run.
  const watch = build.watch_dir ?? (build.command ? './src' : []);
  return {
    command: build.command ?? null,
    cwd: path.resolve(rootDir, build.cwd ?? '.'),
    watchDir: [watch].flat().map((dir) => path.resolve(rootDir, dir)),
  };
}
