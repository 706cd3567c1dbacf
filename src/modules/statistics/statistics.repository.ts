import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { CaseFigures } from './statistics.js';

interface FigureRow {
  service_id: string | null;
  total: number; received: number; in_progress: number; waiting_for_applicant: number; decided: number; closed: number; withdrawn: number;
  online: number; overdue: number; decided_count: number; median_seconds: number | string | null;
}

/**
 * Figures of the cases received in [from, to) in the departments, per service and for all of
 * them (the row without a service), computed in one query. Linked cases (another department's
 * statement) are no applications and are left out. Processing time runs from receipt to the last
 * decision of a case that is decided or closed now; the median is PostgreSQL's percentile_cont.
 * Only counts and durations leave the database: no names, no references.
 */
export async function computeCaseFigures(trx: Trx, options: { departmentIds: string[]; from: Date; to: Date; now: Date }): Promise<CaseFigures[]> {
  const result = await sql<FigureRow>`
    with c as (
      select c.service_id, c.status, c.channel, c.created_at, c.due_at,
             (select max(e.occurred_at) from case_events e where e.case_id = c.id and e.kind = 'status' and e.details->>'to' = 'decided') as decided_at
      from cases c
      where c.department_id in (${sql.join(options.departmentIds)}) and c.parent_case_id is null
        and c.created_at >= ${options.from} and c.created_at < ${options.to}
    )
    select case when grouping(service_id) = 1 then null else service_id end as service_id,
           count(*)::int as total,
           (count(*) filter (where status = 'received'))::int as received,
           (count(*) filter (where status = 'in_progress'))::int as in_progress,
           (count(*) filter (where status = 'waiting_for_applicant'))::int as waiting_for_applicant,
           (count(*) filter (where status = 'decided'))::int as decided,
           (count(*) filter (where status = 'closed'))::int as closed,
           (count(*) filter (where status = 'withdrawn'))::int as withdrawn,
           (count(*) filter (where channel = 'online'))::int as online,
           (count(*) filter (where status in ('received', 'in_progress', 'waiting_for_applicant') and due_at < ${options.now}))::int as overdue,
           (count(*) filter (where decided_at is not null and status in ('decided', 'closed')))::int as decided_count,
           percentile_cont(0.5) within group (order by extract(epoch from decided_at - created_at))
             filter (where decided_at is not null and status in ('decided', 'closed')) as median_seconds
    from c
    group by grouping sets ((service_id), ())
    order by grouping(service_id), service_id`.execute(trx);
  return result.rows.map((r) => ({
    serviceId: r.service_id,
    total: Number(r.total),
    byStatus: { received: Number(r.received), in_progress: Number(r.in_progress), waiting_for_applicant: Number(r.waiting_for_applicant), decided: Number(r.decided), closed: Number(r.closed), withdrawn: Number(r.withdrawn) },
    online: Number(r.online),
    overdue: Number(r.overdue),
    decided: Number(r.decided_count),
    medianProcessingDays: r.median_seconds === null ? null : Number(r.median_seconds) / 86_400,
  }));
}

/** How many statements for other departments (linked cases) the departments received in [from, to). */
export async function countLinkedCases(trx: Trx, options: { departmentIds: string[]; from: Date; to: Date }): Promise<number> {
  const row = await trx.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('department_id', 'in', options.departmentIds).where('parent_case_id', 'is not', null)
    .where('created_at', '>=', options.from).where('created_at', '<', options.to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
