import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations, expectNoHorizontalScroll, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, signInAsStaff } from './support/pages.js';

describe('The town admin configures appointments', () => {
  const suite = usePortalAndBrowser();

  /** Opens the seeded Bürgerbüro from the administration's navigation. */
  async function openBuergerbuero(page: Page): Promise<void> {
    await clickAndLoad(page, page.getByRole('link', { name: 'Administration', exact: true }));
    await clickAndLoad(page, page.getByRole('link', { name: 'Terminvergabe', exact: true }));
    await clickAndLoad(page, page.getByRole('link', { name: 'Bürgerbüro im Rathaus' }));
  }

  it('every configuration page and its error states pass axe', async () => {
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await signInAsStaff(context, base, suite.portal.credentialsFor('admin@musterstadt.example'));
    await clickAndLoad(page, page.getByRole('link', { name: 'Administration', exact: true }));
    await clickAndLoad(page, page.getByRole('link', { name: 'Terminvergabe', exact: true }));
    await expectNoAxeViolations(page, 'locations');
    await clickAndLoad(page, page.getByRole('link', { name: 'Neuen Standort anlegen' }));
    await expectNoAxeViolations(page, 'new location');
    await clickAndLoad(page, page.getByRole('button', { name: 'Standort anlegen' }));
    assert.equal(await page.getByRole('alert').count(), 1);
    await expectNoAxeViolations(page, 'new location with errors');
    await clickAndLoad(page, page.getByRole('link', { name: 'Zur Übersicht der Standorte' }));
    await clickAndLoad(page, page.getByRole('link', { name: 'Bürgerbüro im Rathaus' }));
    await expectNoAxeViolations(page, 'location');
    await page.getByLabel('Mittwoch').fill('14 bis 12');
    await clickAndLoad(page, page.getByRole('button', { name: 'Öffnungszeiten speichern' }));
    assert.equal(await page.getByRole('alert').count(), 1);
    await expectNoAxeViolations(page, 'location with errors');
    await context.close();
  });

  for (const mode of jsModes) {
    it(`changes opening hours, adds a counter and closure days, fitting 320 px (${mode.name})`, async () => {
      const prefix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const base = suite.portal.baseUrl;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled, width: 320 });
      const page = await signInAsStaff(context, base, suite.portal.credentialsFor('admin@musterstadt.example'));
      await openBuergerbuero(page);
      await expectNoHorizontalScroll(page, 'appointments-location', prefix);

      // A wrong day: the message, and what was typed stays in the field.
      await page.getByLabel('Freitag').fill('08:00–12:00, 11:00–13:00');
      await clickAndLoad(page, page.getByRole('button', { name: 'Öffnungszeiten speichern' }));
      assert.ok((await page.getByRole('alert').innerText()).includes('Die Zeiträume eines Tages dürfen sich nicht überschneiden.'));
      assert.equal(await page.getByLabel('Freitag').inputValue(), '08:00–12:00, 11:00–13:00');
      await expectNoHorizontalScroll(page, 'appointments-location-errors', prefix);
      await page.getByLabel('Freitag').fill('8:00-12:30');
      await clickAndLoad(page, page.getByRole('button', { name: 'Öffnungszeiten speichern' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Die Öffnungszeiten wurden gespeichert.'));
      assert.equal(await page.getByLabel('Freitag').inputValue(), '08:00–12:30');

      const counter = `Schalter ${prefix}`;
      await page.getByLabel('Name des Schalters').fill(counter);
      await clickAndLoad(page, page.getByRole('button', { name: 'Schalter hinzufügen' }));
      assert.ok((await page.getByRole('region', { name: 'Schalter' }).innerText()).includes(counter));

      const year = mode.javaScriptEnabled ? 2027 : 2028;
      await page.getByLabel('Erster Tag').fill(`27.12.${year}`);
      await page.getByLabel('Letzter Tag').fill(`30.12.${year}`);
      await page.getByLabel('Anlass').fill('Jahreswechsel');
      await clickAndLoad(page, page.getByRole('button', { name: 'Schließtage eintragen' }));
      assert.ok((await page.getByRole('region', { name: 'Schließtage' }).innerText()).includes(`27.12.${year}`));
      await expectNoHorizontalScroll(page, 'appointments-location-filled', prefix);
      await context.close();
    });
  }
});
