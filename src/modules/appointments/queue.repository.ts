import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { ServiceChoice } from './slots.js';

/** A location as the queue needs it: its department and its tickets' letter. */
export interface QueueLocation {
  id: string;
  name: string;
  departmentId: string;
  ticketLetter: string;
  active: boolean;
}

const queueLocationColumns = ['id', 'name', 'department_id', 'ticket_letter', 'deactivated_at'] as const;
const toQueueLocation = (r: { id: string; name: string; department_id: string; ticket_letter: string; deactivated_at: Date | null }): QueueLocation =>
  ({ id: r.id, name: r.name, departmentId: r.department_id, ticketLetter: r.ticket_letter, active: r.deactivated_at === null });

/** The town's locations served by these departments, by name. */
export async function listQueueLocations(trx: Trx, departmentIds: readonly string[]): Promise<QueueLocation[]> {
  if (departmentIds.length === 0) return [];
  const rows = await trx.selectFrom('appointment_locations').select([...queueLocationColumns]).where('department_id', 'in', departmentIds).orderBy('name').execute();
  return rows.map(toQueueLocation);
}

/**
 * A location for the queue, or undefined. With `lock`, its row stays locked until the transaction
 * ends: ticket numbers of a location are then handed out one after another, never twice.
 */
export async function findQueueLocation(trx: Trx, locationId: string, lock = false): Promise<QueueLocation | undefined> {
  let query = trx.selectFrom('appointment_locations').select([...queueLocationColumns]).where('id', '=', locationId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toQueueLocation(row);
}

/** The counters of a location: id and name (active ones only when asked). */
export async function listCounters(trx: Trx, locationId: string): Promise<Array<{ id: string; name: string; active: boolean }>> {
  const rows = await trx.selectFrom('appointment_resources').select(['id', 'name', 'deactivated_at']).where('location_id', '=', locationId).orderBy('name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, active: r.deactivated_at === null }));
}

/** Issues the location's next ticket of the day (the caller holds the location's lock); returns its number. */
export async function insertTicket(trx: Trx, tenantId: string, ticket: { locationId: string; departmentId: string; day: string; bookingId?: string }): Promise<number> {
  const row = await trx.insertInto('appointment_tickets').values({
    tenant_id: tenantId, location_id: ticket.locationId, department_id: ticket.departmentId, day: ticket.day, booking_id: ticket.bookingId ?? null,
    number: sql<number>`(select coalesce(max(number), 0) + 1 from appointment_tickets where location_id = ${ticket.locationId} and day = ${ticket.day}::date)`,
  }).returning('number').executeTakeFirstOrThrow();
  return row.number;
}

/**
 * Marks a confirmed booking of the location as arrived or as a no-show, if neither yet; false
 * otherwise. Arrived: it starts before `arrivedBefore` and not on a day before `day` (Berlin); a
 * no-show: it is of `day`.
 */
export async function markAttendance(trx: Trx, locationId: string, bookingId: string, day: string, now: Date, mark: { arrivedBefore: Date } | 'noShow'): Promise<boolean> {
  let query = trx.updateTable('appointment_bookings').set(mark === 'noShow' ? { no_show_at: now } : { arrived_at: now })
    .where('id', '=', bookingId).where('location_id', '=', locationId).where('status', '=', 'confirmed')
    .where('arrived_at', 'is', null).where('no_show_at', 'is', null);
  query = mark === 'noShow'
    ? query.where(sql<boolean>`(lower(span) at time zone 'Europe/Berlin')::date = ${day}::date`)
    : query.where(sql<boolean>`(lower(span) at time zone 'Europe/Berlin')::date >= ${day}::date`).where(sql<boolean>`lower(span) < ${mark.arrivedBefore}`);
  return (await query.returning('id').executeTakeFirst()) !== undefined;
}

/**
 * Calls the day's next waiting ticket to a counter: the ticket that counter called before is done,
 * the waiting ticket with the lowest number is called. SKIP LOCKED lets two counters calling at
 * once get different tickets. Returns the called number, or undefined when nobody waits.
 */
export async function callNextTicket(trx: Trx, locationId: string, day: string, resourceId: string, now: Date): Promise<number | undefined> {
  await trx.updateTable('appointment_tickets').set({ status: 'done', done_at: now })
    .where('location_id', '=', locationId).where(sql<boolean>`day = ${day}::date`).where('resource_id', '=', resourceId).where('status', '=', 'called').execute();
  const next = await trx.selectFrom('appointment_tickets').select('id')
    .where('location_id', '=', locationId).where(sql<boolean>`day = ${day}::date`).where('status', '=', 'waiting')
    .orderBy('number').limit(1).forUpdate().skipLocked().executeTakeFirst();
  if (!next) return undefined;
  const row = await trx.updateTable('appointment_tickets').set({ status: 'called', resource_id: resourceId, called_at: now })
    .where('id', '=', next.id).returning('number').executeTakeFirstOrThrow();
  return row.number;
}

/** A confirmed booking of the day with who booked it (readable as the location's department only) and its ticket. */
export interface DayBooking {
  id: string;
  resourceId: string;
  start: Date;
  end: Date;
  services: ServiceChoice[];
  name: string | null;
  arrived: boolean;
  noShow: boolean;
  ticketNumber: number | null;
}

/** The confirmed bookings of a location on a (Berlin) day, by start. */
export async function listDayBookings(trx: Trx, locationId: string, day: string): Promise<DayBooking[]> {
  const rows = await trx.selectFrom('appointment_bookings as b')
    .leftJoin('appointment_booking_contacts as c', 'c.booking_id', 'b.id')
    .leftJoin('appointment_tickets as t', 't.booking_id', 'b.id')
    .select(['b.id', 'b.resource_id', sql<Date>`lower(b.span)`.as('start'), sql<Date>`upper(b.span)`.as('end'), 'b.services', 'c.name', 'b.arrived_at', 'b.no_show_at', 't.number'])
    .where('b.location_id', '=', locationId).where('b.status', '=', 'confirmed')
    .where(sql<boolean>`(lower(b.span) at time zone 'Europe/Berlin')::date = ${day}::date`)
    .orderBy(sql`lower(b.span)`).execute();
  return rows.map((r) => ({
    id: r.id, resourceId: r.resource_id, start: new Date(r.start), end: new Date(r.end), services: r.services, name: r.name,
    arrived: r.arrived_at !== null, noShow: r.no_show_at !== null, ticketNumber: r.number,
  }));
}

/** A ticket of the day as the queue and the call display show it: no personal data. */
export interface DayTicket {
  number: number;
  status: 'waiting' | 'called' | 'done';
  walkIn: boolean;
  counter: string | null;
  calledAt: Date | null;
}

/** The tickets of a location's day, by number. */
export async function listDayTickets(trx: Trx, locationId: string, day: string): Promise<DayTicket[]> {
  const rows = await trx.selectFrom('appointment_tickets as t').leftJoin('appointment_resources as r', 'r.id', 't.resource_id')
    .select(['t.number', 't.status', 't.booking_id', 'r.name', 't.called_at'])
    .where('t.location_id', '=', locationId).where(sql<boolean>`t.day = ${day}::date`).orderBy('t.number').execute();
  return rows.map((r) => ({ number: r.number, status: r.status, walkIn: r.booking_id === null, counter: r.name, calledAt: r.called_at }));
}
