import { z } from 'zod';
import { hashToken, isUuid, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { ShortLivedCache } from '../../platform/db/short-lived-cache.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import { offersOf, scheduleOf, type AppointmentLocation, type AppointmentText, type LocationSetup } from './appointments.js';
import { confirmHold, countBookingsOfAddress, expireHolds, findLocationDepartmentId, listBookableServiceIds, expireHoldsOn, findBookingStatusByToken, findLocationSetup, insertHold, insertManageTokenHash, listBusySpans, listLocationSetups, setConfirmTokenHash, shareCounters } from './appointments.repository.js';
import { parseInput } from './appointments.schema.js';
import { appointmentMinutes, bookingWeeks, checkSlot, freeSlots, type DurationProblem, type ServiceChoice, type SlotDay, type SlotProblem } from './slots.js';

/** How long a hold waits for its e-mail confirmation before its time is free again. */
export const holdMinutes = 15;
/**
 * How many open appointments (held or booked, not begun) one e-mail address may have for a
 * service: enough for a family member's second one, too few to hoard a calendar with one address.
 */
export const maxOpenPerService = 2;
/** How many holds one e-mail address may make in an hour: reserving and letting run out again and again blocks times too. */
export const maxHoldsPerHour = 6;
/** How many days of free slots a refusal offers instead. */
const alternativeDays = 3;
/** How long a town's bookable locations and a page of free times are reused (appointments.routes.tsx). */
export const freeTimesMaxAgeMs = 1000;
/** How many days with free slots the search shows per location. */
export const searchDays = 5;
/** The job that mails a hold's confirmation link. */
export const confirmationLinkJob = 'appointments.confirmation_link';
/** The job that mails a confirmed appointment with its calendar file. */
export const confirmedMailJob = 'appointments.confirmed';
/** The job that reminds of a confirmed appointment the day before. */
export const reminderJob = 'appointments.reminder';
/** How long before the appointment the reminder is sent. */
export const reminderHours = 24;

// One bare address with a dot in the domain, as the administration accepts for staff.
const emailPattern = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\.]+$/;
/** A citizen's name and e-mail address as a booking (or a waiting-list place) takes them. */
export const contactSchema = z.object({
  name: z.string().trim().min(1, { error: 'contactNameRequired' }).max(120, { error: 'tooLong' }),
  email: z.string().trim().toLowerCase().min(1, { error: 'emailRequired' }).max(254, { error: 'tooLong' }).regex(emailPattern, { error: 'emailInvalid' }),
});

/** The name and e-mail address a citizen's form sent, cut to a length the checks can refuse as too long. */
export function typedContact(body: Record<string, unknown>): { name: string; email: string } {
  return { name: typeof body.name === 'string' ? body.name.slice(0, 200) : '', email: typeof body.email === 'string' ? body.email.slice(0, 300) : '' };
}

/** Field errors of a name and e-mail address typed for a booking, or null when both are fine. */
export function checkContact(values: { name: string; email: string }): Record<string, AppointmentText> | null {
  const contact = parseInput(contactSchema, values);
  return contact.ok ? null : contact.errors;
}

/** A citizen's request to hold a slot: where, when, what for, and who. */
export interface HoldRequest {
  locationId: string;
  start: Date;
  services: ServiceChoice[];
  name: string;
  email: string;
  language: 'de' | 'en';
  /** The location's department, when the caller knows it already (saves a transaction). */
  departmentId?: string;
}

/** Why a hold was refused: the input, the services, or the slot (then with the next free slots). */
export type HoldRefusal =
  | { kind: 'invalid'; errors: Record<string, AppointmentText> }
  | { kind: 'locationUnknown' }
  | { kind: 'services'; problem: DurationProblem }
  | { kind: 'slot'; problem: SlotProblem; nextFree: SlotDay[] };

/** A free counter for a requested slot, or why there is none (with the next free slots). */
export type CounterSearch = { ok: true; resourceId: string; end: Date } | ({ ok: false } & HoldRefusal);

/**
 * Checks a requested start for services at a location from first principles (a forged, outdated or
 * tampered slot is refused with its reason and the next free slots) and picks one of its free
 * counters; marks expired holds on that time as expired so it can be booked in this transaction.
 * `exceptBookingId` is a booking whose time counts as free (the one being rescheduled).
 */
