import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import type { Db } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import { requireAccount, type SignedInAccount } from '../accounts/index.js';
import { answerRefusalText, readAnswerForm, type AnswerFormState } from '../cases/index.js';
import { sendDocument } from '../letters/index.js';
import { postboxPath } from './postbox.js';
import { answerQuestion, countUnreadMessages, downloadLetter, loadPostbox, openLetter, openQuestion, openReceipt, type PostboxOwner } from './postbox.service.js';
import { t } from './postbox.i18n.js';
import { LetterPage, PostboxPage, QuestionPage, ReceiptPage, unreadText } from './views/postbox-pages.js';

// Uploads are read before the answer is stored; the limit keeps one account from filling the disk quickly.
const answerRateLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

type QuestionRequest = FastifyRequest<{ Params: { requestId: string } }>;
type LetterRequest = FastifyRequest<{ Params: { documentId: string } }>;

/** The postbox's entry on the account overview (/konto): the link with the unread count. */
export async function postboxArea(db: Db, owner: PostboxOwner, lang: Lang): Promise<{ href: string; label: string; description: string }> {
  const unread = await countUnreadMessages(db, owner);
  return {
    href: postboxPath,
    label: unread > 0 ? t(lang, 'areaLabelUnread', { unread: unreadText(lang, unread) }) : t(lang, 'areaLabel'),
    description: t(lang, 'areaDescription'),
  };
}

/**
 * The postbox of a signed-in account (/konto/postfach): the list of messages, a question with its
 * answer form, a letter with its downloads. Addresses carry only ids; the session names the
 * account and row-level security shows it its own applications only, so another account's
 * message is simply not found (404).
 */
export async function postboxRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const ownerOf = (request: FastifyRequest, signedIn: SignedInAccount): PostboxOwner => ({ tenantId: request.tenant.id, accountId: signedIn.account.id });
  const serviceTitle = (serviceId: string, lang: Lang) => {
    const service = deps.services.get(serviceId)?.definition;
    return service ? localize(service.title, lang) : serviceId;
  };

  app.get(postboxPath, async (request: FastifyRequest<{ Querystring: { seite?: string } }>, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const pageParam = request.query.seite;
    if (pageParam !== undefined && !/^[1-9][0-9]{0,3}$/.test(pageParam)) return reply.callNotFound();
    const page = pageParam === undefined ? 1 : Number(pageParam);
    const postbox = await loadPostbox(db, ownerOf(request, signedIn), page);
    if (page > 1 && postbox.messages.length === 0) return reply.callNotFound();
    const lang = signedIn.ctx.lang;
    return sendPage(reply, <PostboxPage ctx={signedIn.ctx} {...postbox} page={page} serviceTitle={(id) => serviceTitle(id, lang)} />);
  });

  async function showQuestion(request: QuestionRequest, reply: FastifyReply, signedIn: SignedInAccount, form?: AnswerFormState, code = 200) {
    const { requestId } = request.params;
    const question = isUuid(requestId) ? await openQuestion(db, ownerOf(request, signedIn), requestId) : undefined;
    if (!question) return reply.callNotFound();
    return sendPage(reply, <QuestionPage ctx={signedIn.ctx} question={question} serviceTitle={serviceTitle(question.message.serviceId, signedIn.ctx.lang)} form={form} />, code);
  }

  app.get(`${postboxPath}/fragen/:requestId`, async (request: QuestionRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    return showQuestion(request, reply, signedIn);
  });

  /**
   * The answer from the postbox: the form and checks of every channel (readAnswerForm), stored by
   * the same use case. Success is 303 back to the question; a mistake 422 with the text kept; an
   * answer refused (answered before, withdrawn, application closed) 409 with the reason.
   */
  app.post(`${postboxPath}/fragen/:requestId`, { config: answerRateLimit }, async (request: QuestionRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const { requestId } = request.params;
    const lang = signedIn.ctx.lang;
    const question = isUuid(requestId) ? await openQuestion(db, ownerOf(request, signedIn), requestId) : undefined;
    if (!question) return reply.callNotFound();
    const posted = await readAnswerForm(request, question.request.documents, lang, signedIn.session.csrfToken);
    if (posted.kind === 'refused') return sendErrorPage(request, reply, posted.status);
    if (posted.kind === 'invalid') return showQuestion(request, reply, signedIn, { requestId, reply: posted.reply, errors: posted.errors }, 422);
    const outcome = await answerQuestion(deps, ownerOf(request, signedIn), { caseId: question.message.caseId, requestId, reply: posted.reply, files: posted.files });
    if (outcome.kind === 'done') return reply.redirect(`${postboxPath}/fragen/${requestId}#fragen`, 303);
    if (outcome.kind === 'notFound') return reply.callNotFound();
    return showQuestion(request, reply, signedIn, { requestId, reply: posted.reply, errors: {}, alert: answerRefusalText(lang, outcome) }, 409);
  });

  app.get(`${postboxPath}/bescheide/:documentId`, async (request: LetterRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const { documentId } = request.params;
    const letter = isUuid(documentId) ? await openLetter(db, ownerOf(request, signedIn), documentId) : undefined;
    if (!letter) return reply.callNotFound();
    return sendPage(reply, <LetterPage ctx={signedIn.ctx} letter={letter} serviceTitle={serviceTitle(letter.message.serviceId, signedIn.ctx.lang)} />);
  });

  app.get(`${postboxPath}/zahlungen/:paymentId`, async (request: FastifyRequest<{ Params: { paymentId: string } }>, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const { paymentId } = request.params;
    const receipt = isUuid(paymentId) ? await openReceipt(db, ownerOf(request, signedIn), paymentId) : undefined;
    if (!receipt) return reply.callNotFound();
    return sendPage(reply, <ReceiptPage ctx={signedIn.ctx} receipt={receipt} serviceTitle={serviceTitle(receipt.message.serviceId, signedIn.ctx.lang)} />);
  });

  async function download(request: LetterRequest, reply: FastifyReply, format: 'pdf' | 'text') {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const { documentId } = request.params;
    const found = isUuid(documentId) ? await downloadLetter(db, deps.files, ownerOf(request, signedIn), documentId, format) : undefined;
    if (!found) return reply.callNotFound();
    return sendDocument(reply, found, format);
  }

  app.get(`${postboxPath}/bescheide/:documentId/bescheid.pdf`, (request: LetterRequest, reply) => download(request, reply, 'pdf'));
  app.get(`${postboxPath}/bescheide/:documentId/prueftext.txt`, (request: LetterRequest, reply) => download(request, reply, 'text'));
}
