import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { registerAndSignIn } from './support/accounts.js';
import { checkPage, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, continueStep, fillDate, fillDemoAddress, germanDate, open } from './support/pages.js';

/** Fills the Gewerbeanmeldung's steps after the first one (person, activity, premises). */
async function fillLaterSteps(page: Page): Promise<void> {
  await page.getByLabel('Vorname', { exact: true }).fill('Alma');
  await page.getByLabel('Nachname', { exact: true }).fill('Korn');
  await fillDate(page.getByLabel('Geburtsdatum', { exact: true }), '12.08.1980');
  await page.getByLabel('Geburtsort').fill('Essen');
  await page.getByLabel('Staatsangehörigkeit').selectOption({ label: 'Deutsch' });
  await fillDemoAddress(page.getByRole('group', { name: 'Wohnanschrift' }));
  await page.getByLabel('E-Mail-Adresse').fill('backstube@example.org');
  await page.getByLabel('Telefonnummer').fill('02361 12345');
  await continueStep(page);
  await fillDate(page.getByLabel('Beginn der Tätigkeit'), germanDate(7));
  await page.getByLabel('Angemeldete Tätigkeit').fill('Herstellung und Verkauf von Backwaren');
  await page.getByRole('group', { name: 'Art des Betriebs' }).getByLabel('Handwerk').check();
  await page.getByRole('group', { name: 'Betreiben Sie das Gewerbe im Nebenerwerb?' }).getByLabel('Nein').check();
  await page.getByLabel('Zahl der Beschäftigten in Vollzeit').fill('3');
  await page.getByLabel('Zahl der Beschäftigten in Teilzeit').fill('2');
  await continueStep(page);
  await fillDemoAddress(page.getByRole('group', { name: 'Anschrift der Betriebsstätte' }));
  await page.getByRole('group', { name: 'Ist das die Hauptniederlassung?' }).getByLabel('Ja').check();
  await continueStep(page);
}

/**
 * A business applies (issue 4, item 9; ADR 0023): a newcomer founds the organisation, starts the
 * Gewerbeanmeldung, is asked for whom, chooses the organisation, finds its name filled in, sees it
 * on the check page and sends. The new pages pass axe and fit 320 px.
 */
describe('Gewerbeanmeldung in the name of an organisation', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`asks for whom, names the organisation and sends (${mode.name})`, async () => {
      const base = suite.portal.baseUrl;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      const check = (name: string) => checkPage(page, name, { javaScript: mode.javaScriptEnabled, shotPrefix: 'organisation-application' });
      await registerAndSignIn(page, base);
      await open(page, `${base}/konto/organisationen`);
      await page.getByLabel('Name der Organisation').fill('Bäckerei Korn GmbH');
      await clickAndLoad(page, page.getByRole('button', { name: 'Organisation anlegen' }));

      await open(page, `${base}/leistungen/gewerbeanmeldung/antrag`);
      assert.equal(new URL(page.url()).pathname, '/leistungen/gewerbeanmeldung/antrag/fuer-wen');
      await check('for whom');
      await continueStep(page);
      assert.match(await page.getByRole('alert').innerText(), /Wählen Sie aus, für wen Sie den Antrag stellen/);
      await check('for whom refused');
      await page.getByLabel('Im Namen von Bäckerei Korn GmbH').check();
      await continueStep(page);

      assert.equal(await page.getByLabel('Name des Betriebs oder Firma').inputValue(), 'Bäckerei Korn GmbH');
      await page.getByLabel('Rechtsform').selectOption({ label: 'Gesellschaft mit beschränkter Haftung (GmbH)' });
      await continueStep(page);
      await fillLaterSteps(page);

      assert.equal(new URL(page.url()).pathname.endsWith('/pruefen'), true, page.url());
      const applicant = page.getByRole('region', { name: 'Antrag gestellt für' });
      assert.match(await applicant.innerText(), /Im Namen von Bäckerei Korn GmbH/);
      await check('check page with the organisation');
      await clickAndLoad(page, applicant.getByRole('link', { name: /Ändern/ }));
      assert.equal(await page.getByLabel('Im Namen von Bäckerei Korn GmbH').isChecked(), true, 'the current choice is selected');
      await continueStep(page);

      await page.getByLabel('Ich bestätige die Erklärung').check();
      await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
      const reference = await page.getByTestId('reference').innerText();
      await open(page, `${base}/konto/antraege`);
      assert.match(await page.getByRole('row').filter({ hasText: reference }).innerText(), /im Namen von Bäckerei Korn GmbH/);
      await check('my applications with the organisation');
      await context.close();
    });
  }
});
