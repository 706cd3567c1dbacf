import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Keyring } from '../../platform/crypto/keyring.js';
import { inTransaction, type Actor, type Db, type Trx } from '../../platform/db/database.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { berlinDay, parseDay, type Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { recordAudit } from '../audit/index.js';
import type { Service } from '../catalog/index.js';
import { applicantEmail, openAnswers, resolveDefinition, type ReceivedFile, type StepDefinition } from '../forms/index.js';
import type { StaffMember } from '../staff/index.js';
import { t } from './applicant-requests.i18n.js';
import { enqueueApplicantNotice, type ApplicantContact } from './applicant-notice.js';
import type { CaseStatus } from './case.js';
import { findCaseWithSubmission, insertCaseEvent, lockCase, updateCase } from './cases.repository.js';
import { asClerk, changeCaseIn, type ChangeOutcome } from './cases.service.js';
import { refusal, type DepartmentRole } from './workflow.js';

/** The job that tells the applicant a question is waiting (handled by the status module, which makes the link). */
export const applicantRequestJob = 'mail.applicant-request';

/** How an applicant reached the answer form: a status link, the receipt in the submitting browser, or the account's postbox. */
export type AnswerChannel = 'status-link' | 'receipt' | 'postbox';

// Upload inputs are numbered per requested document; the multipart limit in app.ts allows 10 files.
export const maxRequestedDocuments = 8;
const maxDocumentLength = 200;
const maxTextLength = 5000;
/** Days until the deadline the form proposes. */
export const defaultDeadlineDays = 14;
const maxDeadlineDays = 366;

/** A question to the applicant with its answer, as the case page and the status page show it. */
export interface ApplicantRequest {
  id: string;
  question: string;
  documents: string[];
  /** The last day to answer, YYYY-MM-DD (Europe/Berlin). */
  dueOn: string;
  requestedAt: Date;
  state: 'open' | 'answered' | 'withdrawn';
  reply: string | null;
  answeredAt: Date | null;
  answeredVia: AnswerChannel | null;
  withdrawnAt: Date | null;
  /** The answer's files, where the transaction may see them (staff; not through a status link). */
  files: Array<{ id: string; filename: string; size: number; item: number | null }>;
}

/** A calendar day (YYYY-MM-DD) some days after another. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whether the deadline has passed: the due day is over in Europe/Berlin. Answering stays possible. */
export function isOverdue(request: Pick<ApplicantRequest, 'state' | 'dueOn'>, today = berlinDay(new Date())): boolean {
  return request.state === 'open' && request.dueOn < today;
}

/** What the clerk typed into "Nachforderung stellen", as typed. */
export interface RequestFormValues { question: string; dueOn: string; documents: string }

/** Reads and checks the clerk's form: question (1–5000 characters), a deadline after today and at most a year ahead, up to 8 documents. */
export function parseRequestForm(
  body: Record<string, unknown> | undefined,
  lang: Lang,
  today: string,
): { ok: true; question: string; dueOn: string; documents: string[] } | { ok: false; values: RequestFormValues; errors: FieldErrors } {
  const text = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string).replace(/\r\n/g, '\n').trim() : '');
  const values = { question: text('rueckfrage'), dueOn: text('frist'), documents: text('unterlagen') };
  const errors: FieldErrors = {};
  if (values.question === '') errors.rueckfrage = t(lang, 'questionRequired');
  else if (values.question.length > maxTextLength) errors.rueckfrage = t(lang, 'questionTooLong');
  const dueOn = parseDay(values.dueOn);
  if (values.dueOn === '') errors.frist = t(lang, 'dueRequired');
  else if (!dueOn) errors.frist = t(lang, 'dueInvalid');
  else if (dueOn <= today) errors.frist = t(lang, 'duePast');
  else if (dueOn > addDays(today, maxDeadlineDays)) errors.frist = t(lang, 'dueTooFar');
  const documents = values.documents.split('\n').map((line) => line.trim()).filter(Boolean);
  if (documents.length > maxRequestedDocuments) errors.unterlagen = t(lang, 'tooManyDocuments');
  else if (documents.some((d) => d.length > maxDocumentLength)) errors.unterlagen = t(lang, 'documentTooLong');
  if (Object.keys(errors).length > 0) return { ok: false, values, errors };
  return { ok: true, question: values.question, dueOn: dueOn!, documents };
}

