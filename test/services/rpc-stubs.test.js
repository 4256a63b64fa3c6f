// Workers RPC beyond cloned values, between two real workers of one process (a service binding
// and a Durable Object binding into the second): functions and RpcTarget instances crossing as
// stubs both ways, streams, Request and Response, promise pipelining, disposal and dup(), and
// Workers' errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from '../../src/runtime/worker.js';
import { moduleBundle, startWorker } from '../helpers/worker.js';

const BACKEND = `import { WorkerEntrypoint, DurableObject, RpcTarget } from 'cloudflare:workers';
const disposed = [];
class Counter extends RpcTarget {
  #value;
  constructor(value) {
    super();
    this.#value = value;
    this.visible = 'an instance property';
    this.arrow = () => 'an instance function';
  }
  increment(by = 1) { this.#value += by; return this.#value; }
  get value() { return this.#value; }
  child() { return new Counter(this.#value * 10); }
  [Symbol.dispose]() { disposed.push(this.#value); }
}
export default class Backend extends WorkerEntrypoint {
  newCounter(value) { return new Counter(value); }
  getAdder() { const add = (a, b) => a + b; add.label = 'adder'; return add; }
  getObject() { return { foo: 5, counter: new Counter(7), nested: { deep: () => 'deep' } }; }
  get config() { return { name: 'cfg', greet: (who) => 'hi ' + who }; }
  async callTwice(fn) { return [await fn(1), await fn(2)]; }
  async useTally(tally) { await tally.add(2); await tally.add(3); return tally.total; }
  async keep(tally) {
    await tally.add(1);
    const dup = tally.dup();
    return { original: () => tally.add(1), viaDup: () => dup.add(1) };
  }
  readStream(stream) { return new Response(stream).text(); }
  async writeTo(stream, parts) {
    const writer = stream.getWriter();
    for (const part of parts) await writer.write(new TextEncoder().encode(part));
    await writer.close();
    return 'written';
  }
  makeStream(parts) {
    const { readable, writable } = new TransformStream();
    this.ctx.waitUntil((async () => {
      const writer = writable.getWriter();
      for (const part of parts) await writer.write(new TextEncoder().encode(part));
      await writer.close();
    })());
    return readable;
  }
  async describeRequest(request) { return [request.method, request.url, request.headers.get('x-a'), await request.text()]; }
  makeResponse(text) {
    return new Response(new Blob([text]).stream(), { status: 201, statusText: 'Made', headers: { 'x-b': 'b' } });
  }
  roundTrip(value) { return value; }
  disposals() { return disposed.slice(); }
  boom() { throw new RangeError('out of range'); }
  custom() { class MyError extends Error {} MyError.prototype.name = 'MyError'; throw new MyError('mine'); }
  giveInstance() { return { ok: 1, thing: new (class Thing {})() }; }
}
export class Room extends DurableObject {
  #visits = 0;
  newCounter(value) { return new Counter(value); }
  visit(callback) { this.#visits += 1; return callback(this.#visits); }
  useTally(tally) { return tally.add(10); }
}`;

