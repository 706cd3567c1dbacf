import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectNoHorizontalScroll, jsModes, usePortalAndBrowser, newCitizenContext } from './support/browser.js';
import { clickAndLoad, continueStep, open, fillDemoAddress, samplePdf, signInAsStaff, statusLinkFor, submitViaApi } from './support/pages.js';
import { registerAndSignIn, saveProfile } from './support/accounts.js';
import { approveCase, issueLetter, openAndStartCase } from './support/casework.js';

/** Fills the Meldebescheinigung's first step with a long name and address. */
async function fillLongPerson(page: Page): Promise<void> {
  await page.getByLabel('Vorname').fill('Erika');
  await page.getByLabel('Nachname').fill('Mustermann-Schmidt-Oberhausen');
  await page.getByLabel('Geburtsdatum').fill('12.08.1984');
  await page.getByLabel('Straße').fill('Bürgermeister-Heinrich-Kleinschmidt-Straße');
  await page.getByLabel('Hausnummer').fill('112b');
  await page.getByLabel('Postleitzahl').fill('45657');
  await page.getByLabel('Ort').fill('Musterstadt');
}

/** Answers the Meldebescheinigung's steps after the first, up to its check page. */
async function answerMeldebescheinigungFromStepTwo(page: Page): Promise<void> {
  await page.getByLabel(/^Erweiterte Meldebescheinigung/).check();
  await continueStep(page);
  await page.getByLabel(/^Per Post/).check();
  await continueStep(page);
  await page.getByLabel('E-Mail-Adresse').fill('erika.mustermann-schmidt@beispiel-provider.example.org');
  await continueStep(page);
}

