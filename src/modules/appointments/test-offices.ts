import { after, before } from 'node:test';
import { sql } from 'kysely';
import { inTransaction, type DatabaseHandle, type Db } from '../../platform/db/database.js';
import { buildTenant, openTestDatabase } from '../../test-support/database.js';
import type { Tenant } from '../tenants/tenant.js';
import { seedAppointmentLocation } from './appointments.seed.js';

/** The clock of the appointment tests: Friday 27 November 2026, 11:00 in Berlin (UTC+1, like the Monday after). */
export const friday = new Date('2026-11-27T10:00:00Z');

/** An identity card appointment for one person. */
export const identityCard = [{ serviceId: 'personalausweis', persons: 1 }];

/** A test town in its own test database for the tests of a describe block (opened before, closed after them). */
export function useTestTown(): { readonly db: Db; readonly id: string } {
  let database: DatabaseHandle | undefined;
  let tenant: Tenant | undefined;
  before(async () => {
    database = await openTestDatabase();
    tenant = await buildTenant(database.db);
  });
  after(() => database?.close());
  return { get db() { return database!.db; }, get id() { return tenant!.id; } };
}

/**
 * An office of the Bürgerbüro in the town with 20-minute identity card appointments, bookable three
 * days ahead (from `friday`: until the Monday); returns its id, department and counters by name.
 */
export async function buildOffice(town: { db: Db; id: string }, options: { counters: string[]; openingHours: Record<number, string>; releaseTime?: string }): Promise<{ id: string; departmentId: string; counterIds: string[] }> {
  const name = `Bürgerbüro ${Math.random().toString(36).slice(2, 8)}`;
  await inTransaction(town.db, { tenantId: town.id }, (trx) => seedAppointmentLocation(trx, town.id, {
    name, address: 'Rathausplatz 1', department: 'buergerbuero', counters: options.counters, horizonDays: 3,
    services: [{ service: 'personalausweis', minutes: 20 }], openingHours: options.openingHours, releaseTime: options.releaseTime,
  }));
  const rows = (await sql<{ id: string; department_id: string; counter: string }>`select l.id, l.department_id, r.id as counter
    from appointment_locations l join appointment_resources r on r.location_id = l.id where l.name = ${name} order by r.name`.execute(town.db)).rows;
  return { id: rows[0]!.id, departmentId: rows[0]!.department_id, counterIds: rows.map((r) => r.counter) };
}
