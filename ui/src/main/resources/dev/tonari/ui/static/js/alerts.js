// Alerts and toil: the episodes of the tenant's alerts (active first), acknowledging them, and
// the toil figures per week with the noisiest rules.
import { api } from './api.js';
import { clear, errorBox, h, loading } from './dom.js';

export async function render(main, { params }) {
  const since = params.get('since') || '7d';
  const episodes = h('section', { id: 'episodes' }, loading());
  const toil = h('section', { id: 'toil' }, loading());
  main.append(h('h1', {}, 'Alerts'), h('p', { class: 'muted' }, 'Episodes of the last ' + since + '; acknowledge one to record that someone is on it.'), episodes,
    h('h2', {}, 'Toil'), toil);
  await Promise.all([loadEpisodes(episodes, since), loadToil(toil)]);
}

async function loadEpisodes(target, since) {
  let data;
  try { data = (await api('/tonari/api/v1/alerts/episodes?since=' + encodeURIComponent(since))).data; } catch (e) { clear(target).append(errorBox(e)); return; }
  clear(target);
  if (!data.length) { target.append(h('p', { class: 'muted' }, 'No alert fired in this range.')); return; }
  const order = { firing: 0, pending: 1, resolved: 2 };
  data.sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3) || b.startedAt.localeCompare(a.startedAt));
  target.append(h('table', { class: 'grid', id: 'episode-table' }, h('thead', {}, h('tr', {}, ['Rule', 'Severity', 'State', 'Started', 'Labels', 'Acknowledged'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, data.map(e => h('tr', { 'data-episode': e.id }, h('td', {}, e.rule), h('td', {}, e.severity), h('td', { class: 'state-' + e.state }, e.state),
      h('td', {}, new Date(e.startedAt).toLocaleString()), h('td', {}, Object.entries(e.labels || {}).map(([k, v]) => h('span', { class: 'pill' }, k + '=' + v))),
      h('td', {}, e.acknowledgedAt ? (e.acknowledgedBy || '') + ' ' + new Date(e.acknowledgedAt).toLocaleString() + (e.acknowledgementComment ? ': ' + e.acknowledgementComment : '')
        : h('button', { type: 'button', class: 'ack', onclick: async event => {
          const button = event.target;
          const comment = prompt('Comment for the acknowledgement (optional)') ?? '';
          button.disabled = true;
          try {
            const answer = await api('/tonari/api/v1/alerts/' + encodeURIComponent(e.id) + '/ack', { method: 'POST', body: { comment }, contentType: 'application/json' });
            const acknowledged = answer.data || answer;
            button.replaceWith(document.createTextNode((acknowledged.acknowledgedBy || 'you') + ' ' + new Date(acknowledged.acknowledgedAt || Date.now()).toLocaleString()
              + (acknowledged.acknowledgementComment ? ': ' + acknowledged.acknowledgementComment : '')));
          } catch (error) { button.disabled = false; button.after(errorBox(error)); }
        } }, 'Acknowledge')))))));
}

async function loadToil(target) {
  let report;
  try { report = (await api('/tonari/api/v1/toil?weeks=4')).data; } catch (e) { clear(target).append(errorBox(e)); return; }
  clear(target);
  target.append(h('table', { class: 'grid', id: 'toil-weeks' }, h('thead', {}, h('tr', {}, ['Week', 'Pages', 'Outside working hours', 'Tickets', 'Flapping', 'Noise', 'Acknowledged'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, report.weeks.map(w => h('tr', {}, h('td', {}, w.week), h('td', {}, w.pages), h('td', {}, w.pagesOutsideWorkingHours), h('td', {}, w.tickets),
      h('td', {}, w.flapping), h('td', {}, w.noise), h('td', {}, w.acknowledged))))),
    h('h3', {}, 'Noisiest rules'),
    report.noisiestRules.length === 0 ? h('p', { class: 'muted' }, 'No rule made noise.') : h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ['Rule', 'Severity', 'Episodes', 'Pages', 'Flapping', 'Noise', 'Suggestions'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, report.noisiestRules.map(r => h('tr', {}, h('td', {}, r.namespace + ' / ' + r.group + ' / ' + r.rule), h('td', {}, r.severity), h('td', {}, r.episodes),
        h('td', {}, r.pages), h('td', {}, r.flapping), h('td', {}, r.noise), h('td', {}, (r.suggestions || []).map(s => h('div', {}, s.text || s.message || JSON.stringify(s)))))))));
}
