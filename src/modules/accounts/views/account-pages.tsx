import type { ComponentChildren } from 'preact';
import { formatDate } from '../../../platform/i18n/i18n.js';
import type { AccountSession } from '../../../platform/http/session.js';
import { Alert, Button, CsrfField, ErrorSummary, Table, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { MessagePage } from '../../../platform/views/message-page.js';
import { minPasswordLength, resetPasswordMinutes, verifyEmailHours, type Account } from '../account.js';
import { accountPaths } from '../account-mail.js';
import { t } from '../accounts.i18n.js';

/** A one-form page of the account area: error summary, heading, intro, the form. */
function FormPage(props: { ctx: PageContext; title: string; errors: FieldErrors; action: string; submit: string; intro?: string; children?: ComponentChildren; after?: ComponentChildren }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <h1 class="kern-heading-x-large">{props.title}</h1>
      {props.intro && <p class="kern-body">{props.intro}</p>}
      <form method="post" action={props.action} novalidate class="narrow-form">
        <CsrfField token={props.ctx.csrfToken} />
        <div class="kern-stack">{props.children}</div>
        <div class="kern-btn-wrapper form-actions"><Button>{props.submit}</Button></div>
      </form>
      {props.after}
    </Layout>
  );
}

function NewPasswordField(props: { ctx: PageContext; name: string; label: string; error?: string }) {
  const { lang } = props.ctx;
  return <TextField name={props.name} label={props.label} type="password" autocomplete="new-password" value="" lang={lang} hint={t(lang, 'passwordHint', { min: minPasswordLength })} error={props.error} />;
}

/** Registration: e-mail and password. */
export function RegisterPage(props: { ctx: PageContext; email: string; errors: FieldErrors }) {
  const { lang } = props.ctx;
  return (
    <FormPage ctx={props.ctx} title={t(lang, 'registerTitle')} intro={t(lang, 'registerIntro')} errors={props.errors} action="/konto/registrieren" submit={t(lang, 'registerSubmit')}
      after={<p class="kern-body"><a class="kern-link" href={accountPaths.login}>{t(lang, 'loginTitle')}</a></p>}>
      <TextField name="email" label={t(lang, 'email')} type="email" autocomplete="email" value={props.email} lang={lang} error={props.errors.email} maxLength={254} />
      <NewPasswordField ctx={props.ctx} name="password" label={t(lang, 'password')} error={props.errors.password} />
    </FormPage>
  );
}

/** After registration, whatever happened: look in your mailbox. */
export function RegisterSentPage(props: { ctx: PageContext; email: string }) {
  const { lang } = props.ctx;
  return <MessagePage ctx={props.ctx} title={t(lang, 'registerSentTitle')} text={t(lang, 'registerSentText', { email: props.email, hours: verifyEmailHours })} />;
}

/**
 * Behind the confirmation link: a button, not an automatic confirmation, because mail scanners
 * open links too and would use it up.
 */
export function ConfirmPage(props: { ctx: PageContext; token: string }) {
  const { lang } = props.ctx;
  return <FormPage ctx={props.ctx} title={t(lang, 'confirmTitle')} intro={t(lang, 'confirmText')} errors={{}} action={`${accountPaths.confirm}/${props.token}`} submit={t(lang, 'confirmSubmit')} />;
}

/** Sign-in with e-mail and password; `next` is where to go afterwards. */
export function LoginPage(props: { ctx: PageContext; email: string; next: string; errors: FieldErrors; notice?: string; children?: ComponentChildren }) {
  const { lang } = props.ctx;
  const action = props.next === '/konto' ? accountPaths.login : `${accountPaths.login}?weiter=${encodeURIComponent(props.next)}`;
  return (
    <FormPage ctx={props.ctx} title={t(lang, 'loginTitle')} errors={props.errors} action={action} submit={t(lang, 'loginSubmit')}
      after={
        <>
          {props.children}
          <p class="kern-body"><a class="kern-link" href={accountPaths.forgot}>{t(lang, 'forgotLink')}</a></p>
          <p class="kern-body">{t(lang, 'noAccountYet')} <a class="kern-link" href="/konto/registrieren">{t(lang, 'registerLink')}</a></p>
        </>
      }>
      {props.notice && <Alert kind="success" title={props.notice} />}
      <TextField name="email" label={t(lang, 'email')} type="email" autocomplete="username webauthn" value={props.email} lang={lang} error={props.errors.email} maxLength={254} />
      <TextField name="password" label={t(lang, 'password')} type="password" autocomplete="current-password" value="" lang={lang} error={props.errors.password} />
    </FormPage>
  );
}

/** Asks for the address to send a reset link to. */
export function ForgotPasswordPage(props: { ctx: PageContext; email: string; errors: FieldErrors }) {
  const { lang } = props.ctx;
  return (
    <FormPage ctx={props.ctx} title={t(lang, 'forgotTitle')} intro={t(lang, 'forgotIntro', { minutes: resetPasswordMinutes })} errors={props.errors} action={accountPaths.forgot} submit={t(lang, 'forgotSubmit')}>
      <TextField name="email" label={t(lang, 'email')} type="email" autocomplete="email" value={props.email} lang={lang} error={props.errors.email} maxLength={254} />
    </FormPage>
  );
}

