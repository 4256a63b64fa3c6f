// node:fs and node:fs/promises as Workers has them: a virtual file system with the worker's
// modules under /bundle (read-only), a /tmp private to each request, and /dev; nothing of the
// host. What happens inside /tmp is checked against real Node.js doing the same in a real
// directory (same results, same errors, same messages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import nodeFs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startWorker, NO_NODE_COMPAT } from '../helpers/worker.js';
import { checkPrelude, runChecks, value, error } from '../web/run-checks.js';
import { buildProject, project, wranglerToml } from '../helpers/project.js';

// Runs checks (test/web/run-checks.js's runChecks) in a worker that imports node:fs as `fs`, its
// namespace as `ns`, the bare 'fs' as `bare` and node:fs/promises as `fsp` (namespace `fspNs`).
const FS_PRELUDE = `import fs from 'node:fs';
import * as ns from 'node:fs';
import bare from 'fs';
import fsp from 'node:fs/promises';
import * as fspNs from 'node:fs/promises';
${checkPrelude('(e) => ({ ctor: e?.constructor?.name ?? typeof e, name: e?.name, message: e?.message, code: e?.code, syscall: e?.syscall, path: e?.path, isError: e instanceof Error })')}`;
const fsChecks = (source, options) => runChecks(source, { prelude: FS_PRELUDE, worker: options });

// ---- the same operations, in Node.js and in a worker ----

