import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { isValidCsrfToken } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import { requireStaff } from '../staff/index.js';
import { CallFeed } from './call-feed.js';
import { counterBlockRoutes } from './counter-blocks.staff-routes.js';
import { t } from './queue.i18n.js';
import {
  callNextToCounter, checkInBefore, checkInBooking, issueWalkInTicket, listDisplayedCalls, listStaffLocations, markBookingNoShow, officeDay, showQueueDay,
  type QueueActor, type QueueRefusal,
} from './queue.service.js';
import { CallDisplayPage, QueueDayPage, QueueLocationsPage, queuePaths, type DayNotice } from './views/queue-pages.js';

type DayRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined>; Body: Record<string, unknown> }>;

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const ticketPattern = /^[A-Z]-\d{3,4}$/;
const doneKinds = ['checkin', 'walkin', 'called', 'noshow'] as const;

/** The calendar day before or after 'YYYY-MM-DD'. */
function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** A real calendar date 'YYYY-MM-DD' (not 2026-02-31). */
function isDay(value: string): boolean {
  return dayPattern.test(value) && shiftDay(value, 0) === value;
}

// The display's events are public: a client opening many streams is slowed like any other.
const eventsLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

/**
 * The citizens' office on the day, for the staff of a location's department: the day view per
 * location and counter, check-in with a ticket, walk-in tickets, calls to a counter, no-shows
 * (under /verwaltung/termine); and the public call display /aufruf/{location} with its events.
 */
