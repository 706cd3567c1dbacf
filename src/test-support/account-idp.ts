import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { setAccountIdp, type AccountIdpInput } from '../modules/accounts/index.js';
import type { Tenant } from '../modules/tenants/tenant.js';
import { loadTotpKey } from '../platform/crypto/secret-box.js';
import { hashToken } from '../platform/crypto/tokens.js';
import type { TestApp } from './app.js';
import type { TestBrowser } from './browser.js';
import { asTownOwner } from './database.js';
import type { TestIdp, TestIdpClient, TestIdpSignIn } from './oidc-provider.js';

/** The redirect URI of the citizen sign-in through the IdP. */
export const accountIdpCallback = '/konto/anmelden/idp/antwort';

/** A town's client at a test IdP, with the citizen sign-in's redirect URI on the town's host. */
export function accountIdpClient(host: string): TestIdpClient {
  return { clientId: `rathaus-${host}`, clientSecret: `secret-${randomUUID()}`, redirectUris: [`http://${host}${accountIdpCallback}`] };
}

/** Sets the town's citizen IdP to the test IdP's issuer with the client's id and secret (as the CLI does). */
export async function configureAccountIdp(app: TestApp, tenant: Tenant, issuer: string, client: TestIdpClient, extra: Partial<AccountIdpInput> = {}): Promise<void> {
  const key = await loadTotpKey(app.config);
  await asTownOwner(app.database.db, tenant.id, (trx) =>
    setAccountIdp(trx, key, tenant.id, { issuer, clientId: client.clientId, clientSecret: client.clientSecret, displayName: 'Bürger-Login', ...extra }));
}

/** A person with an account at the test IdP (a new subject), releasing the e-mail claims given. */
export function idpPerson(idp: TestIdp, claims: { email?: string; emailVerified?: boolean } = {}): string {
  const sub = `sub-${randomUUID()}`;
  idp.accounts.set(sub, { sub, ...claims });
  return sub;
}

/**
 * Follows a link to the sign-in through the IdP (`/konto/anmelden/idp?...`) in the browser, lets
 * the IdP sign in as `signIn`, and returns the portal's answer to the IdP's redirect back.
 */
export async function signInThroughAccountIdp(browser: TestBrowser, idp: TestIdp, signIn: TestIdpSignIn, start = '/konto/anmelden/idp') {
  const response = await browser.get(start);
  assert.equal(response.statusCode, 303, response.body.slice(0, 300));
  idp.nextSignIn = signIn;
  const back = await idp.authorize(String(response.headers.location));
  return browser.get(back.pathname + back.search);
}

/** The account and trust level of the browser's session, as stored. */
export async function sessionOf(app: TestApp, browser: TestBrowser): Promise<{ accountId: string | null; trustLevel: string | null } | undefined> {
  const token = browser.cookieHeader.match(/__Host-rathaus=([^;]+)/)?.[1];
  if (!token) return undefined;
  const rows = await sql<{ account_id: string | null; trust_level: string | null }>`select account_id, trust_level from sessions where id_hash = ${hashToken(token)}`.execute(app.database.db);
  return rows.rows[0] && { accountId: rows.rows[0].account_id, trustLevel: rows.rows[0].trust_level };
}
