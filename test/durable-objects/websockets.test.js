// Durable Object WebSockets through real workers, a real HTTP server and real clients (the `ws`
// library): a 101 answered by an object through a stub (accept() and listeners, or the
// Hibernation API), sockets and their attachments outliving the object's eviction, tags,
// auto-responses answered without waking the object, close codes, Workers' errors, and a chat
// of two object classes with many clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from '../../src/runtime/worker.js';
import { moduleBundle, startWorker } from '../helpers/worker.js';
import { until } from '../helpers/until.js';
import { connect } from '../helpers/websocket-client.js';

const logged = (w, text) => w.logs.some((entry) => entry.message === text);

// Every request goes to the object named by the path (the default export forwards it as it is).
const FORWARD = `export default {
  fetch(request, env) { return env.OBJ.getByName(new URL(request.url).pathname.split('/')[1] || 'main').fetch(request); },
};`;

// A worker exporting `classes` (OBJ: the Room class), whose default export is `main`.
function objectWorker(classes, { main = FORWARD, bindings = {} } = {}) {
  return startWorker(`import { DurableObject } from 'cloudflare:workers';\n${classes}\n${main}`, {
    env: { bindings: { OBJ: { type: 'durable-object', className: 'Room', scriptName: null }, ...bindings } },
  });
}

test('an object answers stub.fetch() with a 101: its accept()ed socket talks to the client, close codes both ways, errors, the object stays in memory', async () => {
  const w = await objectWorker(`export class Room extends DurableObject {
    async fetch(request) {
      const [client, server] = Object.values(new WebSocketPair());
      server.accept();
      server.addEventListener('message', (event) => {
        if (event.data === 'close-me') server.close(4002, 'done');
        else if (typeof event.data === 'string') server.send('echo:' + event.data);
        else server.send(new Uint8Array(event.data).map((b) => b + 1));
      });
      server.addEventListener('close', (event) => console.log('close', event.code, event.reason, event.wasClean));
      server.addEventListener('error', (event) => console.log('error', event.message));
      return new Response(null, { status: 101, headers: { 'x-room': 'yes' }, webSocket: client });
    }
  }`);
  try {
    const ws = connect(w.url, '/a');
    const [response] = await Promise.all([once(ws, 'upgrade'), ws.opened]);
    assert.equal(response[0].headers['x-room'], 'yes');
    ws.send('hi');
    assert.equal(await ws.next(), 'echo:hi');
    ws.send(Buffer.from([1, 2, 3]));
    assert.deepEqual(await ws.next(), [2, 3, 4]);
    // A socket accepted with accept() keeps its event, hence its object, alive.
    assert.equal(w.worker.evictObjects(0), 0);
    ws.close(4001, 'bye');
    assert.deepEqual(await ws.closed, { code: 4001, reason: 'bye' });
    await until(() => logged(w, 'close 4001 bye true'), 10_000, 'the close in the object');

    const other = connect(w.url, '/a');
    await other.opened;
    other.send('close-me');
    assert.deepEqual(await other.closed, { code: 4002, reason: 'done' });

    const large = connect(w.url, '/a');
    await large.opened;
    large.send(Buffer.alloc(1024 * 1024 + 1));
    assert.equal((await large.closed).code, 1009);
    await until(() => logged(w, 'error Message is too large: the limit is 1048576 bytes.'), 10_000, 'the error in the object');
    await until(() => w.worker.evictObjects(0) === 1, 10_000, 'the object to be idle once its sockets closed');
  } finally {
    await w.dispose();
  }
});

