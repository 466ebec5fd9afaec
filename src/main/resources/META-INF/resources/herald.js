// herald.js: Herald's browser client. One ES module, no dependencies, no build step.
//
//   import { connect } from '/herald.js';
//   const herald = connect({ user: 'alice', getToken: () => fetch('/token').then((r) => r.text()) });
//   herald.on('message', (m) => console.log(m.from, m.text));
//   await herald.sendText('bob', 'hi');
//
// It keeps one connection to Herald (a WebSocket, or Server-Sent Events plus HTTP POST where WebSocket cannot
// open), reconnects with capped exponential backoff and full jitter, resumes from the last stream id it received
// (so nothing is lost and nothing is handed over twice), rejoins rooms, refreshes the token before it expires, and
// settles every `send` by the server's `ack` or `error` for it. It connects with `echo=false`: a message it sends
// comes back in its ack, not as a copy on the stream, and is handed to `on('message')` from there. The wire
// protocol is in the README.

/** @typedef {'connecting' | 'open' | 'reconnecting' | 'closed'} ConnectionState */
/** @typedef {'websocket' | 'sse'} Transport */

/**
 * @typedef {object} BackoffOptions
 * @property {number} [min=500] cap of the first reconnect delay, in ms
 * @property {number} [max=10000] largest cap, in ms
 * @property {number} [factor=2] the cap grows by this factor per failed attempt
 */

/**
 * @typedef {object} HeraldOptions
 * @property {string} user the user to connect as (`[A-Za-z0-9_.-]{1,64}`)
 * @property {string} [token] a JWT for `user` (when Herald has authentication on)
 * @property {() => (string | Promise<string>)} [getToken] returns a fresh JWT; called before every (re)connect
 *   and shortly before the current token expires (it is then sent as an `auth` frame); wins over `token`
 * @property {string} [url] Herald's base URL (http(s) or ws(s), a path prefix is kept); default: the page's origin
 * @property {number | 'read'} [since] where to resume the first connection: after this stream id, or after the
 *   user's read cursor (`'read'`); default: the messages that waited while the user was offline
 * @property {string} [epoch] the epoch `since` belongs to (from an earlier `welcome`), to notice a server restart
 * @property {'auto' | 'websocket' | 'sse'} [transport='auto'] `auto`: WebSocket, falling back to Server-Sent Events
 * @property {number} [timeout=10000] ms a `send` waits for its answer (including while not connected)
 * @property {number} [connectTimeout=10000] ms an attempt may take until the `welcome`
 * @property {number} [upgradeInterval=60000] while on the SSE fallback, ms between tries to get back to
 *   WebSocket without dropping the stream (0 turns it off)
 * @property {BackoffOptions} [backoff]
 * @property {typeof WebSocket | null} [WebSocket] default: the global one; `null`: no WebSocket at all
 * @property {typeof EventSource | null} [EventSource] default: the global one; `null`: no SSE fallback
 * @property {typeof fetch} [fetch] default: the global one
 */

/**
 * @typedef {object} WelcomeFrame
 * @property {'welcome'} type
 * @property {string} user
 * @property {string} connectionId names this connection (the SSE fallback sends it with every POST)
 * @property {string[]} online
 * @property {number} onlineCount
 * @property {number} lastMessageId newest id in the user's stream
 * @property {number} dropped messages the full mailbox pushed out
 * @property {string} [epoch] ids are comparable only within one epoch
 * @property {boolean} [gap] the `since` asked for could not be honoured; what is kept is replayed anyway
 * @property {number} [readUpTo] the user's read cursor
 * @property {number} [unread] messages from others after the read cursor
 */

/**
 * @typedef {object} MessageFrame
 * @property {'message'} type
 * @property {number} id increasing per user stream
 * @property {string} from
 * @property {string} [to]
 * @property {string} [room]
 * @property {string} text
 * @property {'direct' | 'room' | 'broadcast' | 'scheduled' | 'system'} kind
 * @property {string} sentAt
 */

/**
 * @typedef {object} ReceiptFrame
 * @property {'receipt'} type
 * @property {number} id a stream id too
 * @property {string} by
 * @property {'read'} status
 */

/** @typedef {{type: 'read', upTo: number}} ReadFrame another tab of this user moved the read cursor */
/**
 * One user coming or going: globally, in a `room` this client joined, or among the users it watches. The server
 * coalesces changes into `{type: 'presence', room?, joins: [...], leaves: [...]}`; `on('presence')` gets them one
 * by one in this shape (the raw frame reaches `on('frame')`).
 * @typedef {{type: 'presence', user: string, online: boolean, room?: string}} PresenceFrame
 */
/** @typedef {{type: 'task', [field: string]: any}} TaskFrame */
/**
 * The answer to a client frame. A sent message's ack carries its `id` and, since this client connects with
 * `echo=false`, the `message` itself (the frame the stream would otherwise have written back; `message.id === id`).
 * @typedef {{type: 'ack', ref: string | number, id?: number, message?: MessageFrame, room?: string,
 *   replayed?: number, [field: string]: any}} AckFrame
 */
/** @typedef {{type: 'error', code: string, message: string, ref?: string | number}} ErrorFrame */
/** @typedef {{type: string, [field: string]: any}} Frame */

/**
 * @typedef {object} StateEvent
 * @property {ConnectionState} state
 * @property {Transport} transport the transport in use, being tried, or to be tried next
 * @property {number} attempt 0 for the first try after a connection was open (or the very first); then 1, 2, ...
 * @property {number} delay ms until the next attempt (`reconnecting`), else 0
 * @property {number} [code] close code of the connection that just ended, when the transport tells it
 * @property {string} [reason] why the previous attempt or connection ended
 */

/**
 * @typedef {object} GapEvent
 * @property {number | 'read' | null} since what was asked for
 * @property {string | undefined} epoch the server's epoch now
 * @property {string | undefined} previousEpoch the epoch `since` belonged to
 * @property {WelcomeFrame} welcome
 */

/** @typedef {{unread: number, readUpTo: number | null}} UnreadEvent */

