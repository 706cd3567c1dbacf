import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations, usePortalAndBrowser, newCitizenContext } from './support/browser.js';
import { clickAndLoad, continueStep, fillDate, fillDemoApplicant, germanDate, open, samplePdf, samplePng, sendComplaint, signInAsStaff, fillDemoAddress, statusLinkFor, mailedLinkFor } from './support/pages.js';
import { registerAndSignIn } from './support/accounts.js';
import { askApplicant, issueReplyLetter } from './support/casework.js';
import { generate } from 'otplib';

const crawlLimit = 60;

/** Links a crawler may follow: same origin, GET pages only, nothing that is a file, an API or a switch. */
function crawlable(url: URL, origin: string): boolean {
  if (url.origin !== origin) return false;
  const p = url.pathname;
  if (p.startsWith('/static/') || p.startsWith('/api/') || p.startsWith('/schemas/') || p === '/metrics') return false;
  // Files and feeds, not pages: PDFs, JSON, calendar files, Atom feeds (checked as XML in their own tests).
  if (['.pdf', '.json', '.ics', '.atom', '.xml'].some((extension) => p.endsWith(extension))) return false;
  // The language switch sets a cookie and redirects; the English pages are checked on their own below.
  if (p === '/sprache') return false;
  return true;
}

/**
 * Visits every page reachable by links from a start page (breadth first, up to a limit),
 * runs axe on each and returns the visited URLs. Any page that does not answer 200 fails.
 */
async function crawlWithAxe(page: Page, start: string, limit: number): Promise<string[]> {
  const origin = new URL(start).origin;
  const queue = [new URL(start).href];
  const seen = new Set(queue);
  const visited: string[] = [];
  const failures: string[] = [];
  while (queue.length > 0 && visited.length < limit) {
    const url = queue.shift()!;
    const response = await page.goto(url, { waitUntil: 'load' });
    visited.push(url);
    if (response?.status() !== 200) {
      failures.push(`${url} answered ${response?.status()}`);
      continue;
    }
    try {
      await expectNoAxeViolations(page, url);
    } catch (error) {
      failures.push((error as Error).message);
    }
    const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    for (const href of hrefs) {
      const next = new URL(href);
      next.hash = '';
      if (crawlable(next, origin) && !seen.has(next.href)) {
        seen.add(next.href);
        queue.push(next.href);
      }
    }
  }
  assert.deepEqual(failures, [], `problems on ${failures.length} of ${visited.length} crawled pages:\n${failures.join('\n\n')}`);
  return visited;
}

