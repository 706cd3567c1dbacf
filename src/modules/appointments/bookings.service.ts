import { z } from 'zod';
import { hashToken, isUuid, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import { offersOf, scheduleOf, type AppointmentLocation, type AppointmentText, type LocationSetup } from './appointments.js';
import { confirmHold, expireHolds, expireHoldsOn, findBookingStatusByToken, findLocationSetup, insertHold, listBusySpans, listLocationRows, setConfirmTokenHash } from './appointments.repository.js';
import { parseInput } from './appointments.schema.js';
import { appointmentMinutes, checkSlot, freeSlots, type DurationProblem, type ServiceChoice, type SlotDay, type SlotProblem } from './slots.js';

/** How long a hold waits for its e-mail confirmation before its time is free again. */
export const holdMinutes = 15;
/** How many days of free slots a refusal offers instead. */
const alternativeDays = 3;
/** How many days with free slots the search shows per location. */
const searchDays = 5;
/** The job that mails a hold's confirmation link. */
export const confirmationLinkJob = 'appointments.confirmation_link';
/** The job that mails a confirmed appointment with its calendar file. */
export const confirmedMailJob = 'appointments.confirmed';

// One bare address with a dot in the domain, as the administration accepts for staff.
const emailPattern = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\.]+$/;
const contactSchema = z.object({
  name: z.string().trim().min(1, { error: 'contactNameRequired' }).max(120, { error: 'tooLong' }),
  email: z.string().trim().toLowerCase().min(1, { error: 'emailRequired' }).max(254, { error: 'tooLong' }).regex(emailPattern, { error: 'emailInvalid' }),
});

/** A citizen's request to hold a slot: where, when, what for, and who. */
export interface HoldRequest {
  locationId: string;
  start: Date;
  services: ServiceChoice[];
  name: string;
  email: string;
  language: 'de' | 'en';
}

/** Why a hold was refused: the input, the services, or the slot (then with the next free slots). */
export type HoldRefusal =
  | { kind: 'invalid'; errors: Record<string, AppointmentText> }
  | { kind: 'locationUnknown' }
  | { kind: 'services'; problem: DurationProblem }
  | { kind: 'slot'; problem: SlotProblem; nextFree: SlotDay[] };

/**
 * Holds a slot for a citizen for 15 minutes on the first free counter: checks the request from
 * first principles (a forged, outdated or tampered slot is refused), marks expired holds on that
 * time as expired and inserts the hold. The exclusion constraint decides between concurrent
 * requests: the loser looks again at what is then busy (another counter, or the next free slots).
 */
