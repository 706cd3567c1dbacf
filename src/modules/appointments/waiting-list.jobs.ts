import { inTransaction } from '../../platform/db/database.js';
import { townUrl } from '../../platform/http/town-url.js';
import { formatDate, localize, type Lang } from '../../platform/i18n/i18n.js';
import type { Job, JobHandler } from '../../platform/jobs/jobs.js';
import { offersOf } from './appointments.js';
import { findBookingContact, findBookingForMail, findLocationSetup } from './appointments.repository.js';
import { appointmentCalendar, confirmationPath, type MailDeps } from './booking-mail.js';
import { t as bookingText } from './bookings.i18n.js';
import { issueConfirmationToken, nextFreeDays } from './bookings.service.js';
import { blockedMailJob } from './counter-blocks.service.js';
import { findBlockOfBooking } from './counter-blocks.repository.js';
import { appointmentMinutes, type ServiceChoice } from './slots.js';
import { bookingPaths, choiceQuery } from './views/booking-pages.js';
import { t } from './waiting-list.i18n.js';
import { endedMailJob, endOffer, issueEntryTokens, offerEndJob, offerJob, offerMailJob, optinMailJob, runOfferJob } from './waiting-list.service.js';
import { findEntry, findEntryContact } from './waiting-list.repository.js';
import { waitlistPaths } from './views/waiting-list-pages.js';

/** How many free times the mail about a blocked counter names. */
const timesInBlockedMail = 3;

/**
 * Job handlers of the waiting list (opt-in mail, offer runs, offer mail, end of an offer) and the
 * mail to citizens whose appointment a counter block cancelled. The mails name time and place and
 * carry link tokens made when they are sent, never the person.
 */
