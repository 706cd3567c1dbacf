import type { Lang } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField, ErrorSummary, SelectField, SummaryList, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import type { AppointmentLocation } from '../appointments.js';
import { secondsWithoutWork, type FormChallenge, type FrictionRefusal } from '../booking-friction.js';
import { t } from '../bookings.i18n.js';
import type { LocationSlots } from '../bookings.service.js';
import type { ServiceChoice, SlotDay } from '../slots.js';
import { JoinLink } from './waiting-list-pages.js';

/** Where the citizen's booking pages live. */
export const bookingPaths = {
  services: '/termine',
  free: '/termine/freie-zeiten',
  book: '/termine/buchen',
  held: '/termine/vorgemerkt',
  confirm: (token: string) => `/termine/bestaetigen/${token}`,
  manage: (token: string) => `/termine/verwalten/${token}`,
  cancel: (token: string) => `/termine/verwalten/${token}/absagen`,
  reschedule: (token: string) => `/termine/verwalten/${token}/verschieben`,
  cancelled: '/termine/abgesagt',
  rescheduled: '/termine/verschoben',
} as const;

/** The query field of a service's number of persons. */
export const personsField = (serviceId: string) => `p_${serviceId}`;

/** The chosen services as query parameters, for links that carry the choice on. */
export function choiceQuery(choices: readonly ServiceChoice[]): string {
  return choices.map((c) => `${personsField(c.serviceId)}=${c.persons}`).join('&');
}

const dayNames = {
  de: new Intl.DateTimeFormat('de-DE', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
};
/** 'YYYY-MM-DD' as "Montag, 30. November 2026" (the day is a calendar day, not an instant). */
export function dayName(day: string, lang: Lang): string {
  return dayNames[lang].format(new Date(`${day}T12:00:00Z`));
}

/** A service offered somewhere, with how many persons one appointment may be for. */
export interface BookableService {
  id: string;
  title: string;
  maxPersons: number;
}

/** Step 1: which services, for how many persons (a GET form: the choice is no personal data). */
export function ServicesPage(props: { ctx: PageContext; services: BookableService[]; values: Record<string, string>; errors: FieldErrors }) {
  const { lang } = props.ctx;
  const first = props.services[0];
  return (
    <Layout ctx={props.ctx} title={t(lang, 'bookTitle')}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <h1 class="kern-heading-x-large">{t(lang, 'bookTitle')}</h1>
      {props.services.length === 0 ? <p class="kern-body">{t(lang, 'noBooking')}</p> : (
        <form method="get" action={bookingPaths.free} novalidate class="narrow-form">
          <p class="kern-body">{t(lang, 'bookIntro')}</p>
          <div class="kern-stack">
            {props.services.map((s) => (
              <SelectField key={s.id} name={personsField(s.id)} label={t(lang, 'personsFor', { service: s.title })} value={props.values[personsField(s.id)] ?? ''} lang={lang} required={false}
                error={s === first ? props.errors[personsField(s.id)] : undefined} placeholder={t(lang, 'notChosen')}
                options={Array.from({ length: s.maxPersons }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }))} />
            ))}
          </div>
          <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'showSlots')}</Button></div>
        </form>
      )}
    </Layout>
  );
}

