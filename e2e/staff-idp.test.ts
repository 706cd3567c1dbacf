import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../src/test-support/oidc-provider.js';
import { expectNoAxeViolations, jsModes, launchBrowser, newCitizenContext, screenshot } from './support/browser.js';
import { clickAndLoad, open } from './support/pages.js';
import { freePort, runCli as cli, startPortal, type RunningPortal } from './support/server.js';

/**
 * Musterstadt with its own IdP (a real oidc-provider on 127.0.0.1) in Chromium: the button on the
 * sign-in page, the round trip through the IdP with its cookies and redirects (CSP, SameSite), and
 * the pages it ends on, each checked with axe.
 */
describe('Staff sign-in through the town\'s IdP in the browser', { timeout: 300_000 }, () => {
  let dataDir: string;
  let portal: RunningPortal;
  let browser: Browser;
  let idp: TestIdp;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-e2e-idp-'));
    const port = await freePort();
    // The first start seeds the demo towns; the IdP is configured by the CLI while the portal is down.
    await (await startPortal({ dataDir, port })).stop();
    idp = await startTestIdp([{ clientId: 'rathaus-musterstadt', clientSecret: 'e2e-client-secret', redirectUris: [`http://localhost:${port}/verwaltung/anmelden/oidc/callback`] }]);
    await cli(dataDir, ['staff-idp', 'set', '--tenant', 'musterstadt', '--issuer', idp.issuer, '--client-id', 'rathaus-musterstadt', '--secret-stdin', '--name', 'Musterstadt-Konto'], 'e2e-client-secret\n');
    await cli(dataDir, ['staff-idp', 'link', '--tenant', 'musterstadt', '--email', 'zentrale@musterstadt.example', '--subject', 'e2e-zentrale']);
    idp.accounts.set('e2e-zentrale', { sub: 'e2e-zentrale' });
    idp.accounts.set('e2e-stranger', { sub: 'e2e-stranger' });
    [portal, browser] = await Promise.all([startPortal({ dataDir, port }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await portal?.stop();
    await idp?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const mode of jsModes) {
    it(`signs in through the IdP with its second factor and reaches the inbox (${mode.name})`, async () => {
      const context = await newCitizenContext(browser, mode);
      const page = await context.newPage();
      await open(page, `${portal.baseUrl}/verwaltung/anmelden`);
      // axe runs as a script in the page: only where scripts run.
      if (mode.javaScriptEnabled) await expectNoAxeViolations(page, 'sign-in page with IdP');
      idp.nextSignIn = { accountId: 'e2e-zentrale', amr: ['pwd', 'mfa'] };
      await clickAndLoad(page, page.getByRole('link', { name: 'Anmelden mit Musterstadt-Konto' }));
      assert.equal(new URL(page.url()).pathname, '/verwaltung', page.url());
      assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1);
      await context.close();
    });
  }

  it('asks for the Rathaus second factor after an IdP sign-in with a password only', async () => {
    const context = await newCitizenContext(browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await open(page, `${portal.baseUrl}/verwaltung/anmelden`);
    idp.nextSignIn = { accountId: 'e2e-zentrale', amr: ['pwd'] };
    await clickAndLoad(page, page.getByRole('link', { name: 'Anmelden mit Musterstadt-Konto' }));
    // The demo account has no authenticator app yet (IdP sign-ins with MFA never asked): enrolment.
    const secondFactor = new URL(page.url()).pathname;
    assert.match(secondFactor, /^\/verwaltung\/anmelden\/(einrichten|code)$/, page.url());
    await expectNoAxeViolations(page, 'second factor after IdP sign-in');
    // Half signed in: the inbox sends back to the second factor.
    await open(page, `${portal.baseUrl}/verwaltung`);
    assert.equal(new URL(page.url()).pathname, secondFactor);
    await context.close();
  });

  it('refuses an unlinked IdP account with a page that passes axe on a small screen', async () => {
    const context = await newCitizenContext(browser, { javaScriptEnabled: true, width: 320 });
    const page = await context.newPage();
    await open(page, `${portal.baseUrl}/verwaltung/anmelden`);
    await expectNoAxeViolations(page, 'sign-in page with IdP at 320 px');
    await screenshot(page, 'staff-idp-sign-in-320');
    idp.nextSignIn = { accountId: 'e2e-stranger', amr: ['mfa'] };
    const response = await clickAndLoad(page, page.getByRole('link', { name: 'Anmelden mit Musterstadt-Konto' }));
    assert.equal(response?.status(), 403);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Kein Zugang für dieses Konto');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scrolling at 320 px');
    await expectNoAxeViolations(page, 'IdP refusal page');
    await screenshot(page, 'staff-idp-refused-320');
    await context.close();
  });
});