test('the calling worker may accept() the object\'s socket itself; an object of another worker (script_name) is reached the same way', async () => {
  const objects = new Worker({
    name: 'objects',
    bundle: moduleBundle(`import { DurableObject } from 'cloudflare:workers';
      export class Echo extends DurableObject {
        fetch() {
          const [client, server] = Object.values(new WebSocketPair());
          this.ctx.acceptWebSocket(server);
          return new Response(null, { status: 101, webSocket: client });
        }
        webSocketMessage(ws, message) { ws.send('echo:' + message); }
      }
      export default { fetch: () => new Response('objects') };`),
    log: () => {},
  }).start();
  const w = await startWorker(`export default {
    async fetch(request, env) {
      const stub = env.ECHO.getByName('x');
      if (new URL(request.url).pathname !== '/self') return stub.fetch(request);
      const response = await stub.fetch('https://object/', { headers: { Upgrade: 'websocket' } });
      const ws = response.webSocket;
      ws.accept();
      const reply = new Promise((resolve) => ws.addEventListener('message', (event) => resolve(event.data)));
      ws.send('ping');
      const text = await reply;
      ws.close(1000);
      return new Response(response.status + ' ' + text);
    },
  };`, { env: { bindings: { ECHO: { type: 'durable-object', className: 'Echo', scriptName: 'objects' } } } });
  w.worker.services = (name) => (name === 'objects' ? objects : null);
  try {
    assert.equal(await (await w.fetch('/self')).text(), '101 echo:ping');
    const ws = connect(w.url, '/');
    await ws.opened;
    ws.send('through');
    assert.equal(await ws.next(), 'echo:through');
    ws.close();
    await ws.closed;
  } finally {
    await w.dispose();
    objects.dispose();
  }
});

const HIBERNATING = `let constructed = 0;
export class Room extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    constructed++;
  }
  fetch(request) {
    const url = new URL(request.url);
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, url.searchParams.getAll('tag'));
    server.serializeAttachment({ user: url.searchParams.get('user'), joined: new Date(0), seen: new Set([1]) });
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage(ws, message) {
    if (message instanceof ArrayBuffer) return ws.send(new Uint8Array(message).reverse());
    const { user, joined, seen } = ws.deserializeAttachment();
    const state = {
      message, user, constructed, joined: joined instanceof Date, seen: [...seen],
      sockets: this.ctx.getWebSockets().length,
      red: this.ctx.getWebSockets('red').map((socket) => socket.deserializeAttachment().user),
      tags: this.ctx.getTags(ws),
      same: this.ctx.getWebSockets().includes(ws),
      readyState: ws.readyState,
    };
    ws.send(JSON.stringify(state));
    if (message === 'close-me') ws.close(4002, 'done');
  }
  webSocketClose(ws, code, reason, wasClean) {
    console.log('close', ws.deserializeAttachment().user, code, reason, wasClean, ws.readyState, this.ctx.getWebSockets().includes(ws));
  }
  webSocketError(ws, error) {
    console.log('error', ws.deserializeAttachment().user, error.constructor.name, error.message, ws.readyState);
  }
}`;

test('hibernation: acceptWebSocket() sends messages to webSocketMessage; tags, getWebSockets(tag), attachments; binary both ways', async () => {
  const w = await objectWorker(HIBERNATING);
  try {
    const alice = connect(w.url, '/r?user=alice&tag=red&tag=red&tag=admin');
    const bob = connect(w.url, '/r?user=bob&tag=blue');
    await Promise.all([alice.opened, bob.opened]);
    alice.send('hello');
    assert.deepEqual(JSON.parse(await alice.next()), {
      message: 'hello', user: 'alice', constructed: 1, joined: true, seen: [1], sockets: 2, red: ['alice'], tags: ['red', 'admin'], same: true, readyState: 1,
    });
    bob.send('hi');
    const state = JSON.parse(await bob.next());
    assert.equal(state.user, 'bob');
    assert.deepEqual(state.tags, ['blue']);
    bob.send(Buffer.from([1, 2, 3]));
    assert.deepEqual(await bob.next(), [3, 2, 1]);
    alice.close();
    bob.close();
    await Promise.all([alice.closed, bob.closed]);
  } finally {
    await w.dispose();
  }
});

