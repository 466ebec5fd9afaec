/*
 * Herald's own page: UI code on top of herald.js, the browser client any page can import. herald.js keeps the
 * connection (WebSocket, or Server-Sent Events where a WebSocket cannot open), reconnects with backoff, resumes
 * from the last message id with no gap and no duplicate, rejoins rooms and renews the token; this module and the
 * panels (chat.js, schedule.js, tasks.js, ticker.js) only show what arrives and send what the forms say.
 * Plain ES modules, no build step, no library, nothing fetched from elsewhere.
 *
 * Stable hooks for browser tests (#id, or [data-testid=...] where marked):
 *   Connection  #user #connect #disconnect
 *               #state            text and data-state = CONNECTING | OPEN | CLOSED (CLOSED while waiting to
 *                                 reconnect), data-transport = websocket | sse
 *               #transport        the transport in use (websocket | sse)
 *               #reconnect-info   shown while a retry is scheduled; data-attempt, data-delay-ms
 *               #conn-id #last-id (highest message id received) #notice (last notice, data-kind)
 *   Unread      #unread-total #mark-read; badges [data-testid=unread-lobby|unread-dm|unread-rooms] and
 *               [data-testid=unread-room-{room}] (text and data-count; hidden at 0), per sender
 *               [data-testid=unread-dm-{user}]; unread entries have class .unread; a receipt adds
 *               [data-testid=read-by-{id}] to the user's own message
 *               #token-toggle reveals #token (optional; used instead of a dev token when filled in)
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

import { connect } from './herald.js';
import { createChat } from './chat.js';
import { createSchedule } from './schedule.js';
import { createTasks } from './tasks.js';
import { createTicker } from './ticker.js';
import { createUnread } from './unread.js';
import { $, USER_RE, clearRaw, errorText, logRaw, notice, showStatus } from './ui.js';

const MAX_STORED_MESSAGES = 500;
const LAST_USER_KEY = 'herald.lastUser';
const TOKEN_KEY = 'herald.token';
const DEV_TOKENS_OFF_RECHECK_MS = 60 * 1000;
// herald.js says connecting / open / reconnecting / closed; the page's hooks keep the socket's names.
const STATE_NAMES = { connecting: 'CONNECTING', open: 'OPEN', reconnecting: 'CLOSED', closed: 'CLOSED' };

/* ---------- per-user state kept in sessionStorage ---------- */

const app = {
  user: null,          // whose messages are shown and stored
  lastId: null,        // highest message id received: where the next connection resumes
  epoch: undefined,    // the server's epoch lastId belongs to (a restart without storage starts a new one)
  messages: [],        // message frames as received, oldest first
  seen: new Set(),     // message ids shown, so a stored message is not shown twice
  rooms: [],           // rooms this page has joined; herald.js rejoins them after every reconnect
  selectedRoom: null,
  dropped: 0,          // the server's count of messages lost to a full mailbox, as last reported
  online: new Set(),
  readUpTo: null,      // the user's read cursor (all tabs and devices), as last heard
  readBy: {},          // own direct message id -> who read it (receipts)
  wanted: false,       // the user asked for a connection and has not pressed Disconnect
};

/** @type {import('./herald.js').HeraldClient | null} */
let client = null;

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
    epoch: app.epoch,
    messages: app.messages.slice(-MAX_STORED_MESSAGES),
    rooms: app.rooms,
    selectedRoom: app.selectedRoom,
    dropped: app.dropped,
    readUpTo: app.readUpTo,
    readBy: keptReceipts(),
    wanted: app.wanted,
  };
  try {
    sessionStorage.setItem(storeKey(app.user), JSON.stringify(state));
  } catch {
    // Quota full: keep the resume point and membership, which matter more than old text.
    sessionStorage.setItem(storeKey(app.user), JSON.stringify({ ...state, messages: [] }));
  }
}

// Receipts only for messages still kept, so the stored map does not grow without end.
function keptReceipts() {
  const kept = {};
  for (const m of app.messages) if (app.readBy[m.id]) kept[m.id] = app.readBy[m.id];
  return kept;
}

/* ---------- tokens ---------- */

// With authentication on, dev mode hands out tokens (GET /api/dev/token): herald.js asks for a fresh one before
// every connection and shortly before it expires (and hands it to the open connection as an `auth` frame). A
// token typed into the field is used as it is instead. In production that endpoint is off (404) and the back end
// that serves the page provides the token.
let token = null; // the token in use: typed, or the last dev token
let devTokensOff = null; // { user, at } after a 404: not asked again for a minute

function typedToken() {
  return $('token').value.trim();
}

