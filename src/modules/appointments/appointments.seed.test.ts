import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction, type DatabaseHandle } from '../../platform/db/database.js';
import { openTestDatabase } from '../../test-support/database.js';
import { seedDemoTowns } from '../../../seeds/seed-demo.js';
import { offersOf, scheduleOf } from './appointments.js';
import { findLocationSetup } from './appointments.repository.js';
import { appointmentMinutes, freeSlots } from './slots.js';

describe('the demo appointments of Musterstadt', () => {
  let handle: DatabaseHandle;
  before(async () => {
    handle = await openTestDatabase();
    await seedDemoTowns(handle.db);
  });
  after(() => handle.close());

  it('has a Bürgerbüro with two counters that offers identity card, passport and registration certificate, bookable on a Monday', async () => {
    const town = await handle.db.selectFrom('tenants').select('id').where('slug', '=', 'musterstadt').executeTakeFirstOrThrow();
    const setup = await inTransaction(handle.db, { tenantId: town.id }, async (trx) => {
      const location = await trx.selectFrom('appointment_locations').select('id').where('name', '=', 'Bürgerbüro im Rathaus').executeTakeFirstOrThrow();
      return findLocationSetup(trx, location.id);
    });
    assert.ok(setup);
    assert.deepEqual(setup.resources.map((r) => r.name), ['Schalter 1', 'Schalter 2']);
    assert.deepEqual(setup.offers.map((o) => o.serviceId), ['meldebescheinigung', 'personalausweis', 'reisepass']);
    // Personalausweis for two persons and a Meldebescheinigung: 20 + 15 + 10 minutes.
    const minutes = appointmentMinutes(offersOf(setup), [{ serviceId: 'personalausweis', persons: 2 }, { serviceId: 'meldebescheinigung', persons: 1 }]);
    assert.deepEqual(minutes, { ok: true, minutes: 45 });
    const monday = freeSlots(scheduleOf(setup), [], { minutes: 45, now: new Date('2026-11-27T10:00:00Z') }).find((d) => d.day === '2026-11-30')!;
    assert.equal(monday.slots[0]!.time, '08:00');
    assert.equal(monday.slots.at(-1)!.time, '15:15');
    assert.ok(!monday.slots.some((s) => s.time === '11:30'), 'nothing runs into the lunch break');
    assert.equal(monday.slots[0]!.resourceIds.length, 2);
  });
});
