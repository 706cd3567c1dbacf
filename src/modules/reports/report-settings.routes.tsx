import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import { addLandmark, addStreets, loadCategorySettings, loadReportSettings, removeLandmark, removeStreet, saveBlockedWords, saveCategory, type SettingsProblem } from './report-settings.js';
import { t } from './report-settings.i18n.js';
import { requireReportTownAdmin } from './reports.staff-routes.js';
import { ReportCategoryPage, reportSettingsPath, ReportSettingsPage, type CategoryFormValues, type CategoryList, type ReportSettingsValues } from './views/report-settings-page.js';

const savedKeys = ['ort', 'ort-entfernt', 'strassen', 'strasse-entfernt', 'woerter', 'kategorie'] as const;
// The first few problems of a pasted list: enough to fix, short enough to read in the error summary.
const shownProblems = 5;

function describe(lang: Lang, problem: SettingsProblem): string {
  const text = t(lang, `problem_${problem.kind}`, { text: problem.text ?? '', count: problem.count ?? 0 });
  return problem.line ? t(lang, 'lineProblem', { line: problem.line, problem: text }) : text;
}

/**
 * The town admin's report settings (/verwaltung/admin/maengel): add and remove landmarks, add
 * streets by pasting lines and remove them, replace the blocked words, add and change categories
 * (on /verwaltung/admin/maengel/kategorien/<id|neu>). POST, then 303 to the page
 * with what was saved; a refused form comes back (422) with its values and the reasons.
 */
