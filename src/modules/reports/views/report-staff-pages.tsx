import { formatDate, localize, type Lang, type Localized } from '../../../platform/i18n/i18n.js';
import { Alert, Button, ChoiceField, CsrfField, ErrorSummary, Paragraphs, SelectField, SummaryList, Table, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { StaffBar } from '../../cases/index.js';
import { maxDescriptionLength, reportStatuses, reportsPath, type Moderation, type PublicReport, type ReportStatus } from '../report.js';
import type { InboxReport, ReportEventKind } from '../reports.repository.js';
import { maxCommentLength, maxNoteLength, type ReportChange } from '../report-triage.js';
import type { HoldReason } from '../report-moderation.js';
import { t } from '../report-staff.i18n.js';
import type { TileLayer } from '../report-map.js';
import { t as mapText } from '../report-map.i18n.js';
import { mapScripts, MapRegion } from './report-map.js';
import { reportStatisticsPath } from './report-statistics-page.js';

/** Back office paths of the defect reports. */
export const staffReportsPath = '/verwaltung/maengel';

/** The views of the report inbox: still to do, held for moderation (suspected spam), or finished (rejected spam included). */
export const reportInboxViews = {
  offen: { statuses: ['received', 'in_progress'], moderation: ['public'] },
  pruefen: { statuses: reportStatuses, moderation: ['held'] },
  erledigt: { statuses: ['done', 'rejected'], moderation: ['public', 'spam'] },
} as const satisfies Record<string, { statuses: readonly ReportStatus[]; moderation: readonly Moderation[] }>;
const viewLabels = { offen: 'viewOpen', pruefen: 'viewHeld', erledigt: 'viewClosed' } as const;
/** A view of the report inbox. */
export type ReportInboxView = keyof typeof reportInboxViews;

function statusName(lang: Lang, status: string): string {
  return reportStatuses.includes(status as ReportStatus) ? t(lang, `status_${status as ReportStatus}`) : status;
}

/** The report inbox (/verwaltung/maengel): the reports of the clerk's departments, one view at a time, paginated. */
export function ReportInboxPage(props: {
  ctx: PageContext; staffName: string; view: ReportInboxView; reports: InboxReport[]; page: number; hasNext: boolean; departmentName: (id: string) => string;
}) {
  const { lang } = props.ctx;
  const pageUrl = (page: number) => `${staffReportsPath}?ansicht=${props.view}&seite=${page}`;
  const viewLabel = t(lang, viewLabels[props.view]);
  return (
    <Layout ctx={props.ctx} title={`${t(lang, 'inboxTitle')}: ${viewLabel}`}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      <p class="kern-body"><a class="kern-link" href="/verwaltung">{t(lang, 'casesLink')}</a> · <a class="kern-link" href={reportStatisticsPath}>{mapText(lang, 'statisticsLink')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'inboxTitle')}</h1>
      <p class="kern-body">{t(lang, 'inboxIntro')}</p>
      <nav aria-label={t(lang, 'views')} class="inbox-views">
        <ul class="kern-list">
          {(Object.keys(reportInboxViews) as ReportInboxView[]).map((name) => (
            <li key={name}>
              <a class="kern-link" href={`${staffReportsPath}?ansicht=${name}`} aria-current={name === props.view ? 'page' : undefined}>{t(lang, viewLabels[name])}</a>
            </li>
          ))}
        </ul>
      </nav>
      {props.reports.length === 0 ? <p class="kern-body">{t(lang, 'inboxEmpty')}</p> : (
        <Table label={viewLabel} head={[t(lang, 'category'), t(lang, 'place'), t(lang, 'status'), t(lang, 'department'), t(lang, 'received')]}>
          {props.reports.map((r) => (
            <tr class="kern-table__row" key={r.id}>
              <td class="kern-table__cell"><a class="kern-link" href={`${staffReportsPath}/${r.id}`}>{localize(r.categoryName, lang)}</a></td>
              <td class="kern-table__cell">{r.address ?? r.locationLabel ?? ''}</td>
              <td class="kern-table__cell">{statusName(lang, r.status)}</td>
              <td class="kern-table__cell">{props.departmentName(r.departmentId)}</td>
              <td class="kern-table__cell">{formatDate(r.createdAt, lang, true)}</td>
            </tr>
          ))}
        </Table>
      )}
      {(props.page > 1 || props.hasNext) && (
        <nav aria-label={t(lang, 'pagination')} class="pagination">
          {props.page > 1 && <a class="kern-link" href={pageUrl(props.page - 1)}>{t(lang, 'previous')}</a>}
          <span class="kern-body">{String(props.page)}</span>
          {props.hasNext && <a class="kern-link" href={pageUrl(props.page + 1)}>{t(lang, 'next')}</a>}
        </nav>
      )}
    </Layout>
  );
}

