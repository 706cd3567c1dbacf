import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { Config } from '../../config.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { townUrl } from '../../platform/http/town-url.js';
import { formatDate, localize } from '../../platform/i18n/i18n.js';
import type { Job, JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { Service } from '../catalog/index.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { t } from './bookings.i18n.js';
import { findBookingContact, findBookingForMail } from './appointments.repository.js';
import { confirmationLinkJob, confirmedMailJob, holdMinutes, issueConfirmationToken, reminderJob } from './bookings.service.js';
import { cancelledMailJob, issueManageToken, rescheduledMailJob } from './manage.service.js';

/** Where a confirmation link leads (the token is the last path segment). */
export const confirmationPath = '/termine/bestaetigen';

/** Where a management link leads (the token is the last path segment). */
export const managePath = '/termine/verwalten';

/** What the appointment mail jobs need. */
export type MailDeps = { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory; services: Map<string, Service> };

/**
 * The town, the booking and where to mail about it for a job naming a booking, or undefined when
 * the booking is gone or no longer in the expected status (nothing to mail).
 */
async function bookingToMail(deps: MailDeps, job: Job, status: 'held' | 'confirmed' | 'cancelled') {
  const { bookingId } = job.payload as { bookingId: string };
  const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
  if (!town) throw new Error('the town of the job does not exist');
  const tenantId = town.id;
  const booking = await inTransaction(deps.db, { tenantId }, (trx) => findBookingForMail(trx, bookingId));
  if (!booking || booking.status !== status) return undefined;
  // Contact data is the location's department's: the mail is sent on its behalf.
  const contact = await inTransaction(deps.db, { tenantId, departmentIds: [booking.departmentId] }, (trx) => findBookingContact(trx, bookingId));
  return contact && { town, bookingId, booking, contact };
}

/**
 * The appointment as a calendar file: times in UTC, so every calendar shows them in its own zone.
 * The uid stays the same when the appointment is rescheduled, and each revision counts up the
 * sequence, so a calendar replaces its entry; a cancellation (METHOD:CANCEL) removes it.
 */
export function appointmentCalendar(input: { uid: string; sequence: number; cancel?: boolean; townName: string; host: string; start: Date; end: Date; summary: string; location: string }): string {
  const calendar = ical({ prodId: { company: 'Rathaus', product: 'Terminvergabe', language: 'DE' }, name: input.townName, method: input.cancel ? ICalCalendarMethod.CANCEL : null });
  calendar.createEvent({
    id: `${input.uid}@${input.host}`, sequence: input.sequence, start: input.start, end: input.end, summary: input.summary, location: input.location, stamp: input.start,
    status: input.cancel ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}

/**
 * Job handlers of the appointments: the mail with a hold's confirmation link; the mails with the
 * confirmed, the rescheduled and the cancelled appointment and its calendar file (ICS); the
 * reminder the day before. Link tokens are made when the mail is sent (never stored in the job
 * table); a hold that ran out, or an appointment cancelled or moved since, gets no mail. The mails
 * name the time and place, not the person.
 */
export function appointmentJobHandlers(deps: MailDeps): Record<string, JobHandler> {
  type Found = NonNullable<Awaited<ReturnType<typeof bookingToMail>>>;
  const servicesOf = (found: Found) => found.booking.services.map((c) => {
    const service = deps.services.get(c.serviceId);
    return t(found.contact.language, 'serviceFor', { service: service ? localize(service.definition.title, found.contact.language) : c.serviceId, persons: c.persons });
  }).join(', ');
  const whereOf = (found: Found) => `${found.booking.locationName}, ${found.booking.address}`;
  const calendarOf = (found: Found, cancel = false) => ({
    filename: 'termin.ics',
    contentType: 'text/calendar; charset=utf-8',
    content: appointmentCalendar({
      uid: found.booking.calendarUid, sequence: found.booking.calendarSequence + (cancel ? 1 : 0), cancel, townName: found.town.name, host: found.town.hosts[0]!,
      start: found.booking.start, end: found.booking.end, summary: `${t(found.contact.language, 'appointment')}: ${servicesOf(found)}`, location: whereOf(found),
    }),
  });

  /** Mails a confirmed appointment with a fresh management link (and the calendar file, unless a reminder). */
  async function mailConfirmed(job: Job, texts: { subject: 'confirmedMailSubject' | 'rescheduledMailSubject' | 'reminderMailSubject'; body: 'confirmedMailBody' | 'rescheduledMailBody' | 'reminderMailBody' }, withCalendar: boolean) {
    const found = await bookingToMail(deps, job, 'confirmed');
    // A reminder for an appointment that has begun (the worker was down) is no use any more.
    if (!found || found.booking.start <= new Date()) return;
    const token = await issueManageToken(deps.db, found.town.id, found.bookingId);
    if (!token) return;
    const lang = found.contact.language;
    await deps.mailer.send({
      tenantId: found.town.id,
      to: found.contact.email,
      subject: t(lang, texts.subject, { town: found.town.name }),
      text: t(lang, texts.body, { when: formatDate(found.booking.start, lang, true), where: whereOf(found), services: servicesOf(found), url: townUrl(deps.config, found.town, `${managePath}/${token}`), town: found.town.name }),
      attachments: withCalendar ? [calendarOf(found)] : [],
    });
  }

  return {
    [confirmationLinkJob]: async (job) => {
      const found = await bookingToMail(deps, job, 'held');
      if (!found) return;
      const { town, bookingId, booking, contact } = found;
      const token = await issueConfirmationToken(deps.db, town.id, bookingId);
      if (!token) return;
      const lang = contact.language;
      await deps.mailer.send({
        tenantId: town.id,
        to: contact.email,
        subject: t(lang, 'confirmMailSubject', { town: town.name }),
        text: t(lang, 'confirmMailBody', {
          when: formatDate(booking.start, lang, true),
          where: `${booking.locationName}, ${booking.address}`,
          minutes: holdMinutes,
          url: townUrl(deps.config, town, `${confirmationPath}/${token}`),
          town: town.name,
        }),
      });
    },
    [confirmedMailJob]: (job) => mailConfirmed(job, { subject: 'confirmedMailSubject', body: 'confirmedMailBody' }, true),
    [rescheduledMailJob]: (job) => mailConfirmed(job, { subject: 'rescheduledMailSubject', body: 'rescheduledMailBody' }, true),
    [reminderJob]: (job) => mailConfirmed(job, { subject: 'reminderMailSubject', body: 'reminderMailBody' }, false),
    [cancelledMailJob]: async (job) => {
      const found = await bookingToMail(deps, job, 'cancelled');
      // A rescheduled booking is cancelled too; its mail is the one about the new time.
      if (!found || found.booking.rescheduledTo) return;
      const lang = found.contact.language;
      await deps.mailer.send({
        tenantId: found.town.id,
        to: found.contact.email,
        subject: t(lang, 'cancelledMailSubject', { town: found.town.name }),
        text: t(lang, 'cancelledMailBody', { when: formatDate(found.booking.start, lang, true), where: whereOf(found), town: found.town.name }),
        attachments: [calendarOf(found, true)],
      });
    },
  };
}
