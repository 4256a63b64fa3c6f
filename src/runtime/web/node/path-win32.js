// node:path/win32: Windows paths (path.win32).
const { win32 } = require('./path.js');

export const {
  resolve, normalize, isAbsolute, join, relative, toNamespacedPath, dirname, basename, extname, format, parse,
  matchesGlob, sep, delimiter, posix, _makeLong,
} = win32;
export { win32 };
export default win32;
