import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isHoliday } from 'feiertagejs';
import { appointmentMinutes, bookingWeeks, checkSlot, freeSlots, minutesOfDay, slotGrids, type BusySpan, type Schedule } from './slots.js';

// The wall clock in Berlin as Intl sees it: an oracle independent of the Temporal code under test.
const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', weekday: 'short' });
const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const wallHours = new Map<number, { day: string; minute: number; weekday: number }>();
function onTheWall(instant: Date): { day: string; minute: number; second: number; weekday: number } {
  // Berlin's offsets are whole hours, so Intl is asked once per hour (it is slow) and minutes added.
  const ms = instant.getTime();
  const hour = Math.floor(ms / 3_600_000) * 3_600_000;
  let wall = wallHours.get(hour);
  if (!wall) {
    const p = Object.fromEntries(berlin.formatToParts(new Date(hour)).map((x) => [x.type, x.value]));
    wall = { day: `${p.year}-${p.month}-${p.day}`, minute: Number(p.hour) * 60 + Number(p.minute), weekday: weekdays.indexOf(p.weekday!) + 1 };
    wallHours.set(hour, wall);
  }
  return { ...wall, minute: wall.minute + Math.floor((ms - hour) / 60_000), second: Math.floor((ms % 60_000) / 1000) };
}

const weekdayHours = (days: number[], ...intervals: [string, string][]) => days.flatMap((weekday) => intervals.map(([opens, closes]) => ({ weekday, opens, closes })));

/** A Bürgerbüro: Mon–Fri 08:00–12:00 and 13:00–16:00 (lunch break), Thursday until 18:00, 2 counters. */
const buergerbuero: Schedule = {
  holidayRegion: 'NW',
  openingHours: [...weekdayHours([1, 2, 3, 5], ['08:00', '12:00'], ['13:00', '16:00']), ...weekdayHours([4], ['08:00', '12:00'], ['13:00', '18:00'])],
  closures: [],
  horizonDays: 56,
  leadMinutes: 120,
  slotMinutes: 15,
  resourceIds: ['schalter-1', 'schalter-2'],
};

/** A night office open across the clock change (01:00–04:00 every day), to see the skipped and repeated hour. */
const nightOffice: Schedule = { ...buergerbuero, openingHours: weekdayHours([1, 2, 3, 4, 5, 6, 7], ['01:00', '04:00']), slotMinutes: 30, leadMinutes: 0, resourceIds: ['a'] };

const times = (schedule: Schedule, day: string, minutes: number, now: Date, busy: BusySpan[] = []) =>
  freeSlots(schedule, busy, { minutes, now }).find((d) => d.day === day)?.slots.map((s) => s.time) ?? [];
const startOf = (schedule: Schedule, day: string, time: string, minutes: number, now: Date) =>
  freeSlots(schedule, [], { minutes, now }).find((d) => d.day === day)?.slots.find((s) => s.time === time)?.start.toISOString();

