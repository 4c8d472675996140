// The shell: who is signed in, which tenant is shown, and which page is open. Pages are modules
// with render(main, params); links with data-link navigate without reloading, and the URL always
// holds the page's state so that it can be shared.
import { api, ApiError, currentTenant, hasToken, loadSession, session, setTenant, setToken, uiConfig } from './api.js';
import { clear, errorBox, h, loading } from './dom.js';

const PAGES = {
  explore: () => import('./explore.js'),
  tail: () => import('./tail.js'),
  slos: () => import('./slos.js'),
  alerts: () => import('./alerts.js'),
  usage: () => import('./usage.js'),
  admin: () => import('./admin.js'),
};

const main = document.getElementById('main');
let config = { sso: false, auth_enabled: false };
let leaving = null;

function pageOf(pathname) {
  const parts = pathname.replace(/^\/ui\/?/, '').split('/').filter(Boolean);
  return { name: parts[0] || 'explore', rest: parts.slice(1) };
}

export function navigate(url, replace = false) {
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  route();
}

async function route() {
  if (leaving) { leaving(); leaving = null; }
  const { name, rest } = pageOf(location.pathname);
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.page === name) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  const load = PAGES[name];
  clear(main);
  if (!load) { main.append(h('h1', {}, 'Page not found'), h('p', {}, 'There is no page ' + location.pathname + '. ', h('a', { href: '/ui/explore', 'data-link': true }, 'Open Explore'))); return; }
  main.append(loading());
  try {
    const page = await load();
    clear(main);
    leaving = (await page.render(main, { rest, params: new URLSearchParams(location.search), navigate })) || null;
  } catch (e) {
    clear(main);
    main.append(h('h1', {}, 'Something went wrong'), errorBox(e));
    if (e instanceof ApiError && e.status === 401) showLogin('Your sign-in has ended.');
  }
}

/**
 * The tenants an admin of every tenant can pick: those with data (the usage report lists every
 * tenant that ingested) and those the tenants files declare. The first with data is shown unless
 * the person chose one, so the demo opens on logs rather than on the empty single-user tenant.
 */
async function tenantsOfAnAdmin() {
  const found = new Set();
  // Tenants that ingested something: a tenant that was only queried (the UI's own first visit) has no logs to show.
  try { (await api('/tonari/api/v1/usage?format=json', { tenant: null })).totals.filter(t => t.entries_ingested > 0).forEach(t => found.add(t.tenant)); } catch (e) { /* usage off: none */ }
  try { (await api('/tonari/api/v1/tenants')).tenants.filter(t => t.declared).forEach(t => found.add(t.tenant)); } catch (e) { /* not readable: none */ }
  return [...found].filter(t => t && t !== '*').sort();
}

async function renderWho(current) {
  const select = document.getElementById('tenant');
  clear(select);
  const tenants = current.tenants.map(t => t.tenant).filter(t => t !== '*');
  if (current.tenants.some(t => t.tenant === '*')) {
    const known = await tenantsOfAnAdmin();
    if (known.length && !known.includes(currentTenant()) && !localStorage.getItem('tonari.tenant.chosen')) setTenant(known[0]);
    for (const tenant of known) if (!tenants.includes(tenant)) tenants.push(tenant);
    if (!tenants.includes(currentTenant())) tenants.unshift(currentTenant());
  }
  for (const tenant of tenants) {
    const role = (current.tenants.find(t => t.tenant === tenant) || current.tenants.find(t => t.tenant === '*') || {}).role;
    select.append(h('option', { value: tenant, selected: tenant === currentTenant() }, role ? tenant + ' (' + role + ')' : tenant));
  }
  select.onchange = () => { setTenant(select.value); localStorage.setItem('tonari.tenant.chosen', '1'); route(); };
  document.getElementById('user').textContent = current.method === 'none' ? 'auth off' : current.name;
  const logout = document.getElementById('logout');
  logout.hidden = current.method !== 'sso';
  document.getElementById('logout-csrf').value = current.csrf_token || '';
  document.getElementById('forget-token').hidden = current.method !== 'token';
  document.getElementById('nav-admin').hidden = !current.tenants.some(t => t.role === 'admin' || t.role === 'tenant-admin');
}

function showLogin(reason) {
  clear(main);
  const returnTo = location.pathname + location.search;
  const box = h('section', { class: 'login', 'aria-labelledby': 'login-title' }, h('h1', { id: 'login-title' }, 'Sign in to Tonari'));
  if (reason) box.append(h('p', { class: 'muted' }, reason));
  if (config.sso) {
    box.append(h('p', {}, h('a', { class: 'button', href: '/ui/login?return_to=' + encodeURIComponent(returnTo) }, 'Sign in with your company account')));
  }
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', 'aria-describedby': 'token-help' });
  const message = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { onsubmit: async event => {
    event.preventDefault();
    setToken(input.value.trim());
    try {
      if (!await loadSession()) throw new Error('That token was refused: unknown, revoked or expired.');
      await start();
    } catch (e) { setToken(null); message.textContent = e.message; }
  } }, h('label', { for: 'token' }, config.sso ? 'Or use an API token' : 'API token'), input,
    h('p', { id: 'token-help', class: 'muted' }, 'Create one with: ./tonari token create --tenant TEAM --role reader'),
    h('button', { class: 'primary', type: 'submit' }, 'Use token'), message);
  box.append(form);
  main.append(box);
  input.focus();
}

async function start() {
  const current = await loadSession();
  if (!current) { showLogin(); return; }
  await renderWho(current);
  await route();
}

document.addEventListener('click', event => {
  const link = event.target.closest('a[data-link]');
  if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && link.origin === location.origin) {
    event.preventDefault();
    navigate(link.pathname + link.search);
  }
});
window.addEventListener('popstate', route);
document.getElementById('forget-token').addEventListener('click', () => { setToken(null); location.reload(); });

(async () => {
  const banner = document.getElementById('banner');
  try {
    config = await uiConfig();
  } catch (e) {
    banner.hidden = false;
    banner.textContent = 'The Tonari server cannot be reached. Is it running? Retrying every 5 s...';
    setTimeout(() => location.reload(), 5000);
    clear(main).append(h('h1', {}, 'Server unreachable'), h('p', {}, 'This page will try again by itself.'));
    return;
  }
  try { await start(); } catch (e) { clear(main).append(errorBox(e)); }
})();

export { session, hasToken };
