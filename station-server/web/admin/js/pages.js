// The console's other views: version history, images, kiosks, coordinator tokens, audit log,
// backup.

import { api, listFrom } from './api.js';
import { h, clear, table, formatTime, formatBytes } from './dom.js';
import { publishedMessage, getAt } from './content-model.js';
import { changedFields, shortValue } from './merge.js';

function pick(row, ...names) {
  for (const name of names) if (row[name] !== undefined && row[name] !== null) return row[name];
  return undefined;
}

function messageArea() {
  return h('div', { class: 'message-area', role: 'status', 'aria-live': 'polite' });
}

function showMessage(area, text, kind = 'info') {
  clear(area).append(h('p', { class: `message message-${kind}` }, text));
}

// Something shown exactly once (an enrollment code, a token): big, selectable, with a copy
// button, and the warning that it cannot be shown again.
function onceBox(title, value, note) {
  const id = 'once-' + Math.random().toString(36).slice(2);
  const copy = h('button', { type: 'button', onclick: async () => {
    try {
      await navigator.clipboard.writeText(value);
      copy.textContent = 'Copied';
    } catch {
      document.getElementById(id).focus();
      copy.textContent = 'Select the text and copy it';
    }
  } }, 'Copy');
  return h('div', { class: 'once-box', role: 'alert' },
    h('h3', {}, title),
    h('p', { class: 'once-value', id, tabindex: '0', 'data-once-value': true }, value),
    h('p', {}, h('strong', {}, 'Shown only this once. '), note),
    copy);
}

export async function renderVersions(root, { announce, onRollback }) {
  clear(root).append(h('h2', {}, 'Version history'), h('p', { class: 'loading' }, 'Loading…'));
  const [body, current] = await Promise.all([api.listVersions(), api.getContent().catch(() => null)]);
  const versions = listFrom(body, 'versions');
  const live = current ? current.version : (body && body.current);
  const area = messageArea();
  const rows = versions.map((v) => (typeof v === 'object' ? v : { version: v }));
  const rollback = async (version, basedOn, note) => {
    try {
      const answer = await api.rollback(version, basedOn, note);
      announce(`Version ${version} is live again.`);
      await renderVersions(root, { announce, onRollback });
      const published = answer && answer.version !== undefined ? publishedMessage(answer.version, answer) : '';
      showMessage(root.querySelector('.message-area'), `Rolled back: version ${version} is live again. ${published}`.trim(), 'ok');
      if (onRollback) onRollback();
    } catch (error) {
      if (error.status === 412) {
        // Another admin published while this one reviewed: nothing was rolled back. The review
        // is shown again against what is live now, so the admin decides on what they would undo.
        await preview(version);
        showMessage(area, `Not rolled back: ${error.message}. The changes below are against the version live now; check them and roll back again, or cancel.`, 'error');
        return;
      }
      showMessage(area, `Rollback failed: ${error.message}`, 'error');
    }
  };
  // Before a rollback, what it would change: every field of the live version that differs.
  const review = h('div', { class: 'rollback-review', id: 'rollback-review', tabindex: '-1', role: 'region', 'aria-labelledby': 'rollback-review-h', hidden: true });
  const preview = async (version) => {
    let old;
    let now;
    try {
      [old, now] = await Promise.all([api.getVersion(version), api.getContent()]);
    } catch (error) {
      showMessage(area, `Could not read version ${version}: ${error.message}`, 'error');
      return;
    }
    const fields = changedFields(now.document, old.document);
    const noteInput = h('input', { type: 'text', id: 'rollback-note', maxlength: '200', autocomplete: 'off' });
    clear(review).append(
      h('h3', { id: 'rollback-review-h' }, `Roll back to version ${version}?`),
      h('p', {}, fields.length
        ? `It publishes version ${version}'s content again as a new version. ${fields.length} field(s) would change from the live version ${now.version}:`
        : `Version ${version} is the same as the live version ${now.version}: nothing would change.`),
      fields.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'What the rollback changes' },
        h('table', { id: 'rollback-diff' },
          h('caption', {}, `Live version ${now.version} → version ${version}`),
          h('thead', {}, h('tr', {}, ['Field', `Live now (version ${now.version})`, `After the rollback (version ${version})`].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, fields.slice(0, 300).map((path) => h('tr', { 'data-field': path },
            h('td', {}, h('code', {}, path)), h('td', {}, shortValue(getAt(now.document, path))), h('td', {}, shortValue(getAt(old.document, path)))))))) : null,
      h('div', { class: 'field' }, h('label', { for: 'rollback-note' }, 'Note for this rollback (optional)'), noteInput),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'primary', id: 'confirm-rollback', 'data-based-on': String(now.version), onclick: () => rollback(version, now.version, noteInput.value.trim()) }, `Roll back to version ${version}`),
        h('button', { type: 'button', id: 'cancel-rollback', onclick: () => { review.hidden = true; } }, 'Cancel')));
    review.hidden = false;
    review.focus();
  };
  clear(root).append(
    h('h2', {}, 'Version history'),
    h('p', { class: 'hint' }, 'Every publish is kept. Rolling back publishes an earlier version again.'),
    area,
    review,
    table('Published content versions', [
      { key: 'version', label: 'Version', format: (v) => h('span', {}, String(v), String(v) === String(live) ? h('strong', { class: 'badge' }, ' live') : null) },
      { key: 'published_at', label: 'Published', format: (_, row) => formatTime(pick(row, 'published_at', 'created_at', 'at')) },
      { key: 'published_by', label: 'By', format: (_, row) => pick(row, 'published_by', 'admin', 'created_by', 'by') ?? '' },
      { key: 'note', label: 'Note', format: (_, row) => pick(row, 'note', 'reason', 'source') ?? '' },
      { key: 'action', label: 'Action', format: (_, row) => (String(row.version) === String(live) ? 'Live now'
        : h('button', { type: 'button', 'data-rollback': String(row.version), 'aria-label': `Roll back to version ${row.version}`,
          onclick: () => preview(row.version) }, 'Roll back to this…')) },
    ], rows, { emptyText: 'No versions yet.' }));
}

