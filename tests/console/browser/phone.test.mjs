// Every console page and the summary page at a phone's size (390 x 844 CSS pixels) in headless
// chromium: nothing scrolls sideways, every target is at least 44 px, tables scroll in their box.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startStation, call, adminToken, enrollKiosk } from '../lib/station.mjs';
import { openBrowser, signIn, screenshot } from '../lib/browser.mjs';
import { SEALED_WEEKS, count, showSummary, stationWithSealedWeeks } from '../lib/summary.mjs';

const VIEWS = ['status', 'content', 'versions', 'images', 'kiosks', 'tokens', 'audit', 'backup', 'metrics', 'accounts'];

// What is wrong with the page as it is laid out now: sideways scrolling, small targets, tables
// wider than the page outside a scrolling box. Targets are judged as a finger meets them: a
// checkbox or radio by its label, and only what is visible.
function layoutProblems() {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && !el.closest('[hidden], .visually-hidden, .skip-link');
  };
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30)}"`;
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    if (!visible(el)) continue;
    let box = el.getBoundingClientRect();
    if (el.type === 'checkbox' || el.type === 'radio') {
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
      if (label) box = label.getBoundingClientRect();
    }
    if (box.height < 43.5 || box.width < 43.5) problems.push(`${name(el)} is ${Math.round(box.width)} x ${Math.round(box.height)} px`);
    // Inside a table's box it is reached by scrolling that box, as the table's other cells.
    if (box.right > width + 1 && !el.closest('.table-wrap')) problems.push(`${name(el)} reaches past the page's edge (${Math.round(box.right)} px)`);
  }
  for (const table of document.querySelectorAll('table')) {
    if (!visible(table)) continue;
    const wrap = table.closest('.table-wrap');
    if (!wrap) { problems.push('a table outside a scrolling box'); continue; }
    if (!['auto', 'scroll'].includes(getComputedStyle(wrap).overflowX)) problems.push('a table box that does not scroll');
    if (wrap.getBoundingClientRect().right > width + 1) problems.push('a table box wider than the page');
  }
  return [...new Set(problems)].slice(0, 20);
}

test('every console page and the summary page are usable at 390 x 844: no sideways scrolling, targets of 44 px, tables scrolling in their box', { timeout: 180000 }, async () => {
  const station = await startStation();
  const browser = await openBrowser({ width: 390, height: 844 });
  try {
    const admin = await adminToken(station);
    await enrollKiosk(station, admin, 'wellness room on the second floor, by the lockers');
    await call(station.baseUrl, 'POST', '/api/v1/admin/coordinator-tokens', { token: admin, body: { label: 'Regional coordinator, west' } });
    const signInPage = await browser.context.newPage();
    await signInPage.goto(`${station.baseUrl}/admin/`);
    await signInPage.locator('#signin-form').waitFor();
    assert.deepEqual(await signInPage.evaluate(layoutProblems), [], 'sign-in');
    await signInPage.close();
    const page = await browser.context.newPage();
    await signIn(page, station);
    for (const view of VIEWS) {
      await page.evaluate((name) => { location.hash = name; }, view);
      await page.locator(`#main-nav a[data-view="${view}"][aria-current="page"]`).waitFor();
      await page.locator('#main .loading').waitFor({ state: 'detached' });
      assert.deepEqual(await page.evaluate(layoutProblems), [], view);
      if (view === 'status') await screenshot(page, 'console-phone-status');
    }
    await page.goto(`${station.baseUrl}/summary/`);
    await page.locator('#query-form').waitFor();
    assert.deepEqual(await page.evaluate(layoutProblems), [], 'summary');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await station.stop();
  }
});

test('the summary page\'s results at 390 x 844: charts, the stress rating side by side and the tables stay in the page, targets of 44 px', { timeout: 180000 }, async () => {
  const counts = [];
  for (const [i, week] of SEALED_WEEKS.entries()) {
    counts.push(count(week, 'visit', 'start', 20 + i));
    counts.push(count(week, 'checkin.level', 'healthy', 8), count(week, 'checkin.topic', 'sleep', i === 2 ? 2 : 6));
    counts.push(count(week, 'rating.before', '7', 6 + i), count(week, 'rating.after', '3', 5 + i));
  }
  const { station, coordinator } = await stationWithSealedWeeks({ kiosks: [{ name: 'wellness room', counts }] });
  const browser = await openBrowser({ width: 390, height: 844 });
  try {
    const page = await browser.context.newPage();
    await showSummary(page, station, coordinator, { from: '2026-W44', to: '2026-W47' });
    assert.equal(await page.locator('#charts [data-chart="rating"] figure').count(), 4);
    assert.deepEqual(await page.evaluate(layoutProblems), [], 'summary results');
    // Each chart fits its box or scrolls inside it, never the page.
    const wide = await page.evaluate(() => [...document.querySelectorAll('#charts figure')]
      .filter((figure) => figure.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length);
    assert.equal(wide, 0, 'no chart reaches past the page');
    await page.locator('#charts [data-chart="rating"]').evaluate((el) => el.scrollIntoView());
    await screenshot(page, 'summary-phone-rating');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await station.stop();
  }
});
