import type { Config } from '../../config.js';
import type { Db } from '../../platform/db/database.js';
import { berlinMidnight, formatDate, type Lang } from '../../platform/i18n/i18n.js';
import type { Job, JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { applicantRequestJob } from '../cases/index.js';
import { documentReadyJob } from '../letters/index.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { createStatusLink, statusUrl } from './status-links.js';
import { t } from './status.i18n.js';

/**
 * Job handlers of the status module: "a new document is waiting" and "we have a question", each
 * with a fresh status link and nothing of the content. The token is made when the mail is sent,
 * so it is never stored in the job table; a retry makes a new one, and the first stays valid but
 * unused.
 */
export function statusJobHandlers(deps: { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory }): Record<string, JobHandler> {
  async function mailWithStatusLink(job: Job, texts: (lang: Lang, reference: string, url: string, town: string) => { subject: string; text: string }) {
    const { to, reference, lang } = job.payload as { to: string; reference: string; lang: Lang };
    const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
    if (!town) throw new Error('the town of the job does not exist');
    const token = await createStatusLink(deps.db, town.id, reference);
    await deps.mailer.send({ tenantId: town.id, to, ...texts(lang, reference, statusUrl(deps.config, town, token), town.name) });
  }
  return {
    [documentReadyJob]: (job) => mailWithStatusLink(job, (lang, reference, url, town) => ({
      subject: t(lang, 'documentMailSubject', { reference }),
      text: t(lang, 'documentMailBody', { reference, url, town }),
    })),
    [applicantRequestJob]: (job) => mailWithStatusLink(job, (lang, reference, url, town) => ({
      subject: t(lang, 'requestMailSubject', { reference }),
      text: t(lang, 'requestMailBody', { reference, url, town, date: formatDate(berlinMidnight(String(job.payload.dueOn)), lang) }),
    })),
  };
}
