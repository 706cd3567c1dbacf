import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadTotpKey } from '../../platform/crypto/secret-box.js';
import type { Trx } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { startTestIdp, type TestIdp } from '../../test-support/oidc-provider.js';
import { nextTotpCode, type Clerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';
import { idpAssertsMfa, linkStaffToIdp, removeStaffIdp, setStaffIdp, showStaffIdp, staffIdpInputProblems, unlinkStaffFromIdp, type StaffIdpInput } from './oidc-login.js';

const startPath = '/verwaltung/anmelden/oidc';
const callbackPath = '/verwaltung/anmelden/oidc/callback';

/** A town with its host, the redirect URI it sends, and its client at an IdP. */
interface Town {
  tenant: Tenant;
  host: string;
  clientId: string;
  clientSecret: string;
}

describe('staff sign-in through the town\'s OpenID Connect IdP', () => {
  let app: TestApp;
  let key: Buffer;
  // Musterstadt and Nachbarstadt each have their own IdP; Ohnestadt has none.
  let town: Town;
  let neighbour: Town;
  let plainTown: { tenant: Tenant; host: string };
  let idp: TestIdp;
  let neighbourIdp: TestIdp;
  // Everything personal that passed through the portal, to look for in the logs at the end.
  const personal: string[] = [];

  const asOwner = <T,>(tenant: Tenant, fn: (trx: Trx) => Promise<T>) =>
    app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      return fn(trx);
    });

  async function newTown(name: string): Promise<Town> {
    const { tenant, host } = await app.createTown();
    return { tenant, host, clientId: `rathaus-${name}`, clientSecret: `secret-${name}-${Math.random().toString(36).slice(2)}` };
  }

  const client = (t: Town) => ({ clientId: t.clientId, clientSecret: t.clientSecret, redirectUris: [`http://${t.host}${callbackPath}`] });

  const configure = (t: Town, issuer: string, extra: Partial<StaffIdpInput> = {}) =>
    asOwner(t.tenant, (trx) => setStaffIdp(trx, key, t.tenant.id, { issuer, clientId: t.clientId, clientSecret: t.clientSecret, displayName: 'Stadt-Login', ...extra }));

  /** An enrolled clerk of the town linked to a new subject at its IdP. */
  async function linkedClerk(t: Town, at: TestIdp = idp, claims: { email?: string; emailVerified?: boolean } = {}): Promise<{ clerk: Clerk; sub: string }> {
    const clerk = await app.createClerk(t.tenant, 'zentrale');
    const sub = `sub-${Math.random().toString(36).slice(2)}`;
    at.accounts.set(sub, { sub, ...claims });
    await asOwner(t.tenant, (trx) => linkStaffToIdp(trx, t.tenant.id, clerk.email, sub));
    personal.push(clerk.email, sub);
    return { clerk, sub };
  }

  /** Clicks "Anmelden mit ..." in a browser of the town and returns the IdP's authorization URL. */
  async function start(browser: TestBrowser): Promise<URL> {
    const login = await browser.get('/verwaltung/anmelden');
    assert.match(login.body, /href="\/verwaltung\/anmelden\/oidc"/);
    const response = await browser.get(startPath);
    assert.equal(response.statusCode, 303, response.body.slice(0, 300));
    assert.equal(response.headers['cache-control'], 'no-store');
    return new URL(String(response.headers.location));
  }

  /** The whole round trip: start, sign in at the IdP as `sign`, come back; returns the callback's answer. */
  async function signInThroughIdp(browser: TestBrowser, signIn: TestIdp['nextSignIn'], at: TestIdp = idp) {
    const authorization = await start(browser);
    at.nextSignIn = signIn;
    const back = await at.authorize(authorization);
    return browser.get(back.pathname + back.search);
  }

  before(async () => {
    app = await buildTestApp();
    key = await loadTotpKey(app.config);
    town = await newTown('muster');
    neighbour = await newTown('nachbar');
    plainTown = await app.createTown();
    idp = await startTestIdp([client(town)], { acrValues: ['urn:rathaus:test:loa:high', 'urn:rathaus:test:loa:low'] });
    // The neighbour's IdP also knows Musterstadt's client id and redirect URI: an IdP of another
    // town (or an attacker's) can send a browser to Musterstadt's callback with its own code.
    neighbourIdp = await startTestIdp([client(neighbour), client(town)]);
    await configure(town, idp.issuer, { mfaAcrValues: ['urn:rathaus:test:loa:high'] });
    await configure(neighbour, neighbourIdp.issuer);
  });
  after(async () => {
    await idp?.close();
    await neighbourIdp?.close();
    await app?.close();
  });

  it('signs a linked clerk in without TOTP when the IdP asserts a second factor (amr), with a new session id', async () => {
    const { clerk, sub } = await linkedClerk(town);
    const browser = new TestBrowser(app.app, town.host);
    const authorization = await start(browser);
    // What the browser carries to the IdP: client, PKCE, state, nonce; nothing about the person.
    assert.equal(authorization.origin, idp.issuer);
    assert.equal(authorization.searchParams.get('client_id'), town.clientId);
    assert.equal(authorization.searchParams.get('redirect_uri'), `http://${town.host}${callbackPath}`);
    assert.equal(authorization.searchParams.get('response_type'), 'code');
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
    assert.match(authorization.searchParams.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.match(authorization.searchParams.get('state') ?? '', /^[\w-]{43}$/);
    assert.match(authorization.searchParams.get('nonce') ?? '', /^[\w-]{43}$/);
    assert.deepEqual(authorization.searchParams.get('scope')?.split(' ').sort(), ['email', 'openid']);
    assert.ok(!authorization.href.includes(clerk.email.split('@')[0]!));

    const beforeCallback = browser.cookieHeader;
    idp.nextSignIn = { accountId: sub, amr: ['pwd', 'otp'] };
    const back = await idp.authorize(authorization);
    assert.equal(back.host, town.host);
    assert.equal(back.searchParams.get('iss'), idp.issuer);
    const callback = await browser.get(back.pathname + back.search);
    assert.equal(callback.statusCode, 303, callback.body.slice(0, 500));
    assert.equal(callback.headers.location, '/verwaltung');
    assert.notEqual(browser.cookieHeader, beforeCallback, 'a new session id after the sign-in');
    const inbox = await browser.get('/verwaltung');
    assert.equal(inbox.statusCode, 200);
    assert.ok(inbox.body.includes(clerk.email) || inbox.body.includes('Clerk zentrale'), 'the inbox of the clerk');

    const audit = await sql<{ action: string; details: Record<string, string> }>`
      select action, details from audit_log where subject = ${`staff:${clerk.id}`} and action = 'staff.login'`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => [r.details.method, r.details.secondFactor, r.details.amr]), [['idp', 'idp', 'pwd otp']]);

    // The code was used with the flow: the same answer again finds nothing to continue.
    const replay = await browser.get(back.pathname + back.search);
    assert.equal(replay.statusCode, 400);
    assert.match(replay.body, /Die Anmeldung ist abgelaufen/);
  });

  it('asks for the Rathaus TOTP when the IdP asserts only a password', async () => {
    const { clerk, sub } = await linkedClerk(town);
    const browser = new TestBrowser(app.app, town.host);
    const callback = await signInThroughIdp(browser, { accountId: sub, amr: ['pwd'] });
    assert.equal(callback.statusCode, 303);
    assert.equal(callback.headers.location, '/verwaltung/anmelden/code');
    assert.equal((await browser.get('/verwaltung')).headers.location, '/verwaltung/anmelden', 'not signed in before the code');
    const codePage = await browser.get('/verwaltung/anmelden/code');
    assert.equal(codePage.statusCode, 200);
    const signedIn = await browser.post('/verwaltung/anmelden/code', { code: await nextTotpCode(clerk) });
    assert.equal(signedIn.headers.location, '/verwaltung');
    assert.equal((await browser.get('/verwaltung')).statusCode, 200);
  });

  it('asks for the TOTP when the IdP sends no amr, and skips it for an acr the town configured as two factors', async () => {
    const { sub } = await linkedClerk(town);
    const low = await signInThroughIdp(new TestBrowser(app.app, town.host), { accountId: sub, acr: 'urn:rathaus:test:loa:low' });
    assert.equal(low.headers.location, '/verwaltung/anmelden/code');
    const browser = new TestBrowser(app.app, town.host);
    const high = await signInThroughIdp(browser, { accountId: sub, acr: 'urn:rathaus:test:loa:high' });
    assert.equal(high.headers.location, '/verwaltung');
    assert.equal((await browser.get('/verwaltung')).statusCode, 200);
  });

  it('refuses a subject that is linked to no account, with a clear page and no session', async () => {
    const sub = `stranger-${Math.random().toString(36).slice(2)}`;
    idp.accounts.set(sub, { sub, email: 'fremd@example.org', emailVerified: true });
    personal.push(sub, 'fremd@example.org');
    const browser = new TestBrowser(app.app, town.host);
    const refused = await signInThroughIdp(browser, { accountId: sub, amr: ['pwd', 'mfa'] });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /Kein Zugang für dieses Konto/);
    assert.match(refused.body, /Zugänge werden nicht automatisch angelegt/);
    assert.ok(!refused.body.includes(sub));
    assert.equal((await browser.get('/verwaltung')).headers.location, '/verwaltung/anmelden');
    const staff = await sql<{ n: number }>`select count(*)::int as n from staff where email = 'fremd@example.org'`.execute(app.database.db);
    assert.equal(staff.rows[0]!.n, 0, 'no account is provisioned');
  });

  it('refuses a tampered state, and the flow is used up by it', async () => {
    const { sub } = await linkedClerk(town);
    const browser = new TestBrowser(app.app, town.host);
    const authorization = await start(browser);
    idp.nextSignIn = { accountId: sub, amr: ['mfa'] };
    const back = await idp.authorize(authorization);
    const tampered = new URL(back);
    // Another last character (the state is random base64url, so it may end in "A" itself).
    const state = back.searchParams.get('state')!;
    tampered.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
    const refused = await browser.get(tampered.pathname + tampered.search);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Die Anmeldung ist abgelaufen/);
    assert.ok(!refused.body.includes(back.searchParams.get('code')!), 'the code is not echoed (language switch link)');
    assert.doesNotMatch(refused.body, /at \w+ \(|Error:/, 'no stack trace');
    const original = await browser.get(back.pathname + back.search);
    assert.equal(original.statusCode, 400, 'the untampered answer does not work after the tampered one');
    assert.equal((await browser.get('/verwaltung')).headers.location, '/verwaltung/anmelden');
  });

  it('refuses a callback in another browser than the one that started (login CSRF), and one without any flow', async () => {
    const { sub } = await linkedClerk(town);
    const victim = new TestBrowser(app.app, town.host);
    const attacker = new TestBrowser(app.app, town.host);
    const authorization = await start(attacker);
    idp.nextSignIn = { accountId: sub, amr: ['mfa'] };
    const back = await idp.authorize(authorization);
    await victim.get('/verwaltung/anmelden');
    const refused = await victim.get(back.pathname + back.search);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /in einem anderen Browserfenster begonnen/);
    const noSession = await new TestBrowser(app.app, town.host).get(`${callbackPath}?code=abc&state=def`);
    assert.equal(noSession.statusCode, 400);
  });

  it('shows the IdP\'s error (e.g. cancelled there) as a cancelled sign-in', async () => {
    const browser = new TestBrowser(app.app, town.host);
    const refused = await signInThroughIdp(browser, { error: 'access_denied' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Die Anmeldung wurde abgebrochen/);
    assert.match(refused.body, /Stadt-Login hat die Anmeldung nicht bestätigt/);
  });

  it('refuses a flow that took longer than ten minutes', async () => {
    const { sub } = await linkedClerk(town);
    const browser = new TestBrowser(app.app, town.host);
    const authorization = await start(browser);
    idp.nextSignIn = { accountId: sub, amr: ['mfa'] };
    const back = await idp.authorize(authorization);
    await sql`update oidc_flows set expires_at = now() - interval '1 second' where state = ${back.searchParams.get('state')}`.execute(app.database.db);
    const refused = await browser.get(back.pathname + back.search);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /hat zu lange gedauert/);
    assert.equal((await browser.get('/verwaltung')).headers.location, '/verwaltung/anmelden');
  });

  it('shows no IdP button in a town without an IdP, and its IdP routes do not exist', async () => {
    const browser = new TestBrowser(app.app, plainTown.host);
    const login = await browser.get('/verwaltung/anmelden');
    assert.equal(login.statusCode, 200);
    assert.doesNotMatch(login.body, /Anmelden mit|\/verwaltung\/anmelden\/oidc/);
    assert.equal((await browser.get(startPath)).statusCode, 404);
    assert.equal((await browser.get(`${callbackPath}?code=x&state=y`)).statusCode, 404);
    const withIdp = await new TestBrowser(app.app, town.host).get('/verwaltung/anmelden');
    assert.match(withIdp.body, /Anmelden mit Stadt-Login/);
  });

  it('refuses an answer from another town\'s IdP, even for a subject linked in this town', async () => {
    const { sub } = await linkedClerk(town);
    // The same subject exists at the neighbour's IdP, which also knows Musterstadt's client.
    neighbourIdp.accounts.set(sub, { sub });
    const browser = new TestBrowser(app.app, town.host);
    const authorization = await start(browser);
    const forged = new URL(authorization.pathname + authorization.search, neighbourIdp.issuer);
    neighbourIdp.nextSignIn = { accountId: sub, amr: ['mfa'] };
    const back = await neighbourIdp.authorize(forged);
    assert.equal(back.host, town.host);
    assert.equal(back.searchParams.get('iss'), neighbourIdp.issuer);
    const refused = await browser.get(back.pathname + back.search);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Die Antwort stammt nicht von Stadt-Login/);
    assert.equal((await browser.get('/verwaltung')).headers.location, '/verwaltung/anmelden');

    // Without the iss parameter the code is still redeemed at Musterstadt's own IdP, which refuses it.
    const again = new TestBrowser(app.app, town.host);
    const second = await start(again);
    const back2 = await neighbourIdp.authorize(new URL(second.pathname + second.search, neighbourIdp.issuer));
    back2.searchParams.delete('iss');
    const refused2 = await again.get(back2.pathname + back2.search);
    assert.equal(refused2.statusCode, 400);
    assert.match(refused2.body, /Die Anmeldung konnte nicht geprüft werden/);
    assert.equal((await again.get('/verwaltung')).headers.location, '/verwaltung/anmelden');
  });

  it('does not let a clerk linked in one town into another town that uses the same subject', async () => {
    const { sub } = await linkedClerk(neighbour, neighbourIdp);
    // Musterstadt's IdP has a person with the same subject; nobody in Musterstadt is linked to it.
    idp.accounts.set(sub, { sub });
    const refused = await signInThroughIdp(new TestBrowser(app.app, town.host), { accountId: sub, amr: ['mfa'] });
    assert.equal(refused.statusCode, 403);
    const ok = await signInThroughIdp(new TestBrowser(app.app, neighbour.host), { accountId: sub, amr: ['mfa'] }, neighbourIdp);
    assert.equal(ok.headers.location, '/verwaltung');
  });

  it('links by verified e-mail only where the town allows it, and then by subject', async () => {
    const optIn = await newTown('optin');
    const emailIdp = await startTestIdp([client(optIn), client(town)]);
    try {
      await configure(optIn, emailIdp.issuer, { linkByEmail: true });
      const clerk = await app.createClerk(optIn.tenant, 'zentrale');
      personal.push(clerk.email);
      const unverified = 'sub-unverified';
      emailIdp.accounts.set(unverified, { sub: unverified, email: clerk.email.toUpperCase(), emailVerified: false });
      const refused = await signInThroughIdp(new TestBrowser(app.app, optIn.host), { accountId: unverified, amr: ['mfa'] }, emailIdp);
      assert.equal(refused.statusCode, 403, 'an unverified e-mail address links nothing');

      const verified = 'sub-verified';
      emailIdp.accounts.set(verified, { sub: verified, email: clerk.email.toUpperCase(), emailVerified: true });
      const linked = await signInThroughIdp(new TestBrowser(app.app, optIn.host), { accountId: verified, amr: ['mfa'] }, emailIdp);
      assert.equal(linked.headers.location, '/verwaltung', `${linked.statusCode} ${linked.body.slice(0, 2000)}`);
      const link = await sql<{ subject: string; issuer: string }>`select subject, issuer from staff_oidc_links where staff_id = ${clerk.id}`.execute(app.database.db);
      assert.deepEqual(link.rows, [{ subject: verified, issuer: emailIdp.issuer }]);

      // Another subject with the same verified address cannot take the linked account over.
      const other = 'sub-other';
      emailIdp.accounts.set(other, { sub: other, email: clerk.email, emailVerified: true });
      assert.equal((await signInThroughIdp(new TestBrowser(app.app, optIn.host), { accountId: other, amr: ['mfa'] }, emailIdp)).statusCode, 403);
      // The e-mail address no longer matters once linked.
      emailIdp.accounts.set(verified, { sub: verified, email: 'changed@example.org', emailVerified: true });
      assert.equal((await signInThroughIdp(new TestBrowser(app.app, optIn.host), { accountId: verified, amr: ['mfa'] }, emailIdp)).headers.location, '/verwaltung');
    } finally {
      await emailIdp.close();
    }

    // Musterstadt did not opt in: a matching verified address is not enough there.
    const clerk = await app.createClerk(town.tenant, 'zentrale');
    const sub = 'sub-by-email-musterstadt';
    idp.accounts.set(sub, { sub, email: clerk.email, emailVerified: true });
    const refused = await signInThroughIdp(new TestBrowser(app.app, town.host), { accountId: sub, amr: ['mfa'] });
    assert.equal(refused.statusCode, 403);
  });

  it('stores the client secret sealed, shows the configuration without it, and unlinks everyone when the issuer changes', async () => {
    const t = await newTown('cli');
    await configure(t, 'https://login.example.org/realms/rathaus', { displayName: 'Landes-Login', mfaAcrValues: ['gold'] });
    const stored = await sql<{ client_secret_sealed: string }>`select client_secret_sealed from staff_idps where tenant_id = ${t.tenant.id}`.execute(app.database.db);
    assert.ok(!stored.rows[0]!.client_secret_sealed.includes(t.clientSecret), 'sealed, not in clear');
    const clerk = await app.createClerk(t.tenant, 'zentrale');
    await asOwner(t.tenant, (trx) => linkStaffToIdp(trx, t.tenant.id, clerk.email, 'abc'));
    assert.deepEqual(await asOwner(t.tenant, (trx) => showStaffIdp(trx, t.tenant.id)), {
      issuer: 'https://login.example.org/realms/rathaus', clientId: t.clientId, hasSecret: true, displayName: 'Landes-Login', linkByEmail: false, mfaAcrValues: ['gold'], linkedAccounts: 1,
    });
    // Changing only the label keeps the secret (re-sealed) and the links.
    await asOwner(t.tenant, (trx) => setStaffIdp(trx, key, t.tenant.id, { issuer: 'https://login.example.org/realms/rathaus', clientId: t.clientId, displayName: 'Neu' }));
    const summary = await asOwner(t.tenant, (trx) => showStaffIdp(trx, t.tenant.id));
    assert.equal(summary?.hasSecret, true);
    assert.equal(summary?.linkedAccounts, 1);
    assert.deepEqual(summary?.mfaAcrValues, ['gold']);
    const moved = await asOwner(t.tenant, (trx) => setStaffIdp(trx, key, t.tenant.id, { issuer: 'https://sso.example.org', clientId: t.clientId }));
    assert.equal(moved.removedLinks, 1);
    assert.equal((await asOwner(t.tenant, (trx) => showStaffIdp(trx, t.tenant.id)))?.linkedAccounts, 0);
    await assert.rejects(asOwner(t.tenant, (trx) => linkStaffToIdp(trx, t.tenant.id, 'nobody@example.org', 'x')), /No staff account/);
    await asOwner(t.tenant, (trx) => linkStaffToIdp(trx, t.tenant.id, clerk.email, 'xyz'));
    assert.equal(await asOwner(t.tenant, (trx) => unlinkStaffFromIdp(trx, t.tenant.id, clerk.email)), true);
    assert.equal(await asOwner(t.tenant, (trx) => removeStaffIdp(trx, t.tenant.id)), true);
    assert.equal(await asOwner(t.tenant, (trx) => showStaffIdp(trx, t.tenant.id)), null);
    assert.equal(await asOwner(t.tenant, (trx) => removeStaffIdp(trx, t.tenant.id)), false);
    await assert.rejects(asOwner(t.tenant, (trx) => linkStaffToIdp(trx, t.tenant.id, clerk.email, 'xyz')), /has no staff IdP/);
  });

  it('signs in where the issuer was configured with a trailing slash (discovery accepts it, links still match)', async () => {
    const t = await newTown('slash');
    const slashIdp = await startTestIdp([client(t)]);
    try {
      await configure(t, `${slashIdp.issuer}/`);
      const { sub } = await linkedClerk(t, slashIdp);
      const signedIn = await signInThroughIdp(new TestBrowser(app.app, t.host), { accountId: sub, amr: ['mfa'] }, slashIdp);
      assert.equal(signedIn.headers.location, '/verwaltung');
    } finally {
      await slashIdp.close();
    }
  });

  it('says so when the IdP cannot be reached, instead of failing', async () => {
    const t = await newTown('down');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    await configure(t, issuer);
    const browser = new TestBrowser(app.app, t.host);
    assert.match((await browser.get('/verwaltung/anmelden')).body, /Anmelden mit Stadt-Login/);
    const page = await browser.get(startPath);
    assert.equal(page.statusCode, 502);
    assert.match(page.body, /Der Anmeldedienst ist nicht erreichbar/);
  });

  it('refuses an issuer that is not https (except on this machine), a discovery URL, and bad ids', () => {
    const ok = { issuer: 'https://idp.example.org/realms/x', clientId: 'rathaus' };
    assert.deepEqual(staffIdpInputProblems(ok), []);
    assert.deepEqual(staffIdpInputProblems({ ...ok, issuer: 'http://127.0.0.1:8080' }), []);
    assert.match(staffIdpInputProblems({ ...ok, issuer: 'http://idp.example.org' }).join(), /https/);
    assert.match(staffIdpInputProblems({ ...ok, issuer: 'https://idp.example.org/.well-known/openid-configuration' }).join(), /issuer identifier/);
    assert.match(staffIdpInputProblems({ ...ok, issuer: 'idp.example.org' }).join(), /not a URL/);
    assert.match(staffIdpInputProblems({ ...ok, clientId: 'a b' }).join(), /client-id/);
    assert.match(staffIdpInputProblems({ ...ok, displayName: ' x' }).join(), /--name/);
    assert.match(staffIdpInputProblems({ ...ok, displayName: 'x'.repeat(61) }).join(), /--name/);
  });

  it('counts amr mfa, otp and hwk and the configured acr values as two factors, nothing else', () => {
    assert.equal(idpAssertsMfa({ amr: ['pwd'], acr: null }, []), false);
    assert.equal(idpAssertsMfa({ amr: [], acr: '1' }, ['2']), false);
    for (const m of ['mfa', 'otp', 'hwk']) assert.equal(idpAssertsMfa({ amr: ['pwd', m], acr: null }, []), true, m);
    assert.equal(idpAssertsMfa({ amr: ['pwd'], acr: '2' }, ['2']), true);
  });

  it('logged nothing personal and no codes', () => {
    const logs = app.logs.join('\n');
    assert.match(logs, /staff sign-in through the IdP refused/);
    for (const value of personal) assert.ok(!logs.includes(value), `log contains ${value}`);
    assert.doesNotMatch(logs, /code=|state=/);
  });
});