test('hibernation: the object is evicted while its sockets stay open; a message builds it again with its sockets and attachments', async () => {
  const w = await objectWorker(HIBERNATING);
  try {
    const alice = connect(w.url, '/r?user=alice&tag=red');
    const bob = connect(w.url, '/r?user=bob');
    await Promise.all([alice.opened, bob.opened]);
    alice.send('before');
    assert.equal(JSON.parse(await alice.next()).constructed, 1);
    // Only hibernatable sockets are left: the object is idle, and evicted.
    await until(() => w.worker.evictObjects(0) === 1, 10_000, 'the object to be evicted');
    bob.send('after');
    assert.deepEqual(JSON.parse(await bob.next()), {
      message: 'after', user: 'bob', constructed: 2, joined: true, seen: [1], sockets: 2, red: ['alice'], tags: [], same: true, readyState: 1,
    });
    await until(() => w.worker.evictObjects(0) === 1, 10_000, 'the object to be evicted again');
    alice.send('again');
    const state = JSON.parse(await alice.next());
    assert.equal(state.constructed, 3);
    assert.equal(state.user, 'alice');
    assert.deepEqual(state.tags, ['red']);
  } finally {
    await w.dispose();
  }
});

test('hibernation: close codes and reasons reach webSocketClose, a message over 1 MiB webSocketError; a dropped client is 1006; the object closes with its own code', async () => {
  const w = await objectWorker(HIBERNATING);
  try {
    const alice = connect(w.url, '/r?user=alice');
    const bob = connect(w.url, '/r?user=bob');
    const carol = connect(w.url, '/r?user=carol');
    const dave = connect(w.url, '/r?user=dave');
    await Promise.all([alice.opened, bob.opened, carol.opened, dave.opened]);
    dave.send(Buffer.alloc(1024 * 1024 + 1));
    assert.equal((await dave.closed).code, 1009);
    await until(() => logged(w, 'error dave Error Message is too large: the limit is 1048576 bytes. 3'), 10_000, 'dave\'s error');
    alice.close(4001, 'bye');
    assert.deepEqual(await alice.closed, { code: 4001, reason: 'bye' });
    // Still listed while its handler runs (its readyState already CLOSED), gone after.
    await until(() => logged(w, 'close alice 4001 bye true 3 true'), 10_000, 'alice\'s close');
    bob.terminate();
    await until(() => logged(w, 'close bob 1006 WebSocket disconnected without sending Close frame. false 3 true'), 10_000, 'bob\'s drop');
    // Evicted, the object is built again for carol's message; the others are gone.
    await until(() => w.worker.evictObjects(0) === 1, 10_000, 'the object to be evicted');
    carol.send('close-me');
    assert.equal(JSON.parse(await carol.next()).sockets, 1);
    assert.deepEqual(await carol.closed, { code: 4002, reason: 'done' });
    await until(() => logged(w, 'close carol 4002 done true 3 true'), 10_000, 'carol\'s close');
  } finally {
    await w.dispose();
  }
});

test('a socket the object sends on and closes before returning it: the client gets the message, then the close (both APIs)', async () => {
  const w = await objectWorker(`export class Room extends DurableObject {
    fetch(request) {
      const [client, server] = Object.values(new WebSocketPair());
      if (new URL(request.url).pathname === '/hibernate') this.ctx.acceptWebSocket(server);
      else server.accept();
      server.send('room is full');
      server.close(4003, 'full');
      return new Response(null, { status: 101, webSocket: client });
    }
  }`, {
    // The close reaches the worker's end well before the worker returns it.
    main: `export default { async fetch(request, env) {
      const response = await env.OBJ.getByName('x').fetch(request);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return response;
    } };`,
  });
  try {
    for (const path of ['/hibernate', '/accept']) {
      const ws = connect(w.url, path);
      assert.equal(await ws.next(), 'room is full');
      assert.deepEqual(await ws.closed, { code: 4003, reason: 'full' });
    }
  } finally {
    await w.dispose();
  }
});

