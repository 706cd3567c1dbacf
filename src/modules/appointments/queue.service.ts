import { isUuid } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import {
  callNextTicket, findQueueLocation, insertTicket, listCounters, listDayBookings, listDayTickets, listQueueLocations, markAttendance,
  type DayBooking, type DayTicket, type QueueLocation,
} from './queue.repository.js';
import { berlinWallClock } from './slots.js';

/** A staff member at a location's queue: the town and the departments they work in. */
export interface QueueActor {
  tenantId: string;
  departmentIds: readonly string[];
}

/** A ticket as called out and printed: the location's letter and the day's number, e.g. A-017. */
export function ticketLabel(letter: string, number: number): string {
  return `${letter}-${String(number).padStart(3, '0')}`;
}

/** Today in Europe/Berlin as 'YYYY-MM-DD': tickets and the day view count by the office's day. */
export function officeDay(now: Date): string {
  return berlinWallClock(now).day;
}

/** The locations the staff member's departments serve. */
export function listStaffLocations(db: Db, actor: QueueActor): Promise<QueueLocation[]> {
  return inTransaction(db, actor, (trx) => listQueueLocations(trx, actor.departmentIds));
}

/** Why a queue action did not happen. */
export type QueueRefusal = 'notFound' | 'forbidden' | 'notCheckable' | 'counterUnknown' | 'nobodyWaiting';

/**
 * Runs a queue action at a location its department serves: the location is looked up (and, with
 * `lock`, locked), then `act` runs in the same transaction. Row-level security lets only the
 * department's staff issue or call tickets and read names; the check here answers 403 clearly.
 */
async function atLocation<T>(db: Db, actor: QueueActor, locationId: string, lock: boolean, act: (trx: Trx, location: QueueLocation) => Promise<T>): Promise<T | { refused: QueueRefusal }> {
  if (!isUuid(locationId)) return { refused: 'notFound' };
  return inTransaction(db, actor, async (trx) => {
    const location = await findQueueLocation(trx, locationId, lock);
    if (!location) return { refused: 'notFound' } as const;
    if (!actor.departmentIds.includes(location.departmentId)) return { refused: 'forbidden' } as const;
    return act(trx, location);
  });
}

/** A location's day as its staff see it: counters, confirmed bookings with names, and the queue. */
export interface QueueDay {
  location: QueueLocation;
  day: string;
  counters: Array<{ id: string; name: string; active: boolean }>;
  bookings: DayBooking[];
  tickets: DayTicket[];
}

/** The day view of a location for its department's staff. */
export function showQueueDay(db: Db, actor: QueueActor, locationId: string, day: string): Promise<QueueDay | { refused: QueueRefusal }> {
  return atLocation(db, actor, locationId, false, async (trx, location) => ({
    location, day, counters: await listCounters(trx, location.id), bookings: await listDayBookings(trx, location.id, day), tickets: await listDayTickets(trx, location.id, day),
  }));
}

/** How early before the appointment a citizen may check in (they come early; an evening's check-in may be for just after midnight). */
export const checkInHours = 3;

/** Until when an appointment starting then may be checked in now. */
export function checkInBefore(now: Date): Date {
  return new Date(now.getTime() + checkInHours * 3_600_000);
}

/**
 * Checks in a citizen who arrived for a booking (today's, or one starting within three hours):
 * marks it and issues the next ticket of the day.
 */
export function checkInBooking(db: Db, actor: QueueActor, locationId: string, bookingId: string, now = new Date()): Promise<{ ticket: string } | { refused: QueueRefusal }> {
  const day = officeDay(now);
  return atLocation(db, actor, locationId, true, async (trx, location) => {
    if (!isUuid(bookingId) || !(await markAttendance(trx, location.id, bookingId, day, now, { arrivedBefore: checkInBefore(now) }))) return { refused: 'notCheckable' } as const;
    const number = await insertTicket(trx, actor.tenantId, { locationId: location.id, departmentId: location.departmentId, day, bookingId });
    return { ticket: ticketLabel(location.ticketLetter, number) };
  });
}

/** Issues a ticket to a walk-in: it joins the same queue as the checked-in bookings. */
export function issueWalkInTicket(db: Db, actor: QueueActor, locationId: string, now = new Date()): Promise<{ ticket: string } | { refused: QueueRefusal }> {
  const day = officeDay(now);
  return atLocation(db, actor, locationId, true, async (trx, location) => {
    const number = await insertTicket(trx, actor.tenantId, { locationId: location.id, departmentId: location.departmentId, day });
    return { ticket: ticketLabel(location.ticketLetter, number) };
  });
}

/** Marks today's booking of a citizen who did not come (not checked in) as a no-show. */
export function markBookingNoShow(db: Db, actor: QueueActor, locationId: string, bookingId: string, now = new Date()): Promise<{ done: true } | { refused: QueueRefusal }> {
  const day = officeDay(now);
  return atLocation(db, actor, locationId, false, async (trx, location) =>
    isUuid(bookingId) && (await markAttendance(trx, location.id, bookingId, day, now, 'noShow')) ? { done: true } as const : { refused: 'notCheckable' } as const);
}

/** Calls the next waiting ticket to a counter of the location (the counter's previous ticket is done). */
export function callNextToCounter(db: Db, actor: QueueActor, locationId: string, counterId: string, now = new Date()): Promise<{ ticket: string; counter: string } | { refused: QueueRefusal }> {
  const day = officeDay(now);
  return atLocation(db, actor, locationId, false, async (trx, location) => {
    const counter = (await listCounters(trx, location.id)).find((c) => c.id === counterId && c.active);
    if (!counter) return { refused: 'counterUnknown' } as const;
    const number = await callNextTicket(trx, location.id, day, counter.id, now);
    return number === undefined ? { refused: 'nobodyWaiting' } as const : { ticket: ticketLabel(location.ticketLetter, number), counter: counter.name };
  });
}

/** A call as the public display shows it: ticket and counter, nothing about the person. */
export interface DisplayedCall {
  ticket: string;
  counter: string;
}

/** How many calls the display shows, newest first. */
const displayedCalls = 8;

/** The latest calls of a location's day for its public call display, or undefined for an unknown location. */
export async function listDisplayedCalls(db: Db, tenantId: string, locationId: string, now = new Date()): Promise<{ location: QueueLocation; calls: DisplayedCall[] } | undefined> {
  if (!isUuid(locationId)) return undefined;
  return inTransaction(db, { tenantId }, async (trx) => {
    const location = await findQueueLocation(trx, locationId);
    if (!location || !location.active) return undefined;
    // The latest calls, served or not: who looks up late still finds their number and counter.
    const called = (await listDayTickets(trx, location.id, officeDay(now))).filter((t) => t.calledAt !== null && t.counter !== null);
    called.sort((a, b) => b.calledAt!.getTime() - a.calledAt!.getTime());
    return { location, calls: called.slice(0, displayedCalls).map((t) => ({ ticket: ticketLabel(location.ticketLetter, t.number), counter: t.counter! })) };
  });
}
