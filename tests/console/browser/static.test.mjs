// The console's pages carry no inline script or style (the CSP forbids them, and a page that
// needs them would break), and the station sends the strict CSP with them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStation, call, STATION_SERVER } from '../lib/station.mjs';

const WEB = process.env.WEB_DIR || fileURLToPath(new URL('../../../station-server/web', import.meta.url));

async function filesUnder(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...await filesUnder(path));
    else found.push(path);
  }
  return found;
}

test('no HTML file under web/ has an inline script, an inline handler or a style attribute', async () => {
  const files = (await filesUnder(WEB)).filter((f) => f.endsWith('.html'));
  assert.ok(files.length >= 2, 'the admin and summary pages are there');
  const problems = [];
  for (const file of files) {
    const html = await readFile(file, 'utf8');
    const name = relative(WEB, file);
    for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      if (!/\bsrc\s*=/.test(match[1])) problems.push(`${name}: <script> without src`);
      if (match[2].trim()) problems.push(`${name}: <script> with a body`);
    }
    for (const match of html.matchAll(/<[a-z][^>]*\s(on[a-z]+)\s*=/gi)) problems.push(`${name}: inline handler ${match[1]}`);
    if (/<[a-z][^>]*\sstyle\s*=/i.test(html)) problems.push(`${name}: style attribute`);
    if (/<style\b/i.test(html)) problems.push(`${name}: <style> element`);
    if (/javascript:/i.test(html)) problems.push(`${name}: javascript: URL`);
    for (const match of html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)\s*=\s*"(https?:)?\/\//gi)) problems.push(`${name}: external resource ${match[0]}`);
  }
  assert.deepEqual(problems, []);
});

test('the scripts never build markup from strings, set style attributes or evaluate code', async () => {
  const files = (await filesUnder(WEB)).filter((f) => f.endsWith('.js'));
  assert.ok(files.length >= 4);
  const problems = [];
  for (const file of files) {
    const js = await readFile(file, 'utf8');
    const name = relative(WEB, file);
    if (/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/.test(js)) problems.push(`${name}: builds markup from a string`);
    if (/setAttribute\(\s*['"]style['"]/.test(js)) problems.push(`${name}: style attribute`);
    if (/\beval\s*\(|new Function\s*\(/.test(js)) problems.push(`${name}: evaluates code`);
    if (/document\.cookie\s*=|localStorage/.test(js)) problems.push(`${name}: keeps state outside sessionStorage`);
  }
  assert.deepEqual(problems, []);
});

test('the station serves the console and summary pages with a strict Content-Security-Policy', { timeout: 60000, skip: !STATION_SERVER && 'STATION_SERVER not set' }, async () => {
  const station = await startStation();
  try {
    for (const path of ['/admin/', '/summary/', '/admin/js/main.js', '/summary/summary.css']) {
      const answer = await call(station.baseUrl, 'GET', path);
      assert.equal(answer.status, 200, path);
      const csp = answer.headers.get('content-security-policy') || '';
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.match(csp, /default-src 'self'/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
    }
  } finally {
    await station.stop();
  }
});

test('the console\'s files come gzipped with an ETag, and a reload in chromium revalidates them (304) instead of downloading them again', { timeout: 90000, skip: !STATION_SERVER && 'STATION_SERVER not set' }, async () => {
  const { openBrowser, signIn } = await import('../lib/browser.mjs');
  const station = await startStation();
  const browser = await openBrowser();
  try {
    // Node's fetch asks for gzip and unpacks it: what arrives is the file, byte for byte.
    const script = await call(station.baseUrl, 'GET', '/admin/js/content-editor.js');
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-encoding'), 'gzip');
    assert.equal(script.headers.get('vary'), 'Accept-Encoding');
    assert.equal(script.text, await readFile(join(WEB, 'admin/js/content-editor.js'), 'utf8'));
    const etag = script.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]+-gzip"$/);
    const again = await call(station.baseUrl, 'GET', '/admin/js/content-editor.js', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');

    const page = await browser.context.newPage();
    await signIn(page, station);
    const seen = [];
    page.on('response', async (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/admin/')) seen.push({ path, status: response.status(), asked: (await response.request().allHeaders())['if-none-match'], document: response.request().isNavigationRequest() });
    });
    await page.reload();
    await page.locator('#publish-button').waitFor();
    const files = seen.filter((entry) => !entry.document);
    assert.ok(files.length >= 4, `the page's files were asked for: ${seen.map((entry) => entry.path)}`);
    assert.deepEqual(files.filter((entry) => entry.status !== 304), [], 'every file revalidated as unchanged');
    // Chromium shows a revalidated page itself as 200 from its cache; what it asked is the test.
    const html = seen.find((entry) => entry.document);
    assert.equal(html.asked, (await call(station.baseUrl, 'GET', '/admin/')).headers.get('etag'));
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await station.stop();
  }
});
