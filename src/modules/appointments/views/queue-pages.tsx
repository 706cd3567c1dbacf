import type { Lang } from '../../../platform/i18n/i18n.js';
import { Alert, Button, CsrfField, SelectField, Table, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { StaffBar } from '../../cases/index.js';
import { t } from '../queue.i18n.js';
import type { QueueLocation } from '../queue.repository.js';
import { ticketLabel, type DisplayedCall, type QueueDay } from '../queue.service.js';
import { dayName } from './booking-pages.js';
import { waitlistPaths } from './waiting-list-pages.js';
import { t as blockText } from '../waiting-list.i18n.js';

/** Where the staff's queue pages and the public call display live. */
export const queuePaths = {
  locations: '/verwaltung/termine',
  day: (locationId: string) => `/verwaltung/termine/${locationId}`,
  checkIn: (locationId: string) => `/verwaltung/termine/${locationId}/einchecken`,
  noShow: (locationId: string) => `/verwaltung/termine/${locationId}/nicht-erschienen`,
  walkIn: (locationId: string) => `/verwaltung/termine/${locationId}/ohne-termin`,
  call: (locationId: string) => `/verwaltung/termine/${locationId}/aufrufen`,
  display: (locationId: string) => `/aufruf/${locationId}`,
  events: (locationId: string) => `/aufruf/${locationId}/ereignisse`,
} as const;

/** How often the call display reloads itself without JavaScript (seconds). */
export const displayRefreshSeconds = 15;

const timeOf = (lang: Lang) => new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });

