// The virtual file system of node:fs, as Workers has it: nothing of the host, only
//
//   /bundle   the worker's modules, one read-only file each (bytes fetched from the host on read)
//   /tmp      writable, in memory, private to one event: each request (or scheduled/queue event,
//             RPC call) sees its own empty /tmp, dropped once the event is over; code at global
//             scope gets one of its own for the time the worker starts
//   /dev      null, zero, full, random
//
// Everything written lives in this isolate's memory and counts against its memory limit, as in
// Workers. Paths are only ever looked up in this tree: "..", symlinks and file: URLs all resolve
// inside it, so nothing can reach the host's files.
import { hostCall } from '../../internal/bridge.js';
import { uvError } from './errors.js';
import { onEventEnd } from './event-end.js';

export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFLNK = 0o120000;

// Workers' limits: a file holds at most 128 MB; a path is at most 4096 characters long and has
// at most 48 segments.
export const MAX_FILE_SIZE = 128 * 1024 * 1024;
const MAX_PATH_LENGTH = 4096;
const MAX_SEGMENTS = 48;
// Linux's limit on symbolic links followed in one lookup.
const MAX_LINKS = 40;

// st_dev: which "device" (part of the tree) a node belongs to.
const DEV_ROOT = 1;
const DEV_BUNDLE = 2;
const DEV_TMP = 3;
const DEV_DEV = 4;

const EMPTY = new Uint8Array(0);
let nextIno = 1;

class Node {
  constructor(kind, dev, writable) {
    this.kind = kind; // 'file' | 'dir' | 'symlink' | 'device'
    this.dev = dev;
    this.writable = writable;
    this.ino = nextIno++;
    this.nlink = 1;
    // Workers sets every time stamp to the Unix epoch; utimes() can change them in /tmp.
    this.atimeMs = 0;
    this.mtimeMs = 0;
    this.ctimeMs = 0;
    this.birthtimeMs = 0;
  }
}

export class FileNode extends Node {
  constructor(dev, writable) {
    super('file', dev, writable);
    this.data = EMPTY; // capacity may exceed size; bytes past size are zero
    this.size = 0;
    this.bundleName = null; // set for files of /bundle, whose bytes stay on the host
  }
}

export class DirNode extends Node {
  constructor(dev, writable, parent, name) {
    super('dir', dev, writable);
    this.entries = new Map();
    this.parent = parent ?? this;
    this.name = name;
    this.load = null; // fills `entries` on first use (/bundle)
  }
}

export class LinkNode extends Node {
  constructor(target) {
    super('symlink', DEV_TMP, true);
    this.target = target;
  }
}

class DeviceNode extends Node {
  constructor(device, writable = true) {
    super('device', DEV_DEV, writable);
    this.device = device; // 'null' | 'zero' | 'full' | 'random' | 'stdin' | 'stdout' | 'stderr'
  }
}

// ---- the tree ----

const root = new DirNode(DEV_ROOT, false, null, '');
const bundle = new DirNode(DEV_BUNDLE, false, root, 'bundle');
const dev = new DirNode(DEV_DEV, false, root, 'dev');
const TMP = Symbol('tmp'); // stands for the current event's /tmp in root's entries
root.entries.set('bundle', bundle);
root.entries.set('dev', dev);
root.entries.set('tmp', TMP);
for (const name of ['full', 'null', 'random', 'zero']) dev.entries.set(name, new DeviceNode(name));

bundle.load = (dir) => {
  for (const [name, size] of hostCall('fsBundleList')) {
    const parts = name.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..')) continue;
    let at = dir;
    for (let i = 0; i < parts.length - 1 && at; i++) {
      let next = at.entries.get(parts[i]);
      if (next === undefined) {
        next = new DirNode(DEV_BUNDLE, false, at, parts[i]);
        at.entries.set(parts[i], next);
      }
      at = next.kind === 'dir' ? next : null;
    }
    const last = parts[parts.length - 1];
    if (!at || at.entries.has(last)) continue;
    const file = new FileNode(DEV_BUNDLE, false);
    file.bundleName = name;
    file.size = size;
    at.entries.set(last, file);
  }
};

// Each event's /tmp, by event id (0: the worker's global scope, while it starts).
const tmps = new Map();

function currentEvent() {
  return hostCall('currentInvocation');
}

function currentTmp() {
  const id = currentEvent();
  let dir = tmps.get(id);
  if (dir === undefined) {
    if (tmps.size > 0) dropFinishedEvents();
    dir = new DirNode(DEV_TMP, true, root, 'tmp');
    tmps.set(id, dir);
  }
  return dir;
}

