// Unit tests of herald.js (the browser client) in node's own test runner: `node --test src/test/js/*.test.mjs`
// (node 18.19 or newer). Fake WebSocket, EventSource, fetch and clock; no network.
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';

import { fakeEventSource, fakeFetch, fakeWebSocket, flush, installClock, jwt, record } from './fakes.mjs';
import { herald as module } from './load-herald.mjs';

const { connect, HeraldError, default: herald } = module;

/** setTimeout, clearTimeout and Date.now of every test (Date.now() is 0 at its start). */
let clock;
beforeEach(() => {
  clock = installClock();
});
afterEach(() => {
  clock.uninstall();
  mock.restoreAll();
});

/** A client on fakes; `WebSocket: null` etc. in `options` override them. */
function start(options = {}) {
  const WebSocket = fakeWebSocket();
  const EventSource = fakeEventSource();
  const fetch = fakeFetch();
  const client = connect({ user: 'alice', url: 'http://herald.test', WebSocket, EventSource, fetch, ...options });
  return { client, WebSocket, EventSource, fetch };
}

const message = (id, from = 'bob', fields = {}) => ({
  type: 'message', id, from, to: 'alice', text: `m${id}`, kind: 'direct', sentAt: '2026-11-22T09:30:00Z', ...fields,
});

/** What alice sent, as the ack's `message` carries it (echo=false). */
const own = (id, fields = {}) => message(id, 'alice', { to: 'bob', ...fields });

/** Every state event, as it comes (mapped by `view`). */
function stateLog(client, view = (e) => e) {
  const log = [];
  client.on('state', (e) => log.push(view(e)));
  return log;
}

/** Math.random fixed at `value` for the rest of the test. */
const fixRandom = (value) => mock.method(Math, 'random', () => value);

describe('connecting', () => {
  test('opens a WebSocket on the base URL with the token, and is open after the welcome', async () => {
    const { client, WebSocket } = start({ url: 'https://herald.test/base/', token: 't0k' });
    const events = record(client, ['state', 'welcome']);
    assert.equal(client.state, 'connecting');
    await flush();
    assert.equal(WebSocket.instances.length, 1);
    assert.equal(WebSocket.last.url, 'wss://herald.test/base/ws/alice?echo=false&token=t0k');
    assert.equal(client.state, 'connecting');

    WebSocket.last.welcome({ connectionId: 'conn-1', epoch: 'e1' });
    assert.equal(client.state, 'open');
    assert.equal(client.transport, 'websocket');
    assert.equal(client.connectionId, 'conn-1');
    assert.equal(client.epoch, 'e1');
    assert.deepEqual(events.map(([type, e]) => (type === 'state' ? `${e.state}/${e.transport}` : type)),
        ['connecting/websocket', 'welcome', 'open/websocket']);
  });

  test('both transports connect with echo=false (own messages come back in the ack, not as a copy)', async () => {
    const { WebSocket } = start();
    await flush();
    assert.equal(new URL(WebSocket.last.url).searchParams.get('echo'), 'false');

    const sse = start({ transport: 'sse' });
    await flush();
    assert.equal(new URL(sse.EventSource.last.url).searchParams.get('echo'), 'false');
  });

  test('a ws:// url and a user needing escapes', async () => {
    const { WebSocket } = start({ url: 'ws://herald.test:8080', user: 'a.b c' });
    await flush();
    assert.equal(WebSocket.last.url, 'ws://herald.test:8080/ws/a.b%20c?echo=false');
  });

  test('without url, the page origin is used', async () => {
    globalThis.location = new URL('https://chat.example/room/page.html');
    try {
      const { WebSocket } = start({ url: undefined });
      await flush();
      assert.equal(WebSocket.last.url, 'wss://chat.example/ws/alice?echo=false');
    } finally {
      delete globalThis.location;
    }
  });

  test('bad options are refused at once', () => {
    assert.throws(() => connect({ url: 'http://h' }), TypeError);
    assert.throws(() => connect({ user: 'alice' }), /url/); // no page origin in node
    assert.throws(() => connect({ user: 'alice', url: 'http://h', transport: 'carrier-pigeon' }), TypeError);
    assert.throws(() => connect({ user: 'alice', url: 'http://h', WebSocket: null, EventSource: null }), TypeError);
  });

  test('getToken is asked before every attempt', async () => {
    fixRandom(0);
    let n = 0;
    const { WebSocket } = start({ getToken: async () => `tok${++n}` });
    await flush();
    assert.match(WebSocket.last.url, /token=tok1$/);
    WebSocket.last.welcome();
    WebSocket.last.drop(1001, 'going away');
    clock.tick(0);
    await flush();
    assert.match(WebSocket.last.url, /token=tok2$/);
  });

  test('the default export carries connect', () => {
    assert.equal(herald.connect, connect);
  });
});

