/**
 * The kinds of postbox messages: a clerk's question (applicant_requests), a letter delivered to
 * the postbox (case_documents) and the confirmation of a settled payment (payments). A payment
 * request comes with its letter (ADR 0027).
 */
export const messageKinds = ['question', 'letter', 'receipt'] as const;
export type MessageKind = (typeof messageKinds)[number];

/** What every message has: which application it belongs to, when it came, whether it was opened. */
interface MessageBase {
  id: string;
  caseId: string;
  reference: string;
  serviceId: string;
  /** The case's status now (a question of a closed application can no longer be answered). */
  caseStatus: string;
  sentAt: Date;
  /** When the account first opened it; null while unread. */
  readAt: Date | null;
}

/** One message as the postbox lists it (no content: a question's text shows only when opened). */
export type PostboxMessage = MessageBase & (
  | { kind: 'question'; state: 'open' | 'answered' | 'withdrawn'; dueOn: string }
  | { kind: 'letter'; title: string; documentNumber: string }
  | { kind: 'receipt'; title: string }
);

/** The postbox page. */
export const postboxPath = '/konto/postfach';

/** Messages per page of the postbox. */
export const messagesPerPage = 20;

const messageFolders: Record<MessageKind, string> = { question: 'fragen', letter: 'bescheide', receipt: 'zahlungen' };

/** The address of a message: only its id, the session and row-level security decide who may open it. */
export function messagePath(message: { kind: MessageKind; id: string }): string {
  return `${postboxPath}/${messageFolders[message.kind]}/${message.id}`;
}
