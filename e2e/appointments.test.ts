import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations, expectNoHorizontalScroll, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, open, signInAsStaff } from './support/pages.js';

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

describe('A citizen books an appointment at the Bürgerbüro', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`chooses services, a time, reserves it and confirms it by the mailed link, at 320 px (${mode.name})`, async () => {
      const prefix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const base = suite.portal.baseUrl;
      const email = `buergerin-${prefix}@example.org`;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled, width: 320 });
      const page = await context.newPage();
      await open(page, `${base}/termine?leistung=personalausweis`);
      await expectNoHorizontalScroll(page, 'appointments-services', prefix);
      await page.getByLabel('Personalausweis beantragen: Anzahl Personen').selectOption('');
      await clickAndLoad(page, page.getByRole('button', { name: 'Freie Termine anzeigen' }));
      assert.ok((await page.getByRole('alert').innerText()).includes('Wählen Sie mindestens eine Leistung.'));
      await page.getByLabel('Personalausweis beantragen: Anzahl Personen').selectOption('2');
      await page.getByLabel('Meldebescheinigung beantragen: Anzahl Personen').selectOption('1');
      await clickAndLoad(page, page.getByRole('button', { name: 'Freie Termine anzeigen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Dauer: 45 Minuten'));
      await expectNoHorizontalScroll(page, 'appointments-free', prefix);
      // JS on and off book different times: the second run must not find the first one's time gone.
      const times = page.locator('main a[href^="/termine/buchen"]');
      await clickAndLoad(page, mode.javaScriptEnabled ? times.first() : times.nth(1));
      await clickAndLoad(page, page.getByRole('button', { name: 'Termin vormerken' }));
      assert.equal(await page.getByRole('alert').count(), 1);
      await expectNoHorizontalScroll(page, 'appointments-form-errors', prefix);
      await page.getByLabel('Ihr Name').fill('Erika Muster');
      await page.getByLabel('Ihre E-Mail-Adresse').fill(email);
      await clickAndLoad(page, page.getByRole('button', { name: 'Termin vormerken' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Bitte bestätigen Sie Ihren Termin'));

      await open(page, `${base}/dev/postausgang`);
      const mail = page.locator('article.outbox-mail').filter({ hasText: email });
      for (let i = 0; i < 60 && (await mail.count()) === 0; i++) {
        await page.waitForTimeout(500);
        await open(page, `${base}/dev/postausgang`);
      }
      const link = (await mail.first().innerText()).match(/http:\/\/\S+\/termine\/bestaetigen\/[A-Za-z0-9_-]{43}/)?.[0];
      assert.ok(link, 'the mail gives a confirmation link');
      await open(page, link.replace(/^http:\/\/[^/]+/, base));
      await clickAndLoad(page, page.getByRole('button', { name: 'Termin buchen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('Ihr Termin ist gebucht'));
      await expectNoHorizontalScroll(page, 'appointments-confirmed', prefix);
      await context.close();
    });
  }

  it('every booking page and its error states pass axe', async () => {
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await open(page, `${base}/termine`);
    await expectNoAxeViolations(page, 'choose services');
    await clickAndLoad(page, page.getByRole('button', { name: 'Freie Termine anzeigen' }));
    await expectNoAxeViolations(page, 'choose services with errors');
    await page.getByLabel('Reisepass beantragen: Anzahl Personen').selectOption('1');
    await clickAndLoad(page, page.getByRole('button', { name: 'Freie Termine anzeigen' }));
    await expectNoAxeViolations(page, 'free times');
    await clickAndLoad(page, page.locator('main a[href^="/termine/buchen"]').last());
    await expectNoAxeViolations(page, 'booking form');
    await clickAndLoad(page, page.getByRole('button', { name: 'Termin vormerken' }));
    await expectNoAxeViolations(page, 'booking form with errors');
    await page.getByLabel('Ihr Name').fill('Max Muster');
    await page.getByLabel('Ihre E-Mail-Adresse').fill('max-axe@example.org');
    await clickAndLoad(page, page.getByRole('button', { name: 'Termin vormerken' }));
    await expectNoAxeViolations(page, 'reserved');
    await open(page, `${base}/termine/bestaetigen/${'x'.repeat(43)}`);
    await expectNoAxeViolations(page, 'confirmation page');
    await clickAndLoad(page, page.getByRole('button', { name: 'Termin buchen' }));
    await expectNoAxeViolations(page, 'confirmation link not valid');
    await context.close();
  });
});
