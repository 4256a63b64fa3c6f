// TextEncoderStream and TextDecoderStream (Encoding Standard), TransformStreams over this
// platform's UTF-8 encoder and TextDecoder.
import { streams } from './streams.js';
import { TextDecoder, encodeUtf8 } from './encoding.js';
import { bytesOf } from './byte-streams.js';

// Loaded lazily (see index.js), so building the streams here costs nothing up front.
const { TransformStream } = streams();

const isLead = (unit) => unit >= 0xd800 && unit <= 0xdbff;

export class TextEncoderStream extends TransformStream {
  constructor() {
    // A lead surrogate that ends one chunk may pair with a trail surrogate starting the next.
    let lead = '';
    super({
      transform(chunk, controller) {
        let text = lead + `${chunk}`;
        lead = '';
        if (isLead(text.charCodeAt(text.length - 1))) {
          lead = text.slice(-1);
          text = text.slice(0, -1);
        }
        if (text.length > 0) controller.enqueue(encodeUtf8(text));
      },
      flush(controller) {
        // A lead surrogate nothing followed: U+FFFD.
        if (lead) controller.enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
      },
    });
  }

  get encoding() {
    return 'utf-8';
  }
}

export class TextDecoderStream extends TransformStream {
  #decoder;

  constructor(label = 'utf-8', options = undefined) {
    const decoder = new TextDecoder(label, options);
    super({
      transform(chunk, controller) {
        if (!bytesOf(chunk)) {
          throw new TypeError("Failed to execute 'transform' on 'TextDecoderStream': The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.");
        }
        // Streaming decode: an incomplete sequence at the end of a chunk waits for the next.
        const text = decoder.decode(chunk, { stream: true });
        if (text.length > 0) controller.enqueue(text);
      },
      flush(controller) {
        const text = decoder.decode();
        if (text.length > 0) controller.enqueue(text);
      },
      // Cancelled or aborted midway: the decoder's stream ends too, so that the host lets go of
      // the state it keeps for a CJK one (see encoding-legacy.js) without waiting for garbage
      // collection. What was left undecoded no longer matters.
      cancel() {
        try {
          decoder.decode();
        } catch {}
      },
    });
    this.#decoder = decoder;
  }

  get encoding() {
    return this.#decoder.encoding;
  }

  get fatal() {
    return this.#decoder.fatal;
  }

  get ignoreBOM() {
    return this.#decoder.ignoreBOM;
  }
}

Object.defineProperty(TextEncoderStream.prototype, Symbol.toStringTag, { value: 'TextEncoderStream', configurable: true });
Object.defineProperty(TextDecoderStream.prototype, Symbol.toStringTag, { value: 'TextDecoderStream', configurable: true });
