import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { AppointmentLocation, AppointmentResource, LocationClosure, LocationOffer, LocationSetup } from './appointments.js';
import { listBlockedSpans } from './counter-blocks.repository.js';
import type { BusySpan, HolidayRegion, OpeningInterval, ServiceChoice } from './slots.js';

/** A location's columns as the module writes them. */
export type LocationValues = Omit<AppointmentLocation, 'id' | 'active'>;

const locationColumns = ['id', 'department_id', 'name', 'address', 'accessibility', 'holiday_region', 'horizon_days', 'lead_minutes', 'slot_minutes', 'ticket_letter', 'contact_retention_days', 'deactivated_at'] as const;

function toLocation(row: { id: string; department_id: string; name: string; address: string; accessibility: string; holiday_region: string; horizon_days: number; lead_minutes: number; slot_minutes: number; ticket_letter: string; release_time: string | null; contact_retention_days: number; deactivated_at: Date | null }): AppointmentLocation {
  return {
    id: row.id, departmentId: row.department_id, name: row.name, address: row.address, accessibility: row.accessibility,
    holidayRegion: row.holiday_region as HolidayRegion, horizonDays: row.horizon_days, leadMinutes: row.lead_minutes, slotMinutes: row.slot_minutes, ticketLetter: row.ticket_letter, releaseTime: row.release_time,
    contactRetentionDays: row.contact_retention_days, active: row.deactivated_at === null,
  };
}

function locationRow(tenantId: string, v: LocationValues) {
  return {
    tenant_id: tenantId, department_id: v.departmentId, name: v.name, address: v.address, accessibility: v.accessibility,
    holiday_region: v.holidayRegion, horizon_days: v.horizonDays, lead_minutes: v.leadMinutes, slot_minutes: v.slotMinutes, ticket_letter: v.ticketLetter, release_time: v.releaseTime,
    contact_retention_days: v.contactRetentionDays,
  };
}

/** The town's locations, by name, with how many active counters and services each has. */
export async function listLocationRows(trx: Trx): Promise<Array<AppointmentLocation & { counters: number; services: number }>> {
  const rows = await trx.selectFrom('appointment_locations as l')
    .select([...locationColumns.map((c) => `l.${c}` as const), sql<string | null>`to_char(l.release_time, 'HH24:MI')`.as('release_time')])
    .select((eb) => [
      eb.selectFrom('appointment_resources as r').whereRef('r.location_id', '=', 'l.id').where('r.deactivated_at', 'is', null).select(sql<number>`count(*)::int`.as('n')).as('counters'),
      eb.selectFrom('appointment_location_services as s').whereRef('s.location_id', '=', 'l.id').select(sql<number>`count(*)::int`.as('n')).as('services'),
    ])
    .orderBy('l.name').execute();
  return rows.map((r) => ({ ...toLocation(r), counters: r.counters ?? 0, services: r.services ?? 0 }));
}

/** Inserts a location; returns its id. */
export async function insertLocation(trx: Trx, tenantId: string, values: LocationValues): Promise<string> {
  return (await trx.insertInto('appointment_locations').values(locationRow(tenantId, values)).returning('id').executeTakeFirstOrThrow()).id;
}

/** Changes a location's details. */
export async function updateLocation(trx: Trx, id: string, values: LocationValues): Promise<void> {
  const { tenant_id: _, ...row } = locationRow('', values);
  await trx.updateTable('appointment_locations').set(row).where('id', '=', id).execute();
}

/** A location row with everything configured for it, as one query returns it. */
interface SetupRow {
  id: string; department_id: string; name: string; address: string; accessibility: string; holiday_region: string; horizon_days: number; lead_minutes: number;
  slot_minutes: number; ticket_letter: string; release_time: string | null; contact_retention_days: number; deactivated_at: Date | null;
  resources: AppointmentResource[]; offers: LocationOffer[]; hours: OpeningInterval[]; closures: LocationClosure[];
}

/**
 * The locations (all of the town, or the one with `id`) with their counters, offers, opening hours
 * and closures, by name. One query with the configuration as JSON: the free-slot search and every
 * hold read it, and one round trip costs less than five.
 */
