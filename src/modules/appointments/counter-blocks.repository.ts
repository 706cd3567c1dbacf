import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { BusySpan } from './slots.js';

/** The spans of a location's counters blocked by staff around [from, to): busy like a booking. */
export async function listBlockedSpans(trx: Trx, locationId: string, from: Date, to: Date): Promise<BusySpan[]> {
  const rows = await trx.selectFrom('appointment_counter_blocks')
    .select(['resource_id', sql<Date>`lower(span)`.as('start'), sql<Date>`upper(span)`.as('end')])
    .where('location_id', '=', locationId).where(sql<boolean>`span && tstzrange(${from}, ${to})`).execute();
  return rows.map((r) => ({ resourceId: r.resource_id, start: new Date(r.start), end: new Date(r.end) }));
}

/** A counter block as the staff page lists it. */
export interface CounterBlock {
  id: string;
  resourceId: string;
  start: Date;
  end: Date;
  reason: string;
}

/** The blocks of a location that have not ended at `now`, by start. */
export async function listCurrentBlocks(trx: Trx, locationId: string, now: Date): Promise<CounterBlock[]> {
  const rows = await trx.selectFrom('appointment_counter_blocks')
    .select(['id', 'resource_id', 'reason', sql<Date>`lower(span)`.as('start'), sql<Date>`upper(span)`.as('end')])
    .where('location_id', '=', locationId).where(sql<boolean>`upper(span) > ${now}`).orderBy(sql`lower(span)`).execute();
  return rows.map((r) => ({ id: r.id, resourceId: r.resource_id, reason: r.reason, start: new Date(r.start), end: new Date(r.end) }));
}

/** Inserts a block of a counter (as the location's department); returns its id. */
export async function insertBlock(trx: Trx, tenantId: string, block: { locationId: string; resourceId: string; departmentId: string; start: Date; end: Date; reason: string }): Promise<string> {
  const row = await trx.insertInto('appointment_counter_blocks').values({
    tenant_id: tenantId, location_id: block.locationId, resource_id: block.resourceId, department_id: block.departmentId,
    span: sql<string>`tstzrange(${block.start}, ${block.end})`, reason: block.reason,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Cancels the held and confirmed bookings of a counter that overlap a block, naming the block;
 * returns the ids of the confirmed ones (whose citizens are told). Waits for concurrent changes.
 */
export async function cancelBookingsUnderBlock(trx: Trx, blockId: string, resourceId: string, start: Date, end: Date, now: Date): Promise<string[]> {
  const rows = await trx.updateTable('appointment_bookings')
    .set({ status: 'cancelled', cancelled_at: now, hold_expires_at: null, cancelled_by_block: blockId })
    .where('resource_id', '=', resourceId).where('status', 'in', ['held', 'confirmed'])
    .where(sql<boolean>`span && tstzrange(${start}, ${end})`)
    .returning(['id', 'confirmed_at']).execute();
  return rows.filter((r) => r.confirmed_at !== null).map((r) => r.id);
}

/** The reason and location of the block that cancelled a booking, or undefined. */
export async function findBlockOfBooking(trx: Trx, bookingId: string): Promise<{ reason: string; locationId: string } | undefined> {
  const row = await trx.selectFrom('appointment_bookings as b').innerJoin('appointment_counter_blocks as k', 'k.id', 'b.cancelled_by_block')
    .select(['k.reason', 'k.location_id']).where('b.id', '=', bookingId).executeTakeFirst();
  return row && { reason: row.reason, locationId: row.location_id };
}
