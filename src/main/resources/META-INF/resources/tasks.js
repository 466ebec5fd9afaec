// The tasks panel: progress of back-end jobs this user owns (`task` frames), with the demo rolling update.
// A snapshot (GET /api/tasks?owner=) fills in what happened while the page was not connected.

import { $, USER_RE, el, localTime, showError } from './ui.js';

/**
 * @param {object} ctx `app` (the page's state; `app.user`), `api(method, path, body)`, `activate(user)` (switches
 *   the page to a user without connecting)
 */
export function createTasks(ctx) {
  const { app } = ctx;
  const tasks = new Map(); // task id -> { task, events: Map(seq -> event), seq, row }

  function clear() {
    tasks.clear();
    $('tasks').replaceChildren();
  }

  async function load() {
    const user = app.user;
    if (!user) return;
    try {
      const list = await ctx.api('GET', `api/tasks?owner=${encodeURIComponent(user)}`);
      if (user !== app.user || !Array.isArray(list)) return; // switched user meanwhile
      list.forEach((task) => upsert(task, task.events || []));
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
  function upsert(task, events) {
    if (!task || task.id == null) return;
    let entry = tasks.get(String(task.id));
    if (!entry) {
      entry = { task, events: new Map(), seq: -1, row: taskRow(task.id) };
      tasks.set(String(task.id), entry);
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
    render(entry);
  }

  function onTask(frame) {
    upsert(frame.task, frame.event ? [frame.event] : []);
  }

  // The server's own percent wins (it also covers tasks without a total); otherwise derive it.
  function percentOf(task) {
    const raw = typeof task.percent === 'number' ? task.percent
      : task.total > 0 ? (task.progress * 100) / task.total : 0;
    return Math.max(0, Math.min(100, Math.floor(raw)));
  }

  function render({ task, events, row }) {
    const percent = percentOf(task);
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
      ctx.activate(typed);
    }
    const button = $('demo-start');
    button.disabled = true;
    try {
      const hosts = Number($('demo-hosts').value) || 5;
      const task = await ctx.api('POST', 'api/demo/rolling-update', { owner: app.user, hosts });
      upsert(task, (task && task.events) || []);
    } catch (err) {
      showError($('demo-error'), err.message);
    } finally {
      button.disabled = false;
    }
  }

  function wire() {
    $('demo-start').addEventListener('click', onDemoStart);
  }

  return { wire, load, clear, onTask };
}
