// URL parsing for the isolate, done by Node's WHATWG URL parser (ada) so the isolate gets the
// exact standard behaviour without shipping a parser and the IDNA tables in every isolate.

const FIELDS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];

const toRecord = (url) => FIELDS.map((field) => url[field]);

// Returns the components in FIELDS order, or null when the input is not a valid URL.
export function urlParse(_scope, input, base) {
  try {
    return toRecord(base === undefined ? new URL(input) : new URL(input, base));
  } catch {
    return null;
  }
}

// Applies one setter to a parsed URL and returns the new components (setters never throw).
export function urlSet(_scope, href, field, value) {
  const url = new URL(href);
  url[field] = value;
  return toRecord(url);
}
