import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPage, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, open } from './support/pages.js';
import { phoneJpeg } from '../src/test-support/reports.js';

describe('Mängelmelder: a citizen reports a pothole without a map', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`reports by street and house number with a photo; form, errors, receipt, list and report page pass axe and fit 320 px (${mode.name})`, async () => {
      const prefix = `maengel-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      const base = suite.portal.baseUrl;

      await open(page, `${base}/maengel/melden`);
      await checkPage(page, 'report-form', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });

      // A mistake first: no place given.
      await page.getByLabel('Was möchten Sie melden?').selectOption('schlagloch');
      await page.getByLabel('Beschreibung').fill('Tiefes Schlagloch auf dem Radweg, etwa 40 cm breit.');
      const refused = await clickAndLoad(page, page.getByRole('button', { name: 'Meldung absenden' }));
      assert.equal(refused?.status(), 422);
      await checkPage(page, 'report-form-errors', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });
      assert.equal(await page.getByLabel('Beschreibung').inputValue(), 'Tiefes Schlagloch auf dem Radweg, etwa 40 cm breit.');

      await page.getByLabel(/^Straße/).selectOption({ label: 'Hauptstraße' });
      await page.getByLabel('Hausnummer oder nächstgelegene Hausnummer').fill('7');
      await page.getByLabel('Fotos').setInputFiles({ name: 'schlagloch.jpg', mimeType: 'image/jpeg', buffer: await phoneJpeg() });
      const sent = await clickAndLoad(page, page.getByRole('button', { name: 'Meldung absenden' }));
      assert.equal(sent?.status(), 200);
      assert.match(page.url(), /\/maengel\/[0-9a-f-]{36}\/eingang$/);
      await page.getByRole('heading', { name: 'Vielen Dank für Ihre Meldung' }).waitFor();
      await checkPage(page, 'report-receipt', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });

      await clickAndLoad(page, page.getByRole('link', { name: 'Öffentliche Seite der Meldung' }));
      assert.ok((await page.content()).includes('Hauptstraße, Umgebung'));
      assert.equal((await page.content()).includes('Tiefes Schlagloch'), false, 'the description waits for review');
      await checkPage(page, 'report-page', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });

      await clickAndLoad(page, page.getByRole('link', { name: 'Zurück zu allen Meldungen' }));
      await checkPage(page, 'report-list', { javaScript: mode.javaScriptEnabled, shotPrefix: prefix });
      await context.close();
    });
  }
});
