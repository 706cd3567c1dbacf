import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { ensureSession, findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { localize } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { describeErrors } from './appointments.i18n.js';
import { waitlistPurpose, type FormFriction, type FrictionRefusal } from './booking-friction.js';
import { checkContact, listBookableLocations, typedContact } from './bookings.service.js';
import { isManageToken } from './manage.service.js';
import type { ServiceChoice } from './slots.js';
import { choiceQuery, personsField } from './views/booking-pages.js';
import { JoinPage, WaitlistMessagePage, waitlistPaths } from './views/waiting-list-pages.js';
import { t } from './waiting-list.i18n.js';
import { confirmWaitlistEntry, joinWaitingList, leaveWaitingList } from './waiting-list.service.js';

type Query = Record<string, string | undefined>;
type FormRequest = FastifyRequest<{ Querystring: Query; Body: Record<string, unknown> }>;
type TokenRequest = FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>;

// Joining sends a mail: slowed by address like a hold (ADR 0024); the cap per e-mail address is the service's.
const joinLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

/**
 * The citizen's waiting list (ADR 0024): join for a location and services (from the link on a
 * location without free slots), confirm by the mailed link (opt-in), leave by the mailed link.
 * Link tokens live only in the path; the pages are not cached and send no referrer. The join form
 * carries the booking step's friction (`friction`, undefined when off), bound to location and services.
 */
export async function waitingListRoutes(app: FastifyInstance, deps: ModuleDeps, friction: FormFriction | undefined): Promise<void> {
  const { db } = deps;
  const ctxOf = (request: FastifyRequest, csrfToken?: string): PageContext => ({ lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken });

  /** The location and chosen services the query names, or null after answering 404. */
  async function requestedList(request: FormRequest, reply: FastifyReply) {
    const setup = (await listBookableLocations(db, request.tenant.id)).find((s) => s.location.id === request.query.ort);
    const choices: ServiceChoice[] = (setup?.offers ?? []).flatMap((o) => {
      const persons = Number(request.query[personsField(o.serviceId)]);
      return Number.isInteger(persons) && persons >= 1 && persons <= o.maxPersons ? [{ serviceId: o.serviceId, persons }] : [];
    });
    if (!setup || choices.length === 0) return reply.callNotFound(), null;
    const title = (id: string) => {
      const service = deps.services.get(id);
      return service ? localize(service.definition.title, request.lang) : id;
    };
    return {
      location: setup.location, choices, purpose: waitlistPurpose(setup.location.id, choiceQuery(choices)),
      summary: { location: setup.location, services: choices.map((c) => ({ title: title(c.serviceId), persons: c.persons })) },
    };
  }

  app.get(waitlistPaths.join, async (request: FormRequest, reply) => {
    const list = await requestedList(request, reply);
    if (!list) return reply;
    const session = await ensureSession(db, request, reply);
    reply.header('cache-control', 'no-store');
    return sendPage(reply, <JoinPage ctx={ctxOf(request, session.csrfToken)} summary={list.summary} action={request.url} values={{}} errors={{}} friction={friction?.issue(list.purpose)} />);
  });

  app.post(waitlistPaths.join, { config: joinLimit }, async (request: FormRequest, reply) => {
    const body = request.body ?? {};
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, body._csrf)) return sendErrorPage(request, reply, 403);
    const list = await requestedList(request, reply);
    if (!list) return reply;
    const values = typedContact(body);
    reply.header('cache-control', 'no-store');
    const checked = friction?.check(body, list.purpose);
    const form = (errors: FieldErrors, status: number, refusal?: FrictionRefusal | null) =>
      sendPage(reply, <JoinPage ctx={ctxOf(request, session!.csrfToken)} summary={list.summary} action={request.url} values={values} errors={errors} friction={checked?.friction} refusal={refusal} />, status);
    // Typing mistakes are named before the friction is checked, as on the booking form.
    const contactErrors = checkContact(values);
    if (contactErrors) return form(describeErrors(request.lang, contactErrors), 422);
    if (checked?.refusal) return form({}, 422, checked.refusal);
    const result = await joinWaitingList(db, request.tenant.id, { locationId: list.location.id, services: list.choices, ...values, language: request.lang });
    if (result.ok) {
      deps.jobs.kick();
      return reply.redirect(waitlistPaths.joined, 303);
    }
    if (result.kind === 'invalid') return form(describeErrors(request.lang, result.errors), 422);
    if (result.kind === 'slotsFree') return form({ email: t(request.lang, 'slotsFree') }, 409);
    return reply.callNotFound();
  });

  app.get(waitlistPaths.joined, async (request, reply) => sendPage(reply, <WaitlistMessagePage ctx={ctxOf(request)} title="joinedTitle" text="joinedText" />));

  /** A token link's first step: a page with a button (404 for a malformed token). */
  async function tokenPage(request: TokenRequest, reply: FastifyReply, page: 'optin' | 'leave') {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (!isManageToken(request.params.token)) return sendPage(reply, <WaitlistMessagePage ctx={ctxOf(request)} title={page === 'optin' ? 'optinTitle' : 'leaveTitle'} text="unknownLink" />, 404);
    const session = await ensureSession(db, request, reply);
    return sendPage(reply, <WaitlistMessagePage ctx={ctxOf(request, session.csrfToken)} title={page === 'optin' ? 'optinTitle' : 'leaveTitle'} text={page === 'optin' ? 'optinText' : 'leaveText'}
      button={{ action: waitlistPaths[page](request.params.token), label: page === 'optin' ? 'optinButton' : 'leaveButton' }} />);
  }

  app.get(waitlistPaths.optin(':token'), (request: TokenRequest, reply) => tokenPage(request, reply, 'optin'));
  app.get(waitlistPaths.leave(':token'), (request: TokenRequest, reply) => tokenPage(request, reply, 'leave'));

  // What a link's button did, as the page says it.
  const outcomeText = { joined: 'optinDone', alreadyJoined: 'optinAlready', left: 'leftText', alreadyEnded: 'alreadyEnded', unknown: 'unknownLink' } as const;

  for (const page of ['optin', 'leave'] as const) {
    app.post(waitlistPaths[page](':token'), { config: joinLimit }, async (request: TokenRequest, reply) => {
      const session = await findSession(db, request);
      if (!isValidCsrfToken(session, (request.body ?? {})._csrf)) return sendErrorPage(request, reply, 403);
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      const { token } = request.params;
      const outcome = !isManageToken(token) ? 'unknown' : page === 'optin' ? await confirmWaitlistEntry(db, request.tenant.id, token) : await leaveWaitingList(db, request.tenant.id, token);
      if (outcome === 'joined' || outcome === 'left') deps.jobs.kick();
      const status = outcome === 'unknown' ? 404 : outcome === 'alreadyEnded' ? 410 : 200;
      return sendPage(reply, <WaitlistMessagePage ctx={ctxOf(request)} title={page === 'optin' ? 'optinTitle' : 'leaveTitle'} text={outcomeText[outcome]} />, status);
    });
  }
}
