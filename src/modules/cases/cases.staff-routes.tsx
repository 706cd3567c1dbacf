import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { inTransaction } from '../../platform/db/database.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { localize } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import { recordAudit } from '../audit/index.js';
import { applicantEmail, openAnswers, renderReceiptPdf, resolveDefinition } from '../forms/index.js';
import { requireStaff as requireStaffPage, type StaffMember } from '../staff/index.js';
import { listDepartments } from '../tenants/tenants.repository.js';
import { findCaseWithSubmission, listCaseEvents, listDepartmentStaff, listInbox } from './cases.repository.js';
import { parseInboxQuery } from './inbox-query.js';
import { ledDepartmentIds } from './lead-access.js';
import { assessCase } from '../taxes/index.js';
import { listCaseDocuments } from '../letters/index.js';
import { listCaseHandoffs } from '../handoff/index.js';
import { CasePaymentsSection, listPaymentsOfCase, refundCasePayment, refundReasonField, refusedRefundForm } from '../payments/index.js';
import { answerInvolvement, findInvolvementOfLinkedCase, involveDepartment, listInvolvements } from './involvements.js';
import { addNote, asClerk, changeCase } from './cases.service.js';
import { addDays, askApplicant, defaultDeadlineDays, listApplicantRequests, parseRequestForm, withdrawApplicantRequest } from './applicant-requests.js';
import { t as requestTexts } from './applicant-requests.i18n.js';
import { berlinDay } from '../../platform/i18n/i18n.js';
import { caseStatuses, type CaseStatus } from './case.js';
import { t } from './cases.i18n.js';
import { allowedTransitions, isLead, refusal, type CaseChange, type DepartmentRole } from './workflow.js';
import { isValidCsrfToken } from '../../platform/http/session.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { CasePage, InboxPage, type CaseActions, type CaseFormState, type CaseInvolvementView } from './views/case-pages.js';

const pageSize = 25;

function staffActor(request: FastifyRequest, staff: StaffMember) {
  return { tenantId: request.tenant.id, departmentIds: staff.departments.map((d) => d.id) };
}

