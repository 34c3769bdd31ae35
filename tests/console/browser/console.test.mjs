// The admin console in headless chromium against a real station (fresh data dir, port 0).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATION_SERVER, startStation, restartStation, clockOffsetTo, call, adminToken, enrollKiosk, enrollWithCode, kioskManifest } from '../lib/station.mjs';
import { openBrowser, signIn, screenshot, byId } from '../lib/browser.mjs';

const TIMEOUT = { timeout: 90000 };

async function withStationAndBrowser(body) {
  const station = await startStation();
  const browser = await openBrowser();
  try {
    const page = await browser.context.newPage();
    await body({ station, page, browser });
    assert.deepEqual(browser.errors, [], 'no script errors on the page');
  } finally {
    await browser.close();
    await station.stop();
  }
}

test('an admin fixes a bad booking link the server refused, publishes, the kiosk manifest changes, and rolls back', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    const kioskToken = await enrollKiosk(station, await adminToken(station));
    const before = await kioskManifest(station, kioskToken);
    assert.equal(before.status, 200);
    const originalLink = before.json.document.providers[0].booking_url;
    const originalVersion = before.json.version;

    await page.goto(`${station.baseUrl}/admin/`);
    await page.locator('#signin-form').waitFor();
    await screenshot(page, 'console-signin');
    await signIn(page, station);
    assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie is set');
    assert.ok(await page.evaluate(() => sessionStorage.getItem('wellness.admin.token')), 'the token is in sessionStorage');
    // Nothing but the editor's own parts: no stray word where an optional part is absent.
    assert.deepEqual(await page.locator('#view-content').evaluate((root) => [...root.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim()).map((node) => node.textContent)), []);
    await screenshot(page, 'console-content');

    const link = page.locator(byId('f.providers.0.booking_url'));
    await link.fill('http://insecure.example.org/book');
    await page.click('#publish-button');
    const errors = page.locator(byId('f.providers.0.booking_url-errors'));
    await errors.waitFor({ state: 'visible' });
    assert.match(await errors.textContent(), /https/i, 'the problem is shown next to the booking link');
    assert.equal(await link.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#problem-summary').textContent(), /Not published/);
    await link.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-validation');
    const unchanged = await kioskManifest(station, kioskToken);
    assert.equal(unchanged.json.version, originalVersion, 'the refused content is not live');

    await link.fill('https://booking.example.org/new-link');
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'Published version' }).waitFor();
    assert.equal(await errors.count() === 0 || await errors.isHidden(), true, 'the problem is gone');
    const after = await kioskManifest(station, kioskToken);
    assert.notEqual(after.json.version, originalVersion);
    assert.equal(after.json.document.providers[0].booking_url, 'https://booking.example.org/new-link');

    await page.click('#main-nav a[data-view=versions]');
    await page.click(`[data-rollback="${originalVersion}"]`);
    // Before anything is published, what the rollback would change.
    const change = page.locator('#rollback-diff tr[data-field="/providers/0/booking_url"]');
    await change.waitFor();
    assert.match(await change.textContent(), /booking\.example\.org\/new-link/);
    assert.ok((await change.textContent()).includes(originalLink));
    assert.equal(await page.locator('#rollback-diff tbody tr').count(), 1, 'only the link differs');
    assert.equal((await kioskManifest(station, kioskToken)).json.version, after.json.version, 'nothing is published yet');
    await page.fill('#rollback-note', 'the new link is not live yet');
    await page.click('#confirm-rollback');
    await page.locator('.message-ok', { hasText: 'Rolled back' }).waitFor();
    assert.match(await page.locator('#view-versions table').textContent(), /the new link is not live yet/);
    await screenshot(page, 'console-versions');
    const rolledBack = await kioskManifest(station, kioskToken);
    assert.equal(rolledBack.json.document.providers[0].booking_url, originalLink);
    assert.notEqual(rolledBack.json.version, after.json.version);
  });
});

test('a booking link with tracking parameters is refused until the admin confirms the warning', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    const kioskToken = await enrollKiosk(station, await adminToken(station));
    const originalVersion = (await kioskManifest(station, kioskToken)).json.version;
    await page.goto(`${station.baseUrl}/admin/`);
    await page.locator('#signin-form').waitFor();
    await signIn(page, station);

    const link = page.locator(byId('f.providers.0.booking_url'));
    await link.fill('https://booking.example.org/book?precinct=12&kiosk=room-3');
    await page.click('#publish-button');
    const errors = page.locator(byId('f.providers.0.booking_url-errors'));
    await errors.waitFor({ state: 'visible' });
    assert.match(await errors.textContent(), /which room or kiosk/, 'the refusal says why a query string is a risk');
    assert.equal((await kioskManifest(station, kioskToken)).json.version, originalVersion, 'the tracking link is not live');

    const confirm = page.locator(byId('f.providers.0.booking_url_confirmed'));
    assert.match(await page.locator(byId('f.providers.0.booking_url_confirmed-hint')).textContent(), /Warning/);
    await confirm.check();
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'Published version' }).waitFor();
    const after = await kioskManifest(station, kioskToken);
    assert.equal(after.json.document.providers[0].booking_url, 'https://booking.example.org/book?precinct=12&kiosk=room-3');
    assert.equal(after.json.document.providers[0].booking_url_confirmed, true);
  });
});