/** The requests of a case visible in this transaction (department or applicant), oldest first. */
export async function listApplicantRequests(trx: Trx, caseId: string): Promise<ApplicantRequest[]> {
  const rows = await trx
    .selectFrom('applicant_requests')
    .select(['id', 'question', 'documents', sql<string>`due_on::text`.as('due_on'), 'requested_at', 'state', 'reply', 'answered_at', 'answered_via', 'withdrawn_at'])
    .where('case_id', '=', caseId)
    .orderBy('requested_at')
    .execute();
  // Files follow the submission's policy: the department and the receipt's browser see them.
  const files = rows.length === 0 ? [] : await trx
    .selectFrom('files')
    .select(['id', 'filename', 'size', 'request_id', 'request_item'])
    .where('request_id', 'in', rows.map((r) => r.id))
    .orderBy('request_item')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    question: r.question,
    documents: r.documents,
    dueOn: r.due_on,
    requestedAt: r.requested_at,
    state: r.state as ApplicantRequest['state'],
    reply: r.reply,
    answeredAt: r.answered_at,
    answeredVia: r.answered_via as AnswerChannel | null,
    withdrawnAt: r.withdrawn_at,
    files: files.filter((f) => f.request_id === r.id).map((f) => ({ id: f.id, filename: f.filename, size: f.size, item: f.request_item })),
  }));
}

/** Why a request was not made, or "done". */
export type AskOutcome = ChangeOutcome | 'requestOpen';

/**
 * Asks the applicant (Nachforderung): moves the case to "waiting for the applicant" through the
 * workflow (on the version the clerk saw), stores the question, writes the history and audit
 * entries and the notice job, in one transaction: for an application of an account the postbox
 * notice, else, when the application has an e-mail address, the mail to which the status module
 * adds a fresh status link. Neither names the content.
 */
export async function askApplicant(
  deps: { db: Db; services: Map<string, Service>; keyring: Keyring },
  input: { tenantId: string; staff: StaffMember; caseId: string; version: number; question: string; dueOn: string; documents: string[] },
): Promise<AskOutcome> {
  const { db } = deps;
  const recipient = await applicantContact(deps, input);
  if (!recipient) return 'notFound';
  return asClerk(db, input.tenantId, input.staff, async (trx) => {
    // Checked before the case is locked; a concurrent request then meets the version check, and
    // the unique index on open requests stays the last word.
    const open = await trx.selectFrom('applicant_requests').select('id').where('case_id', '=', input.caseId).where('state', '=', 'open').executeTakeFirst();
    if (open) return 'requestOpen';
    const changed = await changeCaseIn(trx, { ...input, command: { kind: 'status', to: 'waiting_for_applicant' }, services: deps.services });
    if (changed !== 'done') return changed;
    const requestId = randomUUID();
    await trx.insertInto('applicant_requests').values({
      tenant_id: input.tenantId, id: requestId, case_id: input.caseId, question: input.question, documents: input.documents, due_on: input.dueOn, requested_by: input.staff.id,
    }).execute();
    await insertCaseEvent(trx, { tenantId: input.tenantId, caseId: input.caseId, staffId: input.staff.id, kind: 'request', details: { action: 'asked', requestId, dueOn: input.dueOn, documents: input.documents.length } });
    // The question stays out of the audit log and the mail: it may name people and circumstances.
    const notice = await enqueueApplicantNotice(trx, input.tenantId, recipient, { kind: applicantRequestJob, payload: { dueOn: input.dueOn } });
    await recordAudit(trx, { tenantId: input.tenantId, actor: `staff:${input.staff.id}`, action: 'case.request-sent', subject: `case:${input.caseId}`, details: { reference: recipient.reference, dueOn: input.dueOn, notice } });
    return 'done';
  });
}

