import type { PostResult } from './webhook-sender.js';

/**
 * A delivery's states: waiting for its (next) attempt, delivered, failed for good, or sent again by
 * a clerk and waiting for that attempt.
 */
export const handoffStatuses = ['pending', 'delivered', 'failed', 'resent'] as const;
export type HandoffStatus = (typeof handoffStatuses)[number];

/** The job kind that delivers one hand-off (enqueued by the cases_handoff trigger and by a resend). */
export const handoffJob = 'handoff';

/**
 * Attempts per job: with the worker's back-off (2^n seconds, capped at an hour) about four hours
 * of retries. The cases_handoff trigger (migration 20261122210000) writes the same number.
 */
export const handoffMaxAttempts = 15;

/** A clerk may send again what has come to an end; a delivery still waiting is on its way already. */
export function mayResend(status: HandoffStatus): boolean {
  return status === 'delivered' || status === 'failed';
}

/** One delivery as the case page shows it. */
export interface HandoffDelivery {
  /** Also the webhook-id and Idempotency-Key the receiving system sees. */
  id: string;
  status: HandoffStatus;
  attempts: number;
  lastAttemptAt: Date | null;
  httpStatus: number | null;
  /** Why the last attempt failed (technical, for the IT contact). */
  error: string | null;
  deliveredAt: Date | null;
}

/** What an attempt means for the delivery. */
export type AttemptOutcome =
  | { kind: 'delivered'; httpStatus: number }
  | { kind: 'retry' | 'failed'; httpStatus: number | null; reason: string };

/**
 * Reads a receiver's answer the Standard Webhooks way: 2xx delivered; 408 and 429 (the receiver is
 * busy) and 5xx or no answer are retried; every other status is final, as is a refused address.
 * Redirects are not followed: the configured URL has to be corrected instead.
 */
export function classifyAttempt(result: PostResult): AttemptOutcome {
  if (result.kind === 'noResponse') return { kind: result.refused ? 'failed' : 'retry', httpStatus: null, reason: result.reason };
  const { status, excerpt } = result;
  if (status >= 200 && status < 300) return { kind: 'delivered', httpStatus: status };
  const reason = `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', httpStatus: status, reason };
  return { kind: 'failed', httpStatus: status, reason: status >= 300 && status < 400 ? `${reason} (redirects are not followed; correct the URL)` : reason };
}

/** What the receiving system gets: the case as submitted, in the Standard Webhooks payload shape. */
export interface HandoffCase {
  caseId: string;
  reference: string;
  tenant: { slug: string; name: string };
  serviceId: string;
  definitionVersion: number;
  definitionHash: string;
  submittedAt: Date;
  language: string;
  answers: Record<string, unknown>;
  files: Array<{ filename: string; mediaType: string; size: number; sha256: string }>;
}

/**
 * The JSON body of a hand-off. It depends only on the stored case, so every attempt of a delivery
 * sends the same bytes; `timestamp` is when the application was submitted, the attempt's time is
 * in the webhook-timestamp header. Files are listed with name, type, size and SHA-256; their
 * content is not sent (docs/adr/0012).
 */
export function handoffBody(c: HandoffCase): string {
  return JSON.stringify({
    type: 'case.created',
    timestamp: c.submittedAt.toISOString(),
    data: {
      caseId: c.caseId,
      reference: c.reference,
      tenant: c.tenant,
      service: { id: c.serviceId, definitionVersion: c.definitionVersion, definitionHash: c.definitionHash },
      submittedAt: c.submittedAt.toISOString(),
      language: c.language,
      answers: c.answers,
      files: c.files,
    },
  });
}
