import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPage, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { approveCase, issueLetter, openAndStartCase } from './support/casework.js';
import { clickAndLoad, germanDate, open, signInAsStaff, statusLinkFor, submitViaApi } from './support/pages.js';

/** A skip of 8 m² for 8 days: 30,00 € + 8 × 8 × 0,50 € = 62,00 €, due once the permit is granted. */
function skipAnswers(name: string) {
  const iso = (german: string) => german.split('.').reverse().join('-');
  return {
    antragsteller: { name, anschrift: { street: 'Hafenstraße', houseNumber: '9', postcode: '45657', city: 'Musterstadt' }, email: 'dispo@example.org', telefon: '0123 456789' },
    nutzung: { art: 'container', beschreibung: 'Ein Container, 2 mal 4 Meter' },
    ort: { anschrift: { street: 'Lindenweg', houseNumber: '7a', postcode: '45657', city: 'Musterstadt' }, bereich: ['parkstreifen'], groesse: 8 },
    zeitraum: { von: iso(germanDate(14)), bis: iso(germanDate(21)) },
  };
}

describe('A Sondernutzung permit whose fee is paid after the decision', () => {
  const suite = usePortalAndBrowser();

  jsModes.forEach((mode) => {
    it(`applies, the clerk grants the permit, the applicant finds the Bescheid and the payment link, pays in the sandbox, the clerk sees it paid (${mode.name})`, async () => {
      const options = { javaScript: mode.javaScriptEnabled, shotPrefix: `pay-after-${mode.javaScriptEnabled ? 'js' : 'nojs'}` };
      const base = suite.portal.baseUrl;
      const reference = await submitViaApi(base, 'sondernutzung', skipAnswers(`Containerdienst ${mode.javaScriptEnabled ? 'Jansen' : 'Nolte'} GmbH`));

      const staff = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const clerk = await signInAsStaff(staff, base, suite.portal.credentialsFor('ordnung@musterstadt.example'));
      const caseUrl = await openAndStartCase(clerk, reference);
      await approveCase(clerk);
      const form = await issueLetter(clerk, caseUrl, 'Sondernutzungserlaubnis nach § 18 StrWG NRW', {
        'Erlaubt ab': germanDate(14), 'Erlaubt bis': germanDate(21), 'Erlaubte Fläche': '8 m² auf dem Parkstreifen', 'Auflagen und Bedingungen': '1,50 m Gehweg bleiben frei.',
      });
      assert.match(form, /Sondernutzungsgebühr je Quadratmeter und Tag: 64 × 0,50\s€ = 32,00\s€/, 'the preview shows the breakdown');
      assert.match(form, /Zu zahlen sind insgesamt 62,00\s€/);

      const citizen = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await citizen.newPage();
      await open(page, await statusLinkFor(page, base, reference));
      const main = () => page.locator('main').innerText();
      assert.match(await main(), /Sondernutzungserlaubnis nach § 18 StrWG NRW/, 'the Bescheid is on the status page');
      assert.match(await main(), /Mit dem Bescheid ist eine Gebühr von 62,00\s€ festgesetzt/);
      await checkPage(page, 'status-with-fee', options);
      await clickAndLoad(page, page.getByRole('link', { name: 'Zur Zahlung' }));
      assert.match(await main(), /62,00\s€/);
      await checkPage(page, 'decision-payment', options);
      await clickAndLoad(page, page.getByRole('button', { name: 'Jetzt bezahlen' }));
      await clickAndLoad(page, page.getByRole('button', { name: 'Bezahlen', exact: true }));
      assert.match(await main(), /Vielen Dank, die Zahlung ist eingegangen/);
      const kassenzeichen = (await main()).match(/SBX-[0-9]{9}/)![0];
      // Paying twice is impossible: the paid payment's page offers no button any more.
      assert.equal(await page.getByRole('button', { name: 'Jetzt bezahlen' }).count(), 0);
      await citizen.close();

      await open(clerk, caseUrl);
      const payments = clerk.locator('section[aria-labelledby="zahlungen"]');
      assert.match(await payments.innerText(), /Bezahlt/);
      assert.match(await payments.innerText(), /62,00\s€/);
      assert.ok((await payments.innerText()).includes(kassenzeichen));
      await staff.close();
    });
  });
});
