// Terminal output of the dev server: one coloured line per request, the worker's console output
// and errors.
import pc from 'picocolors';

function statusColor(status) {
  if (status >= 500) return pc.red;
  if (status >= 400) return pc.yellow;
  if (status >= 300) return pc.cyan;
  return pc.green;
}

export function logRequest({ method, path, status, wallMs, cpuMs, aborted }) {
  const line = `${pc.bold(method)} ${path} ${statusColor(status)(String(status))} ${wallMs.toFixed(1)} ms ${pc.dim(`(cpu ${cpuMs.toFixed(1)} ms)`)}${aborted ? pc.yellow(' client disconnected') : ''}`;
  process.stdout.write(`${line}\n`);
}

const LEVEL_STYLE = {
  error: (s) => pc.red(s),
  warn: (s) => pc.yellow(s),
  debug: (s) => pc.dim(s),
};

export function logWorker(level, message) {
  const style = LEVEL_STYLE[level];
  const stream = level === 'error' || level === 'warn' ? process.stderr : process.stdout;
  stream.write(`${style ? style(message) : message}\n`);
}

export function logInfo(message) {
  process.stdout.write(`${message}\n`);
}

export function logWarning(message) {
  process.stderr.write(`${pc.yellow('▲')} ${message}\n`);
}

export function logError(message) {
  process.stderr.write(`${pc.red('✘')} ${message}\n`);
}

// One line per cron run: the expression, whether the handler succeeded, wall and CPU time.
export function logScheduledRun({ cron, ok, wallMs, cpuMs, error }) {
  const result = ok ? pc.green('ok') : pc.red('exception');
  process.stdout.write(`${pc.bold('SCHEDULED')} "${cron}" ${result} ${wallMs.toFixed(1)} ms ${pc.dim(`(cpu ${cpuMs.toFixed(1)} ms)`)}\n`);
  if (error) logWorker('error', String(error.message ?? error));
}

// One line per delivered batch: the queue, how many messages were acknowledged, retried and
// dead-lettered, wall and CPU time.
export function logQueueBatch({ queue, size, acked, retried, deadLettered, wallMs, cpuMs, error }) {
  const counts = `${acked}/${size} acked${retried ? `, ${retried} retried` : ''}${deadLettered ? `, ${deadLettered} dead-lettered` : ''}`;
  process.stdout.write(`${pc.bold('QUEUE')} ${queue} ${(retried || deadLettered ? pc.yellow : pc.green)(counts)} ${wallMs.toFixed(1)} ms ${pc.dim(`(cpu ${cpuMs.toFixed(1)} ms)`)}\n`);
  if (error) logWorker('error', String(error.message ?? error));
}

// One line per Durable Object alarm run.
export function logAlarmRun({ className, id, ok, retryCount, error, gaveUp }) {
  const result = ok ? pc.green('ok') : pc.red(gaveUp ? 'exception, giving up after 6 retries' : 'exception, will retry');
  process.stdout.write(`${pc.bold('ALARM')} ${className} ${id.slice(0, 16)}… ${result}${retryCount ? ` (retry ${retryCount})` : ''}\n`);
  if (error) logWorker('error', String(error.message ?? error));
}
