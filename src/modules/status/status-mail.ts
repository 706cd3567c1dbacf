import type { Config } from '../../config.js';
import type { Db } from '../../platform/db/database.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import type { JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { documentReadyJob } from '../letters/index.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { createStatusLink, statusUrl } from './status-links.js';
import { t } from './status.i18n.js';

/**
 * Job handlers of the status module: "a new document is waiting", with a fresh status link. The
 * token is made when the mail is sent, so it is never stored in the job table; a retry makes a
 * new one, and the first stays valid but unused.
 */
export function statusJobHandlers(deps: { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory }): Record<string, JobHandler> {
  return {
    [documentReadyJob]: async (job) => {
      const { to, reference, lang } = job.payload as { to: string; reference: string; lang: Lang };
      const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
      if (!town) throw new Error('the town of the job does not exist');
      const token = await createStatusLink(deps.db, town.id, reference);
      await deps.mailer.send({
        tenantId: town.id,
        to,
        subject: t(lang, 'documentMailSubject', { reference }),
        text: t(lang, 'documentMailBody', { reference, url: statusUrl(deps.config, town, token), town: town.name }),
      });
    },
  };
}
