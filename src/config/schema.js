// A tiny validator combinator library plus the shape of every wrangler key we check.
//
// A schema is a function `(ctx, path, value) => boolean` with an `expected` text
// ("a string", "an array of strings", ...). Failures are pushed to `ctx.errors` as
//   <file>: "<key path>" must be <expected>, got <value>
// and unknown nested fields are pushed to `ctx.warnings` in wrangler's wording.

/** Renders a config value for an error message. */
export function show(value) {
  if (value === undefined) return 'nothing';
  if (value instanceof Date) {
    // smol-toml turns unquoted `2024-01-01` into a date object: a common slip.
    return `the TOML date ${value.toISOString()} (quote it to make it a string)`;
  }
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function fail(ctx, path, expected, value) {
  ctx.errors.push(`${ctx.file}: "${path}" must be ${expected}, got ${show(value)}`);
  return false;
}

function schema(expected, check) {
  check.expected = expected;
  return check;
}

export const isPlainObject = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

export const t = {
  any: () => schema('any value', () => true),

  string: ({ nonEmpty = false } = {}) =>
    schema(nonEmpty ? 'a non-empty string' : 'a string', (ctx, path, v) =>
      (typeof v === 'string' && (!nonEmpty || v.length > 0)) || fail(ctx, path, nonEmpty ? 'a non-empty string' : 'a string', v),
    ),

  boolean: () => schema('a boolean (true or false)', (ctx, path, v) => typeof v === 'boolean' || fail(ctx, path, 'a boolean (true or false)', v)),

  integer: ({ min = -Infinity, max = Infinity } = {}) => {
    const expected = rangeText('an integer', min, max);
    return schema(expected, (ctx, path, v) =>
      (Number.isInteger(v) && v >= min && v <= max) || fail(ctx, path, expected, v),
    );
  },

  number: ({ min = -Infinity, max = Infinity } = {}) => {
    const expected = rangeText('a number', min, max);
    return schema(expected, (ctx, path, v) =>
      (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) || fail(ctx, path, expected, v),
    );
  },

  oneOf: (choices) => {
    const expected = `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`;
    return schema(expected, (ctx, path, v) => choices.includes(v) || fail(ctx, path, expected, v));
  },

  array: (item) => {
    const expected = item.expected === 'a string' ? 'an array of strings' : `an array (of ${item.expected})`;
    return schema(expected, (ctx, path, v) => {
      if (!Array.isArray(v)) return fail(ctx, path, expected, v);
      let ok = true;
      v.forEach((el, i) => {
        ok = item(ctx, `${path}[${i}]`, el) && ok;
      });
      return ok;
    });
  },

  /** A table whose keys are free-form and whose values all match `value`. */
  record: (value) => {
    const expected = value.expected === 'any value' ? 'a table' : `a table of ${plural(value.expected)}`;
    return schema(expected, (ctx, path, v) => {
      if (!isPlainObject(v)) return fail(ctx, path, expected, v);
      let ok = true;
      for (const [key, el] of Object.entries(v)) ok = value(ctx, `${path}.${key}`, el) && ok;
      return ok;
    });
  },

  /**
   * A table with known fields. `required` fields must be present; unknown fields
   * produce wrangler's "Unexpected fields" warning unless `open` is set.
   */
  object: (fields, { required = [], open = false, expected = 'a table' } = {}) =>
    schema(expected, (ctx, path, v) => {
      if (!isPlainObject(v)) return fail(ctx, path, expected, v);
      let ok = true;
      for (const key of required) {
        if (v[key] === undefined) {
          ctx.errors.push(`${ctx.file}: "${path}.${key}" is required and must be ${fields[key].expected}, but it is missing`);
          ok = false;
        }
      }
      for (const [key, el] of Object.entries(v)) {
        if (fields[key]) ok = fields[key](ctx, `${path}.${key}`, el) && ok;
      }
      if (!open) warnUnexpected(ctx, path, Object.keys(v), Object.keys(fields));
      return ok;
    }),

  union: (...options) => {
    const expected = options.map((o) => o.expected).join(' or ');
    return schema(expected, (ctx, path, v) => {
      for (const option of options) {
        const probe = { file: ctx.file, errors: [], warnings: [] };
        if (option(probe, path, v)) {
          ctx.warnings.push(...probe.warnings);
          return true;
        }
      }
      // Report the specific problem if the value had the right basic type for one option.
      const typed = options.find((o) => sameKind(o, v));
      return typed ? typed(ctx, path, v) : fail(ctx, path, expected, v);
    });
  },

  custom: (expected, check) => schema(expected, check),
};

/** wrangler's wording for unknown keys, e.g. `Unexpected fields found in top-level field: "foo"`. */
export function warnUnexpected(ctx, fieldPath, keys, known) {
  const unknown = keys.filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    ctx.warnings.push(`Unexpected fields found in ${fieldPath} field: ${unknown.map((k) => `"${k}"`).join(',')}`);
  }
}

