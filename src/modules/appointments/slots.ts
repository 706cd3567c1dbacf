/**
 * Free appointment slots of one location: a pure function of its schedule, the busy spans of its
 * counters and the current instant (docs/adr/0024-appointments.md). Opening hours, closures and
 * the slot grid are Europe/Berlin wall-clock times; busy spans and slots are instants.
 */
import { getHolidays } from 'feiertagejs';
import { Temporal } from 'temporal-polyfill';

/** The time zone of every German town hall. */
export const appointmentTimeZone = 'Europe/Berlin';

/** German states as feiertagejs names them (the same closed set as the SQL CHECK). */
export const holidayRegions = ['BW', 'BY', 'BE', 'BB', 'HB', 'HE', 'HH', 'MV', 'NI', 'NW', 'RP', 'SL', 'SN', 'ST', 'SH', 'TH'] as const;
/** A German state code, e.g. NW for Nordrhein-Westfalen. */
export type HolidayRegion = (typeof holidayRegions)[number];

/** The grids slots may start on, in minutes (the same closed set as the SQL CHECK). */
export const slotGrids = [5, 10, 15, 20, 30, 60] as const;

/** One opening interval of a weekday (1 = Monday … 7 = Sunday), wall-clock 'HH:MM'. */
export interface OpeningInterval {
  weekday: number;
  opens: string;
  closes: string;
}

/** When and how a location can be booked. */
export interface Schedule {
  holidayRegion: HolidayRegion;
  openingHours: readonly OpeningInterval[];
  /** Whole days closed besides public holidays, 'YYYY-MM-DD' inclusive. */
  closures: readonly { firstDay: string; lastDay: string }[];
  /** The last bookable day is today + horizonDays (Europe/Berlin). */
  horizonDays: number;
  /** No slot starts earlier than now + leadMinutes. */
  leadMinutes: number;
  /** Slots start every slotMinutes from each opening time. */
  slotMinutes: number;
  /**
   * Wall-clock 'HH:MM' at which the day entering the horizon opens (batch release); before it,
   * the horizon ends a day earlier. Null or absent: the horizon moves on at midnight.
   */
  releaseTime?: string | null;
  /** The ids of the counters that can be booked. */
  resourceIds: readonly string[];
}

/** Time a counter is taken: a held (unexpired) or confirmed booking, [start, end). */
export interface BusySpan {
  resourceId: string;
  start: Date;
  end: Date;
}

/** A free start time with the counters free for the whole appointment. */
export interface Slot {
  start: Date;
  end: Date;
  /** Wall-clock 'HH:MM' in Europe/Berlin. */
  time: string;
  resourceIds: string[];
}

/** The free slots of one local day. */
export interface SlotDay {
  /** 'YYYY-MM-DD' in Europe/Berlin. */
  day: string;
  slots: Slot[];
}

/** How long a location takes for one service. */
export interface ServiceDuration {
  minutes: number;
  minutesPerExtraPerson: number;
  maxPersons: number;
}

/** One service the citizen chose, and for how many persons. */
export interface ServiceChoice {
  serviceId: string;
  persons: number;
}

/** Why a combination of services cannot be booked at a location. */
export type DurationProblem = { kind: 'serviceNotOffered'; serviceId: string } | { kind: 'tooManyPersons'; serviceId: string; max: number } | { kind: 'noService' };

/**
 * The minutes one appointment for all chosen services takes at a location: per service its
 * minutes plus the minutes of each further person. Services are done back to back at one counter.
 */
export function appointmentMinutes(offers: ReadonlyMap<string, ServiceDuration>, choices: readonly ServiceChoice[]): { ok: true; minutes: number } | { ok: false; problem: DurationProblem } {
  if (choices.length === 0) return { ok: false, problem: { kind: 'noService' } };
  let minutes = 0;
  for (const choice of choices) {
    const offer = offers.get(choice.serviceId);
    if (!offer) return { ok: false, problem: { kind: 'serviceNotOffered', serviceId: choice.serviceId } };
    if (!Number.isInteger(choice.persons) || choice.persons < 1 || choice.persons > offer.maxPersons) {
      return { ok: false, problem: { kind: 'tooManyPersons', serviceId: choice.serviceId, max: offer.maxPersons } };
    }
    minutes += offer.minutes + (choice.persons - 1) * offer.minutesPerExtraPerson;
  }
  return { ok: true, minutes };
}

