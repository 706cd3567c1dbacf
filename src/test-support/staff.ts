import assert from 'node:assert/strict';
import type { TestBrowser } from './browser.js';
import { nextCodeFor } from './totp.js';

export { currentTimeStep, rememberUsedStep, totpCode, wrongTotpCode } from './totp.js';

/**
 * A staff account made by createClerk, with what a test needs to sign it in. Only strings, so it
 * can also be posted as a form.
 */
export type Clerk = {
  id: string;
  email: string;
  password: string;
  /** The authenticator app's base32 secret; empty while the account has none set up. */
  totpSecret: string;
  /** The ten recovery codes shown at enrolment (none when not enrolled). */
  recoveryCodes: string[];
};

/**
 * A code the portal accepts now: of the current step, or of a later one than the last used (the
 * portal accepts one step ahead). When that is used up too, waits for the next step.
 */
export async function nextTotpCode(clerk: Clerk): Promise<string> {
  assert.ok(clerk.totpSecret, `${clerk.email} has no authenticator app set up`);
  return nextCodeFor(clerk, clerk.totpSecret);
}

/** The password step only: leaves the browser half signed in; returns where the portal sends it. */
export async function enterPassword(browser: TestBrowser, clerk: Pick<Clerk, 'email' | 'password'>): Promise<string> {
  await browser.get('/verwaltung/anmelden');
  const response = await browser.post('/verwaltung/anmelden', { email: clerk.email, password: clerk.password });
  assert.equal(response.statusCode, 303, `password step for ${clerk.email}: ${response.body.slice(0, 300)}`);
  return String(response.headers.location);
}

/** Signs an enrolled clerk in with password and a code from the app, and checks the inbox opens. */
export async function signInClerk(browser: TestBrowser, clerk: Clerk): Promise<void> {
  assert.equal(await enterPassword(browser, clerk), '/verwaltung/anmelden/code');
  await browser.get('/verwaltung/anmelden/code');
  const response = await browser.post('/verwaltung/anmelden/code', { code: await nextTotpCode(clerk) });
  assert.equal(response.headers.location, '/verwaltung', `code step for ${clerk.email}: ${response.body.slice(0, 300)}`);
  assert.equal((await browser.get('/verwaltung')).statusCode, 200);
}