describe('At 320 px width every page reflows without horizontal scrolling', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`home, catalog, service, form steps, errors, check page, receipt and staff sign-in fit (${mode.name})`, async () => {
      const prefix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await context.newPage();
      await page.setViewportSize({ width: 320, height: 800 });

      await open(page, `${suite.portal.baseUrl}/`);
      await expectNoHorizontalScroll(page, 'home', prefix);
      await open(page, `${suite.portal.baseUrl}/leistungen`);
      await expectNoHorizontalScroll(page, 'service-list', prefix);
      await open(page, `${suite.portal.baseUrl}/leistungen?q=hund`);
      await expectNoHorizontalScroll(page, 'search', prefix);
      await open(page, `${suite.portal.baseUrl}/leistungen/hund-anmelden`);
      await expectNoHorizontalScroll(page, 'service-page', prefix);

      // The dog step has the longest labels and a select with long options.
      await open(page, `${suite.portal.baseUrl}/leistungen/hund-anmelden/antrag`);
      await expectNoHorizontalScroll(page, 'form-step', prefix);

      // A step with errors, then the whole Meldebescheinigung to its check page and receipt.
      await open(page, `${suite.portal.baseUrl}/leistungen/meldebescheinigung/antrag`);
      await continueStep(page);
      assert.equal(await page.getByRole('alert').count(), 1);
      await expectNoHorizontalScroll(page, 'form-step-errors', prefix);
      await fillLongPerson(page);
      await continueStep(page);
      await expectNoHorizontalScroll(page, 'form-step-radios', prefix);
      await answerMeldebescheinigungFromStepTwo(page);
      assert.match(new URL(page.url()).pathname, /\/pruefen$/);
      await expectNoHorizontalScroll(page, 'check-page', prefix);
      await page.getByLabel('Ich bestätige die Erklärung.').check();
      await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
      // The Meldebescheinigung is paid first (ADR 0027): its payment page, then the receipt.
      assert.match(new URL(page.url()).pathname, /^\/zahlung\//);
      await expectNoHorizontalScroll(page, 'payment', prefix);
      await clickAndLoad(page, page.getByRole('link', { name: /^Später bezahlen/ }));
      assert.match(new URL(page.url()).pathname, /^\/eingang\//);
      await expectNoHorizontalScroll(page, 'receipt', prefix);

      // A repeatable group nests fieldsets, which eats width.
      await open(page, `${suite.portal.baseUrl}/leistungen/sperrmuell-anmeldung/antrag`);
      await fillDemoAddress(page);
      await continueStep(page);
      await clickAndLoad(page, page.getByRole('button', { name: 'Gegenstand hinzufügen' }));
      await expectNoHorizontalScroll(page, 'group-step', prefix);

      await open(page, `${suite.portal.baseUrl}/verwaltung/anmelden`);
      await expectNoHorizontalScroll(page, 'staff-login', prefix);
      await context.close();

      // The second-factor pages: the set-up with QR code and key at the first sign-in, the code at the next.
      const account = suite.portal.credentialsFor(mode.javaScriptEnabled ? 'ordnung@musterstadt.example' : 'gewerbe@musterstadt.example');
      for (const signIn of ['first', 'next']) {
        const staff = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled, width: 320 });
        const inbox = await signInAsStaff(staff, suite.portal.baseUrl, account, (p, name) => expectNoHorizontalScroll(p, name, prefix));
        await expectNoHorizontalScroll(inbox, `inbox-after-${signIn}-sign-in`, prefix);
        await staff.close();
      }
    });

    it(`the letters page with its preview, an issued letter and the status page fit (${mode.name})`, async () => {
      const prefix = mode.javaScriptEnabled ? 'js' : 'nojs';
      const base = suite.portal.baseUrl;
      // With JavaScript a reply to a message; without, a bulky waste date, which needs a decision first.
      const letter: { service: string; account: string; template: string; decide: boolean; answers: unknown; values: Record<string, string> } = mode.javaScriptEnabled
        ? { service: 'kontakt-beschwerde', account: 'zentrale@musterstadt.example', template: 'Antwort auf Ihr Anliegen', decide: false,
            answers: { anliegen: { art: 'frage', betreff: 'Öffnungszeiten des Bürgerbüros am Mittwochnachmittag', nachricht: 'Wann hat das Bürgerbüro geöffnet?' }, kontakt: { email: 'erika.mustermann-schmidt@beispiel-provider.example.org', antwortErwuenscht: true } },
            values: { 'Empfänger (Name)': 'Frau Erika Mustermann-Schmidt-Oberhausen', 'Antwort': 'Das Bürgerbüro ist montags bis freitags von 8 bis 12 Uhr geöffnet.' } }
        : { service: 'sperrmuell-anmeldung', account: 'abfall@musterstadt.example', template: 'Bestätigung Ihres Abholtermins für Sperrmüll', decide: true,
            answers: { abholort: { anschrift: { street: 'Bürgermeister-Heinrich-Kleinschmidt-Straße', houseNumber: '112b', postcode: '45657', city: 'Musterstadt' } }, gegenstaende: { teile: [{ art: 'sofa', anzahl: 1 }, { art: 'schrank', anzahl: 2, beschreibung: 'Kleiderschrank aus Eiche, zerlegt' }] }, kontakt: { name: 'Erika Mustermann-Schmidt', email: 'erika.mustermann-schmidt@beispiel-provider.example.org' } },
            values: { 'Abholtermin': '15.12.2026' } };
      const reference = await submitViaApi(base, letter.service, letter.answers);
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled, width: 320 });
      const page = await signInAsStaff(context, base, suite.portal.credentialsFor(letter.account));
      const caseUrl = await openAndStartCase(page, reference);
      if (letter.decide) await approveCase(page);
      await issueLetter(page, caseUrl, letter.template, letter.values, (preview) => expectNoHorizontalScroll(preview, 'letter-preview', prefix));
      assert.ok((await page.getByRole('main').innerText()).includes('Fingerabdruck'), 'the letter is listed');
      await expectNoHorizontalScroll(page, 'letters-issued', prefix);

      await open(page, await statusLinkFor(page, base, reference));
      await expectNoHorizontalScroll(page, 'status-page', prefix);
      await context.close();
    });
  }

  it('"Meine Anträge" with a draft and an application, an application, and the page to continue later fit (no JavaScript)', async () => {
    const base = suite.portal.baseUrl;
    const answerComplaint = async (p: Page) => {
      await p.getByLabel('Ich habe eine Frage').check();
      await p.getByLabel('Betreff').fill('Öffnungszeiten des Bürgerbüros am Mittwochnachmittag');
      await p.getByLabel('Ihre Nachricht').fill('Wann hat das Bürgerbüro geöffnet?');
    };
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await registerAndSignIn(page, base, { email: 'erika.mustermann-schmidt.konto@beispiel-provider.example.org' });
    await expectNoHorizontalScroll(page, 'account-overview', 'nojs');
    // A long service title in the drafts table, and a sent application with long answers.
    await open(page, `${base}/leistungen/meldebescheinigung/antrag`);
    await fillLongPerson(page);
    await clickAndLoad(page, page.getByRole('button', { name: 'Später fortsetzen' }));
    await clickAndLoad(page, page.getByRole('link', { name: /^Fortsetzen\s/ }));
    await answerMeldebescheinigungFromStepTwo(page);
    await page.getByLabel('Ich bestätige die Erklärung.').check();
    await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
    await clickAndLoad(page, page.getByRole('link', { name: /^Später bezahlen/ }));
    const reference = (await page.getByTestId('reference').innerText()).trim();
    await open(page, `${base}/leistungen/kontakt-beschwerde/antrag`);
    await answerComplaint(page);
    await clickAndLoad(page, page.getByRole('button', { name: 'Später fortsetzen' }));
    await expectNoHorizontalScroll(page, 'my-applications', 'nojs');
    await clickAndLoad(page, page.getByRole('link', { name: reference }));
    await expectNoHorizontalScroll(page, 'application-detail', 'nojs');
    await context.close();

    const anonymous = await newCitizenContext(suite.browser, { javaScriptEnabled: false, width: 320 });
    const later = await anonymous.newPage();
    await open(later, `${base}/leistungen/kontakt-beschwerde/antrag`);
    await answerComplaint(later);
    await clickAndLoad(later, later.getByRole('button', { name: 'Später fortsetzen' }));
    await expectNoHorizontalScroll(later, 'continue-later', 'nojs');
    await anonymous.close();
  });

  it('the profile, the document safe and a form step with the prefill notice and the document picker fit (no JavaScript)', async () => {
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await registerAndSignIn(page, base);
    await expectNoHorizontalScroll(page, 'account', 'nojs');
    await open(page, `${base}/konto/profil`);
    await page.getByLabel('Straße').fill('Bürgermeister-Heinrich-Kleinschmidt-Straße');
    await page.getByLabel('Telefonnummer').fill('kein Telefon');
    await clickAndLoad(page, page.getByRole('button', { name: 'Profil speichern' }));
    await expectNoHorizontalScroll(page, 'profile-errors', 'nojs');
    await saveProfile(page, { Vorname: 'Erika', Nachname: 'Mustermann-Schmidt-Oberhausen', Hausnummer: '112b', Postleitzahl: '45657', Ort: 'Musterstadt', Telefonnummer: '02361 12345' }, { consent: true });
    await expectNoHorizontalScroll(page, 'profile', 'nojs');
    await open(page, `${base}/konto/dokumente`);
    await page.getByLabel('Bezeichnung').fill('Einkommensnachweise Januar bis Dezember des vergangenen Jahres');
    await page.getByLabel('Datei').setInputFiles({ name: 'einkommensnachweise-januar-bis-dezember.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    await clickAndLoad(page, page.getByRole('button', { name: 'Hochladen' }));
    await expectNoHorizontalScroll(page, 'documents', 'nojs');
    await clickAndLoad(page, page.getByRole('link', { name: /^Löschen/ }));
    await expectNoHorizontalScroll(page, 'document-delete', 'nojs');
    await open(page, `${base}/leistungen/kontakt-beschwerde/antrag`);
    await page.locator('summary', { hasText: 'Aus meinen Dokumenten hinzufügen' }).click();
    await expectNoHorizontalScroll(page, 'form-step-document-picker', 'nojs');
    await page.getByLabel('Ich möchte mich beschweren').check();
    await page.getByLabel('Betreff').fill('Gehweg');
    await page.getByLabel('Ihre Nachricht').fill('Der Gehweg ist vereist.');
    await continueStep(page);
    await expectNoHorizontalScroll(page, 'form-step-prefilled', 'nojs');
    await context.close();
  });

  it('the administration pages fit (no JavaScript)', async () => {
    const base = suite.portal.townUrl('beispieldorf');
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: false, width: 320 });
    const page = await signInAsStaff(context, base, suite.portal.credentialsFor('admin@beispieldorf.example'));
    await open(page, `${base}/verwaltung/admin`);
    await expectNoHorizontalScroll(page, 'admin-staff-list', 'nojs');
    await clickAndLoad(page, page.getByRole('link', { name: 'Sachbearbeitung Bürgerbüro' }));
    await expectNoHorizontalScroll(page, 'admin-account', 'nojs');
    await open(page, `${base}/verwaltung/admin/mitarbeitende/neu`);
    await clickAndLoad(page, page.getByRole('button', { name: 'Konto anlegen und einladen' }));
    await expectNoHorizontalScroll(page, 'admin-new-account-errors', 'nojs');
    await open(page, `${base}/verwaltung/admin/fachbereiche`);
    await expectNoHorizontalScroll(page, 'admin-departments', 'nojs');
    await clickAndLoad(page, page.getByRole('link', { name: /bearbeiten$/ }).first());
    await expectNoHorizontalScroll(page, 'admin-department', 'nojs');
    await context.close();
  });
});