export async function renderImages(root, { announce, assetUrl, forgetAsset }) {
  clear(root).append(h('h2', {}, 'Images'), h('p', { class: 'loading' }, 'Loading…'));
  const [assetList, limits] = await Promise.all([api.listAssets(), api.getLimits().catch(() => null)]);
  const assets = listFrom(assetList, 'assets').map((a) => (typeof a === 'string' ? { name: a } : a));
  const maxBytes = limits && typeof limits.asset_bytes === 'number' ? limits.asset_bytes : null;
  const maxSide = limits && typeof limits.image_side === 'number' ? limits.image_side : null;
  const area = messageArea();
  const fileInput = h('input', { type: 'file', id: 'image-file', accept: 'image/png,image/jpeg', required: true, 'aria-describedby': 'image-file-hint' });
  const nameInput = h('input', { type: 'text', id: 'image-name', pattern: '[a-z0-9._\\-]{1,64}', autocomplete: 'off', required: true, 'aria-describedby': 'image-name-hint' });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files[0];
    if (file && !nameInput.value) {
      nameInput.value = file.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 64);
    }
  });
  const form = h('form', { class: 'card upload-form', onsubmit: async (event) => {
    event.preventDefault();
    const file = fileInput.files[0];
    const name = nameInput.value.trim();
    if (!file) { showMessage(area, 'Choose a PNG or JPEG file first.', 'error'); fileInput.focus(); return; }
    if (!/^[a-z0-9._-]{1,64}\.(png|jpg|jpeg)$/.test(name)) {
      showMessage(area, 'The name must be 1 to 64 lowercase letters, digits, dots, hyphens or underscores, ending in .png, .jpg or .jpeg.', 'error');
      nameInput.focus();
      return;
    }
    if (!['image/png', 'image/jpeg'].includes(file.type)) { showMessage(area, 'Only PNG and JPEG images can be used.', 'error'); return; }
    if (maxBytes !== null && file.size > maxBytes) {
      showMessage(area, `${file.name} is ${formatBytes(file.size)}; the station and its kiosks take images of at most ${formatBytes(maxBytes)}.`, 'error');
      return;
    }
    try {
      showMessage(area, `Uploading ${name}…`);
      await api.putAsset(name, file);
      forgetAsset(name);
      announce(`Uploaded ${name}.`);
      await renderImages(root, { announce, assetUrl, forgetAsset });
      showMessage(root.querySelector('.message-area'), `Uploaded ${name}. Choose it for a provider under Content to use it.`, 'ok');
    } catch (error) {
      showMessage(area, `Upload failed: ${error.message}`, 'error');
    }
  } },
  h('h3', {}, 'Upload an image'),
  h('div', { class: 'field' }, h('label', { for: 'image-file' }, 'PNG or JPEG file'), fileInput,
    h('p', { class: 'hint', id: 'image-file-hint' }, maxBytes !== null && maxSide !== null
      ? `At most ${formatBytes(maxBytes)} and ${maxSide} pixels a side. The station checks that it is a real PNG or JPEG.`
      : 'The station checks that it is a real PNG or JPEG within its size limit.')),
  h('div', { class: 'field' }, h('label', { for: 'image-name' }, 'Name in the content'), nameInput,
    h('p', { class: 'hint', id: 'image-name-hint' }, 'e.g. eap-logo.png. Names are unique: upload a changed image under a new name.')),
  h('button', { type: 'submit', class: 'primary' }, 'Upload'));

  const grid = assets.length ? h('ul', { class: 'thumbs' }, assets.map((asset) => {
    const img = h('img', { alt: `Image ${asset.name}`, class: 'thumb', loading: 'lazy' });
    assetUrl(asset.name).then((url) => { img.src = url; }).catch(() => { img.alt = `${asset.name} (could not be loaded)`; });
    return h('li', { class: 'thumb-card' }, img,
      h('p', { class: 'thumb-name' }, asset.name),
      h('p', { class: 'hint' }, [formatBytes(asset.size), asset.media_type || asset.content_type].filter(Boolean).join(' · ')));
  })) : h('p', { class: 'empty' }, 'No images uploaded yet.');

  clear(root).append(h('h2', {}, 'Images'), area, form, h('h3', {}, 'Uploaded images'), grid);
}

