import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { berlinDay, formatEuro, parseDay } from '../../platform/i18n/i18n.js';
import { Button, ErrorSummary, SummaryList, TextField } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { requireStaff } from '../staff/index.js';
import { exportSettledPayments, type AccountingOf, type FinanceExport } from './finance-export.js';
import { t } from './payments.i18n.js';

/** The finance export page: a day to choose, and that day's sum with the CSV to download. */
function FinanceExportPage(props: { ctx: PageContext; day: string; error?: string; result?: FinanceExport }) {
  const { ctx, result } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={t(lang, 'financeTitle')}>
      <p class="kern-body"><a class="kern-link" href="/verwaltung">{t(lang, 'financeBack')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'financeTitle')}</h1>
      <p class="kern-body">{t(lang, 'financeIntro')}</p>
      {props.error && <ErrorSummary lang={lang} errors={{ tag: props.error }} />}
      <form method="get" action="/verwaltung/zahlungen" novalidate>
        <TextField name="tag" label={t(lang, 'financeDay')} hint={t(lang, 'financeDayHint')} value={props.day} error={props.error} lang={lang} width="short" />
        <Button>{t(lang, 'financeShow')}</Button>
      </form>
      {result && (
        <section aria-labelledby="ergebnis">
          <h2 class="kern-heading-medium" id="ergebnis">{t(lang, 'financeResult', { day: result.day })}</h2>
          <SummaryList lang={lang} rows={[
            { key: t(lang, 'financeCount'), value: String(result.count) },
            { key: t(lang, 'financeTotal'), value: formatEuro(result.totalCents, lang) },
            ...(result.refundCount > 0 ? [{ key: t(lang, 'financeRefunds'), value: t(lang, 'financeRefundsValue', { count: String(result.refundCount), amount: formatEuro(result.refundedCents, lang) }) }] : []),
          ]} />
          <p class="kern-body"><a class="kern-link" href={`/verwaltung/zahlungen/${result.day}.csv`} download>{t(lang, 'financeDownload')}</a></p>
        </section>
      )}
    </Layout>
  );
}

/**
 * The finance export in the back office (docs/adr/0027): town administrators, who look after the
 * whole town rather than one department, download a day's settled payments as CSV.
 */
export async function paymentStaffRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const accountingOf: AccountingOf = (serviceId) => deps.services.get(serviceId)?.definition.payment?.accounting;

  async function requireTownAdmin(request: FastifyRequest, reply: FastifyReply) {
    const signedIn = await requireStaff(db, request, reply);
    if (!signedIn) return null;
    if (!signedIn.staff.townAdmin) {
      await sendErrorPage(request, reply, 403);
      return null;
    }
    return signedIn;
  }

  app.get('/verwaltung/zahlungen', async (request: FastifyRequest<{ Querystring: { tag?: string } }>, reply) => {
    const signedIn = await requireTownAdmin(request, reply);
    if (!signedIn) return reply;
    reply.header('cache-control', 'no-store');
    const typed = typeof request.query.tag === 'string' ? request.query.tag.trim().slice(0, 20) : undefined;
    if (typed === undefined) return sendPage(reply, <FinanceExportPage ctx={signedIn.ctx} day={berlinDay(new Date())} />);
    const day = parseDay(typed);
    const result = day ? await exportSettledPayments(db, request.tenant.id, day, accountingOf) : undefined;
    if (!result) return sendPage(reply, <FinanceExportPage ctx={signedIn.ctx} day={typed} error={t(request.lang, 'financeBadDay')} />, 422);
    return sendPage(reply, <FinanceExportPage ctx={signedIn.ctx} day={typed} result={result} />);
  });

  app.get('/verwaltung/zahlungen/:file', async (request: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const signedIn = await requireTownAdmin(request, reply);
    if (!signedIn) return reply;
    const day = request.params.file.match(/^(\d{4}-\d{2}-\d{2})\.csv$/)?.[1];
    const result = day && (await exportSettledPayments(db, request.tenant.id, day, accountingOf));
    if (!result) return reply.callNotFound();
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="Zahlungen-${result.day}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(result.csv);
  });
}
