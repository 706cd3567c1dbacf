import type { Config } from '../../config.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { townUrl } from '../../platform/http/town-url.js';
import { formatDate } from '../../platform/i18n/i18n.js';
import type { JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { invitationHours } from './administration.js';
import { t } from './administration.i18n.js';
import { findStaffAccount, insertInvitation } from './administration.repository.js';
import { invitationJob } from './administration.service.js';

/** Where an invitation link leads (the token is the last path segment). */
export const invitationPath = '/verwaltung/einladung';

/** Whether a path segment can be an invitation token (32 random bytes, base64url). */
export function isInvitationToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * Makes a new invitation for an active account that has no password yet and returns its token and
 * the address to mail it to; null when the account no longer needs one. Only the token's SHA-256
 * is stored.
 */
export async function issueInvitation(db: Db, tenantId: string, staffId: string, now = new Date()): Promise<{ token: string; email: string; expiresAt: Date } | null> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const account = await findStaffAccount(trx, { id: staffId });
    if (!account?.active || !account.invited) return null;
    const token = newToken();
    const expiresAt = new Date(now.getTime() + invitationHours * 3_600_000);
    await insertInvitation(trx, { tenantId, staffId, tokenHash: hashToken(token), expiresAt });
    return { token, email: account.email, expiresAt };
  });
}

/**
 * Job handlers of the administration: the invitation mail. The token is made when the mail is
 * sent, so it never sits in the job table; a retry makes a new one, and the first stays valid but
 * unknown to anyone. The mail is German: the language of the town's administration.
 */
export function administrationJobHandlers(deps: { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory }): Record<string, JobHandler> {
  return {
    [invitationJob]: async (job) => {
      const { staffId } = job.payload as { staffId: string };
      const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
      if (!town) throw new Error('the town of the job does not exist');
      const invitation = await issueInvitation(deps.db, town.id, staffId);
      if (!invitation) return;
      await deps.mailer.send({
        tenantId: town.id,
        to: invitation.email,
        subject: t('de', 'invitationMailSubject', { town: town.name }),
        text: t('de', 'invitationMailBody', {
          town: town.name,
          until: formatDate(invitation.expiresAt, 'de', true),
          url: townUrl(deps.config, town, `${invitationPath}/${invitation.token}`),
        }),
      });
    },
  };
}
