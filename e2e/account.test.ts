import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findRegistration, registerAndSignIn } from './support/accounts.js';
import { checkPage, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, open, type PageCheck } from './support/pages.js';

describe('A citizen creates an account, uses it and deletes it', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`registration, confirmation, sign-in, security, organisation, export and deletion (${mode.name})`, async () => {
      const base = suite.portal.baseUrl;
      const js = mode.javaScriptEnabled;
      const email = `e2e-${js ? 'js' : 'nojs'}-${Date.now()}@example.org`;
      const password = 'Sonnenblumen am Bahnhof 7';
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: js });
      const page = await context.newPage();
      const check: PageCheck = (p, name) => checkPage(p, name, { javaScript: js, shotPrefix: `account-${js ? 'js' : 'nojs'}` });

      // A password from the list of common ones is refused, the address kept; then the registration goes through.
      await findRegistration(page, base, check);
      await page.getByLabel('E-Mail-Adresse').fill(email);
      await page.getByLabel('Passwort', { exact: true }).fill('passwort123');
      await clickAndLoad(page, page.getByRole('button', { name: 'Konto anlegen' }));
      assert.equal(await page.getByRole('alert').count(), 1);
      assert.equal(await page.getByLabel('E-Mail-Adresse').inputValue(), email, 'the address is kept');
      await registerAndSignIn(page, base, { email, password }, check); // checks the page with the error first
      assert.ok((await page.getByRole('main').innerText()).includes(`Angemeldet als ${email}`));

      await clickAndLoad(page, page.getByRole('link', { name: 'Anmeldung und Sicherheit' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Diese Anmeldung'));
      await check(page, 'security');

      await open(page, `${base}/konto/organisationen`);
      await clickAndLoad(page, page.getByRole('button', { name: 'Organisation anlegen' }));
      assert.equal(await page.getByRole('alert').count(), 1);
      await check(page, 'organisations-errors');
      await page.getByLabel('Name der Organisation').fill('Gärtnerei Grünzeug GbR');
      await clickAndLoad(page, page.getByRole('button', { name: 'Organisation anlegen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Die Organisation wurde angelegt'));
      await check(page, 'organisation');

      await open(page, `${base}/konto/daten`);
      await check(page, 'data');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Alle Daten herunterladen (ZIP)' }).click()]);
      const zip = await download.path().then((p) => import('node:fs/promises').then((fs) => fs.readFile(p!)));
      assert.equal(zip.subarray(0, 2).toString(), 'PK', 'a ZIP file');

      await clickAndLoad(page, page.getByRole('link', { name: 'Konto löschen' }));
      await clickAndLoad(page, page.getByRole('button', { name: 'Konto endgültig löschen' }));
      assert.equal(await page.getByRole('alert').count(), 1);
      await check(page, 'delete-errors');
      await page.getByLabel('Ja, ich möchte mein Konto endgültig löschen').check();
      await page.getByLabel('Passwort', { exact: true }).fill(password);
      await clickAndLoad(page, page.getByRole('button', { name: 'Konto endgültig löschen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Ihr Konto wurde gelöscht'));
      await check(page, 'deleted');
      await context.close();
    });
  }
});
