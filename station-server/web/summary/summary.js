// The coordinator summary page: asks the station for suppressed counts and shows them as
// charts and a table. Hidden cells stay hidden: shown as "hidden", never as zero. The
// CSV download is generated from exactly the rows the page shows.

import { h, clear } from '../admin/js/dom.js';
import { barChart, cellText, PALETTE } from './charts.js';

const TOKEN_KEY = 'wellness.summary.token';
const ADMIN_TOKEN_KEY = 'wellness.admin.token';

const METRIC_NAMES = {
  visit: 'Visits',
  'breathing.started': 'Breathing exercise started',
  'breathing.completed': 'Breathing exercise completed',
  'checkin.level': 'Check-in level',
  'checkin.topic': 'Check-in topic',
  'handoff.shown': 'Provider shown (QR)',
  'crisis.viewed': 'Crisis lines viewed',
};
const LEVEL_COLOURS = { healthy: '#2e7d32', reacting: '#b38f00', injured: '#d35400', ill: '#b71c1c' };

const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token');
const tokenState = document.getElementById('token-state');
const queryForm = document.getElementById('query-form');
const queryMessage = document.getElementById('query-message');
const results = document.getElementById('results');
const resultsMeta = document.getElementById('results-meta');
const chartsEl = document.getElementById('charts');
const tableEl = document.getElementById('table');
const announcer = document.getElementById('announcer');

let shown = null; // the summary on the page: {from, to, period, k, rows}

function announce(text) {
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = text; }, 30);
}

// ---- ISO weeks ------------------------------------------------------------------------

function isoWeekOf(date) {
  const d = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day); // the Thursday of this week decides its year
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d - yearStart) / 86400000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

function defaultWeeks(now = new Date()) {
  const lastWeek = new Date(now);
  lastWeek.setDate(lastWeek.getDate() - 7);
  const earlier = new Date(lastWeek);
  earlier.setDate(earlier.getDate() - 7 * 11);
  return { from: isoWeekOf(earlier), to: isoWeekOf(lastWeek) };
}

const WEEK_PATTERN = /^\d{4}-W\d{2}$/;

// ---- token ----------------------------------------------------------------------------

function currentToken() {
  return sessionStorage.getItem(TOKEN_KEY) || sessionStorage.getItem(ADMIN_TOKEN_KEY);
}

function showTokenState() {
  if (sessionStorage.getItem(TOKEN_KEY)) tokenState.textContent = 'A token is set for this tab.';
  else if (sessionStorage.getItem(ADMIN_TOKEN_KEY)) tokenState.textContent = 'Using your admin console session.';
  else tokenState.textContent = 'Enter the token you were given to see the summary.';
}

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (!token) {
    tokenState.textContent = 'Enter a token first.';
    tokenInput.focus();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  tokenInput.value = '';
  showTokenState();
  announce('Token saved for this tab.');
  if (WEEK_PATTERN.test(queryForm.elements.from.value)) load();
});

document.getElementById('token-forget').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  tokenInput.value = '';
  showTokenState();
  results.hidden = true;
  shown = null;
  announce('Token forgotten.');
});

// ---- loading --------------------------------------------------------------------------

function showQueryError(text, focus) {
  queryMessage.textContent = text;
  queryMessage.hidden = false;
  if (focus) focus.focus();
}

