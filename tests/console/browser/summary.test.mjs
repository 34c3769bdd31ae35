// The coordinator summary page in headless chromium against a real station whose clock is
// moved so that the counted weeks have ended.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { call } from '../lib/station.mjs';
import { openBrowser, screenshot } from '../lib/browser.mjs';
import { SEALED_WEEKS, count, restartAsSchema7, showSummary, stationWithSealedWeeks } from '../lib/summary.mjs';

test('the summary page shows a count under k as "hidden", never as its value or zero, in the table, the charts and the CSV', { timeout: 90000 }, async () => {
  const counts = [];
  const weeks = SEALED_WEEKS;
  weeks.forEach((week, i) => {
    counts.push(count(week, 'visit', 'start', 20 + i * 3));
    counts.push(count(week, 'breathing.started', 'box', 9 + i));
    counts.push(count(week, 'breathing.completed', 'box', 7 + i));
    counts.push(count(week, 'checkin.level', 'healthy', 8 + i), count(week, 'checkin.level', 'reacting', 6));
    counts.push(count(week, 'checkin.topic', 'workload', 7), count(week, 'checkin.topic', 'family', 6));
    counts.push(count(week, 'handoff.shown', 'eap', 5 + i));
    counts.push(count(week, 'crisis.viewed', 'list', 5));
    counts.push(count(week, 'rating.before', '7', 6 + i), count(week, 'rating.before', '8', 5));
    counts.push(count(week, 'rating.after', '3', 5 + i), count(week, 'rating.after', '4', 6));
  });
  // One week with only two people asking about sleep: must never show as 2.
  counts.push(count('2026-W46', 'checkin.topic', 'sleep', 2));
  // And two people rating 9 after an exercise.
  counts.push(count('2026-W46', 'rating.after', '9', 2));
  const { station, coordinator } = await stationWithSealedWeeks({ kiosks: [{ name: 'wellness room', counts }] });
  const browser = await openBrowser({ width: 1100, height: 900 });
  try {
    const page = await browser.context.newPage();
    await showSummary(page, station, coordinator, { from: '2026-W44', to: '2026-W47' });
    assert.equal(await page.evaluate(() => document.cookie), '');

    const sleep = page.locator('#summary-table tr[data-metric="checkin.topic"][data-key="sleep"][data-period="2026-W46"]');
    assert.equal(await sleep.count(), 1);
    const cell = (await sleep.locator('td').nth(3).textContent()).trim();
    assert.equal(cell, 'hidden');
    assert.match(await page.locator('#results-meta').textContent(), /k = 5/);
    const hiddenBars = await page.locator('#charts rect[data-suppressed="true"]').count();
    assert.ok(hiddenBars >= 1, 'hidden counts are drawn as hatched bars');
    const labels = await page.locator('#charts text.suppressed-label').allTextContents();
    assert.ok(labels.includes('hidden'), 'hidden bars are labelled "hidden"');
    assert.ok(!(await page.locator('body').textContent()).includes('fewer than'), 'nothing says a hidden cell is small');
    // The stress rating: one chart per week with the before and after distributions side by
    // side over the rating's steps in their numeric order; the 2 is hidden there too.
    const ratingCharts = page.locator('#charts [data-chart="rating"] figure');
    assert.equal(await ratingCharts.count(), weeks.length);
    const w45 = ratingCharts.filter({ hasText: '2026-W45' });
    assert.deepEqual((await w45.locator('svg text.axis-label').allTextContents()).filter((t) => /^\d+$/.test(t)).slice(-11),
      ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'], 'the steps run 0 to 10 along the axis');
    const tips = await w45.locator('svg rect title').allTextContents();
    assert.ok(tips.includes('7 · before: 7') && tips.includes('3 · after: 6'), `before and after side by side: ${tips.join(', ')}`);
    const nineAfter = ratingCharts.filter({ hasText: '2026-W46' }).locator('rect[data-suppressed="true"]', { has: page.locator('title', { hasText: '9 · after' }) });
    assert.equal(await nineAfter.count(), 1, 'two ratings of 9 are a hidden bar, not 2');
    await page.locator('#charts [data-chart="rating"]').evaluate((el) => el.scrollIntoView());
    await screenshot(page, 'summary-rating');
    const visits = page.locator('#summary-table tr[data-metric="visit"][data-period="2026-W44"] td').nth(3);
    assert.equal((await visits.textContent()).trim(), '20');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'summary-page');
    await page.locator('#charts figure', { hasText: 'Check-in levels' }).evaluate((el) => el.scrollIntoView());
    await screenshot(page, 'summary-charts');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'period,metric,key,n,suppressed,at_least,kiosks_reported');
    assert.ok(lines.includes('2026-W46,checkin.topic,sleep,,true,,1 of 1'), 'the hidden cell is hidden in the CSV too');
    assert.ok(lines.includes('2026-W44,visit,start,20,false,,1 of 1'));
    const tableRows = await page.locator('#summary-table tbody tr').count();
    assert.equal(lines.length - 1, tableRows, 'the CSV holds exactly the rows on the page');
    // And it is what the station itself sends as CSV for the same query.
    const serverCsv = await call(station.baseUrl, 'GET', '/api/v1/summary?from=2026-W44&to=2026-W47&period=week&format=csv', { token: coordinator });
    assert.equal(csv, serverCsv.text);

    // A wrong token is refused and forgotten.
    await page.click('#token-forget');
    await page.fill('#token', 'not-a-real-token');
    await page.click('#token-save');
    await page.locator('#token-state', { hasText: 'not valid' }).waitFor();
    assert.ok(await page.locator('#results').isHidden());
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await station.stop();
  }
});