describe('free appointment slots', () => {
  const beforeSpring = new Date('2026-03-23T06:00:00Z');
  const beforeAutumn = new Date('2026-10-19T06:00:00Z');

  it('keeps 09:00 at 09:00 on the wall around the spring change: UTC+1 on Friday, UTC+2 on Monday', () => {
    assert.equal(startOf(buergerbuero, '2026-03-27', '09:00', 30, beforeSpring), '2026-03-27T08:00:00.000Z');
    assert.equal(startOf(buergerbuero, '2026-03-30', '09:00', 30, beforeSpring), '2026-03-30T07:00:00.000Z');
    assert.deepEqual(times(buergerbuero, '2026-03-30', 60, beforeSpring), ['08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00', '13:00', '13:15', '13:30', '13:45', '14:00', '14:15', '14:30', '14:45', '15:00']);
  });

  it('keeps 09:00 at 09:00 on the wall around the autumn change: UTC+2 on Friday, UTC+1 on Monday', () => {
    assert.equal(startOf(buergerbuero, '2026-10-23', '09:00', 30, beforeAutumn), '2026-10-23T07:00:00.000Z');
    assert.equal(startOf(buergerbuero, '2026-10-26', '09:00', 30, beforeAutumn), '2026-10-26T08:00:00.000Z');
  });

  it('offers nothing in the hour skipped on the spring Sunday, and nothing that a clock change cuts', () => {
    // 02:00–03:00 does not exist on 29 March 2026; 01:30–02:00 would end in it.
    assert.deepEqual(times(nightOffice, '2026-03-29', 30, beforeSpring), ['01:00', '03:00', '03:30']);
    assert.equal(startOf(nightOffice, '2026-03-29', '03:00', 30, beforeSpring), '2026-03-29T01:00:00.000Z');
    assert.deepEqual(times(nightOffice, '2026-03-28', 30, beforeSpring), ['01:00', '01:30', '02:00', '02:30', '03:00', '03:30']);
  });

  it('offers the repeated hour of the autumn Sunday once, and no slot with the clock change inside', () => {
    // 02:00–03:00 happens twice on 25 October 2026; 02:30–03:00 would last 90 minutes.
    assert.deepEqual(times(nightOffice, '2026-10-25', 30, beforeAutumn), ['01:00', '01:30', '02:00', '03:00', '03:30']);
    assert.equal(startOf(nightOffice, '2026-10-25', '02:00', 30, beforeAutumn), '2026-10-25T00:00:00.000Z');
    assert.equal(startOf(nightOffice, '2026-10-25', '03:00', 30, beforeAutumn), '2026-10-25T02:00:00.000Z');
  });

  it('offers nothing on the public holidays of the region: Karfreitag everywhere, Fronleichnam in NRW but not in Berlin', () => {
    const now = new Date('2026-03-30T06:00:00Z');
    const days = (schedule: Schedule) => freeSlots(schedule, [], { minutes: 30, now }).map((d) => d.day);
    assert.ok(!days(buergerbuero).includes('2026-04-03'));
    assert.ok(days(buergerbuero).includes('2026-04-02'));
    const june = new Date('2026-05-25T06:00:00Z');
    const juneDays = (schedule: Schedule) => freeSlots(schedule, [], { minutes: 30, now: june }).map((d) => d.day);
    assert.ok(!juneDays(buergerbuero).includes('2026-06-04'), 'Fronleichnam is a holiday in NRW');
    assert.ok(juneDays({ ...buergerbuero, holidayRegion: 'BE' }).includes('2026-06-04'), 'but not in Berlin');
  });

  it("offers nothing on the location's closure days", () => {
    const now = new Date('2026-03-30T06:00:00Z');
    const closed = { ...buergerbuero, closures: [{ firstDay: '2026-04-07', lastDay: '2026-04-08' }] };
    const days = freeSlots(closed, [], { minutes: 30, now }).map((d) => d.day);
    assert.ok(days.includes('2026-04-06') === false, 'Ostermontag');
    assert.ok(!days.includes('2026-04-07') && !days.includes('2026-04-08'));
    assert.ok(days.includes('2026-04-09'));
  });

  it('fits an appointment into one opening interval, never across the lunch break', () => {
    const now = new Date('2026-03-30T06:00:00Z');
    const slots = times(buergerbuero, '2026-04-01', 45, now);
    assert.ok(slots.includes('11:15') && !slots.includes('11:30'));
    assert.ok(slots.includes('13:00') && slots.includes('15:15') && !slots.includes('15:30'));
  });

  it('respects lead time and horizon', () => {
    // Monday 30 March 2026, 08:50 in Berlin: with two hours' lead the first slot is 10:50 → 11:00.
    const now = new Date('2026-03-30T06:50:00Z');
    const days = freeSlots(buergerbuero, [], { minutes: 30, now });
    assert.equal(days[0]!.day, '2026-03-30');
    assert.equal(days[0]!.slots[0]!.time, '11:00');
    // 56 days after 30 March is 25 May (Pfingstmontag); the last open day is Friday 22 May.
    assert.equal(days.at(-1)!.day, '2026-05-22');
    const short = freeSlots({ ...buergerbuero, horizonDays: 2 }, [], { minutes: 30, now });
    assert.deepEqual(short.map((d) => d.day), ['2026-03-30', '2026-03-31', '2026-04-01']);
    assert.equal(freeSlots(buergerbuero, [], { minutes: 30, now, maxDays: 3 }).length, 3);
  });

  it('opens the day entering the horizon at the release time, not at midnight (batch release)', () => {
    // Monday 30 March 2026 (summer time, UTC+2); horizon 2 days, new days released at 07:30.
    const batch: Schedule = { ...buergerbuero, horizonDays: 2, leadMinutes: 0, releaseTime: '07:30' };
    const at = (iso: string) => freeSlots(batch, [], { minutes: 30, now: new Date(iso) }).map((d) => d.day);
    assert.deepEqual(at('2026-03-30T05:29:00Z'), ['2026-03-30', '2026-03-31'], '07:29: Wednesday not yet');
    assert.deepEqual(at('2026-03-30T05:30:00Z'), ['2026-03-30', '2026-03-31', '2026-04-01'], '07:30: Wednesday released');
    const wednesday = startOf({ ...batch, releaseTime: null }, '2026-04-01', '08:00', 30, new Date('2026-03-30T05:30:00Z'))!;
    const check = (iso: string) => checkSlot(batch, [], { start: new Date(wednesday), minutes: 30, resourceId: 'schalter-1', now: new Date(iso) });
    assert.deepEqual(check('2026-03-30T05:29:59Z'), { ok: false, problem: 'outsideWindow' }, 'a hold sent a second early is refused');
    assert.equal(check('2026-03-30T05:30:00Z').ok, true);
  });

  it('lists only the counters free for the whole appointment, and no slot when all are taken', () => {
    const now = new Date('2026-03-30T06:00:00Z');
    const busy: BusySpan[] = [
      { resourceId: 'schalter-1', start: new Date('2026-04-01T07:00:00Z'), end: new Date('2026-04-01T07:30:00Z') },
      { resourceId: 'schalter-2', start: new Date('2026-04-01T07:15:00Z'), end: new Date('2026-04-01T07:45:00Z') },
    ];
    const day = freeSlots(buergerbuero, busy, { minutes: 30, now }).find((d) => d.day === '2026-04-01')!;
    const at = (time: string) => day.slots.find((s) => s.time === time)?.resourceIds;
    assert.deepEqual(at('08:30'), ['schalter-1', 'schalter-2']);
    assert.deepEqual(at('08:45'), ['schalter-2']);
    assert.equal(at('09:00'), undefined);
    assert.equal(at('09:15'), undefined);
    assert.deepEqual(at('09:30'), ['schalter-1']);
    assert.deepEqual(at('09:45'), ['schalter-1', 'schalter-2']);
  });

  it('sums the durations of several services and further persons', () => {
    const offers = new Map([
      ['personalausweis', { minutes: 20, minutesPerExtraPerson: 15, maxPersons: 5 }],
      ['meldebescheinigung', { minutes: 10, minutesPerExtraPerson: 5, maxPersons: 1 }],
    ]);
    assert.deepEqual(appointmentMinutes(offers, [{ serviceId: 'personalausweis', persons: 2 }, { serviceId: 'meldebescheinigung', persons: 1 }]), { ok: true, minutes: 45 });
    assert.deepEqual(appointmentMinutes(offers, [{ serviceId: 'meldebescheinigung', persons: 2 }]), { ok: false, problem: { kind: 'tooManyPersons', serviceId: 'meldebescheinigung', max: 1 } });
    assert.deepEqual(appointmentMinutes(offers, [{ serviceId: 'personalausweis', persons: 0 }]), { ok: false, problem: { kind: 'tooManyPersons', serviceId: 'personalausweis', max: 5 } });
    assert.deepEqual(appointmentMinutes(offers, [{ serviceId: 'reisepass', persons: 1 }]), { ok: false, problem: { kind: 'serviceNotOffered', serviceId: 'reisepass' } });
    assert.deepEqual(appointmentMinutes(offers, []), { ok: false, problem: { kind: 'noService' } });
  });

  it('refuses forged or outdated starts: past, beyond the horizon, holiday, off the grid, odd seconds, the second 02:30 in October, taken', () => {
    const now = new Date('2026-03-30T06:00:00Z');
    const check = (start: string, resourceId = 'schalter-1', busy: BusySpan[] = [], schedule = buergerbuero, at = now) =>
      checkSlot(schedule, busy, { start: new Date(start), minutes: 30, resourceId, now: at });
    assert.deepEqual(check('2026-04-01T07:00:00Z'), { ok: true, end: new Date('2026-04-01T07:30:00Z') });
    assert.deepEqual(check('2026-03-30T06:30:00Z'), { ok: false, problem: 'outsideWindow' });
    assert.deepEqual(check('2026-06-01T07:00:00Z'), { ok: false, problem: 'outsideWindow' });
    assert.deepEqual(check('2026-04-03T07:00:00Z'), { ok: false, problem: 'closedDay' });
    assert.deepEqual(check('2026-04-01T07:05:00Z'), { ok: false, problem: 'notOnGrid' });
    assert.deepEqual(check('2026-04-01T07:00:30Z'), { ok: false, problem: 'notOnGrid' });
    assert.deepEqual(check('2026-04-01T09:45:00Z'), { ok: false, problem: 'notOnGrid' }, '11:45 + 30 minutes runs into the break');
    assert.deepEqual(check('2026-04-01T07:00:00Z', 'schalter-9'), { ok: false, problem: 'resourceUnknown' });
    assert.deepEqual(check('2026-04-01T07:00:00Z', 'schalter-1', [{ resourceId: 'schalter-1', start: new Date('2026-04-01T07:15:00Z'), end: new Date('2026-04-01T08:00:00Z') }]), { ok: false, problem: 'taken' });
    const autumn = new Date('2026-10-19T06:00:00Z');
    assert.equal(check('2026-10-25T00:00:00Z', 'a', [], nightOffice, autumn).ok, true, 'the first 02:00');
    assert.deepEqual(check('2026-10-25T01:00:00Z', 'a', [], nightOffice, autumn), { ok: false, problem: 'notOnGrid' }, 'the second 02:00');
  });
});

