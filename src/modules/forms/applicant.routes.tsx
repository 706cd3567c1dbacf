import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { inTransaction } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { ensureSession, findSession, isValidCsrfToken, type Session } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { ensureTrustLevel } from '../accounts/index.js';
import type { ServiceDefinition } from '../catalog/index.js';
import { listMyOrganisations } from '../organisations/index.js';
import { draftActor, loadDraft, resumePath } from './draft-access.js';
import { insertDraft, updateDraftOrganisation } from './forms.repository.js';
import { t } from './forms.i18n.js';
import { ApplicantPage, forMyself } from './views/applicant-page.js';

type ServiceRequest = FastifyRequest<{ Params: { serviceId: string }; Body: Record<string, unknown> }>;
type DraftRequest = FastifyRequest<{ Params: { draftId: string }; Body: Record<string, unknown> }>;

/** The organisations a signed-in applicant may apply for with the service; none: nobody is asked. */
export async function organisationChoices(db: ModuleDeps['db'], tenantId: string, session: Session, service: ServiceDefinition): Promise<Array<{ id: string; name: string }>> {
  if (!service.organisationsMayApply || !session.accountId) return [];
  return listMyOrganisations(db, tenantId, session.accountId);
}

/**
 * "For whom?" (ADR 0023): a signed-in member of organisations applies for themselves or in the name
 * of one of them, before the first step (which makes the draft) and from the check page.
 */
export async function applicantRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db, catalog } = deps;
  /** Whom the page asks, about which service, offering which organisations. */
  type Asked = { session: Session; service: ServiceDefinition; organisations: Array<{ id: string; name: string }> };

  function page(request: FastifyRequest, reply: FastifyReply, args: Asked & { selected?: string; errors: FieldErrors }, status: number) {
    reply.header('cache-control', 'no-store');
    const ctx = { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: args.session.csrfToken };
    return sendPage(reply, <ApplicantPage ctx={ctx} service={args.service} organisations={args.organisations} action={request.url} selected={args.selected} errors={args.errors} />, status);
  }

  /**
   * The posted choice, checked like every form (CSRF token, no unknown fields): null for the
   * applicant personally or an offered organisation's id. Anything else is answered here (403, 400,
   * or the page again with the message) and gives undefined.
   */
  async function postedChoice(request: FastifyRequest<{ Body: Record<string, unknown> }>, reply: FastifyReply, asked: Asked): Promise<{ organisationId: string | null } | undefined> {
    const body = request.body ?? {};
    if (!isValidCsrfToken(asked.session, body._csrf)) return void (await sendErrorPage(request, reply, 403));
    if (!Object.keys(body).every((k) => ['_csrf', 'applicant'].includes(k))) return void (await sendErrorPage(request, reply, 400));
    if (body.applicant === forMyself) return { organisationId: null };
    const organisation = asked.organisations.find((o) => o.id === body.applicant);
    if (organisation) return { organisationId: organisation.id };
    await page(request, reply, { ...asked, errors: { applicant: t(request.lang, 'applicantRequired') } }, 422);
    return undefined;
  }

  app.get('/leistungen/:serviceId/antrag/fuer-wen', async (request: ServiceRequest, reply) => {
    const entry = await catalog.find(request.tenant.id, request.params.serviceId);
    const service = entry?.service.definition;
    if (!service?.form) return reply.callNotFound();
    if (!(await ensureTrustLevel(db, request, reply, service, request.url))) return reply;
    const session = await ensureSession(db, request, reply);
    const organisations = await organisationChoices(db, request.tenant.id, session, service);
    if (organisations.length === 0) return reply.redirect(`/leistungen/${service.id}/antrag`, 303);
    return page(request, reply, { session, service, organisations, errors: {} }, 200);
  });

  app.post('/leistungen/:serviceId/antrag/fuer-wen', async (request: ServiceRequest, reply) => {
    const entry = await catalog.find(request.tenant.id, request.params.serviceId);
    const service = entry?.service.definition;
    if (!service?.form) return reply.callNotFound();
    if (!(await ensureTrustLevel(db, request, reply, service, `/leistungen/${service.id}/antrag`))) return reply;
    const session = await findSession(db, request);
    if (!session) return sendErrorPage(request, reply, 403);
    const organisations = await organisationChoices(db, request.tenant.id, session, service);
    // Signed out or left every organisation meanwhile: the form starts without the question.
    if (organisations.length === 0) return reply.redirect(`/leistungen/${service.id}/antrag`, 303);
    const choice = await postedChoice(request, reply, { session, service, organisations });
    if (!choice) return reply;

    const id = randomUUID();
    await inTransaction(db, draftActor(request.tenant.id, session), (trx) => insertDraft(trx, {
      tenantId: request.tenant.id, id, sessionHash: session.idHash, accountId: session.accountId, organisationId: choice.organisationId, serviceId: service.id, definitionHash: entry!.service.hash,
    }));
    return reply.redirect(`/antrag/${id}/${service.form.steps[0]!.id}`, 303);
  });

  async function loadDraftAsking(request: DraftRequest) {
    const loaded = await loadDraft(deps, request, request.params.draftId);
    if (!loaded) return undefined;
    const organisations = await organisationChoices(db, request.tenant.id, loaded.session, loaded.service.definition);
    return { loaded, organisations };
  }

  app.get('/antrag/:draftId/fuer-wen', async (request: DraftRequest, reply) => {
    const found = await loadDraftAsking(request);
    if (!found || (found.organisations.length === 0 && !found.loaded.draft.organisationId)) return reply.callNotFound();
    const { loaded, organisations } = found;
    if (!(await ensureTrustLevel(db, request, reply, loaded.service.definition, request.url))) return reply;
    const current = loaded.draft.organisationId ?? forMyself;
    const selected = current === forMyself || organisations.some((o) => o.id === current) ? current : undefined;
    return page(request, reply, { session: loaded.session, service: loaded.service.definition, organisations, selected, errors: {} }, 200);
  });

  app.post('/antrag/:draftId/fuer-wen', async (request: DraftRequest, reply) => {
    const found = await loadDraftAsking(request);
    if (!found) return reply.callNotFound();
    const { loaded, organisations } = found;
    if (!(await ensureTrustLevel(db, request, reply, loaded.service.definition, request.url))) return reply;
    const choice = await postedChoice(request, reply, { session: loaded.session, service: loaded.service.definition, organisations });
    if (!choice) return reply;
    await inTransaction(db, draftActor(request.tenant.id, loaded.session), (trx) => updateDraftOrganisation(trx, loaded.draft.id, choice.organisationId));
    return reply.redirect(resumePath(loaded), 303);
  });
}
