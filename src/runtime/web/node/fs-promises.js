// node:fs/promises: fs.promises of node:fs (required, not imported: one file system per isolate).
const { promises } = require('./fs.js');

export const {
  access, copyFile, cp, glob, open, opendir, rename, truncate, rm, rmdir, mkdir, readdir, readlink,
  symlink, lstat, stat, statfs, link, unlink, chmod, lchmod, lchown, chown, utimes, lutimes, realpath,
  mkdtemp, mkdtempDisposable, writeFile, appendFile, readFile, watch, constants,
} = promises;

export default promises;
