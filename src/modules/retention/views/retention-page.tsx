import { formatDate, localize, type Lang, type Localized } from '../../../platform/i18n/i18n.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { StaffBar } from '../../cases/index.js';
import type { DueCase } from '../retention.repository.js';
import { t } from '../retention.i18n.js';

/** One service's line: its retention rule and how many of its cases are due. */
export interface ServiceRetentionLine {
  serviceId: string;
  title: string;
  retention: { years: number; legalBasis?: Localized } | { permanent: true; legalBasis?: Localized } | undefined;
  overdue: number;
  dueSoon: number;
}

function period(line: ServiceRetentionLine, lang: Lang): string {
  const r = line.retention;
  if (!r) return t(lang, 'noPeriod');
  if ('permanent' in r) return t(lang, 'permanent');
  return r.years === 1 ? t(lang, 'oneYear') : t(lang, 'years', { years: r.years });
}

/** The retention report of a team lead's departments: rules and counts per service, then the due cases. */
export function RetentionPage(props: {
  ctx: PageContext;
  staffName: string;
  lines: ServiceRetentionLine[];
  cases: DueCase[];
  truncated: boolean;
  deletedLast30Days: number;
  serviceTitle: (id: string) => string;
  now: Date;
}) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'title')}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      <p class="kern-body"><a class="kern-link" href="/verwaltung">{t(lang, 'backToInbox')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'title')}</h1>
      <p class="kern-body">{t(lang, 'intro')}</p>
      <p class="kern-body">{t(lang, 'deletedRecently', { count: props.deletedLast30Days })}</p>
      <div class="kern-table-responsive" tabindex={0} role="region" aria-label={t(lang, 'perServiceCaption')}>
        <table class="kern-table kern-table--striped">
          <caption class="kern-title">{t(lang, 'perServiceCaption')}</caption>
          <thead class="kern-table__header">
            <tr class="kern-table__row">
              <th scope="col" class="kern-table__header">{t(lang, 'service')}</th>
              <th scope="col" class="kern-table__header">{t(lang, 'period')}</th>
              <th scope="col" class="kern-table__header kern-table__header--numeric">{t(lang, 'overdue')}</th>
              <th scope="col" class="kern-table__header kern-table__header--numeric">{t(lang, 'dueSoon')}</th>
            </tr>
          </thead>
          <tbody class="kern-table__body">
            {props.lines.map((line) => (
              <tr class="kern-table__row" key={line.serviceId}>
                <th scope="row" class="kern-table__header">{line.title}</th>
                <td class="kern-table__cell">
                  {period(line, lang)}
                  {line.retention?.legalBasis && <><br /><span class="kern-body kern-body--small">{localize(line.retention.legalBasis, lang)}</span></>}
                </td>
                <td class="kern-table__cell kern-table__cell--numeric">{line.overdue}</td>
                <td class="kern-table__cell kern-table__cell--numeric">{line.dueSoon}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.cases.length === 0 ? <p class="kern-body">{t(lang, 'noneDue')}</p> : (
        <div class="kern-table-responsive" tabindex={0} role="region" aria-label={t(lang, 'casesCaption')}>
          <table class="kern-table kern-table--striped">
            <caption class="kern-title">{t(lang, 'casesCaption')}</caption>
            <thead class="kern-table__header">
              <tr class="kern-table__row">
                <th scope="col" class="kern-table__header">{t(lang, 'reference')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'service')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'closedOn')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'deleteFrom')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'state')}</th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {props.cases.map((c) => (
                <tr class="kern-table__row" key={c.id}>
                  <th scope="row" class="kern-table__header"><a class="kern-link" href={`/verwaltung/vorgaenge/${c.id}`}>{c.reference}</a></th>
                  <td class="kern-table__cell">{props.serviceTitle(c.serviceId)}</td>
                  <td class="kern-table__cell">{formatDate(c.closedAt, lang)}</td>
                  <td class="kern-table__cell">{formatDate(c.deleteAfter, lang)}</td>
                  <td class="kern-table__cell">{c.deleteAfter < props.now ? <strong>{t(lang, 'stateOverdue')}</strong> : t(lang, 'stateDue')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.truncated && <p class="kern-body">{t(lang, 'truncated')}</p>}
    </Layout>
  );
}
