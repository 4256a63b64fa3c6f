// node:fs, over Workers' virtual file system (see fs/vfs.js): /bundle (the worker's modules,
// read-only), /tmp (writable, private to each request), /dev (null, zero, full, random).
// The synchronous, callback and promise APIs all do their work synchronously, as in Workers.
import {
  accessSync, appendFileSync, chmodSync, chownSync, closeSync, copyFileSync, cpSync, existsSync,
  fchmodSync, fchownSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, futimesSync,
  lchmodSync, lchownSync, linkSync, lstatSync, lutimesSync, mkdirSync, mkdtempSync, mkdtempDisposableSync,
  openSync, opendirSync, readdirSync, readFileSync, readlinkSync, readSync, readvSync, realpathSync,
  renameSync, rmdirSync, rmSync, statSync, statfsSync, symlinkSync, truncateSync, unlinkSync,
  utimesSync, writeFileSync, writeSync, writevSync, _toUnixTimestamp, watch as unsupported,
} from './fs/sync.js';
import {
  access, appendFile, chmod, chown, close, copyFile, cp, exists, fchmod, fchown, fdatasync, fstat,
  fsync, ftruncate, futimes, lchmod, lchown, link, lstat, lutimes, mkdir, mkdtemp, open, opendir,
  read, readdir, readFile, readlink, readv, realpath, rename, rm, rmdir, stat, statfs, symlink,
  truncate, unlink, utimes, write, writeFile, writev, watch, watchFile, unwatchFile, glob, openAsBlob,
} from './fs/callbacks.js';
import { promises } from './fs/promises.js';
import { Stats, Dirent, Dir } from './fs/stats.js';
import { ReadStream, WriteStream, createReadStream, createWriteStream } from './fs/streams.js';
import { constants } from './fs/constants.js';

function globSync() {
  return unsupported();
}

const FileReadStream = ReadStream;
const FileWriteStream = WriteStream;

export {
  appendFile, appendFileSync, access, accessSync, chown, chownSync, chmod, chmodSync, close, closeSync,
  copyFile, copyFileSync, cp, cpSync, createReadStream, createWriteStream, exists, existsSync, fchown,
  fchownSync, fchmod, fchmodSync, fdatasync, fdatasyncSync, fstat, fstatSync, fsync, fsyncSync,
  ftruncate, ftruncateSync, futimes, futimesSync, glob, globSync, lchown, lchownSync, lchmod, lchmodSync,
  link, linkSync, lstat, lstatSync, lutimes, lutimesSync, mkdir, mkdirSync, mkdtemp, mkdtempSync,
  mkdtempDisposableSync, open, openSync, openAsBlob, readdir, readdirSync, read, readSync, readv,
  readvSync, readFile, readFileSync, readlink, readlinkSync, realpath, realpathSync, rename, renameSync,
  rm, rmSync, rmdir, rmdirSync, stat, statfs, statSync, statfsSync, symlink, symlinkSync, truncate,
  truncateSync, unwatchFile, unlink, unlinkSync, utimes, utimesSync, watch, watchFile, writeFile,
  writeFileSync, write, writeSync, writev, writevSync, Dirent, Stats, ReadStream, WriteStream,
  FileReadStream, FileWriteStream, _toUnixTimestamp, Dir, opendir, opendirSync, constants, promises,
};

export default {
  appendFile, appendFileSync, access, accessSync, chown, chownSync, chmod, chmodSync, close, closeSync,
  copyFile, copyFileSync, cp, cpSync, createReadStream, createWriteStream, exists, existsSync, fchown,
  fchownSync, fchmod, fchmodSync, fdatasync, fdatasyncSync, fstat, fstatSync, fsync, fsyncSync,
  ftruncate, ftruncateSync, futimes, futimesSync, glob, globSync, lchown, lchownSync, lchmod, lchmodSync,
  link, linkSync, lstat, lstatSync, lutimes, lutimesSync, mkdir, mkdirSync, mkdtemp, mkdtempSync,
  mkdtempDisposableSync, open, openSync, openAsBlob, readdir, readdirSync, read, readSync, readv,
  readvSync, readFile, readFileSync, readlink, readlinkSync, realpath, realpathSync, rename, renameSync,
  rm, rmSync, rmdir, rmdirSync, stat, statfs, statSync, statfsSync, symlink, symlinkSync, truncate,
  truncateSync, unwatchFile, unlink, unlinkSync, utimes, utimesSync, watch, watchFile, writeFile,
  writeFileSync, write, writeSync, writev, writevSync, Dirent, Stats, ReadStream, WriteStream,
  FileReadStream, FileWriteStream, _toUnixTimestamp, Dir, opendir, opendirSync, constants, promises,
};
