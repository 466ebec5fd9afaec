// Herald's agent console: the queue, my conversations (with unread counts), who is at the desk; take, reply,
// transfer, close. The agent's token comes from the URL's #token=<jwt> (your back end mints it with the agent role)
// or, in dev, from GET /api/desk/dev/agent-token for a user listed in herald.desk.agents.
import { connect } from '/herald.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const conversations = new Map(); // id -> {conversation, entries: Map(seq -> entry), unread}
let herald = null, me = null, token = null, selected = null, board = { queue: [], agents: [] }, typingTimer = 0;

const api = async (method, path, body) => {
  const response = await fetch(path, {
    method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail ?? `${response.status}`);
  }
  return response.json();
};

const item = (text, badge) => {
  const li = document.createElement('li');
  const label = document.createElement('span');
  label.textContent = text;
  li.append(label);
  if (badge !== undefined) li.append(badge);
  return li;
};

const renderBoard = () => {
  $('agents').replaceChildren(...board.agents.map((a) => {
    const li = item(`${a.agent}${a.agent === me ? ' (you)' : ''}`);
    li.append(Object.assign(document.createElement('small'), { textContent: `${a.open} open` }));
    li.dataset.agent = a.agent;
    return li;
  }));
  $('queue-count').textContent = board.queue.length;
  $('queue').replaceChildren(...board.queue.map((c) => {
    const take = Object.assign(document.createElement('button'), { textContent: 'Take' });
    take.onclick = async () => adopt(await api('POST', `/api/desk/conversations/${c.id}/take`));
    const li = item(c.visitor, take);
    li.dataset.id = c.id;
    return li;
  }));
  const others = board.agents.filter((a) => a.agent !== me);
  $('transfer-to').replaceChildren(...others
    .map((a) => Object.assign(document.createElement('option'), { value: a.agent, textContent: a.agent })));
  $('transfer').disabled = others.length === 0; // nobody to hand it to
  $('transfer-to').disabled = others.length === 0;
};

const renderMine = () => {
  $('mine').replaceChildren(...[...conversations.values()].map(({ conversation: c, unread }) => {
    const badge = Object.assign(document.createElement('span'), { className: 'unread', textContent: unread || '' });
    const li = item(c.visitor, badge);
    li.dataset.id = c.id;
    li.classList.toggle('selected', c.id === selected);
    li.onclick = () => select(c.id);
    return li;
  }));
};

const describe = (e) => ({ queued: 'queued: no agent was online', joined: `${e.agent} joined`,
  left: `${e.agent} left`, closed: 'closed' })[e.event] ?? e.event;

const renderView = () => {
  const held = conversations.get(selected);
  $('view').hidden = !held;
  if (!held) return;
  $('view-title').textContent = `${held.conversation.visitor} (${held.conversation.state})`;
  $('log').replaceChildren(...[...held.entries.values()].sort((a, b) => a.seq - b.seq).map((e) => {
    const li = document.createElement('li');
    li.className = e.event ? 'event' : e.from === me ? 'mine' : 'theirs';
    li.textContent = e.event ? describe(e) : e.text;
    return li;
  }));
  $('log').scrollTop = $('log').scrollHeight;
};

const select = (id) => {
  selected = id;
  const held = conversations.get(id);
  if (held) held.unread = 0;
  renderMine();
  renderView();
};

const adopt = ({ conversation, history }) => {
  const held = conversations.get(conversation.id) ?? { entries: new Map(), unread: 0 };
  held.conversation = conversation;
  for (const e of history ?? []) held.entries.set(e.seq, e);
  conversations.set(conversation.id, held);
  if (!selected) selected = conversation.id;
  renderMine();
  renderView();
};

const drop = (id) => {
  conversations.delete(id);
  if (selected === id) selected = conversations.keys().next().value ?? null;
  renderMine();
  renderView();
};

const start = async (agent) => {
  me = agent;
  token = new URLSearchParams(location.hash.slice(1)).get('token')
    ?? (await fetch(`/api/desk/dev/agent-token?agent=${encodeURIComponent(agent)}`).then((r) => r.json())).token;
  $('login').hidden = true;
  $('me').textContent = agent;
  herald = connect({ user: agent, getToken: async () => token });
  herald.on('state', ({ state }) => { $('state').dataset.state = state; $('state').textContent = state; });
  herald.on('message', (m) => {
    const held = m.kind === 'desk' && conversations.get(m.conversation);
    if (!held) return;
    held.entries.set(m.entry, { seq: m.entry, from: m.from, text: m.text, at: m.sentAt });
    if (m.conversation !== selected && m.from !== me) held.unread += 1;
    renderMine();
    renderView();
  });
  herald.on('desk', (f) => {
    if (f.event === 'board') {
      board = { queue: f.queue, agents: f.agents };
      renderBoard();
    } else if (f.event === 'assigned') {
      adopt({ conversation: f.conversation, history: f.history });
    } else if (f.event === 'unassigned' || f.event === 'closed') {
      drop(f.conversation.id);
    } else if (f.event === 'typing' && f.conversation.id === selected) {
      $('typing').textContent = `${f.user} is typing…`;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => ($('typing').textContent = ''), 3000);
    }
  });
  herald.on('welcome', async () => {
    const console = await api('POST', '/api/desk/agents');
    board = { queue: console.queue, agents: console.agents };
    renderBoard();
    for (const view of console.mine) adopt(view);
  });
};

$('login').onsubmit = (event) => {
  event.preventDefault();
  const agent = $('agent').value.trim();
  if (agent) {
    history.replaceState(null, '', `?agent=${encodeURIComponent(agent)}${location.hash}`);
    start(agent);
  }
};
$('reply').onsubmit = async (event) => {
  event.preventDefault();
  const text = $('text').value.trim();
  const id = selected;
  if (!text || !id) return;
  $('text').value = '';
  const e = await api('POST', `/api/desk/conversations/${id}/messages`, { text });
  conversations.get(id)?.entries.set(e.seq, e);
  renderView();
};
$('transfer').onclick = async () => {
  const to = $('transfer-to').value, id = selected; // a frame may change the selection meanwhile
  if (id && to) {
    await api('POST', `/api/desk/conversations/${id}/transfer`, { agent: to });
    drop(id);
  }
};
$('close').onclick = async () => {
  const id = selected;
  if (id) {
    await api('POST', `/api/desk/conversations/${id}/close`);
    drop(id);
  }
};
if (params.get('agent')) start(params.get('agent'));
