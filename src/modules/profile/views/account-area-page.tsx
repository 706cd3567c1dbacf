import type { ComponentChildren } from 'preact';
import { Alert, ErrorSummary, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { t } from '../profile.i18n.js';

/** A page of the account area with a form: the way back to the account, error summary or notice, heading and intro. */
export function AccountAreaPage(props: { ctx: PageContext; title: string; intro: string; errors: FieldErrors; notice?: string; children: ComponentChildren }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={`${Object.keys(props.errors).length ? (lang === 'de' ? 'Fehler: ' : 'Error: ') : ''}${props.title}`}>
      <p class="kern-body"><a class="kern-link" href="/konto">{t(lang, 'accountTitle')}</a></p>
      <ErrorSummary errors={props.errors} lang={lang} />
      {props.notice && <Alert kind="success" title={props.notice} />}
      <h1 class="kern-heading-x-large">{props.title}</h1>
      <p class="kern-body">{props.intro}</p>
      {props.children}
    </Layout>
  );
}
