import type { Config } from '../../config.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { townUrl } from '../../platform/http/town-url.js';
import { formatDate } from '../../platform/i18n/i18n.js';
import type { JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { t } from './bookings.i18n.js';
import { findBookingContact, findBookingForMail } from './appointments.repository.js';
import { confirmationLinkJob, holdMinutes, issueConfirmationToken } from './bookings.service.js';

/** Where a confirmation link leads (the token is the last path segment). */
export const confirmationPath = '/termine/bestaetigen';

/**
 * Job handlers of the appointments: the mail with a hold's confirmation link. The token is made
 * when the mail is sent (never stored in the job table); a hold that ran out gets no mail. The
 * mail names the time and place, not the person.
 */
export function appointmentJobHandlers(deps: { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory }): Record<string, JobHandler> {
  return {
    [confirmationLinkJob]: async (job) => {
      const { bookingId } = job.payload as { bookingId: string };
      const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
      if (!town) throw new Error('the town of the job does not exist');
      const booking = await inTransaction(deps.db, { tenantId: town.id }, (trx) => findBookingForMail(trx, bookingId));
      if (!booking || booking.status !== 'held') return;
      // Contact data is the location's department's: the mail is sent on its behalf.
      const contact = await inTransaction(deps.db, { tenantId: town.id, departmentIds: [booking.departmentId] }, (trx) => findBookingContact(trx, bookingId));
      if (!contact) return;
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
  };
}
