import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { jsModes, usePortalAndBrowser, newCitizenContext } from './support/browser.js';
import { clickAndLoad, continueStep, open, fillDemoAddress } from './support/pages.js';

describe('Form journeys', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`Meldebescheinigung: bad input shows an error summary, messages next to the fields and keeps what was typed (${mode.name})`, async () => {
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await open(page, `${suite.portal.baseUrl}/leistungen/meldebescheinigung/antrag`);

      const typed: Record<string, string> = {
        'f-vorname': 'Erika Maria',
        'f-nachname': 'Mustermann',
        'f-geburtsdatum': '31.02.2020',
        'f-anschrift-street': 'Hauptstraße',
        'f-anschrift-houseNumber': '12a',
        'f-anschrift-postcode': '4565',
        'f-anschrift-city': 'Musterstadt',
      };
      await page.getByLabel('Vorname').fill(typed['f-vorname']!);
      await page.getByLabel('Nachname').fill(typed['f-nachname']!);
      await page.getByLabel('Geburtsdatum').fill(typed['f-geburtsdatum']!);
      const address = page.getByRole('group', { name: 'Aktuelle Anschrift' });
      await address.getByLabel('Straße').fill(typed['f-anschrift-street']!);
      await address.getByLabel('Hausnummer').fill(typed['f-anschrift-houseNumber']!);
      await address.getByLabel('Postleitzahl').fill(typed['f-anschrift-postcode']!);
      await address.getByLabel('Ort').fill(typed['f-anschrift-city']!);
      const beforeErrors = await clickAndLoad(page, page.getByRole('button', { name: 'Weiter' }));
      assert.equal(beforeErrors?.status(), 422, 'invalid input answers 422');
      assert.match(await page.title(), /^Fehler: /, 'the title tells screen reader users about the error');

      // The summary names both problems and links to the fields.
      const summary = page.getByRole('alert');
      assert.equal(await summary.count(), 1);
      const summaryLinks = summary.getByRole('link');
      const hrefs = await summaryLinks.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      assert.deepEqual(hrefs.sort(), ['#f-anschrift-postcode', '#f-geburtsdatum']);
      assert.match(await summary.getByRole('link', { name: /Geburtsdatum/ }).innerText(), /gültiges Datum/);
      assert.match(await summary.getByRole('link', { name: /Postleitzahl/ }).innerText(), /fünfstellige Postleitzahl/);

      // Each message sits next to its field and is announced with it.
      for (const [id, pattern] of [['f-geburtsdatum', /Geburtsdatum muss ein gültiges Datum sein/], ['f-anschrift-postcode', /Postleitzahl muss eine fünfstellige Postleitzahl sein/]] as const) {
        const input = page.locator(`[id="${id}"]`);
        assert.equal(await input.getAttribute('aria-invalid'), 'true', `${id} is marked invalid`);
        assert.ok((await input.getAttribute('aria-describedby'))?.split(' ').includes(`${id}-error`), `${id} is described by its error`);
        assert.match(await page.locator(`[id="${id}-error"]`).innerText(), pattern);
        const formField = page.locator('.kern-form-input').filter({ has: input });
        assert.match(await formField.innerText(), pattern, `the error for ${id} is shown next to the field`);
      }

      // Everything typed is still there, the wrong values too, so they can be corrected.
      for (const [id, value] of Object.entries(typed)) {
        assert.equal(await page.locator(`[id="${id}"]`).inputValue(), value, `${id} keeps "${value}"`);
      }

      // The summary links lead to the fields.
      await summary.getByRole('link', { name: /Postleitzahl/ }).click();
      assert.equal(new URL(page.url()).hash, '#f-anschrift-postcode');

      // Switching to English comes back to the same page, in English.
      const pathBefore = new URL(page.url()).pathname;
      await clickAndLoad(page, page.getByRole('link', { name: 'Switch to English' }));
      assert.equal(new URL(page.url()).pathname, pathBefore, 'the language switch returns to the same page');
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Your details');
      assert.ok(await page.getByLabel('First name').isVisible());
      assert.ok(await page.getByRole('link', { name: 'Auf Deutsch wechseln' }).isVisible());

      // In English the messages are English.
      await page.getByLabel('First name').fill('Erika');
      await page.getByLabel('Last name').fill('Mustermann');
      await page.getByLabel('Date of birth').fill('31.02.2020');
      await clickAndLoad(page, page.getByRole('button', { name: 'Continue' }));
      assert.match(await page.locator('[id="f-geburtsdatum-error"]').innerText(), /Date of birth must be a real date/);
      assert.equal(await page.getByLabel('First name').inputValue(), 'Erika');
      await context.close();
    });

    it(`Sperrmüll: adds three items, removes the second and sees two on the check page (${mode.name})`, async () => {
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await open(page, `${suite.portal.baseUrl}/leistungen/sperrmuell-anmeldung/antrag`);

      const address = page.getByRole('group', { name: 'Wo sollen wir den Sperrmüll abholen?' });
      await fillDemoAddress(address);
      await continueStep(page);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Gegenstände');

      const items = [
        { art: 'Schrank', anzahl: '1', beschreibung: 'Eiche, zweitürig' },
        { art: 'Matratze', anzahl: '2', beschreibung: 'Federkern 90 x 200' },
        { art: 'Sofa oder Sessel', anzahl: '1', beschreibung: 'Dreisitzer, grau' },
      ];
      for (const [i, item] of items.entries()) {
        if (i > 0) {
          await clickAndLoad(page, page.getByRole('button', { name: 'Gegenstand hinzufügen' }));
          await expectItemCount(page, i + 1);
        }
        await fillItem(page, i + 1, item);
      }
      await expectItemCount(page, 3);

      await clickAndLoad(page, page.getByRole('button', { name: 'Gegenstand 2 entfernen' }));
      await expectItemCount(page, 2);
      // The remaining items keep what was typed; the third moved up.
      assert.equal(await itemInput(page, 1, 'Beschreibung').inputValue(), items[0]!.beschreibung);
      assert.equal(await itemInput(page, 2, 'Beschreibung').inputValue(), items[2]!.beschreibung);
      assert.equal(await itemInput(page, 2, 'Anzahl').inputValue(), items[2]!.anzahl);
      await continueStep(page);

      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Kontakt');
      await page.getByLabel('Ihr Name').fill('Max Mustermann');
      await page.getByLabel('E-Mail-Adresse').fill('max@example.org');
      await continueStep(page);

      assert.match(new URL(page.url()).pathname, /\/pruefen$/);
      const section = page.getByRole('region', { name: 'Gegenstände' });
      const text = await section.innerText();
      assert.match(text, /Gegenstand 1: Art Schrank; Anzahl 1; Beschreibung Eiche, zweitürig/);
      assert.match(text, /Gegenstand 2: Art Sofa oder Sessel; Anzahl 1; Beschreibung Dreisitzer, grau/);
      assert.doesNotMatch(text, /Matratze|Gegenstand 3/, 'the removed item is gone');
      await context.close();
    });
  }
});

function itemGroup(page: Page, n: number) {
  return page.getByRole('group', { name: `Gegenstand ${n}`, exact: true });
}

function itemInput(page: Page, n: number, label: string) {
  return itemGroup(page, n).getByLabel(label);
}

async function fillItem(page: Page, n: number, item: { art: string; anzahl: string; beschreibung: string }) {
  await itemGroup(page, n).getByLabel('Art').selectOption({ label: item.art });
  await itemInput(page, n, 'Anzahl').fill(item.anzahl);
  await itemInput(page, n, 'Beschreibung').fill(item.beschreibung);
}

async function expectItemCount(page: Page, count: number) {
  const legends = await page.getByRole('group', { name: /^Gegenstand \d+$/ }).count();
  assert.equal(legends, count, `${count} item(s) shown`);
}
