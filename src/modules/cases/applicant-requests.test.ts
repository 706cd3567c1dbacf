import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { hashToken } from '../../platform/crypto/tokens.js';
import { inTransaction } from '../../platform/db/database.js';
import { berlinDay, formatIsoDate } from '../../platform/i18n/i18n.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { complaintAnswers, submitViaApi } from '../../test-support/applications.js';
import { fakeExecutable, samplePdf, TestBrowser } from '../../test-support/browser.js';
import { pdfText } from '../../test-support/pdf.js';
import { signInClerk, type Clerk } from '../../test-support/staff.js';
import { listDepartments } from '../tenants/tenants.repository.js';
import type { Tenant } from '../tenants/tenant.js';
import { addDays, isOverdue, parseRequestForm } from './applicant-requests.js';

const today = () => berlinDay(new Date());
const germanDay = (offset: number) => formatIsoDate(addDays(today(), offset));
const secretQuestion = 'Ist der Schaden vor oder nach dem Sturm am Dienstag entstanden?';

describe('asking the applicant: rules of the form', () => {
  it('takes a question, a deadline after today and up to eight documents, one per line', () => {
    const day = '2026-11-22';
    const ok = parseRequestForm({ rueckfrage: ' Wann? \r\n', frist: '06.12.2026', unterlagen: 'Foto\r\n\r\n  Lageplan  \n' }, 'de', day);
    assert.deepEqual(ok, { ok: true, question: 'Wann?', dueOn: '2026-12-06', documents: ['Foto', 'Lageplan'] });
    const errorsOf = (body: Record<string, string>) => {
      const parsed = parseRequestForm(body, 'de', day);
      assert.equal(parsed.ok, false);
      return parsed.ok ? {} : parsed.errors;
    };
    assert.match(errorsOf({ rueckfrage: '  ', frist: '06.12.2026' }).rueckfrage!, /Bitte schreiben Sie Ihre Frage/);
    assert.match(errorsOf({ rueckfrage: 'x'.repeat(5001), frist: '06.12.2026' }).rueckfrage!, /höchstens 5000/);
    assert.match(errorsOf({ rueckfrage: 'Wann?', frist: '22.11.2026' }).frist!, /in der Zukunft/, 'today is no deadline');
    assert.match(errorsOf({ rueckfrage: 'Wann?', frist: '01.01.2020' }).frist!, /in der Zukunft/);
    assert.match(errorsOf({ rueckfrage: 'Wann?', frist: '31.02.2027' }).frist!, /Datum wie 31.12.2026/);
    assert.match(errorsOf({ rueckfrage: 'Wann?', frist: '' }).frist!, /Bitte geben Sie eine Frist an/);
    assert.match(errorsOf({ rueckfrage: 'Wann?', frist: '01.01.2028' }).frist!, /höchstens ein Jahr/);
    assert.match(errorsOf({ rueckfrage: 'Wann?', frist: '06.12.2026', unterlagen: Array.from({ length: 9 }, (_, i) => `U${i}`).join('\n') }).unterlagen!, /höchstens 8/);
    assert.match(errorsOf({ rueckfrage: 'Wann?', frist: '06.12.2026', unterlagen: 'y'.repeat(201) }).unterlagen!, /200 Zeichen/);
    assert.equal(parseRequestForm({ rueckfrage: 'Wann?', frist: '23.11.2026' }, 'en', day).ok, true, 'tomorrow is fine');
  });

  it('calls a request overdue only once its last day is over, and only while it is open', () => {
    assert.equal(isOverdue({ state: 'open', dueOn: '2026-11-21' }, '2026-11-22'), true);
    assert.equal(isOverdue({ state: 'open', dueOn: '2026-11-22' }, '2026-11-22'), false);
    assert.equal(isOverdue({ state: 'answered', dueOn: '2026-11-01' }, '2026-11-22'), false);
  });
});

