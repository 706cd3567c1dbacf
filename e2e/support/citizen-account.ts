import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { clickAndLoad, mailedLinkFor, open } from './pages.js';

/** Signs in with e-mail and password on /konto/anmelden and lands on the account page. */
export async function signInCitizen(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await open(page, `${baseUrl}/konto/anmelden`);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort', { exact: true }).fill(password);
  await clickAndLoad(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
  assert.match(await page.getByRole('main').innerText(), new RegExp(`Angemeldet als ${email.replace(/[.]/g, '\\.')}`));
}

/**
 * Registers a citizen account as a newcomer does: the form, the confirmation link from the mail
 * (in the dev outbox), the button behind it; then signs in with the password.
 */
export async function registerCitizen(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await open(page, `${baseUrl}/konto/registrieren`);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort', { exact: true }).fill(password);
  await clickAndLoad(page, page.getByRole('button', { name: 'Konto anlegen' }));
  assert.match(await page.getByRole('main').innerText(), /Bitte bestätigen Sie Ihre E-Mail-Adresse/);
  await open(page, await mailedLinkFor(page, baseUrl, `An: ${email}`, '/konto/bestaetigen'));
  await clickAndLoad(page, page.getByRole('button', { name: 'E-Mail-Adresse bestätigen' }));
  assert.match(await page.getByRole('main').innerText(), /Ihr Konto ist freigeschaltet/);
  await signInCitizen(page, baseUrl, email, password);
}
