import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, findConfigFile, loadConfig } from '../src/config/load.js';
import { loadDevSecrets, parseDotenv } from '../src/config/dotenv.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/config/', import.meta.url));
const fixture = (name) => path.join(FIXTURES, name);

const tempDirs = [];
after(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Creates a temporary worker directory from { relativePath: content }. */
function workerDir(files) {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-config-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

const ENTRY = { 'src/index.js': 'export default {};\n' };

/** A TOML worker with a valid base plus `extra` lines. */
function tomlWorker(extra = '', files = {}) {
  return workerDir({
    'wrangler.toml': `name = "w"\nmain = "src/index.js"\ncompatibility_date = "2024-09-23"\n${extra}\n`,
    ...ENTRY,
    ...files,
  });
}

function utcDate(offsetDays) {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Asserts loadConfig throws a ConfigError whose message matches every pattern. */
function assertConfigError(options, ...patterns) {
  let error;
  assert.throws(
    () => loadConfig(options),
    (err) => {
      error = err;
      return err instanceof ConfigError;
    },
  );
  for (const pattern of patterns) assert.match(error.message, pattern);
  return error;
}

describe('config file formats', () => {
  test('wrangler.toml: every supported key is read and normalized', () => {
    const dir = fixture('toml');
    const config = loadConfig({ cwd: dir });
    assert.equal(config.configPath, path.join(dir, 'wrangler.toml'));
    assert.equal(config.rootDir, dir);
    assert.equal(config.name, 'toml-worker');
    assert.equal(config.main, path.join(dir, 'src/index.js'));
    assert.equal(config.compatibilityDate, '2024-09-23');
    assert.deepEqual(config.compatibilityFlags, ['nodejs_compat']);
    assert.deepEqual(config.vars, {
      GREETING: 'hello',
      COUNT: 3,
      ENABLED: true,
      CONFIG: { retries: 2, hosts: ['a', 'b'] },
    });
    assert.deepEqual(config.define, { VERSION: '"1.2.3"' });
    assert.deepEqual(config.limits, { cpuMs: 50, subrequests: 100 });
    assert.deepEqual(config.triggers, { crons: ['*/5 * * * *'] });
    assert.deepEqual(config.rules, [{ type: 'Text', globs: ['**/*.md'], fallthrough: true }]);
    assert.equal(config.noBundle, false);
    assert.equal(config.findAdditionalModules, false);
    assert.equal(config.baseDir, path.join(dir, 'src'));
    assert.equal(config.preserveFileNames, true);
    assert.deepEqual(config.kvNamespaces, [{ binding: 'CACHE', id: 'kv-id-1', preview_id: 'kv-preview-1' }]);
    assert.deepEqual(config.d1Databases, [
      {
        binding: 'DB',
        database_name: 'main',
        database_id: 'd1-id-1',
        migrations_dir: path.join(dir, 'db/migrations'),
      },
    ]);
    assert.deepEqual(config.r2Buckets, [{ binding: 'FILES', bucket_name: 'files' }]);
    assert.deepEqual(config.services, [{ binding: 'AUTH', service: 'auth-worker', entrypoint: 'AuthEntrypoint' }]);
    assert.deepEqual(config.durableObjects, [{ name: 'COUNTER', class_name: 'Counter' }]);
    assert.deepEqual(config.migrations, [{ tag: 'v1', new_sqlite_classes: ['Counter'] }]);
    assert.deepEqual(config.queues, {
      producers: [{ binding: 'JOBS', queue: 'jobs' }],
      consumers: [{ queue: 'jobs', max_batch_size: 10 }],
    });
    assert.deepEqual(config.routes, [
      'example.com/*',
      { pattern: 'api.example.com/*', zone_name: 'example.com' },
    ]);
    assert.equal(config.workersDev, true);
    assert.equal(config.accountId, '0123456789abcdef');
    assert.equal(config.dev.port, 8788);
    assert.equal(config.dev.ip, '127.0.0.1');
    assert.equal(config.dev.localProtocol, 'http');
    assert.equal(config.sendMetrics, false);
    assert.equal(config.keepVars, true);
    assert.equal(config.minify, true);
    assert.equal(config.uploadSourceMaps, true);
    assert.equal(config.logpush, false);
    assert.deepEqual(config.observability, { enabled: true });
    assert.deepEqual(config.placement, { mode: 'smart' });
    assert.deepEqual(config.build, { command: 'npm run build', cwd: dir, watchDir: [path.join(dir, 'src')] });
    assert.equal(config.raw.name, 'toml-worker');
    assert.equal(config.raw.env, undefined);
    assert.deepEqual(config.warnings, []);
    assert.equal(Object.getPrototypeOf(config.vars.CONFIG), Object.prototype, 'TOML tables become plain objects');
  });

  test('wrangler.json (comments tolerated, JSON values in vars)', () => {
    const config = loadConfig({ cwd: fixture('json') });
    assert.equal(path.basename(config.configPath), 'wrangler.json');
    assert.equal(config.name, 'json-worker');
    assert.deepEqual(config.vars, { MODE: 'json', LIST: [1, 2, 3] });
    assert.deepEqual(config.kvNamespaces, [{ binding: 'KV', id: 'json-kv' }]);
    assert.deepEqual(config.warnings, [], '$schema is a known key');
  });

  test('wrangler.jsonc with comments and trailing commas', () => {
    const config = loadConfig({ cwd: fixture('jsonc') });
    assert.equal(path.basename(config.configPath), 'wrangler.jsonc');
    assert.equal(config.name, 'jsonc-worker');
    assert.deepEqual(config.vars, { MODE: 'jsonc' });
  });

  test('lookup order in one directory is wrangler.json, wrangler.jsonc, wrangler.toml', () => {
    assert.equal(loadConfig({ cwd: fixture('precedence') }).name, 'from-json');

    const jsoncAndToml = workerDir({
      'wrangler.jsonc': '{ "name": "from-jsonc", "main": "src/index.js", "compatibility_date": "2024-09-23" }',
      'wrangler.toml': 'name = "from-toml"\nmain = "src/index.js"\ncompatibility_date = "2024-09-23"\n',
      ...ENTRY,
    });
    assert.equal(loadConfig({ cwd: jsoncAndToml }).name, 'from-jsonc');
  });

  test('configPath may name any of the three formats, relative to cwd', () => {
    const dir = fixture('precedence');
    for (const [file, name] of [['wrangler.toml', 'from-toml'], ['wrangler.jsonc', 'from-jsonc'], ['wrangler.json', 'from-json']]) {
      const config = loadConfig({ configPath: file, cwd: dir });
      assert.equal(config.name, name);
      assert.equal(config.configPath, path.join(dir, file));
    }
    const absolute = loadConfig({ configPath: path.join(fixture('toml'), 'wrangler.toml') });
    assert.equal(absolute.name, 'toml-worker');
  });

  test('the search walks up from cwd to the nearest config', () => {
    const config = loadConfig({ cwd: path.join(fixture('nested'), 'sub/dir') });
    assert.equal(config.name, 'nested');
    assert.equal(config.rootDir, fixture('nested'));
    assert.equal(config.main, path.join(fixture('nested'), 'src/index.js'), 'main is relative to the config file');
    assert.equal(findConfigFile(path.join(fixture('nested'), 'sub')), path.join(fixture('nested'), 'wrangler.toml'));
  });

  test('no config file found, or a configPath that does not exist', () => {
    const empty = workerDir({ 'README.md': 'nothing here' });
    assertConfigError({ cwd: empty }, /No configuration file found in .* \(looked for wrangler\.json, wrangler\.jsonc, wrangler\.toml\)/);
    assertConfigError({ cwd: empty, configPath: 'wrangler.toml' }, /wrangler\.toml: could not read configuration file \(file not found\)/);
    assertConfigError({ cwd: empty, configPath: 'config.yaml' }, /unsupported configuration file type "\.yaml"/);
  });
});

describe('syntax errors carry file:line:column', () => {
  test('TOML', () => {
    const dir = workerDir({ 'wrangler.toml': 'name = "w"\nmain = "src/index.js"\ncompatibility_date = \n', ...ENTRY });
    assertConfigError({ cwd: dir }, /^wrangler\.toml:3:\d+: TOML syntax error/);
  });

  test('JSON', () => {
    const dir = workerDir({ 'wrangler.json': '{\n  "name": "w",\n  "main": }\n', ...ENTRY });
    assertConfigError({ cwd: dir }, /^wrangler\.json:3:11: JSON syntax error: ValueExpected/);
  });

  test('JSONC', () => {
    const dir = workerDir({ 'wrangler.jsonc': '// c\n{\n  "name": "w"\n  "main": "x"\n}\n', ...ENTRY });
    assertConfigError({ cwd: dir }, /^wrangler\.jsonc:4:3: JSON syntax error: CommaExpected/);
  });

  test('a config that is not a table', () => {
    const dir = workerDir({ 'wrangler.json': '[1, 2]', ...ENTRY });
    assertConfigError({ cwd: dir }, /wrangler\.json: the configuration must be an object/);
  });
});

describe('environments', () => {
  const dir = fixture('envs');

  test('without env the top level is used as is', () => {
    const config = loadConfig({ cwd: dir });
    assert.equal(config.name, 'shop');
    assert.equal(config.env, null);
    assert.deepEqual(config.kvNamespaces, [{ binding: 'CACHE', id: 'top-kv' }]);
    assert.deepEqual(config.warnings, []);
  });

  test('inheritable keys are inherited, the name gets the env suffix', () => {
    const config = loadConfig({ cwd: dir, env: 'staging' });
    assert.equal(config.name, 'shop-staging');
    assert.equal(config.env, 'staging');
    assert.equal(config.main, path.join(dir, 'src/index.js'));
    assert.equal(config.compatibilityDate, '2024-09-23');
    assert.deepEqual(config.compatibilityFlags, ['nodejs_compat']);
    assert.equal(config.workersDev, false);
    assert.equal(config.minify, true);
    assert.deepEqual(config.limits, { cpuMs: 30, subrequests: null });
    assert.deepEqual(config.triggers, { crons: ['0 * * * *'] });
  });

  test('non-inheritable keys are not inherited, with wrangler\'s warnings', () => {
    const config = loadConfig({ cwd: dir, env: 'staging' });
    assert.deepEqual(config.vars, { API_URL: 'https://staging.example.com' });
    assert.deepEqual(config.define, {});
    assert.deepEqual(config.kvNamespaces, []);
    assert.deepEqual(config.d1Databases, []);
    assert.equal(config.raw.kv_namespaces, undefined);
    for (const key of ['define', 'kv_namespaces', 'd1_databases']) {
      assert.ok(
        config.warnings.includes(
          `"${key}" exists at the top level, but not on "env.staging".\n` +
            `This is not what you probably want, since "${key}" is not inherited by environments.\n` +
            `Please add "${key}" to "env.staging".`,
        ),
        `warning for ${key}`,
      );
    }
    assert.ok(
      config.warnings.some((w) => w.startsWith('"vars.DEBUG" exists at the top level, but not on "env.staging.vars".')),
      'a var missing from the env is reported',
    );
    assert.ok(!config.warnings.some((w) => w.includes('"vars.API_URL"')), 'vars present in the env are not reported');
  });

  test('an environment overrides inheritable keys and sets its own name and bindings', () => {
    const config = loadConfig({ cwd: dir, env: 'production' });
    assert.equal(config.name, 'shop-live');
    assert.equal(config.main, path.join(dir, 'prod/index.js'));
    assert.equal(config.compatibilityDate, '2024-10-01');
    assert.equal(config.workersDev, true);
    assert.deepEqual(config.limits, { cpuMs: 100, subrequests: null });
    assert.deepEqual(config.define, { FEATURE: 'false' });
    assert.deepEqual(config.kvNamespaces, [{ binding: 'CACHE', id: 'prod-kv' }]);
    assert.deepEqual(config.d1Databases[0].database_id, 'prod-d1');
    assert.deepEqual(config.warnings, []);
  });

  test('selecting an environment that does not exist names it and lists the defined ones', () => {
    assertConfigError(
      { cwd: dir, env: 'qa' },
      /No environment found in configuration with name "qa"/,
      /"staging", "production"/,
      /wrangler\.toml/,
    );
    assertConfigError({ cwd: fixture('json'), env: 'qa' }, /"qa"/, /defines no environments/);
  });

  test('values set inside an environment are validated under env.<name>', () => {
    const worker = tomlWorker('[env.dev]\nworkers_dev = "yes"\nunknown_thing = 1\nkeep_vars = true\n');
    assertConfigError({ cwd: worker, env: 'dev' }, /wrangler\.toml: "env\.dev\.workers_dev" must be a boolean \(true or false\), got "yes"/);

    const ok = tomlWorker('[env.dev]\nunknown_thing = 1\nkeep_vars = true\n');
    const config = loadConfig({ cwd: ok, env: 'dev' });
    assert.deepEqual(config.warnings, ['Unexpected fields found in env.dev field: "unknown_thing","keep_vars"']);
  });

  test('top-level-only keys (dev, keep_vars) still apply under an environment', () => {
    const worker = tomlWorker('keep_vars = true\n[dev]\nport = 9999\n[env.dev]\n');
    const config = loadConfig({ cwd: worker, env: 'dev' });
    assert.equal(config.dev.port, 9999);
    assert.equal(config.keepVars, true);
  });

  test('an environment name that makes the derived worker name invalid is reported', () => {
    const worker = tomlWorker('[env.Staging]\n');
    assertConfigError({ cwd: worker, env: 'Staging' }, /"name" must be a worker name/, /"w-Staging"/, /environment "Staging"/);
  });
});

describe('unknown keys', () => {
  test('produce wrangler\'s warning and are otherwise ignored', () => {
    const worker = tomlWorker('foo = 1\nbar = "x"\n[limits]\ncpu_ms = 10\nwall_ms = 5\n');
    const config = loadConfig({ cwd: worker });
    assert.deepEqual(config.warnings, [
      'Unexpected fields found in top-level field: "foo","bar"',
      'Unexpected fields found in limits field: "wall_ms"',
    ]);
  });

  test('known but unimplemented keys are accepted silently and returned in raw', () => {
    const worker = tomlWorker('[[hyperdrive]]\nbinding = "H"\nid = "x"\n[ai]\nbinding = "AI"\n[[analytics_engine_datasets]]\nbinding = "AE"\n');
    const config = loadConfig({ cwd: worker });
    assert.deepEqual(config.warnings, []);
    assert.deepEqual(config.raw.hyperdrive, [{ binding: 'H', id: 'x' }]);
    assert.deepEqual(config.raw.ai, { binding: 'AI' });
  });
});

describe('validation errors name the file, the key and the expectation', () => {
  const cases = [
    ['compatibility_date as a number', 'compatibility_date = 123', /wrangler\.toml: "compatibility_date" must be a date string like "\d{4}-\d{2}-\d{2}", got 123/],
    ['compatibility_date unquoted in TOML', 'compatibility_date = 2024-01-01', /"compatibility_date" must be a date string .* got the TOML date 2024-01-01 \(quote it/],
    ['compatibility_date in the wrong format', 'compatibility_date = "23-09-2024"', /"compatibility_date" must be a date string like .*, got "23-09-2024"/],
    ['compatibility_date that is not a real date', 'compatibility_date = "2024-02-30"', /"compatibility_date" must be a real calendar date \(YYYY-MM-DD\), got "2024-02-30"/],
    ['compatibility_flags', 'compatibility_flags = "nodejs_compat"', /"compatibility_flags" must be an array of strings, got "nodejs_compat"/],
    ['compatibility_flags items', 'compatibility_flags = ["ok", 3]', /"compatibility_flags\[1\]" must be a string, got 3/],
    ['name with uppercase letters', 'name = "My Worker"', /"name" must be a worker name made of lowercase letters, digits, dashes and underscores .*got "My Worker"/],
    ['main', 'main = 42', /"main" must be a non-empty string, got 42/],
    ['vars', 'vars = "A=1"', /"vars" must be a table, got "A=1"/],
    ['define values', '[define]\nX = 1', /"define\.X" must be a string, got 1/],
    ['limits.cpu_ms', '[limits]\ncpu_ms = "fast"', /"limits\.cpu_ms" must be a positive integer, got "fast"/],
    ['limits.subrequests', '[limits]\nsubrequests = 0', /"limits\.subrequests" must be a positive integer, got 0/],
    ['rules type', '[[rules]]\ntype = "Wasm"\nglobs = ["**/*.w"]', /"rules\[0\]\.type" must be one of "ESModule", "CommonJS", "CompiledWasm", "Text", "Data", got "Wasm"/],
    ['rules globs', '[[rules]]\ntype = "Text"', /"rules\[0\]\.globs" is required and must be an array of strings, but it is missing/],
    ['rules fallthrough', '[[rules]]\ntype = "Text"\nglobs = ["*.md"]\nfallthrough = "yes"', /"rules\[0\]\.fallthrough" must be a boolean/],
    ['no_bundle', 'no_bundle = "true"', /"no_bundle" must be a boolean \(true or false\), got "true"/],
    ['find_additional_modules', 'find_additional_modules = 1', /"find_additional_modules" must be a boolean/],
    ['base_dir', 'base_dir = false', /"base_dir" must be a string, got false/],
    ['preserve_file_names', 'preserve_file_names = "no"', /"preserve_file_names" must be a boolean/],
    ['triggers.crons', '[triggers]\ncrons = "* * * * *"', /"triggers\.crons" must be an array of strings, got "\* \* \* \* \*"/],
    ['kv_namespaces id', '[[kv_namespaces]]\nbinding = "KV"', /"kv_namespaces\[0\]\.id" is required and must be a non-empty string, but it is missing/],
    ['kv_namespaces binding', '[[kv_namespaces]]\nid = "x"', /"kv_namespaces\[0\]\.binding" is required and must be a string/],
    ['kv_namespaces as a table', '[kv_namespaces]\nbinding = "KV"', /"kv_namespaces" must be an array \(of a table\), got \{"binding":"KV"\}/],
    ['d1_databases', '[[d1_databases]]\nbinding = "DB"', /"d1_databases\[0\]\.database_id" is required/],
    ['r2_buckets', '[[r2_buckets]]\nbinding = "R2"', /"r2_buckets\[0\]\.bucket_name" is required/],
    ['services', '[[services]]\nbinding = "S"', /"services\[0\]\.service" is required/],
    ['durable_objects bindings', '[durable_objects]\nbindings = [{ name = "C" }]', /"durable_objects\.bindings\[0\]\.class_name" is required/],
    ['durable_objects shape', 'durable_objects = []', /"durable_objects" must be a table, got \[\]/],
    ['migrations', '[[migrations]]\nnew_classes = ["C"]', /"migrations\[0\]\.tag" is required/],
    ['queues producers', '[[queues.producers]]\nbinding = "Q"', /"queues\.producers\[0\]\.queue" is required/],
    ['queues consumers', '[[queues.consumers]]\nqueue = "q"\nmax_batch_size = "ten"', /"queues\.consumers\[0\]\.max_batch_size" must be an integer between 1 and 100, got "ten"/],
    ['queues consumers limits', '[[queues.consumers]]\nqueue = "q"\nmax_batch_timeout = 61', /"queues\.consumers\[0\]\.max_batch_timeout" must be a number between 0 and 60, got 61/],
    ['queues producer delay', '[[queues.producers]]\nqueue = "q"\nbinding = "Q"\ndelivery_delay = 43201', /"queues\.producers\[0\]\.delivery_delay" must be an integer between 0 and 43200, got 43201/],
    ['routes', 'routes = [42]', /"routes\[0\]" must be a non-empty string or a table with a "pattern", got 42/],
    ['route object', 'route = { zone_name = "example.com" }', /"route\.pattern" is required/],
    ['route and routes', 'route = "a.com/*"\nroutes = ["b.com/*"]', /"route" and "routes" cannot both be set/],
    ['workers_dev', 'workers_dev = "yes"', /"workers_dev" must be a boolean/],
    ['account_id', 'account_id = 1', /"account_id" must be a string, got 1/],
    ['dev.port', '[dev]\nport = 70000', /"dev\.port" must be an integer between 0 and 65535, got 70000/],
    ['dev.local_protocol', '[dev]\nlocal_protocol = "ftp"', /"dev\.local_protocol" must be one of "http", "https", got "ftp"/],
    ['send_metrics', 'send_metrics = "no"', /"send_metrics" must be a boolean/],
    ['keep_vars', 'keep_vars = 0', /"keep_vars" must be a boolean/],
    ['minify', 'minify = "yes"', /"minify" must be a boolean/],
    ['tsconfig', 'tsconfig = true', /"tsconfig" must be a string/],
    ['node_compat', 'node_compat = "yes"', /"node_compat" must be a boolean/],
    ['upload_source_maps', 'upload_source_maps = 1', /"upload_source_maps" must be a boolean/],
    ['observability', '[observability]\nenabled = "yes"', /"observability\.enabled" must be a boolean/],
    ['logpush', 'logpush = "yes"', /"logpush" must be a boolean/],
    ['placement', '[placement]\nmode = "fast"', /"placement\.mode" must be one of "off", "smart", got "fast"/],
    ['assets', '[assets]\ndirectory = 1', /"assets\.directory" must be a string, got 1/],
    ['build.command', '[build]\ncommand = ["npm", "run"]', /"build\.command" must be a string/],
    ['build.watch_dir', '[build]\nwatch_dir = 3', /"build\.watch_dir" must be a string or an array of strings, got 3/],
  ];

  for (const [label, toml, pattern] of cases) {
    test(label, () => {
      // Later keys in TOML override nothing: put the case's lines in a fresh file.
      const base = { name: 'name = "w"', main: 'main = "src/index.js"', compatibility_date: 'compatibility_date = "2024-09-23"' };
      const overridden = Object.keys(base).filter((key) => toml.startsWith(`${key} =`));
      const lines = Object.entries(base).filter(([key]) => !overridden.includes(key)).map(([, line]) => line);
      const dir = workerDir({ 'wrangler.toml': `${lines.join('\n')}\n${toml}\n`, ...ENTRY });
      assertConfigError({ cwd: dir }, pattern, /^wrangler\.toml: /);
    });
  }

  test('JSON configs report the same way', () => {
    const dir = workerDir({
      'wrangler.jsonc': '{ "name": "w", "main": "src/index.js", "compatibility_date": "2024-09-23", "kv_namespaces": [{ "binding": 7, "id": "x" }] }',
      ...ENTRY,
    });
    assertConfigError({ cwd: dir }, /^wrangler\.jsonc: "kv_namespaces\[0\]\.binding" must be a string, got 7/);
  });

  test('all errors are collected into one ConfigError', () => {
    const dir = tomlWorker('workers_dev = "no"\nminify = 1\n');
    const error = assertConfigError({ cwd: dir }, /"workers_dev"/, /"minify"/);
    assert.equal(error.errors.length, 2);
    assert.equal(error.file, 'wrangler.toml');
  });

  test('the file is named relative to cwd when it is elsewhere', () => {
    const dir = tomlWorker('minify = 1');
    assertConfigError({ cwd: path.dirname(dir), configPath: path.join(path.basename(dir), 'wrangler.toml') }, new RegExp(`^${path.basename(dir)}/wrangler\\.toml: "minify"`));
  });
});

describe('compatibility_date', () => {
  test('a date in the future is an error worded like wrangler\'s', () => {
    const tomorrow = utcDate(1);
    const dir = workerDir({ 'wrangler.toml': `main = "src/index.js"\ncompatibility_date = "${tomorrow}"\n`, ...ENTRY });
    assertConfigError({ cwd: dir }, new RegExp(`wrangler\\.toml: "compatibility_date" is "${tomorrow}": Compatibility date "${tomorrow}" is in the future and unsupported`));
  });

  test('today (UTC) is accepted', () => {
    const today = utcDate(0);
    const dir = workerDir({ 'wrangler.toml': `main = "src/index.js"\ncompatibility_date = "${today}"\n`, ...ENTRY });
    assert.equal(loadConfig({ cwd: dir }).compatibilityDate, today);
  });

  test('a missing compatibility_date defaults to today with a warning', () => {
    const dir = workerDir({ 'wrangler.toml': 'main = "src/index.js"\n', ...ENTRY });
    const config = loadConfig({ cwd: dir });
    assert.equal(config.compatibilityDate, utcDate(0));
    assert.equal(config.warnings.length, 1);
    assert.match(config.warnings[0], /^No compatibility_date was specified\. Using today's date: \d{4}-\d{2}-\d{2}\./);
    assert.equal(config.name, null);
  });
});

describe('entry point', () => {
  test('missing main is an error', () => {
    const dir = workerDir({ 'wrangler.toml': 'name = "w"\ncompatibility_date = "2024-09-23"\n' });
    assertConfigError({ cwd: dir }, /^wrangler\.toml: Missing entry-point: The entry-point should be specified via the command line .* or the `main` config field\./);
  });

  test('main pointing at a file that does not exist is an error', () => {
    const dir = workerDir({ 'wrangler.toml': 'name = "w"\nmain = "src/missing.ts"\ncompatibility_date = "2024-09-23"\n' });
    assertConfigError({ cwd: dir }, /wrangler\.toml: "main" points to "src\/missing\.ts", which does not exist/);
  });
});

describe('paths and overrides', () => {
  test('main, base_dir, tsconfig, migrations_dir, assets and build paths resolve from the config directory', () => {
    const dir = workerDir({
      'wrangler.toml': [
        'main = "src/index.js"',
        'compatibility_date = "2024-09-23"',
        'base_dir = "src"',
        'tsconfig = "tsconfig.worker.json"',
        '[[d1_databases]]\nbinding = "DB"\ndatabase_id = "x"',
        '[assets]\ndirectory = "public"',
        '[build]\ncommand = "make"\ncwd = "tools"\nwatch_dir = ["src", "lib"]',
      ].join('\n'),
      ...ENTRY,
    });
    // Load from somewhere else entirely: nothing may depend on process.cwd().
    const config = loadConfig({ configPath: path.join(dir, 'wrangler.toml'), cwd: tmpdir() });
    assert.equal(config.main, path.join(dir, 'src/index.js'));
    assert.equal(config.baseDir, path.join(dir, 'src'));
    assert.equal(config.tsconfig, path.join(dir, 'tsconfig.worker.json'));
    assert.equal(config.d1Databases[0].migrations_dir, path.join(dir, 'migrations'));
    assert.equal(config.assets.directory, path.join(dir, 'public'));
    assert.deepEqual(config.build, {
      command: 'make',
      cwd: path.join(dir, 'tools'),
      watchDir: [path.join(dir, 'src'), path.join(dir, 'lib')],
    });
  });

  test('a main from the command line is relative to cwd and overrides the config', () => {
    const dir = tomlWorker('', { 'other/worker.js': 'export default {};' });
    const config = loadConfig({ cwd: dir, main: 'other/worker.js' });
    assert.equal(config.main, path.join(dir, 'other/worker.js'));
    assert.equal(config.baseDir, path.join(dir, 'other'));
    assert.equal(config.name, 'w');

    const noMain = workerDir({ 'wrangler.toml': 'compatibility_date = "2024-09-23"\n', ...ENTRY });
    assert.equal(loadConfig({ cwd: noMain, main: 'src/index.js' }).main, path.join(noMain, 'src/index.js'));
    assertConfigError({ cwd: noMain, main: 'src/nope.js' }, /The entry-point file at .*src\/nope\.js" was not found/);
  });

  test('with a main from the command line, no config file is needed', () => {
    const dir = workerDir({ ...ENTRY, '.dev.vars': 'TOKEN=t\n' });
    const config = loadConfig({ cwd: dir, main: 'src/index.js' });
    assert.equal(config.configPath, null);
    assert.equal(config.rootDir, dir);
    assert.equal(config.name, null);
    assert.equal(config.compatibilityDate, utcDate(0));
    assert.deepEqual(config.secrets, { TOKEN: 't' });
    assert.match(config.warnings[0], /No compatibility_date was specified/);
  });

  test('base_dir defaults to the directory of main', () => {
    const config = loadConfig({ cwd: fixture('json') });
    assert.equal(config.baseDir, path.join(fixture('json'), 'src'));
  });

  test('the noBundle argument overrides no_bundle, and find_additional_modules follows it', () => {
    const dir = tomlWorker('no_bundle = false');
    assert.equal(loadConfig({ cwd: dir }).noBundle, false);
    const forced = loadConfig({ cwd: dir, noBundle: true });
    assert.equal(forced.noBundle, true);
    assert.equal(forced.findAdditionalModules, true);

    const unbundled = tomlWorker('no_bundle = true\nfind_additional_modules = false');
    assert.equal(loadConfig({ cwd: unbundled }).findAdditionalModules, false);
    assert.equal(loadConfig({ cwd: unbundled, noBundle: false }).noBundle, false);
  });

  test('a single route becomes the routes list', () => {
    const config = loadConfig({ cwd: tomlWorker('route = "example.com/*"') });
    assert.deepEqual(config.routes, ['example.com/*']);
  });
});

describe('.dev.vars and .env', () => {
  test('.dev.vars is returned as secrets', () => {
    const dir = tomlWorker('[env.staging]\n[env.qa]', {
      '.dev.vars': '# shared\nAPI_KEY=dev-key\nDB_PASSWORD="p@ss # not a comment"\n',
      '.dev.vars.staging': 'API_KEY=staging-key\n',
      '.env': 'FROM_DOT_ENV=yes\n',
    });
    const config = loadConfig({ cwd: dir });
    assert.deepEqual(config.secrets, { API_KEY: 'dev-key', DB_PASSWORD: 'p@ss # not a comment' });
    assert.deepEqual(config.secretFiles, [path.join(dir, '.dev.vars')]);
  });

  test('.dev.vars.<env> takes precedence and .dev.vars is then ignored', () => {
    const dir = tomlWorker('[env.staging]\n[env.qa]', {
      '.dev.vars': 'API_KEY=dev-key\nONLY_IN_SHARED=1\n',
      '.dev.vars.staging': 'API_KEY=staging-key\n',
    });
    assert.deepEqual(loadConfig({ cwd: dir, env: 'staging' }).secrets, { API_KEY: 'staging-key' });
    // An environment without its own file falls back to .dev.vars.
    assert.deepEqual(loadConfig({ cwd: dir, env: 'qa' }).secrets, { API_KEY: 'dev-key', ONLY_IN_SHARED: '1' });
  });

  test('.env files are used only when there is no .dev.vars file, later ones overriding', () => {
    const dir = tomlWorker('[env.staging]', {
      '.env': 'A=from-env\nB=from-env\nC=from-env\nD=from-env\n',
      '.env.local': 'B=from-env-local\n',
      '.env.staging': 'C=from-env-staging\nD=from-env-staging\n',
      '.env.staging.local': 'D=from-env-staging-local\n',
    });
    assert.deepEqual(loadConfig({ cwd: dir }).secrets, { A: 'from-env', B: 'from-env-local', C: 'from-env', D: 'from-env' });
    const staging = loadConfig({ cwd: dir, env: 'staging' });
    assert.deepEqual(staging.secrets, {
      A: 'from-env',
      B: 'from-env-local',
      C: 'from-env-staging',
      D: 'from-env-staging-local',
    });
    assert.equal(staging.secretFiles.length, 4);
  });

  test('CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV=false turns .env loading off', () => {
    const dir = workerDir({ '.env': 'A=1\n' });
    assert.deepEqual(loadDevSecrets(dir, undefined, {}).secrets, { A: '1' });
    assert.deepEqual(loadDevSecrets(dir, undefined, { CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: 'false' }), { secrets: {}, files: [] });
  });

  test('no secrets files gives an empty object', () => {
    const config = loadConfig({ cwd: tomlWorker() });
    assert.deepEqual(config.secrets, {});
    assert.deepEqual(config.secretFiles, []);
  });
});

describe('dotenv parsing', () => {
  test('basic assignments, blanks, comments and export prefix', () => {
    const parsed = parseDotenv([
      '# a comment',
      '',
      'PLAIN=value',
      'SPACED = spaced value  ',
      'export EXPORTED=yes',
      'INLINE=abc # trailing comment',
      'HASH_NO_SPACE=abc#def',
      'EMPTY=',
      'EMPTY_QUOTED=""',
      'YAML_STYLE: colon',
      'DOTTED.KEY-1=ok',
      'not an assignment',
      '   # indented comment',
    ].join('\n'));
    assert.deepEqual(parsed, {
      PLAIN: 'value',
      SPACED: 'spaced value',
      EXPORTED: 'yes',
      INLINE: 'abc',
      HASH_NO_SPACE: 'abc',
      EMPTY: '',
      EMPTY_QUOTED: '',
      YAML_STYLE: 'colon',
      'DOTTED.KEY-1': 'ok',
    });
  });

  test('quotes: single, double and backtick; escapes only in double quotes', () => {
    const parsed = parseDotenv([
      `SINGLE='it is # kept'`,
      'DOUBLE="line1\\nline2"',
      `SINGLE_ESCAPE='line1\\nline2'`,
      'BACKTICK=`has "double" and \'single\'`',
      'PADDED="  keep spaces  "',
      'QUOTED_COMMENT="value" # comment after the quote',
      'GARBAGE="value"extra',
      'UNTERMINATED="no end',
    ].join('\n'));
    assert.equal(parsed.SINGLE, 'it is # kept');
    assert.equal(parsed.DOUBLE, 'line1\nline2');
    assert.equal(parsed.SINGLE_ESCAPE, 'line1\\nline2');
    assert.equal(parsed.BACKTICK, `has "double" and 'single'`);
    assert.equal(parsed.PADDED, '  keep spaces  ');
    assert.equal(parsed.QUOTED_COMMENT, 'value');
    assert.equal(parsed.GARBAGE, '"value"extra', 'text after a closing quote makes the value unquoted (as dotenv does)');
    assert.equal(parsed.UNTERMINATED, '"no end', 'an unterminated quote is taken literally');
  });

  test('multi-line quoted values', () => {
    const parsed = parseDotenv('KEY="-----BEGIN-----\nabc\n-----END-----"\nNEXT=1\nSINGLE=\'a\nb\'\n');
    assert.equal(parsed.KEY, '-----BEGIN-----\nabc\n-----END-----');
    assert.equal(parsed.NEXT, '1');
    assert.equal(parsed.SINGLE, 'a\nb');
  });

  test('escaped quotes do not end a value; CRLF, BOM and duplicate keys', () => {
    assert.equal(parseDotenv('A="say \\"hi\\""').A, 'say \\"hi\\"');
    assert.deepEqual(parseDotenv('\uFEFFA=1\r\nB="x\r\ny"\r\nA=2\r\n'), { A: '2', B: 'x\ny' });
  });
});

describe('storage bindings', () => {
  test('a name used by two bindings, or by a var and a binding, is refused naming both', () => {
    const dir = tomlWorker('[vars]\nDB = "x"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_id = "d"\n\n[[kv_namespaces]]\nbinding = "KV"\nid = "k"\n\n[[r2_buckets]]\nbinding = "KV"\nbucket_name = "b"\n');
    const error = assertConfigError({ cwd: dir }, /"DB" is used more than once \(vars, d1_databases\)/);
    assert.match(error.message, /"KV" is used more than once \(kv_namespaces, r2_buckets\)/);
  });

  test('a binding without its id is refused, naming the key', () => {
    assertConfigError({ cwd: tomlWorker('[[kv_namespaces]]\nbinding = "KV"\n') }, /kv_namespaces/, /id/);
    assertConfigError({ cwd: tomlWorker('[[d1_databases]]\nbinding = "DB"\ndatabase_name = "x"\n') }, /d1_databases/, /database_id/);
    assertConfigError({ cwd: tomlWorker('[[r2_buckets]]\nbinding = "B"\n') }, /r2_buckets/, /bucket_name/);
  });

  test('storage commands read a config without main', () => {
    const dir = workerDir({ 'wrangler.toml': 'name = "w"\n[[kv_namespaces]]\nbinding = "KV"\nid = "k"\n' });
    assertConfigError({ cwd: dir }, /Missing entry-point/);
    assert.deepEqual(loadConfig({ cwd: dir, needsEntry: false }).kvNamespaces, [{ binding: 'KV', id: 'k' }]);
  });
});