export async function renderKiosks(root, { announce }) {
  clear(root).append(h('h2', {}, 'Kiosks'), h('p', { class: 'loading' }, 'Loading…'));
  const [kioskList, limits] = await Promise.all([api.listKiosks(), api.getLimits().catch(() => null)]);
  const kiosks = listFrom(kioskList, 'kiosks');
  const area = messageArea();
  // The station's own limit (core/limits.hpp), so a name it would refuse cannot be typed.
  const nameChars = limits && typeof limits.kiosk_name_chars === 'number' ? limits.kiosk_name_chars : 64;
  const nameInput = h('input', { type: 'text', id: 'kiosk-name', maxlength: nameChars, autocomplete: 'off', required: true });
  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (!name) { showMessage(area, 'Give the kiosk a name, e.g. the room it is in.', 'error'); nameInput.focus(); return; }
    try {
      const created = await api.addKiosk(name);
      await renderKiosks(root, { announce });
      const code = created.enrollment_code;
      const box = onceBox(`Enrollment code for ${name}`, code,
        'Enter it on the kiosk (or in its config) within 24 hours; it works once. If it is lost, revoke this kiosk and add it again.');
      if (created.station_fingerprint) {
        // The kiosk trusts this certificate and no other: it goes into the kiosk's config with the code.
        box.insertBefore(h('p', { class: 'fingerprint-line' },
          'Station fingerprint (the kiosk\'s "fingerprint" setting): ',
          h('code', { class: 'fingerprint', 'data-station-fingerprint': true }, created.station_fingerprint)),
        box.querySelector('button'));
      }
      root.querySelector('.once-slot').append(box);
      box.querySelector('.once-value').focus();
    } catch (error) {
      showMessage(area, `Could not add the kiosk: ${error.message}`, 'error');
    }
  } },
  h('h3', {}, 'Add a kiosk'),
  h('div', { class: 'field' }, h('label', { for: 'kiosk-name' }, 'Kiosk name'), nameInput),
  h('button', { type: 'submit', class: 'primary' }, 'Add kiosk'));

  const revoke = async (kiosk) => {
    const id = pick(kiosk, 'kiosk_id', 'id');
    if (!window.confirm(`Revoke kiosk "${kiosk.name || id}"? It can no longer sync until it is enrolled again.`)) return;
    try {
      await api.revokeKiosk(id);
      announce(`Revoked kiosk ${kiosk.name || id}.`);
      await renderKiosks(root, { announce });
      showMessage(root.querySelector('.message-area'), `Revoked kiosk "${kiosk.name || id}".`, 'ok');
    } catch (error) {
      showMessage(area, `Could not revoke: ${error.message}`, 'error');
    }
  };

  clear(root).append(h('h2', {}, 'Kiosks'), area, h('div', { class: 'once-slot' }), form,
    table('Kiosks of this station', [
      { key: 'name', label: 'Name' },
      { key: 'kiosk_id', label: 'Id', format: (_, row) => String(pick(row, 'kiosk_id', 'id') ?? '') },
      { key: 'status', label: 'Status', format: (_, row) => kioskStatus(row) },
      { key: 'last_contact', label: 'Last contact', format: (_, row) => formatTime(pick(row, 'last_contact', 'last_contact_at', 'last_seen')) },
      { key: 'content_version', label: 'Content version', format: (v) => (v === undefined || v === null || v === '' ? 'none yet' : String(v)) },
      { key: 'action', label: 'Action', format: (_, row) => (isRevoked(row) ? '' :
        h('button', { type: 'button', class: 'danger', 'data-revoke-kiosk': String(pick(row, 'kiosk_id', 'id')),
          'aria-label': `Revoke kiosk ${row.name || ''}`, onclick: () => revoke(row) }, 'Revoke')) },
    ], kiosks, { emptyText: 'No kiosks yet.' }));
}

