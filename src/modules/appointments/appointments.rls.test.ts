import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction, type DatabaseHandle, type Trx } from '../../platform/db/database.js';
import { buildTenant, openTestDatabase } from '../../test-support/database.js';
import type { Tenant } from '../tenants/tenant.js';

/** The id of a town's department (read as the owner: set-up, not the behaviour under test). */
async function departmentId(db: DatabaseHandle['db'], tenant: Tenant, key: string): Promise<string> {
  return (await sql<{ id: string }>`select id from departments where tenant_id = ${tenant.id} and key = ${key}`.execute(db)).rows[0]!.id;
}

/** A location with two counters in a town, inserted as the town (the app role). */
async function buildLocation(db: DatabaseHandle['db'], tenant: Tenant) {
  const department = { id: await departmentId(db, tenant, 'buergerbuero') };
  return inTransaction(db, { tenantId: tenant.id }, async (trx) => {
    const location = await trx.insertInto('appointment_locations')
      .values({ tenant_id: tenant.id, department_id: department.id, name: 'Bürgerbüro', address: 'Rathausplatz 1', horizon_days: 56, lead_minutes: 120, slot_minutes: 15 })
      .returning('id').executeTakeFirstOrThrow();
    const [a, b] = await trx.insertInto('appointment_resources')
      .values([{ tenant_id: tenant.id, location_id: location.id, name: 'Schalter 1' }, { tenant_id: tenant.id, location_id: location.id, name: 'Schalter 2' }])
      .returning('id').execute();
    return { id: location.id, departmentId: department.id, counters: [a!.id, b!.id] as const };
  });
}

function book(trx: Trx, tenantId: string, location: { id: string }, resourceId: string, span: string, status: 'held' | 'confirmed' = 'confirmed', holdExpiresAt: Date | null = null) {
  return trx.insertInto('appointment_bookings')
    .values({ tenant_id: tenantId, location_id: location.id, resource_id: resourceId, span, services: JSON.stringify([{ serviceId: 'personalausweis', persons: 1 }]), status, hold_expires_at: holdExpiresAt })
    .returning('id').executeTakeFirstOrThrow();
}