export async function listLocationSetups(trx: Trx, id?: string): Promise<LocationSetup[]> {
  const rows = await sql<SetupRow>`
    select l.id, l.department_id, l.name, l.address, l.accessibility, l.holiday_region, l.horizon_days, l.lead_minutes, l.slot_minutes, l.ticket_letter, to_char(l.release_time, 'HH24:MI') as release_time, l.contact_retention_days, l.deactivated_at,
      (select coalesce(json_agg(json_build_object('id', r.id, 'name', r.name, 'active', r.deactivated_at is null) order by r.name), '[]')
         from appointment_resources r where r.location_id = l.id) as resources,
      (select coalesce(json_agg(json_build_object('serviceId', s.service_id, 'minutes', s.minutes, 'minutesPerExtraPerson', s.minutes_per_extra_person, 'maxPersons', s.max_persons) order by s.service_id), '[]')
         from appointment_location_services s where s.location_id = l.id) as offers,
      (select coalesce(json_agg(json_build_object('weekday', h.weekday, 'opens', to_char(h.opens, 'HH24:MI'), 'closes', to_char(h.closes, 'HH24:MI')) order by h.weekday, h.opens), '[]')
         from appointment_opening_hours h where h.location_id = l.id) as hours,
      (select coalesce(json_agg(json_build_object('id', c.id, 'firstDay', c.first_day::text, 'lastDay', c.last_day::text, 'reason', c.reason) order by c.first_day), '[]')
         from appointment_closures c where c.location_id = l.id) as closures
    from appointment_locations l
    where ${id === undefined ? sql`true` : sql`l.id = ${id}`}
    order by l.name`.execute(trx);
  return rows.rows.map((row) => ({ location: toLocation(row), resources: row.resources, offers: row.offers, openingHours: row.hours, closures: row.closures }));
}

/** A location with its counters, offers, opening hours and closures, or undefined. */
export async function findLocationSetup(trx: Trx, id: string): Promise<LocationSetup | undefined> {
  return (await listLocationSetups(trx, id))[0];
}

/** Adds a counter to a location; false when the location has one of that name already. */
export async function insertResource(trx: Trx, tenantId: string, locationId: string, name: string): Promise<boolean> {
  const row = await trx.insertInto('appointment_resources').values({ tenant_id: tenantId, location_id: locationId, name })
    .onConflict((oc) => oc.columns(['tenant_id', 'location_id', 'name']).doNothing()).returning('id').executeTakeFirst();
  return row !== undefined;
}

