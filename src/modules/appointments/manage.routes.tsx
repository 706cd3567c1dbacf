import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { ensureSession, findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { localize } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { cancelAppointment, findManagedAppointment, findRescheduleSlots, rescheduleAppointment, type ManagedAppointment } from './manage.service.js';
import type { ManagedBookingRow } from './appointments.repository.js';
import { bookingPaths, type BookingSummary } from './views/booking-pages.js';
import { ManageDonePage, ManagePage, ManageRefusedPage, ReschedulePage } from './views/manage-pages.js';

type TokenRequest = FastifyRequest<{ Params: { token: string }; Querystring: Record<string, string | undefined>; Body: Record<string, unknown> }>;

// Like the hold and the confirmation: tokens cannot be guessed, but a fleet is slowed by address.
const manageLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

/**
 * The management link's pages (cancel and reschedule, ADR 0024). The token is in the path only:
 * never in a cookie or the browser's storage; pages are not cached and send no referrer.
 */
export async function manageAppointmentRoutes(app: FastifyInstance, deps: ModuleDeps, timesChanged: (tenantId: string) => void): Promise<void> {
  const { db } = deps;
  const ctxOf = (request: FastifyRequest, csrfToken?: string): PageContext => ({ lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken });

  function refuse(request: FastifyRequest, reply: FastifyReply, found: Exclude<ManagedAppointment, { kind: 'open' }>) {
    return sendPage(reply, <ManageRefusedPage ctx={ctxOf(request)} found={found} />, found.kind === 'unknown' ? 404 : 410);
  }

  /** The open appointment of the link with its summary and free times, or null after answering 404/410. */
  async function openAppointment(request: TokenRequest, reply: FastifyReply) {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const found = await findManagedAppointment(db, request.tenant.id, request.params.token);
    if (found.kind !== 'open') return refuse(request, reply, found), null;
    const slots = await findRescheduleSlots(db, request.tenant.id, found.booking);
    if (!slots) return refuse(request, reply, { kind: 'unknown' }), null;
    return { booking: found.booking, summary: summaryOf(request, found.booking, slots.location), nextFree: slots.days };
  }

  function summaryOf(request: FastifyRequest, booking: ManagedBookingRow, location: BookingSummary['location']): BookingSummary {
    const services = booking.services.map((c) => {
      const service = deps.services.get(c.serviceId);
      return { title: service ? localize(service.definition.title, request.lang) : c.serviceId, persons: c.persons };
    });
    return { location, start: booking.start, services };
  }

  app.get(bookingPaths.manage(':token'), async (request: TokenRequest, reply) => {
    const open = await openAppointment(request, reply);
    if (!open) return reply;
    const session = await ensureSession(db, request, reply);
    return sendPage(reply, <ManagePage ctx={ctxOf(request, session.csrfToken)} token={request.params.token} summary={open.summary} choices={open.booking.services} nextFree={open.nextFree} />);
  });

  app.post(bookingPaths.cancel(':token'), { config: manageLimit }, async (request: TokenRequest, reply) => {
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, (request.body ?? {})._csrf)) return sendErrorPage(request, reply, 403);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const result = await cancelAppointment(db, request.tenant.id, request.params.token);
    if (result.kind !== 'open') return refuse(request, reply, result);
    timesChanged(request.tenant.id);
    deps.jobs.kick();
    return reply.redirect(bookingPaths.cancelled, 303);
  });

  app.get(bookingPaths.reschedule(':token'), async (request: TokenRequest, reply) => {
    const open = await openAppointment(request, reply);
    if (!open) return reply;
    const start = new Date(request.query.beginn ?? '');
    if (Number.isNaN(start.getTime())) return reply.callNotFound();
    const session = await ensureSession(db, request, reply);
    return sendPage(reply, <ReschedulePage ctx={ctxOf(request, session.csrfToken)} token={request.params.token} summary={open.summary} start={start} />);
  });

  app.post(bookingPaths.reschedule(':token'), { config: manageLimit }, async (request: TokenRequest, reply) => {
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, (request.body ?? {})._csrf)) return sendErrorPage(request, reply, 403);
    const open = await openAppointment(request, reply);
    if (!open) return reply;
    const start = new Date(request.query.beginn ?? '');
    if (Number.isNaN(start.getTime())) return reply.callNotFound();
    const result = await rescheduleAppointment(db, request.tenant.id, request.params.token, start);
    if (result.ok) {
      timesChanged(request.tenant.id);
      deps.jobs.kick();
      return reply.redirect(bookingPaths.rescheduled, 303);
    }
    if (result.kind === 'unknown' || result.kind === 'gone') return refuse(request, reply, result);
    if (result.kind !== 'slot') return reply.callNotFound();
    const refused = { taken: result.problem === 'taken', nextFree: result.nextFree, choices: open.booking.services };
    return sendPage(reply, <ReschedulePage ctx={ctxOf(request, session!.csrfToken)} token={request.params.token} summary={open.summary} start={start} refused={refused} />, 409);
  });

  app.get(bookingPaths.cancelled, async (request, reply) => sendPage(reply, <ManageDonePage ctx={ctxOf(request)} done="cancelled" />));
  app.get(bookingPaths.rescheduled, async (request, reply) => sendPage(reply, <ManageDonePage ctx={ctxOf(request)} done="rescheduled" />));
}
