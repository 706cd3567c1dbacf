import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { berlinDay, formatIsoDate } from '../../platform/i18n/i18n.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, readZip, signInAccount, type TestAccount } from '../../test-support/accounts.js';
import { complainInBrowser, complaintAnswers, submitViaApi } from '../../test-support/applications.js';
import { fakeExecutable, samplePdf, TestBrowser } from '../../test-support/browser.js';
import { pdfText } from '../../test-support/pdf.js';
import { signInClerk, type Clerk } from '../../test-support/staff.js';
import { addDays } from '../cases/applicant-requests.js';
import { runRetention } from '../retention/index.js';
import type { Tenant } from '../tenants/tenant.js';

const germanDay = (offset: number) => formatIsoDate(addDays(berlinDay(new Date()), offset));
const secretQuestion = 'Haben Sie den Bescheid vom Bauamt schon erhalten, Frau Quandt?';
const secretReply = 'Die Antwort der Verwaltung mit allen Einzelheiten zur Hecke am Rosenweg.';

describe('the postbox of a citizen account', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerk: Clerk;
  let staff: TestBrowser;
  let alice: TestAccount;
  let aliceBrowser: TestBrowser;
  let bob: TestAccount;
  let bobBrowser: TestBrowser;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    clerk = await app.createClerk(tenant, 'zentrale');
    staff = new TestBrowser(app.app, host);
    await signInClerk(staff, clerk);
    [alice, bob] = [await createAccount(app.database.db, tenant.id), await createAccount(app.database.db, tenant.id)];
    aliceBrowser = new TestBrowser(app.app, host);
    await signInAccount(aliceBrowser, alice);
    bobBrowser = new TestBrowser(app.app, host);
    await signInAccount(bobBrowser, bob);
  });
  after(() => app.close());

  const db = () => app.database.db;
  const casePage = (caseId: string) => `/verwaltung/vorgaenge/${caseId}`;

  /** A complaint the browser sends (signed in or not), started by the clerk: version 2, in progress. */
  async function startedCase(browser: TestBrowser, subject = 'Hecke am Rosenweg') {
    const submissionId = await complainInBrowser(browser, subject);
    const caseId = (await sql<{ id: string; reference: string }>`select id, reference from cases where submission_id = ${submissionId}`.execute(db())).rows[0]!;
    await staff.get(casePage(caseId.id));
    assert.equal((await staff.post(`${casePage(caseId.id)}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    return { caseId: caseId.id, reference: caseId.reference };
  }

  /** The clerk asks on a started case (version 2); returns the request's id. */
  async function ask(caseId: string) {
    await staff.get(casePage(caseId));
    const response = await staff.post(`${casePage(caseId)}/nachforderungen`, { version: '2', rueckfrage: secretQuestion, frist: germanDay(14), unterlagen: 'Foto der Hecke' });
    assert.equal(response.statusCode, 303, response.body.slice(0, 500));
    return (await sql<{ id: string }>`select id from applicant_requests where case_id = ${caseId} and state = 'open'`.execute(db())).rows[0]!.id;
  }

  /** The clerk issues the complaint's reply letter on a case at `version`; returns the document's id and number. */
  async function issueLetter(caseId: string, version: number) {
    const form = await staff.get(`${casePage(caseId)}/bescheide?vorlage=antwort`);
    assert.equal(form.statusCode, 200);
    const issued = await staff.post(`${casePage(caseId)}/bescheide`, { version: String(version), vorlage: 'antwort', aktion: 'erstellen', 'wert.anrede': 'Frau Greta Quandt', 'wert.antwort': secretReply });
    assert.equal(issued.statusCode, 303, issued.body.slice(0, 800));
    const row = (await sql<{ id: string; document_number: string; delivery: string; content: string }>`select id, document_number, delivery, content from case_documents where case_id = ${caseId} order by delivered_at desc limit 1`.execute(db())).rows[0]!;
    return { ...row, letterForm: form.body };
  }

  /** The mails of this run of the jobs to an address. */
  async function mailsTo(address: string) {
    await app.jobs.runDue();
    return (await listOutbox(db(), 500)).filter((m) => m.to === address && m.tenantId === tenant.id);
  }

  const caseRow = async (caseId: string) => (await sql<{ status: string; version: number }>`select status, version from cases where id = ${caseId}`.execute(db())).rows[0]!;
  const requestRow = async (id: string) =>
    (await sql<{ state: string; reply: string | null; answered_via: string | null; files: number }>`
      select state, reply, answered_via, (select count(*)::int from files f where f.request_id = r.id) as files from applicant_requests r where id = ${id}`.execute(db())).rows[0]!;
  const unreadOnOverview = async (browser: TestBrowser) => (await browser.get('/konto')).body.match(/Postfach – (\d+) ungelesene? Nachricht/)?.[1] ?? '0';

  it('brings a clerk\'s question into the postbox with a notice that names nothing, and takes the answer with a file into the case', async () => {
    const { caseId, reference } = await startedCase(aliceBrowser);
    assert.match((await staff.get(casePage(caseId))).body, /Antrag mit Servicekonto gestellt: Nachforderungen und Bescheide gehen in das Postfach des Kontos\./);
    const requestId = await ask(caseId);
    const audit = await sql<{ details: Record<string, string> }>`select details from audit_log where subject = ${`case:${caseId}`} and action = 'case.request-sent'`.execute(db());
    assert.equal(audit.rows[0]!.details.notice, 'postbox');

    const notices = await mailsTo(alice.email);
    assert.equal(notices.length, 1, 'one notice to the account\'s address');
    const [notice] = notices;
    assert.equal(notice!.subject, `Neue Nachricht in Ihrem Postfach – ${tenant.name}`);
    assert.ok(notice!.text.includes(`http://${host}:3000/konto/postfach`), notice!.text);
    assert.ok(notice!.text.includes(tenant.name));
    assert.doesNotMatch(notice!.text, /Bauamt|Quandt|Hecke|Foto|\/status\//, 'neither the content nor a status link');
    assert.ok(!notice!.text.includes(reference), 'not even the reference');
    assert.ok(!(await mailsTo('fragende@example.org')).some((m) => m.subject === `Frage zu Ihrem Antrag ${reference}`), 'no status-link mail to the form\'s address instead');

    assert.equal(await unreadOnOverview(aliceBrowser), '1');
    const list = await aliceBrowser.get('/konto/postfach');
    assert.equal(list.statusCode, 200);
    assert.equal(list.headers['cache-control'], 'no-store');
    assert.match(list.body, /<strong>1 ungelesene Nachricht<\/strong>/);
    assert.ok(list.body.includes(`href="/konto/postfach/fragen/${requestId}">Frage zu Ihrem Antrag ${reference}</a>`));
    assert.match(list.body, /Ungelesen/);
    assert.match(list.body, /Antwort erbeten bis/);
    assert.ok(!list.body.includes(secretQuestion), 'the list shows no content');

    const page = await aliceBrowser.get(`/konto/postfach/fragen/${requestId}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(secretQuestion));
    assert.match(page.body, /Foto der Hecke/);
    assert.match(page.body, /Bitte antworten Sie bis zum/);
    assert.match(page.body, /name="_csrf"/);
    assert.match(page.body, /name="unterlage0"/);
    assert.equal(await unreadOnOverview(aliceBrowser), '0', 'opened is read');
    assert.match((await aliceBrowser.get('/konto/postfach')).body, /Keine ungelesenen Nachrichten/);

    const url = `/konto/postfach/fragen/${requestId}`;
    await aliceBrowser.get(url);
    assert.equal((await aliceBrowser.postMultipart(url, { antwort: 'Nein.' }, {}, { csrf: 'forged' })).statusCode, 403);
    assert.equal((await aliceBrowser.post(url, { antwort: 'Nein.' })).statusCode, 400, 'the form is multipart');
    await aliceBrowser.get(url);
    const csrf = aliceBrowser.csrf;
    const answered = await aliceBrowser.postMultipart(url, { antwort: 'Noch nicht, das Foto hängt an.' }, { unterlage0: [{ filename: 'hecke.pdf', contentType: 'application/pdf', content: samplePdf }] });
    assert.equal(answered.statusCode, 303, answered.body.slice(0, 500));
    assert.equal(answered.headers.location, `${url}#fragen`);
    assert.match((await aliceBrowser.get(url)).body, /Ihre Antwort vom .* liegt uns vor/);

    assert.deepEqual(await caseRow(caseId), { status: 'in_progress', version: 4 });
    assert.deepEqual(await requestRow(requestId), { state: 'answered', reply: 'Noch nicht, das Foto hängt an.', answered_via: 'postbox', files: 1 });
    const events = await sql<{ kind: string }>`select kind from case_events where case_id = ${caseId} order by id`.execute(db());
    assert.deepEqual(events.rows.map((e) => e.kind).slice(-3), ['request', 'reply', 'status']);
    const answerAudit = await sql<{ actor: string; details: Record<string, unknown> }>`select actor, details from audit_log where subject = ${`case:${caseId}`} and action = 'case.request-answered'`.execute(db());
    assert.deepEqual(answerAudit.rows.map((a) => [a.actor, a.details.via, a.details.files]), [['applicant', 'postbox', 1]]);

    const inbox = await staff.get('/verwaltung?ansicht=meine');
    assert.match(inbox.body.slice(inbox.body.indexOf(reference), inbox.body.indexOf(reference) + 800), /Antwort eingegangen/);
    const clerkView = await staff.get(casePage(caseId));
    assert.match(clerkView.body, /Beantwortet am .* über das Postfach/);
    const fileId = clerkView.body.match(new RegExp(`/verwaltung/vorgaenge/${caseId}/dateien/([0-9a-f-]{36})">hecke\\.pdf`))?.[1];
    assert.ok(fileId, 'the file is in the case file');
    assert.deepEqual((await staff.get(`${casePage(caseId)}/dateien/${fileId}`)).rawPayload, samplePdf);

    // A second tab with the form still open.
    const again = await aliceBrowser.postMultipart(url, { antwort: 'Noch etwas.' }, {}, { csrf });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /Diese Frage haben Sie bereits am .* beantwortet/);
    assert.deepEqual(await caseRow(caseId), { status: 'in_progress', version: 4 });
  });

  it('delivers a letter to the postbox: counted unread, its PDF downloadable, read once downloaded', async () => {
    const { caseId, reference } = await startedCase(aliceBrowser, 'Laterne');
    const letter = await issueLetter(caseId, 2);
    assert.match(letter.letterForm, /mit ihrem Servicekonto gestellt: Der Bescheid wird in ihr Postfach zugestellt/);
    assert.equal(letter.delivery, 'postbox');
    assert.match((await staff.get(casePage(caseId))).body, /In das Postfach des Servicekontos zugestellt, Hinweis per E-Mail/);

    const notices = await mailsTo(alice.email);
    const notice = notices[0]!;
    assert.equal(notice.subject, `Neue Nachricht in Ihrem Postfach – ${tenant.name}`);
    assert.doesNotMatch(notice.text, /Rosenweg|Antwort auf Ihr Anliegen|\/status\//);
    assert.ok(!notice.text.includes(letter.document_number) && !notice.text.includes(reference));
    assert.ok(!(await mailsTo('fragende@example.org')).some((m) => m.subject === `Neues Dokument zu Ihrem Antrag ${reference}`), 'no status-link mail for an account\'s application');

    const unreadBefore = Number(await unreadOnOverview(aliceBrowser));
    assert.ok(unreadBefore >= 1);
    const list = await aliceBrowser.get('/konto/postfach');
    const link = `/konto/postfach/bescheide/${letter.id}`;
    assert.ok(list.body.includes(`href="${link}"><span lang="de">Antwort auf Ihr Anliegen</span> – ${letter.document_number}</a>`), 'listed with title and number');
    assert.ok(list.body.indexOf(link) < list.body.indexOf('/konto/postfach/fragen/'), 'newest first');

    const pdf = await aliceBrowser.get(`${link}/bescheid.pdf`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.headers['cache-control'], 'no-store');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
    const text = await pdfText(pdf.rawPayload);
    assert.ok(text.includes(letter.document_number) && text.includes('Hecke am Rosenweg'), 'the letter itself');
    assert.equal(Number(await unreadOnOverview(aliceBrowser)), unreadBefore - 1, 'downloading reads it');
    assert.equal((await aliceBrowser.get(`${link}/prueftext.txt`)).body, letter.content);
    const downloads = await sql<{ actor: string; details: Record<string, string> }>`select actor, details from audit_log where subject = ${`case:${caseId}`} and action = 'case.document-downloaded'`.execute(db());
    assert.deepEqual(downloads.rows.map((d) => [d.actor, d.details.via, d.details.format]), [['applicant', 'postbox', 'pdf'], ['applicant', 'postbox', 'text']]);

    const page = await aliceBrowser.get(link);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(letter.document_number) && page.body.includes(reference));
    assert.ok(page.body.includes(`href="${link}/bescheid.pdf"`));
  });

  it('answers 404 to account B for every address of account A\'s messages and documents, and keeps B\'s postbox empty', async () => {
    const { caseId } = await startedCase(aliceBrowser, 'Fremde Augen');
    const requestId = await ask(caseId);
    await staff.get(casePage(caseId));
    assert.equal((await staff.post(`${casePage(caseId)}/nachforderungen/${requestId}/zurueckziehen`, { version: '3' })).statusCode, 303);
    const letter = await issueLetter(caseId, 4);
    const question = `/konto/postfach/fragen/${requestId}`;
    const document = `/konto/postfach/bescheide/${letter.id}`;

    for (const url of [question, document, `${document}/bescheid.pdf`, `${document}/prueftext.txt`]) {
      assert.equal((await aliceBrowser.get(url)).statusCode, 200, `A opens ${url}`);
      assert.equal((await bobBrowser.get(url)).statusCode, 404, `B gets 404 for ${url}`);
    }
    await bobBrowser.get('/konto/postfach');
    assert.equal((await bobBrowser.postMultipart(question, { antwort: 'Ich bin nicht A.' }, {})).statusCode, 404);
    const bobsList = await bobBrowser.get('/konto/postfach');
    assert.match(bobsList.body, /Ihr Postfach ist leer/);
    assert.match(bobsList.body, /Keine ungelesenen Nachrichten/);
    for (const bad of [`/konto/postfach/fragen/kein-uuid`, `/konto/postfach/bescheide/${requestId}`, `/konto/postfach/fragen/${letter.id}`, '/konto/postfach?seite=0', '/konto/postfach?seite=99']) {
      assert.equal((await aliceBrowser.get(bad)).statusCode, 404, bad);
    }

    // Signed out: to the sign-in, which comes back; another town's account does not find it either.
    const anonymous = await new TestBrowser(app.app, host).get(document);
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, `/konto/anmelden?weiter=${encodeURIComponent(document)}`);
    const otherTown = await app.createTown();
    const stranger = new TestBrowser(app.app, otherTown.host);
    await signInAccount(stranger, await createAccount(db(), otherTown.tenant.id));
    assert.equal((await stranger.get(`${document}/bescheid.pdf`)).statusCode, 404);

    // In the database: B neither sees A's read marks nor marks A's messages as read.
    const asBob = { tenantId: tenant.id, accountId: bob.id };
    const marks = await inTransaction(db(), asBob, (trx) => sql<{ n: number }>`select count(*)::int as n from postbox_reads`.execute(trx));
    assert.equal(marks.rows[0]!.n, 0);
    await assert.rejects(inTransaction(db(), asBob, (trx) => sql`insert into postbox_reads (tenant_id, account_id, case_id, document_id) values (${tenant.id}, ${bob.id}, ${caseId}, ${letter.id})`.execute(trx)), /row-level security/);
    await assert.rejects(inTransaction(db(), asBob, (trx) => sql`insert into postbox_reads (tenant_id, account_id, case_id, document_id) values (${tenant.id}, ${alice.id}, ${caseId}, ${letter.id})`.execute(trx)), /row-level security/);
  });

  it('treats a late answer, a withdrawn question, a closed application and bad input as the status link does', async () => {
    const late = await startedCase(aliceBrowser, 'Spät');
    const lateRequest = await ask(late.caseId);
    await sql`update applicant_requests set due_on = current_date - 3 where id = ${lateRequest}`.execute(db());
    const lateUrl = `/konto/postfach/fragen/${lateRequest}`;
    assert.match((await aliceBrowser.get(lateUrl)).body, /Die Frist ist am .* abgelaufen\. Sie können trotzdem noch antworten\./);
    const empty = await aliceBrowser.postMultipart(lateUrl, { antwort: '  ' }, {});
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Bitte schreiben Sie eine Antwort oder laden Sie mindestens eine Unterlage hoch/);
    assert.match(empty.body, /<title>Nicht gesendet:/);
    const fake = await aliceBrowser.postMultipart(lateUrl, { antwort: 'Anbei.' }, { unterlage0: [{ filename: 'foto.pdf', contentType: 'application/pdf', content: fakeExecutable }] });
    assert.equal(fake.statusCode, 422);
    assert.match(fake.body, /„foto\.pdf“ hat kein erlaubtes Format/);
    assert.ok(fake.body.includes('>Anbei.</textarea>'), 'the text stays');
    assert.equal((await aliceBrowser.postMultipart(lateUrl, { antwort: 'Hallo', status: 'decided' }, {})).statusCode, 400);
    assert.equal((await requestRow(lateRequest)).state, 'open');
    await aliceBrowser.get(lateUrl);
    assert.equal((await aliceBrowser.postMultipart(lateUrl, {}, { weitere: [{ filename: 'nachtrag.pdf', contentType: 'application/pdf', content: samplePdf }] })).statusCode, 303, 'late, files alone');
    assert.deepEqual(await requestRow(lateRequest), { state: 'answered', reply: '', answered_via: 'postbox', files: 1 });

    const withdrawn = await startedCase(aliceBrowser, 'Zurückgezogen');
    const withdrawnRequest = await ask(withdrawn.caseId);
    const withdrawnUrl = `/konto/postfach/fragen/${withdrawnRequest}`;
    // The form was open in the browser when the clerk withdrew the question.
    await aliceBrowser.get(withdrawnUrl);
    const csrf = aliceBrowser.csrf;
    await staff.get(casePage(withdrawn.caseId));
    assert.equal((await staff.post(`${casePage(withdrawn.caseId)}/nachforderungen/${withdrawnRequest}/zurueckziehen`, { version: '3' })).statusCode, 303);
    assert.match((await aliceBrowser.get('/konto/postfach')).body, /Von der Verwaltung zurückgezogen/);
    const afterWithdrawal = await aliceBrowser.postMultipart(withdrawnUrl, { antwort: 'Hier.' }, {}, { csrf });
    assert.equal(afterWithdrawal.statusCode, 409);
    assert.match(afterWithdrawal.body, /Diese Frage hat die Verwaltung zurückgezogen/);
    assert.equal((await requestRow(withdrawnRequest)).reply, null);

    const decided = await startedCase(aliceBrowser, 'Entschieden');
    const decidedRequest = await ask(decided.caseId);
    await staff.get(casePage(decided.caseId));
    assert.equal((await staff.post(`${casePage(decided.caseId)}/aenderung`, { version: '3', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    assert.equal((await staff.post(`${casePage(decided.caseId)}/aenderung`, { version: '4', aktion: 'status', status: 'decided', entscheidung: 'rejected' })).statusCode, 303);
    const decidedUrl = `/konto/postfach/fragen/${decidedRequest}`;
    const closedPage = await aliceBrowser.get(decidedUrl);
    assert.match(closedPage.body, /Ihr Antrag ist bereits abgeschlossen/);
    assert.doesNotMatch(closedPage.body, /name="antwort"/, 'no form for a closed application');
    const tooLate = await aliceBrowser.postMultipart(decidedUrl, { antwort: 'Jetzt aber.' }, {}, { csrf });
    assert.equal(tooLate.statusCode, 409);
    assert.match(tooLate.body, /Ihr Antrag ist bereits abgeschlossen/);
    assert.deepEqual(await caseRow(decided.caseId), { status: 'decided', version: 5 });
  });

  it('writes the notice in the account\'s language, whatever language the form was filled in', async () => {
    const english = await createAccount(db(), tenant.id);
    await sql`update accounts set language = 'en' where id = ${english.id}`.execute(db());
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, english);
    const { caseId } = await startedCase(browser, 'Sprache');
    await ask(caseId);
    const [notice] = await mailsTo(english.email);
    assert.equal(notice!.subject, `New message in your postbox – ${tenant.name}`);
    assert.match(notice!.text, /a new message is waiting for you in your postbox/);
    assert.doesNotMatch(notice!.text, /Bauamt|Hecke/);
  });

  it('keeps the status-link mails for an application without an account', async () => {
    const postboxNotices = async () => (await listOutbox(db(), 500)).filter((m) => m.subject.startsWith('Neue Nachricht in Ihrem Postfach')).length;
    await app.jobs.runDue();
    const noticesBefore = await postboxNotices();
    const { caseId, reference } = await startedCase(new TestBrowser(app.app, host), 'Ohne Konto');
    assert.doesNotMatch((await staff.get(casePage(caseId))).body, /Servicekonto/);
    await ask(caseId);
    const question = (await mailsTo('fragende@example.org')).find((m) => m.subject === `Frage zu Ihrem Antrag ${reference}`);
    assert.ok(question, 'the question mail goes to the form\'s address');
    assert.match(question.text, /\/status\/[A-Za-z0-9_-]{43}/);
    const anonymousCase = await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers('Laut.', 'api@example.org'));
    await staff.get(casePage(anonymousCase.caseId));
    assert.equal((await staff.post(`${casePage(anonymousCase.caseId)}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    const letter = await issueLetter(anonymousCase.caseId, 2);
    assert.equal(letter.delivery, 'online');
    assert.ok((await mailsTo('api@example.org')).some((m) => m.subject === `Neues Dokument zu Ihrem Antrag ${anonymousCase.reference}` && /\/status\//.test(m.text)));
    assert.equal(await postboxNotices(), noticesBefore, 'no postbox notice for them');
  });

  it('puts the postbox into the account\'s data export, and lets the read marks go with a deleted account', async () => {
    const account = await createAccount(db(), tenant.id);
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, account);
    const { caseId, reference } = await startedCase(browser, 'Export');
    const requestId = await ask(caseId);
    await browser.get(`/konto/postfach/fragen/${requestId}`);
    const letter = await issueLetter(caseId, 3);

    const exported = await browser.get('/konto/daten/export.zip');
    assert.equal(exported.statusCode, 200);
    const data = JSON.parse((await readZip(exported.rawPayload)).get('konto.json')!.toString('utf8'));
    const [letterMessage, question] = data.postbox;
    assert.deepEqual([letterMessage.kind, letterMessage.documentNumber, letterMessage.readAt], ['letter', letter.document_number, null]);
    assert.equal(question.kind, 'question');
    assert.equal(question.reference, reference);
    assert.equal(question.question, secretQuestion);
    assert.deepEqual(question.documentsRequested, ['Foto der Hecke']);
    assert.ok(question.readAt, 'when the question was opened');

    await browser.get('/konto/loeschen');
    assert.equal((await browser.post('/konto/loeschen', { confirm: 'yes', password: account.password })).statusCode, 303);
    const marks = await sql<{ n: number }>`select count(*)::int as n from postbox_reads where account_id = ${account.id}`.execute(db());
    assert.equal(marks.rows[0]!.n, 0);
    assert.equal((await requestRow(requestId)).state, 'open', 'the question stays with the town');
  });

  it('loses a message only when retention deletes its case, read marks and all', async () => {
    const town = await app.createTown();
    const clerkThere = new TestBrowser(app.app, town.host);
    await signInClerk(clerkThere, await app.createClerk(town.tenant, 'zentrale'));
    const account = await createAccount(db(), town.tenant.id);
    const citizen = new TestBrowser(app.app, town.host);
    await signInAccount(citizen, account);
    const submissionId = await complainInBrowser(citizen, 'Aufbewahrung');
    const caseId = (await sql<{ id: string }>`select id from cases where submission_id = ${submissionId}`.execute(db())).rows[0]!.id;
    const page = `/verwaltung/vorgaenge/${caseId}`;
    await clerkThere.get(page);
    for (const [version, status] of [['1', 'in_progress'], ['2', 'decided']] as const) {
      assert.equal((await clerkThere.post(`${page}/aenderung`, { version, aktion: 'status', status, ...(status === 'decided' ? { entscheidung: 'approved' } : {}) })).statusCode, 303);
    }
    await clerkThere.get(`${page}/bescheide?vorlage=antwort`);
    assert.equal((await clerkThere.post(`${page}/bescheide`, { version: '3', vorlage: 'antwort', aktion: 'erstellen', 'wert.anrede': 'Frau Quandt', 'wert.antwort': 'Erledigt.' })).statusCode, 303);
    await clerkThere.get(page);
    assert.equal((await clerkThere.post(`${page}/aenderung`, { version: '4', aktion: 'status', status: 'closed' })).statusCode, 303);
    const documentId = (await sql<{ id: string }>`select id from case_documents where case_id = ${caseId}`.execute(db())).rows[0]!.id;
    const pdfUrl = `/konto/postfach/bescheide/${documentId}/bescheid.pdf`;

    // Closed, but kept: still there years later, until the period ends.
    assert.equal((await citizen.get(pdfUrl)).statusCode, 200);
    const retention = { db: db(), files: app.files, services: app.services };
    assert.equal((await runRetention(retention, town.tenant.id, { actor: 'test', now: new Date(Date.now() + 300 * 86_400_000) })).deleted.length, 0);
    assert.equal((await citizen.get(pdfUrl)).statusCode, 200);
    const outcome = await runRetention(retention, town.tenant.id, { actor: 'test', now: new Date(Date.now() + 2 * 366 * 86_400_000) });
    assert.deepEqual(outcome.deleted.map((s) => s.caseId), [caseId]);
    assert.equal((await citizen.get(pdfUrl)).statusCode, 404);
    assert.match((await citizen.get('/konto/postfach')).body, /Ihr Postfach ist leer/);
    const marks = await sql<{ n: number }>`select count(*)::int as n from postbox_reads where case_id = ${caseId}`.execute(db());
    assert.equal(marks.rows[0]!.n, 0);
  });
});
