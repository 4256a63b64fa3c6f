// node:stream/consumers: read a whole stream (a Node Readable, a Web ReadableStream or any async
// iterable of chunks) as an ArrayBuffer, a Blob, a Buffer, text or JSON.
const { Buffer } = require('./buffer.js');

async function* chunksOf(stream) {
  if (stream !== null && typeof stream === 'object' && typeof stream[Symbol.asyncIterator] !== 'function' && typeof stream.getReader === 'function') {
    const reader = stream.getReader();
    try {
      for (;;) {
        // eslint-disable-next-line no-await-in-loop
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* stream;
}

export async function blob(stream) {
  const chunks = [];
  for await (const chunk of chunksOf(stream)) chunks.push(chunk);
  return new Blob(chunks);
}

export async function arrayBuffer(stream) {
  return (await blob(stream)).arrayBuffer();
}

export async function buffer(stream) {
  return Buffer.from(await arrayBuffer(stream));
}

export async function text(stream) {
  const decoder = new TextDecoder();
  let str = '';
  for await (const chunk of chunksOf(stream)) {
    if (typeof chunk === 'string') str += chunk;
    else str += decoder.decode(chunk, { stream: true });
  }
  str += decoder.decode(undefined, { stream: false });
  return str;
}

export async function json(stream) {
  return JSON.parse(await text(stream));
}

export default { arrayBuffer, blob, buffer, text, json };
