import { formatDate, localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField, ErrorSummary, inputId, Paragraphs, SelectField, SummaryList, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { t as viewText } from '../../../platform/views/views.i18n.js';
import { approximate, maxDescriptionLength, maxPhotos, nearbyMetres, newReportPath, reportsPath, type Moderation, type PublicReport, type ReportCategory, type ReportStatus } from '../report.js';
import type { ReportFormValues, ReportSetup } from '../reports.service.js';
import { t } from '../reports.i18n.js';
import type { TileLayer } from '../report-map.js';
import { t as mapText } from '../report-map.i18n.js';
import { feedHref } from '../report-feeds.js';
import { mapScripts, MapRegion } from './report-map.js';
import { alertsPath } from '../report-alerts.js';
import { t as alertText } from '../report-alerts.i18n.js';
import { ExtraQuestions } from './report-question-fields.js';

/** A page's map: the town's tiles and where to start (south, west, north, east). */
export interface PageMap { layer: TileLayer; bounds: readonly number[] }

/** The status as the public reads it. */
function statusText(lang: Lang, status: ReportStatus): string {
  return t(lang, `status_${status}`);
}

/** Where, roughly: the street's surroundings, or coordinates rounded to about 100 m. */
function approximateLocation(lang: Lang, report: PublicReport): string {
  if (report.locationLabel) return t(lang, 'nearStreet', { street: report.locationLabel });
  const format = (n: number) => approximate(n).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { minimumFractionDigits: 3 });
  return t(lang, 'coordinates', { lat: format(report.lat), lon: format(report.lon) });
}

const statusBadge: Record<ReportStatus, string> = { received: 'info', in_progress: 'warning', done: 'success', rejected: 'danger' };

function StatusBadge(props: { lang: Lang; status: ReportStatus }) {
  return <span class={`kern-badge kern-badge--${statusBadge[props.status]}`}><span class="kern-label kern-label--small">{statusText(props.lang, props.status)}</span></span>;
}

/**
 * The citizen's report form (/maengel/melden). Works without JavaScript: the place is a street
 * from the town's list (with house number), a landmark of the town's list ("In der Nähe von") or
 * typed coordinates. Photos cannot be kept across a failed attempt (a browser never refills a file
 * input), which the error summary says.
 */
