import type { SecondFactorState } from '../../../platform/auth/second-factor.js';
import { formatDate } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField, ErrorSummary, Table, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { passkeyNameMaxLength, reauthenticationMinutes, signInMethodPaths as paths, withNext, type Passkey } from '../sign-in-methods.js';
import { t } from '../second-factor.i18n.js';

// The browser part of passkeys (public/passkeys.js): it shows what is marked data-passkey-section
// and hides what is marked data-passkey-needs-script, so without it no passkey button is offered.
const passkeyScript = <script src="/static/passkeys.js" defer></script>;

/** The error of a passkey ceremony, next to its button (the error summary links to the button). */
function PasskeyError(props: { error?: string }) {
  if (!props.error) return null;
  return (
    <p class="kern-error" id="f-passkey-error">
      <span class="kern-icon kern-icon--danger" aria-hidden="true"></span>
      <span>{props.error}</span>
    </p>
  );
}

/** The hidden fields the script fills with the browser's answer (or the name of its error) before it submits. */
function CeremonyFields(props: { ctx: PageContext }) {
  return (
    <>
      <CsrfField token={props.ctx.csrfToken} />
      <input type="hidden" name="credential" value="" />
      <input type="hidden" name="problem" value="" />
    </>
  );
}

function PasskeyButton(props: { label: string; error?: string; variant: 'primary' | 'secondary' }) {
  return (
    <button type="submit" class={`kern-btn kern-btn--${props.variant}`} id="f-passkey" aria-describedby={props.error ? 'f-passkey-error' : undefined}>
      <span class="kern-label">{props.label}</span>
    </button>
  );
}

/** "Sign in with a passkey" under the password form; `next` is where to go afterwards. Shown only where the browser can. */
export function PasskeySignIn(props: { ctx: PageContext; next: string; error?: string }) {
  const { lang } = props.ctx;
  return (
    <section class="passkey-sign-in" aria-labelledby="passkey-sign-in-title" data-passkey-section="" hidden>
      <h2 class="kern-heading-medium" id="passkey-sign-in-title">{t(lang, 'passkeySignInTitle')}</h2>
      <p class="kern-body">{t(lang, 'passkeySignInText')}</p>
      <form method="post" action={withNext(paths.passkeySignIn, props.next)} data-passkey="sign-in" data-passkey-options={paths.passkeySignInOptions}>
        <CeremonyFields ctx={props.ctx} />
        <PasskeyError error={props.error} />
        <div class="kern-btn-wrapper"><PasskeyButton label={t(lang, 'passkeySignIn')} error={props.error} variant="secondary" /></div>
      </form>
      {passkeyScript}
    </section>
  );
}

/** Where a signed-in account stands with passkeys and the second factor, for the security page. */
export interface SignInMethods {
  passkeys: Passkey[];
  totp: SecondFactorState;
  /** Signed in (or the password confirmed) recently enough to change them. */
  recent: boolean;
  /** The host the passkeys of this page belong to. */
  host: string;
}

/** The link to confirm the password, where a change needs a recent sign-in. */
function ReauthenticateHint(props: { ctx: PageContext }) {
  const { lang } = props.ctx;
  return (
    <p class="kern-body">
      {t(lang, 'reauthNeeded', { minutes: reauthenticationMinutes })}{' '}
      <a class="kern-link" href={withNext(paths.reauthenticate, paths.security)}>{t(lang, 'reauthLink')}</a>
    </p>
  );
}

function PasskeyTable(props: { ctx: PageContext; passkeys: Passkey[] }) {
  const { lang } = props.ctx;
  if (props.passkeys.length === 0) return <p class="kern-body">{t(lang, 'noPasskeys')}</p>;
  return (
    <Table label={t(lang, 'passkeysTitle')} head={[t(lang, 'passkeyName'), t(lang, 'passkeyCreated'), t(lang, 'passkeyLastUsed'), t(lang, 'passkeyActions')]}>
      {props.passkeys.map((p) => (
        <tr class="kern-table__row" key={p.id}>
          <td class="kern-table__cell passkey-name">{p.name}</td>
          <td class="kern-table__cell">{formatDate(p.createdAt, lang, true)}</td>
          <td class="kern-table__cell">{p.lastUsedAt ? formatDate(p.lastUsedAt, lang, true) : t(lang, 'passkeyNeverUsed')}</td>
          <td class="kern-table__cell">
            <div class="passkey-actions">
              <a class="kern-link" href={`${paths.passkeys}/${p.id}`} aria-label={t(lang, 'renamePasskeyLabel', { name: p.name })}>{t(lang, 'renamePasskey')}</a>
              <form method="post" action={`${paths.passkeys}/${p.id}/entfernen`}>
                <CsrfField token={props.ctx.csrfToken} />
                <button type="submit" class="kern-btn kern-btn--tertiary" aria-label={t(lang, 'removePasskeyLabel', { name: p.name })}>
                  <span class="kern-label">{t(lang, 'removePasskey')}</span>
                </button>
              </form>
            </div>
          </td>
        </tr>
      ))}
    </Table>
  );
}

