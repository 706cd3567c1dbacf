import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { clickAndLoad, mailedLinkFor, open } from './pages.js';

/** A citizen account registered through the portal's pages. */
export interface CitizenAccount {
  email: string;
  password: string;
}

/**
 * Registers a new citizen account as a person would (the form, the confirmation link from the
 * development outbox, the confirm button) and signs it in; the page ends on /konto.
 */
export async function registerAndSignIn(page: Page, baseUrl: string, wanted: Partial<CitizenAccount> = {}): Promise<CitizenAccount> {
  const account = { email: wanted.email ?? `buergerin-${randomUUID().slice(0, 8)}@example.org`, password: wanted.password ?? 'Kastanienbaum am Marktplatz 42' };
  await open(page, `${baseUrl}/konto/registrieren`);
  await page.getByLabel('E-Mail-Adresse').fill(account.email);
  await page.getByLabel('Passwort', { exact: true }).fill(account.password);
  await clickAndLoad(page, page.getByRole('button', { name: 'Konto anlegen' }));
  await open(page, await mailedLinkFor(page, baseUrl, `An: ${account.email}`, '/konto/bestaetigen'));
  await clickAndLoad(page, page.getByRole('button', { name: 'E-Mail-Adresse bestätigen' }));
  await signInCitizen(page, baseUrl, account);
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
