/*
 * Herald browser page. Plain ES2020, no build step, no library, nothing fetched from elsewhere.
 *
 * Stable hooks for browser tests (#id, or [data-testid=...] where marked):
 *   Connection  #user #connect #disconnect
 *               #state            text and data-state = CONNECTING | OPEN | CLOSING | CLOSED
 *               #reconnect-info   shown while a retry is scheduled; data-attempt, data-delay-ms
 *               #conn-id #last-id (highest message id received) #notice (last notice, data-kind)
 *               #token-toggle reveals #token (optional, appended to socket URLs as token=)
 *   Online      #online #online-count; per user a button [data-testid=online-user-{name}]
 *   Lobby       #lobby-text #lobby-send #lobby-messages #lobby-status
 *   Direct      #dm-to #dm-text #dm-send #dm-messages #dm-status
 *   Rooms       #room-name #room-join #room-leave #rooms (buttons [data-testid=room-{name}],
 *               aria-pressed on the selected one) #room-selected (data-room) #room-text
 *               #room-send #room-messages #room-status
 *   Messages    each entry li[data-testid=msg-{id}] with data-id, data-kind, data-from, and
 *               .badge (kind) .from .target .text time[datetime=sentAt]
 *   Schedule    #sched-target (user|room|broadcast) #sched-to #sched-text #sched-delay #sched-at
 *               #sched-submit #sched-error #sched-ok #sched-pending #sched-count
 *               rows li[data-testid=pending-{id}], cancel buttons [data-testid=cancel-{id}]
 *   Tasks       #demo-hosts #demo-start #demo-error #tasks; per task li[data-testid=task-{id}]
 *               (data-status), [data-testid=task-progress-{id}] (<progress>, data-percent),
 *               [data-testid=task-status-{id}], [data-testid=task-output-{id}] (<details>)
 *   Ticker      #ticker-connect #ticker-close #ticker-once #ticker-state (data-state)
 *               #ticker-text #ticker-send #ticker-log (entries [data-testid=ticker-entry])
 *   Raw frames  #raw-log (<details>) #raw-log-list (li with data-dir = in | out | event)
 *               #raw-count #raw-clear
 */
'use strict';

const USER_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;
const MAX_STORED_MESSAGES = 500;
const MAX_LOG_ENTRIES = 200;
const PENDING_POLL_MS = 3000;
const STATUS_CLEAR_MS = 4000;
const LAST_USER_KEY = 'herald.lastUser';
const TOKEN_KEY = 'herald.token';

const $ = (id) => document.getElementById(id);

/* ---------- small DOM and formatting helpers ---------- */

// Builds elements with textContent only, so no server string is ever parsed as HTML.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.filter((child) => child != null));
  return node;
}

function clock(date) {
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// Shows the date too when it is not today, so old stored messages are not mistaken for new ones.
function localTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? clock(date) : `${date.toLocaleDateString()} ${clock(date)}`;
}

