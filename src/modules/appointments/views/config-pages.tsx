import { localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField, SelectField, Table, TextField } from '../../../platform/views/components.js';
import type { PageContext } from '../../../platform/views/layout.js';
import { AdminFrame, type AdminPageProps } from '../../administration/index.js';
import type { DepartmentRecord } from '../../administration/index.js';
import type { AppointmentLocation, LocationSetup } from '../appointments.js';
import { t } from '../appointments.i18n.js';
import { formatDayHours, hoursField, ticketLetters } from '../appointments.schema.js';
import { holidayRegions, slotGrids } from '../slots.js';

/** Where the appointment configuration lives, inside the town administration. */
export const configPaths = {
  locations: '/verwaltung/admin/termine',
  newLocation: '/verwaltung/admin/termine/neu',
  location: (id: string) => `/verwaltung/admin/termine/${id}`,
  counters: (id: string) => `/verwaltung/admin/termine/${id}/schalter`,
  counter: (id: string, counterId: string) => `/verwaltung/admin/termine/${id}/schalter/${counterId}`,
  offers: (id: string) => `/verwaltung/admin/termine/${id}/leistungen`,
  removeOffer: (id: string) => `/verwaltung/admin/termine/${id}/leistungen/entfernen`,
  hours: (id: string) => `/verwaltung/admin/termine/${id}/oeffnungszeiten`,
  closures: (id: string) => `/verwaltung/admin/termine/${id}/schliesstage`,
  removeClosure: (id: string, closureId: string) => `/verwaltung/admin/termine/${id}/schliesstage/${closureId}/entfernen`,
} as const;

/** The names of the federal states for the holiday select (the same in both languages). */
const stateNames: Record<(typeof holidayRegions)[number], string> = {
  BW: 'Baden-Württemberg', BY: 'Bayern', BE: 'Berlin', BB: 'Brandenburg', HB: 'Bremen', HH: 'Hamburg', HE: 'Hessen', MV: 'Mecklenburg-Vorpommern',
  NI: 'Niedersachsen', NW: 'Nordrhein-Westfalen', RP: 'Rheinland-Pfalz', SL: 'Saarland', SN: 'Sachsen', ST: 'Sachsen-Anhalt', SH: 'Schleswig-Holstein', TH: 'Thüringen',
};

/** What every configuration page knows: the admin page frame, with the success message in this module's words. */
export type ConfigPageProps = AdminPageProps & { doneText?: string };

/** The town's locations. */
export function LocationListPage(props: ConfigPageProps & { locations: Array<AppointmentLocation & { counters: number; services: number }> }) {
  const { lang } = props.ctx;
  return (
    <AdminFrame {...props} title={t(lang, 'locationsTitle')} section="appointments">
      <p class="kern-body">{t(lang, 'locationsIntro')}</p>
      <p class="kern-body"><a class="kern-link" href={configPaths.newLocation}>{t(lang, 'newLocation')}</a></p>
      {props.locations.length === 0 ? <p class="kern-body">{t(lang, 'noLocations')}</p> : (
        <Table label={t(lang, 'locationsTitle')} head={[t(lang, 'location'), t(lang, 'address'), t(lang, 'counters'), t(lang, 'services')]}>
          {props.locations.map((l) => (
            <tr class="kern-table__row" key={l.id}>
              <td class="kern-table__cell"><a class="kern-link" href={configPaths.location(l.id)}>{l.name}</a></td>
              <td class="kern-table__cell">{l.address}</td>
              <td class="kern-table__cell">{l.counters}</td>
              <td class="kern-table__cell">{l.services}</td>
            </tr>
          ))}
        </Table>
      )}
    </AdminFrame>
  );
}

/** The typed values of a location's details form, from what is stored. */
export function locationFormValues(location: AppointmentLocation, departments: DepartmentRecord[]): Record<string, string> {
  return {
    name: location.name, address: location.address, accessibility: location.accessibility,
    department: departments.find((d) => d.id === location.departmentId)?.key ?? '',
    horizonDays: String(location.horizonDays), leadHours: String(location.leadMinutes / 60), slotMinutes: String(location.slotMinutes), holidayRegion: location.holidayRegion,
    ticketLetter: location.ticketLetter, releaseTime: location.releaseTime ?? '', contactRetentionDays: String(location.contactRetentionDays),
  };
}

