// The summary tests' common ground: a real station whose weeks 2026-W44..W47 are sealed, and
// the summary page shown for a range with a coordinator's token.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startStation, restartStation, clockOffsetTo, call, adminToken, enrollKiosk, postCounts } from './station.mjs';

export const SEALED_WEEKS = ['2026-W44', '2026-W45', '2026-W46', '2026-W47'];
// Enrolled a month before the counted weeks: a station takes no week before a kiosk's enrollment.
export const ENROLLED_ON = Date.UTC(2026, 9, 7, 12);
// Wednesday of 2026-W48: W44..W47 have ended, none is sealed (weeks seal 28 days after they end).
export const COUNTED_ON = Date.UTC(2026, 10, 25, 12);
// 23 December: all four are sealed.
export const READ_ON = Date.UTC(2026, 11, 23, 12);

export const count = (week, metric, key, n) => ({ week, metric, key, n });

// A station whose clock moves from the kiosks' enrollment (each kiosk's `enrolledOn`, 7 October
// unless said) to the counts (25 November, each kiosk releasing its `counts` in one batch) to
// the reading (`readOn`, 23 December unless said), with weeks sealing 28 days after they end.
// Returns the running station, a coordinator token and each kiosk's token by name.
export async function stationWithSealedWeeks({ kiosks = [{ name: 'wellness room', counts: [] }], stationName, readOn = READ_ON } = {}) {
  const enrollments = [...new Set(kiosks.map((kiosk) => kiosk.enrolledOn ?? ENROLLED_ON))].sort((a, b) => a - b);
  let station = await startStation({ clockOffset: clockOffsetTo(enrollments[0]), sealAfterDays: 28, stationName });
  try {
    const tokens = {};
    for (const [i, day] of enrollments.entries()) {
      if (i > 0) station = await restartStation(station, { clockOffset: clockOffsetTo(day) });
      const admin = await adminToken(station);
      for (const kiosk of kiosks.filter((one) => (one.enrolledOn ?? ENROLLED_ON) === day)) tokens[kiosk.name] = await enrollKiosk(station, admin, kiosk.name);
    }
    station = await restartStation(station, { clockOffset: clockOffsetTo(COUNTED_ON) });
    for (const kiosk of kiosks) if (kiosk.counts && kiosk.counts.length) await postCounts(station, tokens[kiosk.name], kiosk.counts);
    station = await restartStation(station, { clockOffset: clockOffsetTo(readOn) });
    const created = await call(station.baseUrl, 'POST', '/api/v1/admin/coordinator-tokens', { token: await adminToken(station), body: { label: 'Region' } });
    if (created.status !== 201) throw new Error(`making a coordinator token failed: ${created.status} ${created.text}`);
    return { station, coordinator: created.json.token, kiosks: tokens };
  } catch (error) {
    await station.stop();
    throw error;
  }
}

// Has `station` seal the weeks due by its clock (a summary asked with `token` seals them), stops
// it, makes its database what a station of schema 7 would have left (no kiosk figures for any
// week it sealed: the week_reporting table came with schema 8), and starts it again with its
// clock at `readOn`: it migrates the file at start-up and seals the weeks due since.
export async function restartAsSchema7(station, { token, readOn }) {
  const sealing = await call(station.baseUrl, 'GET', '/api/v1/summary', { token });
  if (sealing.status !== 200) throw new Error(`asking for a summary failed: ${sealing.status} ${sealing.text}`);
  await station.stop({ keepData: true });
  await promisify(execFile)('sqlite3', [join(station.dataDir, 'station.sqlite3'),
    'DROP TABLE week_reporting; ALTER TABLE coordinator_tokens DROP COLUMN last_used_day; PRAGMA user_version=7;']);
  return restartStation(station, { clockOffset: clockOffsetTo(readOn) });
}

// Opens the summary page for `range` (in its address, as a shared link would), enters the
// coordinator's `token` and waits until the station's answer for that range is on the page.
export async function showSummary(page, station, token, { from, to, period = 'week' }) {
  await page.goto(`${station.baseUrl}/summary/?${new URLSearchParams({ from, to, period })}`);
  await page.fill('#token', token);
  await page.click('#token-save');
  await page.locator('#results-meta', { hasText: `Weeks ${from} to ${to},` }).waitFor();
  await page.locator('#pivot-table').waitFor();
}
