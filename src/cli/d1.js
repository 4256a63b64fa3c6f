// `outpost d1` (not built yet).
import { UsageError } from './args.js';

export async function run() {
  throw new UsageError('outpost d1: not built yet.');
}
