import { Button, CsrfField, ErrorSummary, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { t } from '../staff.i18n.js';
import { IdpSignInLink } from './oidc-pages.js';

/** The staff sign-in form, and the way through the town's IdP when it has one. */
export function LoginPage(props: { ctx: PageContext; email: string; errors: FieldErrors; idpName?: string | null }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'loginTitle')}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <h1 class="kern-heading-x-large">{t(lang, 'loginTitle')}</h1>
      <form method="post" action="/verwaltung/anmelden" novalidate class="narrow-form">
        <CsrfField token={props.ctx.csrfToken} />
        <div class="kern-stack">
          <TextField name="email" label={t(lang, 'email')} type="email" autocomplete="username" value={props.email} lang={lang} error={props.errors.email} />
          <TextField name="password" label={t(lang, 'password')} type="password" autocomplete="current-password" value="" lang={lang} error={props.errors.password} />
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'login')}</Button></div>
      </form>
      {props.idpName && <IdpSignInLink lang={lang} name={props.idpName} />}
    </Layout>
  );
}
