import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { inTransaction } from '../../platform/db/database.js';
import { townUrl } from '../../platform/http/town-url.js';
import { localize } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import { Layout } from '../../platform/views/layout.js';
import { StaffBar } from '../cases/index.js';
import { requireStaff } from '../staff/index.js';
import { parsePeriod } from '../statistics/index.js';
import { listDepartments } from '../tenants/tenants.repository.js';
import { reportsPath } from './report.js';
import { feedEntries, parseFeedQuery, renderAtomFeed, reportFeedPath } from './report-feeds.js';
import { areaBounds, checkTileLayer, loadTileLayer, prepareMapPage, saveTileLayer } from './report-map.js';
import { t } from './report-map.i18n.js';
import { loadReportStatistics } from './report-statistics.js';
import { loadCategories, loadReportSetup, searchReports } from './reports.service.js';
import { requireReportTownAdmin } from './reports.staff-routes.js';
import { reportSettingsRoutes } from './report-settings.routes.js';
import { mapSettingsPath, MapSettingsPage } from './views/report-map.js';
import { reportStatisticsPath, ReportStatisticsPage } from './views/report-statistics-page.js';

/**
 * The Mängelmelder's overviews: the Atom feed of public reports (all, per category, per box),
 * the report statistics of the back office, and the town admin's map and report settings.
 */
export async function reportOverviewRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  await reportSettingsRoutes(app, deps);

  app.get(reportFeedPath, async (request, reply) => {
    const query = parseFeedQuery(request.query, request.lang);
    if (!query.ok) return reply.code(400).type('text/plain; charset=utf-8').send(query.problem);
    const category = query.code ? (await loadCategories(db, request.tenant.id)).find((c) => c.code === query.code) : undefined;
    if (query.code && !category) return reply.callNotFound();
    const reports = await searchReports(db, request.tenant.id, { codes: query.code ? [query.code] : undefined, box: query.box, from: new Date(0), to: new Date(), limit: feedEntries });
    const town = deps.tenants.findById(request.tenant.id)!;
    const urlOf = (path: string) => townUrl(deps.config, town, path);
    const title = category ? t(request.lang, 'feedTitleCategory', { town: request.tenant.name, category: localize(category.name, request.lang) })
      : t(request.lang, query.box ? 'feedTitleArea' : 'feedTitle', { town: request.tenant.name });
    const xml = renderAtomFeed({ title, selfUrl: urlOf(request.url), listUrl: urlOf(reportsPath), townName: request.tenant.name, lang: request.lang, reports, urlOf });
    // The same for everyone: feed readers and proxies may keep it a few minutes.
    return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=300').header('vary', 'Cookie, Accept-Language').send(xml);
  });

  app.get(reportStatisticsPath, async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
    const signedIn = await requireStaff(db, request, reply);
    if (!signedIn) return reply;
    const { staff, ctx } = signedIn;
    const all = await inTransaction(db, { tenantId: request.tenant.id }, (trx) => listDepartments(trx));
    // A town admin sees every department's reports; everyone else those of their own departments.
    const departmentIds = staff.townAdmin ? all.map((d) => d.id) : staff.departments.map((d) => d.id);
    if (departmentIds.length === 0) {
      return sendPage(reply, (
        <Layout ctx={ctx} title={t(ctx.lang, 'forbiddenTitle')}>
          <StaffBar ctx={ctx} staffName={staff.name} />
          <h1 class="kern-heading-x-large">{t(ctx.lang, 'forbiddenTitle')}</h1>
          <p class="kern-body">{t(ctx.lang, 'forbiddenText')}</p>
        </Layout>
      ), 403);
    }
    const departments = staff.townAdmin ? t(ctx.lang, 'allDepartments')
      : all.filter((d) => departmentIds.includes(d.id)).map((d) => localize(d.name, ctx.lang)).sort((a, b) => a.localeCompare(b, 'de')).join(', ');
    const parsed = parsePeriod(request.query, ctx.lang);
    const page = { ctx, staffName: staff.name, parsed, departments };
    if (!parsed.period) return sendPage(reply, <ReportStatisticsPage {...page} />, 422);
    const statistics = await loadReportStatistics(db, request.tenant.id, { departmentIds, ...parsed.period });
    const setup = statistics.cells.length > 0 ? await loadReportSetup(db, request.tenant.id) : undefined;
    const map = setup && { layer: await prepareMapPage(db, request.tenant.id, reply), bounds: areaBounds(setup.area.boundary) };
    return sendPage(reply, <ReportStatisticsPage {...page} statistics={statistics} map={map} />);
  });

  app.get(mapSettingsPath, async (request: FastifyRequest<{ Querystring: { gespeichert?: string } }>, reply) => {
    const admin = await requireReportTownAdmin(db, request, reply);
    if (!admin) return reply;
    const layer = await loadTileLayer(db, request.tenant.id);
    return sendPage(reply, <MapSettingsPage {...admin.page} values={{ tileUrl: layer.urlTemplate, attribution: layer.attribution }} saved={request.query.gespeichert === '1'} />);
  });

  app.post(mapSettingsPath, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const admin = await requireReportTownAdmin(db, request, reply, request.body);
    if (!admin) return reply;
    const typed = (name: string) => (typeof request.body?.[name] === 'string' ? (request.body[name] as string).slice(0, 1000) : '');
    const values = { tileUrl: typed('tileUrl'), attribution: typed('attribution') };
    const checked = checkTileLayer(values);
    if (!checked.ok) {
      const errors = Object.fromEntries(Object.entries(checked.problems).map(([field, problem]) => [field, t(request.lang, `error_${field}_${problem}` as Parameters<typeof t>[1])]));
      return sendPage(reply, <MapSettingsPage {...admin.page} errors={errors} values={values} />, 422);
    }
    await saveTileLayer(db, request.tenant.id, `staff:${admin.staffId}`, checked.layer);
    return reply.redirect(`${mapSettingsPath}?gespeichert=1`, 303);
  });
}
