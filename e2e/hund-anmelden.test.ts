import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { jsModes, usePortalAndBrowser, newCitizenContext } from './support/browser.js';
import { approveCase, issueLetter } from './support/casework.js';
import { clickAndLoad, continueStep, fillDate, fillDogStep, open, samplePdf, samplePng, signInAsStaff } from './support/pages.js';

/**
 * A newcomer registers a dog from the home page to the receipt, then the responsible clerk
 * finds the case; a clerk of another department must not.
 */
describe('Hund anmelden: a newcomer applies online and the Steueramt sees the case', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    it(`completes the errand ${mode.name}`, async () => {
      const dogName = `Bella ${mode.javaScriptEnabled ? 'Js' : 'NoJs'}`;
      const renamedDog = `${dogName} Zwei`;
      const pdfName = `sachkunde-${mode.javaScriptEnabled ? 'js' : 'nojs'}.pdf`;
      const pngName = `versicherung-${mode.javaScriptEnabled ? 'js' : 'nojs'}.png`;

      const citizen = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const page = await citizen.newPage();

      // Find the service from the home page.
      await open(page, `${suite.portal.baseUrl}/`);
      await page.getByRole('searchbox', { name: 'Leistung suchen' }).fill('hund');
      await clickAndLoad(page, page.getByRole('button', { name: 'Suchen' }));
      assert.equal(new URL(page.url()).pathname, '/leistungen');
      await clickAndLoad(page, page.getByRole('link', { name: 'Hund anmelden', exact: true }));
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Hund anmelden');
      await clickAndLoad(page, page.getByRole('link', { name: 'Online beantragen' }));

      // Step 1: the owner.
      await expectStepHeading(page, 'Halterin oder Halter');
      await page.getByLabel('Vorname', { exact: true }).fill('Erika');
      await page.getByLabel('Nachname', { exact: true }).fill('Mustermann');
      await fillDate(page.getByLabel('Geburtsdatum', { exact: true }), '12.08.1984');
      const address = page.getByRole('group', { name: 'Anschrift' });
      await address.getByLabel('Straße').fill('Hauptstraße');
      await address.getByLabel('Hausnummer').fill('12a');
      await address.getByLabel('Postleitzahl').fill('45657');
      await address.getByLabel('Ort').fill('Musterstadt');
      await page.getByLabel('E-Mail-Adresse').fill('erika.mustermann@example.org');
      await page.getByLabel('Telefonnummer').fill('02361 12345');
      await continueStep(page);

      // Step 2: the dog; a listed breed adds the permit step.
      await expectStepHeading(page, 'Angaben zum Hund');
      await fillDogStep(page, dogName, 'Rottweiler (LHundG § 10)');
      await continueStep(page);

      // Step 3: permit documents, uploaded as real files.
      await expectStepHeading(page, 'Erlaubnis nach dem Landeshundegesetz');
      await page.getByLabel('Sachkundenachweis').setInputFiles({ name: pdfName, mimeType: 'application/pdf', buffer: samplePdf() });
      await page.getByLabel('Nachweis der Haftpflichtversicherung').setInputFiles({ name: pngName, mimeType: 'image/png', buffer: samplePng() });
      await page.getByRole('group', { name: 'Haben Sie ein Führungszeugnis beantragt?' }).getByLabel('Ja').check();
      await continueStep(page);

      // Step 4: bank details.
      await expectStepHeading(page, 'Bankverbindung für die Hundesteuer');
      await page.getByLabel('IBAN').fill('DE02 1203 0000 0000 2020 51');
      await page.getByLabel('Kontoinhaberin oder Kontoinhaber').fill('Erika Mustermann');
      await continueStep(page);

      // Check your answers, change one answer and come back.
      assert.match(new URL(page.url()).pathname, /^\/antrag\/[^/]+\/pruefen$/);
      await expectStepHeading(page, 'Angaben prüfen');
      const main = page.getByRole('main');
      for (const text of ['Erika', 'Mustermann', '12.08.1984', 'Hauptstraße 12a, 45657 Musterstadt', dogName, 'Rottweiler (LHundG § 10)', '276098106123456', pdfName, pngName, 'DE02 1203 0000 0000 2020 51']) {
        assert.ok((await main.innerText()).includes(text), `check page shows ${text}`);
      }
      await clickAndLoad(page, page.getByRole('link', { name: 'Ändern Name des Hundes' }));
      await expectStepHeading(page, 'Angaben zum Hund');
      assert.equal(await page.getByLabel('Name des Hundes').inputValue(), dogName, 'the change link shows the stored answer');
      await page.getByLabel('Name des Hundes').fill(renamedDog);
      await continueStep(page);
      assert.match(new URL(page.url()).pathname, /\/pruefen$/, 'after a change the citizen returns to the check page');
      assert.ok((await main.innerText()).includes(renamedDog), 'the check page shows the changed name');

      // Declaration and submission.
      await page.getByLabel('Ich bestätige die Erklärung.').check();
      await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
      assert.match(new URL(page.url()).pathname, /^\/eingang\/[0-9a-f-]{36}$/);
      await expectStepHeading(page, 'Antrag eingegangen');
      const reference = (await page.getByTestId('reference').innerText()).trim();
      assert.match(reference, /^MST-\d{4}-\d{6}$/);

      // The receipt PDF: both as a download and with its content type.
      const pdfLink = page.getByRole('link', { name: 'Eingangsbestätigung als PDF herunterladen' });
      const [download] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
      const downloaded = await readFile((await download.path())!);
      assert.equal(downloaded.subarray(0, 4).toString('latin1'), '%PDF');
      const pdfResponse = await page.request.get(new URL((await pdfLink.getAttribute('href'))!, page.url()).href);
      assert.equal(pdfResponse.status(), 200);
      assert.match(pdfResponse.headers()['content-type'] ?? '', /^application\/pdf/);
      assert.equal((await pdfResponse.body()).subarray(0, 4).toString('latin1'), '%PDF');
      await citizen.close();

      // The Steueramt clerk sees the case with exactly what was entered.
      const steuer = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const inbox = await signInAsStaff(steuer, suite.portal.baseUrl, suite.portal.credentialsFor('steuer@musterstadt.example'));
      const caseLink = inbox.getByRole('link', { name: reference, exact: true });
      assert.equal(await caseLink.count(), 1, `the inbox lists ${reference}`);
      const caseUrl = new URL((await caseLink.getAttribute('href'))!, inbox.url()).href;
      await clickAndLoad(inbox, caseLink);
      const caseText = await inbox.getByRole('main').innerText();
      assert.ok(caseText.includes(reference), 'the case page names the reference');
      assert.ok(caseText.includes(renamedDog), 'the case shows the dog name as last entered');
      assert.ok(caseText.includes(pdfName) && caseText.includes(pngName), 'the case lists both uploaded files');
      assert.ok(caseText.includes('DE02 1203 0000 0000 2020 51'), 'the case shows the IBAN, stored sealed (ADR 0025)');
      if (mode === jsModes[0]) await processWithOrdnungsamt(suite, inbox, reference, renamedDog);
      await steuer.close();

      // The Bürgerbüro clerk must not see it, neither in the inbox nor by URL.
      const buergerbuero = await newCitizenContext(suite.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      const otherInbox = await signInAsStaff(buergerbuero, suite.portal.baseUrl, suite.portal.credentialsFor('buergerbuero@musterstadt.example'));
      assert.ok(!(await otherInbox.getByRole('main').innerText()).includes(reference), 'another department does not list the case');
      await open(otherInbox, caseUrl, 404);
      await buergerbuero.close();
    });
  }
});

