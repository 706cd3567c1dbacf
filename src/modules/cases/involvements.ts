import { randomUUID } from 'node:crypto';
import type { Keyring } from '../../platform/crypto/keyring.js';
import type { Db, Trx } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import type { Service } from '../catalog/index.js';
import { shareAnswers } from '../forms/index.js';
import type { StaffMember } from '../staff/index.js';
import { listDepartments } from '../tenants/tenants.repository.js';
import type { CaseStatus } from './case.js';
import { insertCaseEvent, lockCase, updateCase } from './cases.repository.js';
import { asClerk } from './cases.service.js';
import { refusal, type DepartmentRole } from './workflow.js';

/** Why an involvement was not created or answered, or "done". */
export type InvolvementOutcome = 'done' | 'notFound' | 'conflict' | 'notAllowed' | 'unknownInvolvement' | 'alreadyInvolved' | 'noDepartment';

/** Only the named "step.field" answers: what the involved department may see. */
export function pickFields<V>(answers: Record<string, Record<string, V>>, fields: string[]): Record<string, Record<string, V>> {
  const shared: Record<string, Record<string, V>> = {};
  for (const path of fields) {
    const [step, field] = path.split('.') as [string, string];
    const value = answers[step]?.[field];
    if (value !== undefined) (shared[step] ??= {})[field] = value;
  }
  return shared;
}

async function lockedForChange(trx: Trx, staff: StaffMember, caseId: string, version: number) {
  const found = await lockCase(trx, caseId);
  if (!found) return 'notFound' as const;
  if (found.version !== version) return 'conflict' as const;
  const role = staff.departments.find((d) => d.id === found.department_id)?.role as DepartmentRole;
  return { found, actor: { staffId: staff.id, role }, state: { status: found.status as CaseStatus, assigneeId: found.assignee_id, step: found.step } };
}

/**
 * Involves another department (Beteiligung): creates a linked case there that carries only the
 * fields the service definition names for this involvement, and records the request on both sides.
 */
export async function involveDepartment(
  deps: { db: Db; keyring: Keyring },
  input: { tenantId: string; staff: StaffMember; caseId: string; version: number; involvementId: string; question: string; services: Map<string, Service> },
): Promise<InvolvementOutcome> {
  return asClerk(deps.db, input.tenantId, input.staff, async (trx) => {
    const locked = await lockedForChange(trx, input.staff, input.caseId, input.version);
    if (typeof locked === 'string') return locked;
    const { found } = locked;
    if (refusal(locked.state, { kind: 'involve' }, locked.actor, { stepIds: [], departmentStaffIds: [] })) return 'notAllowed';
    const involvement = input.services.get(found.service_id)?.definition.involvements.find((i) => i.id === input.involvementId);
    if (!involvement) return 'unknownInvolvement';
    const department = (await listDepartments(trx)).find((d) => d.key === involvement.department);
    if (!department || department.id === found.department_id) return 'noDepartment';
    const earlier = await trx.selectFrom('case_involvements').select(['answer']).where('parent_case_id', '=', found.id).where('involvement_id', '=', involvement.id).execute();
    if (earlier.some((e) => e.answer === null)) return 'alreadyInvolved';
    const submission = await trx.selectFrom('submissions').select(['answers', 'sealed_answers', 'data_key_id', 'definition_hash']).where('id', '=', found.submission_id).executeTakeFirstOrThrow();

    const linkedCaseId = randomUUID();
    // A sensitive field shared with the other department stays sealed there, now for the linked case (ADR 0025).
    const stored = { answers: submission.answers, sealed: submission.sealed_answers, dataKeyId: submission.data_key_id };
    const shared = await shareAnswers(deps.keyring, trx, input.tenantId, { owner: { submissionId: found.submission_id }, stored }, { linkedCaseId }, (a) => pickFields(a, involvement.fields));
    await trx.insertInto('cases').values({
      tenant_id: input.tenantId,
      id: linkedCaseId,
      submission_id: found.submission_id,
      department_id: department.id,
      reference: `${found.reference}-B${earlier.length + 1}`,
      service_id: found.service_id,
      parent_case_id: found.id,
      shared_answers: JSON.stringify(shared.answers),
      shared_sealed_answers: shared.sealed,
      shared_data_key_id: shared.dataKeyId,
    }).execute();
    await trx.insertInto('case_involvements').values({
      tenant_id: input.tenantId,
      id: randomUUID(),
      parent_case_id: found.id,
      linked_case_id: linkedCaseId,
      involvement_id: involvement.id,
      asking_department_id: found.department_id,
      involved_department_id: department.id,
      definition_hash: submission.definition_hash,
      question: input.question,
      requested_by: input.staff.id,
    }).execute();
    await updateCase(trx, found.id, found.version, {});
    await insertCaseEvent(trx, { tenantId: input.tenantId, caseId: found.id, staffId: input.staff.id, kind: 'involvement', details: { involvement: involvement.id, departmentId: department.id } });
    await recordAudit(trx, { tenantId: input.tenantId, actor: `staff:${input.staff.id}`, action: 'case.involvement-requested', subject: `case:${found.id}`, details: { reference: found.reference, involvement: involvement.id, fields: involvement.fields.join(',') } });
    return 'done';
  });
}

/** Answers an involvement on the linked case: the answer goes back to the asking case, and the linked case closes. */
export async function answerInvolvement(db: Db, input: { tenantId: string; staff: StaffMember; caseId: string; version: number; answer: string }): Promise<InvolvementOutcome> {
  return asClerk(db, input.tenantId, input.staff, async (trx) => {
    const locked = await lockedForChange(trx, input.staff, input.caseId, input.version);
    if (typeof locked === 'string') return locked;
    const { found } = locked;
    if (refusal(locked.state, { kind: 'answer' }, locked.actor, { stepIds: [], departmentStaffIds: [] })) return 'notAllowed';
    const answered = await trx
      .updateTable('case_involvements')
      .set({ answer: input.answer, answered_by: input.staff.id, answered_at: new Date() })
      .where('linked_case_id', '=', found.id)
      .where('answer', 'is', null)
      .executeTakeFirst();
    if (Number(answered.numUpdatedRows) !== 1) return 'notAllowed';
    await updateCase(trx, found.id, found.version, { status: 'closed', step: null });
    await insertCaseEvent(trx, { tenantId: input.tenantId, caseId: found.id, staffId: input.staff.id, kind: 'status', details: { from: found.status, to: 'closed' } });
    await recordAudit(trx, { tenantId: input.tenantId, actor: `staff:${input.staff.id}`, action: 'case.involvement-answered', subject: `case:${found.id}`, details: { reference: found.reference } });
    return 'done';
  });
}

/** The involvements of an asking case, oldest first. */
export function listInvolvements(trx: Trx, parentCaseId: string) {
  return trx.selectFrom('case_involvements').selectAll().where('parent_case_id', '=', parentCaseId).orderBy('requested_at').execute();
}

/** The request a linked case answers, if the case is one. */
export function findInvolvementOfLinkedCase(trx: Trx, linkedCaseId: string) {
  return trx.selectFrom('case_involvements').selectAll().where('linked_case_id', '=', linkedCaseId).executeTakeFirst();
}
