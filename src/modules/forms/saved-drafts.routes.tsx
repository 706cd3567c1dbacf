import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { ensureSession, findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { localize } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { berlinToday, parseStep } from './answers.js';
import { draftActor, loadDraft, resumePath, type LoadedDraft } from './draft-access.js';
import type { StepDefinition } from './form-definition.js';
import { applicantEmail } from './forms.service.js';
import { requestResumeLink, resumeDraftByLink, isUsableResumeLink, savedDraftPaths } from './saved-drafts.js';
import { t } from './saved-drafts.i18n.js';
import { DraftGonePage } from './views/form-pages.js';
import { LaterPage, ResumeLinkInvalidPage, ResumeLinkPage, tooManyLinksMessage } from './views/saved-draft-pages.js';

type DraftRequest = FastifyRequest<{ Params: { draftId: string }; Querystring: Record<string, unknown>; Body: Record<string, unknown> }>;
type TokenRequest = FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>;

// Per client: the later page sends mail to any address typed in; the resume link is a 256-bit secret.
const laterLimit = { rateLimit: { max: 10, timeWindow: '10 minutes' } };
const resumeLimit = { rateLimit: { max: 60, timeWindow: '1 minute' } };

/** The address a resume link goes to, checked like a form's e-mail field (same messages). */
const emailStep: StepDefinition = {
  id: 'spaeter',
  title: { de: t('de', 'laterTitle'), en: t('en', 'laterTitle') },
  fields: [{ id: 'email', type: 'email', label: { de: t('de', 'emailLabel'), en: t('en', 'emailLabel') }, required: true, sensitive: false }],
};

/** Whether a path segment can be a resume link's token (32 random bytes, base64url). */
function isResumeToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * Drafts kept beyond the browser session: "Später fortsetzen" for anonymous applicants (a mailed,
 * single-use resume link), the page behind that link, and the way back into a draft from a list.
 */
export async function savedDraftRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  const ctxOf = (request: FastifyRequest, csrfToken?: string): PageContext => ({ lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken });
  const draftGone = (request: FastifyRequest, reply: FastifyReply) => sendPage(reply, <DraftGonePage ctx={ctxOf(request)} />, 404);
  const invalidLink = (request: FastifyRequest, reply: FastifyReply) => sendPage(reply, <ResumeLinkInvalidPage ctx={ctxOf(request)} />, 404);

  function laterPage(request: FastifyRequest, reply: FastifyReply, loaded: LoadedDraft, input: { email: string; errors: Record<string, string>; sent: boolean }, status = 200) {
    reply.header('cache-control', 'no-store');
    return sendPage(reply, (
      <LaterPage ctx={ctxOf(request, loaded.session.csrfToken)} draftId={loaded.draft.id} serviceTitle={localize(loaded.service.definition.title, request.lang)}
        answersEmail={applicantEmail(loaded.service, loaded.draft.answers)} {...input} />
    ), status);
  }

  // From "Meine Anträge" or the later page: back to where the draft continues.
  app.get('/antrag/:draftId', async (request: DraftRequest, reply) => {
    const loaded = await loadDraft(deps, request, request.params.draftId);
    if (!loaded) return draftGone(request, reply);
    reply.header('cache-control', 'no-store');
    return reply.redirect(resumePath(loaded), 303);
  });

  app.get('/antrag/:draftId/spaeter', async (request: DraftRequest, reply) => {
    const loaded = await loadDraft(deps, request, request.params.draftId);
    if (!loaded) return draftGone(request, reply);
    // An account's draft needs no link: it waits in "Meine Anträge".
    if (loaded.draft.accountId) return reply.redirect(`${savedDraftPaths.myApplications}?hinweis=draftSaved`, 303);
    return laterPage(request, reply, loaded, { email: '', errors: {}, sent: request.query.gesendet === '1' });
  });

  app.post('/antrag/:draftId/spaeter', { config: laterLimit }, async (request: DraftRequest, reply) => {
    const loaded = await loadDraft(deps, request, request.params.draftId);
    if (!loaded) return draftGone(request, reply);
    const body = request.body ?? {};
    if (!isValidCsrfToken(loaded.session, body._csrf)) return sendErrorPage(request, reply, 403);
    if (!Object.keys(body).every((k) => k === '_csrf' || k === 'email')) return sendErrorPage(request, reply, 400);
    if (loaded.draft.accountId) return reply.redirect(`${savedDraftPaths.myApplications}?hinweis=draftSaved`, 303);
    const typed = typeof body.email === 'string' ? body.email.trim().slice(0, 300) : '';
    let to = applicantEmail(loaded.service, loaded.draft.answers);
    if (!to) {
      const parsed = parseStep(emailStep, { email: typed }, { answers: {}, files: {}, lang: request.lang, today: berlinToday() });
      if (parsed.errors.email) return laterPage(request, reply, loaded, { email: typed, errors: { email: parsed.errors.email }, sent: false }, 422);
      to = String(parsed.answers.email);
    }
    const outcome = await requestResumeLink(db, draftActor(request.tenant.id, loaded.session), { draftId: loaded.draft.id, to, serviceId: loaded.draft.serviceId, lang: request.lang });
    if (outcome === 'tooMany') return laterPage(request, reply, loaded, { email: typed, errors: { limit: tooManyLinksMessage(request.lang) }, sent: false }, 429);
    deps.jobs.kick();
    return reply.redirect(`/antrag/${loaded.draft.id}/spaeter?gesendet=1`, 303);
  });

  app.get(`${savedDraftPaths.resume}/:token`, { config: resumeLimit }, async (request: TokenRequest, reply) => {
    // The link in the address bar must not travel on in a Referer header, nor stay in a cache.
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    const { token } = request.params;
    if (!isResumeToken(token) || !(await isUsableResumeLink(db, request.tenant.id, token))) return invalidLink(request, reply);
    const session = await ensureSession(db, request, reply);
    return sendPage(reply, <ResumeLinkPage ctx={ctxOf(request, session.csrfToken)} token={token} />);
  });

  app.post(`${savedDraftPaths.resume}/:token`, { config: resumeLimit }, async (request: TokenRequest, reply) => {
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const { token } = request.params;
    const draftId = isResumeToken(token) ? await resumeDraftByLink(db, request.tenant.id, session!, token) : null;
    if (!draftId) return invalidLink(request, reply);
    return reply.redirect(`/antrag/${draftId}`, 303);
  });
}
