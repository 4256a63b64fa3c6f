// Compatibility dates and flags: which behaviours a worker gets, as Workers decides them.
//
// Outpost honours the flags in HONOURED (they change what the worker sees). The flags in
// ACCEPTED name behaviours Outpost always has (or has no counterpart for on one machine): they are
// accepted without a warning and change nothing. Any other flag warns.

// Flag → [its opposite, the compatibility date from which it is on by default (or null)].
const HONOURED = {
  nodejs_compat: ['no_nodejs_compat', '2026-08-04'],
  nodejs_compat_v2: ['no_nodejs_compat_v2', '2026-08-04'],
  nodejs_als: ['no_nodejs_als', null],
  nodejs_compat_populate_process_env: ['nodejs_compat_do_not_populate_process_env', '2025-04-01'],
};

const ACCEPTED = new Set([
  'formdata_parser_supports_files', 'fetch_refuses_unknown_protocols', 'durable_object_fetch_requires_full_url',
  'streams_enable_constructors', 'transformstream_enable_standard_constructor', 'global_navigator', 'url_standard',
  'export_commonjs_default', 'web_socket_compression', 'rpc', 'fetcher_no_get_put_delete', 'allow_custom_ports',
  'global_fetch_strictly_public', 'brotli_content_encoding', 'html_rewriter_treats_esi_include_as_html',
  'response_json', 'strict_compression_checks', 'strict_crypto_checks', 'minimal_subrequests',
  'no_cots_on_external_fetch', 'structured_clone_cross_realm', 'enable_request_signal', 'nodejs_zlib',
  'expose_global_message_channel', 'queues_json_messages', 'service_binding_extra_handlers',
  'upper_case_all_http_methods', 'cache_option_enabled', 'no_handle_cross_request_promise_resolution',
]);

const OPPOSITES = new Map(Object.entries(HONOURED).map(([flag, [opposite]]) => [opposite, flag]));

/**
 * @param {string} date compatibility_date (YYYY-MM-DD)
 * @param {string[]} flags compatibility_flags
 * @returns {{ nodejsCompat: boolean, nodejsAls: boolean, populateProcessEnv: boolean, warnings: string[] }}
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
    else if (!ACCEPTED.has(flag) && !ACCEPTED.has(flag.replace(/^no_/, ''))) warnings.push(`Unknown compatibility flag "${flag}": it is ignored.`);
  }
  for (const [flag, [opposite]] of Object.entries(HONOURED)) {
    if (flags.includes(flag) && flags.includes(opposite)) warnings.push(`The compatibility flags "${flag}" and "${opposite}" contradict each other; "${opposite}" wins.`);
  }
  const nodejsCompat = on.nodejs_compat || on.nodejs_compat_v2;
  return {
    nodejsCompat,
    // AsyncLocalStorage alone (node:async_hooks) without the rest of Node.js compatibility.
    nodejsAls: nodejsCompat || on.nodejs_als,
    populateProcessEnv: nodejsCompat && on.nodejs_compat_populate_process_env,
    warnings,
  };
}
