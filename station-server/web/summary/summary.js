// The coordinator summary page: asks the station for suppressed counts and shows them as
// charts and a table. Hidden cells stay hidden: shown as "hidden", never as zero. The
// CSV download is generated from exactly the rows the page shows.

import { h, clear } from '../admin/js/dom.js';
import { barChart, cellText, seriesStyle, HIDDEN_WHY, PERIOD_NOTES, REPORTING_UNKNOWN_WHY } from './charts.js';
import { expectedPeriods, localWeekOf, monthOf, parseWeek, plusWeeks, weekDates, weekOf, weeksBetween, yearOf } from './weeks.js';

const TOKEN_KEY = 'wellness.summary.token';
const ADMIN_TOKEN_KEY = 'wellness.admin.token';
const ADMIN_EXPIRES_KEY = 'wellness.admin.deadline_ms';

const METRIC_NAMES = {
  visit: 'Visits',
  'breathing.started': 'Breathing exercise started',
  'breathing.completed': 'Breathing exercise completed',
  'checkin.level': 'Check-in level',
  'checkin.topic': 'Check-in topic',
  'handoff.shown': 'Provider shown (QR, or a peer-support card)',
  'crisis.viewed': 'Crisis lines viewed',
  'rating.before': 'Stress rating before an exercise',
  'rating.after': 'Stress rating after an exercise',
  'card.viewed': 'Topic card opened',
};
// The stress continuum, in its own order (never alphabetical), each level a distinct
// colour-blind-safe colour running from calm to alarm.
const LEVEL_ORDER = ['healthy', 'reacting', 'injured', 'ill'];
const LEVEL_COLOURS = { healthy: '#009E73', reacting: '#E69F00', injured: '#D55E00', ill: '#7a1b4f' };

const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token');
const tokenState = document.getElementById('token-state');
const queryForm = document.getElementById('query-form');
const queryMessage = document.getElementById('query-message');
const results = document.getElementById('results');
const resultsMeta = document.getElementById('results-meta');
const chartsEl = document.getElementById('charts');
const tableEl = document.getElementById('table');
const pivotEl = document.getElementById('pivot');
const announcer = document.getElementById('announcer');

let shown = null; // the summary on the page: {from, to, period, k, rows}

function announce(text) {
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = text; }, 30);
}

// ---- weeks ----------------------------------------------------------------------------

// The station's clock decides which weeks are over (a laptop's may be off); until the station
// has said its time, this browser's calendar stands in.
let stationTime = null;
let stationKnown = Promise.resolve();

function stationWeek() {
  return stationTime ? weekOf(stationTime) : localWeekOf(new Date());
}

function lastEndedWeek() {
  return plusWeeks(stationWeek(), -1);
}

function defaultWeeks() {
  const to = lastEndedWeek();
  return { from: plusWeeks(to, -11), to };
}

