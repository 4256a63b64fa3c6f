// Legacy text encodings (everything but UTF-8, which the isolate decodes itself), decoded with
// Node's ICU-backed TextDecoder.

// Canonical encoding name for a label, or null when the label is unknown.
export function encodingName(_scope, label) {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

export function textDecode(_scope, label, bytes, fatal, ignoreBOM) {
  try {
    return new TextDecoder(label, { fatal, ignoreBOM }).decode(bytes);
  } catch (err) {
    throw new TypeError(err.code === 'ERR_ENCODING_INVALID_ENCODED_DATA' ? `The encoded data was not valid for encoding ${label}` : err.message);
  }
}