/** One location's free days and times, each time a link to the booking form (or, with `slotHref`, elsewhere). */
export function SlotList(props: { lang: Lang; location: AppointmentLocation; days: SlotDay[]; choices: ServiceChoice[]; slotHref?: (start: Date) => string }) {
  const { lang } = props;
  if (props.days.length === 0) return <p class="kern-body">{t(lang, 'noFreeSlots')}</p>;
  const query = choiceQuery(props.choices);
  const href = props.slotHref ?? ((start: Date) => `${bookingPaths.book}?ort=${props.location.id}&beginn=${start.toISOString()}&${query}`);
  return (
    <>
      {props.days.map((d) => (
        <section key={d.day} aria-label={t(lang, 'timesOn', { day: dayName(d.day, lang) })}>
          <h3 class="kern-heading-small">{dayName(d.day, lang)}</h3>
          <ul class="kern-list kern-list--horizontal slot-times">
            {d.slots.map((s) => (
              <li key={s.time}><a class="kern-link" href={href(s.start)}>{s.time}</a></li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

/** Step 2: the next free slots at each location that offers the chosen services. */
export function FreeSlotsPage(props: { ctx: PageContext; results: LocationSlots[]; choices: ServiceChoice[] }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'freeTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'freeTitle')}</h1>
      <p class="kern-body"><a class="kern-link" href={`${bookingPaths.services}?${choiceQuery(props.choices)}`}>{t(lang, 'chooseOther')}</a></p>
      {props.results.length === 0 && <p class="kern-body">{t(lang, 'noLocationOffers')}</p>}
      {props.results.map((r) => (
        <section key={r.location.id} class="kern-stack">
          <h2 class="kern-heading-large">{r.location.name}</h2>
          <p class="kern-body">{r.location.address}<br />{t(lang, 'duration', { minutes: r.minutes })}</p>
          {r.location.accessibility && <p class="kern-body">{r.location.accessibility}</p>}
          <SlotList lang={lang} location={r.location} days={r.days} choices={props.choices} />
          {r.days.length === 0 && <JoinLink lang={lang} locationId={r.location.id} choices={props.choices} />}
        </section>
      ))}
    </Layout>
  );
}

/** What is being booked, shown above the form and on the confirmation page. */
export interface BookingSummary {
  location: AppointmentLocation;
  start: Date;
  services: Array<{ title: string; persons: number }>;
}

/** What is booked: time, place, services. */
export function Summary(props: { lang: Lang; summary: BookingSummary }) {
  const { lang, summary } = props;
  return (
    <SummaryList lang={lang} rows={[
      { key: t(lang, 'appointment'), value: new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', { timeZone: 'Europe/Berlin', dateStyle: 'full', timeStyle: 'short' }).format(summary.start) },
      { key: t(lang, 'location'), value: `${summary.location.name}, ${summary.location.address}` },
      { key: t(lang, 'services'), value: summary.services.map((s) => t(lang, 'serviceFor', { service: s.title, persons: s.persons })).join(', ') },
    ]} />
  );
}

/** Why a form with friction is shown again though nothing typed was wrong (sent too early, or its challenge was not genuine). */
export function FrictionNotice(props: { lang: Lang; refusal?: FrictionRefusal | null }) {
  if (!props.refusal) return null;
  return (
    <div class="kern-alert kern-alert--info" role="status">
      <div class="kern-alert__body"><p class="kern-body">{t(props.lang, props.refusal === 'tooEarly' ? 'frictionTooEarly' : 'frictionExpired', { seconds: secondsWithoutWork })}</p></div>
    </div>
  );
}

/** A form's challenge and the field for its proof of work (public/booking-friction.js fills it in). */
export function FrictionFields(props: { friction?: FormChallenge }) {
  if (!props.friction) return null;
  return <><input type="hidden" name="challenge" value={props.friction.challenge} /><input type="hidden" name="solution" value="" /></>;
}

/** Where public/booking-friction.js says the proof of work is still being found when the form is sent. */
export function FrictionStatus(props: { friction?: FormChallenge; working: string }) {
  return props.friction ? <p id="friction-status" class="kern-body" role="status" data-working={props.working}></p> : null;
}

/** The script that does the proof of work of a form with friction. */
export const frictionScripts = (friction?: FormChallenge) => (friction ? ['/static/booking-friction.js'] : undefined);

/** Step 3: name and e-mail for the chosen slot; or, when the slot is gone, the next free ones. */
export function BookingFormPage(props: {
  ctx: PageContext; summary: BookingSummary; action: string; values: Record<string, string>; errors: FieldErrors; refused?: { taken: boolean; nextFree: SlotDay[]; choices: ServiceChoice[] };
  /** The form's challenge (booking-friction.ts), when the booking step has friction. */
  friction?: FormChallenge;
  /** Why the form is shown again though nothing typed was wrong. */
  refusal?: FrictionRefusal | null;
}) {
  const { lang } = props.ctx;
  const failed = Object.keys(props.errors).length > 0;
  if (props.refused) {
    const title = t(lang, props.refused.taken ? 'takenTitle' : 'unavailableTitle');
    return (
      <Layout ctx={props.ctx} title={title}>
        <h1 class="kern-heading-x-large">{title}</h1>
        <p class="kern-body">{t(lang, props.refused.taken ? 'takenText' : 'unavailableText')}</p>
        <SlotList lang={lang} location={props.summary.location} days={props.refused.nextFree} choices={props.refused.choices} />
      </Layout>
    );
  }
  return (
    <Layout ctx={props.ctx} title={`${failed || props.refusal ? `${t(lang, 'notSaved')}: ` : ''}${t(lang, 'formTitle')}`} scripts={frictionScripts(props.friction)}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <FrictionNotice lang={lang} refusal={props.refusal} />
      <h1 class="kern-heading-x-large">{t(lang, 'formTitle')}</h1>
      <Summary lang={lang} summary={props.summary} />
      <form method="post" action={props.action} novalidate class="narrow-form" data-friction-bits={props.friction?.bits}>
        <CsrfField token={props.ctx.csrfToken} />
        <FrictionFields friction={props.friction} />
        <div class="kern-stack">
          <TextField name="name" label={t(lang, 'name')} value={props.values.name ?? ''} error={props.errors.name} lang={lang} autocomplete="name" maxLength={120} />
          <TextField name="email" type="email" label={t(lang, 'email')} hint={t(lang, 'emailHint')} value={props.values.email ?? ''} error={props.errors.email} lang={lang} autocomplete="email" maxLength={254} />
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'reserve')}</Button></div>
        <FrictionStatus friction={props.friction} working={t(lang, 'frictionWorking')} />
      </form>
    </Layout>
  );
}

/** After the hold: look in your mailbox. */
export function HeldPage(props: { ctx: PageContext; minutes: number }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'heldTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'heldTitle')}</h1>
      <p class="kern-body">{t(lang, 'heldText', { minutes: props.minutes })}</p>
    </Layout>
  );
}

/** The confirmation link's page: a button, so that a mail scanner opening the link books nothing. */
export function ConfirmPage(props: { ctx: PageContext; action: string }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'confirmTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'confirmTitle')}</h1>
      <form method="post" action={props.action}>
        <CsrfField token={props.ctx.csrfToken} />
        <p class="kern-body">{t(lang, 'confirmText')}</p>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'confirm')}</Button></div>
      </form>
    </Layout>
  );
}

/** What the confirmation did; right after it, with the management link (its only showing besides the mails). */
export function ConfirmedPage(props: { ctx: PageContext; outcome: 'confirmed' | 'alreadyConfirmed' | 'expired' | 'unknown'; manageHref?: string }) {
  const { lang } = props.ctx;
  const ok = props.outcome === 'confirmed' || props.outcome === 'alreadyConfirmed';
  const title = t(lang, props.outcome === 'confirmed' ? 'confirmedTitle' : props.outcome === 'alreadyConfirmed' ? 'alreadyConfirmedTitle' : props.outcome === 'expired' ? 'expiredTitle' : 'unknownTitle');
  return (
    <Layout ctx={props.ctx} title={title}>
      <h1 class="kern-heading-x-large">{title}</h1>
      <p class="kern-body">{t(lang, ok ? 'confirmedText' : props.outcome === 'expired' ? 'expiredText' : 'unknownText')}</p>
      {props.manageHref && <p class="kern-body">{t(lang, 'manageLinkText')} <a class="kern-link" href={props.manageHref}>{t(lang, 'manageLink')}</a></p>}
      {!ok && <p class="kern-body"><a class="kern-link" href={bookingPaths.services}>{t(lang, 'bookAgain')}</a></p>}
    </Layout>
  );
}
