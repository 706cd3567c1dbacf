import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { hashToken } from '../../platform/crypto/tokens.js';
import { inTransaction } from '../../platform/db/database.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { complaintAnswers, submitViaApi } from '../../test-support/applications.js';
import { TestBrowser } from '../../test-support/browser.js';
import { signInClerk, type Clerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const secretNote = 'Nachbar beschwert sich ständig, bitte vorsichtig';

describe('the applicant\'s status page', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerk: Clerk;
  let staff: TestBrowser;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    await sql`update tenants set profile = jsonb_set(profile, '{administrativeCourt}', '"Verwaltungsgericht Gelsenkirchen, Bahnhofsvorplatz 3, 45879 Gelsenkirchen"') where id = ${tenant.id}`.execute(app.database.db);
    await app.tenants.reload();
    clerk = await app.createClerk(tenant, 'zentrale');
    staff = new TestBrowser(app.app, host);
    await signInClerk(staff, clerk);
  });
  after(() => app.close());

  /** Submits a complaint and returns the status link from the confirmation mail. */
  async function submitAndReadMail(message: string, email: string) {
    const submitted = await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers(message, email));
    await app.jobs.runDue();
    const mail = (await listOutbox(app.database.db, 200)).find((m) => m.to === email && m.subject.includes(submitted.reference));
    assert.ok(mail, 'the confirmation mail was sent');
    const url = mail.text.match(/http:\/\/[^/\s]+(\/status\/[A-Za-z0-9_-]{43})/);
    assert.ok(url, `the mail gives a status link: ${mail.text}`);
    return { ...submitted, mail, path: url[1]!, token: url[1]!.slice('/status/'.length) };
  }

  const anonymous = () => new TestBrowser(app.app, host);

  it('is linked from the confirmation mail, which names no answers, and the token is stored only as its hash', async () => {
    const { path, token, reference, mail } = await submitAndReadMail('Der Gehweg vor Haus 7 ist vereist.', 'status-mail@example.org');
    assert.doesNotMatch(mail.text + mail.subject, /vereist|Greta|Quandt|Gehweg/, 'the mail names only the reference');
    assert.match(mail.text, /persönlichen Link/);
    assert.ok(mail.text.indexOf('/status/') < mail.text.indexOf('Mit freundlichen Grüßen'), 'the link comes before the closing');

    const page = await anonymous().get(path);
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.ok(page.body.includes(reference));
    assert.match(page.body, /Kontakt und Beschwerde/);
    assert.match(page.body, /<strong>Eingegangen<\/strong>/);

    const stored = await sql<{ token_hash: string }>`select token_hash from status_links where reference = ${reference}`.execute(app.database.db);
    assert.deepEqual(stored.rows, [{ token_hash: sha256(token) }]);
    const leaked = await sql<{ n: number }>`
      select (select count(*) from status_links where token_hash = ${token} or reference = ${token})
           + (select count(*) from jobs where payload::text like ${`%${token}%`})
           + (select count(*) from audit_log where details::text like ${`%${token}%`}) as n`.execute(app.database.db);
    assert.equal(Number(leaked.rows[0]!.n), 0, 'the token itself is stored nowhere');
  });

  it('shows status changes and the service\'s step, never internal notes, assignments or names of staff', async () => {
    const { path, caseId } = await submitAndReadMail('Die Bank am Spielplatz ist kaputt.', 'status-steps@example.org');
    const casePage = `/verwaltung/vorgaenge/${caseId}`;
    await staff.get(casePage);
    const csrf = staff.csrf;
    assert.equal((await staff.post(`${casePage}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' }, { csrf })).statusCode, 303);
    assert.equal((await staff.post(`${casePage}/notizen`, { notiz: secretNote }, { csrf })).statusCode, 303);
    assert.equal((await staff.post(`${casePage}/aenderung`, { version: '2', aktion: 'schritt', schritt: 'in-abstimmung' }, { csrf })).statusCode, 303);

    const page = await anonymous().get(path);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<strong>In Bearbeitung – In Abstimmung mit dem zuständigen Fachbereich<\/strong>/);
    assert.match(page.body, /In Bearbeitung<\/li>/, 'the history names the status change');
    assert.ok(!page.body.includes(secretNote), 'no internal note');
    assert.ok(!page.body.includes('Clerk zentrale'), 'no name of staff');
    assert.doesNotMatch(page.body, /Zugewiesen|zentrale/i);

    // The same holds in SQL: a transaction holding the token reads only the status entries.
    const tokenHash = sha256(path.slice('/status/'.length));
    const seen = await inTransaction(app.database.db, { tenantId: tenant.id, statusTokenHashes: [tokenHash] }, async (trx) => ({
      cases: (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(trx)).rows[0]!.n,
      kinds: (await sql<{ kind: string }>`select kind from case_events order by id`.execute(trx)).rows.map((r) => r.kind),
      submissions: (await sql<{ n: number }>`select count(*)::int as n from submissions`.execute(trx)).rows[0]!.n,
    }));
    assert.deepEqual(seen, { cases: 1, kinds: ['status'], submissions: 0 });
    const wrong = await inTransaction(app.database.db, { tenantId: tenant.id, statusTokenHashes: [sha256('falsch')] }, async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from cases`.execute(trx)).rows[0]!.n);
    assert.equal(wrong, 0);
  });

  it('offers delivered letters for download, each download audited as the applicant', async () => {
    const { path, caseId, reference } = await submitAndReadMail('Warum ist das Bürgerbüro mittwochs zu?', 'status-letter@example.org');
    const letters = `/verwaltung/vorgaenge/${caseId}/bescheide`;
    await staff.get(`/verwaltung/vorgaenge/${caseId}`);
    assert.equal((await staff.post(`/verwaltung/vorgaenge/${caseId}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    await staff.get(`${letters}?vorlage=antwort`);
    const issued = await staff.post(letters, { version: '2', vorlage: 'antwort', aktion: 'erstellen', 'wert.anrede': 'Frau Greta Quandt', 'wert.antwort': 'Mittwochs arbeiten wir Anträge ab.' });
    assert.equal(issued.statusCode, 303, issued.body.slice(0, 400));
    const doc = (await sql<{ id: string; document_number: string; sha256: string }>`select id, document_number, sha256 from case_documents where case_id = ${caseId}`.execute(app.database.db)).rows[0]!;

    const page = await anonymous().get(path);
    assert.ok(page.body.includes(doc.document_number) && page.body.includes(doc.sha256));
    const pdf = await anonymous().get(`${path}/dokumente/${doc.id}/bescheid.pdf`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['cache-control'], 'no-store');
    assert.equal(pdf.headers['referrer-policy'], 'no-referrer');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const text = await anonymous().get(`${path}/dokumente/${doc.id}/prueftext.txt`);
    assert.equal(sha256(text.rawPayload), doc.sha256);
    const audit = await sql<{ actor: string; details: Record<string, string> }>`
      select actor, details from audit_log where subject = ${`case:${caseId}`} and action = 'case.document-downloaded' order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => [r.actor, r.details.via, r.details.number]), [['applicant', 'status-link', doc.document_number], ['applicant', 'status-link', doc.document_number]]);

    // The notice about the letter brings a second, new link to the same page.
    await app.jobs.runDue();
    const notice = (await listOutbox(app.database.db, 200)).find((m) => m.to === 'status-letter@example.org' && m.subject.includes('Neues Dokument'));
    assert.ok(notice);
    assert.doesNotMatch(notice.text, /Mittwochs arbeiten|Quandt|Bürgerbüro/, 'the notice names no content');
    const second = notice.text.match(/\/status\/[A-Za-z0-9_-]{43}/)![0];
    assert.notEqual(second, path);
    assert.equal((await anonymous().get(second)).statusCode, 200);
    const links = await sql<{ n: number }>`select count(*)::int as n from status_links where reference = ${reference}`.execute(app.database.db);
    assert.equal(links.rows[0]!.n, 2);

    // A document of another case cannot be fetched through this link.
    const other = await submitAndReadMail('Anderes Anliegen', 'status-other@example.org');
    assert.equal((await anonymous().get(`${other.path}/dokumente/${doc.id}/bescheid.pdf`)).statusCode, 404);
    assert.equal((await anonymous().get(`${path}/dokumente/kein-uuid/bescheid.pdf`)).statusCode, 404);
  });

  it('answers unknown, malformed and foreign tokens with the normal 404 page, and limits requests per address', async () => {
    const { path } = await submitAndReadMail('Laterne flackert', 'status-404@example.org');
    const browser = anonymous();
    for (const bad of ['/status/' + 'A'.repeat(43), '/status/zu-kurz', '/status/' + 'A'.repeat(42) + '!']) {
      const response = await browser.get(bad);
      assert.equal(response.statusCode, 404, bad);
      assert.match(response.body, /Seite nicht gefunden/);
    }
    const town = await app.createTown();
    assert.equal((await new TestBrowser(app.app, town.host).get(path)).statusCode, 404, 'a link works only on its own town');

    const flood = anonymous();
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await flood.get('/status/' + 'B'.repeat(43))).statusCode);
    assert.equal(statuses.filter((s) => s === 404).length, 60);
    assert.equal(statuses.at(-1), 429);
  });

  it('shows the browser that submitted its status under the receipt, and nobody else', async () => {
    const browser = anonymous();
    await browser.get('/leistungen/kontakt-beschwerde/antrag');
    const first = await browser.post('/leistungen/kontakt-beschwerde/antrag', { art: 'frage', betreff: 'Öffnungszeiten', nachricht: 'Wann hat das Rathaus offen?', _action: 'continue' });
    assert.equal(first.statusCode, 303, first.body.slice(0, 400));
    const next = first.headers.location as string;
    await browser.get(next);
    const second = await browser.post(next, { name: '', email: 'receipt@example.org', antwortErwuenscht: 'yes', _action: 'continue' });
    assert.equal(second.statusCode, 303, second.body.slice(0, 400));
    await browser.get(second.headers.location as string);
    const sent = await browser.post((second.headers.location as string).replace(/pruefen$/, 'absenden'), { declaration: 'yes' });
    assert.equal(sent.statusCode, 303);
    const receipt = sent.headers.location as string;

    const status = await browser.get(`${receipt}/status`);
    assert.equal(status.statusCode, 200);
    assert.equal(status.headers['cache-control'], 'no-store');
    assert.match(status.body, /Stand Ihres Antrags/);
    assert.equal((await anonymous().get(`${receipt}/status`)).statusCode, 404, 'another browser');
    assert.equal((await browser.get('/eingang/00000000-0000-4000-8000-000000000000/status')).statusCode, 404);
  });

  it('lets the applicant withdraw an open application once, after confirming; the department sees it withdrawn', async () => {
    const { path, caseId } = await submitAndReadMail('Bitte das Laub abholen.', 'withdraw@example.org');
    const browser = anonymous();
    assert.match((await browser.get(path)).body, /Antrag zurückziehen/);
    const unconfirmed = await browser.post(`${path}/zurueckziehen`, {});
    assert.equal(unconfirmed.statusCode, 422);
    assert.match(unconfirmed.body, /Bestätigen Sie, dass Sie den Antrag zurückziehen möchten/);
    assert.equal((await browser.post(`${path}/zurueckziehen`, { bestaetigung: 'ja', grund: 'x' })).statusCode, 400);
    assert.equal((await anonymous().post(`/status/${'A'.repeat(43)}/zurueckziehen`, { bestaetigung: 'ja' })).statusCode, 404);

    const done = await browser.post(`${path}/zurueckziehen`, { bestaetigung: 'ja' });
    assert.equal(done.statusCode, 303);
    const page = await browser.get(path);
    assert.match(page.body, /<strong>Zurückgezogen<\/strong>/);
    assert.doesNotMatch(page.body, /name="bestaetigung"/, 'no second withdrawal offered');
    const again = await browser.post(`${path}/zurueckziehen`, { bestaetigung: 'ja' });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /kann nicht mehr zurückgezogen werden/);

    const db = app.database.db;
    assert.equal((await sql<{ status: string }>`select status from cases where id = ${caseId}`.execute(db)).rows[0]!.status, 'withdrawn');
    const events = (await sql<{ staff_id: string | null; details: { from: string; to: string } }>`select staff_id, details from case_events where case_id = ${caseId} and kind = 'status'`.execute(db)).rows;
    assert.deepEqual(events.map((e) => [e.staff_id, e.details.from, e.details.to]), [[null, 'received', 'withdrawn']]);
    const audit = (await sql<{ actor: string }>`select actor from audit_log where subject = ${`case:${caseId}`} and action = 'case.withdrawn'`.execute(db)).rows;
    assert.deepEqual(audit.map((a) => a.actor), ['applicant']);
    assert.match((await staff.get(`/verwaltung/vorgaenge/${caseId}`)).body, /Zurückgezogen/);
  });

  it('refuses to withdraw a decided application, and the status link moves a case nowhere else', async () => {
    const { path, token, caseId } = await submitAndReadMail('Schon entschieden.', 'decided@example.org');
    const asApplicant = { tenantId: tenant.id, statusTokenHashes: [hashToken(token)] };
    await assert.rejects(inTransaction(app.database.db, asApplicant, (trx) => sql`update cases set status = 'decided', decision = 'approved' where id = ${caseId}`.execute(trx)), /row-level security/);

    await sql`update cases set status = 'decided', decision = 'approved' where id = ${caseId}`.execute(app.database.db);
    const browser = anonymous();
    assert.doesNotMatch((await browser.get(path)).body, /name="bestaetigung"/);
    assert.equal((await browser.post(`${path}/zurueckziehen`, { bestaetigung: 'ja' })).statusCode, 409);
    const direct = await inTransaction(app.database.db, asApplicant, (trx) => sql`update cases set status = 'withdrawn' where id = ${caseId}`.execute(trx));
    assert.equal(Number(direct.numAffectedRows), 0, 'a decided case is not the applicant\'s to change');
    assert.equal((await sql<{ status: string }>`select status from cases where id = ${caseId}`.execute(app.database.db)).rows[0]!.status, 'decided');
  });
});