/** Deactivates or reactivates a counter of a location; false when there is no such counter. */
export async function setResourceDeactivated(trx: Trx, locationId: string, resourceId: string, deactivated: boolean): Promise<boolean> {
  const result = await trx.updateTable('appointment_resources').set({ deactivated_at: deactivated ? new Date() : null })
    .where('location_id', '=', locationId).where('id', '=', resourceId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Offers a service at a location, or changes its durations. */
export async function upsertOffer(trx: Trx, tenantId: string, locationId: string, offer: LocationOffer): Promise<void> {
  const values = { minutes: offer.minutes, minutes_per_extra_person: offer.minutesPerExtraPerson, max_persons: offer.maxPersons };
  await trx.insertInto('appointment_location_services').values({ tenant_id: tenantId, location_id: locationId, service_id: offer.serviceId, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'location_id', 'service_id']).doUpdateSet(values)).execute();
}

/** Stops offering a service at a location; false when it was not offered. */
export async function deleteOffer(trx: Trx, locationId: string, serviceId: string): Promise<boolean> {
  const result = await trx.deleteFrom('appointment_location_services').where('location_id', '=', locationId).where('service_id', '=', serviceId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Replaces the whole week's opening hours of a location. */
export async function replaceOpeningHours(trx: Trx, tenantId: string, locationId: string, intervals: readonly OpeningInterval[]): Promise<void> {
  await trx.deleteFrom('appointment_opening_hours').where('location_id', '=', locationId).execute();
  if (intervals.length === 0) return;
  await trx.insertInto('appointment_opening_hours')
    .values(intervals.map((i) => ({ tenant_id: tenantId, location_id: locationId, weekday: i.weekday, opens: i.opens, closes: i.closes }))).execute();
}

/** Adds closure days to a location. */
export async function insertClosure(trx: Trx, tenantId: string, locationId: string, closure: Omit<LocationClosure, 'id'>): Promise<void> {
  await trx.insertInto('appointment_closures').values({ tenant_id: tenantId, location_id: locationId, first_day: closure.firstDay, last_day: closure.lastDay, reason: closure.reason }).execute();
}

/** Removes closure days of a location; false when there were none with that id. */
export async function deleteClosure(trx: Trx, locationId: string, closureId: string): Promise<boolean> {
  const result = await trx.deleteFrom('appointment_closures').where('location_id', '=', locationId).where('id', '=', closureId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** The department serving a location, or undefined when there is no such location. */
export async function findLocationDepartmentId(trx: Trx, locationId: string): Promise<string | undefined> {
  return (await trx.selectFrom('appointment_locations').select('department_id').where('id', '=', locationId).executeTakeFirst())?.department_id;
}

/** The id of an active department of the town by its key. */
export async function findActiveDepartmentId(trx: Trx, key: string): Promise<string | undefined> {
  return (await trx.selectFrom('departments').select('id').where('key', '=', key).where('deactivated_at', 'is', null).executeTakeFirst())?.id;
}

/** The ids of the catalog services the town offers. */
export async function listTownServiceIds(trx: Trx): Promise<string[]> {
  return (await trx.selectFrom('tenant_services').select('service_id').orderBy('service_id').execute()).map((r) => r.service_id);
}

/**
 * The spans taken on a location's counters around [from, to): confirmed bookings, holds not
 * expired at `now` and counter blocks; without the booking `exceptBookingId` (the one being rescheduled).
 */
export async function listBusySpans(trx: Trx, locationId: string, from: Date, to: Date, now: Date, exceptBookingId?: string): Promise<BusySpan[]> {
  let query = trx.selectFrom('appointment_bookings')
    .select(['resource_id', sql<Date>`lower(span)`.as('start'), sql<Date>`upper(span)`.as('end')])
    .where('location_id', '=', locationId)
    .where(sql<boolean>`span && tstzrange(${from}, ${to})`)
    .where((eb) => eb.or([eb('status', '=', 'confirmed'), eb.and([eb('status', '=', 'held'), eb('hold_expires_at', '>', now)])]));
  if (exceptBookingId) query = query.where('id', '!=', exceptBookingId);
  const rows = await query.execute();
  const booked = rows.map((r) => ({ resourceId: r.resource_id, start: new Date(r.start), end: new Date(r.end) }));
  // Counters blocked by staff (counter-blocks.repository.ts) are busy like a booking.
  return [...booked, ...(await listBlockedSpans(trx, locationId, from, to))];
}

/**
 * Takes a share lock on the location's counters for the transaction: bookings of the counters go
 * on side by side, but a counter block (lockCounterForBlock) waits for them, and they for it, so
 * a booking's check of the busy spans never misses a block committed meanwhile. Call before
 * reading the busy spans.
 */
export async function shareCounters(trx: Trx, locationId: string): Promise<void> {
  await trx.selectFrom('appointment_resources').select('id').where('location_id', '=', locationId).forShare().execute();
}

/** Locks a counter against bookings until the transaction ends (a block being written over it). */
export async function lockCounterForBlock(trx: Trx, resourceId: string): Promise<void> {
  await trx.selectFrom('appointment_resources').select('id').where('id', '=', resourceId).forUpdate().execute();
}

/** Marks the holds expired at `now` that overlap a span of a counter, so their time can be booked. */
export async function expireHoldsOn(trx: Trx, resourceId: string, start: Date, end: Date, now: Date): Promise<void> {
  await trx.updateTable('appointment_bookings').set({ status: 'expired', hold_expires_at: null })
    .where('resource_id', '=', resourceId).where('status', '=', 'held').where('hold_expires_at', '<=', now)
    .where(sql<boolean>`span && tstzrange(${start}, ${end})`).execute();
}

/** Marks every hold of the town expired at `now` (housekeeping); returns how many. */
export async function expireHolds(trx: Trx, now: Date): Promise<number> {
  const result = await trx.updateTable('appointment_bookings').set({ status: 'expired', hold_expires_at: null })
    .where('status', '=', 'held').where('hold_expires_at', '<=', now).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A booking's place and time as it is inserted. */
interface NewBooking {
  locationId: string;
  resourceId: string;
  start: Date;
  end: Date;
  services: ServiceChoice[];
}

function bookingRow(tenantId: string, b: NewBooking) {
  return { tenant_id: tenantId, location_id: b.locationId, resource_id: b.resourceId, span: sql<string>`tstzrange(${b.start}, ${b.end})`, services: JSON.stringify(b.services) };
}

/** Inserts a held booking with who booked it; returns its id. */
export async function insertHold(trx: Trx, tenantId: string, hold: NewBooking & { departmentId: string; expiresAt: Date; name: string; email: string; language: 'de' | 'en' }): Promise<string> {
  const { id } = await trx.insertInto('appointment_bookings').values({ ...bookingRow(tenantId, hold), status: 'held', hold_expires_at: hold.expiresAt })
    .returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('appointment_booking_contacts').values({ tenant_id: tenantId, booking_id: id, department_id: hold.departmentId, name: hold.name, email: hold.email, language: hold.language }).execute();
  return id;
}

/**
 * Inserts the confirmed booking that replaces a rescheduled one: same calendar entry (uid, next
 * revision), same contact (readable only as the location's department). Returns its id.
 */
export async function insertReplacement(trx: Trx, tenantId: string, previousId: string, booking: NewBooking & { confirmedAt: Date; calendarUid: string; calendarSequence: number }): Promise<string> {
  const { id } = await trx.insertInto('appointment_bookings').values({
    ...bookingRow(tenantId, booking), status: 'confirmed', confirmed_at: booking.confirmedAt, calendar_uid: booking.calendarUid, calendar_sequence: booking.calendarSequence,
  }).returning('id').executeTakeFirstOrThrow();
  const copied = await trx.insertInto('appointment_booking_contacts')
    .columns(['tenant_id', 'booking_id', 'department_id', 'name', 'email', 'language'])
    .expression((eb) => eb.selectFrom('appointment_booking_contacts').select(['tenant_id', sql<string>`${id}::uuid`.as('booking_id'), 'department_id', 'name', 'email', 'language']).where('booking_id', '=', previousId))
    .returning('booking_id').executeTakeFirst();
  if (!copied) throw new Error('the rescheduled booking has no readable contact');
  await trx.updateTable('appointment_bookings').set({ rescheduled_to: id }).where('id', '=', previousId).execute();
  return id;
}

/** Cancels a confirmed booking (waiting for a concurrent change of it); false when it was no longer confirmed. */
export async function cancelConfirmedBooking(trx: Trx, bookingId: string, now: Date): Promise<boolean> {
  const result = await trx.updateTable('appointment_bookings').set({ status: 'cancelled', cancelled_at: now })
    .where('id', '=', bookingId).where('status', '=', 'confirmed').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Stores the hash of a management link's token for a confirmed booking; false when it is not confirmed. */
export async function insertManageTokenHash(trx: Trx, bookingId: string, tokenHash: string): Promise<boolean> {
  const result = await trx.insertInto('appointment_manage_tokens').columns(['tenant_id', 'token_hash', 'booking_id'])
    .expression((eb) => eb.selectFrom('appointment_bookings').select(['tenant_id', sql<string>`${tokenHash}`.as('token_hash'), 'id']).where('id', '=', bookingId).where('status', '=', 'confirmed'))
    .returning('booking_id').executeTakeFirst();
  return result !== undefined;
}

/** A booking as its management page and the use cases behind it see it. */
export interface ManagedBookingRow {
  id: string;
  status: string;
  locationId: string;
  departmentId: string;
  start: Date;
  end: Date;
  services: ServiceChoice[];
  calendarUid: string;
  calendarSequence: number;
  rescheduledTo: string | null;
}

/** The booking a management link's token hash belongs to, or undefined. */
export async function findBookingByManageToken(trx: Trx, tokenHash: string): Promise<ManagedBookingRow | undefined> {
  const row = await trx.selectFrom('appointment_manage_tokens as t').innerJoin('appointment_bookings as b', 'b.id', 't.booking_id').innerJoin('appointment_locations as l', 'l.id', 'b.location_id')
    .select(['b.id', 'b.status', 'b.location_id', 'l.department_id', sql<Date>`lower(b.span)`.as('start'), sql<Date>`upper(b.span)`.as('end'), 'b.services',
      sql<string>`coalesce(b.calendar_uid, b.id)`.as('calendar_uid'), 'b.calendar_sequence', 'b.rescheduled_to'])
    .where('t.token_hash', '=', tokenHash).executeTakeFirst();
  return row && {
    id: row.id, status: row.status, locationId: row.location_id, departmentId: row.department_id, start: new Date(row.start), end: new Date(row.end),
    services: row.services, calendarUid: row.calendar_uid, calendarSequence: row.calendar_sequence, rescheduledTo: row.rescheduled_to,
  };
}

/** Stores the hash of a held booking's confirmation token; false when the booking is no longer held. */
export async function setConfirmTokenHash(trx: Trx, bookingId: string, tokenHash: string): Promise<boolean> {
  const result = await trx.updateTable('appointment_bookings').set({ confirm_token_hash: tokenHash }).where('id', '=', bookingId).where('status', '=', 'held').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Confirms the hold with this token hash if it is still held at `now`; returns its id and start. */
export async function confirmHold(trx: Trx, tokenHash: string, now: Date): Promise<{ id: string; start: Date } | undefined> {
  const row = await trx.updateTable('appointment_bookings').set({ status: 'confirmed', confirmed_at: now, hold_expires_at: null })
    .where('confirm_token_hash', '=', tokenHash).where('status', '=', 'held').where('hold_expires_at', '>', now).returning(['id', sql<Date>`lower(span)`.as('start')]).executeTakeFirst();
  return row && { id: row.id, start: new Date(row.start) };
}

/** The status of the booking with this token hash, or undefined. */
export async function findBookingStatusByToken(trx: Trx, tokenHash: string): Promise<string | undefined> {
  return (await trx.selectFrom('appointment_bookings').select('status').where('confirm_token_hash', '=', tokenHash).executeTakeFirst())?.status;
}

/** A booking with its location, as its mails describe it. */
export async function findBookingForMail(trx: Trx, bookingId: string): Promise<{ status: string; start: Date; end: Date; locationName: string; address: string; departmentId: string; services: ServiceChoice[]; calendarUid: string; calendarSequence: number; rescheduledTo: string | null } | undefined> {
  const row = await trx.selectFrom('appointment_bookings as b').innerJoin('appointment_locations as l', 'l.id', 'b.location_id')
    .select(['b.status', sql<Date>`lower(b.span)`.as('start'), sql<Date>`upper(b.span)`.as('end'), 'l.name', 'l.address', 'l.department_id', 'b.services',
      sql<string>`coalesce(b.calendar_uid, b.id)`.as('calendar_uid'), 'b.calendar_sequence', 'b.rescheduled_to'])
    .where('b.id', '=', bookingId).executeTakeFirst();
  return row && {
    status: row.status, start: new Date(row.start), end: new Date(row.end), locationName: row.name, address: row.address, departmentId: row.department_id, services: row.services,
    calendarUid: row.calendar_uid, calendarSequence: row.calendar_sequence, rescheduledTo: row.rescheduled_to,
  };
}

/** Where to mail about a booking (readable only as the location's department). */
export async function findBookingContact(trx: Trx, bookingId: string): Promise<{ email: string; language: 'de' | 'en' } | undefined> {
  return trx.selectFrom('appointment_booking_contacts').select(['email', 'language']).where('booking_id', '=', bookingId).executeTakeFirst();
}

/** The ids of the services offered at an active location with an active counter. */
export async function listBookableServiceIds(trx: Trx): Promise<string[]> {
  const rows = await trx.selectFrom('appointment_location_services as s').innerJoin('appointment_locations as l', 'l.id', 's.location_id')
    .select('s.service_id').distinct().where('l.deactivated_at', 'is', null)
    .where((eb) => eb.exists(eb.selectFrom('appointment_resources as r').select('r.id').whereRef('r.location_id', '=', 'l.id').where('r.deactivated_at', 'is', null)))
    .execute();
  return rows.map((r) => r.service_id);
}

/**
 * How many open bookings (held and not run out, or confirmed and not begun) an e-mail address has
 * per service, and how many holds it made in the last hour (by the database's clock), after
 * waiting for any other transaction counting for the same address (so two concurrent holds cannot
 * both pass a cap). Reads contacts: only as the location's department.
 */
export async function countBookingsOfAddress(trx: Trx, tenantId: string, email: string, now: Date): Promise<{ openByService: Map<string, number>; lastHour: number }> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`appointments:${tenantId}:${email}`}, 0))`.execute(trx);
  const row = await sql<{ open_by_service: Record<string, number>; last_hour: number }>`
    with mine as (
      select b.services, b.created_at,
             (b.status = 'confirmed' and upper(b.span) > ${now}) or (b.status = 'held' and b.hold_expires_at > ${now}) as open
      from appointment_booking_contacts c join appointment_bookings b on b.id = c.booking_id
      where c.email = ${email}
    )
    select coalesce((select jsonb_object_agg(service_id, n) from (
               select s->>'serviceId' as service_id, count(*)::int as n from mine cross join lateral jsonb_array_elements(mine.services) s where mine.open group by 1) per_service), '{}') as open_by_service,
           (select count(*)::int from mine where created_at > now() - interval '1 hour') as last_hour`.execute(trx);
  const counts = row.rows[0]!;
  return { openByService: new Map(Object.entries(counts.open_by_service)), lastHour: counts.last_hour };
}
