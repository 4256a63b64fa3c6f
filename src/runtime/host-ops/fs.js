// node:fs's host side. The virtual file system lives in the isolate (its /tmp counts against the
// isolate's memory, as in Workers); the host only answers what the isolate cannot know itself:
// which modules the bundle holds (/bundle), their bytes, and which events are still running (each
// event has its own /tmp, dropped once the event is over). Nothing here ever touches the host's
// own file system.

const listings = new WeakMap(); // bundle -> [[name, size], ...]

const utf8Length = (text) => Buffer.byteLength(text, 'utf8');

function moduleBytes(module) {
  const content = module.content;
  if (typeof content === 'string') {
    const bytes = Buffer.from(content, 'utf8');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  if (ArrayBuffer.isView(content)) return new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
  if (content instanceof ArrayBuffer) return new Uint8Array(content);
  return new Uint8Array(0);
}

// [[module name, byte length], ...] for every module of the worker's bundle.
function fsBundleList(host) {
  const bundle = host.spec.bundle;
  let listing = listings.get(bundle);
  if (!listing) {
    listing = bundle.modules.map((m) => [m.name, typeof m.content === 'string' ? utf8Length(m.content) : (m.content?.byteLength ?? 0)]);
    listings.set(bundle, listing);
  }
  return listing;
}

// The bytes of bundle module `name` (the file /bundle/<name>).
function fsBundleRead(host, name) {
  const module = host.modulesByName.get(name);
  if (!module) throw new Error(`No such module "${name}".`);
  return moduleBytes(module);
}

// Of the event ids given, those still running.
function fsLiveEvents(host, ids) {
  if (!Array.isArray(ids)) throw new TypeError('Expected an array of event ids.');
  return ids.filter((id) => host.invocations.has(id));
}

export const ops = { fsBundleList, fsBundleRead, fsLiveEvents };
