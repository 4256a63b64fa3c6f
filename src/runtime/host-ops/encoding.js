// The multi-byte CJK encodings (the isolate decodes the others itself, see
// web/encoding-legacy.js), decoded with Node's ICU-backed TextDecoder.

export function textDecode(_scope, label, bytes, fatal, ignoreBOM) {
  try {
    return new TextDecoder(label, { fatal, ignoreBOM }).decode(bytes);
  } catch (err) {
    throw new TypeError(err.code === 'ERR_ENCODING_INVALID_ENCODED_DATA' ? `The encoded data was not valid for encoding ${label}` : err.message);
  }
}
