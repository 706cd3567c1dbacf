import type { Lang } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField, Table, TextField } from '../../../platform/views/components.js';
import { AdminFrame, type AdminPageProps } from '../../administration/index.js';
import type { ReportSettings } from '../report-settings.js';
import { t } from '../report-settings.i18n.js';

/** Where town admins keep the Mängelmelder's landmarks, street list and blocked words. */
export const reportSettingsPath = '/verwaltung/admin/maengel';

/** What the admin typed into the page's forms, kept when a form is refused. */
export interface ReportSettingsValues { ortName: string; ortBeschreibung: string; ortBreite: string; ortLaenge: string; strassen: string; woerter: string }

const point = (lang: Lang, p: { lat: number; lon: number }) => [p.lat, p.lon].map((n) => n.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 6 })).join(', ');

/** A list of the page (landmarks or streets) with a remove button per row. */
function PlaceTable(props: { lang: Lang; csrfToken?: string; label: string; empty: string; rows: Array<{ id: string; name: string; description?: string | null; lat: number; lon: number }>; removePath: string; withDescription?: boolean }) {
  const { lang } = props;
  if (props.rows.length === 0) return <p class="kern-body">{props.empty}</p>;
  return (
    <Table label={props.label} head={[t(lang, 'name'), ...(props.withDescription ? [t(lang, 'description')] : []), t(lang, 'point'), t(lang, 'action')]}>
      {props.rows.map((r) => (
        <tr class="kern-table__row" key={r.id}>
          <td class="kern-table__cell">{r.name}</td>
          {props.withDescription && <td class="kern-table__cell">{r.description ?? ''}</td>}
          <td class="kern-table__cell">{point(lang, r)}</td>
          <td class="kern-table__cell">
            <form method="post" action={`${reportSettingsPath}/${props.removePath}/${r.id}/entfernen`}>
              <CsrfField token={props.csrfToken} />
              <Button variant="secondary">{t(lang, 'remove', { name: r.name })}</Button>
            </form>
          </td>
        </tr>
      ))}
    </Table>
  );
}

/**
 * The town admin's report settings (/verwaltung/admin/maengel): the landmarks for "In der Nähe
 * von", the street list (added by pasting lines) and the blocked words of the moderation, each
 * section with its own form.
 */
export function ReportSettingsPage(props: AdminPageProps & { settings: ReportSettings | undefined; values: ReportSettingsValues; doneText?: string }) {
  const { ctx, settings, values, errors } = props;
  const { lang } = ctx;
  return (
    <AdminFrame {...props} title={t(lang, 'settingsTitle')} section="reportSettings" doneText={props.doneText}>
      {!settings ? <p class="kern-body">{t(lang, 'notSetUp')}</p> : (
        <>
          <p class="kern-body">{t(lang, 'settingsIntro')}</p>
          <section aria-labelledby="orte">
            <h2 class="kern-heading-large" id="orte">{t(lang, 'landmarksTitle')}</h2>
            <p class="kern-body">{t(lang, 'landmarksIntro')}</p>
            <PlaceTable lang={lang} csrfToken={ctx.csrfToken} label={t(lang, 'landmarksTitle')} empty={t(lang, 'landmarksEmpty')} rows={settings.landmarks} removePath="orte" withDescription />
            <h3 class="kern-heading-medium">{t(lang, 'landmarkNew')}</h3>
            <form method="post" action={`${reportSettingsPath}/orte`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <TextField name="ortName" label={t(lang, 'landmarkName')} hint={t(lang, 'landmarkNameHint')} value={values.ortName} error={errors.ortName} lang={lang} maxLength={120} />
              <TextField name="ortBeschreibung" label={t(lang, 'landmarkDescription')} hint={t(lang, 'landmarkDescriptionHint')} value={values.ortBeschreibung} error={errors.ortBeschreibung} lang={lang} required={false} maxLength={200} />
              <TextField name="ortBreite" label={t(lang, 'lat')} hint={t(lang, 'coordinatesHint')} value={values.ortBreite} error={errors.ortBreite} lang={lang} inputmode="decimal" maxLength={20} width="medium" />
              <TextField name="ortLaenge" label={t(lang, 'lon')} value={values.ortLaenge} error={errors.ortLaenge} lang={lang} inputmode="decimal" maxLength={20} width="medium" />
              <Button>{t(lang, 'addLandmark')}</Button>
            </form>
          </section>
          <section aria-labelledby="strassen">
            <h2 class="kern-heading-large" id="strassen">{t(lang, 'streetsTitle')}</h2>
            <p class="kern-body">{t(lang, 'streetsIntro')}</p>
            <PlaceTable lang={lang} csrfToken={ctx.csrfToken} label={t(lang, 'streetsTitle')} empty={t(lang, 'streetsEmpty')} rows={settings.streets} removePath="strassen" />
            <h3 class="kern-heading-medium">{t(lang, 'streetsNew')}</h3>
            <form method="post" action={`${reportSettingsPath}/strassen`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <TextField name="strassen" label={t(lang, 'streetLines')} hint={t(lang, 'streetLinesHint')} value={values.strassen} error={errors.strassen} lang={lang} multiline />
              <Button>{t(lang, 'addStreets')}</Button>
            </form>
          </section>
          <section aria-labelledby="woerter">
            <h2 class="kern-heading-large" id="woerter">{t(lang, 'wordsTitle')}</h2>
            <p class="kern-body">{t(lang, 'wordsIntro')}</p>
            <form method="post" action={`${reportSettingsPath}/woerter`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <TextField name="woerter" label={t(lang, 'words')} hint={t(lang, 'wordsHint')} value={values.woerter} error={errors.woerter} lang={lang} required={false} multiline />
              <Button>{t(lang, 'saveWords')}</Button>
            </form>
          </section>
        </>
      )}
    </AdminFrame>
  );
}
