// Polling for what a test waits on.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

// Waits until `predicate()` (or the promise it returns) holds, polling every `every` ms; fails
// after `ms` ms, naming `what` it waited for.
export async function until(predicate, ms = 10_000, what = 'condition', every = 20) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(every);
  }
}
