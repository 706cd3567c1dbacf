import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { e2eIdpClient, expectNoAxeViolations, jsModes, newCitizenContext, screenshot, usePortalWithIdp } from './support/browser.js';
import { clickAndLoad, open } from './support/pages.js';

/**
 * Musterstadt with its own IdP (a real oidc-provider on 127.0.0.1) in Chromium: the button on the
 * sign-in page, the round trip through the IdP with its cookies and redirects (CSP, SameSite), and
 * the pages it ends on, each checked with axe.
 */
describe('Staff sign-in through the town\'s IdP in the browser', { timeout: 300_000 }, () => {
  const suite = usePortalWithIdp('/verwaltung/anmelden/oidc/callback', async (cli, idp) => {
    await cli(['staff-idp', 'set', '--tenant', 'musterstadt', '--issuer', idp.issuer, '--client-id', e2eIdpClient.clientId, '--secret-stdin', '--name', 'Musterstadt-Konto'], `${e2eIdpClient.clientSecret}\n`);
    await cli(['staff-idp', 'link', '--tenant', 'musterstadt', '--email', 'zentrale@musterstadt.example', '--subject', 'e2e-zentrale']);
    idp.accounts.set('e2e-zentrale', { sub: 'e2e-zentrale' });
    idp.accounts.set('e2e-stranger', { sub: 'e2e-stranger' });
  });

  for (const mode of jsModes) {
    it(`signs in through the IdP with its second factor and reaches the inbox (${mode.name})`, async () => {
      const context = await newCitizenContext(suite.browser, mode);
      const page = await context.newPage();
      await open(page, `${suite.portal.baseUrl}/verwaltung/anmelden`);
      // axe runs as a script in the page: only where scripts run.
      if (mode.javaScriptEnabled) await expectNoAxeViolations(page, 'sign-in page with IdP');
      suite.idp.nextSignIn = { accountId: 'e2e-zentrale', amr: ['pwd', 'mfa'] };
      await clickAndLoad(page, page.getByRole('link', { name: 'Anmelden mit Musterstadt-Konto' }));
      assert.equal(new URL(page.url()).pathname, '/verwaltung', page.url());
      assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1);
      await context.close();
    });
  }

  it('asks for the Rathaus second factor after an IdP sign-in with a password only', async () => {
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await open(page, `${suite.portal.baseUrl}/verwaltung/anmelden`);
    suite.idp.nextSignIn = { accountId: 'e2e-zentrale', amr: ['pwd'] };
    await clickAndLoad(page, page.getByRole('link', { name: 'Anmelden mit Musterstadt-Konto' }));
    // The demo account has no authenticator app yet (IdP sign-ins with MFA never asked): enrolment.
    const secondFactor = new URL(page.url()).pathname;
    assert.match(secondFactor, /^\/verwaltung\/anmelden\/(einrichten|code)$/, page.url());
    await expectNoAxeViolations(page, 'second factor after IdP sign-in');
    // Half signed in: the inbox sends back to the second factor.
    await open(page, `${suite.portal.baseUrl}/verwaltung`);
    assert.equal(new URL(page.url()).pathname, secondFactor);
    await context.close();
  });

  it('refuses an unlinked IdP account with a page that passes axe on a small screen', async () => {
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true, width: 320 });
    const page = await context.newPage();
    await open(page, `${suite.portal.baseUrl}/verwaltung/anmelden`);
    await expectNoAxeViolations(page, 'sign-in page with IdP at 320 px');
    await screenshot(page, 'staff-idp-sign-in-320');
    suite.idp.nextSignIn = { accountId: 'e2e-stranger', amr: ['mfa'] };
    const response = await clickAndLoad(page, page.getByRole('link', { name: 'Anmelden mit Musterstadt-Konto' }));
    assert.equal(response?.status(), 403);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Kein Zugang für dieses Konto');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scrolling at 320 px');
    await expectNoAxeViolations(page, 'IdP refusal page');
    await screenshot(page, 'staff-idp-refused-320');
    await context.close();
  });
});
