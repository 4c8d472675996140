// Usage and cost: what the tenant ingested, stored and queried per day, priced by the price
// sheet, with the trend; platform admins see every tenant side by side.
import { api, session } from './api.js';
import { drawSeries } from './chart.js';
import { clear, errorBox, h, loading } from './dom.js';

const GB = 1e9;

export async function render(main) {
  const admin = (session()?.tenants || []).some(t => t.tenant === '*' && t.role === 'admin') || session()?.method === 'none';
  const today = new Date();
  const from = new Date(today.getTime() - 29 * 86400e3).toISOString().slice(0, 10);
  const holder = h('div', {}, loading());
  const chart = h('div', { class: 'histogram', id: 'usage-chart', 'aria-label': 'Bytes ingested per day' });
  main.append(h('h1', {}, 'Usage and cost'), h('p', { class: 'muted' }, 'The last 30 days, ' + (admin ? 'every tenant' : 'this tenant') + '.'), chart, holder);
  let report;
  try { report = await api('/tonari/api/v1/usage?format=json&from=' + from, { tenant: admin ? null : undefined }); } catch (e) { clear(holder).append(errorBox(e)); return; }
  const byTenant = new Map();
  for (const day of report.days) {
    if (!byTenant.has(day.tenant)) byTenant.set(day.tenant, []);
    byTenant.get(day.tenant).push([Date.parse(day.day) / 1000, day.bytes_ingested / GB]);
  }
  const cleanup = byTenant.size ? drawSeries(chart, [...byTenant].map(([name, points]) => ({ name, points })), { stacked: true, height: 180, unit: ' GB' }) : null;
  const money = value => Number(value).toFixed(2) + ' ' + report.currency;
  clear(holder).append(h('table', { class: 'grid', id: 'usage-table' }, h('thead', {}, h('tr', {}, ['Tenant', 'Lines ingested', 'GB ingested', 'GB stored', 'GB scanned', 'Queries', 'Refused', 'Cost'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, report.totals.map(t => h('tr', {}, h('td', {}, t.tenant), h('td', {}, t.entries_ingested.toLocaleString()), h('td', {}, (t.bytes_ingested / GB).toFixed(3)),
      h('td', {}, (t.bytes_stored / GB).toFixed(3)), h('td', {}, (t.bytes_scanned / GB).toFixed(3)), h('td', {}, t.queries), h('td', {}, t.entries_refused), h('td', {}, money(t.cost.total)))))));
  return cleanup;
}