// Each case runs with `fs`, a directory `C` of its own, `s(fn)` recording what fn returns or
// throws, and `bytes(text)`. Cases are plain functions: their source is sent to the worker.
const CASES = {
  'write, read, append, encodings': (fs, C, s, bytes) => {
    s(() => fs.writeFileSync(C + '/f', 'hello'));
    s(() => fs.readFileSync(C + '/f', 'utf8'));
    s(() => fs.readFileSync(C + '/f'));
    s(() => fs.readFileSync(C + '/f', 'base64'));
    s(() => fs.readFileSync(C + '/f', { encoding: 'hex' }));
    s(() => fs.writeFileSync(C + '/g', bytes('été')));
    s(() => fs.readFileSync(C + '/g', 'latin1'));
    s(() => fs.appendFileSync(C + '/f', ' world'));
    s(() => fs.appendFileSync(C + '/new', 'x'));
    s(() => fs.readFileSync(C + '/f', 'utf8'));
    s(() => fs.writeFileSync(C + '/f', '!', { flag: 'a' }));
    s(() => fs.readFileSync(C + '/f', 'utf8'));
    s(() => fs.writeFileSync(C + '/f', 'b', { flag: 'wx' }));
    s(() => fs.writeFileSync(C + '/f', 'utf16', 'utf16le'));
    s(() => fs.readFileSync(C + '/f'));
    s(() => fs.writeFileSync(C + '/u8', new Uint16Array([1, 258])));
    s(() => fs.readFileSync(C + '/u8'));
  },
  'read and write errors': (fs, C, s) => {
    fs.writeFileSync(C + '/f', 'x');
    s(() => fs.readFileSync(C + '/missing'));
    s(() => fs.readFileSync(C));
    s(() => fs.readFileSync(C + '/f/x'));
    s(() => fs.readFileSync(C + '/f/'));
    s(() => fs.writeFileSync(C, 'x'));
    s(() => fs.appendFileSync(C, 'x'));
    s(() => fs.writeFileSync(C + '/nodir/x', 'x'));
    s(() => fs.readFileSync(C + '/f', 'nope'));
    s(() => fs.readFileSync(C + '/f', { flag: 'zz' }));
    s(() => fs.writeFileSync(C + '/f', 42));
    s(() => fs.readFileSync(123.5));
    s(() => fs.readFileSync({}));
    s(() => fs.readFileSync('a\u0000b'));
    s(() => fs.readdirSync(undefined));
    s(() => fs.readFileSync(new URL('http://example.com/x')));
    s(() => fs.readFileSync(new URL('file://host/x')));
    s(() => fs.readFileSync(new URL('file:///a%2Fb')));
    s(() => fs.readFileSync(C + '/f', 7));
  },
  'file URLs and Buffer paths': (fs, C, s, bytes) => {
    fs.writeFileSync(C + '/a b', 'spaced');
    s(() => fs.readFileSync(new URL('file://' + C + '/a%20b'), 'utf8'));
    s(() => fs.readFileSync(new URL('file://localhost' + C + '/a%20b'), 'utf8'));
    s(() => fs.readFileSync(bytes(C + '/a b'), 'utf8'));
    s(() => fs.existsSync(new URL('file://' + C + '/nope')));
  },
  'descriptors: open, read, write, positions': (fs, C, s, bytes) => {
    const fd = fs.openSync(C + '/f', 'w+');
    s(() => fs.writeSync(fd, 'abcdef'));
    s(() => fs.writeSync(fd, 'ZZ', 1));
    s(() => fs.writeSync(fd, bytes('0123456789'), 2, 3, 7));
    s(() => fs.writeSync(fd, bytes('xyz'), { offset: 1, length: 2, position: 0 }));
    s(() => fs.readFileSync(C + '/f', 'latin1'));
    const buf = new Uint8Array(4);
    s(() => fs.readSync(fd, buf, 0, 4, 0));
    s(() => Array.from(buf));
    s(() => fs.readSync(fd, buf, { position: 6 }));
    s(() => Array.from(buf));
    s(() => fs.readSync(fd, buf, 1, 2, null));
    s(() => fs.readSync(fd, buf, 0, 5, 0));
    s(() => fs.readSync(fd, buf, -1, 1, 0));
    s(() => fs.readSync(fd, buf, 0, 1, -2));
    s(() => fs.readSync(fd, buf, 0, 0, 0));
    s(() => fs.readSync(fd, 'nope'));
    s(() => fs.writeSync(fd, bytes('ab'), 3));
    s(() => fs.writeSync(fd, bytes('ab'), 0, 3));
    s(() => fs.writeSync(fd, 12));
    const a = new Uint8Array(2);
    const b = new Uint8Array(20);
    s(() => fs.readvSync(fd, [a, b], 0));
    s(() => [Array.from(a), Array.from(b.subarray(0, 10))]);
    s(() => fs.writevSync(fd, [bytes('<'), bytes('>')], 0));
    s(() => fs.readvSync(fd, 'x'));
    s(() => fs.fstatSync(fd).size);
    s(() => fs.ftruncateSync(fd, 3));
    s(() => fs.readFileSync(C + '/f', 'latin1'));
    s(() => fs.ftruncateSync(fd, 6));
    s(() => Array.from(fs.readFileSync(C + '/f')));
    s(() => fs.ftruncateSync(fd, -1));
    s(() => fs.fstatSync(fd).size);
    s(() => fs.ftruncateSync(fd, 1.5));
    s(() => fs.fsyncSync(fd));
    s(() => fs.fdatasyncSync(fd));
    s(() => fs.closeSync(fd));
    s(() => fs.closeSync(fd));
    s(() => fs.readSync(fd, buf));
    s(() => fs.writeSync(fd, 'x'));
    s(() => fs.fstatSync(fd));
    s(() => fs.closeSync('3'));
    s(() => fs.closeSync(-1));
    s(() => fs.closeSync(2 ** 31));
  },
  'descriptors: flags': (fs, C, s, bytes) => {
    fs.writeFileSync(C + '/f', 'hello');
    const ro = fs.openSync(C + '/f', 'r');
    s(() => fs.writeSync(ro, 'x'));
    s(() => fs.ftruncateSync(ro, 0));
    s(() => fs.readFileSync(ro, 'utf8'));
    s(() => fs.readFileSync(ro, 'utf8'));
    fs.closeSync(ro);
    const wo = fs.openSync(C + '/f', 'a');
    s(() => fs.readSync(wo, new Uint8Array(2)));
    s(() => fs.readFileSync(wo));
    s(() => fs.writeSync(wo, 'A', 0));
    s(() => fs.writeFileSync(wo, 'B'));
    fs.closeSync(wo);
    s(() => fs.readFileSync(C + '/f', 'utf8'));
    const rw = fs.openSync(C + '/f', 'r+');
    s(() => fs.readSync(rw, new Uint8Array(2)));
    s(() => fs.writeFileSync(rw, 'QQ'));
    s(() => fs.readFileSync(rw, 'utf8'));
    fs.closeSync(rw);
    s(() => fs.readFileSync(C + '/f', 'utf8'));
    s(() => fs.openSync(C + '/f', 'wx'));
    s(() => fs.openSync(C + '/missing', 'r'));
    s(() => fs.openSync(C + '/missing/x', 'w'));
    s(() => fs.openSync(C, 'w'));
    s(() => fs.openSync(C, 'r+'));
    s(() => fs.openSync(C + '/f', 'zz'));
    s(() => fs.openSync(C + '/f', 'r', 'x'));
    s(() => fs.openSync(C + '/f/', 'r'));
    s(() => fs.openSync(C + '/newdir/', 'w'));
    const dfd = fs.openSync(C, 'r');
    s(() => fs.readSync(dfd, new Uint8Array(3)));
    s(() => fs.readFileSync(dfd));
    s(() => fs.fstatSync(dfd).isDirectory());
    fs.closeSync(dfd);
    const wp = fs.openSync(C + '/w+', 'w+');
    s(() => fs.writeSync(wp, bytes('hi')));
    s(() => fs.readFileSync(wp, 'utf8'));
    fs.closeSync(wp);
    const ax = fs.openSync(C + '/f', 'a+');
    s(() => fs.writeSync(ax, 'Z'));
    s(() => fs.readSync(ax, new Uint8Array(3), 0, 3, 0));
    fs.closeSync(ax);
    s(() => fs.readFileSync(C + '/f', 'utf8'));
    s(() => fs.readFileSync(C + '/f', { flag: 'a+', encoding: 'utf8' }));
    s(() => fs.readFileSync(C + '/created', { flag: 'a+', encoding: 'utf8' }));
    s(() => fs.openSync(C + '/f', fs.constants.O_RDONLY | fs.constants.O_DIRECTORY));
  },
  'truncate': (fs, C, s) => {
    fs.writeFileSync(C + '/f', 'hello');
    s(() => fs.truncateSync(C + '/f', 2));
    s(() => fs.readFileSync(C + '/f', 'utf8'));
    s(() => fs.truncateSync(C + '/f'));
    s(() => fs.statSync(C + '/f').size);
    s(() => fs.truncateSync(C + '/f', 4));
    s(() => Array.from(fs.readFileSync(C + '/f')));
    s(() => fs.truncateSync(C + '/f', -3));
    s(() => fs.statSync(C + '/f').size);
    s(() => fs.truncateSync(C, 1));
    s(() => fs.truncateSync(C + '/missing', 1));
  },
  'stat, lstat, access, exists': (fs, C, s) => {
    fs.writeFileSync(C + '/f', 'hello');
    fs.mkdirSync(C + '/d');
    fs.symlinkSync('f', C + '/l');
    fs.symlinkSync('nowhere', C + '/dangling');
    const brief = (st) => [st.size, st.isFile(), st.isDirectory(), st.isSymbolicLink(), st.isCharacterDevice(), st.isFIFO(), st.isSocket(), st.isBlockDevice()];
    s(() => brief(fs.statSync(C + '/f')));
    s(() => fs.statSync(C + '/f').nlink);
    s(() => brief(fs.statSync(C + '/d')).slice(1));
    s(() => brief(fs.statSync(C + '/l')));
    s(() => brief(fs.lstatSync(C + '/l')));
    s(() => fs.statSync(C + '/dangling'));
    s(() => brief(fs.lstatSync(C + '/dangling')));
    s(() => fs.statSync(C + '/missing'));
    s(() => fs.lstatSync(C + '/missing'));
    s(() => fs.statSync(C + '/missing', { throwIfNoEntry: false }));
    s(() => fs.statSync(C + '/missing/x', { throwIfNoEntry: false }));
    s(() => fs.statSync(C + '/f/x', { throwIfNoEntry: false }));
    s(() => fs.statSync(C + '/f/'));
    s(() => fs.lstatSync(C + '/l/'));
    s(() => typeof fs.statSync(C + '/f', { bigint: true }).size);
    s(() => fs.statSync(C + '/f', { bigint: true }).isFile());
    s(() => fs.statSync(C + '/f') instanceof fs.Stats);
    s(() => Object.keys(fs.statSync(C + '/f')));
    s(() => Object.keys(fs.statSync(C + '/f', { bigint: true })));
    s(() => fs.statSync(C + '/f').mtime instanceof Date);
    s(() => fs.accessSync(C + '/f'));
    s(() => fs.accessSync(C + '/f', fs.constants.R_OK | fs.constants.W_OK));
    s(() => fs.accessSync(C + '/missing'));
    s(() => fs.accessSync(C + '/dangling'));
    s(() => fs.accessSync(C + '/f', 8));
    s(() => fs.accessSync(C + '/f', 'r'));
    s(() => [fs.existsSync(C + '/f'), fs.existsSync(C + '/d'), fs.existsSync(C + '/l'), fs.existsSync(C + '/dangling'), fs.existsSync(C + '/missing'), fs.existsSync(C + '/f/'), fs.existsSync(C + '/d/'), fs.existsSync(null), fs.existsSync()]);
  },
  'mkdir, readdir, rmdir, unlink, rm': (fs, C, s) => {
    s(() => fs.mkdirSync(C + '/a'));
    s(() => fs.mkdirSync(C + '/a'));
    s(() => fs.mkdirSync(C + '/a', { recursive: true }));
    s(() => fs.mkdirSync(C + '/a/b/c/d', { recursive: true }));
    s(() => fs.mkdirSync(C + '/x/y/', { recursive: true }));
    s(() => fs.mkdirSync(C + '/missing/x'));
    fs.writeFileSync(C + '/a/f', '1');
    fs.writeFileSync(C + '/a/b/g', '2');
    s(() => fs.mkdirSync(C + '/a/f'));
    s(() => fs.mkdirSync(C + '/a/f', { recursive: true }));
    s(() => fs.mkdirSync(C + '/a/f/z', { recursive: true }));
    s(() => fs.mkdirSync(C + '/a/f/z'));
    s(() => fs.mkdirSync(C + '/m', { recursive: 1 }));
    s(() => fs.mkdirSync(C + '/m', 'bad'));
    s(() => fs.readdirSync(C + '/a').sort());
    s(() => fs.readdirSync(C + '/a', { recursive: true }).sort());
    s(() => fs.readdirSync(C + '/a', { withFileTypes: true }).map((d) => [d.name, d.parentPath, d.isFile(), d.isDirectory(), d.constructor.name]).sort());
    s(() => fs.readdirSync(C + '/a', { withFileTypes: true, recursive: true }).map((d) => [d.name, d.parentPath, d.isDirectory()]).sort());
    s(() => fs.readdirSync(C + '/a', 'buffer').map((b) => b instanceof Uint8Array).sort());
    s(() => fs.readdirSync(C + '/a/f'));
    s(() => fs.readdirSync(C + '/missing'));
    s(() => fs.rmdirSync(C + '/a'));
    s(() => fs.rmdirSync(C + '/a/f'));
    s(() => fs.rmdirSync(C + '/missing'));
    s(() => fs.rmdirSync(C + '/a/b/c/d'));
    s(() => fs.unlinkSync(C + '/a/b'));
    s(() => fs.unlinkSync(C + '/missing'));
    s(() => fs.unlinkSync(C + '/a/f/'));
    s(() => fs.unlinkSync(C + '/a/b/g'));
    s(() => fs.rmSync(C + '/a'));
    s(() => fs.rmSync(C + '/missing'));
    s(() => fs.rmSync(C + '/missing', { force: true }));
    s(() => fs.rmSync(C + '/a/f'));
    s(() => fs.rmSync(C + '/a', { recursive: true }));
    s(() => fs.existsSync(C + '/a'));
    s(() => fs.rmSync(C + '/x', { force: 'yes' }));
    fs.mkdirSync(C + '/r/s', { recursive: true });
    s(() => fs.rmdirSync(C + '/r', { recursive: true }));
    s(() => fs.readdirSync(C).sort());
  },
  'rename': (fs, C, s) => {
    fs.writeFileSync(C + '/f', 'F');
    fs.writeFileSync(C + '/g', 'G');
    fs.mkdirSync(C + '/d');
    fs.mkdirSync(C + '/e');
    fs.writeFileSync(C + '/d/x', 'X');
    s(() => fs.renameSync(C + '/missing', C + '/z'));
    s(() => fs.renameSync(C + '/f', C + '/d'));
    s(() => fs.renameSync(C + '/e', C + '/f'));
    s(() => fs.renameSync(C + '/d', C + '/d/sub'));
    s(() => fs.renameSync(C + '/e', C + '/d'));
    s(() => fs.renameSync(C + '/f', C + '/nodir/z'));
    s(() => fs.renameSync(C + '/f', C + '/f'));
    s(() => fs.renameSync(C + '/f', C + '/g'));
    s(() => fs.readFileSync(C + '/g', 'utf8'));
    s(() => fs.existsSync(C + '/f'));
    s(() => fs.renameSync(C + '/d', C + '/e'));
    s(() => fs.readdirSync(C + '/e'));
    s(() => fs.renameSync(C + '/e', C + '/e2/'));
    s(() => fs.readFileSync(C + '/e2/x', 'utf8'));
    s(() => fs.renameSync(C + '/g/', C + '/h'));
    s(() => fs.renameSync(C + '/g', 7));
    s(() => fs.readdirSync(C).sort());
  },
  'copyFile and cp': (fs, C, s) => {
    fs.writeFileSync(C + '/f', 'F');
    fs.mkdirSync(C + '/d/sub', { recursive: true });
    fs.writeFileSync(C + '/d/a', 'A');
    fs.writeFileSync(C + '/d/sub/b', 'B');
    fs.symlinkSync('a', C + '/d/la');
    s(() => fs.copyFileSync(C + '/f', C + '/f2'));
    s(() => fs.readFileSync(C + '/f2', 'utf8'));
    s(() => fs.copyFileSync(C + '/missing', C + '/y'));
    s(() => fs.copyFileSync(C + '/d', C + '/y'));
    s(() => fs.copyFileSync(C + '/f', C + '/f2', fs.constants.COPYFILE_EXCL));
    s(() => fs.copyFileSync(C + '/f', C + '/d'));
    s(() => fs.copyFileSync(C + '/f', C + '/f2', 8));
    s(() => fs.cpSync(C + '/d', C + '/d2'));
    s(() => fs.cpSync(C + '/d', C + '/d2', { recursive: true }));
    s(() => fs.readdirSync(C + '/d2', { recursive: true }).sort());
    s(() => fs.readlinkSync(C + '/d2/la'));
    s(() => fs.cpSync(C + '/missing', C + '/x'));
    s(() => fs.cpSync(C + '/f', C + '/f'));
    s(() => fs.cpSync(C + '/d', C + '/d/inside', { recursive: true }));
    s(() => fs.cpSync(C + '/f', C + '/d'));
    s(() => fs.cpSync(C + '/d', C + '/f', { recursive: true }));
    s(() => fs.cpSync(C + '/f', C + '/d2/a', { force: false, errorOnExist: true }));
    fs.writeFileSync(C + '/d/a', 'A2');
    s(() => fs.cpSync(C + '/d', C + '/d2', { recursive: true, force: false }));
    s(() => fs.readFileSync(C + '/d2/a', 'utf8'));
    s(() => fs.cpSync(C + '/d', C + '/d2', { recursive: true }));
    s(() => fs.readFileSync(C + '/d2/a', 'utf8'));
    s(() => fs.cpSync(C + '/d', C + '/d3', { recursive: true, filter: (src) => !src.endsWith('sub') }));
    s(() => fs.readdirSync(C + '/d3').sort());
    s(() => fs.cpSync(C + '/f', C + '/deep/new/f'));
    s(() => fs.readFileSync(C + '/deep/new/f', 'utf8'));
    s(() => fs.cpSync(C + '/f', C + '/x', { recursive: 'yes' }));
    s(() => fs.cpSync(C + '/d', C + '/n1/n2/d', { recursive: true }));
    s(() => fs.readdirSync(C + '/n1/n2/d', { recursive: true }).sort());
    s(() => fs.cpSync(C + '/d/la', C + '/n1/la'));
    s(() => fs.readlinkSync(C + '/n1/la'));
    s(() => fs.cpSync(C + '/d/la', C + '/n1/la2', { verbatimSymlinks: true }));
    s(() => fs.readlinkSync(C + '/n1/la2'));
    s(() => fs.cpSync(C + '/d', C + '/n1/dup', { recursive: true, mode: fs.constants.COPYFILE_EXCL }));
    s(() => fs.cpSync(C + '/d', C + '/n1/dup', { recursive: true, mode: fs.constants.COPYFILE_EXCL }));
  },
  'symlinks, hard links, realpath': (fs, C, s) => {
    fs.mkdirSync(C + '/d');
    fs.writeFileSync(C + '/d/t', 'T');
    s(() => fs.symlinkSync('t', C + '/d/rel'));
    s(() => fs.symlinkSync(C + '/d', C + '/abs'));
    s(() => fs.symlinkSync('d/t', C + '/d/rel'));
    s(() => fs.symlinkSync('x', C + '/missing/l'));
    s(() => fs.symlinkSync('x', C + '/l', 'bad'));
    s(() => fs.readlinkSync(C + '/d/rel'));
    s(() => fs.readlinkSync(C + '/abs'));
    s(() => fs.readlinkSync(C + '/d/t'));
    s(() => fs.readlinkSync(C + '/missing'));
    s(() => fs.readlinkSync(C + '/d/rel', 'buffer') instanceof Uint8Array);
    s(() => fs.readFileSync(C + '/d/rel', 'utf8'));
    s(() => fs.readFileSync(C + '/abs/rel', 'utf8'));
    s(() => fs.realpathSync(C + '/abs/rel'));
    s(() => fs.realpathSync(C + '/abs/../d/./t'));
    s(() => fs.realpathSync.native(C + '/abs/rel'));
    s(() => fs.realpathSync(C + '/abs/missing'));
    s(() => fs.realpathSync.native(C + '/abs/missing'));
    s(() => fs.writeFileSync(C + '/abs/through', 'via link'));
    s(() => fs.readFileSync(C + '/d/through', 'utf8'));
    fs.symlinkSync('newtarget', C + '/d/dangling');
    s(() => fs.writeFileSync(C + '/d/dangling', 'made'));
    s(() => fs.readFileSync(C + '/d/newtarget', 'utf8'));
    fs.symlinkSync('loop2', C + '/loop1');
    fs.symlinkSync('loop1', C + '/loop2');
    s(() => fs.readFileSync(C + '/loop1'));
    s(() => fs.statSync(C + '/loop1'));
    s(() => fs.accessSync(C + '/loop1'));
    s(() => fs.lstatSync(C + '/loop1').isSymbolicLink());
    s(() => fs.realpathSync(C + '/loop1'));
    s(() => fs.unlinkSync(C + '/abs'));
    s(() => fs.existsSync(C + '/d/t'));
    s(() => fs.linkSync(C + '/d/t', C + '/hard'));
    s(() => [fs.statSync(C + '/hard').nlink, fs.statSync(C + '/d/t').nlink]);
    s(() => fs.writeFileSync(C + '/hard', 'changed'));
    s(() => fs.readFileSync(C + '/d/t', 'utf8'));
    s(() => fs.unlinkSync(C + '/d/t'));
    s(() => [fs.readFileSync(C + '/hard', 'utf8'), fs.statSync(C + '/hard').nlink]);
    s(() => fs.linkSync(C + '/hard', C + '/d/rel'));
    s(() => fs.linkSync(C + '/d', C + '/dl'));
    s(() => fs.linkSync(C + '/missing', C + '/ml'));
  },
  'utimes and time stamps': (fs, C, s) => {
    fs.writeFileSync(C + '/f', 'x');
    s(() => fs.utimesSync(C + '/f', 1000, 2000.5));
    s(() => [fs.statSync(C + '/f').atimeMs, fs.statSync(C + '/f').mtimeMs, fs.statSync(C + '/f').mtime.toISOString()]);
    s(() => fs.utimesSync(C + '/f', new Date(5000), '3000'));
    s(() => [fs.statSync(C + '/f').atimeMs, fs.statSync(C + '/f').mtimeMs]);
    s(() => fs.utimesSync(C + '/missing', 1, 1));
    s(() => fs.utimesSync(C + '/f', {}, 1));
    s(() => fs.utimesSync(C + '/f', 1, 'abc'));
    const fd = fs.openSync(C + '/f', 'r');
    s(() => fs.futimesSync(fd, 10, 20));
    s(() => fs.fstatSync(fd).mtimeMs);
    fs.closeSync(fd);
    fs.symlinkSync('f', C + '/l');
    s(() => fs.lutimesSync(C + '/l', 30, 40));
    s(() => fs.lstatSync(C + '/l').mtimeMs);
    s(() => fs.statSync(C + '/l').mtimeMs);
  },
  'mkdtemp and opendir': (fs, C, s) => {
    s(() => /^.*\/t-[A-Za-z0-9]{6}$/.test(fs.mkdtempSync(C + '/t-')));
    s(() => fs.mkdtempSync(C + '/missing/t-'));
    s(() => fs.readdirSync(C).length);
    fs.writeFileSync(C + '/a', '');
    fs.writeFileSync(C + '/b', '');
    const dir = fs.opendirSync(C);
    s(() => dir.path === C);
    const names = [];
    let entry;
    while ((entry = dir.readSync()) !== null) names.push(entry.name);
    s(() => names.sort().length);
    s(() => dir.readSync());
    s(() => dir.closeSync());
    s(() => dir.readSync());
    s(() => dir.closeSync());
    s(() => fs.opendirSync(C + '/a'));
    s(() => fs.opendirSync(C + '/missing'));
    s(() => fs.opendirSync(C, { bufferSize: 0 }));
  },
  'chmod and chown validate but change nothing': (fs, C, s) => {
    fs.writeFileSync(C + '/f', 'x');
    s(() => fs.chmodSync(C + '/f', 0o644));
    s(() => fs.chmodSync(C + '/f', '644'));
    s(() => fs.chmodSync(C + '/f', 'abc'));
    s(() => fs.chmodSync(C + '/missing', 0o644));
    s(() => fs.chownSync(C + '/missing', 0, 0));
    s(() => fs.chownSync(C + '/f', 'x', 0));
    const fd = fs.openSync(C + '/f', 'r');
    s(() => fs.fchmodSync(fd, 0o600));
    s(() => fs.fchmodSync(fd, 'zz'));
    fs.closeSync(fd);
    s(() => fs.fchmodSync(fd, 0o600));
  },
};