/** The case's reference, the applicant's account (if applied while signed in), e-mail address (if the form asks for one) and language, read as the clerk. */
async function applicantContact(deps: { db: Db; services: Map<string, Service>; keyring: Keyring }, input: { tenantId: string; staff: StaffMember; caseId: string }): Promise<ApplicantContact | undefined> {
  const found = await asClerk(deps.db, input.tenantId, input.staff, async (trx) => {
    const c = await findCaseWithSubmission(trx, input.caseId);
    if (!c) return undefined;
    // A linked case (another department involved) cannot read the submission; the workflow refuses it.
    const row = await trx.selectFrom('submissions').select(['id', 'language', 'answers', 'sealed_answers', 'data_key_id', 'definition_hash', 'account_id']).where('id', '=', c.submission_id).executeTakeFirst();
    const submission = row && { ...row, answers: await openAnswers(deps.keyring, trx, input.tenantId, { submissionId: row.id }, { answers: row.answers, sealed: row.sealed_answers, dataKeyId: row.data_key_id }) };
    return { reference: c.reference, submission };
  });
  if (!found) return undefined;
  const s = found.submission;
  const email = s ? applicantEmail(await resolveDefinition(deps.db, deps.services, s.definition_hash), s.answers) : undefined;
  return { reference: found.reference, language: (s?.language ?? 'de') as Lang, email, accountId: s?.account_id ?? null };
}

/** Why a request was not withdrawn, or "done". */
export type WithdrawOutcome = 'done' | 'notFound' | 'conflict' | 'notAllowed' | 'notOpen';

/**
 * Withdraws an open request (its assignee or a team lead). A case waiting for the answer goes back
 * to "in progress"; an answer that arrives later is refused with a clear message.
 */
