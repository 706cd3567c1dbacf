import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations, expectNoHorizontalScroll, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, continueStep, fillDate, fillDemoAddress, germanDate, open, samplePdf } from './support/pages.js';

/** Every page of the journey: no horizontal scrolling at 320 px, and no axe violation (axe needs JavaScript to run). */
async function expectAccessibleAt320(page: Page, name: string, prefix: string, javaScriptEnabled: boolean): Promise<void> {
  if (javaScriptEnabled) await expectNoAxeViolations(page, name);
  await expectNoHorizontalScroll(page, name, prefix);
}

describe('Sondernutzung öffentlicher Straßen in the browser', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`applies for a skip, with a wrong area and dates in the wrong order on the way, at 320 px (${mode.name})`, async () => {
      const prefix = `sondernutzung-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled, width: 320 });
      // Closed even when a step fails, so the next mode still runs.
      try {
        const page = await context.newPage();

        await open(page, `${suite.portal.baseUrl}/leistungen/sondernutzung`);
        await expectAccessibleAt320(page, 'service-page', prefix, mode.javaScriptEnabled);
        await clickAndLoad(page, page.getByRole('link', { name: 'Online beantragen' }));

        assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Wer beantragt?');
        await expectAccessibleAt320(page, 'applicant', prefix, mode.javaScriptEnabled);
        await page.getByLabel('Name oder Firma').fill('Bauunternehmung Mustermann-Oberhausen GmbH & Co. KG');
        await fillDemoAddress(page);
        await page.getByLabel('E-Mail-Adresse').fill('bauleitung@example.org');
        await page.getByLabel('Telefonnummer').fill('02361 12345');
        await continueStep(page);

        await page.getByLabel('Container oder Mulde').check();
        await page.getByLabel('Beschreibung').fill('Ein Container, 2 mal 4 Meter, für Bauschutt');
        await continueStep(page);

        assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Wo?');
        await fillDemoAddress(page.getByRole('group', { name: 'Vor welcher Anschrift?' }));
        await page.getByLabel('Parkstreifen oder Parkplatz').check();
        await page.getByLabel('Größe der Fläche in Quadratmetern').fill('acht');
        const wrongArea = await clickAndLoad(page, page.getByRole('button', { name: 'Weiter', exact: true }));
        assert.equal(wrongArea?.status(), 422);
        assert.match(await page.locator('[id="f-groesse-error"]').innerText(), /Größe der Fläche in Quadratmetern muss eine Zahl sein/);
        assert.equal(await page.getByLabel('Größe der Fläche in Quadratmetern').inputValue(), 'acht');
        assert.ok(await page.getByLabel('Parkstreifen oder Parkplatz').isChecked(), 'the ticked box stays ticked');
        await expectAccessibleAt320(page, 'place-errors', prefix, mode.javaScriptEnabled);
        await page.getByLabel('Größe der Fläche in Quadratmetern').fill('7,5');
        await continueStep(page);

        assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Wann?');
        await fillDate(page.getByLabel('Erster Tag der Nutzung'), germanDate(14));
        await fillDate(page.getByLabel('Letzter Tag der Nutzung'), germanDate(10));
        const reversed = await clickAndLoad(page, page.getByRole('button', { name: 'Weiter', exact: true }));
        assert.equal(reversed?.status(), 422);
        assert.equal(await page.getByRole('alert').count(), 1);
        assert.match(await page.locator('[id="f-bis-error"]').innerText(), new RegExp(`Letzter Tag der Nutzung darf nicht vor dem ${germanDate(14).replace(/\./g, '\\.')} liegen`));
        await expectAccessibleAt320(page, 'time-errors', prefix, mode.javaScriptEnabled);
        await fillDate(page.getByLabel('Letzter Tag der Nutzung'), germanDate(21));
        await continueStep(page);

        assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Skizze');
        await expectAccessibleAt320(page, 'sketch', prefix, mode.javaScriptEnabled);
        await page.getByLabel('Skizze oder Lageplan').setInputFiles({ name: 'skizze.pdf', mimeType: 'application/pdf', buffer: samplePdf('Skizze') });
        await continueStep(page);

        assert.match(new URL(page.url()).pathname, /\/pruefen$/);
        assert.match(await page.getByRole('region', { name: 'Wo?' }).innerText(), /7,5/);
        await expectAccessibleAt320(page, 'check-page', prefix, mode.javaScriptEnabled);
        await page.getByLabel('Ich bestätige die Erklärung.').check();
        await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
        assert.match(new URL(page.url()).pathname, /^\/eingang\//);
      } finally {
        await context.close();
      }
    });
  }
});
