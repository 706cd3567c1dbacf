import type { Keyring } from '../../platform/crypto/keyring.js';
import type { Db, Trx } from '../../platform/db/database.js';
import { isSensitive, type Answers } from './answers.js';
import type { FormDefinition } from './form-definition.js';

/**
 * What sealed answers belong to: the seal is bound to the town and to this, so sealed answers
 * copied to another row, or another town, do not open there.
 */
export type SealedFor = { submissionId: string } | { linkedCaseId: string };

/** Answers as stored: the plain ones (jsonb) and the sensitive ones sealed with a data key, if any. */
export interface StoredAnswers {
  answers: unknown;
  sealed: string | null;
  dataKeyId: string | null;
}

/** The answers as they are written: what stays plain, and the sealed rest with its key (both null when nothing is sensitive). */
export interface AnswersToStore {
  answers: Answers;
  sealed: string | null;
  dataKeyId: string | null;
}

function sealContext(tenantId: string, owner: SealedFor): string {
  return 'submissionId' in owner ? `answers:${tenantId}:submission:${owner.submissionId}` : `answers:${tenantId}:linked-case:${owner.linkedCaseId}`;
}

/** Splits answers into the plain ones and those of fields the form marks sensitive. */
export function splitSensitive(form: FormDefinition, answers: Answers): { plain: Answers; sensitive: Answers } {
  const plain: Answers = {};
  const sensitive: Answers = {};
  for (const [stepId, stepAnswers] of Object.entries(answers)) {
    const step = form.steps.find((s) => s.id === stepId);
    plain[stepId] = {};
    for (const [fieldId, value] of Object.entries(stepAnswers)) {
      const field = step?.fields.find((f) => f.id === fieldId);
      if (field && isSensitive(field)) (sensitive[stepId] ??= {})[fieldId] = value;
      else plain[stepId]![fieldId] = value;
    }
  }
  return { plain, sensitive };
}

/** Takes the answers of fields the form marks sensitive out of `answers` and seals them for their owner. */
export async function sealAnswers(keyring: Keyring, db: Db, tenantId: string, owner: SealedFor, form: FormDefinition, answers: Answers): Promise<AnswersToStore> {
  const { plain, sensitive } = splitSensitive(form, answers);
  if (Object.keys(sensitive).length === 0) return { answers: plain, sealed: null, dataKeyId: null };
  const { sealed, dataKeyId } = await keyring.seal(db, tenantId, JSON.stringify(sensitive), sealContext(tenantId, owner));
  return { answers: plain, sealed, dataKeyId };
}

/**
 * Both parts of stored answers, the sealed part opened (`trx` acts for the town). Answers stored
 * before ADR 0025, or without sensitive fields, have no sealed part.
 */
async function openSensitive(keyring: Keyring, trx: Trx, tenantId: string, owner: SealedFor, stored: StoredAnswers): Promise<{ plain: Answers; sensitive: Answers }> {
  const plain = (stored.answers ?? {}) as Answers;
  if (stored.sealed === null || stored.dataKeyId === null) return { plain, sensitive: {} };
  const sensitive = JSON.parse(await keyring.open(trx, tenantId, { dataKeyId: stored.dataKeyId, sealed: stored.sealed }, sealContext(tenantId, owner))) as Answers;
  return { plain, sensitive };
}

/** The answers as given, sensitive ones opened: what every reader of stored answers shows or sends. */
export async function openAnswers(keyring: Keyring, trx: Trx, tenantId: string, owner: SealedFor, stored: StoredAnswers): Promise<Answers> {
  const { plain, sensitive } = await openSensitive(keyring, trx, tenantId, owner, stored);
  const merged: Answers = { ...plain };
  for (const [stepId, values] of Object.entries(sensitive)) merged[stepId] = { ...merged[stepId], ...values };
  return merged;
}

/**
 * Part of stored answers copied for another owner (the fields shared with an involved department):
 * what was sealed stays sealed, with the same data key, now bound to the new owner.
 */
export async function shareAnswers(
  keyring: Keyring, trx: Trx, tenantId: string, from: { owner: SealedFor; stored: StoredAnswers }, to: SealedFor, pick: (answers: Answers) => Answers,
): Promise<AnswersToStore> {
  const { plain, sensitive } = await openSensitive(keyring, trx, tenantId, from.owner, from.stored);
  const shared = pick(sensitive);
  if (Object.keys(shared).length === 0 || from.stored.dataKeyId === null) return { answers: pick(plain), sealed: null, dataKeyId: null };
  const { sealed, dataKeyId } = await keyring.sealWith(trx, tenantId, from.stored.dataKeyId, JSON.stringify(shared), sealContext(tenantId, to));
  return { answers: pick(plain), sealed, dataKeyId };
}