// The promise and callback APIs, and streams: `s(fn)` awaits what fn returns.
const ASYNC_CASES = {
  'fs/promises': async (fs, C, s) => {
    const fsp = fs.promises;
    await s(() => fsp.writeFile(C + '/f', 'hello'));
    await s(() => fsp.readFile(C + '/f', 'utf8'));
    await s(() => fsp.appendFile(C + '/f', '!'));
    await s(() => fsp.readFile(C + '/f', { encoding: 'utf8' }));
    await s(() => fsp.readFile(C + '/missing'));
    await s(() => fsp.readFile(C));
    await s(() => fsp.readFile(12.5));
    await s(() => fsp.writeFile(C + '/it', ['a', 'b', new TextEncoder().encode('c')]));
    await s(() => fsp.readFile(C + '/it', 'utf8'));
    await s(() => fsp.writeFile(C + '/it', (async function* () { yield 'x'; yield 'y'; })()));
    await s(() => fsp.readFile(C + '/it', 'utf8'));
    await s(() => fsp.writeFile(C + '/it', 5));
    await s(() => fsp.mkdir(C + '/a/b', { recursive: true }));
    await s(() => fsp.mkdir(C + '/a'));
    await s(async () => (await fsp.readdir(C)).sort());
    await s(async () => (await fsp.readdir(C, { withFileTypes: true })).map((d) => [d.name, d.isDirectory()]).sort());
    await s(async () => (await fsp.stat(C + '/f')).size);
    await s(() => fsp.stat(C + '/missing'));
    await s(() => fsp.lstat(C + '/missing'));
    await s(() => fsp.access(C + '/missing'));
    await s(() => fsp.rename(C + '/f', C + '/g'));
    await s(() => fsp.copyFile(C + '/g', C + '/h'));
    await s(() => fsp.copyFile(C + '/g', C + '/h', fs.constants.COPYFILE_EXCL));
    await s(() => fsp.symlink('g', C + '/l'));
    await s(() => fsp.readlink(C + '/l'));
    await s(() => fsp.unlink(C + '/l'));
    await s(() => fsp.rm(C + '/a'));
    await s(() => fsp.rm(C + '/a', { recursive: true }));
    await s(() => fsp.rmdir(C + '/missing'));
    await s(() => fsp.truncate(C + '/h', 1));
    await s(() => fsp.readFile(C + '/h', 'utf8'));
    await s(async () => /t-[A-Za-z0-9]{6}$/.test(await fsp.mkdtemp(C + '/t-')));
    await s(() => fsp.cp(C + '/g', C + '/cp/g'));
    await s(() => fsp.readFile(C + '/cp/g', 'utf8'));
    await s(() => fsp.cp(C, C + '/../copy', { recursive: true, filter: async (src) => !src.endsWith('/h') }));
    await s(async () => (await fsp.readdir(C + '/../copy')).filter((n) => !n.startsWith('t-')).sort());
    await s(async () => { const d = await fsp.opendir(C + '/cp'); const out = []; for await (const e of d) out.push(e.name); return out; });
    await s(() => fsp.utimes(C + '/g', 1, 2));
    await s(async () => (await fsp.stat(C + '/g')).mtimeMs);
    await s(() => fsp.chmod(C + '/g', 0o600));
    await s(() => fsp.realpath(C + '/cp/../g'));
  },
  'FileHandle': async (fs, C, s) => {
    const fsp = fs.promises;
    const h = await fsp.open(C + '/f', 'w+');
    await s(async () => (await h.write('hello world')).bytesWritten);
    await s(async () => (await h.write(new TextEncoder().encode('HW'), 0, 2, 0)).bytesWritten);
    await s(async () => { const r = await h.read(new Uint8Array(5), 0, 5, 0); return [r.bytesRead, new TextDecoder().decode(r.buffer)]; });
    await s(async () => { const r = await h.read({ buffer: new Uint8Array(3), position: 6 }); return [r.bytesRead, Array.from(r.buffer)]; });
    await s(async () => { const r = await h.read(); return [r.bytesRead, r.buffer.length]; });
    await s(async () => (await h.stat()).size);
    await s(() => h.truncate(5));
    await s(async () => (await h.readFile('utf8')));
    await s(async () => { await h.writeFile('tail'); return fsp.readFile(C + '/f', 'utf8'); });
    await s(async () => (await h.writev([new TextEncoder().encode('a'), new TextEncoder().encode('b')], 0)).bytesWritten);
    await s(async () => { const a = new Uint8Array(2); const b = new Uint8Array(2); return (await h.readv([a, b], 0)).bytesRead; });
    await s(() => h.sync());
    await s(() => h.datasync());
    await s(() => h.utimes(3, 4));
    await s(async () => (await h.stat()).mtimeMs);
    await s(() => h.read(new Uint8Array(0), 0, 1, 0));
    await s(() => h.read(new Uint8Array(2), 0, 3, 0));
    await s(() => h.close());
    await s(() => h.fd);
    await s(() => h.close());
    await s(() => h.read(new Uint8Array(2)));
    await s(() => h.write('x'));
    await s(() => h.stat());
    await s(() => h.readFile());
    await s(() => h.truncate());
    await s(() => fsp.open(C + '/missing'));
    await s(() => fsp.open(C, 'w'));
    const r = await fsp.open(C + '/f', 'r');
    await s(() => r.write('x'));
    await s(() => r.readFile('utf8'));
    await r.close();
    await s(async () => { const h2 = await fsp.open(C + '/f'); const chunks = []; for await (const c of h2.readableWebStream()) chunks.push(...c); await h2.close(); return new TextDecoder().decode(new Uint8Array(chunks)); });
    fs.writeFileSync(C + '/lines', 'a\nb\r\n\nc');
    await s(async () => { const h3 = await fsp.open(C + '/lines'); const out = []; for await (const line of h3.readLines()) out.push(line); return [out, h3.fd]; });
    fs.mkdirSync(C + '/od/sub', { recursive: true });
    fs.writeFileSync(C + '/od/sub/x', '');
    fs.writeFileSync(C + '/od/y', '');
    await s(async () => { const d = await fsp.opendir(C + '/od', { recursive: true }); const out = []; for await (const e of d) out.push([e.name, e.parentPath, e.isDirectory()]); return out.sort(); });
  },
  'callbacks': async (fs, C, s) => {
    const call = (fn, ...args) => new Promise((resolve, reject) => fn(...args, (err, ...results) => (err ? reject(err) : resolve(results))));
    await s(() => call(fs.writeFile, C + '/f', 'hello'));
    await s(() => call(fs.readFile, C + '/f', 'utf8'));
    await s(() => call(fs.readFile, C + '/missing'));
    await s(() => call(fs.appendFile, C + '/f', '!'));
    await s(async () => { const [fd] = await call(fs.open, C + '/f', 'r+'); const [n, buf] = await call(fs.read, fd, new Uint8Array(3), 0, 3, 1); const [w, str] = await call(fs.write, fd, 'X', 0); const [m, b2] = await call(fs.read, fd, { buffer: new Uint8Array(2), position: 4 }); const [k, b3] = await call(fs.read, fd); await call(fs.close, fd); return [n, Array.from(buf), w, str, m, Array.from(b2), k, b3.length]; });
    await s(() => call(fs.stat, C + '/missing'));
    await s(async () => (await call(fs.stat, C + '/f'))[0].size);
    await s(() => call(fs.mkdir, C + '/a/b', { recursive: true }));
    await s(async () => (await call(fs.readdir, C)).map((x) => (Array.isArray(x) ? x.sort() : x)));
    await s(() => call(fs.rmdir, C + '/a'));
    await s(() => call(fs.rm, C + '/a', { recursive: true }));
    await s(() => new Promise((resolve) => fs.exists(C + '/f', resolve)));
    await s(() => new Promise((resolve) => fs.exists(C + '/nope', resolve)));
    await s(() => call(fs.access, C + '/nope'));
    await s(() => call(fs.close, 999999));
    await s(() => call(fs.copyFile, C + '/f', C + '/g'));
    await s(() => call(fs.cp, C + '/g', C + '/h'));
    await s(() => call(fs.rename, C + '/h', C + '/i'));
    await s(() => call(fs.unlink, C + '/i'));
    await s(() => call(fs.realpath, C + '/../' + C.split('/').pop() + '/g'));
    await s(() => fs.readFile(C + '/f'));
    await s(() => fs.readFile(12.5, () => {}));
    await s(() => fs.stat(C + '/f', 'not a function'));
    await s(() => fs.writeFile(C + '/f', 'x', { flag: 'zz' }, () => {}));
    await s(() => fs.read(1.5, () => {}));
  },
  'streams': async (fs, C, s) => {
    const done = (stream, event = 'finish') => new Promise((resolve, reject) => { stream.on(event, resolve); stream.on('error', reject); });
    await s(async () => { const w = fs.createWriteStream(C + '/w'); const opened = new Promise((r) => w.on('open', () => r('open'))); w.write('ab'); w.write(new TextEncoder().encode('cd')); w.end('ef'); await done(w); return [await opened, w.bytesWritten, w.path === C + '/w', w.pending, fs.readFileSync(C + '/w', 'utf8')]; });
    await s(async () => { const w = fs.createWriteStream(C + '/w', { flags: 'r+', start: 2 }); w.end('XY'); await done(w, 'close'); return fs.readFileSync(C + '/w', 'utf8'); });
    await s(async () => { const w = fs.createWriteStream(C + '/w', { flags: 'a' }); w.end('!'); await done(w, 'close'); return fs.readFileSync(C + '/w', 'utf8'); });
    await s(async () => { const r = fs.createReadStream(C + '/w', { encoding: 'utf8' }); let text = ''; r.on('data', (d) => { text += d; }); await done(r, 'end'); return [text, r.bytesRead]; });
    await s(async () => { const r = fs.createReadStream(C + '/w', { start: 1, end: 3, encoding: 'utf8' }); let text = ''; r.on('data', (d) => { text += d; }); await done(r, 'close'); return [text, r.bytesRead, r.destroyed]; });
    await s(async () => { const r = fs.createReadStream(C + '/w', { highWaterMark: 2 }); const chunks = []; r.on('data', (d) => chunks.push(d.length)); await done(r, 'end'); return chunks; });
    await s(() => new Promise((resolve) => { const r = fs.createReadStream(C + '/missing'); r.on('error', (e) => resolve([e.code, e.syscall, e.message])); }));
    await s(() => new Promise((resolve) => { const r = fs.createReadStream(C); r.on('error', (e) => resolve([e.code, e.syscall, e.message])); r.resume(); }));
    await s(() => new Promise((resolve) => { const w = fs.createWriteStream(C + '/nodir/x'); w.on('error', (e) => resolve([e.code, e.message])); }));
    await s(() => fs.createReadStream(C + '/w', { start: 5, end: 2 }));
    await s(() => fs.createReadStream(C + '/w', { start: -1 }));
    await s(async () => { const fd = fs.openSync(C + '/w', 'r'); const r = fs.createReadStream(null, { fd, encoding: 'utf8', start: 0 }); let text = ''; r.on('data', (d) => { text += d; }); await done(r, 'close'); return [text, (() => { try { fs.fstatSync(fd); return 'open'; } catch (e) { return e.code; } })()]; });
    await s(async () => { const h = await fs.promises.open(C + '/w'); const r = h.createReadStream({ encoding: 'utf8' }); let text = ''; r.on('data', (d) => { text += d; }); await done(r, 'close'); return [text, h.fd]; });
    await s(async () => { const src = fs.createReadStream(C + '/w'); const dst = fs.createWriteStream(C + '/copy'); src.pipe(dst); await done(dst, 'close'); return fs.readFileSync(C + '/copy', 'utf8'); });
  },
};