test('every field of the content editor has a label, and the provider preview shows a QR code', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await signIn(page, station);
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('#main input, #main select, #main textarea')]
      .filter((el) => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-labelledby'))
      .map((el) => el.id || el.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, []);
    const fields = await page.locator('#main input').count();
    assert.ok(fields > 100, `the editor has forms for the whole document (${fields} inputs)`);
    const qr = page.locator('#sec-providers .preview img.qr').first();
    await qr.waitFor({ state: 'visible' });
    assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR image loaded from a blob URL');
    assert.match(await qr.getAttribute('src'), /^blob:/);
    // At 200% zoom a 1100 px window is 550 CSS px wide: nothing may need sideways scrolling.
    await page.setViewportSize({ width: 550, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the editor fits 550 px without scrolling sideways (overflow ${overflow} px)`);
    await screenshot(page, 'console-zoom-200');
    await page.setViewportSize({ width: 1100, height: 800 });
    // A new language gets a column in every localized text.
    await page.fill('#new-locale-id', 'fr');
    await page.fill('#new-locale-name', 'Français');
    await page.click('#add-locale-button');
    await page.locator(byId('f.attract_text.fr')).waitFor();
    assert.equal(await page.locator(byId('f.providers.0.name.fr')).count(), 1);
    assert.equal(await page.locator(byId('f.stress_rating.question_before.fr')).count(), 1, 'the stress rating\'s texts too');
  });
});

test('an admin turns the stress rating into five faces, is shown the blank faces next to their fields, fills them, publishes, and turns the rating off', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    const live = async () => (await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token: await adminToken(station) })).json.document;
    await signIn(page, station);
    const preview = page.locator('#sec-rating .preview');
    assert.ok(await page.locator('#rating-enabled').isChecked(), 'the default content has a rating');
    assert.equal(await preview.locator('.kiosk-rating-step').count(), 11, 'a scale previews the steps 0 to 10');
    assert.equal((await preview.locator('.kiosk-title').textContent()).trim(), (await live()).stress_rating.question_before.en);

    await page.selectOption('#rating-style', 'faces');
    await page.locator(byId('f.stress_rating.face_labels.4.es')).waitFor();
    assert.equal(await preview.locator('.kiosk-rating-step').count(), 5, 'faces preview five steps');
    await page.click('#publish-button');
    await page.locator('#problem-summary', { hasText: 'Not published' }).waitFor();
    const faceErrors = page.locator('#sec-rating .field-errors:visible');
    assert.ok(await faceErrors.count() >= 1, 'blank faces are problems shown in the rating section');
    assert.equal((await live()).stress_rating.style, 'scale', 'nothing refused is live');

    const faces = [['Calm', 'En calma'], ['Fine', 'Bien'], ['Tense', 'Tenso'], ['Stressed', 'Estresado'], ['Very stressed', 'Muy estresado']];
    for (const [i, [en, es]] of faces.entries()) {
      await page.locator(byId(`f.stress_rating.face_labels.${i}.en`)).fill(en);
      await page.locator(byId(`f.stress_rating.face_labels.${i}.es`)).fill(es);
    }
    assert.deepEqual(await preview.locator('.kiosk-rating-step').allTextContents(), faces.map(([en]) => en), 'the preview shows the faces as typed');
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'takes effect at the start of week' }).waitFor();
    const published = await live();
    assert.equal(published.schema, 3, 'the default content\'s topic cards keep it schema 3');
    assert.equal(published.stress_rating.style, 'faces');
    assert.deepEqual(published.stress_rating.face_labels, faces.map(([en, es]) => ({ en, es })));
    await preview.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'console-rating');

    await page.click('#rating-enabled');
    assert.equal(await page.locator(byId('f.stress_rating.question_before.en')).count(), 0, 'its fields are gone');
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'Published version' }).waitFor();
    const off = await live();
    assert.equal(off.stress_rating, undefined);
    assert.equal(off.schema, 3, 'without a rating the document keeps the schema its topic cards need');
  });
});

test('an admin adds a topic card, is shown its missing topic and its tracking link next to those fields, fixes them, publishes, and removing every card lowers the schema', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    const live = async () => (await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token: await adminToken(station) })).json.document;
    const before = await live();
    await signIn(page, station);
    const cards = before.topic_cards.length;
    assert.ok(cards >= 3, 'the default content has topic cards');
    const firstPreview = page.locator('#sec-cards .topic-card').first().locator('.preview .kiosk-title');
    assert.equal((await firstPreview.textContent()).trim(), before.topic_cards[0].title.en, 'each card previews its title');

    await page.click(byId('f.topic_cards-add'));
    const base = `f.topic_cards.${cards}`;
    await page.locator(byId(`${base}.id`)).fill('grief-card');
    for (const [locale, title, body] of [['en', 'After a loss', 'Grief comes in waves.'], ['es', 'Después de una pérdida', 'El duelo llega en oleadas.']]) {
      await page.locator(byId(`${base}.title.${locale}`)).fill(title);
      await page.locator(byId(`${base}.body.${locale}`)).fill(body);
    }
    const link = page.locator(byId(`${base}.take_home_url`));
    await link.fill('https://peer-support.example.org/grief?room=2');
    const preview = page.locator('#sec-cards .topic-card').nth(cards).locator('.preview');
    assert.equal((await preview.locator('.kiosk-title').textContent()).trim(), 'After a loss', 'the preview follows the typing');
    assert.equal((await preview.locator('.kiosk-card-body').textContent()).trim(), 'Grief comes in waves.');
    await page.click('#publish-button');
    await page.locator('#problem-summary', { hasText: 'Not published' }).waitFor();
    const topicErrors = page.locator(byId(`${base}.topics-errors`));
    await topicErrors.waitFor({ state: 'visible' });
    assert.match(await topicErrors.textContent(), /1 to 16 topics/, 'a card without a topic is a problem at its topics');
    const linkErrors = page.locator(byId(`${base}.take_home_url-errors`));
    assert.match(await linkErrors.textContent(), /query string/, 'the tracking link is a problem next to it');
    assert.equal((await live()).topic_cards.length, cards, 'nothing refused is live');

    const grief = before.checkin.topics.findIndex((topic) => topic.id === 'grief');
    await page.click(byId(`${base}.topics.${grief}`));
    await link.fill('https://peer-support.example.org/grief');
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'takes effect at the start of week' }).waitFor();
    const published = await live();
    assert.equal(published.schema, 3);
    assert.deepEqual(published.topic_cards.at(-1), {
      id: 'grief-card', topics: ['grief'],
      title: { en: 'After a loss', es: 'Después de una pérdida' },
      body: { en: 'Grief comes in waves.', es: 'El duelo llega en oleadas.' },
      take_home_url: 'https://peer-support.example.org/grief',
    });
    await page.locator('#sec-cards .topic-card').nth(cards).scrollIntoViewIfNeeded();
    await screenshot(page, 'console-cards');

    page.on('dialog', (dialog) => dialog.accept());
    for (let i = 0; i <= cards; ++i) await page.click(byId('f.topic_cards.0.remove'));
    assert.equal(await page.locator('#sec-cards .topic-card').count(), 0, 'every card is gone');
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'takes effect at the start of week' }).waitFor();
    const none = await live();
    assert.equal(none.topic_cards, undefined, 'no empty list of cards is left behind');
    assert.equal(none.schema, 2, 'without cards the document needs only its rating\'s schema, which older kiosks read');
  });
});

test('an uploaded image is listed with a thumbnail and can be chosen for a provider', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await signIn(page, station);
    await page.click('#main-nav a[data-view=images]');
    await page.locator('#image-file').setInputFiles({ name: 'Team Logo.png', mimeType: 'image/png', buffer: tinyPng() });
    assert.equal(await page.inputValue('#image-name'), 'team-logo.png');
    await page.click('.upload-form button[type=submit]');
    await page.locator('.message-ok', { hasText: 'Uploaded team-logo.png' }).waitFor();
    const thumb = page.locator('img.thumb[alt="Image team-logo.png"]');
    await page.waitForFunction(() => {
      const img = document.querySelector('img.thumb[alt="Image team-logo.png"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    assert.match(await thumb.getAttribute('src'), /^blob:/);
    await screenshot(page, 'console-images');
    const listed = await call(station.baseUrl, 'GET', '/api/v1/admin/assets', { token: await adminToken(station) });
    assert.ok(listed.json.assets.some((a) => a.name === 'team-logo.png'));

    await page.click('#main-nav a[data-view=content]');
    await page.selectOption(byId('f.providers.0.image'), 'team-logo.png');
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'Published version' }).waitFor();
    const content = await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token: await adminToken(station) });
    assert.equal(content.json.document.providers[0].image, 'team-logo.png');
    assert.ok(content.json.document.assets.includes('team-logo.png'));
  });
});

test('an image larger than the station and its kiosks take is refused in the console with the limit, and never sent', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await signIn(page, station);
    const limits = await call(station.baseUrl, 'GET', '/api/v1/admin/limits', { token: await adminToken(station) });
    assert.equal(limits.status, 200);
    const most = limits.json.asset_bytes;
    await page.click('#main-nav a[data-view=images]');
    await page.locator('.hint', { hasText: 'At most 2.0 MiB and 4096 pixels a side' }).waitFor();
    const big = Buffer.concat([tinyPng(), Buffer.alloc(most + 1 - tinyPng().length)]);
    await page.locator('#image-file').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: big });
    await page.click('.upload-form button[type=submit]');
    await page.locator('.message-error', { hasText: 'take images of at most 2.0 MiB' }).waitFor();
    const listed = await call(station.baseUrl, 'GET', '/api/v1/admin/assets', { token: await adminToken(station) });
    assert.ok(!listed.json.assets.some((a) => a.name === 'big.png'));
  });
});

test('a new kiosk\'s enrollment code is shown once, it enrolls, and revoking the kiosk locks it out', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await signIn(page, station);
    await page.click('#main-nav a[data-view=kiosks]');
    // The name field holds no more than the station takes (its limits answer).
    const limits = (await call(station.baseUrl, 'GET', '/api/v1/admin/limits', { token: await adminToken(station) })).json;
    assert.equal(typeof limits.kiosk_name_chars, 'number');
    assert.equal(await page.locator('#kiosk-name').getAttribute('maxlength'), String(limits.kiosk_name_chars));
    await page.fill('#kiosk-name', 'Room 2B');
    await page.click('#view-kiosks form button[type=submit]');
    const code = (await page.locator('[data-once-value]').textContent()).trim();
    assert.ok(code.length >= 6, 'an enrollment code is shown');
    await screenshot(page, 'console-kiosks');
    const kioskToken = await enrollWithCode(station, code);
    assert.equal((await kioskManifest(station, kioskToken)).status, 200);

    await page.click('#main-nav a[data-view=tokens]');
    await page.click('#main-nav a[data-view=kiosks]');
    await page.locator('#view-kiosks table').waitFor();
    assert.equal(await page.locator('[data-once-value]').count(), 0, 'the code is not shown again');
    const row = page.locator('#view-kiosks tr', { hasText: 'Room 2B' });
    assert.ok((await row.textContent()).includes('1'), 'the kiosk lists its content version after its first contact');

    page.once('dialog', (dialog) => dialog.accept());
    await row.locator('button', { hasText: 'Revoke' }).click();
    await page.locator('.message-ok', { hasText: 'Revoked kiosk' }).waitFor();
    assert.match(await page.locator('#view-kiosks tr', { hasText: 'Room 2B' }).textContent(), /Revoked/);
    assert.equal((await kioskManifest(station, kioskToken)).status, 401);
  });
});

test('coordinator tokens are shown once and can be revoked; the audit log records it', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await signIn(page, station);
    await page.click('#main-nav a[data-view=tokens]');
    await page.fill('#token-label', 'Region north');
    await page.click('#view-tokens form button[type=submit]');
    const token = (await page.locator('[data-once-value]').textContent()).trim();
    const summary = await call(station.baseUrl, 'GET', '/api/v1/summary?from=2026-W40&to=2026-W47&period=total', { token });
    assert.equal(summary.status, 200);
    page.once('dialog', (dialog) => dialog.accept());
    await page.locator('#view-tokens tr', { hasText: 'Region north' }).locator('button', { hasText: 'Revoke' }).click();
    await page.locator('.message-ok', { hasText: 'Revoked the token' }).waitFor();
    const refused = await call(station.baseUrl, 'GET', '/api/v1/summary?from=2026-W40&to=2026-W47&period=total', { token });
    assert.equal(refused.status, 401);
    await page.click('#main-nav a[data-view=audit]');
    await page.locator('#view-audit table').waitFor();
    assert.ok((await page.locator('#view-audit table').textContent()).includes('admin'));
    await screenshot(page, 'console-audit');
  });
});

test('an admin downloads the latest nightly backup from the console, and is told when there is none yet', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await signIn(page, station);
    await page.click('#main-nav a[data-view=backup]');
    await page.click('[data-download-backup]');
    await page.locator('#view-backup .message-error', { hasText: 'No nightly backup' }).waitFor();

    const made = spawnSync(STATION_SERVER, ['backup', '--data', station.dataDir, '--into', join(station.dataDir, 'backups'), '--keep', '14']);
    assert.equal(made.status, 0, String(made.stderr));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-download-backup]')]);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 26).toString(), 'wellness-station-backup 1\n');
    await page.locator('#view-backup .message-ok', { hasText: 'Downloaded the latest backup' }).waitFor();
    await screenshot(page, 'console-backup');
  });
});

// Publishes and returns the status line, failing with the problems shown when the server refuses.
async function publishAndExpectSuccess(page) {
  await page.click('#publish-button');
  const status = page.locator('.status', { hasText: /Published version|Not published/ });
  await status.waitFor();
  const text = await status.textContent();
  const problems = /Not published/.test(text) ? await page.locator('#problem-summary').textContent() : '';
  assert.match(text, /Published version/, `published (problems: ${problems})`);
}

test('a check-in suggestion added or retargeted in the console publishes with only the chosen target', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await signIn(page, station);
    const suggestions = 'f.checkin.levels.0.suggestions';
    const before = await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token: await adminToken(station) });
    const existing = before.json.document.checkin.levels[0].suggestions;
    const added = existing.length;
    const retargeted = existing.findIndex((s) => s.provider_id);
    assert.ok(retargeted >= 0, 'the first level has a suggestion pointing at a provider');

    await page.click(byId(`${suggestions}-add`));
    await page.fill(byId(`${suggestions}.${added}.text.en`), 'Try resonance breathing');
    await page.fill(byId(`${suggestions}.${added}.text.es`), 'Prueba la respiración de resonancia');
    await page.selectOption(byId(`${suggestions}.${added}.target`), 'exercise:resonance');
    await page.selectOption(byId(`${suggestions}.${retargeted}.target`), 'exercise:box');
    await publishAndExpectSuccess(page);

    const token = await adminToken(station);
    const published = (await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token })).json.document.checkin.levels[0].suggestions;
    assert.deepEqual(published[added], {
      text: { en: 'Try resonance breathing', es: 'Prueba la respiración de resonancia' },
      exercise_id: 'resonance',
    });
    assert.deepEqual(Object.keys(published[retargeted]).sort(), ['exercise_id', 'text']);
    assert.equal(published[retargeted].exercise_id, 'box');

    // "Nothing" leaves a text-only suggestion.
    await page.selectOption(byId(`${suggestions}.${added}.target`), 'none');
    await page.locator('.status', { hasText: 'You have unpublished changes' }).waitFor();
    await publishAndExpectSuccess(page);
    const textOnly = (await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token })).json.document.checkin.levels[0].suggestions;
    assert.deepEqual(textOnly[added], { text: { en: 'Try resonance breathing', es: 'Prueba la respiración de resonancia' } });
  });
});

test('a session that ends on the server sends the console back to sign-in with a message, and signing in again keeps unpublished edits', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await signIn(page, station);
    const attract = page.locator(byId('f.attract_text.en'));
    await attract.fill('Edited before the session ended');
    await page.locator('.status', { hasText: 'You have unpublished changes' }).waitFor();
    const token = await page.evaluate(() => sessionStorage.getItem('wellness.admin.token'));
    const ended = await call(station.baseUrl, 'DELETE', '/api/v1/admin/session', { token });
    assert.ok(ended.status === 204 || ended.status === 200);
    // The next request (here: opening another view) gets a 401.
    await page.evaluate(() => { location.hash = '#kiosks'; });
    await page.locator('#signin-view').waitFor({ state: 'visible' });
    assert.ok(await page.locator('#app-view').isHidden());
    assert.match(await page.locator('#signin-message').textContent(), /sign in again/i);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('wellness.admin.token')), null);

    await page.fill('#signin-username', 'admin');
    await page.fill('#signin-password', station.password);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#view-kiosks').waitFor();
    await page.click('#main-nav a[data-view=content]');
    await page.locator('#publish-button').waitFor();
    assert.equal(await attract.inputValue(), 'Edited before the session ended', 'the edit survives signing in again');
    await page.locator('.status', { hasText: 'You have unpublished changes' }).waitFor();
  });
});

test('signing in and out works by keyboard alone', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await page.goto(`${station.baseUrl}/admin/#content`);
    await page.locator('#signin-username').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'signin-username');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(station.password);
    await page.keyboard.press('Enter');
    await page.locator('#publish-button').waitFor();
    await page.focus('#signout-button');
    await page.keyboard.press('Enter');
    await page.locator('#signin-view').waitFor({ state: 'visible' });
    assert.match(await page.locator('#signin-message').textContent(), /signed out/i);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  });
});

