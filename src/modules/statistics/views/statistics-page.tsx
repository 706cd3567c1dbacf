import { localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Button, ErrorSummary, TextField } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { caseStatuses, caseStatusNames, StaffBar } from '../../cases/index.js';
import type { CaseFigures, ParsedPeriod } from '../statistics.js';
import { t } from '../statistics.i18n.js';

const percent = { de: new Intl.NumberFormat('de-DE', { style: 'percent', maximumFractionDigits: 0 }), en: new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 }) };
const decimal = { de: new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 }), en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }) };

function days(value: number | null, lang: Lang): string {
  if (value === null) return t(lang, 'noMedian');
  const rounded = Math.round(value * 10) / 10;
  return rounded === 1 ? t(lang, 'oneDay') : t(lang, 'days', { days: decimal[lang].format(rounded) });
}

function share(part: number, total: number, lang: Lang): string {
  return t(lang, 'ofTotal', { part, total, percent: total === 0 ? '–' : percent[lang].format(part / total) });
}

/** The statistics of a team lead's departments: a period form, then cases per status and processing figures per service. */
export function StatisticsPage(props: {
  ctx: PageContext;
  staffName: string;
  parsed: ParsedPeriod;
  figures?: CaseFigures[];
  linkedCases?: number;
  serviceTitle: (id: string) => string;
}) {
  const { lang } = props.ctx;
  const { values, errors } = props.parsed;
  const figures = props.figures ?? [];
  const range = { from: values.von, to: values.bis };
  const rowName = (f: CaseFigures) => (f.serviceId === null ? t(lang, 'allServices') : props.serviceTitle(f.serviceId));
  const failed = Object.keys(errors).length > 0;
  return (
    <Layout ctx={props.ctx} title={`${failed ? `${t(lang, 'notShown')}: ` : ''}${t(lang, 'title')}`}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      <p class="kern-body"><a class="kern-link" href="/verwaltung">{t(lang, 'backToInbox')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'title')}</h1>
      <p class="kern-body">{t(lang, 'intro')}</p>
      <form method="get" action="/verwaltung/statistik" class="inbox-filter" aria-label={t(lang, 'period')}>
        <ErrorSummary errors={errors} lang={lang} />
        <div class="inbox-filter__row">
          <TextField name="von" label={t(lang, 'from')} hint={t(lang, 'dateHint')} value={values.von} error={errors.von} lang={lang} maxLength={40} />
          <TextField name="bis" label={t(lang, 'to')} hint={t(lang, 'dateHint')} value={values.bis} error={errors.bis} lang={lang} maxLength={40} />
        </div>
        <Button variant="secondary">{t(lang, 'show')}</Button>
      </form>
      {props.figures && (figures.every((f) => f.total === 0) ? <p class="kern-body">{t(lang, 'empty')}</p> : (
        <>
          <div class="kern-table-responsive" tabindex={0} role="region" aria-label={t(lang, 'statusCaption', range)}>
            <table class="kern-table kern-table--striped">
              <caption class="kern-title">{t(lang, 'statusCaption', range)}</caption>
              <thead class="kern-table__header">
                <tr class="kern-table__row">
                  <th scope="col" class="kern-table__header">{t(lang, 'service')}</th>
                  <th scope="col" class="kern-table__header kern-table__header--numeric">{t(lang, 'total')}</th>
                  {caseStatuses.map((s) => <th scope="col" class="kern-table__header kern-table__header--numeric" key={s}>{localize(caseStatusNames[s], lang)}</th>)}
                </tr>
              </thead>
              <tbody class="kern-table__body">
                {figures.map((f) => (
                  <tr class="kern-table__row" key={f.serviceId ?? ''}>
                    <th scope="row" class="kern-table__header">{rowName(f)}</th>
                    <td class="kern-table__cell kern-table__cell--numeric">{f.total}</td>
                    {caseStatuses.map((s) => <td class="kern-table__cell kern-table__cell--numeric" key={s}>{f.byStatus[s]}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="kern-table-responsive" tabindex={0} role="region" aria-label={t(lang, 'processingCaption', range)}>
            <table class="kern-table kern-table--striped">
              <caption class="kern-title">{t(lang, 'processingCaption', range)}</caption>
              <thead class="kern-table__header">
                <tr class="kern-table__row">
                  <th scope="col" class="kern-table__header">{t(lang, 'service')}</th>
                  <th scope="col" class="kern-table__header">{t(lang, 'online')}</th>
                  <th scope="col" class="kern-table__header kern-table__header--numeric">{t(lang, 'decided')}</th>
                  <th scope="col" class="kern-table__header">{t(lang, 'median')}</th>
                  <th scope="col" class="kern-table__header kern-table__header--numeric">{t(lang, 'overdue')}</th>
                </tr>
              </thead>
              <tbody class="kern-table__body">
                {figures.map((f) => (
                  <tr class="kern-table__row" key={f.serviceId ?? ''}>
                    <th scope="row" class="kern-table__header">{rowName(f)}</th>
                    <td class="kern-table__cell">{share(f.online, f.total, lang)}</td>
                    <td class="kern-table__cell kern-table__cell--numeric">{f.decided}</td>
                    <td class="kern-table__cell">{days(f.medianProcessingDays, lang)}</td>
                    <td class="kern-table__cell kern-table__cell--numeric">{f.overdue}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="kern-body kern-body--small">{t(lang, 'medianNote')}</p>
          <p class="kern-body kern-body--small">{t(lang, 'onlineNote')}</p>
        </>
      ))}
      {props.linkedCases ? <p class="kern-body">{t(lang, 'linkedNote', { count: props.linkedCases })}</p> : null}
    </Layout>
  );
}
