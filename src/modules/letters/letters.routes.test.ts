import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { inTransaction } from '../../platform/db/database.js';
import { berlinDay, formatDate } from '../../platform/i18n/i18n.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { complaintAnswers, dogAnswers, makeTeamLead, submitViaApi } from '../../test-support/applications.js';
import { TestBrowser } from '../../test-support/browser.js';
import { pdfText } from '../../test-support/pdf.js';
import { signInClerk, type Clerk } from '../../test-support/staff.js';
import { findStaffMember } from '../staff/staff.repository.js';
import type { Tenant } from '../tenants/tenant.js';
import { CaseDocumentsSection, describeDocumentEvent, loadCaseDocuments } from './index.js';

const taxValues = { 'wert.steuersatz': 'Ersthund', 'wert.beginn': '01.12.2026', 'wert.jahresbetrag': '120,00', 'wert.zeitraum': '01.12.2026 – 31.12.2026', 'wert.betragErstesJahr': '10,00', 'wert.steuermarke': '0815' };
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

describe('decision letters in the case file', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let steuer: Clerk;
  let browser: TestBrowser;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    // Signs in ahead of the suite's tests: the TOTP steps of several clerks must not make a test wait.
    steuer = await app.createClerk(tenant, 'steueramt');
    browser = new TestBrowser(app.app, host);
    await signInClerk(browser, steuer);
  });
  after(() => app.close());

  const lettersOf = (caseId: string) => `/verwaltung/vorgaenge/${caseId}/bescheide`;

  /** Submits a dog registration and has the clerk take and decide it; the case is then at version 3. */
  async function decidedDogCase(decision = 'approved', answers: unknown = dogAnswers()) {
    const submitted = await submitViaApi(app, host, 'hund-anmelden', answers);
    const page = `/verwaltung/vorgaenge/${submitted.caseId}`;
    await browser.get(page);
    assert.equal((await browser.post(`${page}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    assert.equal((await browser.post(`${page}/aenderung`, { version: '2', aktion: 'status', status: 'decided', entscheidung: decision })).statusCode, 303);
    return submitted;
  }

  async function issue(caseId: string, fields: Record<string, string>) {
    await browser.get(`${lettersOf(caseId)}?vorlage=steuerbescheid`);
    return browser.post(lettersOf(caseId), { version: '3', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues, ...fields });
  }

  const documents = async (caseId: string) =>
    (await sql<{ id: string; document_number: string; content: string; sha256: string; file_sha256: string; delivery: string; supersedes_document_id: string | null }>`
      select id, document_number, content, sha256, file_sha256, delivery, supersedes_document_id from case_documents where case_id = ${caseId} order by delivered_at`.execute(app.database.db)).rows;

  it('previews a tax notice with its gaps, then issues it: numbered PDF with fingerprint, history, audit and a mail job without content', async () => {
    const { caseId, reference } = await decidedDogCase();
    const overview = await browser.get(lettersOf(caseId));
    assert.equal(overview.statusCode, 200);
    assert.match(overview.body, /Bescheid über die Festsetzung der Hundesteuer/);
    assert.doesNotMatch(overview.body, /Ablehnung Ihrer Anmeldung/, 'a rejection does not fit an approved case');
    const viewed = await sql<{ n: number }>`select count(*)::int as n from audit_log where subject = ${`case:${caseId}`} and action = 'case.letters-viewed' and actor = ${`staff:${steuer.id}`}`.execute(app.database.db);
    assert.equal(viewed.rows[0]!.n, 1, 'the page shows the case\'s data: the read is audited');

    const preview = await browser.get(`${lettersOf(caseId)}?vorlage=steuerbescheid`);
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /Der Bescheid ist noch unvollständig/);
    // The tax the case computed from the town's tariff is filled in; the tag number is the clerk's.
    assert.ok(preview.body.includes('name="wert.jahresbetrag" aria-describedby') && preview.body.includes('value="96,00\u00a0€"'));
    assert.match(preview.body, /Bitte geben Sie an: Nummer der Hundesteuermarke/);
    assert.match(preview.body, /<mark class="letter-missing">\{\{values\.steuermarke\}\}<\/mark>/);
    assert.match(preview.body, /Bella/);
    assert.match(preview.body, /Verwaltungsgericht|town\.verwaltungsgericht/);

    const incomplete = await browser.post(lettersOf(caseId), { version: '3', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues, 'wert.jahresbetrag': '' });
    assert.equal(incomplete.statusCode, 422);
    assert.match(incomplete.body, /error-summary/);
    assert.match(incomplete.body, /href="#f-wert-jahresbetrag"/);
    assert.ok(incomplete.body.includes('value="0815"'), 'what was typed stays');
    assert.equal((await documents(caseId)).length, 0);

    // The test town names no administrative court: the legal remedy notice cannot be completed.
    const noCourt = await browser.post(lettersOf(caseId), { version: '3', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues });
    assert.equal(noCourt.statusCode, 422);
    assert.match(noCourt.body, /Für den Platzhalter town\.verwaltungsgericht gibt es im Vorgang keinen Wert/);
    await setCourt(app, tenant.id, 'Verwaltungsgericht Gelsenkirchen, Bahnhofsvorplatz 3, 45879 Gelsenkirchen');

    const complete = await browser.post(lettersOf(caseId), { version: '3', vorlage: 'steuerbescheid', aktion: 'vorschau', ...taxValues });
    assert.equal(complete.statusCode, 200);
    assert.doesNotMatch(complete.body, /noch unvollständig/);
    assert.match(complete.body, /120,00/);

    const issued = await browser.post(lettersOf(caseId), { version: '3', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues });
    assert.equal(issued.statusCode, 303, issued.body.slice(0, 500));
    const [doc] = await documents(caseId);
    assert.ok(doc);
    assert.equal(issued.headers.location, `${lettersOf(caseId)}#dokument-${doc.id}`);
    assert.equal(doc.document_number, `${tenant.referencePrefix}-B-${berlinDay(new Date()).slice(0, 4)}-000001`);
    assert.equal(doc.sha256, sha256(doc.content), 'the fingerprint is the SHA-256 of the stored check text');
    assert.equal(doc.delivery, 'online');
    assert.match(doc.content, new RegExp(`^Rathaus-Prüftext 1\nAussteller: Teststadt \\w+\nDokumentnummer: ${doc.document_number}\nAktenzeichen: ${reference}\n`));
    assert.match(doc.content, /Hundesteuer im Jahr: \*\*120,00\u00a0€\*\*/);
    assert.match(doc.content, /bei dem Verwaltungsgericht Gelsenkirchen, Bahnhofsvorplatz 3, 45879 Gelsenkirchen, schriftlich/);

    const page = await browser.get(lettersOf(caseId));
    assert.ok(page.body.includes(doc.document_number) && page.body.includes(doc.sha256), 'the page lists number and fingerprint');
    assert.match(page.body, /Auf der Statusseite bereitgestellt/);

    const pdf = await browser.get(`${lettersOf(caseId)}/${doc.id}/bescheid.pdf`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.headers['cache-control'], 'no-store');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    assert.equal(sha256(pdf.rawPayload), doc.file_sha256, 'the stored PDF is the one delivered');
    const text = await pdfText(pdf.rawPayload);
    for (const expected of [doc.document_number, doc.sha256, reference, 'Bescheid über die Festsetzung der Hundesteuer', 'Erika Mustermann', 'Hauptstraße 12a', 'Rechtsbehelfsbelehrung', 'Seite 1 von']) {
      assert.ok(text.includes(expected), `the PDF's text contains "${expected}"`);
    }
    const checkText = await browser.get(`${lettersOf(caseId)}/${doc.id}/prueftext.txt`);
    assert.equal(checkText.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(sha256(checkText.rawPayload), doc.sha256, 'anyone can recompute the fingerprint from the check text');

    const history = await sql<{ kind: string; details: Record<string, string> }>`select kind, details from case_events where case_id = ${caseId} and kind = 'document'`.execute(app.database.db);
    assert.deepEqual(history.rows.map((r) => [r.details.action, r.details.number]), [['issued', doc.document_number]]);
    const audit = await sql<{ action: string; actor: string }>`select action, actor from audit_log where subject = ${`case:${caseId}`} and action like 'case.document-%' order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows, [
      { action: 'case.document-issued', actor: `staff:${steuer.id}` },
      { action: 'case.document-downloaded', actor: `staff:${steuer.id}` },
      { action: 'case.document-downloaded', actor: `staff:${steuer.id}` },
    ]);
    const version = await sql<{ version: number }>`select version from cases where id = ${caseId}`.execute(app.database.db);
    assert.equal(version.rows[0]!.version, 4, 'issuing a letter is a change of the case');

    // The route starts the job worker at once; a done job keeps no payload.
    await app.jobs.runDue();
    const jobs = await sql<{ done: boolean }>`select done_at is not null as done from jobs where tenant_id = ${tenant.id} and kind = 'mail.document-ready'`.execute(app.database.db);
    assert.deepEqual(jobs.rows, [{ done: true }]);
    const mail = (await listOutbox(app.database.db, 100)).find((m) => m.tenantId === tenant.id && m.subject.includes('Neues Dokument'));
    assert.ok(mail, 'the notice was sent');
    assert.equal(mail.to, 'erika@example.org');
    assert.match(mail.text, new RegExp(`http://${host}:\\d+/status/[A-Za-z0-9_-]{43}`));
    assert.doesNotMatch(mail.text + mail.subject, /Bella|120|Hundesteuer|Mustermann|276098106123456/, 'the mail names no content');
  });

  it('refuses a stale page, unknown or unfitting templates, tampered forms and a missing CSRF token, storing nothing', async () => {
    await setCourt(app, tenant.id, 'Verwaltungsgericht Gelsenkirchen, Bahnhofsvorplatz 3, 45879 Gelsenkirchen');
    const { caseId } = await decidedDogCase();
    const page = await browser.get(`${lettersOf(caseId)}?vorlage=steuerbescheid`);
    assert.match(page.body, /name="version" value="3"/);
    const csrf = browser.csrf;
    // Meanwhile a letter is issued from another tab.
    assert.equal((await browser.post(lettersOf(caseId), { version: '3', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues }, { csrf })).statusCode, 303);
    const stale = await browser.post(lettersOf(caseId), { version: '3', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues, 'wert.steuermarke': '4711' }, { csrf });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /inzwischen geändert/);
    assert.match(stale.body, /name="version" value="4"/, 'the page shows the case as it is now');
    assert.ok(stale.body.includes('value="4711"'), 'and keeps what was typed');
    assert.equal((await documents(caseId)).length, 1);

    const post = (fields: Record<string, string>, options: { csrf?: string | null } = { csrf }) =>
      browser.post(lettersOf(caseId), { version: '4', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues, ...fields }, options);
    assert.equal((await browser.get(`${lettersOf(caseId)}?vorlage=gibt-es-nicht`)).statusCode, 400);
    assert.equal((await post({ vorlage: 'gibt-es-nicht' })).statusCode, 400);
    assert.equal((await post({ vorlage: 'ablehnung' })).statusCode, 400, 'a rejection letter for an approved case');
    assert.equal((await post({ 'wert.rabatt': '100' })).statusCode, 400);
    assert.equal((await post({ version: 'vier' })).statusCode, 400);
    assert.equal((await post({ aktion: 'loeschen' })).statusCode, 400);
    assert.equal((await post({ ersetzt: 'kein-uuid' })).statusCode, 400);
    assert.equal((await post({ ersetzt: '00000000-0000-4000-8000-000000000000' })).statusCode, 400);
    assert.equal((await post({}, { csrf: null })).statusCode, 403);
    assert.equal((await post({}, { csrf: 'gefälscht' })).statusCode, 403);
    assert.equal((await browser.post(`${lettersOf('00000000-0000-4000-8000-000000000000')}`, { version: '1', vorlage: 'steuerbescheid', aktion: 'erstellen' }, { csrf })).statusCode, 404);
    assert.equal((await browser.get(`${lettersOf('kein-uuid')}/kein-uuid/bescheid.pdf`)).statusCode, 404);
    assert.equal((await documents(caseId)).length, 1);
  });

  it('shows other departments and other towns nothing, through the pages and in SQL', async () => {
    await setCourt(app, tenant.id, 'Verwaltungsgericht Gelsenkirchen, Bahnhofsvorplatz 3, 45879 Gelsenkirchen');
    const { caseId } = await decidedDogCase();
    assert.equal((await issue(caseId, {})).statusCode, 303);
    const [doc] = await documents(caseId);

    const outsider = await app.createClerk(tenant, 'ordnungsamt');
    const other = new TestBrowser(app.app, host);
    await signInClerk(other, outsider);
    const otherCsrf = other.csrf;
    assert.equal((await other.get(lettersOf(caseId))).statusCode, 404);
    assert.equal((await other.get(`${lettersOf(caseId)}/${doc!.id}/bescheid.pdf`)).statusCode, 404);
    assert.equal((await other.get(`${lettersOf(caseId)}/${doc!.id}/prueftext.txt`)).statusCode, 404);
    assert.equal((await other.post(lettersOf(caseId), { version: '4', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues }, { csrf: otherCsrf })).statusCode, 404);
    assert.equal((await other.post(`${lettersOf(caseId)}/${doc!.id}/postversand`, { [`versandtAm.${doc!.id}`]: formatDate(new Date(), 'de') }, { csrf: otherCsrf })).statusCode, 404);

    const town = await app.createTown();
    const foreignClerk = await app.createClerk(town.tenant, 'steueramt');
    const foreign = new TestBrowser(app.app, town.host);
    await signInClerk(foreign, foreignClerk);
    assert.equal((await foreign.get(lettersOf(caseId))).statusCode, 404);
    assert.equal((await foreign.get(`${lettersOf(caseId)}/${doc!.id}/bescheid.pdf`)).statusCode, 404);

    const departments = await sql<{ key: string; id: string; tenant_id: string }>`select key, id, tenant_id from departments where tenant_id in (${tenant.id}, ${town.tenant.id})`.execute(app.database.db);
    const dept = (tenantId: string, key: string) => departments.rows.find((d) => d.tenant_id === tenantId && d.key === key)!.id;
    const visible = (tenantId: string, departmentIds: string[]) => inTransaction(app.database.db, { tenantId, departmentIds }, async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from case_documents`.execute(trx)).rows[0]!.n);
    assert.ok((await visible(tenant.id, [dept(tenant.id, 'steueramt')])) >= 1);
    assert.equal(await visible(tenant.id, [dept(tenant.id, 'ordnungsamt')]), 0);
    assert.equal(await visible(tenant.id, []), 0);
    assert.equal(await visible(town.tenant.id, [dept(town.tenant.id, 'steueramt'), dept(tenant.id, 'steueramt')]), 0, 'another town sees nothing, whatever department ids it names');

    // Another department cannot slip a document into the case either.
    await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id, departmentIds: [dept(tenant.id, 'ordnungsamt')] }, (trx) =>
      sql`insert into case_documents (tenant_id, id, case_id, kind, template_id, title, document_number, content, sha256, file_sha256, file_size, delivery, created_by)
          values (${tenant.id}, gen_random_uuid(), ${caseId}, 'letter', 'x', 'x', 'X-1', 'x', encode(sha256('x'::bytea), 'hex'), ${doc!.file_sha256}, 1, 'online', ${outsider.id})`.execute(trx)), /row-level security/);
  });

  it('keeps a delivered letter unchangeable for the application role; a correction is a new letter naming it', async () => {
    await setCourt(app, tenant.id, 'Verwaltungsgericht Gelsenkirchen, Bahnhofsvorplatz 3, 45879 Gelsenkirchen');
    const { caseId } = await decidedDogCase();
    assert.equal((await issue(caseId, {})).statusCode, 303);
    const [first] = await documents(caseId);
    const steueramt = (await sql<{ id: string }>`select id from departments where tenant_id = ${tenant.id} and key = 'steueramt'`.execute(app.database.db)).rows[0]!.id;
    for (const statement of [
      sql`update case_documents set content = 'geändert' where id = ${first!.id}`,
      sql`update case_documents set delivered_at = now()`,
      sql`delete from case_documents where id = ${first!.id}`,
    ]) {
      await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id, departmentIds: [steueramt] }, (trx) => statement.execute(trx)), /permission denied/);
    }

    await browser.get(`${lettersOf(caseId)}?vorlage=steuerbescheid`);
    const csrf = browser.csrf;
    const correction = await browser.post(lettersOf(caseId), { version: '4', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues, 'wert.jahresbetrag': '180,00', ersetzt: first!.id });
    assert.equal(correction.statusCode, 303, correction.body.slice(0, 500));
    const [unchanged, second] = await documents(caseId);
    assert.deepEqual(unchanged, first, 'the first letter is untouched');
    assert.equal(second!.supersedes_document_id, first!.id);
    assert.match(second!.content, new RegExp(`Ersetzt: ${first!.document_number}\n`));
    assert.match(second!.content, new RegExp(`Dieser Bescheid ersetzt den Bescheid Nr\\. ${first!.document_number} vom`));
    const page = await browser.get(lettersOf(caseId));
    assert.match(page.body, new RegExp(`Ersetzt durch</dt>[\\s\\S]*?${second!.document_number}`));
    // A letter is superseded at most once.
    const again = await browser.post(lettersOf(caseId), { version: '5', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues, ersetzt: first!.id }, { csrf });
    assert.equal(again.statusCode, 400);
  });

  it('numbers letters per town without gaps between concurrent requests', async () => {
    const town = await app.createTown();
    await setCourt(app, town.tenant.id, 'Verwaltungsgericht Münster, Piusallee 38, 48147 Münster');
    const zentrale = await app.createClerk(town.tenant, 'zentrale');
    await makeTeamLead(app, town.tenant.id, zentrale.id);
    const lead = new TestBrowser(app.app, town.host);
    await signInClerk(lead, zentrale);
    const cases = await Promise.all(Array.from({ length: 6 }, (_, i) => submitViaApi(app, town.host, 'kontakt-beschwerde', complaintAnswers(`Anliegen ${i}`))));
    await lead.get('/verwaltung');
    const responses = await Promise.all(cases.map((c) => lead.post(`/verwaltung/vorgaenge/${c.caseId}/bescheide`, {
      version: '1', vorlage: 'antwort', aktion: 'erstellen', 'wert.anrede': 'Frau Greta Quandt', 'wert.antwort': 'Der Gehweg wird gereinigt.',
    })));
    assert.deepEqual(responses.map((r) => r.statusCode), cases.map(() => 303));
    const numbers = (await sql<{ document_number: string }>`select document_number from case_documents where tenant_id = ${town.tenant.id} order by document_number`.execute(app.database.db)).rows.map((r) => r.document_number);
    const year = berlinDay(new Date()).slice(0, 4);
    assert.deepEqual(numbers, [1, 2, 3, 4, 5, 6].map((n) => `${town.tenant.referencePrefix}-B-${year}-${String(n).padStart(6, '0')}`), 'each town counts from 1, every number once');
  });

  it('marks a letter for an applicant without e-mail for delivery by post and records the day it was posted', async () => {
    await setCourt(app, tenant.id, 'Verwaltungsgericht Gelsenkirchen, Bahnhofsvorplatz 3, 45879 Gelsenkirchen');
    const { caseId, reference } = await decidedDogCase();
    // An application taken at the counter has no e-mail address. Until that channel exists, the
    // test removes it, as the database owner (the application role can never change a submission).
    await sql`update submissions set answers = answers #- '{halter,email}' where reference = ${reference}`.execute(app.database.db);
    const form = await browser.get(`${lettersOf(caseId)}?vorlage=steuerbescheid`);
    assert.match(form.body, /keine E-Mail-Adresse angegeben/);
    assert.equal((await browser.post(lettersOf(caseId), { version: '3', vorlage: 'steuerbescheid', aktion: 'erstellen', ...taxValues })).statusCode, 303);
    const [doc] = await documents(caseId);
    assert.equal(doc!.delivery, 'post');
    const jobs = await sql<{ n: number }>`select count(*)::int as n from jobs where kind = 'mail.document-ready' and payload->>'reference' = ${reference}`.execute(app.database.db);
    assert.equal(jobs.rows[0]!.n, 0, 'no mail without an address');
    const page = await browser.get(lettersOf(caseId));
    assert.match(page.body, /<strong>Zustellung per Post erforderlich<\/strong>/);

    const field = `versandtAm.${doc!.id}`;
    const url = `${lettersOf(caseId)}/${doc!.id}/postversand`;
    const csrf = browser.csrf;
    const tomorrow = formatDate(new Date(Date.now() + 86_400_000), 'de');
    const future = await browser.post(url, { [field]: tomorrow }, { csrf });
    assert.equal(future.statusCode, 422);
    assert.match(future.body, /nicht in der Zukunft/);
    assert.ok(future.body.includes(`value="${tomorrow}"`));
    assert.equal((await browser.post(url, { [field]: '01.01.2020' }, { csrf })).statusCode, 422);
    assert.equal((await browser.post(url, { [field]: 'gestern' }, { csrf })).statusCode, 422);
    assert.equal((await browser.post(url, { [field]: formatDate(new Date(), 'de') }, { csrf: null })).statusCode, 403);
    assert.equal((await browser.post(url, { [field]: formatDate(new Date(), 'de') }, { csrf })).statusCode, 303);
    const posted = await browser.get(lettersOf(caseId));
    assert.match(posted.body, new RegExp(`Per Post versandt am ${formatDate(new Date(), 'de').replace(/\./g, '\\.')}`));
    assert.equal((await browser.post(url, { [field]: formatDate(new Date(), 'de') }, { csrf })).statusCode, 409, 'recorded once');
    const events = await sql<{ details: Record<string, string> }>`select details from case_events where case_id = ${caseId} and kind = 'document' order by id`.execute(app.database.db);
    assert.deepEqual(events.rows.map((r) => r.details.action), ['issued', 'posted']);
    assert.equal(events.rows[1]!.details.postedOn, berlinDay(new Date()));
    assert.equal(describeDocumentEvent('de', events.rows[1]!.details), `Bescheid ${doc!.document_number} per Post versandt am ${formatDate(new Date(), 'de')}`);
  });

  it('gives the case page its case file section: receipt, uploads and letters with number, date, fingerprint and delivery', async () => {
    await setCourt(app, tenant.id, 'Verwaltungsgericht Gelsenkirchen, Bahnhofsvorplatz 3, 45879 Gelsenkirchen');
    const { caseId, reference } = await decidedDogCase();
    await sql`update submissions set answers = answers #- '{halter,email}' where reference = ${reference}`.execute(app.database.db);
    assert.equal((await issue(caseId, {})).statusCode, 303);
    const [doc] = await documents(caseId);
    const staffMember = (await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => findStaffMember(trx, steuer.id)))!;
    const loaded = await loadCaseDocuments(app.database.db, { tenantId: tenant.id, staff: staffMember, caseId });
    assert.deepEqual(loaded.map((d) => [d.number, d.fingerprint, d.delivery, d.postedOn]), [[doc!.document_number, doc!.sha256, 'post', null]]);
    const html = renderToString(h(CaseDocumentsSection, { lang: 'de', caseId, files: [{ id: 'f1', filename: 'nachweis.pdf', size: 2048 }], documents: loaded }));
    for (const expected of ['E-Akte', `/verwaltung/vorgaenge/${caseId}/eingang.pdf`, `/verwaltung/vorgaenge/${caseId}/dateien/f1`, 'nachweis.pdf (2 KB)', doc!.document_number, doc!.sha256, 'Zustellung per Post erforderlich', `/verwaltung/vorgaenge/${caseId}/bescheide/${doc!.id}/bescheid.pdf`, `href="/verwaltung/vorgaenge/${caseId}/bescheide"`]) {
      assert.ok(html.includes(expected), `the section shows ${expected}`);
    }
    const outsider = { ...staffMember, departments: [] };
    assert.deepEqual(await loadCaseDocuments(app.database.db, { tenantId: tenant.id, staff: outsider, caseId }), []);
  });
});

/** Gives a test town an administrative court (a town profile setting; set-up as the database owner). */
async function setCourt(app: TestApp, tenantId: string, court: string): Promise<void> {
  await sql`update tenants set profile = jsonb_set(profile, '{administrativeCourt}', to_jsonb(${court}::text)) where id = ${tenantId}`.execute(app.database.db);
  await app.tenants.reload();
}