export function ReportFormPage(props: { ctx: PageContext; setup: ReportSetup; values: ReportFormValues; errors: FieldErrors; nearby?: { reports: PublicReport[]; photosDropped: boolean }; map?: PageMap }) {
  const { ctx, setup, values, errors, nearby, map } = props;
  const { lang } = ctx;
  return (
    <Layout ctx={ctx} title={`${Object.keys(errors).length > 0 ? (lang === 'de' ? 'Fehler: ' : 'Error: ') : ''}${nearby ? `${t(lang, 'nearbyTitle')}: ` : ''}${t(lang, 'formTitle')}`} scripts={map && mapScripts}>
      <h1 class="kern-heading-x-large">{t(lang, 'formTitle')}</h1>
      <ErrorSummary errors={errors} lang={lang} />
      {nearby && <NearbyReports ctx={ctx} reports={nearby.reports} photosDropped={nearby.photosDropped} />}
      <p class="kern-body">{t(lang, 'formIntro')}</p>
      <form method="post" action={newReportPath} enctype="multipart/form-data" novalidate class="application-form">
        <CsrfField token={ctx.csrfToken} />
        {nearby && <input type="hidden" name="trotzdem" value="1" />}
        <SelectField name="kategorie" label={t(lang, 'categoryLabel')} value={values.kategorie} lang={lang} error={errors.kategorie}
          placeholder={t(lang, 'streetPlaceholder')}
          options={setup.categories.map((c) => ({ value: c.code, label: `${localize(c.name, lang)} – ${localize(c.description, lang)}` }))} />
        <ExtraQuestions lang={lang} categories={setup.categories} values={values.fragen} errors={errors} />
        <fieldset class="kern-fieldset form-field" aria-describedby={`${inputId('ort')}-hint`}>
          <legend class="kern-label">{t(lang, 'locationLegend')}</legend>
          <div class="kern-hint" id={`${inputId('ort')}-hint`}>{t(lang, 'locationHint')}</div>
          {map && <MapRegion lang={lang} layer={map.layer} bounds={map.bounds} mode="pick" label={mapText(lang, 'pickMapLabel')} hint={mapText(lang, 'pickMapHint')} />}
          <div class="kern-fieldset__body address-field">
            <SelectField name="strasse" label={t(lang, 'streetLabel')} value={values.strasse} lang={lang} required={false} error={errors.strasse}
              placeholder={t(lang, 'streetPlaceholder')} options={setup.streets.map((s) => ({ value: s.id, label: s.name }))} />
            <TextField name="hausnummer" label={t(lang, 'houseNumberLabel')} value={values.hausnummer} lang={lang} required={false} error={errors.hausnummer} width="short" maxLength={20} />
            {setup.landmarks.length > 0 && (
              <SelectField name="naehe" label={t(lang, 'landmarkLabel')} value={values.naehe} lang={lang} required={false} error={errors.naehe} hint={t(lang, 'landmarkHint')}
                placeholder={t(lang, 'streetPlaceholder')} options={setup.landmarks.map((l) => ({ value: l.id, label: l.description ? `${l.name} – ${l.description}` : l.name }))} />
            )}
            <TextField name="breite" label={t(lang, 'latLabel')} value={values.breite} lang={lang} required={false} error={errors.breite} hint={t(lang, 'coordinatesHint')} inputmode="decimal" maxLength={20} />
            <TextField name="laenge" label={t(lang, 'lonLabel')} value={values.laenge} lang={lang} required={false} error={errors.laenge} inputmode="decimal" maxLength={20} />
          </div>
        </fieldset>
        <TextField name="beschreibung" label={t(lang, 'descriptionLabel')} value={values.beschreibung} lang={lang} multiline error={errors.beschreibung}
          hint={t(lang, 'descriptionHint', { max: maxDescriptionLength })} />
        <div class={`kern-form-input form-field${errors.fotos ? ' kern-form-input--error' : ''}`}>
          <label class="kern-label" for={inputId('fotos')}>{t(lang, 'photosLabel')}<span class="kern-label__optional"> {viewText(lang, 'optional')}</span></label>
          <div class="kern-hint" id={`${inputId('fotos')}-hint`}>{t(lang, 'photosHint', { max: maxPhotos })}</div>
          {errors.fotos && <p class="kern-error" id={`${inputId('fotos')}-error`}><span class="kern-icon kern-icon--danger" aria-hidden="true"></span><span>{errors.fotos}</span></p>}
          <input class="kern-form-input__input file-input" type="file" id={inputId('fotos')} name="fotos" accept="image/jpeg,image/png,image/webp" multiple
            aria-describedby={[`${inputId('fotos')}-hint`, errors.fotos ? `${inputId('fotos')}-error` : ''].filter(Boolean).join(' ')}
            aria-invalid={errors.fotos ? 'true' : undefined} />
        </div>
        <TextField name="email" type="email" label={t(lang, 'emailLabel')} value={values.email} lang={lang} required={false} error={errors.email}
          hint={t(lang, 'emailHint')} autocomplete="email" maxLength={254} />
        <div class="form-actions"><Button>{nearby ? t(lang, 'submitAnyway') : t(lang, 'submit')}</Button></div>
      </form>
    </Layout>
  );
}

/**
 * "Already reported?": open reports of the same category within 50 m, each with a button to
 * support it instead; the form below then files a new report anyway. A browser never refills a
 * file input, so photos sent along must be chosen again for that.
 */