/**
 * Every event `on` knows: the server's frames by their `type`, plus the client's own events.
 * @typedef {object} HeraldEvents
 * @property {WelcomeFrame} welcome
 * @property {MessageFrame} message never twice for one id; from the stream never an id at or below `lastId`; the
 *   user's own messages sent by this client come from their acks (before `send` resolves, even after a `timeout`)
 * @property {ReceiptFrame} receipt deduplicated like `message`
 * @property {ReadFrame} read
 * @property {PresenceFrame} presence
 * @property {TaskFrame} task
 * @property {AckFrame} ack only acks that answer no `send` of this client
 * @property {ErrorFrame} error only errors that answer no `send` of this client (and a refused rejoin)
 * @property {StateEvent} state
 * @property {GapEvent} gap
 * @property {UnreadEvent} unread `unread` or `readUpTo` changed
 * @property {Frame} frame every frame as received, before deduplication
 */

/**
 * Why a `send` was rejected: `code` is the server's error code (`rate_limited`, `not_in_room`, ...), or one of
 * the client's: `timeout` (no answer in time; an ack that comes later still hands its message to `on('message')`),
 * `disconnected` (the connection dropped after the frame was written: it may or may not have been processed, and
 * it is never sent again), `closed` (`close()` was called), `bad_response` (the SSE fallback's POST got something
 * that is neither an ack nor an error).
 */
/**
 * @param {Frame} frame a presence frame, single or coalesced
 * @returns {PresenceFrame[]} one event per user that came or went
 */
function presenceChanges(frame) {
  if (!Array.isArray(frame.joins) && !Array.isArray(frame.leaves)) return [/** @type {PresenceFrame} */ (frame)];
  const where = typeof frame.room === 'string' ? { room: frame.room } : {};
  const change = (online) => (user) => ({ type: 'presence', user: String(user), online, ...where });
  return [...(frame.leaves ?? []).map(change(false)), ...(frame.joins ?? []).map(change(true))];
}

export class HeraldError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{frame?: ErrorFrame, ref?: string | number, status?: number, closeCode?: number, cause?: unknown}} [details]
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HeraldError';
    /** @type {string} */
    this.code = code;
    /** @type {ErrorFrame | undefined} the server's error frame, when the server answered */
    this.frame = details.frame;
    /** @type {string | number | undefined} */
    this.ref = details.ref;
    /** @type {number | undefined} HTTP status of the SSE fallback's POST */
    this.status = details.status;
    /** @type {number | undefined} close code of the connection that dropped */
    this.closeCode = details.closeCode;
  }
}

const DEFAULT_TIMEOUT = 10_000;
const DEFAULT_UPGRADE_INTERVAL = 60_000;
const DEFAULT_BACKOFF = Object.freeze({ min: 500, max: 10_000, factor: 2 });
// WebSocket attempts that must fail before they open, in a row, before `auto` falls back to SSE.
const FALLBACK_AFTER = 2;
// A connection that stays open this long resets the backoff; one dropped sooner keeps it growing.
const STABLE_AFTER = 5_000;
// Refresh a token this long before it expires, or 10 % of its lifetime when that is shorter.
const REFRESH_MARGIN = 30_000;
const MAX_TIMER = 2 ** 31 - 1;
// Own message ids remembered below the stream's position, so a late ack does not hand one over twice.
const OWN_IDS_KEPT = 1000;

/**
 * Opens a client at once (state `connecting`); it stays connected until `close()`.
 * @param {HeraldOptions} options
 * @returns {HeraldClient}
 */
export function connect(options) {
  return new HeraldClient(options);
}

/**
 * A connection to Herald that survives drops. Create it with {@link connect}.
 */
export class HeraldClient {
  /** @type {Required<Pick<HeraldOptions, 'timeout' | 'connectTimeout' | 'upgradeInterval'>> & {backoff: Required<BackoffOptions>}} */
  #opts;
  #user;
  #mode;
  /** @type {{ws: string, http: string}} */
  #base;
  #WebSocket;
  #EventSource;
  #fetch;
  #getToken;
  /** @type {string | undefined} */
  #token;
  /** @type {Map<string, Set<Function>>} */
  #handlers = new Map();

  /** @type {ConnectionState} */
  #state = 'connecting';
  /** @type {Transport} */
  #transport = 'websocket';
  /** @type {Link | null} the connection frames are sent on */
  #conn = null;
  /** @type {SocketLink | null} a WebSocket tried while the SSE fallback is open */
  #probe = null;
  #ticket = 0; // only the newest attempt may go on after awaiting a token
  #attempt = 0;
  #wsFailures = 0;
  /** @type {Timer | undefined} */
  #retryTimer = undefined;
  /** @type {Timer | undefined} */
  #connectTimer = undefined;
  /** @type {Timer | undefined} */
  #stableTimer = undefined;
  /** @type {Timer | undefined} */
  #refreshTimer = undefined;
  /** @type {Timer | undefined} */
  #probeTimer = undefined;

  /** @type {number | null} the stream's position: what it delivered, the resume point */
  #lastId = null;
  /**
   * Ids of own messages handed over from acks, above `#lastId`: the stream may still deliver them (a replay)
   * and entries below them (another node's message can arrive after the ack).
   * @type {Set<number>}
   */
  #ownAhead = new Set();
  /** @type {Set<number>} recent ids of own messages handed over at or below `#lastId`, for a late ack */
  #ownBehind = new Set();
  /** @type {number | 'read' | null} */
  #since = null;
  /** @type {string | undefined} */
  #epoch;
  /** @type {string | null} */
  #connectionId = null;
  /** @type {number | null} */
  #readUpTo = null;
  /** @type {number[]} ids of messages from others after the read cursor that this client handed over */
  #unreadIds = [];
  #unreadBase = 0; // unread messages the welcome counted that this client has not seen (ids unknown)
  /** @type {number | null} */
  #welcomeLastId = null;

  /** @type {Set<string>} */
  #rooms = new Set();
  /** @type {Set<string>} */
  #watched = new Set();
  /** @type {Map<string, Pending>} */
  #pending = new Map();
  /** @type {Pending[]} frames not written yet, in order */
  #outbox = [];
  #refSeq = 0;
  /** @type {Pending | null} the SSE fallback's POST the queue waits for */
  #postInFlight = null;

