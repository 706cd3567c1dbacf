import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser, fieldError } from '../../test-support/browser.js';
import { currentTimeStep, enterPassword, nextTotpCode, signInClerk, totpCode, wrongTotpCode, type Clerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';
import { resetSecondFactor } from './index.js';

const enrolPath = '/verwaltung/anmelden/einrichten';
const codePath = '/verwaltung/anmelden/code';
const recoveryPath = '/verwaltung/anmelden/wiederherstellung';

describe('staff sign-in with a second factor (TOTP)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  // Everything secret that passed through the portal, to look for in the logs at the end.
  const secrets: string[] = [];
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  async function clerk(options?: { enrolled?: boolean }): Promise<Clerk> {
    const created = await app.createClerk(tenant, 'zentrale', options);
    secrets.push(created.email, created.password, ...(created.totpSecret ? [created.totpSecret] : []), ...created.recoveryCodes);
    return created;
  }

  /** A browser past the password step of the clerk, on a second-factor page. */
  async function halfSignedIn(who: Clerk, path = codePath): Promise<TestBrowser> {
    const browser = new TestBrowser(app.app, host);
    await enterPassword(browser, who);
    await browser.get(path);
    return browser;
  }

  async function totpRow(staffId: string) {
    const result = await sql<{ secret_sealed: string; confirmed_at: Date | null; failed_attempts: number; locked_until: Date | null; last_time_step: number | null }>`
      select secret_sealed, confirmed_at, failed_attempts, locked_until, last_time_step from staff_totp where staff_id = ${staffId}`.execute(app.database.db);
    return result.rows[0];
  }

  /** A case in the Zentrale, submitted through the API as a citizen would. */
  async function submitCase(): Promise<string> {
    const response = await app.app.inject({
      method: 'POST', url: '/api/v1/services/kontakt-beschwerde/submissions', headers: { host },
      payload: { answers: { anliegen: { art: 'frage', betreff: 'Öffnungszeiten', nachricht: 'Wann hat das Bürgerbüro geöffnet?' }, kontakt: { email: 'fragende@example.org', antwortErwuenscht: false } } },
    });
    assert.equal(response.statusCode, 201, response.body);
    const row = await sql<{ id: string }>`select id from cases where submission_id = ${response.json().id}`.execute(app.database.db);
    return row.rows[0]!.id;
  }

  it('sets up the authenticator app at the first sign-in, then shows ten recovery codes once', async () => {
    const newcomer = await clerk({ enrolled: false });
    const browser = new TestBrowser(app.app, host);
    assert.equal(await enterPassword(browser, newcomer), enrolPath);

    const page = await browser.get(enrolPath);
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.body, /<div class="qr-code" role="img" aria-label="QR-Code zum Einrichten der Authenticator-App für [^"]+"><svg [^>]*viewBox/);
    const grouped = page.body.match(/data-testid="totp-secret">([A-Z2-7 ]+)</)?.[1];
    assert.match(grouped ?? '', /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/, 'the secret in eight groups of four');
    assert.ok(page.body.includes(tenant.name), 'the issuer is the town');
    assert.ok(page.body.includes(newcomer.email), 'the account label is the e-mail address');
    const secret = grouped!.replace(/ /g, '');
    secrets.push(secret);
    // A reload shows the same secret: the app may have scanned it already.
    assert.ok((await browser.get(enrolPath)).body.includes(grouped!));
    const stored = await totpRow(newcomer.id);
    assert.ok(stored && !stored.secret_sealed.includes(secret) && stored.confirmed_at === null, 'stored encrypted, not yet confirmed');

    const wrong = await browser.post(enrolPath, { code: await wrongTotpCode(secret) });
    assert.equal(wrong.statusCode, 422);
    assert.match(fieldError(wrong.body, 'code') ?? '', /Der Code ist falsch oder abgelaufen/);
    assert.ok(wrong.body.includes(grouped!), 'the same secret again after a wrong code');

    const before = browser.cookieHeader;
    const confirmed = await browser.post(enrolPath, { code: await totpCode(secret) });
    assert.equal(confirmed.statusCode, 200, confirmed.body.slice(0, 500));
    assert.equal(confirmed.headers['cache-control'], 'no-store');
    assert.notEqual(browser.cookieHeader, before, 'a new session id once the second factor is confirmed');
    const codes = [...confirmed.body.matchAll(/<li><code>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})<\/code><\/li>/g)].map((m) => m[1]!);
    assert.equal(new Set(codes).size, 10);
    secrets.push(...codes);
    assert.match(confirmed.body, /Bewahren Sie die Codes sicher auf/);
    assert.match(confirmed.body, /href="\/verwaltung"/);
    const inbox = await browser.get('/verwaltung');
    assert.equal(inbox.statusCode, 200);
    assert.ok(!inbox.body.includes(codes[0]!), 'the codes are not shown again');
    const hashes = await sql<{ code_hash: string }>`select code_hash from staff_recovery_codes where staff_id = ${newcomer.id}`.execute(app.database.db);
    assert.equal(hashes.rows.length, 10);
    assert.ok(hashes.rows.every((r) => !codes.some((c) => r.code_hash.includes(c.replace(/-/g, '')))), 'stored hashed');

    // From now on the code is asked for, and the set-up cannot be repeated with the password alone.
    const next = new TestBrowser(app.app, host);
    assert.equal(await enterPassword(next, newcomer), codePath);
    assert.equal((await next.get(enrolPath)).headers.location, codePath);
    await next.get(codePath);
    assert.equal((await next.post(enrolPath, { code: await totpCode(secret) })).headers.location, codePath);
    const recovered = await next.post(recoveryPath, { recoveryCode: codes[3]! });
    assert.equal(recovered.headers.location, '/verwaltung', 'a recovery code from the page works');
  });

  it('signs in with the current code and gives the session a new id', async () => {
    const clerkA = await clerk();
    const browser = new TestBrowser(app.app, host);
    assert.equal(await enterPassword(browser, clerkA), codePath);
    const beforeCode = browser.cookieHeader;
    const page = await browser.get(codePath);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /autocomplete="one-time-code"/);
    assert.match(page.body, /href="\/verwaltung\/anmelden\/wiederherstellung"/);
    const code = await nextTotpCode(clerkA);
    secrets.push(code);
    const response = await browser.post(codePath, { code: `${code.slice(0, 3)} ${code.slice(3)}` });
    assert.equal(response.headers.location, '/verwaltung');
    assert.notEqual(browser.cookieHeader, beforeCode);
    assert.equal((await browser.get('/verwaltung')).statusCode, 200);
    // The session id from before the second factor is worthless (session fixation).
    const old = await app.app.inject({ url: '/verwaltung', headers: { host, cookie: beforeCode } });
    assert.equal(old.statusCode, 303);
    const audit = await sql<{ details: { secondFactor: string } }>`select details from audit_log where action = 'staff.login' and subject = ${`staff:${clerkA.id}`}`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.details.secondFactor), ['totp']);
  });

  it('says next to the field when a code is missing, malformed or wrong, in German and English', async () => {
    const clerkB = await clerk();
    const browser = await halfSignedIn(clerkB);

    const empty = await browser.post(codePath, { code: '' });
    assert.equal(empty.statusCode, 422);
    assert.equal(fieldError(empty.body, 'code'), 'Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein');
    const short = await browser.post(codePath, { code: '12345' });
    assert.equal(fieldError(short.body, 'code'), 'Der Code besteht aus 6 Ziffern');
    const wrong = await browser.post(codePath, { code: await wrongTotpCode(clerkB.totpSecret) });
    assert.equal(wrong.statusCode, 422);
    assert.equal(fieldError(wrong.body, 'code'), 'Der Code ist falsch oder abgelaufen. Geben Sie den aktuellen Code aus der App ein');
    assert.match(wrong.body, /aria-invalid="true"/);
    assert.match(wrong.body, /class="kern-alert kern-alert--danger error-summary"[\s\S]*href="#f-code"/);
    assert.equal((await totpRow(clerkB.id))!.failed_attempts, 1, 'only a well-formed wrong code counts');

    await browser.get(`/sprache?lang=en&zurueck=${encodeURIComponent(codePath)}`);
    await browser.get(codePath);
    const english = await browser.post(codePath, { code: await wrongTotpCode(clerkB.totpSecret) });
    assert.equal(fieldError(english.body, 'code'), 'The code is wrong or has expired. Enter the current code from the app');
    assert.equal((await totpRow(clerkB.id))!.failed_attempts, 2);
  });

  it('locks the second factor for 15 minutes after five wrong codes, whatever comes next', async () => {
    const clerkC = await clerk();
    const browser = await halfSignedIn(clerkC);
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await browser.post(codePath, { code: await wrongTotpCode(clerkC.totpSecret) });
      assert.match(fieldError(response.body, 'code') ?? '', /falsch/, `attempt ${attempt}`);
    }
    const fifth = await browser.post(codePath, { code: await wrongTotpCode(clerkC.totpSecret) });
    assert.equal(fifth.statusCode, 422);
    assert.match(fieldError(fifth.body, 'code') ?? '', /^Nach 5 falschen Codes ist die Anmeldung für 15 Minuten gesperrt\. Versuchen Sie es ab .+ Uhr erneut$/);
    const row = await totpRow(clerkC.id);
    const minutes = (row!.locked_until!.getTime() - Date.now()) / 60_000;
    assert.ok(minutes > 14.9 && minutes <= 15, `locked for ${minutes} minutes`);

    // Meanwhile not even the right code or a recovery code gets through, and the page says why.
    const right = await browser.post(codePath, { code: await totpCode(clerkC.totpSecret) });
    assert.equal(right.statusCode, 422);
    assert.match(fieldError(right.body, 'code') ?? '', /gesperrt/);
    assert.match(fieldError((await browser.get(codePath)).body, 'code') ?? '', /gesperrt/);
    await browser.get(recoveryPath);
    const recovery = await browser.post(recoveryPath, { recoveryCode: clerkC.recoveryCodes[0]! });
    assert.match(fieldError(recovery.body, 'recoveryCode') ?? '', /gesperrt/);
    assert.equal((await browser.get('/verwaltung')).statusCode, 303);
    const locked = await sql`select 1 from audit_log where action = 'staff.second_factor_locked' and subject = ${`staff:${clerkC.id}`}`.execute(app.database.db);
    assert.equal(locked.rows.length, 1);

    // Fifteen minutes later (the lock moved into the past) the right code works again.
    await sql`update staff_totp set locked_until = now() - interval '1 second' where staff_id = ${clerkC.id}`.execute(app.database.db);
    await browser.get(codePath);
    const after = await browser.post(codePath, { code: await nextTotpCode(clerkC) });
    assert.equal(after.headers.location, '/verwaltung');
    assert.equal((await totpRow(clerkC.id))!.failed_attempts, 0);
  });

  it('refuses a code that was used already, also when two sign-ins send it at once', async () => {
    const clerkD = await clerk();
    const first = await halfSignedIn(clerkD);
    const code = await nextTotpCode(clerkD);
    assert.equal((await first.post(codePath, { code })).headers.location, '/verwaltung');

    const second = await halfSignedIn(clerkD);
    const replayed = await second.post(codePath, { code });
    assert.equal(replayed.statusCode, 422);
    assert.equal(fieldError(replayed.body, 'code'), 'Dieser Code wurde schon verwendet. Warten Sie, bis die App einen neuen Code anzeigt');

    // A fresh code, sent by two half-signed-in browsers at the same moment, lets in only one.
    const third = await halfSignedIn(clerkD);
    const fresh = await nextTotpCode(clerkD);
    const results = await Promise.all([second.post(codePath, { code: fresh }), third.post(codePath, { code: fresh })]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [303, 422]);
  });

  it('accepts each recovery code once, however it is typed', async () => {
    const clerkE = await clerk();
    const [firstCode, secondCode] = clerkE.recoveryCodes;
    const browser = new TestBrowser(app.app, host);
    await enterPassword(browser, clerkE);
    const page = await browser.get(recoveryPath);
    assert.match(page.body, /name="recoveryCode"/);
    const used = await browser.post(recoveryPath, { recoveryCode: ` ${firstCode!.toLowerCase().replace(/-/g, ' ')} ` });
    assert.equal(used.headers.location, '/verwaltung');
    assert.equal((await browser.get('/verwaltung')).statusCode, 200);

    const again = await halfSignedIn(clerkE, recoveryPath);
    const reused = await again.post(recoveryPath, { recoveryCode: firstCode! });
    assert.equal(reused.statusCode, 422);
    assert.equal(fieldError(reused.body, 'recoveryCode'), 'Der Wiederherstellungscode ist falsch oder wurde schon verwendet');
    const empty = await again.post(recoveryPath, { recoveryCode: '' });
    assert.equal(fieldError(empty.body, 'recoveryCode'), 'Geben Sie einen Wiederherstellungscode ein');
    assert.equal((await again.post(recoveryPath, { recoveryCode: secondCode! })).headers.location, '/verwaltung');
    const audit = await sql<{ details: { secondFactor: string } }>`select details from audit_log where action = 'staff.login' and subject = ${`staff:${clerkE.id}`}`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.details.secondFactor), ['recovery_code', 'recovery_code']);
  });

  it('keeps a half-signed-in session out of the inbox, the cases and the files', async () => {
    const caseId = await submitCase();
    const colleague = await clerk();
    const signedIn = new TestBrowser(app.app, host);
    await signInClerk(signedIn, colleague);
    assert.equal((await signedIn.get(`/verwaltung/vorgaenge/${caseId}`)).statusCode, 200, 'the case exists and the department sees it');

    const halfway = await clerk();
    const browser = new TestBrowser(app.app, host);
    await enterPassword(browser, halfway);
    for (const url of ['/verwaltung', '/verwaltung?seite=2', `/verwaltung/vorgaenge/${caseId}`, `/verwaltung/vorgaenge/${caseId}/eingang.pdf`, `/verwaltung/vorgaenge/${caseId}/dateien/${caseId}`]) {
      const response = await browser.get(url);
      assert.equal(response.statusCode, 303, url);
      assert.equal(response.headers.location, '/verwaltung/anmelden', url);
    }
    // Nor can it change a case, even with its own valid CSRF token.
    await browser.get(codePath);
    const note = await browser.post(`/verwaltung/vorgaenge/${caseId}/notizen`, { notiz: 'Notiz aus halber Anmeldung' });
    assert.equal(note.headers.location, '/verwaltung/anmelden');
    const events = await sql`select 1 from case_events where case_id = ${caseId}`.execute(app.database.db);
    assert.equal(events.rows.length, 0);
    // The sign-in page sends it on to the second factor rather than showing the inbox.
    assert.equal((await browser.get('/verwaltung/anmelden')).headers.location, codePath);
    // No session, or a signed-in one, has no business on the second-factor pages.
    const stranger = new TestBrowser(app.app, host);
    for (const url of [enrolPath, codePath, recoveryPath]) assert.equal((await stranger.get(url)).headers.location, '/verwaltung/anmelden', url);
    assert.equal((await signedIn.get(codePath)).headers.location, '/verwaltung/anmelden');
    // A forged form is refused before any code is checked.
    const forged = await browser.post(codePath, { code: await totpCode(halfway.totpSecret) }, { csrf: 'forged' });
    assert.equal(forged.statusCode, 403);
    // Cancelling ends the half session.
    await browser.get(codePath);
    assert.equal((await browser.post('/verwaltung/abmelden', {})).headers.location, '/verwaltung/anmelden');
    assert.equal((await browser.get(codePath)).headers.location, '/verwaltung/anmelden');
  });

  it('reset-2fa removes the app and the recovery codes and ends the sessions; the clerk enrols again', async () => {
    const clerkF = await clerk();
    const signedIn = new TestBrowser(app.app, host);
    await signInClerk(signedIn, clerkF);
    const halfway = new TestBrowser(app.app, host);
    await enterPassword(halfway, clerkF);

    // As `npm run cli -- staff reset-2fa` runs it: as the schema owner with the town set.
    const reset = (email: string) => app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      return resetSecondFactor(trx, tenant.id, email);
    });
    assert.equal(await reset(clerkF.email.toUpperCase()), true);
    assert.equal(await reset('nobody@example.org'), false);

    assert.equal((await signedIn.get('/verwaltung')).statusCode, 303, 'the signed-in session ended');
    assert.equal((await halfway.get(codePath)).headers.location, '/verwaltung/anmelden', 'the half session ended');
    assert.equal(await totpRow(clerkF.id), undefined);
    const codes = await sql`select 1 from staff_recovery_codes where staff_id = ${clerkF.id}`.execute(app.database.db);
    assert.equal(codes.rows.length, 0);

    const again = new TestBrowser(app.app, host);
    assert.equal(await enterPassword(again, clerkF), enrolPath);
    const page = await again.get(enrolPath);
    assert.ok(!page.body.includes(clerkF.totpSecret.slice(0, 4) + ' ' + clerkF.totpSecret.slice(4, 8)), 'a new secret');
    assert.equal((await again.post(recoveryPath, { recoveryCode: clerkF.recoveryCodes[0]! })).headers.location, enrolPath, 'old recovery codes are gone');
    assert.equal((await again.post(codePath, { code: await totpCode(clerkF.totpSecret, currentTimeStep()) })).headers.location, enrolPath, 'the old app no longer counts');
  });

  it('writes no e-mail addresses, passwords, secrets or codes to the log', async () => {
    const clerkG = await clerk();
    const browser = new TestBrowser(app.app, host);
    await enterPassword(browser, clerkG);
    // A request rejected by the framework is logged; its body must not be.
    const code = await nextTotpCode(clerkG);
    secrets.push(code);
    const broken = await app.app.inject({ method: 'POST', url: codePath, headers: { host, cookie: browser.cookieHeader, 'content-type': 'application/json' }, payload: `{"code": "${code}", "email": "${clerkG.email}"` });
    assert.equal(broken.statusCode, 400);
    assert.ok(app.logs.length > 0, 'the test sees the log');
    assert.ok(secrets.length > 30);
    // A six-digit code is looked for as a number of its own, not inside a timestamp.
    const pattern = (s: string) => new RegExp(/^\d+$/.test(s) ? `(?<!\\d)${s}(?!\\d)` : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const leaks = secrets.filter((s) => app.logs.some((line) => pattern(s).test(line)));
    assert.deepEqual(leaks, []);
  });
});
