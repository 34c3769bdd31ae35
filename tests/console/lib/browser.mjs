// Debian's chromium, headless, driven by playwright-core, with a fresh profile per test.

import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOT_DIR = process.env.CONSOLE_SCREENSHOTS_DIR || '';

export async function openBrowser({ width = 1100, height = 800 } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(15000);
  const errors = [];
  context.on('page', (page) => {
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(message.text());
    });
  });
  return {
    context,
    errors,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

// Screenshots for the README only when asked (CONSOLE_SCREENSHOTS_DIR), viewport-sized to stay small.
export async function screenshot(page, name) {
  if (!SCREENSHOT_DIR) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

// Signs in on the content editor (the console otherwise lands on the station status).
export async function signIn(page, station) {
  await page.goto(`${station.baseUrl}/admin/#content`);
  await page.fill('#signin-username', 'admin');
  await page.fill('#signin-password', station.password);
  await page.click('#signin-form button[type=submit]');
  await page.locator('#publish-button').waitFor();
}

// Escapes a field id made from a JSON pointer ("f.providers.0.booking_url") for CSS.
export function byId(id) {
  return `[id="${id}"]`;
}
