import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { addPasskey, addVirtualAuthenticator, answerQuestion, downloadLetter, findRegistration, openUnreadMessage, registerAndSignIn, saveProfile, signInCitizen, signInWithPasskey, signOut, type CitizenAccount, type VirtualAuthenticator } from './support/accounts.js';
import { checkPage, jsModes, newCitizenContext, usePortalAndBrowser } from './support/browser.js';
import { approveCase, askApplicant, issueLetter, openAndStartCase } from './support/casework.js';
import { clickAndLoad, continueStep, germanDate, open, samplePdf, signInAsStaff, waitForMail, type PageCheck } from './support/pages.js';

/**
 * The done criterion of issue 4 (citizen account) as one newcomer's journey: register with the
 * link from the confirmation mail, add a passkey and sign in with it (Chromium's virtual
 * authenticator over the DevTools protocol), fill the profile with consent, apply for bulky waste
 * collection with the prefilled fields (one changed), get the clerk's question in the postbox and
 * answer it with a file, and download the decision letter from the postbox. Every page the citizen
 * sees passes axe and fits 320 px. Like every journey it runs without JavaScript too: there no
 * passkey can be made (the security page says so) and the newcomer signs in with the password
 * again. The mails say only that a message waits, never what it says.
 */
describe('Issue 4 done criterion: a newcomer goes from registration to the downloaded decision', () => {
  const suite = usePortalAndBrowser();

  for (const mode of jsModes) {
    const js = mode.javaScriptEnabled;
    it(`registers, signs in again ${js ? 'with a passkey' : 'with the password (no passkey without JavaScript)'}, applies with prefill, answers the question in the postbox and downloads the decision (${mode.name})`, async () => {
      const base = suite.portal.baseUrl;
      const check: PageCheck = (page, name) => checkPage(page, name, { javaScript: js, shotPrefix: `journey-${js ? 'js' : 'nojs'}` });
      const context = await newCitizenContext(suite.browser, { javaScriptEnabled: js });
      const page = await context.newPage();
      const authenticator = js ? await addVirtualAuthenticator(page) : undefined;

      // Registration, found from the home page; the confirmation link comes from the mail.
      await findRegistration(page, base, check);
      const account = await registerAndSignIn(page, base, { email: `neu.${js ? 'js' : 'nojs'}@example.org` }, check);

      // Out and in again: with a passkey alone, or without JavaScript with the password.
      await clickAndLoad(page, page.getByRole('link', { name: 'Anmeldung und Sicherheit' }));
      if (authenticator) await signInAgainWithAPasskey(page, base, account.email, authenticator, check);
      else await signInAgainWithoutAPasskey(page, base, account, check);

      // The profile, with consent to prefill forms.
      await open(page, `${base}/konto/profil`);
      await check(page, 'profile');
      await saveProfile(page, { Vorname: 'Erika', Nachname: 'Musterfrau', Straße: 'Hauptstraße', Hausnummer: '12a', Postleitzahl: '45657', Ort: 'Musterstadt', Telefonnummer: '02361 12345' }, { consent: true });
      assert.match(await page.getByRole('main').innerText(), /Ihr Profil wurde gespeichert\./);
      await check(page, 'profile-saved');

      // Sperrmüll: the address and the contact step come from the profile; the phone is changed.
      await open(page, `${base}/leistungen/sperrmuell-anmeldung/antrag`);
      assert.match(await page.getByRole('main').innerText(), /Angaben aus Ihrem Profil übernommen/);
      const pickup = page.getByRole('group', { name: 'Wo sollen wir den Sperrmüll abholen?' });
      for (const [label, value] of [['Straße', 'Hauptstraße'], ['Hausnummer', '12a'], ['Postleitzahl', '45657'], ['Ort', 'Musterstadt']]) {
        assert.equal(await pickup.getByLabel(label!).inputValue(), value, `${label} prefilled`);
      }
      await check(page, 'form-address-prefilled');
      await continueStep(page);
      const item = page.getByRole('group', { name: 'Gegenstand 1', exact: true });
      await item.getByLabel('Art').selectOption({ label: 'Schrank' });
      await item.getByLabel('Anzahl').fill('1');
      await item.getByLabel('Beschreibung').fill('Kleiderschrank aus Eiche, zerlegt');
      await check(page, 'form-items');
      await continueStep(page);
      assert.equal(await page.getByLabel('Ihr Name').inputValue(), 'Erika Musterfrau');
      assert.equal(await page.getByLabel('E-Mail-Adresse').inputValue(), account.email);
      assert.equal(await page.getByLabel('Telefonnummer').inputValue(), '02361 12345');
      await check(page, 'form-contact-prefilled');
      await page.getByLabel('Telefonnummer').fill('0171 2345678');
      await continueStep(page);
      const summary = await page.getByRole('main').innerText();
      assert.ok(summary.includes('0171 2345678') && !summary.includes('02361 12345'), 'the changed phone number is sent');
      assert.ok(summary.includes('Hauptstraße 12a, 45657 Musterstadt'));
      await check(page, 'form-check');
      await page.getByLabel('Ich bestätige die Erklärung.').check();
      await clickAndLoad(page, page.getByRole('button', { name: 'Antrag verbindlich absenden' }));
      const reference = (await page.getByTestId('reference').innerText()).trim();
      await check(page, 'receipt');

      // The clerk sees the application comes from an account and asks for a photo.
      const staff = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
      const clerk = await signInAsStaff(staff, base, suite.portal.credentialsFor('abfall@musterstadt.example'));
      const caseUrl = await openAndStartCase(clerk, reference);
      const received = await clerk.getByRole('main').innerText();
      assert.ok(received.includes('Antrag mit Servicekonto gestellt: Nachforderungen und Bescheide gehen in das Postfach'));
      assert.ok(received.includes('0171 2345678'), 'the case holds the changed phone number');
      await askApplicant(clerk, { question: 'Bitte schicken Sie uns ein Foto des Schranks, damit wir das Fahrzeug planen können.', missing: 'Foto des Schranks' });
      const notice = await waitForMail(clerk, base, [account.email, 'Neue Nachricht in Ihrem Postfach – Musterstadt']);
      assert.match(notice, /\/konto\/postfach/);
      assert.doesNotMatch(notice, /Schrank|Foto|Fahrzeug|\/status\//, 'the mail names nothing of the message');
      assert.ok(!notice.includes(reference));

      // The question waits in the postbox; an empty answer is refused, then answered with the photo.
      await openUnreadMessage(page, base, `Frage zu Ihrem Antrag ${reference}`, (p, name) => check(p, `${name}-question`));
      assert.match(await page.getByRole('main').innerText(), /Foto des Schranks, damit wir das Fahrzeug planen können/);
      await check(page, 'question');
      await clickAndLoad(page, page.getByRole('button', { name: 'Antwort senden' }));
      assert.equal(await page.getByRole('alert').count(), 1, 'an empty answer is refused');
      await check(page, 'question-answer-refused');
      await answerQuestion(page, 'Das Foto ist angehängt.', { label: 'Foto des Schranks (optional)', name: 'schrank.pdf', buffer: samplePdf('Schrank') });
      await check(page, 'question-answered');

      // The answer and the photo are in the case; the clerk approves and sends the pickup date.
      await open(clerk, `${base}/verwaltung?ansicht=meine`);
      assert.match(await clerk.getByRole('row').filter({ hasText: reference }).innerText(), /Antwort eingegangen/);
      await open(clerk, caseUrl);
      const answered = await clerk.getByRole('main').innerText();
      assert.ok(answered.includes('Das Foto ist angehängt.') && answered.includes('über das Postfach'), 'the answer is in the case');
      const photo = await clerk.request.get(new URL((await clerk.getByRole('link', { name: /schrank\.pdf/ }).first().getAttribute('href'))!, caseUrl).href);
      assert.equal((await photo.body()).subarray(0, 5).toString('latin1'), '%PDF-');
      await approveCase(clerk);
      const pickupDate = germanDate(14);
      const letterForm = await issueLetter(clerk, caseUrl, 'Bestätigung Ihres Abholtermins für Sperrmüll', { Abholtermin: pickupDate });
      assert.match(letterForm, /Der Bescheid wird in ihr Postfach zugestellt/);
      assert.match(await clerk.getByRole('main').innerText(), /In das Postfach des Servicekontos zugestellt/);
      await waitForMail(clerk, base, [account.email, 'Neue Nachricht in Ihrem Postfach'], { moreThan: 1 });
      await staff.close();

      // The decision waits unread in the postbox and is downloaded there.
      await openUnreadMessage(page, base, /^Bestätigung Ihres Abholtermins für Sperrmüll – /, (p, name) => check(p, `${name}-letter`));
      assert.ok((await page.getByRole('main').innerText()).includes(reference), 'the letter page names the application');
      await check(page, 'letter');
      const letter = await downloadLetter(page);
      for (const text of [letter.number, reference, 'Erika Musterfrau', 'Hauptstraße 12a', pickupDate, 'Kleiderschrank aus Eiche, zerlegt']) {
        assert.ok(letter.text.includes(text), `the decision letter says ${text}`);
      }
      await open(page, `${base}/konto/postfach`);
      assert.match(await page.getByRole('main').innerText(), /Keine ungelesenen Nachrichten/);
      await check(page, 'postbox-read');
      await context.close();
    });
  }
});

/**
 * On the security page: a passkey needs a name (no credential is made without one), then "Laptop"
 * is added; signed out, the passkey alone signs in, and the passkey can be renamed afterwards.
 */
async function signInAgainWithAPasskey(page: Page, base: string, email: string, authenticator: VirtualAuthenticator, check: PageCheck): Promise<void> {
  assert.equal(await page.getByText('Um einen Passkey hinzuzufügen, brauchen Sie', { exact: false }).isVisible(), false, 'the note for browsers without the script is hidden');
  await check(page, 'security');
  await clickAndLoad(page, page.getByRole('button', { name: 'Passkey hinzufügen' }));
  assert.match(await page.getByRole('alert').innerText(), /Geben Sie dem Passkey einen Namen/);
  assert.equal((await authenticator.credentials()).length, 0, 'no credential without a name');
  await check(page, 'security-passkey-without-name');
  await addPasskey(page, 'Laptop');
  const [credential] = await authenticator.credentials();
  assert.ok(credential?.isResidentCredential && credential.rpId === 'localhost', 'a discoverable credential for the portal');
  await check(page, 'security-with-passkey');
  await signOut(page, base);
  await check(page, 'signed-out');
  await signInWithPasskey(page, email);
  assert.ok((await authenticator.credentials())[0]!.signCount > credential.signCount, 'the authenticator signed the sign-in');

  await open(page, `${base}/konto/sicherheit`);
  await clickAndLoad(page, page.getByRole('link', { name: 'Passkey „Laptop“ umbenennen' }));
  await check(page, 'passkey-rename');
  await page.getByLabel('Name des Passkeys').fill('Laptop zu Hause');
  await clickAndLoad(page, page.getByRole('button', { name: 'Namen speichern' }));
  assert.ok(await page.getByRole('cell', { name: 'Laptop zu Hause', exact: true }).isVisible());
}

/** Without JavaScript there is no passkey to make: the security page says why, and the password signs in again. */
async function signInAgainWithoutAPasskey(page: Page, base: string, account: CitizenAccount, check: PageCheck): Promise<void> {
  assert.ok(await page.getByText('Um einen Passkey hinzuzufügen, brauchen Sie einen aktuellen Browser mit eingeschaltetem JavaScript.').isVisible());
  assert.equal(await page.getByRole('button', { name: 'Passkey hinzufügen' }).count(), 0);
  await check(page, 'security');
  await signOut(page, base);
  assert.equal(await page.getByRole('button', { name: 'Mit Passkey anmelden' }).count(), 0, 'no passkey button without the script');
  await check(page, 'signed-out');
  await signInCitizen(page, base, account);
}
