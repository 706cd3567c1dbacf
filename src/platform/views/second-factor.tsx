import type { ComponentChildren } from 'preact';
import { groupInFours, normalizeTotpCode, type SecondFactorResult } from '../auth/totp.js';
import { formatDate, type Lang } from '../i18n/i18n.js';
import { Alert, Button, CsrfField, ErrorSummary, SummaryList, TextField, type FieldErrors } from './components.js';
import { Layout, type PageContext } from './layout.js';
import { t } from './second-factor.i18n.js';

/**
 * The pages of a second factor by TOTP (set-up, code, recovery code, the recovery codes shown
 * once), shared by the staff sign-in and citizen accounts; each passes where its forms post to,
 * the texts that differ by audience, and the way out of the page.
 */

/** The message saying until when the second factor is locked. */
export function lockedMessage(lang: Lang, lockedUntil: Date | null): string {
  return t(lang, 'locked', { time: formatDate(lockedUntil ?? new Date(), lang, true) });
}

/** The message for a refused attempt, next to the field it belongs to (`code` or `recoveryCode`). */
export function refusalMessage(lang: Lang, result: Exclude<SecondFactorResult, 'accepted'>, lockedUntil: Date | null, field: 'code' | 'recoveryCode'): string {
  if (result === 'locked') return lockedMessage(lang, lockedUntil);
  if (result === 'replayed') return t(lang, 'codeReplayed');
  return t(lang, field === 'code' ? 'codeWrong' : 'recoveryWrong');
}

/** The six digits typed in the field `code`, or the message saying what is wrong with the input. */
export function readTotpCode(lang: Lang, body: Record<string, unknown>): { code: string } | { error: string } {
  const raw = typeof body.code === 'string' ? body.code.slice(0, 20) : '';
  if (!raw.trim()) return { error: t(lang, 'codeRequired') };
  const code = normalizeTotpCode(raw);
  return code ? { code } : { error: t(lang, 'codeMalformed') };
}

/** The recovery code typed in the field `recoveryCode` (to be checked), or the message that it is missing. */
export function readRecoveryCode(lang: Lang, body: Record<string, unknown>): { code: string } | { error: string } {
  const code = typeof body.recoveryCode === 'string' ? body.recoveryCode.slice(0, 40) : '';
  return code.trim() ? { code } : { error: t(lang, 'recoveryRequired') };
}

/** A button that ends a half-finished sign-in (posts to the sign-out of its area). */
export function CancelSignIn(props: { ctx: PageContext; action: string }) {
  return (
    <form method="post" action={props.action} class="form-actions">
      <CsrfField token={props.ctx.csrfToken} />
      <Button variant="secondary">{t(props.ctx.lang, 'cancelSignIn')}</Button>
    </form>
  );
}

/** A second-factor page: title, errors, a one-field form and the way out. */
function SecondFactorForm(props: { ctx: PageContext; title: string; action: string; submit: string; errors: FieldErrors; intro: ComponentChildren; field: ComponentChildren; after?: ComponentChildren; wayOut: ComponentChildren }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={props.title}>
      <ErrorSummary errors={props.errors} lang={ctx.lang} />
      <h1 class="kern-heading-x-large">{props.title}</h1>
      {props.intro}
      <form method="post" action={props.action} novalidate class="narrow-form">
        <CsrfField token={ctx.csrfToken} />
        {props.field}
        <div class="kern-btn-wrapper form-actions"><Button>{props.submit}</Button></div>
      </form>
      {props.after}
      {props.wayOut}
    </Layout>
  );
}

/** The field for the six digits from the app. */
export function TotpCodeField(props: { lang: Lang; error?: string }) {
  const { lang } = props;
  return <TextField name="code" label={t(lang, 'code')} hint={t(lang, 'codeHint')} value="" lang={lang} error={props.error} autocomplete="one-time-code" inputmode="numeric" maxLength={7} width="short" />;
}

/**
 * Set-up: the QR code (markup from the qrcode library, which holds nothing but the shapes), the same
 * details for typing in by hand, and the field for the first code. `intro` says why.
 */