// A valid 2x2 RGB PNG.
function tinyPng() {
  return Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4EaABRAwQCgAljgUBqTNxyAAAAABJRU5ErkJggg==', 'base64');
}

test('publishing a change to what is counted says the week it reaches the kiosks; wording goes at once', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await page.goto(`${station.baseUrl}/admin/`);
    await page.locator('#signin-form').waitFor();
    await signIn(page, station);

    const question = page.locator(byId('f.checkin.question.en'));
    await question.fill('How are you doing today?');
    await page.click('#publish-button');
    const status = page.locator('.status', { hasText: 'Published version' });
    await status.waitFor();
    assert.match(await status.textContent(), /next sync\.$/, 'wording alone reaches kiosks at their next sync');

    await page.locator(byId('f.checkin.levels.3.id')).fill('ill-thu-10h15');
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'takes effect at the start of week' }).waitFor();
    assert.match(await page.locator('.status').textContent(), /week \d{4}-W\d{2}\./);

    // The rest before a new visit is an optional setting: set, it is published; cleared, the
    // document leaves it out and kiosks use the default.
    const rest = page.locator(byId('f.visit_rest_seconds'));
    await rest.fill('300');
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'Published version' }).waitFor();
    const kioskToken = await enrollKiosk(station, await adminToken(station));
    assert.equal((await kioskManifest(station, kioskToken)).json.document.visit_rest_seconds, 300);
    await rest.fill('');
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'Published version' }).waitFor();
    assert.equal((await kioskManifest(station, kioskToken)).json.document.visit_rest_seconds, undefined);
  });
});

