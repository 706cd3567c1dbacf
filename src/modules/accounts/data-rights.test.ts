import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, readZip, signInAccount } from '../../test-support/accounts.js';
import { complainInBrowser } from '../../test-support/applications.js';
import { TestBrowser, samplePdf, fieldError } from '../../test-support/browser.js';
import type { Tenant } from '../tenants/tenant.js';

describe('data rights of an account: export and deletion', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  it('exports the account, its applications with uploads, and nothing of anyone else, as a ZIP', async () => {
    const [alice, bob] = [await createAccount(app.database.db, tenant.id), await createAccount(app.database.db, tenant.id)];
    const a = new TestBrowser(app.app, host);
    await signInAccount(a, alice);
    const submissionId = await complainInBrowser(a, 'Laterne defekt', [{ filename: '../../foto.pdf', contentType: 'application/pdf', content: samplePdf }]);
    const b = new TestBrowser(app.app, host);
    await signInAccount(b, bob);
    await complainInBrowser(b, 'Bobs Anliegen');

    assert.equal((await a.get('/konto/daten')).statusCode, 200);
    const response = await a.get('/konto/daten/export.zip');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'application/zip');
    assert.match(String(response.headers['content-disposition']), /^attachment; filename="konto-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.zip"$/);
    assert.equal(response.headers['cache-control'], 'no-store');
    const entries = await readZip(response.rawPayload);
    const data = JSON.parse(entries.get('konto.json')!.toString('utf8'));
    assert.equal(data.account.email, alice.email);
    assert.ok(data.account.sessions.length >= 1);
    assert.equal(data.applications.length, 1);
    const [application] = data.applications;
    const reference = (await sql<{ reference: string }>`select reference from submissions where id = ${submissionId}`.execute(app.database.db)).rows[0]!.reference;
    assert.equal(application.reference, reference);
    assert.equal(application.answers.anliegen.betreff, 'Laterne defekt');
    assert.equal(application.uploads.length, 1);
    assert.doesNotMatch(application.uploads[0].file, /\.\.\//, 'no path traversal from a file name');
    assert.deepEqual(entries.get(application.uploads[0].file), samplePdf);
    assert.ok(data.auditLog.some((e: { action: string }) => e.action === 'account.login'));
    assert.doesNotMatch(JSON.stringify(data), new RegExp(bob.email));
    assert.doesNotMatch(JSON.stringify(data), /Bobs Anliegen/);
  });

  it('sends a visitor without a session to sign in instead of exporting', async () => {
    const response = await new TestBrowser(app.app, host).get('/konto/daten/export.zip');
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/konto/anmelden?weiter=%2Fkonto%2Fdaten%2Fexport.zip');
  });

  it('deletes the account after confirmation and password, keeps the applications with the town, and says so', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, account);
    const submissionId = await complainInBrowser(browser, 'Bleibt bei der Stadt');
    const reference = (await sql<{ reference: string }>`select reference from submissions where id = ${submissionId}`.execute(app.database.db)).rows[0]!.reference;

    const page = await browser.get('/konto/loeschen');
    assert.match(page.body, new RegExp(reference), 'the page names what stays with the town');
    assert.match(page.body, /Aufbewahrungsfristen/);

    const unconfirmed = await browser.post('/konto/loeschen', { password: account.password });
    assert.equal(unconfirmed.statusCode, 422);
    assert.match(fieldError(unconfirmed.body, 'confirm')!, /endgültig löschen/);
    const wrong = await browser.post('/konto/loeschen', { confirm: 'yes', password: 'nicht das Passwort' });
    assert.equal(wrong.statusCode, 422);
    assert.match(fieldError(wrong.body, 'password')!, /Passwort ist falsch/);
    assert.match(wrong.body, /name="confirm" value="yes" checked/, 'the confirmation is kept');
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from accounts where id = ${account.id}`.execute(app.database.db)).rows[0]!.n, 1);

    const done = await browser.post('/konto/loeschen', { confirm: 'yes', password: account.password });
    assert.equal(done.headers.location, '/konto/geloescht');
    assert.equal((await browser.get('/konto/geloescht')).statusCode, 200);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from accounts where id = ${account.id}`.execute(app.database.db)).rows[0]!.n, 0);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from sessions where account_id = ${account.id}`.execute(app.database.db)).rows[0]!.n, 0);
    const kept = await sql<{ account_id: string | null }>`select account_id from submissions where id = ${submissionId}`.execute(app.database.db);
    assert.equal(kept.rows[0]!.account_id, null, 'the application stays, detached');
    assert.equal((await browser.get('/konto')).statusCode, 303, 'signed out');

    await app.jobs.runDue();
    const mail = (await listOutbox(app.database.db, 200)).find((m) => m.to === account.email && /gelöscht/.test(m.subject));
    assert.ok(mail, 'the address is told');
    const job = await sql<{ payload: unknown }>`select payload from jobs where kind = 'account.deleted' and tenant_id = ${tenant.id}`.execute(app.database.db);
    assert.doesNotMatch(JSON.stringify(job.rows), new RegExp(account.email), 'the job forgets the address once sent');
    // The address can register again.
    const again = new TestBrowser(app.app, host);
    await again.get('/konto/registrieren');
    assert.equal((await again.post('/konto/registrieren', { email: account.email, password: 'Ein neues Leben im Dorf' })).statusCode, 200);
  });
});