function nodeSide(fs, C, bytes) {
  const results = {};
  return async (name, body) => {
    const steps = [];
    const shape = (v) => {
      if (v instanceof Uint8Array) return { bytes: Array.from(v) };
      if (Array.isArray(v)) return v.map(shape);
      return v === undefined ? '<undefined>' : v;
    };
    const describe = (e) => ({ error: { name: e.name, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, dest: e.dest, message: e.message } });
    const s = (fn) => {
      const at = steps.push(null) - 1;
      let result;
      try {
        result = fn();
      } catch (e) {
        steps[at] = describe(e);
        return undefined;
      }
      if (result && typeof result.then === 'function') {
        return result.then((v) => { steps[at] = shape(v); }, (e) => { steps[at] = describe(e); });
      }
      steps[at] = shape(result);
      return undefined;
    };
    fs.mkdirSync(C(name), { recursive: true });
    await body(fs, C(name), s, bytes);
    results[name] = steps;
    return results;
  };
}

const ALL_CASES = { ...CASES, ...ASYNC_CASES };

test('inside /tmp, node:fs behaves as Node.js does on a real file system, errors included', async () => {
  const base = nodeFs.mkdtempSync(path.join(nodeFs.realpathSync(os.tmpdir()), 'outpost-fs-'));
  let expected;
  try {
    const caseDir = (name) => `${base}/c${Object.keys(ALL_CASES).indexOf(name)}`;
    const bytes = (text) => new TextEncoder().encode(text);
    const run = nodeSide(nodeFs, caseDir, bytes);
    process.noDeprecation = true;
    for (const [name, body] of Object.entries(ALL_CASES)) expected = await run(name, body);
    expected = JSON.parse(JSON.stringify(expected).replaceAll(base, '/tmp/t'));
  } finally {
    process.noDeprecation = false;
    nodeFs.rmSync(base, { recursive: true, force: true });
  }

  const source = `import fs from 'node:fs';
const CASES = {${Object.entries(ALL_CASES).map(([name, fn]) => `${JSON.stringify(name)}: ${fn.toString()}`).join(',\n')}};
const NAMES = Object.keys(CASES);
${nodeSide.toString()}
export default { async fetch() {
  fs.mkdirSync('/tmp/t');
  const run = nodeSide(fs, (name) => '/tmp/t/c' + NAMES.indexOf(name), (text) => new TextEncoder().encode(text));
  let results;
  for (const [name, body] of Object.entries(CASES)) results = await run(name, body);
  return Response.json(results);
} };`;
  const w = await startWorker(source);
  try {
    const res = await w.fetch('/');
    assert.equal(res.status, 200, JSON.stringify(w.logs));
    const actual = await res.json();
    const mismatches = [];
    for (const name of Object.keys(ALL_CASES)) {
      const want = expected[name];
      const got = actual[name];
      for (let i = 0; i < Math.max(want.length, got.length); i++) {
        try {
          assert.deepEqual(got[i], want[i]);
        } catch {
          mismatches.push(`${name}, step ${i + 1}:\n  worker:  ${JSON.stringify(got[i])}\n  Node.js: ${JSON.stringify(want[i])}`);
        }
      }
    }
    assert.equal(mismatches.length, 0, mismatches.join('\n'));
  } finally {
    await w.dispose();
  }
});