describe('reconnect', () => {
  test('backoff: the cap doubles from min to max, the delay is drawn below it (full jitter)', async () => {
    fixRandom(0.999999);
    const { client, WebSocket } = start({ transport: 'websocket' });
    const delays = [];
    client.on('state', (e) => e.state === 'reconnecting' && delays.push(e.delay));
    await flush();
    for (let i = 0; i < 8; i++) {
      WebSocket.last.drop(1006); // fails before open, every time
      clock.tick(delays.at(-1));
      await flush();
    }
    assert.deepEqual(delays, [499, 999, 1999, 3999, 7999, 9999, 9999, 9999]);
    assert.equal(WebSocket.instances.length, 9);
  });

  test('backoff: the lowest draw is no wait at all, and custom settings apply', async () => {
    fixRandom(0);
    const { client, WebSocket } = start({ transport: 'websocket', backoff: { min: 100, max: 300, factor: 3 } });
    const states = stateLog(client);
    await flush();
    WebSocket.last.drop();
    assert.equal(states.at(-1).delay, 0);
    mock.restoreAll();
    fixRandom(0.5);
    clock.tick(0);
    await flush();
    WebSocket.last.drop();
    assert.equal(states.at(-1).delay, 150); // cap 300 (100 * 3 = 300)
    assert.equal(states.at(-1).attempt, 2);
  });

  test('reconnects after any unexpected close, 1001 and 1008 included, and says so', async () => {
    fixRandom(0.5);
    const { client, WebSocket } = start();
    const states = stateLog(client);
    await flush();
    WebSocket.last.welcome();
    for (const code of [1001, 1008, 1000]) {
      WebSocket.last.drop(code, 'bye');
      assert.equal(client.state, 'reconnecting');
      assert.equal(states.at(-1).code, code);
      assert.equal(states.at(-1).reason, 'bye');
      clock.tick(states.at(-1).delay);
      await flush();
      WebSocket.last.welcome();
      assert.equal(client.state, 'open');
    }
    assert.equal(WebSocket.instances.length, 4);
  });

  test('the backoff starts over once a connection stayed open', async () => {
    fixRandom(0.999999);
    const { client, WebSocket } = start({ transport: 'websocket' });
    const delays = [];
    client.on('state', (e) => e.state === 'reconnecting' && delays.push(e.delay));
    await flush();
    for (let i = 0; i < 3; i++) {
      WebSocket.last.drop();
      clock.tick(delays.at(-1));
      await flush();
    }
    WebSocket.last.welcome();
    WebSocket.last.drop(); // dropped at once: the backoff keeps growing
    clock.tick(delays.at(-1));
    await flush();
    WebSocket.last.welcome();
    clock.tick(5_000); // stable
    WebSocket.last.drop();
    assert.deepEqual(delays, [499, 999, 1999, 3999, 499]);
  });

  test('the reconnect URL resumes after the last id handed over', async () => {
    fixRandom(0);
    const { client, WebSocket } = start({ token: 'tk' });
    await flush();
    WebSocket.last.welcome({ lastMessageId: 0 });
    WebSocket.last.receive(message(41));
    WebSocket.last.receive(message(42));
    assert.equal(client.lastId, 42);
    WebSocket.last.drop(1006);
    clock.tick(0);
    await flush();
    assert.equal(WebSocket.last.url, 'ws://herald.test/ws/alice?echo=false&since=42&token=tk');
  });

  test('since: "read" until something arrives, then the last id; a numeric since is the first resume point', async () => {
    fixRandom(0);
    const { WebSocket } = start({ since: 'read' });
    await flush();
    assert.equal(WebSocket.last.url, 'ws://herald.test/ws/alice?echo=false&since=read');
    WebSocket.last.welcome();
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    assert.equal(WebSocket.last.url, 'ws://herald.test/ws/alice?echo=false&since=read');
    WebSocket.last.welcome();
    WebSocket.last.receive(message(7));
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    assert.equal(WebSocket.last.url, 'ws://herald.test/ws/alice?echo=false&since=7');

    const other = start({ since: 120 });
    await flush();
    assert.equal(other.WebSocket.last.url, 'ws://herald.test/ws/alice?echo=false&since=120');
    assert.equal(other.client.lastId, 120);
  });

  test('replayed ids are never handed to on twice', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    const got = [];
    client.on('message', (m) => got.push(m.id));
    client.on('receipt', (r) => got.push(`r${r.id}`));
    await flush();
    WebSocket.last.welcome();
    for (const id of [1, 2, 3]) WebSocket.last.receive(message(id));
    WebSocket.last.receive(message(3)); // the same frame again on one connection
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    WebSocket.last.welcome({ lastMessageId: 6 });
    // The replay overlaps what this client already handed over.
    for (const id of [2, 3, 4]) WebSocket.last.receive(message(id));
    WebSocket.last.receive({ type: 'receipt', id: 4, by: 'bob', status: 'read' });
    WebSocket.last.receive({ type: 'receipt', id: 5, by: 'bob', status: 'read' });
    WebSocket.last.receive(message(6));
    assert.deepEqual(got, [1, 2, 3, 4, 'r5', 6]);
    assert.equal(client.lastId, 6);
  });

  test('the raw frame event sees everything, duplicates included; other frames pass by type', async () => {
    const { client, WebSocket } = start();
    const frames = record(client, ['frame', 'presence', 'task']);
    await flush();
    WebSocket.last.welcome();
    WebSocket.last.receive(message(1));
    WebSocket.last.receive(message(1));
    WebSocket.last.receive({ type: 'presence', user: 'bob', online: true });
    WebSocket.last.receive({ type: 'task', id: 't1', progress: 3 });
    WebSocket.last.receive('not json');
    WebSocket.last.receive('[1,2]');
    assert.deepEqual(frames.map(([type, f]) => `${type}:${f.type}`),
        ['frame:welcome', 'frame:message', 'frame:message', 'frame:presence', 'presence:presence', 'frame:task',
          'task:task']);
  });

  test('a coalesced presence frame becomes one presence event per change, its room kept', async () => {
    const { client, WebSocket } = start();
    const events = [];
    client.on('presence', (e) => events.push(e));
    await flush();
    WebSocket.last.welcome();
    WebSocket.last.receive({ type: 'presence', room: 'lobby', joins: ['bob', 'carol'], leaves: ['dave'] });
    WebSocket.last.receive({ type: 'presence', joins: ['erin'], leaves: [] });
    WebSocket.last.receive({ type: 'presence', user: 'bob', online: false, room: 'lobby' });
    assert.deepEqual(events, [
      { type: 'presence', user: 'dave', online: false, room: 'lobby' },
      { type: 'presence', user: 'bob', online: true, room: 'lobby' },
      { type: 'presence', user: 'carol', online: true, room: 'lobby' },
      { type: 'presence', user: 'erin', online: true },
      { type: 'presence', user: 'bob', online: false, room: 'lobby' },
    ]);
  });

  test('close() stops reconnecting, closes the socket with 1000 and says closed', async () => {
    fixRandom(0.5);
    const { client, WebSocket } = start();
    const states = stateLog(client, (e) => e.state);
    await flush();
    WebSocket.last.welcome();
    WebSocket.last.drop(1006);
    assert.equal(client.state, 'reconnecting');
    client.close();
    clock.tick(60_000);
    await flush();
    assert.equal(WebSocket.instances.length, 1);
    assert.equal(client.state, 'closed');
    assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'closed']);

    const open = start();
    await flush();
    open.WebSocket.last.welcome();
    open.client.close();
    await flush();
    clock.tick(60_000);
    await flush();
    assert.deepEqual(open.WebSocket.last.closedWith, { code: 1000, reason: 'client closed' });
    assert.equal(open.WebSocket.instances.length, 1);
    assert.equal(open.client.state, 'closed');
  });

  test('close() while the token is being fetched opens nothing', async () => {
    let release;
    const { client, WebSocket } = start({ getToken: () => new Promise((resolve) => (release = resolve)) });
    await flush();
    client.close();
    release('t');
    await flush();
    assert.equal(WebSocket.instances.length, 0);
    assert.equal(client.state, 'closed');
  });

  test('an attempt that gets no welcome in time is given up and retried', async () => {
    fixRandom(0.5);
    const { client, WebSocket } = start({ connectTimeout: 3_000 });
    await flush();
    WebSocket.last.open(); // open, but no welcome
    clock.tick(3_000);
    assert.equal(client.state, 'reconnecting');
    assert.equal(WebSocket.instances[0].closedWith.code, 4000);
    clock.tick(250);
    await flush();
    assert.equal(WebSocket.instances.length, 2);
  });

  test('reconnect() skips the wait', async () => {
    fixRandom(0.999999);
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    WebSocket.last.drop();
    client.reconnect();
    await flush();
    assert.equal(WebSocket.instances.length, 2);
    assert.equal(client.state, 'connecting');
  });

  test('a throwing handler does not stop the others or the client', async () => {
    const errors = mock.method(console, 'error', () => {});
    const { client, WebSocket } = start();
    const got = [];
    client.on('message', () => {
      throw new Error('app bug');
    });
    client.on('message', (m) => got.push(m.id));
    await flush();
    WebSocket.last.welcome();
    WebSocket.last.receive(message(1));
    WebSocket.last.receive(message(2));
    assert.deepEqual(got, [1, 2]);
    assert.equal(errors.mock.callCount(), 2);
  });

  test('on() returns its unsubscribe function', async () => {
    const { client, WebSocket } = start();
    const got = [];
    const off = client.on('message', (m) => got.push(m.id));
    await flush();
    WebSocket.last.welcome();
    WebSocket.last.receive(message(1));
    off();
    WebSocket.last.receive(message(2));
    assert.deepEqual(got, [1]);
  });
});

