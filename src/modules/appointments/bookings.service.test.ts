import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction, type DatabaseHandle } from '../../platform/db/database.js';
import { buildTenant, openTestDatabase } from '../../test-support/database.js';
import type { Tenant } from '../tenants/tenant.js';
import { seedAppointmentLocation } from './appointments.seed.js';
import { confirmAppointment, expireAppointmentHolds, holdAppointment, issueConfirmationToken, type HoldRequest } from './bookings.service.js';

// Monday 30 November 2026, 09:00 in Berlin (UTC+1); the clock of the tests is the Friday before.
const friday = new Date('2026-11-27T10:00:00Z');
const mondayNine = new Date('2026-11-30T08:00:00Z');
const identityCardForTwo = [{ serviceId: 'personalausweis', persons: 2 }];

describe('holding and confirming appointments', () => {
  let database: DatabaseHandle;
  let town: Tenant;
  before(async () => {
    database = await openTestDatabase();
    town = await buildTenant(database.db);
  });
  after(() => database.close());

  /** A Bürgerbüro in the test town with the given counters, open Monday to Friday 08:00–12:00. */
  async function buildOffice(counters: string[]): Promise<string> {
    const name = `Bürgerbüro ${Math.random().toString(36).slice(2, 8)}`;
    await inTransaction(database.db, { tenantId: town.id }, (trx) => seedAppointmentLocation(trx, town.id, {
      name, address: 'Rathausplatz 1', department: 'buergerbuero', counters,
      services: [{ service: 'personalausweis', minutes: 20, minutesPerExtraPerson: 15, maxPersons: 3 }, { service: 'meldebescheinigung', minutes: 10 }],
      openingHours: { 1: '08:00–12:00', 2: '08:00–12:00', 3: '08:00–12:00', 4: '08:00–12:00', 5: '08:00–12:00' },
    }));
    return (await sql<{ id: string }>`select id from appointment_locations where name = ${name}`.execute(database.db)).rows[0]!.id;
  }

  const request = (locationId: string, overrides: Partial<HoldRequest> = {}): HoldRequest =>
    // One address per office (each test builds its own): the cap on open bookings per address counts across tests otherwise.
    ({ locationId, start: mondayNine, services: identityCardForTwo, name: 'Erika Muster', email: `Erika.${locationId.slice(0, 8)}@Example.org`, language: 'de', ...overrides });

  it('holds a slot on a free counter for 15 minutes, then on the other counter, then refuses it with the next free slots', async () => {
    const office = await buildOffice(['Schalter 1', 'Schalter 2']);
    const first = await holdAppointment(database.db, town.id, request(office), friday);
    assert.ok(first.ok);
    assert.equal(first.end.toISOString(), '2026-11-30T08:35:00.000Z', '20 + 15 minutes for two persons');
    const second = await holdAppointment(database.db, town.id, request(office, { name: 'Max Muster' }), friday);
    assert.ok(second.ok);
    const third = await holdAppointment(database.db, town.id, request(office, { name: 'Eva Muster' }), friday);
    assert.equal(third.ok, false);
    assert.ok(!third.ok && third.kind === 'slot' && third.problem === 'taken');
    assert.ok(!third.ok && third.kind === 'slot');
    const offered = third.nextFree.flatMap((d) => d.slots.map((s) => s.start.toISOString()));
    assert.ok(!offered.includes(mondayNine.toISOString()), 'the taken slot is not offered again');
    assert.ok(offered.includes('2026-11-30T08:45:00.000Z'), 'the next free slot after both holds is');

    const rows = await sql<{ status: string; hold_expires_at: Date; resource_id: string }>`select status, hold_expires_at, resource_id from appointment_bookings where location_id = ${office}`.execute(database.db);
    assert.equal(rows.rows.length, 2);
    assert.notEqual(rows.rows[0]!.resource_id, rows.rows[1]!.resource_id);
    assert.ok(rows.rows.every((r) => r.status === 'held' && new Date(r.hold_expires_at).getTime() === friday.getTime() + 15 * 60_000));
    const contact = await sql<{ email: string }>`select email from appointment_booking_contacts where booking_id = ${first.bookingId}`.execute(database.db);
    assert.equal(contact.rows[0]!.email, `erika.${office.slice(0, 8)}@example.org`);
  });

  it('gives the time of an unconfirmed hold to the next citizen after 15 minutes', async () => {
    const office = await buildOffice(['Schalter 1']);
    const held = await holdAppointment(database.db, town.id, request(office), friday);
    assert.ok(held.ok);
    const fourteenLater = new Date(friday.getTime() + 14 * 60_000);
    assert.equal((await holdAppointment(database.db, town.id, request(office), fourteenLater)).ok, false);
    const sixteenLater = new Date(friday.getTime() + 16 * 60_000);
    const next = await holdAppointment(database.db, town.id, request(office, { name: 'Max Muster' }), sixteenLater);
    assert.ok(next.ok);
    const status = await sql<{ status: string }>`select status from appointment_bookings where id = ${held.bookingId}`.execute(database.db);
    assert.equal(status.rows[0]!.status, 'expired');
  });

  it('confirms a hold once by the token of its link, and not after the hold ran out', async () => {
    const office = await buildOffice(['Schalter 1']);
    const held = await holdAppointment(database.db, town.id, request(office), friday);
    assert.ok(held.ok);
    const token = await issueConfirmationToken(database.db, town.id, held.bookingId);
    assert.ok(token && token.length === 43);
    const stored = await sql<{ confirm_token_hash: string }>`select confirm_token_hash from appointment_bookings where id = ${held.bookingId}`.execute(database.db);
    assert.ok(!stored.rows[0]!.confirm_token_hash.includes(token), 'only the hash is stored');
    assert.deepEqual(await confirmAppointment(database.db, town.id, 'x'.repeat(43), friday), { outcome: 'unknown' });
    const confirmed = await confirmAppointment(database.db, town.id, token, new Date(friday.getTime() + 5 * 60_000));
    assert.equal(confirmed.outcome, 'confirmed');
    assert.equal(confirmed.bookingId, held.bookingId);
    assert.match(confirmed.manageToken ?? '', /^[A-Za-z0-9_-]{43}$/, 'with a management link for the page');
    assert.deepEqual(await confirmAppointment(database.db, town.id, token, new Date(friday.getTime() + 6 * 60_000)), { outcome: 'alreadyConfirmed' });
    // A confirmed booking does not expire.
    assert.equal((await holdAppointment(database.db, town.id, request(office), new Date(friday.getTime() + 60 * 60_000))).ok, false);

    const late = await holdAppointment(database.db, town.id, request(office, { start: new Date('2026-11-30T09:00:00Z') }), friday);
    assert.ok(late.ok);
    const lateToken = (await issueConfirmationToken(database.db, town.id, late.bookingId))!;
    assert.deepEqual(await confirmAppointment(database.db, town.id, lateToken, new Date(friday.getTime() + 16 * 60_000)), { outcome: 'expired' });
    assert.ok((await inTransaction(database.db, { tenantId: town.id }, (trx) => expireAppointmentHolds(trx, new Date(friday.getTime() + 16 * 60_000)))) >= 1);
    assert.equal(await issueConfirmationToken(database.db, town.id, late.bookingId), undefined, 'an expired hold gets no new link');
    assert.deepEqual(await confirmAppointment(database.db, town.id, lateToken, new Date(friday.getTime() + 17 * 60_000)), { outcome: 'expired' });
  });

  it('refuses bad input with a reason: past, off the grid, holiday, unknown location or service, too many persons, no name, bad e-mail', async () => {
    const office = await buildOffice(['Schalter 1']);
    const refusal = async (overrides: Partial<HoldRequest>) => {
      const result = await holdAppointment(database.db, town.id, request(office, overrides), friday);
      assert.equal(result.ok, false);
      return result.ok ? undefined : result.kind === 'slot' ? result.problem : result.kind === 'services' ? result.problem.kind : result.kind === 'invalid' ? result.errors : result.kind;
    };
    assert.equal(await refusal({ start: new Date('2026-11-20T08:00:00Z') }), 'outsideWindow');
    assert.equal(await refusal({ start: new Date('2026-11-30T08:07:00Z') }), 'notOnGrid');
    assert.equal(await refusal({ start: new Date('2026-12-25T08:00:00Z') }), 'closedDay');
    assert.equal(await refusal({ locationId: '00000000-0000-0000-0000-000000000000' }), 'locationUnknown');
    assert.equal(await refusal({ locationId: 'kein-ort' }), 'locationUnknown');
    assert.equal(await refusal({ services: [{ serviceId: 'reisepass', persons: 1 }] }), 'serviceNotOffered');
    assert.equal(await refusal({ services: [{ serviceId: 'personalausweis', persons: 4 }] }), 'tooManyPersons');
    assert.equal(await refusal({ services: [] }), 'noService');
    assert.deepEqual(await refusal({ name: ' ', email: 'kein-at' }), { name: 'contactNameRequired', email: 'emailInvalid' });
  });

  it('lets exactly one of many concurrent requests for one slot win; the others hear that it is taken, with the next free slots', async () => {
    const office = await buildOffice(['Schalter 1']);
    // Issue 5 asks for 200 on PostgreSQL (many connections race there); PGlite runs them one
    // connection at a time, so fewer show the same there at a fraction of the time.
    const attempts = process.env.DATABASE_URL ? 200 : 100;
    const results = await Promise.all(Array.from({ length: attempts }, (_, i) => holdAppointment(database.db, town.id, request(office, { name: `Person ${i}` }), friday)));
    assert.equal(results.filter((r) => r.ok).length, 1);
    assert.ok(results.every((r) => r.ok || (r.kind === 'slot' && r.problem === 'taken' && r.nextFree.length > 0)));
    const held = await sql<{ n: number }>`select count(*)::int as n from appointment_bookings where location_id = ${office} and status = 'held'`.execute(database.db);
    assert.equal(held.rows[0]!.n, 1);
  });

  it('fills every counter of a slot when many ask for it at once, and tells the rest it is taken', async () => {
    const counters = Array.from({ length: 10 }, (_, i) => `Schalter ${i + 1}`);
    const office = await buildOffice(counters);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      holdAppointment(database.db, town.id, request(office, { name: `Person ${i}`, email: `person.${i}.${office.slice(0, 8)}@example.org` }), friday)));
    assert.equal(results.filter((r) => r.ok).length, counters.length);
    assert.ok(results.every((r) => r.ok || (r.kind === 'slot' && r.problem === 'taken')));
  });

  it('caps the open appointments of one e-mail address per service, also for concurrent requests', async () => {
    const office = await buildOffice(['Schalter 1', 'Schalter 2']);
    const at = (hour: number) => new Date(`2026-11-30T${String(hour).padStart(2, '0')}:00:00Z`);
    const email = `viele.${office.slice(0, 8)}@example.org`;
    const results = await Promise.all([7, 8, 9, 10].map((hour) => holdAppointment(database.db, town.id, request(office, { start: at(hour), email }), friday)));
    assert.equal(results.filter((r) => r.ok).length, 2, 'two open holds per address and service');
    for (const r of results.filter((x) => !x.ok)) assert.deepEqual(r.ok ? undefined : r.kind === 'invalid' && r.errors, { email: { key: 'tooManyOpen', params: { max: 2 } } });
    assert.ok((await holdAppointment(database.db, town.id, request(office, { start: at(10), email: email.toUpperCase(), services: [{ serviceId: 'meldebescheinigung', persons: 1 }] }), friday)).ok, 'another service is not capped');
    // Holds that ran out are no longer open.
    assert.ok((await holdAppointment(database.db, town.id, request(office, { start: at(9), email }), new Date(friday.getTime() + 16 * 60_000))).ok);
  });

  it('limits the holds of one e-mail address per hour, even when each ran out', async () => {
    const office = await buildOffice(['Schalter 1']);
    const email = `oft.${office.slice(0, 8)}@example.org`;
    // Each pair of holds runs out before the next: never more than two open, six made in the hour.
    for (const [i, hour] of [7, 8, 9, 10, 7, 8].entries()) {
      const now = new Date(friday.getTime() + Math.floor(i / 2) * 16 * 60_000);
      const held = await holdAppointment(database.db, town.id, request(office, { start: new Date(`2026-11-30T${String(hour).padStart(2, '0')}:00:00Z`), email, services: [{ serviceId: 'meldebescheinigung', persons: 1 }] }), now);
      assert.ok(held.ok, `hold ${i + 1}`);
    }
    const seventh = await holdAppointment(database.db, town.id, request(office, { start: new Date('2026-11-30T09:00:00Z'), email, services: [{ serviceId: 'meldebescheinigung', persons: 1 }] }), new Date(friday.getTime() + 48 * 60_000));
    assert.deepEqual(seventh.ok ? undefined : seventh.kind === 'invalid' && seventh.errors, { email: { key: 'tooManyHolds', params: { max: 6 } } });
  });
});
