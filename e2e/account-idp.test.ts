import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { e2eIdpClient, expectNoAxeViolations, jsModes, newCitizenContext, screenshot, usePortalWithIdp } from './support/browser.js';
import { clickAndLoad, continueStep, fillDemoApplicant, open } from './support/pages.js';

/**
 * Musterstadt with a citizen IdP (a real oidc-provider on 127.0.0.1, standing in for BundID) in
 * Chromium: Wohngeld requires the trust level "substantial", so the applicant is sent through the
 * IdP and comes back to the form; the new pages are checked with axe.
 */
describe('Citizen sign-in through the town\'s IdP and the Wohngeld step-up in the browser', { timeout: 300_000 }, () => {
  const suite = usePortalWithIdp('/konto/anmelden/idp/antwort', async (cli, idp) => {
    await cli(['account-idp', 'set', '--tenant', 'musterstadt', '--issuer', idp.issuer, '--client-id', e2eIdpClient.clientId, '--secret-stdin', '--name', 'Bürger-Login'], `${e2eIdpClient.clientSecret}\n`);
  });

  for (const mode of jsModes) {
    it(`signs in through the IdP at level substantial and reaches the Wohngeld form (${mode.name})`, async () => {
      const sub = `e2e-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      suite.idp.accounts.set(sub, { sub, email: `${sub}@example.org`, emailVerified: true });
      const context = await newCitizenContext(suite.browser, mode);
      const page = await context.newPage();
      await open(page, `${suite.portal.baseUrl}/leistungen/wohngeld`);
      assert.match(await page.getByRole('main').innerText(), /Vertrauensniveau „substanziell“/);
      // axe runs as a script in the page: only where scripts run.
      if (mode.javaScriptEnabled) await expectNoAxeViolations(page, 'Wohngeld service page with its trust level');

      await clickAndLoad(page, page.getByRole('link', { name: 'Online beantragen' }));
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Für diesen Antrag müssen Sie sich ausweisen');
      if (mode.javaScriptEnabled) {
        await expectNoAxeViolations(page, 'step-up page');
        await screenshot(page, 'account-idp-step-up');
      }

      // The IdP leads the person to the method of the level asked for (acr_values).
      suite.idp.nextSignIn = { accountId: sub, acr: 'requested' };
      await clickAndLoad(page, page.getByRole('link', { name: 'Weiter zu Bürger-Login' }));
      assert.equal(new URL(page.url()).pathname, '/leistungen/wohngeld/antrag', page.url());
      assert.equal(suite.idp.requests.at(-1)?.acrValues[0], 'STORK-QAA-Level-3');
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Antragstellerin oder Antragsteller');
      if (mode.javaScriptEnabled) await expectNoAxeViolations(page, 'first Wohngeld step');

      await fillDemoApplicant(page, `${sub}@example.org`);
      await continueStep(page);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Ihre Wohnung');

      // Signed in: the account's security page shows the link to the IdP (the account's only way in).
      await open(page, `${suite.portal.baseUrl}/konto/sicherheit`);
      const main = await page.getByRole('main').innerText();
      assert.match(main, /mit Bürger-Login verknüpft/);
      assert.match(main, /substanziell/);
      if (mode.javaScriptEnabled) await expectNoAxeViolations(page, 'security page with the IdP section');
      await context.close();
    });
  }

  it('shows the sign-in button and a refusal page that pass axe on a small screen', async () => {
    suite.idp.accounts.set('e2e-unverified', { sub: 'e2e-unverified', email: 'e2e-unverified@example.org', emailVerified: false });
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true, width: 320 });
    const page = await context.newPage();
    await open(page, `${suite.portal.baseUrl}/konto/anmelden`);
    await expectNoAxeViolations(page, 'citizen sign-in page with IdP at 320 px');
    await screenshot(page, 'account-idp-sign-in-320');
    suite.idp.nextSignIn = { accountId: 'e2e-unverified' };
    const response = await clickAndLoad(page, page.getByRole('link', { name: 'Anmelden mit Bürger-Login' }));
    assert.equal(response?.status(), 403);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Wir brauchen eine bestätigte E-Mail-Adresse');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scrolling at 320 px');
    await expectNoAxeViolations(page, 'IdP refusal page');
    await screenshot(page, 'account-idp-refused-320');
    await context.close();
  });
});