/** A report as the back office sees it. */
export interface StaffReportView {
  report: PublicReport & { moderation: Moderation };
  /** Why it was held for moderation. */
  heldFor: string[];
  /** When retention removed what the reporter typed. */
  redactedAt: Date | null;
  /** The reports merged into this one. */
  duplicates: string[];
  departmentId: string;
  updatedAt: Date;
  description: string;
  address: string | null;
  reporterEmail: string | null;
  /** Answers to the category's extra questions (asked through Open311). */
  answers: Array<{ question: Localized; answer: Array<string | Localized> }>;
  photos: Array<{ position: number; width: number; height: number; released: boolean }>;
}

/** One entry of a report's back office history. */
export interface ReportEventView { id: string; occurredAt: Date; kind: ReportEventKind; details: Record<string, unknown>; staffName: string | null }

/** Which form failed and why, with what was typed: the page is shown again with it. */
export interface StaffReportFormState { form?: ReportChange['kind']; values?: Record<string, string>; errors?: FieldErrors; alert?: string }

function describeEvent(lang: Lang, e: ReportEventView, departmentName: (id: string) => string): string {
  switch (e.kind) {
    case 'status': return t(lang, 'event_status', { from: statusName(lang, String(e.details.from)), to: statusName(lang, String(e.details.to)) });
    case 'reassigned': return t(lang, 'event_reassigned', { from: departmentName(String(e.details.from)), to: departmentName(String(e.details.to)) });
    case 'moderated': return t(lang, e.details.decision === 'spam' ? 'event_moderated_spam' : 'event_moderated_public');
    case 'merged': return t(lang, typeof e.details.into === 'string' ? 'event_merged_into' : 'event_merged_from');
    default: return t(lang, `event_${e.kind}`);
  }
}

/**
 * A report's back office page (/verwaltung/maengel/<id>): where (exact coordinates, the address as
 * typed, a map link), what was typed, the photos, and the forms to change the status with a public
 * comment, release description and photos, pass the report on, and add internal notes.
 */
