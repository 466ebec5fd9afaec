// The schedule panel: a form for POST /api/messages, and the list of pending messages to or from this user.
// The list is loaded once per connection (GET /api/messages?status=pending) and then kept current by the
// `scheduled` frames the server pushes on every change (created, delivered, cancelled, failed): no polling.

import { $, el, localTime, showError, showStatus, toOffsetIso } from './ui.js';

const MAX_KNOWN = 1000;
const FIELD_INPUTS = {
  to: 'sched-to', room: 'sched-to', broadcast: 'sched-target',
  text: 'sched-text', delaySeconds: 'sched-delay', deliverAt: 'sched-at',
};

// Which of two states of one stored message is newer: more deliveries, or the same and no longer pending.
function rank(record) {
  return (Number(record.deliveries) || 0) * 2 + (record.status === 'pending' || record.status === 'firing' ? 0 : 1);
}

/**
 * @param {object} ctx `app` (the page's state; `app.user`), `api(method, path, body)`
 */
export function createSchedule(ctx) {
  const { app } = ctx;
  /** @type {Map<string, {record: object, seq: number}>} the newest known state of each stored message */
  const known = new Map();
  let seq = 0; // counts updates, so a list that was loading knows what it could not have seen

  function scheduleBody() {
    const target = $('sched-target').value;
    const name = $('sched-to').value.trim();
    const body = target === 'broadcast' ? { broadcast: true } : { [target === 'room' ? 'room' : 'to']: name };
    body.text = $('sched-text').value;
    if (app.user) body.from = app.user; // shown as the sender when it fires, and the list follows it
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
      const record = await ctx.api('POST', 'api/messages', scheduleBody());
      const pending = record && record.status === 'pending';
      showStatus($('sched-ok'), `${pending ? 'Scheduled' : 'Delivered'}${pending ? ` for ${localTime(record.deliverAt)}` : ''}`);
      $('sched-text').value = '';
      if (record) update(record);
    } catch (err) {
      showSchedError(err.message, err.field);
    } finally {
      button.disabled = false;
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
    return el('li', { 'data-testid': `pending-${record.id}`, 'data-id': record.id, 'data-deliver-at': record.deliverAt },
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

  // Reuses rows whose message has not changed, so an update does not swap a button out under the pointer.
  function render() {
    const list = $('sched-pending');
    const existing = new Map([...list.children].map((li) => [li.dataset.id, li]));
    const pending = [...known.values()].map((k) => k.record).filter((r) => r.status === 'pending')
      .sort((a, b) => String(a.deliverAt).localeCompare(String(b.deliverAt)));
    list.replaceChildren(...pending.map((record) => {
      const row = existing.get(String(record.id));
      return row && row.dataset.deliverAt === String(record.deliverAt) ? row : pendingRow(record);
    }));
    $('sched-count').textContent = String(pending.length);
  }

  /** Takes a state of a stored message unless a newer one is known (a push can overtake a list that was loading). */
  function update(record) {
    if (!record || record.id == null) return;
    const id = String(record.id);
    const before = known.get(id);
    if (before && rank(before.record) > rank(record)) return;
    known.set(id, { record, seq: ++seq });
    forgetFinished();
    render();
  }

  // Finished messages are kept only so that a late list cannot revive them; the oldest go first.
  function forgetFinished() {
    for (const [id, { record }] of known) {
      if (known.size <= MAX_KNOWN) return;
      if (record.status !== 'pending') known.delete(id);
    }
  }

  /** What the server pushes: `{type: 'scheduled', message}` for every change of a message to or from this user. */
  function onScheduled(frame) {
    update(frame.message);
  }

  function concernsUser(record) {
    return record.from === app.user || record.to === app.user;
  }

  /** Each (re)connection loads the pending list once; changes missed while away are in it. */
  async function load() {
    const user = app.user;
    const asked = seq;
    try {
      const records = await ctx.api('GET', 'api/messages?status=pending&limit=1000');
      if (user !== app.user || !Array.isArray(records)) return;
      const listed = new Set(records.map((r) => String(r.id)));
      // What was pending before the request and is not listed finished while the page was away; what a push
      // brought during the request stays.
      for (const [id, { record, seq: at }] of known) {
        if (at <= asked && record.status === 'pending' && !listed.has(id)) known.delete(id);
      }
      records.filter(concernsUser).forEach(update);
      render();
      $('sched-pending-status').textContent = '';
    } catch (err) {
      $('sched-pending-status').textContent = `Could not load pending messages: ${err.message}`;
    }
  }

  function reset() {
    known.clear();
    render();
  }

  async function cancelScheduled(id, button) {
    clearSchedError();
    button.disabled = true;
    try {
      const record = await ctx.api('DELETE', `api/messages/${encodeURIComponent(id)}`);
      showStatus($('sched-ok'), 'Cancelled');
      if (record && record.id != null) update(record);
    } catch (err) {
      showSchedError(err.message);
      button.disabled = false;
    }
  }

  function wire() {
    $('sched-form').addEventListener('submit', onSchedule);
    $('sched-target').addEventListener('change', syncSchedTarget);
    $('sched-delay').addEventListener('input', () => exclusiveTimeInputs('sched-delay', 'sched-at'));
    $('sched-at').addEventListener('input', () => exclusiveTimeInputs('sched-at', 'sched-delay'));
    syncSchedTarget();
  }

  return { wire, load, reset, onScheduled };
}