/** The clerk's inbox and case view; what a clerk sees is limited by row-level security to their departments. */
export async function casesStaffRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  const requireStaff = (request: FastifyRequest, reply: FastifyReply) => requireStaffPage(db, request, reply);

  async function departmentNames(request: FastifyRequest) {
    const departments = await inTransaction(db, { tenantId: request.tenant.id }, (trx) => listDepartments(trx));
    return (id: string) => {
      const d = departments.find((x) => x.id === id);
      return d ? localize(d.name, request.lang) : '';
    };
  }

  app.get('/verwaltung', async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    const departmentIds = signedIn.staff.departments.map((d) => d.id);
    const team = await asClerk(db, request.tenant.id, signedIn.staff, (trx) => listDepartmentStaff(trx, departmentIds));
    const services = [...deps.services.values()]
      .filter((s) => s.definition.form)
      .map((s) => ({ id: s.definition.id, title: localize(s.definition.title, request.lang) }))
      .sort((a, b) => a.title.localeCompare(b.title, 'de'));
    const parsed = parseInboxQuery(request.query, request.lang, { serviceIds: services.map((s) => s.id), staffIds: team.map((s) => s.id), selfId: signedIn.staff.id });
    const page = Math.min(Math.max(Number.parseInt(request.query.seite ?? '1', 10) || 1, 1), 10_000);
    const { rows, total } = await asClerk(db, request.tenant.id, signedIn.staff, (trx) =>
      listInbox(trx, { filter: parsed.filter, staffId: signedIn.staff.id, departmentIds, limit: pageSize, offset: (page - 1) * pageSize }));
    const serviceTitle = (id: string) => services.find((s) => s.id === id)?.title ?? id;
    return sendPage(
      reply,
      <InboxPage
        ctx={signedIn.ctx}
        staffName={signedIn.staff.name}
        rows={rows}
        total={total}
        page={page}
        pageSize={pageSize}
        filter={parsed}
        team={team}
        services={services}
        staffNames={new Map(team.map((s) => [s.id, s.name]))}
        serviceTitle={serviceTitle}
        departmentName={await departmentNames(request)}
        reports={ledDepartmentIds(signedIn.staff).length > 0}
      />,
      Object.keys(parsed.errors).length > 0 ? 422 : 200,
    );
  });

  /** Loads a case the clerk may see and logs the read; undefined when RLS hides it. */
  async function readCase(request: FastifyRequest, staff: StaffMember, caseId: string, purpose: string) {
    if (!isUuid(caseId)) return undefined;
    return inTransaction(db, staffActor(request, staff), async (trx) => {
      const found = await findCaseWithSubmission(trx, caseId);
      if (!found) return undefined;
      // A linked case shows only the fields its department was given, and none of the files.
      const asked = found.parent_case_id ? await findInvolvementOfLinkedCase(trx, caseId) : undefined;
      if (found.parent_case_id && !asked) return undefined;
      const files = asked ? [] : await trx.selectFrom('files').select(['id', 'filename', 'size', 'sha256', 'media_type', 'request_id']).where('submission_id', '=', found.submission_id).orderBy('created_at').execute();
      const involvements = asked ? [] : await listInvolvements(trx, caseId);
      const requests = asked ? [] : await listApplicantRequests(trx, caseId);
      const documents = asked ? [] : await listCaseDocuments(trx, caseId);
      const handoffs = asked ? [] : await listCaseHandoffs(trx, caseId);
      await recordAudit(trx, { tenantId: request.tenant.id, actor: `staff:${staff.id}`, action: purpose, subject: `case:${caseId}`, details: { reference: found.reference } });
      const answers = asked
        ? await openAnswers(deps.keyring, trx, found.tenant_id, { linkedCaseId: found.id }, { answers: found.shared_answers, sealed: found.shared_sealed_answers, dataKeyId: found.shared_data_key_id })
        : await openAnswers(deps.keyring, trx, found.tenant_id, { submissionId: found.submission_id }, { answers: found.answers, sealed: found.sealed_answers, dataKeyId: found.data_key_id });
      return {
        ...found,
        answers,
        definition_hash: asked?.definition_hash ?? found.definition_hash!,
        submitted_at: found.submitted_at ?? found.created_at,
        files,
        documents,
        handoffs,
        involvementAsked: asked,
        involvements,
        requests,
      };
    });
  }

  type SignedIn = NonNullable<Awaited<ReturnType<typeof requireStaff>>>;

  /** Renders the case page; after a refused change with the reason, keeping what was typed. */
  async function showCase(request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn, caseId: string, extras: CaseFormState = {}, code = 200) {
    const found = await readCase(request, signedIn.staff, caseId, 'case.viewed');
    if (!found) return reply.callNotFound();
    const service = await resolveDefinition(db, deps.services, found.definition_hash);
    const { timeline, departmentStaff } = await asClerk(db, request.tenant.id, signedIn.staff, async (trx) => ({
      timeline: await listCaseEvents(trx, found.id),
      departmentStaff: await listDepartmentStaff(trx, [found.department_id]),
    }));
    const role = signedIn.staff.departments.find((d) => d.id === found.department_id)?.role as DepartmentRole;
    const payments = await listPaymentsOfCase(db, { tenantId: request.tenant.id, departmentIds: signedIn.staff.departments.map((d) => d.id) }, found.id);
    const state = { status: found.status as CaseStatus, assigneeId: found.assignee_id, step: found.step, linked: found.parent_case_id !== null };
    const actor = { staffId: signedIn.staff.id, role };
    const canAssign = (staffId: string) => refusal(state, { kind: 'assign', staffId }, actor, { stepIds: [], departmentStaffIds: departmentStaff.map((s) => s.id) }) === undefined;
    const others = departmentStaff.filter((s) => s.id !== found.assignee_id && canAssign(s.id));
    // The current definition's steps: a case follows the service as it is configured now.
    const steps = deps.services.get(found.service_id)?.definition.caseSteps ?? [];
    const stepLabels = new Map(steps.map((st) => [st.id, localize(st.label, request.lang)]));
    const actions: CaseActions = {
      transitions: allowedTransitions(state, actor),
      assignees: others.length === 0 ? null : others.every((s) => s.id === signedIn.staff.id) ? 'self' : others,
      steps: steps.length > 0 && refusal(state, { kind: 'step', step: null }, actor, { stepIds: [], departmentStaffIds: [] }) === undefined
        ? steps.map((st) => ({ id: st.id, label: localize(st.label, request.lang) }))
        : null,
    };
    const staffNames = new Map(departmentStaff.map((st) => [st.id, st.name]));
    const departmentName = await departmentNames(request);
    const involvementDefinitions = service.definition.involvements;
    const involvementTitle = (id: string) => {
      const d = involvementDefinitions.find((i) => i.id === id);
      return d ? localize(d.title, request.lang) : id;
    };
    const mayInvolve = refusal(state, { kind: 'involve' }, actor, { stepIds: [], departmentStaffIds: [] }) === undefined;
    const open = new Set(found.involvements.filter((i) => i.answer === null).map((i) => i.involvement_id));
    const asked = found.involvementAsked;
    const askedDefinition = asked && involvementDefinitions.find((i) => i.id === asked.involvement_id);
    const involvement: CaseInvolvementView = {
      asked: asked ? {
        title: involvementTitle(asked.involvement_id),
        legalBasis: askedDefinition ? localize(askedDefinition.legalBasis, request.lang) : '',
        askingDepartment: departmentName(asked.asking_department_id),
        question: asked.question,
        requestedAt: asked.requested_at,
        answer: asked.answer,
        answeredAt: asked.answered_at,
        mayAnswer: asked.answer === null && refusal(state, { kind: 'answer' }, actor, { stepIds: [], departmentStaffIds: [] }) === undefined,
      } : undefined,
      requests: found.involvements.map((i) => ({
        id: i.id,
        title: involvementTitle(i.involvement_id),
        department: departmentName(i.involved_department_id),
        question: i.question,
        requestedAt: i.requested_at,
        answer: i.answer,
        answeredAt: i.answered_at,
      })),
      options: mayInvolve && !asked ? involvementDefinitions.filter((i) => !open.has(i.id)).map((i) => ({ id: i.id, label: localize(i.title, request.lang) })) : [],
    };
    return sendPage(
      reply,
      <CasePage
        ctx={signedIn.ctx}
        staffName={signedIn.staff.name}
        caseId={found.id}
        reference={found.reference}
        status={found.status}
        version={found.version}
        submittedAt={found.submitted_at}
        dueAt={found.due_at}
        assigneeName={found.assignee_id ? (staffNames.get(found.assignee_id) ?? null) : null}
        stepLabel={found.step ? (stepLabels.get(found.step) ?? found.step) : null}
        decision={found.decision}
        applicantHasAccount={found.account_id !== null}
        applicantOrganisation={found.organisation_name}
        departmentName={departmentName(found.department_id)}
        service={service.definition}
        answers={found.answers}
        involvement={involvement}
        payments={payments.length > 0 && (
          <CasePaymentsSection lang={request.lang} payments={payments} refund={isLead(role) ? { caseId: found.id, csrfToken: signedIn.ctx.csrfToken, form: extras.refund } : undefined} />
        )}
        assessment={asked ? undefined : assessCase(service.definition, found.answers, deps.tenants.findById(request.tenant.id)!.profile, request.lang)}
        files={found.files}
        documents={found.documents}
        applicantRequests={{
          requests: found.requests,
          mayAsk: !asked && !found.requests.some((r) => r.state === 'open') && refusal(state, { kind: 'ask' }, actor, { stepIds: [], departmentStaffIds: [] }) === undefined,
          mayWithdraw: refusal(state, { kind: 'withdrawRequest' }, actor, { stepIds: [], departmentStaffIds: [] }) === undefined,
          reachableByMail: applicantEmail(service, found.answers) !== undefined || found.account_id !== null,
          defaultDueOn: addDays(berlinDay(new Date()), defaultDeadlineDays),
        }}
        handoffs={found.handoffs}
        timeline={timeline.map((e) => ({
          id: String(e.id),
          occurredAt: e.occurred_at,
          kind: e.kind,
          details: e.kind === 'involvement' ? { title: involvementTitle(String(e.details.involvement)), department: departmentName(String(e.details.departmentId)) } : e.details,
          staffName: e.staff_name,
        }))}
        actions={actions}
        staffNames={staffNames}
        stepLabels={stepLabels}
        {...extras}
      />,
      code,
    );
  }

  app.get('/verwaltung/vorgaenge/:caseId', async (request: FastifyRequest<{ Params: { caseId: string } }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    return showCase(request, reply, signedIn, request.params.caseId);
  });

  app.post('/verwaltung/vorgaenge/:caseId/aenderung', async (request: FastifyRequest<{ Params: { caseId: string }; Body: Record<string, unknown> }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    if (!isValidCsrfToken(signedIn, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const caseId = request.params.caseId;
    const parsed = parseCaseChange(request.body, signedIn.staff.id);
    if (!parsed || !isUuid(caseId)) return sendErrorPage(request, reply, 400);
    const outcome = await changeCase(db, { tenantId: request.tenant.id, staff: signedIn.staff, caseId, version: parsed.version, command: parsed.command, services: deps.services });
    if (outcome === 'done') return reply.redirect(`/verwaltung/vorgaenge/${caseId}`, 303);
    if (outcome === 'notFound') return reply.callNotFound();
    return showCase(request, reply, signedIn, caseId, { alert: t(request.lang, outcome) }, outcome === 'conflict' ? 409 : 422);
  });

  // A team lead refunds a paid fee with a reason; who may is decided by reading the case with only
  // the departments the staff member leads (refundCasePayment).
  app.post('/verwaltung/vorgaenge/:caseId/zahlungen/:paymentId/erstattung', async (request: FastifyRequest<{ Params: { caseId: string; paymentId: string }; Body: Record<string, unknown> }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    if (!isValidCsrfToken(signedIn, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const { caseId, paymentId } = request.params;
    if (!isUuid(caseId) || !isUuid(paymentId)) return sendErrorPage(request, reply, 400);
    const leads = ledDepartmentIds(signedIn.staff);
    if (leads.length === 0) return sendErrorPage(request, reply, 403);
    const reason = request.body?.[refundReasonField(paymentId)];
    const outcome = await refundCasePayment(deps.payments, { tenantId: request.tenant.id, departmentIds: leads, staffId: signedIn.staff.id }, { caseId, paymentId, reason });
    if (outcome === 'refunded') return reply.redirect(`/verwaltung/vorgaenge/${caseId}#zahlungen`, 303);
    if (outcome === 'notFound') return reply.callNotFound();
    const refund = refusedRefundForm(request.lang, paymentId, reason, outcome);
    return showCase(request, reply, signedIn, caseId, { refund }, outcome === 'notPaid' ? 409 : 422);
  });

  app.post('/verwaltung/vorgaenge/:caseId/beteiligungen', async (request: FastifyRequest<{ Params: { caseId: string }; Body: Record<string, unknown> }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    if (!isValidCsrfToken(signedIn, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const caseId = request.params.caseId;
    const version = Number(request.body?.version);
    const involvementId = request.body?.beteiligung;
    if (!isUuid(caseId) || !Number.isInteger(version) || typeof involvementId !== 'string') return sendErrorPage(request, reply, 400);
    const question = typeof request.body?.frage === 'string' ? request.body.frage.replace(/\r\n/g, '\n').trim() : '';
    const questionError = question === '' ? t(request.lang, 'questionRequired') : question.length > 5000 ? t(request.lang, 'textTooLong') : undefined;
    if (questionError) return showCase(request, reply, signedIn, caseId, { involve: { involvementId, question, error: questionError } }, 422);
    const outcome = await involveDepartment(deps, { tenantId: request.tenant.id, staff: signedIn.staff, caseId, version, involvementId, question, services: deps.services });
    if (outcome === 'done') return reply.redirect(`/verwaltung/vorgaenge/${caseId}#beteiligungen`, 303);
    if (outcome === 'notFound') return reply.callNotFound();
    return showCase(request, reply, signedIn, caseId, { alert: t(request.lang, outcome), involve: { involvementId, question } }, outcome === 'conflict' ? 409 : 422);
  });

  app.post('/verwaltung/vorgaenge/:caseId/stellungnahme', async (request: FastifyRequest<{ Params: { caseId: string }; Body: Record<string, unknown> }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    if (!isValidCsrfToken(signedIn, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const caseId = request.params.caseId;
    const version = Number(request.body?.version);
    if (!isUuid(caseId) || !Number.isInteger(version)) return sendErrorPage(request, reply, 400);
    const answer = typeof request.body?.stellungnahme === 'string' ? request.body.stellungnahme.replace(/\r\n/g, '\n').trim() : '';
    const answerError = answer === '' ? t(request.lang, 'answerRequired') : answer.length > 5000 ? t(request.lang, 'textTooLong') : undefined;
    if (answerError) return showCase(request, reply, signedIn, caseId, { answer: { text: answer, error: answerError } }, 422);
    const outcome = await answerInvolvement(db, { tenantId: request.tenant.id, staff: signedIn.staff, caseId, version, answer });
    if (outcome === 'done') return reply.redirect(`/verwaltung/vorgaenge/${caseId}`, 303);
    if (outcome === 'notFound') return reply.callNotFound();
    return showCase(request, reply, signedIn, caseId, { alert: t(request.lang, outcome), answer: { text: answer } }, outcome === 'conflict' ? 409 : 422);
  });

  app.post('/verwaltung/vorgaenge/:caseId/nachforderungen', async (request: FastifyRequest<{ Params: { caseId: string }; Body: Record<string, unknown> }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    if (!isValidCsrfToken(signedIn, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const caseId = request.params.caseId;
    const version = Number(request.body?.version);
    if (!isUuid(caseId) || !Number.isInteger(version)) return sendErrorPage(request, reply, 400);
    const parsed = parseRequestForm(request.body, request.lang, berlinDay(new Date()));
    if (!parsed.ok) return showCase(request, reply, signedIn, caseId, { request: { values: parsed.values, errors: parsed.errors } }, 422);
    const outcome = await askApplicant(deps, { tenantId: request.tenant.id, staff: signedIn.staff, caseId, version, question: parsed.question, dueOn: parsed.dueOn, documents: parsed.documents });
    if (outcome === 'done') return reply.redirect(`/verwaltung/vorgaenge/${caseId}#nachforderungen`, 303);
    if (outcome === 'notFound') return reply.callNotFound();
    const alert = outcome === 'requestOpen' ? requestTexts(request.lang, 'requestOpen') : t(request.lang, outcome);
    const values = { question: parsed.question, dueOn: String(request.body?.frist ?? ''), documents: parsed.documents.join('\n') };
    return showCase(request, reply, signedIn, caseId, { alert, request: { values, errors: {} } }, outcome === 'conflict' ? 409 : 422);
  });

  app.post('/verwaltung/vorgaenge/:caseId/nachforderungen/:requestId/zurueckziehen', async (request: FastifyRequest<{ Params: { caseId: string; requestId: string }; Body: Record<string, unknown> }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    if (!isValidCsrfToken(signedIn, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const { caseId, requestId } = request.params;
    const version = Number(request.body?.version);
    if (!isUuid(caseId) || !isUuid(requestId) || !Number.isInteger(version)) return sendErrorPage(request, reply, 400);
    const outcome = await withdrawApplicantRequest(db, { tenantId: request.tenant.id, staff: signedIn.staff, caseId, version, requestId });
    if (outcome === 'done') return reply.redirect(`/verwaltung/vorgaenge/${caseId}#nachforderungen`, 303);
    if (outcome === 'notFound') return reply.callNotFound();
    return showCase(request, reply, signedIn, caseId, { alert: outcome === 'notOpen' ? requestTexts(request.lang, 'notOpen') : t(request.lang, outcome) }, outcome === 'conflict' ? 409 : 422);
  });

  app.post('/verwaltung/vorgaenge/:caseId/notizen', async (request: FastifyRequest<{ Params: { caseId: string }; Body: Record<string, unknown> }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    if (!isValidCsrfToken(signedIn, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const caseId = request.params.caseId;
    if (!isUuid(caseId)) return reply.callNotFound();
    const text = typeof request.body?.notiz === 'string' ? request.body.notiz.replace(/\r\n/g, '\n').trim() : '';
    const error = text === '' ? t(request.lang, 'noteRequired') : text.length > 5000 ? t(request.lang, 'noteTooLong') : undefined;
    if (error) return showCase(request, reply, signedIn, caseId, { note: { text, error } }, 422);
    const outcome = await addNote(db, { tenantId: request.tenant.id, staff: signedIn.staff, caseId, text });
    if (outcome === 'notFound') return reply.callNotFound();
    return reply.redirect(`/verwaltung/vorgaenge/${caseId}#verlauf`, 303);
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
    // The receipt holds every answer: a linked case's department must not get it.
    if (!found || found.involvementAsked) return reply.callNotFound();
    const service = await resolveDefinition(db, deps.services, found.definition_hash);
    const pdf = await renderReceiptPdf({
      tenant: deps.tenants.findById(request.tenant.id)!,
      service,
      submission: { reference: found.reference, submitted_at: found.submitted_at, answers: found.answers, organisation_name: found.organisation_name },
      // The receipt shows what was submitted, not what the applicant sent later.
      files: found.files.filter((f) => f.request_id === null),
      departmentName: (await departmentNames(request))(found.department_id),
      lang: request.lang,
    });
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="Eingang-${found.reference}.pdf"`).send(pdf);
  });
}

const decisions = ['approved', 'partly', 'rejected'] as const;

/** Reads a change form; undefined when it is malformed (a tampered form, not a user mistake). */
function parseCaseChange(body: Record<string, unknown> | undefined, selfId: string): { version: number; command: CaseChange } | undefined {
  const version = Number(body?.version);
  if (!Number.isInteger(version) || version < 1) return undefined;
  const field = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : undefined);
  switch (field('aktion')) {
    case 'status': {
      const to = field('status');
      if (!caseStatuses.includes(to as CaseStatus)) return undefined;
      const decision = field('entscheidung');
      if (decision !== undefined && !decisions.includes(decision as (typeof decisions)[number])) return undefined;
      return { version, command: { kind: 'status', to: to as CaseStatus, ...(decision ? { decision: decision as (typeof decisions)[number] } : {}) } };
    }
    case 'zuweisen': {
      const who = field('bearbeiter');
      if (who === 'ich') return { version, command: { kind: 'assign', staffId: selfId } };
      // An empty choice names nobody; the rules then refuse it as someone outside the department.
      return who !== undefined && (who === '' || isUuid(who)) ? { version, command: { kind: 'assign', staffId: who } } : undefined;
    }
    case 'schritt': {
      const step = field('schritt');
      return step === undefined ? undefined : { version, command: { kind: 'step', step: step === '' ? null : step } };
    }
    default:
      return undefined;
  }
}

