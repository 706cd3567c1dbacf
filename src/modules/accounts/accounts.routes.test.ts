import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, mailedLink, signInAccount } from '../../test-support/accounts.js';
import { TestBrowser, fieldError } from '../../test-support/browser.js';
import type { Tenant } from '../tenants/tenant.js';
import { describeUserAgent } from './views/account-pages.js';

const goodPassword = 'Drei Linden am Rathausplatz';

describe('citizen accounts: registration, sign-in, password reset, sessions', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  const browser = () => new TestBrowser(app.app, host);
  const mailsTo = async (to: string) => (await listOutbox(app.database.db, 500)).filter((m) => m.to === to && m.tenantId === tenant.id);

  async function register(b: TestBrowser, email: string, password = goodPassword) {
    await b.get('/konto/registrieren');
    return b.post('/konto/registrieren', { email, password });
  }

  it('registers, confirms the address by a single-use link, and signs in', async () => {
    const b = browser();
    const email = 'neue.buergerin@example.org';
    const response = await register(b, email);
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Bitte bestätigen Sie Ihre E-Mail-Adresse/);

    await b.get('/konto/anmelden');
    const early = await b.post('/konto/anmelden', { email, password: goodPassword });
    assert.equal(early.statusCode, 401, 'unusable before the link is followed');
    assert.match(fieldError(early.body, 'email')!, /zuerst Ihre E-Mail-Adresse/);

    await app.jobs.runDue();
    const [mail] = await mailsTo(email);
    assert.ok(mail, 'a confirmation mail was sent');
    assert.doesNotMatch(mail.text, new RegExp(goodPassword), 'the mail never carries the password');
    const link = (await mailedLink(app.database.db, tenant.id, email, '/konto/bestaetigen'))!;
    const tokenHash = await sql<{ token_hash: string }>`select token_hash from account_tokens where purpose = 'verify_email'`.execute(app.database.db);
    assert.ok(!tokenHash.rows.some((r) => link.endsWith(r.token_hash)), 'only the hash of the token is stored');

    // Opening the link changes nothing (mail scanners open links); the button confirms.
    assert.equal((await b.get(link)).statusCode, 200);
    await b.get('/konto/anmelden');
    assert.equal((await b.post('/konto/anmelden', { email, password: goodPassword })).statusCode, 401);
    await b.get(link);
    const confirmed = await b.post(link, {});
    assert.equal(confirmed.headers.location, '/konto/anmelden?hinweis=confirmedText');
    await b.get(link);
    assert.equal((await b.post(link, {})).statusCode, 404, 'the link works once');

    await signInAccount(b, { email, password: goodPassword });
    assert.match(b.lastPage, /Angemeldet als neue\.buergerin@example\.org/);
  });

  it('refuses short, common and e-mail-like passwords with a message and keeps the address', async () => {
    const b = browser();
    const cases: Array<[string, RegExp]> = [
      ['kurz12345', /mindestens 10 Zeichen/],
      ['1234567890', /sehr verbreitet/],
      ['Passwort1234', /sehr verbreitet/],
      ['gernot.beispiel-2026', /nicht Ihre E-Mail-Adresse/],
    ];
    for (const [password, message] of cases) {
      const response = await register(b, 'gernot.beispiel@example.org', password);
      assert.equal(response.statusCode, 422, password);
      assert.match(fieldError(response.body, 'password')!, message);
      assert.match(response.body, /value="gernot\.beispiel@example\.org"/);
    }
    const malformed = await register(b, 'kein-at-zeichen', goodPassword);
    assert.equal(malformed.statusCode, 422);
    assert.match(fieldError(malformed.body, 'email')!, /Format/);
    const count = await sql<{ n: number }>`select count(*)::int as n from accounts where email like 'gernot%'`.execute(app.database.db);
    assert.equal(count.rows[0]!.n, 0);
  });

  it('answers a registration of a known address exactly like a new one, and mails the owner instead', async () => {
    const existing = await createAccount(app.database.db, tenant.id);
    const fresh = await register(browser(), 'noch.niemand@example.org');
    const known = await register(browser(), existing.email);
    assert.equal(known.statusCode, fresh.statusCode);
    assert.equal(known.body.replace(existing.email, 'X').replace(/value="[^"]+"/g, ''), fresh.body.replace('noch.niemand@example.org', 'X').replace(/value="[^"]+"/g, ''));
    await app.jobs.runDue();
    const [mail] = await mailsTo(existing.email);
    assert.match(mail!.subject, /Konto besteht bereits/);
    const hash = await sql<{ password_hash: string }>`select password_hash from accounts where id = ${existing.id}`.execute(app.database.db);
    await signInAccount(browser(), existing);
    assert.ok(hash.rows[0]!.password_hash.startsWith('$argon2id$'));
  });

  it('gives unknown address and wrong password the same answer', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const b = browser();
    await b.get('/konto/anmelden');
    const wrong = await b.post('/konto/anmelden', { email: account.email, password: 'falsches Passwort hier' });
    const unknown = await b.post('/konto/anmelden', { email: 'unbekannt@example.org', password: 'falsches Passwort hier' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.equal(fieldError(wrong.body, 'email'), fieldError(unknown.body, 'email'));
  });

  it('takes as long for an unknown address as for a wrong password (within noise)', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const time = async (email: string) => {
      const b = browser();
      await b.get('/konto/anmelden');
      const start = process.hrtime.bigint();
      await b.post('/konto/anmelden', { email, password: 'falsches Passwort hier' });
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so drift of the machine hits both alike; medians, so one hiccup does not count.
    for (let i = 0; i < 8; i++) {
      known.push(await time(account.email));
      unknown.push(await time(`niemand-${i}@example.org`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(known) / median(unknown);
    assert.ok(ratio > 0.67 && ratio < 1.5, `known ${median(known).toFixed(1)} ms vs unknown ${median(unknown).toFixed(1)} ms`);
  });

  it('backs off exponentially after five failures per address, for known and unknown addresses alike', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    for (const email of [account.email, 'gibt.es.nicht@example.org']) {
      const b = browser();
      await b.get('/konto/anmelden');
      for (let i = 0; i < 6; i++) assert.match(fieldError((await b.post('/konto/anmelden', { email, password: `falsch falsch ${i}` })).body, 'email')!, /falsch/);
      const blocked = await b.post('/konto/anmelden', { email, password: email === account.email ? account.password : 'egal egal egal' });
      assert.match(fieldError(blocked.body, 'email')!, /Zu viele fehlgeschlagene Anmeldungen/, email);
      // Another client is blocked for the address too: the back-off protects the account, not the client.
      const other = browser();
      await other.get('/konto/anmelden');
      assert.match(fieldError((await other.post('/konto/anmelden', { email, password: 'egal egal egal' })).body, 'email')!, /Zu viele/);
    }
    const row = await sql<{ failures: number; seconds: number }>`
      select failures, extract(epoch from blocked_until - last_failure_at)::int as seconds from login_throttle
      where tenant_id = ${tenant.id} and blocked_until is not null`.execute(app.database.db);
    assert.ok(row.rows.length >= 2);
    for (const r of row.rows) assert.equal(r.seconds, 2);
    // The block ends; the correct password then works and clears the count.
    await sql`update login_throttle set blocked_until = now() - interval '1 second' where tenant_id = ${tenant.id}`.execute(app.database.db);
    await signInAccount(browser(), account);
  });

  it('resets a forgotten password by a single-use link and ends every session', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const signedIn = browser();
    await signInAccount(signedIn, account);

    const b = browser();
    await b.get('/konto/passwort-vergessen');
    const sent = await b.post('/konto/passwort-vergessen', { email: account.email });
    await b.get('/konto/passwort-vergessen');
    const unknown = await b.post('/konto/passwort-vergessen', { email: 'nie.registriert@example.org' });
    assert.equal(sent.statusCode, 200);
    assert.equal(sent.body.replace(account.email, 'X'), unknown.body.replace('nie.registriert@example.org', 'X'), 'no account enumeration');
    await app.jobs.runDue();
    assert.equal((await mailsTo('nie.registriert@example.org')).length, 0);
    const link = (await mailedLink(app.database.db, tenant.id, account.email, '/konto/passwort-neu'))!;
    assert.ok(link);

    await b.get(link);
    const weak = await b.post(link, { password: 'qwertzuiop' });
    assert.equal(weak.statusCode, 422, 'a refused password leaves the link usable');
    const done = await b.post(link, { password: 'Neues Passwort am Brunnen' });
    assert.equal(done.headers.location, '/konto/anmelden?hinweis=resetDoneText');
    await b.get(link);
    assert.equal((await b.post(link, { password: 'Noch ein neues Passwort' })).statusCode, 404, 'single use');

    assert.equal((await signedIn.get('/konto')).statusCode, 303, 'the old session ended');
    await signInAccount(browser(), { email: account.email, password: 'Neues Passwort am Brunnen' });
    const old = browser();
    await old.get('/konto/anmelden');
    assert.equal((await old.post('/konto/anmelden', { email: account.email, password: account.password })).statusCode, 401);
  });

  it('refuses an expired reset link', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const b = browser();
    await b.get('/konto/passwort-vergessen');
    await b.post('/konto/passwort-vergessen', { email: account.email });
    await app.jobs.runDue();
    const link = (await mailedLink(app.database.db, tenant.id, account.email, '/konto/passwort-neu'))!;
    await sql`update account_tokens set expires_at = now() - interval '1 second' where account_id = ${account.id}`.execute(app.database.db);
    await b.get(link);
    assert.equal((await b.post(link, { password: 'Neues Passwort am Brunnen' })).statusCode, 404);
  });

  it('rotates the __Host- session cookie at sign-in and keeps the CSRF check', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const b = browser();
    await b.get('/konto/anmelden');
    const before = b.cookieHeader;
    assert.match(before, /__Host-rathaus=/);
    const refused = await b.post('/konto/anmelden', { email: account.email, password: account.password }, { csrf: 'falsch' });
    assert.equal(refused.statusCode, 403);
    await b.get('/konto/anmelden');
    const response = await b.post('/konto/anmelden', { email: account.email, password: account.password });
    const cookie = response.cookies.find((c) => c.name === '__Host-rathaus')!;
    assert.ok(cookie.secure && cookie.httpOnly && cookie.path === '/');
    assert.notEqual(b.cookieHeader, before, 'a new session id after sign-in');
  });

  it('lists active sessions, ends one, and signs out everywhere', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const [phone, laptop] = [browser(), browser()];
    await signInAccount(phone, account);
    await signInAccount(laptop, account);
    const page = await laptop.get('/konto/sicherheit');
    assert.equal(page.headers['cache-control'], 'no-store');
    const ids = [...page.body.matchAll(/\/konto\/sicherheit\/sitzungen\/([0-9a-f-]{36})\/beenden/g)].map((m) => m[1]!);
    assert.equal(ids.length, 1, 'the other session can be ended; this one is marked');
    assert.match(page.body, /Diese Anmeldung/);
    const ended = await laptop.post(`/konto/sicherheit/sitzungen/${ids[0]}/beenden`, {});
    assert.equal(ended.headers.location, '/konto/sicherheit?hinweis=sessionEnded');
    assert.equal((await phone.get('/konto')).statusCode, 303);

    await signInAccount(phone, account);
    await laptop.get('/konto/sicherheit');
    assert.equal((await laptop.post('/konto/sicherheit/ueberall-abmelden', {})).statusCode, 303);
    assert.equal((await phone.get('/konto')).statusCode, 303);
    assert.equal((await laptop.get('/konto')).statusCode, 303);
  });

  it('does not let one account end another account\'s session', async () => {
    const [alice, bob] = [await createAccount(app.database.db, tenant.id), await createAccount(app.database.db, tenant.id)];
    const [a, b] = [browser(), browser()];
    await signInAccount(a, alice);
    await signInAccount(b, bob);
    const row = await sql<{ public_id: string }>`select public_id from sessions where account_id = ${alice.id}`.execute(app.database.db);
    await b.get('/konto/sicherheit');
    assert.equal((await b.post(`/konto/sicherheit/sitzungen/${row.rows[0]!.public_id}/beenden`, {})).statusCode, 404);
    assert.equal((await a.get('/konto')).statusCode, 200);
  });

  it('ends a session after 30 idle minutes', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const b = browser();
    await signInAccount(b, account);
    await sql`update sessions set last_seen_at = now() - interval '31 minutes' where account_id = ${account.id}`.execute(app.database.db);
    const response = await b.get('/konto/sicherheit');
    assert.equal(response.headers.location, '/konto/anmelden?weiter=%2Fkonto%2Fsicherheit');
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const b = browser();
    await signInAccount(b, account);
    const row = await sql<{ hours: number }>`select round(extract(epoch from expires_at - created_at) / 3600)::int as hours from sessions where account_id = ${account.id}`.execute(app.database.db);
    assert.equal(row.rows[0]!.hours, 12);
    await sql`update sessions set expires_at = now() - interval '1 second', last_seen_at = now() where account_id = ${account.id}`.execute(app.database.db);
    assert.equal((await b.get('/konto')).statusCode, 303);
  });

  it('changes the password with the current one and ends the other sessions', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const [here, elsewhere] = [browser(), browser()];
    await signInAccount(here, account);
    await signInAccount(elsewhere, account);
    await here.get('/konto/sicherheit');
    const wrong = await here.post('/konto/sicherheit/passwort', { current: 'nicht das Passwort', password: 'Ganz neues Passwort 2026' });
    assert.equal(wrong.statusCode, 422);
    assert.match(fieldError(wrong.body, 'current')!, /bisherige Passwort ist falsch/);
    const done = await here.post('/konto/sicherheit/passwort', { current: account.password, password: 'Ganz neues Passwort 2026' });
    assert.equal(done.headers.location, '/konto/sicherheit?hinweis=passwordChanged');
    assert.equal((await here.get('/konto')).statusCode, 200);
    assert.equal((await elsewhere.get('/konto')).statusCode, 303);
  });

  it('only follows a sign-in redirect to a path of the portal', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    for (const [next, expected] of [['/konto/sicherheit', '/konto/sicherheit'], ['//evil.example', '/konto'], ['https://evil.example/', '/konto']] as const) {
      const b = browser();
      await b.get(`/konto/anmelden?weiter=${encodeURIComponent(next)}`);
      const response = await b.post(`/konto/anmelden?weiter=${encodeURIComponent(next)}`, { email: account.email, password: account.password });
      assert.equal(response.headers.location, expected);
    }
  });

  it('names sessions by browser and system', () => {
    assert.equal(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0'), 'Edge · Windows');
    assert.equal(describeUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'), 'Safari · iOS');
    assert.equal(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'), 'Firefox · Linux');
    assert.equal(describeUserAgent('curl/8.5.0'), null);
    assert.equal(describeUserAgent(null), null);
  });

  it('keeps personal data out of the logs', () => {
    const text = app.logs.join('\n');
    assert.doesNotMatch(text, /@example\.org/);
    assert.doesNotMatch(text, new RegExp(goodPassword));
  });
});
