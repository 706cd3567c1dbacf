import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import type { Service } from '../catalog/index.js';
import type { StaffMember } from '../staff/index.js';
import type { CaseStatus } from './case.js';
import { insertCaseEvent, listDepartmentStaff, lockCase, updateCase } from './cases.repository.js';
import { refusal, type CaseChange, type DepartmentRole } from './workflow.js';

/** The outcome of a change: done, or why nothing was stored. */
export type ChangeOutcome = 'done' | 'notFound' | 'conflict' | NonNullable<ReturnType<typeof refusal>>;

/** Runs fn as the clerk: row-level security limits it to the clerk's departments. */
export function asClerk<T>(db: Db, tenantId: string, staff: StaffMember, fn: Parameters<typeof inTransaction<T>>[2]): Promise<T> {
  return inTransaction(db, { tenantId, departmentIds: staff.departments.map((d) => d.id) }, fn);
}

/**
 * Changes a case's status, assignee or step. The clerk names the version they saw: if anyone
 * changed the case since, nothing is stored and the outcome is "conflict" (optimistic locking).
 * Every change is recorded in the case's history and the audit log, in the same transaction.
 */
export async function changeCase(
  db: Db,
  input: { tenantId: string; staff: StaffMember; caseId: string; version: number; command: CaseChange; services: Map<string, Service> },
): Promise<ChangeOutcome> {
  return asClerk(db, input.tenantId, input.staff, (trx) => changeCaseIn(trx, input));
}

/**
 * changeCase inside the caller's transaction (run as the clerk), for use cases that change the
 * status together with more, such as asking the applicant. Stores nothing unless it returns "done".
 */
export async function changeCaseIn(
  trx: Trx,
  input: { tenantId: string; staff: StaffMember; caseId: string; version: number; command: CaseChange; services: Map<string, Service> },
): Promise<ChangeOutcome> {
  const { staff, command } = input;
  const found = await lockCase(trx, input.caseId);
  if (!found) return 'notFound';
  if (found.version !== input.version) return 'conflict';
  const role = staff.departments.find((d) => d.id === found.department_id)?.role as DepartmentRole;
  const state = { status: found.status as CaseStatus, assigneeId: found.assignee_id, step: found.step, linked: found.parent_case_id !== null };
  const context = {
    stepIds: input.services.get(found.service_id)?.definition.caseSteps.map((s) => s.id) ?? [],
    departmentStaffIds: command.kind === 'assign' ? (await listDepartmentStaff(trx, [found.department_id])).map((s) => s.id) : [],
  };
  const refused = refusal(state, command, { staffId: staff.id, role }, context);
  if (refused) return refused;

  const event = { tenantId: input.tenantId, caseId: found.id, staffId: staff.id };
  if (command.kind === 'status') {
    // Starting an unassigned case takes it; a step belongs to one stretch of "in progress".
    const takes = command.to === 'in_progress' && found.assignee_id === null;
    await updateCase(trx, found.id, found.version, {
      status: command.to,
      step: null,
      decision: command.to === 'decided' ? command.decision! : null,
      ...(takes ? { assignee_id: staff.id } : {}),
    });
    await insertCaseEvent(trx, { ...event, kind: 'status', details: { from: found.status, to: command.to, ...(command.decision && command.to === 'decided' ? { decision: command.decision } : {}) } });
    if (takes) await insertCaseEvent(trx, { ...event, kind: 'assigned', details: { staffId: staff.id } });
  } else if (command.kind === 'assign') {
    await updateCase(trx, found.id, found.version, { assignee_id: command.staffId });
    await insertCaseEvent(trx, { ...event, kind: 'assigned', details: { staffId: command.staffId } });
  } else {
    await updateCase(trx, found.id, found.version, { step: command.step });
    await insertCaseEvent(trx, { ...event, kind: 'step', details: { step: command.step } });
  }
  await recordAudit(trx, { tenantId: input.tenantId, actor: `staff:${staff.id}`, action: `case.${command.kind}-changed`, subject: `case:${found.id}`, details: { reference: found.reference, ...(command.kind === 'status' ? { from: found.status, to: command.to } : {}) } });
  return 'done';
}

/** Adds an internal note (never shown to the applicant). Notes do not conflict with each other. */
export async function addNote(db: Db, input: { tenantId: string; staff: StaffMember; caseId: string; text: string }): Promise<'done' | 'notFound'> {
  return asClerk(db, input.tenantId, input.staff, async (trx) => {
    const found = await lockCase(trx, input.caseId);
    if (!found) return 'notFound';
    await insertCaseEvent(trx, { tenantId: input.tenantId, caseId: found.id, staffId: input.staff.id, kind: 'note', details: { text: input.text } });
    // The note's text stays out of the audit log: it may name people.
    await recordAudit(trx, { tenantId: input.tenantId, actor: `staff:${input.staff.id}`, action: 'case.note-added', subject: `case:${found.id}`, details: { reference: found.reference } });
    return 'done';
  });
}