/** Behind the reset link: the new password. */
export function ResetPasswordPage(props: { ctx: PageContext; token: string; errors: FieldErrors }) {
  const { lang } = props.ctx;
  return (
    <FormPage ctx={props.ctx} title={t(lang, 'resetTitle')} errors={props.errors} action={`${accountPaths.reset}/${props.token}`} submit={t(lang, 'resetSubmit')}>
      <NewPasswordField ctx={props.ctx} name="password" label={t(lang, 'newPassword')} error={props.errors.password} />
    </FormPage>
  );
}

/** A link of the account overview to one of its areas. */
export interface AccountArea {
  href: string;
  label: string;
  description: string;
}

/** The account's start page: who is signed in and the areas of the account. */
export function AccountPage(props: { ctx: PageContext; account: Account; areas: AccountArea[]; notice?: string }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'accountTitle')}>
      {props.notice && <Alert kind="success" title={props.notice} />}
      <h1 class="kern-heading-x-large">{t(lang, 'accountTitle')}</h1>
      <p class="kern-body">{t(lang, 'accountIntro', { email: props.account.email })}</p>
      <ul class="kern-list account-areas">
        {props.areas.map((a) => (
          <li key={a.href}><a class="kern-link" href={a.href}>{a.label}</a><br /><span class="kern-body">{a.description}</span></li>
        ))}
      </ul>
      <form method="post" action="/konto/abmelden">
        <CsrfField token={props.ctx.csrfToken} />
        <Button variant="secondary">{t(lang, 'logout')}</Button>
      </form>
    </Layout>
  );
}

const browsers: Array<[RegExp, string]> = [[/Edg\//, 'Edge'], [/OPR\//, 'Opera'], [/Firefox\//, 'Firefox'], [/Chrom(e|ium)\//, 'Chrome'], [/Safari\//, 'Safari']];
const systems: Array<[RegExp, string]> = [[/Android/, 'Android'], [/iPhone|iPad/, 'iOS'], [/Windows/, 'Windows'], [/Mac OS X/, 'macOS'], [/CrOS/, 'ChromeOS'], [/Linux/, 'Linux']];

/** "Firefox on Windows" from a User-Agent header, so a person recognises their devices; null when unknown. */
export function describeUserAgent(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const browser = browsers.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1];
  return browser && system ? `${browser} · ${system}` : browser ?? system ?? null;
}

/** Sign-in and security: password, active sessions; further sections (second factors) come as children. */
export function SecurityPage(props: { ctx: PageContext; account: Account; sessions: AccountSession[]; errors: FieldErrors; notice?: string; children?: ComponentChildren }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'securityTitle')}>
      <ErrorSummary errors={props.errors} lang={lang} />
      {props.notice && <Alert kind="success" title={props.notice} />}
      <p class="kern-body"><a class="kern-link" href="/konto">{t(lang, 'accountTitle')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'securityTitle')}</h1>
      {props.children}
      <h2 class="kern-heading-large">{t(lang, 'sessionsTitle')}</h2>
      <p class="kern-body">{t(lang, 'sessionsIntro')}</p>
      <Table label={t(lang, 'sessionsTitle')} head={[t(lang, 'sessionDevice'), t(lang, 'sessionStarted'), t(lang, 'sessionLastSeen'), t(lang, 'sessionTrust'), t(lang, 'sessionActions')]}>
        {props.sessions.map((s) => (
          <tr class="kern-table__row" key={s.publicId}>
            <td class="kern-table__cell session-device" title={s.userAgent ?? undefined}>{describeUserAgent(s.userAgent) ?? t(lang, 'unknownDevice')}</td>
            <td class="kern-table__cell">{formatDate(s.createdAt, lang, true)}</td>
            <td class="kern-table__cell">{formatDate(s.lastSeenAt, lang, true)}</td>
            <td class="kern-table__cell">{s.trustLevel ? t(lang, `trust_${s.trustLevel}`) : ''}</td>
            <td class="kern-table__cell">
              {s.current ? t(lang, 'thisSession') : (
                <form method="post" action={`/konto/sicherheit/sitzungen/${s.publicId}/beenden`}>
                  <CsrfField token={props.ctx.csrfToken} />
                  <button type="submit" class="kern-btn kern-btn--tertiary" aria-label={t(lang, 'endSessionLabel', { time: formatDate(s.createdAt, lang, true) })}>
                    <span class="kern-label">{t(lang, 'endSession')}</span>
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </Table>
      <form method="post" action="/konto/sicherheit/ueberall-abmelden" class="form-actions">
        <CsrfField token={props.ctx.csrfToken} />
        <p class="kern-body">{t(lang, 'signOutEverywhereText')}</p>
        <Button variant="secondary">{t(lang, 'signOutEverywhere')}</Button>
      </form>
      {props.account.hasPassword && (
        <>
          <h2 class="kern-heading-large">{t(lang, 'changePasswordTitle')}</h2>
          <form method="post" action="/konto/sicherheit/passwort" novalidate class="narrow-form">
            <CsrfField token={props.ctx.csrfToken} />
            <div class="kern-stack">
              <TextField name="current" label={t(lang, 'currentPassword')} type="password" autocomplete="current-password" value="" lang={lang} error={props.errors.current} />
              <NewPasswordField ctx={props.ctx} name="password" label={t(lang, 'newPassword')} error={props.errors.password} />
            </div>
            <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'changePasswordSubmit')}</Button></div>
          </form>
        </>
      )}
    </Layout>
  );
}
