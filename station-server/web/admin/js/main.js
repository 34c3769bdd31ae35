// The admin console: sign-in, navigation between views, and the shared pieces (announcements,
// image blob cache). The token lives in sessionStorage only; a 401 anywhere returns here.

import { api, getToken, storeToken, clearToken, setUnauthorizedHandler } from './api.js';
import { h, clear } from './dom.js';
import { ContentEditor } from './content-editor.js';
import { renderVersions, renderImages, renderKiosks, renderTokens, renderAudit, renderBackup, renderAccounts, renderMetrics, renderStatus, healthTroubles } from './pages.js';

const signInView = document.getElementById('signin-view');
const appView = document.getElementById('app-view');
const signInForm = document.getElementById('signin-form');
const signInMessage = document.getElementById('signin-message');
const main = document.getElementById('main');
const announcer = document.getElementById('announcer');
const signOutButton = document.getElementById('signout-button');

function announce(text) {
  announcer.textContent = '';
  // A fresh text node is announced even when the words repeat.
  setTimeout(() => { announcer.textContent = text; }, 30);
}

// Asset thumbnails are fetched with the token and shown from blob URLs.
const assetUrls = new Map();
function assetUrl(name) {
  if (!assetUrls.has(name)) {
    const promise = api.getAsset(name).then((blob) => URL.createObjectURL(blob));
    promise.catch(() => assetUrls.delete(name));
    assetUrls.set(name, promise);
  }
  return assetUrls.get(name);
}
function forgetAsset(name) {
  const old = assetUrls.get(name);
  assetUrls.delete(name);
  if (old) old.then((url) => URL.revokeObjectURL(url)).catch(() => {});
}

const editorRoot = h('div', { class: 'view', id: 'view-content' });
const editor = new ContentEditor(editorRoot, { announce, assetUrl });
let editorLoaded = false;

const views = {
  status: { title: 'Status', show: (root) => renderStatus(root) },
  content: { title: 'Content', show: async () => {
    if (!editorLoaded) {
      await editor.load();
      editorLoaded = true;
    } else {
      await editor.refreshAssets();
    }
    return editorRoot;
  } },
  versions: { title: 'Versions', show: async (root) => {
    await renderVersions(root, { announce, onRollback: () => { editorLoaded = false; } });
  } },
  images: { title: 'Images', show: async (root) => {
    await renderImages(root, { announce, assetUrl, forgetAsset });
  } },
  kiosks: { title: 'Kiosks', show: (root) => renderKiosks(root, { announce }) },
  tokens: { title: 'Coordinator tokens', show: (root) => renderTokens(root, { announce }) },
  audit: { title: 'Audit log', show: (root) => renderAudit(root) },
  backup: { title: 'Backup', show: (root) => renderBackup(root, { announce }) },
  metrics: { title: 'Metrics for IT', show: (root) => renderMetrics(root, { announce }) },
  accounts: { title: 'Accounts', show: (root) => renderAccounts(root, { announce, onSignedOutEverywhere: () => {
    clearToken();
    editor.dirty = false;
    showSignIn('You have signed out everywhere.');
  } }) },
};