// The picker: the weeks of the last two years and the next one, each with its dates, so a week
// can be chosen without knowing its number and is always written 2026-W47.
function fillWeekPicker() {
  const list = document.getElementById('week-options');
  const thisWeek = stationWeek();
  for (let back = 104; back >= -1; back -= 1) {
    const week = plusWeeks(thisWeek, -back);
    list.append(h('option', { value: week, label: weekDates(week) }));
  }
}

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
  if (parseWeek(queryForm.elements.from.value)) load();
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
  const from = parseWeek(queryForm.elements.from.value);
  const to = parseWeek(queryForm.elements.to.value);
  const period = queryForm.elements.period.value;
  if (!from) return showQueryError('Enter the first week like 2026-W40 (a week the year has).', queryForm.elements.from);
  if (!to) return showQueryError('Enter the last week like 2026-W47 (a week the year has).', queryForm.elements.to);
  queryForm.elements.from.value = from;
  queryForm.elements.to.value = to;
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
    results.hidden = true;
    if (!sessionStorage.getItem(TOKEN_KEY) && sessionStorage.getItem(ADMIN_TOKEN_KEY)) {
      // The admin console's session ended: sign in there again and come back to this range.
      sessionStorage.removeItem(ADMIN_TOKEN_KEY);
      sessionStorage.removeItem(ADMIN_EXPIRES_KEY);
      const back = `/summary/?${new URLSearchParams({ from, to, period })}`;
      clear(tokenState).append('Your admin session has ended. ',
        h('a', { href: `/admin/?${new URLSearchParams({ return: back })}`, id: 'sign-in-again' }, 'Sign in again'),
        ' to come back to this summary, or enter a coordinator token.');
      document.getElementById('sign-in-again').focus();
      return undefined;
    }
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
    tokenState.textContent = 'That token is not valid (or was revoked). Enter a current one.';
    tokenInput.focus();
    return undefined;
  }
  if (response.status === 403) return showQueryError('This token may not read summaries.', tokenInput);
  if (!response.ok || !body) {
    const message = body && body.error ? body.error.message : `The station answered ${response.status}.`;
    return showQueryError(`No summary: ${message}`);
  }
  await stationKnown;
  shown = {
    from: body.from || from,
    to: body.to || to,
    period: body.period || period,
    k: Number(body.k) || 5,
    rows: Array.isArray(body.rows) ? body.rows : Array.isArray(body.cells) ? body.cells : [],
    unreachable: Array.isArray(body.unreachable) ? body.unreachable : [],
    publishedThrough: typeof body.published_through === 'string' ? body.published_through : null,
    reporting: Array.isArray(body.kiosks_reporting) ? body.kiosks_reporting : null,
  };
  // The range stays in the address, so a reload or a shared link shows the same summary.
  history.replaceState(null, '', `?${new URLSearchParams({ from: shown.from, to: shown.to, period: shown.period })}`);
  render();
  results.hidden = false;
  results.focus({ preventScroll: true });
  results.scrollIntoView({ block: 'start' });
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

function keyOrder(metric, keys) {
  // Rating buckets are numbers: 0, 1, 2 ... 10, not 0, 1, 10, 2.
  if (metric === 'rating.before' || metric === 'rating.after') return [...keys].sort((a, b) => Number(a) - Number(b));
  if (metric !== 'checkin.level') return keys;
  const rank = (key) => (LEVEL_ORDER.includes(key) ? LEVEL_ORDER.indexOf(key) : LEVEL_ORDER.length);
  return [...keys].sort((a, b) => rank(a) - rank(b));
}

function periodLabel(period) {
  if (period.label !== 'total') return period.label;
  return period.through ? `total (through ${period.through})` : 'total';
}

// The kiosk-weeks released and enrolled over the published weeks of a period, as core's
// reporting_of sums them; null when the station gave no figures for one of its weeks.
export function reportingOf(summary, label) {
  if (!summary.reporting || !summary.publishedThrough) return null;
  const byWeek = new Map(summary.reporting.map((entry) => [entry.week, entry]));
  const last = summary.publishedThrough < summary.to ? summary.publishedThrough : summary.to;
  let released = 0;
  let enrolled = 0;
  let weeks = 0;
  for (const week of weeksBetween(summary.from, last)) {
    if (label !== 'total' && label !== week && monthOf(week) !== label && yearOf(week) !== label) continue;
    const entry = byWeek.get(week);
    if (!entry) return null;
    released += Number(entry.released) || 0;
    enrolled += Number(entry.enrolled) || 0;
    weeks += 1;
  }
  return weeks ? { released, enrolled } : null;
}

// A published period whose counts may be low, so that a quiet-looking period is never read as a
// quiet room: "2 of 3 kiosks reported" for a week ("11 of 12 kiosk-weeks" for longer periods)
// where not every kiosk released it, "kiosks reporting: unknown" where the station has no
// figures for (a week of) it. Null where every kiosk reported.
function reportingMark(label, figures) {
  if (!figures) return { kind: 'unknown', text: 'kiosks reporting: unknown', label: 'unknown' };
  if (figures.released >= figures.enrolled) return null;
  const unit = /^\d{4}-W\d{2}$/.test(label) ? 'kiosks' : 'kiosk-weeks';
  return { kind: 'short', text: `${figures.released} of ${figures.enrolled} ${unit} reported`, label: `${figures.released} of ${figures.enrolled}` };
}

