import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { pdfText } from '../src/test-support/pdf.js';
import { expectNoAxeViolations, expectNoHorizontalScroll, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { clickAndLoad, issueReplyLetter, open, samplePdf, sendComplaint, signInAsStaff, waitForMail } from './support/pages.js';
import { registerAndSignIn, signInCitizen } from './support/accounts.js';

/** axe (WCAG 2.1 A/AA) on the current page, and no sideways scrolling at 320 px. */
async function checkPage(page: Page, name: string): Promise<void> {
  await expectNoAxeViolations(page, name);
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoHorizontalScroll(page, name.replace(/\W+/g, '-'), 'postbox');
  await page.setViewportSize({ width: 1280, height: 900 });
}

/**
 * The postbox (issue 4): a citizen registers, applies while signed in, gets the clerk's question in
 * the postbox (the mail only says a message waits), answers it there with a photo, and downloads
 * the decision letter from the postbox. The citizen works without JavaScript; a second sign-in of
 * the same account with JavaScript runs axe on the postbox pages.
 */
describe('Postfach: question and decision reach a signed-in applicant in the postbox', () => {
  const suite = usePortalAndBrowser();

  it('goes from the application to the downloaded decision', async () => {
    const base = suite.portal.baseUrl;
    const account = { email: 'greta.postfach@example.org', password: 'Kastanienbaum am Marktplatz 7' };
    const citizenContext = await newCitizenContext(suite.browser, { javaScriptEnabled: false });
    const citizen = await citizenContext.newPage();
    await registerAndSignIn(citizen, base, account);
    assert.match(await citizen.getByRole('main').innerText(), /Postfach/);
    const reference = await sendComplaint(citizen, base, { subject: 'Hecke am Rosenweg', message: 'Die Hecke ragt weit in den Gehweg.', email: 'greta.formular@example.org' });

    // The clerk sees that the applicant has an account, starts the case and asks for a photo.
    const clerkContext = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const clerk = await signInAsStaff(clerkContext, base, suite.portal.credentialsFor('zentrale@musterstadt.example'));
    await clickAndLoad(clerk, clerk.getByRole('link', { name: reference, exact: true }));
    const caseUrl = clerk.url();
    assert.match(await clerk.getByRole('main').innerText(), /Antrag mit Servicekonto gestellt: Nachforderungen und Bescheide gehen in das Postfach/);
    await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Bearbeitung beginnen' }));
    await clerk.getByLabel('Frage an die antragstellende Person').fill('Bitte schicken Sie uns ein Foto der Hecke vom Gehweg aus.');
    await clerk.getByLabel('Fehlende Unterlagen').fill('Foto der Hecke');
    await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Nachforderung senden' }));

    const notice = await waitForMail(clerk, base, [account.email, 'Neue Nachricht in Ihrem Postfach – Musterstadt']);
    assert.match(notice, /\/konto\/postfach/);
    assert.doesNotMatch(notice, /Hecke|Foto|Gehweg|\/status\//, 'the mail names nothing of the message');
    assert.ok(!notice.includes(reference));

    await open(citizen, `${base}/konto`);
    await clickAndLoad(citizen, citizen.getByRole('link', { name: 'Postfach – 1 ungelesene Nachricht' }));
    await clickAndLoad(citizen, citizen.getByRole('link', { name: `Frage zu Ihrem Antrag ${reference}` }));
    const questionUrl = citizen.url();
    assert.match(await citizen.getByRole('main').innerText(), /Foto der Hecke vom Gehweg aus/);

    // axe on the postbox pages, with the question open and a refused empty answer.
    const axeContext = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const checker = await axeContext.newPage();
    await signInCitizen(checker, base, account);
    await checkPage(checker, 'account overview with the postbox');
    await open(checker, `${base}/konto/postfach`);
    await checkPage(checker, 'postbox with a question');
    await open(checker, questionUrl);
    await checkPage(checker, 'question in the postbox');
    await clickAndLoad(checker, checker.getByRole('button', { name: 'Antwort senden' }));
    assert.equal(await checker.getByRole('alert').count(), 1, 'an empty answer is refused');
    await checkPage(checker, 'question with a refused answer');

    await citizen.getByLabel('Ihre Antwort').fill('Das Foto ist angehängt.');
    await citizen.getByLabel('Foto der Hecke (optional)', { exact: true }).setInputFiles({ name: 'hecke.pdf', mimeType: 'application/pdf', buffer: samplePdf('Hecke') });
    await clickAndLoad(citizen, citizen.getByRole('button', { name: 'Antwort senden' }));
    assert.match(await citizen.getByRole('main').innerText(), /Ihre Antwort vom .* liegt uns vor/);

    // Back in the clerk's inbox with the answer and the photo; decided with a letter.
    await open(clerk, `${base}/verwaltung?ansicht=meine`);
    assert.match(await clerk.getByRole('row').filter({ hasText: reference }).innerText(), /Antwort eingegangen/);
    await open(clerk, caseUrl);
    const answered = await clerk.getByRole('main').innerText();
    assert.ok(answered.includes('Das Foto ist angehängt.') && answered.includes('über das Postfach'), 'the answer is in the case');
    const photo = await clerk.request.get(new URL((await clerk.getByRole('link', { name: /hecke\.pdf/ }).first().getAttribute('href'))!, caseUrl).href);
    assert.equal((await photo.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    await clerk.getByRole('group', { name: 'Entscheidung' }).getByLabel('Bewilligt', { exact: true }).check();
    await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Entscheiden' }));
    const letterForm = await issueReplyLetter(clerk, caseUrl, { recipient: 'Frau Greta Quandt', reply: 'Wir haben den Eigentümer aufgefordert, die Hecke bis Monatsende zu schneiden.' });
    assert.match(letterForm, /Der Bescheid wird in ihr Postfach zugestellt/);
    assert.match(await clerk.getByRole('main').innerText(), /In das Postfach des Servicekontos zugestellt/);
    await clerkContext.close();

    // The second notice; the letter waits unread in the postbox and is downloaded there.
    await waitForMail(citizen, base, [account.email, 'Neue Nachricht in Ihrem Postfach'], { moreThan: 1 });
    await open(citizen, `${base}/konto`);
    await clickAndLoad(citizen, citizen.getByRole('link', { name: 'Postfach – 1 ungelesene Nachricht' }));
    await open(checker, `${base}/konto/postfach`);
    await checkPage(checker, 'postbox with an unread letter');
    await clickAndLoad(citizen, citizen.getByRole('link', { name: /^Antwort auf Ihr Anliegen – / }));
    const letterPage = await citizen.getByRole('main').innerText();
    const number = letterPage.match(/[A-Z]+-B-\d{4}-\d{6}/)?.[0];
    assert.ok(number && letterPage.includes(reference), 'the letter page names the document and the application');
    await open(checker, citizen.url());
    await checkPage(checker, 'letter in the postbox');

    const [download] = await Promise.all([citizen.waitForEvent('download'), citizen.getByRole('link', { name: `PDF herunterladen ${number}` }).click()]);
    const pdf = await readFile((await download.path())!);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const text = await pdfText(pdf);
    assert.ok(text.includes(number) && text.includes('Hecke'), 'the decision letter itself');
    await open(citizen, `${base}/konto/postfach`);
    assert.match(await citizen.getByRole('main').innerText(), /Keine ungelesenen Nachrichten/);
    await axeContext.close();
    await citizenContext.close();
  });
});