// datetime-local has no zone; the server wants an offset, so send the browser's own.
function toOffsetIso(date) {
  const pad = (n) => String(n).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const abs = Math.abs(offset);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
    + `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
    + `${offset >= 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// Keeps a log list bounded so a long-open tab does not grow without limit.
function trimList(list, max) {
  while (list.childElementCount > max) list.firstElementChild.remove();
}

// Follows new entries only when the reader is already at the bottom, so scrolling back is not yanked.
function appendScrolled(list, node) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(node);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

const statusTimers = new WeakMap();

// One line of feedback under a form; successes fade, errors stay until the next action.
function showStatus(node, text, kind = 'ok') {
  if (!node) return;
  clearTimeout(statusTimers.get(node));
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = false;
  if (kind === 'ok') statusTimers.set(node, setTimeout(() => { node.textContent = ''; }, STATUS_CLEAR_MS));
}

function notice(text, kind = 'info') {
  showStatus($('notice'), text, kind === 'info' ? 'ok' : kind);
  $('notice').dataset.kind = kind;
}

function showError(node, text) {
  node.textContent = text;
  node.hidden = !text;
}

/* ---------- raw frame log ---------- */

let rawCount = 0;

function logRaw(dir, channel, text) {
  const list = $('raw-log-list');
  const arrow = { in: '↓', out: '↑', event: '•' }[dir];
  list.append(el('li', { class: `raw-${dir}`, 'data-dir': dir },
    el('time', { text: clock(new Date()) }),
    el('span', { class: 'chan', text: `${arrow} ${channel}` }),
    el('code', { text })));
  trimList(list, MAX_LOG_ENTRIES);
  $('raw-count').textContent = String(++rawCount);
}

/* ---------- a WebSocket that knows whether its user still wants it ---------- */

// Equal jitter: half the cap is fixed, half random, so a server restart is not hit by every tab at once.
function backoffDelay(attempt) {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}

class Link {
  constructor({ name, url, prepare, onOpen, onFrame, onClose, onChange, autoReconnect }) {
    Object.assign(this, { name, url, prepare, onOpen, onFrame, onClose, onChange, autoReconnect });
    this.openTicket = 0;     // only the newest open() may go on after an async prepare
    this.ws = null;
    this.wanted = false;     // the user asked for a connection and has not pressed close
    this.attempt = 0;        // consecutive failed tries, drives the backoff
    this.retryTimer = null;
    this.retryDelay = 0;
    this.ours = new WeakSet(); // sockets we closed ourselves: their close is not a drop
  }

  get readyState() {
    return this.ws ? this.ws.readyState : WebSocket.CLOSED;
  }

  get retrying() {
    return this.retryTimer !== null;
  }

  connect() {
    this.wanted = true;
    this.attempt = 0;
    this.open();
  }

  disconnect() {
    this.wanted = false;
    this.openTicket++;
    this.shut('client closed');
  }

  // Page unload: close cleanly but keep `wanted`, so a reload (or bfcache return) connects again.
  suspend() {
    this.shut('page unload');
  }

  // Called by the browser's `online` event: no point waiting out the backoff once the network is back.
  retryNow() {
    if (this.retrying) this.open();
  }

  send(text) {
    if (this.readyState !== WebSocket.OPEN) return false;
    this.ws.send(text);
    logRaw('out', this.name, text);
    return true;
  }

  // `prepare` (e.g. fetching a token) runs before every attempt; a newer open() supersedes an older one.
  open() {
    this.cancelRetry();
    const ticket = ++this.openTicket;
    const go = () => { if (ticket === this.openTicket) this.openNow(); };
    if (this.prepare) this.prepare().catch(() => {}).then(go);
    else go();
  }

  openNow() {
    this.shut('replaced');
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (err) {
      logRaw('event', this.name, `cannot open: ${err.message}`);
      if (this.wanted) this.scheduleRetry();
      this.changed();
      return;
    }
    this.ws = ws;
    logRaw('event', this.name, `connecting ${ws.url}`);
    ws.onopen = () => this.handleOpen(ws);
    ws.onmessage = (event) => this.handleFrame(ws, event.data);
    ws.onclose = (event) => this.handleClose(ws, event);
    this.changed();
  }

  handleOpen(ws) {
    if (ws !== this.ws) return;
    logRaw('event', this.name, 'open');
    this.changed();
    if (this.onOpen) this.onOpen();
  }

  handleFrame(ws, data) {
    if (ws !== this.ws) return;
    this.attempt = 0; // the server is really talking to us, not just accepting and dropping
    logRaw('in', this.name, String(data));
    this.onFrame(String(data));
  }

  handleClose(ws, event) {
    const expected = this.ours.has(ws);
    logRaw('event', this.name, `closed ${event.code}${event.reason ? ` ${event.reason}` : ''}`);
    if (ws !== this.ws) return; // an old socket already replaced by a newer one
    this.ws = null;
    if (this.onClose) this.onClose(event, expected);
    if (!expected && this.wanted && this.autoReconnect()) this.scheduleRetry();
    this.changed();
  }

  shut(reason) {
    this.cancelRetry();
    const ws = this.ws;
    if (!ws || ws.readyState >= WebSocket.CLOSING) return;
    this.ours.add(ws);
    ws.close(1000, reason);
    this.changed();
  }

  scheduleRetry() {
    this.retryDelay = backoffDelay(this.attempt++);
    this.retryTimer = setTimeout(() => this.open(), this.retryDelay);
    logRaw('event', this.name, `reconnect in ${this.retryDelay} ms (attempt ${this.attempt})`);
  }

  cancelRetry() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  changed() {
    if (this.onChange) this.onChange(this);
  }
}

function wsUrl(path) {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = $('token').value.trim();
  if (token) url.searchParams.set('token', token);
  return url;
}

function renderLinkState(link, stateNode) {
  const name = STATE_NAMES[link.readyState];
  stateNode.textContent = name;
  stateNode.dataset.state = name;
  for (const button of document.querySelectorAll(`[data-needs="${link.name}"]`)) {
    button.disabled = name !== 'OPEN';
  }
}

/* ---------- per-user state kept in sessionStorage ---------- */

const app = {
  user: null,          // whose messages are shown and stored
  lastId: null,        // highest message id received: the resume point
  messages: [],        // message frames as received, oldest first
  seen: new Set(),     // message ids already shown, so a replay overlap is not shown twice
  rooms: [],           // rooms this page has joined, rejoined after every reconnect
  selectedRoom: null,
  dropped: 0,          // the server's count of messages lost to a full mailbox, as last reported
  online: new Set(),
  tasks: new Map(),    // task id -> { task, events: Map(seq -> event), seq, row }
  refs: new Map(),     // frame ref -> { status, onAck, onError } awaiting the server's answer
};

const storeKey = (user) => `herald.user.${user}`;

function readStored(user) {
  try {
    return JSON.parse(sessionStorage.getItem(storeKey(user))) || {};
  } catch {
    return {};
  }
}

let saveTimer = null;

// Messages can arrive in bursts (replay); one write per burst is enough.
function scheduleSave() {
  if (saveTimer === null) saveTimer = setTimeout(saveNow, 200);
}

function saveNow() {
  clearTimeout(saveTimer);
  saveTimer = null;
  if (!app.user) return;
  const state = {
    lastId: app.lastId,
    messages: app.messages.slice(-MAX_STORED_MESSAGES),
    rooms: app.rooms,
    selectedRoom: app.selectedRoom,
    dropped: app.dropped,
    wanted: main.wanted,
  };
  try {
    sessionStorage.setItem(storeKey(app.user), JSON.stringify(state));
  } catch {
    // Quota full: keep the resume point and membership, which matter more than old text.
    sessionStorage.setItem(storeKey(app.user), JSON.stringify({ ...state, messages: [] }));
  }
}

// Switches the page to one user's stored state; returns what was stored.
function activateUser(user) {
  const stored = readStored(user);
  app.user = user;
  app.lastId = typeof stored.lastId === 'number' ? stored.lastId : null;
  app.messages = Array.isArray(stored.messages) ? stored.messages : [];
  app.seen = new Set(app.messages.map((m) => m.id));
  app.rooms = Array.isArray(stored.rooms) ? stored.rooms : [];
  app.selectedRoom = app.rooms.includes(stored.selectedRoom) ? stored.selectedRoom : (app.rooms[0] || null);
  app.dropped = typeof stored.dropped === 'number' ? stored.dropped : 0;
  app.online = new Set();
  sessionStorage.setItem(LAST_USER_KEY, user);
  for (const id of ['lobby-messages', 'dm-messages', 'room-messages']) $(id).replaceChildren();
  app.messages.forEach(renderMessage);
  clearTasks();
  renderRooms();
  renderOnline();
  renderLastId();
  loadTasks();
  return stored;
}

function renderLastId() {
  $('last-id').textContent = app.lastId == null ? '–' : String(app.lastId);
}

/* ---------- the user's socket ---------- */

function mainUrl() {
  const url = wsUrl(`ws/${encodeURIComponent(app.user)}`);
  if (app.lastId != null) url.searchParams.set('since', String(app.lastId));
  return url.href;
}

// With authentication on, dev mode hands out tokens (GET /api/dev/token): fetch one for the current user
// before each socket attempt and API call unless the user typed their own. In production that endpoint is off
// (404) and the back end that serves the page provides the token instead.
let devToken = null; // { user, token, fetchedAt } when the token field holds a token fetched from dev mode
let devTokensOff = null; // { user, at } after a 404: not asked again for a minute
const DEV_TOKEN_REFRESH_MS = 30 * 60 * 1000;
const DEV_TOKENS_OFF_RECHECK_MS = 60 * 1000;

async function ensureDevToken() {
  const field = $('token');
  const typed = field.value.trim() && (!devToken || field.value.trim() !== devToken.token);
  if (typed || !app.user) return;
  if (devToken && devToken.user === app.user && Date.now() - devToken.fetchedAt < DEV_TOKEN_REFRESH_MS) return;
  if (devTokensOff && devTokensOff.user === app.user && Date.now() - devTokensOff.at < DEV_TOKENS_OFF_RECHECK_MS) return;
  const response = await fetch(`api/dev/token?user=${encodeURIComponent(app.user)}`);
  if (!response.ok) {
    if (devToken) field.value = '';
    devToken = null;
    devTokensOff = { user: app.user, at: Date.now() };
    return;
  }
  const { token } = await response.json();
  devToken = { user: app.user, token, fetchedAt: Date.now() };
  devTokensOff = null;
  field.value = token;
}

// The server closes a socket (1008) when its token expires: before that, hand it a fresh dev token with an
// `auth` frame, so the connection goes on (Centrifugo's refresh). A token the user typed is theirs to renew.
async function renewDevToken() {
  if (!devToken || main.readyState !== WebSocket.OPEN || $('token').value.trim() !== devToken.token) return;
  devToken.fetchedAt = 0;
  await ensureDevToken();
  if (devToken && main.readyState === WebSocket.OPEN) main.send(JSON.stringify({ type: 'auth', token: devToken.token }));
}

const main = new Link({
  name: 'main',
  url: mainUrl,
  prepare: ensureDevToken,
  onFrame: onMainFrame,
  onClose: onMainClose,
  onChange: renderMainState,
  autoReconnect: () => true,
});

function renderMainState() {
  renderLinkState(main, $('state'));
  $('disconnect').disabled = !main.wanted && main.readyState === WebSocket.CLOSED;
  const info = $('reconnect-info');
  info.hidden = !main.retrying;
  if (main.retrying) {
    info.textContent = `reconnecting in ${(main.retryDelay / 1000).toFixed(1)} s (attempt ${main.attempt})`;
    info.dataset.attempt = String(main.attempt);
    info.dataset.delayMs = String(main.retryDelay);
  }
  document.body.dataset.connection = STATE_NAMES[main.readyState];
}

function onMainClose(event, expected) {
  $('conn-id').textContent = '–';
  app.online.clear();
  renderOnline();
  // Frames still awaiting an answer will never get one on this socket.
  for (const { status } of app.refs.values()) showStatus(status, 'Connection lost before the server answered', 'error');
  app.refs.clear();
  if (!expected && main.wanted) notice(`Connection lost (code ${event.code}); reconnecting…`, 'warn');
}

const FRAME_HANDLERS = {
  welcome: onWelcome,
  message: onMessage,
  presence: onPresence,
  task: (frame) => upsertTask(frame.task, frame.event ? [frame.event] : []),
  ack: onAck,
  error: onErrorFrame,
};

function onMainFrame(data) {
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    return; // already in the raw log; nothing else to do with a non-JSON frame
  }
  const handler = FRAME_HANDLERS[frame && frame.type];
  if (handler) handler(frame);
}

function onWelcome(frame) {
  $('conn-id').textContent = frame.connectionId || '–';
  app.online = new Set(frame.online || []);
  renderOnline();
  notice(`Connected as ${frame.user || app.user}`);
  adoptServerLastId(frame.lastMessageId);
  rejoinRooms();
  loadTasks(); // task frames sent while we were away are not replayed; the snapshot fills the gap
  reportDropped(frame.dropped);
  saveNow();
}

// The server counts messages its full mailbox pushed out; say so once per new loss, not on every reconnect.
function reportDropped(dropped) {
  if (typeof dropped !== 'number' || dropped <= app.dropped) return;
  notice(`${dropped - app.dropped} older message(s) were dropped while you were away (mailbox full).`, 'warn');
  app.dropped = dropped;
}

function adoptServerLastId(serverLast) {
  if (typeof serverLast !== 'number') return;
  if (app.lastId == null) {
    // First connection: later reconnects resume from here, so nothing sent meanwhile is lost.
    app.lastId = serverLast;
  } else if (serverLast < app.lastId) {
    // The server forgot its history (restart); our ids would hide its new messages.
    app.lastId = serverLast;
    app.seen.clear();
    notice('The server restarted with an empty history; message ids start over.', 'warn');
  }
  renderLastId();
}

function onMessage(message) {
  if (typeof message.id === 'number') {
    if (app.seen.has(message.id)) return;
    app.seen.add(message.id);
    if (app.lastId == null || message.id > app.lastId) app.lastId = message.id;
  }
  app.messages.push(message);
  if (app.messages.length > MAX_STORED_MESSAGES) app.messages.shift();
  renderMessage(message);
  renderLastId();
  scheduleSave();
}

function onPresence(frame) {
  if (frame.online) app.online.add(frame.user);
  else app.online.delete(frame.user);
  renderOnline();
}

function onAck(frame) {
  const pending = app.refs.get(frame.ref);
  if (!pending) return;
  app.refs.delete(frame.ref);
  if (pending.onAck) pending.onAck(frame);
  else showStatus(pending.status, 'Sent ✓');
  if (pending.status) pending.status.title = frame.id != null ? `message id ${frame.id}` : '';
}

function onErrorFrame(frame) {
  const text = `${frame.message || 'Error'} (${frame.code || 'error'})`;
  const pending = frame.ref ? app.refs.get(frame.ref) : null;
  if (!pending) {
    notice(text, 'error');
    return;
  }
  app.refs.delete(frame.ref);
  if (pending.onError) pending.onError(frame);
  showStatus(pending.status, text, 'error');
}

let refSeq = 0;

// Every frame carries a ref so the server's ack or error lands under the form that sent it.
function sendFrame(frame, { status, onAck, onError } = {}) {
  if (main.readyState !== WebSocket.OPEN) {
    showStatus(status, 'Not connected', 'error');
    return false;
  }
  const ref = `c${++refSeq}`;
  app.refs.set(ref, { status, onAck, onError });
  return main.send(JSON.stringify({ ...frame, ref }));
}

/* ---------- messages ---------- */

// Where an entry belongs depends on its target, so scheduled ones land beside their live kin.
function listFor(message) {
  if (message.room) return $('room-messages');
  if (message.to && message.kind !== 'broadcast' && message.kind !== 'system') return $('dm-messages');
  return $('lobby-messages');
}

function targetText(message) {
  if (message.room) return `#${message.room}`;
  if (message.to) return message.to;
  return 'everyone';
}

function messageEntry(message) {
  const kind = message.kind || 'message';
  return el('li', {
    class: `msg kind-${kind}${message.from === app.user ? ' mine' : ''}`,
    'data-testid': `msg-${message.id}`,
    'data-id': message.id,
    'data-kind': kind,
    'data-from': message.from,
  },
  el('div', { class: 'meta' },
    el('span', { class: `badge kind-${kind}`, text: kind }),
    el('span', { class: 'from', text: message.from || 'server' }),
    el('span', { class: 'arrow', text: '→', 'aria-hidden': 'true' }),
    el('span', { class: 'target', text: targetText(message) }),
    el('time', { datetime: message.sentAt, title: message.sentAt, text: localTime(message.sentAt) })),
  el('p', { class: 'text', text: message.text == null ? '' : String(message.text) }));
}

function renderMessage(message) {
  const list = listFor(message);
  const entry = messageEntry(message);
  // Replays and live traffic can interleave; keep each list in id order (the usual case is a plain append).
  const last = list.lastElementChild;
  const later = last && Number(last.dataset.id) > message.id
    ? [...list.children].find((li) => Number(li.dataset.id) > message.id)
    : null;
  if (later) list.insertBefore(entry, later);
  else appendScrolled(list, entry);
  trimList(list, MAX_STORED_MESSAGES);
}

/* ---------- online users ---------- */

function renderOnline() {
  const names = [...app.online].sort((a, b) => a.localeCompare(b));
  $('online').replaceChildren(...names.map((name) => el('li', {},
    el('button', {
      type: 'button',
      class: `user${name === app.user ? ' me' : ''}`,
      'data-testid': `online-user-${name}`,
      'data-user': name,
      title: `Message ${name}`,
      onclick: () => pickRecipient(name),
    }, el('span', { class: 'dot', 'aria-hidden': 'true' }), name, name === app.user ? el('small', { text: ' (you)' }) : null))));
  $('online-count').textContent = String(names.length);
  $('online-names').replaceChildren(...names.map((name) => el('option', { value: name })));
}

function pickRecipient(name) {
  $('dm-to').value = name;
  $('dm-text').focus();
}

/* ---------- rooms ---------- */

function renderRooms() {
  $('rooms').replaceChildren(...app.rooms.map((room) => el('li', {},
    el('button', {
      type: 'button',
      class: 'chip',
      'data-testid': `room-${room}`,
      'data-room': room,
      'aria-pressed': String(room === app.selectedRoom),
      onclick: () => selectRoom(room),
    }, `#${room}`))));
  const selected = $('room-selected');
  selected.textContent = app.selectedRoom ? `#${app.selectedRoom}` : 'no room';
  selected.dataset.room = app.selectedRoom || '';
  $('room-text').placeholder = app.selectedRoom ? `Message #${app.selectedRoom}` : 'Join a room first';
}

function selectRoom(room) {
  app.selectedRoom = room;
  $('room-name').value = room;
  renderRooms();
  scheduleSave();
}

function addRoom(room) {
  if (!app.rooms.includes(room)) app.rooms.push(room);
  selectRoom(room);
}

function removeRoom(room) {
  app.rooms = app.rooms.filter((r) => r !== room);
  if (app.selectedRoom === room) app.selectedRoom = app.rooms[0] || null;
  renderRooms();
  scheduleSave();
}

function joinRoom(room) {
  // A refused join (bad name, limit) must not leave the room listed as joined.
  return sendFrame({ type: 'join', room }, {
    status: $('room-status'),
    onAck: () => showStatus($('room-status'), `Joined #${room}`),
    onError: () => removeRoom(room),
  });
}

// Membership belongs to a connection, so every new socket has to ask again.
function rejoinRooms() {
  app.rooms.forEach(joinRoom);
}

function onRoomJoin(event) {
  event.preventDefault();
  const room = $('room-name').value.trim();
  if (!room) return showStatus($('room-status'), 'Type a room name', 'error');
  if (app.rooms.includes(room)) return selectRoom(room); // already a member on this connection
  if (joinRoom(room)) addRoom(room);
}

function onRoomLeave() {
  const room = $('room-name').value.trim() || app.selectedRoom;
  if (!room || !app.rooms.includes(room)) return showStatus($('room-status'), 'Not in that room', 'error');
  removeRoom(room);
  if (main.readyState === WebSocket.OPEN) {
    sendFrame({ type: 'leave', room }, { status: $('room-status'), onAck: () => showStatus($('room-status'), `Left #${room}`) });
  }
  $('room-name').value = app.selectedRoom || '';
}

/* ---------- composers ---------- */

// Own messages come back as message frames; the input is cleared now, the entry appears on receipt.
function submitText(input, frame, status) {
  const text = input.value;
  if (!text.trim()) return showStatus(status, 'Type a message first', 'error');
  if (sendFrame({ ...frame, text }, { status })) input.value = '';
}

function onLobbySend(event) {
  event.preventDefault();
  submitText($('lobby-text'), { type: 'broadcast' }, $('lobby-status'));
}

function onDmSend(event) {
  event.preventDefault();
  const to = $('dm-to').value.trim();
  if (!USER_RE.test(to)) return showStatus($('dm-status'), 'Choose a recipient (letters, digits, _ . -)', 'error');
  submitText($('dm-text'), { type: 'send', to }, $('dm-status'));
}

function onRoomSend(event) {
  event.preventDefault();
  if (!app.selectedRoom) return showStatus($('room-status'), 'Join or select a room first', 'error');
  submitText($('room-text'), { type: 'send', room: app.selectedRoom }, $('room-status'));
}

/* ---------- connect / disconnect ---------- */

function onConnect(event) {
  event.preventDefault();
  const user = $('user').value.trim();
  if (!USER_RE.test(user)) {
    notice('User name: 1–64 letters, digits, _ . or -', 'error');
    $('user').focus();
    return;
  }
  if (user === app.user && main.wanted && main.readyState <= WebSocket.OPEN) return;
  if (user !== app.user) {
    main.disconnect();
    saveNow(); // the previous user's state is kept with wanted=false
    activateUser(user);
  }
  main.connect();
  saveNow();
}

function onDisconnect() {
  main.disconnect();
  notice('Disconnected');
  saveNow();
  renderMainState();
}

function showTokenField(show) {
  $('token-field').hidden = !show;
  $('token-toggle').setAttribute('aria-expanded', String(show));
}

function toggleToken() {
  showTokenField($('token-field').hidden);
  if (!$('token-field').hidden) $('token').focus();
}

/* ---------- HTTP ---------- */

class ApiError extends Error {
  constructor(message, status, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

// Returns parsed JSON, or throws ApiError carrying the problem+json `detail` and `field`.
async function api(method, path, body) {
  await ensureDevToken().catch(() => {});
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = $('token').value.trim();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(`Network error: ${err.message}`, 0);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const detail = (data && (data.detail || data.title)) || `${response.status} ${response.statusText}`.trim();
    throw new ApiError(detail, response.status, data && data.field);
  }
  return data;
}

/* ---------- scheduled messages ---------- */

const FIELD_INPUTS = {
  to: 'sched-to', room: 'sched-to', broadcast: 'sched-target',
  text: 'sched-text', delaySeconds: 'sched-delay', deliverAt: 'sched-at',
};

function scheduleBody() {
  const target = $('sched-target').value;
  const name = $('sched-to').value.trim();
  const body = target === 'broadcast' ? { broadcast: true } : { [target === 'room' ? 'room' : 'to']: name };
  body.text = $('sched-text').value;
  if (app.user) body.from = app.user; // shown as the sender when it fires
  const at = $('sched-at').value;
  const delay = $('sched-delay').value;
  if (at) body.deliverAt = toOffsetIso(new Date(at));
  else if (delay !== '') body.delaySeconds = Number(delay);
  return body;
}

function showSchedError(text, field) {
  showError($('sched-error'), text);
  const input = field && FIELD_INPUTS[field] ? $(FIELD_INPUTS[field]) : null;
  if (input) input.setAttribute('aria-invalid', 'true');
}

function clearSchedError() {
  showError($('sched-error'), '');
  for (const id of new Set(Object.values(FIELD_INPUTS))) $(id).removeAttribute('aria-invalid');
}

async function onSchedule(event) {
  event.preventDefault();
  clearSchedError();
  const button = $('sched-submit');
  button.disabled = true;
  try {
    const record = await api('POST', 'api/messages', scheduleBody());
    const when = record && record.status === 'pending' ? ` for ${localTime(record.deliverAt)}` : '';
    showStatus($('sched-ok'), `${record && record.status === 'pending' ? 'Scheduled' : 'Delivered'}${when}`);
    $('sched-text').value = '';
  } catch (err) {
    showSchedError(err.message, err.field);
  } finally {
    button.disabled = false;
    refreshPending();
  }
}

// Delay and time are alternatives: filling one clears the other, so the request is never ambiguous.
function exclusiveTimeInputs(changed, other) {
  if ($(changed).value) $(other).value = '';
  $('sched-submit').textContent = $('sched-delay').value || $('sched-at').value ? 'Schedule' : 'Send now';
}

function syncSchedTarget() {
  const broadcast = $('sched-target').value === 'broadcast';
  $('sched-to').disabled = broadcast;
  $('sched-to').placeholder = broadcast ? 'everyone' : $('sched-target').value === 'room' ? 'room name' : 'bob';
}

function scheduledTarget(record) {
  if (record.room) return `#${record.room}`;
  if (record.to) return `@${record.to}`;
  return 'everyone';
}

function pendingRow(record) {
  return el('li', { 'data-testid': `pending-${record.id}`, 'data-id': record.id },
    el('div', { class: 'pending-main' },
      el('span', { class: 'target', text: scheduledTarget(record) }),
      el('span', { class: 'text', title: record.text, text: record.text == null ? '' : String(record.text) })),
    el('time', { datetime: record.deliverAt, text: localTime(record.deliverAt) }),
    el('button', {
      type: 'button',
      class: 'small danger',
      'data-testid': `cancel-${record.id}`,
      onclick: (event) => cancelScheduled(record.id, event.currentTarget),
    }, 'Cancel'));
}

// Reuses rows that are still pending, so a poll does not swap out a button under the user's pointer.
function renderPending(records) {
  const list = $('sched-pending');
  const existing = new Map([...list.children].map((li) => [li.dataset.id, li]));
  const sorted = [...records].sort((a, b) => String(a.deliverAt).localeCompare(String(b.deliverAt)));
  const rows = sorted.map((record) => existing.get(String(record.id)) || pendingRow(record));
  list.replaceChildren(...rows);
  $('sched-count').textContent = String(records.length);
}

let pendingBusy = false;
let pendingAgain = false;

// A refresh asked for while one is in flight runs once more afterwards, so no change is missed.
async function refreshPending() {
  if (pendingBusy) {
    pendingAgain = true;
    return;
  }
  pendingBusy = true;
  try {
    const records = await api('GET', 'api/messages?status=pending');
    renderPending(Array.isArray(records) ? records : []);
    $('sched-pending-status').textContent = '';
  } catch (err) {
    $('sched-pending-status').textContent = `Could not load pending messages: ${err.message}`;
  } finally {
    pendingBusy = false;
    if (pendingAgain) {
      pendingAgain = false;
      refreshPending();
    }
  }
}

async function cancelScheduled(id, button) {
  clearSchedError();
  button.disabled = true;
  try {
    await api('DELETE', `api/messages/${encodeURIComponent(id)}`);
    showStatus($('sched-ok'), 'Cancelled');
  } catch (err) {
    showSchedError(err.message);
    button.disabled = false;
  } finally {
    refreshPending();
  }
}

/* ---------- tasks ---------- */

function clearTasks() {
  app.tasks.clear();
  $('tasks').replaceChildren();
}

async function loadTasks() {
  const user = app.user;
  if (!user) return;
  try {
    const tasks = await api('GET', `api/tasks?owner=${encodeURIComponent(user)}`);
    if (user !== app.user || !Array.isArray(tasks)) return; // switched user meanwhile
    tasks.forEach((task) => upsertTask(task, task.events || []));
  } catch (err) {
    showError($('demo-error'), `Could not load tasks: ${err.message}`);
  }
}

function taskRow(id) {
  const row = {
    root: el('li', { class: 'task', 'data-testid': `task-${id}`, 'data-id': id }),
    title: el('strong', { class: 'title' }),
    status: el('span', { class: 'badge', 'data-testid': `task-status-${id}` }),
    count: el('span', { class: 'count' }),
    bar: el('progress', { max: '100', value: '0', 'data-testid': `task-progress-${id}`, 'data-percent': '0' }),
    summary: el('summary'),
    lines: el('ol', { class: 'lines' }),
  };
  row.output = el('details', { 'data-testid': `task-output-${id}` }, row.summary, row.lines);
  row.root.append(el('div', { class: 'task-head' }, row.title, row.status, row.count), row.bar, row.output);
  return row;
}

// Snapshots (GET) and live frames can arrive in either order; the one with the newest event wins.
function upsertTask(task, events) {
  if (!task || task.id == null) return;
  let entry = app.tasks.get(String(task.id));
  if (!entry) {
    entry = { task, events: new Map(), seq: -1, row: taskRow(task.id) };
    app.tasks.set(String(task.id), entry);
    $('tasks').prepend(entry.row.root);
  }
  let newest = -1;
  for (const event of events) {
    entry.events.set(event.seq, event);
    newest = Math.max(newest, Number(event.seq));
  }
  if (newest >= entry.seq) {
    entry.task = task;
    entry.seq = newest;
  }
  renderTask(entry);
}

// The server's own percent wins (it also covers tasks without a total); otherwise derive it.
function taskPercent(task) {
  const raw = typeof task.percent === 'number' ? task.percent
    : task.total > 0 ? (task.progress * 100) / task.total : 0;
  return Math.max(0, Math.min(100, Math.floor(raw)));
}

function renderTask({ task, events, row }) {
  const percent = taskPercent(task);
  const status = task.status || 'unknown';
  row.root.dataset.status = status;
  row.title.textContent = task.title || task.id;
  row.status.textContent = status;
  row.status.className = `badge status-${status}`;
  row.count.textContent = task.total > 0 ? `${task.progress ?? 0}/${task.total}` : `${percent}%`;
  row.bar.value = percent;
  row.bar.dataset.percent = String(percent);
  row.bar.textContent = `${percent}%`;
  const sorted = [...events.values()].sort((a, b) => a.seq - b.seq);
  row.summary.textContent = `Output (${sorted.length} line${sorted.length === 1 ? '' : 's'})`;
  row.lines.replaceChildren(...sorted.map((event) => el('li', { 'data-seq': event.seq },
    el('time', { datetime: event.at, text: localTime(event.at) }),
    el('span', { text: event.line || `${event.status || ''} ${event.progress ?? ''}`.trim() }))));
}

// The owner is whoever the page is for; typing a name without connecting still works.
async function onDemoStart() {
  showError($('demo-error'), '');
  const typed = $('user').value.trim();
  if (!app.user) {
    if (!USER_RE.test(typed)) return showError($('demo-error'), 'Enter a user name first');
    activateUser(typed);
  }
  const button = $('demo-start');
  button.disabled = true;
  try {
    const hosts = Number($('demo-hosts').value) || 5;
    const task = await api('POST', 'api/demo/rolling-update', { owner: app.user, hosts });
    upsertTask(task, (task && task.events) || []);
  } catch (err) {
    showError($('demo-error'), err.message);
  } finally {
    button.disabled = false;
  }
}

/* ---------- ticker (seed 000) ---------- */

function tickerUrl() {
  const url = wsUrl('ws/ticker');
  if ($('ticker-once').checked) {
    url.searchParams.set('first', '3s');
    url.searchParams.set('once', 'true');
  }
  return url.href;
}

const ticker = new Link({
  name: 'ticker',
  url: tickerUrl,
  onFrame: onTickerFrame,
  onChange: () => {
    renderLinkState(ticker, $('ticker-state'));
    $('ticker-close').disabled = !ticker.wanted && ticker.readyState === WebSocket.CLOSED;
  },
  // The one-push variant ends by design; only the endless ticker is worth reconnecting.
  autoReconnect: () => !$('ticker-once').checked,
});

function onTickerFrame(data) {
  let shown = data;
  try {
    shown = JSON.stringify(JSON.parse(data), null, 1).replace(/\n\s*/g, ' ');
  } catch {
    // not JSON: show it as it came
  }
  const list = $('ticker-log');
  appendScrolled(list, el('li', { 'data-testid': 'ticker-entry' },
    el('time', { text: clock(new Date()) }), el('code', { text: shown })));
  trimList(list, MAX_LOG_ENTRIES);
}

function onTickerSend(event) {
  event.preventDefault();
  ticker.send($('ticker-text').value);
}

/* ---------- page lifecycle ---------- */

// Closing on pagehide (fires on reload, navigation and tab close, and keeps bfcache usable, unlike
// beforeunload) stops the server from holding a dead socket; `wanted` stays, so a reload resumes.
function onPageHide() {
  saveNow();
  main.suspend();
  ticker.suspend();
}

// Back from the bfcache the sockets are closed; open them again if the user had them open.
function onPageShow(event) {
  if (!event.persisted) return;
  if (main.wanted && app.user) main.open();
  if (ticker.wanted) ticker.open();
}

function wireEvents() {
  $('connect-form').addEventListener('submit', onConnect);
  $('disconnect').addEventListener('click', onDisconnect);
  $('token-toggle').addEventListener('click', toggleToken);
  $('token').addEventListener('change', () => sessionStorage.setItem(TOKEN_KEY, $('token').value.trim()));
  $('lobby-form').addEventListener('submit', onLobbySend);
  $('dm-form').addEventListener('submit', onDmSend);
  $('room-form').addEventListener('submit', onRoomJoin);
  $('room-leave').addEventListener('click', onRoomLeave);
  $('room-send-form').addEventListener('submit', onRoomSend);
  $('sched-form').addEventListener('submit', onSchedule);
  $('sched-target').addEventListener('change', syncSchedTarget);
  $('sched-delay').addEventListener('input', () => exclusiveTimeInputs('sched-delay', 'sched-at'));
  $('sched-at').addEventListener('input', () => exclusiveTimeInputs('sched-at', 'sched-delay'));
  $('demo-start').addEventListener('click', onDemoStart);
  $('ticker-connect').addEventListener('click', () => ticker.connect());
  $('ticker-close').addEventListener('click', () => ticker.disconnect());
  $('ticker-form').addEventListener('submit', onTickerSend);
  $('raw-clear').addEventListener('click', () => {
    $('raw-log-list').replaceChildren();
    rawCount = 0;
    $('raw-count').textContent = '0';
  });
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);
  window.addEventListener('online', () => { main.retryNow(); ticker.retryNow(); });
}

// Restores the last user of this tab: messages re-rendered, tasks reloaded, socket resumed if it was open.
function restore() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) {
    $('token').value = token;
    showTokenField(true);
  }
  const user = sessionStorage.getItem(LAST_USER_KEY);
  if (!user || !USER_RE.test(user)) return;
  $('user').value = user;
  const stored = activateUser(user);
  if (stored.wanted) main.connect();
}

function boot() {
  wireEvents();
  syncSchedTarget();
  restore();
  renderMainState();
  ticker.changed();
  refreshPending();
  setInterval(() => { if (!document.hidden) refreshPending(); }, PENDING_POLL_MS);
  setInterval(() => renewDevToken().catch(() => {}), DEV_TOKEN_REFRESH_MS);
  // Exposed for debugging from the console; tests should use the DOM hooks listed above.
  window.herald = { app, main, ticker };
}

boot();
