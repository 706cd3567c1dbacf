import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction, type DatabaseHandle } from '../../platform/db/database.js';
import { buildTenant, openTestDatabase } from '../../test-support/database.js';
import type { Tenant } from '../tenants/tenant.js';
import { seedAppointmentLocation } from './appointments.seed.js';
import { confirmAppointment, holdAppointment, issueConfirmationToken } from './bookings.service.js';
import { callNextToCounter, checkInBooking, issueWalkInTicket, listDisplayedCalls, markBookingNoShow, showQueueDay, type QueueActor } from './queue.service.js';

// Booked on the Friday before; the office day is Monday 30 November 2026 (Berlin, UTC+1).
const friday = new Date('2026-11-27T10:00:00Z');
const mondayMorning = new Date('2026-11-30T07:30:00Z');

describe('the queue of a citizens\' office on the day', () => {
  let database: DatabaseHandle;
  let town: Tenant;
  let clerk: QueueActor;
  let officeId: string;
  let counters: Array<{ id: string; name: string }>;
  const booked: string[] = [];

  before(async () => {
    database = await openTestDatabase();
    town = await buildTenant(database.db);
    await inTransaction(database.db, { tenantId: town.id }, (trx) => seedAppointmentLocation(trx, town.id, {
      name: 'Bürgerbüro', address: 'Rathausplatz 1', department: 'buergerbuero', counters: ['Schalter 1', 'Schalter 2'],
      services: [{ service: 'meldebescheinigung', minutes: 10 }], openingHours: { 1: '08:00–12:00' },
    }));
    officeId = (await sql<{ id: string }>`select id from appointment_locations where tenant_id = ${town.id}`.execute(database.db)).rows[0]!.id;
    counters = (await sql<{ id: string; name: string }>`select id, name from appointment_resources where location_id = ${officeId} order by name`.execute(database.db)).rows;
    const department = (await sql<{ id: string }>`select id from departments where tenant_id = ${town.id} and key = 'buergerbuero'`.execute(database.db)).rows[0]!.id;
    clerk = { tenantId: town.id, departmentIds: [department] };
    for (const [i, start] of ['2026-11-30T08:00:00Z', '2026-11-30T08:15:00Z', '2026-12-07T08:00:00Z'].entries()) {
      const held = await holdAppointment(database.db, town.id, { locationId: officeId, start: new Date(start), services: [{ serviceId: 'meldebescheinigung', persons: 1 }], name: `Person ${i}`, email: `p${i}@example.org`, language: 'de' }, friday);
      assert.ok(held.ok);
      const token = (await issueConfirmationToken(database.db, town.id, held.bookingId))!;
      assert.equal((await confirmAppointment(database.db, town.id, token, friday)).outcome, 'confirmed');
      booked.push(held.bookingId);
    }
  });
  after(() => database.close());

  it('checks in today\'s bookings and walk-ins into one numbered queue, calls them to counters in order, and marks no-shows', async () => {
    const day = await showQueueDay(database.db, clerk, officeId, '2026-11-30');
    assert.ok(!('refused' in day));
    assert.deepEqual(day.bookings.map((b) => [b.id, b.name, b.arrived]), [[booked[0], 'Person 0', false], [booked[1], 'Person 1', false]], 'the day\'s bookings with names');

    assert.deepEqual(await checkInBooking(database.db, clerk, officeId, booked[0]!, mondayMorning), { ticket: 'A-001' });
    assert.deepEqual(await checkInBooking(database.db, clerk, officeId, booked[0]!, mondayMorning), { refused: 'notCheckable' }, 'not twice');
    assert.deepEqual(await checkInBooking(database.db, clerk, officeId, booked[2]!, mondayMorning), { refused: 'notCheckable' }, 'not a booking of another day');
    assert.deepEqual(await issueWalkInTicket(database.db, clerk, officeId, mondayMorning), { ticket: 'A-002' });

    assert.deepEqual(await markBookingNoShow(database.db, clerk, officeId, booked[1]!, mondayMorning), { done: true });
    assert.deepEqual(await checkInBooking(database.db, clerk, officeId, booked[1]!, mondayMorning), { refused: 'notCheckable' }, 'a no-show is not checked in');
    assert.deepEqual(await markBookingNoShow(database.db, clerk, officeId, booked[0]!, mondayMorning), { refused: 'notCheckable' }, 'who arrived is no no-show');

    assert.deepEqual(await callNextToCounter(database.db, clerk, officeId, counters[1]!.id, mondayMorning), { ticket: 'A-001', counter: 'Schalter 2' });
    assert.deepEqual(await callNextToCounter(database.db, clerk, officeId, counters[0]!.id, new Date(mondayMorning.getTime() + 60_000)), { ticket: 'A-002', counter: 'Schalter 1' });
    assert.deepEqual(await callNextToCounter(database.db, clerk, officeId, counters[0]!.id, mondayMorning), { refused: 'nobodyWaiting' });
    assert.deepEqual(await callNextToCounter(database.db, clerk, officeId, '00000000-0000-0000-0000-000000000000', mondayMorning), { refused: 'counterUnknown' });

    // The display shows the latest calls, newest first, without names.
    const display = await listDisplayedCalls(database.db, town.id, officeId, mondayMorning);
    assert.deepEqual(display?.calls, [{ ticket: 'A-002', counter: 'Schalter 1' }, { ticket: 'A-001', counter: 'Schalter 2' }]);
    const after = await showQueueDay(database.db, clerk, officeId, '2026-11-30');
    assert.ok(!('refused' in after));
    assert.deepEqual(after.bookings.map((b) => [b.arrived, b.noShow, b.ticketNumber]), [[true, false, 1], [false, true, null]]);
    assert.deepEqual(after.tickets.map((t) => [t.number, t.status, t.walkIn]), [[1, 'called', false], [2, 'done', true]], 'a counter calling again is done with its ticket');
  });

  it('checks in up to three hours before the appointment, not earlier', async () => {
    const nextMonday = booked[2]!;
    assert.deepEqual(await checkInBooking(database.db, clerk, officeId, nextMonday, new Date('2026-12-07T04:30:00Z')), { refused: 'notCheckable' }, 'three and a half hours early');
    assert.deepEqual(await checkInBooking(database.db, clerk, officeId, nextMonday, new Date('2026-12-07T05:30:00Z')), { ticket: 'A-001' }, 'two and a half hours early, the first ticket of that day');
  });

  it('numbers concurrent walk-ins without gaps or twins, starting again the next day', async () => {
    const tuesday = new Date('2026-12-01T08:00:00Z');
    const tickets = await Promise.all(Array.from({ length: 12 }, () => issueWalkInTicket(database.db, clerk, officeId, tuesday)));
    assert.deepEqual(tickets.map((t) => ('ticket' in t ? t.ticket : t.refused)).sort(), Array.from({ length: 12 }, (_, i) => `A-${String(i + 1).padStart(3, '0')}`));
  });

  it('lets only staff of the location\'s department see names and issue or call tickets, also in the database', async () => {
    const other = { tenantId: town.id, departmentIds: [] };
    assert.deepEqual(await issueWalkInTicket(database.db, other, officeId, mondayMorning), { refused: 'forbidden' });
    assert.deepEqual(await showQueueDay(database.db, other, officeId, '2026-11-30'), { refused: 'forbidden' });
    assert.deepEqual(await showQueueDay(database.db, clerk, 'kein-ort', '2026-11-30'), { refused: 'notFound' });
    // Row-level security refuses a ticket of a department one does not belong to, whatever the code does.
    await assert.rejects(inTransaction(database.db, other, (trx) => sql`insert into appointment_tickets (tenant_id, location_id, department_id, day, number)
      values (${town.id}, ${officeId}, ${clerk.departmentIds[0]}, '2026-11-30', 99)`.execute(trx)), /row-level security/);
    const names = await inTransaction(database.db, other, (trx) => sql<{ n: number }>`select count(*)::int as n from appointment_booking_contacts`.execute(trx));
    assert.equal(names.rows[0]!.n, 0);
  });
});
