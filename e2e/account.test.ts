import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations, jsModes, newCitizenContext, screenshot, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, mailedLinkFor, open } from './support/pages.js';

/** Runs axe (only possible with JavaScript) and checks that nothing scrolls sideways at 320 px. */
async function checkPage(page: Page, name: string, javaScript: boolean): Promise<void> {
  if (javaScript) await expectNoAxeViolations(page, name);
  await page.setViewportSize({ width: 320, height: 800 });
  await screenshot(page, `account-${javaScript ? 'js' : 'nojs'}-${name}`);
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= 320, `${name} scrolls sideways at 320 px (${scrollWidth})`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

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

      await open(page, `${base}/`);
      await clickAndLoad(page, page.getByRole('link', { name: 'Mein Konto' }));
      assert.match(page.url(), /\/konto\/anmelden$/);
      await checkPage(page, 'login', js);
      await clickAndLoad(page, page.getByRole('link', { name: 'Konto anlegen' }));
      await page.getByLabel('E-Mail-Adresse').fill(email);
      await page.getByLabel('Passwort', { exact: true }).fill('passwort123');
      await clickAndLoad(page, page.getByRole('button', { name: 'Konto anlegen' }));
      assert.equal(await page.getByRole('alert').count(), 1);
      assert.equal(await page.getByLabel('E-Mail-Adresse').inputValue(), email, 'the address is kept');
      await checkPage(page, 'register-errors', js);
      await page.getByLabel('Passwort', { exact: true }).fill(password);
      await clickAndLoad(page, page.getByRole('button', { name: 'Konto anlegen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Bitte bestätigen Sie Ihre E-Mail-Adresse'));

      const link = await mailedLinkFor(page, base, `An: ${email}`, '/konto/bestaetigen');
      await open(page, link);
      await checkPage(page, 'confirm', js);
      await clickAndLoad(page, page.getByRole('button', { name: 'E-Mail-Adresse bestätigen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Ihr Konto ist freigeschaltet'));

      await page.getByLabel('E-Mail-Adresse').fill(email);
      await page.getByLabel('Passwort', { exact: true }).fill(password);
      await clickAndLoad(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
      assert.ok((await page.getByRole('main').innerText()).includes(`Angemeldet als ${email}`));
      await checkPage(page, 'overview', js);

      await clickAndLoad(page, page.getByRole('link', { name: 'Anmeldung und Sicherheit' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Diese Anmeldung'));
      await checkPage(page, 'security', js);

      await open(page, `${base}/konto/organisationen`);
      await clickAndLoad(page, page.getByRole('button', { name: 'Organisation anlegen' }));
      assert.equal(await page.getByRole('alert').count(), 1);
      await checkPage(page, 'organisations-errors', js);
      await page.getByLabel('Name der Organisation').fill('Gärtnerei Grünzeug GbR');
      await clickAndLoad(page, page.getByRole('button', { name: 'Organisation anlegen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Die Organisation wurde angelegt'));
      await checkPage(page, 'organisation', js);

      await open(page, `${base}/konto/daten`);
      await checkPage(page, 'data', js);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Alle Daten herunterladen (ZIP)' }).click()]);
      const zip = await download.path().then((p) => import('node:fs/promises').then((fs) => fs.readFile(p!)));
      assert.equal(zip.subarray(0, 2).toString(), 'PK', 'a ZIP file');

      await clickAndLoad(page, page.getByRole('link', { name: 'Konto löschen' }));
      await clickAndLoad(page, page.getByRole('button', { name: 'Konto endgültig löschen' }));
      assert.equal(await page.getByRole('alert').count(), 1);
      await checkPage(page, 'delete-errors', js);
      await page.getByLabel('Ja, ich möchte mein Konto endgültig löschen').check();
      await page.getByLabel('Passwort', { exact: true }).fill(password);
      await clickAndLoad(page, page.getByRole('button', { name: 'Konto endgültig löschen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Ihr Konto wurde gelöscht'));
      await checkPage(page, 'deleted', js);
      await context.close();
    });
  }
});
