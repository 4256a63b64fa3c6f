// MessageChannel and MessagePort, as Workers documents them (runtime-apis/messagechannel and the
// 2025-08-11 changelog), with the HTML Standard where those pages are silent.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { resolveCompatibility } from '../../src/config/compat.js';
import { startWorker, NO_NODE_COMPAT } from '../helpers/worker.js';
import { runChecks, value, error, assertTypeError, assertDOMException } from './run-checks.js';

let results;
let logs;
before(async () => {
  ({ results, logs } = await runChecks(`
    // Every message already posted has been delivered once a timer fired.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

    await check('interfaces', () => {
      const channel = new MessageChannel();
      const { port1, port2 } = channel;
      return [
        port1 instanceof MessagePort, port2 instanceof MessagePort, port1 instanceof EventTarget, port1 !== port2,
        channel.port1 === port1, String(channel), String(port1), typeof port1.start, typeof port1.close,
        port1.onmessage, 'onmessageerror' in port1, 'onclose' in port1,
      ];
    });
    await check('portConstructor', () => new MessagePort());
    await check('roundTrip', async () => {
      const { port1, port2 } = new MessageChannel();
      const received = new Promise((resolve) => { port2.onmessage = resolve; });
      port1.postMessage('Hello from port1!');
      const event = await received;
      return [
        event instanceof MessageEvent, event.type, event.data, event.isTrusted, event.target === port2,
        event.ports, Object.isFrozen(event.ports), event.source, event.origin, event.lastEventId,
      ];
    });
    await check('bothDirections', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port1.onmessage = (e) => seen.push(['port1', e.data]);
      port2.onmessage = (e) => seen.push(['port2', e.data]);
      port1.postMessage(1);
      port2.postMessage(2);
      port1.postMessage(3);
      await settle();
      return seen;
    });
    await check('asynchronous', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port2.onmessage = (e) => seen.push(e.data);
      port1.postMessage('x');
      const synchronously = [...seen];
      await settle();
      return [synchronously, seen];
    });
    await check('cloned', async () => {
      const { port1, port2 } = new MessageChannel();
      const sent = { list: [1, 2], when: new Date(0), map: new Map([['k', new Uint8Array([7])]]) };
      sent.self = sent;
      const received = new Promise((resolve) => { port2.onmessage = (e) => resolve(e.data); });
      port1.postMessage(sent);
      sent.list.push(3);
      const data = await received;
      return [data !== sent, data.list, data.when instanceof Date, data.map.get('k') instanceof Uint8Array, [...data.map.get('k')], data.self === data];
    });
    await check('queuedUntilStart', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port1.postMessage('before');
      await settle();
      const withoutListener = port2.onmessage;
      // As in Workers, a 'message' listener starts the port; start() again changes nothing.
      port2.addEventListener('message', (e) => seen.push(e.data));
      port1.postMessage('after listener');
      port2.start();
      await settle();
      return [withoutListener, seen];
    });
    await check('onmessageStarts', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port1.postMessage('queued');
      const handler = (e) => seen.push(['handler', e.data]);
      port2.addEventListener('message', (e) => seen.push(['listener', e.data]));
      port2.onmessage = handler;
      await settle();
      return [seen, port2.onmessage === handler];
    });
    await check('onmessageNullDoesNotStart', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port2.onmessage = null;
      port1.postMessage('held');
      await settle();
      // Held, not dropped: the first listener gets it.
      port2.addEventListener('message', (e) => seen.push(e.data));
      await settle();
      return [seen, port2.onmessage];
    });
    await check('messageerror', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      const failure = new Error('onmessage failed');
      port2.onmessage = (e) => {
        seen.push(['message', e.data]);
        if (e.data === 'bad') throw failure;
      };
      port2.addEventListener('messageerror', (e) => {
        seen.push(['messageerror', e instanceof MessageEvent, e.isTrusted, e.data === failure, e.data.message]);
      });
      port1.postMessage('bad');
      port1.postMessage('good');
      await settle();
      return seen;
    });
    await check('messageerrorHandlerThrows', async () => {
      const { port1, port2 } = new MessageChannel();
      port2.onmessage = () => { throw new Error('first failure'); };
      port2.onmessageerror = () => { throw new Error('messageerror listener failed'); };
      port1.postMessage('x');
      await settle();
      return 'settled';
    });
    await check('close', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port1.addEventListener('close', (e) => seen.push(['port1', e.type, e.isTrusted, e.target === port1]));
      port2.onclose = (e) => seen.push(['port2', e.type, e.isTrusted, e.target === port2]);
      port1.close();
      port1.close();
      port2.close();
      return seen;
    });
    await check('closedPorts', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port1.onmessage = (e) => seen.push(['port1', e.data]);
      port2.onmessage = (e) => seen.push(['port2', e.data]);
      port2.close();
      port1.postMessage('to a closed peer');
      port2.postMessage('from a closed port');
      await settle();
      return seen;
    });
    await check('heldMessagesDroppedOnClose', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port1.postMessage('held');
      port1.close();
      port2.addEventListener('message', (e) => seen.push(e.data));
      await settle();
      return seen;
    });
    await check('scheduledMessagesStillDelivered', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port2.onmessage = (e) => seen.push(e.data);
      port2.onclose = () => seen.push('close');
      port1.postMessage('posted before close');
      port1.close();
      await settle();
      return seen;
    });
    await check('noArguments', () => new MessageChannel().port1.postMessage());
    await check('undefinedMessage', async () => {
      const { port1, port2 } = new MessageChannel();
      const received = new Promise((resolve) => { port2.onmessage = (e) => resolve(e.data); });
      port1.postMessage(undefined);
      return [await received === undefined];
    });
    await check('function', () => new MessageChannel().port1.postMessage(() => {}));
    await check('symbol', () => new MessageChannel().port1.postMessage(Symbol('s')));
    await check('nestedFunction', () => new MessageChannel().port1.postMessage({ a: [1, { f() {} }] }));
    await check('port', () => { const { port1, port2 } = new MessageChannel(); port1.postMessage(port2); });
    await check('nestedPort', () => { const { port1 } = new MessageChannel(); port1.postMessage({ reply: new MessageChannel().port2 }); });
    await check('structuredClonePort', () => structuredClone(new MessageChannel().port1));
    await check('uncloneableOnClosedPort', () => { const { port1 } = new MessageChannel(); port1.close(); port1.postMessage(() => {}); });
    await check('failedCloneDeliversNothing', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port2.onmessage = (e) => seen.push(e.data);
      try { port1.postMessage({ f() {} }); } catch {}
      await settle();
      return seen;
    });
    await check('transferList', () => new MessageChannel().port1.postMessage('x', [new ArrayBuffer(8)]));
    await check('transferOption', () => new MessageChannel().port1.postMessage('x', { transfer: [new ArrayBuffer(8)] }));
    await check('transferPort', () => { const { port1, port2 } = new MessageChannel(); port1.postMessage('x', [port2]); });
    await check('transferNotDetached', () => {
      const buffer = new ArrayBuffer(8);
      try { new MessageChannel().port1.postMessage(buffer, [buffer]); } catch {}
      return [buffer.byteLength, buffer.detached];
    });
    await check('emptyTransfer', async () => {
      const { port1, port2 } = new MessageChannel();
      const seen = [];
      port2.onmessage = (e) => seen.push(e.data);
      port1.postMessage(1, []);
      port1.postMessage(2, {});
      port1.postMessage(3, { transfer: [] });
      port1.postMessage(4, null);
      await settle();
      return seen;
    });
    await check('badTransfer', () => new MessageChannel().port1.postMessage('x', 5));
  `));
});