/** The defaults of a new location: 8 weeks ahead, 2 hours' lead, every 15 minutes, NRW. */
export const newLocationValues = { horizonDays: '56', leadHours: '2', slotMinutes: '15', holidayRegion: 'NW', ticketLetter: 'A', contactRetentionDays: '30' };

function LocationFields(props: { lang: Lang; values: Record<string, string>; errors: Record<string, string>; departments: DepartmentRecord[] }) {
  const { lang, values: v, errors: e } = props;
  return (
    <div class="kern-stack">
      <TextField name="name" label={t(lang, 'name')} value={v.name ?? ''} error={e.name} lang={lang} maxLength={120} autocomplete="off" />
      <TextField name="address" label={t(lang, 'address')} value={v.address ?? ''} error={e.address} lang={lang} maxLength={300} autocomplete="off" />
      <TextField name="accessibility" label={t(lang, 'accessibility')} hint={t(lang, 'accessibilityHint')} value={v.accessibility ?? ''} error={e.accessibility} lang={lang} required={false} multiline maxLength={1000} />
      <SelectField name="department" label={t(lang, 'department')} value={v.department ?? ''} error={e.department} lang={lang} placeholder={t(lang, 'chooseDepartment')}
        options={props.departments.filter((d) => d.active).map((d) => ({ value: d.key, label: localize(d.name, lang) }))} />
      <TextField name="horizonDays" label={t(lang, 'horizonDays')} value={v.horizonDays ?? ''} error={e.horizonDays} lang={lang} inputmode="numeric" width="short" maxLength={5} />
      <TextField name="leadHours" label={t(lang, 'leadHours')} hint={t(lang, 'leadHoursHint')} value={v.leadHours ?? ''} error={e.leadHours} lang={lang} inputmode="numeric" width="short" maxLength={5} />
      <TextField name="releaseTime" label={t(lang, 'releaseTime')} hint={t(lang, 'releaseTimeHint')} value={v.releaseTime ?? ''} error={e.releaseTime} lang={lang} required={false} width="short" maxLength={5} autocomplete="off" />
      <SelectField name="slotMinutes" label={t(lang, 'slotMinutes')} value={v.slotMinutes ?? ''} error={e.slotMinutes} lang={lang} placeholder="–" options={slotGrids.map((g) => ({ value: String(g), label: String(g) }))} />
      <SelectField name="holidayRegion" label={t(lang, 'holidayRegion')} value={v.holidayRegion ?? ''} error={e.holidayRegion} lang={lang} placeholder="–" options={holidayRegions.map((r) => ({ value: r, label: stateNames[r] }))} />
      <SelectField name="ticketLetter" label={t(lang, 'ticketLetter')} hint={t(lang, 'ticketLetterHint')} value={v.ticketLetter ?? ''} error={e.ticketLetter} lang={lang} placeholder="–"
        options={ticketLetters.map((l) => ({ value: l, label: l }))} />
      <TextField name="contactRetentionDays" label={t(lang, 'contactRetentionDays')} hint={t(lang, 'contactRetentionDaysHint')} value={v.contactRetentionDays ?? ''} error={e.contactRetentionDays} lang={lang} inputmode="numeric" width="short" maxLength={5} />
    </div>
  );
}

/** The form for a new location. */
export function NewLocationPage(props: ConfigPageProps & { values: Record<string, string>; departments: DepartmentRecord[] }) {
  const { lang } = props.ctx;
  return (
    <AdminFrame {...props} title={t(lang, 'newLocation')} section="appointments">
      <p class="kern-body"><a class="kern-link" href={configPaths.locations}>{t(lang, 'backToLocations')}</a></p>
      <form method="post" action={configPaths.newLocation} novalidate class="narrow-form">
        <CsrfField token={props.ctx.csrfToken} />
        <LocationFields lang={lang} values={props.values} errors={props.errors} departments={props.departments} />
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'create')}</Button></div>
      </form>
    </AdminFrame>
  );
}

/** A form whose only content is one button (deactivate, remove); the button names what it acts on. */
function ButtonForm(props: { ctx: PageContext; action: string; label: string; hiddenLabel?: string; field?: { name: string; value: string } }) {
  return (
    <form method="post" action={props.action} class="admin-action">
      <CsrfField token={props.ctx.csrfToken} />
      {props.field && <input type="hidden" name={props.field.name} value={props.field.value} />}
      <Button variant="secondary">{props.label}{props.hiddenLabel && <span class="sr-only"> {props.hiddenLabel}</span>}</Button>
    </form>
  );
}