function isRevoked(row) {
  return Boolean(row.revoked || row.revoked_at || row.status === 'revoked');
}

function kioskStatus(row) {
  if (isRevoked(row)) return 'Revoked';
  if (row.status) return String(row.status).replaceAll('_', ' ');
  if (row.enrolled === false) return 'Waiting for enrollment';
  return 'Active';
}

export async function renderTokens(root, { announce }) {
  clear(root).append(h('h2', {}, 'Coordinator tokens'), h('p', { class: 'loading' }, 'Loading…'));
  const listed = await api.listCoordinatorTokens();
  const tokens = listFrom(listed, 'tokens', 'coordinator_tokens');
  const stationNow = listed && Date.parse(listed.station_time);
  const today = Number.isFinite(stationNow) ? new Date(stationNow) : new Date();
  const area = messageArea();
  const labelInput = h('input', { type: 'text', id: 'token-label', maxlength: 80, autocomplete: 'off', required: true });
  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const label = labelInput.value.trim();
    if (!label) { showMessage(area, 'Give the token a label that says who holds it.', 'error'); labelInput.focus(); return; }
    try {
      const created = await api.createCoordinatorToken(label);
      await renderTokens(root, { announce });
      const box = onceBox(`Coordinator token "${label}"`, created.token,
        `Give it to the coordinator over a safe channel. It reads anonymous summaries only, until ${formatTime(created.expires_at)}; make a new one before then. Revoke it here when it is no longer needed.`);
      root.querySelector('.once-slot').append(box);
      box.querySelector('.once-value').focus();
    } catch (error) {
      showMessage(area, `Could not create the token: ${error.message}`, 'error');
    }
  } },
  h('h3', {}, 'Create a token'),
  h('div', { class: 'field' }, h('label', { for: 'token-label' }, 'Label (who holds it)'), labelInput),
  h('button', { type: 'submit', class: 'primary' }, 'Create token'));

  const revoke = async (row) => {
    const id = pick(row, 'id', 'token_id');
    if (!window.confirm(`Revoke the token "${row.label || id}"? Whoever holds it can no longer read summaries.`)) return;
    try {
      await api.revokeCoordinatorToken(id);
      announce(`Revoked token ${row.label || id}.`);
      await renderTokens(root, { announce });
      showMessage(root.querySelector('.message-area'), `Revoked the token "${row.label || id}".`, 'ok');
    } catch (error) {
      showMessage(area, `Could not revoke: ${error.message}`, 'error');
    }
  };

  clear(root).append(h('h2', {}, 'Coordinator tokens'),
    h('p', { class: 'hint' }, 'Regional coordinators use these to read this station\'s anonymous summaries at /summary/ or with station-rollup.'),
    area, h('div', { class: 'once-slot' }), form,
    table('Coordinator tokens', [
      { key: 'label', label: 'Label' },
      { key: 'created_at', label: 'Created', format: (_, row) => formatTime(pick(row, 'created_at', 'created')) },
      { key: 'expires_at', label: 'Expires', format: (_, row) => formatTime(row.expires_at) },
      { key: 'last_used_day', label: 'Last used', format: (v) => lastUsedText(v, today) },
      { key: 'status', label: 'Status', format: (_, row) => (isRevoked(row) ? 'Revoked'
        : (row.expires_at && Date.parse(row.expires_at) <= Date.now() ? 'Expired' : 'Active')) },
      { key: 'action', label: 'Action', format: (_, row) => (isRevoked(row) ? '' :
        h('button', { type: 'button', class: 'danger', 'data-revoke-token': String(pick(row, 'id', 'token_id')),
          'aria-label': `Revoke token ${row.label || ''}`, onclick: () => revoke(row) }, 'Revoke')) },
    ], tokens, { emptyText: 'No coordinator tokens yet.' }));
}

