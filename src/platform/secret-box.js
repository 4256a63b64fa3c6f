// Encryption of secrets at rest: AES-256-GCM under a key that lives outside the data directory
// (given as OUTPOST_SECRETS_KEY, or in a key file), so a copy of the data directory alone
// reveals no secret.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Sealed values start with a version byte, so the format can change later.
const FORMAT = 1;

export class SecretKeyError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

// The default key file: in the user's configuration directory, never in the data directory.
export function defaultKeyFile() {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'outpost', 'secrets.key');
}

// The key from `text` (64 hex digits or 44 base64 characters).
function parseKey(text, source) {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) throw new SecretKeyError(`${source}: expected a 32-byte key (64 hex digits or base64), got ${key.length} bytes`);
  return key;
}

// { key, source, created }: the key from the environment, else from `keyFile` (made, with a new
// random key, when it does not exist). A key file inside `dataDir` is refused.
export function loadSecretKey({ keyFile = defaultKeyFile(), dataDir, env = process.env }) {
  if (env.OUTPOST_SECRETS_KEY) return { key: parseKey(env.OUTPOST_SECRETS_KEY, 'OUTPOST_SECRETS_KEY'), source: 'OUTPOST_SECRETS_KEY', created: false };
  const file = path.resolve(keyFile);
  const relative = path.relative(path.resolve(dataDir), file);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
    throw new SecretKeyError(`The secrets key file ${file} is inside the data directory; keep it elsewhere, so the data alone does not reveal the secrets.`);
  }
  if (existsSync(file)) return { key: parseKey(readFileSync(file, 'utf8'), file), source: file, created: false };
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: file, created: true };
}

export class SecretBox {
  #key;

  constructor(key) {
    this.#key = key;
  }

  seal(text) {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT), iv, cipher.getAuthTag(), body]);
  }

  // The text of a sealed value; a value sealed under another key fails.
  open(sealed) {
    const bytes = Buffer.from(sealed);
    if (bytes[0] !== FORMAT) throw new SecretKeyError('A stored secret has an unknown format.');
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError('A stored secret cannot be decrypted with this server\'s key (was the key changed?).');
    }
  }
}

// A worker's secrets in clear, { NAME: value }, from the store's sealed values.
export function openSecrets(store, secretBox, worker) {
  return Object.fromEntries(store.sealedSecrets(worker).map(({ name, value }) => [name, secretBox.open(value)]));
}
