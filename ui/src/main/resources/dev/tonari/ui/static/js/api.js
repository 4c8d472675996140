// The one door to the HTTP API: the same endpoints every other client uses. Credentials are the
// session cookie (single sign-on) or a token kept for this tab; the tenant goes in X-Scope-OrgID,
// and state changes carry the session's CSRF token.
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const state = {
  token: sessionStorage.getItem('tonari.token'),
  tenant: localStorage.getItem('tonari.tenant'),
  csrf: null,
  session: null,
};

export function currentTenant() { return state.tenant; }
export function setTenant(tenant) { state.tenant = tenant; if (tenant) localStorage.setItem('tonari.tenant', tenant); }
export function setToken(token) { state.token = token; if (token) sessionStorage.setItem('tonari.token', token); else sessionStorage.removeItem('tonari.token'); }
export function hasToken() { return !!state.token; }
export function session() { return state.session; }

function headers(extra, tenant, method) {
  const all = { Accept: 'application/json', 'X-Tonari-UI': '1', ...extra };
  if (state.token) all.Authorization = 'Bearer ' + state.token;
  if (tenant && tenant !== '*') all['X-Scope-OrgID'] = tenant;
  if (method !== 'GET' && method !== 'HEAD' && state.csrf) all['X-CSRF-Token'] = state.csrf;
  return all;
}

export async function api(path, { method = 'GET', body, contentType, tenant = state.tenant, raw = false, extraHeaders = {} } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(contentType ? { 'Content-Type': contentType, ...extraHeaders } : extraHeaders, tenant, method),
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, 'The Tonari server cannot be reached (' + e.message + '). Is it running? Check the address and your network.');
  }
  if (!response.ok) {
    let message = await response.text();
    try { message = JSON.parse(message).message || JSON.parse(message).error || message; } catch (ignored) { /* plain text */ }
    throw new ApiError(response.status, message.trim() || response.status + ' ' + response.statusText);
  }
  if (raw) return response;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

/** Who we are; null when the server wants credentials. */
export async function loadSession() {
  try {
    state.session = await api('/tonari/api/v1/session', { tenant: null });
  } catch (e) {
    if (e.status === 401) { state.session = null; return null; }
    throw e;
  }
  state.csrf = state.session.csrf_token || null;
  const tenants = state.session.tenants.map(t => t.tenant);
  if (!state.tenant || (!tenants.includes(state.tenant) && !tenants.includes('*'))) {
    setTenant(tenants.find(t => t !== '*') || (state.session.auth_enabled ? tenants[0] : 'fake'));
  }
  return state.session;
}

export async function uiConfig() {
  const response = await fetch('/ui/config.json', { credentials: 'same-origin' });
  return response.json();
}