function NearbyReports(props: { ctx: PageContext; reports: PublicReport[]; photosDropped: boolean }) {
  const { lang } = props.ctx;
  return (
    <section class="kern-alert kern-alert--info" aria-labelledby="schon-gemeldet">
      <div class="kern-alert__header">
        <span class="kern-icon kern-icon--info" aria-hidden="true"></span>
        <h2 class="kern-title" id="schon-gemeldet">{t(lang, 'nearbyTitle')}</h2>
      </div>
      <div class="kern-alert__body">
        <p class="kern-body">{t(lang, 'nearbyIntro', { metres: nearbyMetres })}</p>
        <ul class="kern-list service-list">
          {props.reports.map((r) => (
            <li class="service-list__item" key={r.id}>
              <p class="kern-body">
                <a class="kern-link" href={`${reportsPath}/${r.id}`}>{`${localize(r.category.name, lang)}, ${formatDate(r.createdAt, lang)}`}</a>{' '}
                <StatusBadge lang={lang} status={r.status} />
              </p>
              <p class="kern-body kern-body--small">{`${approximateLocation(lang, r)} · ${t(lang, 'supports')}: ${r.supports}`}</p>
              <form method="post" action={`${reportsPath}/${r.id}/unterstuetzen`}>
                <CsrfField token={props.ctx.csrfToken} />
                <Button variant="secondary">{t(lang, 'supportThis')}</Button>
              </form>
            </li>
          ))}
        </ul>
        <p class="kern-body">{t(lang, 'nearbyAnyway')}{props.photosDropped ? ` ${t(lang, 'errorPhotosAgain')}` : ''}</p>
      </div>
    </section>
  );
}

/** The receipt after a report is stored: what was sent, for this browser only. */
export function ReportReceiptPage(props: { ctx: PageContext; report: PublicReport & { moderation: Moderation }; details: { description: string; address: string | null; reporterEmail: string | null; photos: number } }) {
  const { ctx, report, details } = props;
  const { lang } = ctx;
  return (
    <Layout ctx={ctx} title={t(lang, 'receiptTitle')}>
      <div class="kern-alert kern-alert--success receipt-panel" role="status">
        <div class="kern-alert__header">
          <span class="kern-icon kern-icon--success" aria-hidden="true"></span>
          <h1 class="kern-title">{t(lang, 'receiptTitle')}</h1>
        </div>
        <div class="kern-alert__body">
          <p class="kern-body">{t(lang, 'receiptIntro')}</p>
          {report.moderation === 'held' && <p class="kern-body">{t(lang, 'receiptHeld')}</p>}
        </div>
      </div>
      <SummaryList lang={lang} rows={[
        { key: t(lang, 'category'), value: localize(report.category.name, lang) },
        { key: t(lang, 'receiptAddress'), value: details.address ?? approximateLocation(lang, report) },
        { key: t(lang, 'description'), value: <span class="preserve-lines">{details.description}</span> },
        { key: t(lang, 'receiptPhotos'), value: String(details.photos) },
        { key: t(lang, 'receiptEmail'), value: details.reporterEmail ?? t(lang, 'receiptNoEmail') },
        { key: t(lang, 'reportedOn'), value: formatDate(report.createdAt, lang, true) },
      ]} />
      <p class="kern-body"><a class="kern-link" href={`${reportsPath}/${report.id}`}>{t(lang, 'receiptPublic')}</a></p>
    </Layout>
  );
}

