// Unread counts per conversation, and the read cursor. The cursor is one per user (every tab, every device): a
// message from someone else is unread while its id is past it. What has been on screen while the page was visible
// is read, and the cursor moves over it, never past an unread message not seen yet. Another tab's read arrives
// through herald.js (`unread` event) and clears the badges here too.

import { $, el } from './ui.js';

// One read frame per burst of messages coming into view, not one per message.
const READ_DELAY_MS = 250;

/**
 * Which conversation a message belongs to: `room:<name>`, `dm:<the other user>`, or `lobby` (broadcast, system).
 * @param {object} message a message frame
 * @param {string | null} me the page's user
 */
export function conversationOf(message, me) {
  if (message.room) return `room:${message.room}`;
  if (message.to && message.kind !== 'broadcast' && message.kind !== 'system') {
    return `dm:${message.from === me ? message.to : message.from}`;
  }
  return 'lobby';
}

/** @param {object} ctx `app`, `client()`, `save()` (see app.js) */
export function createUnread(ctx) {
  const { app } = ctx;
  const onScreen = new Set(); // ids of unread entries in view now
  const seen = new Set(); // ids of unread entries that were in view while the page was visible
  let readTimer = null;
  const observer = typeof IntersectionObserver === 'function'
    ? new IntersectionObserver(onIntersect, { threshold: 0.5 })
    : null;

  // `past`: received before the server's ids restarted (a gap); those ids mean nothing to the cursor now.
  const isUnread = (m) => typeof m.id === 'number' && !m.past && m.from !== app.user
    && (app.readUpTo == null || m.id > app.readUpTo);

  /** A message's entry was rendered: marked, and watched for coming into view while unread. */
  function track(entry, message) {
    const unread = isUnread(message);
    entry.classList.toggle('unread', unread);
    if (unread && observer) observer.observe(entry);
  }

  function onIntersect(entries) {
    for (const e of entries) {
      const id = Number(e.target.dataset.id);
      if (e.isIntersecting) onScreen.add(id);
      else onScreen.delete(id);
    }
    noteSeen();
  }

  /** What is in view now counts as seen, if the page itself is visible (called on visibilitychange too). */
  function noteSeen() {
    if (document.visibilityState !== 'visible' || onScreen.size === 0) return;
    onScreen.forEach((id) => seen.add(id));
    if (readTimer === null) readTimer = setTimeout(readSeen, READ_DELAY_MS);
  }

  // The cursor moves to the end of the unbroken run of seen messages, in stream order.
  function readSeen() {
    readTimer = null;
    const client = ctx.client();
    if (!client || client.state !== 'open') return;
    let upTo = null;
    for (const m of app.messages.filter(isUnread).sort((a, b) => a.id - b.id)) {
      if (!seen.has(m.id)) break;
      upTo = m.id;
    }
    if (upTo === null) return;
    client.read(upTo).catch(() => undefined); // refused or lost: the entries stay unread and are read again later
    onCursor(upTo);
  }

  /** The cursor moved (here, on another tab, or as the welcome says); it never goes back. */
  function onCursor(readUpTo) {
    if (typeof readUpTo !== 'number' || (app.readUpTo != null && readUpTo <= app.readUpTo)) return;
    app.readUpTo = readUpTo;
    for (const id of [...seen]) if (id <= readUpTo) seen.delete(id);
    render();
    ctx.save();
  }

  /** The server's ids restarted: what the page holds is history, neither read nor unread. */
  function onGap() {
    app.messages.forEach((m) => { m.past = true; });
    app.readUpTo = null;
    reset();
  }

  /** Another user's state is shown. */
  function reset() {
    onScreen.clear();
    seen.clear();
    clearTimeout(readTimer);
    readTimer = null;
    observer?.disconnect();
    render();
  }

  function setCount(node, count) {
    if (!node) return;
    node.textContent = String(count);
    node.dataset.count = String(count);
    node.hidden = count === 0;
  }

  function counts() {
    const byConversation = new Map();
    for (const m of app.messages) {
      if (!isUnread(m)) continue;
      const c = conversationOf(m, app.user);
      byConversation.set(c, (byConversation.get(c) || 0) + 1);
    }
    return byConversation;
  }

  /** A room chip's badge, for chat.js to put in the chips it builds. */
  function roomBadge(room) {
    const count = counts().get(`room:${room}`) || 0;
    return el('span', {
      class: 'unread', 'data-testid': `unread-room-${room}`, 'data-count': count, hidden: count === 0, text: String(count),
    });
  }

  function render() {
    const byConversation = counts();
    const sum = (prefix) => [...byConversation].filter(([c]) => c.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
    const total = sum('');
    setCount($('unread-total'), total);
    document.title = total > 0 ? `(${total}) Herald` : 'Herald';
    setCount($('unread-lobby'), byConversation.get('lobby') || 0);
    setCount($('unread-dm'), sum('dm:'));
    setCount($('unread-rooms'), sum('room:'));
    const peers = [...byConversation].filter(([c]) => c.startsWith('dm:')).map(([c, n]) => [c.slice(3), n])
      .sort(([a], [b]) => a.localeCompare(b));
    $('dm-unread').replaceChildren(...peers.map(([peer, n]) => el('li', {},
      el('button', {
        type: 'button',
        class: 'chip',
        'data-testid': `unread-dm-${peer}`,
        title: `${n} unread from ${peer}`,
        onclick: () => {
          $('dm-to').value = peer;
          $('dm-text').focus();
        },
      }, peer, el('span', { class: 'unread', text: String(n) })))));
    for (const badge of document.querySelectorAll('[data-testid^="unread-room-"]')) {
      setCount(badge, byConversation.get(`room:${badge.dataset.testid.slice('unread-room-'.length)}`) || 0);
    }
    for (const entry of document.querySelectorAll('li.msg.unread')) {
      const id = Number(entry.dataset.id);
      if (app.readUpTo != null && id <= app.readUpTo) {
        entry.classList.remove('unread');
        observer?.unobserve(entry);
        onScreen.delete(id);
      }
    }
  }

  return { track, noteSeen, onCursor, onGap, reset, render, roomBadge };
}