test('the summary page marks weeks not sealed yet and the open week instead of drawing 0, keeps the range in the address, and reads weeks as 2026-W47', { timeout: 120000 }, async () => {
  // W44..W47 are sealed on 23 December (28 days after they end); W48..W51 have ended but are
  // not sealed; W52 is the station's open week.
  const counts = [];
  for (const week of SEALED_WEEKS) {
    counts.push(count(week, 'visit', 'start', 40), count(week, 'checkin.level', 'ill', 9), count(week, 'checkin.level', 'healthy', 12));
    counts.push(count(week, 'crisis.viewed', 'list', 3)); // every week hidden
  }
  const { station, coordinator } = await stationWithSealedWeeks({ kiosks: [{ name: 'wellness room', counts }], stationName: 'North precinct' });
  const browser = await openBrowser({ width: 390, height: 844 });
  try {
    const page = await browser.context.newPage();
    await showSummary(page, station, coordinator, { from: '2026-W44', to: '2026-W52' });
    await page.locator('#station-name', { hasText: 'North precinct' }).waitFor();
    const rules = await page.locator('#rules').textContent();
    assert.match(rules, /over for 28 days/);
    assert.match(rules, /from 1 to 4 is shown as "hidden" \(k = 5\)/);
    assert.equal(await page.inputValue('#from'), '2026-W44', 'the range comes from the address');
    assert.equal(await page.inputValue('#to'), '2026-W52');

    const pivotCell = (metric, key, period) => page.locator(`#pivot-table tr[data-metric="${metric}"][data-key="${key}"] td[data-period="${period}"]`);
    assert.equal((await pivotCell('visit', 'start', '2026-W44').textContent()).trim(), '40');
    assert.equal((await pivotCell('visit', 'start', '2026-W49').textContent()).trim(), 'not sealed yet');
    assert.equal((await pivotCell('visit', 'start', '2026-W52').textContent()).trim(), 'open: not over yet');
    assert.equal((await pivotCell('crisis.viewed', 'list', '2026-W45').textContent()).trim(), 'hidden');
    const visitsChart = page.locator('#charts figure', { hasText: 'Visits' });
    assert.equal(await visitsChart.locator('rect[data-period-note="unsealed"]').count(), 4, 'W48..W51 are grey bands');
    assert.equal(await visitsChart.locator('rect[data-period-note="open"]').count(), 1);
    assert.equal(await visitsChart.locator('text.bar-label', { hasText: /^0$/ }).count(), 0, 'no period is drawn as 0 visits');
    assert.match(await page.locator('#hidden-why').textContent(), /may be any size/);

    // Levels in the continuum's order, every topic a look of its own.
    const levels = await page.locator('#charts figure', { hasText: 'Check-in levels' }).locator('.legend li').allTextContents();
    assert.deepEqual(levels.slice(0, 4), ['healthy', 'reacting', 'injured', 'ill']);
    const topics = page.locator('#charts figure', { hasText: 'Check-in topics' });
    const looks = await topics.locator('.legend li').evaluateAll((items) => items.slice(0, 10).map((li) => {
      const rect = li.querySelector('rect');
      const pattern = li.querySelector('pattern');
      return `${rect.getAttribute('stroke') || rect.getAttribute('fill')} ${pattern ? pattern.firstElementChild.nextElementSibling.tagName : 'solid'}`;
    }));
    assert.equal(looks.length, 10);
    assert.equal(new Set(looks).size, 10, `ten topics, ten looks: ${looks.join(', ')}`);

    // Every crisis cell is hidden: the axis still reaches k.
    const crisisAxis = await page.locator('#charts figure', { hasText: 'Crisis lines viewed' }).locator('text.axis-label').allTextContents();
    assert.ok(Math.max(...crisisAxis.map(Number).filter(Number.isFinite)) >= 5, `axis ${crisisAxis}`);

    // A wide chart scrolls at full size on a phone rather than shrinking its text.
    const size = await visitsChart.locator('svg[role=img]').evaluate((el) => ({ drawn: el.getBoundingClientRect().width, natural: Number(el.getAttribute('width')), box: el.parentElement.clientWidth }));
    assert.ok(size.natural > size.box, 'the chart is wider than the phone');
    assert.ok(Math.abs(size.drawn - size.natural) < 1, `drawn at ${size.drawn} of ${size.natural}`);
    await screenshot(page, 'summary-phone');

    // Weeks are typed as 2026-W47: forgiving about case, refusing a week the year lacks.
    await page.fill('#from', '2026w45');
    await page.fill('#to', '2026-W47');
    await page.click('#show');
    await page.waitForURL(/from=2026-W45&to=2026-W47/);
    assert.equal(await page.inputValue('#from'), '2026-W45');
    await page.fill('#to', '2025-W53');
    await page.click('#show');
    await page.locator('#query-message', { hasText: 'a week the year has' }).waitFor();
    assert.equal(await page.locator('#week-options option[value="2026-W47"]').count(), 1, 'the picker offers the week');

    // Quick range: the last 4 weeks the station has published.
    await page.click('[data-quick-weeks="4"]');
    await page.waitForURL(/from=2026-W44&to=2026-W47/);
    assert.equal(await page.locator('#pivot-table td.waiting').count(), 0);

    // Months: October whole is shown, November's last week is not sealed: named, not drawn.
    await page.fill('#from', '2026-W40');
    await page.selectOption('#period', 'month');
    await page.click('#show');
    await page.waitForURL(/from=2026-W40&to=2026-W47&period=month/);
    assert.equal((await pivotCell('visit', 'start', '2026-10').textContent()).trim(), '40');
    assert.equal((await pivotCell('visit', 'start', '2026-11').textContent()).trim(), 'not sealed yet');
    // From W41 October is cut by the range: nothing is published, and each month says why.
    await page.fill('#from', '2026-W41');
    await page.click('#show');
    await page.waitForURL(/from=2026-W41/);
    assert.equal((await pivotCell('all', '', '2026-10').textContent()).trim(), 'partial: cut by the range');
    assert.equal((await pivotCell('all', '', '2026-11').textContent()).trim(), 'not sealed yet');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await station.stop();
  }
});