/** The public list of reports (/maengel): category, status, date, rough place; newest first, in pages. */
export function ReportListPage(props: { ctx: PageContext; reports: PublicReport[]; page: number; hasOlder: boolean; acceptsReports: boolean; map?: PageMap; categories?: ReportCategory[] }) {
  const { ctx, reports, map, categories = [] } = props;
  const { lang } = ctx;
  const pageHref = (page: number) => (page === 1 ? reportsPath : `${reportsPath}?seite=${page}`);
  return (
    <Layout ctx={ctx} title={t(lang, 'listTitle')} scripts={map && mapScripts}
      feeds={[{ href: feedHref(), title: mapText(lang, 'feedAll') }, ...categories.map((c) => ({ href: feedHref(c.code), title: mapText(lang, 'feedCategory', { category: localize(c.name, lang) }) }))]}>
      <h1 class="kern-heading-x-large">{t(lang, 'listTitle')}</h1>
      <p class="kern-body">{t(lang, 'listIntro')}</p>
      {props.acceptsReports && <p class="kern-body"><a class="kern-btn kern-btn--primary" href={newReportPath}><span class="kern-label">{t(lang, 'reportLink')}</span></a></p>}
      {map && reports.length > 0 && <MapRegion lang={lang} layer={map.layer} bounds={map.bounds} mode="reports" label={mapText(lang, 'listMapLabel')} />}
      {props.acceptsReports && <p class="kern-body"><a class="kern-link" href={alertsPath}>{alertText(lang, 'formTitle')}</a></p>}
      {reports.length === 0 ? <p class="kern-body">{t(lang, 'listEmpty')}</p> : (
        <ul class="kern-list service-list" aria-label={t(lang, 'listLabel')}>
          {reports.map((r) => (
            <li class="service-list__item" key={r.id} data-report-lat={approximate(r.lat)} data-report-lon={approximate(r.lon)}
              data-report-title={`${localize(r.category.name, lang)}: ${statusText(lang, r.status)}`}>
              <h2 class="kern-heading-small">
                <a class="kern-link" href={`${reportsPath}/${r.id}`}>{localize(r.category.name, lang)}</a>{' '}
                <StatusBadge lang={lang} status={r.status} />
              </h2>
              <p class="kern-body kern-body--small">{[formatDate(r.createdAt, lang), approximateLocation(lang, r)].join(' · ')}</p>
            </li>
          ))}
        </ul>
      )}
      {(props.page > 1 || props.hasOlder) && (
        <nav aria-label={t(lang, 'pageNav')} class="pagination">
          {props.page > 1 && <a class="kern-link" href={pageHref(props.page - 1)}>{t(lang, 'newer')}</a>}
          {props.hasOlder && <a class="kern-link" href={pageHref(props.page + 1)}>{t(lang, 'older')}</a>}
        </nav>
      )}
      <h2 class="kern-heading-medium">{mapText(lang, 'feedsTitle')}</h2>
      <p class="kern-body">{mapText(lang, 'feedsIntro')}</p>
      <ul class="kern-list">
        <li><a class="kern-link" href={feedHref()}>{mapText(lang, 'feedAll')}</a></li>
        {categories.map((c) => <li key={c.code}><a class="kern-link" href={feedHref(c.code)}>{mapText(lang, 'feedCategory', { category: localize(c.name, lang) })}</a></li>)}
      </ul>
    </Layout>
  );
}

/** One report's public page (/maengel/<id>): the description only once a clerk released it. */
export function ReportPage(props: { ctx: PageContext; report: PublicReport & { photos: number[] }; supported?: boolean }) {
  const { ctx, report } = props;
  const { lang } = ctx;
  const title = t(lang, 'reportTitle', { category: localize(report.category.name, lang), date: formatDate(report.createdAt, lang) });
  return (
    <Layout ctx={ctx} title={title}>
      <p class="kern-body"><a class="kern-link" href={reportsPath}>{t(lang, 'backToList')}</a></p>
      <h1 class="kern-heading-x-large">{title}</h1>
      {props.supported && <p class="kern-body" role="status"><strong>{t(lang, 'supportCounted')}</strong></p>}
      <SummaryList lang={lang} rows={[
        { key: t(lang, 'status'), value: <StatusBadge lang={lang} status={report.status} /> },
        { key: t(lang, 'category'), value: localize(report.category.name, lang) },
        { key: t(lang, 'reportedOn'), value: formatDate(report.createdAt, lang) },
        { key: t(lang, 'location'), value: approximateLocation(lang, report) },
        { key: t(lang, 'supports'), value: String(report.supports) },
      ]} />
      <h2 class="kern-heading-medium">{t(lang, 'description')}</h2>
      {report.publicDescription ? <Paragraphs text={report.publicDescription} /> : <p class="kern-body">{t(lang, 'descriptionNotReleased')}</p>}
      {report.photos.length > 0 && (
        <>
          <h2 class="kern-heading-medium">{t(lang, 'photos')}</h2>
          <ul class="kern-list report-photos">
            {report.photos.map((n) => (
              <li key={n}>
                <a class="kern-link" href={`${reportsPath}/${report.id}/fotos/${n}`}>
                  <img src={`${reportsPath}/${report.id}/fotos/${n}/vorschau`} alt={t(lang, 'photoAlt', { n })} width={320} loading="lazy" class="report-photo" />
                  <span class="kern-body">{t(lang, 'photoLink', { n })}</span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      {report.publicComment && (
        <>
          <h2 class="kern-heading-medium">{t(lang, 'publicComment')}</h2>
          <Paragraphs text={report.publicComment} />
        </>
      )}
    </Layout>
  );
}