test('an admin changes their password, adds and removes an admin, and signs out everywhere from Accounts', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await page.goto(`${station.baseUrl}/admin/`);
    await page.locator('#signin-form').waitFor();
    await signIn(page, station);
    const otherSession = await adminToken(station);
    await page.click('#main-nav a[data-view=accounts]');
    await page.locator('#password-current').waitFor();

    await page.fill('#password-current', station.password);
    await page.fill('#password-new', 'a new passphrase for admin');
    await page.click('#password-new >> xpath=ancestor::form//button[@type="submit"]');
    await page.locator('.message-ok', { hasText: 'Password changed' }).waitFor();
    const stale = await call(station.baseUrl, 'GET', '/api/v1/admin/kiosks', { token: otherSession });
    assert.equal(stale.status, 401, 'the other session ended with the change');
    const oldPassword = await call(station.baseUrl, 'POST', '/api/v1/admin/session', { body: { username: 'admin', password: station.password } });
    assert.equal(oldPassword.status, 401, 'the old password no longer signs in');

    await page.fill('#admin-name', 'bob');
    await page.fill('#admin-password', 'bob has a long password');
    await page.click('#admin-password >> xpath=ancestor::form//button[@type="submit"]');
    await page.locator('[data-remove-admin="bob"]').waitFor();
    await screenshot(page, 'console-accounts');
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('[data-remove-admin="bob"]');
    await page.locator('.message-ok', { hasText: 'Removed the admin' }).waitFor();
    assert.equal(await page.locator('[data-remove-admin="admin"]').isDisabled(), true, 'the last admin cannot be removed');

    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#signout-everywhere');
    await page.locator('#signin-view').waitFor({ state: 'visible' });
    assert.match(await page.locator('#signin-message').textContent(), /everywhere/);
  });
});

