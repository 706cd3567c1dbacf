import { hashToken, isUuid, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import { berlinDay, berlinMidnight } from '../../platform/i18n/i18n.js';
import { offersOf, type AppointmentText, type LocationSetup } from './appointments.js';
import { expireHoldsOn, findLocationDepartmentId, findLocationSetup, insertHold, shareCounters } from './appointments.repository.js';
import { contactSchema, nextFreeDays, retryWhenTaken } from './bookings.service.js';
import { parseInput } from './appointments.schema.js';
import { appointmentMinutes, type DurationProblem, type ServiceChoice } from './slots.js';
import {
  confirmEntry, countOpenEntriesOfAddress, endEntry, findBookingStatus, findEntry, findEntryByToken, findEntryContact, insertEntry, lapseStaleEntries, listWaitingEntries,
  lockWaitingList, markOffered, releaseOfferedHold, returnToWaiting, setEntryTokenHashes,
} from './waiting-list.repository.js';

/** How long a slot offered to a waiting citizen is held for them alone. */
export const offerMinutes = 30;
/** How many places on the town's waiting lists one e-mail address may hold at once. */
export const maxEntriesPerAddress = 3;
/** How often the list of a location is offered what became free otherwise (holds run out, new counters, released days). */
export const sweepMinutes = 10;
/**
 * The location as the list sees it: the day entering the horizon from midnight on, ignoring the
 * release time, so waiting places are offered its times before the public may book them.
 */
const releasedAtMidnight = (setup: LocationSetup): LocationSetup => ({ ...setup, location: { ...setup.location, releaseTime: null } });

/** The instant the Berlin day after `now`'s begins (a Berlin day lasts 23 to 25 hours). */
const nextBerlinMidnight = (now: Date) => berlinMidnight(berlinDay(new Date(berlinMidnight(berlinDay(now)).getTime() + 30 * 3_600_000)));

/** How many waiting places one offer run looks at (the rest wait for the next run). */
const placesPerRun = 50;
/** The job that mails the opt-in and leave links of a new place. */
export const optinMailJob = 'appointments.waitlist_optin';
/** The job that offers a location's free slots to its list in order. */
export const offerJob = 'appointments.waitlist_offer';
/** The job that mails an offer with its booking link. */
export const offerMailJob = 'appointments.waitlist_offer_mail';
/** The job that tells a citizen their place ended after waiting as long as the location books ahead. */
export const endedMailJob = 'appointments.waitlist_ended';
/** The job that ends an offer when its hold runs out (booked, or lapsed and offered to the next). */
export const offerEndJob = 'appointments.waitlist_offer_end';

/** A citizen's request to wait for a slot at a location. */
export interface JoinRequest {
  locationId: string;
  services: ServiceChoice[];
  name: string;
  email: string;
  language: 'de' | 'en';
}

/** Why joining was refused: the input, the place, the services, or there are free slots to book. */
export type JoinRefusal =
  | { kind: 'invalid'; errors: Record<string, AppointmentText> }
  | { kind: 'locationUnknown' }
  | { kind: 'services'; problem: DurationProblem }
  | { kind: 'slotsFree' };

/**
 * Puts a citizen on a location's waiting list, unconfirmed until the mailed opt-in link is used.
 * Only when no slot is free in the horizon for these services (else they can book); at most
 * `maxEntriesPerAddress` open places per address (counted under a lock on the address).
 */
export async function joinWaitingList(db: Db, tenantId: string, request: JoinRequest, now = new Date()): Promise<{ ok: true } | ({ ok: false } & JoinRefusal)> {
  const contact = parseInput(contactSchema, { name: request.name, email: request.email });
  if (!contact.ok) return { ok: false, kind: 'invalid', errors: contact.errors };
  if (!isUuid(request.locationId)) return { ok: false, kind: 'locationUnknown' };
  const departmentId = await inTransaction(db, { tenantId }, (trx) => findLocationDepartmentId(trx, request.locationId));
  if (!departmentId) return { ok: false, kind: 'locationUnknown' };
  return inTransaction(db, { tenantId, departmentIds: [departmentId] }, async (trx) => {
    const setup = await findLocationSetup(trx, request.locationId);
    if (!setup || !setup.location.active) return { ok: false, kind: 'locationUnknown' } as const;
    const minutes = appointmentMinutes(offersOf(setup), request.services);
    if (!minutes.ok) return { ok: false, kind: 'services', problem: minutes.problem } as const;
    if ((await nextFreeDays(trx, setup, minutes.minutes, now, 1)).length > 0) return { ok: false, kind: 'slotsFree' } as const;
    if ((await countOpenEntriesOfAddress(trx, tenantId, contact.data.email)) >= maxEntriesPerAddress) {
      return { ok: false, kind: 'invalid', errors: { email: { key: 'tooManyWaitlistEntries', params: { max: maxEntriesPerAddress } } } } as const;
    }
    const entryId = await insertEntry(trx, tenantId, { locationId: setup.location.id, departmentId, services: request.services, ...contact.data, language: request.language });
    await enqueueJob(trx, { tenantId, kind: optinMailJob, payload: { entryId } });
    return { ok: true } as const;
  });
}

/**
 * Makes the tokens of a new place's opt-in and leave links and stores their hashes; the mail job
 * calls it when it sends, so the tokens are never stored. Undefined when the place is no longer unconfirmed.
 */
export function issueEntryTokens(db: Db, tenantId: string, entryId: string): Promise<{ optin: string; leave: string } | undefined> {
  const tokens = { optin: newToken(), leave: newToken() };
  return inTransaction(db, { tenantId }, async (trx) => ((await setEntryTokenHashes(trx, entryId, hashToken(tokens.optin), hashToken(tokens.leave))) ? tokens : undefined));
}

/**
 * Starts offering to a location's list: at once (something may have become free since the join)
 * and, when this is the list's first waiting place, every `sweepMinutes` while places wait
 * (continued by the offer job), for what becomes free without an event: holds that run out,
 * counters or opening hours added by the town.
 */
async function startOffering(trx: Trx, tenantId: string, locationId: string, firstWaiting: boolean): Promise<void> {
  await enqueueJob(trx, { tenantId, kind: offerJob, payload: { locationId, sweep: firstWaiting } });
}

/** Enqueues an offer run for a location's list, in the transaction that freed a slot there (a cancellation). */
export function offerFreedSlot(trx: Trx, tenantId: string, locationId: string): Promise<void> {
  return startOffering(trx, tenantId, locationId, false);
}

/** What an opt-in link did. */
export type OptinOutcome = 'joined' | 'alreadyJoined' | 'unknown';

/** Puts a place on its list by its opt-in link's token; offers start at once. */
export async function confirmWaitlistEntry(db: Db, tenantId: string, token: string, now = new Date()): Promise<OptinOutcome> {
  const hash = hashToken(token);
  const entry = await inTransaction(db, { tenantId }, (trx) => findEntryByToken(trx, 'optin_token_hash', hash));
  if (!entry) return 'unknown';
  return inTransaction(db, { tenantId }, async (trx) => {
    await lockWaitingList(trx, tenantId, entry.locationId);
    const othersWaiting = (await listWaitingEntries(trx, entry.locationId, 1)).length > 0;
    if (!(await confirmEntry(trx, hash, now))) return 'alreadyJoined';
    await startOffering(trx, tenantId, entry.locationId, !othersWaiting);
    return 'joined';
  });
}

/** What a leave link did. */
export type LeaveOutcome = 'left' | 'alreadyEnded' | 'unknown';

/** Takes a place off its list by its leave link's token; a slot held for it is offered to the next. */
export async function leaveWaitingList(db: Db, tenantId: string, token: string, now = new Date()): Promise<LeaveOutcome> {
  const hash = hashToken(token);
  return inTransaction(db, { tenantId }, async (trx) => {
    const entry = await findEntryByToken(trx, 'leave_token_hash', hash);
    if (!entry) return 'unknown';
    await lockWaitingList(trx, tenantId, entry.locationId);
    if (!(await endEntry(trx, entry.id, 'left', now))) return 'alreadyEnded';
    if (entry.status === 'offered' && entry.offeredBookingId) {
      await releaseOfferedHold(trx, entry.offeredBookingId);
      await offerFreedSlot(trx, tenantId, entry.locationId);
    }
    return 'left';
  });
}

/**
 * Offers a location's free slots to its waiting list, first joined first (after ending the places
 * that have waited as many days as the location books ahead): each waiting place for
 * which a slot is free gets the earliest one as a hold of `offerMinutes` in its name (so no one else
 * can book it meanwhile: the exclusion constraint), an offer mail and a job that ends the offer.
 * Slots of the day entering the horizon count from midnight, before a release time opens them to
 * everyone (the list goes first). Runs under the list's lock, so concurrent runs (two cancellations
 * at once) offer one after the other and never the same slot or the same place twice. Returns how
 * many places were offered a slot.
 */
export async function offerFreeSlots(db: Db, tenantId: string, locationId: string, now = new Date()): Promise<number> {
  const departmentId = await inTransaction(db, { tenantId }, (trx) => findLocationDepartmentId(trx, locationId));
  if (!departmentId) return 0;
  // A citizen booking the same time at once may win it (23P01): then the run starts again.
  return retryWhenTaken(() => inTransaction(db, { tenantId, departmentIds: [departmentId] }, async (trx) => {
    await lockWaitingList(trx, tenantId, locationId);
    const setup = await findLocationSetup(trx, locationId);
    if (!setup) return 0;
    // A place waits as long as the location books ahead: then it ends, and the citizen is told.
    for (const entryId of await lapseStaleEntries(trx, locationId, new Date(now.getTime() - setup.location.horizonDays * 86_400_000), now)) {
      await enqueueJob(trx, { tenantId, kind: endedMailJob, payload: { entryId } });
    }
    const waiting = await listWaitingEntries(trx, locationId, placesPerRun);
    if (waiting.length === 0 || !setup.location.active) return 0;
    await shareCounters(trx, locationId);
    const expiresAt = new Date(now.getTime() + offerMinutes * 60_000);
    let offered = 0;
    for (const entry of waiting) {
      const minutes = appointmentMinutes(offersOf(setup), entry.services);
      // Reads the bookings again for each place: the holds this run made are among them.
      const slot = minutes.ok ? (await nextFreeDays(trx, releasedAtMidnight(setup), minutes.minutes, now, 1))[0]?.slots[0] : undefined;
      const contact = slot && (await findEntryContact(trx, entry.id));
      if (!slot || !contact) continue;
      const resourceId = slot.resourceIds[0]!;
      await expireHoldsOn(trx, resourceId, slot.start, slot.end, now);
      const bookingId = await insertHold(trx, tenantId, { locationId, departmentId, resourceId, start: slot.start, end: slot.end, services: entry.services, expiresAt, ...contact });
      await markOffered(trx, entry.id, bookingId, expiresAt);
      await enqueueJob(trx, { tenantId, kind: offerMailJob, payload: { entryId: entry.id } });
      await enqueueJob(trx, { tenantId, kind: offerEndJob, payload: { entryId: entry.id }, runAt: expiresAt });
      offered++;
    }
    return offered;
  }));
}

/**
 * Ends the offer of a place once its hold has run out (or is confirmed): booked when the citizen
 * confirmed it; withdrawn when a counter block cancelled the hold (the place waits again in its
 * position); else lapsed (the place leaves the list, as the offer mail said) and its slot is
 * offered to the next at once. Does nothing before the hold's end or for a place no longer offered.
 */
export async function endOffer(db: Db, tenantId: string, entryId: string, now = new Date()): Promise<'booked' | 'lapsed' | 'withdrawn' | undefined> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const found = await findEntry(trx, entryId);
    if (!found) return undefined;
    await lockWaitingList(trx, tenantId, found.locationId);
    const entry = await findEntry(trx, entryId);
    if (!entry || entry.status !== 'offered' || !entry.offeredBookingId || !entry.offerExpiresAt) return undefined;
    const status = await findBookingStatus(trx, entry.offeredBookingId);
    if (status === 'confirmed') return (await endEntry(trx, entry.id, 'booked', now)) ? 'booked' : undefined;
    if (now < entry.offerExpiresAt && status === 'held') return undefined;
    // Only the office cancels a hold (a counter block over the offered time): the citizen did
    // nothing wrong, so the place keeps its position for the next free time.
    if (status === 'cancelled') {
      // Its sweep may have ended while no place waited: started again, like an opt-in's.
      const othersWaiting = (await listWaitingEntries(trx, entry.locationId, 1)).length > 0;
      await returnToWaiting(trx, entry.id);
      await startOffering(trx, tenantId, entry.locationId, !othersWaiting);
      return 'withdrawn';
    }
    await releaseOfferedHold(trx, entry.offeredBookingId);
    await endEntry(trx, entry.id, 'lapsed', now);
    await offerFreedSlot(trx, tenantId, entry.locationId);
    return 'lapsed';
  });
}

/**
 * Runs an offer job: offers, and continues the sweep of a list while places wait, every
 * `sweepMinutes` and at each Berlin midnight.
 */
export async function runOfferJob(db: Db, tenantId: string, payload: { locationId: string; sweep?: boolean }, now = new Date()): Promise<void> {
  await offerFreeSlots(db, tenantId, payload.locationId, now);
  if (!payload.sweep) return;
  // Under the list's lock, like an opt-in deciding whether to start the sweep: exactly one sweep runs while places wait.
  await inTransaction(db, { tenantId }, async (trx) => {
    await lockWaitingList(trx, tenantId, payload.locationId);
    if ((await listWaitingEntries(trx, payload.locationId, 1)).length === 0) return;
    // At the latest at the start of the Berlin day: the day entering the horizon then reaches the
    // list at once, hours before a location's release time opens it to the public.
    const runAt = new Date(Math.min(now.getTime() + sweepMinutes * 60_000, nextBerlinMidnight(now).getTime()));
    await enqueueJob(trx, { tenantId, kind: offerJob, payload: { locationId: payload.locationId, sweep: true }, runAt });
  });
}
