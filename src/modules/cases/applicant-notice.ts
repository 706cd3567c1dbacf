import type { Trx } from '../../platform/db/database.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';

/**
 * The job that tells an account a message waits in its postbox (handled by the postbox module,
 * which reads the account's address and language when it sends).
 */
export const postboxNoticeJob = 'mail.postbox-notice';

/** How the applicant hears of a new question or letter: in the account's postbox, by a status link mailed to the form's address, or not at all. */
export type NoticeChannel = 'postbox' | 'status-link' | 'none';

/** Who applied, as a notice needs it: the account the application belongs to, else the form's e-mail address. */
export interface ApplicantContact {
  accountId: string | null;
  email: string | undefined;
  reference: string;
  language: Lang;
}

/** The channel for an application: an account's postbox wins over the form's e-mail address. */
export function noticeChannel(applicant: Pick<ApplicantContact, 'accountId' | 'email'>): NoticeChannel {
  if (applicant.accountId) return 'postbox';
  return applicant.email ? 'status-link' : 'none';
}

/**
 * Queues the notice of a new question or letter in the caller's transaction (outbox): for an
 * account the postbox notice, which names only the town; otherwise the status module's mail with
 * a fresh status link (`statusLinkJob`, with any further payload it needs). Returns the channel.
 */
export async function enqueueApplicantNotice(
  trx: Trx,
  tenantId: string,
  applicant: ApplicantContact,
  statusLinkJob: { kind: string; payload?: Record<string, unknown> },
): Promise<NoticeChannel> {
  const channel = noticeChannel(applicant);
  if (channel === 'postbox') await enqueueJob(trx, { tenantId, kind: postboxNoticeJob, payload: { accountId: applicant.accountId } });
  if (channel === 'status-link') {
    await enqueueJob(trx, { tenantId, kind: statusLinkJob.kind, payload: { to: applicant.email, reference: applicant.reference, lang: applicant.language, ...statusLinkJob.payload } });
  }
  return channel;
}
