import { formatDate } from '../../../platform/i18n/i18n.js';
import { Alert, Button, CsrfField, ErrorSummary, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import type { RawInput } from '../../forms/answers.js';
import { FormField } from '../../forms/views/form-fields.js';
import { profileStep } from '../profile.js';
import { t } from '../profile.i18n.js';

/** The profile form: name, address, date of birth, phone, language and the consent to prefill forms. */
export function ProfilePage(props: { ctx: PageContext; raw: RawInput; errors: FieldErrors; consentSince: Date | null; notice?: string }) {
  const { ctx } = props;
  const { lang } = ctx;
  return (
    <Layout ctx={ctx} title={`${Object.keys(props.errors).length ? (lang === 'de' ? 'Fehler: ' : 'Error: ') : ''}${t(lang, 'profileTitle')}`}>
      <p class="kern-body"><a class="kern-link" href="/konto">{t(lang, 'accountTitle')}</a></p>
      <ErrorSummary errors={props.errors} lang={lang} />
      {props.notice && <Alert kind="success" title={props.notice} />}
      <h1 class="kern-heading-x-large">{t(lang, 'profileTitle')}</h1>
      <p class="kern-body">{t(lang, 'profileIntro')}</p>
      <form method="post" action="/konto/profil" novalidate class="application-form">
        <CsrfField token={ctx.csrfToken} />
        <div class="kern-stack">
          {profileStep.fields.map((field) => <FormField key={field.id} field={field} raw={props.raw} files={{}} errors={props.errors} lang={lang} />)}
          <p class="kern-body" data-testid="consent-state">
            {props.consentSince ? t(lang, 'consentSince', { date: formatDate(props.consentSince, lang, true) }) : t(lang, 'consentNone')}
          </p>
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'profileSubmit')}</Button></div>
      </form>
    </Layout>
  );
}
