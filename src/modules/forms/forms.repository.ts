import { sql } from 'kysely';
import type { Keyring } from '../../platform/crypto/keyring.js';
import type { Db, Trx } from '../../platform/db/database.js';
import type { Answers, FileRef } from './answers.js';
import { openAnswers, type AnswersToStore } from './sealed-answers.js';

/** A form being filled in, owned by one browser session or, while signed in, by the account. */
export interface Draft {
  id: string;
  serviceId: string;
  definitionHash: string;
  answers: Answers;
  updatedAt: Date;
  accountId: string | null;
  /** The organisation the account applies for (ADR 0023); null: for the applicant personally. */
  organisationId: string | null;
}

/** Stores a definition version once, so every submission can be shown with the definition it used. */
export async function insertDefinitionSnapshot(db: Db, snapshot: { hash: string; serviceId: string; version: number; body: unknown }): Promise<void> {
  await db
    .insertInto('definition_snapshots')
    .values({ hash: snapshot.hash, service_id: snapshot.serviceId, version: snapshot.version, body: JSON.stringify(snapshot.body) })
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
}

/** A stored definition version by hash. */
export async function findDefinitionSnapshot(trx: Trx | Db, hash: string): Promise<unknown | undefined> {
  return (await trx.selectFrom('definition_snapshots').select('body').where('hash', '=', hash).executeTakeFirst())?.body;
}

/** Creates an empty draft for the session, or for the signed-in account. */
export async function insertDraft(trx: Trx, draft: { tenantId: string; id: string; sessionHash: string; accountId: string | null; organisationId?: string | null; serviceId: string; definitionHash: string }): Promise<void> {
  await trx
    .insertInto('drafts')
    .values({
      tenant_id: draft.tenantId, id: draft.id, session_hash: draft.sessionHash, account_id: draft.accountId, organisation_id: draft.organisationId ?? null,
      service_id: draft.serviceId, definition_hash: draft.definitionHash,
    })
    .execute();
}

/** Changes for whom the draft's account applies. */
export async function updateDraftOrganisation(trx: Trx, id: string, organisationId: string | null): Promise<void> {
  await trx.updateTable('drafts').set({ organisation_id: organisationId, updated_at: new Date() }).where('id', '=', id).execute();
}

/** The draft, if the session or account may reach it (row-level security hides the others). */
export async function findDraft(trx: Trx, id: string): Promise<Draft | undefined> {
  const row = await trx.selectFrom('drafts').select(['id', 'service_id', 'definition_hash', 'answers', 'updated_at', 'account_id', 'organisation_id']).where('id', '=', id).executeTakeFirst();
  return row && {
    id: row.id, serviceId: row.service_id, definitionHash: row.definition_hash, answers: row.answers as Answers, updatedAt: row.updated_at,
    accountId: row.account_id, organisationId: row.organisation_id,
  };
}

/** A draft as "Meine Anträge" lists it: what, when last saved, and until when it is kept. */
export interface SavedDraft {
  id: string;
  serviceId: string;
  updatedAt: Date;
  keepUntil: Date;
}

/** The account's drafts, the most recently saved first (at most `limit`). */
export async function listAccountDrafts(trx: Trx, accountId: string, limit: number): Promise<SavedDraft[]> {
  const rows = await trx
    .selectFrom('drafts')
    .select(['id', 'service_id', 'updated_at', sql<Date>`draft_keep_until(tenant_id, id, account_id, updated_at)`.as('keep_until')])
    .where('account_id', '=', accountId)
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, serviceId: r.service_id, updatedAt: r.updated_at, keepUntil: r.keep_until }));
}

/** The account's drafts in full, with their uploads, oldest first (for the account's data export). */
export async function listAccountDraftsWithFiles(trx: Trx, accountId: string) {
  const drafts = await trx
    .selectFrom('drafts')
    .select(['id', 'service_id', 'answers', 'created_at', 'updated_at', sql<Date>`draft_keep_until(tenant_id, id, account_id, updated_at)`.as('keep_until')])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const files = drafts.length === 0 ? [] : await trx
    .selectFrom('files')
    .select(['draft_id', 'filename', 'media_type', 'sha256', 'created_at'])
    .where('draft_id', 'in', drafts.map((d) => d.id))
    .orderBy('created_at')
    .execute();
  return drafts.map((d) => ({ ...d, files: files.filter((f) => f.draft_id === d.id) }));
}

