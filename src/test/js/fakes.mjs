// Stand-ins for the browser's WebSocket, EventSource and fetch, driven by the tests (no network).

/** A fresh WebSocket class per test, remembering every socket the client opened. */
export function fakeWebSocket({ throwOnConstruct = false } = {}) {
  class FakeWebSocket {
    static instances = [];

    constructor(url) {
      if (throwOnConstruct) throw new Error('blocked by policy');
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.closedWith = null;
      FakeWebSocket.instances.push(this);
    }

    send(text) {
      if (this.readyState !== 1) throw new Error('InvalidStateError: not open');
      this.sent.push(JSON.parse(text));
    }

    close(code, reason) {
      this.closedWith = { code, reason };
      this.readyState = 3;
      // Browsers report the close later; the client must ignore it after closing the socket itself.
      setImmediate(() => this.onclose?.({ code: code ?? 1005, reason: reason ?? '' }));
    }

    // ---- what the server (the test) does
    open() {
      this.readyState = 1;
      this.onopen?.({});
    }

    receive(frame) {
      this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
    }

    welcome(fields = {}) {
      this.open();
      this.receive({ type: 'welcome', user: 'alice', connectionId: `c${FakeWebSocket.instances.indexOf(this)}`,
        online: [], onlineCount: 1, lastMessageId: 0, dropped: 0, ...fields });
    }

    drop(code = 1006, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }

    /** Answers the last frame sent with an ack (plus fields). */
    ack(fields = {}, frame = this.sent.at(-1)) {
      this.receive({ type: 'ack', ref: frame.ref, ...fields });
    }

    static get last() {
      return FakeWebSocket.instances.at(-1);
    }
  }
  return FakeWebSocket;
}

export function fakeEventSource() {
  class FakeEventSource {
    static instances = [];

    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.closed = false;
      FakeEventSource.instances.push(this);
    }

    close() {
      this.closed = true;
      this.readyState = 2;
    }

    open() {
      this.readyState = 1;
      this.onopen?.({});
    }

    receive(frame) {
      this.onmessage?.({ data: JSON.stringify(frame), lastEventId: frame.id === undefined ? '' : String(frame.id) });
    }

    welcome(fields = {}) {
      this.open();
      this.receive({ type: 'welcome', user: 'alice', connectionId: `sse${FakeEventSource.instances.indexOf(this)}`,
        online: [], onlineCount: 1, lastMessageId: 0, dropped: 0, ...fields });
    }

    /** What a browser does when the stream breaks (it would retry by itself; the client must not let it). */
    fail() {
      this.readyState = 0;
      this.onerror?.({});
    }

    static get last() {
      return FakeEventSource.instances.at(-1);
    }
  }
  return FakeEventSource;
}

/**
 * A fetch that records requests; each is answered by `respond(request)`, which returns {status, body} (or a
 * promise of it), or throws for a network failure.
 */
export function fakeFetch(respond = (request) => ({ status: 200, body: { type: 'ack', ref: request.body.ref } })) {
  const requests = [];
  const fetch = async (url, init) => {
    const request = { url, method: init.method, headers: init.headers, body: JSON.parse(init.body), signal: init.signal };
    requests.push(request);
    const answer = await fetch.respond(request);
    return {
      status: answer.status,
      ok: answer.status >= 200 && answer.status < 300,
      json: async () => (typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body),
    };
  };
  fetch.requests = requests;
  fetch.respond = respond;
  return fetch;
}

/**
 * A fake clock for setTimeout, clearTimeout and Date.now (what herald.js uses), the same on every node version
 * (node's own mock timers differ between 18 and 20). Timers run in due order, those set while ticking included.
 */
export function installClock() {
  const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, now: Date.now };
  const timers = new Map(); // id -> { at, run }
  let now = 0;
  let lastId = 0;
  globalThis.setTimeout = (callback, delay = 0, ...args) => {
    const id = ++lastId;
    timers.set(id, { at: now + Math.max(0, Number(delay) || 0), run: () => callback(...args) });
    return id;
  };
  globalThis.clearTimeout = (id) => {
    timers.delete(id);
  };
  Date.now = () => now;
  return {
    /** Moves the clock `ms` on, running every timer that falls due. */
    tick(ms) {
      const end = now + ms;
      for (;;) {
        let next;
        for (const [id, timer] of timers) {
          if (timer.at <= end && (next === undefined || timer.at < timers.get(next).at)) next = id;
        }
        if (next === undefined) break;
        const timer = timers.get(next);
        timers.delete(next);
        now = timer.at;
        timer.run();
      }
      now = end;
    },
    uninstall() {
      globalThis.setTimeout = real.setTimeout;
      globalThis.clearTimeout = real.clearTimeout;
      Date.now = real.now;
    },
  };
}

/** Lets promise callbacks and setImmediate callbacks run (setTimeout stays under the fake clock's control). */
export async function flush(rounds = 5) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A JWT-shaped token (unsigned: the client only reads `exp` and `iat`). */
export function jwt(claims) {
  const part = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

/** Records every event of the given types, in order, as [type, event]. */
export function record(client, types) {
  const events = [];
  for (const type of types) client.on(type, (event) => events.push([type, event]));
  return events;
}