export function TotpEnrolPage(props: { ctx: PageContext; action: string; intro: string; qrSvg: string; secret: string; issuer: string; label: string; errors: FieldErrors; wayOut: ComponentChildren }) {
  const { ctx } = props;
  const { lang } = ctx;
  return (
    <SecondFactorForm
      ctx={ctx}
      title={t(lang, 'enrolTitle')}
      action={props.action}
      submit={t(lang, 'enrolSubmit')}
      errors={props.errors}
      intro={
        <>
          <p class="kern-body">{props.intro}</p>
          <p class="kern-body">{t(lang, 'enrolScan')}</p>
          <div class="qr-code" role="img" aria-label={t(lang, 'qrCodeLabel', { label: props.label })} dangerouslySetInnerHTML={{ __html: props.qrSvg }} />
          <p class="kern-body">{t(lang, 'enrolManual')}</p>
          <SummaryList
            lang={lang}
            rows={[
              { key: t(lang, 'issuer'), value: props.issuer },
              { key: t(lang, 'account'), value: props.label },
              { key: t(lang, 'secretKey'), value: <span class="totp-secret" data-testid="totp-secret">{groupInFours(props.secret)}</span> },
              { key: t(lang, 'method'), value: t(lang, 'methodValue') },
            ]}
          />
          <p class="kern-body">{t(lang, 'enrolEnterCode')}</p>
        </>
      }
      field={<TotpCodeField lang={lang} error={props.errors.code} />}
      wayOut={props.wayOut}
    />
  );
}

/** Shown once, in the answer to the confirming request: the recovery codes exist in plain text nowhere else. */
export function RecoveryCodesPage(props: { ctx: PageContext; codes: string[]; next: { href: string; label: string } }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'recoveryCodesTitle')}>
      <Alert kind="success" title={t(lang, 'enrolled')} />
      <h1 class="kern-heading-x-large">{t(lang, 'recoveryCodesTitle')}</h1>
      <p class="kern-body">{t(lang, 'recoveryCodesIntro')}</p>
      <Alert kind="warning" title={t(lang, 'recoveryCodesKeep')} />
      <ol class="kern-list recovery-codes" data-testid="recovery-codes">
        {props.codes.map((code) => <li key={code}><code>{code}</code></li>)}
      </ol>
      <p><a class="kern-btn kern-btn--primary" href={props.next.href}><span class="kern-label">{props.next.label}</span></a></p>
    </Layout>
  );
}

/** Every later sign-in: the current code from the app, or a link to use a recovery code instead. */
export function TotpCodePage(props: { ctx: PageContext; action: string; recoveryHref: string; issuer: string; errors: FieldErrors; wayOut: ComponentChildren }) {
  const { ctx } = props;
  const { lang } = ctx;
  return (
    <SecondFactorForm
      ctx={ctx}
      title={t(lang, 'codeTitle')}
      action={props.action}
      submit={t(lang, 'codeSubmit')}
      errors={props.errors}
      intro={<p class="kern-body">{t(lang, 'codeIntro', { issuer: props.issuer })}</p>}
      field={<TotpCodeField lang={lang} error={props.errors.code} />}
      after={<p class="kern-body"><a class="kern-link" href={props.recoveryHref}>{t(lang, 'useRecoveryCode')}</a></p>}
      wayOut={props.wayOut}
    />
  );
}

/** Sign-in with one of the recovery codes when the app is out of reach; `intro` says what to do when they are gone too. */
export function RecoveryCodeSignInPage(props: { ctx: PageContext; action: string; codeHref: string; intro: string; errors: FieldErrors; wayOut: ComponentChildren }) {
  const { ctx } = props;
  const { lang } = ctx;
  return (
    <SecondFactorForm
      ctx={ctx}
      title={t(lang, 'recoveryTitle')}
      action={props.action}
      submit={t(lang, 'recoverySubmit')}
      errors={props.errors}
      intro={<p class="kern-body">{props.intro}</p>}
      field={<TextField name="recoveryCode" label={t(lang, 'recoveryCode')} hint={t(lang, 'recoveryCodeHint')} value="" lang={lang} error={props.errors.recoveryCode} autocomplete="off" maxLength={40} />}
      after={<p class="kern-body"><a class="kern-link" href={props.codeHref}>{t(lang, 'backToCode')}</a></p>}
      wayOut={props.wayOut}
    />
  );
}
