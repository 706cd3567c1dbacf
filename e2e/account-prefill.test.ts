import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pdfText } from '../src/test-support/pdf.js';
import { registerAndSignIn, saveProfile } from './support/accounts.js';
import { jsModes, newCitizenContext, screenshot, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, continueStep, fillDogStep, open, samplePdf, samplePng } from './support/pages.js';

/**
 * A signed-in citizen keeps a profile (with consent to prefill) and a proof in the document safe,
 * then applies for a dog: the owner's details come prefilled, one is changed, the proof is added
 * from the safe, and the receipt carries what was sent.
 */
describe('Applying with a profile: prefilled fields and a proof from the document safe', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`prefills Hund anmelden from the profile and sends the changed value (${mode.name})`, async () => {
      const prefix = `prefill-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;
      const base = suite.portal.baseUrl;
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      const account = await registerAndSignIn(page, base);

      // The profile, with consent to prefill forms.
      await clickAndLoad(page, page.getByRole('link', { name: 'Mein Profil' }));
      await saveProfile(page, {
        Vorname: 'Erika', Nachname: 'Musterfrau', Geburtsdatum: '12.08.1984', Straße: 'Hauptstraße', Hausnummer: '12a', Postleitzahl: '45657', Ort: 'Musterstadt', Telefonnummer: '02361 12345',
      }, { consent: true });
      assert.ok((await page.getByRole('main').innerText()).includes('Ihr Profil wurde gespeichert.'));
      await screenshot(page, `${prefix}-profile`);

      // A proof in the document safe.
      await open(page, `${base}/konto/dokumente`);
      await page.getByLabel('Bezeichnung').fill('Sachkundenachweis Hund');
      await page.getByLabel('Datei').setInputFiles({ name: 'sachkunde-aus-dem-safe.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
      await clickAndLoad(page, page.getByRole('button', { name: 'Hochladen' }));
      assert.ok((await page.getByRole('main').innerText()).includes('sachkunde-aus-dem-safe.pdf'));
      await screenshot(page, `${prefix}-documents`);

      // The owner step comes prefilled and says so; one value is changed.
      await open(page, `${base}/leistungen/hund-anmelden/antrag`);
      assert.ok((await page.getByRole('main').innerText()).includes('Angaben aus Ihrem Profil übernommen'));
      const expected: Array<[string, string]> = [['Vorname', 'Erika'], ['Nachname', 'Musterfrau'], ['Geburtsdatum', '12.08.1984'], ['Straße', 'Hauptstraße'], ['Hausnummer', '12a'],
        ['Postleitzahl', '45657'], ['Ort', 'Musterstadt'], ['E-Mail-Adresse', account.email], ['Telefonnummer', '02361 12345']];
      for (const [label, value] of expected) assert.equal(await page.getByLabel(label, { exact: label !== 'Telefonnummer' }).inputValue(), value, `${label} prefilled`);
      await screenshot(page, `${prefix}-prefilled`);
      await page.getByLabel('Nachname', { exact: true }).fill('Musterfrau-Neumann');
      await continueStep(page);

      await fillDogStep(page, 'Bruno', 'Rottweiler (LHundG § 10)');
      await continueStep(page);

      // The certificate from the safe, the insurance uploaded as usual.
      const certificate = page.locator('.form-field').filter({ has: page.getByLabel('Sachkundenachweis', { exact: true }) });
      await certificate.getByText('Aus meinen Dokumenten hinzufügen').click();
      await certificate.getByLabel(/^Sachkundenachweis Hund \(sachkunde-aus-dem-safe\.pdf/).check();
      await screenshot(page, `${prefix}-safe-picker`);
      await page.getByLabel('Nachweis der Haftpflichtversicherung').setInputFiles({ name: 'versicherung.png', mimeType: 'image/png', buffer: samplePng() });
      await page.getByRole('group', { name: 'Haben Sie ein Führungszeugnis beantragt?' }).getByLabel('Ja').check();
      await continueStep(page);

      assert.equal(await page.getByLabel('Kontoinhaberin oder Kontoinhaber').inputValue(), 'Erika Musterfrau');
      await page.getByLabel('IBAN').fill('DE02 1203 0000 0000 2020 51');
      await continueStep(page);

      // The check page shows what will be sent; the receipt carries it.
      assert.match(new URL(page.url()).pathname, /\/pruefen$/);
      const check = await page.getByRole('main').innerText();
      for (const text of ['Musterfrau-Neumann', 'Hauptstraße 12a, 45657 Musterstadt', account.email, 'sachkunde-aus-dem-safe.pdf', 'versicherung.png']) assert.ok(check.includes(text), `check page shows ${text}`);
      await page.getByLabel('Ich bestätige die Erklärung.').check();
      await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
      assert.match(new URL(page.url()).pathname, /^\/eingang\//);
      await screenshot(page, `${prefix}-receipt`);
      const receipt = await page.request.get(`${page.url()}/quittung.pdf`);
      assert.equal(receipt.status(), 200);
      const text = await pdfText(await receipt.body());
      assert.ok(text.includes('Musterfrau-Neumann'), 'the receipt shows the changed name');
      assert.ok(text.includes('sachkunde-aus-dem-safe.pdf'), 'the receipt lists the document from the safe');
      await context.close();
    });
  }
});
