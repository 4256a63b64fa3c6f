// Streaming throughput: MB/s of bytes produced by a ReadableStream, piped through a
// TransformStream and read to the end, inside a worker; against the same pipeline on Node's own
// web streams in the same process. BENCH_STREAM_MB (default 256) MiB in 64 KiB chunks.
import { Worker } from '../src/runtime/worker.js';
import { GET_REQUEST, envNumber, fmt, isMain, moduleBundle, printTable, readBody } from './lib/common.js';

const CHUNK = 64 * 1024;

// The pipeline, as source text so that the worker and Node run exactly the same code.
const pipeline = (chunks) => `(async () => {
  let produced = 0;
  const source = new ReadableStream({
    pull(controller) {
      if (produced++ === ${chunks}) return controller.close();
      controller.enqueue(new Uint8Array(${CHUNK}));
    },
  });
  const upper = new TransformStream({ transform(chunk, controller) { controller.enqueue(chunk); } });
  let bytes = 0;
  const reader = source.pipeThrough(upper).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
  return bytes;
})()`;

async function timeWorker(chunks) {
  const worker = new Worker({
    name: 'streaming',
    bundle: moduleBundle(`export default { async fetch() { return new Response(String(await ${pipeline(chunks)})); } }`),
    log: () => {},
  }).start();
  try {
    await readBody((await worker.fetch(GET_REQUEST)).body); // warm-up
    const started = performance.now();
    const bytes = Number((await readBody((await worker.fetch(GET_REQUEST)).body)).toString());
    return { bytes, ms: performance.now() - started };
  } finally {
    worker.dispose();
  }
}

async function timeNode(chunks) {
  const run = new Function(`return ${pipeline(chunks)};`);
  await run();
  const started = performance.now();
  const bytes = await run();
  return { bytes, ms: performance.now() - started };
}

export async function run() {
  const mib = envNumber('BENCH_STREAM_MB', 256);
  const chunks = (mib * 1024 * 1024) / CHUNK;
  console.log(`streaming: ${mib} MiB in ${CHUNK / 1024} KiB chunks through a TransformStream`);
  const worker = await timeWorker(chunks);
  const node = await timeNode(chunks);
  for (const result of [worker, node]) {
    if (result.bytes !== chunks * CHUNK) throw new Error(`pipeline carried ${result.bytes} bytes, expected ${chunks * CHUNK}`);
  }
  const rate = ({ ms }) => mib / (ms / 1000);
  printTable('streaming: MiB/s', ['pipeline', 'ms', 'MiB/s'], [
    ['worker (Outpost)', fmt(worker.ms, 0), fmt(rate(worker), 0)],
    ['plain Node', fmt(node.ms, 0), fmt(rate(node), 0)],
  ]);
  const ratio = rate(worker) / rate(node);
  console.log(`ratio worker / Node: ${fmt(ratio)}x`);
  return {
    name: 'streaming',
    figures: { mib, workerMiBps: rate(worker), nodeMiBps: rate(node), ratio },
    summary: [
      { metric: 'worker MiB/s', value: fmt(rate(worker), 0) },
      { metric: 'Node MiB/s', value: fmt(rate(node), 0) },
      { metric: 'worker / Node', value: `${fmt(ratio)}x` },
    ],
  };
}

if (isMain(import.meta.url)) await run();
