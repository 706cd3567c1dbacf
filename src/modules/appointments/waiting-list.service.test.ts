import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { confirmAppointment, holdAppointment, issueConfirmationToken } from './bookings.service.js';
import { blockCounter } from './counter-blocks.service.js';
import { cancelAppointment } from './manage.service.js';
import { buildOffice, friday, identityCard, useTestTown } from './test-offices.js';
import { confirmWaitlistEntry, endOffer, issueEntryTokens, joinWaitingList, leaveWaitingList, maxEntriesPerAddress, offerFreeSlots, offerMinutes, runOfferJob, sweepMinutes, type JoinRequest } from './waiting-list.service.js';

// The offices open on Monday 30 November 2026 only (the tests' clock is the Friday before).
const mondayEight = new Date('2026-11-30T07:00:00Z');

describe('the waiting list of a location', () => {
  const town = useTestTown();

  /** An office with the given counters, open only Mondays 08:00–08:20 (one slot per counter) and booked ahead three days. */
  async function buildFullOffice(counters: string[]): Promise<{ office: string; manageTokens: string[] }> {
    const office = (await buildOffice(town, { counters, openingHours: { 1: '08:00–08:20' } })).id;
    const manageTokens: string[] = [];
    for (const [i] of counters.entries()) {
      const held = await holdAppointment(town.db, town.id, { locationId: office, start: mondayEight, services: identityCard, name: 'Erika Muster', email: `booker${i}.${office.slice(0, 8)}@example.org`, language: 'de' }, friday);
      assert.ok(held.ok);
      const token = await issueConfirmationToken(town.db, town.id, held.bookingId);
      const confirmed = await confirmAppointment(town.db, town.id, token!, friday);
      manageTokens.push(confirmed.manageToken!);
    }
    return { office, manageTokens };
  }

  const join = (office: string, who: string, overrides: Partial<JoinRequest> = {}) =>
    joinWaitingList(town.db, town.id, { locationId: office, services: identityCard, name: who, email: `${who}.${office.slice(0, 8)}@example.org`, language: 'de', ...overrides }, friday);

  /** Joins and confirms by the opt-in link, as a citizen would; returns the leave token. */
  async function joinConfirmed(office: string, who: string, at: Date): Promise<string> {
    assert.deepEqual(await join(office, who), { ok: true });
    const entry = (await sql<{ id: string }>`select e.id from appointment_waitlist_entries e where e.location_id = ${office} and e.status = 'unconfirmed'`.execute(town.db)).rows[0]!;
    const tokens = await issueEntryTokens(town.db, town.id, entry.id);
    assert.equal(await confirmWaitlistEntry(town.db, town.id, tokens!.optin, at), 'joined');
    assert.equal(await confirmWaitlistEntry(town.db, town.id, tokens!.optin, at), 'alreadyJoined');
    return tokens!.leave;
  }

  const entries = async (office: string) => (await sql<{ name: string; status: string; offered_booking_id: string | null }>`
    select c.name, e.status, e.offered_booking_id from appointment_waitlist_entries e join appointment_waitlist_contacts c on c.entry_id = e.id
    where e.location_id = ${office} order by e.joined_at`.execute(town.db)).rows;

  it('offers a cancelled slot to the first joined alone for 30 minutes, then to the next when it is not taken', async () => {
    const { office, manageTokens } = await buildFullOffice(['Schalter 1']);
    await joinConfirmed(office, 'anna', new Date(friday.getTime() + 1000));
    await joinConfirmed(office, 'bert', new Date(friday.getTime() + 2000));
    assert.equal(await offerFreeSlots(town.db, town.id, office, friday), 0, 'nothing is free yet');

    assert.equal((await cancelAppointment(town.db, town.id, manageTokens[0]!, friday)).kind, 'open');
    const jobs = await sql<{ n: number }>`select count(*)::int as n from jobs where kind = 'appointments.waitlist_offer' and payload->>'locationId' = ${office}`.execute(town.db);
    assert.ok(jobs.rows[0]!.n >= 3, 'the cancellation queued an offer run (besides the two opt-ins)');
    assert.equal(await offerFreeSlots(town.db, town.id, office, friday), 1);
    assert.equal(await offerFreeSlots(town.db, town.id, office, friday), 0, 'a second run offers nothing more');
    const [anna, bert] = await entries(office);
    assert.equal(anna!.status, 'offered');
    assert.equal(bert!.status, 'waiting');
    const hold = (await sql<{ status: string; hold_expires_at: Date }>`select status, hold_expires_at from appointment_bookings where id = ${anna!.offered_booking_id}`.execute(town.db)).rows[0]!;
    assert.equal(hold.status, 'held');
    assert.equal(new Date(hold.hold_expires_at).getTime(), friday.getTime() + offerMinutes * 60_000);

    const other = await holdAppointment(town.db, town.id, { locationId: office, start: mondayEight, services: identityCard, name: 'Max', email: 'max@example.org', language: 'de' }, new Date(friday.getTime() + 60_000));
    assert.ok(!other.ok && other.kind === 'slot' && other.problem === 'taken', 'nobody else can book the offered slot');

    assert.equal(await endOffer(town.db, town.id, (await sql<{ id: string }>`select id from appointment_waitlist_entries where offered_booking_id = ${anna!.offered_booking_id}`.execute(town.db)).rows[0]!.id, new Date(friday.getTime() + 60_000)), undefined, 'an offer does not end before its hold');
    const later = new Date(friday.getTime() + (offerMinutes + 1) * 60_000);
    const annaId = (await sql<{ id: string }>`select id from appointment_waitlist_entries where offered_booking_id = ${anna!.offered_booking_id}`.execute(town.db)).rows[0]!.id;
    assert.equal(await endOffer(town.db, town.id, annaId, later), 'lapsed');
    assert.equal(await offerFreeSlots(town.db, town.id, office, later), 1);
    const [annaAfter, bertAfter] = await entries(office);
    assert.equal(annaAfter!.status, 'lapsed');
    assert.equal(bertAfter!.status, 'offered');

    // Bert books it with the offer's confirmation link: the place ends as booked.
    const token = await issueConfirmationToken(town.db, town.id, bertAfter!.offered_booking_id!);
    assert.equal((await confirmAppointment(town.db, town.id, token!, later)).outcome, 'confirmed');
    const bertId = (await sql<{ id: string }>`select id from appointment_waitlist_entries where offered_booking_id = ${bertAfter!.offered_booking_id}`.execute(town.db)).rows[0]!.id;
    assert.equal(await endOffer(town.db, town.id, bertId, new Date(later.getTime() + offerMinutes * 60_000)), 'booked');
  });

  it('refuses to join while slots are free, with a bad address, at an unknown place and beyond the cap per address', async () => {
    const open = (await buildOffice(town, { counters: ['Schalter 1'], openingHours: { 1: '08:00–12:00' } })).id;
    assert.deepEqual(await join(open, 'carla'), { ok: false, kind: 'slotsFree' });
    const { office } = await buildFullOffice(['Schalter 1']);
    const bad = await join(office, 'carla', { email: 'not-an-address' });
    assert.ok(!bad.ok && bad.kind === 'invalid' && bad.errors.email === 'emailInvalid');
    assert.deepEqual(await join('00000000-0000-4000-8000-000000000000', 'carla'), { ok: false, kind: 'locationUnknown' });
    const services = await join(office, 'carla', { services: [{ serviceId: 'personalausweis', persons: 4 }] });
    assert.ok(!services.ok && services.kind === 'services');
    for (let i = 0; i < maxEntriesPerAddress; i++) assert.deepEqual(await join(office, 'dora', { email: 'dora@example.org' }), { ok: true });
    const capped = await join(office, 'dora', { email: 'Dora@Example.org' });
    assert.ok(!capped.ok && capped.kind === 'invalid' && typeof capped.errors.email === 'object' && capped.errors.email.key === 'tooManyWaitlistEntries');
    const stored = await sql<{ n: number }>`select count(*)::int as n from appointment_waitlist_contacts where tenant_id = ${town.id} and email = 'dora@example.org'`.execute(town.db);
    assert.equal(stored.rows[0]!.n, maxEntriesPerAddress, 'nothing stored for the refused one');
  });

  it('leaves the list by its link; a slot held for the place goes to the next at once', async () => {
    const { office, manageTokens } = await buildFullOffice(['Schalter 1']);
    const emilLeave = await joinConfirmed(office, 'emil', new Date(friday.getTime() + 1000));
    await joinConfirmed(office, 'frida', new Date(friday.getTime() + 2000));
    await cancelAppointment(town.db, town.id, manageTokens[0]!, friday);
    assert.equal(await offerFreeSlots(town.db, town.id, office, friday), 1);
    assert.equal(await leaveWaitingList(town.db, town.id, emilLeave, friday), 'left');
    assert.equal(await leaveWaitingList(town.db, town.id, emilLeave, friday), 'alreadyEnded');
    assert.equal(await leaveWaitingList(town.db, town.id, 'A'.repeat(43), friday), 'unknown');
    assert.equal(await offerFreeSlots(town.db, town.id, office, friday), 1);
    const [emil, frida] = await entries(office);
    assert.equal(emil!.status, 'left');
    assert.equal(frida!.status, 'offered');
  });

  it('ends a place that has waited as many days as the office books ahead, with a mail', async () => {
    const { office } = await buildFullOffice(['Schalter 1']);
    await joinConfirmed(office, 'hanna', friday);
    assert.equal(await offerFreeSlots(town.db, town.id, office, new Date(friday.getTime() + 2 * 86_400_000)), 0);
    assert.equal((await entries(office))[0]!.status, 'waiting', 'within the three days of the horizon');
    await offerFreeSlots(town.db, town.id, office, new Date(friday.getTime() + 3 * 86_400_000 + 60_000));
    assert.equal((await entries(office))[0]!.status, 'lapsed');
    const mails = await sql<{ n: number }>`select count(*)::int as n from jobs j join appointment_waitlist_entries e on e.id::text = j.payload->>'entryId'
      where j.kind = 'appointments.waitlist_ended' and e.location_id = ${office}`.execute(town.db);
    assert.equal(mails.rows[0]!.n, 1);
  });

  it('puts a place back in its position when a counter block withdraws its offer', async () => {
    const { office, manageTokens } = await buildFullOffice(['Schalter 1']);
    await joinConfirmed(office, 'ilse', friday);
    await cancelAppointment(town.db, town.id, manageTokens[0]!, friday);
    assert.equal(await offerFreeSlots(town.db, town.id, office, friday), 1);
    const [offered] = await entries(office);
    const { departmentId, counterIds } = (await sql<{ departmentId: string; counterIds: string[] }>`select l.department_id as "departmentId", array_agg(r.id) as "counterIds"
      from appointment_locations l join appointment_resources r on r.location_id = l.id where l.id = ${office} group by l.department_id`.execute(town.db)).rows[0]!;
    const blocked = await blockCounter(town.db, town.id, [departmentId], office, { resourceId: counterIds[0]!, day: '2026-11-30', from: '08:00', until: '09:00', reason: 'Schulung' }, friday);
    assert.deepEqual(blocked, { ok: true, cancelled: 0 }, 'the offered hold is cancelled, but no confirmed appointment');
    const entryId = (await sql<{ id: string }>`select id from appointment_waitlist_entries where offered_booking_id = ${offered!.offered_booking_id}`.execute(town.db)).rows[0]!.id;
    const sweepsQueued = async () => (await sql<{ n: number }>`select count(*)::int as n from jobs where kind = 'appointments.waitlist_offer' and payload->>'locationId' = ${office}
      and payload->>'sweep' = 'true'`.execute(town.db)).rows[0]!.n;
    const before = await sweepsQueued();
    assert.equal(await endOffer(town.db, town.id, entryId, new Date(friday.getTime() + (offerMinutes + 1) * 60_000)), 'withdrawn');
    assert.equal((await entries(office))[0]!.status, 'waiting');
    assert.equal(await sweepsQueued(), before + 1, 'the only waiting place gets its sweep again (the last one ended while it was offered)');
  });

  it('never offers a slot twice nor a place two slots when cancellations and offer runs race', async () => {
    const { office, manageTokens } = await buildFullOffice(['Schalter 1', 'Schalter 2', 'Schalter 3']);
    for (const [i, who] of ['g1', 'g2', 'g3', 'g4', 'g5'].entries()) await joinConfirmed(office, who, new Date(friday.getTime() + i * 1000));
    await Promise.all(manageTokens.slice(0, 2).map((token) => cancelAppointment(town.db, town.id, token, friday)));
    const offered = await Promise.all(Array.from({ length: 6 }, () => offerFreeSlots(town.db, town.id, office, friday)));
    assert.equal(offered.reduce((a, b) => a + b, 0), 2, 'two freed slots, two offers');
    const states = await entries(office);
    assert.deepEqual(states.map((e) => e.status), ['offered', 'offered', 'waiting', 'waiting', 'waiting'], 'first joined first');
    const holds = await sql<{ n: number }>`select count(distinct resource_id)::int as n from appointment_bookings where location_id = ${office} and status = 'held'`.execute(town.db);
    assert.equal(holds.rows[0]!.n, 2, 'on two different counters');
  });

  it('offers the times of a day entering the horizon from midnight on, before the release time opens them to the public', async () => {
    // Open Tuesdays only, booked three days ahead, new days released at 07:30: Tuesday 1 December
    // enters the horizon on Saturday, for the public at 07:30.
    const office = (await buildOffice(town, { counters: ['Schalter 1'], openingHours: { 2: '08:00–08:20' }, releaseTime: '07:30' })).id;
    const tuesdayEight = new Date('2026-12-01T07:00:00Z');
    await joinConfirmed(office, 'jana', friday);
    const fridayLate = new Date('2026-11-27T22:55:00Z');
    const saturdayMidnight = new Date('2026-11-27T23:00:00Z');

    // The sweep before midnight offers nothing yet and comes back at midnight, not ten minutes later.
    await runOfferJob(town.db, town.id, { locationId: office, sweep: true }, fridayLate);
    assert.equal((await entries(office))[0]!.status, 'waiting');
    const sweeps = async () => (await sql<{ run_at: Date }>`select run_at from jobs where kind = 'appointments.waitlist_offer' and payload->>'locationId' = ${office}
      and payload->>'sweep' = 'true' and run_at > ${fridayLate}`.execute(town.db)).rows.map((r) => new Date(r.run_at).getTime());
    assert.deepEqual(await sweeps(), [saturdayMidnight.getTime()], 'the next sweep at the start of the Berlin day');

    // The public cannot book Tuesday yet after midnight; the list's run offers it then.
    const afterMidnight = new Date(saturdayMidnight.getTime() + 60_000);
    const early = await holdAppointment(town.db, town.id, { locationId: office, start: tuesdayEight, services: identityCard, name: 'Max', email: 'max.early@example.org', language: 'de' }, afterMidnight);
    assert.ok(!early.ok && early.kind === 'slot' && early.problem === 'outsideWindow', 'not released to the public before 07:30');
    await runOfferJob(town.db, town.id, { locationId: office, sweep: true }, afterMidnight);
    const [jana] = await entries(office);
    assert.equal(jana!.status, 'offered');
    const hold = (await sql<{ start_at: Date }>`select lower(span) as start_at from appointment_bookings where id = ${jana!.offered_booking_id}`.execute(town.db)).rows[0]!;
    assert.equal(new Date(hold.start_at).getTime(), tuesdayEight.getTime());
    // No one waits any more, so the sweep ends; Jana books the offer, so at the release the time is gone.
    assert.deepEqual(await sweeps(), [saturdayMidnight.getTime()]);
    const token = await issueConfirmationToken(town.db, town.id, jana!.offered_booking_id!);
    assert.equal((await confirmAppointment(town.db, town.id, token!, new Date(afterMidnight.getTime() + 5 * 60_000))).outcome, 'confirmed');
    const released = await holdAppointment(town.db, town.id, { locationId: office, start: tuesdayEight, services: identityCard, name: 'Max', email: 'max.late@example.org', language: 'de' }, new Date('2026-11-28T06:30:00Z'));
    assert.ok(!released.ok && released.kind === 'slot' && released.problem === 'taken');
  });

  it('sweeps every ten minutes during the day', async () => {
    const { office } = await buildFullOffice(['Schalter 1']);
    await joinConfirmed(office, 'karl', friday);
    await runOfferJob(town.db, town.id, { locationId: office, sweep: true }, friday);
    const next = await sql<{ n: number }>`select count(*)::int as n from jobs where kind = 'appointments.waitlist_offer' and payload->>'locationId' = ${office}
      and run_at = ${new Date(friday.getTime() + sweepMinutes * 60_000)}`.execute(town.db);
    assert.equal(next.rows[0]!.n, 1);
  });
});