describe('epochs and gaps', () => {
  test('a welcome of another epoch with gap:true emits gap, then takes the new ids', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    const events = record(client, ['gap', 'message']);
    await flush();
    WebSocket.last.welcome({ epoch: 'e1', lastMessageId: 50 });
    WebSocket.last.receive(message(50));
    WebSocket.last.drop(1001);
    clock.tick(0);
    await flush();
    assert.match(WebSocket.last.url, /since=50/);
    let lastIdSeenByGapHandler;
    client.on('gap', () => (lastIdSeenByGapHandler = client.lastId));
    WebSocket.last.welcome({ epoch: 'e2', gap: true, lastMessageId: 4 });
    WebSocket.last.receive(message(3)); // what the new epoch kept, replayed
    WebSocket.last.receive(message(4));
    assert.deepEqual(events.map(([type, e]) => (type === 'gap' ? `gap ${e.previousEpoch}->${e.epoch} since ${e.since}` : e.id)),
        [50, 'gap e1->e2 since 50', 3, 4]);
    assert.equal(lastIdSeenByGapHandler, 50);
    assert.equal(client.epoch, 'e2');
    assert.equal(client.lastId, 4);
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    assert.match(WebSocket.last.url, /since=4/);
  });

  test('a new epoch without gap still resets the ids; the same epoch keeps them', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    const gaps = record(client, ['gap']);
    const got = [];
    client.on('message', (m) => got.push(m.id));
    await flush();
    WebSocket.last.welcome({ epoch: 'e1' });
    WebSocket.last.receive(message(10));
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    WebSocket.last.welcome({ epoch: 'e1' });
    WebSocket.last.receive(message(9));
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    WebSocket.last.welcome({ epoch: 'e9' });
    WebSocket.last.receive(message(2));
    assert.deepEqual(got, [10, 2]);
    assert.equal(gaps.length, 0);
  });

  test('gap on the very first welcome (a since kept from an earlier page) resets the ids too', async () => {
    const { client, WebSocket } = start({ since: 900, epoch: 'old' });
    const got = record(client, ['gap', 'message']);
    await flush();
    WebSocket.last.welcome({ epoch: 'new', gap: true });
    WebSocket.last.receive(message(1));
    assert.deepEqual(got.map(([type, e]) => `${type}:${e.since ?? e.id}`), ['gap:900', 'message:1']);
  });
});

