import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'otplib';
import type { TestBrowser } from './browser.js';

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

// The time step of each clerk's last code; the portal refuses it and earlier ones (replay).
const lastTimeSteps = new Map<string, number>();

/** Notes that a clerk's code of this time step was used (enrolment does that too). */
export function rememberUsedStep(clerk: Pick<Clerk, 'id'>, step: number): void {
  lastTimeSteps.set(clerk.id, Math.max(step, lastTimeSteps.get(clerk.id) ?? 0));
}

/** The TOTP time step (30 seconds) of now. */
export function currentTimeStep(): number {
  return Math.floor(Date.now() / 30_000);
}

/** The code an authenticator app shows in a time step. */
export function totpCode(secret: string, step = currentTimeStep()): Promise<string> {
  return generate({ secret, epoch: step * 30 });
}

/** Six digits that are no code of the secret from two steps before now to two after. */
export async function wrongTotpCode(secret: string): Promise<string> {
  const now = currentTimeStep();
  const near = await Promise.all([-2, -1, 0, 1, 2].map((d) => totpCode(secret, now + d)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!near.includes(candidate)) return candidate;
  }
}

/**
 * A code the portal accepts now: of the current step, or of a later one than the last used (the
 * portal accepts one step ahead). When that is used up too, waits for the next step.
 */
export async function nextTotpCode(clerk: Clerk): Promise<string> {
  assert.ok(clerk.totpSecret, `${clerk.email} has no authenticator app set up`);
  const step = Math.max(currentTimeStep(), (lastTimeSteps.get(clerk.id) ?? 0) + 1);
  if (step > currentTimeStep() + 1) await sleep((step - 1) * 30_000 - Date.now() + 50);
  rememberUsedStep(clerk, step);
  return totpCode(clerk.totpSecret, step);
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