// Generated schedules: opening intervals on a 5-minute grid with breaks, closures, counters, a
// clock anywhere in 2026 (often in the weeks of the clock changes) and existing bookings.
const minuteOfDay = (from: number, to: number) => fc.integer({ min: from / 5, max: to / 5 }).map((n) => n * 5);
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const dayIntervals = fc.uniqueArray(minuteOfDay(0, 1435), { minLength: 0, maxLength: 6 }).map((points) => {
  const sorted = [...points].sort((a, b) => a - b);
  const intervals: { opens: string; closes: string }[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) intervals.push({ opens: hhmm(sorted[i]!), closes: hhmm(sorted[i + 1]!) });
  return intervals;
});
const dstWeeks = [Date.UTC(2026, 2, 26), Date.UTC(2026, 9, 22)];
const instant2026 = fc.oneof(
  fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) }),
  fc.tuple(fc.constantFrom(...dstWeeks), fc.integer({ min: 0, max: 4 * 86_400_000 })).map(([base, offset]) => base + offset),
).map((ms) => new Date(Math.floor(ms / 60_000) * 60_000));
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const scheduleArb = fc.record({
  holidayRegion: fc.constantFrom('NW' as const, 'BY' as const, 'BE' as const),
  openingHours: fc.array(dayIntervals, { minLength: 7, maxLength: 7 }).map((days) => days.flatMap((intervals, i) => intervals.map((x) => ({ weekday: i + 1, ...x })))),
  closures: fc.array(fc.tuple(instant2026, fc.integer({ min: 0, max: 3 })).map(([d, n]) => ({ firstDay: isoDay(d), lastDay: isoDay(new Date(d.getTime() + n * 86_400_000)) })), { maxLength: 3 }),
  horizonDays: fc.integer({ min: 1, max: 14 }),
  leadMinutes: fc.integer({ min: 0, max: 2880 }),
  slotMinutes: fc.constantFrom(...slotGrids),
  resourceIds: fc.uniqueArray(fc.constantFrom('r1', 'r2', 'r3'), { minLength: 1, maxLength: 3 }),
});
const duration = fc.integer({ min: 1, max: 36 }).map((n) => n * 5);