test('the summary page marks a week not every kiosk reported, in the table, the charts and the CSV, and a week all reported is not marked', { timeout: 120000 }, async () => {
  // Two kiosks enrolled on 7 October; room 2 is off in W45. Read on 23 December: W44..W47 sealed.
  const visits = (weeks) => weeks.map((week) => count(week, 'visit', 'start', 10));
  const { station, coordinator } = await stationWithSealedWeeks({ kiosks: [
    { name: 'room 1', counts: visits(SEALED_WEEKS) },
    { name: 'room 2', counts: visits(SEALED_WEEKS.filter((week) => week !== '2026-W45')) }] });
  const browser = await openBrowser({ width: 1100, height: 900 });
  try {
    const page = await browser.context.newPage();
    await showSummary(page, station, coordinator, { from: '2026-W44', to: '2026-W47' });

    // The quiet-looking week says why it is quiet.
    const header = page.locator('#pivot-table th[data-period="2026-W45"]');
    assert.match(await header.textContent(), /1 of 2 kiosks reported/);
    assert.doesNotMatch(await page.locator('#pivot-table th[data-period="2026-W44"]').textContent(), /reported/);
    const visitsChart = page.locator('#charts figure', { hasText: 'Visits' });
    assert.equal(await visitsChart.locator('svg[role=img] rect.reporting-band').count(), 1, 'one week framed');
    assert.equal(await visitsChart.locator('rect.reporting-band[data-reporting="2026-W45"]').count(), 1);
    assert.equal(await visitsChart.locator('text.reporting-label').textContent(), '1 of 2');
    assert.match(await visitsChart.locator('.legend').textContent(), /not every kiosk reported/);
    assert.match(await page.locator('#results-meta').textContent(), /1 period\(s\) were not reported by every kiosk/);
    const row = page.locator('#summary-table tr[data-metric="visit"][data-period="2026-W45"] td');
    assert.equal((await row.nth(3).textContent()).trim(), '10');
    assert.equal((await row.nth(4).textContent()).trim(), '1 of 2');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const csv = await readFile(await download.path(), 'utf8');
    assert.ok(csv.split('\r\n').includes('2026-W45,visit,start,10,false,,1 of 2'));
    assert.ok(csv.split('\r\n').includes('2026-W46,visit,start,20,false,,2 of 2'));
    const serverCsv = await call(station.baseUrl, 'GET', '/api/v1/summary?from=2026-W44&to=2026-W47&period=week&format=csv', { token: coordinator });
    assert.equal(csv, serverCsv.text, 'the page\'s CSV is the station\'s');

    // The whole range: kiosk-weeks.
    await page.selectOption('#period', 'total');
    await page.click('#show');
    await page.waitForURL(/period=total/);
    assert.match(await page.locator('#pivot-table th[data-period="total"]').textContent(), /7 of 8 kiosk-weeks reported/);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await station.stop();
  }
});

