import { minPasswordLength } from '../../staff/index.js';
import { Button, CsrfField, ErrorSummary, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { t } from '../administration.i18n.js';

/** Choosing the password through an invitation link. */
export function InvitationPage(props: { ctx: PageContext; action: string; email: string; errors: FieldErrors }) {
  const { lang } = props.ctx;
  const title = t(lang, 'invitationTitle');
  return (
    <Layout ctx={props.ctx} title={Object.keys(props.errors).length > 0 ? `${t(lang, 'notSaved')}: ${title}` : title}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <h1 class="kern-heading-x-large">{title}</h1>
      <p class="kern-body">{t(lang, 'invitationIntro', { town: props.ctx.townName, email: props.email })}</p>
      <form method="post" action={props.action} novalidate class="narrow-form">
        <CsrfField token={props.ctx.csrfToken} />
        {/* Lets password managers store the new password under the right account. */}
        <input type="email" name="username" value={props.email} autocomplete="username" hidden readOnly />
        <div class="kern-stack">
          <TextField name="password" type="password" label={t(lang, 'password')} hint={t(lang, 'passwordHint', { min: minPasswordLength })} value="" error={props.errors.password} lang={lang} autocomplete="new-password" />
          <TextField name="passwordConfirm" type="password" label={t(lang, 'passwordConfirm')} value="" error={props.errors.passwordConfirm} lang={lang} autocomplete="new-password" />
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'setPassword')}</Button></div>
      </form>
    </Layout>
  );
}

/** An invitation link that is unknown, used, expired or for a deactivated account (one answer for all). */
export function InvitationInvalidPage(props: { ctx: PageContext }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'invitationInvalidTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'invitationInvalidTitle')}</h1>
      <p class="kern-body">{t(lang, 'invitationInvalidText')}</p>
      <p class="kern-body"><a class="kern-link" href="/verwaltung/anmelden">{t(lang, 'toSignIn')}</a></p>
    </Layout>
  );
}