// ---- /bundle ----

const BUNDLE_INDEX = `import fs from 'node:fs';
const atStartup = fs.readFileSync('/bundle/data/config.json', 'utf8');
export default { async fetch(request) {
  const out = {};
  const run = async (name, fn) => { try { const v = await fn(); out[name] = v instanceof Uint8Array ? Array.from(v) : v; } catch (e) { out[name] = { code: e.code, syscall: e.syscall, path: e.path, message: e.message }; } };
  const bytes = (text) => new TextEncoder().encode(text);
  await run('atStartup', () => atStartup);
  await run('list', () => fs.readdirSync('/bundle', { recursive: true }).sort());
  await run('types', () => fs.readdirSync('/bundle', { withFileTypes: true }).map((d) => [d.name, d.isFile(), d.isDirectory()]));
  await run('config', () => fs.readFileSync('/bundle/data/config.json', 'utf8'));
  await run('relative', () => fs.readFileSync('data/config.json', 'utf8'));
  await run('cwd', () => fs.realpathSync('.'));
  await run('emoji', () => [fs.readFileSync('/bundle/emoji.txt', 'utf8'), fs.statSync('/bundle/emoji.txt').size]);
  await run('blob', () => fs.readFileSync('/bundle/blob.bin'));
  await run('self', () => fs.readFileSync('/bundle/index.js', 'utf8').startsWith("import fs from 'node:fs';"));
  await run('lib', () => fs.readFileSync('/bundle/lib/util.js', 'utf8'));
  await run('stat', () => { const s = fs.statSync('/bundle/lib/util.js'); return [s.isFile(), s.size, s.mode & 0o777, s.mtimeMs]; });
  await run('dirStat', () => { const s = fs.statSync('/bundle/lib'); return [s.isDirectory(), s.mode & 0o777]; });
  await run('fd', () => { const fd = fs.openSync('/bundle/blob.bin'); const b = new Uint8Array(2); const n = fs.readSync(fd, b, 0, 2, 1); const rest = fs.readFileSync(fd); fs.closeSync(fd); return [n, Array.from(b), Array.from(rest)]; });
  await run('stream', () => new Promise((resolve, reject) => { let text = ''; fs.createReadStream('/bundle/data/config.json', { encoding: 'utf8', highWaterMark: 4 }).on('data', (d) => { text += d; }).on('end', () => resolve(text)).on('error', reject); }));
  await run('promises', () => fs.promises.readFile('/bundle/lib/util.js', 'utf8'));
  await run('copyOut', () => { fs.copyFileSync('/bundle/data/config.json', '/tmp/c.json'); fs.appendFileSync('/tmp/c.json', '!'); return fs.readFileSync('/tmp/c.json', 'utf8'); });
  await run('cpOut', () => { fs.cpSync('/bundle', '/tmp/b', { recursive: true }); return fs.readdirSync('/tmp/b', { recursive: true }).sort(); });
  await run('readable', () => fs.accessSync('/bundle/index.js', fs.constants.R_OK));
  await run('notWritable', () => fs.accessSync('/bundle/index.js', fs.constants.W_OK));
  await run('write', () => fs.writeFileSync('/bundle/new.txt', 'x'));
  await run('overwrite', () => fs.writeFileSync('/bundle/data/config.json', 'x'));
  await run('append', () => fs.appendFileSync('/bundle/index.js', 'x'));
  await run('openRW', () => fs.openSync('/bundle/index.js', 'r+'));
  await run('relativeWrite', () => fs.writeFileSync('x.txt', 'x'));
  await run('unlink', () => fs.unlinkSync('/bundle/index.js'));
  await run('rm', () => fs.rmSync('/bundle/lib', { recursive: true }));
  await run('rmdir', () => fs.rmdirSync('/bundle/lib'));
  await run('mkdir', () => fs.mkdirSync('/bundle/new'));
  await run('mkdirExisting', () => fs.mkdirSync('/bundle/lib', { recursive: true }));
  await run('renameOut', () => fs.renameSync('/bundle/index.js', '/tmp/index.js'));
  await run('renameIn', () => { fs.writeFileSync('/tmp/in', 'x'); return fs.renameSync('/tmp/in', '/bundle/in'); });
  await run('copyIn', () => fs.copyFileSync('/tmp/c.json', '/bundle/c.json'));
  await run('symlinkIn', () => fs.symlinkSync('/tmp/c.json', '/bundle/l'));
  await run('linkOut', () => fs.linkSync('/bundle/index.js', '/tmp/hard'));
  await run('truncate', () => fs.truncateSync('/bundle/index.js', 0));
  await run('utimes', () => fs.utimesSync('/bundle/index.js', 1, 1));
  await run('chmod', () => fs.chmodSync('/bundle/index.js', 0o777));
  await run('writeStream', () => new Promise((resolve) => fs.createWriteStream('/bundle/s').on('error', (e) => resolve(e.code))));
  await run('promise', () => fs.promises.writeFile('/bundle/p', 'x'));
  await run('root', () => fs.writeFileSync('/file', 'x'));
  await run('rootDir', () => fs.mkdirSync('/dir'));
  await run('devNew', () => fs.writeFileSync('/dev/new', 'x'));
  await run('rmTmp', () => fs.rmdirSync('/tmp'));
  await run('rmTmpRecursive', () => fs.rmSync('/tmp', { recursive: true }));
  await run('still', () => fs.readFileSync('/bundle/index.js', 'utf8').length > 0);
  return Response.json(out);
} };
`;