describe('asking the applicant (Nachforderung) and the answer through the status link', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerk: Clerk;
  let outsider: Clerk;
  let staff: TestBrowser;
  let otto: TestBrowser;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    clerk = await app.createClerk(tenant, 'zentrale');
    outsider = await app.createClerk(tenant, 'ordnungsamt');
    staff = new TestBrowser(app.app, host);
    await signInClerk(staff, clerk);
    otto = new TestBrowser(app.app, host);
    await signInClerk(otto, outsider);
  });
  after(() => app.close());

  const anonymous = () => new TestBrowser(app.app, host);
  const casePage = (caseId: string) => `/verwaltung/vorgaenge/${caseId}`;

  /** A complaint the clerk has started (version 2, in progress). */
  async function startedCase(email: string) {
    const submitted = await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers('Der Zaun am Spielplatz ist umgefallen.', email));
    await staff.get(casePage(submitted.caseId));
    assert.equal((await staff.post(`${casePage(submitted.caseId)}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    return submitted;
  }

  /** Asks on a started case; returns the request's id. */
  async function ask(caseId: string, fields: Record<string, string> = {}) {
    await staff.get(casePage(caseId));
    const response = await staff.post(`${casePage(caseId)}/nachforderungen`, { version: '2', rueckfrage: secretQuestion, frist: germanDay(14), unterlagen: 'Foto des Zauns\nLageplan', ...fields });
    assert.equal(response.statusCode, 303, response.body.slice(0, 500));
    assert.equal(response.headers.location, `${casePage(caseId)}#nachforderungen`);
    return (await sql<{ id: string }>`select id from applicant_requests where case_id = ${caseId} and state = 'open'`.execute(app.database.db)).rows[0]!.id;
  }

  /** Runs the mail jobs and returns the status link from the question mail to this address. */
  async function questionMail(email: string) {
    await app.jobs.runDue();
    const mail = (await listOutbox(app.database.db, 300)).find((m) => m.to === email && m.subject.startsWith('Frage zu Ihrem Antrag'));
    assert.ok(mail, 'the question mail was sent');
    const path = mail.text.match(/\/status\/[A-Za-z0-9_-]{43}/)?.[0];
    assert.ok(path, mail.text);
    return { mail, path };
  }

  const caseRow = async (caseId: string) =>
    (await sql<{ status: string; version: number }>`select status, version from cases where id = ${caseId}`.execute(app.database.db)).rows[0]!;
  const requestRow = async (id: string) =>
    (await sql<{ state: string; reply: string | null; answered_via: string | null; files: number }>`
      select state, reply, answered_via, (select count(*)::int from files f where f.request_id = r.id) as files from applicant_requests r where id = ${id}`.execute(app.database.db)).rows[0]!;

  it('asks, mails only that a question waits, takes the answer with a PDF, and returns the case to the inbox flagged', async () => {
    const { caseId, reference } = await startedCase('frage@example.org');
    const form = await staff.get(casePage(caseId));
    assert.match(form.body, /Nachforderung stellen/);
    assert.ok(form.body.includes(`value="${germanDay(14)}"`), 'the deadline proposes 14 days');
    const requestId = await ask(caseId);

    assert.deepEqual(await caseRow(caseId), { status: 'waiting_for_applicant', version: 3 });
    const events = await sql<{ kind: string; details: Record<string, unknown> }>`select kind, details from case_events where case_id = ${caseId} order by id`.execute(app.database.db);
    assert.deepEqual(events.rows.map((e) => e.kind), ['status', 'assigned', 'status', 'request']);
    const audit = await sql<{ action: string; details: Record<string, string> }>`select action, details from audit_log where subject = ${`case:${caseId}`} and action like 'case.request%'`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((a) => a.action), ['case.request-sent']);
    assert.doesNotMatch(JSON.stringify(audit.rows), /Sturm/, 'the question stays out of the audit log');

    const asked = await staff.get(casePage(caseId));
    assert.match(asked.body, /Antwort ausstehend/);
    assert.match(asked.body, /Nachforderung gestellt \(Frist/);
    assert.doesNotMatch(asked.body, /Nachforderung senden/, 'one open request at a time');

    const { mail, path } = await questionMail('frage@example.org');
    assert.ok(mail.subject.includes(reference));
    assert.doesNotMatch(mail.text, /Sturm|Zaun|Lageplan|Foto/, 'the mail names no content');
    assert.ok(mail.text.includes(germanDay(14)), 'the mail gives the deadline');

    const applicant = anonymous();
    const page = await applicant.get(path);
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.body, /Wir haben eine Frage an Sie/);
    assert.ok(page.body.includes(secretQuestion));
    assert.match(page.body, /Bitte antworten Sie bis zum/);
    assert.match(page.body, /Foto des Zauns/);
    assert.match(page.body, /enctype="multipart\/form-data"/);
    assert.match(page.body, /name="unterlage0"/);
    assert.match(page.body, /name="unterlage1"/);
    assert.match(page.body, /name="weitere"/);
    assert.doesNotMatch(page.body, /name="_csrf"/, 'the link is its own secret');

    const answered = await applicant.postMultipart(`${path}/fragen/${requestId}`, { antwort: 'Vor dem Sturm, schon seit Montag.' }, { unterlage0: [{ filename: 'zaun.pdf', contentType: 'application/pdf', content: samplePdf }] }, { csrf: null });
    assert.equal(answered.statusCode, 303, answered.body.slice(0, 500));
    assert.equal(answered.headers.location, `${path}#fragen`);
    const after = await applicant.get(path);
    assert.match(after.body, /Ihre Antwort vom .* liegt uns vor/);
    assert.doesNotMatch(after.body, /name="antwort"/);
    assert.match(after.body, /Wartet auf Antragsteller/);
    assert.match(after.body, /<strong>In Bearbeitung<\/strong>/, 'the case is back in progress');

    assert.deepEqual(await caseRow(caseId), { status: 'in_progress', version: 4 });
    assert.deepEqual(await requestRow(requestId), { state: 'answered', reply: 'Vor dem Sturm, schon seit Montag.', answered_via: 'status-link', files: 1 });
    const answerAudit = await sql<{ actor: string; details: Record<string, unknown> }>`select actor, details from audit_log where subject = ${`case:${caseId}`} and action = 'case.request-answered'`.execute(app.database.db);
    assert.deepEqual(answerAudit.rows.map((a) => [a.actor, a.details.via, a.details.files]), [['applicant', 'status-link', 1]]);

    const inbox = await staff.get('/verwaltung?ansicht=meine');
    const row = inbox.body.slice(inbox.body.indexOf(reference), inbox.body.indexOf(reference) + 800);
    assert.match(row, /In Bearbeitung<strong class="reply-flag"> – Antwort eingegangen<\/strong>/);
    const clerkView = await staff.get(casePage(caseId));
    assert.match(clerkView.body, /Beantwortet am .* über den persönlichen Link/);
    assert.match(clerkView.body, /Vor dem Sturm, schon seit Montag\./);
    assert.match(clerkView.body, /Antwort der antragstellenden Person eingegangen \(1 Dateien\)/);
    const fileId = clerkView.body.match(new RegExp(`/verwaltung/vorgaenge/${caseId}/dateien/([0-9a-f-]{36})">zaun\\.pdf`))?.[1];
    assert.ok(fileId, 'the file is linked from the request and the case file');
    assert.match(clerkView.body, /zaun\.pdf \(1 KB\)<\/a> – Foto des Zauns/);
    const download = await staff.get(`${casePage(caseId)}/dateien/${fileId}`);
    assert.equal(download.statusCode, 200);
    assert.deepEqual(download.rawPayload, samplePdf);
    assert.doesNotMatch(await pdfText((await staff.get(`${casePage(caseId)}/eingang.pdf`)).rawPayload), /zaun\.pdf/, 'the receipt shows only what was submitted');

    // Answering twice is refused and changes nothing.
    const again = await applicant.postMultipart(`${path}/fragen/${requestId}`, { antwort: 'Noch etwas.' }, {}, { csrf: null });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /Diese Frage haben Sie bereits am .* beantwortet/);
    assert.deepEqual(await caseRow(caseId), { status: 'in_progress', version: 4 });

    // The flag goes once the clerk acts on the case.
    assert.equal((await staff.post(`${casePage(caseId)}/aenderung`, { version: '4', aktion: 'status', status: 'decided', entscheidung: 'approved' })).statusCode, 303);
    assert.doesNotMatch((await staff.get('/verwaltung?ansicht=team')).body, /Antwort eingegangen/);
  });

  it('refuses an empty question, a past or malformed deadline and a stale form, keeping what was typed and storing nothing', async () => {
    const { caseId } = await startedCase('leer@example.org');
    await staff.get(casePage(caseId));
    const empty = await staff.post(`${casePage(caseId)}/nachforderungen`, { version: '2', rueckfrage: '   ', frist: '17.03.2031', unterlagen: 'Foto' });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Bitte schreiben Sie Ihre Frage/);
    assert.match(empty.body, /error-summary/);
    assert.ok(empty.body.includes('value="17.03.2031"') && empty.body.includes('>Foto</textarea>'), 'the typed values stay');
    const past = await staff.post(`${casePage(caseId)}/nachforderungen`, { version: '2', rueckfrage: secretQuestion, frist: germanDay(-1) });
    assert.equal(past.statusCode, 422);
    assert.match(past.body, /Die Frist muss in der Zukunft liegen/);
    assert.ok(past.body.includes(secretQuestion));
    const malformed = await staff.post(`${casePage(caseId)}/nachforderungen`, { version: '2', rueckfrage: secretQuestion, frist: 'morgen' });
    assert.equal(malformed.statusCode, 422);
    assert.match(malformed.body, /Datum wie 31.12.2026/);
    const stale = await staff.post(`${casePage(caseId)}/nachforderungen`, { version: '1', rueckfrage: secretQuestion, frist: germanDay(7) });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /inzwischen geändert/);
    assert.equal((await staff.post(`${casePage(caseId)}/nachforderungen`, { version: '2', rueckfrage: secretQuestion, frist: germanDay(7) }, { csrf: 'forged' })).statusCode, 403);
    assert.deepEqual(await caseRow(caseId), { status: 'in_progress', version: 2 });
    const stored = await sql<{ n: number }>`select count(*)::int as n from applicant_requests where case_id = ${caseId}`.execute(app.database.db);
    assert.equal(stored.rows[0]!.n, 0);

    // A case that is not in progress cannot be asked about.
    const fresh = await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers('Neu.', 'neu@example.org'));
    await staff.get(casePage(fresh.caseId));
    const early = await staff.post(`${casePage(fresh.caseId)}/nachforderungen`, { version: '1', rueckfrage: secretQuestion, frist: germanDay(7) });
    assert.equal(early.statusCode, 422);
    assert.match(early.body, /nicht möglich/);
  });

  it('refuses empty answers, fake and oversized files without storing anything, and unknown or foreign links', async () => {
    const { caseId } = await startedCase('datei@example.org');
    const requestId = await ask(caseId);
    const { path } = await questionMail('datei@example.org');
    const applicant = anonymous();
    await applicant.get(path);

    const empty = await applicant.postMultipart(`${path}/fragen/${requestId}`, { antwort: '  ' }, {}, { csrf: null });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Bitte schreiben Sie eine Antwort oder laden Sie mindestens eine Unterlage hoch/);
    assert.match(empty.body, /<title>Nicht gesendet:/);

    const fake = await applicant.postMultipart(`${path}/fragen/${requestId}`, { antwort: 'Anbei das Foto.' }, { unterlage0: [{ filename: 'foto.pdf', contentType: 'application/pdf', content: fakeExecutable }] }, { csrf: null });
    assert.equal(fake.statusCode, 422);
    assert.match(fake.body, /„foto\.pdf“ hat kein erlaubtes Format/);
    assert.ok(fake.body.includes('>Anbei das Foto.</textarea>'), 'the answer text stays');
    assert.match(fake.body, /Bitte wählen Sie Ihre Dateien erneut aus/);

    const huge = Buffer.concat([samplePdf, Buffer.alloc(10 * 1024 * 1024 + 1)]);
    const oversized = await applicant.postMultipart(`${path}/fragen/${requestId}`, { antwort: 'Groß.' }, { weitere: [{ filename: 'plan.pdf', contentType: 'application/pdf', content: huge }] }, { csrf: null });
    assert.equal(oversized.statusCode, 422);
    assert.match(oversized.body, /„plan\.pdf“ ist zu groß/);

    const tooLong = await applicant.postMultipart(`${path}/fragen/${requestId}`, { antwort: 'x'.repeat(5001) }, {}, { csrf: null });
    assert.equal(tooLong.statusCode, 422);
    assert.match(tooLong.body, /höchstens 5000 Zeichen/);

    assert.equal((await applicant.postMultipart(`${path}/fragen/${requestId}`, { antwort: 'Hallo' }, { fremd: [{ filename: 'a.pdf', contentType: 'application/pdf', content: samplePdf }] }, { csrf: null })).statusCode, 400);
    assert.equal((await applicant.postMultipart(`${path}/fragen/${requestId}`, { antwort: 'Hallo', status: 'decided' }, {}, { csrf: null })).statusCode, 400);
    assert.equal((await applicant.post(`${path}/fragen/${requestId}`, { antwort: 'Hallo' }, { csrf: null })).statusCode, 400, 'the form is multipart');
    assert.deepEqual(await requestRow(requestId), { state: 'open', reply: null, answered_via: null, files: 0 });
    assert.deepEqual(await caseRow(caseId), { status: 'waiting_for_applicant', version: 3 });

    // Wrong tokens, and a question of another application through this link.
    assert.equal((await applicant.postMultipart(`/status/${'A'.repeat(43)}/fragen/${requestId}`, { antwort: 'Hallo' }, {}, { csrf: null })).statusCode, 404);
    assert.equal((await applicant.postMultipart(`${path}/fragen/kein-uuid`, { antwort: 'Hallo' }, {}, { csrf: null })).statusCode, 404);
    const other = await startedCase('andere@example.org');
    const otherRequest = await ask(other.caseId);
    assert.equal((await applicant.postMultipart(`${path}/fragen/${otherRequest}`, { antwort: 'Hallo' }, {}, { csrf: null })).statusCode, 404);
    assert.equal((await requestRow(otherRequest)).state, 'open');
    const otherTown = await app.createTown();
    assert.equal((await new TestBrowser(app.app, otherTown.host).postMultipart(`${path}/fragen/${requestId}`, { antwort: 'Hallo' }, {}, { csrf: null })).statusCode, 404, 'a link works only on its own town');
  });

  it('shows a passed deadline as overdue and still takes the answer; a withdrawn question cannot be answered', async () => {
    const late = await startedCase('spaet@example.org');
    const lateRequest = await ask(late.caseId);
    await sql`update applicant_requests set due_on = current_date - 3 where id = ${lateRequest}`.execute(app.database.db);
    assert.match((await staff.get(casePage(late.caseId))).body, /Frist abgelaufen – eine spätere Antwort wird trotzdem angenommen/);
    const { path } = await questionMail('spaet@example.org');
    const applicant = anonymous();
    assert.match((await applicant.get(path)).body, /Die Frist ist am .* abgelaufen\. Sie können trotzdem noch antworten\./);
    assert.equal((await applicant.postMultipart(`${path}/fragen/${lateRequest}`, {}, { weitere: [{ filename: 'nachtrag.pdf', contentType: 'application/pdf', content: samplePdf }] }, { csrf: null })).statusCode, 303, 'files alone answer too');
    assert.deepEqual(await requestRow(lateRequest), { state: 'answered', reply: '', answered_via: 'status-link', files: 1 });
    assert.doesNotMatch((await staff.get(casePage(late.caseId))).body, /Frist abgelaufen/, 'an answered request is not overdue');

    const withdrawn = await startedCase('zurueck@example.org');
    const withdrawnRequest = await ask(withdrawn.caseId);
    const second = await questionMail('zurueck@example.org');
    await staff.get(casePage(withdrawn.caseId));
    assert.equal((await staff.post(`${casePage(withdrawn.caseId)}/nachforderungen/${withdrawnRequest}/zurueckziehen`, { version: '2' })).statusCode, 409, 'a stale page');
    assert.equal((await staff.post(`${casePage(withdrawn.caseId)}/nachforderungen/${withdrawnRequest}/zurueckziehen`, { version: '3' })).statusCode, 303);
    assert.deepEqual(await caseRow(withdrawn.caseId), { status: 'in_progress', version: 4 });
    assert.equal((await requestRow(withdrawnRequest)).state, 'withdrawn');
    assert.match((await staff.get(casePage(withdrawn.caseId))).body, /Nachforderung zurückgezogen/);
    assert.equal((await staff.post(`${casePage(withdrawn.caseId)}/nachforderungen/${withdrawnRequest}/zurueckziehen`, { version: '4' })).statusCode, 422, 'withdrawn once');

    const answer = await anonymous().postMultipart(`${second.path}/fragen/${withdrawnRequest}`, { antwort: 'Hier die Antwort.' }, {}, { csrf: null });
    assert.equal(answer.statusCode, 409);
    assert.match(answer.body, /Diese Frage hat die Verwaltung zurückgezogen/);
    assert.equal((await requestRow(withdrawnRequest)).reply, null);
    assert.match((await anonymous().get(second.path)).body, /Fragen der Verwaltung/);

    // Resumed by hand and decided while the question was open: the answer comes too late.
    const decided = await startedCase('entschieden@example.org');
    const decidedRequest = await ask(decided.caseId);
    const third = await questionMail('entschieden@example.org');
    await staff.get(casePage(decided.caseId));
    assert.equal((await staff.post(`${casePage(decided.caseId)}/aenderung`, { version: '3', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    assert.equal((await requestRow(decidedRequest)).state, 'open', 'resuming by hand leaves the question open');
    assert.equal((await staff.post(`${casePage(decided.caseId)}/aenderung`, { version: '4', aktion: 'status', status: 'decided', entscheidung: 'rejected' })).statusCode, 303);
    const tooLate = await anonymous().postMultipart(`${third.path}/fragen/${decidedRequest}`, { antwort: 'Jetzt aber.' }, {}, { csrf: null });
    assert.equal(tooLate.statusCode, 409);
    assert.match(tooLate.body, /Ihr Antrag ist bereits abgeschlossen/);
    assert.deepEqual(await caseRow(decided.caseId), { status: 'decided', version: 5 });
    assert.equal((await requestRow(decidedRequest)).state, 'open');
  });

  it('keeps requests from clerks of other departments and towns, through the routes and in the database', async () => {
    const { caseId } = await startedCase('fremd@example.org');
    await otto.get('/verwaltung');
    const csrf = otto.csrf;
    assert.equal((await otto.post(`${casePage(caseId)}/nachforderungen`, { version: '2', rueckfrage: 'Fremd?', frist: germanDay(7) }, { csrf })).statusCode, 404);
    const requestId = await ask(caseId);
    assert.equal((await otto.post(`${casePage(caseId)}/nachforderungen/${requestId}/zurueckziehen`, { version: '3' }, { csrf })).statusCode, 404);
    assert.equal((await requestRow(requestId)).state, 'open');

    const departments = await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => listDepartments(trx));
    const zentrale = departments.find((d) => d.key === 'zentrale')!.id;
    const ordnungsamt = departments.find((d) => d.key === 'ordnungsamt')!.id;
    const asDepartment = (departmentIds: string[], tenantId = tenant.id) => <T>(fn: Parameters<typeof inTransaction<T>>[2]) => inTransaction(app.database.db, { tenantId, departmentIds }, fn);
    const count = (trx: Parameters<Parameters<typeof inTransaction>[2]>[0]) => sql<{ n: number }>`select count(*)::int as n from applicant_requests where id = ${requestId}`.execute(trx).then((r) => r.rows[0]!.n);
    assert.equal(await asDepartment([zentrale])(count), 1);
    assert.equal(await asDepartment([ordnungsamt])(count), 0);
    const otherTown = await app.createTown();
    assert.equal(await asDepartment([zentrale, ordnungsamt], otherTown.tenant.id)(count), 0);
    const withdrawnByOutsider = await asDepartment([ordnungsamt])((trx) => sql`update applicant_requests set state = 'withdrawn', withdrawn_by = ${outsider.id}, withdrawn_at = now() where id = ${requestId}`.execute(trx));
    assert.equal(Number(withdrawnByOutsider.numAffectedRows), 0);

    // Staff cannot answer in the applicant's name, and the applicant cannot withdraw or decide.
    await assert.rejects(asDepartment([zentrale])((trx) => sql`update applicant_requests set state = 'answered', reply = 'Erfunden', answered_at = now(), answered_via = 'status-link', answered_case_version = 9 where id = ${requestId}`.execute(trx)), /row-level security/);
    const { path } = await questionMail('fremd@example.org');
    const asApplicant = { tenantId: tenant.id, statusTokenHashes: [hashToken(path.slice('/status/'.length))] };
    assert.equal(await inTransaction(app.database.db, asApplicant, count), 1);
    await assert.rejects(inTransaction(app.database.db, asApplicant, (trx) => sql`update applicant_requests set state = 'withdrawn', withdrawn_by = ${clerk.id}, withdrawn_at = now() where id = ${requestId}`.execute(trx)), /row-level security/);
    await assert.rejects(inTransaction(app.database.db, asApplicant, (trx) => sql`update cases set status = 'decided', decision = 'approved' where id = ${caseId}`.execute(trx)), /row-level security/);
    const foreignToken = { tenantId: tenant.id, statusTokenHashes: [hashToken('B'.repeat(43))] };
    assert.equal(await inTransaction(app.database.db, foreignToken, count), 0);
    assert.equal((await requestRow(requestId)).state, 'open');
  });

  it('lets the browser that submitted answer under its receipt, with its CSRF token', async () => {
    const browser = anonymous();
    await browser.get('/leistungen/kontakt-beschwerde/antrag');
    const first = await browser.post('/leistungen/kontakt-beschwerde/antrag', { art: 'frage', betreff: 'Parken', nachricht: 'Darf ich vor dem Rathaus parken?', _action: 'continue' });
    assert.equal(first.statusCode, 303, first.body.slice(0, 400));
    const next = first.headers.location as string;
    await browser.get(next);
    const second = await browser.post(next, { name: '', email: 'beleg@example.org', antwortErwuenscht: 'yes', _action: 'continue' });
    assert.equal(second.statusCode, 303, second.body.slice(0, 400));
    await browser.get(second.headers.location as string);
    const sent = await browser.post((second.headers.location as string).replace(/pruefen$/, 'absenden'), { declaration: 'yes' });
    assert.equal(sent.statusCode, 303);
    const receipt = sent.headers.location as string;
    const caseId = (await sql<{ id: string }>`select c.id from cases c where c.submission_id = ${receipt.split('/').pop()!}`.execute(app.database.db)).rows[0]!.id;
    await staff.get(casePage(caseId));
    assert.equal((await staff.post(`${casePage(caseId)}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    const requestId = await ask(caseId, { unterlagen: '' });

    const status = await browser.get(`${receipt}/status`);
    assert.equal(status.statusCode, 200);
    assert.ok(status.body.includes(secretQuestion));
    assert.match(status.body, /name="_csrf"/);
    const url = `${receipt}/status/fragen/${requestId}`;
    assert.equal((await browser.postMultipart(url, { antwort: 'Danke.' }, {}, { csrf: 'forged' })).statusCode, 403);
    assert.equal((await anonymous().postMultipart(url, { antwort: 'Danke.' }, {}, { csrf: null })).statusCode, 404, 'another browser');
    await browser.get(`${receipt}/status`);
    assert.equal((await browser.postMultipart(url, { antwort: 'Danke für den Hinweis.' }, {})).statusCode, 303);
    assert.deepEqual(await requestRow(requestId), { state: 'answered', reply: 'Danke für den Hinweis.', answered_via: 'receipt', files: 0 });
  });
});