// The caller: GET /<scenario> runs one of these and answers with its result as JSON.
const CALLER = `import { RpcTarget } from 'cloudflare:workers';
class Tally extends RpcTarget {
  #total = 0;
  add(n) { this.#total += n; return this.#total; }
  get total() { return this.#total; }
}
const failure = (e) => ({ error: [e.constructor.name, e.name, e.message] });
const attempt = (fn) => Promise.resolve().then(fn).catch(failure);
const text = (bytes) => new TextDecoder().decode(bytes);
let saved = null;

const scenarios = {
  async callbacks(env) {
    const seen = [];
    const results = await env.B.callTwice((x) => { seen.push(x); return x * 10; });
    const add = await env.B.getAdder();
    return { results, seen, add: [await add(2, 3), await add.label, typeof add], tally: await env.B.useTally(new Tally()) };
  },
  async targets(env) {
    using counter = await env.B.newCounter(1);
    const out = [await counter.increment(2), await counter.increment(), await counter.value, typeof counter];
    out.push(await attempt(() => counter.visible), await attempt(() => counter.arrow()), await attempt(() => counter.constructor()));
    using child = await counter.child();
    out.push(await child.increment(1));
    return out;
  },
  async pipelining(env) {
    const failed = env.B.boom();
    const failures = Promise.all([attempt(() => failed.increment()), attempt(() => failed)]);
    return [
      await env.B.newCounter(5).increment(1),
      await env.B.getObject().foo,
      await env.B.getObject().counter.increment(1),
      await env.B.getObject().nested.deep(),
      await env.B.getAdder()(4, 5),
      await env.B.config.name,
      await env.B.config.greet('ada'),
      await env.O.getByName('p').newCounter(3).increment(4),
      ...(await failures),
    ];
  },
  async streams(env) {
    const parts = ['one ', 'two ', 'three'];
    const sent = new ReadableStream({ pull(c) { if (parts.length) c.enqueue(new TextEncoder().encode(parts.shift())); else c.close(); } });
    const big = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    const echoed = await env.B.roundTrip(new Blob([big]).stream());
    const back = new Uint8Array(await new Response(echoed).arrayBuffer());
    const locked = new ReadableStream();
    locked.getReader();
    // A WritableStream the callee writes into, and one sent there and back.
    const written = new TransformStream();
    const [writeResult, writtenText] = await Promise.all([env.B.writeTo(written.writable, ['x', 'y', 'z']), new Response(written.readable).text()]);
    const through = new TransformStream();
    const returned = await env.B.roundTrip(through.writable);
    const reading = new Response(through.readable).text();
    const writer = returned.getWriter();
    await writer.write(new TextEncoder().encode('there and back'));
    await writer.close();
    const lockedWritable = new WritableStream();
    lockedWritable.getWriter();
    return {
      read: await env.B.readStream(sent),
      received: await new Response(await env.B.makeStream(['a', 'b', 'c'])).text(),
      roundTrip: [back.length, back.every((b, i) => b === i % 251)],
      locked: await attempt(() => env.B.readStream(locked)),
      written: [writeResult, writtenText],
      writableRoundTrip: await reading,
      lockedWritable: await attempt(() => env.B.writeTo(lockedWritable, [])),
    };
  },
  async http(env) {
    const response = await env.B.makeResponse('made body');
    const headers = await env.B.roundTrip(new Headers({ 'x-h': 'h' }));
    const streamed = new Request('https://backend/upload', { method: 'PUT', headers: { 'x-a': 'streamed' }, body: new Blob(['from a stream']).stream(), duplex: 'half' });
    return {
      request: await env.B.describeRequest(new Request('https://backend/path?q=1', { method: 'POST', headers: { 'x-a': 'a' }, body: 'payload' })),
      streamedRequest: await env.B.describeRequest(streamed),
      response: [response instanceof Response, response.status, response.statusText, response.headers.get('x-b'), await response.text()],
      headers: [headers instanceof Headers, headers.get('x-h')],
    };
  },
  async disposal(env) {
    const counter = await env.B.newCounter(1);
    const dup = counter.dup();
    counter[Symbol.dispose]();
    const afterDispose = await attempt(() => counter.increment());
    const viaDup = await dup.increment();
    dup[Symbol.dispose]();
    {
      using scoped = await env.B.newCounter(40);
      await scoped.increment(2);
    }
    const object = await env.B.getObject();
    const beforeObjectDispose = await object.counter.increment(3);
    object[Symbol.dispose]();
    const kept = await env.B.keep(new Tally());
    return {
      afterDispose,
      viaDup,
      beforeObjectDispose,
      afterObjectDispose: await attempt(() => object.counter.increment()),
      // The stub the callee received as an argument lasted as long as the call; its dup lives on.
      original: await attempt(() => kept.original()),
      viaKeptDup: await kept.viaDup(),
      disposals: await env.B.disposals(),
    };
  },
  async errors(env) {
    return {
      missing: await attempt(() => env.B.noSuchMethod()),
      remote: await attempt(() => env.B.boom()),
      custom: await attempt(() => env.B.custom()),
      instanceArg: await attempt(() => env.B.roundTrip({ point: new (class Point {})() })),
      instanceResult: await attempt(() => env.B.giveInstance()),
      promiseArg: await attempt(() => env.B.roundTrip(Promise.resolve(1))),
    };
  },
  async objects(env) {
    const room = env.O.getByName('room');
    using counter = await room.newCounter(2);
    return [await room.visit((n) => 'visit ' + n), await room.visit((n) => 'visit ' + n), await room.useTally(new Tally()), await counter.increment(3)];
  },
  async save(env) {
    saved = await env.B.newCounter(100);
    return await saved.increment(1);
  },
  async useSaved(env) {
    return { later: await attempt(() => saved.increment(1)), disposals: await env.B.disposals() };
  },
};

export default {
  async fetch(request, env) {
    return Response.json(await attempt(() => scenarios[new URL(request.url).pathname.slice(1)](env)));
  },
};`;

// The two workers; `run(scenario)` fails if either logged an error meanwhile.
async function pair() {
  const backendLogs = [];
  const backend = new Worker({ name: 'backend', bundle: moduleBundle(BACKEND), log: (level, message) => backendLogs.push({ level, message }) }).start();
  const caller = await startWorker(CALLER, {
    env: {
      bindings: {
        B: { type: 'service', service: 'backend', entrypoint: null },
        O: { type: 'durable-object', className: 'Room', scriptName: 'backend' },
      },
    },
  });
  caller.worker.services = (name) => (name === 'backend' ? backend : null);
  return {
    async run(scenario) {
      const result = await (await caller.fetch(`/${scenario}`)).json();
      assert.deepEqual([...backendLogs, ...caller.logs].filter(({ level }) => level === 'error'), []);
      return result;
    },
    async dispose() {
      await caller.dispose();
      backend.dispose();
    },
  };
}

