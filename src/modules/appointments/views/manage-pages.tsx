import { Button, CsrfField } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { t } from '../bookings.i18n.js';
import type { ManagedAppointment } from '../manage.service.js';
import type { ServiceChoice, SlotDay } from '../slots.js';
import { bookingPaths, SlotList, Summary, type BookingSummary } from './booking-pages.js';

/** The management link's page: the appointment, a cancel button and the free times to move it to. */
export function ManagePage(props: { ctx: PageContext; token: string; summary: BookingSummary; choices: ServiceChoice[]; nextFree: SlotDay[] }) {
  const { lang } = props.ctx;
  const reschedule = (start: Date) => `${bookingPaths.reschedule(props.token)}?beginn=${start.toISOString()}`;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'manageTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'manageTitle')}</h1>
      <Summary lang={lang} summary={props.summary} />
      <p class="kern-body">{t(lang, 'manageIntro')}</p>
      <section class="kern-stack">
        <h2 class="kern-heading-large">{t(lang, 'cancelHeading')}</h2>
        <form method="post" action={bookingPaths.cancel(props.token)}>
          <CsrfField token={props.ctx.csrfToken} />
          <p class="kern-body">{t(lang, 'cancelText')}</p>
          <div class="kern-btn-wrapper form-actions"><Button variant="secondary">{t(lang, 'cancel')}</Button></div>
        </form>
      </section>
      <section class="kern-stack">
        <h2 class="kern-heading-large">{t(lang, 'rescheduleHeading')}</h2>
        <p class="kern-body">{t(lang, 'rescheduleText')}</p>
        <SlotList lang={lang} location={props.summary.location} days={props.nextFree} choices={props.choices} slotHref={reschedule} />
      </section>
    </Layout>
  );
}

/** Moving the appointment: the old and the new time, and a button (or, when the new time is gone, the next free ones). */
export function ReschedulePage(props: { ctx: PageContext; token: string; summary: BookingSummary; start: Date; refused?: { taken: boolean; nextFree: SlotDay[]; choices: ServiceChoice[] } }) {
  const { lang } = props.ctx;
  const back = <p class="kern-body"><a class="kern-link" href={bookingPaths.manage(props.token)}>{t(lang, 'backToManage')}</a></p>;
  if (props.refused) {
    const title = t(lang, props.refused.taken ? 'takenTitle' : 'unavailableTitle');
    const reschedule = (start: Date) => `${bookingPaths.reschedule(props.token)}?beginn=${start.toISOString()}`;
    return (
      <Layout ctx={props.ctx} title={title}>
        <h1 class="kern-heading-x-large">{title}</h1>
        <p class="kern-body">{t(lang, props.refused.taken ? 'takenText' : 'unavailableText')}</p>
        <SlotList lang={lang} location={props.summary.location} days={props.refused.nextFree} choices={props.refused.choices} slotHref={reschedule} />
        {back}
      </Layout>
    );
  }
  return (
    <Layout ctx={props.ctx} title={t(lang, 'rescheduleTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'rescheduleTitle')}</h1>
      <h2 class="kern-heading-medium">{t(lang, 'newAppointment')}</h2>
      <Summary lang={lang} summary={{ ...props.summary, start: props.start }} />
      <h2 class="kern-heading-medium">{t(lang, 'oldAppointment')}</h2>
      <Summary lang={lang} summary={props.summary} />
      <form method="post" action={`${bookingPaths.reschedule(props.token)}?beginn=${props.start.toISOString()}`}>
        <CsrfField token={props.ctx.csrfToken} />
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'rescheduleConfirm')}</Button></div>
      </form>
      {back}
    </Layout>
  );
}

/** After a cancellation or a reschedule: what happened, and that a mail follows. */
export function ManageDonePage(props: { ctx: PageContext; done: 'cancelled' | 'rescheduled' }) {
  const { lang } = props.ctx;
  const title = t(lang, props.done === 'cancelled' ? 'cancelledTitle' : 'rescheduledTitle');
  return (
    <Layout ctx={props.ctx} title={title}>
      <h1 class="kern-heading-x-large">{title}</h1>
      <p class="kern-body">{t(lang, props.done === 'cancelled' ? 'cancelledText' : 'rescheduledText')}</p>
      <p class="kern-body"><a class="kern-link" href={bookingPaths.services}>{t(lang, 'bookAgain')}</a></p>
    </Layout>
  );
}

/** A management link that finds nothing (404) or an appointment that can no longer be changed (410). */
export function ManageRefusedPage(props: { ctx: PageContext; found: Exclude<ManagedAppointment, { kind: 'open' }> }) {
  const { lang } = props.ctx;
  const { found } = props;
  const title = t(lang, found.kind === 'unknown' ? 'unknownTitle' : 'goneTitle');
  const text = found.kind === 'unknown' ? t(lang, 'unknownText')
    : t(lang, found.reason === 'cancelled' ? 'goneCancelled' : found.reason === 'rescheduled' ? 'goneRescheduled' : 'gonePast');
  return (
    <Layout ctx={props.ctx} title={title}>
      <h1 class="kern-heading-x-large">{title}</h1>
      <p class="kern-body">{text}</p>
      <p class="kern-body"><a class="kern-link" href={bookingPaths.services}>{t(lang, 'bookAgain')}</a></p>
    </Layout>
  );
}
