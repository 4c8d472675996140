// Live tail over Loki's WebSocket: pausable, with the rate of lines and a cap on what is kept.
import { currentTenant, hasToken } from './api.js';
import { clear, h } from './dom.js';
import { formatTime, nanosToMillis } from './time.js';

const CAP = 2000;

export async function render(main, { params }) {
  const input = h('input', { id: 'tail-query', 'aria-label': 'LogQL query to tail', size: 60, value: params.get('query') || '' });
  const start = h('button', { class: 'primary', type: 'button', id: 'tail-start' }, 'Start');
  const pause = h('button', { type: 'button', id: 'tail-pause', disabled: true }, 'Pause');
  const rate = h('span', { class: 'muted', id: 'tail-rate', role: 'status' });
  const out = h('pre', { class: 'results', id: 'tail-lines', 'aria-live': 'off', style: 'padding:8px' });
  const note = h('p', { class: 'muted' }, 'Keeps the newest ' + CAP + ' lines. ' + (hasToken() ? 'Browsers cannot send a token on a WebSocket: live tail needs single sign-on or auth off.' : ''));
  main.append(h('h1', {}, 'Live tail'), h('div', { class: 'row' }, input, start, pause, rate), note, out);
  let socket = null, paused = false, lines = [], received = [], timer = null;
  const show = () => { out.textContent = lines.join('\n'); out.scrollTop = out.scrollHeight; };
  start.onclick = () => {
    if (socket) { socket.close(); socket = null; start.textContent = 'Start'; pause.disabled = true; clearInterval(timer); return; }
    const query = input.value.trim();
    if (!query) { rate.textContent = 'Type a query such as {app="checkout"}'; return; }
    history.replaceState(null, '', '/ui/tail?query=' + encodeURIComponent(query));
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // The tenant cannot travel as a header on a WebSocket; the server takes orgId as Loki's tail does through Grafana.
    socket = new WebSocket(scheme + '//' + location.host + '/loki/api/v1/tail?query=' + encodeURIComponent(query) + '&orgId=' + encodeURIComponent(currentTenant() || ''));
    start.textContent = 'Stop'; pause.disabled = false; lines = []; clear(out);
    socket.onmessage = event => {
      const message = JSON.parse(event.data);
      const now = Date.now();
      for (const stream of message.streams || []) for (const [ts, line] of stream.values) {
        received.push(now);
        if (!paused) lines.push(formatTime(nanosToMillis(ts)) + '  ' + line);
      }
      if (lines.length > CAP) lines = lines.slice(lines.length - CAP);
      if (!paused) show();
    };
    socket.onclose = event => { if (socket) rate.textContent = 'Closed: ' + (event.reason || 'the server ended the tail (code ' + event.code + ')'); socket = null; start.textContent = 'Start'; pause.disabled = true; };
    timer = setInterval(() => { const since = Date.now() - 10000; received = received.filter(t => t >= since); rate.textContent = (received.length / 10).toFixed(1) + ' lines/s' + (paused ? ' (paused)' : ''); }, 1000);
  };
  pause.onclick = () => { paused = !paused; pause.textContent = paused ? 'Resume' : 'Pause'; if (!paused) show(); };
  if (input.value) start.click();
  return () => { if (socket) { const s = socket; socket = null; s.close(); } clearInterval(timer); };
}
