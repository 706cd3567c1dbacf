import type { Config } from '../../config.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { townUrl } from '../../platform/http/town-url.js';
import { formatDate, localize } from '../../platform/i18n/i18n.js';
import type { JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { languageOf, reportsPath, reportStatuses, type ReportStatus } from './report.js';
import { alertJobHandlers } from './report-alerts.js';
import { followUpJobHandlers } from './report-follow-up.js';
import { findMailToken, findPublicReport, insertMailStop, insertMailToken, isMailStopped } from './reports.repository.js';
import { reportStatusMailJob } from './report-triage.js';
import { t } from './report-staff.i18n.js';

/** Path of the page that stops a report's status mails (followed by the token). */
export const unsubscribePath = `${reportsPath}/abbestellen`;

/**
 * The reporter's status mail: category, date, the new status, the public comment, a link to the
 * public page and one to stop further mails. Nothing the reporter typed is repeated. A reporter
 * who unsubscribed gets nothing, even for changes queued before. The unsubscribe token is made
 * when the mail is sent, so it never sits in the job table. Mails are in the language the reporter
 * filed in (German for reports from Open311 clients and for jobs queued before it was recorded).
 */
export function reportJobHandlers(deps: { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory }): Record<string, JobHandler> {
  return {
    ...followUpJobHandlers(deps),
    ...alertJobHandlers(deps),
    [reportStatusMailJob]: async (job) => {
      const { reportId, to, status } = job.payload as { reportId: string; to: string; status: ReportStatus };
      const lang = languageOf(job.payload.lang);
      const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
      if (!town) throw new Error('the town of the job does not exist');
      if (!reportStatuses.includes(status)) throw new Error('unknown report status in job');
      const token = newToken();
      const loaded = await inTransaction(deps.db, { tenantId: town.id }, async (trx) => {
        if (await isMailStopped(trx, reportId)) return undefined;
        // Held or spam reports send nothing (their page is not public); a merged one tells of the report it was merged into.
        const found = await findPublicReport(trx, reportId);
        if (!found) return undefined;
        await insertMailToken(trx, town.id, reportId, hashToken(token));
        return { report: found, current: found.duplicateOf ? (await findPublicReport(trx, found.duplicateOf)) ?? found : found };
      });
      if (!loaded) return;
      const { report, current } = loaded;
      await deps.mailer.send({
        tenantId: town.id,
        to,
        subject: t(lang, 'mailSubject', { category: localize(report.category.name, lang), status: t(lang, `status_${status}`) }),
        text: t(lang, 'mailBody', {
          category: localize(report.category.name, lang),
          date: formatDate(report.createdAt, lang),
          status: t(lang, `status_${status}`),
          comment: current.publicComment ? t(lang, 'mailComment', { comment: current.publicComment }) : '',
          url: townUrl(deps.config, town, `${reportsPath}/${current.id}`),
          unsubscribe: townUrl(deps.config, town, `${unsubscribePath}/${token}`),
          town: town.name,
        }),
      });
    },
  };
}

/** Whether a path segment can be an unsubscribe token (newToken: 43 base64url characters). */
export function isUnsubscribeToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** Whether an unsubscribe token is known (for the confirmation page). */
export async function knowsUnsubscribeToken(db: Db, tenantId: string, token: string): Promise<boolean> {
  return (await inTransaction(db, { tenantId }, (trx) => findMailToken(trx, hashToken(token)))) !== undefined;
}

/** Stops a report's status mails for the holder of one of its mail tokens; false for an unknown token. */
export async function unsubscribeReporter(db: Db, tenantId: string, token: string): Promise<boolean> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const reportId = await findMailToken(trx, hashToken(token));
    if (!reportId) return false;
    await insertMailStop(trx, tenantId, reportId);
    return true;
  });
}
