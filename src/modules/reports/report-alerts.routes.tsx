import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { ensureSession, findSession, isValidCsrfToken, type Session } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { alertsPath, changeAlert, checkAlertForm, loadAlertOfToken, subscribeAlert, type AlertFormValues } from './report-alerts.js';
import { isUnsubscribeToken } from './report-mail.js';
import { loadReportSetup } from './reports.service.js';
import { AlertFormPage, AlertTokenPage } from './views/report-alert-pages.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown>; Querystring: { angefragt?: string } }>;
type TokenRequest = FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>;

const emptyForm: AlertFormValues = { email: '', kategorie: '', strasse: '', bereich: '' };

function ctxOf(request: FastifyRequest, session: Session | null): PageContext {
  return { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session?.csrfToken };
}

/** Alerts on new public reports: the form, and the page behind each mail's link (confirm, unsubscribe). */
export async function reportAlertRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  app.get(alertsPath, async (request: FormRequest, reply) => {
    const setup = await loadReportSetup(db, request.tenant.id);
    if (!setup) return reply.callNotFound();
    const session = await ensureSession(db, request, reply);
    return sendPage(reply, <AlertFormPage ctx={ctxOf(request, session)} setup={setup} values={emptyForm} errors={{}} requested={request.query.angefragt === '1'} />);
  });

  app.post(alertsPath, { config: { rateLimit: { max: deps.config.submissionRateLimit, timeWindow: '1 minute' } } }, async (request: FormRequest, reply) => {
    const setup = await loadReportSetup(db, request.tenant.id);
    if (!setup) return reply.callNotFound();
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const field = (name: keyof AlertFormValues) => (typeof request.body?.[name] === 'string' ? (request.body[name] as string).slice(0, 300) : '');
    const values: AlertFormValues = { email: field('email'), kategorie: field('kategorie'), strasse: field('strasse'), bereich: field('bereich') };
    const checked = checkAlertForm(setup, values, request.lang);
    if (!checked.ok) return sendPage(reply, <AlertFormPage ctx={ctxOf(request, session)} setup={setup} values={values} errors={checked.errors} />, 422);
    await subscribeAlert(db, request.tenant.id, checked.alert, request.lang);
    return reply.redirect(`${alertsPath}?angefragt=1`, 303);
  });

  app.get(`${alertsPath}/:token`, async (request: TokenRequest, reply) => {
    const { token } = request.params;
    const alert = isUnsubscribeToken(token) ? await loadAlertOfToken(db, request.tenant.id, token) : undefined;
    if (!alert) return reply.callNotFound();
    const session = await ensureSession(db, request, reply);
    return sendPage(reply.header('referrer-policy', 'no-referrer'), <AlertTokenPage ctx={ctxOf(request, session)} action={`${alertsPath}/${token}`} confirmed={alert.confirmed} />);
  });

  app.post(`${alertsPath}/:token`, async (request: TokenRequest, reply) => {
    const { token } = request.params;
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const action = request.body?.aktion;
    if (action !== 'confirm' && action !== 'end') return sendErrorPage(request, reply, 400);
    if (!isUnsubscribeToken(token) || !(await changeAlert(db, request.tenant.id, token, action))) return reply.callNotFound();
    return sendPage(reply, <AlertTokenPage ctx={ctxOf(request, session)} action={`${alertsPath}/${token}`} confirmed={action === 'confirm'} done={action} />);
  });
}
