import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { inTransaction } from '../../platform/db/database.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { localize } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { recordAudit } from '../audit/index.js';
import { renderReceiptPdf, resolveDefinition, type Answers } from '../forms/index.js';
import { currentStaff, type StaffMember } from '../staff/index.js';
import { listDepartments } from '../tenants/tenants.repository.js';
import { findCaseWithSubmission, listInbox } from './cases.repository.js';
import { CasePage, InboxPage } from './views/case-pages.js';

const pageSize = 25;

function staffActor(request: FastifyRequest, staff: StaffMember) {
  return { tenantId: request.tenant.id, departmentIds: staff.departments.map((d) => d.id) };
}

/** The clerk's inbox and case view; what a clerk sees is limited by row-level security to their departments. */
export async function casesStaffRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  async function requireStaff(request: FastifyRequest, reply: FastifyReply) {
    const signedIn = await currentStaff(db, request);
    if (!signedIn) {
      reply.redirect('/verwaltung/anmelden', 303);
      return null;
    }
    reply.header('cache-control', 'no-store');
    const ctx: PageContext = { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: signedIn.csrfToken };
    return { ...signedIn, ctx };
  }

  async function departmentNames(request: FastifyRequest) {
    const departments = await inTransaction(db, { tenantId: request.tenant.id }, (trx) => listDepartments(trx));
    return (id: string) => {
      const d = departments.find((x) => x.id === id);
      return d ? localize(d.name, request.lang) : '';
    };
  }

  app.get('/verwaltung', async (request: FastifyRequest<{ Querystring: { seite?: string } }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    const page = Math.min(Math.max(Number.parseInt(request.query.seite ?? '1', 10) || 1, 1), 10_000);
    const { rows, total } = await inTransaction(db, staffActor(request, signedIn.staff), (trx) => listInbox(trx, { limit: pageSize, offset: (page - 1) * pageSize }));
    const serviceTitle = (id: string) => {
      const s = deps.services.get(id);
      return s ? localize(s.definition.title, request.lang) : id;
    };
    return sendPage(reply, <InboxPage ctx={signedIn.ctx} staffName={signedIn.staff.name} rows={rows} total={total} page={page} pageSize={pageSize} serviceTitle={serviceTitle} departmentName={await departmentNames(request)} />);
  });

  /** Loads a case the clerk may see and logs the read; undefined when RLS hides it. */
  async function readCase(request: FastifyRequest, staff: StaffMember, caseId: string, purpose: string) {
    if (!isUuid(caseId)) return undefined;
    return inTransaction(db, staffActor(request, staff), async (trx) => {
      const found = await findCaseWithSubmission(trx, caseId);
      if (!found) return undefined;
      const files = await trx.selectFrom('files').select(['id', 'filename', 'size', 'sha256', 'media_type']).where('submission_id', '=', found.submission_id).orderBy('created_at').execute();
      await recordAudit(trx, { tenantId: request.tenant.id, actor: `staff:${staff.id}`, action: purpose, subject: `case:${caseId}`, details: { reference: found.reference } });
      return { ...found, files };
    });
  }

  app.get('/verwaltung/vorgaenge/:caseId', async (request: FastifyRequest<{ Params: { caseId: string } }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    const found = await readCase(request, signedIn.staff, request.params.caseId, 'case.viewed');
    if (!found) return reply.callNotFound();
    const service = await resolveDefinition(db, deps.services, found.definition_hash);
    return sendPage(
      reply,
      <CasePage
        ctx={signedIn.ctx}
        staffName={signedIn.staff.name}
        caseId={found.id}
        reference={found.reference}
        status={found.status}
        submittedAt={found.submitted_at}
        departmentName={(await departmentNames(request))(found.department_id)}
        service={service.definition}
        answers={found.answers as Answers}
        files={found.files}
      />,
    );
  });

  app.get('/verwaltung/vorgaenge/:caseId/dateien/:fileId', async (request: FastifyRequest<{ Params: { caseId: string; fileId: string } }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    const found = await readCase(request, signedIn.staff, request.params.caseId, 'case.file-downloaded');
    const file = found?.files.find((f) => f.id === request.params.fileId);
    if (!file) return reply.callNotFound();
    const bytes = await deps.files.get(file.sha256);
    return reply
      .type(file.media_type)
      .header('content-disposition', `attachment; filename="${file.filename.replace(/[^\w.\- äöüÄÖÜß]/g, '_')}"`)
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(bytes);
  });

  app.get('/verwaltung/vorgaenge/:caseId/eingang.pdf', async (request: FastifyRequest<{ Params: { caseId: string } }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    const found = await readCase(request, signedIn.staff, request.params.caseId, 'case.receipt-downloaded');
    if (!found) return reply.callNotFound();
    const service = await resolveDefinition(db, deps.services, found.definition_hash);
    const pdf = await renderReceiptPdf({
      tenant: deps.tenants.findById(request.tenant.id)!,
      service,
      submission: { reference: found.reference, submitted_at: found.submitted_at, answers: found.answers },
      files: found.files,
      departmentName: (await departmentNames(request))(found.department_id),
      lang: request.lang,
    });
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="Eingang-${found.reference}.pdf"`).send(pdf);
  });
}
