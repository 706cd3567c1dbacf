import type { Config } from '../../config.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Actor, type Db } from '../../platform/db/database.js';
import type { Session } from '../../platform/http/session.js';
import { townUrl } from '../../platform/http/town-url.js';
import { formatDate, localize, type Lang } from '../../platform/i18n/i18n.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { zipSegment, type AccountDataSection, type ExportFile } from '../accounts/index.js';
import type { Service } from '../catalog/index.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import {
  countResumeLinks, deleteDraft, findAccountDraft, findUsableResumeLink, insertResumeLink, listAccountDrafts, listAccountDraftsWithFiles, moveDraftToSession, useResumeLinks,
  type SavedDraft,
} from './forms.repository.js';
import { t } from './saved-drafts.i18n.js';

/** How long a mailed resume link is valid; the draft is kept at least as long (draft_keep_until). */
export const resumeLinkDays = 7;
/** Resume links one draft may have mailed per day: the form sends mail to any address typed in. */
export const resumeLinksPerDay = 5;
/** How many drafts "Meine Anträge" lists (the most recently saved). */
export const listedDraftsLimit = 50;

/** Paths of the saved-draft pages. */
export const savedDraftPaths = {
  /** The mailed link: `${resume}/<token>`. */
  resume: '/antrag/fortsetzen',
  /** "Meine Anträge", where a signed-in applicant finds their drafts. */
  myApplications: '/konto/antraege',
} as const;

/** The job that mails a resume link; the link's token is made when the mail is sent, so it never sits in the job table. */
export const resumeLinkJob = 'mail.draft-resume-link';

/** Where "Später fortsetzen" leads: an account's draft is saved already, an anonymous one is offered a resume link. */
export function savedDraftLater(session: Pick<Session, 'accountId'>, draftId: string): string {
  return session.accountId ? `${savedDraftPaths.myApplications}?hinweis=draftSaved` : `/antrag/${draftId}/spaeter`;
}

/** The account's drafts, the most recently saved first, and whether there are more than listed. */
export async function listSavedDrafts(db: Db, tenantId: string, accountId: string): Promise<{ drafts: SavedDraft[]; more: boolean }> {
  const rows = await inTransaction(db, { tenantId, accountId }, (trx) => listAccountDrafts(trx, accountId, listedDraftsLimit + 1));
  return { drafts: rows.slice(0, listedDraftsLimit), more: rows.length > listedDraftsLimit };
}

/** One draft of the account, or undefined when it is not the account's (or gone). */
export function findSavedDraft(db: Db, tenantId: string, accountId: string, draftId: string): Promise<SavedDraft | undefined> {
  return inTransaction(db, { tenantId, accountId }, (trx) => findAccountDraft(trx, accountId, draftId));
}

/** Discards a draft of the account with its uploads; false when it is not the account's (or gone). */
export function discardSavedDraft(db: Db, tenantId: string, accountId: string, draftId: string): Promise<boolean> {
  return inTransaction(db, { tenantId, accountId }, async (trx) => {
    if (!(await findAccountDraft(trx, accountId, draftId))) return false;
    return deleteDraft(trx, draftId);
  });
}

/** The account's drafts in its data export (GDPR Art. 15/20): the service, when saved, until when kept, the answers so far and the uploads. */
export const savedDraftsDataSection: AccountDataSection = {
  name: 'drafts',
  async collect(trx, accountId) {
    const files: ExportFile[] = [];
    const drafts = (await listAccountDraftsWithFiles(trx, accountId)).map((d, n) => ({
      service: d.service_id, startedAt: d.created_at, savedAt: d.updated_at, keptUntil: d.keep_until, answers: d.answers,
      uploads: d.files.map((f, i) => {
        const path = `entwuerfe/${n + 1}-${zipSegment(d.service_id)}/uploads/${i + 1}-${zipSegment(f.filename)}`;
        files.push({ path, sha256: f.sha256 });
        return { filename: f.filename, mediaType: f.media_type, uploadedAt: f.created_at, file: path };
      }),
    }));
    return { data: drafts, files };
  },
};