async function fetchDevToken() {
  const user = app.user;
  if (devTokensOff && devTokensOff.user === user && Date.now() - devTokensOff.at < DEV_TOKENS_OFF_RECHECK_MS) {
    return undefined;
  }
  const response = await fetch(`api/dev/token?user=${encodeURIComponent(user)}`);
  if (!response.ok) {
    devTokensOff = { user, at: Date.now() };
    return undefined;
  }
  devTokensOff = null;
  token = (await response.json()).token;
  return token;
}

async function currentToken() {
  const typed = typedToken();
  if (typed) return typed;
  if (!token && app.user) await fetchDevToken().catch(() => undefined);
  return token || '';
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
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const bearer = await currentToken();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
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

/* ---------- panels ---------- */

// Sends a client frame; its answer (ack or error, or the client's timeout) lands under the form that sent it.
function send(frame, status) {
  if (!client || client.state !== 'open') {
    showStatus(status, 'Not connected', 'error');
    return false;
  }
  logRaw('out', 'main', JSON.stringify(frame));
  client.send(frame).then((ack) => {
    showStatus(status, 'Sent ✓');
    if (status) status.title = ack.id != null ? `message id ${ack.id}` : '';
  }, (err) => showStatus(status, errorText(err), 'error'));
  return true;
}

const ctx = {
  app,
  api,
  send,
  client: () => client,
  save: scheduleSave,
  token: currentToken,
  activate: (user) => activateUser(user),
};
const unread = createUnread(ctx);
const chat = createChat(ctx, unread);
const schedule = createSchedule(ctx);
const tasks = createTasks(ctx);
const ticker = createTicker(ctx);

/* ---------- the connection ---------- */

function renderLastId() {
  $('last-id').textContent = app.lastId == null ? '–' : String(app.lastId);
}

function renderState(event = { state: 'closed', transport: client ? client.transport : 'websocket' }) {
  const name = STATE_NAMES[event.state] || 'CLOSED';
  const state = $('state');
  state.textContent = name;
  state.dataset.state = name;
  state.dataset.transport = event.transport;
  $('transport').textContent = event.transport;
  for (const button of document.querySelectorAll('[data-needs="main"]')) button.disabled = name !== 'OPEN';
  $('disconnect').disabled = !app.wanted;
  const info = $('reconnect-info');
  info.hidden = event.state !== 'reconnecting';
  if (event.state === 'reconnecting') {
    info.textContent = `reconnecting over ${event.transport} in ${(event.delay / 1000).toFixed(1)} s (attempt ${event.attempt})`;
    info.dataset.attempt = String(event.attempt);
    info.dataset.delayMs = String(event.delay);
  }
  document.body.dataset.connection = name;
}

let wasOpen = false;

function onState(event) {
  const why = event.code !== undefined ? `code ${event.code}` : event.reason || '';
  logRaw('event', 'main', `${event.state} (${event.transport})${why ? ` ${why}` : ''}`);
  renderState(event);
  if (event.state !== 'open') {
    $('conn-id').textContent = '–';
    chat.onOffline();
  }
  if (event.state === 'reconnecting' && wasOpen) notice(`Connection lost (${why || 'dropped'}); reconnecting…`, 'warn');
  wasOpen = event.state === 'open';
}

function onWelcome(welcome) {
  $('conn-id').textContent = welcome.connectionId || '–';
  app.epoch = welcome.epoch;
  renderLastId();
  unread.onCursor(welcome.readUpTo);
  chat.onWelcome(welcome);
  notice(`Connected as ${welcome.user || app.user} (${client ? client.transport : 'websocket'})`);
  reportDropped(welcome.dropped);
  // What changed while the page was away is not replayed for these: a snapshot fills the gap.
  tasks.load();
  schedule.load();
  saveNow();
}

// The server counts messages its full mailbox pushed out; say so once per new loss, not on every reconnect.
function reportDropped(dropped) {
  if (typeof dropped !== 'number' || dropped <= app.dropped) return;
  notice(`${dropped - app.dropped} older message(s) were dropped while you were away (mailbox full).`, 'warn');
  app.dropped = dropped;
}

function onMessage(message) {
  chat.onMessage(message);
  if (client && client.lastId != null) app.lastId = client.lastId;
  renderLastId();
  scheduleSave();
}

// Ids restarted (a server restart without storage) or what was asked for is gone: ids seen before mean nothing.
function onGap() {
  app.seen.clear();
  app.lastId = null;
  unread.onGap();
  notice('The server could not resume exactly where this page stopped (restarted, or history trimmed): '
    + 'some messages may be missing.', 'warn');
}

function startClient() {
  stopClient();
  // After what this page received; a page with nothing yet (a new tab or device) starts after the read cursor, so it
  // shows what is unread whether or not another tab got it.
  const options = { user: app.user, epoch: app.epoch, since: typeof app.lastId === 'number' ? app.lastId : 'read' };
  const typed = typedToken();
  if (typed) options.token = typed;
  else options.getToken = () => fetchDevToken().catch(() => undefined);
  const c = connect(options);
  client = c;
  c.on('frame', (frame) => logRaw('in', 'main', JSON.stringify(frame)));
  c.on('state', onState);
  c.on('welcome', onWelcome);
  c.on('message', onMessage);
  c.on('receipt', chat.onReceipt);
  c.on('unread', (event) => unread.onCursor(event.readUpTo));
  c.on('presence', chat.onPresence);
  c.on('task', tasks.onTask);
  c.on('scheduled', schedule.onScheduled);
  c.on('gap', onGap);
  c.on('error', (frame) => notice(`${frame.message || 'Error'} (${frame.code || 'error'})`, 'error'));
  chat.rejoin();
}

function stopClient() {
  const c = client;
  client = null;
  if (c) c.close();
}

// Switches the page to one user's stored state; returns what was stored.
function activateUser(user) {
  const stored = readStored(user);
  app.user = user;
  app.lastId = typeof stored.lastId === 'number' ? stored.lastId : null;
  app.epoch = typeof stored.epoch === 'string' ? stored.epoch : undefined;
  app.messages = Array.isArray(stored.messages) ? stored.messages : [];
  app.seen = new Set(app.messages.map((m) => m.id));
  app.rooms = Array.isArray(stored.rooms) ? stored.rooms : [];
  app.selectedRoom = app.rooms.includes(stored.selectedRoom) ? stored.selectedRoom : (app.rooms[0] || null);
  app.dropped = typeof stored.dropped === 'number' ? stored.dropped : 0;
  app.readUpTo = typeof stored.readUpTo === 'number' ? stored.readUpTo : null;
  app.readBy = stored.readBy && typeof stored.readBy === 'object' ? stored.readBy : {};
  app.online = new Set();
  unread.reset();
  token = null;
  sessionStorage.setItem(LAST_USER_KEY, user);
  chat.showAll();
  chat.renderRooms();
  chat.renderOnline();
  renderLastId();
  tasks.clear();
  tasks.load();
  schedule.reset();
  return stored;
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
  if (user === app.user && client) return;
  if (user !== app.user) {
    stopClient();
    app.wanted = false;
    saveNow(); // the previous user's state is kept with wanted=false
    activateUser(user);
  }
  app.wanted = true;
  startClient();
  saveNow();
}

function onDisconnect() {
  app.wanted = false;
  stopClient();
  notice('Disconnected');
  saveNow();
  renderState();
}

function showTokenField(show) {
  $('token-field').hidden = !show;
  $('token-toggle').setAttribute('aria-expanded', String(show));
}

function onTokenChange() {
  sessionStorage.setItem(TOKEN_KEY, typedToken());
  token = null;
  if (client) startClient(); // the next connection uses it
}

/* ---------- page lifecycle ---------- */

// Closing on pagehide (fires on reload, navigation and tab close, and keeps bfcache usable, unlike
// beforeunload) stops the server from holding a dead connection; `wanted` stays, so a reload resumes.
function onPageHide() {
  saveNow();
  stopClient();
  ticker.suspend();
}

// Back from the bfcache the connections are closed; open them again if the user had them open.
function onPageShow(event) {
  if (!event.persisted) return;
  if (app.wanted && app.user) startClient();
  ticker.resume();
}

function wireEvents() {
  $('connect-form').addEventListener('submit', onConnect);
  $('disconnect').addEventListener('click', onDisconnect);
  $('token-toggle').addEventListener('click', () => {
    showTokenField($('token-field').hidden);
    if (!$('token-field').hidden) $('token').focus();
  });
  $('token').addEventListener('change', onTokenChange);
  $('raw-clear').addEventListener('click', clearRaw);
  $('mark-read').addEventListener('click', () => {
    if (client && client.state === 'open') client.read().catch((err) => notice(errorText(err), 'error'));
  });
  document.addEventListener('visibilitychange', unread.noteSeen);
  chat.wire();
  schedule.wire();
  tasks.wire();
  ticker.wire();
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);
  window.addEventListener('online', () => {
    client?.reconnect();
    ticker.retryNow();
  });
}

// Restores the last user of this tab: messages re-rendered, tasks reloaded, connection resumed if it was open.
function restore() {
  const typed = sessionStorage.getItem(TOKEN_KEY);
  if (typed) {
    $('token').value = typed;
    showTokenField(true);
  }
  const user = sessionStorage.getItem(LAST_USER_KEY);
  if (!user || !USER_RE.test(user)) return;
  $('user').value = user;
  const stored = activateUser(user);
  if (stored.wanted) {
    app.wanted = true;
    startClient();
  }
}

wireEvents();
restore();
renderState(client ? { state: client.state, transport: client.transport } : undefined);
// Exposed for debugging from the console; tests should use the DOM hooks listed above.
window.herald = { app, client: () => client };
