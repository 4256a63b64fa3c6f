// node:punycode: punycode.js 2 (the library Node bundles), from @jspm/core.
import * as jspm from '@jspm/core/nodelibs/punycode';

export const { decode, encode, toASCII, toUnicode, ucs2, version } = jspm;
export default { decode, encode, toASCII, toUnicode, ucs2, version };
