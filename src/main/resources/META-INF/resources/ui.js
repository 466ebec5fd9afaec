// Small DOM and formatting helpers shared by the page's panels. No framework: elements are built with
// textContent only, so no server string is ever parsed as HTML.

export const USER_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const STATUS_CLEAR_MS = 4000;
const MAX_LOG_ENTRIES = 200;

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
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

export function clock(date) {
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// Shows the date too when it is not today, so old stored messages are not mistaken for new ones.
export function localTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? clock(date) : `${date.toLocaleDateString()} ${clock(date)}`;
}

// datetime-local has no zone; the server wants an offset, so send the browser's own.
export function toOffsetIso(date) {
  const pad = (n) => String(n).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const abs = Math.abs(offset);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
    + `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
    + `${offset >= 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// Keeps a log list bounded so a long-open tab does not grow without limit.
export function trimList(list, max = MAX_LOG_ENTRIES) {
  while (list.childElementCount > max) list.firstElementChild.remove();
}

// Follows new entries only when the reader is already at the bottom, so scrolling back is not yanked.
export function appendScrolled(list, node) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(node);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

const statusTimers = new WeakMap();

// One line of feedback under a form; successes fade, errors stay until the next action.
export function showStatus(node, text, kind = 'ok') {
  if (!node) return;
  clearTimeout(statusTimers.get(node));
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = false;
  if (kind === 'ok') statusTimers.set(node, setTimeout(() => { node.textContent = ''; }, STATUS_CLEAR_MS));
}

export function notice(text, kind = 'info') {
  showStatus($('notice'), text, kind === 'info' ? 'ok' : kind);
  $('notice').dataset.kind = kind;
}

export function showError(node, text) {
  node.textContent = text;
  node.hidden = !text;
}

// What a rejected herald.js send says: the server's message and code, or the client's (timeout, disconnected).
export function errorText(err) {
  return err && err.code ? `${err.message} (${err.code})` : String(err && err.message ? err.message : err);
}

/* ---------- raw frame log ---------- */

let rawCount = 0;

export function logRaw(dir, channel, text) {
  const list = $('raw-log-list');
  const arrow = { in: '↓', out: '↑', event: '•' }[dir];
  list.append(el('li', { class: `raw-${dir}`, 'data-dir': dir },
    el('time', { text: clock(new Date()) }),
    el('span', { class: 'chan', text: `${arrow} ${channel}` }),
    el('code', { text })));
  trimList(list);
  $('raw-count').textContent = String(++rawCount);
}

export function clearRaw() {
  $('raw-log-list').replaceChildren();
  rawCount = 0;
  $('raw-count').textContent = '0';
}
