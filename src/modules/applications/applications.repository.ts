import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

// The account's own applications and its organisations' (ADR 0023), as row-level security has it;
// said explicitly, so the query reads as what it is and uses the indexes on both columns.
const appliedForByActor = sql<boolean>`app_applies_for(s.account_id, s.organisation_id)`;

/** An application of the account as the list shows it. */
export interface ApplicationRow {
  caseId: string;
  reference: string;
  serviceId: string;
  submittedAt: Date;
  status: string;
  step: string | null;
  /** The organisation applied for, if any. */
  organisationName: string | null;
}

/** The acting account's applications, the newest first, one page (plus one row, to tell whether another page follows). */
export async function listAccountApplications(trx: Trx, page: { limit: number; offset: number }): Promise<ApplicationRow[]> {
  const rows = await trx
    .selectFrom('submissions as s')
    .innerJoin('cases as c', (join) => join.onRef('c.tenant_id', '=', 's.tenant_id').onRef('c.submission_id', '=', 's.id'))
    .select(['c.id as case_id', 's.reference', 's.service_id', 's.submitted_at', 'c.status', 'c.step', 's.organisation_name'])
    .where(appliedForByActor)
    .orderBy('s.submitted_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({
    caseId: r.case_id, reference: r.reference, serviceId: r.service_id, submittedAt: r.submitted_at, status: r.status, step: r.step, organisationName: r.organisation_name,
  }));
}

/** One application of the acting account by its case id: the reference and submission it belongs to. */
export async function findAccountApplication(trx: Trx, caseId: string): Promise<{ reference: string; submissionId: string } | undefined> {
  const row = await trx
    .selectFrom('cases as c')
    .innerJoin('submissions as s', (join) => join.onRef('s.tenant_id', '=', 'c.tenant_id').onRef('s.id', '=', 'c.submission_id'))
    .select(['c.reference', 's.id as submission_id'])
    .where('c.id', '=', caseId)
    .where(appliedForByActor)
    .executeTakeFirst();
  return row && { reference: row.reference, submissionId: row.submission_id };
}