test('an admin puts a 24-hour number and an emergency number on Urgent help, ties a suggestion to a topic, and leaves optional words blank', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await page.goto(`${station.baseUrl}/admin/`);
    await page.locator('#signin-form').waitFor();
    await signIn(page, station);

    // The chaplain's number answered day and night joins Urgent help.
    await page.locator(byId('f.providers.2.phone_24h')).fill('555-0177');
    // The help screens wait longer than the others.
    await page.locator(byId('f.help_idle_timeout_seconds')).fill('240');
    // The first healthy suggestion only for people who chose Family (topic 4 of the list).
    const family = page.locator(byId('f.checkin.levels.0.suggestions.0.topics.3'));
    assert.equal(await page.locator(`label[for="${'f.checkin.levels.0.suggestions.0.topics.3'}"]`).textContent(), 'Family');
    await family.check();
    // The most serious level's first line cleared in every language: the generic heading.
    await page.locator(byId('f.checkin.levels.3.first_line.en')).fill('');
    await page.locator(byId('f.checkin.levels.3.first_line.es')).fill('');
    // The kiosk's own word for Home: blank, it shows the built-in one (the placeholder).
    const home = page.locator(byId('f.ui.home.es'));
    assert.equal(await home.getAttribute('placeholder'), 'Inicio');
    await page.locator(byId('f.ui.home.en')).fill('');
    await home.fill('');
    // A local dispatch number, without a description.
    await page.click(byId('f.emergency_numbers-add'));
    await page.locator(byId('f.emergency_numbers.1.id')).fill('dispatch');
    await page.locator(byId('f.emergency_numbers.1.name.en')).fill('Precinct dispatch');
    await page.locator(byId('f.emergency_numbers.1.name.es')).fill('Despacho de la comisaría');
    await page.locator(byId('f.emergency_numbers.1.call')).fill('555-0150');

    await page.click('#publish-button');
    // Each of these decides what a person can reach: it waits for the next week.
    await page.locator('.status', { hasText: 'takes effect at the start of week' }).waitFor();
    const kioskToken = await enrollKiosk(station, await adminToken(station));
    const document = (await kioskManifest(station, kioskToken)).json.document;
    assert.equal(document.providers[2].phone_24h, '555-0177');
    assert.equal(document.help_idle_timeout_seconds, 240);
    assert.deepEqual(document.checkin.levels[0].suggestions[0].topics, ['family']);
    assert.equal(document.checkin.levels[0].suggestions[1].topics, undefined);
    assert.equal(document.checkin.levels[3].first_line, undefined);
    assert.ok(document.checkin.levels[2].first_line.en, 'the other first line stays');
    assert.equal(document.ui.home, undefined);
    assert.deepEqual(document.emergency_numbers[1], {
      id: 'dispatch', name: { en: 'Precinct dispatch', es: 'Despacho de la comisaría' }, call: '555-0150',
    });

    // A first line in one language only is refused, next to the missing one.
    await page.locator(byId('f.checkin.levels.3.first_line.en')).fill('We are glad you are here.');
    await page.click('#publish-button');
    const errors = page.locator(byId('f.checkin.levels.3.first_line.es-errors'));
    await errors.waitFor({ state: 'visible' });
    assert.match(await errors.textContent(), /translation is missing/);
  });
});