// The pivot table's column header class of a marked period.
const REPORTING_CLASSES = { short: 'incomplete', unknown: 'reporting-unknown' };

function render() {
  const { rows, k } = shown;
  const expected = expectedPeriods({ from: shown.from, to: shown.to, period: shown.period,
    publishedThrough: shown.publishedThrough, currentWeek: stationWeek() });
  // Anything the station answered is shown even if this browser's calendar disagrees.
  for (const label of periodsOf(rows)) {
    if (!expected.some((p) => p.label === label)) expected.push({ label, state: 'published' });
  }
  for (const p of expected) if (periodsOf(rows).includes(p.label)) p.state = 'published';
  const periods = expected.map((p) => p.label);
  const notes = expected.map((p) => (p.state === 'published' ? null : p.state));
  const reporting = expected.map((p) => (p.state === 'published' ? reportingMark(p.label, reportingOf(shown, p.label)) : null));
  const short = reporting.filter((mark) => mark && mark.kind === 'short').length;
  const unknown = reporting.filter((mark) => mark && mark.kind === 'unknown').length;
  const find = lookup(rows);
  const periodWord = { week: 'by week', month: 'by month', year: 'by year', total: 'for the whole period' }[shown.period] || '';
  const hiddenCount = rows.filter((r) => r.suppressed).length;
  const waiting = expected.filter((p) => p.state !== 'published');
  resultsMeta.textContent = `Weeks ${shown.from} to ${shown.to}, ${periodWord}. k = ${k}: ${hiddenCount} of ${rows.length} counts are hidden.`
    + (shown.publishedThrough ? ` Published through ${shown.publishedThrough}.` : ' Nothing is published yet.')
    + (waiting.length ? ` ${waiting.length} period(s) have nothing published yet and are marked, not drawn as 0.` : '')
    + (short ? ` ${short} period(s) were not reported by every kiosk (a kiosk was off or cut off, not a quiet room): they are marked and may undercount.` : '')
    + (unknown ? ` For ${unknown} period(s) it is not known how many kiosks reported (sealed before the station recorded it): they are marked "kiosks reporting: unknown" and may undercount.` : '')
    + (shown.unreachable.length ? ` Not included (did not answer): ${shown.unreachable.join(', ')}.` : '');
  document.getElementById('hidden-why').textContent = hiddenCount ? `Hidden counts read ${HIDDEN_WHY(k)}` : '';

  clear(chartsEl);
  const wide = periods.length > 6;
  const overTime = (title, metric, colours, description) => {
    const keys = keyOrder(metric, keysOf(rows, metric));
    return barChart({
      title, description, k, wide, groups: periods, notes, reporting,
      series: keys.map((key, i) => ({ name: key, ...(colours ? { color: colours(key, i), pattern: 'solid' } : seriesStyle(i)) })),
      value: (g, s) => find(periods[g], metric, keys[s]),
    });
  };

  chartsEl.append(overTime('Visits', 'visit', (key, i) => seriesStyle(i).color, 'Visits past the start screen per period.'));

  // Breathing: one small chart per exercise, started next to completed.
  const exercises = [...new Set([...keysOf(rows, 'breathing.started'), ...keysOf(rows, 'breathing.completed')])];
  const breathing = h('div', { class: 'chart wide' }, h('h3', {}, 'Breathing exercises: started and completed'));
  if (!exercises.length) breathing.append(h('p', { class: 'empty-chart' }, 'No counts for this period.'));
  const multiples = h('div', { class: 'small-multiples' });
  for (const exercise of exercises) {
    multiples.append(barChart({
      title: exercise, k, notes, reporting, description: `Exercise ${exercise}: sessions started and completed per period.`,
      groups: periods,
      series: [{ name: 'started', ...seriesStyle(0) }, { name: 'completed', ...seriesStyle(2) }],
      value: (g, s) => find(periods[g], s === 0 ? 'breathing.started' : 'breathing.completed', exercise),
    }));
  }
  breathing.append(multiples);
  chartsEl.append(breathing);

  chartsEl.append(overTime('Check-in levels', 'checkin.level',
    (key, i) => LEVEL_COLOURS[key] || seriesStyle(i).color, 'How people checked in, per level (healthy to ill) and period.'));
  chartsEl.append(overTime('Check-in topics', 'checkin.topic', null, 'Topics chosen, each counted on its own.'));
  chartsEl.append(overTime('Providers shown (handoffs)', 'handoff.shown', null, 'How often each provider\'s booking QR code was shown.'));
  chartsEl.append(overTime('Crisis lines viewed', 'crisis.viewed', (key, i) => seriesStyle(i + 1).color, 'How often the crisis lines were shown.'));

  // The stress rating: the before and the after distributions of each period side by side. They
  // are two separate histograms (the kiosk never pairs one person's two ratings), so the chart
  // compares the shapes of the two, never anyone's change.
  const ratingKeys = keyOrder('rating.before', [...new Set([...keysOf(rows, 'rating.before'), ...keysOf(rows, 'rating.after')])]);
  if (ratingKeys.length) {
    const rating = h('div', { class: 'chart wide', 'data-chart': 'rating' },
      h('h3', {}, 'Stress rating before and after an exercise'),
      h('p', { class: 'chart-note' }, 'Two separate counts per period: how people rated their stress before an exercise, and how people rated it after one (0 calm to 10 most stressed, or the faces 1 to 5). The kiosk never keeps one person\'s two ratings together, so these are the two distributions, not anyone\'s change.'));
    const perPeriod = h('div', { class: 'small-multiples rating-multiples' });
    periods.forEach((period, p) => {
      perPeriod.append(barChart({
        title: reporting[p] ? `${periodLabel(expected[p])} (${reporting[p].text})` : periodLabel(expected[p]),
        k, compact: true, notes: ratingKeys.map(() => notes[p]), groups: ratingKeys,
        description: `Stress ratings in ${period}: how many rated each step before an exercise and after one.`,
        series: [{ name: 'before', ...seriesStyle(1) }, { name: 'after', ...seriesStyle(0) }],
        value: (g, s) => find(period, s === 0 ? 'rating.before' : 'rating.after', ratingKeys[g]),
      }));
    });
    rating.append(perPeriod);
    chartsEl.append(rating);
  }

  clear(pivotEl);
  clear(tableEl);
  // Metric × period: every count at a glance, unpublished periods named, not blank or 0. With
  // nothing published at all, one line still says why for each period.
  const lines = [];
  for (const metric of Object.keys(METRIC_NAMES)) {
    for (const key of keyOrder(metric, keysOf(rows, metric))) lines.push({ metric, key });
  }
  if (!lines.length) lines.push({ metric: 'all', key: '' });
  pivotEl.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Counts by period' },
    h('table', { id: 'pivot-table' },
      h('caption', {}, 'Counts by period (rows: what was counted, columns: periods)'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col' }, 'Key'),
        expected.map((p, i) => h('th', { scope: 'col', 'data-period': p.label, class: reporting[i] ? REPORTING_CLASSES[reporting[i].kind] : null },
          periodLabel(p), reporting[i] ? h('span', { class: 'reporting-note', 'data-reporting': p.label, title: reporting[i].kind === 'unknown' ? REPORTING_UNKNOWN_WHY : null }, ` (${reporting[i].text})`) : null)))),
      h('tbody', {}, lines.map((line) => h('tr', { 'data-metric': line.metric, 'data-key': line.key },
        h('th', { scope: 'row' }, METRIC_NAMES[line.metric] || 'All counts'),
        h('td', {}, line.key),
        expected.map((p) => {
          if (p.state !== 'published') return h('td', { class: 'count waiting', 'data-period': p.label }, PERIOD_NOTES[p.state]);
          const cell = find(p.label, line.metric, line.key);
          return h('td', { class: cell && cell.suppressed ? 'count suppressed' : 'count', 'data-period': p.label }, cellText(cell, k));
        })))))));
  if (!rows.length) {
    tableEl.append(h('p', { class: 'hint' }, waiting.length ? 'Nothing is published for these periods yet.' : 'No counts in this period.'));
    return;
  }

  tableEl.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Summary table' },
    h('table', { id: 'summary-table' },
      h('caption', {}, `Every count on this page, one per line, as in the CSV (hidden counts read "hidden")`),
      h('thead', {}, h('tr', {}, ['Period', 'What', 'Key', 'Count', 'Kiosks reported'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map((row) => h('tr', { 'data-metric': row.metric, 'data-key': row.key, 'data-period': row.period },
        h('td', {}, row.period),
        h('td', {}, METRIC_NAMES[row.metric] || row.metric),
        h('td', {}, row.key),
        h('td', { class: row.suppressed ? 'count suppressed' : 'count' }, cellText(row, k)),
        reportedCell(row.period)))))));
}

