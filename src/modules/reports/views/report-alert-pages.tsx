import { localize } from '../../../platform/i18n/i18n.js';
import { Alert, Button, CsrfField, ErrorSummary, SelectField, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { reportsPath } from '../report.js';
import { alertStreetMetres, alertsPath, maxAlertsPerAddress, type AlertFormValues } from '../report-alerts.js';
import type { ReportSetup } from '../reports.service.js';
import { t } from '../report-alerts.i18n.js';

/** The alerts form (/maengel/benachrichtigungen): address, optional category, street or box; after sending, the "check your mail" notice. */
export function AlertFormPage(props: { ctx: PageContext; setup: ReportSetup; values: AlertFormValues; errors: FieldErrors; requested?: boolean }) {
  const { ctx, setup, values, errors } = props;
  const { lang } = ctx;
  return (
    <Layout ctx={ctx} title={`${Object.keys(errors).length > 0 ? (lang === 'de' ? 'Fehler: ' : 'Error: ') : ''}${t(lang, 'formTitle')}`}>
      <h1 class="kern-heading-x-large">{t(lang, 'formTitle')}</h1>
      {props.requested && <Alert kind="success" title={t(lang, 'formTitle')}><p class="kern-body">{t(lang, 'requested')}</p></Alert>}
      <ErrorSummary errors={errors} lang={lang} />
      <p class="kern-body">{t(lang, 'formIntro', { max: maxAlertsPerAddress })}</p>
      <form method="post" action={alertsPath} novalidate class="application-form">
        <CsrfField token={ctx.csrfToken} />
        <TextField name="email" type="email" label={t(lang, 'emailLabel')} value={values.email} lang={lang} error={errors.email} autocomplete="email" maxLength={254} />
        <SelectField name="kategorie" label={t(lang, 'categoryLabel')} value={values.kategorie} lang={lang} required={false} error={errors.kategorie}
          placeholder={t(lang, 'allCategories')} options={setup.categories.map((c) => ({ value: c.code, label: localize(c.name, lang) }))} />
        <SelectField name="strasse" label={t(lang, 'streetLabel')} hint={t(lang, 'streetHint', { metres: alertStreetMetres })} value={values.strasse} lang={lang} required={false}
          error={errors.strasse} placeholder={t(lang, 'anywhere')} options={setup.streets.map((s) => ({ value: s.id, label: s.name }))} />
        <TextField name="bereich" label={t(lang, 'boxLabel')} hint={t(lang, 'boxHint')} value={values.bereich} lang={lang} required={false} error={errors.bereich} maxLength={100} />
        <div class="form-actions"><Button>{t(lang, 'submit')}</Button></div>
      </form>
      <p class="kern-body"><a class="kern-link" href={reportsPath}>{t(lang, 'listLink')}</a></p>
    </Layout>
  );
}

/** The page a mail's link opens: confirm an unconfirmed alert or end a confirmed one, by a button; then what happened. */
export function AlertTokenPage(props: { ctx: PageContext; action: string; confirmed: boolean; done?: 'confirm' | 'end' }) {
  const { lang } = props.ctx;
  const title = t(lang, props.done === 'confirm' || (!props.done && !props.confirmed) ? 'tokenTitleConfirm' : 'tokenTitleEnd');
  return (
    <Layout ctx={props.ctx} title={title}>
      <h1 class="kern-heading-x-large">{title}</h1>
      {props.done ? <p class="kern-body" role="status">{t(lang, props.done === 'confirm' ? 'confirmed' : 'ended')}</p> : (
        <>
          <p class="kern-body">{t(lang, props.confirmed ? 'endIntro' : 'confirmIntro')}</p>
          <form method="post" action={props.action}>
            <CsrfField token={props.ctx.csrfToken} />
            <Button name="aktion" value={props.confirmed ? 'end' : 'confirm'}>{t(lang, props.confirmed ? 'end' : 'confirm')}</Button>
          </form>
        </>
      )}
      <p class="kern-body"><a class="kern-link" href={reportsPath}>{t(lang, 'listLink')}</a></p>
    </Layout>
  );
}
