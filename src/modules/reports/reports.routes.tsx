import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { hashToken, isUuid, newToken } from '../../platform/crypto/tokens.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { addReceiptToSession, ensureSession, findSession, isValidCsrfToken, type Session } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { maxPhotos, newReportPath, reportsPath } from './report.js';
import { checkReport, fileDefectReport, findNearbyReports, loadPublicReport, loadPublicReports, loadReceipt, loadReleasedPhoto, loadReportSetup, supportReport, type ReportFormValues, type ReportSetup, type UploadedPhoto } from './reports.service.js';
import { areaBounds, prepareMapPage } from './report-map.js';
import { reportAlertRoutes } from './report-alerts.routes.js';
import { reportFollowUpRoutes } from './report-follow-up.routes.js';
import { questionFieldPrefix } from './report-questions.js';
import { holdReasonsForForm } from './report-moderation.js';
import { isUnsubscribeToken, knowsUnsubscribeToken, unsubscribePath, unsubscribeReporter } from './report-mail.js';
import { sendPhoto } from './reports.staff-routes.js';
import { UnsubscribePage } from './views/report-staff-pages.js';
import { ReportFormPage, ReportListPage, ReportPage, ReportReceiptPage } from './views/report-pages.js';

const formFields = ['kategorie', 'strasse', 'hausnummer', 'naehe', 'breite', 'laenge', 'beschreibung', 'email'] as const;
const emptyForm: ReportFormValues = { kategorie: '', strasse: '', hausnummer: '', naehe: '', breite: '', laenge: '', beschreibung: '', email: '', fragen: {} };
/** Most answer fields read from one form: far more than any town's questions, few enough to bound the work. */
const maxAnswerFields = 100;

function ctxOf(request: FastifyRequest, session?: Session | null): PageContext {
  return { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session?.csrfToken };
}

/**
 * Reads the multipart report form: its known text fields (others are ignored) and the photos of
 * the `fotos` input, at most one more than allowed (so "too many" can be said without reading
 * on). A file in any other field is refused (null).
 */
async function readReportForm(request: FastifyRequest): Promise<{ values: ReportFormValues; csrf: string; uploads: UploadedPhoto[]; anyway: boolean } | null> {
  const values = { ...emptyForm, fragen: {} as Record<string, string[]> };
  let answerFields = 0;
  let csrf = '';
  let anyway = false;
  const uploads: UploadedPhoto[] = [];
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      const value = typeof part.value === 'string' ? part.value : '';
      if (part.fieldname === '_csrf') csrf = value;
      else if (part.fieldname === 'trotzdem') anyway = value === '1';
      else if ((formFields as readonly string[]).includes(part.fieldname)) values[part.fieldname as (typeof formFields)[number]] = value;
      else if (part.fieldname.startsWith(questionFieldPrefix) && ++answerFields <= maxAnswerFields) (values.fragen[part.fieldname] ??= []).push(value);
      continue;
    }
    if (part.fieldname !== 'fotos') return null;
    const bytes = await part.toBuffer();
    // An empty file input still sends a part without name and content.
    if (!part.filename && bytes.length === 0) continue;
    if (uploads.length <= maxPhotos) uploads.push({ filename: part.filename.split(/[\\/]/).pop()!.slice(-120), bytes, truncated: part.file.truncated });
  }
  return { values, csrf, uploads, anyway };
}

/**
 * The public side of the Mängelmelder: the report form (no JavaScript needed), the receipt for
 * the browser that filed a report, the public list and each report's page.
 */
