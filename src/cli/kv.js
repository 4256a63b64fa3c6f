// `outpost kv` (not built yet).
import { UsageError } from './args.js';

export async function run() {
  throw new UsageError('outpost kv: not built yet.');
}