export function waitingListJobHandlers(deps: MailDeps): Record<string, JobHandler> {
  const townOf = (job: Job) => {
    const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
    if (!town) throw new Error('the town of the job does not exist');
    return town;
  };
  const servicesText = (services: ServiceChoice[], lang: Lang) => services.map((c) => {
    const service = deps.services.get(c.serviceId);
    return bookingText(lang, 'serviceFor', { service: service ? localize(service.definition.title, lang) : c.serviceId, persons: c.persons });
  }).join(', ');

  /** The place of a job with its contact (as the location's department), or undefined when gone. */
  async function entryOf(job: Job) {
    const town = townOf(job);
    const { entryId } = job.payload as { entryId: string };
    const entry = await inTransaction(deps.db, { tenantId: town.id }, (trx) => findEntry(trx, entryId));
    if (!entry) return undefined;
    const contact = await inTransaction(deps.db, { tenantId: town.id, departmentIds: [entry.departmentId] }, (trx) => findEntryContact(trx, entryId));
    return contact && { town, entry, contact };
  }

  return {
    [optinMailJob]: async (job) => {
      const found = await entryOf(job);
      if (!found || found.entry.status !== 'unconfirmed') return;
      const tokens = await issueEntryTokens(deps.db, found.town.id, found.entry.id);
      if (!tokens) return;
      const { town, contact } = found;
      const setup = await inTransaction(deps.db, { tenantId: town.id }, (trx) => findLocationSetup(trx, found.entry.locationId));
      await deps.mailer.send({
        tenantId: town.id, to: contact.email,
        subject: t(contact.language, 'optinMailSubject', { town: town.name }),
        text: t(contact.language, 'optinMailBody', {
          where: setup ? `${setup.location.name}, ${setup.location.address}` : '', services: servicesText(found.entry.services, contact.language),
          url: townUrl(deps.config, town, waitlistPaths.optin(tokens.optin)), leaveUrl: townUrl(deps.config, town, waitlistPaths.leave(tokens.leave)), town: town.name,
        }),
      });
    },
    [offerJob]: async (job) => {
      await runOfferJob(deps.db, townOf(job).id, job.payload as { locationId: string; sweep?: boolean });
    },
    [offerMailJob]: async (job) => {
      const found = await entryOf(job);
      if (!found || found.entry.status !== 'offered' || !found.entry.offeredBookingId || !found.entry.offerExpiresAt) return;
      const { town, contact, entry } = found;
      const booking = await inTransaction(deps.db, { tenantId: town.id }, (trx) => findBookingForMail(trx, entry.offeredBookingId!));
      const token = booking && (await issueConfirmationToken(deps.db, town.id, entry.offeredBookingId!));
      if (!booking || !token) return;
      const lang = contact.language;
      await deps.mailer.send({
        tenantId: town.id, to: contact.email,
        subject: t(lang, 'offerMailSubject', { town: town.name }),
        text: t(lang, 'offerMailBody', {
          when: formatDate(booking.start, lang, true), where: `${booking.locationName}, ${booking.address}`, until: formatDate(entry.offerExpiresAt!, lang, true),
          url: townUrl(deps.config, town, `${confirmationPath}/${token}`), town: town.name,
        }),
      });
    },
    [endedMailJob]: async (job) => {
      const found = await entryOf(job);
      if (!found || found.entry.status !== 'lapsed' || found.entry.offeredBookingId) return;
      const { town, contact, entry } = found;
      const setup = await inTransaction(deps.db, { tenantId: town.id }, (trx) => findLocationSetup(trx, entry.locationId));
      if (!setup) return;
      await deps.mailer.send({
        tenantId: town.id, to: contact.email,
        subject: t(contact.language, 'endedMailSubject', { town: town.name }),
        text: t(contact.language, 'endedMailBody', {
          days: setup.location.horizonDays, where: `${setup.location.name}, ${setup.location.address}`,
          url: townUrl(deps.config, town, `${bookingPaths.free}?${choiceQuery(entry.services)}`), town: town.name,
        }),
      });
    },
    [offerEndJob]: async (job) => {
      await endOffer(deps.db, townOf(job).id, (job.payload as { entryId: string }).entryId);
    },
    [blockedMailJob]: async (job) => {
      const town = townOf(job);
      const { bookingId } = job.payload as { bookingId: string };
      const booking = await inTransaction(deps.db, { tenantId: town.id }, (trx) => findBookingForMail(trx, bookingId));
      if (!booking || booking.status !== 'cancelled') return;
      const contact = await inTransaction(deps.db, { tenantId: town.id, departmentIds: [booking.departmentId] }, (trx) => findBookingContact(trx, bookingId));
      if (!contact) return;
      const now = new Date();
      const { reason, next } = await inTransaction(deps.db, { tenantId: town.id }, async (trx) => {
        const block = await findBlockOfBooking(trx, bookingId);
        const reason = block?.reason ?? '';
        const setup = block && (await findLocationSetup(trx, block.locationId));
        const minutes = setup && appointmentMinutes(offersOf(setup), booking.services);
        if (!setup || !minutes?.ok) return { reason, next: [] as Date[] };
        const days = await nextFreeDays(trx, setup, minutes.minutes, now, timesInBlockedMail);
        return { reason, next: days.flatMap((d) => d.slots.map((s) => s.start)).slice(0, timesInBlockedMail) };
      });
      const lang = contact.language;
      const where = `${booking.locationName}, ${booking.address}`;
      await deps.mailer.send({
        tenantId: town.id, to: contact.email,
        subject: t(lang, 'blockedMailSubject', { town: town.name }),
        text: t(lang, 'blockedMailBody', {
          when: formatDate(booking.start, lang, true), where, reason,
          url: townUrl(deps.config, town, `${bookingPaths.free}?${choiceQuery(booking.services)}`),
          offers: next.length > 0 ? `\n${t(lang, 'nextFreeInMail', { times: next.map((d) => formatDate(d, lang, true)).join('; ') })}` : '', town: town.name,
        }),
        attachments: [{
          filename: 'termin.ics', contentType: 'text/calendar; charset=utf-8',
          content: appointmentCalendar({
            uid: booking.calendarUid, sequence: booking.calendarSequence + 1, cancel: true, townName: town.name, host: town.hosts[0]!,
            start: booking.start, end: booking.end, summary: `${bookingText(lang, 'appointment')}: ${servicesText(booking.services, lang)}`, location: where,
          }),
        }],
      });
    },
  };
}
