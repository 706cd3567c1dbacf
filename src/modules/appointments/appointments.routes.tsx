import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { ShortLivedCache } from '../../platform/db/short-lived-cache.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { PageCache } from '../../platform/http/page-cache.js';
import { ensureSession, findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { renderDocument, sendPage } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import type { LocationSetup } from './appointments.js';
import { describeErrors } from './appointments.i18n.js';
import { t } from './bookings.i18n.js';
import { formFriction, slotPurpose, type FrictionRefusal } from './booking-friction.js';
import { checkContact, confirmAppointment, typedContact, freeTimesMaxAgeMs, holdAppointment, holdMinutes, isOfferedTime, listBookableLocations, searchFreeSlots } from './bookings.service.js';
import type { ServiceChoice } from './slots.js';
import { manageAppointmentRoutes } from './manage.routes.js';
import { waitingListRoutes } from './waiting-list.routes.js';
import { BookingFormPage, bookingPaths, choiceQuery, ConfirmedPage, ConfirmPage, FreeSlotsPage, HeldPage, personsField, ServicesPage, type BookableService } from './views/booking-pages.js';

type Query = Record<string, string | undefined>;
type QueryRequest = FastifyRequest<{ Querystring: Query }>;
type FormRequest = FastifyRequest<{ Querystring: Query; Body: Record<string, unknown> }>;
type TokenRequest = FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>;

// Holding a slot costs a bot as much as a person; a fleet is slowed by address (ADR 0024).
const holdLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

/** The services offered at any bookable location, each with the most persons any location takes. */
function bookableServices(setups: LocationSetup[], title: (id: string) => string): BookableService[] {
  const services = new Map<string, BookableService>();
  for (const offer of setups.flatMap((s) => s.offers)) {
    const known = services.get(offer.serviceId);
    services.set(offer.serviceId, { id: offer.serviceId, title: title(offer.serviceId), maxPersons: Math.max(known?.maxPersons ?? 0, offer.maxPersons) });
  }
  return [...services.values()].sort((a, b) => a.title.localeCompare(b.title, 'de'));
}

/** The chosen services from the query: every `p_<service>` with 1 to 10 persons of a service offered. */
function parseChoices(query: Query, services: BookableService[]): ServiceChoice[] {
  return services.flatMap((s) => {
    const persons = Number(query[personsField(s.id)]);
    return Number.isInteger(persons) && persons >= 1 && persons <= 10 ? [{ serviceId: s.id, persons }] : [];
  });
}

/** The citizen's booking: services, free slots, name and e-mail, the hold, the confirmation link. */
export async function appointmentRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const ctxOf = (request: FastifyRequest, csrfToken?: string): PageContext => ({ lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken });
  const titleOf = (lang: Lang) => (id: string) => {
    const service = deps.services.get(id);
    return service ? localize(service.definition.title, lang) : id;
  };

  // Everyone looking for a time sees the same locations and free times: both are kept for a
  // second (ADR 0024), so a rush of searches reads and computes them about once a second. A
  // booking change made here shows at once; one made on another app node within the second, and
  // a hold on a time just taken elsewhere is refused with the next free times.
  const locations = new ShortLivedCache(freeTimesMaxAgeMs, (tenantId) => listBookableLocations(db, tenantId));
  const freeTimesPages = new PageCache({ maxAgeMs: freeTimesMaxAgeMs });
  const timesChanged = (tenantId: string) => freeTimesPages.forget(`${tenantId}|`);

  /** What can be booked in the town, and what the query chose of it. */
  async function offer(request: QueryRequest) {
    const setups = await locations.get(request.tenant.id);
    const services = bookableServices(setups, titleOf(request.lang));
    return { setups, services, choices: parseChoices(request.query, services) };
  }

  app.get(bookingPaths.services, async (request: QueryRequest, reply) => {
    const { services } = await offer(request);
    // `leistung` preselects one service for one person (links from the catalog).
    const preselected = request.query.leistung;
    const values: Record<string, string> = { ...Object.fromEntries(Object.entries(request.query).filter(([, v]) => v !== undefined)) as Record<string, string> };
    if (preselected && services.some((s) => s.id === preselected)) values[personsField(preselected)] ??= '1';
    return sendPage(reply, <ServicesPage ctx={ctxOf(request)} services={services} values={values} errors={{}} />);
  });

  app.get(bookingPaths.free, async (request: QueryRequest, reply) => {
    const { setups, services, choices } = await offer(request);
    if (choices.length === 0) {
      const errors = services[0] ? { [personsField(services[0].id)]: t(request.lang, 'noServiceChosen') } : {};
      return sendPage(reply, <ServicesPage ctx={ctxOf(request)} services={services} values={{}} errors={errors} />, 422);
    }
    // Keyed by the parsed choices, so extra or reordered parameters share one page (which names
    // its own canonical address, not the first visitor's).
    const path = `${bookingPaths.free}?${choiceQuery(choices)}`;
    return freeTimesPages.send(request, reply, `${request.tenant.id}|${request.lang}|${path}`, async () =>
      renderDocument(<FreeSlotsPage ctx={{ ...ctxOf(request), path }} results={await searchFreeSlots(db, request.tenant.id, setups, choices)} choices={choices} />));
  });

  /** The slot the query names, or null after answering 404 (unknown place, not a time, nothing chosen). */
  async function requestedSlot(request: QueryRequest, reply: FastifyReply) {
    const { setups, services, choices } = await offer(request);
    const setup = setups.find((s) => s.location.id === request.query.ort && isUuid(request.query.ort ?? ''));
    const start = new Date(request.query.beginn ?? '');
    if (!setup || Number.isNaN(start.getTime()) || choices.length === 0) {
      reply.callNotFound();
      return null;
    }
    const title = titleOf(request.lang);
    const summary = { location: setup.location, start, services: choices.map((c) => ({ title: title(c.serviceId), persons: c.persons })) };
    return { setup, summary, choices, services };
  }

  const formAction = (request: FastifyRequest) => request.url;

  // Friction on the booking and waiting-list forms (booking-friction.ts): off when the bits are 0.
  const friction = await formFriction(deps.config);
  type Slot = NonNullable<Awaited<ReturnType<typeof requestedSlot>>>;
  const purposeOf = (slot: Slot) => slotPurpose({ locationId: slot.setup.location.id, start: slot.summary.start, choices: choiceQuery(slot.choices) });
  /** Whether the slot's form carries friction: only for a time that can be booked now (none before new times are released). */
  const challenged = (slot: Slot) => friction !== undefined && isOfferedTime(slot.setup, slot.summary.start, slot.choices);

  app.get(bookingPaths.book, async (request: QueryRequest, reply) => {
    const slot = await requestedSlot(request, reply);
    if (!slot) return reply;
    const session = await ensureSession(db, request, reply);
    reply.header('cache-control', 'no-store');
    return sendPage(reply, <BookingFormPage ctx={ctxOf(request, session.csrfToken)} summary={slot.summary} action={formAction(request)} values={{}} errors={{}} friction={challenged(slot) ? friction!.issue(purposeOf(slot)) : undefined} />);
  });

  app.post(bookingPaths.book, { config: holdLimit }, async (request: FormRequest, reply) => {
    const body = request.body ?? {};
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, body._csrf)) return sendErrorPage(request, reply, 403);
    const slot = await requestedSlot(request, reply);
    if (!slot) return reply;
    const values = typedContact(body);
    const ctx = ctxOf(request, session!.csrfToken);
    reply.header('cache-control', 'no-store');
    const checked = challenged(slot) ? friction!.check(body, purposeOf(slot)) : undefined;
    const form = (errors: FieldErrors, refusal?: FrictionRefusal | null) =>
      sendPage(reply, <BookingFormPage ctx={ctx} summary={slot.summary} action={formAction(request)} values={values} errors={errors} friction={checked?.friction} refusal={refusal} />, 422);
    // Typing mistakes are named before the friction is checked.
    const contactErrors = checkContact(values);
    if (contactErrors) return form(describeErrors(request.lang, contactErrors));
    if (checked?.refusal) return form({}, checked.refusal);
    const location = slot.setup.location;
    const result = await holdAppointment(db, request.tenant.id, { locationId: location.id, departmentId: location.departmentId, start: slot.summary.start, services: slot.choices, ...values, language: request.lang });
    if (result.ok) {
      timesChanged(request.tenant.id);
      deps.jobs.kick();
      return reply.redirect(bookingPaths.held, 303);
    }
    if (result.kind === 'invalid') return form(describeErrors(request.lang, result.errors));
    if (result.kind !== 'slot') return reply.callNotFound();
    const refused = { taken: result.problem === 'taken', nextFree: result.nextFree, choices: slot.choices };
    return sendPage(reply, <BookingFormPage ctx={ctx} summary={slot.summary} action={formAction(request)} values={values} errors={{}} refused={refused} />, 409);
  });

  app.get(bookingPaths.held, async (request, reply) => sendPage(reply, <HeldPage ctx={ctxOf(request)} minutes={holdMinutes} />));

  const isToken = (value: string) => /^[A-Za-z0-9_-]{43}$/.test(value);

  app.get(bookingPaths.confirm(':token'), async (request: TokenRequest, reply) => {
    if (!isToken(request.params.token)) return sendPage(reply, <ConfirmedPage ctx={ctxOf(request)} outcome="unknown" />, 404);
    const session = await ensureSession(db, request, reply);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return sendPage(reply, <ConfirmPage ctx={ctxOf(request, session.csrfToken)} action={bookingPaths.confirm(request.params.token)} />);
  });

  app.post(bookingPaths.confirm(':token'), { config: holdLimit }, async (request: TokenRequest, reply) => {
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, (request.body ?? {})._csrf)) return sendErrorPage(request, reply, 403);
    const result = isToken(request.params.token) ? await confirmAppointment(db, request.tenant.id, request.params.token) : { outcome: 'unknown' as const };
    reply.header('cache-control', 'no-store');
    const status = result.outcome === 'unknown' ? 404 : result.outcome === 'expired' ? 410 : 200;
    if (result.outcome === 'confirmed') {
      deps.jobs.kick();
      reply.header('referrer-policy', 'no-referrer');
    }
    const manageHref = 'manageToken' in result && result.manageToken ? bookingPaths.manage(result.manageToken) : undefined;
    return sendPage(reply, <ConfirmedPage ctx={ctxOf(request)} outcome={result.outcome} manageHref={manageHref} />, status);
  });

  await manageAppointmentRoutes(app, deps, timesChanged);
  await waitingListRoutes(app, deps, friction);
}
