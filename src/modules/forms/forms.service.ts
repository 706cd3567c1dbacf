import { randomUUID } from 'node:crypto';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import type { Service } from '../catalog/index.js';
import { referenceSequenceName } from '../tenants/tenants.repository.js';
import type { Answers, FileRef } from './answers.js';
import { deleteDraft, insertSubmission, lockDraft, moveDraftFiles } from './forms.repository.js';

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
  /** Present for the browser journey: the draft is consumed and its kept files move over. */
  draft?: { id: string; sessionHash: string };
  /** Who submitted, for the audit log ("citizen" or "api-client"). */
  actor: string;
}

/** The outcome shown on the receipt. */
export interface SubmissionReceipt {
  submissionId: string;
  reference: string;
  submittedAt: Date;
  /** Hash of the receipt token: whoever holds it may see the receipt. */
  receiptTokenHash: string;
  receiptToken: string;
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

/**
 * Submits an application: submission, case, audit entry and the confirmation mail job are written
 * in ONE transaction, so the receipt the caller shows afterwards always stands for a commit.
 * The draft is locked first, so a second click on "send" waits and then finds it gone.
 */
export async function submitApplication(db: Db, input: SubmitApplication): Promise<SubmissionReceipt> {
  const submissionId = randomUUID();
  const receiptToken = newToken();
  const receiptTokenHash = hashToken(receiptToken);
  const email = applicantEmail(input.service, input.answers);
  const submission = {
    tenantId: input.tenant.id,
    id: submissionId,
    caseId: randomUUID(),
    serviceId: input.service.definition.id,
    definitionHash: input.service.hash,
    departmentId: input.departmentId,
    answers: input.answers,
    language: input.language,
    receiptTokenHash,
    sequence: referenceSequenceName(input.tenant.id),
    referencePrefix: input.tenant.referencePrefix,
    actor: input.actor,
    applicantEmail: email,
  };
  const draft = input.draft;
  // Without a draft (API) the submission is one statement and its own transaction.
  const { reference, submittedAt } = !draft
    ? await insertSubmission(db, submission)
    : await inTransaction(db, { tenantId: input.tenant.id, sessionHash: draft.sessionHash, receiptTokenHashes: [receiptTokenHash] }, async (trx) => {
      // The lock makes a double click wait for the first submission, which then finds no draft.
      if (!(await lockDraft(trx, draft.id))) throw new DraftGoneError();
      const saved = await insertSubmission(trx, submission);
      await moveDraftFiles(trx, draft.id, submissionId, referencedFiles(input.service, input.answers).map((f) => f.id));
      await deleteDraft(trx, draft.id);
      return saved;
    });
  return { submissionId, reference, submittedAt, receiptTokenHash, receiptToken };
}
