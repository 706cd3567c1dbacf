import type { Trx } from '../../platform/db/database.js';

/** A line of a department's inbox. */
export interface InboxRow {
  id: string;
  reference: string;
  serviceId: string;
  status: string;
  createdAt: Date;
  departmentId: string;
}

/** The newest cases visible to the actor (row-level security limits them to the actor's departments). */
export async function listInbox(trx: Trx, options: { limit: number; offset: number }): Promise<{ rows: InboxRow[]; total: number }> {
  const rows = await trx
    .selectFrom('cases')
    .select(['id', 'reference', 'service_id', 'status', 'created_at', 'department_id'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  const total = await trx.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return {
    rows: rows.map((r) => ({ id: r.id, reference: r.reference, serviceId: r.service_id, status: r.status, createdAt: r.created_at, departmentId: r.department_id })),
    total: Number(total.n),
  };
}

/** One case with its submission, if the actor's departments may see it. */
export async function findCaseWithSubmission(trx: Trx, caseId: string) {
  return trx
    .selectFrom('cases')
    .innerJoin('submissions', (j) => j.onRef('submissions.tenant_id', '=', 'cases.tenant_id').onRef('submissions.id', '=', 'cases.submission_id'))
    .select([
      'cases.id', 'cases.reference', 'cases.status', 'cases.created_at', 'cases.department_id', 'cases.service_id',
      'submissions.id as submission_id', 'submissions.answers', 'submissions.definition_hash', 'submissions.submitted_at', 'submissions.language',
    ])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
}
