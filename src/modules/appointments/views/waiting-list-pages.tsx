import { Alert, Button, CsrfField, ErrorSummary, SelectField, Table, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { StaffBar } from '../../cases/index.js';
import type { AppointmentResource } from '../appointments.js';
import { t as bookingText } from '../bookings.i18n.js';
import type { CounterBlock } from '../counter-blocks.repository.js';
import { t } from '../waiting-list.i18n.js';
import { offerMinutes } from '../waiting-list.service.js';
import type { FormChallenge, FrictionRefusal } from '../booking-friction.js';
import { choiceQuery, FrictionFields, FrictionNotice, frictionScripts, FrictionStatus, type BookingSummary } from './booking-pages.js';
import type { ServiceChoice } from '../slots.js';

/** Where the waiting list's pages and the staff's block page live. */
export const waitlistPaths = {
  join: '/termine/warteliste',
  joined: '/termine/warteliste/eingetragen',
  optin: (token: string) => `/termine/warteliste/bestaetigen/${token}`,
  leave: (token: string) => `/termine/warteliste/austragen/${token}`,
  blocks: (locationId: string) => `/verwaltung/termine/${locationId}/sperren`,
} as const;

/** The link from a location without free slots to its waiting list, carrying the chosen services on. */
export function JoinLink(props: { lang: PageContext['lang']; locationId: string; choices: readonly ServiceChoice[] }) {
  return <p class="kern-body"><a class="kern-link" href={`${waitlistPaths.join}?ort=${props.locationId}&${choiceQuery(props.choices)}`}>{t(props.lang, 'joinLink')}</a></p>;
}

/** The waiting list's form: the location and services (from the link), name and e-mail, and the friction of the booking step. */
export function JoinPage(props: {
  ctx: PageContext; summary: Omit<BookingSummary, 'start'>; action: string; values: Record<string, string>; errors: FieldErrors;
  friction?: FormChallenge; refusal?: FrictionRefusal | null;
}) {
  const { lang } = props.ctx;
  const failed = Object.keys(props.errors).length > 0 || Boolean(props.refusal);
  return (
    <Layout ctx={props.ctx} title={`${failed ? `${t(lang, 'notJoined')}: ` : ''}${t(lang, 'joinTitle')}`} scripts={frictionScripts(props.friction)}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <FrictionNotice lang={lang} refusal={props.refusal} />
      <h1 class="kern-heading-x-large">{t(lang, 'joinTitle')}</h1>
      <p class="kern-body">{t(lang, 'joinIntro', { minutes: offerMinutes, days: props.summary.location.horizonDays })}</p>
      <p class="kern-body">{props.summary.location.name}, {props.summary.location.address}<br />
        {props.summary.services.map((s) => bookingText(lang, 'serviceFor', { service: s.title, persons: s.persons })).join(', ')}</p>
      <form method="post" action={props.action} novalidate class="narrow-form" data-friction-bits={props.friction?.bits}>
        <CsrfField token={props.ctx.csrfToken} />
        <FrictionFields friction={props.friction} />
        <div class="kern-stack">
          <TextField name="name" label={bookingText(lang, 'name')} value={props.values.name ?? ''} error={props.errors.name} lang={lang} autocomplete="name" maxLength={120} />
          <TextField name="email" type="email" label={bookingText(lang, 'email')} value={props.values.email ?? ''} error={props.errors.email} lang={lang} autocomplete="email" maxLength={254} />
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'join')}</Button></div>
        <FrictionStatus friction={props.friction} working={t(lang, 'frictionWorking')} />
      </form>
    </Layout>
  );
}

type Message = Parameters<typeof t>[1];

/** A page with a title, a text and, for a link's first step, a button (a mail scanner opening the link changes nothing). */
export function WaitlistMessagePage(props: { ctx: PageContext; title: Message; text: Message; button?: { action: string; label: Message } }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, props.title)}>
      <h1 class="kern-heading-x-large">{t(lang, props.title)}</h1>
      <p class="kern-body">{t(lang, props.text)}</p>
      {props.button && (
        <form method="post" action={props.button.action}>
          <CsrfField token={props.ctx.csrfToken} />
          <div class="kern-btn-wrapper form-actions"><Button>{t(lang, props.button.label)}</Button></div>
        </form>
      )}
    </Layout>
  );
}

/** The staff's page of a location's counter blocks: the current ones and a form for a new one. */
export function BlocksPage(props: { ctx: PageContext; staffName: string; locationName: string; action: string; resources: AppointmentResource[]; blocks: CounterBlock[]; values: Record<string, string>; errors: FieldErrors; saved?: number }) {
  const { lang } = props.ctx;
  const names = new Map(props.resources.map((r) => [r.id, r.name]));
  const format = new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', { timeZone: 'Europe/Berlin', dateStyle: 'medium', timeStyle: 'short' });
  const title = `${t(lang, 'blockTitle')}: ${props.locationName}`;
  return (
    <Layout ctx={props.ctx} title={title}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      <ErrorSummary errors={props.errors} lang={lang} />
      {props.saved !== undefined && <Alert kind="success" title={t(lang, 'blockSaved', { count: props.saved })} />}
      <h1 class="kern-heading-x-large">{title}</h1>
      <form method="post" action={props.action} novalidate class="narrow-form">
        <CsrfField token={props.ctx.csrfToken} />
        <div class="kern-stack">
          <SelectField name="resourceId" label={t(lang, 'counter')} value={props.values.resourceId ?? ''} options={props.resources.filter((r) => r.active).map((r) => ({ value: r.id, label: r.name }))} error={props.errors.resourceId} lang={lang} placeholder="–" />
          <TextField name="day" type="date" label={t(lang, 'day')} value={props.values.day ?? ''} error={props.errors.day} lang={lang} width="medium" />
          <TextField name="from" label={t(lang, 'from')} value={props.values.from ?? ''} error={props.errors.from} lang={lang} width="short" maxLength={5} />
          <TextField name="until" label={t(lang, 'until')} value={props.values.until ?? ''} error={props.errors.until} lang={lang} width="short" maxLength={5} />
          <TextField name="reason" label={t(lang, 'reason')} value={props.values.reason ?? ''} error={props.errors.reason} lang={lang} maxLength={200} />
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'blockButton')}</Button></div>
      </form>
      <h2 class="kern-heading-large">{t(lang, 'blocksHeading')}</h2>
      {props.blocks.length === 0 ? <p class="kern-body">{t(lang, 'noBlocks')}</p> : (
        <Table label={t(lang, 'blocksHeading')} head={[t(lang, 'counter'), t(lang, 'from'), t(lang, 'until'), t(lang, 'reason')]}>
          {props.blocks.map((b) => (
            <tr key={b.id} class="kern-table__row">
              <td class="kern-table__cell">{names.get(b.resourceId) ?? ''}</td>
              <td class="kern-table__cell">{format.format(b.start)}</td>
              <td class="kern-table__cell">{format.format(b.end)}</td>
              <td class="kern-table__cell">{b.reason}</td>
            </tr>
          ))}
        </Table>
      )}
    </Layout>
  );
}