// The table's "Kiosks reported" cell of a period: "2 of 3", or "unknown", marked as the header.
function reportedCell(period) {
  const figures = reportingOf(shown, period);
  const mark = reportingMark(period, figures);
  return h('td', { class: ['reporting', mark && mark.kind === 'short' && 'incomplete', mark && mark.kind === 'unknown' && 'unknown'] }, reportedText(figures));
}

// As the station's CSV writes it (core's summary_to_csv): "2 of 3", or "unknown" where the
// station gave no figures, never blank.
function reportedText(figures) {
  return figures ? `${figures.released} of ${figures.enrolled}` : 'unknown';
}

// ---- CSV ------------------------------------------------------------------------------

function csvField(value) {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function summaryCsv(summary) {
  const lines = ['period,metric,key,n,suppressed,at_least,kiosks_reported'];
  for (const row of summary.rows) {
    lines.push([row.period, row.metric, row.key, row.suppressed ? '' : row.n, row.suppressed ? 'true' : 'false',
      row.suppressed && typeof row.at_least === 'number' ? row.at_least : '', reportedText(reportingOf(summary, row.period))].map(csvField).join(','));
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

// ---- quick ranges ---------------------------------------------------------------------

// The last N weeks up to the last week the station has published (once an answer said which),
// else up to the last week that has ended.
for (const button of document.querySelectorAll('[data-quick-weeks]')) {
  button.addEventListener('click', () => {
    const weeks = Number(button.dataset.quickWeeks);
    const to = (shown && shown.publishedThrough) || lastEndedWeek();
    queryForm.elements.from.value = plusWeeks(to, -(weeks - 1));
    queryForm.elements.to.value = to;
    if (shown && shown.period === 'total') queryForm.elements.period.value = 'week';
    load();
  });
}

// ---- the station: its name and its rules ---------------------------------------------

async function showStation() {
  let identity;
  try {
    const response = await fetch('/api/v1/station', { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    if (!response.ok) return;
    identity = await response.json();
  } catch {
    return;
  }
  const time = Date.parse(identity.time);
  if (Number.isFinite(time)) stationTime = time;
  if (typeof identity.name === 'string' && identity.name) {
    document.getElementById('station-name').textContent = identity.name;
    document.title = `Usage summary · ${identity.name}`;
  }
  if (Number.isInteger(identity.k) && Number.isInteger(identity.seal_after_days)) {
    const k = identity.k;
    document.getElementById('rules').textContent =
      `This station counts visits by week only, never per person. A week is published once it has been over for ${identity.seal_after_days} days (it is then sealed and never changes); until then it is shown as "not sealed yet", not as 0. `
      + `A week's count from 1 to ${k - 1} is shown as "hidden" (k = ${k}), and so is every month, year or total that includes such a week, so no hidden count can be worked out from the others; a hidden count may be any size. `
      + 'Months and years are shown only whole: one the range cuts is shown as "partial".';
  }
}

// ---- start ----------------------------------------------------------------------------

function start() {
  // The picker waits for the station's clock; the fields are filled at once so nothing typed
  // meanwhile is overwritten.
  stationKnown = showStation().then(fillWeekPicker);
  const fromAddress = new URLSearchParams(location.search);
  const weeks = defaultWeeks();
  queryForm.elements.from.value = parseWeek(fromAddress.get('from') || '') || weeks.from;
  queryForm.elements.to.value = parseWeek(fromAddress.get('to') || '') || weeks.to;
  if (['week', 'month', 'year', 'total'].includes(fromAddress.get('period'))) queryForm.elements.period.value = fromAddress.get('period');
  showTokenState();
  if (currentToken()) load();
}

start();
