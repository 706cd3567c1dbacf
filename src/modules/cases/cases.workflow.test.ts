import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import type { Tenant } from '../tenants/tenant.js';
import { createStaff, type StaffMember } from '../staff/index.js';
import { findStaffMember } from '../staff/staff.repository.js';
import { addNote, asClerk, changeCase, type ChangeOutcome } from './cases.service.js';
import type { CaseChange } from './workflow.js';

const complaint = {
  anliegen: { art: 'beschwerde', betreff: 'Laterne defekt', nachricht: 'Die Laterne vor Haus 3 ist seit einer Woche aus.' },
  kontakt: { email: 'workflow@example.org', antwortErwuenscht: true },
};

describe('case workflow', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerkA: StaffMember;
  let clerkB: StaffMember;
  let lead: StaffMember;
  let outsider: StaffMember;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    const staff = async (key: string, role: string, name: string) => {
      const id = await app.database.db.transaction().execute(async (trx) => {
        await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
        return createStaff(trx, { tenantId: tenant.id, email: `${name}@example.org`, name, password: 'a long enough password', departments: [{ key, role }] });
      });
      return (await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => findStaffMember(trx, id)))!;
    };
    clerkA = await staff('zentrale', 'clerk', 'anna');
    clerkB = await staff('zentrale', 'clerk', 'bernd');
    lead = await staff('zentrale', 'team_lead', 'lea');
    outsider = await staff('ordnungsamt', 'team_lead', 'otto');
  });
  after(() => app.close());

  /** Submits a complaint through the API; returns its case's id. */
  async function newCase(): Promise<string> {
    const response = await app.app.inject({ method: 'POST', url: '/api/v1/services/kontakt-beschwerde/submissions', headers: { host }, payload: { answers: complaint } });
    assert.equal(response.statusCode, 201, response.body);
    const row = await sql<{ id: string }>`select id from cases where tenant_id = ${tenant.id} and submission_id = ${response.json().id}`.execute(app.database.db);
    return row.rows[0]!.id;
  }

  async function state(caseId: string) {
    const row = await sql<{ status: string; version: number; assignee_id: string | null; step: string | null; decision: string | null; due_at: Date | null; created_at: Date }>`
      select status, version, assignee_id, step, decision, due_at, created_at from cases where tenant_id = ${tenant.id} and id = ${caseId}`.execute(app.database.db);
    return row.rows[0]!;
  }

  async function events(caseId: string) {
    return (await sql<{ kind: string; details: Record<string, unknown>; staff_id: string }>`
      select kind, details, staff_id from case_events where tenant_id = ${tenant.id} and case_id = ${caseId} order by id`.execute(app.database.db)).rows;
  }

  const change = (staff: StaffMember, caseId: string, version: number, command: CaseChange): Promise<ChangeOutcome> =>
    changeCase(app.database.db, { tenantId: tenant.id, staff, caseId, version, command, services: app.services });

  it('gives a new case its deadline from the service processing time', async () => {
    const caseId = await newCase();
    const s = await state(caseId);
    assert.equal(s.status, 'received');
    assert.equal(s.version, 1);
    const days = (s.due_at!.getTime() - s.created_at.getTime()) / 86_400_000;
    assert.ok(Math.abs(days - 14) < 0.01, `deadline ${days} days after receipt`);
  });

  it('lets a clerk start an unassigned case, which takes it, and records status, assignment and audit', async () => {
    const caseId = await newCase();
    assert.equal(await change(clerkA, caseId, 1, { kind: 'status', to: 'in_progress' }), 'done');
    const s = await state(caseId);
    assert.deepEqual([s.status, s.version, s.assignee_id], ['in_progress', 2, clerkA.id]);
    assert.deepEqual((await events(caseId)).map((e) => [e.kind, e.staff_id]), [['status', clerkA.id], ['assigned', clerkA.id]]);
    const audit = await sql<{ action: string }>`select action from audit_log where tenant_id = ${tenant.id} and subject = ${`case:${caseId}`}`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.action), ['case.status-changed']);
  });

  it('refuses a change made on an outdated version and stores nothing', async () => {
    const caseId = await newCase();
    assert.equal(await change(clerkA, caseId, 1, { kind: 'status', to: 'in_progress' }), 'done');
    // Bernd still looks at version 1 and wants to start the case too.
    assert.equal(await change(clerkB, caseId, 1, { kind: 'status', to: 'in_progress' }), 'conflict');
    assert.equal(await change(lead, caseId, 1, { kind: 'assign', staffId: clerkB.id }), 'conflict');
    const s = await state(caseId);
    assert.deepEqual([s.version, s.assignee_id], [2, clerkA.id]);
    assert.equal((await events(caseId)).length, 2);
  });

  it('allows each transition only from the right state and by the right role', async () => {
    const caseId = await newCase();
    assert.equal(await change(clerkA, caseId, 1, { kind: 'status', to: 'decided', decision: 'approved' }), 'notAllowed', 'no decision before processing');
    assert.equal(await change(clerkA, caseId, 1, { kind: 'status', to: 'withdrawn' }), 'notAllowed', 'withdrawing is the applicant\'s act');
    assert.equal(await change(clerkA, caseId, 1, { kind: 'status', to: 'in_progress' }), 'done');
    assert.equal(await change(clerkB, caseId, 2, { kind: 'status', to: 'decided', decision: 'approved' }), 'notAllowed', 'only the assignee decides');
    assert.equal(await change(clerkB, caseId, 2, { kind: 'assign', staffId: clerkB.id }), 'notAllowed', 'a clerk cannot take a case someone has');
    assert.equal(await change(clerkA, caseId, 2, { kind: 'status', to: 'decided' }), 'decisionRequired');
    assert.equal(await change(clerkA, caseId, 2, { kind: 'status', to: 'decided', decision: 'partly' }), 'done');
    assert.equal((await state(caseId)).decision, 'partly');
    assert.equal(await change(clerkA, caseId, 3, { kind: 'status', to: 'in_progress' }), 'notAllowed', 'only team leads reopen');
    assert.equal(await change(lead, caseId, 3, { kind: 'status', to: 'in_progress' }), 'done');
    assert.equal((await state(caseId)).decision, null);
    assert.equal(await change(clerkA, caseId, 4, { kind: 'status', to: 'decided', decision: 'rejected' }), 'done');
    assert.equal(await change(clerkA, caseId, 5, { kind: 'status', to: 'closed' }), 'done');
    assert.equal(await change(lead, caseId, 6, { kind: 'assign', staffId: clerkB.id }), 'notAllowed', 'closed cases stay as they are');
    assert.deepEqual((await events(caseId)).filter((e) => e.kind === 'status').map((e) => `${e.details.from}>${e.details.to}`), [
      'received>in_progress', 'in_progress>decided', 'decided>in_progress', 'in_progress>decided', 'decided>closed',
    ]);
  });

  it('lets team leads assign within the department only, and steps come from the service definition', async () => {
    const caseId = await newCase();
    assert.equal(await change(lead, caseId, 1, { kind: 'assign', staffId: outsider.id }), 'unknownStaff');
    assert.equal(await change(lead, caseId, 1, { kind: 'assign', staffId: clerkB.id }), 'done');
    assert.equal(await change(clerkB, caseId, 2, { kind: 'step', step: 'in-abstimmung' }), 'notAllowed', 'steps belong to "in progress"');
    assert.equal(await change(clerkB, caseId, 2, { kind: 'status', to: 'in_progress' }), 'done');
    assert.equal(await change(clerkB, caseId, 3, { kind: 'step', step: 'ortstermin' }), 'unknownStep');
    assert.equal(await change(clerkA, caseId, 3, { kind: 'step', step: 'in-abstimmung' }), 'notAllowed', 'not Anna\'s case');
    assert.equal(await change(clerkB, caseId, 3, { kind: 'step', step: 'in-abstimmung' }), 'done');
    assert.equal((await state(caseId)).step, 'in-abstimmung');
    assert.equal(await change(clerkB, caseId, 4, { kind: 'status', to: 'waiting_for_applicant' }), 'done');
    assert.equal((await state(caseId)).step, null, 'a step ends with its stretch of processing');
  });

  it('keeps notes and history to the case\'s department (row-level security)', async () => {
    const caseId = await newCase();
    assert.equal(await addNote(app.database.db, { tenantId: tenant.id, staff: clerkA, caseId, text: 'Rückruf vereinbart' }), 'done');
    assert.equal(await addNote(app.database.db, { tenantId: tenant.id, staff: outsider, caseId, text: 'fremd' }), 'notFound');
    assert.equal(await change(outsider, caseId, 1, { kind: 'status', to: 'in_progress' }), 'notFound');
    // Direct SQL as the application role of another department, without any filter.
    const seenByOutsider = await asClerk(app.database.db, tenant.id, outsider, async (trx) => (await sql<{ n: number }>`select count(*)::int as n from case_events`.execute(trx)).rows[0]!.n);
    assert.equal(seenByOutsider, 0);
    const seenByClerk = await asClerk(app.database.db, tenant.id, clerkA, async (trx) =>
      (await sql<{ text: string }>`select details->>'text' as text from case_events where case_id = ${caseId} and kind = 'note'`.execute(trx)).rows);
    assert.deepEqual(seenByClerk, [{ text: 'Rückruf vereinbart' }]);
    const audit = await sql<{ details: Record<string, unknown> }>`select details from audit_log where tenant_id = ${tenant.id} and action = 'case.note-added' and subject = ${`case:${caseId}`}`.execute(app.database.db);
    assert.equal(audit.rows.length, 1);
    assert.doesNotMatch(JSON.stringify(audit.rows[0]!.details), /Rückruf/, 'the note text stays out of the audit log');
  });
});
