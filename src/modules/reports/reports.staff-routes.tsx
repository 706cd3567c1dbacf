import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { isValidCsrfToken } from '../../platform/http/session.js';
import { localize } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import { recordAudit } from '../audit/index.js';
import { adminActorOf, ForbiddenPage, mayManageTown } from '../administration/index.js';
import { requireStaff as requireStaffPage } from '../staff/index.js';
import { listDepartments } from '../tenants/tenants.repository.js';
import { reportStatuses } from './report.js';
import { findReportPhoto, findStaffReport, listDepartmentReports, listReportEvents } from './reports.repository.js';
import { prepareMapPage } from './report-map.js';
import { listDuplicates } from './report-merge.js';
import { asReportClerk, parseReportChange, triageReport, type ReportChange } from './report-triage.js';
import { t } from './report-staff.i18n.js';
import { checkClientInput, loadOpen311Clients, registerOpen311Client, revokeClient, type ClientProblem } from './open311-clients.js';
import { open311AdminPath, Open311ClientsPage } from './views/open311-admin-pages.js';
import { reportInboxViews, ReportInboxPage, staffReportsPath, StaffReportPage, type ReportInboxView, type StaffReportFormState } from './views/report-staff-pages.js';

const pageSize = 25;
const formPaths = { stand: 'status', freigabe: 'release', weiterleiten: 'reassign', notizen: 'note', pruefung: 'moderate', zusammenfuehren: 'merge' } as const satisfies Record<string, ReportChange['kind']>;
const errorTexts = { required: 'errorRequired', tooLong: 'errorTooLong', invalid: 'errorInvalid', notAReport: 'errorNotAReport' } as const;
const clientErrorTexts = { nameMissing: 'errorNameMissing', nameTooLong: 'errorNameTooLong', nameTaken: 'errorNameTaken', perHourInvalid: 'errorPerHour' } as const;

/**
 * The back office side of the Mängelmelder: the report inbox of the clerk's departments, a report's
 * page with its photos and the forms that change it. What a clerk sees and changes is limited by
 * row-level security to the reports routed to their departments.
 */
export async function reportStaffRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const requireStaff = (request: FastifyRequest, reply: FastifyReply) => requireStaffPage(db, request, reply);
  type SignedIn = NonNullable<Awaited<ReturnType<typeof requireStaff>>>;

  async function departments(request: FastifyRequest) {
    const rows = await inTransaction(db, { tenantId: request.tenant.id }, (trx) => listDepartments(trx));
    const list = rows.map((d) => ({ id: d.id, name: localize(d.name, request.lang) })).sort((a, b) => a.name.localeCompare(b.name, 'de'));
    return { list, name: (id: string) => list.find((d) => d.id === id)?.name ?? '' };
  }

  app.get(staffReportsPath, async (request: FastifyRequest<{ Querystring: { ansicht?: string; seite?: string } }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    const view: ReportInboxView = request.query.ansicht === 'erledigt' || request.query.ansicht === 'pruefen' ? request.query.ansicht : 'offen';
    const page = Math.min(Math.max(Number.parseInt(request.query.seite ?? '1', 10) || 1, 1), 10_000);
    const rows = await asReportClerk(db, request.tenant.id, signedIn.staff, (trx) =>
      listDepartmentReports(trx, { ...reportInboxViews[view], limit: pageSize + 1, offset: (page - 1) * pageSize }));
    const { name } = await departments(request);
    return sendPage(reply, <ReportInboxPage ctx={signedIn.ctx} staffName={signedIn.staff.name} view={view} reports={rows.slice(0, pageSize)} page={page} hasNext={rows.length > pageSize} departmentName={name} />);
  });

  /** Renders a report's page (after a refused change with the reason and what was typed); 404 when RLS hides it. */
  async function showReport(request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn, id: string, state?: StaffReportFormState, code = 200) {
    if (!isUuid(id)) return reply.callNotFound();
    const loaded = await asReportClerk(db, request.tenant.id, signedIn.staff, async (trx) => {
      const found = await findStaffReport(trx, id);
      if (!found) return undefined;
      await recordAudit(trx, { tenantId: request.tenant.id, actor: `staff:${signedIn.staff.id}`, action: 'report.viewed', subject: `report:${id}` });
      return { found, events: await listReportEvents(trx, id), duplicates: await listDuplicates(trx, id) };
    });
    if (!loaded) return reply.callNotFound();
    const { list, name } = await departments(request);
    const layer = await prepareMapPage(db, request.tenant.id, reply);
    return sendPage(reply, <StaffReportPage ctx={signedIn.ctx} staffName={signedIn.staff.name} view={{ ...loaded.found, duplicates: loaded.duplicates }} events={loaded.events} departments={list} departmentName={name} state={state} layer={layer} />, code);
  }

  app.get(`${staffReportsPath}/:id`, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    return showReport(request, reply, signedIn, request.params.id);
  });

  for (const [path, kind] of Object.entries(formPaths)) {
    app.post(`${staffReportsPath}/:id/${path}`, async (request: FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>, reply) => {
      const signedIn = await requireStaff(request, reply);
      if (!signedIn) return reply;
      if (!isValidCsrfToken(signedIn, request.body?._csrf)) return sendErrorPage(request, reply, 403);
      const { id } = request.params;
      if (!isUuid(id)) return reply.callNotFound();
      const seen = typeof request.body?.stand === 'string' && /^[0-9]{1,16}$/.test(request.body.stand) ? Number(request.body.stand) : null;
      const { list } = await departments(request);
      const parsed = parseReportChange(kind, request.body, { statuses: reportStatuses, departmentIds: list.map((d) => d.id) });
      const form = kind;
      if (!parsed.ok) {
        const errors = Object.fromEntries(Object.entries(parsed.errors).map(([field, problem]) => [field, t(request.lang, errorTexts[problem])]));
        return showReport(request, reply, signedIn, id, { form, values: parsed.values, errors }, 422);
      }
      const outcome = await triageReport(db, { tenantId: request.tenant.id, staff: signedIn.staff, reportId: id, seen, change: parsed.change, followUpDays: deps.config.reportFollowUpDays });
      if (outcome === 'notFound') return reply.callNotFound();
      if (outcome === 'done') {
        // Passed on, the report may be out of the clerk's sight: back to the inbox then.
        return reply.redirect(kind === 'reassign' ? staffReportsPath : `${staffReportsPath}/${id}#${kind === 'note' ? 'verlauf' : path}`, 303);
      }
      const values = Object.fromEntries(Object.entries(request.body ?? {}).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
      return showReport(request, reply, signedIn, id, { form, values, alert: t(request.lang, outcome) }, outcome === 'conflict' ? 409 : 422);
    });
  }

  for (const [suffix, variant] of [['', 'photo'], ['/vorschau', 'thumbnail']] as const) {
    app.get(`${staffReportsPath}/:id/fotos/:position${suffix}`, async (request: FastifyRequest<{ Params: { id: string; position: string } }>, reply) => {
      const signedIn = await requireStaff(request, reply);
      if (!signedIn) return reply;
      const { id, position } = request.params;
      if (!isUuid(id) || !/^[1-3]$/.test(position)) return reply.callNotFound();
      // Through the report's details: a released photo is public, but the back office shows only its departments' photos.
      const photo = await asReportClerk(db, request.tenant.id, signedIn.staff, async (trx) => (await findStaffReport(trx, id)) && findReportPhoto(trx, id, Number(position)));
      if (!photo) return reply.callNotFound();
      return sendPhoto(reply, await deps.files.get(variant === 'photo' ? photo.sha256 : photo.thumbnailSha256));
    });
  }
}