export async function findFreeCounter(trx: Trx, setup: LocationSetup, start: Date, services: ServiceChoice[], now: Date, exceptBookingId?: string): Promise<CounterSearch> {
  const minutes = appointmentMinutes(offersOf(setup), services);
  if (!minutes.ok) return { ok: false, kind: 'services', problem: minutes.problem };
  const schedule = scheduleOf(setup);
  await shareCounters(trx, setup.location.id);
  // Only the bookings around the requested time decide whether it is free (a day either side
  // covers any appointment length); other weeks are read only to offer other times.
  const busy = await listBusySpans(trx, setup.location.id, new Date(start.getTime() - 86_400_000), new Date(start.getTime() + 2 * 86_400_000), now, exceptBookingId);
  const checks = schedule.resourceIds.map((resourceId) => ({ resourceId, check: checkSlot(schedule, busy, { start, minutes: minutes.minutes, resourceId, now }) }));
  const frees = checks.filter((c) => c.check.ok);
  // A random free counter, not the first: citizens asking for the same time at once then mostly
  // get different counters instead of all racing for one (and retrying, retryWhenTaken).
  const free = frees[Math.floor(Math.random() * frees.length)];
  if (!free || !free.check.ok) {
    const problem = checks.find((c) => !c.check.ok && c.check.problem !== 'resourceUnknown')?.check;
    return {
      ok: false, kind: 'slot', problem: problem && !problem.ok ? problem.problem : 'taken',
      nextFree: await nextFreeDays(trx, setup, minutes.minutes, now, alternativeDays, exceptBookingId),
    };
  }
  await expireHoldsOn(trx, free.resourceId, start, free.check.end, now);
  return { ok: true, resourceId: free.resourceId, end: free.check.end };
}

/**
 * Runs a booking transaction again when a concurrent booking took the counter first (23P01), so it
 * looks again at what is free then. Each loss shows one more taken counter, so a few attempts end
 * in a booking or in "taken".
 */
export async function retryWhenTaken<T>(attemptBooking: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptBooking();
    } catch (error) {
      // Every loss means a counter more is taken, so this ends; the bound only guards against a bug.
      if ((error as { code?: string }).code !== '23P01' || attempt >= 19) throw error;
    }
  }
}

/**
 * Holds a slot for a citizen for 15 minutes on the first free counter (findFreeCounter). The
 * exclusion constraint decides between concurrent requests: the loser looks again at what is then
 * busy (another counter, or the next free slots).
 */
export async function holdAppointment(db: Db, tenantId: string, request: HoldRequest, now = new Date()): Promise<{ ok: true; bookingId: string; end: Date } | ({ ok: false } & HoldRefusal)> {
  const contact = parseInput(contactSchema, { name: request.name, email: request.email });
  if (!contact.ok) return { ok: false, kind: 'invalid', errors: contact.errors };
  if (!isUuid(request.locationId) || Number.isNaN(request.start.getTime())) return { ok: false, kind: 'locationUnknown' };
  // Counting an address's open bookings reads contacts, which only the location's department may:
  // the hold acts as that department (and reads nothing but the counts).
  const departmentId = request.departmentId ?? (await inTransaction(db, { tenantId }, (trx) => findLocationDepartmentId(trx, request.locationId)));
  if (!departmentId) return { ok: false, kind: 'locationUnknown' };
  return retryWhenTaken(() => inTransaction(db, { tenantId, departmentIds: [departmentId] }, async (trx) => {
    const setup = await findLocationSetup(trx, request.locationId);
    // A department given by the caller may be outdated (the location moved to another one just now).
    if (!setup || !setup.location.active || setup.location.departmentId !== departmentId) return { ok: false, kind: 'locationUnknown' } as const;
    const counter = await findFreeCounter(trx, setup, request.start, request.services, now);
    if (!counter.ok) return counter;
    const address = await countBookingsOfAddress(trx, tenantId, contact.data.email, now);
    if (request.services.some((s) => (address.openByService.get(s.serviceId) ?? 0) >= maxOpenPerService)) {
      return { ok: false, kind: 'invalid', errors: { email: { key: 'tooManyOpen', params: { max: maxOpenPerService } } } } as const;
    }
    if (address.lastHour >= maxHoldsPerHour) return { ok: false, kind: 'invalid', errors: { email: { key: 'tooManyHolds', params: { max: maxHoldsPerHour } } } } as const;
    const bookingId = await insertHold(trx, tenantId, {
      locationId: setup.location.id, departmentId: setup.location.departmentId, resourceId: counter.resourceId, start: request.start, end: counter.end,
      services: request.services, expiresAt: new Date(now.getTime() + holdMinutes * 60_000), ...contact.data, language: request.language,
    });
    // The mail leaves after commit (outbox); its token is made when it is sent.
    await enqueueJob(trx, { tenantId, kind: confirmationLinkJob, payload: { bookingId } });
    return { ok: true, bookingId, end: counter.end } as const;
  }));
}

/**
 * Makes the token of a hold's confirmation link and stores its hash; the mail job calls it when it
 * sends the mail, so the token is never stored. Undefined when the booking is no longer held.
 */
export function issueConfirmationToken(db: Db, tenantId: string, bookingId: string): Promise<string | undefined> {
  const token = newToken();
  return inTransaction(db, { tenantId }, async (trx) => ((await setConfirmTokenHash(trx, bookingId, hashToken(token))) ? token : undefined));
}

/** What a confirmation link did. */
export type ConfirmOutcome = 'confirmed' | 'alreadyConfirmed' | 'expired' | 'unknown';

/**
 * Confirms a hold by the token of its e-mail link while the hold lasts. The confirmation mail with
 * the calendar file and the reminder follow as jobs; a management link's token is made for the
 * page that answers (shown once: the confirmation link is used up, so a leaked copy of it shows
 * no management link).
 */
