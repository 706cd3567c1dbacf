import { sql } from 'kysely';
import type { Config } from '../../config.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { townUrl } from '../../platform/http/town-url.js';
import { formatDate, localize, type Lang } from '../../platform/i18n/i18n.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { recordAudit } from '../audit/index.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { languageOf, reportsPath, type PublicReport } from './report.js';
import { findPublicReport, insertReportEvent, isMailStopped } from './reports.repository.js';
import { t } from './report-follow-up.i18n.js';

/** The job that asks a reporter whether a done report is really fixed. */
export const followUpJob = 'reports.follow-up';
/** Path of the follow-up question's page (followed by the token). */
export const followUpPath = `${reportsPath}/nachfrage`;

/** Queues the follow-up question for `days` (configured: four weeks) from now, in the caller's transaction (the status change). */
export async function enqueueFollowUp(trx: Trx, input: { tenantId: string; reportId: string; to: string; lang: Lang; days: number }): Promise<void> {
  await enqueueJob(trx, { tenantId: input.tenantId, kind: followUpJob, payload: { reportId: input.reportId, to: input.to, lang: input.lang }, runAt: new Date(Date.now() + input.days * 86_400_000) });
}

/**
 * The follow-up mail (ADR 0026, "Follow-up"): sent only if the report is still done, not merged,
 * public, the reporter did not unsubscribe and it was never asked before (the row in
 * report_follow_ups, keyed by the report, is written before the mail: once per report, even if
 * "done" was set twice). The mail carries a fresh single-purpose token; only its hash is stored.
 */
export function followUpJobHandlers(deps: { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory }): Record<string, JobHandler> {
  return {
    [followUpJob]: async (job) => {
      const { reportId, to } = job.payload as { reportId: string; to: string };
      const lang = languageOf(job.payload.lang);
      const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
      if (!town) throw new Error('the town of the job does not exist');
      const token = newToken();
      const report = await inTransaction(deps.db, { tenantId: town.id }, async (trx) => {
        if (await isMailStopped(trx, reportId)) return undefined;
        const found = await findPublicReport(trx, reportId);
        if (!found || found.status !== 'done' || found.duplicateOf) return undefined;
        const asked = await trx.insertInto('report_follow_ups').values({ tenant_id: town.id, report_id: reportId, token_hash: hashToken(token) })
          .onConflict((oc) => oc.columns(['tenant_id', 'report_id']).doNothing()).returning('report_id').executeTakeFirst();
        return asked && found;
      });
      if (!report) return;
      const category = localize(report.category.name, lang);
      await deps.mailer.send({
        tenantId: town.id,
        to,
        subject: t(lang, 'mailSubject', { category }),
        text: t(lang, 'mailBody', { category, date: formatDate(report.createdAt, lang), url: townUrl(deps.config, town, `${followUpPath}/${token}`), town: town.name }),
      });
    },
  };
}

/** A follow-up question as its page shows it: the report, and the answer if given. */
export interface FollowUp { report: PublicReport; fixed: boolean | null }

async function findFollowUp(trx: Trx, token: string) {
  return trx.selectFrom('report_follow_ups as f').innerJoin('reports as r', (j) => j.onRef('r.tenant_id', '=', 'f.tenant_id').onRef('r.id', '=', 'f.report_id'))
    .select(['f.report_id', 'f.fixed', 'r.department_id']).where('f.token_hash', '=', hashToken(token)).executeTakeFirst();
}

/** The follow-up question a token stands for; undefined for an unknown token (or a report no longer public). */
export async function loadFollowUp(db: Db, tenantId: string, token: string): Promise<FollowUp | undefined> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const row = await findFollowUp(trx, token);
    const report = row && (await findPublicReport(trx, row.report_id));
    return report && { report, fixed: row.fixed };
  });
}

/**
 * Records the reporter's answer, once. "Not fixed" reopens the report: status back to in
 * progress (public), a history entry without a clerk, an audit entry; the department finds it among
 * its open reports again. The token holder acts for the routed department on this one report only,
 * so the update runs with that department's rights. Returns the answer now stored, or undefined
 * for an unknown token.
 */
export async function answerFollowUp(db: Db, tenantId: string, token: string, fixed: boolean): Promise<'answered' | 'alreadyAnswered' | undefined> {
  const found = await inTransaction(db, { tenantId }, (trx) => findFollowUp(trx, token));
  if (!found) return undefined;
  if (found.fixed !== null) return 'alreadyAnswered';
  return inTransaction(db, { tenantId, departmentIds: [found.department_id] }, async (trx) => {
    const answered = await trx.updateTable('report_follow_ups').set({ answered_at: sql<Date>`now()`, fixed })
      .where('token_hash', '=', hashToken(token)).where('answered_at', 'is', null).returning('report_id').executeTakeFirst();
    if (!answered) return 'alreadyAnswered';
    const subject = `report:${found.report_id}`;
    if (fixed) {
      await recordAudit(trx, { tenantId, actor: 'citizen', action: 'report.confirmed-fixed', subject });
      return 'answered';
    }
    const reopened = await trx.updateTable('reports').set({ status: 'in_progress', updated_at: sql<Date>`now()` })
      .where('id', '=', found.report_id).where('status', '=', 'done').returning('id').executeTakeFirst();
    if (reopened) {
      await insertReportEvent(trx, { tenantId, reportId: found.report_id, staffId: null, kind: 'reopened', details: {} });
      await recordAudit(trx, { tenantId, actor: 'citizen', action: 'report.reopened', subject });
    }
    return 'answered';
  });
}
