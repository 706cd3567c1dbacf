import { randomUUID } from 'node:crypto';
import type { Keyring } from '../../platform/crypto/keyring.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { createGroupCommit } from '../../platform/db/group-commit.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import type { Service } from '../catalog/index.js';
import { feeDueFirst, openCasePayment } from '../payments/index.js';
import { referenceSequenceName } from '../tenants/tenants.repository.js';
import { searchText, type Answers, type FileRef } from './answers.js';
import { deleteDraft, insertSubmissions, lockDraft, moveDraftFiles, type NewSubmission } from './forms.repository.js';
import { sealAnswers } from './sealed-answers.js';

/** Thrown when a draft was already submitted (double click, second tab) or has expired. */
export class DraftGoneError extends Error {
  constructor() {
    super('draft no longer exists');
  }
}

/** Everything a submission needs; the answers are already validated against the definition. */
export interface SubmitApplication {
  tenant: { id: string; referencePrefix: string };
  service: Service;
  departmentId: string;
  answers: Answers;
  language: Lang;
  /** Who submitted, for the audit log ("citizen" or "api-client"). */
  actor: string;
  /** The signed-in account applying, if any. */
  accountId?: string;
  /** The organisation the account applies for (ADR 0023), if any. */
  organisationId?: string;
}

/** The outcome shown on the receipt. */
export interface SubmissionReceipt {
  submissionId: string;
  reference: string;
  submittedAt: Date;
  /** Hash of the receipt token: whoever holds it may see the receipt. */
  receiptTokenHash: string;
  receiptToken: string;
  /** The payment the applicant makes next, for a service paid before handling. */
  paymentId?: string;
}

/** The applicant's e-mail address named by the definition, if it was answered. */
export function applicantEmail(service: Service, answers: Answers): string | undefined {
  const path = service.definition.form?.applicantEmail;
  if (!path) return undefined;
  const [step, field] = path.split('.') as [string, string];
  const value = answers[step]?.[field];
  return typeof value === 'string' ? value : undefined;
}

/** The uploaded files the answers refer to (they move from the draft to the submission). */
function referencedFiles(service: Service, answers: Answers): FileRef[] {
  return (service.definition.form?.steps ?? []).flatMap((step) =>
    step.fields.filter((f) => f.type === 'file').flatMap((f) => (answers[step.id]?.[f.id] as FileRef[] | undefined) ?? []));
}

/** Writes submissions that come without a draft (the API); concurrent ones share a statement. */
export type SubmissionWriter = (tenantId: string, submission: NewSubmission) => Promise<{ reference: string; submittedAt: Date }>;

/**
 * The group commit of API submissions (docs/adr/0007): up to two statements of a town at a time,
 * each with up to 64 submissions, leave connections of the pool of ten to everything else.
 */
export function createSubmissionWriter(db: Db): SubmissionWriter {
  return createGroupCommit({ maxInFlight: 2, maxBatch: 64, write: (_tenantId, items: NewSubmission[]) => insertSubmissions(db, items) });
}

/** The deadline of a new case: the service's processing time in calendar days from now. */
function dueDate(service: Service): Date | undefined {
  const days = service.definition.processingTime?.days;
  return days === undefined ? undefined : new Date(Date.now() + days * 86_400_000);
}

/** What submitting needs besides the application: the database and the keyring that seals sensitive answers. */
export interface SubmissionDeps {
  db: Db;
  keyring: Keyring;
}

/**
 * A submission ready to be written, and the receipt its caller shows once it is. The answers of
 * fields marked sensitive are sealed here, before anything is written (ADR 0025).
 */
async function prepare(deps: SubmissionDeps, input: SubmitApplication): Promise<{ submission: NewSubmission; receiptToken: string }> {
  const receiptToken = newToken();
  const id = randomUUID();
  const form = input.service.definition.form!;
  return {
    receiptToken,
    submission: {
      tenantId: input.tenant.id,
      id,
      caseId: randomUUID(),
      serviceId: input.service.definition.id,
      definitionHash: input.service.hash,
      departmentId: input.departmentId,
      answers: await sealAnswers(deps.keyring, deps.db, input.tenant.id, { submissionId: id }, form, input.answers),
      language: input.language,
      receiptTokenHash: hashToken(receiptToken),
      sequence: referenceSequenceName(input.tenant.id),
      referencePrefix: input.tenant.referencePrefix,
      actor: input.actor,
      applicantEmail: applicantEmail(input.service, input.answers),
      dueAt: dueDate(input.service),
      searchText: searchText(form, input.answers),
      accountId: input.accountId,
      organisationId: input.organisationId,
    },
  };
}

