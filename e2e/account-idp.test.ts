import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../src/test-support/oidc-provider.js';
import { expectNoAxeViolations, jsModes, launchBrowser, newCitizenContext, screenshot } from './support/browser.js';
import { clickAndLoad, continueStep, fillDate, open } from './support/pages.js';
import { freePort, runCli, startPortal, type RunningPortal } from './support/server.js';

/**
 * Musterstadt with a citizen IdP (a real oidc-provider on 127.0.0.1, standing in for BundID) in
 * Chromium: Wohngeld requires the trust level "substantial", so the applicant is sent through the
 * IdP and comes back to the form; the new pages are checked with axe.
 */
describe('Citizen sign-in through the town\'s IdP and the Wohngeld step-up in the browser', { timeout: 300_000 }, () => {
  let dataDir: string;
  let portal: RunningPortal;
  let browser: Browser;
  let idp: TestIdp;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-e2e-account-idp-'));
    const port = await freePort();
    // The first start seeds the demo towns; the IdP is configured by the CLI while the portal is down.
    await (await startPortal({ dataDir, port })).stop();
    idp = await startTestIdp([{ clientId: 'rathaus-musterstadt', clientSecret: 'e2e-citizen-secret', redirectUris: [`http://localhost:${port}/konto/anmelden/idp/antwort`] }]);
    await runCli(dataDir, ['account-idp', 'set', '--tenant', 'musterstadt', '--issuer', idp.issuer, '--client-id', 'rathaus-musterstadt', '--secret-stdin', '--name', 'Bürger-Login'], 'e2e-citizen-secret\n');
    [portal, browser] = await Promise.all([startPortal({ dataDir, port }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await portal?.stop();
    await idp?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const mode of jsModes) {
    it(`signs in through the IdP at level substantial and reaches the Wohngeld form (${mode.name})`, async () => {
      const sub = `e2e-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      idp.accounts.set(sub, { sub, email: `${sub}@example.org`, emailVerified: true });
      const context = await newCitizenContext(browser, mode);
      const page = await context.newPage();
      await open(page, `${portal.baseUrl}/leistungen/wohngeld`);
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
      idp.nextSignIn = { accountId: sub, acr: 'requested' };
      await clickAndLoad(page, page.getByRole('link', { name: 'Weiter zu Bürger-Login' }));
      assert.equal(new URL(page.url()).pathname, '/leistungen/wohngeld/antrag', page.url());
      assert.equal(idp.requests.at(-1)?.acrValues[0], 'STORK-QAA-Level-3');
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Antragstellerin oder Antragsteller');
      if (mode.javaScriptEnabled) await expectNoAxeViolations(page, 'first Wohngeld step');

      await page.getByLabel('Vorname', { exact: true }).fill('Erika');
      await page.getByLabel('Nachname', { exact: true }).fill('Mustermann');
      await fillDate(page.getByLabel('Geburtsdatum', { exact: true }), '12.08.1984');
      await page.getByLabel('Straße').fill('Hauptstraße');
      await page.getByLabel('Hausnummer').fill('12a');
      await page.getByLabel('Postleitzahl').fill('45657');
      await page.getByLabel('Ort').fill('Musterstadt');
      await page.getByLabel('E-Mail-Adresse').fill(`${sub}@example.org`);
      await continueStep(page);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Ihre Wohnung');

      // Signed in: the account's security page shows the link to the IdP (the account's only way in).
      await open(page, `${portal.baseUrl}/konto/sicherheit`);
      const main = await page.getByRole('main').innerText();
      assert.match(main, /mit Bürger-Login verknüpft/);
      assert.match(main, /substanziell/);
      if (mode.javaScriptEnabled) await expectNoAxeViolations(page, 'security page with the IdP section');
      await context.close();
    });
  }

  it('shows the sign-in button and a refusal page that pass axe on a small screen', async () => {
    idp.accounts.set('e2e-unverified', { sub: 'e2e-unverified', email: 'e2e-unverified@example.org', emailVerified: false });
    const context = await newCitizenContext(browser, { javaScriptEnabled: true, width: 320 });
    const page = await context.newPage();
    await open(page, `${portal.baseUrl}/konto/anmelden`);
    await expectNoAxeViolations(page, 'citizen sign-in page with IdP at 320 px');
    await screenshot(page, 'account-idp-sign-in-320');
    idp.nextSignIn = { accountId: 'e2e-unverified' };
    const response = await clickAndLoad(page, page.getByRole('link', { name: 'Anmelden mit Bürger-Login' }));
    assert.equal(response?.status(), 403);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Wir brauchen eine bestätigte E-Mail-Adresse');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scrolling at 320 px');
    await expectNoAxeViolations(page, 'IdP refusal page');
    await screenshot(page, 'account-idp-refused-320');
    await context.close();
  });
});
