import { localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Button, ChoiceField, CsrfField, SelectField, Table, TextField } from '../../../platform/views/components.js';
import { AdminFrame, type AdminPageProps } from '../../administration/index.js';
import type { CategoryInput, ReportSettings } from '../report-settings.js';
import type { CategorySetting } from '../report-settings.repository.js';
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
 * von", the street list (added by pasting lines), the blocked words of the moderation and the
 * categories (each edited on its own page), each section with its own form.
 */
export function ReportSettingsPage(props: AdminPageProps & { settings: ReportSettings | undefined; categories: CategoryList; values: ReportSettingsValues; doneText?: string }) {
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
          <section aria-labelledby="kategorien">
            <h2 class="kern-heading-large" id="kategorien">{t(lang, 'categoriesTitle')}</h2>
            <p class="kern-body">{t(lang, 'categoriesIntro')}</p>
            <Table label={t(lang, 'categoriesTitle')} head={[t(lang, 'name'), t(lang, 'code'), t(lang, 'department'), t(lang, 'offered'), t(lang, 'action')]}>
              {props.categories.list.map((c) => (
                <tr class="kern-table__row" key={c.id}>
                  <td class="kern-table__cell">{localize(c.name, lang)}</td>
                  <td class="kern-table__cell"><code>{c.code}</code></td>
                  <td class="kern-table__cell">{props.categories.departmentName(c.departmentId)}</td>
                  <td class="kern-table__cell">{t(lang, c.active ? 'yes' : 'no')}</td>
                  <td class="kern-table__cell"><a class="kern-link" href={categoryPath(c.id)}>{t(lang, 'edit', { name: localize(c.name, lang) })}</a></td>
                </tr>
              ))}
            </Table>
            <p class="kern-body"><a class="kern-link" href={categoryPath('neu')}>{t(lang, 'categoryNew')}</a></p>
          </section>
        </>
      )}
    </AdminFrame>
  );
}

/** The town's categories and how a department id reads, for the settings pages. */
export interface CategoryList { list: CategorySetting[]; departments: Array<{ id: string; name: string }>; departmentName: (id: string) => string }

/** A category's page: `neu` for a new one. */
export const categoryPath = (id: string) => `${reportSettingsPath}/kategorien/${id}`;

/** What the category form shows: as typed, or as stored. */
export type CategoryFormValues = Omit<CategoryInput, 'active'> & { active: boolean };

/**
 * A category's form: a new one with its code, an existing one without (the code is its Open311
 * service_code, which clients keep). Names and descriptions in German and English, the department
 * new reports go to, and whether it is offered.
 */
export function ReportCategoryPage(props: AdminPageProps & { id: string; name?: string; values: CategoryFormValues; categories: CategoryList }) {
  const { ctx, values, errors } = props;
  const { lang } = ctx;
  return (
    <AdminFrame {...props} title={props.name ? t(lang, 'categoryEdit', { name: props.name }) : t(lang, 'categoryNew')} section="reportSettings">
      <p class="kern-body"><a class="kern-link" href={`${reportSettingsPath}#kategorien`}>{t(lang, 'backToSettings')}</a></p>
      <form method="post" action={categoryPath(props.id)} novalidate>
        <CsrfField token={ctx.csrfToken} />
        {values.code !== undefined && <TextField name="code" label={t(lang, 'code')} hint={t(lang, 'codeHint')} value={values.code} error={errors.code} lang={lang} maxLength={40} width="medium" />}
        <TextField name="nameDe" label={t(lang, 'nameDe')} value={values.nameDe} error={errors.nameDe} lang={lang} maxLength={120} />
        <TextField name="nameEn" label={t(lang, 'nameEn')} value={values.nameEn} error={errors.nameEn} lang={lang} maxLength={120} />
        <TextField name="descriptionDe" label={t(lang, 'descriptionDe')} value={values.descriptionDe} error={errors.descriptionDe} lang={lang} maxLength={300} multiline />
        <TextField name="descriptionEn" label={t(lang, 'descriptionEn')} value={values.descriptionEn} error={errors.descriptionEn} lang={lang} maxLength={300} multiline />
        <SelectField name="departmentId" label={t(lang, 'departmentLabel')} value={values.departmentId} error={errors.departmentId} lang={lang}
          placeholder={t(lang, 'choose')} options={props.categories.departments.map((d) => ({ value: d.id, label: d.name }))} />
        <ChoiceField name="active" label={t(lang, 'activeLabel')} kind="checkbox" options={[{ value: '1', label: t(lang, 'activeOption') }]} selected={values.active ? ['1'] : []} lang={lang} required={false} />
        <Button>{t(lang, 'saveCategory')}</Button>
      </form>
    </AdminFrame>
  );
}