test('two admins in two browsers publishing against each other: the second is stopped with a diff, merges, and neither change is lost; reloading drops only the stale edit', { timeout: 120000 }, async () => {
  const station = await startStation({ connectionsPerAddress: 64 });
  const first = await openBrowser();
  const second = await openBrowser();
  try {
    const pageA = await first.context.newPage();
    const pageB = await second.context.newPage();
    await signIn(pageA, station);
    await signIn(pageB, station);
    const live = async () => (await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token: await adminToken(station) })).json;

    await pageA.fill(byId('f.attract_text.en'), 'Take a breath. Tap anywhere.');
    await pageA.click('#publish-button');
    await pageA.locator('.status', { hasText: 'Published version 2' }).waitFor();

    // The second admin is still editing from version 1.
    await pageB.fill(byId('f.providers.0.booking_url'), 'https://booking.example.org/second');
    await pageB.click('#publish-button');
    await pageB.locator('#conflict', { hasText: 'version 2 was published' }).waitFor();
    assert.equal((await live()).version, '2', 'nothing was published over version 2');
    const theirRow = pageB.locator('#conflict-diff tr[data-field="/attract_text/en"]');
    assert.match(await theirRow.textContent(), /Take a breath\. Tap anywhere\./);
    assert.match(await theirRow.locator('td').nth(4).textContent(), /admin/);
    const myRow = pageB.locator('#conflict-diff tr[data-field="/providers/0/booking_url"]');
    assert.match(await myRow.textContent(), /booking\.example\.org\/second/);
    assert.equal((await myRow.locator('td').nth(4).textContent()).trim(), 'you');
    await screenshot(pageB, 'console-conflict');

    await pageB.click('#merge-button');
    assert.equal(await pageB.inputValue(byId('f.attract_text.en')), 'Take a breath. Tap anywhere.');
    await pageB.fill('#publish-note', 'New booking link – merged with the attract text fix');
    await pageB.click('#publish-button');
    await pageB.locator('.status', { hasText: 'Published version 3' }).waitFor();
    const versions = (await call(station.baseUrl, 'GET', '/api/v1/admin/content/versions', { token: await adminToken(station) })).json.versions;
    assert.equal(versions[0].note, 'New booking link – merged with the attract text fix');

    // The audit log shows the note and who signed in from where.
    await pageB.click('#main-nav a[data-view=audit]');
    await pageB.locator('#view-audit table').waitFor();
    const audit = await pageB.locator('#view-audit table').textContent();
    assert.match(audit, /New booking link – merged with the attract text fix/);
    assert.match(audit, /sign in.*from 127\.0\.0\.1/s);
    const merged = await live();
    assert.equal(merged.document.attract_text.en, 'Take a breath. Tap anywhere.', "the first admin's fix is kept");
    assert.equal(merged.document.providers[0].booking_url, 'https://booking.example.org/second');

    // Now the first admin is behind: reloading takes version 3 and drops only their stale edit.
    await pageA.fill(byId('f.attract_text.en'), 'A stale edit');
    await pageA.click('#publish-button');
    await pageA.locator('#conflict', { hasText: 'version 3 was published' }).waitFor();
    await pageA.click('#reload-button');
    await pageA.locator('.status', { hasText: 'Loaded version 3' }).waitFor();
    assert.equal(await pageA.inputValue(byId('f.providers.0.booking_url')), 'https://booking.example.org/second');
    assert.equal(await pageA.inputValue(byId('f.attract_text.en')), 'Take a breath. Tap anywhere.');
    assert.equal((await live()).version, '3');
    assert.deepEqual([...first.errors, ...second.errors], []);
  } finally {
    await first.close();
    await second.close();
    await station.stop();
  }
});

test('a laptop whose clock is ahead of the station by more than a session stays signed in, and a session ending on the summary page asks to sign in again and comes back to the same range', { timeout: 120000 }, async () => {
  // The station's clock is ten hours behind this browser's; a session lasts eight.
  const station = await startStation({ clockOffset: -10 * 3600 });
  const browser = await openBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, station);
    await page.reload();
    await page.locator('#publish-button').waitFor();
    assert.ok(await page.locator('#signin-view').isHidden(), 'still signed in after a reload');

    await page.goto(`${station.baseUrl}/summary/?from=2026-W40&to=2026-W47&period=month`);
    await page.locator('#token-state', { hasText: 'admin console session' }).waitFor();
    await page.locator('#results').waitFor();
    // The session ends on the station (signed out everywhere from another laptop).
    const other = await adminToken(station);
    assert.equal((await call(station.baseUrl, 'DELETE', '/api/v1/admin/sessions', { token: other })).status, 204);
    await page.click('#show');
    await page.locator('#sign-in-again').waitFor();
    assert.ok(await page.locator('#results').isHidden());
    await page.click('#sign-in-again');
    await page.locator('#signin-message', { hasText: 'go back to the summary' }).waitFor();
    await page.fill('#signin-username', 'admin');
    await page.fill('#signin-password', station.password);
    await page.click('#signin-form button[type=submit]');
    await page.waitForURL(/\/summary\/\?from=2026-W40&to=2026-W47&period=month$/);
    await page.locator('#results-meta', { hasText: '2026-W40' }).waitFor();
    assert.equal(await page.inputValue('#period'), 'month');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await station.stop();
  }
});

