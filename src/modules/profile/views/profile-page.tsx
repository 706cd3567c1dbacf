import { formatDate } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField, type FieldErrors } from '../../../platform/views/components.js';
import type { PageContext } from '../../../platform/views/layout.js';
import type { RawInput } from '../../forms/answers.js';
import { FormField } from '../../forms/views/form-fields.js';
import { profileStep } from '../profile.js';
import { t } from '../profile.i18n.js';
import { AccountAreaPage } from './account-area-page.js';

/** The profile form: name, address, date of birth, phone, language and the consent to prefill forms. */
export function ProfilePage(props: { ctx: PageContext; raw: RawInput; errors: FieldErrors; consentSince: Date | null; notice?: string }) {
  const { ctx } = props;
  const { lang } = ctx;
  return (
    <AccountAreaPage ctx={ctx} title={t(lang, 'profileTitle')} intro={t(lang, 'profileIntro')} errors={props.errors} notice={props.notice}>
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
    </AccountAreaPage>
  );
}
