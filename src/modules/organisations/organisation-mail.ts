import type { Config } from '../../config.js';
import { townUrl } from '../../platform/http/town-url.js';
import { formatDate } from '../../platform/i18n/i18n.js';
import type { JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { organisationInvitationJob } from './organisations.service.js';
import { t } from './organisations.i18n.js';
import { organisationPaths } from './views/organisation-pages.js';

/**
 * The invitation mail. German: the invitee may have no account yet, so no language is known; the
 * page behind the link has the language switch.
 */
export function organisationJobHandlers(deps: { config: Config; mailer: Mailer; tenants: TenantDirectory }): Record<string, JobHandler> {
  return {
    [organisationInvitationJob]: async (job) => {
      const { to, token, organisation, expiresAt } = job.payload as { to: string; token: string; organisation: string; expiresAt: string };
      const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
      if (!town) throw new Error('the town of the job does not exist');
      await deps.mailer.send({
        tenantId: town.id,
        to,
        subject: t('de', 'invitationMailSubject', { organisation, town: town.name }),
        text: t('de', 'invitationMailBody', { organisation, town: town.name, until: formatDate(new Date(expiresAt), 'de', true), url: townUrl(deps.config, town, `${organisationPaths.invitation}/${token}`) }),
      });
    },
  };
}