/** The SQLSTATE of a failed statement (23P01: exclusion violation). */
async function failureCode(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('appointment tables in the database', () => {
  let database: DatabaseHandle;
  let town: Tenant;
  let otherTown: Tenant;
  before(async () => {
    database = await openTestDatabase();
    town = await buildTenant(database.db);
    otherTown = await buildTenant(database.db);
  });
  after(() => database.close());

  it('refuses a second booking that overlaps one held or confirmed on the same counter, and allows adjacent ones and other counters', async () => {
    const location = await buildLocation(database.db, town);
    const [one, two] = location.counters;
    const act = <T>(fn: (trx: Trx) => Promise<T>) => inTransaction(database.db, { tenantId: town.id }, fn);
    await act((trx) => book(trx, town.id, location, one, '[2026-03-30 09:00+02,2026-03-30 09:30+02)'));
    assert.equal(await failureCode(act((trx) => book(trx, town.id, location, one, '[2026-03-30 09:15+02,2026-03-30 09:45+02)'))), '23P01');
    assert.equal(await failureCode(act((trx) => book(trx, town.id, location, one, '[2026-03-30 09:15+02,2026-03-30 09:45+02)', 'held', new Date(Date.now() + 900_000)))), '23P01');
    // The same minutes in UTC are the same instant: still a conflict.
    assert.equal(await failureCode(act((trx) => book(trx, town.id, location, one, '[2026-03-30 07:29Z,2026-03-30 07:40Z)'))), '23P01');
    await act((trx) => book(trx, town.id, location, one, '[2026-03-30 09:30+02,2026-03-30 10:00+02)'));
    await act((trx) => book(trx, town.id, location, two, '[2026-03-30 09:00+02,2026-03-30 09:30+02)'));
  });

  it('frees the time of a cancelled or expired booking for a new one', async () => {
    const location = await buildLocation(database.db, town);
    const [one] = location.counters;
    const act = <T>(fn: (trx: Trx) => Promise<T>) => inTransaction(database.db, { tenantId: town.id }, fn);
    const held = await act((trx) => book(trx, town.id, location, one, '[2026-04-01 10:00+02,2026-04-01 10:30+02)', 'held', new Date(Date.now() - 1000)));
    assert.equal(await failureCode(act((trx) => book(trx, town.id, location, one, '[2026-04-01 10:00+02,2026-04-01 10:30+02)'))), '23P01', 'an expired hold blocks until it is marked expired');
    await act((trx) => trx.updateTable('appointment_bookings').set({ status: 'expired', hold_expires_at: null }).where('id', '=', held.id).execute());
    await act((trx) => book(trx, town.id, location, one, '[2026-04-01 10:00+02,2026-04-01 10:30+02)'));
  });

  it('rejects a hold without expiry, a confirmed booking with one, and an empty or closed span', async () => {
    const location = await buildLocation(database.db, town);
    const [one] = location.counters;
    const act = <T>(fn: (trx: Trx) => Promise<T>) => inTransaction(database.db, { tenantId: town.id }, fn);
    assert.equal(await failureCode(act((trx) => book(trx, town.id, location, one, '[2026-04-02 10:00+02,2026-04-02 10:30+02)', 'held', null))), '23514');
    assert.equal(await failureCode(act((trx) => book(trx, town.id, location, one, '[2026-04-02 10:00+02,2026-04-02 10:30+02)', 'confirmed', new Date()))), '23514');
    assert.equal(await failureCode(act((trx) => book(trx, town.id, location, one, '[2026-04-02 10:00+02,2026-04-02 10:00+02)'))), '23514');
    assert.equal(await failureCode(act((trx) => book(trx, town.id, location, one, '[2026-04-02 10:00+02,2026-04-02 10:30+02]'))), '23514');
  });

  it('refuses overlapping opening hours of one weekday but accepts a break between two intervals', async () => {
    const location = await buildLocation(database.db, town);
    const hours = (opens: string, closes: string) => inTransaction(database.db, { tenantId: town.id }, (trx) =>
      trx.insertInto('appointment_opening_hours').values({ tenant_id: town.id, location_id: location.id, weekday: 1, opens, closes }).execute());
    await hours('08:00', '12:00');
    await hours('13:00', '16:00');
    assert.equal(await failureCode(hours('11:30', '13:30')), '23P01');
    assert.equal(await failureCode(hours('17:00', '16:00')), '23514');
  });

  it("shows another town's configuration and bookings to nobody, and contact data only to the location's department", async () => {
    const location = await buildLocation(database.db, town);
    const booking = await inTransaction(database.db, { tenantId: town.id }, async (trx) => {
      const row = await book(trx, town.id, location, location.counters[0], '[2026-04-03 10:00+02,2026-04-03 10:30+02)');
      await trx.insertInto('appointment_booking_contacts').values({ tenant_id: town.id, booking_id: row.id, department_id: location.departmentId, name: 'Erika Muster', email: 'erika@example.org', language: 'de' }).execute();
      return row;
    });
    const seen = (tenantId: string, departmentIds: string[] = []) => inTransaction(database.db, { tenantId, departmentIds }, async (trx) => ({
      locations: (await sql<{ n: number }>`select count(*)::int as n from appointment_locations where id = ${location.id}`.execute(trx)).rows[0]!.n,
      bookings: (await sql<{ n: number }>`select count(*)::int as n from appointment_bookings where id = ${booking.id}`.execute(trx)).rows[0]!.n,
      contacts: (await sql<{ n: number }>`select count(*)::int as n from appointment_booking_contacts where booking_id = ${booking.id}`.execute(trx)).rows[0]!.n,
    }));
    assert.deepEqual(await seen(otherTown.id), { locations: 0, bookings: 0, contacts: 0 });
    assert.deepEqual(await seen(town.id), { locations: 1, bookings: 1, contacts: 0 }, 'anyone of the town sees the busy time, not who booked');
    const ordnungsamt = await departmentId(database.db, town, 'ordnungsamt');
    assert.deepEqual(await seen(town.id, [ordnungsamt]), { locations: 1, bookings: 1, contacts: 0 });
    assert.deepEqual(await seen(town.id, [location.departmentId]), { locations: 1, bookings: 1, contacts: 1 });
    // The app role never deletes a booking, nor moves it to another counter.
    assert.equal(await failureCode(inTransaction(database.db, { tenantId: town.id }, (trx) => trx.deleteFrom('appointment_bookings').where('id', '=', booking.id).execute())), '42501');
    assert.equal(await failureCode(inTransaction(database.db, { tenantId: town.id }, (trx) => trx.updateTable('appointment_bookings').set({ resource_id: location.counters[1] }).where('id', '=', booking.id).execute())), '42501');
  });

  it("shows waiting-list contacts only to the location's department, and lets only it block a counter", async () => {
    const location = await buildLocation(database.db, town);
    const entry = await inTransaction(database.db, { tenantId: town.id }, async (trx) => {
      const row = await trx.insertInto('appointment_waitlist_entries').values({ tenant_id: town.id, location_id: location.id, department_id: location.departmentId, services: '[]' }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('appointment_waitlist_contacts').values({ tenant_id: town.id, entry_id: row.id, department_id: location.departmentId, name: 'Erika Muster', email: 'erika@example.org', language: 'de' }).execute();
      return row;
    });
    const contacts = (tenantId: string, departmentIds: string[] = []) => inTransaction(database.db, { tenantId, departmentIds }, async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from appointment_waitlist_contacts where entry_id = ${entry.id}`.execute(trx)).rows[0]!.n);
    const ordnungsamt = await departmentId(database.db, town, 'ordnungsamt');
    assert.equal(await contacts(otherTown.id, [location.departmentId]), 0);
    assert.equal(await contacts(town.id), 0);
    assert.equal(await contacts(town.id, [ordnungsamt]), 0);
    assert.equal(await contacts(town.id, [location.departmentId]), 1);

    const block = (departmentIds: string[]) => inTransaction(database.db, { tenantId: town.id, departmentIds }, (trx) => trx.insertInto('appointment_counter_blocks')
      .values({ tenant_id: town.id, location_id: location.id, resource_id: location.counters[0], department_id: location.departmentId, span: '[2026-04-06 13:00+02,2026-04-06 16:00+02)', reason: 'Schulung' }).execute());
    assert.equal(await failureCode(block([ordnungsamt])), '42501', 'another department may not block the counter');
    assert.equal(await failureCode(block([])), '42501');
    await block([location.departmentId]);
    // The app role never deletes contact data: only the retention job does.
    assert.equal(await failureCode(inTransaction(database.db, { tenantId: town.id, departmentIds: [location.departmentId] }, (trx) => trx.deleteFrom('appointment_waitlist_contacts').execute())), '42501');
  });
});