export async function withdrawApplicantRequest(db: Db, input: { tenantId: string; staff: StaffMember; caseId: string; version: number; requestId: string }): Promise<WithdrawOutcome> {
  return asClerk(db, input.tenantId, input.staff, async (trx) => {
    // The case is locked first, as the applicant's answer does: the two never wait for each other crosswise.
    const found = await lockCase(trx, input.caseId);
    if (!found) return 'notFound';
    if (found.version !== input.version) return 'conflict';
    const role = input.staff.departments.find((d) => d.id === found.department_id)?.role as DepartmentRole;
    if (refusal({ status: found.status as CaseStatus, assigneeId: found.assignee_id, step: found.step }, { kind: 'withdrawRequest' }, { staffId: input.staff.id, role }, { stepIds: [], departmentStaffIds: [] })) return 'notAllowed';
    const withdrawn = await trx
      .updateTable('applicant_requests')
      .set({ state: 'withdrawn', withdrawn_by: input.staff.id, withdrawn_at: new Date() })
      .where('id', '=', input.requestId)
      .where('case_id', '=', found.id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    if (Number(withdrawn.numUpdatedRows) !== 1) return 'notOpen';
    const event = { tenantId: input.tenantId, caseId: found.id, staffId: input.staff.id };
    const resumes = found.status === 'waiting_for_applicant';
    await updateCase(trx, found.id, found.version, resumes ? { status: 'in_progress', step: null } : {});
    if (resumes) await insertCaseEvent(trx, { ...event, kind: 'status', details: { from: found.status, to: 'in_progress' } });
    await insertCaseEvent(trx, { ...event, kind: 'request', details: { action: 'withdrawn', requestId: input.requestId } });
    await recordAudit(trx, { tenantId: input.tenantId, actor: `staff:${input.staff.id}`, action: 'case.request-withdrawn', subject: `case:${found.id}`, details: { reference: found.reference } });
    return 'done';
  });
}

/** The upload inputs of the answer form: one per requested document, and one for a further document. */
export function replyUploadStep(documents: string[]): StepDefinition {
  const file = (id: string, label: string) => ({
    id, label: { de: label }, required: false, sensitive: false, type: 'file' as const,
    accept: ['application/pdf', 'image/jpeg', 'image/png'] as Array<'application/pdf' | 'image/jpeg' | 'image/png'>, maxFiles: 1, maxSizeMb: 10,
  });
  return {
    id: 'antwort',
    title: { de: t('de', 'uploadsHeading'), en: t('en', 'uploadsHeading') },
    fields: [...documents.map((d, i) => file(`unterlage${i}`, d)), { ...file('weitere', t('de', 'furtherDocument')), label: { de: t('de', 'furtherDocument'), en: t('en', 'furtherDocument') } }],
  };
}

/** Which requested document an upload input answers (null: a further document). */
function requestItem(fieldId: string): number | null {
  const m = fieldId.match(/^unterlage(\d)$/);
  return m ? Number(m[1]) : null;
}

/** Checks the applicant's answer text: at most 5000 characters, and text or at least one file. */
export function checkReply(text: string, fileCount: number, lang: Lang): string | undefined {
  if (text.length > maxTextLength) return t(lang, 'answerTooLong');
  if (text === '' && fileCount === 0) return t(lang, 'answerEmpty');
  return undefined;
}

/** Why an answer was not stored, or that it was. */
export type AnswerOutcome =
  | { kind: 'done' }
  | { kind: 'notFound' | 'withdrawn' | 'caseClosed' }
  | { kind: 'alreadyAnswered'; answeredAt: Date };

/**
 * Stores the applicant's answer to an open request: the text, the files (in the case file, under
 * the application's submission), a history entry, an audit entry with the actor "applicant", and
 * returns the case to the inbox: "in progress" when it has an assignee, else "received" (the "new"
 * view), at its next version. The actor is whatever row-level security knows the applicant by (a
 * status link's token, the receipt, the signed-in account of the postbox), so every channel shares this.
 * A late answer is taken; a request answered or withdrawn before is refused.
 */
export async function answerApplicantRequest(
  deps: { db: Db; files: FileStore },
  input: { actor: Actor; via: AnswerChannel; caseId: string; requestId: string; reply: string; files: ReceivedFile[] },
): Promise<AnswerOutcome> {
  // Content-addressed: bytes stored before a refusal are unreferenced, never wrong.
  const stored: Array<ReceivedFile & { sha256: string }> = [];
  for (const file of input.files) stored.push({ ...file, sha256: await deps.files.put(file.bytes) });
  const tenantId = input.actor.tenantId;
  return inTransaction(deps.db, input.actor, async (trx) => {
    // Locked first, as a clerk's withdrawal does. The applicant may lock (update) the case only
    // while it is open (policy applicant_answers); a closed case is simply not returned.
    const c = await trx.selectFrom('cases').select(['id', 'reference', 'status', 'version', 'assignee_id', 'submission_id']).where('id', '=', input.caseId).forUpdate().executeTakeFirst();
    const request = await trx.selectFrom('applicant_requests').select(['id', 'state', 'answered_at']).where('id', '=', input.requestId).where('case_id', '=', input.caseId).executeTakeFirst();
    if (!request) return { kind: 'notFound' };
    if (request.state === 'answered') return { kind: 'alreadyAnswered', answeredAt: request.answered_at! };
    if (request.state === 'withdrawn') return { kind: 'withdrawn' };
    if (!c || (c.status !== 'in_progress' && c.status !== 'waiting_for_applicant')) return { kind: 'caseClosed' };

    const version = c.version + 1;
    const answered = await trx
      .updateTable('applicant_requests')
      .set({ state: 'answered', reply: input.reply, answered_at: new Date(), answered_via: input.via, answered_case_version: version })
      .where('id', '=', request.id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    if (Number(answered.numUpdatedRows) !== 1) return { kind: 'notFound' };
    const to = c.status === 'waiting_for_applicant' ? (c.assignee_id ? 'in_progress' : 'received') : c.status;
    await updateCase(trx, c.id, c.version, to === c.status ? {} : { status: to, step: null });
    for (const f of stored) {
      await trx.insertInto('files').values({
        tenant_id: tenantId, id: f.ref.id, sha256: f.sha256, media_type: f.ref.mediaType, size: f.ref.size, filename: f.ref.filename,
        draft_id: null, submission_id: c.submission_id, request_id: request.id, request_item: requestItem(f.fieldId),
      }).execute();
    }
    const event = { tenantId, caseId: c.id, staffId: null };
    await insertCaseEvent(trx, { ...event, kind: 'reply', details: { requestId: request.id, files: stored.length } });
    if (to !== c.status) await insertCaseEvent(trx, { ...event, kind: 'status', details: { from: c.status, to } });
    await recordAudit(trx, { tenantId, actor: 'applicant', action: 'case.request-answered', subject: `case:${c.id}`, details: { reference: c.reference, via: input.via, files: stored.length } });
    return { kind: 'done' };
  });
}