test('the console lands on the station status: silent, late and ok kiosks by the station\'s clock, what each runs against the live version, unused codes\' expiry, and a header badge', { timeout: 120000 }, async () => {
  const start = Date.UTC(2026, 10, 20, 9);
  const hours = (n) => n * 3600 * 1000;
  const contact = (station, token, version) => call(station.baseUrl, 'GET', '/api/v1/kiosk/content', { token, headers: { 'X-Content-Version': version } });
  let station = await startStation({ clockOffset: clockOffsetTo(start) });
  const browser = await openBrowser();
  try {
    const quiet = await enrollKiosk(station, await adminToken(station), 'basement room');
    assert.equal((await contact(station, quiet, '1')).status, 200);
    station = await restartStation(station, { clockOffset: clockOffsetTo(start + hours(67)) });
    const late = await enrollKiosk(station, await adminToken(station), 'second floor');
    assert.equal((await contact(station, late, '1')).status, 200);
    station = await restartStation(station, { clockOffset: clockOffsetTo(start + hours(73)) });
    const admin = await adminToken(station);
    const current = await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token: admin });
    const document = { ...current.json.document, idle_timeout_seconds: 75 };
    assert.equal((await call(station.baseUrl, 'PUT', '/api/v1/admin/content', { token: admin, body: document, headers: { 'If-Match': current.headers.get('etag') } })).status, 200);
    const fine = await enrollKiosk(station, admin, 'lobby');
    assert.equal((await contact(station, fine, '2')).status, 200);
    assert.equal((await call(station.baseUrl, 'POST', '/api/v1/admin/kiosks', { token: admin, body: { name: 'new room' } })).status, 201);

    const page = await browser.context.newPage();
    await page.goto(`${station.baseUrl}/admin/`);
    await page.fill('#signin-username', 'admin');
    await page.fill('#signin-password', station.password);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#view-status table').waitFor();
    assert.match(await page.locator('#status-summary').textContent(), /Needs attention: 1 kiosk silent, 1 kiosk late/);
    const row = (name) => page.locator('#view-status tbody tr', { hasText: name });
    assert.match(await row('basement room').textContent(), /Silent.*3 days ago.*runs version 1, live is 2/);
    assert.match(await row('second floor').textContent(), /Late.*6 h ago/);
    assert.match(await row('lobby').textContent(), /OK.*just now.*runs live version 2/);
    // 24 h from its making: 23 h once a second has passed before the page asked.
    assert.match(await row('new room').textContent(), /Waiting for enrollment.*expires in 2[34] h/);
    assert.equal(await page.locator('#view-status tbody tr').first().locator('[data-health]').getAttribute('data-health'), 'silent', 'worst first');
    assert.match(await page.locator('#status-storage').textContent(), /OK/);
    await screenshot(page, 'console-status');
    // The badge stays in the header on every page.
    await page.click('#main-nav a[data-view=tokens]');
    await page.locator('#view-tokens').waitFor();
    await page.locator('#health-badge', { hasText: '1 kiosk silent' }).waitFor();
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await station.stop();
  }
});

test('renaming an exercise\'s id in the console carries the check-in suggestions that point at it, and a rename onto another one\'s id moves nothing', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    await signIn(page, station);
    const id = page.locator(byId('f.exercises.1.id'));
    assert.equal(await id.inputValue(), '4-7-8');
    await id.fill('4-7-8-calm');
    await id.press('Tab');
    await page.locator('.status', { hasText: 'Renamed exercise "4-7-8" to "4-7-8-calm": 2 check-in suggestions' }).waitFor();
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'Published version' }).waitFor();
    const live = (await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token: await adminToken(station) })).json.document;
    const targets = live.checkin.levels.flatMap((level) => level.suggestions).map((s) => s.exercise_id).filter(Boolean);
    assert.equal(targets.filter((t) => t === '4-7-8-calm').length, 2);
    assert.ok(!targets.includes('4-7-8'));

    const topics = await page.locator('[id^="f.checkin.topics."][id$=".id"]').evaluateAll((inputs) => inputs.map((input) => [input.id, input.value]));
    const sleep = topics.find(([, value]) => value === 'sleep');
    assert.ok(sleep, `a topic "sleep" among ${topics.map(([, v]) => v)}`);
    const topic = page.locator(byId(sleep[0]));
    await topic.fill('grief');
    await topic.press('Tab');
    await page.locator('.status', { hasText: 'Another topic already has the id "grief"' }).waitFor();
  });
});

test('an unpublished edit is kept on the station as a draft: the same admin on another laptop resumes it and publishes it, and the draft is gone', { timeout: 120000 }, async () => {
  const station = await startStation({ connectionsPerAddress: 64 });
  const first = await openBrowser();
  const second = await openBrowser();
  try {
    const page = await first.context.newPage();
    await signIn(page, station);
    await page.fill(byId('f.attract_text.en'), 'Kept in a draft on the station');
    await page.locator('.status', { hasText: 'Draft saved on the station' }).waitFor();

    const other = await second.context.newPage();
    await signIn(other, station);
    await other.locator('#draft-offer', { hasText: 'based on version 1' }).waitFor();
    assert.equal(await other.inputValue(byId('f.attract_text.en')), 'Take a minute. Tap anywhere.', 'the draft is offered, not applied unasked');
    await other.click('#resume-draft');
    // The form is drawn again from the draft once the click is handled.
    await other.waitForFunction(([selector, wanted]) => document.querySelector(selector)?.value === wanted,
      [byId('f.attract_text.en'), 'Kept in a draft on the station'], { timeout: 20000 });
    assert.equal(await other.inputValue(byId('f.attract_text.en')), 'Kept in a draft on the station');
    await other.click('#publish-button');
    await other.locator('.status', { hasText: 'Published version 2' }).waitFor();
    const token = await adminToken(station);
    assert.equal((await call(station.baseUrl, 'GET', '/api/v1/admin/content/draft', { token })).status, 404);
    assert.equal((await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token })).json.document.attract_text.en, 'Kept in a draft on the station');
    assert.deepEqual([...first.errors, ...second.errors], []);
  } finally {
    await first.close();
    await second.close();
    await station.stop();
  }
});

// Publishes `change(document)` through the API as another admin would, based on the live version.
async function publishAsAnotherAdmin(station, change) {
  const token = await adminToken(station);
  const current = await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token });
  const document = structuredClone(current.json.document);
  change(document);
  const put = await call(station.baseUrl, 'PUT', '/api/v1/admin/content', { token, body: document, headers: { 'If-Match': `"content-${current.json.version}"` } });
  assert.equal(put.status, 200, put.text);
  return put.json.version;
}

