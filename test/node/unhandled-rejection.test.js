// The global scope's unhandledrejection event and process.on('unhandledRejection'): a turn that
// ends on a promise rejection nothing handled dispatches a PromiseRejectionEvent; the rejection
// is logged unless a listener called preventDefault() (or process had a listener).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, NO_NODE_COMPAT } from '../helpers/worker.js';

const errorsLogged = (w) => w.logs.filter((l) => l.level === 'error').map((l) => l.message);

// A worker whose fetch rejects a promise nothing handles with what ?reject= names, and whose
// /seen answers with what its listeners recorded.
const REJECTER = `
const seen = [];
const REASONS = {
  typeError: () => new TypeError('bad type'),
  custom: () => { class Custom extends Error { constructor() { super('custom one'); this.name = 'Custom'; this.code = 7; } } return new Custom(); },
  string: () => 'just a string',
  number: () => 42,
  undefined: () => undefined,
  object: () => ({ status: 404 }),
};
function rejectWith(name) {
  if (name in REASONS) Promise.reject(REASONS[name]());
  else (async () => { await null; throw new RangeError('from an async function'); })();
}
`;

test('unhandledrejection reaches global listeners as a PromiseRejectionEvent; preventDefault() keeps it out of the log', async () => {
  const w = await startWorker(`${REJECTER}
addEventListener('unhandledrejection', function (event) {
  const { reason } = event;
  seen.push({
    isEvent: event instanceof PromiseRejectionEvent && event instanceof Event, type: event.type, cancelable: event.cancelable,
    thisIsGlobal: this === globalThis, targetIsGlobal: event.target === globalThis, isPromise: event.promise instanceof Promise,
    reason: reason instanceof Error ? [reason.constructor.name, reason.name, reason.message, reason.stack.split('\\n')[0], /index\\.js/.test(reason.stack)] : [typeof reason, reason],
  });
  event.promise.catch((r) => seen.push(['promise rejects with the reason', r === reason]));
  if (new URL(self.lastUrl).searchParams.has('quiet')) event.preventDefault();
});
export default {
  fetch(request) {
    self.lastUrl = request.url;
    const url = new URL(request.url);
    if (url.pathname === '/seen') return Response.json(seen.splice(0));
    rejectWith(url.searchParams.get('reject'));
    return new Response('answered');
  },
};`);
  try {
    assert.equal(await (await w.fetch('/?reject=typeError')).text(), 'answered');
    const [event, promise] = await (await w.fetch('/seen')).json();
    assert.deepEqual(event, {
      isEvent: true, type: 'unhandledrejection', cancelable: true, thisIsGlobal: true, targetIsGlobal: true, isPromise: true,
      reason: ['TypeError', 'TypeError', 'bad type', 'TypeError: bad type', true],
    });
    assert.deepEqual(promise, ['promise rejects with the reason', true]);
    assert.equal(errorsLogged(w).length, 1);
    assert.match(errorsLogged(w)[0], /^Uncaught \(in promise\) TypeError: bad type\n\s+at Object\.typeError \(index\.js:4:20\)/);

    await w.fetch('/?reject=async&quiet');
    assert.deepEqual((await (await w.fetch('/seen')).json())[0].reason, ['RangeError', 'RangeError', 'from an async function', 'RangeError: from an async function', true]);
    assert.equal(errorsLogged(w).length, 1, 'a prevented rejection is not logged');

    const reasons = {};
    for (const name of ['custom', 'string', 'number', 'undefined', 'object']) {
      await w.fetch(`/?reject=${name}&quiet`);
      reasons[name] = (await (await w.fetch('/seen')).json())[0].reason;
    }
    // An error keeps its name, message and stack; primitives cross as they are; any other
    // object arrives as isolated-vm's error saying so.
    assert.deepEqual(reasons.custom, ['Error', 'Custom', 'custom one', 'Custom: custom one', true]);
    assert.deepEqual(reasons.string, ['string', 'just a string']);
    assert.deepEqual(reasons.number, ['number', 42]);
    assert.deepEqual(reasons.undefined, ['undefined', null]);
    assert.equal(reasons.object[0], 'Error');
    assert.match(reasons.object[2], /not an instance of `Error`/);
    assert.equal(errorsLogged(w).length, 1);
    assert.equal(w.worker.restarts, 0);
  } finally {
    await w.dispose();
  }
});