export async function reportSettingsRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  type Admin = NonNullable<Awaited<ReturnType<typeof requireReportTownAdmin>>>;

  async function categoryList(request: FastifyRequest): Promise<CategoryList> {
    const loaded = await loadCategorySettings(db, request.tenant.id);
    const departments = loaded.departments.map((d) => ({ id: d.id, name: localize(d.name, request.lang) })).sort((a, b) => a.name.localeCompare(b.name, 'de'));
    return { list: loaded.categories, departments, departmentName: (id) => departments.find((d) => d.id === id)?.name ?? '' };
  }
  async function showPage(request: FastifyRequest, reply: FastifyReply, admin: Admin, state: { values?: Partial<ReportSettingsValues>; errors?: Record<string, string>; doneText?: string } = {}, code = 200) {
    const settings = await loadReportSettings(db, request.tenant.id);
    const values: ReportSettingsValues = { ortName: '', ortBeschreibung: '', ortBreite: '', ortLaenge: '', strassen: '', woerter: settings?.blockedWords.join('\n') ?? '', ...state.values };
    return sendPage(reply, <ReportSettingsPage {...admin.page} errors={state.errors ?? {}} settings={settings} categories={await categoryList(request)} values={values} doneText={state.doneText} />, code);
  }
  const typed = (request: FastifyRequest<{ Body: Record<string, unknown> }>, name: string, max = 1000) => (typeof request.body?.[name] === 'string' ? (request.body[name] as string).slice(0, max) : '');
  const saved = (reply: FastifyReply, key: (typeof savedKeys)[number], section: string) => reply.redirect(`${reportSettingsPath}?gespeichert=${key}#${section}`, 303);

  app.get(reportSettingsPath, async (request: FastifyRequest<{ Querystring: { gespeichert?: string } }>, reply) => {
    const admin = await requireReportTownAdmin(db, request, reply);
    if (!admin) return reply;
    const key = savedKeys.find((k) => k === request.query.gespeichert);
    return showPage(request, reply, admin, { doneText: key && t(request.lang, `done_${key}`) });
  });

  app.post(`${reportSettingsPath}/orte`, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const admin = await requireReportTownAdmin(db, request, reply, request.body);
    if (!admin) return reply;
    const values = { ortName: typed(request, 'ortName', 200), ortBeschreibung: typed(request, 'ortBeschreibung', 400), ortBreite: typed(request, 'ortBreite', 40), ortLaenge: typed(request, 'ortLaenge', 40) };
    const added = await addLandmark(db, request.tenant.id, `staff:${admin.staffId}`, { name: values.ortName, description: values.ortBeschreibung, lat: values.ortBreite, lon: values.ortLaenge });
    if (!added) return reply.callNotFound();
    if (!added.ok) {
      const fields = { name: 'ortName', description: 'ortBeschreibung', lat: 'ortBreite' } as const;
      const errors = Object.fromEntries(Object.entries(added.problems).map(([field, problem]) => [fields[field as keyof typeof fields], describe(request.lang, problem)]));
      return showPage(request, reply, admin, { values, errors }, 422);
    }
    return saved(reply, 'ort', 'orte');
  });

  /**
   * A list pasted into one text field (streets, blocked words): saved whole or not at all; refused,
   * the field comes back with the first problems, each naming its line.
   */
  function pastedListRoute(field: 'strassen' | 'woerter', maxLength: number, save: typeof saveBlockedWords): void {
    app.post(`${reportSettingsPath}/${field}`, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
      const admin = await requireReportTownAdmin(db, request, reply, request.body);
      if (!admin) return reply;
      const text = typed(request, field, maxLength);
      const outcome = await save(db, request.tenant.id, `staff:${admin.staffId}`, text);
      if (!outcome) return reply.callNotFound();
      if (!outcome.ok) return showPage(request, reply, admin, { values: { [field]: text }, errors: { [field]: outcome.problems.slice(0, shownProblems).map((p) => describe(request.lang, p)).join(' ') } }, 422);
      return saved(reply, field, field);
    });
  }
  pastedListRoute('strassen', 100_000, addStreets);
  pastedListRoute('woerter', 20_000, saveBlockedWords);

  app.post(`${reportSettingsPath}/orte/:id/entfernen`, async (request: FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>, reply) => {
    const admin = await requireReportTownAdmin(db, request, reply, request.body);
    if (!admin) return reply;
    const { id } = request.params;
    if (!isUuid(id) || !(await removeLandmark(db, request.tenant.id, `staff:${admin.staffId}`, id))) return reply.callNotFound();
    return saved(reply, 'ort-entfernt', 'orte');
  });

  app.post(`${reportSettingsPath}/strassen/:id/entfernen`, async (request: FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>, reply) => {
    const admin = await requireReportTownAdmin(db, request, reply, request.body);
    if (!admin) return reply;
    const { id } = request.params;
    const outcome = isUuid(id) ? await removeStreet(db, request.tenant.id, `staff:${admin.staffId}`, id) : undefined;
    if (!outcome) return reply.callNotFound();
    if (!outcome.ok) return showPage(request, reply, admin, { errors: { strassen: describe(request.lang, outcome.problem) } }, 409);
    return saved(reply, 'strasse-entfernt', 'strassen');
  });

  /** The category of a path's id: `neu` for a new one, else an existing one (undefined: not found). */
  async function categoryOf(request: FastifyRequest<{ Params: { id: string } }>, list: CategoryList) {
    const { id } = request.params;
    if (id === 'neu') return { id, category: undefined };
    const category = isUuid(id) ? list.list.find((c) => c.id === id) : undefined;
    return category && { id, category };
  }

  app.get(`${reportSettingsPath}/kategorien/:id`, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const admin = await requireReportTownAdmin(db, request, reply);
    if (!admin) return reply;
    const list = await categoryList(request);
    const found = await categoryOf(request, list);
    if (!found) return reply.callNotFound();
    const c = found.category;
    const values: CategoryFormValues = c
      ? { nameDe: c.name.de, nameEn: c.name.en ?? '', descriptionDe: c.description.de, descriptionEn: c.description.en ?? '', departmentId: c.departmentId, active: c.active }
      : { code: '', nameDe: '', nameEn: '', descriptionDe: '', descriptionEn: '', departmentId: '', active: true };
    return sendPage(reply, <ReportCategoryPage {...admin.page} id={found.id} name={c && localize(c.name, request.lang)} values={values} categories={list} />);
  });

  app.post(`${reportSettingsPath}/kategorien/:id`, async (request: FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>, reply) => {
    const admin = await requireReportTownAdmin(db, request, reply, request.body);
    if (!admin) return reply;
    const list = await categoryList(request);
    const found = await categoryOf(request, list);
    if (!found) return reply.callNotFound();
    const values: CategoryFormValues = {
      ...(found.category ? {} : { code: typed(request, 'code', 100) }),
      nameDe: typed(request, 'nameDe', 400), nameEn: typed(request, 'nameEn', 400), descriptionDe: typed(request, 'descriptionDe', 1000), descriptionEn: typed(request, 'descriptionEn', 1000),
      departmentId: typed(request, 'departmentId', 100), active: request.body?.active === '1',
    };
    const outcome = await saveCategory(db, request.tenant.id, `staff:${admin.staffId}`, values, found.category?.id);
    if (!outcome) return reply.callNotFound();
    if (!outcome.ok) {
      const errors = Object.fromEntries(Object.entries(outcome.problems).map(([field, problem]) => [field, t(request.lang, `category_${problem}`)]));
      return sendPage(reply, <ReportCategoryPage {...admin.page} errors={errors} id={found.id} name={found.category && localize(found.category.name, request.lang)} values={values} categories={list} />, 422);
    }
    return saved(reply, 'kategorie', 'kategorien');
  });
}