  /** @param {HeraldOptions} options */
  constructor(options) {
    if (!options || typeof options.user !== 'string' || options.user === '') {
      throw new TypeError('herald.connect: `user` is required');
    }
    const mode = options.transport ?? 'auto';
    if (!['auto', 'websocket', 'sse'].includes(mode)) {
      throw new TypeError(`herald.connect: unknown transport ${mode}`);
    }
    this.#user = options.user;
    this.#mode = mode;
    this.#base = baseUrls(options.url);
    this.#WebSocket = 'WebSocket' in options ? options.WebSocket : globalThis.WebSocket;
    this.#EventSource = 'EventSource' in options ? options.EventSource : globalThis.EventSource;
    /** @type {typeof fetch} */
    this.#fetch = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (mode !== 'sse' && !this.#WebSocket && (mode === 'websocket' || !this.#EventSource)) {
      throw new TypeError('herald.connect: no WebSocket implementation');
    }
    if (mode !== 'websocket' && this.#EventSource && !this.#fetch) {
      throw new TypeError('herald.connect: the SSE transport needs fetch');
    }
    if (mode === 'sse' && !this.#EventSource) {
      throw new TypeError('herald.connect: no EventSource implementation');
    }
    this.#getToken = options.getToken;
    this.#token = options.token;
    this.#opts = {
      timeout: options.timeout ?? DEFAULT_TIMEOUT,
      connectTimeout: options.connectTimeout ?? DEFAULT_TIMEOUT,
      upgradeInterval: options.upgradeInterval ?? DEFAULT_UPGRADE_INTERVAL,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    };
    if (typeof options.since === 'number') {
      this.#lastId = options.since;
      this.#since = options.since;
    } else if (options.since === 'read') {
      this.#since = 'read';
    }
    this.#epoch = options.epoch;
    this.#transport = this.#chooseTransport(null);
    // Started in a microtask, so `on('state', ...)` right after connect() sees `connecting`.
    queueMicrotask(() => this.#open());
  }

  /* ---------------------------------------------------------------- public API */

  /** @returns {ConnectionState} */
  get state() {
    return this.#state;
  }

  /** @returns {Transport} the transport in use, or being tried */
  get transport() {
    return this.#transport;
  }

  /**
   * @returns {number | null} highest id the stream delivered (0 right after a gap), the resume point; own messages
   *   handed over from acks do not move it (an earlier entry may still arrive), so it can be below their ids
   */
  get lastId() {
    return this.#lastId;
  }

  /** @returns {number} messages from other users after the read cursor */
  get unread() {
    return this.#unreadBase + this.#unreadIds.length;
  }

  /** @returns {number | null} the user's read cursor */
  get readUpTo() {
    return this.#readUpTo;
  }

  /** @returns {string | null} the open connection's id (from its welcome) */
  get connectionId() {
    return this.#connectionId;
  }

  /** @returns {string | undefined} the epoch of the last welcome (ids compare only within one) */
  get epoch() {
    return this.#epoch;
  }

  /** @returns {string} */
  get user() {
    return this.#user;
  }

  /** @returns {string[]} the rooms joined, rejoined after every reconnect */
  get rooms() {
    return [...this.#rooms];
  }

  /** @returns {string[]} the users watched, watched again after every reconnect */
  get watched() {
    return [...this.#watched];
  }

  /**
   * Calls `handler` for every event of `type` until the returned function is called.
   * @template {keyof HeraldEvents | string} K
   * @param {K} type a server frame type (`message`, `presence`, ...) or `state`, `gap`, `unread`, `frame`
   * @param {(event: K extends keyof HeraldEvents ? HeraldEvents[K] : Frame) => void} handler
   * @returns {() => void} unsubscribes
   */
  on(type, handler) {
    if (typeof handler !== 'function') throw new TypeError('herald.on: handler must be a function');
    let set = this.#handlers.get(type);
    if (!set) this.#handlers.set(type, (set = new Set()));
    // A wrapper, so the same function registered twice is called twice and unsubscribed once.
    const entry = (/** @type {any} */ event) => handler(event);
    set.add(entry);
    return () => set.delete(entry);
  }

  /**
   * Sends a client frame with a fresh `ref` (any `ref` given is replaced). Waits for the connection when it is
   * not open (up to the timeout); never sends a frame twice. A message's ack carries the message: it is emitted
   * as a `message` event before the promise resolves (and also when the ack comes after the timeout).
   * @param {Frame} frame e.g. `{type: 'send', to: 'bob', text: 'hi'}`
   * @param {{timeout?: number}} [options]
   * @returns {Promise<AckFrame>} the server's ack; rejected with a {@link HeraldError}
   */
  send(frame, options = {}) {
    if (!frame || typeof frame !== 'object' || typeof frame.type !== 'string') {
      return Promise.reject(new TypeError('herald.send: a frame is an object with a string `type`'));
    }
    if (this.#state === 'closed') {
      return Promise.reject(new HeraldError('closed', 'the client is closed'));
    }
    return this.#enqueue(frame, options.timeout ?? this.#opts.timeout).promise;
  }

  /**
   * A direct message (the user may be offline).
   * @param {string} to
   * @param {string} text
   * @returns {Promise<AckFrame>} the ack carries the message's `id` in the sender's stream and the `message`
   */
  sendText(to, text) {
    return this.send({ type: 'send', to, text });
  }

  /**
   * A message to a room this client joined.
   * @param {string} room
   * @param {string} text
   * @returns {Promise<AckFrame>}
   */
  sendToRoom(room, text) {
    return this.send({ type: 'send', room, text });
  }

  /**
   * A message to every connected user.
   * @param {string} text
   * @returns {Promise<AckFrame>}
   */
  broadcast(text) {
    return this.send({ type: 'broadcast', text });
  }

  /**
   * Joins a room now and after every reconnect (until `leave`, or until the server refuses the join).
   * @param {string} room
   * @returns {Promise<AckFrame>}
   */
  join(room) {
    this.#rooms.add(room);
    return this.send({ type: 'join', room }).catch((err) => {
      if (err instanceof HeraldError && err.frame) this.#rooms.delete(room); // refused: do not rejoin it
      throw err;
    });
  }

  /**
   * Leaves a room (and stops rejoining it).
   * @param {string} room
   * @returns {Promise<AckFrame | undefined>} undefined when not connected: membership ended with the connection
   */
  leave(room) {
    this.#rooms.delete(room);
    const joinQueued = this.#outbox.some((p) => p.frame.type === 'join' && p.frame.room === room);
    if (this.#state !== 'open' && !joinQueued) return Promise.resolve(undefined);
    return this.send({ type: 'leave', room });
  }

  /**
   * Asks the open connection to replay what it has not been sent after `since`. Messages at or below `lastId`
   * are still not handed to `on`.
   * @param {number | 'read'} [since] default: `lastId` (or the read cursor when nothing was received)
   * @returns {Promise<AckFrame>} the ack's `replayed` counts the frames written
   */
  resume(since = this.#lastId ?? 'read') {
    return this.send({ type: 'resume', since });
  }

  /**
   * Moves the user's read cursor (for every tab of the user), and `unread` with it at once.
   * @param {number | null} [upTo] default: `lastId`, everything received
   * @returns {Promise<AckFrame | undefined>} undefined when there is nothing to mark read
   */
  read(upTo = this.#lastId) {
    if (typeof upTo !== 'number') return Promise.resolve(undefined);
    if (this.#moveReadCursor(upTo)) this.#emitUnread();
    return this.send({ type: 'read', upTo });
  }

  /**
   * Presence events for these users, now and after every reconnect.
   * @param {string[]} users
   * @returns {Promise<AckFrame>} the ack carries their state
   */
  watch(users) {
    for (const user of users) this.#watched.add(user);
    return this.send({ type: 'watch', users: [...users] });
  }

  /**
   * @param {string[]} users
   * @returns {Promise<AckFrame | undefined>} undefined when not connected
   */
  unwatch(users) {
    for (const user of users) this.#watched.delete(user);
    if (this.#state !== 'open') return Promise.resolve(undefined);
    return this.send({ type: 'unwatch', users: [...users] });
  }

  /** Skips the wait before the next reconnect attempt (e.g. on the browser's `online` event). */
  reconnect() {
    if (this.#state === 'reconnecting' && this.#retryTimer !== undefined) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      this.#open();
    }
  }

  /**
   * Closes the connection for good: no reconnect; sends not answered yet are rejected with `closed`.
   */
  close() {
    if (this.#state === 'closed') return;
    this.#ticket++;
    this.#clearTimers();
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#closeProbe();
    const conn = this.#conn;
    this.#conn = null;
    this.#connectionId = null;
    conn?.close(1000, 'client closed');
    for (const pending of [...this.#pending.values()]) {
      this.#settle(pending, new HeraldError('closed', 'the client was closed before the server answered',
          { ref: pending.ref }));
    }
    this.#setState('closed', { transport: this.#transport, attempt: 0, delay: 0 });
  }

  /* ---------------------------------------------------------------- events */

  /**
   * @param {string} type
   * @param {any} event
   */
  #emit(type, event) {
    const set = this.#handlers.get(type);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(event);
      } catch (err) {
        // A throwing handler must not break the client or the other handlers.
        if (typeof globalThis.reportError === 'function') globalThis.reportError(err);
        else console.error(err);
      }
    }
  }

  /**
   * @param {ConnectionState} state
   * @param {Omit<StateEvent, 'state'>} details
   */
  #setState(state, details) {
    this.#state = state;
    this.#transport = details.transport;
    this.#emit('state', { state, ...details });
  }

  #emitUnread() {
    this.#emit('unread', { unread: this.unread, readUpTo: this.#readUpTo });
  }

  /* ---------------------------------------------------------------- connecting */

  /**
   * The transport of the next attempt. `auto` uses WebSocket until it failed to open FALLBACK_AFTER times in a
   * row; from then on it alternates (one WebSocket try after every SSE connection or attempt), so a network
   * that lets WebSocket through again is noticed at the next reconnect. A WebSocket that opens ends the fallback.
   * @param {Transport | null} last
   * @returns {Transport}
   */
  #chooseTransport(last) {
    if (this.#mode !== 'auto') return this.#mode;
    if (!this.#WebSocket) return 'sse';
    if (!this.#EventSource || this.#wsFailures < FALLBACK_AFTER) return 'websocket';
    return last === 'websocket' ? 'sse' : 'websocket';
  }

  async #open() {
    if (this.#state === 'closed') return;
    const ticket = ++this.#ticket;
    const transport = this.#transport;
    this.#setState('connecting', { transport, attempt: this.#attempt, delay: 0 });
    let token;
    try {
      token = await this.#freshToken();
    } catch (err) {
      if (ticket !== this.#ticket) return;
      this.#retry(transport, { reason: `getToken failed: ${errorText(err)}` });
      return;
    }
    if (ticket !== this.#ticket) return; // closed, or superseded meanwhile
    /** @type {Link} */
    let link;
    try {
      link = transport === 'websocket'
          ? new SocketLink(this.#WebSocket, this.#streamUrl('ws', token), this.#linkEvents)
          : new StreamLink(this.#EventSource, this.#streamUrl('sse', token), this.#linkEvents);
    } catch (err) {
      // A WebSocket that cannot even be constructed (blocked, bad URL) will not open on a second try either.
      if (transport === 'websocket') this.#wsFailures = FALLBACK_AFTER;
      this.#retry(transport, { reason: `cannot open: ${errorText(err)}` });
      return;
    }
    this.#conn = link;
    this.#connectTimer = setTimeout(() => {
      if (this.#conn !== link) return;
      link.close(4000, 'connect timeout');
      this.#lost(link, { reason: 'connect timeout' });
    }, clampDelay(this.#opts.connectTimeout));
  }

  /** @returns {Promise<string | undefined>} */
  async #freshToken() {
    if (this.#getToken) this.#token = await this.#getToken();
    return this.#token;
  }

  /**
   * @param {'ws' | 'sse'} path
   * @param {string | undefined} token
   */
  #streamUrl(path, token) {
    const base = path === 'ws' ? this.#base.ws : this.#base.http;
    const url = new URL(`${base}/${path}/${encodeURIComponent(this.#user)}`);
    // This connection's own messages come back in their acks, not as copies on the stream (#handOverOwn).
    url.searchParams.set('echo', 'false');
    const since = this.#lastId ?? this.#since;
    if (since !== null) url.searchParams.set('since', String(since));
    if (token) url.searchParams.set('token', token);
    return url.href;
  }

  /** What the links report; arrow functions so `this` is the client. */
  #linkEvents = {
    /** @param {Link} link */
    open: (link) => {
      if (link.kind === 'websocket' && (link === this.#conn || link === this.#probe)) this.#wsFailures = 0;
    },
    /** @param {Link} link @param {unknown} data */
    frame: (link, data) => this.#onData(link, data),
    /** @param {Link} link @param {{code?: number, reason?: string}} info */
    close: (link, info) => {
      if (link === this.#probe) this.#probeFailed();
      else this.#lost(link, info);
    },
  };

  /**
   * The current connection ended without `close()`: reject what it may have swallowed, then reconnect.
   * @param {Link} link
   * @param {{code?: number, reason?: string}} info
   */
  #lost(link, info) {
    if (link !== this.#conn) return;
    this.#conn = null;
    this.#connectionId = null;
    this.#clearTimers();
    this.#closeProbe();
    if (link.kind === 'websocket') {
      if (!link.opened) this.#wsFailures++;
      for (const pending of [...this.#pending.values()]) {
        if (pending.link === link) {
          this.#settle(pending, new HeraldError('disconnected',
              'the connection dropped before the server answered; the frame is not sent again',
              { ref: pending.ref, closeCode: info.code }));
        }
      }
    }
    // Over SSE a frame in flight is an HTTP request of its own: its response still settles it.
    this.#retry(link.kind, info);
  }

  /**
   * @param {Transport} last the transport that just failed or dropped
   * @param {{code?: number, reason?: string}} info
   */
  #retry(last, info) {
    const next = this.#chooseTransport(last);
    this.#attempt++;
    // Falling back from WebSocket to SSE is not a retry of the same thing: no wait.
    const delay = last === 'websocket' && next === 'sse' ? 0 : this.#backoffDelay(this.#attempt);
    /** @type {Omit<StateEvent, 'state'>} */
    const details = { transport: next, attempt: this.#attempt, delay };
    if (info.code !== undefined) details.code = info.code;
    if (info.reason) details.reason = info.reason;
    this.#setState('reconnecting', details);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#open();
    }, delay);
  }

  /**
   * Full jitter: uniform in [0, min(max, min * factor^(attempt-1))).
   * @param {number} attempt 1 for the first retry
   */
  #backoffDelay(attempt) {
    const { min, max, factor } = this.#opts.backoff;
    const cap = Math.min(max, min * factor ** Math.max(0, attempt - 1));
    return Math.floor(Math.random() * cap);
  }

  #clearTimers() {
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#stableTimer);
    clearTimeout(this.#refreshTimer);
    clearTimeout(this.#probeTimer);
    this.#connectTimer = this.#stableTimer = this.#refreshTimer = this.#probeTimer = undefined;
  }

  /* ---------------------------------------------------------------- frames in */

  /**
   * @param {Link} link
   * @param {unknown} data
   */
  #onData(link, data) {
    if (link.closed) return;
    let frame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame) || typeof frame.type !== 'string') return;
    if (link === this.#probe) {
      if (frame.type === 'welcome') this.#adoptProbe(link, frame);
      return;
    }
    this.#emit('frame', frame);
    if (link.closed) return; // a handler called close()
    switch (frame.type) {
      case 'welcome':
        this.#onWelcome(link, frame);
        break;
      case 'ack':
      case 'error':
        this.#onAnswer(frame);
        break;
      case 'message':
      case 'receipt':
        this.#onStreamFrame(frame);
        break;
      case 'read': {
        const moved = this.#moveReadCursor(frame.upTo);
        this.#emit('read', frame);
        if (moved) this.#emitUnread();
        break;
      }
      case 'presence':
        for (const change of presenceChanges(frame)) this.#emit('presence', change);
        break;
      default:
        this.#emit(frame.type, frame);
    }
  }

  /**
   * @param {Link} link
   * @param {WelcomeFrame} welcome
   * @returns {Promise<unknown>} settles when the rejoins are answered
   */
  #onWelcome(link, welcome) {
    if (link !== this.#conn) return Promise.resolve();
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    link.welcomed = true;
    clearTimeout(this.#stableTimer);
    this.#stableTimer = setTimeout(() => {
      this.#attempt = 0;
    }, STABLE_AFTER);

    const epochChanged = this.#epoch !== undefined && welcome.epoch !== undefined && welcome.epoch !== this.#epoch;
    if (welcome.gap) {
      this.#emit('gap', { since: this.#lastId ?? this.#since, epoch: welcome.epoch, previousEpoch: this.#epoch,
        welcome });
      if (link.closed) return Promise.resolve();
    }
    if (welcome.gap || epochChanged) {
      // Ids restarted (or what was asked for is gone): take the replay whatever its ids.
      this.#lastId = 0;
      this.#unreadIds = [];
      this.#ownAhead.clear();
      this.#ownBehind.clear();
    }
    if (welcome.epoch !== undefined) this.#epoch = welcome.epoch;
    this.#connectionId = welcome.connectionId ?? null;
    this.#applyWelcomeCursor(welcome);

    // Rejoin and re-watch ahead of anything the app queued meanwhile (a queued room message needs its room);
    // a join the app queued itself is not doubled.
    const queuedJoins = new Set(this.#outbox.filter((p) => p.frame.type === 'join').map((p) => p.frame.room));
    const rejoins = [];
    for (const room of this.#rooms) {
      if (queuedJoins.has(room)) continue;
      rejoins.push(this.#newPending({ type: 'join', room }, this.#opts.timeout, (err) => {
        if (!err.frame) return;
        this.#rooms.delete(room); // refused (e.g. too_many_rooms): the app did not ask for this join now
        this.#emit('error', err.frame);
      }));
    }
    if (this.#watched.size > 0) {
      rejoins.push(this.#newPending({ type: 'watch', users: [...this.#watched] }, this.#opts.timeout, (err) => {
        if (err.frame) this.#emit('error', err.frame);
      }));
    }
    this.#outbox.unshift(...rejoins);
    this.#state = 'open';
    this.#transport = link.kind;
    this.#pump();

    this.#emit('welcome', welcome);
    if (link.closed) return Promise.resolve();
    this.#setState('open', { transport: link.kind, attempt: this.#attempt, delay: 0 });
    if (link.closed) return Promise.resolve();
    this.#emitUnread();
    this.#scheduleRefresh();
    if (link.kind === 'sse') this.#scheduleProbe();
    return Promise.allSettled(rejoins.map((p) => p.promise));
  }

  /** @param {WelcomeFrame} welcome */
  #applyWelcomeCursor(welcome) {
    if (typeof welcome.readUpTo === 'number' && (this.#readUpTo === null || welcome.readUpTo > this.#readUpTo)) {
      this.#readUpTo = welcome.readUpTo;
    }
    const readUpTo = this.#readUpTo;
    if (readUpTo !== null) this.#unreadIds = this.#unreadIds.filter((id) => id > readUpTo);
    this.#welcomeLastId = typeof welcome.lastMessageId === 'number' ? welcome.lastMessageId : null;
    const counted = typeof welcome.unread === 'number' ? welcome.unread : 0;
    const lastKnown = this.#welcomeLastId;
    // The welcome counts the unread messages up to lastMessageId; those this client already has ids for are
    // in #unreadIds, the others (a replay follows) make up the base until their frames arrive.
    const known = lastKnown === null ? 0 : this.#unreadIds.filter((id) => id <= lastKnown).length;
    this.#unreadBase = Math.max(0, counted - known);
    if (readUpTo !== null && lastKnown !== null && readUpTo >= lastKnown) this.#unreadBase = 0;
  }

  /** @param {MessageFrame | ReceiptFrame} frame */
  #onStreamFrame(frame) {
    const id = frame.id;
    if (typeof id === 'number') {
      if (this.#lastId !== null && id <= this.#lastId) return; // a replay overlapping what was handed over
      this.#lastId = id;
      const handedOver = this.#ownAhead.has(id);
      for (const ownId of this.#ownAhead) {
        if (ownId > id) continue;
        this.#ownAhead.delete(ownId);
        this.#rememberOwnBehind(ownId);
      }
      if (handedOver) return; // its ack handed it over already
      if (frame.type === 'message' && frame.from === this.#user) this.#rememberOwnBehind(id);
    }
    this.#handOver(frame);
  }

  /**
   * An ack that carries the message it sent (the connection asked for `echo=false`): that message is handed
   * over here, as the stream would have, once. `#lastId` stays the stream's position (ids below may follow).
   * @param {AckFrame} ack
   */
  #handOverOwn(ack) {
    const message = ack.message;
    if (this.#state === 'closed' || !message || typeof message !== 'object' || message.type !== 'message'
        || typeof message.id !== 'number') {
      return;
    }
    const id = message.id;
    if (this.#ownAhead.has(id) || this.#ownBehind.has(id)) return;
    // At or below the stream's position: a late ack (or one that lost the race to an entry below it).
    if (this.#lastId !== null && id <= this.#lastId) this.#rememberOwnBehind(id);
    else this.#ownAhead.add(id);
    this.#handOver(message);
  }

  /** @param {number} id */
  #rememberOwnBehind(id) {
    this.#ownBehind.add(id);
    if (this.#ownBehind.size > OWN_IDS_KEPT) this.#ownBehind.delete(this.#ownBehind.values().next().value);
  }

  /**
   * Emits a stream frame not handed over before, counting it as unread when it is a message from someone else.
   * @param {MessageFrame | ReceiptFrame} frame
   */
  #handOver(frame) {
    const id = frame.id;
    let unreadChanged = false;
    if (frame.type === 'message' && frame.from !== this.#user && typeof id === 'number'
        && (this.#readUpTo === null || id > this.#readUpTo)) {
      this.#unreadIds.push(id);
      if (this.#welcomeLastId !== null && id <= this.#welcomeLastId && this.#unreadBase > 0) this.#unreadBase--;
      unreadChanged = true;
    }
    this.#emit(frame.type, frame);
    if (unreadChanged) this.#emitUnread();
  }

  /**
   * @param {unknown} upTo
   * @returns {boolean} whether the cursor moved
   */
  #moveReadCursor(upTo) {
    if (typeof upTo !== 'number' || (this.#readUpTo !== null && upTo <= this.#readUpTo)) return false;
    this.#readUpTo = upTo;
    this.#unreadIds = this.#unreadIds.filter((id) => id > upTo);
    if (this.#welcomeLastId === null || upTo >= this.#welcomeLastId) this.#unreadBase = 0;
    return true;
  }

  /** @param {AckFrame | ErrorFrame} frame */
  #onAnswer(frame) {
    const pending = frame.ref === undefined || frame.ref === null ? undefined : this.#pending.get(String(frame.ref));
    if (pending) {
      this.#answer(pending, frame);
    } else if (!isOwnRef(frame.ref)) {
      this.#emit(frame.type, frame); // unsolicited, or answers a frame someone else sent
    } else if (frame.type === 'ack') {
      this.#handOverOwn(frame); // a late ack to a send that timed out: the message was sent all the same
    }
  }

  /**
   * @param {Pending} pending
   * @param {AckFrame | ErrorFrame} frame
   * @param {number} [status]
   */
  #answer(pending, frame, status) {
    if (frame.type === 'ack') {
      this.#handOverOwn(/** @type {AckFrame} */ (frame)); // before the promise resolves: rendered when awaited
      this.#settle(pending, null, /** @type {AckFrame} */ (frame));
    } else {
      const error = /** @type {ErrorFrame} */ (frame);
      this.#settle(pending, new HeraldError(error.code, error.message ?? error.code,
          { frame: error, ref: pending.ref, status }));
    }
  }

  /* ---------------------------------------------------------------- frames out */

  /**
   * Queues a frame and writes it as soon as the connection is open.
   * @param {Frame} frame
   * @param {number} timeout
   * @returns {Pending}
   */
  #enqueue(frame, timeout) {
    const pending = this.#newPending(frame, timeout);
    this.#outbox.push(pending);
    this.#pump();
    return pending;
  }

  /**
   * A frame with a fresh ref, waiting for its answer (or its timeout), not queued yet.
   * @param {Frame} frame
   * @param {number} timeout
   * @param {(err: HeraldError) => void} [onError] for the client's own frames, whose promise nobody awaits
   * @returns {Pending}
   */
  #newPending(frame, timeout, onError) {
    const ref = `h${++this.#refSeq}`;
    /** @type {Pending} */
    const pending = {
      ref, frame: { ...frame, ref }, link: null, done: false, timer: undefined, abort: undefined,
      resolve: () => {}, reject: () => {}, promise: /** @type {any} */ (null),
    };
    pending.promise = new Promise((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    if (onError) pending.promise.catch(onError);
    this.#pending.set(ref, pending);
    pending.timer = setTimeout(() => {
      this.#settle(pending, new HeraldError('timeout', `no answer within ${timeout} ms`, { ref }));
    }, clampDelay(timeout));
    return pending;
  }

  /**
   * @param {Pending} pending
   * @param {HeraldError | null} error
   * @param {AckFrame} [ack]
   */
  #settle(pending, error, ack) {
    if (pending.done) return;
    pending.done = true;
    clearTimeout(pending.timer);
    this.#pending.delete(pending.ref);
    const queued = this.#outbox.indexOf(pending);
    if (queued >= 0) this.#outbox.splice(queued, 1); // never written: it never will be
    if (error && error.code === 'timeout' && this.#postInFlight === pending) {
      // Its answer may still come, with the message it sent (#handOverOwn): the POST goes on, the queue too.
      this.#postInFlight = null;
      pending.reject(error);
      this.#pump();
    } else if (error) {
      pending.abort?.();
      pending.reject(error);
    } else {
      pending.resolve(/** @type {AckFrame} */ (ack));
    }
  }

  /** Writes queued frames while the connection is open; over SSE one POST at a time, so order holds. */
  #pump() {
    const link = this.#conn;
    if (!link || !link.welcomed || link.closed || this.#state !== 'open') return;
    while (this.#outbox.length > 0 && !this.#postInFlight) {
      const pending = /** @type {Pending} */ (this.#outbox.shift());
      pending.link = link;
      if (link instanceof SocketLink) {
        try {
          link.write(JSON.stringify(pending.frame));
        } catch (err) {
          this.#settle(pending, new HeraldError('disconnected', `cannot write: ${errorText(err)}`,
              { ref: pending.ref, cause: err }));
        }
      } else {
        this.#post(link, pending);
      }
    }
  }

  /**
   * The SSE fallback's way to send: POST /api/frames, answered with the ack or error frame.
   * @param {StreamLink} link
   * @param {Pending} pending
   * @param {string} [token] for the `auth` frame: the new token
   */
  #post(link, pending, token = pending.frame.type === 'auth' ? pending.frame.token : this.#token) {
    this.#postInFlight = pending;
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    pending.abort = () => controller?.abort();
    /** @type {Record<string, string>} */
    const headers = { 'Content-Type': 'application/json', 'Herald-Connection': this.#connectionId ?? '' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const connectionId = this.#connectionId;
    Promise.resolve()
        .then(() => this.#fetch(`${this.#base.http}/api/frames`,
            { method: 'POST', headers, body: JSON.stringify(pending.frame), signal: controller?.signal }))
        .then(async (response) => {
          let frame = null;
          try {
            frame = await response.json();
          } catch {
            // not JSON: reported below
          }
          if (frame && typeof frame === 'object' && (frame.type === 'ack' || frame.type === 'error')) {
            this.#emit('frame', frame);
            this.#answer(pending, frame, response.status);
            // The server no longer knows this stream: it is dead even if EventSource has not noticed yet.
            if (response.status === 404 && link === this.#conn && connectionId === this.#connectionId) {
              link.close(4000, 'connection unknown to the server');
              this.#lost(link, { reason: 'connection unknown to the server' });
            }
          } else {
            this.#settle(pending, new HeraldError('bad_response',
                `POST /api/frames answered HTTP ${response.status} without an ack or error frame`,
                { ref: pending.ref, status: response.status }));
          }
        }, (err) => {
          this.#settle(pending, new HeraldError('disconnected', `POST /api/frames failed: ${errorText(err)}`,
              { ref: pending.ref, cause: err }));
        })
        .finally(() => {
          if (this.#postInFlight === pending) this.#postInFlight = null;
          this.#pump();
        });
  }

  /* ---------------------------------------------------------------- token refresh */

  /** When the token is a JWT with `exp` and a `getToken` can mint another, refresh it before it expires. */
  #scheduleRefresh() {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
    if (!this.#getToken) return;
    const claims = jwtClaims(this.#token);
    if (!claims || typeof claims.exp !== 'number') return;
    const now = Date.now();
    const expires = claims.exp * 1000;
    const issued = typeof claims.iat === 'number' ? claims.iat * 1000 : now;
    const margin = Math.min(REFRESH_MARGIN, Math.max(0, (expires - issued) * 0.1));
    const link = this.#conn;
    this.#refreshTimer = setTimeout(() => this.#refreshToken(link), clampDelay(Math.max(0, expires - margin - now)));
  }

  /** @param {Link | null} link */
  async #refreshToken(link) {
    this.#refreshTimer = undefined;
    try {
      const token = await this.#getToken?.();
      if (link !== this.#conn) return;
      if (typeof token !== 'string' || token === '') throw new Error('getToken returned no token');
      await this.#enqueue({ type: 'auth', token }, this.#opts.timeout).promise;
      if (link !== this.#conn) return;
      this.#token = token;
      this.#scheduleRefresh();
    } catch (err) {
      if (link !== this.#conn || link === null) return;
      // Reconnect instead: the next attempt asks getToken again.
      link.close(4000, 'token refresh failed');
      this.#lost(link, { reason: `token refresh failed: ${errorText(err)}` });
    }
  }

  /* ---------------------------------------------------------------- back to WebSocket from SSE */

  #scheduleProbe() {
    clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
    const interval = this.#opts.upgradeInterval;
    if (this.#mode !== 'auto' || !this.#WebSocket || !(interval > 0) || !Number.isFinite(interval)) return;
    const link = this.#conn;
    this.#probeTimer = setTimeout(() => this.#startProbe(link), clampDelay(interval));
  }

  /**
   * Opens a WebSocket beside the open SSE stream; if it reaches its welcome it takes over (`#adoptProbe`),
   * otherwise the stream carries on and another try follows later.
   * @param {Link | null} sse
   */
  async #startProbe(sse) {
    this.#probeTimer = undefined;
    if (sse !== this.#conn || this.#state !== 'open') return;
    let token;
    try {
      token = await this.#freshToken();
    } catch {
      this.#scheduleProbe();
      return;
    }
    if (sse !== this.#conn || this.#state !== 'open') return;
    try {
      this.#probe = new SocketLink(this.#WebSocket, this.#streamUrl('ws', token), this.#linkEvents);
    } catch {
      this.#scheduleProbe();
      return;
    }
    const probe = this.#probe;
    this.#probeTimer = setTimeout(() => {
      if (this.#probe === probe) this.#probeFailed();
    }, clampDelay(this.#opts.connectTimeout));
  }

  #probeFailed() {
    this.#closeProbe();
    if (this.#state === 'open' && this.#conn instanceof StreamLink) this.#scheduleProbe();
  }

  #closeProbe() {
    const probe = this.#probe;
    this.#probe = null;
    probe?.close(1000, 'probe');
  }

  /**
   * The probe WebSocket got its welcome: it becomes the connection. The SSE stream stays until the rejoins are
   * answered, so no room message falls between the two; what both deliver is deduplicated by id.
   * @param {SocketLink} probe
   * @param {WelcomeFrame} welcome
   */
  #adoptProbe(probe, welcome) {
    const sse = this.#conn;
    this.#probe = null;
    this.#clearTimers();
    this.#conn = probe;
    this.#wsFailures = 0;
    this.#emit('frame', welcome);
    if (probe.closed) return;
    this.#onWelcome(probe, welcome).then(() => {
      if (sse && this.#conn !== sse) sse.close(1000, 'upgraded to WebSocket');
    });
  }
}

/**
 * @typedef {object} Pending
 * @property {string} ref
 * @property {Frame} frame
 * @property {Link | null} link the connection it was written on
 * @property {boolean} done
 * @property {Timer | undefined} timer
 * @property {(() => void) | undefined} abort
 * @property {(ack: AckFrame) => void} resolve
 * @property {(err: HeraldError) => void} reject
 * @property {Promise<AckFrame>} promise
 */

/**
 * @typedef {object} LinkEvents
 * @property {(link: any) => void} open
 * @property {(link: any, data: unknown) => void} frame
 * @property {(link: any, info: {code?: number, reason?: string}) => void} close
 */

/** @typedef {SocketLink | StreamLink} Link */
/** @typedef {ReturnType<typeof setTimeout>} Timer */

/** One WebSocket; reports its events once, and none after `close()`. */
class SocketLink {
  /** @type {'websocket'} */
  kind = 'websocket';
  opened = false;
  welcomed = false;
  closed = false;

  /**
   * @param {any} WebSocketImpl
   * @param {string} url
   * @param {LinkEvents} events
   */
  constructor(WebSocketImpl, url, events) {
    const ws = new WebSocketImpl(url);
    this.ws = ws;
    ws.onopen = () => {
      if (this.closed) return;
      this.opened = true;
      events.open(this);
    };
    ws.onmessage = (/** @type {MessageEvent} */ event) => {
      if (!this.closed) events.frame(this, event.data);
    };
    ws.onclose = (/** @type {CloseEvent} */ event) => {
      if (this.closed) return;
      this.closed = true;
      events.close(this, { code: event.code, reason: event.reason || undefined });
    };
  }

  /** @param {string} text */
  write(text) {
    this.ws.send(text);
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  close(code, reason) {
    if (this.closed) return;
    this.closed = true;
    try {
      // Browsers accept only 1000 and 3000-4999 from scripts.
      this.ws.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, reason);
    } catch {
      // already closing
    }
  }
}

/** One EventSource. Its own reconnect is cut short: the client reconnects itself, with `since` and backoff. */
class StreamLink {
  /** @type {'sse'} */
  kind = 'sse';
  opened = false;
  welcomed = false;
  closed = false;

  /**
   * @param {any} EventSourceImpl
   * @param {string} url
   * @param {LinkEvents} events
   */
  constructor(EventSourceImpl, url, events) {
    const source = new EventSourceImpl(url);
    this.source = source;
    source.onopen = () => {
      if (this.closed) return;
      this.opened = true;
      events.open(this);
    };
    source.onmessage = (/** @type {MessageEvent} */ event) => {
      if (!this.closed) events.frame(this, event.data);
    };
    source.onerror = () => {
      if (this.closed) return;
      this.closed = true;
      source.close();
      events.close(this, { reason: this.opened ? 'event stream dropped' : 'event stream failed to open' });
    };
  }

  /**
   * @param {number} [_code] (an event stream has no close code)
   * @param {string} [_reason]
   */
  close(_code, _reason) {
    if (this.closed) return;
    this.closed = true;
    this.source.close();
  }
}

/**
 * @param {string | undefined} url
 * @returns {{ws: string, http: string}} without a trailing slash
 */
function baseUrls(url) {
  const page = globalThis.location?.href;
  if (url === undefined && !page) throw new TypeError('herald.connect: `url` is required outside a browser page');
  const parsed = new URL(url ?? '/', page);
  const secure = parsed.protocol === 'https:' || parsed.protocol === 'wss:';
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    throw new TypeError(`herald.connect: unsupported url ${parsed.href}`);
  }
  const rest = `//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
  return { ws: `${secure ? 'wss:' : 'ws:'}${rest}`, http: `${secure ? 'https:' : 'http:'}${rest}` };
}

/**
 * The payload of a JWT, or null when the token is not one.
 * @param {string | undefined} token
 * @returns {{exp?: number, iat?: number} | null}
 */
function jwtClaims(token) {
  const part = typeof token === 'string' ? token.split('.')[1] : undefined;
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const claims = JSON.parse(atob(base64));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

/** @param {unknown} ref */
function isOwnRef(ref) {
  return typeof ref === 'string' && /^h\d+$/.test(ref);
}

/** @param {number} ms */
function clampDelay(ms) {
  return Math.min(MAX_TIMER, Math.max(0, ms));
}

/** @param {unknown} err */
function errorText(err) {
  return err instanceof Error ? err.message : String(err);
}

export default { connect, HeraldClient, HeraldError };
