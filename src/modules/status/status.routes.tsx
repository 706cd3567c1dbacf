import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { hashToken, isUuid } from '../../platform/crypto/tokens.js';
import { inTransaction, type Actor, type Trx } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import { answerApplicantRequest, answerRefusalText, readAnswerForm, withdrawApplication, type AnswerFormState } from '../cases/index.js';
import { readDocumentForDownload, sendDocument } from '../letters/index.js';
import { readCasePayment, ReceiptPaymentStatus } from '../payments/index.js';
import { readApplicantStatus } from './applicant-status.js';
import { isStatusToken } from './status-links.js';
import { findApplicantCase, findLinkedReference, findReceiptReference } from './status.repository.js';
import { t } from './status.i18n.js';
import { StatusPage, type ApplicantStatus, type WithdrawState } from './views/status-page.js';

// Per client address and minute. Tokens cannot be guessed (256 bits); the limit keeps scripted
// probing from loading the database.
const statusRateLimit = { rateLimit: { max: 60, timeWindow: '1 minute' } };

/** How a request reaches an application: by a status link's token, or as the browser that submitted it. */
interface ApplicantAccess {
  actor: Actor;
  /** The status page's address; document links and answers to questions start there. */
  page: string;
  /** For the audit log: which key opened the page. */
  via: 'status-link' | 'receipt';
  /**
   * The CSRF token forms on the page carry: the receipt's session has one. A status link needs
   * none, as its address is itself the secret a forged form would have to know.
   */
  csrfToken?: string;
  findReference(trx: Trx): Promise<string | undefined>;
}

/**
 * The applicant's status page, by status link (/status/:token) or, for the browser whose session
 * holds the receipt, under the receipt (/eingang/:submissionId/status). Row-level security shows
 * the case, its status changes and its documents only to a transaction holding the token.
 */
