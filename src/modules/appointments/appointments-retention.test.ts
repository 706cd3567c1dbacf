import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { purgeAppointmentContacts } from './appointments-retention.js';
import { confirmAppointment, holdAppointment, issueConfirmationToken } from './bookings.service.js';
import { cancelAppointment } from './manage.service.js';
import { buildOffice, friday, identityCard, useTestTown } from './test-offices.js';
import { issueEntryTokens, joinWaitingList, leaveWaitingList } from './waiting-list.service.js';

// The appointments are on Monday 30 November 2026; the office keeps contacts 30 days.
const days = (n: number, from = new Date('2026-11-30T08:00:00Z')) => new Date(from.getTime() + n * 86_400_000);

describe('retention of appointment contact data', () => {
  const town = useTestTown();

  it('deletes names and addresses 30 days after the appointment, keeps the booking, and ended waiting-list places likewise', async () => {
    const office = (await buildOffice(town, { counters: ['Schalter 1'], openingHours: { 1: '08:00–10:00' } })).id;
    const book = async (start: string, email: string) => {
      const held = await holdAppointment(town.db, town.id, { locationId: office, start: new Date(start), services: identityCard, name: 'Erika Muster', email, language: 'de' }, friday);
      assert.ok(held.ok);
      return { id: held.bookingId, ...(await confirmAppointment(town.db, town.id, (await issueConfirmationToken(town.db, town.id, held.bookingId))!, friday)) };
    };
    const kept = await book('2026-11-30T07:00:00Z', 'kept@example.org');
    const cancelled = await book('2026-11-30T07:30:00Z', 'cancelled@example.org');
    await cancelAppointment(town.db, town.id, cancelled.manageToken!, friday);
    // The office is full now: two places on the waiting list, one left at once, one still waiting.
    await book('2026-11-30T08:00:00Z', 'third@example.org');
    await book('2026-11-30T08:30:00Z', 'fourth@example.org');
    await book('2026-11-30T07:30:00Z', 'fifth@example.org');
    for (const who of ['leaver', 'waiter']) assert.deepEqual(await joinWaitingList(town.db, town.id, { locationId: office, services: identityCard, name: who, email: `${who}@example.org`, language: 'de' }, friday), { ok: true });
    const leaver = (await sql<{ id: string }>`select e.id from appointment_waitlist_entries e join appointment_waitlist_contacts c on c.entry_id = e.id where c.email = 'leaver@example.org' and e.tenant_id = ${town.id}`.execute(town.db)).rows[0]!.id;
    await leaveWaitingList(town.db, town.id, (await issueEntryTokens(town.db, town.id, leaver))!.leave, friday);
    await sql`update appointment_waitlist_entries set status = 'waiting', joined_at = ${friday} where status = 'unconfirmed' and tenant_id = ${town.id}`.execute(town.db);

    const contacts = async () => (await sql<{ email: string }>`select email from appointment_booking_contacts where tenant_id = ${town.id} order by email`.execute(town.db)).rows.map((r) => r.email);
    const places = async () => (await sql<{ email: string }>`select email from appointment_waitlist_contacts where tenant_id = ${town.id} order by email`.execute(town.db)).rows.map((r) => r.email);

    assert.deepEqual(await purgeAppointmentContacts(town.db, town.id, { actor: 'test', now: days(29) }), { bookings: 1, waitlistEntries: 1 }, 'the cancelled one (cancelled on Friday) and the place left on Friday');
    assert.deepEqual(await contacts(), ['fifth@example.org', 'fourth@example.org', 'kept@example.org', 'third@example.org']);
    assert.deepEqual(await places(), ['waiter@example.org']);
    assert.deepEqual(await purgeAppointmentContacts(town.db, town.id, { actor: 'test', now: days(31) }), { bookings: 4, waitlistEntries: 0 });
    assert.deepEqual(await contacts(), []);
    assert.deepEqual(await places(), ['waiter@example.org'], 'a waiting place stays');
    const bookings = await sql<{ n: number }>`select count(*)::int as n from appointment_bookings where location_id = ${office}`.execute(town.db);
    assert.equal(bookings.rows[0]!.n, 5, 'the bookings stay, without a person');
    const tokens = await sql<{ n: number }>`select count(*)::int as n from appointment_manage_tokens where booking_id = ${kept.id}`.execute(town.db);
    assert.equal(tokens.rows[0]!.n, 0, 'and their links are gone');
    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_log where tenant_id = ${town.id} and action = 'appointments.contacts_deleted'`.execute(town.db);
    assert.equal(audit.rows[0]!.n, 2);
    assert.deepEqual(await purgeAppointmentContacts(town.db, town.id, { actor: 'test', now: days(31) }), { bookings: 0, waitlistEntries: 0 }, 'safe to run twice');
  });

  it('lets only the retention role delete contacts: the application role may not', async () => {
    await assert.rejects(inTransaction(town.db, { tenantId: town.id }, (trx) => sql`delete from appointment_booking_contacts`.execute(trx)), /permission denied/);
  });
});