/** The locations of the staff member's departments. */
export function QueueLocationsPage(props: { ctx: PageContext; staffName: string; locations: QueueLocation[] }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'locationsTitle')}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      <h1 class="kern-heading-x-large">{t(lang, 'locationsTitle')}</h1>
      <p class="kern-body">{t(lang, 'locationsIntro')}</p>
      {props.locations.length === 0 ? <p class="kern-body">{t(lang, 'noLocations')}</p> : (
        <ul class="kern-list">
          {props.locations.map((l) => (
            <li key={l.id}>
              {l.name}: <a class="kern-link" href={queuePaths.day(l.id)}>{t(lang, 'dayView')}</a>, <a class="kern-link" href={queuePaths.display(l.id)}>{t(lang, 'display')}</a>
              , <a class="kern-link" href={waitlistPaths.blocks(l.id)}>{blockText(lang, 'blockTitle')}</a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

/** What the day page reports at its top: a done message, or why an action was refused. */
export interface DayNotice {
  done?: string;
  refused?: string;
  errors?: FieldErrors;
}

/** A day at a location: call the next number, issue walk-in tickets, the queue, and each counter's bookings with check-in and no-show. */
export function QueueDayPage(props: { ctx: PageContext; staffName: string; queue: QueueDay; today: string; checkInBefore: Date; previousDay: string; nextDay: string; notice: DayNotice; counterValue: string }) {
  const { lang } = props.ctx;
  const { queue, notice } = props;
  const { location } = queue;
  const isToday = queue.day === props.today;
  const time = timeOf(lang);
  const ticketOf = (number: number) => ticketLabel(location.ticketLetter, number);
  const title = t(lang, 'dayTitle', { location: location.name, day: dayName(queue.day, lang) });
  const activeCounters = queue.counters.filter((c) => c.active);
  return (
    <Layout ctx={props.ctx} title={title}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      {notice.refused && <Alert kind="danger" title={notice.refused} />}
      {notice.done && <Alert kind="success" title={notice.done} />}
      <h1 class="kern-heading-x-large">{title}</h1>
      <nav aria-label={t(lang, 'dayView')} class="inbox-views">
        <ul class="kern-list">
          <li><a class="kern-link" href={`${queuePaths.day(location.id)}?tag=${props.previousDay}`}>{t(lang, 'previousDay')}</a></li>
          <li><a class="kern-link" href={queuePaths.day(location.id)} aria-current={isToday ? 'page' : undefined}>{t(lang, 'today')}</a></li>
          <li><a class="kern-link" href={`${queuePaths.day(location.id)}?tag=${props.nextDay}`}>{t(lang, 'nextDay')}</a></li>
          <li><a class="kern-link" href={queuePaths.display(location.id)}>{t(lang, 'display')}</a></li>
        </ul>
      </nav>
      {isToday && (
        <div class="kern-stack">
          <section aria-labelledby="call-heading">
            <h2 class="kern-heading-large" id="call-heading">{t(lang, 'callHeading')}</h2>
            <form method="post" action={queuePaths.call(location.id)} novalidate class="narrow-form">
              <CsrfField token={props.ctx.csrfToken} />
              <SelectField name="counter" label={t(lang, 'counter')} value={props.counterValue} lang={lang} placeholder={t(lang, 'chooseCounter')} error={notice.errors?.counter}
                options={activeCounters.map((c) => ({ value: c.id, label: c.name }))} />
              <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'call')}</Button></div>
            </form>
          </section>
          <section aria-labelledby="walk-in-heading">
            <h2 class="kern-heading-large" id="walk-in-heading">{t(lang, 'walkInHeading')}</h2>
            <form method="post" action={queuePaths.walkIn(location.id)}>
              <CsrfField token={props.ctx.csrfToken} />
              <p class="kern-body">{t(lang, 'walkInText')}</p>
              <div class="kern-btn-wrapper form-actions"><Button variant="secondary">{t(lang, 'walkIn')}</Button></div>
            </form>
          </section>
        </div>
      )}
      <h2 class="kern-heading-large">{t(lang, 'queueHeading')}</h2>
      {queue.tickets.length === 0 ? <p class="kern-body">{t(lang, 'noTickets')}</p> : (
        <Table label={t(lang, 'queueHeading')} head={[t(lang, 'ticket'), t(lang, 'status'), t(lang, 'counter'), t(lang, 'kind')]}>
          {queue.tickets.map((ticket) => (
            <tr class="kern-table__row" key={ticket.number}>
              <td class="kern-table__cell">{ticketOf(ticket.number)}</td>
              <td class="kern-table__cell">{t(lang, `status_${ticket.status}`)}</td>
              <td class="kern-table__cell">{ticket.counter ?? ''}</td>
              <td class="kern-table__cell">{t(lang, ticket.walkIn ? 'kindWalkIn' : 'kindBooking')}</td>
            </tr>
          ))}
        </Table>
      )}
      {queue.counters.map((counter) => {
        const bookings = queue.bookings.filter((b) => b.resourceId === counter.id);
        const heading = t(lang, 'bookingsHeading', { counter: counter.name });
        return (
          <section key={counter.id}>
            <h2 class="kern-heading-large">{heading}</h2>
            {bookings.length === 0 ? <p class="kern-body">{t(lang, 'noBookings')}</p> : (
              <Table label={heading} head={[t(lang, 'time'), t(lang, 'name'), t(lang, 'status'), t(lang, 'actions')]}>
                {bookings.map((b) => {
                  const at = time.format(b.start);
                  const name = b.name ?? '';
                  const unmarked = !b.arrived && !b.noShow;
                  const checkable = unmarked && queue.day >= props.today && b.start < props.checkInBefore;
                  const absent = unmarked && isToday;
                  return (
                    <tr class="kern-table__row" key={b.id}>
                      <td class="kern-table__cell">{`${at}–${time.format(b.end)}`}</td>
                      <td class="kern-table__cell">{name}</td>
                      <td class="kern-table__cell">{b.arrived ? t(lang, 'arrived', { ticket: b.ticketNumber ? ticketOf(b.ticketNumber) : '' }) : b.noShow ? t(lang, 'noShow') : t(lang, 'expected')}</td>
                      <td class="kern-table__cell">
                        {(checkable || absent) && (
                          <div class="queue-actions">
                            {checkable && <form method="post" action={queuePaths.checkIn(location.id)}>
                              <CsrfField token={props.ctx.csrfToken} />
                              <input type="hidden" name="booking" value={b.id} />
                              <button type="submit" class="kern-btn kern-btn--primary" aria-label={t(lang, 'checkInLabel', { name, time: at })}><span class="kern-label">{t(lang, 'checkIn')}</span></button>
                            </form>}
                            {absent && <form method="post" action={queuePaths.noShow(location.id)}>
                              <CsrfField token={props.ctx.csrfToken} />
                              <input type="hidden" name="booking" value={b.id} />
                              <button type="submit" class="kern-btn kern-btn--tertiary" aria-label={t(lang, 'noShowLabel', { name, time: at })}><span class="kern-label">{t(lang, 'markNoShow')}</span></button>
                            </form>}
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </Table>
            )}
          </section>
        );
      })}
    </Layout>
  );
}

/**
 * The public call display of a location for the waiting area: the latest called numbers and their
 * counters, nothing about the persons. Its own bare document (a screen on the wall needs no site
 * navigation): with JavaScript, call-display.js follows the server-sent events; without, a
 * `<meta http-equiv=refresh>` inside `<noscript>` reloads the page (and stays inert with script).
 */
export function CallDisplayPage(props: { lang: Lang; location: QueueLocation; calls: DisplayedCall[] }) {
  const { lang } = props;
  const title = t(lang, 'displayTitle', { location: props.location.name });
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <noscript><meta http-equiv="refresh" content={String(displayRefreshSeconds)} /></noscript>
        <link rel="stylesheet" href="/static/kern/fonts/fira-sans.css" />
        <link rel="stylesheet" href="/static/kern/kern.min.css" />
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/call-display.js" defer></script>
      </head>
      <body class="call-display">
        <main class="kern-container">
          <h1 class="kern-heading-x-large">{title}</h1>
          <p class="kern-body">{t(lang, 'displayHint')}</p>
          <div id="call-display" data-events={queuePaths.events(props.location.id)} data-empty={t(lang, 'displayEmpty')}>
            <p class="kern-body call-display__empty" hidden={props.calls.length > 0 || undefined}>{t(lang, 'displayEmpty')}</p>
            <table class="kern-table call-display__table" hidden={props.calls.length === 0 || undefined}>
              <caption class="sr-only">{title}</caption>
              <thead><tr class="kern-table__row"><th class="kern-table__header" scope="col">{t(lang, 'ticket')}</th><th class="kern-table__header" scope="col">{t(lang, 'counter')}</th></tr></thead>
              <tbody aria-live="polite">
                {props.calls.map((c) => (
                  <tr class="kern-table__row" key={c.ticket}><td class="kern-table__cell call-display__ticket">{c.ticket}</td><td class="kern-table__cell">{c.counter}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </main>
      </body>
    </html>
  );
}
