import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { isValidCsrfToken } from '../../platform/http/session.js';
import { requireStaff } from '../staff/index.js';
import { resendHandoff } from './handoff.service.js';

/** The clerk's "send again" on a case's hand-off; the section itself is part of the case page. */
export async function handoffStaffRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  app.post('/verwaltung/vorgaenge/:caseId/uebergabe/:deliveryId/erneut-senden', async (request: FastifyRequest<{ Params: { caseId: string; deliveryId: string }; Body: Record<string, unknown> }>, reply) => {
    const signedIn = await requireStaff(deps.db, request, reply);
    if (!signedIn) return reply;
    if (!isValidCsrfToken(signedIn, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const { caseId, deliveryId } = request.params;
    if (!isUuid(caseId) || !isUuid(deliveryId)) return reply.callNotFound();
    // Another department's case looks like no case at all (row-level security).
    const outcome = await resendHandoff(deps.db, { tenantId: request.tenant.id, staff: signedIn.staff, caseId, deliveryId });
    if (outcome === 'notFound') return reply.callNotFound();
    if (outcome === 'done') deps.jobs.kick();
    return reply.redirect(`/verwaltung/vorgaenge/${caseId}#uebergabe`, 303);
  });
}