// The /tmp of events that are over are dropped (with their files, unless a file descriptor still
// holds one): when the event ends, if the dispatcher says so (event-end.js), and in any case when
// another event first uses /tmp (the host says which events are still running).
function dropFinishedEvents() {
  const ids = [...tmps.keys()];
  const live = new Set(hostCall('fsLiveEvents', ids));
  for (const id of ids) if (!live.has(id)) tmps.delete(id);
}

onEventEnd((id) => tmps.delete(id));

function entriesOf(dir) {
  if (dir.load !== null) {
    const load = dir.load;
    dir.load = null;
    load(dir);
  }
  return dir.entries;
}

function childOf(dir, name) {
  const child = entriesOf(dir).get(name);
  return child === TMP ? currentTmp() : child;
}

// [[name, node], ...] of a directory, sorted by name.
export function listDir(dir) {
  const names = [...entriesOf(dir).keys()].sort();
  return names.map((name) => [name, childOf(dir, name)]);
}

export function isDirEmpty(dir) {
  return entriesOf(dir).size === 0;
}

export function addEntry(dir, name, node) {
  entriesOf(dir).set(name, node);
  if (node.kind === 'dir') {
    node.parent = dir;
    node.name = name;
  }
}

export function removeEntry(dir, name) {
  entriesOf(dir).delete(name);
}

export function isAncestor(ancestor, dir) {
  for (let at = dir; ; at = at.parent) {
    if (at === ancestor) return true;
    if (at.parent === at) return false;
  }
}

// The canonical absolute path of a directory.
export function dirPath(dir) {
  const names = [];
  for (let at = dir; at.parent !== at; at = at.parent) names.push(at.name);
  return `/${names.reverse().join('/')}`;
}

// ---- paths ----

// `path` made absolute against `cwd` and checked against Workers' limits (the checks count the
// path as it reads once "." and ".." are folded, as Workers does).
export function absolutePath(path, cwd, syscall, errorPath = path, dest) {
  const absolute = path.startsWith('/') ? path : `${cwd}/${path}`;
  const folded = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') folded.pop();
    else folded.push(part);
  }
  if (folded.length > MAX_SEGMENTS || folded.join('/').length + 1 > MAX_PATH_LENGTH) throw uvError('ENAMETOOLONG', syscall, errorPath, dest);
  return absolute;
}