test('MessageChannel has two entangled MessagePorts; MessagePort cannot be constructed', () => {
  assert.deepEqual(value(results, 'interfaces'), [
    true, true, true, true, true, '[object MessageChannel]', '[object MessagePort]', 'function', 'function', null, true, true,
  ]);
  assertTypeError(results, 'portConstructor', 'Illegal constructor');
});

test('a message arrives at the other port as a trusted MessageEvent with no ports', () => {
  assert.deepEqual(value(results, 'roundTrip'), [true, 'message', 'Hello from port1!', true, true, [], true, null, '', '']);
  assert.deepEqual(value(results, 'bothDirections'), [['port2', 1], ['port1', 2], ['port2', 3]]);
});

test('messages are delivered asynchronously, as structured clones', () => {
  assert.deepEqual(value(results, 'asynchronous'), [[], ['x']]);
  assert.deepEqual(value(results, 'cloned'), [true, [1, 2], true, true, [7], true]);
});

test('messages wait until the port is started: by start(), a message listener, or assigning onmessage', () => {
  assert.deepEqual(value(results, 'queuedUntilStart'), [null, ['before', 'after listener']]);
  assert.deepEqual(value(results, 'onmessageStarts'), [[['listener', 'queued'], ['handler', 'queued']], true]);
  assert.deepEqual(value(results, 'onmessageNullDoesNotStart'), [['held'], null]);
});

test('a throwing message listener fires messageerror with the error; later messages still arrive', () => {
  assert.deepEqual(value(results, 'messageerror'), [
    ['message', 'bad'], ['messageerror', true, true, true, 'onmessage failed'], ['message', 'good'],
  ]);
  // The listener's exception became the messageerror event: it is not reported as well.
  assert.ok(!logs.some((l) => l.message.includes('onmessage failed')), JSON.stringify(logs));
  // A throwing messageerror listener is reported, as any listener's exception is.
  assert.equal(value(results, 'messageerrorHandlerThrows'), 'settled');
  assert.ok(logs.some((l) => l.message.includes('messageerror listener failed')), JSON.stringify(logs));
});

test('closing either port fires close on both, once', () => {
  assert.deepEqual(value(results, 'close'), [['port2', 'close', true, true], ['port1', 'close', true, true]]);
});

