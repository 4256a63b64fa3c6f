// The multi-byte CJK encodings (the isolate decodes the others itself, see
// web/encoding-legacy.js), decoded with Node's ICU-backed TextDecoder. A call on its own is one op
// with nothing kept; a stream ({ stream: true }) keeps its decoder, with the bytes of a character
// split across calls and iso-2022-jp's escape state, in a table of this IsolateHost only
// (host.textDecoders) until the stream ends or the isolate garbage-collects its TextDecoder; the
// table goes with the IsolateHost.
//
// None of these encodings has a byte order mark, so the host is never asked to strip one.
import { HandleTable } from './host-handles.js';

// Streaming decoders one isolate may hold at once: each is an ICU converter of up to 1.5 KiB of
// host memory, outside the worker's memory limit. A stream dropped unfinished counts until the
// isolate has collected its TextDecoder. Workers has no such limit; past it, the
// decode(bytes, { stream: true }) that would start one more stream throws a RangeError ("Too
// many unfinished TextDecoder streams in this worker."), and a TextDecoderStream errors with it.
export const MAX_STREAMING_DECODERS = 1024;

const decoders = new HandleTable('textDecoders', { missing: 'This TextDecoder stream has ended.' });

// Decodes with Node's decoder, failing as the isolate's own decoders do.
function decodeWith(decoder, bytes, stream) {
  try {
    return decoder.decode(bytes, { stream });
  } catch (err) {
    throw new TypeError(err.code === 'ERR_ENCODING_INVALID_ENCODED_DATA' ? `The encoded data was not valid for encoding ${decoder.encoding}` : err.message);
  }
}

// `bytes` decoded on their own, as a whole.
export function textDecode(_host, label, bytes, fatal) {
  return decodeWith(new TextDecoder(label, { fatal, ignoreBOM: true }), bytes, false);
}

// A new stream's decoder: its handle.
export function textDecoderOpen(host, label, fatal) {
  const open = decoders.of(host);
  if (open.size >= MAX_STREAMING_DECODERS) throw new RangeError('Too many unfinished TextDecoder streams in this worker.');
  const decoder = new TextDecoder(label, { fatal, ignoreBOM: true });
  const id = host.nextId++;
  open.set(id, decoder);
  return id;
}

// The next chunk of stream `id`; the last one (`stream` false) ends it, and so does an error (a
// fatal error ends the stream, as the standard has it).
export function textDecodeChunk(host, id, bytes, stream) {
  const decoder = decoders.get(host, id);
  try {
    const text = decodeWith(decoder, bytes, Boolean(stream));
    if (!stream) decoders.release(host, id);
    return text;
  } catch (err) {
    decoders.release(host, id);
    throw err;
  }
}

// Releases the decoders of streams the isolate garbage-collected unfinished.
export const textDecoderRelease = decoders.releaseOp;