test('a socket accepted in a turn charged to another event of the object stays open until its own event returns it', async () => {
  const w = await objectWorker(`export class Room extends DurableObject {
    async fetch(request) {
      if (new URL(request.url).pathname === '/first') {
        this.opened = scheduler.wait(1);
        await this.opened;
        return new Response('first');
      }
      const later = scheduler.wait(5);
      // Continues in the turn of the first event's timer, once that event has ended.
      await this.opened;
      const [client, server] = Object.values(new WebSocketPair());
      this.ctx.acceptWebSocket(server);
      await later;
      return new Response(null, { status: 101, webSocket: client });
    }
    webSocketMessage(ws, message) { ws.send('echo:' + message); }
  }`, {
    main: `export default { async fetch(request, env) {
      const stub = env.OBJ.getByName('x');
      const [first, response] = await Promise.all([
        stub.fetch('https://object/first'),
        stub.fetch('https://object/ws', { headers: { Upgrade: 'websocket' } }),
      ]);
      const ws = response.webSocket;
      ws.accept();
      const outcome = new Promise((resolve) => {
        ws.addEventListener('message', (event) => resolve(event.data));
        ws.addEventListener('close', (event) => resolve('closed ' + event.code));
      });
      ws.send('ping');
      return new Response(await first.text() + ' ' + await outcome);
    } };`,
  });
  try {
    assert.equal(await (await w.fetch('/')).text(), 'first echo:ping');
  } finally {
    await w.dispose();
  }
});

test('auto-response: answered by the host without waking the object; its timestamp and the pair are kept', async () => {
  const w = await objectWorker(`let constructed = 0;
    export class Room extends DurableObject {
      constructor(ctx, env) {
        super(ctx, env);
        constructed++;
        ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
      }
      fetch() {
        const [client, server] = Object.values(new WebSocketPair());
        this.ctx.acceptWebSocket(server);
        return new Response(null, { status: 101, webSocket: client });
      }
      webSocketMessage(ws, message) {
        const pair = this.ctx.getWebSocketAutoResponse();
        const time = this.ctx.getWebSocketAutoResponseTimestamp(ws);
        ws.send(JSON.stringify({ message, constructed, pair: [pair.request, pair.response], timestamp: time instanceof Date ? time.getTime() : time }));
      }
    }`);
  try {
    const ws = connect(w.url, '/r');
    await ws.opened;
    ws.send('hello');
    assert.deepEqual(JSON.parse(await ws.next()), { message: 'hello', constructed: 1, pair: ['ping', 'pong'], timestamp: null });
    await until(() => w.worker.evictObjects(0) === 1, 10_000, 'the object to be evicted');
    const before = Date.now();
    ws.send('ping');
    assert.equal(await ws.next(), 'pong');
    ws.send('ping');
    assert.equal(await ws.next(), 'pong');
    // No event reached the object: nothing was built, so nothing is left to evict.
    assert.equal(w.worker.evictObjects(0), 0);
    ws.send('pinging');
    const state = JSON.parse(await ws.next());
    assert.equal(state.constructed, 2);
    assert.ok(state.timestamp >= before - 1000 && state.timestamp <= Date.now(), `timestamp ${state.timestamp}`);
  } finally {
    await w.dispose();
  }
});