/**
 * The town admin's page of Open311 API clients (/verwaltung/admin/open311): list, register (the
 * key shown once in the answer), revoke.
 */
export async function open311AdminRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const requireTownAdmin = (request: FastifyRequest, reply: FastifyReply, form?: Record<string, unknown>) => requireReportTownAdmin(db, request, reply, form);

  app.get(open311AdminPath, async (request: FastifyRequest<{ Querystring: { widerrufen?: string } }>, reply) => {
    const admin = await requireTownAdmin(request, reply);
    if (!admin) return reply;
    const clients = await loadOpen311Clients(db, request.tenant.id);
    return sendPage(reply, <Open311ClientsPage {...admin.page} doneText={request.query.widerrufen === '1' ? t(request.lang, 'clientRevoked') : undefined} clients={clients} values={{ name: '', perHour: '' }} />);
  });

  app.post(open311AdminPath, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const admin = await requireTownAdmin(request, reply, request.body);
    if (!admin) return reply;
    const values = { name: typeof request.body?.name === 'string' ? request.body.name.slice(0, 200) : '', perHour: typeof request.body?.perHour === 'string' ? request.body.perHour.slice(0, 20) : '' };
    const checked = checkClientInput(values);
    const created = checked.ok ? await registerOpen311Client(db, request.tenant.id, `staff:${admin.staffId}`, checked) : checked;
    const clients = await loadOpen311Clients(db, request.tenant.id);
    if (!created.ok) {
      const errors = Object.fromEntries(Object.entries(created.problems as ClientProblem).map(([field, problem]) => [field, t(request.lang, clientErrorTexts[problem])]));
      return sendPage(reply, <Open311ClientsPage {...admin.page} errors={errors} clients={clients} values={values} />, 422);
    }
    return sendPage(reply, <Open311ClientsPage {...admin.page} clients={clients} values={{ name: '', perHour: '' }} newKey={{ name: values.name.trim(), apiKey: created.apiKey }} />);
  });

  app.post(`${open311AdminPath}/:id/widerrufen`, async (request: FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>, reply) => {
    const admin = await requireTownAdmin(request, reply, request.body);
    if (!admin) return reply;
    const { id } = request.params;
    if (!isUuid(id) || !(await revokeClient(db, request.tenant.id, admin.staffId, id))) return reply.callNotFound();
    return reply.redirect(`${open311AdminPath}?widerrufen=1`, 303);
  });
}

/** The signed-in town admin, or null after answering (sign-in redirect, 403); a form's CSRF token must match. */
export async function requireReportTownAdmin(db: Db, request: FastifyRequest, reply: FastifyReply, form?: Record<string, unknown>) {
  const signedIn = await requireStaffPage(db, request, reply);
  if (!signedIn) return null;
  if (form && !isValidCsrfToken(signedIn, form._csrf)) {
    sendErrorPage(request, reply, 403);
    return null;
  }
  if (!mayManageTown(adminActorOf(signedIn.staff))) {
    sendPage(reply, <ForbiddenPage ctx={signedIn.ctx} staffName={signedIn.staff.name} />, 403);
    return null;
  }
  return { staffId: signedIn.staff.id, page: { ctx: signedIn.ctx, staffName: signedIn.staff.name, townAdmin: true, errors: {} } };
}

/** Sends a stored photo (always a JPEG re-encoded by the portal), never sniffed as anything else. */
export function sendPhoto(reply: FastifyReply, bytes: Buffer): FastifyReply {
  return reply.type('image/jpeg').header('x-content-type-options', 'nosniff').send(bytes);
}