function parts(path) {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

// Looks `path` (absolute) up. Returns { node, dir, name }: the node (null when only the last
// component is missing), the directory holding it and its name there. Symbolic links on the way
// are followed, and the last one too when `follow` (or the path ends in "/"). `fail(code)` makes
// the error thrown for a component before the last missing (ENOENT) or not a directory (ENOTDIR),
// or for too many links (ELOOP).
export function lookup(path, follow, fail) {
  const pending = parts(path).reverse();
  const trailingSlash = path.length > 1 && path.endsWith('/');
  let node = root;
  let dir = root;
  let name = null;
  let links = 0;
  while (pending.length > 0) {
    const part = pending.pop();
    if (node.kind !== 'dir') throw fail('ENOTDIR');
    const at = node;
    if (part === '..') {
      node = at.parent;
      dir = node.parent;
      name = null;
      continue;
    }
    const child = childOf(at, part);
    dir = at;
    name = part;
    if (child === undefined) {
      if (pending.length > 0) throw fail('ENOENT');
      return { node: null, dir, name, trailingSlash };
    }
    if (child.kind === 'symlink' && (pending.length > 0 || follow || trailingSlash)) {
      if (++links > MAX_LINKS) throw fail('ELOOP');
      const target = child.target;
      if (target === '') throw fail('ENOENT');
      const targetParts = parts(target);
      for (let i = targetParts.length - 1; i >= 0; i--) pending.push(targetParts[i]);
      node = target.startsWith('/') ? root : at;
      if (targetParts.length === 0) {
        dir = node.parent;
        name = null;
      }
      continue;
    }
    node = child;
  }
  if (node === root || name === null) return { node, dir: node.parent, name: null, trailingSlash };
  return { node, dir, name, trailingSlash };
}

// ---- file contents ----

// A file's bytes: a view of its data, or (for /bundle) a copy fetched from the host.
export function contentOf(file) {
  if (file.bundleName !== null) return hostCall('fsBundleRead', file.bundleName);
  return file.data.subarray(0, file.size);
}

function allocate(length, syscall) {
  try {
    return new Uint8Array(length);
  } catch {
    // The isolate's memory limit (which /tmp counts against, as in Workers).
    throw uvError('ENOMEM', syscall);
  }
}

// Makes room for `size` bytes (the size itself is not changed).
function reserve(file, size, syscall) {
  if (size > MAX_FILE_SIZE) throw uvError('EFBIG', syscall);
  if (size <= file.data.length) return;
  const capacity = Math.min(MAX_FILE_SIZE, Math.max(size, file.data.length * 2, 64));
  let data;
  try {
    data = new Uint8Array(capacity);
  } catch {
    data = allocate(size, syscall);
  }
  data.set(file.data.subarray(0, file.size));
  file.data = data;
}

export function writeBytes(file, bytes, position, syscall = 'write') {
  const end = position + bytes.byteLength;
  reserve(file, end, syscall);
  file.data.set(bytes, position);
  if (end > file.size) file.size = end;
  return bytes.byteLength;
}

export function resize(file, size, syscall) {
  if (size > file.size) {
    reserve(file, size, syscall);
  } else if (size < file.size) {
    if (size === 0 || size < file.data.length / 4) {
      const data = size === 0 ? EMPTY : allocate(size, syscall);
      data.set(file.data.subarray(0, size));
      file.data = data;
    } else {
      file.data.fill(0, size, file.size);
    }
  }
  file.size = size;
}

// ---- devices ----

function randomFill(target) {
  // Random bytes exist only while an event is handled (as getRandomValues at global scope).
  if (currentEvent() === 0) return 0;
  for (let offset = 0; offset < target.byteLength; offset += 65536) {
    crypto.getRandomValues(target.subarray(offset, Math.min(target.byteLength, offset + 65536)));
  }
  return target.byteLength;
}

export function readDevice(device, target) {
  switch (device.device) {
    case 'zero':
    case 'full':
      target.fill(0);
      return target.byteLength;
    case 'random':
      return randomFill(target);
    default:
      return 0; // null, stdin: end of file
  }
}

const stdioLines = { stdout: '', stderr: '' };
let stdioFlushQueued = false;
let stdioDecoder = null;

function flushStdio() {
  stdioFlushQueued = false;
  for (const stream of ['stdout', 'stderr']) {
    if (stdioLines[stream] !== '') {
      (stream === 'stdout' ? console.log : console.error)(stdioLines[stream]);
      stdioLines[stream] = '';
    }
  }
}

// Writes to file descriptors 1 and 2 end up in the worker's logs, a line at a time.
function writeStdio(stream, bytes) {
  stdioDecoder ??= new TextDecoder();
  let text = stdioLines[stream] + stdioDecoder.decode(bytes);
  let newline;
  while ((newline = text.indexOf('\n')) !== -1) {
    (stream === 'stdout' ? console.log : console.error)(text.slice(0, newline));
    text = text.slice(newline + 1);
  }
  stdioLines[stream] = text.length > 4096 ? text.slice(-4096) : text;
  if (text !== '' && !stdioFlushQueued) {
    stdioFlushQueued = true;
    queueMicrotask(flushStdio);
  }
}

export function writeDevice(device, bytes, syscall, path) {
  switch (device.device) {
    case 'stdout':
    case 'stderr':
      writeStdio(device.device, bytes);
      return bytes.byteLength;
    case 'full':
    case 'random':
      throw uvError('EPERM', syscall, path);
    default:
      return bytes.byteLength; // null, zero: discarded
  }
}

// ---- file descriptors ----

// An open file: the node, how it was opened and where it is at.
export class OpenFile {
  constructor(node, readable, writable, append, path) {
    this.node = node;
    this.readable = readable;
    this.writable = writable;
    this.append = append;
    this.position = 0;
    this.path = path;
    this.bytes = null; // a /bundle file's content, fetched once for this descriptor
    this.fd = -1;
  }
}

const stdio = [
  new OpenFile(new DeviceNode('stdin', false), true, false, false, null),
  new OpenFile(new DeviceNode('stdout'), false, true, true, null),
  new OpenFile(new DeviceNode('stderr'), false, true, true, null),
];
stdio.forEach((file, fd) => {
  file.fd = fd;
});
const fds = new Map();
let nextFd = 3;

export function register(openFile) {
  if (nextFd >= 2 ** 31 - 1) throw uvError('EMFILE', 'open', openFile.path);
  openFile.fd = nextFd++;
  fds.set(openFile.fd, openFile);
  return openFile.fd;
}

export function fileOf(fd, syscall) {
  const file = fd <= 2 ? stdio[fd] : fds.get(fd);
  if (file === undefined) throw uvError('EBADF', syscall);
  return file;
}

export function close(fd, syscall = 'close') {
  if (fd <= 2) return;
  if (!fds.delete(fd)) throw uvError('EBADF', syscall);
}
