import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { clickAndLoad, open } from './pages.js';

/** The link to `pathPrefix` in the newest mail to an address in the dev outbox (waits for the job worker). */
export async function outboxLink(page: Page, baseUrl: string, to: string, pathPrefix: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await open(page, `${baseUrl}/dev/postausgang`);
    const mail = page.locator('article.outbox-mail').filter({ hasText: `An: ${to}` });
    if ((await mail.count()) > 0) {
      const link = (await mail.first().innerText()).match(new RegExp(`http://\\S+(${pathPrefix}/[A-Za-z0-9_-]{43})`));
      assert.ok(link, `the mail to ${to} gives a link to ${pathPrefix}`);
      return `${baseUrl}${link[1]}`;
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no mail to ${to} in the outbox`);
}

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
  await open(page, await outboxLink(page, baseUrl, email, '/konto/bestaetigen'));
  await clickAndLoad(page, page.getByRole('button', { name: 'E-Mail-Adresse bestätigen' }));
  assert.match(await page.getByRole('main').innerText(), /Ihr Konto ist freigeschaltet/);
  await signInCitizen(page, baseUrl, email, password);
}