export async function statusRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  function byToken(request: FastifyRequest, token: string): ApplicantAccess | undefined {
    if (!isStatusToken(token)) return undefined;
    const tokenHash = hashToken(token);
    return { actor: { tenantId: request.tenant.id, statusTokenHashes: [tokenHash] }, page: `/status/${token}`, via: 'status-link', findReference: (trx) => findLinkedReference(trx, tokenHash) };
  }

  async function byReceipt(request: FastifyRequest, submissionId: string): Promise<ApplicantAccess | undefined> {
    if (!isUuid(submissionId)) return undefined;
    const session = await findSession(db, request);
    if (!session || session.receipts.length === 0) return undefined;
    return {
      actor: { tenantId: request.tenant.id, receiptTokenHashes: session.receipts }, page: `/eingang/${submissionId}/status`, via: 'receipt', csrfToken: session.csrfToken,
      findReference: (trx) => findReceiptReference(trx, submissionId),
    };
  }

  function loadStatus(request: FastifyRequest, access: ApplicantAccess): Promise<ApplicantStatus | undefined> {
    return inTransaction(db, access.actor, async (trx) => {
      const reference = await access.findReference(trx);
      return reference ? readApplicantStatus(trx, deps.services, reference, request.lang) : undefined;
    });
  }

  // A status link in the address bar must not travel on in a Referer header, nor stay in a cache.
  const privateHeaders = (reply: FastifyReply) => reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');

  async function showStatus(request: FastifyRequest, reply: FastifyReply, access: ApplicantAccess | undefined, form?: AnswerFormState, code = 200, withdraw?: WithdrawState) {
    privateHeaders(reply);
    const status = access && (await loadStatus(request, access));
    if (!access || !status) return reply.callNotFound();
    const ctx = { lang: request.lang, path: access.page, townName: request.tenant.name, csrfToken: access.csrfToken };
    const payment = await readCasePayment(db, access.actor, status.caseId);
    return sendPage(reply, <StatusPage ctx={ctx} status={status} page={access.page} answerForm={form} withdraw={withdraw} payment={payment && <ReceiptPaymentStatus ctx={ctx} payment={payment} />} />, code);
  }

  /**
   * The applicant answers a question (multipart: text and one file per requested document, checked
   * like form uploads). Success is 303 back to the page; a mistake 422 with the text kept; a
   * question answered or withdrawn before, or a closed application, 409 with the reason.
   */
  async function answer(request: FastifyRequest, reply: FastifyReply, access: ApplicantAccess | undefined, requestId: string) {
    privateHeaders(reply);
    const lang = request.lang;
    const status = access && isUuid(requestId) && (await loadStatus(request, access));
    const question = status ? status.requests.find((r) => r.id === requestId) : undefined;
    if (!access || !status || !question) return reply.callNotFound();
    const posted = await readAnswerForm(request, question.documents, lang, access.csrfToken);
    if (posted.kind === 'refused') return sendErrorPage(request, reply, posted.status);
    if (posted.kind === 'invalid') return showStatus(request, reply, access, { requestId, reply: posted.reply, errors: posted.errors }, 422);
    const outcome = await answerApplicantRequest(deps, { actor: access.actor, via: access.via, caseId: status.caseId, requestId, reply: posted.reply, files: posted.files });
    if (outcome.kind === 'done') return reply.redirect(`${access.page}#fragen`, 303);
    if (outcome.kind === 'notFound') return reply.callNotFound();
    return showStatus(request, reply, access, { requestId, reply: posted.reply, errors: {}, alert: answerRefusalText(lang, outcome) }, 409);
  }

  /** The applicant withdraws the application: 303 back to the page, 422 without the confirmation, 409 once it is no longer open. */
  async function withdraw(request: FastifyRequest<{ Body: Record<string, unknown> }>, reply: FastifyReply, access: ApplicantAccess | undefined) {
    privateHeaders(reply);
    const status = access && (await loadStatus(request, access));
    if (!access || !status) return reply.callNotFound();
    const body = request.body ?? {};
    if (!Object.keys(body).every((k) => k === '_csrf' || k === 'bestaetigung')) return sendErrorPage(request, reply, 400);
    if (access.csrfToken !== undefined && !isValidCsrfToken({ csrfToken: access.csrfToken }, body._csrf)) return sendErrorPage(request, reply, 403);
    if (body.bestaetigung !== 'ja') return showStatus(request, reply, access, undefined, 422, { error: t(request.lang, 'withdrawConfirmRequired') });
    const outcome = await withdrawApplication(db, { actor: access.actor, via: access.via, caseId: status.caseId });
    if (outcome === 'done') return reply.redirect(`${access.page}#verlauf`, 303);
    if (outcome === 'notFound') return reply.callNotFound();
    return showStatus(request, reply, access, undefined, 409, { alert: t(request.lang, 'withdrawNotOpen') });
  }

  async function download(request: FastifyRequest, reply: FastifyReply, access: ApplicantAccess | undefined, documentId: string, what: 'pdf' | 'text') {
    privateHeaders(reply);
    if (!access || !isUuid(documentId)) return reply.callNotFound();
    const found = await inTransaction(db, access.actor, async (trx) => {
      const reference = await access.findReference(trx);
      const c = reference ? await findApplicantCase(trx, reference) : undefined;
      return c && readDocumentForDownload(trx, deps.files, { tenantId: request.tenant.id, caseId: c.id, documentId, actor: 'applicant', via: access.via, format: what });
    });
    if (!found) return reply.callNotFound();
    return sendDocument(reply, found, what);
  }

  type TokenParams = { token: string; documentId: string };
  type ReceiptParams = { submissionId: string; documentId: string };
  type AnswerParams = { token: string; submissionId: string; requestId: string };

  app.get('/status/:token', { config: statusRateLimit }, (request: FastifyRequest<{ Params: { token: string } }>, reply) =>
    showStatus(request, reply, byToken(request, request.params.token)));
  app.get('/status/:token/dokumente/:documentId/bescheid.pdf', { config: statusRateLimit }, (request: FastifyRequest<{ Params: TokenParams }>, reply) =>
    download(request, reply, byToken(request, request.params.token), request.params.documentId, 'pdf'));
  app.get('/status/:token/dokumente/:documentId/prueftext.txt', { config: statusRateLimit }, (request: FastifyRequest<{ Params: TokenParams }>, reply) =>
    download(request, reply, byToken(request, request.params.token), request.params.documentId, 'text'));

  app.post('/status/:token/fragen/:requestId', { config: statusRateLimit }, (request: FastifyRequest<{ Params: AnswerParams }>, reply) =>
    answer(request, reply, byToken(request, request.params.token), request.params.requestId));
  app.post('/eingang/:submissionId/status/fragen/:requestId', { config: statusRateLimit }, async (request: FastifyRequest<{ Params: AnswerParams }>, reply) =>
    answer(request, reply, await byReceipt(request, request.params.submissionId), request.params.requestId));

  app.post('/status/:token/zurueckziehen', { config: statusRateLimit }, (request: FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>, reply) =>
    withdraw(request, reply, byToken(request, request.params.token)));
  app.post('/eingang/:submissionId/status/zurueckziehen', { config: statusRateLimit }, async (request: FastifyRequest<{ Params: { submissionId: string }; Body: Record<string, unknown> }>, reply) =>
    withdraw(request, reply, await byReceipt(request, request.params.submissionId)));

  app.get('/eingang/:submissionId/status', { config: statusRateLimit }, async (request: FastifyRequest<{ Params: { submissionId: string } }>, reply) =>
    showStatus(request, reply, await byReceipt(request, request.params.submissionId)));
  app.get('/eingang/:submissionId/status/dokumente/:documentId/bescheid.pdf', { config: statusRateLimit }, async (request: FastifyRequest<{ Params: ReceiptParams }>, reply) =>
    download(request, reply, await byReceipt(request, request.params.submissionId), request.params.documentId, 'pdf'));
  app.get('/eingang/:submissionId/status/dokumente/:documentId/prueftext.txt', { config: statusRateLimit }, async (request: FastifyRequest<{ Params: ReceiptParams }>, reply) =>
    download(request, reply, await byReceipt(request, request.params.submissionId), request.params.documentId, 'text'));
}