describe('send', () => {
  test('resolves with the ack carrying its ref', async () => {
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    const sent = client.sendText('bob', 'hello');
    assert.deepEqual(WebSocket.last.sent, [{ type: 'send', to: 'bob', text: 'hello', ref: 'h1' }]);
    WebSocket.last.ack({ id: 17 });
    assert.deepEqual(await sent, { type: 'ack', ref: 'h1', id: 17 });
  });

  test('every helper sends its frame', async () => {
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    client.sendToRoom('lobby', 'x');
    client.broadcast('y');
    client.join('r1');
    client.leave('r1');
    client.resume(5);
    client.watch(['bob', 'carol']);
    client.unwatch(['bob']);
    client.send({ type: 'custom', ref: 'mine' });
    assert.deepEqual(WebSocket.last.sent.map(({ ref, ...frame }) => frame), [
      { type: 'send', room: 'lobby', text: 'x' },
      { type: 'broadcast', text: 'y' },
      { type: 'join', room: 'r1' },
      { type: 'leave', room: 'r1' },
      { type: 'resume', since: 5 },
      { type: 'watch', users: ['bob', 'carol'] },
      { type: 'unwatch', users: ['bob'] },
      { type: 'custom' },
    ]);
    assert.deepEqual(WebSocket.last.sent.map((f) => f.ref), ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8']);
    assert.deepEqual(client.watched, ['carol']);
  });

  test('rejects with the error frame: code, frame and ref', async () => {
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    const sent = client.sendToRoom('nowhere', 'x');
    const frame = { type: 'error', code: 'not_in_room', message: 'join it first', ref: 'h1' };
    WebSocket.last.receive(frame);
    const err = await sent.then(() => assert.fail('resolved'), (e) => e);
    assert.ok(err instanceof HeraldError);
    assert.equal(err.code, 'not_in_room');
    assert.equal(err.message, 'join it first');
    assert.deepEqual(err.frame, frame);
    assert.equal(err.ref, 'h1');
  });

  test('rejects with rate_limited when the server says so', async () => {
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    const sent = client.broadcast('spam');
    WebSocket.last.receive({ type: 'error', code: 'rate_limited', message: 'slow down', ref: 'h1' });
    await assert.rejects(sent, { code: 'rate_limited' });
    assert.equal(client.state, 'open');
  });

  test('rejects with timeout when no answer comes, and ignores the late answer', async () => {
    const { client, WebSocket } = start({ timeout: 2_000 });
    const errors = record(client, ['error', 'ack']);
    await flush();
    WebSocket.last.welcome();
    const sent = client.sendText('bob', 'x');
    const quick = client.send({ type: 'read', upTo: 1 }, { timeout: 500 });
    clock.tick(500);
    await assert.rejects(quick, { code: 'timeout' });
    clock.tick(1_499);
    WebSocket.last.ack({}, WebSocket.last.sent[1]);
    clock.tick(1);
    await assert.rejects(sent, { code: 'timeout', name: 'HeraldError' });
    WebSocket.last.receive({ type: 'ack', ref: 'h1', id: 3 });
    assert.equal(errors.length, 0);
  });

  test('a send written before the socket dropped rejects with disconnected and is never sent again', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    const sent = client.sendText('bob', 'maybe');
    WebSocket.last.drop(1006);
    const err = await sent.then(() => assert.fail('resolved'), (e) => e);
    assert.equal(err.code, 'disconnected');
    assert.equal(err.closeCode, 1006);
    clock.tick(0);
    await flush();
    WebSocket.last.welcome();
    assert.deepEqual(WebSocket.last.sent, []);
  });

  test('a send made while reconnecting waits, and goes out after the rejoins', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    client.join('lobby');
    WebSocket.last.ack({ room: 'lobby' });
    WebSocket.last.drop(1001);
    const sent = client.sendToRoom('lobby', 'after the drop');
    clock.tick(0);
    await flush();
    const socket = WebSocket.last;
    assert.deepEqual(socket.sent, []); // nothing before the welcome
    socket.welcome();
    assert.deepEqual(socket.sent.map(({ ref, ...f }) => f),
        [{ type: 'join', room: 'lobby' }, { type: 'send', room: 'lobby', text: 'after the drop' }]);
    socket.ack({ id: 8 });
    assert.equal((await sent).id, 8);
  });

  test('a queued send that times out is dropped from the queue, never sent late', async () => {
    fixRandom(0.999999);
    const { client, WebSocket } = start({ timeout: 1_000 });
    await flush();
    WebSocket.last.welcome();
    WebSocket.last.drop();
    const sent = client.sendText('bob', 'too late');
    clock.tick(1_000);
    await assert.rejects(sent, { code: 'timeout' });
    await flush();
    WebSocket.last.welcome();
    assert.deepEqual(WebSocket.last.sent, []);
  });

  test('close() rejects what is waiting with closed; send after close rejects at once', async () => {
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    const written = client.sendText('bob', 'a');
    WebSocket.last.drop();
    const queued = client.sendText('bob', 'b');
    await assert.rejects(written, { code: 'disconnected' });
    client.close();
    await assert.rejects(queued, { code: 'closed' });
    await assert.rejects(client.sendText('bob', 'c'), { code: 'closed' });
    await assert.rejects(client.send({ no: 'type' }), TypeError);
  });

  test('unsolicited errors and acks reach on(), answers to sends do not', async () => {
    const { client, WebSocket } = start();
    const events = record(client, ['error', 'ack']);
    await flush();
    WebSocket.last.welcome();
    const refused = client.sendText('bob', 'x');
    WebSocket.last.receive({ type: 'error', code: 'text_too_long', message: '..', ref: 'h1' });
    await assert.rejects(refused, { code: 'text_too_long' });
    WebSocket.last.receive({ type: 'error', code: 'malformed_json', message: 'not JSON' });
    WebSocket.last.receive({ type: 'ack', ref: 'someone-else' });
    assert.deepEqual(events.map(([type, e]) => `${type}:${e.code ?? e.ref}`), ['error:malformed_json', 'ack:someone-else']);
  });
});

describe('own messages, handed over from their acks (echo=false)', () => {
  test('an ack carrying its message emits it once, before send() resolves; not unread, lastId unmoved', async () => {
    const { client, WebSocket } = start();
    const order = [];
    client.on('message', (m) => order.push(`message ${m.id}`));
    const unread = record(client, ['unread']);
    await flush();
    WebSocket.last.welcome();
    WebSocket.last.receive(message(5));
    const sent = client.sendText('bob', 'm7');
    sent.then(() => order.push('resolved'));
    const unreadBefore = unread.length;
    WebSocket.last.ack({ id: 7, message: own(7) });
    assert.deepEqual(order, ['message 5', 'message 7']); // synchronously, with the ack
    assert.deepEqual(await sent, { type: 'ack', ref: 'h1', id: 7, message: own(7) });
    assert.deepEqual(order, ['message 5', 'message 7', 'resolved']);
    assert.equal(client.unread, 1); // bob's 5 only
    assert.equal(unread.length, unreadBefore);
    assert.equal(client.lastId, 5); // the stream's position: 6 may still come
  });

  test('a replay after a reconnect resumes from the stream position and skips what the acks handed over', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    const got = [];
    client.on('message', (m) => got.push(m.id));
    await flush();
    WebSocket.last.welcome();
    WebSocket.last.receive(message(5));
    const sent = client.sendText('bob', 'm7');
    WebSocket.last.ack({ id: 7, message: own(7) });
    await sent;
    WebSocket.last.drop(1006);
    clock.tick(0);
    await flush();
    assert.equal(new URL(WebSocket.last.url).searchParams.get('since'), '5');
    WebSocket.last.welcome({ lastMessageId: 8 });
    for (const frame of [message(6), own(7), message(8)]) WebSocket.last.receive(frame);
    assert.deepEqual(got, [5, 7, 6, 8]);
    assert.equal(client.lastId, 8);
  });

  test('an entry below the acked id that arrives after the ack is still handed over; a resumed copy is not', async () => {
    const { client, WebSocket } = start();
    const got = [];
    client.on('message', (m) => got.push(m.id));
    await flush();
    WebSocket.last.welcome();
    const sent = client.broadcast('m8');
    WebSocket.last.ack({ id: 8, message: own(8, { to: undefined, kind: 'broadcast' }) });
    await sent;
    WebSocket.last.receive(message(7)); // bob's, appended just before, delivered after the ack (Redis)
    assert.equal(client.lastId, 7);
    WebSocket.last.receive(own(8, { to: undefined, kind: 'broadcast' })); // e.g. replayed by a resume
    WebSocket.last.receive(message(9));
    assert.deepEqual(got, [8, 7, 9]);
    assert.equal(client.lastId, 9);
  });

  test('a late ack, after the send timed out, still hands its message over, even below lastId', async () => {
    const { client, WebSocket } = start({ timeout: 1_000 });
    const events = record(client, ['message', 'ack']);
    await flush();
    WebSocket.last.welcome();
    const sent = client.sendToRoom('lobby', 'slow');
    clock.tick(1_000);
    await assert.rejects(sent, { code: 'timeout' });
    WebSocket.last.receive(message(4, 'bob', { to: undefined, room: 'lobby', kind: 'room' }));
    WebSocket.last.ack({ id: 3, message: own(3, { to: undefined, room: 'lobby', kind: 'room' }) });
    assert.deepEqual(events.map(([type, e]) => `${type} ${e.id}`), ['message 4', 'message 3']);
    assert.equal(client.lastId, 4);
    assert.equal(client.unread, 1);
  });

  test('a late ack for a message a resume already replayed is not handed over twice', async () => {
    const { client, WebSocket } = start({ timeout: 1_000 });
    const got = [];
    client.on('message', (m) => got.push(m.id));
    await flush();
    WebSocket.last.welcome();
    const sent = client.sendText('bob', 'slow');
    clock.tick(1_000);
    await assert.rejects(sent, { code: 'timeout' });
    client.resume(0);
    for (const frame of [message(1), own(2)]) WebSocket.last.receive(frame);
    WebSocket.last.ack({ replayed: 2 });
    WebSocket.last.ack({ id: 2, message: own(2) }, WebSocket.last.sent[0]);
    assert.deepEqual(got, [1, 2]);
  });

  test('ids restart in a new epoch: an id handed over from an ack there is a new message', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    const got = [];
    client.on('message', (m) => got.push(`${m.from} ${m.id}`));
    await flush();
    WebSocket.last.welcome({ epoch: 'e1' });
    const sent = client.sendText('bob', 'm3');
    WebSocket.last.ack({ id: 3, message: own(3) });
    await sent;
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    WebSocket.last.welcome({ epoch: 'e2' });
    WebSocket.last.receive(message(3));
    assert.deepEqual(got, ['alice 3', 'bob 3']);
  });
});

