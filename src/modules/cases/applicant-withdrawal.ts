import { inTransaction, type Actor, type Db, type Trx } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import type { AnswerChannel } from './applicant-requests.js';
import { insertCaseEvent, updateCase } from './cases.repository.js';

/** How the applicant reached the withdrawal: the ways of answering a question, or "Meine Anträge" of their account. */
export type WithdrawalChannel = AnswerChannel | 'account';

/** Statuses from which the applicant may withdraw (policy applicant_withdraws). */
export const withdrawableStatuses: readonly string[] = ['received', 'in_progress', 'waiting_for_applicant'];

/**
 * The applicant withdraws their application while it is open. The case stays with the department,
 * with its history, until its retention period ends; a decided or closed case is no longer withdrawn.
 */
export async function withdrawApplication(db: Db, input: { actor: Actor; via: WithdrawalChannel; caseId: string }): Promise<'done' | 'notFound' | 'notOpen'> {
  return inTransaction(db, input.actor, (trx) => withdrawOpenCase(trx, input.actor.tenantId, input.caseId, { actor: 'applicant', details: { via: input.via } }));
}

/**
 * Withdraws an open case in the caller's transaction, acting for whoever it acts as (row-level
 * security lets the applicant lock only an open case of their own). `by` names who did it in the
 * audit log; a `reason` goes into the history the applicant sees (payments: `unpaid`, a fee paid
 * first that never was).
 */
export async function withdrawOpenCase(
  trx: Trx,
  tenantId: string,
  caseId: string,
  by: { actor: string; details?: Record<string, string>; reason?: 'unpaid' },
): Promise<'done' | 'notFound' | 'notOpen'> {
  // The update policy lets the applicant lock only an open case; a closed one is not returned.
  const open = await trx.selectFrom('cases').select(['id', 'reference', 'status', 'version']).where('id', '=', caseId).forUpdate().executeTakeFirst();
  if (!open || !withdrawableStatuses.includes(open.status)) {
    return (await trx.selectFrom('cases').select('id').where('id', '=', caseId).executeTakeFirst()) ? 'notOpen' : 'notFound';
  }
  const reason: Record<string, string> = by.reason ? { reason: by.reason } : {};
  await updateCase(trx, open.id, open.version, { status: 'withdrawn', step: null });
  await insertCaseEvent(trx, { tenantId, caseId: open.id, staffId: null, kind: 'status', details: { from: open.status, to: 'withdrawn', ...reason } });
  await recordAudit(trx, { tenantId, actor: by.actor, action: 'case.withdrawn', subject: `case:${open.id}`, details: { reference: open.reference, ...by.details, ...reason } });
  return 'done';
}
