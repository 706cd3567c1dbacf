import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { ServiceChoice } from './slots.js';

/** Who is on a waiting list; readable only as the location's department. */
export interface WaitlistContact {
  name: string;
  email: string;
  language: 'de' | 'en';
}

/** A waiting-list place as the offer job and the mails see it. */
export interface WaitlistEntry {
  id: string;
  locationId: string;
  departmentId: string;
  services: ServiceChoice[];
  status: string;
  offeredBookingId: string | null;
  offerExpiresAt: Date | null;
}

const entryColumns = ['id', 'location_id', 'department_id', 'services', 'status', 'offered_booking_id', 'offer_expires_at'] as const;

function toEntry(row: { id: string; location_id: string; department_id: string; services: ServiceChoice[]; status: string; offered_booking_id: string | null; offer_expires_at: Date | null }): WaitlistEntry {
  return { id: row.id, locationId: row.location_id, departmentId: row.department_id, services: row.services, status: row.status, offeredBookingId: row.offered_booking_id, offerExpiresAt: row.offer_expires_at };
}

/**
 * Waits for any other transaction changing the waiting list of a location: offers, opt-ins and
 * the end of offers of one list happen one after the other, so no place gets two offers at once.
 */
export async function lockWaitingList(trx: Trx, tenantId: string, locationId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`waitlist:${tenantId}:${locationId}`}, 0))`.execute(trx);
}

/**
 * How many places (not ended) an e-mail address holds on the town's waiting lists, after waiting
 * for any other transaction counting for the same address. Reads contacts: as the department.
 */
export async function countOpenEntriesOfAddress(trx: Trx, tenantId: string, email: string): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`waitlist:${tenantId}:${email}`}, 0))`.execute(trx);
  const row = await trx.selectFrom('appointment_waitlist_contacts as c').innerJoin('appointment_waitlist_entries as e', 'e.id', 'c.entry_id')
    .select(sql<number>`count(*)::int`.as('n')).where('c.email', '=', email).where('e.ended_at', 'is', null).executeTakeFirstOrThrow();
  return row.n;
}

/** Inserts an unconfirmed place with who asked for it; returns its id. */
export async function insertEntry(trx: Trx, tenantId: string, entry: { locationId: string; departmentId: string; services: ServiceChoice[] } & WaitlistContact): Promise<string> {
  const { id } = await trx.insertInto('appointment_waitlist_entries')
    .values({ tenant_id: tenantId, location_id: entry.locationId, department_id: entry.departmentId, services: JSON.stringify(entry.services) })
    .returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('appointment_waitlist_contacts').values({ tenant_id: tenantId, entry_id: id, department_id: entry.departmentId, name: entry.name, email: entry.email, language: entry.language }).execute();
  return id;
}

/** A place by id, or undefined. */
export async function findEntry(trx: Trx, entryId: string): Promise<WaitlistEntry | undefined> {
  const row = await trx.selectFrom('appointment_waitlist_entries').select([...entryColumns]).where('id', '=', entryId).executeTakeFirst();
  return row && toEntry(row);
}

/** Who a place belongs to (as the location's department), or undefined. */
export async function findEntryContact(trx: Trx, entryId: string): Promise<WaitlistContact | undefined> {
  return trx.selectFrom('appointment_waitlist_contacts').select(['name', 'email', 'language']).where('entry_id', '=', entryId).executeTakeFirst();
}

/** Stores the hashes of a place's opt-in and leave links; false when it is no longer unconfirmed. */
export async function setEntryTokenHashes(trx: Trx, entryId: string, optinHash: string, leaveHash: string): Promise<boolean> {
  const result = await trx.updateTable('appointment_waitlist_entries').set({ optin_token_hash: optinHash, leave_token_hash: leaveHash })
    .where('id', '=', entryId).where('status', '=', 'unconfirmed').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Puts an unconfirmed place on the list by its opt-in token hash; returns its location, or undefined. */
export async function confirmEntry(trx: Trx, optinHash: string, now: Date): Promise<{ id: string; locationId: string } | undefined> {
  const row = await trx.updateTable('appointment_waitlist_entries').set({ status: 'waiting', joined_at: now })
    .where('optin_token_hash', '=', optinHash).where('status', '=', 'unconfirmed').returning(['id', 'location_id']).executeTakeFirst();
  return row && { id: row.id, locationId: row.location_id };
}

/** The place of an opt-in or leave token hash, or undefined. */
export async function findEntryByToken(trx: Trx, column: 'optin_token_hash' | 'leave_token_hash', hash: string): Promise<WaitlistEntry | undefined> {
  const row = await trx.selectFrom('appointment_waitlist_entries').select([...entryColumns]).where(column, '=', hash).executeTakeFirst();
  return row && toEntry(row);
}

/** The waiting places of a location in the order they joined. */
export async function listWaitingEntries(trx: Trx, locationId: string, limit: number): Promise<WaitlistEntry[]> {
  const rows = await trx.selectFrom('appointment_waitlist_entries').select([...entryColumns])
    .where('location_id', '=', locationId).where('status', '=', 'waiting').orderBy('joined_at').orderBy('id').limit(limit).execute();
  return rows.map(toEntry);
}

/** Ends the waiting places of a location that joined before `joinedBefore` as lapsed; returns their ids. */
export async function lapseStaleEntries(trx: Trx, locationId: string, joinedBefore: Date, now: Date): Promise<string[]> {
  const rows = await trx.updateTable('appointment_waitlist_entries').set({ status: 'lapsed', ended_at: now })
    .where('location_id', '=', locationId).where('status', '=', 'waiting').where('joined_at', '<', joinedBefore).returning('id').execute();
  return rows.map((r) => r.id);
}

/** Marks a waiting place as offered the held booking until `expiresAt`. */
export async function markOffered(trx: Trx, entryId: string, bookingId: string, expiresAt: Date): Promise<void> {
  await trx.updateTable('appointment_waitlist_entries').set({ status: 'offered', offered_booking_id: bookingId, offer_expires_at: expiresAt })
    .where('id', '=', entryId).where('status', '=', 'waiting').execute();
}

/** Puts an offered place back on the list in its old position (its offer was withdrawn). */
export async function returnToWaiting(trx: Trx, entryId: string): Promise<void> {
  await trx.updateTable('appointment_waitlist_entries').set({ status: 'waiting', offered_booking_id: null, offer_expires_at: null })
    .where('id', '=', entryId).where('status', '=', 'offered').execute();
}

/** Ends a place that has not ended; false when it had. */
export async function endEntry(trx: Trx, entryId: string, status: 'booked' | 'lapsed' | 'left', now: Date): Promise<boolean> {
  const result = await trx.updateTable('appointment_waitlist_entries').set({ status, ended_at: now, offer_expires_at: null })
    .where('id', '=', entryId).where('status', 'in', ['unconfirmed', 'waiting', 'offered']).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Lets an offered hold go at once (the place ended); its time is free for the next. */
export async function releaseOfferedHold(trx: Trx, bookingId: string): Promise<void> {
  await trx.updateTable('appointment_bookings').set({ status: 'expired', hold_expires_at: null }).where('id', '=', bookingId).where('status', '=', 'held').execute();
}

/** The status of a booking, or undefined. */
export async function findBookingStatus(trx: Trx, bookingId: string): Promise<string | undefined> {
  return (await trx.selectFrom('appointment_bookings').select('status').where('id', '=', bookingId).executeTakeFirst())?.status;
}