/** One of the account's drafts, as listed. */
export async function findAccountDraft(trx: Trx, accountId: string, id: string): Promise<SavedDraft | undefined> {
  const row = await trx
    .selectFrom('drafts')
    .select(['id', 'service_id', 'updated_at', sql<Date>`draft_keep_until(tenant_id, id, account_id, updated_at)`.as('keep_until')])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: row.id, serviceId: row.service_id, updatedAt: row.updated_at, keepUntil: row.keep_until };
}

/** Stores a new resume link of a draft and lets the draft's older unused links expire (the newest mail counts). */
export async function insertResumeLink(trx: Trx, link: { tenantId: string; tokenHash: string; draftId: string; expiresAt: Date }): Promise<void> {
  await trx.updateTable('draft_resume_links').set({ expires_at: sql<Date>`least(expires_at, now())` }).where('draft_id', '=', link.draftId).where('used_at', 'is', null).execute();
  await trx.insertInto('draft_resume_links').values({ tenant_id: link.tenantId, token_hash: link.tokenHash, draft_id: link.draftId, expires_at: link.expiresAt }).execute();
}

/** How many resume links were made for a draft since a time. */
export async function countResumeLinks(trx: Trx, draftId: string, since: Date): Promise<number> {
  const row = await trx.selectFrom('draft_resume_links').select((eb) => eb.fn.countAll<number>().as('n')).where('draft_id', '=', draftId).where('created_at', '>=', since).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The draft a valid, unused resume link is for; with `lock`, the link is locked so two uses of it cannot both succeed. */
export async function findUsableResumeLink(trx: Trx, tokenHash: string, options: { lock?: boolean } = {}): Promise<{ draftId: string } | undefined> {
  let query = trx.selectFrom('draft_resume_links').select('draft_id').where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', new Date());
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && { draftId: row.draft_id };
}

/** Uses up every unused resume link of a draft. */
export async function useResumeLinks(trx: Trx, draftId: string): Promise<void> {
  await trx.updateTable('draft_resume_links').set({ used_at: new Date() }).where('draft_id', '=', draftId).where('used_at', 'is', null).execute();
}

/**
 * Binds an anonymous draft to a session, and to the account signed in there if any (row-level
 * security allows it only to the holder of a resume link of it). False when there is no such draft.
 */
export async function moveDraftToSession(trx: Trx, draftId: string, to: { sessionHash: string; accountId: string | null }): Promise<boolean> {
  const result = await trx
    .updateTable('drafts')
    .set({ session_hash: to.sessionHash, account_id: to.accountId, updated_at: new Date() })
    .where('id', '=', draftId)
    .where('account_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replaces a draft's answers. */
export async function updateDraftAnswers(trx: Trx, id: string, answers: Answers): Promise<void> {
  await trx.updateTable('drafts').set({ answers: JSON.stringify(answers), updated_at: new Date() }).where('id', '=', id).execute();
}

/** Locks the draft for submission; false when it is gone (a second click on "send" finds none). */
export async function lockDraft(trx: Trx, id: string): Promise<boolean> {
  return (await trx.selectFrom('drafts').select('id').where('id', '=', id).forUpdate().executeTakeFirst()) !== undefined;
}

/** Deletes a draft with its uploads and resume links (after its submission was written, or discarded); false when it was not there. */
export async function deleteDraft(trx: Trx, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('drafts').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Records an uploaded file as belonging to a draft. */
export async function insertDraftFile(trx: Trx, file: FileRef & { tenantId: string; draftId: string; sha256: string }): Promise<void> {
  await trx
    .insertInto('files')
    .values({ tenant_id: file.tenantId, id: file.id, sha256: file.sha256, media_type: file.mediaType, size: file.size, filename: file.filename, draft_id: file.draftId })
    .execute();
}

/** Moves the kept files of a draft to its submission and drops the rest. */
export async function moveDraftFiles(trx: Trx, draftId: string, submissionId: string, keep: string[]): Promise<void> {
  if (keep.length > 0) {
    await trx.updateTable('files').set({ draft_id: null, submission_id: submissionId }).where('draft_id', '=', draftId).where('id', 'in', keep).execute();
  }
  await trx.deleteFrom('files').where('draft_id', '=', draftId).execute();
}

/** What a submission is made of, with the case it opens and the confirmation mail it queues. */
export interface NewSubmission {
  tenantId: string;
  id: string;
  caseId: string;
  serviceId: string;
  definitionHash: string;
  departmentId: string;
  /** The plain answers, and the sensitive ones sealed for this submission (sealed-answers.ts). */
  answers: AnswersToStore;
  language: string;
  receiptTokenHash: string;
  sequence: string;
  referencePrefix: string;
  /** Who submitted, for the audit entry. */
  actor: string;
  /** Where the confirmation mail goes; no mail job without it. */
  applicantEmail: string | undefined;
  /** The case's deadline, from the service's processing time. */
  dueAt: Date | undefined;
  /** What the case's full-text search vector is made of (searchText in answers.ts). */
  searchText: string;
  /** The signed-in account applying, if any: the application then shows under "Meine Anträge". */
  accountId: string | undefined;
  /** The organisation the account applies for (its members see the application), if any. */
  organisationId: string | undefined;
  /** The fee is paid first: the case reaches its department once a payment of it is paid (ADR 0027). */
  paymentFirst?: boolean;
}

/**
 * Writes submissions of ONE town, each with its case, audit entry and confirmation-mail job, in
 * ONE statement: the database function submit_applications (migration 20261122110000, last changed
 * in 20261129000000) switches to
 * the application role and the town itself, so outside a transaction this is a single round trip
 * and its own transaction (docs/adr/0006, 0007). Reference numbers come from the town's own
 * sequence (never blocks), formatted PREFIX-YEAR-NNNNNN in Berlin time. The mail job carries the
 * reference, never the answers. Results are in the order of the submissions.
 */
export async function insertSubmissions(db: Db | Trx, submissions: NewSubmission[]): Promise<Array<{ reference: string; submittedAt: Date }>> {
  const town = submissions[0]!;
  if (submissions.some((s) => s.tenantId !== town.tenantId)) throw new Error('insertSubmissions: all submissions must belong to one town');
  const items = submissions.map((s) => ({
    id: s.id, caseId: s.caseId, serviceId: s.serviceId, definitionHash: s.definitionHash, departmentId: s.departmentId,
    answers: s.answers.answers, sealedAnswers: s.answers.sealed, dataKeyId: s.answers.dataKeyId, language: s.language, receiptTokenHash: s.receiptTokenHash, actor: s.actor, applicantEmail: s.applicantEmail ?? null,
    dueAt: s.dueAt?.toISOString() ?? null, searchText: s.searchText, accountId: s.accountId ?? null,
    organisationId: s.organisationId ?? null, paymentFirst: s.paymentFirst ?? false,
  }));
  const { rows } = await sql<{ submission_id: string; reference: string; submitted_at: Date }>`
    select submission_id, reference, submitted_at
    from submit_applications(${town.tenantId}::uuid, ${town.sequence}::text, ${town.referencePrefix}::text, ${JSON.stringify(items)}::jsonb)`.execute(db);
  const byId = new Map(rows.map((r) => [r.submission_id, { reference: r.reference, submittedAt: r.submitted_at }]));
  return submissions.map((s) => byId.get(s.id)!);
}

/** A submission the actor may see (its department's staff, or the browser holding its receipt), its sensitive answers opened. */
export async function findSubmission(trx: Trx, keyring: Keyring, id: string) {
  const row = await trx
    .selectFrom('submissions')
    .select(['tenant_id', 'id', 'reference', 'service_id', 'definition_hash', 'department_id', 'answers', 'sealed_answers', 'data_key_id', 'language', 'submitted_at', 'organisation_name'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { tenant_id: tenantId, sealed_answers: sealed, data_key_id: dataKeyId, ...submission } = row;
  return { ...submission, answers: await openAnswers(keyring, trx, tenantId, { submissionId: row.id }, { answers: row.answers, sealed, dataKeyId }) };
}

/** The files attached to a submission. */
export async function listSubmissionFiles(trx: Trx, submissionId: string) {
  // Not the files of later answers to the administration's questions: the receipt shows what was submitted.
  return trx.selectFrom('files').select(['id', 'filename', 'media_type', 'size']).where('submission_id', '=', submissionId).where('request_id', 'is', null).orderBy('created_at').execute();
}

/**
 * Deletes the drafts past their keeping time (draft_keep_until, migration 20261123030000: an
 * account's 30 days after the last save, an anonymous one a day, or while a resume link of it is
 * valid), with their uploads and links: they hold personal data nobody will come back for.
 * Returns how many drafts went.
 */
export async function deleteAbandonedDrafts(trx: Trx): Promise<number> {
  const result = await trx.deleteFrom('drafts').where(sql<boolean>`draft_keep_until(tenant_id, id, account_id, updated_at) < now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
