import { sql, type RawBuilder } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { RetentionRule } from './retention.js';

/** A closed case whose retention period ends (or ended) at `deleteAfter`, with its linked cases. */
export interface DueCase {
  id: string;
  reference: string;
  serviceId: string;
  departmentId: string;
  closedAt: Date;
  years: number;
  deleteAfter: Date;
}

/** What a deleted case leaves behind (deleted_cases). */
export interface CaseStub {
  caseId: string;
  reference: string;
  serviceId: string;
  parentCaseId: string | null;
  closedAt: Date;
  retentionYears: number;
}

/**
 * Switches the transaction to the retention job's own role, rathaus_retention (migration
 * 20261122200000): it alone may delete cases, and its policies show it the town's closed cases
 * and let it delete exactly what it has written a stub for. Row-level security still applies.
 */
export async function actAsRetentionJob(trx: Trx): Promise<void> {
  await sql`select set_config('role', 'rathaus_retention', true)`.execute(trx);
}

/** Serialises deletion batches per town, so two workers never delete the same cases at once. */
export async function lockRetentionRun(trx: Trx, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`retention:${tenantId}`}, 0))`.execute(trx);
}

// When a case was closed: its last status change to closed or withdrawn. updated_at stands in for
// a case that has none (closed cases are never changed again).
const closedAtOf = (alias: string) => sql.raw(`coalesce((select max(e.occurred_at) from case_events e
  where e.case_id = ${alias}.id and e.kind = 'status' and e.details->>'to' in ('closed', 'withdrawn')), ${alias}.updated_at)`);

function rulesTable(rules: RetentionRule[]): RawBuilder<unknown> {
  return sql`select * from jsonb_to_recordset(${JSON.stringify(rules.map((r) => ({ service_id: r.serviceId, years: r.years })))}::jsonb) as r(service_id text, years int)`;
}

/**
 * Closed cases (not linked ones: those go with the case that asked) whose retention period ends
 * before `dueBefore`. A case whose involvement of another department is still open is not due;
 * once all are answered it counts as closed at its latest closing or answer. Sees what the
 * transaction's row-level security lets it see: a department's cases, or the town's closed ones
 * for the retention job.
 */
function dueCases(rules: RetentionRule[], options: { dueBefore: Date; departmentIds?: string[] }): RawBuilder<unknown> {
  const departments = options.departmentIds;
  if (departments && departments.length === 0) throw new Error('no departments given');
  return sql`
    with rule as (${rulesTable(rules)}),
    closed as (
      select c.id, c.reference, c.service_id, c.department_id,
             greatest(${closedAtOf('c')}, (select max(i.answered_at) from case_involvements i where i.parent_case_id = c.id)) as closed_at
      from cases c
      where c.status in ('closed', 'withdrawn') and c.parent_case_id is null
        ${departments ? sql`and c.department_id in (${sql.join(departments)})` : sql``}
        and not exists (select 1 from case_involvements i where i.parent_case_id = c.id and i.answered_at is null)
    )
    select cl.id, cl.reference, cl.service_id, cl.department_id, cl.closed_at, r.years,
           cl.closed_at + make_interval(years => r.years) as delete_after
    from closed cl join rule r on r.service_id = cl.service_id
    where cl.closed_at + make_interval(years => r.years) < ${options.dueBefore}`;
}

interface DueRow { id: string; reference: string; service_id: string; department_id: string; closed_at: Date; years: number; delete_after: Date }

const toDueCase = (r: DueRow): DueCase => ({
  id: r.id, reference: r.reference, serviceId: r.service_id, departmentId: r.department_id,
  closedAt: new Date(r.closed_at), years: Number(r.years), deleteAfter: new Date(r.delete_after),
});

/** The cases due before a time, those due first first. */
export async function listDueCases(trx: Trx, rules: RetentionRule[], options: { dueBefore: Date; departmentIds?: string[]; limit: number }): Promise<DueCase[]> {
  if (rules.length === 0) return [];
  const result = await sql<DueRow>`select * from (${dueCases(rules, options)}) due order by delete_after, id limit ${options.limit}`.execute(trx);
  return result.rows.map(toDueCase);
}

/** Per service: how many cases are overdue at `now`, and how many become due before `dueBefore`. */
export async function countDueCases(trx: Trx, rules: RetentionRule[], options: { now: Date; dueBefore: Date; departmentIds?: string[] }): Promise<Map<string, { overdue: number; dueSoon: number }>> {
  if (rules.length === 0) return new Map();
  const result = await sql<{ service_id: string; overdue: number; due_soon: number }>`
    select service_id, (count(*) filter (where delete_after < ${options.now}))::int as overdue,
           (count(*) filter (where delete_after >= ${options.now}))::int as due_soon
    from (${dueCases(rules, options)}) due group by service_id`.execute(trx);
  return new Map(result.rows.map((r) => [r.service_id, { overdue: Number(r.overdue), dueSoon: Number(r.due_soon) }]));
}

/** How many stubs the departments' deleted cases left since a time. */
export async function countDeletedSince(trx: Trx, departmentIds: string[], since: Date): Promise<number> {
  const row = await trx.selectFrom('deleted_cases').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('department_id', 'in', departmentIds).where('deleted_at', '>=', since).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Deletes due cases with everything that belongs to them, in the caller's transaction (as the
 * retention job's role): first a stub per case (the policies allow deleting only what has one), then
 * involvements, postbox read marks, history, documents, the cases, status links, file rows and the
 * submission. The stored files' addresses are queued in file_deletions; the bytes go after the
 * commit. Returns the stubs. Throws, and so rolls everything back, when any row the deletion needs
 * is hidden or still referenced (a table added later that points at cases stops it with its
 * foreign key).
 */
export async function deleteCases(trx: Trx, tenantId: string, rules: RetentionRule[], parents: DueCase[]): Promise<CaseStub[]> {
  if (parents.length === 0) return [];
  const parentIds = parents.map((p) => p.id);
  const stubs = await sql<{ case_id: string; reference: string; service_id: string; parent_case_id: string | null; submission_id: string; closed_at: Date; retention_years: number }>`
    with rule as (${rulesTable(rules)})
    insert into deleted_cases (tenant_id, case_id, reference, service_id, department_id, parent_case_id, submission_id, received_at, closed_at, retention_years, reason)
    select c.tenant_id, c.id, c.reference, c.service_id, c.department_id, c.parent_case_id, c.submission_id, c.created_at, ${closedAtOf('c')}, r.years, 'retention'
    from cases c join rule r on r.service_id = c.service_id
    where c.id in (${sql.join(parentIds)}) or c.parent_case_id in (${sql.join(parentIds)})
    returning case_id, reference, service_id, parent_case_id, submission_id, closed_at, retention_years`.execute(trx);
  const caseIds = stubs.rows.map((s) => s.case_id);
  const submissionIds = [...new Set(stubs.rows.map((s) => s.submission_id))];
  const references = stubs.rows.map((s) => s.reference);
  if (stubs.rows.filter((s) => s.parent_case_id === null).length !== parents.length) throw new Error('retention: a due case could not be stubbed');

  await sql`
    insert into file_deletions (tenant_id, sha256)
    select tenant_id, sha256 from files where submission_id in (${sql.join(submissionIds)})
    union select tenant_id, file_sha256 from case_documents where case_id in (${sql.join(caseIds)})
    on conflict do nothing`.execute(trx);
  await trx.deleteFrom('case_involvements').where('parent_case_id', 'in', parentIds).execute();
  // The postbox's read marks name the questions and letters deleted next.
  await trx.deleteFrom('postbox_reads').where('case_id', 'in', caseIds).execute();
  await trx.deleteFrom('case_events').where('case_id', 'in', caseIds).execute();
  await trx.deleteFrom('case_documents').where('case_id', 'in', caseIds).execute();
  await trx.deleteFrom('handoff_deliveries').where('case_id', 'in', caseIds).execute();
  // Files first: an answer's files name the question they answer.
  await trx.deleteFrom('files').where('submission_id', 'in', submissionIds).execute();
  await trx.deleteFrom('applicant_requests').where('case_id', 'in', caseIds).execute();
  // Payments are bookings kept longer than the case, without personal data: only their link goes (ADR 0027).
  await trx.updateTable('payments').set({ case_id: null, notice_account_id: null }).where('case_id', 'in', caseIds).execute();
  const deletedCases = await trx.deleteFrom('cases').where('id', 'in', caseIds).executeTakeFirst();
  if (Number(deletedCases.numDeletedRows) !== caseIds.length) throw new Error('retention: not every stubbed case could be deleted');
  await trx.deleteFrom('status_links').where('reference', 'in', references).execute();
  const deletedSubmissions = await trx.deleteFrom('submissions').where('id', 'in', submissionIds).executeTakeFirst();
  if (Number(deletedSubmissions.numDeletedRows) !== submissionIds.length) throw new Error('retention: not every submission could be deleted');
  // A job that failed for good keeps its payload (e-mail address) for inspection; not past this.
  await sql`update jobs set payload = '{}', done_at = coalesce(done_at, now()),
              last_error = case when done_at is null then 'case deleted after its retention period' else last_error end
            where tenant_id = ${tenantId} and done_at is null and payload->>'reference' in (${sql.join(references)})`.execute(trx);
  return stubs.rows.map((s) => ({
    caseId: s.case_id, reference: s.reference, serviceId: s.service_id, parentCaseId: s.parent_case_id,
    closedAt: new Date(s.closed_at), retentionYears: Number(s.retention_years),
  }));
}

/** Stored files whose rows are gone, oldest first. */
export async function listFileDeletions(trx: Trx, limit: number): Promise<string[]> {
  const rows = await trx.selectFrom('file_deletions').select('sha256').orderBy('requested_at').orderBy('sha256').limit(limit).execute();
  return rows.map((r) => r.sha256);
}

/** Whether any row in any town still names the stored file (see file_address_in_use). */
export async function fileAddressInUse(trx: Trx, sha256: string): Promise<boolean> {
  const row = await sql<{ used: boolean }>`select file_address_in_use(${sha256}) as used`.execute(trx);
  return row.rows[0]!.used;
}

/** Forgets a queued file deletion once the bytes are gone (or still in use elsewhere). */
export async function removeFileDeletion(trx: Trx, sha256: string): Promise<void> {
  await trx.deleteFrom('file_deletions').where('sha256', '=', sha256).execute();
}

/** The job kind of the daily retention run. */
export const retentionJob = 'retention.run';

/**
 * Makes sure the town has one retention run waiting, at the next 03:00 in Europe/Berlin (a quiet
 * hour). Every app process calls it; the lock makes the check and the insert one step.
 */
export async function scheduleRetentionRun(trx: Trx, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`retention-schedule:${tenantId}`}, 0))`.execute(trx);
  await sql`
    insert into jobs (tenant_id, kind, payload, run_at)
    select ${tenantId}::uuid, ${retentionJob}, '{}'::jsonb, case when now() < next.today then next.today else next.tomorrow end
    from (select (day + interval '3 hours') at time zone 'Europe/Berlin' as today, (day + interval '1 day 3 hours') at time zone 'Europe/Berlin' as tomorrow
          from (select date_trunc('day', now() at time zone 'Europe/Berlin') as day) berlin) next
    where not exists (select 1 from jobs where tenant_id = ${tenantId}::uuid and kind = ${retentionJob} and done_at is null and attempts < max_attempts)`.execute(trx);
}

/** The services the departments are responsible for in the town. */
export async function listDepartmentServices(trx: Trx, departmentIds: string[]): Promise<string[]> {
  const rows = await trx.selectFrom('tenant_services').select('service_id').where('department_id', 'in', departmentIds).orderBy('service_id').execute();
  return rows.map((r) => r.service_id);
}
