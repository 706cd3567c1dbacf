import { formatDate, localize } from '../../../platform/i18n/i18n.js';
import { Button, ChoiceField, CsrfField, ErrorSummary, Table, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import type { RetainedApplication } from '../data-rights.js';
import { t } from '../accounts.i18n.js';

/** Data rights: download everything, or go on to delete the account. */
export function DataPage(props: { ctx: PageContext }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'dataTitle')}>
      <p class="kern-body"><a class="kern-link" href="/konto">{t(lang, 'accountTitle')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'dataTitle')}</h1>
      <p class="kern-body">{t(lang, 'dataIntro')}</p>
      <p class="kern-body"><a class="kern-link" href="/konto/daten/export.zip" download>{t(lang, 'dataDownload')}</a></p>
      <h2 class="kern-heading-large">{t(lang, 'deleteTitle')}</h2>
      <p class="kern-body"><a class="kern-link" href="/konto/loeschen">{t(lang, 'deleteLink')}</a></p>
    </Layout>
  );
}

function keptFor(lang: PageContext['lang'], a: RetainedApplication): string {
  if (a.retention === 'permanent') return t(lang, 'retainedPermanent');
  return a.retention === null ? t(lang, 'retainedUnknown') : t(lang, 'retainedYears', { years: a.retention });
}

/** What a deletion removes and what stays with the town (and why), then the confirmation. */
export function DeleteAccountPage(props: { ctx: PageContext; retained: RetainedApplication[]; consequences: string[]; askPassword: boolean; errors: FieldErrors; confirmed: boolean }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'deleteTitle')}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <p class="kern-body"><a class="kern-link" href="/konto/daten">{t(lang, 'dataTitle')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'deleteTitle')}</h1>
      <p class="kern-body">{t(lang, 'deleteIntro')}</p>
      <h2 class="kern-heading-large">{t(lang, 'deleteRetainedTitle')}</h2>
      {props.retained.length === 0 ? <p class="kern-body">{t(lang, 'deleteRetainedNone')}</p> : (
        <>
          <p class="kern-body">{t(lang, 'deleteRetainedIntro')}</p>
          <Table label={t(lang, 'deleteRetainedTitle')} head={[t(lang, 'reference'), t(lang, 'service'), t(lang, 'submittedAt'), t(lang, 'keptFor'), t(lang, 'legalBasis')]}>
            {props.retained.map((a) => (
              <tr class="kern-table__row" key={a.reference}>
                <td class="kern-table__cell">{a.reference}</td>
                <td class="kern-table__cell">{localize(a.serviceName, lang)}</td>
                <td class="kern-table__cell">{formatDate(a.submittedAt, lang)}</td>
                <td class="kern-table__cell">{keptFor(lang, a)}</td>
                <td class="kern-table__cell">{a.legalBasis ? localize(a.legalBasis, lang) : ''}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
      {props.consequences.length > 0 && (
        <>
          <h2 class="kern-heading-large">{t(lang, 'deleteConsequencesTitle')}</h2>
          <ul class="kern-list">{props.consequences.map((c) => <li key={c}>{c}</li>)}</ul>
        </>
      )}
      <form method="post" action="/konto/loeschen" novalidate class="narrow-form form-actions">
        <CsrfField token={props.ctx.csrfToken} />
        <div class="kern-stack">
          <ChoiceField name="confirm" kind="checkbox" label={t(lang, 'deleteTitle')} options={[{ value: 'yes', label: t(lang, 'deleteConfirm') }]}
            selected={props.confirmed ? ['yes'] : []} lang={lang} error={props.errors.confirm} />
          {props.askPassword && (
            <TextField name="password" label={t(lang, 'password')} type="password" autocomplete="current-password" value="" lang={lang}
              hint={t(lang, 'deletePasswordHint')} error={props.errors.password} />
          )}
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'deleteSubmit')}</Button></div>
      </form>
    </Layout>
  );
}
