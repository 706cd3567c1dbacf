import type { VNode } from 'preact';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { localize, type Lang, type Localized } from '../../platform/i18n/i18n.js';
import { listBookableServiceIds } from './appointments.repository.js';
import { bookingPaths } from './views/booking-pages.js';
import { t } from './waiting-list.i18n.js';

/** A service's pickup appointment as its definition names it (service-definition.ts). */
type Pickup = { service: string; text: Localized; when?: { field: string; equals: string } };

/**
 * The receipt's offer to book an appointment to collect the result in person (a service's
 * `pickup`, for the applicants its `when` names), with the pickup service preselected: only when
 * the town offers that service at a location with a counter, so the link never leads to an empty
 * booking page.
 */
export async function pickupAppointment(db: Db, tenantId: string, pickup: Pickup | undefined, answers: Record<string, Record<string, unknown> | undefined>, lang: Lang): Promise<VNode | undefined> {
  if (!pickup) return undefined;
  if (pickup.when) {
    const [step, field] = pickup.when.field.split('.') as [string, string];
    if (answers[step]?.[field] !== pickup.when.equals) return undefined;
  }
  const bookable = await inTransaction(db, { tenantId }, (trx) => listBookableServiceIds(trx));
  if (!bookable.includes(pickup.service)) return undefined;
  return (
    <section class="kern-stack" aria-labelledby="abholtermin">
      <h2 class="kern-heading-medium" id="abholtermin">{t(lang, 'pickupLink')}</h2>
      <p class="kern-body">{localize(pickup.text, lang)}</p>
      <p class="kern-body"><a class="kern-link" href={`${bookingPaths.services}?leistung=${encodeURIComponent(pickup.service)}`}>{t(lang, 'pickupLink')}</a></p>
    </section>
  );
}
