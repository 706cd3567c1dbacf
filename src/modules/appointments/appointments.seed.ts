import type { Trx } from '../../platform/db/database.js';
import { insertLocation, insertResource, replaceOpeningHours, upsertOffer } from './appointments.repository.js';
import { parseWeekHours, hoursField } from './appointments.schema.js';
import type { HolidayRegion } from './slots.js';

/** A demo location as seeds/towns.yaml describes it. */
export interface SeedLocation {
  name: string;
  address: string;
  accessibility?: string;
  /** The key of the department serving it. */
  department: string;
  holidayRegion?: HolidayRegion;
  horizonDays?: number;
  leadHours?: number;
  slotMinutes?: number;
  /** The letter of the location's tickets; A unless given. */
  ticketLetter?: string;
  releaseTime?: string;
  counters: string[];
  services: Array<{ service: string; minutes: number; minutesPerExtraPerson?: number; maxPersons?: number }>;
  /** Opening hours per ISO weekday (1 = Monday) as typed on the page, e.g. "08:00–12:00, 13:00–16:00". */
  openingHours: Record<number, string>;
}

/**
 * Creates a demo location with counters, services and opening hours in a town being seeded. Runs
 * as the schema owner (seeds), so every lookup names the town itself. A wrong seed file throws.
 */
export async function seedAppointmentLocation(trx: Trx, tenantId: string, seed: SeedLocation): Promise<void> {
  const department = await trx.selectFrom('departments').select('id').where('tenant_id', '=', tenantId).where('key', '=', seed.department).executeTakeFirstOrThrow();
  const week = parseWeekHours(Object.fromEntries(Object.entries(seed.openingHours).map(([weekday, hours]) => [hoursField(Number(weekday)), hours])));
  if (!week.ok) throw new Error(`seed location ${seed.name}: opening hours ${JSON.stringify(week.errors)}`);
  const id = await insertLocation(trx, tenantId, {
    departmentId: department.id, name: seed.name, address: seed.address, accessibility: seed.accessibility ?? '', holidayRegion: seed.holidayRegion ?? 'NW',
    horizonDays: seed.horizonDays ?? 56, leadMinutes: (seed.leadHours ?? 2) * 60, slotMinutes: seed.slotMinutes ?? 15, ticketLetter: seed.ticketLetter ?? 'A', releaseTime: seed.releaseTime ?? null,
    contactRetentionDays: 30,
  });
  for (const counter of seed.counters) await insertResource(trx, tenantId, id, counter);
  for (const s of seed.services) await upsertOffer(trx, tenantId, id, { serviceId: s.service, minutes: s.minutes, minutesPerExtraPerson: s.minutesPerExtraPerson ?? 0, maxPersons: s.maxPersons ?? 1 });
  await replaceOpeningHours(trx, tenantId, id, week.intervals);
}