export async function holdAppointment(db: Db, tenantId: string, request: HoldRequest, now = new Date()): Promise<{ ok: true; bookingId: string; end: Date } | ({ ok: false } & HoldRefusal)> {
  const contact = parseInput(contactSchema, { name: request.name, email: request.email });
  if (!contact.ok) return { ok: false, kind: 'invalid', errors: contact.errors };
  if (!isUuid(request.locationId) || Number.isNaN(request.start.getTime())) return { ok: false, kind: 'locationUnknown' };
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction(db, { tenantId }, async (trx) => {
        const setup = await findLocationSetup(trx, request.locationId);
        if (!setup || !setup.location.active) return { ok: false, kind: 'locationUnknown' } as const;
        const minutes = appointmentMinutes(offersOf(setup), request.services);
        if (!minutes.ok) return { ok: false, kind: 'services', problem: minutes.problem } as const;
        const schedule = scheduleOf(setup);
        const horizonEnd = new Date(now.getTime() + (schedule.horizonDays + 2) * 86_400_000);
        const busy = await listBusySpans(trx, setup.location.id, now, horizonEnd, now);
        const checks = schedule.resourceIds.map((resourceId) => ({ resourceId, check: checkSlot(schedule, busy, { start: request.start, minutes: minutes.minutes, resourceId, now }) }));
        const free = checks.find((c) => c.check.ok);
        if (!free || !free.check.ok) {
          const problem = checks.find((c) => !c.check.ok && c.check.problem !== 'resourceUnknown')?.check;
          return {
            ok: false, kind: 'slot', problem: problem && !problem.ok ? problem.problem : 'taken',
            nextFree: freeSlots(schedule, busy, { minutes: minutes.minutes, now, maxDays: alternativeDays }),
          } as const;
        }
        const end = free.check.end;
        await expireHoldsOn(trx, free.resourceId, request.start, end, now);
        const bookingId = await insertHold(trx, tenantId, {
          locationId: setup.location.id, departmentId: setup.location.departmentId, resourceId: free.resourceId, start: request.start, end,
          services: request.services, expiresAt: new Date(now.getTime() + holdMinutes * 60_000), ...contact.data, language: request.language,
        });
        // The mail leaves after commit (outbox); its token is made when it is sent.
        await enqueueJob(trx, { tenantId, kind: confirmationLinkJob, payload: { bookingId } });
        return { ok: true, bookingId, end } as const;
      });
    } catch (error) {
      // 23P01: a concurrent booking took the counter first; look again at what is free now. Each
      // loss shows one more taken counter, so a few attempts end in a hold or in "taken".
      if ((error as { code?: string }).code !== '23P01' || attempt >= 4) throw error;
    }
  }
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

/** Confirms a hold by the token of its e-mail link while the hold lasts; the confirmation mail with the calendar file follows. */
export function confirmAppointment(db: Db, tenantId: string, token: string, now = new Date()): Promise<{ outcome: ConfirmOutcome; bookingId?: string }> {
  const tokenHash = hashToken(token);
  return inTransaction(db, { tenantId }, async (trx) => {
    const bookingId = await confirmHold(trx, tokenHash, now);
    if (bookingId) {
      await enqueueJob(trx, { tenantId, kind: confirmedMailJob, payload: { bookingId } });
      return { outcome: 'confirmed', bookingId };
    }
    const status = await findBookingStatusByToken(trx, tokenHash);
    return { outcome: status === 'confirmed' ? 'alreadyConfirmed' : status === undefined ? 'unknown' : 'expired' };
  });
}

/** Marks the town's holds that have run out as expired (housekeeping, in its transaction); returns how many. */
export function expireAppointmentHolds(trx: Trx, now = new Date()): Promise<number> {
  return expireHolds(trx, now);
}

/** The town's locations that can be booked: active, with an active counter and a service. */
export function listBookableLocations(db: Db, tenantId: string): Promise<LocationSetup[]> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const setups: LocationSetup[] = [];
    for (const row of await listLocationRows(trx)) {
      const setup = row.active && row.counters > 0 && row.services > 0 ? await findLocationSetup(trx, row.id) : undefined;
      if (setup) setups.push(setup);
    }
    return setups;
  });
}

/** The free slots of one location for a set of services. */
export interface LocationSlots {
  location: AppointmentLocation;
  minutes: number;
  days: SlotDay[];
}

/** The next free slots at every bookable location that offers all chosen services (for as many persons). */
export async function searchFreeSlots(db: Db, tenantId: string, choices: ServiceChoice[], now = new Date()): Promise<LocationSlots[]> {
  const results: LocationSlots[] = [];
  for (const setup of await listBookableLocations(db, tenantId)) {
    const minutes = appointmentMinutes(offersOf(setup), choices);
    if (!minutes.ok) continue;
    const schedule = scheduleOf(setup);
    const busy = await inTransaction(db, { tenantId }, (trx) => listBusySpans(trx, setup.location.id, now, new Date(now.getTime() + (schedule.horizonDays + 2) * 86_400_000), now));
    results.push({ location: setup.location, minutes: minutes.minutes, days: freeSlots(schedule, busy, { minutes: minutes.minutes, now, maxDays: searchDays }) });
  }
  return results;
}