function sameKind(option, v) {
  const e = option.expected;
  if (Array.isArray(v)) return e.startsWith('an array');
  if (isPlainObject(v)) return e.startsWith('a table');
  return false;
}

function rangeText(base, min, max) {
  if (min === 1 && max === Infinity) return base === 'an integer' ? 'a positive integer' : 'a positive number';
  if (min === 0 && max === Infinity) return `${base} >= 0`;
  if (min > -Infinity && max < Infinity) return `${base} between ${min} and ${max}`;
  return base;
}

function plural(expected) {
  return expected.replace(/^an? /, '') + 's';
}

// ---------------------------------------------------------------------------
// The shapes of wrangler's keys.

const str = t.string();
const bool = t.boolean();
const strings = t.array(str);

export const RULE_TYPES = ['ESModule', 'CommonJS', 'CompiledWasm', 'Text', 'Data'];

const rule = t.object(
  { type: t.oneOf(RULE_TYPES), globs: strings, fallthrough: bool },
  { required: ['type', 'globs'] },
);

const route = t.union(
  t.string({ nonEmpty: true }),
  t.object(
    { pattern: str, zone_id: str, zone_name: str, custom_domain: bool },
    { required: ['pattern'], expected: 'a table with a "pattern"' },
  ),
);

const remote = bool;

const kvNamespace = t.object(
  { binding: str, id: t.string({ nonEmpty: true }), preview_id: str, remote },
  { required: ['binding', 'id'] },
);

const d1Database = t.object(
  {
    binding: str,
    database_id: t.string({ nonEmpty: true }),
    database_name: str,
    preview_database_id: str,
    migrations_dir: str,
    migrations_table: str,
    database_internal_env: str,
    remote,
  },
  { required: ['binding', 'database_id'] },
);

const r2Bucket = t.object(
  { binding: str, bucket_name: t.string({ nonEmpty: true }), preview_bucket_name: str, jurisdiction: str, remote },
  { required: ['binding', 'bucket_name'] },
);

const service = t.object(
  { binding: str, service: t.string({ nonEmpty: true }), environment: str, entrypoint: str, props: t.record(t.any()), remote },
  { required: ['binding', 'service'] },
);

const durableObjectBinding = t.object(
  { name: str, class_name: t.string({ nonEmpty: true }), script_name: str, environment: str },
  { required: ['name', 'class_name'] },
);

const migration = t.object(
  {
    tag: t.string({ nonEmpty: true }),
    new_classes: strings,
    new_sqlite_classes: strings,
    deleted_classes: strings,
    renamed_classes: t.array(t.object({ from: str, to: str }, { required: ['from', 'to'] })),
    transferred_classes: t.array(
      t.object({ from: str, from_script: str, to: str }, { required: ['from', 'from_script', 'to'] }),
    ),
  },
  { required: ['tag'] },
);