test('/bundle holds the worker\'s modules, read-only; they are read with every API', async () => {
  const blob = new Uint8Array([0, 1, 2, 250, 255]);
  const w = await startWorker({
    format: 'modules',
    mainModule: 'index.js',
    modules: [
      { name: 'index.js', type: 'esm', content: BUNDLE_INDEX },
      { name: 'lib/util.js', type: 'esm', content: 'export const x = 1;\n' },
      { name: 'data/config.json', type: 'text', content: '{"value":42}' },
      { name: 'emoji.txt', type: 'text', content: 'héllo 👋' },
      { name: 'blob.bin', type: 'data', content: blob },
    ],
    sourceMaps: {},
  });
  try {
    const res = await w.fetch('/');
    assert.equal(res.status, 200, JSON.stringify(w.logs));
    const out = await res.json();
    assert.equal(out.atStartup, '{"value":42}');
    assert.deepEqual(out.list, ['blob.bin', 'data', 'data/config.json', 'emoji.txt', 'index.js', 'lib', 'lib/util.js']);
    assert.deepEqual(out.types, [['blob.bin', true, false], ['data', false, true], ['emoji.txt', true, false], ['index.js', true, false], ['lib', false, true]]);
    assert.equal(out.config, '{"value":42}');
    assert.equal(out.relative, '{"value":42}');
    assert.equal(out.cwd, '/bundle');
    assert.deepEqual(out.emoji, ['héllo 👋', Buffer.byteLength('héllo 👋')]);
    assert.deepEqual(out.blob, [0, 1, 2, 250, 255]);
    assert.equal(out.self, true);
    assert.equal(out.lib, 'export const x = 1;\n');
    assert.deepEqual(out.stat, [true, 20, 0o444, 0]);
    assert.deepEqual(out.dirStat, [true, 0o555]);
    // A read at a position leaves the descriptor's own position where it was.
    assert.deepEqual(out.fd, [2, [1, 2], [0, 1, 2, 250, 255]]);
    assert.equal(out.stream, '{"value":42}');
    assert.equal(out.promises, 'export const x = 1;\n');
    assert.equal(out.copyOut, '{"value":42}!');
    assert.deepEqual(out.cpOut, ['blob.bin', 'data', 'data/config.json', 'emoji.txt', 'index.js', 'lib', 'lib/util.js']);
    assert.equal(out.readable, undefined);
    assert.deepEqual(out.notWritable, { code: 'EACCES', syscall: 'access', path: '/bundle/index.js', message: "EACCES: permission denied, access '/bundle/index.js'" });
    // Workers refuses writes to /bundle with EPERM.
    const eperm = (syscall, path, dest) => ({ code: 'EPERM', syscall, path, message: `EPERM: operation not permitted, ${syscall} '${path}'${dest ? ` -> '${dest}'` : ''}` });
    assert.deepEqual(out.write, eperm('open', '/bundle/new.txt'));
    assert.deepEqual(out.overwrite, eperm('open', '/bundle/data/config.json'));
    assert.deepEqual(out.append, eperm('open', '/bundle/index.js'));
    assert.deepEqual(out.openRW, eperm('open', '/bundle/index.js'));
    assert.deepEqual(out.relativeWrite, eperm('open', 'x.txt'));
    assert.deepEqual(out.unlink, eperm('unlink', '/bundle/index.js'));
    assert.deepEqual(out.rm, eperm('rm', '/bundle/lib'));
    assert.deepEqual(out.rmdir, eperm('rmdir', '/bundle/lib'));
    assert.deepEqual(out.mkdir, eperm('mkdir', '/bundle/new'));
    assert.equal(out.mkdirExisting, undefined);
    assert.equal(out.renameOut.code, 'EPERM');
    assert.equal(out.renameOut.message, "EPERM: operation not permitted, rename '/bundle/index.js' -> '/tmp/index.js'");
    assert.equal(out.renameIn.code, 'EPERM');
    assert.equal(out.copyIn.code, 'EPERM');
    assert.equal(out.symlinkIn.code, 'EPERM');
    assert.equal(out.linkOut.code, 'EXDEV');
    assert.deepEqual(out.truncate, eperm('open', '/bundle/index.js'));
    assert.deepEqual(out.utimes, eperm('utime', '/bundle/index.js'));
    assert.deepEqual(out.chmod, eperm('chmod', '/bundle/index.js'));
    assert.equal(out.writeStream, 'EPERM');
    assert.deepEqual(out.promise, eperm('open', '/bundle/p'));
    assert.deepEqual(out.root, eperm('open', '/file'));
    assert.deepEqual(out.rootDir, eperm('mkdir', '/dir'));
    assert.deepEqual(out.devNew, eperm('open', '/dev/new'));
    assert.equal(out.rmTmp.code, 'EPERM');
    assert.equal(out.rmTmpRecursive.code, 'EPERM');
    assert.equal(out.still, true);
  } finally {
    await w.dispose();
  }
});