const DISPOSED = { error: ['Error', 'Error', 'RPC stub used after being disposed.'] };

test('functions cross as stubs that call back into the isolate they came from; so do RpcTargets of the caller', async () => {
  const { run, dispose } = await pair();
  try {
    assert.deepEqual(await run('callbacks'), { results: [10, 20], seen: [1, 2], add: [5, 'adder', 'function'], tally: 5 });
  } finally {
    await dispose();
  }
});

test('an RpcTarget crosses as a stub: methods and accessors of its class, not its instance properties', async () => {
  const { run, dispose } = await pair();
  try {
    const notImplemented = (name) => ({ error: ['TypeError', 'TypeError', `The RPC receiver does not implement the method "${name}".`] });
    assert.deepEqual(await run('targets'), [3, 4, 4, 'function', notImplemented('visible'), notImplemented('arrow'), notImplemented('constructor'), 41]);
  } finally {
    await dispose();
  }
});

test('promise pipelining: calls and property reads on a result before it arrives; its failure fails them', async () => {
  const { run, dispose } = await pair();
  try {
    const outOfRange = { error: ['RangeError', 'RangeError', 'out of range'] };
    assert.deepEqual(await run('pipelining'), [6, 5, 8, 'deep', 9, 'cfg', 'hi ada', 7, outOfRange, outOfRange]);
  } finally {
    await dispose();
  }
});

test('ReadableStreams and WritableStreams cross both ways, streamed through the host; locked ones are refused', async () => {
  const { run, dispose } = await pair();
  try {
    assert.deepEqual(await run('streams'), {
      read: 'one two three',
      received: 'abc',
      roundTrip: [1024 * 1024, true],
      locked: { error: ['TypeError', 'TypeError', 'The ReadableStream has been locked to a reader.'] },
      written: ['written', 'xyz'],
      writableRoundTrip: 'there and back',
      lockedWritable: { error: ['TypeError', 'TypeError', 'The WritableStream has been locked to a writer.'] },
    });
  } finally {
    await dispose();
  }
});

test('Request, Response and Headers cross as themselves, bodies included', async () => {
  const { run, dispose } = await pair();
  try {
    assert.deepEqual(await run('http'), {
      request: ['POST', 'https://backend/path?q=1', 'a', 'payload'],
      streamedRequest: ['PUT', 'https://backend/upload', 'streamed', 'from a stream'],
      response: [true, 201, 'Made', 'b', 'made body'],
      headers: [true, 'h'],
    });
  } finally {
    await dispose();
  }
});

test('disposing a stub releases the object (its disposer runs after the last dup); results dispose their stubs; arguments last as long as the call', async () => {
  const { run, dispose } = await pair();
  try {
    const out = await run('disposal');
    assert.deepEqual(out.afterDispose, DISPOSED);
    assert.equal(out.viaDup, 2);
    assert.equal(out.beforeObjectDispose, 10);
    assert.deepEqual(out.afterObjectDispose, DISPOSED);
    assert.deepEqual(out.original, DISPOSED);
    assert.equal(out.viaKeptDup, 2);
    // Counter 2 (after its dup went), 42 (the `using` block) and 10 (the result object).
    assert.deepEqual(out.disposals, [2, 42, 10]);
  } finally {
    await dispose();
  }
});

test('stubs last as long as the event that received them', async () => {
  const { run, dispose } = await pair();
  try {
    assert.equal(await run('save'), 101);
    const out = await run('useSaved');
    assert.deepEqual(out.later, DISPOSED);
    assert.deepEqual(out.disposals, [101]);
  } finally {
    await dispose();
  }
});

test("errors as Workers reports them: a missing method, a remote exception's class and message, values that cannot be sent", async () => {
  const { run, dispose } = await pair();
  try {
    const cannotSerialize = (type) => ({ error: ['DOMException', 'DataCloneError', `Could not serialize object of type "${type}". This type does not support serialization.`] });
    assert.deepEqual(await run('errors'), {
      missing: { error: ['TypeError', 'TypeError', 'The RPC receiver does not implement the method "noSuchMethod".'] },
      remote: { error: ['RangeError', 'RangeError', 'out of range'] },
      custom: { error: ['Error', 'MyError', 'mine'] },
      instanceArg: cannotSerialize('Point'),
      instanceResult: cannotSerialize('Thing'),
      promiseArg: cannotSerialize('Promise'),
    });
  } finally {
    await dispose();
  }
});

test('a Durable Object takes callbacks and RpcTargets, and returns stubs of its own', async () => {
  const { run, dispose } = await pair();
  try {
    assert.deepEqual(await run('objects'), ['visit 1', 'visit 2', 10, 5]);
  } finally {
    await dispose();
  }
});