test('errors as Workers reports them', async () => {
  const w = await objectWorker(`export class Room extends DurableObject {
    async fetch() {
      const out = {};
      const attempt = (name, fn) => {
        try { out[name] = fn() ?? null; } catch (e) { out[name] = [e.constructor.name, e.name, e.message]; }
      };
      const ctx = this.ctx;
      const pair = () => Object.values(new WebSocketPair());
      const [c1, s1] = pair();
      ctx.acceptWebSocket(s1, ['a', 'b']);
      attempt('twice', () => ctx.acceptWebSocket(s1));
      attempt('acceptAfterHibernation', () => s1.accept());
      attempt('otherEnd', () => ctx.acceptWebSocket(c1));
      attempt('acceptOtherEnd', () => c1.accept());
      const [, s2] = pair();
      s2.accept();
      attempt('acceptedFirst', () => ctx.acceptWebSocket(s2));
      attempt('tagsOfAccepted', () => ctx.getTags(s2));
      attempt('tagsOfUnaccepted', () => ctx.getTags(pair()[1]));
      attempt('tags', () => ctx.getTags(s1));
      attempt('tooManyTags', () => ctx.acceptWebSocket(pair()[1], ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']));
      attempt('tenTagsWithRepeats', () => { const [, s] = pair(); ctx.acceptWebSocket(s, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '9', '10']); return ctx.getTags(s).length; });
      attempt('repeatAfterTen', () => ctx.acceptWebSocket(pair()[1], ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '10']));
      attempt('longTag', () => ctx.acceptWebSocket(pair()[1], ['x'.repeat(257)]));
      attempt('notASocket', () => ctx.acceptWebSocket({}));
      attempt('fromFetch', () => ctx.acceptWebSocket(new WebSocket('ws://127.0.0.1:9/')));
      attempt('attachmentTooLarge', () => s1.serializeAttachment('x'.repeat(17_000)));
      attempt('attachmentUncloneable', () => s1.serializeAttachment({ f() {} }));
      attempt('attachmentAtLimit', () => { s1.serializeAttachment('x'.repeat(16_000)); return s1.deserializeAttachment().length; });
      attempt('attachmentKept', () => { s1.serializeAttachment({ n: 1 }); const a = s1.deserializeAttachment(); a.n = 2; return s1.deserializeAttachment(); });
      attempt('attachmentOfPlainSocket', () => { s2.serializeAttachment([1, 2]); return s2.deserializeAttachment(); });
      attempt('noAttachment', () => pair()[1].deserializeAttachment());
      attempt('autoResponseTooLarge', () => ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('x'.repeat(2049), 'y')));
      attempt('autoResponseNotAPair', () => ctx.setWebSocketAutoResponse({ request: 'a', response: 'b' }));
      attempt('noAutoResponse', () => ctx.getWebSocketAutoResponse());
      attempt('timestampOfPlainSocket', () => ctx.getWebSocketAutoResponseTimestamp(s2));
      attempt('timeoutTooLong', () => ctx.setHibernatableWebSocketEventTimeout(604_800_001));
      attempt('timeout', () => { ctx.setHibernatableWebSocketEventTimeout(5000); return ctx.getHibernatableWebSocketEventTimeout(); });
      attempt('timeoutRemoved', () => { ctx.setHibernatableWebSocketEventTimeout(); return ctx.getHibernatableWebSocketEventTimeout(); });
      attempt('listed', () => ctx.getWebSockets().length);
      return Response.json(out);
    }
  }
  export class Crowd extends DurableObject {
    fetch() {
      let accepted = 0;
      try {
        for (;;) {
          this.ctx.acceptWebSocket(new WebSocketPair()[1]);
          accepted++;
        }
      } catch (e) {
        return Response.json({ accepted, error: e.message, listed: this.ctx.getWebSockets().length });
      }
    }
  }
  export class Returner extends DurableObject {
    fetch() {
      const [, server] = Object.values(new WebSocketPair());
      this.ctx.acceptWebSocket(server);
      return new Response(null, { status: 101, webSocket: server });
    }
  }`, {
    main: `export default { async fetch(request, env) {
      const path = new URL(request.url).pathname;
      const binding = { '/crowd': env.CROWD, '/returner': env.RETURNER }[path] ?? env.OBJ;
      const response = await binding.getByName('e').fetch('https://object/');
      if (response.webSocket) return new Response('unexpected WebSocket');
      return response;
    } };`,
    bindings: {
      CROWD: { type: 'durable-object', className: 'Crowd', scriptName: null },
      RETURNER: { type: 'durable-object', className: 'Returner', scriptName: null },
    },
  });
  try {
    const out = await (await w.fetch('/')).json();
    const pairError = ['Error', 'Error', 'Cannot call `acceptWebSocket()` on this WebSocket because its pair has already been accepted or used in a Response.'];
    assert.deepEqual(out.twice, ['Error', 'Error', 'Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`']);
    assert.deepEqual(out.acceptAfterHibernation, ['TypeError', 'TypeError', "Can't accept() WebSocket after enabling hibernation."]);
    assert.deepEqual(out.otherEnd, pairError);
    assert.equal(out.acceptOtherEnd[0], 'TypeError');
    assert.deepEqual(out.acceptedFirst, ['Error', 'Error', 'Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`']);
    assert.deepEqual(out.tagsOfAccepted, ['Error', 'Error', 'only hibernatable websockets can have tags.']);
    assert.deepEqual(out.tagsOfUnaccepted, ['Error', 'Error', "you must call 'acceptWebSocket()' before attempting to access the tags of a WebSocket."]);
    assert.deepEqual(out.tags, ['a', 'b']);
    assert.deepEqual(out.tooManyTags, ['Error', 'Error', 'a Hibernatable WebSocket cannot have more than 10 tags']);
    // Tag by tag: duplicates are dropped, but any tag past the tenth distinct one is refused.
    assert.equal(out.tenTagsWithRepeats, 10);
    assert.deepEqual(out.repeatAfterTen, ['Error', 'Error', 'a Hibernatable WebSocket cannot have more than 10 tags']);
    assert.deepEqual(out.longTag, ['Error', 'Error', `"${'x'.repeat(257)}" is longer than the max tag length (256 characters).`]);
    assert.deepEqual(out.notASocket, ['TypeError', 'TypeError', "Failed to execute 'acceptWebSocket' on 'DurableObjectState': parameter 1 is not of type 'WebSocket'."]);
    assert.deepEqual(out.fromFetch, pairError);
    assert.deepEqual(out.attachmentTooLarge, ['Error', 'Error', "A WebSocket 'attachment' cannot be larger than 16384 bytes.'attachment' was 17006 bytes."]);
    assert.deepEqual(out.attachmentUncloneable.slice(0, 2), ['DOMException', 'DataCloneError']);
    assert.equal(out.attachmentAtLimit, 16_000);
    assert.deepEqual(out.attachmentKept, { n: 1 });
    assert.deepEqual(out.attachmentOfPlainSocket, [1, 2]);
    assert.equal(out.noAttachment, null);
    assert.deepEqual(out.autoResponseTooLarge, ['RangeError', 'RangeError', 'Request cannot be larger than 2048 bytes. A request of size 2049 was provided.']);
    assert.equal(out.autoResponseNotAPair[0], 'TypeError');
    assert.equal(out.noAutoResponse, null);
    assert.equal(out.timestampOfPlainSocket, null);
    assert.deepEqual(out.timeoutTooLong, ['Error', 'Error', 'Event timeout should not exceed 604800000 ms.']);
    assert.equal(out.timeout, 5000);
    assert.equal(out.timeoutRemoved, null);
    assert.equal(out.listed, 2);

    assert.deepEqual(await (await w.fetch('/crowd')).json(), {
      accepted: 32_768, error: 'only 32768 websockets can be accepted on a single Durable Object instance', listed: 32_768,
    });

    const returned = await w.fetch('/returner');
    assert.equal(returned.status, 500);
    await until(() => w.logs.some((l) => l.message.includes("Can't return WebSocket in a Response after calling acceptWebSocket().")), 10_000, 'the error to be logged');
  } finally {
    await w.dispose();
  }
});

