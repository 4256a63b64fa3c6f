// Bodies stream through the server without being buffered whole: a large upload or download
// raises the server's memory by a bounded amount, not by the body's size. (The bound is what
// chunk copies awaiting garbage collection take, about 70-100 MiB whatever the body's size.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../helpers/worker.js';
import { MiB, peakRssGrowth, streamUpload } from '../helpers/large-bodies.js';

const TOTAL = 512 * MiB;
// Well under the body's size (buffering it would take at least 512 MiB); GC timing makes the
// actual growth vary between about 70 and 130 MiB when other suites run alongside.
const BOUND_MIB = 192;

test(`a ${TOTAL / MiB} MiB upload is streamed into the worker, not buffered`, async () => {
  const w = await startWorker(`export default { async fetch(request) {
    let bytes = 0;
    for await (const chunk of request.body) bytes += chunk.byteLength;
    return new Response(String(bytes));
  } };`);
  try {
    let answer = '';
    const growth = await peakRssGrowth(async () => {
      answer = (await streamUpload(`${w.url}/`, TOTAL, { method: 'POST' })).text;
    });
    assert.equal(answer, String(TOTAL));
    assert.ok(growth < BOUND_MIB, `server memory grew by ${growth.toFixed(1)} MiB`);
  } finally {
    await w.dispose();
  }
});

test(`a ${TOTAL / MiB} MiB streamed response is sent as it is produced, not buffered`, async () => {
  const w = await startWorker(`export default { fetch() {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(1);
    return new Response(new ReadableStream({
      pull(controller) {
        if (sent >= ${TOTAL}) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk.slice());
      },
    }));
  } };`);
  try {
    let received = 0;
    const growth = await peakRssGrowth(async () => {
      const res = await w.fetch('/');
      for await (const part of res.body) received += part.byteLength;
    });
    assert.equal(received, TOTAL);
    assert.ok(growth < BOUND_MIB, `server memory grew by ${growth.toFixed(1)} MiB`);
  } finally {
    await w.dispose();
  }
});