export async function reportRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  await reportFollowUpRoutes(app, deps);
  await reportAlertRoutes(app, deps);
  const fileLimit = { rateLimit: { max: deps.config.submissionRateLimit, timeWindow: '1 minute' } };
  // The form's map starts on the town's area; the address fields stay the way without it.
  const formMap = async (reply: FastifyReply, setup: ReportSetup) => ({ layer: await prepareMapPage(db, reply.request.tenant.id, reply), bounds: areaBounds(setup.area.boundary) });

  app.get(newReportPath, async (request, reply) => {
    const setup = await loadReportSetup(db, request.tenant.id);
    if (!setup) return reply.callNotFound();
    const session = await ensureSession(db, request, reply);
    const map = await formMap(reply, setup);
    return sendPage(reply, <ReportFormPage ctx={ctxOf(request, session)} setup={setup} values={emptyForm} errors={{}} map={map} />);
  });

  app.post(newReportPath, { config: fileLimit }, async (request, reply) => {
    const setup = await loadReportSetup(db, request.tenant.id);
    if (!setup) return reply.callNotFound();
    if (!request.isMultipart()) return sendErrorPage(request, reply, 400);
    const session = await findSession(db, request);
    const form = await readReportForm(request);
    if (!form) return sendErrorPage(request, reply, 400);
    if (!isValidCsrfToken(session, form.csrf)) return sendErrorPage(request, reply, 403);
    const checked = await checkReport(setup, form.values, form.uploads, { lang: request.lang, townName: request.tenant.name });
    if (!checked.ok) return sendPage(reply, <ReportFormPage ctx={ctxOf(request, session)} setup={setup} values={form.values} errors={checked.errors} map={await formMap(reply, setup)} />, 422);
    // Already reported? Offered once; the form then carries "trotzdem" and files it anyway.
    if (!form.anyway) {
      const nearby = await findNearbyReports(db, request.tenant.id, checked.report.category.id, checked.report.location);
      if (nearby.length > 0) {
        return sendPage(reply, <ReportFormPage ctx={ctxOf(request, session)} setup={setup} values={form.values} errors={{}} nearby={{ reports: nearby, photosDropped: form.uploads.length > 0 }} map={await formMap(reply, setup)} />);
      }
    }
    const receiptTokenHash = hashToken(newToken());
    const heldFor = await holdReasonsForForm(db, request.tenant.id, { description: checked.report.description, blockedWords: setup.area.blockedWords, receipts: session!.receipts });
    const { id } = await fileDefectReport(deps, request.tenant.id, { ...checked.report, heldFor, lang: request.lang }, receiptTokenHash);
    await addReceiptToSession(db, request.tenant.id, session!, receiptTokenHash);
    return reply.redirect(`${reportsPath}/${id}/eingang`, 303);
  });

  app.get(`${reportsPath}/:id/eingang`, async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const session = await findSession(db, request);
    const { id } = request.params;
    const receipt = session && session.receipts.length > 0 && isUuid(id) ? await loadReceipt(db, request.tenant.id, session.receipts, id) : undefined;
    if (!receipt) return reply.callNotFound();
    return sendPage(reply, <ReportReceiptPage ctx={ctxOf(request, session)} report={receipt.report} details={receipt.details} />);
  });

  app.get(reportsPath, async (request: FastifyRequest<{ Querystring: { seite?: string } }>, reply) => {
    const pageParam = request.query.seite;
    if (pageParam !== undefined && !/^[1-9][0-9]{0,3}$/.test(pageParam)) return reply.callNotFound();
    const page = pageParam === undefined ? 1 : Number(pageParam);
    const [list, setup] = await Promise.all([loadPublicReports(db, request.tenant.id, page), loadReportSetup(db, request.tenant.id)]);
    if (page > 1 && list.reports.length === 0) return reply.callNotFound();
    const map = setup && { layer: await prepareMapPage(db, request.tenant.id, reply), bounds: areaBounds(setup.area.boundary) };
    return sendPage(reply, <ReportListPage ctx={ctxOf(request)} {...list} page={page} acceptsReports={setup !== undefined} map={map} categories={setup?.categories} />);
  });

  app.post(`${reportsPath}/:id/unterstuetzen`, { config: fileLimit }, async (request: FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>, reply) => {
    const session = await findSession(db, request);
    if (!session || !isValidCsrfToken(session, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const { id } = request.params;
    if (!isUuid(id) || !(await supportReport(db, request.tenant.id, id, session.idHash))) return reply.callNotFound();
    return reply.redirect(`${reportsPath}/${id}?unterstuetzt=1`, 303);
  });

  for (const [suffix, variant] of [['', 'photo'], ['/vorschau', 'thumbnail']] as const) {
    app.get(`${reportsPath}/:id/fotos/:position${suffix}`, async (request: FastifyRequest<{ Params: { id: string; position: string } }>, reply) => {
      const { id, position } = request.params;
      const photo = isUuid(id) && /^[1-3]$/.test(position) ? await loadReleasedPhoto(db, request.tenant.id, id, Number(position)) : undefined;
      if (!photo) return reply.callNotFound();
      return sendPhoto(reply.header('cache-control', 'public, max-age=300'), await deps.files.get(variant === 'photo' ? photo.sha256 : photo.thumbnailSha256));
    });
  }

  app.get(`${unsubscribePath}/:token`, async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
    const { token } = request.params;
    if (!isUnsubscribeToken(token) || !(await knowsUnsubscribeToken(db, request.tenant.id, token))) return reply.callNotFound();
    const session = await ensureSession(db, request, reply);
    return sendPage(reply, <UnsubscribePage ctx={ctxOf(request, session)} action={`${unsubscribePath}/${token}`} done={false} />);
  });

  app.post(`${unsubscribePath}/:token`, async (request: FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>, reply) => {
    const { token } = request.params;
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    if (!isUnsubscribeToken(token) || !(await unsubscribeReporter(db, request.tenant.id, token))) return reply.callNotFound();
    return sendPage(reply, <UnsubscribePage ctx={ctxOf(request, session)} action={`${unsubscribePath}/${token}`} done />);
  });

  app.get(`${reportsPath}/:id`, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { unterstuetzt?: string } }>, reply) => {
    const { id } = request.params;
    const report = isUuid(id) ? await loadPublicReport(db, request.tenant.id, id) : undefined;
    if (!report) return reply.callNotFound();
    if (report.duplicateOf) return reply.redirect(`${reportsPath}/${report.duplicateOf}`, 302);
    return sendPage(reply, <ReportPage ctx={ctxOf(request)} report={report} supported={request.query.unterstuetzt === '1'} />);
  });
}
