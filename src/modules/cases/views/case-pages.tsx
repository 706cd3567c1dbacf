import { formatDate, localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField, SummaryList } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { displayValue, visibleSteps, type Answers } from '../../forms/index.js';
import type { ServiceDefinition } from '../../catalog/index.js';
import { caseStatusNames, type CaseStatus } from '../case.js';
import type { InboxRow } from '../cases.repository.js';
import { t } from '../cases.i18n.js';

function StaffBar(props: { ctx: PageContext; staffName: string }) {
  const { lang } = props.ctx;
  return (
    <form method="post" action="/verwaltung/abmelden" class="staff-bar">
      <CsrfField token={props.ctx.csrfToken} />
      <span class="kern-body kern-body--small">{t(lang, 'signedInAs', { name: props.staffName })}</span>
      <Button variant="tertiary">{t(lang, 'logout')}</Button>
    </form>
  );
}

/** The department inbox: newest cases first, paginated. */
export function InboxPage(props: { ctx: PageContext; staffName: string; rows: InboxRow[]; total: number; page: number; pageSize: number; serviceTitle: (id: string) => string; departmentName: (id: string) => string }) {
  const { lang } = props.ctx;
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Layout ctx={props.ctx} title={t(lang, 'inboxTitle')}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      <h1 class="kern-heading-x-large">{t(lang, 'inboxTitle')}</h1>
      <p class="kern-body">{t(lang, 'caseCount', { total: props.total })}</p>
      {props.rows.length === 0 ? <p class="kern-body">{t(lang, 'inboxEmpty')}</p> : (
        <div class="kern-table-responsive" tabindex={0} role="region" aria-label={t(lang, 'inboxTitle')}>
          <table class="kern-table kern-table--striped">
            <thead class="kern-table__header">
              <tr class="kern-table__row">
                <th scope="col" class="kern-table__header">{t(lang, 'reference')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'service')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'department')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'status')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'received')}</th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {props.rows.map((r) => (
                <tr class="kern-table__row" key={r.id}>
                  <td class="kern-table__cell"><a class="kern-link" href={`/verwaltung/vorgaenge/${r.id}`}>{r.reference}</a></td>
                  <td class="kern-table__cell">{props.serviceTitle(r.serviceId)}</td>
                  <td class="kern-table__cell">{props.departmentName(r.departmentId)}</td>
                  <td class="kern-table__cell">{localize(caseStatusNames[r.status as CaseStatus], lang)}</td>
                  <td class="kern-table__cell">{formatDate(r.createdAt, lang, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 && (
        <nav aria-label={t(lang, 'pagination')} class="pagination">
          {props.page > 1 && <a class="kern-link" href={`/verwaltung?seite=${props.page - 1}`}>{t(lang, 'previous')}</a>}
          <span class="kern-body">{`${props.page} / ${pages}`}</span>
          {props.page < pages && <a class="kern-link" href={`/verwaltung?seite=${props.page + 1}`}>{t(lang, 'next')}</a>}
        </nav>
      )}
    </Layout>
  );
}

/** One case: its status, the submitted data as the definition shows it, and the attachments. */
export function CasePage(props: {
  ctx: PageContext;
  staffName: string;
  caseId: string;
  reference: string;
  status: string;
  submittedAt: Date;
  departmentName: string;
  service: ServiceDefinition;
  answers: Answers;
  files: Array<{ id: string; filename: string; size: number }>;
}) {
  const lang: Lang = props.ctx.lang;
  const form = props.service.form!;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'caseTitle', { reference: props.reference })}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      <p class="kern-body"><a class="kern-link" href="/verwaltung">{t(lang, 'backToInbox')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'caseTitle', { reference: props.reference })}</h1>
      <SummaryList
        lang={lang}
        rows={[
          { key: t(lang, 'service'), value: localize(props.service.title, lang) },
          { key: t(lang, 'department'), value: props.departmentName },
          { key: t(lang, 'status'), value: localize(caseStatusNames[props.status as CaseStatus], lang) },
          { key: t(lang, 'received'), value: formatDate(props.submittedAt, lang, true) },
        ]}
      />
      <h2 class="kern-heading-large">{t(lang, 'submittedData')}</h2>
      {visibleSteps(form, props.answers).map((step) => (
        <section key={step.id} aria-labelledby={`s-${step.id}`}>
          <h3 class="kern-heading-medium" id={`s-${step.id}`}>{localize(step.title, lang)}</h3>
          <SummaryList
            lang={lang}
            rows={step.fields
              .filter((f) => props.answers[step.id]?.[f.id] !== undefined)
              .map((f) => ({ key: localize(f.label, lang), value: <span class="preserve-lines">{displayValue(f, props.answers[step.id]?.[f.id], lang)}</span> }))}
          />
        </section>
      ))}
      <h2 class="kern-heading-large">{t(lang, 'attachments')}</h2>
      {props.files.length === 0 ? <p class="kern-body">{t(lang, 'noAttachments')}</p> : (
        <ul class="kern-list">
          {props.files.map((f) => (
            <li key={f.id}><a class="kern-link" href={`/verwaltung/vorgaenge/${props.caseId}/dateien/${f.id}`}>{`${f.filename} (${Math.ceil(f.size / 1024)} KB)`}</a></li>
          ))}
        </ul>
      )}
      <p class="kern-body"><a class="kern-link" href={`/verwaltung/vorgaenge/${props.caseId}/eingang.pdf`}>{t(lang, 'receiptPdf')}</a></p>
    </Layout>
  );
}