// The station keeps the day only ("2026-11-18", UTC): said as that date, and how long ago by
// the station's calendar (`today`), never as a time of day it does not know.
export function lastUsedText(day, today = new Date()) {
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return 'never';
  const then = Date.parse(`${day}T00:00:00Z`);
  const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const days = Math.round((todayUtc - then) / 86400000);
  const date = new Date(then).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  if (days <= 0) return `today (${date})`;
  if (days === 1) return `yesterday (${date})`;
  return `${date} (${days} days ago)`;
}

// The metrics token: one per station, for the precinct's IT to scrape /metrics with
// Prometheus. Made here, shown once, replaced or revoked here.
export async function renderMetrics(root, { announce }) {
  clear(root).append(h('h2', {}, 'Metrics for IT'), h('p', { class: 'loading' }, 'Loading…'));
  const state = await api.metricsToken();
  const configured = Boolean(state && state.configured);
  const area = messageArea();
  const target = location.host;
  const scheme = location.protocol === 'https:' ? 'https' : 'http';
  const scrapeConfig = (tokenFile) => [
    'scrape_configs:',
    '  - job_name: wellness-station',
    `    scheme: ${scheme}`,
    ...(scheme === 'https' ? ['    tls_config: {ca_file: station-certificate.pem}'] : []),
    `    authorization: {credentials_file: ${tokenFile}}`,
    `    static_configs: [{targets: ["${target}"]}]`,
  ].join('\n');
  const tokenFile = '/etc/prometheus/wellness-metrics-token';
  const make = async () => {
    if (configured && !window.confirm('Make a new metrics token? The current one stops working at once; Prometheus needs the new one.')) return;
    try {
      const made = await api.makeMetricsToken();
      await renderMetrics(root, { announce });
      const box = onceBox('Metrics token', made.token,
        `Put it in ${tokenFile} on the Prometheus server (readable by Prometheus only), then add the scrape lines below. It reads /metrics only: technical figures, never a count of any use.`);
      box.insertBefore(h('div', { class: 'scrape-config' },
        h('p', {}, 'Prometheus scrape configuration (prometheus.yml):'),
        h('pre', { id: 'scrape-config', tabindex: '0' }, scrapeConfig(tokenFile)),
        h('p', {}, 'Or try it once by hand: ', h('code', { id: 'scrape-curl' }, `curl ${scheme === 'https' ? '--cacert station-certificate.pem ' : ''}-H "Authorization: Bearer ${made.token}" ${scheme}://${target}/metrics`))),
      box.querySelector('button'));
      root.querySelector('.once-slot').append(box);
      box.querySelector('.once-value').focus();
      announce(configured ? 'New metrics token made; the old one no longer works.' : 'Metrics token made.');
    } catch (error) {
      showMessage(area, `Could not make the token: ${error.message}`, 'error');
    }
  };
  const revoke = async () => {
    if (!window.confirm('Revoke the metrics token? Prometheus can no longer read /metrics until you make a new one.')) return;
    try {
      await api.revokeMetricsToken();
      announce('Metrics token revoked.');
      await renderMetrics(root, { announce });
      showMessage(root.querySelector('.message-area'), 'Revoked: /metrics refuses the old token from now on.', 'ok');
    } catch (error) {
      showMessage(area, `Could not revoke: ${error.message}`, 'error');
    }
  };
  clear(root).append(h('h2', {}, 'Metrics for IT'),
    h('p', {}, 'The station serves technical figures at /metrics for the precinct\'s IT to watch with Prometheus: requests and errors by route, sync failures, storage health, kiosks by health state. Never a count of any use.'),
    h('p', { id: 'metrics-state', class: configured ? 'message message-ok' : 'message message-info' },
      configured ? 'A metrics token is set. It is not shown again: make a new one if it was lost.' : 'No metrics token yet: /metrics answers nobody.'),
    area, h('div', { class: 'once-slot' }),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'primary', id: 'make-metrics-token', onclick: make }, configured ? 'Replace the token…' : 'Make a metrics token'),
      configured ? h('button', { type: 'button', class: 'danger', id: 'revoke-metrics-token', onclick: revoke }, 'Revoke the token') : null));
}

