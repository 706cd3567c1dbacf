import ical from 'ical-generator';
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
import { confirmationLinkJob, confirmedMailJob, holdMinutes, issueConfirmationToken } from './bookings.service.js';

/** Where a confirmation link leads (the token is the last path segment). */
export const confirmationPath = '/termine/bestaetigen';

type MailDeps = { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory; services: Map<string, Service> };

/**
 * The town, the booking and where to mail about it for a job naming a booking, or undefined when
 * the booking is gone or no longer in the expected status (nothing to mail).
 */
async function bookingToMail(deps: MailDeps, job: Job, status: 'held' | 'confirmed') {
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
 * The appointment as a calendar file: times in UTC, so every calendar shows them in its own zone;
 * the uid stays the same for the booking, so a later change can replace the entry.
 */
export function appointmentCalendar(input: { bookingId: string; townName: string; host: string; start: Date; end: Date; summary: string; location: string }): string {
  const calendar = ical({ prodId: { company: 'Rathaus', product: 'Terminvergabe', language: 'DE' }, name: input.townName });
  calendar.createEvent({ id: `${input.bookingId}@${input.host}`, start: input.start, end: input.end, summary: input.summary, location: input.location, stamp: input.start });
  return calendar.toString();
}

/**
 * Job handlers of the appointments: the mail with a hold's confirmation link, and the mail with
 * the confirmed appointment and its calendar file (ICS). The token is made
 * when the mail is sent (never stored in the job table); a hold that ran out gets no mail. The
 * mail names the time and place, not the person.
 */
export function appointmentJobHandlers(deps: MailDeps): Record<string, JobHandler> {
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
    [confirmedMailJob]: async (job) => {
      const found = await bookingToMail(deps, job, 'confirmed');
      if (!found) return;
      const { town, bookingId, booking, contact } = found;
      const lang = contact.language;
      const services = booking.services.map((c) => {
        const service = deps.services.get(c.serviceId);
        return t(lang, 'serviceFor', { service: service ? localize(service.definition.title, lang) : c.serviceId, persons: c.persons });
      }).join(', ');
      const where = `${booking.locationName}, ${booking.address}`;
      await deps.mailer.send({
        tenantId: town.id,
        to: contact.email,
        subject: t(lang, 'confirmedMailSubject', { town: town.name }),
        text: t(lang, 'confirmedMailBody', { when: formatDate(booking.start, lang, true), where, services, town: town.name }),
        attachments: [{
          filename: 'termin.ics',
          contentType: 'text/calendar; charset=utf-8',
          content: appointmentCalendar({ bookingId, townName: town.name, host: town.hosts[0]!, start: booking.start, end: booking.end, summary: `${t(lang, 'appointment')}: ${services}`, location: where }),
        }],
      });
    },
  };
}