describe('Every page passes axe (WCAG 2.1 A and AA) with zero violations', () => {
  const suite = usePortalAndBrowser();

  it('every page reachable by links from the Musterstadt home page', async (t) => {
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    const visited = await crawlWithAxe(page, `${suite.portal.baseUrl}/`, crawlLimit);
    t.diagnostic(`axe checked ${visited.length} pages: ${visited.map((u) => new URL(u).pathname + new URL(u).search).join(' ')}`);
    assert.ok(visited.length >= 15, `the crawl found only ${visited.length} pages: ${visited.join(', ')}`);
    for (const path of ['/leistungen', '/leistungen/hund-anmelden', '/impressum', '/datenschutz', '/barrierefreiheit', '/verwaltung/anmelden']) {
      assert.ok(visited.some((u) => new URL(u).pathname === path), `the crawl reached ${path}`);
    }
    await context.close();
  });

  it('the English pages and the second town', async () => {
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await open(page, `${suite.portal.baseUrl}/`);
    await clickAndLoad(page, page.getByRole('link', { name: 'Switch to English' }));
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    for (const path of ['/', '/leistungen', '/leistungen?q=dog', '/leistungen/hund-anmelden', '/leistungen/hund-anmelden/antrag', '/leistungen/wohngeld', '/leistungen/wohngeld/antrag', '/barrierefreiheit', '/verwaltung/anmelden']) {
      await open(page, `${suite.portal.baseUrl}${path}`);
      await expectNoAxeViolations(page);
    }
    await context.close();

    const other = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const visited = await crawlWithAxe(await other.newPage(), `${suite.portal.townUrl('beispieldorf')}/`, 12);
    assert.ok(visited.length >= 5);
    await other.close();
  });

  it('a service that requires a trust level: its page and the explanation where the town has no IdP', async () => {
    // The pages with a town IdP (sign-in button, step-up, refusal, security section) are checked in account-idp.test.ts.
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await open(page, `${suite.portal.baseUrl}/leistungen/wohngeld`);
    await expectNoAxeViolations(page, 'Wohngeld service page');
    await clickAndLoad(page, page.getByRole('link', { name: 'Online beantragen' }));
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Für diesen Antrag müssen Sie sich ausweisen');
    await expectNoAxeViolations(page, 'step-up page without a town IdP');
    await context.close();
  });

  it('every page of a whole application, its error states, the receipt, and the staff pages', async () => {
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await open(page, `${suite.portal.baseUrl}/leistungen/hund-anmelden/antrag`);
    await expectNoAxeViolations(page, 'step 1');

    // An error state with several kinds of errors (text, date, address, e-mail).
    await page.getByLabel('Geburtsdatum', { exact: true }).fill('31.02.2020');
    await page.getByLabel('E-Mail-Adresse').fill('kein-at-zeichen');
    await page.getByLabel('Postleitzahl').fill('12');
    await continueStep(page);
    assert.equal(await page.getByRole('alert').count(), 1);
    await expectNoAxeViolations(page, 'step 1 with errors');

    await fillDemoApplicant(page, 'erika@example.org');
    await continueStep(page);

    await expectNoAxeViolations(page, 'dog step');
    await continueStep(page);
    await expectNoAxeViolations(page, 'dog step with errors (radios, select)');
    await page.getByLabel('Name des Hundes').fill('Bella');
    await page.getByLabel('Rasse', { exact: true }).selectOption('rottweiler');
    await fillDate(page.getByLabel('Geburtsdatum des Hundes'), '01.03.2021');
    await page.getByLabel('Chipnummer').fill('276098106123456');
    await fillDate(page.getByLabel('Beginn der Hundehaltung'), germanDate(-3));
    await page.getByRole('group', { name: 'Halten Sie bereits weitere Hunde?' }).getByLabel('Nein').check();
    await continueStep(page);

    await expectNoAxeViolations(page, 'upload step');
    await page.getByLabel('Sachkundenachweis').setInputFiles({ name: 'sachkunde.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    await continueStep(page);
    await expectNoAxeViolations(page, 'upload step with one file and errors');
    await page.getByLabel('Nachweis der Haftpflichtversicherung').setInputFiles({ name: 'haftpflicht.png', mimeType: 'image/png', buffer: samplePng() });
    await page.getByRole('group', { name: 'Haben Sie ein Führungszeugnis beantragt?' }).getByLabel('Ja').check();
    await continueStep(page);

    await expectNoAxeViolations(page, 'bank step');
    await page.getByLabel('IBAN').fill('DE02120300000000202051');
    await page.getByLabel('Kontoinhaberin oder Kontoinhaber').fill('Erika Mustermann');
    await continueStep(page);

    assert.match(new URL(page.url()).pathname, /\/pruefen$/);
    await expectNoAxeViolations(page, 'check page');
    await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
    assert.equal(await page.getByRole('alert').count(), 1, 'sending without the declaration is refused');
    await expectNoAxeViolations(page, 'check page without declaration');
    await page.getByLabel('Ich bestätige die Erklärung.').check();
    await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
    const reference = (await page.getByTestId('reference').innerText()).trim();
    await expectNoAxeViolations(page, 'receipt');

    // A repeatable group, the other complex widget.
    await open(page, `${suite.portal.baseUrl}/leistungen/sperrmuell-anmeldung/antrag`);
    await fillDemoAddress(page);
    await continueStep(page);
    await clickAndLoad(page, page.getByRole('button', { name: 'Gegenstand hinzufügen' }));
    await continueStep(page);
    await expectNoAxeViolations(page, 'group step with errors');
    await context.close();

    // Staff: login (empty and wrong), second factor, inbox, case.
    const staff = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const login = await staff.newPage();
    await open(login, `${suite.portal.baseUrl}/verwaltung/anmelden`);
    await expectNoAxeViolations(login, 'staff login');
    await login.getByLabel('Dienstliche E-Mail-Adresse').fill('steuer@musterstadt.example');
    await login.getByLabel('Passwort', { exact: true }).fill('falsch');
    await clickAndLoad(login, login.getByRole('button', { name: 'Anmelden', exact: true }));
    assert.equal(await login.getByRole('alert').count(), 1);
    await expectNoAxeViolations(login, 'staff login with error');
    await login.close();

    // The first sign-in sets up the authenticator app (with a wrong code and the recovery codes).
    const steuer = suite.portal.credentialsFor('steuer@musterstadt.example');
    const inbox = await signInAsStaff(staff, suite.portal.baseUrl, steuer, (page, name) => expectNoAxeViolations(page, name));
    await expectNoAxeViolations(inbox, 'inbox');
    await clickAndLoad(inbox, inbox.getByRole('link', { name: reference, exact: true }));
    await expectNoAxeViolations(inbox, 'case page');
    await staff.close();

    // A later sign-in asks for the code, with a wrong one, and the recovery-code page.
    const later = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    await signInAsStaff(later, suite.portal.baseUrl, steuer, (page, name) => expectNoAxeViolations(page, name));
    await later.close();
  });

  it('the profile and document pages of a citizen account, their error states, and a form step with prefill and the document picker', async () => {
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await registerAndSignIn(page, base);
    await expectNoAxeViolations(page, 'account overview');
    await clickAndLoad(page, page.getByRole('link', { name: 'Mein Profil' }));
    await expectNoAxeViolations(page, 'profile');
    await fillDate(page.getByLabel('Geburtsdatum'), '31.02.1990');
    await page.getByLabel('Postleitzahl').fill('12');
    await clickAndLoad(page, page.getByRole('button', { name: 'Profil speichern' }));
    assert.equal(await page.getByRole('alert').count(), 1);
    await expectNoAxeViolations(page, 'profile with errors');
    await page.getByLabel('Vorname').fill('Erika');
    await fillDate(page.getByLabel('Geburtsdatum'), '12.08.1984');
    await fillDemoAddress(page);
    await page.getByLabel('Mein Profil zum Vorausfüllen von Formularen verwenden').check();
    await clickAndLoad(page, page.getByRole('button', { name: 'Profil speichern' }));
    await expectNoAxeViolations(page, 'profile saved');

    await clickAndLoad(page, page.getByRole('link', { name: 'Mein Konto' }).last());
    await clickAndLoad(page, page.getByRole('link', { name: 'Meine Dokumente' }));
    await expectNoAxeViolations(page, 'empty document safe');
    await page.getByLabel('Datei').setInputFiles({ name: 'programm.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ not a pdf at all') });
    await clickAndLoad(page, page.getByRole('button', { name: 'Hochladen' }));
    assert.equal(await page.getByRole('alert').count(), 1);
    await expectNoAxeViolations(page, 'document safe with errors');
    await page.getByLabel('Bezeichnung').fill('Sachkundenachweis');
    await page.getByLabel('Datei').setInputFiles({ name: 'sachkunde.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    await clickAndLoad(page, page.getByRole('button', { name: 'Hochladen' }));
    await expectNoAxeViolations(page, 'document safe with a document');
    await clickAndLoad(page, page.getByRole('link', { name: /^Löschen/ }));
    await expectNoAxeViolations(page, 'delete a document');

    await open(page, `${base}/leistungen/hund-anmelden/antrag`);
    assert.ok((await page.getByRole('main').innerText()).includes('Angaben aus Ihrem Profil übernommen'));
    await expectNoAxeViolations(page, 'form step prefilled from the profile');
    await open(page, `${base}/leistungen/kontakt-beschwerde/antrag`);
    await page.locator('summary', { hasText: 'Aus meinen Dokumenten hinzufügen' }).click();
    await expectNoAxeViolations(page, 'form step with the document picker open');
    await context.close();
  });

  it('the administration pages of the demo town admin, their error states, and an invitation link', async () => {
    const base = suite.portal.baseUrl;
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await signInAsStaff(context, base, suite.portal.credentialsFor('admin@musterstadt.example'));
    await clickAndLoad(page, page.getByRole('link', { name: 'Administration', exact: true }));
    await expectNoAxeViolations(page, 'staff list');
    await clickAndLoad(page, page.getByRole('link', { name: 'Konto anlegen' }));
    await expectNoAxeViolations(page, 'new account');
    await page.getByLabel('Dienstliche E-Mail-Adresse').fill('kein-at');
    await clickAndLoad(page, page.getByRole('button', { name: 'Konto anlegen und einladen' }));
    assert.equal(await page.getByRole('alert').count(), 1);
    await expectNoAxeViolations(page, 'new account with errors');
    await page.getByLabel('Name', { exact: true }).fill('Nora Neu');
    await page.getByLabel('Dienstliche E-Mail-Adresse').fill('nora.neu@musterstadt.example');
    await page.getByRole('combobox', { name: /^Fachbereich/ }).selectOption('ordnungsamt');
    await clickAndLoad(page, page.getByRole('button', { name: 'Konto anlegen und einladen' }));
    assert.ok((await page.getByRole('main').innerText()).includes('Das Konto wurde angelegt'));
    await expectNoAxeViolations(page, 'account page');
    await clickAndLoad(page, page.getByRole('button', { name: 'Rolle zuweisen' }));
    assert.equal(await page.getByRole('alert').count(), 1);
    await expectNoAxeViolations(page, 'account page with errors');
    await clickAndLoad(page, page.getByRole('link', { name: 'Fachbereiche', exact: true }));
    await expectNoAxeViolations(page, 'departments');
    await clickAndLoad(page, page.getByRole('link', { name: 'Fachbereich anlegen' }));
    await clickAndLoad(page, page.getByRole('button', { name: 'Anlegen' }));
    await expectNoAxeViolations(page, 'new department with errors');
    await open(page, `${base}/verwaltung/admin/fachbereiche`);
    await clickAndLoad(page, page.getByRole('link', { name: 'Steueramt bearbeiten' }));
    await clickAndLoad(page, page.getByRole('button', { name: 'Fachbereich deaktivieren' }));
    assert.equal(await page.getByRole('alert').count(), 1, 'the Steueramt handles services');
    await expectNoAxeViolations(page, 'department refused');

    // The invitation mail's link, opened by the new colleague.
    await open(page, `${base}/dev/postausgang`);
    const mail = page.locator('article.outbox-mail').filter({ hasText: 'nora.neu@musterstadt.example' });
    for (let i = 0; i < 60 && (await mail.count()) === 0; i++) {
      await page.waitForTimeout(500);
      await open(page, `${base}/dev/postausgang`);
    }
    const link = (await mail.first().innerText()).match(/http:\/\/\S+\/verwaltung\/einladung\/[A-Za-z0-9_-]{43}/)?.[0];
    assert.ok(link, 'the invitation mail gives a link');
    await context.close();
    const invitee = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const form = await invitee.newPage();
    await open(form, link.replace(/^http:\/\/[^/]+/, base));
    await expectNoAxeViolations(form, 'invitation');
    await form.getByLabel('Neues Passwort', { exact: true }).fill('ein langes gutes passwort');
    await form.getByLabel('Neues Passwort wiederholen').fill('ein anderes passwort');
    await clickAndLoad(form, form.getByRole('button', { name: 'Passwort festlegen' }));
    await expectNoAxeViolations(form, 'invitation with errors');
    await open(form, `${base}/verwaltung/einladung/${'x'.repeat(43)}`, 404);
    await expectNoAxeViolations(form, 'invitation link not valid');
    await invitee.close();
  });

  it('the letters pages of a case and the applicant\'s status pages', async () => {
    const base = suite.portal.baseUrl;
    // The applicant sends a message; the browser that sent it sees the status under its receipt.
    const citizen = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await citizen.newPage();
    const reference = await sendComplaint(page, base, { subject: 'Gehweg am Markt', message: 'Der Gehweg am Markt ist seit Tagen vereist.', email: 'greta.quandt@example.org' });
    await open(page, `${page.url()}/status`);
    await expectNoAxeViolations(page, 'status page under the receipt');

    // The clerk takes the case and writes the reply from its template.
    const staff = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const clerk = await signInAsStaff(staff, base, suite.portal.credentialsFor('zentrale@musterstadt.example'));
    await clickAndLoad(clerk, clerk.getByRole('link', { name: reference, exact: true }));
    await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Bearbeitung beginnen' }));
    await open(clerk, `${clerk.url()}/bescheide`);
    await expectNoAxeViolations(clerk, 'letters page');
    await clerk.getByLabel('Antwort auf Ihr Anliegen').check();
    await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Vorlage wählen' }));
    await expectNoAxeViolations(clerk, 'letter form with its preview and gaps');
    await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Bescheid erstellen und zustellen' }));
    assert.equal(await clerk.getByRole('alert').count(), 1, 'issuing with gaps is refused');
    await expectNoAxeViolations(clerk, 'letter refused');
    await clerk.getByLabel('Empfänger (Name)').fill('Frau Greta Quandt');
    await clerk.getByLabel('Antwort', { exact: true }).fill('Der Winterdienst streut den Gehweg heute.');
    await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Bescheid erstellen und zustellen' }));
    assert.ok((await clerk.getByRole('main').innerText()).includes('Fingerabdruck'), 'the letter is listed');
    await expectNoAxeViolations(clerk, 'letters page with an issued letter');
    await staff.close();

    // The status link from the confirmation mail shows the letter.
    await open(page, await statusLinkFor(page, base, reference));
    assert.ok((await page.getByRole('main').innerText()).includes('Antwort auf Ihr Anliegen'));
    await expectNoAxeViolations(page, 'status page with a letter');
    await citizen.close();
  });

  it('"Meine Anträge" with a draft and an application, its detail page, and saving a draft for later with a mailed link', async () => {
    const base = suite.portal.baseUrl;
    /** Answers the first step of a complaint and presses "Später fortsetzen". */
    const saveComplaintForLater = async (page: Page, subject: string) => {
      await open(page, `${base}/leistungen/kontakt-beschwerde/antrag`);
      await page.getByLabel('Ich habe eine Frage').check();
      await page.getByLabel('Betreff').fill(subject);
      await page.getByLabel('Ihre Nachricht').fill('Wann ist das Bürgerbüro samstags geöffnet?');
      await clickAndLoad(page, page.getByRole('button', { name: 'Später fortsetzen' }));
    };

    // Signed in: the draft waits in the account; continued from the list, then sent.
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await registerAndSignIn(page, base, { email: 'meine-antraege@example.org' });
    await expectNoAxeViolations(page, 'account overview');
    await saveComplaintForLater(page, 'Öffnungszeiten');
    assert.equal(new URL(page.url()).pathname, '/konto/antraege');
    await expectNoAxeViolations(page, 'my applications with a draft');
    await clickAndLoad(page, page.getByRole('link', { name: /^Fortsetzen\s+Kontakt und Beschwerde$/ }));
    await page.getByLabel('E-Mail-Adresse').fill('meine-antraege@example.org');
    await page.getByRole('group', { name: 'Möchten Sie eine Antwort erhalten?' }).getByLabel('Nein').check();
    await continueStep(page);
    await page.getByLabel('Ich bestätige die Erklärung.').check();
    await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
    const reference = (await page.getByTestId('reference').innerText()).trim();
    await saveComplaintForLater(page, 'Noch ein Entwurf');
    await expectNoAxeViolations(page, 'my applications with a draft and an application');
    await clickAndLoad(page, page.getByRole('link', { name: /^Verwerfen\s+Kontakt und Beschwerde$/ }));
    await expectNoAxeViolations(page, 'discard a draft');
    await clickAndLoad(page, page.getByRole('button', { name: 'Entwurf verwerfen' }));
    await clickAndLoad(page, page.getByRole('link', { name: reference }));
    await expectNoAxeViolations(page, 'application detail');
    await clickAndLoad(page, page.getByRole('button', { name: 'Antrag zurückziehen' }));
    assert.equal(await page.getByRole('alert').count(), 1, 'withdrawing needs the confirmation');
    await expectNoAxeViolations(page, 'application detail with an error');
    await context.close();

    // Anonymous: the resume link by mail, opened in another browser.
    const first = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const anonymous = await first.newPage();
    await saveComplaintForLater(anonymous, 'Laterne am Markt');
    await expectNoAxeViolations(anonymous, 'continue later');
    await anonymous.getByLabel('E-Mail-Adresse').fill('kein-at');
    await clickAndLoad(anonymous, anonymous.getByRole('button', { name: 'Link senden' }));
    assert.equal(await anonymous.getByRole('alert').count(), 1);
    await expectNoAxeViolations(anonymous, 'continue later with an error');
    await anonymous.getByLabel('E-Mail-Adresse').fill('spaeter-e2e@example.org');
    await clickAndLoad(anonymous, anonymous.getByRole('button', { name: 'Link senden' }));
    await expectNoAxeViolations(anonymous, 'resume link sent');
    const link = await mailedLinkFor(anonymous, base, 'An: spaeter-e2e@example.org', '/antrag/fortsetzen');
    await first.close();
    const second = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const other = await second.newPage();
    await open(other, link);
    await expectNoAxeViolations(other, 'resume link');
    await clickAndLoad(other, other.getByRole('button', { name: 'Antrag fortsetzen' }));
    assert.equal(await other.getByLabel('E-Mail-Adresse').count(), 1, 'the second browser continues at the contact step');
    await open(other, link, 404);
    await expectNoAxeViolations(other, 'resume link used up');
    await second.close();
  });

  it('the postbox of a citizen account: empty, with a question and a letter, in German and English', async () => {
    const base = suite.portal.baseUrl;
    const citizen = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await citizen.newPage();
    await registerAndSignIn(page, base, { email: 'axe.postfach@example.org', password: 'Kastanienbaum am Marktplatz 9' });
    await open(page, `${base}/konto/postfach`);
    await expectNoAxeViolations(page, 'empty postbox');
    const reference = await sendComplaint(page, base, { subject: 'Bank am Teich', message: 'Die Bank am Teich ist zerbrochen.', email: 'axe.postfach@example.org' });

    // The clerk asks a question and sends the reply letter to the postbox.
    const staff = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const clerk = await signInAsStaff(staff, base, suite.portal.credentialsFor('zentrale@musterstadt.example'));
    await clickAndLoad(clerk, clerk.getByRole('link', { name: reference, exact: true }));
    await expectNoAxeViolations(clerk, 'case page of an application with an account');
    const caseUrl = clerk.url();
    await clickAndLoad(clerk, clerk.getByRole('button', { name: 'Bearbeitung beginnen' }));
    await askApplicant(clerk, { question: 'Seit wann ist die Bank zerbrochen?' });
    await issueReplyLetter(clerk, caseUrl, { recipient: 'Frau Anna Axe', reply: 'Die Bank wird ersetzt.' });
    await staff.close();

    for (const language of ['de', 'en'] as const) {
      if (language === 'en') await clickAndLoad(page, page.getByRole('link', { name: 'Switch to English' }));
      await open(page, `${base}/konto`);
      await expectNoAxeViolations(page, `account overview (${language})`);
      await open(page, `${base}/konto/postfach`);
      await expectNoAxeViolations(page, `postbox with messages (${language})`);
      const messages = page.getByRole('list', { name: language === 'de' ? 'Nachrichten, neueste zuerst' : 'Messages, newest first' }).getByRole('link');
      for (const href of await messages.evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href))) {
        await open(page, href);
        await expectNoAxeViolations(page, `${href} (${language})`);
      }
    }
    await citizen.close();
  });

  it('the citizen account: second factor set-up, recovery codes, code and recovery-code sign-in, password confirmation', async () => {
    const base = suite.portal.baseUrl;
    const email = 'zwei.faktoren@example.org';
    const password = 'Brunnen hinter dem Rathaus';
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await registerAndSignIn(page, base, { email, password });
    await open(page, `${base}/konto/sicherheit/bestaetigen?weiter=%2Fkonto%2Fsicherheit`);
    await expectNoAxeViolations(page, 'password confirmation');
    await clickAndLoad(page, page.getByRole('button', { name: 'Bestätigen', exact: true }));
    assert.equal(await page.getByRole('alert').count(), 1);
    await expectNoAxeViolations(page, 'password confirmation with an error');

    await open(page, `${base}/konto/sicherheit`);
    await clickAndLoad(page, page.getByRole('link', { name: 'Authenticator-App einrichten' }));
    await expectNoAxeViolations(page, 'account TOTP set-up');
    const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
    const step = Math.floor(Date.now() / 30_000);
    await page.getByLabel('6-stelliger Code aus der App').fill('12');
    await clickAndLoad(page, page.getByRole('button', { name: 'Einrichtung bestätigen' }));
    await expectNoAxeViolations(page, 'account TOTP set-up with an error');
    await page.getByLabel('6-stelliger Code aus der App').fill(await generate({ secret, epoch: step * 30 }));
    await clickAndLoad(page, page.getByRole('button', { name: 'Einrichtung bestätigen' }));
    assert.equal(await page.getByTestId('recovery-codes').locator('li').count(), 10);
    await expectNoAxeViolations(page, 'account recovery codes');
    const recoveryCode = await page.getByTestId('recovery-codes').locator('li').first().innerText();
    await clickAndLoad(page, page.getByRole('link', { name: 'Weiter zu Anmeldung und Sicherheit' }));
    await expectNoAxeViolations(page, 'security page with TOTP on');

    await open(page, `${base}/konto`);
    await clickAndLoad(page, page.getByRole('button', { name: 'Abmelden' }));
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Passwort', { exact: true }).fill(password);
    await clickAndLoad(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
    await expectNoAxeViolations(page, 'account code page');
    await page.getByLabel('6-stelliger Code aus der App').fill('000000');
    await clickAndLoad(page, page.getByRole('button', { name: 'Code bestätigen' }));
    await expectNoAxeViolations(page, 'account code page with an error');
    await clickAndLoad(page, page.getByRole('link', { name: /Mit einem Wiederherstellungscode anmelden/ }));
    await expectNoAxeViolations(page, 'account recovery-code page');
    await page.getByLabel('Wiederherstellungscode').fill(recoveryCode);
    await clickAndLoad(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
    assert.match(await page.getByRole('main').innerText(), /Angemeldet als zwei\.faktoren@example\.org/);
    await context.close();
  });
});

