import { Alert, Button, CsrfField, ErrorSummary, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { resumeLinkDays, resumeLinksPerDay, savedDraftPaths } from '../saved-drafts.js';
import { t } from '../saved-drafts.i18n.js';

/**
 * "Später fortsetzen" of an anonymous draft: the address to mail the resume link to (or the one
 * from the answers), or, once sent, only that it was sent (the address is not repeated in a URL).
 */
export function LaterPage(props: { ctx: PageContext; draftId: string; serviceTitle: string; answersEmail?: string; email: string; errors: FieldErrors; sent: boolean }) {
  const { lang } = props.ctx;
  const back = <p class="kern-body"><a class="kern-link" href={`/antrag/${props.draftId}`}>{t(lang, 'backToApplication')}</a></p>;
  if (props.sent) {
    return (
      <Layout ctx={props.ctx} title={t(lang, 'laterSentTitle')}>
        <Alert kind="success" title={t(lang, 'laterSentTitle')} />
        <h1 class="kern-heading-x-large">{t(lang, 'laterTitle')}</h1>
        <p class="kern-body">{t(lang, 'laterSentText', { days: resumeLinkDays })}</p>
        {back}
      </Layout>
    );
  }
  const signIn = `/konto/anmelden?weiter=${encodeURIComponent(`/antrag/${props.draftId}`)}`;
  return (
    <Layout ctx={props.ctx} title={`${Object.keys(props.errors).length ? (lang === 'de' ? 'Fehler: ' : 'Error: ') : ''}${t(lang, 'laterTitle')}`}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <p class="kern-preline">{props.serviceTitle}</p>
      <h1 class="kern-heading-x-large">{t(lang, 'laterTitle')}</h1>
      <p class="kern-body">{t(lang, 'laterIntro', { service: props.serviceTitle, days: resumeLinkDays })}</p>
      <form method="post" action={`/antrag/${props.draftId}/spaeter`} novalidate class="narrow-form">
        <CsrfField token={props.ctx.csrfToken} />
        {props.answersEmail
          ? <p class="kern-body">{t(lang, 'laterMailedTo', { email: props.answersEmail })}</p>
          : <TextField name="email" label={t(lang, 'emailLabel')} type="email" autocomplete="email" value={props.email} lang={lang} hint={t(lang, 'laterEmailHint')} error={props.errors.email} maxLength={254} />}
        {props.errors.limit && <p class="kern-error" id="f-limit">{props.errors.limit}</p>}
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'laterSubmit')}</Button></div>
      </form>
      <p class="kern-body">{t(lang, 'laterWithAccount')} <a class="kern-link" href={signIn}>{t(lang, 'signIn')}</a></p>
      {back}
    </Layout>
  );
}

/** The message when a draft has had its share of resume links today. */
export function tooManyLinksMessage(lang: PageContext['lang']): string {
  return t(lang, 'laterTooMany', { max: resumeLinksPerDay });
}

/**
 * Behind a resume link: a button, not an automatic move, because mail scanners open links too and
 * would use it up.
 */
export function ResumeLinkPage(props: { ctx: PageContext; token: string }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'resumeTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'resumeTitle')}</h1>
      <p class="kern-body">{t(lang, 'resumeText')}</p>
      <form method="post" action={`${savedDraftPaths.resume}/${props.token}`}>
        <CsrfField token={props.ctx.csrfToken} />
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'resumeSubmit')}</Button></div>
      </form>
    </Layout>
  );
}

/** A resume link that is unknown, used or expired. */
export function ResumeLinkInvalidPage(props: { ctx: PageContext }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'resumeInvalidTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'resumeInvalidTitle')}</h1>
      <p class="kern-body">{t(lang, 'resumeInvalidText')}</p>
      <p class="kern-body"><a class="kern-link" href="/leistungen">{t(lang, 'toServices')}</a></p>
    </Layout>
  );
}