export async function renderAudit(root) {
  clear(root).append(h('h2', {}, 'Audit log'), h('p', { class: 'loading' }, 'Loading…'));
  const entries = listFrom(await api.audit(), 'entries', 'audit', 'events');
  const known = new Set(['at', 'time', 'timestamp', 'admin', 'username', 'actor', 'action', 'event', 'target', 'object', 'detail', 'details', 'id']);
  clear(root).append(h('h2', {}, 'Audit log'),
    h('p', { class: 'hint' }, 'Who changed content, kiosks and tokens, who signed in (and wrong passwords for an account), and when. Nothing about officers is ever recorded.'),
    table('Admin changes, newest first', [
      { key: 'at', label: 'When', format: (_, row) => formatTime(pick(row, 'at', 'time', 'timestamp')) },
      { key: 'admin', label: 'Admin', format: (_, row) => pick(row, 'admin', 'username', 'actor') ?? '' },
      { key: 'action', label: 'Action', format: (_, row) => String(pick(row, 'action', 'event') ?? '').replaceAll('_', ' ') },
      { key: 'target', label: 'Object', format: (_, row) => {
        const target = pick(row, 'target', 'object');
        return target && typeof target === 'object' ? JSON.stringify(target) : target ?? '';
      } },
      { key: 'detail', label: 'Details', format: (_, row) => {
        const detail = pick(row, 'detail', 'details');
        const extra = Object.fromEntries(Object.entries(row).filter(([k]) => !known.has(k)));
        const parts = [];
        if (detail !== undefined) parts.push(typeof detail === 'object' ? JSON.stringify(detail) : String(detail));
        if (Object.keys(extra).length) parts.push(JSON.stringify(extra));
        return parts.join(' ');
      } },
    ], entries, { emptyText: 'No changes recorded yet.' }));
}

// Backup: the latest nightly backup as a file the admin keeps somewhere safe, off the station.
export async function renderBackup(root, { announce }) {
  const area = messageArea();
  const button = h('button', { type: 'button', class: 'primary', 'data-download-backup': true, onclick: async () => {
    button.disabled = true;
    try {
      const blob = await api.latestBackup();
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: 'station-latest.backup' });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      showMessage(area, `Downloaded the latest backup (${formatBytes(blob.size)}). Keep it where only admins can read it.`, 'ok');
      announce('Backup downloaded.');
    } catch (error) {
      showMessage(area, error.code === 'no_backup'
        ? 'No nightly backup has been made yet. The station makes one each night at 02:30 once station-server-backup.timer is enabled.'
        : error.message, 'error');
    } finally {
      button.disabled = false;
    }
  } }, 'Download the latest nightly backup');
  clear(root).append(h('h2', {}, 'Backup'),
    h('p', {}, 'The station backs itself up each night and keeps the last 14. A backup holds the counts, content, kiosks, coordinator tokens, admin accounts and the station\'s TLS key, so kiosks trust a restored station at once.'),
    h('p', { class: 'hint' }, 'It holds password and token hashes and the TLS key: store it encrypted or offline. To restore, stop the station and run station-server restore (see the station\'s README).'),
    area, button);
}

