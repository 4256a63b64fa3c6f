import * as esbuild from 'esbuild';

/**
 * Thrown when a worker cannot be built: syntax errors, unresolved imports,
 * module rule problems, or a bundle over the size limit.
 * `messages` holds esbuild's structured messages when the failure came from esbuild.
 */
export class BundleError extends Error {
  constructor(message, { messages = [] } = {}) {
    super(message);
    this.name = 'BundleError';
    this.messages = messages;
  }
}

/** Turns an esbuild build failure into a BundleError with file:line:column frames. */
export async function toBundleError(err) {
  if (err instanceof BundleError) return err;
  if (!Array.isArray(err?.errors) || err.errors.length === 0) {
    return new BundleError(`Build failed: ${err?.message ?? err}`);
  }
  const text = await formatMessages(err.errors, 'error');
  const count = err.errors.length;
  return new BundleError(`Build failed with ${count} error${count === 1 ? '' : 's'}:\n${text.join('\n')}`, {
    messages: err.errors,
  });
}

/** esbuild's own rendering of messages (with code frames), without colors. */
export async function formatMessages(messages, kind) {
  if (messages.length === 0) return [];
  const formatted = await esbuild.formatMessages(messages, { kind, color: false, terminalWidth: 100 });
  return formatted.map((m) => m.trimEnd());
}