/**
 * Queues the mail with a resume link for an anonymous draft the actor's session holds. Refused
 * when the draft had its share of links in the last day.
 */
export async function requestResumeLink(db: Db, actor: Actor, input: { draftId: string; to: string; serviceId: string; lang: Lang }): Promise<'queued' | 'tooMany'> {
  return inTransaction(db, actor, async (trx) => {
    if ((await countResumeLinks(trx, input.draftId, new Date(Date.now() - 86_400_000))) >= resumeLinksPerDay) return 'tooMany';
    await enqueueJob(trx, { tenantId: actor.tenantId, kind: resumeLinkJob, payload: { draftId: input.draftId, to: input.to, serviceId: input.serviceId, lang: input.lang } });
    return 'queued';
  });
}

/** PostgreSQL's foreign_key_violation: the draft a link was to be made for is gone. */
function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23503';
}

/** Makes a resume link of a draft (when its mail is sent); the older links of the draft expire. Null when the draft is gone. */
export async function issueResumeLink(db: Db, tenantId: string, draftId: string): Promise<{ token: string; expiresAt: Date } | null> {
  const token = newToken();
  const expiresAt = new Date(Date.now() + resumeLinkDays * 86_400_000);
  try {
    await inTransaction(db, { tenantId }, (trx) => insertResumeLink(trx, { tenantId, tokenHash: hashToken(token), draftId, expiresAt }));
  } catch (error) {
    // The job cannot see the draft (it is the browser's); the foreign key tells it was submitted, discarded or expired.
    if (isForeignKeyViolation(error)) return null;
    throw error;
  }
  return { token, expiresAt };
}

/** Whether a resume link can still be used (for the page behind the link, before the button is pressed). */
export function isUsableResumeLink(db: Db, tenantId: string, token: string): Promise<boolean> {
  return inTransaction(db, { tenantId }, async (trx) => (await findUsableResumeLink(trx, hashToken(token))) !== undefined);
}

/**
 * Uses a resume link: the draft moves to the browser session presenting it (and into the account
 * signed in there), and every link of the draft is used up; the browser that had it loses it.
 * Returns the draft's id, or null when the link is unknown, used or expired.
 */
export async function resumeDraftByLink(db: Db, tenantId: string, session: Pick<Session, 'idHash' | 'accountId'>, token: string): Promise<string | null> {
  const resumeTokenHash = hashToken(token);
  return inTransaction(db, { tenantId, sessionHash: session.idHash, accountId: session.accountId ?? undefined, resumeTokenHash }, async (trx) => {
    const link = await findUsableResumeLink(trx, resumeTokenHash, { lock: true });
    if (!link || !(await moveDraftToSession(trx, link.draftId, { sessionHash: session.idHash, accountId: session.accountId }))) return null;
    await useResumeLinks(trx, link.draftId);
    return link.draftId;
  });
}

/** The job handler of the resume-link mail: the link and the service's name, never an answer. */
export function savedDraftJobHandlers(deps: { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory; services: Map<string, Service> }): Record<string, JobHandler> {
  return {
    [resumeLinkJob]: async (job) => {
      const { draftId, to, serviceId, lang } = job.payload as { draftId: string; to: string; serviceId: string; lang: Lang };
      const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
      if (!town) throw new Error('the town of the job does not exist');
      const link = await issueResumeLink(deps.db, town.id, draftId);
      if (!link) return;
      const definition = deps.services.get(serviceId)?.definition;
      const service = definition ? localize(definition.title, lang) : serviceId;
      await deps.mailer.send({
        tenantId: town.id,
        to,
        subject: t(lang, 'resumeMailSubject', { service, town: town.name }),
        text: t(lang, 'resumeMailBody', { service, town: town.name, until: formatDate(link.expiresAt, lang, true), url: townUrl(deps.config, town, `${savedDraftPaths.resume}/${link.token}`) }),
      });
    },
  };
}
