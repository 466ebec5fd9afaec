// The chat panels: who is online, the lobby (broadcasts), direct messages and rooms. Messages arrive through
// herald.js (deduplicated, in stream order); this module only renders them and sends what the forms say.

import { $, USER_RE, appendScrolled, el, errorText, localTime, showStatus, trimList } from './ui.js';
import { conversationOf } from './unread.js';

const MAX_SHOWN_MESSAGES = 500;

/**
 * @param {object} ctx what the panels share: `app` (the page's state), `send(frame, status)` (→ Promise of the
 *   ack), `client()` (the herald.js client or null), `save()`
 * @param {ReturnType<import('./unread.js').createUnread>} unread the unread marks and badges
 */
export function createChat(ctx, unread) {
  const { app } = ctx;

  /* ---------- messages ---------- */

  // Where an entry belongs depends on its conversation, so scheduled ones land beside their live kin.
  function listFor(message) {
    const conversation = conversationOf(message, app.user);
    if (conversation.startsWith('room:')) return $('room-messages');
    if (conversation.startsWith('dm:')) return $('dm-messages');
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
    el('p', { class: 'text', text: message.text == null ? '' : String(message.text) },
      readMark(message.id)));
  }

  // On the user's own direct message: the recipient read it (a receipt came).
  function readMark(id) {
    const by = app.readBy[id];
    return by ? el('span', { class: 'read-by', 'data-testid': `read-by-${id}`, text: `✓ read by ${by}` }) : null;
  }

  function renderMessage(message) {
    const list = listFor(message);
    const entry = messageEntry(message);
    // Stored messages and a replay can interleave; keep each list in id order (usually a plain append).
    const last = list.lastElementChild;
    const later = last && Number(last.dataset.id) > message.id
      ? [...list.children].find((li) => Number(li.dataset.id) > message.id)
      : null;
    if (later) list.insertBefore(entry, later);
    else appendScrolled(list, entry);
    trimList(list, MAX_SHOWN_MESSAGES);
    unread.track(entry, message);
  }

  function onMessage(message) {
    if (typeof message.id === 'number') {
      if (app.seen.has(message.id)) return;
      app.seen.add(message.id);
    }
    app.messages.push(message);
    if (app.messages.length > MAX_SHOWN_MESSAGES) app.messages.shift();
    renderMessage(message);
    unread.render();
    ctx.save();
  }

  /** The recipient's read cursor passed one of this user's direct messages. */
  function onReceipt(receipt) {
    if (typeof receipt.messageId !== 'number' || app.readBy[receipt.messageId]) return;
    app.readBy[receipt.messageId] = receipt.by;
    const entry = document.querySelector(`li.msg[data-id="${receipt.messageId}"] .text`);
    if (entry) entry.append(readMark(receipt.messageId));
    ctx.save();
  }

  function showAll() {
    for (const id of ['lobby-messages', 'dm-messages', 'room-messages']) $(id).replaceChildren();
    app.messages.forEach(renderMessage);
    unread.render();
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

  function onWelcome(welcome) {
    app.online = new Set(welcome.online || []);
    renderOnline();
  }

  function onPresence(frame) {
    if (frame.online) app.online.add(frame.user);
    else app.online.delete(frame.user);
    renderOnline();
  }

  function onOffline() {
    app.online.clear();
    renderOnline();
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
      }, `#${room}`, unread.roomBadge(room)))));
    const selected = $('room-selected');
    selected.textContent = app.selectedRoom ? `#${app.selectedRoom}` : 'no room';
    selected.dataset.room = app.selectedRoom || '';
    $('room-text').placeholder = app.selectedRoom ? `Message #${app.selectedRoom}` : 'Join a room first';
  }

  function selectRoom(room) {
    app.selectedRoom = room;
    $('room-name').value = room;
    renderRooms();
    ctx.save();
  }

  function removeRoom(room) {
    app.rooms = app.rooms.filter((r) => r !== room);
    if (app.selectedRoom === room) app.selectedRoom = app.rooms[0] || null;
    renderRooms();
    ctx.save();
  }

  // herald.js joins again after every reconnect; a join the server refuses is forgotten, here too.
  function joinRoom(room) {
    const client = ctx.client();
    if (!client) return;
    client.join(room).then(
      () => showStatus($('room-status'), `Joined #${room}`),
      (err) => {
        if (err && err.frame) removeRoom(room);
        showStatus($('room-status'), errorText(err), 'error');
      });
  }

  /** A new client: it joins the rooms this page was in (membership belongs to a connection). */
  function rejoin() {
    app.rooms.forEach(joinRoom);
  }

  function onRoomJoin(event) {
    event.preventDefault();
    const room = $('room-name').value.trim();
    if (!room) return showStatus($('room-status'), 'Type a room name', 'error');
    if (app.rooms.includes(room)) return selectRoom(room); // already a member on this connection
    if (!ctx.client()) return showStatus($('room-status'), 'Not connected', 'error');
    app.rooms.push(room);
    selectRoom(room);
    joinRoom(room);
  }

  function onRoomLeave() {
    const room = $('room-name').value.trim() || app.selectedRoom;
    if (!room || !app.rooms.includes(room)) return showStatus($('room-status'), 'Not in that room', 'error');
    removeRoom(room);
    const client = ctx.client();
    if (client) {
      client.leave(room).then(
        (ack) => ack && showStatus($('room-status'), `Left #${room}`),
        (err) => showStatus($('room-status'), errorText(err), 'error'));
    }
    $('room-name').value = app.selectedRoom || '';
  }

  /* ---------- composers ---------- */

  // Own messages come back as message frames; the input is cleared at once, the entry appears on receipt.
  function submitText(input, frame, status) {
    const text = input.value;
    if (!text.trim()) return showStatus(status, 'Type a message first', 'error');
    if (ctx.send({ ...frame, text }, status)) input.value = '';
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

  function wire() {
    $('lobby-form').addEventListener('submit', onLobbySend);
    $('dm-form').addEventListener('submit', onDmSend);
    $('room-form').addEventListener('submit', onRoomJoin);
    $('room-leave').addEventListener('click', onRoomLeave);
    $('room-send-form').addEventListener('submit', onRoomSend);
  }

  return { wire, showAll, onMessage, onReceipt, onWelcome, onPresence, onOffline, renderOnline, renderRooms, rejoin };
}
