// `outpost r2` (not built yet).
import { UsageError } from './args.js';

export async function run() {
  throw new UsageError('outpost r2: not built yet.');
}
