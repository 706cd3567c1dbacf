import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { localize } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import { requireAccount, requireAccountForm, type SignedInAccount } from '../accounts/index.js';
import { discardSavedDraft, findSavedDraft, listSavedDrafts, sendReceiptPdf, type SavedDraft } from '../forms/index.js';
import { statusTexts, type WithdrawState } from '../status/index.js';
import { accountActor } from '../organisations/index.js';
import { readCasePayment, ReceiptPaymentStatus } from '../payments/index.js';
import { applicationPaths } from './application-paths.js';
import { listApplications, readApplication, withdrawAccountApplication } from './applications.service.js';
import { t } from './applications.i18n.js';
import { ApplicationPage, ApplicationsPage, DiscardDraftPage, type DraftEntry } from './views/application-pages.js';

type ListRequest = FastifyRequest<{ Querystring: Record<string, unknown> }>;
type CaseRequest = FastifyRequest<{ Params: { caseId: string }; Body: Record<string, unknown> }>;
type DraftRequest = FastifyRequest<{ Params: { draftId: string }; Body: Record<string, unknown> }>;

/** Notices shown after a redirect, by key (the query names a key, never a text). */
const notices = { draftSaved: 'draftSavedNotice', draftDiscarded: 'draftDiscardedNotice' } as const;

/** The page number of a list address (1 when missing or not a number). */
function pageNumber(value: unknown): number {
  return Math.min(Math.max(Number.parseInt(typeof value === 'string' ? value : '1', 10) || 1, 1), 10_000);
}

/**
 * "Meine Anträge" (/konto/antraege): the signed-in account's drafts and applications, each
 * application with its status history, its answers and the withdrawal. Another account's ids
 * answer 404, as unknown ones do: row-level security shows an account only its own.
 */
export async function applicationRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  const draftEntry = (lang: SignedInAccount['ctx']['lang'], d: SavedDraft): DraftEntry => {
    const definition = deps.services.get(d.serviceId)?.definition;
    return { id: d.id, serviceTitle: definition ? localize(definition.title, lang) : d.serviceId, updatedAt: d.updatedAt, keepUntil: d.keepUntil };
  };

  async function showApplication(request: CaseRequest, reply: FastifyReply, signedIn: SignedInAccount, withdraw?: WithdrawState, status = 200) {
    const { caseId } = request.params;
    const detail = isUuid(caseId) ? await readApplication(deps, request.tenant.id, signedIn.account.id, caseId, request.lang) : undefined;
    if (!detail) return reply.callNotFound();
    const ctx = { ...signedIn.ctx, path: applicationPaths.detail(caseId) };
    const payment = await readCasePayment(db, await accountActor(db, request.tenant.id, signedIn.account.id), caseId);
    // A refused withdrawal is shown at the form's address; the language switch goes back to the page itself.
    return sendPage(reply, <ApplicationPage ctx={ctx} caseId={caseId} detail={detail} withdraw={withdraw} payment={payment && <ReceiptPaymentStatus ctx={ctx} payment={payment} />} />, status);
  }

  app.get(applicationPaths.list, async (request: ListRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const { lang } = signedIn.ctx;
    const page = pageNumber(request.query.seite);
    const accountId = signedIn.account.id;
    const [drafts, applications] = await Promise.all([listSavedDrafts(db, request.tenant.id, accountId), listApplications(deps, request.tenant.id, accountId, page, lang)]);
    const noticeKey = Object.hasOwn(notices, String(request.query.hinweis)) ? notices[request.query.hinweis as keyof typeof notices] : undefined;
    return sendPage(reply, (
      <ApplicationsPage ctx={signedIn.ctx} drafts={drafts.drafts.map((d) => draftEntry(lang, d))} draftsListed={drafts.more ? drafts.drafts.length : undefined}
        applications={applications.items} page={page} hasNext={applications.hasNext} notice={noticeKey && t(lang, noticeKey)} />
    ));
  });

  app.get('/konto/antraege/:caseId', async (request: CaseRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    return showApplication(request, reply, signedIn);
  });

  app.get('/konto/antraege/:caseId/quittung.pdf', async (request: CaseRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const { caseId } = request.params;
    const detail = isUuid(caseId) ? await readApplication(deps, request.tenant.id, signedIn.account.id, caseId, request.lang) : undefined;
    if (!detail) return reply.callNotFound();
    return sendReceiptPdf(reply, deps, request.tenant.id, detail.receipt, request.lang);
  });

  // As on the status page: 303 back to the history, 422 without the confirmation, 409 once the application is no longer open.
  app.post('/konto/antraege/:caseId/zurueckziehen', async (request: CaseRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const body = request.body ?? {};
    const { caseId } = request.params;
    if (!isUuid(caseId)) return reply.callNotFound();
    if (!Object.keys(body).every((k) => k === '_csrf' || k === 'bestaetigung')) return sendErrorPage(request, reply, 400);
    if (body.bestaetigung !== 'ja') return showApplication(request, reply, signedIn, { error: statusTexts(request.lang, 'withdrawConfirmRequired') }, 422);
    const outcome = await withdrawAccountApplication(deps, request.tenant.id, signedIn.account.id, caseId);
    if (outcome === 'done') return reply.redirect(`${applicationPaths.detail(caseId)}#verlauf`, 303);
    if (outcome === 'notFound') return reply.callNotFound();
    return showApplication(request, reply, signedIn, { alert: statusTexts(request.lang, 'withdrawNotOpen') }, 409);
  });

  app.get('/konto/antraege/entwuerfe/:draftId/verwerfen', async (request: DraftRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const { draftId } = request.params;
    const draft = isUuid(draftId) ? await findSavedDraft(db, request.tenant.id, signedIn.account.id, draftId) : undefined;
    if (!draft) return reply.callNotFound();
    return sendPage(reply, <DiscardDraftPage ctx={signedIn.ctx} draft={draftEntry(signedIn.ctx.lang, draft)} />);
  });

  app.post('/konto/antraege/entwuerfe/:draftId/verwerfen', async (request: DraftRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const { draftId } = request.params;
    const discarded = isUuid(draftId) && (await discardSavedDraft(db, request.tenant.id, signedIn.account.id, draftId));
    if (!discarded) return reply.callNotFound();
    return reply.redirect(`${applicationPaths.list}?hinweis=draftDiscarded`, 303);
  });
}