test('bundled code that require()s fs gets node:fs, and /bundle holds the bundled worker', async () => {
  const dir = project({
    'src/lib.cjs': `const fs = require('fs');\nconst fsp = require('node:fs/promises');\nmodule.exports = () => [fs.readdirSync('/bundle'), fsp === fs.promises, require('node:fs') === fs];\n`,
    'src/index.js': `import lib from './lib.cjs';\nexport default { fetch() { return Response.json(lib()); } };\n`,
    'wrangler.toml': wranglerToml({ name: 'node-fs', date: '2026-09-01' }),
  }, 'node-fs-');
  try {
    const { bundle } = await buildProject(dir);
    const w = await startWorker(bundle);
    try {
      assert.deepEqual(await (await w.fetch('/')).json(), [bundle.modules.map((m) => m.name).sort(), true, true]);
    } finally {
      await w.dispose();
    }
  } finally {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---- /tmp ----

test('/tmp is private to each request: later and concurrent requests never see its files', async () => {
  const w = await startWorker(`import fs from 'node:fs';
let released = false;
fs.writeFileSync('/tmp/startup', 'written at global scope');
const startupSees = fs.readdirSync('/tmp');
export default { async fetch(request) {
  const path = new URL(request.url).pathname;
  if (path === '/startup') return Response.json(startupSees);
  if (path === '/write') {
    fs.mkdirSync('/tmp/dir/sub', { recursive: true });
    fs.writeFileSync('/tmp/secret', 'from the first request');
    fs.symlinkSync('/tmp/secret', '/tmp/link');
    return Response.json(fs.readdirSync('/tmp').sort());
  }
  if (path === '/list') return Response.json(fs.readdirSync('/tmp'));
  if (path === '/a') {
    fs.writeFileSync('/tmp/mine', 'A');
    while (!released) await new Promise((resolve) => setTimeout(resolve, 5));
    return Response.json([fs.readFileSync('/tmp/mine', 'utf8'), fs.readdirSync('/tmp')]);
  }
  if (path === '/b') {
    const seen = fs.readdirSync('/tmp');
    fs.writeFileSync('/tmp/mine', 'B');
    fs.writeFileSync('/tmp/only-b', 'B');
    released = true;
    return Response.json([seen, fs.readFileSync('/tmp/mine', 'utf8')]);
  }
  if (path === '/later') {
    fs.writeFileSync('/tmp/kept', 'still here');
    const read = new Promise((resolve) => setTimeout(() => resolve(fs.readFileSync('/tmp/kept', 'utf8')), 50));
    return new Response(await read);
  }
  return new Response('?');
} };`);
  try {
    assert.deepEqual(await (await w.fetch('/startup')).json(), ['startup']);
    assert.deepEqual(await (await w.fetch('/list')).json(), []);
    assert.deepEqual(await (await w.fetch('/write')).json(), ['dir', 'link', 'secret']);
    assert.deepEqual(await (await w.fetch('/list')).json(), []);
    const a = w.fetch('/a');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const b = await (await w.fetch('/b')).json();
    assert.deepEqual(b, [[], 'B']);
    assert.deepEqual(await (await a).json(), ['A', ['mine']]);
    assert.equal(await (await w.fetch('/later')).text(), 'still here');
    assert.deepEqual(await (await w.fetch('/list')).json(), []);
  } finally {
    await w.dispose();
  }
});

test('a request\'s /tmp lasts through its waitUntil() work, then is gone', async () => {
  const w = await startWorker(`import fs from 'node:fs';
export default { async fetch(request, env, ctx) {
  if (new URL(request.url).pathname === '/list') return Response.json(fs.readdirSync('/tmp'));
  fs.writeFileSync('/tmp/bg', 'background');
  ctx.waitUntil(new Promise((resolve) => setTimeout(() => { console.log('waitUntil read ' + fs.readFileSync('/tmp/bg', 'utf8')); resolve(); }, 30)));
  return new Response('ok');
} };`);
  try {
    assert.equal(await (await w.fetch('/')).text(), 'ok');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(w.logs.some((l) => l.message === 'waitUntil read background'), JSON.stringify(w.logs));
    assert.deepEqual(await (await w.fetch('/list')).json(), []);
  } finally {
    await w.dispose();
  }
});

test('what requests leave in /tmp is released: many requests writing big files stay within the memory limit', async () => {
  const w = await startWorker(`import fs from 'node:fs';
export default { fetch() {
  const chunk = new Uint8Array(1024 * 1024).fill(7);
  for (let i = 0; i < 20; i++) fs.appendFileSync('/tmp/big', chunk);
  return Response.json([fs.statSync('/tmp/big').size, fs.readdirSync('/tmp')]);
} };`, { limits: { memoryMb: 96 } });
  try {
    for (let i = 0; i < 8; i++) {
      const res = await w.fetch('/');
      const text = await res.text();
      assert.equal(res.status, 200, `request ${i + 1}: ${text}`);
      assert.deepEqual(JSON.parse(text), [20 * 1024 * 1024, ['big']]);
    }
    assert.equal(w.worker.restarts, 0);
  } finally {
    await w.dispose();
  }
});

test('writing without end stops at the memory limit with a clear error, and only that worker is affected', async () => {
  const w = await startWorker(`import fs from 'node:fs';
export default { fetch(request) {
  if (new URL(request.url).pathname === '/ok') return new Response('fine');
  const chunk = new Uint8Array(1024 * 1024);
  try {
    for (let i = 0; ; i++) fs.appendFileSync('/tmp/x' + (i % 4), chunk);
  } catch (e) {
    return Response.json({ code: e.code, message: e.message });
  }
} };`, { limits: { memoryMb: 48 } });
  const bystander = await startWorker(`export default { fetch() { return new Response('up'); } };`);
  try {
    const res = await w.fetch('/');
    if (res.status === 200) {
      assert.deepEqual(await res.json(), { code: 'ENOMEM', message: 'ENOMEM: not enough memory, write' });
    } else {
      assert.equal(res.status, 503);
      assert.match(await res.text(), /memory limit/);
    }
    assert.equal(await (await w.fetch('/ok')).text(), 'fine');
    assert.equal(await (await bystander.fetch('/')).text(), 'up');
  } finally {
    await w.dispose();
    await bystander.dispose();
  }
});

test('Workers\' limits: 128 MB a file, 4096 characters and 48 segments a path', async () => {
  const { results } = await fsChecks(`
    const fd = fs.openSync('/tmp/f', 'w+');
    await check('truncate past', () => fs.ftruncateSync(fd, 128 * 1024 * 1024 + 1));
    await check('write past', () => fs.writeSync(fd, 'x', 128 * 1024 * 1024));
    await check('write at the end', () => fs.writeSync(fd, 'x', 128 * 1024 * 1024 - 1));
    await check('size', () => fs.fstatSync(fd).size);
    fs.ftruncateSync(fd, 0);
    await check('long path', () => fs.writeFileSync('/tmp/' + 'a'.repeat(4100), 'x'));
    await check('long name ok', () => fs.writeFileSync('/tmp/' + 'a'.repeat(200), 'x'));
    await check('deep', () => fs.mkdirSync('/tmp/' + Array(48).fill('d').join('/'), { recursive: true }));
    await check('47 deep ok', () => fs.mkdirSync('/tmp/' + Array(47).fill('d').join('/'), { recursive: true }));
  `);
  const truncate = error(results, 'truncate past');
  assert.equal(truncate.code, 'EFBIG');
  assert.equal(truncate.message, 'EFBIG: file too large, ftruncate');
  assert.equal(error(results, 'write past').code, 'EFBIG');
  assert.equal(value(results, 'write at the end'), 1);
  assert.equal(value(results, 'size'), 128 * 1024 * 1024);
  assert.equal(error(results, 'long path').code, 'ENAMETOOLONG');
  assert.equal(value(results, 'long name ok'), undefined);
  assert.equal(error(results, 'deep').code, 'ENAMETOOLONG');
  assert.equal(value(results, '47 deep ok'), '/tmp/d');
});

// ---- nothing of the host ----

test('nothing of the host is reachable: absolute paths, "..", /proc, file: URLs, symbolic links', async () => {
  const hostDir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'outpost-secret-'));
  nodeFs.writeFileSync(path.join(hostDir, 'secret.txt'), 'host secret');
  try {
    const { results } = await fsChecks(`
      const HOST_DIR = ${JSON.stringify(hostDir)};
      const CWD = ${JSON.stringify(process.cwd())};
      const attempts = ['/etc/passwd', '/etc/hostname', '/proc/self/environ', '/proc/self/cwd/package.json', '/sys/kernel', '/dev/urandom', '/dev/sda',
        '../../../../etc/passwd', '/tmp/../../../etc/passwd', '/bundle/../../etc/passwd', '/bundle/../../../../../../../../etc/passwd',
        'package.json', HOST_DIR + '/secret.txt', '/tmp/' + HOST_DIR.split('/').pop() + '/secret.txt', CWD + '/package.json', '/root', '/home', '/usr/bin/node'];
      await check('reads', () => attempts.map((p) => { try { fs.readFileSync(p); return 'READ ' + p; } catch (e) { return e.code; } }));
      await check('exists', () => attempts.filter((p) => fs.existsSync(p)));
      await check('urls', () => ['file:///etc/passwd', 'file:///proc/self/environ', 'file://localhost/etc/passwd'].map((u) => { try { fs.readFileSync(new URL(u)); return 'READ'; } catch (e) { return e.code; } }));
      await check('url host', () => fs.readFileSync(new URL('file://example.com/etc/passwd')));
      await check('buffer path', () => fs.readFileSync(new TextEncoder().encode('/etc/passwd')));
      await check('create outside', () => ['/etc/passwd', '/etc/new', '/proc/x', '/x'].map((p) => { try { fs.writeFileSync(p, 'x'); return 'WROTE ' + p; } catch (e) { return e.code; } }));
      await check('root', () => fs.readdirSync('/'));
      await check('up from root', () => [fs.readdirSync('/..'), fs.readdirSync('/tmp/../../..'), fs.realpathSync('/tmp/../../..'), fs.realpathSync('../../..')]);
      fs.symlinkSync('/etc/passwd', '/tmp/passwd');
      fs.symlinkSync('../../../../../../../../etc', '/tmp/etc');
      fs.symlinkSync('/', '/tmp/root');
      fs.symlinkSync('/bundle', '/tmp/bundle');
      fs.symlinkSync(HOST_DIR, '/tmp/host');
      await check('link to /etc/passwd', () => fs.readFileSync('/tmp/passwd'));
      await check('link up', () => fs.readdirSync('/tmp/etc'));
      await check('link to root', () => fs.readdirSync('/tmp/root'));
      await check('link to root and up', () => fs.readdirSync('/tmp/root/../..'));
      await check('link to host dir', () => fs.readFileSync('/tmp/host/secret.txt'));
      await check('write through link', () => fs.writeFileSync('/tmp/bundle/x', 'x'));
      await check('realpath through links', () => [fs.realpathSync('/tmp/root/tmp/root/bundle'), fs.readlinkSync('/tmp/etc')]);
      await check('cp from /', () => fs.cpSync('/', '/tmp/all', { recursive: true }));
      await check('cp the rest of /', () => { fs.cpSync('/bundle', '/tmp/all/bundle', { recursive: true }); fs.cpSync('/dev/null', '/tmp/all/null'); return fs.readdirSync('/tmp/all', { recursive: true }); });
      await check('fds', () => [0, 1, 2].map((fd) => fs.fstatSync(fd).isCharacterDevice()).concat([3, 10, 100, 1000].map((fd) => { try { fs.fstatSync(fd); return 'open'; } catch (e) { return e.code; } })));
      await check('stdin', () => fs.readSync(0, new Uint8Array(10)));
    `);
    const reads = value(results, 'reads');
    assert.deepEqual(reads.filter((r) => r.startsWith('READ')), []);
    assert.ok(reads.every((r) => r === 'ENOENT'), JSON.stringify(reads));
    assert.deepEqual(value(results, 'exists'), []);
    assert.deepEqual(value(results, 'urls'), ['ENOENT', 'ENOENT', 'ENOENT']);
    assert.equal(error(results, 'url host').code, 'ERR_INVALID_FILE_URL_HOST');
    assert.equal(error(results, 'buffer path').code, 'ENOENT');
    assert.deepEqual(value(results, 'create outside'), ['ENOENT', 'ENOENT', 'ENOENT', 'EPERM']);
    assert.deepEqual(value(results, 'root'), ['bundle', 'dev', 'tmp']);
    assert.deepEqual(value(results, 'up from root'), [['bundle', 'dev', 'tmp'], ['bundle', 'dev', 'tmp'], '/', '/']);
    assert.equal(error(results, 'link to /etc/passwd').code, 'ENOENT');
    assert.equal(error(results, 'link up').code, 'ENOENT');
    assert.deepEqual(value(results, 'link to root'), ['bundle', 'dev', 'tmp']);
    assert.deepEqual(value(results, 'link to root and up'), ['bundle', 'dev', 'tmp']);
    assert.equal(error(results, 'link to host dir').code, 'ENOENT');
    assert.equal(error(results, 'write through link').code, 'EPERM');
    assert.deepEqual(value(results, 'realpath through links'), ['/bundle', '../../../../../../../../etc']);
    assert.equal(error(results, 'cp from /').code, 'ERR_FS_CP_EINVAL');
    assert.deepEqual(value(results, 'cp the rest of /'), ['bundle', 'null', 'bundle/index.js']);
    assert.deepEqual(value(results, 'fds'), [true, true, true, 'EBADF', 'EBADF', 'EBADF', 'EBADF']);
    assert.equal(value(results, 'stdin'), 0);
  } finally {
    nodeFs.rmSync(hostDir, { recursive: true, force: true });
  }
});

// ---- /dev ----

test('/dev has null, zero, full and random, as Workers has them', async () => {
  const { results } = await fsChecks(`
    const read = (path, n) => { const fd = fs.openSync(path, 'r'); const b = new Uint8Array(n).fill(9); const count = fs.readSync(fd, b); fs.closeSync(fd); return [count, Array.from(b)]; };
    await check('list', () => fs.readdirSync('/dev'));
    await check('types', () => fs.readdirSync('/dev', { withFileTypes: true }).map((d) => d.isCharacterDevice()));
    await check('stat', () => { const s = fs.statSync('/dev/null'); return [s.isCharacterDevice(), s.isFile(), s.size]; });
    await check('null read', () => read('/dev/null', 4));
    await check('null write', () => fs.writeFileSync('/dev/null', 'discarded'));
    await check('null readFile', () => fs.readFileSync('/dev/null', 'utf8'));
    await check('zero read', () => read('/dev/zero', 4));
    await check('zero write', () => fs.appendFileSync('/dev/zero', 'x'));
    await check('full read', () => read('/dev/full', 3));
    await check('full write', () => fs.writeFileSync('/dev/full', 'x'));
    await check('random read', () => { const [n, b] = read('/dev/random', 64); return [n, b.some((x) => x !== 9), new Set(b).size > 8]; });
    await check('random write', () => fs.writeFileSync('/dev/random', 'x'));
    await check('urandom', () => fs.readFileSync('/dev/urandom'));
    await check('copy null', () => { fs.copyFileSync('/dev/null', '/tmp/empty'); return fs.statSync('/tmp/empty').size; });
    await check('stream zero', () => new Promise((resolve) => { const chunks = []; fs.createReadStream('/dev/zero', { end: 9 }).on('data', (c) => chunks.push(...c)).on('end', () => resolve(chunks)); }));
  `);
  assert.deepEqual(value(results, 'list'), ['full', 'null', 'random', 'zero']);
  assert.deepEqual(value(results, 'types'), [true, true, true, true]);
  assert.deepEqual(value(results, 'stat'), [true, false, 0]);
  assert.deepEqual(value(results, 'null read'), [0, [9, 9, 9, 9]]);
  assert.equal(value(results, 'null write'), undefined);
  assert.equal(value(results, 'null readFile'), '');
  assert.deepEqual(value(results, 'zero read'), [4, [0, 0, 0, 0]]);
  assert.equal(value(results, 'zero write'), undefined);
  assert.deepEqual(value(results, 'full read'), [3, [0, 0, 0]]);
  assert.equal(error(results, 'full write').code, 'EPERM');
  assert.deepEqual(value(results, 'random read'), [64, true, true]);
  assert.equal(error(results, 'random write').code, 'EPERM');
  assert.equal(error(results, 'urandom').code, 'ENOENT');
  assert.equal(value(results, 'copy null'), 0);
  assert.deepEqual(value(results, 'stream zero'), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('/dev/random gives nothing at global scope (no randomness there), and file descriptors 1 and 2 are the logs', async () => {
  const w = await startWorker(`import fs from 'node:fs';
const fd = fs.openSync('/dev/random', 'r');
const atStartup = fs.readSync(fd, new Uint8Array(8));
export default { fetch() {
  fs.writeSync(1, 'line one\\nline ');
  fs.writeSync(1, 'two\\n');
  fs.writeSync(2, 'to stderr\\n');
  return Response.json([atStartup, fs.readSync(fd, new Uint8Array(8))]);
} };`);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), [0, 8]);
    assert.deepEqual(w.logs, [
      { level: 'log', message: 'line one' },
      { level: 'log', message: 'line two' },
      { level: 'error', message: 'to stderr' },
    ]);
  } finally {
    await w.dispose();
  }
});

// ---- the module ----

test('node:fs and node:fs/promises have Node\'s exports; watching and globbing throw as in Workers', async () => {
  const { results } = await fsChecks(`
    const promises = fspNs;
    await check('keys', () => [Object.keys(fs), Object.keys(fs.promises), Object.keys(ns).filter((k) => k !== 'default'), Object.keys(fspNs).filter((k) => k !== 'default')]);
    await check('named', () => ['readFileSync', 'writeFile', 'promises', 'constants', 'Stats', 'Dirent', 'Dir', 'ReadStream', 'WriteStream', 'createReadStream', 'opendir', 'cp', 'cpSync', 'openAsBlob', 'statfsSync', 'mkdtempDisposableSync'].filter((n) => typeof ns[n] === 'undefined'));
    await check('same', () => [ns.readFileSync === fs.readFileSync, bare === fs, fsp === fs.promises, promises.readFile === fs.promises.readFile, typeof fs.realpathSync.native, typeof fs.realpath.native]);
    await check('constants', () => [fs.constants.F_OK, fs.constants.R_OK, fs.constants.W_OK, fs.constants.X_OK, fs.constants.O_CREAT, fs.constants.COPYFILE_EXCL, promises.constants === fs.constants]);
    await check('watch', () => fs.watch('/tmp'));
    await check('watchFile', () => fs.watchFile('/tmp', () => {}));
    await check('unwatchFile', () => fs.unwatchFile('/tmp'));
    await check('promises.watch', () => promises.watch('/tmp'));
    await check('globSync', () => fs.globSync('*'));
    await check('new Stats', () => { const s = new fs.Stats(1, 0o100644, 1, 0, 0, 0, 4096, 7, 10, 1, 0, 1000, 0, 0); return [s.isFile(), s.size, s.mtime.getTime()]; });
    await check('ReadStream instance', () => { fs.writeFileSync('/tmp/r', 'r'); const r = fs.createReadStream('/tmp/r'); const out = [r instanceof fs.ReadStream, typeof r.pipe, typeof r.on]; r.destroy(); return out; });
    await check('ReadStream without new', () => { const r = fs.ReadStream('/tmp/r'); r.destroy(); return r instanceof fs.ReadStream; });
    await check('openAsBlob', async () => { const blob = await fs.openAsBlob('/tmp/r', { type: 'text/plain' }); return [blob.size, blob.type, await blob.text()]; });
    await check('statfs', () => Object.keys(fs.statfsSync('/tmp')));
    await check('Buffer', () => { const b = fs.readFileSync('/tmp/r'); return [b instanceof Buffer, Buffer.isBuffer(b), b.toString('hex'), fs.readdirSync('/tmp', 'buffer').every((n) => Buffer.isBuffer(n))]; });
  `);
  // Node's exports, less Utf8Stream (experimental in Node 24, absent from Workers).
  const nodeKeys = Object.keys(nodeFs).filter((k) => k !== 'Utf8Stream').sort();
  const [keys, promiseKeys, named, promiseNamed] = value(results, 'keys');
  assert.deepEqual([...keys].sort(), nodeKeys);
  assert.deepEqual([...named].sort(), nodeKeys);
  assert.deepEqual([...promiseKeys].sort(), Object.keys(nodeFs.promises).sort());
  assert.deepEqual([...promiseNamed].sort(), Object.keys(nodeFs.promises).sort());
  assert.deepEqual(value(results, 'named'), []);
  assert.deepEqual(value(results, 'same'), [true, true, true, true, 'function', 'function']);
  assert.deepEqual(value(results, 'constants'), [0, 4, 2, 1, 64, 1, true]);
  for (const name of ['watch', 'watchFile', 'unwatchFile', 'promises.watch', 'globSync']) {
    const e = error(results, name);
    assert.equal(e.code, 'ERR_UNSUPPORTED_OPERATION', name);
    assert.equal(e.message, 'The requested operation is unsupported');
  }
  assert.deepEqual(value(results, 'new Stats'), [true, 10, 1000]);
  assert.deepEqual(value(results, 'ReadStream instance'), [true, 'function', 'function']);
  assert.equal(value(results, 'ReadStream without new'), true);
  assert.deepEqual(value(results, 'openAsBlob'), [1, 'text/plain', 'r']);
  assert.deepEqual(value(results, 'statfs'), ['type', 'bsize', 'blocks', 'bfree', 'bavail', 'files', 'ffree']);
  // What node:fs returns is node:buffer's Buffer.
  assert.deepEqual(value(results, 'Buffer'), [true, true, '72', true]);
});

test('callbacks are called after the call returns; bad arguments throw at once', async () => {
  const { results } = await fsChecks(`
    await check('order', () => new Promise((resolve) => { const seen = []; fs.readFile('/tmp/none', (err) => { seen.push('callback ' + err.code); resolve(seen); }); seen.push('returned'); }));
    await check('no callback', () => fs.readFile('/tmp/x'));
    await check('bad path', () => fs.stat(42.5, () => {}));
    await check('thrown by the callback is reported', () => new Promise((resolve) => { fs.stat('/tmp', () => { setTimeout(resolve, 10); throw new Error('from callback'); }); }));
  `);
  assert.deepEqual(value(results, 'order'), ['returned', 'callback ENOENT']);
  assert.equal(error(results, 'no callback').message, 'The "cb" argument must be of type function. Received undefined');
  assert.equal(error(results, 'bad path').code, 'ERR_INVALID_ARG_TYPE');
});

test('without Node.js compatibility there is no node:fs', async () => {
  await assert.rejects(startWorker(`import fs from 'node:fs'; export default { fetch() { return new Response(typeof fs); } }`, { compat: NO_NODE_COMPAT }), /No such module "node:fs"/);
  await assert.rejects(startWorker(`import fsp from 'node:fs/promises'; export default { fetch() { return new Response(typeof fsp); } }`, { compat: NO_NODE_COMPAT }), /No such module "node:fs\/promises"/);
});