/**
 * One location: its details, counters, services with durations, opening hours and closure days,
 * each a form of its own. Field names differ between the forms, so a refused form's messages and
 * typed values land at the right place while the others show what is stored.
 */
export function LocationPage(props: ConfigPageProps & {
  setup: LocationSetup;
  departments: DepartmentRecord[];
  /** The services the town offers: id and title. */
  townServices: Array<{ id: string; title: string }>;
  values: Record<string, string>;
}) {
  const { ctx, setup, errors: e } = props;
  const lang = ctx.lang;
  const id = setup.location.id;
  const v: Record<string, string> = { ...locationFormValues(setup.location, props.departments), ...weekValues(setup), offerExtraMinutes: '0', offerMaxPersons: '1', ...props.values };
  const title = (serviceId: string) => props.townServices.find((s) => s.id === serviceId)?.title ?? serviceId;
  return (
    <AdminFrame {...props} title={setup.location.name} section="appointments">
      <p class="kern-body"><a class="kern-link" href={configPaths.locations}>{t(lang, 'backToLocations')}</a></p>

      <h2 class="kern-heading-large">{t(lang, 'counters')}</h2>
      {setup.resources.length === 0 ? <p class="kern-body">{t(lang, 'noCounters')}</p> : (
        <Table label={t(lang, 'counters')} head={[t(lang, 'name'), t(lang, 'status'), t(lang, 'action')]}>
          {setup.resources.map((r) => (
            <tr class="kern-table__row" key={r.id}>
              <td class="kern-table__cell">{r.name}</td>
              <td class="kern-table__cell">{t(lang, r.active ? 'active' : 'deactivated')}</td>
              <td class="kern-table__cell">
                <ButtonForm ctx={ctx} action={configPaths.counter(id, r.id)} label={t(lang, r.active ? 'deactivate' : 'activate')} hiddenLabel={r.name} field={{ name: 'active', value: r.active ? 'nein' : 'ja' }} />
              </td>
            </tr>
          ))}
        </Table>
      )}
      <form method="post" action={configPaths.counters(id)} novalidate class="narrow-form">
        <CsrfField token={ctx.csrfToken} />
        <TextField name="counterName" label={t(lang, 'counterName')} value={v.counterName ?? ''} error={e.counterName} lang={lang} maxLength={80} autocomplete="off" />
        <div class="kern-btn-wrapper form-actions"><Button variant="secondary">{t(lang, 'addCounter')}</Button></div>
      </form>

      <h2 class="kern-heading-large">{t(lang, 'offersTitle')}</h2>
      {setup.offers.length === 0 ? <p class="kern-body">{t(lang, 'noOffers')}</p> : (
        <Table label={t(lang, 'offersTitle')} head={[t(lang, 'service'), t(lang, 'minutes'), t(lang, 'extraMinutes'), t(lang, 'maxPersons'), t(lang, 'action')]}>
          {setup.offers.map((o) => (
            <tr class="kern-table__row" key={o.serviceId}>
              <td class="kern-table__cell">{title(o.serviceId)}</td>
              <td class="kern-table__cell">{t(lang, 'minutesShort', { minutes: o.minutes })}</td>
              <td class="kern-table__cell">{t(lang, 'minutesShort', { minutes: o.minutesPerExtraPerson })}</td>
              <td class="kern-table__cell">{o.maxPersons}</td>
              <td class="kern-table__cell"><ButtonForm ctx={ctx} action={configPaths.removeOffer(id)} label={t(lang, 'remove')} hiddenLabel={title(o.serviceId)} field={{ name: 'service', value: o.serviceId }} /></td>
            </tr>
          ))}
        </Table>
      )}
      <form method="post" action={configPaths.offers(id)} novalidate class="narrow-form">
        <CsrfField token={ctx.csrfToken} />
        <p class="kern-body">{t(lang, 'offerHint')}</p>
        <div class="kern-stack">
          <SelectField name="offerService" label={t(lang, 'service')} value={v.offerService ?? ''} error={e.offerService} lang={lang} placeholder={t(lang, 'chooseService')}
            options={props.townServices.map((s) => ({ value: s.id, label: s.title }))} />
          <TextField name="offerMinutes" label={t(lang, 'minutes')} value={v.offerMinutes ?? ''} error={e.offerMinutes} lang={lang} inputmode="numeric" width="short" maxLength={5} />
          <TextField name="offerExtraMinutes" label={t(lang, 'extraMinutes')} value={v.offerExtraMinutes ?? ''} error={e.offerExtraMinutes} lang={lang} inputmode="numeric" width="short" maxLength={5} />
          <TextField name="offerMaxPersons" label={t(lang, 'maxPersons')} value={v.offerMaxPersons ?? ''} error={e.offerMaxPersons} lang={lang} inputmode="numeric" width="short" maxLength={5} />
        </div>
        <div class="kern-btn-wrapper form-actions"><Button variant="secondary">{t(lang, 'saveOffer')}</Button></div>
      </form>

      <h2 class="kern-heading-large">{t(lang, 'hoursTitle')}</h2>
      <form method="post" action={configPaths.hours(id)} novalidate class="narrow-form">
        <CsrfField token={ctx.csrfToken} />
        <p class="kern-body">{t(lang, 'hoursHint')}</p>
        <div class="kern-stack">
          {[1, 2, 3, 4, 5, 6, 7].map((weekday) => (
            <TextField key={weekday} name={hoursField(weekday)} label={t(lang, `weekday${weekday}` as 'weekday1')} value={v[hoursField(weekday)] ?? ''} error={e[hoursField(weekday)]} lang={lang} required={false} maxLength={300} autocomplete="off" />
          ))}
        </div>
        <div class="kern-btn-wrapper form-actions"><Button variant="secondary">{t(lang, 'saveHours')}</Button></div>
      </form>

      <h2 class="kern-heading-large">{t(lang, 'closuresTitle')}</h2>
      <p class="kern-body">{t(lang, 'closuresIntro')}</p>
      {setup.closures.length === 0 ? <p class="kern-body">{t(lang, 'noClosures')}</p> : (
        <Table label={t(lang, 'closuresTitle')} head={[t(lang, 'closureFirst'), t(lang, 'closureLast'), t(lang, 'closureReason'), t(lang, 'action')]}>
          {setup.closures.map((c) => (
            <tr class="kern-table__row" key={c.id}>
              <td class="kern-table__cell">{germanDay(c.firstDay)}</td>
              <td class="kern-table__cell">{germanDay(c.lastDay)}</td>
              <td class="kern-table__cell">{c.reason}</td>
              <td class="kern-table__cell"><ButtonForm ctx={ctx} action={configPaths.removeClosure(id, c.id)} label={t(lang, 'remove')} hiddenLabel={`${germanDay(c.firstDay)}–${germanDay(c.lastDay)}`} /></td>
            </tr>
          ))}
        </Table>
      )}
      <form method="post" action={configPaths.closures(id)} novalidate class="narrow-form">
        <CsrfField token={ctx.csrfToken} />
        <div class="kern-stack">
          <TextField name="closureFirst" label={t(lang, 'closureFirst')} hint={t(lang, 'dateHint')} value={v.closureFirst ?? ''} error={e.closureFirst} lang={lang} width="medium" maxLength={10} autocomplete="off" />
          <TextField name="closureLast" label={t(lang, 'closureLast')} hint={t(lang, 'dateHint')} value={v.closureLast ?? ''} error={e.closureLast} lang={lang} width="medium" maxLength={10} autocomplete="off" />
          <TextField name="closureReason" label={t(lang, 'closureReason')} value={v.closureReason ?? ''} error={e.closureReason} lang={lang} required={false} maxLength={200} autocomplete="off" />
        </div>
        <div class="kern-btn-wrapper form-actions"><Button variant="secondary">{t(lang, 'addClosure')}</Button></div>
      </form>

      <h2 class="kern-heading-large">{t(lang, 'details')}</h2>
      <form method="post" action={configPaths.location(id)} novalidate class="narrow-form">
        <CsrfField token={ctx.csrfToken} />
        <LocationFields lang={lang} values={v} errors={e} departments={props.departments} />
        <div class="kern-btn-wrapper form-actions"><Button variant="secondary">{t(lang, 'save')}</Button></div>
      </form>
    </AdminFrame>
  );
}

/** The seven weekday fields as stored. */
function weekValues(setup: LocationSetup): Record<string, string> {
  return Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((weekday) => [hoursField(weekday), formatDayHours(setup.openingHours.filter((i) => i.weekday === weekday))]));
}

/** 'YYYY-MM-DD' as 24.12.2026, as the closure fields accept it. */
function germanDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}.${m}.${y}`;
}