async function load() {
  queryMessage.hidden = true;
  const from = queryForm.elements.from.value.trim();
  const to = queryForm.elements.to.value.trim();
  const period = queryForm.elements.period.value;
  if (!WEEK_PATTERN.test(from)) return showQueryError('Enter the first week like 2026-W40.', queryForm.elements.from);
  if (!WEEK_PATTERN.test(to)) return showQueryError('Enter the last week like 2026-W47.', queryForm.elements.to);
  if (from > to) return showQueryError('The first week must not be after the last week.', queryForm.elements.from);
  const token = currentToken();
  if (!token) {
    tokenState.textContent = 'Enter a token first.';
    tokenInput.focus();
    return undefined;
  }
  const query = new URLSearchParams({ from, to, period, format: 'json' });
  let response;
  try {
    response = await fetch(`/api/v1/summary?${query}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      cache: 'no-store', credentials: 'omit',
    });
  } catch {
    return showQueryError('The station could not be reached.');
  }
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
    tokenState.textContent = 'That token is not valid (or was revoked). Enter a current one.';
    results.hidden = true;
    tokenInput.focus();
    return undefined;
  }
  if (response.status === 403) return showQueryError('This token may not read summaries.', tokenInput);
  if (!response.ok || !body) {
    const message = body && body.error ? body.error.message : `The station answered ${response.status}.`;
    return showQueryError(`No summary: ${message}`);
  }
  shown = {
    from: body.from || from,
    to: body.to || to,
    period: body.period || period,
    k: Number(body.k) || 5,
    rows: Array.isArray(body.rows) ? body.rows : Array.isArray(body.cells) ? body.cells : [],
    unreachable: Array.isArray(body.unreachable) ? body.unreachable : [],
  };
  render();
  results.hidden = false;
  results.focus();
  announce(`Summary for ${shown.from} to ${shown.to} shown.`);
  return undefined;
}

queryForm.addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});

// ---- rendering ------------------------------------------------------------------------

function periodsOf(rows) {
  return [...new Set(rows.map((r) => r.period))];
}

function keysOf(rows, metric) {
  return [...new Set(rows.filter((r) => r.metric === metric).map((r) => r.key))];
}

function lookup(rows) {
  const map = new Map();
  for (const row of rows) map.set(`${row.period}\u0000${row.metric}\u0000${row.key}`, row);
  return (period, metric, key) => map.get(`${period}\u0000${metric}\u0000${key}`);
}

function render() {
  const { rows, k } = shown;
  const periods = periodsOf(rows);
  const find = lookup(rows);
  const periodWord = { week: 'by week', month: 'by month', year: 'by year', total: 'for the whole period' }[shown.period] || '';
  const hiddenCount = rows.filter((r) => r.suppressed).length;
  resultsMeta.textContent = `Weeks ${shown.from} to ${shown.to}, ${periodWord}. k = ${k}: ${hiddenCount} of ${rows.length} counts are hidden.`
    + (shown.unreachable.length ? ` Not included (did not answer): ${shown.unreachable.join(', ')}.` : '');

  clear(chartsEl);
  const overTime = (title, metric, keys, colours, description) => barChart({
    title, description, k, wide: periods.length > 6,
    groups: periods,
    series: keys.map((key, i) => ({ name: key, color: colours ? colours(key, i) : PALETTE[i % PALETTE.length] })),
    value: (g, s) => find(periods[g], metric, keys[s]),
  });

  chartsEl.append(overTime('Visits', 'visit', keysOf(rows, 'visit'), () => PALETTE[0], 'Visits past the start screen per period.'));

  // Breathing: one small chart per exercise, started next to completed.
  const exercises = [...new Set([...keysOf(rows, 'breathing.started'), ...keysOf(rows, 'breathing.completed')])];
  const breathing = h('div', { class: 'chart wide' }, h('h3', {}, 'Breathing exercises: started and completed'));
  if (!exercises.length) breathing.append(h('p', { class: 'empty-chart' }, 'No counts for this period.'));
  const multiples = h('div', { class: 'small-multiples' });
  for (const exercise of exercises) {
    multiples.append(barChart({
      title: exercise, k, description: `Exercise ${exercise}: sessions started and completed per period.`,
      groups: periods,
      series: [{ name: 'started', color: PALETTE[0] }, { name: 'completed', color: PALETTE[2] }],
      value: (g, s) => find(periods[g], s === 0 ? 'breathing.started' : 'breathing.completed', exercise),
    }));
  }
  breathing.append(multiples);
  chartsEl.append(breathing);

  chartsEl.append(overTime('Check-in levels', 'checkin.level', keysOf(rows, 'checkin.level'),
    (key, i) => LEVEL_COLOURS[key] || PALETTE[i % PALETTE.length], 'How people checked in, per level and period.'));
  chartsEl.append(overTime('Check-in topics', 'checkin.topic', keysOf(rows, 'checkin.topic'), null, 'Topics chosen, each counted on its own.'));
  chartsEl.append(overTime('Providers shown (handoffs)', 'handoff.shown', keysOf(rows, 'handoff.shown'), null, 'How often each provider\'s booking QR code was shown.'));
  chartsEl.append(overTime('Crisis lines viewed', 'crisis.viewed', keysOf(rows, 'crisis.viewed'), () => PALETTE[1], 'How often the crisis lines were shown.'));

  clear(tableEl);
  if (!rows.length) {
    tableEl.append(h('p', { class: 'hint' }, 'No counts in this period.'));
    return;
  }
  tableEl.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Summary table' },
    h('table', { id: 'summary-table' },
      h('caption', {}, `Every count on this page (hidden counts read "hidden")`),
      h('thead', {}, h('tr', {}, ['Period', 'What', 'Key', 'Count'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map((row) => h('tr', { 'data-metric': row.metric, 'data-key': row.key, 'data-period': row.period },
        h('td', {}, row.period),
        h('td', {}, METRIC_NAMES[row.metric] || row.metric),
        h('td', {}, row.key),
        h('td', { class: row.suppressed ? 'count suppressed' : 'count' }, cellText(row, k))))))));
}

// ---- CSV ------------------------------------------------------------------------------

function csvField(value) {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function summaryCsv(summary) {
  const lines = ['period,metric,key,n,suppressed,at_least'];
  for (const row of summary.rows) {
    lines.push([row.period, row.metric, row.key, row.suppressed ? '' : row.n, row.suppressed ? 'true' : 'false',
      row.suppressed && typeof row.at_least === 'number' ? row.at_least : ''].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

document.getElementById('download-csv').addEventListener('click', () => {
  if (!shown) return;
  const blob = new Blob([summaryCsv(shown)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: `summary-${shown.from}-${shown.to}-${shown.period}.csv`, class: 'visually-hidden' }, 'download');
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
});

// ---- start ----------------------------------------------------------------------------

const weeks = defaultWeeks();
queryForm.elements.from.value = weeks.from;
queryForm.elements.to.value = weeks.to;
showTokenState();
if (currentToken()) load();
