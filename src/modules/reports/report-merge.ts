import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import { recordAudit } from '../audit/index.js';
import { insertReportEvent } from './reports.repository.js';

/** Why a report was not merged: the other report is unknown to the clerk, is this one, or this one is merged already. */
export type MergeProblem = 'mergeTargetMissing' | 'mergeSelf' | 'mergeAlreadyMerged';

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The report id in what a clerk pasted: the id itself or any address of the report (public or back office page). */
export function reportIdIn(input: string): string | undefined {
  return uuidPattern.exec(input)?.[0]?.toLowerCase();
}

/**
 * Merges report `duplicate` into report `targetId` (ADR 0026, "Merging duplicates"), in the
 * caller's transaction as the clerk: the target must be a report of the clerk's departments
 * (row-level security on report_details hides others, and other towns' reports); a target that is
 * itself merged stands for the report it was merged into, so no chain ever forms, and reports
 * merged into the duplicate before follow it. The duplicate moves to the target's department (its
 * reporter's e-mail then stays readable for the target's status mails), its supporters and its
 * reporter count as supporters of the target, and both histories and the audit log record it.
 */
export async function mergeReport(trx: Trx, input: { tenantId: string; staffId: string; duplicate: { id: string; duplicateOf: string | null }; targetId: string }): Promise<'done' | MergeProblem> {
  const { tenantId, staffId, duplicate } = input;
  if (duplicate.duplicateOf) return 'mergeAlreadyMerged';
  const named = await findMergeTarget(trx, input.targetId);
  const target = named?.duplicate_of ? await findMergeTarget(trx, named.duplicate_of) : named;
  if (!target) return 'mergeTargetMissing';
  if (target.id === duplicate.id) return 'mergeSelf';
  await trx.updateTable('reports').set({ duplicate_of: target.id, department_id: target.department_id, updated_at: sql<Date>`now()` })
    .where((eb) => eb.or([eb('id', '=', duplicate.id), eb('duplicate_of', '=', duplicate.id)])).execute();
  await sql`insert into report_supports (tenant_id, report_id, supporter_hash)
    select ${tenantId}::uuid, ${target.id}::uuid, supporter_hash from report_supports where report_id = ${duplicate.id}
    union select ${tenantId}::uuid, ${target.id}::uuid, ${hashToken(`merged:${duplicate.id}`)}
    on conflict do nothing`.execute(trx);
  await insertReportEvent(trx, { tenantId, reportId: duplicate.id, staffId, kind: 'merged', details: { into: target.id } });
  await insertReportEvent(trx, { tenantId, reportId: target.id, staffId, kind: 'merged', details: { from: duplicate.id } });
  await recordAudit(trx, { tenantId, actor: `staff:${staffId}`, action: 'report.merged', subject: `report:${duplicate.id}`, details: { into: target.id } });
  return 'done';
}

/** A report the clerk may merge into (not spam), locked: through report_details, so only the clerk's departments' reports. */
function findMergeTarget(trx: Trx, id: string) {
  return trx.selectFrom('reports as r')
    .innerJoin('report_details as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.report_id', '=', 'r.id'))
    .select(['r.id', 'r.duplicate_of', 'r.department_id']).where('r.id', '=', id).where('r.moderation', '<>', 'spam').forUpdate('r').executeTakeFirst();
}

/** The reporters of the reports merged into a report who left an address: they get its status mails (about their own report). */
export function listMergedReporters(trx: Trx, reportId: string): Promise<Array<{ id: string; reporter_email: string | null; lang: string }>> {
  return trx.selectFrom('reports as r')
    .innerJoin('report_details as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.report_id', '=', 'r.id'))
    .select(['r.id', 'd.reporter_email', 'd.lang']).where('r.duplicate_of', '=', reportId).where('d.reporter_email', 'is not', null).execute();
}

/** Moves the reports merged into a report along when it is passed to another department. */
export async function moveMergedReports(trx: Trx, reportId: string, departmentId: string): Promise<void> {
  await trx.updateTable('reports').set({ department_id: departmentId }).where('duplicate_of', '=', reportId).execute();
}

/** The reports merged into a report, oldest first (for its back office page). */
export async function listDuplicates(trx: Trx, reportId: string): Promise<string[]> {
  const rows = await trx.selectFrom('reports').select('id').where('duplicate_of', '=', reportId).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => r.id);
}
