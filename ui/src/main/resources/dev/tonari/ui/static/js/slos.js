// SLOs like Pyrra's list: name, window, objective, SLI now, budget left, policy state and firing
// alerts, sorted by budget left, searchable; and one page per SLO with its tiles and alert table.
import { api } from './api.js';
import { drawSeries } from './chart.js';
import { clear, errorBox, h, loading, percent } from './dom.js';

export async function render(main, { rest, params }) {
  if (rest.length) return renderOne(main, decodeURIComponent(rest[0]));
  main.append(h('h1', {}, 'SLOs'));
  const search = h('input', { id: 'slo-search', type: 'search', 'aria-label': 'Search SLOs', placeholder: 'Search name, service or label=value', value: params.get('q') || '' });
  const holder = h('div', {}, loading());
  main.append(h('div', { class: 'row' }, search), holder);
  let slos;
  try { slos = (await api('/tonari/api/v1/slos')).data; } catch (e) { clear(holder).append(errorBox(e)); return; }
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const shown = slos.filter(s => !q || [s.id, s.name, s.service, ...Object.entries(s.labels || {}).map(([k, v]) => k + '=' + v)].some(t => String(t).toLowerCase().includes(q)))
      .sort((a, b) => (a.budgetRemaining ?? 2) - (b.budgetRemaining ?? 2));
    clear(holder);
    if (!slos.length) { holder.append(h('p', { class: 'muted' }, 'No SLOs for this tenant yet. Write one in Sloth or OpenSLO format and apply it with ./tonari slo apply FILE.')); return; }
    holder.append(h('table', { class: 'grid', id: 'slo-table' }, h('thead', {}, h('tr', {}, ['Name', 'Service', 'Window', 'Objective', 'SLI', 'Budget left', 'Policy', 'Alerts firing'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, shown.map(s => h('tr', {},
        h('td', {}, h('a', { href: '/ui/slos/' + encodeURIComponent(s.id), 'data-link': true }, s.name || s.id)),
        h('td', {}, s.service), h('td', {}, windowText(s.window)), h('td', {}, s.objective.toFixed(3).replace(/\.?0+$/, '') + '%'),
        h('td', {}, s.noData ? 'no data' : percent(s.sli, 3)), h('td', { class: 'budget' }, percent(s.budgetRemaining, 1)),
        h('td', { class: 'state-' + s.policy.state }, s.policy.state), h('td', {}, s.alerts.filter(a => a.state === 'firing').map(a => h('span', { class: 'pill state-firing' }, a.severity))))))));
  };
  search.oninput = () => { history.replaceState(null, '', '/ui/slos' + (search.value ? '?q=' + encodeURIComponent(search.value) : '')); draw(); };
  draw();
}

function windowText(window) { return window.kind === 'rolling' ? window.duration + ' rolling' : window.count + ' ' + window.unit + (window.count > 1 ? 's' : ''); }

async function renderOne(main, id) {
  main.append(h('p', {}, h('a', { href: '/ui/slos', 'data-link': true }, 'All SLOs')), loading());
  let slo;
  try { slo = (await api('/tonari/api/v1/slos/' + encodeURIComponent(id))).data; } catch (e) { main.lastChild.replaceWith(errorBox(e)); return; }
  main.lastChild.remove();
  const tile = (label, value, className) => h('div', { class: 'tile' }, h('div', { class: 'muted' }, label), h('div', { class: 'value ' + (className || '') }, value));
  main.append(h('h1', {}, slo.name || slo.id), h('p', { class: 'muted' }, slo.description || ''),
    h('div', { class: 'tiles' }, tile('Objective', slo.objective + '%'), tile('SLI (' + windowText(slo.window) + ')', slo.noData ? 'no data' : percent(slo.sli, 3)),
      tile('Error budget left', percent(slo.budgetRemaining, 1), 'budget-left'), tile('Policy', slo.policy.state, 'state-' + slo.policy.state),
      tile('Time to exhaustion', slo.timeToExhaustion || 'not burning')),
    h('p', {}, slo.policy.meaning || ''),
    h('h2', {}, 'Burn-rate alerts'),
    h('table', { class: 'grid', id: 'slo-alerts' }, h('thead', {}, h('tr', {}, ['Alert', 'Severity', 'Long window', 'Short window', 'Threshold', 'State'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, slo.alerts.map(a => h('tr', {}, h('td', {}, a.name), h('td', {}, a.severity),
        h('td', {}, a.longWindow + ': ' + burn(a.longBurnRate)), h('td', {}, a.shortWindow + ': ' + burn(a.shortBurnRate)), h('td', {}, a.threshold + 'x'),
        h('td', { class: 'state-' + a.state }, a.state))))),
    h('h2', {}, 'Events'), h('p', {}, slo.events.good + ' good, ' + slo.events.bad + ' bad of ' + slo.events.total + ' ' + slo.events.unit),
    h('p', {}, h('a', { href: '/ui/explore?query=' + encodeURIComponent('{service_name="' + slo.service + '"} |~ "(?i)error"') + '&from=now-24h&to=now', 'data-link': true }, 'Explore the errors of ' + slo.service)));
  const graph = h('div', { class: 'histogram', id: 'slo-budget-graph', 'aria-label': 'Error budget left over the window' });
  const patterns = h('section', { id: 'slo-patterns' }, h('h2', {}, 'What burned the budget this week'), loading());
  const report = h('section', { id: 'slo-report' }, h('h2', {}, 'This week so far'), loading());
  main.append(h('h2', {}, 'Error budget left over the window'), graph, patterns, report);
  let cleanup = null;
  try {
    const budget = (await api('/tonari/api/v1/slos/' + encodeURIComponent(id) + '/budget')).data;
    const points = budget.points.filter(p => p[1] !== null).map(([t, v]) => [t, v * 100]);
    if (points.length) {
      const range = [budget.points[0][0], budget.points[budget.points.length - 1][0]];
      cleanup = drawSeries(graph, [{ name: 'budget left', points }], { height: 200, unit: '%', xRange: range });
    } else {
      graph.append(h('p', { class: 'muted' }, 'No data in the window yet.'));
    }
  } catch (e) { graph.append(errorBox(e)); }
  try {
    const week = isoWeek(new Date());
    const weekly = (await api('/tonari/api/v1/slo_report?format=json&week=' + week + '&id=' + encodeURIComponent(id))).data || {};
    const entry = (weekly.slos || [])[0];
    clear(patterns).append(h('h2', {}, 'What burned the budget this week'));
    if (!entry || !entry.errorPatterns.length) {
      patterns.append(h('p', { class: 'muted' }, (entry && entry.errorPatternsNote) || 'No error lines this week.'));
    } else {
      patterns.append(h('table', { class: 'grid', id: 'slo-pattern-table' }, h('thead', {}, h('tr', {}, ['Pattern', 'Lines', 'Share', ''].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, entry.errorPatterns.map(p => h('tr', {}, h('td', {}, h('code', {}, p.pattern)), h('td', {}, p.count), h('td', {}, percent(p.share, 1)),
          h('td', {}, h('a', { 'data-link': true, href: '/ui/explore?from=now-7d&to=now&query=' + encodeURIComponent('{service_name="' + slo.service + '"} |> "' + p.pattern.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"') }, 'Explore')))))));
    }
    const text = await api('/tonari/api/v1/slo_report?format=text&week=' + week + '&id=' + encodeURIComponent(id));
    report.lastChild.replaceWith(h('pre', {}, text));
  } catch (e) { report.lastChild.replaceWith(errorBox(e)); }
  return cleanup;
}

/** The ISO week (YYYY-Www) of a date in UTC, as the report's week parameter names it. */
export function isoWeek(date) {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((day - yearStart) / 86400000 + 1) / 7);
  return day.getUTCFullYear() + '-W' + String(week).padStart(2, '0');
}

function burn(value) { return value === null || value === undefined ? 'no data' : value.toFixed(2) + 'x'; }
