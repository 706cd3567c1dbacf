import type { Trx } from '../../platform/db/database.js';

/** The reference a status link is for; row-level security finds it only with the link's token. */
export async function findLinkedReference(trx: Trx, tokenHash: string): Promise<string | undefined> {
  return (await trx.selectFrom('status_links').select('reference').where('token_hash', '=', tokenHash).executeTakeFirst())?.reference;
}

/** The reference of a submission whose receipt this transaction holds. */
export async function findReceiptReference(trx: Trx, submissionId: string): Promise<string | undefined> {
  return (await trx.selectFrom('submissions').select('reference').where('id', '=', submissionId).executeTakeFirst())?.reference;
}

/** The case of a reference as its applicant sees it: no assignee, no department, no notes. */
export async function findApplicantCase(trx: Trx, reference: string) {
  return trx.selectFrom('cases').select(['id', 'reference', 'service_id', 'status', 'step', 'created_at']).where('reference', '=', reference).executeTakeFirst();
}

/** When the case's status changed and to what, oldest first (the applicant may read only these entries). */
export async function listStatusChanges(trx: Trx, caseId: string): Promise<Array<{ occurredAt: Date; to: string }>> {
  const rows = await trx.selectFrom('case_events').select(['occurred_at', 'details']).where('case_id', '=', caseId).where('kind', '=', 'status').orderBy('id').execute();
  return rows.map((r) => ({ occurredAt: r.occurred_at, to: String(r.details.to) }));
}
