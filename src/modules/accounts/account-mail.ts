import type { Config } from '../../config.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { townUrl } from '../../platform/http/town-url.js';
import { formatDate } from '../../platform/i18n/i18n.js';
import type { JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { findAccountRecord } from './accounts.repository.js';
import { accountMailJobs, issueAccountLink } from './accounts.service.js';
import { accountDeletedJob } from './data-rights.js';
import { t } from './accounts.i18n.js';

/** Paths of the pages the account mails link to. */
export const accountPaths = {
  login: '/konto/anmelden',
  confirm: '/konto/bestaetigen',
  forgot: '/konto/passwort-vergessen',
  reset: '/konto/passwort-neu',
} as const;

/**
 * Job handlers of the account mails. A link's token is made when its mail is sent, so it never sits
 * in the job table; a retry makes a new one. The mails carry the link and nothing about the person.
 */
export function accountJobHandlers(deps: { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory }): Record<string, JobHandler> {
  const townOf = (tenantId: string | null) => {
    const town = tenantId ? deps.tenants.findById(tenantId) : undefined;
    if (!town) throw new Error('the town of the job does not exist');
    return town;
  };
  const linkMail = (purpose: 'verify_email' | 'reset_password', path: string, subject: 'verifyMailSubject' | 'resetMailSubject', body: 'verifyMailBody' | 'resetMailBody'): JobHandler => async (job) => {
    const { accountId } = job.payload as { accountId: string | null };
    const town = townOf(job.tenantId);
    const link = accountId ? await issueAccountLink(deps.db, town.id, accountId, purpose) : null;
    if (!link) return;
    await deps.mailer.send({
      tenantId: town.id,
      to: link.email,
      subject: t(link.language, subject, { town: town.name }),
      text: t(link.language, body, { town: town.name, until: formatDate(link.expiresAt, link.language, true), url: townUrl(deps.config, town, `${path}/${link.token}`) }),
    });
  };
  return {
    [accountMailJobs.verifyEmail]: linkMail('verify_email', accountPaths.confirm, 'verifyMailSubject', 'verifyMailBody'),
    [accountMailJobs.resetPassword]: linkMail('reset_password', accountPaths.reset, 'resetMailSubject', 'resetMailBody'),
    [accountDeletedJob]: async (job) => {
      const { to, language } = job.payload as { to: string; language: 'de' | 'en' };
      const town = townOf(job.tenantId);
      await deps.mailer.send({ tenantId: town.id, to, subject: t(language, 'deletedMailSubject', { town: town.name }), text: t(language, 'deletedMailBody', { town: town.name }) });
    },
    [accountMailJobs.alreadyRegistered]: async (job) => {
      const { accountId } = job.payload as { accountId: string };
      const town = townOf(job.tenantId);
      const account = await inTransaction(deps.db, { tenantId: town.id }, (trx) => findAccountRecord(trx, accountId));
      if (!account) return;
      await deps.mailer.send({
        tenantId: town.id,
        to: account.email,
        subject: t(account.language, 'alreadyMailSubject', { town: town.name }),
        text: t(account.language, 'alreadyMailBody', { town: town.name, loginUrl: townUrl(deps.config, town, accountPaths.login), forgotUrl: townUrl(deps.config, town, accountPaths.forgot) }),
      });
    },
  };
}