describe('rooms and watched users', () => {
  test('rooms are rejoined after every welcome, in the order joined; a left one is not', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    for (const answer of [client.join('a'), client.join('b'), client.join('c'), client.leave('b'), client.watch(['bob'])]) {
      answer.catch(() => {}); // dropped below before any answer
    }
    assert.deepEqual(client.rooms, ['a', 'c']);
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    assert.deepEqual(WebSocket.last.sent, []);
    WebSocket.last.welcome();
    assert.deepEqual(WebSocket.last.sent.map(({ ref, ...f }) => f),
        [{ type: 'join', room: 'a' }, { type: 'join', room: 'c' }, { type: 'watch', users: ['bob'] }]);
  });

  test('a room the server refuses is forgotten; a refused rejoin is reported as an error event', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    const errors = record(client, ['error']);
    await flush();
    WebSocket.last.welcome();
    const refused = client.join('bad room');
    WebSocket.last.receive({ type: 'error', code: 'invalid_field', message: 'bad name', ref: 'h1' });
    await assert.rejects(refused, { code: 'invalid_field' });
    client.join('ok');
    WebSocket.last.ack({ room: 'ok' });
    assert.deepEqual(client.rooms, ['ok']);
    assert.equal(errors.length, 0);

    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    WebSocket.last.welcome();
    const rejoin = WebSocket.last.sent[0];
    WebSocket.last.receive({ type: 'error', code: 'too_many_rooms', message: 'limit', ref: rejoin.ref });
    await flush();
    assert.deepEqual(client.rooms, []);
    assert.deepEqual(errors.map(([, e]) => e.code), ['too_many_rooms']);
  });

  test('a join asked for while disconnected is sent once, not doubled by the rejoin', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    WebSocket.last.drop();
    const joined = client.join('late');
    clock.tick(0);
    await flush();
    WebSocket.last.welcome();
    assert.deepEqual(WebSocket.last.sent.map(({ ref, ...f }) => f), [{ type: 'join', room: 'late' }]);
    WebSocket.last.ack({ room: 'late' });
    assert.equal((await joined).room, 'late');
  });

  test('leave while disconnected needs no frame', async () => {
    fixRandom(0.5);
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome();
    client.join('x');
    WebSocket.last.ack();
    WebSocket.last.drop();
    assert.equal(await client.leave('x'), undefined);
    assert.deepEqual(client.rooms, []);
  });
});

describe('unread and the read cursor', () => {
  test('welcome count, +1 per new message from others, replay not counted twice, own messages never', async () => {
    const { client, WebSocket } = start({ since: 'read' });
    const changes = [];
    client.on('unread', (e) => changes.push(e.unread));
    await flush();
    // Read up to 10; 11 and 12 (from bob) are unread and follow as the replay.
    WebSocket.last.welcome({ readUpTo: 10, unread: 2, lastMessageId: 12 });
    assert.equal(client.unread, 2);
    assert.equal(client.readUpTo, 10);
    WebSocket.last.receive(message(11));
    WebSocket.last.receive(message(12));
    assert.equal(client.unread, 2);
    WebSocket.last.receive(message(13)); // live
    assert.equal(client.unread, 3);
    WebSocket.last.receive(message(14, 'alice')); // sent from another tab of alice
    WebSocket.last.receive({ type: 'receipt', id: 15, by: 'bob', status: 'read' });
    WebSocket.last.receive(message(13)); // duplicate
    assert.equal(client.unread, 3);

    // Another tab read up to 12.
    WebSocket.last.receive({ type: 'read', upTo: 12 });
    assert.equal(client.unread, 1);
    assert.equal(client.readUpTo, 12);

    const read = client.read(); // everything received
    assert.equal(client.unread, 0);
    assert.equal(client.readUpTo, 15);
    assert.deepEqual(WebSocket.last.sent.at(-1), { type: 'read', upTo: 15, ref: 'h1' });
    WebSocket.last.ack();
    await read;
    assert.deepEqual(changes, [2, 2, 2, 3, 1, 0]);
  });

  test('a read frame that does not move the cursor forward changes nothing', async () => {
    const { client, WebSocket } = start();
    const reads = record(client, ['read', 'unread']);
    await flush();
    WebSocket.last.welcome({ readUpTo: 20, unread: 0, lastMessageId: 20 });
    WebSocket.last.receive(message(21));
    WebSocket.last.receive({ type: 'read', upTo: 19 });
    assert.equal(client.unread, 1);
    assert.equal(client.readUpTo, 20);
    assert.deepEqual(reads.map(([type]) => type), ['unread', 'unread', 'read']);
  });

  test('after a reconnect the welcome count is not added to what this client already counted', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome({ readUpTo: 0, unread: 0, lastMessageId: 0 });
    WebSocket.last.receive(message(1));
    WebSocket.last.receive(message(2));
    assert.equal(client.unread, 2);
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    // Meanwhile 3 arrived; the server counts 1, 2 and 3; since=2 replays 3.
    WebSocket.last.welcome({ readUpTo: 0, unread: 3, lastMessageId: 3 });
    assert.equal(client.unread, 3);
    WebSocket.last.receive(message(3));
    assert.equal(client.unread, 3);
  });

  test('read() while disconnected moves the cursor at once and is sent on reconnect', async () => {
    fixRandom(0);
    const { client, WebSocket } = start();
    await flush();
    WebSocket.last.welcome({ readUpTo: 0, unread: 0, lastMessageId: 0 });
    WebSocket.last.receive(message(5));
    WebSocket.last.drop();
    client.read(5);
    assert.equal(client.unread, 0);
    clock.tick(0);
    await flush();
    // The server has not seen the read yet: its welcome still counts 5.
    WebSocket.last.welcome({ readUpTo: 0, unread: 1, lastMessageId: 5 });
    assert.equal(client.unread, 0);
    assert.equal(client.readUpTo, 5);
    assert.deepEqual(WebSocket.last.sent.map(({ ref, ...f }) => f), [{ type: 'read', upTo: 5 }]);
  });
});

