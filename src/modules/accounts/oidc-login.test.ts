import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction, type Trx } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { accountIdpClient, configureAccountIdp, idpPerson, sessionOf, signInThroughAccountIdp } from '../../test-support/account-idp.js';
import { createAccount, readZip, signInAccount } from '../../test-support/accounts.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { startTestIdp, type TestIdp, type TestIdpClient } from '../../test-support/oidc-provider.js';
import type { Tenant } from '../tenants/tenant.js';
import { acrValuesFor, defaultAcrLevels, parseAcrLevels, removeAccountIdp, setAccountIdp, showAccountIdp, trustLevelOf } from './oidc-login.js';
import { deleteAccountLink } from './oidc-login.repository.js';
import { loadTotpKey } from '../../platform/crypto/secret-box.js';

/** A town with its host and its client at the test IdP. */
interface Town {
  tenant: Tenant;
  host: string;
  client: TestIdpClient;
}

describe('citizen sign-in through the town\'s identity provider', () => {
  let app: TestApp;
  let town: Town;
  let optIn: Town;
  let neighbour: Town;
  let plain: { tenant: Tenant; host: string };
  let idp: TestIdp;
  let neighbourIdp: TestIdp;
  // Everything personal that passed through the portal, to look for in the logs at the end.
  const personal: string[] = [];

  const asOwner = <T,>(tenant: Tenant, fn: (trx: Trx) => Promise<T>) => asTownOwner(app.database.db, tenant.id, fn);
  const newTown = async (): Promise<Town> => {
    const { tenant, host } = await app.createTown();
    return { tenant, host, client: accountIdpClient(host) };
  };
  const browserOf = (t: { host: string }) => new TestBrowser(app.app, t.host);
  const person = (claims: { email?: string; emailVerified?: boolean } = {}, at: TestIdp = idp) => {
    const sub = idpPerson(at, claims);
    personal.push(sub, ...(claims.email ? [claims.email] : []));
    return sub;
  };
  const accountsWithEmail = async (tenant: Tenant, email: string) =>
    (await sql<{ id: string; password_hash: string | null; verified_at: Date | null }>`select id, password_hash, verified_at from accounts where tenant_id = ${tenant.id} and email = ${email}`.execute(app.database.db)).rows;
  const linksOf = async (accountId: string) =>
    (await sql<{ subject: string; issuer: string }>`select subject, issuer from account_oidc_links where account_id = ${accountId}`.execute(app.database.db)).rows;

  before(async () => {
    app = await buildTestApp();
    town = await newTown();
    optIn = await newTown();
    neighbour = await newTown();
    plain = await app.createTown();
    idp = await startTestIdp([town.client, optIn.client]);
    // The neighbour's IdP also knows Musterstadt's client id and redirect URI: another IdP (or an
    // attacker's) can send a browser to Musterstadt's callback with its own code.
    neighbourIdp = await startTestIdp([neighbour.client, town.client]);
    await configureAccountIdp(app, town.tenant, idp.issuer, town.client);
    await configureAccountIdp(app, optIn.tenant, idp.issuer, optIn.client, { linkByEmail: true });
    await configureAccountIdp(app, neighbour.tenant, neighbourIdp.issuer, neighbour.client);
  });
  after(async () => {
    await idp?.close();
    await neighbourIdp?.close();
    await app?.close();
  });

  it('creates a confirmed account without a password at the first sign-in, and finds it by subject at the second', async () => {
    const email = 'erika.idp@example.org';
    const sub = person({ email, emailVerified: true });
    const browser = browserOf(town);
    const login = await browser.get('/konto/anmelden');
    assert.match(login.body, /href="\/konto\/anmelden\/idp"/);
    assert.match(login.body, /Anmelden mit Bürger-Login/);

    const start = await browser.get('/konto/anmelden/idp');
    assert.equal(start.statusCode, 303);
    assert.equal(start.headers['cache-control'], 'no-store');
    const authorization = new URL(String(start.headers.location));
    // What the browser carries to the IdP: client, PKCE, state, nonce, scopes; nothing about the person.
    assert.equal(authorization.origin, idp.issuer);
    assert.equal(authorization.searchParams.get('client_id'), town.client.clientId);
    assert.equal(authorization.searchParams.get('redirect_uri'), `http://${town.host}/konto/anmelden/idp/antwort`);
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
    assert.deepEqual(authorization.searchParams.get('scope')?.split(' ').sort(), ['email', 'openid']);
    assert.equal(authorization.searchParams.get('acr_values'), null, 'a plain sign-in asks for no level');

    const cookieBefore = browser.cookieHeader;
    idp.nextSignIn = { accountId: sub, acr: 'STORK-QAA-Level-3' };
    const back = await idp.authorize(authorization);
    const callback = await browser.get(back.pathname + back.search);
    assert.equal(callback.statusCode, 303, callback.body.slice(0, 500));
    assert.equal(callback.headers.location, '/konto');
    assert.notEqual(browser.cookieHeader, cookieBefore, 'a new session id after the sign-in');
    assert.match((await browser.get('/konto')).body, /Angemeldet als erika\.idp@example\.org/);

    const [account, ...more] = await accountsWithEmail(town.tenant, email);
    assert.equal(more.length, 0);
    assert.equal(account!.password_hash, null, 'no password: the IdP is its way in');
    assert.ok(account!.verified_at, 'confirmed: the IdP vouches for the address');
    assert.deepEqual(await linksOf(account!.id), [{ subject: sub, issuer: idp.issuer }]);
    assert.deepEqual(await sessionOf(app, browser), { accountId: account!.id, trustLevel: 'substantial' });
    const audit = await sql<{ action: string; details: Record<string, string> }>`
      select action, details from audit_log where subject = ${`account:${account!.id}`} order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.action).sort(), ['account.idp_linked', 'account.login', 'account.registered']);
    assert.deepEqual(audit.rows.find((r) => r.action === 'account.login')!.details, { method: 'idp', acr: 'STORK-QAA-Level-3', trustLevel: 'substantial' });

    // The second sign-in finds the account by its subject, whatever address the IdP says now.
    idp.accounts.set(sub, { sub, email: 'ganz.anders@example.org', emailVerified: true });
    const again = browserOf(town);
    const second = await signInThroughAccountIdp(again, idp, { accountId: sub, acr: 'STORK-QAA-Level-1' });
    assert.equal(second.headers.location, '/konto');
    assert.deepEqual(await sessionOf(app, again), { accountId: account!.id, trustLevel: 'low' });
    assert.equal((await accountsWithEmail(town.tenant, 'ganz.anders@example.org')).length, 0, 'no second account');

    // The code was used with the flow: the same answer again finds nothing to continue.
    const replay = await browser.get(back.pathname + back.search);
    assert.equal(replay.statusCode, 400);
    assert.match(replay.body, /Die Anmeldung ist abgelaufen/);
  });

  it('sets the session\'s trust level from acr: both default families, the town\'s own mapping, low for an unknown or missing acr', async () => {
    assert.equal(trustLevelOf('STORK-QAA-Level-1', defaultAcrLevels), 'low');
    assert.equal(trustLevelOf('STORK-QAA-Level-2', defaultAcrLevels), 'low');
    assert.equal(trustLevelOf('STORK-QAA-Level-3', defaultAcrLevels), 'substantial');
    assert.equal(trustLevelOf('STORK-QAA-Level-4', defaultAcrLevels), 'high');
    assert.equal(trustLevelOf('http://eidas.europa.eu/LoA/low', defaultAcrLevels), 'low');
    assert.equal(trustLevelOf('http://eidas.europa.eu/LoA/substantial', defaultAcrLevels), 'substantial');
    assert.equal(trustLevelOf('http://eidas.europa.eu/LoA/high', defaultAcrLevels), 'high');
    assert.equal(trustLevelOf('urn:unknown', defaultAcrLevels), 'low');
    assert.equal(trustLevelOf(null, defaultAcrLevels), 'low');
    assert.equal(trustLevelOf('toString', defaultAcrLevels), 'low', 'no inherited property counts');
    assert.deepEqual(acrValuesFor('substantial', defaultAcrLevels), ['STORK-QAA-Level-3', 'http://eidas.europa.eu/LoA/substantial', 'STORK-QAA-Level-4', 'http://eidas.europa.eu/LoA/high']);
    assert.deepEqual(acrValuesFor('high', { gold: 'high', silver: 'substantial' }), ['gold']);

    for (const [acr, level] of [['http://eidas.europa.eu/LoA/high', 'high'], [undefined, 'low'], ['urn:made-up', 'low']] as const) {
      const sub = person({ email: `acr-${level}-${acr?.length ?? 0}@example.org`, emailVerified: true });
      const browser = browserOf(town);
      await signInThroughAccountIdp(browser, idp, { accountId: sub, acr });
      assert.equal((await sessionOf(app, browser))?.trustLevel, level, String(acr));
    }
    // The session list shows the level.
    const sub = person({ email: 'acr-hoch@example.org', emailVerified: true });
    const browser = browserOf(town);
    await signInThroughAccountIdp(browser, idp, { accountId: sub, acr: 'STORK-QAA-Level-4' });
    assert.match((await browser.get('/konto/sicherheit')).body, /<td class="kern-table__cell">hoch<\/td>/);

    // A town's own mapping replaces the defaults.
    const own = await newTown();
    const ownIdp = await startTestIdp([own.client]);
    try {
      await configureAccountIdp(app, own.tenant, ownIdp.issuer, own.client, { acrLevels: { 'urn:own:gold': 'high', 'STORK-QAA-Level-4': 'low' } });
      const ownSub = idpPerson(ownIdp, { email: 'eigene@example.org', emailVerified: true });
      const gold = browserOf(own);
      await signInThroughAccountIdp(gold, ownIdp, { accountId: ownSub, acr: 'urn:own:gold' });
      assert.equal((await sessionOf(app, gold))?.trustLevel, 'high');
      const stork = browserOf(own);
      await signInThroughAccountIdp(stork, ownIdp, { accountId: ownSub, acr: 'STORK-QAA-Level-4' });
      assert.equal((await sessionOf(app, stork))?.trustLevel, 'low');
    } finally {
      await ownIdp.close();
    }
  });

  it('does not link an existing account silently: the person signs in with its password once, then it is linked', async () => {
    const existing = await createAccount(app.database.db, town.tenant.id);
    personal.push(existing.email);
    const sub = person({ email: existing.email.toUpperCase(), emailVerified: true });
    const browser = browserOf(town);
    const refused = await signInThroughAccountIdp(browser, idp, { accountId: sub, acr: 'STORK-QAA-Level-4' }, '/konto/anmelden/idp?weiter=%2Fkonto%2Fsicherheit');
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /Es gibt schon ein Servicekonto mit Ihrer E-Mail-Adresse/);
    assert.match(refused.body, /nicht ohne Ihr Passwort/);
    assert.deepEqual(await linksOf(existing.id), [], 'nothing linked');
    assert.equal((await accountsWithEmail(town.tenant, existing.email)).length, 1, 'no second account');
    assert.equal((await sessionOf(app, browser))?.accountId, null, 'not signed in');

    // The page's way on: the password sign-in, which continues to the IdP and back to where the person wanted to go.
    const onwards = refused.body.match(/href="(\/konto\/anmelden\?weiter=[^"]+)"/)![1]!.replace(/&amp;/g, '&');
    await browser.get(onwards);
    const signedIn = await browser.post(onwards, { email: existing.email, password: existing.password });
    assert.equal(signedIn.statusCode, 303);
    assert.match(String(signedIn.headers.location), /^\/konto\/anmelden\/idp\?/);
    const linked = await signInThroughAccountIdp(browser, idp, { accountId: sub, acr: 'STORK-QAA-Level-4' }, String(signedIn.headers.location));
    assert.equal(linked.headers.location, '/konto/sicherheit');
    assert.deepEqual(await linksOf(existing.id), [{ subject: sub, issuer: idp.issuer }]);
    assert.deepEqual(await sessionOf(app, browser), { accountId: existing.id, trustLevel: 'high' });
    // From now on the IdP alone signs in to it.
    const later = browserOf(town);
    await signInThroughAccountIdp(later, idp, { accountId: sub });
    assert.equal((await sessionOf(app, later))?.accountId, existing.id);
  });

  it('creates no account when the IdP vouches for no address, and says what to do', async () => {
    for (const claims of [{ email: 'unbestaetigt@example.org', emailVerified: false }, {}]) {
      const sub = person(claims);
      const refused = await signInThroughAccountIdp(browserOf(town), idp, { accountId: sub });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /Wir brauchen eine bestätigte E-Mail-Adresse/);
      assert.match(refused.body, /href="\/konto\/registrieren"/);
    }
    assert.equal((await accountsWithEmail(town.tenant, 'unbestaetigt@example.org')).length, 0);
  });

  it('links an existing account by a verified address at once only where the town opted in', async () => {
    const existing = await createAccount(app.database.db, optIn.tenant.id);
    personal.push(existing.email);
    const unverified = person({ email: existing.email, emailVerified: false });
    assert.equal((await signInThroughAccountIdp(browserOf(optIn), idp, { accountId: unverified })).statusCode, 403, 'an unverified address links nothing');
    const sub = person({ email: existing.email, emailVerified: true });
    const browser = browserOf(optIn);
    const signedIn = await signInThroughAccountIdp(browser, idp, { accountId: sub, acr: 'STORK-QAA-Level-3' });
    assert.equal(signedIn.headers.location, '/konto');
    assert.deepEqual(await sessionOf(app, browser), { accountId: existing.id, trustLevel: 'substantial' });
    assert.deepEqual(await linksOf(existing.id), [{ subject: sub, issuer: idp.issuer }]);
    const audit = await sql<{ details: { by: string } }>`select details from audit_log where action = 'account.idp_linked' and subject = ${`account:${existing.id}`}`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.details.by), ['verified_email']);
    // Another subject with the same verified address cannot take the linked account over.
    const other = person({ email: existing.email, emailVerified: true });
    assert.equal((await signInThroughAccountIdp(browserOf(optIn), idp, { accountId: other })).statusCode, 403);
  });

  it('takes over a registration that was never confirmed (nobody proved the address), removing its password', async () => {
    const email = 'nie.bestaetigt@example.org';
    const b = browserOf(town);
    await b.get('/konto/registrieren');
    assert.equal((await b.post('/konto/registrieren', { email, password: 'Drei Linden am Rathausplatz' })).statusCode, 200);
    const [registered] = await accountsWithEmail(town.tenant, email);
    assert.equal(registered!.verified_at, null);
    const sub = person({ email, emailVerified: true });
    const browser = browserOf(town);
    assert.equal((await signInThroughAccountIdp(browser, idp, { accountId: sub })).headers.location, '/konto');
    const [claimed] = await accountsWithEmail(town.tenant, email);
    assert.equal(claimed!.id, registered!.id);
    assert.ok(claimed!.verified_at);
    assert.equal(claimed!.password_hash, null, 'whoever registered it cannot sign in with that password');
    await b.get('/konto/anmelden');
    assert.equal((await b.post('/konto/anmelden', { email, password: 'Drei Linden am Rathausplatz' })).statusCode, 401);
    const unused = await sql<{ n: number }>`select count(*)::int as n from account_tokens where account_id = ${claimed!.id} and used_at is null`.execute(app.database.db);
    assert.equal(unused.rows[0]!.n, 0, 'the confirmation link is void');
  });

  it('links and unlinks on the security page; the only way in cannot be unlinked; another account\'s identity is refused', async () => {
    const account = await createAccount(app.database.db, town.tenant.id);
    personal.push(account.email);
    const browser = browserOf(town);
    await signInAccount(browser, account);
    const security = await browser.get('/konto/sicherheit');
    assert.match(security.body, /<h2[^>]*>Anmeldung mit Bürger-Login<\/h2>/);
    const linkHref = security.body.match(/href="(\/konto\/anmelden\/idp\?[^"]+)"[^>]*><span class="kern-label">Mit Bürger-Login verknüpfen/)![1]!.replace(/&amp;/g, '&');
    const sub = person({ email: 'anders@example.org', emailVerified: true });
    const linked = await signInThroughAccountIdp(browser, idp, { accountId: sub, acr: 'http://eidas.europa.eu/LoA/substantial' }, linkHref);
    assert.equal(linked.headers.location, '/konto/sicherheit?idp=verknuepft');
    const after = await browser.get('/konto/sicherheit?idp=verknuepft');
    assert.match(after.body, /Ihr Konto ist mit Bürger-Login verknüpft\./);
    assert.match(after.body, /Verknüpfung mit Bürger-Login aufheben/);
    assert.deepEqual(await linksOf(account.id), [{ subject: sub, issuer: idp.issuer }]);
    assert.equal((await accountsWithEmail(town.tenant, 'anders@example.org')).length, 0, 'the IdP\'s address made no account');

    assert.equal((await browser.post('/konto/sicherheit/idp/aufheben', {}, { csrf: 'falsch' })).statusCode, 403);
    await browser.get('/konto/sicherheit');
    const unlinked = await browser.post('/konto/sicherheit/idp/aufheben', {});
    assert.equal(unlinked.headers.location, '/konto/sicherheit?idp=aufgehoben');
    assert.deepEqual(await linksOf(account.id), []);
    assert.match((await browser.get('/konto/sicherheit?idp=aufgehoben')).body, /Die Verknüpfung mit Bürger-Login ist aufgehoben\./);
    assert.doesNotMatch(browser.lastPage, /Verknüpfung mit Bürger-Login aufheben/);
    assert.equal((await browser.post('/konto/sicherheit/idp/aufheben', {})).statusCode, 404, 'nothing left to unlink');

    // An account that signs in only through the IdP keeps its link.
    const only = person({ email: 'nur.idp@example.org', emailVerified: true });
    const idpOnly = browserOf(town);
    await signInThroughAccountIdp(idpOnly, idp, { accountId: only });
    const page = await idpOnly.get('/konto/sicherheit');
    assert.doesNotMatch(page.body, /Verknüpfung mit Bürger-Login aufheben/);
    assert.match(page.body, /Ihr einziger Weg, sich anzumelden/);
    const [onlyAccount] = await accountsWithEmail(town.tenant, 'nur.idp@example.org');
    const refused = await idpOnly.post('/konto/sicherheit/idp/aufheben', {});
    assert.equal(refused.headers.location, '/konto/sicherheit?idp=einziger-weg');
    assert.equal((await linksOf(onlyAccount!.id)).length, 1);
    assert.match((await idpOnly.get('/konto/sicherheit?idp=einziger-weg')).body, /role="alert"[\s\S]*Ihr einziger Weg/);

    // Signed in as one account, the IdP identity of another is refused; the session stays as it was.
    const other = await createAccount(app.database.db, town.tenant.id);
    const otherBrowser = browserOf(town);
    await signInAccount(otherBrowser, other);
    const before = await sessionOf(app, otherBrowser);
    const elsewhere = await signInThroughAccountIdp(otherBrowser, idp, { accountId: only }, '/konto/anmelden/idp?weiter=%2Fkonto');
    assert.equal(elsewhere.statusCode, 403);
    assert.match(elsewhere.body, /Dieses Konto gehört zu einem anderen Servicekonto/);
    assert.deepEqual(await sessionOf(app, otherBrowser), before);
    assert.deepEqual(await linksOf(other.id), []);

    // Row-level security: one account cannot remove another's link.
    const removed = await inTransaction(app.database.db, { tenantId: town.tenant.id, accountId: other.id }, (trx) => deleteAccountLink(trx, town.tenant.id, onlyAccount!.id, idp.issuer));
    assert.equal(removed, false);
    assert.equal((await linksOf(onlyAccount!.id)).length, 1);
  });

  it('exports an account\'s IdP link with its data, and deletes an account without a password together with its link', async () => {
    const email = 'export.idp@example.org';
    const sub = person({ email, emailVerified: true });
    const browser = browserOf(town);
    await signInThroughAccountIdp(browser, idp, { accountId: sub, acr: 'STORK-QAA-Level-3' });
    const [account] = await accountsWithEmail(town.tenant, email);
    const data = JSON.parse((await readZip((await browser.get('/konto/daten/export.zip')).rawPayload)).get('konto.json')!.toString('utf8'));
    assert.deepEqual(data.identityProviderLinks.map((l: { issuer: string; subject: string }) => [l.issuer, l.subject]), [[idp.issuer, sub]]);
    assert.equal(data.account.sessions[0].trustLevel, 'substantial');

    await browser.get('/konto/loeschen');
    assert.equal((await browser.post('/konto/loeschen', { confirm: 'yes' })).headers.location, '/konto/geloescht', 'no password to ask for');
    assert.equal((await accountsWithEmail(town.tenant, email)).length, 0);
    assert.deepEqual(await linksOf(account!.id), [], 'the link went with the account');
    // The same person signing in again gets a new account.
    await signInThroughAccountIdp(browserOf(town), idp, { accountId: sub });
    assert.equal((await accountsWithEmail(town.tenant, email)).length, 1);
  });

  it('refuses a tampered state, a callback in another browser, and one without any flow', async () => {
    const sub = person({ email: 'state@example.org', emailVerified: true });
    const browser = browserOf(town);
    const start = await browser.get('/konto/anmelden/idp');
    idp.nextSignIn = { accountId: sub };
    const back = await idp.authorize(String(start.headers.location));
    const tampered = new URL(back);
    const state = back.searchParams.get('state')!;
    tampered.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
    const refused = await browser.get(tampered.pathname + tampered.search);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Die Anmeldung ist abgelaufen/);
    assert.ok(!refused.body.includes(back.searchParams.get('code')!), 'the code is not echoed (language switch link)');
    assert.equal((await browser.get(back.pathname + back.search)).statusCode, 400, 'the flow is used up by the tampered answer');
    assert.equal((await accountsWithEmail(town.tenant, 'state@example.org')).length, 0);

    // Login CSRF: an answer to the attacker's flow, opened in the victim's browser, finds no flow there.
    const attacker = browserOf(town);
    const attackerStart = await attacker.get('/konto/anmelden/idp');
    idp.nextSignIn = { accountId: sub };
    const attackerBack = await idp.authorize(String(attackerStart.headers.location));
    const victim = browserOf(town);
    await victim.get('/konto/anmelden');
    const csrf = await victim.get(attackerBack.pathname + attackerBack.search);
    assert.equal(csrf.statusCode, 400);
    assert.match(csrf.body, /in einem anderen Browserfenster begonnen/);
    assert.equal((await sessionOf(app, victim))?.accountId, null);
    assert.equal((await browserOf(town).get('/konto/anmelden/idp/antwort?code=abc&state=def')).statusCode, 400);
  });

  it('refuses an answer from another IdP (wrong issuer), even for a subject linked in this town', async () => {
    const sub = person({ email: 'mixup@example.org', emailVerified: true });
    await signInThroughAccountIdp(browserOf(town), idp, { accountId: sub });
    neighbourIdp.accounts.set(sub, { sub, email: 'mixup@example.org', emailVerified: true });
    const browser = browserOf(town);
    const start = await browser.get('/konto/anmelden/idp');
    const authorization = new URL(String(start.headers.location));
    neighbourIdp.nextSignIn = { accountId: sub, acr: 'STORK-QAA-Level-4' };
    const back = await neighbourIdp.authorize(new URL(authorization.pathname + authorization.search, neighbourIdp.issuer));
    assert.equal(back.searchParams.get('iss'), neighbourIdp.issuer);
    const refused = await browser.get(back.pathname + back.search);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Die Antwort stammt nicht von Bürger-Login/);
    assert.equal((await sessionOf(app, browser))?.accountId, null);
  });

  it('shows the IdP\'s error (e.g. cancelled there) as a cancelled sign-in', async () => {
    const refused = await signInThroughAccountIdp(browserOf(town), idp, { error: 'access_denied' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Die Anmeldung wurde abgebrochen/);
  });

  it('shows no IdP button in a town without one, and its IdP routes do not exist', async () => {
    const browser = browserOf(plain);
    const login = await browser.get('/konto/anmelden');
    assert.equal(login.statusCode, 200);
    assert.doesNotMatch(login.body, /Anmelden mit|\/konto\/anmelden\/idp/);
    assert.equal((await browser.get('/konto/anmelden/idp')).statusCode, 404);
    assert.equal((await browser.get('/konto/anmelden/idp/antwort?code=x&state=y')).statusCode, 404);
    const account = await createAccount(app.database.db, plain.tenant.id);
    await signInAccount(browser, account);
    // No IdP section (the passkey section's text also says "Anmeldung mit Passkey").
    const security = (await browser.get('/konto/sicherheit')).body;
    assert.match(security, /<h1[^>]*>Anmeldung und Sicherheit<\/h1>/);
    assert.doesNotMatch(security, /id="idp-section"|\/konto\/anmelden\/idp|verknüpfen/);
  });

  it('stores the client secret sealed, keeps it and the links when only the label changes, and shows the mapping', async () => {
    const t = await newTown();
    const key = await loadTotpKey(app.config);
    const issuer = 'https://id.bund.example/realms/bundid';
    await asOwner(t.tenant, (trx) => setAccountIdp(trx, key, t.tenant.id, { issuer, clientId: 'rathaus', clientSecret: 'sehr-geheim-123', displayName: 'BundID' }));
    const stored = await sql<{ client_secret_sealed: string }>`select client_secret_sealed from account_idps where tenant_id = ${t.tenant.id}`.execute(app.database.db);
    assert.ok(!stored.rows[0]!.client_secret_sealed.includes('sehr-geheim'));
    assert.ok(!stored.rows[0]!.client_secret_sealed.includes(Buffer.from('sehr-geheim-123').toString('base64')));
    assert.deepEqual(await asOwner(t.tenant, (trx) => showAccountIdp(trx, t.tenant.id)), {
      issuer, clientId: 'rathaus', hasSecret: true, displayName: 'BundID', acrLevels: defaultAcrLevels, linkByEmail: false, linkedAccounts: 0,
    });
    await asOwner(t.tenant, (trx) => setAccountIdp(trx, key, t.tenant.id, { issuer, clientId: 'rathaus', displayName: 'BundID (Bund)', acrLevels: { gold: 'high' } }));
    const summary = await asOwner(t.tenant, (trx) => showAccountIdp(trx, t.tenant.id));
    assert.equal(summary?.hasSecret, true, 'the secret is kept');
    assert.deepEqual(summary?.acrLevels, { gold: 'high' });
    await assert.rejects(asOwner(t.tenant, (trx) => setAccountIdp(trx, key, t.tenant.id, { issuer: 'http://id.example.org', clientId: 'x' })), /--issuer must use https/);
    await assert.rejects(sql`update account_idps set acr_levels = '{"x": "mittel"}' where tenant_id = ${t.tenant.id}`.execute(app.database.db), /check constraint/);
    assert.equal(await asOwner(t.tenant, (trx) => removeAccountIdp(trx, t.tenant.id)), true);
    assert.equal(await asOwner(t.tenant, (trx) => showAccountIdp(trx, t.tenant.id)), null);
    assert.equal(await asOwner(t.tenant, (trx) => removeAccountIdp(trx, t.tenant.id)), false);

    assert.deepEqual(parseAcrLevels(['STORK-QAA-Level-3=substantial', 'urn:x=y=high']), { acrLevels: { 'STORK-QAA-Level-3': 'substantial', 'urn:x=y': 'high' } });
    assert.ok('problems' in parseAcrLevels(['gold=mittel']));
    assert.ok('problems' in parseAcrLevels(['=high']));
    assert.ok('problems' in parseAcrLevels(['gold']));
  });

  it('logged nothing personal and no codes', () => {
    const logs = app.logs.join('\n');
    assert.match(logs, /citizen sign-in through the IdP refused/);
    for (const value of personal) assert.ok(!logs.includes(value), `log contains ${value}`);
    assert.doesNotMatch(logs, /code=|state=/);
  });
});