// A chat: one Room object per room holding its members' sockets (hibernatable, each with the
// member's name as its attachment), and one Lobby object counting the members of every room in
// its storage, told by the rooms over RPC.
const CHAT = `export class Room extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    // As a slow start would: joins arriving meanwhile all wait, then run in one turn.
    ctx.blockConcurrencyWhile(() => scheduler.wait(1));
  }
  async fetch(request) {
    const url = new URL(request.url);
    const room = url.pathname.split('/')[2];
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ user: url.searchParams.get('user'), room });
    await this.env.LOBBY.getByName('lobby').joined(room);
    server.send(JSON.stringify({ welcome: this.ctx.getWebSockets().length }));
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage(ws, message) {
    const { user } = ws.deserializeAttachment();
    for (const socket of this.ctx.getWebSockets()) socket.send(JSON.stringify({ from: user, text: message }));
  }
  async webSocketClose(ws) {
    await this.env.LOBBY.getByName('lobby').left(ws.deserializeAttachment().room);
  }
}
export class Lobby extends DurableObject {
  async joined(room) { await this.ctx.storage.put(room, ((await this.ctx.storage.get(room)) ?? 0) + 1); }
  async left(room) { await this.ctx.storage.put(room, (await this.ctx.storage.get(room)) - 1); }
  async list() { return Object.fromEntries(await this.ctx.storage.list()); }
}`;

