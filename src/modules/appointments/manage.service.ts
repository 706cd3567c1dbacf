import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import { offersOf, type AppointmentLocation } from './appointments.js';
import { cancelConfirmedBooking, findBookingByManageToken, findLocationSetup, insertManageTokenHash, insertReplacement, type ManagedBookingRow } from './appointments.repository.js';
import { enqueueReminder, findFreeCounter, nextFreeDays, retryWhenTaken, searchDays, type HoldRefusal } from './bookings.service.js';
import { appointmentMinutes, type SlotDay } from './slots.js';
import { offerFreedSlot } from './waiting-list.service.js';

/** The job that mails a cancellation with the calendar file that removes the entry. */
export const cancelledMailJob = 'appointments.cancelled';
/** The job that mails a rescheduled appointment with the revised calendar file. */
export const rescheduledMailJob = 'appointments.rescheduled';

/** A management link's token: 256 random bits, base64url. */
export const isManageToken = (value: string) => /^[A-Za-z0-9_-]{43}$/.test(value);

/**
 * What a management link finds: nothing (a forged or mistyped token), an appointment that can no
 * longer be changed (cancelled, rescheduled to a new booking, or begun), or one that can.
 */
export type ManagedAppointment =
  | { kind: 'unknown' }
  | { kind: 'gone'; reason: 'cancelled' | 'rescheduled' | 'past' }
  | { kind: 'open'; booking: ManagedBookingRow };

function manageable(booking: ManagedBookingRow | undefined, now: Date): ManagedAppointment {
  if (!booking) return { kind: 'unknown' };
  if (booking.status !== 'confirmed') return { kind: 'gone', reason: booking.rescheduledTo ? 'rescheduled' : 'cancelled' };
  if (booking.start <= now) return { kind: 'gone', reason: 'past' };
  return { kind: 'open', booking };
}

/** The appointment a management link's token belongs to, and whether it can still be changed. */
export async function findManagedAppointment(db: Db, tenantId: string, token: string, now = new Date()): Promise<ManagedAppointment> {
  if (!isManageToken(token)) return { kind: 'unknown' };
  return manageable(await inTransaction(db, { tenantId }, (trx) => findBookingByManageToken(trx, hashToken(token))), now);
}

/**
 * Makes the token of a management link for a mail and stores its hash; the mail jobs call it when
 * they send, so the token is never stored. Undefined when the booking is no longer confirmed.
 */
export function issueManageToken(db: Db, tenantId: string, bookingId: string): Promise<string | undefined> {
  const token = newToken();
  return inTransaction(db, { tenantId }, async (trx) => ((await insertManageTokenHash(trx, bookingId, hashToken(token))) ? token : undefined));
}

/** Cancels the appointment of a management link; its time is free at once, and a mail confirms the cancellation. */
export async function cancelAppointment(db: Db, tenantId: string, token: string, now = new Date()): Promise<ManagedAppointment> {
  if (!isManageToken(token)) return { kind: 'unknown' };
  return inTransaction(db, { tenantId }, async (trx) => {
    const found = manageable(await findBookingByManageToken(trx, hashToken(token)), now);
    if (found.kind !== 'open') return found;
    // A concurrent cancel or reschedule of the same booking waits here and then finds it changed.
    if (!(await cancelConfirmedBooking(trx, found.booking.id, now))) return { kind: 'gone', reason: 'cancelled' } as const;
    await enqueueJob(trx, { tenantId, kind: cancelledMailJob, payload: { bookingId: found.booking.id } });
    await offerFreedSlot(trx, tenantId, found.booking.locationId);
    return found;
  });
}

/** The location of a managed appointment and the free times it could move to (its own time counts as free). */
export async function findRescheduleSlots(db: Db, tenantId: string, booking: ManagedBookingRow, now = new Date()): Promise<{ location: AppointmentLocation; days: SlotDay[] } | undefined> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const setup = await findLocationSetup(trx, booking.locationId);
    if (!setup) return undefined;
    const minutes = appointmentMinutes(offersOf(setup), booking.services);
    if (!setup.location.active || !minutes.ok) return { location: setup.location, days: [] };
    // Its own time counts as free (a move may overlap it) but is no other time to move to.
    const days = (await nextFreeDays(trx, setup, minutes.minutes, now, searchDays, booking.id))
      .map((d) => ({ ...d, slots: d.slots.filter((slot) => slot.start.getTime() !== booking.start.getTime()) })).filter((d) => d.slots.length > 0);
    return { location: setup.location, days };
  });
}

/** Why a reschedule did not happen: the link, or the new slot (then with the next free slots). */
export type RescheduleRefusal = Exclude<ManagedAppointment, { kind: 'open' }> | HoldRefusal;

/**
 * Moves the appointment of a management link to another start at the same location, for the same
 * services. In one transaction: the new start is checked like a new booking (its own old time
 * counts as free), the old booking is cancelled and the new one inserted as confirmed, keeping the
 * calendar entry (uid, next revision) and the contact. If the new time is taken, nothing changes.
 * The transaction acts as the location's department, because it copies the contact data.
 */
export async function rescheduleAppointment(db: Db, tenantId: string, token: string, start: Date, now = new Date()): Promise<{ ok: true; bookingId: string } | ({ ok: false } & RescheduleRefusal)> {
  const found = await findManagedAppointment(db, tenantId, token, now);
  if (found.kind !== 'open') return { ok: false, ...found };
  if (Number.isNaN(start.getTime())) return { ok: false, kind: 'locationUnknown' };
  const old = found.booking;
  return retryWhenTaken(() => inTransaction(db, { tenantId, departmentIds: [old.departmentId] }, async (trx) => {
    const setup = await findLocationSetup(trx, old.locationId);
    if (!setup || !setup.location.active) return { ok: false, kind: 'locationUnknown' } as const;
    const counter = await findFreeCounter(trx, setup, start, old.services, now, old.id);
    if (!counter.ok) return counter;
    // Cancelled first, so the new span may overlap the old one on the same counter; should the
    // insert fail, the transaction rolls back and the old booking stands.
    if (!(await cancelConfirmedBooking(trx, old.id, now))) return { ok: false, kind: 'gone', reason: 'cancelled' } as const;
    const bookingId = await insertReplacement(trx, tenantId, old.id, {
      locationId: old.locationId, resourceId: counter.resourceId, start, end: counter.end, services: old.services,
      confirmedAt: now, calendarUid: old.calendarUid, calendarSequence: old.calendarSequence + 1,
    });
    await enqueueJob(trx, { tenantId, kind: rescheduledMailJob, payload: { bookingId } });
    await offerFreedSlot(trx, tenantId, old.locationId);
    await enqueueReminder(trx, tenantId, bookingId, start, now);
    return { ok: true, bookingId } as const;
  }));
}
