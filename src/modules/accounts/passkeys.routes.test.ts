import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, signInAccount, type TestAccount } from '../../test-support/accounts.js';
import { fieldError, TestBrowser } from '../../test-support/browser.js';
import { addPasskey, fetchPasskeyOptions, signInWithPasskey, SoftwareAuthenticator } from '../../test-support/webauthn.js';
import type { Tenant } from '../tenants/tenant.js';

describe('citizen accounts: passkeys (WebAuthn)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let origin: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    origin = `http://${host}`;
  });
  after(() => app.close());

  const db = () => app.database.db;
  const sessionCookie = (b: TestBrowser) => b.cookieHeader.match(/__Host-rathaus=([^;]+)/)?.[1];

  /** A confirmed account, signed in a moment ago in a new browser. */
  async function signedIn(account?: TestAccount): Promise<{ browser: TestBrowser; account: TestAccount }> {
    const who = account ?? (await createAccount(db(), tenant.id));
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, who);
    return { browser, account: who };
  }

  /** An account with one passkey on a software authenticator, signed out again. */
  async function accountWithPasskey(): Promise<{ account: TestAccount; authenticator: SoftwareAuthenticator }> {
    const { browser, account } = await signedIn();
    const authenticator = new SoftwareAuthenticator();
    const added = await addPasskey(browser, authenticator, origin, 'Laptop');
    assert.equal(added.statusCode, 303, added.body.slice(0, 500));
    return { account, authenticator };
  }

  async function passkeyRows(accountId: string) {
    const result = await sql<{ id: string; name: string; sign_count: string | number; transports: string[]; last_used_at: Date | null; public_key: Buffer }>`
      select id, name, sign_count, transports, last_used_at, public_key from account_passkeys where account_id = ${accountId} order by created_at`.execute(db());
    return result.rows;
  }

  async function auditActions(accountId: string): Promise<string[]> {
    const result = await sql<{ action: string }>`select action from audit_log where subject = ${`account:${accountId}`} order by id`.execute(db());
    return result.rows.map((r) => r.action);
  }

  it('adds a passkey after a recent sign-in, rotates the session id and signs in with it alone', async () => {
    const { browser, account } = await signedIn();
    const before = sessionCookie(browser);
    const authenticator = new SoftwareAuthenticator();
    const added = await addPasskey(browser, authenticator, origin, '  Laptop   im Büro ');
    assert.equal(added.statusCode, 303, added.body.slice(0, 500));
    assert.equal(added.headers.location, '/konto/sicherheit?hinweis=passkeyAdded');
    assert.notEqual(sessionCookie(browser), before, 'a new session id after adding a passkey');
    const page = await browser.get(String(added.headers.location));
    assert.equal(page.statusCode, 200, 'the rotated session is still signed in');
    assert.match(page.body, /Der Passkey wurde hinzugefügt/);
    assert.match(page.body, /<td class="kern-table__cell passkey-name">Laptop im Büro<\/td>/);

    const [row] = await passkeyRows(account.id);
    assert.ok(row, 'stored');
    assert.equal(row.name, 'Laptop im Büro');
    assert.equal(Number(row.sign_count), 0);
    assert.deepEqual(row.transports, ['internal']);
    assert.equal(row.last_used_at, null);
    assert.ok(row.public_key.length > 60, 'the COSE public key');

    await browser.post('/konto/abmelden', {});
    assert.equal((await browser.get('/konto')).statusCode, 303, 'signed out');
    const beforeSignIn = sessionCookie(browser);
    const signIn = await signInWithPasskey(browser, authenticator, origin);
    assert.equal(signIn.statusCode, 303, signIn.body.slice(0, 500));
    assert.equal(signIn.headers.location, '/konto');
    assert.notEqual(sessionCookie(browser), beforeSignIn, 'a new session id at sign-in');
    assert.match((await browser.get('/konto')).body, new RegExp(`Angemeldet als ${account.email.replace(/[.]/g, '\\.')}`));

    const [used] = await passkeyRows(account.id);
    assert.equal(Number(used!.sign_count), 1, 'the counter advanced');
    assert.ok(used!.last_used_at, 'last use recorded');
    const trust = await sql<{ trust_level: string }>`select trust_level from sessions where account_id = ${account.id}`.execute(db());
    assert.deepEqual(trust.rows.map((r) => r.trust_level), ['low'], 'a self-registered account signs in at level low');
    const actions = await auditActions(account.id);
    assert.ok(actions.includes('account.passkey_added') && actions.includes('account.login'));
  });

  it('offers the passkey button on the sign-in page only to browsers with the script, and keeps the next page', async () => {
    const browser = new TestBrowser(app.app, host);
    const page = await browser.get('/konto/anmelden?weiter=%2Fkonto%2Fsicherheit');
    assert.match(page.body, /<section class="passkey-sign-in" aria-labelledby="passkey-sign-in-title" data-passkey-section(="")? hidden/);
    assert.match(page.body, /<form method="post" action="\/konto\/anmelden\/passkey\?weiter=%2Fkonto%2Fsicherheit" data-passkey="sign-in"/);
    assert.match(page.body, /<script src="\/static\/passkeys.js" defer><\/script>/);
    const script = await app.app.inject({ method: 'GET', url: '/static/passkeys.js', headers: { host } });
    assert.equal(script.statusCode, 200);

    const { account, authenticator } = await accountWithPasskey();
    const signIn = new TestBrowser(app.app, host);
    await signIn.get('/konto/anmelden?weiter=%2Fkonto%2Fsicherheit');
    const options = await fetchPasskeyOptions<PublicKeyCredentialRequestOptionsJSON>(signIn, '/konto/anmelden/passkey/optionen');
    assert.equal(options.rpId, host, 'the RP ID is the host the town is served on');
    assert.equal(options.userVerification, 'required');
    assert.deepEqual(options.allowCredentials ?? [], [], 'any passkey of the site (discoverable)');
    const response = await signIn.post('/konto/anmelden/passkey?weiter=%2Fkonto%2Fsicherheit', { credential: JSON.stringify(authenticator.get(options, origin)) });
    assert.equal(response.headers.location, '/konto/sicherheit');
    assert.ok(account.id);
  });

  it('refuses an answer to another challenge, the same answer twice, and an expired challenge', async () => {
    const { account, authenticator } = await accountWithPasskey();
    const browser = new TestBrowser(app.app, host);

    const wrong = await signInWithPasskey(browser, authenticator, origin, { challenge: randomBytes(32).toString('base64url') });
    assert.equal(wrong.statusCode, 422);
    assert.match(fieldError(wrong.body, 'passkey')!, /Anmeldung mit dem Passkey ist fehlgeschlagen/);
    assert.equal((await browser.get('/konto')).statusCode, 303, 'not signed in');

    // A good answer is bound to the session that asked for the challenge, and works once.
    await browser.get('/konto/anmelden');
    const options = await fetchPasskeyOptions<PublicKeyCredentialRequestOptionsJSON>(browser, '/konto/anmelden/passkey/optionen');
    const answer = JSON.stringify(authenticator.get(options, origin));
    const attacker = new TestBrowser(app.app, host);
    await attacker.get('/konto/anmelden');
    await fetchPasskeyOptions(attacker, '/konto/anmelden/passkey/optionen');
    assert.equal((await attacker.post('/konto/anmelden/passkey', { credential: answer })).statusCode, 422, 'not in another session, with its own challenge');
    assert.equal((await browser.post('/konto/anmelden/passkey', { credential: answer })).statusCode, 303, 'in its own session');
    const replay = new TestBrowser(app.app, host);
    await replay.get('/konto/anmelden');
    assert.equal((await replay.post('/konto/anmelden/passkey', { credential: answer })).statusCode, 422, 'no challenge open');
    await fetchPasskeyOptions(replay, '/konto/anmelden/passkey/optionen');
    assert.equal((await replay.post('/konto/anmelden/passkey', { credential: answer })).statusCode, 422, 'another challenge open');
    await browser.get('/konto/anmelden');
    assert.equal((await browser.post('/konto/anmelden/passkey', { credential: answer })).statusCode, 422, 'used up');

    const late = new TestBrowser(app.app, host);
    await late.get('/konto/anmelden');
    const lateOptions = await fetchPasskeyOptions<PublicKeyCredentialRequestOptionsJSON>(late, '/konto/anmelden/passkey/optionen');
    await sql`update webauthn_challenges set expires_at = now() - interval '1 second' where challenge = ${lateOptions.challenge}`.execute(db());
    assert.equal((await late.post('/konto/anmelden/passkey', { credential: JSON.stringify(authenticator.get(lateOptions, origin)) })).statusCode, 422, 'expired');
    const left = await sql<{ n: number }>`select count(*)::int as n from webauthn_challenges where challenge = ${lateOptions.challenge}`.execute(db());
    assert.equal(left.rows[0]!.n, 0, 'used up even when refused');
    assert.ok(account.id);
  });

  it('refuses answers from a foreign origin, for another RP ID, or without user verification', async () => {
    const { authenticator } = await accountWithPasskey();
    for (const overrides of [{ origin: 'https://phishing.example' }, { origin: `https://${host}` }, { rpId: 'phishing.example' }, { notVerified: true }]) {
      const browser = new TestBrowser(app.app, host);
      const response = await signInWithPasskey(browser, authenticator, origin, overrides);
      assert.equal(response.statusCode, 422, JSON.stringify(overrides));
      assert.equal((await browser.get('/konto')).statusCode, 303, JSON.stringify(overrides));
    }
    // Registration likewise: nothing is stored.
    const { browser, account } = await signedIn();
    for (const overrides of [{ origin: 'https://phishing.example' }, { rpId: 'phishing.example' }, { notVerified: true }, { challenge: randomBytes(32).toString('base64url') }]) {
      const response = await addPasskey(browser, new SoftwareAuthenticator(), origin, 'Fremd', overrides);
      assert.equal(response.statusCode, 422, JSON.stringify(overrides));
      assert.match(fieldError(response.body, 'passkey')!, /konnte nicht hinzugefügt werden/);
      assert.match(response.body, /value="Fremd"/, 'the name typed is kept');
    }
    assert.equal((await passkeyRows(account.id)).length, 0);
  });

  it('refuses a signature counter that does not grow, and records it as a cloned key', async () => {
    const { account, authenticator } = await accountWithPasskey();
    assert.equal((await signInWithPasskey(new TestBrowser(app.app, host), authenticator, origin, { counter: 5 })).statusCode, 303);
    for (const counter of [5, 3]) {
      const browser = new TestBrowser(app.app, host);
      assert.equal((await signInWithPasskey(browser, authenticator, origin, { counter })).statusCode, 422, `counter ${counter}`);
      assert.equal((await browser.get('/konto')).statusCode, 303);
    }
    const [row] = await passkeyRows(account.id);
    assert.equal(Number(row!.sign_count), 5, 'the stored counter stays');
    assert.ok((await auditActions(account.id)).includes('account.passkey_counter_regressed'));
    assert.equal((await signInWithPasskey(new TestBrowser(app.app, host), authenticator, origin, { counter: 6 })).statusCode, 303, 'a higher one is accepted');
  });

  it("refuses another account's credential under this account's user handle", async () => {
    const a = await accountWithPasskey();
    const b = await accountWithPasskey();
    const handleOfA = Buffer.from(a.account.id).toString('base64url');
    const browser = new TestBrowser(app.app, host);
    // B's key, claiming to be A: A has no credential with that id (and B's row is not even visible).
    assert.equal((await signInWithPasskey(browser, b.authenticator, origin, { userHandle: handleOfA })).statusCode, 422);
    assert.equal((await browser.get('/konto')).statusCode, 303);
    // A's credential id signed by B's key: the signature does not verify.
    const forged = b.authenticator.credentials[0]!;
    const stolenId = { ...forged, id: a.authenticator.credentials[0]!.id, userHandle: Buffer.from(a.account.id) };
    assert.equal((await signInWithPasskey(browser, b.authenticator, origin, {}, stolenId)).statusCode, 422);
    assert.equal((await browser.get('/konto')).statusCode, 303);
    // Not a user handle at all.
    assert.equal((await signInWithPasskey(browser, a.authenticator, origin, { userHandle: Buffer.from('nobody').toString('base64url') })).statusCode, 422);
  });

  it('explains a cancelled dialog and a browser that sent nothing, and refuses a malformed answer', async () => {
    const browser = new TestBrowser(app.app, host);
    await browser.get('/konto/anmelden');
    const cancelled = await browser.post('/konto/anmelden/passkey', { credential: '', problem: 'NotAllowedError' });
    assert.equal(cancelled.statusCode, 422);
    assert.match(fieldError(cancelled.body, 'passkey')!, /abgebrochen/);
    assert.match(cancelled.body, /<a class="kern-link" href="#f-passkey">/, 'the error summary links to the button');
    const nothing = await browser.post('/konto/anmelden/passkey', { credential: '' });
    assert.match(fieldError(nothing.body, 'passkey')!, /keinen Passkey übermittelt/);
    for (const junk of ['{', '{"id":"x"}', JSON.stringify({ id: 'A'.repeat(20), rawId: 'A'.repeat(20), type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: '<script>' } })]) {
      assert.equal((await browser.post('/konto/anmelden/passkey', { credential: junk })).statusCode, 422, junk);
    }
  });

  it('refuses the options and the forms without the CSRF token of the session', async () => {
    const { browser } = await signedIn();
    await browser.get('/konto/sicherheit');
    assert.equal((await browser.post('/konto/sicherheit/passkeys/optionen', {}, { csrf: 'falsch' })).statusCode, 403);
    assert.equal((await browser.post('/konto/sicherheit/passkeys', { passkeyName: 'X' }, { csrf: null })).statusCode, 403);
    assert.equal((await browser.post('/konto/anmelden/passkey/optionen', {}, { csrf: null })).statusCode, 403);
    assert.equal((await new TestBrowser(app.app, host).post('/konto/anmelden/passkey/optionen', {}, { csrf: null })).statusCode, 403, 'no session');
  });

  it('asks for a name first, and explains when the browser made no passkey', async () => {
    const { browser, account } = await signedIn();
    await browser.get('/konto/sicherheit');
    const noName = await browser.post('/konto/sicherheit/passkeys', { passkeyName: '   ', credential: '' });
    assert.equal(noName.statusCode, 422);
    assert.match(fieldError(noName.body, 'passkeyName')!, /Geben Sie dem Passkey einen Namen/);
    const long = await browser.post('/konto/sicherheit/passkeys', { passkeyName: 'x'.repeat(61), credential: '' });
    assert.match(fieldError(long.body, 'passkeyName')!, /höchstens 60 Zeichen/);
    const exists = await browser.post('/konto/sicherheit/passkeys', { passkeyName: 'Handy', credential: '', problem: 'InvalidStateError' });
    assert.match(fieldError(exists.body, 'passkey')!, /schon einen Passkey/);
    assert.match(exists.body, /value="Handy"/);
    assert.equal((await passkeyRows(account.id)).length, 0);
  });

  it("renames and removes its own passkeys; another account's are not found (404)", async () => {
    const { browser, account } = await signedIn();
    const authenticator = new SoftwareAuthenticator();
    assert.equal((await addPasskey(browser, authenticator, origin, 'Alt')).statusCode, 303);
    const [own] = await passkeyRows(account.id);
    const other = await accountWithPasskey();
    const [foreign] = await passkeyRows(other.account.id);

    assert.equal((await browser.get(`/konto/sicherheit/passkeys/${own!.id}`)).statusCode, 200);
    const empty = await browser.post(`/konto/sicherheit/passkeys/${own!.id}`, { passkeyName: '' });
    assert.equal(empty.statusCode, 422);
    assert.match(fieldError(empty.body, 'passkeyName')!, /Namen/);
    const renamed = await browser.post(`/konto/sicherheit/passkeys/${own!.id}`, { passkeyName: 'Neu' });
    assert.equal(renamed.headers.location, '/konto/sicherheit?hinweis=passkeyRenamed');
    assert.equal((await passkeyRows(account.id))[0]!.name, 'Neu');

    await browser.get('/konto/sicherheit');
    for (const id of [foreign!.id, '00000000-0000-4000-8000-000000000000', 'kein-uuid']) {
      assert.equal((await browser.get(`/konto/sicherheit/passkeys/${id}`)).statusCode, 404, `GET ${id}`);
      await browser.get('/konto/sicherheit');
      assert.equal((await browser.post(`/konto/sicherheit/passkeys/${id}`, { passkeyName: 'Übernommen' })).statusCode, 404, `rename ${id}`);
      await browser.get('/konto/sicherheit');
      assert.equal((await browser.post(`/konto/sicherheit/passkeys/${id}/entfernen`, {})).statusCode, 404, `remove ${id}`);
    }
    assert.equal((await passkeyRows(other.account.id))[0]!.name, 'Laptop', "the other account's passkey is untouched");

    await browser.get('/konto/sicherheit');
    const removed = await browser.post(`/konto/sicherheit/passkeys/${own!.id}/entfernen`, {});
    assert.equal(removed.headers.location, '/konto/sicherheit?hinweis=passkeyRemoved');
    assert.equal((await passkeyRows(account.id)).length, 0);
    assert.equal((await signInWithPasskey(new TestBrowser(app.app, host), authenticator, origin)).statusCode, 422, 'a removed passkey signs in no more');
    assert.ok((await auditActions(account.id)).includes('account.passkey_removed'));
  });

  it('asks for the password again before adding or removing a passkey when the sign-in is older than 10 minutes', async () => {
    const { browser, account } = await signedIn();
    const authenticator = new SoftwareAuthenticator();
    assert.equal((await addPasskey(browser, authenticator, origin, 'Erster')).statusCode, 303);
    const [passkey] = await passkeyRows(account.id);
    await sql`update sessions set authenticated_at = now() - interval '11 minutes' where account_id = ${account.id}`.execute(db());

    const page = await browser.get('/konto/sicherheit');
    assert.match(page.body, /href="\/konto\/sicherheit\/bestaetigen\?weiter=%2Fkonto%2Fsicherheit"/, 'the page links to the password confirmation');
    assert.doesNotMatch(page.body, /data-passkey="register"/, 'and offers no add form');
    assert.equal((await browser.post('/konto/sicherheit/passkeys/optionen', {})).statusCode, 403);
    const add = await browser.post('/konto/sicherheit/passkeys', { passkeyName: 'Zweiter', credential: '' });
    assert.equal(add.headers.location, '/konto/sicherheit/bestaetigen?weiter=%2Fkonto%2Fsicherheit');
    await browser.get('/konto/sicherheit');
    const remove = await browser.post(`/konto/sicherheit/passkeys/${passkey!.id}/entfernen`, {});
    assert.equal(remove.headers.location, '/konto/sicherheit/bestaetigen?weiter=%2Fkonto%2Fsicherheit');
    assert.equal((await passkeyRows(account.id)).length, 1, 'not removed');

    const confirm = await browser.get(String(add.headers.location));
    assert.equal(confirm.statusCode, 200);
    const empty = await browser.post('/konto/sicherheit/bestaetigen?weiter=%2Fkonto%2Fsicherheit', { password: '' });
    assert.equal(empty.statusCode, 422);
    const wrong = await browser.post('/konto/sicherheit/bestaetigen?weiter=%2Fkonto%2Fsicherheit', { password: 'nicht das Passwort' });
    assert.equal(wrong.statusCode, 422);
    assert.match(fieldError(wrong.body, 'password')!, /Passwort ist falsch/);
    const before = sessionCookie(browser);
    const right = await browser.post('/konto/sicherheit/bestaetigen?weiter=%2Fkonto%2Fsicherheit', { password: account.password });
    assert.equal(right.headers.location, '/konto/sicherheit');
    assert.notEqual(sessionCookie(browser), before, 'a new session id');
    assert.equal((await addPasskey(browser, authenticator, origin, 'Zweiter')).statusCode, 303);
    assert.equal((await passkeyRows(account.id)).length, 2);
  });

  it('registers the passkeys of a town on its own host and keeps towns apart', async () => {
    const { account, authenticator } = await accountWithPasskey();
    const other = await app.createTown();
    const browser = new TestBrowser(app.app, other.host);
    await browser.get('/konto/anmelden');
    const options = await fetchPasskeyOptions<PublicKeyCredentialRequestOptionsJSON>(browser, '/konto/anmelden/passkey/optionen');
    assert.equal(options.rpId, other.host);
    // The key of the first town, answering for the other town's host: no such credential there.
    const credential = authenticator.credentials[0]!;
    const response = await browser.post('/konto/anmelden/passkey', { credential: JSON.stringify(authenticator.get(options, `http://${other.host}`, { rpId: other.host }, credential)) });
    assert.equal(response.statusCode, 422);
    assert.ok(account.id);
  });
});
