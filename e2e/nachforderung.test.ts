import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { dogAnswers } from '../src/test-support/applications.js';
import { expectNoAxeViolations, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { askApplicant, openAndStartCase } from './support/casework.js';
import { clickAndLoad, open, samplePdf, signInAsStaff, submitViaApi, waitForMail } from './support/pages.js';

/**
 * Nachforderung: the Steueramt asks the applicant for a missing document; the applicant answers on
 * the status page from the mail with a PDF (without JavaScript), and the clerk finds the case back
 * in the inbox with the file in the case file.
 */
describe('Nachforderung: the clerk asks, the applicant answers with a PDF through the status link', () => {
  const suite = usePortalAndBrowser();

  it('goes from the question to the answer in the case file', async () => {
    const base = suite.portal.baseUrl;
    const reference = await submitViaApi(base, 'hund-anmelden', dogAnswers({ email: 'nachforderung@example.org', dogName: 'Frieda' }));

    // axe needs JavaScript; the applicant's side runs without it.
    const clerkContext = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const clerk = await signInAsStaff(clerkContext, base, suite.portal.credentialsFor('steuer@musterstadt.example'));
    const caseUrl = await openAndStartCase(clerk, reference);
    await askApplicant(clerk, { question: 'Bitte senden Sie uns den Impfausweis von Frieda.', missing: 'Impfausweis' });
    assert.ok((await clerk.getByRole('main').innerText()).includes('Wartet auf Antragsteller'), 'the case waits for the applicant');
    await expectNoAxeViolations(clerk, 'case page with an open request');

    const link = await questionLink(clerk, base, reference);
    await open(clerk, link);
    await expectNoAxeViolations(clerk, 'status page with a question');
    const citizenContext = await newCitizenContext(suite.browser, { javaScriptEnabled: false });
    const citizen = await citizenContext.newPage();
    await open(citizen, link);
    const status = await citizen.getByRole('main').innerText();
    assert.ok(status.includes('Wir haben eine Frage an Sie') && status.includes('Impfausweis von Frieda'), 'the status page shows the question');
    await citizen.getByLabel('Ihre Antwort').fill('Anbei der Impfausweis.');
    await citizen.getByLabel('Impfausweis (optional)', { exact: true }).setInputFiles({ name: 'impfausweis-frieda.pdf', mimeType: 'application/pdf', buffer: samplePdf('Impfausweis') });
    await clickAndLoad(citizen, citizen.getByRole('button', { name: 'Antwort senden' }));
    assert.match(await citizen.getByRole('main').innerText(), /Ihre Antwort vom .* liegt uns vor/);
    await citizenContext.close();

    await open(clerk, `${base}/verwaltung?ansicht=meine`);
    const row = clerk.getByRole('row').filter({ hasText: reference });
    assert.match(await row.innerText(), /In Bearbeitung – Antwort eingegangen/);
    await open(clerk, caseUrl);
    const answered = await clerk.getByRole('main').innerText();
    assert.ok(answered.includes('Anbei der Impfausweis.'), 'the answer is in the case');
    const file = clerk.getByRole('link', { name: /impfausweis-frieda\.pdf/ }).first();
    const download = await clerk.request.get(new URL((await file.getAttribute('href'))!, caseUrl).href);
    assert.equal(download.status(), 200);
    assert.equal((await download.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    await clerkContext.close();
  });
});

/** The status link from the question mail for an application, read from the development outbox. */
async function questionLink(page: Page, baseUrl: string, reference: string): Promise<string> {
  const text = await waitForMail(page, baseUrl, [`Frage zu Ihrem Antrag ${reference}`]);
  assert.doesNotMatch(text, /Impfausweis|Frieda/, 'the mail names no content');
  return text.match(/http:\/\/\S+\/status\/[A-Za-z0-9_-]{43}/)![0];
}
