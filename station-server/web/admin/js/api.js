// The station's JSON API as the admin console uses it. The token lives in sessionStorage only
// (never a cookie); any 401 clears it and sends the person back to sign-in.

const TOKEN_KEY = 'wellness.admin.token';
const EXPIRES_KEY = 'wellness.admin.deadline_ms';

export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : [];
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

// The session's end on this browser's own clock: now plus the lifetime the station gave, so a
// laptop whose clock is off from the station's neither drops a live session nor keeps a dead
// one (the station still judges every request by its own clock).
export function getToken() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  const deadline = Number(sessionStorage.getItem(EXPIRES_KEY));
  if (deadline && deadline <= Date.now()) {
    clearToken();
    return null;
  }
  return token;
}

export function storeToken(token, expiresInSeconds) {
  sessionStorage.setItem(TOKEN_KEY, token);
  const seconds = Number(expiresInSeconds);
  if (Number.isFinite(seconds) && seconds > 0) sessionStorage.setItem(EXPIRES_KEY, String(Date.now() + seconds * 1000));
  else sessionStorage.removeItem(EXPIRES_KEY);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(EXPIRES_KEY);
}

async function errorFrom(response) {
  let code = 'http_' + response.status;
  let message = `The station answered ${response.status} ${response.statusText}.`;
  let details = [];
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
      details = body.error.details || body.details || [];
    }
  } catch {
    // Not JSON: keep the status words.
  }
  if (response.status === 429) {
    const retry = response.headers.get('Retry-After');
    if (retry) message += ` Try again in ${retry} seconds.`;
  }
  return new ApiError(response.status, code, message, details);
}

// One request. `body` may be an object (sent as JSON), a Blob/File (sent as is, with its type)
// or undefined. Returns parsed JSON, a Blob (when `as: 'blob'`), or null for empty answers.
export async function request(method, path, { body, as = 'json', contentType, auth = true, headers: extra = {} } = {}) {
  const headers = { ...extra, Accept: as === 'blob' ? '*/*' : 'application/json' };
  if (auth) {
    const token = getToken();
    if (!token) {
      onUnauthorized('Please sign in.');
      throw new ApiError(401, 'unauthorized', 'Please sign in.');
    }
    headers.Authorization = `Bearer ${token}`;
  }
  let payload;
  if (body instanceof Blob) {
    payload = body;
    headers['Content-Type'] = contentType || body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, cache: 'no-store', credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'network', 'The station could not be reached. Check the connection and try again.');
  }
  if (response.status === 401 && auth) {
    clearToken();
    // Before anything is awaited: a request started meanwhile finds no token, and its "Please
    // sign in." must not be the message the admin sees.
    onUnauthorized('Your session has ended or is no longer valid. Please sign in again.');
    throw await errorFrom(response);
  }
  if (!response.ok) throw await errorFrom(response);
  if (as === 'blob') return response.blob();
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(response.status, 'bad_response', 'The station sent an answer the console cannot read.');
  }
}

// Lists come back either as a bare array or wrapped in an object under a known name.
export function listFrom(body, ...names) {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') {
    for (const name of names) if (Array.isArray(body[name])) return body[name];
    const firstArray = Object.values(body).find(Array.isArray);
    if (firstArray) return firstArray;
  }
  return [];
}

export const api = {
  signIn: (username, password) =>
    request('POST', '/api/v1/admin/session', { body: { username, password }, auth: false }),
  signOut: () => request('DELETE', '/api/v1/admin/session'),
  getContent: () => request('GET', '/api/v1/admin/content'),
  // Based on the version the edit started from: the station answers 412 when another admin has
  // published since (its ETag is "content-<version>").
  // The note travels percent-encoded in a header, since the body is the document itself.
  putContent: (document, basedOnVersion, note = '') => request('PUT', '/api/v1/admin/content', {
    body: document,
    headers: { 'If-Match': `"content-${basedOnVersion}"`, ...(note ? { 'X-Publish-Note': encodeURIComponent(note) } : {}) },
  }),
  listVersions: () => request('GET', '/api/v1/admin/content/versions'),
  getDraft: () => request('GET', '/api/v1/admin/content/draft'),
  saveDraft: (basedOnVersion, document) => request('PUT', '/api/v1/admin/content/draft', { body: { based_on: String(basedOnVersion), document } }),
  deleteDraft: () => request('DELETE', '/api/v1/admin/content/draft'),
  getVersion: (version) => request('GET', `/api/v1/admin/content/versions/${encodeURIComponent(version)}`),
  // Like a publish, a rollback names the live version it replaces: 412 when another admin has
  // published since.
  rollback: (version, basedOnVersion, note = '') => request('POST', '/api/v1/admin/content/rollback', {
    body: note ? { version, note } : { version },
    headers: { 'If-Match': `"content-${basedOnVersion}"` },
  }),
  // The limits the station checks (core/limits.hpp with its settings), to refuse early.
  getLimits: () => request('GET', '/api/v1/admin/limits'),
  listAssets: () => request('GET', '/api/v1/admin/assets'),
  getAsset: (name) => request('GET', `/api/v1/admin/assets/${encodeURIComponent(name)}`, { as: 'blob' }),
  putAsset: (name, file) =>
    request('PUT', `/api/v1/admin/assets/${encodeURIComponent(name)}`, { body: file, contentType: file.type }),
  qrSvg: (data) => request('GET', `/api/v1/admin/qr.svg?data=${encodeURIComponent(data)}`, { as: 'blob' }),
  listAdmins: () => request('GET', '/api/v1/admin/admins'),
  addAdmin: (username, password) => request('POST', '/api/v1/admin/admins', { body: { username, password } }),
  removeAdmin: (username) => request('DELETE', `/api/v1/admin/admins/${encodeURIComponent(username)}`),
  changePassword: (current, next) =>
    request('PUT', '/api/v1/admin/password', { body: { current_password: current, new_password: next } }),
  signOutEverywhere: () => request('DELETE', '/api/v1/admin/sessions'),
  stationIdentity: () => request('GET', '/api/v1/station', { auth: false }),
  listKiosks: () => request('GET', '/api/v1/admin/kiosks'),
  addKiosk: (name) => request('POST', '/api/v1/admin/kiosks', { body: { name } }),
  revokeKiosk: (id) => request('DELETE', `/api/v1/admin/kiosks/${encodeURIComponent(id)}`),
  listCoordinatorTokens: () => request('GET', '/api/v1/admin/coordinator-tokens'),
  createCoordinatorToken: (label) => request('POST', '/api/v1/admin/coordinator-tokens', { body: { label } }),
  revokeCoordinatorToken: (id) => request('DELETE', `/api/v1/admin/coordinator-tokens/${encodeURIComponent(id)}`),
  audit: () => request('GET', '/api/v1/admin/audit'),
  metricsToken: () => request('GET', '/api/v1/admin/metrics-token'),
  makeMetricsToken: () => request('POST', '/api/v1/admin/metrics-token'),
  revokeMetricsToken: () => request('DELETE', '/api/v1/admin/metrics-token'),
  latestBackup: () => request('GET', '/api/v1/admin/backups/latest', { as: 'blob' }),
};