/** Adding a passkey: a name, then the browser's dialog (the script); without the script, a note instead. */
function AddPasskeyForm(props: { ctx: PageContext; name: string; errors: FieldErrors }) {
  const { lang } = props.ctx;
  return (
    <>
      <p class="kern-body" data-passkey-needs-script="">{t(lang, 'passkeyNeedsScript')}</p>
      <form method="post" action={paths.passkeys} novalidate class="narrow-form" data-passkey="register" data-passkey-options={paths.passkeyOptions} data-passkey-section="" hidden>
        <CeremonyFields ctx={props.ctx} />
        <TextField name="passkeyName" label={t(lang, 'newPasskeyName')} hint={t(lang, 'newPasskeyNameHint', { max: passkeyNameMaxLength })} value={props.name} lang={lang} error={props.errors.passkeyName} maxLength={passkeyNameMaxLength + 20} />
        <PasskeyError error={props.errors.passkey} />
        <div class="kern-btn-wrapper form-actions"><PasskeyButton label={t(lang, 'addPasskey')} error={props.errors.passkey} variant="primary" /></div>
      </form>
      {passkeyScript}
    </>
  );
}

/** Turning the second factor off: a current code or the password. */
function TurnOffTotpForm(props: { ctx: PageContext; errors: FieldErrors }) {
  const { lang } = props.ctx;
  return (
    <>
      <h3 class="kern-heading-medium">{t(lang, 'totpTurnOffTitle')}</h3>
      <p class="kern-body">{t(lang, 'totpTurnOffText')}</p>
      <form method="post" action={paths.totpOff} novalidate class="narrow-form">
        <CsrfField token={props.ctx.csrfToken} />
        <div class="kern-stack">
          <TextField name="totpCode" label={t(lang, 'totpTurnOffCode')} value="" lang={lang} required={false} error={props.errors.totpCode} autocomplete="one-time-code" inputmode="numeric" maxLength={7} width="short" />
          <TextField name="totpPassword" label={t(lang, 'totpTurnOffPassword')} type="password" autocomplete="current-password" value="" lang={lang} required={false} error={props.errors.totpPassword} />
        </div>
        <div class="kern-btn-wrapper form-actions"><Button variant="secondary">{t(lang, 'totpTurnOff')}</Button></div>
      </form>
    </>
  );
}

/** The security page's sections on passkeys and the second factor (children of SecurityPage). */
export function SignInMethodSections(props: { ctx: PageContext; methods: SignInMethods; errors: FieldErrors; values: { passkeyName?: string } }) {
  const { ctx, methods } = props;
  const { lang } = ctx;
  return (
    <>
      <section aria-labelledby="passkeys-title">
        <h2 class="kern-heading-large" id="passkeys-title">{t(lang, 'passkeysTitle')}</h2>
        <p class="kern-body">{t(lang, 'passkeysIntro', { host: methods.host })}</p>
        <PasskeyTable ctx={ctx} passkeys={methods.passkeys} />
        <h3 class="kern-heading-medium">{t(lang, 'addPasskeyTitle')}</h3>
        {methods.recent ? <AddPasskeyForm ctx={ctx} name={props.values.passkeyName ?? ''} errors={props.errors} /> : <ReauthenticateHint ctx={ctx} />}
      </section>
      <section aria-labelledby="totp-title">
        <h2 class="kern-heading-large" id="totp-title">{t(lang, 'totpTitle')}</h2>
        {methods.totp.enrolled ? (
          <>
            <p class="kern-body">{t(lang, 'totpOnText')}</p>
            <TurnOffTotpForm ctx={ctx} errors={props.errors} />
          </>
        ) : (
          <>
            <p class="kern-body">{t(lang, 'totpOffText')}</p>
            <p class="kern-body"><a class="kern-link" href={paths.totp}>{t(lang, 'totpSetUp')}</a></p>
          </>
        )}
      </section>
    </>
  );
}

/** Renaming one passkey. */
export function RenamePasskeyPage(props: { ctx: PageContext; passkey: Passkey; name: string; errors: FieldErrors }) {
  const { ctx } = props;
  const { lang } = ctx;
  return (
    <Layout ctx={ctx} title={t(lang, 'renamePasskeyTitle')}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <p class="kern-body"><a class="kern-link" href={paths.security}>{t(lang, 'backToSecurity')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'renamePasskeyTitle')}</h1>
      <form method="post" action={`${paths.passkeys}/${props.passkey.id}`} novalidate class="narrow-form">
        <CsrfField token={ctx.csrfToken} />
        <TextField name="passkeyName" label={t(lang, 'newPasskeyName')} hint={t(lang, 'newPasskeyNameHint', { max: passkeyNameMaxLength })} value={props.name} lang={lang} error={props.errors.passkeyName} maxLength={passkeyNameMaxLength + 20} />
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'renamePasskeySubmit')}</Button></div>
      </form>
    </Layout>
  );
}

/** The password asked again before sign-in methods change; a passkey does as well. */
export function ReauthenticatePage(props: { ctx: PageContext; next: string; hasPassword: boolean; errors: FieldErrors }) {
  const { ctx } = props;
  const { lang } = ctx;
  return (
    <Layout ctx={ctx} title={t(lang, 'reauthTitle')}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <h1 class="kern-heading-x-large">{t(lang, 'reauthTitle')}</h1>
      <p class="kern-body">{t(lang, 'reauthIntro', { minutes: reauthenticationMinutes })}</p>
      {props.hasPassword ? (
        <form method="post" action={withNext(paths.reauthenticate, props.next)} novalidate class="narrow-form">
          <CsrfField token={ctx.csrfToken} />
          <TextField name="password" label={t(lang, 'password')} type="password" autocomplete="current-password" value="" lang={lang} error={props.errors.password} />
          <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'reauthSubmit')}</Button></div>
        </form>
      ) : <p class="kern-body">{t(lang, 'reauthNoPassword')}</p>}
      <PasskeySignIn ctx={ctx} next={props.next} error={props.errors.passkey} />
      <p class="kern-body"><a class="kern-link" href={paths.security}>{t(lang, 'backToSecurity')}</a></p>
    </Layout>
  );
}
