import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { insertHold, shareCounters } from './appointments.repository.js';
import { confirmAppointment, holdAppointment, issueConfirmationToken, listBookableLocations, searchFreeSlots } from './bookings.service.js';
import { blockCounter, blockedMailJob, type BlockForm } from './counter-blocks.service.js';
import { buildOffice, friday, identityCard, useTestTown } from './test-offices.js';

// Monday 30 November 2026 is UTC+1 in Berlin: 14:00 there is 13:00Z.

describe('blocking a counter', () => {
  const town = useTestTown();

  async function buildAfternoonOffice(): Promise<{ office: string; departmentId: string; counter: string }> {
    const office = await buildOffice(town, { counters: ['Schalter 1'], openingHours: { 1: '08:00–12:00, 13:00–16:00' } });
    return { office: office.id, departmentId: office.departmentId, counter: office.counterIds[0]! };
  }

  async function book(office: string, start: Date, who: string): Promise<string> {
    const held = await holdAppointment(town.db, town.id, { locationId: office, start, services: identityCard, name: who, email: `${who}.${office.slice(0, 8)}@example.org`, language: 'de' }, friday);
    assert.ok(held.ok);
    await confirmAppointment(town.db, town.id, (await issueConfirmationToken(town.db, town.id, held.bookingId))!, friday);
    return held.bookingId;
  }

  it('cancels the afternoon’s appointments with a mail each and offers the afternoon no more', async () => {
    const { office, departmentId, counter } = await buildAfternoonOffice();
    const morning = await book(office, new Date('2026-11-30T07:00:00Z'), 'anna');
    const afternoon = await book(office, new Date('2026-11-30T13:00:00Z'), 'bert');
    const form: BlockForm = { resourceId: counter, day: '2026-11-30', from: '13:00', until: '16:00', reason: 'Schulung' };
    assert.deepEqual(await blockCounter(town.db, town.id, [departmentId], office, form, friday), { ok: true, cancelled: 1 });

    const statuses = await sql<{ id: string; status: string; cancelled_by_block: string | null }>`select id, status, cancelled_by_block from appointment_bookings where location_id = ${office}`.execute(town.db);
    assert.equal(statuses.rows.find((r) => r.id === morning)!.status, 'confirmed');
    const cancelled = statuses.rows.find((r) => r.id === afternoon)!;
    assert.equal(cancelled.status, 'cancelled');
    assert.ok(cancelled.cancelled_by_block);
    const mails = await sql<{ n: number }>`select count(*)::int as n from jobs where kind = ${blockedMailJob} and payload->>'bookingId' = ${afternoon}`.execute(town.db);
    assert.equal(mails.rows[0]!.n, 1);

    const free = (await searchFreeSlots(town.db, town.id, await listBookableLocations(town.db, town.id), identityCard, friday)).find((r) => r.location.id === office)!;
    const times = free.days.flatMap((d) => d.slots.map((s) => s.time));
    assert.ok(times.includes('11:30'), `the morning is still offered: ${times.join(' ')}`);
    assert.ok(!times.some((t) => t >= '13:00'), 'the blocked afternoon is not');
    const held = await holdAppointment(town.db, town.id, { locationId: office, start: new Date('2026-11-30T14:00:00Z'), services: identityCard, name: 'Max', email: 'max.block@example.org', language: 'de' }, friday);
    assert.ok(!held.ok && held.kind === 'slot' && held.problem === 'taken', 'a forged link into the block is refused');
  });

  it('makes a block wait for a booking that has checked the counter, and then cancels it', async () => {
    const { office, departmentId, counter } = await buildAfternoonOffice();
    let checked!: () => void;
    const counterChecked = new Promise<void>((resolve) => (checked = resolve));
    let insert!: () => void;
    const mayInsert = new Promise<void>((resolve) => (insert = resolve));
    // A booking as findFreeCounter makes it: the counters share-locked, the busy spans read (no block yet), then the insert.
    const booking = inTransaction(town.db, { tenantId: town.id, departmentIds: [departmentId] }, async (trx) => {
      await shareCounters(trx, office);
      checked();
      await mayInsert;
      return insertHold(trx, town.id, {
        locationId: office, departmentId, resourceId: counter, start: new Date('2026-11-30T13:00:00Z'), end: new Date('2026-11-30T13:30:00Z'),
        services: identityCard, expiresAt: new Date(friday.getTime() + 15 * 60_000), name: 'Eilig', email: 'eilig@example.org', language: 'de',
      });
    });
    await counterChecked;
    let blockDone = false;
    const form: BlockForm = { resourceId: counter, day: '2026-11-30', from: '13:00', until: '16:00', reason: 'Personalversammlung' };
    const block = blockCounter(town.db, town.id, [departmentId], office, form, friday).finally(() => (blockDone = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(blockDone, false, 'the block waits for the booking under way');
    insert();
    const bookingId = await booking;
    assert.ok((await block).ok);
    const status = await sql<{ status: string }>`select status from appointment_bookings where id = ${bookingId}`.execute(town.db);
    assert.equal(status.rows[0]!.status, 'cancelled', 'and then cancels it');
  });

  it('refuses bad forms with the field named, other departments and unknown places, storing nothing', async () => {
    const { office, departmentId, counter } = await buildAfternoonOffice();
    const good: BlockForm = { resourceId: counter, day: '2026-11-30', from: '13:00', until: '16:00', reason: 'Schulung' };
    const cases: Array<[Partial<BlockForm>, string, string]> = [
      [{ resourceId: '' }, 'resourceId', 'counterRequired'],
      [{ resourceId: '00000000-0000-4000-8000-000000000000' }, 'resourceId', 'counterRequired'],
      [{ day: '30.11.2026' }, 'day', 'dayInvalid'],
      [{ day: '2026-02-31' }, 'day', 'dayInvalid'],
      [{ from: '25:00' }, 'from', 'timeInvalid'],
      [{ until: '12:00' }, 'until', 'untilBeforeFrom'],
      [{ reason: ' ' }, 'reason', 'reasonRequired'],
      [{ reason: 'x'.repeat(201) }, 'reason', 'reasonTooLong'],
      [{ day: '2026-11-26' }, 'day', 'inPast'],
    ];
    for (const [change, field, key] of cases) {
      const result = await blockCounter(town.db, town.id, [departmentId], office, { ...good, ...change }, friday);
      assert.ok(!result.ok && result.kind === 'invalid', JSON.stringify(change));
      assert.equal((result as { errors: Record<string, string> }).errors[field], key, JSON.stringify(change));
    }
    const otherDepartment = (await sql<{ id: string }>`select id from departments where tenant_id = ${town.id} and id != ${departmentId} limit 1`.execute(town.db)).rows[0]?.id;
    if (otherDepartment) assert.deepEqual(await blockCounter(town.db, town.id, [otherDepartment], office, good, friday), { ok: false, kind: 'notFound' });
    assert.deepEqual(await blockCounter(town.db, town.id, [departmentId], 'nope', good, friday), { ok: false, kind: 'notFound' });
    const stored = await sql<{ n: number }>`select count(*)::int as n from appointment_counter_blocks where location_id = ${office}`.execute(town.db);
    assert.equal(stored.rows[0]!.n, 0);
  });
});
