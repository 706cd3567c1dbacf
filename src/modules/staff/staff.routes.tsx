import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { createSession, destroySession, ensureSession, findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { recordAudit } from '../audit/index.js';
import { inTransaction } from '../../platform/db/database.js';
import { verifyStaffLogin } from './staff.service.js';
import { t } from './staff.i18n.js';
import { LoginPage } from './views/login-page.js';

/** Staff sign-in and sign-out under /verwaltung. */
export async function staffRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  app.get('/verwaltung/anmelden', async (request, reply) => {
    const session = await ensureSession(db, request, reply);
    reply.header('cache-control', 'no-store');
    return sendPage(reply, <LoginPage ctx={{ lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session.csrfToken }} email="" errors={{}} />);
  });

  app.post('/verwaltung/anmelden', { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const session = await findSession(db, request);
    const body = request.body ?? {};
    if (!isValidCsrfToken(session, body._csrf)) return sendErrorPage(request, reply, 403);
    const email = typeof body.email === 'string' ? body.email.trim().slice(0, 254) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    const errors: FieldErrors = {};
    if (!email) errors.email = t(request.lang, 'emailRequired');
    if (!password) errors.password = t(request.lang, 'passwordRequired');
    const staffId = Object.keys(errors).length === 0 ? await verifyStaffLogin(db, request.tenant.id, email, password) : null;
    if (!staffId) {
      if (Object.keys(errors).length === 0) errors.email = t(request.lang, 'loginFailed');
      return sendPage(reply, <LoginPage ctx={{ lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session!.csrfToken }} email={email} errors={errors} />, 422);
    }
    await createSession(db, request, reply, staffId);
    await inTransaction(db, { tenantId: request.tenant.id }, (trx) =>
      recordAudit(trx, { tenantId: request.tenant.id, actor: `staff:${staffId}`, action: 'staff.login', subject: `staff:${staffId}` }));
    return reply.redirect('/verwaltung', 303);
  });

  app.post('/verwaltung/abmelden', async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    await destroySession(db, request, reply);
    return reply.redirect('/verwaltung/anmelden', 303);
  });
}