test('closed ports drop messages; messages already on their way still arrive', () => {
  assert.deepEqual(value(results, 'closedPorts'), []);
  assert.deepEqual(value(results, 'heldMessagesDroppedOnClose'), []);
  assert.deepEqual(value(results, 'scheduledMessagesStillDelivered'), ['close', 'posted before close']);
});

test('postMessage needs a message; undefined is one', () => {
  assertTypeError(results, 'noArguments', "Failed to execute 'postMessage' on 'MessagePort': 1 argument required, but only 0 present.");
  assert.deepEqual(value(results, 'undefinedMessage'), [true]);
});

test('an uncloneable message, a MessagePort included, throws DataCloneError from postMessage', () => {
  for (const name of ['function', 'symbol', 'nestedFunction', 'port', 'nestedPort', 'structuredClonePort', 'uncloneableOnClosedPort']) {
    assertDOMException(results, name, 'DataCloneError', 25);
  }
  assert.match(error(results, 'port').message, /MessagePort/);
  assert.deepEqual(value(results, 'failedCloneDeliversNothing'), []);
});

test('a non-empty transfer list throws: transfer lists are not supported', () => {
  for (const name of ['transferList', 'transferOption', 'transferPort']) {
    const e = error(results, name);
    assert.deepEqual([e.ctor, e.message], ['Error', 'Transfer list is not supported'], name);
  }
  assert.deepEqual(value(results, 'transferNotDetached'), [8, false]);
  assert.deepEqual(value(results, 'emptyTransfer'), [1, 2, 3, 4]);
  assertTypeError(results, 'badTransfer');
});

// Messages are delivered in microtasks of the isolate, so within the event that posts them or
// that starts the receiving port. After the response only ctx.waitUntil() work still runs, and
// messages it posts arrive as well.
test('messages arrive within the event: during the request, from its waitUntil work, or in the event that starts the port', async () => {
  const worker = await startWorker(`
    const seen = [];
    const answered = new MessageChannel();
    answered.port2.onmessage = (e) => seen.push(e.data);
    const held = new MessageChannel();
    export default {
      async fetch(request, env, ctx) {
        const { pathname } = new URL(request.url);
        if (pathname === '/during') {
          const { port1, port2 } = new MessageChannel();
          const data = await new Promise((resolve) => { port2.onmessage = (e) => resolve(e.data); port1.postMessage('during the request'); });
          return new Response(data);
        }
        if (pathname === '/respond-then-post') {
          answered.port1.postMessage('posted as the response is returned');
          ctx.waitUntil(scheduler.wait(20).then(() => answered.port1.postMessage('posted by waitUntil work')));
          held.port1.postMessage('held until start');
          return new Response('ok');
        }
        if (pathname === '/start') {
          held.port2.addEventListener('message', (e) => seen.push(e.data));
          await scheduler.wait(0);
        }
        return Response.json(seen);
      },
    };
  `);
  try {
    assert.equal(await (await worker.fetch('/during')).text(), 'during the request');
    assert.equal(await (await worker.fetch('/respond-then-post')).text(), 'ok');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(await (await worker.fetch('/seen')).json(), ['posted as the response is returned', 'posted by waitUntil work']);
    assert.deepEqual(await (await worker.fetch('/start')).json(), ['posted as the response is returned', 'posted by waitUntil work', 'held until start']);
  } finally {
    await worker.dispose();
  }
});

test('expose_global_message_channel: on from 2025-08-15, or by flag; no_expose_global_message_channel turns it off', () => {
  const on = (date, flags) => resolveCompatibility(date, flags).globalMessageChannel;
  assert.equal(on('2025-08-14'), false);
  assert.equal(on('2025-08-15'), true);
  assert.equal(on('2024-01-01', ['expose_global_message_channel']), true);
  assert.equal(on('2026-01-01', ['no_expose_global_message_channel']), false);
  for (const flags of [['expose_global_message_channel'], ['no_expose_global_message_channel']]) {
    assert.deepEqual(resolveCompatibility('2025-01-01', flags).warnings, []);
  }
  assert.match(resolveCompatibility('2025-01-01', ['expose_global_message_channel', 'no_expose_global_message_channel']).warnings.join(), /contradict/);
});

test('without the flag the globals are absent; MessageEvent stays', async () => {
  const probe = 'export default { fetch() { return Response.json([typeof MessageChannel, typeof MessagePort, typeof MessageEvent]); } };';
  for (const [date, flags, expected] of [
    ['2025-08-14', [], ['undefined', 'undefined', 'function']],
    ['2025-08-15', [], ['function', 'function', 'function']],
    ['2025-08-14', ['expose_global_message_channel'], ['function', 'function', 'function']],
    ['2025-08-15', ['no_expose_global_message_channel'], ['undefined', 'undefined', 'function']],
  ]) {
    const { globalMessageChannel } = resolveCompatibility(date, flags);
    const worker = await startWorker(probe, { compat: { ...NO_NODE_COMPAT, globalMessageChannel } });
    try {
      assert.deepEqual(await (await worker.fetch('/')).json(), expected, `${date} ${flags}`);
    } finally {
      await worker.dispose();
    }
  }
});
