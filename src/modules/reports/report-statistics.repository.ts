import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { Localized } from '../../platform/i18n/i18n.js';

/** Which reports a figure counts: filed in [from, to) and now in one of the departments. */
export interface StatisticsScope { departmentIds: readonly string[]; from: Date; to: Date }

const doneStatus = sql.lit('done');

/** Reports per category and month of filing (Europe/Berlin), split into open and closed. */
export async function countReportsByMonth(trx: Trx, scope: StatisticsScope): Promise<Array<{ code: string; name: Localized; month: string; open: number; closed: number }>> {
  const { rows } = await sql<{ code: string; name: Localized; month: string; open: number; closed: number }>`
    select c.code, c.name, to_char(r.created_at at time zone 'Europe/Berlin', 'YYYY-MM') as month,
           count(*) filter (where r.status in ('received', 'in_progress'))::int as open,
           count(*) filter (where r.status in ('done', 'rejected'))::int as closed
    from reports r join report_categories c on c.tenant_id = r.tenant_id and c.id = r.category_id
    where r.department_id = any(${sql.val([...scope.departmentIds])}::uuid[]) and r.created_at >= ${scope.from} and r.created_at < ${scope.to}
    group by c.code, c.name, month order by month, c.code`.execute(trx);
  return rows;
}

/**
 * Median days from filing to done per category, over the reports done now. Done when the last
 * status change to done says so (report_events, which RLS shows to the departments in the
 * transaction); a report set done without such an entry counts from its last change.
 */
export async function medianDaysToDone(trx: Trx, scope: StatisticsScope): Promise<Array<{ code: string; name: Localized; done: number; medianDays: number }>> {
  const { rows } = await sql<{ code: string; name: Localized; done: number; median_days: number }>`
    select c.code, c.name, count(*)::int as done,
           percentile_cont(0.5) within group (order by extract(epoch from (coalesce(e.done_at, r.updated_at) - r.created_at)) / 86400)::float8 as median_days
    from reports r
    join report_categories c on c.tenant_id = r.tenant_id and c.id = r.category_id
    left join lateral (select max(occurred_at) as done_at from report_events
                       where tenant_id = r.tenant_id and report_id = r.id and kind = 'status' and details->>'to' = ${doneStatus}) e on true
    where r.status = ${doneStatus} and r.department_id = any(${sql.val([...scope.departmentIds])}::uuid[]) and r.created_at >= ${scope.from} and r.created_at < ${scope.to}
    group by c.code, c.name order by c.code`.execute(trx);
  return rows.map((r) => ({ code: r.code, name: r.name, done: r.done, medianDays: r.median_days }));
}

/** Reports per grid cell (cell = south-west corner index in steps of the given degrees), most first. */
export async function countReportsPerCell(trx: Trx, scope: StatisticsScope, step: { lat: number; lon: number }): Promise<Array<{ y: number; x: number; count: number }>> {
  const { rows } = await sql<{ y: number; x: number; count: number }>`
    select floor(r.lat / ${step.lat})::int as y, floor(r.lon / ${step.lon})::int as x, count(*)::int as count
    from reports r
    where r.department_id = any(${sql.val([...scope.departmentIds])}::uuid[]) and r.created_at >= ${scope.from} and r.created_at < ${scope.to}
    group by 1, 2 order by count desc, y, x`.execute(trx);
  return rows;
}
