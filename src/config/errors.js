/**
 * Thrown for any problem with a worker's configuration: a missing or
 * unreadable file, a syntax error, or a value of the wrong shape.
 * `errors` holds every individual problem found (the message joins them).
 */
export class ConfigError extends Error {
  constructor(message, { errors, file } = {}) {
    super(message);
    this.name = 'ConfigError';
    this.errors = errors ?? [message];
    this.file = file;
  }
}