test('a rollback based on a version another admin has replaced is stopped, shows the changes against the new live version, and goes through once confirmed again', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ station, page }) => {
    const first = (await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token: await adminToken(station) })).json;
    await publishAsAnotherAdmin(station, (doc) => { doc.idle_timeout_seconds = 90; }); // version 2
    await signIn(page, station);
    await page.click('[data-view="versions"]');
    await page.click(`[data-rollback="${first.version}"]`);
    await page.locator('#rollback-diff').waitFor();
    assert.equal(await page.getAttribute('#confirm-rollback', 'data-based-on'), '2');

    // Meanwhile another admin publishes version 3.
    await publishAsAnotherAdmin(station, (doc) => { doc.idle_timeout_seconds = 120; doc.tone_enabled = !doc.tone_enabled; });
    await page.click('#confirm-rollback');
    await page.locator('.message-error', { hasText: 'Not rolled back' }).waitFor();
    assert.equal(await page.getAttribute('#confirm-rollback', 'data-based-on'), '3', 'the review is against the version live now');
    assert.match(await page.locator('#rollback-diff caption').textContent(), /Live version 3/);
    assert.equal(await page.locator('#rollback-diff tr[data-field="/tone_enabled"]').count(), 1, 'the other admin\'s change is in the diff');
    const live = await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token: await adminToken(station) });
    assert.equal(live.json.version, '3', 'nothing was rolled back');

    await page.click('#confirm-rollback');
    await page.locator('.message-ok', { hasText: `version ${first.version} is live again` }).waitFor();
    const after = await call(station.baseUrl, 'GET', '/api/v1/admin/content', { token: await adminToken(station) });
    assert.equal(after.json.version, '4');
    assert.equal(after.json.document.idle_timeout_seconds, first.document.idle_timeout_seconds);
  });
});

test('the problems list links to each field, and a fixed field is marked edited at once while one set back is a problem again', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ page, station }) => {
    await signIn(page, station);
    await page.locator(byId('f.providers.0.booking_url')).fill('http://insecure.example.org/book');
    await page.locator(byId('f.providers.2.booking_url')).fill('http://insecure.example.org/chaplain');
    await page.click('#publish-button');
    const list = page.locator('#problem-list');
    await list.waitFor();
    assert.equal(await list.locator('li').count(), 2);
    assert.match(await page.locator('#problem-heading').textContent(), /2 problems to fix/);

    // The second problem's link takes the admin to that field, scrolled into view.
    await page.evaluate(() => window.scrollTo(0, 0));
    await list.locator('li').nth(1).locator('button.problem-link').click();
    const focused = await page.evaluate(() => document.activeElement.id);
    assert.equal(focused, 'f.providers.2.booking_url');
    const inView = await page.locator(byId('f.providers.2.booking_url')).evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });
    assert.ok(inView, 'the field is scrolled into view');

    // Fixing it updates the list at once, before any publish.
    await page.locator(byId('f.providers.2.booking_url')).fill('https://chaplain.example.org/');
    await page.locator('#problem-list li.problem-edited').waitFor();
    assert.match(await page.locator('#problem-heading').textContent(), /1 problem to fix, 1 edited/);
    assert.equal(await page.locator(byId('f.providers.2.booking_url')).getAttribute('aria-invalid'), null);
    // Set back to the refused value, it is a problem again.
    await page.locator(byId('f.providers.2.booking_url')).fill('http://insecure.example.org/chaplain');
    await page.locator('#problem-heading', { hasText: '2 problems to fix' }).waitFor();
    assert.equal(await page.locator('#problem-list li.problem-edited').count(), 0);

    // The first one by its link, fixed, and the publish goes through.
    await list.locator('li').nth(0).locator('button.problem-link').click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'f.providers.0.booking_url');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('https://eap.example.org/book');
    await page.locator(byId('f.providers.2.booking_url')).fill('https://chaplain.example.org/');
    assert.match(await page.locator('#problem-heading').textContent(), /0 problems to fix, 2 edited/);
    await page.click('#publish-button');
    await page.locator('.status', { hasText: 'Published version' }).waitFor();
    assert.ok(await page.locator('#problem-summary').isHidden());
  });
});

test('coordinator tokens show the day they were last used, and "never" before', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ page, station }) => {
    await signIn(page, station);
    await page.click('[data-view="tokens"]');
    await page.fill('#token-label', 'Region west');
    await page.click('#view-tokens form button[type=submit]');
    const token = (await page.locator('[data-once-value]').textContent()).trim();
    const lastUsed = () => page.locator('#view-tokens tbody tr', { hasText: 'Region west' }).locator('td').nth(3).textContent();
    assert.equal((await lastUsed()).trim(), 'never');
    assert.equal((await call(station.baseUrl, 'GET', '/api/v1/summary', { token })).status, 200);
    await page.click('[data-view="status"]');
    await page.click('[data-view="tokens"]');
    await page.locator('#view-tokens tbody tr', { hasText: 'Region west' }).waitFor();
    assert.match(await lastUsed(), /^today \(\d{1,2} \w{3} \d{4}\)$/);
    assert.match(await page.locator('#view-tokens thead').textContent(), /Last used/);
  });
});

test('an admin makes the metrics token on its page, shown once with the scrape lines; replacing it stops the old one and revoking stops all', TIMEOUT, async () => {
  await withStationAndBrowser(async ({ page, station }) => {
    page.on('dialog', (dialog) => dialog.accept());
    await signIn(page, station);
    await page.click('[data-view="metrics"]');
    await page.locator('#metrics-state', { hasText: 'No metrics token yet' }).waitFor();
    await page.click('#make-metrics-token');
    const first = (await page.locator('[data-once-value]').textContent()).trim();
    assert.match(first, /^m\./);
    const config = await page.locator('#scrape-config').textContent();
    assert.match(config, /credentials_file: \/etc\/prometheus\/wellness-metrics-token/);
    assert.ok(config.includes(new URL(station.baseUrl).host), 'the scrape target is this station');
    assert.match(await page.locator('#scrape-curl').textContent(), /\/metrics$/);
    const scrape = async (token) => (await call(station.baseUrl, 'GET', '/metrics', { token })).status;
    assert.equal(await scrape(first), 200);
    assert.match(await page.locator('#metrics-state').textContent(), /A metrics token is set/);

    await page.click('#make-metrics-token'); // "Replace the token…", confirmed
    await page.locator('[data-once-value]', { hasNotText: first }).waitFor();
    const second = (await page.locator('[data-once-value]').textContent()).trim();
    assert.equal(await scrape(second), 200);
    assert.equal(await scrape(first), 401, 'the replaced token no longer works');

    await page.click('#revoke-metrics-token');
    await page.locator('#metrics-state', { hasText: 'No metrics token yet' }).waitFor();
    assert.equal(await scrape(second), 401);
    assert.equal(await page.locator('[data-once-value]').count(), 0, 'the token is not shown again');
  });
});
