import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CDPSession, Page } from 'playwright-core';
import { pdfText } from '../../src/test-support/pdf.js';
import { clickAndLoad, mailedLinkFor, open, type PageCheck } from './pages.js';

/** A citizen account registered through the portal's pages. */
export interface CitizenAccount {
  email: string;
  password: string;
}

const skip: PageCheck = async () => {};

/** Finds the registration as a newcomer does: the home page, "Mein Konto" (the sign-in page), "Konto anlegen". */
export async function findRegistration(page: Page, baseUrl: string, check: PageCheck = skip): Promise<void> {
  await open(page, `${baseUrl}/`);
  await check(page, 'home');
  await clickAndLoad(page, page.getByRole('link', { name: 'Mein Konto' }));
  assert.equal(new URL(page.url()).pathname, '/konto/anmelden');
  await check(page, 'sign-in');
  await clickAndLoad(page, page.getByRole('link', { name: 'Konto anlegen' }));
}

/**
 * Registers a new citizen account as a person would (the form, the confirmation link from the
 * development outbox, the confirm button) and signs it in; the page ends on /konto. Starts on the
 * registration page the browser is on, or opens it. With `check`, every page on the way is checked.
 */
export async function registerAndSignIn(page: Page, baseUrl: string, wanted: Partial<CitizenAccount> = {}, check: PageCheck = skip): Promise<CitizenAccount> {
  const account = { email: wanted.email ?? `buergerin-${randomUUID().slice(0, 8)}@example.org`, password: wanted.password ?? 'Kastanienbaum am Marktplatz 42' };
  if (page.url() !== `${baseUrl}/konto/registrieren`) await open(page, `${baseUrl}/konto/registrieren`);
  await check(page, 'register-form');
  await page.getByLabel('E-Mail-Adresse').fill(account.email);
  await page.getByLabel('Passwort', { exact: true }).fill(account.password);
  await clickAndLoad(page, page.getByRole('button', { name: 'Konto anlegen' }));
  assert.match(await page.getByRole('main').innerText(), /Bitte bestätigen Sie Ihre E-Mail-Adresse/);
  await check(page, 'register-mail-sent');
  await open(page, await mailedLinkFor(page, baseUrl, `An: ${account.email}`, '/konto/bestaetigen'));
  await check(page, 'confirm');
  await clickAndLoad(page, page.getByRole('button', { name: 'E-Mail-Adresse bestätigen' }));
  assert.match(await page.getByRole('main').innerText(), /Ihr Konto ist freigeschaltet/);
  await check(page, 'confirmed');
  await signInCitizen(page, baseUrl, account);
  await check(page, 'overview');
  return account;
}

/** Signs a citizen account in with its password; the page ends on the account overview (/konto). */
export async function signInCitizen(page: Page, baseUrl: string, account: CitizenAccount): Promise<void> {
  await open(page, `${baseUrl}/konto/anmelden`);
  await page.getByLabel('E-Mail-Adresse').fill(account.email);
  await page.getByLabel('Passwort', { exact: true }).fill(account.password);
  await clickAndLoad(page, page.getByRole('main').getByRole('button', { name: 'Anmelden', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/konto', `${account.email} is signed in`);
}

/** Signs out from the account overview; the page ends on the sign-in page that says so. */
export async function signOut(page: Page, baseUrl: string): Promise<void> {
  await open(page, `${baseUrl}/konto`);
  await clickAndLoad(page, page.getByRole('button', { name: 'Abmelden' }));
  assert.match(await page.getByRole('main').innerText(), /Sie sind abgemeldet/);
}

/**
 * Fills the open profile page (/konto/profil) with the given values by label, ticks the consent
 * to prefill forms if asked, and saves. Every profile field is optional, so labels are matched in
 * part ("Vorname" finds "Vorname (optional)").
 */
export async function saveProfile(page: Page, values: Record<string, string>, options: { consent: boolean }): Promise<void> {
  for (const [label, value] of Object.entries(values)) await page.getByLabel(label).fill(value);
  if (options.consent) await page.getByLabel('Mein Profil zum Vorausfüllen von Formularen verwenden').check();
  await clickAndLoad(page, page.getByRole('button', { name: 'Profil speichern' }));
}

/** Chromium's virtual authenticator in a page, and the credentials it holds. */
export interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
  credentials: () => Promise<Array<{ isResidentCredential: boolean; rpId?: string; signCount: number }>>;
}

/**
 * Chromium's virtual authenticator (DevTools protocol, WebAuthn domain) as a phone or laptop with
 * a platform authenticator: discoverable credentials and user verification (fingerprint or PIN).
 */
export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId, credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials };
}

/** Adds a passkey with this name on the open security page (/konto/sicherheit); needs JavaScript and an authenticator. */
export async function addPasskey(page: Page, name: string): Promise<void> {
  await page.getByLabel('Name des Passkeys').fill(name);
  await clickAndLoad(page, page.getByRole('button', { name: 'Passkey hinzufügen' }));
  assert.match(await page.getByRole('main').innerText(), /Der Passkey wurde hinzugefügt/);
  assert.ok(await page.getByRole('cell', { name, exact: true }).isVisible(), `the passkey "${name}" is listed`);
}

/** Signs in with the passkey button of the open sign-in page, no address or password typed; the page ends on /konto. */
export async function signInWithPasskey(page: Page, email: string): Promise<void> {
  await clickAndLoad(page, page.getByRole('button', { name: 'Mit Passkey anmelden' }));
  assert.equal(new URL(page.url()).pathname, '/konto', 'signed in with the passkey');
  assert.ok((await page.getByRole('main').innerText()).includes(`Angemeldet als ${email}`));
}

/**
 * Follows the unread count on the account overview ("Postfach – 1 ungelesene Nachricht") to the
 * postbox and opens the message whose link name matches `title`; checks both pages on the way.
 */
export async function openUnreadMessage(page: Page, baseUrl: string, title: string | RegExp, check: PageCheck = skip): Promise<void> {
  await open(page, `${baseUrl}/konto`);
  await check(page, 'overview-unread');
  await clickAndLoad(page, page.getByRole('link', { name: 'Postfach – 1 ungelesene Nachricht' }));
  await check(page, 'postbox-unread');
  await clickAndLoad(page, page.getByRole('link', { name: title }));
}

/** Answers the open question in the postbox with a text and a file for one of the asked-for documents. */
export async function answerQuestion(page: Page, answer: string, file: { label: string; name: string; buffer: Buffer }): Promise<void> {
  await page.getByLabel('Ihre Antwort').fill(answer);
  await page.getByLabel(file.label, { exact: true }).setInputFiles({ name: file.name, mimeType: 'application/pdf', buffer: file.buffer });
  await clickAndLoad(page, page.getByRole('button', { name: 'Antwort senden' }));
  assert.match(await page.getByRole('main').innerText(), /Ihre Antwort vom .* liegt uns vor/);
}

/**
 * Downloads the PDF of the letter open in the postbox as a person does (its download link); returns
 * the document number the page names and the text of the PDF.
 */
export async function downloadLetter(page: Page): Promise<{ number: string; text: string }> {
  const number = (await page.getByRole('main').innerText()).match(/[A-Z]+-B-\d{4}-\d{6}/)?.[0];
  assert.ok(number, 'the letter page names the document number');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `PDF herunterladen ${number}` }).click()]);
  const pdf = await readFile((await download.path())!);
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  return { number, text: await pdfText(pdf) };
}
