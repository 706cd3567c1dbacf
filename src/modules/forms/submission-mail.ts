import type { Config } from '../../config.js';
import type { Db } from '../../platform/db/database.js';
import type { JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import type { Service } from '../catalog/index.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
// The file, not the status module's front door: that one pulls in the status pages, which need this module.
import { createStatusLink, statusLinkMailText, statusUrl } from '../status/status-links.js';
import { t } from './forms.i18n.js';
import { savedDraftJobHandlers } from './saved-drafts.js';

/**
 * Job handlers of the forms module: the confirmation mail names the reference and gives a status
 * link, never the answers (nor does the resume-link mail of saved-drafts.ts). A link's token is
 * made when the mail is sent, so it is never stored in the job table (only its hash).
 */
export function submissionJobHandlers(deps: { mailer: Mailer; tenants: TenantDirectory; services: Map<string, Service>; db: Db; config: Config }): Record<string, JobHandler> {
  return {
    'mail.submission-received': async (job) => {
      const { to, reference, serviceId, lang } = job.payload as { to: string; reference: string; serviceId: string; lang: Lang };
      const tenant = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
      const town = tenant?.name || 'Rathaus';
      const service = deps.services.get(serviceId);
      const serviceTitle = service ? localize(service.definition.title, lang) : serviceId;
      const body = t(lang, 'mailBody', { service: serviceTitle, town, reference });
      let text = body;
      if (tenant) {
        const link = statusLinkMailText(lang, statusUrl(deps.config, tenant, await createStatusLink(deps.db, tenant.id, reference)));
        // Above the closing greeting, which is the body's last paragraph.
        const greeting = body.lastIndexOf('\n\n');
        text = `${body.slice(0, greeting)}\n\n${link}${body.slice(greeting)}`;
      }
      await deps.mailer.send({ tenantId: job.tenantId, to, subject: t(lang, 'mailSubject', { reference }), text });
    },
    ...savedDraftJobHandlers(deps),
  };
}