/**
 * The Steueramt processes the case: starts it, sees the dog tax for a listed breed, involves the
 * Ordnungsamt, which sees only the shared fields and gives its statement, and then decides.
 */
async function processWithOrdnungsamt(suite: ReturnType<typeof usePortalAndBrowser>, page: Page, reference: string, dogName: string): Promise<void> {
  const caseUrl = page.url();
  await clickAndLoad(page, page.getByRole('button', { name: 'Bearbeitung beginnen' }));
  const started = await page.getByRole('main').innerText();
  assert.ok(started.includes('In Bearbeitung'), 'the case is in progress');
  assert.ok(started.includes('gefährlicher Hund') && started.includes('600,00'), 'the dog tax of a listed breed from the town\'s tariff');
  await page.getByLabel('Ihre Frage an den Fachbereich').fill('Bitte Erlaubnis nach LHundG prüfen.');
  await clickAndLoad(page, page.getByRole('button', { name: 'Beteiligen' }));
  assert.ok((await page.getByRole('main').innerText()).includes('Stellungnahme ausstehend'));

  const ordnungContext = await newCitizenContext(suite.browser, { javaScriptEnabled: false });
  const ordnung = await signInAsStaff(ordnungContext, suite.portal.baseUrl, suite.portal.credentialsFor('ordnung@musterstadt.example'));
  await clickAndLoad(ordnung, ordnung.getByRole('link', { name: `${reference}-B1`, exact: true }));
  const linked = await ordnung.getByRole('main').innerText();
  assert.ok(linked.includes('Bitte Erlaubnis nach LHundG prüfen.') && linked.includes(dogName) && linked.includes('Rottweiler'), 'the Ordnungsamt sees the request and the shared fields');
  assert.ok(!linked.includes('DE02') && !linked.includes('erika.mustermann@example.org') && !linked.includes('600,00'), 'but not the bank details, the e-mail address or the tax');
  await clickAndLoad(ordnung, ordnung.getByRole('button', { name: 'Bearbeitung beginnen' }));
  await ordnung.getByLabel('Stellungnahme').fill('Erlaubnis liegt vor (Az. 32-LHundG-7).');
  await clickAndLoad(ordnung, ordnung.getByRole('button', { name: 'Stellungnahme abgeben und Vorgang abschließen' }));
  assert.ok((await ordnung.getByRole('main').innerText()).includes('Abgeschlossen'));
  await ordnungContext.close();

  await open(page, caseUrl);
  assert.ok((await page.getByRole('main').innerText()).includes('Erlaubnis liegt vor (Az. 32-LHundG-7).'), 'the statement is back in the Steueramt\'s case');
  await approveCase(page);
  assert.ok((await page.getByRole('main').innerText()).includes('Entschieden'));

  // The tax assessment: the amounts come from the case, the tag number from the clerk.
  await issueLetter(page, caseUrl, 'Bescheid über die Festsetzung der Hundesteuer', { 'Nummer der Hundesteuermarke': '0815' }, async (form) => {
    assert.equal(await form.getByLabel('Hundesteuer im Jahr').inputValue(), '600,00\u00a0€', 'the dangerous-dog rate is filled in');
  });
  assert.match(await page.getByRole('main').innerText(), /MST-B-\d{4}-\d{6}/, 'the letter has its document number');
}

async function expectStepHeading(page: Page, heading: string): Promise<void> {
  const h1 = await page.getByRole('heading', { level: 1 }).innerText();
  if (h1 !== heading) {
    const summary = await page.locator('[role="alert"]').allInnerTexts();
    assert.fail(`expected "${heading}" at ${page.url()}, got "${h1}"${summary.length ? `; errors: ${summary.join(' | ')}` : ''}`);
  }
}
