import { inTransaction, type Actor, type Db } from '../../platform/db/database.js';
import type { FileStore } from '../../platform/files/file-store.js';
import type { ReceivedFile } from '../forms/index.js';
import { answerApplicantRequest, listApplicantRequests, withdrawableStatuses, type AnswerOutcome, type ApplicantRequest } from '../cases/index.js';
import { accountActor } from '../organisations/index.js';
import { listCaseDocuments, readDocumentForDownload, type CaseDocument } from '../letters/index.js';
import { readCasePayment, readPayment, type Payment } from '../payments/index.js';
import { messagesPerPage, type PostboxMessage } from './postbox.js';
import { countUnread, findMessage, listMessages, markRead } from './postbox.repository.js';

/** The signed-in account a postbox transaction acts for: row-level security shows it its own applications only. */
export interface PostboxOwner {
  tenantId: string;
  accountId: string;
}

/** The account with its memberships: the applications of its organisations are its own too (ADR 0023). */
const actorOf = (db: Db, owner: PostboxOwner): Promise<Actor> => accountActor(db, owner.tenantId, owner.accountId);

/** A page of the postbox (1 is the newest), whether an older page follows, and the unread count. */
export async function loadPostbox(db: Db, owner: PostboxOwner, page: number): Promise<{ messages: PostboxMessage[]; hasOlder: boolean; unread: number }> {
  return inTransaction(db, await actorOf(db, owner), async (trx) => {
    const rows = await listMessages(trx, owner.accountId, { limit: messagesPerPage + 1, offset: (page - 1) * messagesPerPage });
    return { messages: rows.slice(0, messagesPerPage), hasOlder: rows.length > messagesPerPage, unread: await countUnread(trx, owner.accountId) };
  });
}

/** How many messages the account has not opened (for the account overview). */
export async function countUnreadMessages(db: Db, owner: PostboxOwner): Promise<number> {
  return inTransaction(db, await actorOf(db, owner), (trx) => countUnread(trx, owner.accountId));
}

/** A question as its message page shows it: the request with its state, and whether it can still be answered. */
export interface QuestionMessage {
  message: PostboxMessage & { kind: 'question' };
  request: ApplicantRequest;
  /** The application is still open; a closed one takes no answer (answerApplicantRequest refuses it too). */
  answerable: boolean;
}

/** Opens a question of the account's applications and marks it read; undefined when it is not the account's. */
export async function openQuestion(db: Db, owner: PostboxOwner, requestId: string): Promise<QuestionMessage | undefined> {
  return inTransaction(db, await actorOf(db, owner), async (trx) => {
    const message = await findMessage(trx, owner.accountId, 'question', requestId);
    if (message?.kind !== 'question') return undefined;
    const request = (await listApplicantRequests(trx, message.caseId)).find((r) => r.id === requestId)!;
    await markRead(trx, { ...owner, message });
    return { message, request, answerable: withdrawableStatuses.includes(message.caseStatus) };
  });
}

/** A letter as its message page shows it. */
export interface LetterMessage {
  message: PostboxMessage & { kind: 'letter' };
  document: CaseDocument;
  /** The fee the decision set (paid after the decision), whose payment link goes with the letter. */
  payment?: Payment;
}

/** Opens a letter delivered to the account's postbox and marks it read; undefined when it is not the account's. */
export async function openLetter(db: Db, owner: PostboxOwner, documentId: string): Promise<LetterMessage | undefined> {
  const actor = await actorOf(db, owner);
  const opened = await inTransaction(db, actor, async (trx) => {
    const message = await findMessage(trx, owner.accountId, 'letter', documentId);
    if (message?.kind !== 'letter') return undefined;
    const document = (await listCaseDocuments(trx, message.caseId)).find((d) => d.id === documentId)!;
    await markRead(trx, { ...owner, message });
    return { message, document };
  });
  if (!opened) return undefined;
  const payment = await readCasePayment(db, actor, opened.message.caseId);
  return payment?.feeMode === 'after' ? { ...opened, payment } : opened;
}

/** A payment confirmation as its message page shows it. */
export interface ReceiptMessage {
  message: PostboxMessage & { kind: 'receipt' };
  payment: Payment;
}

/** Opens the confirmation of a settled payment of the account's applications and marks it read; undefined when it is not the account's. */
export async function openReceipt(db: Db, owner: PostboxOwner, paymentId: string): Promise<ReceiptMessage | undefined> {
  const actor = await actorOf(db, owner);
  const message = await inTransaction(db, actor, async (trx) => {
    const found = await findMessage(trx, owner.accountId, 'receipt', paymentId);
    if (found?.kind !== 'receipt') return undefined;
    await markRead(trx, { ...owner, message: found });
    return found;
  });
  // The message was found through the account's own cases: the payment itself is the town's.
  const payment = message && (await readPayment(db, owner.tenantId, paymentId));
  return message && payment && { message, payment };
}

/**
 * A letter's PDF or check text for download by the account: audited (actor "applicant", via
 * "postbox") and marked read in the same transaction; undefined when it is not the account's.
 * It stays downloadable as long as the case exists, that is until retention deletes the case.
 */
export async function downloadLetter(db: Db, files: FileStore, owner: PostboxOwner, documentId: string, format: 'pdf' | 'text') {
  return inTransaction(db, await actorOf(db, owner), async (trx) => {
    const message = await findMessage(trx, owner.accountId, 'letter', documentId);
    if (!message) return undefined;
    await markRead(trx, { ...owner, message });
    return readDocumentForDownload(trx, files, { tenantId: owner.tenantId, caseId: message.caseId, documentId, actor: 'applicant', via: 'postbox', format });
  });
}

/**
 * Answers a question from the postbox: the same use case as the status link's and the receipt's
 * answer (text and files into the case and its E-Akte, history, audit, the case back in the inbox),
 * acting as the account.
 */
export async function answerQuestion(
  deps: { db: Db; files: FileStore },
  owner: PostboxOwner,
  input: { caseId: string; requestId: string; reply: string; files: ReceivedFile[] },
): Promise<AnswerOutcome> {
  return answerApplicantRequest(deps, { actor: await actorOf(deps.db, owner), via: 'postbox', ...input });
}
