import { localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Button, ErrorSummary, Table, TextField } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { StaffBar } from '../../cases/index.js';
import type { parsePeriod } from '../../statistics/index.js';
import { gridMetres, type ReportStatistics } from '../report-statistics.js';
import { t } from '../report-map.i18n.js';
import { mapScripts, MapRegion } from './report-map.js';
import type { PageMap } from './report-pages.js';

/** Where the report statistics live. */
export const reportStatisticsPath = '/verwaltung/maengel/statistik';

const decimal = { de: new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 }), en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }) };
const degrees = { de: new Intl.NumberFormat('de-DE', { minimumFractionDigits: 3, maximumFractionDigits: 3 }), en: new Intl.NumberFormat('en-GB', { minimumFractionDigits: 3, maximumFractionDigits: 3 }) };

function Numeric(props: { children: string | number }) {
  return <td class="kern-table__cell kern-table__cell--numeric">{String(props.children)}</td>;
}

/**
 * The report statistics of the staff member's departments (all for a town admin): a period form,
 * open and closed reports per category and month, the median time to done per category, and
 * where reports come from as a table of grid cells that the heat map draws with JavaScript.
 */
export function ReportStatisticsPage(props: { ctx: PageContext; staffName: string; parsed: ReturnType<typeof parsePeriod>; departments: string; statistics?: ReportStatistics; map?: PageMap }) {
  const { ctx, parsed, statistics, map } = props;
  const lang: Lang = ctx.lang;
  const { values, errors } = parsed;
  const failed = Object.keys(errors).length > 0;
  return (
    <Layout ctx={ctx} title={`${failed ? (lang === 'de' ? 'Fehler: ' : 'Error: ') : ''}${t(lang, 'statisticsTitle')}`} scripts={map && statistics && statistics.cells.length > 0 ? mapScripts : undefined}>
      <StaffBar ctx={ctx} staffName={props.staffName} />
      <h1 class="kern-heading-x-large">{t(lang, 'statisticsTitle')}</h1>
      <p class="kern-body">{t(lang, 'statisticsIntro', { departments: props.departments })}</p>
      <form method="get" action={reportStatisticsPath} class="inbox-filter" novalidate>
        <ErrorSummary errors={errors} lang={lang} />
        <div class="inbox-filter__row">
          <TextField name="von" label={t(lang, 'from')} value={values.von} error={errors.von} lang={lang} maxLength={40} />
          <TextField name="bis" label={t(lang, 'to')} value={values.bis} error={errors.bis} lang={lang} maxLength={40} />
        </div>
        <Button variant="secondary">{t(lang, 'show')}</Button>
      </form>
      {statistics && (statistics.byMonth.length === 0 ? <p class="kern-body">{t(lang, 'noReports')}</p> : (
        <>
          <h2 class="kern-heading-large">{t(lang, 'byMonthTitle')}</h2>
          <Table label={t(lang, 'byMonthTitle')} head={[t(lang, 'month'), t(lang, 'category'), t(lang, 'open'), t(lang, 'closed'), t(lang, 'total')]}>
            {statistics.byMonth.map((row) => (
              <tr class="kern-table__row" key={`${row.month}-${row.code}`}>
                <td class="kern-table__cell">{row.month}</td>
                <td class="kern-table__cell">{localize(row.name, lang)}</td>
                <Numeric>{row.open}</Numeric>
                <Numeric>{row.closed}</Numeric>
                <Numeric>{row.open + row.closed}</Numeric>
              </tr>
            ))}
          </Table>
          <h2 class="kern-heading-large">{t(lang, 'medianTitle')}</h2>
          <p class="kern-body">{t(lang, 'medianIntro')}</p>
          <Table label={t(lang, 'medianTitle')} head={[t(lang, 'category'), t(lang, 'done'), t(lang, 'medianDays')]}>
            {statistics.timeToDone.map((row) => (
              <tr class="kern-table__row" key={row.code}>
                <td class="kern-table__cell">{localize(row.name, lang)}</td>
                <Numeric>{row.done}</Numeric>
                <Numeric>{decimal[lang].format(row.medianDays)}</Numeric>
              </tr>
            ))}
          </Table>
          <h2 class="kern-heading-large">{t(lang, 'heatTitle')}</h2>
          <p class="kern-body">{t(lang, 'heatIntro', { metres: gridMetres })}</p>
          {map && <MapRegion lang={lang} layer={map.layer} bounds={map.bounds} mode="heat" label={t(lang, 'heatMapLabel')} />}
          <Table label={t(lang, 'heatTitle')} head={[t(lang, 'cell'), t(lang, 'count')]}>
            {statistics.cells.map((cell) => (
              <tr class="kern-table__row" key={cell.bounds.join(',')} data-cell={cell.bounds.join(',')} data-count={cell.count}>
                <td class="kern-table__cell">{`${degrees[lang].format(cell.bounds[0])}, ${degrees[lang].format(cell.bounds[1])}`}</td>
                <Numeric>{cell.count}</Numeric>
              </tr>
            ))}
          </Table>
        </>
      ))}
    </Layout>
  );
}