/** Minutes since midnight of a wall-clock 'HH:MM' or 'HH:MM:SS'. */
export function minutesOfDay(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

function wallClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The local day, time and weekday of an instant in Europe/Berlin. */
export function berlinWallClock(instant: Date): { day: string; time: string; weekday: number } {
  const zoned = Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(appointmentTimeZone);
  return { day: zoned.toPlainDate().toString(), time: wallClock(zoned.hour * 60 + zoned.minute), weekday: zoned.dayOfWeek };
}

/**
 * The instant of a wall-clock minute of a local day, or undefined when that minute does not exist
 * (the hour skipped when clocks go forward). In the hour repeated when clocks go back, the first.
 */
function instantOf(day: Temporal.PlainDate, minuteOfDay: number): Date | undefined {
  const local = day.toPlainDateTime({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 });
  const zoned = local.toZonedDateTime(appointmentTimeZone, { disambiguation: 'earlier' });
  if (!zoned.toPlainDateTime().equals(local)) return undefined;
  return new Date(zoned.epochMilliseconds);
}

/** Turns wall-clock minutes of one local day into instants. */
type DayClock = (minuteOfDay: number) => Date | undefined;

/**
 * The clock of a local day. On all but the two days a year whose offset changes, every minute is
 * midnight's offset away from UTC: plain arithmetic, since the time zone rules are slow to ask for
 * each of the thousands of slots of a search.
 */
function dayClock(day: Temporal.PlainDate): DayClock {
  const offset = day.toZonedDateTime(appointmentTimeZone).offsetNanoseconds / 1e6;
  const nextOffset = day.add({ days: 1 }).toZonedDateTime(appointmentTimeZone).offsetNanoseconds / 1e6;
  if (offset !== nextOffset) return (minute) => instantOf(day, minute);
  const midnight = Date.UTC(day.year, day.month - 1, day.day) - offset;
  return (minute) => new Date(midnight + minute * 60_000);
}

/** Days no one is served: public holidays of the region and the location's closures. */
class ClosedDays {
  private readonly holidays = new Map<number, Set<string>>();
  constructor(private readonly schedule: Schedule) {}

  has(day: string): boolean {
    const year = Number(day.slice(0, 4));
    let holidays = this.holidays.get(year);
    if (!holidays) {
      holidays = new Set(getHolidays(year, this.schedule.holidayRegion).map((h) => h.dateString));
      this.holidays.set(year, holidays);
    }
    return holidays.has(day) || this.schedule.closures.some((c) => c.firstDay <= day && day <= c.lastDay);
  }
}

/**
 * The start and end instants of an appointment starting at a wall-clock minute, or undefined when
 * it cannot take place as a wall-clock span: it starts or ends in a skipped hour, or a clock
 * change falls inside it (its real length would differ from what the clock on the wall shows).
 */
function spanAt(clock: DayClock, startMinute: number, minutes: number): { start: Date; end: Date } | undefined {
  const start = clock(startMinute);
  const end = clock(startMinute + minutes);
  if (!start || !end || end.getTime() - start.getTime() !== minutes * 60_000) return undefined;
  return { start, end };
}

/** The counters free for the whole of [start, end). */
function freeResources(schedule: Schedule, busy: readonly BusySpan[], start: Date, end: Date): string[] {
  return schedule.resourceIds.filter((id) => !busy.some((b) => b.resourceId === id && b.start < end && start < b.end));
}

/** The busy spans that touch [from, to), so each slot of a day looks at that day's bookings only. */
function busyWithin(sorted: readonly BusySpan[], from: number, to: number): BusySpan[] {
  const within: BusySpan[] = [];
  for (const b of sorted) {
    if (b.start.getTime() >= to) break;
    if (b.end.getTime() > from) within.push(b);
  }
  return within;
}

/** The first and last bookable local day and the earliest bookable instant. */
function bookingWindow(schedule: Schedule, now: Date): { firstDay: Temporal.PlainDate; lastDay: Temporal.PlainDate; earliest: Date } {
  const earliest = new Date(now.getTime() + schedule.leadMinutes * 60_000);
  const wall = berlinWallClock(now);
  const released = !schedule.releaseTime || wall.time >= schedule.releaseTime;
  const lastDay = Temporal.PlainDate.from(wall.day).add({ days: released ? schedule.horizonDays : schedule.horizonDays - 1 });
  return { firstDay: Temporal.PlainDate.from(berlinWallClock(earliest).day), lastDay, earliest };
}

/** Some bookable days ('YYYY-MM-DD', inclusive) and the instants that hold every slot of them. */
export interface BookingWeek {
  firstDay: string;
  lastDay: string;
  from: Date;
  to: Date;
}

/**
 * The bookable days from now to the end of the horizon in weeks, so a search reads the busy spans
 * of a week at a time and stops when it has found enough days: the first free days are usually
 * near, and the bookings of eight weeks are many.
 */
export function bookingWeeks(schedule: Schedule, now: Date): BookingWeek[] {
  const window = bookingWindow(schedule, now);
  const weeks: BookingWeek[] = [];
  for (let first = window.firstDay; Temporal.PlainDate.compare(first, window.lastDay) <= 0; first = first.add({ days: 7 })) {
    const last = Temporal.PlainDate.compare(first.add({ days: 6 }), window.lastDay) < 0 ? first.add({ days: 6 }) : window.lastDay;
    // A Berlin day starts one or two hours before its UTC midnight and ends before the next one.
    const from = Date.UTC(first.year, first.month - 1, first.day) - 3 * 3_600_000;
    const to = Date.UTC(last.year, last.month - 1, last.day) + 86_400_000;
    weeks.push({ firstDay: first.toString(), lastDay: last.toString(), from: new Date(from), to: new Date(to) });
  }
  return weeks;
}

/**
 * The free slots of a location for an appointment of `minutes`, day by day from the first
 * bookable day to the end of the horizon (or within `week`); days without a free slot are left
 * out, and at most `maxDays` days are returned.
 */
export function freeSlots(schedule: Schedule, busy: readonly BusySpan[], options: { minutes: number; now: Date; maxDays?: number; week?: BookingWeek }): SlotDay[] {
  const { minutes, now, week } = options;
  const window = bookingWindow(schedule, now);
  const firstDay = week ? Temporal.PlainDate.from(week.firstDay) : window.firstDay;
  const lastDay = week ? Temporal.PlainDate.from(week.lastDay) : window.lastDay;
  const closed = new ClosedDays(schedule);
  const sortedBusy = [...busy].sort((a, b) => a.start.getTime() - b.start.getTime());
  const days: SlotDay[] = [];
  for (let day = firstDay; Temporal.PlainDate.compare(day, lastDay) <= 0; day = day.add({ days: 1 })) {
    if (options.maxDays !== undefined && days.length >= options.maxDays) break;
    const dayString = day.toString();
    const intervals = schedule.openingHours.filter((i) => i.weekday === day.dayOfWeek).sort((a, b) => minutesOfDay(a.opens) - minutesOfDay(b.opens));
    if (intervals.length === 0 || closed.has(dayString)) continue;
    const clock = dayClock(day);
    // Every slot of the day lies between midnight and the next (a day lasts 23 to 25 hours).
    const dayBusy = busyWithin(sortedBusy, clock(0)!.getTime(), clock(0)!.getTime() + 25 * 3_600_000);
    const slots: Slot[] = [];
    for (const interval of intervals) {
      const closes = minutesOfDay(interval.closes);
      for (let startMinute = minutesOfDay(interval.opens); startMinute + minutes <= closes; startMinute += schedule.slotMinutes) {
        const span = spanAt(clock, startMinute, minutes);
        if (!span || span.start < window.earliest) continue;
        const resourceIds = freeResources(schedule, dayBusy, span.start, span.end);
        if (resourceIds.length > 0) slots.push({ ...span, time: wallClock(startMinute), resourceIds });
      }
    }
    if (slots.length > 0) days.push({ day: dayString, slots });
  }
  return days;
}

/** Why a requested start cannot be booked (a forged or outdated slot, or one just taken). */
export type SlotProblem = 'outsideWindow' | 'closedDay' | 'notOnGrid' | 'resourceUnknown' | 'taken';

/**
 * Checks one start instant on one counter from first principles, as a booking must before it is
 * written: within lead time and horizon, on an open day, on the grid of one opening interval that
 * holds the whole appointment, and the counter free. The database's exclusion constraint has the
 * last word on "free" under concurrency.
 */
export function checkSlot(schedule: Schedule, busy: readonly BusySpan[], request: { start: Date; minutes: number; resourceId: string; now: Date }): { ok: true; end: Date } | { ok: false; problem: SlotProblem } {
  const window = bookingWindow(schedule, request.now);
  const local = berlinWallClock(request.start);
  const day = Temporal.PlainDate.from(local.day);
  if (request.start < window.earliest || Temporal.PlainDate.compare(day, window.lastDay) > 0) return { ok: false, problem: 'outsideWindow' };
  if (new ClosedDays(schedule).has(local.day)) return { ok: false, problem: 'closedDay' };
  const startMinute = minutesOfDay(local.time);
  const inInterval = schedule.openingHours.some((i) => {
    const opens = minutesOfDay(i.opens);
    return i.weekday === local.weekday && startMinute >= opens && startMinute + request.minutes <= minutesOfDay(i.closes) && (startMinute - opens) % schedule.slotMinutes === 0;
  });
  const span = spanAt(dayClock(day), startMinute, request.minutes);
  // The instant must be the one the grid names (seconds or the second 02:30 of October are forged).
  if (!inInterval || !span || span.start.getTime() !== request.start.getTime()) return { ok: false, problem: 'notOnGrid' };
  if (!schedule.resourceIds.includes(request.resourceId)) return { ok: false, problem: 'resourceUnknown' };
  if (!freeResources(schedule, busy, span.start, span.end).includes(request.resourceId)) return { ok: false, problem: 'taken' };
  return { ok: true, end: span.end };
}