function currentRoute() {
  const name = location.hash.replace(/^#\/?/, '').split('/')[0];
  return views[name] ? name : 'status';
}

let routeGeneration = 0;
async function showRoute() {
  if (!getToken()) {
    showSignIn();
    return;
  }
  const name = currentRoute();
  const mine = ++routeGeneration;
  for (const link of document.querySelectorAll('#main-nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${views[name].title} · Wellness station admin`;
  const root = name === 'content' ? null : h('div', { class: 'view', id: `view-${name}` });
  updateHealthBadge();
  clear(main);
  if (root) main.append(root);
  try {
    const shown = await views[name].show(root);
    if (mine !== routeGeneration) return;
    if (shown) {
      clear(main).append(shown);
    }
  } catch (error) {
    if (mine !== routeGeneration || error.status === 401) return;
    clear(main).append(h('div', { class: 'message message-error', role: 'alert' },
      h('h2', {}, `${views[name].title} could not be loaded`), h('p', {}, error.message),
      h('button', { type: 'button', onclick: () => showRoute() }, 'Try again')));
  }
}

// On every page, a badge in the header when a kiosk is late or silent or the storage fails.
const healthBadge = document.getElementById('health-badge');
async function updateHealthBadge() {
  let troubles = [];
  try {
    troubles = healthTroubles(await api.listKiosks());
  } catch {
    return; // a 401 is handled by the sign-in screen; other failures show on the page itself
  }
  healthBadge.hidden = troubles.length === 0;
  healthBadge.textContent = troubles.length ? `⚠ ${troubles.join(', ')}` : '';
}

// The sign-in page says which certificate this station has, so an admin can check it before
// typing a password (the station makes its own certificate; no authority vouches for it).
async function showStationIdentity() {
  try {
    const identity = await api.stationIdentity();
    const section = document.getElementById('station-identity');
    const plain = document.getElementById('station-plain');
    if (identity && identity.tls) {
      document.getElementById('station-fingerprint').textContent = `SHA256 ${identity.fingerprint}`;
      section.hidden = false;
      plain.hidden = true;
    } else {
      section.hidden = true;
      plain.hidden = false;
    }
  } catch {
    // the sign-in form works without it
  }
}

// Another page of the station that sent the admin here to sign in again (/summary/ when the
// session it used ended): only a path of this station's own pages, never another site.
function returnPath() {
  const back = new URLSearchParams(location.search).get('return') || '';
  return /^\/summary\/(\?[A-Za-z0-9=&%_.-]*)?$/.test(back) ? back : null;
}

function showSignIn(message) {
  appView.hidden = true;
  signInView.hidden = false;
  showStationIdentity();
  // After a session ends the admin signs in again to carry on: unpublished edits stay. Signing
  // out clears editor.dirty first, so the next sign-in loads the live content afresh.
  if (!editor.dirty) editorLoaded = false;
  signInMessage.textContent = message || '';
  signInMessage.hidden = !message;
  document.title = 'Sign in · Wellness station admin';
  const user = document.getElementById('signin-username');
  if (user) user.focus();
}

function showApp() {
  signInView.hidden = true;
  appView.hidden = false;
  showRoute();
  const heading = document.getElementById('app-heading');
  if (heading) heading.focus();
}

setUnauthorizedHandler((message) => {
  if (!signInView.hidden) return;
  showSignIn(message);
});

signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = signInForm.elements.username.value.trim();
  const password = signInForm.elements.password.value;
  const button = signInForm.querySelector('button[type=submit]');
  if (!username || !password) {
    signInMessage.hidden = false;
    signInMessage.textContent = 'Enter your user name and password.';
    return;
  }
  button.disabled = true;
  signInMessage.hidden = false;
  signInMessage.textContent = 'Signing in…';
  try {
    const session = await api.signIn(username, password);
    storeToken(session.token, session.expires_in_seconds);
    signInForm.elements.password.value = '';
    signInMessage.textContent = '';
    signInMessage.hidden = true;
    const back = returnPath();
    if (back) {
      location.assign(back);
      return;
    }
    showApp();
  } catch (error) {
    signInMessage.textContent = error.status === 401
      ? 'That user name and password do not match.'
      : `Could not sign in: ${error.message}`;
    signInForm.elements.password.focus();
  } finally {
    button.disabled = false;
  }
});

signOutButton.addEventListener('click', async () => {
  if (editor.dirty && !window.confirm('You have unpublished changes. Sign out and lose them?')) return;
  try {
    await api.signOut();
  } catch {
    // Signing out locally is what matters; the token also expires on its own.
  }
  clearToken();
  editor.dirty = false;
  showSignIn('You have signed out.');
});

window.addEventListener('hashchange', () => {
  if (getToken()) showRoute();
});

if (getToken()) showApp();
else showSignIn(returnPath() ? 'Your session has ended. Sign in again to go back to the summary.' : undefined);