// Accounts: the signed-in admin's own password, the station's admins, signing out everywhere.
export async function renderAccounts(root, { announce, onSignedOutEverywhere }) {
  clear(root).append(h('h2', {}, 'Accounts'), h('p', { class: 'loading' }, 'Loading…'));
  const admins = listFrom(await api.listAdmins(), 'admins');
  const area = messageArea();

  const field = (id, label, attributes = {}) => {
    const input = h('input', { id, autocomplete: 'off', required: true, ...attributes });
    return [input, h('div', { class: 'field' }, h('label', { for: id }, label), input)];
  };
  const [current, currentField] = field('password-current', 'Current password', { type: 'password', autocomplete: 'current-password' });
  const [next, nextField] = field('password-new', 'New password (12 characters or more)', { type: 'password', autocomplete: 'new-password', minlength: 12 });
  const passwordForm = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    if (next.value.length < 12) { showMessage(area, 'The new password needs at least 12 characters.', 'error'); next.focus(); return; }
    try {
      await api.changePassword(current.value, next.value);
      current.value = '';
      next.value = '';
      showMessage(area, 'Password changed. Every other session of yours has ended.', 'ok');
      announce('Password changed.');
    } catch (error) {
      showMessage(area, `Could not change the password: ${error.message}`, 'error');
    }
  } }, h('h3', {}, 'Change your password'), currentField, nextField,
  h('button', { type: 'submit', class: 'primary' }, 'Change password'));

  const [newName, newNameField] = field('admin-name', 'User name', { type: 'text', maxlength: 64, autocapitalize: 'none', spellcheck: 'false' });
  const [newPassword, newPasswordField] = field('admin-password', 'Their first password (12 characters or more)', { type: 'password', autocomplete: 'new-password', minlength: 12 });
  const addForm = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    try {
      await api.addAdmin(newName.value.trim(), newPassword.value);
      announce(`Added admin ${newName.value.trim()}.`);
      await renderAccounts(root, { announce, onSignedOutEverywhere });
      showMessage(root.querySelector('.message-area'), `Added the admin "${newName.value.trim()}". Give them the password over a safe channel; they should change it.`, 'ok');
    } catch (error) {
      showMessage(area, `Could not add the admin: ${error.message}`, 'error');
    }
  } }, h('h3', {}, 'Add an admin'), newNameField, newPasswordField,
  h('button', { type: 'submit' }, 'Add admin'));

  const remove = async (row) => {
    if (!window.confirm(`Remove the admin "${row.username}"? Their sessions end at once.`)) return;
    try {
      await api.removeAdmin(row.username);
      announce(`Removed admin ${row.username}.`);
      await renderAccounts(root, { announce, onSignedOutEverywhere });
      showMessage(root.querySelector('.message-area'), `Removed the admin "${row.username}".`, 'ok');
    } catch (error) {
      showMessage(area, `Could not remove: ${error.message}`, 'error');
    }
  };

  const everywhere = h('button', { type: 'button', class: 'danger', id: 'signout-everywhere', onclick: async () => {
    if (!window.confirm('Sign out everywhere? Every session of yours ends, this one too.')) return;
    try {
      await api.signOutEverywhere();
    } finally {
      onSignedOutEverywhere();
    }
  } }, 'Sign out everywhere');

  clear(root).append(h('h2', {}, 'Accounts'), area, passwordForm,
    h('div', { class: 'card' }, h('h3', {}, 'Sessions'),
      h('p', { class: 'hint' }, 'Lost a laptop, or signed in somewhere you should not have? End every session of yours.'),
      everywhere),
    addForm,
    table('Admins of this station', [
      { key: 'username', label: 'User name' },
      { key: 'action', label: 'Action', format: (_, row) => h('button', { type: 'button', class: 'danger',
        'data-remove-admin': row.username, 'aria-label': `Remove admin ${row.username}`,
        disabled: admins.length <= 1 ? true : undefined, onclick: () => remove(row) }, 'Remove') },
    ], admins, { emptyText: 'No admins.' }),
    h('p', { class: 'hint' }, 'The last admin cannot be removed: add another first.'));
}

// ---- kiosk health: the landing dashboard ---------------------------------------------

const HEALTH_WORDS = {
  ok: 'OK',
  late: 'Late',
  silent: 'Silent',
  waiting_for_enrollment: 'Waiting for enrollment',
  revoked: 'Revoked',
};
// A shape with each word, so the state never rests on colour alone.
const HEALTH_MARKS = { ok: '●', late: '▲', silent: '■', waiting_for_enrollment: '○', revoked: '–' };

// "3 min ago", "2 h ago", "3 days ago", or "in 5 h", between two instants of the station's clock.
export function relativeTime(at, now) {
  const then = Date.parse(at);
  const reference = Date.parse(now);
  if (!Number.isFinite(then) || !Number.isFinite(reference)) return 'never';
  const seconds = Math.round((reference - then) / 1000);
  const size = Math.abs(seconds);
  const words = size < 60 ? 'under a minute'
    : size < 3600 ? `${Math.floor(size / 60)} min`
      : size < 2 * 86400 ? `${Math.floor(size / 3600)} h`
        : `${Math.floor(size / 86400)} days`;
  if (size < 60) return seconds >= 0 ? 'just now' : 'in under a minute';
  return seconds >= 0 ? `${words} ago` : `in ${words}`;
}