export function confirmAppointment(db: Db, tenantId: string, token: string, now = new Date()): Promise<{ outcome: ConfirmOutcome; bookingId?: string; manageToken?: string }> {
  const tokenHash = hashToken(token);
  return inTransaction(db, { tenantId }, async (trx) => {
    const confirmed = await confirmHold(trx, tokenHash, now);
    if (confirmed) {
      await enqueueJob(trx, { tenantId, kind: confirmedMailJob, payload: { bookingId: confirmed.id } });
      await enqueueReminder(trx, tenantId, confirmed.id, confirmed.start, now);
      const manageToken = newToken();
      await insertManageTokenHash(trx, confirmed.id, hashToken(manageToken));
      return { outcome: 'confirmed', bookingId: confirmed.id, manageToken };
    }
    const status = await findBookingStatusByToken(trx, tokenHash);
    return { outcome: status === 'confirmed' ? 'alreadyConfirmed' : status === undefined ? 'unknown' : 'expired' };
  });
}

/**
 * Schedules the reminder mail 24 hours before a confirmed appointment (none when that time has
 * passed already). The job checks at send time that the booking is still confirmed, so a cancelled
 * or rescheduled appointment gets no reminder for its old time.
 */
export async function enqueueReminder(trx: Trx, tenantId: string, bookingId: string, start: Date, now: Date): Promise<void> {
  const runAt = new Date(start.getTime() - reminderHours * 3_600_000);
  if (runAt <= now) return;
  await enqueueJob(trx, { tenantId, kind: reminderJob, payload: { bookingId }, runAt });
}

/** Marks the town's holds that have run out as expired (housekeeping, in its transaction); returns how many. */
export function expireAppointmentHolds(trx: Trx, now = new Date()): Promise<number> {
  return expireHolds(trx, now);
}

/** The town's locations that can be booked: active, with an active counter and a service. */
export function listBookableLocations(db: Db, tenantId: string): Promise<LocationSetup[]> {
  return inTransaction(db, { tenantId }, async (trx) =>
    (await listLocationSetups(trx)).filter((s) => s.location.active && s.offers.length > 0 && s.resources.some((r) => r.active)));
}

/**
 * Whether a start is a time the location offers for these services now (inside the booking
 * window, on an open day, on the grid), whether or not it is still free.
 */
export function isOfferedTime(setup: LocationSetup, start: Date, choices: ServiceChoice[], now = new Date()): boolean {
  const minutes = appointmentMinutes(offersOf(setup), choices);
  const schedule = scheduleOf(setup);
  const resourceId = schedule.resourceIds[0];
  return minutes.ok && resourceId !== undefined && checkSlot(schedule, [], { start, minutes: minutes.minutes, resourceId, now }).ok;
}

/** The free slots of one location for a set of services. */
export interface LocationSlots {
  location: AppointmentLocation;
  minutes: number;
  days: SlotDay[];
}

/**
 * The first `maxDays` days with free slots of a location for an appointment of `minutes`,
 * reading the bookings of one week at a time (bookingWeeks). `exceptBookingId`'s time counts as
 * free (the booking being rescheduled).
 */
export async function nextFreeDays(trx: Trx, setup: LocationSetup, minutes: number, now: Date, maxDays: number, exceptBookingId?: string): Promise<SlotDay[]> {
  const schedule = scheduleOf(setup);
  const days: SlotDay[] = [];
  for (const week of bookingWeeks(schedule, now)) {
    if (days.length >= maxDays) break;
    const busy = await listBusySpans(trx, setup.location.id, week.from, week.to, now, exceptBookingId);
    days.push(...freeSlots(schedule, busy, { minutes, now, maxDays: maxDays - days.length, week }));
  }
  return days;
}

/** The next free slots at each of the locations that offers all chosen services (for as many persons). */
export function searchFreeSlots(db: Db, tenantId: string, locations: readonly LocationSetup[], choices: ServiceChoice[], now = new Date()): Promise<LocationSlots[]> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const results: LocationSlots[] = [];
    for (const setup of locations) {
      const minutes = appointmentMinutes(offersOf(setup), choices);
      if (minutes.ok) results.push({ location: setup.location, minutes: minutes.minutes, days: await nextFreeDays(trx, setup, minutes.minutes, now, searchDays) });
    }
    return results;
  });
}

/** How long the catalog may link to booking on an outdated offer (after an admin's change). */
const bookableCacheMs = 30_000;

/**
 * Which services of a town can be booked at some location, for the catalog's service pages (cached
 * for every visitor, so this is part of their cache key). Read at most every 30 s per town.
 */
export class BookableServices {
  #towns: ShortLivedCache<Set<string>>;

  constructor(db: Db) {
    this.#towns = new ShortLivedCache(bookableCacheMs, (tenantId) => inTransaction(db, { tenantId }, async (trx) => new Set(await listBookableServiceIds(trx))));
  }

  /** Whether the town offers the service at a location. */
  async has(tenantId: string, serviceId: string): Promise<boolean> {
    return (await this.#towns.get(tenantId)).has(serviceId);
  }
}
