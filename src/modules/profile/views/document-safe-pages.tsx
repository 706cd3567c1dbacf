import { formatDate } from '../../../platform/i18n/i18n.js';
import { Alert, Button, CsrfField, ErrorSummary, Table, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import type { RawInput } from '../../forms/answers.js';
import { FormField } from '../../forms/views/form-fields.js';
import { documentSafeLimits, documentUploadStep, type SafeDocument } from '../document-safe.js';
import { t } from '../profile.i18n.js';

const megabytes = (bytes: number) => (bytes / (1024 * 1024)).toLocaleString('de-DE', { maximumFractionDigits: 1 });

/** The document safe: the account's documents (download, delete), its use of the quota, and the upload form. */
export function DocumentSafePage(props: { ctx: PageContext; documents: SafeDocument[]; raw: RawInput; errors: FieldErrors; notice?: string }) {
  const { ctx, documents } = props;
  const { lang } = ctx;
  const used = documents.reduce((sum, d) => sum + d.size, 0);
  return (
    <Layout ctx={ctx} title={`${Object.keys(props.errors).length ? (lang === 'de' ? 'Fehler: ' : 'Error: ') : ''}${t(lang, 'documentsTitle')}`}>
      <p class="kern-body"><a class="kern-link" href="/konto">{t(lang, 'accountTitle')}</a></p>
      <ErrorSummary errors={props.errors} lang={lang} />
      {props.notice && <Alert kind="success" title={props.notice} />}
      <h1 class="kern-heading-x-large">{t(lang, 'documentsTitle')}</h1>
      <p class="kern-body">{t(lang, 'documentsIntro')}</p>
      <p class="kern-body">
        {t(lang, 'documentsUsage', { count: documents.length, maxCount: documentSafeLimits.maxDocuments, used: megabytes(used), maxMb: megabytes(documentSafeLimits.maxTotalBytes) })}
      </p>
      {documents.length === 0 ? <p class="kern-body">{t(lang, 'documentsEmpty')}</p> : (
        <Table label={t(lang, 'documentsTitle')} head={[t(lang, 'documentName'), t(lang, 'documentFile'), t(lang, 'documentAdded'), t(lang, 'documentActions')]}>
          {documents.map((d) => (
            <tr class="kern-table__row" key={d.id}>
              <td class="kern-table__cell">{d.name}</td>
              <td class="kern-table__cell document-file">{`${d.filename} (${Math.ceil(d.size / 1024)} KB)`}</td>
              <td class="kern-table__cell">{formatDate(d.createdAt, lang, true)}</td>
              <td class="kern-table__cell">
                <a class="kern-link" href={`/konto/dokumente/${d.id}/herunterladen`}>{t(lang, 'download')}<span class="sr-only"> {d.name}</span></a>{' · '}
                <a class="kern-link" href={`/konto/dokumente/${d.id}/loeschen`}>{t(lang, 'delete')}<span class="sr-only"> {d.name}</span></a>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <h2 class="kern-heading-large">{t(lang, 'addTitle')}</h2>
      <form method="post" action="/konto/dokumente" enctype="multipart/form-data" novalidate class="application-form">
        <CsrfField token={ctx.csrfToken} />
        <div class="kern-stack">
          {documentUploadStep.fields.map((field) => <FormField key={field.id} field={field} raw={props.raw} files={{}} errors={props.errors} lang={lang} />)}
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'addSubmit')}</Button></div>
      </form>
    </Layout>
  );
}

/** Asks before a document is deleted. */
export function DeleteDocumentPage(props: { ctx: PageContext; document: SafeDocument }) {
  const { ctx, document } = props;
  const { lang } = ctx;
  return (
    <Layout ctx={ctx} title={t(lang, 'deleteTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'deleteTitle')}</h1>
      <p class="kern-body">{t(lang, 'deleteText', { name: document.name, filename: document.filename })}</p>
      <form method="post" action={`/konto/dokumente/${document.id}/loeschen`}>
        <CsrfField token={ctx.csrfToken} />
        <div class="kern-btn-wrapper form-actions">
          <Button>{t(lang, 'deleteSubmit')}</Button>
          <a class="kern-btn kern-btn--secondary" href="/konto/dokumente"><span class="kern-label">{t(lang, 'cancel')}</span></a>
        </div>
      </form>
    </Layout>
  );
}