// What needs an admin's eye: kiosks late or silent, and a storage problem.
export function healthTroubles(body) {
  const kiosks = listFrom(body, 'kiosks');
  const late = kiosks.filter((k) => k.health === 'late').length;
  const silent = kiosks.filter((k) => k.health === 'silent').length;
  const troubles = [];
  if (silent) troubles.push(`${silent} kiosk${silent === 1 ? '' : 's'} silent`);
  if (late) troubles.push(`${late} kiosk${late === 1 ? '' : 's'} late`);
  if (body && body.storage && body.storage.ok === false) troubles.push('storage failing');
  return troubles;
}

export async function renderStatus(root) {
  clear(root).append(h('h2', {}, 'Station status'), h('p', { class: 'loading' }, 'Loading…'));
  const body = await api.listKiosks();
  const kiosks = listFrom(body, 'kiosks');
  const now = body.station_time;
  const live = body.live_content_version;
  const interval = Number(body.contact_interval_seconds) || 3600;
  const counts = {};
  for (const kiosk of kiosks) counts[kiosk.health] = (counts[kiosk.health] || 0) + 1;
  const storage = body.storage || {};
  const troubles = healthTroubles(body);
  const card = (id, title, ...content) => h('section', { class: 'status-card', id, 'aria-labelledby': `${id}-h` }, h('h3', { id: `${id}-h` }, title), ...content);
  clear(root).append(
    h('h2', {}, 'Station status'),
    h('p', { class: troubles.length ? 'message message-error' : 'message message-ok', id: 'status-summary', role: 'status' },
      troubles.length ? `Needs attention: ${troubles.join(', ')}.` : 'Everything is working.'),
    h('div', { class: 'status-cards' },
      card('status-kiosks', 'Kiosks',
        h('p', { class: 'health-counts' }, ['ok', 'late', 'silent', 'waiting_for_enrollment'].map((state) => h('span', { class: `health health-${state}` },
          `${HEALTH_MARKS[state]} ${counts[state] || 0} ${HEALTH_WORDS[state].toLowerCase()} `))),
        h('p', { class: 'hint' }, `Kiosks call every ${Math.round(interval / 60)} min whether or not anyone used them: late after ${Math.round((2 * interval) / 60)} min without a call, silent after 24 h.`)),
      card('status-content', 'Content', h('p', {}, live ? `Live version: ${live}.` : 'Nothing published yet.')),
      card('status-storage', 'Storage',
        h('p', {}, storage.ok === false ? `Failing: ${storage.problem || 'the disk takes no writes'}.` : 'OK: the database takes writes.'),
        typeof storage.free_bytes === 'number' ? h('p', { class: 'hint' }, `${formatBytes(storage.free_bytes)} free.`) : null)),
    table('Kiosks, worst first', [
      { key: 'name', label: 'Kiosk' },
      { key: 'health', label: 'State', format: (v) => h('span', { class: `health health-${v}`, 'data-health': v }, `${HEALTH_MARKS[v] || ''} ${HEALTH_WORDS[v] || v}`) },
      { key: 'last_contact', label: 'Last call', format: (v, row) => (row.enrolled === false ? 'not yet'
        : v ? h('time', { datetime: v, title: formatTime(v) }, relativeTime(v, now)) : 'never') },
      { key: 'content_version', label: 'Content', format: (v, row) => {
        if (row.enrolled === false || row.revoked) return '';
        if (!v) return 'not reported yet';
        return String(v) === String(live) ? `runs live version ${v}` : `runs version ${v}, live is ${live}`;
      } },
      { key: 'enrollment_code_expires_at', label: 'Enrollment code', format: (v, row) => {
        if (row.enrolled !== false || row.revoked || !v) return '';
        return Date.parse(v) > Date.parse(now) ? `expires ${relativeTime(v, now)}` : `expired ${relativeTime(v, now)}: add the kiosk again`;
      } },
    ], [...kiosks].sort((a, b) => healthRank(a.health) - healthRank(b.health)), { emptyText: 'No kiosks yet: add one under Kiosks.' }));
}

function healthRank(health) {
  return ['silent', 'late', 'waiting_for_enrollment', 'ok', 'revoked'].indexOf(health);
}
