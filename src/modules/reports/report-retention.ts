import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';

const batchSize = 100;
const maxBatches = 20;

/**
 * Removes the private part of the town's reports closed (done or rejected) longer than the town's
 * `retention_days` ago (ADR 0026, "Retention"), as part of the retention job (ADR 0011), in the
 * retention job's role (`asRetentionJob` runs one transaction of the town in it): description and address as typed, the e-mail, answers,
 * the reasons it was held, and the unreleased photos (their files are queued in file_deletions,
 * removed after the commit by the retention run). Payloads of the report's mail jobs, which name the
 * e-mail, are emptied too. One transaction per batch; one audit entry per report. Returns how many
 * reports were redacted.
 */
export async function redactClosedReports(asRetentionJob: <T>(fn: (trx: Trx) => Promise<T>) => Promise<T>, tenantId: string, options: { actor: string; now: Date }): Promise<number> {
  let redacted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const ids = await asRetentionJob(async (trx) => {
      const due = await trx.selectFrom('report_details as d')
        .innerJoin('reports as r', (j) => j.onRef('r.tenant_id', '=', 'd.tenant_id').onRef('r.id', '=', 'd.report_id'))
        .innerJoin('report_areas as a', 'a.tenant_id', 'd.tenant_id')
        .select('d.report_id').where('d.redacted_at', 'is', null).where('r.status', 'in', ['done', 'rejected'])
        .where(sql<boolean>`r.updated_at < ${options.now}::timestamptz - make_interval(days => a.retention_days)`)
        .orderBy('r.updated_at').limit(batchSize).forUpdate('d').execute();
      const reportIds = due.map((r) => r.report_id);
      if (reportIds.length === 0) return reportIds;
      await sql`insert into file_deletions (tenant_id, sha256)
        select tenant_id, sha256 from report_photos where report_id in (${sql.join(reportIds)}) and not released
        union select tenant_id, thumbnail_sha256 from report_photos where report_id in (${sql.join(reportIds)}) and not released
        on conflict do nothing`.execute(trx);
      await trx.deleteFrom('report_photos').where('report_id', 'in', reportIds).where('released', '=', false).execute();
      await trx.updateTable('report_details').set({
        description: '', address: null, reporter_email: null, attributes: '{}', held_for: [], redacted_at: options.now,
      }).where('report_id', 'in', reportIds).execute();
      await sql`update jobs set payload = '{}', done_at = coalesce(done_at, now()),
                  last_error = case when done_at is null then 'report redacted after its retention period' else last_error end
                where tenant_id = ${tenantId} and kind like 'reports.%' and payload->>'reportId' in (${sql.join(reportIds)})`.execute(trx);
      for (const id of reportIds) await recordAudit(trx, { tenantId, actor: options.actor, action: 'report.redacted', subject: `report:${id}`, details: { reason: 'retention' } });
      return reportIds;
    });
    redacted += ids.length;
    if (ids.length < batchSize) break;
  }
  return redacted;
}
