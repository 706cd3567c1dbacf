import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

/** A line of a department's inbox. */
export interface InboxRow {
  id: string;
  reference: string;
  serviceId: string;
  status: string;
  createdAt: Date;
  departmentId: string;
  assigneeId: string | null;
  dueAt: Date | null;
  /** The applicant answered a question and nobody has acted on the case since. */
  replyReceived: boolean;
}

/** The inbox's views: new cases, the clerk's own, everything of the team, and what is overdue. */
export const inboxViews = ['neu', 'meine', 'team', 'ueberfaellig'] as const;
export type InboxView = (typeof inboxViews)[number];
export const inboxSorts = ['neueste', 'aelteste', 'frist'] as const;
export type InboxSort = (typeof inboxSorts)[number];

/** What the clerk narrowed the inbox down to (already validated). */
export interface InboxFilter {
  view: InboxView;
  /** Words to find in the case's data, or a whole reference number. */
  q?: string;
  serviceId?: string;
  status?: string;
  /** "none" for unassigned cases. */
  assigneeId?: string;
  receivedFrom?: Date;
  receivedBefore?: Date;
  sort: InboxSort;
}

const openStatuses = ['received', 'in_progress', 'waiting_for_applicant'];
const wholeReference = /^[A-Z]{2,5}-\d{4}-\d{6}$/;

// Counting stops here: beyond it the page says "more than 10,000", and counting stays cheap.
export const inboxCountLimit = 10_000;

/**
 * A page of cases and how many match (up to inboxCountLimit + 1). Row-level security limits them
 * to the clerk's departments; naming those departments here as well lets PostgreSQL read a single
 * department's newest cases straight from its index instead of sorting all of them.
 */
export async function listInbox(trx: Trx, options: { filter: InboxFilter; staffId: string; departmentIds: string[]; limit: number; offset: number }): Promise<{ rows: InboxRow[]; total: number }> {
  const f = options.filter;
  // Someone in no department (a town admin, or a clerk whose roles were all revoked) has an empty inbox; `in ()` is no SQL.
  if (options.departmentIds.length === 0) return { rows: [], total: 0 };
  let query = trx.selectFrom('cases').where('department_id', 'in', options.departmentIds);
  if (f.view === 'neu') query = query.where('status', '=', 'received');
  if (f.view === 'meine') query = query.where('assignee_id', '=', options.staffId).where('status', 'in', openStatuses);
  if (f.view === 'ueberfaellig') query = query.where('status', 'in', openStatuses).where('due_at', '<', new Date());
  if (f.q) {
    const q = f.q.toUpperCase();
    query = wholeReference.test(q) ? query.where('reference', '=', q) : query.where(sql<boolean>`search @@ websearch_to_tsquery('german', ${f.q})`);
  }
  if (f.serviceId) query = query.where('service_id', '=', f.serviceId);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.assigneeId) query = f.assigneeId === 'none' ? query.where('assignee_id', 'is', null) : query.where('assignee_id', '=', f.assigneeId);
  if (f.receivedFrom) query = query.where('created_at', '>=', f.receivedFrom);
  if (f.receivedBefore) query = query.where('created_at', '<', f.receivedBefore);
  const ordered = f.sort === 'frist'
    ? query.orderBy(sql`due_at asc nulls last`)
    : query.orderBy('created_at', f.sort === 'aelteste' ? 'asc' : 'desc');
  const rows = await ordered
    .select(['id', 'reference', 'service_id', 'status', 'created_at', 'department_id', 'assignee_id', 'due_at'])
    // Only for the page's rows, by the index on applicant_requests (case_id, ...).
    .select(sql<boolean>`exists (select 1 from applicant_requests r where r.case_id = cases.id and r.state = 'answered' and r.answered_case_version = cases.version)`.as('reply_received'))
    .orderBy('id')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  const total = await trx
    .selectFrom(query.select('id').limit(inboxCountLimit + 1).as('matches'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    rows: rows.map((r) => ({ id: r.id, reference: r.reference, serviceId: r.service_id, status: r.status, createdAt: r.created_at, departmentId: r.department_id, assigneeId: r.assignee_id, dueAt: r.due_at, replyReceived: r.reply_received })),
    total: Number(total.n),
  };
}

