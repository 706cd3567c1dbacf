import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, signInAccount, type TestAccount } from '../../test-support/accounts.js';
import { nextAccountCode, turnOnTotp, type AccountTotp } from '../../test-support/account-totp.js';
import { fieldError, TestBrowser } from '../../test-support/browser.js';
import { currentTimeStep, totpCode, wrongTotpCode } from '../../test-support/totp.js';
import { addPasskey, signInWithPasskey, SoftwareAuthenticator } from '../../test-support/webauthn.js';
import type { Tenant } from '../tenants/tenant.js';

describe('citizen accounts: TOTP as a second factor', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  const db = () => app.database.db;
  const sessionCookie = (b: TestBrowser) => b.cookieHeader.match(/__Host-rathaus=([^;]+)/)?.[1];

  /** An account with TOTP turned on, signed out again. */
  async function accountWithTotp(): Promise<{ account: TestAccount; totp: AccountTotp }> {
    const account = await createAccount(db(), tenant.id);
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, account);
    const totp = await turnOnTotp(browser, account);
    return { account, totp };
  }

  /** The password step only; returns where the portal sends the browser. */
  async function enterPassword(browser: TestBrowser, account: TestAccount, path = '/konto/anmelden'): Promise<string> {
    await browser.get(path);
    const response = await browser.post(path, { email: account.email, password: account.password });
    assert.equal(response.statusCode, 303, response.body.slice(0, 300));
    return String(response.headers.location);
  }

  async function totpRow(accountId: string) {
    const result = await sql<{ secret_sealed: string; confirmed_at: Date | null; failed_attempts: number; locked_until: Date | null }>`
      select secret_sealed, confirmed_at, failed_attempts, locked_until from account_totp where account_id = ${accountId}`.execute(db());
    return result.rows[0];
  }

  async function auditActions(accountId: string): Promise<string[]> {
    const result = await sql<{ action: string }>`select action from audit_log where subject = ${`account:${accountId}`} order by id`.execute(db());
    return result.rows.map((r) => r.action);
  }

  it('turns TOTP on with a QR code and a first code, shows ten recovery codes once and rotates the session id', async () => {
    const account = await createAccount(db(), tenant.id);
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, account);
    assert.match((await browser.get('/konto/sicherheit')).body, /href="\/konto\/sicherheit\/zwei-faktor"/);

    const page = await browser.get('/konto/sicherheit/zwei-faktor');
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.body, /<div class="qr-code" role="img" aria-label="QR-Code zum Einrichten der Authenticator-App für [^"]+"><svg [^>]*viewBox/);
    const secret = page.body.match(/data-testid="totp-secret">([A-Z2-7 ]+)</)![1]!.replace(/ /g, '');
    assert.ok(page.body.includes(account.email) && page.body.includes(tenant.name), 'label and issuer');
    assert.ok((await browser.get('/konto/sicherheit/zwei-faktor')).body.includes(secret.slice(0, 4)), 'the same key until confirmed');
    const stored = await totpRow(account.id);
    assert.ok(stored && !stored.secret_sealed.includes(secret) && stored.confirmed_at === null, 'sealed, not yet on');
    // Not on yet: the password alone still signs in.
    assert.equal(await enterPassword(new TestBrowser(app.app, host), account), '/konto');

    const empty = await browser.post('/konto/sicherheit/zwei-faktor', { code: '' });
    assert.equal(empty.statusCode, 422);
    assert.match(fieldError(empty.body, 'code')!, /6-stelligen Code/);
    const wrong = await browser.post('/konto/sicherheit/zwei-faktor', { code: await wrongTotpCode(secret) });
    assert.equal(wrong.statusCode, 422);
    assert.match(fieldError(wrong.body, 'code')!, /falsch oder abgelaufen/);

    const before = sessionCookie(browser);
    const confirmed = await browser.post('/konto/sicherheit/zwei-faktor', { code: await totpCode(secret) });
    assert.equal(confirmed.statusCode, 200);
    assert.notEqual(sessionCookie(browser), before, 'a new session id when TOTP is turned on');
    const codes = [...confirmed.body.matchAll(/<li><code>([A-Z2-7-]+)<\/code><\/li>/g)].map((m) => m[1]);
    assert.equal(codes.length, 10);
    assert.match(confirmed.body, /href="\/konto\/sicherheit\?hinweis=totpOn"/);
    const after = await browser.get('/konto/sicherheit?hinweis=totpOn');
    assert.match(after.body, /Der zweite Faktor ist eingeschaltet/);
    assert.ok(!after.body.includes(codes[0]!), 'the codes are shown only once');
    assert.equal((await browser.get('/konto/sicherheit/zwei-faktor')).headers.location, '/konto/sicherheit', 'nothing to set up any more');
    assert.ok((await auditActions(account.id)).includes('account.second_factor_enrolled'));
  });

  it('asks for the password again before TOTP is turned on when the sign-in is older than 10 minutes', async () => {
    const account = await createAccount(db(), tenant.id);
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, account);
    await sql`update sessions set authenticated_at = now() - interval '11 minutes' where account_id = ${account.id}`.execute(db());
    assert.equal((await browser.get('/konto/sicherheit/zwei-faktor')).headers.location, '/konto/sicherheit/bestaetigen?weiter=%2Fkonto%2Fsicherheit%2Fzwei-faktor');
    await browser.get('/konto/sicherheit');
    assert.equal((await browser.post('/konto/sicherheit/zwei-faktor', { code: '123456' })).statusCode, 303);
    assert.equal(await totpRow(account.id), undefined, 'nothing was started');
    await browser.get('/konto/sicherheit/bestaetigen?weiter=%2Fkonto%2Fsicherheit%2Fzwei-faktor');
    const confirmed = await browser.post('/konto/sicherheit/bestaetigen?weiter=%2Fkonto%2Fsicherheit%2Fzwei-faktor', { password: account.password });
    assert.equal(confirmed.headers.location, '/konto/sicherheit/zwei-faktor');
    assert.equal((await browser.get('/konto/sicherheit/zwei-faktor')).statusCode, 200);
  });

  it('signs in with password and code: half signed in until the code, then a new session id', async () => {
    const { account, totp } = await accountWithTotp();
    const browser = new TestBrowser(app.app, host);
    assert.equal(await enterPassword(browser, account, '/konto/anmelden?weiter=%2Fkonto%2Fsicherheit'), '/konto/anmelden/code?weiter=%2Fkonto%2Fsicherheit');
    const pending = await sql<{ account_id: string | null; pending_account_id: string | null }>`
      select account_id, pending_account_id from sessions where pending_account_id = ${account.id}`.execute(db());
    assert.equal(pending.rows.length, 1, 'a half-signed-in session');
    assert.equal(pending.rows[0]!.account_id, null);
    assert.equal((await browser.get('/konto')).statusCode, 303, 'no account page before the code');
    assert.equal((await browser.get('/konto/sicherheit')).statusCode, 303);

    const page = await browser.get('/konto/anmelden/code?weiter=%2Fkonto%2Fsicherheit');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /action="\/konto\/anmelden\/code\?weiter=%2Fkonto%2Fsicherheit"/);
    assert.match(page.body, /href="\/konto\/anmelden\/wiederherstellung\?weiter=%2Fkonto%2Fsicherheit"/);
    const malformed = await browser.post('/konto/anmelden/code?weiter=%2Fkonto%2Fsicherheit', { code: '12ab' });
    assert.equal(malformed.statusCode, 422);
    assert.match(fieldError(malformed.body, 'code')!, /6 Ziffern/);
    assert.equal((await browser.post('/konto/anmelden/code', { code: '123456' }, { csrf: 'falsch' })).statusCode, 403);
    await browser.get('/konto/anmelden/code?weiter=%2Fkonto%2Fsicherheit');

    const before = sessionCookie(browser);
    const done = await browser.post('/konto/anmelden/code?weiter=%2Fkonto%2Fsicherheit', { code: await nextAccountCode(totp) });
    assert.equal(done.headers.location, '/konto/sicherheit');
    assert.notEqual(sessionCookie(browser), before);
    assert.equal((await browser.get('/konto/sicherheit')).statusCode, 200);
    assert.ok((await auditActions(account.id)).includes('account.second_factor_passed'));
    // Signed in, the code pages have nothing to do.
    assert.equal((await browser.get('/konto/anmelden/code')).headers.location, '/konto/anmelden');
  });

  it('refuses a code of a time step that was used already (replay)', async () => {
    const { account, totp } = await accountWithTotp();
    const first = new TestBrowser(app.app, host);
    await enterPassword(first, account);
    await first.get('/konto/anmelden/code');
    const code = await nextAccountCode(totp);
    assert.equal((await first.post('/konto/anmelden/code', { code })).headers.location, '/konto');

    const second = new TestBrowser(app.app, host);
    await enterPassword(second, account);
    await second.get('/konto/anmelden/code');
    const replayed = await second.post('/konto/anmelden/code', { code });
    assert.equal(replayed.statusCode, 422);
    assert.match(fieldError(replayed.body, 'code')!, /schon verwendet/);
    // An earlier step than the last used one is refused too, though the clock would allow it.
    const earlier = await second.post('/konto/anmelden/code', { code: await totpCode(totp.secret, currentTimeStep() - 1) });
    assert.equal(earlier.statusCode, 422);
    assert.equal((await second.get('/konto')).statusCode, 303);
  });

  it('accepts each recovery code once instead of the code', async () => {
    const { account, totp } = await accountWithTotp();
    const [code] = totp.recoveryCodes;
    const browser = new TestBrowser(app.app, host);
    await enterPassword(browser, account);
    await browser.get('/konto/anmelden/wiederherstellung');
    const empty = await browser.post('/konto/anmelden/wiederherstellung', { recoveryCode: ' ' });
    assert.equal(empty.statusCode, 422);
    assert.match(fieldError(empty.body, 'recoveryCode')!, /Geben Sie einen Wiederherstellungscode ein/);
    const used = await browser.post('/konto/anmelden/wiederherstellung', { recoveryCode: code!.toLowerCase().replace(/-/g, ' ') });
    assert.equal(used.headers.location, '/konto', 'typed in lower case with spaces');

    const again = new TestBrowser(app.app, host);
    await enterPassword(again, account);
    await again.get('/konto/anmelden/wiederherstellung');
    const refused = await again.post('/konto/anmelden/wiederherstellung', { recoveryCode: code! });
    assert.equal(refused.statusCode, 422);
    assert.match(fieldError(refused.body, 'recoveryCode')!, /falsch oder wurde schon verwendet/);
    assert.equal((await again.post('/konto/anmelden/wiederherstellung', { recoveryCode: totp.recoveryCodes[1]! })).headers.location, '/konto', 'another code works');
  });

  it('locks the second factor for 15 minutes after five wrong codes, whatever comes next', async () => {
    const { account, totp } = await accountWithTotp();
    const browser = new TestBrowser(app.app, host);
    await enterPassword(browser, account);
    await browser.get('/konto/anmelden/code');
    const wrong = await wrongTotpCode(totp.secret);
    for (let i = 1; i <= 4; i++) assert.match(fieldError((await browser.post('/konto/anmelden/code', { code: wrong })).body, 'code')!, /falsch/, `attempt ${i}`);
    const fifth = await browser.post('/konto/anmelden/code', { code: wrong });
    assert.match(fieldError(fifth.body, 'code')!, /15 Minuten gesperrt/);
    const row = await totpRow(account.id);
    assert.ok(row!.locked_until && row!.locked_until.getTime() > Date.now() + 14 * 60_000);
    assert.ok((await auditActions(account.id)).includes('account.second_factor_locked'));

    const right = await browser.post('/konto/anmelden/code', { code: await nextAccountCode(totp) });
    assert.equal(right.statusCode, 422, 'a right code is not even checked while locked');
    assert.match(fieldError(right.body, 'code')!, /gesperrt/);
    assert.equal((await browser.post('/konto/anmelden/wiederherstellung', { recoveryCode: totp.recoveryCodes[0]! })).statusCode, 422, 'nor a recovery code');
    assert.match(fieldError((await browser.get('/konto/anmelden/code')).body, 'code')!, /gesperrt/, 'the page says so at once');

    await sql`update account_totp set locked_until = now() - interval '1 second' where account_id = ${account.id}`.execute(db());
    await browser.get('/konto/anmelden/code');
    assert.equal((await browser.post('/konto/anmelden/code', { code: await nextAccountCode(totp) })).headers.location, '/konto', 'after the lock');
  });

  it('turns TOTP off only with a current code or the password', async () => {
    const { account, totp } = await accountWithTotp();
    const browser = new TestBrowser(app.app, host);
    await enterPassword(browser, account);
    await browser.get('/konto/anmelden/code');
    await browser.post('/konto/anmelden/code', { code: await nextAccountCode(totp) });

    await browser.get('/konto/sicherheit');
    const nothing = await browser.post('/konto/sicherheit/zwei-faktor/ausschalten', { totpCode: '', totpPassword: '' });
    assert.equal(nothing.statusCode, 422);
    assert.match(fieldError(nothing.body, 'totpCode')!, /Code aus der App oder Ihr Passwort/);
    const wrongCode = await browser.post('/konto/sicherheit/zwei-faktor/ausschalten', { totpCode: await wrongTotpCode(totp.secret), totpPassword: '' });
    assert.match(fieldError(wrongCode.body, 'totpCode')!, /falsch oder abgelaufen/);
    const wrongPassword = await browser.post('/konto/sicherheit/zwei-faktor/ausschalten', { totpCode: '', totpPassword: 'nicht mein Passwort' });
    assert.match(fieldError(wrongPassword.body, 'totpPassword')!, /Passwort ist falsch/);
    assert.ok((await totpRow(account.id))?.confirmed_at, 'still on');

    const off = await browser.post('/konto/sicherheit/zwei-faktor/ausschalten', { totpCode: await nextAccountCode(totp), totpPassword: '' });
    assert.equal(off.headers.location, '/konto/sicherheit?hinweis=totpOff');
    assert.equal(await totpRow(account.id), undefined);
    const codes = await sql<{ n: number }>`select count(*)::int as n from account_recovery_codes where account_id = ${account.id}`.execute(db());
    assert.equal(codes.rows[0]!.n, 0, 'the recovery codes went with it');
    assert.equal(await enterPassword(new TestBrowser(app.app, host), account), '/konto', 'the password alone signs in again');

    // On again, and off with the password.
    await turnOnTotp(browser, account);
    await browser.get('/konto/sicherheit');
    assert.equal((await browser.post('/konto/sicherheit/zwei-faktor/ausschalten', { totpPassword: account.password })).headers.location, '/konto/sicherheit?hinweis=totpOff');
    assert.ok((await auditActions(account.id)).includes('account.second_factor_turned_off'));
  });

  it('signs in with a passkey without asking for the code', async () => {
    const account = await createAccount(db(), tenant.id);
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, account);
    await turnOnTotp(browser, account);
    const authenticator = new SoftwareAuthenticator();
    assert.equal((await addPasskey(browser, authenticator, `http://${host}`, 'Handy')).statusCode, 303);
    const other = new TestBrowser(app.app, host);
    assert.equal((await signInWithPasskey(other, authenticator, `http://${host}`)).headers.location, '/konto');
    assert.equal((await other.get('/konto')).statusCode, 200);
  });

  it("keeps one account's second factor to itself", async () => {
    const a = await accountWithTotp();
    const b = await accountWithTotp();
    // Half signed in as A, B's recovery code and B's app do nothing.
    const browser = new TestBrowser(app.app, host);
    await enterPassword(browser, a.account);
    await browser.get('/konto/anmelden/wiederherstellung');
    assert.equal((await browser.post('/konto/anmelden/wiederherstellung', { recoveryCode: b.totp.recoveryCodes[0]! })).statusCode, 422);
    await browser.get('/konto/anmelden/code');
    assert.equal((await browser.post('/konto/anmelden/code', { code: await nextAccountCode(b.totp) })).statusCode, 422);
    // Row-level security: as A, B's enrolment is invisible.
    const seen = await db().transaction().execute(async (trx) => {
      await sql`select set_config('role', 'rathaus_app', true), set_config('app.tenant_id', ${tenant.id}, true), set_config('app.account_id', ${a.account.id}, true)`.execute(trx);
      return (await sql<{ account_id: string }>`select account_id from account_totp union all select account_id from account_recovery_codes`.execute(trx)).rows;
    });
    assert.ok(seen.length > 0 && seen.every((r) => r.account_id === a.account.id));
  });
});
