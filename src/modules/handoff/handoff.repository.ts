import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { HandoffStatus } from './handoff.js';

// The town is named in every query on targets although row-level security also limits them: the
// CLI may run as a superuser, for whom the policies do not apply.

/** The target of a town's service, if it forwards its cases. */
export function findTarget(trx: Trx, tenantId: string, serviceId: string) {
  return trx.selectFrom('handoff_targets').select(['tenant_id', 'service_id', 'url', 'secret_sealed']).where('tenant_id', '=', tenantId).where('service_id', '=', serviceId).executeTakeFirst();
}

/** Every target of a town (the secret stays sealed and is not returned). */
export function listTargets(trx: Trx, tenantId: string) {
  return trx.selectFrom('handoff_targets').select(['service_id', 'url', 'updated_at']).where('tenant_id', '=', tenantId).orderBy('service_id').execute();
}

/** Creates or changes the target of a service; without a new sealed secret the old one stays. */
export async function upsertTarget(trx: Trx, target: { tenantId: string; serviceId: string; url: string; secretSealed: string | undefined }): Promise<'created' | 'updated' | 'needsSecret'> {
  const existing = await trx.selectFrom('handoff_targets').select('service_id').where('tenant_id', '=', target.tenantId).where('service_id', '=', target.serviceId).forUpdate().executeTakeFirst();
  if (!existing) {
    if (!target.secretSealed) return 'needsSecret';
    await trx.insertInto('handoff_targets').values({ tenant_id: target.tenantId, service_id: target.serviceId, url: target.url, secret_sealed: target.secretSealed }).execute();
    return 'created';
  }
  await trx
    .updateTable('handoff_targets')
    .set({ url: target.url, updated_at: sql<Date>`now()`, ...(target.secretSealed ? { secret_sealed: target.secretSealed } : {}) })
    .where('tenant_id', '=', target.tenantId)
    .where('service_id', '=', target.serviceId)
    .execute();
  return 'updated';
}

/** Removes the target of a service; deliveries already made stay on their cases. */
export async function deleteTarget(trx: Trx, tenantId: string, serviceId: string): Promise<boolean> {
  const result = await trx.deleteFrom('handoff_targets').where('tenant_id', '=', tenantId).where('service_id', '=', serviceId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** A delivery with what its body is made of: case, submission and the definition's version. */
export function findDeliveryToSend(trx: Trx, deliveryId: string) {
  return trx
    .selectFrom('handoff_deliveries as d')
    .innerJoin('cases as c', (j) => j.onRef('c.tenant_id', '=', 'd.tenant_id').onRef('c.id', '=', 'd.case_id'))
    .innerJoin('submissions as s', (j) => j.onRef('s.tenant_id', '=', 'c.tenant_id').onRef('s.id', '=', 'c.submission_id'))
    .innerJoin('definition_snapshots as v', 'v.hash', 's.definition_hash')
    .select(['d.id', 'd.status', 'd.service_id', 'c.id as case_id', 'c.reference', 's.id as submission_id', 's.answers', 's.sealed_answers', 's.data_key_id', 's.language', 's.submitted_at', 's.definition_hash', 'v.version as definition_version'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
}

/** The files of a submission as the hand-off lists them. */
export function listSubmissionFiles(trx: Trx, submissionId: string) {
  return trx.selectFrom('files').select(['filename', 'media_type', 'size', 'sha256']).where('submission_id', '=', submissionId).orderBy('created_at').orderBy('id').execute();
}

/**
 * Records an attempt on a delivery that is still waiting for it; returns its case, or undefined
 * when the delivery was no longer waiting (a stale job must not overwrite a later state).
 */
export async function recordAttempt(trx: Trx, deliveryId: string, attempt: { status: HandoffStatus; httpStatus: number | null; error: string | null }): Promise<string | undefined> {
  const row = await trx
    .updateTable('handoff_deliveries')
    .set({
      status: attempt.status,
      attempts: sql<number>`attempts + 1`,
      last_attempt_at: sql<Date>`now()`,
      http_status: attempt.httpStatus,
      error: attempt.error === null ? null : attempt.error.slice(0, 1000),
      ...(attempt.status === 'delivered' ? { delivered_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', deliveryId)
    .where('status', 'in', ['pending', 'resent'])
    .returning('case_id')
    .executeTakeFirst();
  return row?.case_id;
}

/** A delivery of a case with the case's department, locked for a resend. */
export function lockDeliveryOfCase(trx: Trx, caseId: string, deliveryId: string) {
  return trx
    .selectFrom('handoff_deliveries as d')
    .innerJoin('cases as c', (j) => j.onRef('c.tenant_id', '=', 'd.tenant_id').onRef('c.id', '=', 'd.case_id'))
    .select(['d.id', 'd.status', 'c.department_id', 'c.reference'])
    .where('d.id', '=', deliveryId)
    .where('d.case_id', '=', caseId)
    .forUpdate('d')
    .executeTakeFirst();
}

/** Marks a delivery as sent again by a clerk. */
export async function markResent(trx: Trx, deliveryId: string): Promise<void> {
  await trx.updateTable('handoff_deliveries').set({ status: 'resent' }).where('id', '=', deliveryId).execute();
}

/** The deliveries of a case visible in this transaction (its department's staff), oldest first. */
export function listDeliveries(trx: Trx, caseId: string) {
  return trx
    .selectFrom('handoff_deliveries')
    .select(['id', 'status', 'attempts', 'last_attempt_at', 'http_status', 'error', 'delivered_at'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
}

/** A "handoff" entry in the case's history: delivered, failed or resent (by a clerk). */
export async function insertHandoffEvent(trx: Trx, event: { tenantId: string; caseId: string; staffId: string | null; details: Record<string, string | number | null> }): Promise<void> {
  await trx.insertInto('case_events').values({ tenant_id: event.tenantId, case_id: event.caseId, staff_id: event.staffId, kind: 'handoff', details: JSON.stringify(event.details) }).execute();
}