/** One case with its submission, if the actor's departments may see it. */
export async function findCaseWithSubmission(trx: Trx, caseId: string) {
  // Left join: a linked case (another department involved) cannot read the submission at all.
  return trx
    .selectFrom('cases')
    .leftJoin('submissions', (j) => j.onRef('submissions.tenant_id', '=', 'cases.tenant_id').onRef('submissions.id', '=', 'cases.submission_id'))
    .select([
      'cases.id', 'cases.reference', 'cases.status', 'cases.created_at', 'cases.department_id', 'cases.service_id',
      'cases.version', 'cases.assignee_id', 'cases.due_at', 'cases.step', 'cases.decision', 'cases.parent_case_id', 'cases.shared_answers',
      'cases.shared_sealed_answers', 'cases.shared_data_key_id', 'cases.tenant_id',
      'cases.submission_id', 'submissions.answers', 'submissions.sealed_answers', 'submissions.data_key_id', 'submissions.definition_hash', 'submissions.submitted_at', 'submissions.account_id',
      'submissions.organisation_name',
    ])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
}

/** The state a change is checked against, locked until the transaction ends. */
export async function lockCase(trx: Trx, caseId: string) {
  return trx
    .selectFrom('cases')
    .select(['id', 'reference', 'status', 'version', 'assignee_id', 'step', 'department_id', 'service_id', 'submission_id', 'parent_case_id'])
    .where('id', '=', caseId)
    .forUpdate()
    .executeTakeFirst();
}

/** Applies a change made on `version` and moves the case to the next version. */
export async function updateCase(
  trx: Trx,
  caseId: string,
  version: number,
  changes: { status?: string; assignee_id?: string; step?: string | null; decision?: string | null },
): Promise<void> {
  await trx
    .updateTable('cases')
    .set({ ...changes, version: version + 1, updated_at: new Date() })
    .where('id', '=', caseId)
    .where('version', '=', version)
    .executeTakeFirstOrThrow();
}

/** Adds an entry to a case's history. */
export async function insertCaseEvent(trx: Trx, event: { tenantId: string; caseId: string; staffId: string | null; kind: 'status' | 'assigned' | 'step' | 'note' | 'involvement' | 'request' | 'reply'; details: Record<string, unknown> }): Promise<void> {
  await trx
    .insertInto('case_events')
    .values({ tenant_id: event.tenantId, case_id: event.caseId, staff_id: event.staffId, kind: event.kind, details: JSON.stringify(event.details) })
    .execute();
}

/** A case's history, oldest first, with the names of the staff involved. */
export async function listCaseEvents(trx: Trx, caseId: string) {
  return trx
    .selectFrom('case_events')
    .leftJoin('staff', (j) => j.onRef('staff.tenant_id', '=', 'case_events.tenant_id').onRef('staff.id', '=', 'case_events.staff_id'))
    .select(['case_events.id', 'case_events.occurred_at', 'case_events.kind', 'case_events.details', 'staff.name as staff_name'])
    .where('case_events.case_id', '=', caseId)
    .orderBy('case_events.id')
    .execute();
}

/** The staff of some departments (for assigning and filtering cases), by name. */
export async function listDepartmentStaff(trx: Trx, departmentIds: string[]): Promise<Array<{ id: string; name: string }>> {
  if (departmentIds.length === 0) return [];
  return trx
    .selectFrom('staff_departments')
    .innerJoin('staff', (j) => j.onRef('staff.tenant_id', '=', 'staff_departments.tenant_id').onRef('staff.id', '=', 'staff_departments.staff_id'))
    .select(['staff.id', 'staff.name'])
    .distinct()
    .where('staff_departments.department_id', 'in', departmentIds)
    // A deactivated account can no longer be given cases (ADR 0013).
    .where('staff.deactivated_at', 'is', null)
    .orderBy('staff.name')
    .orderBy('staff.id')
    .execute();
}
