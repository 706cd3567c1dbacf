import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount } from '../../test-support/accounts.js';
import { complaintAnswers, dogAnswers, makeTeamLead, submitViaApi } from '../../test-support/applications.js';
import { TestBrowser } from '../../test-support/browser.js';
import { signInClerk, type Clerk } from '../../test-support/staff.js';
import { sealAuditLog, verifyAuditChain } from '../audit/index.js';
import { loadServices } from '../catalog/index.js';
import { changeCase } from '../cases/cases.service.js';
import { answerInvolvement, involveDepartment } from '../cases/involvements.js';
import { addNote } from '../cases/cases.service.js';
import { createStaff, type StaffMember } from '../staff/index.js';
import { findStaffMember } from '../staff/staff.repository.js';
import type { Tenant } from '../tenants/tenant.js';
import { retentionJob, retentionRules, runRetention, scheduleRetentionRun } from './index.js';

const dayMs = 86_400_000;

describe('retention: deleting closed cases after their period', () => {
  let app: TestApp;
  let town: { tenant: Tenant; host: string };
  let other: { tenant: Tenant; host: string };
  const staff: Record<string, StaffMember> = {};
  let lead: Clerk;
  let leadBrowser: TestBrowser;
  let clerkBrowser: TestBrowser;

  before(async () => {
    app = await buildTestApp();
    town = await app.createTown();
    other = await app.createTown();
    for (const [tenant, key] of [[town.tenant, 'zentrale'], [town.tenant, 'steueramt'], [town.tenant, 'ordnungsamt'], [other.tenant, 'zentrale']] as const) {
      const id = await app.database.db.transaction().execute(async (trx) => {
        await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
        return createStaff(trx, { tenantId: tenant.id, email: `${key}-${randomUUID()}@example.org`, name: `Sachbearbeitung ${key}`, password: 'a long enough password', departments: [{ key, role: 'clerk' }] });
      });
      staff[`${tenant === town.tenant ? '' : 'other-'}${key}`] = (await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => findStaffMember(trx, id)))!;
    }
    lead = await app.createClerk(town.tenant, 'zentrale');
    await makeTeamLead(app, town.tenant.id, lead.id);
    leadBrowser = new TestBrowser(app.app, town.host);
    await signInClerk(leadBrowser, lead);
    clerkBrowser = new TestBrowser(app.app, town.host);
    await signInClerk(clerkBrowser, await app.createClerk(town.tenant, 'zentrale'));
  });
  after(() => app.close());

  const db = () => app.database.db;
  const version = async (caseId: string) => (await sql<{ version: number }>`select version from cases where id = ${caseId}`.execute(db())).rows[0]!.version;

  async function move(who: StaffMember, tenant: Tenant, caseId: string, to: 'in_progress' | 'decided' | 'closed') {
    const outcome = await changeCase(db(), { tenantId: tenant.id, staff: who, caseId, version: await version(caseId), command: { kind: 'status', to, ...(to === 'decided' ? { decision: 'approved' as const } : {}) }, services: app.services });
    assert.equal(outcome, 'done', `${caseId} to ${to}`);
  }

  async function closedComplaint(tenant: Tenant, host: string, who: StaffMember, message: string) {
    const c = await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers(message, 'greta.quandt@example.org'));
    for (const to of ['in_progress', 'decided', 'closed'] as const) await move(who, tenant, c.caseId, to);
    return c;
  }

  /** Moves a case (with its linked cases) into the past, as if it had been closed `days` ago. */
  async function backdate(caseId: string, days: number) {
    const shift = sql`make_interval(days => ${days})`;
    const family = sql`(select id from cases where id = ${caseId} or parent_case_id = ${caseId})`;
    await sql`update case_events set occurred_at = occurred_at - ${shift} where case_id in ${family}`.execute(db());
    await sql`update case_involvements set requested_at = requested_at - ${shift}, answered_at = answered_at - ${shift} where parent_case_id = ${caseId}`.execute(db());
    await sql`update cases set created_at = created_at - ${shift}, updated_at = updated_at - ${shift}, due_at = due_at - ${shift} where id in ${family}`.execute(db());
  }

  /** Stores bytes in the file store and attaches them to a submission (as an upload would). */
  async function attachFile(tenantId: string, submissionId: string, bytes: Buffer): Promise<string> {
    const sha256 = await app.files.put(bytes);
    await sql`insert into files (tenant_id, id, sha256, media_type, size, filename, submission_id)
              values (${tenantId}, ${randomUUID()}, ${sha256}, 'application/pdf', ${bytes.length}, 'Nachweis Erika Mustermann.pdf', ${submissionId})`.execute(db());
    return sha256;
  }

  /** A delivered letter in the case file with its PDF in the file store. */
  async function attachLetter(tenantId: string, caseId: string, createdBy: string): Promise<string> {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4 Bescheid an Erika Mustermann '), randomBytes(16)]);
    const fileSha256 = await app.files.put(pdf);
    const content = `Bescheid an Erika Mustermann ${randomUUID()}`;
    await sql`insert into case_documents (tenant_id, id, case_id, kind, template_id, title, document_number, content, sha256, file_sha256, file_size, delivery, created_by)
              values (${tenantId}, ${randomUUID()}, ${caseId}, 'letter', 'antwort', 'Antwort', ${`DOC-${randomUUID()}`}, ${content},
                      ${createHash('sha256').update(content).digest('hex')}, ${fileSha256}, ${pdf.length}, 'online', ${createdBy})`.execute(db());
    return fileSha256;
  }

  const exists = async (table: string, column: string, value: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)} = ${value}`.execute(db())).rows[0]!.n > 0;
  const stored = (sha256: string) => app.files.get(sha256).then(() => true, () => false);

  it('names a retention period for every shipped service, counted in years or kept permanently', async () => {
    const services = await loadServices();
    for (const { definition } of services.values()) assert.ok(definition.retention, `${definition.id} has no retention`);
    assert.deepEqual(retentionRules(services).find((r) => r.serviceId === 'kontakt-beschwerde'), { serviceId: 'kontakt-beschwerde', years: 1 });
    assert.deepEqual(retentionRules(services).find((r) => r.serviceId === 'hund-anmelden'), { serviceId: 'hund-anmelden', years: 10 });
    assert.equal(retentionRules(services).some((r) => r.serviceId === 'bauantrag'), false, 'building files are kept permanently');
    const schema = await app.app.inject({ url: '/schemas/service-definition.json', headers: { host: town.host } });
    assert.match(schema.body, /"retention"/);
  });

  it('deletes exactly the due cases of the town with their data, files, letters, history and linked cases, leaving stubs and audit entries', async () => {
    const { tenant, host } = town;
    const zentrale = staff.zentrale!;
    const steuer = staff.steueramt!;
    const ordnung = staff.ordnungsamt!;

    // Due: a complaint closed 400 days ago (1 year), with a note, an upload, a letter and a status link.
    const due = await closedComplaint(tenant, host, zentrale, 'Laterne vor Haus 3 defekt');
    assert.equal(await addNote(db(), { tenantId: tenant.id, staff: zentrale, caseId: due.caseId, text: 'Frau Quandt rief an' }), 'done');
    const upload = await attachFile(tenant.id, due.submissionId, Buffer.concat([Buffer.from('%PDF-1.4 Foto '), randomBytes(16)]));
    const letter = await attachLetter(tenant.id, due.caseId, zentrale.id);
    await sql`insert into status_links (token_hash, tenant_id, reference) values (${createHash('sha256').update(randomUUID()).digest('hex')}, ${tenant.id}, ${due.reference})`.execute(db());
    // A mail job that failed for good still holds the applicant's address.
    await sql`insert into jobs (tenant_id, kind, payload, attempts, max_attempts, last_error)
              values (${tenant.id}, 'mail.submission-received', ${JSON.stringify({ to: 'greta.quandt@example.org', reference: due.reference })}::jsonb, 8, 8, 'refused')`.execute(db());
    await backdate(due.caseId, 400);

    // Due: a dog registration closed eleven years ago (10 years) whose Ordnungsamt statement came back.
    const dog = await submitViaApi(app, host, 'hund-anmelden', dogAnswers());
    await move(steuer, tenant, dog.caseId, 'in_progress');
    assert.equal(await involveDepartment(app, { tenantId: tenant.id, staff: steuer, caseId: dog.caseId, version: await version(dog.caseId), involvementId: 'lhundg-erlaubnis', question: 'Bitte prüfen', services: app.services }), 'done');
    const linkedId = (await sql<{ id: string }>`select id from cases where parent_case_id = ${dog.caseId}`.execute(db())).rows[0]!.id;
    await move(ordnung, tenant, linkedId, 'in_progress');
    assert.equal(await answerInvolvement(db(), { tenantId: tenant.id, staff: ordnung, caseId: linkedId, version: await version(linkedId), answer: 'Keine Bedenken' }), 'done');
    await move(steuer, tenant, dog.caseId, 'decided');
    await move(steuer, tenant, dog.caseId, 'closed');
    const sharedBytes = Buffer.concat([Buffer.from('%PDF-1.4 Sachkunde '), randomBytes(16)]);
    const shared = await attachFile(tenant.id, dog.submissionId, sharedBytes);
    await backdate(dog.caseId, 11 * 366);

    // Kept: closed 200 days ago; closed 350 days ago (due in about two weeks); open for two years;
    // closed long ago but its involvement is still unanswered; the same case in another town.
    const recent = await closedComplaint(tenant, host, zentrale, 'Bank am Spielplatz kaputt');
    await backdate(recent.caseId, 200);
    const soon = await closedComplaint(tenant, host, zentrale, 'Hecke zu hoch');
    await backdate(soon.caseId, 350);
    const open = await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers('Noch offen'));
    await backdate(open.caseId, 800);
    const blocked = await submitViaApi(app, host, 'hund-anmelden', dogAnswers());
    await move(steuer, tenant, blocked.caseId, 'in_progress');
    assert.equal(await involveDepartment(app, { tenantId: tenant.id, staff: steuer, caseId: blocked.caseId, version: await version(blocked.caseId), involvementId: 'lhundg-erlaubnis', question: 'Bitte prüfen', services: app.services }), 'done');
    await move(steuer, tenant, blocked.caseId, 'decided');
    await move(steuer, tenant, blocked.caseId, 'closed');
    await backdate(blocked.caseId, 11 * 366);
    // The same bytes uploaded to a case that stays: the stored file must stay too.
    await attachFile(tenant.id, recent.submissionId, sharedBytes);
    const elsewhere = await closedComplaint(other.tenant, other.host, staff['other-zentrale']!, 'Anderswo');
    await backdate(elsewhere.caseId, 400);

    // The report shows the lead what is overdue and what becomes due soon; plain clerks get 403.
    const report = await leadBrowser.get('/verwaltung/aufbewahrung');
    assert.equal(report.statusCode, 200);
    assert.ok(report.body.includes(due.reference) && report.body.includes(soon.reference));
    assert.ok(!report.body.includes(recent.reference) && !report.body.includes(open.reference));
    assert.ok(!report.body.includes(dog.reference), 'the dog registration belongs to the Steueramt, not to the lead\'s department');
    assert.match(report.body, /<th scope="row" class="kern-table__header">Kontakt und Beschwerde<\/th><td class="kern-table__cell">1 Jahr[\s\S]*?<td class="kern-table__cell kern-table__cell--numeric">1<\/td><td class="kern-table__cell kern-table__cell--numeric">1<\/td>/);
    assert.equal((await clerkBrowser.get('/verwaltung/aufbewahrung')).statusCode, 403);
    assert.match((await leadBrowser.get('/verwaltung')).body, /href="\/verwaltung\/aufbewahrung"/);
    assert.doesNotMatch((await clerkBrowser.get('/verwaltung')).body, /href="\/verwaltung\/aufbewahrung"/);

    // A dry run names the due cases and deletes nothing.
    const dry = await runRetention({ db: db(), files: app.files, services: app.services }, tenant.id, { actor: 'cli', dryRun: true });
    assert.deepEqual(dry.due.map((c) => c.reference).sort(), [due.reference, dog.reference].sort());
    assert.ok(await exists('cases', 'id', due.caseId));

    await sealAuditLog(db(), tenant.id);
    const outcome = await runRetention({ db: db(), files: app.files, services: app.services }, tenant.id, { actor: 'system:retention' });
    const linkedReference = `${dog.reference}-B1`;
    assert.deepEqual(outcome.deleted.map((s) => s.reference).sort(), [due.reference, dog.reference, linkedReference].sort());

    for (const c of [due, dog]) {
      assert.equal(await exists('cases', 'id', c.caseId), false);
      assert.equal(await exists('submissions', 'id', c.submissionId), false);
      assert.equal(await exists('case_events', 'case_id', c.caseId), false);
      assert.equal(await exists('files', 'submission_id', c.submissionId), false);
      assert.equal(await exists('case_documents', 'case_id', c.caseId), false);
    }
    assert.equal(await exists('cases', 'id', linkedId), false);
    assert.equal(await exists('case_events', 'case_id', linkedId), false);
    assert.equal(await exists('case_involvements', 'parent_case_id', dog.caseId), false);
    assert.equal(await exists('status_links', 'reference', due.reference), false);
    assert.equal(await stored(upload), false, 'the upload is gone from the file store');
    assert.equal(await stored(letter), false, 'the letter PDF is gone from the file store');
    assert.equal(await stored(shared), true, 'bytes another case still uses stay');
    assert.equal(await exists('file_deletions', 'tenant_id', tenant.id), false);
    const job = (await sql<{ payload: Record<string, unknown> }>`select payload from jobs where tenant_id = ${tenant.id} and last_error is not null and kind = 'mail.submission-received'`.execute(db())).rows[0]!;
    assert.deepEqual(job.payload, {});

    for (const c of [recent, soon, open, blocked]) assert.ok(await exists('cases', 'id', c.caseId), `${c.reference} is kept`);
    assert.ok(await exists('cases', 'id', elsewhere.caseId), 'another town\'s case is not touched');

    // The stubs: reference, service, dates and reason, nothing about the applicant.
    const stubs = (await sql<Record<string, unknown>>`select * from deleted_cases where tenant_id = ${tenant.id} order by reference`.execute(db())).rows;
    assert.deepEqual(stubs.map((s) => [s.reference, s.service_id, s.reason, s.retention_years, s.parent_case_id]), [
      [dog.reference, 'hund-anmelden', 'retention', 10, null],
      [linkedReference, 'hund-anmelden', 'retention', 10, dog.caseId],
      [due.reference, 'kontakt-beschwerde', 'retention', 1, null],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    const personal = /Quandt|Mustermann|Erika|Laterne|example\.org|DE02/;
    assert.doesNotMatch(JSON.stringify(stubs), personal);

    // The audit log keeps its entries (none holds personal data) and its chain still verifies.
    const audit = (await sql<{ action: string; subject: string; details: Record<string, unknown> }>`select action, subject, details from audit_log where tenant_id = ${tenant.id}`.execute(db())).rows;
    assert.deepEqual(audit.filter((a) => a.action === 'case.deleted').map((a) => a.details.reference).sort(), [due.reference, dog.reference, linkedReference].sort());
    assert.ok(audit.some((a) => a.subject === `case:${due.caseId}` && a.action === 'case.note-added'), 'earlier entries stay');
    assert.doesNotMatch(JSON.stringify(audit), personal);
    await sealAuditLog(db(), tenant.id);
    assert.equal(await verifyAuditChain(db(), tenant.id), null);

    // Running again changes nothing.
    const again = await runRetention({ db: db(), files: app.files, services: app.services }, tenant.id, { actor: 'system:retention' });
    assert.deepEqual(again.deleted, []);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from deleted_cases where tenant_id = ${tenant.id}`.execute(db())).rows[0]!.n, 3);

    // The report no longer lists what was deleted, and counts it.
    const after = await leadBrowser.get('/verwaltung/aufbewahrung');
    assert.ok(!after.body.includes(due.reference) && after.body.includes(soon.reference));
    assert.match(after.body, /In den letzten 30 Tagen gelöscht: 1 Vorgänge/);
  });

  it('deletes a question to the applicant with its answer files and the hand-off delivery together with the case', async () => {
    const { tenant, host } = town;
    const zentrale = staff.zentrale!;
    const c = await closedComplaint(tenant, host, zentrale, 'Gehweg vor Haus 9 gesperrt');
    const requestId = randomUUID();
    await sql`insert into applicant_requests (tenant_id, id, case_id, question, documents, due_on, requested_by, state, reply, answered_at, answered_via, answered_case_version)
              values (${tenant.id}, ${requestId}, ${c.caseId}, 'Seit wann?', '{Foto}', current_date, ${zentrale.id}, 'answered', 'Seit Montag', now(), 'status-link', 3)`.execute(db());
    const answerFile = await app.files.put(Buffer.concat([Buffer.from('%PDF-1.4 Antwort '), randomBytes(16)]));
    await sql`insert into files (tenant_id, id, sha256, media_type, size, filename, submission_id, request_id, request_item)
              values (${tenant.id}, ${randomUUID()}, ${answerFile}, 'application/pdf', 30, 'Foto.pdf', ${c.submissionId}, ${requestId}, 0)`.execute(db());
    await sql`insert into handoff_deliveries (tenant_id, id, case_id, service_id, status) values (${tenant.id}, ${randomUUID()}, ${c.caseId}, 'kontakt-beschwerde', 'delivered')`.execute(db());
    await backdate(c.caseId, 400);

    const outcome = await runRetention({ db: db(), files: app.files, services: app.services }, tenant.id, { actor: 'system:retention' });
    assert.ok(outcome.deleted.some((d) => d.caseId === c.caseId), 'the case was deleted');
    for (const [table, column, value] of [['applicant_requests', 'case_id', c.caseId], ['handoff_deliveries', 'case_id', c.caseId], ['files', 'request_id', requestId], ['cases', 'id', c.caseId]] as const) {
      assert.equal(await exists(table, column, value), false, `${table} keeps nothing of the case`);
    }
    assert.equal(await stored(answerFile), false, 'the answer file left the file store');
  });

  it('keeps a paid fee as a booking when its case is deleted, detached from the case', async () => {
    const { tenant, host } = town;
    const c = await closedComplaint(tenant, host, staff.zentrale!, 'Gebühr bezahlt');
    const paymentId = randomUUID();
    // Paid by a signed-in applicant, who opened the confirmation in the postbox (ADR 0027).
    const account = await createAccount(db(), tenant.id);
    await sql`insert into payments (tenant_id, id, case_id, service_id, purpose, description, amount_cents, provider, continue_path, status, paid_at, notice_account_id)
              values (${tenant.id}, ${paymentId}, ${c.caseId}, 'kontakt-beschwerde', 'KB-1', 'Gebühr', 500, 'sandbox', '/', 'paid', now(), ${account.id})`.execute(db());
    await sql`insert into postbox_reads (tenant_id, account_id, case_id, payment_id) values (${tenant.id}, ${account.id}, ${c.caseId}, ${paymentId})`.execute(db());
    await backdate(c.caseId, 400);
    const outcome = await runRetention({ db: db(), files: app.files, services: app.services }, tenant.id, { actor: 'system:retention' });
    assert.ok(outcome.deleted.some((d) => d.caseId === c.caseId), 'the case was deleted');
    const kept = (await sql<{ case_id: string | null; notice_account_id: string | null; amount_cents: number }>`select case_id, notice_account_id, amount_cents from payments where id = ${paymentId}`.execute(db())).rows;
    assert.deepEqual(kept, [{ case_id: null, notice_account_id: null, amount_cents: 500 }], 'the booking stays, without the case and the account');
    assert.equal(await exists('postbox_reads', 'payment_id', paymentId), false);
  });

  it('finishes removing stored files after a crash between the commit and the file removal', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.4 verwaist '), randomBytes(16)]);
    const sha256 = await app.files.put(bytes);
    await sql`insert into file_deletions (tenant_id, sha256) values (${town.tenant.id}, ${sha256})`.execute(db());
    const outcome = await runRetention({ db: db(), files: app.files, services: app.services }, town.tenant.id, { actor: 'system:retention' });
    assert.equal(outcome.filesRemoved, 1);
    assert.equal(await stored(sha256), false);
    assert.equal(await exists('file_deletions', 'sha256', sha256), false);
  });

  it('allows deleting only to the retention job\'s role, and only what it has stubbed', async () => {
    const { tenant, host } = town;
    const zentraleId = staff.zentrale!.departments[0]!.id;
    const closed = await closedComplaint(tenant, host, staff.zentrale!, 'Fast fällig');
    await attachLetter(tenant.id, closed.caseId, staff.zentrale!.id);
    const open = await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers('Offen'));
    // The application role (every request) may not delete a case, its history or its documents.
    for (const statement of [sql`delete from case_documents where case_id = ${closed.caseId}`, sql`delete from case_events where case_id = ${closed.caseId}`, sql`delete from cases where id = ${closed.caseId}`, sql`insert into deleted_cases (tenant_id, case_id, reference, service_id, department_id, submission_id, received_at, closed_at, retention_years, reason) values (${tenant.id}, ${closed.caseId}, ${closed.reference}, 'kontakt-beschwerde', ${zentraleId}, ${closed.submissionId}, now(), now(), 1, 'retention')`]) {
      await assert.rejects(inTransaction(db(), { tenantId: tenant.id, departmentIds: [zentraleId] }, (trx) => statement.execute(trx)), /permission denied/);
    }
    const asJob = <T>(fn: (trx: Parameters<Parameters<typeof inTransaction>[2]>[0]) => Promise<T>) => inTransaction(db(), { tenantId: tenant.id }, async (trx) => {
      await sql`select set_config('role', 'rathaus_retention', true)`.execute(trx);
      return fn(trx);
    });
    // The job's role cannot write a stub for an open case, and without a stub it deletes nothing.
    await assert.rejects(asJob((trx) => sql`insert into deleted_cases (tenant_id, case_id, reference, service_id, department_id, submission_id, received_at, closed_at, retention_years, reason)
      values (${tenant.id}, ${open.caseId}, ${open.reference}, 'kontakt-beschwerde', ${zentraleId}, ${open.submissionId}, now(), now(), 1, 'retention')`.execute(trx)), /row-level security/);
    const withoutStub = await asJob(async (trx) => [
      Number((await trx.deleteFrom('case_documents').where('case_id', '=', closed.caseId).executeTakeFirst()).numDeletedRows),
      Number((await trx.deleteFrom('cases').where('id', '=', open.caseId).executeTakeFirst()).numDeletedRows),
    ]);
    assert.deepEqual(withoutStub, [0, 0]);
    assert.ok(await exists('case_documents', 'case_id', closed.caseId));
  });

  it('runs as a durable job queued once per town for the next night', async () => {
    const { tenant } = other;
    for (let i = 0; i < 2; i++) await inTransaction(db(), { tenantId: tenant.id }, (trx) => scheduleRetentionRun(trx, tenant.id));
    const queued = (await sql<{ run_at: Date }>`select run_at from jobs where tenant_id = ${tenant.id} and kind = ${retentionJob} and done_at is null`.execute(db())).rows;
    assert.equal(queued.length, 1, 'queued once');
    const runAt = new Date(queued[0]!.run_at);
    assert.ok(runAt.getTime() > Date.now() && runAt.getTime() <= Date.now() + dayMs);
    assert.equal(new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(runAt), '03:00');

    // Made due now, the worker runs it: the other town's overdue complaint goes.
    await sql`update jobs set run_at = now() where tenant_id = ${tenant.id} and kind = ${retentionJob}`.execute(db());
    await app.jobs.runDue();
    const run = (await sql<{ done_at: Date | null }>`select done_at from jobs where tenant_id = ${tenant.id} and kind = ${retentionJob}`.execute(db())).rows;
    assert.equal(run.length, 1);
    assert.ok(run[0]!.done_at, 'the run is done');
    const left = (await sql<{ n: number }>`select count(*)::int as n from cases where tenant_id = ${tenant.id}`.execute(db())).rows[0]!.n;
    assert.equal(left, 0);
    assert.equal((await sql<{ actor: string }>`select actor from audit_log where tenant_id = ${tenant.id} and action = 'case.deleted'`.execute(db())).rows[0]!.actor, 'system:retention');
  });
});