function receipt(submission: NewSubmission, receiptToken: string, saved: { reference: string; submittedAt: Date }): SubmissionReceipt {
  return { submissionId: submission.id, ...saved, receiptTokenHash: submission.receiptTokenHash, receiptToken };
}

/**
 * Submits an application that has no draft (the API). Submission, case, audit entry and the
 * confirmation mail job are committed together before this resolves.
 */
export async function submitApplication(deps: SubmissionDeps, write: SubmissionWriter, input: SubmitApplication): Promise<SubmissionReceipt> {
  const { submission, receiptToken } = await prepare(deps, input);
  const feeCents = feeDueFirst(input.service.definition, input.answers);
  if (feeCents === undefined) return receipt(submission, receiptToken, await write(input.tenant.id, submission));
  // Paid first: the submission and its payment in one transaction, outside the group commit (which writes submissions only).
  submission.paymentFirst = true;
  const saved = await inTransaction(deps.db, { tenantId: input.tenant.id }, async (trx) => {
    const [written] = await insertSubmissions(trx, [submission]);
    return { ...written!, paymentId: (await openPaymentOf(trx, input, submission, written!.reference, feeCents)).id };
  });
  return { ...receipt(submission, receiptToken, saved), paymentId: saved.paymentId };
}

/** The payment of a submission whose fee is paid first; the payer continues to its receipt. */
function openPaymentOf(trx: Trx, input: SubmitApplication, submission: NewSubmission, reference: string, amountCents: number) {
  return openCasePayment(trx, input.tenant.id, {
    caseId: submission.caseId, serviceId: submission.serviceId, reference, serviceTitle: input.service.definition.title.de, amountCents,
    continuePath: `/eingang/${submission.id}`, noticeAccountId: submission.accountId ?? null,
    closeUnpaid: { afterDays: input.service.definition.payment?.closeUnpaidAfterDays ?? 14, receiptTokenHash: submission.receiptTokenHash },
  });
}

/**
 * Submits the browser journey's draft: the submission (with its case, audit entry and mail job)
 * and the move of the draft's files are ONE transaction. The draft is locked first, so a second
 * click on "send" waits and then finds it gone. `organisationIds` are the account's memberships as
 * read from the database (accountActor): row-level security refuses an organisation not among them.
 */
export async function submitDraft(deps: SubmissionDeps, draft: { id: string; sessionHash: string; organisationIds?: readonly string[] }, input: SubmitApplication): Promise<SubmissionReceipt> {
  const { submission, receiptToken } = await prepare(deps, input);
  const feeCents = feeDueFirst(input.service.definition, input.answers);
  submission.paymentFirst = feeCents !== undefined;
  const actor = {
    tenantId: input.tenant.id, sessionHash: draft.sessionHash, accountId: input.accountId, organisationIds: draft.organisationIds,
    receiptTokenHashes: [submission.receiptTokenHash],
  };
  const saved = await inTransaction(deps.db, actor, async (trx) => {
    if (!(await lockDraft(trx, draft.id))) throw new DraftGoneError();
    const [written] = await insertSubmissions(trx, [submission]);
    await moveDraftFiles(trx, draft.id, submission.id, referencedFiles(input.service, input.answers).map((f) => f.id));
    await deleteDraft(trx, draft.id);
    // In the same transaction: a submission held for its fee is never stored without the payment that releases it.
    const payment = feeCents === undefined ? undefined : await openPaymentOf(trx, input, submission, written!.reference, feeCents);
    return { ...written!, paymentId: payment?.id };
  });
  return { ...receipt(submission, receiptToken, saved), paymentId: saved.paymentId };
}
