// The seed-000 ticker demo: a plain WebSocket to /ws/ticker, which is not Herald's protocol (no welcome, no
// frames of its own), so it does not go through herald.js. It reconnects with backoff unless it was the one-push
// variant, which ends by design.

import { $, appendScrolled, clock, el, logRaw, trimList } from './ui.js';

const STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;

/**
 * @param {object} ctx `token()` → Promise of the token to put in the URL (or '' without one)
 */
export function createTicker(ctx) {
  let ws = null;
  let wanted = false;
  let attempt = 0;
  let retryTimer = null;
  let ticket = 0;
  const ours = new WeakSet(); // sockets closed on purpose: their close is not a drop

  const readyState = () => (ws ? ws.readyState : WebSocket.CLOSED);

  function render() {
    const name = STATE_NAMES[readyState()];
    $('ticker-state').textContent = name;
    $('ticker-state').dataset.state = name;
    $('ticker-send').disabled = name !== 'OPEN';
    $('ticker-close').disabled = !wanted && readyState() === WebSocket.CLOSED;
  }

  async function url() {
    const url = new URL('ws/ticker', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const token = await ctx.token().catch(() => '');
    if (token) url.searchParams.set('token', token);
    if ($('ticker-once').checked) {
      url.searchParams.set('first', '3s');
      url.searchParams.set('once', 'true');
    }
    return url.href;
  }

  function shut(reason) {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (!ws || ws.readyState >= WebSocket.CLOSING) return;
    ours.add(ws);
    ws.close(1000, reason);
  }

  async function open() {
    clearTimeout(retryTimer);
    retryTimer = null;
    const mine = ++ticket;
    const target = await url();
    if (mine !== ticket || !wanted) return; // superseded or closed meanwhile
    shut('replaced');
    const socket = new WebSocket(target);
    ws = socket;
    logRaw('event', 'ticker', 'connecting');
    socket.onopen = () => { logRaw('event', 'ticker', 'open'); render(); };
    socket.onmessage = (event) => {
      attempt = 0;
      logRaw('in', 'ticker', String(event.data));
      show(String(event.data));
    };
    socket.onclose = (event) => {
      logRaw('event', 'ticker', `closed ${event.code}${event.reason ? ` ${event.reason}` : ''}`);
      if (socket !== ws) return;
      ws = null;
      // The one-push variant ends by design; only the endless ticker is worth reconnecting.
      if (!ours.has(socket) && wanted && !$('ticker-once').checked) {
        const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt++);
        retryTimer = setTimeout(open, Math.round(cap / 2 + Math.random() * (cap / 2)));
      }
      render();
    };
    render();
  }

  function show(data) {
    let shown = data;
    try {
      shown = JSON.stringify(JSON.parse(data), null, 1).replace(/\n\s*/g, ' ');
    } catch {
      // not JSON: show it as it came
    }
    const list = $('ticker-log');
    appendScrolled(list, el('li', { 'data-testid': 'ticker-entry' },
      el('time', { text: clock(new Date()) }), el('code', { text: shown })));
    trimList(list);
  }

  function wire() {
    $('ticker-connect').addEventListener('click', () => { wanted = true; attempt = 0; open(); });
    $('ticker-close').addEventListener('click', () => { wanted = false; ticket++; shut('client closed'); render(); });
    $('ticker-form').addEventListener('submit', (event) => {
      event.preventDefault();
      if (readyState() !== WebSocket.OPEN) return;
      ws.send($('ticker-text').value);
      logRaw('out', 'ticker', $('ticker-text').value);
    });
    render();
  }

  // Closing on pagehide stops the server from holding a dead socket; `wanted` stays, so a return reopens it.
  function suspend() {
    shut('page unload');
  }

  function resume() {
    if (wanted) open();
  }

  function retryNow() {
    if (retryTimer !== null) open();
  }

  return { wire, suspend, resume, retryNow };
}