/** Existing bookings near now, each on one of the counters. */
function busyArb(now: Date) {
  return fc.array(fc.record({
    resourceId: fc.constantFrom('r1', 'r2', 'r3'),
    offset: fc.integer({ min: 0, max: 15 * 24 * 12 }),
    length: fc.integer({ min: 1, max: 36 }),
  }).map((b) => {
    const start = new Date(Math.ceil(now.getTime() / 300_000) * 300_000 + b.offset * 300_000);
    return { resourceId: b.resourceId, start, end: new Date(start.getTime() + b.length * 300_000) };
  }), { maxLength: 30 });
}

const overlaps = (a: { start: Date; end: Date }, b: { start: Date; end: Date }) => a.start < b.end && b.start < a.end;

describe('free appointment slots for generated schedules (property tests)', () => {
  it('offers only bookable slots: open, on the wall clock, no holiday or closure, after the lead time, on free counters', () => {
    const cases = fc.tuple(scheduleArb, instant2026, duration).chain(([schedule, now, minutes]) => fc.tuple(fc.constant(schedule), fc.constant(now), fc.constant(minutes), busyArb(now)));
    fc.assert(fc.property(cases, ([schedule, now, minutes, busy]) => {
      const offered = freeSlots(schedule, busy, { minutes, now }).flatMap((day) => day.slots.map((slot) => ({ day: day.day, slot })));
      // The booking check asks the time zone rules afresh (slow): a spread of up to 24 slots.
      const checkEvery = Math.ceil(offered.length / 24);
      for (const day of new Set(offered.map((o) => o.day))) assert.ok(!isHoliday(day, schedule.holidayRegion), `${day} is no public holiday`);
      for (const [index, { day, slot }] of offered.entries()) {
        const start = onTheWall(slot.start);
        const end = onTheWall(slot.end);
        assert.equal(slot.end.getTime() - slot.start.getTime(), minutes * 60_000, 'real length');
        assert.equal(start.day, day);
        assert.equal(hhmm(start.minute), slot.time);
        assert.equal(start.second, 0);
        assert.equal(end.day === start.day ? end.minute : end.minute + 1440, start.minute + minutes, 'wall-clock length');
        assert.ok(schedule.openingHours.some((i) => i.weekday === start.weekday && minutesOfDay(i.opens) <= start.minute && start.minute + minutes <= minutesOfDay(i.closes)), 'inside one opening interval');
        assert.ok(!schedule.closures.some((c) => c.firstDay <= day && day <= c.lastDay), 'no closure');
        assert.ok(slot.start.getTime() >= now.getTime() + schedule.leadMinutes * 60_000, 'after the lead time');
        for (const r of schedule.resourceIds) {
          const free = !busy.some((b) => b.resourceId === r && overlaps(b, slot));
          assert.equal(slot.resourceIds.includes(r), free, `counter ${r} listed exactly when free`);
          if (free && index % checkEvery === 0) assert.deepEqual(checkSlot(schedule, busy, { start: slot.start, minutes, resourceId: r, now }), { ok: true, end: slot.end }, 'bookable');
        }
      }
    }), { numRuns: 150 });
  });

  it('offers every start that the booking check accepts (nothing bookable is hidden)', () => {
    fc.assert(fc.property(scheduleArb, instant2026, duration, fc.integer({ min: 0, max: 20 * 288 }), (schedule, now, minutes, step) => {
      const candidate = new Date(Math.floor(now.getTime() / 300_000) * 300_000 + step * 300_000);
      const resourceId = schedule.resourceIds[0]!;
      const checked = checkSlot(schedule, [], { start: candidate, minutes, resourceId, now });
      const offered = freeSlots(schedule, [], { minutes, now }).some((d) => d.slots.some((s) => s.start.getTime() === candidate.getTime() && s.resourceIds.includes(resourceId)));
      assert.equal(offered, checked.ok);
    }), { numRuns: 300 });
  });

  it('finds the same days week by week, with only each week\'s bookings, as in one search over the horizon', () => {
    const cases = fc.tuple(scheduleArb, instant2026, duration, fc.integer({ min: 1, max: 8 })).chain(([schedule, now, minutes, maxDays]) =>
      fc.tuple(fc.constant({ ...schedule, horizonDays: schedule.horizonDays * 3 }), fc.constant(now), fc.constant(minutes), fc.constant(maxDays), busyArb(now)));
    fc.assert(fc.property(cases, ([schedule, now, minutes, maxDays, busy]) => {
      const days = [];
      for (const week of bookingWeeks(schedule, now)) {
        if (days.length >= maxDays) break;
        const weekBusy = busy.filter((b) => b.start < week.to && week.from < b.end);
        days.push(...freeSlots(schedule, weekBusy, { minutes, now, maxDays: maxDays - days.length, week }));
      }
      assert.deepEqual(days, freeSlots(schedule, busy, { minutes, now, maxDays }));
    }), { numRuns: 150 });
  });

  it('never puts two bookings on one counter at once when citizens keep booking offered slots', () => {
    fc.assert(fc.property(scheduleArb, instant2026, fc.array(fc.tuple(duration, fc.nat(), fc.nat()), { minLength: 1, maxLength: 25 }), (schedule, now, picks) => {
      const booked: BusySpan[] = [];
      for (const [minutes, daySeed, slotSeed] of picks) {
        const days = freeSlots(schedule, booked, { minutes, now });
        if (days.length === 0) continue;
        const day = days[daySeed % days.length]!;
        const slot = day.slots[slotSeed % day.slots.length]!;
        booked.push({ resourceId: slot.resourceIds[slotSeed % slot.resourceIds.length]!, start: slot.start, end: slot.end });
      }
      for (const [i, a] of booked.entries()) for (const b of booked.slice(i + 1)) assert.ok(a.resourceId !== b.resourceId || !overlaps(a, b), 'overlap on one counter');
    }), { numRuns: 80 });
  });
});