test('listeners: removeEventListener, once, a throwing listener, and several listeners', async () => {
  const w = await startWorker(`${REJECTER}
const counting = () => seen.push('counting');
addEventListener('unhandledrejection', counting);
addEventListener('unhandledrejection', counting);
addEventListener('unhandledrejection', () => seen.push('once'), { once: true });
addEventListener('unhandledrejection', () => { throw new Error('listener failed'); });
addEventListener('unhandledrejection', (event) => { seen.push('last'); event.preventDefault(); });
addEventListener('rejectionhandled', () => seen.push('rejectionhandled'));
export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/seen') return Response.json(seen.splice(0));
    if (url.pathname === '/remove') removeEventListener('unhandledrejection', counting);
    rejectWith('string');
    return new Response('answered');
  },
};`);
  try {
    await w.fetch('/');
    assert.deepEqual(await (await w.fetch('/seen')).json(), ['counting', 'once', 'last']);
    assert.match(errorsLogged(w).join('\n'), /listener failed/);
    assert.doesNotMatch(errorsLogged(w).join('\n'), /just a string/);
    await w.fetch('/remove');
    assert.deepEqual(await (await w.fetch('/seen')).json(), ['last']);
  } finally {
    await w.dispose();
  }
});

test("process.on('unhandledRejection') hears of it with (reason, promise), and then it is not logged", async () => {
  const w = await startWorker(`${REJECTER}
import process from 'node:process';
const listener = (reason, promise) => seen.push([reason, promise instanceof Promise]);
export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/seen') return Response.json(seen.splice(0));
    if (url.pathname === '/on') process.on('unhandledRejection', listener);
    if (url.pathname === '/off') process.off('unhandledRejection', listener);
    rejectWith('string');
    return new Response('answered');
  },
};`);
  try {
    await w.fetch('/on');
    assert.deepEqual(await (await w.fetch('/seen')).json(), [['just a string', true]]);
    assert.deepEqual(errorsLogged(w), []);
    await w.fetch('/off');
    assert.deepEqual(await (await w.fetch('/seen')).json(), []);
    assert.deepEqual(errorsLogged(w), ['Uncaught (in promise) Error: just a string']);
  } finally {
    await w.dispose();
  }
});

test('without Node.js compatibility, and in service-worker scripts, the global event is there', async () => {
  const modules = await startWorker(`
let seen = null;
addEventListener('unhandledrejection', (event) => { seen = event.reason; event.preventDefault(); });
export default { fetch(request) {
  if (new URL(request.url).pathname === '/seen') return Response.json([seen, typeof process]);
  Promise.reject('modules');
  return new Response('');
} };`, { compat: NO_NODE_COMPAT });
  const script = await startWorker(`
let seen = null;
addEventListener('unhandledrejection', (event) => { seen = event.reason; event.preventDefault(); });
addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname === '/seen') return event.respondWith(Response.json([seen]));
  Promise.reject('script');
  event.respondWith(new Response(''));
});`, { format: 'service-worker' });
  try {
    await modules.fetch('/');
    assert.deepEqual(await (await modules.fetch('/seen')).json(), ['modules', 'undefined']);
    await script.fetch('/');
    assert.deepEqual(await (await script.fetch('/seen')).json(), ['script']);
    assert.deepEqual([...errorsLogged(modules), ...errorsLogged(script)], []);
  } finally {
    await modules.dispose();
    await script.dispose();
  }
});

test('PromiseRejectionEvent can be constructed, and requires its promise', async () => {
  const w = await startWorker(`export default { fetch() {
  const promise = Promise.resolve(1);
  const event = new PromiseRejectionEvent('unhandledrejection', { promise, reason: 'why', cancelable: true });
  const errors = [];
  for (const make of [() => new PromiseRejectionEvent('x'), () => new PromiseRejectionEvent('x', {}), () => new PromiseRejectionEvent('x', null)]) {
    try { make(); } catch (e) { errors.push(e.constructor.name); }
  }
  return Response.json([event.promise === promise, event.reason, event.type, event.cancelable, Object.prototype.toString.call(event), errors]);
} };`);
  try {
    assert.deepEqual(await (await w.fetch('/')).json(), [true, 'why', 'unhandledrejection', true, '[object PromiseRejectionEvent]', ['TypeError', 'TypeError', 'TypeError']]);
  } finally {
    await w.dispose();
  }
});