export async function queueRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const feed = new CallFeed(async ({ tenantId, locationId }) => JSON.stringify((await listDisplayedCalls(db, tenantId, locationId))?.calls ?? []));
  app.addHook('preClose', async () => feed.close());
  await counterBlockRoutes(app, deps);

  /** The signed-in staff member as a queue actor, or null after answering (sign-in redirect, 403 on a bad CSRF token). */
  async function requireClerk(request: FastifyRequest, reply: FastifyReply, form?: Record<string, unknown>) {
    const signedIn = await requireStaff(db, request, reply);
    if (!signedIn) return null;
    if (form && !isValidCsrfToken(signedIn, form._csrf)) {
      sendErrorPage(request, reply, 403);
      return null;
    }
    const actor: QueueActor = { tenantId: request.tenant.id, departmentIds: signedIn.staff.departments.map((d) => d.id) };
    return { actor, ctx: signedIn.ctx, staffName: signedIn.staff.name };
  }
  type Clerk = NonNullable<Awaited<ReturnType<typeof requireClerk>>>;

  app.get(queuePaths.locations, async (request, reply) => {
    const clerk = await requireClerk(request, reply);
    if (!clerk) return reply;
    return sendPage(reply, <QueueLocationsPage ctx={clerk.ctx} staffName={clerk.staffName} locations={await listStaffLocations(db, clerk.actor)} />);
  });

  /** Renders a location's day with a notice; 403/404 for a location the clerk does not serve or that does not exist. */
  async function showDay(request: DayRequest, reply: FastifyReply, clerk: Clerk, day: string, notice: DayNotice, status = 200, counterValue = '') {
    const queue = await showQueueDay(db, clerk.actor, request.params.id, day);
    if ('refused' in queue) return queue.refused === 'forbidden' ? sendErrorPage(request, reply, 403) : reply.callNotFound();
    const now = new Date();
    return sendPage(reply, <QueueDayPage ctx={clerk.ctx} staffName={clerk.staffName} queue={queue} today={officeDay(now)} checkInBefore={checkInBefore(now)} previousDay={shiftDay(day, -1)} nextDay={shiftDay(day, 1)} notice={notice} counterValue={counterValue} />, status);
  }

  app.get(queuePaths.day(':id'), async (request: DayRequest, reply) => {
    const clerk = await requireClerk(request, reply);
    if (!clerk) return reply;
    const day = request.query.tag ?? officeDay(new Date());
    if (!isDay(day)) return showDay(request, reply, clerk, officeDay(new Date()), { refused: t(request.lang, 'badDay') }, 400);
    // The done message names a ticket and a counter from the redirect: checked, never echoed raw.
    const done = doneKinds.find((k) => k === request.query.erledigt);
    const ticket = ticketPattern.test(request.query.marke ?? '') ? request.query.marke! : '';
    const counter = /^[\p{L}\p{N} .-]{1,80}$/u.test(request.query.schalter ?? '') ? request.query.schalter! : '';
    return showDay(request, reply, clerk, day, { done: done && t(request.lang, `done_${done}`, { ticket, counter }) });
  });

  /** After a queue action: back to today's view with what was done, or the day view with why not. */
  async function answer(request: DayRequest, reply: FastifyReply, clerk: Clerk, result: { refused: QueueRefusal } | { ticket?: string; counter?: string; done?: true }, done: (typeof doneKinds)[number]) {
    if ('refused' in result) {
      const { refused } = result;
      if (refused === 'forbidden') return sendErrorPage(request, reply, 403);
      if (refused === 'notFound') return reply.callNotFound();
      const counterValue = typeof request.body?.counter === 'string' ? request.body.counter.slice(0, 40) : '';
      const notice: DayNotice = refused === 'counterUnknown' ? { errors: { counter: t(request.lang, 'counterUnknown') }, refused: t(request.lang, 'counterUnknown') } : { refused: t(request.lang, refused) };
      return showDay(request, reply, clerk, officeDay(new Date()), notice, refused === 'counterUnknown' ? 422 : 409, counterValue);
    }
    const query = new URLSearchParams({ erledigt: done, ...(result.ticket ? { marke: result.ticket } : {}), ...(result.counter ? { schalter: result.counter } : {}) });
    deps.jobs.kick();
    return reply.redirect(`${queuePaths.day(request.params.id)}?${query}`, 303);
  }

  const bookingOf = (request: DayRequest) => (typeof request.body?.booking === 'string' ? request.body.booking : '');

  app.post(queuePaths.checkIn(':id'), async (request: DayRequest, reply) => {
    const clerk = await requireClerk(request, reply, request.body ?? {});
    if (!clerk) return reply;
    return answer(request, reply, clerk, await checkInBooking(db, clerk.actor, request.params.id, bookingOf(request)), 'checkin');
  });

  app.post(queuePaths.noShow(':id'), async (request: DayRequest, reply) => {
    const clerk = await requireClerk(request, reply, request.body ?? {});
    if (!clerk) return reply;
    return answer(request, reply, clerk, await markBookingNoShow(db, clerk.actor, request.params.id, bookingOf(request)), 'noshow');
  });

  app.post(queuePaths.walkIn(':id'), async (request: DayRequest, reply) => {
    const clerk = await requireClerk(request, reply, request.body ?? {});
    if (!clerk) return reply;
    return answer(request, reply, clerk, await issueWalkInTicket(db, clerk.actor, request.params.id), 'walkin');
  });

  app.post(queuePaths.call(':id'), async (request: DayRequest, reply) => {
    const clerk = await requireClerk(request, reply, request.body ?? {});
    if (!clerk) return reply;
    const counter = typeof request.body?.counter === 'string' ? request.body.counter : '';
    return answer(request, reply, clerk, await callNextToCounter(db, clerk.actor, request.params.id, counter), 'called');
  });

  app.get(queuePaths.display(':id'), async (request: DayRequest, reply) => {
    const found = await listDisplayedCalls(db, request.tenant.id, request.params.id);
    if (!found) return reply.callNotFound();
    reply.header('cache-control', 'no-store');
    return sendPage(reply, <CallDisplayPage lang={request.lang} location={found.location} calls={found.calls} />);
  });

  app.get(queuePaths.events(':id'), { config: eventsLimit }, async (request: DayRequest, reply) => {
    if (!(await listDisplayedCalls(db, request.tenant.id, request.params.id))) return reply.callNotFound();
    reply.hijack();
    await feed.watch(request.tenant.id, request.params.id, reply.raw, reply.getHeaders());
  });
}