const CHAT_MAIN = `export default {
  async fetch(request, env) {
    const [, kind, room] = new URL(request.url).pathname.split('/');
    if (kind === 'rooms') return Response.json(await env.LOBBY.getByName('lobby').list());
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket', { status: 426 });
    return env.OBJ.getByName(room).fetch(request);
  },
};`;

test('a chat: 25 clients in two rooms, broadcasts reach every member, a lobby object counts them, rooms evicted and joined again', async () => {
  const w = await objectWorker(CHAT, { main: CHAT_MAIN, bindings: { LOBBY: { type: 'durable-object', className: 'Lobby', scriptName: null } } });
  const join = async (room, user) => {
    const ws = connect(w.url, `/room/${room}?user=${user}`);
    await ws.opened;
    ws.user = user;
    ws.welcome = JSON.parse(await ws.next()).welcome;
    return ws;
  };
  // Evicts objects until `count` were (each as soon as its last event has ended).
  const evict = (count) => {
    let evicted = 0;
    return until(() => (evicted += w.worker.evictObjects(0)) >= count, 10_000, `${count} objects to be evicted`);
  };
  // Every member of `members` receives exactly `expected` messages ({ from, text }), in any order.
  const receiveAll = (members, expected) => Promise.all(members.map(async (ws) => {
    const got = [];
    for (let i = 0; i < expected.length; i++) got.push(JSON.parse(await ws.next()));
    const key = (m) => `${m.from}:${m.text}`;
    assert.deepEqual(got.map(key).sort(), expected.map(key).sort(), `what ${ws.user} received`);
  }));
  const clients = [];
  try {
    const general = [];
    for (let i = 0; i < 20; i++) general.push(await join('general', `u${i}`));
    const random = await Promise.all(Array.from({ length: 5 }, (_, i) => join('random', `r${i}`)));
    clients.push(...general, ...random);
    assert.deepEqual(general.map((ws) => ws.welcome), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.deepEqual(await (await w.fetch('/rooms')).json(), { general: 20, random: 5 });

    for (const ws of general) ws.send(`hello from ${ws.user}`);
    random[0].send('quiet here');
    await Promise.all([
      receiveAll(general, general.map((ws) => ({ from: ws.user, text: `hello from ${ws.user}` }))),
      receiveAll(random, [{ from: 'r0', text: 'quiet here' }]),
    ]);

    // With no event running, the two rooms and the lobby are evicted; the rooms keep their sockets.
    await evict(3);
    assert.deepEqual(await (await w.fetch('/rooms')).json(), { general: 20, random: 5 });
    random[1].send('still here?');
    await receiveAll(random, [{ from: 'r1', text: 'still here?' }]);

    // A member leaves, the room (and the lobby) are evicted again, the member comes back and
    // talks to everyone.
    const leaving = general.pop();
    leaving.close(1000, 'brb');
    assert.deepEqual(await leaving.closed, { code: 1000, reason: 'brb' });
    await until(async () => (await (await w.fetch('/rooms')).json()).general === 19, 10_000, 'the room to tell the lobby');
    await evict(3);
    const back = await join('general', leaving.user);
    clients.push(back);
    general.push(back);
    assert.equal(back.welcome, 20);
    back.send('back again');
    await receiveAll(general, [{ from: back.user, text: 'back again' }]);
    assert.deepEqual(await (await w.fetch('/rooms')).json(), { general: 20, random: 5 });
  } finally {
    for (const ws of clients) ws.terminate();
    await w.dispose();
  }
});