export function StaffReportPage(props: {
  ctx: PageContext; staffName: string; view: StaffReportView; events: ReportEventView[];
  departments: Array<{ id: string; name: string }>; departmentName: (id: string) => string; state?: StaffReportFormState; layer?: TileLayer;
}) {
  const { ctx, view, state = {} } = props;
  const { lang } = ctx;
  const { report } = view;
  const base = `${staffReportsPath}/${report.id}`;
  const value = (form: StaffReportFormState['form'], name: string, fallback: string) => (state.form === form && state.values?.[name] !== undefined ? state.values[name]! : fallback);
  const errorsOf = (form: StaffReportFormState['form']) => (state.form === form ? state.errors ?? {} : {});
  const seen = <input type="hidden" name="stand" value={String(view.updatedAt.getTime())} />;
  const title = t(lang, 'reportTitle', { category: localize(report.category.name, lang), date: formatDate(report.createdAt, lang) });
  const coordinates = `${report.lat.toFixed(6)}, ${report.lon.toFixed(6)}`;
  const failed = state.alert !== undefined || Object.keys(state.errors ?? {}).length > 0;
  return (
    <Layout ctx={ctx} title={`${failed ? `${t(lang, 'notSaved')}: ` : ''}${title}`} scripts={props.layer && mapScripts}>
      <StaffBar ctx={ctx} staffName={props.staffName} />
      <p class="kern-body"><a class="kern-link" href={staffReportsPath}>{t(lang, 'backToInbox')}</a></p>
      <h1 class="kern-heading-x-large">{title}</h1>
      {state.alert && <Alert kind="danger" title={t(lang, 'notSaved')}><p class="kern-body">{state.alert}</p></Alert>}
      <ErrorSummary errors={state.errors ?? {}} lang={lang} />
      <SummaryList lang={lang} rows={[
        { key: t(lang, 'status'), value: statusName(lang, report.status) },
        { key: t(lang, 'moderation'), value: t(lang, `moderation_${report.moderation}`) },
        ...(view.duplicates.length > 0 ? [{
          key: t(lang, 'duplicates'),
          value: <ul class="kern-list">{view.duplicates.map((id) => <li key={id}><a class="kern-link" href={`${staffReportsPath}/${id}`}>{`${staffReportsPath}/${id}`}</a></li>)}</ul>,
        }] : []),
        ...(report.duplicateOf ? [{ key: t(lang, 'duplicateOf'), value: <a class="kern-link" href={`${staffReportsPath}/${report.duplicateOf}`}>{`${staffReportsPath}/${report.duplicateOf}`}</a> }] : []),
        { key: t(lang, 'department'), value: props.departmentName(view.departmentId) },
        { key: t(lang, 'received'), value: formatDate(report.createdAt, lang, true) },
        ...(view.address ? [{ key: t(lang, 'address'), value: view.address }] : []),
        ...(report.locationLabel && !view.address ? [{ key: t(lang, 'streetNear'), value: report.locationLabel }] : []),
        {
          key: t(lang, 'coordinates'),
          value: <>{coordinates} (<a class="kern-link" href={`https://www.openstreetmap.org/?mlat=${report.lat}&mlon=${report.lon}#map=18/${report.lat}/${report.lon}`}>{t(lang, 'mapLink')}</a>)</>,
        },
        { key: t(lang, 'publicPage'), value: <a class="kern-link" href={`${reportsPath}/${report.id}`}>{`${reportsPath}/${report.id}`}</a> },
        { key: t(lang, 'reporterEmail'), value: view.reporterEmail ? t(lang, 'reporterEmailYes') : t(lang, 'reporterEmailNo') },
        { key: t(lang, 'supports'), value: String(report.supports) },
        ...view.answers.map((a) => ({ key: localize(a.question, lang), value: a.answer.map((v) => (typeof v === 'string' ? v : localize(v, lang))).join(', ') })),
      ]} />
      {props.layer && <MapRegion lang={lang} layer={props.layer} mode="point" label={mapText(lang, 'pointMapLabel')} point={report} bounds={[report.lat, report.lon, report.lat, report.lon]} />}
      <h2 class="kern-heading-large">{t(lang, 'description')}</h2>
      {view.redactedAt ? <p class="kern-body">{t(lang, 'redacted', { date: formatDate(view.redactedAt, lang) })}</p> : <Paragraphs text={view.description} />}
      <h2 class="kern-heading-large">{t(lang, 'photos')}</h2>
      {view.photos.length === 0 ? <p class="kern-body">{t(lang, 'noPhotos')}</p> : (
        <ul class="kern-list report-photos">
          {view.photos.map((p) => (
            <li key={p.position}>
              <a class="kern-link" href={`${base}/fotos/${p.position}`}>
                <img src={`${base}/fotos/${p.position}/vorschau`} alt={t(lang, 'photoAlt', { n: p.position })} width={320} loading="lazy" class="report-photo" />
                <span class="kern-body">{t(lang, 'photoLink', { n: p.position, width: p.width, height: p.height })}{p.released ? ` – ${t(lang, 'photoReleased')}` : ''}</span>
              </a>
            </li>
          ))}
        </ul>
      )}

      {report.moderation === 'held' && (
        <>
          <h2 class="kern-heading-large" id="pruefung">{t(lang, 'moderationHeading')}</h2>
          <p class="kern-body">{t(lang, 'moderationIntro')}</p>
          <ul class="kern-list">{view.heldFor.map((reason) => <li key={reason}>{t(lang, `heldFor_${reason as HoldReason}`)}</li>)}</ul>
          <form method="post" action={`${base}/pruefung`} novalidate>
            <CsrfField token={ctx.csrfToken} />
            {seen}
            <Button name="entscheidung" value="public">{t(lang, 'approve')}</Button>{' '}
            <Button name="entscheidung" value="spam" variant="secondary">{t(lang, 'rejectSpam')}</Button>
          </form>
        </>
      )}

      <h2 class="kern-heading-large" id="stand">{t(lang, 'statusHeading')}</h2>
      <form method="post" action={`${base}/stand`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        {seen}
        <SelectField name="status" label={t(lang, 'statusLabel')} value={value('status', 'status', report.status)} error={errorsOf('status').status} lang={lang}
          placeholder={t(lang, 'choose')} options={reportStatuses.map((s) => ({ value: s, label: statusName(lang, s) }))} />
        <TextField name="kommentar" label={t(lang, 'commentLabel')} hint={t(lang, 'commentHint', { max: maxCommentLength })} value={value('status', 'kommentar', report.publicComment ?? '')}
          error={errorsOf('status').kommentar} lang={lang} required={false} multiline maxLength={maxCommentLength} />
        <Button>{t(lang, 'saveStatus')}</Button>
      </form>

      <h2 class="kern-heading-large" id="freigabe">{t(lang, 'releaseHeading')}</h2>
      <p class="kern-body">{t(lang, 'releaseIntro')}</p>
      <form method="post" action={`${base}/freigabe`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        {seen}
        <TextField name="beschreibung" label={t(lang, 'publicDescriptionLabel')} value={value('release', 'beschreibung', report.publicDescription ?? view.description)}
          error={errorsOf('release').beschreibung} lang={lang} required={false} multiline maxLength={maxDescriptionLength} />
        {view.photos.length > 0 && (
          <ChoiceField name="foto" kind="checkbox" label={t(lang, 'releasePhotosLabel')} hint={t(lang, 'releasePhotosHint')} lang={lang} required={false}
            error={errorsOf('release').foto}
            options={view.photos.map((p) => ({ value: String(p.position), label: t(lang, 'releasePhoto', { n: p.position }) }))}
            selected={view.photos.filter((p) => p.released).map((p) => String(p.position))} />
        )}
        <Button variant="secondary">{t(lang, 'saveRelease')}</Button>
      </form>

      <h2 class="kern-heading-large" id="weiterleiten">{t(lang, 'reassignHeading')}</h2>
      <form method="post" action={`${base}/weiterleiten`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        {seen}
        <SelectField name="abteilung" label={t(lang, 'reassignLabel')} hint={t(lang, 'reassignHint')} value={value('reassign', 'abteilung', '')} error={errorsOf('reassign').abteilung}
          lang={lang} placeholder={t(lang, 'choose')} options={props.departments.filter((d) => d.id !== view.departmentId).map((d) => ({ value: d.id, label: d.name }))} />
        <Button variant="secondary">{t(lang, 'reassign')}</Button>
      </form>

      {!report.duplicateOf && (
        <>
          <h2 class="kern-heading-large" id="zusammenfuehren">{t(lang, 'mergeHeading')}</h2>
          <form method="post" action={`${base}/zusammenfuehren`} novalidate>
            <CsrfField token={ctx.csrfToken} />
            {seen}
            <TextField name="meldung" label={t(lang, 'mergeLabel')} hint={t(lang, 'mergeHint')} value={value('merge', 'meldung', '')} error={errorsOf('merge').meldung} lang={lang} />
            <Button variant="secondary">{t(lang, 'merge')}</Button>
          </form>
        </>
      )}

      <h2 class="kern-heading-large" id="verlauf">{t(lang, 'history')}</h2>
      {props.events.length === 0 ? <p class="kern-body">{t(lang, 'historyEmpty')}</p> : (
        <ol class="kern-list case-timeline">
          {props.events.map((e) => (
            <li key={e.id}>
              <span class="kern-body kern-body--small">{formatDate(e.occurredAt, lang, true)}</span> {describeEvent(lang, e, props.departmentName)}
              {e.staffName && <span class="kern-body kern-body--small">{` (${t(lang, 'by', { name: e.staffName })})`}</span>}
              {e.kind === 'note' && <p class="kern-body preserve-lines">{String(e.details.text)}</p>}
              {e.kind === 'status' && typeof e.details.comment === 'string' && <p class="kern-body preserve-lines">{e.details.comment}</p>}
            </li>
          ))}
        </ol>
      )}
      <h3 class="kern-heading-medium">{t(lang, 'noteHeading')}</h3>
      <form method="post" action={`${base}/notizen`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <TextField name="notiz" label={t(lang, 'noteLabel')} hint={t(lang, 'noteHint', { max: maxNoteLength })} value={value('note', 'notiz', '')} error={errorsOf('note').notiz}
          lang={lang} multiline maxLength={maxNoteLength} />
        <Button variant="secondary">{t(lang, 'addNote')}</Button>
      </form>
    </Layout>
  );
}

/** The page a status mail's unsubscribe link opens: a button (a link scanner's GET changes nothing), then the confirmation. */
export function UnsubscribePage(props: { ctx: PageContext; action: string; done: boolean }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, props.done ? 'unsubscribedTitle' : 'unsubscribeTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, props.done ? 'unsubscribedTitle' : 'unsubscribeTitle')}</h1>
      {props.done ? <p class="kern-body" role="status">{t(lang, 'unsubscribedText')}</p> : (
        <>
          <p class="kern-body">{t(lang, 'unsubscribeIntro')}</p>
          <form method="post" action={props.action}>
            <CsrfField token={props.ctx.csrfToken} />
            <Button>{t(lang, 'unsubscribeButton')}</Button>
          </form>
        </>
      )}
    </Layout>
  );
}