const queueProducer = t.object(
  { binding: str, queue: t.string({ nonEmpty: true }), delivery_delay: t.integer({ min: 0, max: 43200 }), remote },
  { required: ['binding', 'queue'] },
);

const queueConsumer = t.object(
  {
    queue: t.string({ nonEmpty: true }),
    type: str,
    // Cloudflare's limits.
    max_batch_size: t.integer({ min: 1, max: 100 }),
    max_batch_timeout: t.number({ min: 0, max: 60 }),
    max_retries: t.integer({ min: 0, max: 100 }),
    dead_letter_queue: str,
    max_concurrency: t.union(t.integer({ min: 1, max: 250 }), t.custom('null', (ctx, p, v) => v === null)),
    retry_delay: t.integer({ min: 0, max: 43200 }),
    visibility_timeout_ms: t.integer({ min: 0 }),
  },
  { required: ['queue'] },
);

const port = t.integer({ min: 0, max: 65535 });

/**
 * Validators for every key this project reads. Keys not listed here but known to
 * wrangler are accepted without checks (see KNOWN_KEYS in keys.js).
 */
export const KEY_SCHEMAS = {
  $schema: str,
  name: str, // format checked separately (see validateName)
  main: t.string({ nonEmpty: true }),
  compatibility_date: str, // format checked separately
  compatibility_flags: strings,
  account_id: str,
  vars: t.record(t.any()),
  define: t.record(str),
  alias: t.record(str),
  limits: t.object({ cpu_ms: t.integer({ min: 1 }), subrequests: t.integer({ min: 1 }) }),
  rules: t.array(rule),
  no_bundle: bool,
  find_additional_modules: bool,
  base_dir: str,
  preserve_file_names: bool,
  triggers: t.object({ crons: strings }),
  kv_namespaces: t.array(kvNamespace),
  d1_databases: t.array(d1Database),
  r2_buckets: t.array(r2Bucket),
  services: t.array(service),
  durable_objects: t.object({ bindings: t.array(durableObjectBinding) }, { required: ['bindings'] }),
  migrations: t.array(migration),
  queues: t.object({ producers: t.array(queueProducer), consumers: t.array(queueConsumer) }),
  routes: t.array(route),
  route,
  workers_dev: bool,
  preview_urls: bool,
  dev: t.object({
    ip: str,
    port,
    inspector_port: port,
    local_protocol: t.oneOf(['http', 'https']),
    upstream_protocol: t.oneOf(['http', 'https']),
    host: str,
    enable_containers: bool,
    container_engine: t.any(),
    generate_types: bool,
  }),
  legacy_env: bool,
  send_metrics: bool,
  keep_vars: bool,
  minify: bool,
  keep_names: bool,
  tsconfig: str,
  jsx_factory: str,
  jsx_fragment: str,
  node_compat: bool,
  upload_source_maps: bool,
  logpush: bool,
  observability: t.object(
    {
      enabled: bool,
      head_sampling_rate: t.number({ min: 0, max: 1 }),
      logs: t.object(
        { enabled: bool, head_sampling_rate: t.number({ min: 0, max: 1 }), invocation_logs: bool },
        { open: true },
      ),
      traces: t.object({ enabled: bool, head_sampling_rate: t.number({ min: 0, max: 1 }) }, { open: true }),
    },
    { open: true },
  ),
  placement: t.object({ mode: t.oneOf(['off', 'smart']), hint: str }, { required: ['mode'] }),
  assets: t.object({
    directory: str,
    binding: str,
    html_handling: t.oneOf(['auto-trailing-slash', 'force-trailing-slash', 'drop-trailing-slash', 'none']),
    not_found_handling: t.oneOf(['single-page-application', '404-page', 'none']),
    run_worker_first: t.union(bool, strings),
  }),
  build: t.object({ command: str, cwd: str, watch_dir: t.union(str, strings) }),
};