describe('token refresh', () => {
  // Token times are whole seconds of Date.now().
  const t0 = () => Math.floor(Date.now() / 1000);
  /** ms from now until `seconds` (an epoch second) */
  const until = (seconds) => seconds * 1000 - Date.now();

  test('a JWT is refreshed 30 s before it expires with an auth frame on the open socket', async () => {
    const base = t0();
    const tokens = [jwt({ sub: 'alice', iat: base, exp: base + 3600 }),
      jwt({ sub: 'alice', iat: base + 3570, exp: base + 7170 })];
    let calls = 0;
    const { client, WebSocket } = start({ getToken: async () => tokens[Math.min(calls++, 1)] });
    await flush();
    WebSocket.last.welcome();
    assert.equal(calls, 1);
    clock.tick(until(base + 3570) - 1);
    await flush();
    assert.deepEqual(WebSocket.last.sent, []);
    clock.tick(1_001);
    await flush();
    assert.equal(calls, 2);
    assert.deepEqual(WebSocket.last.sent, [{ type: 'auth', token: tokens[1], ref: 'h1' }]);
    WebSocket.last.ack();
    await flush();
    // The next refresh follows the new token's expiry.
    clock.tick(until(base + 7140) - 1);
    await flush();
    assert.equal(calls, 2);
    clock.tick(1_001);
    await flush();
    assert.equal(calls, 3);
    assert.equal(client.state, 'open');
  });

  test('a short-lived token is refreshed at 90 % of its lifetime', async () => {
    const base = t0();
    let calls = 0;
    const { WebSocket } = start({ getToken: async () => jwt({ sub: 'alice', iat: base, exp: base + 100 + 100 * calls++ }) });
    await flush();
    WebSocket.last.welcome();
    clock.tick(until(base + 90) - 1);
    await flush();
    assert.equal(calls, 1);
    clock.tick(1_001);
    await flush();
    assert.equal(calls, 2);
  });

  test('a refused refresh reconnects with a fresh token', async () => {
    fixRandom(0);
    const base = t0();
    let calls = 0;
    const token = (n) => jwt({ sub: 'alice', n, exp: base + 60 });
    const { client, WebSocket } = start({ getToken: async () => token(++calls) });
    await flush();
    WebSocket.last.welcome();
    clock.tick(54_000);
    await flush();
    const auth = WebSocket.last.sent[0];
    assert.equal(auth.type, 'auth');
    WebSocket.last.receive({ type: 'error', code: 'invalid_token', message: 'no', ref: auth.ref });
    await flush();
    assert.equal(client.state, 'reconnecting');
    assert.equal(WebSocket.instances[0].closedWith.code, 4000);
    clock.tick(0);
    await flush();
    assert.equal(calls, 3);
    assert.equal(new URL(WebSocket.last.url).searchParams.get('token'), token(3));
  });

  test('a static token or an opaque one is never refreshed', async () => {
    const { WebSocket } = start({ token: jwt({ sub: 'alice', exp: t0() + 60 }) });
    await flush();
    WebSocket.last.welcome();
    clock.tick(120_000);
    await flush();
    assert.deepEqual(WebSocket.last.sent, []);
    const opaque = start({ getToken: async () => 'opaque-token' });
    await flush();
    opaque.WebSocket.last.welcome();
    clock.tick(3_600_000);
    await flush();
    assert.deepEqual(opaque.WebSocket.last.sent, []);
  });
});

