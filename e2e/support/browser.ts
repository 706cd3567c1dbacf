import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../../src/test-support/oidc-provider.js';
import { freePort, runCliOn, startPortal, type RunningPortal } from './server.js';

/** Debian's Chromium; CI installs it with apt. Never a downloaded Playwright build. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where journeys put screenshots for people to look at. */
export const screenshotDir = process.env.E2E_SCREENSHOT_DIR ?? '/tmp/e2e-shots';

/** Launches headless Chromium with everything that phones home switched off. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}; install it with: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

/** A fresh browser profile (no cookies) as a German user would have it, with or without JavaScript. */
export async function newCitizenContext(browser: Browser, options: { javaScriptEnabled: boolean; width?: number }): Promise<BrowserContext> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled,
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    acceptDownloads: true,
    viewport: { width: options.width ?? 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  return context;
}

/** Both ways every journey runs: the portal must work the same without JavaScript. */
export const jsModes = [
  { name: 'with JavaScript', javaScriptEnabled: true },
  { name: 'without JavaScript', javaScriptEnabled: false },
] as const;

/** Fails with a readable list when axe finds any WCAG 2.1 A/AA violation on the current page. */
export async function expectNoAxeViolations(page: Page, label = page.url()): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  if (result.violations.length > 0) {
    const lines = result.violations.flatMap((v) => [
      `  [${v.impact ?? '?'}] ${v.id}: ${v.help} (${v.helpUrl})`,
      ...v.nodes.slice(0, 5).map((n) => `      at ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`),
    ]);
    throw new Error(`axe found ${result.violations.length} violation(s) on ${label}:\n${lines.join('\n')}`);
  }
}

/** WCAG 1.4.10 Reflow: at 320 CSS pixels nothing may need horizontal scrolling. */
export async function expectNoHorizontalScroll(page: Page, name: string, shotPrefix: string): Promise<void> {
  await screenshot(page, `${shotPrefix}-${name}`);
  const { scrollWidth, clientWidth, offenders } = await page.evaluate(() => {
    const root = document.documentElement;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')} (right ${Math.round(el.getBoundingClientRect().right)})`);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, offenders: wide };
  });
  assert.ok(scrollWidth <= 320, `${name} (${page.url()}) scrolls horizontally: scrollWidth ${scrollWidth} > 320 (client ${clientWidth}); too wide: ${offenders.join(', ')}`);
}

/**
 * The checks every page a citizen sees must pass: axe (only with JavaScript, which axe needs in
 * the page) at full width, then no sideways scrolling at 320 px, with a screenshot named
 * `${shotPrefix}-${name}`. The viewport is back at 1280 × 900 afterwards.
 */
export async function checkPage(page: Page, name: string, options: { javaScript: boolean; shotPrefix: string }): Promise<void> {
  if (options.javaScript) await expectNoAxeViolations(page, name);
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoHorizontalScroll(page, name.replace(/\W+/g, '-'), options.shotPrefix);
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Saves a full-page screenshot under screenshotDir and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const file = `${screenshotDir}/${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Starts a portal and Chromium before the enclosing suite's tests and stops both afterwards.
 * Call inside describe(); read `suite.portal` and `suite.browser` inside the tests.
 */
export function usePortalAndBrowser(options: { env?: Record<string, string> } = {}): { portal: RunningPortal; browser: Browser } {
  const suite = {} as { portal: RunningPortal; browser: Browser };
  before(async () => {
    [suite.portal, suite.browser] = await Promise.all([startPortal({ env: options.env }), launchBrowser()]);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.portal?.stop();
  });
  return suite;
}

/** Musterstadt's client at the test IdP of usePortalWithIdp. */
export const e2eIdpClient = { clientId: 'rathaus-musterstadt', clientSecret: 'e2e-client-secret' } as const;

/**
 * Like usePortalAndBrowser, with a real test IdP on 127.0.0.1 that knows Musterstadt's client
 * (redirect URI `callbackPath` on localhost): the first start seeds the demo towns, then
 * `configure` runs the CLI (`cli(args, stdin)`) while the portal is down, and the portal starts again.
 */
export function usePortalWithIdp(callbackPath: string, configure: (cli: (args: string[], stdin?: string) => Promise<string>, idp: TestIdp) => Promise<void>): { portal: RunningPortal; browser: Browser; idp: TestIdp } {
  const suite = {} as { portal: RunningPortal; browser: Browser; idp: TestIdp };
  let dataDir: string | undefined;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-e2e-idp-'));
    const port = await freePort();
    await (await startPortal({ dataDir, port })).stop();
    suite.idp = await startTestIdp([{ ...e2eIdpClient, redirectUris: [`http://localhost:${port}${callbackPath}`] }]);
    await configure((args, stdin) => runCliOn(dataDir!, args, stdin), suite.idp);
    [suite.portal, suite.browser] = await Promise.all([startPortal({ dataDir, port }), launchBrowser()]);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.portal?.stop();
    await suite.idp?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return suite;
}
