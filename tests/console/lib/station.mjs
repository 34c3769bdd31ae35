// Starts a real station-server on a free loopback port with a fresh data directory, and talks
// to its API the way a kiosk or a script would.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';

export const STATION_SERVER = process.env.STATION_SERVER;
export const WEB_DIR = process.env.WEB_DIR;

// Seconds to add to the station's clock so that 2026-W47 has ended there, whatever today is.
export function clockOffsetForClosedWeeks(now = Date.now()) {
  const wanted = Date.UTC(2026, 11, 2, 12, 0, 0);
  return now >= wanted ? 0 : Math.ceil((wanted - now) / 1000);
}

// Seconds to add to the station's clock so that it reads `wanted` (a Date.UTC value).
export function clockOffsetTo(wanted, now = Date.now()) {
  return Math.round((wanted - now) / 1000);
}

// `sealAfterDays`: weeks seal that long after their end (the station's summary.seal_after_days).
// `stationName`: the station's station.name. `connectionsPerAddress`: its
// limits.connections_per_address (two browsers on one machine share the address that two
// laptops would not). `dataDir` and `password`: start again on an earlier station's data and
// settings (see restartStation).
export async function startStation({ clockOffset = clockOffsetForClosedWeeks(), sealAfterDays, stationName, connectionsPerAddress, dataDir: reuse, password } = {}) {
  if (!STATION_SERVER) throw new Error('STATION_SERVER (the station-server binary) is not set');
  const dataDir = reuse || await mkdtemp(join(tmpdir(), 'console-station-'));
  // Plain HTTP on loopback: the browser tests are about the pages; TLS has its own tests.
  const args = ['serve', '--data', dataDir, '--port', '0', '--bind', '127.0.0.1', '--clock-offset', String(clockOffset), '--plain-http'];
  const settings = [];
  if (sealAfterDays !== undefined) settings.push(`summary.seal_after_days = ${sealAfterDays}`);
  if (stationName !== undefined) settings.push(`station.name = ${stationName}`);
  if (connectionsPerAddress !== undefined) settings.push(`limits.connections_per_address = ${connectionsPerAddress}`);
  if (settings.length) await writeFile(join(dataDir, 'station.properties'), `${settings.join('\n')}\n`);
  if (settings.length || (reuse && existsSync(join(dataDir, 'station.properties')))) args.push('--config', join(dataDir, 'station.properties'));
  if (WEB_DIR) args.push('--web', WEB_DIR);
  const child = spawn(STATION_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  const started = await new Promise((resolve, reject) => {
    const found = password ? { password } : {};
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`station did not start in 20 s: ${stderr}`)), 20000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${STATION_SERVER}: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`station exited with ${code}: ${stderr}`));
    });
    lines.on('line', (line) => {
      const m = line.match(/^listening on 127\.0\.0\.1:(\d+)$/);
      if (m) found.port = Number(m[1]);
      // The first admin's password is in a file the station wrote before it said where it
      // listens; it is never in the output.
      if (found.port && !found.password) {
        found.password = readFileSync(join(dataDir, 'first-admin-password'), 'utf8').trim();
      }
      if (found.port && found.password) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  const baseUrl = `http://127.0.0.1:${started.port}`;
  return {
    baseUrl,
    password: started.password,
    dataDir,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// Stops `station` and starts it again on its data with another clock (say, once weeks have
// sealed). Sign in again: admin sessions do not outlive a jump of days.
export async function restartStation(station, { clockOffset }) {
  await station.stop({ keepData: true });
  return startStation({ clockOffset, dataDir: station.dataDir, password: station.password });
}

export async function call(baseUrl, method, path, { token, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(baseUrl + path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: response.status, headers: response.headers, text, json };
}

export async function adminToken(station) {
  const answer = await call(station.baseUrl, 'POST', '/api/v1/admin/session', { body: { username: 'admin', password: station.password } });
  if (answer.status !== 200) throw new Error(`admin sign-in failed: ${answer.status} ${answer.text}`);
  return answer.json.token;
}

export async function enrollKiosk(station, token, name = 'wellness room') {
  const created = await call(station.baseUrl, 'POST', '/api/v1/admin/kiosks', { token, body: { name } });
  if (created.status !== 201) throw new Error(`adding a kiosk failed: ${created.status} ${created.text}`);
  return enrollWithCode(station, created.json.enrollment_code);
}

export async function enrollWithCode(station, code) {
  const enrolled = await call(station.baseUrl, 'POST', '/api/v1/kiosk/enroll', { body: { enrollment_code: code } });
  if (enrolled.status !== 200) throw new Error(`enrollment failed: ${enrolled.status} ${enrolled.text}`);
  return enrolled.json.token;
}

export async function kioskManifest(station, kioskToken) {
  return call(station.baseUrl, 'GET', '/api/v1/kiosk/content', { token: kioskToken });
}

// Every (metric, key) of a content document: what core's catalogue_keys gives, which the
// station holds every release to (a release of any other shape is refused, so a drift from core
// fails the tests that post counts).
export function catalogueOf(document) {
  const keys = [['visit', 'start'], ['crisis.viewed', 'list']];
  for (const exercise of document.exercises) keys.push(['breathing.started', exercise.id], ['breathing.completed', exercise.id]);
  for (const level of document.checkin.levels) keys.push(['checkin.level', level.id]);
  for (const topic of document.checkin.topics) keys.push(['checkin.topic', topic.id]);
  for (const provider of document.providers) keys.push(['handoff.shown', provider.id]);
  // Content schema 2's optional stress rating: two histograms of its buckets (core's
  // rating_buckets: faces 1..5, a scale 0..10).
  if (document.stress_rating) {
    const buckets = document.stress_rating.style === 'faces' ? [1, 2, 3, 4, 5] : [...Array(11).keys()];
    for (const bucket of buckets) keys.push(['rating.before', String(bucket)], ['rating.after', String(bucket)]);
  }
  // Content schema 3's optional topic cards: card.viewed by card id.
  for (const card of document.topic_cards ?? []) keys.push(['card.viewed', card.id]);
  return keys;
}

// Posts `counts` ([{week, metric, key, n}]) as a kiosk releases them: each week's full
// catalogue of the station's content, zeros included, in one batch.
export async function postCounts(station, kioskToken, counts) {
  const manifest = await kioskManifest(station, kioskToken);
  if (manifest.status !== 200) throw new Error(`reading the content failed: ${manifest.status} ${manifest.text}`);
  const weeks = [...new Set(counts.map((entry) => entry.week))];
  const full = [];
  for (const week of weeks) {
    for (const [metric, key] of catalogueOf(manifest.json.document)) {
      const given = counts.find((entry) => entry.week === week && entry.metric === metric && entry.key === key);
      full.push({ week, metric, key, n: given ? given.n : 0 });
    }
  }
  const unknown = counts.filter((entry) => !full.some((f) => f.week === entry.week && f.metric === entry.metric && f.key === entry.key));
  if (unknown.length) throw new Error(`counts outside the catalogue: ${JSON.stringify(unknown)}`);
  const answer = await call(station.baseUrl, 'POST', '/api/v1/kiosk/counts', {
    token: kioskToken, body: { batch_id: randomUUID(), counts: full },
  });
  if (answer.status !== 200) throw new Error(`posting counts failed: ${answer.status} ${answer.text}`);
  return answer.json;
}
