// URL parsing for the isolate, done by Node's WHATWG URL parser (ada) so the isolate gets the
// exact standard behaviour without shipping a parser and the IDNA tables in every isolate.

import { domainToUnicode } from 'node:url';

const FIELDS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];
const SPECIAL = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:']);

const toRecord = (url) => FIELDS.map((field) => url[field]);

// Returns the components in FIELDS order, or null when the input is not a valid URL.
export function urlParse(_scope, input, base) {
  try {
    // An invalid base fails the parse even when the input is absolute.
    if (base !== undefined && /xn--/i.test(base) && !validDomain(new URL(base))) return null;
    const url = base === undefined ? new URL(input) : new URL(input, base);
    return validDomain(url) ? toRecord(url) : null;
  } catch {
    return null;
  }
}

// Applies one setter to a parsed URL and returns the new components (setters never throw: one
// that would leave an invalid domain changes nothing).
export function urlSet(_scope, href, field, value) {
  const url = new URL(href);
  url[field] = value;
  return validDomain(url) ? toRecord(url) : toRecord(new URL(href));
}

// ada takes a domain's "xn--" labels as they are, but the URL Standard's domain to ASCII
// (UTS #46 with CheckHyphens off) rejects one whose Punycode does not decode, or decodes to a
// label that is not valid: one that does not map back to the same "xn--" label (disallowed or
// mapped code points, not NFC, joiners out of context, all ASCII, empty). domainToUnicode()
// answers such a label with the label itself.
function validDomain(url) {
  if (!SPECIAL.has(url.protocol) || !url.hostname.includes('xn--')) return true;
  return url.hostname.split('.').every((label) => {
    if (!label.startsWith('xn--')) return true;
    const unicode = domainToUnicode(label);
    if (unicode === label) return false;
    try {
      return new URL(`http://${unicode}/`).hostname === label;
    } catch {
      return false;
    }
  });
}