describe('Server-Sent Events fallback', () => {
  test('after the WebSocket fails to open twice: SSE, sends as POST /api/frames, the state says sse', async () => {
    fixRandom(0);
    const { client, WebSocket, EventSource, fetch } = start({ token: 'tk', since: 'read' });
    const states = stateLog(client);
    await flush();
    WebSocket.last.drop(1006); // upgrade refused or blocked: closed before open
    clock.tick(0);
    await flush();
    assert.equal(WebSocket.instances.length, 2);
    WebSocket.last.drop(1006);
    assert.equal(client.state, 'reconnecting');
    assert.equal(states.at(-1).transport, 'sse');
    assert.equal(states.at(-1).delay, 0);
    clock.tick(0);
    await flush();
    assert.equal(EventSource.instances.length, 1);
    assert.equal(EventSource.last.url, 'http://herald.test/sse/alice?echo=false&since=read&token=tk');
    EventSource.last.welcome({ connectionId: 'sse-9' });
    assert.equal(client.state, 'open');
    assert.equal(client.transport, 'sse');
    assert.deepEqual(states.at(-1), { state: 'open', transport: 'sse', attempt: 2, delay: 0 });

    const ack = await (async () => {
      const sent = client.sendText('bob', 'over http');
      await flush();
      return sent;
    })();
    assert.equal(fetch.requests.length, 1);
    const [request] = fetch.requests;
    assert.equal(request.url, 'http://herald.test/api/frames');
    assert.equal(request.method, 'POST');
    assert.deepEqual(request.headers, {
      'Content-Type': 'application/json', 'Herald-Connection': 'sse-9', Authorization: 'Bearer tk',
    });
    assert.deepEqual(request.body, { type: 'send', to: 'bob', text: 'over http', ref: 'h1' });
    assert.deepEqual(ack, { type: 'ack', ref: 'h1' });

    EventSource.last.receive(message(4));
    assert.equal(client.lastId, 4);
  });

  test('an error frame in the POST response rejects; 404 means the stream is gone: reconnect', async () => {
    fixRandom(0);
    const { client, EventSource, fetch } = start({ transport: 'sse' });
    await flush();
    EventSource.last.welcome({ connectionId: 's1' });
    fetch.respond = (req) => ({ status: 429, body: { type: 'error', code: 'rate_limited', message: 'slow', ref: req.body.ref } });
    const limited = client.broadcast('x');
    await assert.rejects(limited, { code: 'rate_limited', status: 429 });
    fetch.respond = () => ({ status: 503, body: '{"title":"shutting down"}' });
    await assert.rejects(client.broadcast('y'), { code: 'bad_response', status: 503 });
    fetch.respond = () => {
      throw new TypeError('Failed to fetch');
    };
    await assert.rejects(client.broadcast('z'), { code: 'disconnected' });
    assert.equal(client.state, 'open');

    fetch.respond = (req) => ({ status: 404, body: { type: 'error', code: 'unknown_connection', message: '?', ref: req.body.ref } });
    await assert.rejects(client.broadcast('w'), { code: 'unknown_connection', status: 404 });
    assert.equal(client.state, 'reconnecting');
    assert.equal(EventSource.instances[0].closed, true);
  });

  test('POSTs go one at a time, in order', async () => {
    const { client, EventSource, fetch } = start({ transport: 'sse' });
    await flush();
    EventSource.last.welcome();
    const releases = [];
    fetch.respond = (req) => new Promise((resolve) => releases.push(() => resolve({ status: 200, body: { type: 'ack', ref: req.body.ref } })));
    const first = client.join('r');
    const second = client.sendToRoom('r', 'hi');
    await flush();
    assert.deepEqual(fetch.requests.map((r) => r.body.type), ['join']);
    releases[0]();
    await first;
    await flush();
    assert.deepEqual(fetch.requests.map((r) => r.body.type), ['join', 'send']);
    releases[1]();
    await second;
  });

  test('the POST\'s ack hands its message over before send() resolves; entries below it still come on the stream', async () => {
    const { client, EventSource, fetch } = start({ transport: 'sse' });
    const order = [];
    client.on('message', (m) => order.push(`message ${m.id}`));
    await flush();
    EventSource.last.welcome();
    fetch.respond = (req) => ({ status: 200, body: { type: 'ack', ref: req.body.ref, id: 9, message: own(9) } });
    const sent = client.sendText('bob', 'm9');
    sent.then(() => order.push('resolved'));
    assert.equal((await sent).message.id, 9);
    EventSource.last.receive(message(8)); // bob's, on the stream after the POST's answer
    EventSource.last.receive(own(9)); // a replayed copy
    EventSource.last.receive(message(10));
    assert.deepEqual(order, ['message 9', 'resolved', 'message 8', 'message 10']);
    assert.equal(client.lastId, 10);
  });

  test('a POST answered after a new stream replayed its message hands nothing over twice', async () => {
    fixRandom(0);
    const { client, EventSource, fetch } = start({ transport: 'sse' });
    const got = [];
    client.on('message', (m) => got.push(m.id));
    await flush();
    EventSource.last.welcome();
    EventSource.last.receive(message(1));
    let answer;
    fetch.respond = (req) => new Promise((resolve) => (answer = () => resolve({
      status: 200, body: { type: 'ack', ref: req.body.ref, id: 2, message: own(2) } })));
    const sent = client.sendText('bob', 'm2');
    await flush();
    EventSource.last.fail();
    clock.tick(0);
    await flush();
    assert.equal(new URL(EventSource.last.url).searchParams.get('since'), '1');
    EventSource.last.welcome();
    EventSource.last.receive(own(2)); // the replay wins the race against the POST's answer
    answer();
    assert.equal((await sent).id, 2);
    assert.deepEqual(got, [1, 2]);
  });

  test('a late POST answer, after the send timed out, still hands its message over; the queue did not wait', async () => {
    const { client, EventSource, fetch } = start({ transport: 'sse', timeout: 1_000 });
    const got = [];
    client.on('message', (m) => got.push(m.id));
    await flush();
    EventSource.last.welcome();
    const answers = [];
    fetch.respond = (req) => new Promise((resolve) => answers.push((id) => resolve({
      status: 200, body: { type: 'ack', ref: req.body.ref, id, message: own(id) } })));
    const slow = client.sendText('bob', 'slow');
    await flush();
    clock.tick(500);
    const next = client.sendText('bob', 'next');
    clock.tick(500);
    await assert.rejects(slow, { code: 'timeout' });
    await flush();
    assert.equal(fetch.requests[0].signal?.aborted ?? false, false); // kept, for its answer
    assert.deepEqual(fetch.requests.map((r) => r.body.text), ['slow', 'next']);
    answers[1](4);
    assert.equal((await next).id, 4);
    answers[0](3);
    await flush();
    assert.deepEqual(got, [4, 3]);
  });

  test('a timed-out POST answered after close() hands nothing over', async () => {
    const { client, EventSource, fetch } = start({ transport: 'sse', timeout: 1_000 });
    const got = record(client, ['message']);
    await flush();
    EventSource.last.welcome();
    let answer;
    fetch.respond = (req) => new Promise((resolve) => (answer = () => resolve({
      status: 200, body: { type: 'ack', ref: req.body.ref, id: 3, message: own(3) } })));
    const sent = client.sendText('bob', 'slow');
    await flush();
    clock.tick(1_000);
    await assert.rejects(sent, { code: 'timeout' });
    client.close();
    answer();
    await flush();
    assert.deepEqual(got, []);
  });

  test('a WebSocket that throws when constructed: SSE at once; a dropped stream is reopened with since=lastId', async () => {
    fixRandom(0.5);
    const WebSocket = fakeWebSocket({ throwOnConstruct: true });
    const { client, EventSource } = start({ WebSocket });
    const states = stateLog(client, (e) => `${e.state}/${e.transport}/${e.delay}`);
    await flush();
    clock.tick(0);
    await flush();
    EventSource.last.welcome();
    EventSource.last.receive(message(31));
    EventSource.last.fail();
    assert.equal(EventSource.last.closed, true); // not left to reconnect by itself (with Last-Event-ID)
    // The next attempt tries WebSocket again (after the backoff), which throws again: SSE at once.
    clock.tick(500);
    await flush();
    clock.tick(0);
    await flush();
    assert.equal(EventSource.instances.length, 2);
    assert.equal(EventSource.last.url, 'http://herald.test/sse/alice?echo=false&since=31');
    assert.deepEqual(states, ['connecting/websocket/0', 'reconnecting/sse/0', 'connecting/sse/0', 'open/sse/0',
      'reconnecting/websocket/500', 'connecting/websocket/0', 'reconnecting/sse/0', 'connecting/sse/0']);
  });

  test('no WebSocket at all: SSE from the start, and no WebSocket tries later', async () => {
    fixRandom(0);
    const { client, EventSource } = start({ WebSocket: null, upgradeInterval: 1_000 });
    const states = stateLog(client, (e) => `${e.state}/${e.transport}`);
    await flush();
    EventSource.last.welcome();
    clock.tick(10_000);
    EventSource.last.fail();
    clock.tick(0);
    await flush();
    assert.equal(EventSource.instances.length, 2);
    assert.deepEqual(states, ['connecting/sse', 'open/sse', 'reconnecting/sse', 'connecting/sse']);
  });

  test('back to WebSocket on the reconnect after the SSE stream drops', async () => {
    fixRandom(0);
    const { client, WebSocket, EventSource } = start();
    await flush();
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    EventSource.last.welcome();
    client.join('lobby');
    await flush();
    EventSource.last.receive(message(8));
    EventSource.last.fail();
    clock.tick(0);
    await flush();
    assert.equal(WebSocket.instances.length, 3);
    assert.equal(WebSocket.last.url, 'ws://herald.test/ws/alice?echo=false&since=8');
    WebSocket.last.welcome();
    assert.equal(client.transport, 'websocket');
    assert.deepEqual(WebSocket.last.sent.map(({ ref, ...f }) => f), [{ type: 'join', room: 'lobby' }]);

    // A later drop that fails to open once stays on WebSocket (the fallback needs two in a row again).
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    WebSocket.last.drop();
    assert.equal(client.transport, 'websocket');
  });

  test('after the fallback, one WebSocket failure sends it straight back to SSE', async () => {
    fixRandom(0.999999);
    const { client, WebSocket, EventSource } = start({ since: 5 });
    const states = stateLog(client, (e) => `${e.state}/${e.transport}/${e.delay}`);
    await flush();
    WebSocket.last.drop();
    clock.tick(499);
    await flush();
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    EventSource.last.welcome();
    EventSource.last.fail();
    clock.tick(1999);
    await flush();
    WebSocket.last.drop(); // still blocked
    clock.tick(0);
    await flush();
    assert.equal(EventSource.last.url, 'http://herald.test/sse/alice?echo=false&since=5');
    EventSource.last.welcome();
    assert.deepEqual(states, [
      'connecting/websocket/0', 'reconnecting/websocket/499', 'connecting/websocket/0',
      'reconnecting/sse/0', 'connecting/sse/0', 'open/sse/0',
      'reconnecting/websocket/1999', 'connecting/websocket/0', 'reconnecting/sse/0', 'connecting/sse/0', 'open/sse/0',
    ]);
  });

  test('while on SSE, a WebSocket is tried every upgradeInterval and takes over once welcomed', async () => {
    fixRandom(0);
    const { client, WebSocket, EventSource, fetch } = start({ upgradeInterval: 30_000 });
    await flush();
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    WebSocket.last.drop();
    clock.tick(0);
    await flush();
    const stream = EventSource.last;
    stream.welcome({ connectionId: 's1', lastMessageId: 0 });
    client.join('lobby');
    await flush();
    assert.equal(fetch.requests.length, 1);
    stream.receive(message(1));

    // First try: still blocked.
    clock.tick(30_000);
    await flush();
    assert.equal(WebSocket.instances.length, 3);
    WebSocket.last.drop();
    assert.equal(client.transport, 'sse');
    assert.equal(client.state, 'open');

    // Second try: the WebSocket opens.
    clock.tick(30_000);
    await flush();
    assert.equal(WebSocket.instances.length, 4);
    const socket = WebSocket.last;
    assert.equal(socket.url, 'ws://herald.test/ws/alice?echo=false&since=1');
    stream.receive(message(2)); // still arriving over SSE meanwhile
    socket.welcome({ lastMessageId: 2 });
    assert.equal(client.transport, 'websocket');
    assert.deepEqual(socket.sent.map(({ ref, ...f }) => f), [{ type: 'join', room: 'lobby' }]);
    socket.receive(message(2)); // replay overlap: not handed over twice
    stream.receive(message(3));
    socket.receive(message(3));
    assert.equal(stream.closed, false); // kept until the rejoin is answered
    socket.ack({ room: 'lobby' });
    await flush();
    assert.equal(stream.closed, true);
    assert.equal(client.lastId, 3);
    const sent = client.sendText('bob', 'now on the socket');
    assert.equal(socket.sent.at(-1).type, 'send');
    socket.ack({ id: 4 });
    assert.equal((await sent).id, 4);
    assert.equal(fetch.requests.length, 1);
  });

  test('the token refresh goes as a POSTed auth frame over SSE, carrying the new token', async () => {
    const base = Math.floor(Date.now() / 1000);
    const tokens = [jwt({ sub: 'alice', iat: base, exp: base + 600 }), jwt({ sub: 'alice', iat: base + 570, exp: base + 1200 })];
    let calls = 0;
    const { EventSource, fetch } = start({ transport: 'sse', getToken: async () => tokens[calls++] });
    await flush();
    EventSource.last.welcome({ connectionId: 's7' });
    clock.tick(570_000);
    await flush();
    assert.equal(fetch.requests.length, 1);
    assert.deepEqual(fetch.requests[0].body, { type: 'auth', token: tokens[1], ref: 'h1' });
    assert.equal(fetch.requests[0].headers.Authorization, `Bearer ${tokens[1]}`);
    assert.equal(fetch.requests[0].headers['Herald-Connection'], 's7');
  });

  test('transport: "websocket" never falls back', async () => {
    fixRandom(0);
    const { client, WebSocket, EventSource } = start({ transport: 'websocket' });
    await flush();
    for (let i = 0; i < 4; i++) {
      WebSocket.last.drop();
      clock.tick(0);
      await flush();
    }
    assert.equal(EventSource.instances.length, 0);
    assert.equal(WebSocket.instances.length, 5);
    assert.equal(client.transport, 'websocket');
  });
});
