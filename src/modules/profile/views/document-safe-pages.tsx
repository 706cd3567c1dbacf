import { formatDate } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import type { RawInput } from '../../forms/answers.js';
import { FormField } from '../../forms/views/form-fields.js';
import { documentSafeLimits, documentUploadStep, type SafeDocument } from '../document-safe.js';
import { t } from '../profile.i18n.js';
import { AccountAreaPage } from './account-area-page.js';

/** "340 KB" or "2,5 MB" (German number format in both languages, as elsewhere on the portal's pages). */
const size = (bytes: number) => bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toLocaleString('de-DE', { maximumFractionDigits: 1 })} MB`;

/** The document safe: the account's documents (download, delete), its use of the quota, and the upload form. */
export function DocumentSafePage(props: { ctx: PageContext; documents: SafeDocument[]; raw: RawInput; errors: FieldErrors; notice?: string }) {
  const { ctx, documents } = props;
  const { lang } = ctx;
  const used = documents.reduce((sum, d) => sum + d.size, 0);
  return (
    <AccountAreaPage ctx={ctx} title={t(lang, 'documentsTitle')} intro={t(lang, 'documentsIntro')} errors={props.errors} notice={props.notice}>
      <p class="kern-body">
        {t(lang, 'documentsUsage', { count: documents.length, maxCount: documentSafeLimits.maxDocuments, used: size(used), max: size(documentSafeLimits.maxTotalBytes) })}
      </p>
      {documents.length === 0 ? <p class="kern-body">{t(lang, 'documentsEmpty')}</p> : (
        // A list, not a table: four columns do not fit a phone held upright.
        <ul class="kern-list document-list" aria-label={t(lang, 'documentsTitle')}>
          {documents.map((d) => (
            <li key={d.id} class="document-list__item">
              <span class="kern-body kern-body--bold">{d.name}</span>
              <span class="kern-body document-list__file">{t(lang, 'documentFacts', { file: `${d.filename} (${size(d.size)})`, date: formatDate(d.createdAt, lang, true) })}</span>
              <span class="kern-body">
                <a class="kern-link" href={`/konto/dokumente/${d.id}/herunterladen`}>{t(lang, 'download')}<span class="sr-only"> {d.name}</span></a>{' · '}
                <a class="kern-link" href={`/konto/dokumente/${d.id}/loeschen`}>{t(lang, 'delete')}<span class="sr-only"> {d.name}</span></a>
              </span>
            </li>
          ))}
        </ul>
      )}
      <h2 class="kern-heading-large">{t(lang, 'addTitle')}</h2>
      <form method="post" action="/konto/dokumente" enctype="multipart/form-data" novalidate class="application-form">
        <CsrfField token={ctx.csrfToken} />
        <div class="kern-stack">
          {documentUploadStep.fields.map((field) => <FormField key={field.id} field={field} raw={props.raw} files={{}} errors={props.errors} lang={lang} />)}
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'addSubmit')}</Button></div>
      </form>
    </AccountAreaPage>
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
