// Admin: tokens of the tenants the person administers (create and revoke through the admin API),
// and where tenants, limits and retention are changed: the tenants files, as code.
import { api, currentTenant } from './api.js';
import { clear, errorBox, h, loading } from './dom.js';

export async function render(main) {
  const list = h('section', { id: 'tokens' }, loading());
  const tenantsSection = h('section', { id: 'tenants' }, loading());
  const name = h('input', { id: 'token-name', 'aria-label': 'Token name', placeholder: 'ci-pusher', required: true });
  const role = h('select', { id: 'token-role', 'aria-label': 'Role' }, ['reader', 'writer', 'tenant-admin'].map(r => h('option', { value: r }, r)));
  const expires = h('select', { id: 'token-expires', 'aria-label': 'Expires' }, ['30d', '90d', '365d'].map(e => h('option', { value: e, selected: e === '90d' }, e)));
  const created = h('div', { role: 'status' });
  const form = h('form', { class: 'row', onsubmit: async event => {
    event.preventDefault();
    clear(created);
    try {
      const token = await api('/tonari/api/v1/tokens', { method: 'POST', contentType: 'application/json', body: { name: name.value.trim(), tenant: currentTenant(), role: role.value, expires: expires.value } });
      created.append(h('p', {}, 'Token ', h('strong', {}, token.name), ' created. Copy it now; it is not shown again:'), h('pre', { id: 'new-token' }, token.token));
      await load();
    } catch (e) { created.append(errorBox(e)); }
  } }, name, role, expires, h('button', { class: 'primary', type: 'submit' }, 'Create token for ' + currentTenant()));
  main.append(h('h1', {}, 'Admin'),
    h('p', {}, 'Tenants, their limits and retention are configuration as code: change the tenants files (see docs/configuration.md, "Tenants files") through a pull request, check them with ', h('code', {}, './tonari lint'), ', and the server reloads them. Tokens are managed here.'),
    h('h2', {}, 'Tenants'), tenantsSection, h('h2', {}, 'Tokens'), form, created, list);
  async function load() {
    try {
      const tokens = (await api('/tonari/api/v1/tokens')).tokens;
      clear(list).append(h('table', { class: 'grid', id: 'token-table' }, h('thead', {}, h('tr', {}, ['Name', 'Tenants', 'Role', 'Created', 'Expires', 'Active', ''].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, tokens.map(t => h('tr', {}, h('td', {}, t.name), h('td', {}, (t.tenants || []).join(', ')), h('td', {}, t.role), h('td', {}, t.created), h('td', {}, t.expires || 'never'),
          h('td', {}, t.active ? 'yes' : 'no'), h('td', {}, t.active ? h('button', { type: 'button', onclick: async () => {
            if (!confirm('Revoke token ' + t.name + '? Clients using it stop working at once.')) return;
            try { await api('/tonari/api/v1/tokens/' + encodeURIComponent(t.id), { method: 'DELETE' }); await load(); } catch (e) { list.prepend(errorBox(e)); }
          } }, 'Revoke') : ''))))));
    } catch (e) { clear(list).append(errorBox(e)); }
  }
  await Promise.all([load(), loadTenants(tenantsSection)]);
}

// What the tenants files say, read-only: changes go through the files, as code.
async function loadTenants(target) {
  let config;
  try { config = await api('/tonari/api/v1/tenants'); } catch (e) { clear(target).append(errorBox(e)); return; }
  const keys = ['ingestion_rate_mb', 'max_global_streams_per_user', 'max_line_size', 'max_query_length', 'max_entries_limit_per_query', 'query_timeout'];
  clear(target).append(h('p', { class: 'muted' }, config.how_to_change + (config.files.length ? ' (files: ' + config.files.join(', ') + ')' : '')),
    h('table', { class: 'grid', id: 'tenant-table' }, h('thead', {}, h('tr', {}, ['Tenant', 'Declared', ...keys, 'Retention', 'Stream rules'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, config.tenants.map(t => h('tr', {}, h('td', {}, t.tenant), h('td', {}, t.declared ? 'yes' : 'defaults'),
        keys.map(k => h('td', {}, String(t.limits[k]))), h('td', {}, t.retention.period),
        h('td', {}, t.retention.retention_stream.map(r => h('div', {}, r.selector + ': ' + r.period + ' (priority ' + r.priority + ')'))))))));
}
