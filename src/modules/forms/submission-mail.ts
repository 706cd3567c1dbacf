import type { JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import type { Service } from '../catalog/index.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { t } from './forms.i18n.js';

/** Job handlers of the forms module: the confirmation mail names the reference, never the answers. */
export function submissionJobHandlers(deps: { mailer: Mailer; tenants: TenantDirectory; services: Map<string, Service> }): Record<string, JobHandler> {
  return {
    'mail.submission-received': async (job) => {
      const { to, reference, serviceId, lang } = job.payload as { to: string; reference: string; serviceId: string; lang: Lang };
      const town = (job.tenantId && deps.tenants.findById(job.tenantId)?.name) || 'Rathaus';
      const service = deps.services.get(serviceId);
      const serviceTitle = service ? localize(service.definition.title, lang) : serviceId;
      await deps.mailer.send({
        tenantId: job.tenantId,
        to,
        subject: t(lang, 'mailSubject', { reference }),
        text: t(lang, 'mailBody', { service: serviceTitle, town, reference }),
      });
    },
  };
}
