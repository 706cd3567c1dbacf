import type { Config } from '../../config.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { townUrl } from '../../platform/http/town-url.js';
import type { JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { findAccountRecord } from '../accounts/index.js';
import { postboxNoticeJob } from '../cases/index.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { postboxPath } from './postbox.js';
import { t } from './postbox.i18n.js';

/**
 * The job handler of the postbox notice: a mail to the account's address, in the account's
 * language, that a message is waiting, with the town's name and the postbox's address and nothing
 * of the message. The address is read when the mail is sent, so the job table holds only the
 * account's id; an account deleted in between gets no mail.
 */
export function postboxJobHandlers(deps: { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory }): Record<string, JobHandler> {
  return {
    [postboxNoticeJob]: async (job) => {
      const { accountId } = job.payload as { accountId: string };
      const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
      if (!town) throw new Error('the town of the job does not exist');
      const account = await inTransaction(deps.db, { tenantId: town.id }, (trx) => findAccountRecord(trx, accountId));
      if (!account) return;
      const lang = account.language;
      await deps.mailer.send({
        tenantId: town.id,
        to: account.email,
        subject: t(lang, 'noticeSubject', { town: town.name }),
        text: t(lang, 'noticeBody', { town: town.name, url: townUrl(deps.config, town, postboxPath) }),
      });
    },
  };
}
