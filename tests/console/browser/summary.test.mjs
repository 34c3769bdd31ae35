// The coordinator summary page in headless chromium against a real station whose clock is
// moved so that the counted weeks have ended.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startStation, restartStation, clockOffsetTo, call, adminToken, enrollKiosk, postCounts } from '../lib/station.mjs';
import { openBrowser, screenshot } from '../lib/browser.mjs';

const count = (week, metric, key, n) => ({ week, metric, key, n });

test('the summary page shows a count under k as "hidden", never as its value or zero, in the table, the charts and the CSV', { timeout: 90000 }, async () => {
  // Weeks seal 28 days after they end: the kiosk is enrolled on 7 October (a station takes no
  // week before a kiosk's enrollment), the counts go in on Wednesday of 2026-W48 (W44..W47
  // have ended, none is sealed) and are read on 23 December, once all four are sealed.
  let station = await startStation({ clockOffset: clockOffsetTo(Date.UTC(2026, 9, 7, 12)), sealAfterDays: 28 });
  const browser = await openBrowser({ width: 1100, height: 900 });
  try {
    const kiosk = await enrollKiosk(station, await adminToken(station));
    station = await restartStation(station, { clockOffset: clockOffsetTo(Date.UTC(2026, 10, 25, 12)) });
    const counts = [];
    const weeks = ['2026-W44', '2026-W45', '2026-W46', '2026-W47'];
    weeks.forEach((week, i) => {
      counts.push(count(week, 'visit', 'start', 20 + i * 3));
      counts.push(count(week, 'breathing.started', 'box', 9 + i));
      counts.push(count(week, 'breathing.completed', 'box', 7 + i));
      counts.push(count(week, 'checkin.level', 'healthy', 8 + i), count(week, 'checkin.level', 'reacting', 6));
      counts.push(count(week, 'checkin.topic', 'workload', 7), count(week, 'checkin.topic', 'family', 6));
      counts.push(count(week, 'handoff.shown', 'eap', 5 + i));
      counts.push(count(week, 'crisis.viewed', 'list', 5));
    });
    // One week with only two people asking about sleep: must never show as 2.
    counts.push(count('2026-W46', 'checkin.topic', 'sleep', 2));
    await postCounts(station, kiosk, counts);
    station = await restartStation(station, { clockOffset: clockOffsetTo(Date.UTC(2026, 11, 23, 12)) });
    const created = await call(station.baseUrl, 'POST', '/api/v1/admin/coordinator-tokens', { token: await adminToken(station), body: { label: 'Region' } });
    assert.equal(created.status, 201);

    const page = await browser.context.newPage();
    await page.goto(`${station.baseUrl}/summary/`);
    await page.fill('#token', created.json.token);
    await page.click('#token-save');
    await page.fill('#from', '2026-W44');
    await page.fill('#to', '2026-W47');
    await page.selectOption('#period', 'week');
    await page.click('#show');
    await page.locator('#summary-table').waitFor();
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
    const visits = page.locator('#summary-table tr[data-metric="visit"][data-period="2026-W44"] td').nth(3);
    assert.equal((await visits.textContent()).trim(), '20');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'summary-page');
    await page.locator('#charts figure', { hasText: 'Check-in levels' }).evaluate((el) => el.scrollIntoView());
    await screenshot(page, 'summary-charts');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'period,metric,key,n,suppressed,at_least');
    assert.ok(lines.includes('2026-W46,checkin.topic,sleep,,true,'), 'the hidden cell is hidden in the CSV too');
    assert.ok(lines.includes('2026-W44,visit,start,20,false,'));
    const tableRows = await page.locator('#summary-table tbody tr').count();
    assert.equal(lines.length - 1, tableRows, 'the CSV holds exactly the rows on the page');
    // And it is what the station itself sends as CSV for the same query.
    const serverCsv = await call(station.baseUrl, 'GET', '/api/v1/summary?from=2026-W44&to=2026-W47&period=week&format=csv', { token: created.json.token });
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
