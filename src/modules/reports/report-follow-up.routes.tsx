import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { ensureSession, findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import { answerFollowUp, followUpPath, loadFollowUp } from './report-follow-up.js';
import { isUnsubscribeToken } from './report-mail.js';
import { FollowUpPage } from './views/report-follow-up-pages.js';

type TokenRequest = FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>;

/** The reporter's answer to "is it really fixed?": the page behind the mail's link, and its two buttons. */
export async function reportFollowUpRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const answers: Record<string, boolean> = { ja: true, nein: false };

  app.get(`${followUpPath}/:token`, async (request: TokenRequest, reply) => {
    const { token } = request.params;
    const followUp = isUnsubscribeToken(token) ? await loadFollowUp(db, request.tenant.id, token) : undefined;
    if (!followUp) return reply.callNotFound();
    const session = await ensureSession(db, request, reply);
    return sendPage(reply.header('referrer-policy', 'no-referrer'), <FollowUpPage ctx={{ lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session.csrfToken }} action={`${followUpPath}/${token}`} followUp={followUp} />);
  });

  app.post(`${followUpPath}/:token`, async (request: TokenRequest, reply) => {
    const { token } = request.params;
    if (!isValidCsrfToken(await findSession(db, request), request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const answer = request.body?.antwort;
    if (typeof answer !== 'string' || !(answer in answers)) return sendErrorPage(request, reply, 400);
    if (!isUnsubscribeToken(token) || !(await answerFollowUp(db, request.tenant.id, token, answers[answer]!))) return reply.callNotFound();
    return reply.redirect(`${followUpPath}/${token}`, 303);
  });
}
