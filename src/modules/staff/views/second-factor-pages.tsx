import type { ComponentChildren } from 'preact';
import { Alert, Button, CsrfField, ErrorSummary, SummaryList, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { groupInFours } from '../second-factor.js';
import { t } from '../staff.i18n.js';

/** Lets a half-signed-in clerk give up and start again (ends the session). */
function CancelSignIn(props: { ctx: PageContext }) {
  return (
    <form method="post" action="/verwaltung/abmelden" class="form-actions">
      <CsrfField token={props.ctx.csrfToken} />
      <Button variant="secondary">{t(props.ctx.lang, 'cancelSignIn')}</Button>
    </form>
  );
}

// Where each second-factor form posts to, with its heading and button.
const forms = {
  enrol: { action: '/verwaltung/anmelden/einrichten', title: 'enrolTitle', submit: 'enrolSubmit' },
  code: { action: '/verwaltung/anmelden/code', title: 'codeTitle', submit: 'codeSubmit' },
  recovery: { action: '/verwaltung/anmelden/wiederherstellung', title: 'recoveryTitle', submit: 'recoverySubmit' },
} as const;

/** A second-factor page: title, errors, a one-field form and the way out. */
function SecondFactorForm(props: { ctx: PageContext; kind: keyof typeof forms; errors: FieldErrors; intro: ComponentChildren; field: ComponentChildren; after?: ComponentChildren }) {
  const { ctx } = props;
  const form = forms[props.kind];
  const title = t(ctx.lang, form.title);
  return (
    <Layout ctx={ctx} title={title}>
      <ErrorSummary errors={props.errors} lang={ctx.lang} />
      <h1 class="kern-heading-x-large">{title}</h1>
      {props.intro}
      <form method="post" action={form.action} novalidate class="narrow-form">
        <CsrfField token={ctx.csrfToken} />
        {props.field}
        <div class="kern-btn-wrapper form-actions"><Button>{t(ctx.lang, form.submit)}</Button></div>
      </form>
      {props.after}
      <CancelSignIn ctx={ctx} />
    </Layout>
  );
}

function CodeField(props: { ctx: PageContext; error?: string }) {
  const { lang } = props.ctx;
  return <TextField name="code" label={t(lang, 'code')} hint={t(lang, 'codeHint')} value="" lang={lang} error={props.error} autocomplete="one-time-code" inputmode="numeric" maxLength={7} width="short" />;
}

/**
 * First sign-in: the QR code (markup from the qrcode library, which holds nothing but the shapes),
 * the same details for typing in by hand, and the field for the first code.
 */
export function EnrolPage(props: { ctx: PageContext; qrSvg: string; secret: string; issuer: string; label: string; errors: FieldErrors }) {
  const { ctx } = props;
  const { lang } = ctx;
  return (
    <SecondFactorForm
      ctx={ctx}
      kind="enrol"
      errors={props.errors}
      intro={
        <>
          <p class="kern-body">{t(lang, 'enrolIntro')}</p>
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
      field={<CodeField ctx={ctx} error={props.errors.code} />}
    />
  );
}

/** Shown once, in the answer to the confirming request: the recovery codes exist in plain text nowhere else. */
export function RecoveryCodesPage(props: { ctx: PageContext; codes: string[] }) {
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
      <p><a class="kern-btn kern-btn--primary" href="/verwaltung"><span class="kern-label">{t(lang, 'continueToInbox')}</span></a></p>
    </Layout>
  );
}

/** Every later sign-in: the current code from the app, or a recovery code instead. */
export function CodePage(props: { ctx: PageContext; issuer: string; errors: FieldErrors }) {
  const { ctx } = props;
  const { lang } = ctx;
  return (
    <SecondFactorForm
      ctx={ctx}
      kind="code"
      errors={props.errors}
      intro={<p class="kern-body">{t(lang, 'codeIntro', { issuer: props.issuer })}</p>}
      field={<CodeField ctx={ctx} error={props.errors.code} />}
      after={<p class="kern-body"><a class="kern-link" href="/verwaltung/anmelden/wiederherstellung">{t(lang, 'useRecoveryCode')}</a></p>}
    />
  );
}

/** Sign-in with one of the recovery codes when the app is out of reach. */
export function RecoveryCodeSignInPage(props: { ctx: PageContext; errors: FieldErrors }) {
  const { ctx } = props;
  const { lang } = ctx;
  return (
    <SecondFactorForm
      ctx={ctx}
      kind="recovery"
      errors={props.errors}
      intro={<p class="kern-body">{t(lang, 'recoveryIntro')}</p>}
      field={<TextField name="recoveryCode" label={t(lang, 'recoveryCode')} hint={t(lang, 'recoveryCodeHint')} value="" lang={lang} error={props.errors.recoveryCode} autocomplete="off" maxLength={40} />}
      after={<p class="kern-body"><a class="kern-link" href="/verwaltung/anmelden/code">{t(lang, 'backToCode')}</a></p>}
    />
  );
}