test('the summary page marks weeks sealed before the station kept kiosk figures "kiosks reporting: unknown" in the table, the charts and the CSV, and a kiosk enrolled mid-week does not make that week short', { timeout: 150000 }, async () => {
  // Room 1 is there from 7 October; room 2 is enrolled on Wednesday of W46 and releases from
  // W47 on. On 9 December W44 and W45 are sealed; then the station's database is set back to
  // schema 7, as if it had sealed them before it kept any kiosk figures. Read on 23 December,
  // once the migrated station has sealed W46 and W47 itself.
  const visits = (weeks) => weeks.map((week) => count(week, 'visit', 'start', 10));
  const sealed = await stationWithSealedWeeks({ readOn: Date.UTC(2026, 11, 9, 12), kiosks: [
    { name: 'room 1', counts: visits(SEALED_WEEKS) },
    { name: 'room 2', enrolledOn: Date.UTC(2026, 10, 11, 12), counts: visits(['2026-W47']) }] });
  const { coordinator } = sealed;
  const station = await restartAsSchema7(sealed.station, { token: coordinator, readOn: Date.UTC(2026, 11, 23, 12) });
  const browser = await openBrowser({ width: 1100, height: 900 });
  try {
    const page = await browser.context.newPage();
    await showSummary(page, station, coordinator, { from: '2026-W44', to: '2026-W47' });

    const header = (week) => page.locator(`#pivot-table th[data-period="${week}"]`).textContent();
    const reported = (week) => page.locator(`#summary-table tr[data-metric="visit"][data-period="${week}"] td`).nth(4).textContent();
    for (const week of ['2026-W44', '2026-W45']) {
      assert.match(await header(week), /kiosks reporting: unknown/, week);
      assert.equal((await reported(week)).trim(), 'unknown', week);
    }
    // W46: room 2 came in the middle of it, and every kiosk there all week reported.
    assert.doesNotMatch(await header('2026-W46'), /reported|unknown/);
    assert.equal((await reported('2026-W46')).trim(), '1 of 1');
    assert.equal((await reported('2026-W47')).trim(), '2 of 2');
    const visitsChart = page.locator('#charts figure', { hasText: 'Visits' });
    assert.deepEqual(await visitsChart.locator('svg[role=img] rect.reporting-band').evaluateAll((bands) => bands.map((band) => `${band.dataset.reporting} ${band.dataset.reportingKind}`)),
      ['2026-W44 unknown', '2026-W45 unknown'], 'the two weeks framed as unknown, and only they');
    assert.deepEqual(await visitsChart.locator('text.reporting-label').allTextContents(), ['unknown', 'unknown']);
    assert.match(await visitsChart.locator('.legend').textContent(), /"unknown": the station does not know how many kiosks reported/);
    assert.match(await page.locator('#results-meta').textContent(), /For 2 period\(s\) it is not known how many kiosks reported/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const lines = (await readFile(await download.path(), 'utf8')).split('\r\n');
    assert.ok(lines.includes('2026-W44,visit,start,10,false,,unknown'));
    assert.ok(lines.includes('2026-W46,visit,start,10,false,,1 of 1'));
    assert.ok(lines.includes('2026-W47,visit,start,20,false,,2 of 2'));
    const serverCsv = await call(station.baseUrl, 'GET', '/api/v1/summary?from=2026-W44&to=2026-W47&period=week&format=csv', { token: coordinator });
    assert.equal(lines.join('\r\n'), serverCsv.text, 'the page\'s CSV is the station\'s');
    await visitsChart.evaluate((el) => el.scrollIntoView());
    await screenshot(page, 'summary-reporting');

    // A total over weeks of which some are unknown is unknown too.
    await page.selectOption('#period', 'total');
    await page.click('#show');
    await page.waitForURL(/period=total/);
    assert.match(await page.locator('#pivot-table th[data-period="total"]').textContent(), /kiosks reporting: unknown/);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await station.stop();
  }
});
