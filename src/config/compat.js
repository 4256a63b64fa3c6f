// Compatibility dates and flags: which behaviours a worker gets, as Workers decides them.
//
// Outpost honours the flags in HONOURED (they change what the worker sees). The flags in ALWAYS
// name behaviours Outpost always has, whatever the date (a test named after each flag shows it):
// they are accepted without a warning, and the flag that would turn one off warns, as Outpost
// cannot honour it. The flags in CLOUDFLARE_ONLY change only how Cloudflare's own network handles
// a worker's subrequests; they have no counterpart on one machine. Any other flag warns.

// Flag → [its opposite, the compatibility date from which it is on by default (or null), and for
// a flag that nodejs_compat turns on (workerd's impliedByAfterDate), the date from which it does].
const HONOURED = {
  nodejs_compat: ['no_nodejs_compat', '2026-08-04'],
  nodejs_compat_v2: ['no_nodejs_compat_v2', '2026-08-04'],
  nodejs_als: ['no_nodejs_als', null],
  nodejs_compat_populate_process_env: ['nodejs_compat_do_not_populate_process_env', '2025-04-01'],
  expose_global_message_channel: ['no_expose_global_message_channel', '2025-08-15'],
  enable_global_performance_classes: ['disable_global_performance_classes', null, '2026-03-17'],
};

// Flag → the flag that turns it off.
const ALWAYS = {
  formdata_parser_supports_files: 'formdata_parser_converts_files_to_strings',
  fetch_refuses_unknown_protocols: 'fetch_treats_unknown_protocols_as_http',
  durable_object_fetch_requires_full_url: 'durable_object_fetch_allows_relative_url',
  streams_enable_constructors: 'streams_disable_constructors',
  transformstream_enable_standard_constructor: 'transformstream_disable_standard_constructor',
  global_navigator: 'no_global_navigator',
  url_standard: 'url_original',
  export_commonjs_default: 'export_commonjs_namespace',
  rpc: 'no_rpc',
  fetcher_no_get_put_delete: 'fetcher_has_get_put_delete',
  allow_custom_ports: 'ignore_custom_ports',
  brotli_content_encoding: 'no_brotli_content_encoding',
  strict_compression_checks: 'no_strict_compression_checks',
  strict_crypto_checks: 'no_strict_crypto_checks',
  nodejs_zlib: 'no_nodejs_zlib',
  queues_json_messages: 'no_queues_json_messages',
  upper_case_all_http_methods: 'no_upper_case_all_http_methods',
  cache_option_enabled: 'cache_option_disabled',
  cache_no_cache_enabled: 'cache_no_cache_disabled',
  enable_navigator_language: 'disable_navigator_language',
};

const CLOUDFLARE_ONLY = new Set([
  'minimal_subrequests', 'no_minimal_subrequests', 'no_cots_on_external_fetch', 'cots_on_external_fetch',
  'global_fetch_strictly_public', 'global_fetch_private_origin',
]);

const TURNED_OFF = new Map(Object.entries(ALWAYS).map(([flag, off]) => [off, flag]));
const OPPOSITES = new Map(Object.entries(HONOURED).map(([flag, [opposite]]) => [opposite, flag]));

/**
 * @param {string} date compatibility_date (YYYY-MM-DD)
 * @param {string[]} flags compatibility_flags
 * @returns {{ nodejsCompat: boolean, nodejsAls: boolean, populateProcessEnv: boolean, globalMessageChannel: boolean, globalPerformanceClasses: boolean, warnings: string[] }}
 */
export function resolveCompatibility(date, flags = []) {
  const warnings = [];
  const on = {};
  for (const [flag, [, since]] of Object.entries(HONOURED)) on[flag] = since !== null && date >= since;
  for (const flag of flags) {
    if (flag in HONOURED) on[flag] = true;
  }
  for (const flag of flags) {
    if (flag in HONOURED) continue;
    if (OPPOSITES.has(flag)) on[OPPOSITES.get(flag)] = false;
    else if (TURNED_OFF.has(flag)) warnings.push(`The compatibility flag "${flag}" is not supported: Outpost always has the behaviour of "${TURNED_OFF.get(flag)}". It is ignored.`);
    else if (!(flag in ALWAYS) && !CLOUDFLARE_ONLY.has(flag)) warnings.push(`Unknown compatibility flag "${flag}": it is ignored.`);
  }
  for (const [flag, [opposite]] of Object.entries(HONOURED)) {
    if (flags.includes(flag) && flags.includes(opposite)) warnings.push(`The compatibility flags "${flag}" and "${opposite}" contradict each other; "${opposite}" wins.`);
  }
  const nodejsCompat = on.nodejs_compat || on.nodejs_compat_v2;
  for (const [flag, [opposite, , withNodejsCompatSince]] of Object.entries(HONOURED)) {
    if (withNodejsCompatSince && nodejsCompat && date >= withNodejsCompatSince && !flags.includes(opposite)) on[flag] = true;
  }
  return {
    nodejsCompat,
    // AsyncLocalStorage alone (node:async_hooks) without the rest of Node.js compatibility.
    nodejsAls: nodejsCompat || on.nodejs_als,
    populateProcessEnv: nodejsCompat && on.nodejs_compat_populate_process_env,
    // MessageChannel and MessagePort as globals.
    globalMessageChannel: on.expose_global_message_channel,
    // performance.mark(), measure(), ... and the Performance* classes as globals.
    globalPerformanceClasses: on.enable_global_performance_classes,
    warnings,
  };
}
