// Herald support desk widget: a site adds <script src="https://herald.example.com/desk/widget.js" async></script>.
// A chat bubble opens a panel; the visitor (no account: POST /api/desk/visitors) talks to the site's agents. The
// visitor, their token and the conversation are kept in localStorage, so a reload shows the whole conversation.
(() => {
  const script = document.currentScript;
  const base = new URL(script?.src ?? '/desk/widget.js', location.href).origin;
  const storeKey = `herald-desk:${base}`;
  const saved = () => JSON.parse(localStorage.getItem(storeKey) || '{}');
  const save = (patch) => localStorage.setItem(storeKey, JSON.stringify({ ...saved(), ...patch }));

  const host = document.createElement('div');
  host.id = 'herald-desk';
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `
    <style>
      :host { all: initial; font: 15px/1.4 system-ui, sans-serif; }
      .bubble { position: fixed; right: 16px; bottom: 16px; width: 56px; height: 56px; border-radius: 50%; border: 0;
        background: #2563eb; color: #fff; display: grid; place-items: center; cursor: pointer; box-shadow: 0 4px 12px #0004; z-index: 2147483000; }
      .panel { position: fixed; right: 16px; bottom: 84px; width: 340px; max-width: calc(100vw - 32px); height: 460px;
        max-height: calc(100vh - 110px); display: none; flex-direction: column; background: #fff; color: #111;
        border-radius: 12px; box-shadow: 0 8px 28px #0005; overflow: hidden; z-index: 2147483000; }
      .panel.open { display: flex; }
      header { background: #2563eb; color: #fff; padding: 10px 12px; }
      header b { display: block; }
      .status { font-size: 13px; opacity: .9; }
      ol { list-style: none; margin: 0; padding: 10px; flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: 6px; }
      li { max-width: 80%; padding: 6px 10px; border-radius: 10px; background: #f1f5f9; align-self: flex-start; word-wrap: break-word; }
      li.mine { align-self: flex-end; background: #dbeafe; }
      li.event { align-self: center; background: none; color: #64748b; font-size: 13px; }
      .typing { min-height: 18px; padding: 0 12px; font-size: 12px; color: #64748b; }
      form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #e2e8f0; }
      input { flex: 1; font: inherit; padding: 8px; border: 1px solid #cbd5e1; border-radius: 8px; min-width: 0; }
      button.send { font: inherit; border: 0; border-radius: 8px; background: #2563eb; color: #fff; padding: 0 14px; }
    </style>
    <button class="bubble" aria-label="Chat with us" title="Chat with us"><svg viewBox="0 0 24 24" width="26" height="26"
      fill="currentColor" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg></button>
    <section class="panel" role="dialog" aria-label="Support chat">
      <header><b>Support</b><span class="status">Ask us anything</span></header>
      <ol class="log" aria-live="polite"></ol>
      <div class="typing"></div>
      <form><input name="text" autocomplete="off" placeholder="Write a message…" maxlength="4000">
        <button class="send">Send</button></form>
    </section>`;
  const $ = (selector) => root.querySelector(selector);
  const panel = $('.panel'), log = $('.log'), status = $('.status'), typing = $('.typing'), form = $('form');

  let ready = null, conversation = null, typingTimer = 0, lastTyping = 0;
  const entries = new Map(); // seq -> entry: history and live lines meet here, each shown once

  const api = async (method, path, body) => {
    const { token } = saved();
    const response = await fetch(`${base}${path}`, {
      method, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw Object.assign(new Error(`${response.status}`), { status: response.status });
    return response.status === 204 ? null : response.json();
  };

  const describe = (e) => ({
    queued: 'No agent is online right now: leave a message and we will answer here.',
    joined: `${e.agent} joined the conversation`,
    left: `${e.agent} left the conversation`,
    closed: 'The conversation was closed. Write again to start a new one.',
  })[e.event] ?? e.event;

  const render = () => {
    log.replaceChildren(...[...entries.values()].sort((a, b) => a.seq - b.seq).map((e) => {
      const li = document.createElement('li');
      if (e.event) {
        li.className = 'event';
        li.textContent = describe(e);
      } else {
        li.className = e.from === saved().visitor ? 'mine' : 'theirs';
        li.textContent = e.text;
      }
      li.dataset.seq = e.seq;
      return li;
    }));
    log.scrollTop = log.scrollHeight;
    const state = conversation?.state;
    status.textContent = state === 'assigned' ? `You are talking to ${conversation.agent}`
      : state === 'queued' ? 'Waiting for an agent' : state === 'closed' ? 'Closed' : 'Ask us anything';
    panel.dataset.state = state ?? 'none';
  };

  const show = (view) => {
    conversation = view.conversation;
    save({ conversation: conversation.id });
    for (const e of view.history) entries.set(e.seq, e);
    render();
  };

  // Once per page, however many clicks and sends ask for it at the same moment.
  const connectOnce = () => (ready ??= setUp());
  const setUp = async () => {
    let { visitor } = saved();
    if (!visitor) {
      const v = await api('POST', '/api/desk/visitors');
      save({ visitor: v.visitor, token: v.token, conversation: null });
      visitor = v.visitor;
    }
    const { connect } = await import(`${base}/herald.js`);
    const herald = connect({ url: base, user: visitor, getToken: async () => saved().token });
    herald.on('message', (m) => {
      if (m.kind !== 'desk' || m.conversation !== conversation?.id) return;
      entries.set(m.entry, { seq: m.entry, from: m.from, text: m.text, at: m.sentAt });
      render();
    });
    herald.on('desk', (f) => {
      if (f.conversation?.id !== conversation?.id) return;
      if (f.event === 'typing') {
        typing.textContent = `${f.user} is typing…`;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => (typing.textContent = ''), 3000);
        return;
      }
      conversation = f.conversation.state === 'closed' || f.event !== 'left' ? f.conversation : conversation;
      if (f.entry) entries.set(f.entry.seq, f.entry);
      typing.textContent = '';
      render();
    });
    const id = saved().conversation;
    if (id) {
      try { show(await api('GET', `/api/desk/conversations/${id}`)); } catch { save({ conversation: null }); }
    }
  };

  const open = async (isOpen) => {
    panel.classList.toggle('open', isOpen);
    sessionStorage.setItem(`${storeKey}:open`, isOpen ? '1' : '');
    if (isOpen) {
      await connectOnce();
      $('input').focus();
    }
  };

  $('.bubble').onclick = () => open(!panel.classList.contains('open'));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const input = $('input'), text = input.value.trim();
    if (!text) return;
    input.value = '';
    await connectOnce();
    if (!conversation || conversation.state === 'closed') {
      entries.clear();
      show(await api('POST', '/api/desk/conversations', { text }));
    } else {
      const e = await api('POST', `/api/desk/conversations/${conversation.id}/messages`, { text });
      entries.set(e.seq, e);
      render();
    }
  };
  $('input').oninput = () => {
    if (conversation?.state === 'assigned' && Date.now() - lastTyping > 2000) {
      lastTyping = Date.now();
      api('POST', `/api/desk/conversations/${conversation.id}/typing`).catch(() => {});
    }
  };

  document.body.append(host);
  if (sessionStorage.getItem(`${storeKey}:open`) || saved().conversation) open(true);
})();
