import assert from 'node:assert/strict';
import type { TestBrowser } from './browser.js';
import { currentTimeStep, nextCodeFor, rememberUsedStep, totpCode } from './totp.js';

/** An account's authenticator app as set up through the security page, with its recovery codes. */
export interface AccountTotp {
  id: string;
  secret: string;
  recoveryCodes: string[];
}

/**
 * Turns TOTP on for the signed-in account of the browser as a person would: the set-up page, the
 * key shown there, the first code, the recovery codes on the answer.
 */
export async function turnOnTotp(browser: TestBrowser, account: { id: string }): Promise<AccountTotp> {
  const page = await browser.get('/konto/sicherheit/zwei-faktor');
  assert.equal(page.statusCode, 200, `set-up page: ${page.body.slice(0, 300)}`);
  const secret = page.body.match(/data-testid="totp-secret">([A-Z2-7 ]+)</)![1]!.replace(/ /g, '');
  const step = currentTimeStep();
  const confirmed = await browser.post('/konto/sicherheit/zwei-faktor', { code: await totpCode(secret, step) });
  assert.equal(confirmed.statusCode, 200, `confirmation: ${confirmed.body.slice(0, 300)}`);
  rememberUsedStep(account, step);
  const recoveryCodes = [...confirmed.body.matchAll(/<li><code>([A-Z2-7-]+)<\/code><\/li>/g)].map((m) => m[1]!);
  assert.equal(recoveryCodes.length, 10);
  return { id: account.id, secret, recoveryCodes };
}

/** A code from the account's app that the portal accepts now (not of a time step used before). */
export function nextAccountCode(totp: AccountTotp): Promise<string> {
  return nextCodeFor(totp, totp.secret);
}
