import type { FastifyRequest } from 'fastify';
import { isValidCsrfToken } from '../../platform/http/session.js';
import { formatDate, type Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { readMultipartStep, type ReceivedFile } from '../forms/index.js';
import { checkReply, replyUploadStep, type AnswerOutcome } from './applicant-requests.js';
import { t } from './applicant-requests.i18n.js';

/** The applicant's answer form as posted: refused outright, to be shown again with what is wrong, or ready to store. */
export type PostedAnswer =
  | { kind: 'refused'; status: 400 | 403 }
  | { kind: 'invalid'; reply: string; errors: FieldErrors }
  | { kind: 'ok'; reply: string; files: ReceivedFile[] };

/**
 * Reads the answer form of every channel (multipart: the text and one file input per requested
 * document plus one more), with the checks of form uploads (declared size, sniffed content; PDF,
 * JPEG, PNG up to 10 MB). A form that is not multipart or has fields the form never had is refused
 * (400); so is a wrong CSRF token (403) where the channel has one (`csrfToken` undefined: a status
 * link, whose address is its own secret).
 */
export async function readAnswerForm(request: FastifyRequest, documents: string[], lang: Lang, csrfToken: string | undefined): Promise<PostedAnswer> {
  if (!request.isMultipart()) return { kind: 'refused', status: 400 };
  const parsed = await readMultipartStep(request, replyUploadStep(documents), lang);
  if (parsed.unknownFileField || Object.keys(parsed.raw).some((name) => name !== 'antwort' && name !== '_csrf')) return { kind: 'refused', status: 400 };
  if (csrfToken !== undefined && !isValidCsrfToken({ csrfToken }, parsed.raw._csrf)) return { kind: 'refused', status: 403 };
  const reply = typeof parsed.raw.antwort === 'string' ? parsed.raw.antwort.replace(/\r\n/g, '\n').trim() : '';
  const errors = { ...parsed.fileErrors };
  const textError = checkReply(reply, parsed.files.length, lang);
  if (textError) errors.antwort = textError;
  return Object.keys(errors).length > 0 ? { kind: 'invalid', reply, errors } : { kind: 'ok', reply, files: parsed.files };
}

/** Why an answer was refused, for the applicant: answered before (with the date), withdrawn by the administration, or the application closed. */
export function answerRefusalText(lang: Lang, outcome: Exclude<AnswerOutcome, { kind: 'done' | 'notFound' }>): string {
  if (outcome.kind === 'alreadyAnswered') return t(lang, 'alreadyAnswered', { date: formatDate(outcome.answeredAt, lang, true) });
  return t(lang, outcome.kind === 'withdrawn' ? 'withdrawnForApplicant' : 'caseClosed');
}
